/*
 * arch/x86/smp.c - the other CPUs of a PC: found, started, idling.
 *
 * This is the hardware half of running several Ms: every CPU the firmware
 * lists is brought from reset to a C loop of its own, with its own timer
 * interrupt and a way to be interrupted by another CPU.  The scheduler
 * does not use them yet; they sleep in `hlt` and count what wakes them,
 * which is what the tests check (tests/target/smp_test.c).
 *
 * Glossary.
 *   BSP         the bootstrap processor: the CPU the loader entered, CPU 0,
 *               the only one that runs the runtime
 *   AP          an application processor: any other CPU; after reset it
 *               waits for a startup IPI, in real mode, doing nothing
 *   local APIC  each CPU's interrupt controller, at the same physical
 *               address on every CPU (each reaches its own): timer, IPIs,
 *               end of interrupt (lapic.c)
 *   APIC id     a CPU's address for IPIs, from the firmware's tables
 *   IPI         an interrupt one CPU sends another through the ICR
 *   INIT, SIPI  the two IPIs that restart an AP: INIT resets it into
 *               wait-for-SIPI; a startup IPI (SIPI) with vector v starts
 *               it in real mode at CS:IP = (v << 8):0, that is at v << 12
 *   trampoline  the page below 1 MiB the SIPI points at (trampoline.h)
 *   slot        a word of the trampoline page per APIC id: the stack an
 *               AP is to run on, taken by the AP with xchg
 *
 * Files: cpufind.c (the tables), lapic.c (the local APIC), trampoline.S
 * (real mode to C), this file (the start-up and the APs' life), gdt.c
 * (a TSS per AP), trap.c (the local APIC's vectors), paging.c (the local
 * APIC's page).
 *
 * Finding the CPUs (cpufind.c, at arch_init, before paging: the tables
 * can lie above mapped RAM).  The ACPI MADT, found from the RSDP in the
 * EBDA or the BIOS area through the RSDT or XSDT; else the MP tables;
 * every checksum checked.  A bad table is skipped with its reason, and
 * with none usable the BSP runs alone (smp.c prints why): firmware
 * trouble never stops the boot.  The BSP is CPU 0, the rest follow in
 * table order, X86_MAX_CPUS at most.  Only when there is more than one
 * does arch_init ask paging for the local APIC's page (and its table,
 * from the top of RAM), so a one-CPU boot maps what it did before and
 * its heap ends where it did; it prints nothing more either.  Its cost
 * there is the code and this file's per-CPU array (2.5 KiB of the
 * private segment).
 *
 * Starting them (arch_cpus_start, from kernel_main once the tick runs):
 *
 *   1. The BSP's local APIC is software-enabled, LINT0 kept in ExtINT
 *      mode so the 8259 still reaches it (lapic.c), and its timer is
 *      calibrated against tern_nanotime, the PIT here: counts per tick
 *      at the runtime's tick rate, for every AP (one bus clock).
 *   2. The real-mode code is copied to SMP_TRAMPOLINE; the GDTR, CR3
 *      and CR0 of the BSP are written after it (trampoline.h).
 *   3. For each AP in turn: a stack from mm's stack allocator (as a
 *      goroutine's: its lowest page a guard, counted in StackInuse), a
 *      TSS descriptor, the stack prepared as a call to smp_ap_main(c)
 *      would leave it, its address stored in the AP's slot; state
 *      STARTING.
 *   4. INIT, 10 ms, SIPI, 200 us, SIPI, 200 us (Intel SDM vol. 3,
 *      8.4.4.1: the second SIPI covers a first one that was lost; one
 *      that arrives after the AP started is ignored).  Targeted at the
 *      AP's APIC id, not broadcast: a broadcast would also wake CPUs the
 *      tables call disabled, and ones past X86_MAX_CPUS.
 *   5. The AP runs the trampoline: real mode -> the runtime's GDT,
 *      protected mode -> smp_ap_entry32 in the image -> the BSP's CR3
 *      and CR0, paging on with the same page tables -> CPUID gives its
 *      APIC id -> xchg takes its slot -> its stack -> smp_ap_main:
 *      ltr its own TSS, lidt the shared IDT, local APIC on (LINT0
 *      masked), periodic timer started, state IDLE, then sti; hlt
 *      forever.
 *   6. The BSP waits up to a second for IDLE, then moves to the next.
 *
 * The handshake and its memory order.  x86 is TSO: a CPU's stores become
 * visible in program order, and a locked instruction (xchg with memory)
 * is a full barrier.  The BSP's stores to the AP's stack, its struct and
 * its slot precede, in its program order, the ICR write that sends the
 * SIPI, an uncached store that is itself not reordered with earlier
 * stores; the AP executes only after the SIPI arrives, so its xchg on
 * the slot sees all of them (an arch_mb() before the INIT says so in
 * code, at no cost worth counting).  The AP publishes IDLE with xchg as
 * the last step of its set-up, so whoever reads IDLE also sees its TSS
 * loaded and its timer running.  The counters (ticks, ipis) have one
 * writer each, the AP's own handlers, and are read without a lock: an
 * aligned 32-bit load is atomic, and a reader wants a value, not a
 * consistent pair.
 *
 * Giving up.  If the AP has not reported in after the timeout, the BSP
 * takes the slot back with xchg.  Exactly one of the two xchgs finds the
 * stack: if the BSP does, the AP never took it and, should it ever run
 * the trampoline, finds 0 and halts touching nothing else; the BSP
 * frees the stack and marks it FAILED.  If the AP did, it is alive but
 * slow: it keeps its stack and state STARTING, and may yet report in.
 * A slot per APIC id, rather than one shared parameter, makes this safe
 * when a slow AP runs while the next one is being started.
 *
 * States (arch.h):  OFF -> STARTING -> IDLE
 *                              \-> FAILED (slot taken back)
 * OFF stays OFF under `nosmp` on the boot command line, or without
 * memory for a stack.  The BSP is RUNNING.
 *
 * Interrupts on an AP.  Its timer (X86_VEC_LAPIC_TIMER) and the wake-up
 * IPI (X86_VEC_IPI, arch_cpu_ipi) each bump a counter in its struct,
 * found from its local APIC id, then EOI.  They reach x86_trap through
 * the shared IDT but go straight here (smp_trap), past the nesting count
 * and the preemption point, which are the BSP's.  A CPU exception on an
 * AP is reported as on the BSP (fault.c) and ends the program; a double
 * fault saves the AP's registers in its own TSS (gdt.c).
 *
 * Rejected.
 *   A static array for the AP stacks: the page heap gives them guard
 *     pages (an overflowing AP handler faults instead of writing over a
 *     neighbour), and they show in MemStats like every stack.
 *   The warm-reset vector and CMOS shutdown code of the MP
 *     specification's start-up: needed by the external 82489DX only, and
 *     the vector lives in page 0, the null guard.
 *   A parameter block shared by all APs, as xv6 has: safe only while no
 *     AP can run late (see Giving up).
 *   Starting the APs in parallel: 10 ms each, serially, is 30 ms for
 *     four CPUs, and a serial start names the one that failed.
 *
 * Left for several Ms.
 *   A per-CPU pointer (a GDT segment per CPU in %fs) so that arch_in_isr,
 *     the preemption request and the exception stack (trap.c, vectors.S)
 *     become per CPU; today they are the BSP's.
 *   A P per CPU, its run queue and mcache, and an M looping in
 *     schedule() where smp_ap_main now halts; the tick there is this
 *     timer, and time_tick's global accounting stays the BSP's.
 *   IPIs for preemption (a goroutine made ready on a P whose M sleeps:
 *     wake it with arch_cpu_ipi) and for stop-the-world: the GC's
 *     handshake would IPI every M and wait for each to park at a safe
 *     point, as the write barrier's nopreempt region already defines one.
 *   TLB shoot-down: paging_set_present (a goroutine stack's guard) then
 *     has to invalidate the page on every CPU, not only with invlpg.
 *   The console and the mm lock are irq-masking locks, correct on one
 *     CPU only: they need spinlocks.
 *   The AP timers keep the rate of boot; tern_tick_set_hz does not reach
 *     them.
 */
