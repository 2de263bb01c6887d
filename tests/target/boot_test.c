/*
 * tests/target/boot_test.c - the reset path and the segment map.
 */
#include <stdint.h>
#include <string.h>

#include "arch/arch.h"
#include "kernel/segments.h"
#include "mm/mm.h"
#include "tests/harness/test.h"

static volatile uint32_t initialised = 0x7E57DA7A; /* lands in .data */
static volatile uint32_t zeroed[16];               /* lands in .bss */
static volatile uint32_t private_word TERN_PRIVATE;
static const uint32_t constant = 0xC0FFEE;

static const struct tern_segment *find_kind(enum tern_seg_kind k)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);

    for (size_t i = 0; i < n; i++)
        if (t[i].kind == k)
            return &t[i];
    return NULL;
}

static int inside(const struct tern_segment *s, const volatile void *p)
{
    uintptr_t a = (uintptr_t)p;
    return s != NULL && a >= s->start && a < s->end;
}

TEST(boot, data_copied_from_flash)
{
    const struct tern_segment *d = find_kind(TERN_SEG_DATA);

    EXPECT_EQ(initialised, 0x7E57DA7A);
    EXPECT_TRUE(inside(d, &initialised));
    initialised = 1; /* it is RAM: writable */
    EXPECT_EQ(initialised, 1);
}

TEST(boot, bss_zeroed)
{
    const struct tern_segment *b = find_kind(TERN_SEG_BSS);

    for (int i = 0; i < 16; i++)
        EXPECT_EQ(zeroed[i], 0);
    EXPECT_TRUE(inside(b, &zeroed[0]));
    EXPECT_TRUE(b->flags & TERN_SEG_GCROOT);
}

TEST(boot, private_segment_zeroed_and_not_a_root)
{
    const struct tern_segment *p = find_kind(TERN_SEG_PRIVATE);

    EXPECT_EQ(private_word, 0);
    EXPECT_TRUE(inside(p, &private_word));
    EXPECT_TRUE(!(p->flags & TERN_SEG_GCROOT));
}

TEST(boot, rodata_in_image)
{
    const struct tern_segment *r = find_kind(TERN_SEG_RODATA);
    const struct tern_segment *t = find_kind(TERN_SEG_TEXT);

    EXPECT_TRUE(inside(r, &constant));
    EXPECT_TRUE(r->flags & TERN_SEG_FLASH);
    EXPECT_TRUE(inside(t, (const void *)(uintptr_t)&test_main));
}

TEST(boot, segment_table_verifies)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);

    EXPECT_TRUE(n >= 7);
    EXPECT_TRUE(segments_verify(t, n) == NULL);
}

/* main() runs as goroutine 1, on a stack span from the heap; the stack
 * segment is the interrupt stack (and the idle loop's). */
TEST(boot, main_runs_on_a_goroutine_stack)
{
    const struct tern_segment *s = find_kind(TERN_SEG_STACK);
    uintptr_t sp = arch_sp();
    struct mspan *span = mm_span_of((void *)sp);

    EXPECT_TRUE(s != NULL && !(sp > s->start && sp <= s->end));
    ASSERT_TRUE(span != NULL);
    EXPECT_EQ(span->state, MSPAN_STACK);
    EXPECT_EQ(tern_goid(), 1);
}

/* Every byte of the main RAM block is accounted for: data, bss, private,
 * heap and stack are contiguous, the heap taking all that is left. */
TEST(boot, heap_takes_the_rest_of_ram)
{
    const struct tern_segment *d = find_kind(TERN_SEG_DATA);
    const struct tern_segment *b = find_kind(TERN_SEG_BSS);
    const struct tern_segment *p = find_kind(TERN_SEG_PRIVATE);
    const struct tern_segment *s = find_kind(TERN_SEG_STACK);
    const struct tern_segment *h = NULL;
    size_t n;
    const struct tern_segment *t = tern_segments(&n);

    for (size_t i = 0; i < n; i++)
        if (t[i].kind == TERN_SEG_HEAP && t[i].start >= p->end &&
            t[i].start < p->end + 4096)
            h = &t[i];
    ASSERT_TRUE(h != NULL);
    EXPECT_TRUE(b->start - d->end < 8);
    EXPECT_TRUE(p->start - b->end < 8);
    /* on x86 the stack sits below the heap, elsewhere above it */
    EXPECT_TRUE(h->end == s->start || s->end <= h->start);
    EXPECT_TRUE(h->end - h->start >= 1024);
}

TEST(boot, heap_regions_are_usable_ram)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);

    for (size_t i = 0; i < n; i++) {
        volatile uint32_t *lo, *hi;
        uint32_t a, b;

        if (t[i].kind != TERN_SEG_HEAP)
            continue;
        lo = (volatile uint32_t *)((t[i].start + 3) & ~(uintptr_t)3);
        hi = (volatile uint32_t *)((t[i].end - 4) & ~(uintptr_t)3);
        a = *lo;
        b = *hi;
        *lo = 0xA5A5F00Du;
        *hi = 0x5A5AF00Du;
        EXPECT_EQ(*lo, 0xA5A5F00Du);
        EXPECT_EQ(*hi, 0x5A5AF00Du);
        *lo = a;
        *hi = b;
    }
}
