/*
 * mm/mm.h - the memory manager's interface to the rest of the runtime.
 * See mm/mm.c for the design.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "mm/sizeclass.h"
#include "tern.h"

#define MM_PAGE_SIZE TERN_PAGE_SIZE
#ifndef TERN_MM_REGIONS
#define TERN_MM_REGIONS 4 /* board.mk: fewer where RAM is one block */
#endif
#define MM_MAX_REGIONS TERN_MM_REGIONS

/* Object kinds: part of the span class, so each kind has its own spans. */
#define MM_KIND_SCAN       0 /* GC object that may hold pointers (typed) */
#define MM_KIND_NOSCAN     1 /* GC object without pointers: never scanned */
#define MM_KIND_MANUAL     2 /* malloc: never collected, scanned as a root */
#define MM_NUM_KINDS       3
#define MM_NUM_SPANCLASSES (MM_NUM_CLASSES * MM_NUM_KINDS)

/* A span class: size class and kind in one byte-sized index, kind-major
 * so that the allocation fast path, whose kind is a constant, indexes the
 * mcache with the class alone. */
#define MM_SPANCLASS(cls, kind) ((kind)*MM_NUM_CLASSES + (cls))
#define MM_SPANCLASS_CLASS(sc)  ((sc) % MM_NUM_CLASSES)
#define MM_SPANCLASS_KIND(sc)   ((sc) / MM_NUM_CLASSES)

/* mm_alloc flags */
#define MM_ZERO 0x1u /* the object must read as zeros */

enum mspan_state {
    MSPAN_FREE,  /* on the page heap's free lists */
    MSPAN_SMALL, /* cut into objects of one span class */
    MSPAN_LARGE, /* one large object */
    MSPAN_STACK, /* a goroutine stack */
    MSPAN_META,  /* runtime metadata: page maps, span descriptors */
};

/*
 * A span: a run of pages.  Descriptors live in metadata pages (MSPAN_META
 * spans), never inside the pages they describe.
 */
struct mspan {
    /* mheap.lock held (free lists), or owner (mcentral / mcache lists): */
    struct mspan *next;
    struct mspan *prev;
    /* fixed while the span is in use: */
    uintptr_t base;     /* first byte, page aligned */
    uint32_t npages;    /* pages in the run */
    uint8_t state;      /* enum mspan_state */
    uint8_t spanclass;  /* MM_SPANCLASS(class, kind); 0 if not small */
    uint8_t kind;       /* MM_KIND_* (small and large spans) */
    uint8_t list;       /* which list holds it: MSPAN_LIST_* */
    uint8_t sizeclass;  /* size class of a small span */
    uint8_t mapping;    /* large span whose interior pages are being mapped
                        * with the lock released (mheap_map_interior) */
    uint8_t sweepgen;   /* = mm_sweepgen once swept this cycle (gc/sweep.c) */
    uint8_t gcflags;    /* MSPAN_GC_*: the GC's, mm lock held */
    uint32_t elemsize;  /* bytes per object (large: the request) */
    uint32_t divmul;    /* reciprocal of elemsize (mm/sizeclass.h) */
    uint16_t nelems;    /* objects in the span */
    uint16_t nalloc;    /* objects allocated now */
    uint16_t freeindex; /* objects [freeindex, nelems) never used yet */
    uint16_t emptyslot; /* slot + 1 in mcentral's empty-span cache; 0 if
                         * not there (mm/mcentral.c) */
    /* mcache owner, or mcentral lock: */
    void *freelist;       /* free objects, linked through their first word */
    uint32_t *allocbits;  /* bit i: object i allocated */
    uint32_t *markbits;   /* bit i: object i marked (the GC's) */
    struct mspan *gcnext; /* the GC's overflow list (gc/mark.c) */
    const struct tern_type **types; /* scan spans: type of each object */
    const struct tern_type *type1;  /* types[] of a large scan object */
    uint32_t inline_bits[2];        /* allocbits, markbits when nelems <= 32 */
};

/* struct mspan.gcflags */
#define MSPAN_GC_OVERFLOW 0x1u /* on the GC's overflow list */

/* The GC's hooks into allocation (gc/): while mm_allocblack is set, new
 * GC objects are allocated marked (black); mm_sweepgen is the sweep
 * generation (a span with another is swept before it is allocated from:
 * mm_sweep_hook); mm_copy_hook shades the words realloc copies while
 * marking.  Mm lock held for the first two. */
