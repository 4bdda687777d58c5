/* bench/bench_llq.c - llq.h against DPDK rte_ring, ck_ring, boost::lockfree (bench_llq_boost.cpp), a
   mutex+ring and the bare cache-line round trip. Two threads pinned to cores 0 and 1.

   The VM is noisy, so every figure is taken over several rounds, the contenders' order rotated each
   round; throughput is measured per window of items and the median window is reported (a window the
   scheduler interrupted is an outlier, not the median); round trips are timed one by one with the TSC
   and the median and p99 of each round are taken, then the median over rounds. */
#define _GNU_SOURCE
#define LLQ_IMPLEMENTATION
#include "llq.h"
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"
#include "bench_llq.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#if defined(LLB_HAVE_DPDK)
#include <rte_ring.h>
#endif
#if defined(LLB_HAVE_CK)
#include <ck_ring.h>
#endif

#define CAP 4096

uint64_t llqb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *amem(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, n) != 0) abort();
    memset(p, 0, n);
    return p;
}

/* ---- llq contenders ---- */
static void *mk_spsc(size_t cap) {
    size_t ms = llq_spsc_memsize(cap, 8);
    void *m = amem(ms);
    if (llq_spsc_init((llq_spsc *)m, ms, cap, 8) != 0) abort();
    return m;
}
static void *mk_mpmc(size_t cap) {
    size_t ms = llq_mpmc_memsize(cap, 8);
    void *m = amem(ms);
    if (llq_mpmc_init((llq_mpmc *)m, ms, cap, 8) != 0) abort();
    return m;
}
static void rm_free(void *q) { free(q); }

#define LS_PUSH(q, v) llq_spsc_push(q, &(v))
#define LS_POP(q, pv) llq_spsc_pop(q, pv)
#define LS_PUSHN(q, p, n) llq_spsc_push_n(q, p, (size_t)(n))
#define LS_POPN(q, p, n) llq_spsc_pop_n(q, p, (size_t)(n))
LLQB_ROLES(ls, llq_spsc *, LS_PUSH, LS_POP)
LLQB_BURST_ROLES(ls, llq_spsc *, LS_PUSHN, LS_POPN)

LLQ_SPSC_TYPED(u64q, uint64_t);
#define LT_PUSH(q, v) u64q_push(q, &(v))
#define LT_POP(q, pv) u64q_pop(q, pv)
#define LT_PUSHN(q, p, n) u64q_push_n(q, p, (size_t)(n))
#define LT_POPN(q, p, n) u64q_pop_n(q, p, (size_t)(n))
LLQB_ROLES(lt, llq_spsc *, LT_PUSH, LT_POP)
LLQB_BURST_ROLES(lt, llq_spsc *, LT_PUSHN, LT_POPN)

#define LM_PUSH(q, v) llq_mpmc_push(q, &(v))
#define LM_POP(q, pv) llq_mpmc_pop(q, pv)
#define LM_PUSHN(q, p, n) llq_mpmc_push_n(q, p, (size_t)(n))
#define LM_POPN(q, p, n) llq_mpmc_pop_n(q, p, (size_t)(n))
LLQB_ROLES(lm, llq_mpmc *, LM_PUSH, LM_POP)
LLQB_BURST_ROLES(lm, llq_mpmc *, LM_PUSHN, LM_POPN)

/* waiting forms: one fetch-and-add per operation; the expression is true once it returns */
#define LW_PUSH(q, v) (llq_mpmc_push_wait(q, &(v)), true)
#define LW_POP(q, pv) (llq_mpmc_pop_wait(q, pv), true)
LLQB_ROLES(lw, llq_mpmc *, LW_PUSH, LW_POP)

static const llqb_impl impl_llq_spsc = {"llq_spsc", mk_spsc, rm_free, ls_prod, ls_cons, ls_bprod, ls_bcons,
                                        ls_ping, ls_pong, ls_pair};
static const llqb_impl impl_llq_typed = {"llq_spsc typed (LLQ_SPSC_TYPED)", mk_spsc, rm_free, lt_prod, lt_cons,
                                         lt_bprod, lt_bcons, lt_ping, lt_pong, lt_pair};
static const llqb_impl impl_llq_mpmc = {"llq_mpmc", mk_mpmc, rm_free, lm_prod, lm_cons, lm_bprod, lm_bcons,
                                        lm_ping, lm_pong, lm_pair};
static const llqb_impl impl_llq_mpmc_wait = {"llq_mpmc push_wait/pop_wait", mk_mpmc, rm_free, lw_prod, lw_cons, 0, 0,
                                             lw_ping, lw_pong, lw_pair};

/* ---- Treiber stack / MS queue with EBR: push then pop on both threads ---- */
typedef struct lfq {
    llq_stack *s;
    llq_msq *q;
    llq_ebr *d;
} lfq;
typedef struct lfnode {
    llq_stack_node sn; /* first: the stack node is the node */
    llq_msq_node qn;
    llq_ebr_node en;
    struct lfnode *free_next;
    char pad[64 - 6 * sizeof(void *)]; /* one node per cache line, as boost's nodes are */
} lfnode;
/* node supply for the lock-free contenders (boost has its own freelist): a per-thread cache that
   spills to / refills from a shared Treiber stack, backed by slabs of pre-touched nodes. Recycled
   nodes come back only through EBR, after their grace period, and pool pops run inside a critical
   section, so the pool is ABA-safe too. When the other thread is descheduled inside a critical
   section, nothing can be reclaimed until it runs again: the cache then runs dry and the thread
   takes a fresh slab (one allocation per LF_SLAB nodes, never a malloc per node), and the nodes come
   back to the caches once the epoch moves on. */
static __thread lfnode *lf_cache;
static __thread size_t lf_ncache;
static llq_stack *lf_pool;
#define LF_SPILL 256
#define LF_SLAB 4096
typedef struct lfslab {
    struct lfslab *next;
    char pad[64 - sizeof(void *)];
    lfnode n[LF_SLAB];
} lfslab;
static lfslab *lf_slabs; /* every slab, for rm_lf */
static void lf_add_slab(void) {
    lfslab *sl;
    size_t i;
    if (posix_memalign((void **)&sl, 4096, sizeof(lfslab)) != 0) abort();
    memset(sl, 0, sizeof(lfslab)); /* fault the pages in now, not inside a timed window later */
    sl->next = __atomic_load_n(&lf_slabs, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&lf_slabs, &sl->next, sl, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
    }
    for (i = 0; i < LF_SLAB; i++) {
        sl->n[i].free_next = lf_cache;
        lf_cache = &sl->n[i];
    }
    lf_ncache += LF_SLAB;
}
static void lf_recycle(llq_ebr_node *e) {
    lfnode *n = (lfnode *)((char *)e - offsetof(lfnode, en));
    n->free_next = lf_cache;
    lf_cache = n;
    if (++lf_ncache >= LF_SPILL * 64) { /* hand a batch to the pool with one CAS */
        lfnode *first = lf_cache, *last = first;
        size_t k;
        for (k = 1; k < LF_SPILL; k++) {
            last->sn.next = &last->free_next->sn;
            last = last->free_next;
        }
        lf_cache = last->free_next;
        lf_ncache -= LF_SPILL;
        llq_stack_push_list(lf_pool, &first->sn, &last->sn);
    }
}
static inline lfnode *lf_alloc(void) {
    lfnode *n = lf_cache;
    if (!n && lf_pool) { /* refill: take the whole pool with one exchange */
        llq_stack_node *p = llq_stack_pop_all(lf_pool);
        while (p) {
            lfnode *x = (lfnode *)p;
            p = p->next;
            x->free_next = lf_cache;
            lf_cache = x;
            lf_ncache++;
        }
        n = lf_cache;
    }
    if (!n) {
        lf_add_slab();
        n = lf_cache;
    }
    lf_cache = n->free_next;
    lf_ncache--;
    return n;
}
static void *mk_lf(size_t cap) {
    lfq *l = (lfq *)amem(sizeof(lfq));
    size_t ms = llq_ebr_memsize(4);
    (void)cap;
    l->d = (llq_ebr *)amem(ms);
    l->s = (llq_stack *)amem(llq_stack_memsize());
    l->q = (llq_msq *)amem(llq_msq_memsize());
    lf_pool = (llq_stack *)amem(llq_stack_memsize());
    if (llq_stack_init(lf_pool, llq_stack_memsize())) abort();
    if (llq_ebr_init(l->d, ms, 4) || llq_stack_init(l->s, llq_stack_memsize()) ||
        llq_msq_init(l->q, llq_msq_memsize(), &lf_alloc()->qn))
        abort();
    return l;
}
static void rm_lf(void *p) {
    lfq *l = (lfq *)p;
    llq_ebr_drain(l->d); /* every node goes back to some cache or the pool; the slabs own them all */
    lf_cache = NULL;
    lf_ncache = 0;
    while (lf_slabs) {
        lfslab *sl = lf_slabs;
        lf_slabs = sl->next;
        free(sl);
    }
    free(lf_pool);
    lf_pool = NULL;
    free(l->d);
    free(l->s);
    free(l->q);
    free(l);
}
static void lf_pair_common(llqb_job *j, int msq) {
    lfq *l = (lfq *)j->q;
    llq_ebr_thread *t;
    uint64_t i, sum = 0, t0, k = 0;
    uint64_t pl = 0;
    if (llq_ebr_register(l->d, &t) != 0) abort();
    llqb_wait_go(j);
    t0 = llqb_now_ns();
    for (i = 1; i <= j->n; i++) {
        lfnode *n;
        llq_ebr_enter(t);
        n = lf_alloc();
        if (msq) {
            void *v;
            llq_msq_node *old;
            llq_msq_push(l->q, &n->qn, (void *)(uintptr_t)i);
            while (!llq_msq_pop(l->q, &v, &old)) LLQB_RELAX();
            sum += (uint64_t)(uintptr_t)v;
            llq_ebr_retire(t, &((lfnode *)((char *)old - offsetof(lfnode, qn)))->en, lf_recycle);
        } else {
            llq_stack_node *s;
            llq_stack_push(l->s, &n->sn);
            while ((s = llq_stack_pop(l->s)) == NULL) LLQB_RELAX();
            sum += 1;
            llq_ebr_retire(t, &((lfnode *)s)->en, lf_recycle);
        }
        llq_ebr_exit(t);
        llqb_progress(j, i);
        if (j->win_ns && i % j->window == 0) {
            uint64_t x = llqb_now_ns();
            j->win_ns[k++] = llqb_window(j, x - t0, &pl);
            t0 = x;
        }
    }
    /* nodes still in limbo go back through drain in rm_lf */
    llq_ebr_unregister(t);
    j->sum = sum;
}
static void lfs_pair(llqb_job *j) { lf_pair_common(j, 0); }
static void lfq_pair(llqb_job *j) { lf_pair_common(j, 1); }
static const llqb_impl impl_llq_stack = {"llq_stack + EBR", mk_lf, rm_lf, 0, 0, 0, 0, 0, 0, lfs_pair};
static const llqb_impl impl_llq_msq = {"llq_msq + EBR", mk_lf, rm_lf, 0, 0, 0, 0, 0, 0, lfq_pair};

