/*
 * tests/host/shell_test.c - the console shell's line editor and command
 * parser (kernel/shell_line.c, kernel/shell.c) under ASan/UBSan: editing
 * keys, history, completion, over-long lines, escape sequences, and a
 * fixed-seed stream of random bytes that must never overrun and always
 * leave a working prompt.
 */
#include <stdio.h>
#include <string.h>

#include "arch/host/host.h"
#include "kernel/shell.h"
#include "tests/common/capture.h"
#include "tests/harness/test.h"

static struct shell_line ed;

static void start(void)
{
    capture_reset(&test_capture, NULL);
    shell_line_init(&ed, capture_out(&test_capture), shell_cmd_word);
}

/* Feed s; returns the last event that was not SHELL_NONE (or NONE). */
static enum shell_event feed(const char *s)
{
    enum shell_event last = SHELL_NONE;

    for (; *s != '\0'; s++) {
        enum shell_event e = shell_line_feed(&ed, (unsigned char)*s);
        if (e != SHELL_NONE)
            last = e;
    }
    return last;
}

/* Feed s, which must end the line; returns the line and commits it. */
static const char *line(const char *s)
{
    static char got[SHELL_LINE_MAX + 1];

    if (feed(s) != SHELL_LINE)
        return "<no line>";
    memcpy(got, ed.buf, sizeof got);
    shell_line_commit(&ed);
    return got;
}

TEST(shell_line, plain_line_and_echo)
{
    start();
    EXPECT_EQ(feed("help"), SHELL_NONE);
    EXPECT_STREQ(test_capture.first, "help");
    EXPECT_STREQ(line("\r"), "help");
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_EQ(ed.len, 0);
}

TEST(shell_line, crlf_is_one_line_end)
{
    start();
    EXPECT_STREQ(line("sched\r\n"), "sched");
    EXPECT_STREQ(line("uptime\n"), "uptime");
    EXPECT_EQ(feed("\r\n"), SHELL_LINE); /* an empty line, once */
    EXPECT_EQ(feed("\n"), SHELL_LINE);   /* LF after LF: another line */
}

TEST(shell_line, backspace_and_delete)
{
    start();
    EXPECT_STREQ(line("\b\x7fhelx\x7fpp\b\r"), "help");
    EXPECT_TRUE(strstr(test_capture.tail, "\b \b") != NULL);
}

TEST(shell_line, ctrl_u_erases_the_line)
{
    start();
    EXPECT_STREQ(line("garbage\x15version\r"), "version");
}

TEST(shell_line, ctrl_c_cancels)
{
    start();
    EXPECT_EQ(feed("memst\x03"), SHELL_CANCEL);
    EXPECT_EQ(ed.len, 0);
    EXPECT_TRUE(strstr(test_capture.tail, "^C\n") != NULL);
    EXPECT_STREQ(line("help\r"), "help");
}

TEST(shell_line, ctrl_d_is_eof_on_an_empty_line_only)
{
    start();
    EXPECT_EQ(feed("ab\x04"), SHELL_NONE);
    EXPECT_STREQ(ed.buf, "ab");
    EXPECT_EQ(feed("\x15\x04"), SHELL_EOF);
}

TEST(shell_line, history_up_and_down)
{
    start();
    line("memstats\r");
    line("sched\r");
    feed("\x1b[A");
    EXPECT_STREQ(ed.buf, "sched");
    feed("\x1b[A");
    EXPECT_STREQ(ed.buf, "memstats");
    feed("\x1b[A"); /* no older line: stays */
    EXPECT_STREQ(ed.buf, "memstats");
    feed("\x1b[B");
    EXPECT_STREQ(ed.buf, "sched");
    feed("\x1b[B");
    EXPECT_STREQ(ed.buf, "");
    feed("\x1b[B");
    EXPECT_STREQ(ed.buf, "");
    feed("\x1bOA"); /* application-mode arrows too */
    EXPECT_STREQ(ed.buf, "sched");
    EXPECT_STREQ(line("\r"), "sched"); /* a recalled line runs */
    EXPECT_TRUE(strstr(test_capture.tail, SHELL_PROMPT) != NULL); /* redrawn */
}

