/*
 * tests/host/segments_test.c - sorting and verifying segment tables.
 */
#include "kernel/segments.h"
#include "tests/harness/test.h"

/* A plausible ARM layout, deliberately out of order. */
static void layout(struct tern_segment *t, size_t *n)
{
    const struct tern_segment s[] = {
        {"stack", 0x2000F000, 0x20010000, 0x2000F000, TERN_SEG_STACK, 0},
        {"text", 0x08000000, 0x08004000, 0x08000000, TERN_SEG_TEXT,
         TERN_SEG_FLASH},
        {"heap", 0x20000400, 0x2000F000, 0x20000400, TERN_SEG_HEAP, 0},
        {"rodata", 0x08004000, 0x08005000, 0x08004000, TERN_SEG_RODATA,
         TERN_SEG_FLASH},
        {"data", 0x20000000, 0x20000100, 0x08005000, TERN_SEG_DATA,
         TERN_SEG_GCROOT},
        {"bss", 0x20000100, 0x20000300, 0x20000100, TERN_SEG_BSS,
         TERN_SEG_GCROOT},
        {"private", 0x20000300, 0x20000400, 0x20000300, TERN_SEG_PRIVATE, 0},
    };
    *n = sizeof s / sizeof s[0];
    for (size_t i = 0; i < *n; i++)
        t[i] = s[i];
}

TEST(segments, sort_orders_by_start)
{
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;

    layout(t, &n);
    segments_sort(t, n);
    for (size_t i = 1; i < n; i++)
        EXPECT_TRUE(t[i - 1].start <= t[i].start);
    EXPECT_STREQ(t[0].name, "text");
    EXPECT_STREQ(t[n - 1].name, "stack");
}

TEST(segments, valid_layout_verifies)
{
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;

    layout(t, &n);
    segments_sort(t, n);
    EXPECT_TRUE(segments_verify(t, n) == NULL);
}

TEST(segments, unsorted_rejected)
{
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;

    layout(t, &n);
    EXPECT_STREQ(segments_verify(t, n), "segment table not sorted");
}

TEST(segments, overlap_rejected)
{
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;

    layout(t, &n);
    t[2].start = 0x200003F0; /* heap over the private segment */
    segments_sort(t, n);
    EXPECT_STREQ(segments_verify(t, n), "segments overlap");
}

TEST(segments, missing_kind_rejected)
{
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;

    layout(t, &n);
    t[0].kind = TERN_SEG_HEAP; /* no stack any more */
    segments_sort(t, n);
    EXPECT_STREQ(segments_verify(t, n), "missing or duplicated segment");
}

TEST(segments, inverted_and_unnamed_rejected)
{
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;

    layout(t, &n);
    segments_sort(t, n);
    t[3].end = t[3].start - 4;
    EXPECT_STREQ(segments_verify(t, n), "segment ends before it starts");
    layout(t, &n);
    segments_sort(t, n);
    t[1].name = "";
    EXPECT_STREQ(segments_verify(t, n), "segment without a name");
}

TEST(segments, data_image_over_ram_rejected)
{
    struct tern_segment t[SEGMENTS_MAX];
    size_t n;

    layout(t, &n);
    t[4].load = 0x20000200; /* .data "loaded" from the bss */
    segments_sort(t, n);
    EXPECT_STREQ(segments_verify(t, n), "data load image overlaps RAM");
}

TEST(segments, table_install_and_read_back)
{
    struct tern_segment t[SEGMENTS_MAX];
    const struct tern_segment *r;
    size_t n, m;

    layout(t, &n);
    segments_sort(t, n);
    segments_set(t, n);
    r = tern_segments(&m);
    EXPECT_EQ(m, n);
    EXPECT_EQ(r[2].start, t[2].start);
    EXPECT_STREQ(segments_kind_name(TERN_SEG_PRIVATE), "private");
    segments_set(NULL, 0); /* its globals are made up: later collections
                              must not scan them */
}
