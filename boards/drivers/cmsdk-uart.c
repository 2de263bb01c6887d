/*
 * boards/drivers/cmsdk-uart.c - the console on an ARM CMSDK APB UART
 * (MPS2 boards).  Configured by board.mk: CMSDK_UART_BASE (address),
 * CMSDK_UART_RX_IRQ (its receive interrupt line), BOARD_CPU_HZ (PCLK).
 * Implements the UART part of kernel/board.h.
 *
 * Registers (ARM CMSDK APB UART TRM): DATA +0, STATE +4 (bit 0 TX full,
 * bit 1 RX full), CTRL +8 (TX/RX enable, TX/RX interrupt enable),
 * INTSTATUS/INTCLEAR +0xC, BAUDDIV +0x10.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/console.h"

#define UART_REG(off) (*(volatile uint32_t *)(CMSDK_UART_BASE + (off)))
#define DATA          UART_REG(0x00)
#define STATE         UART_REG(0x04)
#define CTRL          UART_REG(0x08)
#define INTCLEAR      UART_REG(0x0C)
#define BAUDDIV       UART_REG(0x10)

#define STATE_TXFULL 0x1u
#define STATE_RXFULL 0x2u
#define CTRL_TXEN    0x1u
#define CTRL_RXEN    0x2u
#define CTRL_RXINTEN 0x8u
#define INT_RX       0x2u

#define HANDLER_(n) irq##n##_handler
#define HANDLER(n)  HANDLER_(n)
void HANDLER(CMSDK_UART_RX_IRQ)(void);

void board_uart_init(void)
{
    BAUDDIV = BOARD_CPU_HZ / 115200;
    CTRL = CTRL_TXEN | CTRL_RXEN | CTRL_RXINTEN;
    INTCLEAR = INT_RX;
    arch_irq_line_enable(CMSDK_UART_RX_IRQ);
}

bool board_uart_tx_ready(void)
{
    return (STATE & STATE_TXFULL) == 0;
}

void board_uart_tx_put(uint8_t c)
{
    DATA = c;
}

bool board_uart_rx_ready(void)
{
    return (STATE & STATE_RXFULL) != 0;
}

uint8_t board_uart_rx_get(void)
{
    return (uint8_t)DATA;
}

void HANDLER(CMSDK_UART_RX_IRQ)(void)
{
    INTCLEAR = INT_RX;
    console_rx_isr();
}
