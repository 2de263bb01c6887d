/*
 * tests/host/harness_test.c - the harness itself: a death test's
 * announced output (test_expect_output) is looked for in what it
 * printed before dying.
 */
#include "tests/harness/test.h"

static volatile int seven = 7;

TEST_DEATH(harness, expected_output_is_found, "dying as announced")
{
    test_expect_output("the report names goroutine %d", seven);
    tern_printf("fatal detail: the report names goroutine %d, sp=...\n", seven);
    tern_panic("dying as announced");
}
