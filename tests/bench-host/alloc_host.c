/*
 * tests/bench-host/alloc_host.c - the allocator workloads of
 * tests/bench/alloc_bench.c on the host, for Tern (on an arena), glibc
 * malloc and mimalloc.  Run under callgrind by tools/bench-host, which
 * counts the instructions of one workload function for one allocator per
 * run (--toggle-collect) and divides by the operation count printed here.
 *
 *   alloc-host <allocator> <workload>
 *     allocator: tern | glibc | mimalloc
 *     workload:  pair16 | holes8 | holes64 | holes512 | random
 */
#include <mimalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "tests/harness/test.h"

static void *(*xmalloc)(size_t);
static void (*xfree)(void *);

static void *glibc_malloc(size_t n)
{
    return malloc(n);
}

static void glibc_free(void *p)
{
    free(p);
}

/* Each workload is its own non-inlined function so that callgrind can
 * count exactly it; each returns the number of operations it timed. */

__attribute__((noinline)) long work_pair16(void)
{
    for (int i = 0; i < 100000; i++)
        xfree(xmalloc(16));
    return 2 * 100000;
}

static void **holes_setup(int n)
{
    void **pins = malloc((size_t)n * 2 * sizeof *pins);

    for (int i = 0; i < n; i++) {
        pins[2 * i] = xmalloc(100);
        pins[2 * i + 1] = xmalloc(16);
    }
    for (int i = 0; i < n; i++)
        xfree(pins[2 * i]);
    return pins;
}

__attribute__((noinline)) long work_holes(void)
{
    for (int i = 0; i < 20000; i++)
        xfree(xmalloc(200));
    return 2 * 20000;
}

__attribute__((noinline)) long work_random(void **live)
{
    uint32_t seed = 12345;
    int nlive = 0;
    long ops = 0;

    for (int op = 0; op < 200000; op++, ops++) {
        if (nlive < 256 && (nlive == 0 || (test_rand(&seed) & 1))) {
            live[nlive++] = xmalloc(16 + test_rand(&seed) % 1009);
        } else {
            int k = (int)(test_rand(&seed) % (uint32_t)nlive);
            xfree(live[k]);
            live[k] = live[--nlive];
        }
    }
    while (nlive > 0)
        xfree(live[--nlive]);
    return ops; /* the frees of the last live blocks are not counted */
}

int main(int argc, char **argv)
{
    static void *live[256];
    long ops = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: alloc-host tern|glibc|mimalloc workload\n");
        return 2;
    }
    if (strcmp(argv[1], "tern") == 0) {
        static uint8_t *arena;
        arena = aligned_alloc(MM_PAGE_SIZE, 64u << 20);
        mm_init_regions(&(struct mm_region){(uintptr_t)arena,
                                            (uintptr_t)arena + (64u << 20)},
                        1);
        xmalloc = tern_malloc;
        xfree = tern_free;
    } else if (strcmp(argv[1], "glibc") == 0) {
        xmalloc = glibc_malloc;
        xfree = glibc_free;
    } else if (strcmp(argv[1], "mimalloc") == 0) {
        xmalloc = mi_malloc;
        xfree = mi_free;
    } else {
        fprintf(stderr, "alloc-host: unknown allocator %s\n", argv[1]);
        return 2;
    }
    xfree(xmalloc(16)); /* warm */
    if (strcmp(argv[2], "pair16") == 0) {
        ops = work_pair16();
    } else if (strncmp(argv[2], "holes", 5) == 0) {
        holes_setup(atoi(argv[2] + 5));
        ops = work_holes();
    } else if (strcmp(argv[2], "random") == 0) {
        ops = work_random(live);
    } else {
        fprintf(stderr, "alloc-host: unknown workload %s\n", argv[2]);
        return 2;
    }
    printf("ops %ld\n", ops);
    return 0;
}
