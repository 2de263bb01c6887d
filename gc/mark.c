/*
 * gc/mark.c - marking: shading, the grey work list, scanning objects and
 * roots.  See gc/gc.c for the cycle and the invariants.
 *
 * The work list is a stack of grey object bases of fixed size (gc.cap
 * entries, runtime-private).  When it is full, the object is still marked
 * and its span goes on the overflow list (once: MSPAN_GC_OVERFLOW); when
 * the stack runs dry, an overflowed span is rescanned: every marked object
 * in it goes back on the stack (as grey, so a big one is scanned a piece
 * at a time and no rescan is one long work unit; what does not fit is
 * scanned at once).  A span goes on the list only when one of its
 * objects is newly marked, and every object is newly marked once a cycle,
 * so rescans number at most the live objects and each costs one span's
 * objects (a constant of the size-class table): marking stays O(live),
 * however small the stack, and never rescans the heap.
 *
 * A work unit scans at most SCAN_PIECE bytes of an object, and at most
 * about PIECE_PTRS pointers (whole elements): the rest of a big one goes
 * back on the stack as a continuation (its next address, tagged with
 * bit 0), so an assist or a worker turn is bounded however big the
 * array.  A continuation that finds the stack full overflows its span
 * like an object does (the rescan queues the object again).
 *
 * Concurrency (one core, preemptive): every change to mark bits, the grey
 * stack, the overflow list and `busy` happens with interrupts masked.
 * Scanning reads object memory unmasked: a mutator storing into an
 * object being scanned goes through the barrier, which shades both the
 * old and the new pointer, so whichever the scan reads, both are marked.
 * `busy` counts scans in progress so that mark termination cannot run
 * while a preempted scanner still holds an object it has popped.
 *
 * Batched shading (the cost of marking).  A scan does not mask per
 * pointer: it collects the slots holding heap pointers (struct shadebuf)
 * and shades them SHADE_BATCH at a time in one masked section, through a
 * span cache (struct spancache) that spares the page-map walk when
 * consecutive pointers share a span.  The object scanner (gc_mark_work)
 * goes further: one masked section shades the last object's pointers,
 * retires it and pops the next grey object, so a small object costs one
 * masked section, bounded by SHADE_BATCH shades.  The commonest grey
 * objects, small nodes of one typed element with at most SMALL_WORDS
 * words (a tree's, a list's), go further still (scan_small_locked):
 * several are popped and scanned whole in one masked section, each field
 * shaded as it is read, until SHADE_BATCH pointers were shaded, so the
 * bound holds (BENCH gc.mark_per_kb 14,200 -> 8,100 instructions on
 * Cortex-M3).  Rejected: masking the scan of any object (unbounded for
 * big objects, and one with many pointers to scattered spans is hundreds
 * of instructions); scanning with interrupts on and marking without the
 * mask (the barrier runs in goroutines that preempt the scanner, and a
 * mark bit or grey push half done is lost).
 */
#include <string.h>

#include "gc/gc.h"
#include "kernel/panic.h"
#include "mm/mheap.h"
#include "mm/mm_internal.h"
#include "sched/sched.h"
#include "tern.h"

#ifndef TERN_GC_STACK
#define TERN_GC_STACK 128 /* grey stack entries (board.mk may say fewer) */
#endif

static uintptr_t grey[TERN_GC_STACK] TERN_PRIVATE;

/* Words scanned per masked chunk of memory that may change owner while
 * we scan it (malloc'd blocks, stacks): bounds the masked sections. */
#define CHUNK_WORDS  64
/* ... and of a malloc'd block, which is shaded as it is read, in the
 * masked section that checks the block is still there: at most this
 * many shades a section (a few hundred instructions each when they
 * miss the span cache). */
#define MANUAL_CHUNK 16

/* Registered roots (tern_gc_add_root; board.mk may say fewer). */
#ifndef TERN_GC_ROOTS
#define TERN_GC_ROOTS 8
#endif
#define GC_MAX_ROOTS TERN_GC_ROOTS
static struct {
    uintptr_t lo, hi;
} roots[GC_MAX_ROOTS] TERN_PRIVATE;

/* Root sets, in the order the cursor visits them. */
enum {
    JOB_GLOBALS,
    JOB_ROOTS,
    JOB_ISTACK,
    JOB_MALLOC,
    JOB_FINALIZERS,
    JOB_SELF,
    JOB_STACKS,
    JOB_END
};

/* The top of the stack of a context that is no goroutine (a host test's
 * main thread), scanned from its SP by whichever step runs there. */
static uintptr_t thread_top TERN_PRIVATE;

void gc_set_thread_stack_top(const void *top)
{
    thread_top = (uintptr_t)top;
}

static __attribute__((noinline, no_sanitize_address)) uint32_t
scan_thread_stack(void)
{
    volatile uintptr_t here = 0;

    __builtin_unwind_init();
    if (thread_top == 0 || (uintptr_t)&here >= thread_top)
        return 0;
    if (m0.curg != NULL && (uintptr_t)&here >= (uintptr_t)m0.curg->stack &&
        (uintptr_t)&here < (uintptr_t)m0.curg->stack + m0.curg->stacksize)
        return 0; /* a goroutine: its own step scans it */
    gc_scan_conservative((const void *)&here, (const void *)thread_top);
    return (uint32_t)(thread_top - (uintptr_t)&here);
}

