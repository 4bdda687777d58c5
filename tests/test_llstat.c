/* tests/test_llstat.c - llstat.h: histogram layout against an exhaustive model and HdrHistogram's
   known values, percentiles against the exact sorted samples and against hdr-histogram-js (node) on
   1M samples of three distributions, merges of per-thread histograms under concurrency (run under
   ThreadSanitizer by make check), counters and rates, and the clock: the selection rule, the forced
   fallback and counter paths, first use from many threads, calibration over 1 s and monotonicity across
   CPU migration. */
#define LLSTAT_IMPLEMENTATION
#include "llstat.h"
#include "lltest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if !defined(_WIN32)
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#define TEST_THREADS 1
#endif

/* ---- helpers ---- */

static llstat_hist *hist_new(uint64_t lowest, uint64_t highest, uint32_t digits) {
    size_t bytes = llstat_hist_memsize(lowest, highest, digits);
    llstat_hist *h;
    if (bytes == 0) return NULL;
    h = (llstat_hist *)malloc(bytes);
    if (h && llstat_hist_init(h, bytes, lowest, highest, digits) != LLSTAT_OK) {
        free(h);
        return NULL;
    }
    return h;
}

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rng(void) { /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rng_unit(void) { return ((double)(rng() >> 11) + 0.5) / 9007199254740992.0; }
static double rng_normal(void) { /* Box-Muller */
    return sqrt(-2.0 * log(rng_unit())) * cos(6.283185307179586 * rng_unit());
}

enum { DIST_UNIFORM, DIST_LOGNORMAL, DIST_BIMODAL };
static const char *dist_name[] = {"uniform", "lognormal", "bimodal"};
/* latencies in ns: uniform 100..100000; log-normal around 2 us; bimodal ~1 us with a 1 % tail at 1000x */
static void gen(int dist, uint64_t *v, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        double x;
        switch (dist) {
        case DIST_UNIFORM: x = (double)(100 + rng() % 99901); break;
        case DIST_LOGNORMAL: x = exp(log(2000.0) + 0.8 * rng_normal()); break;
        default:
            x = (rng() % 100 == 0) ? 1000000.0 + 100000.0 * rng_normal() : 1000.0 + 100.0 * rng_normal();
            break;
        }
        v[i] = x < 1.0 ? 1 : (uint64_t)(x + 0.5);
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* HdrHistogram's rank for a percentile: ceil(p/100 * n - ulp), at least 1 */
static uint64_t hdr_rank(double pct, uint64_t n) {
    double fp = pct / 100.0 * (double)n;
    uint64_t r;
    if (fp > 0) fp -= nextafter(fp, INFINITY) - fp;
    r = (uint64_t)ceil(fp);
    return r < 1 ? 1 : r;
}

static double pow10i(uint32_t d) {
    double r = 1;
    while (d--) r *= 10;
    return r;
}

static const double PCTS[] = {0, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 99.9999, 100};
#define NPCTS (sizeof PCTS / sizeof PCTS[0])

/* ---- library identity and errors ---- */

static void version_and_errors(void) {
    LLT_EQ_STR(llstat_version(), LLSTAT_VERSION_STRING);
    LLT_EQ_STR(llstat_strerror(LLSTAT_OK), "success");
    LLT_CHECK(strstr(llstat_strerror(LLSTAT_ENOBUFS), "small") != NULL);
    LLT_EQ_STR(llstat_strerror(-9999), "unknown error");
    LLT_EQ_I64(LLSTAT_EINVAL, -22);
    LLT_EQ_I64(LLSTAT_EOPNOTSUPP, -95);
}

/* ---- histogram: setup and bad input ---- */

static void hist_bad_input(void) {
    uint64_t mem[1024];
    llstat_hist *h = (llstat_hist *)(void *)mem;
    size_t need = llstat_hist_memsize(1, 1000, 2);
    LLT_REQUIRE(need > 0 && need <= sizeof mem);
    LLT_EQ_I64(llstat_hist_init(NULL, need, 1, 1000, 2), LLSTAT_EINVAL);
    LLT_EQ_I64(llstat_hist_init((llstat_hist *)(void *)((char *)mem + 4), need, 1, 1000, 2), LLSTAT_EFAULT);
    LLT_EQ_I64(llstat_hist_init(h, need - 1, 1, 1000, 2), LLSTAT_ENOBUFS);
    LLT_EQ_I64(llstat_hist_init(h, 0, 1, 1000, 2), LLSTAT_ENOBUFS);
    LLT_EQ_I64(llstat_hist_init(h, need, 0, 1000, 2), LLSTAT_ERANGE);     /* lowest < 1 */
    LLT_EQ_I64(llstat_hist_init(h, need, 600, 1000, 2), LLSTAT_ERANGE);   /* highest < 2 * lowest */
    LLT_EQ_I64(llstat_hist_init(h, need, 1, 1000, 6), LLSTAT_ERANGE);     /* digits > 5 */
    LLT_EQ_I64(llstat_hist_init(h, need, (uint64_t)1 << 60, UINT64_MAX, 3), LLSTAT_ERANGE); /* > 64 bits */
    LLT_EQ_U64(llstat_hist_memsize(0, 1000, 2), 0);
    LLT_EQ_U64(llstat_hist_memsize(600, 1000, 2), 0);
    LLT_EQ_U64(llstat_hist_memsize(1, 1000, 6), 0);
    LLT_EQ_U64(llstat_hist_memsize((uint64_t)1 << 60, UINT64_MAX, 3), 0);
    /* memory init never ran on: every reader answers "empty", writers refuse */
    memset(mem, 0, sizeof mem);
    LLT_EQ_U64(llstat_hist_count(h), 0);
    LLT_EQ_U64(llstat_hist_percentile(h, 50), 0);
    LLT_EQ_U64(llstat_hist_max(h), 0);
    LLT_EQ_U64(llstat_hist_min(h), 0);
    LLT_CHECK(llstat_hist_mean(h) == 0.0 && llstat_hist_stddev(h) == 0.0);
    LLT_EQ_I64(llstat_hist_merge(h, h), LLSTAT_EINVAL);
    LLT_EQ_I64(llstat_hist_merge(NULL, NULL), LLSTAT_EINVAL);
    llstat_hist_reset(h);
    llstat_hist_reset(NULL);
    {
        llstat_hist_iter it;
        llstat_hist_pctl pc;
        llstat_hist_iter_init(&it, h);
        LLT_CHECK(!llstat_hist_iter_next(&it));
        llstat_hist_pctl_init(&pc, h, 5);
        LLT_CHECK(!llstat_hist_pctl_next(&pc));
        LLT_CHECK(!llstat_hist_iter_next(NULL) && !llstat_hist_pctl_next(NULL));
    }
    LLT_EQ_I64(llstat_hist_print(h, stdout, 5, 1.0, false), LLSTAT_EINVAL);
    LLT_EQ_I64(llstat_hist_init(h, need, 1, 1000, 2), LLSTAT_OK);
    LLT_EQ_I64(llstat_hist_print(h, NULL, 5, 1.0, false), LLSTAT_EINVAL);
    LLT_EQ_I64(llstat_hist_print(h, stdout, 0, 1.0, false), LLSTAT_EINVAL);
    LLT_EQ_I64(llstat_hist_print(h, stdout, 5, 0.0, false), LLSTAT_EINVAL);
    LLT_EQ_I64(llstat_hist_merge(h, NULL), LLSTAT_EINVAL);
}

/* HdrHistogram's layout for its usual configurations (facts of its published algorithm) */
static void hist_layout_known(void) {
    llstat_hist *h = hist_new(1, 3600000000000ull, 3); /* 1 ns .. 1 hour, 3 digits */
    LLT_REQUIRE(h);
    LLT_EQ_U64(2u << h->half_magnitude, 2048);     /* sub-bucket count */
    LLT_EQ_U64(h->bucket_count, 32);
    LLT_EQ_U64(h->counts_len, 33 * 1024);
    LLT_EQ_U64(llstat_hist_memsize(1, 3600000000000ull, 3), 128 + 33 * 1024 * 8);
    LLT_EQ_U64(sizeof(llstat_hist), 128);
    LLT_EQ_U64(h->top_value, ((uint64_t)2048 << 31) - 1);
    /* 10007 sits in 8192..16383 (width 8): 10000..10007 */
    LLT_EQ_U64(llstat_hist_lowest_equivalent(h, 10007), 10000);
    LLT_EQ_U64(llstat_hist_highest_equivalent(h, 10007), 10007);
    LLT_EQ_U64(llstat_hist_highest_equivalent(h, 2047), 2047); /* unit resolution up to 2048 */
    LLT_EQ_U64(llstat_hist_highest_equivalent(h, 2048), 2049);
    LLT_EQ_U64(llstat_hist_index(h, 2047), 2047);
    LLT_EQ_U64(llstat_hist_index(h, 2048), 2048);
    LLT_EQ_U64(llstat_hist_index(h, 4096), 3072);
    free(h);
    /* digits 2: 256 sub-buckets; lowest 1000 -> unit 2^9 */
    h = hist_new(1000, 10000000, 2);
    LLT_REQUIRE(h);
    LLT_EQ_U64(h->unit_magnitude, 9);
    LLT_EQ_U64(2u << h->half_magnitude, 256);
    LLT_EQ_U64(llstat_hist_lowest_equivalent(h, 1000), 512);
    LLT_EQ_U64(llstat_hist_highest_equivalent(h, 1000), 1023);
    free(h);
    /* the whole 64-bit range */
    h = hist_new(1, UINT64_MAX, 2);
    LLT_REQUIRE(h);
    LLT_EQ_U64(h->top_value, UINT64_MAX);
    LLT_EQ_U64(llstat_hist_index(h, UINT64_MAX), h->counts_len - 1);
    LLT_CHECK(llstat_hist_record(h, UINT64_MAX));
    LLT_EQ_U64(llstat_hist_max(h), UINT64_MAX);
    LLT_EQ_U64(llstat_hist_overflow(h), 0);
    free(h);
}

/* every value of the low range, every configuration: indices contiguous, bucket bounds consistent,
   width within the configured precision */
static void hist_layout_model(void) {
    static const uint64_t lowests[] = {1, 1000, (uint64_t)1 << 20};
    uint32_t d, li;
    for (d = 0; d <= 5; d++) {
        for (li = 0; li < 3; li++) {
            uint64_t lowest = lowests[li], v, limit, prev_idx = 0, bad = 0;
            llstat_hist *h = hist_new(lowest, UINT64_MAX / 4, d);
            double precision = 1.0 / pow10i(d);
            LLT_REQUIRE(h);
            limit = (uint64_t)1 << 22;
            for (v = 0; v <= limit && bad < 5; v++) {
                uint64_t idx = llstat_hist_index(h, v), lo = llstat_hist_lowest_equivalent(h, v);
                uint64_t hi = llstat_hist_highest_equivalent(h, v), width = hi - lo + 1;
                if (v > 0 && idx != prev_idx && idx != prev_idx + 1) bad++;
                if (llstat_hist_value_at_index(h, (uint32_t)idx) != lo || lo > v || v > hi) bad++;
                if (width > ((uint64_t)1 << h->unit_magnitude) && (double)width > precision * (double)lo) bad++;
                prev_idx = idx;
            }
            /* random values over the whole range */
            for (v = 0; v < 200000 && bad < 5; v++) {
                uint64_t x = rng() >> (rng() % 64), idx;
                if (x > h->top_value) continue;
                idx = llstat_hist_index(h, x);
                if (idx >= h->counts_len || llstat_hist_value_at_index(h, (uint32_t)idx) != llstat_hist_lowest_equivalent(h, x) ||
                    llstat_hist_highest_equivalent(h, x) < x)
                    bad++;
            }
            LLT_CHECKF(bad == 0, "digits %u lowest %llu: %llu inconsistencies", d, (unsigned long long)lowest,
                       (unsigned long long)bad);
            LLT_EQ_U64(llstat_hist_index(h, h->top_value), h->counts_len - 1);
            free(h);
        }
    }
}

static void hist_record_basic(void) {
    llstat_hist *h = hist_new(1, 3600000000000ull, 3);
    uint64_t v;
    LLT_REQUIRE(h);
    for (v = 1; v <= 10000; v++) LLT_CHECK(llstat_hist_record(h, v));
    LLT_EQ_U64(llstat_hist_count(h), 10000);
    LLT_EQ_U64(llstat_hist_sum(h), 50005000);
    LLT_CHECK(llstat_hist_mean(h) == 5000.5);
    LLT_EQ_U64(llstat_hist_min(h), 1);
    LLT_EQ_U64(llstat_hist_max(h), 10007);
    LLT_EQ_U64(llstat_hist_percentile(h, 0), 1);
    LLT_EQ_U64(llstat_hist_percentile(h, 50), 5003); /* rank 5000: 5000..5003 */
    LLT_EQ_U64(llstat_hist_percentile(h, 100), 10007);
    LLT_EQ_U64(llstat_hist_percentile(h, 250), 10007); /* clamped to 100 */
    LLT_EQ_U64(llstat_hist_percentile(h, -3), 1);
    LLT_EQ_U64(llstat_hist_percentile(h, NAN), 1);
    /* 1..10000 uniform: sigma = sqrt((n^2-1)/12) = 2886.75, bucket midpoints move it little */
    LLT_CHECKF(fabs(llstat_hist_stddev(h) - 2886.75) < 3.0, "stddev %f", llstat_hist_stddev(h));
    LLT_CHECK(llstat_hist_record_n(h, 7, 5));
    LLT_EQ_U64(llstat_hist_count(h), 10005);
    LLT_EQ_U64(llstat_hist_sum(h), 50005035);
    LLT_CHECK(llstat_hist_record(h, 0));
    LLT_EQ_U64(llstat_hist_min(h), 0);
    LLT_CHECK(llstat_hist_record_n(h, 9, 0)); /* zero samples: nothing changes */
    LLT_EQ_U64(llstat_hist_count(h), 10006);
    LLT_CHECK(llstat_hist_record_atomic(h, 3) && llstat_hist_record_n_atomic(h, 4, 2));
    LLT_CHECK(llstat_hist_record_local(h, 5));
    LLT_EQ_U64(llstat_hist_count(h), 10010);
    LLT_EQ_U64(llstat_hist_sum(h), 50005035 + 3 + 8 + 5);
    llstat_hist_reset(h);
    LLT_EQ_U64(llstat_hist_count(h), 0);
    LLT_EQ_U64(llstat_hist_sum(h), 0);
    LLT_EQ_U64(llstat_hist_percentile(h, 99), 0);
    LLT_CHECK(llstat_hist_mean(h) == 0.0);
    free(h);
}

/* values above the range: counted in the last bucket and in overflow, sum exact, record says false */
static void hist_overflow(void) {
    llstat_hist *h = hist_new(1, 1000, 2);
    LLT_REQUIRE(h);
    LLT_EQ_U64(h->top_value, 1023);
    LLT_CHECK(llstat_hist_record(h, 1023));
    LLT_CHECK(!llstat_hist_record(h, 5000));
    LLT_CHECK(!llstat_hist_record_n(h, 1u << 30, 3));
    LLT_CHECK(!llstat_hist_record_atomic(h, 1024));
    LLT_CHECK(!llstat_hist_record_local(h, 2000) && llstat_hist_record_local(h, 1000));
    LLT_EQ_U64(llstat_hist_overflow(h), 6);
    LLT_EQ_U64(llstat_hist_count(h), 8);
    LLT_EQ_U64(llstat_hist_sum(h), 1023 + 5000 + 3 * ((uint64_t)1 << 30) + 1024 + 3000);
    LLT_EQ_U64(llstat_hist_max(h), 1023);
    LLT_EQ_U64(llstat_hist_percentile(h, 100), 1023);
    llstat_hist_reset(h);
    LLT_EQ_U64(llstat_hist_overflow(h), 0);
    free(h);
}

/* HdrHistogram's counts_index_for as published (bucket, then sub-bucket), written out independently of
   llstat's folded formula: the reference the record forms are checked against */
static uint64_t hdr_counts_index(const llstat_hist *h, uint64_t v) {
    uint32_t half = h->half_magnitude, unit = h->unit_magnitude;
    uint64_t mask = (((uint64_t)2 << half) - 1) << unit;
    uint32_t pow2ceiling = 64u - (uint32_t)__builtin_clzll(v | mask);
    uint32_t bucket = pow2ceiling - unit - (half + 1u);
    uint64_t sub = v >> (bucket + unit);
    return ((uint64_t)(bucket + 1u) << half) + sub - ((uint64_t)1 << half);
}

/* every record form counts v in HdrHistogram's slot, or (above top_value) in the last slot and the
   overflow count, adds v * n to the sum, touches no other counter and says whether v was in range:
   digits 0..5, lowest from 1 to 2^40, ranges that overflow early and the whole 64-bit range, on edge
   values (0, powers of two and their neighbours, top_value and above) and random ones */
static void hist_record_slot(void) {
    static const uint64_t lowests[] = {1, 3, 1000, (uint64_t)1 << 20, (uint64_t)1 << 40};
    static const uint64_t highests[] = {0, 100000, UINT64_MAX / 4, UINT64_MAX}; /* 0: 2 * lowest */
    uint32_t d, li, hi, form, bad = 0;
    for (d = 0; d <= 5; d++)
        for (li = 0; li < sizeof lowests / sizeof lowests[0]; li++)
            for (hi = 0; hi < sizeof highests / sizeof highests[0]; hi++) {
                uint64_t lowest = lowests[li], highest = highests[hi] ? highests[hi] : 2 * lowest;
                uint64_t values[400], *counts;
                size_t nv = 0, k;
                llstat_hist *h;
                if (highest < 2 * lowest || llstat_hist_memsize(lowest, highest, d) == 0) continue;
                h = hist_new(lowest, highest, d);
                LLT_REQUIRE(h);
                counts = llstat_hist_counts(h);
                values[nv++] = 0;
                values[nv++] = UINT64_MAX;
                values[nv++] = h->top_value;
                if (h->top_value < UINT64_MAX) values[nv++] = h->top_value + 1;
                for (k = 0; k < 64; k++) {
                    values[nv++] = (uint64_t)1 << k;
                    values[nv++] = ((uint64_t)1 << k) - 1;
                    values[nv++] = ((uint64_t)1 << k) + 1;
                }
                while (nv < sizeof values / sizeof values[0]) values[nv++] = rng() >> (rng() % 64);
                for (k = 0; k < nv && bad < 5; k++) {
                    uint64_t v = values[k], in_range = v <= h->top_value;
                    uint64_t slot = in_range ? hdr_counts_index(h, v) : h->counts_len - 1;
                    if (in_range && llstat_hist_index(h, v) != slot) bad++;
                    for (form = 0; form < 5; form++) {
                        uint64_t n = form == 1 || form == 4 ? 3 : 1, sum = llstat_hist_sum(h);
                        bool r;
                        switch (form) {
                        case 0: r = llstat_hist_record(h, v); break;
                        case 1: r = llstat_hist_record_n(h, v, n); break;
                        case 2: r = llstat_hist_record_local(h, v); break;
                        case 3: r = llstat_hist_record_atomic(h, v); break;
                        default: r = llstat_hist_record_n_atomic(h, v, n); break;
                        }
                        if ((uint64_t)r != in_range || counts[slot] != n || llstat_hist_sum(h) != sum + v * n ||
                            llstat_hist_overflow(h) != (in_range ? 0 : n)) {
                            if (bad++ < 5)
                                LLT_CHECKF(0, "digits %u lowest %llu highest %llu value %llu form %u: returned %d, "
                                        "slot %llu holds %llu",
                                        d, (unsigned long long)lowest, (unsigned long long)highest,
                                        (unsigned long long)v, form, (int)r, (unsigned long long)slot,
                                        (unsigned long long)counts[slot]);
                        }
                        counts[slot] = 0;
                        h->overflow = 0;
                    }
                }
                /* nothing was counted anywhere else */
                if (llstat_hist_count(h) != 0) bad++;
                free(h);
            }
    LLT_CHECKF(bad == 0, "%u record forms disagreed with HdrHistogram's index", bad);
}

/* percentiles against the sorted samples: exactly HdrHistogram's definition, within the precision */
static void hist_percentiles_exact(void) {
    size_t n = (size_t)llt_scaled(1000000, 20000), i;
    uint64_t *v = (uint64_t *)malloc(n * sizeof *v);
    int dist;
    uint32_t d;
    LLT_REQUIRE(v);
    for (dist = 0; dist < 3; dist++) {
        gen(dist, v, n);
        for (d = 1; d <= 4; d++) {
            llstat_hist *h = hist_new(1, 3600000000000ull, d);
            uint64_t sum = 0;
            double precision = 1.0 / pow10i(d);
            LLT_REQUIRE(h);
            for (i = 0; i < n; i++) {
                llstat_hist_record(h, v[i]);
                sum += v[i];
            }
            if (d == 1) qsort(v, n, sizeof *v, cmp_u64);
            LLT_EQ_U64(llstat_hist_count(h), n);
            LLT_EQ_U64(llstat_hist_sum(h), sum);
            for (i = 0; i < NPCTS; i++) {
                uint64_t truth = v[hdr_rank(PCTS[i], n) - 1], got = llstat_hist_percentile(h, PCTS[i]);
                uint64_t want = PCTS[i] == 0 ? llstat_hist_lowest_equivalent(h, truth)
                                             : llstat_hist_highest_equivalent(h, truth);
                LLT_CHECKF(got == want, "%s digits %u p%g: %llu, want %llu", dist_name[dist], d, PCTS[i],
                           (unsigned long long)got, (unsigned long long)want);
                LLT_CHECKF(fabs((double)got - (double)truth) <= precision * (double)truth, "%s digits %u p%g: %llu vs sample %llu",
                           dist_name[dist], d, PCTS[i], (unsigned long long)got, (unsigned long long)truth);
            }
            LLT_EQ_U64(llstat_hist_min(h), llstat_hist_lowest_equivalent(h, v[0]));
            LLT_EQ_U64(llstat_hist_max(h), llstat_hist_highest_equivalent(h, v[n - 1]));
            free(h);
        }
    }
    free(v);
}

static void hist_merge_layouts(void) {
    size_t n = 200000, i;
    uint64_t *v = (uint64_t *)malloc(n * sizeof *v), sum = 0;
    llstat_hist *a = hist_new(1, 3600000000000ull, 3), *b = hist_new(1, 3600000000000ull, 3);
    llstat_hist *c = hist_new(1000, 100000000, 2), *all = hist_new(1, 3600000000000ull, 3);
    llstat_hist *small = hist_new(1, 10000, 3);
    LLT_REQUIRE(v && a && b && c && all && small);
    gen(DIST_BIMODAL, v, n);
    for (i = 0; i < n; i++) {
        llstat_hist_record(i % 3 == 0 ? a : i % 3 == 1 ? b : c, v[i]);
        llstat_hist_record(all, v[i]);
        sum += v[i];
    }
    /* same layout: bucket by bucket */
    LLT_EQ_I64(llstat_hist_merge(a, b), LLSTAT_OK);
    LLT_EQ_U64(llstat_hist_count(a), (n + 2) / 3 + (n + 1) / 3);
    /* another layout (digits 2, unit 2^9): re-recorded at the lowest value of each bucket */
    LLT_EQ_I64(llstat_hist_merge(a, c), LLSTAT_OK);
    LLT_EQ_U64(llstat_hist_count(a), n);
    LLT_EQ_U64(llstat_hist_sum(a), sum);
    for (i = 0; i < NPCTS; i++) {
        double want = (double)llstat_hist_percentile(all, PCTS[i]), got = (double)llstat_hist_percentile(a, PCTS[i]);
        LLT_CHECKF(fabs(got - want) <= want * 0.011 + 512, "p%g: merged %.0f, direct %.0f", PCTS[i], got, want);
    }
    /* into a smaller range: the tail lands in the overflow bucket, counts and sum still exact */
    LLT_EQ_I64(llstat_hist_merge(small, all), LLSTAT_OK);
    LLT_EQ_U64(llstat_hist_count(small), n);
    LLT_EQ_U64(llstat_hist_sum(small), sum);
    LLT_CHECK(llstat_hist_overflow(small) > 0 && llstat_hist_overflow(small) < n / 50);
    /* a histogram merged into itself doubles */
    LLT_EQ_I64(llstat_hist_merge(all, all), LLSTAT_OK);
    LLT_EQ_U64(llstat_hist_count(all), 2 * n);
    LLT_EQ_U64(llstat_hist_sum(all), 2 * sum);
    free(v);
    free(a);
    free(b);
    free(c);
    free(all);
    free(small);
}

static void hist_iterators(void) {
    llstat_hist *h = hist_new(1, 3600000000000ull, 3);
    llstat_hist_iter it;
    llstat_hist_pctl pc;
    uint64_t v, total = 0, prev_to = 0, nb = 0, lines = 0, prev_cum = 0;
    static const double levels[] = {0, 10, 20, 30, 40, 50, 55, 60, 65, 70, 75, 77.5, 80, 82.5, 85, 87.5, 88.75};
    double prev_pct = -1;
    LLT_REQUIRE(h);
    for (v = 1; v <= 100000; v++) llstat_hist_record(h, v);
    llstat_hist_iter_init(&it, h);
    while (llstat_hist_iter_next(&it)) {
        total += it.count;
        LLT_CHECK(it.count > 0 && it.from <= it.to && (nb == 0 || it.from > prev_to));
        LLT_CHECK(it.cumulative == total);
        LLT_CHECK(llstat_hist_highest_equivalent(h, it.from) == it.to);
        prev_to = it.to;
        nb++;
    }
    LLT_EQ_U64(total, 100000);
    LLT_CHECK(!llstat_hist_iter_next(&it));
    llstat_hist_pctl_init(&pc, h, 5);
    while (llstat_hist_pctl_next(&pc)) {
        if (lines < sizeof levels / sizeof levels[0])
            LLT_CHECKF(fabs(pc.percentile - levels[lines]) < 1e-9, "line %llu: level %g, want %g",
                       (unsigned long long)lines, pc.percentile, levels[lines]);
        LLT_CHECK(pc.percentile >= prev_pct && pc.cumulative >= prev_cum);
        prev_pct = pc.percentile;
        prev_cum = pc.cumulative;
        lines++;
        if (lines > 10000) break;
    }
    LLT_CHECK(lines > 50 && lines < 1000);
    LLT_CHECK(prev_pct == 100.0 && prev_cum == 100000 && pc.value == llstat_hist_max(h));
    LLT_CHECK(!llstat_hist_pctl_next(&pc));
    free(h);
}

/* read a FILE written by llstat_hist_print back into memory */
static char *print_to_string(const llstat_hist *h, uint32_t ticks, double scale, bool csv, int *rc) {
    FILE *f = tmpfile();
    long len;
    char *s;
    if (!f) return NULL;
    *rc = llstat_hist_print(h, f, ticks, scale, csv);
    len = ftell(f);
    s = (char *)malloc((size_t)len + 1);
    rewind(f);
    if (s) s[fread(s, 1, (size_t)len, f)] = '\0';
    fclose(f);
    return s;
}

static void hist_print_format(void) {
    llstat_hist *h = hist_new(1, 3600000000000ull, 3);
    char *text, *csv, *empty;
    int rc = -1;
    uint64_t v;
    LLT_REQUIRE(h);
    empty = print_to_string(h, 5, 1.0, false, &rc);
    LLT_REQUIRE(empty);
    LLT_EQ_I64(rc, LLSTAT_OK);
    {
        static const char head[] = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n#[Mean    =        0.000,";
        LLT_CHECK(strncmp(empty, head, sizeof head - 1) == 0);
    }
    for (v = 1; v <= 1000; v++) llstat_hist_record(h, v * 1000);
    text = print_to_string(h, 5, 1000.0, false, &rc);
    LLT_REQUIRE(text);
    LLT_EQ_I64(rc, LLSTAT_OK);
    LLT_CHECK(strstr(text, "\n       1.000 0.000000000000          1           1.00\n") != NULL);
    LLT_CHECK(strstr(text, "\n    1000.447 1.000000000000       1000\n") != NULL); /* 1000000 sits in 999936..1000447 */
    LLT_CHECK(strstr(text, "#[Max     =     1000.447, Total count    =         1000]\n") != NULL);
    LLT_CHECK(strstr(text, "#[Buckets =           32, SubBuckets     =         2048]\n") != NULL);
    csv = print_to_string(h, 5, 1.0, true, &rc);
    LLT_REQUIRE(csv);
    {
        static const char head[] = "\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n1000.000,0.000000000000,1,1.00\n";
        LLT_CHECK(strncmp(csv, head, sizeof head - 1) == 0);
    }
    LLT_CHECK(strstr(csv, ",1.000000000000,1000,Infinity\n") != NULL);
    free(text);
    free(csv);
    free(empty);
#if defined(__linux__)
    {
        FILE *full = fopen("/dev/full", "w");
        if (full) {
            setvbuf(full, NULL, _IONBF, 0);
            LLT_EQ_I64(llstat_hist_print(h, full, 5, 1.0, false), LLSTAT_EIO);
            fclose(full);
        }
    }
#endif
    free(h);
}

/* ---- the cross-check against hdr-histogram-js ---- */

#if !defined(_WIN32)
typedef struct dist_line {
    double value, pct;
    unsigned long long count;
} dist_line;

static int file_exists(const char *p) {
    FILE *f = fopen(p, "r");
    if (f) fclose(f);
    return f != NULL;
}

/* parse CSV distribution lines (after the header) until a line starting with '#' or the end */
static size_t parse_csv(char *s, dist_line *out, size_t cap, char **rest) {
    size_t n = 0;
    char *line = strchr(s, '\n');
    line = line ? line + 1 : s + strlen(s);
    while (*line && *line != '#' && n < cap) {
        char *end = strchr(line, '\n');
        if (sscanf(line, "%lf,%lf,%llu", &out[n].value, &out[n].pct, &out[n].count) == 3) n++;
        line = end ? end + 1 : line + strlen(line);
    }
    *rest = line;
    return n;
}

#endif

static void hdr_js_crosscheck(void) {
#if defined(_WIN32)
    LLT_SKIP("needs node and popen (Linux)");
#else
    static const struct { uint64_t lowest, highest; uint32_t digits; } cfg[] = {
        {1, 3600000000000ull, 3}, {1000, 10000000000ull, 2}};
    const char *mods = getenv("LLSTAT_NODE_MODULES");
    char modpath[1024], pkg[1100], cmd[3000], sfile[256];
    size_t n = 1000000, i, k;
    uint64_t *v;
    double *dv;
    int dist, have_node, checked = 0;
    unsigned ci;
    FILE *p = popen("command -v node", "r");
    have_node = p && fgets(cmd, sizeof cmd, p) != NULL;
    if (p) pclose(p);
    if (!have_node) LLT_SKIP("node is not installed (apt-get install nodejs)");
    if (!mods) mods = "build/node/node_modules";
    if (mods[0] == '/') snprintf(modpath, sizeof modpath, "%s", mods);
    else if (!getcwd(cmd, sizeof cmd) || snprintf(modpath, sizeof modpath, "%s/%s", cmd, mods) >= (int)sizeof modpath)
        LLT_SKIP("path too long");
    snprintf(pkg, sizeof pkg, "%s/hdr-histogram-js/package.json", modpath);
    if (!file_exists(pkg))
        LLT_SKIP("hdr-histogram-js not installed in %s (npm install --prefix build/node hdr-histogram-js)", mods);
    if (!file_exists("tests/hdr_compare.js")) LLT_SKIP("run from the repository root (tests/hdr_compare.js)");
    n = (size_t)llt_scaled(n, 50000);
    v = (uint64_t *)malloc(n * sizeof *v);
    dv = (double *)malloc(n * sizeof *dv);
    LLT_REQUIRE(v && dv);
    snprintf(sfile, sizeof sfile, "%s/llstat-hdr-samples-%d.bin", file_exists("build") ? "build" : "/tmp", (int)getpid());
    for (dist = 0; dist < 3; dist++) {
        gen(dist, v, n);
        for (i = 0; i < n; i++) dv[i] = (double)v[i];
        {
            FILE *f = fopen(sfile, "wb");
            LLT_REQUIRE(f);
            LLT_REQUIRE(fwrite(dv, sizeof *dv, n, f) == n);
            fclose(f);
        }
        for (ci = 0; ci < sizeof cfg / sizeof cfg[0]; ci++) {
            llstat_hist *h = hist_new(cfg[ci].lowest, cfg[ci].highest, cfg[ci].digits);
            double precision = 1.0 / pow10i(cfg[ci].digits);
            size_t cap = 4096, nj, nl, identical = 0;
            dist_line *js = (dist_line *)malloc(cap * sizeof *js), *ll = (dist_line *)malloc(cap * sizeof *ll);
            char *out = (char *)malloc(1 << 20), *ours, *rest, *rest2, *line;
            size_t got;
            int rc = -1;
            double jmean = -1, jsd = -1, jmax = -1, lmean = -1, lsd = -1, lmax = -1;
            unsigned long long jtotal = 0, jbuckets = 0, jsub = 0, ltotal = 0, lbuckets = 0, lsub = 0;
            LLT_REQUIRE(h && js && ll && out);
            for (i = 0; i < n; i++) llstat_hist_record(h, v[i]);
            snprintf(cmd, sizeof cmd, "NODE_PATH='%s' node tests/hdr_compare.js '%s' %llu %llu %u 5", modpath, sfile,
                     (unsigned long long)cfg[ci].lowest, (unsigned long long)cfg[ci].highest, cfg[ci].digits);
            p = popen(cmd, "r");
            LLT_REQUIRE(p);
            got = fread(out, 1, (1 << 20) - 1, p);
            out[got] = '\0';
            LLT_CHECKF(pclose(p) == 0, "%s failed: %.200s", cmd, out);
            nj = parse_csv(out, js, cap, &rest);
            ours = print_to_string(h, 5, 1.0, true, &rc);
            LLT_REQUIRE(ours && rc == LLSTAT_OK);
            nl = parse_csv(ours, ll, cap, &rest2);
            LLT_CHECKF(nj == nl && nj > 20, "%s/%u digits: %zu lines from hdr-histogram-js, %zu from llstat",
                       dist_name[dist], cfg[ci].digits, nj, nl);
            for (k = 0; k < nj && k < nl; k++) {
                int ok = fabs(js[k].pct - ll[k].pct) < 1e-9 && js[k].count == ll[k].count &&
                         fabs(js[k].value - ll[k].value) <= precision * js[k].value;
                identical += js[k].value == ll[k].value && js[k].count == ll[k].count;
                LLT_CHECKF(ok, "%s/%u digits line %zu: js %.3f,%.12f,%llu llstat %.3f,%.12f,%llu", dist_name[dist],
                           cfg[ci].digits, k, js[k].value, js[k].pct, js[k].count, ll[k].value, ll[k].pct, ll[k].count);
                checked++;
            }
            /* footers: ours from the text form */
            free(ours);
            ours = print_to_string(h, 5, 1.0, false, &rc);
            LLT_REQUIRE(ours);
            for (line = rest; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                double pct;
                unsigned long long val;
                sscanf(line, "#[Mean = %lf, StdDeviation = %lf]", &jmean, &jsd);
                sscanf(line, "#[Max = %lf, Total count = %llu]", &jmax, &jtotal);
                sscanf(line, "#[Buckets = %llu, SubBuckets = %llu]", &jbuckets, &jsub);
                if (sscanf(line, "#P %lf %llu", &pct, &val) == 2) {
                    uint64_t mine = llstat_hist_percentile(h, pct);
                    LLT_CHECKF(fabs((double)mine - (double)val) <= precision * (double)val,
                               "%s/%u digits: getValueAtPercentile(%g) = %llu, llstat %llu", dist_name[dist],
                               cfg[ci].digits, pct, val, (unsigned long long)mine);
                    identical += mine == val;
                    checked++;
                }
            }
            line = strstr(ours, "#[Mean");
            LLT_REQUIRE(line);
            sscanf(line, "#[Mean = %lf, StdDeviation = %lf]", &lmean, &lsd);
            line = strstr(ours, "#[Max");
            LLT_REQUIRE(line);
            sscanf(line, "#[Max = %lf, Total count = %llu]", &lmax, &ltotal);
            line = strstr(ours, "#[Buckets");
            LLT_REQUIRE(line);
            sscanf(line, "#[Buckets = %llu, SubBuckets = %llu]", &lbuckets, &lsub);
            LLT_CHECKF(fabs(jmean - lmean) <= precision * jmean && fabs(jsd - lsd) <= precision * jsd + 1e-3,
                       "%s: mean %f/%f stddev %f/%f", dist_name[dist], jmean, lmean, jsd, lsd);
            LLT_CHECKF(fabs(jmax - lmax) <= precision * jmax, "%s: max js %f llstat %f", dist_name[dist], jmax, lmax);
            LLT_CHECK(jtotal == n && ltotal == n);
            LLT_CHECKF(jbuckets == lbuckets && jsub == lsub, "buckets %llu/%llu sub-buckets %llu/%llu", jbuckets,
                       lbuckets, jsub, lsub);
            printf("  %s, %u digits, lowest %llu: %zu distribution lines + %zu percentiles, %zu identical to "
                   "hdr-histogram-js, the rest within 10^-%u\n",
                   dist_name[dist], cfg[ci].digits, (unsigned long long)cfg[ci].lowest, nj, (size_t)NPCTS, identical,
                   cfg[ci].digits);
            free(ours);
            free(out);
            free(js);
            free(ll);
            free(h);
        }
    }
    remove(sfile);
    free(v);
    free(dv);
    LLT_CHECK(checked > 0);
#endif
}

/* ---- counters and rates ---- */

static void counters_and_rates(void) {
    llstat_counter c = {0};
    llstat_snapshot a = {1000000000u, 100, 1000}, b = {3000000000u, 300, 5000};
    llstat_rate r;
    llstat_counter_add(&c, 5);
    llstat_counter_add(&c, 0);
    llstat_counter_add_atomic(&c, 7);
    LLT_EQ_U64(llstat_counter_read(&c), 12);
    llstat_counter_max(&c, 3);
    LLT_EQ_U64(llstat_counter_read(&c), 12);
    llstat_counter_max(&c, 40);
    LLT_EQ_U64(llstat_counter_read(&c), 40);
    llstat_counter_reset(&c);
    LLT_EQ_U64(llstat_counter_read(&c), 0);
    LLT_EQ_I64(llstat_rate_between(&a, &b, &r), LLSTAT_OK);
    LLT_EQ_U64(r.ns, 2000000000u);
    LLT_EQ_U64(r.ops, 200);
    LLT_EQ_U64(r.bytes, 4000);
    LLT_CHECK(r.ops_per_sec == 100.0 && r.bytes_per_sec == 2000.0);
    LLT_EQ_I64(llstat_rate_between(&b, &a, &r), LLSTAT_EINVAL); /* after earlier than before */
    LLT_CHECK(r.ops == 0 && r.ops_per_sec == 0.0);
    LLT_EQ_I64(llstat_rate_between(&a, &a, &r), LLSTAT_EINVAL); /* zero interval */
    LLT_EQ_I64(llstat_rate_between(NULL, &b, &r), LLSTAT_EINVAL);
    LLT_EQ_I64(llstat_rate_between(&a, &b, NULL), LLSTAT_EINVAL);
    b.ops = 50; /* the counter was reset in between */
    LLT_EQ_I64(llstat_rate_between(&a, &b, &r), LLSTAT_ERANGE);
    LLT_CHECK(r.ops == 0 && r.bytes == 0 && r.ns == 0);
}

/* ---- concurrency: per-thread histograms merged while they record, and the atomic forms ---- */

#ifdef TEST_THREADS
#define NTHREADS 4
typedef struct worker {
    pthread_t t;
    llstat_hist *own, *shared;
    llstat_counter *shared_counter, own_counter;
    uint64_t n, seed, sum;
    int done;
} worker;

static void *worker_run(void *arg) {
    worker *w = (worker *)arg;
    uint64_t i, x = w->seed;
    for (i = 0; i < w->n; i++) {
        uint64_t v;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v = (x % 64 == 0) ? x % 10000000 : x % 5000; /* a tail too */
        llstat_hist_record(w->own, v);
        llstat_hist_record_atomic(w->shared, v);
        llstat_counter_add(&w->own_counter, 1);
        llstat_counter_add_atomic(w->shared_counter, 1);
        w->sum += v;
    }
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    return NULL;
}
#endif

static void threads_merge_no_loss(void) {
#ifndef TEST_THREADS
    LLT_SKIP("no pthreads here");
#else
    worker w[NTHREADS];
    llstat_hist *scratch = hist_new(1, 3600000000000ull, 3), *total = hist_new(1, 3600000000000ull, 3);
    llstat_hist *shared = hist_new(1, 3600000000000ull, 3);
    llstat_counter shared_counter = {0};
    uint64_t n = llt_scaled(1000000, 20000), want_sum = 0, merges = 0;
    int i, running;
    LLT_REQUIRE(scratch && total && shared);
    for (i = 0; i < NTHREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].own = hist_new(1, 3600000000000ull, 3);
        LLT_REQUIRE(w[i].own);
        w[i].shared = shared;
        w[i].shared_counter = &shared_counter;
        w[i].n = n;
        w[i].seed = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
    }
    for (i = 0; i < NTHREADS; i++) LLT_REQUIRE(pthread_create(&w[i].t, NULL, worker_run, &w[i]) == 0);
    /* the reader merges the live histograms again and again while they are written */
    do {
        uint64_t c;
        running = 0;
        llstat_hist_reset(scratch);
        for (i = 0; i < NTHREADS; i++) {
            running += !__atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE);
            LLT_EQ_I64(llstat_hist_merge(scratch, w[i].own), LLSTAT_OK);
        }
        c = llstat_hist_count(scratch);
        LLT_CHECK(c <= (uint64_t)NTHREADS * n);
        (void)llstat_hist_percentile(scratch, 99.9);
        (void)llstat_hist_percentile(shared, 99.9);
        merges++;
    } while (running);
    for (i = 0; i < NTHREADS; i++) {
        pthread_join(w[i].t, NULL);
        want_sum += w[i].sum;
        LLT_EQ_U64(llstat_counter_read(&w[i].own_counter), n);
        LLT_EQ_I64(llstat_hist_merge(total, w[i].own), LLSTAT_OK);
    }
    LLT_EQ_U64(llstat_hist_count(total), (uint64_t)NTHREADS * n);
    LLT_EQ_U64(llstat_hist_sum(total), want_sum);
    LLT_EQ_U64(llstat_hist_count(shared), (uint64_t)NTHREADS * n);
    LLT_EQ_U64(llstat_hist_sum(shared), want_sum);
    LLT_EQ_U64(llstat_counter_read(&shared_counter), (uint64_t)NTHREADS * n);
    /* the same samples, bucket by bucket, through both paths */
    {
        const uint64_t *a = llstat_hist_counts_const(total), *b = llstat_hist_counts_const(shared);
        uint32_t k, diff = 0;
        for (k = 0; k < total->counts_len; k++) diff += a[k] != b[k];
        LLT_EQ_U64(diff, 0);
    }
    printf("  %d threads x %llu samples, %llu live merges: count and sum exact\n", NTHREADS, (unsigned long long)n,
           (unsigned long long)merges);
    for (i = 0; i < NTHREADS; i++) free(w[i].own);
    free(scratch);
    free(total);
    free(shared);
#endif
}

