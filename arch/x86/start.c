/*
 * arch/x86/start.c - from the multiboot entry to kernel_main.
 *
 * boot.S gives arch_reset a stack and the loader's two registers.  Like
 * arch_reset on Cortex-M this sets up the C environment - .data copied if
 * its load image is elsewhere (never, on x86: the loader put the whole
 * image in RAM, and linker/x86.ld makes __data_load == __data_start), .bss
 * and the private segment zeroed - and then, before any C code that could
 * fault or enable an interrupt line runs, the CPU's tables:
 *
 *   1. multiboot_parse  the command line and RAM size, before anything
 *                       can overwrite the loader's information
 *   2. gdt_init         our own flat segments (the loader's GDTR may point
 *                       anywhere) and the double-fault task
 *   3. trap_init        the IDT, so a fault from here on is reported
 *   4. pic_init         vectors 0x20-0x2F, every line masked, so that
 *                       arch_irq_line_enable works from board_init on
 *
 * Paging waits for arch_init (kernel/boot.c step 3), which the contract
 * places after the console is up.
 */
#include <stdint.h>
#include <string.h>

#include "arch/x86/x86.h"

extern char __data_start[], __data_end[], __data_load[];
extern char __bss_start[], __bss_end[];
extern char __private_start[], __private_end[];

_Noreturn void kernel_main(void);
_Noreturn void arch_reset(uint32_t magic, uint32_t info);

_Noreturn void arch_reset(uint32_t magic, uint32_t info)
{
    if (&__data_load[0] != &__data_start[0])
        memcpy(__data_start, __data_load, (size_t)(__data_end - __data_start));
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
    memset(__private_start, 0, (size_t)(__private_end - __private_start));
    multiboot_parse(magic, info);
    gdt_init();
    trap_init();
    pic_init();
    kernel_main();
}