int tern_gc_add_root(const void *start, size_t size)
{
    unsigned long s = arch_irq_save();
    int r = -1;

    for (int i = 0; i < GC_MAX_ROOTS && size > 0; i++)
        if (roots[i].lo == 0) {
            roots[i].lo = (uintptr_t)start;
            roots[i].hi = (uintptr_t)start + size;
            r = 0;
            break;
        }
    arch_irq_restore(s);
    return r;
}

int tern_gc_remove_root(const void *start)
{
    unsigned long s = arch_irq_save();
    int r = -1;

    for (int i = 0; i < GC_MAX_ROOTS; i++)
        if (roots[i].lo == (uintptr_t)start && start != NULL) {
            roots[i].lo = roots[i].hi = 0;
            r = 0;
            break;
        }
    arch_irq_restore(s);
    return r;
}

void gc_roots_each(void (*fn)(uintptr_t lo, uintptr_t hi))
{
    for (int i = 0; i < GC_MAX_ROOTS; i++)
        if (roots[i].lo != 0)
            fn(roots[i].lo, roots[i].hi);
}

static inline bool in_heap(uintptr_t p)
{
    return p - gc.heap_lo < gc.heap_hi - gc.heap_lo;
}

/* The span lookup, cached across the pointers shaded: consecutive
 * pointers mostly land in one span (a tree's nodes, a vector's leaves),
 * and a hit costs a subtract and a compare instead of the page-map walk.
 * Only GC spans are cached (the others are not shaded).  A cache is
 * filled and used with interrupts masked, and stays valid across the
 * masked sections of one marking phase: a GC span is freed or reused
 * only by sweeping, and nothing is swept while marking.  A cache that
 * outlives its masked section (gc_mark_work's) is emptied when a
 * section finds another cycle (gc_cycle) than the one that filled it. */
struct spancache {
    uintptr_t hbase; /* ~ the cached span's first byte (hidden: below) */
    uintptr_t size;  /* its bytes; 0: nothing cached */
    struct mspan *s; /* the span */
    uint32_t cycle;  /* gc_cycle when filled */
};

#define SPANCACHE_EMPTY                                                        \
    {                                                                          \
        ~(uintptr_t)0, 0, NULL, 0                                              \
    }

static inline struct mspan *span_of(struct spancache *c, uintptr_t p)
{
    struct mspan *s;

    if (p - ~c->hbase < c->size)
        return c->s;
    s = mheap_span_at(p);
    if (s != NULL && s->kind != MM_KIND_MANUAL &&
        (s->state == MSPAN_SMALL || s->state == MSPAN_LARGE)) {
        c->hbase = ~s->base;
        c->size = (uintptr_t)s->npages << MM_PAGE_SHIFT;
        c->s = s;
    }
    return s;
}

_Noreturn static void zombie(uintptr_t p, uintptr_t slot, struct mspan *s)
{
    fatal_begin();
    fatal_printf("fatal error: found pointer to free object\n");
    fatal_printf("pointer %p in slot %p; span %p (%lu-byte objects), "
                 "object free\n",
                 (void *)p, (void *)slot, (void *)s->base,
                 (unsigned long)s->elemsize);
    fatal_end();
}

/* Put span s on the overflow list (once).  Masked. */
static void overflow_locked(struct mspan *s)
{
    gc.overflows++;
    if (!(s->gcflags & MSPAN_GC_OVERFLOW)) {
        s->gcflags |= MSPAN_GC_OVERFLOW;
        s->gcnext = gc.ovf;
        gc.ovf = s;
    }
}

/* Grey the object holding p: mark it, and queue it unless it is noscan.
 * slot != 0: p was read from a typed pointer field there (the zombie
 * check applies).  Masked; c is this masked section's span cache. */
static void shade_locked(struct spancache *c, uintptr_t p, uintptr_t slot)
{
    struct mspan *s = span_of(c, p);
    uint32_t i, bit, *w;

    if (s == NULL || s->kind == MM_KIND_MANUAL)
        return;
    if (s->state == MSPAN_SMALL) {
        i = mm_object_index(s, p);
        if (i >= s->nelems)
            return; /* the span's tail: bitmaps, type slots */
    } else if (s->state == MSPAN_LARGE) {
        i = 0;
    } else {
        return;
    }
    w = &s->markbits[i / 32];
    bit = 1u << (i % 32);
    if (*w & bit)
        return; /* marked: allocated (only allocated objects are) */
    if (!mm_bit(s->allocbits, i)) {
        if (slot != 0 && (gc.debug & TERN_GC_ZOMBIE) && i < s->freeindex)
            zombie(p, slot, s);
        return;
    }
    *w |= bit;
    gc.heap_marked += s->state == MSPAN_LARGE
                          ? (uint64_t)s->npages * MM_PAGE_SIZE
                          : s->elemsize;
    if (s->kind == MM_KIND_NOSCAN)
        return; /* black at once: nothing to scan */
    if (gc.sp < gc.cap) {
        gc.stk[gc.sp++] = s->base + (uintptr_t)i * s->elemsize;
        return;
    }
    overflow_locked(s);
}

