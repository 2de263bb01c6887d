/*
 * gc/gc.c - the garbage collector: cycle, pacer, workers, API.
 *
 * Tern's collector is Go's, on one core: a concurrent, incremental,
 * non-moving tri-colour mark-sweep with the hybrid write barrier.
 *
 * Colours: white = mark bit clear; grey = marked and on the work list (or
 * in an overflowed span, gc/mark.c); black = marked and scanned, or
 * marked noscan.  Goroutine stacks are grey until scanned, then black.
 *
 * The cycle
 *   1. Sweep termination.  The goroutine that starts a cycle (an
 *      allocation past the trigger, tern_gc, the forced collection)
 *      first finishes the last cycle's sweep, a span at a time,
 *      preemptible.
 *   2. Mark start, stop-the-world (interrupts masked, O(1) plus two
 *      stores per pool): gc_cycle++, every pool's objects move to its
 *      victim cache (gc/pool.c), the work list and the root cursor
 *      reset, the barrier on (gc_barrier_on), allocation black
 *      (mm_allocblack); the mcache gives back its spans of GC classes
 *      (O(span classes)), so that every span allocated from while
 *      marking is taken, paced and counted black while marking; the
 *      worker is readied.
 *   3. Concurrent mark.  The worker goroutine and allocating goroutines
 *      (assists) take work units: a grey object to scan, an overflowed
 *      span to rescan, or a step of the root cursor - a chunk of the
 *      globals, of a registered root, of the interrupt stack, one
 *      malloc'd span, the fields of one finalizable object, or one
 *      goroutine's stack.  A stack is scanned while its goroutine is
 *      held off the CPU (schedule() defers it), one goroutine at a time;
 *      every masked section shades at most a batch of pointers
 *      (gc/mark.c) or one chunk of CHUNK_WORDS words.  At the fixed
 *      point (nothing grey, every root done) white objects are garbage
 *      for good; then a step per finalizer record
 *      queues the white finalizable objects and marks them
 *      (gc/finalizer.c).
 *   4. Mark termination, stop-the-world (masked, O(span classes)): no
 *      grey object, no overflow, no scan in progress, every root done.
 *      Checkmark if asked; barrier and black allocation off; the mcache's
 *      spans back to mcentral; mm_sweepgen flips, so every span is
 *      unswept; the pacer sets the next goal; the pause is recorded; the
 *      sweeper readied.  Whoever ran it then starts the finalizer
 *      goroutine if finalizers were queued.
 *   5. Sweep, concurrently: lazily when an mcache takes a span, and by
 *      the sweeper goroutine over the page maps (gc/sweep.c).
 *
 * The invariant and the barrier.  Weak tri-colour invariant: every white
 * object a black object points to is reachable from a grey object or a
 * grey stack through white objects.  tern_store(slot, p) while marking
 * shades the old *slot and p (Go's hybrid barrier, both sides, as Go does
 * it): deleting a pointer cannot hide an object that was reachable at
 * mark start (snapshot at the beginning: the old value is shaded), and a
 * pointer from a black or unscanned stack stored into the heap is
 * shaded, so stacks need no rescan.  New objects are black.  Goroutines
 * born during marking are born scanned; their argument is shaded.
 * Channel copies shade both sides; realloc shades what it copies.
 * Atomicity (BRIEF contract 3): tern_store lives in .text.tern_nopreempt;
 * a preemption request finding a goroutine there is refused (the next
 * tick asks again), so a flag test and its store never straddle a phase
 * change.  Off-phase cost: a load, a branch, the store.
 *
 * Pacer (bytes; GOGC = gc.gogc):
 *   goal    = marked + (marked + stacks + globals) * GOGC / 100,
 *             at least marked + heap_min * GOGC / 100
 *             (heap_min = heap size / 8, at most 64 KiB: Go's 4 MiB
 *             scaled to boards);
 *   limit   = memory limit - (heap in use by stacks, malloc, metadata);
 *             goal = min(goal, limit), at least marked + 1/16 of it;
 *   trigger = marked + (goal - marked) * 7 / 10: the last 30 % of the
 *             runway is for allocation during marking;
 *   assist  = (scan work of the last cycle) / (goal - heap_live at the
 *             start): scan bytes owed per byte allocated while marking.
 * heap_live = bytes marked by the last cycle + bytes allocated since,
 *             where a small object's bytes count when the mcache takes
 *             its span: the span's free bytes then, all at once, and
 *             what it did not hand out comes off again when it is given
 *             back (Go's mcache.refill and releaseAll).  Large objects
 *             count one by one.
 * The worker aims at 25 % of the CPU, in turns of 1 ms: when its share
 * of the cycle's wall time passes that and other goroutines can run, it
 * sleeps the difference.  Assists make up the rest: while marking, every
 * allocation scans its debt (its size times the assist ratio) before it
 * is made (gc_alloc_marking), so allocation cannot outrun marking, and
 * the allocation after the last work unit ends the cycle.  Half of the
 * worker's work is credited to allocation (Go's background credit, at
 * half weight): while the worker keeps ahead, a program that mostly
 * computes pays few assists; the other half still makes marking end
 * early in the runway, which keeps floating garbage (black allocation)
 * and so the heap down.  Measured (mps2-an385, BENCH_ONLY=alloc,gc):
 * 4 ms turns and no credit: gc.mmu10ms.light 11 %, heap_ratio 1.75;
 * 1 ms turns: 33 %, 1.84; and half the credit: 44 %, 1.95; three
 * quarters: 55 %, 2.04; all of it: 44 %, 2.36.
 * Outside marking, allocation pays the pacer per span, not per object:
 * when the mcache takes a GC span, its free bytes count in heap_live; if
 * that passes the trigger, the next allocation starts the cycle
 * (gc_alloc_watch); they buy their share of the sweep (sweep_ratio)
 * while one is owed, paid at the next slow allocation (usually the next
 * span's: gc_alloc_slow says why); a large object does the same for its
 * own bytes, before it is allocated.  The per-object path (gc_alloc) is
 * then mm's inline path (mm/fastpath.h: a free-list pop or a bump, alloc
 * and mark bits, the type slot, inline zeroing) behind the
 * interrupt-handler check and one flag (gc_alloc_watch: marking, the
 * trigger passed or STRESS): BENCH gc.new16 89 instructions on Cortex-M3 (malloc16: 48),
 * against 172 when every object paid the pacer with 64-bit arithmetic.
 * While marking, heap_marked counts a taken span's free bytes too (every
 * object handed out of it is black) and loses the unused part with
 * heap_live.  Rejected: assists per span taken while marking (tried:
 * the cycle then ends only at the next refill or the worker's next turn,
 * a span or more of allocation late, and the black bytes that lag adds
 * raise the next goal: gc.paced_cycles_keep_the_heap_bounded failed).
 * Measured and not taken (mps2-an385, BENCH_ONLY=alloc,gc): Go's revise
 * (the ratio recomputed from the work still expected over the runway
 * left) with assists' own overshoot credited spreads marking over the
 * whole runway: gc.mmu10ms 1.25 -> 7.1 % (its ceiling: 19 %), but
 * everything allocated meanwhile is black, so the next cycle's marked
 * heap and goal carry it: gc.heap_ratio 1.82 -> 2.62.  This pacer
 * charges assists as if they did all the cycle's work, less half the
 * worker's (above), so marking ends early in the runway: little floating
 * garbage, a heap near 2 x live.  On an MCU the memory was judged the
 * scarcer of the two.
 * A cycle is forced when none ran for two minutes (the worker sleeps on
 * a timer for it; on a heap too small for the workers, the microbit's,
 * only allocation and tern_gc start cycles); tern_gc runs one and
 * drives it to the end itself.
 *
 * Why the work list cannot blow up: it is a fixed array; overflow costs
 * a flag and a link in the span (gc/mark.c), and rescans are bounded by
 * live objects.  Marking is O(live + roots).
 *
 * Invariants checked (gc_verify, TERN_GC_VERIFY after every cycle): the
 * mm invariants and counters (mm_verify); outside marking, no grey
 * object and no mark bit on a swept span.  Checkmark (gc/check.c) checks
 * the marking itself.
 */
