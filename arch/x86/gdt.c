/*
 * arch/x86/gdt.c - segments and the double-fault task.
 *
 * Tern runs in ring 0 with flat segments, so the GDT holds little: a code
 * and a data descriptor covering 4 GiB, and two task-state segments.
 *
 * Why tasks at all: a stack overflow runs ESP into the unmapped guard
 * page below the stack (the boot stack's, or a goroutine's: paging.c).
 * The CPU then cannot push the #PF frame either, which makes a double
 * fault, and a #DF delivered on the same dead stack would reset the
 * machine (triple fault) with no report.
 * Vector 8 is therefore a task gate: the CPU saves every register of the
 * faulting code in the boot task's TSS (gdt_tss, loaded in TR here), and
 * switches to the double-fault task, which starts at x86_df_entry on a
 * stack of its own with interrupts off and the same page directory.
 * fault_double() then prints the report from gdt_tss.  The switch is one
 * way: the report ends the program.
 *
 * Application processors (smp.c) share the GDT and the double-fault
 * task, and each loads a TSS of its own (gdt_tss_add: a CPU cannot load
 * a TSS another has marked busy), so that a double fault there saves the
 * faulting registers in its own TSS; fault_double finds it through the
 * double-fault task's back link.  Two CPUs double-faulting at once would
 * find the double-fault task busy (a triple fault): the first report
 * ends the program anyway.
 *
 * Descriptors (Intel SDM vol. 3, 3.4.5): base and limit are split across
 * the 8 bytes, so the table is built at run time.  The GDT, the TSSs and
 * the double-fault stack live in the private segment; the CPU writes the
 * accessed and busy bits, so the GDT must be writable.
 */
#include <stdint.h>

#include "arch/x86/x86.h"
#include "tern.h"

#define DF_STACK_SIZE 4096

/* access byte */
#define ACC_CODE  0x9Au /* present, ring 0, code, readable */
#define ACC_DATA  0x92u /* present, ring 0, data, writable */
#define ACC_TSS   0x89u /* present, ring 0, 32-bit TSS (available) */
/* flags nibble */
#define FLG_4K_32 0xCu /* granularity 4 KiB, 32-bit */
#define FLG_BYTE  0x0u /* granularity 1 byte */

#define NR_FIXED (SEL_TSS_DF / 8 + 1) /* null, code, data, two tasks */

struct x86_tss gdt_tss TERN_PRIVATE;
struct x86_tss gdt_df_tss TERN_PRIVATE;
static uint64_t gdt[NR_FIXED + X86_MAX_CPUS - 1] TERN_PRIVATE;
static unsigned gdt_used TERN_PRIVATE; /* entries in use */
static _Alignas(16) uint8_t df_stack[DF_STACK_SIZE] TERN_PRIVATE;

static uint64_t descriptor(uint32_t base, uint32_t limit, unsigned access,
                           unsigned flags)
{
    return (uint64_t)(limit & 0xFFFFu) | (uint64_t)(base & 0xFFFFFFu) << 16 |
           (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xFu) << 48 |
           (uint64_t)flags << 52 | (uint64_t)(base >> 24) << 56;
}

static void df_task_init(void)
{
    gdt_df_tss.cr3 = paging_root(); /* used once paging is on */
    gdt_df_tss.eip = (uint32_t)(uintptr_t)x86_df_entry;
    gdt_df_tss.eflags = 0x2; /* IF = 0; bit 1 is always set */
    gdt_df_tss.esp = (uint32_t)(uintptr_t)(df_stack + sizeof df_stack);
    gdt_df_tss.cs = SEL_CODE;
    gdt_df_tss.ds = gdt_df_tss.es = gdt_df_tss.ss = gdt_df_tss.fs =
        gdt_df_tss.gs = SEL_DATA;
    gdt_df_tss.iomap = sizeof gdt_df_tss;
    gdt_tss.iomap = sizeof gdt_tss;
}

void gdt_init(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = {sizeof gdt - 1, (uint32_t)(uintptr_t)gdt};

    df_task_init();
    gdt_used = NR_FIXED;
    gdt[0] = 0;
    gdt[SEL_CODE / 8] = descriptor(0, 0xFFFFF, ACC_CODE, FLG_4K_32);
    gdt[SEL_DATA / 8] = descriptor(0, 0xFFFFF, ACC_DATA, FLG_4K_32);
    gdt[SEL_TSS / 8] = descriptor((uint32_t)(uintptr_t)&gdt_tss,
                                  sizeof gdt_tss - 1, ACC_TSS, FLG_BYTE);
    gdt[SEL_TSS_DF / 8] = descriptor((uint32_t)(uintptr_t)&gdt_df_tss,
                                     sizeof gdt_df_tss - 1, ACC_TSS, FLG_BYTE);

    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%fs\n\t"
                     "movw %w2, %%gs\n\t"
                     "movw %w2, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(gdtr), "i"(SEL_CODE), "r"(SEL_DATA), "r"(SEL_TSS)
                     : "memory");
}

uint16_t gdt_tss_add(struct x86_tss *t)
{
    if (gdt_used == sizeof gdt / sizeof gdt[0])
        tern_panic("GDT full: more CPUs than X86_MAX_CPUS");
    t->iomap = sizeof *t;
    gdt[gdt_used] =
        descriptor((uint32_t)(uintptr_t)t, sizeof *t - 1, ACC_TSS, FLG_BYTE);
    return (uint16_t)(8 * gdt_used++);
}

const struct x86_tss *gdt_tss_at(uint16_t sel)
{
    uint64_t d;

    if (sel == SEL_TSS)
        return &gdt_tss;
    if (sel % 8 != 0 || sel / 8 < NR_FIXED || sel / 8 >= gdt_used)
        return NULL;
    d = gdt[sel / 8];
    return (
        const struct x86_tss *)(uintptr_t)((uint32_t)((d >> 16) & 0xFFFFFFu) |
                                           (uint32_t)(d >> 56) << 24);
}
