/*
 * tests/target/time_test.c - the tick, nanotime and tickless idle on the
 * board timer.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

TEST(time, nanotime_monotonic)
{
    int64_t prev = tern_nanotime();

    for (int i = 0; i < 20000; i++) {
        int64_t now = tern_nanotime();
        if (now < prev) {
            test_fail(__FILE__, __LINE__, "went back %lld -> %lld",
                      (long long)prev, (long long)now);
            return;
        }
        prev = now;
    }
}

TEST(time, ticks_follow_nanotime)
{
    uint64_t t0 = tern_ticks();
    int64_t n0 = tern_nanotime();
    uint64_t dt, ms;

    tern_delay_ns(50000000); /* 50 ms = 50 ticks at 1 kHz */
    dt = tern_ticks() - t0;
    ms = (uint64_t)(tern_nanotime() - n0) / 1000000;
    EXPECT_TRUE(ms >= 50);
    /* a tick per ms that nanotime says passed: the wait can overshoot
     * its 50 ms where the CPU is taken away (a hosted board's process
     * descheduled by the host), and the ticks must follow */
    EXPECT_TRUE(dt + 1 >= ms && dt <= ms + 2);
}

TEST(time, tick_rate_changes_at_run_time)
{
    uint32_t old = tern_tick_hz();
    uint64_t t0;
    int64_t n0, n1;

    ASSERT_TRUE(tern_tick_set_hz(100) == 0);
    EXPECT_EQ(tern_tick_hz(), 100);
    t0 = tern_ticks();
    n0 = tern_nanotime();
    tern_delay_ns(100000000); /* 100 ms = 10 ticks at 100 Hz */
    EXPECT_TRUE(tern_ticks() - t0 >= 9 && tern_ticks() - t0 <= 11);
    ASSERT_TRUE(tern_tick_set_hz(old) == 0);
    n1 = tern_nanotime();
    EXPECT_TRUE(n1 >= n0 + 100000000);
    EXPECT_TRUE(n1 < n0 + 200000000);
}

TEST(time, impossible_rates_refused)
{
    uint32_t old = tern_tick_hz();

    EXPECT_EQ(tern_tick_set_hz(0), -1);
    EXPECT_EQ(tern_tick_set_hz(4000000000u), -1);
    EXPECT_EQ(tern_tick_hz(), old);
}

/* With interrupts masked until a tick falls due, the tick count stands
 * still while nanotime goes on (it counts the pending tick itself), and
 * the tick is taken as soon as interrupts are unmasked. */
TEST(time, masked_interrupts_hold_the_tick)
{
    unsigned long s = arch_irq_save();
    uint64_t t0 = tern_ticks();
    int64_t n0 = tern_nanotime(), n1;

    while (!board_timer_pending()) /* at most one period */
        ;
    n1 = tern_nanotime();
    EXPECT_EQ(tern_ticks(), t0);
    EXPECT_TRUE(n1 > n0 && n1 - n0 <= 2000000000 / (int64_t)tern_tick_hz());
    arch_irq_restore(s);
    EXPECT_TRUE(tern_ticks() > t0);
}

/* --- tickless idle ----------------------------------------------------- */

static int64_t period_ns(void)
{
    return 1000000000 / (int64_t)tern_tick_hz();
}

/* The clock at one instant: ticks, nanotime and the counts since the
 * board's last boundary taken.  Interrupts masked by the caller. */
struct clock {
    uint64_t ticks;
    int64_t ns;
    uint32_t counts;
};

static struct clock clock_read(void)
{
    struct clock c = {tern_ticks(), tern_nanotime(), board_timer_elapsed()};
    return c;
}

static struct clock clock_now(void)
{
    unsigned long s = arch_irq_save();
    struct clock c = clock_read();

    arch_irq_restore(s);
    return c;
}

/* The ticks between a and b are the whole periods of the time between
 * them, less what was not yet taken at b and plus what was not yet taken
 * at a (a handler held up by a busy QEMU host catches up later): give or
 * take one for the phase of the first and last period.  If report, a
 * mismatch is a test failure. */
