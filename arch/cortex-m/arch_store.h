/*
 * arch/cortex-m/arch_store.h - tern_store inline, as a restartable
 * sequence (Thumb-2: ARMv7-M and ARMv8-M mainline).  Included by tern.h.
 *
 * The write barrier's fast path must be atomic with respect to a GC
 * phase change (BRIEF contract 3): a goroutine must not read "barrier
 * off", lose the CPU to a mark start, and then store without shading.
 * Out of line, that is done by placing tern_store in
 * .text.tern_nopreempt; inline, the code lands anywhere, so the sequence
 * has a fixed shape that PendSV recognises by its encoding
 * (cm_pc_in_store, arch/cortex-m/preempt.c) and declines to preempt
 * inside, exactly as it declines inside .text.tern_nopreempt:
 *
 *      ldrb  t, [flag]        T1 encoding, 0x78xx (imm5 0)
 *      cbz   t, 1f            0xB10x: over the b.w (offset 2)
 *      b.w   slow             T4: 0xF0xx 0x9xxx..0xBxxx
 *   1: str   p, [slot]
 *
 * A PC at the cbz or at the str (the flag read but not yet acted on) is
 * not a safe point; the next tick finds the goroutine past the str.  A
 * PC at the ldrb has read nothing; at the b.w it is going to the slow
 * path, which masks interrupts and reads the flag again.  A false match
 * (other code with the same halfwords) only delays a preemption by a
 * tick.  Fast path: the flag's address (a literal load, often hoisted
 * out of a loop), ldrb, cbz, str: BENCH gc.barrier_off.
 */
#ifndef TERN_ARCH_STORE_H
#define TERN_ARCH_STORE_H

#if defined(__thumb2__) && !defined(TERN_STORE_CALL)
#define TERN_STORE_INLINE 1

extern volatile unsigned char gc_barrier_on;
void tern__store_slow(void *slot, const void *p);

static inline __attribute__((always_inline)) void tern_store(void *slot,
                                                             const void *p)
{
    unsigned t;

    /* volatile: t is an output nobody reads, and GCC drops an asm goto
     * whose outputs are unused */
    __asm__ volatile goto("ldrb %[t], [%[f]]\n\t"
                          "cbz %[t], 1f\n\t"
                          "b.w %l[slow]\n"
                          "1:\tstr %[p], [%[s]]"
                          : [t] "=&l"(t)
                          : [f] "l"(&gc_barrier_on), [p] "l"(p), [s] "l"(slot)
                          : "memory"
                          : slow);
    return;
slow:
    tern__store_slow(slot, p);
}
#endif

#endif