/* ---- mutex + ring ---- */
typedef struct mring {
    pthread_mutex_t mu;
    uint64_t head, tail;
    uint64_t buf[CAP];
} mring;
static void *mk_mring(size_t cap) {
    mring *m = (mring *)amem(sizeof(mring));
    (void)cap;
    pthread_mutex_init(&m->mu, NULL);
    return m;
}
static inline bool mr_push(mring *m, uint64_t v) {
    bool ok = false;
    pthread_mutex_lock(&m->mu);
    if (m->head - m->tail < CAP) {
        m->buf[m->head++ % CAP] = v;
        ok = true;
    }
    pthread_mutex_unlock(&m->mu);
    return ok;
}
static inline bool mr_pop(mring *m, uint64_t *v) {
    bool ok = false;
    pthread_mutex_lock(&m->mu);
    if (m->head != m->tail) {
        *v = m->buf[m->tail++ % CAP];
        ok = true;
    }
    pthread_mutex_unlock(&m->mu);
    return ok;
}
#define MR_PUSH(q, v) mr_push(q, v)
#define MR_POP(q, pv) mr_pop(q, pv)
LLQB_ROLES(mr, mring *, MR_PUSH, MR_POP)
static const llqb_impl impl_mutex = {"mutex + ring", mk_mring, rm_free, mr_prod, mr_cons, 0, 0, mr_ping, mr_pong,
                                     mr_pair};

/* ---- bare cache line: the physical limit of a round trip ---- */
typedef struct bline {
    uint64_t v;
    char pad[120];
} bline;
static void *mk_line(size_t cap) {
    (void)cap;
    return amem(sizeof(bline));
}
static void line_ping(llqb_job *j) {
    bline *b = (bline *)j->q;
    uint64_t i;
    llqb_wait_go(j);
    for (i = 1; i <= j->n; i++) {
        uint64_t t0 = LLQB_TICKS();
        __atomic_store_n(&b->v, 2 * i - 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&b->v, __ATOMIC_ACQUIRE) != 2 * i) LLQB_SPIN();
        j->rt[i - 1] = LLQB_TICKS() - t0;
    }
}
static void line_pong(llqb_job *j) {
    bline *b = (bline *)j->q;
    uint64_t i;
    llqb_wait_go(j);
    for (i = 1; i <= j->n; i++) {
        while (__atomic_load_n(&b->v, __ATOMIC_ACQUIRE) != 2 * i - 1) LLQB_SPIN();
        __atomic_store_n(&b->v, 2 * i, __ATOMIC_RELEASE);
    }
}
static const llqb_impl impl_line = {"bare cache line (limit)", mk_line, rm_free, 0, 0, 0, 0, line_ping, line_pong, 0};

/* one line each way (the least any two-queue round trip can move) */
static void line2_ping(llqb_job *j) {
    bline *b = (bline *)j->q;
    uint64_t i;
    llqb_wait_go(j);
    for (i = 1; i <= j->n; i++) {
        uint64_t t0 = LLQB_TICKS();
        __atomic_store_n(&b[0].v, i, __ATOMIC_RELEASE);
        while (__atomic_load_n(&b[2].v, __ATOMIC_ACQUIRE) != i) LLQB_SPIN();
        j->rt[i - 1] = LLQB_TICKS() - t0;
    }
}
static void line2_pong(llqb_job *j) {
    bline *b = (bline *)j->q;
    uint64_t i;
    llqb_wait_go(j);
    for (i = 1; i <= j->n; i++) {
        while (__atomic_load_n(&b[0].v, __ATOMIC_ACQUIRE) != i) LLQB_SPIN();
        __atomic_store_n(&b[2].v, i, __ATOMIC_RELEASE);
    }
}
static void *mk_line2(size_t cap) {
    (void)cap;
    return amem(4 * sizeof(bline));
}
static const llqb_impl impl_line2 = {"two cache lines, one each way", mk_line2, rm_free, 0, 0, 0, 0, line2_ping,
                                     line2_pong, 0};

/* ---- the least an index ring can do per burst: the burst protocol of DPDK and llq_spsc (indices on
   their own lines, cached remote index, index published once per burst) written inline for 8-byte
   items, with no API, no element size, no mailbox ---- */
typedef struct iring {
    uint64_t head; /* published by the producer */
    char pad0[120];
    uint64_t ph, tc; /* producer-private: own head, cached tail */
    char pad1[112];
    uint64_t tail; /* published by the consumer */
    char pad2[120];
    uint64_t ct, hc; /* consumer-private: own tail, cached head */
    char pad3[112];
    uint64_t slot[CAP];
} iring;
static void *mk_iring(size_t cap) {
    (void)cap;
    return amem(sizeof(iring));
}
static inline uint64_t iring_push_n(iring *r, const uint64_t *p, uint64_t n) {
    uint64_t h = r->ph, k;
    if (CAP - (h - r->tc) < n) {
        r->tc = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
        if (CAP - (h - r->tc) < n) n = CAP - (h - r->tc);
    }
    for (k = 0; k < n; k++) r->slot[(h + k) & (CAP - 1)] = p[k];
    r->ph = h + n;
    __atomic_store_n(&r->head, h + n, __ATOMIC_RELEASE);
    return n;
}
static inline uint64_t iring_pop_n(iring *r, uint64_t *p, uint64_t n) {
    uint64_t t = r->ct, k;
    if (r->hc - t < n) {
        r->hc = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
        if (r->hc - t < n) n = r->hc - t;
    }
    for (k = 0; k < n; k++) p[k] = r->slot[(t + k) & (CAP - 1)];
    r->ct = t + n;
    __atomic_store_n(&r->tail, t + n, __ATOMIC_RELEASE);
    return n;
}
LLQB_BURST_ROLES(ir, iring *, iring_push_n, iring_pop_n)
static const llqb_impl impl_iring = {"inline index ring, no API (limit)", mk_iring, rm_free, 0, 0, ir_bprod,
                                     ir_bcons, 0, 0, 0};
/* ---- DPDK rte_ring, initialised on our own memory (no EAL) ---- */
#if defined(LLB_HAVE_DPDK)
static void *mk_rte(size_t cap, unsigned flags) {
    static int seq;
    char name[32];
    ssize_t ms = rte_ring_get_memsize((unsigned)cap);
    struct rte_ring *r;
    if (ms < 0) abort();
    r = (struct rte_ring *)amem((size_t)ms);
    snprintf(name, sizeof name, "llqb%d", seq++);
    if (rte_ring_init(r, name, (unsigned)cap, flags) != 0) abort();
    return r;
}
static void *mk_rte_s(size_t cap) { return mk_rte(cap, RING_F_SP_ENQ | RING_F_SC_DEQ); }
static void *mk_rte_m(size_t cap) { return mk_rte(cap, 0); }
#define RS_PUSH(q, v) (rte_ring_sp_enqueue(q, (void *)(uintptr_t)(v)) == 0)
#define RS_POP(q, pv) (rte_ring_sc_dequeue(q, (void **)(pv)) == 0)
#define RS_PUSHN(q, p, n) rte_ring_sp_enqueue_burst(q, (void *const *)(p), (unsigned)(n), NULL)
#define RS_POPN(q, p, n) rte_ring_sc_dequeue_burst(q, (void **)(p), (unsigned)(n), NULL)
#define RM_PUSH(q, v) (rte_ring_mp_enqueue(q, (void *)(uintptr_t)(v)) == 0)
#define RM_POP(q, pv) (rte_ring_mc_dequeue(q, (void **)(pv)) == 0)
#define RM_PUSHN(q, p, n) rte_ring_mp_enqueue_burst(q, (void *const *)(p), (unsigned)(n), NULL)
#define RM_POPN(q, p, n) rte_ring_mc_dequeue_burst(q, (void **)(p), (unsigned)(n), NULL)
LLQB_ROLES(rs, struct rte_ring *, RS_PUSH, RS_POP)
LLQB_BURST_ROLES(rs, struct rte_ring *, RS_PUSHN, RS_POPN)
LLQB_ROLES(rm, struct rte_ring *, RM_PUSH, RM_POP)
LLQB_BURST_ROLES(rm, struct rte_ring *, RM_PUSHN, RM_POPN)
static const llqb_impl impl_rte_s = {"DPDK rte_ring SP/SC", mk_rte_s, rm_free, rs_prod, rs_cons, rs_bprod, rs_bcons,
                                     rs_ping, rs_pong, rs_pair};
static const llqb_impl impl_rte_m = {"DPDK rte_ring MP/MC", mk_rte_m, rm_free, rm_prod, rm_cons, rm_bprod, rm_bcons,
                                     rm_ping, rm_pong, rm_pair};
#endif

