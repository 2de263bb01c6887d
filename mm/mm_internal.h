/*
 * mm/mm_internal.h - state shared by the files of mm/.  See mm/mm.c.
 */
#ifndef MM_MM_INTERNAL_H
#define MM_MM_INTERNAL_H

#include "mm/mm.h"

/* Per-P allocation cache (one P for now). */
struct mcache {
    /* P-local; interrupts masked while used: */
    struct mspan *alloc[MM_NUM_SPANCLASSES]; /* span to allocate from */
    uintptr_t tiny;                          /* current tiny block, or 0 */
    size_t tinyoffset;                       /* bytes of it used */
};

/* Fast counters, updated under the mm lock.  The allocation fast path
 * touches one of them; the MemStats totals are sums (mm/stats.c). */
struct mm_counters {
    uint64_t class_mallocs[MM_NUM_CLASSES]; /* objects; [0]: large */
    uint64_t class_frees[MM_NUM_CLASSES];
    uint64_t tiny_allocs; /* objects packed into an existing tiny block */
    uint64_t large_total; /* bytes of large objects, ever */
    uint64_t large_bytes; /* bytes of large objects now */
};

/* Stack pool (mm/stack.c). */
struct mm_stackpool {
    struct mspan *spans; /* free stack spans, any length */
    uint32_t pages;      /* pages held by the pool */
};

/* Give every cached span back to mcentral and every pooled stack back to
 * the page heap (as mm_trim).  Lock held. */
void mm_release_caches_locked(void);

/* Give every pooled stack back to the page heap.  Lock held. */
void mm_stackpool_release(void);

extern struct mcache mcache0;
extern struct mm_counters mmc;
extern struct mm_stackpool stackpool;

#endif /* MM_MM_INTERNAL_H */
