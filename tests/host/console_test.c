/*
 * tests/host/console_test.c - the console ring (kernel/console.c) with a
 * fake UART: ordering, overflow, CR/LF, timeouts.
 */
#include <string.h>

#include "arch/host/host.h"
#include "kernel/console.h"
#include "tests/harness/test.h"
#include "tests/host/fake_board.h"

static void drain(void)
{
    while (tern_trygetc() >= 0)
        ;
}

TEST(console, rx_in_order)
{
    const char *s = "hello, tern";

    drain();
    fake_uart_reset();
    fake_uart_inject(s, strlen(s));
    console_rx_isr();
    for (size_t i = 0; i < strlen(s); i++)
        EXPECT_EQ(tern_trygetc(), s[i]);
    EXPECT_EQ(tern_trygetc(), -1);
}

TEST(console, rx_overflow_drops_and_counts)
{
    char buf[CONSOLE_RX_RING + 10];
    uint32_t dropped0 = tern_console_rx_dropped();

    drain();
    fake_uart_reset();
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    fake_uart_inject(buf, sizeof buf);
    console_rx_isr();
    EXPECT_EQ(tern_console_rx_dropped() - dropped0, 10);
    for (size_t i = 0; i < CONSOLE_RX_RING; i++)
        EXPECT_EQ(tern_trygetc(), buf[i]);
    EXPECT_EQ(tern_trygetc(), -1);
}

TEST(console, rx_wraps_many_times)
{
    uint32_t seed = 99;

    drain();
    fake_uart_reset();
    for (int round = 0; round < 1000; round++) {
        char b[37];
        size_t n = 1 + test_rand(&seed) % sizeof b;
        for (size_t i = 0; i < n; i++)
            b[i] = (char)test_rand(&seed);
        fake_uart_reset();
        fake_uart_inject(b, n);
        console_rx_isr();
        for (size_t i = 0; i < n; i++)
            if (tern_trygetc() != (uint8_t)b[i]) {
                test_fail(__FILE__, __LINE__, "round %d byte %zu", round, i);
                return;
            }
    }
}

TEST(console, write_turns_lf_into_crlf)
{
    size_t n;
    const char *out;

    fake_uart_reset();
    tern_write("a\nb\n", 4);
    out = fake_uart_output(&n);
    EXPECT_EQ(n, 6);
    EXPECT_TRUE(memcmp(out, "a\r\nb\r\n", 6) == 0);
    EXPECT_TRUE(!host_irq_masked());
}

static int deliveries;
static void deliver_late(void)
{
    /* The byte arrives on the third wait for an interrupt. */
    if (++deliveries == 3) {
        fake_uart_inject("z", 1);
        console_rx_isr();
    }
}

TEST(console, getc_sleeps_until_input)
{
    drain();
    fake_uart_reset();
    deliveries = 0;
    host_set_irq_source(deliver_late);
    EXPECT_EQ(tern_getc(-1), 'z');
    host_set_irq_source(NULL);
    EXPECT_EQ(deliveries, 3);
}

static void advance_time(void)
{
    fake_timer_advance(1000);
    fake_timer_fire();
}

TEST(console, getc_times_out)
{
    int64_t t0;

    drain();
    host_set_irq_source(advance_time);
    t0 = tern_nanotime();
    EXPECT_EQ(tern_getc(5000000), -1); /* 5 ms of fake time */
    EXPECT_TRUE(tern_nanotime() - t0 >= 5000000);
    host_set_irq_source(NULL);
}