/* ---- Concurrency Kit ck_ring ---- */
#if defined(LLB_HAVE_CK)
typedef struct ckq {
    ck_ring_t ring;
    char pad[128];
    ck_ring_buffer_t buf[CAP];
} ckq;
static void *mk_ck(size_t cap) {
    ckq *c = (ckq *)amem(sizeof(ckq));
    (void)cap;
    ck_ring_init(&c->ring, CAP);
    return c;
}
#define CS_PUSH(q, v) ck_ring_enqueue_spsc(&(q)->ring, (q)->buf, (void *)(uintptr_t)(v))
#define CS_POP(q, pv) ck_ring_dequeue_spsc(&(q)->ring, (q)->buf, (pv))
#define CM_PUSH(q, v) ck_ring_enqueue_mpmc(&(q)->ring, (q)->buf, (void *)(uintptr_t)(v))
#define CM_POP(q, pv) ck_ring_dequeue_mpmc(&(q)->ring, (q)->buf, (pv))
LLQB_ROLES(cs, ckq *, CS_PUSH, CS_POP)
LLQB_ROLES(cm, ckq *, CM_PUSH, CM_POP)
static const llqb_impl impl_ck_s = {"ck_ring spsc", mk_ck, rm_free, cs_prod, cs_cons, 0, 0, cs_ping, cs_pong, cs_pair};
static const llqb_impl impl_ck_m = {"ck_ring mpmc", mk_ck, rm_free, cm_prod, cm_cons, 0, 0, cm_ping, cm_pong, cm_pair};
#endif

/* ------------------------------------------------------------------------------------------ */
/* driver                                                                                      */

typedef struct peer_arg {
    llqb_role fn;
    llqb_job *job;
    int cpu;
} peer_arg;
static void *peer_main(void *p) {
    peer_arg *a = (peer_arg *)p;
    llb_pin_thread(a->cpu);
    a->fn(a->job);
    return NULL;
}

/* main runs `mine` on core 0, a new thread runs `theirs` on core 1 */
static void run_two(llqb_role mine, llqb_job *jm, llqb_role theirs, llqb_job *jt) {
    pthread_t th;
    peer_arg a;
    volatile int go = 0;
    struct timespec ts = {0, 2000000};
    a.fn = theirs;
    a.job = jt;
    a.cpu = 1;
    jm->go = jt->go = &go;
    if (pthread_create(&th, NULL, peer_main, &a) != 0) abort();
    nanosleep(&ts, NULL); /* let it get pinned and spin on go */
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    mine(jm);
    pthread_join(th, NULL);
}

/* the CPU every table below was measured on: vendor, family/model, name, the features that matter to
   llq (none are required; the line size and core count come from the system), and the kernel */
static void print_cpu(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096], vendor[64] = "?", name[128] = "?", fam[16] = "?", model[16] = "?";
    char kern[128] = "?";
    int have_flags = 0, avx2 = 0, avx512 = 0, waitpkg = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *v = strchr(line, ':');
        if (!v) continue;
        v += 2;
        v[strcspn(v, "\n")] = 0;
        if (!strncmp(line, "vendor_id", 9)) snprintf(vendor, sizeof vendor, "%s", v);
        else if (!strncmp(line, "cpu family", 10)) snprintf(fam, sizeof fam, "%s", v);
        else if (!strncmp(line, "model name", 10)) snprintf(name, sizeof name, "%s", v);
        else if (!strncmp(line, "model", 5)) snprintf(model, sizeof model, "%s", v);
        else if (!strncmp(line, "flags", 5) && !have_flags) {
            have_flags = 1;
            avx2 = strstr(v, " avx2") != NULL;
            avx512 = strstr(v, " avx512f") != NULL;
            waitpkg = strstr(v, " waitpkg") != NULL;
        }
        if (have_flags && strcmp(name, "?") != 0) break;
    }
    if (f) fclose(f);
    f = fopen("/proc/sys/kernel/osrelease", "r");
    if (f && fgets(kern, sizeof kern, f)) kern[strcspn(kern, "\n")] = 0;
    if (f) fclose(f);
    printf("CPU: %s family %s model %s (%s), %ld CPUs; avx2 %s, avx512f %s, waitpkg %s; cache line %ld B; "
           "Linux %s\n",
           vendor, fam, model, name, sysconf(_SC_NPROCESSORS_ONLN), avx2 ? "yes" : "no", avx512 ? "yes" : "no",
           waitpkg ? "yes" : "no", sysconf(_SC_LEVEL1_DCACHE_LINESIZE), kern);
}

static double g_tick_ns = 1.0;
static void calibrate_ticks(void) {
    uint64_t t0 = llqb_now_ns(), c0 = LLQB_TICKS(), t1, c1;
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, NULL);
    t1 = llqb_now_ns();
    c1 = LLQB_TICKS();
    g_tick_ns = (double)(t1 - t0) / (double)(c1 - c0);
}

#define MAXC 12
#define MAXS 8192
typedef struct result {
    const llqb_impl *impl;
    double *samples; /* throughput: ns/item per window, all rounds; rt: per-round medians */
    size_t ns;
    double *p99;     /* rt only: per-round p99 */
    size_t np;
    size_t nwin;     /* windows run (push-then-pop: those kept are in ns) */
    double rmed[64]; /* per round: median ns of that round (the round's windows, or its round trips) */
    size_t nr;
} result;

static void res_add(result *r, double v) {
    if (r->ns < MAXS) r->samples[r->ns++] = v;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double med(double *v, size_t n) {
    if (!n) return 0;
    qsort(v, n, sizeof *v, cmp_d);
    return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
static double mdape(double *v, size_t n, double m) {
    double *d = (double *)malloc(n * sizeof *d), r;
    size_t i;
    for (i = 0; i < n; i++) d[i] = (v[i] > m ? v[i] - m : m - v[i]) / m * 100.0;
    r = med(d, n);
    free(d);
    return r;
}

enum { K_TPUT, K_BURST, K_RT, K_PAIR };

static int g_rounds = 15;
static uint64_t g_items = 1400000, g_rts = 40000, g_pairs = 400000; /* per round */

static void run_one(int kind, result *r, uint64_t scale_div) {
    const llqb_impl *im = r->impl;
    void *q = im->make(CAP), *q2 = kind == K_RT ? im->make(CAP) : NULL;
    llqb_job a, b;
    uint64_t n, window, expect, i;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.q = b.q = q;
    a.q2 = b.q2 = q2;
    if (kind == K_RT) {
        n = g_rts / scale_div;
        a.n = b.n = n;
        a.rt = (uint64_t *)malloc(n * sizeof(uint64_t));
        run_two(im->ping, &a, im->pong, &b);
        {
            /* the TSC advances in steps of ~10 ns here: the median is taken over the means of batches
               of 64 consecutive round trips (sub-step resolution), p99 over single round trips */
            double p50, p99, p999, mx, *bm = (double *)malloc((size_t)(n / 64 + 1) * sizeof(double));
            size_t nb = 0, k;
            for (i = 0; i + 64 <= n; i += 64) {
                uint64_t s = 0;
                for (k = 0; k < 64; k++) s += a.rt[i + k];
                bm[nb++] = (double)s / 64.0;
            }
            res_add(r, med(bm, nb) * g_tick_ns);
            if (r->nr < 64) r->rmed[r->nr++] = med(bm, nb) * g_tick_ns;
            free(bm);
            llb_percentiles(a.rt, (size_t)n, &p50, &p99, &p999, &mx);
            if (r->np < MAXS) r->p99[r->np++] = p99 * g_tick_ns;
        }
        free(a.rt);
        expect = n * (n + 1) / 2;
        if (im != &impl_line && im != &impl_line2 && a.sum != expect) fprintf(stderr, "%s: ping-pong checksum mismatch\n", im->name);
    } else {
        n = (kind == K_PAIR ? g_pairs : g_items) / scale_div;
        window = kind == K_PAIR ? 16384 : 65536;
        window /= scale_div;
        if (window < 1024) window = 1024;
        a.n = b.n = n;
        a.window = b.window = window;
        a.win_ns = (uint64_t *)calloc((size_t)(n / window + 1), sizeof(uint64_t));
        if (kind == K_TPUT) run_two(im->cons, &a, im->prod, &b);
        else if (kind == K_BURST) run_two(im->bcons, &a, im->bprod, &b);
        else {
            uint64_t *pg = (uint64_t *)amem(256); /* two progress counters, 128 bytes apart */
            a.prog = pg;
            b.prog = pg + 16;
            a.peer = b.prog;
            run_two(im->pair, &a, im->pair, &b);
            free(pg);
        }
        {
            double *rw = (double *)malloc((size_t)(n / window + 1) * sizeof(double));
            size_t nrw = 0;
            for (i = 0; i < n / window; i++) {
                r->nwin++;
                if (a.win_ns[i]) {
                    res_add(r, (double)a.win_ns[i] / (double)window);
                    rw[nrw++] = (double)a.win_ns[i] / (double)window;
                }
            }
            if (nrw && r->nr < 64) r->rmed[r->nr++] = med(rw, nrw);
            free(rw);
        }
        free(a.win_ns);
        expect = n * (n + 1) / 2;
        if (kind != K_PAIR && a.sum != expect) fprintf(stderr, "%s: checksum mismatch\n", im->name);
        if (kind == K_PAIR && im != &impl_llq_stack && a.sum + b.sum != 2 * expect)
            fprintf(stderr, "%s: pair checksum mismatch\n", im->name);
    }
    im->destroy(q);
    if (q2) im->destroy(q2);
}

/* the VM moves between regimes (a cache-line hand-off costs ~25 ns in one, ~150 ns in another) within
   a run; each round runs every contender once, back to back, so the ratio of two contenders within one
   round compares them in the same regime. The median over rounds of those per-round ratios (anchor time
   / contender time, or the inverse for latency) is what the Targets block reports. */
static double paired(result *r, size_t n, const llqb_impl *anchor, const llqb_impl *im, int anchor_over) {
    size_t i, a = n, b = n, k, m;
    double q[64];
    for (i = 0; i < n; i++) {
        if (r[i].impl == anchor) a = i;
        if (r[i].impl == im) b = i;
    }
    if (a == n || b == n) return 0;
    m = r[a].nr < r[b].nr ? r[a].nr : r[b].nr;
    for (k = 0; k < m; k++)
        q[k] = anchor_over ? r[a].rmed[k] / r[b].rmed[k] : r[b].rmed[k] / r[a].rmed[k];
    return med(q, m);
}
static double g_idle_cpu = -1, g_over_rate = -1;
static const char *g_only; /* env LLQB_ONLY: comma list of table tags to run (tuning aid) */
static void bench(int kind, const char *title, const llqb_impl **list, size_t nl, const char *baseline,
                  result *out, const char *tag) {
    size_t i, round;
    llb_table *t;
    if (g_only && !strstr(g_only, tag)) {
        for (i = 0; i < nl; i++) {
            memset(&out[i], 0, sizeof out[i]);
            out[i].impl = list[i];
            out[i].samples = (double *)calloc(MAXS, sizeof(double));
            out[i].p99 = (double *)calloc(MAXS, sizeof(double));
            out[i].samples[0] = 0; /* not measured: the Targets block says so */
            out[i].p99[0] = 0;
        }
        return;
    }
    t = llb_table_new(title);
    for (i = 0; i < nl; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].impl = list[i];
        out[i].samples = (double *)malloc(MAXS * sizeof(double));
        out[i].p99 = (double *)malloc(MAXS * sizeof(double));
    }
    for (i = 0; i < nl; i++) { /* warm-up round, not recorded */
        result w;
        memset(&w, 0, sizeof w);
        w.impl = list[i];
        w.samples = (double *)malloc(MAXS * sizeof(double));
        w.p99 = (double *)malloc(MAXS * sizeof(double));
        run_one(kind, &w, list[i] == &impl_mutex ? 32 : 4);
        free(w.samples);
        free(w.p99);
    }
    for (round = 0; round < (size_t)g_rounds; round++) {
        for (i = 0; i < nl; i++) {
            size_t k = (i + round) % nl; /* rotate the order each round */
            uint64_t div = list[k] == &impl_mutex ? 8 : 1;
            run_one(kind, &out[k], div);
        }
    }
    for (i = 0; i < nl; i++) {
        double m = med(out[i].samples, out[i].ns);
        double e = mdape(out[i].samples, out[i].ns, m);
        char pr[64] = "";
        const llqb_impl *anchor = NULL;
        size_t k;
        for (k = 0; k < nl && baseline; k++)
            if (strcmp(list[k]->name, baseline) == 0) anchor = list[k];
        if (anchor && anchor != list[i])
            snprintf(pr, sizeof pr, "; paired %.2fx", paired(out, nl, anchor, list[i], 1));
        llb_add(t, list[i]->name, m, e);
        if (kind == K_RT) {
            double p = med(out[i].p99, out[i].np);
            llb_note(t, "p99 %.0f ns (%.2fx median)%s", p, p / m, pr);
            out[i].p99[0] = p;
        } else if (kind == K_PAIR) {
            llb_note(t, "ns per push+pop pair per thread; %zu of %zu windows with both threads running%s",
                     out[i].ns, out[i].nwin, pr);
        } else {
            llb_note(t, "%.1f M items/s%s", 1000.0 / m, pr);
        }
        out[i].samples[0] = m;
    }
    if (baseline) llb_baseline(t, baseline);
    llb_print(t);
    llb_table_free(t);
}

static double ns_of(result *r, size_t n, const llqb_impl *im) {
    size_t i;
    for (i = 0; i < n; i++)
        if (r[i].impl == im) return r[i].samples[0];
    return 0;
}
static double p99_of(result *r, size_t n, const llqb_impl *im) {
    size_t i;
    for (i = 0; i < n; i++)
        if (r[i].impl == im) return r[i].p99[0];
    return 0;
}
static void free_res(result *r, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        free(r[i].samples);
        free(r[i].p99);
    }
}
static void target(const char *what, double ratio, int higher_is_better, double goal) {
    int ok = higher_is_better ? ratio >= goal : ratio <= goal;
    if (!(ratio > 0 && ratio < 1e300)) { /* a table left out by LLQB_ONLY, or an anchor not installed */
        printf("- %s: not measured in this run\n", what);
        return;
    }
    printf("- %s: %.2fx (target %s %.2fx) %s\n", what, ratio, higher_is_better ? ">=" : "<=", goal,
           ok ? "MET" : "MISSED");
}



