/*
 * boards/microbit/board.c - BBC micro:bit v1 (nRF51822, Cortex-M0).
 *
 * Console: UART0 on P0.24 (TX) / P0.25 (RX), the pins wired to the
 * interface chip's virtual COM port.  Tick: TIMER0
 * (boards/drivers/nrf-timer.c, shared with the nRF52840 DK; the nRF51's
 * Cortex-M0 has no SysTick).
 * Heap: the rest of the 16 KiB RAM.
 *
 * Registers: nRF51 Series Reference Manual v3, chapter 29 (UART).  Events stay set until written 0; that is also the interrupt
 * acknowledge.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/console.h"
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

void irq2_handler(void);

static struct {
    bool tx_busy; /* a byte is in TXD and TXDRDY has not been seen */
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

/* --- memory
 * ------------------------------------------------------------------- */

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
    };
    return board_regions_copy(out, max, r, 1);
}