#include "gc/gc.h"

#include <string.h>

#include "kernel/panic.h"
#include "mm/fastpath.h"
#include "mm/mcentral.h"
#include "mm/mheap.h"
#include "mm/mm_internal.h"
#include "sched/sched.h"
#include "tern.h"

#ifndef TERN_GC_PAUSES
#define TERN_GC_PAUSES 256 /* PauseNs / PauseEnd ring (board.mk: fewer) */
#endif
#ifndef TERN_GC_STACKSIZE
#define TERN_GC_STACKSIZE 2048 /* the worker's and the sweeper's stacks */
#endif

/* The worker's turn lasts about WORKER_TURN_NS (checked every WORK_UNIT
 * scan bytes: a few thousand instructions), then it lets others run. */
#define WORK_UNIT         512
#define WORKER_TURN_NS    1000000
#define FORCE_NS          (120 * 1000000000LL) /* forced GC period: 2 minutes */
#define ASSIST_MAX        (64 * 1024) /* debt an allocation may carry */
#define ASSIST_TIME_EVERY 16          /* assists timed: 1 in this many */
#define GC_HEAP_MIN       (64 * 1024) /* smallest goal over the live heap */

/* Span classes below this are the GC's (scan, noscan); manual above. */
#define GC_SPANCLASSES MM_SPANCLASS(0, MM_KIND_MANUAL)
_Static_assert(MM_KIND_SCAN < MM_KIND_MANUAL && MM_KIND_NOSCAN < MM_KIND_MANUAL,
               "the GC's span classes come first");

struct gcstate gc TERN_PRIVATE;
volatile uint8_t gc_barrier_on TERN_PRIVATE;
/* Allocation takes gc_alloc_marking: marking, STRESS mode, or a span
 * taken past the trigger. */
static volatile uint8_t gc_alloc_watch TERN_PRIVATE;
struct g *gc_scanning_g TERN_PRIVATE;
struct g *gc_scan_deferred TERN_PRIVATE;
uint32_t gc_cycle TERN_PRIVATE;

