/*
 * tests/target/shell_test.c - the console shell on every board: each
 * command's output shape through the dispatcher, then whole sessions fed
 * through the console's receive ring (console_rx_inject) into tern_shell
 * running as a goroutine on the board's default stack, with its output
 * captured (console_set_tx_hook): scripted commands, and 10^4 random lines
 * (binary garbage, over-long lines, escape floods) after which `help`
 * still answers.  The shell goroutine's stack high-water mark is checked
 * against its stack and printed.  The collector's commands (gc, gogc,
 * memlimit, gctrace) round-trip their knobs, reject bad input, and gc
 * prints Go's gctrace line.
 */
#include <string.h>

#include "gc/gc.h"
#include "kernel/console.h"
#include "kernel/shell.h"
#include "mm/mheap.h"
#include "tests/common/capture.h"
#include "tests/harness/test.h"

/* The needles in flash: main's stack is 1 KiB on the microbit, too small
 * for a dozen compound literals in one frame. */
#define NEEDLES(...)                                                           \
    __extension__({                                                            \
        static const char *const needles_[] = {__VA_ARGS__, NULL};             \
        needles_;                                                              \
    })

/* The dispatcher runs on a goroutine of the default stack size, as the
 * shell does (the test's own frames are not the shell's to pay for). */
static struct {
    struct shell_out *o;
    char *line;
    int got;
    struct tern_waitgroup wg;
} job;

static void exec_body(void *arg)
{
    (void)arg;
    job.got = shell_exec(job.o, job.line);
    tern_waitgroup_done(&job.wg);
}

/* Run one line through the dispatcher into test_capture; true if every
 * needle was printed and the result was want. */
static bool run(const char *text, int want, const char *const *needles)
{
    char buf[SHELL_LINE_MAX + 1];
    struct shell_out o = capture_out(&test_capture);
    int got;

    tern_snprintf(buf, sizeof buf, "%s", text);
    capture_reset(&test_capture, needles);
    job.o = &o;
    job.line = buf;
    job.got = -1000;
    tern_waitgroup_add(&job.wg, 1);
    if (tern_go(exec_body, NULL) < 0) {
        tern_waitgroup_done(&job.wg);
        tern_printf("  `%s`: no memory for the goroutine\n", text);
        return false;
    }
    tern_waitgroup_wait(&job.wg);
    got = job.got;
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
                    NEEDLES("  memstats [-v|-json] ", "\n  gc ",
                            "\n  gogc [N|off] ", "\n  memlimit [N[K|M]|off] ",
                            "\n  gctrace on|off ", "exit")));
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
    EXPECT_TRUE(run("cpus", SHELL_OK,
                    NEEDLES("cpu  hwid  state", "\n0    ", " running ")));
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

static uint64_t numgc(void)
{
    struct tern_gcstats gs;

    tern_read_gcstats(&gs);
    return gs.numgc;
}

/* gc runs a cycle and prints Go's gctrace line; memstats counts it. */
TEST(shell, gc_prints_its_trace_line_and_memstats_counts_it)
{
    bool tracing = tern_gctrace(false);
    uint64_t n0 = numgc();
    char want[48];
    const char *needle[] = {want, NULL};

    EXPECT_TRUE(run("gc", SHELL_OK,
                    NEEDLES("%: ", " ms clock, ", " ms cpu, ", " KB goal, ",
                            " KB globals, ", " P (forced)\n")));
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_EQ(numgc(), n0 + 1);
    tern_snprintf(want, sizeof want, "gc %llu @", (unsigned long long)(n0 + 1));
    EXPECT_TRUE(strncmp(test_capture.first, want, strlen(want)) == 0);
    tern_snprintf(want, sizeof want, ",\"NumGC\":%llu,",
                  (unsigned long long)(n0 + 1));
    EXPECT_TRUE(run("memstats -json", SHELL_OK, needle));
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_TRUE(run("gc", SHELL_OK, NULL));
    tern_snprintf(want, sizeof want, "\n%-14s %12llu\n", "NumGC",
                  (unsigned long long)(n0 + 2));
    EXPECT_TRUE(run("memstats", SHELL_OK, needle));
    EXPECT_TRUE(run("memstats -json", SHELL_OK,
                    NEEDLES(",\"PauseNs\":[", ",\"GCCPUFraction\":",
                            ",\"NextGC\":", ",\"HeapLive\":")));
    EXPECT_TRUE(run("gc 1", SHELL_USAGE, NEEDLES("usage: gc\n")));
    EXPECT_EQ(numgc(), n0 + 2);
    tern_gctrace(tracing);
}

