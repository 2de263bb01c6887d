/*
 * boards/pc/pit.c - the board tick (kernel/board.h) from the 8254 PIT.
 * See kernel/time.c for the overview.
 *
 * Channel 0 counts down at 1.193182 MHz (BOARD_CPU_HZ) in mode 2, the
 * rate generator: loaded with n, it counts n, n-1, ..., 1, then reloads
 * n and pulses its output, which is IRQ 0 at the 8259.  So a countdown
 * of n counts has done n - count, and
 *
 *   pending = IRR bit 0             raised, not yet acknowledged
 *
 * The count is 16 bits: countdowns of 2 .. 65535 counts, tick rates from
 * 18.2 Hz to 596 kHz; board_timer_start refuses others.
 *
 * Reading the count: the latch command (0x00) freezes a copy of channel
 * 0's count, read low byte then high byte, so the two halves belong
 * together; interrupts are masked across the three port accesses so no
 * other reader can interleave.
 *
 * Loading a count restarts the countdown at once (the control word and
 * both bytes; QEMU restarts on any count write, where the chip would wait
 * for the next reload), so every change of length is a restart, and the
 * counts between the driver's last read and the restart are lost: a few
 * port accesses, plus the fraction of a count the restart discards.  The
 * 8259 keeps a request in IRR until the CPU acknowledges it, so a tick
 * raised under the old count would still be delivered after a restart;
 * pic_discard drops it.
 *
 * State: `load`, the countdown length (mode 2 repeats it); `base`, counts
 * from the origin (board.h) to the countdown's start - the driver's
 * restarts happen at arbitrary points, and base keeps the origin on the
 * boundary time.c accounted to; negative after restore moved the origin
 * forward over whole periods.
 *
 * Tickless idle:
 *   stretch  restart with the count that ends at the span's boundary (at
 *            most 65535 counts, 55 ms: longer idles chain).
 *   ack      after a stretched countdown, restart with the period (base:
 *            the counts since the wrap, read just before).
 *   restore  more than a period of a stretched countdown left: restart
 *            with the period; otherwise move the origin over the whole
 *            periods elapsed.
 *
 * QEMU derives the count from its clock but raises IRQ 0 from a timer
 * callback that may run late, so just after a wrap the count can read
 * high (reloaded) with IRR still clear.  A count that went back since the
 * last read in the same countdown is such a wrap: `wrapped` remembers it
 * until the ack, so elapsed never goes back and a restart in that window
 * does not lose the countdown.
 */
#include "arch/arch.h"
#include "arch/x86/x86.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "tern.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_IRQ 0

#define CMD_CH0_LOHI_MODE2 0x34 /* channel 0, low then high byte, mode 2 */
#define CMD_CH0_LATCH      0x00
#define COUNT_MAX          0xFFFFu
#define MARGIN             16u /* counts (13 us) a restart keeps clear */

void irq0_handler(void);

static struct {
    uint32_t period; /* the tick period, counts */
    uint32_t load;   /* countdown length loaded */
    int32_t base;    /* counts from the origin to the countdown's start */
    uint32_t last;   /* counts done when last read, this countdown */
    bool wrapped;    /* the countdown wrapped; its IRQ not yet acked */
} pit TERN_PRIVATE;

/* Counts done of the countdown in progress. */
static uint32_t done(void)
{
    unsigned long s = arch_irq_save();
    uint32_t count;

    outb(PIT_CMD, CMD_CH0_LATCH);
    count = inb(PIT_CH0);
    count |= (uint32_t)inb(PIT_CH0) << 8;
    arch_irq_restore(s);
    if (count == 0)
        count = 0x10000; /* mode 2 never shows 0; be safe */
    return count >= pit.load ? 0 : pit.load - count;
}

/* Restart the countdown with n counts, now. */
static void load(uint32_t n)
{
    outb(PIT_CMD, CMD_CH0_LOHI_MODE2);
    outb(PIT_CH0, (uint8_t)(n & 0xFF));
    outb(PIT_CH0, (uint8_t)(n >> 8));
    pic_discard(PIT_IRQ);
    pit.load = n;
    pit.last = 0;
    pit.wrapped = false;
}

bool board_timer_start(uint32_t period)
{
    if (period < 2 || period > COUNT_MAX)
        return false;
    pit.period = period;
    load(period);
    pit.base = 0;
    arch_irq_line_enable(PIT_IRQ);
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return BOARD_CPU_HZ;
}

uint32_t board_timer_elapsed(void)
{
    uint32_t c = done();

    if (pic_pending(PIT_IRQ)) {
        c = done(); /* certainly after the wrap */
        pit.wrapped = true;
    } else if (c < pit.last) {
        pit.wrapped = true; /* wrapped, IRQ not raised yet (QEMU) */
    }
    pit.last = c;
    return (uint32_t)(pit.base + (int32_t)(pit.wrapped ? pit.load : 0) +
                      (int32_t)c);
}

bool board_timer_pending(void)
{
    return pic_pending(PIT_IRQ);
}

uint32_t board_timer_ack(void)
{
    uint32_t moved = (uint32_t)(pit.base + (int32_t)pit.load);

    pic_discard(PIT_IRQ); /* time_idle's take; a no-op in the handler */
    pit.base = 0;
    pit.last = 0;
    pit.wrapped = false;
    if (pit.load != pit.period) {
        /* A stretched countdown ended: back to periods, counting the
         * counts since its wrap (it has reloaded its own length). */
        uint32_t c = done();
        load(pit.period);
        pit.base = (int32_t)c;
    }
    return moved;
}

uint32_t board_timer_stretch(uint32_t span)
{
    uint32_t e, end;

    if (pit.load != pit.period)
        return 0;
    e = board_timer_elapsed();
    if (pit.wrapped || span <= e)
        return 0; /* a tick is due: take it first */
    end = span - e <= COUNT_MAX ? span
                                : (e + COUNT_MAX) / pit.period * pit.period;
    if (end < 2 * pit.period || end - e < MARGIN)
        return 0;
    load(end - e); /* the counts since the read of e are lost */
    pit.base = (int32_t)e;
    return end;
}

uint32_t board_timer_restore(void)
{
    uint32_t moved = 0, e, end, k;

    if (pic_pending(PIT_IRQ))
        moved += board_timer_ack();
    e = board_timer_elapsed();
    if (pit.load != pit.period &&
        (pit.wrapped || pit.load - pit.last > pit.period)) {
        /* More than a period of the stretched countdown is left (or it
         * wrapped unseen and began again): restart with the period.  The
         * origin is now; the counts since the read of e are lost. */
        load(pit.period);
        pit.base = 0;
        return moved + e;
    }
    /* The next wrap is at most a period away: move the origin over the
     * whole periods elapsed, within the countdown in progress.  (If it
     * wrapped unseen, its IRQ is still to come and will be acked.) */
    end = (uint32_t)(pit.base + (int32_t)pit.load);
    k = (e < end ? e : end) / pit.period;
    pit.base -= (int32_t)(k * pit.period);
    return moved + k * pit.period;
}

void irq0_handler(void)
{
    time_tick();
}
