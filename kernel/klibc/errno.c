/*
 * kernel/klibc/errno.c - errno for boards without newlib (x86).
 */
#include <errno.h>

int errno;
