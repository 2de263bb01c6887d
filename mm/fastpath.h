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

/* Everything but an object the cached span has (on its free list or
 * past its freeindex). */
void *mm_alloc_slow(size_t size, unsigned kind, unsigned flags);

/* Record t as the type of the scan object p (from the slow path).  O(1). */
void mm_set_type(void *p, const struct tern_type *t);

/* mm_alloc_slow, then mm_set_type if t is not NULL. */
void *mm_alloc_slow_t(size_t size, unsigned kind, unsigned flags,
                      const struct tern_type *t);

/* Zero an object of n bytes (a class size: a multiple of 8, p 8-byte
 * aligned): up to 64 bytes with inline stores (memset's call and its
 * alignment checks cost more than a small object's stores; the empty asm
 * keeps the compiler from turning the loop back into that call), larger
 * ones with memset. */
static inline __attribute__((always_inline)) void mm_zero(void *p, size_t n)
{
    uint32_t *w = p;

    if (n > 64) {
        memset(p, 0, n);
        return;
    }
    for (size_t k = 0; k < n / 4; k += 2) {
        w[k] = 0;
        w[k + 1] = 0;
        __asm__ volatile("" : : "r"(w) : "memory");
    }
}

typedef void *mm_slow_fn(size_t size, unsigned kind, unsigned flags,
                         const struct tern_type *t);

/* Steps 3 and 4, and `slow` (a constant: mm_alloc_slow_t, or a caller's
 * own that adds to it) for everything else, as a tail call so that the
 * fast path's return is not shared with the slow one's. */
static inline __attribute__((always_inline)) void *
mm_alloc_fast(size_t size, unsigned kind, unsigned flags,
              const struct tern_type *t, mm_slow_fn *slow)
{
    unsigned cls, sc;
    unsigned long irq;
    struct mspan *s;
    void *p;
    uint32_t i;

    if (size - 1 >= MM_MAX_SMALL ||
        (kind == MM_KIND_NOSCAN && size < MM_TINY_SIZE))
        return slow(size, kind, flags, t);
    cls = mm_size_class(size);
    sc = MM_SPANCLASS(cls, kind);
    irq = mm_lock();
    s = mcache0.alloc[sc];
    if (s == NULL)
        goto slow;
    p = s->freelist;
    if (p != NULL) {
        s->freelist = *(void **)p;
        i = mm_object_index(s, (uintptr_t)p);
    } else if (s->freeindex < s->nelems) { /* a never-used object */
        i = s->freeindex++;
        p = (void *)(s->base + (uintptr_t)i * s->elemsize);
    } else {
        goto slow;
    }
    s->allocbits[i / 32] |= 1u << (i % 32);
    if (kind != MM_KIND_MANUAL && mm_allocblack) /* the GC marks: black */
        s->markbits[i / 32] |= 1u << (i % 32);
    s->nalloc++;
    if (kind == MM_KIND_SCAN)
        s->types[i] = t;
    mm_count_mallocs(cls, 1);
    mm_unlock(irq);
    if (flags & MM_ZERO)
        mm_zero(p, mm_class_size[cls]);
    return p;
slow:
    mm_unlock(irq);
    return slow(size, kind, flags, t);
}

/* mm_alloc_fast with the type of a scan object recorded in the same
 * masked section (t NULL: untyped, scanned conservatively). */
static inline __attribute__((always_inline)) void *
mm_alloc_inline_t(size_t size, unsigned kind, unsigned flags,
                  const struct tern_type *t)
{
    return mm_alloc_fast(size, kind, flags, t, mm_alloc_slow_t);
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
    mm_count_frees(s->sizeclass, 1);
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
#if ARCH_HAS_UMULL
    {
        /* off * divmul: the index in the high word; the low word is below
         * divmul exactly when off is a multiple of the object size, for
         * every offset inside a span's objects (tools/mkclasses.c's
         * tables; test mm.divmul_exact checks each). */
        uintptr_t d = a - s->base;
        uint64_t q = (uint64_t)(uint32_t)d * s->divmul;

        i = (uint32_t)(q >> 32);
        if ((uint64_t)d >> 32 != 0 || i >= s->nelems ||
            (uint32_t)q >= s->divmul)
            goto slow;
    }
#else
    i = mm_object_index(s, a);
    if (i >= s->nelems || a != s->base + (uintptr_t)i * s->elemsize)
        goto slow;
#endif
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
