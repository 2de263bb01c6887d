/*
 * tests/target/arch_test.c - the arch contract: masking, atomics.
 */
#include "arch/arch.h"
#include "tests/harness/test.h"

TEST(arch, irq_save_nests)
{
    unsigned long a = arch_irq_save();
    unsigned long b = arch_irq_save();

    EXPECT_TRUE(!arch_in_isr());
    arch_irq_restore(b);
    arch_irq_restore(a);
}

TEST(arch, cas_and_add)
{
    volatile uint32_t x = 5;

    EXPECT_TRUE(!arch_cas32(&x, 4, 9));
    EXPECT_EQ(x, 5);
    EXPECT_TRUE(arch_cas32(&x, 5, 9));
    EXPECT_EQ(x, 9);
    EXPECT_EQ(arch_add32(&x, 3), 12);
    EXPECT_EQ(arch_add32(&x, (uint32_t)-12), 0);
}

static volatile uint32_t tick_counter;

/* The tick interrupt and thread code hammer one counter with atomic adds;
 * none may be lost. */
TEST(arch, atomic_add_against_interrupts)
{
    uint64_t t0 = tern_ticks();
    uint32_t n = 0;

    tick_counter = 0;
    while (tern_ticks() - t0 < 20) {
        arch_add32(&tick_counter, 1);
        n++;
    }
    EXPECT_EQ(tick_counter, n);
}

TEST(arch, cmdline_and_caps)
{
    const char *c = arch_cmdline();

    EXPECT_TRUE(c != NULL);
    EXPECT_TRUE(arch_cpu_name()[0] != '\0');
    tern_printf("cpu %s caps 0x%x cmdline \"%s\"\n", arch_cpu_name(),
                arch_caps(), c);
}
