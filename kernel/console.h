/*
 * kernel/console.h - the console: polled output, interrupt-fed input ring.
 * See kernel/console.c for the design.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* Size of the receive ring in bytes (a power of two; board.mk may say
 * fewer: TERN_CONSOLE_RX). */
#ifndef TERN_CONSOLE_RX
#define TERN_CONSOLE_RX 128
#endif
#define CONSOLE_RX_RING ((unsigned)TERN_CONSOLE_RX)

/* Initialise the UART (polled) and the receive ring.  Interrupts masked. */
void console_init(void);

/* Receive interrupt body: move every waiting byte into the ring.  Called by
 * the board's UART interrupt handler; bounded by the UART's FIFO depth. */
void console_rx_isr(void);

/* Tests: put bytes into the receive ring as if the UART had received
 * them (interrupts masked meanwhile); returns how many fitted. */
size_t console_rx_inject(const char *s, size_t n);

/* Bytes waiting in the receive ring. */
uint32_t console_rx_pending(void);

/* Tests: send tern_write's output (tern_printf's too) to fn instead of
 * the UART; NULL restores the UART.  The fatal paths
 * (console_write_sync) always use the UART. */
void console_set_tx_hook(void (*fn)(const char *s, size_t n));

/* Receive interrupts handled since boot (for tests and stats). */
uint32_t console_rx_irqs(void);

/* Write bytes with interrupts masked for the whole buffer: for the fatal
 * paths, where nothing else may interleave.  Bypasses nothing else. */
void console_write_sync(const char *s, size_t n);

#endif /* KERNEL_CONSOLE_H */
