/*
 * tests/host/time_test.c - tick and nanotime arithmetic (kernel/time.c)
 * over the fake timer: pending-tick handling, rate changes, overflow, and
 * tickless idle (time_idle) with the wake-ups each arch produces.
 */
#include <stdint.h>

#include "arch/arch.h"
#include "arch/host/host.h"
#include "kernel/time.h"
#include "tests/harness/test.h"
#include "tests/host/fake_board.h"

TEST(time, counts_to_ns_exact)
{
    EXPECT_EQ(time_counts_to_ns(25000000, 25000000), 1000000000);
    EXPECT_EQ(time_counts_to_ns(1, 25000000), 40);
    EXPECT_EQ(time_counts_to_ns(3, 1193182), 2514);
    /* a year of 168 MHz counts does not overflow */
    EXPECT_EQ(time_counts_to_ns(168000000ull * 31536000ull, 168000000),
              31536000ull * 1000000000ull);
}

TEST(time, period_for_rounds)
{
    EXPECT_EQ(time_period_for(25000000, 1000), 25000);
    EXPECT_EQ(time_period_for(1193182, 1000), 1193);
    EXPECT_EQ(time_period_for(1000, 0), 0);
    EXPECT_EQ(time_period_for(1000, 2000), 0);
}

TEST(time, nanotime_counts_pending_tick)
{
    int64_t a, b;

    ASSERT_TRUE(tern_tick_set_hz(1000) == 0); /* period 1000 counts */
    a = tern_nanotime();
    fake_timer_advance(999);
    EXPECT_EQ(tern_nanotime() - a, 999000);
    fake_timer_advance(2); /* wrapped; the tick is pending, not delivered */
    b = tern_nanotime();
    EXPECT_EQ(b - a, 1001000);
    EXPECT_EQ(fake_timer_fire(), 1);
    EXPECT_EQ(tern_nanotime(), b); /* delivering it changes nothing */
}

TEST(time, ticks_advance_on_delivery)
{
    uint64_t t0 = tern_ticks();

    for (int i = 0; i < 10; i++) {
        fake_timer_advance(1000);
        fake_timer_fire();
    }
    EXPECT_EQ(tern_ticks() - t0, 10);
}

TEST(time, rate_change_keeps_time)
{
    int64_t a, b;

    ASSERT_TRUE(tern_tick_set_hz(1000) == 0);
    fake_timer_advance(500);
    a = tern_nanotime();
    ASSERT_TRUE(tern_tick_set_hz(100) == 0); /* period 10000 */
    b = tern_nanotime();
    EXPECT_TRUE(b >= a && b - a < 1000);
    fake_timer_advance(10000);
    EXPECT_EQ(fake_timer_fire(), 1);
    EXPECT_EQ(tern_nanotime() - b, 10000000);
    EXPECT_EQ(tern_tick_hz(), 100);
    EXPECT_EQ(tern_tick_set_hz(2000000), -1); /* above the count rate */
    EXPECT_EQ(tern_tick_hz(), 100);
    ASSERT_TRUE(tern_tick_set_hz(1000) == 0);
}

static int hook_calls;
static void hook(void)
{
    hook_calls++;
}

TEST(time, tick_hook_runs_each_tick)
{
    hook_calls = 0;
    time_set_tick_hook(hook);
    for (int i = 0; i < 3; i++) {
        fake_timer_advance(1000);
        fake_timer_fire();
    }
    time_set_tick_hook(NULL);
    fake_timer_advance(1000);
    fake_timer_fire();
    EXPECT_EQ(hook_calls, 3);
}

/* --- the arithmetic of tickless idle -------------------------------------- */

