/*
 * kernel/layout.c - the segment table from the linker's symbols.
 * See kernel/segments.c for the overview.
 *
 * Every arch linker script defines these symbols (linker/cortex-m.ld,
 * linker/x86.ld); their meaning is the contract.
 */
#include "kernel/board.h"
#include "kernel/segments.h"
#include "tern.h"

extern char __text_start[], __text_end[];     /* code (and vectors) */
extern char __rodata_start[], __rodata_end[]; /* constants, test table */
extern char __data_start[], __data_end[];     /* initialised, in RAM */
extern char __data_load[];                    /* its image in flash */
extern char __bss_start[], __bss_end[];
extern char __private_start[], __private_end[];
extern char __stack_start[], __stack_end[]; /* lowest, one past highest */

static void add(struct tern_segment *t, size_t *n, const char *name,
                uintptr_t start, uintptr_t end, uintptr_t load,
                enum tern_seg_kind kind, unsigned flags)
{
    if (*n >= SEGMENTS_MAX)
        tern_panic("segment table full");
    t[*n] = (struct tern_segment){name, start, end, load, kind, flags};
    (*n)++;
}

void segments_init(void)
{
    struct tern_segment t[SEGMENTS_MAX];
    struct board_region heap[SEGMENTS_MAX - 6];
    size_t n = 0;
    int nheap;
    const char *err;

#define SEG(name, sym, kind, flags)                                            \
    add(t, &n, name, (uintptr_t)__##sym##_start, (uintptr_t)__##sym##_end,     \
        (uintptr_t)__##sym##_start, kind, flags)
    SEG("text", text, TERN_SEG_TEXT, TERN_SEG_FLASH);
    SEG("rodata", rodata, TERN_SEG_RODATA, TERN_SEG_FLASH);
    add(t, &n, "data", (uintptr_t)__data_start, (uintptr_t)__data_end,
        (uintptr_t)__data_load, TERN_SEG_DATA, TERN_SEG_GCROOT);
    SEG("bss", bss, TERN_SEG_BSS, TERN_SEG_GCROOT);
    SEG("private", private, TERN_SEG_PRIVATE, 0);
    SEG("stack", stack, TERN_SEG_STACK, 0);
#undef SEG

    nheap = board_heap_regions(heap, (int)(sizeof heap / sizeof heap[0]));
    for (int i = 0; i < nheap; i++)
        add(t, &n, heap[i].name, heap[i].start, heap[i].end, heap[i].start,
            TERN_SEG_HEAP, 0);

    segments_sort(t, n);
    err = segments_verify(t, n);
    if (err != NULL)
        tern_panic(err);
    segments_set(t, n);
}
