/*
 * string.h - Tern's freestanding C library (boards without newlib: x86).
 * See kernel/klibc/string.c.
 */
#ifndef KERNEL_KLIBC_INCLUDE_STRING_H
#define KERNEL_KLIBC_INCLUDE_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);

#endif /* KERNEL_KLIBC_INCLUDE_STRING_H */
