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

#endif /* KERNEL_FMT_H */
