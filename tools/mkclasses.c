/*
 * tools/mkclasses.c - generate the size-class table for one page size.
 *
 *   mkclasses <page size> > mm/sizeclasses-<page size>.h
 *
 * A size class is an object size; every small allocation is rounded up to
 * the smallest class that holds it, and a span of the class's page count
 * is cut into equal objects.  Two wastes matter:
 *
 *   internal waste  bytes lost rounding a request up to its class.  The
 *                   worst case for class c is a request one byte above
 *                   class c-1:  (size[c] - size[c-1] - 1) / size[c].
 *   tail waste      bytes of a span too few for one more object, plus the
 *                   span's two object bitmaps (alloc and mark bits), which
 *                   live at the end of a span of more than 32 objects (in
 *                   the span descriptor otherwise; mm/span.c).
 *
 * The rules:
 *   1. Sizes are multiples of 8 (every object is 8-byte aligned).
 *   2. Above 128 bytes the step from one class to the next is at most 1/8
 *      of the class, so internal waste stays under 12.5% (below that the
 *      8- and 16-byte steps dominate; the tiny allocator packs noscan
 *      objects under 16 bytes).  The step is 8 below 32 bytes, 16 up to
 *      128, then the largest power of two not above size/8; so every class
 *      above 1024 is a multiple of 128, which the size lookup relies on.
 *   3. A span has the fewest pages that keep its tail waste at or under
 *      1/8 of the span (Go's rule).
 *   4. A class that would use the same pages and hold the same number of
 *      objects as the previous one replaces it (the previous size buys
 *      nothing), unless that would break rule 2.
 *   5. The largest small size is 8 pages or 32 KiB, whichever is less;
 *      larger objects get spans of their own.  With pages of 512 bytes or
 *      less (the 16 KiB MCUs: heaps of a few dozen pages) it is 2 pages:
 *      every class costs about 52 bytes of static RAM (its mcentral lists,
 *      mcache slots and counters, three kinds each), and an 8-page span
 *      for one 4 KiB object would be a quarter of such a heap; past 2
 *      pages a large object's rounding to pages wastes at most a third.
 *   6. With pages of 256 bytes or less (the 8 KiB MCUs: a heap of about
 *      twenty pages) classes are few and one page each, since every
 *      class a program uses holds a span of its own per kind: the
 *      largest small size is one page, the step above 32 bytes may be
 *      half the class (rule 2 with 1/2 for 1/8: internal waste under
 *      50%), and a span's tail waste may be a quarter (rule 3).
 *
 * The output is a C header with the tables and, in its opening comment,
 * the waste table.  It is checked in; `make sizeclasses` regenerates it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_CLASSES 128

struct class
{
    unsigned size;   /* bytes per object */
    unsigned npages; /* pages per span */
    unsigned nelems; /* objects per span */
};

/* Bytes of the two bitmaps at the end of a span holding n objects: none up
 * to 32 objects, whose bitmaps fit in the span descriptor. */
static unsigned bitmap_bytes(unsigned n)
{
    return n <= 32 ? 0 : 2 * 4 * ((n + 31) / 32);
}

/* Objects that fit in a span of `bytes` with their bitmaps. */
static unsigned fit(unsigned bytes, unsigned size)
{
    unsigned n = bytes / size;

    while (n > 0 && n * size + bitmap_bytes(n) > bytes)
        n--;
    return n;
}

static unsigned pow2floor(unsigned x)
{
    unsigned p = 1;

    while (p * 2 <= x)
        p *= 2;
    return p;
}

