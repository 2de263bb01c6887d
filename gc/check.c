/*
 * gc/check.c - verification: checkmark and the heap verifier.
 *
 * Checkmark (TERN_GC_CHECKMARK) runs inside mark termination, with
 * interrupts masked: a second mark of the whole heap from the roots into
 * a separate bitmap (one bit per 8 heap bytes, allocated when the mode is
 * switched on).  Reaching, through a typed pointer field, an object the
 * real mark left white is `fatal error: checkmark found unmarked object`
 * with the object and the slot - a barrier was skipped or a root missed.
 * Roots are scanned conservatively, so a root word that happens to equal
 * the address of a dead object is not evidence: the checkmark follows
 * only marked objects from roots.  Its work list is the grey stack; on
 * overflow it rescans every checkmarked object until nothing new appears
 * (a debug mode may be quadratic; the collector itself never is).
 */
#include <string.h>

#include "gc/gc.h"
#include "kernel/panic.h"
#include "mm/mheap.h"
#include "mm/mm_internal.h"
#include "sched/sched.h"
#include "tern.h"

/* One bit per 8 bytes of each heap region. */
static uint32_t *cmbits[MM_MAX_REGIONS] TERN_PRIVATE;
static size_t cmwords[MM_MAX_REGIONS] TERN_PRIVATE;
static bool cm_overflow TERN_PRIVATE;

void gc_check_reset(void)
{
    memset(cmbits, 0, sizeof cmbits); /* a new heap: the old ones are gone */
    memset(cmwords, 0, sizeof cmwords);
}

bool gc_checkmark_alloc(void)
{
    for (int r = 0; r < mheap.nregions; r++) {
        size_t words =
            (size_t)((mheap.regions[r].end - mheap.regions[r].base) / 8 + 31) /
            32;

        if (cmbits[r] != NULL && cmwords[r] == words)
            continue;
        mm_free(cmbits[r]);
        cmbits[r] = mm_alloc(words * sizeof(uint32_t), MM_KIND_MANUAL, MM_ZERO);
        cmwords[r] = cmbits[r] ? words : 0;
        if (cmbits[r] == NULL)
            return false;
    }
    return true;
}

/* The checkmark word and bit of the object at b. */
static uint32_t *cm_word(uintptr_t b, uint32_t *bit)
{
    for (int r = 0; r < mheap.nregions; r++) {
        uintptr_t off = b - mheap.regions[r].base;
        if (off < mheap.regions[r].end - mheap.regions[r].base) {
            *bit = 1u << (off / 8 % 32);
            return &cmbits[r][off / 8 / 32];
        }
    }
    return NULL;
}

_Noreturn static void unmarked(uintptr_t obj, uintptr_t slot, uintptr_t from)
{
    fatal_begin();
    fatal_printf("fatal error: checkmark found unmarked object\n");
    fatal_printf("object %p, pointed to from slot %p in object %p\n",
                 (void *)obj, (void *)slot, (void *)from);
    fatal_end();
}

/* The checkmark shade: slot != 0 for typed fields (from: their object). */
static void cm_shade(uintptr_t p, uintptr_t slot, uintptr_t from)
{
    struct mspan *s;
    void *base = mm_object_base((void *)p, &s);
    uintptr_t b = (uintptr_t)base;
    uint32_t bit, *w;

    if (base == NULL || s->kind == MM_KIND_MANUAL)
        return;
    w = cm_word(b, &bit);
    if (w == NULL || (*w & bit))
        return;
    if (!mm_bit(s->markbits,
                s->state == MSPAN_LARGE ? 0 : mm_object_index(s, b))) {
        if (slot != 0)
            unmarked(b, slot, from);
        return; /* a root word: maybe not a pointer at all */
    }
    *w |= bit;
    if (s->kind == MM_KIND_NOSCAN)
        return;
    if (gc.sp < gc.cap)
        gc.stk[gc.sp++] = b;
    else
        cm_overflow = true;
}

static void cm_range(uintptr_t lo, uintptr_t hi)
{
    lo = (lo + sizeof(uintptr_t) - 1) & ~(uintptr_t)(sizeof(uintptr_t) - 1);
    for (uintptr_t a = lo; a + sizeof(uintptr_t) <= hi;
         a += sizeof(uintptr_t)) {
        uintptr_t v = *(const uintptr_t *)a;
        if (v - gc.heap_lo < gc.heap_hi - gc.heap_lo)
            cm_shade(v, 0, 0);
    }
}

