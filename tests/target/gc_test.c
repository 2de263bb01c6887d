/*
 * tests/target/gc_test.c - the garbage collector on the board: objects
 * freed when unreachable and never while reachable, under preemption and
 * concurrent allocation; the checkmark catching a skipped barrier; steady
 * garbage; GOGC; statistics and the gctrace line; fatal paths.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "gc/gc.h"
#include "kernel/console.h"
#include "mm/mm.h"
#include "sched/sched.h"
#include "tests/common/capture.h"
#include "tests/common/gc_fin.h"
#include "tests/common/gc_mutator.h"
#include "tests/harness/test.h"

struct tree {
    struct tree *left, *right;
    uint32_t depth, check;
};
TERN_TYPE(tree_type, struct tree, left, right);

/* The heap the tests work in: the whole heap, at most 256 KiB (mps2 has
 * 20 MiB; the figures scale with this). */
static uint64_t heap_bytes(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    return st.heap_sys < 256 * 1024 ? st.heap_sys : 256 * 1024;
}

/* The pacer's smallest goal over the live heap (gc/gc.c). */
static uint64_t heap_min(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    return st.heap_sys / 8 < 64 * 1024 ? st.heap_sys / 8 : 64 * 1024;
}

static uint64_t heap_alloc(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    return st.heap_alloc;
}

/* The microbit's 8 KiB heap holds the GC's goroutines and the light
 * tests, but not these (recursive trees, the mutator's graph, a 1.5 KiB
 * test stack): they say so and return; the host and the other boards run
 * them. */
static bool too_small(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    if (st.heap_sys >= 16 * 1024)
        return false;
    tern_printf("  (not on a heap of %lu bytes)\n", (unsigned long)st.heap_sys);
    return true;
}

/* Debug modes on top of the current ones (the suite may run with
 * TERN_GC_STRESS: `gcstress` on the boot command line); returns the old
 * set. */
static unsigned debug_add(unsigned flags)
{
    unsigned old = tern_gc_debug(0);

    tern_gc_debug(old | flags);
    return old;
}

/* Pacing tests count the cycles the pacer starts: without stress mode's
 * collection per allocation.  Returns the old set. */
static unsigned no_stress(void)
{
    unsigned old = tern_gc_debug(0);

    tern_gc_debug(old & ~TERN_GC_STRESS);
    return old;
}

/* Objects nothing points to are freed by one collection. */
TEST(gc, unreachable_objects_are_freed)
{
    struct tern_gcstats a, b;
    uint64_t before;
    int n = (int)(heap_bytes() / 4 / 64);

    if (too_small())
        return;

    tern_gc();
    before = heap_alloc();
    tern_read_gcstats(&a);
    for (int i = 0; i < n; i++) {
        void *p = tern_alloc_noscan(48);
        ASSERT_TRUE(p != NULL);
        memset(p, 0x5a, 48);
    }
    tern_gc();
    tern_read_gcstats(&b);
    EXPECT_TRUE(b.numgc >= a.numgc + 1);
    EXPECT_TRUE(b.freed - a.freed >= (uint64_t)n - 4);
    EXPECT_TRUE(heap_alloc() <= before + 256);
}

static struct tree *make_tree(uint32_t depth)
{
    struct tree *t = tern_new(tree_type);

    t->depth = depth;
    t->check = depth * 7 + 1;
    if (depth > 0) {
        /* a fresh object is only on our stack: plain stores would do, the
         * barrier is the rule */
        tern_store(&t->left, make_tree(depth - 1));
        tern_store(&t->right, make_tree(depth - 1));
    }
    return t;
}

static uint32_t check_tree(const struct tree *t, uint32_t depth)
{
    uint32_t bad = 0;

    if (t == NULL || t->depth != depth || t->check != depth * 7 + 1)
        return 1;
    if (depth > 0)
        bad = check_tree(t->left, depth - 1) + check_tree(t->right, depth - 1);
    return bad;
}