static uint64_t end_live TERN_PRIVATE; /* heap_live at mark termination */
static bool last_forced TERN_PRIVATE;
static uint64_t pause_ns[TERN_GC_PAUSES] TERN_PRIVATE;
static uint64_t pause_end[TERN_GC_PAUSES] TERN_PRIVATE;

/* The worker and the sweeper: parked (WAIT_GC) between cycles. */
static struct {
    struct g *g;
    bool parked;
} worker TERN_PRIVATE, sweeper TERN_PRIVATE;
static bool started TERN_PRIVATE;
static int64_t boot_ns TERN_PRIVATE;
static struct tern_note worker_note TERN_PRIVATE; /* wakes the worker */

const struct tern_type tern_type_ptr = {sizeof(void *), (const uint32_t[]){1u},
                                        "pointer"};

static void pacer(void);
static void mark_termination(void);
static void assist_time(void);
static void cache_span(struct mspan *s, bool take);

/* Bytes counted in heap_live (and in heap_marked while marking) when
 * their span was cached, and not handed out.  Masked. */
static void uncount(uint64_t n)
{
    gc.heap_live = gc.heap_live > n ? gc.heap_live - n : 0;
    if (gc.phase == GC_MARK)
        gc.heap_marked = gc.heap_marked > n ? gc.heap_marked - n : 0;
}
static void flush_mcache(unsigned nsc);
static bool collect_for_mm(size_t size);

void gc_init(void)
{
    unsigned long irq = arch_irq_save();

    memset(&gc, 0, sizeof gc);
    gc.gogc = 100;
    gc.heap_lo = UINTPTR_MAX;
    for (int i = 0; i < mheap.nregions; i++) {
        const struct mheap_region *r = &mheap.regions[i];
        if (r->base < gc.heap_lo)
            gc.heap_lo = r->base;
        if (r->end > gc.heap_hi)
            gc.heap_hi = r->end;
        gc.memlimit += (int64_t)(r->end - r->base); /* gaps excluded */
    }
    if (gc.heap_lo > gc.heap_hi)
        gc.heap_lo = gc.heap_hi = 0;
    gc_barrier_on = 0;
    gc_alloc_watch = 0;
    mm_allocblack = 0;
    mm_sweep_hook = gc_sweep_span;
    mm_copy_hook = gc_shade_range;
    mm_collect_hook = collect_for_mm;
    mm_cache_hook = cache_span;
    gc_scanning_g = gc_scan_deferred = NULL;
    gc.sweep_done = true;
    gc_check_reset();
    gc_mark_reset();
    pacer();
    arch_irq_restore(irq);
    boot_ns = tern_nanotime();
}

/* --- the workers ------------------------------------------------------- */

static void park(void)
{
    struct g *cur = m0.curg;

    cur->state = G_WAITING;
    cur->waitreason = WAIT_GC;
    schedule();
}

/* Ready a parked worker.  Masked. */
static void unpark(struct g *gp, bool *parked)
{
    if (gp != NULL && *parked) {
        *parked = false;
        sched_ready(gp, false);
    }
}

static void gc_start(bool forced);

/* Tests: the forced collection's period in ms (0: two minutes). */
static uint32_t force_ms TERN_PRIVATE;

void gc_set_force_period(uint32_t ms)
{
    force_ms = ms;
    tern_note_wakeup(&worker_note); /* to sleep for the new period */
}

/* Between cycles: sleep until a cycle starts, or until the forced
 * collection is due (a timer, so a tickless idle CPU still wakes for
 * it), and then start that one. */
static void worker_idle(void)
{
    int64_t period = force_ms ? (int64_t)force_ms * 1000000 : FORCE_NS;
    int64_t since, timeout = -1;

    if (gc.gogc >= 0) {
        since = tern_nanotime() -
                (int64_t)(gc.last_gc ? gc.last_gc : (uint64_t)boot_ns);
        timeout = since >= period ? 0 : period - since;
    }
    if (timeout != 0 && tern_note_sleep(&worker_note, timeout))
        return; /* woken: a cycle began, or the period changed */
    if (gc.phase == GC_OFF && gc.gogc >= 0 &&
        tern_nanotime() -
                (int64_t)(gc.last_gc ? gc.last_gc : (uint64_t)boot_ns) >=
            period)
        gc_start(true);
}

static void worker_fn(void *arg)
{
    (void)arg;
    for (;;) {
        int64_t t0, t1, elapsed;
        unsigned long irq;
        bool did;

        if (gc.phase != GC_MARK) {
            worker_idle();
            continue;
        }
        t0 = tern_nanotime();
        did = false;
        for (;;) { /* a turn: up to WORKER_TURN_NS, in small budgets */
            int64_t w = gc_mark_work(WORK_UNIT);
            bool any = w != 0;

            irq = arch_irq_save(); /* half of it is allocation's credit */
            gc.assist_debt -= w / 2;
            if (gc.assist_debt < -ASSIST_MAX)
                gc.assist_debt = -ASSIST_MAX;
            arch_irq_restore(irq);
            did |= any;
            if (!any || gc_mark_done() ||
                tern_nanotime() - t0 >= WORKER_TURN_NS)
                break;
        }
        t1 = tern_nanotime();
        gc.worker_ns += t1 - t0;
        if (gc_mark_done()) {
            mark_termination();
            continue;
        }
        if (!did) { /* a preempted scanner holds the last work: let it */
            tern_yield();
            continue;
        }
        elapsed = t1 - gc.cycle_start;
        irq = arch_irq_save();
        did = sched_others_runnable();
        arch_irq_restore(irq);
        if (did && gc.worker_ns * 4 > elapsed) {
            int64_t d = gc.worker_ns * 4 - elapsed;
            tern_sleep(d < 10000000 ? d : 10000000);
        } else if (did) {
            tern_yield();
        }
    }
}

