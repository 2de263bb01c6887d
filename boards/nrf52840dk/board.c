/*
 * boards/nrf52840dk/board.c - Nordic nRF52840 DK (nRF52840, Cortex-M4F).
 *
 * Clocks: the core always runs at 64 MHz; board_init starts the 32 MHz
 * crystal (HFXO) so that the UART's baud rate and the tick are crystal
 * accurate, not the +-1.5 % of the internal RC oscillator.
 * Console: UARTE0 on P0.06 (TX) / P0.08 (RX), the pins the DK wires to
 * the J-Link's virtual COM port.  Tick: TIMER0 (boards/drivers/nrf-timer.c,
 * shared with the micro:bit).  Heartbeat: LED1 on P0.13 (active low).
 * Heap: the rest of the 256 KiB RAM.
 *
 * Registers: nRF52840 Product Specification v1.7, sections 5.4 (CLOCK),
 * 6.9 (GPIO) and 6.34 (UARTE).  UARTE moves bytes by EasyDMA only, from
 * and to RAM: one-byte buffers here (TX polled on ENDTX, RX interrupt on
 * ENDRX); bytes arriving between an ENDRX and the next STARTRX wait in
 * the UARTE's receive FIFO.  Events stay set until written 0.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/console.h"
#include "tern.h"

#define REG(a) (*(volatile uint32_t *)(a))

#define CLOCK_HFCLKSTART   REG(0x40000000u)
#define CLOCK_HFCLKSTARTED REG(0x40000100u)

#define P0             0x50000000u
#define P0_OUTSET      REG(P0 + 0x508)
#define P0_OUTCLR      REG(P0 + 0x50C)
#define P0_DIRSET      REG(P0 + 0x518)
#define P0_PIN_CNF(n)  REG(P0 + 0x700 + 4 * (n))
#define PIN_CNF_OUTPUT 3u /* DIR output, input buffer disconnected */
#define PIN_CNF_INPUT  0u /* DIR input, input buffer connected */

#define UARTE0             0x40002000u
#define UARTE_STARTRX      REG(UARTE0 + 0x000)
#define UARTE_STARTTX      REG(UARTE0 + 0x008)
#define UARTE_ENDRX        REG(UARTE0 + 0x110)
#define UARTE_ENDTX        REG(UARTE0 + 0x120)
#define UARTE_ERROR        REG(UARTE0 + 0x124)
#define UARTE_INTENSET     REG(UARTE0 + 0x304)
#define UARTE_ERRORSRC     REG(UARTE0 + 0x480)
#define UARTE_ENABLE       REG(UARTE0 + 0x500)
#define UARTE_PSEL_RTS     REG(UARTE0 + 0x508)
#define UARTE_PSEL_TXD     REG(UARTE0 + 0x50C)
#define UARTE_PSEL_CTS     REG(UARTE0 + 0x510)
#define UARTE_PSEL_RXD     REG(UARTE0 + 0x514)
#define UARTE_BAUDRATE     REG(UARTE0 + 0x524)
#define UARTE_RXD_PTR      REG(UARTE0 + 0x534)
#define UARTE_RXD_MAXCNT   REG(UARTE0 + 0x538)
#define UARTE_TXD_PTR      REG(UARTE0 + 0x544)
#define UARTE_TXD_MAXCNT   REG(UARTE0 + 0x548)
#define UARTE_CONFIG       REG(UARTE0 + 0x56C)
#define UARTE_IRQ          2
#define UARTE_INT_ENDRX    (1u << 4)
#define UARTE_ENABLE_UARTE 8u
#define UARTE_BAUD_115200  0x01D60000u /* actual 115108 baud */
#define PSEL_DISCONNECTED  0x80000000u

#define PIN_TX  6
#define PIN_RX  8
#define PIN_LED 13

/* Polls of HFCLKSTARTED: the crystal starts in ~0.3 ms; give it ~50 ms. */
#define HFXO_POLLS 1000000u

