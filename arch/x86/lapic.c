/*
 * arch/x86/lapic.c - the local APIC: enable, EOI, IPIs, the timer.
 * See arch/x86/smp.c for the overview.
 *
 * Every CPU has one, at the same physical address (xAPIC mode: 4 KiB of
 * 32-bit registers, each on a 16-byte boundary; Intel SDM vol. 3,
 * chapter 10), where each CPU reaches its own.  paging.c maps the page
 * uncached (paging_mmio_add, from arch_init).  Registers used:
 *
 *   0x020 ID        bits 31..24: this CPU's APIC id
 *   0x080 TPR       task priority: 0 accepts every vector
 *   0x0B0 EOI       write 0: the in-service interrupt is done
 *   0x0F0 SVR       bit 8 software enable; bits 7..0 the spurious vector
 *   0x280 ESR       error status (write, then read)
 *   0x300 ICR low   vector, delivery mode, level, trigger; the write sends
 *   0x310 ICR high  bits 31..24: the destination's APIC id
 *   0x320 LVT timer vector, bit 16 mask, bit 17 periodic
 *   0x350 LVT LINT0 the boot CPU's: ExtINT, the 8259's INTR (virtual wire)
 *   0x360 LVT LINT1 NMI
 *   0x370 LVT error masked (errors are read from ESR)
 *   0x380 initial count, 0x390 current count, 0x3E0 divide configuration
 *
 * The 8259 pair keeps the boot CPU's devices and tick (pic.c, the PIT):
 * the boot CPU's LINT0 stays in ExtINT mode, the MP specification's
 * "virtual wire" mode, so enabling its local APIC changes nothing for
 * them.  An application processor masks LINT0: the 8259 talks to the
 * boot CPU only.
 *
 * The timer counts down from the initial count at the bus clock over the
 * divider (16 here); in periodic mode it reloads and interrupts at zero.
 * Its rate is not architectural, so lapic_timer_calibrate measures it
 * against tern_nanotime (the PIT on this board) over CALIBRATE_NS with
 * the timer masked, on the boot CPU: every CPU's timer runs from the same
 * bus clock.  Under QEMU both clocks follow the host's, and the host may
 * stop the virtual CPU between a clock read and a register access, so
 * each access is bracketed by clock reads and a wide bracket measured
 * again.
 */
#include <stdint.h>

#include "arch/arch.h"
#include "arch/x86/x86.h"
#include "tern.h"

#define REG_ID      0x020
#define REG_TPR     0x080
#define REG_EOI     0x0B0
#define REG_SVR     0x0F0
#define REG_ESR     0x280
#define REG_ICR_LO  0x300
#define REG_ICR_HI  0x310
#define REG_LVT_TMR 0x320
#define REG_LINT0   0x350
#define REG_LINT1   0x360
#define REG_LVT_ERR 0x370
#define REG_TMR_ICT 0x380
#define REG_TMR_CCT 0x390
#define REG_TMR_DCR 0x3E0

#define SVR_ENABLE         0x100u
#define LVT_MASKED         0x10000u
#define LVT_PERIODIC       0x20000u
#define LVT_EXTINT         0x700u
#define LVT_NMI            0x400u
#define ICR_PENDING        0x1000u /* delivery status: not yet accepted */
#define DCR_DIV16          0x3u
#define CALIBRATE_NS       10000000 /* 10 ms */
#define CALIBRATE_SLACK_NS 50000    /* 50 us */
#define CALIBRATE_TRIES    5
#define ICR_WAIT_SPIN      1000000

static volatile uint32_t *lapic TERN_PRIVATE;

static uint32_t rd(unsigned reg)
{
    return lapic[reg / 4];
}

static void wr(unsigned reg, uint32_t v)
{
    lapic[reg / 4] = v;
}

void lapic_set_base(uintptr_t base)
{
    lapic = (volatile uint32_t *)base;
}

void lapic_enable(bool boot_cpu)
{
    wr(REG_SVR, SVR_ENABLE | X86_VEC_SPURIOUS);
    wr(REG_TPR, 0);
    wr(REG_LVT_ERR, LVT_MASKED);
    wr(REG_LVT_TMR, LVT_MASKED);
    wr(REG_LINT0, boot_cpu ? LVT_EXTINT : LVT_MASKED);
    wr(REG_LINT1, LVT_NMI);
    wr(REG_ESR, 0);
    wr(REG_ESR, 0); /* back-to-back writes clear it */
    lapic_eoi();    /* nothing left in service from the firmware */
}

uint32_t lapic_id(void)
{
    return rd(REG_ID) >> 24;
}

void lapic_eoi(void)
{
    wr(REG_EOI, 0);
}

static void icr_wait(void)
{
    for (int i = 0; i < ICR_WAIT_SPIN && (rd(REG_ICR_LO) & ICR_PENDING); i++)
        __asm__ volatile("pause");
}

void lapic_ipi(uint32_t apic_id, uint32_t icr_low)
{
    unsigned long s = arch_irq_save();

    icr_wait();
    wr(REG_ICR_HI, apic_id << 24);
    wr(REG_ICR_LO, icr_low); /* sends */
    icr_wait();
    arch_irq_restore(s);
}

/* One measurement: counts over ns, both into *counts / *ns; the time
 * of each register access is bracketed by two reads of the clock, and
 * the bracket's middle taken.  False if a bracket is wider than
 * CALIBRATE_SLACK_NS (the CPU was away, as a host may take a virtual
 * CPU away): then the caller measures again. */
static bool calibrate_once(uint32_t *counts, int64_t *ns)
{
    int64_t a0, a1, b0, b1;
    uint32_t left;

    wr(REG_LVT_TMR, LVT_MASKED); /* one-shot, no interrupt */
    wr(REG_TMR_DCR, DCR_DIV16);
    a0 = tern_nanotime();
    wr(REG_TMR_ICT, 0xFFFFFFFFu);
    a1 = tern_nanotime();
    while (tern_nanotime() - a1 < CALIBRATE_NS)
        __asm__ volatile("pause");
    b0 = tern_nanotime();
    left = rd(REG_TMR_CCT);
    b1 = tern_nanotime();
    wr(REG_TMR_ICT, 0); /* stop */
    *counts = 0xFFFFFFFFu - left;
    *ns = (b0 + b1) / 2 - (a0 + a1) / 2;
    return a1 - a0 <= CALIBRATE_SLACK_NS && b1 - b0 <= CALIBRATE_SLACK_NS;
}

uint32_t lapic_timer_calibrate(void)
{
    uint32_t counts;
    int64_t ns;

    for (int k = 0; k < CALIBRATE_TRIES && !calibrate_once(&counts, &ns); k++)
        ;
    return (uint32_t)((uint64_t)counts * 1000000000u / (uint64_t)ns);
}

void lapic_timer_start(uint32_t count)
{
    wr(REG_TMR_DCR, DCR_DIV16);
    wr(REG_LVT_TMR, LVT_PERIODIC | X86_VEC_LAPIC_TIMER);
    wr(REG_TMR_ICT, count);
}
