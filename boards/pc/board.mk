# PC: QEMU's "pc" machine (i440FX), an i386 booted by multiboot
# (qemu-system-i386 -kernel).  Console: 16550 UART on COM1; tick: 8254
# PIT channel 0, whose input clock (1.193182 MHz) is BOARD_CPU_HZ, the
# count rate of the tick timer; interrupts: the 8259 pair (arch/x86).
BOARD_DESC := PC (i386, multiboot)
ARCH := x86
CPU_NAME := i386
BOARD_CPU_HZ := 1193182
STACK_SIZE := 16384
# Goroutine and idle-loop stacks: the lowest 4 KiB of each is the guard
# page (arch/x86), and interrupt handlers run on the interrupted stack,
# so each default stack gets 4 KiB usable above its guard.
GO_STACK := 8192
G0_STACK := 8192
PAGE_SIZE := 4096
BOARD_SRCS := boards/pc/uart16550.c boards/pc/pit.c
QEMU := qemu-system-i386
QEMU_ARGS := -M pc -m 32M
# CPUs `make run SMP=n` may ask for (arch/x86/smp.c: X86_MAX_CPUS).
QEMU_MAX_CPUS := 16
QEMU_EXIT := isa-debug
