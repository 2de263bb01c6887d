/*
 * gc/gc.h - the collector's interface to the rest of the runtime.  See
 * gc/gc.c for the design.
 */
#ifndef GC_GC_H
#define GC_GC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/fmt.h"
#include "mm/mm.h"

/* Phases (struct gcstate.phase). */
#define GC_OFF   0 /* mutators run; spans may still be unswept */
#define GC_MARK  1 /* barrier on, allocation black, work in progress */
#define GC_SWEEP 2 /* marked; sweeping (only for reports: OFF otherwise) */

/* Nonzero while the write barrier must shade: read by tern_store. */
extern volatile uint8_t gc_barrier_on;

/* A manual allocation (malloc, a goroutine's descriptor or stack) that
 * finds no memory collects and tries again, unless its goroutine has
 * less than this much stack above the guard: the collection runs there
 * (board.mk may say less: its collections are smaller). */
#ifndef TERN_GC_ROOM
#define TERN_GC_ROOM 1024
#endif

/* Start the collector: its worker and sweeper goroutines.  Boot, after
 * the scheduler can spawn (or a host test, after mm_init_regions). */
void gc_init(void);

/* --- for the scheduler and channels (interrupts masked) --- */

/* Shade the object p points into, if any (a grey push or a mark). */
void gc_shade(const void *p);
/* gc_shade(a); gc_shade(b), with one span lookup when they share a span
 * (the write barrier's old and new pointer). */
void gc_shade_pair(const void *a, const void *b);
/* Shade every word of [p, p + n) that points into the heap. */
void gc_shade_range(const void *p, size_t n);

/* The goroutine whose stack is being scanned: schedule() must not run it
 * until the scan ends (gc_scan_deferred holds it meanwhile). */
extern struct g *gc_scanning_g;
extern struct g *gc_scan_deferred;

/* Cycle stamp for goroutine stacks: a G whose gcscan equals its low byte
 * was scanned this cycle (or born during it).  A byte is enough: every G
 * on sched.allg, dead or alive, is stamped in every cycle (and a new one
 * at birth), so a stamp is always this cycle's or the last one's. */
extern uint32_t gc_cycle;

/* Tests: the forced collection's period in ms (0: the default, two
 * minutes); gc_fin_run: run the queued finalizers in the caller (a host
 * test has no finalizer goroutine running).  Returns how many ran. */
void gc_set_force_period(uint32_t ms);
uint32_t gc_fin_run(void);

/* Tests: start a cycle (as a paced one would) / drive the one under way
 * to its end in the caller. */
void gc_cycle_begin(void);
void gc_cycle_finish(void);

/* --- for the console --- */

/* The gctrace line of the last cycle that finished (Go's format, memory
 * in KB, newline included) through sink: the collector's own trace
 * (gctrace on) and the shell's `gc`.  False, and nothing written, if no
 * cycle has finished or one is marking (its figures are half-made).
 * Not masked: a cycle that starts while the line is formatted can mix
 * its figures in. */
bool gc_trace_write(fmt_sink sink, void *ctx);

/* --- internal to gc/ --- */