/* ---- clock ---- */

/* the first use of the clock from several threads at once initialises it once (run first) */
#ifdef TEST_THREADS
static void *first_use(void *arg) {
    uint64_t *out = (uint64_t *)arg;
    uint64_t a = llstat_now();
    out[0] = a;
    out[1] = llstat_ticks_to_ns(1000000);
    return NULL;
}
#endif
static void clock_first_use_concurrent(void) {
#ifndef TEST_THREADS
    LLT_SKIP("no pthreads here");
#else
    pthread_t t[4];
    uint64_t out[4][2];
    int i;
    LLT_REQUIRE(__atomic_load_n(&llstat_i_clock_g.state, __ATOMIC_ACQUIRE) == 0); /* nothing used it yet */
    for (i = 0; i < 4; i++) LLT_REQUIRE(pthread_create(&t[i], NULL, first_use, out[i]) == 0);
    for (i = 0; i < 4; i++) pthread_join(t[i], NULL);
    LLT_EQ_I64(llstat_i_clock_g.state, 2);
    for (i = 1; i < 4; i++) LLT_EQ_U64(out[i][1], out[0][1]); /* one calibration for everyone */
    LLT_CHECK(llstat_clock_source() == LLSTAT_CLOCK_COUNTER || llstat_clock_source() == LLSTAT_CLOCK_MONOTONIC);
#endif
}

