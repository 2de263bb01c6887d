/*
 * kernel/shell_cmds.c - the shell's memory and goroutine commands:
 * memstats, goroutines, segments, heap.  See kernel/shell.c for the
 * overview.
 *
 * Each reads a snapshot through the subsystem's own reader (mm_read_stats,
 * tern_read_gcstats, tern_goroutines, tern_segments, the page map one page at a time under
 * the mm lock), so no command holds a lock or masks interrupts for longer
 * than those readers do, and none allocates.
 */
#include <string.h>

#include "gc/gc.h"
#include "kernel/shell.h"
#include "mm/mheap.h"
#include "mm/mm.h"
#include "tern.h"

/* Scratch space off the stack (the shell's goroutine may have 1 KiB):
 * the commands run one at a time, in the shell. */
static struct mm_stats stats TERN_PRIVATE;

/* Goroutines `goroutines` lists (a static snapshot: 48 bytes each on
 * 32-bit boards; a board short of RAM sets fewer in its BOARD_DEFS). */
#ifndef SHELL_MAX_G
#define SHELL_MAX_G 16
#endif

/* --- memstats -------------------------------------------------------------- */

#define F_COUNT 0 /* a count */
#define F_BYTES 1 /* bytes: also shown in human units */
#define F_PCT   2 /* a percentage */

/* One field: "Name  value (human)" or, in JSON, "Name":value. */
static void field(struct shell_out *o, bool json, const char *name, uint64_t v,
                  int kind)
{
    char h[16];

    if (json) {
        shell_printf(o, ",\"%s\":%llu", name, (unsigned long long)v);
        return;
    }
    if (kind == F_BYTES) {
        shell_human(h, sizeof h, v);
        shell_printf(o, "%-14s %12llu  (%s)\n", name, (unsigned long long)v, h);
    } else {
        shell_printf(o, "%-14s %12llu%s\n", name, (unsigned long long)v,
                     kind == F_PCT ? " %" : "");
    }
}

/* A field whose value is already text (a JSON number). */
static void field_text(struct shell_out *o, bool json, const char *name,
                       const char *v)
{
    if (json)
        shell_printf(o, ",\"%s\":%s", name, v);
    else
        shell_printf(o, "%-14s %12s\n", name, v);
}

/* PauseNs: Go's is a ring of 256; here the newest SHELL_PAUSES pauses,
 * newest first (JSON: an array), the newest alone in the text. */
#define SHELL_PAUSES 8

static void pause_fields(struct shell_out *o, bool json)
{
    uint64_t ns, end;
    unsigned k = 0;

    if (!json) {
        if (!tern_gc_pause(0, &ns, &end))
            ns = 0;
        field(o, json, "PauseNs", ns, F_COUNT);
        return;
    }
    shell_printf(o, ",\"PauseNs\":[");
    for (; k < SHELL_PAUSES && tern_gc_pause(k, &ns, &end); k++)
        shell_printf(o, "%s%llu", k ? "," : "", (unsigned long long)ns);
    shell_printf(o, "]");
}

/* The collector's fields, from a snapshot (tern_read_gcstats) in the
 * shell's scratch space: 104 bytes the shell's stack need not hold. */
static void memstats_gc_fields(struct shell_out *o, bool json)
{
    const struct tern_gcstats *gs = &shell_scratch.gc;
    char frac[24];

    tern_read_gcstats(&shell_scratch.gc);
    field(o, json, "NextGC", gs->next_gc, F_BYTES);
    field(o, json, "LastGC", gs->last_gc, F_COUNT);
    field(o, json, "PauseTotalNs", gs->pause_total_ns, F_COUNT);
    pause_fields(o, json);
    field(o, json, "NumGC", gs->numgc, F_COUNT);
    field(o, json, "NumForcedGC", gs->numforcedgc, F_COUNT);
    /* GC time over time since boot, one P (Go's, over GOMAXPROCS P). */
    shell_fraction(frac, sizeof frac, gs->gc_cpu_ns, (uint64_t)tern_nanotime());
    field_text(o, json, "GCCPUFraction", frac);
    /* The collector's own: */
    field(o, json, "HeapLive", gs->heap_live, F_BYTES);
    field(o, json, "HeapMarked", gs->heap_marked, F_BYTES);
    field(o, json, "MaxSTWNs", gs->stw_max_ns, F_COUNT);
}

