/*
 * kernel/shell_line.c - the console's line editor.  See kernel/shell.c for
 * the overview.
 *
 * A state machine fed one byte at a time; it owns a fixed buffer and a
 * fixed history and never writes outside them, whatever the bytes.  The
 * cursor is always at the end of the line (no left/right movement), so
 * every edit is an append, an erase of the last byte or a redraw of the
 * whole line ("\r", erase-line, prompt, text).
 *
 * Escape sequences (ESC [ ... final, ESC O final) are parsed and dropped
 * except up/down.  The parser keeps no bytes, only a saturating count:
 * a sequence with more than ESC_PARAMS_MAX parameter bytes is swallowed
 * whole and ignored, and any control byte inside one aborts it and is then
 * handled as itself, so CR, Ctrl-C and Ctrl-U always work, however broken
 * the sequence that came before.
 *
 * Invariants (after every byte):
 *   len <= SHELL_LINE_MAX, buf[len] == '\0', buf[0..len) printable ASCII
 *   hist_n <= SHELL_HISTORY, hist_head < SHELL_HISTORY,
 *   -1 <= hist_pos < hist_n
 */
#include "kernel/shell.h"

#include <string.h>

#define ESC_NONE  0
#define ESC_START 1 /* ESC seen */
#define ESC_CSI   2 /* ESC [ or ESC O seen: parameters, then a final byte */

#define ESC_PARAMS_MAX 8

#define CTRL(c) ((c)&0x1f)

static void put(struct shell_line *l, const char *s, size_t n)
{
    l->out.write(l->out.ctx, s, n);
}

static void puts_(struct shell_line *l, const char *s)
{
    put(l, s, strlen(s));
}

/* Clear the terminal line and show the prompt and the text. */
static void redraw(struct shell_line *l)
{
    puts_(l, "\r\033[K" SHELL_PROMPT);
    put(l, l->buf, l->len);
}

static void set_line(struct shell_line *l, const char *s)
{
    size_t n = strlen(s);

    if (n > SHELL_LINE_MAX)
        n = SHELL_LINE_MAX;
    memcpy(l->buf, s, n);
    l->buf[n] = '\0';
    l->len = (uint8_t)n;
}

void shell_line_init(struct shell_line *l, struct shell_out out,
                     shell_words words)
{
    memset(l, 0, sizeof *l);
    l->hist_pos = -1;
    l->out = out;
    l->words = words;
}

void shell_line_commit(struct shell_line *l)
{
    const char *newest =
        l->hist[(l->hist_head + SHELL_HISTORY - 1) % SHELL_HISTORY];
    bool blank = true;

    for (size_t i = 0; i < l->len; i++)
        if (l->buf[i] != ' ')
            blank = false;
    if (!blank && (l->hist_n == 0 || strcmp(newest, l->buf) != 0)) {
        memcpy(l->hist[l->hist_head], l->buf, (size_t)l->len + 1);
        l->hist_head = (uint8_t)((l->hist_head + 1) % SHELL_HISTORY);
        if (l->hist_n < SHELL_HISTORY)
            l->hist_n++;
    }
    l->len = 0;
    l->buf[0] = '\0';
    l->hist_pos = -1;
}

/* Up (dir 1) or down (dir -1) the history. */
static void history(struct shell_line *l, int dir)
{
    int pos = l->hist_pos + dir;

    if (pos >= (int)l->hist_n || pos < -1)
        return;
    l->hist_pos = (int8_t)pos;
    if (pos < 0)
        set_line(l, "");
    else
        set_line(
            l,
            l->hist[(l->hist_head + SHELL_HISTORY - 1 - pos) % SHELL_HISTORY]);
    redraw(l);
}

static void append(struct shell_line *l, char c)
{
    l->buf[l->len++] = c;
    l->buf[l->len] = '\0';
    put(l, &c, 1);
}

/* Tab: complete the first word to the longest prefix the matching command
 * words share; with several candidates and nothing to add, list them. */