struct gcstate {
    /* interrupts masked: */
    uint8_t phase;
    uint8_t debug;              /* TERN_GC_* */
    uint8_t trace;              /* gctrace on */
    uint8_t forced;             /* the cycle in progress was asked for */
    uintptr_t *stk;             /* grey objects (bases), a bounded stack */
    uint32_t sp, cap;           /* depth, room */
    struct mspan *ovf;          /* spans with grey objects that did not fit */
    uint32_t busy;              /* scans in progress (objects, roots, stacks) */
    uintptr_t heap_lo, heap_hi; /* bounds of every heap region */
    /* pacing (bytes): */
    uint64_t heap_live;    /* marked last cycle + allocated since */
    uint64_t heap_marked;  /* marked by the cycle in progress / the last */
    uint64_t trigger;      /* heap_live that starts a cycle */
    uint64_t goal;         /* heap_live the cycle should finish under */
    int64_t assist_debt;   /* scan bytes owed by allocating goroutines */
    uint64_t refill_bytes; /* counted at span refills, not yet paced */
    uint32_t assist_ratio; /* scan bytes per allocated byte, 16.16 */
    int gogc;
    int64_t memlimit;
    uint64_t scan_work; /* bytes scanned this cycle */
    uint64_t last_scan; /* bytes scanned by the last cycle */
    /* root cursor (only the holder of `roots_busy` moves it): */
    uint8_t roots_busy;
    uint8_t roots_done;
    uint16_t root_job;      /* which root set */
    uint32_t root_index;    /* segment, range, page within it */
    uintptr_t root_pos;     /* next word within it */
    uint32_t root_off;      /* malloc'd span: next byte within it */
    struct g *root_g;       /* next G to scan */
    uint32_t root_allg_gen; /* sched.allg_gen when root_g was taken */
    /* sweep cursor: */
    uint32_t sweep_region, sweep_page;
    bool sweep_done;
    uint8_t fin_checked;  /* finalizable objects checked at the fixed point */
    uint32_t sweep_ratio; /* sweep steps per allocated KiB, 16.16 */
    uint64_t sweep_owed;  /* steps owed by allocation, 16.16 */
    /* statistics: */
    uint64_t numgc, numforced, pause_total, last_gc, cpu_ns, freed;
    uint32_t stw_max, overflows;
    int64_t cycle_start, mark_ns, stw1, stw2, worker_ns, assist_ns;
    /* assists timed (1 in ASSIST_TIME_EVERY: assist_ns) and not (their
     * time estimated from the timed ones' rate at mark termination): */
    uint32_t assist_calls, assist_timed_work, assist_untimed_work;
    uint64_t start_live; /* heap_live when the cycle started */
    uint64_t stacks_bytes, globals_bytes;
};
extern struct gcstate gc;

/* gc/mark.c */
void gc_mark_reset(void); /* a cycle begins: cursors, stack */
/* Scan work done by this call: at least the budget unless the work ran
 * out first (then less; 0 if there was none). */
int64_t gc_mark_work(int64_t budget);
bool gc_mark_done(void); /* all work done (masked) */
void gc_scan_conservative(const void *lo, const void *hi);

uint32_t gc_scan_fields(uintptr_t base); /* scan an object's fields */
bool gc_marked(uintptr_t p);             /* p's object is marked (masked) */

/* gc/finalizer.c */
void gc_fin_reset(void);              /* mark start (masked) */
uint32_t gc_fin_root_step(bool *end); /* a record's referents */
bool gc_fin_check_step(void);         /* masked; true when done */
void gc_fin_start(void); /* after a cycle: the goroutine, if queued */
/* "finalizer" if fn is the finalizer goroutine's entry, else NULL. */
const char *gc_fin_name(void (*fn)(void *));
/* The name of the collector's goroutine that starts at fn (its worker,
 * sweeper, finalizer), or NULL: for goroutine listings. */
const char *gc_goroutine_name(void (*fn)(void *));
uint32_t gc_fin_count(uint32_t *queued); /* registered (and queued) */

/* gc/pool.c */
void gc_pools_rotate(void); /* mark start, before the barrier (masked) */

/* gc/sweep.c */
bool gc_sweep_span(struct mspan *s); /* mm_sweep_hook */
bool gc_sweep_some(void);            /* one span; false when done */
void gc_sweep_reset(void);

/* gc/mark.c: the registered roots, for the checkmark */
void gc_roots_each(void (*fn)(uintptr_t lo, uintptr_t hi));
void gc_set_stack_room(uint32_t n);
/* A context that is no goroutine (a host test's main thread): the top of
 * its stack, scanned as a root from its SP. */
void gc_set_thread_stack_top(const void *top);

/* gc/check.c */
bool gc_checkmark_alloc(void);
void gc_check_reset(void);
void gc_checkmark(void);     /* stop-the-world re-mark, fatal */
const char *gc_verify(void); /* heap invariants, NULL if fine */

#endif /* GC_GC_H */
