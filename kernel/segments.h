/*
 * kernel/segments.h - the segment table.  See kernel/segments.c.
 */
#ifndef KERNEL_SEGMENTS_H
#define KERNEL_SEGMENTS_H

#include <stddef.h>

#include "tern.h"

/* Room in the table: 6 fixed segments and the heap regions (board.mk
 * may say fewer: TERN_SEGMENTS). */
#ifndef TERN_SEGMENTS
#define TERN_SEGMENTS 12
#endif
#define SEGMENTS_MAX TERN_SEGMENTS

/* Build the table from the linker's symbols and the board's heap regions
 * (kernel/layout.c), sort and verify it.  Fatal if the layout is broken. */
void segments_init(void);

/* Sort t[0..n) by start address (stable, in place). */
void segments_sort(struct tern_segment *t, size_t n);

/* Check the layout invariants of a sorted table; returns NULL if they hold,
 * else a constant string naming the broken one:
 *   - start <= end for each segment, names non-empty;
 *   - no two segments overlap (flash and RAM share one address space);
 *   - .data's load image, when not in place, overlaps no RAM segment;
 *   - exactly one segment of each kind TEXT, DATA, BSS, PRIVATE, STACK
 *     and at least one HEAP.  */
const char *segments_verify(const struct tern_segment *t, size_t n);

/* Install t[0..n) as the table tern_segments() returns (copied). */
void segments_set(const struct tern_segment *t, size_t n);

/* Name of a kind, e.g. "bss". */
const char *segments_kind_name(enum tern_seg_kind k);

#endif /* KERNEL_SEGMENTS_H */
