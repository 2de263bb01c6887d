/*
 * tests/target/context_test.c - arch_context_switch on the board, stacks
 * from the memory manager.  The cases are shared with the host tier.
 */
#include "mm/mm.h"

#define CTX_STACK      512 /* three of them fit the microbit heap */
#define STACK_ALLOC(n) mm_stack_alloc(n)
#define STACK_FREE(p)  mm_stack_free(p)

#include "tests/common/context_cases.h"
