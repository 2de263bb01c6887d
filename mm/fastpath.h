/*
 * mm/fastpath.h - steps 3 and 4 of mm/mm.c, inline, for mm_alloc and for
 * tern_malloc (mm/malloc.c), so that the common allocation is one call.
 */
#ifndef MM_FASTPATH_H
#define MM_FASTPATH_H

#include <string.h>

#include "mm/mheap.h"
#include "mm/mm_internal.h"

#define MM_TINY_SIZE 16

/* Everything but an object on the cached span's free list. */
void *mm_alloc_slow(size_t size, unsigned kind, unsigned flags);

static inline __attribute__((always_inline)) void *
mm_alloc_inline(size_t size, unsigned kind, unsigned flags)
{
    unsigned cls, sc;
    unsigned long irq;
    struct mspan *s;
    void *p;
    uint32_t i;

    if (size - 1 >= MM_MAX_SMALL ||
        (kind == MM_KIND_NOSCAN && size < MM_TINY_SIZE))
        return mm_alloc_slow(size, kind, flags);
    cls = mm_size_class(size);
    sc = MM_SPANCLASS(cls, kind);
    irq = mm_lock();
    s = mcache0.alloc[sc];
    if (s == NULL || (p = s->freelist) == NULL) {
        mm_unlock(irq);
        return mm_alloc_slow(size, kind, flags);
    }
    s->freelist = *(void **)p;
    i = mm_object_index(s, (uintptr_t)p);
    s->allocbits[i / 32] |= 1u << (i % 32);
    s->nalloc++;
    if (kind == MM_KIND_SCAN)
        s->types[i] = NULL;
    mmc.class_mallocs[cls]++;
    mm_unlock(irq);
    if (flags & MM_ZERO)
        memset(p, 0, mm_class_size[cls]);
    return p;
}

#endif /* MM_FASTPATH_H */
