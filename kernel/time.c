/*
 * kernel/time.c - the tick, tickless idle and nanotime().
 *
 * Glossary
 *   count     one step of the board timer, at count_hz
 *   period    the tick period in counts (P); the tick rate is hz
 *   boundary  a point where the board timer interrupts
 *   origin    the last boundary taken (board.h): time.c has accounted
 *             every count up to it; board_timer_elapsed() counts from it
 *   frac      counts from the last tick boundary to the origin, < P
 *   span      a tickless idle's distance from the origin to the boundary
 *             it sleeps to: whole periods
 *
 * Time since boot is kept as
 *
 *     counts = base_counts + (ticks - base_ticks) * P + frac + elapsed
 *     ns     = base_ns + counts_to_ns(counts - base_counts)
 *
 * where (base_ns, base_ticks) move forward whenever the tick rate changes,
 * so changing the rate at run time never makes time jump or go back.
 * When the board takes a boundary, the origin moves by the counts since
 * the last one; frac absorbs them and whole periods carry into ticks
 * (time_carry).  Normally a boundary is one period on and frac stays 0;
 * it is non-zero only after a board restarted its counter mid-period.
 *
 * Reading is lock-free on the tick side and done with interrupts masked on
 * the reader side; board_timer_elapsed() itself closes the race between
 * the counter wrapping and the tick interrupt running (it counts a
 * boundary whose interrupt is still pending).  The hardware records one
 * pending boundary, so nanotime is exact only while interrupts are never
 * masked for longer than the time to the next boundary; BRIEF contract 5
 * bounds masked sections far below a period (1 ms at the default rate).
 *
 * Tickless idle.  When nothing is runnable the scheduler's idle loop calls
 * time_idle(deadline), deadline being the earliest timer.  Ticking on
 * through the idle would cost an interrupt per period for nothing, so:
 *
 *  1. Span.  The deadline becomes counts from the origin, rounded up to
 *     the first boundary at or after it (time_idle_span): the wake-up
 *     lands exactly where the periodic tick would have woken the sleeper,
 *     and nanotime there is at or past the deadline.
 *  2. Stretch.  If the span is two periods or more, board_timer_stretch
 *     arms no boundary before it, as far as the hardware counts (SysTick
 *     2^24 counts, the PIT 65535, nRF51 TIMER0 2^31), and returns what it
 *     armed; a longer idle is a chain of such spans, one per call.  A
 *     board may decline (its boundary is about to fire, or under QEMU
 *     has fired late): the span stays, and time_idle asks again after
 *     taking that boundary.
 *  3. Sleep.  arch_wait_irq() with interrupts masked.  On waking:
 *     - the timer's boundary is pending (Cortex-M: WFI wakes without
 *       taking it): time_idle takes it itself with board_timer_ack, so
 *       the tick count is right on return.  If that boundary is short of
 *       the span (SysTick's period in progress, which it cannot shorten;
 *       a board that declined), sleep on, without the hook: WFI returns
 *       at once if another interrupt is pending meanwhile.  So a sleeper
 *       wakes at its boundary and not, by a race between its deadline and
 *       the handler's latency, one period earlier or later.
 *     - anything else woke the CPU (a device; on x86 the handlers,
 *       including the tick's, already ran inside sti;hlt): stop.
 *  4. Restore.  If the board stretched and the span's boundary has not
 *     been taken, the wake-up is early: board_timer_restore() makes the
 *     tick periodic again and moves the origin over the whole periods
 *     elapsed (TIMER0, and SysTick when less than a period of the span is
 *     left: nothing lost), or restarts the counter and moves the origin
 *     to now (SysTick and the PIT otherwise).  Only the time actually
 *     elapsed is accounted; the hardware's next boundary is at most a
 *     period away.
 *  5. Hook.  If time_idle's own accounting advanced the tick count, the
 *     tick hook runs once, with interrupts masked - once per wake-up, not
 *     once per period slept; the scheduler's hook compares nanotime with
 *     each sleeper's deadline, so once is enough.  (On x86 the timer
 *     handler ran inside the sleep and called the hook itself; time_idle
 *     does not call it again.)
 *
 * Bounds.  Every masked step is O(1): one span computation (a few 64-bit
 * divisions), a handful of register accesses per board call.  An early
 * wake-up on a board that restarts its counter loses the counts between
 * its last read and the restart - a load and a store on SysTick, a few
 * port accesses on the PIT (plus, there, the fraction of a 1.19 MHz count
 * the restart discards): well under a microsecond per early wake-up, so
 * nanotime stays monotonic but may fall that far behind wall-clock time.
 * A wake-up at the deadline and TIMER0 lose nothing.  A tick hook that
 * needs every period turns tickless idle off (time_set_tickless).
 *
 * Rejected: waking exactly at the deadline instead of at a boundary (it
 * would shift every later boundary off the tick grid, and sleepers are
 * already woken at the first boundary after their deadline when awake);
 * running the hook once per skipped period (hundreds of calls with
 * interrupts masked, for nothing); a free-running second timer as the
 * time base (not every board has one, and SysTick has nothing better).
 */
