/*
 * tests/bench/sched_bench.c - scheduler figures (../shared/BENCH.md):
 *
 *   sched.yield   a tern_yield among 5 goroutines, per yield (each yield
 *                 is one switch to the next goroutine in the ring)
 *   go.spawn      tern_go + the new goroutine running an empty function
 *                 + its exit + the switch back, descriptor and stack reused
 *   go.g_bytes    bytes of a goroutine descriptor (struct g)
 *   sync.mutex    uncontended lock + unlock
 *   sync.rwmutex  uncontended read lock + read unlock
 *   sync.once     a Once's Do after the first (fn already done)
 *
 * Measured with interrupts masked, so no tick (and no preemption) lands in
 * the window; the goroutines run with the mask as the measuring one left it.
 */
#include "sched/sched.h"
#include "tests/bench/bench.h"
#include "tern.h"

static volatile int yield_stop;

static void yielder(void *arg)
{
    (void)arg;
    while (!yield_stop)
        tern_yield();
}

static void empty(void *arg)
{
    (void)arg;
}

void bench_sched(void)
{
    const int n = 200;
    uint64_t t;

    yield_stop = 0;
    for (int i = 0; i < 4; i++)
        tern_go_stack(yielder, NULL, 1024);
    tern_yield(); /* all four start and park in tern_yield */
    tern_yield();
    BENCH_ONE(t, for (int i = 0; i < n; i++) tern_yield());
    /* each of main's yields is five yields, one per goroutine */
    bench_report("sched.yield", t / (5 * (uint64_t)n), "insns", NULL, 0);
    yield_stop = 1;
    while (tern_numgoroutine() > 1)
        tern_yield();

    tern_go_stack(empty, NULL, 1024); /* warm: a dead G to reuse */
    tern_yield();
    BENCH_ONE(
        t, for (int i = 0; i < n; i++) {
            tern_go_stack(empty, NULL, 1024);
            tern_yield();
        });
    bench_report("go.spawn", t / (uint64_t)n, "insns", NULL, 0);
    tern_printf("BENCH go.g_bytes %u bytes\n", (unsigned)sizeof(struct g));

    {
        static struct tern_mutex mu = TERN_MUTEX_INIT;
        BENCH_ONE(
            t, for (int i = 0; i < n; i++) {
                tern_mutex_lock(&mu);
                tern_mutex_unlock(&mu);
            });
        bench_report("sync.mutex", t / (uint64_t)n, "insns", NULL, 0);
    }
    {
        static struct tern_rwmutex rw = TERN_RWMUTEX_INIT;
        BENCH_ONE(
            t, for (int i = 0; i < n; i++) {
                tern_rwmutex_rlock(&rw);
                tern_rwmutex_runlock(&rw);
            });
        bench_report("sync.rwmutex", t / (uint64_t)n, "insns", NULL, 0);
    }
    {
        static struct tern_once once = TERN_ONCE_INIT;
        tern_once_do(&once, empty, NULL);
        BENCH_ONE(t,
                  for (int i = 0; i < n; i++) tern_once_do(&once, empty, NULL));
        bench_report("sync.once", t / (uint64_t)n, "insns", NULL, 0);
    }
}
