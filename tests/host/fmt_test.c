/*
 * tests/host/fmt_test.c - the printf engine (kernel/fmt.c), checked
 * against expected strings (and, where the C library agrees, its snprintf).
 */
#include <stdio.h>
#include <string.h>

#include "tests/harness/test.h"

#define CHECK(want, ...)                                                       \
    do {                                                                       \
        char cbuf_[128];                                                       \
        int cn_ = tern_snprintf(cbuf_, sizeof cbuf_, __VA_ARGS__);             \
        EXPECT_STREQ(cbuf_, want);                                             \
        EXPECT_EQ(cn_, (int)strlen(want));                                     \
    } while (0)

TEST(fmt, integers)
{
    CHECK("0 -1 42 2147483647 -2147483648", "%d %d %i %d %d", 0, -1, 42,
          2147483647, (int)-2147483647 - 1);
    CHECK("4294967295", "%u", 4294967295u);
    CHECK("-9223372036854775808", "%lld",
          (long long)(-9223372036854775807LL - 1));
    CHECK("18446744073709551615", "%llu", 18446744073709551615ULL);
    CHECK("123 45", "%hhu %hd", (unsigned)(256 + 123), 45);
    CHECK("42 7", "%zu %td", (size_t)42, (ptrdiff_t)7);
}

TEST(fmt, hex_octal_pointer)
{
    CHECK("ff FF 17", "%x %X %o", 255u, 255u, 15u);
    CHECK("0x1234", "%p", (void *)0x1234);
    CHECK("deadbeef", "%lx", 0xdeadbeeful);
}

TEST(fmt, width_and_flags)
{
    CHECK("[   42]", "[%5d]", 42);
    CHECK("[42   ]", "[%-5d]", 42);
    CHECK("[00042]", "[%05d]", 42);
    CHECK("[-0042]", "[%05d]", -42);
    CHECK("[+42]", "[%+d]", 42);
    CHECK("[ 42]", "[% d]", 42);
    CHECK("[   2a]", "[%*x]", 5, 42u);
    CHECK("[2a   ]", "[%*x]", -5, 42u);
    CHECK("[0x0000beef]", "[0x%08x]", 0xbeefu);
}

TEST(fmt, precision)
{
    CHECK("[00042]", "[%.5d]", 42);
    CHECK("[  00042]", "[%7.5d]", 42);
    CHECK("[]", "[%.0d]", 0);
    CHECK("[abc]", "[%.3s]", "abcdef");
    CHECK("[ab]", "[%.*s]", 2, "abcdef");
    CHECK("[   ab]", "[%5.2s]", "abcdef");
}

TEST(fmt, strings_and_chars)
{
    CHECK("[x]", "[%c]", 'x');
    CHECK("[  x]", "[%3c]", 'x');
    CHECK("[x  ]", "[%-3c]", 'x');
    CHECK("100%", "100%%");
}

TEST(fmt, unknown_conversion_is_literal)
{
    /* Never consumes an argument for a conversion it does not know. */
    /* Through volatile pointers: the compiler's format checker would
     * refuse these deliberately malformed formats. */
    const char *volatile unknown = "%q %d", *volatile trailing = "end %";
    const char *volatile nul = NULL;

    CHECK("%q 5", unknown, 5);
    CHECK("end %", trailing);
    CHECK("(null)", "%s", nul);
}

TEST(fmt, truncation_and_zero_size)
{
    char b[4];

    EXPECT_EQ(tern_snprintf(b, sizeof b, "%d", 123456), 6);
    EXPECT_STREQ(b, "123");
    EXPECT_EQ(tern_snprintf(NULL, 0, "%s", "hello"), 5);
    b[0] = 'Z';
    EXPECT_EQ(tern_snprintf(b, 1, "%s", "hello"), 5);
    EXPECT_EQ(b[0], '\0');
}

/* Randomised comparison with the C library on the conversions both
 * implement identically. */
TEST(fmt, matches_libc_randomised)
{
    static const char *const fmts[] = {"%d",   "%5d",  "%-7d", "%08d",
                                       "%+d",  "%x",   "%08X", "%.3d",
                                       "%10u", "%-3x", "%o",   "% d"};
    uint32_t seed = 12345;

    for (int i = 0; i < 20000; i++) {
        char a[64], b[64];
        const char *f = fmts[test_rand(&seed) % 12];
        int v = (int)test_rand(&seed) >> (test_rand(&seed) % 31);

        tern_snprintf(a, sizeof a, f, v);
        snprintf(b, sizeof b, f, v);
        if (strcmp(a, b) != 0) {
            test_fail(__FILE__, __LINE__,
                      "format \"%s\" of %d: \"%s\" vs libc \"%s\"", f, v, a, b);
            return;
        }
    }
}
