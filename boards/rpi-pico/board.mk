# Raspberry Pi Pico: RP2040, two Cortex-M0+ (ARMv6-M; Tern runs one M on
# core 0 for now, core 1 stays asleep in the bootrom), 125 MHz from the
# 12 MHz crystal through PLL_SYS; 2 MiB W25Q080-class QSPI flash, run in
# place (XIP) after the second-stage boot (boot2.S); 264 KiB SRAM.  Real
# hardware, no QEMU machine.
#
# Console: UART0, TX on GP0 (pin 1) and RX on GP1 (pin 2), 115200 8N1:
# wire a 3.3 V USB-serial adapter (or a Picoprobe's UART) to them and GND.
# Heartbeat: the LED on GP25.  Flash: `make flash` copies tern.uf2 to
# the RPI-RP2 drive (hold BOOTSEL while plugging the Pico in).
BOARD_DESC := Raspberry Pi Pico (RP2040, Cortex-M0+)
ARCH := cortex-m
ARCH_VARIANT := v6m
CPU_NAME := Cortex-M0+
CPU_FLAGS := -mcpu=cortex-m0plus -mthumb -mfloat-abi=soft
BOARD_CPU_HZ := 125000000
STACK_SIZE := 2048
PAGE_SIZE := 1024
SBRK_ARENA := 2048
# The tick: SysTick on the processor clock (each core has its own, which
# suits a second M later).
BOARD_SRCS := arch/cortex-m/systick.c
# The bootrom runs the first 256 flash bytes (boot2.S, sealed by
# tools/mkboot2); the vector table follows them.
BOOT2 := boards/rpi-pico/boot2.S
UF2_FAMILY := 0xe48bff56
UF2_VOLUME := RPI-RP2
# PROBE=cmsis-dap: flash and debug through a Picoprobe / Debug Probe on
# the SWD pins instead (OpenOCD 0.12 has target/rp2040.cfg).
OPENOCD_CFG := -f interface/cmsis-dap.cfg -f target/rp2040.cfg -c 'adapter speed 5000'
