/*
 * sched/proc.c - goroutines: G, M, P, the run queues and the switch.
 *
 * Tern schedules goroutines as the Go runtime does (proc.go), scaled to a
 * single-core MCU: one M (the CPU) runs one P (the scheduling context:
 * run queues, timers, mcache) and switches among Gs (goroutines).  The
 * structures are those of a multi-M scheduler (the SMP issue adds Ms);
 * nothing assumes a single "current goroutine" beyond m0 below, which the
 * SMP issue turns into a per-CPU M.
 *
 * Glossary
 *   G        a goroutine: a stack from mm (a stack span), a saved context
 *            (arch_context), a state and, while waiting, a reason.
 *   M        a CPU running goroutines.  Its own context, g0, the idle
 *            loop where the M sleeps (WFI/HLT) when nothing is runnable,
 *            has a stack from mm like a G's; from sched_start on, the boot
 *            stack is the interrupt stack (arch_thread_start).
 *   P        the run queue (a 256-entry ring plus runnext), the timer heap
 *            of sleeping Gs and timers, the mcache (mm's single mcache0
 *            until the SMP issue gives each P its own).
 *   ready    make a G runnable: onto runnext or the local run queue (the
 *            global queue when the ring is full).
 *   park     take the running G off the CPU to wait (sleep, a channel,
 *            select, a lock, a wait group, a note); something else
 *            readies it.
 *
 * G states and the transitions allowed:
 *
 *     IDLE --tern_go--> RUNNABLE --schedule--> RUNNING
 *     RUNNING --tern_yield, preempted--> RUNNABLE
 *     RUNNING --park: sleep, channel--> WAITING
 *     WAITING --ready: the tick (timer due), the channel's other side,
 *               close--> RUNNABLE
 *     RUNNING --tern_goexit, entry returns--> DEAD
 *     DEAD --tern_go reuses the descriptor and stack--> RUNNABLE
 *
 * The switch.  Every switch is a call of arch_context_switch from
 * schedule(), with interrupts masked: the outgoing G's registers are
 * parked on its own stack, the incoming G resumes inside its own earlier
 * schedule() call and unmasks interrupts as it left them.  A G switches
 * straight to the next G (one switch per yield); only when nothing is
 * runnable does it switch to g0, whose idle loop sleeps until an
 * interrupt (a tick that wakes a sleeper, or a device) readies a G.
 *
 * Picking the next G (findrunnable): every 61st pick takes the global
 * queue's head first, so overflowed Gs are not starved; otherwise
 * runnext, then the local ring, then the global queue.
 *
 * Stacks: each goroutine's stack is a stack span from mm (whole pages;
 * GO_STACK bytes by default, per goroutine on request), the arch's guard
 * (ARCH_STACK_GUARD bytes) at its bottom and a canary just above it,
 * checked at every tick, and at every switch away where the hardware
 * checks nothing (ARCH_STACK_HW 0: ARMv6-M): best effort (it finds an
 * overflow after the fact, if the overflow wrote the canary and did not
 * crash first).  Under the canary, the hardware's check, armed by
 * arch_context_init and undone by arch_stack_release before reclaim_dead
 * frees the stack: PSPLIM (ARMv8-M), an MPU guard region (ARMv7-M), a
 * guard page (x86); see arch/arch.h, "Thread stacks".
 *
 * Deadlock: when the idle loop finds nothing runnable, no sleeper on the
 * timer heap and no goroutine parked on an interrupt-fed channel, yet
 * goroutines exist, none of them can ever run again: "fatal error: all
 * goroutines are asleep - deadlock!" and the dump, as Go reports it.
 *
 * Interrupt rules: the run queues and timer heap are touched only with
 * interrupts masked, and every such section is O(1) or O(log sleepers);
 * an interrupt handler may ready a G (sched_ready) but never park.
 *
 * Interrupt wake-ups run at once.  A G that an interrupt readies (a note,
 * a channel an interrupt handler feeds, a due timer) goes to runnext and
 * the running G is preempted as soon as the handlers are done
 * (sched_isr_woke), as an RTOS runs the task an ISR woke: interrupt to
 * goroutine latency is a few hundred instructions (sched.irq_preempt),
 * not a time slice.  The preempted G goes to the back of the run queue,
 * as if it had yielded.
 *
 * At a tick (sched_tick, interrupt context): every sleeper whose time has
 * come is readied; if the running G has had the CPU for a time slice
 * (10 ms by default, tern_set_timeslice) and another G is runnable, the
 * tick asks the arch to preempt (arch_preempt_request).  The arch diverts
 * the running G into sched_preempted() as soon as no handler is active,
 * with all its registers preserved (arch/arch.h); sched_preempted readies
 * it at the back of the run queue and schedules, so a preempted G is
 * parked exactly like a yielding one.
 *
 * Observability (for the console): every G counts its switches and
 * preemptions (the switch total is their sum, kept by nobody on the
 * switch path: tern_sched_stats adds up the Gs, the switches to g0 and
 * the counts of Gs reused or freed) and is charged a tick period at every tick that finds it
 * running (sampled CPU time, as schedstats do); the idle loop measures
 * the time it sleeps (the tick stops meanwhile: kernel/time.c);
 * stacks are painted when mm hands them out, so the deepest use is the
 * deepest word that lost the paint (tern_goroutines, the fatal dump);
 * tern_schedtrace formats Go's schedtrace line.
 *
 * main() is goroutine 1; when it returns, the program exits with its
 * status, as in Go.
 */
