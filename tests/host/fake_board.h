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

/* Timer: 1 MHz count, advanced by hand. */
#define FAKE_TIMER_HZ 1000000u
/* Advance the counter by counts; each period completed while the "tick"
 * is not delivered sets the pending flag (only one is remembered, as in
 * hardware). */
void fake_timer_advance(uint32_t counts);
/* Deliver the pending tick, if any: calls time_tick().  Returns 1 if one
 * was delivered. */
int fake_timer_fire(void);

#endif /* TESTS_HOST_FAKE_BOARD_H */
