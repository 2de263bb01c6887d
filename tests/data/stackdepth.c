/*
 * tests/data/stackdepth.c - goroutine entries with known call depths, for
 * tests/tools/stacksize_test.py (compiled, never linked or run).  Every
 * function keeps a volatile array of a chosen size live across a call,
 * so its frame is that size plus saved registers, and no call is a tail
 * call.  The test knows each frame and each entry's worst path:
 *
 *   chain:     chain > mid > leaf > sink        (mid also calls sink)
 *   wide:      wide > {leaf > sink, mid > leaf > sink}: the deeper wins
 *   ping_pong: ping > pong > ping ...            recursion, flagged
 *   via_hook:  an indirect call, flagged
 *   sized:     a VLA, a dynamic frame, flagged
 */
#include <stddef.h>

int tern_go(void (*fn)(void *), void *arg);
int tern_go_stack(void (*fn)(void *), void *arg, size_t stack);

void sink(volatile char *p);
void leaf(void);
void mid(void);
void ping(int n);
void pong(int n);
void chain(void *arg);
void wide(void *arg);
void ping_pong(void *arg);
void via_hook(void *arg);
void sized(void *arg);
void start(void);

void (*volatile hook)(void);
volatile int vla_len = 16;

__attribute__((noinline)) void sink(volatile char *p)
{
    p[0] = 1;
}

__attribute__((noinline)) void leaf(void)
{
    volatile char b[64];

    sink(b);
    sink(b);
}

__attribute__((noinline)) void mid(void)
{
    volatile char b[128];

    sink(b);
    leaf();
    sink(b);
}

void chain(void *arg)
{
    volatile char b[32];

    (void)arg;
    mid();
    sink(b);
}

void wide(void *arg)
{
    volatile char b[200];

    (void)arg;
    leaf();
    mid();
    sink(b);
}

__attribute__((noinline)) void ping(int n)
{
    volatile char b[16];

    sink(b);
    if (n > 0)
        pong(n - 1);
    sink(b);
}

__attribute__((noinline)) void pong(int n)
{
    volatile char b[24];

    sink(b);
    if (n > 0)
        ping(n - 1);
    sink(b);
}

void ping_pong(void *arg)
{
    (void)arg;
    ping(10);
    sink(NULL);
}

void via_hook(void *arg)
{
    volatile char b[8];

    (void)arg;
    hook();
    sink(b);
}

void sized(void *arg)
{
    volatile char b[vla_len];

    (void)arg;
    sink(b);
    sink(b);
}

void start(void)
{
    tern_go(chain, NULL);
    tern_go_stack(wide, NULL, 256);
    tern_go(ping_pong, NULL);
    tern_go_stack(via_hook, NULL, 512);
    tern_go(sized, NULL);
}
