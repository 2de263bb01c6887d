/*
 * mm/mheap.c - the page heap: regions cut into pages, runs of pages
 * (spans), free runs found in O(1) and coalesced on free.
 * See mm/mm.c for the overview.
 *
 * Page map.  Each region starts with its page map: one span pointer per
 * page.  Invariants (mheap_verify checks them):
 *   - every page of an in-use span (SMALL, LARGE, STACK, META) maps to it,
 *     so any interior pointer finds its span in O(1);
 *   - the first and last page of a free span map to it (its interior
 *     pages may hold stale pointers: a lookup checks that the span it finds
 *     covers the page, and free spans are never object spans);
 *   - no two free spans are adjacent (they are coalesced on free).
 *
 * Free lists.  Free spans are kept on two-level segregated lists indexed
 * by run length, as TLSF does for bytes: the first level is the run
 * length's highest set bit, the second the next MHEAP_SL_BITS bits.  A
 * request is rounded up to the next list boundary, so every span on the
 * first non-empty list at or above it is long enough; two bitmaps find that
 * list with two find-first-set instructions.  Allocation and free are O(1)
 * whatever the number of free spans (no walk: the bound BENCH.md's
 * alloc.holes figures test).  The price is that a run a little longer than
 * the request may be skipped for a longer one (good-fit, not best-fit).
 *
 * Span descriptors come from metadata pages (MSPAN_META spans), one page
 * at a time, and are recycled on a free list; each region's first
 * descriptor page sits right after its page map, and more are reserved at
 * boot: all that can ever be needed where that costs at most 1/32 of the
 * region (4 KiB pages), 1/32 of the region otherwise.  Past the reserve a
 * new descriptor page is taken right after the region's metadata if that
 * page is free, else wherever a free page is; such pages never return, so
 * on small pages (512 B) a heap that once filled with small spans keeps a
 * few metadata islands that limit its longest free run afterwards.
 */
#include "mm/mheap.h"

#include <string.h>

#include "tern.h"

struct mheap mheap TERN_PRIVATE;

_Static_assert((MM_PAGE_SIZE & (MM_PAGE_SIZE - 1)) == 0,
               "page size must be a power of two");

static inline unsigned log2_floor(uint32_t x)
{
    return 31u - (unsigned)__builtin_clz(x);
}

/* The list a free run of n pages belongs on. */
static void list_index(uint32_t n, unsigned *fl, unsigned *sl)
{
    if (n < MHEAP_SL_COUNT) {
        *fl = 0;
        *sl = n;
    } else {
        unsigned l = log2_floor(n);
        *fl = l - MHEAP_SL_BITS + 1;
        *sl = (n >> (l - MHEAP_SL_BITS)) - MHEAP_SL_COUNT;
    }
}

static void list_insert(struct mspan *s)
{
    unsigned fl, sl;

    list_index(s->npages, &fl, &sl);
    s->prev = NULL;
    s->next = mheap.free[fl][sl];
    if (s->next)
        s->next->prev = s;
    mheap.free[fl][sl] = s;
    mheap.fl_bitmap |= 1u << fl;
    mheap.sl_bitmap[fl] |= (uint8_t)(1u << sl);
    s->list = MSPAN_LIST_FREE;
}

static void list_remove(struct mspan *s)
{
    unsigned fl, sl;

    list_index(s->npages, &fl, &sl);
    if (s->prev)
        s->prev->next = s->next;
    else
        mheap.free[fl][sl] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    if (mheap.free[fl][sl] == NULL) {
        mheap.sl_bitmap[fl] &= (uint8_t) ~(1u << sl);
        if (mheap.sl_bitmap[fl] == 0)
            mheap.fl_bitmap &= ~(1u << fl);
    }
    s->next = s->prev = NULL;
    s->list = MSPAN_LIST_NONE;
}

/* A free span with at least n pages, or NULL.  O(1). */
static struct mspan *list_find(uint32_t n)
{
    unsigned fl, sl;
    uint32_t bits;

