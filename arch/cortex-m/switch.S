/*
 * void arch_context_switch(struct arch_context *from,
 *                          struct arch_context *to);      r0, r1
 * void arch_context_start(void);                          first entry
 *
 * arch_context_switch pushes the AAPCS callee-saved registers and the
 * return address on the current stack (r4-r7 and lr, then r8-r11, then
 * s16-s31 on FPU builds), stores SP in from->sp, loads SP from to->sp and
 * pops the same shape.  struct arch_context's first word is sp; on ARMv8-M
 * the second is the stack limit, loaded into MSPLIM with SP, so running
 * off the bottom of any context's stack is a STKOF fault.  Thumb-1
 * for the integer part, so one file serves ARMv6-M too.  No exception,
 * no interrupt masking: the stack pointer is switched by one instruction.
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
	push	{r4-r7, lr}
	mov	r4, r8
	mov	r5, r9
	mov	r6, r10
	mov	r7, r11
	push	{r4-r7}
#if defined(CM_FPU)
	vpush	{s16-s31}
#endif
	mov	r2, sp
	str	r2, [r0]
#if defined(CM_V8M)
	/* Each context has its stack limit: save ours, lift the limit while
	 * SP moves, then arm the new context's. */
	mrs	r2, msplim
	str	r2, [r0, #4]
	movs	r2, #0
	msr	msplim, r2
#endif
	ldr	r2, [r1]
	mov	sp, r2
#if defined(CM_V8M)
	ldr	r2, [r1, #4]
	msr	msplim, r2
#endif
#if defined(CM_FPU)
	vpop	{s16-s31}
#endif
	pop	{r4-r7}
	mov	r8, r4
	mov	r9, r5
	mov	r10, r6
	mov	r11, r7
	pop	{r4-r7, pc}
	.size arch_context_switch, . - arch_context_switch

	.global arch_context_start
	.type arch_context_start, %function
	.thumb_func
arch_context_start:
	mov	r0, r5
	blx	r4
	bl	arch_context_returned
	b	.
	.size arch_context_start, . - arch_context_start
