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

/* True if span s has no object left to hand out. */
static inline bool mspan_full(const struct mspan *s)
{
    return s->freelist == NULL && s->freeindex >= s->nelems;
}

#endif /* MM_MCENTRAL_H */