#include <stdint.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/x86/trampoline.h"
#include "arch/x86/x86.h"
#include "kernel/panic.h"
#include "kernel/time.h"
#include "mm/mm.h"
#include "tern.h"

#define AP_STACK_SIZE    (2 * ARCH_STACK_GUARD) /* the guard, 4 KiB usable */
#define INIT_DELAY_NS    10000000               /* 10 ms */
#define SIPI_DELAY_NS    200000                 /* 200 us */
#define START_TIMEOUT_NS 1000000000             /* 1 s */

_Static_assert(SMP_TRAMP_SEL_CODE == SEL_CODE && SMP_TRAMP_SEL_DATA == SEL_DATA,
               "trampoline.h names the GDT's selectors");
_Static_assert(SMP_TRAMPOLINE % 4096 == 0 && SMP_TRAMPOLINE < 0x100000,
               "a startup IPI starts a CPU on a page below 1 MiB");

/* A CPU.  Aligned so that its TSS does not cross a page. */
struct smp_cpu {
    struct x86_tss tss; /* its task: a double fault saves it here */
    /* the BSP, before the start-up; read-only after: */
    uint32_t apic_id;
    uint16_t tss_sel; /* GDT selector of tss */
    uint8_t *stack;   /* AP_STACK_SIZE bytes from mm, lowest page a guard */
    /* written by this CPU's own handlers only; read by anyone: */
    volatile uint32_t ticks; /* local APIC timer interrupts */
    volatile uint32_t ipis;  /* wake-up IPIs */
    /* ARCH_CPU_*: the BSP until the SIPI, then the AP (IDLE) or, once it
     * has taken the slot back, the BSP (FAILED): */
    volatile uint32_t state;
} __attribute__((aligned(128)));

