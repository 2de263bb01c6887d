/*
 * kernel/panic.h - the fatal-error path shared by panic, assert and the
 * arch fault handlers.  See kernel/panic.c.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

/* Enter the fatal path: mask interrupts, catch a fault inside a fatal
 * report (prints "fatal error: fault during fatal report" and exits). */
void fatal_begin(void);

/* Print during a fatal report: synchronous, interrupts masked, no
 * allocation.  fmt is Tern's printf (kernel/fmt.h). */
void fatal_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Finish the report with the goroutine dump and exit TERN_EXIT_FATAL. */
_Noreturn void fatal_end(void);

/* Install the goroutine dump printed by every fatal report (the
 * scheduler's); NULL restores the default single-thread dump. */
void fatal_set_dump_hook(void (*fn)(void));

/* Install a hook that runs before the exit of every fatal report (the test
 * harness uses it to say which test died). */
void fatal_set_exit_hook(void (*fn)(void));

#endif /* KERNEL_PANIC_H */
