/*
 * tests/target/chan_test.c - channels: handoff, every capacity 0..20,
 * several senders (nothing lost, duplicated or reordered per sender),
 * close semantics, try-operations, an interrupt feeding a channel, and
 * constructed deadlocks.
 */
#include <string.h>

#include "kernel/time.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

#define GSTACK TEST_GSTACK

/* Elements of every shape the copy distinguishes (no bytes, odd sizes,
 * one to four whole words, more), through the ring and hand to hand, to
 * and from buffers at every alignment: each element arrives whole, and
 * the bytes around the receiver's buffer stay as they were. */
struct shape_arg {
    tern_chan *c;
    size_t size, align;
    int n;
};

static void shape_pattern(uint8_t *p, size_t size, int k)
{
    for (size_t i = 0; i < size; i++)
        p[i] = (uint8_t)(k * 31 + (int)i + 1);
}

static void shape_sender(void *arg)
{
    struct shape_arg *a = arg;
    uint8_t buf[80] __attribute__((aligned(4)));

    for (int k = 0; k < a->n; k++) {
        shape_pattern(buf + a->align, a->size, k);
        tern_chan_send(a->c, buf + a->align);
    }
}

TEST(chan, element_sizes_and_alignments)
{
    static const size_t sizes[] = {0, 1, 3, 4, 5, 8, 12, 16, 17, 20, 64};
    uint32_t base = tern_numgoroutine();

    for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t cap = 0; cap <= 2; cap += 2)
            for (size_t align = 0; align < 4; align++) {
                struct shape_arg a = {tern_chan_make(sizes[s], cap), sizes[s],
                                      align, 5};
                uint8_t got[88] __attribute__((aligned(4)));
                uint8_t want[80];

                ASSERT_TRUE(a.c != NULL);
                tern_go_stack(shape_sender, &a, GSTACK);
                for (int k = 0; k < a.n; k++) {
                    size_t at = 4 + (3 - align); /* the other alignment */
                    memset(got, 0xA5, sizeof got);
                    EXPECT_TRUE(tern_chan_recv(a.c, got + at));
                    shape_pattern(want, sizes[s], k);
                    EXPECT_TRUE(memcmp(got + at, want, sizes[s]) == 0);
                    EXPECT_EQ(got[at - 1], 0xA5);
                    EXPECT_EQ(got[at + sizes[s]], 0xA5);
                }
                while (tern_numgoroutine() > base)
                    tern_yield();
                tern_chan_free(a.c);
            }
}

static void echo(void *arg)
{
    tern_chan **ch = arg;
    int v;

    while (tern_chan_recv(ch[0], &v)) {
        v++;
        tern_chan_send(ch[1], &v);
    }
}

TEST(chan, unbuffered_ping_pong)
{
    tern_chan *ch[2] = {tern_chan_make(sizeof(int), 0),
                        tern_chan_make(sizeof(int), 0)};
    uint32_t base = tern_numgoroutine();

    ASSERT_TRUE(ch[0] && ch[1]);
    tern_go_stack(echo, ch, GSTACK);
    for (int i = 0; i < 100; i++) {
        int v = i;
        tern_chan_send(ch[0], &v);
        EXPECT_TRUE(tern_chan_recv(ch[1], &v));
        EXPECT_EQ(v, i + 1);
    }
    tern_chan_close(ch[0]);
    while (tern_numgoroutine() > base)
        tern_yield();
    tern_free(ch[0]);
    tern_free(ch[1]);
}

struct sender_arg {
    tern_chan *c;
    int id, n;
};

static void sender(void *arg)
{
    struct sender_arg *a = arg;

    for (int i = 0; i < a->n; i++) {
        int v = a->id << 16 | i;
        tern_chan_send(a->c, &v);
    }
}

/* Three senders, one receiver, capacities 0..20: every value arrives
 * once, and each sender's values in order. */