static void sweeper_fn(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned long irq = arch_irq_save();

        if (gc.sweep_done || gc.phase == GC_MARK) {
            sweeper.parked = true;
            park();
            arch_irq_restore(irq);
            continue;
        }
        arch_irq_restore(irq);
        if (gc_sweep_some())
            tern_yield(); /* background: a span, then everyone else */
    }
}

/* The workers start with the first collection (from a goroutine). */
static void start_workers(void)
{
    /* A heap under 16 KiB (the microbit's) cannot spare two stacks: the
     * allocating goroutines and tern_gc drive every cycle there. */
    if (started || m0.curg == NULL ||
        (uint64_t)mheap.total_pages * MM_PAGE_SIZE < 16 * 1024)
        return;
    started = true;
    if (worker.g == NULL)
        worker.g = sched_go_system(worker_fn, NULL, TERN_GC_STACKSIZE, 1);
    if (sweeper.g == NULL)
        sweeper.g = sched_go_system(sweeper_fn, NULL, TERN_GC_STACKSIZE, 1);
    /* Without memory for them the cycle runs on: tern_gc and the assists
     * drive marking; the next cycle tries again. */
    if (worker.g == NULL || sweeper.g == NULL)
        started = false;
}

const char *gc_goroutine_name(void (*fn)(void *))
{
    if (fn == worker_fn)
        return "gc worker";
    if (fn == sweeper_fn)
        return "gc sweeper";
    return gc_fin_name(fn);
}

/* --- the cycle ---------------------------------------------------------- */

static void record_stw(int64_t ns)
{
    if (ns > (int64_t)gc.stw_max)
        gc.stw_max = (uint32_t)ns;
}

static void gc_start(bool forced)
{
    unsigned long irq;
    int64_t t0;

    start_workers();
    while (gc_sweep_some()) /* step 1: the last cycle's sweep, finished */
        ;
    irq = arch_irq_save();
    if (gc.phase != GC_OFF) {
        arch_irq_restore(irq);
        return; /* someone else started it meanwhile */
    }
    t0 = tern_nanotime();
    flush_mcache(GC_SPANCLASSES); /* the cycle's spans are taken in it */
    gc_cycle++;
    gc_pools_rotate();
    gc_mark_reset();
    gc.phase = GC_MARK;
    gc.forced = forced ? 1 : 0;
    gc.start_live = gc.heap_live;
    gc.heap_marked = 0;
    gc.scan_work = 0;
    gc.worker_ns = gc.assist_ns = 0;
    gc.assist_calls = gc.assist_timed_work = gc.assist_untimed_work = 0;
    gc.assist_debt = 0;
    gc.refill_bytes = 0; /* spans taken before: their pacing is moot */
    {
        uint64_t runway = gc.goal > gc.heap_live ? gc.goal - gc.heap_live : 0;
        uint64_t expect = gc.last_scan ? gc.last_scan : gc.heap_live;
        uint64_t r = runway < 256 ? UINT32_MAX : (expect << 16) / runway;
        gc.assist_ratio = r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
    }
    mm_allocblack = 1;
    gc_barrier_on = 1;
    gc_alloc_watch = 1;
    gc.cycle_start = t0;
    tern_note_wakeup(&worker_note);
    gc.stw1 = tern_nanotime() - t0;
    record_stw(gc.stw1);
    arch_irq_restore(irq);
}

/* The mcache's spans of span classes below nsc back to mcentral (each
 * giving back the bytes it did not hand out: cache_span); the tiny
 * block is let go (it may be garbage).  Masked.  O(nsc).
 * Mark start (step 2) flushes the GC's classes, so that every span
 * objects are allocated from while marking is taken while marking, and
 * paced (assists) and counted black then; mark termination (step 4)
 * flushes every class, so that sweeping finds the spans in mcentral. */
static void flush_mcache(unsigned nsc)
{
    uint32_t unused = 0; /* bytes the GC's spans did not hand out */
    struct mspan *s;

    for (unsigned sc = 0; sc < nsc; sc++)
        if ((s = mcache0.alloc[sc]) != NULL) {
            if (sc < GC_SPANCLASSES)
                unused += (uint32_t)(s->nelems - s->nalloc) * s->elemsize;
            mcentral_uncache_span(s);
            mcache0.alloc[sc] = NULL;
        }
    uncount(unused);
    mcache0.tiny = 0;
    mcache0.tinyoffset = 0;
}

