/*
 * tests/target/cpufind_test.c - reading the firmware's CPU tables
 * (arch/x86/cpufind.c) from tables built here: what QEMU's firmware
 * offers is one good MADT (and an MP table listing the boot CPU only),
 * so the bad ones, the MP path with several CPUs and the limits are
 * exercised on copies.  x86 only; elsewhere one test says it skips.
 */
#include <string.h>

#include "arch/arch.h"
#include "tern.h"
#include "tests/harness/test.h"

#if defined(__i386__)
#include "arch/x86/x86.h"

static uint8_t buf[1024] __attribute__((aligned(16)));
static size_t len;

/* The boot CPU's APIC id, as cpufind asks it (CPUID). */
static uint8_t boot_id(void)
{
    uint32_t a = 1, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (uint8_t)(b >> 24);
}

static uint8_t id(unsigned k)
{
    return (uint8_t)(boot_id() + k);
}

static void put(const void *p, size_t n)
{
    memcpy(buf + len, p, n);
    len += n;
}

static void put32(size_t at, uint32_t v)
{
    memcpy(buf + at, &v, sizeof v);
}

static void seal(size_t len_at, int len_bytes, size_t sum_at)
{
    uint8_t s = 0;

    if (len_bytes == 4)
        put32(len_at, (uint32_t)len);
    else
        buf[len_at] = (uint8_t)len, buf[len_at + 1] = (uint8_t)(len >> 8);
    buf[sum_at] = 0;
    for (size_t i = 0; i < len; i++)
        s = (uint8_t)(s + buf[i]);
    buf[sum_at] = (uint8_t)-s;
}

/* --- MADT: 36-byte header (length at 4, checksum at 9), local APIC
 * address, flags, entries --- */

static void madt_begin(void)
{
    memset(buf, 0, sizeof buf);
    memcpy(buf, "APIC", 4);
    buf[8] = 4; /* revision */
    len = 36;
    put32(len, 0xFEE00000u);
    len += 8;
}

static void madt_cpu(uint8_t apic_id, uint32_t flags)
{
    uint8_t e[8] = {0, 8, 0, apic_id};

    memcpy(e + 4, &flags, 4);
    put(e, sizeof e);
}

static void madt_ioapic(void)
{
    const uint8_t e[12] = {1, 12, 0, 0, 0x00, 0x00, 0xC0, 0xFE};

    put(e, sizeof e);
}

static const char *madt_read(struct x86_cpus *l)
{
    seal(4, 4, 9);
    memset(l, 0, sizeof *l);
    return cpufind_madt(buf, l);
}

TEST(cpufind, madt_boot_cpu_first_disabled_left_out)
{
    struct x86_cpus l;

    madt_begin();
    madt_cpu(id(1), 1);
    madt_ioapic();
    madt_cpu(id(0), 1);
    madt_cpu(id(2), 0); /* disabled */
    madt_cpu(id(3), 1);
    EXPECT_TRUE(madt_read(&l) == NULL);
    EXPECT_EQ(l.n, 3);
    EXPECT_EQ(l.apic_id[0], id(0));
    EXPECT_EQ(l.apic_id[1], id(1));
    EXPECT_EQ(l.apic_id[2], id(3));
    EXPECT_EQ(l.lapic_base, 0xFEE00000u);
    EXPECT_STREQ(l.source, "ACPI MADT");
}

TEST(cpufind, madt_address_override)
{
    struct x86_cpus l;
    uint8_t e[12] = {5, 12, 0, 0};
    uint64_t a = 0xFEE01000u;

    madt_begin();
    madt_cpu(id(0), 1);
    memcpy(e + 4, &a, sizeof a);
    put(e, sizeof e);
    EXPECT_TRUE(madt_read(&l) == NULL);
    EXPECT_EQ(l.lapic_base, 0xFEE01000u);
}

TEST(cpufind, madt_bad_checksum)
{
    struct x86_cpus l;

    madt_begin();
    madt_cpu(id(0), 1);
    madt_cpu(id(1), 1);
    seal(4, 4, 9);
    buf[len - 1] ^= 1;
    memset(&l, 0, sizeof l);
    EXPECT_TRUE(cpufind_madt(buf, &l) != NULL);
}

TEST(cpufind, madt_entry_past_the_end)
{
    struct x86_cpus l;

    madt_begin();
    madt_cpu(id(0), 1);
    madt_cpu(id(1), 1);
    buf[len - 7] = 40; /* the last entry's length */
    EXPECT_TRUE(madt_read(&l) != NULL);
    madt_begin();
    madt_cpu(id(0), 1);
    buf[len++] = 0; /* a lone type byte */
    EXPECT_TRUE(madt_read(&l) != NULL);
    madt_begin();
    madt_cpu(id(0), 1);
    put("\x7f\x00", 2); /* length 0: would never advance */
    EXPECT_TRUE(madt_read(&l) != NULL);
}