    if (n >= MHEAP_SL_COUNT)
        n += (1u << (log2_floor(n) - MHEAP_SL_BITS)) - 1; /* round up */
    if (n >= (1u << (MHEAP_FL_COUNT + MHEAP_SL_BITS - 2)))
        return NULL;
    list_index(n, &fl, &sl);
    bits = mheap.sl_bitmap[fl] & (0xFFu << sl);
    if (bits == 0) {
        uint32_t f = mheap.fl_bitmap & ~((2u << fl) - 1);
        if (f == 0)
            return NULL;
        fl = (unsigned)__builtin_ctz(f);
        bits = mheap.sl_bitmap[fl];
    }
    sl = (unsigned)__builtin_ctz(bits);
    return mheap.free[fl][sl];
}

static struct mheap_region *region_of(uintptr_t addr)
{
    for (int i = 0; i < mheap.nregions; i++) {
        struct mheap_region *r = &mheap.regions[i];
        if (addr >= r->base && addr < r->end)
            return r;
    }
    return NULL;
}

static inline uint32_t page_of(const struct mheap_region *r, uintptr_t addr)
{
    return (uint32_t)((addr - r->base) / MM_PAGE_SIZE);
}

static void map_range(struct mspan *s, uint32_t first, uint32_t count)
{
    struct mheap_region *r = region_of(s->base);
    uint32_t p = page_of(r, s->base) + first;

    for (uint32_t i = 0; i < count; i++)
        r->map[p + i] = s;
}

/* Map a free span's end pages (its interior is not kept up to date). */
static void map_free_ends(struct mspan *s)
{
    map_range(s, 0, 1);
    map_range(s, s->npages - 1, 1);
}

/* map_free_ends for a span of region r, whose first page is page p. */
static inline void map_ends_at(struct mheap_region *r, uint32_t p,
                               struct mspan *s)
{
    r->map[p] = s;
    r->map[p + s->npages - 1] = s;
}

/* --- span descriptors ------------------------------------------------------
 */

static void desc_put(struct mspan *s)
{
    s->next = mheap.desc_free;
    mheap.desc_free = s;
}

static void desc_release(struct mspan *s)
{
    s->state = MSPAN_FREE;
    s->npages = 0;
    desc_put(s);
    mheap.desc_inuse--;
}

/* Turn one free page into descriptors.  The page's own descriptor is its
 * first slot.  Lock held. */
static bool desc_grow(void)
{
    struct mspan *f = NULL, *meta;
    uint32_t per_page = MM_PAGE_SIZE / sizeof(struct mspan);

    /* Prefer the page right after a region's metadata, so that metadata
     * grows as one block from the region's start instead of leaving
     * islands that split long free runs for good.  O(regions). */
    for (int i = 0; i < mheap.nregions && f == NULL; i++) {
        struct mheap_region *r = &mheap.regions[i];
        struct mspan *s;

        while (r->meta_next < r->npages && (s = r->map[r->meta_next]) != NULL &&
               s->state == MSPAN_META &&
               s->base == r->base + (uintptr_t)r->meta_next * MM_PAGE_SIZE)
            r->meta_next += s->npages;
        if (r->meta_next < r->npages) {
            s = mheap_span_at(r->base + (uintptr_t)r->meta_next * MM_PAGE_SIZE);
            if (s != NULL && s->state == MSPAN_FREE &&
                s->base == r->base + (uintptr_t)r->meta_next * MM_PAGE_SIZE)
                f = s;
        }
    }
    if (f == NULL)
        f = list_find(1);
    if (f == NULL)
        return false;
    list_remove(f);
    meta = (struct mspan *)f->base;
    if (f->npages == 1) {
        /* The whole run becomes the metadata page; its old descriptor
         * goes on the spare list. */
        desc_release(f);
    } else {
        f->base += MM_PAGE_SIZE;
        f->npages--;
        map_free_ends(f);
        list_insert(f);
    }
    memset(meta, 0, sizeof *meta);
    meta->base = (uintptr_t)meta;
    meta->npages = 1;
    meta->state = MSPAN_META;
    map_range(meta, 0, 1);
    for (uint32_t i = 1; i < per_page; i++)
        desc_put(&meta[i]);
    mheap.desc_total += per_page;
    mheap.desc_inuse++; /* meta itself */
    mheap.desc_pages++;
    mheap.pages[MSPAN_FREE]--;
    mheap.pages[MSPAN_META]++;
    if (mheap.pages[MSPAN_FREE] < mheap.min_free_pages)
        mheap.min_free_pages = mheap.pages[MSPAN_FREE];
    return true;
}

