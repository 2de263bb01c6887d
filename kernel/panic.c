/*
 * kernel/panic.c - fatal errors: panic, assert, and the common report.
 *
 * Every fatal report has the same shape, so tools and tests can read it:
 *
 *     fatal error: <what>
 *     <arch details: registers, fault status, faulting address>
 *
 *     goroutine <id> [<state>]:
 *     ...
 *
 * then QEMU exits with TERN_EXIT_FATAL (on hardware the core halts).
 * The path never allocates, never takes a lock that a faulting context
 * could hold, and prints with interrupts masked and polled output, so it
 * works from an ISR, a fault handler or a wedged heap.  A fault while the
 * report is being printed ends the program at once rather than recursing.
 */
#include "kernel/panic.h"

#include <stdarg.h>

#include "arch/arch.h"
#include "kernel/console.h"
#include "kernel/fmt.h"
#include "tern.h"

static struct {
    volatile int depth;      /* fatal reports in progress */
    void (*dump_hook)(void); /* goroutine dump, or NULL */
    void (*exit_hook)(void); /* runs just before exit, or NULL */
} fatal TERN_PRIVATE;

static void sync_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write_sync(s, n);
}

void fatal_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fmt_vformat(sync_sink, NULL, fmt, ap);
    va_end(ap);
}

void fatal_begin(void)
{
    (void)arch_irq_save();
    if (fatal.depth++ > 0) {
        fatal_printf("\nfatal error: fault during fatal report\n");
        arch_exit(TERN_EXIT_FATAL);
    }
}

void fatal_set_dump_hook(void (*fn)(void))
{
    fatal.dump_hook = fn;
}

void fatal_set_exit_hook(void (*fn)(void))
{
    fatal.exit_hook = fn;
}

/* The default dump: the one thread of control before the scheduler. */
static void dump_main_context(void)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);

    fatal_printf("\tsp=%p", (void *)arch_sp());
    for (size_t i = 0; i < n; i++)
        if (t[i].kind == TERN_SEG_STACK)
            fatal_printf(" stack=[%p, %p)", (void *)t[i].start,
                         (void *)t[i].end);
    fatal_printf(" caller=%p\n", __builtin_return_address(0));
}

_Noreturn void fatal_end(void)
{
    fatal_printf("\n");
    if (fatal.dump_hook) {
        fatal.dump_hook();
    } else {
        fatal_printf("goroutine 0 [running, no scheduler]:\n");
        dump_main_context();
    }
    if (fatal.exit_hook)
        fatal.exit_hook();
    fatal_printf("exit status %d\n", TERN_EXIT_FATAL);
    arch_exit(TERN_EXIT_FATAL);
}

_Noreturn void tern_panic(const char *msg)
{
    fatal_begin();
    fatal_printf("fatal error: %s\n", msg);
    fatal_end();
}

_Noreturn void tern_assert_fail(const char *expr, const char *file, int line)
{
    fatal_begin();
    fatal_printf("fatal error: assertion failed: %s\n\tat %s:%d\n", expr, file,
                 line);
    fatal_end();
}

_Noreturn void tern_exit(int status)
{
    arch_exit(status);
}