static void pacer(void)
{
    uint64_t live = gc.heap_marked,
             heap = (uint64_t)mheap.total_pages * MM_PAGE_SIZE;
    uint64_t goal, limit, used, inuse;

    if (gc.gogc < 0) {
        goal = UINT64_MAX;
    } else {
        uint64_t min = (heap / 8 < GC_HEAP_MIN ? heap / 8 : GC_HEAP_MIN) *
                       (uint64_t)gc.gogc / 100;
        goal = live + (live + gc.stacks_bytes + gc.globals_bytes) *
                          (uint64_t)gc.gogc / 100;
        if (goal < live + min)
            goal = live + min;
    }
    mm_read_footprint(&inuse, &used); /* O(1): this runs stop-the-world */
    used += inuse > gc.heap_live ? inuse - gc.heap_live : 0;
    limit = gc.memlimit > (int64_t)used ? (uint64_t)gc.memlimit - used : 0;
    if (goal > limit) {
        goal = limit;
        if (goal < live + live / 16 + MM_PAGE_SIZE)
            goal = live + live / 16 + MM_PAGE_SIZE;
    }
    gc.goal = goal;
    gc.trigger =
        goal == UINT64_MAX ? UINT64_MAX : live + (goal - live) * 7 / 10;
}

static void mark_termination(void)
{
    unsigned long irq = arch_irq_save();
    int64_t t0, t1;
    uint32_t k;

    if (!gc_mark_done()) {
        arch_irq_restore(irq);
        return;
    }
    t0 = tern_nanotime();
    gc.mark_ns = t0 - gc.cycle_start - gc.stw1;
    if (gc.debug & TERN_GC_CHECKMARK)
        gc_checkmark();
    gc_barrier_on = 0;
    mm_allocblack = 0;
    gc_alloc_watch = (gc.debug & TERN_GC_STRESS) != 0;
    flush_mcache(MM_NUM_SPANCLASSES);
    mm_sweepgen++;
    gc.phase = GC_OFF;
    gc.numgc++;
    if (gc.forced)
        gc.numforced++;
    last_forced = gc.forced != 0;
    gc.forced = 0;
    end_live = gc.heap_live;
    gc.heap_live = gc.heap_marked;
    gc.refill_bytes = 0; /* the cycle's assists are moot now */
    gc.last_scan = gc.scan_work;
    pacer();
    gc_sweep_reset();
    {
        /* Proportional sweep: the walk's steps (at most a page each) done
         * by allocation before the heap reaches half the runway to the
         * next trigger, so the next cycle never waits on it. */
        uint64_t steps = mheap.total_pages + 1;
        uint64_t kib = gc.trigger > gc.heap_live
                           ? (gc.trigger - gc.heap_live) / 2048 + 1
                           : 1;
        uint64_t r = (steps << 16) / kib;
        gc.sweep_ratio = r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
        gc.sweep_owed = 0;
    }
    t1 = tern_nanotime();
    gc.stw2 = t1 - t0;
    if (!(gc.debug & TERN_GC_CHECKMARK))
        record_stw(gc.stw2);
    gc.pause_total += (uint64_t)(gc.stw1 + gc.stw2);
    k = (uint32_t)((gc.numgc - 1) % TERN_GC_PAUSES);
    pause_ns[k] = (uint64_t)(gc.stw1 + gc.stw2);
    pause_end[k] = (uint64_t)t1;
    gc.last_gc = (uint64_t)t1;
    assist_time();
    gc.cpu_ns += (uint64_t)(gc.stw1 + gc.stw2 + gc.worker_ns + gc.assist_ns);
    unpark(sweeper.g, &sweeper.parked);
    arch_irq_restore(irq);
    if (gc.debug & TERN_GC_VERIFY) {
        const char *r = gc_verify();
        if (r != NULL) {
            fatal_begin();
            fatal_printf("fatal error: heap verifier: %s\n", r);
            fatal_end();
        }
    }
    if (gc.trace)
        gc_trace_write(fmt_console_sink, NULL);
    gc_fin_start();
}

/* Pay the allocation's assist debt by scanning (the calling goroutine).
 * Its CPU time, for GCCPUFraction and the trace, is measured on one
 * assist in ASSIST_TIME_EVERY (the first of a cycle included), and the
 * others' is estimated at mark termination from the measured ones' time
 * per byte of scan work (assist_time): two clock reads per assist cost
 * about 340 instructions, more than a small assist's work, and an
 * assist runs with every allocation while marking (BENCH gc.gcbench:
 * 9% of the total).  An allocation pays at most twice its own charge
 * and a work unit: arrears (debt that allocations ran up while the
 * worker, preempted, held the work) are paid off by the next ones, not
 * all by one (up to ASSIST_MAX: one such assist took 55 ms in the gc
 * benchmarks' run). */
