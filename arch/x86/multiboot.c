/*
 * arch/x86/multiboot.c - what the boot loader told us.
 *
 * A multiboot loader (QEMU -kernel, GRUB) enters arch_boot with eax =
 * 0x2BADB002 and ebx pointing at the multiboot information (Multiboot
 * 0.6.96, section 3.3) somewhere in low memory, which nothing protects
 * once the runtime runs.  So it is read once, at reset, and the two facts
 * Tern needs are kept in the private segment:
 *
 *   cmdline   the boot command line (flag bit 2), copied; QEMU passes
 *             "<kernel file> <-append text>", GRUB "<path> <args>"; too
 *             long a line is cut at sizeof cmdline - 1 bytes
 *   ram_end   one past the RAM block that starts at 1 MiB: from the BIOS
 *             memory map (flag bit 6), the "available" entry holding
 *             1 MiB, which leaves out the firmware's reserved top (ACPI
 *             tables); else 1 MiB + mem_upper KiB (flag bit 0)
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arch/x86/x86.h"
#include "tern.h"

#define MB_BOOT_MAGIC     0x2BADB002u
#define MB_INFO_MEMORY    0x001u /* mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE   0x004u /* cmdline valid */
#define MB_INFO_MMAP      0x040u /* mmap_length, mmap_addr valid */
#define MB_MMAP_AVAILABLE 1u
#define RAM_BASE          0x100000u

/* The part of the multiboot information read here. */
struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 640K, KiB above 1M */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

/* A memory map entry; `size` does not count itself. */
struct mb_mmap {
    uint32_t size;
    uint64_t base;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

static struct {
    uint64_t ram_end;  /* 0: not reported */
    char cmdline[256]; /* NUL-terminated */
} mb TERN_PRIVATE;

static uint64_t ram_end_from_mmap(const struct mb_info *info)
{
    uint32_t p = info->mmap_addr, end = info->mmap_addr + info->mmap_length;

    while (p < end) {
        const struct mb_mmap *e = (const struct mb_mmap *)(uintptr_t)p;

        if (e->type == MB_MMAP_AVAILABLE && e->base <= RAM_BASE &&
            e->base + e->len > RAM_BASE)
            return e->base + e->len;
        p += e->size + sizeof e->size;
    }
    return 0;
}

void multiboot_parse(uint32_t magic, uint32_t info_addr)
{
    const struct mb_info *info = (const struct mb_info *)(uintptr_t)info_addr;

    if (magic != MB_BOOT_MAGIC || info == NULL)
        return; /* not a multiboot loader: no command line, 4 MiB */
    if (info->flags & MB_INFO_CMDLINE) {
        const char *s = (const char *)(uintptr_t)info->cmdline;
        size_t i;

        for (i = 0; i < sizeof mb.cmdline - 1 && s[i] != '\0'; i++)
            mb.cmdline[i] = s[i];
        mb.cmdline[i] = '\0';
    }
    if (info->flags & MB_INFO_MMAP)
        mb.ram_end = ram_end_from_mmap(info);
    if (mb.ram_end == 0 && (info->flags & MB_INFO_MEMORY))
        mb.ram_end = RAM_BASE + (uint64_t)info->mem_upper * 1024;
}

const char *multiboot_cmdline(void)
{
    return mb.cmdline;
}

uint64_t multiboot_ram_end(void)
{
    return mb.ram_end;
}

bool multiboot_cmdline_has(const char *word)
{
    const char *s = mb.cmdline;
    size_t n = strlen(word);

    for (const char *p = s; *p != '\0'; p++)
        if ((p == s || p[-1] == ' ') && strncmp(p, word, n) == 0 &&
            (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}
