/*
 * tests/bench/gc_bench.c - the collector's figures (../shared/BENCH.md):
 *
 *   gc.barrier_off   instructions per tern_store(&slot, p) while no cycle
 *                    marks: a loop of stores minus the same loop empty,
 *                    per store.  On Thumb-2 tern_store is inline
 *                    (arch/cortex-m/arch_store.h): ldrb, cbz, str, with
 *                    the flag's address loaded once before the loop (a
 *                    lone store loads it too: 4); elsewhere an
 *                    out-of-line call (in .text.tern_nopreempt), whose
 *                    argument moves, call and return are part of it.
 *   gc.barrier_on    the same while a cycle marks, both pointers already
 *                    black (the slow path's floor: mask, two shades that
 *                    find marks, the store)
 *   gc.new16         one tern_new of a 16-byte typed object, no cycle
 *                    running, the cache holding a span
 *   gc.mark_per_kb   marking instructions per KB of live heap: a cycle
 *                    over a tree of 16-byte nodes (mark start, marking
 *                    driven by the caller, mark termination) minus the
 *                    same cycle over an empty heap, per KB marked
 *   gc.sweep_per_kb  the sweep after it, the same way
 *   gc.cycle_per_kb  a whole forced tern_gc() (mark and sweep), the same
 *   gc.stw_max.64k   the longest interval in which an interrupt could not
 *   gc.stw_max.2m    be taken while forced and paced cycles ran over
 *                    about 64 KiB / 2 MiB of live heap (see below)
 *   gc.mmu10ms       minimum mutator utilisation over 10 ms windows of
 *                    virtual time that overlap marking (see below);
 *   gc.mmu50ms, gc.mmu100ms  the same over longer windows (the curve)
 *   gc.heap_ratio    peak HeapInuse (bytes in spans) / live heap at
 *                    GOGC=100, steady allocation with a fixed live set;
 *   gc.heap_ratio.alloc  the same with HeapAlloc (bytes in objects)
 *   gc.gcbench       Boehm's GCBench scaled to the heap, total
 *                    instructions, vs the same program with newlib-nano's
 *                    malloc and explicit frees (tests/bench/nano.c)
 *
 * Measuring stw_max.  The collector times its two stop-the-world
 * sections (mark start, mark termination), but it also masks interrupts
 * for short sections while it marks and sweeps (a shade, a chunk of a
 * root, a span's sweep, a step of the goroutine walk), and an interrupt
 * waits for those as much.  So, as irq.off_max does, the tick is made a
 * sampler: its hook reads the counts since its boundary (the latency),
 * and the sampled figure is the largest latency minus the smallest (the
 * entry path's fixed cost).  A periodic timer cannot tell one missed
 * boundary from two, so a section longer than the sampling period reads
 * as its length less whole periods: a sample never over-reads.  The
 * period is therefore long (25,000 instructions, 2.5 times the goal), and
 * a maximum over half of it, the sign of a section that long, repeats
 * the run with a period four times longer; the figure keeps the largest
 * of every run.  A long period hits a section that comes once a cycle
 * (the stop-the-world ones) only now and then, so those are taken from
 * the collector's own timing (gc.stw1, gc.stw2 after every cycle, exact
 * at this period); the figure is the larger of the two.
 *
 * Measuring mmu10ms.  A mutator goroutine loops over a fixed step (some
 * arithmetic, one 48-byte allocation replacing an object of its live
 * set) and stamps each step's end with tern_nanotime.  Its cost with no
 * collection running is calibrated first (GOGC off, same steps); the
 * utilisation of a window is then (steps finished in it x that cost) /
 * the window, so everything the collector takes from the mutator counts:
 * the worker's turns, assists, the barrier's slow path, stop-the-world
 * pauses, sweeping.  The windows are those ending at each step's end
 * that overlap marking; the worst one is the figure.  The tick runs at
 * its default rate, so the worker is scheduled as in a program.  Virtual
 * time: at QEMU's icount shift 6 an instruction is 64 ns, so 10 ms is
 * 156,250 instructions.
 *
 * The run also prints the ceiling no schedule of the same work could
 * beat: the collector's time per cycle W (measured) has to fit while the
 * mutator allocates the runway R from the trigger to the goal (the
 * pacer's), which takes it M = R / (a step's object) steps x the step;
 * M / (M + W) is the best utilisation of the marking phase as a whole,
 * so of its worst window too.
 *
 * Everything is deterministic under -icount: the same image prints the
 * same figures.  Boards whose heap is too small for a figure say so and
 * skip it.  The live sets hang from a global and are built through the
 * write barrier, as a program's would be.
 */
#include <string.h>

#include "gc/gc.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "mm/mm.h"
#include "sched/sched.h"
#include "tests/bench/bench.h"
#include "tests/harness/test.h"
#include "tern.h"

/* GCBench's node: two pointers and two ints (16 bytes on 32-bit). */
struct node {
    struct node *left;
    struct node *right;
    int i;
    int j;
};
TERN_TYPE(node_type, struct node, left, right);

/* A 48-byte object with one pointer. */
struct leaf {
    struct leaf *next;
    uint32_t payload[11];
};
TERN_TYPE(leaf_type, struct leaf, next);

/* The benchmarks' live sets hang from here (.bss: a GC root). */
static void *root;