/* the selection rule, fed every case */
static void clock_rule(void) {
    char why[160];
    LLT_EQ_I64(llstat_i_clock_rule(1, false, false, "tsc", why, sizeof why), LLSTAT_CLOCK_MONOTONIC);
    LLT_CHECK(strstr(why, "invariant") != NULL);
    LLT_EQ_I64(llstat_i_clock_rule(1, true, true, "tsc", why, sizeof why), LLSTAT_CLOCK_COUNTER);
    LLT_EQ_I64(llstat_i_clock_rule(1, true, false, "tsc", why, sizeof why), LLSTAT_CLOCK_COUNTER);
    LLT_EQ_I64(llstat_i_clock_rule(1, true, true, "kvm-clock", why, sizeof why), LLSTAT_CLOCK_MONOTONIC);
    LLT_CHECK(strstr(why, "kvm-clock") != NULL);
    LLT_EQ_I64(llstat_i_clock_rule(1, true, false, "hpet", why, sizeof why), LLSTAT_CLOCK_MONOTONIC);
    LLT_EQ_I64(llstat_i_clock_rule(1, true, true, NULL, why, sizeof why), LLSTAT_CLOCK_MONOTONIC);
    LLT_CHECK(strstr(why, "hypervisor") != NULL);
    LLT_EQ_I64(llstat_i_clock_rule(1, true, false, NULL, why, sizeof why), LLSTAT_CLOCK_COUNTER);
    LLT_EQ_I64(llstat_i_clock_rule(2, true, false, "arch_sys_counter", why, sizeof why), LLSTAT_CLOCK_COUNTER);
    LLT_EQ_I64(llstat_i_clock_rule(2, true, false, NULL, why, sizeof why), LLSTAT_CLOCK_COUNTER);
    LLT_EQ_I64(llstat_i_clock_rule(2, true, false, "tsc", why, sizeof why), LLSTAT_CLOCK_MONOTONIC);
    LLT_EQ_I64(llstat_i_clock_rule(0, false, false, NULL, why, sizeof why), LLSTAT_CLOCK_MONOTONIC);
}

