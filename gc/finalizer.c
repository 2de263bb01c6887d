/*
 * gc/finalizer.c - finalizers (Go's runtime.SetFinalizer).  See gc/gc.c
 * for the cycle.
 *
 * tern_set_finalizer(obj, fn) records (obj, fn) in a record allocated as
 * manual memory.  Manual memory is scanned as a root, so the record keeps
 * obj's address hidden (complemented: never a heap address) while obj is
 * registered, else the record would keep obj alive forever.
 *
 * In a cycle (gc/mark.c drives both steps):
 *   1. A root step per record scans the object's fields - not the object
 *      itself - so that everything it points to survives this cycle: its
 *      finalizer may use it.  A record added while marking shades its
 *      object instead (it is reachable then: the caller holds it).
 *   2. When marking reaches its fixed point (no grey object, every root
 *      and stack done) every white object is unreachable for good: the
 *      hybrid barrier and black allocation let no mutator reach it again.
 *      A check step per record then takes each record whose object is
 *      white off the list, marks the object (resurrection: it lives until
 *      its finalizer has run), un-hides its address and queues it.
 * After a cycle with finalizers queued, the goroutine that finished it
 * starts the finalizer goroutine (a system goroutine; it exits when the
 * queue is empty), which runs each queued fn(obj) once and frees the
 * record; if fn did not store obj anywhere, the next cycle
 * frees obj.  Finalizers run one at a time, in no promised order; one
 * that blocks delays the rest (as in Go).
 *
 * As in Go, an object in a cycle of finalizable objects is never freed
 * (each keeps the next alive through step 1), and a finalizer runs at most
 * once: it is removed when it is queued; setting it again re-arms it.
 *
 * Costs: tern_set_finalizer looks for an existing record, O(finalizers)
 * with interrupts masked; finalizers are meant for a few long-lived
 * resources (as in Go).  The GC's steps are one record each.
 */
#include <stddef.h>
#include <stdint.h>

#include "gc/gc.h"
#include "kernel/panic.h"
#include "mm/mheap.h"
#include "mm/mm.h"
#include "sched/sched.h"
#include "tern.h"

#ifndef TERN_GC_STACKSIZE
#define TERN_GC_STACKSIZE 2048
#endif

struct finrec {
    struct finrec *prev, *next;
    uintptr_t obj; /* ~obj while registered, obj once queued */
    void (*fn)(void *obj);
};

/* All interrupts masked. */
static struct {
    struct finrec *list;  /* registered */
    struct finrec *queue; /* to run, newest first */
    struct finrec *cur;   /* the cursor of a step walk */
    struct g *g;          /* the finalizer goroutine, while it runs */
} fin TERN_PRIVATE;

static inline uintptr_t hide(const void *p)
{
    return ~(uintptr_t)p;
}

static void unlink_rec(struct finrec *r)
{
    if (fin.cur == r)
        fin.cur = r->next;
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        fin.list = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
}

uint32_t gc_fin_run(void)
{
    uint32_t n = 0;

    for (;;) {
        unsigned long irq = arch_irq_save();
        struct finrec *r = fin.queue;

        if (r == NULL) {
            arch_irq_restore(irq);
            return n;
        }
        fin.queue = r->next;
        arch_irq_restore(irq);
        r->fn((void *)r->obj); /* r (manual memory) keeps obj meanwhile */
        mm_free(r);
        n++;
    }
}

/* The finalizer goroutine: runs what is queued, and exits when nothing
 * is (its stack goes back to the heap: the microbit cannot keep one). */
static void fin_fn(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned long irq;

        gc_fin_run();
        irq = arch_irq_save();
        if (fin.queue == NULL) {
            fin.g = NULL;
            arch_irq_restore(irq);
            return;
        }
        arch_irq_restore(irq);
    }
}

const char *gc_fin_name(void (*fn)(void *))
{
    return fn == fin_fn ? "finalizer" : NULL;
}

