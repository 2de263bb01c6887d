/*
 * tests/host/gc_test.c - the collector's logic on the host under
 * ASan/UBSan: a small heap, collections driven by allocation and by
 * tern_gc in the test's own context (no goroutines: roots are the
 * registered ones), the randomised mutator at full scale.
 */
#include <stdlib.h>
#include <string.h>

#include "gc/gc.h"
#include "mm/mm.h"
#include "tests/common/gc_mutator.h"
#include "tests/harness/test.h"

#define HEAP_BYTES (512u << 10)

static uint8_t *arena;

static void fresh_gc_heap(void)
{
    struct mm_region r;

    if (arena == NULL)
        arena = aligned_alloc(MM_PAGE_SIZE, HEAP_BYTES);
    r = (struct mm_region){(uintptr_t)arena, (uintptr_t)arena + HEAP_BYTES};
    mm_init_regions(&r, 1);
    gc_init();
}

static uint64_t heap_alloc(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    return st.heap_alloc;
}

struct cell {
    struct cell *next;
    uintptr_t val;
};
TERN_TYPE(cell_type, struct cell, next);

static struct cell *list_root[1];

TEST(gc, unreachable_freed_reachable_kept)
{
    struct cell *c;
    uint64_t base;

    fresh_gc_heap();
    tern_gc_add_root(list_root, sizeof list_root);
    base = heap_alloc();
    for (int i = 0; i < 1000; i++) {
        c = tern_new(cell_type);
        c->val = (uintptr_t)i;
        tern_store(&c->next, list_root[0]);
        if (i % 2 == 0)
            tern_store(&list_root[0], c); /* every other one kept */
    }
    c = NULL;
    tern_gc();
    EXPECT_TRUE(gc_verify() == NULL);
    {
        int n = 0;
        for (struct cell *p = list_root[0]; p != NULL; p = p->next, n++)
            EXPECT_TRUE(p->val % 2 == 0);
        EXPECT_EQ(n, 500);
    }
    tern_store(&list_root[0], NULL);
    tern_gc();
    EXPECT_EQ(heap_alloc(), base);
    EXPECT_TRUE(gc_verify() == NULL);
    tern_gc_remove_root(list_root);
}

/* 10^6 mutations and over 1000 cycles, checkmark and clobber on. */
TEST(gc, random_mutator_million)
{
    struct gc_mutator_result r;

    fresh_gc_heap();
    tern_gc_debug(TERN_GC_CHECKMARK | TERN_GC_CLOBBER | TERN_GC_ZOMBIE);
    gc_mutator_run(777, 1000000, 300, 700, &r);
    tern_gc_debug(0);
    EXPECT_EQ(r.bad, 0);
    EXPECT_TRUE(r.cycles >= 1000);
    gc_mutator_clear();
    tern_gc();
    EXPECT_TRUE(gc_verify() == NULL);
}

/* A tiny work list: overflow handled, nothing lost, marking finishes. */
TEST(gc, work_list_overflow_loses_nothing)
{
    struct gc_mutator_result r;
    struct tern_gcstats st;

    fresh_gc_heap();
    gc_set_stack_room(2);
    tern_gc_debug(TERN_GC_CHECKMARK | TERN_GC_CLOBBER);
    gc_mutator_run(99, 50000, 500, 500, &r);
    tern_gc_debug(0);
    gc_set_stack_room(0);
    tern_read_gcstats(&st);
    EXPECT_EQ(r.bad, 0);
    EXPECT_TRUE(st.mark_overflows > 0);
    gc_mutator_clear();
    tern_gc();
}

/* 1000 heaps of garbage, one object alive at a time: never out of
 * memory, and back to the start after a last collection. */
TEST(gc, steady_garbage)
{
    uint64_t base, total = 0;
    void *keep;

    fresh_gc_heap();
    base = heap_alloc();
    while (total < 1000ull * HEAP_BYTES) {
        size_t size = 8 + (size_t)(total / 13 % 3000);
        keep = tern_alloc_noscan(size);
        memset(keep, 1, size);
        total += size;
    }
    keep = NULL;
    tern_gc();
    EXPECT_EQ(heap_alloc(), base);
}

/* --- the checker can fail --- */

struct pair {
    struct pair *f;
    uint32_t v;
};
TERN_TYPE(pair_type, struct pair, f);
static struct pair *root_a, *root_c;

/* Overwrite the stack below us, so no stale copy of a pointer survives
 * in it to be found by the conservative scan. */
static __attribute__((noinline)) void scrub(void)
{
    volatile uint8_t junk[384];

    memset((void *)junk, 0, sizeof junk);
}

/* C = new (black), C->f = A->f, A->f = NULL: both stores plain, as a
 * store path that forgot the barrier.  B is then reachable only through
 * C, which marking never scans. */
static __attribute__((noinline)) void bad_stores(void)
{
    struct pair *c = tern_new(pair_type);

    tern_store(&root_c, c);
    c->f = root_a->f; /* no barrier: B not shaded */
    root_a->f = NULL; /* no barrier: the deletion not seen */
}

TEST_DEATH(gc, checkmark_catches_a_skipped_barrier,
           "checkmark found unmarked object")
{
    struct pair *a;

    fresh_gc_heap();
    tern_gc_add_root(&root_a, sizeof root_a);
    tern_gc_add_root(&root_c, sizeof root_c);
    a = tern_new(pair_type);

    tern_gc_debug(TERN_GC_CHECKMARK);
    tern_store(&root_a, a);
    tern_store(&a->f, tern_new(pair_type));
    a = NULL;
    scrub();
    gc_cycle_begin();
    bad_stores();
    scrub();
    gc_cycle_finish();
    test_fail(__FILE__, __LINE__, "the checkmark saw nothing");
}
