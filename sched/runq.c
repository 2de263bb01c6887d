/*
 * sched/runq.c - run queues.  See sched/proc.c for the overview.
 *
 * A P's local run queue is a ring of SCHED_RUNQ goroutines: head and tail
 * only grow (unsigned wrap-around), head <= tail, tail - head <= size.
 * When it is full, goroutines overflow to the global run queue, a plain
 * linked list through g->schedlink, which every P checks once every 61
 * schedules for fairness (as Go does).  All of it under masked
 * interrupts on this single-core build.
 */
#include "sched/sched.h"

void globrunq_put(struct g *gp)
{
    gp->schedlink = NULL;
    if (sched.runq_tail)
        sched.runq_tail->schedlink = gp;
    else
        sched.runq_head = gp;
    sched.runq_tail = gp;
    sched.runq_size++;
}

struct g *globrunq_get(void)
{
    struct g *gp = sched.runq_head;

    if (gp == NULL)
        return NULL;
    sched.runq_head = gp->schedlink;
    if (sched.runq_head == NULL)
        sched.runq_tail = NULL;
    gp->schedlink = NULL;
    sched.runq_size--;
    return gp;
}