#include <string.h>

#include "gc/gc.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "mm/mm.h"
#include "sched/sched.h"
#include "tern.h"

#ifndef TERN_GO_STACK
#define TERN_GO_STACK 4096 /* bytes; board.mk may set a smaller default */
#endif

struct sched sched TERN_PRIVATE;
struct m m0 TERN_PRIVATE;
struct p p0 TERN_PRIVATE;

_Static_assert(TERN_GO_STACK >= ARCH_STACK_GUARD + 256,
               "the default goroutine stack must hold the guard and more");

/* The idle loop's stack (g0): findrunnable, the idle sleep and, at worst,
 * the deadlock report. */
/* The least usable stack a goroutine gets, whatever it asks for: an
 * exception frame, the preemption trampoline and a context switch take
 * about 110 bytes of it on Cortex-M.  board.mk may lower it where a page
 * is 256 bytes (the 8 KiB board: 192 usable bytes and a 64-byte guard
 * make one page). */
#ifndef TERN_GO_MIN_STACK
#define TERN_GO_MIN_STACK 256
#endif

#ifndef TERN_G0_STACK
#define TERN_G0_STACK 1024
#endif
_Static_assert(TERN_G0_STACK >= ARCH_STACK_GUARD + 192,
               "the idle loop's stack must hold the guard and more");

/* The lowest usable byte of a goroutine's stack, above the arch's guard. */
static inline volatile uint32_t *stack_lo(const struct g *gp)
{
    return (volatile uint32_t *)((char *)gp->stack + ARCH_STACK_GUARD);
}

/* Every goroutine stack starts (lowest usable address, above the arch's
 * guard) with a canary, checked at every tick and, on ports with no
 * hardware check, at every switch away from the goroutine: the only
 * overflow check on ARMv6-M, best effort
 * (it finds an overflow after the fact, if the overflow wrote the canary
 * and did not crash first); elsewhere a second net under the hardware's
 * (arch/arch.h: PSPLIM, the MPU guard, guard pages). */
#define STACK_CANARY 0xC0DEFACEu

static void canary_paint(struct g *gp)
{
    stack_lo(gp)[0] = STACK_CANARY;
    stack_lo(gp)[1] = STACK_CANARY ^ gp->id;
}

static _Noreturn void canary_dead(struct g *gp)
{
    volatile uint32_t *w = stack_lo(gp);

    fatal_begin();
    fatal_printf("fatal error: stack overflow\n");
    /* the SP is known only when the check runs on this very stack */
    sched_stack_report((uintptr_t)w,
                       gp == m0.curg && !arch_in_isr() ? arch_sp() : 0);
    fatal_printf("(goroutine stack canary overwritten: 0x%08lx 0x%08lx)\n",
                 (unsigned long)w[0], (unsigned long)w[1]);
    canary_paint(gp);
    fatal_end();
}

/* Stack high-water marks: a stack's usable bytes above the canary are
 * painted once, when mm hands the stack out; the deepest word no longer
 * holding the paint is the deepest use.  Measured on demand (console,
 * dump) by scanning up from the bottom: O(unused bytes).  A reused stack
 * is not repainted (that would cost every tern_go a pass over the
 * stack), so its mark covers its earlier goroutines too. */
