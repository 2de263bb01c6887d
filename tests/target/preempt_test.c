/*
 * tests/target/preempt_test.c - preemption from the timer interrupt:
 * goroutines that never yield or call anything still share the CPU, a
 * sleeper is not starved beyond a time slice, and a preempted goroutine's
 * registers and flags survive (the call-injection path, arch/arch.h).
 */
#include <string.h>

#include "sched/sched.h"
#include "tests/harness/test.h"

#define GSTACK TEST_GSTACK

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
    uint64_t pre0 = tern_preemptions();

    stop = 0;
    count[0] = count[1] = 0;
    tern_go_stack(spin, (void *)0, GSTACK);
    tern_go_stack(spin, (void *)1, GSTACK);
    tern_sleep(60000000); /* 60 ms: six slices */
    stop = 1;
    wait_gone();
    EXPECT_TRUE(count[0] > 1000);
    EXPECT_TRUE(count[1] > 1000);
    EXPECT_TRUE(tern_preemptions() - pre0 >= 3);
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
    uint64_t pre0;
    int64_t end;

    churn_expect = churn(rounds); /* nothing else runnable: no preemption */
    churn_bad = churn_done = 0;
    stop = 0;
    tern_go_stack(churner, (void *)(uintptr_t)rounds, GSTACK);
    tern_go_stack(spin, (void *)1, GSTACK);
    pre0 = tern_preemptions();
    end = tern_nanotime() + 5000000000LL;
    /* until the churner and the spinner have taken turns many times */
    while (tern_preemptions() - pre0 < 20 && tern_nanotime() < end)
        tern_sleep(2000000);
    stop = 1;
    wait_gone();
    EXPECT_TRUE(tern_preemptions() - pre0 >= 20);
    EXPECT_TRUE(churn_done > 0);
    EXPECT_EQ(churn_bad, 0);
}

#if !defined(TERN_NO_FLOAT) /* x86 builds without x87/SSE: arch/x86 */
/* Floating point across switches.  On FPU cores, a goroutine's FP state
 * is saved only once it has used the FPU (arch/cortex-m/switch.S): these
 * mix FP goroutines with integer-only ones, so a wrong "no FP state"
 * decision, or a lost s0-s15 at a preemption, changes a result. */
static float __attribute__((noinline)) fchurn(uint32_t rounds, float seed)
{
    float a = seed, b = 1.5f, c = 2.25f, d = 3.125f, e = 0.5f, f = 0.75f;
    float g = 1.125f, h = 4.0f, k = 0.25f, m = 8.5f;

    for (uint32_t i = 0; i < rounds; i++) {
        a = a * 0.999f + b;
        b = b * 1.0001f - c * 0.5f;
        c = c + d * 0.001f;
        d = d * 0.9999f + (a > b ? e : f);
        e = e + g * 0.01f;
        f = f * 1.00001f - k;
        g = g + h * 0.0001f;
        h = h * 0.99f + m * 0.01f;
        k = k + a * 0.000001f;
        m = m * 0.999f + 0.01f;
    }
    return a + b + c + d + e + f + g + h + k + m;
}

static uint32_t fbits(float x)
{
    uint32_t u;

    memcpy(&u, &x, sizeof u);
    return u;
}

static volatile uint32_t fexpect[2], fbad, fdone;

static void fchurner(void *arg)
{
    int n = (int)(intptr_t)arg;

    running++;
    while (!stop) {
        if (fbits(fchurn(5000, (float)(n + 1))) != fexpect[n])
            fbad++;
        fdone++;
    }
    running--;
}

TEST(preempt, float_state_survives_preemption)
{
    uint64_t pre0;
    int64_t end;

    for (int n = 0; n < 2; n++)
        fexpect[n] = fbits(fchurn(5000, (float)(n + 1)));
    churn_expect = churn(50000);
    fbad = fdone = churn_bad = churn_done = 0;
    stop = 0;
    tern_go_stack(fchurner, (void *)0, GSTACK);
    tern_go_stack(churner, (void *)(uintptr_t)50000, GSTACK);
    tern_go_stack(fchurner, (void *)1, GSTACK);
    pre0 = tern_preemptions();
    end = tern_nanotime() + 5000000000LL;
    while (tern_preemptions() - pre0 < 30 && tern_nanotime() < end)
        tern_sleep(2000000);
    stop = 1;
    wait_gone();
    EXPECT_TRUE(tern_preemptions() - pre0 >= 30);
    EXPECT_TRUE(fdone > 0);
    EXPECT_TRUE(churn_done > 0);
    EXPECT_EQ(fbad, 0);
    EXPECT_EQ(churn_bad, 0);
}

/* Float locals held across tern_yield live in callee-saved registers
 * (s16-s31 on FPU cores): each yield switches to another FP goroutine or
 * to an integer-only one. */
