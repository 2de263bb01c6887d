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

#include "gc/gc.h"
#include "sched/sched.h"
#include "tern.h"

/* A select waiting on several channels: the first case to fire wins, the
 * other sudogs are dropped by whoever dequeues them (or by the selecting
 * goroutine itself when it resumes).  `done` comes first: the tick sets it
 * through g->waitobj when the select's timeout expires (sched/proc.c). */
struct selrec {
    bool done;  /* a case fired, or the timeout */
    int winner; /* the case that fired; -1: timeout */
};

struct sudog {
    struct g *g;
    void *elem; /* where to copy from (send) or to (recv) */
    struct sudog *next;
    bool success;       /* false: woken by close */
    struct selrec *sel; /* NULL unless part of a select */
    int caseidx;        /* its case, in a select */
    tern_chan *c;       /* its channel, in a select */
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
    bool irqfed;   /* tern_chan_irq: an interrupt sends on it */
    uint8_t words; /* elemsize / 4 if whole words, at most 4; else 0 */
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

static struct sudog *dequeue_any(struct waitq *q)
{
    struct sudog *sg = q->first;

    if (sg != NULL) {
        q->first = sg->next;
        if (q->first == NULL)
            q->last = NULL;
    }
    return sg;
}

/* The first waiter that can still take part: sudogs of a select that
 * already fired are dropped on the way.  A select sudog taken here wins
 * its select. */
static struct sudog *dequeue_slow(const tern_chan *c, struct waitq *q)
{
    struct sudog *sg;

