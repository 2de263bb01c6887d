/*
 * sched/sync.c - Mutex, RWMutex, WaitGroup and Once, as Go's sync package
 * has them.  See sched/proc.c for the scheduler.
 *
 * Every object here is a little state and FIFO queues of parked
 * goroutines, linked through g->schedlink (free while a G waits).  All
 * of it is touched with interrupts masked: with one M, that makes each
 * operation atomic.
 *
 * Glossary
 *   park     block(): queue the running G, mark it WAITING with a reason
 *            (the goroutine dump shows it) and switch away.
 *   handoff  the unlocker gives the lock straight to a parked waiter,
 *            which wakes up already holding it: nobody can barge in
 *            between, so there is no starvation and no retry loop.
 *
 * Mutex: a flag and a queue.  Unlock with waiters hands the mutex to the
 * first of them, which keeps it locked.
 *
 * RWMutex: any number of readers or one writer.  State:
 *     readers   readers holding it
 *     writer    1 if a writer holds it
 *     rq, wq    parked readers, parked writers (FIFO each)
 * The algorithm:
 *   1. RLock enters (readers++) iff no writer holds it and none waits;
 *      else it parks on rq.  A waiting writer thus shuts out new readers
 *      and cannot starve.
 *   2. Lock enters (writer = 1) iff there are no readers and no writer;
 *      else it parks on wq.
 *   3. RUnlock: readers--; the last reader out hands the lock to the
 *      first writer on wq.
 *   4. Unlock: if readers are parked, all of them enter (readers = their
 *      number) and the writers keep waiting, so a writer cannot starve
 *      the readers that queued behind it either; by step 1 those readers
 *      are all that get in before the next writer.  Else the first
 *      writer on wq gets the lock.  Else it is free.
 * That is Go's order (rwmutex.go): a writer's Unlock lets in the readers
 * that arrived while it was held or pending, then the next writer waits
 * for exactly them.  Invariants (rwmutex_verify checks them):
 *     !(writer && readers > 0)
 *     wq nonempty  =>  writer || readers > 0     (someone will hand off)
 *     rq nonempty  =>  writer || wq nonempty     (someone shut them out)
 * Rejected: waking waiters to retry (Go's semaphores do it, with a
 * starvation mode on top); handoff is simpler and fair by construction.
 *
 * WaitGroup: a counter and a queue, all readied when it reaches zero.
 *
 * Once: a state (NEW, RUNNING, DONE), the id of the goroutine running fn
 * and a queue.  The first Do sets RUNNING and runs fn with interrupts on;
 * later callers park until fn has returned, so when Do returns fn's
 * effects are visible, as in Go.  The runner's own Do from inside fn
 * would wait for itself forever (in Go it deadlocks); here it is a fatal
 * error.  Ids, not G pointers, since descriptors are recycled.  fn must
 * return: a tern_goexit inside it leaves the Once RUNNING for good.
 *
 * Cost: every masked section is O(1).  The wake-alls (WaitGroup's counter
 * reaching zero, RWMutex's Unlock admitting the parked readers, Once's
 * first Do returning) detach the whole queue in O(1), settle the counts
 * (RWMutex counts its parked readers, so it admits them all at once), and
 * then ready the detached goroutines one short masked section each: O(n)
 * work, never O(n) with interrupts masked (BRIEF contract 5).  Blocking from an interrupt
 * handler is a fatal error, as everywhere; the try- and unlock operations
 * never block.  Misuse is fatal with Go's messages.
 */
#include "sched/sched.h"
#include "tern.h"

static void waitq_push(struct g **head, struct g **tail, struct g *gp)
{
    gp->schedlink = NULL;
    if (*tail)
        (*tail)->schedlink = gp;
    else
        *head = gp;
    *tail = gp;
}

static struct g *waitq_pop(struct g **head, struct g **tail)
{
    struct g *gp = *head;

    if (gp != NULL) {
        *head = gp->schedlink;
        if (*head == NULL)
            *tail = NULL;
        gp->schedlink = NULL;
    }
    return gp;
}

/* Take the whole queue: its Gs stay parked until ready_list.  Masked. */
static struct g *detach(struct g **head, struct g **tail)
{
    struct g *gp = *head;

    *head = *tail = NULL;
    return gp;
}

/* Ready every G of a detached queue, each with interrupts masked for O(1)
 * only (BRIEF contract 5: no masked section grows with the number of
 * waiters).  The list is the caller's alone; next is read before the G is
 * readied (a full run queue spills through schedlink). */
