/*
 * kernel/shell.c - the serial console shell.
 *
 * The shell is how a Tern user looks into a running board: `memstats`,
 * `goroutines`, `sched`, `heap`, `segments` over the UART.  It must keep
 * working when the rest of the system is in trouble, so:
 *
 *   - it allocates once, when it starts: the line editor's state (the
 *     line and its history, ~430 bytes) comes from the manual heap
 *     (tern_malloc, never the GC heap) and goes back when the shell ends,
 *     so that a 16 KiB board pays for it only while a shell runs; the
 *     argument vector and every command's scratch space are fixed buffers
 *     (static or small stack arrays), so a heap exhausted after the start
 *     does not silence it;
 *   - user input is never a format string: commands print words the user
 *     typed only through "%s";
 *   - every byte is accepted: the line editor (kernel/shell_line.c) keeps
 *     printable ASCII, acts on a handful of control keys and escape
 *     sequences, and drops everything else; a line longer than
 *     SHELL_LINE_MAX is rejected whole ("line too long") and the editor is
 *     back at a fresh prompt after the next newline;
 *   - commands parse their arguments strictly (whole decimal numbers in a
 *     range, known flags) and answer anything else with their usage line.
 *
 * Structure:
 *   1. tern_shell() runs in the calling goroutine (the demo's main, or any
 *      goroutine the program starts for it): prompt, then tern_getc(),
 *      which parks on the console's receive note, so the shell costs no
 *      CPU while nobody types.
 *   2. Each byte goes to shell_line_feed(); on SHELL_LINE the line goes to
 *      shell_exec(), which splits it into words (shell_split), finds the
 *      command in shell_cmds[] and calls it with a struct shell_out.
 *   3. Commands print through shell_printf(o, ...), i.e. fmt_vformat into
 *      o's sink: the console's tern_write in the shell, a buffer in tests.
 *      So the editor and the dispatcher are pure functions of their input
 *      and run the same on the host (tests/host/shell_test.c) and on
 *      every board (tests/target/shell_test.c).
 *
 * Stack: the shell runs on an ordinary goroutine stack (1 KiB on the
 * microbit).  The editor state lives in static storage; the deepest
 * command (memstats, with a struct mm_stats and a number buffer) needs a
 * few hundred bytes; goroutines' snapshot table is static.
 *
 * The collector's commands (gc, gogc, memlimit, gctrace) are in
 * kernel/shell_gc.c; memstats reads the collector's figures through
 * tern_read_gcstats like any program would.
 */
#include "kernel/shell.h"

#include <string.h>

#include "arch/arch.h"
#include "tern.h"

#ifndef TERN_GIT
#define TERN_GIT "unknown"
#endif

union shell_scratch shell_scratch TERN_PRIVATE;
_Static_assert(sizeof(union shell_scratch) == SHELL_SCRATCH,
               "the GC snapshot fits the scratch space");

int shell_printf(struct shell_out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vformat(o->write, o->ctx, fmt, ap);
    va_end(ap);
    return n;
}

int shell_usage(struct shell_out *o, const struct shell_cmd *cmd)
{
    shell_printf(o, "usage: %s%s%s\n", cmd->name, cmd->args[0] ? " " : "",
                 cmd->args);
    return SHELL_USAGE;
}

const struct shell_cmd *shell_find(const char *name)
{
    for (int i = 0; i < shell_ncmds; i++)
        if (strcmp(shell_cmds[i].name, name) == 0)
            return &shell_cmds[i];
    return NULL;
}

const char *shell_cmd_word(int i)
{
    return i >= 0 && i < shell_ncmds ? shell_cmds[i].name : NULL;
}

int shell_split(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line;

    for (;;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (*p == '\0')
            return argc;
        if (argc == max)
            return -1;
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
    }
}

bool shell_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
    uint64_t x = 0;

    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        x = x * 10 + (uint64_t)(*s - '0');
        if (x > hi)
            return false;
    }
    if (x < lo)
        return false;
    *v = (uint32_t)x;
    return true;
}

