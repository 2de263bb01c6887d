/*
 * void arch_context_switch(struct arch_context *from,
 *                          struct arch_context *to);  4(%esp), 8(%esp)
 * void arch_context_start(void);                      first entry
 *
 * arch_context_switch pushes the cdecl callee-saved registers (ebp, ebx,
 * esi, edi) on the current stack after the return address, stores esp in
 * from->sp, loads esp from to->sp, pops the same shape and returns into
 * the resumed context.  No FPU state: the image is built without x87/SSE
 * (arch/x86/arch.mk).
 *
 * arch_context_start is the return address arch_context_init parks on a
 * new stack: it calls fn(arg) from ebx/esi and reports a fatal error if fn
 * returns.
 */
	.text
	.global arch_context_switch
	.type arch_context_switch, @function
arch_context_switch:
	movl	4(%esp), %eax
	movl	8(%esp), %edx
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, (%eax)
	movl	(%edx), %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size arch_context_switch, . - arch_context_switch

	.global arch_context_start
	.type arch_context_start, @function
arch_context_start:
	pushl	%esi
	call	*%ebx
	call	arch_context_returned
1:	hlt
	jmp	1b
	.size arch_context_start, . - arch_context_start

	.section .note.GNU-stack, "", @progbits
