/*
 * mm/malloc.c - the C allocation API on Tern's spans.
 * See mm/mm.c for the overview.
 *
 * These are manual objects (MM_KIND_MANUAL): never collected, scanned by
 * the GC as roots (BRIEF contract 1).  Sizes follow the C standard: an
 * impossible request (calloc overflow, more than the heap, a bad
 * alignment) returns NULL with errno set, as portable code expects.
 * Pointers are checked: freeing or reallocating something Tern did not
 * hand out, an interior pointer, or a freed object is a fatal error
 * naming the address (release builds included).
 *
 * mm/libc.c maps the C library's names (malloc, free, ..., and newlib's
 * reentrant _malloc_r family) onto these on the boards.
 */
#include <errno.h>
#include <string.h>

#include "mm/fastpath.h"
#include "mm/mm.h"
#include "tern.h"

/* Everything tern_malloc's inline path does not do: the slow path, then
 * a collection and a retry (mm_alloc), then errno. */
static __attribute__((noinline)) void *malloc_slow(size_t size, unsigned kind,
                                                   unsigned flags,
                                                   const struct tern_type *t)
{
    void *p = mm_alloc_slow(size, kind, flags);

    (void)t;
    if (p == NULL)
        p = mm_alloc(size, kind, flags); /* collects, tries again */
    if (p == NULL)
        errno = ENOMEM;
    return p;
}

void *tern_malloc(size_t size)
{
    return mm_alloc_fast(size, MM_KIND_MANUAL, 0, NULL, malloc_slow);
}

void tern_free(void *p)
{
    mm_free_inline(p);
}

void *tern_calloc(size_t n, size_t size)
{
    void *p;

    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    p = mm_alloc(n * size, MM_KIND_MANUAL, MM_ZERO);
    if (p == NULL)
        errno = ENOMEM;
    return p;
}

void *tern_realloc(void *p, size_t size)
{
    size_t old;
    void *q;

    if (p == NULL)
        return tern_malloc(size);
    old = mm_usable_size(p); /* fatal if p is not ours */
    if (size == 0) {
        mm_free(p);
        return NULL;
    }
    if (size <= old && size > old / 2)
        return p; /* fits, and shrinking would not free much */
    q = tern_malloc(size);
    if (q == NULL)
        return NULL; /* p is untouched */
    memcpy(q, p, old < size ? old : size);
    if (mm_allocblack && mm_copy_hook != NULL) /* GC pointers moved */
        mm_copy_hook(q, old < size ? old : size);
    mm_free(p);
    return q;
}

static int bad_alignment(size_t align)
{
    return align == 0 || (align & (align - 1)) != 0;
}

void *tern_memalign(size_t align, size_t size)
{
    void *p;

    if (bad_alignment(align)) {
        errno = EINVAL;
        return NULL;
    }
    p = mm_alloc_aligned(align, size);
    if (p == NULL)
        errno = ENOMEM;
    return p;
}

void *tern_aligned_alloc(size_t align, size_t size)
{
    return tern_memalign(align, size);
}

int tern_posix_memalign(void **out, size_t align, size_t size)
{
    void *p;

    if (bad_alignment(align) || align % sizeof(void *) != 0)
        return EINVAL;
    p = mm_alloc_aligned(align, size);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

size_t tern_malloc_usable_size(void *p)
{
    return p == NULL ? 0 : mm_usable_size(p);
}