void gc_shade(const void *p)
{
    struct spancache c = SPANCACHE_EMPTY;

    if (in_heap((uintptr_t)p))
        shade_locked(&c, (uintptr_t)p, 0);
}

void gc_shade_pair(const void *a, const void *b)
{
    struct spancache c = SPANCACHE_EMPTY;

    if (in_heap((uintptr_t)a))
        shade_locked(&c, (uintptr_t)a, 0);
    if (in_heap((uintptr_t)b))
        shade_locked(&c, (uintptr_t)b, 0);
}

void gc_shade_range(const void *p, size_t n)
{
    struct spancache c = SPANCACHE_EMPTY;
    const uintptr_t *w = p;

    if (((uintptr_t)p & (sizeof(uintptr_t) - 1)) != 0)
        return; /* no aligned pointer can be inside */
    for (size_t k = 0; k < n / sizeof(uintptr_t); k++)
        if (in_heap(w[k]))
            shade_locked(&c, w[k], 0);
}

/* Batched shading.  A scan reads memory unmasked and collects the slots
 * that hold heap pointers; every SHADE_BATCH of them are shaded in one
 * masked section with one span cache (the slot is read again there:
 * that is the scan's read, as late as it may be; a store meanwhile went
 * through the barrier, which shaded both the old and the new pointer).
 * So a masked section shades at most SHADE_BATCH pointers: a few
 * hundred instructions at the worst (every one a cache miss), tens when
 * they share spans.  The object scanner shades an object's last batch
 * in the same masked section that pops the next grey object
 * (gc_mark_work).  A slot's bit 0 says it is a typed field (the zombie
 * check applies to it).  Slots, and the span cache's base, are kept
 * complemented: the buffer and the cache live in the scanner's frames,
 * which a conservative scan of its own stack (scan_own_stack,
 * scan_thread_stack) reads, and a stale slot address there would keep
 * the object holding it alive for a cycle. */
#define SHADE_BATCH 8

struct shadebuf {
    uint32_t n;                  /* slots held */
    uintptr_t slot[SHADE_BATCH]; /* ~(address | 1 if a typed field) */
};

/* Every slot written: the frame must not hold what an earlier call left
 * there (a conservative scan of this stack would read it). */
#define SHADEBUF_EMPTY                                                         \
    {                                                                          \
        0,                                                                     \
        {                                                                      \
            0                                                                  \
        }                                                                      \
    }

/* Shade the buffer's slots and empty it.  Masked. */
static __attribute__((no_sanitize_address)) void
flush_locked(struct shadebuf *b, struct spancache *c)
{
    for (uint32_t k = 0; k < b->n; k++) {
        uintptr_t x = ~b->slot[k], slot = x & ~(uintptr_t)1;
        uintptr_t v = *(const uintptr_t *)slot;

        if (in_heap(v))
            shade_locked(c, v, (x & 1) ? slot : 0);
    }
    b->n = 0;
}

static void flush(struct shadebuf *b)
{
    struct spancache c = SPANCACHE_EMPTY;
    unsigned long irq;

    if (b->n == 0)
        return;
    irq = arch_irq_save();
    flush_locked(b, &c);
    arch_irq_restore(irq);
}

static inline void candidate(struct shadebuf *b, const uintptr_t *slot,
                             uintptr_t typed)
{
    b->slot[b->n++] = ~((uintptr_t)slot | typed);
    if (b->n == SHADE_BATCH)
        flush(b);
}

/* Collect the heap pointers of [lo, hi) (aligned words) into b. */
static __attribute__((no_sanitize_address)) void
collect_conservative(struct shadebuf *b, const void *lo, const void *hi)
{
    uintptr_t a = ((uintptr_t)lo + sizeof(uintptr_t) - 1) &
                  ~(uintptr_t)(sizeof(uintptr_t) - 1);

    for (const uintptr_t *w = (const uintptr_t *)a; (const void *)w < hi; w++)
        if (in_heap(*w))
            candidate(b, w, 0);
}

/* Scan [lo, hi) conservatively: every aligned word that points into the
 * heap is a candidate, shaded in batches (above), all of them before
 * this returns; the memory must stay readable (a GC object during
 * marking, a global, a stack whose goroutine is held off the CPU). */
void gc_scan_conservative(const void *lo, const void *hi)
{
    struct shadebuf b = SHADEBUF_EMPTY;

    collect_conservative(&b, lo, hi);
    flush(&b);
}

/* Bytes of one object scanned per work unit: a big object (a large
 * array) is scanned a piece at a time, the rest queued as a continuation
 * (its address | 1 on the grey stack), so that no assist or worker turn
 * holds the CPU for a whole object however big. */
#define SCAN_PIECE 1024
/* ... and at most about this many pointers: a pointer costs a shade
 * (tens of instructions, a hundred and more when they scatter), so 1 KiB
 * of a pointer array would be a unit 20 times a tree node's per byte. */
