/*
 * gc/pool.c - pools of reusable objects (Go's sync.Pool) with a victim
 * cache.  See include/tern.h for the API, gc/gc.c for the cycle.
 *
 * A pool's objects sit in chunks (GC objects, scanned conservatively) of
 * CHUNK pointers: `local` is the chain get and put use; `victim` is what
 * the last collection took from `local`.  At every mark start (the
 * stop-the-world step, before any root is scanned) each listed pool's
 * victim chain is dropped and its local chain becomes the victim: an
 * object put back survives the next collection in the victim cache (so
 * a steady user never misses after a GC) and is freed by the one after,
 * unless get took it.  That step costs O(pools) with interrupts masked:
 * two stores per pool.
 *
 * get and put touch the chains with interrupts masked, O(1): one slot,
 * and at most one chunk unlinked or linked.  Stores of pointers into the
 * pool and its chunks go through the barrier (the pool is a root and its
 * chunks heap objects).  A put that needs a new chunk allocates it
 * unmasked first (the allocation may run a collection).
 */
#include <stdint.h>

#include "gc/gc.h"
#include "kernel/panic.h"
#include "mm/mheap.h"
#include "mm/mm.h"
#include "tern.h"

#define CHUNK 14 /* objects per chunk: 64 bytes on 32-bit */

struct chunk {
    struct chunk *next;
    uint32_t n;
    void *item[CHUNK];
};

static struct tern_pool *allpools TERN_PRIVATE;

static void check_context(const struct tern_pool *p)
{
    struct mspan *s;

    if (arch_in_isr())
        tern_panic("tern_pool in an interrupt handler");
    if (!p->listed && mm_object_base(p, &s) != NULL &&
        s->kind != MM_KIND_MANUAL)
        tern_panic("tern_pool: a pool inside a GC object (make it a "
                   "global, or malloc it)");
}

/* Masked. */
static void list_pool(struct tern_pool *p)
{
    if (!p->listed) {
        p->listed = true;
        p->next = allpools;
        allpools = p;
    }
}

/* Take an object from the chain at *head, or NULL.  Masked. */
static void *take(void **head)
{
    struct chunk *c = *head;
    void *x;

    while (c != NULL && c->n == 0) { /* drop empty chunks */
        tern_store(head, c->next);
        c = *head;
    }
    if (c == NULL)
        return NULL;
    x = c->item[--c->n];
    tern_store(&c->item[c->n], NULL);
    return x;
}

void *tern_pool_get(struct tern_pool *p)
{
    unsigned long irq;
    void *x;

    check_context(p);
    irq = arch_irq_save();
    list_pool(p);
    x = take(&p->local);
    if (x == NULL)
        x = take(&p->victim);
    arch_irq_restore(irq);
    if (x == NULL && p->new_fn != NULL)
        x = p->new_fn();
    return x;
}

void tern_pool_put(struct tern_pool *p, void *x)
{
    struct chunk *c, *fresh = NULL;
    unsigned long irq;

    if (x == NULL)
        return;
    check_context(p);
    for (;;) {
        irq = arch_irq_save();
        list_pool(p);
        c = p->local;
        if (c != NULL && c->n < CHUNK) {
            tern_store(&c->item[c->n], x);
            c->n++;
            arch_irq_restore(irq);
            return;
        }
        if (fresh != NULL) {
            tern_store(&fresh->next, c);
            tern_store(&p->local, fresh);
            tern_store(&fresh->item[0], x);
            fresh->n = 1;
            arch_irq_restore(irq);
            return;
        }
        arch_irq_restore(irq);
        fresh = tern_alloc_scan(sizeof *fresh);
    }
}

void tern_pool_destroy(struct tern_pool *p)
{
    unsigned long irq = arch_irq_save();

    for (struct tern_pool **pp = &allpools; *pp != NULL; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    p->listed = false;
    p->next = NULL;
    tern_store(&p->local, NULL);
    tern_store(&p->victim, NULL);
    arch_irq_restore(irq);
}

void gc_pools_rotate(void)
{
    for (struct tern_pool *p = allpools; p != NULL; p = p->next) {
        p->victim = p->local;
        p->local = NULL;
    }
}