TEST(time, ns_to_counts_rounds_up)
{
    static const uint32_t hzs[] = {1000000,  1193182,  16000000,
                                   20000000, 25000000, 168000000};
    uint32_t seed = 7;

    EXPECT_EQ(time_ns_to_counts(0, 25000000), 0);
    EXPECT_EQ(time_ns_to_counts(40, 25000000), 1);
    EXPECT_EQ(time_ns_to_counts(41, 25000000), 2);
    EXPECT_EQ(time_ns_to_counts(1000000000, 1193182), 1193182);
    EXPECT_EQ(
        time_ns_to_counts(INT64_MAX, 168000000),
        (uint64_t)INT64_MAX / 1000000000u * 168000000u +
            ((uint64_t)INT64_MAX % 1000000000u * 168000000u + 999999999u) /
                1000000000u);
    EXPECT_TRUE(time_ns_to_counts(UINT64_MAX, 4000000000u) == UINT64_MAX);
    for (int i = 0; i < 20000; i++) {
        uint32_t hz = hzs[i % 6];
        uint64_t ns = ((uint64_t)test_rand(&seed) << 20) ^ test_rand(&seed);
        uint64_t c = time_ns_to_counts(ns, hz);

        /* the least count whose time is at or past ns */
        if (time_counts_to_ns(c, hz) < ns ||
            (c > 0 && time_counts_to_ns(c - 1, hz) >= ns)) {
            test_fail(__FILE__, __LINE__, "%llu ns at %u Hz: %llu counts",
                      (unsigned long long)ns, hz, (unsigned long long)c);
            return;
        }
    }
}

TEST(time, idle_span_whole_periods)
{
    EXPECT_EQ(time_idle_span(0, 1000), 0);
    EXPECT_EQ(time_idle_span(1, 1000), 1000);
    EXPECT_EQ(time_idle_span(1000, 1000), 1000);
    EXPECT_EQ(time_idle_span(1001, 1000), 2000);
    EXPECT_EQ(time_idle_span(200000, 1000), 200000);
    EXPECT_EQ(time_idle_span(UINT64_MAX / 2, 1000),
              TIME_IDLE_SPAN_MAX / 1000 * 1000);
    EXPECT_EQ(time_idle_span(UINT64_MAX / 2, 25000),
              TIME_IDLE_SPAN_MAX / 25000 * 25000);
}

TEST(time, carry_keeps_frac_below_period)
{
    uint32_t frac = 0, seed = 3;
    uint64_t total = 0, ticks = 0;

    EXPECT_EQ(time_carry(&frac, 1000, 1000), 1);
    EXPECT_EQ(frac, 0);
    EXPECT_EQ(time_carry(&frac, 999, 1000), 0);
    EXPECT_EQ(time_carry(&frac, 2, 1000), 1);
    EXPECT_EQ(frac, 1);
    EXPECT_EQ(time_carry(&frac, 0xFFFFFFFFu, 1000), 4294967);
    EXPECT_EQ(frac, 296);
    frac = 0;
    for (int i = 0; i < 10000; i++) {
        uint32_t c = test_rand(&seed) % 5000000;
        total += c;
        ticks += time_carry(&frac, c, 1193);
        if (frac >= 1193 || ticks * 1193 + frac != total) {
            test_fail(__FILE__, __LINE__, "carry lost counts at %d", i);
            return;
        }
    }
}

/* --- time_idle over the fake timer ---------------------------------------
 * The fake counts at 1 MHz and the tick is 1 kHz, so a period is 1000
 * counts, one count is 1 us, and nothing is ever lost: nanotime must come
 * out exact.  The irq source plays what wakes the CPU. */

#define P 1000 /* counts per period */

static int hook_calls, wakes;
static uint32_t early_counts;

static void counting_hook(void)
{
    hook_calls++;
}

/* Cortex-M: WFI returns with the timer's boundary pending, not taken. */
static void wake_at_boundary(void)
{
    wakes++;
    fake_timer_advance(fake_timer_to_boundary());
}

/* Another device interrupts early_counts from now. */
static void wake_early(void)
{
    wakes++;
    fake_timer_advance(early_counts);
}

/* x86: the tick's handler runs inside sti;hlt, before time_idle looks. */
static void wake_with_handler(void)
{
    wakes++;
    fake_timer_advance(fake_timer_to_boundary());
    fake_timer_fire();
}

