/* bench/bench_llstat.c - llstat.h against its anchors, in one run:
     - recording one latency sample (single thread, hot) vs a plain counter increment (the floor) and vs
       HdrHistogram's published recording algorithm written here (index, count, total count, min, max);
     - one timestamp: llstat_now() vs clock_gettime(CLOCK_MONOTONIC) through the vDSO vs raw rdtsc,
       rdtscp and lfence;rdtsc;
     - recording from two threads on two CPUs: per-thread histograms (merged on read) vs one shared
       histogram with the atomic forms; and what a reader pays (merge, percentile).
   Run: make bench BENCH=stat   (or build/bench_llstat) */
#define LLSTAT_IMPLEMENTATION
#include "llstat.h"
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_RDTSC 1
#endif

#define NSAMPLES 1024 /* a log-normal set of latencies, 8 KiB: stays in L1 */
#define HOUR_NS 3600000000000ull

/* ---- HdrHistogram's recording algorithm, as published (counts_index_for + record_value) ---- */
typedef struct hdr_ref {
    int64_t lowest, highest;
    int32_t unit_magnitude, sub_bucket_half_count_magnitude, sub_bucket_count, sub_bucket_half_count;
    int64_t sub_bucket_mask;
    int32_t counts_len;
    int64_t total_count, min_value, max_value;
    int64_t *counts;
} hdr_ref;

static int hdr_ref_init(hdr_ref *h, int64_t lowest, int64_t highest, int digits) {
    int64_t largest = 2, smallest_untrackable;
    int32_t mag = 0, buckets = 1, i;
    for (i = 0; i < digits; i++) largest *= 10;
    while (((int64_t)1 << mag) < largest) mag++;
    memset(h, 0, sizeof *h);
    h->lowest = lowest;
    h->highest = highest;
    h->unit_magnitude = 63 - __builtin_clzll((unsigned long long)lowest);
    h->sub_bucket_half_count_magnitude = (mag > 1 ? mag : 1) - 1;
    h->sub_bucket_count = 1 << (h->sub_bucket_half_count_magnitude + 1);
    h->sub_bucket_half_count = h->sub_bucket_count / 2;
    h->sub_bucket_mask = ((int64_t)h->sub_bucket_count - 1) << h->unit_magnitude;
    smallest_untrackable = (int64_t)h->sub_bucket_count << h->unit_magnitude;
    while (smallest_untrackable <= highest) {
        if (smallest_untrackable > INT64_MAX / 2) { buckets++; break; }
        smallest_untrackable <<= 1;
        buckets++;
    }
    h->counts_len = (buckets + 1) * (h->sub_bucket_count / 2);
    h->min_value = INT64_MAX;
    h->counts = (int64_t *)calloc((size_t)h->counts_len, sizeof(int64_t));
    return h->counts ? 0 : -1;
}
static inline int32_t hdr_ref_index(const hdr_ref *h, int64_t value) {
    int32_t pow2ceiling = 64 - __builtin_clzll((unsigned long long)(value | h->sub_bucket_mask));
    int32_t bucket_index = pow2ceiling - h->unit_magnitude - (h->sub_bucket_half_count_magnitude + 1);
    int32_t sub_bucket_index = (int32_t)(value >> (bucket_index + h->unit_magnitude));
    int32_t bucket_base_index = (bucket_index + 1) << h->sub_bucket_half_count_magnitude;
    return bucket_base_index + (sub_bucket_index - h->sub_bucket_half_count);
}
static inline int hdr_ref_record(hdr_ref *h, int64_t value) {
    int32_t idx;
    if (value < 0) return 0;
    idx = hdr_ref_index(h, value);
    if (idx < 0 || idx >= h->counts_len) return 0;
    h->counts[idx]++;
    h->total_count++;
    if (value < h->min_value && value != 0) h->min_value = value;
    if (value > h->max_value) h->max_value = value;
    return 1;
}

/* ---- single-thread rows ---- */
typedef struct ctx {
    uint64_t samples[NSAMPLES];
    llstat_hist *h, *h2;
    hdr_ref ref;
    volatile uint64_t plain;
    uint64_t plain_sum, plain_counts[1024]; /* the two-counter row's own memory, not the histogram's */
    llstat_counter counter;
    uint64_t acc;
} ctx;

