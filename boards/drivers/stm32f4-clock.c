/*
 * boards/drivers/stm32f4-clock.c - STM32F4 clock tree and GPIO set-up.
 * See boards/drivers/stm32f4.h for the contract.
 *
 * The sequence (RM0090 6.2, 3.5.1):
 *   1. Power interface clock on, voltage scale 1 (needed above 144 MHz).
 *   2. HSE on; wait for HSERDY (bounded: a board without a crystal, or a
 *      broken one, falls back to the HSI as the PLL's source).
 *   3. PLL: VCO input 1 MHz (M = source MHz), VCO 336 MHz (N = 336),
 *      SYSCLK = VCO / 2 = 168 MHz (P = 2), USB = VCO / 7 = 48 MHz (Q).
 *      Bus prescalers AHB /1, APB1 /4 (42 MHz max), APB2 /2 (84 MHz max)
 *      written first, while SYSCLK is still 16 MHz.
 *   4. Flash: 5 wait states (2.7-3.6 V, 150-168 MHz), prefetch and both
 *      caches on; read back until the latency took, before the switch.
 *   5. PLL on, wait for PLLRDY, SW = PLL, wait until SWS says so.
 *
 * The RCC resets with the core on the HSI and HSIRDY set.  QEMU 7.2's
 * STM32F405 has no RCC model (the block reads as zero), so a zero HSIRDY
 * means "no clock tree to set": the function returns at once, and the
 * rest of the board (pins, USART) runs as on silicon.
 */
#include "boards/drivers/stm32f4.h"

#define RCC_CR      STM32F4_REG(STM32F4_RCC + 0x00)
#define RCC_PLLCFGR STM32F4_REG(STM32F4_RCC + 0x04)
#define RCC_CFGR    STM32F4_REG(STM32F4_RCC + 0x08)
#define PWR_CR      STM32F4_REG(0x40007000u)
#define FLASH_ACR   STM32F4_REG(0x40023C00u)

#define CR_HSIRDY  (1u << 1)
#define CR_HSEON   (1u << 16)
#define CR_HSERDY  (1u << 17)
#define CR_PLLON   (1u << 24)
#define CR_PLLRDY  (1u << 25)
#define PWR_CR_VOS (1u << 14)

#define PLLCFGR_HSE     (1u << 22)
#define CFGR_SW_PLL     2u
#define CFGR_SWS_MASK   (3u << 2)
#define CFGR_SWS_PLL    (2u << 2)
#define CFGR_PPRE1_DIV4 (5u << 10)
#define CFGR_PPRE2_DIV2 (4u << 13)
#define ACR_LATENCY_5   5u
#define ACR_PRFTEN      (1u << 8)
#define ACR_ICEN        (1u << 9)
#define ACR_DCEN        (1u << 10)

#define HSI_HZ     16000000u
#define SYSCLK_HZ  168000000u
/* Polls of a ready flag: ~100 ms at 16 MHz, far beyond any start-up
 * time in the data sheet (HSE 2 ms, PLL 0.1 ms). */
#define WAIT_POLLS 400000u

static bool wait_set(volatile uint32_t *reg, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < WAIT_POLLS; i++)
        if ((*reg & mask) == want)
            return true;
    return false;
}

uint32_t stm32f4_clock_init(uint32_t hse_hz)
{
    uint32_t src_mhz = HSI_HZ / 1000000u, src = 0;

    if ((RCC_CR & CR_HSIRDY) == 0)
        return HSI_HZ; /* no RCC model: nothing to set */
    STM32F4_RCC_APB1ENR |= STM32F4_APB1_PWR;
    PWR_CR |= PWR_CR_VOS;

    if (hse_hz != 0) {
        RCC_CR |= CR_HSEON;
        if (wait_set(&RCC_CR, CR_HSERDY, CR_HSERDY)) {
            src_mhz = hse_hz / 1000000u;
            src = PLLCFGR_HSE;
        } else {
            RCC_CR &= ~CR_HSEON;
        }
    }
    RCC_CFGR = CFGR_PPRE1_DIV4 | CFGR_PPRE2_DIV2; /* still on the HSI */
    RCC_PLLCFGR = src | src_mhz /* M */ | 336u << 6 /* N */ |
                  0u << 16 /* P = 2 */ | 7u << 24 /* Q */;

    FLASH_ACR = ACR_LATENCY_5 | ACR_PRFTEN | ACR_ICEN | ACR_DCEN;
    if (!wait_set(&FLASH_ACR, 7u, ACR_LATENCY_5))
        return HSI_HZ; /* never run faster than the flash allows */

    RCC_CR |= CR_PLLON;
    if (!wait_set(&RCC_CR, CR_PLLRDY, CR_PLLRDY))
        return HSI_HZ;
    RCC_CFGR = CFGR_PPRE1_DIV4 | CFGR_PPRE2_DIV2 | CFGR_SW_PLL;
    if (!wait_set(&RCC_CFGR, CFGR_SWS_MASK, CFGR_SWS_PLL))
        return HSI_HZ;
    return SYSCLK_HZ;
}

static void pin_mode(char port, unsigned pin, uint32_t mode)
{
    uint32_t base = STM32F4_GPIO(port);

    STM32F4_RCC_AHB1ENR |= STM32F4_AHB1_GPIO(port);
    (void)STM32F4_RCC_AHB1ENR; /* the clock is on before the port's write */
    STM32F4_REG(base + 0x04) &= ~(1u << pin);       /* push-pull */
    STM32F4_REG(base + 0x08) |= 3u << (2 * pin);    /* very high speed */
    STM32F4_REG(base + 0x0C) &= ~(3u << (2 * pin)); /* no pull */
    STM32F4_REG(base + 0x00) =
        (STM32F4_REG(base + 0x00) & ~(3u << (2 * pin))) | mode << (2 * pin);
}

void stm32f4_pin_af(char port, unsigned pin, unsigned af)
{
    uint32_t afr = STM32F4_GPIO(port) + (pin < 8 ? 0x20 : 0x24);
    unsigned shift = 4 * (pin % 8);

    STM32F4_RCC_AHB1ENR |= STM32F4_AHB1_GPIO(port);
    (void)STM32F4_RCC_AHB1ENR;
    STM32F4_REG(afr) = (STM32F4_REG(afr) & ~(0xFu << shift)) | af << shift;
    pin_mode(port, pin, 2); /* alternate function */
}

void stm32f4_pin_output(char port, unsigned pin)
{
    pin_mode(port, pin, 1); /* general-purpose output */
    stm32f4_pin_set(port, pin, false);
}
