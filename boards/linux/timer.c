/*
 * boards/linux/timer.c - the board tick (kernel/board.h) from
 * CLOCK_MONOTONIC and a POSIX timer.  See kernel/time.c for the overview.
 *
 * Counts are 100 ns of CLOCK_MONOTONIC (BOARD_CPU_HZ = 10 MHz), so
 * board_timer_elapsed's 32 bits last 429 s and time_idle's longest span
 * (2^31 counts) is 214 s.  The clock is read, never restarted: the
 * driver keeps the origin and the next boundary as absolute counts, and
 * nothing is lost by any of the operations below (unlike SysTick and the
 * PIT, which must restart their counters to change length).
 *
 *   origin   absolute count of the boundary last taken
 *   next     absolute count of the next boundary: origin + period, or
 *            the end of a stretched span
 *
 * The POSIX timer (timer_create on CLOCK_MONOTONIC, its signal
 * HOSTED_SIG_TICK sent to the M's thread: SIGEV_THREAD_ID) is armed at an
 * absolute time with the period as its interval, so its expiries lie on
 * the boundaries' grid: started at origin + period, or, stretched, at the
 * span's end, from which it goes on periodically by itself.
 *
 *   pending  the tick's signal arrived masked and waits (arch/hosted), or
 *            the clock has passed next (the signal is on its way: the
 *            kernel delivers it a little late)
 *   ack      origin moves to the last boundary the clock has passed
 *            (several, if the process was not scheduled for a while:
 *            none are lost), next one period on; the waiting signal is
 *            cleared.  A tick signal that finds no boundary passed (one
 *            time_idle took first) does nothing.
 *   stretch  arm the timer at origin + span; declines if a boundary has
 *            passed or the span ends within MARGIN.
 *   restore  woken early: origin over the whole periods elapsed, timer
 *            re-armed at the next boundary of the grid.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <time.h>

#include "arch/arch.h"
#include "arch/hosted/hosted.h"
#include "boards/linux/linux.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "tern.h"

#define COUNTS_PER_SEC BOARD_CPU_HZ
#define NS_PER_COUNT   (1000000000u / COUNTS_PER_SEC)
#define MARGIN         1000u /* counts (100 us) a stretch keeps clear */
#define TICK_BIT       (1u << HOSTED_SIG_TICK)

static struct {
    timer_t id;
    bool made;       /* id is a timer */
    bool stretched;  /* next is a span's end */
    uint32_t period; /* counts */
    uint64_t origin; /* absolute counts */
    uint64_t next;   /* absolute counts */
} tk TERN_PRIVATE;

static uint64_t now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * COUNTS_PER_SEC +
           (uint64_t)ts.tv_nsec / NS_PER_COUNT;
}

static struct timespec to_ts(uint64_t counts)
{
    struct timespec ts = {
        .tv_sec = (time_t)(counts / COUNTS_PER_SEC),
        .tv_nsec = (long)(counts % COUNTS_PER_SEC * NS_PER_COUNT),
    };
    return ts;
}

/* First expiry at absolute count `first`, then every period. */
static void arm(uint64_t first)
{
    struct itimerspec its = {.it_interval = to_ts(tk.period),
                             .it_value = to_ts(first)};

    if (timer_settime(tk.id, TIMER_ABSTIME, &its, NULL) != 0)
        tern_panic("cannot arm the tick timer (timer_settime)");
}

static void clear_pending(void)
{
    __atomic_fetch_and(&hosted_m.pending, ~TICK_BIT, __ATOMIC_SEQ_CST);
}

static void tick_irq(void)
{
    if (now() >= tk.next)
        time_tick();
    linux_uart_poll(); /* the console's input, once per tick */
}

bool board_timer_start(uint32_t period)
{
    if (period < 2)
        return false;
    if (!tk.made) {
        struct sigevent sev = {0};

        sev.sigev_notify = SIGEV_THREAD_ID;
        sev.sigev_signo = HOSTED_SIG_TICK;
        sev._sigev_un._tid = hosted_m.tid;
        if (timer_create(CLOCK_MONOTONIC, &sev, &tk.id) != 0)
            tern_panic("cannot create the tick timer (timer_create)");
        tk.made = true;
        hosted_irq_set(HOSTED_SIG_TICK, tick_irq);
    }
    tk.period = period;
    tk.origin = now();
    tk.next = tk.origin + period;
    tk.stretched = false;
    arm(tk.next);
    clear_pending();
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return COUNTS_PER_SEC;
}

uint32_t board_timer_elapsed(void)
{
    uint64_t e = now() - tk.origin;

    return e > UINT32_MAX ? UINT32_MAX : (uint32_t)e;
}

bool board_timer_pending(void)
{
    return (hosted_m.pending & TICK_BIT) != 0 || now() >= tk.next;
}

uint32_t board_timer_ack(void)
{
    uint64_t t = now(), o, moved;

    clear_pending();
    if (t < tk.next)
        return 0; /* no boundary passed: a late signal, taken already */
    o = tk.next + (t - tk.next) / tk.period * tk.period;
    moved = o - tk.origin;
    tk.origin = o;
    tk.next = o + tk.period;
    tk.stretched = false; /* a span's end: the timer goes on by periods */
    return moved > UINT32_MAX ? UINT32_MAX : (uint32_t)moved;
}

uint32_t board_timer_stretch(uint32_t span)
{
    uint64_t t = now(), end = tk.origin + span;

    if (tk.stretched || t >= tk.next || end <= t + MARGIN)
        return 0;
    tk.next = end;
    tk.stretched = true;
    arm(end);
    return span;
}

uint32_t board_timer_restore(void)
{
    uint32_t moved = 0;
    uint64_t k;

    if (board_timer_pending())
        moved += board_timer_ack();
    if (!tk.stretched)
        return moved;
    k = (now() - tk.origin) / tk.period;
    tk.origin += k * tk.period;
    tk.next = tk.origin + tk.period;
    tk.stretched = false;
    arm(tk.next);
    return moved + (uint32_t)(k * tk.period);
}