bool shell_parse_size(const char *s, int64_t *v)
{
    uint64_t x = 0, unit = 1;

    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        uint64_t d = (uint64_t)(*s - '0');

        if (x > ((uint64_t)INT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    if (*s == 'K' || *s == 'M')
        unit = *s++ == 'K' ? 1024 : 1024 * 1024;
    if (*s != '\0' || x > (uint64_t)INT64_MAX / unit)
        return false;
    *v = (int64_t)(x * unit);
    return true;
}

int shell_exec(struct shell_out *o, char *line)
{
    char *argv[SHELL_ARGS];
    int argc = shell_split(line, argv, SHELL_ARGS);
    const struct shell_cmd *cmd;

    if (argc == 0)
        return SHELL_OK;
    if (argc < 0) {
        shell_printf(o, "too many arguments (at most %d words)\n", SHELL_ARGS);
        return SHELL_USAGE;
    }
    cmd = shell_find(argv[0]);
    if (cmd == NULL) {
        shell_printf(o, "unknown command: %s (try help)\n", argv[0]);
        return SHELL_USAGE;
    }
    return cmd->fn(o, argc, argv);
}

void shell_human(char *buf, size_t size, uint64_t bytes)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB"};
    uint64_t whole = bytes, tenths = 0;
    unsigned u = 0;

    if (bytes < 1024) {
        tern_snprintf(buf, size, "%u B", (unsigned)bytes);
        return;
    }
    while (whole >= 1024 && u < 3) {
        tenths = (whole % 1024) * 10 / 1024;
        whole /= 1024;
        u++;
    }
    tern_snprintf(buf, size, "%llu.%u %s", (unsigned long long)whole,
                  (unsigned)tenths, unit[u]);
}

void shell_fraction(char *buf, size_t size, uint64_t num, uint64_t den)
{
    char frac[SHELL_FRAC_DIGITS + 1];
    uint64_t rem;

    if (den == 0) {
        num = 0;
        den = 1;
    }
    /* rem < den, and rem * 10 must not overflow: scale both down (the
     * precision lost is below 2^-59 of den). */
    while (den > UINT64_MAX / 10) {
        num >>= 1;
        den >>= 1;
    }
    rem = num % den;
    for (int i = 0; i < SHELL_FRAC_DIGITS; i++) {
        rem *= 10;
        frac[i] = (char)('0' + rem / den);
        rem %= den;
    }
    frac[SHELL_FRAC_DIGITS] = '\0';
    tern_snprintf(buf, size, "%llu.%s", (unsigned long long)(num / den), frac);
}

/* --- goroutine names ------------------------------------------------------
 * The image has no symbol table; a program names its goroutine entry
 * functions with tern_shell_name, and `goroutines` prints the name.
 */
#ifndef TERN_SHELL_NAMES
#define TERN_SHELL_NAMES 8 /* board.mk may say fewer */
#endif
#define SHELL_NAMES TERN_SHELL_NAMES

static struct {
    void (*fn)(void *);
    const char *name;
} names[SHELL_NAMES] TERN_PRIVATE;

void tern_shell_name(void (*fn)(void *), const char *name)
{
    for (int i = 0; i < SHELL_NAMES; i++)
        if (names[i].fn == NULL || names[i].fn == fn) {
            names[i].fn = fn;
            names[i].name = name;
            return;
        }
}

const char *shell_fn_name(void (*fn)(void *))
{
    for (int i = 0; i < SHELL_NAMES && names[i].fn != NULL; i++)
        if (names[i].fn == fn)
            return names[i].name;
    return NULL;
}

/* --- small commands -------------------------------------------------------- */

static int cmd_help(struct shell_out *o, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("help"));
    for (int i = 0; i < shell_ncmds; i++) {
        const struct shell_cmd *c = &shell_cmds[i];
        char usage[40];

        tern_snprintf(usage, sizeof usage, "%s%s%s", c->name,
                      c->args[0] ? " " : "", c->args);
        shell_printf(o, "  %-24s %s\n", usage, c->help);
    }
    return SHELL_OK;
}

static int cmd_version(struct shell_out *o, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("version"));
    shell_printf(o, "tern %s (%s) on %s, %s, compiler gcc %s\n", TERN_VERSION,
                 TERN_GIT, BOARD_NAME, arch_cpu_name(), __VERSION__);
    return SHELL_OK;
}

/* ns as "12.345 s" (ms resolution). */
static void fmt_secs(char *buf, size_t size, uint64_t ns)
{
    uint64_t ms = ns / 1000000;

    tern_snprintf(buf, size, "%llu.%03u s", (unsigned long long)(ms / 1000),
                  (unsigned)(ms % 1000));
}

