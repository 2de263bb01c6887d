/*
 * tests/common/gc_fin.h - finalizable test objects, for the finalizer
 * tests on the host and on the boards: an object that points to a second
 * one, both stamped, so a finalizer can check that what it is given and
 * what that points to were kept intact.
 */
#ifndef TESTS_COMMON_GC_FIN_H
#define TESTS_COMMON_GC_FIN_H

#include <stdbool.h>
#include <stdint.h>

struct fobj {
    struct fobj *ref;
    uint32_t magic;
};

#define FOBJ_MAGIC     0xf1a1u /* the finalizable object */
#define FOBJ_REF_MAGIC 0xbeefu /* the one it points to */

/* A new stamped pair (not finalizable). */
struct fobj *fobj_make(void);

/* p is a stamped pair, both halves intact. */
bool fobj_intact(const void *p);

/* n new pairs with finalizer fn, dropped at once (in a frame of their
 * own: no stale pointer stays in the caller's).  Returns how many
 * tern_set_finalizer calls failed. */
int fobj_make_finalizable(int n, void (*fn)(void *));

#endif /* TESTS_COMMON_GC_FIN_H */
