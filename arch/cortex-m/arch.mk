# arch/cortex-m/arch.mk - toolchain and sources for every Cortex-M board.
# board.mk sets ARCH_VARIANT (v6m, v7m, v8m), CPU_FLAGS, CPU_NAME.

CROSS := arm-none-eabi-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
NM := $(CROSS)nm
SIZE := $(CROSS)size
GDB := gdb-multiarch

ARCH_CFLAGS := $(CPU_FLAGS) -DCM_$(shell echo $(ARCH_VARIANT) | tr a-z A-Z) \
	-DCM_CPU_NAME='"$(CPU_NAME)"' -mno-unaligned-access
# Semihosting (the command line, the exit status) only under QEMU: on a
# real board a BKPT with no debugger attached is a HardFault.  A board
# with no QEMU line is real hardware.
ifneq ($(QEMU),)
ARCH_CFLAGS += -DCM_SEMIHOSTING
endif
ARCH_SRCS := arch/cortex-m/start.c arch/cortex-m/arch.c arch/one_cpu.c \
	arch/cortex-m/context.c arch/cortex-m/switch.S \
	arch/cortex-m/preempt.c arch/cortex-m/pendsv.S \
	arch/cortex-m/fault.c arch/cortex-m/fault-entry.S
ARCH_LDFLAGS := $(CPU_FLAGS) --specs=nano.specs -nostartfiles \
	-T linker/cortex-m.ld -Wl,--defsym=__stack_size=$(STACK_SIZE)
ifneq ($(BOOT_GAP),)
ARCH_CFLAGS += -DCM_BOOT_HEADER
ARCH_LDFLAGS += -Wl,--defsym=__boot_gap=$(BOOT_GAP)
endif
ARCH_LIBS := -lgcc
LIBC := newlib

# tools/stacksize (make stack-report): what lands on a goroutine's stack
# besides its frames.  Interrupt handlers run on the main stack, so only
# the exception frame the core pushes (8 words, 26 with FP state, + 4
# bytes of alignment); the preemption trampoline (arch/cortex-m/pendsv.S:
# return slot, r0-r4, r12, lr, APSR, + s0-s15, FPSCR and a flag word with
# FP, + 4 alignment) before sched_preempted; arch_context_switch's pushes
# (r4-r11, lr, + s16-s31 and CONTROL with FP).
ifneq ($(findstring -DCM_FPU,$(CPU_FLAGS)),)
STACK_ARGS := --irq-frame 108 --trampoline 112 --asm arch_context_switch=104
else
STACK_ARGS := --irq-frame 36 --trampoline 40 --asm arch_context_switch=36
endif
STACK_ARGS += --preempt sched_preempted