static void clock_auto(void) {
    uint64_t prev, i, bad = 0;
    LLT_EQ_I64(llstat_clock_init(LLSTAT_CLOCK_AUTO), LLSTAT_OK);
    LLT_EQ_I64(llstat_clock_init(42), LLSTAT_EINVAL);
    LLT_CHECK(llstat_clock_name() != NULL && llstat_clock_name()[0] != '\0');
    LLT_CHECK(llstat_clock_reason()[0] != '\0');
    printf("  clock: %s (%s), %.6f GHz\n", llstat_clock_name(), llstat_clock_reason(), llstat_clock_hz() / 1e9);
    LLT_CHECK(llstat_clock_hz() > 1e6 && llstat_clock_hz() < 1e11);
    prev = llstat_now();
    for (i = 0; i < 200000; i++) {
        uint64_t t = llstat_now();
        bad += t < prev;
        prev = t;
    }
    LLT_EQ_U64(bad, 0);
    /* conversions are inverse within rounding */
    for (i = 1; i < 64; i += 3) {
        uint64_t ns = (uint64_t)1 << i, back = llstat_ticks_to_ns(llstat_ns_to_ticks(ns));
        LLT_CHECKF((double)(back > ns ? back - ns : ns - back) <= 1e-6 * (double)ns + 2.0, "%llu ns -> %llu",
                   (unsigned long long)ns, (unsigned long long)back);
        if (i > 40) break;
    }
}

