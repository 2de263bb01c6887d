/*
 * tests/target/guard_test.c - thread-stack guards (arch/arch.h, "Thread
 * stacks"): an overflow dies as "stack overflow" with a report naming
 * the right goroutine, a reused stack keeps its guard, a released one is
 * plain memory again.
 *
 * The guard pages of x86 are the subject: the death tests below that
 * need a page (any access below the usable stack faults, whoever makes
 * it) ask for PAGE_GUARD, which only x86 has (pc, and the hosted port on
 * x86-64, whose reports name the signal instead of the vector); elsewhere they need a
 * capability no CPU has and are skipped.  (The ARMv7-M MPU guard is 256
 * bytes and reports an access to it as an MPU violation; ARMv8-M's
 * PSPLIM checks the SP only.)  A frame larger than the guard faults only
 * where every overflow faults (ARMv8-M) or where the compiler probes each
 * page of a large frame (x86 with -fstack-clash-protection, arch.mk).
 * The release tests run everywhere.
 */
#include <string.h>

#include "arch/arch.h"
#include "mm/mm.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

#define NO_CPU 0x80000000u /* a capability no CPU has: always skipped */

#if defined(__i386__)
#define PAGE_GUARD ARCH_CAP_STACK_GUARD
#define REPORT_PF  "[#PF" /* a page fault in the guard */
#define REPORT_DF  "[#DF" /* ESP in it: the double-fault task reports */
#elif defined(__x86_64__) /* the hosted port: guard pages by mprotect */
#define PAGE_GUARD ARCH_CAP_STACK_GUARD
#define REPORT_PF  "[SIGSEGV" /* handlers run on the interrupt stack, */
#define REPORT_DF  "[SIGSEGV" /* so RSP in the guard is a plain fault */
#else
#define PAGE_GUARD NO_CPU
#define REPORT_PF  "[" /* never run: NO_CPU */
#define REPORT_DF  "["
#endif

#if (defined(__i386__) || defined(__x86_64__)) && defined(X86_STACK_CLASH)
#define BIG_FRAME_CHECK ARCH_CAP_STACK_GUARD
#elif defined(__i386__) || defined(__x86_64__)
#define BIG_FRAME_CHECK NO_CPU /* built without stack-clash probes */
#else
#define BIG_FRAME_CHECK ARCH_CAP_STACK_LIMIT
#endif

#define GSTACK 1024 /* usable bytes asked for: page-rounded with the guard */

static volatile uintptr_t zero_addr;

/* The lowest usable byte of the running goroutine's stack. */
static uintptr_t usable_bottom(void)
{
    struct mspan *s = mm_span_of((void *)arch_sp());

    return s->base + ARCH_STACK_GUARD;
}

static void sleep_forever(void *arg)
{
    (void)arg;
    for (;;)
        tern_sleep(1000000000);
}

/* Some goroutines whose stacks surround the victim's, so that the report
 * has to tell them apart, and the victim is not simply goroutine 2. */
static void start_bystanders(void)
{
    for (int i = 0; i < 3; i++)
        tern_go_stack(sleep_forever, NULL, GSTACK);
}

static _Noreturn void wait_to_die(void)
{
    for (;;)
        tern_yield();
}

/* Write the byte just below the usable stack, with SP far above it: a
 * plain page fault in the guard, no double fault. */
static void touch_below(void *arg)
{
    volatile char *p = (volatile char *)(usable_bottom() - 1 + zero_addr);

    (void)arg;
    test_expect_output("goroutine %u stack overflow: sp=",
                       (unsigned)tern_goid());
    test_expect_output(REPORT_PF);
    *p = 1;
    tern_printf("wrote below the usable stack, no fault\n");
    tern_exit(TERN_EXIT_FAIL);
}

TEST_DEATH_NEEDS(guard, touch_below_usable_stack, PAGE_GUARD, "stack overflow")
{
    start_bystanders();
    tern_go_stack(touch_below, NULL, GSTACK);
    start_bystanders();
    wait_to_die();
}

/* Recursion with small frames: ESP walks into the guard, the CPU cannot
 * push the page fault's frame, and the double-fault task reports it. */
static int __attribute__((noinline)) recurse(int n, volatile int *prev)
{
    volatile int frame[8];

    frame[0] = n + (prev ? prev[0] : 0);
    if (n == 0)
        return frame[0];
    return recurse(n - 1, frame) + frame[0];
}

static void run_away(void *arg)
{
    (void)arg;
    test_expect_output("goroutine %u stack overflow: sp=",
                       (unsigned)tern_goid());
    test_expect_output(REPORT_DF);
    tern_printf("%d\n", recurse(1 << 20, NULL));
    tern_printf("recursion returned\n");
    tern_exit(TERN_EXIT_FAIL);
}

TEST_DEATH_NEEDS(guard, recursion_double_faults, PAGE_GUARD, "stack overflow")
{
    start_bystanders();
    tern_go_stack(run_away, NULL, GSTACK);
    wait_to_die();
}

/* A frame far larger than the whole stack, written from its lowest byte
 * up: without page-by-page probing its first store would land below the
 * guard, in another span. */
static int __attribute__((noinline)) big_frame(int seed)
{
    volatile char big[4 * 4096];

    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(seed + (int)i);
    return big[0] + big[sizeof big - 1];
}

static void jump(void *arg)
{
    (void)arg;
    test_expect_output("goroutine %u stack overflow: sp=",
                       (unsigned)tern_goid());
    tern_printf("%d\n", big_frame((int)zero_addr));
    tern_printf("big frame returned\n");
    tern_exit(TERN_EXIT_FAIL);
}

