/*
 * arch/hosted/arch.c - the arch contract (arch/arch.h) in a Linux process
 * on x86-64: Tern as a hosted program, one M (the main thread).
 *
 * The port, file by file:
 *
 *   arch.c       this file: entry, caps, command line, atomics, exit
 *   irq.c        interrupts as signals: the per-M mask flag and deferral,
 *                handlers on the interrupt stack, idle wait, software
 *                interrupt, preemption decisions
 *   preempt.S    the preemption trampoline (call injection)
 *   switch.S     arch_context_switch
 *   context.c    new contexts; stack guard pages by mprotect
 *   fault.c      fatal reports for SIGSEGV, SIGBUS, SIGFPE, SIGILL
 *
 * The board (boards/linux) gives the console on stdin/stdout, the tick
 * from a POSIX timer on CLOCK_MONOTONIC and the heap (an mmap'd region).
 *
 * Versus the other ports:
 *
 *                 x86 (pc)                  hosted
 *   masking       EFLAGS.IF (cli)           a per-M flag (__thread); a
 *                                           signal arriving masked is
 *                                           recorded, replayed at unmask
 *   in ISR        nesting count             nesting count, per M
 *   sleep         sti; hlt                  ppoll with the signals
 *                                           unblocked atomically
 *   handlers on   the interrupted stack     the interrupt stack
 *                                           (sigaltstack)
 *   preemption    at the end of the         call injection as on
 *                 outermost interrupt       Cortex-M: the ucontext's RIP
 *                                           moved to a trampoline
 *   null guard    absent page 0             Linux never maps page 0
 *   stack guard   absent page               mprotect(PROT_NONE) page
 *   exit          isa-debug-exit            _exit(status)
 *
 * Entry.  The C library starts the process and runs the ELF constructors;
 * the last of them, hosted_boot, is the reset handler: it keeps argc/argv
 * for arch_cmdline and calls kernel_main, which never returns.  So the
 * program's own main() is goroutine 1's entry, as on every board, and the
 * C library is fully initialised before the runtime starts.
 *
 * The C library is glibc.  Tern's malloc family (mm/libc.c) is linked
 * into the executable and so replaces glibc's for glibc's own internal
 * allocations too (ELF interposition); the heap is the board's region
 * only.  The process's first allocations happen before kernel_main (none
 * were seen with glibc 2.36), which mm would refuse with a fatal error.
 * Runtime code calls only async-signal-safe glibc functions from
 * handlers (clock_gettime, timer_settime, read, write, poll).
 *
 * Several Ms (pthreads) are the SMP issue's: all per-M state is in struct
 * hosted_m (__thread), the timer signal goes to a thread (SIGEV_THREAD_ID)
 * and signals are raised with tgkill, ready for one M per thread.
 */
#define _GNU_SOURCE
#include "arch/arch.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/hosted/hosted.h"
#include "kernel/panic.h"
#include "tern.h"

_Noreturn void kernel_main(void);

static char cmdline[1024];
static void (*exit_hook)(void) TERN_PRIVATE;

/* Join argv[1..] with spaces, as a boot loader would pass them. */
static void cmdline_set(int argc, char **argv)
{
    size_t n = 0;

    for (int i = 1; i < argc; i++) {
        size_t len = strlen(argv[i]);

        if (n + len + 2 > sizeof cmdline)
            break;
        if (n > 0)
            cmdline[n++] = ' ';
        memcpy(cmdline + n, argv[i], len);
        n += len;
    }
    cmdline[n] = '\0';
}

/* The reset handler: the last ELF constructor (see above). */
__attribute__((constructor(65535))) static void hosted_boot(int argc,
                                                            char **argv)
{
    cmdline_set(argc, argv);
    hosted_m.masked = 1; /* as at reset: kernel_main enables them */
    kernel_main();
}

void arch_init(void)
{
    hosted_irq_init();
    hosted_fault_init();
}

unsigned arch_caps(void)
{
    return ARCH_CAP_NULL_GUARD | ARCH_CAP_DIV0_TRAP | ARCH_CAP_FPU |
           ARCH_CAP_EXCLUSIVES | ARCH_CAP_STACK_GUARD;
}

bool arch_trap_unaligned(bool on)
{
    (void)on;
    return false; /* EFLAGS.AC would trap glibc's own unaligned accesses */
}

const char *arch_cpu_name(void)
{
    return "x86-64 (Linux process)";
}

const char *arch_cmdline(void)
{
    return cmdline;
}

/* --- atomics --- */

void arch_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool arch_cas32(volatile uint32_t *p, uint32_t old, uint32_t new_value)
{
    return __atomic_compare_exchange_n(p, &old, new_value, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

uint32_t arch_add32(volatile uint32_t *p, uint32_t delta)
{
    return __atomic_add_fetch(p, delta, __ATOMIC_SEQ_CST);
}

/* --- registers, exit --- */

uintptr_t arch_sp(void)
{
    uintptr_t sp;

    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return sp;
}

bool arch_probe_read(uintptr_t addr)
{
    (void)addr;
    return true;
}

void hosted_set_exit_hook(void (*fn)(void))
{
    exit_hook = fn;
}

_Noreturn void arch_exit(int status)
{
    (void)arch_irq_save();
    if (exit_hook != NULL)
        exit_hook();
    _exit(status);
}

/* The process is the board: a reset runs the image again, with the same
 * command line. */
void arch_reset_board(void)
{
    char path[4096];
    ssize_t n;

    (void)arch_irq_save();
    if (exit_hook != NULL)
        exit_hook();
    n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n > 0) {
        char *argv[] = {path, cmdline[0] ? cmdline : NULL, NULL};
        path[n] = '\0';
        execv(path, argv);
    }
    _exit(TERN_EXIT_FATAL);
}

/* The CPUs contract: arch/one_cpu.c. */
