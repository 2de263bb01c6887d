# arch/x86/arch.mk - toolchain and sources for the i386 board (pc).
# The host gcc in 32-bit mode (gcc-multilib: 32-bit libgcc); no C library,
# kernel/klibc provides the few headers and functions a program expects.
# board.mk sets CPU_NAME.

CC := gcc
OBJCOPY := objcopy
NM := nm
SIZE := size
GDB := gdb-multiarch

# -mgeneral-regs-only: no x87/MMX/SSE anywhere, so interrupt entry never
# has floating-point state to save.
ARCH_CFLAGS := -m32 -march=i686 -mgeneral-regs-only -DTERN_NO_FLOAT -ffreestanding \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-DX86_CPU_NAME='"$(CPU_NAME)"'
# -fstack-clash-protection: a frame larger than a page is allocated a page
# at a time, each page touched as ESP reaches it, so an overflowing frame
# faults in the 4 KiB guard page below every thread stack instead of
# jumping it into whatever lies below (arch/x86/context.c).  Used when the
# compiler has it for -m32 (GCC 8 and later); X86_STACK_CLASH tells the
# tests that need it.
X86_STACK_CLASH := $(shell echo 'void f(void);' | $(CC) -m32 -fstack-clash-protection \
	-Werror -x c -S -o /dev/null - 2>/dev/null && echo yes)
ifeq ($(X86_STACK_CLASH),yes)
ARCH_CFLAGS += -fstack-clash-protection -DX86_STACK_CLASH=1
endif
ARCH_SRCS := arch/x86/boot.S arch/x86/start.c arch/x86/multiboot.c \
	arch/x86/context.c arch/x86/switch.S \
	arch/x86/gdt.c arch/x86/trap.c arch/x86/vectors.S arch/x86/pic.c \
	arch/x86/paging.c arch/x86/fault.c arch/x86/arch.c \
	arch/x86/cpufind.c arch/x86/lapic.c arch/x86/smp.c arch/x86/trampoline.S
ARCH_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-T linker/x86.ld -Wl,--defsym=__stack_size=$(STACK_SIZE)
ARCH_LIBS := -lgcc
LIBC := tern

# tools/stacksize (make stack-report): interrupts run on the interrupted
# goroutine's stack: the trap frame (eip, cs, eflags, error code, vector,
# pushal: 52 bytes, + the call's 8) and x86_trap's own depth, preemption
# included; arch_context_switch pushes ebp, ebx, esi, edi.
STACK_ARGS := --irq-frame 60 --irq x86_trap --asm arch_context_switch=20
