/*
 * kernel/time.c - the periodic tick and nanotime().
 *
 * The board timer counts at count_hz and interrupts every `period` counts.
 * Time since boot is kept as
 *
 *     counts = base_counts + ticks_since_base * period + elapsed
 *     ns     = base_ns + counts_to_ns(counts - base_counts)
 *
 * where (base_ns, base_counts) move forward whenever the tick rate changes,
 * so changing the rate at run time never makes time jump or go back.
 *
 * Reading is lock-free on the tick side and done with interrupts masked on
 * the reader side, which closes the race between the counter wrapping and
 * the tick interrupt running: if the timer has wrapped but its interrupt is
 * still pending, the reader counts the pending tick itself and re-reads the
 * counter (which has then certainly wrapped).  One pending tick is all the
 * hardware records, so nanotime is exact only while interrupts are never
 * masked for longer than one tick period; BRIEF contract 5 bounds masked
 * sections far below that (a period is 1 ms at the default rate).
 */
#include "kernel/time.h"

#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/canary.h"
#include "tern.h"

static struct {
    /* written by the tick ISR; read with interrupts masked: */
    volatile uint64_t ticks;      /* ticks since boot */
    volatile uint64_t base_ticks; /* ticks at the last rate change */
    /* written with interrupts masked, by tern_tick_set_hz: */
    uint64_t base_ns;  /* nanotime at the last rate change */
    uint32_t period;   /* timer counts per tick */
    uint32_t hz;       /* tick rate asked for */
    uint32_t count_hz; /* timer counts per second */
    void (*hook)(void);
} tm TERN_PRIVATE;

uint64_t time_counts_to_ns(uint64_t counts, uint32_t hz)
{
    uint64_t sec = counts / hz;
    uint64_t rem = counts % hz; /* < hz < 2^32: rem * 1e9 < 2^62 */

    return sec * 1000000000u + rem * 1000000000u / hz;
}

uint32_t time_period_for(uint32_t count_hz, uint32_t hz)
{
    if (hz == 0 || hz > count_hz)
        return 0;
    return (uint32_t)(((uint64_t)count_hz + hz / 2) / hz);
}

void time_init(uint32_t hz)
{
    tm.count_hz = board_timer_count_hz();
    tm.ticks = tm.base_ticks = 0;
    tm.base_ns = 0;
    tm.hook = 0;
    if (tern_tick_set_hz(hz) != 0)
        tern_panic("board timer cannot produce the default tick rate");
}

volatile uint32_t time_tick32;

void time_tick(void)
{
    void (*hook)(void) = tm.hook;

    canary_check();
    tm.ticks++;
    time_tick32++;
    if (hook)
        hook();
}

void time_set_tick_hook(void (*fn)(void))
{
    unsigned long s = arch_irq_save();
    tm.hook = fn;
    arch_irq_restore(s);
}

/* Nanoseconds since boot.  Pre: interrupts masked. */
static uint64_t now_locked(void)
{
    uint64_t t = tm.ticks;
    uint32_t c = board_timer_elapsed();

    if (board_timer_pending()) {
        t++;
        c = board_timer_elapsed();
    }
    return tm.base_ns +
           time_counts_to_ns((t - tm.base_ticks) * tm.period + c, tm.count_hz);
}

int64_t tern_nanotime(void)
{
    static uint64_t last TERN_PRIVATE; /* monotonic even across rate changes */
    unsigned long s = arch_irq_save();
    uint64_t ns = now_locked();

    if (ns < last)
        ns = last;
    last = ns;
    arch_irq_restore(s);
    return (int64_t)ns;
}

uint64_t tern_ticks(void)
{
    unsigned long s = arch_irq_save();
    uint64_t t = tm.ticks;
    arch_irq_restore(s);
    return t;
}

uint32_t tern_tick_hz(void)
{
    return tm.hz;
}

int tern_tick_set_hz(uint32_t hz)
{
    uint32_t period = time_period_for(tm.count_hz, hz);
    unsigned long s;

    if (period < 2)
        return -1;
    s = arch_irq_save();
    {
        /* Rebase: the new period starts now.  A completed period whose
         * interrupt is still pending is counted here, since restarting the
         * timer discards it. */
        uint64_t now = tm.period != 0 ? now_locked() : 0;
        uint64_t ticks = tm.ticks + (tm.period != 0 && board_timer_pending());

        if (!board_timer_start(period)) {
            arch_irq_restore(s);
            return -1;
        }
        tm.base_ns = now;
        tm.ticks = ticks;
        tm.base_ticks = ticks;
    }
    tm.period = period;
    tm.hz = hz;
    arch_irq_restore(s);
    return 0;
}

void tern_delay_ns(int64_t ns)
{
    int64_t end = tern_nanotime() + ns;

    while (tern_nanotime() < end)
        ;
}