static uint64_t heap_idle(void)
{
    struct mm_stats st;

    mm_read_stats(&st);
    return st.heap_idle;
}

static uint64_t heap_marked(void)
{
    struct tern_gcstats gs;

    tern_read_gcstats(&gs);
    return gs.heap_marked;
}

static uint64_t numgc(void)
{
    struct tern_gcstats gs;

    tern_read_gcstats(&gs);
    return gs.numgc;
}

/* The default tick (time slices and the worker's sleeps as in a real
 * program) instead of the benchmarks' slow one; returns the old rate. */
static uint32_t tick_default(void)
{
    uint32_t old = tern_tick_hz();

    tern_tick_set_hz(TIME_TICK_HZ_DEFAULT);
    return old;
}

/* A complete tree of the given depth, bottom-up. */
static struct node *tree_new(int depth)
{
    struct node *n = tern_new(node_type);

    if (depth > 0) {
        tern_store(&n->left, tree_new(depth - 1));
        tern_store(&n->right, tree_new(depth - 1));
    }
    return n;
}

/* Nodes in a complete tree of depth d. */
static uint32_t tree_nodes(int d)
{
    return (2u << d) - 1;
}

/* The deepest tree that fits in `bytes` (at least depth 0). */
static int tree_depth_for(uint64_t bytes)
{
    int d = 0;

    while (d < 24 && (uint64_t)tree_nodes(d + 1) * sizeof(struct node) <= bytes)
        d++;
    return d;
}

/* An array of n pointers (tern_alloc_array), n raised past the size
 * classes that cannot hold a typed object (see liveset_build); *n
 * receives the count. */
static void **ptr_array(uint32_t *n)
{
    size_t bytes = (size_t)*n * sizeof(void *);

    while (bytes <= MM_MAX_SMALL) {
        unsigned c = mm_size_class(bytes);
        size_t span = (size_t)mm_class_npages[c] * MM_PAGE_SIZE;

        if (span - mm_class_size[c] >= sizeof(void *))
            break;
        bytes = mm_class_size[c] + sizeof(void *);
    }
    *n = (uint32_t)(bytes / sizeof(void *));
    return tern_alloc_array(&tern_type_ptr, *n);
}

/* Zero the unused stack below the caller (up to 1 KiB, leaving a
 * margin): frames of earlier benchmarks left pointers there that the
 * conservative stack scan would take for live ones, and a live set
 * measured after them would include their garbage. */
static __attribute__((noinline)) void scrub_n(size_t n)
{
    uint8_t buf[n];

    memset(buf, 0, n);
    __asm__ volatile("" : : "r"(buf) : "memory"); /* the stores stay */
}

static void stack_scrub(void)
{
    volatile uint8_t here = 0;
    uintptr_t lo = (uintptr_t)m0.curg->stack + ARCH_STACK_GUARD + 512;
    uintptr_t n = (uintptr_t)&here > lo ? (uintptr_t)&here - lo : 0;

    scrub_n(n > 1024 ? 1024 : n);
}

/* --- a mixed live set ------------------------------------------------- */

/* About `bytes` of live heap hung from root: half a tree of nodes, a
 * quarter vectors of 64 pointers to 48-byte leaves, an eighth large
 * objects (pointer arrays and noscan buffers alternately, as many as fit;
 * none in a small live set), an eighth malloc'd blocks holding pointers
 * to leaves (scanned as roots).
 *
 * (The large objects are large - past MM_MAX_SMALL - on purpose: a typed
 * object whose size class fills its span exactly, 8 KiB with 4 KiB
 * pages for one, cannot be allocated at all - mcentral's scan_nelems
 * leaves no room for its type slot and gives the span no object - and
 * the collector reports that as out of memory.) */
struct liveset {
    struct node *tree;
    void **vecs;
    void **large;
};
TERN_TYPE(liveset_type, struct liveset, tree, vecs, large);

#define LS_VEC    64
#define LS_LARGE  (MM_MAX_SMALL + 4096)
#define LS_BLOCKS 4
static void *ls_block[LS_BLOCKS];

static void liveset_build(uint64_t bytes)
{
    struct liveset *ls = tern_new(liveset_type);
    uint64_t per_vec = LS_VEC * (sizeof(void *) + sizeof(struct leaf));
    uint32_t nvec = (uint32_t)(bytes / 4 / per_vec) + 1;
    uint32_t nlarge = (uint32_t)(bytes / 8 / LS_LARGE);
    size_t block = (size_t)(bytes / 8 / LS_BLOCKS);
    void **vecs, **large;

    tern_store(&root, ls);
    tern_store(&ls->tree, tree_new(tree_depth_for(bytes / 2)));
    vecs = ptr_array(&nvec);
    tern_store(&ls->vecs, vecs);
    for (uint32_t v = 0; v < nvec; v++) {
        void **vec = tern_alloc_array(&tern_type_ptr, LS_VEC);

        tern_store(&vecs[v], vec);
        for (int k = 0; k < LS_VEC; k++) {
            struct leaf *lf = tern_new(leaf_type);
            if (k > 0)
                tern_store(&lf->next, vec[k - 1]);
            tern_store(&vec[k], lf);
        }
    }
    large = tern_alloc_array(&tern_type_ptr, nlarge + 1);
    tern_store(&ls->large, large);
    for (uint32_t i = 0; i < nlarge; i++) {
        void *p;

        if (i & 1) {
            p = tern_alloc_noscan(LS_LARGE);
        } else {
            void **a =
                tern_alloc_array(&tern_type_ptr, LS_LARGE / sizeof(void *));
            for (size_t k = 0; k < LS_LARGE / sizeof(void *); k += 16)
                tern_store(&a[k], ((void **)vecs[k % nvec])[k % LS_VEC]);
            p = a;
        }
        tern_store(&large[i], p);
    }
    for (int b = 0; b < LS_BLOCKS; b++) {
        void **m = block >= sizeof(void *) ? tern_malloc(block) : NULL;

        ls_block[b] = m;
        if (m == NULL)
            continue;
        memset(m, 0, block);
        for (size_t k = 0; k < block / sizeof(void *); k += 8)
            tern_store(&m[k], ((void **)vecs[(k + 1) % nvec])[k % LS_VEC]);
    }
}

