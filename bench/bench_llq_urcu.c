/* bench/bench_llq_urcu.c - the liburcu anchors of bench_llq.c: read sections with and without a writer,
   and (memb build) the cds_lfht hash table. Built twice: -DLLQB_URCU_MEMB (the memory-barrier flavour,
   which uses sys_membarrier when the kernel has it) and -DLLQB_URCU_QSBR, each with -D_LGPL_SOURCE so
   that the read side is inlined as a user of the library's static API would have it. */
#include "bench_llq.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#if defined(LLQB_URCU_MEMB)
#include <urcu/urcu-memb.h>
#include <urcu/rculfhash.h>
#define F(x) urcu_memb_##x
#define LLQB_F(x) llqb_urcu_memb_##x
#elif defined(LLQB_URCU_QSBR)
#include <urcu/urcu-qsbr.h>
#define F(x) urcu_qsbr_##x
#define LLQB_F(x) llqb_urcu_qsbr_##x
#else
#error "define LLQB_URCU_MEMB or LLQB_URCU_QSBR"
#endif

typedef struct obj {
    uint64_t v;
    uint64_t pad[7];
} obj;
static obj *gp;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void LLQB_F(setup)(void) {
    obj *o = (obj *)calloc(1, sizeof(obj));
    o->v = 1;
    rcu_set_pointer(&gp, o);
}

/* j->n read sections: lock, dereference, read a field, unlock (QSBR: a quiescent state every
   LLQB_QS_EVERY sections, as the llq QSBR reader does) */
void LLQB_F(reader)(llqb_rjob *j) {
    uint64_t i, s = 0, t0, t1, n = j->n;
    F(register_thread)();
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        obj *p;
        F(read_lock)();
        p = rcu_dereference(gp);
        s += p->v;
        F(read_unlock)();
#if defined(LLQB_URCU_QSBR)
        if ((i & (LLQB_QS_EVERY - 1)) == 0) F(quiescent_state)();
#endif
    }
    t1 = now_ns();
    j->ns = (double)(t1 - t0) / (double)j->n;
    j->sum = s;
    F(unregister_thread)();
}

/* until *stop: publish a new object, wait for a grace period, free the old one */
void LLQB_F(writer)(llqb_rjob *j) {
    uint64_t start;
    F(register_thread)();
#if defined(LLQB_URCU_QSBR)
    F(thread_offline)();
#endif
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    start = now_ns();
    while (!__atomic_load_n(j->stop, __ATOMIC_ACQUIRE)) {
        obj *n = (obj *)calloc(1, sizeof(obj)), *old;
        n->v = 1;
        old = rcu_xchg_pointer(&gp, n);
        F(synchronize_rcu)();
        free(old);
        j->writes++;
        llqb_pace(now_ns, start, j->writes, j->period_ns);
    }
#if defined(LLQB_URCU_QSBR)
    F(thread_online)();
#endif
    F(unregister_thread)();
}

#if defined(LLQB_URCU_MEMB)
/* ---- cds_lfht: nodes of 64-bit key and value; lookups in read-side sections; an update looks the
   node up and stores the new value in place (atomic 64-bit store: the cheapest update it allows) ---- */
