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

/* Recursion that runs a goroutine's stack past its bottom: caught by the
 * per-context MSPLIM (ARMv8-M) at once, elsewhere by the stack canary at
 * the next tick or switch. */
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

TEST_DEATH(fault, goroutine_stack_overflow, "stack overflow")
{
    /* The new goroutine's stack is the most recent stack span: what it
     * overruns is free heap below it, or another stack. */
    tern_go_stack(overflow, NULL, 2048);
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
