# ARM MPS2 with the AN505 FPGA image: Cortex-M33 (ARMv8-M mainline, with
# FPU and TrustZone; Tern runs in Secure state), 20 MHz.
BOARD_DESC := ARM MPS2 AN505 (Cortex-M33)
ARCH := cortex-m
ARCH_VARIANT := v8m
CPU_NAME := Cortex-M33
CPU_FLAGS := -mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16 -DCM_FPU
BOARD_CPU_HZ := 20000000
STACK_SIZE := 4096
PAGE_SIZE := 4096
SBRK_ARENA := 4096
BOARD_SRCS := arch/cortex-m/systick.c boards/drivers/cmsdk-uart.c
BOARD_DEFS := -DCMSDK_UART_BASE=0x40200000 -DCMSDK_UART_RX_IRQ=32
QEMU := qemu-system-arm
QEMU_ARGS := -M mps2-an505 -cpu cortex-m33
QEMU_EXIT := semihosting
