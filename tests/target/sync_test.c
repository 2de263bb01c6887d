/*
 * tests/target/sync_test.c - Mutex, RWMutex, WaitGroup and Once, under
 * preemption.
 */
#include "arch/arch.h"
#include "kernel/time.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

#define GSTACK TEST_GSTACK

static struct tern_mutex mu = TERN_MUTEX_INIT;
static struct tern_waitgroup wg = TERN_WAITGROUP_INIT;
static volatile uint32_t shared;

/* A read-modify-write with a yield in the middle: without the mutex the
 * goroutines would lose each other's increments. */
static void incrementer(void *arg)
{
    int n = (int)(intptr_t)arg;

    for (int i = 0; i < n; i++) {
        tern_mutex_lock(&mu);
        uint32_t v = shared;
        tern_yield();
        shared = v + 1;
        tern_mutex_unlock(&mu);
    }
    tern_waitgroup_done(&wg);
}

TEST(sync, mutex_keeps_increments)
{
    shared = 0;
    tern_waitgroup_add(&wg, 3);
    for (int i = 0; i < 3; i++)
        ASSERT_TRUE(tern_go_stack(incrementer, (void *)200, GSTACK) > 0);
    tern_waitgroup_wait(&wg);
    EXPECT_EQ(shared, 600);
    EXPECT_TRUE(tern_mutex_trylock(&mu));
    EXPECT_TRUE(!tern_mutex_trylock(&mu));
    tern_mutex_unlock(&mu);
}

static void napper(void *arg)
{
    tern_sleep((int64_t)(intptr_t)arg * 1000000);
    tern_waitgroup_done(&wg);
}

TEST(sync, waitgroup_waits_for_all)
{
    int64_t t0 = tern_nanotime();

    tern_waitgroup_add(&wg, 4);
    for (int i = 1; i <= 4; i++)
        tern_go_stack(napper, (void *)(intptr_t)(3 * i), GSTACK);
    tern_waitgroup_wait(&wg);
    EXPECT_TRUE(tern_nanotime() - t0 >= 12000000);
    EXPECT_EQ(wg.count, 0);
    tern_waitgroup_wait(&wg); /* zero: returns at once */
}

TEST_DEATH(sync, unlock_of_unlocked, "sync: unlock of unlocked mutex")
{
    struct tern_mutex m = TERN_MUTEX_INIT;
    tern_mutex_unlock(&m);
}

TEST_DEATH(sync, lock_twice_deadlocks, "all goroutines are asleep - deadlock!")
{
    struct tern_mutex m = TERN_MUTEX_INIT;
    tern_mutex_lock(&m);
    tern_mutex_lock(&m);
}

TEST_DEATH(sync, negative_waitgroup, "sync: negative WaitGroup counter")
{
    struct tern_waitgroup w = TERN_WAITGROUP_INIT;
    tern_waitgroup_done(&w);
}

/* --- RWMutex --- */

static struct tern_rwmutex rw = TERN_RWMUTEX_INIT;
static volatile int readers_in, writers_in, most_readers, violations;
static volatile int stop, release;
static char entries[16]; /* who got in, in order: 'R' or 'W' */
static volatile int nentries;

static void note_entry(char who)
{
    unsigned long s = arch_irq_save();

    if (nentries < (int)sizeof entries)
        entries[nentries++] = who;
    arch_irq_restore(s);
}

static void enter_read(void)
{
    unsigned long s = arch_irq_save();

    if (writers_in != 0)
        violations++;
    if (++readers_in > most_readers)
        most_readers = readers_in;
    arch_irq_restore(s);
}

static void leave_read(void)
{
    unsigned long s = arch_irq_save();

    readers_in--;
    arch_irq_restore(s);
}

static void enter_write(void)
{
    unsigned long s = arch_irq_save();

    if (writers_in != 0 || readers_in != 0)
        violations++;
    writers_in = 1;
    arch_irq_restore(s);
}

static void leave_write(void)
{
    writers_in = 0;
}

/* Yield until cond() holds or a second passes. */
static bool yield_until(bool (*cond)(void))
{
    int64_t end = tern_nanotime() + 1000000000;

    while (!cond() && tern_nanotime() < end)
        tern_yield();
    return cond();
}