static void liveset_drop(void)
{
    for (int b = 0; b < LS_BLOCKS; b++) {
        tern_free(ls_block[b]);
        ls_block[b] = NULL;
    }
    tern_store(&root, NULL);
    tern_gc();
}

/* The longest stop-the-world section the collector has timed since
 * stw_seen was cleared (gc.stw1: mark start, gc.stw2: mark termination,
 * each the latest; read after every cycle). */
static int64_t stw_seen;

static void stw_note(void)
{
    unsigned long irq = arch_irq_save();

    if (gc.stw1 > stw_seen)
        stw_seen = gc.stw1;
    if (gc.stw2 > stw_seen)
        stw_seen = gc.stw2;
    arch_irq_restore(irq);
}

/* Allocate garbage of mixed sizes (a ring of 64 keeps the most recent
 * alive, so pointers are stored while marking) until `cycles` more
 * collections have finished. */
static void churn(uint64_t cycles, uint32_t *seed)
{
    void **ring = tern_alloc_array(&tern_type_ptr, 64);
    uint64_t seen = numgc(), until = seen + cycles;

    for (uint32_t k = 0; k < 100000000u; k++) {
        uint32_t r = test_rand(seed), pct = r % 100;
        void *p;

        if ((k & 63) == 0) {
            uint64_t n = numgc();
            if (n != seen) {
                stw_note(); /* (a cycle takes thousands of allocations:
                             * none ends unseen) */
                seen = n;
            }
            if (n >= until)
                break;
        }
        if (pct < 60) {
            struct node *n = tern_new(node_type);
            tern_store(&n->left, ring[(k - 1) % 64]);
            p = n;
        } else if (pct < 80) {
            p = tern_new(leaf_type);
        } else if (pct < 97) {
            p = tern_alloc_noscan(128 + (r >> 8) % 1920);
        } else {
            p = tern_alloc_noscan(4096 + (r >> 8) % 12288);
        }
        tern_store(&ring[k % 64], p);
    }
    tern_keepalive(ring);
}

/* --- gc.barrier_off, gc.barrier_on -------------------------------------- */

static void bench_barrier(void)
{
    const int n = 1000;
    struct node *obj = tern_new(node_type), *p = tern_new(node_type);
    uint64_t t_store, t_empty;

    tern_store(&root, obj);
    tern_store(&obj->right, p);
    tern_gc(); /* not marking from here */
    BENCH_ONE(t_store, for (int i = 0; i < n; i++) tern_store(&obj->left, p));
    BENCH_ONE(t_empty, for (int i = 0; i < n;
                            i++) __asm__ volatile(""
                                                  :
                                                  : "r"(&obj->left), "r"(p)
                                                  : "memory"));
    bench_report("gc.barrier_off",
                 t_store > t_empty ? (t_store - t_empty) / (uint64_t)n : 0,
                 "insns", NULL, 0);

    gc_cycle_begin(); /* marking; the first stores shade both */
    tern_store(&obj->left, p);
    tern_store(&obj->left, p);
    BENCH_ONE(t_store, for (int i = 0; i < n; i++) tern_store(&obj->left, p));
    gc_cycle_finish();
    bench_report("gc.barrier_on",
                 t_store > t_empty ? (t_store - t_empty) / (uint64_t)n : 0,
                 "insns", NULL, 0);
    tern_store(&root, NULL);
    tern_gc();
}

/* --- gc.new16 ------------------------------------------------------------ */

static void bench_new(void)
{
    const int n = 1000;
    uint64_t sum = 0, one;
    int gogc;
    void *p;

    tern_gc(); /* swept: no sweep owed by the allocations */
    gogc = tern_gc_percent(TERN_GOGC_OFF);
    for (int i = 0; i < 16; i++) /* warm: the cache holds a span */
        tern_new(node_type);
    for (int i = 0; i < n; i++) {
        BENCH_ONE(one, p = tern_new(node_type));
        tern_keepalive(p);
        sum += one;
    }
    tern_gc_percent(gogc);
    bench_report("gc.new16", sum / (uint64_t)n, "insns", NULL, 0);
    tern_gc();
}

/* --- gc.mark_per_kb ------------------------------------------------------ */

/* A cycle's marking (start, marking in the caller, termination) and the
 * sweep after it, in ns; *marked: bytes it marked. */
