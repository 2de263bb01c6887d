/*
 * arch/x86/context.c - building a new context (see switch.S).
 */
#include <string.h>

#include "arch/arch.h"
#include "tern.h"

void arch_context_start(void);
void arch_context_returned(void);

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

    /* arch_context_start pushes arg and calls: at the call, esp is 16-byte
     * aligned as the i386 System V ABI wants (top - 4 for arg). */
    top -= 12;
    f = (struct x86_switch_frame *)(top - sizeof *f);
    memset(f, 0, sizeof *f);
    f->ebx = (uint32_t)(uintptr_t)fn;
    f->esi = (uint32_t)(uintptr_t)arg;
    f->eip = (uint32_t)(uintptr_t)arch_context_start;
    c->sp = (uintptr_t)f;
}

void arch_stack_release(void *stack, size_t size)
{
    (void)stack; /* nothing armed outside the context */
    (void)size;
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
