/*
 * kernel/board.h - what every board folder provides.
 *
 * A board is data plus a few drivers: boards/<b>/board.mk (arch, CPU flags,
 * QEMU line, clock, page size), boards/<b>/memory.ld (the MEMORY block and
 * the symbols of extra RAM regions) and boards/<b>/board.c, which
 * implements the functions below.  The tick timer may instead come from
 * an arch driver named in board.mk (arch/cortex-m/systick.c implements the
 * board_timer_* functions for every board whose core has a SysTick).
 *
 * Board macros from board.mk (-D): BOARD_NAME (string), BOARD_CPU_HZ.
 */
#ifndef KERNEL_BOARD_H
#define KERNEL_BOARD_H

#include <stdbool.h>
#include <stdint.h>

/* Clocks, pins, anything needed before the console.  Interrupts masked. */
void board_init(void);

/* --- console UART ------------------------------------------------------------
 * A polled transmitter and an interrupt-driven receiver.  The board's UART
 * interrupt handler calls console_rx_isr() (kernel/console.h), which drains
 * the receiver with board_uart_rx_ready()/board_uart_rx_get().
 */
void board_uart_init(void);     /* polled TX ready, RX interrupt armed */
bool board_uart_tx_ready(void); /* the transmitter takes a byte now */
void board_uart_tx_put(uint8_t c);
bool board_uart_rx_ready(void); /* a received byte is waiting */
uint8_t board_uart_rx_get(void);

/* --- tick timer ---------------------------------------------------------------
 * A timer counting at board_timer_count_hz() interrupts at boundaries; its
 * handler calls time_tick() (kernel/time.h), which calls
 * board_timer_ack().  Vocabulary (kernel/time.c has the full story):
 *
 *   period   the tick period in counts, set by board_timer_start
 *   origin   the boundary most recently acknowledged (board_timer_ack) or
 *            moved over (board_timer_restore); time.c has accounted every
 *            count up to it, and board_timer_elapsed counts from it
 *   periodic the next boundary is at most one period after the origin
 *            (plus, on a board that restarts its counter in the handler
 *            after a stretch - the PIT - that handler's latency)
 *   span     in tickless idle, the distance from the origin to the
 *            boundary time_idle wants, a multiple of the period
 *
 * Every count the timer makes belongs to exactly one origin-to-origin
 * step, so time never jumps; a board that must restart its counter to
 * reprogram it (SysTick, PIT) loses only the counts between its last read
 * and the restart, a few instructions with interrupts masked, and says so.
 * All of these are called with interrupts masked.
 */

/* (Re)start the tick with a period of `period` counts: the origin is
 * now, boundaries every period, no interrupt pending.  Returns false (and
 * leaves the timer as it was) if the hardware cannot count that far. */
bool board_timer_start(uint32_t period);

/* Counts per second of the tick timer. */
uint32_t board_timer_count_hz(void);

/* Counts since the origin, including those of a boundary that has passed
 * with its interrupt still pending (exact while at most one has). */
uint32_t board_timer_elapsed(void);

/* True if a boundary has passed whose interrupt is pending (raised, not
 * yet handled or acknowledged). */
bool board_timer_pending(void);

/* Take the boundary that passed (its interrupt is being handled, or is
 * pending and time_idle takes it): clear the pending interrupt, move the
 * origin to the boundary, arm the next one (one period on, or the rest of
 * a stretched span), and return the counts the origin moved. */
uint32_t board_timer_ack(void);

/* Tickless idle: arm no boundary before `span` counts after the origin
 * (span: whole periods, at least two), except, on a board that can only
 * lengthen the countdown after the one in progress (SysTick), the end of
 * the period in progress.  The periodic tick resumes by itself after the
 * span.  Returns the span armed (shorter if the hardware cannot count so
 * far), or 0 if it declines (not periodic, a boundary pending or about to
 * be: the tick stays periodic, and time_idle asks again later). */
uint32_t board_timer_stretch(uint32_t span);

/* Tickless idle, woken early: make the tick periodic again (the next
 * boundary at most a period away), moving the origin over the whole
 * periods elapsed since it - or to now, if the board had to restart its
 * counter - and return the counts it moved.  Harmless when periodic (it
 * then only moves over whole periods elapsed, usually none). */
uint32_t board_timer_restore(void);

/* Optional (a weak no-op otherwise): the board's heartbeat LED, called
 * at the end of every tick interrupt with the tick count (time_tick32;
 * 1000 Hz unless the program changed the rate).  In tickless idle no
 * tick interrupt comes, so the LED holds still until the next wake-up:
 * a blinking LED says the tick runs, a still one that the CPU sleeps
 * (or has stopped).  Interrupt context, interrupts masked: a few stores
 * at most. */
void board_heartbeat(uint32_t ticks);

/* --- memory --- */

struct board_region {
    const char *name; /* "heap", "heap.ccm", ... */
    uintptr_t start;
    uintptr_t end;
};

/* Fill out[] with the heap regions (RAM nobody else uses), the main region
 * first; returns how many.  The main region starts at the linker's
 * __heap_start. */
int board_heap_regions(struct board_region *out, int max);

/* Helper for board_heap_regions: copy up to max of r[0..n) to out. */
static inline int board_regions_copy(struct board_region *out, int max,
                                     const struct board_region *r, int n)
{
    int i;

    for (i = 0; i < n && i < max; i++)
        out[i] = r[i];
    return i;
}

#endif /* KERNEL_BOARD_H */
