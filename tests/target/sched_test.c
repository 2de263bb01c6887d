/*
 * tests/target/sched_test.c - goroutines: spawn, exit, yield, sleep.
 * The test harness itself runs in goroutine 1 (main).
 */
#include <string.h>

#include "arch/arch.h"
#include "kernel/time.h"
#include "tests/harness/test.h"

/* Small stacks (rounded up to pages), so that the microbit holds several.
 * Interrupt handlers run on the interrupt stack: a goroutine's stack holds
 * only an exception frame of theirs. */
#define GSTACK TEST_GSTACK

static volatile int order[16];
static volatile int norder;

static void record(int v)
{
    unsigned long s = arch_irq_save();
    if (norder < 16)
        order[norder++] = v;
    arch_irq_restore(s);
}

/* Wait (yielding) until only `n` goroutines are left, at most ~2 s. */
static int wait_for(uint32_t n)
{
    int64_t end = tern_nanotime() + 2000000000;

    while (tern_numgoroutine() > n && tern_nanotime() < end)
        tern_yield();
    return tern_numgoroutine() == n;
}

static void add_one(void *arg)
{
    record((int)(intptr_t)arg);
}

TEST(sched, go_runs_and_exits)
{
    uint32_t base = tern_numgoroutine();
    int id1, id2;

    norder = 0;
    id1 = tern_go_stack(add_one, (void *)1, GSTACK);
    id2 = tern_go_stack(add_one, (void *)2, GSTACK);
    EXPECT_TRUE(id1 > 1 && id2 == id1 + 1);
    EXPECT_EQ(tern_numgoroutine(), base + 2);
    EXPECT_TRUE(wait_for(base));
    EXPECT_EQ(norder, 2);
}

static void yielder(void *arg)
{
    for (int i = 0; i < 3; i++) {
        record((int)(intptr_t)arg);
        tern_yield();
    }
}

/* Three goroutines that yield take turns: each runs three times, and
 * none runs twice in a row while another is runnable. */
TEST(sched, yield_takes_turns)
{
    uint32_t base = tern_numgoroutine();

    norder = 0;
    tern_go_stack(yielder, (void *)1, GSTACK);
    tern_yield(); /* 1 runs first (runnext), then the rest in order */
    tern_go_stack(yielder, (void *)2, GSTACK);
    tern_go_stack(yielder, (void *)3, GSTACK);
    ASSERT_TRUE(wait_for(base));
    ASSERT_TRUE(norder == 9);
    EXPECT_EQ(order[0], 1);
    for (int id = 1; id <= 3; id++) {
        int n = 0;
        for (int i = 0; i < 9; i++)
            n += order[i] == id;
        EXPECT_EQ(n, 3);
    }
    for (int i = 1; i < 7; i++)
        EXPECT_TRUE(order[i] != order[i - 1]);
}

static void sleeper(void *arg)
{
    int ms = (int)(intptr_t)arg;
    int64_t t0 = tern_nanotime();

    tern_sleep((int64_t)ms * 1000000);
    if (tern_nanotime() - t0 >= (int64_t)ms * 1000000)
        record(ms);
    else
        record(-ms);
}

/* Sleepers wake in the order of their deadlines, never early, while
 * main keeps yielding. */
TEST(sched, sleepers_wake_in_order)
{
    uint32_t base = tern_numgoroutine();

    norder = 0;
    tern_go_stack(sleeper, (void *)30, GSTACK);
    tern_go_stack(sleeper, (void *)10, GSTACK);
    tern_go_stack(sleeper, (void *)20, GSTACK);
    tern_go_stack(sleeper, (void *)5, GSTACK);
    ASSERT_TRUE(wait_for(base));
    ASSERT_TRUE(norder == 4);
    EXPECT_EQ(order[0], 5);
    EXPECT_EQ(order[1], 10);
    EXPECT_EQ(order[2], 20);
    EXPECT_EQ(order[3], 30);
}

/* main sleeps with nothing else to run: the CPU idles until the tick. */
TEST(sched, sleep_when_alone)
{
    int64_t t0 = tern_nanotime();
    uint64_t k0 = tern_ticks();

    tern_sleep(15000000);
    EXPECT_TRUE(tern_nanotime() - t0 >= 15000000);
    EXPECT_TRUE(tern_ticks() - k0 >= 14);
}

static volatile int done_count;

static void quick(void *arg)
{
    (void)arg;
    unsigned long s = arch_irq_save();
    done_count++;
    arch_irq_restore(s);
}

/* Many short-lived goroutines: descriptors and stacks are reused, so the
 * heap does not grow with the number spawned. */
TEST(sched, many_goroutines_reuse_stacks)
{
    uint32_t base = tern_numgoroutine();

    done_count = 0;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 4; i++)
            ASSERT_TRUE(tern_go_stack(quick, NULL, GSTACK) > 0);
        ASSERT_TRUE(wait_for(base));
    }
    EXPECT_EQ(done_count, 200);
}

static void sleep_in_tick(void)
{
    tern_sleep(1000);
}

TEST_DEATH(sched, blocking_in_an_interrupt_is_fatal,
           "blocking call in an interrupt handler")
{
    time_set_tick_hook(sleep_in_tick);
    for (;;)
        ;
}

/* --- observability: the goroutine snapshot, counters, schedtrace --- */

static volatile int obs_stop;

/* Uses about 300 bytes of stack, then waits on the channel it is given. */
static void __attribute__((noinline)) deep_then_wait(void *arg)
{
    volatile char buf[300];
    int v;

    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)i;
    tern_chan_recv(arg, &v);
    (void)buf[0];
}

