/*
 * tests/target/context_test.c - arch_context_switch on the board, stacks
 * from the memory manager.  The cases are shared with the host tier.
 * Each stack holds the arch's guard (ARCH_STACK_GUARD: a page on x86)
 * below its usable 512 bytes, and gives the guard back before it is
 * freed, as the scheduler does.
 */
#include "arch/arch.h"
#include "mm/mm.h"

#define CTX_STACK      (ARCH_STACK_GUARD + 512) /* 3 fit the microbit heap */
#define STACK_ALLOC(n) mm_stack_alloc(n)
#define STACK_FREE(p)  (arch_stack_release((p), CTX_STACK), mm_stack_free(p))

#include "tests/common/context_cases.h"
