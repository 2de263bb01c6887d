/*
 * arch/cortex-m/fault.c - fatal reports for CPU faults.
 * See kernel/panic.c for the report format.
 *
 * The cause is decoded from the fault status registers (ARMv7-M/v8-M) into
 * the runtime's vocabulary: a data access fault below 4 KiB is a nil
 * pointer dereference (the MPU null guard), a stacking error or STKOF a
 * stack overflow, and so on.  ARMv6-M has only HardFault and no status
 * registers; there the faulting instruction is inspected to tell an
 * undefined instruction (UDF) from the rest.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/cortex-m/cm.h"
#include "kernel/panic.h"

void arch_fault_report(uint32_t *frame, uint32_t exc_return, uint32_t *saved);

/* arch_probe_read's state: a bus fault while active is recovered from. */
static volatile struct {
    bool active;  /* a probe load is about to run */
    bool faulted; /* it faulted, and was skipped */
} probe;

bool arch_probe_read(uintptr_t addr)
{
    probe.faulted = false;
    probe.active = true;
    __asm__ volatile("dsb" ::: "memory");
    (void)*(volatile uint32_t *)addr;
    __asm__ volatile("dsb" ::: "memory");
    probe.active = false;
    return !probe.faulted;
}

/* A bus error during a probe: skip the faulting load and go on. */
static bool probe_recover(uint32_t *frame, unsigned exc)
{
    uint16_t insn;

    if (!probe.active || (exc != EXC_BUSFAULT && exc != EXC_HARDFAULT))
        return false;
#if !defined(CM_V6M)
    if (!(SCB_CFSR & (CFSR_PRECISERR | CFSR_IMPRECISERR)))
        return false;
    SCB_CFSR = CFSR_PRECISERR | CFSR_IMPRECISERR | CFSR_BFARVALID;
    SCB_HFSR = HFSR_FORCED;
#endif
    insn = *(const uint16_t *)(uintptr_t)frame[6];
    frame[6] += (insn & 0xF800u) >= 0xE800u ? 4 : 2; /* 32- or 16-bit */
    probe.active = false;
    probe.faulted = true;
    return true;
}

/* A semihosting call (cm_semihost's BKPT 0xAB) with no debugger or QEMU
 * to take it: on a real board that escalates to a HardFault.  The call
 * fails (r0 = -1, as a host that refuses it answers) and the program goes
 * on, so an image built for a QEMU twin (microbit) also runs on the real
 * board.  Nothing is read but the frame, and on v7-M only once HFSR says
 * a debug event escalated (the frame of an overflow may sit in a stack
 * guard, unreadable until the report lifts it). */
static bool semihost_recover(uint32_t *frame, unsigned exc)
{
    if (exc != EXC_HARDFAULT)
        return false;
#if !defined(CM_V6M)
    if (!(SCB_HFSR & HFSR_DEBUGEVT))
        return false;
#endif
    if ((frame[6] | 1u) != ((uint32_t)(uintptr_t)cm_semihost_bkpt | 1u))
        return false;
#if !defined(CM_V6M)
    SCB_HFSR = HFSR_DEBUGEVT;
#endif
    frame[0] = 0xFFFFFFFFu;
    frame[6] += 2;
    return true;
}

#define NULL_GUARD_SIZE 4096u

static const char *exception_name(unsigned n)
{
    switch (n) {
    case EXC_HARDFAULT:
        return "HardFault";
    case EXC_MEMMANAGE:
        return "MemManage";
    case EXC_BUSFAULT:
        return "BusFault";
    case EXC_USAGEFAULT:
        return "UsageFault";
    case EXC_SECUREFAULT:
        return "SecureFault";
    default:
        return "exception";
    }
}

#if !defined(CM_V6M)
static const char stack_overflow[] = "stack overflow";

/* Where the ARMv7-M thread-stack guard was when the fault hit (the report
 * lifts it before reading the frame): a data access fault there is an
 * overflow of the running thread's stack. */
#if defined(CM_V7M)
static uint32_t guard_base, guard_on;

static void guard_note(void)
{
    if (MPU_TYPE != 0) {
        MPU_RNR = 1; /* as it always is: switch.S */
        guard_base = MPU_RBAR & ~0x1Fu;
        guard_on = MPU_RASR & 1u;
    }
}
#endif

/* The cause of a configurable fault; *addr receives the faulting data
 * address when the core recorded one. */
