/*
 * arch/one_cpu.c - the CPUs contract (arch/arch.h) for a port with one
 * core: CPU 0 alone, running the runtime, nothing to start.  Linked by
 * arch/cortex-m, arch/hosted and arch/host; arch/x86 has its own
 * (arch/x86/smp.c).
 */
#include "arch/arch.h"
#include "kernel/time.h"

void arch_cpus_start(void)
{
}

unsigned arch_cpu_count(void)
{
    return 1;
}

bool arch_cpu_read(unsigned i, struct arch_cpu *out)
{
    if (i != 0)
        return false;
    out->hwid = 0;
    out->state = ARCH_CPU_RUNNING;
    out->ticks = time_timer_irqs();
    out->ipis = 0;
    return true;
}

bool arch_cpu_ipi(unsigned i)
{
    (void)i;
    return false; /* no other CPU */
}
