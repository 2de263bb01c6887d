/*
 * arch/arch.h - the contract between the portable runtime and a CPU port.
 *
 * Every arch folder implements everything declared here:
 *   arch/cortex-m  ARMv6-M (M0), ARMv7-M (M3, M4F), ARMv8-M mainline (M33)
 *   arch/x86       i386, multiboot, 8259 PIC + PIT + 16550 (via boards/pc)
 *   arch/hosted    x86-64 Linux process, the whole runtime (boards/linux):
 *                  signals for interrupts, our own context switch
 *   arch/host      a POSIX process, for the unit tests in tests/host
 * Nothing outside arch/ may depend on which one is linked; portable code
 * includes this header and nothing else of the arch.
 *
 * Execution contexts.  Code runs either in thread context (main, later
 * goroutines) or in interrupt context (an ISR or a fault handler).  On
 * Cortex-M thread code is privileged thread mode; ISRs run in handler mode
 * on the main stack (MSP).  On x86 everything is ring 0; ISRs run on the
 * interrupted stack until the scheduler gives them their own.
 *
 * Interrupt priorities (Cortex-M; x86 has one level):
 *   faults                 fixed above all
 *   device IRQs (UART...)  ARCH_PRIO_DEVICE
 *   tick (SysTick/TIMER0)  ARCH_PRIO_TICK
 *   PendSV                 ARCH_PRIO_SWITCH, the lowest: the scheduler
 *                          switches goroutines from it, after every other
 *                          handler has returned (tail-chained).
 * arch_irq_save() masks all of them (PRIMASK / cli).  Sections with
 * interrupts masked must be short and bounded (BRIEF contract 5).
 *
 * Atomics.  ARMv6-M has no LDREX/STREX: its atomics mask interrupts around
 * a load-modify-store, which is correct on its single core.  ARMv7-M/v8-M
 * use exclusives, x86 uses lock-prefixed instructions.  All atomics here are
 * sequentially consistent (full barriers on both sides); the SMP issue will
 * add weaker forms with a written ordering argument.
 *
 * Contexts.  A context is a stack and the callee-saved registers parked
 * on it; arch_context_switch() is an ordinary call that saves the caller's
 * and resumes another's, so a context's saved state always has the one
 * shape a voluntary switch leaves.  (The scheduler issue adds preemption
 * on top: the tick pends the lowest-priority exception, whose handler
 * makes the interrupted code call the scheduler, so a preempted goroutine
 * is parked by the same switch.)
 *
 * Preemption.  The tick calls arch_preempt_request(); at the first moment
 * it is safe (Cortex-M: PendSV, the lowest-priority exception, after every
 * other handler; x86: the end of the outermost interrupt), the port makes
 * the interrupted thread call sched_preempted() as if it had called it
 * itself, with every register it had preserved around the call.  So a
 * preempted goroutine parks through the same arch_context_switch as a
 * yielding one, and there is one shape of saved context.
 *
 * Thread stacks.  Once the scheduler starts (arch_thread_start), thread
 * code runs on stacks from mm.  On Cortex-M interrupt handlers run on the
 * boot stack: threads use the process stack pointer (PSP) and handlers
 * the main one (MSP), so a goroutine's stack holds only the 8-word
 * exception frame (26 words with FP state) of an interrupt, never the
 * handler's own frames, and a fault handler always has a sound stack.
 * Each stack has an overflow check, armed by arch_context_init (on
 * Cortex-M carried by the context and switched with it):
 *   ARMv8-M   PSPLIM = the stack's bottom: any SP move below it faults
 *             (STKOF), however large the frame.
 *   ARMv7-M   an MPU region (no access) over the lowest ARCH_STACK_GUARD
 *             bytes: an access there faults; a frame larger than the
 *             guard can jump it (then only the scheduler's canary, best
 *             effort, remains).  Without an MPU (arch_caps) only the
 *             canary.
 *   x86       the lowest page (ARCH_STACK_GUARD = 4096) taken out of the
 *             page tables while the stack has a context, so any access
 *             there faults; ESP running into it makes a double fault,
 *             reported from a task of its own.  The image is built with
 *             -fstack-clash-protection (where the compiler has it), so a
 *             frame larger than a page touches each page as it grows and
 *             cannot jump the guard (code built without it, or assembly,
 *             could).  Interrupt handlers run on the interrupted stack,
 *             so thread stacks keep room for them (boards/pc: 4 KiB
 *             usable by default); CPU exceptions are reported on a stack
 *             of their own.  See arch/x86/context.c.
 *   ARMv6-M   nothing in hardware: the scheduler's canary.
 * A stack overflow is reported as "fatal error: stack overflow" plus the
 * scheduler's line naming the goroutine, its SP and its limit
 * (sched_stack_report).
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- boot --- */

