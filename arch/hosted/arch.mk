# arch/hosted/arch.mk - toolchain and sources for the hosted port: Tern as
# a native x86-64 Linux executable (board linux).  The host gcc and glibc;
# the executable is linked by the default GNU ld script plus
# linker/hosted.ld, which only adds Tern's sections and symbols.
# board.mk sets HOSTED_SAN for a sanitizer build.

CC := gcc
OBJCOPY := objcopy
NM := nm
SIZE := size
GDB := gdb

# -fstack-clash-protection: a frame larger than a page touches each page
# as it grows, so it cannot jump a thread stack's guard page
# (arch/hosted/context.c).  -mgeneral-regs-only is not needed: the
# preemption trampoline saves the whole FPU state (preempt.S).
ARCH_CFLAGS := -m64 -fstack-clash-protection -fno-stack-protector \
	-fno-omit-frame-pointer -DX86_STACK_CLASH=1 $(HOSTED_SAN)
ARCH_SRCS := arch/hosted/arch.c arch/one_cpu.c arch/hosted/irq.c arch/hosted/preempt.S \
	arch/hosted/switch.S arch/hosted/context.c arch/hosted/fault.c
ARCH_LDFLAGS := -m64 -Wl,-T,linker/hosted.ld $(HOSTED_SAN)
ARCH_LIBS :=
LIBC := glibc
