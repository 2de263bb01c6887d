/*
 * sched/timer.c - the timer heap: sleeping goroutines and timers
 * (struct tnode, embedded in both) on a binary min-heap by time.
 * See sched/proc.c for the overview.
 *
 * Invariant: for every i > 0, heap[(i - 1) / 2]->when <= heap[i]->when,
 * and heap[i]->heapindex == i.  Add and remove are O(log n); the tick
 * looks only at the top.  The array grows by doubling, in thread context
 * (timer_add is never called from an interrupt).
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

bool timer_add(struct p *pp, struct tnode *tn)
{
    if (pp->ntimers == pp->timercap) {
        uint32_t cap = pp->timercap ? 2 * pp->timercap : 16;
        struct tnode **h;

        if (cap > UINT16_MAX)
            return false;
        h = tern_malloc(cap * sizeof *h);
        if (h == NULL)
            return false;
        if (pp->ntimers)
            memcpy(h, pp->timers, pp->ntimers * sizeof *h);
        tern_free(pp->timers);
        pp->timers = h;
        pp->timercap = cap;
    }
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
