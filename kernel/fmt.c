/*
 * kernel/fmt.c - the printf engine, and tern_printf / tern_snprintf on it.
 *
 * Why our own: the fatal paths must print without allocating and without
 * re-entering a C library that may hold a lock or be half-way through a
 * buffer; x86 has no C library at all; and newlib-nano's vfprintf wants
 * several hundred bytes of stack, which a 16 KiB board cannot give every
 * goroutine.
 *
 * Numbers are converted into a small buffer, least significant digit
 * first, and emitted with padding around them; strings go straight to the
 * sink.  Nothing is ever read from user text except through the format
 * string the caller supplied.
 */
#include "kernel/fmt.h"

#include <stdbool.h>
#include <stdint.h>

#include "tern.h"

#define F_LEFT  0x01 /* '-': pad on the right */
#define F_ZERO  0x02 /* '0': pad numbers with zeros */
#define F_PLUS  0x04 /* '+': sign always */
#define F_SPACE 0x08 /* ' ': space where a sign would go */
#define F_UPPER 0x10 /* %X */

struct spec {
    unsigned flags;
    int width;
    int prec; /* -1: none */
};

static void pad(fmt_sink sink, void *ctx, char c, int n, int *count)
{
    static const char spaces[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
    static const char zeros[8] = {'0', '0', '0', '0', '0', '0', '0', '0'};
    const char *src = c == '0' ? zeros : spaces;

    while (n > 0) {
        int k = n > 8 ? 8 : n;
        sink(ctx, src, (size_t)k);
        *count += k;
        n -= k;
    }
}

static void emit_str(fmt_sink sink, void *ctx, const char *s,
                     const struct spec *sp, int *count)
{
    size_t len = 0;

    if (s == NULL)
        s = "(null)";
    while (s[len] != '\0' && (sp->prec < 0 || len < (size_t)sp->prec))
        len++;
    if (!(sp->flags & F_LEFT))
        pad(sink, ctx, ' ', sp->width - (int)len, count);
    sink(ctx, s, len);
    *count += (int)len;
    if (sp->flags & F_LEFT)
        pad(sink, ctx, ' ', sp->width - (int)len, count);
}

static void emit_num(fmt_sink sink, void *ctx, uint64_t v, bool neg,
                     unsigned base, const char *prefix, const struct spec *sp,
                     int *count)
{
    const char *digits =
        (sp->flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24]; /* 2^64 in octal is 22 digits */
    int n = 0;
    char sign = 0;
    int plen = 0;
    int zeros, total;

    while (v != 0) {
        buf[n++] = digits[v % base];
        v /= base;
    }
    if (n == 0 && sp->prec != 0)
        buf[n++] = '0';
    if (neg)
        sign = '-';
    else if (sp->flags & F_PLUS)
        sign = '+';
    else if (sp->flags & F_SPACE)
        sign = ' ';
    while (prefix[plen] != '\0')
        plen++;

    zeros = sp->prec > n ? sp->prec - n : 0;
    total = n + zeros + (sign ? 1 : 0) + plen;
    if (sp->prec < 0 && (sp->flags & F_ZERO) && !(sp->flags & F_LEFT) &&
        sp->width > total) {
        zeros += sp->width - total;
        total = sp->width;
    }
    if (!(sp->flags & F_LEFT))
        pad(sink, ctx, ' ', sp->width - total, count);
    if (sign) {
        sink(ctx, &sign, 1);
        *count += 1;
    }
    sink(ctx, prefix, (size_t)plen);
    *count += plen;
    pad(sink, ctx, '0', zeros, count);
    while (n > 0) {
        sink(ctx, &buf[--n], 1);
        *count += 1;
    }
    if (sp->flags & F_LEFT)
        pad(sink, ctx, ' ', sp->width - total, count);
}

enum length { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE };

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case L_CHAR:
        return (unsigned char)va_arg(*ap, unsigned int);
    case L_SHORT:
        return (unsigned short)va_arg(*ap, unsigned int);
    case L_LONG:
        return va_arg(*ap, unsigned long);
    case L_LLONG:
        return va_arg(*ap, unsigned long long);
    case L_SIZE:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static int64_t arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case L_CHAR:
        return (signed char)va_arg(*ap, int);
    case L_SHORT:
        return (short)va_arg(*ap, int);
    case L_LONG:
        return va_arg(*ap, long);
    case L_LLONG:
        return va_arg(*ap, long long);
    case L_SIZE:
        return (int64_t)va_arg(*ap, ptrdiff_t);
    default:
        return va_arg(*ap, int);
    }
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap_in)
{
    int count = 0;
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt != '\0') {
        const char *start = fmt;
        struct spec sp = {0, 0, -1};
        enum length len = L_INT;

        while (*fmt != '\0' && *fmt != '%')
            fmt++;
        if (fmt != start) {
            sink(ctx, start, (size_t)(fmt - start));
            count += (int)(fmt - start);
        }
        if (*fmt == '\0')
            break;
        start = fmt++; /* at '%' */

        for (;; fmt++) {
            if (*fmt == '-')
                sp.flags |= F_LEFT;
            else if (*fmt == '0')
                sp.flags |= F_ZERO;
            else if (*fmt == '+')
                sp.flags |= F_PLUS;
            else if (*fmt == ' ')
                sp.flags |= F_SPACE;
            else if (*fmt != '#')
                break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.flags |= F_LEFT;
                sp.width = -sp.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9' && sp.width < 10000)
                sp.width = sp.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            sp.prec = 0;
            if (*fmt == '*') {
                sp.prec = va_arg(ap, int);
                if (sp.prec < 0)
                    sp.prec = -1;
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9' && sp.prec < 10000)
                    sp.prec = sp.prec * 10 + (*fmt++ - '0');
            }
        }
        if (*fmt == 'h') {
            len = L_SHORT;
            if (*++fmt == 'h') {
                len = L_CHAR;
                fmt++;
            }
        } else if (*fmt == 'l') {
            len = L_LONG;
            if (*++fmt == 'l') {
                len = L_LLONG;
                fmt++;
            }
        } else if (*fmt == 'z' || *fmt == 't') {
            len = L_SIZE;
            fmt++;
        } else if (*fmt == 'j') {
            len = L_LLONG;
            fmt++;
        }

        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = arg_signed(&ap, len);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            emit_num(sink, ctx, mag, v < 0, 10, "", &sp, &count);
            break;
        }
        case 'u':
            emit_num(sink, ctx, arg_unsigned(&ap, len), false, 10, "", &sp,
                     &count);
            break;
        case 'X':
            sp.flags |= F_UPPER;
            /* fall through */
        case 'x':
            emit_num(sink, ctx, arg_unsigned(&ap, len), false, 16, "", &sp,
                     &count);
            break;
        case 'o':
            emit_num(sink, ctx, arg_unsigned(&ap, len), false, 8, "", &sp,
                     &count);
            break;
        case 'p':
            sp.flags &= ~(unsigned)(F_PLUS | F_SPACE);
            emit_num(sink, ctx, (uintptr_t)va_arg(ap, void *), false, 16, "0x",
                     &sp, &count);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(sp.flags & F_LEFT))
                pad(sink, ctx, ' ', sp.width - 1, &count);
            sink(ctx, &c, 1);
            count++;
            if (sp.flags & F_LEFT)
                pad(sink, ctx, ' ', sp.width - 1, &count);
            break;
        }
        case 's':
            emit_str(sink, ctx, va_arg(ap, const char *), &sp, &count);
            break;
        case '%':
            sink(ctx, "%", 1);
            count++;
            break;
        default:
            /* Unknown or truncated conversion: print it literally and do
             * not consume an argument. */
            if (*fmt == '\0') {
                sink(ctx, start, (size_t)(fmt - start));
                count += (int)(fmt - start);
                goto out;
            }
            sink(ctx, start, (size_t)(fmt - start + 1));
            count += (int)(fmt - start + 1);
            break;
        }
        fmt++;
    }
out:
    va_end(ap);
    return count;
}

int fmt_format(fmt_sink sink, void *ctx, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vformat(sink, ctx, fmt, ap);
    va_end(ap);
    return n;
}

/* --- snprintf --- */

struct bufsink {
    char *buf;
    size_t size; /* capacity including the NUL */
    size_t len;  /* bytes stored so far (excluding NUL) */
};

static void buf_put(void *ctx, const char *s, size_t n)
{
    struct bufsink *b = ctx;

    while (n-- > 0) {
        if (b->size > 0 && b->len + 1 < b->size)
            b->buf[b->len++] = *s;
        s++;
    }
}

int tern_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bufsink b = {buf, size, 0};
    int n = fmt_vformat(buf_put, &b, fmt, ap);

    if (size > 0)
        buf[b.len] = '\0';
    return n;
}

int tern_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tern_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* --- console printf --- */

void fmt_console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    tern_write(s, n);
}

int tern_vprintf(const char *fmt, va_list ap)
{
    return fmt_vformat(fmt_console_sink, NULL, fmt, ap);
}

int tern_printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tern_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
