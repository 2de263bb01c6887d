/*
 * arch/cortex-m/systick.c - the board tick (kernel/board.h) from SysTick.
 *
 * Linked by every board whose core has a SysTick (board.mk: TIMER_SRC).
 * SysTick counts down from RVR to 0 at the processor clock (BOARD_CPU_HZ)
 * and pends its exception on reaching 0; the period is RVR + 1 counts.
 * The counter is 24 bits wide, so the longest period is 2^24 counts
 * (0.67 s at 25 MHz, 0.1 s at 168 MHz).
 */
#include "arch/cortex-m/cm.h"
#include "kernel/board.h"
#include "kernel/time.h"
#include "tern.h"

void SysTick_Handler(void);

static uint32_t reload TERN_PRIVATE;

bool board_timer_start(uint32_t period)
{
    if (period < 2 || period - 1 > 0xFFFFFFu)
        return false;
    SYST_CSR = 0;
    SYST_RVR = period - 1;
    SYST_CVR = 0;
    SCB_ICSR = ICSR_PENDSTCLR;
    reload = period - 1;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    return true;
}

uint32_t board_timer_count_hz(void)
{
    return BOARD_CPU_HZ;
}

uint32_t board_timer_elapsed(void)
{
    uint32_t v = SYST_CVR;

    return v > reload ? 0 : reload - v;
}

bool board_timer_pending(void)
{
    return (SCB_ICSR & ICSR_PENDSTSET) != 0;
}

void SysTick_Handler(void)
{
    time_tick();
}