/* `gogc N` moves the heap goal at once, as Go's SetGCPercent does: a
 * higher GOGC gives a higher NextGC (the runway, stacks and globals
 * included, and its floor both scale with it; no memory limit clamps it
 * here), and the memstats line the user reads shows it. */
TEST(shell, gogc_moves_next_gc)
{
    struct tern_gcstats gs;
    int old = tern_gc_percent(100);
    int64_t limit = tern_gc_memory_limit(INT64_MAX); /* no clamp */
    uint64_t goal50, goal400;

    tern_gc(); /* a fresh marked figure */
    EXPECT_TRUE(run("gogc 50", SHELL_OK, NEEDLES(" -> 50\n")));
    tern_read_gcstats(&gs);
    goal50 = gs.next_gc;
    EXPECT_TRUE(run("gogc 400", SHELL_OK, NEEDLES("GOGC 50 -> 400\n")));
    tern_read_gcstats(&gs);
    goal400 = gs.next_gc;
    EXPECT_TRUE(goal400 > goal50);
    EXPECT_TRUE(goal50 > gs.heap_marked);
    {
        char line[40];
        const char *const needle[] = {line, NULL};

        tern_snprintf(line, sizeof line, "NextGC         %12llu  (",
                      (unsigned long long)goal400);
        EXPECT_TRUE(run("memstats", SHELL_OK, needle));
    }
    tern_gc_percent(old);
    tern_gc_memory_limit(limit);
}

TEST(shell, gogc_and_memlimit_round_trip_and_reject_bad_input)
{
    struct tern_gcstats gs;
    int64_t limit = tern_gc_memory_limit(-1);
    int gogc;

    tern_read_gcstats(&gs);
    gogc = gs.gogc;
    EXPECT_TRUE(run("gogc 50", SHELL_OK, NEEDLES("GOGC ", " -> 50\n")));
    tern_read_gcstats(&gs);
    EXPECT_EQ(gs.gogc, 50);
    EXPECT_TRUE(run("gogc off", SHELL_OK, NEEDLES("GOGC 50 -> off\n")));
    EXPECT_TRUE(run("gogc", SHELL_OK, NEEDLES("GOGC off\n")));
    EXPECT_TRUE(run("gogc -1", SHELL_USAGE, NEEDLES("usage: gogc [N|off]\n")));
    EXPECT_TRUE(run("gogc 2147483648", SHELL_USAGE, NEEDLES("usage: gogc")));
    EXPECT_TRUE(run("gogc 5x", SHELL_USAGE, NEEDLES("usage: gogc")));
    tern_read_gcstats(&gs);
    EXPECT_EQ(gs.gogc, TERN_GOGC_OFF);
    tern_gc_percent(gogc);

    EXPECT_TRUE(run("memlimit 64K", SHELL_OK,
                    NEEDLES("memlimit ", " -> 65536 bytes (64.0 KiB)\n")));
    EXPECT_EQ(tern_gc_memory_limit(-1), 65536);
    EXPECT_TRUE(run("memlimit 2M", SHELL_OK,
                    NEEDLES("memlimit 65536 bytes (64.0 KiB) -> 2097152 "
                            "bytes (2.0 MiB)\n")));
    EXPECT_TRUE(run("memlimit off", SHELL_OK, NEEDLES("-> off\n")));
    EXPECT_EQ(tern_gc_memory_limit(-1), INT64_MAX);
    EXPECT_TRUE(run("memlimit", SHELL_OK, NEEDLES("memlimit off\n")));
    EXPECT_TRUE(run("memlimit 12Q", SHELL_USAGE,
                    NEEDLES("memlimit: bad size \"12Q\"\n",
                            "usage: memlimit [N[K|M]|off]\n")));
    EXPECT_TRUE(run("memlimit -5", SHELL_USAGE,
                    NEEDLES("memlimit: bad size \"-5\"\n")));
    EXPECT_TRUE(run("memlimit 9223372036854775808", SHELL_USAGE,
                    NEEDLES("bad size \"9223372036854775808\"")));
    EXPECT_TRUE(run("memlimit 8796093022208M", SHELL_USAGE,
                    NEEDLES("bad size \"8796093022208M\"")));
    EXPECT_TRUE(run("memlimit 1 2", SHELL_USAGE, NEEDLES("usage: memlimit")));
    EXPECT_EQ(tern_gc_memory_limit(limit), INT64_MAX);
}

