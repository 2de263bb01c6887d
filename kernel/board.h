/*
 * kernel/board.h - what every board folder provides.
 *
 * A board is data plus a few drivers: boards/<b>/board.mk (arch, CPU flags,
 * QEMU line, clock, page size), boards/<b>/memory.ld (the MEMORY block and
 * the symbols of extra RAM regions) and boards/<b>/board.c, which
 * implements the functions below.  The periodic tick may instead come from
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

/* --- periodic tick
 * ------------------------------------------------------------- A timer
 * counting at board_timer_count_hz() interrupts every period counts; its
 * handler calls time_tick() (kernel/time.h).
 */

/* (Re)start the tick with a period of `period` counts, counting from 0,
 * with no tick pending.  Returns false (and leaves the timer as it was) if
 * the hardware cannot count that far.  Pre: interrupts masked. */
bool board_timer_start(uint32_t period);

/* Counts per second of the tick timer. */
uint32_t board_timer_count_hz(void);

/* Counts elapsed since the current period began: 0 .. period-1. */
uint32_t board_timer_elapsed(void);

/* True if the tick interrupt for a completed period is pending (raised but
 * not yet handled).  Pre: interrupts masked. */
bool board_timer_pending(void);

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