static void rw_reset(void)
{
    rw = (struct tern_rwmutex)TERN_RWMUTEX_INIT;
    readers_in = writers_in = most_readers = violations = 0;
    stop = release = 0;
    nentries = 0;
}

/* A reader that holds the lock until main sets release. */
static void holding_reader(void *arg)
{
    (void)arg;
    tern_rwmutex_rlock(&rw);
    note_entry('R');
    enter_read();
    while (!release)
        tern_yield();
    leave_read();
    tern_rwmutex_runlock(&rw);
    tern_waitgroup_done(&wg);
}

static bool three_readers_in(void)
{
    return readers_in == 3;
}

TEST(rwmutex, readers_share)
{
    rw_reset();
    tern_waitgroup_add(&wg, 3);
    for (int i = 0; i < 3; i++)
        ASSERT_TRUE(tern_go_stack(holding_reader, NULL, GSTACK) > 0);
    EXPECT_TRUE(yield_until(three_readers_in)); /* all three at once */
    EXPECT_EQ(rw.readers, 3);
    EXPECT_TRUE(tern_rwmutex_tryrlock(&rw)); /* a fourth */
    tern_rwmutex_runlock(&rw);
    EXPECT_TRUE(!tern_rwmutex_trylock(&rw));
    EXPECT_TRUE(rwmutex_verify(&rw) == NULL);
    release = 1;
    tern_waitgroup_wait(&wg);
    EXPECT_EQ(rw.readers, 0);
    EXPECT_EQ(violations, 0);
    EXPECT_TRUE(tern_rwmutex_trylock(&rw)); /* free again */
    tern_rwmutex_unlock(&rw);
}

/* Busy work the tick can preempt in the middle of. */
static void spin(int n)
{
    for (volatile int i = 0; i < n; i++)
        ;
}

static volatile uint32_t x, y; /* a writer keeps x == y */
static volatile uint32_t nreads;

static void loaded_writer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; !stop; i++) {
        tern_rwmutex_lock(&rw);
        enter_write();
        x++;
        spin(50);
        if (i % 4 == 0)
            tern_yield(); /* the readers run, and must stay out */
        y++;
        leave_write();
        tern_rwmutex_unlock(&rw);
        spin(20);
    }
    tern_waitgroup_done(&wg);
}

static void loaded_reader(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; !stop; i++) {
        tern_rwmutex_rlock(&rw);
        enter_read();
        if (x != y)
            violations++;
        spin(50);
        if (i % 3 == 0)
            tern_yield(); /* the other readers run; writers wait */
        if (x != y)
            violations++;
        leave_read();
        nreads++;
        tern_rwmutex_runlock(&rw);
        spin(10);
    }
    tern_waitgroup_done(&wg);
}

/* Two writers and three readers in tight loops, preempted by a 1 ms time
 * slice and yielding inside their critical sections: a writer is always
 * alone, readers overlap. */
TEST(rwmutex, writer_excludes_under_load)
{
    uint64_t pre = tern_preemptions();

    rw_reset();
    x = y = nreads = 0;
    tern_set_timeslice(1000000);
    tern_waitgroup_add(&wg, 5);
    for (int i = 0; i < 2; i++)
        ASSERT_TRUE(tern_go_stack(loaded_writer, NULL, GSTACK) > 0);
    for (int i = 0; i < 3; i++)
        ASSERT_TRUE(tern_go_stack(loaded_reader, NULL, GSTACK) > 0);
    tern_sleep(50000000);
    stop = 1;
    tern_waitgroup_wait(&wg);
    tern_set_timeslice(0);
    EXPECT_EQ(violations, 0);
    EXPECT_EQ(x, y);
    EXPECT_TRUE(x > 10);
    EXPECT_TRUE(nreads > 10);
    EXPECT_TRUE(most_readers >= 2);
    EXPECT_TRUE(tern_preemptions() - pre > 0);
    EXPECT_TRUE(rwmutex_verify(&rw) == NULL);
    EXPECT_TRUE(tern_rwmutex_trylock(&rw));
    tern_rwmutex_unlock(&rw);
}

