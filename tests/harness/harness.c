/*
 * tests/harness/harness.c - the test runner.  See tests/harness/test.h.
 * Prints with tern_printf so it works with or without a C library.
 */
#include "tests/harness/test.h"

#include <stdarg.h>
#include <stdbool.h>

extern const struct test_case __start_tern_tests[], __stop_tern_tests[];

static struct {
    const struct test_case *current;
    int failures; /* of the current test */
    bool skipped; /* the current test called test_skip */
} h;

int test_streq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    /* Only the first failure goes on the FAIL line; the rest are noted. */
    if (h.failures++ == 0)
        tern_printf("FAIL %s.%s: ", h.current->suite, h.current->name);
    else
        tern_printf("     and: ");
    va_start(ap, fmt);
    tern_vprintf(fmt, ap);
    va_end(ap);
    tern_printf(" (%s:%d)\n", file, line);
}

void test_skip(const char *fmt, ...)
{
    va_list ap;

    h.skipped = true;
    tern_printf("SKIP %s.%s: ", h.current->suite, h.current->name);
    va_start(ap, fmt);
    tern_vprintf(fmt, ap);
    va_end(ap);
    tern_printf("\n");
}

int test_failures(void)
{
    return h.failures;
}

void test_expect_output(const char *fmt, ...)
{
    va_list ap;

    tern_printf("EXPECT-OUTPUT ");
    va_start(ap, fmt);
    tern_vprintf(fmt, ap);
    va_end(ap);
    tern_printf("\n");
}

/* The test named by "<suite>.<name>" at the start of s (up to a space). */
static const struct test_case *find(const char *s)
{
    for (const struct test_case *t = __start_tern_tests; t < __stop_tern_tests;
         t++) {
        const char *p = s, *q = t->suite;
        while (*q != '\0' && *p == *q) {
            p++;
            q++;
        }
        if (*q != '\0' || *p++ != '.')
            continue;
        q = t->name;
        while (*q != '\0' && *p == *q) {
            p++;
            q++;
        }
        if (*q == '\0' && (*p == '\0' || *p == ' '))
            return t;
    }
    return NULL;
}

/* The argument after the word "run" in cmdline, or NULL. */
static const char *run_arg(const char *cmdline)
{
    for (const char *p = cmdline; *p != '\0'; p++) {
        if ((p == cmdline || p[-1] == ' ') && p[0] == 'r' && p[1] == 'u' &&
            p[2] == 'n' && p[3] == ' ')
            return p + 4;
    }
    return NULL;
}

void (*test_after_each)(void);

static int run_one(const struct test_case *t)
{
    h.current = t;
    h.failures = 0;
    h.skipped = false;
    t->fn();
    if (test_after_each != NULL)
        test_after_each();
    return h.failures;
}

int test_main(const char *cmdline, unsigned caps,
              int (*run_death)(const struct test_case *t))
{
    const char *only = run_arg(cmdline);
    int passed = 0, failed = 0, skipped = 0, death = 0;

    if (only != NULL) {
        const struct test_case *t = find(only);
        if (t == NULL) {
            tern_printf("FAIL %s: no such test\n", only);
            return TERN_EXIT_FAIL;
        }
        tern_printf("RUN %s.%s\n", t->suite, t->name);
        if (run_one(t) == 0 && t->death == NULL) {
            if (!h.skipped)
                tern_printf("PASS %s.%s\n", t->suite, t->name);
            return TERN_EXIT_OK;
        }
        if (t->death != NULL)
            tern_printf("FAIL %s.%s: returned instead of dying with \"%s\"\n",
                        t->suite, t->name, t->death);
        return TERN_EXIT_FAIL;
    }

    for (const struct test_case *t = __start_tern_tests; t < __stop_tern_tests;
         t++) {
        if ((t->needs & caps) != t->needs) {
            tern_printf("SKIP %s.%s: not on this CPU\n", t->suite, t->name);
            skipped++;
        } else if (t->death != NULL && run_death == NULL) {
            tern_printf("DEATH %s.%s: %s\n", t->suite, t->name, t->death);
            death++;
        } else if (t->death != NULL) {
            if (run_death(t)) {
                tern_printf("PASS %s.%s\n", t->suite, t->name);
                passed++;
            } else {
                failed++;
            }
        } else if (run_one(t) == 0 && h.skipped) {
            skipped++; /* test_skip printed the line */
        } else if (h.failures == 0) {
            tern_printf("PASS %s.%s\n", t->suite, t->name);
            passed++;
        } else {
            failed++;
        }
    }
    tern_printf("SUMMARY passed=%d failed=%d skipped=%d death=%d\n", passed,
                failed, skipped, death);
    return failed == 0 ? TERN_EXIT_OK : TERN_EXIT_FAIL;
}