/* ------------------------------------------------------------------------------------------ */
/* RCU read sections: llq_ebr (ASYM, QSBR, FENCED) + llq_rcu_read against liburcu memb and QSBR     */

typedef struct robj {
    uint64_t v;
    uint64_t pad[4];
    llq_ebr_node node;
} robj;
LLQ_RCU_TYPED(robjp, robj, node);
static robj *g_rslot[3];
static llq_ebr *g_rdom[3];
static void robj_free(llq_ebr_node *n) { free((char *)n - offsetof(robj, node)); }
static robj *robj_new(void) {
    robj *o = (robj *)calloc(1, sizeof(robj));
    o->v = 1;
    return o;
}
static void llq_rreader(llqb_rjob *j, int mode) {
    llq_ebr_thread *t;
    robj **slot = &g_rslot[mode];
    uint64_t i, s = 0, t0, t1, n = j->n;
    if (llq_ebr_register(g_rdom[mode], &t) != 0) abort();
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    t0 = llqb_now_ns();
    if (mode == LLQ_EBR_QSBR) {
        llq_ebr_thread *self = t; /* in a register, as a caller keeps it */
        for (i = 0; i < n; i++) {
            s += robjp_read(slot)->v;
            if ((i & (LLQB_QS_EVERY - 1)) == 0) llq_ebr_quiescent(self);
        }
    } else {
        llq_ebr_thread *self = t;
        for (i = 0; i < n; i++) {
            llq_ebr_enter(self);
            s += robjp_read(slot)->v;
            llq_ebr_exit(self);
        }
    }
    t1 = llqb_now_ns();
    j->ns = (double)(t1 - t0) / (double)j->n;
    j->sum = s;
    llq_ebr_unregister(t);
}
static void llq_rwriter(llqb_rjob *j, int mode) {
    llq_ebr_thread *t;
    uint64_t start;
    if (llq_ebr_register(g_rdom[mode], &t) != 0) abort();
    if (mode == LLQ_EBR_QSBR) llq_ebr_offline(t);
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    start = llqb_now_ns();
    while (!__atomic_load_n(j->stop, __ATOMIC_ACQUIRE)) {
        robjp_replace(t, &g_rslot[mode], robj_new(), robj_free);
        llq_ebr_barrier(t); /* one grace period, then the old object is freed */
        j->writes++;
        llqb_pace(llqb_now_ns, start, j->writes, j->period_ns);
    }
    llq_ebr_unregister(t);
}
static void rr_asym(llqb_rjob *j) { llq_rreader(j, LLQ_EBR_ASYM); }
static void rr_qsbr(llqb_rjob *j) { llq_rreader(j, LLQ_EBR_QSBR); }
static void rr_fenced(llqb_rjob *j) { llq_rreader(j, LLQ_EBR_FENCED); }
static void rw_asym(llqb_rjob *j) { llq_rwriter(j, LLQ_EBR_ASYM); }
static void rw_qsbr(llqb_rjob *j) { llq_rwriter(j, LLQ_EBR_QSBR); }
static void rw_fenced(llqb_rjob *j) { llq_rwriter(j, LLQ_EBR_FENCED); }

typedef struct rcu_contender {
    const char *name;
    void (*reader)(llqb_rjob *);
    void (*writer)(llqb_rjob *);
} rcu_contender;
typedef struct rw_arg {
    void (*fn)(llqb_rjob *);
    llqb_rjob *j;
} rw_arg;
static void *rw_main(void *p) {
    rw_arg *a = (rw_arg *)p;
    llb_pin_thread(1);
    a->fn(a->j);
    return NULL;
}
/* ns per read section of one reader on core 0, with the writer on core 1 (back to back, or one grace
   period every RCU_PERIOD_NS) or none */
#define RCU_PERIOD_NS 10000u
static double rcu_run(const rcu_contender *c, uint64_t n, int with_writer, uint64_t *writes) {
    volatile int go = 0, stop = 0;
    llqb_rjob r, w;
    pthread_t th;
    rw_arg a;
    memset(&r, 0, sizeof r);
    memset(&w, 0, sizeof w);
    r.n = n;
    r.go = w.go = &go;
    r.stop = w.stop = &stop;
    w.period_ns = with_writer == 2 ? RCU_PERIOD_NS : 0;
    if (with_writer) {
        a.fn = c->writer;
        a.j = &w;
        if (pthread_create(&th, NULL, rw_main, &a) != 0) abort();
    }
    go = 1;
    c->reader(&r);
    if (with_writer) {
        stop = 1;
        pthread_join(th, NULL);
        *writes += w.writes;
    }
    if (r.sum != n) fprintf(stderr, "%s: read checksum mismatch\n", c->name);
    return r.ns;
}

static double g_rcu_ratio[3][2]; /* [no writer, writer back to back, writer paced][0: llq ASYM / urcu memb,
                                    1: llq QSBR / urcu QSBR] */
static void bench_rcu(void) {
    rcu_contender cs[5];
    size_t nc = 0, k, round, wr;
    int mode, rounds = 9;
    uint64_t n = llb_quick() ? 2000000 : 20000000;
    if (g_only && !strstr(g_only, "rcu")) return;
    for (mode = 0; mode < 3; mode++) {
        size_t ms = llq_ebr_memsize(4);
        g_rdom[mode] = (llq_ebr *)amem(ms);
        if (llq_ebr_init_mode(g_rdom[mode], ms, 4, mode) != 0) abort();
        robjp_publish(&g_rslot[mode], robj_new());
    }
    cs[nc].name = "llq ASYM: llq_ebr_enter + llq_rcu_read + llq_ebr_exit";
    cs[nc].reader = rr_asym;
    cs[nc++].writer = rw_asym;
    cs[nc].name = "llq QSBR: llq_rcu_read (quiescent every 1024)";
    cs[nc].reader = rr_qsbr;
    cs[nc++].writer = rw_qsbr;
    cs[nc].name = "llq FENCED: enter (locked exchange) + read + exit";
    cs[nc].reader = rr_fenced;
    cs[nc++].writer = rw_fenced;
#if defined(LLB_HAVE_URCU)
    llqb_urcu_memb_setup();
    llqb_urcu_qsbr_setup();
    cs[nc].name = "liburcu memb, inlined: rcu_read_lock + rcu_dereference + rcu_read_unlock";
    cs[nc].reader = llqb_urcu_memb_reader;
    cs[nc++].writer = llqb_urcu_memb_writer;
    cs[nc].name = "liburcu QSBR, inlined: rcu_dereference (quiescent every 1024)";
    cs[nc].reader = llqb_urcu_qsbr_reader;
    cs[nc++].writer = llqb_urcu_qsbr_writer;
#else
    printf("skipped: liburcu not installed (liburcu-dev)\n");
#endif
    for (wr = 0; wr < 3; wr++) {
        double v[5][16], ratio[2][16];
        uint64_t writes[5] = {0, 0, 0, 0, 0};
        llb_table *t = llb_table_new(wr == 2   ? "RCU read section, a writer replacing the object + grace period every 10 us "
                                                 "(ns; reader core 0, writer core 1)"
                                     : wr == 1 ? "RCU read section, a writer replacing the object + grace period back to "
                                                 "back (ns; reader core 0, writer core 1)"
                                               : "RCU read section, no writer (ns per lock + dereference + unlock)");
        for (round = 0; round < (size_t)rounds; round++)
            for (k = 0; k < nc; k++) {
                size_t c = (k + round) % nc;
                v[c][round] = rcu_run(&cs[c], n, (int)wr, &writes[c]);
            }
        for (round = 0; round < (size_t)rounds && nc == 5; round++) {
            ratio[0][round] = v[0][round] / v[3][round];
            ratio[1][round] = v[1][round] / v[4][round];
        }
        for (k = 0; k < nc; k++) {
            double tmp[16], m;
            memcpy(tmp, v[k], sizeof tmp);
            m = med(tmp, (size_t)rounds);
            llb_add(t, cs[k].name, m, mdape(v[k], (size_t)rounds, m));
            if (wr) llb_note(t, "%.0f grace periods/s", (double)writes[k] / ((double)rounds * (double)n * m / 1e9));
        }
        if (nc == 5) {
            g_rcu_ratio[wr][0] = med(ratio[0], (size_t)rounds);
            g_rcu_ratio[wr][1] = med(ratio[1], (size_t)rounds);
            llb_baseline(t, cs[3].name);
        }
        llb_print(t);
        llb_table_free(t);
    }
}


