# ARM MPS2 with the AN385 FPGA image: Cortex-M3 (ARMv7-M), MPU, 25 MHz.
BOARD_DESC := ARM MPS2 AN385 (Cortex-M3)
ARCH := cortex-m
ARCH_VARIANT := v7m
CPU_NAME := Cortex-M3
CPU_FLAGS := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_CPU_HZ := 25000000
STACK_SIZE := 4096
PAGE_SIZE := 4096
# Code memory starts at 0: keep the first 4 KiB free for the null guard.
BOOT_GAP := 4096
SBRK_ARENA := 4096
BOARD_SRCS := arch/cortex-m/systick.c boards/drivers/cmsdk-uart.c
BOARD_DEFS := -DCMSDK_UART_BASE=0x40004000 -DCMSDK_UART_RX_IRQ=0
QEMU := qemu-system-arm
QEMU_ARGS := -M mps2-an385 -cpu cortex-m3
QEMU_EXIT := semihosting
