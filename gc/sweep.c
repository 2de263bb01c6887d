/*
 * gc/sweep.c - sweeping: free what the last mark left white, span by span.
 * See gc/gc.c for where it sits in the cycle.
 *
 * Mark termination flips mm_sweepgen: every span in use is then unswept.
 * A span is swept exactly once a cycle, whichever comes first:
 *   - lazily, when mcentral hands a partial span to the mcache (the mcache
 *     only ever holds swept spans; mm/mcentral.c);
 *   - by the background sweeper goroutine, one span per masked section,
 *     walking the page maps (gc_sweep_some);
 *   - by the next cycle's start, which finishes the walk first.
 * Sweeping a small span: the objects allocated but not marked are pushed
 * on its free list (clobbered first in TERN_GC_CLOBBER mode), and the mark
 * bitmap becomes the allocation bitmap, as Go swaps gcmarkBits into
 * allocBits; the old allocation bitmap, cleared, is the next cycle's mark
 * bitmap.  A span left empty goes back to the page heap; a large object
 * not marked gives its span back.  Malloc'd spans are only stamped.
 * Cost: O(objects of one span) per masked section - fixed by the size
 * class table, independent of the heap.
 */
#include <string.h>

#include "gc/gc.h"
#include "mm/mcentral.h"
#include "mm/mheap.h"
#include "mm/mm_internal.h"
#include "tern.h"

#define CLOBBER 0xdeadbeefu

static void clobber(uintptr_t obj, size_t size)
{
    uint32_t *w = (uint32_t *)obj;

    /* the first word is the free-list link */
    for (size_t k = sizeof(void *) / 4; k < size / 4; k++)
        w[k] = CLOBBER;
}

bool gc_sweep_span(struct mspan *s)
{
    uint32_t words, nfreed = 0, *t;

    if (s->sweepgen == mm_sweepgen)
        return true;
    s->sweepgen = mm_sweepgen;
    if (s->kind == MM_KIND_MANUAL)
        return true;
    if (s->state == MSPAN_LARGE) {
        if (s->markbits[0] & 1u) {
            s->markbits[0] = 0;
            return true;
        }
        if (gc.debug & TERN_GC_CLOBBER)
            clobber(s->base, s->elemsize < 256 ? s->elemsize : 256);
        mmc.large_bytes -= (uint64_t)s->npages * MM_PAGE_SIZE;
        mm_count_frees(0, 1);
        gc.freed++;
        mheap_free(s);
        return false;
    }
    if (s->state != MSPAN_SMALL)
        return true;
    words = (s->nelems + 31u) / 32u;
    for (uint32_t k = 0; k < words; k++) {
        uint32_t dead = s->allocbits[k] & ~s->markbits[k];

        while (dead != 0) {
            uint32_t i = k * 32 + (uint32_t)__builtin_ctz(dead);
            uintptr_t obj = s->base + (uintptr_t)i * s->elemsize;

            dead &= dead - 1;
            if (gc.debug & TERN_GC_CLOBBER)
                clobber(obj, s->elemsize);
            *(void **)obj = s->freelist;
            s->freelist = (void *)obj;
            nfreed++;
        }
    }
    /* The marks are the allocation bits now (marked is a subset of
     * allocated); the old allocation bits, cleared, mark next time. */
    t = s->allocbits;
    s->allocbits = s->markbits;
    s->markbits = t;
    memset(t, 0, words * sizeof(uint32_t));
    if (nfreed == 0)
        return true;
    s->nalloc = (uint16_t)(s->nalloc - nfreed);
    mm_count_frees(s->sizeclass, nfreed);
    gc.freed += nfreed;
    if (s->list != MSPAN_LIST_NONE) {
        bool empty = s->nalloc == 0;
        mcentral_freed(s); /* full -> partial, or empty -> page heap */
        return !empty;
    }
    if (s->nalloc == 0) { /* a caller holds it (mcentral_cache_span) */
        mheap_free(s);
        return false;
    }
    return true;
}

void gc_sweep_reset(void)
{
    gc.sweep_region = 0;
    gc.sweep_page = 0;
    gc.sweep_done = false;
}

/* Map entries looked at per call at most (free runs are skipped whole). */
#define WALK_STEPS 8

bool gc_sweep_some(void)
{
    unsigned long irq = arch_irq_save();

    for (int n = 0; n < WALK_STEPS; n++) {
        const struct mheap_region *r;
        struct mspan *s;
        uintptr_t addr;

        if (gc.sweep_region >= (uint32_t)mheap.nregions) {
            gc.sweep_done = true;
            arch_irq_restore(irq);
            return false;
        }
        r = &mheap.regions[gc.sweep_region];
        if (gc.sweep_page >= r->npages) {
            gc.sweep_region++;
            gc.sweep_page = 0;
            continue;
        }
        addr = r->base + ((uintptr_t)gc.sweep_page << MM_PAGE_SHIFT);
        s = r->map[gc.sweep_page];
        if (s == NULL || s->base != addr || s->npages == 0) {
            /* (a stale entry: its descriptor may be a spare now) */
            gc.sweep_page++;
            continue;
        }
        gc.sweep_page += s->npages;
        if (s->sweepgen != mm_sweepgen &&
            (s->state == MSPAN_LARGE ||
             (s->state == MSPAN_SMALL && s->list != MSPAN_LIST_NONE))) {
            gc_sweep_span(s);
            break;
        }
    }
    arch_irq_restore(irq);
    return true;
}
