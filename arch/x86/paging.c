/*
 * arch/x86/paging.c - the identity map, the null guard and the stack
 * guards.
 *
 * Tern uses paging for protection only: every virtual address maps to
 * the same physical address.  Two-level 32-bit paging (no PAE), 4 KiB
 * pages throughout:
 *
 *   page 0            absent: the null guard (a nil dereference, or a
 *                     field of a nil struct, is a #PF with CR2 < 4096)
 *   low memory        read/write (multiboot information, VGA, BIOS)
 *   text, rodata      read-only (CR0.WP makes ring 0 honour it), so a
 *                     store to a string literal faults as on flash
 *   boot stack guard  absent: the page below the boot stack
 *                     (linker/x86.ld), so running off it faults instead
 *                     of writing into rodata
 *   the rest          read/write: boot stack, data, bss, private, heap
 *   page tables       read/write, at the top of RAM, outside the heap
 *   thread stack      absent while a context is armed on the stack: the
 *   guards            lowest page of every goroutine stack and of the
 *                     idle loop's (paging_set_present, from context.c)
 *   device pages      read/write, uncached, above RAM, where a driver
 *                     asked (paging_mmio_add: the local APICs, smp.c);
 *                     each 4 MiB region of them takes a table below the
 *                     others at the top of RAM
 *
 * How a stack overflow into a guard is reported: fault.c and gdt.c.
 *
 * Why 4 KiB pages everywhere.  A goroutine stack is a span anywhere in
 * the heap, and its guard is its lowest page, so every heap page must be
 * one that can be taken out of the map alone.  The page tables for all of
 * RAM cost 1/1024 of it (32 KiB of QEMU's 32 MiB); paging_init takes them
 * from the top of RAM before the heap is laid out, and x86_ram_end() (the
 * heap's end) is where they begin.  Indexed from address 0 they form one
 * flat array of entries, so a page's entry is ptes[addr / 4096].
 * Rejected: 4 MiB pages (CR4.PSE) above the image, split into a table
 * when a guard first lands in one.  Fewer TLB misses on hardware, but a
 * split path and a pool of tables to split into (as large as the flat
 * array, to be safe); QEMU's software TLB is per 4 KiB page anyway.
 *
 * Entries.  A present entry is read/write except text and rodata.  An
 * absent entry with the write bit is a stack guard (the boot stack's or a
 * thread stack's): paging_set_present only flips the present bit of a
 * read/write page, and paging_is_guard recognises that state.  An absent
 * entry without it is the null page or beyond the end of RAM.  Accessed /
 * dirty bits are never read.  A change is followed by invlpg of the page
 * (one CPU: no other TLB to shoot down); the rest of the map never
 * changes.
 *
 * Without a RAM size from the loader, only the first 4 MiB (where the
 * image is) are mapped and x86_ram_end() says so.  The page directory is
 * runtime metadata in the private segment, zeroed at reset.
 */
#include <stdint.h>
#include <string.h>

#include "arch/x86/x86.h"
#include "tern.h"

#define PAGE        4096u
#define TABLE_SPAN  0x400000u   /* bytes one page table maps: 4 MiB */
#define MAP_LIMIT   0xFFC00000u /* the last 4 MiB stay unmapped */
#define PTE_PRESENT 0x001u
#define PTE_WRITE   0x002u
#define PTE_PWT     0x008u /* write-through */
#define PTE_PCD     0x010u /* cache disabled: device registers */
#define MMIO_MAX    2

extern char __text_start[], __stack_guard[], __heap_start[];

static uint32_t dir[1024] __attribute__((aligned(PAGE))) TERN_PRIVATE;

/* set once by paging_init: */
static struct {
    uint32_t *ptes; /* entry of page n at ptes[n], n < npages */
    uint32_t npages;
    uintptr_t end; /* one past the last byte for the heap: the tables */
    uintptr_t mmio[MMIO_MAX]; /* device pages to map (paging_mmio_add) */
    unsigned nmmio;
} map TERN_PRIVATE;

void paging_mmio_add(uintptr_t page)
{
    if (map.nmmio == MMIO_MAX || (page & (PAGE - 1)) != 0 || page >= MAP_LIMIT)
        tern_panic("paging: bad or too many device pages");
    map.mmio[map.nmmio++] = page;
}

