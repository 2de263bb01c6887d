/*
 * arch/cortex-m/arch.c - the arch contract (arch/arch.h) on Cortex-M.
 *
 * One file for ARMv6-M, ARMv7-M and ARMv8-M mainline; the differences are:
 *
 *                 v6-M (M0)        v7-M (M3, M4F)      v8-M (M33)
 *   atomics       PRIMASK around   LDREX/STREX         LDREX/STREX
 *   fault regs    none (HardFault) CFSR/HFSR/MMFAR...  same + STKOF
 *   traps         always on        DIV_0_TRP (UNALIGN  same
 *                                  on request)
 *   null guard    none (no MPU)    MPU region 0        MPU, PRIVDEFENA=0
 *   thread stack  canary (sched)   MPU guard region 1  PSPLIM
 *   handler stack canary (kernel)  canary (kernel)     MSPLIM
 *
 * The v8-M MPU has no "no access" permission, so its null guard is the
 * absence of a region: the background map is off and three regions cover
 * everything except the first 4 KiB.
 */
#include "arch/arch.h"

#include "arch/cortex-m/cm.h"
#include "kernel/panic.h"
#include "tern.h"

#ifndef CM_CPU_NAME
#define CM_CPU_NAME "Cortex-M"
#endif

/* The boot command line (semihosting): test names, modes; board.mk may
 * keep fewer bytes (CM_CMDLINE). */
#ifndef CM_CMDLINE
#define CM_CMDLINE 128
#endif
static char cmdline[CM_CMDLINE] TERN_PRIVATE;

bool arch_trap_unaligned(bool on)
{
#if defined(CM_V6M)
    (void)on;
    return false;
#else
    if (on)
        SCB_CCR |= CCR_UNALIGN_TRP;
    else
        SCB_CCR &= ~CCR_UNALIGN_TRP;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    return true;
#endif
}

const char *arch_cpu_name(void)
{
    return CM_CPU_NAME;
}

unsigned arch_caps(void)
{
    unsigned caps = 0;
#if !defined(CM_V6M)
    caps |= ARCH_CAP_DIV0_TRAP | ARCH_CAP_UNALIGN_TRAP | ARCH_CAP_EXCLUSIVES;
    if (MPU_TYPE != 0)
        caps |= ARCH_CAP_NULL_GUARD;
#endif
#if defined(CM_V7M)
    if (MPU_TYPE != 0)
        caps |= ARCH_CAP_STACK_GUARD;
#elif defined(CM_V8M)
    caps |= ARCH_CAP_STACK_LIMIT | ARCH_CAP_STACK_GUARD;
#endif
#if defined(CM_FPU)
    caps |= ARCH_CAP_FPU;
#endif
    return caps;
}

/* Not inlined: the BKPT has one address, cm_semihost_bkpt, which the
 * fault handler recognises when no debugger takes the call. */
__attribute__((noinline)) int cm_semihost(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;

    __asm__ volatile(".global cm_semihost_bkpt\n"
                     ".type cm_semihost_bkpt, %%function\n"
                     "cm_semihost_bkpt: bkpt 0xab"
                     : "+r"(r0)
                     : "r"(r1)
                     : "memory");
    return r0;
}

static void cmdline_fetch(void)
{
#if defined(CM_SEMIHOSTING)
    struct {
        char *buf;
        int len;
    } blk = {cmdline, (int)sizeof cmdline - 1};

    if (cm_semihost(SEMIHOST_SYS_GET_CMDLINE, &blk) == 0 && blk.len >= 0 &&
        blk.len < (int)sizeof cmdline)
        cmdline[blk.len] = '\0';
    else
        cmdline[0] = '\0';
#endif
}

const char *arch_cmdline(void)
{
    return cmdline;
}

static void set_prio(unsigned exc_or_irq_word, unsigned shift, uint32_t prio)
{
    volatile uint32_t *r = &CM_REG(exc_or_irq_word);
    *r = (*r & ~(0xFFu << shift)) | (prio << shift);
}

