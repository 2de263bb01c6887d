/*
 * tests/target/timer_test.c - timers: after, periodic timers, stop, and
 * after as a select case.
 */
#include "tests/harness/test.h"

TEST(timer, after_fires_once)
{
    int64_t t0 = tern_nanotime(), at = 0;
    tern_chan *c = tern_after(5000000);

    ASSERT_TRUE(c != NULL);
    EXPECT_TRUE(tern_chan_recv(c, &at)); /* parks until the tick sends */
    EXPECT_TRUE(at >= t0 + 5000000);
    EXPECT_TRUE(tern_nanotime() >= t0 + 5000000);
    tern_sleep(5000000);
    EXPECT_EQ(tern_chan_tryrecv(c, &at), 0); /* once only */
    tern_chan_free(c);
}

/* The values are the times the tick fired the timer: never before each
 * one's time, t0 + 2 ms, + 4 ms, ...  (Not a bound on each interval: a
 * fire that a busy QEMU host delayed is followed by one on time, so an
 * interval can be short without anything firing early.) */
TEST(timer, periodic_until_stopped)
{
    tern_chan *c = tern_chan_make(sizeof(int64_t), 4);
    struct tern_timer *t;
    int64_t prev = 0, v, t0;

    ASSERT_TRUE(c != NULL);
    t0 = tern_nanotime();
    t = tern_timer_start(2000000, 2000000, c);
    ASSERT_TRUE(t != NULL);
    for (int i = 0; i < 5; i++) {
        EXPECT_TRUE(tern_chan_recv(c, &v));
        /* The i-th firing is due at t0 + (i + 1) periods, or later if the
         * timer fell behind; never earlier.  (Consecutive values may be
         * closer than a period: a late tick delays one firing, not the
         * next, which stays on the original schedule.) */
        EXPECT_TRUE(v >= t0 + (int64_t)(i + 1) * 2000000);
        EXPECT_TRUE(v > prev);
        prev = v;
    }
    EXPECT_TRUE(v < t0 + 5 * 2000000 + 50000000); /* and it keeps time */
    tern_timer_stop(t);
    while (tern_chan_tryrecv(c, &v) == 1)
        ;
    tern_sleep(10000000);
    EXPECT_EQ(tern_chan_tryrecv(c, &v), 0); /* nothing after the stop */
    tern_chan_free(c);
}

TEST(timer, after_as_a_select_timeout)
{
    tern_chan *never = tern_chan_make(sizeof(int), 0);
    tern_chan *to = tern_after(3000000);
    int x;
    int64_t at;
    struct tern_select_case cs[2] = {{never, TERN_SELECT_RECV, &x, false},
                                     {to, TERN_SELECT_RECV, &at, false}};

    ASSERT_TRUE(never && to);
    EXPECT_EQ(tern_select(cs, 2, -1), 1);
    tern_chan_free(never);
    tern_chan_free(to);
}

TEST_DEATH(timer, bad_arguments, "timer: bad arguments")
{
    tern_timer_start(-1, 0, NULL);
}