static void ready_list(struct g *gp)
{
    while (gp != NULL) {
        struct g *next = gp->schedlink;
        unsigned long irq = arch_irq_save();

        gp->schedlink = NULL;
        sched_ready(gp, false);
        arch_irq_restore(irq);
        gp = next;
    }
}

static void block(struct g **head, struct g **tail, enum g_waitreason why)
{
    struct g *cur = m0.curg;

    if (arch_in_isr())
        tern_panic("blocking call in an interrupt handler");
    waitq_push(head, tail, cur);
    cur->state = G_WAITING;
    cur->waitreason = (uint8_t)why;
    sched_park();
}

void tern_mutex_lock(struct tern_mutex *mu)
{
    unsigned long irq = arch_irq_save();

    if (!mu->locked)
        mu->locked = 1;
    else /* woken owning it: unlock hands it over */
        block((struct g **)&mu->head, (struct g **)&mu->tail, WAIT_MUTEX);
    arch_irq_restore(irq);
}

bool tern_mutex_trylock(struct tern_mutex *mu)
{
    unsigned long irq = arch_irq_save();
    bool ok = !mu->locked;

    mu->locked = 1;
    arch_irq_restore(irq);
    return ok;
}

void tern_mutex_unlock(struct tern_mutex *mu)
{
    unsigned long irq = arch_irq_save();
    struct g *gp;

    if (!mu->locked)
        tern_panic("sync: unlock of unlocked mutex");
    gp = waitq_pop((struct g **)&mu->head, (struct g **)&mu->tail);
    if (gp != NULL)
        sched_ready(gp, false); /* it owns the mutex now */
    else
        mu->locked = 0;
    arch_irq_restore(irq);
}

/* --- RWMutex --- */

/* Its two queues, as waitq_push/pop/block arguments. */
#define RQ(rw) (struct g **)&(rw)->rhead, (struct g **)&(rw)->rtail
#define WQ(rw) (struct g **)&(rw)->whead, (struct g **)&(rw)->wtail

/* Step 1: no writer holds it or waits for it. */
static bool rwmutex_readable(const struct tern_rwmutex *rw)
{
    return !rw->writer && rw->whead == NULL;
}

void tern_rwmutex_rlock(struct tern_rwmutex *rw)
{
    unsigned long irq = arch_irq_save();

    if (rwmutex_readable(rw)) {
        rw->readers++;
    } else { /* woken as a reader: Unlock counted it in */
        rw->rwait++;
        block(RQ(rw), WAIT_RWMUTEX_R);
    }
    arch_irq_restore(irq);
}

bool tern_rwmutex_tryrlock(struct tern_rwmutex *rw)
{
    unsigned long irq = arch_irq_save();
    bool ok = rwmutex_readable(rw);

    if (ok)
        rw->readers++;
    arch_irq_restore(irq);
    return ok;
}

void tern_rwmutex_runlock(struct tern_rwmutex *rw)
{
    unsigned long irq = arch_irq_save();
    struct g *gp;

    if (rw->readers <= 0)
        tern_panic("sync: RUnlock of unlocked RWMutex");
    if (--rw->readers == 0 && (gp = waitq_pop(WQ(rw))) != NULL) {
        rw->writer = 1; /* step 3: it owns the lock now */
        sched_ready(gp, false);
    }
    arch_irq_restore(irq);
}

void tern_rwmutex_lock(struct tern_rwmutex *rw)
{
    unsigned long irq = arch_irq_save();

    if (!rw->writer && rw->readers == 0)
        rw->writer = 1;
    else /* woken owning it: the last reader or the writer hands it over */
        block(WQ(rw), WAIT_RWMUTEX_W);
    arch_irq_restore(irq);
}

bool tern_rwmutex_trylock(struct tern_rwmutex *rw)
{
    unsigned long irq = arch_irq_save();
    bool ok = !rw->writer && rw->readers == 0;

    if (ok)
        rw->writer = 1;
    arch_irq_restore(irq);
    return ok;
}

/* Step 4.  O(1) with interrupts masked; admitting the parked readers
 * readies them afterwards, one short masked section each (ready_list). */
void tern_rwmutex_unlock(struct tern_rwmutex *rw)
{
    unsigned long irq = arch_irq_save();
    struct g *gp, *admitted = NULL;

    if (!rw->writer)
        tern_panic("sync: Unlock of unlocked RWMutex");
    if (rw->rhead != NULL) {
        rw->writer = 0;
        rw->readers += rw->rwait; /* each holds a read lock now */
        rw->rwait = 0;
        admitted = detach(RQ(rw));
    } else if ((gp = waitq_pop(WQ(rw))) != NULL) {
        sched_ready(gp, false); /* it owns the lock now */
    } else {
        rw->writer = 0;
    }
    arch_irq_restore(irq);
    ready_list(admitted);
}

