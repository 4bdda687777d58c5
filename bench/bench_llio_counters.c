/* bench_llio_counters.c - the NOP and QD1 read loops of bench_llio.c in a private copy of llio
   (LLIO_STATIC), compiled four times: with the always-on counters (names cnt_on_<copy>_*) and with
   -DLLIO_NO_STATS, the per-ring counters compiled out (cnt_off_<copy>_*), each as copy a and copy b
   (-DLLIO_BENCH_COPY=a|b). One benchmark run sets the counters against the same code without them,
   round for round, with the same linkage and inlining; the objects are linked on a, off a, off b, on b
   and built with functions and loops aligned, so that neither build gains or loses from where its
   code happens to fall (on this VM that alone moved the NOP batch 1 row by 2 %). */
#define LLIO_STATIC
#include "llio.h"

#ifndef LLIO_BENCH_COPY
#define LLIO_BENCH_COPY a
#endif
#define CNT_CAT(build, copy, name) cnt_##build##_##copy##_##name
#define CNT_XCAT(build, copy, name) CNT_CAT(build, copy, name)
#ifdef LLIO_NO_STATS
#define CNT(name) CNT_XCAT(off, LLIO_BENCH_COPY, name)
#else
#define CNT(name) CNT_XCAT(on, LLIO_BENCH_COPY, name)
#endif

#include <stdio.h>
#include <stdlib.h>

#define NOFF 65536

/* the same layout as nostats_ctx in bench_llio.c */
typedef struct nostats_ctx {
    llio_ring *r;
    int fd;
    const uint64_t *offs;
    unsigned oi;
    char *buf;
    unsigned batch;
} nostats_ctx;

void *CNT(ring_new)(unsigned entries);
void CNT(ring_free)(void *ring);
void CNT(nop)(void *p, uint64_t iters);
void CNT(read)(void *p, uint64_t iters);

void *CNT(ring_new)(unsigned entries) {
    llio_ring *r = (llio_ring *)malloc(sizeof *r);
    if (r && llio_init(r, entries, LLIO_INIT_NO_FALLBACK) != 0) {
        free(r);
        return NULL;
    }
    return r;
}
void CNT(ring_free)(void *ring) {
    llio_destroy((llio_ring *)ring);
    free(ring);
}

void CNT(nop)(void *p, uint64_t iters) {
    nostats_ctx *c = (nostats_ctx *)p;
    uint64_t i;
    unsigned k;
    for (i = 0; i < iters; i++) {
        llio_cqe out[64];
        unsigned got = 0;
        for (k = 0; k < c->batch; k++) llio_prep_nop(llio_get_sqe(c->r));
        llio_submit_and_wait(c->r, c->batch);
        if (c->batch == 1) {
            llio_cqe *q = llio_peek_cqe(c->r);
            if (!q) abort();
            llio_cqe_seen(c->r, q);
            continue;
        }
        while (got < c->batch) {
            unsigned n = llio_reap(c->r, out, 64);
            if (!n) llio_wait(c->r, c->batch - got, -1);
            got += n;
        }
    }
}

void CNT(read)(void *p, uint64_t iters) {
    nostats_ctx *c = (nostats_ctx *)p;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        llio_cqe *q;
        llio_prep_read(llio_get_sqe(c->r), c->fd, c->buf, 4096, c->offs[c->oi++ & (NOFF - 1)]);
        llio_submit_and_wait(c->r, 1);
        q = llio_peek_cqe(c->r);
        if (!q || q->res != 4096) abort();
        llio_cqe_seen(c->r, q);
    }
}
