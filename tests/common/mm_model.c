/*
 * tests/common/mm_model.c - see mm_model.h.
 *
 * The model is the table of live blocks (address, size, pattern seed).
 * Random operations allocate (every class and large sizes: 60% up to 256
 * bytes, 35% up to the largest small class, 5% large), free, or
 * reallocate a slot.  Every block carries a pattern derived from its seed
 * in its first 64 bytes and its last byte; a block is checked before
 * every operation on its slot and at the end, so an allocator that hands
 * out overlapping, misaligned or recycled-while-live memory, or a realloc
 * that loses data, is caught.  mm_verify (structure invariants, stats
 * equal to a recount) runs periodically.
 */
#include "tests/common/mm_model.h"

#include "mm/mm.h"
#include "tests/harness/test.h"

static void fill(const struct mm_model_block *b)
{
    uint32_t x = b->seed | 1;
    size_t n = b->size < 64 ? b->size : 64;

    for (size_t i = 0; i < n; i++)
        b->p[i] = (uint8_t)test_rand(&x);
    b->p[b->size - 1] = (uint8_t)b->seed;
}

static int intact(const struct mm_model_block *b, size_t size)
{
    uint32_t x = b->seed | 1;
    size_t n = b->size < 64 ? b->size : 64;

    /* the pattern bytes, not the last byte, within both sizes */
    for (size_t i = 0; i < n && i + 1 < size && i + 1 < b->size; i++)
        if (b->p[i] != (uint8_t)test_rand(&x))
            return 0;
    return size < b->size || b->p[b->size - 1] == (uint8_t)b->seed;
}

static size_t random_size(struct mm_model *m)
{
    uint32_t r = test_rand(&m->seed) % 100;
    size_t small = m->max_size < MM_MAX_SMALL ? m->max_size : MM_MAX_SMALL;

    if (r < 60)
        return 1 + test_rand(&m->seed) % (small < 256 ? small : 256);
    if (r < 95 || m->max_size <= MM_MAX_SMALL)
        return 1 + test_rand(&m->seed) % small;
    return MM_MAX_SMALL + 1 +
           test_rand(&m->seed) % (m->max_size - MM_MAX_SMALL);
}

static int verify(long op)
{
    const char *e = mm_verify();

    if (e != NULL) {
        test_fail(__FILE__, __LINE__, "op %ld: mm_verify: %s", op, e);
        return -1;
    }
    return 0;
}

int mm_model_run(struct mm_model *m)
{
    for (long op = 0; op < m->ops; op++) {
        struct mm_model_block *b =
            &m->live[test_rand(&m->seed) % (uint32_t)m->nslots];
        uint32_t what = test_rand(&m->seed) % 4;

        if (b->p != NULL && !intact(b, b->size)) {
            test_fail(__FILE__, __LINE__,
                      "op %ld: block %p (%lu bytes) corrupted", op,
                      (void *)b->p, (unsigned long)b->size);
            return -1;
        }
        if (b->p != NULL && what < 2) {
            tern_free(b->p);
            b->p = NULL;
            m->frees++;
        } else if (b->p != NULL && what == 2) {
            size_t n = random_size(m);
            uint8_t *q = tern_realloc(b->p, n);
            if (q == NULL) {
                m->nulls++;
                continue;
            }
            b->p = q;
            if (!intact(b, n)) {
                test_fail(__FILE__, __LINE__, "op %ld: realloc lost data", op);
                return -1;
            }
            b->size = n;
            fill(b);
            m->reallocs++;
        } else if (b->p == NULL) {
            b->size = random_size(m);
            b->seed = test_rand(&m->seed);
            b->p = tern_malloc(b->size);
            if (b->p == NULL) {
                m->nulls++;
                continue;
            }
            if ((uintptr_t)b->p % 8 != 0) {
                test_fail(__FILE__, __LINE__, "misaligned %p", (void *)b->p);
                return -1;
            }
            fill(b);
            m->allocs++;
        }
        if (m->verify_every > 0 && op % m->verify_every == 0 && verify(op) != 0)
            return -1;
    }
    if (verify(m->ops) != 0)
        return -1;
    for (int i = 0; i < m->nslots; i++)
        if (m->live[i].p != NULL) {
            if (!intact(&m->live[i], m->live[i].size)) {
                test_fail(__FILE__, __LINE__, "block %d corrupted at the end",
                          i);
                return -1;
            }
            tern_free(m->live[i].p);
            m->live[i].p = NULL;
        }
    return verify(m->ops);
}
