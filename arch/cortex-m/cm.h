/*
 * arch/cortex-m/cm.h - Cortex-M system registers used by the port.
 *
 * The variant comes from board.mk: CM_V6M (ARMv6-M: M0/M0+), CM_V7M
 * (ARMv7-M / v7E-M: M3, M4F), CM_V8M (ARMv8-M mainline: M33).  CM_FPU is
 * set when the core has a single-precision FPU and the image uses it.
 * See the ARMv6-M / v7-M / v8-M Architecture Reference Manuals, chapter
 * "System Control Space".  Only word accesses are used: ARMv6-M allows
 * nothing else on the SCS.
 */
#ifndef ARCH_CORTEX_M_CM_H
#define ARCH_CORTEX_M_CM_H

#include <stdbool.h>
#include <stdint.h>

#if !defined(CM_V6M) && !defined(CM_V7M) && !defined(CM_V8M)
#error "board.mk must set ARCH_VARIANT (v6m, v7m or v8m)"
#endif

#define CM_REG(addr) (*(volatile uint32_t *)(addr))

/* SysTick */
#define SYST_CSR           CM_REG(0xE000E010)
#define SYST_RVR           CM_REG(0xE000E014)
#define SYST_CVR           CM_REG(0xE000E018)
#define SYST_CSR_ENABLE    0x1u
#define SYST_CSR_TICKINT   0x2u
#define SYST_CSR_CLKSOURCE 0x4u /* processor clock */

/* NVIC */
#define NVIC_ISER(n) CM_REG(0xE000E100 + 4 * (n))
#define NVIC_ICER(n) CM_REG(0xE000E180 + 4 * (n))
#define NVIC_ICPR(n) CM_REG(0xE000E280 + 4 * (n))
#define NVIC_IPR(n)  CM_REG(0xE000E400 + 4 * (n)) /* 4 IRQs a word */

/* System Control Block */
#define SCB_ICSR  CM_REG(0xE000ED04)
#define SCB_VTOR  CM_REG(0xE000ED08)
#define SCB_AIRCR CM_REG(0xE000ED0C)
#define SCB_CCR   CM_REG(0xE000ED14)
#define SCB_SHPR2 CM_REG(0xE000ED1C) /* SVCall in [31:24] */
#define SCB_SHPR3 CM_REG(0xE000ED20) /* SysTick [31:24], PendSV [23:16] */
#define SCB_SHCSR CM_REG(0xE000ED24)
#define SCB_CFSR  CM_REG(0xE000ED28)
#define SCB_HFSR  CM_REG(0xE000ED2C)
#define SCB_MMFAR CM_REG(0xE000ED34)
#define SCB_BFAR  CM_REG(0xE000ED38)
#define SCB_CPACR CM_REG(0xE000ED88)

#define ICSR_PENDSTSET  (1u << 26)
#define ICSR_PENDSTCLR  (1u << 25)
#define ICSR_PENDSVSET  (1u << 28)
#define ICSR_VECTACTIVE 0x1FFu

#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP   (1u << 4)

#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

/* Configurable Fault Status Register bits */
#define CFSR_IACCVIOL    (1u << 0)
#define CFSR_DACCVIOL    (1u << 1)
#define CFSR_MUNSTKERR   (1u << 3)
#define CFSR_MSTKERR     (1u << 4)
#define CFSR_MLSPERR     (1u << 5)
#define CFSR_MMARVALID   (1u << 7)
#define CFSR_IBUSERR     (1u << 8)
#define CFSR_PRECISERR   (1u << 9)
#define CFSR_IMPRECISERR (1u << 10)
#define CFSR_UNSTKERR    (1u << 11)
#define CFSR_STKERR      (1u << 12)
#define CFSR_LSPERR      (1u << 13)
#define CFSR_BFARVALID   (1u << 15)
#define CFSR_UNDEFINSTR  (1u << 16)
#define CFSR_INVSTATE    (1u << 17)
#define CFSR_INVPC       (1u << 18)
#define CFSR_NOCP        (1u << 19)
#define CFSR_STKOF       (1u << 20) /* ARMv8-M */
#define CFSR_UNALIGNED   (1u << 24)
#define CFSR_DIVBYZERO   (1u << 25)

#define HFSR_VECTTBL  (1u << 1)
#define HFSR_FORCED   (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)

/* MPU (v7-M and v8-M share the first three registers) */
#define MPU_TYPE            CM_REG(0xE000ED90)
#define MPU_CTRL            CM_REG(0xE000ED94)
#define MPU_RNR             CM_REG(0xE000ED98)
#define MPU_RBAR            CM_REG(0xE000ED9C)
#define MPU_RASR            CM_REG(0xE000EDA0) /* v7-M */
#define MPU_RLAR            CM_REG(0xE000EDA0) /* v8-M */
#define MPU_MAIR0           CM_REG(0xE000EDC0) /* v8-M */
#define MPU_CTRL_ENABLE     0x1u
#define MPU_CTRL_PRIVDEFENA 0x4u

/* Exception numbers */
#define EXC_HARDFAULT   3
#define EXC_MEMMANAGE   4
#define EXC_BUSFAULT    5
#define EXC_USAGEFAULT  6
#define EXC_SECUREFAULT 7
#define EXC_IRQ0        16

/* Priorities (top bits used; distinct with as few as 2 implemented bits) */
#define CM_PRIO_DEVICE 0x40u
#define CM_PRIO_TICK   0x80u
#define CM_PRIO_SWITCH 0xC0u

/* Disable the ARMv7-M thread-stack guard (MPU region 1) for good: fatal
 * reports and exit only.  No-op on other variants. */
void cm_guard_off(void);

/* pc (the next instruction) lies inside tern_store's inline sequence,
 * after its read of the flag and before its store: not a safe point for
 * preemption (arch/cortex-m/arch_store.h, preempt.c; Thumb-2 only). */
bool cm_pc_in_store(uint32_t pc);

/* Semihosting */
int cm_semihost(int op, void *arg);
void cm_semihost_bkpt(void); /* the address of its BKPT (fault.c) */
#define SEMIHOST_SYS_GET_CMDLINE              0x15
#define SEMIHOST_SYS_EXIT                     0x18
#define SEMIHOST_SYS_EXIT_EXTENDED            0x20
#define SEMIHOST_ADP_STOPPED_APPLICATION_EXIT 0x20026

#endif /* ARCH_CORTEX_M_CM_H */
