/*
 * boards/rpi-pico/board.c - Raspberry Pi Pico (RP2040, Cortex-M0+).
 *
 * Boot: the bootrom runs boot2.S (XIP on), which enters arch_reset through
 * the vector table at 0x10000100; VTOR already points there.
 * Clocks (board_init): the 12 MHz crystal (XOSC) feeds clk_ref, and
 * PLL_SYS (12 MHz / 1 * 125 = 1500 MHz VCO, / 6 / 2) gives clk_sys =
 * 125 MHz; clk_peri (UART) = clk_sys.  The watchdog's tick runs at 1 MHz
 * from clk_ref, for the TIMER block.
 * Console: UART0 (ARM PL011) on GP0 (TX) / GP1 (RX), FIFOs on, receive
 * and receive-timeout interrupts.  Tick: SysTick (arch/cortex-m/systick.c).
 * Heartbeat: the LED on GP25.  Heap: the rest of SRAM0-3.
 *
 * Registers: RP2040 datasheet, sections 2.14 (RESETS), 2.15 (CLOCKS),
 * 2.16 (XOSC), 2.18 (PLL), 2.19 (GPIO), 2.3.1 (SIO), 4.2 (UART).
 * Every peripheral register also has atomic aliases: +0x2000 sets the
 * bits written, +0x3000 clears them.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/console.h"
#include "tern.h"

#define REG(a) (*(volatile uint32_t *)(a))
#define SET(a) REG((a) + 0x2000u)
#define CLR(a) REG((a) + 0x3000u)

#define RESETS           0x4000C000u
#define RESETS_RESET     (RESETS + 0x0)
#define RESETS_DONE      REG(RESETS + 0x8)
#define RESET_IO_BANK0   (1u << 5)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_PLL_SYS    (1u << 12)
#define RESET_UART0      (1u << 22)

#define XOSC_CTRL          REG(0x40024000u)
#define XOSC_STATUS        REG(0x40024004u)
#define XOSC_STARTUP       REG(0x4002400Cu)
#define XOSC_RANGE_1_15MHZ 0xAA0u
#define XOSC_ENABLE        (0xFABu << 12)
#define XOSC_STABLE        (1u << 31)

#define CLOCKS           0x40008000u
#define CLK_REF_CTRL     REG(CLOCKS + 0x30)
#define CLK_REF_DIV      REG(CLOCKS + 0x34)
#define CLK_REF_SELECTED REG(CLOCKS + 0x38)
#define CLK_SYS_CTRL     REG(CLOCKS + 0x3C)
#define CLK_SYS_DIV      REG(CLOCKS + 0x40)
#define CLK_SYS_SELECTED REG(CLOCKS + 0x44)
#define CLK_PERI_CTRL    REG(CLOCKS + 0x48)
#define CLK_REF_SRC_XOSC 2u
#define CLK_SYS_SRC_AUX  1u         /* AUXSRC 0: PLL_SYS */
#define CLK_PERI_ENABLE  (1u << 11) /* AUXSRC 0: clk_sys */
#define CLK_DIV_1        (1u << 8)

#define PLL_SYS           0x40028000u
#define PLL_CS            REG(PLL_SYS + 0x0)
#define PLL_PWR           (PLL_SYS + 0x4)
#define PLL_FBDIV_INT     REG(PLL_SYS + 0x8)
#define PLL_PRIM          REG(PLL_SYS + 0xC)
#define PLL_CS_LOCK       (1u << 31)
#define PLL_PWR_PD        (1u << 0)
#define PLL_PWR_POSTDIVPD (1u << 3)
#define PLL_PWR_VCOPD     (1u << 5)

#define WATCHDOG_TICK        REG(0x4005802Cu)
#define WATCHDOG_TICK_ENABLE (1u << 9)

#define IO_BANK0_CTRL(n) REG(0x40014004u + 8u * (n))
#define FUNC_UART        2u
#define FUNC_SIO         5u

#define SIO_OUT_SET REG(0xD0000014u)
#define SIO_OUT_CLR REG(0xD0000018u)
#define SIO_OE_SET  REG(0xD0000024u)

#define UART0             0x40034000u
#define UART_DR           REG(UART0 + 0x00)
#define UART_FR           REG(UART0 + 0x18)
#define UART_IBRD         REG(UART0 + 0x24)
#define UART_FBRD         REG(UART0 + 0x28)
#define UART_LCR_H        REG(UART0 + 0x2C)
#define UART_CR           REG(UART0 + 0x30)
#define UART_IMSC         REG(UART0 + 0x38)
#define UART_FR_RXFE      (1u << 4)
#define UART_FR_TXFF      (1u << 5)
#define UART_LCR_8N1_FIFO (3u << 5 | 1u << 4)
#define UART_CR_EN        (1u << 0 | 1u << 8 | 1u << 9) /* UARTEN, TXE, RXE */
#define UART_IM_RX        (1u << 4 | 1u << 6)           /* RXIM, RTIM */
#define UART_IRQ          20