static void cm_scan(uintptr_t b)
{
    struct mspan *s = mheap_span_at(b);
    const struct tern_type *t = s->state == MSPAN_LARGE
                                    ? s->type1
                                    : mm_object_type(s, mm_object_index(s, b));

    if (t == NULL) {
        cm_range(b, b + s->elemsize);
        return;
    }
    for (size_t e = 0; e + t->size <= s->elemsize; e += t->size)
        for (size_t j = 0; j < t->size / sizeof(uintptr_t); j++)
            if (t->ptrmask[j / 32] & (1u << (j % 32))) {
                uintptr_t slot = b + e + j * sizeof(uintptr_t);
                uintptr_t v = *(const uintptr_t *)slot;
                if (v - gc.heap_lo < gc.heap_hi - gc.heap_lo)
                    cm_shade(v, slot, b);
            }
}

static void cm_drain(void)
{
    while (gc.sp > 0)
        cm_scan(gc.stk[--gc.sp]);
}

static void cm_manual(void *base, size_t size, unsigned kind, void *arg)
{
    (void)arg;
    if (kind == MM_KIND_MANUAL)
        cm_range((uintptr_t)base, (uintptr_t)base + size);
}

static void cm_rescan(void *base, size_t size, unsigned kind, void *arg)
{
    uint32_t bit, *w = cm_word((uintptr_t)base, &bit);

    (void)size;
    (void)arg;
    if (kind != MM_KIND_MANUAL && w != NULL && (*w & bit)) {
        cm_scan((uintptr_t)base);
        cm_drain();
    }
}

__attribute__((no_sanitize_address)) void gc_checkmark(void)
{
    size_t n;
    const struct tern_segment *t = tern_segments(&n);
    volatile uintptr_t here = 0;

    if (cmbits[0] == NULL)
        return;
    for (int r = 0; r < mheap.nregions; r++)
        if (cmbits[r] != NULL)
            memset(cmbits[r], 0, cmwords[r] * sizeof(uint32_t));
    cm_overflow = false;
    gc.sp = 0;
    for (size_t i = 0; t != NULL && i < n; i++)
        if ((t[i].flags & TERN_SEG_GCROOT) || t[i].kind == TERN_SEG_STACK) {
            cm_range(t[i].start, t[i].end);
            cm_drain();
        }
    gc_roots_each(cm_range);
    cm_drain();
    mm_for_each_object(cm_manual, NULL);
    cm_drain();
    __builtin_unwind_init();
    for (struct g *gp = sched.allg; gp != NULL; gp = gp->alllink) {
        uintptr_t top = (uintptr_t)gp->stack + gp->stacksize;
        uintptr_t sp =
            gp == m0.curg ? (uintptr_t)&here : arch_context_sp(&gp->ctx);

        if (gp->state == G_DEAD || gp->state == G_IDLE)
            continue;
        if (sp < (uintptr_t)gp->stack || sp > top)
            sp = (uintptr_t)gp->stack + ARCH_STACK_GUARD;
        cm_range((uintptr_t)&gp->ctx, (uintptr_t)(&gp->ctx + 1));
        cm_range(sp, top);
        cm_drain();
    }
    while (cm_overflow) {
        cm_overflow = false;
        mm_for_each_object(cm_rescan, NULL);
    }
}

/* --- the heap verifier --- */

static const char *verify_result TERN_PRIVATE;

static void verify_object(void *base, size_t size, unsigned kind, void *arg)
{
    struct mspan *s = mm_span_of(base);
    uint32_t i;

    (void)size;
    (void)arg;
    if (kind == MM_KIND_MANUAL || s == NULL || verify_result != NULL)
        return;
    i = s->state == MSPAN_LARGE ? 0 : mm_object_index(s, (uintptr_t)base);
    /* swept spans carry no marks outside a cycle */
    if (gc.phase == GC_OFF && s->sweepgen == mm_sweepgen &&
        mm_bit(s->markbits, i))
        verify_result = "mark bit set on a swept span outside marking";
}

const char *gc_verify(void)
{
    const char *r = mm_verify();
    unsigned long irq;

    if (r != NULL)
        return r;
    irq = arch_irq_save();
    verify_result = NULL;
    if (gc.phase == GC_OFF && (gc.sp != 0 || gc.ovf != NULL))
        verify_result = "grey objects outside marking";
    mm_for_each_object(verify_object, NULL);
    r = verify_result;
    arch_irq_restore(irq);
    return r;
}