static uint64_t mono_ns(void) { return llstat_i_now_ns(); }

static void clock_forced_fallback(void) {
    uint64_t a, t, b, i;
    LLT_EQ_I64(llstat_clock_init(LLSTAT_CLOCK_MONOTONIC), LLSTAT_OK);
    LLT_EQ_I64(llstat_clock_source(), LLSTAT_CLOCK_MONOTONIC);
    LLT_EQ_STR(llstat_clock_name(), LLSTAT_I_MONOTONIC_NAME);
    LLT_CHECK(llstat_clock_hz() == 1e9);
    for (i = 0; i < 64; i++) {
        uint64_t x = (uint64_t)1 << i;
        LLT_EQ_U64(llstat_ticks_to_ns(x), x);
        LLT_EQ_U64(llstat_ns_to_ticks(x + 12345), x + 12345);
    }
    LLT_EQ_U64(llstat_ticks_to_ns(UINT64_MAX), UINT64_MAX);
    for (i = 0; i < 1000; i++) {
        a = mono_ns();
        t = llstat_now();
        b = mono_ns();
        LLT_CHECK(a <= t && t <= b);
        a = mono_ns();
        t = llstat_now_ns();
        b = mono_ns();
        LLT_CHECK(a <= t && t <= b);
        if (llt_g.current_failed) break;
    }
#if !defined(_WIN32)
    /* the environment forces it too */
    setenv("LLSTAT_CLOCK", "monotonic", 1);
    LLT_EQ_I64(llstat_clock_init(LLSTAT_CLOCK_AUTO), LLSTAT_OK);
    LLT_EQ_I64(llstat_clock_source(), LLSTAT_CLOCK_MONOTONIC);
    LLT_CHECK(strstr(llstat_clock_reason(), "LLSTAT_CLOCK") != NULL);
    unsetenv("LLSTAT_CLOCK");
#endif
    LLT_EQ_I64(llstat_clock_init(LLSTAT_CLOCK_AUTO), LLSTAT_OK);
}