/* the sample in a register: every row loads its sample (llb_do_not_optimize's "g" would let the
   compiler hand the asm a memory operand and skip the load) */
#define USE_REG(v) __asm__ volatile("" : : "r"(v))

/* The floor: the same loop and the same sample load as the record rows, and one increment of a counter
   in memory (volatile: a load, an add and a store every iteration, never kept in a register). */
static void r_plain(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        uint64_t v = c->samples[i & (NSAMPLES - 1)];
        USE_REG(v);
        c->plain++;
    }
}
/* What any histogram record does before it finds its bucket: one counter in memory incremented at an
   index taken from the sample (here v & 1023, no arithmetic) and the sample added to a sum in memory -
   two load-add-store sequences where the floor has one. llstat's index arithmetic is the rest. */
static void r_two_counters(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    volatile uint64_t *counts = c->plain_counts, *sum = &c->plain_sum;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        uint64_t v = c->samples[i & (NSAMPLES - 1)];
        counts[v & 1023]++;
        *sum += v;
    }
}
static void r_counter(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        uint64_t v = c->samples[i & (NSAMPLES - 1)];
        USE_REG(v);
        llstat_counter_add(&c->counter, 1);
    }
}
static void r_record(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    llstat_hist *h = c->h;
    uint64_t i;
    for (i = 0; i < iters; i++) llstat_hist_record(h, c->samples[i & (NSAMPLES - 1)]);
}
/* the histogram's pointer passes through an asm each iteration: every record reads its fields again, as
   one record per message does when the compiler cannot keep them in registers between messages */
static void r_record_reload(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    llstat_hist *h = c->h;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        __asm__ volatile("" : "+r"(h));
        llstat_hist_record(h, c->samples[i & (NSAMPLES - 1)]);
    }
}
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool record_call(llstat_hist *h, uint64_t v) {
    return llstat_hist_record(h, v);
}
static void r_record_call(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    llstat_hist *h = c->h;
    uint64_t i;
    for (i = 0; i < iters; i++) record_call(h, c->samples[i & (NSAMPLES - 1)]);
}
static void r_record_local(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    llstat_hist *h = c->h;
    uint64_t i;
    for (i = 0; i < iters; i++) llstat_hist_record_local(h, c->samples[i & (NSAMPLES - 1)]);
}
static void r_record_n(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    llstat_hist *h = c->h;
    uint64_t i;
    for (i = 0; i < iters; i++) llstat_hist_record_n(h, c->samples[i & (NSAMPLES - 1)], 1);
}
static void r_record_atomic(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    llstat_hist *h = c->h;
    uint64_t i;
    for (i = 0; i < iters; i++) llstat_hist_record_atomic(h, c->samples[i & (NSAMPLES - 1)]);
}
static void r_hdr_ref(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    hdr_ref *h = &c->ref;
    uint64_t i;
    for (i = 0; i < iters; i++) hdr_ref_record(h, (int64_t)c->samples[i & (NSAMPLES - 1)]);
}
static void r_time_and_record(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    llstat_hist *h = c->h;
    uint64_t i, prev = llstat_now();
    for (i = 0; i < iters; i++) {
        uint64_t t = llstat_now();
        llstat_hist_record(h, llstat_ticks_to_ns(t - prev));
        prev = t;
    }
}
static void r_merge(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    for (i = 0; i < iters; i++) llstat_hist_merge(c->h2, c->h);
}
static void r_percentile(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    for (i = 0; i < iters; i++) c->acc += llstat_hist_percentile(c->h, 99.9);
}

/* one core cycle: 100 dependent register adds per iteration (x86-64), to read the rows in cycles */
#if defined(__x86_64__)
#define HAVE_CYCLE_ROW 1
static void r_cycle(void *vc, uint64_t iters) {
    uint64_t i, x = 0;
    (void)vc;
    for (i = 0; i < iters; i++) __asm__ volatile(".rept 100\n\taddq $1, %0\n\t.endr" : "+r"(x));
    USE_REG(x);
}
#endif

