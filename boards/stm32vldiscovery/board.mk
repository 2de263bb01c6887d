# STM32VL Discovery (MB913): STM32F100RB value line, Cortex-M3 (ARMv7-M),
# 128 KiB flash, 8 KiB SRAM; 8 MHz crystal, core at 24 MHz from the PLL
# (QEMU 7.2 clocks it at 24 MHz whatever RCC says).  The smallest board:
# every table the runtime keeps is trimmed to it below.
BOARD_DESC := STM32VL Discovery (STM32F100RB, Cortex-M3)
ARCH := cortex-m
ARCH_VARIANT := v7m
CPU_NAME := Cortex-M3
CPU_FLAGS := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
BOARD_CPU_HZ := 24000000
# 128 KiB of flash: the test image fits only at -Os.
OPT := -Os
# The interrupt stack (boot, then handlers only); goroutines, main()
# included, get GO_STACK bytes from the heap, the idle loop G0_STACK,
# each with a 64-byte MPU guard (CM_STACK_GUARD; 256 on the other
# ARMv7-M boards) at its bottom.
STACK_SIZE := 512
GO_STACK := 768
G0_STACK := 256
# Run queue, pages, newlib's own arena: as small as they go.
RUNQ := 8
PAGE_SIZE := 256
SBRK_ARENA := 256
BOARD_SRCS := arch/cortex-m/systick.c boards/drivers/stm32-usart.c
# USART1 is on APB2: 24 MHz.  Then every table the runtime keeps,
# trimmed to 8 KiB (the defaults in parentheses): one heap region (4),
# free lists for runs up to 127 pages (2^21), 4 goroutines in the
# shell's `goroutines` snapshot (16) and 4 names (8), 8 segments (12),
# a 32-byte console receive ring (128) and 64-byte command line (128),
# 4 registered GC roots (8), 4 GC pauses remembered (256), a 16-entry
# grey stack (128).  GC_ROOM: the stack a goroutine must have left for
# a failing malloc to collect on it.
BOARD_DEFS := -DSTM32_USART_BASE=0x40013800 -DSTM32_USART_IRQ=37 \
	-DSTM32_USART_PCLK=24000000 -DCM_STACK_GUARD=64 -DTERN_GO_MIN_STACK=192 \
	-DTERN_MM_REGIONS=1 -DTERN_MHEAP_FL=6 -DSHELL_MAX_G=4 \
	-DTERN_SHELL_NAMES=4 -DTERN_SEGMENTS=8 -DTERN_CONSOLE_RX=32 \
	-DCM_CMDLINE=64 -DTERN_GC_ROOTS=4 -DTERN_GC_PAUSES=4 \
	-DTERN_GC_STACK=16 -DTERN_GC_STACKSIZE=768 -DTERN_GC_ROOM=512 \
	-DTERN_STORE_CALL
# 128 KiB of flash hold the runtime and all but the SMP suites (x86's;
# here they would only say there is one CPU).  TERN_STORE_CALL: the
# write barrier as a call, not inline at every store (about 1 KiB).
TEST_EXCLUDE := tests/target/smp_test.c tests/target/cpufind_test.c
QEMU := qemu-system-arm
QEMU_ARGS := -M stm32vldiscovery
QEMU_EXIT := semihosting
# The real board: `make flash` through its on-board ST-Link (V1).
OPENOCD_CFG := -f interface/stlink.cfg -f target/stm32f1x.cfg
