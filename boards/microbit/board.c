/*
 * boards/microbit/board.c - BBC micro:bit v1 (nRF51822, Cortex-M0).
 *
 * Console: UART0 on P0.24 (TX) / P0.25 (RX), the pins wired to the
 * interface chip's virtual COM port.  Tick: TIMER0 in 32-bit timer mode at
 * 16 MHz, free-running, CC[0] the next boundary (the nRF51's Cortex-M0 has
 * no SysTick); CC[1] captures the counter for nanotime.
 * Heap: the rest of the 16 KiB RAM.
 *
 * Registers: nRF51 Series Reference Manual v3, chapters 29 (UART) and 18
 * (TIMER).  Events stay set until written 0; that is also the interrupt
 * acknowledge.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "tern.h"

#define REG(a) (*(volatile uint32_t *)(a))

#define UART0            0x40002000u
#define UART_STARTRX     REG(UART0 + 0x000)
#define UART_STARTTX     REG(UART0 + 0x008)
#define UART_RXDRDY      REG(UART0 + 0x108)
#define UART_TXDRDY      REG(UART0 + 0x11C)
#define UART_INTENSET    REG(UART0 + 0x304)
#define UART_ENABLE      REG(UART0 + 0x500)
#define UART_PSELTXD     REG(UART0 + 0x50C)
#define UART_PSELRXD     REG(UART0 + 0x514)
#define UART_RXD         REG(UART0 + 0x518)
#define UART_TXD         REG(UART0 + 0x51C)
#define UART_BAUDRATE    REG(UART0 + 0x524)
#define UART_IRQ         2
#define UART_INT_RXDRDY  (1u << 2)
#define UART_BAUD_115200 0x01D7E000u

#define TIMER0             0x40008000u
#define TIMER_START        REG(TIMER0 + 0x000)
#define TIMER_STOP         REG(TIMER0 + 0x004)
#define TIMER_CLEAR        REG(TIMER0 + 0x00C)
#define TIMER_CAPTURE1     REG(TIMER0 + 0x044)
#define TIMER_COMPARE0     REG(TIMER0 + 0x140)
#define TIMER_SHORTS       REG(TIMER0 + 0x200)
#define TIMER_INTENSET     REG(TIMER0 + 0x304)
#define TIMER_MODE         REG(TIMER0 + 0x504)
#define TIMER_BITMODE      REG(TIMER0 + 0x508)
#define TIMER_PRESCALER    REG(TIMER0 + 0x510)
#define TIMER_CC0          REG(TIMER0 + 0x540)
#define TIMER_CC1          REG(TIMER0 + 0x544)
#define TIMER_IRQ          8
#define TIMER_INT_COMPARE0 (1u << 16)

void irq2_handler(void);
void irq8_handler(void);

static struct {
    bool tx_busy;    /* a byte is in TXD and TXDRDY has not been seen */
    bool running;    /* TIMER0 configured and started */
    uint32_t period; /* tick period in timer counts */
    uint32_t start;  /* the origin: counter value of the last boundary */
    uint32_t cc;     /* the next boundary (CC[0]) */
} mb TERN_PRIVATE;

extern char __heap_start[], __heap_end[];

void board_init(void)
{
}

/* --- UART0 --- */

void board_uart_init(void)
{
    UART_PSELTXD = 24;
    UART_PSELRXD = 25;
    UART_BAUDRATE = UART_BAUD_115200;
    UART_ENABLE = 4;
    UART_TXDRDY = 0;
    UART_RXDRDY = 0;
    UART_STARTTX = 1;
    UART_STARTRX = 1;
    mb.tx_busy = false;
    UART_INTENSET = UART_INT_RXDRDY;
    arch_irq_line_enable(UART_IRQ);
}

bool board_uart_tx_ready(void)
{
    if (mb.tx_busy && UART_TXDRDY) {
        UART_TXDRDY = 0;
        mb.tx_busy = false;
    }
    return !mb.tx_busy;
}

