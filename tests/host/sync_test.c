/*
 * tests/host/sync_test.c - RWMutex and Once on the host, under ASan/UBSan,
 * with real goroutines (the host port's ucontexts) and no interrupts: the
 * test itself plays the M's idle loop, and the goroutines yield where a
 * fixed-seed PRNG says.  Every schedule is deterministic, and a model of
 * Go's guarantees is checked at every step.  A stress test, not a
 * benchmark.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

#define ARENA_BYTES (8u << 20)
#define HOST_GSTACK (64u << 10) /* ASan's frames want more than a board's */

static uint8_t *arena;

/* A fresh heap and an empty scheduler on the test's thread: no
 * goroutines, m0 in its idle loop (curg NULL). */
static void sched_fresh(void)
{
    if (arena == NULL)
        arena = aligned_alloc(MM_PAGE_SIZE, ARENA_BYTES);
    mm_init_regions(
        &(struct mm_region){(uintptr_t)arena, (uintptr_t)arena + ARENA_BYTES},
        1);
    memset(&sched, 0, sizeof sched);
    memset(&p0, 0, sizeof p0);
    memset(&m0, 0, sizeof m0);
    m0.p = &p0;
    sched.slice_ns = 10000000;
}

static struct g *next_runnable(void)
{
    struct g *gp = p0.runnext;

    if (gp != NULL) {
        p0.runnext = NULL;
        return gp;
    }
    gp = runq_get(&p0);
    return gp != NULL ? gp : globrunq_get();
}

/* The idle loop, minus the sleeping: run goroutines until none can run.
 * Returns how many are left (parked for good: a deadlock). */
static uint32_t sched_run(void)
{
    unsigned long irq = arch_irq_save();
    struct g *gp;

    while ((gp = next_runnable()) != NULL) {
        gp->state = G_RUNNING;
        m0.curg = gp;
        arch_context_switch(&m0.g0, &gp->ctx); /* back when none can run */
    }
    arch_irq_restore(irq);
    return sched.ngoroutines;
}

static void go(void (*fn)(void *), void *arg)
{
    tern_assert(tern_go_stack(fn, arg, HOST_GSTACK) > 0);
}

/* --- RWMutex: random schedules against Go's guarantees --- */

#define NREADERS 4
#define NWRITERS 2
#define NITER    40

static struct tern_rwmutex rw;
static uint32_t seed;

/* The model: what the goroutines have done, updated as they do it. */
static struct {
    int rin, win;      /* readers, writers between (R)Lock and (R)Unlock */
    int wwaiting;      /* writers inside Lock, not yet returned */
    uint32_t wentries; /* Lock returns so far */
    uint32_t wunlocks; /* Unlock calls so far */
    struct {
        bool waiting;   /* inside RLock */
        uint32_t since; /* wunlocks when it called RLock */
    } r[NREADERS];
    /* how often each guarantee was put to the test: */
    int most_readers; /* readers in at once, at most */
    int kept_out;     /* readers that came while a writer waited */
    int waited_out;   /* writers that waited for a reader */
    int failed;       /* checks that failed */
} md;

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c) && md.failed++ < 5)                                           \
            test_fail(__FILE__, __LINE__, "seed %u: %s", seed, #c);            \
    } while (0)

static void maybe_yield(void)
{
    int n = (int)(test_rand(&seed) % 4);

    while (n-- > 1)
        tern_yield();
}

static void check_state(void)
{
    const char *err = rwmutex_verify(&rw);

    if (err != NULL && md.failed++ < 5)
        test_fail(__FILE__, __LINE__, "seed %u: rwmutex_verify: %s", seed, err);
}

static void reader(void *arg)
{
    int id = (int)(intptr_t)arg;

    for (int i = 0; i < NITER; i++) {
        maybe_yield();
        if (test_rand(&seed) % 4 == 0) {
            bool blocked = md.win > 0 || md.wwaiting > 0;
            if (tern_rwmutex_tryrlock(&rw)) {
                CHECK(!blocked);
            } else {
                CHECK(blocked);
                continue;
            }
        } else {
            /* a writer waits and none holds it: this reader must wait
             * until some writer has been in */
            bool writer_first = md.win == 0 && md.wwaiting > 0;
            uint32_t wentries = md.wentries;

            md.kept_out += writer_first;
            md.r[id].waiting = true;
            md.r[id].since = md.wunlocks;
            tern_rwmutex_rlock(&rw);
            md.r[id].waiting = false;
            CHECK(!writer_first || md.wentries > wentries);
        }
        CHECK(md.win == 0);
        if (++md.rin > md.most_readers)
            md.most_readers = md.rin;
        check_state();
        maybe_yield();
        CHECK(md.win == 0);
        md.rin--;
        tern_rwmutex_runlock(&rw);
        check_state();
    }
}

