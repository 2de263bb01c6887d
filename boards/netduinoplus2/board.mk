# Netduino Plus 2: STM32F405RG, Cortex-M4F (ARMv7E-M with FPU), MPU.
# 1 MiB flash, 128 KiB SRAM + 64 KiB CCM, 25 MHz crystal; the core at
# 168 MHz from the PLL (QEMU clocks it at 168 MHz whatever RCC says).
# The QEMU twin of stm32f4-discovery: the STM32F4 drivers they share run
# here in `make test`.
BOARD_DESC := Netduino Plus 2 (STM32F405, Cortex-M4F)
ARCH := cortex-m
ARCH_VARIANT := v7m
CPU_NAME := Cortex-M4F
CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -DCM_FPU
BOARD_CPU_HZ := 168000000
STACK_SIZE := 4096
PAGE_SIZE := 1024
SBRK_ARENA := 2048
BOARD_SRCS := arch/cortex-m/systick.c boards/drivers/stm32-usart.c \
	boards/drivers/stm32f4-clock.c
# USART1 is on APB2: 84 MHz with the clock tree at 168 MHz.
BOARD_DEFS := -DSTM32_USART_BASE=0x40011000 -DSTM32_USART_IRQ=37 \
	-DSTM32_USART_PCLK=84000000 -DSTM32F4_HSE_HZ=25000000
QEMU := qemu-system-arm
QEMU_ARGS := -M netduinoplus2
QEMU_EXIT := semihosting
