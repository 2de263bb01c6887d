/*
 * tests/common/capture.c - see capture.h.
 */
#include "tests/common/capture.h"

#include <string.h>

struct capture test_capture;

void capture_reset(struct capture *c, const char *const *needles)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; needles != NULL && needles[i] != NULL; i++) {
        if (i == CAPTURE_NEEDLES)
            break;
        c->needle[i] = needles[i];
    }
}

static void put(struct capture *c, char ch)
{
    if (c->lines == 0 && ch != '\n' && c->first_len + 1 < CAPTURE_FIRST) {
        c->first[c->first_len++] = ch;
        c->first[c->first_len] = '\0';
    }
    if (ch == '\n')
        c->lines++;
    else if ((ch < 0x20 && ch != '\r' && ch != '\b' && ch != 0x1b) ||
             (unsigned char)ch >= 0x7f)
        c->nonprint++;
    c->bytes++;
    if (c->tail_len == CAPTURE_WINDOW) {
        memmove(c->tail, c->tail + 1, CAPTURE_WINDOW - 1);
        c->tail_len--;
    }
    c->tail[c->tail_len++] = ch;
    c->tail[c->tail_len] = '\0';
    for (int i = 0; i < CAPTURE_NEEDLES && c->needle[i] != NULL; i++) {
        size_t n = strlen(c->needle[i]);

        if (!c->found[i] && n <= c->tail_len &&
            memcmp(c->tail + c->tail_len - n, c->needle[i], n) == 0)
            c->found[i] = true;
    }
}

void capture_write(void *ctx, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(ctx, s[i]);
}

struct shell_out capture_out(struct capture *c)
{
    struct shell_out o = {capture_write, c};
    return o;
}

const char *capture_missing(const struct capture *c)
{
    for (int i = 0; i < CAPTURE_NEEDLES && c->needle[i] != NULL; i++)
        if (!c->found[i])
            return c->needle[i];
    return NULL;
}

bool capture_all_found(const struct capture *c)
{
    return capture_missing(c) == NULL;
}
