/*
 * sched/sched.h - the scheduler's internal interface.  See sched/proc.c.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

/* Entries in a P's local run queue (a ring); Go's 256 unless the board
 * says otherwise (board.mk RUNQ: the microbit's 16 KiB holds a few dozen
 * goroutines at most, and a full ring spills to the global queue). */
#ifndef TERN_RUNQ
#define TERN_RUNQ 256
#endif
#define SCHED_RUNQ TERN_RUNQ

enum g_state {
    G_IDLE,     /* allocated, not started, or on the free list */
    G_RUNNABLE, /* on a run queue or in runnext */
    G_RUNNING,  /* an M runs it */
    G_WAITING,  /* parked: see waitreason */
    G_DEAD,     /* exited; stack and descriptor reusable */
};

enum g_waitreason {
    WAIT_NONE,
    WAIT_SLEEP,     /* tern_sleep: on the P's timer heap */
    WAIT_CHAN_SEND, /* parked on a channel's sendq */
    WAIT_CHAN_RECV, /* parked on a channel's recvq */
    WAIT_MUTEX,     /* tern_mutex_lock */
    WAIT_WAITGROUP, /* tern_waitgroup_wait */
    WAIT_SELECT,    /* tern_select: on several channels (and a timer) */
    WAIT_NOTE,      /* tern_note_sleep: an interrupt will wake it */
    WAIT_RWMUTEX_R, /* tern_rwmutex_rlock */
    WAIT_RWMUTEX_W, /* tern_rwmutex_lock */
    WAIT_ONCE,      /* tern_once_do, while another caller runs fn */
    WAIT_GC,        /* a GC worker between cycles (gc/gc.c) */
    WAIT_FINALIZER, /* the finalizer goroutine, none queued */
};

/* A node of the timer heap (sched/timer.c): a sleeping goroutine's, or a
 * timer's (sched/timers.c). */
struct tnode {
    int64_t when;       /* nanotime it is due */
    uint16_t heapindex; /* position on the heap, while on it */
    uint8_t kind;       /* TNODE_G or TNODE_TIMER */
};
#define TNODE_G     0
#define TNODE_TIMER 1

struct g {
    struct arch_context ctx; /* saved registers, while not running */
    /* 8-byte members first, so that nothing pads (80 bytes on 32-bit) */
    struct tnode tn; /* on the timer heap when sleeping (masked) */
    uint64_t cpu_ns; /* charged a tick period at every tick it runs */
    /* fixed while it lives: */
    uint32_t id;
    void *stack;      /* lowest byte (mm stack span) */
    size_t stacksize; /* bytes */
    void (*fn)(void *);
    void *arg;
    uint32_t parent; /* id of the goroutine that spawned it */
    /* interrupts masked: */
    uint8_t state;      /* enum g_state */
    uint8_t waitreason; /* enum g_waitreason, when G_WAITING */
    uint8_t system;     /* a runtime goroutine, not in NumGoroutine: 1, the GC's
                       own (its stack is no root), 2 running user code */
    uint8_t gcscan;     /* = (uint8_t)gc_cycle once its stack is scanned */
    struct g *schedlink; /* global run queue or free list */
    struct g *alllink;   /* every G ever made (they are recycled) */
    void *waitobj;       /* a select's record, while in WAIT_SELECT */
    uint32_t switches;   /* times it was switched in */
    uint32_t preempts;   /* times preempted by the time slice */
};

struct p {
    /* interrupts masked: */
    struct g *runq[SCHED_RUNQ]; /* local run queue, a ring */
    uint32_t runqhead;          /* next to run */
    uint32_t runqtail;          /* next free slot */
    struct g *runnext;          /* runs next, ahead of runq */
    uint32_t globcheck;    /* picks until the global queue goes first (61) */
    struct tnode **timers; /* min-heap of sleepers and timers */
    uint32_t ntimers, timercap;
    uint32_t reserved; /* slots promised (sched/timer.c) */
};

struct m {
    struct g *curg;         /* the goroutine this M runs, or NULL */
    struct arch_context g0; /* the M's own context: the idle loop */
    struct p *p;
    /* the time slice, as the tick saw it (sched/proc.c, slice_note): */
    struct g *slice_g;   /* curg at the last tick */
    uint32_t slice_sw;   /* its switch count then */
    uint32_t slice_tick; /* time_tick32 its slice started at */
    uint32_t switches;   /* switches to g0 (the Gs count theirs) */
};

/* Global state (interrupts masked). */
struct sched {
    struct g *runq_head, *runq_tail; /* global run queue */
    uint32_t runq_size;
    struct g *allg;       /* every G */
    struct g *gfree;      /* dead Gs, with their stacks */
    uint32_t ngoroutines; /* not dead */
    uint32_t nextid;
    uint32_t irqwaiters;       /* parked on channels an interrupt feeds */
    uint64_t preemptions;      /* of them, forced by the time slice */
    int64_t slice_ns;          /* the time slice */
    void *g0stack;             /* the idle loop's (TERN_G0_STACK bytes) */
    uint64_t idle_ns;          /* time the idle loop slept (time_idle) */
    uint64_t busy_ns;          /* ticks that found a goroutine running, in ns */
    uint32_t allg_gen;         /* bumped when reclaim_dead unlinks Gs */
    uint32_t retired_switches; /* of Gs reused or freed (wraps) */
    uint8_t wakepreempt;       /* an interrupt readied a G: preempt at once */
};

