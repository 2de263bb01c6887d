/*
 * gc/mark.c - marking: shading, the grey work list, scanning objects and
 * roots.  See gc/gc.c for the cycle and the invariants.
 *
 * The work list is a stack of grey object bases of fixed size (gc.cap
 * entries, runtime-private).  When it is full, the object is still marked
 * and its span goes on the overflow list (once: MSPAN_GC_OVERFLOW); when
 * the stack runs dry, an overflowed span is rescanned: every marked object
 * in it is scanned again.  A span goes on the list only when one of its
 * objects is newly marked, and every object is newly marked once a cycle,
 * so rescans number at most the live objects and each costs one span's
 * objects (a constant of the size-class table): marking stays O(live),
 * however small the stack, and never rescans the heap.
 *
 * A work unit scans at most SCAN_PIECE bytes of an object: the rest of a
 * big one goes back on the stack as a continuation (its next address,
 * tagged with bit 0), so an assist or a worker turn is bounded however
 * big the array.  A continuation that finds the stack full overflows
 * its span like an object does (the rescan then takes the object whole).
 *
 * Concurrency (one core, preemptive): every change to mark bits, the grey
 * stack, the overflow list and `busy` happens with interrupts masked, one
 * object's shade at a time.  Scanning reads object memory unmasked: a
 * mutator storing into an object being scanned goes through the barrier,
 * which shades both the old and the new pointer, so whichever the scan
 * reads, both are marked.  `busy` counts scans in progress so that mark
 * termination cannot run while a preempted scanner still holds an object
 * it has popped.
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
#define CHUNK_WORDS 64

/* Registered roots (tern_gc_add_root). */
#define GC_MAX_ROOTS 8
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

/* Grey the object holding p: mark it, and queue it unless it is noscan.
 * slot != 0: p was read from a typed pointer field there (the zombie
 * check applies).  Masked. */
static void shade_locked(uintptr_t p, uintptr_t slot)
{
    struct mspan *s = mheap_span_at(p);
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
    if (!mm_bit(s->allocbits, i)) {
        if (slot != 0 && (gc.debug & TERN_GC_ZOMBIE) && i < s->freeindex)
            zombie(p, slot, s);
        return;
    }
    w = &s->markbits[i / 32];
    bit = 1u << (i % 32);
    if (*w & bit)
        return;
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
    gc.overflows++;
    if (!(s->gcflags & MSPAN_GC_OVERFLOW)) {
        s->gcflags |= MSPAN_GC_OVERFLOW;
        s->gcnext = gc.ovf;
        gc.ovf = s;
    }
}

void gc_shade(const void *p)
{
    if (in_heap((uintptr_t)p))
        shade_locked((uintptr_t)p, 0);
}

void gc_shade_range(const void *p, size_t n)
{
    const uintptr_t *w = p;

    if (((uintptr_t)p & (sizeof(uintptr_t) - 1)) != 0)
        return; /* no aligned pointer can be inside */
    for (size_t k = 0; k < n / sizeof(uintptr_t); k++)
        if (in_heap(w[k]))
            shade_locked(w[k], 0);
}

/* Scan [lo, hi) conservatively: every aligned word that points into the
 * heap is a candidate.  Words are shaded one masked section each; the
 * memory must stay readable (a GC object during marking, a global). */
__attribute__((no_sanitize_address)) void gc_scan_conservative(const void *lo,
                                                               const void *hi)
{
    uintptr_t a = ((uintptr_t)lo + sizeof(uintptr_t) - 1) &
                  ~(uintptr_t)(sizeof(uintptr_t) - 1);

    for (const uintptr_t *w = (const uintptr_t *)a; (const void *)w < hi; w++) {
        uintptr_t v = *w;
        if (in_heap(v)) {
            unsigned long s = arch_irq_save();
            shade_locked(v, 0);
            arch_irq_restore(s);
        }
    }
}

/* Bytes of one object scanned per work unit: a big object (a large
 * array) is scanned a piece at a time, the rest queued as a continuation
 * (its address | 1 on the grey stack), so that no assist or worker turn
 * holds the CPU for a whole object however big. */
#define SCAN_PIECE 1024

/* Scan the object at base (grey -> black) from byte `from`, at most
 * about SCAN_PIECE bytes (whole elements of its type).  Returns bytes
 * scanned; *rest is the offset to go on from, 0 when done. */
static uint32_t scan_piece(uintptr_t base, size_t from, size_t *rest)
{
    struct mspan *s = mheap_span_at(base);
    const struct tern_type *t;
    size_t size, end;

    *rest = 0;
    if (s == NULL)
        return 0;
    if (s->state == MSPAN_LARGE) {
        size = s->elemsize;
        t = s->type1;
    } else {
        size = s->elemsize;
        t = mm_object_type(s, mm_object_index(s, base));
    }
    end = size - from > SCAN_PIECE ? from + SCAN_PIECE : size;
    if (t != NULL && end < size) { /* whole elements */
        end = (end + t->size - 1) / t->size * t->size;
        if (end > size)
            end = size;
    }
    if (end < size)
        *rest = end;
    if (t == NULL) {
        gc_scan_conservative((void *)(base + from), (void *)(base + end));
        return (uint32_t)(end - from);
    }
    for (size_t e = from; e + t->size <= end; e += t->size) {
        const uintptr_t *w = (const uintptr_t *)(base + e);
        size_t nw = t->size / sizeof(uintptr_t);

        for (size_t k = 0; k < nw; k += 32) {
            uint32_t m = t->ptrmask[k / 32];
            while (m != 0) {
                size_t j = k + (size_t)__builtin_ctz(m);
                uintptr_t v = w[j];
                m &= m - 1;
                if (in_heap(v)) {
                    unsigned long irq = arch_irq_save();
                    shade_locked(v, (uintptr_t)&w[j]);
                    arch_irq_restore(irq);
                }
            }
        }
    }
    return (uint32_t)(end - from);
}

