/*
 * boards/linux/board.c - Tern as a Linux process: the console on
 * stdin/stdout and the heap.  The tick is timer.c; the CPU port is
 * arch/hosted.
 *
 * Console.  Output is write(1) of each byte (the console's polled
 * transmitter; the fatal paths need nothing more).  Input is read from
 * stdin into a small buffer by the receive "interrupt", linux_uart_poll,
 * which runs in interrupt context from the tick (a poll of stdin per
 * tick) and from HOSTED_SIG_UART, which arch_wait_irq raises when the
 * idle M finds stdin readable, so the shell answers at once even in
 * tickless idle.  On a terminal, stdin is put in raw mode (as QEMU's
 * -serial stdio does: the shell edits lines itself, Ctrl-C and Ctrl-D are
 * bytes for it) and restored when the process exits.  At end of input
 * (a pipe closed) the console stops watching stdin.
 *
 * Heap: one region, the image's .tern_heap section (linker/hosted.ld;
 * its size in memory.ld): memory the C library never sees, page-aligned
 * for the stack guards (arch/hosted/context.c), zero pages until used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "arch/arch.h"
#include "arch/hosted/hosted.h"
#include "boards/linux/linux.h"
#include "kernel/board.h"
#include "kernel/console.h"
#include "tern.h"

extern char __heap_start[], __heap_end[];

static struct {
    uint8_t buf[256]; /* read from stdin, not yet taken */
    unsigned n;       /* bytes in buf */
    unsigned pos;     /* next byte to take */
    bool eof;         /* stdin ended: no longer watched */
    bool raw;         /* stdin is a terminal we put in raw mode */
    struct termios saved;
} in TERN_PRIVATE;

void board_init(void)
{
}

static void console_restore(void)
{
    if (in.raw)
        tcsetattr(0, TCSANOW, &in.saved);
    in.raw = false;
}

static void uart_irq(void)
{
    linux_uart_poll();
}

void board_uart_init(void)
{
    signal(SIGPIPE, SIG_IGN); /* a closed stdout: write fails, no kill */
    if (isatty(0) && tcgetattr(0, &in.saved) == 0) {
        struct termios t = in.saved;

        cfmakeraw(&t);
        if (tcsetattr(0, TCSANOW, &t) == 0)
            in.raw = true;
    }
    hosted_set_exit_hook(console_restore);
    hosted_irq_set(HOSTED_SIG_UART, uart_irq);
    hosted_set_wait_fd(0);
}

bool board_uart_tx_ready(void)
{
    return true;
}

void board_uart_tx_put(uint8_t c)
{
    while (write(1, &c, 1) < 0 && errno == EINTR)
        ;
}

bool board_uart_rx_ready(void)
{
    struct pollfd p = {.fd = 0, .events = POLLIN};
    ssize_t n;

    if (in.pos < in.n)
        return true;
    if (in.eof || poll(&p, 1, 0) <= 0)
        return false;
    n = read(0, in.buf, sizeof in.buf);
    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            in.eof = true;
            hosted_set_wait_fd(-1);
        }
        return false;
    }
    in.n = (unsigned)n;
    in.pos = 0;
    return true;
}

uint8_t board_uart_rx_get(void)
{
    return in.pos < in.n ? in.buf[in.pos++] : 0;
}

void linux_uart_poll(void)
{
    if (board_uart_rx_ready())
        console_rx_isr();
}

int board_heap_regions(struct board_region *out, int max)
{
    const struct board_region r[] = {
        {"heap", (uintptr_t)__heap_start, (uintptr_t)__heap_end}};

    return board_regions_copy(out, max, r, 1);
}
