/*
 * gc/barrier.c - the write barrier: tern_store and its bulk forms.  See
 * gc/gc.c for the invariant it keeps.
 *
 * tern_store is the whole of the fast path: a load of gc_barrier_on, a
 * branch, the store.  Where the port has a restartable form of it
 * (arch/cortex-m/arch_store.h, Thumb-2), it is inline in the caller and
 * PendSV recognises the sequence and does not preempt inside it;
 * elsewhere it is the call below, in .text.tern_nopreempt (see the
 * linker scripts), where the arch refuses asynchronous preemption.
 * Either way (BRIEF contract 3) a goroutine cannot read "off", lose the
 * CPU to a mark start and then store unshaded.  The slow path masks
 * interrupts, reads the flag again (the phase may have changed since the
 * fast path read it), and shades both pointers and stores.
 */
#include <string.h>

#include "gc/gc.h"
#include "tern.h"

/* Shade old and new (if still marking), store: atomic with respect to
 * everything. */
__attribute__((noinline)) void tern__store_slow(void *slot, const void *p)
{
    unsigned long irq = arch_irq_save();

    if (gc_barrier_on)
        gc_shade_pair(*(void *const *)slot, p);
    *(const void **)slot = p;
    arch_irq_restore(irq);
}

#ifndef TERN_STORE_INLINE
__attribute__((section(".text.tern_nopreempt"))) void tern_store(void *slot,
                                                                 const void *p)
{
    if (__builtin_expect(gc_barrier_on, 0)) {
        tern__store_slow(slot, p);
        return;
    }
    *(const void **)slot = p;
}
#endif

/* Words per masked section of a bulk barrier. */
#define BULK_WORDS 32

void tern_memmove(void *dst, const void *src, size_t n)
{
    bool aligned =
        (((uintptr_t)dst | (uintptr_t)src | n) & (sizeof(uintptr_t) - 1)) == 0;

    if (!aligned || n <= BULK_WORDS * sizeof(uintptr_t)) {
        unsigned long irq = arch_irq_save();
        if (gc_barrier_on) {
            gc_shade_range(dst, n);
            gc_shade_range(src, n);
        }
        memmove(dst, src, n);
        arch_irq_restore(irq);
        return;
    }
    /* In chunks, each shaded and copied in one masked section, in the
     * direction memmove would take. */
    {
        const size_t c = BULK_WORDS * sizeof(uintptr_t);
        bool down = (uintptr_t)dst > (uintptr_t)src;

        for (size_t done = 0; done < n; done += c) {
            size_t k = n - done < c ? n - done : c;
            size_t off = down ? n - done - k : done;
            unsigned long irq = arch_irq_save();
            if (gc_barrier_on) {
                gc_shade_range((char *)dst + off, k);
                gc_shade_range((const char *)src + off, k);
            }
            memmove((char *)dst + off, (const char *)src + off, k);
            arch_irq_restore(irq);
        }
    }
}

void tern_memclr(void *dst, size_t n)
{
    const size_t c = BULK_WORDS * sizeof(uintptr_t);

    for (size_t done = 0; done < n; done += c) {
        size_t k = n - done < c ? n - done : c;
        unsigned long irq = arch_irq_save();
        if (gc_barrier_on)
            gc_shade_range((char *)dst + done, k);
        memset((char *)dst + done, 0, k);
        arch_irq_restore(irq);
    }
}
