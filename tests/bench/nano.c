/*
 * tests/bench/nano.c - newlib-nano's malloc and free as the in-image
 * baseline (../shared/BENCH.md), for every benchmark that compares with
 * them (alloc_bench.c, gc_bench.c).
 *
 * The Makefile extracts newlib-nano's two allocator members from the
 * toolchain's libc_nano.a and renames their symbols (nano_malloc_r,
 * nano_free_r, nano_sbrk_r, ...), so both allocators live in one image.
 * newlib gets a private arena carved from Tern's heap, served by
 * nano_sbrk_r below; its lock hooks are empty, as in a single-threaded
 * newlib program.  Boards without newlib (BENCH_NEWLIB unset) have none.
 */
#include "tests/bench/bench.h"

#if defined(BENCH_NEWLIB)
#include <stddef.h>
#include <string.h>

void *nano_malloc_r(void *reent, size_t size);
void nano_free_r(void *reent, void *p);
void *nano_sbrk_r(void *reent, ptrdiff_t incr);
void nano_malloc_lock(void *reent);
void nano_malloc_unlock(void *reent);
extern void *nano_malloc_free_list;
extern void *nano_malloc_sbrk_start;

static struct {
    uint8_t *arena;
    size_t size, used;
} nb;

void *nano_sbrk_r(void *reent, ptrdiff_t incr)
{
    void *p = nb.arena + nb.used;

    (void)reent;
    if (incr < 0 || (size_t)incr > nb.size - nb.used)
        return (void *)-1;
    nb.used += (size_t)incr;
    return p;
}

void nano_malloc_lock(void *reent)
{
    (void)reent;
}

void nano_malloc_unlock(void *reent)
{
    (void)reent;
}

void bench_nano_reset(uint8_t *arena, size_t size)
{
    nb.arena = arena;
    nb.size = size;
    nb.used = 0;
    nano_malloc_free_list = NULL;
    nano_malloc_sbrk_start = NULL;
}

/* newlib's reentrancy structure (sys/reent.h, through string.h): where
 * its malloc sets errno. */

void *bench_nano_malloc(size_t n)
{
    return nano_malloc_r(_impure_ptr, n);
}

void bench_nano_free(void *p)
{
    nano_free_r(_impure_ptr, p);
}
#endif
