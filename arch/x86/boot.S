/*
 * void arch_boot(void);    the image's entry point (ENTRY in linker/x86.ld)
 *
 * Register contract on entry (Multiboot 0.6.96, section 3.2): 32-bit
 * protected mode, paging off, interrupts off; eax = 0x2BADB002; ebx = the
 * physical address of the multiboot information; CS, DS, ES, FS, GS, SS
 * flat 4 GiB segments, but GDTR may be invalid (so no segment register is
 * loaded here: gdt_init does that); ESP undefined.
 *
 * Sets ESP to __stack_end, clears EFLAGS (DF for the C ABI, IF, AC, NT)
 * and calls
 *
 *     _Noreturn void arch_reset(uint32_t magic, uint32_t info);
 *
 * (arch/x86/start.c), which zeroes .bss and the private segment, records
 * the multiboot information and brings the CPU tables up.  Nothing here
 * touches memory but the stack: .bss is not zeroed yet.
 *
 * The multiboot header comes first in .text (linker/x86.ld), inside the
 * first 8 KiB of the file as the specification requires.  The image is an
 * ELF file, so the header's address fields are not used (flag 16 clear).
 */
#define MB_MAGIC 0x1BADB002
#define MB_PAGE_ALIGN 0x1 /* modules on page boundaries */
#define MB_MEMORY_INFO 0x2 /* mem_lower, mem_upper and the memory map */
#define MB_FLAGS (MB_PAGE_ALIGN | MB_MEMORY_INFO)

	.section .multiboot, "a"
	.balign 4
	.global x86_multiboot_header
x86_multiboot_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.global arch_boot
	.type arch_boot, @function
arch_boot:
	movl	$__stack_end, %esp
	pushl	$0
	popfl			/* DF = 0, IF = 0 */
	subl	$8, %esp	/* keep the call 16-byte aligned */
	pushl	%ebx		/* info */
	pushl	%eax		/* magic */
	call	arch_reset
1:	cli
	hlt
	jmp	1b
	.size arch_boot, . - arch_boot

	.section .note.GNU-stack, "", @progbits
