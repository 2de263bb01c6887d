/*
 * tests/target/main.c - the test image's main: run the registered tests
 * (every file in tests/target) as the boot command line says.  See
 * tests/harness/test.h and tools/run-tests.
 */
#include "arch/arch.h"
#include "tests/harness/test.h"

int main(void)
{
    return test_main(arch_cmdline(), arch_caps(), NULL);
}
