# STM32F4 Discovery (MB997): STM32F407VG, Cortex-M4F (ARMv7E-M with FPU),
# MPU; 1 MiB flash, 128 KiB SRAM + 64 KiB CCM; 8 MHz crystal (HSE),
# core at 168 MHz from the PLL.  Real hardware, no QEMU machine: the
# STM32F4 drivers it shares (boards/drivers/stm32f4-clock.c,
# stm32-usart.c) run in QEMU on its twin, netduinoplus2.
#
# Console: USART2, TX on PA2 and RX on PA3 (header P1), 115200 8N1.  The
# on-board ST-Link of the early MB997 revisions has no virtual COM port:
# wire a 3.3 V USB-serial adapter to PA2 (its RX), PA3 (its TX) and GND,
# then `make monitor PORT=/dev/ttyUSB0`.
# Heartbeat: LD4 (green, PD12).  Flash: `make flash` (OpenOCD, ST-Link).
BOARD_DESC := STM32F4 Discovery (STM32F407VG, Cortex-M4F)
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
# USART2 is on APB1: 42 MHz with the clock tree at 168 MHz.
BOARD_DEFS := -DSTM32_USART_BASE=0x40004400 -DSTM32_USART_IRQ=38 \
	-DSTM32_USART_PCLK=42000000 -DSTM32F4_HSE_HZ=8000000
# make flash / make gdb: OpenOCD through the on-board ST-Link.
OPENOCD_CFG := -f interface/stlink.cfg -f target/stm32f4x.cfg