static bool ticks_match(struct clock a, struct clock b, bool report)
{
    uint32_t hz = board_timer_count_hz();
    int64_t span = b.ns - a.ns - (int64_t)time_counts_to_ns(b.counts, hz) +
                   (int64_t)time_counts_to_ns(a.counts, hz);
    int64_t want = span / period_ns(), got = (int64_t)(b.ticks - a.ticks);

    if (got >= want - 1 && got <= want + 1)
        return true;
    if (report)
        test_fail(__FILE__, __LINE__,
                  "%lld ticks in %lld ns (%lu, %lu counts not yet taken)",
                  (long long)got, (long long)(b.ns - a.ns),
                  (unsigned long)a.counts, (unsigned long)b.counts);
    return false;
}

/* main sleeps alone for 200 ms: the CPU idles with the tick stopped, so
 * far fewer than 200 timer interrupts fire, yet nanotime and the tick
 * count advance by the whole 200 ms.  The same sleep with tickless idle
 * off is the control: one interrupt per period. */
TEST(time, idle_sleep_skips_ticks)
{
    uint32_t i0 = time_timer_irqs(), irqs, irqs_ticking;
    struct clock c0 = clock_now(), c1;
    int64_t dt;
    bool on;

    tern_sleep(200000000);
    c1 = clock_now();
    dt = c1.ns - c0.ns;
    irqs = time_timer_irqs() - i0;
    EXPECT_TRUE(dt >= 200000000);
    EXPECT_TRUE(dt < 200000000 + 20 * period_ns());
    ticks_match(c0, c1, true);
    if (irqs >= 20)
        test_fail(__FILE__, __LINE__, "%u timer interrupts in 200 ms idle",
                  (unsigned)irqs);

    on = time_set_tickless(false);
    i0 = time_timer_irqs();
    tern_sleep(50000000);
    irqs_ticking = time_timer_irqs() - i0;
    time_set_tickless(on);
    EXPECT_TRUE(on);
    if (irqs_ticking < 40) /* the counter does count them */
        test_fail(__FILE__, __LINE__, "%u timer interrupts in 50 ms ticking",
                  (unsigned)irqs_ticking);
}

/* Sleeping while idle wakes no earlier than asked and within a couple of
 * periods after (the best of three tries: QEMU's host may be busy). */
TEST(time, idle_sleep_accuracy)
{
    static const int64_t ds[] = {10000000, 50000000};

    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        int64_t best = INT64_MAX;

        for (int try = 0; try < 3 && best > ds[i] + 2 * period_ns(); try++) {
            int64_t t0 = tern_nanotime(), dt;

            tern_sleep(ds[i]);
            dt = tern_nanotime() - t0;
            if (dt < ds[i])
                test_fail(__FILE__, __LINE__, "slept %lld ns of %lld",
                          (long long)dt, (long long)ds[i]);
            if (dt < best)
                best = dt;
        }
        if (best > ds[i] + 2 * period_ns())
            test_fail(__FILE__, __LINE__, "slept %lld ns for %lld",
                      (long long)best, (long long)ds[i]);
    }
}

static volatile int64_t woke_at;

static void short_sleeper(void *arg)
{
    tern_sleep((int64_t)(intptr_t)arg);
    woke_at = tern_nanotime();
}

/* A second goroutine's shorter sleep ends main's idle early: each wakes
 * on time, in order, and time runs on monotonic across the two idles. */
TEST(time, shorter_sleep_ends_the_idle_first)
{
    uint32_t i0 = time_timer_irqs(), base = tern_numgoroutine();
    int64_t t0 = tern_nanotime(), t1;

    woke_at = 0;
    ASSERT_TRUE(tern_go_stack(short_sleeper, (void *)(intptr_t)30000000, 512) >
                0);
    tern_sleep(100000000);
    t1 = tern_nanotime();
    EXPECT_TRUE(woke_at >= t0 + 30000000);
    EXPECT_TRUE(woke_at < t0 + 30000000 + 20 * period_ns());
    EXPECT_TRUE(t1 >= t0 + 100000000 && t1 > woke_at);
    EXPECT_TRUE(t1 < t0 + 100000000 + 20 * period_ns());
    EXPECT_TRUE(time_timer_irqs() - i0 < 30);
    EXPECT_EQ(tern_numgoroutine(), base);
}