/* The whole object (a rescan, a finalizable object's fields). */
static uint32_t scan_object(uintptr_t base)
{
    uint32_t n = 0;
    size_t off = 0;

    do
        n += scan_piece(base, off, &off);
    while (off != 0);
    return n;
}

/* Scan a grey-stack entry: an object, or a continuation (address | 1)
 * of one; queue what is left of it.  Returns bytes scanned. */
static uint32_t scan_entry(uintptr_t e)
{
    uintptr_t base = e, addr = e & ~(uintptr_t)1;
    size_t rest;
    uint32_t n;

    if (e & 1) {
        struct mspan *s = mheap_span_at(addr);
        base =
            s->state == MSPAN_LARGE
                ? s->base
                : s->base + (uintptr_t)mm_object_index(s, addr) * s->elemsize;
    }
    n = scan_piece(base, addr - base, &rest);
    if (rest != 0) {
        unsigned long irq = arch_irq_save();
        if (gc.sp < gc.cap) {
            gc.stk[gc.sp++] = (base + rest) | 1;
        } else { /* no room: the span is rescanned, objects whole */
            struct mspan *s = mheap_span_at(base);
            gc.overflows++;
            if (!(s->gcflags & MSPAN_GC_OVERFLOW)) {
                s->gcflags |= MSPAN_GC_OVERFLOW;
                s->gcnext = gc.ovf;
                gc.ovf = s;
            }
        }
        arch_irq_restore(irq);
    }
    return n;
}

uint32_t gc_scan_fields(uintptr_t base)
{
    return scan_object(base);
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
static uint32_t rescan_span(struct mspan *s)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < s->nelems; i++)
        if (mm_bit(s->markbits, i))
            n += scan_object(s->base + (uintptr_t)i * s->elemsize);
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

/* One malloc'd object of span s (object i), conservatively, a chunk per
 * masked section, each after checking that the object is still there: a
 * block freed meanwhile may have become a guarded stack. */
static uint32_t scan_manual_object(struct mspan *s, uint32_t i, uintptr_t base,
                                   uintptr_t size)
{
    uint32_t work = 0;

    for (uintptr_t a = base; a < base + size;
         a += CHUNK_WORDS * sizeof(uintptr_t)) {
        uintptr_t b = base + size - a > CHUNK_WORDS * sizeof(uintptr_t)
                          ? a + CHUNK_WORDS * sizeof(uintptr_t)
                          : base + size;
        unsigned long irq = arch_irq_save();

        if (mheap_span_at(a) != s || s->kind != MM_KIND_MANUAL ||
            (s->state != MSPAN_SMALL && s->state != MSPAN_LARGE) ||
            !mm_bit(s->allocbits, i)) {
            arch_irq_restore(irq);
            break;
        }
        for (const uintptr_t *w = (const uintptr_t *)a; (uintptr_t)w < b; w++)
            if (in_heap(*w))
                shade_locked(*w, 0);
        arch_irq_restore(irq);
        work += (uint32_t)(b - a);
    }
    return work;
}

/* The page walk over malloc'd spans: one span per call.  True at the end. */
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
    gc.root_pos = page + npages;
    if (state == MSPAN_FREE)
        return false;
    for (uint32_t i = 0; i < nelems; i++)
        *work +=
            scan_manual_object(s, i, addr + (uintptr_t)i * elemsize, elemsize);
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
    gc.root_g = NULL;
    gc.stacks_bytes = gc.globals_bytes = 0;
}

/* Set the grey stack's room (tests: a tiny stack forces overflows);
 * 0 restores the full size. */
void gc_set_stack_room(uint32_t n)
{
    gc.cap = n == 0 || n > TERN_GC_STACK ? TERN_GC_STACK : n;
}

bool gc_mark_work(int64_t budget)
{
    bool any = false;

    while (budget > 0) {
        unsigned long irq = arch_irq_save();
        uint32_t n;

        if (gc.phase != GC_MARK) {
            arch_irq_restore(irq);
            break;
        }
        if (gc.sp > 0) {
            uintptr_t base = gc.stk[--gc.sp];
            gc.busy++;
            arch_irq_restore(irq);
            n = scan_entry(base);
        } else if (gc.ovf != NULL) {
            struct mspan *s = gc.ovf;
            gc.ovf = s->gcnext;
            s->gcflags &= (uint8_t)~MSPAN_GC_OVERFLOW;
            gc.busy++;
            arch_irq_restore(irq);
            n = rescan_span(s);
        } else if (!gc.roots_done && !gc.roots_busy) {
            gc.roots_busy = 1;
            gc.busy++;
            arch_irq_restore(irq);
            n = root_step();
            irq = arch_irq_save();
            gc.roots_busy = 0;
            arch_irq_restore(irq);
        } else if (gc.roots_done && !gc.fin_checked && gc.busy == 0) {
            /* The fixed point: what is white now stays white.  Queue
             * the finalizable white objects, a record a step (the
             * cursor is only moved masked, so no `busy` is needed). */
            if (gc_fin_check_step())
                gc.fin_checked = 1;
            gc.busy++; /* (balanced below) */
            arch_irq_restore(irq);
            n = 16;
        } else {
            arch_irq_restore(irq);
            break;
        }
        irq = arch_irq_save();
        gc.busy--;
        gc.scan_work += n;
        arch_irq_restore(irq);
        budget -= n;
        any = true;
    }
    return any;
}

bool gc_mark_done(void)
{
    return gc.phase == GC_MARK && gc.sp == 0 && gc.ovf == NULL &&
           gc.busy == 0 && gc.roots_done && gc.fin_checked;
}
