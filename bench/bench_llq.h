/* bench/bench_llq.h - shared between bench_llq.c and bench_llq_boost.cpp: the job description and a
   macro that turns one contender's push/pop expressions into the benchmark roles, so every contender
   runs exactly the same loops with its own operations inlined. */
#ifndef BENCH_LLQ_H
#define BENCH_LLQ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llqb_job {
    void *q, *q2;      /* q: forward queue; q2: the way back (ping-pong) */
    uint64_t n;        /* items (or round trips, or push+pop pairs) */
    uint64_t window;   /* items per timed window */
    uint64_t *win_ns;  /* out: elapsed ns per window (n / window entries) */
    uint64_t *rt;      /* out: ping-pong round trips, in TSC ticks (n entries) */
    volatile int *go;  /* both threads start when *go becomes 1 */
    uint64_t sum;      /* out: checksum of what was received */
    uint64_t *prog;    /* push-then-pop: this thread's progress, published every 256 pairs */
    const uint64_t *peer; /* push-then-pop, timing thread: the other thread's progress */
} llqb_job;

typedef void (*llqb_role)(llqb_job *j);

typedef struct llqb_impl {
    const char *name;
    void *(*make)(size_t capacity);
    void (*destroy)(void *q);
    llqb_role prod, cons;   /* single-item throughput */
    llqb_role bprod, bcons; /* burst-32 throughput (NULL: no burst API) */
    llqb_role ping, pong;   /* round trip */
    llqb_role pair;         /* push then pop, on both threads */
} llqb_impl;

uint64_t llqb_now_ns(void);

#define LLQB_BURST 32

#if defined(__x86_64__)
#define LLQB_RELAX() __builtin_ia32_pause()
#define LLQB_TICKS() __builtin_ia32_rdtsc()
#else
#define LLQB_RELAX() __asm__ __volatile__("" ::: "memory")
#define LLQB_TICKS() llqb_now_ns()
#endif

/* round-trip spin (pause: spinning without it is 5x slower on this VM) */
#define LLQB_SPIN() LLQB_RELAX()

static inline void llqb_wait_go(llqb_job *j) {
    while (!__atomic_load_n(j->go, __ATOMIC_ACQUIRE)) LLQB_RELAX();
}

/* push-then-pop measures two threads working at once: a window in which the other thread made less
   than half a window of progress (its vCPU was descheduled, or it had finished) measured one thread
   alone and is recorded as 0, which the driver leaves out */
static inline void llqb_progress(llqb_job *j, uint64_t i) {
    if (j->prog && (i & 255) == 0) __atomic_store_n(j->prog, i, __ATOMIC_RELAXED);
}
static inline uint64_t llqb_window(llqb_job *j, uint64_t ns, uint64_t *peer_last) {
    uint64_t p;
    if (!j->peer) return ns;
    p = __atomic_load_n(j->peer, __ATOMIC_RELAXED);
    ns = p - *peer_last >= j->window / 2 ? ns : 0;
    *peer_last = p;
    return ns;
}

/* QT: queue pointer type. PUSH(q, v) / POP(q, pv): bool expressions on uint64_t v / uint64_t *pv.
   PUSHN(q, p, n) / POPN(q, p, n): burst, return count (use LLQB_NO_BURST for none). */
#define LLQB_ROLES(id, QT, PUSH, POP)                                                               \
    static void id##_prod(llqb_job *j) {                                                           \
        QT q = (QT)j->q;                                                                           \
        uint64_t i;                                                                                \
        llqb_wait_go(j);                                                                           \
        for (i = 1; i <= j->n; i++)                                                                \
            while (!(PUSH(q, i))) LLQB_RELAX();                                                    \
    }                                                                                              \
    static void id##_cons(llqb_job *j) {                                                           \
        QT q = (QT)j->q;                                                                           \
        uint64_t i, v = 0, sum = 0, t0, k = 0;                                                     \
        llqb_wait_go(j);                                                                           \
        t0 = llqb_now_ns();                                                                        \
        for (i = 1; i <= j->n; i++) {                                                              \
            while (!(POP(q, &v))) LLQB_RELAX();                                                    \
            sum += v;                                                                              \
            if (i % j->window == 0) {                                                              \
                uint64_t t = llqb_now_ns();                                                        \
                j->win_ns[k++] = t - t0;                                                           \
                t0 = t;                                                                            \
            }                                                                                      \
        }                                                                                          \
        j->sum = sum;                                                                              \
    }                                                                                              \
    static void id##_ping(llqb_job *j) {                                                           \
        QT q = (QT)j->q;                                                                           \
        QT q2 = (QT)j->q2;                                                                         \
        uint64_t i, v = 0;                                                                         \
        llqb_wait_go(j);                                                                           \
        for (i = 1; i <= j->n; i++) {                                                              \
            uint64_t t0 = LLQB_TICKS();                                                            \
            while (!(PUSH(q, i))) LLQB_SPIN();                                                    \
            while (!(POP(q2, &v))) LLQB_SPIN();                                                   \
            j->rt[i - 1] = LLQB_TICKS() - t0;                                                      \
            j->sum += v;                                                                           \
        }                                                                                          \
    }                                                                                              \
    static void id##_pong(llqb_job *j) {                                                           \
        QT q = (QT)j->q;                                                                           \
        QT q2 = (QT)j->q2;                                                                         \
        uint64_t i, v = 0;                                                                         \
        llqb_wait_go(j);                                                                           \
        for (i = 1; i <= j->n; i++) {                                                              \
            while (!(POP(q, &v))) LLQB_SPIN();                                                    \
            while (!(PUSH(q2, v))) LLQB_SPIN();                                                   \
        }                                                                                          \
    }                                                                                              \
    static void id##_pair(llqb_job *j) {                                                           \
        QT q = (QT)j->q;                                                                           \
        uint64_t i, v = 0, sum = 0, t0, k = 0, pl = 0;                                             \
        llqb_wait_go(j);                                                                           \
        t0 = llqb_now_ns();                                                                        \
        for (i = 1; i <= j->n; i++) {                                                              \
            while (!(PUSH(q, i))) LLQB_RELAX();                                                    \
            while (!(POP(q, &v))) LLQB_RELAX();                                                    \
            sum += v;                                                                              \
            llqb_progress(j, i);                                                                   \
            if (j->win_ns && i % j->window == 0) {                                                 \
                uint64_t t = llqb_now_ns();                                                        \
                j->win_ns[k++] = llqb_window(j, t - t0, &pl);                                      \
                t0 = t;                                                                            \
            }                                                                                      \
        }                                                                                          \
        j->sum = sum;                                                                              \
    }