#define STACK_PAINT 0x57AC57ACu

static void paint(void *lo, void *hi)
{
    for (uint32_t *w = lo; w < (uint32_t *)hi; w++)
        *w = STACK_PAINT;
}

/* Bytes from hi down to the deepest word of [lo, hi) not holding the
 * paint. */
static uint32_t hiwat(const void *lo, const void *hi)
{
    const volatile uint32_t *w = lo;

    while (w < (const uint32_t *)hi && *w == STACK_PAINT)
        w++;
    return (uint32_t)((const char *)hi - (const char *)w);
}

static void stack_paint(struct g *gp)
{
    paint((uint32_t *)stack_lo(gp) + 2, (char *)gp->stack + gp->stacksize);
}

static uint32_t stack_hiwat(const struct g *gp)
{
    return hiwat((const uint32_t *)stack_lo(gp) + 2,
                 (const char *)gp->stack + gp->stacksize);
}

uint32_t sched_stack_hiwat(const struct g *gp)
{
    return gp != NULL ? stack_hiwat(gp)
                      : hiwat((char *)sched.g0stack + ARCH_STACK_GUARD,
                              (char *)sched.g0stack + TERN_G0_STACK);
}

static inline void canary_verify(struct g *gp)
{
    volatile uint32_t *w = stack_lo(gp);

    if (w[0] != STACK_CANARY || w[1] != (STACK_CANARY ^ gp->id))
        canary_dead(gp);
}

/* Pick the next G to run, or NULL.  Interrupts masked. */
static struct g *findrunnable1(struct p *pp);

static struct g *findrunnable(struct p *pp)
{
    struct g *gp = findrunnable1(pp);

    /* The GC is scanning its stack: it waits for the scan's end, which
     * readies it (gc/mark.c). */
    if (__builtin_expect(gp != NULL && gp == gc_scanning_g, 0)) {
        gc_scan_deferred = gp;
        gp = findrunnable1(pp);
    }
    return gp;
}

static struct g *findrunnable1(struct p *pp)
{
    struct g *gp;

    /* One pick in 61 takes the global queue's head first, so that it
     * cannot starve (Go's schedtick % 61); the count runs only while the
     * global queue has Gs, the only time it matters. */
    if (sched.runq_size > 0 && --pp->globcheck == 0) {
        pp->globcheck = 61;
        return globrunq_get();
    }
    if (pp->runnext != NULL) {
        gp = pp->runnext;
        pp->runnext = NULL;
        return gp;
    }
    gp = runq_get(pp);
    if (gp != NULL)
        return gp;
    return globrunq_get();
}

void sched_isr_woke(void)
{
    if (m0.curg != NULL) {
        sched.wakepreempt = 1;
        arch_preempt_request();
    }
}

/*
 * Give the CPU to the next runnable G, or to the idle loop.  The caller
 * has put the current G where it belongs (run queue, timer heap, free
 * list) and set its state.  Interrupts masked; returns, still masked,
 * when the current G is switched back in.  The common pick is inline:
 * runnext, the G a wake-up just readied (a channel's partner), when the
 * global queue is empty (nothing for its countdown to do) and the GC is
 * not scanning that G's stack; findrunnable does the rest.
 */
void schedule(void)
{
    struct m *mp = &m0;
    struct g *cur = mp->curg;
    struct p *pp = mp->p;
    struct g *next = pp->runnext;

    if (__builtin_expect(
            next != NULL && sched.runq_size == 0 && next != gc_scanning_g, 1))
        pp->runnext = NULL;
    else
        next = findrunnable(pp);

#if !ARCH_STACK_HW
    canary_verify(cur); /* elsewhere the hardware checks every access */
#endif
    if (next == cur) {
        cur->state = G_RUNNING;
        return;
    }
    if (next != NULL) {
        sched_switch_in(mp, next);
        arch_context_switch(&cur->ctx, &next->ctx);
    } else {
        mp->curg = NULL;
        mp->switches++; /* to g0: no G counts it */
        arch_context_switch(&cur->ctx, &mp->g0);
    }
}

/* The first code of every goroutine: interrupts on, run, exit. */
static void goentry(void *arg)
{
    struct g *gp = arg;

    arch_irq_enable(); /* it was switched to with interrupts masked */
    gp->fn(gp->arg);
    tern_goexit();
}