TEST(chan, every_capacity_many_senders)
{
    for (int cap = 0; cap <= 20; cap++) {
        tern_chan *c = tern_chan_make(sizeof(int), (size_t)cap);
        struct sender_arg a[3];
        int next[3] = {0, 0, 0};
        uint32_t base = tern_numgoroutine();

        ASSERT_TRUE(c != NULL);
        EXPECT_EQ(tern_chan_cap(c), cap);
        for (int s = 0; s < 3; s++) {
            a[s] = (struct sender_arg){c, s, 40};
            ASSERT_TRUE(tern_go_stack(sender, &a[s], GSTACK) > 0);
        }
        for (int k = 0; k < 120; k++) {
            int v, s, i;
            ASSERT_TRUE(tern_chan_recv(c, &v));
            s = v >> 16;
            i = v & 0xFFFF;
            ASSERT_TRUE(s >= 0 && s < 3);
            if (i != next[s]) {
                test_fail(__FILE__, __LINE__,
                          "cap %d: sender %d sent %d, expected %d", cap, s, i,
                          next[s]);
                return;
            }
            next[s]++;
        }
        EXPECT_EQ(tern_chan_len(c), 0);
        while (tern_numgoroutine() > base)
            tern_yield();
        tern_free(c);
    }
}

TEST(chan, close_drains_then_reports_closed)
{
    tern_chan *c = tern_chan_make(sizeof(int), 4);
    int v;

    ASSERT_TRUE(c != NULL);
    for (v = 1; v <= 3; v++)
        tern_chan_send(c, &v);
    tern_chan_close(c);
    for (int i = 1; i <= 3; i++) {
        EXPECT_TRUE(tern_chan_recv(c, &v));
        EXPECT_EQ(v, i);
    }
    v = 99;
    EXPECT_TRUE(!tern_chan_recv(c, &v));
    EXPECT_EQ(v, 0); /* the zero value */
    EXPECT_EQ(tern_chan_tryrecv(c, &v), -1);
    tern_free(c);
}

static volatile int woke_closed;

static void waiter(void *arg)
{
    int v;

    if (!tern_chan_recv(arg, &v))
        woke_closed++;
}

TEST(chan, close_wakes_every_receiver)
{
    tern_chan *c = tern_chan_make(sizeof(int), 0);
    uint32_t base = tern_numgoroutine();

    ASSERT_TRUE(c != NULL);
    woke_closed = 0;
    for (int i = 0; i < 3; i++)
        tern_go_stack(waiter, c, GSTACK);
    tern_sleep(2000000); /* all three park */
    tern_chan_close(c);
    while (tern_numgoroutine() > base)
        tern_yield();
    EXPECT_EQ(woke_closed, 3);
    tern_free(c);
}

TEST(chan, try_operations_never_block)
{
    tern_chan *c = tern_chan_make(sizeof(int), 1);
    int v = 7;

    ASSERT_TRUE(c != NULL);
    EXPECT_EQ(tern_chan_tryrecv(c, &v), 0);
    EXPECT_TRUE(tern_chan_trysend(c, &v));
    EXPECT_TRUE(!tern_chan_trysend(c, &v)); /* full */
    v = 0;
    EXPECT_EQ(tern_chan_tryrecv(c, &v), 1);
    EXPECT_EQ(v, 7);
    tern_free(c);
}

/* The tick handler feeds a channel with try-send; main receives, parked
 * between ticks.  Nothing is lost: values arrive consecutive unless the
 * channel was full.  The hook counts on a call every period, so tickless
 * idle is off meanwhile (kernel/time.h). */
static tern_chan *irq_chan;
static volatile uint32_t irq_sent, irq_dropped;

static void feeding_tick(void)
{
    uint32_t v = irq_sent;

    sched_tick();
    if (tern_chan_trysend(irq_chan, &v))
        irq_sent++;
    else
        irq_dropped++;
}

TEST(chan, interrupt_feeds_a_channel)
{
    uint32_t v, expect = 0;
    bool tickless;

    irq_chan = tern_chan_make(sizeof(uint32_t), 8);
    ASSERT_TRUE(irq_chan != NULL);
    tern_chan_irq(irq_chan);
    irq_sent = irq_dropped = 0;
    tickless = time_set_tickless(false);
    time_set_tick_hook(feeding_tick);
    for (int i = 0; i < 30; i++) {
        if (!tern_chan_recv(irq_chan, &v))
            break;
        EXPECT_EQ(v, expect);
        expect = v + 1;
    }
    time_set_tick_hook(sched_tick);
    time_set_tickless(tickless);
    EXPECT_EQ(expect, 30);
    EXPECT_EQ(irq_dropped, 0);
}

