/*
 * tests/target/console_test.c - console output and interrupt-driven input.
 * tools/run-tests feeds the line "tern-rx-test 0123456789" on the UART.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/console.h"
#include "tests/harness/test.h"

TEST(console, snprintf_formats)
{
    char buf[64];

    tern_snprintf(buf, sizeof buf, "%d|%5u|%-4x|%08lX|%s|%c|%%", -42, 7u, 0xabu,
                  0xDEADBEEFul, "str", 'z');
    EXPECT_STREQ(buf, "-42|    7|ab  |DEADBEEF|str|z|%");
    tern_snprintf(buf, sizeof buf, "%lld %llu", -9000000000000LL,
                  18446744073709551615ULL);
    EXPECT_STREQ(buf, "-9000000000000 18446744073709551615");
}

TEST(console, snprintf_truncates)
{
    char buf[8];
    int n = tern_snprintf(buf, sizeof buf, "%s", "0123456789");

    EXPECT_EQ(n, 10);
    EXPECT_STREQ(buf, "0123456");
}

TEST(console, libc_printf)
{
    char buf[32];

    EXPECT_EQ(snprintf(buf, sizeof buf, "x=%d", 12345), 7);
    EXPECT_STREQ(buf, "x=12345");
    EXPECT_EQ(printf("printf works: %s %d\n", "yes", 1), 20);
    fflush(stdout);
}

/* Reads the line the runner typed, through the receive interrupt; then,
 * with the input drained, a read must time out. */
TEST(console, rx_interrupt_line_then_timeout)
{
    const char *want = "tern-rx-test 0123456789";
    char got[40];
    size_t n = 0;
    int64_t t0, t1;

    while (n < sizeof got - 1) {
        int c = tern_getc(5000000000LL); /* 5 s */
        if (c < 0 || c == '\n' || c == '\r')
            break;
        got[n++] = (char)c;
    }
    got[n] = '\0';
    EXPECT_STREQ(got, want);
    EXPECT_TRUE(console_rx_irqs() > 0);
    EXPECT_EQ(tern_console_rx_dropped(), 0);

    while (tern_trygetc() >= 0) /* the line end */
        ;
    t0 = tern_nanotime();
    EXPECT_EQ(tern_getc(20000000), -1); /* 20 ms */
    t1 = tern_nanotime();
    EXPECT_TRUE(t1 - t0 >= 20000000);
}
