/*
 * void arch_context_switch(struct arch_context *from,
 *                          struct arch_context *to);      r0, r1
 * void arch_thread_start(struct arch_context *c, ...);     see context.c
 * void cm_thread_enter(struct arch_context *c);            r0
 * void arch_context_start(void);                          first entry
 *
 * Thread code runs on the process stack (PSP, CONTROL.SPSEL = 1);
 * handlers run on the main stack (MSP).  arch_context_switch pushes the
 * AAPCS callee-saved registers and the return address on the current
 * stack (r4-r11 and lr; ARMv6-M: r4-r7 and lr, then r8-r11 through the
 * low registers), then, on FPU builds, s16-s31 if the
 * thread has used the FPU (CONTROL.FPCA) and a word holding CONTROL; it
 * stores SP in *from, arms the incoming context's stack check, loads SP
 * from to->sp and pops the same shape.  The stack check of *from is not
 * stored: it is fixed from the moment the context is built, and a
 * caller's first context nobody built must be zeroed (arch.h), so that
 * it comes back with no check of its own.  CONTROL comes back with the
 * incoming context, so FPCA says again whether *it* has FP state: a
 * goroutine that never touched the FPU never pays for s16-s31, here or in
 * an exception frame (lazy stacking keys on FPCA too).
 *
 * The stack check, struct arch_context's second word:
 *   ARMv8-M  PSPLIM.  It is lifted to 0 while SP moves (the incoming
 *            stack may lie below the outgoing one's limit), then set.
 *   ARMv7-M  the MPU_RBAR value (base | region 1) that moves the guard
 *            region, whose size and no-access attributes are set once
 *            (arch.c; MPU_RNR stays 1 from then on), under the incoming
 *            stack's bottom; 0 if the core has no MPU (its MPU registers
 *            read as zero) or in a zeroed context, which parks the guard
 *            at address 0, inside the null guard (region 0): left where
 *            it was, it would stay over the last stack switched from,
 *            which may be freed and reused as heap while this context
 *            runs (it did: tests/target/context_test.c's raw stacks, a
 *            memset into one of them faulting as "stack overflow").  No
 *            barrier: until the write takes effect the old guard (over
 *            a stack nobody runs on) still applies, and the new one
 *            covers bytes nobody touches yet.
 * Thumb-1 where ARMv6-M needs it, so one file serves every variant.  No
 * exception, no interrupt masking: the stack pointer is switched by one
 * instruction.
 *
 * cm_thread_enter leaves the boot context (thread mode on MSP): it moves
 * thread mode to PSP, restarts MSP at the top of the boot stack (from now
 * on the interrupt stack) and resumes c as arch_context_switch would,
 * with interrupts masked (the new context unmasks them).
 *
 * arch_context_start is the "return address" arch_context_init parks on
 * a new stack: it calls fn(arg) from r4/r5 and reports a fatal error if fn
 * returns.
 */
	.syntax unified
	.thumb
	.text

	.global arch_context_switch
	.type arch_context_switch, %function
	.thumb_func
arch_context_switch:
#if defined(CM_V6M)
	push	{r4-r7, lr}		@ Thumb-1: high registers through low
	mov	r4, r8
	mov	r5, r9
	mov	r6, r10
	mov	r7, r11
	push	{r4-r7}
#else
	push	{r4-r11, lr}
#endif
#if defined(CM_FPU)
	mrs	r2, control
	lsls	r3, r2, #29		@ FPCA (bit 2) into N
	bpl	1f
	vpush	{s16-s31}
1:	push	{r2}
#endif
	mov	r2, sp
	str	r2, [r0]
resume:					@ r1: the context to resume
#if defined(CM_V8M)
	movs	r2, #0
	msr	psplim, r2
	ldr	r2, [r1]
	mov	sp, r2
	ldr	r2, [r1, #4]
	msr	psplim, r2
#else
#if defined(CM_V7M)
	ldr	r2, [r1, #4]
	ldr	r3, =0xE000ED9C		@ MPU_RBAR
	cbnz	r2, 2f
	movs	r2, #1			@ no check: the guard parked at 0
2:	str	r2, [r3]
#endif
	ldr	r2, [r1]
	mov	sp, r2
#endif
#if defined(CM_FPU)
	pop	{r2}
	msr	control, r2
	isb
	lsls	r2, r2, #29
	bpl	3f
	vpop	{s16-s31}
3:
#endif
#if defined(CM_V6M)
	pop	{r4-r7}
	mov	r8, r4
	mov	r9, r5
	mov	r10, r6
	mov	r11, r7
	pop	{r4-r7, pc}
#else
	pop	{r4-r11, pc}
#endif
	.ltorg
	.size arch_context_switch, . - arch_context_switch

	.global cm_thread_enter
	.type cm_thread_enter, %function
	.thumb_func
cm_thread_enter:
	cpsid	i			@ no handler may run while MSP moves
	mov	r1, r0
	mrs	r2, msp
	msr	psp, r2			@ a sound PSP until resume loads c's
	movs	r2, #2			@ SPSEL: thread mode on PSP
	msr	control, r2
	isb
	ldr	r2, =__stack_end	@ MSP: the whole boot stack, for handlers
	msr	msp, r2
	b	resume
	.ltorg
	.size cm_thread_enter, . - cm_thread_enter

	.global arch_context_start
	.type arch_context_start, %function
	.thumb_func
arch_context_start:
	mov	r0, r5
	blx	r4
	bl	arch_context_returned
	b	.
	.size arch_context_start, . - arch_context_start
