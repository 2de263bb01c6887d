/*
 * tests/host/sched_test.c - the scheduler's data structures on the host:
 * the run-queue ring and the timer heap, against simple models.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

TEST(runq, ring_is_fifo_across_wraps)
{
    static struct p pp;
    static struct g gs[SCHED_RUNQ + 1];
    uint32_t seed = 5, put = 0, got = 0;

    memset(&pp, 0, sizeof pp);
    pp.runqhead = pp.runqtail = UINT32_MAX - 100; /* wrap the indices too */
    for (int round = 0; round < 20000; round++) {
        if (test_rand(&seed) % 3 != 0) {
            bool ok = runq_put(&pp, &gs[put % (SCHED_RUNQ + 1)]);
            if (runq_len(&pp) > SCHED_RUNQ) {
                test_fail(__FILE__, __LINE__, "ring over its size");
                return;
            }
            if (ok)
                put++;
            else
                EXPECT_EQ(runq_len(&pp), SCHED_RUNQ);
        } else {
            struct g *gp = runq_get(&pp);
            if (gp != NULL) {
                if (gp != &gs[got % (SCHED_RUNQ + 1)]) {
                    test_fail(__FILE__, __LINE__, "out of order at %u", got);
                    return;
                }
                got++;
            } else {
                EXPECT_EQ(put, got);
            }
        }
    }
}

TEST(runq, global_queue_is_fifo)
{
    static struct g gs[10];

    memset(&sched, 0, sizeof sched);
    for (int i = 0; i < 10; i++)
        globrunq_put(&gs[i]);
    EXPECT_EQ(sched.runq_size, 10);
    for (int i = 0; i < 10; i++)
        EXPECT_TRUE(globrunq_get() == &gs[i]);
    EXPECT_TRUE(globrunq_get() == NULL);
}

/* The timer heap pops sleepers in deadline order, and removal from the
 * middle (a woken sleeper) keeps the order, for random deadlines. */
TEST(timer, heap_orders_and_removes)
{
    static struct g gs[500];
    static uint8_t arena[1 << 20] __attribute__((aligned(4096)));
    struct p pp;
    uint32_t seed = 77;
    int64_t last = -1;
    int popped = 0;

    mm_init_regions(
        &(struct mm_region){(uintptr_t)arena, (uintptr_t)arena + sizeof arena},
        1);
    memset(&pp, 0, sizeof pp);
    for (int i = 0; i < 499; i++)
        ASSERT_TRUE(timer_reserve(&pp));
    for (int i = 0; i < 499; i++) {
        gs[i].tn.when = (int64_t)(test_rand(&seed) % 100000);
        ASSERT_TRUE(timer_add(&pp, &gs[i].tn));
    }
    /* a node that reserved no slot is refused, never stored past them */
    EXPECT_TRUE(!timer_add(&pp, &gs[499].tn));
    ASSERT_TRUE(timer_reserve(&pp));
    gs[499].tn.when = (int64_t)(test_rand(&seed) % 100000);
    ASSERT_TRUE(timer_add(&pp, &gs[499].tn));
    EXPECT_TRUE(pp.reserved <= pp.timercap);
    for (int i = 0; i < 500; i += 5) /* some wake early */
        timer_remove(&pp, &gs[i].tn);
    EXPECT_EQ(pp.ntimers, 400);
    EXPECT_TRUE(timer_pop_due(&pp, -1) == NULL); /* nothing due yet */
    for (;;) {
        struct tnode *tn = timer_pop_due(&pp, INT64_MAX);
        struct g *gp;
        if (tn == NULL)
            break;
        gp = (struct g *)(void *)((char *)tn - offsetof(struct g, tn));
        if (gp->tn.when < last) {
            test_fail(__FILE__, __LINE__, "popped %lld after %lld",
                      (long long)gp->tn.when, (long long)last);
            return;
        }
        if ((gp - gs) % 5 == 0) {
            test_fail(__FILE__, __LINE__, "a removed sleeper came back");
            return;
        }
        last = gp->tn.when;
        popped++;
    }
    EXPECT_EQ(popped, 400);
    EXPECT_EQ(timer_next(&pp), INT64_MAX);
}
