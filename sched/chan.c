/*
 * sched/chan.c - channels.  See sched/proc.c for the scheduler.
 *
 * Go's design (chan.go), on one core: a channel is a ring buffer of `cap`
 * elements plus two queues of waiting goroutines, each waiter described by
 * a sudog that lives on the waiter's own stack while it is parked.
 *
 *   send: a waiting receiver takes the element directly (no buffering);
 *         else it goes into the ring if there is room; else the sender
 *         parks on sendq until a receiver takes its element.
 *   recv: a waiting sender hands over its element (through the ring when
 *         the channel is buffered, so order is kept); else the ring's
 *         head; else, if closed, the zero value and ok = false; else the
 *         receiver parks on recvq.
 *   close: every parked receiver wakes with the zero value and ok = false,
 *         every parked sender wakes to a fatal "send on closed channel".
 *
 * Every operation runs with interrupts masked; each is O(1) plus the copy
 * of one element, except close, which wakes every waiter.  try-send and
 * try-receive never park and are the only operations an interrupt handler
 * may use (BRIEF contract 4).  A channel marked with tern_chan_irq() is
 * fed by an interrupt: goroutines waiting on it do not count toward the
 * deadlock check ("all goroutines are asleep").
 */
#include <string.h>

#include "sched/sched.h"
#include "tern.h"

struct sudog {
    struct g *g;
    void *elem; /* where to copy from (send) or to (recv) */
    struct sudog *next;
    bool success; /* false: woken by close */
};

struct waitq {
    struct sudog *first, *last;
};

struct tern_chan {
    /* interrupts masked: */
    uint32_t elemsize;
    uint32_t cap;
    uint32_t count; /* elements in the ring */
    uint32_t sendx; /* next slot to fill */
    uint32_t recvx; /* next slot to take */
    bool closed;
    bool irqfed; /* tern_chan_irq: an interrupt sends on it */
    struct waitq recvq, sendq;
    uint8_t buf[]; /* cap * elemsize */
};

static void enqueue(struct waitq *q, struct sudog *sg)
{
    sg->next = NULL;
    if (q->last)
        q->last->next = sg;
    else
        q->first = sg;
    q->last = sg;
}

static struct sudog *dequeue(struct waitq *q)
{
    struct sudog *sg = q->first;

    if (sg != NULL) {
        q->first = sg->next;
        if (q->first == NULL)
            q->last = NULL;
    }
    return sg;
}

tern_chan *tern_chan_make(size_t elemsize, size_t cap)
{
    tern_chan *c;

    if (elemsize > 65536 || cap > 1u << 20 ||
        (elemsize && cap > (SIZE_MAX - sizeof *c) / elemsize))
        tern_panic("makechan: size out of range");
    c = tern_calloc(1, sizeof *c + elemsize * cap);
    if (c == NULL)
        return NULL;
    c->elemsize = (uint32_t)elemsize;
    c->cap = (uint32_t)cap;
    return c;
}

void tern_chan_irq(tern_chan *c)
{
    c->irqfed = true;
}

static inline uint8_t *slot(tern_chan *c, uint32_t i)
{
    return c->buf + (size_t)i * c->elemsize;
}

/* Wake a parked goroutine: it runs next.  Interrupts masked. */
static void wake(struct sudog *sg, bool success, const tern_chan *c)
{
    sg->success = success;
    if (c->irqfed)
        sched.irqwaiters--;
    sched_ready(sg->g, true);
}

/* Park the running goroutine on q until woken.  Interrupts masked. */
static void park(tern_chan *c, struct waitq *q, struct sudog *sg,
                 enum g_waitreason why)
{
    struct g *cur = m0.curg;

    if (arch_in_isr())
        tern_panic("blocking call in an interrupt handler");
    sg->g = cur;
    sg->success = false;
    enqueue(q, sg);
    if (c->irqfed)
        sched.irqwaiters++;
    cur->state = G_WAITING;
    cur->waitreason = (uint8_t)why;
    sched_park();
}

/* The non-parking part of a send; 1 done, 0 would block.  Masked. */
static int send_now(tern_chan *c, const void *elem)
{
    struct sudog *sg;

    if (c->closed)
        tern_panic("send on closed channel");
    if ((sg = dequeue(&c->recvq)) != NULL) {
        memcpy(sg->elem, elem, c->elemsize);
        wake(sg, true, c);
        return 1;
    }
    if (c->count < c->cap) {
        memcpy(slot(c, c->sendx), elem, c->elemsize);
        c->sendx = c->sendx + 1 == c->cap ? 0 : c->sendx + 1;
        c->count++;
        return 1;
    }
    return 0;
}

/* The non-parking part of a receive; 1 got, -1 closed (zero value), 0
 * would block.  Masked. */
static int recv_now(tern_chan *c, void *elem)
{
    struct sudog *sg = dequeue(&c->sendq);

    if (sg != NULL) {
        if (c->cap == 0) {
            memcpy(elem, sg->elem, c->elemsize);
        } else {
            /* the ring is full: take its head, the sender fills the tail */
            memcpy(elem, slot(c, c->recvx), c->elemsize);
            memcpy(slot(c, c->recvx), sg->elem, c->elemsize);
            c->recvx = c->recvx + 1 == c->cap ? 0 : c->recvx + 1;
            c->sendx = c->recvx;
        }
        wake(sg, true, c);
        return 1;
    }
    if (c->count > 0) {
        memcpy(elem, slot(c, c->recvx), c->elemsize);
        c->recvx = c->recvx + 1 == c->cap ? 0 : c->recvx + 1;
        c->count--;
        return 1;
    }
    if (c->closed) {
        memset(elem, 0, c->elemsize);
        return -1;
    }
    return 0;
}

void tern_chan_send(tern_chan *c, const void *elem)
{
    unsigned long irq = arch_irq_save();
    struct sudog sg;

    if (!send_now(c, elem)) {
        sg.elem = (void *)(uintptr_t)elem;
        park(c, &c->sendq, &sg, WAIT_CHAN_SEND);
        if (!sg.success)
            tern_panic("send on closed channel");
    }
    arch_irq_restore(irq);
}

bool tern_chan_recv(tern_chan *c, void *elem)
{
    unsigned long irq = arch_irq_save();
    struct sudog sg;
    int r = recv_now(c, elem);

    if (r == 0) {
        sg.elem = elem;
        park(c, &c->recvq, &sg, WAIT_CHAN_RECV);
        r = sg.success ? 1 : -1;
        if (r < 0)
            memset(elem, 0, c->elemsize);
    }
    arch_irq_restore(irq);
    return r > 0;
}

bool tern_chan_trysend(tern_chan *c, const void *elem)
{
    unsigned long irq = arch_irq_save();
    int r = send_now(c, elem);

    arch_irq_restore(irq);
    return r > 0;
}

int tern_chan_tryrecv(tern_chan *c, void *elem)
{
    unsigned long irq = arch_irq_save();
    int r = recv_now(c, elem);

    arch_irq_restore(irq);
    return r;
}

void tern_chan_close(tern_chan *c)
{
    unsigned long irq = arch_irq_save();
    struct sudog *sg;

    if (c->closed)
        tern_panic("close of closed channel");
    c->closed = true;
    while ((sg = dequeue(&c->recvq)) != NULL)
        wake(sg, false, c);
    while ((sg = dequeue(&c->sendq)) != NULL)
        wake(sg, false, c);
    arch_irq_restore(irq);
}

size_t tern_chan_len(tern_chan *c)
{
    return c->count;
}

size_t tern_chan_cap(tern_chan *c)
{
    return c->cap;
}
