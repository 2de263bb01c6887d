/*
 * tests/target/main.c - the test image's main: run the registered tests
 * (every file in tests/target) as the boot command line says.  See
 * tests/harness/test.h and tools/run-tests.
 */
#include <stdbool.h>
#include <string.h>

#include "arch/arch.h"
#include "tern.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

/* How deep the suite's stacks went, measured by their paint (sched/proc.c)
 * after every test, before memory pressure can free a dead goroutine's
 * stack: the smallest stacks that pass the suite. */
static uint32_t deepest, deepest_size, mainuse;

static void stack_sample(void)
{
    for (struct g *gp = sched.allg; gp != NULL; gp = gp->alllink) {
        uint32_t use = sched_stack_hiwat(gp);

        if (gp->id == 1) {
            mainuse = use;
            continue;
        }
        if (use > deepest) {
            deepest = use;
            deepest_size = (uint32_t)(gp->stacksize - ARCH_STACK_GUARD);
        }
    }
}

/* The boot command line has word w. */
static bool cmdline_word(const char *s, const char *w)
{
    size_t n = strlen(w);

    for (const char *p = s; *p != '\0'; p++)
        if ((p == s || p[-1] == ' ') && strncmp(p, w, n) == 0 &&
            (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

int main(void)
{
    int status;

    test_after_each = stack_sample;
    if (cmdline_word(arch_cmdline(), "gcstress"))
        tern_gc_debug(TERN_GC_STRESS); /* a full collection per allocation */
    status = test_main(arch_cmdline(), arch_caps(), NULL);
    tern_printf("STACKS main %lu bytes, other goroutines %lu bytes (deepest, "
                "on a %lu-byte stack), idle loop %lu bytes\n",
                (unsigned long)mainuse, (unsigned long)deepest,
                (unsigned long)deepest_size,
                (unsigned long)sched_stack_hiwat(NULL));
    return status;
}