extern uint8_t mm_allocblack;
extern uint8_t mm_sweepgen;
extern bool (*mm_sweep_hook)(struct mspan *s);
extern void (*mm_copy_hook)(const void *src, size_t n);

/* The manual allocators' last resort (malloc's family, goroutine
 * descriptors and stacks): garbage in the GC heap holds pages too, so when
 * one fails it calls mm_collect_hook (the GC's, when linked) with the mm
 * lock NOT held, and tries once more if that returns true (it collected).
 * The hook decides whether collecting is safe here (not in an interrupt,
 * not re-entered, not on a GC goroutine). */
extern bool (*mm_collect_hook)(size_t size);

/* The mcache took span s (take true: refill) or gives it back (false:
 * refill, mm_trim, memory short), for spans of the GC's kinds (scan and
 * noscan, not manual); the GC's pacer accounts its free bytes here, once
 * per span rather than once per object (gc/gc.c).  Mm lock held; not called for flushes the GC does
 * itself. */
extern void (*mm_cache_hook)(struct mspan *s, bool take);

/* Which list holds a span (struct mspan.list). */
#define MSPAN_LIST_NONE      0 /* owned by an mcache, a caller, or a map */
#define MSPAN_LIST_FREE      1 /* mheap free list */
#define MSPAN_LIST_PARTIAL   2 /* mcentral: has free objects */
#define MSPAN_LIST_FULL      3 /* mcentral: no free objects */
#define MSPAN_LIST_STACKPOOL 4

/*
 * A type (struct tern_type, include/tern.h): how the GC finds the
 * pointers in an object.  Bit i of ptrmask is set when the i-th
 * pointer-sized word of an element holds a pointer into the heap.  An
 * array of n elements is allocated with the element's type; the GC scans
 * every whole element that fits the object.
 */

/* A heap region handed to mm_init. */
struct mm_region {
    uintptr_t start;
    uintptr_t end;
};

/* Statistics, exact at every moment the mm lock is free (MemStats names;
 * BySize through mm_read_class_stats). */
struct mm_stats {
    uint64_t total_alloc;   /* bytes allocated, ever (objects) */
    uint64_t mallocs;       /* objects allocated, ever */
    uint64_t frees;         /* objects freed, ever */
    uint64_t heap_alloc;    /* bytes in allocated objects now */
    uint64_t heap_objects;  /* objects allocated now */
    uint64_t heap_sys;      /* bytes of all heap pages */
    uint64_t heap_inuse;    /* bytes in small/large spans */
    uint64_t heap_idle;     /* bytes in free spans */
    uint64_t heap_released; /* idle bytes returned to the OS: always 0 */
    uint64_t stack_inuse;   /* bytes in stack spans in use */
    uint64_t stack_sys;     /* bytes in stack spans, pooled too */
    uint64_t mspan_inuse;   /* bytes of span descriptors in use */
    uint64_t mspan_sys;     /* bytes of span descriptor pages */
    uint64_t mcache_inuse;  /* bytes of mcache structures */
    uint64_t other_sys;     /* bytes of other metadata (page maps) */
    uint64_t largest_free;  /* bytes in the largest free run */
    uint64_t min_free;      /* fewest free bytes ever seen (heap_idle) */
    uint64_t fragmentation; /* % of idle bytes outside the largest run */
};

/* --- set-up ------------------------------------------------------------- */

/* Take the heap regions from the segment table.  Fatal if there is not
 * room for the metadata. */
void mm_init(void);

/* Take these regions (host tests, or a board with its own notion).  Each
 * must be at least a few pages; partial pages at the edges are dropped.
 * May be called again to start over (tests). */
void mm_init_regions(const struct mm_region *r, int n);

/* --- allocation ----------------------------------------------------------- */

/* An object of size bytes of the given kind; NULL if memory is exhausted.
 * Objects are 8-byte aligned.  MM_ZERO zeroes it.  Bounded: see mm/mm.c. */
void *mm_alloc(size_t size, unsigned kind, unsigned flags);

/* A zeroed scan object holding count elements of type t, its type
 * recorded for the GC; NULL if memory is exhausted or the size overflows. */
void *mm_alloc_typed(const struct tern_type *t, size_t count);

