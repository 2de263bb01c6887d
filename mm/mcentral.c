/*
 * mm/mcentral.c - spans of each span class not held by an mcache.
 * See mm/mm.c for the overview.
 *
 * A span of a small class is always in exactly one place: an mcache
 * (list MSPAN_LIST_NONE), mcentral's partial list (it has free objects)
 * or mcentral's full list.  A span whose last object is freed while no
 * mcache holds it stays on its partial list, as it is, if the empty-span
 * cache has room (a slot, and at most MCENTRAL_EMPTY_PAGES pages in all):
 * the next span of its class is then that one, with no page-heap work
 * (no list search, no split, no page map, no bitmaps to clear: its free
 * list and freeindex already describe every object as free), and the
 * free of its last object is O(1) too.  Past that bound it goes back to
 * the page heap at once, so memory freed with free() is reusable by every
 * size class, not just its own; and memory that is short drains the
 * cache, one span per step (mcentral_release_empty), before an allocation
 * fails.  Invariant (mcentral_verify, verify_small):
 *     s->emptyslot != 0  <=>  s on a partial list and s->nalloc == 0
 *                        <=>  mcentral_empty.spans[s->emptyslot - 1] == s
 *     mcentral_empty.pages = sum of npages over the cached spans
 * Rejected: a per-class list of empty spans (a word per span class: 372
 * bytes on the micro:bit, more than its RAM can spare) and coalescing
 * them in the background (nothing runs in the background of a program
 * that only mallocs; the cache's bound is what keeps pages reusable).
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
struct mcentral_empty mcentral_empty TERN_PRIVATE;

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

/* --- the empty-span cache ----------------------------------------------- */

static void empty_add(struct mspan *s)
{
    uint32_t i = mcentral_empty.n++;

    mcentral_empty.spans[i] = s;
    s->emptyslot = (uint16_t)(i + 1);
    mcentral_empty.pages += s->npages;
}

static void empty_remove(struct mspan *s)
{
    uint32_t i = s->emptyslot - 1u;
    struct mspan *last = mcentral_empty.spans[--mcentral_empty.n];

    mcentral_empty.spans[i] = last;
    last->emptyslot = (uint16_t)(i + 1);
    s->emptyslot = 0;
    mcentral_empty.pages -= s->npages;
}

static bool empty_room(const struct mspan *s)
{
    return mcentral_empty.n < MCENTRAL_EMPTY_MAX &&
           mcentral_empty.pages + s->npages <= MCENTRAL_EMPTY_PAGES;
}

/* Span s, on no list, has no object allocated: cache it, or give it back
 * to the page heap. */
static void emptied(struct mcentral *c, struct mspan *s)
{
    if (empty_room(s)) {
        push(&c->partial, s, MSPAN_LIST_PARTIAL);
        empty_add(s);
    } else {
        mheap_free(s);
    }
}

bool mcentral_release_empty(void)
{
    struct mspan *s;

    if (mcentral_empty.n == 0)
        return false;
    s = mcentral_empty.spans[mcentral_empty.n - 1];
    empty_remove(s);
    unlink(&mcentral[s->spanclass].partial, s);
    mheap_free(s);
    return true;
}

const char *mcentral_verify(void)
{
    uint32_t pages = 0;

    if (mcentral_empty.n > MCENTRAL_EMPTY_MAX)
        return "empty-span cache over its bound";
    for (uint32_t i = 0; i < mcentral_empty.n; i++) {
        const struct mspan *s = mcentral_empty.spans[i];
        if (s->emptyslot != i + 1 || s->state != MSPAN_SMALL ||
            s->list != MSPAN_LIST_PARTIAL || s->nalloc != 0)
            return "empty-span cache holds a span that is not empty and "
                   "partial, or the wrong slot";
        pages += s->npages;
    }
    if (pages != mcentral_empty.pages)
        return "empty-span cache page count differs from its spans";
    if (pages > MCENTRAL_EMPTY_PAGES)
        return "empty-span cache over its page bound";
    return NULL;
}

/* Take s off c's partial list, for an mcache. */
static void take(struct mcentral *c, struct mspan *s)
{
    unlink(&c->partial, s);
    if (s->emptyslot != 0)
        empty_remove(s);
}

/* --- spans for the mcache ------------------------------------------------ */

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

/* Cut a fresh span for class sc from the page heap: bitmaps
 * at its end (or in the descriptor), objects handed out by bumping
 * freeindex; mheap_alloc cleared every other field.
 * O(bitmap words): at most 16 words each for the smallest class (4 KiB
 * pages), cleared inline. */
static struct mspan *grow(unsigned sc)
{
    unsigned cls = MM_SPANCLASS_CLASS(sc);
    unsigned kind = MM_SPANCLASS_KIND(sc);
    struct mspan *s = mheap_alloc(mm_class_npages[cls], MSPAN_SMALL);
    uint32_t words, nelems = mm_class_nelems[cls];
    uintptr_t end;

    if (s == NULL)
        return NULL;
    s->spanclass = (uint8_t)sc;
    s->kind = (uint8_t)kind;
    s->sizeclass = (uint8_t)cls;
    s->elemsize = mm_class_size[cls];
    s->divmul = mm_class_divmul[cls];
    if (kind == MM_KIND_SCAN) {
        /* one object that fills its span leaves no room for its type
         * slot: that one is kept in the descriptor, as a large object's */
        uint32_t k = scan_nelems(s->npages * MM_PAGE_SIZE, s->elemsize, nelems);
        nelems = k > 0 ? k : 1;
        if (k == 0)
            s->types = &s->type1;
    }
    s->nelems = (uint16_t)nelems;
    end = s->base + (uintptr_t)s->npages * MM_PAGE_SIZE;
    if (nelems <= 32) {
        s->allocbits = &s->inline_bits[0];
        s->markbits = &s->inline_bits[1];
    } else {
        words = (nelems + 31u) / 32u;
        end -= 2u * words * sizeof(uint32_t);
        s->allocbits = (uint32_t *)end;
        s->markbits = s->allocbits + words;
        for (uint32_t k = 0; k < 2u * words; k++)
            s->allocbits[k] = 0;
    }
    if (kind == MM_KIND_SCAN && s->types == NULL) {
        end -= (uintptr_t)nelems * sizeof(*s->types);
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
        take(c, s);
        if (!mm_sweep_hook(s)) /* it held only garbage: back to the heap */
            continue;
        if (!mspan_full(s))
            return s;
        push(&c->full, s, MSPAN_LIST_FULL);
    }
    if (s != NULL) {
        take(c, s);
        return s;
    }
    return grow(sc);
}

void mcentral_uncache_span(struct mspan *s)
{
    struct mcentral *c = &mcentral[s->spanclass];

    if (s->nalloc == 0)
        emptied(c, s);
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
        if (s->list == MSPAN_LIST_PARTIAL && empty_room(s)) {
            empty_add(s); /* it stays where it is */
            return;
        }
        unlink(s->list == MSPAN_LIST_FULL ? &c->full : &c->partial, s);
        emptied(c, s);
    } else if (s->list == MSPAN_LIST_FULL) {
        unlink(&c->full, s);
        push(&c->partial, s, MSPAN_LIST_PARTIAL);
    }
}
