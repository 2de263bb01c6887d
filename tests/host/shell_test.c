/*
 * tests/host/shell_test.c - the console shell's line editor and command
 * parser (kernel/shell_line.c, kernel/shell.c) under ASan/UBSan: editing
 * keys, history, completion, over-long lines, escape sequences, and a
 * fixed-seed stream of random bytes that must never overrun and always
 * leave a working prompt; then the collector's commands
 * (kernel/shell_gc.c) on a fresh heap, and memstats -json checked as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/host/host.h"
#include "gc/gc.h"
#include "kernel/segments.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "tests/common/capture.h"
#include "tests/harness/test.h"
#include "tests/host/fake_board.h"

#define NEEDLES(...) ((const char *const[]){__VA_ARGS__, NULL})

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
    feed("mems\t");
    EXPECT_STREQ(ed.buf, "memstats ");
    capture_reset(&test_capture, NEEDLES("memstats", "memlimit"));
    feed("\x15mem\t"); /* memstats, memlimit: nothing to add */
    EXPECT_STREQ(ed.buf, "mem");
    feed("\t");
    EXPECT_TRUE(capture_all_found(&test_capture));
    feed("\x15gct\t"); /* gctrace, not gc */
    EXPECT_STREQ(ed.buf, "gctrace ");
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

TEST(shell_parse, sizes_strictly)
{
    int64_t v = 7;

    EXPECT_TRUE(shell_parse_size("0", &v) && v == 0);
    EXPECT_TRUE(shell_parse_size("12345", &v) && v == 12345);
    EXPECT_TRUE(shell_parse_size("64K", &v) && v == 65536);
    EXPECT_TRUE(shell_parse_size("3M", &v) && v == 3 << 20);
    EXPECT_TRUE(shell_parse_size("9223372036854775807", &v) && v == INT64_MAX);
    EXPECT_TRUE(shell_parse_size("9007199254740991K", &v) &&
                v == INT64_MAX - 1023);
    EXPECT_TRUE(shell_parse_size("8796093022207M", &v) &&
                v == INT64_MAX - 1048575);
    v = 7;
    const char *bad[] = {"",
                         "12Q",
                         "-1",
                         "+1",
                         "K",
                         "M",
                         "1KK",
                         "1k",
                         "1KB",
                         "1.5M",
                         "0x10",
                         " 1",
                         "1 ",
                         "9223372036854775808",
                         "18446744073709551616",
                         "99999999999999999999999999",
                         "9007199254740992K",
                         "8796093022208M",
                         "18446744073709551615M"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (shell_parse_size(bad[i], &v))
            test_fail(__FILE__, __LINE__, "\"%s\" accepted", bad[i]);
    EXPECT_EQ(v, 7);
}

TEST(shell_parse, fractions_fixed_point)
{
    char b[32];

    shell_fraction(b, sizeof b, 0, 0);
    EXPECT_STREQ(b, "0.000000");
    shell_fraction(b, sizeof b, 7, 0);
    EXPECT_STREQ(b, "0.000000");
    shell_fraction(b, sizeof b, 1, 3);
    EXPECT_STREQ(b, "0.333333");
    shell_fraction(b, sizeof b, 2, 3); /* truncated, not rounded */
    EXPECT_STREQ(b, "0.666666");
    shell_fraction(b, sizeof b, 123456789, 1000000000);
    EXPECT_STREQ(b, "0.123456");
    shell_fraction(b, sizeof b, 1, 1000000);
    EXPECT_STREQ(b, "0.000001");
    shell_fraction(b, sizeof b, 1, 1000001);
    EXPECT_STREQ(b, "0.000000");
    shell_fraction(b, sizeof b, 5, 4);
    EXPECT_STREQ(b, "1.250000");
    shell_fraction(b, sizeof b, 3000000000000000000ull,
                   10000000000000000000ull); /* scaled down, still exact */
    EXPECT_STREQ(b, "0.300000");
    shell_fraction(b, sizeof b, UINT64_MAX, UINT64_MAX);
    EXPECT_STREQ(b, "1.000000");
    shell_fraction(b, sizeof b, UINT64_MAX / 2, UINT64_MAX);
    EXPECT_STREQ(b, "0.499999");
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
                          "\nPauseNs ", "\nGCCPUFraction ", "\nMinFree ")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memstats -v", NEEDLES("BySize", "\n    0 ")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memstats -json",
                  NEEDLES(",\"HeapAlloc\":", ",\"NumGC\":", ",\"PauseNs\":[",
                          ",\"GCCPUFraction\":", "\"BySize\":[{", "}]}\n")),
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

