/*
 * void arch_fault_entry(void);
 *
 * Entry for HardFault, MemManage, BusFault, UsageFault and SecureFault.
 * Finds the exception frame the core pushed (on MSP or PSP, by EXC_RETURN
 * bit 2), saves r4-r11 on the main stack so the report can show every
 * register, and calls
 *
 *     void arch_fault_report(uint32_t *frame, uint32_t exc_return,
 *                            uint32_t *callee_saved);
 *
 * with callee_saved[0..7] = r8, r9, r10, r11, r4, r5, r6, r7.  Never
 * returns.  Thumb-1 only (runs on ARMv6-M as well).
 */
	.syntax unified
	.thumb
	.text
	.global arch_fault_entry
	.type arch_fault_entry, %function
	.thumb_func
arch_fault_entry:
	mrs	r0, msp
	movs	r1, #4
	mov	r2, lr
	tst	r1, r2
	beq	1f
	mrs	r0, psp
1:	mov	r1, lr
	push	{r4-r7}
	mov	r4, r8
	mov	r5, r9
	mov	r6, r10
	mov	r7, r11
	push	{r4-r7}
	mov	r2, sp
	bl	arch_fault_report
	b	.
	.size arch_fault_entry, . - arch_fault_entry