TEST(shell_line, history_keeps_the_newest_distinct_lines)
{
    char want[16];

    start();
    line("   \r"); /* blank: not kept */
    for (int i = 0; i < SHELL_HISTORY + 2; i++) {
        char cmd[16];
        snprintf(cmd, sizeof cmd, "c%d\r", i);
        line(cmd);
        line(cmd); /* a repeat is kept once */
    }
    for (int i = 0; i < SHELL_HISTORY + 3; i++)
        feed("\x1b[A");
    snprintf(want, sizeof want, "c%d", 2);
    EXPECT_STREQ(ed.buf, want);
    EXPECT_EQ(ed.hist_n, SHELL_HISTORY);
}

TEST(shell_line, tab_completes_command_names)
{
    start();
    feed("mem\t");
    EXPECT_STREQ(ed.buf, "memstats ");
    feed("\x15sc\t"); /* sched, schedtrace: their common prefix */
    EXPECT_STREQ(ed.buf, "sched");
    capture_reset(&test_capture, (const char *const[]){"schedtrace", NULL});
    feed("\t"); /* nothing to add: list them */
    EXPECT_STREQ(ed.buf, "sched");
    EXPECT_TRUE(capture_all_found(&test_capture));
    feed("\x15xyz\t");
    EXPECT_STREQ(ed.buf, "xyz");
    feed("\x15help me\t"); /* only the first word completes */
    EXPECT_STREQ(ed.buf, "help me");
}

TEST(shell_line, a_full_line_fits)
{
    char s[SHELL_LINE_MAX + 2];

    start();
    memset(s, 'a', SHELL_LINE_MAX);
    s[SHELL_LINE_MAX] = '\r';
    s[SHELL_LINE_MAX + 1] = '\0';
    EXPECT_EQ(strlen(line(s)), SHELL_LINE_MAX);
}