/* --- misuse and deadlocks: each must die with its message -------------- */

TEST_DEATH(chan, send_on_closed, "send on closed channel")
{
    tern_chan *c = tern_chan_make(sizeof(int), 1);
    int v = 1;

    tern_chan_close(c);
    tern_chan_send(c, &v);
}

/* A blocking operation in a handler is fatal even when the channel is
 * ready and it would not have to wait: whether it waits depends on
 * timing, so the bug must show every time, not once in a while. */
static tern_chan *ready_chan;

static void send_in_handler(void)
{
    int v = 1;

    tern_chan_send(ready_chan, &v);
}

TEST_DEATH(chan, blocking_send_in_a_handler_is_fatal_when_ready,
           "blocking call in an interrupt handler")
{
    ready_chan = tern_chan_make(sizeof(int), 4); /* room: would not wait */
    arch_soft_irq_set(send_in_handler);
    arch_soft_irq();
}

TEST_DEATH(chan, close_of_closed, "close of closed channel")
{
    tern_chan *c = tern_chan_make(sizeof(int), 0);

    tern_chan_close(c);
    tern_chan_close(c);
}

TEST_DEATH(chan, deadlock_receive_alone,
           "all goroutines are asleep - deadlock!")
{
    tern_chan *c = tern_chan_make(sizeof(int), 0);
    int v;

    tern_chan_recv(c, &v);
}

TEST_DEATH(chan, deadlock_send_unbuffered,
           "all goroutines are asleep - deadlock!")
{
    tern_chan *c = tern_chan_make(sizeof(int), 0);
    int v = 1;

    tern_chan_send(c, &v);
}

TEST_DEATH(chan, deadlock_send_full, "all goroutines are asleep - deadlock!")
{
    tern_chan *c = tern_chan_make(sizeof(int), 2);
    int v = 1;

    for (int i = 0; i < 3; i++)
        tern_chan_send(c, &v);
}

static tern_chan *dl_a, *dl_b;

static void wait_a_then_send_b(void *arg)
{
    int v;

    (void)arg;
    tern_chan_recv(dl_a, &v);
    tern_chan_send(dl_b, &v);
}

/* Two goroutines each waiting for the other; main waits for both. */
TEST_DEATH(chan, deadlock_cycle, "all goroutines are asleep - deadlock!")
{
    int v;

    dl_a = tern_chan_make(sizeof(int), 0);
    dl_b = tern_chan_make(sizeof(int), 0);
    tern_go_stack(wait_a_then_send_b, NULL, GSTACK);
    tern_chan_recv(dl_b, &v); /* nobody sends on a */
}

static void sleep_then_wait(void *arg)
{
    int v;

    tern_sleep(5000000);
    tern_chan_recv(arg, &v);
}

/* Not a deadlock while a sleeper can still act; one once it parks. */
TEST_DEATH(chan, deadlock_after_last_sleeper,
           "all goroutines are asleep - deadlock!")
{
    tern_chan *c = tern_chan_make(sizeof(int), 0);
    int v;

    tern_go_stack(sleep_then_wait, c, GSTACK);
    tern_chan_recv(c, &v);
}

TEST_DEATH(chan, make_out_of_range, "makechan: size out of range")
{
    tern_chan_make(1u << 20, 1u << 20);
}

/* Goroutine id is waiting in state (its wait reason). */
static bool parked(int id, const char *state)
{
    struct tern_goroutine g[8];
    int n = tern_goroutines(g, 8);

    for (int i = 0; i < n; i++)
        if (g[i].id == (uint32_t)id)
            return strcmp(g[i].state, state) == 0;
    return false;
}

static void park_on(void *arg)
{
    int v;
    tern_chan_recv(arg, &v);
}

TEST_DEATH(chan, free_with_waiters, "free of a channel with waiting goroutines")
{
    tern_chan *c = tern_chan_make(sizeof(int), 0);
    int id = tern_go_stack(park_on, c, GSTACK);

    while (!parked(id, "chan receive")) /* an interrupt may delay it */
        tern_sleep(1000000);
    tern_chan_free(c);
}
