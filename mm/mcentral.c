/*
 * mm/mcentral.c - spans of each span class not held by an mcache.
 * See mm/mm.c for the overview.
 *
 * A span of a small class is always in exactly one place: an mcache
 * (list MSPAN_LIST_NONE), mcentral's partial list (it has free objects)
 * or mcentral's full list.  A span whose last object is freed while no
 * mcache holds it goes back to the page heap at once, so memory freed
 * with free() is reusable by every size class, not just its own.
 *
 * Sweep state (gc/sweep.c): a span whose sweepgen differs from
 * mm_sweepgen still holds the last cycle's garbage.  Every span pushed on
 * a list has been swept, so after a cycle flips mm_sweepgen the swept
 * spans gather at the heads: taking a partial span sweeps the head if it
 * is not swept yet (Go's lazy sweep), a bounded number of times; the
 * background sweeper reaches every other span.
 */
#include "mm/mcentral.h"

#include "mm/mheap.h"
#include "tern.h"

struct mcentral mcentral[MM_NUM_SPANCLASSES] TERN_PRIVATE;

static void push(struct mspan **head, struct mspan *s, uint8_t list)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
    s->list = list;
}

static void unlink(struct mspan **head, struct mspan *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
    s->list = MSPAN_LIST_NONE;
}

/* Objects of `size` bytes that fit a span of `bytes` with a type slot
 * each and, past 32 objects, the two bitmaps: at most `n` (the class's
 * count without type slots). */
static uint32_t scan_nelems(uint32_t bytes, uint32_t size, uint32_t n)
{
    uint32_t k = bytes / (size + (uint32_t)sizeof(void *));

    if (k > n)
        k = n;
    while (k > 0 && (uint64_t)k * (size + sizeof(void *)) +
                            (k > 32 ? 8u * ((k + 31) / 32) : 0) >
                        bytes)
        k--;
    return k;
}

/* Cut a fresh span for class sc: bitmaps at its end (or in the
 * descriptor), objects handed out by bumping freeindex; the page heap
 * cleared every other field.  O(bitmap words): at most 16 words each for
 * the smallest class (4 KiB pages), cleared inline. */
static struct mspan *grow(unsigned sc)
{
    unsigned cls = MM_SPANCLASS_CLASS(sc);
    struct mspan *s = mheap_alloc(mm_class_npages[cls], MSPAN_SMALL);
    uint32_t words;
    uintptr_t end;

    if (s == NULL)
        return NULL;
    s->spanclass = (uint8_t)sc;
    s->kind = (uint8_t)MM_SPANCLASS_KIND(sc);
    s->sizeclass = (uint8_t)cls;
    s->elemsize = mm_class_size[cls];
    s->divmul = mm_class_divmul[cls];
    s->nelems = mm_class_nelems[cls];
    if (s->kind == MM_KIND_SCAN) {
        /* one object that fills its span leaves no room for its type
         * slot: that one is kept in the descriptor, as a large object's */
        uint32_t k =
            scan_nelems(s->npages * MM_PAGE_SIZE, s->elemsize, s->nelems);
        s->nelems = (uint16_t)(k > 0 ? k : 1);
        if (k == 0)
            s->types = &s->type1;
    }
    end = s->base + (uintptr_t)s->npages * MM_PAGE_SIZE;
    if (s->nelems <= 32) {
        s->allocbits = &s->inline_bits[0]; /* cleared by mheap_alloc */
        s->markbits = &s->inline_bits[1];
    } else {
        words = (s->nelems + 31u) / 32u;
        end -= 2u * words * sizeof(uint32_t);
        s->allocbits = (uint32_t *)end;
        s->markbits = s->allocbits + words;
        for (uint32_t k = 0; k < 2u * words; k++)
            s->allocbits[k] = 0;
    }
    if (s->kind == MM_KIND_SCAN && s->types == NULL) {
        end -= (uintptr_t)s->nelems * sizeof(*s->types);
        s->types = (const struct tern_type **)end; /* each slot is written
                                                   * when its object is */
    }
    return s;
}

/* Lazy sweeps per mcentral_cache_span: keeps the slow path bounded. */
#define LAZY_SWEEPS 4

struct mspan *mcentral_cache_span(unsigned sc)
{
    struct mcentral *c = &mcentral[sc];
    struct mspan *s;

    for (int n = 0; (s = c->partial) != NULL; n++) {
        if (s->sweepgen == mm_sweepgen)
            break;
        if (n == LAZY_SWEEPS)
            return grow(sc);
        unlink(&c->partial, s);
        if (!mm_sweep_hook(s)) /* it held only garbage: back to the heap */
            continue;
        if (!mspan_full(s))
            return s;
        push(&c->full, s, MSPAN_LIST_FULL);
    }
    if (s != NULL) {
        unlink(&c->partial, s);
        return s;
    }
    return grow(sc);
}

void mcentral_uncache_span(struct mspan *s)
{
    struct mcentral *c = &mcentral[s->spanclass];

    if (s->nalloc == 0)
        mheap_free(s);
    else if (mspan_full(s))
        push(&c->full, s, MSPAN_LIST_FULL);
    else
        push(&c->partial, s, MSPAN_LIST_PARTIAL);
}

void mcentral_freed(struct mspan *s)
{
    struct mcentral *c = &mcentral[s->spanclass];

    if (s->list == MSPAN_LIST_NONE)
        return;                     /* an mcache holds it */
    if (s->sweepgen != mm_sweepgen) /* (a manual span: only its stamp) */
        s->sweepgen = mm_sweepgen;
    if (s->nalloc == 0) {
        unlink(s->list == MSPAN_LIST_FULL ? &c->full : &c->partial, s);
        mheap_free(s);
    } else if (s->list == MSPAN_LIST_FULL) {
        unlink(&c->full, s);
        push(&c->partial, s, MSPAN_LIST_PARTIAL);
    }
}
