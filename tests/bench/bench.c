/*
 * tests/bench/bench.c - the benchmark image: clock and reporting.
 * See tests/bench/bench.h.  Benchmarks are figures, not tests: nothing
 * here fails on a slow result.
 */
#include "tests/bench/bench.h"

#include <stdbool.h>
#include <string.h>

#include "kernel/time.h"
#include "tern.h"

static struct {
    uint32_t period;   /* tick period in counts while benchmarking */
    uint32_t count_hz; /* timer counts per second */
    unsigned shift;    /* QEMU -icount shift */
    uint32_t overhead; /* counts x 1 of an empty measurement */
    uint32_t old_hz;
} bc;

static unsigned parse_shift(const char *c)
{
    for (; *c != '\0'; c++)
        if (c[0] == 'i' && c[1] == 'c' && c[2] == 'o' && c[3] == 'u' &&
            c[4] == 'n' && c[5] == 't' && c[6] == '=')
            return (unsigned)(c[7] - '0');
    return 0;
}

/* "only=a+b" on the command line: run only the groups named (a quick
 * look at one subsystem while working on it); none: every group.  Not
 * commas: QEMU's option syntax takes them. */
static bool want(const char *group)
{
    const char *c = arch_cmdline(), *o = NULL;
    size_t n = strlen(group);

    for (; *c != '\0'; c++)
        if (strncmp(c, "only=", 5) == 0)
            o = c + 5;
    if (o == NULL)
        return true;
    for (c = o; *c != '\0' && *c != ' ';) {
        if (strncmp(c, group, n) == 0 &&
            (c[n] == '+' || c[n] == ' ' || c[n] == '\0'))
            return true;
        while (*c != '\0' && *c != ' ' && *c != '+')
            c++;
        if (*c == '+')
            c++;
    }
    return false;
}

uint32_t bench_delta(uint32_t a, uint32_t b)
{
    return b >= a ? b - a : b + bc.period - a;
}

uint32_t bench_overhead(void)
{
    return bc.overhead;
}

uint64_t bench_insns100(uint32_t d)
{
    /* counts -> ns -> instructions; x100 for two decimals */
    uint64_t ns100 = (uint64_t)d * 100000000000ull / bc.count_hz;
    uint64_t v = ns100 >> bc.shift;
    uint64_t o =
        ((uint64_t)bc.overhead * 100000000000ull / bc.count_hz) >> bc.shift;

    return v > o ? v - o : 0;
}

uint64_t bench_ns_insns100(int64_t ns)
{
    return ns > 0 ? ((uint64_t)ns * 100u) >> bc.shift : 0;
}

uint32_t bench_ns_per_insn(void)
{
    return 1u << bc.shift;
}

int bench_init(void)
{
    uint32_t hz;

    bc.count_hz = board_timer_count_hz();
    bc.shift = parse_shift(arch_cmdline());
    bc.old_hz = tern_tick_hz();
    for (hz = 1; hz < 1000; hz++)
        if (tern_tick_set_hz(hz) == 0)
            break;
    bc.period = time_period_for(bc.count_hz, tern_tick_hz());
    /* the empty measurement, smallest of several */
    bc.overhead = UINT32_MAX;
    for (int i = 0; i < 16; i++) {
        unsigned long s = arch_irq_save();
        uint32_t a = bench_counts();
        uint32_t b = bench_counts();
        arch_irq_restore(s);
        if (bench_delta(a, b) < bc.overhead)
            bc.overhead = bench_delta(a, b);
    }
    tern_printf("bench: timer %lu Hz, period %lu counts, icount shift %u "
                "(%lu.%02lu instructions per count)\n",
                (unsigned long)bc.count_hz, (unsigned long)bc.period, bc.shift,
                (unsigned long)(bench_insns100(1 + bc.overhead) / 100),
                (unsigned long)(bench_insns100(1 + bc.overhead) % 100));
    /* A count must be worth at most an instruction or so. */
    return (100000000000ull / bc.count_hz >> bc.shift) <= 200 ? 0 : -1;
}

void bench_fini(void)
{
    tern_tick_set_hz(bc.old_hz);
}

static void print100(uint64_t v)
{
    tern_printf("%lu.%02lu", (unsigned long)(v / 100),
                (unsigned long)(v % 100));
}

void bench_report(const char *id, uint64_t v100, const char *unit,
                  const char *base, uint64_t b100)
{
    tern_printf("BENCH %s ", id);
    print100(v100);
    tern_printf(" %s", unit);
    if (base != NULL) {
        tern_printf(" vs %s ", base);
        print100(b100);
        tern_printf(" ratio ");
        print100(b100 ? v100 * 100 / b100 : 0);
    }
    tern_printf("\n");
}

int main(void)
{
    bool fine = bench_init() == 0;

    if (fine) {
        if (want("switch"))
            bench_switch();
        if (want("sched"))
            bench_sched();
        if (want("chan"))
            bench_chan();
        if (want("irq"))
            bench_irq();
        if (want("alloc"))
            bench_alloc();
    } else {
        tern_printf("bench: this board's timer is too coarse at this icount "
                    "shift for per-operation figures; only the collector's "
                    "(averaged over long runs) follow\n");
    }
    /* After the allocator's per-operation figures (a collector's heap
     * left behind would shift them), before alloc.util (it re-makes the
     * heap the collector works on). */
    if (want("gc"))
        bench_gc();
    if (fine && want("util"))
        bench_alloc_util(); /* last: it re-makes the heap */
    bench_fini();
    return 0;
}
