/*
 * sched/sync.c - Mutex and WaitGroup, as Go's sync package has them.
 * See sched/proc.c for the scheduler.
 *
 * A mutex is a flag and a FIFO of parked goroutines (linked through
 * g->schedlink, free while a G waits).  Unlock with waiters hands the
 * mutex straight to the first of them, which keeps it locked: no
 * barging, no starvation.  A wait group is a counter and a list of parked
 * waiters, all readied when the counter reaches zero.  Each operation
 * masks interrupts for O(1) (Done readies every waiter: O(waiters)).
 * Blocking from an interrupt handler is a fatal error, as everywhere.
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

void tern_waitgroup_add(struct tern_waitgroup *wg, int delta)
{
    unsigned long irq = arch_irq_save();
    struct g *gp;

    wg->count += delta;
    if (wg->count < 0)
        tern_panic("sync: negative WaitGroup counter");
    if (wg->count == 0)
        while ((gp = waitq_pop((struct g **)&wg->head,
                               (struct g **)&wg->tail)) != NULL)
            sched_ready(gp, false);
    arch_irq_restore(irq);
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