static const char *cause_of(uint32_t cfsr, uint32_t *addr, int *has_addr)
{
    *has_addr = 0;
    if (cfsr & CFSR_MMARVALID) {
        *addr = SCB_MMFAR;
        *has_addr = 1;
    } else if (cfsr & CFSR_BFARVALID) {
        *addr = SCB_BFAR;
        *has_addr = 1;
    }
    if (cfsr & (CFSR_MSTKERR | CFSR_STKERR | CFSR_STKOF))
        return stack_overflow;
    if (cfsr & CFSR_DACCVIOL) {
#if defined(CM_V7M)
        if (*has_addr && guard_on && *addr - guard_base < ARCH_STACK_GUARD)
            return stack_overflow;
#endif
        if (*has_addr && *addr < NULL_GUARD_SIZE)
            return "invalid memory address or nil pointer dereference";
        return "invalid memory address (MPU violation)";
    }
    if (cfsr & CFSR_IACCVIOL)
        return "instruction fetch from protected memory";
    if (cfsr & (CFSR_MUNSTKERR | CFSR_UNSTKERR))
        return "fault on exception return (corrupted stack)";
    if (cfsr & (CFSR_MLSPERR | CFSR_LSPERR))
        return "fault saving floating-point state";
    if (cfsr & CFSR_PRECISERR)
        return "bus error";
    if (cfsr & CFSR_IMPRECISERR)
        return "bus error (imprecise)";
    if (cfsr & CFSR_IBUSERR)
        return "bus error on instruction fetch";
    if (cfsr & CFSR_UNDEFINSTR)
        return "undefined instruction";
    if (cfsr & CFSR_INVSTATE)
        return "invalid state (branch to an ARM-state address)";
    if (cfsr & CFSR_INVPC)
        return "invalid exception return";
    if (cfsr & CFSR_NOCP)
        return "coprocessor disabled (FPU used without access)";
    if (cfsr & CFSR_UNALIGNED)
        return "unaligned memory access";
    if (cfsr & CFSR_DIVBYZERO)
        return "integer divide by zero";
    return "fault";
}
#endif

/* The SP of the interrupted code: above the basic frame (8 words), the
 * FP extension (18 more unless EXC_RETURN bit 4), and the alignment word
 * the core inserted if xPSR bit 9 says so. */
static uintptr_t sp_before(const uint32_t *frame, uint32_t exc_return)
{
    unsigned words = 8;

    if (!(exc_return & 0x10u))
        words += 18;
    if (frame[7] & (1u << 9))
        words += 1;
    return (uintptr_t)(frame + words);
}

void arch_fault_report(uint32_t *frame, uint32_t exc_return, uint32_t *saved)
{
    unsigned exc = SCB_ICSR & ICSR_VECTACTIVE;
    uint32_t pc = frame[6];
    const char *cause = "hard fault";
    uint32_t addr = 0;
    int has_addr = 0;

    if (probe_recover(frame, exc) || semihost_recover(frame, exc))
        return;
    fatal_begin();
#if defined(CM_V7M)
    guard_note();
#endif
    /* The frame may sit in a thread stack's guard (an overflow faulted
     * while stacking it): lift the guard so that the report can read it. */
    cm_guard_off();
#if defined(CM_V6M)
    /* The stacked PC is the faulting instruction; 0xDExx is UDF. */
    if ((pc & 1u) == 0 &&
        (*(const uint16_t *)(uintptr_t)pc & 0xFF00u) == 0xDE00u)
        cause = "undefined instruction";
    fatal_printf("fatal error: %s\n[%s", cause, exception_name(exc));
#else
    uint32_t cfsr = SCB_CFSR;
    uint32_t hfsr = SCB_HFSR;

    if (exc != EXC_HARDFAULT || (hfsr & HFSR_FORCED))
        cause = cause_of(cfsr, &addr, &has_addr);
    else if (hfsr & HFSR_VECTTBL)
        cause = "bus error reading the vector table";
    fatal_printf("fatal error: %s\n[%s CFSR=0x%08lx HFSR=0x%08lx", cause,
                 exception_name(exc), (unsigned long)cfsr, (unsigned long)hfsr);
#endif
    if (has_addr)
        fatal_printf(" addr=0x%08lx", (unsigned long)addr);
    fatal_printf(" pc=0x%08lx]\n", (unsigned long)pc);
#if !defined(CM_V6M)
    if (cause == stack_overflow)
        sched_stack_report(has_addr ? addr : (uintptr_t)frame,
                           sp_before(frame, exc_return));
#endif
    fatal_printf("r0  0x%08lx r1  0x%08lx r2  0x%08lx r3  0x%08lx\n",
                 (unsigned long)frame[0], (unsigned long)frame[1],
                 (unsigned long)frame[2], (unsigned long)frame[3]);
    fatal_printf("r4  0x%08lx r5  0x%08lx r6  0x%08lx r7  0x%08lx\n",
                 (unsigned long)saved[5], (unsigned long)saved[6],
                 (unsigned long)saved[7], (unsigned long)saved[8]);
    fatal_printf("r8  0x%08lx r9  0x%08lx r10 0x%08lx r11 0x%08lx\n",
                 (unsigned long)saved[0], (unsigned long)saved[1],
                 (unsigned long)saved[2], (unsigned long)saved[3]);
    fatal_printf("r12 0x%08lx sp  0x%08lx lr  0x%08lx pc  0x%08lx\n",
                 (unsigned long)frame[4],
                 (unsigned long)sp_before(frame, exc_return),
                 (unsigned long)frame[5], (unsigned long)pc);
    fatal_printf("xpsr 0x%08lx exc_return 0x%08lx (%s stack)\n",
                 (unsigned long)frame[7], (unsigned long)exc_return,
                 (exc_return & 4u) ? "process" : "main");
    fatal_end();
}