#define PIECE_PTRS 64

/* Scan the object at base (grey -> black), in span s, from byte `from`,
 * at most about SCAN_PIECE bytes (whole elements of its type): its
 * pointers are collected into b (some may be left there, unshaded, for
 * the caller to flush).  Returns bytes scanned; *rest is the offset to
 * go on from, 0 when done. */
static uint32_t scan_piece(struct mspan *s, uintptr_t base, size_t from,
                           size_t *rest, struct shadebuf *b)
{
    const struct tern_type *t;
    size_t size = s->elemsize, end;

    *rest = 0;
    t = s->state == MSPAN_LARGE ? s->type1
                                : mm_object_type(s, mm_object_index(s, base));
    end = size - from > SCAN_PIECE ? from + SCAN_PIECE : size;
    if (t == NULL) { /* every word a candidate */
        if (end - from > PIECE_PTRS * sizeof(uintptr_t))
            end = from + PIECE_PTRS * sizeof(uintptr_t);
    } else if (end < size || size - from > t->size) {
        /* whole elements, holding about PIECE_PTRS pointers at most */
        uint32_t ptrs = 0;
        size_t elems;

        for (size_t k = 0; k < (t->size / sizeof(uintptr_t) + 31) / 32; k++)
            ptrs += (uint32_t)__builtin_popcount(t->ptrmask[k]);
        elems = ptrs > PIECE_PTRS ? 1 : PIECE_PTRS / (ptrs ? ptrs : 1);
        if (end - from > elems * t->size)
            end = from + elems * t->size;
        end = (end + t->size - 1) / t->size * t->size;
        if (end > size)
            end = size;
    }
    if (end < size)
        *rest = end;
    if (t == NULL) {
        collect_conservative(b, (void *)(base + from), (void *)(base + end));
        return (uint32_t)(end - from);
    }
    for (size_t e = from; e + t->size <= end; e += t->size) {
        const uintptr_t *w = (const uintptr_t *)(base + e);
        size_t nw = t->size / sizeof(uintptr_t);

        for (size_t k = 0; k < nw; k += 32) {
            uint32_t m = t->ptrmask[k / 32];
            while (m != 0) {
                size_t j = k + (size_t)__builtin_ctz(m);
                m &= m - 1;
                if (in_heap(w[j]))
                    candidate(b, &w[j], 1);
            }
        }
    }
    return (uint32_t)(end - from);
}

/* The whole object, its pointers collected into b (a rescan, a
 * finalizable object's fields). */
static uint32_t scan_object(uintptr_t base, struct shadebuf *b)
{
    struct mspan *s = mheap_span_at(base);
    uint32_t n = 0;
    size_t off = 0;

    if (s == NULL)
        return 0;
    do
        n += scan_piece(s, base, off, &off, b);
    while (off != 0);
    return n;
}

/* Scan a grey-stack entry of span s: an object, or a continuation
 * (address | 1) of one; queue what is left of it.  Its last pointers may
 * be left in b.  Returns bytes scanned. */
static uint32_t scan_entry(uintptr_t e, struct mspan *s, struct shadebuf *b)
{
    uintptr_t base = e, addr = e & ~(uintptr_t)1;
    size_t rest;
    uint32_t n;

    if (e & 1) {
        base =
            s->state == MSPAN_LARGE
                ? s->base
                : s->base + (uintptr_t)mm_object_index(s, addr) * s->elemsize;
    } else if (s->state == MSPAN_SMALL &&
               s->elemsize <= 32 * sizeof(uintptr_t)) {
        /* A small object of one element: its pointer mask is one word. */
        const struct tern_type *t = mm_object_type(s, mm_object_index(s, base));
        if (t != NULL && t->size * 2 > s->elemsize) {
            const uintptr_t *w = (const uintptr_t *)base;
            uint32_t m = t->ptrmask[0];
            while (m != 0) {
                uint32_t j = (uint32_t)__builtin_ctz(m);
                m &= m - 1;
                if (in_heap(w[j]))
                    candidate(b, &w[j], 1);
            }
            return s->elemsize;
        }
    }
    n = scan_piece(s, base, addr - base, &rest, b);
    if (rest != 0) {
        unsigned long irq = arch_irq_save();
        if (gc.sp < gc.cap)
            gc.stk[gc.sp++] = (base + rest) | 1;
        else /* no room: the span is rescanned, objects whole */
            overflow_locked(s);
        arch_irq_restore(irq);
    }
    return n;
}

uint32_t gc_scan_fields(uintptr_t base)
{
    struct shadebuf b = SHADEBUF_EMPTY;
    uint32_t n;

    n = scan_object(base, &b);
    flush(&b);
    return n;
}

bool gc_marked(uintptr_t p)
{
    struct mspan *s = mheap_span_at(p);
    uint32_t i;

    if (s == NULL)
        return false;
    if (s->state == MSPAN_LARGE)
        i = 0;
    else if (s->state == MSPAN_SMALL)
        i = mm_object_index(s, p);
    else
        return false;
    return mm_bit(s->markbits, i);
}

