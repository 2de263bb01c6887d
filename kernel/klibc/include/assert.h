/*
 * assert.h - Tern's freestanding C library (boards without newlib: x86).
 *
 * A failed assert is a Tern fatal error ("fatal error: assertion failed:
 * <expr>" and where), as newlib's assert is routed on the ARM boards
 * (kernel/syscalls.c).  Like every assert.h this has no include guard:
 * each inclusion follows the NDEBUG in force at that point.
 */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
_Noreturn void tern_assert_fail(const char *expr, const char *file, int line);
#define assert(e) ((e) ? (void)0 : tern_assert_fail(#e, __FILE__, __LINE__))
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif
