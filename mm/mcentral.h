/*
 * mm/mcentral.h - per-span-class span lists.  See mm/mcentral.c.
 */
#ifndef MM_MCENTRAL_H
#define MM_MCENTRAL_H

#include "mm/mm.h"

struct mcentral {
    /* mm lock held: */
    struct mspan *partial; /* spans with free objects, not cached */
    struct mspan *full;    /* spans without free objects, not cached */
};

extern struct mcentral mcentral[MM_NUM_SPANCLASSES];

/* The empty-span cache: spans whose every object is free, kept as they
 * are on their class's partial list (s->emptyslot = slot + 1) instead of
 * going back to the page heap, so that the free of a span's last object
 * and the next span of that class cost no page-heap work.  Bounded in
 * spans and in pages (MCENTRAL_EMPTY_PAGES); memory that is short drains
 * it (mcentral_release_empty) before an allocation fails. */
#define MCENTRAL_EMPTY_MAX                                                     \
    (MM_PAGE_SIZE >= 4096 ? 16 : MM_PAGE_SIZE >= 1024 ? 8 : 4)
#define MCENTRAL_EMPTY_PAGES (mheap.total_pages / 32)

struct mcentral_empty {
    /* mm lock held: */
    struct mspan *spans[MCENTRAL_EMPTY_MAX]; /* [0, n): the cached spans */
    uint32_t n;                              /* spans held */
    uint32_t pages;                          /* pages they hold */
};

extern struct mcentral_empty mcentral_empty;

/* A span of class sc with a free object, taken off the lists for an
 * mcache; a new span from the page heap if none.  NULL if memory is
 * exhausted.  Lock held. */
struct mspan *mcentral_cache_span(unsigned sc);

/* An mcache gives back its span: onto the partial or full list, or to the
 * page heap if it is empty.  Lock held. */
void mcentral_uncache_span(struct mspan *s);

/* An object of an uncached span was freed: move the span from full to
 * partial, or give it back to the page heap if it is now empty.  Lock
 * held. */
void mcentral_freed(struct mspan *s);

/* Give the most recently emptied cached span back to the page heap;
 * false if the cache is empty.  Lock held.  O(1): one mheap_free. */
bool mcentral_release_empty(void);

/* Check the empty-span cache against its spans; NULL or what is broken.
 * Lock held.  O(MCENTRAL_EMPTY_MAX). */
const char *mcentral_verify(void);

/* True if span s has no object left to hand out. */
static inline bool mspan_full(const struct mspan *s)
{
    return s->freelist == NULL && s->freeindex >= s->nelems;
}

#endif /* MM_MCENTRAL_H */