static void assist(uint64_t size)
{
    unsigned long irq = arch_irq_save();
    int64_t debt, t0 = 0, done, charge;
    bool timed;

    charge = (int64_t)((size * gc.assist_ratio) >> 16);
    gc.assist_debt += charge;
    if (gc.assist_debt > ASSIST_MAX)
        gc.assist_debt = ASSIST_MAX;
    debt = gc.assist_debt;
    if (debt > 2 * charge + WORK_UNIT)
        debt = 2 * charge + WORK_UNIT; /* arrears: paid off over time */
    timed = debt > 0 && gc.assist_calls++ % ASSIST_TIME_EVERY == 0;
    arch_irq_restore(irq);
    if (debt <= 0)
        return;
    if (timed)
        t0 = tern_nanotime();
    done = gc_mark_work(debt); /* (its own: not others' while preempted) */
    irq = arch_irq_save();
    gc.assist_debt -= done;
    if (gc.assist_debt < 0)
        gc.assist_debt = 0;
    if (timed) {
        gc.assist_ns += tern_nanotime() - t0;
        gc.assist_timed_work += (uint32_t)done;
    } else {
        gc.assist_untimed_work += (uint32_t)done;
    }
    arch_irq_restore(irq);
    if (gc_mark_done())
        mark_termination();
}

/* The untimed assists' share of assist_ns (assist).  Masked. */
static void assist_time(void)
{
    if (gc.assist_untimed_work != 0 && gc.assist_timed_work != 0)
        gc.assist_ns +=
            (int64_t)((uint64_t)gc.assist_untimed_work *
                      (uint64_t)gc.assist_ns / gc.assist_timed_work);
    gc.assist_untimed_work = gc.assist_timed_work = 0;
}

/* --- allocation --------------------------------------------------------- */

_Noreturn static void out_of_memory(size_t size)
{
    const char *v = gc_verify();
    struct mm_stats st;

    mm_read_stats(&st);
    fatal_begin();
    fatal_printf("fatal error: out of memory\n");
    fatal_printf("request %lu bytes (after a full collection); heap %lu in "
                 "use of %lu, largest free run %lu; heap verifier: %s\n",
                 (unsigned long)size, (unsigned long)st.heap_inuse,
                 (unsigned long)st.heap_sys, (unsigned long)st.largest_free,
                 v ? v : "ok");
    fatal_printf("HeapAlloc=%lu HeapObjects=%lu StackInuse=%lu NumGC=%lu "
                 "NextGC=%lu\n",
                 (unsigned long)st.heap_alloc, (unsigned long)st.heap_objects,
                 (unsigned long)st.stack_inuse, (unsigned long)gc.numgc,
                 (unsigned long)gc.goal);
    fatal_end();
}

/* Pacing work owed for bytes newly counted in heap_live: while marking,
 * the assist they owe; else a cycle if the trigger is passed; else their
 * share of the sweep (the walk's steps before half the runway is gone,
 * so the next cycle never waits on it).  Called per span the mcache
 * takes and per large object, not per small object. */
static void pace(uint64_t bytes)
{
    if (gc.phase == GC_MARK) {
        assist(bytes);
    } else if (gc.heap_live >= gc.trigger) {
        gc_start(false);
    } else if (!gc.sweep_done) {
        gc.sweep_owed += (bytes * gc.sweep_ratio) >> 10;
        while (gc.sweep_owed >= 1u << 16 && gc_sweep_some())
            gc.sweep_owed -= 1u << 16;
    }
}

/* Free bytes of a cached GC span: what heap_live counts for it beyond its
 * allocated objects.  Masked. */
static uint64_t span_free_bytes(const struct mspan *s)
{
    return (uint64_t)(s->nelems - s->nalloc) * s->elemsize;
}

/* mm_cache_hook: the mcache took GC span s (take) or gives it back.
 * Taking it counts its free bytes as allocated (Go's mcache.refill):
 * heap_live, and heap_marked while marking, since every object handed
 * out of it then is black; they are owed to the pacer (refill_bytes,
 * paid by gc_alloc_slow).  Giving it back takes off the bytes it did not
 * hand out.  Masked. */
static void cache_span(struct mspan *s, bool take)
{
    uint64_t n;

    n = span_free_bytes(s);
    if (take) {
        gc.heap_live += n;
        if (gc.phase == GC_MARK) {
            gc.heap_marked += n; /* assists are per object then */
        } else {
            gc.refill_bytes += n;
            if (gc.heap_live >= gc.trigger)
                gc_alloc_watch = 1; /* the next allocation starts a cycle */
        }
        return;
    }
    uncount(n);
}

/* Everything gc_alloc's inline path does not do: large objects (paced
 * and counted one by one), tiny ones, and a small object whose span is
 * used up - the mcache takes another (cache_span counts it).  The pacer
 * is paid for spans taken before, here, before the allocation: paying
 * after it would keep the new object in a register while marking and
 * sweeping run below this frame, and leave stale copies of it deep in
 * the stack for the conservative scan to find.  So a span is paid for
 * at the next slow allocation (usually the next span taken): pacing
 * lags by one span. */