int main(int argc, char **argv)
{
    struct class c[MAX_CLASSES];
    unsigned page, max_small, step_div, tail_div, class8_max, n = 0;

    if (argc != 2 || (page = (unsigned)strtoul(argv[1], NULL, 0)) < 256 ||
        (page & (page - 1)) != 0) {
        fprintf(stderr,
                "usage: mkclasses <page size: a power of two >= 256>\n");
        return 2;
    }
    max_small = page <= 256        ? page
                : page <= 512      ? 2 * page
                : 8 * page < 32768 ? 8 * page
                                   : 32768;
    /* rules 2 and 3: the largest step, tail waste, as a fraction 1/n */
    step_div = page <= 256 ? 2 : 8;
    tail_div = page <= 256 ? 4 : 8;
    class8_max = max_small < 1024 ? max_small : 1024;

    for (unsigned size = 8; size <= max_small;) {
        unsigned npages = 1, nelems, step;

        for (;;) {
            unsigned span = npages * page;
            nelems = fit(span, size);
            if (nelems > 0 && span - nelems * size <= span / tail_div)
                break;
            npages++;
        }
        if (n > 0 && c[n - 1].npages == npages && c[n - 1].nelems == nelems &&
            (size <= 128 || n < 2 ||
             (size - c[n - 2].size - 1) * step_div < size)) {
            c[n - 1].size = size;
        } else {
            if (n == MAX_CLASSES) {
                fprintf(stderr, "mkclasses: too many classes\n");
                return 1;
            }
            c[n++] = (struct class){size, npages, nelems};
        }
        step = size < 32       ? 8
               : step_div == 2 ? pow2floor(size / 2)
               : size <= 128   ? 16
                               : pow2floor(size / 8);
        size += step;
    }
    if (c[n - 1].size != max_small) {
        fprintf(stderr, "mkclasses: last class %u is not max_small %u\n",
                c[n - 1].size, max_small);
        return 1;
    }

    printf("/*\n * mm/sizeclasses-%u.h - size classes for %u-byte pages.\n",
           page, page);
    printf(" * Code generated by tools/mkclasses.c; DO NOT EDIT.\n");
    printf(" * Regenerate with `make sizeclasses`.\n *\n");
    printf(" * class  bytes/obj  pages  objects  tail waste  max internal "
           "waste\n");
    for (unsigned i = 0; i < n; i++) {
        unsigned span = c[i].npages * page;
        unsigned tail = span - c[i].nelems * c[i].size;
        unsigned prev = i == 0 ? 0 : c[i - 1].size;
        double internal = 100.0 * (c[i].size - prev - 1) / c[i].size;
        printf(" * %5u  %9u  %5u  %7u  %5u %5.2f%%  %6.2f%%\n", i + 1,
               c[i].size, c[i].npages, c[i].nelems, tail, 100.0 * tail / span,
               internal);
    }
    printf(
        " *\n * Tail waste counts the span's alloc and mark bitmaps.\n */\n");
    printf("#ifndef MM_SIZECLASSES_%u_H\n#define MM_SIZECLASSES_%u_H\n\n", page,
           page);
    printf("#include <stdint.h>\n\n");
    printf("#define MM_NUM_CLASSES %u /* classes 1..%u; 0 is \"large\" */\n",
           n + 1, n);
    printf("#define MM_MAX_SMALL %u\n", max_small);
    printf("#define MM_SIZE_TO_CLASS8_MAX %u /* first lookup table's range "
           "*/\n\n",
           class8_max);

    printf("/* Bytes per object of each class. */\n");
    printf("static const uint16_t mm_class_size[MM_NUM_CLASSES] = {\n    0,");
    for (unsigned i = 0; i < n; i++)
        printf("%s%u,", (i + 1) % 10 == 0 ? "\n    " : " ", c[i].size);
    printf("\n};\n\n/* Pages per span of each class. */\n");
    printf("static const uint8_t mm_class_npages[MM_NUM_CLASSES] = {\n    0,");
    for (unsigned i = 0; i < n; i++)
        printf("%s%u,", (i + 1) % 16 == 0 ? "\n    " : " ", c[i].npages);
    printf("\n};\n\n/* Objects per span of each class. */\n");
    printf("static const uint16_t mm_class_nelems[MM_NUM_CLASSES] = {\n    0,");
    for (unsigned i = 0; i < n; i++)
        printf("%s%u,", (i + 1) % 12 == 0 ? "\n    " : " ", c[i].nelems);
    printf("\n};\n\n");
    printf(
        "/* Reciprocal of each size: the index of the object at byte offset\n"
        " * off of its span is (off * mm_class_divmul[c]) >> 32, exact for\n"
        " * every offset inside the span (checked by the generator). */\n");
    printf("static const uint32_t mm_class_divmul[MM_NUM_CLASSES] = {\n    0,");
    for (unsigned i = 0; i < n; i++) {
        uint32_t m = (uint32_t)(((uint64_t)1 << 32) / c[i].size + 1);
        unsigned span = c[i].npages * page;
        for (unsigned off = 0; off < span; off++)
            if ((unsigned)(((uint64_t)off * m) >> 32) != off / c[i].size) {
                fprintf(stderr, "mkclasses: divmul inexact for %u at %u\n",
                        c[i].size, off);
                return 1;
            }
        printf("%s%lu,", (i + 1) % 5 == 0 ? "\n    " : " ", (unsigned long)m);
    }
    printf("\n};\n\n");

    printf("/* Class of sizes 1..%u by (size + 7) / 8. */\n", class8_max);
    printf("static const uint8_t mm_size_to_class8[%u / 8 + 1] = {\n    1,",
           class8_max);
    for (unsigned s = 8, k = 1; s <= class8_max; s += 8, k++) {
        unsigned cl = 0;
        while (cl < n && c[cl].size < s)
            cl++;
        printf("%s%u,", k % 16 == 0 ? "\n    " : " ", cl < n ? cl + 1 : 0);
    }
    printf("\n};\n\n");
    if (max_small > 1024) {
        printf("/* Class of sizes 1025..MM_MAX_SMALL by (size - 1024 + 127) / "
               "128. */\n");
        printf("static const uint8_t mm_size_to_class128[(MM_MAX_SMALL - 1024) "
               "/ 128 + 1] = {\n    0,");
        for (unsigned s = 1024 + 128, k = 1; s <= max_small; s += 128, k++) {
            unsigned cl = 0;
            while (cl < n && c[cl].size < s)
                cl++;
            printf("%s%u,", k % 16 == 0 ? "\n    " : " ", cl + 1);
        }
        printf("\n};\n\n");
    }
    printf("#endif\n");
    return 0;
}
