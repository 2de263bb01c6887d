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
ARCH_SRCS := arch/x86/boot.S arch/x86/start.c arch/x86/multiboot.c \
	arch/x86/context.c arch/x86/switch.S \
	arch/x86/gdt.c arch/x86/trap.c arch/x86/vectors.S arch/x86/pic.c \
	arch/x86/paging.c arch/x86/fault.c arch/x86/arch.c
ARCH_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-T linker/x86.ld -Wl,--defsym=__stack_size=$(STACK_SIZE)
ARCH_LIBS := -lgcc
LIBC := tern