static struct tree *long_lived; /* a global root */
static volatile int churn_stop;
static volatile uint32_t churned;

/* Allocate short-lived trees until told to stop (preempted meanwhile). */
static void churner(void *arg)
{
    uint32_t depth = (uint32_t)(uintptr_t)arg;

    while (!churn_stop) {
        struct tree *t = make_tree(depth);
        if (check_tree(t, depth) != 0)
            tern_panic("churned tree damaged");
        churned++;
    }
}

/* Boehm's gctest shape: a long-lived tree checked node by node while two
 * goroutines allocate trees and the scheduler preempts them; checkmark on.
 * The churners' stacks hold their trees' recursion and whatever GC work
 * their allocations do (an assist, or mark termination with the
 * checkmark): on x86-64 that overflowed 4 KiB once in CI. */
#define CHURN_STACK (sizeof(void *) == 8 ? 8192 : 1024)
TEST(gc, trees_survive_concurrent_allocation)
{
    if (too_small())
        return;
    uint32_t depth = heap_bytes() >= 256 * 1024 ? 8 : 4;
    unsigned old = debug_add(
        TERN_GC_CLOBBER | (heap_bytes() < 64 * 1024 ? 0u : TERN_GC_CHECKMARK));
    struct tern_gcstats a, b;
    int64_t t0;

    tern_read_gcstats(&a);
    tern_store(&long_lived, make_tree(depth));
    churn_stop = 0;
    churned = 0;
    ASSERT_TRUE(tern_go_stack(churner, (void *)(uintptr_t)(depth - 1),
                              CHURN_STACK) > 0);
    ASSERT_TRUE(tern_go_stack(churner, (void *)(uintptr_t)(depth - 2),
                              CHURN_STACK) > 0);
    t0 = tern_nanotime();
    for (int round = 0;
         (round < 40 || churned < 4) && tern_nanotime() - t0 < 4000000000;
         round++) {
        struct tree *t = make_tree(depth - 1);
        EXPECT_EQ(check_tree(t, depth - 1), 0);
        EXPECT_EQ(check_tree(long_lived, depth), 0);
        if (round % 8 == 7)
            tern_gc();
    }
    churn_stop = 1;
    tern_sleep(30000000);
    tern_read_gcstats(&b);
    EXPECT_EQ(check_tree(long_lived, depth), 0);
    EXPECT_TRUE(b.numgc - a.numgc >= 5);
    EXPECT_TRUE(churned > 0);
    tern_store(&long_lived, NULL);
    tern_gc_debug(old);
    tern_gc();
}

/* The randomised mutator: typed graph, barrier stores, drops, re-links,
 * blobs; the reachable graph checked after every cycle, checkmark on. */
TEST(gc, random_mutator_keeps_the_graph)
{
    if (too_small())
        return;
    struct gc_mutator_result r;
    bool big = heap_bytes() >= 256 * 1024;
    /* (the microbit's 1 KiB main stack has no room for the checkmark's
     * and the verifier's walks on top of the mutator: the host and the
     * other boards run them) */
    bool tiny = heap_bytes() < 64 * 1024;
    unsigned old = debug_add(TERN_GC_CLOBBER | TERN_GC_ZOMBIE |
                             (tiny ? 0u : TERN_GC_CHECKMARK | TERN_GC_VERIFY));

    gc_mutator_run(12345, big ? 30000 : 3000, big ? 400 : 40, 500, &r);
    tern_gc_debug(old);
    EXPECT_EQ(r.bad, 0);
    EXPECT_TRUE(r.cycles >= 10);
    EXPECT_TRUE(r.checks >= 10);
    tern_printf("  mutator: %lu mutations, %lu cycles, at most %lu nodes\n",
                (unsigned long)r.mutations, (unsigned long)r.cycles,
                (unsigned long)r.max_nodes);
    gc_mutator_clear();
    tern_gc();
}

