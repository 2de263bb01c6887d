/*
 * tests/host/panic_test.c - the fatal path: message, exit status, and a
 * fault inside a fatal report.  Each runs in a forked child.
 */
#include "kernel/panic.h"
#include "kernel/time.h"
#include "tests/harness/test.h"

TEST_DEATH(panic, message_and_status, "out of cheese")
{
    tern_panic("out of cheese");
}

static volatile int zero;

TEST_DEATH(panic, assert_names_expression_and_line,
           "assertion failed: zero == 1")
{
    tern_assert(zero == 1);
}

static void dump_that_panics(void)
{
    tern_panic("dump hook failed");
}

/* A fatal error inside the report itself ends the program at once. */
TEST_DEATH(panic, fatal_inside_fatal, "fault during fatal report")
{
    fatal_set_dump_hook(dump_that_panics);
    tern_panic("first");
}

/* A stack overflow that reached the canary is reported at the next tick. */
TEST_DEATH(panic, canary_overwritten, "stack overflow")
{
    extern char __stack_start[];
    __stack_start[3] ^= 1;
    time_tick();
}

TEST(harness, streq_and_rand)
{
    uint32_t a = 1, b = 1;

    EXPECT_TRUE(test_streq("x", "x"));
    EXPECT_TRUE(!test_streq("x", "xy"));
    EXPECT_TRUE(!test_streq(NULL, "x"));
    for (int i = 0; i < 100; i++)
        EXPECT_EQ(test_rand(&a), test_rand(&b));
    EXPECT_EQ(test_failures(), 0);
}