#define XOSC_HZ     12000000u
#define CLK_PERI_HZ 125000000u
#define PIN_TX      0
#define PIN_RX      1
#define PIN_LED     25
/* Bounded waits: ~0.1 s even at the 6.5 MHz the ring oscillator gives. */
#define WAIT_POLLS  200000u

void irq20_handler(void);

extern char __heap_start[], __heap_end[];

static bool wait_set(volatile uint32_t *reg, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < WAIT_POLLS; i++)
        if ((*reg & mask) == want)
            return true;
    return false;
}

static void unreset(uint32_t bits)
{
    CLR(RESETS_RESET) = bits;
    (void)wait_set(&RESETS_DONE, bits, bits);
}

/* 125 MHz from the crystal.  If the crystal or the PLL does not come up
 * (a broken board), the core stays on the ring oscillator: slow, and the
 * UART's baud rate wrong, but running. */
static void clocks_init(void)
{
    XOSC_STARTUP = (XOSC_HZ / 1000u + 128u) / 256u; /* ~1 ms, in 256s */
    XOSC_CTRL = XOSC_RANGE_1_15MHZ | XOSC_ENABLE;
    if (!wait_set(&XOSC_STATUS, XOSC_STABLE, XOSC_STABLE))
        return;

    /* clk_sys off the aux mux (onto clk_ref) before the PLL changes. */
    CLK_SYS_CTRL &= ~CLK_SYS_SRC_AUX;
    (void)wait_set(&CLK_SYS_SELECTED, 1u, 1u);
    CLK_REF_DIV = CLK_DIV_1;
    CLK_REF_CTRL = CLK_REF_SRC_XOSC;
    (void)wait_set(&CLK_REF_SELECTED, 1u << CLK_REF_SRC_XOSC,
                   1u << CLK_REF_SRC_XOSC);
    WATCHDOG_TICK = WATCHDOG_TICK_ENABLE | XOSC_HZ / 1000000u;

    SET(RESETS_RESET) = RESET_PLL_SYS;
    unreset(RESET_PLL_SYS);
    PLL_CS = 1;          /* REFDIV */
    PLL_FBDIV_INT = 125; /* VCO 1500 MHz */
    CLR(PLL_PWR) = PLL_PWR_PD | PLL_PWR_VCOPD;
    if (!wait_set(&PLL_CS, PLL_CS_LOCK, PLL_CS_LOCK))
        return;
    PLL_PRIM = 6u << 16 | 2u << 12; /* POSTDIV1 6, POSTDIV2 2 */
    CLR(PLL_PWR) = PLL_PWR_POSTDIVPD;

    CLK_SYS_DIV = CLK_DIV_1;
    CLK_SYS_CTRL = CLK_SYS_SRC_AUX; /* AUXSRC 0: PLL_SYS */
    (void)wait_set(&CLK_SYS_SELECTED, 2u, 2u);
    CLK_PERI_CTRL = CLK_PERI_ENABLE;
}

void board_init(void)
{
    clocks_init();
    unreset(RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_UART0);
    SIO_OUT_CLR = 1u << PIN_LED;
    SIO_OE_SET = 1u << PIN_LED;
    IO_BANK0_CTRL(PIN_LED) = FUNC_SIO;
}

/* --- UART0 --- */

void board_uart_init(void)
{
    /* Baud divisor 125 MHz / (16 * 115200) = 67 + 52/64; the line
     * control write after the divisor latches it. */
    uint32_t div = 8u * CLK_PERI_HZ / 115200u; /* in 1/128ths */

    UART_IBRD = div >> 7;
    UART_FBRD = ((div & 0x7Fu) + 1u) / 2u;
    UART_LCR_H = UART_LCR_8N1_FIFO;
    UART_CR = UART_CR_EN;
    IO_BANK0_CTRL(PIN_TX) = FUNC_UART;
    IO_BANK0_CTRL(PIN_RX) = FUNC_UART;
    UART_IMSC = UART_IM_RX;
    arch_irq_line_enable(UART_IRQ);
}

bool board_uart_tx_ready(void)
{
    return (UART_FR & UART_FR_TXFF) == 0;
}

void board_uart_tx_put(uint8_t c)
{
    UART_DR = c;
}

bool board_uart_rx_ready(void)
{
    return (UART_FR & UART_FR_RXFE) == 0;
}

/* Reading DR pops the FIFO; both receive interrupts clear once it is
 * empty (errors in DR's upper bits are dropped with it). */
uint8_t board_uart_rx_get(void)
{
    return (uint8_t)UART_DR;
}

void irq20_handler(void)
{
    console_rx_isr();
}

/* The LED lit for the first tenth of every second (default 1000 Hz). */
void board_heartbeat(uint32_t ticks)
{
    if (ticks % 1000u < 100u)
        SIO_OUT_SET = 1u << PIN_LED;
    else
        SIO_OUT_CLR = 1u << PIN_LED;
}

/* --- memory --- */

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
    };
    return board_regions_copy(out, max, r, 1);
}
