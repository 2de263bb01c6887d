/*
 * arch/cortex-m/context.c - building a new context (see switch.S).
 */
#include <string.h>

#include "arch/arch.h"
#include "tern.h"

void arch_context_start(void);
void arch_context_returned(void);

/* The frame arch_context_switch pops, lowest address first. */
struct cm_frame {
#if defined(CM_FPU)
    uint32_t s16_31[16];
#endif
    uint32_t r8_11[4];
    uint32_t r4, r5, r6, r7;
    uint32_t pc; /* popped into pc: arch_context_start */
};

void arch_context_init(struct arch_context *c, void *stack, size_t size,
                       void (*fn)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)7;
    struct cm_frame *f;

    /* Keep SP 8-byte aligned at entry to fn (AAPCS): the frame is popped
     * whole, so align the address the pops end at. */
    top -= 8;
    f = (struct cm_frame *)(top - sizeof *f);
    memset(f, 0, sizeof *f);
    f->r4 = (uint32_t)(uintptr_t)fn;
    f->r5 = (uint32_t)(uintptr_t)arg;
    f->pc = (uint32_t)(uintptr_t)arch_context_start | 1u; /* Thumb */
    c->sp = (uintptr_t)f;
    c->limit = ((uintptr_t)stack + 7) & ~(uintptr_t)7;
}

void arch_context_returned(void)
{
    tern_panic("context entry returned");
}