/* A spare descriptor, its fields stale: the caller sets every one it
 * uses (alloc_run sets them all).  Lock held.  O(1) unless the spares
 * ran out (desc_grow: O(regions), once per page of descriptors). */
static struct mspan *desc_get(void)
{
    struct mspan *s;

    if (mheap.desc_free == NULL && !desc_grow())
        return NULL;
    s = mheap.desc_free;
    mheap.desc_free = s->next;
    mheap.desc_inuse++;
    return s;
}

/* At least n spare descriptors, in metadata pages taken now, while the
 * free pages right after the page map are the lowest free ones: growing
 * later takes a page wherever one is free, splitting long free runs. */
static void reserve_descriptors(uint32_t n)
{
    while (mheap.desc_total - mheap.desc_inuse < n && desc_grow())
        ;
}

/* --- set-up
 * ------------------------------------------------------------------- */

void mheap_init(const struct mm_region *rg, int n)
{
    memset(&mheap, 0, sizeof mheap);
    for (int i = 0; i < n && mheap.nregions < MM_MAX_REGIONS; i++) {
        uintptr_t base =
            (rg[i].start + MM_PAGE_SIZE - 1) & ~(uintptr_t)(MM_PAGE_SIZE - 1);
        uintptr_t end = rg[i].end & ~(uintptr_t)(MM_PAGE_SIZE - 1);
        struct mheap_region *r;
        struct mspan *d;
        uint32_t npages, mpages, per_page = MM_PAGE_SIZE / sizeof(struct mspan);

        if (end <= base)
            continue;
        npages = (uint32_t)((end - base) / MM_PAGE_SIZE);
#if MHEAP_FL_COUNT < 20 /* (the default's 2^21 pages pass any RAM here) */
        if (npages > MHEAP_MAX_PAGES) { /* beyond the free lists' reach */
            npages = MHEAP_MAX_PAGES;
            end = base + (uintptr_t)npages * MM_PAGE_SIZE;
        }
#endif
        mpages =
            (uint32_t)((npages * sizeof(struct mspan *) + MM_PAGE_SIZE - 1) /
                       MM_PAGE_SIZE);
        if (npages < mpages + 3)
            continue; /* too small to be worth a map */
        r = &mheap.regions[mheap.nregions++];
        r->base = base;
        r->end = end;
        r->npages = npages;
        r->map = (struct mspan **)base;
        memset(r->map, 0, npages * sizeof(struct mspan *));

        /* The page after the map holds the first descriptors: its own,
         * the map's, the first free span's, and spares. */
        d = (struct mspan *)(base + (uintptr_t)mpages * MM_PAGE_SIZE);
        memset(d, 0, per_page * sizeof *d);
        d[0].base = (uintptr_t)d;
        d[0].npages = 1;
        d[0].state = MSPAN_META;
        map_range(&d[0], 0, 1);
        d[1].base = base;
        d[1].npages = mpages;
        d[1].state = MSPAN_META;
        map_range(&d[1], 0, mpages);
        d[2].base = base + (uintptr_t)(mpages + 1) * MM_PAGE_SIZE;
        d[2].npages = npages - mpages - 1;
        d[2].state = MSPAN_FREE;
        map_free_ends(&d[2]);
        list_insert(&d[2]);
        for (uint32_t k = 3; k < per_page; k++)
            desc_put(&d[k]);

        mheap.total_pages += npages;
        mheap.map_pages += mpages;
        mheap.desc_pages++;
        mheap.pages[MSPAN_META] += mpages + 1;
        mheap.pages[MSPAN_FREE] += npages - mpages - 1;
        mheap.desc_total += per_page;
        mheap.desc_inuse += 3;

        /* One descriptor per page is the most that can ever be in use;
         * reserve that when it costs at most 1/32 of the region (4 KiB
         * pages: 1.5%), else 1/32 of the region's bytes, and grow on
         * demand past it. */
        {
            uint32_t cap = (uint32_t)((uint64_t)npages * MM_PAGE_SIZE / 32 /
                                      sizeof(struct mspan));
            reserve_descriptors(npages < cap ? npages : cap);
        }
    }
    mheap.min_free_pages = mheap.pages[MSPAN_FREE];
}