/* Read nanotime for `ns` with interrupts masked; fail on a step back.
 * Returns the last reading.  (A step forward of more than a period is a
 * stall of QEMU's host thread - virtual time ran on without the CPU - not
 * a fault.) */
static int64_t spin_checked(int64_t ns)
{
    int64_t prev = tern_nanotime(), end = prev + ns;

    while (prev < end) {
        int64_t now = tern_nanotime();
        if (now < prev) {
            test_fail(__FILE__, __LINE__, "nanotime went back %lld -> %lld",
                      (long long)prev, (long long)now);
            return now;
        }
        prev = now;
    }
    return prev;
}

static volatile uint32_t hook_calls;

static void counting_tick(void)
{
    hook_calls++;
    sched_tick();
}

/* The last try of early_wakeup, for the failure report. */
static struct {
    uint32_t span;
    int64_t step, ns;
    uint64_t ticks;
} last_try;

/* One early wake-up played by hand: stretch the tick towards a deadline
 * half a second away, let `ns` pass with interrupts masked (as in the
 * idle loop: nothing takes a tick meanwhile), then end the idle as an
 * interrupt from a device would.  Checks what must always hold; returns
 * true if the wake-up was also exact (no step in time across it, the
 * ticks of the time elapsed counted) - which a stall of QEMU's host
 * thread inside it can spoil, so the caller takes the best of a few.
 * Each try starts a quarter period after a tick: clear of the boundary
 * (where stretch declines) whatever phase the last try ended in. */
static bool early_wakeup(int64_t ns)
{
    unsigned long s;
    struct clock c0, c1;
    uint32_t i0, span;
    uint64_t k1 = tern_ticks();
    int64_t n1;

    while (tern_ticks() == k1)
        ;
    tern_delay_ns(period_ns() / 4);
    s = arch_irq_save();
    c0 = clock_read();
    hook_calls = 0;
    time_set_tick_hook(counting_tick);
    span = time_idle_begin(c0.ns + 500000000);
    /* (Masked for longer than a period only if stretched: time is exact
     * only while at most one boundary passes unseen.) */
    n1 = ns != 0 && span != 0 ? spin_checked(ns) : tern_nanotime();
    EXPECT_EQ(tern_ticks(), c0.ticks);
    time_idle_end();
    c1 = clock_read();
    time_set_tick_hook(sched_tick);
    arch_irq_restore(s);

    EXPECT_TRUE(c1.ns >= n1);
    EXPECT_EQ(hook_calls, c1.ticks > c0.ticks ? 1 : 0);
    /* periodic again: the ticks of the next 10 periods are taken as they
     * come, by up to one timer interrupt a period (fewer if a busy host
     * made a handler late and it took several at once) */
    i0 = time_timer_irqs();
    k1 = tern_ticks();
    tern_delay_ns(10 * period_ns());
    EXPECT_TRUE(tern_ticks() - k1 >= 8);
    EXPECT_TRUE(time_timer_irqs() - i0 >= 1);
    EXPECT_TRUE(time_timer_irqs() - i0 <= 12);
    /* (no span: the period's boundary was too close to stretch; again) */
    last_try.span = span;
    last_try.step = c1.ns - n1;
    last_try.ticks = c1.ticks - c0.ticks;
    last_try.ns = c1.ns - c0.ns;
    return span != 0 && c1.ns - n1 < period_ns() && ticks_match(c0, c1, false);
}

/* An early wake-up restores the periodic tick and accounts exactly the
 * time elapsed: after 20 ms (SysTick: within its long countdown), and
 * at once (SysTick: before its stretch began). */
TEST(time, early_wakeup_restores_the_tick)
{
    static const int64_t spins[] = {20000000, 0};

    for (unsigned i = 0; i < sizeof spins / sizeof spins[0]; i++) {
        int try = 0;

        while (!early_wakeup(spins[i]))
            if (++try == 10) {
                test_fail(__FILE__, __LINE__,
                          "early wake-up after %lld ns inexact 10 times; "
                          "last: span %lu, step %lld ns, %lu ticks in "
                          "%lld ns",
                          (long long)spins[i], (unsigned long)last_try.span,
                          (long long)last_try.step,
                          (unsigned long)last_try.ticks,
                          (long long)last_try.ns);
                break;
            }
    }
}