/* A G with at least size usable stack bytes: a dead one reused, or new.
 * Stacks are whole pages (mm_stack_alloc): the arch's guard at the
 * bottom, and all the rest is used.  The masked search looks at the
 * first GFREE_LOOK dead Gs only (usually they all have the default
 * size): a longer list of other sizes costs a new G, not a long masked
 * walk; memory pressure frees the dead ones (reclaim_dead). */
#define GFREE_LOOK 8

static struct g *galloc(size_t size)
{
    struct g *gp, **pp;
    unsigned long irq;
    int look = 0;

    size = (size + ARCH_STACK_GUARD + MM_PAGE_SIZE - 1) &
           ~(size_t)(MM_PAGE_SIZE - 1);
    irq = arch_irq_save();

    for (pp = &sched.gfree; (gp = *pp) != NULL && look < GFREE_LOOK;
         pp = &gp->schedlink, look++)
        if (gp->stacksize == size) {
            *pp = gp->schedlink;
            break;
        }
    if (look == GFREE_LOOK)
        gp = NULL;
    arch_irq_restore(irq);
    if (gp != NULL)
        return gp;
    gp = mm_alloc(sizeof *gp, MM_KIND_MANUAL, MM_ZERO);
    if (gp == NULL)
        return NULL;
    gp->stack = mm_stack_alloc(size);
    if (gp->stack == NULL) {
        mm_free(gp);
        return NULL;
    }
    gp->stacksize = size;
    stack_paint(gp);
    irq = arch_irq_save();
    gp->alllink = sched.allg;
    sched.allg = gp;
    arch_irq_restore(irq);
    return gp;
}

/* Start fn(arg) on a new G with stack bytes; system as struct g's; *id
 * its id (taken before it can run, exit and be reused). */
static struct g *go(void (*fn)(void *), void *arg, size_t stack, uint8_t system,
                    uint32_t *id)
{
    size_t size = (stack + 7) & ~(size_t)7;
    struct g *gp;
    unsigned long irq;

    if (size < TERN_GO_MIN_STACK)
        size = TERN_GO_MIN_STACK;
    if (!timer_reserve(m0.p)) /* its slot on the timer heap, for sleeps */
        return NULL;
    gp = galloc(size);
    if (gp == NULL) {
        timer_unreserve(m0.p);
        return NULL;
    }
    gp->fn = fn;
    gp->arg = arg;
    gp->preempts = 0;
    gp->cpu_ns = 0;
    gp->system = system;
    arch_context_init(&gp->ctx, gp->stack, gp->stacksize, goentry, gp);
    irq = arch_irq_save();
    sched.retired_switches += gp->switches; /* a reused G's, in one step */
    gp->switches = 0;                       /* for switches_total */
    /* Born scanned: its stack holds only arg, which the GC shades here if
     * it marks (the creator may drop its own copy). */
    gp->gcscan = (uint8_t)gc_cycle;
    if (gc_barrier_on)
        gc_shade(arg);
    gp->id = ++sched.nextid;
    gp->parent = m0.curg ? m0.curg->id : 0;
    canary_paint(gp);
    if (!system)
        sched.ngoroutines++;
    *id = gp->id;
    sched_ready(gp, true);
    arch_irq_restore(irq);
    return gp;
}

int tern_go_stack(void (*fn)(void *), void *arg, size_t stack)
{
    uint32_t id;

    return go(fn, arg, stack, 0, &id) != NULL ? (int)id : -1;
}

struct g *sched_go_system(void (*fn)(void *), void *arg, size_t stack,
                          uint8_t system)
{
    uint32_t id;

    return go(fn, arg, stack, system, &id);
}

int tern_go(void (*fn)(void *), void *arg)
{
    /* the default: a stack span of TERN_GO_STACK bytes, guard included */
    return tern_go_stack(fn, arg, TERN_GO_STACK - ARCH_STACK_GUARD);
}

/* Parking or yielding from an interrupt handler would switch away from
 * the interrupted goroutine in the middle of the handler. */
static void no_isr(void)
{
    if (arch_in_isr())
        tern_panic("blocking call in an interrupt handler");
}

/*
 * The common yield is a rotation of the local ring: the head runs, the
 * yielder goes to the tail, one slot each way, so the ring cannot
 * overflow.  It takes that path only when schedule() would pick the same
 * G: nothing in runnext, the global queue empty (so its countdown, which
 * only keeps it from starving, has nothing to do), the head not a G whose
 * stack the GC is scanning.  Everything else goes through sched_ready
 * and schedule.
 */