/* The first boundary, then another device early_counts later. */
static void boundary_then_early(void)
{
    if (wakes == 0)
        wake_at_boundary();
    else
        wake_early();
}

struct snap {
    int64_t ns;
    uint64_t ticks;
    uint32_t irqs;
    int stretches, restores;
};

static struct snap idle(void (*source)(void), int64_t sleep_ns)
{
    struct snap s = {tern_nanotime(), tern_ticks(), time_timer_irqs(),
                     fake_timer_stretches(), fake_timer_restores()};
    unsigned long irq;

    hook_calls = wakes = 0;
    time_set_tick_hook(counting_hook);
    host_set_irq_source(source);
    irq = arch_irq_save();
    time_idle(s.ns + sleep_ns);
    EXPECT_TRUE(host_irq_masked()); /* returns masked */
    arch_irq_restore(irq);
    host_set_irq_source(NULL);
    time_set_tick_hook(NULL);
    return s;
}

/* Start each test on a boundary, as after a tick. */
static void align(void)
{
    fake_timer_config(FAKE_TIMER_NOW, UINT32_MAX);
    fake_timer_advance(fake_timer_to_boundary());
    fake_timer_fire();
}

TEST(time, idle_sleeps_to_the_deadline_in_one_interrupt)
{
    struct snap s;

    align();
    fake_timer_advance(300); /* 0.3 periods into this one */
    s = idle(wake_at_boundary, 200000000);
    EXPECT_EQ(fake_timer_stretches() - s.stretches, 1);
    EXPECT_EQ(wakes, 1);
    EXPECT_EQ(time_timer_irqs() - s.irqs, 1);
    /* the first boundary at or after the deadline: 200.7 ms from here */
    EXPECT_EQ(tern_nanotime() - s.ns, 200700000);
    EXPECT_EQ(tern_ticks() - s.ticks, 201);
    EXPECT_EQ(hook_calls, 1);
    EXPECT_EQ(fake_timer_to_boundary(), P); /* periodic again */
}

TEST(time, idle_woken_early_counts_only_the_time_elapsed)
{
    struct snap s;

    align();
    fake_timer_advance(250);
    early_counts = 123456; /* 123.456 ms, deep in the span */
    s = idle(wake_early, 500000000);
    EXPECT_EQ(wakes, 1);
    EXPECT_EQ(fake_timer_restores() - s.restores, 1);
    EXPECT_EQ(tern_nanotime() - s.ns, 123456000); /* exact */
    EXPECT_EQ(tern_ticks() - s.ticks, 123);       /* (250 + 123456) / P */
    EXPECT_EQ(hook_calls, 1);
    EXPECT_EQ(time_timer_irqs() - s.irqs, 0); /* no timer interrupt */
    EXPECT_TRUE(fake_timer_to_boundary() <= P);
    EXPECT_EQ(fake_timer_to_boundary(), P - 706); /* still on the grid */

    /* woken before a period passed: no tick, no hook */
    early_counts = 100;
    s = idle(wake_early, 500000000);
    EXPECT_EQ(tern_nanotime() - s.ns, 100000);
    EXPECT_EQ(tern_ticks() - s.ticks, 0);
    EXPECT_EQ(hook_calls, 0);
}

TEST(time, idle_with_the_handler_inside_the_wait_calls_the_hook_once)
{
    struct snap s;

    align();
    s = idle(wake_with_handler, 30000000);
    EXPECT_EQ(wakes, 1);
    EXPECT_EQ(tern_nanotime() - s.ns, 30000000);
    EXPECT_EQ(tern_ticks() - s.ticks, 30);
    EXPECT_EQ(hook_calls, 1); /* the handler's; time_idle adds none */
    EXPECT_EQ(fake_timer_to_boundary(), P);
}

/* SysTick: the period in progress ends first, then the long countdown;
 * time_idle takes that first boundary and sleeps on, without the hook. */
