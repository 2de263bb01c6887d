/*
 * mm/init.c - the heap regions from the segment table.
 * See mm/mm.c for the overview.
 */
#include "kernel/segments.h"
#include "mm/mm.h"
#include "tern.h"

void mm_init(void)
{
    struct mm_region r[MM_MAX_REGIONS];
    size_t n;
    const struct tern_segment *t = tern_segments(&n);
    int k = 0;

    for (size_t i = 0; i < n && k < MM_MAX_REGIONS; i++)
        if (t[i].kind == TERN_SEG_HEAP)
            r[k++] = (struct mm_region){t[i].start, t[i].end};
    mm_init_regions(r, k);
}
