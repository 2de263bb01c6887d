/*
 * errno.h - Tern's freestanding C library (boards without newlib: x86).
 * One errno: a single thread of control until the scheduler issue, which
 * makes it per goroutine.
 */
#ifndef KERNEL_KLIBC_INCLUDE_ERRNO_H
#define KERNEL_KLIBC_INCLUDE_ERRNO_H

extern int errno;

#define EBADF  9
#define ENOMEM 12
#define EINVAL 22
#define ESPIPE 29
#define ERANGE 34

#endif /* KERNEL_KLIBC_INCLUDE_ERRNO_H */
