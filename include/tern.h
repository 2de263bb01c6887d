/*
 * tern.h - the public API of the Tern runtime.
 *
 * One umbrella header for programs written against Tern.  Everything here
 * has the tern_ prefix; runtime internals live in the subsystem headers
 * (kernel/, mm/, gc/, sched/) and are not part of the API.
 *
 * A Tern program defines main(); the runtime has already set up the
 * segments, the console, the traps and the tick when main() is called, and
 * main()'s return value becomes the exit status (tern_exit).
 */
#ifndef TERN_H
#define TERN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERN_VERSION "0.1.0"

/* Exit statuses seen by QEMU's caller (and the test runner). */
#define TERN_EXIT_OK    0
#define TERN_EXIT_FAIL  1 /* a test failed, or main() said so */
#define TERN_EXIT_FATAL 2 /* fatal error: fault, panic, assert */

/*
 * Place a variable in the runtime-private segment: zeroed at reset like
 * .bss, but never scanned by the garbage collector (see BRIEF contract 1).
 * For runtime metadata only: a GC pointer kept there does not keep its
 * object alive.
 */
#define TERN_PRIVATE __attribute__((section(".tern_private")))

/* --- exit, panic, assert --- */

/* End the program with status: QEMU exits with it; hardware halts. */
_Noreturn void tern_exit(int status);

/*
 * Print "fatal error: <msg>", the register state and the goroutine dump,
 * then exit with TERN_EXIT_FATAL.  msg should be a constant string.  Never
 * allocates; safe from interrupt handlers and with interrupts disabled.
 */
_Noreturn void tern_panic(const char *msg);

_Noreturn void tern_assert_fail(const char *expr, const char *file, int line);

