/*
 * kernel/boot.c - from reset to main().
 *
 * The arch reset code (arch/<arch>/start.c) sets up a C environment (a
 * stack, .data copied from flash, .bss and the private segment zeroed) and
 * calls kernel_main, which brings the runtime up in dependency order:
 *
 *   1. board_init      clocks and pins (interrupts still masked)
 *   2. console_init    polled output works from here on, so every later
 *                      step can report a fatal error
 *   3. arch_init       exception priorities, traps, FPU, null guard
 *   4. segments_init   the memory map, verified (fatal if inconsistent)
 *   5. mm_init         the heap regions cut into pages (mm/mm.c)
 *   6. time_init       the periodic tick, TIME_TICK_HZ_DEFAULT
 *   7. interrupts on, banner, the other CPUs (arch_cpus_start: on a
 *      board with several, started to idle; nothing on one) and the
 *      segment map
 *   8. sched_start: main() as goroutine 1, and this boot context becomes
 *      the CPU's idle loop (sched/proc.c)
 *
 * main()'s return value is the exit status.
 */
#include "arch/arch.h"
#include "kernel/board.h"
#include "kernel/canary.h"
#include "kernel/console.h"
#include "kernel/segments.h"
#include "kernel/time.h"
#include "gc/gc.h"
#include "mm/mm.h"
#include "sched/sched.h"
#include "tern.h"

#ifndef TERN_GIT
#define TERN_GIT "unknown"
#endif

int main(void);
_Noreturn void kernel_main(void);

static void banner(void)
{
    tern_printf("\ntern %s (%s) on %s, %s, gcc %s, tick %u Hz\n", TERN_VERSION,
                TERN_GIT, BOARD_NAME, arch_cpu_name(), __VERSION__,
                (unsigned)tern_tick_hz());
}

_Noreturn void kernel_main(void)
{
    canary_init();
    board_init();
    console_init();
    arch_init();
    segments_init();
    mm_init();
    time_init(TIME_TICK_HZ_DEFAULT);
    gc_init();
    arch_irq_enable();

    banner();
    arch_cpus_start();
    tern_segments_print();
    sched_start(main);
}
