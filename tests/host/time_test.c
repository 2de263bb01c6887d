/*
 * tests/host/time_test.c - tick and nanotime arithmetic (kernel/time.c)
 * over the fake timer: pending-tick handling, rate changes, overflow.
 */
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
