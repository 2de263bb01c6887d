/*
 * void hosted_preempt_trampoline(void);  where a preempted thread resumes
 *
 * Preemption by call injection, as on Cortex-M (arch/cortex-m/pendsv.S).
 * The tick's signal handler (irq.c, divert) decides the thread can be
 * diverted, sets the M's mask flag, and rewrites the interrupted context:
 * it stores the interrupted RIP 8 + 128 bytes below the interrupted RSP
 * (the 128 bytes are the System V red zone, which the interrupted code
 * may be using without having moved RSP), sets RSP to that slot and RIP
 * to this trampoline.  The kernel's sigreturn then restores every other
 * register and the flags and resumes here, so on entry
 *
 *   (%rsp)         the interrupted RIP
 *   8+128(%rsp)    the interrupted RSP
 *
 * and the trampoline
 *
 *   1. saves the flags and the caller-saved registers a call may clobber
 *      (rax, rcx, rdx, rsi, rdi, r8-r11), then, in a 64-byte aligned
 *      block, the whole FPU/SSE/AVX state (xsave with every component the
 *      OS enabled, or fxsave where there is no xsave: glibc's string
 *      functions use ymm/zmm registers, which the preempted code may have
 *      live),
 *   2. calls hosted_preempt_body (irq.c): sched_preempted() with the M
 *      masked, then, marked as unwinding, unmasks (replaying anything
 *      pending: a diversion is refused meanwhile),
 *   3. clears the unwinding mark and restores everything (a signal from
 *      here on finds RIP inside the trampoline and is not diverted: see
 *      irq.c), then `ret $128` pops the return address into RIP and the
 *      red zone off RSP, which is the interrupted RSP again.
 *
 * So diversions never nest, and the preempted code finds every register,
 * the flags and its red zone as it left them.
 */
	.text
	.global hosted_preempt_trampoline
	.type hosted_preempt_trampoline, @function
hosted_preempt_trampoline:
	pushfq				/* 1. */
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbp
	movq	%rsp, %rbp
	subq	hosted_fpu_size(%rip), %rsp
	andq	$-64, %rsp
	cmpq	$0, hosted_fpu_xsave(%rip)
	je	1f
	xorl	%eax, %eax		/* xsave wants a zeroed header */
	movq	%rax, 512(%rsp)
	movq	%rax, 520(%rsp)
	movq	%rax, 528(%rsp)
	movq	%rax, 536(%rsp)
	movq	%rax, 544(%rsp)
	movq	%rax, 552(%rsp)
	movq	%rax, 560(%rsp)
	movq	%rax, 568(%rsp)
	movl	$-1, %eax		/* every enabled component */
	movl	$-1, %edx
	xsave64	(%rsp)
	jmp	2f
1:	fxsave64 (%rsp)
2:	call	hosted_preempt_body	/* 2. */
	cmpq	$0, hosted_fpu_xsave(%rip)	/* 3. */
	je	3f
	movl	$-1, %eax
	movl	$-1, %edx
	xrstor64 (%rsp)
	jmp	4f
3:	fxrstor64 (%rsp)
4:	movq	hosted_unwinding@gottpoff(%rip), %rax
	movb	$0, %fs:(%rax)
	movq	%rbp, %rsp
	popq	%rbp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	popfq
	ret	$128
	.global hosted_preempt_trampoline_end
hosted_preempt_trampoline_end:
	.size hosted_preempt_trampoline, . - hosted_preempt_trampoline

	.section .note.GNU-stack, "", @progbits
