/*
 * arch/hosted/context.c - building a new context (see switch.S) and
 * arming its stack's guard page.
 *
 * As on x86 (arch/x86/context.c), the lowest page of every thread stack
 * (ARCH_STACK_GUARD bytes) is inaccessible while the stack belongs to a
 * context: mprotect(PROT_NONE) when a context is built on it, back to
 * read-write when the scheduler releases the stack.  An overflow touches
 * the guard and raises SIGSEGV, which fault.c handles on the interrupt
 * stack (sigaltstack) and reports as "stack overflow" naming the
 * goroutine.  Frames larger than a page cannot jump the guard: the image
 * is built with -fstack-clash-protection (arch.mk).  Re-arming a reused
 * stack is one mprotect call.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "arch/arch.h"
#include "tern.h"

void arch_context_start(void);
void arch_context_returned(void);

_Static_assert(TERN_PAGE_SIZE % ARCH_STACK_GUARD == 0,
               "stack spans must start on a host page, their guard");

/* The frame arch_context_switch pops, lowest address first. */
struct hosted_switch_frame {
    uint16_t fcw;
    uint16_t pad;
    uint32_t mxcsr;
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t rip; /* returned to: arch_context_start */
};

#define FCW_DEFAULT   0x037Fu /* x87: all exceptions masked, 64-bit */
#define MXCSR_DEFAULT 0x1F80u /* SSE: all exceptions masked, nearest */

void arch_context_init(struct arch_context *c, void *stack, size_t size,
                       void (*fn)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    struct hosted_switch_frame *f;

    if (((uintptr_t)stack & (ARCH_STACK_GUARD - 1)) != 0)
        tern_panic("thread stack not page-aligned for its guard page");
    if (size < ARCH_STACK_GUARD + 256)
        tern_panic("thread stack too small for its guard page");
    /* arch_context_start is entered by ret with rsp at top - 16: 16-byte
     * aligned at its call, as the ABI wants. */
    f = (struct hosted_switch_frame *)(top - 16 - sizeof *f);
    memset(f, 0, sizeof *f);
    f->fcw = FCW_DEFAULT;
    f->mxcsr = MXCSR_DEFAULT;
    f->rbx = (uint64_t)(uintptr_t)fn;
    f->r12 = (uint64_t)(uintptr_t)arg;
    f->rip = (uint64_t)(uintptr_t)arch_context_start;
    c->sp = (uintptr_t)f;
    if (mprotect(stack, ARCH_STACK_GUARD, PROT_NONE) != 0)
        tern_panic("cannot arm a stack guard page (mprotect)");
}

void arch_stack_release(void *stack, size_t size)
{
    (void)size;
    /* the memory goes back to the heap: it must be usable again */
    if (mprotect(stack, ARCH_STACK_GUARD, PROT_READ | PROT_WRITE) != 0)
        tern_panic("cannot release a stack guard page (mprotect)");
}

_Noreturn void arch_thread_start(struct arch_context *c, void *stack,
                                 size_t size, void (*fn)(void *), void *arg)
{
    struct arch_context boot; /* the process's own stack: never resumed */

    arch_context_init(c, stack, size, fn, arg);
    (void)arch_irq_save(); /* fn starts masked, as the contract says */
    arch_context_switch(&boot, c);
    __builtin_unreachable();
}

void arch_context_returned(void)
{
    tern_panic("context entry returned");
}