/* The type recorded for object i of span s: NULL for an untyped or a
 * noscan object (an untyped scan object is scanned conservatively). */
static inline const struct tern_type *mm_object_type(const struct mspan *s,
                                                     uint32_t i)
{
    return s->types ? s->types[i] : NULL;
}

/* As mm_alloc, but out of memory is fatal (runtime internals). */
void *mm_xalloc(size_t size, unsigned kind, unsigned flags);

/* Free an object allocated with mm_alloc(..., MM_KIND_MANUAL, ...).
 * A pointer Tern did not hand out, an interior pointer, a double free or
 * a GC object is a fatal error naming the address.  NULL is ignored. */
void mm_free(void *p);

/* Bytes usable at p (its class size or large size).  p as for mm_free. */
size_t mm_usable_size(const void *p);

/* An aligned manual object: align is a power of two. NULL if exhausted. */
void *mm_alloc_aligned(size_t align, size_t size);

/* Give cached spans and pooled stacks back to the page heap (as an
 * allocation that finds no free run does by itself).  O(span classes). */
void mm_trim(void);

/* fn runs, with the mm lock held, whenever memory is short, before the
 * caches are released: it may free (mm_free, mm_stack_free) what its
 * owner keeps for reuse.  The scheduler's frees dead goroutines. */
void mm_set_reclaim_hook(void (*fn)(void));

/* --- lookup (the GC's) ------------------------------------------------------
 */

/* The span in use that contains p (any interior byte), or NULL: O(1). */
struct mspan *mm_span_of(const void *p);

/* Base of the allocated object containing p, or NULL (free slot, not
 * heap, metadata).  *spanp receives its span.  O(1). */
void *mm_object_base(const void *p, struct mspan **spanp);

/* Index of the object at p in span s (p inside the span's objects). */
static inline uint32_t mm_object_index(const struct mspan *s, uintptr_t p)
{
#if ARCH_HAS_UMULL
    return (uint32_t)(((uint64_t)(p - s->base) * s->divmul) >> 32);
#else
    /* No 32x32->64 multiply (ARMv6-M: it would be a library call): the
     * reciprocal in halves.  Exact for offsets below 64 KiB, which every
     * small span is (mm_init_regions checks); a large span's divmul is 0;
     * a garbage index for a stray pointer is rejected by the callers'
     * range checks as before. */
    uint32_t off = (uint32_t)(p - s->base);
    uint32_t hi = s->divmul >> 16, lo = s->divmul & 0xFFFFu;

    return (off * hi + ((off * lo) >> 16)) >> 16;
#endif
}

static inline bool mm_bit(const uint32_t *bits, uint32_t i)
{
    return (bits[i / 32] >> (i % 32)) & 1u;
}

/* Call fn for every allocated object (base, size, kind).  Holds the mm
 * lock (interrupts masked) for the whole walk: for the GC's stop-the-world
 * checks and tests, not for a running system.  fn must not allocate. */
void mm_for_each_object(void (*fn)(void *base, size_t size, unsigned kind,
                                   void *arg),
                        void *arg);

/* --- stacks ------------------------------------------------------------------
 */

/* A goroutine stack of at least size bytes (rounded up to pages), or
 * NULL.  Stacks of one size are pooled when freed. */
void *mm_stack_alloc(size_t size);
void mm_stack_free(void *base);

/* --- statistics and verification --------------------------------------------
 */

/* The totals: small enough (about 140 bytes) for any stack. */
void mm_read_stats(struct mm_stats *st);
/* O(1), for the pacer: heap_inuse, and the bytes of stacks, span
 * descriptors, page maps and mcentral (StackSys + MSpanSys + OtherSys). */
void mm_read_footprint(uint64_t *heap_inuse, uint64_t *other);

/* MemStats.BySize: objects of class cls allocated and freed, ever
 * (class 0: large objects).  Bytes per object: mm_class_size[cls]. */
void mm_read_class_stats(unsigned cls, uint64_t *mallocs, uint64_t *frees);

/* Debug: masks interrupts for a walk of the whole heap.
 * Recount everything by walking every span and object; returns NULL if
 * the fast counters equal the recount and every structure invariant holds,
 * else a constant string naming the broken one. */
const char *mm_verify(void);

#endif /* MM_MM_H */
