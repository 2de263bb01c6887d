/*
 * arch/x86/fault.c - fatal reports for CPU exceptions.
 * See kernel/panic.c for the report format.
 *
 * The vector (and for a page fault the address in CR2) is turned into the
 * runtime's vocabulary, as arch/cortex-m/fault.c does from its status
 * registers:
 *
 *   #DE                      integer divide by zero
 *   #UD                      undefined instruction (also __builtin_trap)
 *   #PF, CR2 < 4096          invalid memory address or nil pointer
 *                            dereference (the null guard, paging.c)
 *   #PF, CR2 in a stack      stack overflow
 *   guard page
 *   #DF, CR2 or the          stack overflow
 *   faulting ESP in a
 *   stack guard page
 *   other #PF                invalid memory address (page fault)
 *   #GP / #SS / #DF          general protection fault / stack fault /
 *                            double fault
 *   NMI                      unexpected NMI
 *   anything else            CPU exception N
 *
 * then "[<mnemonic> err=... addr=... eip=...]" (addr only when CR2 means
 * something), for a stack overflow the scheduler's line naming the
 * goroutine whose guard was hit, its SP and its limit
 * (sched_stack_report), and every register.
 *
 * Stack overflows.  A guard page (paging.c: the boot stack's, or the
 * lowest page of a thread stack) is hit two ways.  Usually ESP itself has
 * run into it: the CPU cannot push the #PF frame on that stack, which
 * makes a double fault, and #DF arrives through its own task (gdt.c), the
 * faulting registers saved in the boot task's TSS; CR2 is the address of
 * the page fault that could not be delivered.  Or an access from above
 * lands in a guard while ESP is still sound: a plain #PF.  Either report
 * runs on a stack of its own (the double-fault task's, or x86_exc_stack
 * in vectors.S), never on the one that overflowed.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/x86/x86.h"
#include "kernel/panic.h"

#define NULL_GUARD_SIZE 4096u

static const char *const mnemonics[] = {
    "#DE", "#DB",  "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC",  "#MC", "#XM", "#VE", "#CP",
};

static const char stack_overflow[] = "stack overflow";

/* The cause; *show_addr says whether CR2 belongs to this fault.  For a
 * stack overflow, *guard is the address in the guard (CR2, or the
 * faulting ESP). */
static const char *cause_of(unsigned vector, uint32_t cr2, uint32_t esp,
                            bool *show_addr, uint32_t *guard)
{
    *show_addr = false;
    switch (vector) {
    case X86_VEC_DE:
        return "integer divide by zero";
    case X86_VEC_UD:
        return "undefined instruction";
    case X86_VEC_NMI:
        return "unexpected NMI";
    case X86_VEC_PF:
        *show_addr = true;
        if (cr2 < NULL_GUARD_SIZE)
            return "invalid memory address or nil pointer dereference";
        if (paging_is_guard(cr2)) {
            *guard = cr2;
            return stack_overflow;
        }
        return "invalid memory address (page fault)";
    case X86_VEC_DF:
        if (paging_is_guard(cr2)) {
            *show_addr = true;
            *guard = cr2;
            return stack_overflow;
        }
        if (paging_is_guard(esp)) {
            *guard = esp;
            return stack_overflow;
        }
        return "double fault";
    case X86_VEC_GP:
        return "general protection fault";
    case X86_VEC_SS:
        return "stack fault";
    default:
        return NULL;
    }
}

static _Noreturn void report(const struct x86_frame *f, uint32_t esp)
{
    uint32_t cr2 = read_cr2();
    uint32_t guard = 0;
    bool show_addr;
    const char *cause = cause_of(f->vector, cr2, esp, &show_addr, &guard);
    int irq = trap_current_irq();

    if (cause != NULL)
        fatal_printf("fatal error: %s\n", cause);
    else
        fatal_printf("fatal error: CPU exception %u\n", (unsigned)f->vector);
    if (f->vector < sizeof mnemonics / sizeof mnemonics[0])
        fatal_printf("[%s", mnemonics[f->vector]);
    else
        fatal_printf("[#%u", (unsigned)f->vector);
    fatal_printf(" err=0x%08lx", (unsigned long)f->error);
    if (show_addr)
        fatal_printf(" addr=0x%08lx", (unsigned long)cr2);
    fatal_printf(" eip=0x%08lx]\n", (unsigned long)f->eip);
    if (cause == stack_overflow)
        sched_stack_report(guard, esp);
    fatal_printf("eax 0x%08lx ebx 0x%08lx ecx 0x%08lx edx 0x%08lx\n",
                 (unsigned long)f->eax, (unsigned long)f->ebx,
                 (unsigned long)f->ecx, (unsigned long)f->edx);
    fatal_printf("esi 0x%08lx edi 0x%08lx ebp 0x%08lx esp 0x%08lx\n",
                 (unsigned long)f->esi, (unsigned long)f->edi,
                 (unsigned long)f->ebp, (unsigned long)esp);
    fatal_printf("eip 0x%08lx eflags 0x%08lx cs 0x%04lx\n",
                 (unsigned long)f->eip, (unsigned long)f->eflags,
                 (unsigned long)f->cs);
    fatal_printf("cr2 0x%08lx cr3 0x%08lx\n", (unsigned long)cr2,
                 (unsigned long)read_cr3());
    if (irq >= 0)
        fatal_printf("in the handler of IRQ %d\n", irq);
    fatal_end();
}

_Noreturn void fault_report(struct x86_frame *f)
{
    fatal_begin();
    report(f, X86_FRAME_SP(f));
}

/* The task that double-faulted: the boot task, or an application
 * processor's (gdt.c), named by the double-fault task's back link. */
static const struct x86_tss *faulting_task(void)
{
    const struct x86_tss *t = gdt_tss_at((uint16_t)gdt_df_tss.link);

    return t != NULL ? t : &gdt_tss;
}

_Noreturn void fault_double(void)
{
    const struct x86_tss *t = faulting_task();
    struct x86_frame f = {
        .edi = t->edi,
        .esi = t->esi,
        .ebp = t->ebp,
        .ebx = t->ebx,
        .edx = t->edx,
        .ecx = t->ecx,
        .eax = t->eax,
        .vector = X86_VEC_DF,
        .error = 0,
        .eip = t->eip,
        .cs = t->cs,
        .eflags = t->eflags,
    };

    fatal_begin();
    report(&f, t->esp);
}
