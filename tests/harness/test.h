/*
 * tests/harness/test.h - Tern's test harness, shared by tests/host (native,
 * ASan/UBSan) and tests/target (booted in QEMU on every board).
 *
 *   TEST(suite, name) { EXPECT_EQ(1 + 1, 2); }
 *   TEST_DEATH(suite, name, "integer divide by zero") { ... }
 *   TEST_NEEDS(suite, name, ARCH_CAP_FPU) { ... }    skipped without it
 *
 * Tests register themselves in the linker section "tern_tests"; no list is
 * kept by hand.  EXPECT_* record a failure with file and line and go on;
 * ASSERT_* record it and return from the test.  A death test must end the
 * program with a fatal report containing "fatal error: <message>" and the
 * fatal exit status ("msg && text && ...": the fatal error is msg, and each
 * further text must appear somewhere in the report, such as the line that
 * names the goroutine; and whatever test_expect_output announced); the
 * normal run lists death tests ("DEATH s.n: msg") and a runner boots them
 * one at a time (tools/run-tests on targets, a fork per test on the host).
 *
 * Output, one line per test:  PASS s.n | FAIL s.n: why | SKIP s.n: why
 * (a test lacking a capability it declared, or calling test_skip)
 * and a closing "SUMMARY passed=P failed=F skipped=S death=D".
 */
#ifndef TESTS_HARNESS_TEST_H
#define TESTS_HARNESS_TEST_H

#include <stdint.h>

#include "arch/arch.h"
#include "tern.h"

struct test_case {
    const char *suite;
    const char *name;
    void (*fn)(void);
    const char *death; /* NULL, or the fatal message it must die with */
    unsigned needs;    /* ARCH_CAP_* bits the test requires */
};

/* The stack the suite's goroutines ask for: 512 usable bytes, rounded
 * up to pages with the arch's guard; on a board whose default stack is
 * under 1 KiB (the 8 KiB board: 256-byte pages, 64-byte guard) one
 * page, guard included: their deepest use is under 192 bytes (the
 * STACKS line of the suite's output). */
#if defined(TERN_GO_STACK) && TERN_GO_STACK < 1024
#define TEST_GSTACK (TERN_PAGE_SIZE - ARCH_STACK_GUARD)
#else
#define TEST_GSTACK 512
#endif

#define TEST_CASE_(s, n, death, needs)                                         \
    static void test_##s##__##n(void);                                         \
    __attribute__((used, section("tern_tests"),                                \
                   aligned(sizeof(void *)))) static const struct test_case     \
        test_case_##s##__##n = {#s, #n, test_##s##__##n, death, needs};        \
    static void test_##s##__##n(void)

#define TEST(s, n)                        TEST_CASE_(s, n, 0, 0)
#define TEST_NEEDS(s, n, caps)            TEST_CASE_(s, n, 0, caps)
#define TEST_DEATH(s, n, msg)             TEST_CASE_(s, n, msg, 0)
#define TEST_DEATH_NEEDS(s, n, caps, msg) TEST_CASE_(s, n, msg, caps)

/* Record a failure of the running test (printf-style reason). */
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The running test does not apply here (printf-style reason: a board
 * without the hardware, a mode not booted): prints "SKIP s.n: why"; the
 * test then returns, and counts as skipped unless it also failed. */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Failures recorded so far by the running test. */
int test_failures(void);

/*
 * In a death test, before it dies: the run's output must also show this
 * text (printf-style) on a line of its own making, e.g. the goroutine a
 * fatal report has to name.  Prints "EXPECT-OUTPUT <text>"; the death
 * runners (tools/run-tests, tests/host/main.c) fail the test unless the
 * text occurs again on another line.
 */
void test_expect_output(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#define EXPECT_TRUE(c)                                                         \
    ((c) ? (void)0 : test_fail(__FILE__, __LINE__, "expected %s", #c))

#define EXPECT_EQ(a, b)                                                        \
    do {                                                                       \
        intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                       \
        if (a_ != b_)                                                          \
            test_fail(__FILE__, __LINE__, "expected %s == %s (%lld != %lld)",  \
                      #a, #b, (long long)a_, (long long)b_);                   \
    } while (0)

#define EXPECT_STREQ(a, b)                                                     \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (!test_streq(a_, b_))                                               \
            test_fail(__FILE__, __LINE__, "expected %s == \"%s\", got \"%s\"", \
                      #a, b_, a_);                                             \
    } while (0)

#define ASSERT_TRUE(c)                                                         \
    do {                                                                       \
        if (!(c)) {                                                            \
            test_fail(__FILE__, __LINE__, "assertion %s", #c);                 \
            return;                                                            \
        }                                                                      \
    } while (0)

int test_streq(const char *a, const char *b);

/*
 * Run the tests.  cmdline "run <suite>.<name>" runs that one test (how
 * death tests are booted); anything else runs every test that is not a
 * death test.  run_death, if not NULL, is called for each death test
 * instead of listing it (the host forks); it returns 1 if the test died
 * as expected.  Returns the exit status: 0 all passed, 1 otherwise.
 */
/* If set, runs after every test of the normal run (the target image
 * measures stack use with it). */
extern void (*test_after_each)(void);

int test_main(const char *cmdline, unsigned caps,
              int (*run_death)(const struct test_case *t));

/* Deterministic PRNG for tests (xorshift32; seed must not be 0). */
static inline uint32_t test_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

#endif /* TESTS_HARNESS_TEST_H */