void irq2_handler(void);

/* EasyDMA reads and writes these: they must be in RAM (they are). */
static struct {
    bool tx_busy;   /* a byte is on its way: ENDTX not yet seen */
    uint8_t tx_buf; /* the byte being sent (DMA reads it) */
    uint8_t rx_buf; /* the byte received (DMA writes it) */
} dk TERN_PRIVATE;

extern char __heap_start[], __heap_end[];

void board_init(void)
{
    CLOCK_HFCLKSTARTED = 0;
    CLOCK_HFCLKSTART = 1;
    for (uint32_t i = 0; i < HFXO_POLLS && CLOCK_HFCLKSTARTED == 0; i++)
        ;
    P0_OUTSET = 1u << PIN_LED; /* off (active low) */
    P0_PIN_CNF(PIN_LED) = PIN_CNF_OUTPUT;
}

/* --- UARTE0 --- */

void board_uart_init(void)
{
    P0_OUTSET = 1u << PIN_TX; /* idle high before the UARTE drives it */
    P0_PIN_CNF(PIN_TX) = PIN_CNF_OUTPUT;
    P0_PIN_CNF(PIN_RX) = PIN_CNF_INPUT;
    UARTE_PSEL_TXD = PIN_TX; /* port 0, connected */
    UARTE_PSEL_RXD = PIN_RX;
    UARTE_PSEL_RTS = PSEL_DISCONNECTED;
    UARTE_PSEL_CTS = PSEL_DISCONNECTED;
    UARTE_BAUDRATE = UARTE_BAUD_115200;
    UARTE_CONFIG = 0; /* 8N1, no flow control */
    UARTE_ENABLE = UARTE_ENABLE_UARTE;
    UARTE_ENDTX = 0;
    UARTE_ENDRX = 0;
    dk.tx_busy = false;
    UARTE_RXD_PTR = (uint32_t)(uintptr_t)&dk.rx_buf;
    UARTE_RXD_MAXCNT = 1;
    UARTE_STARTRX = 1;
    UARTE_INTENSET = UARTE_INT_ENDRX;
    arch_irq_line_enable(UARTE_IRQ);
}

bool board_uart_tx_ready(void)
{
    if (dk.tx_busy && UARTE_ENDTX) {
        UARTE_ENDTX = 0;
        dk.tx_busy = false;
    }
    return !dk.tx_busy;
}

void board_uart_tx_put(uint8_t c)
{
    dk.tx_buf = c;
    dk.tx_busy = true;
    UARTE_TXD_PTR = (uint32_t)(uintptr_t)&dk.tx_buf;
    UARTE_TXD_MAXCNT = 1;
    UARTE_STARTTX = 1;
}

bool board_uart_rx_ready(void)
{
    return UARTE_ENDRX != 0;
}

/* The byte of the ENDRX just seen; the next transfer starts at once
 * (bytes that came meanwhile are in the receive FIFO).  A framing or
 * overrun error is cleared and the byte kept: the shell copes. */
uint8_t board_uart_rx_get(void)
{
    uint8_t c = dk.rx_buf;

    UARTE_ENDRX = 0;
    if (UARTE_ERROR) {
        UARTE_ERRORSRC = UARTE_ERRORSRC; /* write 1 to clear */
        UARTE_ERROR = 0;
    }
    UARTE_STARTRX = 1;
    return c;
}

void irq2_handler(void)
{
    console_rx_isr();
}

/* LED1 lit for the first tenth of every second (default 1000 Hz tick). */
void board_heartbeat(uint32_t ticks)
{
    if (ticks % 1000u < 100u)
        P0_OUTCLR = 1u << PIN_LED;
    else
        P0_OUTSET = 1u << PIN_LED;
}

/* --- memory --- */

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
    };
    return board_regions_copy(out, max, r, 1);
}
