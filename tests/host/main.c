/*
 * tests/host/main.c - the host test binary: every TEST in tests/host,
 * under ASan/UBSan.  Death tests run in a forked child whose output is
 * captured: it must exit with TERN_EXIT_FATAL and print
 * "fatal error: <message>", and whatever it announced with
 * test_expect_output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gc/gc.h"
#include "kernel/canary.h"
#include "kernel/time.h"
#include "tests/harness/test.h"

/* "fatal error: msg && more && ...": every part is in the report (the
 * harness convention, tests/harness/test.h). */
static int report_has(const char *out, char *want)
{
    char *part = want, *sep;

    for (;;) {
        sep = strstr(part, " && ");
        if (sep != NULL)
            *sep = '\0';
        if (strstr(out, part) == NULL)
            return 0;
        if (sep == NULL)
            return 1;
        *sep = ' ';
        part = sep + 4;
    }
}

/* Every "EXPECT-OUTPUT <text>" line in out (test_expect_output) has its
 * text on another line too; else the first text missing, in missing. */
static int expected_output_found(const char *out, char *missing, size_t size)
{
    static const char tag[] = "EXPECT-OUTPUT ";

    for (const char *p = strstr(out, tag); p != NULL; p = strstr(p + 1, tag)) {
        const char *text = p + sizeof tag - 1;
        size_t len = strcspn(text, "\n");
        int seen = 0;

        snprintf(missing, size, "%.*s", (int)len, text);
        for (const char *q = strstr(out, missing); q != NULL;
             q = strstr(q + 1, missing))
            seen++;
        if (seen < 2)
            return 0;
    }
    missing[0] = '\0';
    return 1;
}

static int run_death(const struct test_case *t)
{
    char out[4096], want[256], missing[256] = "";
    size_t len = 0;
    int fds[2], status;
    pid_t pid;
    ssize_t n;

    fflush(stdout);
    if (pipe(fds) != 0)
        return 0;
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        t->fn();
        printf("returned instead of dying\n");
        fflush(stdout);
        _exit(TERN_EXIT_OK);
    }
    close(fds[1]);
    while (len < sizeof out - 1 &&
           (n = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    waitpid(pid, &status, 0);
    snprintf(want, sizeof want, "fatal error: %s", t->death);
    if (WIFEXITED(status) && WEXITSTATUS(status) == TERN_EXIT_FATAL &&
        report_has(out, want) &&
        expected_output_found(out, missing, sizeof missing))
        return 1;
    printf("FAIL %s.%s: expected exit %d and \"%s\"%s%s%s, got status "
           "0x%x:\n%s\n",
           t->suite, t->name, TERN_EXIT_FATAL, want,
           missing[0] ? " and \"" : "", missing, missing[0] ? "\"" : "", status,
           out);
    return 0;
}

/* `tests` runs them all; `tests run suite.name` one (as on a board). */
int main(int argc, char **argv)
{
    char cmdline[128] = "";

    setvbuf(stdout, NULL, _IONBF, 0);
    gc_set_thread_stack_top(__builtin_frame_address(0));
    canary_init();
    time_init(TIME_TICK_HZ_DEFAULT);
    if (argc == 3 && strcmp(argv[1], "run") == 0)
        snprintf(cmdline, sizeof cmdline, "run %s", argv[2]);
    return test_main(cmdline, 0, run_death);
}
