/*
 * boards/netduinoplus2/board.c - Netduino Plus 2 (STM32F405RG).
 * Console: USART1 on PA9 (TX) / PA10 (RX), AF7
 * (boards/drivers/stm32-usart.c); tick: SysTick (arch/cortex-m/systick.c).
 * Heap: the rest of SRAM, and the 64 KiB CCM as a second region when the
 * chip has it (QEMU 7.2 does not model it).
 *
 * Clocks: the core runs from the 16 MHz HSI after reset; QEMU models the
 * core clock as 168 MHz whatever RCC says.  The PLL set-up for real
 * silicon comes with the hardware-boards issue (stm32f4-discovery).
 */
#include "arch/arch.h"
#include "kernel/board.h"

#define REG(a)      (*(volatile uint32_t *)(a))
#define RCC_AHB1ENR REG(0x40023830)
#define RCC_APB2ENR REG(0x40023844)
#define GPIOA_MODER REG(0x40020000)
#define GPIOA_AFRH  REG(0x40020024)

extern char __heap_start[], __heap_end[], __ccm_start[], __ccm_end[];

void board_init(void)
{
    RCC_AHB1ENR |= 1u << 0; /* GPIOA */
    RCC_APB2ENR |= 1u << 4; /* USART1 */
    /* PA9, PA10: alternate function 7 (USART1) */
    GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 18)) | (0xAu << 18);
    GPIOA_AFRH = (GPIOA_AFRH & ~(0xFFu << 4)) | (0x77u << 4);
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