static const struct tern_goroutine *find(const struct tern_goroutine *g, int n,
                                         uint32_t id)
{
    for (int i = 0; i < n; i++)
        if (g[i].id == id)
            return &g[i];
    return NULL;
}

TEST(sched, goroutine_snapshot)
{
    struct tern_goroutine g[8];
    const struct tern_goroutine *me, *it;
    int id, n, one = 1;
    tern_chan *c = tern_chan_make(sizeof(int), 0);

    ASSERT_TRUE(c != NULL);
    id = tern_go_stack(deep_then_wait, c, GSTACK);
    ASSERT_TRUE(id > 0);
    tern_yield(); /* it runs, fills its buffer, waits */
    n = tern_goroutines(g, 8);
    ASSERT_TRUE(n >= 2);
    me = &g[0]; /* the caller first */
    EXPECT_EQ(me->id, tern_goid());
    EXPECT_TRUE(strcmp(me->state, "running") == 0);
    EXPECT_TRUE(me->stack_used > 0 && me->stack_used <= me->stack_hiwat);
    it = find(g, n, (uint32_t)id);
    ASSERT_TRUE(it != NULL);
    EXPECT_TRUE(strcmp(it->state, "chan receive") == 0);
    EXPECT_TRUE(it->fn == deep_then_wait);
    EXPECT_EQ(it->parent, tern_goid());
    EXPECT_TRUE(it->stack_size >= GSTACK);
    EXPECT_TRUE(it->stack_hiwat >= 300); /* its buffer, measured by paint */
    EXPECT_TRUE(it->stack_hiwat <= it->stack_size);
    EXPECT_TRUE(it->stack_used > 300 && it->stack_used <= it->stack_hiwat);
    EXPECT_TRUE(it->switches >= 1);
    tern_chan_send(c, &one);
    tern_yield(); /* it returns */
    EXPECT_TRUE(find(g, tern_goroutines(g, 8), (uint32_t)id) == NULL);
    tern_chan_free(c);
}

static volatile uint32_t obs_spins;

static void obs_spinner(void *arg)
{
    (void)arg;
    while (!obs_stop)
        obs_spins++;
}

TEST(sched, cpu_time_and_preemption_counters)
{
    struct tern_goroutine g[8];
    struct tern_sched_stats a, b;
    const struct tern_goroutine *s1, *s2;
    int id1, id2, n;

    obs_stop = 0;
    tern_sched_stats(&a);
    id1 = tern_go_stack(obs_spinner, NULL, GSTACK);
    id2 = tern_go_stack(obs_spinner, NULL, GSTACK);
    tern_sleep(50000000); /* 50 ms: the spinners share the CPU */
    n = tern_goroutines(g, 8);
    s1 = find(g, n, (uint32_t)id1);
    s2 = find(g, n, (uint32_t)id2);
    ASSERT_TRUE(s1 != NULL && s2 != NULL);
    /* each had about half of 50 ms, in ticks; allow QEMU's jitter */
    EXPECT_TRUE(s1->cpu_ns >= 10000000 && s2->cpu_ns >= 10000000);
    EXPECT_TRUE(s1->cpu_ns + s2->cpu_ns <= 80000000);
    EXPECT_TRUE(s1->preemptions >= 1 && s2->preemptions >= 1);
    obs_stop = 1;
    tern_sleep(2000000);
    tern_sleep(20000000); /* alone: the CPU idles */
    tern_sched_stats(&b);
    EXPECT_TRUE(b.preemptions - a.preemptions >= 2);
    EXPECT_TRUE(b.switches != a.switches);
    EXPECT_TRUE(b.busy_ns - a.busy_ns >= 30000000);
    EXPECT_TRUE(b.idle_ns - a.idle_ns >= 10000000);
}

TEST(sched, schedtrace_line)
{
    char line[160];
    int n = tern_schedtrace(line, sizeof line);

    EXPECT_TRUE(n > 0 && n < (int)sizeof line);
    EXPECT_TRUE(strncmp(line, "SCHED ", 6) == 0);
    EXPECT_TRUE(strstr(line, "ms: gomaxprocs=1 idleprocs=0 threads=1 ") !=
                NULL);
    EXPECT_TRUE(strstr(line, " runqueue=0 [") != NULL);
    tern_printf("%s\n", line);
}

/* Bad sizes: nothing written past what the caller gave. */
TEST(sched, snapshot_and_schedtrace_bounds)
{
    struct tern_goroutine g[2];
    char small[12];
    int n;

    memset(g, 0x5A, sizeof g);
    EXPECT_EQ(tern_goroutines(g, 0), 0);
    EXPECT_EQ(tern_goroutines(g, -3), 0);
    EXPECT_EQ(((unsigned char *)g)[0], 0x5A); /* untouched */
    EXPECT_EQ(tern_goroutines(g, 1), 1);      /* the caller only */
    EXPECT_EQ(g[0].id, tern_goid());
    EXPECT_EQ(((unsigned char *)&g[1])[0], 0x5A);
    memset(small, 'x', sizeof small);
    n = tern_schedtrace(small, 8);
    EXPECT_TRUE(n > 8);        /* the length it needed, as snprintf */
    EXPECT_EQ(small[7], '\0'); /* truncated, terminated */
    EXPECT_EQ(small[8], 'x');  /* and nothing past the size */
    EXPECT_TRUE(strncmp(small, "SCHED ", 6) == 0);
}
