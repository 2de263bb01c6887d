/*
 * kernel/syscalls.c - the system calls newlib-nano needs, on Tern.
 *
 * Only linked on boards whose C library is newlib (LIBC=newlib in
 * board.mk).  stdin/stdout/stderr are the console; there are no files.
 *
 * _sbrk: newlib's own malloc (used by stdio for its buffers and by any C
 * code that calls malloc) may not grow into the heap region behind the
 * runtime's back, so it is given a fixed arena in .bss of
 * TERN_SBRK_ARENA bytes (board.mk) and fails with ENOMEM past it.  The
 * memory manager replaces malloc with its own (issue: mm) and the arena
 * then only serves what newlib allocates internally.
 *
 * abort() raises SIGABRT through _kill, which is a fatal error; so is
 * newlib's assert(), routed to tern_assert_fail.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "tern.h"

#undef errno
extern int errno;

#ifndef TERN_SBRK_ARENA
#define TERN_SBRK_ARENA 2048
#endif

int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
void *_sbrk(ptrdiff_t incr);
_Noreturn void _exit(int status);
int _kill(int pid, int sig);
int _getpid(void);
int _isatty(int fd);
int _fstat(int fd, struct stat *st);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _gettimeofday(struct timeval *tv, void *tz);
void __assert_func(const char *file, int line, const char *func,
                   const char *expr);

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    if (len < 0) {
        errno = EINVAL;
        return -1;
    }
    return (int)tern_write(buf, (size_t)len);
}

/* Blocks for the first byte, then returns what is there, up to a newline:
 * line-at-a-time like a terminal. */
int _read(int fd, char *buf, int len)
{
    int n = 0;

    if (fd != 0) {
        errno = EBADF;
        return -1;
    }
    while (n < len) {
        int c = n == 0 ? tern_getc(-1) : tern_trygetc();
        if (c < 0)
            break;
        buf[n++] = (char)c;
        if (c == '\n' || c == '\r')
            break;
    }
    return n;
}

static struct {
    _Alignas(8) uint8_t arena[TERN_SBRK_ARENA];
    size_t used;
} sbrk;

void *_sbrk(ptrdiff_t incr)
{
    void *p;

    if (incr < 0 ? (size_t)-incr > sbrk.used
                 : (size_t)incr > sizeof sbrk.arena - sbrk.used) {
        errno = ENOMEM;
        return (void *)-1;
    }
    p = &sbrk.arena[sbrk.used];
    sbrk.used += (size_t)incr;
    return p;
}

_Noreturn void _exit(int status)
{
    tern_exit(status);
}

int _kill(int pid, int sig)
{
    (void)pid;
    if (sig == 6) /* SIGABRT */
        tern_panic("abort() called");
    tern_panic("signal raised");
}

int _getpid(void)
{
    return 1;
}

int _isatty(int fd)
{
    return fd >= 0 && fd <= 2;
}

int _fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    st->st_mode = S_IFCHR;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _lseek(int fd, int off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    errno = ESPIPE;
    return -1;
}

/* Time since boot (there is no wall clock). */
int _gettimeofday(struct timeval *tv, void *tz)
{
    int64_t ns = tern_nanotime();

    (void)tz;
    tv->tv_sec = (time_t)(ns / 1000000000);
    tv->tv_usec = (suseconds_t)(ns % 1000000000 / 1000);
    return 0;
}

void __assert_func(const char *file, int line, const char *func,
                   const char *expr)
{
    (void)func;
    tern_assert_fail(expr, file, line);
}
