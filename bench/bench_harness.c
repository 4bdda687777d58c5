/* The harness on trivial workloads, measured twice: the two runs should agree within the err% the
   harness reports, which is what makes its other tables worth reading. */
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct copy_ctx {
    unsigned char *src, *dst;
    size_t len;
} copy_ctx;

static void empty_loop(void *ctx, uint64_t iters) {
    uint64_t i;
    (void)ctx;
    for (i = 0; i < iters; i++) llb_do_not_optimize(i);
}

static void copy_loop(void *ctx, uint64_t iters) {
    copy_ctx *c = (copy_ctx *)ctx;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        memcpy(c->dst, c->src, c->len);
        llb_clobber();
    }
}

static const size_t sizes[] = {64, 4096, 65536};
#define NROWS 4

static llb_table *measure(const char *title, copy_ctx *c) {
    llb_table *t = llb_table_new(title);
    size_t i;
    llb_run(t, "empty loop", empty_loop, NULL);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char name[64];
        c->len = sizes[i];
        snprintf(name, sizeof name, "memcpy %zu B", sizes[i]);
        llb_bytes(t, (double)sizes[i]);
        llb_run(t, name, copy_loop, c);
    }
    return t;
}

int main(int argc, char **argv) {
    static const char *rows[NROWS] = {"empty loop", "memcpy 64 B", "memcpy 4096 B", "memcpy 65536 B"};
    copy_ctx c;
    llb_table *a, *b;
    int i, agree = 0;
    if (argc > 1 && strcmp(argv[1], "--cpu") == 0) { /* only the CPU line: for bench parts run by scripts */
        llb_print_cpu();
        return 0;
    }
    llb_print_cpu();
    c.src = (unsigned char *)malloc(65536);
    c.dst = (unsigned char *)malloc(65536);
    if (!c.src || !c.dst) return 1;
    memset(c.src, 0x5a, 65536);
    printf("clock resolution %llu ns, epoch %.2f ms\n", (unsigned long long)llb_clock_resolution_ns(),
           (double)llb_epoch_target_ns() / 1e6);
    a = measure("harness: trivial workloads, run 1", &c);
    b = measure("harness: trivial workloads, run 2", &c);
    llb_print(a);
    llb_print(b);
    printf("\n### harness: run-to-run agreement\n\n| benchmark | run 1 ns | run 2 ns | difference | err%% run 1 | "
           "err%% run 2 | within err%%? |\n|:---|---:|---:|---:|---:|---:|:---|\n");
    for (i = 0; i < NROWS; i++) {
        double x = llb_ns(a, rows[i]), y = llb_ns(b, rows[i]);
        double d = 100.0 * (x > y ? x - y : y - x) / (x < y ? x : y);
        double e = llb_err(a, rows[i]) + llb_err(b, rows[i]);
        int ok = d <= e; /* two runs each within its err% of the truth differ by at most the sum */
        agree += ok;
        printf("| `%s` | %.3f | %.3f | %.2f%% | %.2f%% | %.2f%% | %s |\n", rows[i], x, y, d, llb_err(a, rows[i]),
               llb_err(b, rows[i]), ok ? "yes" : "no");
    }
    printf("\n%d of %d rows agree within the sum of their err%%.\n", agree,
           NROWS);
    llb_table_free(a);
    llb_table_free(b);
    free(c.src);
    free(c.dst);
    return 0;
}
