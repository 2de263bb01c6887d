/*
 * arch/x86/x86.h - i386 definitions shared by the files of the x86 port.
 *
 * The port runs everything in ring 0 with flat 4 GiB segments, paging on
 * (identity map, see paging.c), the two 8259 PICs remapped to vectors
 * 0x20-0x2F (pic.c), and one IDT of 48 interrupt gates whose entry stubs
 * (vectors.S) build a struct x86_frame and call x86_trap() (trap.c).
 *
 * Devices on the ISA bus (PIC, PIT, 16550, isa-debug-exit) are reached
 * with port I/O; the helpers below are the only inline assembly for it.
 *
 * IRQ routing.  PIC line n (0..15) vectors to irqN_handler(void), a weak
 * alias of arch_irq_unexpected (trap.c); a board defines the handlers it
 * uses under those names, as on Cortex-M (no registration, no RAM table).
 * The dispatcher sends the end-of-interrupt after the handler returns.
 */
#ifndef ARCH_X86_X86_H
#define ARCH_X86_X86_H

#include <stdbool.h>
#include <stdint.h>

/* --- port I/O --- */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

/* About 1 us on ISA hardware (a write to the POST port); old 8259s need it
 * between initialisation words. */
static inline void io_wait(void)
{
    outb(0x80, 0);
}

/* --- control registers --- */

#define CR0_PE  (1u << 0)  /* protected mode */
#define CR0_WP  (1u << 16) /* ring 0 honours read-only pages */
#define CR0_PG  (1u << 31)
#define CR4_PSE (1u << 4) /* 4 MiB pages */

