# Linux: Tern as a native x86-64 Linux executable (arch/hosted), run
# directly instead of in QEMU (tools/qemu-run: QEMU_EXIT=native).  Console
# on stdin/stdout (the terminal in raw mode); tick: a POSIX timer on
# CLOCK_MONOTONIC, counting at BOARD_CPU_HZ (10 MHz: 100 ns counts);
# heap: 32 MiB, a NOBITS section of the image (memory.ld).  One M for now (issue 7 adds pthreads).
BOARD_DESC := Linux process (x86-64, hosted)
ARCH := hosted
CPU_NAME := x86-64
BOARD_CPU_HZ := 10000000
STACK_SIZE := 65536
# Goroutine and idle-loop stacks: the lowest 4 KiB is the guard page;
# the preemption trampoline saves the FPU state (up to ~3 KiB with
# AVX-512) on the preempted stack, so each stack gets 12 KiB above it.
GO_STACK := 12288
G0_STACK := 12288
PAGE_SIZE := 4096
BOARD_SRCS := boards/linux/timer.c
QEMU := native
QEMU_ARGS :=
QEMU_EXIT := native
