/*
 * mm/stack.c - goroutine stacks from the page heap.
 * See mm/mm.c for the overview.
 *
 * A stack is a span of whole pages in state MSPAN_STACK.  Freed stacks
 * are kept in a pool (MM_STACKPOOL_MAX of them) and reused for a request
 * of the same page count, so spawning and exiting goroutines does not
 * churn the page heap; past that they go back to the mheap.  The pool is
 * searched linearly, but it is short and bounded.
 */
#include "mm/mheap.h"
#include "mm/mm_internal.h"
#include "tern.h"

#define MM_STACKPOOL_MAX 8

struct mm_stackpool stackpool TERN_PRIVATE;

static uint32_t pool_len(void)
{
    uint32_t n = 0;

    for (struct mspan *s = stackpool.spans; s; s = s->next)
        n++;
    return n;
}

static void *stack_alloc(size_t size);

void *mm_stack_alloc(size_t size)
{
    void *p = stack_alloc(size);

    if (p == NULL && mm_collect_hook != NULL && mm_collect_hook(size))
        p = stack_alloc(size);
    return p;
}

static void *stack_alloc(size_t size)
{
    uint32_t npages;
    unsigned long irq;
    struct mspan *s;

    if (size == 0 || size > (size_t)mheap.total_pages * MM_PAGE_SIZE)
        return NULL;
    npages = (uint32_t)((size + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE);
    irq = mm_lock();
    for (s = stackpool.spans; s; s = s->next)
        if (s->npages == npages)
            break;
    if (s != NULL) {
        if (s->prev)
            s->prev->next = s->next;
        else
            stackpool.spans = s->next;
        if (s->next)
            s->next->prev = s->prev;
        s->next = s->prev = NULL;
        s->list = MSPAN_LIST_NONE;
        stackpool.pages -= npages;
        s->nalloc = 1;
    } else {
        s = mheap_alloc(npages, MSPAN_STACK);
        if (s == NULL) {
            /* as an allocation does: free what the caches hold, retry */
            mm_release_caches_locked();
            s = mheap_alloc(npages, MSPAN_STACK);
        }
        if (s != NULL)
            s->nalloc = 1;
    }
    mm_unlock(irq);
    return s ? (void *)s->base : NULL;
}

void mm_stack_free(void *base)
{
    unsigned long irq = mm_lock();
    struct mspan *s = mheap_span_at((uintptr_t)base);

    if (s == NULL || s->state != MSPAN_STACK || s->base != (uintptr_t)base ||
        s->nalloc != 1) {
        mm_unlock(irq);
        tern_panic("mm_stack_free: not a stack in use");
    }
    s->nalloc = 0;
    if (pool_len() < MM_STACKPOOL_MAX) {
        s->prev = NULL;
        s->next = stackpool.spans;
        if (s->next)
            s->next->prev = s;
        stackpool.spans = s;
        s->list = MSPAN_LIST_STACKPOOL;
        stackpool.pages += s->npages;
    } else {
        mheap_free(s);
    }
    mm_unlock(irq);
}

void mm_stackpool_release(void)
{
    while (stackpool.spans != NULL) {
        struct mspan *s = stackpool.spans;
        stackpool.spans = s->next;
        s->next = s->prev = NULL;
        s->list = MSPAN_LIST_NONE;
        stackpool.pages -= s->npages;
        mheap_free(s);
    }
}