static void capture_tx(const char *s, size_t n);

/* gctrace on: the collector prints the line (on the console); off: the
 * gc command does. */
TEST(shell, gctrace_on_and_off)
{
    bool tracing = tern_gctrace(false);

    EXPECT_TRUE(run("gctrace on", SHELL_OK, NEEDLES("gctrace on (was off)\n")));
    console_set_tx_hook(capture_tx); /* the collector's line, here too */
    EXPECT_TRUE(run("gc", SHELL_OK, NEEDLES(" KB goal, ", " P (forced)\n")));
    console_set_tx_hook(NULL);
    EXPECT_EQ(test_capture.lines, 1); /* once, not twice */
    EXPECT_TRUE(strncmp(test_capture.first, "gc ", 3) == 0);
    EXPECT_TRUE(
        run("gctrace off", SHELL_OK, NEEDLES("gctrace off (was on)\n")));
    EXPECT_TRUE(
        run("gctrace", SHELL_USAGE, NEEDLES("usage: gctrace on|off\n")));
    EXPECT_TRUE(run("gctrace yes", SHELL_USAGE, NEEDLES("usage: gctrace")));
    EXPECT_TRUE(!tern_gctrace(tracing));
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
                            "chan receive     blocked ", " goroutines\n")));
    tern_chan_send(blocker, &v);
    tern_yield();
    tern_chan_free(blocker);
}

/* The runtime names its own goroutines without the program's name slots:
 * the collector's worker and sweeper (started by its first cycle, where
 * the heap can spare their stacks) show by name, not as addresses. */
TEST(shell, goroutines_names_the_runtimes_own)
{
    tern_gc();
    EXPECT_TRUE(gc_goroutine_name(NULL) == NULL);
    if ((uint64_t)mheap.total_pages * MM_PAGE_SIZE < 16 * 1024) {
        /* no workers on so small a heap (gc/gc.c): nothing to list */
        EXPECT_TRUE(run("goroutines", SHELL_OK, NEEDLES(" goroutines\n")));
        return;
    }
    EXPECT_TRUE(run("goroutines", SHELL_OK,
                    NEEDLES(" gc worker ", " gc sweeper ", " goroutines\n")));
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

/* Wait until the shell has read everything and answered: the receive
 * ring drained, then every needle printed (up to 2 s: without icount,
 * QEMU's clock runs on while a loaded host starves the guest, so a fixed
 * pause can end before the last command's answer), then 5 ms more. */
static void settle(void)
{
    while (console_rx_pending() > 0)
        tern_sleep(1000000);
    for (int i = 0; i < 2000 && capture_missing(&test_capture) != NULL; i++)
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

/* The collector's commands typed at the shell: gc runs on the shell
 * goroutine's stack, with the trace line printed from inside the
 * collection (gctrace on): the deepest path a command takes. */
TEST(shell, gc_session_through_the_console)
{
    static const char script[] = "gctrace on\r"
                                 "gc\r"
                                 "gctrace off\r"
                                 "gc\r"
                                 "gogc\r"
                                 "memlimit 12Q\r"
                                 "memstats\r";
    bool tracing = tern_gctrace(false);
    const char *missing;

    start_shell();
    capture_reset(&test_capture,
                  NEEDLES("gctrace on (was off)\n", " P (forced)\n",
                          "tern> gc\ngc ", "GOGC ", "bad size \"12Q\"",
                          "\nPauseTotalNs "));
    type(script, sizeof script - 1);
    settle();
    missing = capture_missing(&test_capture);
    type("exit\r", 5);
    stop_shell();
    EXPECT_TRUE(missing == NULL);
    if (missing != NULL)
        tern_printf("missing \"%s\"\n", missing);
    EXPECT_TRUE(shell_done);
    EXPECT_TRUE(shell_size > 0 && shell_hiwat < shell_size);
    tern_printf("shell goroutine stack with gc: %lu of %lu bytes\n",
                (unsigned long)shell_hiwat, (unsigned long)shell_size);
    tern_gctrace(tracing);
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
