/*
 * arch/host/arch.c - the arch contract (arch/arch.h) in a POSIX process,
 * for the unit tests in tests/host.  There are no interrupts: "masking"
 * is a flag the tests can observe, and arch_wait_irq runs the test's fake
 * interrupt source (host_set_irq_source), so code that sleeps for an
 * interrupt makes progress.  Exit flushes stdout and ends the process.
 */
#include "arch/arch.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "arch/host/host.h"
#include "tern.h"

unsigned long host_masked;

static struct {
    void (*irq_source)(void);
    void (*reset)(void);
} host;

void arch_init(void)
{
}

unsigned arch_caps(void)
{
    return 0;
}

bool arch_trap_unaligned(bool on)
{
    (void)on;
    return false;
}

const char *arch_cpu_name(void)
{
    return "host";
}

const char *arch_cmdline(void)
{
    return "";
}

void arch_irq_enable(void)
{
    host_masked = 0;
}

static int host_isr_depth;

bool arch_in_isr(void)
{
    return host_isr_depth != 0;
}

bool host_irq_masked(void)
{
    return host_masked != 0;
}

void host_set_irq_source(void (*fn)(void))
{
    host.irq_source = fn;
}

void arch_wait_irq(void)
{
    if (host.irq_source)
        host.irq_source();
    else
        usleep(100);
}

void arch_irq_line_enable(unsigned irq)
{
    (void)irq;
}

void arch_irq_line_disable(unsigned irq)
{
    (void)irq;
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

void arch_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

uintptr_t arch_sp(void)
{
    return (uintptr_t)__builtin_frame_address(0);
}

bool arch_probe_read(uintptr_t addr)
{
    (void)addr;
    return true;
}

_Noreturn void arch_exit(int status)
{
    fflush(stdout);
    fflush(stderr);
    _exit(status);
}

/* The first function of a new context: fn(arg), which must not return.
 * makecontext passes ints, so the context's address comes in two halves. */
static void context_start(unsigned hi, unsigned lo)
{
    struct arch_context *c =
        (struct arch_context *)(((uintptr_t)hi << 16 << 16) | (uintptr_t)lo);

    c->fn(c->arg);
    tern_panic("context entry returned");
}

void arch_context_init(struct arch_context *c, void *stack, size_t size,
                       void (*fn)(void *), void *arg)
{
    uintptr_t self = (uintptr_t)c;

    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = stack;
    c->uc.uc_stack.ss_size = size;
    c->uc.uc_link = NULL;
    c->fn = fn;
    c->arg = arg;
    makecontext(&c->uc, (void (*)(void))context_start, 2,
                (unsigned)(self >> 16 >> 16), (unsigned)self);
}

static void (*soft_fn)(void);

void arch_soft_irq_set(void (*fn)(void))
{
    soft_fn = fn;
}

/* The host port has no interrupts: the handler runs inline, with the
 * "in an interrupt handler" flag set. */
void arch_soft_irq(void)
{
    unsigned long s = arch_irq_save();

    host_isr_depth++;
    soft_fn();
    host_isr_depth--;
    arch_irq_restore(s);
}

void arch_stack_release(void *stack, size_t size)
{
    (void)stack;
    (void)size;
}

_Noreturn void arch_thread_start(struct arch_context *c, void *stack,
                                 size_t size, void (*fn)(void *), void *arg)
{
    struct arch_context boot;

    arch_context_init(c, stack, size, fn, arg);
    swapcontext(&boot.uc, &c->uc);
    abort();
}

void arch_context_switch(struct arch_context *from, struct arch_context *to)
{
    swapcontext(&from->uc, &to->uc);
}

/* No interrupts on the host, so nothing to preempt from. */
void arch_preempt_request(void)
{
}

void host_set_reset_hook(void (*fn)(void))
{
    host.reset = fn;
}

/* The process is the board: without a test hook, a reset ends it. */
void arch_reset_board(void)
{
    if (host.reset != NULL) {
        host.reset();
        return;
    }
    arch_exit(0);
}

/* The CPUs contract: arch/one_cpu.c. */