/* Takes the write lock, notes it, lets the others run, leaves. */
static void quick_writer(void *arg)
{
    (void)arg;
    tern_rwmutex_lock(&rw);
    note_entry('W');
    enter_write();
    tern_yield();
    leave_write();
    tern_rwmutex_unlock(&rw);
    tern_waitgroup_done(&wg);
}

/* Takes a read lock, notes it, lets the others run, leaves. */
static void quick_reader(void *arg)
{
    (void)arg;
    tern_rwmutex_rlock(&rw);
    note_entry('R');
    enter_read();
    tern_yield();
    tern_yield();
    leave_read();
    tern_rwmutex_runlock(&rw);
    tern_waitgroup_done(&wg);
}

/* Start fn and let it run until it blocks (or ends). */
static void start(void (*fn)(void *))
{
    tern_assert(tern_go_stack(fn, NULL, GSTACK) > 0);
    tern_yield();
}

/* main reads; a writer comes and waits; a reader after it must wait too,
 * and gets in only after the writer. */
TEST(rwmutex, waiting_writer_blocks_new_readers)
{
    rw_reset();
    tern_waitgroup_add(&wg, 2);
    tern_rwmutex_rlock(&rw);
    start(quick_writer);
    EXPECT_EQ(nentries, 0); /* the writer waits for main */
    EXPECT_TRUE(!tern_rwmutex_tryrlock(&rw));
    start(quick_reader);
    for (int i = 0; i < 5; i++)
        tern_yield();
    EXPECT_EQ(nentries, 0); /* the reader waits behind the writer */
    EXPECT_EQ(rw.readers, 1);
    EXPECT_TRUE(rwmutex_verify(&rw) == NULL);
    tern_rwmutex_runlock(&rw); /* the writer gets it, then the reader */
    tern_waitgroup_wait(&wg);
    EXPECT_EQ(nentries, 2);
    EXPECT_TRUE(entries[0] == 'W' && entries[1] == 'R');
    EXPECT_EQ(violations, 0);
}

/* main writes; readers R1 R2, then writer W2, then R3 queue up.  main's
 * Unlock lets all three readers in at once; W2 waits for them; a reader R4
 * that comes after the Unlock waits for W2: R R R W R. */
TEST(rwmutex, queued_readers_go_before_next_writer)
{
    rw_reset();
    tern_waitgroup_add(&wg, 5);
    tern_rwmutex_lock(&rw);
    start(quick_reader);
    start(quick_reader);
    start(quick_writer);
    start(quick_reader);
    EXPECT_EQ(nentries, 0);
    EXPECT_TRUE(rwmutex_verify(&rw) == NULL);
    tern_rwmutex_unlock(&rw);
    EXPECT_EQ(rw.readers, 3); /* handed over before any of them ran */
    EXPECT_EQ(rw.writer, 0);
    EXPECT_TRUE(!tern_rwmutex_tryrlock(&rw)); /* W2 waits: no newcomers */
    start(quick_reader);
    tern_waitgroup_wait(&wg);
    EXPECT_EQ(nentries, 5);
    entries[nentries < (int)sizeof entries ? nentries : 0] = '\0';
    EXPECT_STREQ(entries, "RRRWR");
    EXPECT_TRUE(most_readers == 3);
    EXPECT_EQ(violations, 0);
    EXPECT_TRUE(rwmutex_verify(&rw) == NULL);
}

TEST(rwmutex, try_variants)
{
    struct tern_rwmutex m; /* the zero value is unlocked */

    for (size_t i = 0; i < sizeof m; i++)
        ((volatile char *)&m)[i] = 0;
    EXPECT_TRUE(tern_rwmutex_tryrlock(&m));
    EXPECT_TRUE(tern_rwmutex_tryrlock(&m));
    EXPECT_TRUE(!tern_rwmutex_trylock(&m)); /* readers in */
    tern_rwmutex_runlock(&m);
    EXPECT_TRUE(!tern_rwmutex_trylock(&m)); /* one reader left */
    tern_rwmutex_runlock(&m);
    EXPECT_TRUE(tern_rwmutex_trylock(&m));
    EXPECT_TRUE(!tern_rwmutex_trylock(&m)); /* a writer in */
    EXPECT_TRUE(!tern_rwmutex_tryrlock(&m));
    EXPECT_TRUE(rwmutex_verify(&m) == NULL);
    tern_rwmutex_unlock(&m);
    tern_rwmutex_rlock(&m); /* uncontended: no wait */
    tern_rwmutex_runlock(&m);
    tern_rwmutex_lock(&m);
    tern_rwmutex_unlock(&m);
    EXPECT_TRUE(rwmutex_verify(&m) == NULL);
    EXPECT_EQ(m.readers, 0);
    EXPECT_EQ(m.writer, 0);
}

