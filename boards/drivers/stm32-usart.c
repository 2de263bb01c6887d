/*
 * boards/drivers/stm32-usart.c - the console on an STM32F1/F2/F4 USART.
 * Configured by board.mk: STM32_USART_BASE, STM32_USART_IRQ (its NVIC
 * line), STM32_USART_PCLK (the bus clock feeding it).  Implements the UART
 * part of kernel/board.h; the board enables the peripheral clock and pins.
 *
 * Registers (RM0090 section 30.6): SR +0 (RXNE bit 5, TXE bit 7),
 * DR +4, BRR +8, CR1 +0xC (UE bit 13, TE bit 3, RE bit 2, RXNEIE bit 5).
 * Reading DR clears RXNE, which is also the interrupt acknowledge.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/console.h"

#define USART_REG(off) (*(volatile uint32_t *)(STM32_USART_BASE + (off)))
#define SR             USART_REG(0x00)
#define DR             USART_REG(0x04)
#define BRR            USART_REG(0x08)
#define CR1            USART_REG(0x0C)

#define SR_RXNE    (1u << 5)
#define SR_ORE     (1u << 3)
#define SR_TXE     (1u << 7)
#define CR1_UE     (1u << 13)
#define CR1_RXNEIE (1u << 5)
#define CR1_TE     (1u << 3)
#define CR1_RE     (1u << 2)

#define HANDLER_(n) irq##n##_handler
#define HANDLER(n)  HANDLER_(n)
void HANDLER(STM32_USART_IRQ)(void);

void board_uart_init(void)
{
    BRR = (STM32_USART_PCLK + 115200 / 2) / 115200;
    CR1 = CR1_UE | CR1_TE | CR1_RE | CR1_RXNEIE;
    arch_irq_line_enable(STM32_USART_IRQ);
}

bool board_uart_tx_ready(void)
{
    return (SR & SR_TXE) != 0;
}

void board_uart_tx_put(uint8_t c)
{
    DR = c;
}

bool board_uart_rx_ready(void)
{
    /* An overrun also sets RXNE's interrupt; reading DR clears both. */
    return (SR & (SR_RXNE | SR_ORE)) != 0;
}

uint8_t board_uart_rx_get(void)
{
    return (uint8_t)DR;
}

void HANDLER(STM32_USART_IRQ)(void)
{
    console_rx_isr();
}
