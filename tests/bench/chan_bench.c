/*
 * tests/bench/chan_bench.c - channel figures (../shared/BENCH.md):
 *
 *   chan.buffered   send + receive of a 16-byte element on a buffered
 *                   channel, same goroutine (ThreadX queue: 124)
 *   chan.pingpong   unbuffered round trip between two goroutines
 *                   (goal: <= 2 x sched.yield + 80)
 */
#include "tests/bench/bench.h"
#include "tern.h"

static tern_chan *ping, *pong;

static void ponger(void *arg)
{
    int v;

    (void)arg;
    while (tern_chan_recv(ping, &v))
        tern_chan_send(pong, &v);
}

void bench_chan(void)
{
    const int n = 200;
    uint8_t elem[16] = {1};
    tern_chan *c = tern_chan_make(sizeof elem, 4);
    uint64_t t;
    int v = 0;

    tern_assert(c != NULL);
    tern_chan_send(c, elem); /* warm */
    tern_chan_recv(c, elem);
    BENCH_ONE(
        t, for (int i = 0; i < n; i++) {
            tern_chan_send(c, elem);
            tern_chan_recv(c, elem);
        });
    bench_report("chan.buffered", t / (uint64_t)n, "insns", NULL, 0);
    tern_free(c);

    ping = tern_chan_make(sizeof(int), 0);
    pong = tern_chan_make(sizeof(int), 0);
    tern_assert(ping && pong);
    tern_go_stack(ponger, NULL, 1024);
    tern_chan_send(ping, &v); /* warm: the ponger is parked in recv */
    tern_chan_recv(pong, &v);
    BENCH_ONE(
        t, for (int i = 0; i < n; i++) {
            tern_chan_send(ping, &v);
            tern_chan_recv(pong, &v);
        });
    bench_report("chan.pingpong", t / (uint64_t)n, "insns", NULL, 0);
    tern_chan_close(ping);
    while (tern_numgoroutine() > 1)
        tern_yield();
}
