/*
 * arch/x86/cpufind.c - which CPUs the board has: the ACPI MADT, else the
 * MP tables.  See arch/x86/smp.c for the overview.
 *
 * Both are tables the firmware leaves in memory, found by a signature on a
 * 16-byte boundary in the places their specifications name, and both end
 * in a byte sum of zero.  Read once, by cpufind_run at arch_init, before
 * paging is on: the ACPI tables sit in the reserved top of RAM, above
 * what paging maps, and the EBDA pointer in page 0, the null guard.
 *
 * ACPI (ACPI 6.x, 5.2):
 *   RSDP  "RSD PTR " in the first KiB of the EBDA (its segment is the
 *         word at 0x40E) or in 0xE0000-0xFFFFF; checksum over its first
 *         20 bytes, and from revision 2 over `length` bytes too.  Points
 *         at the RSDT (32-bit entries) and from revision 2 at the XSDT
 *         (64-bit entries, preferred when below 4 GiB).
 *   SDT   every table: a 36-byte header (signature, length, checksum)
 *         whose bytes, with the body, sum to 0.
 *   MADT  signature "APIC": the local APICs' address, flags, then
 *         entries of (type, length): type 0 is a processor's local APIC
 *         (ACPI id, APIC id, flags: bit 0 enabled), type 5 overrides the
 *         address with a 64-bit one.  Other types are skipped.
 *
 * MP (Intel MultiProcessor Specification 1.4, chapter 4):
 *   floating pointer  "_MP_", 16 bytes, in the first KiB of the EBDA,
 *                     the last KiB of base memory, or 0xF0000-0xFFFFF;
 *                     feature byte 1 non-zero means a default
 *                     configuration (two CPUs, APIC ids 0 and 1)
 *   config table      "PCMP", a 44-byte header (the local APICs'
 *                     address, the entry count), then entries: type 0, a
 *                     processor (20 bytes: APIC id, flags bit 0
 *                     enabled), types 1-4 eight bytes each.
 *
 * Trust: a signature with a bad checksum is not a table (the scan goes
 * on); a table that passes its checksum but contradicts itself (an entry
 * running past the end, an unknown MP entry type, a repeated APIC id, no
 * entry for the boot CPU) is rejected with a reason, and the next source
 * is tried.  When none is usable the runtime runs on the boot CPU alone
 * and the reason is printed at start (smp.c): bad tables never stop the
 * boot.  Boot command line `acpi=off` skips the MADT.
 */
#include <stdint.h>
#include <string.h>

#include "arch/x86/x86.h"
#include "tern.h"

#define EBDA_SEG_PTR  0x40Eu /* BIOS data area: the EBDA's segment */
#define BASE_MEM_KIB  0x413u /* BIOS data area: KiB of base memory */
#define BIOS_ROM      0xE0000u
#define BIOS_ROM_END  0x100000u
#define MP_ROM        0xF0000u
#define LAPIC_DEFAULT 0xFEE00000u

#define MADT_LAPIC          0
#define MADT_LAPIC_OVERRIDE 5
#define MADT_LAPIC_ENABLED  0x1u

#define MP_PROCESSOR   0
#define MP_LAST_TYPE   4
#define MP_CPU_ENABLED 0x1u

struct acpi_rsdp {
    char sig[8];
    uint8_t checksum; /* over the first 20 bytes */
    char oem[6];
    uint8_t revision; /* 0: ACPI 1.0, 20 bytes; 2 and later: 36 */
    uint32_t rsdt;
    uint32_t length; /* from here on revision >= 2 */
    uint64_t xsdt;
    uint8_t ext_checksum; /* over `length` bytes */
    uint8_t reserved[3];
} __attribute__((packed));

struct acpi_sdt {
    char sig[4];
    uint32_t length; /* header included */
    uint8_t revision;
    uint8_t checksum;
    char oem[6];
    char oem_table[8];
    uint32_t oem_revision;
    uint32_t creator, creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt) == 36, "ACPI table header");

struct acpi_madt {
    struct acpi_sdt h;
    uint32_t lapic; /* the local APICs' physical address */
    uint32_t flags;
} __attribute__((packed));

