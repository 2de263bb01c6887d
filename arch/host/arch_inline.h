/*
 * arch/host/arch_inline.h - the hot part of the arch contract, inline, for
 * the host port: "masking" is a flag tests can observe (arch/host/host.h).
 */
#ifndef ARCH_HOST_ARCH_INLINE_H
#define ARCH_HOST_ARCH_INLINE_H

#include <stdbool.h>
#include <stdint.h>

extern unsigned long host_masked;

bool arch_in_isr(void);

static inline unsigned long arch_irq_save(void)
{
    unsigned long s = host_masked;
    host_masked = 1;
    return s;
}

static inline void arch_irq_restore(unsigned long state)
{
    host_masked = state;
}

#include <ucontext.h>

/* A context on the host: a ucontext (swapcontext does the switching). */
struct arch_context {
    ucontext_t uc;
    void (*fn)(void *);
    void *arg;
};

#define ARCH_STACK_GUARD 0u /* bytes; see arch/arch.h */
#define ARCH_STACK_HW    0  /* no hardware stack check */
#ifndef ARCH_HAS_UMULL      /* the 512-byte-page host build tests the split */
#define ARCH_HAS_UMULL 1
#endif

/* The saved stack pointer of a parked context: unknown in a ucontext
 * without GNU extensions (arch/arch.h allows 0). */
static inline uintptr_t arch_context_sp(const struct arch_context *c)
{
    (void)c;
    return 0;
}

#endif /* ARCH_HOST_ARCH_INLINE_H */