/*
 * Bring the CPU into the state the runtime expects, before interrupts are
 * enabled: exception priorities, trap enables (divide by zero, unaligned
 * access where the core traps them), FPU access, the null guard (address 0
 * faults) where there is an MPU or paging.
 * The unaligned-access trap stays off (see arch_trap_unaligned).
 * Pre: .data copied, .bss and the private segment zeroed; console usable
 * (polled).  Called once, from kernel_main.
 */
void arch_init(void);

/* Capabilities of this CPU port, for tests and reports. */
#define ARCH_CAP_NULL_GUARD   0x1u  /* a null dereference faults */
#define ARCH_CAP_DIV0_TRAP    0x2u  /* hardware integer divide traps on zero */
#define ARCH_CAP_UNALIGN_TRAP 0x4u  /* unaligned word access traps */
#define ARCH_CAP_FPU          0x8u  /* hardware floating point */
#define ARCH_CAP_EXCLUSIVES   0x10u /* native atomic read-modify-write */
#define ARCH_CAP_STACK_LIMIT  0x20u /* any SP move past a stack's end faults */
#define ARCH_CAP_STACK_GUARD                                                   \
    0x40u /* hardware catches thread-stack overflow:
                                     * PSPLIM, an MPU guard, a guard page */
unsigned arch_caps(void);

/*
 * Turn the unaligned-access trap on or off; returns false if the core has
 * none (ARMv6-M always faults on unaligned words and needs no switch; x86
 * never does).  Off at boot on ARMv7-M/v8-M: the toolchain's newlib-nano
 * is built assuming unaligned halfword/word accesses work (its vfprintf
 * stores halfwords at odd stack offsets), so the trap would make printf
 * fault.  Code that wants the check turns it on.
 */
bool arch_trap_unaligned(bool on);

/* Name of the CPU core, e.g. "Cortex-M3". */
const char *arch_cpu_name(void);

/* The command line the image was booted with ("" if none): semihosting
 * SYS_GET_CMDLINE on ARM, the multiboot command line on x86. */
const char *arch_cmdline(void);

/* --- interrupts --- */

/*
 * unsigned long arch_irq_save(void);
 *     Mask interrupts and return the previous mask state, for
 *     arch_irq_restore().  Nests.  Cost: 2-3 instructions.
 * void arch_irq_restore(unsigned long state);
 *     Restore the mask state returned by the matching arch_irq_save().
 *
 * These two are on every allocation's fast path, so each port defines them
 * static inline in its arch_inline.h (arch/<arch>/, on the include path).
 */

/* Unmask interrupts unconditionally (boot, idle loop). */
void arch_irq_enable(void);

/* bool arch_in_isr(void);
 *     True in interrupt context (handler mode / inside an ISR).  On the
 *     scheduler's paths, so each port defines or declares it in its
 *     arch_inline.h. */

/*
 * Sleep until an interrupt arrives.  Pre: interrupts masked by
 * arch_irq_save(); the wait is atomic with respect to wake-ups (WFI wakes
 * on a pending interrupt even while masked; sti;hlt on x86), so a caller
 * can check a condition with interrupts masked and then sleep without a
 * lost wake-up.  Returns with interrupts still masked; the caller unmasks
 * to let the handler run.
 */
void arch_wait_irq(void);

/*
 * A software interrupt, for tests and benchmarks: arch_soft_irq() enters
 * interrupt context at device priority at once (Cortex-M: SVC; x86:
 * int $48) and runs the handler set by arch_soft_irq_set(), as if a device
 * had interrupted that instruction.  Thread context, interrupts enabled
 * (fatal otherwise).
 */
void arch_soft_irq_set(void (*fn)(void));
void arch_soft_irq(void);