TEST(shell_line, an_over_long_line_is_rejected_whole)
{
    char s[3 * SHELL_LINE_MAX];

    start();
    memset(s, 'x', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    EXPECT_EQ(feed(s), SHELL_NONE);
    EXPECT_EQ(ed.len, SHELL_LINE_MAX);
    EXPECT_EQ(feed("\x1b[A\x7f\x15more"), SHELL_NONE); /* all discarded */
    capture_reset(&test_capture,
                  (const char *const[]){"line too long\n", NULL});
    EXPECT_EQ(feed("\r"), SHELL_TOOLONG);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(ed.len, 0);
    EXPECT_STREQ(line("help\r"), "help");
    EXPECT_EQ(ed.hist_n, 1); /* the long line is not in the history */
}

TEST(shell_line, bad_bytes_and_escape_sequences_are_ignored)
{
    start();
    EXPECT_STREQ(line("\x80h\xff\x01\x02"
                      "e\x1b[C\x1b[1;5Dl\x1bxp\x1b[99999999999A"
                      "\x1b\x1b\x1b[\r"),
                 "help");
    EXPECT_STREQ(line("\x1b[12\x03"), "<no line>"); /* Ctrl-C in a sequence */
    EXPECT_STREQ(line("ok\r"), "ok");
    EXPECT_EQ(test_capture.nonprint,
              0); /* nothing but text and ESC sequences echoed */
}

static void check_invariants(const struct shell_line *l, int *bad)
{
    if (l->len > SHELL_LINE_MAX || l->buf[l->len] != '\0' ||
        strlen(l->buf) != l->len || l->hist_n > SHELL_HISTORY ||
        l->hist_head >= SHELL_HISTORY || l->hist_pos < -1 ||
        l->hist_pos >= (int)l->hist_n)
        (*bad)++;
    for (size_t i = 0; i < l->len; i++)
        if (l->buf[i] < 0x20 || l->buf[i] > 0x7e)
            (*bad)++;
}

/* 10^5 random byte sequences, biased towards the bytes the editor acts on;
 * after each, Ctrl-C and a command must give that command. */
TEST(shell_line, random_bytes_never_overrun_and_always_recover)
{
    static const char special[] = "\x1b[AOB\r\n\t\x7f\b\x03\x15\x04 ms";
    uint32_t seed = 12345;
    int bad = 0, lost = 0;
    long lines = 0;

    start();
    for (int round = 0; round < 100000; round++) {
        int n = 1 + (int)(test_rand(&seed) % 48);

        capture_reset(&test_capture, NULL);
        for (int i = 0; i < n; i++) {
            uint32_t r = test_rand(&seed);
            int c = r % 4 == 0   ? special[(r >> 8) % (sizeof special - 1)]
                    : r % 4 == 1 ? (int)((r >> 8) & 0xff)
                                 : 0x20 + (int)((r >> 8) % 95);
            enum shell_event e = shell_line_feed(&ed, c);

            if (e == SHELL_LINE) {
                char argv_line[SHELL_LINE_MAX + 1];
                char *argv[SHELL_ARGS];

                memcpy(argv_line, ed.buf, sizeof argv_line);
                shell_line_commit(&ed);
                (void)shell_split(argv_line, argv, SHELL_ARGS);
                lines++;
            }
            check_invariants(&ed, &bad);
        }
        if (feed("\x03version\r") != SHELL_LINE ||
            strcmp(ed.buf, "version") != 0)
            lost++;
        shell_line_commit(&ed);
        if (bad || lost) {
            test_fail(__FILE__, __LINE__, "round %d: invariants %d, lost %d",
                      round, bad, lost);
            return;
        }
    }
    EXPECT_TRUE(lines > 1000);
}

/* --- the parser -------------------------------------------------------------
 */

TEST(shell_parse, split_words)
{
    char s[] = "  memstats \t -v  ";
    char *argv[SHELL_ARGS];

    EXPECT_EQ(shell_split(s, argv, SHELL_ARGS), 2);
    EXPECT_STREQ(argv[0], "memstats");
    EXPECT_STREQ(argv[1], "-v");
    char e[] = "   ";
    EXPECT_EQ(shell_split(e, argv, SHELL_ARGS), 0);
    char m[] = "a b c";
    EXPECT_EQ(shell_split(m, argv, 2), -1);
}

TEST(shell_parse, numbers_strictly)
{
    uint32_t v = 7;

    EXPECT_TRUE(shell_parse_u32("10", 10, 100, &v) && v == 10);
    EXPECT_TRUE(shell_parse_u32("4294967295", 0, 0xffffffffu, &v) &&
                v == 0xffffffffu);
    EXPECT_TRUE(!shell_parse_u32("4294967296", 0, 0xffffffffu, &v));
    EXPECT_TRUE(!shell_parse_u32("99999999999999999999999", 0, 100, &v));
    EXPECT_TRUE(!shell_parse_u32("", 0, 100, &v));
    EXPECT_TRUE(!shell_parse_u32("-1", 0, 100, &v));
    EXPECT_TRUE(!shell_parse_u32("+1", 0, 100, &v));
    EXPECT_TRUE(!shell_parse_u32("1e3", 0, 10000, &v));
    EXPECT_TRUE(!shell_parse_u32("5", 10, 100, &v));
    EXPECT_TRUE(!shell_parse_u32("101", 10, 100, &v));
    EXPECT_EQ(v, 0xffffffffu);
}

TEST(shell_parse, human_units)
{
    char b[16];

    shell_human(b, sizeof b, 0);
    EXPECT_STREQ(b, "0 B");
    shell_human(b, sizeof b, 1023);
    EXPECT_STREQ(b, "1023 B");
    shell_human(b, sizeof b, 1536);
    EXPECT_STREQ(b, "1.5 KiB");
    shell_human(b, sizeof b, 4u << 20);
    EXPECT_STREQ(b, "4.0 MiB");
    shell_human(b, sizeof b, 3ull << 40);
    EXPECT_STREQ(b, "3072.0 GiB");
}

/* Run line through the dispatcher; returns its result. */
static int run(const char *text, const char *const *needles)
{
    char buf[SHELL_LINE_MAX + 1];
    struct shell_out o = capture_out(&test_capture);

    snprintf(buf, sizeof buf, "%s", text);
    capture_reset(&test_capture, needles);
    return shell_exec(&o, buf);
}

#define NEEDLES(...) ((const char *const[]){__VA_ARGS__, NULL})

TEST(shell_exec, unknown_commands_and_bad_arguments)
{
    EXPECT_EQ(run("", NULL), SHELL_OK);
    EXPECT_EQ(test_capture.bytes, 0);
    EXPECT_EQ(run("frobnicate %s%n%x", NEEDLES("unknown command: frobnicate "
                                               "(try help)\n")),
              SHELL_USAGE);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("%n%s%d", NEEDLES("unknown command: %n%s%d (try help)")),
              SHELL_USAGE);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("a b c d e f g h i", NEEDLES("too many arguments")),
              SHELL_USAGE);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("help me", NEEDLES("usage: help\n")), SHELL_USAGE);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memstats -x", NEEDLES("usage: memstats [-v|-json]\n")),
              SHELL_USAGE);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memstats -v -json", NEEDLES("usage: memstats")),
              SHELL_USAGE);
    const char *bad[] = {
        "schedtrace",      "schedtrace 5",           "schedtrace -1",
        "schedtrace 1e3",  "schedtrace 99999999999", "schedtrace on",
        "schedtrace 10 20"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_EQ(run(bad[i], NEEDLES("usage: schedtrace N|off\n")),
                  SHELL_USAGE);
        EXPECT_EQ(test_capture.lines, 1);
    }
    EXPECT_EQ(run("exit now", NEEDLES("usage: exit")), SHELL_USAGE);
    EXPECT_EQ(run("exit", NULL), SHELL_EXIT);
}