void tern_yield(void)
{
    unsigned long irq;
    struct m *mp = &m0;
    struct g *cur = mp->curg, *next;
    struct p *pp;
    uint32_t h, t;

    irq = arch_irq_save();
    pp = mp->p;
    h = pp->runqhead;
    t = pp->runqtail;
    if (__builtin_expect(!arch_in_isr() && pp->runnext == NULL &&
                             sched.runq_size == 0 && h != t,
                         1)) {
        next = pp->runq[h % SCHED_RUNQ];
        if (__builtin_expect(next != gc_scanning_g, 1)) {
            pp->runq[t % SCHED_RUNQ] = cur;
            pp->runqhead = h + 1;
            pp->runqtail = t + 1;
            cur->state = G_RUNNABLE;
#if !ARCH_STACK_HW
            canary_verify(cur);
#endif
            sched_switch_in(mp, next);
            arch_context_switch(&cur->ctx, &next->ctx);
            arch_irq_restore(irq);
            return;
        }
    }
    no_isr(); /* here, off the common path's branches */
    sched_ready(cur, false);
    schedule();
    arch_irq_restore(irq);
}

void tern_sleep(int64_t ns)
{
    unsigned long irq;
    struct g *cur = m0.curg;

    if (ns <= 0) {
        tern_yield();
        return;
    }
    no_isr();
    irq = arch_irq_save();
    cur->tn.when = tern_nanotime() + ns;
    cur->state = G_WAITING;
    cur->waitreason = WAIT_SLEEP;
    if (!timer_add(m0.p, &cur->tn))
        tern_panic("timer heap: no slot reserved");
    schedule();
    arch_irq_restore(irq);
}

_Noreturn void tern_goexit(void)
{
    struct g *cur = m0.curg;

    no_isr();
    (void)arch_irq_save();
    cur->state = G_DEAD;
    if (!cur->system)
        sched.ngoroutines--;
    timer_unreserve(m0.p);
    if (m0.slice_g == cur) /* a G reusing the descriptor starts afresh */
        m0.slice_g = NULL;
    /* Its stack is reused only by a later tern_go, after this switch has
     * left it for good. */
    cur->schedlink = sched.gfree;
    sched.gfree = cur;
    schedule();
    tern_panic("dead goroutine was scheduled");
}

uint32_t tern_goid(void)
{
    return m0.curg ? m0.curg->id : 0;
}

uint32_t tern_numgoroutine(void)
{
    return sched.ngoroutines;
}

static void slice_note(struct m *mp, struct g *gp);
static bool slice_expired(void);

/* Something other than the running G could run. */
static bool others_runnable(const struct p *pp)
{
    return pp->runnext != NULL || runq_len(pp) > 0 || sched.runq_size > 0;
}

bool sched_others_runnable(void)
{
    return others_runnable(m0.p);
}

void sched_tick(void)
{
    struct g *gp;

    if (m0.p == NULL)
        return;
    if (m0.p->ntimers != 0) {
        int64_t now = tern_nanotime();
        struct tnode *tn;

        while ((tn = timer_pop_due(m0.p, now)) != NULL) {
            if (tn->kind == TNODE_TIMER) {
                timers_fire(tn, now);
                continue;
            }
            gp = (struct g *)(void *)((char *)tn - offsetof(struct g, tn));
            if (gp->waitreason == WAIT_SELECT) {
                /* a select's timeout: no case may fire any more */
                bool *done = gp->waitobj;
                *done = true;
            } else if (gp->waitreason == WAIT_NOTE) {
                /* a note's timeout: no wake-up may ready it again */
                struct tern_note *n = gp->waitobj;
                if (n->sleeper == gp) {
                    n->sleeper = NULL;
                    sched.irqwaiters--;
                }
            }
            sched_ready(gp, false);
            sched_isr_woke();
        }
    }
    if (m0.curg != NULL) {
        uint32_t ns = 1000000000u / tern_tick_hz();

        canary_verify(m0.curg);
        m0.curg->cpu_ns += ns;
        sched.busy_ns += ns;
        slice_note(&m0, m0.curg);
        if ((sched.wakepreempt || slice_expired()) && others_runnable(m0.p))
            arch_preempt_request(); /* again, if the arch refused one */
    }
}

