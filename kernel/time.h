/*
 * kernel/time.h - the tick, tickless idle and monotonic time.  See
 * kernel/time.c.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define TIME_TICK_HZ_DEFAULT 1000u

/* Start the tick at hz.  Interrupts masked.  Fatal if the board timer
 * cannot produce the default rate. */
void time_init(uint32_t hz);

/* The tick interrupt body: called by the board's timer handler, in
 * interrupt context, once per timer interrupt (normally once per period;
 * once per stretched span in tickless idle). */
void time_tick(void);

/* Ticks since boot, low 32 bits: one load, for differences (the
 * scheduler's time slice). */
extern volatile uint32_t time_tick32;

/* Install fn as the tick hook (the scheduler's: wake sleepers, fire
 * timers, preempt); NULL removes it.  It runs after the tick count and
 * nanotime advanced, with interrupts masked: in the timer's interrupt
 * handler, or in thread context from time_idle.  It runs once per timer
 * interrupt or idle wake-up in which at least one tick period elapsed -
 * NOT once per period: after a tickless idle of 200 periods it runs once.
 * So it must decide by comparing times (tern_nanotime against a
 * deadline), never by counting its calls.  A hook that does need every
 * period turns tickless idle off (time_set_tickless). */
void time_set_tick_hook(void (*fn)(void));

/* Idle until an interrupt arrives or until nanotime `deadline` (INT64_MAX:
 * no deadline), with the periodic tick stopped meanwhile where the board
 * allows (one timer interrupt at the deadline instead of one per period).
 * Pre: interrupts masked (arch_irq_save); returns with them still masked,
 * like arch_wait_irq, so the caller can check its condition and sleep
 * without a lost wake-up.  On return, time_tick32 / the tick count and
 * tern_nanotime() have advanced by the time slept (never backwards,
 * never jumping), and the tick hook has been called if at least one tick
 * period elapsed (so due timers fire).  The periodic tick is running
 * again on return.  Cost: O(1) with interrupts masked, plus the hook. */
void time_idle(int64_t deadline);

/* time_idle in its two halves, for tests that play an early wake-up by
 * hand.  time_idle_begin stretches the tick towards deadline and returns
 * the span the board armed (counts from the current period's start; 0:
 * it did not stretch, the tick stays periodic).  time_idle_end restores
 * the periodic tick, accounts the time elapsed and calls the hook if a
 * period passed.  Both with interrupts masked; time_idle is begin,
 * arch_wait_irq until the span's boundary is taken or another interrupt
 * arrives, end. */
uint32_t time_idle_begin(int64_t deadline);
void time_idle_end(void);

/* Tickless idle on (the default) or off (time_idle is then arch_wait_irq,
 * a tick every period).  Returns the previous setting. */
bool time_set_tickless(bool on);

/* Timer interrupts taken since boot (in the handler, or by time_idle on
 * waking): for tests and statistics. */
uint32_t time_timer_irqs(void);

/* --- the arithmetic, pure (host-tested) --- */

/* Nanoseconds in `counts` counts of a clock running at hz, rounded down,
 * without overflow for any count a 64-bit counter reaches at up to 4 GHz. */
uint64_t time_counts_to_ns(uint64_t counts, uint32_t hz);

/* Counts of a clock at hz in ns nanoseconds, rounded up, so that
 * time_counts_to_ns(time_ns_to_counts(ns, hz), hz) >= ns; saturates at
 * UINT64_MAX. */
uint64_t time_ns_to_counts(uint64_t ns, uint32_t hz);

/* The timer period, in counts, that gives tick rate `hz` from a clock of
 * count_hz (rounded to nearest); 0 if hz is 0 or above count_hz. */
uint32_t time_period_for(uint32_t count_hz, uint32_t hz);

/* Longest idle span time.c asks a board for, in counts. */
#define TIME_IDLE_SPAN_MAX 0x7FFFFFFFu

/* The idle span for a deadline `due` counts after the current period's
 * start: whole periods up to the first boundary at or after it, at most
 * TIME_IDLE_SPAN_MAX (0 if due is 0). */
uint32_t time_idle_span(uint64_t due, uint32_t period);

/* Add `counts` to *frac (counts past the last tick boundary, < period)
 * and carry whole periods out: returns how many, leaves *frac < period. */
uint32_t time_carry(uint32_t *frac, uint32_t counts, uint32_t period);

#endif /* KERNEL_TIME_H */