static void clock_forced_counter(void) {
    uint64_t prev, i, bad = 0;
    int rc = llstat_clock_init(LLSTAT_CLOCK_COUNTER);
#if !defined(LLSTAT_I_COUNTER)
    LLT_EQ_I64(rc, LLSTAT_EOPNOTSUPP);
    LLT_SKIP("no cycle counter on this architecture (forcing it says LLSTAT_EOPNOTSUPP)");
#else
    LLT_EQ_I64(rc, LLSTAT_OK);
    if (llstat_clock_source() != LLSTAT_CLOCK_COUNTER) {
        LLT_CHECK(strstr(llstat_clock_reason(), "calibration failed") != NULL);
        llstat_clock_init(LLSTAT_CLOCK_AUTO);
        LLT_SKIP("the counter failed its calibration here: %s", llstat_clock_reason());
    }
    LLT_EQ_STR(llstat_clock_name(), LLSTAT_I_COUNTER_NAME);
    LLT_CHECK(strstr(llstat_clock_reason(), "forced") != NULL);
    prev = llstat_now();
    for (i = 0; i < 200000; i++) {
        uint64_t t = llstat_now_fenced();
        bad += t < prev;
        prev = t;
    }
    LLT_EQ_U64(bad, 0);
    {   /* llstat_now_ns stays next to CLOCK_MONOTONIC right after calibration */
        uint64_t a = mono_ns(), t = llstat_now_ns(), b = mono_ns();
        LLT_CHECKF(t + 1000000 >= a && t <= b + 1000000, "now_ns %llu, monotonic %llu..%llu", (unsigned long long)t,
                   (unsigned long long)a, (unsigned long long)b);
    }
    LLT_EQ_I64(llstat_clock_init(LLSTAT_CLOCK_AUTO), LLSTAT_OK);
#endif
}

