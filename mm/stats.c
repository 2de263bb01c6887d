/*
 * mm/stats.c - statistics, object enumeration and the verifier.
 * See mm/mm.c for the overview and the invariants.
 */
#include <string.h>

#include "mm/mcentral.h"
#include "mm/mheap.h"
#include "mm/mm_internal.h"

void mm_read_stats(struct mm_stats *st)
{
    unsigned long irq = mm_lock();

    memset(st, 0, sizeof *st);
    st->mallocs = mmc.tiny_allocs;
    st->total_alloc = mmc.large_total;
    st->heap_alloc = mmc.large_bytes;
    for (unsigned c = 0; c < MM_NUM_CLASSES; c++) {
        uint64_t m = mm_mallocs(c), f = mm_frees(c);

        st->mallocs += m;
        st->frees += f;
        if (c > 0) {
            st->total_alloc += m * mm_class_size[c];
            st->heap_alloc += (m - f) * mm_class_size[c];
        }
    }
    st->heap_objects = st->mallocs - st->frees;
    /* Emptied spans parked for reuse (mcentral's empty-span cache) hold no
     * object and go back to the page heap on demand: idle, as the stack
     * pool's stacks are not in use. */
    st->heap_inuse =
        (uint64_t)(mheap.pages[MSPAN_SMALL] + mheap.pages[MSPAN_LARGE] -
                   mcentral_empty.pages) *
        MM_PAGE_SIZE;
    st->heap_idle = (uint64_t)(mheap.pages[MSPAN_FREE] + mcentral_empty.pages) *
                    MM_PAGE_SIZE;
    st->heap_sys = st->heap_inuse + st->heap_idle;
    st->heap_released = 0;
    st->stack_sys = (uint64_t)mheap.pages[MSPAN_STACK] * MM_PAGE_SIZE;
    st->stack_inuse = st->stack_sys - (uint64_t)stackpool.pages * MM_PAGE_SIZE;
    st->mspan_inuse = (uint64_t)mheap.desc_inuse * sizeof(struct mspan);
    st->mspan_sys = (uint64_t)mheap.desc_pages * MM_PAGE_SIZE;
    st->mcache_inuse = sizeof(struct mcache);
    st->other_sys = (uint64_t)mheap.map_pages * MM_PAGE_SIZE + sizeof(mcentral);
    st->largest_free = (uint64_t)mheap_largest_free() * MM_PAGE_SIZE;
    st->min_free = (uint64_t)mheap.min_free_pages * MM_PAGE_SIZE;
    st->fragmentation =
        st->heap_idle ? (st->heap_idle - st->largest_free) * 100 / st->heap_idle
                      : 0;
    mm_unlock(irq);
}

void mm_read_footprint(uint64_t *heap_inuse, uint64_t *other)
{
    unsigned long irq = mm_lock();

    *heap_inuse = (uint64_t)(mheap.pages[MSPAN_SMALL] +
                             mheap.pages[MSPAN_LARGE] - mcentral_empty.pages) *
                  MM_PAGE_SIZE; /* as mm_read_stats counts it */
    *other = (uint64_t)(mheap.pages[MSPAN_STACK] + mheap.desc_pages +
                        mheap.map_pages) *
                 MM_PAGE_SIZE +
             sizeof(mcentral);
    mm_unlock(irq);
}

void mm_read_class_stats(unsigned cls, uint64_t *mallocs, uint64_t *frees)
{
    unsigned long irq = mm_lock();

    *mallocs = cls < MM_NUM_CLASSES ? mm_mallocs(cls) : 0;
    *frees = cls < MM_NUM_CLASSES ? mm_frees(cls) : 0;
    mm_unlock(irq);
}

/* Every span of every region, in address order.  Lock held. */
#define FOR_EACH_SPAN(s)                                                       \
    for (int ri_ = 0; ri_ < mheap.nregions; ri_++)                             \
        for (uint32_t p_ = 0; p_ < mheap.regions[ri_].npages;                  \
             p_ += mheap.regions[ri_].map[p_]->npages)                         \
            for (struct mspan *s = mheap.regions[ri_].map[p_]; s != NULL;      \
                 s = NULL)

void mm_for_each_object(void (*fn)(void *base, size_t size, unsigned kind,
                                   void *arg),
                        void *arg)
{
    unsigned long irq = mm_lock();

    FOR_EACH_SPAN(s)
    {
        if (s->state == MSPAN_LARGE) {
            fn((void *)s->base, s->elemsize, s->kind, arg);
        } else if (s->state == MSPAN_SMALL) {
            for (uint32_t i = 0; i < s->nelems; i++)
                if (mm_bit(s->allocbits, i))
                    fn((void *)(s->base + (uintptr_t)i * s->elemsize),
                       s->elemsize, s->kind, arg);
        }
    }
    mm_unlock(irq);
}

