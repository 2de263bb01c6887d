/*
 * boards/pc/board.c - a PC: QEMU "pc" (i440FX) or any multiboot machine.
 * Console: 16550 on COM1 (uart16550.c); tick: 8254 PIT channel 0
 * (pit.c); interrupts: the 8259 pair, which arch/x86 owns (remapped at
 * reset, before board_init).  Heap: from the end of the image to the end
 * of RAM, as the multiboot loader reported it and paging maps it, less
 * the page tables paging keeps at the top (x86_ram_end,
 * arch/x86/paging.c).
 *
 * Interrupt lines reach the board through irqN_handler (arch/x86/x86.h):
 * irq0_handler is the tick (pit.c), irq4_handler COM1 (uart16550.c).
 */
#include "arch/x86/x86.h"
#include "kernel/board.h"
#include "tern.h"

extern char __heap_start[];

void board_init(void)
{
}

int board_heap_regions(struct board_region *out, int max)
{
    uintptr_t start = (uintptr_t)__heap_start;
    uintptr_t end = x86_ram_end();

    if (end <= start)
        tern_panic("RAM ends before the heap starts");
    {
        const struct board_region r[] = {{"heap", start, end}};
        return board_regions_copy(out, max, r, 1);
    }
}
