/*
 * arch/cortex-m/preempt.c - deciding a preemption in PendSV.
 * See arch/cortex-m/pendsv.S.
 */
#include <stdint.h>

#include "arch/arch.h"
#include "arch/cortex-m/cm.h"
#include "tern.h"

void cm_pendsv(uint32_t exc_return, uint32_t *frame);
void arch_preempt_trampoline(void);
extern char arch_preempt_trampoline_end[];

/* The interrupted PC (Thumb bit set) the trampoline returns to.  Written
 * by PendSV, read by the trampoline before anything can preempt again. */
volatile uint32_t cm_preempt_pc TERN_PRIVATE;

#define XPSR_ICI_IT 0x0600FC00u /* IT block or interrupted LDM/STM */

void arch_preempt_request(void)
{
    SCB_ICSR = ICSR_PENDSVSET;
}

void cm_pendsv(uint32_t exc_return, uint32_t *frame)
{
    /* Only thread code (goroutines and the idle loop, on the process
     * stack); never another handler (PendSV is the lowest priority, but be
     * sure). */
    if ((exc_return & 0xCu) != 0xCu)
        return;
    if ((frame[7] & XPSR_ICI_IT) || arch_pc_nopreempt(frame[6]))
        return; /* not a safe point: the next tick asks again */
    /* Inside the trampoline (a tick between its entry and its read of
     * cm_preempt_pc): diverting it again would lose the first PC. */
    if (frame[6] >= ((uint32_t)(uintptr_t)arch_preempt_trampoline & ~1u) &&
        frame[6] < (uint32_t)(uintptr_t)arch_preempt_trampoline_end)
        return;
    cm_preempt_pc = frame[6] | 1u;
    frame[6] = (uint32_t)(uintptr_t)arch_preempt_trampoline & ~1u;
}