typedef struct lnode {
    uint64_t key, value;
    struct cds_lfht_node n;
    struct rcu_head rh;
} lnode;
static void lnode_free(struct rcu_head *h) { free(caa_container_of(h, lnode, rh)); }
static int lmatch(struct cds_lfht_node *n, const void *key) {
    return caa_container_of(n, lnode, n)->key == *(const uint64_t *)key;
}
void *llqb_lfht_make(uint64_t nkeys) {
    struct cds_lfht *ht = cds_lfht_new_flavor(nkeys, nkeys, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
                                              &urcu_memb_flavor, NULL);
    uint64_t i;
    F(register_thread)();
    for (i = 0; i < nkeys; i++) {
        lnode *n = (lnode *)malloc(sizeof(lnode));
        n->key = llqb_key(i);
        n->value = i;
        cds_lfht_node_init(&n->n);
        F(read_lock)();
        cds_lfht_add(ht, (unsigned long)llqb_mix(n->key), &n->n);
        F(read_unlock)();
    }
    F(unregister_thread)();
    return ht;
}
void llqb_lfht_run(llqb_mjob *j) {
    struct cds_lfht *ht = (struct cds_lfht *)j->map;
    uint64_t i, s = j->seed, sum = 0, miss = 0, t0, t1, n = j->n, nk = j->nkeys;
    unsigned pct = j->read_pct;
    F(register_thread)();
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        uint64_t r = llqb_rand(&s), key = llqb_key((r >> 32) * nk >> 32);
        struct cds_lfht_iter it;
        struct cds_lfht_node *nd;
        F(read_lock)();
        cds_lfht_lookup(ht, (unsigned long)llqb_mix(key), lmatch, &key, &it);
        nd = cds_lfht_iter_get_node(&it);
        if (!nd) miss++;
        else if ((r & 127) * 100 < pct * 128u) sum += __atomic_load_n(&caa_container_of(nd, lnode, n)->value, __ATOMIC_RELAXED);
        else __atomic_store_n(&caa_container_of(nd, lnode, n)->value, r, __ATOMIC_RELAXED);
        F(read_unlock)();
    }
    t1 = now_ns();
    j->ns = (double)(t1 - t0) / (double)n;
    j->sum = sum;
    j->misses = miss;
    F(unregister_thread)();
}
/* the same loop, but an update is what a table of values that are not one word needs: a new node
   replaces the old one (cds_lfht_replace), which is freed after a grace period (call_rcu) */
void llqb_lfht_run_replace(llqb_mjob *j) {
    struct cds_lfht *ht = (struct cds_lfht *)j->map;
    uint64_t i, s = j->seed, sum = 0, miss = 0, t0, t1, n = j->n, nk = j->nkeys;
    unsigned pct = j->read_pct;
    F(register_thread)();
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        uint64_t r = llqb_rand(&s), key = llqb_key((r >> 32) * nk >> 32);
        unsigned long hash = (unsigned long)llqb_mix(key);
        struct cds_lfht_iter it;
        struct cds_lfht_node *nd;
        if ((r & 127) * 100 < pct * 128u) {
            F(read_lock)();
            cds_lfht_lookup(ht, hash, lmatch, &key, &it);
            nd = cds_lfht_iter_get_node(&it);
            if (!nd) miss++;
            else sum += caa_container_of(nd, lnode, n)->value;
            F(read_unlock)();
        } else {
            lnode *fresh = (lnode *)malloc(sizeof(lnode));
            fresh->key = key;
            fresh->value = r;
            cds_lfht_node_init(&fresh->n);
            for (;;) { /* the node found may be replaced by the other thread first: look again */
                F(read_lock)();
                cds_lfht_lookup(ht, hash, lmatch, &key, &it);
                nd = cds_lfht_iter_get_node(&it);
                if (!nd) {
                    F(read_unlock)();
                    free(fresh);
                    miss++;
                    break;
                }
                if (cds_lfht_replace(ht, &it, hash, lmatch, &key, &fresh->n) == 0) {
                    F(read_unlock)();
                    F(call_rcu)(&caa_container_of(nd, lnode, n)->rh, lnode_free);
                    break;
                }
                F(read_unlock)();
            }
        }
    }
    t1 = now_ns();
    j->ns = (double)(t1 - t0) / (double)n;
    j->sum = sum;
    j->misses = miss;
    F(unregister_thread)();
}
void llqb_lfht_free(void *map) {
    struct cds_lfht *ht = (struct cds_lfht *)map;
    struct cds_lfht_iter it;
    struct cds_lfht_node *nd;
    F(register_thread)();
    F(read_lock)();
    cds_lfht_first(ht, &it);
    while ((nd = cds_lfht_iter_get_node(&it)) != NULL) {
        cds_lfht_del(ht, nd);
        cds_lfht_next(ht, &it);
    }
    F(read_unlock)();
    F(synchronize_rcu)();
    /* the nodes are leaked on purpose: freeing 1M nodes one by one is not what is measured */
    F(unregister_thread)();
    cds_lfht_destroy(ht, NULL);
}
#endif