TEST(shell_exec, cpus_lists_the_one_cpu)
{
    EXPECT_EQ(run("cpus", NEEDLES("cpu  hwid  state", "\n0    0     running ")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("cpus x", NEEDLES("usage: cpus")), SHELL_USAGE);
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

/* --- the collector's commands and memstats' GC fields ------------------------
 */

#define GC_HEAP_BYTES (256u << 10)

static uint8_t *gc_arena;

/* A fresh heap and collector (as tests/host/gc_test.c makes them):
 * GOGC 100, the memory limit the heap's size, no cycle yet.  The host
 * has no segment table of its own: drop a fake one a test installed
 * (segments.table_install_and_read_back), whose "globals" the collector
 * would scan. */
static void fresh_gc_heap(void)
{
    struct mm_region r;

    segments_set(NULL, 0);
    if (gc_arena == NULL)
        gc_arena = aligned_alloc(MM_PAGE_SIZE, GC_HEAP_BYTES);
    r = (struct mm_region){(uintptr_t)gc_arena,
                           (uintptr_t)gc_arena + GC_HEAP_BYTES};
    mm_init_regions(&r, 1);
    gc_init();
    tern_gctrace(false);
}

static uint64_t numgc(void)
{
    struct tern_gcstats gs;

    tern_read_gcstats(&gs);
    return gs.numgc;
}

/* The whole output of one command (the host has room for it). */
static struct {
    char buf[16384];
    size_t len;
} all;

static void all_write(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n && all.len + 1 < sizeof all.buf; i++)
        all.buf[all.len++] = s[i];
    all.buf[all.len] = '\0';
}

static int run_all(const char *text)
{
    char buf[SHELL_LINE_MAX + 1];
    struct shell_out o = {all_write, NULL};

    snprintf(buf, sizeof buf, "%s", text);
    all.len = 0;
    all.buf[0] = '\0';
    return shell_exec(&o, buf);
}

/* A JSON checker (RFC 8259's grammar, no \u digits check), enough to say
 * memstats -json parses. */
static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *json_digits(const char *p)
{
    const char *q = p;

    while (*p >= '0' && *p <= '9')
        p++;
    return p == q ? NULL : p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (; *p != '"'; p++) {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\' && (*++p == '\0' || strchr("\"\\/bfnrtu", *p) == NULL))
            return NULL;
    }
    return p + 1;
}

static const char *json_number(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if ((p = json_digits(p)) == NULL || (p[-1] == '0' && 0))
        return NULL;
    if (*p == '.' && (p = json_digits(p + 1)) == NULL)
        return NULL;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        p = json_digits(p);
    }
    return p;
}

static const char *json_value(const char *p, int depth)
{
    p = json_ws(p);
    if (depth > 8)
        return NULL;
    if (*p == '{' || *p == '[') {
        bool obj = *p == '{';
        char close = obj ? '}' : ']';

        p = json_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (obj) {
                p = json_string(json_ws(p));
                if (p == NULL || *(p = json_ws(p)) != ':')
                    return NULL;
                p++;
            }
            p = json_value(p, depth + 1);
            if (p == NULL)
                return NULL;
            p = json_ws(p);
            if (*p == close)
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    }
    if (*p == '"')
        return json_string(p);
    if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0)
        return p + 4;
    if (strncmp(p, "false", 5) == 0)
        return p + 5;
    if (*p == '-' || (*p >= '0' && *p <= '9'))
        return json_number(p);
    return NULL;
}

/* s is one JSON value and a newline, nothing else. */
static bool json_line(const char *s)
{
    const char *end = json_value(s, 0);

    return end != NULL && strcmp(end, "\n") == 0;
}

TEST(shell_gc, the_json_checker_checks)
{
    EXPECT_TRUE(
        json_line("{\"a\":[1,2.5,-0.25e3],\"b\":{},\"c\":\"x\\\"\"}\n"));
    EXPECT_TRUE(json_line("[]\n"));
    EXPECT_TRUE(!json_line("{\"a\":1,}\n"));
    EXPECT_TRUE(!json_line("{\"a\":.5}\n"));
    EXPECT_TRUE(!json_line("{\"a\":1.}\n"));
    EXPECT_TRUE(!json_line("{\"a\":[1,]}\n"));
    EXPECT_TRUE(!json_line("{\"a\":1}{}\n"));
    EXPECT_TRUE(!json_line("{\"a\":1}\n\n"));
    EXPECT_TRUE(!json_line("{a:1}\n"));
}

