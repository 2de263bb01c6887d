/*
 * arch/hosted/irq.c - interrupts as signals: masking, deferral, the
 * handlers, the idle wait, the software interrupt and preemption.
 * See arch/hosted/arch.c for the overview.
 *
 * Interrupt sources are the port's signals (hosted.h): the tick, the
 * software interrupt and the console's input.  All of them are handled
 * by on_signal on the interrupt stack (sigaltstack over the "stack"
 * segment, linker/hosted.ld), each with the others blocked by the kernel
 * (sa_mask), so handlers never nest, as on x86.  A fault signal is not
 * blocked: a fault inside a handler is reported (fault.c).
 *
 * Masking is a per-M flag (arch_inline.h), two instructions:
 *
 *   signal arrives, M masked    set its bit in pending, return
 *   signal arrives, unmasked    clear its bit in pending, run the body
 *                               (isr_depth > 0, masked), then maybe
 *                               divert the thread into the scheduler
 *   unmask, pending != 0        hosted_irq_replay: take pending with one
 *                               xchg (atomic against this thread's
 *                               signals) and raise each signal again
 *                               with tgkill, which delivers it before
 *                               the system call returns, unmasked
 *
 * So a deferred interrupt runs exactly once, through the same handler as
 * an immediate one, with a ucontext to divert; the system call is paid
 * only when an interrupt actually arrived inside a masked section.
 *
 * Preemption (arch_preempt_request) is taken at the end of the handler
 * body, like x86's end of the outermost interrupt, by call injection
 * (divert, preempt.S) when the interrupted code
 *   - was not masked (it was not, or the body would not have run),
 *   - is not inside .text.tern_nopreempt (arch_pc_nopreempt),
 *   - is not the trampoline itself, nor unwinding from it (the trampoline
 *     replays pending signals while hosted_unwinding is set), so
 *     diversions never nest;
 * otherwise the request is dropped and the next tick asks again.
 *
 * Idle (arch_wait_irq): the port's signals are blocked in the kernel,
 * pending is checked, and ppoll atomically unblocks them and sleeps
 * until one arrives (its handler sees the M masked and records it) or
 * the console's input becomes readable (recorded as the console's
 * signal).  The caller unmasks and the replay runs the handlers: no
 * lost wake-up, and tickless idle sleeps for as long as time.c armed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/arch.h"
#include "arch/hosted/hosted.h"
#include "kernel/panic.h"
#include "tern.h"

__thread struct hosted_m hosted_m;
__thread volatile bool hosted_unwinding;

void hosted_preempt_trampoline(void);
extern const char hosted_preempt_trampoline_end[];
void hosted_preempt_body(void);

/* The interrupt stack: every handler runs on it (sigaltstack).  Its own
 * section, the "stack" segment of the table, scanned by the GC as the
 * interrupt stack (linker/hosted.ld).  Large: the kernel's signal frame
 * holds the whole xsave state (up to ~3 KiB with AVX-512), and a fault
 * inside a handler stacks a second frame. */
#define ISTACK_SIZE (64 * 1024)
static char istack[ISTACK_SIZE]
    __attribute__((section(".tern_istack"), aligned(4096), used));

static void (*handlers[32])(void) TERN_PRIVATE;
static sigset_t async_set TERN_PRIVATE; /* the port's signals */
static int wait_fd = -1;                /* watched by arch_wait_irq */

uint64_t hosted_fpu_size = 512;
uint64_t hosted_fpu_xsave;

int hosted_gettid(void)
{
    return (int)syscall(SYS_gettid);
}

static void raise_self(int sig)
{
    syscall(SYS_tgkill, getpid(), hosted_m.tid, sig);
}

void hosted_irq_replay(void)
{
    uint32_t p = __atomic_exchange_n(&hosted_m.pending, 0, __ATOMIC_SEQ_CST);

    while (p != 0) {
        int sig = __builtin_ctz(p);

        p &= p - 1;
        raise_self(sig);
    }
}

void arch_preempt_request(void)
{
    hosted_m.preempt_req = true;
}

/* Make the interrupted thread call the scheduler when the handler
 * returns (preempt.S has the frame).  Returns false if it may not. */
static bool divert(ucontext_t *uc)
{
    greg_t *r = uc->uc_mcontext.gregs;
    uintptr_t pc = (uintptr_t)r[REG_RIP];
    uintptr_t slot = (uintptr_t)r[REG_RSP] - 128 - 8;

    if (hosted_unwinding || arch_pc_nopreempt(pc) ||
        (pc >= (uintptr_t)hosted_preempt_trampoline &&
         pc < (uintptr_t)hosted_preempt_trampoline_end))
        return false;
    /* A stack with no room for the slot faults here, in its guard page:
     * reported as its overflow (fault.c), as the exception frame of an
     * interrupt would be on the other ports. */
    *(volatile uint64_t *)slot = (uint64_t)pc;
    r[REG_RSP] = (greg_t)slot;
    r[REG_RIP] = (greg_t)(uintptr_t)hosted_preempt_trampoline;
    hosted_m.masked = 1; /* until the trampoline has unwound */
    return true;
}

