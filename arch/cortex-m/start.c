/*
 * arch/cortex-m/start.c - vector table and reset.
 *
 * The core reads the initial SP and the reset address from the start of
 * the boot region, then the reset handler points VTOR at the full table
 * (.vectors).  On boards whose flash starts at address 0 and that have an
 * MPU (CM_BOOT_HEADER, mps2-an385), the start of flash holds only an 8-byte
 * boot header and the full table sits one page up, so that the MPU can make
 * the first page inaccessible (the null guard) without hiding the vectors.
 * Elsewhere the full table is the first thing in flash (ARMv6-M has no
 * VTOR, so there it must be).
 *
 * External interrupt N vectors to irqN_handler, a weak alias of
 * arch_irq_unexpected; a board defines the handlers it uses under those
 * names (boards are data: no registration, no RAM table).
 */
#include <stdint.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/cortex-m/cm.h"
#include "kernel/panic.h"
#include "tern.h"

typedef void (*vector)(void);

extern char __stack_start[], __stack_end[];
extern char __data_start[], __data_end[], __data_load[];
extern char __bss_start[], __bss_end[];
extern char __private_start[], __private_end[];
extern const vector __vectors[];

_Noreturn void kernel_main(void);
void arch_reset(void);
void arch_fault_entry(void); /* fault-entry.S */
void arch_irq_unexpected(void);
void arch_nmi(void);
void SysTick_Handler(void) __attribute__((weak, alias("arch_irq_unexpected")));
void PendSV_Handler(void);
void SVC_Handler(void) __attribute__((weak, alias("arch_irq_unexpected")));

#if defined(CM_BOOT_HEADER)
__attribute__((
    used, section(".vectors.boot"))) static const void *const boot_header[2] = {
    __stack_end, (void *)arch_reset};
#endif

/* clang-format off */
#define IRQ_DECL(n) \
    void irq##n##_handler(void) __attribute__((weak, alias("arch_irq_unexpected")));
#define X10(m, d) \
    m(d##0) m(d##1) m(d##2) m(d##3) m(d##4) m(d##5) m(d##6) m(d##7) m(d##8) m(d##9)
X10(IRQ_DECL, ) X10(IRQ_DECL, 1) X10(IRQ_DECL, 2) X10(IRQ_DECL, 3)
X10(IRQ_DECL, 4) X10(IRQ_DECL, 5) X10(IRQ_DECL, 6) X10(IRQ_DECL, 7)
X10(IRQ_DECL, 8) X10(IRQ_DECL, 9)
/* clang-format on */

#define IRQ_ENTRY(n) irq##n##_handler,

        __attribute__((used, section(".vectors"))) const vector __vectors[] = {
            (vector)(uintptr_t)__stack_end, arch_reset, arch_nmi,
            arch_fault_entry,                          /* HardFault */
            arch_fault_entry,                          /* MemManage */
            arch_fault_entry,                          /* BusFault */
            arch_fault_entry,                          /* UsageFault */
            arch_fault_entry,                          /* SecureFault (v8-M) */
            0, 0, 0, SVC_Handler, arch_irq_unexpected, /* DebugMonitor */
            0, PendSV_Handler, SysTick_Handler,
            /* 100 external interrupts: enough for every board here (the
             * STM32F405 has 82, the AN505 puts its UARTs at 32+). */
            X10(IRQ_ENTRY, ) X10(IRQ_ENTRY, 1) X10(IRQ_ENTRY, 2)
                X10(IRQ_ENTRY, 3) X10(IRQ_ENTRY, 4) X10(IRQ_ENTRY, 5)
                    X10(IRQ_ENTRY, 6) X10(IRQ_ENTRY, 7) X10(IRQ_ENTRY, 8)
                        X10(IRQ_ENTRY, 9)};

void arch_reset(void)
{
#if !defined(CM_V6M)
    SCB_VTOR = (uint32_t)(uintptr_t)__vectors;
#endif
#if defined(CM_V8M)
    /* Main stack limit: running off the bottom of the interrupt stack is
     * a UsageFault (STKOF), not silent corruption of the heap below. */
    __asm__ volatile("msr msplim, %0" : : "r"(__stack_start));
#endif
#if defined(CM_FPU)
    SCB_CPACR |= 0xFu << 20; /* CP10, CP11: full access */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    if (&__data_load[0] != &__data_start[0])
        memcpy(__data_start, __data_load, (size_t)(__data_end - __data_start));
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
    memset(__private_start, 0, (size_t)(__private_end - __private_start));
    kernel_main();
}

void arch_nmi(void)
{
    tern_panic("unexpected NMI");
}

void arch_irq_unexpected(void)
{
    uint32_t n = SCB_ICSR & ICSR_VECTACTIVE;

    fatal_begin();
    if (n >= EXC_IRQ0)
        fatal_printf("fatal error: unexpected interrupt (IRQ %u)\n",
                     (unsigned)(n - EXC_IRQ0));
    else
        fatal_printf("fatal error: unexpected exception %u\n", (unsigned)n);
    fatal_end();
}
