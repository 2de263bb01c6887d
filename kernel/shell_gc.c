/*
 * kernel/shell_gc.c - the shell's collector commands: gc, gogc, memlimit,
 * gctrace.  See kernel/shell.c for the overview and gc/gc.c for the
 * collector.
 *
 * Each is a thin wrapper over the public knob (tern_gc, tern_gc_percent,
 * tern_gc_memory_limit, tern_gctrace) with strict parsing: a word that is
 * not exactly what the usage line says gets the usage line and changes
 * nothing.  The setters print the old value and the new one, so a typo
 * is visible at once.  Nothing here allocates (the first collection may
 * start the collector's worker and sweeper, whose stacks come from the
 * manual heap; never the GC heap).  `gc` runs the collection on the
 * shell's own stack (the deepest command: see tern_shell in
 * include/tern.h).
 */
#include <stdint.h>
#include <string.h>

#include "gc/gc.h"
#include "kernel/shell.h"
#include "tern.h"

/* --- gc -------------------------------------------------------------------- */

/* A full collection, then its gctrace line.  With gctrace on, the
 * collector has printed the line on the console already (the shell's
 * output, in the shell), so it is not printed twice.  gc.trace is read
 * without the collector's say: a byte only tern_gctrace writes. */
int shell_cmd_gc(struct shell_out *o, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return shell_usage(o, shell_find("gc"));
    tern_gc();
    if (!gc.trace && !gc_trace_write(o->write, o->ctx))
        shell_printf(o, "gc: done; another cycle is already marking\n");
    return SHELL_OK;
}

/* --- gogc ------------------------------------------------------------------ */

static void print_gogc(struct shell_out *o, int pct)
{
    if (pct < 0)
        shell_printf(o, "off");
    else
        shell_printf(o, "%d", pct);
}

int shell_cmd_gogc(struct shell_out *o, int argc, char **argv)
{
    uint32_t pct;
    int old, want;

    if (argc == 1) {
        tern_read_gcstats(&shell_scratch.gc);
        shell_printf(o, "GOGC ");
        print_gogc(o, shell_scratch.gc.gogc);
        shell_printf(o, "\n");
        return SHELL_OK;
    }
    if (argc != 2)
        return shell_usage(o, shell_find("gogc"));
    if (strcmp(argv[1], "off") == 0)
        want = TERN_GOGC_OFF;
    else if (shell_parse_u32(argv[1], 0, INT32_MAX, &pct))
        want = (int)pct;
    else
        return shell_usage(o, shell_find("gogc"));
    old = tern_gc_percent(want);
    shell_printf(o, "GOGC ");
    print_gogc(o, old);
    shell_printf(o, " -> ");
    print_gogc(o, want);
    shell_printf(o, "\n");
    return SHELL_OK;
}

/* --- memlimit -------------------------------------------------------------- */

/* INT64_MAX is "no limit", as Go's math.MaxInt64. */
static void print_limit(struct shell_out *o, int64_t bytes)
{
    char h[16];

    if (bytes == INT64_MAX) {
        shell_printf(o, "off");
        return;
    }
    shell_human(h, sizeof h, (uint64_t)bytes);
    shell_printf(o, "%llu bytes (%s)", (unsigned long long)bytes, h);
}

int shell_cmd_memlimit(struct shell_out *o, int argc, char **argv)
{
    int64_t bytes, old;

    if (argc == 1) {
        shell_printf(o, "memlimit ");
        print_limit(o, tern_gc_memory_limit(-1));
        shell_printf(o, "\n");
        return SHELL_OK;
    }
    if (argc != 2)
        return shell_usage(o, shell_find("memlimit"));
    if (strcmp(argv[1], "off") == 0) {
        bytes = INT64_MAX;
    } else if (!shell_parse_size(argv[1], &bytes)) {
        shell_printf(o, "memlimit: bad size \"%s\"\n", argv[1]);
        return shell_usage(o, shell_find("memlimit"));
    }
    old = tern_gc_memory_limit(bytes);
    shell_printf(o, "memlimit ");
    print_limit(o, old);
    shell_printf(o, " -> ");
    print_limit(o, bytes);
    shell_printf(o, "\n");
    return SHELL_OK;
}

/* --- gctrace --------------------------------------------------------------- */

int shell_cmd_gctrace(struct shell_out *o, int argc, char **argv)
{
    bool on, old;

    if (argc != 2 ||
        (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
        return shell_usage(o, shell_find("gctrace"));
    on = strcmp(argv[1], "on") == 0;
    old = tern_gctrace(on);
    shell_printf(o, "gctrace %s (was %s)\n", on ? "on" : "off",
                 old ? "on" : "off");
    return SHELL_OK;
}