extern struct sched sched;
extern struct m m0;
extern struct p p0;

/* Boot: start main() as goroutine 1 and run the scheduler on the boot
 * stack; never returns. */
_Noreturn void sched_start(int (*main_fn)(void));

void globrunq_put(struct g *gp);
static inline bool runq_put(struct p *pp, struct g *gp);

/* Put gp on the current P's run queue (runnext if next).  Interrupts
 * masked; callable from interrupt context.  Inline: every wake-up. */
static inline void sched_ready(struct g *gp, bool next)
{
    struct p *pp = m0.p;

    gp->state = G_RUNNABLE;
    gp->waitreason = WAIT_NONE;
    if (next) {
        struct g *old = pp->runnext;
        pp->runnext = gp;
        if (old == NULL)
            return;
        gp = old;
    }
    if (!runq_put(pp, gp))
        globrunq_put(gp);
}

/* An interrupt handler readied a G: preempt the running one as soon as no
 * handler is active, whatever its time slice.  Interrupt context,
 * interrupts masked. */
void sched_isr_woke(void);

/* Something other than the running G could run.  Masked. */
bool sched_others_runnable(void);

/* Start a runtime goroutine (the GC's workers): like tern_go_stack, but
 * not counted by tern_numgoroutine nor by the deadlock check, as Go's
 * system goroutines; `system` is struct g's (1 or 2).  Returns it, or
 * NULL if memory is short. */
struct g *sched_go_system(void (*fn)(void *), void *arg, size_t stack,
                          uint8_t system);

/* The tick: wake sleepers, account the time slice.  Interrupt context. */
void sched_tick(void);

/* Give the CPU to the next runnable G, or to the idle loop; returns when
 * the running G is switched back in.  The caller has put the running G
 * where it belongs (run queue, timer heap, a wait queue) and set its state
 * and wait reason.  Interrupts masked; returns masked. */
void schedule(void);

extern struct g *gc_scanning_g; /* gc/gc.h: a G not to run yet */

/* next gets the CPU (its registers next).  Masked. */
static inline void sched_switch_in(struct m *mp, struct g *next)
{
    next->state = G_RUNNING;
    next->switches++;
    mp->curg = next;
}

/* schedule() for a G that parks (its state and wait queue set): the
 * common pick, runnext (the G whose wake-up the parking one is waiting
 * on, a channel's partner), inline in the parking path, under the same
 * conditions as schedule's; where no hardware checks stacks, schedule
 * checks the canary at every switch, so it always goes there. */
static inline __attribute__((always_inline)) void sched_park(void)
{
#if ARCH_STACK_HW
    struct m *mp = &m0;
    struct p *pp = mp->p;
    struct g *cur = mp->curg, *next = pp->runnext;

    if (__builtin_expect(next != NULL && next != cur && sched.runq_size == 0 &&
                             next != gc_scanning_g,
                         1)) {
        pp->runnext = NULL;
        sched_switch_in(mp, next);
        arch_context_switch(&cur->ctx, &next->ctx);
        return;
    }
#endif
    schedule();
}

/* Deepest use of gp's stack (of the idle loop's if NULL), measured by its
 * paint: O(unused bytes).  Reports and tests. */
uint32_t sched_stack_hiwat(const struct g *gp);

/* --- run queue (sched/runq.c; the local ring inline: every switch) --- */
_Static_assert((SCHED_RUNQ & (SCHED_RUNQ - 1)) == 0, "ring of 2^n");

static inline bool runq_put(struct p *pp, struct g *gp)
{
    if (pp->runqtail - pp->runqhead >= SCHED_RUNQ)
        return false;
    pp->runq[pp->runqtail % SCHED_RUNQ] = gp;
    pp->runqtail++;
    return true;
}

static inline struct g *runq_get(struct p *pp)
{
    struct g *gp;

    if (pp->runqhead == pp->runqtail)
        return NULL;
    gp = pp->runq[pp->runqhead % SCHED_RUNQ];
    pp->runqhead++;
    return gp;
}

static inline uint32_t runq_len(const struct p *pp)
{
    return pp->runqtail - pp->runqhead;
}

struct g *globrunq_get(void);

/* --- timers (sched/timer.c) --- */
/* A slot for one more node that may go on pp's heap (a new G's, a new
 * timer's); false: out of memory.  Thread context, unmasked. */
bool timer_reserve(struct p *pp);
/* Give one back (the G died, the timer was freed).  Thread context. */
void timer_unreserve(struct p *pp);
/* Masked; false only if tn's owner reserved no slot (a runtime bug). */
bool timer_add(struct p *pp, struct tnode *tn);
struct tnode *timer_pop_due(struct p *pp, int64_t now);
void timer_remove(struct p *pp, struct tnode *tn);

/* A due timer (not a goroutine): send, re-arm or retire it.  Interrupt
 * context (the tick), sched/timers.c. */
void timers_fire(struct tnode *tn, int64_t now);
int64_t timer_next(const struct p *pp); /* INT64_MAX if none */

/* --- sync (sched/sync.c) --- */
struct tern_rwmutex;
struct tern_once;

/* The object's invariants (sched/sync.c) hold and its queues are well
 * formed: NULL, or what is wrong.  O(waiters); for tests. */
const char *rwmutex_verify(const struct tern_rwmutex *rw);
const char *once_verify(const struct tern_once *o);

#endif /* SCHED_SCHED_H */
