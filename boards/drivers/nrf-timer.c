/*
 * boards/drivers/nrf-timer.c - the tick (kernel/board.h) from an nRF51 or
 * nRF52 TIMER in 32-bit timer mode at 16 MHz, free-running, CC[0] the
 * next boundary, CC[1] capturing the counter for nanotime.  Shared by
 * microbit (nRF51822; its QEMU twin runs this code) and nrf52840dk.
 * Configured by board.mk: NRF_TIMER_BASE, NRF_TIMER_IRQ (its NVIC line).
 * See kernel/time.c for the overview.
 *
 * Registers: nRF51 Series Reference Manual v3 chapter 18, nRF52840
 * Product Specification section 6.30 (the same layout).  Events stay set
 * until written 0; that is also the interrupt acknowledge.  The timer
 * counts at 16 MHz (PRESCALER 0) whatever the CPU clock.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "tern.h"

#define REG(a) (*(volatile uint32_t *)(a))

#define TIMER_START        REG(NRF_TIMER_BASE + 0x000)
#define TIMER_STOP         REG(NRF_TIMER_BASE + 0x004)
#define TIMER_CLEAR        REG(NRF_TIMER_BASE + 0x00C)
#define TIMER_CAPTURE1     REG(NRF_TIMER_BASE + 0x044)
#define TIMER_COMPARE0     REG(NRF_TIMER_BASE + 0x140)
#define TIMER_SHORTS       REG(NRF_TIMER_BASE + 0x200)
#define TIMER_INTENSET     REG(NRF_TIMER_BASE + 0x304)
#define TIMER_MODE         REG(NRF_TIMER_BASE + 0x504)
#define TIMER_BITMODE      REG(NRF_TIMER_BASE + 0x508)
#define TIMER_PRESCALER    REG(NRF_TIMER_BASE + 0x510)
#define TIMER_CC0          REG(NRF_TIMER_BASE + 0x540)
#define TIMER_CC1          REG(NRF_TIMER_BASE + 0x544)
#define TIMER_INT_COMPARE0 (1u << 16)
#define TIMER_HZ           16000000u

#define HANDLER_(n) irq##n##_handler
#define HANDLER(n)  HANDLER_(n)
void HANDLER(NRF_TIMER_IRQ)(void);

static struct {
    bool running;    /* the TIMER configured and started */
    uint32_t period; /* tick period in timer counts */
    uint32_t start;  /* the origin: counter value of the last boundary */
    uint32_t cc;     /* the next boundary (CC[0]) */
} tmr TERN_PRIVATE;

/*
 * The TIMER runs free: 32 bits at 16 MHz, never cleared (no COMPARE0 -> CLEAR
 * shortcut), so it is a time base that nothing ever restarts.  The origin
 * (kernel/board.h) is a counter value, `start`; CC[0] holds the next
 * boundary, `cc`, always start + a multiple of the period, and CC[1]
 * captures the counter.  Ack, stretch and restore only move CC[0] and
 * `start`: no count is ever lost, even when a handler runs late (arm()
 * then skips to the next boundary ahead, and the ack after it carries
 * the whole periods).  Differences are taken modulo 2^32 (the counter
 * wraps every 268 s); spans stay below 2^31.
 *
 * A compare written at or behind the counter would not fire until the
 * counter came round again, so arm() keeps CC[0] MARGIN counts ahead and,
 * after writing it, checks that the counter has not passed it without
 * the event.  COMPARE0 set means the counter has reached `cc`: arm()
 * clears it after moving CC[0], and stretch, which moves a boundary that
 * may be firing further away, checks it after its write.
 */

#define TIMER_MARGIN 64u /* counts, 4 us */

static uint32_t timer_now(void)
{
    TIMER_CAPTURE1 = 1;
    return TIMER_CC1;
}

/* Arm CC[0] at boundary cc, or a later one if cc is not safely ahead, and
 * clear the event: the old boundary's, which QEMU may even raise again
 * after it was cleared (it fires a compare whenever it brings the counter
 * up to date and finds it equal to CC).  Only after the write, so no
 * boundary can fire unseen in between. */
static void timer_arm(uint32_t cc)
{
    uint32_t behind = timer_now() + TIMER_MARGIN - cc;

    if ((int32_t)behind > 0) /* late: the first boundary safely ahead */
        cc += (behind / tmr.period + 1) * tmr.period;
    TIMER_CC0 = cc;
    TIMER_COMPARE0 = 0;
    while ((int32_t)(timer_now() - cc) >= 0 && TIMER_COMPARE0 == 0) {
        cc += tmr.period; /* the counter passed it before the write took */
        TIMER_CC0 = cc;
    }
    tmr.cc = cc;
}

bool board_timer_start(uint32_t period)
{
    if (period < 2 || period > TIME_IDLE_SPAN_MAX)
        return false;
    tmr.period = period;
    if (!tmr.running) {
        TIMER_STOP = 1;
        TIMER_MODE = 0;      /* timer */
        TIMER_BITMODE = 3;   /* 32 bit */
        TIMER_PRESCALER = 0; /* 16 MHz */
        TIMER_SHORTS = 0;
        TIMER_CLEAR = 1;
        TIMER_INTENSET = TIMER_INT_COMPARE0;
        arch_irq_line_enable(NRF_TIMER_IRQ);
        TIMER_START = 1;
        tmr.running = true;
    }
    tmr.start = timer_now();
    timer_arm(tmr.start + period);
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return TIMER_HZ;
}

uint32_t board_timer_elapsed(void)
{
    return timer_now() - tmr.start;
}

bool board_timer_pending(void)
{
    (void)timer_now(); /* QEMU updates the event on a capture */
    return TIMER_COMPARE0 != 0;
}

uint32_t board_timer_ack(void)
{
    uint32_t moved = tmr.cc - tmr.start;

    tmr.start = tmr.cc;
    timer_arm(tmr.start + tmr.period);
    return moved;
}

uint32_t board_timer_stretch(uint32_t span)
{
    if (tmr.cc - tmr.start != tmr.period || span <= tmr.period ||
        span > TIME_IDLE_SPAN_MAX)
        return 0;
    if ((int32_t)(tmr.cc - timer_now()) < (int32_t)TIMER_MARGIN ||
        TIMER_COMPARE0 != 0)
        return 0; /* the boundary is about to fire: take it first */
    TIMER_CC0 = tmr.start + span;
    if (TIMER_COMPARE0 != 0) { /* the old boundary fired after all */
        TIMER_CC0 = tmr.cc;
        return 0;
    }
    tmr.cc = tmr.start + span;
    return span;
}

uint32_t board_timer_restore(void)
{
    uint32_t moved = 0, e, end, k;

    if (TIMER_COMPARE0 != 0)
        moved = board_timer_ack();
    end = tmr.cc - tmr.start;
    e = timer_now() - tmr.start;
    k = (e < end ? e : end - 1) / tmr.period;
    tmr.start += k * tmr.period;
    /* Bring the boundary back to a period ahead, unless it is that close
     * already (then it must not be touched: it may be firing). */
    if ((int32_t)(tmr.cc - timer_now()) >= (int32_t)(tmr.period + TIMER_MARGIN))
        timer_arm(tmr.start + tmr.period);
    return moved + k * tmr.period;
}

void HANDLER(NRF_TIMER_IRQ)(void)
{
    if (TIMER_COMPARE0 != 0) /* (time_idle may have taken it already) */
        time_tick();
}
