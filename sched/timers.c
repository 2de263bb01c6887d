/*
 * sched/timers.c - timers: a channel receives the time when a timer fires,
 * once or every period, as Go's time.Timer, time.Ticker and time.After.
 * See sched/proc.c for the scheduler.
 *
 * A timer is a node on the P's timer heap, beside sleeping goroutines.
 * When it is due, the tick (interrupt context) try-sends the current
 * nanotime on the timer's channel (a full channel drops the value, as a
 * Go ticker does for a slow reader) and re-arms it if it is periodic.
 * Nothing is allocated in the interrupt: a re-armed timer takes back the
 * heap slot it just left.  tern_after's timers retire themselves; they are
 * freed by the next timer call in thread context.
 */
#include <stddef.h>

#include "sched/sched.h"
#include "tern.h"

struct tern_timer {
    struct tnode tn; /* first: the heap holds &tn */
    int64_t period;  /* 0: one-shot */
    tern_chan *c;
    bool armed;              /* on the heap */
    bool autofree;           /* tern_after's: freed once fired */
    struct tern_timer *next; /* retired, waiting to be freed */
};

static struct tern_timer *retired TERN_PRIVATE;

/* Free the retired tern_after timers.  Thread context. */
static void reap(void)
{
    unsigned long irq = arch_irq_save();
    struct tern_timer *t = retired;

    retired = NULL;
    arch_irq_restore(irq);
    while (t != NULL) {
        struct tern_timer *next = t->next;
        tern_free(t);
        timer_unreserve(m0.p);
        t = next;
    }
}

void timers_fire(struct tnode *tn, int64_t now)
{
    struct tern_timer *t = (struct tern_timer *)(void *)tn;

    t->armed = false;
    (void)tern_chan_trysend(t->c, &now);
    if (t->period > 0) {
        t->tn.when += t->period;
        if (t->tn.when <= now)
            t->tn.when = now + t->period;   /* fell behind: skip ticks */
        t->armed = timer_add(m0.p, &t->tn); /* the slot it just left */
    } else if (t->autofree) {
        t->next = retired;
        retired = t;
    }
}

struct tern_timer *tern_timer_start(int64_t delay_ns, int64_t period_ns,
                                    tern_chan *c)
{
    struct tern_timer *t;
    unsigned long irq;
    bool ok;

    reap();
    if (c == NULL || delay_ns < 0 || period_ns < 0)
        tern_panic("timer: bad arguments");
    if (!timer_reserve(m0.p)) /* its slot on the heap, for every arming */
        return NULL;
    t = tern_calloc(1, sizeof *t);
    if (t == NULL) {
        timer_unreserve(m0.p);
        return NULL;
    }
    t->tn.kind = TNODE_TIMER;
    t->period = period_ns;
    t->c = c;
    irq = arch_irq_save();
    t->tn.when = tern_nanotime() + delay_ns;
    ok = timer_add(m0.p, &t->tn);
    t->armed = ok;
    arch_irq_restore(irq);
    if (!ok) /* its slot is reserved: cannot happen */
        tern_panic("timer heap: no slot reserved");
    return t;
}

void tern_timer_stop(struct tern_timer *t)
{
    unsigned long irq;

    reap();
    if (t == NULL)
        return;
    irq = arch_irq_save();
    if (t->armed)
        timer_remove(m0.p, &t->tn);
    t->armed = false;
    arch_irq_restore(irq);
    tern_free(t);
    timer_unreserve(m0.p);
}

tern_chan *tern_after(int64_t ns)
{
    tern_chan *c = tern_chan_make(sizeof(int64_t), 1);
    struct tern_timer *t;

    if (c == NULL)
        return NULL;
    t = tern_timer_start(ns, 0, c);
    if (t == NULL) {
        tern_chan_free(c);
        return NULL;
    }
    t->autofree = true;
    return c;
}
