/*
 * kernel/canary.c - a canary at the bottom of the main (interrupt) stack.
 *
 * The main stack sits right above the heap on the ARM boards.  ARMv8-M
 * catches running off its bottom in hardware (MSPLIM) and x86 with a guard
 * page, but ARMv6-M has neither, and on ARMv7-M the MPU regions are kept
 * for the goroutine stacks: there an overflow would silently write over
 * the top of the heap.  So the lowest words of the stack hold a pattern,
 * checked on every tick and at the start of every fatal report.  Best
 * effort: it finds an overflow after the fact, within a tick, if the
 * overflow reached the canary and the damage has not killed the program
 * first.
 */
#include "kernel/canary.h"

#include <stdint.h>

#include "tern.h"

#define CANARY_WORD  0xDEADC0DEu
#define CANARY_WORDS 2

extern char __stack_start[];

void canary_init(void)
{
    volatile uint32_t *w = (volatile uint32_t *)(uintptr_t)__stack_start;

    for (int i = 0; i < CANARY_WORDS; i++)
        w[i] = CANARY_WORD;
}

void canary_check(void)
{
    volatile uint32_t *w = (volatile uint32_t *)(uintptr_t)__stack_start;

    for (int i = 0; i < CANARY_WORDS; i++)
        if (w[i] != CANARY_WORD) {
            canary_init(); /* so the report itself does not trip it */
            tern_panic("stack overflow (main stack canary overwritten)");
        }
}
