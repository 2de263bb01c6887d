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
 *   M        a CPU running goroutines.  Its own context, g0, runs on the
 *            boot stack: the idle loop, where the M sleeps (WFI/HLT) when
 *            nothing is runnable.
 *   P        the run queue (a 256-entry ring plus runnext), the timer heap
 *            of sleeping Gs, the mcache.
 *   ready    make a G runnable: onto runnext or the local run queue (the
 *            global queue when the ring is full).
 *   park     take the running G off the CPU to wait (sleep, and later
 *            channels and locks); something else readies it.
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
 * GO_STACK bytes by default, per goroutine on request), with a canary at
 * its bottom checked at every switch away and every tick: best effort (it
 * finds an overflow after the fact, if the overflow wrote the canary and
 * did not crash first).  ARMv8-M also loads each context's stack limit
 * into MSPLIM, so an overflow faults at once.  Goroutines run on the main
 * stack pointer (MSP) on Cortex-M, so interrupt frames land on the running
 * goroutine's stack: a goroutine stack needs room for the deepest handler
 * (a few hundred bytes).  Moving goroutines to PSP, the MPU guard region
 * (ARMv7-M) and guard pages (x86) are the scheduler issue's next steps.
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
 * At a tick (sched_tick, interrupt context): every sleeper whose time has
 * come is readied; if the running G has had the CPU for a time slice
 * (10 ms by default, tern_set_timeslice) and another G is runnable, the
 * tick asks the arch to preempt (arch_preempt_request).  The arch diverts
 * the running G into sched_preempted() as soon as no handler is active,
 * with all its registers preserved (arch/arch.h); sched_preempted readies
 * it at the back of the run queue and schedules, so a preempted G is
 * parked exactly like a yielding one.
 *
 * main() is goroutine 1; when it returns, the program exits with its
 * status, as in Go.
 */
#include <string.h>

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

/* Every goroutine stack starts (lowest address) with a canary, checked
 * at every switch away from the goroutine and at every tick: a best-effort
 * overflow check everywhere (ARMv8-M also has its per-context MSPLIM).
 * The scheduler issue adds the MPU guard (ARMv7-M) and guard pages
 * (x86). */
#define STACK_CANARY 0xC0DEFACEu

static void canary_paint(struct g *gp)
{
    ((volatile uint32_t *)gp->stack)[0] = STACK_CANARY;
    ((volatile uint32_t *)gp->stack)[1] = STACK_CANARY ^ gp->id;
}

static void canary_verify(struct g *gp)
{
    volatile uint32_t *w = gp->stack;

    if (w[0] != STACK_CANARY || w[1] != (STACK_CANARY ^ gp->id)) {
        canary_paint(gp);
        tern_panic("stack overflow (goroutine stack canary overwritten)");
    }
}

/* Pick the next G to run, or NULL.  Interrupts masked. */
static struct g *findrunnable(struct p *pp)
{
    struct g *gp;

    pp->schedtick++;
    if (pp->schedtick % 61 == 0 && sched.runq_size > 0)
        return globrunq_get();
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

void sched_ready(struct g *gp, bool next)
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

/*
 * Give the CPU to the next runnable G, or to the idle loop.  The caller
 * has put the current G where it belongs (run queue, timer heap, free
 * list) and set its state.  Interrupts masked; returns, still masked,
 * when the current G is switched back in.
 */
static void schedule(void)
{
    struct g *cur = m0.curg;
    struct g *next = findrunnable(m0.p);

    canary_verify(cur);
    if (next == cur) {
        cur->state = G_RUNNING;
        return;
    }
    m0.curg = next;
    m0.slice_tick = time_tick32;
    sched.switches++;
    if (next != NULL) {
        next->state = G_RUNNING;
        next->switches++;
        arch_context_switch(&cur->ctx, &next->ctx);
    } else {
        arch_context_switch(&cur->ctx, &m0.g0);
    }
}

void sched_park(void)
{
    schedule();
}

/* The first code of every goroutine: interrupts on, run, exit. */
static void goentry(void *arg)
{
    struct g *gp = arg;

    arch_irq_enable(); /* it was switched to with interrupts masked */
    gp->fn(gp->arg);
    tern_goexit();
}

/* A G with a stack of at least size bytes: a dead one reused, or new.
 * Stacks are whole pages (mm_stack_alloc), and all of it is used. */
static struct g *galloc(size_t size)
{
    struct g *gp, **pp;
    unsigned long irq;

    size = (size + MM_PAGE_SIZE - 1) & ~(size_t)(MM_PAGE_SIZE - 1);
    irq = arch_irq_save();

