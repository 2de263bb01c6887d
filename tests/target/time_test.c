/*
 * tests/target/time_test.c - the tick and nanotime on the board timer.
 */
#include "arch/arch.h"
#include "kernel/board.h"
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
    uint64_t dt;

    tern_delay_ns(50000000); /* 50 ms = 50 ticks at 1 kHz */
    dt = tern_ticks() - t0;
    EXPECT_TRUE(tern_nanotime() - n0 >= 50000000);
    EXPECT_TRUE(dt >= 49 && dt <= 52);
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
