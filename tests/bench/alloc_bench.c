/*
 * tests/bench/alloc_bench.c - Tern's malloc/free against newlib-nano's,
 * in the same image, on the same workloads (../shared/BENCH.md).
 *
 * The baseline is newlib-nano's own allocator (tests/bench/nano.c), over
 * a private arena carved from Tern's heap.
 *
 *   alloc.pair16      malloc(16) + free, steady state (the cache-hit path)
 *   alloc.holesN      malloc(200) + free with N 100-byte holes in the heap
 *                     (each hole too small for the request: first-fit
 *                     walks them all)
 *   alloc.random.*    sizes 16..1024, at most 256 live, random free order:
 *                     mean and max per malloc and per free
 *   alloc.util        bytes live at the first failed malloc, random
 *                     workload, both allocators on arenas of the same size
 */
#include <stddef.h>
#include <string.h>

#include "mm/mm.h"
#include "tests/bench/bench.h"
#include "tests/harness/test.h"
#include "tern.h"

static void *tmalloc(size_t n)
{
    return tern_malloc(n);
}

static void tfree(void *p)
{
    tern_free(p);
}

struct allocator {
    const char *name;
    void *(*malloc)(size_t n);
    void (*free)(void *p);
};

static const struct allocator tern = {"tern", tmalloc, tfree};
#if defined(BENCH_NEWLIB)
static const struct allocator nano = {"newlib-nano", bench_nano_malloc,
                                      bench_nano_free};
#endif

/* Mean instructions x 100 of malloc(size)+free, steady state. */
static uint64_t pair(const struct allocator *a, size_t size, uint64_t *m,
                     uint64_t *f)
{
    uint64_t sm = 0, sf = 0, one;
    const int n = 1000;

    for (int i = 0; i < 10; i++) /* warm: the cache holds a span */
        a->free(a->malloc(size));
    for (int i = 0; i < n; i++) {
        void *p;
        BENCH_ONE(one, p = a->malloc(size));
        sm += one;
        BENCH_ONE(one, a->free(p));
        sf += one;
    }
    *m = sm / n;
    *f = sf / n;
    return (sm + sf) / n;
}

/* Pair cost with `holes` 100-byte holes pinned apart by 16-byte blocks. */
static uint64_t holes(const struct allocator *a, int nholes, void **scratch,
                      uint64_t *m, uint64_t *f)
{
    uint64_t r;

    for (int i = 0; i < nholes; i++) {
        scratch[2 * i] = a->malloc(100);
        scratch[2 * i + 1] = a->malloc(16);
    }
    for (int i = 0; i < nholes; i++)
        a->free(scratch[2 * i]);
    r = pair(a, 200, m, f);
    for (int i = 0; i < nholes; i++)
        a->free(scratch[2 * i + 1]);
    return r;
}

struct rnd_result {
    uint64_t malloc_mean, malloc_max, free_mean, free_max;
};

static void random_mix(const struct allocator *a, void **live,
                       struct rnd_result *r)
{
    uint32_t seed = 12345;
    int nlive = 0;
    uint64_t sm = 0, sf = 0, one;
    long nm = 0, nf = 0;

    memset(r, 0, sizeof *r);
    for (int op = 0; op < 20000; op++) {
        if (nlive < 256 && (nlive == 0 || (test_rand(&seed) & 1))) {
            size_t n = 16 + test_rand(&seed) % 1009;
            void *p;
            BENCH_ONE(one, p = a->malloc(n));
            if (p == NULL)
                break;
            live[nlive++] = p;
            sm += one;
            nm++;
            if (one > r->malloc_max)
                r->malloc_max = one;
        } else {
            int k = (int)(test_rand(&seed) % (uint32_t)nlive);
            void *p = live[k];
            live[k] = live[--nlive];
            BENCH_ONE(one, a->free(p));
            sf += one;
            nf++;
            if (one > r->free_max)
                r->free_max = one;
        }
    }
    while (nlive > 0)
        a->free(live[--nlive]);
    r->malloc_mean = nm ? sm / (uint64_t)nm : 0;
    r->free_mean = nf ? sf / (uint64_t)nf : 0;
}

/* Bytes live (as requested) at the first failed malloc. */
static uint64_t util(const struct allocator *a, void **live, size_t *sizes,
                     int cap)
{
    uint32_t seed = 777;
    uint64_t bytes = 0;
    int nlive = 0;

    for (;;) {
        if (nlive < cap && (nlive == 0 || test_rand(&seed) % 10 < 6)) {
            size_t n = 16 + test_rand(&seed) % 1009;
            void *p = a->malloc(n);
            if (p == NULL)
                break;
            live[nlive] = p;
            sizes[nlive++] = n;
            bytes += n;
        } else {
            int k = (int)(test_rand(&seed) % (uint32_t)nlive);
            a->free(live[k]);
            bytes -= sizes[k];
            live[k] = live[--nlive];
            sizes[k] = sizes[nlive];
        }
    }
    return bytes;
}