static struct {
    struct smp_cpu cpu[X86_MAX_CPUS];
    unsigned n;           /* CPUs listed; 0 before arch_cpus_start */
    bool lapic_on;        /* the local APIC is mapped and enabled */
    uint32_t timer_hz;    /* local APIC timer counts per second */
    uint32_t timer_count; /* counts per tick */
    uint8_t by_apic[256]; /* APIC id -> CPU index + 1; 0: none */
} smp TERN_PRIVATE;

extern const char smp_trampoline[], smp_trampoline_end[];
_Noreturn void smp_ap_main(struct smp_cpu *c);

static volatile uint32_t *slot(uint32_t apic_id)
{
    return (volatile uint32_t *)(SMP_TRAMPOLINE + SMP_P_SLOTS) + apic_id;
}

static void delay_ns(int64_t ns)
{
    int64_t t0 = tern_nanotime();

    while (tern_nanotime() - t0 < ns)
        __asm__ volatile("pause");
}

/* --- the application processors' side ------------------------------------ */

_Noreturn void smp_ap_main(struct smp_cpu *c)
{
    __asm__ volatile("ltr %w0" : : "r"(c->tss_sel) : "memory");
    trap_load();
    lapic_enable(false);
    lapic_timer_start(smp.timer_count);
    (void)x86_xchg32(&c->state, ARCH_CPU_IDLE); /* set-up done, visible */
    for (;;)
        __asm__ volatile("sti\n\thlt" ::: "memory");
}

static struct smp_cpu *this_cpu(void)
{
    unsigned i = smp.by_apic[lapic_id() & 0xFF];

    if (i == 0)
        tern_panic("local APIC interrupt on an unlisted CPU");
    return &smp.cpu[i - 1];
}

void smp_trap(unsigned vector)
{
    struct smp_cpu *c;

    if (vector == X86_VEC_SPURIOUS)
        return; /* not in service: no EOI */
    if (!smp.lapic_on ||
        (vector != X86_VEC_LAPIC_TIMER && vector != X86_VEC_IPI)) {
        fatal_begin();
        fatal_printf("fatal error: unexpected interrupt (vector %u)\n", vector);
        fatal_end();
    }
    c = this_cpu();
    if (vector == X86_VEC_LAPIC_TIMER)
        c->ticks++;
    else
        c->ipis++;
    lapic_eoi();
}

/* --- the boot processor's side --------------------------------------------- */

/* Start AP c (steps 3, 4 and 6 of the overview); true if it reported in. */
static bool ap_start(struct smp_cpu *c)
{
    volatile uint32_t *s = slot(c->apic_id);
    uint32_t *sp;
    int64_t t0;

    c->stack = mm_stack_alloc(AP_STACK_SIZE);
    if (c->stack == NULL)
        return false; /* stays OFF */
    paging_set_present((uintptr_t)c->stack, false);
    sp = (uint32_t *)(void *)(c->stack + AP_STACK_SIZE - 16);
    sp[0] = (uint32_t)(uintptr_t)c; /* smp_ap_main's argument */
    sp[-1] = 0;                     /* its return address: none */
    c->tss_sel = gdt_tss_add(&c->tss);
    c->state = ARCH_CPU_STARTING;
    *s = (uint32_t)(uintptr_t)(sp - 1);
    arch_mb(); /* all of the above before the IPIs (see the overview) */

    lapic_ipi(c->apic_id, LAPIC_ICR_INIT | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT);
    delay_ns(INIT_DELAY_NS);
    for (int k = 0; k < 2 && c->state == ARCH_CPU_STARTING; k++) {
        lapic_ipi(c->apic_id, LAPIC_ICR_STARTUP | (SMP_TRAMPOLINE >> 12));
        delay_ns(SIPI_DELAY_NS);
    }
    t0 = tern_nanotime();
    while (c->state == ARCH_CPU_STARTING &&
           tern_nanotime() - t0 < START_TIMEOUT_NS)
        __asm__ volatile("pause");
    if (c->state == ARCH_CPU_IDLE)
        return true;
    if (x86_xchg32(s, 0) != 0) {
        /* It never took its slot, and now never will: the stack is ours
         * again. */
        c->state = ARCH_CPU_FAILED;
        paging_set_present((uintptr_t)c->stack, true);
        mm_stack_free(c->stack);
        c->stack = NULL;
    }
    return false;
}