void board_uart_tx_put(uint8_t c)
{
    mb.tx_busy = true;
    UART_TXD = c;
}

bool board_uart_rx_ready(void)
{
    return UART_RXDRDY != 0;
}

uint8_t board_uart_rx_get(void)
{
    UART_RXDRDY = 0; /* clear before reading: RXD then shows the next byte */
    return (uint8_t)UART_RXD;
}

void irq2_handler(void)
{
    console_rx_isr();
}

/* --- TIMER0: the tick ---------------------------------------------------------
 * TIMER0 runs free: 32 bits at 16 MHz, never cleared (no COMPARE0 -> CLEAR
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
        cc += (behind / mb.period + 1) * mb.period;
    TIMER_CC0 = cc;
    TIMER_COMPARE0 = 0;
    while ((int32_t)(timer_now() - cc) >= 0 && TIMER_COMPARE0 == 0) {
        cc += mb.period; /* the counter passed it before the write took */
        TIMER_CC0 = cc;
    }
    mb.cc = cc;
}

bool board_timer_start(uint32_t period)
{
    if (period < 2 || period > TIME_IDLE_SPAN_MAX)
        return false;
    mb.period = period;
    if (!mb.running) {
        TIMER_STOP = 1;
        TIMER_MODE = 0;      /* timer */
        TIMER_BITMODE = 3;   /* 32 bit */
        TIMER_PRESCALER = 0; /* 16 MHz */
        TIMER_SHORTS = 0;
        TIMER_CLEAR = 1;
        TIMER_INTENSET = TIMER_INT_COMPARE0;
        arch_irq_line_enable(TIMER_IRQ);
        TIMER_START = 1;
        mb.running = true;
    }
    mb.start = timer_now();
    timer_arm(mb.start + period);
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return BOARD_CPU_HZ;
}

uint32_t board_timer_elapsed(void)
{
    return timer_now() - mb.start;
}

bool board_timer_pending(void)
{
    (void)timer_now(); /* QEMU updates the event on a capture */
    return TIMER_COMPARE0 != 0;
}

uint32_t board_timer_ack(void)
{
    uint32_t moved = mb.cc - mb.start;

    mb.start = mb.cc;
    timer_arm(mb.start + mb.period);
    return moved;
}

uint32_t board_timer_stretch(uint32_t span)
{
    if (mb.cc - mb.start != mb.period || span <= mb.period ||
        span > TIME_IDLE_SPAN_MAX)
        return 0;
    if ((int32_t)(mb.cc - timer_now()) < (int32_t)TIMER_MARGIN ||
        TIMER_COMPARE0 != 0)
        return 0; /* the boundary is about to fire: take it first */
    TIMER_CC0 = mb.start + span;
    if (TIMER_COMPARE0 != 0) { /* the old boundary fired after all */
        TIMER_CC0 = mb.cc;
        return 0;
    }
    mb.cc = mb.start + span;
    return span;
}

uint32_t board_timer_restore(void)
{
    uint32_t moved = 0, e, end, k;

    if (TIMER_COMPARE0 != 0)
        moved = board_timer_ack();
    end = mb.cc - mb.start;
    e = timer_now() - mb.start;
    k = (e < end ? e : end - 1) / mb.period;
    mb.start += k * mb.period;
    /* Bring the boundary back to a period ahead, unless it is that close
     * already (then it must not be touched: it may be firing). */
    if ((int32_t)(mb.cc - timer_now()) >= (int32_t)(mb.period + TIMER_MARGIN))
        timer_arm(mb.start + mb.period);
    return moved + k * mb.period;
}

void irq8_handler(void)
{
    if (TIMER_COMPARE0 != 0) /* (time_idle may have taken it already) */
        time_tick();
}

/* --- memory
 * ------------------------------------------------------------------- */

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
    };
    return board_regions_copy(out, max, r, 1);
}