static void time_cycle(int64_t *mark, int64_t *sweep, uint64_t *marked)
{
    int64_t t0, t1, t2;

    tern_gc(); /* nothing left over: swept, no cycle running */
    t0 = tern_nanotime();
    gc_cycle_begin();
    gc_cycle_finish();
    t1 = tern_nanotime();
    while (gc_sweep_some())
        ;
    t2 = tern_nanotime();
    *mark = t1 - t0;
    *sweep = t2 - t1;
    *marked = heap_marked();
}

static int64_t time_tern_gc(void)
{
    int64_t t0;

    tern_gc();
    t0 = tern_nanotime();
    tern_gc();
    return tern_nanotime() - t0;
}

static void bench_mark(void)
{
    uint64_t want = heap_idle() / 4, me, ml, bytes;
    int64_t mark_e, mark_l, sweep_e, sweep_l, gc_e, gc_l;
    int depth;

    if (want > 256 * 1024)
        want = 256 * 1024;
    depth = tree_depth_for(want);
    stack_scrub();
    tern_store(&root, NULL);
    gc_e = time_tern_gc();
    time_cycle(&mark_e, &sweep_e, &me);
    tern_store(&root, tree_new(depth));
    gc_l = time_tern_gc();
    time_cycle(&mark_l, &sweep_l, &ml);
    tern_store(&root, NULL);
    tern_gc();
    bytes = ml > me ? ml - me : 0;
    if (bytes < 256) {
        tern_printf("bench: gc.mark_per_kb skipped: no room for a live "
                    "heap\n");
        return;
    }
    tern_printf("bench: gc.mark_per_kb over a tree of %lu 16-byte nodes: "
                "%lu bytes marked; the empty heap's cycle marks %lu bytes in "
                "%lu insns\n",
                (unsigned long)tree_nodes(depth), (unsigned long)bytes,
                (unsigned long)me,
                (unsigned long)(bench_ns_insns100(mark_e) / 100));
    bench_report("gc.mark_per_kb",
                 bench_ns_insns100(mark_l > mark_e ? mark_l - mark_e : 0) *
                     1024 / bytes,
                 "insns", NULL, 0);
    bench_report("gc.sweep_per_kb",
                 bench_ns_insns100(sweep_l > sweep_e ? sweep_l - sweep_e : 0) *
                     1024 / bytes,
                 "insns", NULL, 0);
    bench_report("gc.cycle_per_kb",
                 bench_ns_insns100(gc_l > gc_e ? gc_l - gc_e : 0) * 1024 /
                     bytes,
                 "insns", NULL, 0);
}

/* --- gc.stw_max ------------------------------------------------------------ */

static volatile uint32_t lat_min, lat_max, lat_samples;

static void lat_tick(void)
{
    uint32_t late = board_timer_elapsed(); /* counts since the boundary */

    if (late < lat_min)
        lat_min = late;
    if (late > lat_max)
        lat_max = late;
    lat_samples++;
    sched_tick();
}

/* Goroutines parked on a channel, each with a small tree only its stack
 * holds: stacks for the collector to scan. */
static void parked(void *arg)
{
    struct node *mine = tree_new(4);
    int v;

    tern_chan_recv(arg, &v);
    tern_keepalive(mine);
}

static void stw_run(const char *id, uint64_t bytes)
{
    uint32_t seed = 2024, insns, period = 0, old_hz, worst = 0, samples = 0;
    uint64_t live, n0, cycles, sampled, timed;
    tern_chan *c;
    bool tickless;

    if (heap_idle() < 8 * bytes) {
        tern_printf("bench: %s skipped: it needs %lu KiB of free heap, this "
                    "board has %lu\n",
                    id, (unsigned long)(8 * bytes / 1024),
                    (unsigned long)(heap_idle() / 1024));
        return;
    }
    stack_scrub();
    liveset_build(bytes);
    tern_gc();
    live = heap_marked();
    c = tern_chan_make(sizeof(int), 0);
    for (int i = 0; i < 4; i++)
        tern_go(parked, c);
    tern_yield(); /* they build their trees and park */

    old_hz = tern_tick_hz();
    n0 = numgc();
    stw_seen = 0;
    tickless = time_set_tickless(false);
    for (insns = 25000;; insns *= 4) {
        uint32_t next =
            (uint32_t)(1000000000ull / ((uint64_t)insns * bench_ns_per_insn()));
        if (next == 0 || tern_tick_set_hz(next) != 0) {
            tern_printf("bench: %s: the tick cannot run slower; the figure "
                        "may hide whole sampling periods\n",
                        id);
            break;
        }
        period = time_period_for(board_timer_count_hz(), next);
        lat_min = UINT32_MAX;
        lat_max = lat_samples = 0;
        time_set_tick_hook(lat_tick);
        tern_gc();
        stw_note();
        tern_gc();
        stw_note();
        churn(4, &seed);
        time_set_tick_hook(sched_tick);
        tern_tick_set_hz(old_hz);
        if (lat_samples == 0)
            break;
        if (lat_max - lat_min > worst)
            worst = lat_max - lat_min;
        samples += lat_samples;
        if (lat_max - lat_min < period / 2)
            break;
        tern_printf("bench: %s: a latency of %lu counts is over half the "
                    "%lu-count sampling period: again with a longer one\n",
                    id, (unsigned long)(lat_max - lat_min),
                    (unsigned long)period);
    }
    time_set_tickless(tickless);
    cycles = numgc() - n0;
    sampled = bench_insns100(worst + bench_overhead());
    timed = bench_ns_insns100(stw_seen);
    tern_printf("bench: %s: %lu KB live, %lu cycles (2 forced, the rest "
                "paced); %lu latency samples every %lu insns, the longest "
                "%lu insns; the collector's longest timed stop-the-world "
                "section %lu insns\n",
                id, (unsigned long)(live / 1024), (unsigned long)cycles,
                (unsigned long)samples, (unsigned long)insns,
                (unsigned long)(sampled / 100), (unsigned long)(timed / 100));
    bench_report(id, sampled > timed ? sampled : timed, "insns", NULL, 0);
    tern_chan_close(c);
    while (tern_numgoroutine() > 1)
        tern_yield();
    tern_chan_free(c);
    liveset_drop();
}