/* Steady garbage: 1000 times the pacer's minimum heap (the whole heap on
 * the microbit) with at most one object alive, no OOM, and the heap back
 * where it started after a last collection. */
TEST(gc, steady_garbage_never_runs_out)
{
    uint64_t heap = heap_min() * 8 < heap_bytes() ? heap_min() : heap_bytes();
    uint64_t before, total = 0;
    void *keep = NULL;
    unsigned dbg;

    if (too_small())
        return;

    dbg = no_stress(); /* (a pacing test, and 10^5 allocations) */
    /* Stale console text from earlier tests is a root that reads as
     * pointers on mps2 (' ' is 0x20, digits 0x3N: "  00" is 0x20203030),
     * and this test counts what stays reachable. */
    memset(&test_capture, 0, sizeof test_capture);
    tern_gc();
    before = heap_alloc();
    while (total < 1000 * heap) {
        size_t size = 16 + (size_t)(total / 7 % 512);
        keep = tern_alloc_noscan(size);
        total += size;
    }
    tern_keepalive(keep);
    keep = NULL;
    tern_gc();
    /* (the last object may linger in a stale stack word: conservative) */
    EXPECT_TRUE(heap_alloc() <= before + 1024);
    tern_gc_debug(dbg);
}

/* GOGC=off: no paced cycle however much is allocated; tern_gc still runs. */
TEST(gc, gogc_off_stops_paced_cycles)
{
    struct tern_gcstats a, b;
    unsigned dbg;
    int old;

    if (too_small())
        return;

    dbg = no_stress();
    tern_gc();
    old = tern_gc_percent(TERN_GOGC_OFF);
    tern_read_gcstats(&a);
    for (uint64_t total = 0; total < heap_bytes() / 4; total += 64)
        (void)tern_alloc_noscan(64);
    tern_read_gcstats(&b);
    EXPECT_EQ(b.numgc, a.numgc);
    EXPECT_EQ(b.gogc, TERN_GOGC_OFF);
    tern_gc();
    tern_read_gcstats(&b);
    EXPECT_EQ(b.numgc, a.numgc + 1);
    EXPECT_EQ(b.numforcedgc, a.numforcedgc + 1);
    EXPECT_EQ(tern_gc_percent(old), TERN_GOGC_OFF);
    tern_gc_debug(dbg);
}

/* Run fn on a goroutine with a 1.5 KiB stack and wait for it: a
 * collection started by an allocation runs on the allocating goroutine's
 * stack, deeper than the microbit's 1 KiB main stack allows under a
 * recursive test. */
static struct tern_waitgroup big_wg = TERN_WAITGROUP_INIT;

static void big_body(void *arg)
{
    ((void (*)(void))arg)();
    tern_waitgroup_done(&big_wg);
}

static void on_big_stack(void (*fn)(void))
{
    tern_gc(); /* the last test's garbage: room for the stack */
    tern_waitgroup_add(&big_wg, 1);
    /* (x86-64's frames are about twice Cortex-M's: an assist's marking
     * path, run on this stack, took 3.9 KiB of 4 on the linux board) */
    if (tern_go_stack(big_body, (void *)fn, sizeof(void *) == 8 ? 8192 : 1536) <
        0) {
        tern_waitgroup_done(&big_wg);
        test_fail(__FILE__, __LINE__, "no memory for the test goroutine");
        return;
    }
    tern_waitgroup_wait(&big_wg);
}

static void paced_body(void);

/* The pacer: with GOGC=100 the heap stays within about twice the live
 * heap (plus the minimum), and paced cycles run on their own. */
TEST(gc, paced_cycles_keep_the_heap_bounded)
{
    if (!too_small())
        on_big_stack(paced_body);
}