/* Always-on assertion, in expression form. */
#define tern_assert(e)                                                         \
    ((e) ? (void)0 : tern_assert_fail(#e, __FILE__, __LINE__))

/* --- time --- */

/* Monotonic nanoseconds since boot, from the board timer.  Never goes
 * backwards; resolution is one timer count (40 ns on mps2). */
int64_t tern_nanotime(void);

/* Periodic tick interrupts seen since boot. */
uint64_t tern_ticks(void);

/* The tick rate in Hz now in force. */
uint32_t tern_tick_hz(void);

/* Change the tick rate at run time.  Returns 0, or -1 if the board timer
 * cannot produce hz (the rate in force is then unchanged). */
int tern_tick_set_hz(uint32_t hz);

/* Spin (interrupts stay on) until ns nanoseconds have passed. */
void tern_delay_ns(int64_t ns);

/* --- console ---------------------------------------------------------------
 * The console is the board's UART.  Output is synchronous and safe from
 * any context (bytes from an interrupt may interleave with a line being
 * written, but none is lost or corrupted).  Input arrives by interrupt into
 * a ring buffer.
 */

/* Write n bytes; returns n. */
size_t tern_write(const void *buf, size_t n);

/* Formatted output with Tern's own freestanding printf (no allocation, no
 * floating point).  Returns the number of bytes written. */
int tern_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tern_vprintf(const char *fmt, va_list ap);
int tern_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int tern_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Next received byte, or -1 if none is waiting.  Never blocks. */
int tern_trygetc(void);

/* Next received byte; waits (parked on a note the receive interrupt wakes,
 * so other goroutines run; the CPU sleeps if none can) until one arrives, or until
 * timeout_ns passes (returns -1).  timeout_ns < 0 waits forever. */
int tern_getc(int64_t timeout_ns);

/* Bytes dropped because the receive ring was full. */
uint32_t tern_console_rx_dropped(void);

/* --- goroutines -------------------------------------------------------------
 * main() runs as goroutine 1; the program ends when main returns.
 */

/* Start fn(arg) as a new goroutine with the board's default stack (or
 * `stack` bytes).  Returns its id, or -1 if memory is exhausted.  The new
 * goroutine runs next, after the caller yields or blocks. */
int tern_go(void (*fn)(void *), void *arg);
int tern_go_stack(void (*fn)(void *), void *arg, size_t stack);

/* Let the other runnable goroutines run first (Go's runtime.Gosched). */
void tern_yield(void);

/* Block for at least ns nanoseconds; other goroutines run meanwhile. */
void tern_sleep(int64_t ns);

/* End the calling goroutine (returning from its function does the same). */
_Noreturn void tern_goexit(void);

/* The calling goroutine's id (0 before the scheduler starts). */
uint32_t tern_goid(void);

/* Goroutines that exist (runnable, running or waiting). */
uint32_t tern_numgoroutine(void);

/* The time slice: a goroutine that runs this long while another is
 * runnable is preempted at the next tick.  Default 10 ms; ns <= 0 restores
 * the default. */
void tern_set_timeslice(int64_t ns);

/* Preemptions by the time slice since boot. */
uint64_t tern_preemptions(void);

/* One goroutine, as the console's `goroutines` shows it. */
struct tern_goroutine {
    uint32_t id;
    uint32_t parent;      /* the goroutine that started it (0: boot) */
    const char *state;    /* "running", "runnable", "chan receive", ... */
    void (*fn)(void *);   /* entry function */
    uint32_t stack_size;  /* usable bytes (above the guard) */
    uint32_t stack_used;  /* bytes in use now (top - SP) */
    uint32_t stack_hiwat; /* deepest use measured (painting; a reused
                            * stack keeps its earlier goroutines' marks) */
    uint64_t cpu_ns;      /* CPU time, sampled at every tick */
    uint32_t switches;    /* times switched in */
    uint32_t preemptions; /* times preempted by the time slice */
};

/* A snapshot of up to max goroutines (not dead), running one first;
 * returns how many it wrote.  For the console: O(goroutines + their
 * unused stack), with interrupts masked for O(1) at a time. */
int tern_goroutines(struct tern_goroutine *out, int max);

/* Scheduler counters since boot. */
struct tern_sched_stats {
    uint32_t goroutines;  /* existing (not dead) */
    uint32_t runnable;    /* on run queues */
    uint32_t switches;    /* context switches (wraps at 2^32) */
    uint64_t preemptions; /* of them, forced by the time slice */
    uint64_t idle_ns;     /* time the CPU idled (measured around each sleep) */
    uint64_t busy_ns;     /* time goroutines ran, likewise */
};
void tern_sched_stats(struct tern_sched_stats *st);

/* Go's schedtrace line (GODEBUG=schedtrace=N) into buf, e.g.
 *   SCHED 1004ms: gomaxprocs=1 idleprocs=0 threads=1 spinningthreads=0
 *   needspinning=0 idlethreads=0 runqueue=0 [2]
 * (one line).  Returns its length, as snprintf. */
int tern_schedtrace(char *buf, size_t size);

/* --- channels ---------------------------------------------------------------
 * Go's channels: elements of a fixed size, copied in and out; capacity 0
 * is unbuffered (a send waits for a receiver).  Sending on, or closing, a
 * closed channel is a fatal error; receiving from a closed, drained channel
 * gives the zero value and false.  Interrupt handlers may use only the
 * try- operations.
 */
typedef struct tern_chan tern_chan;

/* A channel of cap elements of elemsize bytes, or NULL if memory is
 * exhausted. */
tern_chan *tern_chan_make(size_t elemsize, size_t cap);
void tern_chan_send(tern_chan *c, const void *elem);
bool tern_chan_recv(tern_chan *c, void *elem); /* false: closed */
void tern_chan_close(tern_chan *c);
bool tern_chan_trysend(tern_chan *c, const void *elem); /* false: full */
int tern_chan_tryrecv(tern_chan *c, void *elem); /* 1 got, 0 empty, -1 closed */
size_t tern_chan_len(tern_chan *c);
size_t tern_chan_cap(tern_chan *c);

/* Mark c as fed by an interrupt handler: goroutines waiting on it are not
 * deadlocked, since an interrupt can wake them. */
void tern_chan_irq(tern_chan *c);

/* select: wait until one of the cases can proceed and do it.  A NULL
 * channel is never ready.  timeout_ns < 0 waits forever; 0 is select with
 * a default case (never waits); > 0 gives up after that long.  Returns the
 * index of the case done, or -1 (default or timeout).  Among ready cases
 * one is picked at random.  A receive case sets ok (false: closed). */
#define TERN_SELECT_SEND 0
#define TERN_SELECT_RECV 1
#define TERN_SELECT_MAX  16
struct tern_select_case {
    tern_chan *c;
    int dir;    /* TERN_SELECT_SEND or TERN_SELECT_RECV */
    void *elem; /* the element to send, or where to receive */
    bool ok;    /* receive: false if the channel was closed */
};
int tern_select(struct tern_select_case *cases, int n, int64_t timeout_ns);

/* Free a channel nobody uses any more (no goroutine waits on it). */
void tern_chan_free(tern_chan *c);

/* --- timers -------------------------------------------------------------------
 * A timer sends the nanotime on its channel (elements of int64_t) after
 * delay_ns, then every period_ns if that is > 0.  A value finding the
 * channel full is dropped.  tern_after(ns) is Go's time.After: a new
 * channel that receives once (free it with tern_chan_free when done).
 */
struct tern_timer *tern_timer_start(int64_t delay_ns, int64_t period_ns,
                                    tern_chan *c);
void tern_timer_stop(struct tern_timer *t); /* and free it */
tern_chan *tern_after(int64_t ns);

/* --- sync ---------------------------------------------------------------------
 * Go's sync.Mutex, sync.RWMutex, sync.WaitGroup and sync.Once.
 * Zero-initialised (TERN_MUTEX_INIT, TERN_RWMUTEX_INIT, TERN_WAITGROUP_INIT,
 * TERN_ONCE_INIT, or static storage) means unlocked / zero / not done.
 * Locks are handed to the waiters in order (no barging, no starvation) and
 * belong to no goroutine: any goroutine may unlock.  Misuse is a fatal
 * error with Go's message; so is an operation in an interrupt handler
 * when it would block (the try- and unlock operations never block).  The
 * fields are the runtime's: read them, if at all, only in tests.
 */
struct tern_mutex {
    volatile int locked;
    void *head, *tail; /* parked goroutines, in order */
};
#define TERN_MUTEX_INIT                                                        \
    {                                                                          \
        0, 0, 0                                                                \
    }

/* Any number of readers, or one writer.  A writer waiting for the readers
 * to leave keeps new readers out (writers do not starve); when a writer
 * unlocks, every reader that queued meanwhile gets in before the next
 * writer (readers do not starve either). */
struct tern_rwmutex {
    volatile int readers; /* readers holding it */
    volatile int writer;  /* 1: a writer holds it */
    void *rhead, *rtail;  /* parked readers, in order */
    void *whead, *wtail;  /* parked writers, in order */
    int rwait;            /* parked readers */
};
#define TERN_RWMUTEX_INIT                                                      \
    {                                                                          \
        0, 0, 0, 0, 0, 0, 0                                                    \
    }

struct tern_waitgroup {
    volatile int count;
    void *head, *tail; /* parked waiters */
};
#define TERN_WAITGROUP_INIT                                                    \
    {                                                                          \
        0, 0, 0                                                                \
    }

struct tern_once {
    volatile int state; /* 0 not done, 1 fn running, 2 done */
    uint32_t runner;    /* id of the goroutine running fn */
    void *head, *tail;  /* callers waiting for fn to return */
};
#define TERN_ONCE_INIT                                                         \
    {                                                                          \
        0, 0, 0, 0                                                             \
    }

/* Unlocking an unlocked mutex: "sync: unlock of unlocked mutex". */
void tern_mutex_lock(struct tern_mutex *mu);
bool tern_mutex_trylock(struct tern_mutex *mu);
void tern_mutex_unlock(struct tern_mutex *mu);

/* RLock waits while a writer holds the lock or waits for it; Lock waits
 * while anyone holds it.  The try- forms return false instead of waiting.
 * RUnlock without a read lock held: "sync: RUnlock of unlocked RWMutex";
 * Unlock without the write lock held: "sync: Unlock of unlocked RWMutex".
 * A goroutine that holds a read lock and asks for the write lock (or for
 * a second read lock while a writer waits) waits forever, as in Go. */
void tern_rwmutex_rlock(struct tern_rwmutex *rw);
bool tern_rwmutex_tryrlock(struct tern_rwmutex *rw);
void tern_rwmutex_runlock(struct tern_rwmutex *rw);
void tern_rwmutex_lock(struct tern_rwmutex *rw);
bool tern_rwmutex_trylock(struct tern_rwmutex *rw);
void tern_rwmutex_unlock(struct tern_rwmutex *rw);

/* A negative counter: "sync: negative WaitGroup counter". */
void tern_waitgroup_add(struct tern_waitgroup *wg, int delta);
void tern_waitgroup_done(struct tern_waitgroup *wg);
void tern_waitgroup_wait(struct tern_waitgroup *wg);

/* Call fn(arg) if no Do on o has called it yet.  Other callers wait until
 * fn has returned, so when Do returns, fn's effects are visible.  A Do on
 * o from inside fn would wait for itself: "sync: Once.Do called
 * recursively".  fn must return (not tern_goexit): until it does, o is
 * still running. */
void tern_once_do(struct tern_once *o, void (*fn)(void *), void *arg);

/* --- notes ----------------------------------------------------------------------
 * One goroutine sleeps until an interrupt handler (or another goroutine)
 * wakes it.  A wake-up before the sleep is not lost.  Zero-initialised.
 */
struct tern_note {
    volatile int woken;
    void *sleeper;
};
#define TERN_NOTE_INIT                                                         \
    {                                                                          \
        0, 0                                                                   \
    }

/* Wake the note's sleeper, or let the next sleep return at once.  Safe in
 * interrupt handlers. */
void tern_note_wakeup(struct tern_note *n);

/* Sleep until woken or timeout_ns passes (< 0: forever; 0: just test).
 * Returns true if woken; clears the wake-up.  Call with interrupts
 * enabled: it waits for them. */
bool tern_note_sleep(struct tern_note *n, int64_t timeout_ns);

/* --- manual memory --------------------------------------------------------
 * malloc and friends on Tern's heap (the C library's names map onto these).
 * Never collected; a GC pointer stored in such a block keeps its object
 * alive (the block is scanned as a root).  Bad pointers are fatal errors.
 */
void *tern_malloc(size_t size);
void tern_free(void *p);
void *tern_calloc(size_t n, size_t size);
void *tern_realloc(void *p, size_t size);
void *tern_memalign(size_t align, size_t size);
void *tern_aligned_alloc(size_t align, size_t size);
int tern_posix_memalign(void **out, size_t align, size_t size);
size_t tern_malloc_usable_size(void *p);

/* --- garbage-collected heap (gc/) --------------------------------------------
 * Objects reclaimed by the collector once nothing reaches them: from the
 * globals (.data/.bss), goroutine stacks and registers, malloc'd blocks,
 * registered roots, and other reachable objects.  Every object is zeroed.
 *
 * A type says which words of an object hold pointers, so the collector
 * scans objects precisely: TERN_TYPE(node_type, struct node, left, right)
 * defines `static const struct tern_type node_type` for a struct whose pointer
 * fields are named (up to 16 names, structs up to 128 words; an array
 * field counts by its first word only - write the type by hand for more).
 * A noscan object holds no pointers and is never scanned.
 *
 * Every store of a GC pointer into memory that is not a stack - objects,
 * globals, malloc'd blocks - goes through tern_store (or tern_memmove for
 * many words); stack variables need nothing.  A plain store there can let
 * the collector free a live object while it marks.  Allocation from an
 * interrupt handler is a fatal error.
 */
struct tern_type {
    size_t size;             /* bytes per element */
    const uint32_t *ptrmask; /* bit i: word i of an element is a pointer */
    const char *name;        /* for reports */
};

/* TERN_TYPE's machinery: one mask word per group of 32 words. */
#define TERN__W(T, f) (offsetof(T, f) / sizeof(void *))
#define TERN__BIT(T, k, f)                                                     \
    | (TERN__W(T, f) / 32 == (k) ? 1u << (TERN__W(T, f) % 32) : 0u)
#define TERN__N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14,   \
                _15, _16, n, ...)                                              \
    n
#define TERN__CAT(a, b)         a##b
#define TERN__XCAT(a, b)        TERN__CAT(a, b)
#define TERN__M1(T, k, f)       TERN__BIT(T, k, f)
#define TERN__M2(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M1(T, k, __VA_ARGS__)
#define TERN__M3(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M2(T, k, __VA_ARGS__)
#define TERN__M4(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M3(T, k, __VA_ARGS__)
#define TERN__M5(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M4(T, k, __VA_ARGS__)
#define TERN__M6(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M5(T, k, __VA_ARGS__)
#define TERN__M7(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M6(T, k, __VA_ARGS__)
#define TERN__M8(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M7(T, k, __VA_ARGS__)
#define TERN__M9(T, k, f, ...)  TERN__BIT(T, k, f) TERN__M8(T, k, __VA_ARGS__)
#define TERN__M10(T, k, f, ...) TERN__BIT(T, k, f) TERN__M9(T, k, __VA_ARGS__)
#define TERN__M11(T, k, f, ...) TERN__BIT(T, k, f) TERN__M10(T, k, __VA_ARGS__)
#define TERN__M12(T, k, f, ...) TERN__BIT(T, k, f) TERN__M11(T, k, __VA_ARGS__)
#define TERN__M13(T, k, f, ...) TERN__BIT(T, k, f) TERN__M12(T, k, __VA_ARGS__)
#define TERN__M14(T, k, f, ...) TERN__BIT(T, k, f) TERN__M13(T, k, __VA_ARGS__)
#define TERN__M15(T, k, f, ...) TERN__BIT(T, k, f) TERN__M14(T, k, __VA_ARGS__)
#define TERN__M16(T, k, f, ...) TERN__BIT(T, k, f) TERN__M15(T, k, __VA_ARGS__)
#define TERN__MASK(T, k, ...)                                                  \
    (0u TERN__XCAT(TERN__M, TERN__N(__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10,   \
                                    9, 8, 7, 6, 5, 4, 3, 2, 1))(T, k,          \
                                                                __VA_ARGS__))
/* static const struct tern_type var: T with these pointer fields. */
#define TERN_TYPE(var, T, ...)                                                 \
    _Static_assert(sizeof(T) <= 128 * sizeof(void *),                          \
                   #T ": TERN_TYPE covers 128 words; write the type by hand"); \
    static const uint32_t var##__mask[4] = {                                   \
        TERN__MASK(T, 0, __VA_ARGS__), TERN__MASK(T, 1, __VA_ARGS__),          \
        TERN__MASK(T, 2, __VA_ARGS__), TERN__MASK(T, 3, __VA_ARGS__)};         \
    static const struct tern_type var = {sizeof(T), var##__mask, #T}
/* One pointer: for arrays of pointers (tern_alloc_array). */
extern const struct tern_type tern_type_ptr;

void *tern_alloc(const struct tern_type *t);                 /* one */
void *tern_alloc_array(const struct tern_type *t, size_t n); /* n of t */
void *tern_alloc_noscan(size_t size); /* no pointers inside */
void *tern_alloc_scan(size_t size);   /* untyped: scanned conservatively */
#define tern_new(type) tern_alloc(&(type))

/* *slot = p, with the write barrier (slot: a pointer-sized field).
 * Inline where the port has a restartable sequence for it
 * (arch/<arch>/arch_store.h), else a call. */
#if defined(__has_include)
#if __has_include("arch_store.h")
#include "arch_store.h"
#endif
#endif
#ifndef TERN_STORE_INLINE
void tern_store(void *slot, const void *p);
#endif
/* memmove / memset-to-zero of memory that may hold GC pointers. */
void tern_memmove(void *dst, const void *src, size_t n);
void tern_memclr(void *dst, size_t n);
/* Keep p's object alive up to this point (as Go's runtime.KeepAlive). */
static inline void tern_keepalive(const void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
}

/* Extra root ranges, scanned conservatively (up to 8).  0 or -1. */
int tern_gc_add_root(const void *start, size_t size);
int tern_gc_remove_root(const void *start);

/* Run a full collection now and return when it and its sweep are done. */
void tern_gc(void);
/* GOGC: the heap grows to live * (1 + pct/100) before the next cycle;
 * TERN_GOGC_OFF stops automatic collections.  Returns the old value. */
#define TERN_GOGC_OFF (-1)
int tern_gc_percent(int pct);
/* A soft limit on the heap in bytes (SetMemoryLimit): the collector runs
 * as often as needed to stay under it.  Returns the old one; a negative
 * value only reads it.  Default: the heap's size. */
int64_t tern_gc_memory_limit(int64_t bytes);
/* gctrace lines (Go's format, memory in KB) on the console; returns the
 * old setting. */
bool tern_gctrace(bool on);

/* Debug modes (tern_gc_debug), for tests: */
#define TERN_GC_CHECKMARK 0x1u  /* re-mark stop-the-world after each mark */
#define TERN_GC_STRESS    0x2u  /* a full collection at every allocation */
#define TERN_GC_CLOBBER   0x4u  /* fill freed objects with 0xdeadbeef */
#define TERN_GC_VERIFY    0x8u  /* heap verifier after every cycle */
#define TERN_GC_ZOMBIE    0x10u /* a typed pointer to a free slot is fatal */
unsigned tern_gc_debug(unsigned flags); /* returns the old flags */

/* The collector's figures (MemStats names). */
struct tern_gcstats {
    uint64_t numgc, numforcedgc;
    uint64_t pause_total_ns;
    uint64_t last_gc;        /* nanotime the last cycle ended, 0 if none */
    uint64_t next_gc;        /* heap goal of the next cycle, bytes */
    uint64_t heap_live;      /* bytes: marked last cycle + allocated since */
    uint64_t heap_marked;    /* bytes marked by the last cycle */
    uint64_t gc_cpu_ns;      /* time spent in GC work, ever */
    uint64_t freed;          /* objects freed by sweeping, ever */
    uint32_t stw_max_ns;     /* longest stop-the-world section */
    uint32_t mark_overflows; /* work-list overflows, ever */
    int gogc;
    int64_t memory_limit;
    uint8_t phase; /* 0 off, 1 marking, 2 sweeping */
};
void tern_read_gcstats(struct tern_gcstats *st);
/* PauseNs and PauseEnd of the cycle k cycles ago (k = 0: the last), from
 * rings of TERN_GC_PAUSES entries (256; fewer on small boards); false if
 * that cycle fell out of the ring or never ran. */
bool tern_gc_pause(unsigned k, uint64_t *pause_ns, uint64_t *pause_end);

/* Finalizers (Go's runtime.SetFinalizer): once obj - the start of an
 * object from tern_alloc* - is unreachable, fn(obj) runs once on the
 * finalizer goroutine, and obj (with what it points to) is kept until it
 * has run; the next cycle frees it unless fn stored it somewhere.  fn NULL
 * removes obj's finalizer; setting a second one is fatal (as in Go).
 * Objects in a cycle of finalizable objects are never freed.  Returns 0,
 * or -1 if memory for the record (or the goroutine) is short. */
int tern_set_finalizer(void *obj, void (*fn)(void *obj));

/* A pool of reusable objects (Go's sync.Pool): get takes any pooled
 * object or, if none, returns new_fn() (NULL without new_fn); put offers
 * one back.  Every collection moves the pool's objects to a victim cache
 * and drops the previous victims, so objects unused for two cycles are
 * freed.  A pool is a global (TERN_POOL_INIT) or lives in malloc'd memory
 * with tern_pool_destroy before the free: the collector keeps a list of
 * pools (one inside a GC object is refused).  Goroutines only; O(1). */
struct tern_pool {
    void *(*new_fn)(void);
    void *local, *victim;   /* chains of chunks of objects (gc/pool.c) */
    struct tern_pool *next; /* the collector's list */
    bool listed;
};
#define TERN_POOL_INIT(fn)                                                     \
    {                                                                          \
        (fn), NULL, NULL, NULL, false                                          \
    }
void *tern_pool_get(struct tern_pool *p);
void tern_pool_put(struct tern_pool *p, void *x);
void tern_pool_destroy(struct tern_pool *p);

/* --- segments --------------------------------------------------------------
 * The memory map, explicit: what the linker placed where, plus the heap
 * regions (every RAM byte nobody else uses).  Built once at boot.
 */
enum tern_seg_kind {
    TERN_SEG_TEXT,    /* code, in flash/ROM */
    TERN_SEG_RODATA,  /* constants, in flash/ROM */
    TERN_SEG_DATA,    /* initialised globals, RAM, loaded from flash */
    TERN_SEG_BSS,     /* zeroed globals, RAM */
    TERN_SEG_PRIVATE, /* runtime metadata, RAM, zeroed, not scanned by GC */
    TERN_SEG_STACK,   /* the interrupt / main stack */
    TERN_SEG_HEAP,    /* a heap region (several on some boards) */
};

#define TERN_SEG_FLASH  0x1u /* lives in flash/ROM (read-only at run time) */
#define TERN_SEG_GCROOT 0x2u /* scanned by the GC as a root */

struct tern_segment {
    const char *name;        /* "text", "data", "heap", "heap.ccm", ... */
    uintptr_t start;         /* first byte */
    uintptr_t end;           /* one past the last byte */
    uintptr_t load;          /* load address in flash (data), else start */
    enum tern_seg_kind kind; /* what it holds */
    unsigned flags;          /* TERN_SEG_FLASH, TERN_SEG_GCROOT */
};

/* The segment table, sorted by start address; *n receives its length. */
const struct tern_segment *tern_segments(size_t *n);

/* Print the segment map to the console. */
void tern_segments_print(void);

/* --- console shell -------------------------------------------------------------
 * The serial shell (kernel/shell.c): help, memstats, goroutines, sched,
 * heap, segments, ...  It allocates its line editor (~430 bytes, manual
 * heap) when it starts and nothing after, so it keeps working if the heap
 * is exhausted later.
 */

/* Run the shell on the console in the calling goroutine until `exit` or
 * Ctrl-D on an empty line; returns 0, or -1 (and says so) if there was no
 * memory for its line editor.  One shell at a time.  Its deepest commands
 * (memstats -v; gc, which collects on this stack) use about 750 bytes of
 * the goroutine's stack (measured on the microbit by tests/target). */
int tern_shell(void);

/* Name a goroutine entry function for `goroutines` (the image has no
 * symbol table; unnamed entries show as addresses).  Up to 8 names; name
 * must outlive the program (a string literal). */
void tern_shell_name(void (*fn)(void *), const char *name);

#endif /* TERN_H */
