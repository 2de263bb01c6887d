/*
 * tests/target/shell_test.c - the console shell on every board: each
 * command's output shape through the dispatcher, then whole sessions fed
 * through the console's receive ring (console_rx_inject) into tern_shell
 * running as a goroutine on the board's default stack, with its output
 * captured (console_set_tx_hook): scripted commands, and 10^4 random lines
 * (binary garbage, over-long lines, escape floods) after which `help`
 * still answers.  The shell goroutine's stack high-water mark is checked
 * against its stack and printed.
 */
#include <string.h>

#include "kernel/console.h"
#include "kernel/shell.h"
#include "tests/common/capture.h"
#include "tests/harness/test.h"

/* The needles in flash: main's stack is 1 KiB on the microbit, too small
 * for a dozen compound literals in one frame. */
#define NEEDLES(...)                                                           \
    __extension__({                                                            \
        static const char *const needles_[] = {__VA_ARGS__, NULL};             \
        needles_;                                                              \
    })

/* Run one line through the dispatcher into test_capture; true if every needle was
 * printed and the result was want. */
static bool run(const char *text, int want, const char *const *needles)
{
    char buf[SHELL_LINE_MAX + 1];
    struct shell_out o = capture_out(&test_capture);
    int got;

    tern_snprintf(buf, sizeof buf, "%s", text);
    capture_reset(&test_capture, needles);
    got = shell_exec(&o, buf);
    if (got != want || !capture_all_found(&test_capture) ||
        test_capture.nonprint != 0) {
        const char *miss = capture_missing(&test_capture);
        tern_printf("  `%s`: result %d (want %d), missing \"%s\", first line "
                    "\"%s\"\n",
                    text, got, want, miss ? miss : "", test_capture.first);
        return false;
    }
    return true;
}

TEST(shell, commands_print_their_fields)
{
    EXPECT_TRUE(run("help", SHELL_OK,
                    NEEDLES("  memstats [-v|-json] ", "goroutines",
                            "schedtrace", "heap", "segments", "exit")));
    EXPECT_EQ(test_capture.lines, (size_t)shell_ncmds);
    EXPECT_TRUE(run("memstats", SHELL_OK,
                    NEEDLES("Alloc ", "\nHeapSys ", "\nStackInuse ",
                            "\nMSpanInuse ", "\nNumGC ", "\nLargestFree ")));
    EXPECT_TRUE(run("memstats -v", SHELL_OK, NEEDLES("BySize", "\n    1 ")));
    EXPECT_TRUE(
        run("memstats -json", SHELL_OK,
            NEEDLES("\"HeapAlloc\":", "\"Mallocs\":", "\"BySize\":[", "]}\n")));
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_TRUE(run("sched", SHELL_OK,
                    NEEDLES("SCHED ", "ms: gomaxprocs=1 ", " runqueue=")));
    EXPECT_TRUE(run("segments", SHELL_OK,
                    NEEDLES("\ntext ", "\ndata ", "\nbss ", "\nheap",
                            "total: flash ", "heap use: ")));
    EXPECT_TRUE(run("heap", SHELL_OK,
                    NEEDLES("region 0: 0x", "#", "free ", "largest free run ",
                            "fragmentation ", "minimum free ever ")));
    EXPECT_TRUE(run("uptime", SHELL_OK, NEEDLES("up ", " ticks at ", " Hz")));
    EXPECT_TRUE(run(
        "version", SHELL_OK,
        NEEDLES("tern " TERN_VERSION, " on " BOARD_NAME ", ", "compiler ")));
    EXPECT_TRUE(run("nosuch x", SHELL_USAGE,
                    NEEDLES("unknown command: nosuch (try help)\n")));
    EXPECT_TRUE(run("memstats --json", SHELL_USAGE, NEEDLES("usage: ")));
    EXPECT_TRUE(run("schedtrace 0", SHELL_USAGE, NEEDLES("usage: ")));
    EXPECT_TRUE(run("goroutines -a", SHELL_USAGE, NEEDLES("usage: ")));
    EXPECT_TRUE(run("exit", SHELL_EXIT, NULL));
}

static tern_chan *blocker;

static void blocked(void *arg)
{
    int v;

    (void)arg;
    tern_chan_recv(blocker, &v);
}

TEST(shell, goroutines_lists_names_and_states)
{
    int v = 0;

    blocker = tern_chan_make(sizeof(int), 0);
    ASSERT_TRUE(blocker != NULL);
    tern_shell_name(blocked, "blocked");
    ASSERT_TRUE(tern_go(blocked, NULL) > 0);
    tern_yield(); /* it runs and parks */
    EXPECT_TRUE(run("goroutines", SHELL_OK,
                    NEEDLES("  id parent state", "main", "running",
                            "chan receive   blocked ", " goroutines\n")));
    tern_chan_send(blocker, &v);
    tern_yield();
    tern_chan_free(blocker);
}

