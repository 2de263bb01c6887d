/*
 * tests/target/irq_test.c - interrupt discipline: a goroutine an interrupt
 * wakes runs at once; an interrupt storm feeding a channel while
 * goroutines trade on others loses and duplicates nothing; blocking in a
 * handler is fatal.
 */
#include "arch/arch.h"
#include "kernel/time.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

#define GSTACK TEST_GSTACK

static struct tern_note irq_note = TERN_NOTE_INIT;
static volatile int woke_ran;

static void wake_note(void)
{
    tern_note_wakeup(&irq_note);
}

static void note_waiter(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        tern_note_sleep(&irq_note, -1);
        woke_ran++;
    }
}

/* The woken goroutine preempts the one the interrupt landed on: it has
 * run by the time arch_soft_irq returns, time slice or not. */
TEST(irq, woken_goroutine_runs_at_once)
{
    woke_ran = 0;
    arch_soft_irq_set(wake_note);
    tern_go_stack(note_waiter, NULL, GSTACK);
    tern_yield(); /* it parks on the note */
    for (int i = 1; i <= 3; i++) {
        arch_soft_irq();
        EXPECT_EQ(woke_ran, i);
    }
}

/* --- a storm: a 20 kHz tick try-sends a sequence on a channel --- */

static tern_chan *storm_c;
static volatile uint32_t storm_sent, storm_dropped;
static volatile int storm_on;

static void storm_tick(void)
{
    sched_tick();
    if (storm_on) {
        uint32_t v = storm_sent + 1;

        if (tern_chan_trysend(storm_c, &v))
            storm_sent = v;
        else
            storm_dropped++;
    }
}

static volatile uint32_t storm_got, storm_bad;

static void storm_reader(void *arg)
{
    uint32_t v;

    (void)arg;
    while (tern_chan_recv(storm_c, &v)) {
        if (v != storm_got + 1) /* every value sent, once, in order */
            storm_bad++;
        storm_got = v;
    }
}

struct pingpong {
    tern_chan *ping, *pong;
    int n;
    volatile uint32_t sum;
};

static void pinger(void *arg)
{
    struct pingpong *p = arg;

    for (int i = 1; i <= p->n; i++) {
        int r;

        tern_chan_send(p->ping, &i);
        tern_chan_recv(p->pong, &r);
        p->sum += (uint32_t)r;
    }
    tern_chan_close(p->ping);
}

static void ponger(void *arg)
{
    struct pingpong *p = arg;
    int v;

    while (tern_chan_recv(p->ping, &v)) {
        v *= 2;
        tern_chan_send(p->pong, &v);
    }
}

TEST(irq, storm_with_channel_traffic_loses_nothing)
{
    struct pingpong pp = {NULL, NULL, 2000, 0};
    uint32_t hz = tern_tick_hz();
    int64_t end;

    storm_c = tern_chan_make(sizeof(uint32_t), 8);
    pp.ping = tern_chan_make(sizeof(int), 0);
    pp.pong = tern_chan_make(sizeof(int), 0);
    ASSERT_TRUE(storm_c && pp.ping && pp.pong);
    tern_chan_irq(storm_c);
    storm_sent = storm_dropped = storm_got = storm_bad = 0;
    ASSERT_TRUE(tern_go_stack(storm_reader, NULL, GSTACK) > 0);
    ASSERT_TRUE(tern_go_stack(ponger, &pp, GSTACK) > 0);
    ASSERT_TRUE(tern_go_stack(pinger, &pp, GSTACK) > 0);
    time_set_tick_hook(storm_tick);
    ASSERT_TRUE(tern_tick_set_hz(20000) == 0);
    storm_on = 1;
    end = tern_nanotime() + 3000000000LL;
    while (pp.sum != 2000u * 2001u && tern_nanotime() < end)
        tern_yield(); /* busy: an idle CPU stops the tick */
    /* and on, with no traffic, until a few hundred values went through
     * (a loaded QEMU host delivers ticks in bursts that fill the channel) */
    while (storm_sent < 300 && tern_nanotime() < end)
        tern_yield(); /* busy: an idle CPU stops the tick */
    storm_on = 0;
    tern_tick_set_hz(hz);
    time_set_tick_hook(sched_tick);
    tern_chan_close(storm_c);
    tern_sleep(2000000);              /* the reader drains and ends */
    EXPECT_EQ(pp.sum, 2000u * 2001u); /* sum of 2i for i in 1..2000 */
    EXPECT_TRUE(storm_sent >= 300);
    EXPECT_EQ(storm_got, storm_sent);
    EXPECT_EQ(storm_bad, 0);
    tern_printf("storm: %lu sent, %lu dropped (channel full)\n",
                (unsigned long)storm_sent, (unsigned long)storm_dropped);
    tern_chan_free(storm_c);
    tern_chan_free(pp.ping);
    tern_chan_free(pp.pong);
}

static void block_in_handler(void)
{
    tern_sleep(1000);
}

TEST_DEATH(irq, sleep_in_a_handler_is_fatal,
           "blocking call in an interrupt handler")
{
    arch_soft_irq_set(block_in_handler);
    arch_soft_irq();
}

static void yield_in_handler(void)
{
    tern_yield();
}

TEST_DEATH(irq, yield_in_a_handler_is_fatal,
           "blocking call in an interrupt handler")
{
    arch_soft_irq_set(yield_in_handler);
    arch_soft_irq();
}

TEST_DEATH(irq, soft_irq_with_interrupts_masked_is_fatal,
           "arch_soft_irq with interrupts masked")
{
    arch_soft_irq_set(wake_note);
    (void)arch_irq_save();
    arch_soft_irq();
}
