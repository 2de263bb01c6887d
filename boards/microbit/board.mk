# BBC micro:bit v1: nRF51822, Cortex-M0 (ARMv6-M: no MPU, no divide
# instruction, no LDREX/STREX, no SysTick on this part), 16 MHz,
# 256 KiB flash, 16 KiB RAM.
BOARD_DESC := BBC micro:bit v1 (nRF51822, Cortex-M0)
ARCH := cortex-m
ARCH_VARIANT := v6m
CPU_NAME := Cortex-M0
CPU_FLAGS := -mcpu=cortex-m0 -mthumb -mfloat-abi=soft
BOARD_CPU_HZ := 16000000
# The interrupt stack (boot, then handlers only); goroutines, main()
# included, get GO_STACK bytes from the heap, the idle loop G0_STACK.
# Handlers run on the interrupt stack, so a goroutine's stack holds only
# the 32-byte exception frame of an interrupt.
STACK_SIZE := 768
GO_STACK := 1024
G0_STACK := 512
# A 32-entry local run queue (Go's is 256): 16 KiB holds a few dozen
# goroutines at most; more runnable ones spill to the global queue.
RUNQ := 32
PAGE_SIZE := 512
SBRK_ARENA := 512
# The tick: TIMER0 (the nRF51's Cortex-M0 has no SysTick).
BOARD_SRCS := boards/drivers/nrf-timer.c
# The shell's `goroutines` snapshot: 6 goroutines (288 bytes of RAM).
# GC_ROOM: stack a goroutine must have left for a failing malloc to
# collect on it (collections use about 520 bytes here).
BOARD_DEFS := -DSHELL_MAX_G=6 -DTERN_GC_STACKSIZE=768 -DTERN_GC_PAUSES=8 \
	-DTERN_GC_ROOM=640 \
	-DTERN_GC_STACK=32 -DNRF_TIMER_BASE=0x40008000 -DNRF_TIMER_IRQ=8
QEMU := qemu-system-arm
QEMU_ARGS := -M microbit
QEMU_EXIT := semihosting
# The real micro:bit v1: `make flash` through its DAPLink (CMSIS-DAP);
# semihosting calls fail harmlessly there (arch/cortex-m/fault.c).
OPENOCD_CFG := -f interface/cmsis-dap.cfg -f target/nrf51.cfg
