/*
 * void arch_fault_entry(void);
 *
 * Entry for HardFault, MemManage, BusFault, UsageFault and SecureFault.
 * Finds the exception frame the core pushed (on MSP or PSP, by EXC_RETURN
 * bit 2), saves the registers the core did not stack on the main stack so
 * the report can show them all, and calls
 *
 *     int arch_fault_report(uint32_t *frame, uint32_t exc_return,
 *                           uint32_t *saved);
 *
 * with saved[] = r8, r9, r10, r11, r3, r4, r5, r6, r7, EXC_RETURN (r3 is
 * padding that keeps the stack 8-byte aligned for the call).  A fatal fault
 * never returns.  A fault that arch_fault_report recovers from (a memory
 * probe, arch_probe_read) returns, and the handler resumes the interrupted
 * code by restoring r4-r7 and returning through EXC_RETURN.
 * Thumb-1 only (runs on ARMv6-M as well).  On ARMv8-M the main stack
 * limit is lifted first: after a stack-limit fault (STKOF) MSP sits at the
 * limit and the handler's own pushes would fault again (lockup).
 */
	.syntax unified
	.thumb
	.text
	.global arch_fault_entry
	.type arch_fault_entry, %function
	.thumb_func
arch_fault_entry:
#if defined(CM_V8M)
	/* A stack-limit fault leaves MSP at MSPLIM: lift the limit so that
	 * the report can run (it is about to end the program anyway). */
	movs	r0, #0
	msr	msplim, r0
#endif
	mrs	r0, msp
	movs	r1, #4
	mov	r2, lr
	tst	r1, r2
	beq	1f
	mrs	r0, psp
1:	push	{r3-r7, lr}
	mov	r4, r8
	mov	r5, r9
	mov	r6, r10
	mov	r7, r11
	push	{r4-r7}
	mov	r1, lr
	mov	r2, sp
	bl	arch_fault_report
	add	sp, #16
	pop	{r3-r7, pc}
	.size arch_fault_entry, . - arch_fault_entry
