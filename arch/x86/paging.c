/*
 * arch/x86/paging.c - the identity map, the null guard and the stack guard.
 *
 * Tern uses paging for protection only: every virtual address maps to
 * the same physical address.  Two-level 32-bit paging (no PAE):
 *
 *   0 .. 4 MiB        one page table of 4 KiB pages, because this is
 *                     where the holes are:
 *     page 0          absent: the null guard (a nil dereference, or a
 *                     field of a nil struct, is a #PF with CR2 < 4096)
 *     low memory      read/write (multiboot information, VGA, BIOS)
 *     text, rodata    read-only (CR0.WP makes ring 0 honour it), so a
 *                     store to a string literal faults as on flash
 *     guard page      absent: the page below the stack (linker/x86.ld);
 *                     running off the stack faults instead of writing
 *                     into rodata (see gdt.c for how that fault is
 *                     reported)
 *     the rest        read/write: stack, data, bss, private, heap
 *   4 MiB .. RAM end  4 MiB pages (CR4.PSE), read/write
 *
 * The image must lie in the first 4 MiB (linker/x86.ld asserts it).  RAM
 * end comes from the loader (multiboot.c); the heap ends there.  Without
 * PSE, or without a RAM size from the loader, only the first 4 MiB are
 * mapped and x86_ram_end() says so.  Accessed / dirty bits are never
 * read; the TLB is never flushed because the map never changes.
 *
 * The tables are runtime metadata: they live in the private segment,
 * zeroed at reset, 8 KiB in all.
 */
#include <cpuid.h>
#include <stdint.h>

#include "arch/x86/x86.h"
#include "tern.h"

#define PAGE           4096u
#define BIG_PAGE       0x400000u   /* 4 MiB */
#define MAP_LIMIT      0xFFC00000u /* the last 4 MiB stay unmapped */
#define PTE_PRESENT    0x001u
#define PTE_WRITE      0x002u
#define PDE_BIG        0x080u /* a 4 MiB page */
#define CPUID1_EDX_PSE (1u << 3)

extern char __text_start[], __stack_guard[];

/* The page directory and the page table of the first 4 MiB. */
static struct {
    uint32_t dir[1024];
    uint32_t low[1024];
} pt __attribute__((aligned(PAGE))) TERN_PRIVATE;

static uintptr_t ram_end TERN_PRIVATE;

static bool cpu_has_pse(void)
{
    unsigned a, b, c, d;

    return __get_cpuid(1, &a, &b, &c, &d) && (d & CPUID1_EDX_PSE);
}

void paging_init(void)
{
    uintptr_t ro_start = (uintptr_t)__text_start;
    uintptr_t guard = (uintptr_t)__stack_guard;
    uintptr_t ro_end = guard;
    uint64_t end = multiboot_ram_end();
    bool pse = cpu_has_pse();
    uint32_t cr0, cr4;

    if (end == 0)
        end = BIG_PAGE; /* no size from the loader: the image's 4 MiB */
    if (!pse && end > BIG_PAGE)
        end = BIG_PAGE;
    if (end > MAP_LIMIT)
        end = MAP_LIMIT;

    for (uintptr_t i = 1; i < 1024; i++) {
        uintptr_t a = i * PAGE;

        if (a == guard)
            continue;
        pt.low[i] = a | PTE_PRESENT;
        if (a < ro_start || a >= ro_end)
            pt.low[i] |= PTE_WRITE;
    }
    pt.dir[0] = (uint32_t)(uintptr_t)pt.low | PTE_PRESENT | PTE_WRITE;
    for (uint64_t a = BIG_PAGE; a < end; a += BIG_PAGE)
        pt.dir[a / BIG_PAGE] = (uint32_t)a | PDE_BIG | PTE_PRESENT | PTE_WRITE;
    ram_end = (uintptr_t)end;

    __asm__ volatile("mov %0, %%cr3" : : "r"(pt.dir) : "memory");
    if (pse) {
        __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PSE) : "memory");
    }
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG | CR0_WP) : "memory");
}

uint32_t paging_root(void)
{
    return (uint32_t)(uintptr_t)pt.dir;
}

uintptr_t x86_ram_end(void)
{
    return ram_end;
}
