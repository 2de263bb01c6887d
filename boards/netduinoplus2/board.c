/*
 * boards/netduinoplus2/board.c - Netduino Plus 2 (STM32F405RG).
 * Console: USART1 on PA9 (TX) / PA10 (RX), AF7
 * (boards/drivers/stm32-usart.c); tick: SysTick (arch/cortex-m/systick.c).
 * Heap: the rest of SRAM, and the 64 KiB CCM as a second region when the
 * chip has it (QEMU 7.2 does not model it).
 *
 * Clocks: 168 MHz from the 25 MHz crystal through the PLL, as on the
 * STM32F4 Discovery (boards/drivers/stm32f4-clock.c, shared with it, so
 * its pin and USART code runs here in QEMU).  QEMU 7.2 models no RCC and
 * clocks the core (and so SysTick) at 168 MHz whatever RCC says; the
 * clock driver sees that and leaves the tree alone.
 */
#include "arch/arch.h"
#include "boards/drivers/stm32f4.h"
#include "kernel/board.h"

extern char __heap_start[], __heap_end[], __ccm_start[], __ccm_end[];

void board_init(void)
{
    (void)stm32f4_clock_init(STM32F4_HSE_HZ);
    STM32F4_RCC_APB2ENR |= STM32F4_APB2_USART1;
    stm32f4_pin_af('A', 9, 7);  /* USART1_TX */
    stm32f4_pin_af('A', 10, 7); /* USART1_RX */
}

/* The CCM is a heap region when it answers: the silicon has it, QEMU 7.2's
 * model of the chip does not (reads there are bus errors). */
int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
        {"heap.ccm", (uintptr_t)__ccm_start, (uintptr_t)__ccm_end},
    };
    bool ccm = arch_probe_read((uintptr_t)__ccm_start) &&
               arch_probe_read((uintptr_t)__ccm_end - 4);

    return board_regions_copy(out, max, r, ccm ? 2 : 1);
}
