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
#include "tests/common/gc_fin.h"
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

static void scrub(void);

/* 1000 cells, every other one linked from list_root (in a frame of its
 * own: no stale pointer left in the test's). */
static __attribute__((noinline)) void make_cells(void)
{
    for (int i = 0; i < 1000; i++) {
        struct cell *c = tern_new(cell_type);
        c->val = (uintptr_t)i;
        tern_store(&c->next, list_root[0]);
        if (i % 2 == 0)
            tern_store(&list_root[0], c); /* every other one kept */
    }
}

TEST(gc, unreachable_freed_reachable_kept)
{
    uint64_t base;

    fresh_gc_heap();
    tern_gc_add_root(list_root, sizeof list_root);
    base = heap_alloc();
    make_cells();
    scrub();
    tern_gc();
    EXPECT_TRUE(gc_verify() == NULL);
    {
        int n = 0;
        for (struct cell *p = list_root[0]; p != NULL; p = p->next, n++)
            EXPECT_TRUE(p->val % 2 == 0);
        EXPECT_EQ(n, 500);
    }
    tern_store(&list_root[0], NULL);
    scrub();
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

/* Work units stay short whatever the objects: a big pointer array whose
 * span overflows (a work list of 2 entries) is rescanned a piece at a
 * time, and a big malloc'd block (a root) is walked a piece per step.
 * Every gc_mark_work(64) call does at most its budget and one unit: 1 KiB
 * of an object, or a root step (the longest here is this thread's stack,
 * about 2.7 KiB), not a whole 16 KiB object; and everything the two hold
 * survives, checkmark on. */
#define BIG_WORDS 2048 /* 8 or 16 KiB */

static __attribute__((noinline)) void fill_big(void **arr, void **blk)
{
    for (int i = 0; i < BIG_WORDS; i++) {
        struct cell *c = tern_new(cell_type);
        c->val = (uintptr_t)i;
        tern_store(&arr[i], c);
        c = tern_new(cell_type);
        c->val = (uintptr_t)(BIG_WORDS + i);
        blk[i] = c; /* (not marking: a plain store is fine) */
    }
}

TEST(gc, big_objects_are_marked_a_piece_at_a_time)
{
    void **arr, **blk;
    uint64_t most = 0;
    int n = 0;

    fresh_gc_heap();
    tern_gc_add_root(list_root, sizeof list_root);
    arr = tern_alloc_array(&tern_type_ptr, BIG_WORDS);
    tern_store(&list_root[0], arr);
    blk = mm_alloc(BIG_WORDS * sizeof(void *), MM_KIND_MANUAL, MM_ZERO);
    ASSERT_TRUE(blk != NULL);
    fill_big(arr, blk);
    arr = NULL;
    scrub();
    tern_gc_debug(TERN_GC_CHECKMARK);
    gc_set_stack_room(2);
    gc_cycle_begin();
    while (!gc_mark_done()) {
        uint64_t before = gc.scan_work;
        if (!gc_mark_work(64))
            break;
        if (gc.scan_work - before > most)
            most = gc.scan_work - before;
    }
    gc_cycle_finish();
    gc_set_stack_room(0);
    tern_gc_debug(0);
    EXPECT_TRUE(most <= 4096); /* (was the whole block: 16448 bytes) */
    arr = (void **)list_root[0];
    for (int i = 0; i < BIG_WORDS; i++) {
        n += ((struct cell *)arr[i])->val == (uintptr_t)i;
        n += ((struct cell *)blk[i])->val == (uintptr_t)(BIG_WORDS + i);
    }
    EXPECT_EQ(n, 2 * BIG_WORDS);
    EXPECT_TRUE(gc_verify() == NULL);
    mm_free(blk);
    tern_store(&list_root[0], NULL);
    tern_gc();
    tern_gc_remove_root(list_root);
}

/* 1000 heaps of garbage, one object alive at a time: never out of
 * memory, and back to the start after a last collection. */
/* (in a frame of its own: no stale pointer to the last object left in
 * the test's) */
static __attribute__((noinline)) void make_steady_garbage(void)
{
    uint64_t total = 0;

    while (total < 1000ull * HEAP_BYTES) {
        size_t size = 8 + (size_t)(total / 13 % 3000);
        void *keep = tern_alloc_noscan(size);
        memset(keep, 1, size);
        total += size;
    }
}

TEST(gc, steady_garbage)
{
    uint64_t base;

    fresh_gc_heap();
    base = heap_alloc();
    make_steady_garbage();
    scrub();
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
    volatile uint8_t junk[4096];

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

/* Typed objects of every small size class, the ones that fill their span
 * exactly included (their type lives in the span descriptor): allocated,
 * their pointers followed, freed. */
static void **keep1[1];

/* An array of n pointers whose last slot points to a 24-byte blob, in
 * keep1[0]. */
static __attribute__((noinline)) void keep_n(size_t n)
{
    void **a = tern_alloc_array(&tern_type_ptr, n);

    tern_store(&a[n - 1], tern_alloc_noscan(24)); /* the last slot */
    memset(a[n - 1], 0x3c, 24);
    tern_store(&keep1[0], a);
}

/* keep1[0]'s last slot's blob is intact; then keep1[0] dropped. */
static __attribute__((noinline)) bool check_drop(size_t n)
{
    bool ok = ((uint8_t *)keep1[0][n - 1])[23] == 0x3c;

    tern_store(&keep1[0], NULL);
    return ok;
}

TEST(gc, typed_objects_of_every_class)
{
    uint64_t base;

    fresh_gc_heap();
    tern_gc_add_root(keep1, sizeof keep1);
    tern_gc_debug(TERN_GC_CHECKMARK | TERN_GC_CLOBBER);
    base = heap_alloc();
    for (unsigned c = 1; c < MM_NUM_CLASSES; c++) {
        size_t n = mm_class_size[c] / sizeof(void *);
        keep_n(n);
        scrub();
        tern_gc();
        EXPECT_TRUE(check_drop(n));
    }
    /* a large array: scanned a piece at a time, its last slot too */
    keep_n(100000 / sizeof(void *));
    scrub();
    tern_gc();
    EXPECT_TRUE(check_drop(100000 / sizeof(void *)));
    scrub();
    tern_gc();
    EXPECT_TRUE(gc_verify() == NULL);
    tern_gc_debug(0);
    tern_gc();
    /* (a stale word on the thread's stack, which is scanned
     * conservatively, may keep one small array and its blob) */
    EXPECT_TRUE(heap_alloc() <= base + 64);
    tern_gc_remove_root(keep1);
}

/* --- finalizers and pools --- */

static uint32_t fin_ran, fin_bad;
static struct fobj *fin_saved[1]; /* a root a finalizer may store into */

/* A finalizer that checks its object and what it points to are intact. */
static void fin_check(void *p)
{
    fin_ran++;
    if (!fobj_intact(p))
        fin_bad++;
}

static void fin_resurrect(void *p)
{
    fin_check(p);
    tern_store(&fin_saved[0], p);
}

static void make_finalizable(int n, void (*fn)(void *))
{
    fin_bad += (uint32_t)fobj_make_finalizable(n, fn);
}

/* Unreachable finalizable objects are kept, with what they point to,
 * until their finalizer has run; each runs once; the next cycle frees
 * them. */
TEST(gc, finalizers_run_once_then_objects_are_freed)
{
    uint64_t base;
    uint32_t queued, reg;

    fresh_gc_heap();
    fin_ran = fin_bad = 0;
    base = heap_alloc();
    make_finalizable(40, fin_check);
    scrub();
    tern_gc();
    reg = gc_fin_count(&queued);
    EXPECT_EQ(reg + queued, 40);
    EXPECT_TRUE(queued >= 36); /* (a stale stack word may keep a few) */
    EXPECT_TRUE(heap_alloc() > base);
    EXPECT_EQ(gc_fin_run(), queued);
    EXPECT_EQ(fin_ran, queued);
    EXPECT_EQ(fin_bad, 0);
    scrub();
    tern_gc();
    gc_fin_count(&queued);
    EXPECT_EQ(queued, 0);
    EXPECT_EQ(gc_fin_run(), 0); /* at most once */
    EXPECT_TRUE(gc_verify() == NULL);
    /* what is left is exactly the still-registered objects: freed by
     * removing their finalizers would need their pointers; count them */
    EXPECT_TRUE(heap_alloc() <= base + (uint64_t)reg * 64);
}

/* A finalizer that stores its object revives it; it does not run again,
 * and the object is freed once dropped. */
TEST(gc, resurrected_object_finalized_at_most_once)
{
    uint64_t base;
    uint32_t queued;

    fresh_gc_heap();
    tern_gc_add_root(fin_saved, sizeof fin_saved);
    fin_ran = fin_bad = 0;
    base = heap_alloc();
    make_finalizable(1, fin_resurrect);
    scrub();
    tern_gc();
    gc_fin_count(&queued);
    ASSERT_TRUE(queued == 1);
    EXPECT_EQ(gc_fin_run(), 1);
    ASSERT_TRUE(fin_saved[0] != NULL);
    tern_gc();
    tern_gc();
    EXPECT_TRUE(fobj_intact(fin_saved[0])); /* alive, intact */
    EXPECT_EQ(gc_fin_run(), 0);
    EXPECT_EQ(fin_ran, 1);
    tern_store(&fin_saved[0], NULL);
    scrub();
    tern_gc();
    EXPECT_EQ(heap_alloc(), base);
    EXPECT_EQ(fin_bad, 0);
    tern_gc_remove_root(fin_saved);
}

static __attribute__((noinline)) void *make_one(void)
{
    return fobj_make();
}

/* Removing a finalizer (fn NULL) cancels it; a finalizer set during
 * marking is safe. */
TEST(gc, finalizer_removed_or_set_while_marking)
{
    struct fobj *o;
    uint32_t queued;

    fresh_gc_heap();
    fin_ran = fin_bad = 0;
    o = make_one();
    EXPECT_EQ(tern_set_finalizer(o, fin_check), 0);
    EXPECT_EQ(tern_set_finalizer(o, NULL), 0);
    EXPECT_EQ(gc_fin_count(&queued), 0);
    o = NULL;
    scrub();
    tern_gc();
    EXPECT_EQ(gc_fin_run(), 0);

    /* set while a cycle marks: its object lives through that cycle */
    o = make_one();
    tern_gc_add_root(&o, sizeof o);
    gc_cycle_begin();
    EXPECT_EQ(tern_set_finalizer(o, fin_check), 0);
    tern_gc_remove_root(&o);
    o = NULL;
    scrub();
    gc_cycle_finish();
    gc_fin_count(&queued);
    EXPECT_EQ(queued, 0);
    scrub();
    tern_gc(); /* now it is garbage */
    gc_fin_count(&queued);
    EXPECT_EQ(queued, 1);
    EXPECT_EQ(gc_fin_run(), 1);
    EXPECT_EQ(fin_bad, 0);
}

static void *make_obj(void)
{
    return tern_alloc_noscan(64);
}

static struct tern_pool pool = TERN_POOL_INIT(make_obj);

/* n gets, then n puts: a pool holding fewer makes the rest. */
static __attribute__((noinline)) void fill_pool(int n)
{
    void *x[40];

    for (int i = 0; i < n; i++) {
        x[i] = tern_pool_get(&pool);
        memset(x[i], 0x11, 64);
    }
    for (int i = 0; i < n; i++)
        tern_pool_put(&pool, x[i]);
}

/* A pool's objects survive one collection (in the victim cache), not
 * two; get finds put objects before making new ones. */
TEST(gc, pool_victim_cache)
{
    uint64_t base, full;
    void *a, *b;

    fresh_gc_heap();
    tern_pool_destroy(&pool); /* (a fresh heap: forget the last test's) */
    pool = (struct tern_pool)TERN_POOL_INIT(make_obj);
    tern_gc_add_root(&pool, sizeof pool); /* host: globals are not roots */
    base = heap_alloc();
    a = tern_pool_get(&pool);
    tern_pool_put(&pool, a);
    b = tern_pool_get(&pool);
    EXPECT_TRUE(a == b); /* reused, not new */
    tern_pool_put(&pool, b);
    a = b = NULL;
    for (int i = 0; i < 3; i++)
        fill_pool(1); /* one object, got and put back */
    fill_pool(40);    /* 40 gets from a pool of 1: 39 new */
    scrub();
    full = heap_alloc();
    EXPECT_TRUE(full >= base + 40 * 64);
    tern_gc(); /* to the victim cache: all still there */
    EXPECT_TRUE(heap_alloc() >= base + 40 * 64);
    a = tern_pool_get(&pool); /* from the victims */
    EXPECT_TRUE(a != NULL && ((uint8_t *)a)[0] == 0x11);
    tern_pool_put(&pool, a);
    a = NULL;
    scrub();
    tern_gc(); /* victims dropped; the one put back is now a victim */
    tern_gc(); /* and now dropped too */
    EXPECT_TRUE(heap_alloc() <= base + 256);
    EXPECT_TRUE(gc_verify() == NULL);
    tern_pool_destroy(&pool);
    tern_gc_remove_root(&pool);
}

TEST_DEATH(gc, second_finalizer_is_fatal,
           "tern_set_finalizer: finalizer already set")
{
    struct fobj *o;

    fresh_gc_heap();
    o = make_one();
    tern_set_finalizer(o, fin_check);
    tern_set_finalizer(o, fin_check);
}

TEST_DEATH(gc, finalizer_on_interior_pointer_is_fatal,
           "tern_set_finalizer: pointer not at the start of an object")
{
    struct fobj *o;

    fresh_gc_heap();
    o = make_one();
    tern_set_finalizer(&o->magic, fin_check);
}

static struct tern_pool *heap_pool;

TEST_DEATH(gc, pool_inside_a_gc_object_is_fatal,
           "tern_pool: a pool inside a GC object")
{
    fresh_gc_heap();
    heap_pool = tern_alloc_scan(sizeof *heap_pool);
    tern_pool_put(heap_pool, tern_alloc_noscan(8));
}