/*
 * Time slices are seen from the tick, so that a switch does not pay for
 * them: a tick that finds a G other than the last tick found, or the
 * same G switched in again since (its switch count moved), starts a new
 * slice, dated one tick back, the tick count the switch would have read.
 * A switch lands between two ticks, so that is exactly the slice a start
 * stamped at the switch would give.  Interrupt context, masked.
 */
static void slice_note(struct m *mp, struct g *gp)
{
    if (mp->slice_g != gp || mp->slice_sw != gp->switches) {
        mp->slice_g = gp;
        mp->slice_sw = gp->switches;
        mp->slice_tick = time_tick32 - 1;
    }
}

/* The running G has had its time slice: not if it got the CPU after the
 * last tick noted its slice (a stale request).  Interrupts masked. */
static bool slice_expired(void)
{
    struct g *gp = m0.curg;
    uint32_t ran = time_tick32 - m0.slice_tick;

    if (m0.slice_g != gp || m0.slice_sw != gp->switches)
        return false;

    return (int64_t)ran * (1000000000 / (int64_t)tern_tick_hz()) >=
           sched.slice_ns;
}

void sched_preempted(void)
{
    unsigned long irq = arch_irq_save();
    struct g *cur = m0.curg;

    /* The request may be stale: the G it was meant for may have yielded
     * since, and this one just got the CPU. */
    if (cur != NULL && cur->state == G_RUNNING && others_runnable(m0.p) &&
        (sched.wakepreempt || slice_expired())) {
        sched.wakepreempt = 0;
        sched.preemptions++;
        cur->preempts++;
        sched_ready(cur, false);
        schedule();
    }
    arch_irq_restore(irq);
}

void tern_set_timeslice(int64_t ns)
{
    sched.slice_ns = ns > 0 ? ns : 10000000;
}

uint64_t tern_preemptions(void)
{
    return sched.preemptions;
}

static const char *state_name(const struct g *gp)
{
    switch (gp->state) {
    case G_RUNNABLE:
        return "runnable";
    case G_RUNNING:
        return "running";
    case G_WAITING:
        return gp->waitreason == WAIT_SLEEP       ? "sleep"
               : gp->waitreason == WAIT_CHAN_SEND ? "chan send"
               : gp->waitreason == WAIT_CHAN_RECV ? "chan receive"
               : gp->waitreason == WAIT_MUTEX     ? "sync.Mutex.Lock"
               : gp->waitreason == WAIT_WAITGROUP ? "sync.WaitGroup.Wait"
               : gp->waitreason == WAIT_SELECT    ? "select"
               : gp->waitreason == WAIT_NOTE      ? "note"
               : gp->waitreason == WAIT_RWMUTEX_R ? "sync.RWMutex.RLock"
               : gp->waitreason == WAIT_RWMUTEX_W ? "sync.RWMutex.Lock"
               : gp->waitreason == WAIT_ONCE      ? "sync.Once.Do"
               : gp->waitreason == WAIT_GC        ? "GC worker (idle)"
               : gp->waitreason == WAIT_FINALIZER ? "finalizer wait"
                                                  : "waiting";
    default:
        return "idle";
    }
}

/* A G pointer read from the list on a fatal path, where a stack overflow
 * may have trampled it: aligned, in a heap span in use. */
static bool g_plausible(const struct g *gp)
{
    return ((uintptr_t)gp & 3u) == 0 && mm_span_of(gp) != NULL;
}

/* The goroutine dump of every fatal report (kernel/panic.c): the running
 * goroutine first, then the others, as Go prints them.  No allocation,
 * no locks; it reads the list as it stands. */
