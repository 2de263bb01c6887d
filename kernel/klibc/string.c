/*
 * kernel/klibc/string.c - the string functions of Tern's C library.
 *
 * klibc is the C library of boards that have none (LIBC := tern in
 * arch.mk; x86): the handful of headers and functions a C program and
 * gcc itself expect.  gcc may emit calls to memcpy, memmove, memset and
 * memcmp for any code, freestanding or not, so these four must exist.
 * Formatted output is kernel/fmt.c's engine (stdio.c); there is no
 * malloc until the memory manager provides one.
 *
 * Self-calls: at -O2 gcc recognises a byte-copy or byte-fill loop and
 * replaces it with a call to memcpy / memset, which inside memcpy itself
 * recurses forever.  KLIBC_NO_PATTERNS turns that recognition off for
 * the functions below (nothing else changes).
 *
 * memcpy and memset move 32-bit words once the pointers are aligned (the
 * runtime clears and copies whole pages); the rest go byte by byte.
 * Words are accessed through a may_alias type, so any object may be
 * copied.
 */
#include <stdint.h>
#include <string.h>

#define KLIBC_NO_PATTERNS                                                      \
    __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint32_t __attribute__((may_alias)) klibc_word;

#define WORD       sizeof(klibc_word)
#define ALIGNED(p) (((uintptr_t)(p) & (WORD - 1)) == 0)

KLIBC_NO_PATTERNS void *memcpy(void *restrict dst, const void *restrict src,
                               size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD - 1)) == 0) {
        while (n > 0 && !ALIGNED(d)) {
            *d++ = *s++;
            n--;
        }
        for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
            *(klibc_word *)d = *(const klibc_word *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

KLIBC_NO_PATTERNS void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d - (uintptr_t)s >= n) /* d below s, or no overlap */
        return memcpy(dst, src, n);
    while (n-- > 0) /* d inside [s, s + n): copy from the end */
        d[n] = s[n];
    return dst;
}

KLIBC_NO_PATTERNS void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    klibc_word w = (unsigned char)c * 0x01010101u;

    while (n > 0 && !ALIGNED(d)) {
        *d++ = (unsigned char)c;
        n--;
    }
    for (; n >= WORD; n -= WORD, d += WORD)
        *(klibc_word *)d = w;
    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n > 0; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

KLIBC_NO_PATTERNS size_t strlen(const char *s)
{
    const char *p = s;

    while (*p != '\0')
        p++;
    return (size_t)(p - s);
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (*a == '\0')
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay != '\0'; hay++)
        if (strncmp(hay, needle, n) == 0)
            return (char *)hay;
    return n == 0 ? (char *)hay : NULL;
}