static void memstats_fields(struct shell_out *o, const struct mm_stats *st,
                            bool json)
{
    uint64_t sys = st->heap_sys + st->stack_sys + st->mspan_sys +
                   st->mcache_inuse + st->other_sys;

    if (json)
        shell_printf(o, "{\"Time\":%llu", (unsigned long long)tern_nanotime());
    field(o, json, "Alloc", st->heap_alloc, F_BYTES);
    field(o, json, "TotalAlloc", st->total_alloc, F_BYTES);
    field(o, json, "Sys", sys, F_BYTES);
    field(o, json, "Lookups", 0, F_COUNT);
    field(o, json, "Mallocs", st->mallocs, F_COUNT);
    field(o, json, "Frees", st->frees, F_COUNT);
    field(o, json, "HeapAlloc", st->heap_alloc, F_BYTES);
    field(o, json, "HeapSys", st->heap_sys, F_BYTES);
    field(o, json, "HeapIdle", st->heap_idle, F_BYTES);
    field(o, json, "HeapInuse", st->heap_inuse, F_BYTES);
    field(o, json, "HeapReleased", st->heap_released, F_BYTES);
    field(o, json, "HeapObjects", st->heap_objects, F_COUNT);
    field(o, json, "StackInuse", st->stack_inuse, F_BYTES);
    field(o, json, "StackSys", st->stack_sys, F_BYTES);
    field(o, json, "MSpanInuse", st->mspan_inuse, F_BYTES);
    field(o, json, "MSpanSys", st->mspan_sys, F_BYTES);
    field(o, json, "MCacheInuse", st->mcache_inuse, F_BYTES);
    field(o, json, "MCacheSys", st->mcache_inuse, F_BYTES);
    field(o, json, "OtherSys", st->other_sys, F_BYTES);
    memstats_gc_fields(o, json);
    /* The MCU's own: */
    field(o, json, "LargestFree", st->largest_free, F_BYTES);
    field(o, json, "Fragmentation", st->fragmentation, F_PCT);
    field(o, json, "MinFree", st->min_free, F_BYTES);
}

static void memstats_bysize(struct shell_out *o, bool json)
{
    if (json)
        shell_printf(o, ",\"BySize\":[");
    else
        shell_printf(o, "BySize (class 0: large objects)\n"
                        "class      size       mallocs         frees"
                        "          live\n");
    for (unsigned c = 0; c < MM_NUM_CLASSES; c++) {
        uint64_t m, f;

        mm_read_class_stats(c, &m, &f);
        if (json)
            shell_printf(o, "%s{\"Size\":%lu,\"Mallocs\":%llu,\"Frees\":%llu}",
                         c ? "," : "", (unsigned long)mm_class_size[c],
                         (unsigned long long)m, (unsigned long long)f);
        else
            shell_printf(o, "%5u %9lu %13llu %13llu %13llu\n", c,
                         (unsigned long)mm_class_size[c], (unsigned long long)m,
                         (unsigned long long)f, (unsigned long long)(m - f));
    }
    if (json)
        shell_printf(o, "]");
}

int shell_cmd_memstats(struct shell_out *o, int argc, char **argv)
{
    bool verbose = false, json = false;

    if (argc > 2)
        return shell_usage(o, shell_find("memstats"));
    if (argc == 2) {
        if (strcmp(argv[1], "-v") == 0)
            verbose = true;
        else if (strcmp(argv[1], "-json") == 0)
            json = true;
        else
            return shell_usage(o, shell_find("memstats"));
    }
    mm_read_stats(&stats);
    memstats_fields(o, &stats, json);
    if (verbose || json)
        memstats_bysize(o, json);
    if (json)
        shell_printf(o, "}\n");
    return SHELL_OK;
}

/* --- goroutines ------------------------------------------------------------ */

static struct tern_goroutine snap[SHELL_MAX_G] TERN_PRIVATE;

int shell_cmd_goroutines(struct shell_out *o, int argc, char **argv)
{
    uint32_t total = tern_numgoroutine();
    int n;

    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("goroutines"));
    n = tern_goroutines(snap, SHELL_MAX_G);
    shell_printf(
        o, "%s\n",
        "  id parent state            entry         used/hiwat/ size    "
        " cpu ms  switches  preempt");
    for (int i = 0; i < n; i++) {
        const struct tern_goroutine *g = &snap[i];
        const char *name = g->id == 1 ? "main" : shell_fn_name(g->fn);

        if (name == NULL) /* the runtime's own */
            name = gc_goroutine_name(g->fn);
        char entry[16];

        if (name != NULL)
            tern_snprintf(entry, sizeof entry, "%s", name);
        else
            tern_snprintf(entry, sizeof entry, "0x%08lx",
                          (unsigned long)(uintptr_t)g->fn);
        shell_printf(o,
                     "%4lu %6lu %-16s %-12s %5lu/%5lu/%5lu %8llu.%llu %9lu "
                     "%8lu\n",
                     (unsigned long)g->id, (unsigned long)g->parent, g->state,
                     entry, (unsigned long)g->stack_used,
                     (unsigned long)g->stack_hiwat,
                     (unsigned long)g->stack_size,
                     (unsigned long long)(g->cpu_ns / 1000000),
                     (unsigned long long)(g->cpu_ns / 100000 % 10),
                     (unsigned long)g->switches, (unsigned long)g->preemptions);
    }
    if ((uint32_t)n < total)
        shell_printf(o, "(%lu more not shown)\n", (unsigned long)(total - n));
    shell_printf(o, "%lu goroutines\n", (unsigned long)total);
    return SHELL_OK;
}

