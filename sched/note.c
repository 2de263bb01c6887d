/*
 * sched/note.c - notes: one goroutine sleeps until an interrupt (or
 * another goroutine) wakes it, as the Go runtime's notes do.
 * See sched/proc.c for the scheduler.
 *
 * A note holds at most one sleeper and a "woken" flag.  tern_note_wakeup
 * is safe from interrupt handlers: it sets the flag and readies the
 * sleeper if there is one.  tern_note_sleep returns at once if the flag is
 * set (a wake-up that came first is not lost), and clears it.  A sleeper
 * on a note counts as waiting on an interrupt, not as deadlocked.  Before
 * the scheduler runs (or outside a goroutine) sleeping is WFI in a loop.
 */
#include "sched/sched.h"
#include "tern.h"

static void note_timeout_check(struct tern_note *n);

void tern_note_wakeup(struct tern_note *n)
{
    unsigned long irq = arch_irq_save();
    struct g *gp = n->sleeper;

    n->woken = 1;
    if (gp != NULL) {
        n->sleeper = NULL;
        sched.irqwaiters--;
        timer_remove(m0.p, &gp->tn);
        sched_ready(gp, true);
        if (arch_in_isr())
            sched_isr_woke();
    }
    arch_irq_restore(irq);
}

bool tern_note_sleep(struct tern_note *n, int64_t timeout_ns)
{
    unsigned long irq = arch_irq_save();
    struct g *cur = m0.curg;
    bool woken;

    if (!n->woken && timeout_ns != 0) {
        if (arch_in_isr())
            tern_panic("blocking call in an interrupt handler");
        if (cur == NULL) {
            /* no scheduler here: sleep the CPU until the flag is set */
            int64_t end = tern_nanotime() + timeout_ns;
            while (!n->woken && (timeout_ns < 0 || tern_nanotime() < end)) {
                arch_wait_irq();
                arch_irq_restore(irq);
                irq = arch_irq_save();
            }
        } else {
            if (n->sleeper != NULL)
                tern_panic("note: two goroutines sleep on one note");
            n->sleeper = cur;
            sched.irqwaiters++;
            cur->state = G_WAITING;
            cur->waitreason = WAIT_NOTE;
            cur->waitobj = n;
            if (timeout_ns > 0) {
                cur->tn.when = tern_nanotime() + timeout_ns;
                if (!timer_add(m0.p, &cur->tn))
                    tern_panic("timer heap: no slot reserved");
            }
            sched_park();
            note_timeout_check(n);
        }
    }
    woken = n->woken;
    n->woken = 0;
    arch_irq_restore(irq);
    return woken;
}

/* Back from a park: if the timer woke us, we are still the registered
 * sleeper; unregister.  Interrupts masked. */
static void note_timeout_check(struct tern_note *n)
{
    struct g *cur = m0.curg;

    cur->waitobj = NULL;
    if (n->sleeper == cur) {
        n->sleeper = NULL;
        sched.irqwaiters--;
    }
}
