/*
 * tests/host/mm_test.c - the memory manager on a host arena, under
 * ASan/UBSan: every class, large objects, coalescing, lookups, stacks,
 * the tiny allocator, a randomised model-based test, out of memory, and
 * the misuse suite (each misuse a death test with its exact message).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "tests/common/mm_model.h"
#include "tests/harness/test.h"

#define ARENA_BYTES (32u << 20)

static uint8_t *arena;

/* A fresh heap: two regions with a hole between them. */
static void fresh_heap(void)
{
    struct mm_region r[2];

    if (arena == NULL)
        arena = aligned_alloc(MM_PAGE_SIZE, ARENA_BYTES);
    r[0] = (struct mm_region){(uintptr_t)arena,
                              (uintptr_t)arena + ARENA_BYTES / 4 * 3};
    r[1] = (struct mm_region){(uintptr_t)arena + ARENA_BYTES / 4 * 3 +
                                  3 * MM_PAGE_SIZE,
                              (uintptr_t)arena + ARENA_BYTES - 100};
    mm_init_regions(r, 2);
}

#define VERIFY()                                                               \
    do {                                                                       \
        const char *e_ = mm_verify();                                          \
        if (e_ != NULL) {                                                      \
            test_fail(__FILE__, __LINE__, "mm_verify: %s", e_);                \
            return;                                                            \
        }                                                                      \
    } while (0)

TEST(mm, fresh_heap_verifies)
{
    struct mm_stats st;

    fresh_heap();
    VERIFY();
    mm_read_stats(&st);
    EXPECT_EQ(st.heap_alloc, 0);
    EXPECT_EQ(st.heap_inuse, 0);
    EXPECT_TRUE(st.heap_idle > ARENA_BYTES / 2);
    EXPECT_EQ(st.largest_free + MM_PAGE_SIZE * 0, st.largest_free);
    EXPECT_EQ(st.min_free, st.heap_idle);
    EXPECT_TRUE(st.fragmentation < 30); /* two regions, one large run */
}

TEST(mm, every_class_aligned_distinct_reusable)
{
    static void *p[64];

    fresh_heap();
    for (unsigned c = 1; c < MM_NUM_CLASSES; c++) {
        size_t size = mm_class_size[c];
        for (int i = 0; i < 64; i++) {
            p[i] = mm_alloc(size, MM_KIND_MANUAL, 0);
            ASSERT_TRUE(p[i] != NULL);
            EXPECT_EQ((uintptr_t)p[i] % 8, 0);
            EXPECT_EQ(mm_usable_size(p[i]), size);
            memset(p[i], i, size);
        }
        for (int i = 0; i < 64; i++) {
            uint8_t *b = p[i];
            if (b[0] != (uint8_t)i || b[size - 1] != (uint8_t)i) {
                test_fail(__FILE__, __LINE__, "class %u object %d overwritten",
                          c, i);
                return;
            }
        }
        for (int i = 0; i < 64; i++)
            mm_free(p[i]);
        VERIFY();
    }
}

/* The object index is exact at every byte of every class's span, with
 * the 64-bit multiply or (the 512-byte-page build: ARCH_HAS_UMULL 0, as
 * on ARMv6-M) the 16-bit split. */
TEST(mm, object_index_exact_everywhere)
{
    struct mspan s;

    memset(&s, 0, sizeof s);
    s.base = 0x10000;
    for (unsigned c = 1; c < MM_NUM_CLASSES; c++) {
        uint32_t bytes = (uint32_t)mm_class_npages[c] * MM_PAGE_SIZE;

        s.divmul = mm_class_divmul[c];
        for (uint32_t off = 0; off < bytes; off++) {
            uint32_t want = off / mm_class_size[c];
            if (mm_object_index(&s, s.base + off) != want) {
                EXPECT_EQ(mm_object_index(&s, s.base + off), want);
                return;
            }
        }
    }
}

/* The free fast path (mm/fastpath.h) tells an object's start from an
 * interior pointer by the low word of off * divmul: below divmul exactly
 * at multiples of the object size, at every offset of every class. */
TEST(mm, divmul_exact)
{
    for (unsigned c = 1; c < MM_NUM_CLASSES; c++) {
        uint32_t bytes = (uint32_t)mm_class_npages[c] * MM_PAGE_SIZE;
        uint32_t m = mm_class_divmul[c];

        for (uint32_t off = 0; off < bytes; off++) {
            uint64_t q = (uint64_t)off * m;
            bool start = off % mm_class_size[c] == 0;
            if (((uint32_t)q < m) != start ||
                (uint32_t)(q >> 32) != off / mm_class_size[c]) {
                EXPECT_EQ(off, 0);
                return;
            }
        }
    }
}

