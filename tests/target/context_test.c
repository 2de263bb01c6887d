/*
 * tests/target/context_test.c - arch_context_switch on the board, stacks
 * from the memory manager.  The cases are shared with the host tier.
 * Each stack holds the arch's guard (ARCH_STACK_GUARD: a page on x86)
 * below its usable 512 bytes, and gives the guard back before it is
 * freed, as the scheduler does.
 */
#include "arch/arch.h"
#include "mm/mm.h"

#define CTX_STACK      (ARCH_STACK_GUARD + 512) /* 3 fit the microbit heap */
#define STACK_ALLOC(n) mm_stack_alloc(n)
#define STACK_FREE(p)  (arch_stack_release((p), CTX_STACK), mm_stack_free(p))

#include "tests/common/context_cases.h"

#include <string.h>

/* Back in a context nobody built (ctx_main, zeroed: this test's), no
 * guard is left armed over the stack just switched from: freed and
 * handed out again, all of it is plain memory.  (ARMv7-M's switch used
 * to leave the MPU guard there; a memset of the reused stack faulted as
 * a stack overflow, when no preemption came in between to move it.) */
TEST(context, stack_switched_from_is_plain_memory_again)
{
    void *sa = STACK_ALLOC(CTX_STACK), *again;

    ASSERT_TRUE(sa != NULL);
    ntrace = 0;
    arch_context_init(&ctx_a, sa, CTX_STACK, pinger, (void *)1);
    arch_context_switch(&ctx_main, &ctx_a);
    EXPECT_EQ(ntrace, 1);
    {
        unsigned long irq = arch_irq_save(); /* no switch in between */
        STACK_FREE(sa);
        again = STACK_ALLOC(CTX_STACK); /* the pool's last: sa */
        if (again == sa)
            memset(again, 0x5a, CTX_STACK); /* its guard bytes too */
        arch_irq_restore(irq);
    }
    ASSERT_TRUE(again == sa);
    EXPECT_EQ(((volatile uint8_t *)again)[0], 0x5a);
    STACK_FREE(again);
    ctx_forget();
}