/* An overflowed span: scan its marked objects again.  The span stays in
 * use while marking (nothing is swept), so its fields are stable. */
static uint32_t rescan_span(struct mspan *s, struct shadebuf *b)
{
    uint32_t n = 0, i = 0;

    /* Marked objects go back on the grey stack while there is room (it is
     * empty when overflowed spans are taken), 16 a masked section, to be
     * scanned as any grey object is: a work unit each, big ones a piece
     * at a time.  What does not fit is scanned here. */
    while (i < s->nelems) {
        unsigned long irq = arch_irq_save();
        uint32_t stop = i + 16 < s->nelems ? i + 16 : s->nelems;
        bool full = false;

        for (; i < stop; i++)
            if (mm_bit(s->markbits, i)) {
                if (gc.sp >= gc.cap) {
                    full = true;
                    break;
                }
                gc.stk[gc.sp++] = s->base + (uintptr_t)i * s->elemsize;
                n += 16;
            }
        arch_irq_restore(irq);
        if (full)
            break;
    }
    for (; i < s->nelems; i++)
        if (mm_bit(s->markbits, i))
            n += scan_object(s->base + (uintptr_t)i * s->elemsize, b);
    return n;
}

/* --- roots ------------------------------------------------------------ */

/* Scan a chunk of [lo, hi) from *pos; true when the range is done. */
static bool scan_chunk(uintptr_t lo, uintptr_t hi, uintptr_t *pos,
                       uint32_t *work)
{
    uintptr_t a = *pos < lo ? lo : *pos;
    uintptr_t b = hi - a > CHUNK_WORDS * sizeof(uintptr_t)
                      ? a + CHUNK_WORDS * sizeof(uintptr_t)
                      : hi;

    if (a >= hi)
        return true;
    gc_scan_conservative((void *)a, (void *)b);
    *work += (uint32_t)(b - a);
    *pos = b;
    return b >= hi;
}

/* Segments of one kind (GC roots), by index; NULL past the last. */
static const struct tern_segment *segment(uint32_t k, bool stack)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);

    for (size_t i = 0; t != NULL && i < n; i++) {
        bool want = stack ? t[i].kind == TERN_SEG_STACK
                          : (t[i].flags & TERN_SEG_GCROOT) != 0;
        if (want && k-- == 0)
            return &t[i];
    }
    return NULL;
}

/* [lo, hi) of malloc'd object i of span s, conservatively, a chunk per
 * masked section, each after checking that the object is still there: a
 * block freed meanwhile may have become a guarded stack. */
static uint32_t scan_manual_object(struct mspan *s, uint32_t i, uintptr_t lo,
                                   uintptr_t hi, uint32_t *ptrs)
{
    uint32_t work = 0;

    for (uintptr_t a = lo; a < hi; a += MANUAL_CHUNK * sizeof(uintptr_t)) {
        uintptr_t b = hi - a > MANUAL_CHUNK * sizeof(uintptr_t)
                          ? a + MANUAL_CHUNK * sizeof(uintptr_t)
                          : hi;
        unsigned long irq = arch_irq_save();

        if (mheap_span_at(a) != s || s->kind != MM_KIND_MANUAL ||
            (s->state != MSPAN_SMALL && s->state != MSPAN_LARGE) ||
            !mm_bit(s->allocbits, i)) {
            arch_irq_restore(irq);
            break;
        }
        {
            struct spancache c = SPANCACHE_EMPTY;
            for (const uintptr_t *w = (const uintptr_t *)a; (uintptr_t)w < b;
                 w++)
                if (in_heap(*w)) {
                    shade_locked(&c, *w, 0);
                    (*ptrs)++;
                }
        }
        arch_irq_restore(irq);
        work += (uint32_t)(b - a);
    }
    return work;
}

/* The page walk over malloc'd spans: one span, or SCAN_PIECE bytes of
 * one, per call.  True at the end. */