/* --- allocation
 * ------------------------------------------------------------------ */

/* Take a free run of at least npages, give the remainder back to the
 * lists, and make the run's descriptor a fresh span: every field but the
 * run itself cleared.  Lock held.  O(1): two bitmap searches, a split,
 * and the page map's end entries (all of them when interior). */
static struct mspan *alloc_run(uint32_t npages, enum mspan_state state,
                               bool interior)
{
    struct mspan *s, *rest = NULL;
    struct mheap_region *r;
    uint32_t first;

    if (npages == 0)
        return NULL;
    /* A spare descriptor for the remainder before the search (making
     * one takes a page), so a failure leaves nothing half done. */
    if (mheap.desc_free == NULL)
        (void)desc_grow();
    s = list_find(npages);
    if (s == NULL)
        return NULL;
    if (s->npages > npages && (rest = desc_get()) == NULL)
        return NULL;
    list_remove(s);
    r = region_of(s->base);
    first = page_of(r, s->base);
    if (rest != NULL) {
        rest->base = s->base + (uintptr_t)npages * MM_PAGE_SIZE;
        rest->npages = s->npages - npages;
        rest->state = MSPAN_FREE;
        s->npages = npages;
        map_ends_at(r, first + npages, rest);
        list_insert(rest);
    }
    s->state = (uint8_t)state;
    s->spanclass = 0;
    s->kind = 0;
    s->sizeclass = 0;
    s->sweepgen = mm_sweepgen; /* nothing in it to sweep */
    s->gcflags = 0;
    s->elemsize = 0;
    s->divmul = 0;
    s->nelems = s->nalloc = s->freeindex = 0;
    s->emptyslot = 0;
    s->freelist = NULL;
    s->allocbits = s->markbits = NULL;
    s->gcnext = NULL;
    s->types = NULL;
    s->type1 = NULL;
    s->inline_bits[0] = s->inline_bits[1] = 0;
    if (interior || npages <= 2) {
        for (uint32_t i = 0; i < npages; i++)
            r->map[first + i] = s;
        s->mapping = 0;
    } else {
        map_ends_at(r, first, s); /* first and last page */
        s->mapping = 1;
    }
    mheap.pages[MSPAN_FREE] -= npages;
    mheap.pages[state] += npages;
    if (mheap.pages[MSPAN_FREE] < mheap.min_free_pages)
        mheap.min_free_pages = mheap.pages[MSPAN_FREE];
    return s;
}

struct mspan *mheap_alloc(uint32_t npages, enum mspan_state state)
{
    return alloc_run(npages, state, true);
}

struct mspan *mheap_alloc_large(uint32_t npages)
{
    return alloc_run(npages, MSPAN_LARGE, false);
}

void mheap_map_interior(struct mspan *s)
{
    if (s->mapping) {
        map_range(s, 1, s->npages - 2);
        arch_mb(); /* the map before the flag, for mheap_verify */
        s->mapping = 0;
    }
}

void mheap_free(struct mspan *s)
{
    struct mheap_region *r = region_of(s->base);
    uint32_t first = page_of(r, s->base);
    uint32_t last = first + s->npages - 1;

    mheap.pages[s->state] -= s->npages;
    mheap.pages[MSPAN_FREE] += s->npages;
    s->state = MSPAN_FREE;
    s->spanclass = 0;
    s->list = MSPAN_LIST_NONE;

    if (first > 0) {
        struct mspan *left = r->map[first - 1];
        if (left && left->state == MSPAN_FREE &&
            left->list == MSPAN_LIST_FREE &&
            left->base + (uintptr_t)left->npages * MM_PAGE_SIZE == s->base) {
            list_remove(left);
            left->npages += s->npages;
            desc_release(s);
            s = left;
        }
    }
    if (last + 1 < r->npages) {
        struct mspan *right = r->map[last + 1];
        if (right && right->state == MSPAN_FREE &&
            right->list == MSPAN_LIST_FREE &&
            right->base == s->base + (uintptr_t)s->npages * MM_PAGE_SIZE) {
            list_remove(right);
            s->npages += right->npages;
            desc_release(right);
        }
    }
    map_ends_at(r, page_of(r, s->base), s);
    list_insert(s);
}