void hosted_preempt_body(void)
{
    int saved = errno; /* glibc's errno is per thread, not per G */

    sched_preempted();
    errno = saved;
    hosted_unwinding = true;
    arch_irq_restore(0); /* they were on, or no diversion */
}

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    struct hosted_m *m = &hosted_m;
    int saved = errno;

    (void)si;
    if (m->masked) {
        /* Deferred: the unmask replays it.  No other port signal can
         * run meanwhile (sa_mask), and thread code changes pending only
         * by one xchg, so this read-modify-write is not torn. */
        m->pending |= 1u << sig;
        errno = saved;
        return;
    }
    __atomic_fetch_and(&m->pending, ~(1u << sig), __ATOMIC_SEQ_CST);
    m->masked = 1;
    m->isr_depth++;
    m->preempt_req = false;
    if (handlers[sig] == NULL) {
        fatal_begin();
        fatal_printf("fatal error: unexpected interrupt (signal %d)\n", sig);
        fatal_end();
    }
    handlers[sig]();
    m->isr_depth--;
    m->masked = 0;
    if (m->preempt_req) {
        m->preempt_req = false;
        (void)divert(ucv);
    }
    errno = saved;
}

/* The port's signals, blocked while a handler runs. */
static void async_set_init(void)
{
    sigemptyset(&async_set);
    sigaddset(&async_set, HOSTED_SIG_TICK);
    sigaddset(&async_set, HOSTED_SIG_SOFT);
    sigaddset(&async_set, HOSTED_SIG_UART);
}

void hosted_irq_set(int sig, void (*fn)(void))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    async_set_init();
    handlers[sig] = fn;
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sa.sa_mask = async_set;
    if (sigaction(sig, &sa, NULL) != 0)
        tern_panic("sigaction failed");
}

static void soft_irq(void);

/* The FPU state the trampoline saves: xsave of every component the OS
 * enabled (CPUID leaf 0xD: its size), where the OS uses xsave. */
static void fpu_init(void)
{
    unsigned a, b, c, d;

    __asm__ volatile("cpuid"
                     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "a"(1), "c"(0));
    if (!(c & (1u << 27))) /* OSXSAVE */
        return;
    __asm__ volatile("cpuid"
                     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "a"(0xD), "c"(0));
    if (b < 576)
        return;
    hosted_fpu_size = (b + 63) & ~63u;
    hosted_fpu_xsave = 1;
}

void hosted_irq_init(void)
{
    stack_t ss = {.ss_sp = istack, .ss_size = sizeof istack, .ss_flags = 0};

    hosted_m.tid = hosted_gettid();
    fpu_init();
    if (sigaltstack(&ss, NULL) != 0)
        tern_panic("sigaltstack failed");
    async_set_init();
    hosted_irq_set(HOSTED_SIG_SOFT, soft_irq);
    pthread_sigmask(SIG_UNBLOCK, &async_set, NULL);
}

void hosted_set_wait_fd(int fd)
{
    wait_fd = fd;
}

void arch_irq_enable(void)
{
    arch_irq_restore(0);
}

void arch_wait_irq(void)
{
    sigset_t old;

    pthread_sigmask(SIG_BLOCK, &async_set, &old);
    if (hosted_m.pending == 0) {
        struct pollfd p = {.fd = wait_fd, .events = POLLIN};

        sigdelset(&old, HOSTED_SIG_TICK);
        sigdelset(&old, HOSTED_SIG_SOFT);
        sigdelset(&old, HOSTED_SIG_UART);
        if (ppoll(&p, 1, NULL, &old) > 0 && (p.revents & (POLLIN | POLLHUP)))
            hosted_m.pending |= 1u << HOSTED_SIG_UART;
    }
    pthread_sigmask(SIG_UNBLOCK, &async_set, NULL);
}

/* --- the software interrupt --- */

static void (*volatile soft_fn)(void) TERN_PRIVATE;

static void soft_irq(void)
{
    if (soft_fn == NULL)
        tern_panic("software interrupt without a handler");
    soft_fn();
}

void arch_soft_irq_set(void (*fn)(void))
{
    soft_fn = fn;
}

void arch_soft_irq(void)
{
    if (hosted_m.masked)
        tern_panic("arch_soft_irq with interrupts masked");
    raise_self(HOSTED_SIG_SOFT); /* delivered before tgkill returns */
}

void arch_irq_line_enable(unsigned irq)
{
    (void)irq;
}

void arch_irq_line_disable(unsigned irq)
{
    (void)irq;
}
