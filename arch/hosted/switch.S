/*
 * void arch_context_switch(struct arch_context *from,
 *                          struct arch_context *to);     rdi, rsi
 * void arch_context_start(void);                         first entry
 *
 * arch_context_switch pushes the System V callee-saved registers (rbp,
 * rbx, r12-r15) on the current stack after the return address, then the
 * two callee-saved FPU controls, the x87 control word and MXCSR (8
 * bytes: fcw at +0, mxcsr at +4); it stores rsp in from->sp, loads rsp
 * from to->sp and pops the same shape.  The xmm registers and the x87
 * stack are caller-saved in this ABI: nothing else to keep.  A signal
 * arriving in the middle finds either stack whole (rsp moves in one
 * instruction) and its handler runs on the interrupt stack anyway.
 *
 * arch_context_start is the return address arch_context_init parks on a
 * new stack: it calls fn(arg) from rbx/r12 (rsp 16-byte aligned at the
 * call, as the ABI wants) and reports a fatal error if fn returns, from
 * the interrupt stack: the context is dead, and what is left of its own
 * stack may be too little for a report (the 176-byte register save area
 * of every varargs call: a test's 512-byte stack does not hold one).
 */
	.text
	.global arch_context_switch
	.type arch_context_switch, @function
arch_context_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	fnstcw	(%rsp)
	stmxcsr	4(%rsp)
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	fldcw	(%rsp)
	ldmxcsr	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size arch_context_switch, . - arch_context_switch

	.global arch_context_start
	.type arch_context_start, @function
arch_context_start:
	movq	%r12, %rdi
	call	*%rbx
	leaq	__stack_end(%rip), %rsp
	call	arch_context_returned
	ud2
	.size arch_context_start, . - arch_context_start

	.section .note.GNU-stack, "", @progbits
