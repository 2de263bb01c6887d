/*
 * arch/x86/trap.c - the IDT and the interrupt dispatcher.
 *
 * Vectors 0..31 are the CPU exceptions, 32..47 the 16 PIC lines
 * (pic.c remaps them there), 48 arch_soft_irq's, 49..63 the local APIC's
 * (smp.c: each CPU's timer, the wake-up IPI, the spurious vector; the
 * rest unused).  Every vector but 8 is an interrupt gate (IF cleared on
 * entry, so handlers never nest) to a stub in vectors.S that builds a
 * struct x86_frame and calls x86_trap(); vector 8, the double fault, is a
 * task gate (see gdt.c).  Vectors past 63 are outside the IDT limit: an
 * `int` to one of them is a #GP, reported like any fault.  Every CPU
 * loads the same IDT.
 *
 * The local APIC's vectors go straight to smp_trap, which neither touches
 * the nesting count below nor takes the preemption point: they may arrive
 * on an application processor, which runs no goroutines (yet), while the
 * boot CPU runs thread code, and the count and the pending request below
 * are the boot CPU's (several Ms will make them per CPU, smp.c).
 *
 * x86_trap, for an exception: a fatal report (fault.c), on the exception
 * stack (vectors.S), not on the faulting one.  For PIC line n:
 *
 *   1. a spurious IRQ 7 or 15 (the line dropped before the CPU took it;
 *      its ISR bit is clear) is ignored; for 15 the master, which did see
 *      the cascade, gets its EOI;
 *   2. the nesting count goes up (arch_in_isr), irqN_handler() runs,
 *   3. EOI to the PIC(s), the count goes down.
 *
 * irqN_handler is a weak alias of arch_irq_unexpected, so a line that a
 * board enabled without defining its handler is a fatal "unexpected
 * interrupt (IRQ n)", as on Cortex-M.  No table lives in RAM.
 */
#include <stdint.h>

#include "arch/arch.h"
#include "arch/x86/x86.h"
#include "kernel/panic.h"
#include "tern.h"

#define GATE_INTR 0x8Eu /* present, ring 0, 32-bit interrupt gate */
#define GATE_TASK 0x85u /* present, ring 0, task gate */

void arch_irq_unexpected(void);

#define IRQ_DECL(n)                                                            \
    void irq##n##_handler(void)                                                \
        __attribute__((weak, alias("arch_irq_unexpected")))
IRQ_DECL(0);
IRQ_DECL(1);
IRQ_DECL(2);
IRQ_DECL(3);
IRQ_DECL(4);
IRQ_DECL(5);
IRQ_DECL(6);
IRQ_DECL(7);
IRQ_DECL(8);
IRQ_DECL(9);
IRQ_DECL(10);
IRQ_DECL(11);
IRQ_DECL(12);
IRQ_DECL(13);
IRQ_DECL(14);
IRQ_DECL(15);

static void (*const irq_handlers[X86_NR_IRQ])(void) = {
    irq0_handler,  irq1_handler,  irq2_handler,  irq3_handler,
    irq4_handler,  irq5_handler,  irq6_handler,  irq7_handler,
    irq8_handler,  irq9_handler,  irq10_handler, irq11_handler,
    irq12_handler, irq13_handler, irq14_handler, irq15_handler,
};

static uint64_t idt[X86_NR_VEC] TERN_PRIVATE;

/* arch_soft_irq's handler. */
static void (*volatile soft_fn)(void) TERN_PRIVATE;

/* Set by the tick, taken at the end of the outermost interrupt. */
static volatile bool preempt_pending;

/* written by x86_trap, with IF clear: */
static struct {
    volatile unsigned depth; /* handlers (and fault reports) running */
    volatile int irq;        /* line being handled, or -1 */
} isr TERN_PRIVATE;

static uint64_t gate(uint32_t offset, uint16_t selector, unsigned type)
{
    return (uint64_t)(offset & 0xFFFFu) | (uint64_t)selector << 16 |
           (uint64_t)type << 40 | (uint64_t)(offset >> 16) << 48;
}

void trap_load(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr = {sizeof idt - 1, (uint32_t)(uintptr_t)idt};

    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void trap_init(void)
{
    for (unsigned v = 0; v < X86_NR_VEC; v++)
        idt[v] = gate(x86_vectors[v], SEL_CODE, GATE_INTR);
    idt[X86_VEC_DF] = gate(0, SEL_TSS_DF, GATE_TASK);
    isr.irq = -1;
    trap_load();
}

void x86_trap(struct x86_frame *f)
{
    unsigned irq;
    int outer;

    if (f->vector < X86_NR_EXC) {
        isr.depth++;
        fault_report(f);
    }
    if (f->vector > X86_VEC_SOFT) {
        smp_trap(f->vector);
        return;
    }
    if (f->vector == X86_VEC_SOFT) {
        isr.depth++;
        if (soft_fn == NULL)
            tern_panic("software interrupt without a handler");
        soft_fn();
        isr.depth--;
        goto out;
    }
    irq = f->vector - X86_IRQ_BASE;
    if ((irq == 7 || irq == 15) && !pic_in_service(irq)) {
        if (irq == 15)
            pic_eoi(2); /* the master saw the cascade line */
        return;
    }
    outer = isr.irq;
    isr.depth++;
    isr.irq = (int)irq;
    irq_handlers[irq]();
    pic_eoi(irq);
    isr.irq = outer;
    isr.depth--;
out:
    /* The end of the outermost interrupt is the preemption point: the
     * interrupted thread calls the scheduler from here, on its own stack,
     * interrupts still off; it returns through this frame's iret when it
     * is switched back in.  See arch/arch.h. */
    if (isr.depth == 0 && preempt_pending && !arch_pc_nopreempt(f->eip)) {
        preempt_pending = false;
        sched_preempted();
    }
}

void arch_soft_irq_set(void (*fn)(void))
{
    soft_fn = fn;
}

void arch_soft_irq(void)
{
    unsigned long flags = arch_irq_save();

    arch_irq_restore(flags);
    if (!(flags & 0x200u)) /* IF */
        tern_panic("arch_soft_irq with interrupts masked");
    __asm__ volatile("int $48" ::: "memory");
}

void arch_preempt_request(void)
{
    preempt_pending = true;
}

int trap_current_irq(void)
{
    return isr.irq;
}

bool arch_in_isr(void)
{
    return isr.depth != 0;
}

void arch_irq_unexpected(void)
{
    fatal_begin();
    fatal_printf("fatal error: unexpected interrupt (IRQ %d)\n", isr.irq);
    fatal_end();
}