    for (pp = &sched.gfree; (gp = *pp) != NULL; pp = &gp->schedlink)
        if (gp->stacksize == size) {
            *pp = gp->schedlink;
            break;
        }
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
    irq = arch_irq_save();
    gp->alllink = sched.allg;
    sched.allg = gp;
    arch_irq_restore(irq);
    return gp;
}

int tern_go_stack(void (*fn)(void *), void *arg, size_t stack)
{
    size_t size = (stack + 7) & ~(size_t)7;
    struct g *gp;
    unsigned long irq;

    if (size < 256)
        size = 256;
    gp = galloc(size);
    if (gp == NULL)
        return -1;
    gp->fn = fn;
    gp->arg = arg;
    gp->switches = 0;
    arch_context_init(&gp->ctx, gp->stack, gp->stacksize, goentry, gp);
    irq = arch_irq_save();
    gp->id = ++sched.nextid;
    gp->parent = m0.curg ? m0.curg->id : 0;
    canary_paint(gp);
    sched.ngoroutines++;
    sched_ready(gp, true);
    arch_irq_restore(irq);
    return (int)gp->id;
}

int tern_go(void (*fn)(void *), void *arg)
{
    return tern_go_stack(fn, arg, TERN_GO_STACK);
}

/* Parking or yielding from an interrupt handler would switch away from
 * the interrupted goroutine in the middle of the handler. */
static void no_isr(void)
{
    if (arch_in_isr())
        tern_panic("blocking call in an interrupt handler");
}

void tern_yield(void)
{
    unsigned long irq;
    struct g *cur = m0.curg;

    no_isr();
    irq = arch_irq_save();

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
        tern_panic("out of memory for the timer heap");
    schedule();
    arch_irq_restore(irq);
}

_Noreturn void tern_goexit(void)
{
    struct g *cur = m0.curg;

    no_isr();
    (void)arch_irq_save();
    cur->state = G_DEAD;
    sched.ngoroutines--;
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

static bool slice_expired(void);

/* Something other than the running G could run. */
static bool others_runnable(const struct p *pp)
{
    return pp->runnext != NULL || runq_len(pp) > 0 || sched.runq_size > 0;
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
        }
    }
    if (m0.curg != NULL) {
        canary_verify(m0.curg);
        if (slice_expired() && others_runnable(m0.p))
            arch_preempt_request();
    }
}

/* The running G has had its time slice.  Interrupts masked. */
static bool slice_expired(void)
{
    uint32_t ran = time_tick32 - m0.slice_tick;

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
        slice_expired()) {
        sched.preemptions++;
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
                                                  : "waiting";
    default:
        return "idle";
    }
}

/* The goroutine dump of every fatal report (kernel/panic.c): the running
 * goroutine first, then the others, as Go prints them.  No allocation,
 * no locks; it reads the list as it stands. */
static void dump(void)
{
    struct g *cur = m0.curg;

    if (cur == NULL)
        fatal_printf("goroutine 0 [idle loop]:\n\tsp=%p\n", (void *)arch_sp());
    for (int pass = 0; pass < 2; pass++)
        for (struct g *gp = sched.allg; gp != NULL; gp = gp->alllink) {
            if ((pass == 0) != (gp == cur) || gp->state == G_DEAD)
                continue;
            fatal_printf("goroutine %u [%s]:\n", (unsigned)gp->id,
                         state_name(gp));
            fatal_printf("\tentry=%p arg=%p stack=[%p, %p)", (void *)gp->fn,
                         gp->arg, gp->stack,
                         (void *)((char *)gp->stack + gp->stacksize));
            if (gp == cur)
                fatal_printf(" sp=%p", (void *)arch_sp());
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
            mm_stack_free(gp->stack);
            mm_free(gp);
        } else {
            pp = &gp->alllink;
        }
    }
    sched.gfree = NULL;
}

static int (*main_fn)(void);

static void main_goroutine(void *arg)
{
    (void)arg;
    tern_exit(main_fn());
}

_Noreturn void sched_start(int (*fn)(void))
{
    main_fn = fn;
    m0.p = &p0;
    sched.slice_ns = 10000000;
    fatal_set_dump_hook(dump);
    mm_set_reclaim_hook(reclaim_dead);
    time_set_tick_hook(sched_tick);
    if (tern_go(main_goroutine, NULL) != 1)
        tern_panic("cannot start the main goroutine");
    /* The idle loop: this boot context is the M's g0. */
    for (;;) {
        unsigned long irq = arch_irq_save();
        struct g *gp = findrunnable(&p0);

        if (gp != NULL) {
            gp->state = G_RUNNING;
            gp->switches++;
            m0.curg = gp;
            m0.slice_tick = time_tick32;
            sched.switches++;
            arch_context_switch(&m0.g0, &gp->ctx);
        } else if (p0.ntimers == 0 && sched.ngoroutines > 0 &&
                   sched.irqwaiters == 0) {
            /* Every goroutine waits, and nothing can wake one: no timer,
             * no interrupt-fed channel. */
            tern_panic("all goroutines are asleep - deadlock!");
        } else {
            time_idle(timer_next(&p0));
        }
        arch_irq_restore(irq);
    }
}
