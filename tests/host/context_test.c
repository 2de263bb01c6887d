/*
 * tests/host/context_test.c - the host port's contexts (ucontext).  The
 * cases are shared with the target tier.
 */
#include <stdlib.h>

/* ASan's instrumented frames want more than a board's stack. */
#define CTX_STACK      65536
#define STACK_ALLOC(n) aligned_alloc(16, n)
#define STACK_FREE(p)  free(p)

#include "tests/common/context_cases.h"
