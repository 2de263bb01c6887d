/*
 * kernel/time.h - the tick and monotonic time.  See kernel/time.c.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

#define TIME_TICK_HZ_DEFAULT 1000u

/* Start the tick at hz.  Interrupts masked.  Fatal if the board timer
 * cannot produce the default rate. */
void time_init(uint32_t hz);

/* The tick interrupt body: called by the board's timer handler, once per
 * period, in interrupt context. */
void time_tick(void);

/* Ticks since boot, low 32 bits: one load, for differences (the
 * scheduler's time slice). */
extern volatile uint32_t time_tick32;

/* Install fn to run on every tick, in interrupt context, after the tick
 * count advanced (the scheduler's preemption hook).  NULL removes it. */
void time_set_tick_hook(void (*fn)(void));

/* Nanoseconds in `counts` counts of a clock running at hz, without
 * overflow for any count a 64-bit counter reaches at up to 4 GHz. */
uint64_t time_counts_to_ns(uint64_t counts, uint32_t hz);

/* The timer period, in counts, that gives tick rate `hz` from a clock of
 * count_hz (rounded to nearest); 0 if hz is 0 or above count_hz. */
uint32_t time_period_for(uint32_t count_hz, uint32_t hz);

#endif /* KERNEL_TIME_H */
