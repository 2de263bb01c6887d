/*
 * tests/target/note_test.c - notes: an interrupt wakes a parked goroutine;
 * a console read parks instead of spinning.
 */
#include "kernel/time.h"
#include "sched/sched.h"
#include "tests/harness/test.h"

static struct tern_note note = TERN_NOTE_INIT;
static volatile int ticks_left;

static void waking_tick(void)
{
    sched_tick();
    if (ticks_left > 0 && --ticks_left == 0)
        tern_note_wakeup(&note);
}

/* The hook counts its calls as periods, so tickless idle is off meanwhile
 * (kernel/time.h). */
TEST(note, interrupt_wakes_the_sleeper)
{
    int64_t t0 = tern_nanotime();
    bool tickless = time_set_tickless(false);

    ticks_left = 5;
    time_set_tick_hook(waking_tick);
    EXPECT_TRUE(tern_note_sleep(&note, -1));
    time_set_tick_hook(sched_tick);
    time_set_tickless(tickless);
    EXPECT_TRUE(tern_nanotime() - t0 >= 3000000);
}

TEST(note, early_wakeup_is_kept_and_timeout_expires)
{
    int64_t t0;

    tern_note_wakeup(&note);
    EXPECT_TRUE(tern_note_sleep(&note, -1)); /* at once */
    t0 = tern_nanotime();
    EXPECT_TRUE(!tern_note_sleep(&note, 4000000));
    EXPECT_TRUE(tern_nanotime() - t0 >= 4000000);
    EXPECT_TRUE(!tern_note_sleep(&note, 0));
}

static volatile uint32_t spins;
static volatile int spin_stop;

static void counter(void *arg)
{
    (void)arg;
    while (!spin_stop) {
        spins++;
        tern_yield();
    }
}

/* A read from the console with nothing to read parks the reader: other
 * goroutines get the CPU meanwhile. */
TEST(note, console_read_lets_others_run)
{
    uint32_t base = tern_numgoroutine();

    while (tern_trygetc() >= 0)
        ;
    spins = 0;
    spin_stop = 0;
    tern_go_stack(counter, NULL, 512);
    EXPECT_EQ(tern_getc(20000000), -1);
    spin_stop = 1;
    while (tern_numgoroutine() > base)
        tern_yield();
    EXPECT_TRUE(spins > 100);
}

static void sleep_on_note(void *arg)
{
    (void)arg;
    tern_note_sleep(&note, -1);
}

TEST_DEATH(note, two_sleepers, "note: two goroutines sleep on one note")
{
    tern_go_stack(sleep_on_note, NULL, 512);
    tern_yield(); /* it sleeps on the note */
    tern_note_sleep(&note, -1);
}
