/*
 * arch/x86/context.c - building a new context (see switch.S) and arming
 * its stack's guard page.
 *
 * The lowest page of every thread stack (ARCH_STACK_GUARD bytes) is taken
 * out of the map when a context is built on the stack and put back when
 * the scheduler frees the stack (arch_stack_release), so it is absent for
 * as long as the stack belongs to a context, running or not: there is
 * nothing to switch with the context, unlike the MPU region of ARMv7-M.
 * Goroutine stacks are reused by later tern_go calls with the guard still
 * out; arming it again costs a look at its page-table entry.
 *
 * An overflow runs ESP into the guard; in ring 0 the CPU then cannot push
 * the page fault's frame either, which makes a double fault, delivered
 * through a task gate on a stack of its own (gdt.c); fault.c reports
 * both as "stack overflow" and names the goroutine.  A frame larger than
 * the guard cannot jump it: the image is built with
 * -fstack-clash-protection (arch.mk), so such a frame is allocated a page
 * at a time, touching each page, and the first touch below the stack's
 * usable bottom is in the guard.
 */
#include <string.h>

#include "arch/arch.h"
#include "arch/x86/x86.h"
#include "tern.h"

void arch_context_start(void);
void arch_context_returned(void);

_Static_assert(TERN_PAGE_SIZE % ARCH_STACK_GUARD == 0,
               "stack spans must start on an x86 page, their guard");

/* The frame arch_context_switch pops, lowest address first. */
struct x86_switch_frame {
    uint32_t edi, esi, ebx, ebp;
    uint32_t eip; /* returned to: arch_context_start */
};

void arch_context_init(struct arch_context *c, void *stack, size_t size,
                       void (*fn)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    struct x86_switch_frame *f;

    if (((uintptr_t)stack & (ARCH_STACK_GUARD - 1)) != 0)
        tern_panic("thread stack not page-aligned for its guard page");
    if (size < ARCH_STACK_GUARD + 256)
        tern_panic("thread stack too small for its guard page");
    /* arch_context_start pushes arg and calls: at the call, esp is 16-byte
     * aligned as the i386 System V ABI wants (top - 4 for arg). */
    top -= 12;
    f = (struct x86_switch_frame *)(top - sizeof *f);
    memset(f, 0, sizeof *f);
    f->ebx = (uint32_t)(uintptr_t)fn;
    f->esi = (uint32_t)(uintptr_t)arg;
    f->eip = (uint32_t)(uintptr_t)arch_context_start;
    c->sp = (uintptr_t)f;
    paging_set_present((uintptr_t)stack, false);
}

void arch_stack_release(void *stack, size_t size)
{
    (void)size;
    /* the memory goes back to the heap: it must be usable again */
    paging_set_present((uintptr_t)stack, true);
}

_Noreturn void arch_thread_start(struct arch_context *c, void *stack,
                                 size_t size, void (*fn)(void *), void *arg)
{
    struct arch_context boot; /* never resumed */

    arch_context_init(c, stack, size, fn, arg);
    arch_context_switch(&boot, c);
    __builtin_unreachable();
}

void arch_context_returned(void)
{
    tern_panic("context entry returned");
}
