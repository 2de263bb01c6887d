/*
 * tests/bench/irq_bench.c - interrupt figures (../shared/BENCH.md):
 *
 *   sched.irq_preempt  an interrupt readies a goroutine that then runs:
 *                      from the instruction before the interrupt
 *                      (arch_soft_irq) to the woken goroutine's first
 *                      instruction after its note sleep returns; the
 *                      goroutine the interrupt landed on is preempted.
 *   irq.off_max        the longest time an interrupt waited to be taken
 *                      while the scheduler, channel, sync and allocator
 *                      workloads ran: a 20 kHz tick samples its own
 *                      latency (timer counts since it became pending),
 *                      minus the smallest latency seen (the entry path's
 *                      fixed cost), so what is left is the longest
 *                      interrupts-masked section the tick ran into (or a
 *                      higher-priority handler).  A sampled maximum: with
 *                      thousands of samples at a period prime to the
 *                      loops, every masked section is hit at many phases.
 */
#include <stdlib.h>

#include "kernel/time.h"
#include "sched/sched.h"
#include "tests/bench/bench.h"
#include "tern.h"

static struct tern_note bnote = TERN_NOTE_INIT;
static volatile uint32_t t_woke;
static volatile int woken_stop;

static void wake_bnote(void)
{
    tern_note_wakeup(&bnote);
}

static void woken(void *arg)
{
    (void)arg;
    while (!woken_stop) {
        tern_note_sleep(&bnote, -1);
        t_woke = bench_counts();
    }
}

static void bench_irq_preempt(void)
{
    const int n = 100;
    uint64_t sum = 0;

    woken_stop = 0;
    arch_soft_irq_set(wake_bnote);
    tern_go_stack(woken, NULL, 1024);
    tern_yield();    /* it parks on the note */
    arch_soft_irq(); /* warm */
    for (int i = 0; i < n; i++) {
        uint32_t t0 = bench_counts();

        arch_soft_irq(); /* returns after the woken goroutine parks again */
        sum += bench_insns100(bench_delta(t0, t_woke));
    }
    bench_report("sched.irq_preempt", sum / (uint64_t)n, "insns", NULL, 0);
    woken_stop = 1;
    arch_soft_irq();
    while (tern_numgoroutine() > 1)
        tern_yield();
}

/* --- irq.off_max --- */

static volatile uint32_t lat_min = UINT32_MAX, lat_max, lat_samples;

static void sampling_tick(void)
{
    uint32_t late = board_timer_elapsed(); /* counts since it was pended */

    if (late < lat_min)
        lat_min = late;
    if (late > lat_max)
        lat_max = late;
    lat_samples++;
    sched_tick();
}

static volatile int work_stop;

static void yielder(void *arg)
{
    (void)arg;
    while (!work_stop)
        tern_yield();
}

static void ponger(void *arg)
{
    tern_chan *c = arg;
    int v;

    while (tern_chan_recv(c, &v))
        tern_chan_send(c, &v);
}

static void nothing(void *arg)
{
    (void)arg;
}

static void workloads(void)
{
    tern_chan *c = tern_chan_make(sizeof(int), 0);
    tern_chan *b = tern_chan_make(sizeof(int), 4);
    struct tern_mutex mu = TERN_MUTEX_INIT;
    void *live[64] = {0};
    uint32_t seed = 1;

    work_stop = 0;
    for (int i = 0; i < 4; i++)
        tern_go_stack(yielder, NULL, 1024);
    for (int i = 0; i < 2000; i++)
        tern_yield();
    work_stop = 1;
    while (tern_numgoroutine() > 1)
        tern_yield();

    tern_go_stack(ponger, c, 1024);
    for (int i = 0; i < 2000; i++) {
        int v = i;
        tern_chan_send(c, &v);
        tern_chan_recv(c, &v);
        tern_chan_trysend(b, &v);
        tern_chan_tryrecv(b, &v);
    }
    tern_chan_close(c);
    for (int i = 0; i < 500; i++) {
        tern_go_stack(nothing, NULL, 1024);
        tern_yield();
        tern_mutex_lock(&mu);
        tern_mutex_unlock(&mu);
    }
    for (int i = 0; i < 5000; i++) {
        int k;

        seed = seed * 1103515245u + 12345u;
        k = (int)((seed >> 16) % 64);
        free(live[k]);
        live[k] = malloc(16 + (seed >> 8) % 1009);
    }
    for (int k = 0; k < 64; k++)
        free(live[k]);
    for (int i = 0; i < 20; i++) { /* large objects: runs of pages */
        void *big = malloc(64 * 1024);
        free(big);
    }
    while (tern_numgoroutine() > 1)
        tern_yield();
    tern_chan_free(c);
    tern_chan_free(b);
}

static void bench_irq_off(void)
{
    uint32_t hz = tern_tick_hz();

    if (tern_tick_set_hz(20000) != 0)
        return;
    lat_min = UINT32_MAX;
    lat_max = lat_samples = 0;
    time_set_tick_hook(sampling_tick);
    workloads();
    time_set_tick_hook(sched_tick);
    tern_tick_set_hz(hz);
    tern_printf("bench: irq.off_max from %lu tick samples\n",
                (unsigned long)lat_samples);
    bench_report("irq.off_max",
                 bench_insns100(lat_max - lat_min + bench_overhead()), "insns",
                 NULL, 0);
}

void bench_irq(void)
{
    bench_irq_preempt();
    bench_irq_off();
}