TEST_DEATH_NEEDS(guard, big_frame_cannot_jump, BIG_FRAME_CHECK,
                 "stack overflow")
{
    start_bystanders();
    tern_go_stack(jump, NULL, GSTACK);
    wait_to_die();
}

/* A dead goroutine's stack goes to the next tern_go of its size, with its
 * context built again on it: the guard must still be armed. */
static volatile uintptr_t first_stack;

static void note_stack(void *arg)
{
    (void)arg;
    first_stack = usable_bottom();
}

static void touch_below_reused(void *arg)
{
    (void)arg;
    if (usable_bottom() != first_stack) {
        tern_printf("stack not reused: %p, first %p\n", (void *)usable_bottom(),
                    (void *)first_stack);
        tern_exit(TERN_EXIT_FAIL);
    }
    touch_below(NULL);
}

TEST_DEATH_NEEDS(guard, reused_stack_keeps_its_guard, PAGE_GUARD,
                 "stack overflow")
{
    uint32_t n = tern_numgoroutine();

    tern_go_stack(note_stack, NULL, GSTACK);
    while (tern_numgoroutine() > n) /* until it has exited */
        tern_yield();
    tern_go_stack(touch_below_reused, NULL, GSTACK);
    wait_to_die();
}

/* Arming a stack twice and releasing it once leaves it plain memory:
 * arch_context_init is idempotent, arch_stack_release undoes it. */
static void never_run(void *arg)
{
    (void)arg;
}

TEST(guard, release_after_double_init)
{
    size_t size = ARCH_STACK_GUARD + 512;
    volatile char *s = mm_stack_alloc(size);
    struct arch_context c;

    ASSERT_TRUE(s != NULL);
    arch_context_init(&c, (void *)s, size, never_run, NULL);
    arch_context_init(&c, (void *)s, size, never_run, NULL);
    arch_stack_release((void *)s, size);
    for (size_t i = 0; i < size; i += 64) /* a guard left armed: a fault */
        s[i] = (char)i;
    s[size - 1] = 1;
    EXPECT_EQ(s[64] + s[size - 1], 65);
    mm_stack_free((void *)s);
}

/* Dead goroutines' stacks, freed by the scheduler when memory runs out
 * (mm's reclaim hook: arch_stack_release, then mm_stack_free), are
 * ordinary heap again: fill the whole heap and write every byte. */
#define NDEAD 16

static volatile uint32_t finished;

static void finish(void *arg)
{
    (void)arg;
    finished++;
}

struct block {
    struct block *next;
};

/* Allocate blocks of size bytes until none is left, each written whole;
 * push them on *list.  Returns how many. */
static uint32_t fill(struct block **list, size_t size)
{
    uint32_t n = 0;
    struct block *b;

    while ((b = mm_alloc(size, MM_KIND_MANUAL, 0)) != NULL) {
        memset(b, 0x5A, size);
        b->next = *list;
        *list = b;
        n++;
    }
    return n;
}

TEST(guard, released_stacks_are_ram)
{
    static const size_t sizes[] = {16384, 4096, 512, 64, 16, 8};
    uintptr_t stacks[NDEAD];
    uint32_t nstacks = 0, dead = 0, blocks = 0, n0 = tern_numgoroutine();
    struct block *list = NULL;
    struct g *gp;

    /* goroutines that run to completion, in memory that is not yet
     * short: their stacks stay with their dead descriptors, guards armed */
    finished = 0;
    for (int i = 0; i < NDEAD; i++)
        if (tern_go_stack(finish, NULL, GSTACK) < 0)
            break;
    while (tern_numgoroutine() > n0)
        tern_yield();
    EXPECT_TRUE(finished > 0);
    for (gp = sched.allg; gp != NULL; gp = gp->alllink)
        if (gp->state == G_DEAD && nstacks < NDEAD)
            stacks[nstacks++] = (uintptr_t)gp->stack;
    ASSERT_TRUE(nstacks > 0);

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        blocks += fill(&list, sizes[i]);
    EXPECT_TRUE(blocks > 0);

    /* the reclaim freed every dead goroutine, and each guard page went
     * to one of the blocks just written */
    for (gp = sched.allg; gp != NULL; gp = gp->alllink)
        dead += gp->state == G_DEAD;
    EXPECT_EQ(dead, 0);
    for (uint32_t i = 0; i < nstacks; i++) {
        struct mspan *s;
        void *base = mm_object_base((void *)stacks[i], &s);
        bool reused = false;
        /* (a goroutine the runtime started meanwhile - the collection a
         * failed allocation runs may start the finalizer goroutine - may
         * have taken a dead G, stack and all) */
        for (gp = sched.allg; gp != NULL; gp = gp->alllink)
            reused |= gp->state != G_DEAD && (uintptr_t)gp->stack == stacks[i];
        if (base == NULL && !reused)
            test_fail(__FILE__, __LINE__, "guard at %p not handed out",
                      (void *)stacks[i]);
    }

    while (list != NULL) {
        struct block *next = list->next;
        mm_free(list);
        list = next;
    }
    /* and goroutines still start on the recycled memory */
    finished = 0;
    ASSERT_TRUE(tern_go_stack(finish, NULL, GSTACK) > 0);
    while (tern_numgoroutine() > n0)
        tern_yield();
    EXPECT_EQ(finished, 1);
}
