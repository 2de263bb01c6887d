/*
 * tests/common/context_cases.h - the context-switch tests, for both tiers
 * (tests/host/context_test.c and tests/target/context_test.c include this
 * after defining STACK_ALLOC(size) and STACK_FREE(p)).
 */
#include "arch/arch.h"
#include "tests/harness/test.h"

#ifndef CTX_STACK
#define CTX_STACK 4096
#endif

static struct arch_context ctx_main, ctx_a, ctx_b, ctx_c;
static volatile int trace[16];
static volatile int ntrace;

/* At the end of a test: the contexts hold saved stack pointers into the
 * stacks just freed.  In globals, a conservative collector takes them for
 * pointers into whatever the heap puts there next (they kept a 1 MiB
 * object of a later test alive). */
static void ctx_forget(void)
{
    static const struct arch_context zero;

    ctx_main = ctx_a = ctx_b = ctx_c = zero;
}

static void note(int v)
{
    if (ntrace < 16)
        trace[ntrace++] = v;
}

static void pinger(void *arg)
{
    int id = (int)(intptr_t)arg;

    for (int i = 0;; i++) {
        note(id * 100 + i);
        arch_context_switch(id == 1 ? &ctx_a : &ctx_b, &ctx_main);
    }
}

TEST(context, switch_there_and_back)
{
    void *sa = STACK_ALLOC(CTX_STACK);

    ASSERT_TRUE(sa != NULL);
    ntrace = 0;
    arch_context_init(&ctx_a, sa, CTX_STACK, pinger, (void *)1);
    for (int i = 0; i < 5; i++) {
        note(i);
        arch_context_switch(&ctx_main, &ctx_a);
    }
    EXPECT_EQ(ntrace, 10);
    for (int i = 0; i < 5; i++) {
        EXPECT_EQ(trace[2 * i], i);
        EXPECT_EQ(trace[2 * i + 1], 100 + i);
    }
    STACK_FREE(sa);
    ctx_forget();
}

/* Three contexts in a ring: a -> b -> c -> a ..., main starts and ends it. */
static volatile int ring_left;

static void ringer(void *arg)
{
    struct arch_context *self = arg;
    struct arch_context *next = self == &ctx_a   ? &ctx_b
                                : self == &ctx_b ? &ctx_c
                                                 : &ctx_a;

    for (;;) {
        note(self == &ctx_a ? 1 : self == &ctx_b ? 2 : 3);
        if (--ring_left == 0)
            arch_context_switch(self, &ctx_main);
        else
            arch_context_switch(self, next);
    }
}

TEST(context, ring_of_three)
{
    void *s1 = STACK_ALLOC(CTX_STACK), *s2 = STACK_ALLOC(CTX_STACK);
    void *s3 = STACK_ALLOC(CTX_STACK);

    ASSERT_TRUE(s1 && s2 && s3);
    ntrace = 0;
    ring_left = 9;
    arch_context_init(&ctx_a, s1, CTX_STACK, ringer, &ctx_a);
    arch_context_init(&ctx_b, s2, CTX_STACK, ringer, &ctx_b);
    arch_context_init(&ctx_c, s3, CTX_STACK, ringer, &ctx_c);
    arch_context_switch(&ctx_main, &ctx_a);
    EXPECT_EQ(ntrace, 9);
    for (int i = 0; i < 9; i++)
        EXPECT_EQ(trace[i], i % 3 + 1);
    STACK_FREE(s1);
    STACK_FREE(s2);
    STACK_FREE(s3);
    ctx_forget();
}

/* Many values live across switches: the callee-saved registers hold
 * them, and the other context clobbers every register it can. */
static void clobberer(void *arg)
{
    (void)arg;
    for (;;) {
        volatile uint32_t x[16];
        for (int i = 0; i < 16; i++)
            x[i] = 0xBAD0000u + (uint32_t)i;
        (void)x[3];
        arch_context_switch(&ctx_b, &ctx_main);
    }
}

static uint32_t __attribute__((noinline)) mix(uint32_t a, uint32_t b)
{
    return a * 2654435761u ^ b;
}

TEST(context, callee_saved_registers_survive)
{
    void *sb = STACK_ALLOC(CTX_STACK);
    uint32_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    uint32_t sum0, sum1;

    ASSERT_TRUE(sb != NULL);
    arch_context_init(&ctx_b, sb, CTX_STACK, clobberer, NULL);
    for (int i = 0; i < 20; i++) {
        a = mix(a, b);
        b = mix(b, c);
        c = mix(c, d);
        d = mix(d, e);
        e = mix(e, f);
        f = mix(f, g);
        g = mix(g, h);
        h = mix(h, a);
    }
    sum0 = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
    a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    for (int i = 0; i < 20; i++) {
        a = mix(a, b);
        b = mix(b, c);
        arch_context_switch(&ctx_main, &ctx_b);
        c = mix(c, d);
        d = mix(d, e);
        e = mix(e, f);
        arch_context_switch(&ctx_main, &ctx_b);
        f = mix(f, g);
        g = mix(g, h);
        h = mix(h, a);
    }
    sum1 = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
    EXPECT_EQ(sum1, sum0);
    STACK_FREE(sb);
    ctx_forget();
}

static void returner(void *arg)
{
    (void)arg;
}

TEST_DEATH(context, entry_returning_is_fatal, "context entry returned")
{
    void *s = STACK_ALLOC(CTX_STACK);

    arch_context_init(&ctx_a, s, CTX_STACK, returner, NULL);
    arch_context_switch(&ctx_main, &ctx_a);
}
