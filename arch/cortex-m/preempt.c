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

#if defined(TERN_STORE_INLINE)
/* The PC is inside tern_store's inline sequence, between its read of the
 * flag and its store (arch/cortex-m/arch_store.h gives the shape).  The
 * halfwords read are code: flash or RAM, always readable.  (ARMv6-M has
 * no such sequence: tern_store is a call there.) */
bool cm_pc_in_store(uint32_t pc)
{
    const uint16_t *h = (const uint16_t *)(uintptr_t)(pc & ~1u);

    if ((h[0] & 0xFFF8u) == 0xB108u && (h[-1] & 0xFFC0u) == 0x7800u)
        return true; /* at the cbz */
    return (h[-3] & 0xFFF8u) == 0xB108u && (h[-4] & 0xFFC0u) == 0x7800u &&
           (h[-2] & 0xF800u) == 0xF000u &&
           (h[-1] & 0xD000u) == 0x9000u; /* at the str */
}
#else
#define cm_pc_in_store(pc) false
#endif

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
    if ((frame[7] & XPSR_ICI_IT) || arch_pc_nopreempt(frame[6]) ||
        cm_pc_in_store(frame[6]))
        return; /* not a safe point: the next tick asks again */
    /* Inside the trampoline (a tick between its entry and its read of
     * cm_preempt_pc): diverting it again would lose the first PC. */
    if (frame[6] >= ((uint32_t)(uintptr_t)arch_preempt_trampoline & ~1u) &&
        frame[6] < (uint32_t)(uintptr_t)arch_preempt_trampoline_end)
        return;
    cm_preempt_pc = frame[6] | 1u;
    frame[6] = (uint32_t)(uintptr_t)arch_preempt_trampoline & ~1u;
}