void bench_alloc(void)
{
    static const int nholes[] = {8, 64, 512};
    void **scratch = tern_malloc(2 * 512 * sizeof(void *));
    uint64_t t, tm, tf, n = 0, nm = 0, nf = 0;
    struct rnd_result rt, rn;
    struct mm_stats st;
    uint8_t *arena = NULL;
    char id[32];

    if (scratch == NULL) {
        tern_printf("bench: the allocator benchmarks need more heap than "
                    "this board has\n");
        return;
    }
    (void)n;
    (void)nm;
    (void)nf;
    memset(&rn, 0, sizeof rn);
#if defined(BENCH_NEWLIB)
    mm_read_stats(&st);
    {
        size_t size =
            st.heap_idle / 4 < (1u << 20) ? st.heap_idle / 4 : (1u << 20);
        arena = tern_malloc(size);
        tern_assert(arena != NULL);
        bench_nano_reset(arena, size);
    }
#endif

    t = pair(&tern, 16, &tm, &tf);
#if defined(BENCH_NEWLIB)
    n = pair(&nano, 16, &nm, &nf);
#endif
    bench_report("alloc.pair16", t, "insns", n ? "newlib-nano" : NULL, n);
    bench_report("alloc.malloc16", tm, "insns", nm ? "newlib-nano" : NULL, nm);
    bench_report("alloc.free16", tf, "insns", nf ? "newlib-nano" : NULL, nf);

    for (unsigned i = 0; i < sizeof nholes / sizeof nholes[0]; i++) {
        t = holes(&tern, nholes[i], scratch, &tm, &tf);
#if defined(BENCH_NEWLIB)
        n = holes(&nano, nholes[i], scratch, &nm, &nf);
#endif
        tern_snprintf(id, sizeof id, "alloc.holes%d", nholes[i]);
        bench_report(id, t, "insns", n ? "newlib-nano" : NULL, n);
        tern_snprintf(id, sizeof id, "alloc.holes%d.malloc", nholes[i]);
        bench_report(id, tm, "insns", nm ? "newlib-nano" : NULL, nm);
        tern_snprintf(id, sizeof id, "alloc.holes%d.free", nholes[i]);
        bench_report(id, tf, "insns", nf ? "newlib-nano" : NULL, nf);
    }

    random_mix(&tern, scratch, &rt);
#if defined(BENCH_NEWLIB)
    random_mix(&nano, scratch, &rn);
#endif
    bench_report("alloc.random.mean", rt.malloc_mean, "insns",
                 rn.malloc_mean ? "newlib-nano" : NULL, rn.malloc_mean);
    bench_report("alloc.random.max", rt.malloc_max, "insns",
                 rn.malloc_max ? "newlib-nano" : NULL, rn.malloc_max);
    bench_report("alloc.random.free_mean", rt.free_mean, "insns",
                 rn.free_mean ? "newlib-nano" : NULL, rn.free_mean);
    bench_report("alloc.random.free_max", rt.free_max, "insns",
                 rn.free_max ? "newlib-nano" : NULL, rn.free_max);
    (void)st;
    tern_free(arena);
    tern_free(scratch);
}

/* Utilisation: both allocators on arenas of the same size, at two sizes
 * (segregated size classes waste up to a span per class, which weighs
 * more on a small arena).  Tern's heap is re-made over a block of its own
 * each time, so this runs last: the blocks were all carved from the
 * original heap first. */
void bench_alloc_util(void)
{
    struct mm_stats st;

    {
        static const size_t want[2] = {256 * 1024, 1024 * 1024};
        static const char *const ids[2] = {"alloc.util256k", "alloc.util"};
        size_t cap = 4096, size[2];
        void **live = tern_malloc(cap * sizeof(void *));
        size_t *sizes = tern_malloc(cap * sizeof(size_t));
        uint8_t *arena_t[2], *arena_n[2];
        uint64_t ut, un[2] = {0, 0};

        if (live == NULL || sizes == NULL) {
            tern_printf("bench: alloc.util needs more heap than this board "
                        "has\n");
            tern_free(live);
            tern_free(sizes);
            return;
        }
        mm_trim();
        mm_read_stats(&st);
        for (int k = 0; k < 2; k++) {
            size[k] = st.heap_idle / 8 < want[k] ? st.heap_idle / 8 : want[k];
            arena_t[k] = tern_malloc(size[k]);
            arena_n[k] = tern_malloc(size[k]);
            tern_assert(arena_t[k] && arena_n[k]);
        }
#if defined(BENCH_NEWLIB)
        for (int k = 0; k < 2; k++) {
            bench_nano_reset(arena_n[k], size[k]);
            un[k] = util(&nano, live, sizes, (int)cap);
        }
#endif
        tern_printf("bench: alloc.util256k on %lu-byte arenas, alloc.util on "
                    "%lu-byte arenas\n",
                    (unsigned long)size[0], (unsigned long)size[1]);
        for (int k = 0; k < 2; k++) {
            mm_init_regions(
                &(struct mm_region){(uintptr_t)arena_t[k],
                                    (uintptr_t)arena_t[k] + size[k]},
                1);
            ut = util(&tern, live, sizes, (int)cap);
            tern_printf("BENCH %s %lu bytes", ids[k], (unsigned long)ut);
            if (un[k])
                tern_printf(" vs newlib-nano %lu ratio %lu.%02lu",
                            (unsigned long)un[k],
                            (unsigned long)(ut * 100 / un[k] / 100),
                            (unsigned long)(ut * 100 / un[k] % 100));
            tern_printf("\n");
        }
    }
}
