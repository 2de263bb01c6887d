/*
 * mm/fastpath.h - steps 3 and 4 of mm/mm.c, inline, for mm_alloc and for
 * tern_malloc (mm/malloc.c), so that the common allocation is one call.
 */
#ifndef MM_FASTPATH_H
#define MM_FASTPATH_H

#include <string.h>

#include "mm/mheap.h"
#include "mm/mm.h"
#include "mm/mm_internal.h"

#define MM_TINY_SIZE 16

/* Everything but an object on the cached span's free list. */
void *mm_alloc_slow(size_t size, unsigned kind, unsigned flags);

/* Record t as the type of the scan object p (from the slow path).  O(1). */
void mm_set_type(void *p, const struct tern_type *t);

/* mm_alloc_inline with the type of a scan object recorded in the same
 * masked section (t NULL: untyped, scanned conservatively). */
static inline __attribute__((always_inline)) void *
mm_alloc_inline_t(size_t size, unsigned kind, unsigned flags,
                  const struct tern_type *t)
{
    unsigned cls, sc;
    unsigned long irq;
    struct mspan *s;
    void *p;
    uint32_t i;

    if (size - 1 >= MM_MAX_SMALL ||
        (kind == MM_KIND_NOSCAN && size < MM_TINY_SIZE)) {
        p = mm_alloc_slow(size, kind, flags);
        if (p != NULL && t != NULL)
            mm_set_type(p, t);
        return p;
    }
    cls = mm_size_class(size);
    sc = MM_SPANCLASS(cls, kind);
    irq = mm_lock();
    s = mcache0.alloc[sc];
    if (s == NULL || (p = s->freelist) == NULL) {
        mm_unlock(irq);
        p = mm_alloc_slow(size, kind, flags);
        if (p != NULL && t != NULL)
            mm_set_type(p, t);
        return p;
    }
    s->freelist = *(void **)p;
    i = mm_object_index(s, (uintptr_t)p);
    s->allocbits[i / 32] |= 1u << (i % 32);
    if (kind != MM_KIND_MANUAL && mm_allocblack) /* the GC marks: black */
        s->markbits[i / 32] |= 1u << (i % 32);
    s->nalloc++;
    if (kind == MM_KIND_SCAN)
        s->types[i] = t;
    mmc.class_mallocs[cls]++;
    mm_unlock(irq);
    if (flags & MM_ZERO)
        memset(p, 0, mm_class_size[cls]);
    return p;
}

static inline __attribute__((always_inline)) void *
mm_alloc_inline(size_t size, unsigned kind, unsigned flags)
{
    return mm_alloc_inline_t(size, kind, flags, NULL);
}

/* Every free the inline path does not finish: large objects, objects in
 * a region other than the first, and every kind of bad free (which it
 * reports).  mm/mm.c. */
void mcentral_freed(struct mspan *s);

/* Put object p, its alloc bit already cleared, back on its small span's
 * free list.  Lock held.  O(1). */
static inline __attribute__((always_inline)) void
mm_free_small_locked(struct mspan *s, void *p)
{
    *(void **)p = s->freelist;
    s->freelist = p;
    s->nalloc--;
    mmc.class_frees[s->sizeclass]++;
    if (s->list != MSPAN_LIST_NONE) /* no mcache holds it */
        mcentral_freed(s);
}

/*
 * Free a small manual object (malloc's) inline: the page map of the first
 * region, then the same checks as mm_free in their cheapest form: a span
 * of small manual objects, p the start of an object, the object
 * allocated.  Anything else goes to mm_free, which tells the bad frees
 * apart and reports them.  A stale map entry (a page now in a free run)
 * points at a descriptor whose span does not contain p: the index check
 * (i < nelems and p == base + i * elemsize) rejects it.
 */
static inline __attribute__((always_inline)) void mm_free_inline(void *p)
{
    const struct mheap_region *r = &mheap.regions[0];
    uintptr_t a = (uintptr_t)p, off = a - r->base;
    unsigned long irq;
    struct mspan *s;
    uint32_t i, bit, *w;

    if (off >= r->end - r->base) { /* NULL, another region, or foreign */
        mm_free(p);
        return;
    }
    irq = mm_lock();
    s = r->map[off >> MM_PAGE_SHIFT];
    if (s == NULL || s->state != MSPAN_SMALL || s->kind != MM_KIND_MANUAL)
        goto slow;
    i = mm_object_index(s, a);
    if (i >= s->nelems || a != s->base + (uintptr_t)i * s->elemsize)
        goto slow;
    w = &s->allocbits[i / 32];
    bit = 1u << (i % 32);
    if (!(*w & bit))
        goto slow;
    *w &= ~bit;
    mm_free_small_locked(s, p);
    mm_unlock(irq);
    return;
slow:
    mm_unlock(irq);
    mm_free(p);
}

#endif /* MM_FASTPATH_H */
