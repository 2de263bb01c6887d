/*
 * tests/target/preempt_test.c - preemption from the timer interrupt:
 * goroutines that never yield or call anything still share the CPU, a
 * sleeper is not starved beyond a time slice, and a preempted goroutine's
 * registers and flags survive (the call-injection path, arch/arch.h).
 */
#include "tests/harness/test.h"

#define GSTACK 512

static volatile uint32_t count[2];
static volatile int stop;
static volatile int running;

static void spin(void *arg)
{
    volatile uint32_t *c = &count[(intptr_t)arg];

    running++;
    while (!stop) /* no call, no yield: only the tick can take the CPU */
        (*c)++;
    running--;
}

static void wait_gone(void)
{
    while (running > 0)
        tern_yield();
}

TEST(preempt, tight_loops_both_progress)
{
    uint64_t p0 = tern_preemptions();

    stop = 0;
    count[0] = count[1] = 0;
    tern_go_stack(spin, (void *)0, GSTACK);
    tern_go_stack(spin, (void *)1, GSTACK);
    tern_sleep(60000000); /* 60 ms: six slices */
    stop = 1;
    wait_gone();
    EXPECT_TRUE(count[0] > 1000);
    EXPECT_TRUE(count[1] > 1000);
    EXPECT_TRUE(tern_preemptions() - p0 >= 3);
}

/* A sleeper is readied by the tick and runs within a time slice even
 * though a spinner holds the CPU. */
TEST(preempt, sleeper_not_starved)
{
    int64_t worst = 0;

    stop = 0;
    tern_go_stack(spin, (void *)0, GSTACK);
    for (int i = 0; i < 5; i++) {
        int64_t t0 = tern_nanotime();
        tern_sleep(3000000);
        if (tern_nanotime() - t0 > worst)
            worst = tern_nanotime() - t0;
    }
    stop = 1;
    wait_gone();
    /* 3 ms asked, plus at most a 10 ms slice and a tick, with room for
     * QEMU's wall-clock jitter (without preemption it would never wake) */
    EXPECT_TRUE(worst >= 3000000);
    EXPECT_TRUE(worst <= 3000000 + 10000000 + 10000000);
}

/* A register-hungry loop with data-dependent branches (flags live across
 * the tick) computes the same result whether or not it is preempted. */
static uint32_t __attribute__((noinline)) churn(uint32_t rounds)
{
    uint32_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;

    for (uint32_t i = 0; i < rounds; i++) {
        a += b ^ i;
        b = (b << 3 | b >> 29) + c;
        c ^= d + (a > b ? 7u : 13u);
        d += e * 3u;
        e = e > f ? e - f : f - e + a;
        f ^= g + i;
        g += h ^ (c < d ? a : b);
        h = h * 2654435761u + e;
    }
    return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
}

static volatile uint32_t churn_expect, churn_bad, churn_done;

/* Recompute the same function until told to stop, counting wrong results:
 * every tick may preempt it anywhere. */
static void churner(void *arg)
{
    running++;
    while (!stop) {
        if (churn((uint32_t)(uintptr_t)arg) != churn_expect)
            churn_bad++;
        churn_done++;
    }
    running--;
}

TEST(preempt, registers_and_flags_survive)
{
    uint32_t rounds = 50000;
    uint64_t p0;
    int64_t end;

    churn_expect = churn(rounds); /* nothing else runnable: no preemption */
    churn_bad = churn_done = 0;
    stop = 0;
    tern_go_stack(churner, (void *)(uintptr_t)rounds, GSTACK);
    tern_go_stack(spin, (void *)1, GSTACK);
    p0 = tern_preemptions();
    end = tern_nanotime() + 5000000000LL;
    /* until the churner and the spinner have taken turns many times */
    while (tern_preemptions() - p0 < 20 && tern_nanotime() < end)
        tern_sleep(2000000);
    stop = 1;
    wait_gone();
    EXPECT_TRUE(tern_preemptions() - p0 >= 20);
    EXPECT_TRUE(churn_done > 0);
    EXPECT_EQ(churn_bad, 0);
}
