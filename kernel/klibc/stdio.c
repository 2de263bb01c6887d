/*
 * kernel/klibc/stdio.c - printf and friends for boards without a C
 * library, on the console.  See kernel/klibc/string.c for klibc.
 *
 * A thin layer: the formatting is kernel/fmt.c (tern_vprintf,
 * tern_vsnprintf), the output tern_write.  Streams are opaque handles;
 * stdout and stderr write to the console, stdin refuses writes (EOF).
 * Nothing is buffered, so output appears as soon as the call returns and
 * a fatal error never loses any.
 */
#include <stdint.h>
#include <stdio.h>

#include "tern.h"

struct klibc_file {
    int writable;
};

static struct klibc_file files[3] = {{0}, {1}, {1}};

FILE *const stdin = &files[0];
FILE *const stdout = &files[1];
FILE *const stderr = &files[2];

int vprintf(const char *restrict fmt, va_list ap)
{
    return tern_vprintf(fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tern_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    if (f == NULL || !f->writable)
        return EOF;
    return tern_vprintf(fmt, ap);
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap)
{
    return tern_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tern_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Unbounded, as the standard defines them: the caller sizes buf. */
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return tern_vsnprintf(buf, SIZE_MAX, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tern_vsnprintf(buf, SIZE_MAX, fmt, ap);
    va_end(ap);
    return n;
}

int fputs(const char *restrict s, FILE *restrict f)
{
    size_t n = 0;

    if (f == NULL || !f->writable)
        return EOF;
    while (s[n] != '\0')
        n++;
    tern_write(s, n);
    return 0;
}

int puts(const char *s)
{
    fputs(s, stdout);
    tern_write("\n", 1);
    return 0;
}

int fputc(int c, FILE *f)
{
    unsigned char b = (unsigned char)c;

    if (f == NULL || !f->writable)
        return EOF;
    tern_write(&b, 1);
    return b;
}

int putchar(int c)
{
    return fputc(c, stdout);
}

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    if (f == NULL || !f->writable || size == 0)
        return 0;
    tern_write(p, size * n);
    return n;
}

int fflush(FILE *f)
{
    (void)f;
    return 0;
}
