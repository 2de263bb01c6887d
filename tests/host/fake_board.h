/*
 * tests/host/fake_board.h - a scriptable board (kernel/board.h) for host
 * tests: a UART whose output goes to stdout and to a capture buffer and
 * whose input the test injects, and a timer the test advances by hand.
 */
#ifndef TESTS_HOST_FAKE_BOARD_H
#define TESTS_HOST_FAKE_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* UART: bytes written since the last fake_uart_reset(). */
const char *fake_uart_output(size_t *n);
void fake_uart_reset(void);
/* Queue bytes on the receive line (the next console_rx_isr takes them). */
void fake_uart_inject(const char *s, size_t n);
/* Receive FIFO depth of the fake UART (bytes beyond it are lost). */
#define FAKE_UART_FIFO 512

/* Timer: 1 MHz count, advanced by hand.  Boundaries (kernel/board.h) are
 * points on a free-running counter; a boundary passed is pending until
 * acknowledged, and every count is accounted (no loss, however far the
 * counter is advanced). */
#define FAKE_TIMER_HZ 1000000u
/* Advance the counter by counts. */
void fake_timer_advance(uint32_t counts);
/* Deliver the pending tick, if any, as its interrupt would: calls
 * time_tick().  Returns 1 if one was delivered. */
int fake_timer_fire(void);
/* Counts from now to the next boundary armed. */
uint32_t fake_timer_to_boundary(void);
/* How board_timer_stretch behaves: FAKE_TIMER_NOW moves the boundary in
 * progress (as nRF51 TIMER0), FAKE_TIMER_NEXT_ONLY lengthens only the
 * countdown after it (as SysTick); and the longest span it arms. */
#define FAKE_TIMER_NOW       0
#define FAKE_TIMER_NEXT_ONLY 1
void fake_timer_config(int mode, uint32_t max);
/* Calls of board_timer_stretch that armed a span, and of
 * board_timer_restore, so far. */
int fake_timer_stretches(void);
int fake_timer_restores(void);

#endif /* TESTS_HOST_FAKE_BOARD_H */