struct mp_fp {
    char sig[4];
    uint32_t config; /* the config table's address, 0 if none */
    uint8_t length;  /* in 16-byte units: 1 */
    uint8_t revision;
    uint8_t checksum;
    uint8_t feature[5]; /* feature[0] != 0: a default configuration */
} __attribute__((packed));
_Static_assert(sizeof(struct mp_fp) == 16, "MP floating pointer");

struct mp_config {
    char sig[4];
    uint16_t length; /* the base table, header included */
    uint8_t revision;
    uint8_t checksum;
    char oem[8];
    char product[12];
    uint32_t oem_table;
    uint16_t oem_table_size;
    uint16_t entries;
    uint32_t lapic;
    uint16_t ext_length;
    uint8_t ext_checksum;
    uint8_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mp_config) == 44, "MP config table header");

struct mp_cpu {
    uint8_t type; /* MP_PROCESSOR */
    uint8_t apic_id;
    uint8_t apic_version;
    uint8_t flags; /* bit 0 enabled, bit 1 the boot CPU */
    uint32_t signature, features;
    uint32_t reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct mp_cpu) == 20, "MP processor entry");

static struct x86_cpus found TERN_PRIVATE;

static uint8_t sum(const void *p, uint32_t n)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while (n-- > 0)
        s = (uint8_t)(s + *b++);
    return s;
}

/* The first 16-byte aligned address in [lo, hi) where sig starts and the
 * check passes, or 0. */
static uintptr_t scan(uintptr_t lo, uintptr_t hi, const char *sig, size_t n,
                      bool (*check)(uintptr_t))
{
    for (uintptr_t a = (lo + 15) & ~(uintptr_t)15; a + n <= hi; a += 16)
        if (memcmp((const void *)a, sig, n) == 0 && check(a))
            return a;
    return 0;
}

/* A word of the BIOS data area, in page 0 (paging is off).  The address
 * goes through an empty asm so the compiler does not take a small
 * constant address for a null pointer's offset. */
static uint16_t bda_word(uintptr_t a)
{
    __asm__("" : "+r"(a));
    return *(const volatile uint16_t *)a;
}

static uintptr_t ebda(void)
{
    return (uintptr_t)bda_word(EBDA_SEG_PTR) << 4;
}

/* --- the list being built -------------------------------------------------
 * The boot CPU is put first; a repeated APIC id rejects the table. */

static uint32_t boot_apic_id(void)
{
    uint32_t a = 1, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return b >> 24; /* CPUID.1:EBX[31:24], the initial APIC id */
}

static const char *add(struct x86_cpus *l, uint32_t apic_id)
{
    bool boot = apic_id == boot_apic_id();

    for (unsigned i = 0; i < l->n; i++)
        if (l->apic_id[i] == apic_id)
            return "an APIC id listed twice";
    if (l->n < X86_MAX_CPUS) {
        l->apic_id[l->n++] = (uint8_t)apic_id;
    } else {
        l->skipped++;
        if (boot) /* the boot CPU always has a place */
            l->apic_id[X86_MAX_CPUS - 1] = (uint8_t)apic_id;
    }
    if (boot) {
        uint8_t first = l->apic_id[0];

        for (unsigned i = 0; i < l->n; i++)
            if (l->apic_id[i] == apic_id)
                l->apic_id[i] = first;
        l->apic_id[0] = (uint8_t)apic_id; /* the boot CPU goes first */
        l->boot_seen = true;
    }
    return NULL;
}

/* --- ACPI -------------------------------------------------------------------- */

static bool rsdp_ok(uintptr_t a)
{
    const struct acpi_rsdp *r = (const struct acpi_rsdp *)a;

    if (sum(r, 20) != 0)
        return false;
    return r->revision < 2 || (r->length >= sizeof *r && r->length < 4096 &&
                               sum(r, r->length) == 0);
}

/* The table at physical address a if its signature is sig and it sums to
 * 0, else NULL and *why says so. */