TEST(shell, schedtrace_starts_and_stops)
{
    EXPECT_TRUE(run("schedtrace 20", SHELL_OK, NEEDLES("every 20 ms")));
    EXPECT_EQ(shell_schedtrace_ms(), 20);
    tern_sleep(70000000); /* a few SCHED lines on the console */
    EXPECT_TRUE(run("schedtrace 10", SHELL_OK, NULL)); /* replaces it */
    tern_sleep(30000000);
    EXPECT_TRUE(run("schedtrace off", SHELL_OK, NEEDLES("schedtrace off")));
    EXPECT_EQ(shell_schedtrace_ms(), 0);
    tern_sleep(50000000); /* the tracers see they are stale and end */
}

/* --- whole sessions through the console ------------------------------------
 */

static volatile int shell_done;
static uint32_t shell_hiwat, shell_size;

static void capture_tx(const char *s, size_t n)
{
    capture_write(&test_capture, s, n);
}

static void shell_goroutine(void *arg)
{
    struct tern_goroutine self;

    (void)arg;
    tern_shell();
    if (tern_goroutines(&self, 1) == 1) { /* the caller comes first */
        shell_hiwat = self.stack_hiwat;
        shell_size = self.stack_size;
    }
    shell_done = 1;
}

/* Type s into the receive ring as fast as the shell takes it. */
static void type(const char *s, size_t n)
{
    while (n > 0) {
        size_t k = console_rx_inject(s, n);
        s += k;
        n -= k;
        if (n > 0)
            tern_sleep(1000000);
    }
}

/* Wait until the shell has read everything and answered. */
static void settle(void)
{
    while (console_rx_pending() > 0)
        tern_sleep(1000000);
    tern_sleep(5000000);
}

static void start_shell(void)
{
    while (tern_trygetc() >= 0) /* nothing left over from other tests */
        ;
    shell_done = 0;
    capture_reset(&test_capture, NULL);
    console_set_tx_hook(capture_tx);
    tern_assert(tern_go(shell_goroutine, NULL) > 0);
    tern_sleep(2000000);
}

static void stop_shell(void)
{
    for (int i = 0; i < 1000 && !shell_done; i++)
        tern_sleep(1000000);
    console_set_tx_hook(NULL);
}

TEST(shell, session_through_the_console)
{
    static const char script[] =
        "hel\t\r"       /* completion */
        "memstats -v\r" /* the deepest commands */
        "memstats -json\r"
        "goroutines\r"
        "heap\r"
        "segments\r"
        "sched\r"
        "uptime\r"
        "version\r"
        "\x1b[A\x1b[A\x1b[A\r"; /* history: sched again */
    bool prompt;
    const char *missing;

    /* The console is captured until stop_shell: check afterwards. */
    start_shell();
    prompt = strcmp(test_capture.first, SHELL_PROMPT) == 0;
    capture_reset(&test_capture,
                  NEEDLES("  memstats [-v|-json] ", "BySize",
                          "{\"Time\":", "region 0:", "tern> version\n",
                          "\033[Ktern> sched\n"));
    type(script, sizeof script - 1);
    settle();
    missing = capture_missing(&test_capture);
    type("exit\r", 5);
    stop_shell();
    EXPECT_TRUE(prompt);
    EXPECT_TRUE(missing == NULL);
    if (missing != NULL)
        tern_printf("missing \"%s\"\n", missing);
    EXPECT_TRUE(shell_done);
    EXPECT_TRUE(shell_size > 0 && shell_hiwat < shell_size);
    tern_printf("shell goroutine stack: %lu of %lu bytes\n",
                (unsigned long)shell_hiwat, (unsigned long)shell_size);
}

/* 10^4 random lines: printable words, binary garbage, over-long lines,
 * escape floods.  Ctrl-D is left out (it would end the shell). */
TEST(shell, random_lines_then_help_still_answers)
{
    uint32_t seed = 2024;
    char buf[3 * SHELL_LINE_MAX];
    bool done_early, garbage_answered, help_answered;

    start_shell();
    capture_reset(&test_capture,
                  NEEDLES("unknown command: ", "line too long\n"));
    for (int i = 0; i < 10000; i++) {
        uint32_t kind = test_rand(&seed) % 8;
        size_t n = kind == 0
                       ? SHELL_LINE_MAX + 1 + test_rand(&seed) % SHELL_LINE_MAX
                       : test_rand(&seed) % 24;

        for (size_t k = 0; k < n; k++) {
            uint32_t r = test_rand(&seed);
            char c = kind <= 3   ? (char)(0x21 + r % 94)
                     : kind == 4 ? (char)r
                     : kind == 5 ? "\x1b[0123456789;AB"[r % 15]
                                 : (char)(0x20 + r % 95);
            buf[k] = c == 0x04 ? 'x' : c;
        }
        buf[n] = '\r';
        type(buf, n + 1);
        if (shell_done)
            break;
    }
    type("\x03", 1);
    settle();
    done_early = shell_done;
    garbage_answered = capture_all_found(&test_capture);
    capture_reset(&test_capture, NEEDLES("\n  help ", "\n  exit "));
    type("help\r", 5);
    settle();
    help_answered = capture_all_found(&test_capture);
    type("exit\r", 5);
    stop_shell();
    EXPECT_TRUE(!done_early);
    EXPECT_TRUE(garbage_answered);
    EXPECT_TRUE(help_answered);
    EXPECT_TRUE(shell_done);
    EXPECT_EQ(tern_console_rx_dropped(), 0);
}
