/*
 * tests/host/fake_board.c - see fake_board.h.
 */
#include "tests/host/fake_board.h"

#include <stdio.h>
#include <string.h>

#include "kernel/board.h"
#include "kernel/time.h"

/* The "main stack" bottom the canary (kernel/canary.c) guards. */
_Alignas(8) char __stack_start[16];

static struct {
    char out[8192];
    size_t out_len;
    char in[FAKE_UART_FIFO];
    size_t in_head, in_tail;
    uint32_t period, count;
    int pending;
} fb;

void board_init(void)
{
}

void board_uart_init(void)
{
}

bool board_uart_tx_ready(void)
{
    return true;
}

void board_uart_tx_put(uint8_t c)
{
    if (fb.out_len < sizeof fb.out)
        fb.out[fb.out_len++] = (char)c;
    if (c != '\r')
        putchar(c);
}

bool board_uart_rx_ready(void)
{
    return fb.in_head != fb.in_tail;
}

uint8_t board_uart_rx_get(void)
{
    return (uint8_t)fb.in[fb.in_tail++ % FAKE_UART_FIFO];
}

const char *fake_uart_output(size_t *n)
{
    *n = fb.out_len;
    return fb.out;
}

void fake_uart_reset(void)
{
    fb.out_len = 0;
    fb.in_head = fb.in_tail = 0;
}

void fake_uart_inject(const char *s, size_t n)
{
    for (size_t i = 0; i < n && fb.in_head - fb.in_tail < FAKE_UART_FIFO; i++)
        fb.in[fb.in_head++ % FAKE_UART_FIFO] = s[i];
}

bool board_timer_start(uint32_t period)
{
    if (period > 1000000000u)
        return false;
    fb.period = period;
    fb.count = 0;
    fb.pending = 0;
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return FAKE_TIMER_HZ;
}

uint32_t board_timer_elapsed(void)
{
    return fb.count;
}

bool board_timer_pending(void)
{
    return fb.pending != 0;
}

void fake_timer_advance(uint32_t counts)
{
    fb.count += counts;
    while (fb.count >= fb.period) {
        fb.count -= fb.period;
        fb.pending = 1;
    }
}

int fake_timer_fire(void)
{
    if (!fb.pending)
        return 0;
    fb.pending = 0;
    time_tick();
    return 1;
}

int board_heap_regions(struct board_region *out, int max)
{
    (void)out;
    (void)max;
    return 0;
}
