/*
 * kernel/canary.h - the main stack's canary.  See kernel/canary.c.
 */
#ifndef KERNEL_CANARY_H
#define KERNEL_CANARY_H

/* Paint the canary at the bottom of the main stack.  Boot, once. */
void canary_init(void);

/* Fatal "stack overflow" report if the canary was overwritten.  Called on
 * every tick and at the start of every fatal report.  O(1). */
void canary_check(void);

#endif /* KERNEL_CANARY_H */