/* one (ticks, monotonic ns) pair: the tightest of several readings */
static void pair(uint64_t *ticks, uint64_t *ns) {
    uint64_t best = UINT64_MAX;
    int i;
    for (i = 0; i < 32; i++) {
        uint64_t a = llstat_now_fenced(), m = mono_ns(), b = llstat_now_fenced();
        if (b - a < best) {
            best = b - a;
            *ticks = a + (b - a) / 2;
            *ns = m;
        }
    }
}

/* the calibrated rate against CLOCK_MONOTONIC over one second: within 0.1 % */
static void clock_calibration_1s(void) {
    uint64_t t0, n0, t1, n1, est, real;
    double err;
    LLT_EQ_I64(llstat_clock_init(LLSTAT_CLOCK_AUTO), LLSTAT_OK);
    if (llstat_clock_source() != LLSTAT_CLOCK_COUNTER)
        LLT_SKIP("the rule chose %s here (%s); calibration applies to the counter", llstat_clock_name(),
                 llstat_clock_reason());
    pair(&t0, &n0);
#if defined(_WIN32)
    Sleep(1000);
#else
    {
        struct timespec ts = {1, 0};
        while (nanosleep(&ts, &ts) != 0) {
        }
    }
#endif
    pair(&t1, &n1);
    est = llstat_ticks_to_ns(t1 - t0);
    real = n1 - n0;
    err = ((double)est - (double)real) / (double)real;
    printf("  %s over %.3f s: %+.2e of CLOCK_MONOTONIC\n", llstat_clock_name(), (double)real / 1e9, err);
    LLT_CHECKF(fabs(err) <= 1e-3, "calibration error %+.3e", err);
}

