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
    F(register_thread)();
#if defined(LLQB_URCU_QSBR)
    F(thread_offline)();
#endif
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
    while (!__atomic_load_n(j->stop, __ATOMIC_ACQUIRE)) {
        obj *n = (obj *)calloc(1, sizeof(obj)), *old;
        n->v = 1;
        old = rcu_xchg_pointer(&gp, n);
        F(synchronize_rcu)();
        free(old);
        j->writes++;
    }
#if defined(LLQB_URCU_QSBR)
    F(thread_online)();
#endif
    F(unregister_thread)();
}
