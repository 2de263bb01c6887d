# BBC micro:bit v1: nRF51822, Cortex-M0 (ARMv6-M: no MPU, no divide
# instruction, no LDREX/STREX, no SysTick on this part), 16 MHz,
# 256 KiB flash, 16 KiB RAM.
BOARD_DESC := BBC micro:bit v1 (nRF51822, Cortex-M0)
ARCH := cortex-m
ARCH_VARIANT := v6m
CPU_NAME := Cortex-M0
CPU_FLAGS := -mcpu=cortex-m0 -mthumb -mfloat-abi=soft
BOARD_CPU_HZ := 16000000
# The interrupt stack (and the idle loop's); goroutines, main() included,
# get GO_STACK bytes from the heap.
STACK_SIZE := 1024
GO_STACK := 2048
PAGE_SIZE := 512
SBRK_ARENA := 512
BOARD_SRCS :=
BOARD_DEFS :=
QEMU := qemu-system-arm
QEMU_ARGS := -M microbit
QEMU_EXIT := semihosting