/* The queue from head is well formed (ends at tail) and every G on it is
 * parked for why.  Returns the error, or NULL. */
static const char *waitq_verify(const void *head, const void *tail,
                                enum g_waitreason why)
{
    const struct g *gp = head, *last = NULL;

    for (; gp != NULL; last = gp, gp = gp->schedlink)
        if (gp->state != G_WAITING || gp->waitreason != why)
            return "a queued goroutine is not parked on it";
    return last == tail ? NULL : "queue tail is not its last entry";
}

const char *rwmutex_verify(const struct tern_rwmutex *rw)
{
    const char *err;
    unsigned long irq = arch_irq_save();

    if (rw->readers < 0 || (rw->writer != 0 && rw->writer != 1))
        err = "bad counts";
    else if (rw->writer && rw->readers > 0)
        err = "a writer and readers hold it";
    else if (rw->whead != NULL && !rw->writer && rw->readers == 0)
        err = "writers wait on a free RWMutex";
    else if (rw->rhead != NULL && !rw->writer && rw->whead == NULL)
        err = "readers wait, and no writer holds it or waits";
    else if ((err = waitq_verify(rw->rhead, rw->rtail, WAIT_RWMUTEX_R)) == NULL)
        err = waitq_verify(rw->whead, rw->wtail, WAIT_RWMUTEX_W);
    if (err == NULL) {
        int n = 0;

        for (const struct g *gp = rw->rhead; gp != NULL; gp = gp->schedlink)
            n++;
        if (n != rw->rwait)
            err = "parked-reader count differs from the queue";
    }
    arch_irq_restore(irq);
    return err;
}

void tern_waitgroup_add(struct tern_waitgroup *wg, int delta)
{
    unsigned long irq = arch_irq_save();
    struct g *gp;

    wg->count += delta;
    if (wg->count < 0)
        tern_panic("sync: negative WaitGroup counter");
    if (wg->count == 0)
        gp = detach((struct g **)&wg->head, (struct g **)&wg->tail);
    else
        gp = NULL;
    arch_irq_restore(irq);
    ready_list(gp);
}

void tern_waitgroup_done(struct tern_waitgroup *wg)
{
    tern_waitgroup_add(wg, -1);
}

void tern_waitgroup_wait(struct tern_waitgroup *wg)
{
    unsigned long irq = arch_irq_save();

    if (wg->count > 0)
        block((struct g **)&wg->head, (struct g **)&wg->tail, WAIT_WAITGROUP);
    arch_irq_restore(irq);
}

/* --- Once --- */

#define ONCE_NEW     0 /* fn not called yet */
#define ONCE_RUNNING 1 /* o->runner is in fn; callers park on the queue */
#define ONCE_DONE    2 /* fn has returned */

#define OQ(o) (struct g **)&(o)->head, (struct g **)&(o)->tail

void tern_once_do(struct tern_once *o, void (*fn)(void *), void *arg)
{
    unsigned long irq = arch_irq_save();

    if (o->state == ONCE_RUNNING) {
        if (o->runner == tern_goid() && !arch_in_isr())
            tern_panic("sync: Once.Do called recursively");
        /* woken when fn has returned */
        block(OQ(o), WAIT_ONCE);
    } else if (o->state == ONCE_NEW) {
        struct g *gp;

        o->state = ONCE_RUNNING;
        o->runner = tern_goid();
        arch_irq_restore(irq);
        fn(arg);
        irq = arch_irq_save();
        o->state = ONCE_DONE;
        o->runner = 0;
        gp = detach(OQ(o));
        arch_irq_restore(irq);
        ready_list(gp);
        return;
    }
    arch_irq_restore(irq);
}

const char *once_verify(const struct tern_once *o)
{
    const char *err = NULL;
    unsigned long irq = arch_irq_save();

    if (o->state != ONCE_NEW && o->state != ONCE_RUNNING &&
        o->state != ONCE_DONE)
        err = "bad state";
    else if (o->state != ONCE_RUNNING && o->runner != 0)
        err = "runner set outside RUNNING";
    else if (o->head != NULL && o->state != ONCE_RUNNING)
        err = "callers wait, and fn is not running";
    else
        err = waitq_verify(o->head, o->tail, WAIT_ONCE);
    arch_irq_restore(irq);
    return err;
}