static void paced_body(void)
{
    struct tern_gcstats a, b;
    uint64_t peak = 0, heap = heap_bytes();
    unsigned dbg = no_stress();

    tern_store(&long_lived, make_tree(heap > 256 * 1024 ? 9 : 4));
    tern_gc();
    tern_read_gcstats(&a);
    for (uint64_t total = 0; total < 8 * heap; total += 96) {
        (void)tern_alloc_scan(96);
        if (heap_alloc() > peak)
            peak = heap_alloc();
    }
    tern_read_gcstats(&b);
    EXPECT_TRUE(b.numgc - b.numforcedgc > a.numgc - a.numforcedgc);
    EXPECT_TRUE(peak <= 2 * a.heap_marked + heap_min() + heap / 16 + 4096);
    EXPECT_EQ(check_tree(long_lived, heap > 256 * 1024 ? 9 : 4), 0);
    tern_store(&long_lived, NULL);
    tern_gc_debug(dbg);
    tern_gc();
}

static void capture_tx(const char *s, size_t n)
{
    capture_write(&test_capture, s, n);
}

/* Statistics: the pause ring and the trace line, in Go's format. */
TEST(gc, stats_and_trace_line)
{
    static const char *const needles[] = {"gc ", " KB goal", " P (forced)",
                                          NULL};
    struct tern_gcstats st;
    uint64_t ns, end;
    bool old;

    if (too_small())
        return;

    capture_reset(&test_capture, needles);
    console_set_tx_hook(capture_tx);
    old = tern_gctrace(true);
    tern_gc();
    tern_gctrace(old);
    console_set_tx_hook(NULL);
    tern_read_gcstats(&st);
    EXPECT_TRUE(capture_all_found(&test_capture));
    if (!capture_all_found(&test_capture))
        tern_printf("  missing \"%s\" in: %s\n", capture_missing(&test_capture),
                    test_capture.first);
    /* (a background cycle may end between two reads: read again) */
    for (int i = 0; i < 3; i++) {
        struct tern_gcstats st2;
        EXPECT_TRUE(tern_gc_pause(0, &ns, &end));
        tern_read_gcstats(&st2);
        if (st2.numgc == st.numgc)
            break;
        st = st2;
    }
    /* (ns may be 0: a pause shorter than what nanotime resolves with
     * interrupts masked across a tick) */
    EXPECT_TRUE(end == st.last_gc);
    if (end != st.last_gc)
        tern_printf("  pause %lu ns ending %lu; last_gc %lu, numgc %lu\n",
                    (unsigned long)ns, (unsigned long)end,
                    (unsigned long)st.last_gc, (unsigned long)st.numgc);
    EXPECT_TRUE(st.pause_total_ns >= ns);
    EXPECT_TRUE(!tern_gc_pause((unsigned)st.numgc, &ns, &end));
    EXPECT_TRUE(st.next_gc > st.heap_marked);
    EXPECT_TRUE(gc_verify() == NULL);
}

/* --- finalizers, pools, the memory limit, the forced collection --- */

static volatile uint32_t fin_ran, fin_bad, fin_warm_ran;

static void fin_check(void *p)
{
    if (!fobj_intact(p))
        fin_bad++;
    fin_ran++;
}

static void fin_warm(void *p)
{
    (void)p;
    fin_warm_ran++;
}

static void make_finalizable(int n, void (*fn)(void *))
{
    fin_bad += (uint32_t)fobj_make_finalizable(n, fn);
}

/* A full collection run from a goroutine of its own: the caller's stack
 * is then scanned only from where it waits, not through the stale words
 * its own deeper calls left below (the scan is conservative), so tests
 * that count what is freed see exactly the garbage they made. */
static struct tern_waitgroup clean_wg;

static void clean_gc_body(void *arg)
{
    (void)arg;
    tern_gc();
    tern_waitgroup_done(&clean_wg);
}

static void clean_gc(void)
{
    tern_waitgroup_add(&clean_wg, 1);
    if (tern_go(clean_gc_body, NULL) < 0) {
        tern_waitgroup_done(&clean_wg);
        tern_gc(); /* no memory for it: the plain way */
        return;
    }
    tern_waitgroup_wait(&clean_wg);
}