static __attribute__((noinline)) void *gc_alloc_slow(size_t size, unsigned kind,
                                                     unsigned flags,
                                                     const struct tern_type *t)
{
    bool large = size > MM_MAX_SMALL;
    unsigned long irq;
    uint64_t owed;
    void *p;

    irq = arch_irq_save();
    owed = gc.refill_bytes;
    gc.refill_bytes = 0;
    arch_irq_restore(irq);
    if (large && gc.phase != GC_MARK) /* marking: gc_alloc_marking paid */
        owed += size;
    if (owed != 0)
        pace(owed);
    p = mm_alloc_slow_t(size, kind, flags, t);
    if (p == NULL) {
        tern_gc(); /* a full cycle, swept, then once more */
        p = mm_alloc_slow_t(size, kind, flags, t);
        if (p == NULL)
            out_of_memory(size);
    }
    if (large) {
        irq = arch_irq_save();
        gc.heap_live += size;
        if (gc.phase == GC_MARK)
            gc.heap_marked += size; /* black */
        arch_irq_restore(irq);
    }
    return p;
}

/* Allocation while marking (or in STRESS mode, or once a span taken has
 * passed the trigger): each object pays its assist before it is
 * allocated, as in Go, so that whoever allocates finds the end of
 * marking as soon as the work is done and the cycle does not run on for
 * a span's worth of allocation; past the trigger, the cycle starts
 * before the object is allocated. */
static __attribute__((noinline)) void *
gc_alloc_marking(size_t size, unsigned kind, const struct tern_type *t)
{
    unsigned long irq;

    if (gc.debug & TERN_GC_STRESS)
        tern_gc();
    if (gc.phase == GC_MARK) {
        assist(size);
    } else if (gc.heap_live >= gc.trigger) {
        gc_start(false);
    } else {
        irq = arch_irq_save();
        if (gc.phase != GC_MARK && gc.heap_live < gc.trigger &&
            !(gc.debug & TERN_GC_STRESS))
            gc_alloc_watch = 0;
        arch_irq_restore(irq);
    }
    return mm_alloc_fast(size, kind, MM_ZERO, t, gc_alloc_slow);
}

/* The per-object path: mm's inline allocation (a black object while
 * marking, its type recorded in the same masked section), zeroed.  No
 * pacing here outside marking: that is per span (gc_alloc_slow). */
static inline __attribute__((always_inline)) void *
gc_alloc(size_t size, unsigned kind, const struct tern_type *t)
{
    if (arch_in_isr())
        tern_panic("allocation from the GC heap in an interrupt handler");
    if (__builtin_expect(gc_alloc_watch, 0))
        return gc_alloc_marking(size, kind, t);
    return mm_alloc_fast(size, kind, MM_ZERO, t, gc_alloc_slow);
}

void *tern_alloc(const struct tern_type *t)
{
    return gc_alloc(t->size, MM_KIND_SCAN, t);
}

void *tern_alloc_array(const struct tern_type *t, size_t n)
{
    if (n != 0 && t->size > SIZE_MAX / n)
        tern_panic("allocation size overflows");
    return gc_alloc(t->size * n, MM_KIND_SCAN, t);
}

void *tern_alloc_noscan(size_t size)
{
    return gc_alloc(size, MM_KIND_NOSCAN, NULL);
}

void *tern_alloc_scan(size_t size)
{
    return gc_alloc(size, MM_KIND_SCAN, NULL);
}

/* mm_collect_hook: a manual allocation (malloc, a goroutine descriptor or
 * stack) found no memory, and garbage may hold it.  Collect, unless that
 * cannot help (nothing allocated from the GC heap, more than the heap
 * asked for) or is unsafe here: in an interrupt handler, before the
 * scheduler runs, on the GC's own goroutines, re-entered (starting the
 * workers allocates their stacks), or on a goroutine whose stack has less
 * than TERN_GC_ROOM bytes left (gc/gc.h): the collection runs on the
 * caller's stack, and a small goroutine that mallocs would overflow its
 * stack where it expected NULL at worst (it gets NULL). */
static bool collect_for_mm(size_t size)
{
    static bool busy TERN_PRIVATE;
    struct g *cur = m0.curg;

    if (busy || arch_in_isr() || cur == NULL || cur->system ||
        (gc.heap_live == 0 && gc.sweep_done) ||
        size > (size_t)mheap.total_pages * MM_PAGE_SIZE ||
        arch_sp() - (uintptr_t)cur->stack < ARCH_STACK_GUARD + TERN_GC_ROOM)
        return false;
    busy = true;
    tern_gc();
    busy = false;
    return true;
}

/* --- control ------------------------------------------------------------ */

void tern_gc(void)
{
    if (arch_in_isr())
        tern_panic("tern_gc in an interrupt handler");
    /* A cycle under way may have started before the caller's garbage
     * became garbage: finish it, then run a whole one. */
    for (int round = 0; round < 2; round++) {
        if (round == 0 && gc.phase != GC_MARK)
            continue;
        if (round == 1)
            gc_start(true);
        gc_cycle_finish();
    }
    while (gc_sweep_some())
        ;
}

void gc_cycle_begin(void)
{
    gc_start(false);
}

void gc_cycle_finish(void)
{
    uint64_t n = gc.numgc;

    while (gc.phase == GC_MARK && gc.numgc == n) {
        int64_t t0 = tern_nanotime();
        int64_t done = gc_mark_work(1 << 20);
        bool did = done != 0;
        unsigned long irq;

        /* the caller's marking is GC CPU time (as an assist's, timed) */
        irq = arch_irq_save();
        gc.assist_ns += tern_nanotime() - t0;
        gc.assist_timed_work += (uint32_t)done;
        arch_irq_restore(irq);
        if (did)
            continue;
        if (gc_mark_done())
            mark_termination();
        else
            tern_yield();
    }
}

