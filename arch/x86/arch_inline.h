/*
 * arch/x86/arch_inline.h - the hot part of the arch contract, inline.
 * See arch/arch.h.
 */
#ifndef ARCH_X86_ARCH_INLINE_H
#define ARCH_X86_ARCH_INLINE_H

#include <stdbool.h>
#include <stdint.h>

bool arch_in_isr(void); /* trap.c: its nesting count */

static inline unsigned long arch_irq_save(void)
{
    unsigned long flags;

    __asm__ volatile("pushfl\n\tpopl %0\n\tcli" : "=r"(flags) : : "memory");
    return flags;
}

static inline void arch_irq_restore(unsigned long state)
{
    __asm__ volatile("pushl %0\n\tpopfl" : : "r"(state) : "memory", "cc");
}

/* A parked context: its stack holds, from the saved SP up, edi, esi, ebx,
 * ebp and the return address (switch.S). */
struct arch_context {
    uintptr_t sp;
};

/* The guard at the bottom of every thread stack: one page, out of the map
 * while a context is armed on the stack (context.c, paging.c).  A stack
 * is page-aligned.  -fstack-clash-protection (arch.mk) makes every frame
 * larger than a page touch each page it spans, so no frame jumps it. */
#define ARCH_STACK_GUARD 4096u /* bytes; see arch/arch.h */
#define ARCH_STACK_HW    1     /* the guard page (arch/arch.h) */
#define ARCH_HAS_UMULL   1     /* mull: 32x32->64 */

/* The saved stack pointer of a parked context (arch/arch.h). */
static inline uintptr_t arch_context_sp(const struct arch_context *c)
{
    return c->sp;
}

#endif /* ARCH_X86_ARCH_INLINE_H */
