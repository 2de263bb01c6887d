/*
 * boards/mps2-an385/board.c - ARM MPS2 + AN385 (Cortex-M3).
 * Console: CMSDK UART0 (boards/drivers/cmsdk-uart.c); tick: SysTick at
 * 25 MHz (arch/cortex-m/systick.c).  Heap: the rest of SSRAM2/3 and the
 * 16 MiB PSRAM.
 */
#include "kernel/board.h"

extern char __heap_start[], __heap_end[], __psram_start[], __psram_end[];

void board_init(void)
{
}

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end},
        {"heap.psram", (uintptr_t)__psram_start, (uintptr_t)__psram_end},
    };
    return board_regions_copy(out, max, r, (int)(sizeof r / sizeof r[0]));
}
