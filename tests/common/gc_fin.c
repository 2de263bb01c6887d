/*
 * tests/common/gc_fin.c - see gc_fin.h.
 */
#include "tests/common/gc_fin.h"

#include <stddef.h>

#include "tern.h"

TERN_TYPE(fobj_type, struct fobj, ref);

struct fobj *fobj_make(void)
{
    struct fobj *o = tern_new(fobj_type);

    o->magic = FOBJ_MAGIC;
    tern_store(&o->ref, tern_new(fobj_type));
    o->ref->magic = FOBJ_REF_MAGIC;
    return o;
}

bool fobj_intact(const void *p)
{
    const struct fobj *o = p;

    return o->magic == FOBJ_MAGIC && o->ref != NULL &&
           o->ref->magic == FOBJ_REF_MAGIC;
}

__attribute__((noinline)) int fobj_make_finalizable(int n, void (*fn)(void *))
{
    int failed = 0;

    for (int i = 0; i < n; i++)
        if (tern_set_finalizer(fobj_make(), fn) != 0)
            failed++;
    return failed;
}
