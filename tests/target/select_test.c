/*
 * tests/target/select_test.c - select: ready cases, default, timeout,
 * send cases, fairness, and a stress over four channels.
 */
#include "tests/harness/test.h"

#define GSTACK TEST_GSTACK

TEST(select, takes_the_ready_case_or_default)
{
    tern_chan *a = tern_chan_make(sizeof(int), 1);
    tern_chan *b = tern_chan_make(sizeof(int), 1);
    int va = 0, vb = 0, x = 42;
    struct tern_select_case cs[2] = {{a, TERN_SELECT_RECV, &va, false},
                                     {b, TERN_SELECT_RECV, &vb, false}};

    ASSERT_TRUE(a && b);
    EXPECT_EQ(tern_select(cs, 2, 0), -1); /* default: nothing ready */
    tern_chan_send(b, &x);
    EXPECT_EQ(tern_select(cs, 2, -1), 1);
    EXPECT_EQ(vb, 42);
    EXPECT_TRUE(cs[1].ok);
    tern_chan_close(a);
    EXPECT_EQ(tern_select(cs, 2, -1), 0); /* closed is ready */
    EXPECT_TRUE(!cs[0].ok);
    tern_free(a);
    tern_free(b);
}

TEST(select, timeout_expires)
{
    tern_chan *a = tern_chan_make(sizeof(int), 0);
    int v;
    struct tern_select_case cs[2] = {{a, TERN_SELECT_RECV, &v, false},
                                     {NULL, TERN_SELECT_RECV, &v, false}};
    int64_t t0 = tern_nanotime();

    ASSERT_TRUE(a != NULL);
    EXPECT_EQ(tern_select(cs, 2, 5000000), -1);
    EXPECT_TRUE(tern_nanotime() - t0 >= 5000000);
    tern_free(a);
}

static void receive_once(void *arg)
{
    int v;

    tern_sleep(1000000);
    tern_chan_recv(arg, &v);
}

TEST(select, send_case_meets_a_receiver)
{
    tern_chan *a = tern_chan_make(sizeof(int), 0);
    tern_chan *b = tern_chan_make(sizeof(int), 0);
    int x = 5, y = 6;
    struct tern_select_case cs[2] = {{a, TERN_SELECT_SEND, &x, false},
                                     {b, TERN_SELECT_SEND, &y, false}};
    uint32_t base = tern_numgoroutine();

    ASSERT_TRUE(a && b);
    tern_go_stack(receive_once, b, GSTACK);
    EXPECT_EQ(tern_select(cs, 2, 1000000000), 1); /* parks until b is read */
    while (tern_numgoroutine() > base)
        tern_yield();
    tern_free(a);
    tern_free(b);
}

TEST(select, ready_cases_are_picked_fairly)
{
    tern_chan *a = tern_chan_make(sizeof(int), 1);
    tern_chan *b = tern_chan_make(sizeof(int), 1);
    int v, n[2] = {0, 0}, x = 1;
    struct tern_select_case cs[2] = {{a, TERN_SELECT_RECV, &v, false},
                                     {b, TERN_SELECT_RECV, &v, false}};

    ASSERT_TRUE(a && b);
    for (int i = 0; i < 200; i++) {
        int r;
        tern_chan_trysend(a, &x);
        tern_chan_trysend(b, &x);
        r = tern_select(cs, 2, 0);
        ASSERT_TRUE(r == 0 || r == 1);
        n[r]++;
    }
    EXPECT_TRUE(n[0] > 40 && n[1] > 40);
    tern_free(a);
    tern_free(b);
}

struct feeder {
    tern_chan *c;
    int id;
};

static void feed(void *arg)
{
    struct feeder *f = arg;

    for (int i = 0; i < 60; i++) {
        int v = f->id << 16 | i;
        tern_chan_send(f->c, &v);
        if (i % 7 == 0)
            tern_yield();
    }
    tern_chan_close(f->c);
}

/* Four senders on four channels (capacities 0, 1, 3, 0); one select loop
 * receives everything: each channel's values once and in order. */
TEST(select, stress_four_channels)
{
    static const int caps[4] = {0, 1, 3, 0};
    struct feeder f[4];
    struct tern_select_case cs[4];
    int v[4], next[4] = {0, 0, 0, 0}, open = 4;
    uint32_t base = tern_numgoroutine();

    for (int i = 0; i < 4; i++) {
        f[i] = (struct feeder){tern_chan_make(sizeof(int), (size_t)caps[i]), i};
        ASSERT_TRUE(f[i].c != NULL);
        cs[i] =
            (struct tern_select_case){f[i].c, TERN_SELECT_RECV, &v[i], false};
        ASSERT_TRUE(tern_go_stack(feed, &f[i], GSTACK) > 0);
    }
    while (open > 0) {
        int r = tern_select(cs, 4, 2000000000);
        ASSERT_TRUE(r >= 0);
        if (!cs[r].ok) {
            cs[r].c = NULL; /* closed: drop the case */
            open--;
            continue;
        }
        if ((v[r] >> 16) != r || (v[r] & 0xFFFF) != next[r]) {
            test_fail(__FILE__, __LINE__, "channel %d: got %x, expected %d", r,
                      v[r], next[r]);
            return;
        }
        next[r]++;
    }
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(next[i], 60);
        tern_free(f[i].c);
    }
    while (tern_numgoroutine() > base)
        tern_yield();
}

TEST_DEATH(select, all_nil_blocks_forever,
           "all goroutines are asleep - deadlock!")
{
    int v;
    struct tern_select_case cs[1] = {{NULL, TERN_SELECT_RECV, &v, false}};

    tern_select(cs, 1, -1);
}

TEST_DEATH(select, too_many_cases, "select: too many cases")
{
    struct tern_select_case cs[TERN_SELECT_MAX + 1] = {0};

    tern_select(cs, TERN_SELECT_MAX + 1, 0);
}