static inline uint32_t read_cr2(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr0(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr3(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* --- segments (gdt.c) --- */

#define SEL_CODE   0x08 /* flat ring-0 code */
#define SEL_DATA   0x10 /* flat ring-0 data, also the stack */
#define SEL_TSS    0x18 /* the boot task: where a task switch saves state */
#define SEL_TSS_DF 0x20 /* the double-fault task */

/* A 32-bit task-state segment (Intel SDM vol. 3, 7.2.1). */
struct x86_tss {
    uint32_t link; /* selector of the task that switched here */
    uint32_t esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs;
    uint32_t ldt;
    uint16_t trap;
    uint16_t iomap; /* offset of the I/O bitmap: none, past the limit */
};
_Static_assert(sizeof(struct x86_tss) == 104, "TSS layout");

/* The boot task's TSS: after a double fault it holds the registers of the
 * code that faulted (the CPU saved them there on the switch). */
extern struct x86_tss gdt_tss;

/* Build and load the GDT and both TSSs; reload every segment register.
 * Called once at reset, before the IDT is loaded. */
void gdt_init(void);

/* A descriptor for t in the GDT (an application processor's task, see
 * smp.c), for that CPU to load with ltr; its selector.  Boot CPU, at
 * start; fatal past X86_MAX_CPUS - 1 of them. */
uint16_t gdt_tss_add(struct x86_tss *t);

/* The TSS whose selector is sel (the boot task's or one gdt_tss_add
 * made), or NULL: where a double fault finds the faulting registers. */
const struct x86_tss *gdt_tss_at(uint16_t sel);

/* The double-fault task's TSS: its `link` names the faulting task. */
extern struct x86_tss gdt_df_tss;

/* --- traps (vectors.S, trap.c, fault.c) --- */

#define X86_VEC_DE          0  /* divide error */
#define X86_VEC_NMI         2  /* non-maskable interrupt */
#define X86_VEC_UD          6  /* invalid opcode */
#define X86_VEC_DF          8  /* double fault (a task gate, see gdt.c) */
#define X86_VEC_SS          12 /* stack-segment fault */
#define X86_VEC_GP          13 /* general protection */
#define X86_VEC_PF          14 /* page fault */
#define X86_NR_EXC          32 /* CPU exceptions: vectors 0..31 */
#define X86_IRQ_BASE        32
#define X86_NR_IRQ          16
#define X86_VEC_SOFT        (X86_IRQ_BASE + X86_NR_IRQ) /* arch_soft_irq: int $48 */
/* Local APIC vectors (smp.c), past every other: */
#define X86_VEC_LAPIC_TIMER 49 /* a CPU's own periodic timer */
#define X86_VEC_IPI         50 /* arch_cpu_ipi: the wake-up IPI */
#define X86_VEC_SPURIOUS    63 /* low nibble all ones (P6 and later) */
#define X86_NR_VEC          64

/*
 * The frame every entry stub builds on the interrupted stack, lowest
 * address first: pushal's registers, the vector and error code pushed by
 * the stub (0 when the CPU pushes none), then what the CPU pushed.  Ring 0
 * to ring 0: the CPU pushes no SS:ESP, so the interrupted ESP is the
 * address just past `eflags` (see X86_FRAME_SP).
 */
struct x86_frame {
    uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax; /* pushal */
    uint32_t vector;          /* pushed by the stub */
    uint32_t error;           /* CPU's error code, or 0 from the stub */
    uint32_t eip, cs, eflags; /* pushed by the CPU */
};
_Static_assert(sizeof(struct x86_frame) == 52,
               "vectors.S and the CPU push 13 words");

#define X86_FRAME_SP(f) ((uint32_t)(uintptr_t)(&(f)->eflags + 1))

/* Entry stubs, one per vector (vectors.S). */
extern const uint32_t x86_vectors[X86_NR_VEC];

/* Double-fault task entry (vectors.S): runs on its own stack. */
void x86_df_entry(void);

/* Build and load the IDT.  Called once at reset. */
void trap_init(void);

/* Load the IDT trap_init built on this CPU (an application processor). */
void trap_load(void);

/* The C side of every entry stub (trap.c). */
void x86_trap(struct x86_frame *f);

/* The IRQ being handled, or -1 (for reports). */
int trap_current_irq(void);

/* Fatal reports (fault.c); never return. */
_Noreturn void fault_report(struct x86_frame *f);
_Noreturn void fault_double(void);

/* --- 8259 PIC pair (pic.c) --- */

/* Remap to X86_IRQ_BASE, every line masked except the cascade.  Reset. */
void pic_init(void);

/* End of interrupt for line irq (both chips for 8..15). */
void pic_eoi(unsigned irq);

/* True if line irq is raised and not yet acknowledged (IRR). */
bool pic_pending(unsigned irq);

/* True if line irq is being serviced (ISR): tells a spurious IRQ 7 / 15. */
bool pic_in_service(unsigned irq);

/* Drop a pending, unacknowledged request on line irq (0..7).  Pre:
 * interrupts masked, line irq not in service. */
void pic_discard(unsigned irq);

/* --- memory (multiboot.c, paging.c) --- */

/* Record what the multiboot loader reported (magic in eax, info in ebx at
 * entry): the command line (copied) and the end of the RAM at 1 MiB.
 * Called once at reset, before anything overwrites low memory. */
void multiboot_parse(uint32_t magic, uint32_t info);

/* The boot command line ("" if none). */
const char *multiboot_cmdline(void);

/* The boot command line has word (space-separated, exact). */
bool multiboot_cmdline_has(const char *word);

/* One past the last byte of the RAM block that starts at 1 MiB, as the
 * loader reported it (0 if it did not). */
uint64_t multiboot_ram_end(void);

/* Identity-map RAM in 4 KiB pages with the null page and the boot
 * stack's guard page absent, the image's text and rodata read-only, the
 * page tables at the top of RAM; turn paging on.  arch_init. */
void paging_init(void);

/* The page directory's address: CR3 once paging is on. */
uint32_t paging_root(void);

/* Take the read/write page at page (page-aligned, in RAM) out of the map
 * (a stack guard: any access faults) or put it back; invlpg.  Idempotent:
 * O(1), and no TLB flush if the page is already so.  Fatal if page is not
 * a read/write page of RAM. */
void paging_set_present(uintptr_t page, bool present);

/* True if addr lies in a stack guard page (the boot stack's or one that
 * paging_set_present took out).  For fault reports. */
bool paging_is_guard(uintptr_t addr);

/* One past the last byte of RAM usable by the heap: the loader's RAM end,
 * capped to what paging maps, less the page tables at its top.  Valid
 * after paging_init. */
uintptr_t x86_ram_end(void);

/* Map the 4 KiB page at page (outside RAM: a device's registers)
 * read/write and uncached when paging_init runs.  Before paging_init; at
 * most two pages, in at most two 4 MiB regions above RAM (fatal
 * otherwise).  Each region above RAM costs one page table, taken from the
 * top of RAM with the others: only a board that asks pays for it. */
void paging_mmio_add(uintptr_t page);

/* --- CPUs (cpufind.c, lapic.c, smp.c) --- */

#define X86_MAX_CPUS 16 /* CPUs the runtime starts; the others stay off */

/* What the firmware's tables say (cpufind.c). */
struct x86_cpus {
    unsigned n;                    /* CPUs listed, the boot CPU first; >= 1 */
    uint8_t apic_id[X86_MAX_CPUS]; /* their local APIC ids */
    unsigned skipped;              /* enabled CPUs past X86_MAX_CPUS */
    uint32_t lapic_base;           /* the local APICs' address (0: none) */
    bool boot_seen;                /* the tables list the boot CPU */
    const char *source;            /* "ACPI MADT", "MP table", ... "none" */
    const char *problem;           /* why a table was not used, or NULL */
};

/* Read the firmware's tables (ACPI MADT, else MP).  arch_init, before
 * paging_init: the tables may lie where paging maps nothing. */
void cpufind_run(void);

/* The result; n == 1 and lapic_base 0 when nothing usable was found. */
const struct x86_cpus *cpufind(void);

/* Read one MADT (the whole table, header included) or one MP config
 * table into *l (zeroed by the caller), checksums and all: NULL, or why
 * the table is unusable.  For tests (tests/target/cpufind_test.c). */
const char *cpufind_madt(const void *table, struct x86_cpus *l);
const char *cpufind_mp(const void *config, struct x86_cpus *l);

/* The local APIC of the CPU that calls (lapic.c; mapped by paging_init
 * through paging_mmio_add, at base). */
void lapic_set_base(uintptr_t base);
void lapic_enable(bool boot_cpu); /* software-enable, spurious vector */
uint32_t lapic_id(void);          /* this CPU's APIC id */
void lapic_eoi(void);
/* Send an IPI: ICR low word icr_low to APIC apic_id (physical
 * destination); waits until the APIC has accepted it.  Masks interrupts
 * across the two ICR writes. */
void lapic_ipi(uint32_t apic_id, uint32_t icr_low);
/* Counts per second of the timer at its divider (against tern_nanotime,
 * that is against the PIT on this board); boot CPU, interrupts on. */
uint32_t lapic_timer_calibrate(void);
/* Periodic timer interrupts every `count` counts, vector
 * X86_VEC_LAPIC_TIMER. */
void lapic_timer_start(uint32_t count);

#define LAPIC_ICR_FIXED   0x00000u
#define LAPIC_ICR_INIT    0x00500u
#define LAPIC_ICR_STARTUP 0x00600u
#define LAPIC_ICR_ASSERT  0x04000u
#define LAPIC_ICR_LEVEL   0x08000u

/* The local APIC interrupts, from x86_trap (smp.c): counts them per CPU,
 * sends the EOI; a vector it does not know is fatal. */
void smp_trap(unsigned vector);

static inline uint32_t x86_xchg32(volatile uint32_t *p, uint32_t v)
{
    __asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
    return v; /* xchg with memory is locked: a full barrier */
}

#endif /* ARCH_X86_X86_H */