#if defined(__linux__) && defined(TEST_THREADS)
typedef struct pingpong {
    int cpu;
    uint64_t *slot; /* the last timestamp, from either side (0 = empty) */
    uint64_t rounds, bad, worst;
    int turn, me;
    int *turnp;
} pingpong;

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

/* two threads on two CPUs pass a timestamp back and forth; each reading must not be earlier than the
   one it received from the other CPU */
static void *pingpong_run(void *arg) {
    pingpong *p = (pingpong *)arg;
    uint64_t i, t0 = mono_ns();
    pin(p->cpu);
    for (i = 0; i < p->rounds; i++) {
        uint64_t got, now;
        while (__atomic_load_n(p->turnp, __ATOMIC_ACQUIRE) != p->me) {
            if (mono_ns() - t0 > 5000000000ull) return NULL; /* bounded */
        }
        got = __atomic_load_n(p->slot, __ATOMIC_RELAXED);
        now = llstat_now_fenced(); /* a plain rdtsc may run before the loads above complete */
        if (now < got) {
            p->bad++;
            if (got - now > p->worst) p->worst = got - now;
        }
        __atomic_store_n(p->slot, llstat_now_fenced(), __ATOMIC_RELAXED);
        __atomic_store_n(p->turnp, !p->me, __ATOMIC_RELEASE);
    }
    return NULL;
}
#endif

static void clock_migration(void) {
#if !defined(__linux__) || !defined(TEST_THREADS)
    LLT_SKIP("needs sched_setaffinity (Linux)");
#else
    cpu_set_t orig;
    int cpus[2], ncpu = 0, c, i;
    uint64_t prev, bad = 0, prev_ns, bad_ns = 0, moves = 0;
    LLT_REQUIRE(sched_getaffinity(0, sizeof orig, &orig) == 0);
    for (c = 0; c < CPU_SETSIZE && ncpu < 2; c++)
        if (CPU_ISSET(c, &orig)) cpus[ncpu++] = c;
    if (ncpu < 2) LLT_SKIP("fewer than two CPUs to migrate between");
    LLT_EQ_I64(llstat_clock_init(LLSTAT_CLOCK_AUTO), LLSTAT_OK);
    printf("  clock under test: %s (%s)\n", llstat_clock_name(), llstat_clock_reason());
    prev = llstat_now();
    prev_ns = llstat_now_ns();
    for (i = 0; i < 2000; i++) {
        uint64_t t, tn;
        if (pin(cpus[i & 1]) != 0) break;
        moves++;
        t = llstat_now();
        tn = llstat_now_ns();
        bad += t < prev;
        bad_ns += tn < prev_ns;
        prev = t;
        prev_ns = tn;
    }
    sched_setaffinity(0, sizeof orig, &orig);
    LLT_CHECK(moves == 2000);
    LLT_EQ_U64(bad, 0);
    LLT_EQ_U64(bad_ns, 0);
    {
        pthread_t ta, tb;
        uint64_t slot = llstat_now();
        int turn = 0;
        pingpong a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        a.cpu = cpus[0];
        b.cpu = cpus[1];
        a.slot = b.slot = &slot;
        a.turnp = b.turnp = &turn;
        a.me = 0;
        b.me = 1;
        a.rounds = b.rounds = llt_scaled(100000, 2000);
        LLT_REQUIRE(pthread_create(&ta, NULL, pingpong_run, &a) == 0);
        LLT_REQUIRE(pthread_create(&tb, NULL, pingpong_run, &b) == 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        LLT_CHECKF(a.bad + b.bad == 0, "%llu readings earlier than the other CPU's (worst by %llu ticks)",
                   (unsigned long long)(a.bad + b.bad), (unsigned long long)(a.worst > b.worst ? a.worst : b.worst));
        printf("  %llu migrations and %llu cross-CPU hand-offs: no reading went backwards\n", (unsigned long long)moves,
               (unsigned long long)(2 * a.rounds));
    }
#endif
}

int main(int argc, char **argv) {
    LLT_INIT("llstat", argc, argv);
    LLT_RUN(clock_first_use_concurrent); /* first: nothing may have used the clock before */
    LLT_RUN(version_and_errors);
    LLT_RUN(hist_bad_input);
    LLT_RUN(hist_layout_known);
    LLT_RUN(hist_layout_model);
    LLT_RUN(hist_record_basic);
    LLT_RUN(hist_overflow);
    LLT_RUN(hist_record_slot);
    LLT_RUN(hist_percentiles_exact);
    LLT_RUN(hist_merge_layouts);
    LLT_RUN(hist_iterators);
    LLT_RUN(hist_print_format);
    LLT_RUN(hdr_js_crosscheck);
    LLT_RUN(counters_and_rates);
    LLT_RUN(threads_merge_no_loss);
    LLT_RUN(clock_rule);
    LLT_RUN(clock_auto);
    LLT_RUN(clock_forced_fallback);
    LLT_RUN(clock_forced_counter);
    LLT_RUN(clock_calibration_1s);
    LLT_RUN(clock_migration);
    return LLT_FINISH();
}