TEST(shell_gc, memstats_json_is_one_valid_line_before_and_after_cycles)
{
    char want[48];

    fresh_gc_heap();
    EXPECT_EQ(run_all("memstats -json"), SHELL_OK);
    EXPECT_TRUE(json_line(all.buf));
    EXPECT_TRUE(strstr(all.buf, ",\"NumGC\":0,") != NULL);
    EXPECT_TRUE(strstr(all.buf, ",\"PauseNs\":[],") != NULL);
    for (int i = 0; i < 10; i++) /* more than the JSON's 8 pauses */
        tern_gc();
    EXPECT_EQ(run_all("memstats -json"), SHELL_OK);
    EXPECT_TRUE(json_line(all.buf));
    if (!json_line(all.buf))
        printf("%s", all.buf);
    snprintf(want, sizeof want, ",\"NumGC\":%llu,",
             (unsigned long long)numgc());
    EXPECT_TRUE(strstr(all.buf, want) != NULL);
    EXPECT_TRUE(strstr(all.buf, ",\"NumForcedGC\":10,") != NULL);
    {
        const char *p = strstr(all.buf, ",\"PauseNs\":[");
        int n = 0;

        ASSERT_TRUE(p != NULL);
        for (p += 12; *p != ']' && *p != '\0'; p++)
            n += *p == ',';
        EXPECT_EQ(n + 1, 8);
    }
    EXPECT_TRUE(strstr(all.buf, ",\"GCCPUFraction\":0.") != NULL ||
                strstr(all.buf, ",\"GCCPUFraction\":1.") != NULL);
    /* -v and plain text: the same fields, a line each. */
    EXPECT_EQ(run_all("memstats"), SHELL_OK);
    EXPECT_TRUE(strstr(all.buf, "\nNextGC ") != NULL);
    EXPECT_TRUE(strstr(all.buf, "\nLastGC ") != NULL);
    EXPECT_TRUE(strstr(all.buf, "\nPauseTotalNs ") != NULL);
    EXPECT_TRUE(strstr(all.buf, "\nHeapLive ") != NULL);
    EXPECT_TRUE(strstr(all.buf, "until the GC") == NULL);
}