static int cmd_uptime(struct shell_out *o, int argc, char **argv)
{
    struct tern_sched_stats st;
    char up[24];
    uint64_t total, busy_pm;

    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("uptime"));
    tern_sched_stats(&st);
    total = st.busy_ns + st.idle_ns;
    busy_pm = total ? st.busy_ns * 1000 / total : 0;
    fmt_secs(up, sizeof up, (uint64_t)tern_nanotime());
    shell_printf(o,
                 "up %s, %llu ticks at %u Hz, %u goroutines, cpu busy "
                 "%u.%u%%\n",
                 up, (unsigned long long)tern_ticks(), (unsigned)tern_tick_hz(),
                 (unsigned)st.goroutines, (unsigned)(busy_pm / 10),
                 (unsigned)(busy_pm % 10));
    return SHELL_OK;
}

/* The CPUs the port found (arch/arch.h): CPU 0 runs the runtime, the
 * others (several only on pc under -smp N) idle, counting their timer's
 * interrupts and the IPIs they took. */
static int cmd_cpus(struct shell_out *o, int argc, char **argv)
{
    static const char *const states[] = {"off", "starting", "running", "idle",
                                         "failed"};
    struct arch_cpu c;

    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("cpus"));
    shell_printf(o, "cpu  hwid  state     ticks       ipis\n");
    for (unsigned i = 0; arch_cpu_read(i, &c); i++)
        shell_printf(
            o, "%-4u %-5u %-9s %-11lu %lu\n", i, c.hwid,
            c.state < sizeof states / sizeof states[0] ? states[c.state] : "?",
            (unsigned long)c.ticks, (unsigned long)c.ipis);
    return SHELL_OK;
}

static int cmd_sched(struct shell_out *o, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("sched"));
    tern_schedtrace(shell_scratch.text, sizeof shell_scratch.text);
    shell_printf(o, "%s\n", shell_scratch.text);
    return SHELL_OK;
}

/* The shell's line editor, while tern_shell runs (NULL otherwise). */
static struct shell_line *volatile cur_line TERN_PRIVATE;
static volatile bool shell_active;

/* The prompt and the line being typed, after output that overwrote them
 * (a schedtrace line).  The line is copied with interrupts masked (the
 * shell cannot end or edit it meanwhile; 80 bytes at most), so the
 * picture is at worst a moment stale. */
static void redraw_prompt(void)
{
    char copy[SHELL_LINE_MAX];
    size_t n = 0;
    unsigned long irq = arch_irq_save();
    struct shell_line *l = cur_line;

    if (l != NULL) {
        n = l->len <= SHELL_LINE_MAX ? l->len : SHELL_LINE_MAX;
        memcpy(copy, l->buf, n);
    }
    arch_irq_restore(irq);
    tern_write(SHELL_PROMPT, sizeof SHELL_PROMPT - 1);
    tern_write(copy, n);
}

/* schedtrace N: a goroutine prints a line every N ms.  Each start bumps
 * trace_gen; a tracer whose generation is stale (off, or a newer one
 * started) ends at its next wake-up. */
static volatile uint32_t trace_ms, trace_gen;

static void schedtrace_loop(void *arg)
{
    uint32_t gen = (uint32_t)(uintptr_t)arg;
    char text[160];

    for (;;) {
        tern_sleep((int64_t)trace_ms * 1000000);
        if (gen != trace_gen)
            return;
        int n = tern_schedtrace(text, sizeof text - 1);
        if (n > (int)sizeof text - 2)
            n = (int)sizeof text - 2;
        text[n++] = '\n';
        if (shell_active) /* over the prompt, which then comes back */
            tern_write("\r\033[K", 4);
        tern_write(text, (size_t)n);
        if (shell_active)
            redraw_prompt();
    }
}

uint32_t shell_schedtrace_ms(void)
{
    return trace_ms;
}

static int cmd_schedtrace(struct shell_out *o, int argc, char **argv)
{
    const struct shell_cmd *self = shell_find("schedtrace");
    uint32_t ms;

    if (argc != 2)
        return shell_usage(o, self);
    if (strcmp(argv[1], "off") == 0) {
        trace_gen++;
        trace_ms = 0;
        shell_printf(o, "schedtrace off\n");
        return SHELL_OK;
    }
    if (!shell_parse_u32(argv[1], 10, 3600000, &ms))
        return shell_usage(o, self);
    tern_shell_name(schedtrace_loop, "schedtrace");
    trace_gen++;
    trace_ms = ms;
    if (tern_go(schedtrace_loop, (void *)(uintptr_t)trace_gen) < 0) {
        trace_ms = 0;
        shell_printf(o, "schedtrace: out of memory for its goroutine\n");
        return SHELL_OK;
    }
    shell_printf(o, "schedtrace every %lu ms\n", (unsigned long)ms);
    return SHELL_OK;
}

