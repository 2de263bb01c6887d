/*
 * arch/x86/trampoline.h - where the application processors start: the
 * trampoline page's layout, shared by trampoline.S and smp.c (constants
 * only: included from assembly).  See arch/x86/smp.c for the overview.
 *
 * A startup IPI starts a CPU in real mode at vector << 12, so the page
 * sits below 1 MiB, on a page boundary, in conventional memory that
 * nothing uses once the loader's information has been copied (reset,
 * multiboot.c) and that paging maps read/write.  smp.c copies the
 * real-mode code to its start and fills the parameters after it:
 *
 *   +0x000  the real-mode code (smp_trampoline .. smp_trampoline_end)
 *   +0x800  GDTR: the runtime's GDT (limit, base), lgdt's operand
 *   +0x808  CR3: the boot CPU's page directory
 *   +0x80C  CR0: the boot CPU's (protected mode, paging, write protect)
 *   +0x810  slots[256]: by APIC id, the first ESP of that CPU (its stack,
 *           with smp_ap_main's argument in place), 0 when none; the CPU
 *           takes its slot with xchg, leaving 0
 */
#ifndef ARCH_X86_TRAMPOLINE_H
#define ARCH_X86_TRAMPOLINE_H

#define SMP_TRAMPOLINE     0x8000 /* physical; startup vector 0x08 */
#define SMP_P_GDTR         0x800
#define SMP_P_CR3          0x808
#define SMP_P_CR0          0x80C
#define SMP_P_SLOTS        0x810
#define SMP_P_END          (SMP_P_SLOTS + 4 * 256)
#define SMP_TRAMP_SEL_CODE 0x08 /* SEL_CODE, x86.h */
#define SMP_TRAMP_SEL_DATA 0x10 /* SEL_DATA */

#endif /* ARCH_X86_TRAMPOLINE_H */