static void dump(void)
{
    struct g *cur = m0.curg;

    if (cur == NULL) {
        fatal_printf("goroutine 0 [idle loop]:\n");
        if (!arch_in_isr())
            fatal_printf("\tsp=%p\n", (void *)arch_sp());
    }
    for (int pass = 0; pass < 2; pass++)
        for (struct g *gp = sched.allg; gp != NULL; gp = gp->alllink) {
            if (!g_plausible(gp)) {
                fatal_printf("(goroutine list corrupted at %p)\n", (void *)gp);
                break;
            }
            if ((pass == 0) != (gp == cur) || gp->state == G_DEAD)
                continue;
            fatal_printf("goroutine %u [%s]:\n", (unsigned)gp->id,
                         state_name(gp));
            fatal_printf("\tentry=%p arg=%p stack=[%p, %p)", (void *)gp->fn,
                         gp->arg, gp->stack,
                         (void *)((char *)gp->stack + gp->stacksize));
            if (gp == cur) {
                /* in a fault or interrupt handler, arch_sp is the
                 * handler's stack: the fault report has the thread's SP */
                if (!arch_in_isr())
                    fatal_printf(" sp=%p", (void *)arch_sp());
            } else if (arch_context_sp(&gp->ctx) != 0)
                fatal_printf(" used=%lu",
                             (unsigned long)((uintptr_t)gp->stack +
                                             gp->stacksize -
                                             arch_context_sp(&gp->ctx)));
            fatal_printf(" hiwat=%lu", (unsigned long)stack_hiwat(gp));
            fatal_printf(" created by goroutine %u\n\n", (unsigned)gp->parent);
        }
}

/* Memory is short (mm's reclaim hook): free every dead goroutine's
 * descriptor and stack.  Interrupts masked (the mm lock). */
static void reclaim_dead(void)
{
    struct g **pp = &sched.allg, *gp;

    while ((gp = *pp) != NULL) {
        if (gp->state == G_DEAD) {
            *pp = gp->alllink;
            sched.allg_gen++;
            sched.retired_switches += gp->switches;
            arch_stack_release(gp->stack, gp->stacksize);
            mm_stack_free(gp->stack);
            mm_free(gp);
        } else {
            pp = &gp->alllink;
        }
    }
    sched.gfree = NULL;
}

static void ginfo(const struct g *gp, struct tern_goroutine *o)
{
    uintptr_t top = (uintptr_t)gp->stack + gp->stacksize;

    o->id = gp->id;
    o->parent = gp->parent;
    o->state = state_name(gp);
    o->fn = gp->fn;
    o->stack_size = (uint32_t)(gp->stacksize - ARCH_STACK_GUARD);
    uintptr_t sp = gp == m0.curg ? arch_sp() : arch_context_sp(&gp->ctx);

    o->stack_used = sp != 0 ? (uint32_t)(top - sp) : 0;
    o->cpu_ns = gp->cpu_ns;
    o->switches = gp->switches;
    o->preemptions = gp->preempts;
}

int tern_goroutines(struct tern_goroutine *out, int max)
{
    int n = 0;
    unsigned long irq;
    uint32_t gen;
    struct g *gp;

    if (max <= 0)
        return 0;
    if (m0.curg != NULL) { /* the caller: it cannot go away */
        ginfo(m0.curg, &out[n]);
        out[n++].stack_hiwat = stack_hiwat(m0.curg);
    }
    irq = arch_irq_save();
    gen = sched.allg_gen;
    gp = sched.allg;
    /* One G at a time with interrupts masked; the list only grows at its
     * head, and a G leaves it only in reclaim_dead, which bumps allg_gen:
     * then the walk stops where it is. */
    while (gp != NULL && n < max && gen == sched.allg_gen) {
        struct g *next = gp->alllink;

        if (gp != m0.curg && gp->state != G_DEAD) {
            ginfo(gp, &out[n]);
            arch_irq_restore(irq);
            out[n].stack_hiwat = stack_hiwat(gp); /* O(stack), unmasked */
            irq = arch_irq_save();
            if (gen == sched.allg_gen)
                n++;
        }
        gp = next;
        arch_irq_restore(irq);
        irq = arch_irq_save();
    }
    arch_irq_restore(irq);
    return n;
}

/* Every switch so far: the Gs' counts, the switches to g0, the counts of
 * Gs reused or freed.  One G at a time with interrupts masked; a walk
 * that sees reclaim_dead unlink Gs starts again (it moved their counts
 * into retired_switches meanwhile).  Masked. */
static uint32_t switches_total(unsigned long *irq)
{
    for (;;) {
        uint32_t gen = sched.allg_gen, n = 0;
        struct g *gp = sched.allg;

        while (gp != NULL && gen == sched.allg_gen) {
            n += gp->switches;
            gp = gp->alllink;
            arch_irq_restore(*irq);
            *irq = arch_irq_save();
        }
        if (gen == sched.allg_gen)
            return n + sched.retired_switches + m0.switches;
    }
}