uint32_t mheap_largest_free(void)
{
    unsigned fl, sl, n = 0;
    uint32_t best = 0;

    if (mheap.fl_bitmap == 0)
        return 0;
    /* The highest non-empty list holds the longest runs, all within a
     * quarter of each other (MHEAP_SL_BITS = 2).  Look at no more than 16
     * of them, so interrupts stay masked for a bounded time: exact unless
     * that list is longer, and then within 25%. */
    fl = log2_floor(mheap.fl_bitmap);
    sl = log2_floor(mheap.sl_bitmap[fl]);
    for (struct mspan *s = mheap.free[fl][sl]; s && n < 16; s = s->next, n++)
        if (s->npages > best)
            best = s->npages;
    return best;
}

/* --- verification
 * -------------------------------------------------------------- */

const char *mheap_verify(void)
{
    uint32_t counted[MSPAN_META + 1] = {0};
    uint32_t listed = 0, nfree = 0;

    for (int i = 0; i < mheap.nregions; i++) {
        struct mheap_region *r = &mheap.regions[i];
        uint32_t p = 0;
        bool prev_free = false;

        while (p < r->npages) {
            struct mspan *s = r->map[p];
            if (s == NULL || s->base != r->base + (uintptr_t)p * MM_PAGE_SIZE)
                return "page map: span does not start where the map says";
            if (s->npages == 0 || p + s->npages > r->npages)
                return "page map: span runs past its region";
            if (s->state > MSPAN_META)
                return "span in an unknown state";
            if (s->state == MSPAN_FREE) {
                if (prev_free)
                    return "two free spans adjacent (not coalesced)";
                if (r->map[p + s->npages - 1] != s)
                    return "free span's last page not mapped";
                if (s->list != MSPAN_LIST_FREE)
                    return "free span not on a free list";
                nfree++;
            } else if (s->mapping) { /* being mapped, lock released */
                if (r->map[p + s->npages - 1] != s)
                    return "large span's last page not mapped";
            } else {
                for (uint32_t k = 0; k < s->npages; k++)
                    if (r->map[p + k] != s)
                        return "in-use span page not mapped to it";
            }
            prev_free = s->state == MSPAN_FREE;
            counted[s->state] += s->npages;
            p += s->npages;
        }
    }
    for (unsigned fl = 0; fl < MHEAP_FL_COUNT; fl++)
        for (unsigned sl = 0; sl < MHEAP_SL_COUNT; sl++) {
            bool bit = (mheap.sl_bitmap[fl] >> sl) & 1u;
            if (bit != (mheap.free[fl][sl] != NULL))
                return "free-list bitmap disagrees with its list";
            for (struct mspan *s = mheap.free[fl][sl]; s; s = s->next) {
                unsigned f, l;
                list_index(s->npages, &f, &l);
                if (f != fl || l != sl)
                    return "free span on the wrong list";
                if (s->state != MSPAN_FREE)
                    return "span on a free list is not free";
                listed++;
            }
            if (((mheap.fl_bitmap >> fl) & 1u) != (mheap.sl_bitmap[fl] != 0))
                return "first-level bitmap disagrees";
        }
    if (listed != nfree)
        return "free lists and page map disagree on the free spans";
    for (unsigned st = 0; st <= MSPAN_META; st++)
        if (counted[st] != mheap.pages[st])
            return "page counts by state disagree with the map";
    if (mheap.pages[MSPAN_FREE] < mheap.min_free_pages)
        return "free pages below the recorded minimum";
    return NULL;
}
