/*
 * tests/bench/switch_bench.c - sched.raw_switch: a bare switch between two
 * contexts, no scheduler: the in-image floor for every scheduler figure
 * (../shared/BENCH.md).
 */
#include "mm/mm.h"
#include "tests/bench/bench.h"
#include "tern.h"

static struct arch_context main_ctx, peer_ctx;

static void peer(void *arg)
{
    (void)arg;
    for (;;)
        arch_context_switch(&peer_ctx, &main_ctx);
}

void bench_switch(void)
{
    void *stack = mm_stack_alloc(2048);
    uint64_t total;
    const int n = 500;

    tern_assert(stack != NULL);
    arch_context_init(&peer_ctx, stack, 2048, peer, NULL);
    arch_context_switch(&main_ctx, &peer_ctx); /* warm */
    BENCH_ONE(total, for (int i = 0; i < n; i++)
                         arch_context_switch(&main_ctx, &peer_ctx));
    /* each iteration is two switches: there and back */
    bench_report("sched.raw_switch", total / (2 * (uint64_t)n), "insns", NULL,
                 0);
    mm_stack_free(stack);
}