static bool malloc_step(uint32_t *work)
{
    uint32_t r = gc.root_index, page = (uint32_t)gc.root_pos;
    struct mspan *s;
    uintptr_t addr;
    uint32_t npages = 1, nelems = 0, elemsize = 0, state = MSPAN_FREE;
    unsigned long irq;

    if (r >= (uint32_t)mheap.nregions)
        return true;
    if (page >= mheap.regions[r].npages) {
        gc.root_index++;
        gc.root_pos = 0;
        return false;
    }
    addr = mheap.regions[r].base + ((uintptr_t)page << MM_PAGE_SHIFT);
    irq = arch_irq_save();
    s = mheap.regions[r].map[page];
    if (s != NULL && s->base == addr && s->npages != 0) {
        npages = s->npages;
        if (s->kind == MM_KIND_MANUAL &&
            (s->state == MSPAN_SMALL || s->state == MSPAN_LARGE)) {
            state = s->state;
            nelems = s->state == MSPAN_SMALL ? s->freeindex : 1;
            elemsize = s->state == MSPAN_SMALL ? s->elemsize
                                               : s->npages * MM_PAGE_SIZE;
        }
    }
    arch_irq_restore(irq);
    if (state == MSPAN_FREE || gc.root_off >= nelems * elemsize) {
        gc.root_pos = page + npages; /* (a span reused meanwhile: past it) */
        gc.root_off = 0;
        return false;
    }
    /* At most SCAN_PIECE bytes and about PIECE_PTRS pointers a step, from
     * where the last one stopped (root_off): a big malloc'd block is not
     * one long step, nor a pointer-dense one (1 KiB of pointers was a
     * 3 ms step, measured in gc.mmu10ms.light). */
    {
        uintptr_t off = gc.root_off, end = off + SCAN_PIECE;
        uint32_t ptrs = 0;

        if (end > (uintptr_t)nelems * elemsize)
            end = (uintptr_t)nelems * elemsize;
        while (off < end && ptrs < PIECE_PTRS) {
            uint32_t i = (uint32_t)(off / elemsize);
            uintptr_t hi = (uintptr_t)(i + 1) * elemsize;

            if (hi > end)
                hi = end;
            if (hi - off > MANUAL_CHUNK * sizeof(uintptr_t))
                hi = off + MANUAL_CHUNK * sizeof(uintptr_t);
            *work += scan_manual_object(s, i, addr + off, addr + hi, &ptrs);
            off = hi;
        }
        if (off >= (uintptr_t)nelems * elemsize) {
            gc.root_pos = page + npages;
            gc.root_off = 0;
        } else {
            gc.root_off = (uint32_t)off;
        }
    }
    return false;
}

/* Scan our own stack: registers spilled into this frame first. */
static __attribute__((noinline, no_sanitize_address)) uint32_t
scan_own_stack(const struct g *gp)
{
    uintptr_t top = (uintptr_t)gp->stack + gp->stacksize;
    volatile uintptr_t here = 0;
    uintptr_t sp;

    __builtin_unwind_init(); /* callee-saved registers into this frame */
    sp = (uintptr_t)&here;   /* below them: locals sit under the saves */
    if (sp < (uintptr_t)gp->stack || sp >= top)
        return 0; /* not on a goroutine stack (host tests' main) */
    gc_scan_conservative((void *)sp, (void *)top);
    return (uint32_t)(top - sp);
}

/* Scan a parked goroutine's saved registers and live stack, in chunks;
 * it cannot run meanwhile (schedule() defers it). */
static __attribute__((no_sanitize_address)) uint32_t scan_stack(struct g *gp)
{
    uintptr_t top = (uintptr_t)gp->stack + gp->stacksize;
    uintptr_t sp = arch_context_sp(&gp->ctx), pos;
    uint32_t work = 0;

    if (sp < (uintptr_t)gp->stack || sp > top)
        sp = (uintptr_t)gp->stack + ARCH_STACK_GUARD; /* unknown: all */
    gc_scan_conservative(&gp->ctx, &gp->ctx + 1);
    pos = sp;
    while (!scan_chunk(sp, top, &pos, &work))
        ;
    return work + (uint32_t)sizeof gp->ctx;
}

/* The next goroutine to scan, taken off the walk; NULL at the end.  The
 * walk lets interrupts in every 16 Gs it passes over, so the masked
 * sections stay bounded however many goroutines (dead ones included)
 * there are. */
static struct g *next_g(void)
{
    unsigned long irq = arch_irq_save();
    uint32_t passed = 0;
    struct g *gp;

    for (;; passed++) {
        if (passed % 16 == 15) {
            arch_irq_restore(irq);
            irq = arch_irq_save();
        }
        if (gc.root_allg_gen != sched.allg_gen) {
            /* reclaim_dead unlinked Gs: walk again, the scanned ones
             * skip */
            gc.root_allg_gen = sched.allg_gen;
            gc.root_g = sched.allg;
        }
        if ((gp = gc.root_g) == NULL)
            break;
        gc.root_g = gp->alllink;
        if (gp->gcscan == (uint8_t)gc_cycle)
            continue;
        if (gp->state == G_DEAD || gp->state == G_IDLE || gp->system == 1) {
            /* (the GC's worker and sweeper hold no roots: only objects
             * already shaded, or spans; scanning them would keep the
             * last object they touched alive a cycle longer) */
            gp->gcscan = (uint8_t)gc_cycle;
            continue;
        }
        if (gp != m0.curg)
            gc_scanning_g = gp;
        break;
    }
    arch_irq_restore(irq);
    return gp;
}

static uint32_t stack_step(bool *end)
{
    struct g *gp = next_g();
    uint32_t work;
    unsigned long irq;

    if (gp == NULL) {
        *end = true;
        return 0;
    }
    work = gp == m0.curg ? scan_own_stack(gp) : scan_stack(gp);
    irq = arch_irq_save();
    gp->gcscan = (uint8_t)gc_cycle;
    if (gc_scanning_g == gp) {
        gc_scanning_g = NULL;
        if (gc_scan_deferred == gp) { /* it was picked meanwhile: run it */
            gc_scan_deferred = NULL;
            sched_ready(gp, false);
        }
    }
    gc.stacks_bytes += work;
    arch_irq_restore(irq);
    return work;
}

