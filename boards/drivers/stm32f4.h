/*
 * boards/drivers/stm32f4.h - the STM32F4 pieces boards share: the clock
 * tree (boards/drivers/stm32f4-clock.c) and GPIO pin set-up.  Used by
 * netduinoplus2 (its QEMU twin runs this code) and stm32f4-discovery.
 *
 * Registers: RM0090 (STM32F405/407 reference manual) sections 6 (RCC),
 * 8 (GPIO) and 3 (flash interface).
 */
#ifndef BOARDS_DRIVERS_STM32F4_H
#define BOARDS_DRIVERS_STM32F4_H

#include <stdbool.h>
#include <stdint.h>

#define STM32F4_REG(a) (*(volatile uint32_t *)(a))

#define STM32F4_RCC          0x40023800u
#define STM32F4_RCC_AHB1ENR  STM32F4_REG(STM32F4_RCC + 0x30)
#define STM32F4_RCC_APB1ENR  STM32F4_REG(STM32F4_RCC + 0x40)
#define STM32F4_RCC_APB2ENR  STM32F4_REG(STM32F4_RCC + 0x44)
#define STM32F4_APB1_USART2  (1u << 17)
#define STM32F4_APB1_PWR     (1u << 28)
#define STM32F4_APB2_USART1  (1u << 4)
#define STM32F4_GPIO(port)   (0x40020000u + 0x400u * (uint32_t)((port) - 'A'))
#define STM32F4_AHB1_GPIO(p) (1u << ((p) - 'A'))

/* The clock tree at full speed: SYSCLK 168 MHz from the PLL, fed by the
 * hse_hz crystal (a multiple of 1 MHz, 4..26 MHz), or by the 16 MHz HSI
 * if the crystal does not start; AHB 168 MHz, APB1 42 MHz, APB2 84 MHz,
 * the 48 MHz USB/SDIO clock.  Flash wait states (5) and caches are set
 * before the switch.  Every wait is bounded.  Returns the SYSCLK it left
 * running: 168000000, or 16000000 (HSI, unchanged) where no RCC answers -
 * QEMU 7.2 models none, and there the core clock is 168 MHz anyway.
 * Called from board_init, interrupts masked. */
uint32_t stm32f4_clock_init(uint32_t hse_hz);

/* Pin `pin` of GPIO port `port` ('A'..'I') to alternate function af
 * (push-pull, high speed, no pull), its port clock enabled. */
void stm32f4_pin_af(char port, unsigned pin, unsigned af);

/* Pin `pin` of port `port` a push-pull output, driven low. */
void stm32f4_pin_output(char port, unsigned pin);

/* Drive an output pin high (on) or low. */
static inline void stm32f4_pin_set(char port, unsigned pin, bool on)
{
    /* BSRR: the low half sets, the high half resets, atomically. */
    STM32F4_REG(STM32F4_GPIO(port) + 0x18) = on ? 1u << pin : 1u << (pin + 16);
}

#endif /* BOARDS_DRIVERS_STM32F4_H */