static void complete(struct shell_line *l)
{
    const char *first = NULL, *w;
    size_t common = 0, n = l->len;
    int matches = 0;

    if (l->words == NULL || strchr(l->buf, ' ') != NULL)
        return;
    for (int i = 0; (w = l->words(i)) != NULL; i++) {
        if (strncmp(w, l->buf, n) != 0)
            continue;
        if (matches++ == 0) {
            first = w;
            common = strlen(w);
        } else {
            size_t k = n;
            while (k < common && w[k] == first[k])
                k++;
            common = k;
        }
    }
    if (matches == 0)
        return;
    for (size_t k = n; k < common && l->len < SHELL_LINE_MAX; k++)
        append(l, first[k]);
    if (matches == 1) {
        if (l->len < SHELL_LINE_MAX)
            append(l, ' ');
    } else if (common == n) {
        puts_(l, "\n");
        for (int i = 0; (w = l->words(i)) != NULL; i++)
            if (strncmp(w, l->buf, n) == 0) {
                puts_(l, w);
                puts_(l, "  ");
            }
        puts_(l, "\n");
        redraw(l);
    }
}

static enum shell_event escape(struct shell_line *l, int c)
{
    if (l->esc == ESC_START) {
        if (c == '[' || c == 'O') {
            l->esc = ESC_CSI;
            l->esc_len = 0;
        } else {
            l->esc = ESC_NONE; /* Alt-<key>: dropped */
        }
        return SHELL_NONE;
    }
    if (c >= 0x20 && c <= 0x3f) { /* parameter and intermediate bytes */
        if (l->esc_len <= ESC_PARAMS_MAX)
            l->esc_len++;
        return SHELL_NONE;
    }
    l->esc = ESC_NONE; /* the final byte */
    if (l->discard || l->esc_len > ESC_PARAMS_MAX)
        return SHELL_NONE;
    if (c == 'A')
        history(l, 1);
    else if (c == 'B')
        history(l, -1);
    return SHELL_NONE; /* other final bytes (arrows, keys): dropped */
}

enum shell_event shell_line_feed(struct shell_line *l, int c)
{
    bool after_cr = l->after_cr;

    c &= 0xff;
    l->after_cr = false;
    if (l->esc != ESC_NONE) {
        if (c >= 0x20 && c != 0x7f && c < 0x80)
            return escape(l, c);
        l->esc = ESC_NONE; /* a control byte ends the sequence: */
    }                      /* handle it as itself */
    switch (c) {
    case '\n':
        if (after_cr)
            return SHELL_NONE; /* CR LF: one line end */
        /* fall through */
    case '\r':
        l->after_cr = c == '\r';
        puts_(l, "\n");
        if (l->discard) {
            l->discard = false;
            l->len = 0;
            l->buf[0] = '\0';
            puts_(l, "line too long\n");
            return SHELL_TOOLONG;
        }
        return SHELL_LINE;
    case CTRL('C'):
        puts_(l, "^C\n");
        l->discard = false;
        l->len = 0;
        l->buf[0] = '\0';
        l->hist_pos = -1;
        return SHELL_CANCEL;
    case CTRL('D'):
        if (l->len == 0 && !l->discard)
            return SHELL_EOF;
        return SHELL_NONE;
    case 0x1b:
        l->esc = ESC_START;
        return SHELL_NONE;
    }
    if (l->discard)
        return SHELL_NONE;
    switch (c) {
    case '\b':
    case 0x7f:
        if (l->len > 0) {
            l->buf[--l->len] = '\0';
            puts_(l, "\b \b");
        }
        return SHELL_NONE;
    case CTRL('U'):
        l->len = 0;
        l->buf[0] = '\0';
        redraw(l);
        return SHELL_NONE;
    case '\t':
        complete(l);
        return SHELL_NONE;
    }
    if (c < 0x20 || c >= 0x7f)
        return SHELL_NONE; /* other controls, 8-bit bytes: dropped */
    if (l->len >= SHELL_LINE_MAX) {
        l->discard = true; /* to the end of this line */
        return SHELL_NONE;
    }
    append(l, (char)c);
    return SHELL_NONE;
}
