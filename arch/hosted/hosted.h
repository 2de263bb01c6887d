/*
 * arch/hosted/hosted.h - definitions shared by the files of the hosted
 * port and the board that runs on it (boards/linux).  See
 * arch/hosted/arch.c.
 */
#ifndef ARCH_HOSTED_HOSTED_H
#define ARCH_HOSTED_HOSTED_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* The port's signals: the tick (the board's timer), arch_soft_irq, and
 * the console's "receive interrupt" (raised by the port itself when the
 * idle wait finds input, and polled from the tick). */
#define HOSTED_SIG_TICK SIGALRM
#define HOSTED_SIG_SOFT SIGUSR1
#define HOSTED_SIG_UART SIGIO

/* Install fn as the handler body of one of the port's signals: it runs
 * in interrupt context (arch_in_isr, masked) on the interrupt stack.
 * Boot, interrupts masked. */
void hosted_irq_set(int sig, void (*fn)(void));

/* The file descriptor arch_wait_irq watches besides signals (the
 * console's input; -1: none): readable input raises HOSTED_SIG_UART. */
void hosted_set_wait_fd(int fd);

/* Run fn at arch_exit, before the process ends (the console restores
 * the terminal).  One hook. */
void hosted_set_exit_hook(void (*fn)(void));

/* irq.c: signal handlers and the interrupt stack, from arch_init. */
void hosted_irq_init(void);

/* fault.c: SIGSEGV, SIGBUS, SIGFPE, SIGILL reported as fatal errors. */
void hosted_fault_init(void);

/* Bytes of the FPU state the preemption trampoline saves (xsave area, or
 * the 512-byte fxsave one), and whether it uses xsave (irq.c). */
extern uint64_t hosted_fpu_size;
extern uint64_t hosted_fpu_xsave;

/* Set by the preemption trampoline while it unwinds (preempt.S, irq.c):
 * no diversion then.  Per M. */
extern __thread volatile bool hosted_unwinding;

/* The thread's id, from the kernel. */
int hosted_gettid(void);

#endif /* ARCH_HOSTED_HOSTED_H */
