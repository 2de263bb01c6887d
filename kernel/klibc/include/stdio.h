/*
 * stdio.h - Tern's freestanding C library (boards without newlib: x86).
 * See kernel/klibc/stdio.c.
 *
 * Output only, all of it to the console (stdout and stderr alike),
 * unbuffered: fflush has nothing to do.  Formatting is Tern's printf
 * engine (include/tern.h: no floating point).
 */
#ifndef KERNEL_KLIBC_INCLUDE_STDIO_H
#define KERNEL_KLIBC_INCLUDE_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct klibc_file FILE; /* opaque */

extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap);
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap);
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);

int puts(const char *s);
int putchar(int c);
int fputs(const char *restrict s, FILE *restrict f);
int fputc(int c, FILE *f);
#define putc(c, f) fputc((c), (f))
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
int fflush(FILE *f);

#endif /* KERNEL_KLIBC_INCLUDE_STDIO_H */
