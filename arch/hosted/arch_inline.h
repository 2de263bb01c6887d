/*
 * arch/hosted/arch_inline.h - the hot part of the arch contract, inline,
 * for the hosted port (a Linux process; see arch/hosted/arch.c).
 *
 * "Interrupts" are signals.  Masking them is a flag in the M's own
 * thread-local state, not a system call: a signal that arrives while the
 * flag is set only records itself in `pending` and returns; unmasking
 * with something pending replays it (hosted_irq_replay, irq.c).
 */
#ifndef ARCH_HOSTED_ARCH_INLINE_H
#define ARCH_HOSTED_ARCH_INLINE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The per-M state of the port.  One per thread (__thread): today one M,
 * the process's main thread; several Ms (pthreads) later each get their
 * own, and every field is touched only by its own thread and by signal
 * handlers running on that thread, so none needs a lock.
 */
struct hosted_m {
    /* thread code and this thread's handlers: */
    volatile unsigned long masked; /* arch_irq_save's flag */
    volatile uint32_t pending;     /* bit n: signal n arrived masked; read
                                    * and cleared by one xchg (replay) */
    volatile int isr_depth;        /* handler bodies running */
    /* this thread's handlers only: */
    bool preempt_req; /* arch_preempt_request in this handler */
    int tid;          /* the thread's id, for tgkill */
};

extern __thread struct hosted_m hosted_m;

/* Replay the signals that arrived masked, now that the mask is off.
 * Thread context (irq.c). */
void hosted_irq_replay(void);

static inline unsigned long arch_irq_save(void)
{
    unsigned long s = hosted_m.masked;

    hosted_m.masked = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    return s;
}

/* Unmasking checks `pending` after clearing the flag: a signal arriving
 * before the clear records itself and is replayed here; one arriving
 * after it runs its handler at once (which clears its own pending bit,
 * so it never runs twice for one arrival). */
static inline void arch_irq_restore(unsigned long state)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    hosted_m.masked = state;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (state == 0 && __builtin_expect(hosted_m.pending != 0, 0))
        hosted_irq_replay();
}

static inline bool arch_in_isr(void)
{
    return hosted_m.isr_depth != 0;
}

/* A parked context: its stack holds, from the saved SP up, the x87
 * control word and MXCSR (8 bytes), r15, r14, r13, r12, rbx, rbp and the
 * return address (switch.S). */
struct arch_context {
    uintptr_t sp;
};

/* The guard at the bottom of every thread stack: one host page, made
 * PROT_NONE by mprotect while a context is armed on it (context.c).  The
 * image is built with -fstack-clash-protection, so no frame jumps it. */
#define ARCH_STACK_GUARD 4096u /* bytes; see arch/arch.h */
#define ARCH_STACK_HW    1     /* the guard page (arch/arch.h) */
#define ARCH_HAS_UMULL   1     /* mul: 64x64->128 */

static inline uintptr_t arch_context_sp(const struct arch_context *c)
{
    return c->sp;
}

#endif /* ARCH_HOSTED_ARCH_INLINE_H */