static void writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < NITER; i++) {
        maybe_yield();
        if (test_rand(&seed) % 4 == 0) {
            bool busy = md.rin > 0 || md.win > 0 || md.wwaiting > 0;
            for (int r = 0; r < NREADERS; r++)
                busy |= md.r[r].waiting; /* let in, not yet run */
            if (!tern_rwmutex_trylock(&rw)) {
                CHECK(busy);
                continue;
            }
        } else {
            md.waited_out += md.rin > 0;
            md.wwaiting++;
            tern_rwmutex_lock(&rw);
            md.wwaiting--;
        }
        CHECK(md.win == 0 && md.rin == 0);
        /* no reader still waits that was waiting at a writer's Unlock:
         * every Unlock lets in the readers queued behind it */
        for (int r = 0; r < NREADERS; r++)
            CHECK(!md.r[r].waiting || md.r[r].since == md.wunlocks);
        md.win++;
        md.wentries++;
        check_state();
        maybe_yield();
        CHECK(md.win == 1 && md.rin == 0);
        md.win--;
        md.wunlocks++;
        tern_rwmutex_unlock(&rw);
        check_state();
    }
}

TEST(rwmutex, random_schedules_keep_go_guarantees)
{
    int kept_out = 0, waited_out = 0, most = 0;

    sched_fresh();
    for (uint32_t s = 1; s <= 40; s++) {
        memset(&md, 0, sizeof md);
        memset(&rw, 0, sizeof rw);
        seed = s * 2654435761u;
        for (int i = 0; i < NWRITERS; i++)
            go(writer, NULL);
        for (int i = 0; i < NREADERS; i++)
            go(reader, (void *)(intptr_t)i);
        if (sched_run() != 0) {
            test_fail(__FILE__, __LINE__, "seed %u: deadlock", s);
            break;
        }
        EXPECT_EQ(rw.readers, 0);
        EXPECT_EQ(rw.writer, 0);
        EXPECT_TRUE(rwmutex_verify(&rw) == NULL);
        if (md.failed != 0)
            break;
        kept_out += md.kept_out;
        waited_out += md.waited_out;
        most = md.most_readers > most ? md.most_readers : most;
    }
    /* the schedules did reach the cases the checks are about */
    EXPECT_TRUE(kept_out > 10);
    EXPECT_TRUE(waited_out > 10);
    EXPECT_TRUE(most >= 3);
    sched_fresh();
}

static void rlock_then_lock(void *arg)
{
    (void)arg;
    tern_rwmutex_rlock(&rw);
    tern_rwmutex_lock(&rw);
}

/* A reader asking for the write lock waits for itself: the goroutine is
 * parked for good (on a board, the deadlock report). */
TEST(rwmutex, rlock_then_lock_never_returns)
{
    struct g *gp;

    sched_fresh();
    memset(&rw, 0, sizeof rw);
    go(rlock_then_lock, NULL);
    EXPECT_EQ(sched_run(), 1);
    gp = sched.allg;
    EXPECT_EQ(gp->state, G_WAITING);
    EXPECT_EQ(gp->waitreason, WAIT_RWMUTEX_W);
    EXPECT_TRUE(rw.whead == gp);
    EXPECT_TRUE(rwmutex_verify(&rw) == NULL);
    sched_fresh();
}

TEST_DEATH(rwmutex, runlock_of_unlocked, "sync: RUnlock of unlocked RWMutex")
{
    struct tern_rwmutex m = TERN_RWMUTEX_INIT;
    tern_rwmutex_runlock(&m);
}

TEST_DEATH(rwmutex, unlock_of_read_locked, "sync: Unlock of unlocked RWMutex")
{
    struct tern_rwmutex m = TERN_RWMUTEX_INIT;
    tern_rwmutex_rlock(&m);
    tern_rwmutex_unlock(&m);
}

/* --- Once --- */

static struct tern_once once;
static int once_calls, once_value, once_seen, once_waited;

static void init_value(void *arg)
{
    once_calls++;
    maybe_yield();
    maybe_yield();
    once_value = (int)(intptr_t)arg;
}

static void once_caller(void *arg)
{
    maybe_yield();
    once_waited += once.state == 1; /* fn is running: this one waits */
    tern_once_do(&once, init_value, arg);
    once_seen += once_value != 0;
    if (once_verify(&once) != NULL)
        test_fail(__FILE__, __LINE__, "once_verify: %s", once_verify(&once));
}

TEST(once, random_schedules_run_fn_once)
{
    sched_fresh();
    once_waited = 0;
    for (uint32_t s = 1; s <= 40; s++) {
        memset(&once, 0, sizeof once);
        once_calls = once_value = once_seen = 0;
        seed = s * 2654435761u;
        for (int i = 1; i <= 5; i++)
            go(once_caller, (void *)(intptr_t)i);
        ASSERT_TRUE(sched_run() == 0);
        EXPECT_EQ(once_calls, 1);
        EXPECT_EQ(once_seen, 5); /* nobody returned before fn had */
        EXPECT_TRUE(once_value >= 1 && once_value <= 5);
    }
    EXPECT_TRUE(once_waited > 10);
    sched_fresh();
}

static void recurse(void *arg)
{
    tern_once_do(arg, recurse, arg);
}

TEST_DEATH(once, recursive_do, "sync: Once.Do called recursively")
{
    struct tern_once o = TERN_ONCE_INIT;
    tern_once_do(&o, recurse, &o);
}