/* Stack words below the caller's frame that may hold stale pointers
 * (the collector's own frames, when it runs there, have unused slots the
 * conservative scan reads). */
static __attribute__((noinline)) void scrub(void)
{
#if defined(TERN_GO_STACK) && TERN_GO_STACK < 2048
    volatile uint8_t junk[256]; /* (the microbit: 1 KiB stacks) */
#else
    volatile uint8_t junk[1024];
#endif

    memset((void *)junk, 0, sizeof junk);
}

/* The finalizer goroutine runs each finalizer once, with its object and
 * what that points to intact; a collection later they are freed. */
TEST(gc, finalizers_run_on_their_goroutine)
{
    uint64_t before;
    int64_t t0;
    uint32_t queued, reg0, warm0;

    /* warm-up: a first finalizer's record and goroutine (the descriptor
     * stays, for reuse) */
    fin_warm_ran = 0;
    make_finalizable(1, fin_warm);
    scrub();
    clean_gc();
    for (int i = 0; i < 100 && fin_warm_ran == 0; i++)
        tern_sleep(1000000);
    clean_gc();
    before = heap_alloc();
    reg0 = gc_fin_count(&queued); /* (the warm-up's, if a stale word holds
                                     it, or if it has yet to run) */
    reg0 += queued;
    warm0 = fin_warm_ran;
    fin_ran = fin_bad = 0;
    make_finalizable(8, fin_check);
    scrub();
    clean_gc();
    t0 = tern_nanotime();
    while (fin_ran < 6 && tern_nanotime() - t0 < 2000000000)
        tern_sleep(1000000);
    EXPECT_TRUE(fin_ran >= 6); /* (a stale word may keep one or two) */
    EXPECT_EQ(fin_bad, 0);
    tern_sleep(10000000);
    EXPECT_EQ(gc_fin_count(&queued) + fin_ran + (fin_warm_ran - warm0),
              reg0 + 8);
    EXPECT_EQ(queued, 0);
    clean_gc();
    /* (+ the finalizer goroutine's descriptor, if the warm-up's did not
     * run) */
    EXPECT_TRUE(heap_alloc() <= before + (8 - fin_ran) * 64 + 64 + 96);
}

static void *make_buf(void)
{
    return tern_alloc_noscan(48);
}

static struct tern_pool buf_pool = TERN_POOL_INIT(make_buf);

/* get reuses what put returned; the victim cache keeps it through one
 * collection, not two. */
/* (in a frame of its own: no stale copy of a pointer in the test's) */
static __attribute__((noinline)) void pool_round(void)
{
    void *a, *b;

    a = tern_pool_get(&buf_pool);
    ASSERT_TRUE(a != NULL);
    tern_pool_put(&buf_pool, a);
    b = tern_pool_get(&buf_pool);
    EXPECT_TRUE(a == b);
    tern_pool_put(&buf_pool, b);
    clean_gc();
    EXPECT_TRUE(tern_pool_get(&buf_pool) == a); /* from the victims */
    tern_pool_put(&buf_pool, a);
}

TEST(gc, pool_reuses_then_drains)
{
    clean_gc();
    clean_gc(); /* any earlier contents gone */
    pool_round();
    scrub();
    clean_gc();
    EXPECT_TRUE(buf_pool.local == NULL && buf_pool.victim != NULL);
    clean_gc();
    EXPECT_TRUE(buf_pool.local == NULL && buf_pool.victim == NULL);
    /* the pool has let go of both chunks: the objects are garbage (the
     * host's test counts the bytes; here a stale word in a live frame,
     * which the conservative scan reads, may keep some) */
}

static uint64_t footprint_other(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    return st.stack_sys + st.mspan_sys + st.other_sys;
}

/* GOGC=off with a memory limit: collections run as the heap nears the
 * limit, and it holds. */
