/*
 * arch/host/host.h - hooks of the host port for the unit tests.
 * See arch/host/arch.c.
 */
#ifndef ARCH_HOST_HOST_H
#define ARCH_HOST_HOST_H

#include <stdbool.h>

/* True while the code under test has "interrupts" masked. */
bool host_irq_masked(void);

/* fn runs whenever the code under test waits for an interrupt; it plays
 * the interrupt source (delivers bytes, ticks).  NULL: sleep 100 us. */
void host_set_irq_source(void (*fn)(void));

/* fn runs instead of a reset when the code under test calls
 * arch_reset_board, which then returns.  NULL: the process exits 0. */
void host_set_reset_hook(void (*fn)(void));

#endif /* ARCH_HOST_HOST_H */