#define LLQB_BURST_ROLES(id, QT, PUSHN, POPN)                                                      \
    static void id##_bprod(llqb_job *j) {                                                          \
        QT q = (QT)j->q;                                                                           \
        uint64_t buf[LLQB_BURST], i = 1, k;                                                        \
        llqb_wait_go(j);                                                                           \
        while (i <= j->n) {                                                                        \
            uint64_t m = j->n - i + 1 < LLQB_BURST ? j->n - i + 1 : LLQB_BURST;                    \
            for (k = 0; k < m; k++) buf[k] = i + k;                                                \
            k = (uint64_t)(PUSHN(q, buf, m));                                                      \
            if (!k) LLQB_RELAX();                                                                  \
            while (k < m) { /* keep the rest of this burst */                                      \
                uint64_t r = (uint64_t)(PUSHN(q, buf + k, m - k));                                 \
                if (!r) LLQB_RELAX();                                                              \
                k += r;                                                                            \
            }                                                                                      \
            i += m;                                                                                \
        }                                                                                          \
    }                                                                                              \
    static void id##_bcons(llqb_job *j) {                                                          \
        QT q = (QT)j->q;                                                                           \
        uint64_t buf[LLQB_BURST], i = 0, k, sum = 0, t0, w = 0, nextw = j->window;                 \
        llqb_wait_go(j);                                                                           \
        t0 = llqb_now_ns();                                                                        \
        while (i < j->n) {                                                                         \
            uint64_t got = (uint64_t)(POPN(q, buf, LLQB_BURST));                                   \
            if (!got) {                                                                            \
                LLQB_RELAX();                                                                      \
                continue;                                                                          \
            }                                                                                      \
            for (k = 0; k < got; k++) sum += buf[k];                                               \
            i += got;                                                                              \
            if (i >= nextw) {                                                                      \
                uint64_t t = llqb_now_ns();                                                        \
                j->win_ns[w++] = t - t0;                                                           \
                t0 = t;                                                                            \
                nextw += j->window;                                                                \
            }                                                                                      \
        }                                                                                          \
        j->sum = sum;                                                                              \
    }

/* RCU read sections: a reader runs n sections (ns per section out); a writer replaces the object and
   waits for a grace period in a loop until *stop */
typedef struct llqb_rjob {
    uint64_t n;
    volatile int *go, *stop;
    double ns;
    uint64_t sum, writes;
    uint64_t period_ns; /* writer: one grace period per period_ns (0: back to back) */
} llqb_rjob;
/* writer pacing: after grace period number `done` (from 1), wait until start + done * period */
static inline void llqb_pace(uint64_t (*now)(void), uint64_t start, uint64_t done, uint64_t period_ns) {
    if (period_ns)
        while (now() - start < done * period_ns) LLQB_RELAX();
}
#define LLQB_QS_EVERY 1024 /* QSBR readers announce a quiescent state every this many sections */
void llqb_urcu_memb_setup(void);
void llqb_urcu_memb_reader(llqb_rjob *j);
void llqb_urcu_memb_writer(llqb_rjob *j);
void llqb_urcu_qsbr_setup(void);
void llqb_urcu_qsbr_reader(llqb_rjob *j);
void llqb_urcu_qsbr_writer(llqb_rjob *j);

/* hash maps: nkeys keys llqb_key(0..nkeys-1) pre-inserted; each thread runs n operations on random keys,
   read_pct of them lookups, the rest updates of an existing key's value */
#define LLQB_MAP_KEYS (1u << 20)
static inline uint64_t llqb_mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}
static inline uint64_t llqb_key(uint64_t i) { return llqb_mix(i + 12345) | 8; } /* never 0, 1 or 2 */
static inline uint64_t llqb_rand(uint64_t *s) { /* xorshift64* */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}
typedef struct llqb_mjob {
    void *map;
    uint64_t n, seed, nkeys;
    unsigned read_pct;
    volatile int *go;
    double ns; /* out: ns per operation on this thread */
    uint64_t sum, misses;
} llqb_mjob;
void *llqb_lfht_make(uint64_t nkeys);
void llqb_lfht_run(llqb_mjob *j);
void llqb_lfht_run_replace(llqb_mjob *j);
void llqb_lfht_free(void *map);

extern const llqb_impl llqb_boost_spsc, llqb_boost_queue, llqb_boost_stack;
int llqb_have_boost(void);

#ifdef __cplusplus
}
#endif
#endif