/* ---- clock rows: back-to-back timestamps ---- */
#define CLOCK_ROW(name, expr)                                                                              \
    static void name(void *vc, uint64_t iters) {                                                           \
        ctx *c = (ctx *)vc;                                                                                \
        uint64_t i, t = 0;                                                                                 \
        for (i = 0; i < iters; i++) {                                                                      \
            t += (expr);                                                                                   \
            llb_do_not_optimize(t);                                                                        \
        }                                                                                                  \
        c->acc += t;                                                                                       \
    }
static uint64_t mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
CLOCK_ROW(c_gettime, mono())
CLOCK_ROW(c_now, llstat_now())
CLOCK_ROW(c_now_fenced, llstat_now_fenced())
CLOCK_ROW(c_now_ns, llstat_now_ns())
#ifdef HAVE_RDTSC
static uint64_t rdtscp_(void) {
    unsigned aux;
    return __rdtscp(&aux);
}
static uint64_t lfence_rdtsc(void) {
    _mm_lfence();
    return __rdtsc();
}
CLOCK_ROW(c_rdtsc, __rdtsc())
CLOCK_ROW(c_rdtscp, rdtscp_())
CLOCK_ROW(c_lfence_rdtsc, lfence_rdtsc())
#endif

/* ---- two threads on two CPUs ---- */
typedef struct mt {
    llstat_hist *own, *shared;
    const uint64_t *samples;
    uint64_t n;
    int cpu, mode; /* 0: own histogram, record; 1: shared, record_atomic; 2: own, record_atomic */
    pthread_barrier_t *bar;
    uint64_t ns;
} mt;