static const struct acpi_sdt *sdt_at(uint64_t a, const char *sig,
                                     const char **why)
{
    const struct acpi_sdt *t;

    if (a == 0 || a >= 0xFFFFFFFFu - sizeof *t) {
        *why = "an ACPI table beyond 4 GiB";
        return NULL;
    }
    t = (const struct acpi_sdt *)(uintptr_t)a;
    if (memcmp(t->sig, sig, 4) != 0)
        return NULL; /* not this table; not an error */
    if (t->length < sizeof *t || t->length > 0x100000u ||
        sum(t, t->length) != 0) {
        *why = "an ACPI table with a bad checksum or length";
        return NULL;
    }
    return t;
}

static const char *madt_read(const struct acpi_madt *m, struct x86_cpus *l)
{
    const uint8_t *p = (const uint8_t *)(m + 1);
    const uint8_t *end = (const uint8_t *)m + m->h.length;
    uint64_t base = m->lapic;
    const char *why;

    if (m->h.length < sizeof *m)
        return "a MADT shorter than its header";
    while (p < end) {
        if (end - p < 2 || p[1] < 2 || p[1] > end - p)
            return "a MADT entry running past the table";
        if (p[0] == MADT_LAPIC && p[1] >= 8) {
            uint32_t flags;

            memcpy(&flags, p + 4, sizeof flags);
            if ((flags & MADT_LAPIC_ENABLED) && (why = add(l, p[3])) != NULL)
                return why;
        } else if (p[0] == MADT_LAPIC_OVERRIDE && p[1] >= 12) {
            memcpy(&base, p + 4, sizeof base);
        }
        p += p[1];
    }
    if (!l->boot_seen)
        return "no MADT entry for the boot CPU";
    if (base == 0 || base > 0xFFFFF000u || (base & 0xFFF) != 0)
        return "a local APIC address that is not a page below 4 GiB";
    l->lapic_base = (uint32_t)base;
    return NULL;
}

/* The CPUs from the MADT into *l (l->source set): NULL.  NULL with
 * l->source unset: no ACPI, or no MADT.  Else why a table is bad. */
static const char *acpi_find(struct x86_cpus *l)
{
    uintptr_t e = ebda();
    uintptr_t a = e >= 0x80000 && e < 0xA0000
                      ? scan(e, e + 1024, "RSD PTR ", 8, rsdp_ok)
                      : 0;
    const struct acpi_rsdp *r;
    const struct acpi_sdt *root;
    const char *why = NULL;
    uint32_t width, n;

    if (a == 0)
        a = scan(BIOS_ROM, BIOS_ROM_END, "RSD PTR ", 8, rsdp_ok);
    if (a == 0)
        return NULL;
    r = (const struct acpi_rsdp *)a;
    if (r->revision >= 2 && r->xsdt != 0 && r->xsdt < 0xFFFFF000u) {
        root = sdt_at(r->xsdt, "XSDT", &why);
        width = 8;
    } else {
        root = sdt_at(r->rsdt, "RSDT", &why);
        width = 4;
    }
    if (root == NULL)
        return why != NULL ? why : "an RSDP pointing at no root table";
    n = (root->length - (uint32_t)sizeof *root) / width;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *ent = (const uint8_t *)(root + 1) + i * width;
        uint64_t t = 0;
        const struct acpi_sdt *m;

        memcpy(&t, ent, width);
        why = NULL;
        m = sdt_at(t, "APIC", &why);
        if (why != NULL)
            return why;
        if (m != NULL) {
            why = madt_read((const struct acpi_madt *)m, l);
            if (why == NULL)
                l->source = "ACPI MADT";
            return why;
        }
    }
    return NULL; /* ACPI without a MADT: no opinion */
}

/* --- MP tables --------------------------------------------------------------- */

static bool mp_fp_ok(uintptr_t a)
{
    const struct mp_fp *f = (const struct mp_fp *)a;

    return f->length == 1 && sum(f, sizeof *f) == 0;
}