/* --- gc.mmu10ms ------------------------------------------------------------ */

/* Windows, ms: the figure's, then two longer ones for the curve. */
#define MMU_NWIN 3
static const uint32_t mmu_win_ms[MMU_NWIN] = {10, 50, 100};
#define MMU_RING 4096 /* step ends kept: more than the longest window holds */

struct mmu {
    tern_chan *done;
    void **slots;    /* the mutator's part of the live set */
    uint32_t nslots; /* how many */
    uint32_t ncal;   /* calibration steps */
    uint64_t cycles; /* collections to run through */
    uint32_t work;   /* arithmetic rounds per step (MMU_HEAVY / _LIGHT) */
    int64_t *ring;   /* step ends, ring[k % MMU_RING] (a noscan object) */
    uint32_t pushed; /* step ends written, ever */
    uint32_t first[MMU_NWIN]; /* per window: its oldest step end */
    int64_t base_ns;          /* one step, no collection running */
    int64_t start;            /* first end of the measured run */
    int64_t last_mark;        /* last step end that saw marking */
    uint64_t last_numgc;
    uint64_t runway; /* goal - trigger, summed over the measured cycles */
    bool was_marking;
    bool measuring;
    bool overflow;               /* a window held more than the ring */
    uint64_t worst[MMU_NWIN];    /* utilisation x 10000 */
    int64_t worst_end[MMU_NWIN]; /* where the worst window ended */
    uint32_t windows;            /* 10 ms windows looked at */
    uint32_t steps;              /* measured steps */
};

/* One step of the mutator: work, one allocation into the live set, and
 * the bookkeeping (the same in calibration and measurement). */
static void mmu_step(struct mmu *m, uint32_t *seed)
{
    uint32_t x = *seed;
    struct leaf *lf;
    int64_t t;

    for (uint32_t i = 0; i < m->work; i++) {
        x = x * 1664525u + 1013904223u;
        __asm__("" : "+r"(x));
    }
    *seed = x;
    lf = tern_new(leaf_type);
    lf->payload[0] = x;
    tern_store(&m->slots[(x >> 8) % m->nslots], lf);

    t = tern_nanotime();
    if (gc.phase == GC_MARK || m->was_marking || gc.numgc != m->last_numgc)
        m->last_mark = t;
    if (m->measuring && gc.phase == GC_MARK && !m->was_marking)
        m->runway += gc.goal - gc.trigger;
    m->was_marking = gc.phase == GC_MARK;
    m->last_numgc = gc.numgc;
    for (int w = 0; w < MMU_NWIN; w++) {
        int64_t from = t - (int64_t)mmu_win_ms[w] * 1000000;
        /* steps ended in [from, t): whole steps inside the window, but
         * for the first, which may have begun before it */
        uint32_t count;

        while (m->first[w] != m->pushed &&
               m->ring[m->first[w] % MMU_RING] < from)
            m->first[w]++;
        if (m->pushed - m->first[w] == MMU_RING) {
            m->overflow = true; /* about to be overwritten */
            m->first[w]++;
        }
        count = m->pushed - m->first[w];
        if (m->measuring && from >= m->start && m->start != 0 &&
            m->last_mark > from) {
            uint64_t u = (uint64_t)count * (uint64_t)m->base_ns * 10000u /
                         ((uint64_t)mmu_win_ms[w] * 1000000);
            if (u > 10000)
                u = 10000;
            if (u < m->worst[w]) {
                m->worst[w] = u;
                m->worst_end[w] = t;
            }
            if (w == 0)
                m->windows++;
        }
    }
    m->ring[m->pushed % MMU_RING] = t;
    m->pushed++;
    if (m->measuring) {
        m->steps++;
        if (m->start == 0)
            m->start = t;
    }
}

static void mmu_mutator(void *arg)
{
    struct mmu *m = arg;
    uint32_t seed = 99;
    int64_t t0;
    int gogc;
    int v = 0;

    gogc = tern_gc_percent(TERN_GOGC_OFF);
    for (uint32_t i = 0; i < 64; i++) /* warm: spans, the ring */
        mmu_step(m, &seed);
    t0 = tern_nanotime();
    for (uint32_t i = 0; i < m->ncal; i++)
        mmu_step(m, &seed);
    m->base_ns = (tern_nanotime() - t0) / (int64_t)m->ncal;
    tern_gc_percent(gogc);
    m->measuring = true;
    {
        uint64_t until = numgc() + m->cycles;
        while (gc.numgc < until)
            mmu_step(m, &seed);
    }
    tern_chan_send(m->done, &v);
}