/* Enable / disable one device interrupt line at the interrupt controller. */
void arch_irq_line_enable(unsigned irq);
void arch_irq_line_disable(unsigned irq);

/* --- atomics (sequentially consistent) --- */

/* If *p == old, store new; returns true if the store happened. */
bool arch_cas32(volatile uint32_t *p, uint32_t old, uint32_t new_value);

/* *p += delta; returns the new value. */
uint32_t arch_add32(volatile uint32_t *p, uint32_t delta);

/* Full memory barrier. */
void arch_mb(void);

/* --- contexts --- */

/* struct arch_context is defined by each port in arch_inline.h: at least
 * the saved stack pointer. */
struct arch_context;

/*
 * Make c a context that, when first switched to, runs fn(arg) on the
 * stack [stack, stack + size) (8-byte aligned, at least ARCH_STACK_GUARD
 * + 256 bytes; aligned to ARCH_STACK_GUARD where it is not 0: x86 a page,
 * fatal otherwise), and arm the stack's guard.  Building a context again
 * on the same stack (a reused goroutine stack) is allowed: arming is
 * idempotent.  fn must never return: returning is a fatal error ("context
 * entry returned").  O(1).
 */
void arch_context_init(struct arch_context *c, void *stack, size_t size,
                       void (*fn)(void *), void *arg);

/* uintptr_t arch_context_sp(const struct arch_context *c);
 *     The stack pointer saved in a parked context (arch_inline.h), for
 *     reports; 0 where the port cannot tell. */

/*
 * Undo what arch_context_init armed on [stack, stack + size) (x86: the
 * guard page goes back into the map) before the stack is freed: the
 * memory must be plain memory again.  Once, however many contexts were
 * built on the stack; no context may run on it afterwards.  O(1).
 */
void arch_stack_release(void *stack, size_t size);

/*
 * Leave the boot context for good: make c a context on [stack, stack +
 * size) as arch_context_init does, and resume it (fn(arg) runs in thread
 * context with its stack check armed).  The boot context is never
 * resumed.  On Cortex-M the boot stack then serves interrupt handlers
 * only (threads on PSP, handlers on MSP, which restarts at the top of the
 * boot stack); on x86 handlers run on the interrupted thread's stack.  fn
 * starts with interrupts masked, as a context resumed by a switch from a
 * masked caller does.
 */
_Noreturn void arch_thread_start(struct arch_context *c, void *stack,
                                 size_t size, void (*fn)(void *), void *arg);

/*
 * ARCH_HAS_UMULL (arch_inline.h): 1 if a 32x32->64 multiply is one
 * instruction (mm's object index uses a 16-bit split where it is not).
 *
 * ARCH_STACK_HW (arch_inline.h): 1 if the port catches thread-stack
 * overflow in hardware (then the scheduler checks its canary at the tick
 * only, not at every switch too).
 *
 * ARCH_STACK_GUARD (arch_inline.h): bytes at the bottom of every stack
 * given to arch_context_init / arch_thread_start that the port makes
 * inaccessible to catch an overflow (0 if it has no guard).  Usable stack
 * starts above them; the scheduler adds them to every stack it allocates.
 */

/*
 * Save the caller's callee-saved registers (the FPU's too where the ABI
 * has them) on its stack and its stack pointer in *from, then resume the
 * context *to.  Returns when something switches back to *from.  Thread
 * context only; the interrupt mask is not part of a context (a caller
 * that masks interrupts across a switch finds them as the resumed code
 * left them).  The cheapest switch the core allows: no exception.
 * *from is a context arch_context_init or arch_thread_start built, or a
 * zeroed one (a caller's first switch away from a stack nobody built a
 * context for): the stack check is part of building, not of switching,
 * and a zeroed context resumes with no check of its own.
 */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/*
 * Ask for the running thread to be diverted into sched_preempted() as
 * soon as no interrupt handler is active.  Interrupt context (the tick).
 * A request when the thread cannot be diverted safely (Cortex-M: inside
 * an IT block or an interrupted LDM/STM, or inside an inline tern_store's
 * sequence, arch/cortex-m/arch_store.h; any port: a PC inside
 * .text.tern_nopreempt, see arch_pc_nopreempt) is dropped; the next tick
 * asks again.  O(1).
 */