/* ------------------------------------------------------------------------------------------ */
/* hash maps: 1M 64-bit keys, 90/10 and 50/50 lookups/updates, 1 and 2 threads                     */

#include <sys/mman.h>
/* 2 MiB-aligned memory with transparent huge pages requested before it is touched */
static void *thp_alloc(size_t n) {
    void *p = NULL;
    size_t r = (n + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    if (posix_memalign(&p, 2u << 20, r) != 0) abort();
    madvise(p, r, MADV_HUGEPAGE);
    memset(p, 0, r);
    return p;
}
static void *thp_map_alloc(size_t n, void *ctx) {
    (void)ctx;
    return thp_alloc(n);
}
static void thp_map_free(void *p, size_t n, void *ctx) {
    (void)n;
    (void)ctx;
    free(p);
}

typedef struct lmap {
    llq_map *m;
    llq_ebr *d;
} lmap;
static void *lmap_make(uint64_t nkeys, int thp) {
    lmap *l = (lmap *)amem(sizeof(lmap));
    size_t ms = llq_map_memsize((size_t)nkeys), es = llq_ebr_memsize(8);
    llq_map_config cfg;
    llq_ebr_thread *t;
    uint64_t i;
    memset(&cfg, 0, sizeof cfg);
    if (thp) {
        cfg.alloc = thp_map_alloc;
        cfg.free = thp_map_free;
    }
    l->d = (llq_ebr *)amem(es);
    l->m = (llq_map *)(thp ? thp_alloc(ms) : amem(ms));
    if (llq_ebr_init_mode(l->d, es, 8, LLQ_EBR_ASYM) || llq_map_init(l->m, ms, (size_t)nkeys, l->d, &cfg) ||
        llq_ebr_register(l->d, &t))
        abort();
    for (i = 0; i < nkeys; i++)
        if (llq_map_insert(l->m, t, llqb_key(i), i) != 0) abort();
    llq_ebr_unregister(t);
    return l;
}
static void *lmap_make_thp(uint64_t nkeys) { return lmap_make(nkeys, 1); }
static void *lmap_make_plain(uint64_t nkeys) { return lmap_make(nkeys, 0); }
static void lmap_run(llqb_mjob *j) {
    lmap *l = (lmap *)j->map;
    llq_map *m = l->m;
    llq_ebr_thread *t;
    uint64_t i, s = j->seed, sum = 0, miss = 0, t0, t1, n = j->n, nk = j->nkeys;
    unsigned pct = j->read_pct;
    if (llq_ebr_register(l->d, &t) != 0) abort();
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    t0 = llqb_now_ns();
    for (i = 0; i < n; i++) {
        uint64_t r = llqb_rand(&s), key = llqb_key((r >> 32) * nk >> 32), v;
        if ((r & 127) * 100 < pct * 128u) {
            llq_ebr_enter(t);
            if (llq_map_get(m, key, &v)) sum += v;
            else miss++;
            llq_ebr_exit(t);
        } else if (llq_map_put(m, t, key, r) != 1) {
            miss++;
        }
    }
    t1 = llqb_now_ns();
    j->ns = (double)(t1 - t0) / (double)n;
    j->sum = sum;
    j->misses = miss;
    llq_ebr_unregister(t);
}
static void lmap_free(void *p) {
    lmap *l = (lmap *)p;
    llq_ebr_drain(l->d);
    llq_map_destroy(l->m);
    free(l->m);
    free(l->d);
    free(l);
}

#if defined(LLB_HAVE_CK)
#include <ck_ht.h>
/* ck_ht is single-writer / many-reader: writers take a spinlock, readers do not */
typedef struct ckmap {
    ck_ht_t ht;
    int lock;
    char pad[60];
} ckmap;
static void *ck_malloc_fn(size_t n) { return malloc(n); }
static void *ck_realloc_fn(void *p, size_t o, size_t n, bool d) {
    (void)o;
    (void)d;
    return realloc(p, n);
}
static void ck_free_fn(void *p, size_t n, bool d) {
    (void)n;
    (void)d;
    free(p);
}
static struct ck_malloc ck_alloc = {ck_malloc_fn, ck_realloc_fn, ck_free_fn};
static void *ckmap_make(uint64_t nkeys) {
    ckmap *c = (ckmap *)amem(sizeof(ckmap));
    uint64_t i;
    if (!ck_ht_init(&c->ht, CK_HT_MODE_DIRECT, NULL, &ck_alloc, nkeys, 6602834)) abort();
    for (i = 0; i < nkeys; i++) {
        ck_ht_entry_t e;
        ck_ht_hash_t h;
        uintptr_t k = (uintptr_t)llqb_key(i);
        ck_ht_hash_direct(&h, &c->ht, k);
        ck_ht_entry_set_direct(&e, h, k, (uintptr_t)i);
        if (!ck_ht_put_spmc(&c->ht, h, &e)) abort();
    }
    return c;
}
static void ckmap_run(llqb_mjob *j) {
    ckmap *c = (ckmap *)j->map;
    uint64_t i, s = j->seed, sum = 0, miss = 0, t0, t1, n = j->n, nk = j->nkeys;
    unsigned pct = j->read_pct;
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    t0 = llqb_now_ns();
    for (i = 0; i < n; i++) {
        uint64_t r = llqb_rand(&s);
        uintptr_t key = (uintptr_t)llqb_key((r >> 32) * nk >> 32);
        ck_ht_entry_t e;
        ck_ht_hash_t h;
        ck_ht_hash_direct(&h, &c->ht, key);
        if ((r & 127) * 100 < pct * 128u) {
            ck_ht_entry_key_set_direct(&e, key);
            if (ck_ht_get_spmc(&c->ht, h, &e)) sum += ck_ht_entry_value_direct(&e);
            else miss++;
        } else {
            while (__atomic_exchange_n(&c->lock, 1, __ATOMIC_ACQUIRE)) LLQB_RELAX();
            ck_ht_entry_set_direct(&e, h, key, (uintptr_t)r);
            if (!ck_ht_set_spmc(&c->ht, h, &e)) miss++;
            __atomic_store_n(&c->lock, 0, __ATOMIC_RELEASE);
        }
    }
    t1 = llqb_now_ns();
    j->ns = (double)(t1 - t0) / (double)n;
    j->sum = sum;
    j->misses = miss;
}
static void ckmap_free(void *p) {
    ckmap *c = (ckmap *)p;
    ck_ht_destroy(&c->ht);
    free(c);
}
#endif

/* the floor: one mutex around an open-addressing table (same mixer as llq_map, 2x slots) */
typedef struct mxmap {
    pthread_mutex_t mu;
    uint64_t mask;
    uint64_t *kv; /* key, value pairs */
} mxmap;
static void *mxmap_make(uint64_t nkeys) {
    mxmap *x = (mxmap *)amem(sizeof(mxmap));
    uint64_t i, slots = 1;
    while (slots < 2 * nkeys) slots *= 2;
    pthread_mutex_init(&x->mu, NULL);
    x->mask = slots - 1;
    x->kv = (uint64_t *)calloc(2 * slots, sizeof(uint64_t));
    for (i = 0; i < nkeys; i++) {
        uint64_t k = llqb_key(i), b = llq_map_hash64(k) & x->mask;
        while (x->kv[2 * b]) b = (b + 1) & x->mask;
        x->kv[2 * b] = k;
        x->kv[2 * b + 1] = i;
    }
    return x;
}
static void mxmap_run(llqb_mjob *j) {
    mxmap *x = (mxmap *)j->map;
    uint64_t i, s = j->seed, sum = 0, miss = 0, t0, t1, n = j->n, nk = j->nkeys;
    unsigned pct = j->read_pct;
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    t0 = llqb_now_ns();
    for (i = 0; i < n; i++) {
        uint64_t r = llqb_rand(&s), key = llqb_key((r >> 32) * nk >> 32), b;
        pthread_mutex_lock(&x->mu);
        b = llq_map_hash64(key) & x->mask;
        while (x->kv[2 * b] != key && x->kv[2 * b]) b = (b + 1) & x->mask;
        if (!x->kv[2 * b]) miss++;
        else if ((r & 127) * 100 < pct * 128u) sum += x->kv[2 * b + 1];
        else x->kv[2 * b + 1] = r;
        pthread_mutex_unlock(&x->mu);
    }
    t1 = llqb_now_ns();
    j->ns = (double)(t1 - t0) / (double)n;
    j->sum = sum;
    j->misses = miss;
}
static void mxmap_free(void *p) {
    mxmap *x = (mxmap *)p;
    free(x->kv);
    free(x);
}

typedef struct map_contender {
    const char *name;
    void *(*make)(uint64_t nkeys);
    void (*run)(llqb_mjob *j);
    void (*destroy)(void *map);
} map_contender;
typedef struct mrun_arg {
    void (*fn)(llqb_mjob *);
    llqb_mjob *j;
} mrun_arg;
static void *mrun_main(void *p) {
    mrun_arg *a = (mrun_arg *)p;
    llb_pin_thread(1);
    a->fn(a->j);
    return NULL;
}
/* ns per operation per thread (mean of the threads) */
static double map_run(const map_contender *c, void *map, uint64_t nkeys, unsigned pct, int threads, uint64_t n,
                      uint64_t seed) {
    volatile int go = 0;
    llqb_mjob a, b;
    pthread_t th;
    mrun_arg arg;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.map = b.map = map;
    a.n = b.n = n;
    a.nkeys = b.nkeys = nkeys;
    a.read_pct = b.read_pct = pct;
    a.seed = seed;
    b.seed = seed * 7 + 1;
    a.go = b.go = &go;
    if (threads == 2) {
        arg.fn = c->run;
        arg.j = &b;
        if (pthread_create(&th, NULL, mrun_main, &arg) != 0) abort();
    }
    go = 1;
    c->run(&a);
    if (threads == 2) pthread_join(th, NULL);
    if (a.misses + b.misses) fprintf(stderr, "%s: %llu lookups or updates missed a key\n", c->name,
                                     (unsigned long long)(a.misses + b.misses));
    return threads == 2 ? (a.ns + b.ns) / 2 : a.ns;
}

static double g_map_ratio[2][2][2][2]; /* [1M keys, 1,024 keys][mix 90/10, 50/50][threads 1, 2][vs ck_ht, cds_lfht] */
static double g_map_lfht_replace[2][2]; /* 1M keys: cds_lfht with replace + call_rcu updates / llq_map */
/* every contender on nkeys keys: 90/10 and 50/50, 1 and 2 threads, `rounds` rounds in rotated order,
   n operations per thread per run */
static void bench_maps_at(uint64_t nkeys, uint64_t n, int rounds, int which) {
    map_contender cs[7];
    size_t nc = 0, k, mix, th, round;
    const unsigned pcts[2] = {90, 50};
    void *maps[7];
    cs[nc].name = "llq_map (table on THP: the caller's memory)";
    cs[nc].make = lmap_make_thp;
    cs[nc].run = lmap_run;
    cs[nc++].destroy = lmap_free;
    cs[nc].name = "llq_map (plain 4 KiB pages)";
    cs[nc].make = lmap_make_plain;
    cs[nc].run = lmap_run;
    cs[nc++].destroy = lmap_free;
#if defined(LLB_HAVE_CK)
    cs[nc].name = "ck_ht (direct mode; writers under a spinlock)";
    cs[nc].make = ckmap_make;
    cs[nc].run = ckmap_run;
    cs[nc++].destroy = ckmap_free;
#endif
#if defined(LLB_HAVE_URCU)
    cs[nc].name = "liburcu cds_lfht (memb flavour, in-place value store)";
    cs[nc].make = llqb_lfht_make;
    cs[nc].run = llqb_lfht_run;
    cs[nc++].destroy = llqb_lfht_free;
    cs[nc].name = "liburcu cds_lfht (memb flavour, update = replace + call_rcu)";
    cs[nc].make = llqb_lfht_make;
    cs[nc].run = llqb_lfht_run_replace;
    cs[nc++].destroy = llqb_lfht_free;
#endif
    cs[nc].name = "mutex + open addressing (floor)";
    cs[nc].make = mxmap_make;
    cs[nc].run = mxmap_run;
    cs[nc++].destroy = mxmap_free;
    for (k = 0; k < nc; k++) maps[k] = cs[k].make(nkeys);
    for (mix = 0; mix < 2; mix++)
        for (th = 1; th <= 2; th++) {
            double v[7][8];
            char title[200];
            llb_table *t;
            snprintf(title, sizeof title,
                     "Hash map, %llu 64-bit keys, %u%% lookups / %u%% updates, %zu thread%s (ns per operation per "
                     "thread; relative to ck_ht)",
                     (unsigned long long)nkeys, pcts[mix], 100 - pcts[mix], th, th == 1 ? "" : "s");
            t = llb_table_new(title);
            for (round = 0; round < (size_t)rounds; round++)
                for (k = 0; k < nc; k++) {
                    size_t c = (k + round) % nc;
                    uint64_t nn = strstr(cs[c].name, "mutex") && th == 2 ? n / 4 : n;
                    v[c][round] = map_run(&cs[c], maps[c], nkeys, pcts[mix], (int)th, nn, 0x9E3779B97F4A7C15ULL + round);
                }
            for (k = 0; k < nc; k++) {
                double tmp[8], m, q[8], r;
                int lfht = strstr(cs[k].name, "cds_lfht") != NULL, replace = lfht && strstr(cs[k].name, "replace");
                memcpy(tmp, v[k], sizeof tmp);
                m = med(tmp, (size_t)rounds);
                llb_add(t, cs[k].name, m, mdape(v[k], (size_t)rounds, m));
                if (!strstr(cs[k].name, "ck_ht") && !lfht) continue;
                /* paired ratio of this anchor's time to llq_map (THP)'s, per round */
                for (round = 0; round < (size_t)rounds; round++) q[round] = v[k][round] / v[0][round];
                r = med(q, (size_t)rounds);
                if (replace) {
                    if (which == 0) g_map_lfht_replace[mix][th - 1] = r;
                } else {
                    g_map_ratio[which][mix][th - 1][lfht] = r;
                }
                llb_note(t, "llq_map (THP) %.2fx faster, paired", r);
            }
#if defined(LLB_HAVE_CK)
            llb_baseline(t, "ck_ht (direct mode; writers under a spinlock)");
#endif
            llb_print(t);
            llb_table_free(t);
        }
    for (k = 0; k < nc; k++) cs[k].destroy(maps[k]);
}
static void bench_maps(void) {
    if (g_only && !strstr(g_only, "map")) return;
    bench_maps_at(LLQB_MAP_KEYS, llb_quick() ? 200000 : 2000000, llb_quick() ? 3 : 5, 0);
    bench_maps_at(1024, llb_quick() ? 500000 : 4000000, llb_quick() ? 3 : 5, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* oversubscription: 8 producers + 8 consumers over one MPMC ring on every CPU (2 here)          */

#define OV_N 8
typedef struct ov_job {
    int kind; /* 0 llq waiting forms, 1 llq try forms + pause spin, 2 DPDK MP/MC + pause spin, 3 mutex+condvar,
                 4 llq waiting forms that only spin (what they did in 0.1) */
    void *q;
    uint64_t n; /* items per thread */
    uint64_t sum;
    volatile int *go;
    uint64_t moved; /* items this consumer took (fewer than n when the time limit stopped the run) */
} ov_job;
/* the spinning contenders (try forms, DPDK) can take a scheduler slice per item when a preempted thread
   holds the ring's order: their loops give up at this flag, which ov_run sets at the time limit */
static volatile int ov_stop;
static int ov_done;
typedef struct cvq {
    pthread_mutex_t mu;
    pthread_cond_t nonempty, nonfull;
    uint64_t head, tail;
    uint64_t buf[1024];
} cvq;
static void unpin(void) {
    cpu_set_t set;
    long i, n = sysconf(_SC_NPROCESSORS_ONLN);
    CPU_ZERO(&set);
    for (i = 0; i < n && i < CPU_SETSIZE; i++) CPU_SET((int)i, &set);
    sched_setaffinity(0, sizeof set, &set);
}
static void *ov_prod(void *p) {
    ov_job *j = (ov_job *)p;
    uint64_t i;
    unpin();
    while (!*j->go) sched_yield();
    for (i = 1; i <= j->n; i++) {
        switch (j->kind) {
        case 0:
        case 4: llq_mpmc_push_wait((llq_mpmc *)j->q, &i); break;
        case 1:
            while (!llq_mpmc_push((llq_mpmc *)j->q, &i))
                if (ov_stop) goto out;
                else LLQB_RELAX();
            break;
#if defined(LLB_HAVE_DPDK)
        case 2:
            while (rte_ring_mp_enqueue((struct rte_ring *)j->q, (void *)(uintptr_t)i) != 0)
                if (ov_stop) goto out;
                else LLQB_RELAX();
            break;
#endif
        default: {
            cvq *c = (cvq *)j->q;
            pthread_mutex_lock(&c->mu);
            while (c->head - c->tail == 1024) pthread_cond_wait(&c->nonfull, &c->mu);
            c->buf[c->head++ % 1024] = i;
            pthread_cond_signal(&c->nonempty);
            pthread_mutex_unlock(&c->mu);
        }
        }
    }
out:
    __atomic_fetch_add(&ov_done, 1, __ATOMIC_RELEASE);
    return NULL;
}
static void *ov_cons(void *p) {
    ov_job *j = (ov_job *)p;
    uint64_t i, v = 0, s = 0;
    unpin();
    while (!*j->go) sched_yield();
    for (i = 0; i < j->n; i++) {
        switch (j->kind) {
        case 0:
        case 4: llq_mpmc_pop_wait((llq_mpmc *)j->q, &v); break;
        case 1:
            while (!llq_mpmc_pop((llq_mpmc *)j->q, &v))
                if (ov_stop) goto out;
                else LLQB_RELAX();
            break;
#if defined(LLB_HAVE_DPDK)
        case 2:
            while (rte_ring_mc_dequeue((struct rte_ring *)j->q, (void **)&v) != 0)
                if (ov_stop) goto out;
                else LLQB_RELAX();
            break;
#endif
        default: {
            cvq *c = (cvq *)j->q;
            pthread_mutex_lock(&c->mu);
            while (c->head == c->tail) pthread_cond_wait(&c->nonempty, &c->mu);
            v = c->buf[c->tail++ % 1024];
            pthread_cond_signal(&c->nonfull);
            pthread_mutex_unlock(&c->mu);
        }
        }
        s += v;
    }
out:
    j->sum = s;
    j->moved = i;
    __atomic_fetch_add(&ov_done, 1, __ATOMIC_RELEASE);
    return NULL;
}
/* items/s for one kind; the spinning kinds stop at a time limit (a contender that cannot make progress
   under oversubscription would otherwise hold the machine): then the rate is what the consumers took by
   then, and *limited is set */
#define OV_LIMIT_NS 3000000000ull
static double ov_run(int kind, uint64_t per_thread, int *limited) {
    pthread_t t[2 * OV_N];
    ov_job j[2 * OV_N];
    volatile int go = 0;
    void *q;
    uint64_t t0, t1, total = 0, expect = 0, moved = 0;
    int k;
    if (kind == 4) llq_wait_tune(SIZE_MAX / 2, 0); /* spin, never yield or sleep */
    if (kind == 0 || kind == 1 || kind == 4) q = mk_mpmc(1024);
#if defined(LLB_HAVE_DPDK)
    else if (kind == 2) q = mk_rte_m(1024);
#endif
    else {
        cvq *c = (cvq *)amem(sizeof(cvq));
        pthread_mutex_init(&c->mu, NULL);
        pthread_cond_init(&c->nonempty, NULL);
        pthread_cond_init(&c->nonfull, NULL);
        q = c;
    }
    for (k = 0; k < 2 * OV_N; k++) {
        j[k].kind = kind;
        j[k].q = q;
        j[k].n = per_thread;
        j[k].sum = 0;
        j[k].go = &go;
        if (pthread_create(&t[k], NULL, k < OV_N ? ov_prod : ov_cons, &j[k]) != 0) abort();
    }
    ov_stop = 0;
    __atomic_store_n(&ov_done, 0, __ATOMIC_RELAXED);
    t0 = llqb_now_ns();
    go = 1;
    *limited = 0;
    while (__atomic_load_n(&ov_done, __ATOMIC_ACQUIRE) < 2 * OV_N) {
        struct timespec ts = {0, 200000};
        if ((kind == 1 || kind == 2) && llqb_now_ns() - t0 > OV_LIMIT_NS) {
            *limited = 1;
            ov_stop = 1;
            break;
        }
        nanosleep(&ts, NULL);
    }
    for (k = 0; k < 2 * OV_N; k++) pthread_join(t[k], NULL);
    t1 = llqb_now_ns();
    if (kind == 4) llq_wait_tune(LLQ_SPIN_COUNT, LLQ_YIELD_COUNT);
    for (k = OV_N; k < 2 * OV_N; k++) {
        total += j[k].sum;
        moved += j[k].moved;
    }
    expect = (uint64_t)OV_N * per_thread * (per_thread + 1) / 2;
    if (!*limited && total != expect) fprintf(stderr, "oversubscribed kind %d: checksum mismatch\n", kind);
    free(q);
    return (double)moved / ((double)(t1 - t0) / 1e9);
}

/* CPU time a push_wait blocked on a full ring with no consumer uses, between 10 ms and 110 ms after it
   started waiting, as a share of that wall time: read from /proc/self/task/TID/schedstat (the
   scheduler's ns of run time of that one thread) and from getrusage(RUSAGE_SELF) (user + system time
   of the whole process, whose other thread sleeps in nanosleep meanwhile) */
typedef struct cpu_job {
    llq_mpmc *q;
    volatile pid_t tid;
} cpu_job;
static void *cpu_pusher(void *p) {
    cpu_job *j = (cpu_job *)p;
    uint64_t v = 1;
    j->tid = (pid_t)syscall(SYS_gettid);
    llq_mpmc_push_wait(j->q, &v);
    return NULL;
}
static double task_run_ns(pid_t tid) { /* -1 where schedstat is not available */
    char path[64];
    unsigned long long run = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
    f = fopen(path, "r");
    if (!f) return -1;
    if (fscanf(f, "%llu", &run) != 1) run = 0;
    fclose(f);
    return (double)run;
}
static double rusage_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
}
static void ov_idle_cpu(double *by_proc, double *by_rusage) {
    llq_mpmc *q = (llq_mpmc *)mk_mpmc(2);
    cpu_job j;
    pthread_t t;
    struct timespec ts10 = {0, 10000000}, ts100 = {0, 100000000};
    uint64_t v = 0, w0, w1;
    double p0, p1, r0, r1;
    llq_mpmc_push(q, &v);
    llq_mpmc_push(q, &v);
    j.q = q;
    j.tid = 0;
    if (pthread_create(&t, NULL, cpu_pusher, &j) != 0) abort();
    while (!j.tid) sched_yield();
    nanosleep(&ts10, NULL);
    p0 = task_run_ns(j.tid);
    r0 = rusage_ns();
    w0 = llqb_now_ns();
    nanosleep(&ts100, NULL);
    p1 = task_run_ns(j.tid);
    r1 = rusage_ns();
    w1 = llqb_now_ns();
    *by_proc = p0 < 0 ? -1 : (p1 - p0) / (double)(w1 - w0);
    *by_rusage = (r1 - r0) / (double)(w1 - w0);
    llq_mpmc_pop(q, &v); /* wakes it */
    pthread_join(t, NULL);
    free(q);
}

static void bench_oversubscribed(void) {
    static const char *names[5] = {"llq_mpmc push_wait/pop_wait", "llq_mpmc try push/pop + pause spin",
                                   "DPDK rte_ring MP/MC + pause spin", "mutex + condvar ring",
                                   "llq_mpmc push_wait/pop_wait, spin only (0.1)"};
    double r[5][3];
    uint64_t per = llb_quick() ? 20000 : 100000;
    int kind, rep, lim[5] = {0, 0, 0, 0, 0}, l;
    llb_table *t;
    if (g_only && !strstr(g_only, "over")) return;
    t = llb_table_new("MPMC oversubscribed: 8 producers + 8 consumers on all CPUs, ring of 1024 (ns/item; median of 3; "
                      "vs mutex + condvar)");
    printf("\nwait method: %s; %ld CPUs\n", llq_wait_method(), sysconf(_SC_NPROCESSORS_ONLN));
    for (rep = 0; rep < 3; rep++)
        for (kind = 0; kind < 5; kind++) {
#if !defined(LLB_HAVE_DPDK)
            if (kind == 2) {
                r[kind][rep] = 0;
                continue;
            }
#endif
            /* the spinning contenders move far fewer items: give them a tenth */
            r[kind][rep] = ov_run(kind, kind == 4 ? per / 1000 : kind == 1 || kind == 2 ? per / 10 : per, &l);
            lim[kind] += l;
        }
    for (kind = 0; kind < 5; kind++) {
        double m = med(r[kind], 3);
        if (m == 0) continue;
        llb_add(t, names[kind], 1e9 / m, mdape(r[kind], 3, m));
        if (lim[kind])
            llb_note(t, "%.2f M items/s; stopped at the %.0f s limit in %d of 3 runs (rate: items taken by then)", m / 1e6,
                     OV_LIMIT_NS / 1e9, lim[kind]);
        else
            llb_note(t, "%.2f M items/s", m / 1e6);
    }
    llb_baseline(t, names[3]);
    llb_print(t);
    llb_table_free(t);
    {
        double c[3], u[3];
        for (rep = 0; rep < 3; rep++) ov_idle_cpu(&c[rep], &u[rep]);
        g_idle_cpu = c[0] < 0 ? med(u, 3) : med(c, 3);
        g_over_rate = med(r[0], 3);
        printf("push_wait on a full ring, no consumer, from 10 ms to 110 ms: %.2f %% of a CPU by the thread's "
               "/proc schedstat (%.2f / %.2f / %.2f %%), %.2f %% by getrusage of the process (%.2f / %.2f / %.2f %%)\n",
               100 * med(c, 3), 100 * c[0], 100 * c[1], 100 * c[2], 100 * med(u, 3), 100 * u[0], 100 * u[1],
               100 * u[2]);
    }
}

int main(void) {
    const llqb_impl *spsc[MAXC], *mpmc[MAXC], *rt_s[MAXC], *rt_m[MAXC], *lf[MAXC];
    size_t ns = 0, nm = 0, nrs = 0, nrm = 0, nlf = 0, nb = 0;
    const llqb_impl *burst[MAXC];
    result r_s[MAXC], r_b[MAXC], r_rs[MAXC], r_rm[MAXC], r_pair[MAXC], r_1p1c[MAXC], r_lf[MAXC];
    int have_boost = llqb_have_boost();
#if defined(LLB_HAVE_DPDK)
    const char *dpdk_s = impl_rte_s.name, *dpdk_m = impl_rte_m.name;
#else
    const char *dpdk_s = NULL, *dpdk_m = NULL;
#endif

    llb_print_cpu();
    g_only = getenv("LLQB_ONLY");
    if (getenv("LLQB_ROUNDS") && atoi(getenv("LLQB_ROUNDS")) > 0) { /* more, shorter rounds: same total */
        int r = atoi(getenv("LLQB_ROUNDS"));
        if (r > 60) r = 60;
        g_items = g_items * (uint64_t)g_rounds / (uint64_t)r;
        g_rts = g_rts * (uint64_t)g_rounds / (uint64_t)r;
        g_pairs = g_pairs * (uint64_t)g_rounds / (uint64_t)r;
        g_rounds = r;
    }
    if (llb_quick()) {
        g_rounds = 2;
        g_items /= 10;
        g_rts /= 10;
        g_pairs /= 10;
    }
    print_cpu();
    if (llb_pin_thread(0) != 0) printf("note: could not pin the main thread to core 0\n");
    calibrate_ticks();

    spsc[ns++] = &impl_llq_spsc;
    spsc[ns++] = &impl_llq_typed;
    spsc[ns++] = &llqb_llq_spsc_stats;
    burst[nb++] = &impl_llq_spsc;
    burst[nb++] = &impl_llq_typed;
    burst[nb++] = &llqb_llq_spsc_stats;
    burst[nb++] = &impl_iring;
    rt_s[nrs++] = &impl_line;
    rt_s[nrs++] = &impl_line2;
    rt_s[nrs++] = &impl_llq_spsc;
    rt_m[nrm++] = &impl_line;
    rt_m[nrm++] = &impl_line2;
    rt_m[nrm++] = &impl_llq_mpmc;
    rt_m[nrm++] = &impl_llq_mpmc_wait;
    mpmc[nm++] = &impl_llq_mpmc;
    mpmc[nm++] = &impl_llq_mpmc_wait;
    mpmc[nm++] = &llqb_llq_mpmc_stats;
    lf[nlf++] = &impl_llq_stack;
    lf[nlf++] = &impl_llq_msq;
#if defined(LLB_HAVE_DPDK)
    spsc[ns++] = &impl_rte_s;
    burst[nb++] = &impl_rte_s;
    rt_s[nrs++] = &impl_rte_s;
    rt_m[nrm++] = &impl_rte_m;
    mpmc[nm++] = &impl_rte_m;
#else
    printf("skipped: DPDK rte_ring not installed\n");
#endif
#if defined(LLB_HAVE_CK)
    spsc[ns++] = &impl_ck_s;
    rt_s[nrs++] = &impl_ck_s;
    rt_m[nrm++] = &impl_ck_m;
    mpmc[nm++] = &impl_ck_m;
#else
    printf("skipped: ck_ring not installed\n");
#endif
    if (have_boost) {
        spsc[ns++] = &llqb_boost_spsc;
        burst[nb++] = &llqb_boost_spsc;
        rt_s[nrs++] = &llqb_boost_spsc;
        rt_m[nrm++] = &llqb_boost_queue;
        mpmc[nm++] = &llqb_boost_queue;
        lf[nlf++] = &llqb_boost_queue;
        lf[nlf++] = &llqb_boost_stack;
    } else {
        printf("skipped: boost::lockfree not installed\n");
    }
    spsc[ns++] = &impl_mutex;
    rt_s[nrs++] = &impl_mutex;
    mpmc[nm++] = &impl_mutex;

    printf("\nllq.h benchmarks: 8-byte items, rings of %d, threads pinned to cores 0 and 1, %d rounds "
           "(order rotated), medians. TSC %.3f ns/tick.\n\n",
           CAP, g_rounds, g_tick_ns);

    bench(K_TPUT, "SPSC single-item throughput (ns/item; relative to DPDK SP/SC)", spsc, ns, dpdk_s, r_s, "tput");
    bench(K_BURST, "SPSC burst-32 throughput (ns/item; relative to DPDK SP/SC)", burst, nb, dpdk_s, r_b, "burst");
    bench(K_RT, "SPSC ping-pong round trip (ns; two rings; relative to DPDK SP/SC)", rt_s, nrs, dpdk_s, r_rs, "rts");
    bench(K_RT, "MPMC ping-pong round trip (ns; two queues; relative to DPDK MP/MC)", rt_m, nrm, dpdk_m, r_rm, "rtm");
    bench(K_PAIR, "MPMC push-then-pop on both threads (ns per pair; relative to DPDK MP/MC)", mpmc, nm, dpdk_m,
          r_pair, "pair");
    bench(K_TPUT, "MPMC one producer / one consumer throughput (ns/item; relative to DPDK MP/MC)", mpmc, nm,
          dpdk_m, r_1p1c, "1p1c");
    bench(K_PAIR, "Unbounded lock-free, push-then-pop on both threads (ns per pair; relative to boost queue)", lf,
          nlf, have_boost ? llqb_boost_queue.name : NULL, r_lf, "lf");

    bench_oversubscribed();
    bench_rcu();
    bench_maps();

    printf("\n### Targets (issues 4, 18 and 19; ratios are medians of per-round paired ratios)\n\n");
#if defined(LLB_HAVE_URCU)
    if (g_rcu_ratio[0][0] > 0) {
        target("RCU read section, llq ASYM / liburcu memb inlined, no writer", g_rcu_ratio[0][0], 0, 0.8);
        target("RCU read section, llq ASYM / liburcu memb inlined, writer back to back", g_rcu_ratio[1][0], 0, 0.8);
        target("RCU read section, llq ASYM / liburcu memb inlined, writer every 10 us", g_rcu_ratio[2][0], 0, 0.8);
        target("RCU read section, llq QSBR / liburcu QSBR inlined, no writer", g_rcu_ratio[0][1], 0, 1.2);
        target("RCU read section, llq QSBR / liburcu QSBR inlined, writer back to back", g_rcu_ratio[1][1], 0, 1.2);
        target("RCU read section, llq QSBR / liburcu QSBR inlined, writer every 10 us", g_rcu_ratio[2][1], 0, 1.2);
    }
#endif
    {
        static const char *mixes[2] = {"90/10", "50/50"};
        int mx, tt;
        for (mx = 0; mx < 2; mx++)
            for (tt = 0; tt < 2; tt++) {
                char what[160];
                if (g_map_ratio[0][mx][tt][0] > 0) {
                    snprintf(what, sizeof what, "hash map 1M keys %s, %d thread%s: ck_ht time / llq_map time",
                             mixes[mx], tt + 1, tt ? "s" : "");
                    target(what, g_map_ratio[0][mx][tt][0], 1, 1.5);
                }
                if (g_map_ratio[0][mx][tt][1] > 0) {
                    snprintf(what, sizeof what, "hash map 1M keys %s, %d thread%s: cds_lfht (in-place) time / llq_map time",
                             mixes[mx], tt + 1, tt ? "s" : "");
                    target(what, g_map_ratio[0][mx][tt][1], 1, 5.0);
                }
                if (g_map_lfht_replace[mx][tt] > 0) {
                    snprintf(what, sizeof what,
                             "hash map 1M keys %s, %d thread%s: cds_lfht (replace + call_rcu) time / llq_map time",
                             mixes[mx], tt + 1, tt ? "s" : "");
                    target(what, g_map_lfht_replace[mx][tt], 1, 5.0);
                }
            }
    }
    if (g_over_rate >= 0) {
        printf("- MPMC 8P+8C oversubscribed, waiting forms: %.2f M items/s (target >= 1.00 M/s) %s\n",
               g_over_rate / 1e6, g_over_rate >= 1e6 ? "MET" : "MISSED");
        printf("- push_wait on a full ring, CPU after 10 ms: %.2f %% (target < 5 %%) %s\n", 100 * g_idle_cpu,
               g_idle_cpu < 0.05 ? "MET" : "MISSED");
    }
#if defined(LLB_HAVE_DPDK)
    target("SPSC single-item throughput vs DPDK SP/SC", paired(r_s, ns, &impl_rte_s, &impl_llq_spsc, 1), 1, 1.5);
    target("SPSC single-item throughput vs DPDK SP/SC, typed", paired(r_s, ns, &impl_rte_s, &impl_llq_typed, 1), 1,
           1.5);
    target("SPSC burst-32 throughput vs DPDK SP/SC", paired(r_b, nb, &impl_rte_s, &impl_llq_spsc, 1), 1, 1.5);
    target("SPSC burst-32 throughput vs DPDK SP/SC, typed", paired(r_b, nb, &impl_rte_s, &impl_llq_typed, 1), 1, 1.5);
    target("bound: SPSC burst-32, inline index ring (no API) vs DPDK SP/SC (informational)",
           paired(r_b, nb, &impl_rte_s, &impl_iring, 1), 1, 1.5);
    target("SPSC round trip / DPDK SP/SC round trip", paired(r_rs, nrs, &impl_rte_s, &impl_llq_spsc, 0), 0, 0.7);
    target("MPMC round trip / DPDK MP/MC round trip", paired(r_rm, nrm, &impl_rte_m, &impl_llq_mpmc, 0), 0, 0.65);
    target("MPMC push-then-pop vs DPDK MP/MC (push_wait/pop_wait)",
           paired(r_pair, nm, &impl_rte_m, &impl_llq_mpmc_wait, 1), 1, 1.2);
    target("MPMC push-then-pop vs DPDK MP/MC (try push/pop, informational)",
           paired(r_pair, nm, &impl_rte_m, &impl_llq_mpmc, 1), 1, 1.2);
    target("MPMC 1P/1C throughput vs DPDK MP/MC (try push/pop)", paired(r_1p1c, nm, &impl_rte_m, &impl_llq_mpmc, 1),
           1, 10.0);
    target("MPMC 1P/1C throughput vs DPDK MP/MC (push_wait/pop_wait)",
           paired(r_1p1c, nm, &impl_rte_m, &impl_llq_mpmc_wait, 1), 1, 10.0);
    /* what a ring with no atomic read-modify-write at all (llq_spsc, single items) reaches against the
       same DPDK figure: an MPMC queue claims each slot with a locked instruction, so it cannot beat it */
    target("bound: DPDK MP/MC 1P/1C time / llq_spsc single-item time (informational)",
           ns_of(r_1p1c, nm, &impl_rte_m) / ns_of(r_s, ns, &impl_llq_spsc), 1, 10.0);
#endif
    target("cost of LLQ_STATS: SPSC single-item time with / without (informational)",
           paired(r_s, ns, &impl_llq_spsc, &llqb_llq_spsc_stats, 0), 0, 1.1);
    target("cost of LLQ_STATS: SPSC burst-32 time with / without (informational)",
           paired(r_b, nb, &impl_llq_spsc, &llqb_llq_spsc_stats, 0), 0, 1.1);
    target("cost of LLQ_STATS: MPMC 1P/1C time with / without (informational)",
           paired(r_1p1c, nm, &impl_llq_mpmc, &llqb_llq_mpmc_stats, 0), 0, 1.1);
    target("SPSC round trip / bare cache-line round trip", paired(r_rs, nrs, &impl_line, &impl_llq_spsc, 0), 0, 1.5);
    target("SPSC round trip / two-line round trip (informational)", paired(r_rs, nrs, &impl_line2, &impl_llq_spsc, 0),
           0, 1.5);
    target("SPSC round-trip p99 / median", p99_of(r_rs, nrs, &impl_llq_spsc) / ns_of(r_rs, nrs, &impl_llq_spsc), 0,
           1.35);
    target("bare cache line's own round-trip p99 / median (floor, informational)",
           p99_of(r_rs, nrs, &impl_line) / ns_of(r_rs, nrs, &impl_line), 0, 1.35);
    if (have_boost) {
        target("Treiber stack + EBR vs boost::lockfree::queue", paired(r_lf, nlf, &llqb_boost_queue, &impl_llq_stack, 1),
               1, 1.5);
        target("MS queue + EBR vs boost::lockfree::queue", paired(r_lf, nlf, &llqb_boost_queue, &impl_llq_msq, 1), 1,
               1.5);
    }
    free_res(r_s, ns);
    free_res(r_b, nb);
    free_res(r_rs, nrs);
    free_res(r_rm, nrm);
    free_res(r_pair, nm);
    free_res(r_1p1c, nm);
    free_res(r_lf, nlf);
    return 0;
}
