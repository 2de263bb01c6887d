/*
 * tests/target/fault_test.c - fatal reports.  Each test here must die:
 * tools/run-tests boots it alone and expects "fatal error: <message>" and
 * exit status 2.
 */
#include "arch/arch.h"
#include "kernel/time.h"
#include "mm/mm.h"
#include "tests/harness/test.h"

/* volatile: the compiler may not see through these. */
static volatile uintptr_t zero_addr = 0;
static volatile int zero_int = 0;

TEST_DEATH_NEEDS(fault, nil_read, ARCH_CAP_NULL_GUARD,
                 "invalid memory address or nil pointer dereference")
{
    volatile uint32_t *p = (volatile uint32_t *)zero_addr;
    tern_printf("read %lu\n", (unsigned long)*p);
}

TEST_DEATH_NEEDS(fault, nil_write_field, ARCH_CAP_NULL_GUARD,
                 "invalid memory address or nil pointer dereference")
{
    struct s {
        uint32_t a[16];
    } *p = (struct s *)zero_addr;
    p->a[9] = 1; /* address 36: a field of a nil struct */
}

TEST_DEATH(fault, divide_by_zero, "integer divide by zero")
{
    tern_printf("q=%d\n", 100 / zero_int);
}

TEST_DEATH(fault, undefined_instruction, "undefined instruction")
{
    __builtin_trap();
}

TEST_DEATH_NEEDS(fault, unaligned_word, ARCH_CAP_UNALIGN_TRAP,
                 "unaligned memory access")
{
    static uint32_t words[2];
    volatile uint32_t *p =
        (volatile uint32_t *)((uintptr_t)words + 1 + zero_addr);
    uint32_t v;

    /* An LDR at an odd address, written so the compiler cannot split it */
    __asm__ volatile("" : "+r"(p));
    if (!arch_trap_unaligned(true))
        return;
    v = *p;
    tern_printf("%lu\n", (unsigned long)v);
}

/* Stack overflow, four ways, each reported with the goroutine that
 * overflowed (goroutine 2: main is 1 and spawns it first).  Caught at once
 * by PSPLIM (ARMv8-M), the MPU guard (ARMv7-M) or the guard page (x86);
 * on ARMv6-M by the canary at the next tick or switch (arch/arch.h). */

/* Recursion that runs a goroutine's stack past its bottom. */
static int __attribute__((noinline)) deep(int n, volatile char *prev)
{
    volatile char frame[256];

    for (int i = 0; i < 256; i++) /* every byte, as a real frame would */
        frame[i] = (char)(n + i);
    frame[255] = prev ? prev[0] : 0;
    if (n == 0)
        return frame[0] + frame[255];
    return deep(n - 1, frame) + frame[128];
}

static void overflow(void *arg)
{
    struct mspan *s = mm_span_of((void *)arch_sp());

    (void)arg;
    /* this goroutine's whole stack span, overrun by a few frames */
    tern_printf("%d\n", deep((int)(s->npages * MM_PAGE_SIZE / 256) + 2, NULL));
    for (;;) /* the next tick checks the canary */
        ;
}

TEST_DEATH(fault, goroutine_stack_overflow,
           "stack overflow && goroutine 2 stack overflow: ")
{
    /* The new goroutine's stack is the most recent stack span: what it
     * overruns is free heap below it, or another stack. */
    tern_go_stack(overflow, NULL, 2048);
    for (;;)
        tern_yield();
}

/* The lowest usable byte of the running goroutine's stack. */
static uintptr_t usable_bottom(void)
{
    struct mspan *s = mm_span_of((void *)arch_sp());

    return s->base + ARCH_STACK_GUARD;
}

/* One frame larger than the whole stack, filled as a real one would be. */
static void __attribute__((noinline)) big_frame(void)
{
    volatile char buf[4096];

    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)i;
    tern_printf("%d\n", buf[100]);
}

static void large_frame(void *arg)
{
    (void)arg;
    big_frame();
    for (;;) /* ARMv6-M: the next tick checks the canary */
        ;
}

/* Hardware only: on ARMv6-M the frame tramples the heap below the stack
 * (goroutine descriptors among it) before any canary check can run. */
TEST_DEATH_NEEDS(fault, goroutine_large_frame, ARCH_CAP_STACK_GUARD,
                 "stack overflow && goroutine 2 stack overflow: ")
{
    tern_go_stack(large_frame, NULL, 1024);
    for (;;)
        tern_yield();
}

/* Use the stack down to `room` bytes above its usable bottom, then run
 * `then`: the overflow happens in whatever `then` pushes. */
static void __attribute__((noinline))
near_bottom(size_t room, void (*then)(void))
{
    size_t n = arch_sp() - usable_bottom() - room;
    volatile char *p = __builtin_alloca(n);

    p[0] = 1; /* the lowest byte: SP is now room bytes above the bottom */
    __asm__ volatile("" : : "r"(p) : "memory");
    then();
    p[0] = 2;
}

static void spin_forever(void)
{
    for (;;) /* the tick's exception frame lands below the bottom */
        __asm__ volatile("" ::: "memory");
}

static void overflow_at_preemption(void *arg)
{
    (void)arg;
    near_bottom(16, spin_forever);
}

/* Overflow while switching: the interrupt that would preempt the
 * goroutine stacks its frame (32 bytes and more) past the bottom. */
TEST_DEATH(fault, goroutine_overflow_at_preemption,
           "stack overflow && goroutine 2 stack overflow: ")
{
    tern_go_stack(overflow_at_preemption, NULL, 1024);
    for (;;)
        tern_yield();
}

static void yield_then_spin(void)
{
    tern_yield();
    spin_forever();
}

static void overflow_at_yield(void *arg)
{
    (void)arg;
    near_bottom(24, yield_then_spin);
}

/* Overflow in a voluntary switch: tern_yield, schedule and the context
 * switch push past the bottom. */
TEST_DEATH(fault, goroutine_overflow_at_yield,
           "stack overflow && goroutine 2 stack overflow: ")
{
    tern_go_stack(overflow_at_yield, NULL, 1024);
    for (;;)
        tern_yield();
}

TEST_DEATH(panic, panic_message, "test panic")
{
    tern_panic("test panic");
}

TEST_DEATH(panic, assert_reports_expression, "assertion failed: 1 + 1 == 3")
{
    tern_assert(1 + 1 == 3 + zero_int);
}

static void die_in_tick(void)
{
    tern_panic("panic in tick handler");
}

/* A fatal error raised by an interrupt handler is reported like any
 * other. */
TEST_DEATH(panic, panic_from_interrupt_context, "panic in tick handler")
{
    time_set_tick_hook(die_in_tick);
    for (;;)
        ;
}