void arch_preempt_request(void);

/* Code that must not be preempted between two of its instructions (the
 * write barrier, gc/barrier.c) lives in .text.tern_nopreempt, which the
 * linker script gathers between these symbols.  A few instructions: the
 * next tick finds the thread past it. */
extern const char __tern_nopreempt_start[], __tern_nopreempt_end[];
static inline bool arch_pc_nopreempt(uintptr_t pc)
{
    return pc - (uintptr_t)__tern_nopreempt_start <
           (uintptr_t)(__tern_nopreempt_end - __tern_nopreempt_start);
}

/* Provided by the scheduler: called in thread context by the thread the
 * port diverted, with interrupts masked (the port unmasks them only when
 * the diversion has unwound, so that diversions never nest). */
void sched_preempted(void);

/* Provided by the scheduler, for fault reports (between fatal_begin and
 * fatal_end): print which goroutine's stack holds addr (a faulting
 * address or SP; its guard included), with sp and the stack's limit.
 * Prints nothing if addr is in no goroutine's stack. */
void sched_stack_report(uintptr_t addr, uintptr_t sp);

/* --- stacks and registers --- */

/* The current stack pointer. */
uintptr_t arch_sp(void);

/*
 * True if a word read at addr completes without a bus fault: for finding
 * which optional RAM a board really has (QEMU's STM32F405 lacks the CCM
 * the silicon has).  ARMv7-M/v8-M probe with bus faults ignored; ARMv6-M
 * and x86 cannot probe and answer true.  Boot-time use only.
 */
bool arch_probe_read(uintptr_t addr);

/* --- CPUs ---
 *
 * Groundwork for several Ms: a port whose board has more than one core
 * finds them and starts the others, each of which then takes its own
 * timer interrupts and IPIs and otherwise sleeps; the scheduler runs on
 * CPU 0 only, for now.  CPU 0 is the one that booted.  A one-core port
 * lists CPU 0 alone and starts nothing.
 */
#define ARCH_CPU_OFF      0 /* listed, not started (nosmp, no memory) */
#define ARCH_CPU_STARTING 1 /* sent its start-up, not reported in yet */
#define ARCH_CPU_RUNNING  2 /* the boot CPU: runs the runtime */
#define ARCH_CPU_IDLE     3 /* reported in; sleeps, counting interrupts */
#define ARCH_CPU_FAILED   4 /* did not answer its start-up */

struct arch_cpu {
    unsigned hwid;  /* its interrupt controller's id (x86: APIC id) */
    unsigned state; /* ARCH_CPU_* */
    uint32_t ticks; /* its timer's interrupts (CPU 0: the board tick's) */
    uint32_t ipis;  /* arch_cpu_ipi interrupts it took */
};

/*
 * Find the other cores and start them.  Once, from kernel_main, after
 * time_init and with interrupts on (start-up delays are timed with
 * tern_nanotime); before the scheduler starts.  Prints one line when it
 * finds more than one CPU or a firmware table it could not use, nothing
 * otherwise.
 */
void arch_cpus_start(void);

/* CPUs found, at least 1 (the boot CPU). */
unsigned arch_cpu_count(void);

/* A snapshot of CPU i; false if i >= arch_cpu_count(). */
bool arch_cpu_read(unsigned i, struct arch_cpu *out);

/* Send CPU i the wake-up IPI, whose handler counts it (arch_cpu.ipis);
 * false if CPU i is not one that was started, or is the caller.  Any
 * context.  O(1). */
bool arch_cpu_ipi(unsigned i);

/* --- faults and exit --- */

/* Leave: QEMU exits with status (semihosting / isa-debug-exit); on
 * hardware the core halts with interrupts masked. */
_Noreturn void arch_exit(int status);

/*
 * Reset the board, as its reset button would (the shell's `reset`):
 * Cortex-M SYSRESETREQ through SCB->AIRCR; x86 the keyboard controller's
 * reset line, then a triple fault if that did nothing.  Thread context.
 * Interrupts are masked first; output still in the UART's shift register
 * may be cut off.  Returns only where the board cannot reset (the host
 * port with a test hook installed).  Under QEMU the machine restarts the
 * image.
 */
void arch_reset_board(void);

#include "arch_inline.h"

#endif /* ARCH_ARCH_H */
