/*
 * boards/stm32vldiscovery/board.c - STM32VL Discovery (STM32F100RB).
 *
 * Console: USART1 on PA9 (TX) / PA10 (RX) (boards/drivers/stm32-usart.c:
 * the F1's USART has the F4's registers); tick: SysTick
 * (arch/cortex-m/systick.c).  Heap: the rest of the 8 KiB SRAM.
 * Heartbeat: LD3 (green, PC9).
 *
 * Registers: RM0041 (STM32F100xx reference manual) sections 6 (RCC) and
 * 7 (GPIO: the F1's CRL/CRH pin configuration, four bits a pin).
 *
 * Clocks: the core resets on the 8 MHz HSI; board_init moves it to
 * 24 MHz (the part's maximum, no flash wait states needed) from the
 * 8 MHz crystal through the PLL (x3), AHB, APB1 and APB2 undivided.
 * Every wait is bounded; a crystal that does not start leaves the core
 * on the HSI (the tick then runs a third as fast: BOARD_CPU_HZ says 24).
 * QEMU 7.2 models no RCC for the F100 (the block reads as zero) and
 * clocks the core at 24 MHz: a zero HSIRDY means "nothing to set".
 */
#include "kernel/board.h"

#define REG(a) (*(volatile uint32_t *)(a))

#define RCC_CR      REG(0x40021000u)
#define RCC_CFGR    REG(0x40021004u)
#define RCC_APB2ENR REG(0x40021018u)
#define GPIOA_CRH   REG(0x40010804u)
#define GPIOC_CRH   REG(0x40011004u)
#define GPIOC_BSRR  REG(0x40011010u)

#define CR_HSIRDY     (1u << 1)
#define CR_HSEON      (1u << 16)
#define CR_HSERDY     (1u << 17)
#define CR_PLLON      (1u << 24)
#define CR_PLLRDY     (1u << 25)
#define CFGR_SW_PLL   2u
#define CFGR_SWS_MASK (3u << 2)
#define CFGR_SWS_PLL  (2u << 2)
#define CFGR_PLLSRC   (1u << 16) /* PLL input: PREDIV1 (HSE / 1) */
#define CFGR_PLLMUL3  (1u << 18) /* PLLMUL = 0001: x3 */
#define APB2_IOPA     (1u << 2)
#define APB2_IOPC     (1u << 4)
#define APB2_USART1   (1u << 14)

/* Polls of a ready flag: ~50 ms at 8 MHz, far beyond the data sheet's
 * start-up times (HSE 2 ms, PLL 0.2 ms). */
#define WAIT_POLLS 100000u

static bool wait_set(volatile uint32_t *reg, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < WAIT_POLLS; i++)
        if ((*reg & mask) == want)
            return true;
    return false;
}

static void clock_init(void)
{
    if ((RCC_CR & CR_HSIRDY) == 0)
        return; /* no RCC model (QEMU): nothing to set */
    RCC_CR |= CR_HSEON;
    if (!wait_set(&RCC_CR, CR_HSERDY, CR_HSERDY)) {
        RCC_CR &= ~CR_HSEON;
        return;
    }
    RCC_CFGR = CFGR_PLLSRC | CFGR_PLLMUL3; /* still on the HSI */
    RCC_CR |= CR_PLLON;
    if (!wait_set(&RCC_CR, CR_PLLRDY, CR_PLLRDY))
        return;
    RCC_CFGR = CFGR_PLLSRC | CFGR_PLLMUL3 | CFGR_SW_PLL;
    (void)wait_set(&RCC_CFGR, CFGR_SWS_MASK, CFGR_SWS_PLL);
}

/* Pin 8..15 of a port to a four-bit CRH configuration. */
static void pin_conf(volatile uint32_t *crh, unsigned pin, uint32_t conf)
{
    unsigned shift = 4 * (pin - 8);

    *crh = (*crh & ~(0xFu << shift)) | conf << shift;
}

void board_init(void)
{
    clock_init();
    RCC_APB2ENR |= APB2_IOPA | APB2_IOPC | APB2_USART1;
    (void)RCC_APB2ENR; /* the clocks are on before the ports' writes */
    pin_conf(&GPIOA_CRH, 9, 0xB);  /* USART1_TX: AF push-pull, 50 MHz */
    pin_conf(&GPIOA_CRH, 10, 0x4); /* USART1_RX: floating input */
    pin_conf(&GPIOC_CRH, 9, 0x2);  /* LD3: push-pull output, 2 MHz */
}

/* LD3 lit for the first tenth of every second. */
void board_heartbeat(uint32_t ticks)
{
    GPIOC_BSRR = ticks % 1000 < 100 ? 1u << 9 : 1u << (9 + 16);
}

extern char __heap_start[], __heap_end[];

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
    };
    return board_regions_copy(out, max, r, 1);
}