#include "kernel/time.h"

#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/canary.h"
#include "tern.h"

static struct {
    /* written by the tick ISR or with interrupts masked; read masked: */
    volatile uint64_t ticks;      /* ticks since boot */
    volatile uint64_t base_ticks; /* ticks at the last rate change */
    volatile uint32_t frac;       /* counts from the last tick to origin */
    volatile uint32_t irqs;       /* timer interrupts taken */
    /* written with interrupts masked, by tern_tick_set_hz: */
    uint64_t base_ns;  /* nanotime at the last rate change */
    uint32_t period;   /* timer counts per tick */
    uint32_t hz;       /* tick rate asked for */
    uint32_t count_hz; /* timer counts per second */
    void (*hook)(void);
    /* time_idle, interrupts masked: */
    uint32_t idle_left; /* counts from the origin to the span's end */
    bool idle_armed;    /* the board stretched its tick to that end */
    bool idle_ticked;   /* time_idle advanced the tick count */
    bool tickful;       /* tickless idle turned off */
} tm TERN_PRIVATE;

uint64_t time_counts_to_ns(uint64_t counts, uint32_t hz)
{
    uint64_t sec = counts / hz;
    uint64_t rem = counts % hz; /* < hz < 2^32: rem * 1e9 < 2^62 */

    return sec * 1000000000u + rem * 1000000000u / hz;
}

uint64_t time_ns_to_counts(uint64_t ns, uint32_t hz)
{
    uint64_t sec = ns / 1000000000u;
    uint64_t rem = ns % 1000000000u; /* rem * hz < 1e9 * 2^32 < 2^62 */

    if (sec > (UINT64_MAX - hz) / hz)
        return UINT64_MAX;
    return sec * hz + (rem * hz + 999999999u) / 1000000000u;
}

uint32_t time_period_for(uint32_t count_hz, uint32_t hz)
{
    if (hz == 0 || hz > count_hz)
        return 0;
    return (uint32_t)(((uint64_t)count_hz + hz / 2) / hz);
}

uint32_t time_idle_span(uint64_t due, uint32_t period)
{
    uint64_t n = due / period + (due % period != 0);
    uint64_t max = TIME_IDLE_SPAN_MAX / period;

    if (n > max)
        n = max;
    return (uint32_t)(n * period);
}

uint32_t time_carry(uint32_t *frac, uint32_t counts, uint32_t period)
{
    uint64_t f = (uint64_t)*frac + counts;
    uint32_t n;

    if (f < period)
        n = 0;
    else if (f < 2ull * period)
        n = 1; /* the periodic tick: no division */
    else
        n = (uint32_t)(f / period);
    *frac = (uint32_t)(f - (uint64_t)n * period);
    return n;
}

void time_init(uint32_t hz)
{
    tm.count_hz = board_timer_count_hz();
    tm.ticks = tm.base_ticks = 0;
    tm.frac = 0;
    tm.base_ns = 0;
    tm.hook = 0;
    if (tern_tick_set_hz(hz) != 0)
        tern_panic("board timer cannot produce the default tick rate");
}

volatile uint32_t time_tick32;

/* The origin moved by `counts`: carry whole periods into the tick count.
 * Returns true if it advanced.  Interrupts masked. */
static bool advance(uint32_t counts)
{
    uint32_t frac = tm.frac;
    uint32_t n = time_carry(&frac, counts, tm.period);

    tm.frac = frac;
    if (n == 0)
        return false;
    tm.ticks += n;
    time_tick32 += n;
    return true;
}

/* Boards without a heartbeat LED have nothing to do. */
__attribute__((weak)) void board_heartbeat(uint32_t ticks)
{
    (void)ticks;
}

