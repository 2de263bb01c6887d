/*
 * arch/x86/arch.c - the arch contract (arch/arch.h) on i386.
 *
 * The port, file by file:
 *
 *   boot.S       multiboot header; entry: a stack, then arch_reset
 *   start.c      arch_reset: a C environment, the CPU tables, kernel_main
 *   multiboot.c  the loader's command line and RAM size
 *   gdt.c        flat segments; the double-fault task
 *   trap.c       the IDT; the dispatcher; irqN_handler routing
 *   vectors.S    the entry stubs building struct x86_frame
 *   pic.c        the 8259 pair: remap, masks, EOI, IRR / ISR
 *   context.c    new contexts; arming and releasing a stack's guard page
 *   switch.S     arch_context_switch
 *   paging.c     the identity map: null guard, stack guards, read-only text
 *   fault.c      fatal reports for CPU exceptions
 *   cpufind.c    the CPUs the firmware lists: ACPI MADT, MP tables
 *   lapic.c      the local APIC: enable, EOI, IPIs, timer
 *   smp.c        starting the other CPUs; their idle life (overview)
 *   trampoline.S an AP's way from real mode to C
 *   arch.c       this file: masking, atomics, caps, exit
 *
 * Versus Cortex-M:
 *
 *                 Cortex-M                  x86
 *   masking       PRIMASK                   EFLAGS.IF (pushf / cli / popf)
 *   in ISR        IPSR != 0                 nesting count kept by x86_trap
 *   sleep         wfi (wakes while masked)  sti; hlt (sti's one-instruction
 *                                           shadow makes the pair atomic)
 *   atomics       LDREX/STREX or PRIMASK    lock cmpxchg, lock xadd
 *   null guard    MPU region                absent page 0
 *   stack check   PSPLIM (v8-M), an MPU     an absent page at the bottom
 *                 region (v7-M), switched   of every thread stack, absent
 *                 with the context          while the stack has a context
 *   handlers on   MSP                       the interrupted stack; faults
 *                                           on their own (vectors.S, gdt.c)
 *   divide by 0   CCR.DIV_0_TRP             always traps (#DE)
 *   unaligned     CCR.UNALIGN_TRP           never traps in ring 0
 *   exit          semihosting               isa-debug-exit, port 0xf4
 *
 * No floating point: the kernel is built with -mgeneral-regs-only, so
 * interrupts never need to save x87/SSE state (no ARCH_CAP_FPU).
 */
#include "arch/arch.h"

#include "arch/x86/x86.h"
#include "kernel/panic.h"
#include "tern.h"

#ifndef X86_CPU_NAME
#define X86_CPU_NAME "i386"
#endif

/* QEMU's isa-debug-exit device, as tools/qemu-run configures it: a write
 * of v ends QEMU with status (v << 1) | 1. */
#define ISA_DEBUG_EXIT_PORT 0xF4

void arch_init(void)
{
    const struct x86_cpus *f;

    cpufind_run(); /* before paging: the tables may lie above mapped RAM */
    f = cpufind();
    if (f->n > 1)
        paging_mmio_add(f->lapic_base); /* for smp.c */
    paging_init();
}

unsigned arch_caps(void)
{
    return ARCH_CAP_NULL_GUARD | ARCH_CAP_DIV0_TRAP | ARCH_CAP_EXCLUSIVES |
           ARCH_CAP_STACK_GUARD;
}

bool arch_trap_unaligned(bool on)
{
    (void)on;
    return false; /* EFLAGS.AC only checks ring 3 */
}

const char *arch_cpu_name(void)
{
    return X86_CPU_NAME;
}

const char *arch_cmdline(void)
{
    return multiboot_cmdline();
}

/* --- interrupts --- */

void arch_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

void arch_wait_irq(void)
{
    __asm__ volatile("sti\n\thlt\n\tcli" ::: "memory");
}

/* arch_in_isr, arch_irq_line_enable / _disable: trap.c, pic.c. */

/* --- atomics --- */

void arch_mb(void)
{
    /* A locked instruction is a full barrier on every x86; mfence needs
     * SSE2, which an i686 may lack. */
    __asm__ volatile("lock orl $0, (%%esp)" ::: "memory", "cc");
}

bool arch_cas32(volatile uint32_t *p, uint32_t old, uint32_t new_value)
{
    bool ok;

    __asm__ volatile("lock cmpxchgl %3, %1"
                     : "=@ccz"(ok), "+m"(*p), "+a"(old)
                     : "r"(new_value)
                     : "memory");
    return ok;
}

uint32_t arch_add32(volatile uint32_t *p, uint32_t delta)
{
    uint32_t v = delta;

    __asm__ volatile("lock xaddl %0, %1"
                     : "+r"(v), "+m"(*p)
                     :
                     : "memory", "cc");
    return v + delta;
}

/* --- registers, faults, exit --- */

uintptr_t arch_sp(void)
{
    uintptr_t sp;

    __asm__ volatile("mov %%esp, %0" : "=r"(sp));
    return sp;
}

bool arch_probe_read(uintptr_t addr)
{
    (void)addr;
    return true; /* RAM size comes from the loader, not from probing */
}

_Noreturn void arch_exit(int status)
{
    (void)arch_irq_save();
    outl(ISA_DEBUG_EXIT_PORT, (uint32_t)status);
    for (;;)
        __asm__ volatile("cli\n\thlt");
}

/* The 8042 keyboard controller drives the CPU's reset line on command
 * 0xFE (once its input buffer is empty).  If nothing happens, an empty
 * IDT makes the next interrupt a triple fault, which resets the CPU. */
void arch_reset_board(void)
{
    static const struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) no_idt = {0, 0};

    (void)arch_irq_save();
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
        ;
    outb(0x64, 0xFE);
    for (int i = 0; i < 100000; i++)
        io_wait();
    __asm__ volatile("lidt %0\n\tint3" : : "m"(no_idt) : "memory");
    for (;;)
        __asm__ volatile("cli\n\thlt");
}