int tern_gc_percent(int pct)
{
    unsigned long irq = arch_irq_save();
    int old = gc.gogc;

    gc.gogc = pct < 0 ? TERN_GOGC_OFF : pct;
    pacer();
    arch_irq_restore(irq);
    return old;
}

int64_t tern_gc_memory_limit(int64_t bytes)
{
    unsigned long irq = arch_irq_save();
    int64_t old = gc.memlimit;

    if (bytes >= 0) {
        gc.memlimit = bytes;
        pacer();
    }
    arch_irq_restore(irq);
    return old;
}

bool tern_gctrace(bool on)
{
    bool old = gc.trace;

    gc.trace = on;
    return old;
}

unsigned tern_gc_debug(unsigned flags)
{
    unsigned old = gc.debug;
    unsigned long irq;

    if ((flags & TERN_GC_CHECKMARK) && !gc_checkmark_alloc())
        tern_panic("no memory for the checkmark bitmap");
    irq = arch_irq_save();
    gc.debug = (uint8_t)flags;
    gc_alloc_watch = gc.phase == GC_MARK || (flags & TERN_GC_STRESS) != 0;
    arch_irq_restore(irq);
    return old;
}

/* --- statistics ---------------------------------------------------------- */

void tern_read_gcstats(struct tern_gcstats *st)
{
    unsigned long irq = arch_irq_save();

    memset(st, 0, sizeof *st);
    st->numgc = gc.numgc;
    st->numforcedgc = gc.numforced;
    st->pause_total_ns = gc.pause_total;
    st->last_gc = gc.last_gc;
    st->next_gc = gc.goal;
    st->heap_live = gc.heap_live;
    st->heap_marked = gc.heap_marked;
    st->gc_cpu_ns = gc.cpu_ns;
    st->freed = gc.freed;
    st->stw_max_ns = gc.stw_max;
    st->mark_overflows = gc.overflows;
    st->gogc = gc.gogc;
    st->memory_limit = gc.memlimit;
    st->phase = gc.phase == GC_MARK ? 1 : !gc.sweep_done ? 2 : 0;
    arch_irq_restore(irq);
}

bool tern_gc_pause(unsigned k, uint64_t *ns, uint64_t *end)
{
    unsigned long irq = arch_irq_save();
    bool ok = k < TERN_GC_PAUSES && k < gc.numgc;

    if (ok) {
        uint32_t i = (uint32_t)((gc.numgc - 1 - k) % TERN_GC_PAUSES);
        *ns = pause_ns[i];
        *end = pause_end[i];
    }
    arch_irq_restore(irq);
    return ok;
}

/* ns as milliseconds, "1.234", then sep. */
static void ms(fmt_sink sink, void *ctx, int64_t ns, const char *sep)
{
    if (ns < 0)
        ns = 0;
    fmt_format(sink, ctx, "%lu.%03lu%s", (unsigned long)(ns / 1000000),
               (unsigned long)(ns / 1000 % 1000), sep);
}

/* Go's gctrace line (runtime/extern.go), memory in KB:
 * gc # @#s #%: #+#+# ms clock, #+#/#/#+# ms cpu, #->#-># KB, # KB goal,
 * # KB stacks, # KB globals, # P
 * A piece at a time, no buffers: it is printed on whichever goroutine
 * ends the cycle, whose stack may be 1 KiB. */
bool gc_trace_write(fmt_sink sink, void *ctx)
{
    int64_t since = (int64_t)gc.last_gc - boot_ns;
    uint64_t pct = since > 0 ? gc.cpu_ns * 100 / (uint64_t)since : 0;

    if (gc.numgc == 0 || gc.phase == GC_MARK)
        return false;
    fmt_format(sink, ctx, "gc %lu @%lu.%03lus %lu%%: ", (unsigned long)gc.numgc,
               (unsigned long)(since / 1000000000),
               (unsigned long)(since / 1000000 % 1000), (unsigned long)pct);
    ms(sink, ctx, gc.stw1, "+");
    ms(sink, ctx, gc.mark_ns, "+");
    ms(sink, ctx, gc.stw2, " ms clock, ");
    ms(sink, ctx, gc.stw1, "+");
    ms(sink, ctx, gc.assist_ns, "/");
    ms(sink, ctx, gc.worker_ns, "/");
    ms(sink, ctx, 0, "+");
    ms(sink, ctx, gc.stw2, " ms cpu, ");
    fmt_format(
        sink, ctx,
        "%lu->%lu->%lu KB, %lu KB goal, %lu KB stacks, %lu KB "
        "globals, 1 P%s\n",
        (unsigned long)(gc.start_live / 1024), (unsigned long)(end_live / 1024),
        (unsigned long)(gc.heap_marked / 1024), (unsigned long)(gc.goal / 1024),
        (unsigned long)(gc.stacks_bytes / 1024),
        (unsigned long)(gc.globals_bytes / 1024),
        last_forced ? " (forced)" : "");
    return true;
}