TEST(gc, memory_limit_holds_with_gogc_off)
{
    struct tern_gcstats a, b;
    uint64_t live, budget, peak = 0;
    int64_t oldlim;
    int oldpct;

    if (too_small())
        return;
    tern_gc();
    budget = heap_bytes() / 8;
    live = heap_alloc();
    oldpct = tern_gc_percent(TERN_GOGC_OFF);
    oldlim = tern_gc_memory_limit(
        (int64_t)(footprint_other() + live + budget + 2 * MM_PAGE_SIZE));
    tern_read_gcstats(&a);
    for (uint64_t total = 0; total < 8 * budget; total += 64) {
        (void)tern_alloc_noscan(64);
        if (heap_alloc() > peak)
            peak = heap_alloc();
    }
    tern_read_gcstats(&b);
    tern_gc_memory_limit(oldlim);
    tern_gc_percent(oldpct);
    EXPECT_TRUE(b.numgc - a.numgc >= 4);
    EXPECT_TRUE(peak <= live + budget + budget / 4 + 2 * MM_PAGE_SIZE);
    if (peak > live + budget + budget / 4 + 2 * MM_PAGE_SIZE)
        tern_printf("  peak %lu, live %lu, budget %lu\n", (unsigned long)peak,
                    (unsigned long)live, (unsigned long)budget);
    tern_gc();
}

/* With no allocation at all, a collection is forced once the period
 * (two minutes; 200 ms here) passes without one. */
TEST(gc, forced_collection_when_idle)
{
    struct tern_gcstats a, b;
    int64_t t0;

    if (too_small())
        return;
    tern_gc();
    tern_read_gcstats(&a);
    gc_set_force_period(200);
    t0 = tern_nanotime();
    do {
        tern_sleep(50000000);
        tern_read_gcstats(&b);
    } while (b.numforcedgc == a.numforcedgc &&
             tern_nanotime() - t0 < 5000000000);
    gc_set_force_period(0);
    EXPECT_TRUE(b.numforcedgc > a.numforcedgc);
    EXPECT_TRUE(b.numgc > a.numgc);
    EXPECT_TRUE(tern_nanotime() - t0 >= 150000000);
}

/* --- fatal paths --- */

static void alloc_in_isr(void)
{
    (void)tern_alloc_noscan(16);
}

TEST_DEATH(gc, allocation_in_an_interrupt_is_fatal,
           "allocation from the GC heap in an interrupt handler")
{
    arch_soft_irq_set(alloc_in_isr);
    arch_soft_irq();
}

static void pool_in_isr(void)
{
    (void)tern_pool_get(&buf_pool);
}

TEST_DEATH(gc, pool_in_an_interrupt_is_fatal,
           "tern_pool in an interrupt handler")
{
    arch_soft_irq_set(pool_in_isr);
    arch_soft_irq();
}

static void *isr_obj;

static void finalizer_in_isr(void)
{
    tern_set_finalizer(isr_obj, fin_warm);
}

TEST_DEATH(gc, set_finalizer_in_an_interrupt_is_fatal,
           "tern_set_finalizer in an interrupt handler")
{
    isr_obj = tern_alloc_noscan(32);
    arch_soft_irq_set(finalizer_in_isr);
    arch_soft_irq();
}

static void **hoard; /* a global chain of live blocks */

TEST_DEATH(gc, live_heap_exhausted_is_out_of_memory,
           "out of memory && heap verifier: ok")
{
    no_stress(); /* (a collection per allocation: quadratic to the end) */
    for (;;) {
        void **p = tern_alloc_scan(256);
        tern_store(p, hoard);
        tern_store(&hoard, p);
    }
}

/* A malloc that only a collection can satisfy collects on a goroutine
 * with TERN_GC_ROOM bytes of stack to spare, and returns NULL with
 * ENOMEM, without collecting, on one with less: the collection would
 * overflow its stack (gc/gc.c, collect_for_mm).  The request is an
 * eighth of the largest free run of a collected heap, at most 64 KiB,
 * which garbage then fills in eighths of it: what the mm could find
 * without collecting (pooled stacks, a goroutine of an earlier test dying
 * meanwhile) is far less; what a collection frees holds it even if a
 * stale word keeps a piece, and a piece kept is small (a 1 MiB piece
 * kept by a stale word broke the memory-limit test after this one). */
