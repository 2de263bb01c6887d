/*
 * kernel/console.c - the console on the board's UART.
 *
 * Output is polled, one byte at a time: wait (interrupts on) until the
 * transmitter is ready, then, with interrupts masked, check again and put
 * the byte.  An interrupt handler that prints in between therefore gets its
 * bytes out whole and the UART's state is never shared half-written; lines
 * from different contexts may interleave byte-wise, nothing is lost.  The
 * masked section is a few instructions, independent of line length
 * (BRIEF contract 5).  Polled output is also what the fatal paths need:
 * it works with interrupts off and with no scheduler.
 *
 * Input is interrupt-driven: the UART's receive interrupt moves bytes into
 * a single-producer (ISR) / single-consumer (thread) ring.  The producer
 * only writes `head`, the consumer only writes `tail`, each side reads the
 * other's index once; a full ring drops the new byte and counts it.
 *
 * Invariants (checked by console_verify in tests):
 *   0 <= head - tail <= CONSOLE_RX_RING   (unsigned arithmetic)
 */
#include "kernel/console.h"

#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "tern.h"

_Static_assert((CONSOLE_RX_RING & (CONSOLE_RX_RING - 1)) == 0,
               "CONSOLE_RX_RING must be a power of two");

static struct {
    /* written by the ISR only: */
    volatile uint32_t head;    /* next slot to fill */
    volatile uint32_t dropped; /* bytes lost to a full ring */
    volatile uint32_t irqs;    /* receive interrupts handled */
    /* written by the reader only: */
    volatile uint32_t tail; /* next slot to read */
    uint8_t buf[CONSOLE_RX_RING];
} rx TERN_PRIVATE;

/* The reader sleeps on this; the receive interrupt wakes it. */
static struct tern_note rx_note TERN_PRIVATE;

/* Tests: where tern_write's bytes go instead of the UART (NULL: UART). */
static void (*tx_hook)(const char *s, size_t n) TERN_PRIVATE;

void console_init(void)
{
    rx.head = rx.tail = 0;
    rx.dropped = rx.irqs = 0;
    board_uart_init();
}

void console_rx_isr(void)
{
    uint32_t head = rx.head;

    rx.irqs++;
    while (board_uart_rx_ready()) {
        uint8_t c = board_uart_rx_get();
        if (head - rx.tail >= CONSOLE_RX_RING) {
            rx.dropped++;
            continue;
        }
        rx.buf[head % CONSOLE_RX_RING] = c;
        head++;
    }
    arch_mb(); /* the byte before the index that publishes it */
    rx.head = head;
    tern_note_wakeup(&rx_note);
}

size_t console_rx_inject(const char *s, size_t n)
{
    unsigned long irq = arch_irq_save(); /* the ISR is the producer */
    uint32_t head = rx.head;
    size_t i = 0;

    for (; i < n && head - rx.tail < CONSOLE_RX_RING; i++)
        rx.buf[head++ % CONSOLE_RX_RING] = (uint8_t)s[i];
    arch_mb();
    rx.head = head;
    arch_irq_restore(irq);
    if (i > 0)
        tern_note_wakeup(&rx_note);
    return i;
}

uint32_t console_rx_pending(void)
{
    return rx.head - rx.tail;
}

void console_set_tx_hook(void (*fn)(const char *s, size_t n))
{
    tx_hook = fn;
}

uint32_t console_rx_irqs(void)
{
    return rx.irqs;
}

uint32_t tern_console_rx_dropped(void)
{
    return rx.dropped;
}

int tern_trygetc(void)
{
    uint32_t tail = rx.tail;
    int c;

    if (rx.head == tail)
        return -1;
    arch_mb(); /* the index before the byte it publishes */
    c = rx.buf[tail % CONSOLE_RX_RING];
    rx.tail = tail + 1;
    return c;
}

int tern_getc(int64_t timeout_ns)
{
    int64_t deadline = timeout_ns < 0 ? 0 : tern_nanotime() + timeout_ns;

    for (;;) {
        int c = tern_trygetc();

        if (c >= 0)
            return c;
        if (timeout_ns >= 0 && tern_nanotime() >= deadline)
            return -1;
        /* Park until the receive interrupt wakes the note (other
         * goroutines run meanwhile).  A byte arriving between the check
         * above and the sleep has already woken the note: not lost; a
         * stale wake-up only costs another turn of this loop. */
        if (rx.head == rx.tail)
            tern_note_sleep(
                &rx_note, timeout_ns < 0 ? -1 : deadline - tern_nanotime() + 1);
    }
}

static void put_byte(uint8_t c)
{
    for (;;) {
        unsigned long s;

        while (!board_uart_tx_ready())
            ;
        s = arch_irq_save();
        if (board_uart_tx_ready()) {
            board_uart_tx_put(c);
            arch_irq_restore(s);
            return;
        }
        arch_irq_restore(s); /* an ISR took the slot: wait again */
    }
}

size_t tern_write(const void *buf, size_t n)
{
    const uint8_t *p = buf;
    void (*hook)(const char *s, size_t n) = tx_hook;

    if (hook != NULL) {
        hook(buf, n);
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n')
            put_byte('\r');
        put_byte(p[i]);
    }
    return n;
}

void console_write_sync(const char *s, size_t n)
{
    unsigned long st = arch_irq_save();

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            while (!board_uart_tx_ready())
                ;
            board_uart_tx_put('\r');
        }
        while (!board_uart_tx_ready())
            ;
        board_uart_tx_put((uint8_t)s[i]);
    }
    arch_irq_restore(st);
}