TEST(cpufind, madt_repeated_or_missing_boot_cpu)
{
    struct x86_cpus l;

    madt_begin();
    madt_cpu(id(0), 1);
    madt_cpu(id(1), 1);
    madt_cpu(id(1), 1);
    EXPECT_TRUE(madt_read(&l) != NULL);
    madt_begin();
    madt_cpu(id(1), 1);
    madt_cpu(id(2), 1);
    EXPECT_TRUE(madt_read(&l) != NULL);
    madt_begin();
    madt_cpu(id(0), 0); /* the boot CPU called disabled */
    madt_cpu(id(1), 1);
    EXPECT_TRUE(madt_read(&l) != NULL);
}

TEST(cpufind, madt_more_cpus_than_the_maximum)
{
    struct x86_cpus l;

    madt_begin();
    for (unsigned k = 1; k <= X86_MAX_CPUS + 3; k++)
        madt_cpu(id(k), 1);
    madt_cpu(id(0), 1); /* the boot CPU last: it still gets a place */
    EXPECT_TRUE(madt_read(&l) == NULL);
    EXPECT_EQ(l.n, X86_MAX_CPUS);
    EXPECT_EQ(l.skipped, 4);
    EXPECT_EQ(l.apic_id[0], id(0));
    for (unsigned i = 1; i < X86_MAX_CPUS; i++)
        EXPECT_TRUE(l.apic_id[i] != id(0));
}

/* --- MP config table: 44-byte header (length at 4, checksum at 7, entry
 * count at 34, local APIC address at 36), entries --- */

static unsigned mp_entries;

static void mp_begin(void)
{
    memset(buf, 0, sizeof buf);
    memcpy(buf, "PCMP", 4);
    buf[6] = 4; /* revision 1.4 */
    put32(36, 0xFEE00000u);
    len = 44;
    mp_entries = 0;
}

static void mp_cpu(uint8_t apic_id, uint8_t flags)
{
    uint8_t e[20] = {0, apic_id, 0x14, flags};

    put(e, sizeof e);
    mp_entries++;
}

static void mp_other(uint8_t type)
{
    uint8_t e[8] = {type};

    put(e, sizeof e);
    mp_entries++;
}

static const char *mp_read(struct x86_cpus *l)
{
    buf[34] = (uint8_t)mp_entries;
    buf[35] = (uint8_t)(mp_entries >> 8);
    seal(4, 2, 7);
    memset(l, 0, sizeof *l);
    return cpufind_mp(buf, l);
}

TEST(cpufind, mp_table_cpus)
{
    struct x86_cpus l;

    mp_begin();
    mp_cpu(id(1), 1);
    mp_cpu(id(0), 3); /* enabled, boot */
    mp_cpu(id(2), 0); /* disabled */
    mp_other(1);      /* a bus */
    mp_other(2);      /* an I/O APIC */
    mp_other(3);
    mp_other(4);
    mp_cpu(id(3), 1);
    EXPECT_TRUE(mp_read(&l) == NULL);
    EXPECT_EQ(l.n, 3);
    EXPECT_EQ(l.apic_id[0], id(0));
    EXPECT_EQ(l.apic_id[1], id(1));
    EXPECT_EQ(l.apic_id[2], id(3));
    EXPECT_EQ(l.lapic_base, 0xFEE00000u);
    EXPECT_STREQ(l.source, "MP table");
}

TEST(cpufind, mp_bad_tables)
{
    struct x86_cpus l;

    mp_begin();
    mp_cpu(id(0), 3);
    mp_other(9); /* no such type */
    EXPECT_TRUE(mp_read(&l) != NULL);

    mp_begin();
    mp_cpu(id(0), 3);
    (void)mp_read(&l);
    buf[44 + 1] ^= 0x40; /* after the checksum */
    memset(&l, 0, sizeof l);
    EXPECT_TRUE(cpufind_mp(buf, &l) != NULL);

    mp_begin();
    mp_cpu(id(0), 3);
    mp_entries = 5; /* more entries than the table holds */
    EXPECT_TRUE(mp_read(&l) != NULL);

    mp_begin();
    mp_cpu(id(1), 1); /* no boot CPU */
    EXPECT_TRUE(mp_read(&l) != NULL);
}

/* What the board's own firmware said, as the boot used it. */
TEST(cpufind, this_board)
{
    const struct x86_cpus *f = cpufind();

    EXPECT_TRUE(f->n >= 1 && f->n <= X86_MAX_CPUS);
    EXPECT_EQ(f->n, arch_cpu_count());
    EXPECT_EQ(f->apic_id[0], boot_id());
    tern_printf("%u CPUs from %s%s%s\n", f->n, f->source,
                f->problem != NULL ? "; not used: " : "",
                f->problem != NULL ? f->problem : "");
}

#else

TEST(cpufind, x86_tables)
{
    test_skip("no ACPI or MP tables on this board");
}

#endif
