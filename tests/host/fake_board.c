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

/* The fake timer: a free-running 64-bit counter `now`; the origin
 * `start`; the next boundary `cc`; in FAKE_TIMER_NEXT_ONLY mode a stretch
 * takes effect after the boundary in progress, at `then` (as SysTick). */
static struct {
    uint32_t period;
    uint64_t now, start, cc, then;
    uint32_t max; /* longest stretch, counts */
    int mode;
    int stretches, restores;
} ft = {.max = UINT32_MAX};

bool board_timer_start(uint32_t period)
{
    if (period > 1000000000u)
        return false;
    ft.period = period;
    ft.start = ft.now;
    ft.cc = ft.now + period;
    ft.then = 0;
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return FAKE_TIMER_HZ;
}

uint32_t board_timer_elapsed(void)
{
    return (uint32_t)(ft.now - ft.start);
}

bool board_timer_pending(void)
{
    return ft.now >= ft.cc;
}

uint32_t board_timer_ack(void)
{
    uint32_t moved = (uint32_t)(ft.cc - ft.start);

    ft.start = ft.cc;
    ft.cc = ft.then != 0 ? ft.then : ft.start + ft.period;
    ft.then = 0;
    return moved;
}

uint32_t board_timer_stretch(uint32_t span)
{
    if (ft.cc - ft.start != ft.period || ft.then != 0 || span <= ft.period ||
        board_timer_pending())
        return 0;
    if (span > ft.max)
        span = ft.max / ft.period * ft.period;
    if (span <= ft.period)
        return 0;
    ft.stretches++;
    if (ft.mode == FAKE_TIMER_NEXT_ONLY)
        ft.then = ft.start + span;
    else
        ft.cc = ft.start + span;
    return span;
}

uint32_t board_timer_restore(void)
{
    uint32_t moved = 0;
    uint64_t k;

    ft.restores++;
    if (board_timer_pending())
        moved = board_timer_ack();
    ft.then = 0;
    k = (ft.now - ft.start) / ft.period;
    if (k > (ft.cc - ft.start - 1) / ft.period)
        k = (ft.cc - ft.start - 1) / ft.period;
    ft.start += k * ft.period;
    if (ft.cc > ft.start + ft.period)
        ft.cc = ft.start + ft.period;
    return moved + (uint32_t)(k * ft.period);
}

void fake_timer_advance(uint32_t counts)
{
    ft.now += counts;
}

int fake_timer_fire(void)
{
    if (!board_timer_pending())
        return 0;
    time_tick();
    return 1;
}

uint32_t fake_timer_to_boundary(void)
{
    return (uint32_t)(ft.cc - ft.now);
}

void fake_timer_config(int mode, uint32_t max)
{
    ft.mode = mode;
    ft.max = max;
}

int fake_timer_stretches(void)
{
    return ft.stretches;
}

int fake_timer_restores(void)
{
    return ft.restores;
}

int board_heap_regions(struct board_region *out, int max)
{
    (void)out;
    (void)max;
    return 0;
}