void tern_sched_stats(struct tern_sched_stats *st)
{
    unsigned long irq = arch_irq_save();

    st->switches = switches_total(&irq);
    st->goroutines = sched.ngoroutines;
    st->runnable = runq_len(&p0) + (p0.runnext != NULL) + sched.runq_size;
    st->preemptions = sched.preemptions;
    st->idle_ns = sched.idle_ns;
    st->busy_ns = sched.busy_ns;
    arch_irq_restore(irq);
}

int tern_schedtrace(char *buf, size_t size)
{
    unsigned long irq = arch_irq_save();
    unsigned idle = m0.curg == NULL;
    unsigned globq = sched.runq_size, localq = runq_len(&p0);

    arch_irq_restore(irq);
    return tern_snprintf(buf, size,
                         "SCHED %lums: gomaxprocs=1 idleprocs=%u threads=1 "
                         "spinningthreads=0 needspinning=0 idlethreads=%u "
                         "runqueue=%u [%u]",
                         (unsigned long)(tern_nanotime() / 1000000), idle, idle,
                         globq, localq);
}

void sched_stack_report(uintptr_t addr, uintptr_t sp)
{
    uintptr_t lo = 0, hi = 0;
    uint32_t id = 0;
    const char *who = NULL;

    for (struct g *gp = sched.allg; gp != NULL && g_plausible(gp);
         gp = gp->alllink)
        if (addr - (uintptr_t)gp->stack < gp->stacksize) {
            lo = (uintptr_t)gp->stack;
            hi = lo + gp->stacksize;
            id = gp->id;
            who = gp->state == G_DEAD ? " (dead)" : "";
            break;
        }
    if (who == NULL && sched.g0stack != NULL &&
        addr - (uintptr_t)sched.g0stack < TERN_G0_STACK) {
        lo = (uintptr_t)sched.g0stack;
        hi = lo + TERN_G0_STACK;
        who = " (the idle loop, g0)";
    }
    if (who == NULL)
        return;
    fatal_printf("goroutine %u%s stack overflow: ", (unsigned)id, who);
    if (sp != 0)
        fatal_printf("sp=%p ", (void *)sp);
    fatal_printf("limit=%p stack=[%p, %p)\n", (void *)(lo + ARCH_STACK_GUARD),
                 (void *)lo, (void *)hi);
}

static int (*main_fn)(void);

static void main_goroutine(void *arg)
{
    (void)arg;
    tern_exit(main_fn());
}

/* The M's own context, g0: run what is runnable, else sleep until an
 * interrupt; report a deadlock when nothing can ever wake a goroutine. */
static _Noreturn void idle_loop(void *arg)
{
    (void)arg;
    arch_irq_enable();
    for (;;) {
        unsigned long irq = arch_irq_save();
        struct g *gp = findrunnable(&p0);

        if (gp != NULL) {
            sched_switch_in(&m0, gp);
            arch_context_switch(&m0.g0, &gp->ctx);
        } else if (p0.ntimers == 0 && sched.ngoroutines > 0 &&
                   sched.irqwaiters == 0) {
            /* Every goroutine waits, and nothing can wake one: no timer,
             * no interrupt-fed channel. */
            tern_panic("all goroutines are asleep - deadlock!");
        } else {
            int64_t t0 = tern_nanotime();

            time_idle(timer_next(&p0));
            sched.idle_ns += (uint64_t)(tern_nanotime() - t0);
        }
        arch_irq_restore(irq);
    }
}

_Noreturn void sched_start(int (*fn)(void))
{
    main_fn = fn;
    m0.p = &p0;
    p0.globcheck = 61;
    sched.slice_ns = 10000000;
    fatal_set_dump_hook(dump);
    mm_set_reclaim_hook(reclaim_dead);
    time_set_tick_hook(sched_tick);
    if (tern_go(main_goroutine, NULL) != 1)
        tern_panic("cannot start the main goroutine");
    /* g0 gets a stack of its own, like every goroutine: the boot stack
     * is the interrupt stack from here on. */
    sched.g0stack = mm_stack_alloc(TERN_G0_STACK);
    if (sched.g0stack == NULL)
        tern_panic("cannot allocate the idle loop's stack");
    paint((char *)sched.g0stack + ARCH_STACK_GUARD,
          (char *)sched.g0stack + TERN_G0_STACK);
    arch_thread_start(&m0.g0, sched.g0stack, TERN_G0_STACK, idle_loop, NULL);
}
