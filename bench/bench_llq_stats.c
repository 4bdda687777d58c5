/* bench/bench_llq_stats.c - llq_spsc and llq_mpmc built with LLQ_STATS (ring statistics compiled in),
   as contenders of bench_llq.c's SPSC and MPMC tables: what the counters cost next to the same rings
   without them. A unit of its own with a private copy of llq (LLQ_STATIC): LLQ_STATS changes the
   layout, so the two builds must not share a ring. */
#define LLQ_STATIC
#define LLQ_STATS
#include "llq.h"
#include "bench_llq.h"

#include <stdlib.h>
#include <string.h>

static void *st_amem(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, n) != 0) abort();
    memset(p, 0, n);
    return p;
}
static void *st_mk_spsc(size_t cap) {
    size_t ms = llq_spsc_memsize(cap, 8);
    void *m = st_amem(ms);
    if (llq_spsc_init((llq_spsc *)m, ms, cap, 8) != 0) abort();
    return m;
}
static void *st_mk_mpmc(size_t cap) {
    size_t ms = llq_mpmc_memsize(cap, 8);
    void *m = st_amem(ms);
    if (llq_mpmc_init((llq_mpmc *)m, ms, cap, 8) != 0) abort();
    return m;
}
static void st_rm(void *q) {
    llq_ring_stats s;
    if (llq_spsc_stats((llq_spsc *)q, &s) != 0) abort(); /* keep the counters observable */
    free(q);
}
static void st_rm_mpmc(void *q) {
    llq_ring_stats s;
    if (llq_mpmc_stats((llq_mpmc *)q, &s) != 0 || s.high_water > (1u << 20)) abort();
    free(q);
}

#define SS_PUSH(q, v) llq_spsc_push(q, &(v))
#define SS_POP(q, pv) llq_spsc_pop(q, pv)
#define SS_PUSHN(q, p, n) llq_spsc_push_n(q, p, (size_t)(n))
#define SS_POPN(q, p, n) llq_spsc_pop_n(q, p, (size_t)(n))
LLQB_ROLES(ss, llq_spsc *, SS_PUSH, SS_POP)
LLQB_BURST_ROLES(ss, llq_spsc *, SS_PUSHN, SS_POPN)

#define SM_PUSH(q, v) llq_mpmc_push(q, &(v))
#define SM_POP(q, pv) llq_mpmc_pop(q, pv)
#define SM_PUSHN(q, p, n) llq_mpmc_push_n(q, p, (size_t)(n))
#define SM_POPN(q, p, n) llq_mpmc_pop_n(q, p, (size_t)(n))
LLQB_ROLES(sm, llq_mpmc *, SM_PUSH, SM_POP)
LLQB_BURST_ROLES(sm, llq_mpmc *, SM_PUSHN, SM_POPN)

const llqb_impl llqb_llq_spsc_stats = {"llq_spsc with LLQ_STATS", st_mk_spsc, st_rm, ss_prod, ss_cons, ss_bprod,
                                       ss_bcons, ss_ping, ss_pong, ss_pair};
const llqb_impl llqb_llq_mpmc_stats = {"llq_mpmc with LLQ_STATS", st_mk_mpmc, st_rm_mpmc, sm_prod, sm_cons, sm_bprod,
                                       sm_bcons, sm_ping, sm_pong, sm_pair};