/* One step of root work: a chunk of a range, a malloc'd span, a stack. */
static uint32_t root_step(void)
{
    uint32_t work = 0;
    const struct tern_segment *seg;
    bool end = false;

    switch (gc.root_job) {
    case JOB_GLOBALS:
    case JOB_ISTACK:
        seg = segment(gc.root_index, gc.root_job == JOB_ISTACK);
        if (seg == NULL) {
            end = true;
            break;
        }
        if (scan_chunk(seg->start, seg->end, &gc.root_pos, &work)) {
            gc.root_index++;
            gc.root_pos = 0;
        }
        if (gc.root_job == JOB_GLOBALS)
            gc.globals_bytes += work;
        break;
    case JOB_ROOTS:
        if (gc.root_index >= GC_MAX_ROOTS) {
            end = true;
            break;
        }
        if (roots[gc.root_index].lo == 0 ||
            scan_chunk(roots[gc.root_index].lo, roots[gc.root_index].hi,
                       &gc.root_pos, &work)) {
            gc.root_index++;
            gc.root_pos = 0;
        }
        break;
    case JOB_MALLOC:
        end = malloc_step(&work);
        break;
    case JOB_FINALIZERS:
        work = gc_fin_root_step(&end);
        break;
    case JOB_SELF:
        work = scan_thread_stack();
        end = true;
        break;
    case JOB_STACKS:
        work = stack_step(&end);
        break;
    default:
        break;
    }
    if (end) {
        gc.root_job++;
        gc.root_index = 0;
        gc.root_pos = 0;
        gc.root_off = 0;
        if (gc.root_job == JOB_STACKS) {
            unsigned long irq = arch_irq_save();
            gc.root_g = sched.allg;
            gc.root_allg_gen = sched.allg_gen;
            arch_irq_restore(irq);
        }
        if (gc.root_job >= JOB_END)
            gc.roots_done = 1;
    }
    return work + 16; /* a step costs something even when empty */
}

void gc_mark_reset(void)
{
    gc.stk = grey;
    if (gc.cap == 0 || gc.cap > TERN_GC_STACK)
        gc.cap = TERN_GC_STACK;
    gc.sp = 0;
    gc.ovf = NULL;
    gc.busy = 0;
    gc.roots_busy = 0;
    gc.roots_done = 0;
    gc.fin_checked = 0;
    gc_fin_reset();
    gc.root_job = JOB_GLOBALS;
    gc.root_index = 0;
    gc.root_pos = 0;
    gc.root_off = 0;
    gc.root_g = NULL;
    gc.stacks_bytes = gc.globals_bytes = 0;
}

/* Set the grey stack's room (tests: a tiny stack forces overflows);
 * 0 restores the full size. */
void gc_set_stack_room(uint32_t n)
{
    gc.cap = n == 0 || n > TERN_GC_STACK ? TERN_GC_STACK : n;
}

/* The hottest path: pop small grey objects of one element (a tree's or a
 * list's nodes: at most SMALL_WORDS words, so at most that many pointer
 * fields) and scan them in this masked section, each field read and
 * shaded at once (no batch: the read and the shade are one step, as the
 * barrier's are), until SHADE_BATCH pointers were shaded or the top of
 * the stack is something else.  Bounded as a batch is: fewer than
 * SHADE_BATCH + SMALL_WORDS shades a section.  Written for registers:
 * the grey stack's top, a cache of one small GC span (a node's children
 * mostly share its span), the bytes marked; a pointer to anything else
 * (a large object, a span that misses) takes shade_locked.  Returns
 * bytes scanned (0: the top is not such an object).  Masked. */
#define SMALL_WORDS 8

