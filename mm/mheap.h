/*
 * mm/mheap.h - the page heap, inside the memory manager.  See mm/mheap.c.
 */
#ifndef MM_MHEAP_H
#define MM_MHEAP_H

#include "arch/arch.h"
#include "mm/mm.h"

/* Free lists: two-level segregated by run length (TLSF-style). */
#define MHEAP_SL_BITS  2
#define MHEAP_SL_COUNT (1 << MHEAP_SL_BITS)
/* First-level lists: runs up to 2^(MHEAP_FL_COUNT + 1) - 1 pages (20:
 * 2^21 pages); board.mk may say fewer for a small heap (TERN_MHEAP_FL),
 * and a region's pages past that are left out (mheap_init). */
#ifndef TERN_MHEAP_FL
#define TERN_MHEAP_FL 20
#endif
#define MHEAP_FL_COUNT  TERN_MHEAP_FL
#define MHEAP_MAX_PAGES ((1u << (MHEAP_FL_COUNT + MHEAP_SL_BITS - 1)) - 1)

struct mheap_region {
    uintptr_t base;     /* first page */
    uintptr_t end;      /* one past the last page */
    uint32_t npages;    /* pages in [base, end) */
    struct mspan **map; /* page -> span; see the invariants in mheap.c */
    uint32_t meta_next; /* first page after the metadata at the start */
};

struct mheap {
    /* mheap lock (mm_lock) held: */
    struct mheap_region regions[MM_MAX_REGIONS];
    int nregions;
    uint32_t fl_bitmap;                /* bit f: some free[f][*] non-empty */
    uint8_t sl_bitmap[MHEAP_FL_COUNT]; /* bit s: free[f][s] non-empty */
    struct mspan *free[MHEAP_FL_COUNT][MHEAP_SL_COUNT];
    struct mspan *desc_free; /* spare span descriptors */
    uint32_t desc_inuse;     /* descriptors handed out */
    uint32_t desc_total;     /* descriptors that exist (static + pages) */
    uint32_t pages[MSPAN_META + 1]; /* pages per span state */
    uint32_t desc_pages;            /* META pages holding descriptors */
    uint32_t map_pages;             /* META pages holding page maps */
    uint32_t total_pages;           /* all pages of all regions */
    uint32_t min_free_pages;        /* fewest free pages ever */
};

extern struct mheap mheap;

/* The mm lock: interrupts masked on this single-core build (the SMP issue
 * adds a spinlock).  Sections under it are bounded: see mm/mm.c. */
static inline unsigned long mm_lock(void)
{
    return arch_irq_save();
}

static inline void mm_unlock(unsigned long s)
{
    arch_irq_restore(s);
}

void mheap_init(const struct mm_region *r, int n);

/* A span of npages pages in state `state`, all pages mapped to it, or NULL
 * if no free run is long enough.  Lock held.  O(1) search plus O(npages)
 * to map the pages. */
struct mspan *mheap_alloc(uint32_t npages, enum mspan_state state);

/* mheap_alloc for a large object, with only its first and last pages
 * mapped: the caller maps the rest with mheap_map_interior after it has
 * released the lock, so that the masked section does not grow with the
 * object (BRIEF contract 5).  Nobody can hold a pointer into the pages
 * meanwhile: the object has not been handed out.  Lock held.  O(1). */
struct mspan *mheap_alloc_large(uint32_t npages);

/* Map s's interior pages to s.  Lock NOT held (interrupts enabled):
 * O(npages) stores into map entries only this allocation owns. */
void mheap_map_interior(struct mspan *s);

/* Return a span to the free lists, coalescing with free neighbours.
 * Lock held.  O(1). */
void mheap_free(struct mspan *s);

#define MM_PAGE_SHIFT ((unsigned)__builtin_ctz(MM_PAGE_SIZE))

/* The span whose page range holds addr, in any state, or NULL.  O(regions)
 * = O(1); lock not needed for in-use spans (their map entries are stable).
 * A stale map entry inside a free run is caught by the range check. */
static inline struct mspan *mheap_span_at(uintptr_t addr)
{
    for (int i = 0; i < mheap.nregions; i++) {
        const struct mheap_region *r = &mheap.regions[i];
        uintptr_t off = addr - r->base;

        if (off < r->end - r->base) {
            struct mspan *s = r->map[off >> MM_PAGE_SHIFT];
            if (s != NULL &&
                addr - s->base < ((uintptr_t)s->npages << MM_PAGE_SHIFT))
                return s;
            return NULL;
        }
    }
    return NULL;
}

/* Pages in the longest free run (exact unless more than 16 runs share its
 * free list; then within 25%).  Lock held.  O(1). */
uint32_t mheap_largest_free(void);

/* Check the page heap's invariants; NULL or what is broken.  Lock held. */
const char *mheap_verify(void);

#endif /* MM_MHEAP_H */
