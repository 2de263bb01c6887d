/*
 * tests/target/smp_test.c - the other CPUs (arch/arch.h, "CPUs"; on pc
 * arch/x86/smp.c): found, started, their timers ticking, IPIs taken.
 *
 * The contract holds on every board (CPU 0 running, nothing past the
 * count), so cpu0_is_running runs everywhere.  The rest needs several
 * CPUs: pc under QEMU's -smp N, which tools/run-tests boots as pc+smpN
 * with the word smpN on the command line, saying how many the firmware's
 * tables must list.  With one CPU and no such word they skip, saying so.
 */
#include "arch/arch.h"
#include "tern.h"
#include "tests/harness/test.h"

#define WAIT_NS (1000 * 1000 * 1000LL) /* for what an idle CPU must do */

/* N from a word smpN of the boot command line, else 0. */
static unsigned smp_word(void)
{
    const char *s = arch_cmdline();

    for (const char *p = s; *p != '\0'; p++) {
        unsigned n = 0;
        const char *q = p + 3;

        if ((p != s && p[-1] != ' ') || p[0] != 's' || p[1] != 'm' ||
            p[2] != 'p')
            continue;
        while (*q >= '0' && *q <= '9')
            n = n * 10 + (unsigned)(*q++ - '0');
        if (q > p + 3 && (*q == '\0' || *q == ' '))
            return n;
    }
    return 0;
}

/* True if there are other CPUs to test; else the test is skipped. */
static bool several(void)
{
    if (arch_cpu_count() > 1 || smp_word() > 1)
        return true;
    test_skip("one CPU (tools/run-tests boots pc+smp4 with four)");
    return false;
}

static struct arch_cpu cpu(unsigned i)
{
    struct arch_cpu c = {0};

    EXPECT_TRUE(arch_cpu_read(i, &c));
    return c;
}

TEST(smp, cpu0_is_running)
{
    struct arch_cpu c;

    EXPECT_TRUE(arch_cpu_count() >= 1);
    EXPECT_EQ(cpu(0).state, ARCH_CPU_RUNNING);
    EXPECT_TRUE(!arch_cpu_read(arch_cpu_count(), &c));
    EXPECT_TRUE(!arch_cpu_ipi(0));
    EXPECT_TRUE(!arch_cpu_ipi(arch_cpu_count()));
}

TEST(smp, cpus_found)
{
    unsigned want = smp_word();

    if (!several())
        return;
    if (want != 0)
        EXPECT_EQ(arch_cpu_count(), want);
    for (unsigned i = 0; i < arch_cpu_count(); i++)
        for (unsigned j = 0; j < i; j++)
            EXPECT_TRUE(cpu(i).hwid != cpu(j).hwid);
    tern_printf("%u CPUs\n", arch_cpu_count());
}

TEST(smp, aps_reported_in)
{
    if (!several())
        return;
    for (unsigned i = 1; i < arch_cpu_count(); i++) {
        struct arch_cpu c = cpu(i);

        if (c.state != ARCH_CPU_IDLE)
            test_fail(__FILE__, __LINE__, "CPU %u (hwid %u) in state %u", i,
                      c.hwid, c.state);
    }
}

/* Every AP's own timer interrupts it: its count grows, at no more than
 * about the tick rate (the timer was calibrated to it; QEMU may drop
 * ticks of a host thread that did not run, never add any). */
TEST(smp, ap_timers_tick)
{
    uint32_t before[64];
    unsigned n = arch_cpu_count() < 64 ? arch_cpu_count() : 64;
    int64_t t0, t;
    bool all;

    if (!several())
        return;
    t0 = tern_nanotime();
    for (unsigned i = 1; i < n; i++)
        before[i] = cpu(i).ticks;
    do {
        tern_sleep(20 * 1000 * 1000);
        t = tern_nanotime() - t0;
        all = true;
        for (unsigned i = 1; i < n; i++)
            all = all && cpu(i).ticks - before[i] >= 10;
    } while (!all && t < WAIT_NS);
    for (unsigned i = 1; i < n; i++) {
        uint32_t d = cpu(i).ticks - before[i];
        uint64_t most = (uint64_t)(t + 2000000) * tern_tick_hz() / 1000000000 +
                        2; /* the reads straddle the window: +2 ms, +2 */

        if (d < 10)
            test_fail(__FILE__, __LINE__, "CPU %u: %lu ticks in %lld ms", i,
                      (unsigned long)d, (long long)(t / 1000000));
        if (d > most)
            test_fail(__FILE__, __LINE__,
                      "CPU %u: %lu ticks in %lld ms, more than %lu", i,
                      (unsigned long)d, (long long)(t / 1000000),
                      (unsigned long)most);
    }
}

/* An IPI to each AP in turn: its handler counts exactly one. */
TEST(smp, ipi_each_ap)
{
    if (!several())
        return;
    for (unsigned i = 1; i < arch_cpu_count(); i++) {
        uint32_t before = cpu(i).ipis;
        int64_t t0 = tern_nanotime();

        EXPECT_TRUE(arch_cpu_ipi(i));
        while (cpu(i).ipis == before && tern_nanotime() - t0 < WAIT_NS)
            tern_yield();
        EXPECT_EQ(cpu(i).ipis - before, 1);
    }
}

/* Many IPIs to one AP, faster than it can take them one by one: a fixed
 * IPI already pending merges with the next (the APIC's IRR has one bit
 * per vector), so at least one and at most all arrive, and none after
 * the sender stops. */
TEST(smp, ipi_burst)
{
    uint32_t before, got;
    int64_t t0;

    if (!several())
        return;
    before = cpu(1).ipis;
    for (int k = 0; k < 100; k++)
        EXPECT_TRUE(arch_cpu_ipi(1));
    t0 = tern_nanotime();
    while (cpu(1).ipis == before && tern_nanotime() - t0 < WAIT_NS)
        tern_yield();
    tern_sleep(10 * 1000 * 1000);
    got = cpu(1).ipis - before;
    EXPECT_TRUE(got >= 1 && got <= 100);
    tern_sleep(10 * 1000 * 1000);
    EXPECT_EQ(cpu(1).ipis - before, got);
}