static __attribute__((noinline, no_sanitize_address)) uint32_t
scan_small_locked(struct spancache *c)
{
    uintptr_t *const bottom = gc.stk, *const lim = gc.stk + gc.cap;
    uintptr_t *top = gc.stk + gc.sp;
    uintptr_t kbase = 0, ksize = 0; /* the cached span's objects */
    uint32_t bytes = 0, shades = 0, marked = 0;
    struct mspan *ks = NULL;

    while (top > bottom && shades < SHADE_BATCH) {
        uintptr_t e = top[-1];
        const struct tern_type *t;
        const uintptr_t *w;
        uint32_t m;

        if (e - kbase >= ksize || (e & 1)) {
            struct mspan *s = (e & 1) ? NULL : mheap_span_at(e);
            if (s == NULL || s->state != MSPAN_SMALL ||
                s->kind == MM_KIND_MANUAL)
                break;
            ks = s;
            kbase = s->base;
            ksize = (uintptr_t)s->nelems * s->elemsize;
        }
        if (ks->types == NULL || ks->elemsize > SMALL_WORDS * sizeof(uintptr_t))
            break;
        t = ks->types[mm_object_index(ks, e)];
        if (t == NULL || t->size * 2 <= ks->elemsize)
            break;
        top--;
        bytes += ks->elemsize;
        w = (const uintptr_t *)e;
        for (m = t->ptrmask[0]; m != 0; m &= m - 1) {
            uint32_t j = (uint32_t)__builtin_ctz(m), i, bit, *mw;
            uintptr_t v = w[j];

            /* The cache covers the span's objects, not its tail: a
             * pointer past them takes the lookup, which rejects it. */
            if (v - kbase >= ksize) {
                struct mspan *s;

                if (v - gc.heap_lo >= gc.heap_hi - gc.heap_lo)
                    continue;
                shades++;
                s = mheap_span_at(v);
                if (s == NULL || s->state != MSPAN_SMALL ||
                    s->kind == MM_KIND_MANUAL) {
                    gc.sp = (uint32_t)(top - bottom);
                    shade_locked(c, v, (uintptr_t)&w[j]);
                    top = bottom + gc.sp;
                    continue;
                }
                ks = s;
                kbase = s->base;
                ksize = (uintptr_t)s->nelems * s->elemsize;
                if (v - kbase >= ksize)
                    continue; /* the span's tail */
            } else {
                shades++;
            }
            i = mm_object_index(ks, v);
            mw = &ks->markbits[i / 32];
            bit = 1u << (i % 32);
            if (*mw & bit)
                continue;
            if (!(ks->allocbits[i / 32] & bit)) {
                if ((gc.debug & TERN_GC_ZOMBIE) && i < ks->freeindex)
                    zombie(v, (uintptr_t)&w[j], ks);
                continue;
            }
            *mw |= bit;
            marked += ks->elemsize;
            if (ks->kind == MM_KIND_NOSCAN)
                continue;
            if (top < lim) {
                *top++ = kbase + (uintptr_t)i * ks->elemsize;
            } else {
                gc.sp = (uint32_t)(top - bottom);
                overflow_locked(ks);
            }
        }
    }
    gc.sp = (uint32_t)(top - bottom);
    gc.heap_marked += marked;
    return bytes;
}

/* Work until budget (scan bytes) is spent or none is left.  The hottest
 * path is scan_small_locked's.  Then, other grey objects: one masked
 * section shades the last object's
 * pending pointers (at most SHADE_BATCH), retires it (busy, scan_work)
 * and pops the next one, with one span cache for all of it; the object
 * is then read unmasked.  An object is thus one masked section unless it
 * holds more than SHADE_BATCH heap pointers. */
int64_t gc_mark_work(int64_t budget)
{
    const int64_t start = budget;
    struct spancache c = SPANCACHE_EMPTY;
    struct shadebuf b = SHADEBUF_EMPTY;
    bool any = false, held = false;
    uint32_t n = 0;

    b.n = 0;
    for (;;) {
        unsigned long irq = arch_irq_save();

        if (c.cycle != gc_cycle) {
            c.size = 0;
            c.cycle = gc_cycle;
        }
        if (held) { /* the last object: its pointers, and it is done */
            if (b.n != 0)
                flush_locked(&b, &c);
            gc.busy--;
            gc.scan_work += n;
            budget -= n;
            any = true;
            held = false;
        }
        if (budget <= 0 || gc.phase != GC_MARK) {
            arch_irq_restore(irq);
            break;
        }
        if (gc.sp > 0 && (n = scan_small_locked(&c)) != 0) {
            gc.scan_work += n;
            arch_irq_restore(irq);
            budget -= n;
            any = true;
            continue;
        }
        if (gc.sp > 0) {
            uintptr_t e = gc.stk[--gc.sp];
            struct mspan *s = span_of(&c, e & ~(uintptr_t)1);
            gc.busy++;
            held = true;
            arch_irq_restore(irq);
            /* (s stays this span: nothing is swept while we hold busy) */
            n = s != NULL ? scan_entry(e, s, &b) : 0;
            continue;
        }
        if (gc.ovf != NULL) {
            struct mspan *s = gc.ovf;
            gc.ovf = s->gcnext;
            s->gcflags &= (uint8_t)~MSPAN_GC_OVERFLOW;
            gc.busy++;
            held = true;
            arch_irq_restore(irq);
            n = rescan_span(s, &b);
            continue;
        }
        if (!gc.roots_done && !gc.roots_busy) {
            gc.roots_busy = 1;
            gc.busy++;
            arch_irq_restore(irq);
            n = root_step(); /* shades all it finds before it returns */
            irq = arch_irq_save();
            gc.roots_busy = 0;
        } else if (gc.roots_done && !gc.fin_checked && gc.busy == 0) {
            /* The fixed point: what is white now stays white.  Queue
             * the finalizable white objects, a record a step (the
             * cursor is only moved masked, so no `busy` is needed). */
            if (gc_fin_check_step())
                gc.fin_checked = 1;
            gc.busy++; /* (balanced below) */
            n = 16;
        } else {
            arch_irq_restore(irq);
            break;
        }
        gc.busy--;
        gc.scan_work += n;
        arch_irq_restore(irq);
        budget -= n;
        any = true;
    }
    return any ? start - budget : 0;
}

bool gc_mark_done(void)
{
    return gc.phase == GC_MARK && gc.sp == 0 && gc.ovf == NULL &&
           gc.busy == 0 && gc.roots_done && gc.fin_checked;
}
