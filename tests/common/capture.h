/*
 * tests/common/capture.h - a struct shell_out sink for tests that checks
 * output as it streams by, in constant memory (the microbit's test image
 * has no room for a whole `memstats -v`): it keeps the first line, the
 * last bytes, counts bytes and lines, and watches for up to
 * CAPTURE_NEEDLES strings (each at most CAPTURE_WINDOW bytes).
 */
#ifndef TESTS_COMMON_CAPTURE_H
#define TESTS_COMMON_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/shell.h"

#define CAPTURE_NEEDLES 6
#define CAPTURE_WINDOW  64
#define CAPTURE_FIRST   96

struct capture {
    char first[CAPTURE_FIRST]; /* the first line (truncated), NUL-ended */
    size_t first_len;
    char tail[CAPTURE_WINDOW + 1]; /* the last bytes, NUL-ended */
    size_t tail_len;
    size_t bytes;    /* bytes written */
    size_t lines;    /* newlines written */
    size_t nonprint; /* bytes neither printable, '\n' nor ESC sequences */
    const char *needle[CAPTURE_NEEDLES];
    bool found[CAPTURE_NEEDLES];
};

/* One capture for every test file (RAM is short on the microbit; the
 * tests run one at a time). */
extern struct capture test_capture;

/* Start over, watching for the NULL-terminated list of needles. */
void capture_reset(struct capture *c, const char *const *needles);

/* The sink (struct shell_out.write) with ctx a struct capture. */
void capture_write(void *ctx, const char *s, size_t n);

/* A shell_out writing into c. */
struct shell_out capture_out(struct capture *c);

/* Every needle was seen. */
bool capture_all_found(const struct capture *c);

/* The first needle not seen, or NULL. */
const char *capture_missing(const struct capture *c);

#endif /* TESTS_COMMON_CAPTURE_H */