static float __attribute__((noinline)) fyield_run(float seed, int yield)
{
    float x = seed, y = seed * 2.0f, z = seed + 0.5f, w = 1.0f / seed;
    float u = seed * seed, v = 3.0f - seed;

    for (int i = 0; i < 100; i++) {
        x = x * 1.01f + y * 0.001f;
        y = y * 0.99f + z;
        z = z + w * 0.1f;
        w = w * 1.001f;
        u = u * 0.999f + v;
        v = v + x * 0.0001f;
        if (yield)
            tern_yield();
    }
    return x + y + z + w + u + v;
}

static volatile uint32_t fy_got[2];

static void fyielder(void *arg)
{
    int n = (int)(intptr_t)arg;

    running++;
    fy_got[n] = fbits(fyield_run((float)(n + 2), 1));
    running--;
}

static void int_yielder(void *arg)
{
    (void)arg;
    running++;
    for (int i = 0; i < 150; i++) {
        churn_done += churn(10);
        tern_yield();
    }
    running--;
}

TEST(preempt, float_state_survives_yield)
{
    uint32_t want[2];

    for (int n = 0; n < 2; n++)
        want[n] = fbits(fyield_run((float)(n + 2), 0));
    fy_got[0] = fy_got[1] = 0;
    tern_go_stack(fyielder, (void *)0, GSTACK);
    tern_go_stack(int_yielder, NULL, GSTACK);
    tern_go_stack(fyielder, (void *)1, GSTACK);
    tern_yield();
    wait_gone();
    EXPECT_EQ(fy_got[0], want[0]);
    EXPECT_EQ(fy_got[1], want[1]);
}
#endif

#if defined(__ARM_FP) && !defined(__SOFTFP__)
/* The caller-saved FP registers (s0-s15) of a preempted goroutine: each
 * holder loads its own values into all of them, spins on integer code
 * until it has been preempted at least once (the first preemption after
 * the load is its own: it was running), and compares.  The other holder
 * loads different values in between. */
static volatile uint32_t hold_bad, hold_rounds;

static void fp_holder(void *arg)
{
    int n = (int)(intptr_t)arg;
    float in[16], out[16];
    volatile uint32_t *pre = (volatile uint32_t *)&sched.preemptions;

    for (int i = 0; i < 16; i++)
        in[i] = (float)(n * 100 + i) + 0.5f;
    running++;
    for (int round = 0; round < 5; round++) {
        uint32_t pre0 = *pre; /* low word: little-endian */

        __asm__ volatile(
            "vldm %[in], {s0-s15}\n"
            "1: ldr r3, [%[pre]]\n"
            "cmp r3, %[pre0]\n"
            "beq 1b\n"
            "vstm %[out], {s0-s15}\n"
            :
            : [in] "r"(in), [out] "r"(out), [pre] "r"(pre), [pre0] "r"(pre0)
            : "r3", "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6",
              "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15");
        if (memcmp(in, out, sizeof in) != 0)
            hold_bad++;
        hold_rounds++;
    }
    running--;
}

TEST(preempt, fp_caller_saved_registers_survive)
{
    hold_bad = hold_rounds = 0;
    stop = 0;
    tern_go_stack(fp_holder, (void *)0, GSTACK);
    tern_go_stack(spin, (void *)0, GSTACK); /* integer-only, in between */
    tern_go_stack(fp_holder, (void *)1, GSTACK);
    while (hold_rounds < 10)
        tern_sleep(2000000);
    stop = 1;
    wait_gone();
    EXPECT_EQ(hold_rounds, 10);
    EXPECT_EQ(hold_bad, 0);
}
#endif

#if defined(__arm__) && defined(TERN_STORE_INLINE)
#include "arch/cortex-m/cm.h"

/* The inline write barrier (arch/cortex-m/arch_store.h): PendSV's matcher
 * finds the compiled sequence's two unsafe points, and only those. */
static void *volatile probe_slot;

static __attribute__((noinline)) void store_probe(void *p)
{
    tern_store((void *)&probe_slot, p);
}

TEST(preempt, inline_barrier_is_no_safe_point)
{
    const uint16_t *h = (const uint16_t *)((uintptr_t)store_probe & ~1u);
    uint32_t at;
    int k;

    for (k = 0; k < 64; k++) /* the ldrb and the cbz that follows it */
        if ((h[k] & 0xFFC0u) == 0x7800u && (h[k + 1] & 0xFFF8u) == 0xB108u)
            break;
    ASSERT_TRUE(k < 64);
    at = (uint32_t)(uintptr_t)&h[k];
    EXPECT_TRUE(!cm_pc_in_store(at));     /* ldrb: nothing read yet */
    EXPECT_TRUE(cm_pc_in_store(at + 2));  /* cbz: the flag read */
    EXPECT_TRUE(!cm_pc_in_store(at + 4)); /* b.w: to the slow path */
    EXPECT_TRUE(cm_pc_in_store(at + 8));  /* str: not stored yet */
    EXPECT_TRUE(!cm_pc_in_store(at + 10));
    store_probe(&k);
    EXPECT_TRUE(probe_slot == (void *)&k);
    probe_slot = NULL;
}
#endif
