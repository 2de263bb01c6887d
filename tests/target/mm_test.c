/*
 * tests/target/mm_test.c - the memory manager on the board's own heap:
 * the model-based randomised test scaled to the RAM, out of memory, the C
 * library's malloc and printf together, and misuse reports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "tests/common/mm_model.h"
#include "tests/harness/test.h"

static size_t clamp(size_t v, size_t lo, size_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

TEST(mm, heap_is_the_heap_segments)
{
    struct mm_stats st;
    size_t n, heap = 0;
    const struct tern_segment *t = tern_segments(&n);

    for (size_t i = 0; i < n; i++)
        if (t[i].kind == TERN_SEG_HEAP)
            heap += t[i].end - t[i].start;
    mm_trim(); /* earlier tests leave spans cached */
    mm_read_stats(&st);
    EXPECT_TRUE(mm_verify() == NULL);
    /* all of it is pages: idle, in use, or metadata (maps, descriptors) */
    EXPECT_TRUE(st.heap_sys + st.stack_sys + st.mspan_sys <= heap);
    /* main()'s goroutine stack and newlib's stdout buffer are in use */
    EXPECT_TRUE(st.heap_idle > heap / 4);
    tern_printf(
        "heap %lu bytes: idle %lu, maps+mcentral %lu, span descriptors %lu\n",
        (unsigned long)heap, (unsigned long)st.heap_idle,
        (unsigned long)st.other_sys, (unsigned long)st.mspan_sys);
}

TEST(mm, libc_malloc_with_printf)
{
    char *s = malloc(64);
    char *t;

    ASSERT_TRUE(s != NULL);
    snprintf(s, 64, "%s-%d", "malloc", 42);
    t = realloc(s, 1000);
    ASSERT_TRUE(t != NULL);
    EXPECT_STREQ(t, "malloc-42");
    printf("printf of malloc'd text: %s\n", t);
    free(t);
    t = calloc(16, 16);
    ASSERT_TRUE(t != NULL);
    for (int i = 0; i < 256; i++)
        EXPECT_EQ(t[i], 0);
    free(t);
    EXPECT_TRUE(mm_verify() == NULL);
}

TEST(mm, randomised_model_scaled_to_ram)
{
    struct mm_stats st;
    struct mm_model m;

    mm_read_stats(&st);
    memset(&m, 0, sizeof m);
    m.nslots = (int)clamp(st.heap_idle / 1024, 8, 512);
    m.live = calloc((size_t)m.nslots, sizeof *m.live);
    ASSERT_TRUE(m.live != NULL);
    m.max_size = clamp(st.heap_idle / (size_t)m.nslots, 256, 128 * 1024);
    m.ops = 100000;
    m.verify_every = 10000;
    m.seed = 424242;
    if (mm_model_run(&m) != 0)
        return;
    free(m.live);
    tern_printf("model: %d slots, sizes to %lu: %ld allocs, %ld frees, "
                "%ld reallocs, %ld out of memory\n",
                m.nslots, (unsigned long)m.max_size, m.allocs, m.frees,
                m.reallocs, m.nulls);
    EXPECT_TRUE(m.allocs > 20000);
}

TEST(mm, out_of_memory_is_null_and_enomem)
{
    struct mm_stats before, after;
    void *head = NULL, *q;
    size_t size;
    int n = 0;

    mm_read_stats(&before);
    size = clamp(before.heap_idle / 200, 64, 256 * 1024);
    errno = 0;
    /* the blocks chain through their first word: no array to allocate */
    while (n < 100000 && (q = malloc(size)) != NULL) {
        *(void **)q = head;
        head = q;
        n++;
    }
    EXPECT_TRUE(n > 5 && n < 100000);
    EXPECT_EQ(errno, ENOMEM);
    EXPECT_TRUE(mm_verify() == NULL);
    while (head != NULL) {
        q = *(void **)head;
        free(head);
        head = q;
    }
    EXPECT_TRUE(mm_verify() == NULL);
    mm_read_stats(&after);
    /* nothing of the test's is left; memory pressure may also have freed
     * dead goroutines the scheduler kept for reuse */
    EXPECT_TRUE(after.heap_alloc <= before.heap_alloc);
    EXPECT_TRUE(after.min_free <= before.heap_idle / 10);
}

TEST_DEATH(mm, free_of_foreign_pointer, "free of pointer not allocated by Tern")
{
    static int x;
    free(&x);
}

TEST_DEATH(mm, double_free_is_fatal, "double free")
{
    void *a = malloc(40), *b = malloc(40);
    free(a);
    free(a);
    free(b);
}
