/*
 * sched/timer.c - the timer heap: sleeping goroutines and timers
 * (struct tnode, embedded in both) on a binary min-heap by time.
 * See sched/proc.c for the overview.
 *
 * Invariant: for every i > 0, heap[(i - 1) / 2]->when <= heap[i]->when,
 * and heap[i]->heapindex == i.  Add and remove are O(log n); the tick
 * looks only at the top.
 *
 * The array never grows in timer_add: every node that may go on the heap
 * (a live G's, a started timer's) reserved its slot when it came to be
 * (timer_reserve, from go() and tern_timer_start, in thread context,
 * where growing by doubling may allocate and fail cleanly), so sleeping,
 * a select's or a note's timeout and a periodic timer's re-arm in the
 * tick never need memory.  Invariant: ntimers <= reserved <= timercap.
 */
#include <stdint.h>
#include <string.h>

#include "sched/sched.h"
#include "tern.h"

static void swap(struct tnode **h, uint32_t a, uint32_t b)
{
    struct tnode *t = h[a];

    h[a] = h[b];
    h[b] = t;
    h[a]->heapindex = (uint16_t)a;
    h[b]->heapindex = (uint16_t)b;
}

static void up(struct tnode **h, uint32_t i)
{
    while (i > 0 && h[(i - 1) / 2]->when > h[i]->when) {
        swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void down(struct tnode **h, uint32_t n, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && h[l]->when < h[m]->when)
            m = l;
        if (r < n && h[r]->when < h[m]->when)
            m = r;
        if (m == i)
            return;
        swap(h, i, m);
        i = m;
    }
}

bool timer_reserve(struct p *pp)
{
    for (;;) {
        unsigned long irq = arch_irq_save();
        uint32_t cap = pp->timercap, ncap = cap ? 2 * cap : 16;
        struct tnode **h;

        if (pp->reserved < cap) {
            pp->reserved++;
            arch_irq_restore(irq);
            return true;
        }
        arch_irq_restore(irq);
        if (ncap > UINT16_MAX)
            return false;
        h = tern_malloc(ncap * sizeof *h);
        if (h == NULL)
            return false;
        irq = arch_irq_save();
        if (pp->timercap == cap) { /* nobody grew it meanwhile */
            struct tnode **old = pp->timers;

            if (pp->ntimers)
                memcpy(h, old, pp->ntimers * sizeof *h);
            pp->timers = h;
            pp->timercap = ncap;
            h = old;
        }
        arch_irq_restore(irq);
        tern_free(h); /* the old array, or ours if we lost the race */
    }
}

void timer_unreserve(struct p *pp)
{
    unsigned long irq = arch_irq_save();

    pp->reserved--;
    arch_irq_restore(irq);
}

bool timer_add(struct p *pp, struct tnode *tn)
{
    if (pp->ntimers >= pp->reserved) /* a node that reserved no slot */
        return false;
    pp->timers[pp->ntimers] = tn;
    tn->heapindex = (uint16_t)pp->ntimers;
    up(pp->timers, pp->ntimers++);
    return true;
}

void timer_remove(struct p *pp, struct tnode *tn)
{
    uint32_t i = tn->heapindex;

    if (i >= pp->ntimers || pp->timers[i] != tn)
        return;
    pp->ntimers--;
    if (i != pp->ntimers) {
        swap(pp->timers, i, pp->ntimers);
        down(pp->timers, pp->ntimers, i);
        up(pp->timers, i);
    }
}

struct tnode *timer_pop_due(struct p *pp, int64_t now)
{
    struct tnode *tn;

    if (pp->ntimers == 0 || pp->timers[0]->when > now)
        return NULL;
    tn = pp->timers[0];
    timer_remove(pp, tn);
    return tn;
}

int64_t timer_next(const struct p *pp)
{
    return pp->ntimers ? pp->timers[0]->when : INT64_MAX;
}
