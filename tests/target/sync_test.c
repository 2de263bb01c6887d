/*
 * tests/target/sync_test.c - Mutex and WaitGroup, under preemption.
 */
#include "tests/harness/test.h"

#define GSTACK 512

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
