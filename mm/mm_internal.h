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

/* Fast counters, updated under the mm lock.  The allocation and free
 * fast paths touch one 32-bit word each (a 64-bit add costs twice the
 * instructions on a 32-bit CPU); its carry goes to a high word beside it,
 * and readers join the two (mm_count).  The MemStats totals are sums
 * (mm/stats.c). */
struct mm_counters {
    uint32_t mallocs_lo[MM_NUM_CLASSES]; /* objects; [0]: large */
    uint32_t frees_lo[MM_NUM_CLASSES];
    uint32_t mallocs_hi[MM_NUM_CLASSES]; /* carries out of _lo */
    uint32_t frees_hi[MM_NUM_CLASSES];
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

/* Count n objects of class cls allocated / freed.  Lock held.  O(1). */
static inline void mm_count_mallocs(unsigned cls, uint32_t n)
{
    if ((mmc.mallocs_lo[cls] += n) < n)
        mmc.mallocs_hi[cls]++;
}

static inline void mm_count_frees(unsigned cls, uint32_t n)
{
    if ((mmc.frees_lo[cls] += n) < n)
        mmc.frees_hi[cls]++;
}

/* Objects of class cls allocated / freed, ever.  Lock held. */
static inline uint64_t mm_mallocs(unsigned cls)
{
    return (uint64_t)mmc.mallocs_hi[cls] << 32 | mmc.mallocs_lo[cls];
}

static inline uint64_t mm_frees(unsigned cls)
{
    return (uint64_t)mmc.frees_hi[cls] << 32 | mmc.frees_lo[cls];
}
extern struct mm_stackpool stackpool;

#endif /* MM_MM_INTERNAL_H */
