/*
 * void PendSV_Handler(void);            the lowest-priority exception
 * void arch_preempt_trampoline(void);   where a preempted thread resumes
 *
 * Preemption by call injection (see arch/arch.h).  PendSV runs after every
 * other handler has returned.  cm_pendsv(exc_return, frame) decides: if
 * the exception interrupted thread code (on the process stack), outside an IT
 * block or a multi-register load/store (xPSR ICI/IT bits clear), it saves
 * the stacked PC in cm_preempt_pc and makes the stacked PC point at the
 * trampoline.  The exception return then restores every register of the
 * thread, flags included, and resumes it at the trampoline, which
 *
 *   1. reserves a word for the return address and fills it from
 *      cm_preempt_pc (only r0 touched, and restored),
 *   2. saves the caller-saved registers AAPCS lets a call clobber: r0-r3,
 *      r12, lr, the flags (APSR) and, on FPU builds if the thread has FP
 *      state (CONTROL.FPCA), s0-s15 and FPSCR, then a word recording
 *      whether it did, keeping SP's alignment mod 8 as it was,
 *   3. masks interrupts and calls sched_preempted() (8-byte aligned),
 *   4. restores it all, unmasks interrupts (they were on, or PendSV could
 *      not have fired) and pops the return address into PC.
 *
 * Interrupts stay masked from step 3 to the last instruction, and PendSV
 * never diverts a thread whose PC is inside the trampoline, so a thread
 * is never diverted again before the first diversion has unwound: under
 * an interrupt storm that requests a preemption at every interrupt,
 * diversions would otherwise nest and grow the stack without bound.  A
 * request refused that way is made again at the next tick.
 *
 * Thumb-1 for the integer part: one file for ARMv6-M, v7-M and v8-M.
 */
	.syntax unified
	.thumb
	.text

	.global PendSV_Handler
	.type PendSV_Handler, %function
	.thumb_func
PendSV_Handler:
	mov	r0, lr
	mrs	r1, psp
	push	{r4, lr}
	bl	cm_pendsv
	pop	{r4, pc}
	.size PendSV_Handler, . - PendSV_Handler

	.global arch_preempt_trampoline
	.type arch_preempt_trampoline, %function
	.thumb_func
arch_preempt_trampoline:
	sub	sp, #4			@ 1. the return-address slot
	push	{r0}
	ldr	r0, =cm_preempt_pc
	ldr	r0, [r0]
	str	r0, [sp, #4]
	pop	{r0}
	push	{r0-r4}			@ 2. r0-r3, and r4 for the SP below
	mov	r0, r12			@    (high-register movs: flags intact)
	mov	r1, lr
	mrs	r2, apsr
	push	{r0-r2}
#if defined(CM_FPU)
	mrs	r0, control
	lsls	r0, r0, #29		@ FPCA into bit 31 (and N)
	bpl	1f
	vpush	{s0-s15}
	vmrs	r1, fpscr
	push	{r1}
1:	push	{r0}
#endif
	mov	r4, sp			@ 3. align SP down to 8 for the call
	mov	r0, sp
	lsrs	r0, r0, #3
	lsls	r0, r0, #3
	mov	sp, r0
	cpsid	i			@    masked until the last instruction:
	bl	sched_preempted		@    no second diversion on top of this one
	mov	sp, r4			@ 4. restore everything
#if defined(CM_FPU)
	pop	{r0}
	cmp	r0, #0			@ bit 31: FP state was saved
	bpl	2f
	pop	{r0}
	vmsr	fpscr, r0
	vpop	{s0-s15}
2:
#endif
	pop	{r0-r2}
	mov	r12, r0
	mov	lr, r1
	msr	apsr_nzcvq, r2
	pop	{r0-r4}
	cpsie	i			@ (PendSV fired, so they were on)
	pop	{pc}
	.global arch_preempt_trampoline_end
arch_preempt_trampoline_end:
	.ltorg
	.size arch_preempt_trampoline, . - arch_preempt_trampoline