static void *mt_run(void *arg) {
    mt *m = (mt *)arg;
    uint64_t i, t0;
    llb_pin_thread(m->cpu);
    pthread_barrier_wait(m->bar);
    t0 = llb_now_ns();
    if (m->mode == 0)
        for (i = 0; i < m->n; i++) llstat_hist_record(m->own, m->samples[i & (NSAMPLES - 1)]);
    else if (m->mode == 1)
        for (i = 0; i < m->n; i++) llstat_hist_record_atomic(m->shared, m->samples[i & (NSAMPLES - 1)]);
    else
        for (i = 0; i < m->n; i++) llstat_hist_record_atomic(m->own, m->samples[i & (NSAMPLES - 1)]);
    m->ns = llb_now_ns() - t0;
    return NULL;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ns per record per thread, median of 7 runs of two threads */
static double mt_measure(ctx *c, int mode, int cpus, double *err) {
    double v[7];
    int r, k;
    uint64_t n = llb_quick() ? 2000000 : 20000000;
    llstat_hist *own[2], *shared = c->h2;
    own[0] = c->h; /* mode 1 records into shared only */
    own[1] = c->h2;
    for (r = 0; r < 7; r++) {
        pthread_t t[2];
        mt m[2];
        pthread_barrier_t bar;
        pthread_barrier_init(&bar, NULL, (unsigned)cpus);
        for (k = 0; k < cpus; k++) {
            m[k].own = own[k];
            m[k].shared = shared;
            m[k].samples = c->samples;
            m[k].n = n;
            m[k].cpu = k;
            m[k].mode = mode;
            m[k].bar = &bar;
            pthread_create(&t[k], NULL, mt_run, &m[k]);
        }
        v[r] = 0;
        for (k = 0; k < cpus; k++) {
            pthread_join(t[k], NULL);
            v[r] += (double)m[k].ns / (double)n / cpus;
        }
        pthread_barrier_destroy(&bar);
    }
    qsort(v, 7, sizeof v[0], cmp_d);
    *err = llb_mdape(v, 7, v[3]);
    return v[3];
}

/* a / b measured alternately, pair by pair, so that both runs of a pair see the same machine (on a VM the
   core's other hardware thread may belong to another guest: one row alone moves by 2-3x from one minute to
   the next). Each run lasts ~5 ms; the order alternates; the result is the median of the pairs' ratios and
   *q1, *q3 their quartiles. */
static double paired_ratio(ctx *c, llb_fn a, llb_fn b, double b_ns, double *q1, double *q3) {
    return llb_paired(a, b, c, b_ns, llb_quick() ? 5 : 31, q1, q3);
}

static void clock_line(void) {
    printf("llstat clock: %s (%s), %.4f GHz\n\n", llstat_clock_name(), llstat_clock_reason(), llstat_clock_hz() / 1e9);
}

int main(int argc, char **argv) {
    ctx *c = (ctx *)calloc(1, sizeof *c);
    size_t bytes = llstat_hist_memsize(1, HOUR_NS, 3);
    uint64_t x = 88172645463325252ull;
    int i;
    const char *filter = argc > 1 ? argv[1] : NULL;
    llb_table *t;
    double err, rec, local, floor_ns, now_ns, gt_ns, two, cnt;
    llb_print_cpu();
    if (!c) return 1;
    llstat_clock_init(LLSTAT_CLOCK_AUTO);
    c->h = (llstat_hist *)aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    c->h2 = (llstat_hist *)aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    if (!c->h || !c->h2 || llstat_hist_init(c->h, bytes, 1, HOUR_NS, 3) || llstat_hist_init(c->h2, bytes, 1, HOUR_NS, 3) ||
        hdr_ref_init(&c->ref, 1, (int64_t)HOUR_NS, 3))
        return 1;
    for (i = 0; i < NSAMPLES; i++) { /* log-normal around 2 us */
        double u1, u2;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        u1 = ((double)(x >> 11) + 0.5) / 9007199254740992.0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        u2 = ((double)(x >> 11) + 0.5) / 9007199254740992.0;
        c->samples[i] = (uint64_t)exp(log(2000.0) + 0.8 * sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2)) + 1;
    }
    /* the bench's HdrHistogram and llstat put every sample in the same bucket */
    for (i = 0; i < NSAMPLES; i++)
        if ((uint32_t)hdr_ref_index(&c->ref, (int64_t)c->samples[i]) != llstat_hist_index(c->h, c->samples[i])) {
            fprintf(stderr, "bench_llstat: the reference algorithm disagrees with llstat at %llu\n",
                    (unsigned long long)c->samples[i]);
            return 1;
        }
    clock_line();

    if (!filter || strstr("record", filter)) {
        double ratio, q1, q3, ratio_local, q1l, q3l;
        t = llb_table_new("llstat: record one latency sample (single thread, hot, 1024 log-normal samples)");
        floor_ns = llb_run(t, "plain counter increment (volatile uint64_t++) - floor", r_plain, c);
        cnt = llb_run(t, "llstat_counter_add", r_counter, c);
        two = llb_run(t, "bucket increment (index v & 1023) + sum add: two volatile counters, no index arithmetic", r_two_counters, c);
        rec = llb_run(t, "llstat_hist_record", r_record, c);
        llb_run(t, "llstat_hist_record_n (n = 1)", r_record_n, c);
        local = llb_run(t, "llstat_hist_record_local (no concurrent reader)", r_record_local, c);
        llb_run(t, "llstat_hist_record, fields read again every call", r_record_reload, c);
        llb_run(t, "llstat_hist_record through a call (not inlined)", r_record_call, c);
        llb_run(t, "HdrHistogram's algorithm (index, count, total, min, max)", r_hdr_ref, c);
        llb_run(t, "llstat_hist_record_atomic (uncontended)", r_record_atomic, c);
        llb_run(t, "llstat_now + llstat_ticks_to_ns + llstat_hist_record", r_time_and_record, c);
        llb_print(t);
        ratio = paired_ratio(c, r_record, r_plain, floor_ns, &q1, &q3);
        ratio_local = paired_ratio(c, r_record_local, r_plain, floor_ns, &q1l, &q3l);
        printf("record: %.2f ns median, %.2fx the counter floor; record_local: %.2f ns, %.2fx (targets: <= 2 ns, "
               "<= 1.5x)\n", rec, rec / floor_ns, local, local / floor_ns);
        printf("record / floor, runs alternated in pairs: %.2fx (quartiles %.2f-%.2f); record_local / floor: "
               "%.2fx (%.2f-%.2f)\n", ratio, q1, q3, ratio_local, q1l, q3l);
        /* On Zen 3 one increment of a counter in memory costs either ~1.4-2.2 cycles (the core forwards the
           store to the next load by renaming) or ~4.5 cycles (through the store queue), from process to
           process with the same binary: the faster of the two counter rows is the floor that holds */
        printf("against the faster counter row (%.2f ns): record %.2fx, record_local %.2fx\n", cnt < floor_ns ? cnt : floor_ns,
               rec / (cnt < floor_ns ? cnt : floor_ns), local / (cnt < floor_ns ? cnt : floor_ns));
        printf("a bucket increment and a sum add with no index arithmetic: %.2fx the floor; llstat_hist_record: %.2fx "
               "that\n", two / floor_ns, rec / two);
#ifdef HAVE_CYCLE_ROW
        {
            llb_table *ct = llb_table_new("one core cycle");
            double cycle = llb_run(ct, "100 dependent adds", r_cycle, c) / 100.0;
            printf("core clock: %.2f GHz (100 dependent adds); in cycles: floor %.2f, record %.2f, record_local %.2f\n",
                   1.0 / cycle, floor_ns / cycle, rec / cycle, local / cycle);
            llb_table_free(ct);
        }
#endif
        printf("\n");
        llb_table_free(t);
    }
    if (!filter || strstr("clock", filter)) {
        t = llb_table_new("llstat: one timestamp (back to back)");
        gt_ns = llb_run(t, "clock_gettime(CLOCK_MONOTONIC) (vDSO) - anchor", c_gettime, c);
#ifdef HAVE_RDTSC
        llb_run(t, "rdtsc (raw)", c_rdtsc, c);
        llb_run(t, "rdtscp (raw)", c_rdtscp, c);
        llb_run(t, "lfence; rdtsc (raw)", c_lfence_rdtsc, c);
#endif
        now_ns = llb_run(t, "llstat_now", c_now, c);
        llb_run(t, "llstat_now_fenced", c_now_fenced, c);
        llb_run(t, "llstat_now_ns", c_now_ns, c);
        llstat_clock_init(LLSTAT_CLOCK_MONOTONIC);
        llb_run(t, "llstat_now, fallback forced (clock_gettime)", c_now, c);
        llstat_clock_init(LLSTAT_CLOCK_AUTO);
        llb_print(t);
        printf("llstat_now (%s): %.2fx clock_gettime(CLOCK_MONOTONIC) (target: <= 0.6x)\n\n", llstat_clock_name(),
               now_ns / gt_ns);
        llb_table_free(t);
    }
    if (!filter || strstr("threads", filter)) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        t = llb_table_new("llstat: recording from two threads on two CPUs (ns per record per thread)");
        {
            static const char *names[] = {"1 thread, own histogram, llstat_hist_record",
                                          "2 threads, own histograms, llstat_hist_record",
                                          "2 threads, own histograms, llstat_hist_record_atomic",
                                          "2 threads, one shared histogram, llstat_hist_record_atomic"};
            static const int modes[] = {0, 0, 2, 1}, threads[] = {1, 2, 2, 2};
            for (i = 0; i < 4; i++) {
                double ns;
                if (threads[i] > ncpu) {
                    printf("skipped: %s (1 CPU)\n", names[i]);
                    continue;
                }
                ns = mt_measure(c, modes[i], threads[i], &err);
                llb_add(t, names[i], ns, err);
            }
        }
        llb_print(t);
        llb_table_free(t);
        t = llb_table_new("llstat: what a reader pays (1 h range, 3 digits: 33 792 buckets)");
        llb_run(t, "llstat_hist_merge", r_merge, c);
        llb_run(t, "llstat_hist_percentile(99.9)", r_percentile, c);
        llb_print(t);
        llb_table_free(t);
    }
    free(c->ref.counts);
    free(c->h);
    free(c->h2);
    printf("(checksum %llu)\n", (unsigned long long)(c->acc + c->plain + llstat_counter_read(&c->counter)) % 1000);
    free(c);
    return 0;
}
