/*
 * tests/bench/bench.h - measuring instructions on the board, under QEMU's
 * deterministic -icount (tools/run-bench passes the shift on the boot
 * command line as "icount=N": one instruction is 2^N virtual ns).
 *
 * The tick timer is slowed to its longest period while benchmarks run, and
 * each measured section runs with interrupts masked, so no tick lands in
 * it.  A measurement is timer counts converted to instructions, minus the
 * cost of an empty measurement.  Figures are deterministic: the same image
 * gives the same numbers on every run.
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "kernel/board.h"

/* Prepare the clock (slow tick, conversion factors).  Returns 0, or -1 if
 * the board's timer is too coarse for per-operation figures. */
int bench_init(void);
void bench_fini(void);

/* Timer counts now (wrapping at the tick period); interrupts masked. */
static inline uint32_t bench_counts(void)
{
    return board_timer_elapsed();
}

/* Counts from a to b, allowing one wrap. */
uint32_t bench_delta(uint32_t a, uint32_t b);

/* Instructions x 100 for d counts, minus the empty-measurement cost. */
uint64_t bench_insns100(uint32_t d);

/* The empty measurement's counts (bench_insns100(d + it): d unreduced). */
uint32_t bench_overhead(void);

/* Instructions x 100 in ns nanoseconds of virtual time (no overhead
 * subtracted): for spans too long for bench_counts. */
uint64_t bench_ns_insns100(int64_t ns);

/* Virtual nanoseconds per instruction: 2^(the icount shift). */
uint32_t bench_ns_per_insn(void);

/* Print "BENCH id value unit [vs base value ratio r]"; values are
 * instructions x 100 (printed with two decimals); base may be NULL. */
void bench_report(const char *id, uint64_t v100, const char *unit,
                  const char *base, uint64_t b100);

/* Measure one statement: *out += its instructions x 100. */
#define BENCH_ONE(out, stmt)                                                   \
    do {                                                                       \
        unsigned long s_ = arch_irq_save();                                    \
        uint32_t a_ = bench_counts();                                          \
        stmt;                                                                  \
        uint32_t b_ = bench_counts();                                          \
        arch_irq_restore(s_);                                                  \
        (out) = bench_insns100(bench_delta(a_, b_));                           \
    } while (0)

#if defined(BENCH_NEWLIB)
/* newlib-nano's malloc and free over an arena (tests/bench/nano.c):
 * bench_nano_reset starts them over an empty one of size bytes. */
void bench_nano_reset(uint8_t *arena, size_t size);
void *bench_nano_malloc(size_t n);
void bench_nano_free(void *p);
#endif

void bench_alloc(void);
void bench_alloc_util(void);
void bench_switch(void);
void bench_sched(void);
void bench_chan(void);
void bench_irq(void);
void bench_gc(void);

#endif /* TESTS_BENCH_BENCH_H */