/* Map the device pages: a table for each 4 MiB region above RAM, from
 * *below (moving down); a page inside RAM's tables only changes its
 * entry.  Paging is off. */
static void mmio_map(uint32_t ntables, uintptr_t *below)
{
    for (unsigned i = 0; i < map.nmmio; i++) {
        uintptr_t a = map.mmio[i];
        uint32_t d = (uint32_t)(a / TABLE_SPAN);
        uint32_t *table;

        if (d < ntables) {
            table = map.ptes + d * 1024;
        } else if (dir[d] & PTE_PRESENT) {
            table = (uint32_t *)(uintptr_t)(dir[d] & ~(PAGE - 1));
        } else {
            *below -= PAGE;
            table = (uint32_t *)*below;
            memset(table, 0, PAGE);
            dir[d] = (uint32_t)*below | PTE_PRESENT | PTE_WRITE;
        }
        table[(a / PAGE) % 1024] =
            a | PTE_PRESENT | PTE_WRITE | PTE_PCD | PTE_PWT;
    }
}

void paging_init(void)
{
    uintptr_t ro_start = (uintptr_t)__text_start;
    uintptr_t ro_end = (uintptr_t)__stack_guard; /* rodata ends there */
    uintptr_t guard = (uintptr_t)__stack_guard;
    uint64_t end = multiboot_ram_end();
    uint32_t ntables, cr0;
    uintptr_t tables;

    if (end == 0)
        end = TABLE_SPAN; /* no size from the loader: the image's 4 MiB */
    if (end > MAP_LIMIT)
        end = MAP_LIMIT;
    end &= ~(uint64_t)(PAGE - 1);
    ntables = (uint32_t)((end + TABLE_SPAN - 1) / TABLE_SPAN);
    tables = (uintptr_t)end - ntables * PAGE;
    if (tables < (uintptr_t)__heap_start)
        tern_panic("RAM too small for the page tables");

    /* Paging is off: the tables are written where they are. */
    map.ptes = (uint32_t *)tables;
    map.npages = (uint32_t)(end / PAGE);
    map.end = tables;
    memset(map.ptes, 0, ntables * PAGE);
    for (uint32_t n = 1; n < map.npages; n++) {
        uintptr_t a = (uintptr_t)n * PAGE;

        if (a >= ro_start && a < ro_end)
            map.ptes[n] = a | PTE_PRESENT;
        else if (a == guard)
            map.ptes[n] = a | PTE_WRITE; /* a stack guard: absent */
        else
            map.ptes[n] = a | PTE_PRESENT | PTE_WRITE;
    }
    for (uint32_t i = 0; i < ntables; i++)
        dir[i] = (uint32_t)(tables + i * PAGE) | PTE_PRESENT | PTE_WRITE;
    mmio_map(ntables, &map.end);
    if (map.end < (uintptr_t)__heap_start)
        tern_panic("RAM too small for the page tables");

    __asm__ volatile("mov %0, %%cr3" : : "r"(dir) : "memory");
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG | CR0_WP) : "memory");
}

/* The entry of the read/write page at page, or fatal. */
static uint32_t *rw_pte(uintptr_t page)
{
    uint32_t n = (uint32_t)(page / PAGE);

    if ((page & (PAGE - 1)) != 0 || n == 0 || n >= map.npages ||
        !(map.ptes[n] & PTE_WRITE))
        tern_panic("stack guard: not a read/write page");
    return &map.ptes[n];
}

void paging_set_present(uintptr_t page, bool present)
{
    uint32_t *pte = rw_pte(page);
    uint32_t v = present ? *pte | PTE_PRESENT : *pte & ~PTE_PRESENT;

    if (v == *pte)
        return; /* already so: re-arming a reused stack costs nothing */
    *pte = v;
    __asm__ volatile("invlpg (%0)" : : "r"(page) : "memory");
}

bool paging_is_guard(uintptr_t addr)
{
    uint32_t n = (uint32_t)(addr / PAGE);

    return n < map.npages &&
           (map.ptes[n] & (PTE_PRESENT | PTE_WRITE)) == PTE_WRITE;
}

uint32_t paging_root(void)
{
    return (uint32_t)(uintptr_t)dir;
}

uintptr_t x86_ram_end(void)
{
    return map.end;
}