static struct tern_waitgroup room_wg;
static size_t room_size;
static void *volatile room_p;
static volatile int room_errno;
static volatile bool room_short;

static __attribute__((noinline)) void room_try(void)
{
    room_short =
        arch_sp() - (uintptr_t)m0.curg->stack < ARCH_STACK_GUARD + TERN_GC_ROOM;
    errno = 0;
    room_p = tern_malloc(room_size);
    room_errno = errno;
}

/* n bytes of this stack taken, then the malloc. */
static __attribute__((noinline)) void room_eat(size_t n)
{
    volatile char pad[n];

    pad[0] = pad[n - 1] = 0;
    room_try();
}

/* arg != NULL: with less than TERN_GC_ROOM bytes left (256 fewer). */
static void room_body(void *arg)
{
    uintptr_t room = arch_sp() - (uintptr_t)m0.curg->stack;
    uintptr_t leave = ARCH_STACK_GUARD + TERN_GC_ROOM - 256;

    if (arg != NULL && room > leave + 64)
        room_eat(room - leave);
    else
        room_try();
    tern_waitgroup_done(&room_wg);
}

static void room_malloc(size_t stack, bool tight)
{
    tern_waitgroup_add(&room_wg, 1);
    if (tern_go_stack(room_body, tight ? &room_wg : NULL, stack) < 0) {
        tern_waitgroup_done(&room_wg);
        room_p = NULL;
        room_short = false;
        room_errno = -1;
        return;
    }
    tern_waitgroup_wait(&room_wg);
}

/* Garbage in eighths of room_size until no free run holds room_size
 * (own frame: no pointer to the last piece left in the test's). */
static __attribute__((noinline)) void room_fill(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    for (uint64_t i = 0, n = st.heap_sys / (room_size / 8) + 16; i < n; i++) {
        mm_read_stats(&st);
        if (st.largest_free < room_size)
            break;
        (void)tern_alloc_noscan(room_size / 8);
    }
    scrub();
}

TEST(gc, malloc_collects_only_with_stack_to_spare)
{
    unsigned dbg = no_stress();
    int gogc = tern_gc_percent(TERN_GOGC_OFF);
    int64_t limit = tern_gc_memory_limit(INT64_MAX);
    uint64_t n0;
    struct mm_stats st;

    if (too_small())
        goto out;
    tern_gc();
    mm_trim();
    mm_read_stats(&st);
    room_size = (size_t)(st.largest_free / 8) & ~(size_t)7;
    if (room_size > 64 * 1024)
        room_size = 64 * 1024;
    room_fill();
    mm_read_stats(&st);
    if (st.largest_free >= room_size) {
        test_fail(__FILE__, __LINE__, "the heap did not fill");
        goto out;
    }
    n0 = gc.numgc;
    room_malloc(TERN_GC_ROOM + 2048, true); /* no collection: NULL */
    if (room_short) {
        EXPECT_TRUE(room_p == NULL);
        tern_free(room_p); /* (if it failed: not left as a root) */
        EXPECT_EQ(room_errno, ENOMEM);
        EXPECT_EQ(gc.numgc, n0);
    } else {
        test_fail(__FILE__, __LINE__, "the goroutine kept TERN_GC_ROOM");
        tern_free(room_p);
    }
    room_malloc(TERN_GC_ROOM + 2048, false); /* it collects, succeeds */
    EXPECT_TRUE(room_p != NULL);
    EXPECT_TRUE(gc.numgc > n0);
    tern_free(room_p);
out:
    /* (a global: left, it would hold whatever the GC puts there next) */
    room_p = NULL;
    tern_gc_memory_limit(limit);
    tern_gc_percent(gogc);
    tern_gc_debug(dbg);
    tern_gc();
}
