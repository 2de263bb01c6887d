/*
 * tests/common/gc_mutator.h - a randomised mutator over a graph of typed
 * objects, for the GC's tests on the host and on every board.
 */
#ifndef TESTS_COMMON_GC_MUTATOR_H
#define TESTS_COMMON_GC_MUTATOR_H

#include <stdint.h>

struct gc_mutator_result {
    uint32_t mutations;
    uint32_t cycles;    /* collections that ran meanwhile */
    uint32_t checks;    /* whole-graph checks done (one per cycle seen) */
    uint32_t bad;       /* nodes found damaged: must be 0 */
    uint32_t max_nodes; /* most nodes reachable at a check */
};

/* Run `mutations` random operations (allocate a node of a random size,
 * re-link a reachable node through tern_store, drop a root, hang a noscan
 * blob) on a graph rooted in a global array, with live nodes kept under
 * max_live; after every collection that completed, walk the reachable
 * graph and check every node's magic, id checksum and blob pattern; a
 * full tern_gc every gc_every operations (0: only the paced ones). */
void gc_mutator_run(uint32_t seed, uint32_t mutations, uint32_t max_live,
                    uint32_t gc_every, struct gc_mutator_result *out);

/* Drop the graph (the roots cleared through the barrier). */
void gc_mutator_clear(void);

#endif /* TESTS_COMMON_GC_MUTATOR_H */
