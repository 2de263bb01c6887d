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
#include <stdint.h>

#include "arch/cortex-m/cm.h"
#include "kernel/panic.h"

void arch_fault_report(uint32_t *frame, uint32_t exc_return,
                       uint32_t *callee_saved);

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
        return "stack overflow";
    if (cfsr & CFSR_DACCVIOL) {
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

void arch_fault_report(uint32_t *frame, uint32_t exc_return,
                       uint32_t *callee_saved)
{
    unsigned exc = SCB_ICSR & ICSR_VECTACTIVE;
    uint32_t pc = frame[6];
    const char *cause = "hard fault";
    uint32_t addr = 0;
    int has_addr = 0;

    fatal_begin();
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
    fatal_printf("r0  0x%08lx r1  0x%08lx r2  0x%08lx r3  0x%08lx\n",
                 (unsigned long)frame[0], (unsigned long)frame[1],
                 (unsigned long)frame[2], (unsigned long)frame[3]);
    fatal_printf("r4  0x%08lx r5  0x%08lx r6  0x%08lx r7  0x%08lx\n",
                 (unsigned long)callee_saved[4], (unsigned long)callee_saved[5],
                 (unsigned long)callee_saved[6],
                 (unsigned long)callee_saved[7]);
    fatal_printf("r8  0x%08lx r9  0x%08lx r10 0x%08lx r11 0x%08lx\n",
                 (unsigned long)callee_saved[0], (unsigned long)callee_saved[1],
                 (unsigned long)callee_saved[2],
                 (unsigned long)callee_saved[3]);
    fatal_printf("r12 0x%08lx sp  0x%08lx lr  0x%08lx pc  0x%08lx\n",
                 (unsigned long)frame[4], (unsigned long)(uintptr_t)(frame + 8),
                 (unsigned long)frame[5], (unsigned long)pc);
    fatal_printf("xpsr 0x%08lx exc_return 0x%08lx (%s stack)\n",
                 (unsigned long)frame[7], (unsigned long)exc_return,
                 (exc_return & 4u) ? "process" : "main");
    fatal_end();
}