TEST(mm, size_lookup_picks_smallest_class)
{
    for (size_t s = 1; s <= MM_MAX_SMALL; s++) {
        unsigned c = mm_size_class(s);
        if (c == 0 || mm_class_size[c] < s ||
            (c > 1 && mm_class_size[c - 1] >= s)) {
            test_fail(__FILE__, __LINE__, "size %zu -> class %u", s, c);
            return;
        }
    }
}

TEST(mm, large_objects_coalesce_back)
{
    struct mm_stats before, after;
    void *p[40];
    uint32_t seed = 7;

    fresh_heap();
    mm_read_stats(&before);
    for (int i = 0; i < 40; i++) {
        size_t n = MM_MAX_SMALL + 1 + test_rand(&seed) % (64 * 1024);
        p[i] = mm_alloc(n, MM_KIND_MANUAL, MM_ZERO);
        ASSERT_TRUE(p[i] != NULL);
        EXPECT_EQ((uintptr_t)p[i] % MM_PAGE_SIZE, 0);
        EXPECT_EQ(((uint8_t *)p[i])[n - 1], 0);
    }
    VERIFY();
    for (int i = 0; i < 40; i++) { /* free in a shuffled order */
        int j = (int)(test_rand(&seed) % 40);
        void *t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
    for (int i = 0; i < 40; i++)
        mm_free(p[i]);
    VERIFY();
    mm_read_stats(&after);
    EXPECT_EQ(after.heap_idle + after.mspan_sys - before.mspan_sys,
              before.heap_idle);
    EXPECT_EQ(after.largest_free, before.largest_free);
    EXPECT_TRUE(after.min_free < before.min_free);
}

TEST(mm, interior_pointers_find_their_object)
{
    struct mspan *s;
    uint8_t *small, *large;

    fresh_heap();
    small = mm_alloc(100, MM_KIND_SCAN, MM_ZERO);
    large = mm_alloc(MM_MAX_SMALL + 3 * MM_PAGE_SIZE + 5, MM_KIND_NOSCAN, 0);
    ASSERT_TRUE(small && large);
    EXPECT_TRUE(mm_object_base(small + 57, &s) == small);
    EXPECT_EQ(s->kind, MM_KIND_SCAN);
    EXPECT_TRUE(mm_object_base(large + 2 * MM_PAGE_SIZE + 17, &s) == large);
    EXPECT_EQ(s->state, MSPAN_LARGE);
    /* the next slot of the span: free */
    EXPECT_TRUE(mm_object_base(small + mm_class_size[mm_size_class(100)],
                               NULL) == NULL);
    EXPECT_TRUE(mm_object_base(&s, NULL) == NULL);    /* not heap */
    EXPECT_TRUE(mm_object_base(arena, NULL) == NULL); /* page map */
    EXPECT_TRUE(mm_span_of(arena) == NULL);
}

static const uint32_t node_mask[] = {0x5}; /* words 0 and 2 */
static const struct tern_type node_type = {3 * sizeof(void *), node_mask,
                                           "node"};

TEST(mm, typed_objects_record_their_type)
{
    struct mspan *s, *ns;
    void **a, **b, **big;
    void *plain, *noscan;

    fresh_heap();
    a = mm_alloc_typed(&node_type, 1);
    b = mm_alloc_typed(&node_type, 4); /* an array of four */
    big = mm_alloc_typed(&node_type, 5000);
    plain = mm_alloc(24, MM_KIND_SCAN, MM_ZERO);
    noscan = mm_alloc(24, MM_KIND_NOSCAN, MM_ZERO);
    ASSERT_TRUE(a && b && big && plain && noscan);
    EXPECT_TRUE(a[0] == NULL && a[2] == NULL && b[11] == NULL);
    ASSERT_TRUE(mm_object_base(&a[1], &s) == a);
    EXPECT_TRUE(mm_object_type(s, mm_object_index(s, (uintptr_t)a)) ==
                &node_type);
    ASSERT_TRUE(mm_object_base(&b[7], &s) == b);
    EXPECT_TRUE(mm_object_type(s, mm_object_index(s, (uintptr_t)b)) ==
                &node_type);
    ASSERT_TRUE(mm_object_base((char *)big + 70000, &s) == big);
    EXPECT_EQ(s->state, MSPAN_LARGE);
    EXPECT_TRUE(mm_object_type(s, 0) == &node_type);
    ASSERT_TRUE(mm_object_base(plain, &s) == plain);
    EXPECT_TRUE(mm_object_type(s, mm_object_index(s, (uintptr_t)plain)) ==
                NULL);
    ASSERT_TRUE(mm_object_base(noscan, &ns) == noscan);
    EXPECT_TRUE(mm_object_type(ns, 0) == NULL);
    /* type slots take room: a scan span of a class holds fewer objects */
    EXPECT_TRUE(s->nelems < ns->nelems);
    EXPECT_TRUE(mm_alloc_typed(&node_type, SIZE_MAX / 8) == NULL);
    VERIFY();
}

TEST(mm, tiny_allocations_share_a_block)
{
    struct mm_stats st;
    uint8_t *a, *b, *c;

    fresh_heap();
    a = mm_alloc(4, MM_KIND_NOSCAN, 0);
    b = mm_alloc(4, MM_KIND_NOSCAN, 0);
    c = mm_alloc(8, MM_KIND_NOSCAN, 0);
    ASSERT_TRUE(a && b && c);
    EXPECT_TRUE(b == a + 4);
    EXPECT_TRUE(c == a + 8);
    EXPECT_TRUE(a[0] == 0 && c[7] == 0);
    mm_read_stats(&st);
    EXPECT_EQ(st.mallocs, 3);
    EXPECT_EQ(st.heap_alloc, 16);
    VERIFY();
}

TEST(mm, stacks_come_from_pages_and_pool)
{
    struct mm_stats st;
    void *a, *b, *c;

    fresh_heap();
    a = mm_stack_alloc(2048);
    b = mm_stack_alloc(3 * MM_PAGE_SIZE);
    ASSERT_TRUE(a && b);
    EXPECT_EQ((uintptr_t)a % MM_PAGE_SIZE, 0);
    mm_read_stats(&st);
    EXPECT_EQ(st.stack_inuse,
              (2048 + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE * MM_PAGE_SIZE +
                  3 * MM_PAGE_SIZE);
    mm_stack_free(b);
    c = mm_stack_alloc(3 * MM_PAGE_SIZE - 100);
    EXPECT_TRUE(c == b); /* reused from the pool */
    mm_stack_free(a);
    mm_stack_free(c);
    mm_read_stats(&st);
    EXPECT_EQ(st.stack_inuse, 0);
    EXPECT_EQ(st.stack_sys,
              (2048 + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE * MM_PAGE_SIZE +
                  3 * MM_PAGE_SIZE);
    VERIFY();
}

TEST(mm, out_of_memory_returns_null_then_recovers)
{
    static void *p[40000];
    struct mm_stats before, after;
    int n = 0;

    fresh_heap();
    mm_read_stats(&before);
    while (n < 40000 && (p[n] = mm_alloc(2000 + (size_t)(n % 7) * 300,
                                         MM_KIND_MANUAL, 0)) != NULL)
        n++;
    EXPECT_TRUE(n > 1000 && n < 40000);
    EXPECT_TRUE(mm_alloc(1u << 30, MM_KIND_MANUAL, 0) == NULL);
    VERIFY();
    mm_read_stats(&after);
    EXPECT_TRUE(after.heap_alloc > ARENA_BYTES / 10 * 8); /* > 80% used */
    while (n > 0)
        mm_free(p[--n]);
    VERIFY();
    mm_read_stats(&after);
    /* Everything is free again and coalesced, except descriptor pages
     * grown while the heap was full (mm/mheap.c): with 512-byte pages
     * the reserve covers a quarter of the worst case, so those islands
     * split a 32 MiB heap more finely than any board of that page size
     * (16 KiB) ever could be. */
    EXPECT_TRUE(
        mm_alloc(MM_PAGE_SIZE >= 1024 ? ARENA_BYTES / 2 : ARENA_BYTES / 16,
                 MM_KIND_MANUAL, 0) != NULL);
}

TEST(mm, c_api)
{
    void *p, *q;

    fresh_heap();
    errno = 0;
    EXPECT_TRUE(tern_calloc(SIZE_MAX / 2, 4) == NULL);
    EXPECT_EQ(errno, ENOMEM);
    EXPECT_TRUE(tern_malloc(SIZE_MAX / 2) == NULL);
    errno = 0;
    EXPECT_TRUE(tern_aligned_alloc(24, 48) == NULL);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(tern_posix_memalign(&p, 3, 8), EINVAL);
    for (size_t a = 8; a <= MM_PAGE_SIZE; a *= 2) {
        p = tern_aligned_alloc(a, 40);
        ASSERT_TRUE(p != NULL);
        EXPECT_EQ((uintptr_t)p % a, 0);
        tern_free(p);
    }
    ASSERT_TRUE(tern_posix_memalign(&p, 64, 100) == 0);
    EXPECT_EQ((uintptr_t)p % 64, 0);
    tern_free(p);
    p = tern_calloc(10, 10);
    ASSERT_TRUE(p != NULL);
    EXPECT_EQ(((uint8_t *)p)[99], 0);
    memset(p, 0xAB, 100);
    q = tern_realloc(p, 5000);
    ASSERT_TRUE(q != NULL);
    EXPECT_EQ(((uint8_t *)q)[99], 0xAB);
    q = tern_realloc(q, 50);
    EXPECT_EQ(((uint8_t *)q)[49], 0xAB);
    EXPECT_TRUE(tern_realloc(q, 0) == NULL);
    tern_free(NULL);
    VERIFY();
}

TEST(mm, randomised_model_10m_operations)
{
    static struct mm_model_block live[2048];
    struct mm_model m = {live,     2048, 10000000, 128 * 1024, 1000000,
                         20261122, 0,    0,        0,          0};

    fresh_heap();
    memset(live, 0, sizeof live);
    if (mm_model_run(&m) != 0)
        return;
    EXPECT_EQ(m.nulls, 0);
    EXPECT_TRUE(m.allocs > 3000000 && m.frees > 3000000 &&
                m.reallocs > 1000000);
}

/* --- misuse: each a fatal error naming the address ------------------------ */

TEST_DEATH(mm_misuse, free_of_stack_pointer,
           "free of pointer not allocated by Tern")
{
    int x;
    fresh_heap();
    mm_free(&x);
}

TEST_DEATH(mm_misuse, free_of_static, "free of pointer not allocated by Tern")
{
    static int x;
    fresh_heap();
    mm_free(&x);
}

TEST_DEATH(mm_misuse, free_of_page_map, "free of pointer not allocated by Tern")
{
    fresh_heap();
    mm_free(arena + 64);
}

TEST_DEATH(mm_misuse, free_of_free_page,
           "free of pointer not allocated by Tern")
{
    fresh_heap();
    mm_free(arena + ARENA_BYTES / 2);
}

TEST_DEATH(mm_misuse, free_of_interior_small, "free of interior pointer")
{
    char *p;
    fresh_heap();
    p = mm_alloc(64, MM_KIND_MANUAL, 0);
    mm_free(p + 8);
}

TEST_DEATH(mm_misuse, free_of_interior_large, "free of interior pointer")
{
    char *p;
    fresh_heap();
    p = mm_alloc(100000, MM_KIND_MANUAL, 0);
    mm_free(p + 5000);
}

TEST_DEATH(mm_misuse, double_free_small, "double free")
{
    void *p;
    fresh_heap();
    p = mm_alloc(24, MM_KIND_MANUAL, 0);
    mm_alloc(24, MM_KIND_MANUAL, 0); /* keep the span alive */
    mm_free(p);
    mm_free(p);
}

TEST_DEATH(mm_misuse, double_free_large,
           "free of pointer not allocated by Tern")
{
    void *p;
    fresh_heap();
    p = mm_alloc(100000, MM_KIND_MANUAL, 0);
    mm_free(p);
    mm_free(p); /* its pages are free again */
}

TEST_DEATH(mm_misuse, free_of_never_allocated_slot, "double free")
{
    char *p;
    fresh_heap();
    p = mm_alloc(32, MM_KIND_MANUAL, 0);
    mm_free(p + 32); /* the next object of the span, never handed out */
}

TEST_DEATH(mm_misuse, free_of_gc_object, "free of garbage-collected object")
{
    fresh_heap();
    mm_free(mm_alloc(40, MM_KIND_SCAN, MM_ZERO));
}

TEST_DEATH(mm_misuse, realloc_of_foreign_pointer,
           "free of pointer not allocated by Tern")
{
    int x;
    fresh_heap();
    tern_realloc(&x, 10);
}

TEST_DEATH(mm_misuse, realloc_after_free, "double free")
{
    void *p;
    fresh_heap();
    p = tern_malloc(48);
    tern_malloc(48);
    tern_free(p);
    tern_realloc(p, 100);
}

TEST_DEATH(mm_misuse, free_of_stack_span,
           "free of pointer not allocated by Tern")
{
    fresh_heap();
    mm_free(mm_stack_alloc(4096));
}

TEST_DEATH(mm_misuse, stack_free_of_object, "mm_stack_free: not a stack in use")
{
    fresh_heap();
    mm_stack_free(mm_alloc(64, MM_KIND_MANUAL, 0));
}

TEST_DEATH(mm_misuse, xalloc_out_of_memory, "out of memory")
{
    fresh_heap();
    mm_xalloc(ARENA_BYTES * 2, MM_KIND_SCAN, 0);
}