/* Rounds of arithmetic per step: the figure's mutator allocates a
 * 48-byte object per ~650 instructions; the light one per ~13,000 (a
 * program that mostly computes), where the collector's work fits the
 * runway and the schedule, not the work, sets the utilisation. */
#define MMU_HEAVY 64
#define MMU_LIGHT 4096

static void bench_mmu(uint32_t work, const char *sfx)
{
    uint64_t bytes = heap_idle() / 16;
    struct mmu m;
    struct tern_gcstats gs;
    uint64_t cpu0, ceil_m, ceil_w;
    uint32_t old_hz;
    int v;

    if (bytes > 256 * 1024)
        bytes = 256 * 1024;
    if (bytes < 2048) {
        tern_printf("bench: gc.mmu10ms%s skipped: too little heap\n", sfx);
        return;
    }
    stack_scrub();
    memset(&m, 0, sizeof m);
    m.work = work;
    for (int w = 0; w < MMU_NWIN; w++)
        m.worst[w] = 10000;
    liveset_build(bytes / 2);
    m.nslots = (uint32_t)(bytes / 2 / (sizeof(struct leaf) + sizeof(void *)));
    m.ncal = m.nslots / 2 < 2000 ? m.nslots / 2 : 2000;
    if (work > MMU_HEAVY)
        m.ncal /= 8; /* longer steps: as many instructions, fewer steps */
    m.cycles = 4;
    m.slots = ptr_array(&m.nslots);
    m.ring = tern_alloc_noscan(MMU_RING * sizeof(int64_t));
    m.done = tern_chan_make(sizeof(int), 0);
    for (uint32_t i = 0; i < m.nslots; i++)
        tern_store(&m.slots[i], tern_new(leaf_type));
    tern_gc();
    old_hz = tick_default();
    tern_read_gcstats(&gs);
    cpu0 = gs.gc_cpu_ns;
    tern_go(mmu_mutator, &m);
    tern_chan_recv(m.done, &v);
    tern_tick_set_hz(old_hz);
    tern_read_gcstats(&gs);
    /* the ceiling (above), over all measured cycles at once */
    ceil_w = gs.gc_cpu_ns - cpu0;
    ceil_m = m.runway / sizeof(struct leaf) * (uint64_t)m.base_ns;
    while (tern_numgoroutine() > 1)
        tern_yield();
    tern_printf("bench: gc.mmu10ms%s: %lu KB live, a step costs %lu insns "
                "without a collection; %lu steps through %lu cycles, %lu "
                "10 ms windows overlapping marking%s; the worst ends %lu ms "
                "into the run\n",
                sfx, (unsigned long)(heap_marked() / 1024),
                (unsigned long)(bench_ns_insns100(m.base_ns) / 100),
                (unsigned long)m.steps, (unsigned long)m.cycles,
                (unsigned long)m.windows,
                m.overflow ? " (the step log overflowed: figures low)" : "",
                (unsigned long)((m.worst_end[0] - m.start) / 1000000));
    if (ceil_m + ceil_w != 0)
        tern_printf("bench: gc.mmu10ms%s: ceiling %lu.%02lu %%: the collector "
                    "took %lu insns a cycle, while the mutator's allocation "
                    "from trigger to goal takes %lu insns of its steps\n",
                    sfx, (unsigned long)(ceil_m * 100 / (ceil_m + ceil_w)),
                    (unsigned long)(ceil_m * 10000 / (ceil_m + ceil_w) % 100),
                    (unsigned long)(bench_ns_insns100((int64_t)ceil_w) / 100 /
                                    m.cycles),
                    (unsigned long)(bench_ns_insns100((int64_t)ceil_m) / 100 /
                                    m.cycles));
    if (m.windows == 0) {
        tern_printf("bench: gc.mmu10ms%s: no window overlapped marking\n", sfx);
    } else {
        for (int w = 0; w < MMU_NWIN; w++) {
            char id[32];
            tern_snprintf(id, sizeof id, "gc.mmu%lums%s",
                          (unsigned long)mmu_win_ms[w], sfx);
            bench_report(id, m.worst[w], "%", NULL, 0);
        }
    }
    tern_chan_free(m.done);
    liveset_drop();
}

/* --- gc.heap_ratio ----------------------------------------------------- */

