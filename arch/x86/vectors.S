/*
 * void x86_trap(struct x86_frame *f);    called by every entry stub here
 *
 * One stub per IDT vector 0..63 (CPU exceptions 0..31, PIC IRQs 32..47,
 * the software interrupt 48 of arch_soft_irq, the local APIC's 49..63),
 * listed in x86_vectors[] for trap_init.  Each is reached through an
 * interrupt gate, so IF is clear on entry; in ring 0 the CPU pushed
 * EFLAGS, CS, EIP and, for vectors 8, 10-14, 17, 21, 29 and 30, an error
 * code.  The stub pushes a 0 error code where the CPU pushed none, then
 * the vector number, then all general registers (pushal), which makes the
 * uniform struct x86_frame (arch/x86/x86.h), and calls x86_trap with a
 * pointer to it on a 16-byte aligned stack (DF clear).  Register contract:
 * on return every register is restored from the frame (x86_trap may edit
 * it), the two stub words are dropped and iret resumes the interrupted
 * code.  Segment registers are not saved: everything runs with the same
 * flat ring-0 selectors.
 *
 * A device IRQ runs x86_trap on the interrupted stack.  A CPU exception
 * (vector < 32, always a fatal report: x86_trap never returns from one)
 * runs it on x86_exc_stack instead, whatever the faulting stack had left:
 * a page fault in a stack's guard may come with ESP a few bytes above it
 * (fault.c).  The frame stays where the CPU pushed it.  A fault during
 * such a report, already on x86_exc_stack, stays on it (the report then
 * ends at once, kernel/panic.c).
 *
 * void x86_df_entry(void);    the double-fault task (see gdt.c)
 *
 * Entered by a task switch through the task gate of vector 8, on its own
 * stack, with the #DF error code (always 0) pushed on it.  Calls
 * fault_double(), which reads the faulting state from the boot task's TSS
 * and never returns.
 */
#define EXC_STACK_SIZE 4096 /* a fatal report's deepest path, with room */

	.text

	.macro stub n
	.balign 16
x86_vector_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	/* the CPU pushed an error code */
	.else
	pushl	$0
	.endif
	pushl	$\n
	jmp	x86_trap_entry
	.endm

	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
	stub	\n
	.endr
	.irp n, 24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48
	stub	\n
	.endr
	.irp n, 49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	stub	\n
	.endr

	.balign 16
	.type x86_trap_entry, @function
x86_trap_entry:
	pushal
	cld
	movl	%esp, %ebx	/* the frame; ebx is callee-saved */
	cmpl	$32, 32(%ebx)	/* the vector: a CPU exception? */
	jae	1f
	movl	%esp, %eax
	subl	$x86_exc_stack, %eax
	cmpl	$EXC_STACK_SIZE, %eax
	jb	1f		/* already on the exception stack */
	movl	$x86_exc_stack + EXC_STACK_SIZE, %esp
1:	andl	$-16, %esp
	subl	$12, %esp
	pushl	%ebx
	call	x86_trap
	movl	%ebx, %esp
	popal
	addl	$8, %esp	/* vector, error code */
	iret
	.size x86_trap_entry, . - x86_trap_entry

	.global x86_df_entry
	.type x86_df_entry, @function
x86_df_entry:
	cld
	andl	$-16, %esp
	call	fault_double
1:	cli
	hlt
	jmp	1b
	.size x86_df_entry, . - x86_df_entry

	/* Runtime metadata: in the private segment, zeroed at reset. */
	.section .tern_private, "aw", @nobits
	.balign 16
	.type x86_exc_stack, @object
x86_exc_stack:
	.skip	EXC_STACK_SIZE
	.size x86_exc_stack, . - x86_exc_stack

	.section .rodata
	.balign 4
	.global x86_vectors
x86_vectors:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
	.long	x86_vector_\n
	.endr
	.irp n, 24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48
	.long	x86_vector_\n
	.endr
	.irp n, 49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	.long	x86_vector_\n
	.endr
	.size x86_vectors, . - x86_vectors

	.section .note.GNU-stack, "", @progbits
