/*
 * arch/cortex-m/context.c - building a new context and entering the first
 * one (see switch.S).
 */
#include <string.h>

#include "arch/arch.h"
#include "arch/cortex-m/cm.h"
#include "tern.h"

void arch_context_start(void);
void arch_context_returned(void);
_Noreturn void cm_thread_enter(struct arch_context *c);

/* The frame arch_context_switch pops, lowest address first.  A new
 * context has no FP state: CONTROL = SPSEL only. */
struct cm_frame {
#if defined(CM_FPU)
    uint32_t control;
#endif
#if defined(CM_V6M)
    uint32_t r8_11[4];
    uint32_t r4, r5, r6, r7;
#else
    uint32_t r4, r5, r6, r7;
    uint32_t r8_11[4];
#endif
    uint32_t pc; /* popped into pc: arch_context_start */
};

#define CONTROL_SPSEL 0x2u

/* MPU_RBAR's REGION field (MPU_RNR is 1 too: arch.c). */
#define GUARD_MPU_REGION 1u

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
#if defined(CM_FPU)
    f->control = CONTROL_SPSEL;
#endif
    f->r4 = (uint32_t)(uintptr_t)fn;
    f->r5 = (uint32_t)(uintptr_t)arg;
    f->pc = (uint32_t)(uintptr_t)arch_context_start | 1u; /* Thumb */
    c->sp = (uintptr_t)f;
#if defined(CM_V8M)
    c->limit = ((uintptr_t)stack + 7) & ~(uintptr_t)7;
#elif defined(CM_V7M)
    if ((uintptr_t)stack & (ARCH_STACK_GUARD - 1))
        tern_panic("thread stack not aligned for its MPU guard");
    c->limit = MPU_TYPE != 0 ? (uintptr_t)stack | GUARD_MPU_REGION : 0;
#else
    c->limit = 0;
#endif
}

void arch_stack_release(void *stack, size_t size)
{
    (void)stack; /* nothing is armed outside the context itself */
    (void)size;
}

_Noreturn void arch_thread_start(struct arch_context *c, void *stack,
                                 size_t size, void (*fn)(void *), void *arg)
{
    arch_context_init(c, stack, size, fn, arg);
    cm_thread_enter(c);
}

void arch_context_returned(void)
{
    tern_panic("context entry returned");
}