/* Whatever the shell printed has gone to the UART by the time the reset
 * happens (tern_write waits for each byte's slot); the last byte may
 * still be shifting out. */
static int cmd_reset(struct shell_out *o, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("reset"));
    shell_printf(o, "resetting\n");
    arch_reset_board();
    shell_printf(o, "reset: this board cannot reset\n");
    return SHELL_OK;
}

static int cmd_exit(struct shell_out *o, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("exit"));
    return SHELL_EXIT;
}

/* In kernel/shell_cmds.c: */
int shell_cmd_memstats(struct shell_out *o, int argc, char **argv);
int shell_cmd_goroutines(struct shell_out *o, int argc, char **argv);
int shell_cmd_segments(struct shell_out *o, int argc, char **argv);
int shell_cmd_heap(struct shell_out *o, int argc, char **argv);
/* In kernel/shell_gc.c: */
int shell_cmd_gc(struct shell_out *o, int argc, char **argv);
int shell_cmd_gogc(struct shell_out *o, int argc, char **argv);
int shell_cmd_memlimit(struct shell_out *o, int argc, char **argv);
int shell_cmd_gctrace(struct shell_out *o, int argc, char **argv);

const struct shell_cmd shell_cmds[] = {
    {"help", "", "list the commands", cmd_help},
    {"memstats", "[-v|-json]", "Go MemStats; -v BySize, -json one line",
     shell_cmd_memstats},
    {"gc", "", "run a collection now, print its gctrace line", shell_cmd_gc},
    {"gogc", "[N|off]", "show or set GOGC (heap growth % per cycle)",
     shell_cmd_gogc},
    {"memlimit", "[N[K|M]|off]", "show or set the soft memory limit in bytes",
     shell_cmd_memlimit},
    {"gctrace", "on|off", "a gctrace line after every collection",
     shell_cmd_gctrace},
    {"goroutines", "", "every goroutine: state, entry, stack, CPU",
     shell_cmd_goroutines},
    {"sched", "", "one schedtrace line", cmd_sched},
    {"schedtrace", "N|off", "a schedtrace line every N ms (10..3600000)",
     cmd_schedtrace},
    {"heap", "", "the page heap as a map, free runs, fragmentation",
     shell_cmd_heap},
    {"segments", "", "the memory map: code, data, bss, heap, stack",
     shell_cmd_segments},
    {"uptime", "", "time since boot, ticks, CPU busy", cmd_uptime},
    {"cpus", "", "the CPUs: state, timer ticks, IPIs taken", cmd_cpus},
    {"version", "", "tern version, board, CPU, compiler", cmd_version},
    {"reset", "", "reset the board (QEMU restarts the image)", cmd_reset},
    {"exit", "", "leave the shell (the demo then ends)", cmd_exit},
};
const int shell_ncmds = (int)(sizeof shell_cmds / sizeof shell_cmds[0]);

/* --- the shell goroutine --------------------------------------------------- */

static void console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    tern_write(s, n);
}

static int shell_end(struct shell_line *line)
{
    unsigned long irq = arch_irq_save();

    shell_active = false;
    cur_line = NULL;
    arch_irq_restore(irq);
    tern_free(line);
    return 0;
}

int tern_shell(void)
{
    struct shell_out o = {console_sink, NULL};
    struct shell_line *line = tern_malloc(sizeof *line);

    if (line == NULL) {
        tern_printf("shell: out of memory for the line editor\n");
        return -1;
    }
    shell_line_init(line, o, shell_cmd_word);
    cur_line = line;
    tern_write(SHELL_PROMPT, sizeof SHELL_PROMPT - 1);
    shell_active = true;
    for (;;) {
        int c = tern_getc(-1);

        switch (shell_line_feed(line, c)) {
        case SHELL_NONE:
            continue;
        case SHELL_EOF:
            tern_write("\n", 1);
            return shell_end(line);
        case SHELL_LINE: {
            int r = shell_exec(&o, line->buf);

            /* shell_exec split the line with NULs where it had spaces:
             * put them back for the history. */
            for (size_t i = 0; i < line->len; i++)
                if (line->buf[i] == '\0')
                    line->buf[i] = ' ';
            shell_line_commit(line);
            if (r == SHELL_EXIT)
                return shell_end(line);
            break;
        }
        case SHELL_CANCEL:
        case SHELL_TOOLONG:
            break;
        }
        tern_write(SHELL_PROMPT, sizeof SHELL_PROMPT - 1);
    }
}
