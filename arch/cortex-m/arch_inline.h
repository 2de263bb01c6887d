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
 * builds), r8-r11, r4-r7 and the return address (switch.S). */
struct arch_context {
    uintptr_t sp;    /* switch.S: offset 0 */
    uintptr_t limit; /* switch.S: offset 4; ARMv8-M stack limit */
};

#endif /* ARCH_CORTEX_M_ARCH_INLINE_H */