    while ((sg = dequeue_any(q)) != NULL) {
        if (sg->sel == NULL)
            return sg;
        if (c->irqfed)
            sched.irqwaiters--;
        if (!sg->sel->done) {
            sg->sel->done = true;
            sg->sel->winner = sg->caseidx;
            return sg;
        }
    }
    return NULL;
}

/* The first waiter of q still waiting, or NULL: inline for the common
 * cases, an empty queue or a plain (not select) waiter first. */
static inline struct sudog *dequeue_c(const tern_chan *c, struct waitq *q)
{
    struct sudog *sg = q->first;

    if (sg == NULL)
        return NULL;
    if (__builtin_expect(sg->sel != NULL, 0))
        return dequeue_slow(c, q);
    q->first = sg->next;
    if (sg->next == NULL)
        q->last = NULL;
    return sg;
}

/* Take sg off q if it is still there (a select cleaning up). */
static bool unlink_sudog(struct waitq *q, struct sudog *sg)
{
    struct sudog **pp = &q->first, *prev = NULL;

    for (; *pp != NULL; prev = *pp, pp = &(*pp)->next)
        if (*pp == sg) {
            *pp = sg->next;
            if (q->last == sg)
                q->last = prev;
            return true;
        }
    return false;
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
    if (elemsize % 4 == 0 && elemsize <= 16)
        c->words = (uint8_t)(elemsize / 4);
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

/* wake's bookkeeping for a select's waiter or an interrupt-fed
 * channel's. */
static void wake_slow(struct sudog *sg, const tern_chan *c)
{
    if (c->irqfed && sg->sel == NULL)
        sched.irqwaiters--; /* (dequeue_c counted select sudogs) */
    if (sg->g->waitreason == WAIT_SELECT)
        timer_remove(m0.p, &sg->g->tn); /* its timeout, if it had one */
}

/* Wake a parked goroutine: it runs next.  sel and gp: sg's, read before
 * the element copy (which the compiler must assume may write sg).  isr:
 * the caller may be an interrupt handler (the try-operations; the
 * blocking ones refuse to run in one).  Interrupts masked. */
static inline __attribute__((always_inline)) void
wake(struct sudog *sg, const struct selrec *sel, struct g *gp, bool success,
     const tern_chan *c, bool isr)
{
    sg->success = success;
    if (__builtin_expect(c->irqfed || sel != NULL, 0))
        wake_slow(sg, c);
    sched_ready(gp, true);
    if (isr && arch_in_isr()) /* a handler's try-send or try-receive */
        sched_isr_woke();
}

/* The blocking operations: not in an interrupt handler, whether or not
 * this one would have to wait (a handler that sends or receives only
 * while the channel happens to be ready is a bug waiting for its day). */
static inline void no_isr(void)
{
    if (__builtin_expect(arch_in_isr(), 0))
        tern_panic("blocking call in an interrupt handler");
}

/* Park the running goroutine on q until woken; the waker sets
 * sg->success.  Thread context, interrupts masked. */
static inline __attribute__((always_inline)) void
park(tern_chan *c, struct waitq *q, struct sudog *sg, enum g_waitreason why)
{
    struct g *cur = m0.curg;

    sg->g = cur;
    sg->sel = NULL;
    enqueue(q, sg);
    if (__builtin_expect(c->irqfed, 0))
        sched.irqwaiters++;
    cur->state = G_WAITING;
    cur->waitreason = (uint8_t)why;
    sched_park();
}

/* Copy one element: word by word inline when it is one to four whole
 * words (ints, pointers, small structs: c->words, fixed at make) and both
 * sides are aligned (ring slots are, then), memcpy otherwise. */
static inline void elemcpy(const tern_chan *c, void *dst, const void *src)
{
    if (__builtin_expect(gc_barrier_on, 0)) {
        /* Elements may be GC pointers: into a buffer (scanned as a root,
         * maybe already) or a stack (maybe scanned): shade both sides. */
        gc_shade_range(dst, c->elemsize);
        gc_shade_range(src, c->elemsize);
    }
    if ((((uintptr_t)dst | (uintptr_t)src) & 3u) == 0) {
        uint32_t *d = dst;
        const uint32_t *s = src;

        switch (c->words) {
        case 4:
            d[3] = s[3];
            /* fall through */
        case 3:
            d[2] = s[2];
            /* fall through */
        case 2:
            d[1] = s[1];
            /* fall through */
        case 1:
            d[0] = s[0];
            return;
        default: /* 0: not whole words, or more than four */
            break;
        }
    }
    memcpy(dst, src, c->elemsize);
}

/* The non-parking part of a send; 1 done, 0 would block.  Masked. */
static inline __attribute__((always_inline)) int
send_now(tern_chan *c, const void *elem, bool isr)
{
    struct sudog *sg;

    if (c->closed)
        tern_panic("send on closed channel");
    if ((sg = dequeue_c(c, &c->recvq)) != NULL) {
        const struct selrec *sel = sg->sel;
        struct g *gp = sg->g;

        elemcpy(c, sg->elem, elem);
        wake(sg, sel, gp, true, c, isr);
        return 1;
    }
    if (c->count < c->cap) {
        elemcpy(c, slot(c, c->sendx), elem);
        c->sendx = c->sendx + 1 == c->cap ? 0 : c->sendx + 1;
        c->count++;
        return 1;
    }
    return 0;
}

/* The non-parking part of a receive; 1 got, -1 closed (zero value), 0
 * would block.  Masked. */
static inline __attribute__((always_inline)) int recv_now(tern_chan *c,
                                                          void *elem, bool isr)
{
    struct sudog *sg = dequeue_c(c, &c->sendq);

    if (sg != NULL) {
        const struct selrec *sel = sg->sel;
        struct g *gp = sg->g;

        if (c->cap == 0) {
            elemcpy(c, elem, sg->elem);
        } else {
            /* the ring is full: take its head, the sender fills the tail */
            elemcpy(c, elem, slot(c, c->recvx));
            elemcpy(c, slot(c, c->recvx), sg->elem);
            c->recvx = c->recvx + 1 == c->cap ? 0 : c->recvx + 1;
            c->sendx = c->recvx;
        }
        wake(sg, sel, gp, true, c, isr);
        return 1;
    }
    if (c->count > 0) {
        elemcpy(c, elem, slot(c, c->recvx));
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
    unsigned long irq;
    struct sudog sg;

    no_isr();
    irq = arch_irq_save();
    if (!send_now(c, elem, false)) {
        sg.elem = (void *)(uintptr_t)elem;
        park(c, &c->sendq, &sg, WAIT_CHAN_SEND);
        if (!sg.success)
            tern_panic("send on closed channel");
    }
    arch_irq_restore(irq);
}

bool tern_chan_recv(tern_chan *c, void *elem)
{
    unsigned long irq;
    struct sudog sg;
    int r;

    no_isr();
    irq = arch_irq_save();
    r = recv_now(c, elem, false);

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
    int r = send_now(c, elem, true);

    arch_irq_restore(irq);
    return r > 0;
}

int tern_chan_tryrecv(tern_chan *c, void *elem)
{
    unsigned long irq = arch_irq_save();
    int r = recv_now(c, elem, true);

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
    while ((sg = dequeue_c(c, &c->recvq)) != NULL)
        wake(sg, sg->sel, sg->g, false, c, true);
    while ((sg = dequeue_c(c, &c->sendq)) != NULL)
        wake(sg, sg->sel, sg->g, false, c, true);
    arch_irq_restore(irq);
}

void tern_chan_free(tern_chan *c)
{
    if (c != NULL && (c->recvq.first != NULL || c->sendq.first != NULL))
        tern_panic("free of a channel with waiting goroutines");
    tern_free(c);
}

size_t tern_chan_len(tern_chan *c)
{
    return c->count;
}

size_t tern_chan_cap(tern_chan *c)
{
    return c->cap;
}

/* --- select --- */

int tern_select(struct tern_select_case *cases, int n, int64_t timeout_ns)
{
    static uint32_t seed TERN_PRIVATE = 0x9E3779B9u;
    struct sudog sgs[n > 0 && n <= TERN_SELECT_MAX ? n : 1];
    struct selrec sel = {false, -1};
    struct g *cur = m0.curg;
    unsigned long irq;
    int start, chosen = -1;

    if (n < 0 || n > TERN_SELECT_MAX)
        tern_panic("select: too many cases");
    irq = arch_irq_save();
    /* 1. Poll every case once, from a random start (fairness). */
    seed = seed * 1664525u + 1013904223u;
    start = n ? (int)((seed >> 16) % (uint32_t)n) : 0;
    for (int k = 0; k < n && chosen < 0; k++) {
        int i = (start + k) % n;
        struct tern_select_case *cs = &cases[i];
        int r;

        if (cs->c == NULL)
            continue; /* a nil channel is never ready */
        if (cs->dir == TERN_SELECT_SEND) {
            if (send_now(cs->c, cs->elem, true))
                chosen = i;
        } else if ((r = recv_now(cs->c, cs->elem, true)) != 0) {
            cs->ok = r > 0;
            chosen = i;
        }
    }
    if (chosen >= 0 || timeout_ns == 0) {
        arch_irq_restore(irq);
        return chosen;
    }
    if (arch_in_isr())
        tern_panic("blocking call in an interrupt handler");
    /* 2. Park on every channel, and on the timer heap for a timeout. */
    for (int i = 0; i < n; i++) {
        struct tern_select_case *cs = &cases[i];
        struct sudog *sg = &sgs[i];

        sg->c = cs->c;
        if (cs->c == NULL)
            continue;
        sg->g = cur;
        sg->elem = cs->elem;
        sg->success = false;
        sg->sel = &sel;
        sg->caseidx = i;
        enqueue(cs->dir == TERN_SELECT_SEND ? &cs->c->sendq : &cs->c->recvq,
                sg);
        if (cs->c->irqfed)
            sched.irqwaiters++;
    }
    cur->state = G_WAITING;
    cur->waitreason = WAIT_SELECT;
    cur->waitobj = &sel;
    if (timeout_ns > 0) {
        cur->tn.when = tern_nanotime() + timeout_ns;
        if (!timer_add(m0.p, &cur->tn))
            tern_panic("timer heap: no slot reserved");
    }
    sched_park();
    /* 3. Woken by a case (sel.winner) or the timeout (-1): take the
     * other sudogs off their queues. */
    cur->waitobj = NULL;
    for (int i = 0; i < n; i++) {
        struct tern_select_case *cs = &cases[i];

        if (cs->c == NULL || i == sel.winner)
            continue;
        if (unlink_sudog(cs->dir == TERN_SELECT_SEND ? &cs->c->sendq
                                                     : &cs->c->recvq,
                         &sgs[i]) &&
            cs->c->irqfed)
            sched.irqwaiters--;
    }
    chosen = sel.winner;
    if (chosen >= 0) {
        struct tern_select_case *cs = &cases[chosen];
        if (cs->dir == TERN_SELECT_SEND && !sgs[chosen].success)
            tern_panic("send on closed channel");
        if (cs->dir == TERN_SELECT_RECV) {
            cs->ok = sgs[chosen].success;
            if (!cs->ok)
                memset(cs->elem, 0, cs->c->elemsize);
        }
    }
    arch_irq_restore(irq);
    return chosen;
}
