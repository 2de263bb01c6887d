/*
 * kernel/segments.c - the explicit memory map.
 *
 * The linker scripts (linker/<arch>.ld) lay memory out as
 *
 *   flash/ROM:  text | rodata | load image of data
 *   RAM:        data | bss | private | heap ... | stack
 *
 * with the stack at the top of the main RAM block, and the heap taking
 * every byte between the private segment and the stack.  Boards with more
 * RAM blocks (CCM on the STM32F405) add heap regions.  kernel/layout.c
 * turns the linker's symbols into a table of struct tern_segment; this file
 * sorts, verifies, stores and prints it.  The GC will take its roots from
 * the entries flagged TERN_SEG_GCROOT (data and bss: the user's globals;
 * never the private segment, which holds runtime metadata).
 */
#include "kernel/segments.h"

#include <stdint.h>

static struct {
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;
} segs;

void segments_sort(struct tern_segment *t, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct tern_segment x = t[i];
        size_t j = i;
        while (j > 0 && t[j - 1].start > x.start) {
            t[j] = t[j - 1];
            j--;
        }
        t[j] = x;
    }
}

const char *segments_verify(const struct tern_segment *t, size_t n)
{
    unsigned count[TERN_SEG_HEAP + 1] = {0};

    for (size_t i = 0; i < n; i++) {
        const struct tern_segment *s = &t[i];

        if (s->name == NULL || s->name[0] == '\0')
            return "segment without a name";
        if (s->start > s->end)
            return "segment ends before it starts";
        if ((unsigned)s->kind > TERN_SEG_HEAP)
            return "segment of unknown kind";
        count[s->kind]++;
        if (i > 0 && s->start < t[i - 1].start)
            return "segment table not sorted";
        for (size_t j = 0; j < i; j++) {
            const struct tern_segment *o = &t[j];
            if (s->start < o->end && o->start < s->end)
                return "segments overlap";
        }
        if (s->kind == TERN_SEG_DATA && s->load != s->start) {
            uintptr_t lend = s->load + (s->end - s->start);
            for (size_t j = 0; j < n; j++)
                if (!(t[j].flags & TERN_SEG_FLASH) && s->load < t[j].end &&
                    t[j].start < lend)
                    return "data load image overlaps RAM";
        }
    }
    if (count[TERN_SEG_TEXT] != 1 || count[TERN_SEG_DATA] != 1 ||
        count[TERN_SEG_BSS] != 1 || count[TERN_SEG_PRIVATE] != 1 ||
        count[TERN_SEG_STACK] != 1)
        return "missing or duplicated segment";
    if (count[TERN_SEG_HEAP] < 1)
        return "no heap region";
    return NULL;
}

void segments_set(const struct tern_segment *t, size_t n)
{
    if (n > SEGMENTS_MAX)
        n = SEGMENTS_MAX;
    for (size_t i = 0; i < n; i++)
        segs.t[i] = t[i];
    segs.n = n;
}

const struct tern_segment *tern_segments(size_t *n)
{
    *n = segs.n;
    return segs.t;
}

const char *segments_kind_name(enum tern_seg_kind k)
{
    static const char *const names[] = {"text",    "rodata", "data", "bss",
                                        "private", "stack",  "heap"};
    return (unsigned)k <= TERN_SEG_HEAP ? names[k] : "?";
}

/* Print n bytes as "123 B", "12.3 KiB" or "4.0 MiB", in 10 columns. */
static void print_size(uintptr_t n)
{
    if (n < 1024)
        tern_printf("%6u B   ", (unsigned)n);
    else if (n < 1024 * 1024)
        tern_printf("%4u.%u KiB", (unsigned)(n / 1024),
                    (unsigned)(n % 1024 * 10 / 1024));
    else
        tern_printf("%4u.%u MiB", (unsigned)(n >> 20),
                    (unsigned)((n & 0xFFFFF) * 10 >> 20));
}

void tern_segments_print(void)
{
    uintptr_t flash = 0, ram = 0;

    tern_printf(
        "segment     start       end         bytes     size        where\n");
    for (size_t i = 0; i < segs.n; i++) {
        const struct tern_segment *s = &segs.t[i];
        uintptr_t size = s->end - s->start;

        tern_printf("%-10s  0x%08lx  0x%08lx  %-8lu  ", s->name,
                    (unsigned long)s->start, (unsigned long)s->end,
                    (unsigned long)size);
        print_size(size);
        if (s->flags & TERN_SEG_FLASH) {
            flash += size;
            tern_printf("  read-only\n");
        } else if (s->kind == TERN_SEG_DATA && s->load != s->start) {
            flash += size;
            ram += size;
            tern_printf("  ram, loaded from 0x%08lx\n", (unsigned long)s->load);
        } else {
            ram += size;
            tern_printf("  ram%s\n",
                        (s->flags & TERN_SEG_GCROOT) ? ", gc root" : "");
        }
    }
    tern_printf("total: flash %lu bytes, ram %lu bytes\n", (unsigned long)flash,
                (unsigned long)ram);
}
