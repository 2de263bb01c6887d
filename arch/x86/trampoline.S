/*
 * The application processors' way from a startup IPI to C.  See
 * arch/x86/smp.c for the overview, arch/x86/trampoline.h for the page.
 *
 * smp_trampoline .. smp_trampoline_end: real-mode code, copied by smp.c
 * to SMP_TRAMPOLINE (below 1 MiB), where a startup IPI with vector
 * SMP_TRAMPOLINE >> 12 starts a CPU: CS = SMP_TRAMPOLINE >> 4, IP = 0,
 * interrupts off, paging off.  It loads the runtime's GDT from the
 * parameters, sets CR0.PE and jumps far into smp_ap_entry32 in the image
 * (flat code segment), which needs no copy.  Position-independent: data
 * is addressed through DS = CS.
 *
 * void smp_ap_entry32(void);
 *
 * 32-bit protected mode, paging off, on no stack.  Loads the flat data
 * segments, the boot CPU's CR3 and CR0 (paging and write protection on:
 * the identity map, so the next fetch is where it was), then finds this
 * CPU's APIC id (CPUID.1:EBX[31:24]) and takes its slot with xchg.  A
 * slot holding 0 means the boot CPU has given up on this CPU (or never
 * asked): it halts there, interrupts off, touching nothing more.  Else
 * the slot is its ESP, on a stack smp.c prepared as a call would leave
 * it (a zero return address, then the argument), and it jumps to
 *
 *     _Noreturn void smp_ap_main(struct smp_cpu *c);
 *
 * Register contract: none in, nothing returned; clobbers everything.
 */
#include "arch/x86/trampoline.h"

	.section .rodata.smp_trampoline, "a"
	.code16
	.global smp_trampoline, smp_trampoline_end
smp_trampoline:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	SMP_P_GDTR
	movl	%cr0, %eax
	orl	$1, %eax		/* CR0.PE */
	movl	%eax, %cr0
	ljmpl	$SMP_TRAMP_SEL_CODE, $smp_ap_entry32
smp_trampoline_end:

	.text
	.code32
	.global smp_ap_entry32
	.type smp_ap_entry32, @function
smp_ap_entry32:
	movw	$SMP_TRAMP_SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	SMP_TRAMPOLINE + SMP_P_CR3, %eax
	movl	%eax, %cr3
	movl	SMP_TRAMPOLINE + SMP_P_CR0, %eax
	movl	%eax, %cr0
	jmp	1f			/* paging on: fetch anew */
1:	movl	$1, %eax
	cpuid
	shrl	$24, %ebx		/* this CPU's initial APIC id */
	xorl	%esp, %esp
	xchgl	%esp, SMP_TRAMPOLINE + SMP_P_SLOTS(, %ebx, 4)
	testl	%esp, %esp
	jz	2f
	jmp	smp_ap_main		/* as if called: [esp] = 0, [esp+4] = c */
2:	cli
	hlt
	jmp	2b
	.size smp_ap_entry32, . - smp_ap_entry32

	.section .note.GNU-stack, "", @progbits