static void bench_heap_ratio(void)
{
    uint64_t want = heap_idle() / 4, have = 0, live, peak_inuse = 0;
    uint64_t peak_alloc = 0, until, floor;
    uint32_t n, seed = 7, old_hz;
    void **slots;
    uint16_t *sizes;
    struct mm_stats st;

    if (want > 1024 * 1024)
        want = 1024 * 1024;
    n = (uint32_t)(want / (264 + sizeof(void *) + sizeof(uint16_t)));
    if (n < 16) {
        tern_printf("bench: gc.heap_ratio skipped: too little heap\n");
        return;
    }
    stack_scrub();
    slots = ptr_array(&n);
    sizes = tern_alloc_noscan(n * sizeof(uint16_t));
    for (uint32_t i = 0; i < n; i++) {
        sizes[i] = (uint16_t)(16 + test_rand(&seed) % 497);
        tern_store(&slots[i], tern_alloc_noscan(sizes[i]));
        have += sizes[i];
    }
    tern_gc();
    live = heap_marked();
    {
        /* gc/gc.c's pacer: the goal is at least live + min(heap / 8,
         * 64 KiB), heap being the span of the heap regions */
        uint64_t heap = gc.heap_hi - gc.heap_lo;
        floor = heap / 8 < 64 * 1024 ? heap / 8 : 64 * 1024;
    }
    old_hz = tick_default();
    for (int phase = 0; phase < 2; phase++) {
        until = numgc() + (phase == 0 ? 4 : 12); /* warm-up, measure */
        for (uint32_t k = 0; numgc() < until; k++) {
            uint32_t i = test_rand(&seed) % n;
            tern_store(&slots[i], tern_alloc_noscan(sizes[i]));
            if (phase == 1 && (k & 7) == 0) {
                mm_read_stats(&st);
                if (st.heap_inuse > peak_inuse)
                    peak_inuse = st.heap_inuse;
                if (st.heap_alloc > peak_alloc)
                    peak_alloc = st.heap_alloc;
            }
        }
    }
    tern_tick_set_hz(old_hz);
    tern_printf("bench: gc.heap_ratio: %lu objects of 16..512 bytes (%lu "
                "bytes asked), %lu bytes live; peak HeapInuse %lu, "
                "HeapAlloc %lu over 12 cycles at GOGC=100; the pacer's floor "
                "is a goal of live + %lu bytes\n",
                (unsigned long)n, (unsigned long)have, (unsigned long)live,
                (unsigned long)peak_inuse, (unsigned long)peak_alloc,
                (unsigned long)floor);
    bench_report("gc.heap_ratio", peak_inuse * 100 / live, "x", NULL, 0);
    bench_report("gc.heap_ratio.alloc", peak_alloc * 100 / live, "x", NULL, 0);
    tern_keepalive(slots);
    tern_keepalive(sizes);
    tern_gc();
}

/* --- gc.gcbench ------------------------------------------------------------ */

/* Boehm's parameters are stretch 18, long-lived 16, array 500000, depths
 * 4..16; here stretch S, long-lived and deepest S - 2, an array of 4 x
 * (nodes of the long-lived tree) 8-byte numbers (Boehm's proportion), S
 * as large as the heap holds (at most 16, for time).  Boehm fills half
 * the array with 1.0 / i; here i * i, the same without floating point
 * (the pc build has none). */
struct gcb {
    int stretch, longlived, mindepth, maxdepth;
    uint32_t array;
};

static uint32_t gcb_iters(const struct gcb *p, int depth)
{
    return 2 * tree_nodes(p->stretch) / tree_nodes(depth);
}

/* With the collector: zeroed nodes, stores through the barrier. */
static struct node *gcb_new(struct node *l, struct node *r)
{
    struct node *n = tern_new(node_type);

    if (l != NULL)
        tern_store(&n->left, l);
    if (r != NULL)
        tern_store(&n->right, r);
    return n;
}

static void gcb_populate(int depth, struct node *n)
{
    if (depth <= 0)
        return;
    depth--;
    tern_store(&n->left, gcb_new(NULL, NULL));
    tern_store(&n->right, gcb_new(NULL, NULL));
    gcb_populate(depth, n->left);
    gcb_populate(depth, n->right);
}

static struct node *gcb_make(int depth)
{
    struct node *l;

    if (depth <= 0)
        return gcb_new(NULL, NULL);
    l = gcb_make(depth - 1);
    return gcb_new(l, gcb_make(depth - 1));
}

static bool gcb_run_gc(const struct gcb *p)
{
    struct node *longlived;
    uint64_t *array;
    bool ok;

    gcb_make(p->stretch); /* the stretch tree, dropped */
    longlived = gcb_new(NULL, NULL);
    gcb_populate(p->longlived, longlived);
    array = tern_alloc_noscan(p->array * sizeof(uint64_t));
    for (uint32_t i = 0; i < p->array / 2; i++)
        array[i] = (uint64_t)i * i;
    for (int d = p->mindepth; d <= p->maxdepth; d += 2) {
        uint32_t iters = gcb_iters(p, d);
        for (uint32_t i = 0; i < iters; i++)
            gcb_populate(d, gcb_new(NULL, NULL));
        for (uint32_t i = 0; i < iters; i++)
            gcb_make(d);
    }
    ok = longlived != NULL &&
         array[p->array / 4] == (uint64_t)(p->array / 4) * (p->array / 4);
    tern_keepalive(longlived);
    tern_keepalive(array);
    return ok;
}

#if defined(BENCH_NEWLIB)
/* With newlib-nano: initialised nodes, every tree freed explicitly. */
static bool gcb_oom;

static struct node *nano_new(struct node *l, struct node *r)
{
    struct node *n = bench_nano_malloc(sizeof *n);

    if (n == NULL) {
        gcb_oom = true;
        return NULL;
    }
    n->left = l;
    n->right = r;
    n->i = n->j = 0;
    return n;
}

static void nano_destroy(struct node *n)
{
    if (n == NULL)
        return;
    nano_destroy(n->left);
    nano_destroy(n->right);
    bench_nano_free(n);
}