void cm_guard_off(void)
{
#if defined(CM_V7M)
    if (MPU_TYPE != 0) {
        MPU_RNR = 1; /* as it always is: switch.S */
        MPU_RASR &= ~1u;
        __asm__ volatile("dsb\n\tisb" ::: "memory");
    }
#endif
}

static void null_guard(void)
{
#if defined(CM_V7M)
    if (MPU_TYPE == 0)
        return;
    MPU_RNR = 0;
    MPU_RBAR = 0;
    /* SIZE = log2(4096) - 1 = 11, AP = 000 (no access), XN */
    MPU_RASR = (1u << 28) | (11u << 1) | 1u;
    /* Region 1, the thread-stack guard: no access, XN, ARCH_STACK_GUARD
     * bytes; each context switch moves it (switch.S: MPU_RBAR). */
    MPU_RNR = 1;
    MPU_RBAR = 0;
    MPU_RASR = (1u << 28) |
               ((uint32_t)(__builtin_ctz(ARCH_STACK_GUARD) - 1) << 1) | 1u;
    MPU_CTRL = MPU_CTRL_PRIVDEFENA | MPU_CTRL_ENABLE;
#elif defined(CM_V8M)
    if (MPU_TYPE == 0)
        return;
    /* MAIR attr 0: normal memory, write-back; attr 1: device nGnRnE */
    MPU_MAIR0 = 0x00FFu;
    /* RBAR: base | SH=0 | AP=01 (read/write, any privilege) | XN
     * RLAR: limit | AttrIndx << 1 | EN */
    MPU_RNR = 0;
    MPU_RBAR = 0x00001000u | (1u << 1);
    MPU_RLAR = 0x3FFFFFE0u | (0u << 1) | 1u;
    MPU_RNR = 1;
    MPU_RBAR = 0x40000000u | (1u << 1) | 1u;
    MPU_RLAR = 0x5FFFFFE0u | (1u << 1) | 1u;
    MPU_RNR = 2;
    MPU_RBAR = 0x60000000u | (1u << 1);
    MPU_RLAR = 0xDFFFFFE0u | (0u << 1) | 1u;
    MPU_CTRL = MPU_CTRL_ENABLE; /* no background map: 0..4K faults */
#endif
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

void arch_init(void)
{
    cmdline_fetch();
    set_prio(0xE000ED20, 24, CM_PRIO_TICK);   /* SysTick */
    set_prio(0xE000ED20, 16, CM_PRIO_SWITCH); /* PendSV */
    set_prio(0xE000ED1C, 24, CM_PRIO_DEVICE); /* SVCall: arch_soft_irq */
#if !defined(CM_V6M)
    SCB_CCR |= CCR_DIV_0_TRP;
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
#endif
    null_guard();
}

/* --- interrupts --- */

void arch_irq_enable(void)
{
    __asm__ volatile("cpsie i" ::: "memory");
}

void arch_wait_irq(void)
{
    __asm__ volatile("dsb\n\twfi" ::: "memory");
}

/* arch_soft_irq: SVC, at device priority, so that it behaves as a device
 * interrupt that arrives at that very instruction. */
static void (*volatile soft_fn)(void) TERN_PRIVATE;

void SVC_Handler(void);

void SVC_Handler(void)
{
    if (soft_fn == NULL)
        tern_panic("software interrupt without a handler");
    soft_fn();
}

void arch_soft_irq_set(void (*fn)(void))
{
    soft_fn = fn;
}

void arch_soft_irq(void)
{
    uint32_t primask;

    __asm__ volatile("mrs %0, primask" : "=r"(primask));
    if (primask & 1u) /* SVC would escalate to HardFault */
        tern_panic("arch_soft_irq with interrupts masked");
    __asm__ volatile("svc #0" ::: "memory");
}

void arch_irq_line_enable(unsigned irq)
{
    set_prio(0xE000E400 + 4 * (irq / 4), 8 * (irq % 4), CM_PRIO_DEVICE);
    NVIC_ICPR(irq / 32) = 1u << (irq % 32);
    NVIC_ISER(irq / 32) = 1u << (irq % 32);
}

void arch_irq_line_disable(unsigned irq)
{
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* --- atomics --- */

void arch_mb(void)
{
    __asm__ volatile("dmb" ::: "memory");
}

#if defined(CM_V6M)
bool arch_cas32(volatile uint32_t *p, uint32_t old, uint32_t new_value)
{
    unsigned long s = arch_irq_save();
    bool ok = *p == old;

    if (ok)
        *p = new_value;
    arch_irq_restore(s);
    return ok;
}

uint32_t arch_add32(volatile uint32_t *p, uint32_t delta)
{
    unsigned long s = arch_irq_save();
    uint32_t v = *p + delta;

    *p = v;
    arch_irq_restore(s);
    return v;
}
#else
bool arch_cas32(volatile uint32_t *p, uint32_t old, uint32_t new_value)
{
    uint32_t cur, fail;

    arch_mb();
    do {
        __asm__ volatile("ldrex %0, [%1]" : "=r"(cur) : "r"(p) : "memory");
        if (cur != old) {
            __asm__ volatile("clrex" ::: "memory");
            arch_mb();
            return false;
        }
        __asm__ volatile("strex %0, %2, [%1]"
                         : "=&r"(fail)
                         : "r"(p), "r"(new_value)
                         : "memory");
    } while (fail);
    arch_mb();
    return true;
}

uint32_t arch_add32(volatile uint32_t *p, uint32_t delta)
{
    uint32_t v, fail;

    arch_mb();
    do {
        __asm__ volatile("ldrex %0, [%1]" : "=r"(v) : "r"(p) : "memory");
        v += delta;
        __asm__ volatile("strex %0, %2, [%1]"
                         : "=&r"(fail)
                         : "r"(p), "r"(v)
                         : "memory");
    } while (fail);
    arch_mb();
    return v;
}
#endif

/* --- registers, faults, exit --- */

/* The ARM run-time ABI calls these on integer division by zero (the
 * library divide routines on ARMv6-M; 64-bit division everywhere).  The
 * default returns 0 silently; Tern makes it the same fatal error as the
 * hardware trap. */
void __aeabi_idiv0(void);
void __aeabi_ldiv0(void);

void __aeabi_idiv0(void)
{
    tern_panic("integer divide by zero");
}

void __aeabi_ldiv0(void)
{
    tern_panic("integer divide by zero");
}

uintptr_t arch_sp(void)
{
    uintptr_t sp;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

#if !defined(CM_SEMIHOSTING)
volatile int arch_exit_status;
#endif

_Noreturn void arch_exit(int status)
{
    (void)arch_irq_save();
#if defined(CM_SEMIHOSTING)
    {
        /* QEMU reads the semihosting block a page (1 KiB) at a time and
         * fails the whole page if the stack guard covers part of it: drop
         * the guard, the program is over. */
        cm_guard_off();
        uint32_t blk[2] = {SEMIHOST_ADP_STOPPED_APPLICATION_EXIT,
                           (uint32_t)status};
        cm_semihost(SEMIHOST_SYS_EXIT_EXTENDED, blk);
        /* Older hosts without the extended call: success or failure. */
        cm_semihost(
            SEMIHOST_SYS_EXIT,
            (void *)(uintptr_t)(status == 0
                                    ? SEMIHOST_ADP_STOPPED_APPLICATION_EXIT
                                    : 0x20024 /* internal error */));
    }
#else
    /* Real hardware: no host to tell.  The status stays where a debugger
     * finds it (`print arch_exit_status`), and the core sleeps. */
    arch_exit_status = status;
#endif
    for (;;)
        __asm__ volatile("wfi");
}

/* SYSRESETREQ: VECTKEY 0x05FA in [31:16] unlocks the write.  The DSBs
 * make earlier stores complete before the request and the request take
 * effect before the spin. */
void arch_reset_board(void)
{
    (void)arch_irq_save();
    __asm__ volatile("dsb" ::: "memory");
    SCB_AIRCR = 0x05FA0004u;
    __asm__ volatile("dsb" ::: "memory");
    for (;;)
        __asm__ volatile("nop");
}

/* The CPUs contract: arch/one_cpu.c. */
