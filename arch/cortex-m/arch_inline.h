/*
 * arch/cortex-m/arch_inline.h - the hot part of the arch contract, inline.
 * See arch/arch.h.
 */
#ifndef ARCH_CORTEX_M_ARCH_INLINE_H
#define ARCH_CORTEX_M_ARCH_INLINE_H

#include <stdbool.h>
#include <stdint.h>

static inline unsigned long arch_irq_save(void)
{
    unsigned long primask;

    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void arch_irq_restore(unsigned long state)
{
    __asm__ volatile("msr primask, %0" ::"r"(state) : "memory");
}

static inline bool arch_in_isr(void)
{
    uint32_t ipsr;

    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;
}

/* A parked context: its stack holds, from the saved SP up, s16-s31 (FPU
 * builds, if the context used the FPU), the FP flag word (FPU builds),
 * r8-r11, r4-r7 and the return address (switch.S). */
struct arch_context {
    uintptr_t sp; /* switch.S: offset 0 */
    /* switch.S: offset 4.  ARMv8-M: the PSPLIM value (the stack's bottom);
     * ARMv7-M: the MPU_RBAR value that moves the guard region over the
     * stack's bottom (base | region 1). */
    uintptr_t limit;
};

/* The ARMv7-M guard: an MPU region of this many bytes (a power of two,
 * at least 32) at the bottom of every thread stack.  A frame up to this
 * size that overruns the stack faults on its first access below the
 * usable stack.  board.mk may trade reach for RAM (CM_STACK_GUARD: the
 * 8 KiB board's stacks are a few hundred bytes). */
#if defined(CM_V7M)
#ifndef CM_STACK_GUARD
#define CM_STACK_GUARD 256
#endif
#define ARCH_STACK_GUARD ((unsigned)CM_STACK_GUARD)
_Static_assert(CM_STACK_GUARD >= 32 &&
                   (CM_STACK_GUARD & (CM_STACK_GUARD - 1)) == 0,
               "CM_STACK_GUARD: a power of two, at least 32");
#else
#define ARCH_STACK_GUARD 0u
#endif

/* Thread-stack overflow is caught in hardware (arch/arch.h): PSPLIM on
 * ARMv8-M, the MPU guard on ARMv7-M (every ARMv7-M board here has an MPU;
 * without one only the canary at the tick remains). */
#if defined(CM_V6M)
#define ARCH_STACK_HW 0
#else
#define ARCH_STACK_HW 1
#endif

/* A 32x32->64 multiply instruction (UMULL); ARMv6-M has none. */
#if defined(CM_V6M)
#define ARCH_HAS_UMULL 0
#else
#define ARCH_HAS_UMULL 1
#endif

/* The saved stack pointer of a parked context (arch/arch.h). */
static inline uintptr_t arch_context_sp(const struct arch_context *c)
{
    return c->sp;
}

#endif /* ARCH_CORTEX_M_ARCH_INLINE_H */
