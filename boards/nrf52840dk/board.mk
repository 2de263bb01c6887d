# Nordic nRF52840 DK (PCA10056): nRF52840, Cortex-M4F (ARMv7E-M with FPU),
# MPU; 64 MHz; 1 MiB flash, 256 KiB RAM.  Real hardware, no QEMU machine:
# its TIMER driver (boards/drivers/nrf-timer.c) runs in QEMU on the
# micro:bit.
#
# Console: UARTE0 on P0.06 (TX) / P0.08 (RX), the on-board J-Link's
# virtual COM port (/dev/ttyACM0), 115200 8N1.  Heartbeat: LED1 (P0.13).
# Flash: `make flash` (OpenOCD through the J-Link; PROBE=cmsis-dap for a
# CMSIS-DAP probe on the debug header).
BOARD_DESC := nRF52840 DK (nRF52840, Cortex-M4F)
ARCH := cortex-m
ARCH_VARIANT := v7m
CPU_NAME := Cortex-M4F
CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -DCM_FPU
BOARD_CPU_HZ := 64000000
STACK_SIZE := 4096
PAGE_SIZE := 1024
# Flash starts at address 0: keep the first 4 KiB free for the null guard.
BOOT_GAP := 4096
SBRK_ARENA := 2048
# The tick: TIMER0 (16 MHz, free-running, 32 bits).
BOARD_SRCS := boards/drivers/nrf-timer.c
BOARD_DEFS := -DNRF_TIMER_BASE=0x40008000 -DNRF_TIMER_IRQ=8
PROBE ?= jlink
OPENOCD_CFG := -f interface/$(PROBE).cfg$(if $(filter jlink,$(PROBE)), -c 'transport select swd')
OPENOCD_CFG += -f target/nrf52.cfg
