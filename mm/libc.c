/*
 * mm/libc.c - the C library's allocation names on Tern's heap.
 * See mm/malloc.c.  Linked on every board; not on the host, whose tests
 * call the tern_ names and keep the host's own malloc.
 *
 * newlib-nano's stdio and other internals call the reentrant _malloc_r
 * family; defining it here keeps newlib's own allocator (and its _sbrk
 * arena) out of the image's allocation path.
 */
#include <stddef.h>

#include "tern.h"

struct _reent;

void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void *memalign(size_t align, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);
size_t malloc_usable_size(void *p);
void *_malloc_r(struct _reent *r, size_t size);
void _free_r(struct _reent *r, void *p);
void *_calloc_r(struct _reent *r, size_t n, size_t size);
void *_realloc_r(struct _reent *r, void *p, size_t size);
void *_memalign_r(struct _reent *r, size_t align, size_t size);
size_t _malloc_usable_size_r(struct _reent *r, void *p);

void *malloc(size_t size)
{
    return tern_malloc(size);
}

void free(void *p)
{
    tern_free(p);
}

void *calloc(size_t n, size_t size)
{
    return tern_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    return tern_realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
    return tern_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
    return tern_aligned_alloc(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    return tern_posix_memalign(out, align, size);
}

size_t malloc_usable_size(void *p)
{
    return tern_malloc_usable_size(p);
}

void *_malloc_r(struct _reent *r, size_t size)
{
    (void)r;
    return tern_malloc(size);
}

void _free_r(struct _reent *r, void *p)
{
    (void)r;
    tern_free(p);
}

void *_calloc_r(struct _reent *r, size_t n, size_t size)
{
    (void)r;
    return tern_calloc(n, size);
}

void *_realloc_r(struct _reent *r, void *p, size_t size)
{
    (void)r;
    return tern_realloc(p, size);
}

void *_memalign_r(struct _reent *r, size_t align, size_t size)
{
    (void)r;
    return tern_memalign(align, size);
}

size_t _malloc_usable_size_r(struct _reent *r, void *p)
{
    (void)r;
    return tern_malloc_usable_size(p);
}
