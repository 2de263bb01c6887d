/*
 * arch/hosted/fault.c - fatal reports for the CPU's fault signals.
 * See kernel/panic.c for the report format.
 *
 * The signal and its siginfo are turned into the runtime's vocabulary, as
 * arch/x86/fault.c does from the vector and CR2:
 *
 *   SIGFPE FPE_INTDIV          integer divide by zero (#DE)
 *   SIGFPE FPE_INTOVF          integer overflow
 *   SIGFPE otherwise           floating-point exception
 *   SIGILL                     undefined instruction (__builtin_trap: ud2)
 *   SIGSEGV, addr < 4096       invalid memory address or nil pointer
 *                              dereference (Linux never maps page 0)
 *   SIGSEGV SEGV_ACCERR in     stack overflow: the only inaccessible
 *   the heap                   pages of the heap are the guard pages
 *                              of thread stacks (context.c)
 *   other SIGSEGV              invalid memory address (segmentation fault)
 *   SIGBUS                     bus error
 *
 * then "[<signal> code=... addr=... rip=...]", for a stack overflow the
 * scheduler's line naming the goroutine whose guard was hit (its SP and
 * limit), and the registers.  The handler runs on the interrupt stack
 * (SA_ONSTACK), never on the stack that overflowed; a fault inside an
 * interrupt handler is reported too (these signals are never blocked).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "arch/arch.h"
#include "arch/hosted/hosted.h"
#include "kernel/panic.h"
#include "tern.h"

#define NULL_GUARD_SIZE 4096u

static const char stack_overflow[] = "stack overflow";

static bool in_heap(uintptr_t addr)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);

    for (size_t i = 0; i < n; i++)
        if (t[i].kind == TERN_SEG_HEAP &&
            addr - t[i].start < t[i].end - t[i].start)
            return true;
    return false;
}

static const char *cause_of(int sig, const siginfo_t *si, bool *show_addr)
{
    uintptr_t addr = (uintptr_t)si->si_addr;

    *show_addr = false;
    switch (sig) {
    case SIGFPE:
        if (si->si_code == FPE_INTDIV)
            return "integer divide by zero";
        if (si->si_code == FPE_INTOVF)
            return "integer overflow";
        return "floating-point exception";
    case SIGILL:
        return "undefined instruction";
    case SIGSEGV:
        *show_addr = true;
        if (addr < NULL_GUARD_SIZE)
            return "invalid memory address or nil pointer dereference";
        if (si->si_code == SEGV_ACCERR && in_heap(addr))
            return stack_overflow;
        return "invalid memory address (segmentation fault)";
    case SIGBUS:
        *show_addr = true;
        return "bus error";
    default:
        return "unexpected signal";
    }
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    const greg_t *r = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    bool show_addr;
    const char *cause = cause_of(sig, si, &show_addr);
    bool in_handler = arch_in_isr();

    fatal_begin();
    hosted_m.isr_depth++; /* the report runs in a handler, not on the G */
    fatal_printf("fatal error: %s\n", cause);
    fatal_printf("[SIG%s code=%d", sigabbrev_np(sig), si->si_code);
    if (show_addr)
        fatal_printf(" addr=%p", si->si_addr);
    fatal_printf(" rip=0x%016lx]\n", (unsigned long)r[REG_RIP]);
    if (cause == stack_overflow)
        sched_stack_report((uintptr_t)si->si_addr, (uintptr_t)r[REG_RSP]);
    fatal_printf("rax 0x%016lx rbx 0x%016lx rcx 0x%016lx\n",
                 (unsigned long)r[REG_RAX], (unsigned long)r[REG_RBX],
                 (unsigned long)r[REG_RCX]);
    fatal_printf("rdx 0x%016lx rsi 0x%016lx rdi 0x%016lx\n",
                 (unsigned long)r[REG_RDX], (unsigned long)r[REG_RSI],
                 (unsigned long)r[REG_RDI]);
    fatal_printf("rbp 0x%016lx rsp 0x%016lx r8  0x%016lx\n",
                 (unsigned long)r[REG_RBP], (unsigned long)r[REG_RSP],
                 (unsigned long)r[REG_R8]);
    fatal_printf("r9  0x%016lx r10 0x%016lx r11 0x%016lx\n",
                 (unsigned long)r[REG_R9], (unsigned long)r[REG_R10],
                 (unsigned long)r[REG_R11]);
    fatal_printf("r12 0x%016lx r13 0x%016lx r14 0x%016lx\n",
                 (unsigned long)r[REG_R12], (unsigned long)r[REG_R13],
                 (unsigned long)r[REG_R14]);
    fatal_printf("r15 0x%016lx rip 0x%016lx eflags 0x%08lx\n",
                 (unsigned long)r[REG_R15], (unsigned long)r[REG_RIP],
                 (unsigned long)r[REG_EFL]);
    if (in_handler)
        fatal_printf("in an interrupt handler\n");
    fatal_end();
}

void hosted_fault_init(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigfillset(&sa.sa_mask); /* nothing else runs during the report, */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigdelset(&sa.sa_mask, sigs[i]); /* but a fault in it is caught */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0)
            tern_panic("sigaction failed");
}
