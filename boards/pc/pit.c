/*
 * boards/pc/pit.c - the board tick (kernel/board.h) from the 8254 PIT.
 *
 * Channel 0 counts down at 1.193182 MHz (BOARD_CPU_HZ) in mode 2, the
 * rate generator: loaded with `period`, it counts period, period-1, ...,
 * 1, then reloads and pulses its output, which is IRQ 0 at the 8259.  So
 *
 *   elapsed = period - count        0 .. period-1
 *   pending = IRR bit 0             raised, not yet acknowledged
 *
 * The divisor is 16 bits: periods of 2 .. 65535 counts, tick rates from
 * 18.2 Hz to 596 kHz; board_timer_start refuses others.
 *
 * Reading the count: the latch command (0x00) freezes a copy of channel
 * 0's count, read low byte then high byte, so the two halves belong
 * together; interrupts are masked across the three port accesses so no
 * other reader can interleave.
 *
 * Restarting: the 8259 keeps a request in IRR until the CPU acknowledges
 * it, so a tick raised under the old period would still be delivered
 * after the restart; pic_discard drops it, which makes "no tick pending"
 * true as board.h asks.  (A period of a few counts could complete again
 * between the reload and the discard; tick rates that high are not
 * meaningful anyway.)
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
#define PERIOD_MAX         0xFFFFu

void irq0_handler(void);

static uint32_t period_now TERN_PRIVATE;

bool board_timer_start(uint32_t period)
{
    if (period < 2 || period > PERIOD_MAX)
        return false;
    outb(PIT_CMD, CMD_CH0_LOHI_MODE2);
    outb(PIT_CH0, (uint8_t)(period & 0xFF));
    outb(PIT_CH0, (uint8_t)(period >> 8));
    pic_discard(PIT_IRQ);
    period_now = period;
    arch_irq_line_enable(PIT_IRQ);
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return BOARD_CPU_HZ;
}

uint32_t board_timer_elapsed(void)
{
    unsigned long s = arch_irq_save();
    uint32_t count;

    outb(PIT_CMD, CMD_CH0_LATCH);
    count = inb(PIT_CH0);
    count |= (uint32_t)inb(PIT_CH0) << 8;
    arch_irq_restore(s);
    if (count == 0 || count > period_now)
        return 0;
    return period_now - count;
}

bool board_timer_pending(void)
{
    return pic_pending(PIT_IRQ);
}

void irq0_handler(void)
{
    time_tick();
}
