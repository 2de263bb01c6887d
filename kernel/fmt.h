/*
 * kernel/fmt.h - Tern's own printf engine: freestanding, no allocation, no
 * floating point, bounded stack (under 100 bytes).  Used by the fatal paths
 * (which must not call into newlib), by tern_printf, and as the whole of
 * printf on boards without a C library (x86).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ',
 * width and precision (also '*'), length modifiers hh h l ll z t j.
 * An unknown conversion is printed as-is, never used to read an argument.
 */
#ifndef KERNEL_FMT_H
#define KERNEL_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Where formatted bytes go: called once per output chunk. */
typedef void (*fmt_sink)(void *ctx, const char *s, size_t n);

/* Format into sink; returns the number of bytes produced. */
int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap);
int fmt_format(fmt_sink sink, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A sink to the console (tern_write; ctx unused): what tern_printf uses. */
void fmt_console_sink(void *ctx, const char *s, size_t n);

#endif /* KERNEL_FMT_H */