TEST(shell_exec, help_lists_every_command)
{
    EXPECT_EQ(run("help", NULL), SHELL_OK);
    EXPECT_EQ(test_capture.lines, (size_t)shell_ncmds);
    for (int i = 0; i < shell_ncmds; i++) {
        capture_reset(&test_capture,
                      (const char *const[]){shell_cmds[i].name, NULL});
        struct shell_out o = capture_out(&test_capture);
        char h[] = "help";
        shell_exec(&o, h);
        EXPECT_TRUE(capture_all_found(&test_capture));
    }
}

TEST(shell_exec, memstats_text_and_json)
{
    EXPECT_EQ(run("memstats",
                  NEEDLES("\nHeapAlloc ", "\nStackInuse ", "\nNumGC ",
                          "\nFragmentation ", "\nMinFree ", "0 until the GC")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memstats -v", NEEDLES("BySize", "\n    0 ")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memstats -json", NEEDLES(",\"HeapAlloc\":", ",\"NumGC\":0",
                                            "\"BySize\":[{", "}]}\n")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_TRUE(strncmp(test_capture.first, "{\"Time\":", 8) == 0);
}

TEST(shell_exec, version_and_uptime)
{
    EXPECT_EQ(run("version", NEEDLES("tern " TERN_VERSION, " on host, "
                                                           "host")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("uptime", NEEDLES("up ", " ticks at ", " Hz, ")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
}

static int resets;

static void count_reset(void)
{
    resets++;
}

TEST(shell_exec, reset_takes_no_arguments_and_calls_the_arch)
{
    host_set_reset_hook(count_reset);
    resets = 0;
    EXPECT_EQ(run("reset now", NEEDLES("usage: reset\n")), SHELL_USAGE);
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_EQ(resets, 0);
    EXPECT_EQ(run("reset", NEEDLES("resetting\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_TRUE(strncmp(test_capture.first, "resetting", 9) == 0);
    EXPECT_EQ(resets, 1);
    host_set_reset_hook(NULL);
}