TEST_DEATH(rwmutex, runlock_of_unlocked, "sync: RUnlock of unlocked RWMutex")
{
    struct tern_rwmutex m = TERN_RWMUTEX_INIT;
    tern_rwmutex_runlock(&m);
}

TEST_DEATH(rwmutex, runlock_of_write_locked,
           "sync: RUnlock of unlocked RWMutex")
{
    struct tern_rwmutex m = TERN_RWMUTEX_INIT;
    tern_rwmutex_lock(&m);
    tern_rwmutex_runlock(&m);
}

TEST_DEATH(rwmutex, unlock_of_unlocked, "sync: Unlock of unlocked RWMutex")
{
    struct tern_rwmutex m = TERN_RWMUTEX_INIT;
    tern_rwmutex_unlock(&m);
}

TEST_DEATH(rwmutex, unlock_of_read_locked, "sync: Unlock of unlocked RWMutex")
{
    struct tern_rwmutex m = TERN_RWMUTEX_INIT;
    tern_rwmutex_rlock(&m);
    tern_rwmutex_unlock(&m);
}

TEST_DEATH(rwmutex, rlock_then_lock_deadlocks,
           "all goroutines are asleep - deadlock!")
{
    struct tern_rwmutex m = TERN_RWMUTEX_INIT;
    tern_rwmutex_rlock(&m);
    tern_rwmutex_lock(&m);
}

static void lock_in_tick(void)
{
    tern_rwmutex_rlock(&rw); /* main holds the write lock: would block */
}

TEST_DEATH(rwmutex, blocking_in_an_interrupt_is_fatal,
           "blocking call in an interrupt handler")
{
    tern_rwmutex_lock(&rw);
    time_set_tick_hook(lock_in_tick);
    for (;;)
        ;
}

/* --- Once --- */

static struct tern_once once = TERN_ONCE_INIT;
static volatile int once_calls, once_value, once_seen;

/* Slow to finish: yields and sleeps, so the other callers arrive and
 * wait meanwhile. */
static void slow_init(void *arg)
{
    once_calls++;
    for (int i = 0; i < 5; i++)
        tern_yield();
    tern_sleep(2000000);
    once_value = (int)(intptr_t)arg;
}

static void once_caller(void *arg)
{
    tern_once_do(&once, slow_init, arg);
    if (once_value == 42) { /* fn has returned, whoever ran it */
        unsigned long s = arch_irq_save();
        once_seen++;
        arch_irq_restore(s);
    }
    tern_waitgroup_done(&wg);
}

TEST(once, runs_once_and_callers_wait)
{
    once = (struct tern_once)TERN_ONCE_INIT;
    once_calls = once_value = once_seen = 0;
    tern_waitgroup_add(&wg, 4);
    for (int i = 0; i < 4; i++)
        ASSERT_TRUE(tern_go_stack(once_caller, (void *)42, GSTACK) > 0);
    tern_yield(); /* the first runs slow_init; the others wait */
    EXPECT_TRUE(once_verify(&once) == NULL);
    tern_once_do(&once, slow_init, (void *)7); /* main waits too */
    EXPECT_EQ(once_value, 42);
    tern_waitgroup_wait(&wg);
    EXPECT_EQ(once_calls, 1);
    EXPECT_EQ(once_seen, 4);
    tern_once_do(&once, slow_init, (void *)7); /* done: no call */
    EXPECT_EQ(once_calls, 1);
    EXPECT_EQ(once_value, 42);
    EXPECT_TRUE(once_verify(&once) == NULL);
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