void time_tick(void)
{
    canary_check();
    tm.irqs++;
    if (advance(board_timer_ack()) && tm.hook != NULL)
        tm.hook();
    board_heartbeat(time_tick32);
}

void time_set_tick_hook(void (*fn)(void))
{
    unsigned long s = arch_irq_save();
    tm.hook = fn;
    arch_irq_restore(s);
}

/* Counts since the last rate change, at the origin.  Interrupts masked. */
static uint64_t origin_locked(void)
{
    return (tm.ticks - tm.base_ticks) * tm.period + tm.frac;
}

/* Nanoseconds since boot.  Pre: interrupts masked. */
static uint64_t now_locked(void)
{
    return tm.base_ns +
           time_counts_to_ns(origin_locked() + board_timer_elapsed(),
                             tm.count_hz);
}

uint32_t time_idle_begin(int64_t deadline)
{
    uint64_t origin, due;
    uint32_t span, armed = 0;

    tm.idle_left = 0;
    tm.idle_armed = false;
    tm.idle_ticked = false;
    if (tm.tickful || board_timer_pending() || deadline <= (int64_t)tm.base_ns)
        return 0;
    origin = origin_locked();
    due = time_ns_to_counts((uint64_t)deadline - tm.base_ns, tm.count_hz);
    if (due <= origin)
        return 0; /* due already: any wake-up will do */
    span = time_idle_span(due - origin, tm.period);
    if (span >= 2 * tm.period)
        armed = board_timer_stretch(span);
    tm.idle_armed = armed != 0;
    tm.idle_left = armed != 0 ? armed : span;
    return armed;
}

/* Take a pending boundary in time_idle (step 3).  Returns true if it fell
 * short of the span: sleep on.  Interrupts masked. */
static bool idle_take(void)
{
    uint32_t counts;

    tm.irqs++;
    counts = board_timer_ack();
    tm.idle_ticked |= advance(counts);
    if (counts < tm.idle_left) {
        tm.idle_left -= counts;
        if (!tm.idle_armed && tm.idle_left >= 2 * tm.period) {
            /* the board declined at first: try again from here */
            uint32_t armed = board_timer_stretch(tm.idle_left);
            if (armed != 0) {
                tm.idle_armed = true;
                tm.idle_left = armed;
            }
        }
        return true;
    }
    tm.idle_left = 0;
    tm.idle_armed = false; /* the span's boundary: periodic again */
    return false;
}

void time_idle_end(void)
{
    /* Early, with the span armed: restore the periodic tick (step 4).  On
     * x86 the span's boundary may have been taken by its handler inside
     * the sleep; the restore then finds the tick periodic and moves
     * nothing. */
    if (tm.idle_armed && board_timer_pending())
        idle_take();
    if (tm.idle_armed)
        tm.idle_ticked |= advance(board_timer_restore());
    tm.idle_left = 0;
    tm.idle_armed = false;
    if (tm.idle_ticked && tm.hook != NULL)
        tm.hook(); /* step 5: once per wake-up */
    tm.idle_ticked = false;
}

void time_idle(int64_t deadline)
{
    if (tm.tickful) {
        arch_wait_irq();
        return;
    }
    time_idle_begin(deadline);
    do
        arch_wait_irq();
    while (board_timer_pending() && idle_take());
    time_idle_end();
}

bool time_set_tickless(bool on)
{
    unsigned long s = arch_irq_save();
    bool old = !tm.tickful;

    tm.tickful = !on;
    arch_irq_restore(s);
    return old;
}

uint32_t time_timer_irqs(void)
{
    return tm.irqs;
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
        /* Rebase: the new period starts now.  The whole periods since the
         * last tick - one whose interrupt is still pending, say - are
         * counted here, since restarting the timer discards it. */
        uint64_t now = 0;
        uint32_t whole = 0;

        if (tm.period != 0) {
            uint32_t elapsed = board_timer_elapsed();
            now = tm.base_ns +
                  time_counts_to_ns(origin_locked() + elapsed, tm.count_hz);
            whole = (uint32_t)(((uint64_t)tm.frac + elapsed) / tm.period);
        }
        if (!board_timer_start(period)) {
            arch_irq_restore(s);
            return -1;
        }
        tm.base_ns = now;
        tm.ticks += whole;
        time_tick32 += whole;
        tm.base_ticks = tm.ticks;
        tm.frac = 0;
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
