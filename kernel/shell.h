/*
 * kernel/shell.h - the serial console shell.  See kernel/shell.c for the
 * design.
 *
 * Two pure pieces, testable on the host, and the goroutine that joins them
 * to the UART:
 *   struct shell_line   the line editor: fed one byte at a time, echoes
 *                       through a sink, says when a line is complete
 *                       (kernel/shell_line.c)
 *   shell_exec          the command parser and dispatcher: one line in,
 *                       the command's output to a sink (kernel/shell.c,
 *                       the commands in kernel/shell_cmds.c)
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/fmt.h"
#include "tern.h"

#define SHELL_LINE_MAX 80 /* bytes of a command line (NUL not counted) */
#define SHELL_HISTORY  4  /* lines remembered for up/down */
#define SHELL_ARGS     8  /* words of a command line, the name included */
#define SHELL_PROMPT   "tern> "

/* Where output goes: the console, or a test's buffer. */
struct shell_out {
    fmt_sink write; /* called once per chunk */
    void *ctx;
};

/* --- the line editor (kernel/shell_line.c) ------------------------------ */

/* What a byte did (shell_line_feed). */
enum shell_event {
    SHELL_NONE,    /* nothing for the caller: keep feeding */
    SHELL_LINE,    /* l->buf holds a complete line (NUL-terminated) */
    SHELL_CANCEL,  /* Ctrl-C: the line was dropped ("^C" echoed) */
    SHELL_TOOLONG, /* the line overran the buffer: "line too long" printed,
                    * the rest of it (to its newline) discarded */
    SHELL_EOF,     /* Ctrl-D on an empty line */
};

/* Completion candidates: the i-th word, or NULL past the last. */
typedef const char *(*shell_words)(int i);

struct shell_line {
    /* owned by the editor: */
    char buf[SHELL_LINE_MAX + 1]; /* the line, NUL-terminated */
    uint8_t len;                  /* bytes in buf */
    uint8_t esc;                  /* escape-sequence state: ESC_* */
    uint8_t esc_len;              /* parameter bytes seen in the sequence */
    bool discard;                 /* overran: dropping bytes to the newline */
    bool after_cr;                /* the last line ended with CR (an LF
                                   * right after it is the same end) */
    /* history, newest at hist[(hist_head - 1) % SHELL_HISTORY]: */
    char hist[SHELL_HISTORY][SHELL_LINE_MAX + 1];
    uint8_t hist_n;    /* lines held (<= SHELL_HISTORY) */
    uint8_t hist_head; /* where the next line goes */
    int8_t hist_pos;   /* lines back being shown; -1: the new line */
    /* set by shell_line_init: */
    struct shell_out out; /* echo */
    shell_words words;    /* tab completion, or NULL */
};

/* Start with an empty line and history; echo to out. */
void shell_line_init(struct shell_line *l, struct shell_out out,
                     shell_words words);

/* Feed one byte (0..255); echo goes to l->out.  Printable ASCII is kept;
 * CR or LF ends the line; BS/DEL erase; Ctrl-U erases the line; Ctrl-C
 * cancels it; Tab completes the first word; ESC [ A / ESC [ B walk the
 * history; other bytes and malformed escape sequences are ignored.  Never
 * writes beyond buf.  O(SHELL_LINE_MAX) at most per byte. */
enum shell_event shell_line_feed(struct shell_line *l, int c);

/* After SHELL_LINE: make the line empty again and remember it (if it is
 * not blank and differs from the newest line). */
void shell_line_commit(struct shell_line *l);

/* --- commands (kernel/shell.c, kernel/shell_cmds.c) ---------------------- */

#define SHELL_OK    0  /* command done */
#define SHELL_USAGE 1  /* bad arguments: the usage line was printed */
#define SHELL_EXIT  -1 /* the `exit` command: leave the shell */

struct shell_cmd {
    const char *name;
    const char *args; /* usage after the name, "" if none */
    const char *help; /* one line */
    int (*fn)(struct shell_out *o, int argc, char **argv);
};

extern const struct shell_cmd shell_cmds[];
extern const int shell_ncmds;

/* Formatted output to o (the format is always the shell's own). */
int shell_printf(struct shell_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print "usage: <name> <args>" for cmd; returns SHELL_USAGE. */
int shell_usage(struct shell_out *o, const struct shell_cmd *cmd);

/* Scratch space for one command at a time (commands run one at a time,
 * in the shell's goroutine): off the stack, which may be 1 KiB. */
#define SHELL_SCRATCH 160
union shell_scratch {
    char text[SHELL_SCRATCH]; /* sched's line, heap's row */
    struct tern_gcstats gc;   /* memstats' and gogc's snapshot */
};
extern union shell_scratch shell_scratch;

/* The command called name, or NULL. */
const struct shell_cmd *shell_find(const char *name);

/* Split line in place into words separated by spaces and tabs; argv gets
 * at most max of them.  Returns their count, or -1 if there are more. */
int shell_split(char *line, char **argv, int max);

/* Parse a whole decimal number in [lo, hi]: no sign, no spaces, no
 * suffix.  Returns false (and leaves *v alone) otherwise. */
bool shell_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v);

/* Parse a size in bytes for memlimit: a whole decimal number with an
 * optional suffix K (x 1024) or M (x 1024 * 1024), at most INT64_MAX; no
 * sign, no spaces, nothing after the suffix.  Returns false (and leaves
 * *v alone) otherwise, overflow included. */
bool shell_parse_size(const char *s, int64_t *v);

/* Run one command line: SHELL_OK, SHELL_USAGE (also for an unknown
 * command or too many words) or SHELL_EXIT.  A blank line does nothing. */
int shell_exec(struct shell_out *o, char *line);

/* "12.3 KiB": bytes in human units (B, KiB, MiB, GiB; one decimal). */
void shell_human(char *buf, size_t size, uint64_t bytes);

/* num / den as "0.012345": fixed point, SHELL_FRAC_DIGITS decimals,
 * truncated (no floating point); "0.000000" when den is 0. */
#define SHELL_FRAC_DIGITS 6
void shell_fraction(char *buf, size_t size, uint64_t num, uint64_t den);

/* The name registered for a goroutine entry function, or NULL. */
const char *shell_fn_name(void (*fn)(void *));

/* schedtrace N|off: the period in ms now in force (0: off). */
uint32_t shell_schedtrace_ms(void);

/* The command words, for completion (shell_words). */
const char *shell_cmd_word(int i);

#endif /* KERNEL_SHELL_H */
