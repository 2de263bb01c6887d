/*
 * arch/cortex-m/systick.c - the board tick (kernel/board.h) from SysTick.
 * See kernel/time.c for the overview.
 *
 * Linked by every board whose core has a SysTick (board.mk: BOARD_SRCS).
 * SysTick counts CVR down at the processor clock (BOARD_CPU_HZ), pends its
 * exception on reaching 0 and then reloads RVR: a countdown lasts RVR + 1
 * counts.  The counter is 24 bits wide, so a countdown is at most 2^24
 * counts (0.67 s at 25 MHz, 0.1 s at 168 MHz).  Two hardware facts shape
 * this driver:
 *
 *   - writing RVR does not disturb the countdown in progress: it sets the
 *     length of the next one;
 *   - writing CVR restarts the count (it reads 0 until the reload, one
 *     count later - under QEMU, until QEMU runs its timer: `fresh`), and
 *     the counts between the driver's last read and the write are lost.
 *
 * (Under QEMU a countdown that has ended also reads 0, its exception not
 * yet pended, until QEMU runs its timer - at times hundreds of
 * microseconds late on a busy host.  Nanotime stands still meanwhile, and
 * stretch declines, so time_idle asks again after the next boundary.)
 *
 * State: `cur`, the length of the countdown in progress; `next`, RVR + 1;
 * `base`, counts from the origin (board.h) to that countdown's start -
 * negative after restore moved the origin forward over whole periods.
 *
 * Tickless idle:
 *   stretch  RVR = the rest of the span after the countdown in progress.
 *            That countdown still ends - one interrupt, a period boundary,
 *            which time_idle takes and sleeps on - then the long one runs;
 *            the ack at its start sets RVR back to a period, so the tick
 *            resumes by itself at the span's end.  Nothing is lost.
 *   restore  before the long countdown began: RVR back to a period
 *            (nothing lost).  In it, with less than a period left: move
 *            the origin over the whole periods elapsed (nothing lost).
 *            Otherwise restart the count with CVR (the one lossy step: a
 *            load and a store apart).
 * Each RVR write is checked for a wrap that may have slipped in between
 * the read before it and the write (the counter then reads higher): which
 * value the reload took shows in CVR, since a long countdown starts at or
 * above a period.
 */
#include "arch/cortex-m/cm.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "tern.h"

void SysTick_Handler(void);

#define COUNT_MAX 0x1000000u /* longest countdown, counts */
#define MARGIN    256u       /* counts kept clear of a wrap when writing RVR */

static struct {
    uint32_t period; /* the tick period, counts */
    uint32_t cur;    /* length of the countdown in progress */
    uint32_t next;   /* RVR + 1: length of the one after */
    int32_t base;    /* counts from the origin to the countdown's start */
    bool fresh;      /* CVR written, the reload not yet seen */
} st TERN_PRIVATE;

static bool pending(void)
{
    return (SCB_ICSR & ICSR_PENDSTSET) != 0;
}

/* Counts done of a countdown of len counts whose counter reads v. */
static uint32_t done(uint32_t len, uint32_t v)
{
    return v >= len ? 0 : len - 1 - v;
}

bool board_timer_start(uint32_t period)
{
    if (period < 2 || period - 1 > COUNT_MAX - 1)
        return false;
    SYST_CSR = 0;
    SYST_RVR = period - 1;
    SYST_CVR = 0;
    SCB_ICSR = ICSR_PENDSTCLR;
    st.period = st.cur = st.next = period;
    st.base = 0;
    st.fresh = true;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return BOARD_CPU_HZ;
}

uint32_t board_timer_elapsed(void)
{
    uint32_t v = SYST_CVR;

    if (pending()) { /* wrapped: the `next` countdown runs */
        v = SYST_CVR;
        return (uint32_t)(st.base + (int32_t)st.cur) + done(st.next, v);
    }
    if (st.fresh) {
        if (v == 0)
            return (uint32_t)st.base;
        st.fresh = false;
    }
    return (uint32_t)(st.base + (int32_t)done(st.cur, v));
}

bool board_timer_pending(void)
{
    return pending();
}

uint32_t board_timer_ack(void)
{
    uint32_t moved = (uint32_t)(st.base + (int32_t)st.cur);

    SCB_ICSR = ICSR_PENDSTCLR; /* time_idle's take; a no-op in the handler */
    st.base = 0;
    st.cur = st.next;
    st.fresh = false;
    if (st.next != st.period) { /* a long countdown began: the tick after */
        SYST_RVR = st.period - 1;
        st.next = st.period;
    }
    return moved;
}

uint32_t board_timer_stretch(uint32_t span)
{
    uint32_t end = (uint32_t)(st.base + (int32_t)st.cur);
    uint32_t max = COUNT_MAX / st.period * st.period;
    uint32_t len, v1, v2;

    if (st.cur != st.period || st.next != st.period || span <= end)
        return 0;
    len = span - end < max ? span - end : max;
    if (len <= st.period)
        return 0; /* nothing saved */
    v1 = SYST_CVR;
    if (st.fresh || v1 < MARGIN || pending())
        return 0; /* too close to the wrap: the next idle stretches */
    SYST_RVR = len - 1;
    st.next = len;
    v2 = SYST_CVR;
    if ((pending() || v2 > v1) && v2 < st.period) {
        /* The wrap beat the write and reloaded a period: undo. */
        SYST_RVR = st.period - 1;
        st.next = st.period;
        return 0;
    }
    return end + len;
}

uint32_t board_timer_restore(void)
{
    uint32_t moved = 0, end, e, k, v;

    if (pending())
        moved += board_timer_ack();
    if (st.next != st.period) {
        /* The long countdown has not begun: make it a period. */
        uint32_t len = st.next, v1 = SYST_CVR, v2;

        SYST_RVR = st.period - 1;
        st.next = st.period;
        v2 = SYST_CVR;
        if (pending() || v2 > v1) {
            /* It wrapped meanwhile; v2 shows which length was reloaded. */
            if (v2 >= st.period)
                st.next = len;
            moved += board_timer_ack();
        }
    }
    v = SYST_CVR;
    if (st.cur != st.period && v >= st.period) {
        /* More than a period of the long countdown is left: restart the
         * count (RVR is a period already).  The counts between the read
         * of v and this write are lost. */
        SYST_CVR = 0;
        SCB_ICSR = ICSR_PENDSTCLR; /* (only if the CPU stalled past a wrap) */
        e = (uint32_t)(st.base + (int32_t)done(st.cur, v));
        st.cur = st.period;
        st.base = 0;
        st.fresh = true;
        return moved + e;
    }
    /* The next wrap is at most a period away: move the origin over the
     * whole periods elapsed, within the countdown in progress. */
    if (pending())
        moved += board_timer_ack();
    end = (uint32_t)(st.base + (int32_t)st.cur);
    e = board_timer_elapsed();
    k = (e < end ? e : end) / st.period;
    st.base -= (int32_t)(k * st.period);
    return moved + k * st.period;
}

void SysTick_Handler(void)
{
    time_tick();
}
