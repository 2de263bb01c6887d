/*
 * tests/common/mm_model.h - the model-based randomised test of the memory
 * manager, shared by tests/host (large arena, 10^7 operations) and
 * tests/target (the board's heap, scaled to its RAM).
 */
#ifndef TESTS_COMMON_MM_MODEL_H
#define TESTS_COMMON_MM_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct mm_model_block {
    uint8_t *p;
    size_t size;
    uint32_t seed;
};

struct mm_model {
    struct mm_model_block *live; /* nslots entries, zeroed */
    int nslots;
    long ops;          /* operations to run */
    size_t max_size;   /* largest request */
    long verify_every; /* run mm_verify every this many operations */
    uint32_t seed;
    /* results: */
    long nulls; /* allocations that found no memory */
    long allocs, frees, reallocs;
};

/* Run the model; returns 0, or records a test failure and returns -1.
 * Frees every block at the end and verifies the heap. */
int mm_model_run(struct mm_model *m);

#endif /* TESTS_COMMON_MM_MODEL_H */
