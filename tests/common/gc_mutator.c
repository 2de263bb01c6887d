/*
 * tests/common/gc_mutator.c - see gc_mutator.h.
 *
 * Every node carries its id, a checksum of the id, and optionally a noscan
 * blob filled with a pattern derived from the id.  A node freed while
 * still reachable is caught by the walk: clobbered (TERN_GC_CLOBBER) or
 * reused and zeroed, its magic or checksum no longer match.
 */
#include "tests/common/gc_mutator.h"

#include <string.h>

#include "tern.h"

#define NROOTS 32
#define MAGIC  0x6e6f6465u

struct node {
    struct node *l, *r; /* pointers */
    uint8_t *blob;      /* pointer (noscan object) */
    uint32_t magic, id, sum, bloblen, seen;
    uint32_t extra[]; /* random tail: sizes across the classes */
};
TERN_TYPE(node_type, struct node, l, r, blob);

static struct node *roots[NROOTS];
static uint32_t rng;
static uint32_t epoch;

static uint32_t rand32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t idsum(uint32_t id)
{
    return id * 2654435761u ^ 0x5bd1e995u;
}

static struct node *new_node(uint32_t id)
{
    /* 1 to 24 extra words: the node's size spans several classes */
    uint32_t extra = rand32() % 24;
    struct node *n =
        tern_alloc_array(&node_type, 1 + (extra * 4 + sizeof(struct node) - 1) /
                                             sizeof(struct node));

    n->magic = MAGIC;
    n->id = id;
    n->sum = idsum(id);
    if (rand32() % 4 == 0) {
        uint32_t len = 1 + rand32() % 200;
        uint8_t *b = tern_alloc_noscan(len);

        for (uint32_t i = 0; i < len; i++)
            b[i] = (uint8_t)(id + i);
        n->bloblen = len;
        tern_store(&n->blob, b);
    }
    return n;
}

/* A random node reachable from root slot k, or NULL. */
static struct node *pick(void)
{
    struct node *n = roots[rand32() % NROOTS];
    uint32_t steps = rand32() % 4;

    while (n != NULL && steps-- > 0) {
        struct node *next = rand32() & 1 ? n->l : n->r;
        if (next == NULL)
            break;
        n = next;
    }
    return n;
}

/* Walk the graph (explicit stack, malloc'd); count bad nodes. */
static uint32_t check(uint32_t *count)
{
    uint32_t bad = 0, cap = 256, sp = 0, nodes = 0;
    struct node **stack = tern_malloc(cap * sizeof *stack);

    if (stack == NULL)
        return 1;
    epoch++;
    for (int k = 0; k < NROOTS; k++) {
        if (roots[k] == NULL)
            continue;
        stack[sp++] = roots[k];
        while (sp > 0) {
            struct node *n = stack[--sp];

            if (n->seen == epoch)
                continue;
            if (n->magic != MAGIC || n->sum != idsum(n->id)) {
                bad++;
                continue; /* do not follow damaged pointers */
            }
            n->seen = epoch;
            nodes++;
            if (n->blob != NULL)
                for (uint32_t i = 0; i < n->bloblen; i++)
                    if (n->blob[i] != (uint8_t)(n->id + i)) {
                        bad++;
                        break;
                    }
            if (sp + 2 > cap) {
                struct node **s2 = tern_realloc(stack, 2 * cap * sizeof *s2);
                if (s2 == NULL)
                    break;
                stack = s2;
                cap *= 2;
            }
            if (n->l != NULL)
                stack[sp++] = n->l;
            if (n->r != NULL)
                stack[sp++] = n->r;
        }
    }
    tern_free(stack);
    *count = nodes;
    return bad;
}

void gc_mutator_clear(void)
{
    for (int k = 0; k < NROOTS; k++)
        tern_store(&roots[k], NULL);
}

void gc_mutator_run(uint32_t seed, uint32_t mutations, uint32_t max_live,
                    uint32_t gc_every, struct gc_mutator_result *out)
{
    struct tern_gcstats st;
    uint64_t seen_gc;
    uint32_t id = 0, live = 0;

    memset(out, 0, sizeof *out);
    rng = seed | 1;
    tern_gc_add_root(roots, sizeof roots);
    tern_read_gcstats(&st);
    seen_gc = st.numgc;
    for (uint32_t m = 0; m < mutations; m++) {
        uint32_t op = rand32() % 8;
        struct node *a;

        if (op < 3) { /* a new node into a root, or under a node */
            struct node *n = new_node(++id);
            a = pick();
            if (a != NULL && live < max_live && (rand32() & 1))
                tern_store(rand32() & 1 ? &a->l : &a->r, n);
            else
                tern_store(&roots[rand32() % NROOTS], n);
            live++;
        } else if (op < 6) { /* re-link: a field to another node */
            a = pick();
            if (a != NULL)
                tern_store(rand32() & 1 ? &a->l : &a->r, pick());
        } else if (op == 6) { /* drop a root */
            tern_store(&roots[rand32() % NROOTS], NULL);
        } else { /* cut a subtree */
            a = pick();
            if (a != NULL)
                tern_store(rand32() & 1 ? &a->l : &a->r, NULL);
        }
        if (gc_every != 0 && m % gc_every == gc_every - 1)
            tern_gc();
        tern_read_gcstats(&st);
        if (st.numgc != seen_gc) {
            uint32_t nodes = 0;
            out->cycles += (uint32_t)(st.numgc - seen_gc);
            seen_gc = st.numgc;
            out->bad += check(&nodes);
            out->checks++;
            live = nodes;
            if (nodes > out->max_nodes)
                out->max_nodes = nodes;
            if (live >= max_live) /* keep the graph within the heap */
                for (int k = 0; k < NROOTS / 2; k++)
                    tern_store(&roots[rand32() % NROOTS], NULL);
        }
        out->mutations++;
    }
    tern_gc_remove_root(roots);
}