TEST(time, idle_sleeps_through_a_boundary_short_of_the_span)
{
    struct snap s;

    align();
    fake_timer_config(FAKE_TIMER_NEXT_ONLY, UINT32_MAX);
    s = idle(wake_at_boundary, 50000000);
    EXPECT_EQ(wakes, 2);
    EXPECT_EQ(time_timer_irqs() - s.irqs, 2);
    EXPECT_EQ(tern_nanotime() - s.ns, 50000000);
    EXPECT_EQ(tern_ticks() - s.ticks, 50);
    EXPECT_EQ(hook_calls, 1);

    /* woken early after that first boundary: restored, exact */
    early_counts = 7777;
    s = idle(boundary_then_early, 50000000);
    EXPECT_EQ(wakes, 2);
    EXPECT_EQ(fake_timer_restores() - s.restores, 1);
    EXPECT_EQ(tern_nanotime() - s.ns, 8777000);
    EXPECT_EQ(tern_ticks() - s.ticks, 8);
    EXPECT_EQ(hook_calls, 1);
    EXPECT_EQ(fake_timer_to_boundary(), P - 777);
    fake_timer_config(FAKE_TIMER_NOW, UINT32_MAX);
}

/* A board that stretches only so far: a long idle is a chain of spans. */
TEST(time, idle_longer_than_the_timer_counts_is_a_chain)
{
    struct snap s;
    int64_t t0;

    align();
    fake_timer_config(FAKE_TIMER_NOW, 50 * P);
    t0 = tern_nanotime();
    s = idle(wake_at_boundary, 120000000);
    EXPECT_EQ(tern_nanotime() - s.ns, 50000000); /* the first link */
    EXPECT_EQ(hook_calls, 1);
    s = idle(wake_at_boundary, t0 + 120000000 - tern_nanotime());
    s = idle(wake_at_boundary, t0 + 120000000 - tern_nanotime());
    EXPECT_EQ(tern_nanotime() - t0, 120000000);
    EXPECT_EQ(fake_timer_to_boundary(), P);
    fake_timer_config(FAKE_TIMER_NOW, UINT32_MAX);
}

/* A board that cannot stretch at all: the wake-up still lands on the
 * deadline's boundary, each boundary short of it taken without the hook. */
TEST(time, idle_without_a_stretch_still_wakes_at_the_boundary)
{
    struct snap s;

    align();
    fake_timer_config(FAKE_TIMER_NOW, P);
    fake_timer_advance(10);
    s = idle(wake_at_boundary, 4500000);
    EXPECT_EQ(fake_timer_stretches() - s.stretches, 0);
    EXPECT_EQ(wakes, 5);
    EXPECT_EQ(tern_nanotime() - s.ns, 4990000); /* the boundary after */
    EXPECT_EQ(hook_calls, 1);
    fake_timer_config(FAKE_TIMER_NOW, UINT32_MAX);
}

TEST(time, idle_with_a_near_or_past_deadline_waits_for_the_tick)
{
    struct snap s;

    align();
    s = idle(wake_at_boundary, 400000); /* within this period */
    EXPECT_EQ(fake_timer_stretches() - s.stretches, 0);
    EXPECT_EQ(tern_nanotime() - s.ns, 1000000);
    EXPECT_EQ(hook_calls, 1);
    s = idle(wake_at_boundary, -5000000); /* already due */
    EXPECT_EQ(wakes, 1);
    EXPECT_EQ(hook_calls, 1);
}

TEST(time, idle_ticks_every_period_when_tickless_is_off)
{
    struct snap s;
    bool was;

    align();
    was = time_set_tickless(false);
    EXPECT_TRUE(was);
    s = idle(wake_with_handler, 200000000);
    EXPECT_EQ(fake_timer_stretches() - s.stretches, 0);
    EXPECT_EQ(tern_nanotime() - s.ns, 1000000); /* one period per wait */
    EXPECT_TRUE(!time_set_tickless(was));
}