static const char *mp_read(const struct mp_config *c, struct x86_cpus *l)
{
    const uint8_t *p = (const uint8_t *)(c + 1);
    const uint8_t *end = (const uint8_t *)c + c->length;
    const char *why;

    if (memcmp(c->sig, "PCMP", 4) != 0 || c->length < sizeof *c ||
        sum(c, c->length) != 0)
        return "an MP config table with a bad signature or checksum";
    for (unsigned i = 0; i < c->entries; i++) {
        size_t len = p[0] == MP_PROCESSOR ? sizeof(struct mp_cpu) : 8;

        if (p >= end || p[0] > MP_LAST_TYPE || (size_t)(end - p) < len)
            return "an MP entry of unknown type or past the table";
        if (p[0] == MP_PROCESSOR) {
            const struct mp_cpu *cpu = (const struct mp_cpu *)p;

            if ((cpu->flags & MP_CPU_ENABLED) &&
                (why = add(l, cpu->apic_id)) != NULL)
                return why;
        }
        p += len;
    }
    if (!l->boot_seen)
        return "no MP entry for the boot CPU";
    if (c->lapic == 0 || (c->lapic & 0xFFF) != 0)
        return "a local APIC address that is not a page";
    l->lapic_base = c->lapic;
    return NULL;
}

static const char *mp_find(struct x86_cpus *l)
{
    uintptr_t e = ebda();
    uintptr_t base_end = (uintptr_t)bda_word(BASE_MEM_KIB) << 10;
    uintptr_t a = 0;
    const struct mp_fp *f;
    const char *why;

    if (e >= 0x80000 && e < 0xA0000)
        a = scan(e, e + 1024, "_MP_", 4, mp_fp_ok);
    else if (base_end >= 0x80000 && base_end <= 0xA0000)
        a = scan(base_end - 1024, base_end, "_MP_", 4, mp_fp_ok);
    if (a == 0)
        a = scan(MP_ROM, BIOS_ROM_END, "_MP_", 4, mp_fp_ok);
    if (a == 0)
        return NULL;
    f = (const struct mp_fp *)a;
    if (f->feature[0] != 0) {
        /* a default configuration: two CPUs, APIC ids 0 and 1 */
        (void)add(l, 0);
        (void)add(l, 1);
        if (!l->boot_seen)
            return "an MP default configuration without the boot CPU";
        l->lapic_base = LAPIC_DEFAULT;
        l->source = "MP default configuration";
        return NULL;
    }
    if (f->config == 0 || f->config >= 0xFFFF0000u)
        return "an MP floating pointer without a config table";
    why = mp_read((const struct mp_config *)(uintptr_t)f->config, l);
    if (why == NULL)
        l->source = "MP table";
    return why;
}

/* --- one table, for the tests ------------------------------------------------ */

const char *cpufind_madt(const void *table, struct x86_cpus *l)
{
    const char *why = NULL;
    const struct acpi_sdt *t = sdt_at((uintptr_t)table, "APIC", &why);

    if (t == NULL)
        return why != NULL ? why : "not a MADT";
    why = madt_read((const struct acpi_madt *)t, l);
    if (why == NULL)
        l->source = "ACPI MADT";
    return why;
}

const char *cpufind_mp(const void *config, struct x86_cpus *l)
{
    const char *why = mp_read((const struct mp_config *)config, l);

    if (why == NULL)
        l->source = "MP table";
    return why;
}

/* --- the result -------------------------------------------------------------- */

static bool has_apic(void)
{
    uint32_t a = 1, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (d >> 9) & 1u; /* CPUID.1:EDX.APIC */
}

void cpufind_run(void)
{
    struct x86_cpus l;
    const char *why = NULL;

    found.n = 1;
    found.source = "none";
    if (!has_apic()) {
        found.problem = "no local APIC";
        return;
    }
    if (!multiboot_cmdline_has("acpi=off")) {
        memset(&l, 0, sizeof l);
        why = acpi_find(&l);
        if (why == NULL && l.source != NULL) {
            found = l;
            return;
        }
    }
    memset(&l, 0, sizeof l);
    {
        const char *mp_why = mp_find(&l);

        if (mp_why == NULL && l.source != NULL) {
            found = l;
            found.problem = why; /* ACPI was bad, MP served */
            return;
        }
        if (why == NULL)
            why = mp_why;
    }
    found.problem = why;
}

const struct x86_cpus *cpufind(void)
{
    return &found;
}
