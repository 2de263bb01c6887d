/*
 * boards/stm32f4-discovery/board.c - STM32F4 Discovery (STM32F407VG).
 * Clocks: 168 MHz from the 8 MHz crystal through the PLL
 * (boards/drivers/stm32f4-clock.c).  Console: USART2 on PA2 (TX) / PA3
 * (RX), AF7 (boards/drivers/stm32-usart.c).  Tick: SysTick
 * (arch/cortex-m/systick.c).  Heartbeat: LD4, the green LED on PD12.
 * Heap: the rest of SRAM1 + SRAM2, and the 64 KiB CCM as a second region.
 */
#include "arch/arch.h"
#include "boards/drivers/stm32f4.h"
#include "kernel/board.h"

#define LED_PORT 'D'
#define LED_PIN  12

extern char __heap_start[], __heap_end[], __ccm_start[], __ccm_end[];

void board_init(void)
{
    (void)stm32f4_clock_init(STM32F4_HSE_HZ);
    STM32F4_RCC_APB1ENR |= STM32F4_APB1_USART2;
    stm32f4_pin_af('A', 2, 7); /* USART2_TX */
    stm32f4_pin_af('A', 3, 7); /* USART2_RX */
    stm32f4_pin_output(LED_PORT, LED_PIN);
}

/* On for the first tenth of every second (at the default 1000 Hz tick). */
void board_heartbeat(uint32_t ticks)
{
    stm32f4_pin_set(LED_PORT, LED_PIN, ticks % 1000u < 100u);
}

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
        {"heap.ccm", (uintptr_t)__ccm_start, (uintptr_t)__ccm_end},
    };
    return board_regions_copy(out, max, r, 2);
}