/* Step 2: the trampoline page. */
static void trampoline_init(void)
{
    size_t len = (size_t)(smp_trampoline_end - smp_trampoline);
    uint8_t *page = (uint8_t *)SMP_TRAMPOLINE;
    uint32_t cr3 = read_cr3(), cr0 = read_cr0();

    if (len > SMP_P_GDTR)
        tern_panic("smp: trampoline code larger than its room");
    memcpy(page, smp_trampoline, len);
    __asm__ volatile("sgdt %0" : "=m"(*(page + SMP_P_GDTR)) : : "memory");
    memcpy(page + SMP_P_CR3, &cr3, sizeof cr3);
    memcpy(page + SMP_P_CR0, &cr0, sizeof cr0);
    memset(page + SMP_P_SLOTS, 0, SMP_P_END - SMP_P_SLOTS);
}

void arch_cpus_start(void)
{
    const struct x86_cpus *f = cpufind();
    unsigned started = 0;

    smp.n = f->n;
    for (unsigned i = 0; i < f->n; i++) {
        smp.cpu[i].apic_id = f->apic_id[i];
        smp.by_apic[f->apic_id[i]] = (uint8_t)(i + 1);
    }
    smp.cpu[0].state = ARCH_CPU_RUNNING;
    if (f->n == 1) {
        if (f->problem != NULL)
            tern_printf("smp: %s; running on one CPU\n", f->problem);
        return;
    }
    lapic_set_base(f->lapic_base);
    lapic_enable(true);
    smp.lapic_on = true;
    if (lapic_id() != f->apic_id[0]) {
        tern_printf("smp: the boot CPU's APIC id is %u, not %u as CPUID "
                    "says; running on one CPU\n",
                    (unsigned)lapic_id(), (unsigned)f->apic_id[0]);
        smp.n = 1;
        return;
    }
    if (multiboot_cmdline_has("nosmp")) {
        tern_printf("smp: %u CPUs (%s), nosmp: only the boot CPU runs\n", f->n,
                    f->source);
        return;
    }
    smp.timer_hz = lapic_timer_calibrate();
    smp.timer_count = smp.timer_hz / tern_tick_hz();
    if (smp.timer_count == 0)
        smp.timer_count = 1;
    trampoline_init();
    for (unsigned i = 1; i < f->n; i++)
        started += ap_start(&smp.cpu[i]) ? 1u : 0u;
    tern_printf("smp: %u CPUs (%s), %u of %u others started; local APIC "
                "timer %lu counts/s, %lu per tick\n",
                f->n, f->source, started, f->n - 1, (unsigned long)smp.timer_hz,
                (unsigned long)smp.timer_count);
    if (f->problem != NULL)
        tern_printf("smp: not used: %s\n", f->problem);
    if (f->skipped != 0)
        tern_printf("smp: %u more CPUs left off (X86_MAX_CPUS %u)\n",
                    f->skipped, (unsigned)X86_MAX_CPUS);
}

/* --- the arch contract ------------------------------------------------------ */

unsigned arch_cpu_count(void)
{
    return smp.n != 0 ? smp.n : 1;
}

bool arch_cpu_read(unsigned i, struct arch_cpu *out)
{
    const struct smp_cpu *c;

    if (i >= arch_cpu_count())
        return false;
    c = &smp.cpu[i];
    out->hwid = c->apic_id;
    out->state = i == 0 ? ARCH_CPU_RUNNING : c->state;
    out->ticks = i == 0 ? time_timer_irqs() : c->ticks;
    out->ipis = c->ipis;
    return true;
}

bool arch_cpu_ipi(unsigned i)
{
    if (i == 0 || i >= smp.n || !smp.lapic_on ||
        smp.cpu[i].state != ARCH_CPU_IDLE)
        return false;
    lapic_ipi(smp.cpu[i].apic_id,
              LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | X86_VEC_IPI);
    return true;
}