static void nano_populate(int depth, struct node *n)
{
    if (depth <= 0 || n == NULL)
        return;
    depth--;
    n->left = nano_new(NULL, NULL);
    n->right = nano_new(NULL, NULL);
    nano_populate(depth, n->left);
    nano_populate(depth, n->right);
}

static struct node *nano_make(int depth)
{
    struct node *l;

    if (depth <= 0)
        return nano_new(NULL, NULL);
    l = nano_make(depth - 1);
    return nano_new(l, nano_make(depth - 1));
}

static bool gcb_run_nano(const struct gcb *p)
{
    struct node *longlived, *t;
    uint64_t *array;
    bool ok;

    nano_destroy(nano_make(p->stretch));
    longlived = nano_new(NULL, NULL);
    nano_populate(p->longlived, longlived);
    array = bench_nano_malloc(p->array * sizeof(uint64_t));
    if (array == NULL)
        return false;
    for (uint32_t i = 0; i < p->array / 2; i++)
        array[i] = (uint64_t)i * i;
    for (int d = p->mindepth; d <= p->maxdepth; d += 2) {
        uint32_t iters = gcb_iters(p, d);
        for (uint32_t i = 0; i < iters; i++) {
            t = nano_new(NULL, NULL);
            nano_populate(d, t);
            nano_destroy(t);
        }
        for (uint32_t i = 0; i < iters; i++)
            nano_destroy(nano_make(d));
    }
    ok = !gcb_oom && longlived != NULL &&
         array[p->array / 4] == (uint64_t)(p->array / 4) * (p->array / 4);
    nano_destroy(longlived);
    bench_nano_free(array);
    return ok;
}
#endif

static void bench_gcbench(void)
{
    uint64_t room = heap_idle(), t_gc, t_nano = 0, n0, cpu0;
    struct tern_gcstats gs;
    struct gcb p;
    uint32_t old_hz;
    int64_t t0;
    bool ok;

    /* Live data is at most 2^(S+5) bytes (the stretch tree; later the
     * long-lived tree, the array and a temporary tree together), so the
     * collector's heap peaks near 2^(S+6) at GOGC=100; newlib's arena is
     * 2^(S+6).  The two runs take turns; half as much again for slack. */
    for (p.stretch = 16; p.stretch >= 6; p.stretch--)
        if ((3ull << (p.stretch + 5)) <= room)
            break;
    if (p.stretch < 6) {
        tern_printf("bench: gc.gcbench skipped: too little heap\n");
        return;
    }
    if (m0.curg->stacksize < 2048) {
        /* its recursion, with a collection inside an allocation at the
         * bottom of it, outgrows a 1 KiB stack */
        tern_printf("bench: gc.gcbench skipped: it needs a 2 KiB stack, "
                    "this board's goroutines have %lu bytes\n",
                    (unsigned long)m0.curg->stacksize);
        return;
    }
    p.longlived = p.maxdepth = p.stretch - 2;
    p.mindepth = 4;
    p.array = 4 * tree_nodes(p.longlived);
    tern_printf("bench: gc.gcbench: stretch depth %d, long-lived depth %d, "
                "array of %lu 8-byte numbers, depths %d..%d\n",
                p.stretch, p.longlived, (unsigned long)p.array, p.mindepth,
                p.maxdepth);
    old_hz = tick_default();
#if defined(BENCH_NEWLIB)
    {
        size_t size = (size_t)1 << (p.stretch + 6);
        uint8_t *arena = tern_malloc(size);

        if (arena != NULL) {
            bench_nano_reset(arena, size);
            gcb_oom = false;
            t0 = tern_nanotime();
            ok = gcb_run_nano(&p);
            t_nano = bench_ns_insns100(tern_nanotime() - t0);
            tern_free(arena);
            if (!ok) {
                tern_printf("bench: gc.gcbench: the newlib-nano run failed "
                            "(%lu-byte arena)\n",
                            (unsigned long)size);
                t_nano = 0;
            }
        }
    }
#endif
    tern_gc();
    tern_read_gcstats(&gs);
    n0 = gs.numgc;
    cpu0 = gs.gc_cpu_ns;
    t0 = tern_nanotime();
    ok = gcb_run_gc(&p);
    t_gc = bench_ns_insns100(tern_nanotime() - t0);
    tern_read_gcstats(&gs);
    tern_tick_set_hz(old_hz);
    if (!ok) {
        tern_printf("bench: gc.gcbench: the check failed\n");
        return;
    }
    tern_printf(
        "bench: gc.gcbench: %lu collections; collector work "
        "(pauses, worker, assists) %lu insns of the total\n",
        (unsigned long)(gs.numgc - n0),
        (unsigned long)(bench_ns_insns100((int64_t)(gs.gc_cpu_ns - cpu0)) /
                        100));
    bench_report("gc.gcbench", t_gc, "insns", t_nano ? "newlib-nano" : NULL,
                 t_nano);
    tern_gc();
}

void bench_gc(void)
{
    tern_gc(); /* the worker and the sweeper start */
    bench_barrier();
    bench_new();
    bench_mark();
    stw_run("gc.stw_max.64k", 64 * 1024);
    stw_run("gc.stw_max.2m", 2 * 1024 * 1024);
    bench_mmu(MMU_HEAVY, "");
    bench_mmu(MMU_LIGHT, ".light");
    bench_heap_ratio();
    bench_gcbench();
}