static const char *verify_small(const struct mspan *s)
{
    uint32_t set = 0, listed = 0;

    if (s->nelems == 0 || s->nalloc > s->nelems || s->freeindex > s->nelems)
        return "small span counts out of range";
    if (s->elemsize != mm_class_size[MM_SPANCLASS_CLASS(s->spanclass)])
        return "small span element size is not its class size";
    if ((s->kind == MM_KIND_SCAN) != (s->types != NULL))
        return "scan span without type slots, or another with them";
    if (s->types != NULL && s->types != &s->type1 &&
        ((uintptr_t)s->types < s->base + (uintptr_t)s->nelems * s->elemsize ||
         (uintptr_t)(s->types + s->nelems) >
             s->base + (uintptr_t)s->npages * MM_PAGE_SIZE))
        return "type slots overlap the objects or leave the span";
    if (s->types == &s->type1 && s->nelems != 1)
        return "a descriptor's type slot for more than one object";
    for (uint32_t i = 0; i < s->nelems; i++)
        if (mm_bit(s->allocbits, i)) {
            set++;
            if (i >= s->freeindex)
                return "object allocated past freeindex";
        }
    if (set != s->nalloc)
        return "span nalloc differs from its alloc bits";
    for (void *p = s->freelist; p != NULL; p = *(void **)p) {
        uint32_t i = mm_object_index(s, (uintptr_t)p);
        if (i >= s->freeindex ||
            (uintptr_t)p != s->base + (uintptr_t)i * s->elemsize)
            return "free-list entry not an object boundary below freeindex";
        if (mm_bit(s->allocbits, i))
            return "free-list entry marked allocated";
        if (++listed > s->nelems)
            return "free list longer than the span (cycle)";
    }
    if (listed + (s->nelems - s->freeindex) + s->nalloc != s->nelems)
        return "free list + unused + allocated != objects";
    if (s->list != MSPAN_LIST_PARTIAL && s->emptyslot != 0)
        return "span in the empty-span cache off its partial list";
    switch (s->list) {
    case MSPAN_LIST_NONE:
        if (mcache0.alloc[s->spanclass] != s)
            return "uncached span on no list";
        break;
    case MSPAN_LIST_PARTIAL:
        if (mspan_full(s))
            return "span on the partial list is full";
        if ((s->nalloc == 0) != (s->emptyslot != 0))
            return "empty span on the partial list not in the empty-span "
                   "cache, or a cached one in use";
        break;
    case MSPAN_LIST_FULL:
        if (!mspan_full(s))
            return "span on the full list has free objects";
        break;
    default:
        return "small span on a foreign list";
    }
    return NULL;
}

const char *mm_verify(void)
{
    unsigned long irq = mm_lock();
    uint64_t bytes = 0, objects = 0, pooled = 0;
    const char *err = mheap_verify();

    if (err == NULL)
        err = mcentral_verify();
    if (err != NULL)
        goto out;
    FOR_EACH_SPAN(s)
    {
        if (s->state == MSPAN_SMALL) {
            err = verify_small(s);
            if (err != NULL)
                goto out;
            bytes += (uint64_t)s->nalloc * s->elemsize;
            objects += s->nalloc;
        } else if (s->state == MSPAN_LARGE) {
            if (s->nalloc != 1 || s->inline_bits[0] != 1)
                err = "large span without its object";
            if (err != NULL)
                goto out;
            bytes += (uint64_t)s->npages * MM_PAGE_SIZE;
            objects++;
        } else if (s->state == MSPAN_STACK && s->list == MSPAN_LIST_STACKPOOL) {
            pooled += s->npages;
        }
    }
    for (unsigned sc = 0; sc < MM_NUM_SPANCLASSES; sc++) {
        for (struct mspan *s = mcentral[sc].partial; s; s = s->next)
            if (s->spanclass != sc || s->list != MSPAN_LIST_PARTIAL)
                err = "mcentral partial list holds a stranger";
        for (struct mspan *s = mcentral[sc].full; s; s = s->next)
            if (s->spanclass != sc || s->list != MSPAN_LIST_FULL)
                err = "mcentral full list holds a stranger";
        if (mcache0.alloc[sc] && (mcache0.alloc[sc]->state != MSPAN_SMALL ||
                                  mcache0.alloc[sc]->spanclass != sc))
            err = "mcache holds a span of another class";
        if (err != NULL)
            goto out;
    }
    {
        uint64_t alloc = mmc.large_bytes, live = 0;
        for (unsigned c = 0; c < MM_NUM_CLASSES; c++) {
            live += mm_mallocs(c) - mm_frees(c);
            if (c > 0)
                alloc += (mm_mallocs(c) - mm_frees(c)) * mm_class_size[c];
        }
        if (bytes != alloc)
            err = "heap_alloc differs from the recount";
        else if (objects != live)
            err = "live objects differ from the recount";
    }
    if (err == NULL && pooled != stackpool.pages)
        err = "stack pool pages differ from the recount";
out:
    mm_unlock(irq);
    return err;
}
