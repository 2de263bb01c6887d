/*
 * examples/demo/main.c - the image `make run` boots: a small live system
 * and the serial shell on the console.
 *
 *   producer   sends a job (a number) on a buffered channel every 20 ms
 *   worker x2  receive jobs; each allocates a block of 8..127 bytes with
 *              malloc, keeps it in its own ring of 6 live blocks and frees
 *              the block it pushes out (live and dead data, churn)
 *   lister     every 5 ms puts a new node at the head of a list in the
 *              collected heap (tern_new) and cuts the list after 8 nodes:
 *              the cut nodes are garbage the collector finds (NumGC grows
 *              in `memstats`, `gctrace on` prints each cycle)
 *   heartbeat  wakes once a second and counts (it shows in `goroutines`)
 *   main       runs the shell until `exit` or Ctrl-D
 *
 * Type `help`, `memstats`, `goroutines`, `sched`, `heap`, `gc`.  Sized
 * for the smallest board (the microbit's ~9 KiB heap): at most 12 blocks
 * of under 128 bytes and 8 list nodes of 8 bytes are live.
 */
#include "tern.h"

#define RING 6

struct worker {
    void *live[RING]; /* the blocks this worker keeps */
    unsigned next;    /* the slot the next block goes to */
    uint32_t seed;    /* sizes, pseudo-random */
    uint32_t jobs;    /* jobs done */
    uint32_t oom;     /* allocations that failed */
};

struct node {
    struct node *next;
    uint32_t n;
};

TERN_TYPE(node_type, struct node, next);

static tern_chan *jobs;
static struct node *list; /* a global: a root the collector scans */
static uint32_t listed;
static struct worker workers[2];
static volatile uint32_t beats;

static void producer(void *arg)
{
    uint32_t n = 0;

    (void)arg;
    for (;;) {
        tern_chan_send(jobs, &n);
        n++;
        tern_sleep(20000000);
    }
}

static void worker(void *arg)
{
    struct worker *w = arg;
    uint32_t job;

    while (tern_chan_recv(jobs, &job)) {
        uint32_t x = w->seed;
        size_t size;
        unsigned char *p;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        w->seed = x;
        size = 8 + x % 120;
        p = tern_malloc(size);
        if (p == NULL) {
            w->oom++;
            continue;
        }
        for (size_t i = 0; i < size; i++)
            p[i] = (unsigned char)job;
        tern_free(w->live[w->next]); /* NULL the first time round */
        w->live[w->next] = p;
        w->next = (w->next + 1) % RING;
        w->jobs++;
    }
}

static void lister(void *arg)
{
    (void)arg;
    for (;;) {
        struct node *n = tern_new(node_type), *p = n;

        if (n != NULL) {
            n->n = ++listed;
            tern_store(&n->next, list);
            tern_store(&list, n);
            for (int k = 1; k < 8 && p != NULL; k++)
                p = p->next;
            if (p != NULL)
                tern_store(&p->next, NULL); /* the rest is garbage */
        }
        tern_sleep(5000000);
    }
}

static void heartbeat(void *arg)
{
    (void)arg;
    for (;;) {
        tern_sleep(1000000000);
        beats++;
    }
}

int main(void)
{
    jobs = tern_chan_make(sizeof(uint32_t), 4);
    if (jobs == NULL)
        return TERN_EXIT_FAIL;
    workers[0].seed = 1;
    workers[1].seed = 2;
    tern_shell_name(producer, "producer");
    tern_shell_name(worker, "worker");
    tern_shell_name(lister, "lister");
    tern_shell_name(heartbeat, "heartbeat");
    /* Small stacks (they use under 300 bytes; `goroutines` shows it),
     * so that the microbit's heap keeps room for the churn; the lister's
     * allocations may assist the collector, whose marking runs on the
     * allocating goroutine's stack (about 600 bytes on Cortex-M). */
    tern_go_stack(producer, NULL, 512);
    tern_go_stack(worker, &workers[0], 512);
    tern_go_stack(worker, &workers[1], 512);
    tern_go_stack(lister, NULL, 1024);
    tern_go_stack(heartbeat, NULL, 512);
    tern_printf("demo: producer -> 2 workers (malloc churn), a list in the "
                "collected heap, heartbeat; type help (exit or Ctrl-D "
                "quits)\n");
    tern_shell();
    tern_printf("bye: %lu jobs, %lu list nodes, %lu heartbeats\n",
                (unsigned long)(workers[0].jobs + workers[1].jobs),
                (unsigned long)listed, (unsigned long)beats);
    return 0;
}