TEST(shell_gc, gc_runs_a_cycle_and_prints_its_trace_line)
{
    char want[48];
    uint64_t n0;

    fresh_gc_heap();
    for (int i = 0; i < 200; i++) /* garbage */
        (void)tern_alloc_noscan(48);
    n0 = numgc();
    EXPECT_EQ(
        run("gc", NEEDLES("ms clock, ", " ms cpu, ", " KB goal, ",
                          " KB stacks, ", " KB globals, ", " P (forced)\n")),
        SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_EQ(numgc(), n0 + 1);
    snprintf(want, sizeof want, "gc %llu @", (unsigned long long)(n0 + 1));
    EXPECT_TRUE(strncmp(test_capture.first, want, strlen(want)) == 0);
    if (strncmp(test_capture.first, want, strlen(want)) != 0)
        printf("  got \"%s\"\n", test_capture.first);
    /* memstats sees NumGC grow */
    snprintf(want, sizeof want, ",\"NumGC\":%llu,",
             (unsigned long long)(n0 + 1));
    EXPECT_EQ(run("memstats -json", NEEDLES(want)), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("gc", NULL), SHELL_OK);
    snprintf(want, sizeof want, "\n%-14s %12llu\n", "NumGC",
             (unsigned long long)(n0 + 2));
    EXPECT_EQ(run("memstats", NEEDLES(want)), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("gc now", NEEDLES("usage: gc\n")), SHELL_USAGE);
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_EQ(numgc(), n0 + 2);
}

TEST(shell_gc, gctrace_switches_the_line_between_collector_and_command)
{
    size_t n;
    const char *uart;

    fresh_gc_heap();
    EXPECT_EQ(run("gctrace on", NEEDLES("gctrace on (was off)\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    /* on: the collector prints the line (on the console), gc not again */
    fake_uart_reset();
    EXPECT_EQ(run("gc", NULL), SHELL_OK);
    EXPECT_EQ(test_capture.bytes, 0);
    uart = fake_uart_output(&n);
    EXPECT_TRUE(n > 10 && strncmp(uart, "gc 1 @", 6) == 0);
    EXPECT_TRUE(memchr(uart, '\n', n) == uart + n - 1); /* one line */
    EXPECT_EQ(run("gctrace off", NEEDLES("gctrace off (was on)\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    /* off: the command prints it, the console has nothing else */
    fake_uart_reset();
    EXPECT_EQ(run("gc", NEEDLES(" KB goal, ")), SHELL_OK);
    EXPECT_TRUE(strncmp(test_capture.first, "gc 2 @", 6) == 0);
    fake_uart_output(&n);
    EXPECT_EQ(n, 0);
    const char *bad[] = {"gctrace", "gctrace 1", "gctrace ON", "gctrace on off",
                         "gctrace %s%n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_EQ(run(bad[i], NEEDLES("usage: gctrace on|off\n")), SHELL_USAGE);
        EXPECT_EQ(test_capture.lines, 1);
    }
    EXPECT_TRUE(!tern_gctrace(false)); /* still off */
}

TEST(shell_gc, gogc_round_trip_and_bad_input)
{
    struct tern_gcstats gs;

    fresh_gc_heap();
    EXPECT_EQ(run("gogc", NEEDLES("GOGC 100\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("gogc 50", NEEDLES("GOGC 100 -> 50\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    tern_read_gcstats(&gs);
    EXPECT_EQ(gs.gogc, 50);
    EXPECT_EQ(run("gogc off", NEEDLES("GOGC 50 -> off\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    tern_read_gcstats(&gs);
    EXPECT_EQ(gs.gogc, TERN_GOGC_OFF);
    EXPECT_EQ(run("gogc", NEEDLES("GOGC off\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("gogc 0", NEEDLES("GOGC off -> 0\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("gogc 2147483647", NEEDLES("GOGC 0 -> 2147483647\n")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("gogc 75", NULL), SHELL_OK);
    const char *bad[] = {
        "gogc -1",  "gogc 2147483648", "gogc 99999999999999999999999",
        "gogc 1e3", "gogc 50%",        "gogc +5",
        "gogc on",  "gogc 10 20",      "gogc %s%n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_EQ(run(bad[i], NEEDLES("usage: gogc [N|off]\n")), SHELL_USAGE);
        EXPECT_EQ(test_capture.lines, 1);
    }
    tern_read_gcstats(&gs);
    EXPECT_EQ(gs.gogc, 75);
    tern_gc_percent(100);
}

TEST(shell_gc, memlimit_round_trip_and_bad_input)
{
    fresh_gc_heap();
    EXPECT_EQ(run("memlimit", NEEDLES("memlimit 262144 bytes (256.0 KiB)\n")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memlimit 64K", NEEDLES("memlimit 262144 bytes (256.0 KiB) "
                                          "-> 65536 bytes (64.0 KiB)\n")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(tern_gc_memory_limit(-1), 65536);
    EXPECT_EQ(run("memlimit 3M", NEEDLES("-> 3145728 bytes (3.0 MiB)\n")),
              SHELL_OK);
    EXPECT_EQ(tern_gc_memory_limit(-1), 3 << 20);
    EXPECT_EQ(run("memlimit 12345", NEEDLES("-> 12345 bytes (12.0 KiB)\n")),
              SHELL_OK);
    EXPECT_EQ(tern_gc_memory_limit(-1), 12345);
    EXPECT_EQ(run("memlimit 0", NEEDLES("-> 0 bytes (0 B)\n")), SHELL_OK);
    EXPECT_EQ(tern_gc_memory_limit(-1), 0);
    EXPECT_EQ(run("memlimit off", NEEDLES("memlimit 0 bytes (0 B) -> off\n")),
              SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(tern_gc_memory_limit(-1), INT64_MAX);
    EXPECT_EQ(run("memlimit", NEEDLES("memlimit off\n")), SHELL_OK);
    EXPECT_TRUE(capture_all_found(&test_capture));
    EXPECT_EQ(run("memlimit 8796093022207M", NULL), SHELL_OK);
    EXPECT_EQ(tern_gc_memory_limit(-1), INT64_MAX - 1048575);
    EXPECT_EQ(run("memlimit 100K", NULL), SHELL_OK);
    const char *bad[] = {"12Q",
                         "-1",
                         "K",
                         "1KK",
                         "1k",
                         "1.5M",
                         "0x10",
                         "+5",
                         "9223372036854775808",
                         "99999999999999999999999999",
                         "9007199254740992K",
                         "8796093022208M",
                         "%s%n%x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[48], msg[48];

        snprintf(line, sizeof line, "memlimit %s", bad[i]);
        snprintf(msg, sizeof msg, "memlimit: bad size \"%s\"\n", bad[i]);
        EXPECT_EQ(run(line, NEEDLES(msg, "\nusage: memlimit [N[K|M]|off]\n")),
                  SHELL_USAGE);
        EXPECT_TRUE(capture_all_found(&test_capture));
        EXPECT_EQ(test_capture.lines, 2);
    }
    EXPECT_EQ(run("memlimit 1 2", NEEDLES("usage: memlimit")), SHELL_USAGE);
    EXPECT_EQ(test_capture.lines, 1);
    EXPECT_EQ(tern_gc_memory_limit(-1), 100 << 10);
}
