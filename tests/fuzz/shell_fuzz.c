/*
 * tests/fuzz/shell_fuzz.c - libFuzzer target for the console shell: the
 * line editor (kernel/shell_line.c) and the command parser and dispatcher
 * (kernel/shell.c), built natively with clang and ASan+UBSan.
 *
 * Each input is a stream of keystrokes fed to a fresh editor; every line
 * it completes is run through shell_exec, as the shell goroutine would.
 * Checked after every byte: the editor's invariants (the line and its
 * history stay NUL-terminated within their buffers, the counters in
 * range).  Checked on every output: no byte outside printable text, CR,
 * LF, tab, BS and ESC reaches the terminal (input is never echoed raw and
 * never used as a format string).  Anything else is the sanitizers'.
 *
 * schedtrace with a valid period would start a goroutine that no
 * scheduler runs here, so that one command is parsed but not run (its
 * parsing has its own unit tests); reset calls a hook instead of ending
 * the process.  The collector's commands run for real on a small heap
 * (nothing in it: the shell allocates nothing), its knobs set back to
 * their defaults before each input so that inputs stay independent.
 *
 *   make fuzz               a long run (FUZZ_TIME seconds, default 300)
 *   make test               a bounded run (tools/run-tests: FUZZ_RUNS)
 * The corpus is tests/fuzz/corpus/ (new finds of `make fuzz` land there).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/host/host.h"
#include "gc/gc.h"
#include "kernel/canary.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "mm/mm.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct shell_line ed;

static void check(int ok)
{
    if (!ok)
        abort();
}

static void sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        check((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t' ||
              c == '\b' || c == 0x1b);
    }
}

static void check_editor(const struct shell_line *l)
{
    check(l->len <= SHELL_LINE_MAX);
    check(l->buf[l->len] == '\0' && strlen(l->buf) == l->len);
    check(l->hist_n <= SHELL_HISTORY && l->hist_head < SHELL_HISTORY);
    check(l->hist_pos >= -1 && l->hist_pos < (int)l->hist_n);
    for (int i = 0; i < SHELL_HISTORY; i++)
        check(memchr(l->hist[i], '\0', sizeof l->hist[i]) != NULL);
}

static void no_reset(void)
{
}

/* Run one completed line, as tern_shell does. */
static void run_line(struct shell_out *o, const char *text)
{
    char line[SHELL_LINE_MAX + 1], words[SHELL_LINE_MAX + 1];
    char *argv[SHELL_ARGS];
    int argc;

    memcpy(line, text, sizeof line);
    memcpy(words, text, sizeof words);
    argc = shell_split(words, argv, SHELL_ARGS);
    if (argc >= 2 && strcmp(argv[0], "schedtrace") == 0 &&
        strcmp(argv[1], "off") != 0) {
        uint32_t ms;

        (void)shell_parse_u32(argv[1], 10, 3600000, &ms);
        return;
    }
    int r = shell_exec(o, line);
    check(r == SHELL_OK || r == SHELL_USAGE || r == SHELL_EXIT);
}

#define HEAP_BYTES (64u << 10)

/* What tests/host/main.c sets up before any test: the clock that
 * uptime and memstats read; and a heap with its collector, for gc. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static _Alignas(MM_PAGE_SIZE) uint8_t arena[HEAP_BYTES];
    struct mm_region r = {(uintptr_t)arena, (uintptr_t)arena + HEAP_BYTES};

    (void)argc;
    (void)argv;
    canary_init();
    time_init(TIME_TICK_HZ_DEFAULT);
    host_set_reset_hook(no_reset);
    mm_init_regions(&r, 1);
    gc_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct shell_out o = {sink, NULL};

    /* gc scans this thread's stack from its SP up to here */
    gc_set_thread_stack_top(__builtin_frame_address(0));
    tern_gc_percent(100);
    tern_gc_memory_limit(HEAP_BYTES);
    tern_gctrace(false);
    shell_line_init(&ed, o, shell_cmd_word);
    for (size_t i = 0; i < size; i++) {
        enum shell_event e = shell_line_feed(&ed, data[i]);

        check_editor(&ed);
        if (e == SHELL_LINE) {
            run_line(&o, ed.buf);
            shell_line_commit(&ed);
            check_editor(&ed);
        } else if (e == SHELL_EOF) {
            break;
        }
    }
    return 0;
}
