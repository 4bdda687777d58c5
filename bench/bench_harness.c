/* The harness measuring trivial workloads: its rows should agree run to run within their err%. */
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

int main(void) {
    static const size_t sizes[] = {64, 4096, 65536};
    copy_ctx c;
    size_t i;
    llb_table *t = llb_table_new("harness: trivial workloads");
    c.src = (unsigned char *)malloc(65536);
    c.dst = (unsigned char *)malloc(65536);
    if (!t || !c.src || !c.dst) return 1;
    memset(c.src, 0x5a, 65536);
    printf("clock resolution %llu ns, epoch %.2f ms\n", (unsigned long long)llb_clock_resolution_ns(),
           (double)llb_epoch_target_ns() / 1e6);
    llb_run(t, "empty loop", empty_loop, NULL);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char name[64];
        c.len = sizes[i];
        snprintf(name, sizeof name, "memcpy %zu B", sizes[i]);
        llb_bytes(t, (double)sizes[i]);
        llb_run(t, name, copy_loop, &c);
    }
    llb_print(t);
    llb_table_free(t);
    free(c.src);
    free(c.dst);
    return 0;
}
