/*
 * stdlib.h - Tern's freestanding C library (boards without newlib: x86).
 *
 * Only what needs no allocator: exit and abort go to the runtime (the
 * exit status reaches QEMU's caller; abort is a fatal error, as newlib's
 * is on the ARM boards), abs and friends; malloc and friends are the
 * memory manager's (mm/libc.c).  The rest is defined here, inline.
 */
#ifndef KERNEL_KLIBC_INCLUDE_STDLIB_H
#define KERNEL_KLIBC_INCLUDE_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

_Noreturn void tern_exit(int status);
_Noreturn void tern_panic(const char *msg);

void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

static inline _Noreturn void exit(int status)
{
    tern_exit(status);
}

static inline _Noreturn void abort(void)
{
    tern_panic("abort() called");
}

static inline int abs(int v)
{
    return v < 0 ? -v : v;
}

static inline long labs(long v)
{
    return v < 0 ? -v : v;
}

static inline long long llabs(long long v)
{
    return v < 0 ? -v : v;
}

#endif /* KERNEL_KLIBC_INCLUDE_STDLIB_H */