/* --- segments -------------------------------------------------------------- */

int shell_cmd_segments(struct shell_out *o, int argc, char **argv)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);
    uintptr_t flash = 0, ram = 0;
    char h[16];

    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("segments"));
    mm_read_stats(&stats);
    shell_printf(o, "segment     start       end         bytes     size       "
                    " where\n");
    for (size_t i = 0; i < n; i++) {
        const struct tern_segment *s = &t[i];
        uintptr_t size = s->end - s->start;

        shell_human(h, sizeof h, size);
        shell_printf(o, "%-10s  0x%08lx  0x%08lx  %-8lu  %-10s  ", s->name,
                     (unsigned long)s->start, (unsigned long)s->end,
                     (unsigned long)size, h);
        if (s->flags & TERN_SEG_FLASH) {
            flash += size;
            shell_printf(o, "read-only\n");
        } else if (s->kind == TERN_SEG_DATA && s->load != s->start) {
            flash += size;
            ram += size;
            shell_printf(o, "ram, loaded from 0x%08lx\n",
                         (unsigned long)s->load);
        } else {
            ram += size;
            shell_printf(o, "ram%s\n",
                         (s->flags & TERN_SEG_GCROOT) ? ", gc root" : "");
        }
    }
    shell_printf(o, "total: flash %lu bytes, ram %lu bytes\n",
                 (unsigned long)flash, (unsigned long)ram);
    shell_human(h, sizeof h, stats.heap_inuse + stats.stack_sys);
    shell_printf(o, "heap use: %s in spans and stacks", h);
    shell_human(h, sizeof h, stats.heap_idle);
    shell_printf(o, ", %s free\n", h);
    return SHELL_OK;
}

/* --- heap ------------------------------------------------------------------ */

#define HEAP_ROW 64 /* characters per row of the map */
_Static_assert(HEAP_ROW < SHELL_SCRATCH, "a row fits the scratch space");

/* The character for the page at addr.  Takes the mm lock for one lookup:
 * the map may change between two pages, never under one. */
static char page_char(uintptr_t addr)
{
    unsigned long irq = mm_lock();
    struct mspan *s = mheap_span_at(addr);
    char c = '.';

    if (s != NULL)
        switch (s->state) {
        case MSPAN_SMALL:
            c = s->kind == MM_KIND_MANUAL ? 'm' : 'o';
            break;
        case MSPAN_LARGE:
            c = s->kind == MM_KIND_MANUAL ? 'L' : 'O';
            break;
        case MSPAN_STACK:
            c = 'S';
            break;
        case MSPAN_META:
            c = '#';
            break;
        default:
            break;
        }
    mm_unlock(irq);
    return c;
}

int shell_cmd_heap(struct shell_out *o, int argc, char **argv)
{
    char *row = shell_scratch.text;
    char h[16];

    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("heap"));
    shell_printf(o,
                 "one character per page (%u bytes, or more pages where "
                 "shown): . free  m malloc objects  L large malloc\n"
                 "o GC objects  O large GC object  S stack  # metadata\n",
                 (unsigned)MM_PAGE_SIZE);
    for (int r = 0; r < mheap.nregions; r++) {
        const struct mheap_region *reg = &mheap.regions[r];
        uint32_t per = (reg->npages + 1023) / 1024; /* pages per char */

        shell_printf(o, "region %d: 0x%08lx-0x%08lx, %lu pages", r,
                     (unsigned long)reg->base, (unsigned long)reg->end,
                     (unsigned long)reg->npages);
        if (per > 1)
            shell_printf(o, ", %lu pages per character", (unsigned long)per);
        shell_printf(o, "\n");
        for (uint32_t p = 0; p < reg->npages;) {
            uintptr_t at = reg->base + ((uintptr_t)p << MM_PAGE_SHIFT);
            int k = 0;

            for (; k < HEAP_ROW && p < reg->npages; k++, p += per)
                row[k] = page_char(reg->base + ((uintptr_t)p << MM_PAGE_SHIFT));
            row[k] = '\0';
            shell_printf(o, "  0x%08lx %s\n", (unsigned long)at, row);
        }
    }
    mm_read_stats(&stats);
    shell_human(h, sizeof h, stats.heap_idle);
    shell_printf(o, "free %s", h);
    shell_human(h, sizeof h, stats.largest_free);
    shell_printf(o, ", largest free run %s, fragmentation %lu%%", h,
                 (unsigned long)stats.fragmentation);
    shell_human(h, sizeof h, stats.min_free);
    shell_printf(o, ", minimum free ever %s\n", h);
    return SHELL_OK;
}