void gc_fin_start(void)
{
    static bool starting TERN_PRIVATE;
    unsigned long irq = arch_irq_save();
    struct g *gp;

    if (fin.queue == NULL || fin.g != NULL || starting || m0.curg == NULL ||
        arch_in_isr()) {
        arch_irq_restore(irq);
        return;
    }
    starting = true; /* (the stack's allocation may collect) */
    arch_irq_restore(irq);
    /* (system 2: it runs finalizers, so its stack is a root) */
    gp = sched_go_system(fin_fn, NULL, TERN_GC_STACKSIZE, 2);
    irq = arch_irq_save();
    if (fin.g == NULL)
        fin.g = gp; /* NULL if memory was short: the next cycle retries */
    starting = false;
    arch_irq_restore(irq);
}

int tern_set_finalizer(void *obj, void (*fn)(void *obj))
{
    struct finrec *r, *found = NULL;
    struct mspan *s;
    unsigned long irq;

    if (arch_in_isr())
        tern_panic("tern_set_finalizer in an interrupt handler");
    if (obj == NULL || mm_object_base(obj, &s) != obj ||
        s->kind == MM_KIND_MANUAL)
        tern_panic("tern_set_finalizer: pointer not at the start of an "
                   "object from tern_alloc");
    r = fn != NULL ? mm_alloc(sizeof *r, MM_KIND_MANUAL, MM_ZERO) : NULL;
    if (fn != NULL && r == NULL)
        return -1;

    irq = arch_irq_save();
    for (struct finrec *q = fin.list; q != NULL; q = q->next)
        if (q->obj == hide(obj)) {
            found = q;
            break;
        }
    if (found != NULL && fn != NULL) {
        arch_irq_restore(irq);
        mm_free(r);
        tern_panic("tern_set_finalizer: finalizer already set");
    }
    if (found != NULL)
        unlink_rec(found);
    if (fn != NULL) {
        r->obj = hide(obj);
        r->fn = fn;
        r->next = fin.list;
        if (fin.list != NULL)
            fin.list->prev = r;
        fin.list = r;
        if (gc_barrier_on) /* marking: step 1 may have passed it */
            gc_shade(obj);
    }
    arch_irq_restore(irq);
    if (found != NULL)
        mm_free(found);
    return 0;
}

void gc_fin_reset(void)
{
    fin.cur = fin.list; /* masked: mark start */
}

uint32_t gc_fin_root_step(bool *end)
{
    unsigned long irq = arch_irq_save();
    struct finrec *r = fin.cur;
    uintptr_t obj;

    if (r == NULL) {
        fin.cur = fin.list; /* for the check walk */
        arch_irq_restore(irq);
        *end = true;
        return 0;
    }
    fin.cur = r->next;
    obj = ~r->obj;
    arch_irq_restore(irq);
    /* obj stays allocated while marking (nothing is swept), even if its
     * record goes meanwhile. */
    return gc_scan_fields(obj);
}

bool gc_fin_check_step(void)
{
    unsigned long irq = arch_irq_save();
    struct finrec *r = fin.cur;
    uintptr_t obj;

    if (r == NULL) {
        arch_irq_restore(irq);
        return true;
    }
    fin.cur = r->next;
    obj = ~r->obj;
    if (!gc_marked(obj)) {
        unlink_rec(r);
        r->obj = obj;
        r->next = fin.queue;
        fin.queue = r;
        gc_shade((void *)obj);
    }
    arch_irq_restore(irq);
    return false;
}

uint32_t gc_fin_count(uint32_t *queued)
{
    unsigned long irq = arch_irq_save();
    uint32_t n = 0, q = 0;

    for (struct finrec *r = fin.list; r != NULL; r = r->next)
        n++;
    for (struct finrec *r = fin.queue; r != NULL; r = r->next)
        q++;
    arch_irq_restore(irq);
    if (queued != NULL)
        *queued = q;
    return n;
}
