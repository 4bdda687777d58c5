/* test_hist_shape.c - llpmem.h's latency histogram is llstat.h's, under the llpmem prefix.

   The headers are independent (docs/contract.md), so llpmem keeps its own copy of llstat's histogram
   (HdrHistogram's layout, docs/llstat.md "Layout"), with fixed storage for 1 ns .. 1 h at 2 digits. This
   program includes both and checks that the copy has the same shape and gives the same answers:
   - the header: every field at the same offset with the same size, the same magic and layout version,
     the counters right after it, the whole block the size llstat_hist_memsize gives for that range;
   - init: the same bytes;
   - the arithmetic: counts index, bucket boundaries (value at index, lowest/highest equivalent) on every
     value up to 2^20, every power of two and its neighbours, the range limits and random 64-bit values;
   - the same samples recorded into both (uniform, log-normal, bimodal with a 1 % tail at 1000x, the edge
     values 0, 1, the range limits, values above the range): the same return of every record, the same
     bytes, bucket counts, count, sum, overflow, min, max, mean and percentiles at 100+ levels;
   - merge: halves merged on each side give the same bytes as the whole, and the two sides agree;
   - the llpmem block copied into llstat memory is read by llstat.h with the same answers.
   Any change to either side's layout or arithmetic makes one of these fail. */
#define LLSTAT_IMPLEMENTATION
#include "llstat.h"
#define LLPMEM_IMPLEMENTATION
#include "llpmem.h"
#include "lltest.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static llstat_hist *g_ls;   /* llstat histogram of llpmem's range */
static llpmem_hist *g_lp;   /* llpmem's */
static size_t g_ls_size;

static uint64_t rng_next(uint64_t *s) { /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}
static double rng_unit(uint64_t *s) { return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0; }
static double rng_normal(uint64_t *s) { /* Box-Muller */
    double u = rng_unit(s), v = rng_unit(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static int fresh_pair(void) {
    return llstat_hist_init(g_ls, g_ls_size, LLPMEM_HIST_LOWEST, LLPMEM_HIST_HIGHEST, LLPMEM_HIST_DIGITS) == 0 &&
           llpmem_hist_init(g_lp) == 0;
}

/* ------------------------------------------------------------------------------------------------------ */
#define SAME_FIELD(f)                                                                                      \
    do {                                                                                                   \
        LLT_CHECKF(offsetof(llstat_hist, f) == offsetof(llpmem_hist, f), "offset of " #f ": %zu vs %zu",   \
                   offsetof(llstat_hist, f), offsetof(llpmem_hist, f));                                    \
        LLT_CHECKF(sizeof(((llstat_hist *)0)->f) == sizeof(((llpmem_hist *)0)->f), "size of " #f);         \
        LLT_CHECKF(memcmp(&g_ls->f, &g_lp->f, sizeof g_ls->f) == 0, "value of " #f);                     \
    } while (0)

static void header_shape(void) {
    LLT_REQUIRE(fresh_pair());
    LLT_EQ_U64(LLPMEM_HIST_MAGIC, LLSTAT_HIST_MAGIC);
    LLT_EQ_U64(LLPMEM_HIST_LAYOUT, LLSTAT_HIST_LAYOUT);
    SAME_FIELD(sum);
    SAME_FIELD(overflow);
    SAME_FIELD(top_value);
    SAME_FIELD(sub_bucket_mask);
    SAME_FIELD(shift_base);
    SAME_FIELD(half_magnitude);
    SAME_FIELD(unit_magnitude);
    SAME_FIELD(counts_len);
    SAME_FIELD(slot_origin);
    SAME_FIELD(min_clz);
    SAME_FIELD(reserved0);
    SAME_FIELD(lowest);
    SAME_FIELD(highest);
    SAME_FIELD(digits);
    SAME_FIELD(bucket_count);
    SAME_FIELD(magic);
    SAME_FIELD(layout);
    SAME_FIELD(reserved1);
    /* the counters start where llstat's do (right after its header) and the sizes agree */
    LLT_EQ_U64(offsetof(llpmem_hist, counts), sizeof(llstat_hist));
    LLT_EQ_U64((uint64_t)((const char *)llstat_hist_counts(g_ls) - (const char *)g_ls), offsetof(llpmem_hist, counts));
    LLT_EQ_U64(sizeof(llpmem_hist), g_ls_size);
    LLT_EQ_U64(LLPMEM_HIST_COUNTS, g_ls->counts_len);
    /* init wrote the same bytes, header and counters */
    LLT_EQ_MEM(g_lp, g_ls, g_ls_size);
}

/* ------------------------------------------------------------------------------------------------------ */
static int g_arith_bad; /* report the first few differences only */
static void same_value(uint64_t v) {
    uint64_t top = g_ls->top_value;
    uint64_t a = llstat_hist_lowest_equivalent(g_ls, v), b = llpmem_hist_lowest_equivalent(g_lp, v);
    uint64_t c = llstat_hist_highest_equivalent(g_ls, v), d = llpmem_hist_highest_equivalent(g_lp, v);
    int bad = a != b || c != d;
    if (v <= top) bad |= llstat_hist_index(g_ls, v) != llpmem_hist_index(g_lp, v);
    if (bad && g_arith_bad++ < 5)
        LLT_CHECKF(0, "v %llu: index %u/%u lowest %llu/%llu highest %llu/%llu (llstat/llpmem)", (unsigned long long)v,
                   v <= top ? llstat_hist_index(g_ls, v) : 0u, v <= top ? llpmem_hist_index(g_lp, v) : 0u,
                   (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, (unsigned long long)d);
    else if (bad)
        g_arith_bad++;
}

static void index_and_boundaries(void) {
    uint64_t v, seed = 7, n, i;
    uint32_t k;
    LLT_REQUIRE(fresh_pair());
    g_arith_bad = 0;
    for (v = 0; v <= (1u << 20); v++) same_value(v);
    for (k = 0; k < 64; k++) {
        uint64_t p = (uint64_t)1 << k;
        same_value(p - 1u);
        same_value(p);
        same_value(p + 1u);
    }
    same_value(g_ls->top_value);
    same_value(g_ls->top_value + 1u);
    same_value(LLPMEM_HIST_HIGHEST);
    same_value(UINT64_MAX);
    n = llt_scaled(1000000, 20000);
    for (i = 0; i < n; i++) {
        uint64_t r = rng_next(&seed);
        same_value(r >> (r & 63u)); /* every magnitude */
    }
    LLT_EQ_U64((uint64_t)g_arith_bad, 0);
    /* every bucket: the same lower and upper bound, and the buckets tile 0..top_value without a gap */
    for (k = 0; k < g_ls->counts_len; k++) {
        uint64_t lo = llstat_hist_value_at_index(g_ls, k), hi = llstat_hist_highest_equivalent(g_ls, lo);
        if (lo != llpmem_hist_value_at_index(g_lp, k) || hi != llpmem_hist_highest_equivalent(g_lp, lo)) break;
        if (k + 1u < g_ls->counts_len && llpmem_hist_value_at_index(g_lp, k + 1u) != hi + 1u) break;
    }
    LLT_EQ_U64(k, g_ls->counts_len);
    LLT_EQ_U64(llpmem_hist_highest_equivalent(g_lp, llpmem_hist_value_at_index(g_lp, LLPMEM_HIST_COUNTS - 1u)),
               g_ls->top_value);
}

/* ------------------------------------------------------------------------------------------------------ */
/* the levels compared: the usual ones, every half percent, out-of-range ones and random ones */
static double g_levels[320];
static size_t g_nlevels;
static void make_levels(void) {
    static const double fixed[] = {0.0, 1e-9, 0.001, 0.1, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5,
                                   99.9, 99.95, 99.99, 99.999, 99.9999, 100.0, -1.0, 100.5, 1e300};
    uint64_t seed = 99;
    size_t i;
    g_nlevels = 0;
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) g_levels[g_nlevels++] = fixed[i];
    g_levels[g_nlevels++] = nan("");
    for (i = 0; i <= 200; i++) g_levels[g_nlevels++] = 0.5 * (double)i;
    while (g_nlevels < sizeof g_levels / sizeof g_levels[0]) g_levels[g_nlevels++] = 100.0 * rng_unit(&seed);
}

/* the figures of both sides after the same samples */
static void compare_pair(const char *what) {
    llstat_hist_iter it;
    size_t i;
    int bad = 0;
    LLT_CHECKF(memcmp(g_lp, g_ls, g_ls_size) == 0, "%s: the blocks differ", what);
    LLT_EQ_U64(llpmem_hist_count(g_lp), llstat_hist_count(g_ls));
    LLT_EQ_U64(llpmem_hist_sum(g_lp), llstat_hist_sum(g_ls));
    LLT_EQ_U64(llpmem_hist_overflow(g_lp), llstat_hist_overflow(g_ls));
    LLT_EQ_U64(llpmem_hist_min(g_lp), llstat_hist_min(g_ls));
    LLT_EQ_U64(llpmem_hist_max(g_lp), llstat_hist_max(g_ls));
    LLT_CHECKF(llpmem_hist_mean(g_lp) == llstat_hist_mean(g_ls), "%s: mean %.17g vs %.17g", what,
               llpmem_hist_mean(g_lp), llstat_hist_mean(g_ls));
    for (i = 0; i < g_nlevels; i++) {
        uint64_t a = llstat_hist_percentile(g_ls, g_levels[i]), b = llpmem_hist_percentile(g_lp, g_levels[i]);
        if (a != b && bad++ < 5)
            LLT_CHECKF(0, "%s: percentile %.17g: llstat %llu, llpmem %llu", what, g_levels[i], (unsigned long long)a,
                       (unsigned long long)b);
    }
    /* levels where pct / 100 * count lands one ulp above the last rank of a bucket in floating point:
       HdrHistogram's one-ulp correction decides whether the answer is that bucket or the next one */
    {
        uint64_t total = llstat_hist_count(g_ls), found = 0;
        llstat_hist_iter_init(&it, g_ls);
        while (llstat_hist_iter_next(&it) && it.cumulative < total && found < 64) {
            uint64_t k = it.cumulative, a, b;
            double p = 100.0 * (double)k / (double)total, fp = 0.0;
            int step;
            for (step = 0; step < 64; step++, p = nextafter(p, 200.0)) {
                fp = p / 100.0 * (double)total;
                if (fp > (double)k) break;
            }
            if (!(fp > (double)k) || nextafter(fp, 0.0) > (double)k) continue; /* not one ulp above */
            found++;
            a = llstat_hist_percentile(g_ls, p);
            b = llpmem_hist_percentile(g_lp, p);
            if (a != b && bad++ < 5)
                LLT_CHECKF(0, "%s: percentile %.17g (rank %llu of %llu): llstat %llu, llpmem %llu", what, p,
                           (unsigned long long)k, (unsigned long long)total, (unsigned long long)a,
                           (unsigned long long)b);
        }
        LLT_CHECKF(total < 2 || found > 0, "%s: no level one ulp above a bucket's last rank", what);
    }
    LLT_EQ_U64((uint64_t)bad, 0);
    /* every non-empty bucket llstat sees: the same bounds and count on llpmem's side */
    llstat_hist_iter_init(&it, g_ls);
    bad = 0;
    while (llstat_hist_iter_next(&it)) {
        if (g_lp->counts[it.index] != it.count || llpmem_hist_value_at_index(g_lp, it.index) != it.from ||
            llpmem_hist_highest_equivalent(g_lp, it.from) != it.to)
            bad++;
    }
    LLT_EQ_U64((uint64_t)bad, 0);
}

#define NDIST 5
static const char *k_dist_names[NDIST] = {"uniform", "log-normal", "bimodal", "edges", "above the range"};

static uint64_t to_u64(double x) { return x > 0.0 ? (uint64_t)x : 0u; }

/* the next sample of distribution d */
static uint64_t sample(int d, uint64_t *seed) {
    uint64_t top = ((uint64_t)1 << 42) - 1u, r;
    static const uint64_t edges[] = {0, 1, 2, 127, 128, 255, 256, 257, 1000, LLPMEM_HIST_LOWEST,
                                     LLPMEM_HIST_HIGHEST, LLPMEM_HIST_HIGHEST + 1u};
    switch (d) {
    case 0: return 100u + rng_next(seed) % 100000u;                              /* 100 ns .. 100 us */
    case 1: return to_u64(exp(log(2000.0) + rng_normal(seed)));               /* around 2 us */
    case 2:                                                                        /* ~1 us, 1 % at 1000x */
        r = rng_next(seed);
        return to_u64((r % 100u == 0 ? 1000000.0 : 1000.0) * (1.0 + 0.1 * rng_normal(seed)));
    case 3:                                                                        /* the edges, repeated */
        r = rng_next(seed) % 16u;
        if (r < sizeof edges / sizeof edges[0]) return edges[r];
        return r == 12 ? top - 1u : r == 13 ? top : r == 14 ? top + 1u : (top >> 1) + 1u;
    default:                                                                       /* a few far above */
        r = rng_next(seed);
        return r % 50u == 0 ? top + 1u + (r >> (r & 63u)) % (UINT64_MAX - top) : (r >> 20) >> (r % 40u);
    }
}

static void same_samples(void) {
    uint64_t n = llt_scaled(1000000, 20000), i;
    int d;
    LLT_REQUIRE(g_nlevels > 0);
    for (d = 0; d < NDIST; d++) {
        uint64_t seed = 1234u + (uint64_t)d, rec_bad = 0;
        char what[64];
        LLT_REQUIRE(fresh_pair());
        for (i = 0; i < n; i++) {
            uint64_t v = sample(d, &seed);
            /* llstat's single-writer and atomic forms, alternately: both are the same arithmetic */
            bool a = (i & 1) ? llstat_hist_record_atomic(g_ls, v) : llstat_hist_record(g_ls, v);
            bool b = llpmem_hist_record_atomic(g_lp, v);
            if (a != b) rec_bad++;
        }
        /* record_n on both */
        for (i = 0; i < 64; i++) {
            uint64_t v = sample(d, &seed), k = 1u + (i % 5u);
            if (llstat_hist_record_n(g_ls, v, k) != llpmem_hist_record_n_atomic(g_lp, v, k)) rec_bad++;
        }
        LLT_EQ_U64(rec_bad, 0);
        snprintf(what, sizeof what, "%s", k_dist_names[d]);
        compare_pair(what);
        if (d == 3 || d == 4) LLT_CHECKF(llpmem_hist_overflow(g_lp) > 0, "%s: nothing above the range", what);
        /* reset: both empty, the same bytes again */
        llstat_hist_reset(g_ls);
        llpmem_hist_reset(g_lp);
        LLT_EQ_U64(llpmem_hist_count(g_lp), 0);
        compare_pair("after reset");
    }
}

/* ------------------------------------------------------------------------------------------------------ */
static void merge_results(void) {
    llstat_hist *ls2 = (llstat_hist *)malloc(g_ls_size), *ls_whole = (llstat_hist *)malloc(g_ls_size);
    llpmem_hist *lp2 = (llpmem_hist *)malloc(sizeof *lp2), *lp_whole = (llpmem_hist *)malloc(sizeof *lp_whole);
    uint64_t n = llt_scaled(400000, 10000), i;
    int d;
    LLT_REQUIRE(ls2 && ls_whole && lp2 && lp_whole);
    for (d = 0; d < NDIST; d++) {
        uint64_t seed = 777u + (uint64_t)d;
        char what[64];
        LLT_REQUIRE(fresh_pair());
        LLT_REQUIRE(llstat_hist_init(ls2, g_ls_size, LLPMEM_HIST_LOWEST, LLPMEM_HIST_HIGHEST, LLPMEM_HIST_DIGITS) == 0);
        LLT_REQUIRE(llstat_hist_init(ls_whole, g_ls_size, LLPMEM_HIST_LOWEST, LLPMEM_HIST_HIGHEST, LLPMEM_HIST_DIGITS) == 0);
        LLT_REQUIRE(llpmem_hist_init(lp2) == 0 && llpmem_hist_init(lp_whole) == 0);
        for (i = 0; i < n; i++) { /* halves A (g_*) and B (*2), and the whole */
            uint64_t v = sample(d, &seed);
            if (i % 3u == 0) {
                (void)llstat_hist_record(ls2, v);
                (void)llpmem_hist_record_atomic(lp2, v);
            } else {
                (void)llstat_hist_record(g_ls, v);
                (void)llpmem_hist_record_atomic(g_lp, v);
            }
            (void)llstat_hist_record(ls_whole, v);
            (void)llpmem_hist_record_atomic(lp_whole, v);
        }
        LLT_EQ_I64(llstat_hist_merge(g_ls, ls2), 0);
        LLT_EQ_I64(llpmem_hist_merge(g_lp, lp2), 0);
        snprintf(what, sizeof what, "merge, %s", k_dist_names[d]);
        compare_pair(what);
        LLT_EQ_MEM(g_ls, ls_whole, g_ls_size); /* merged halves == the whole, on both sides */
        LLT_EQ_MEM(g_lp, lp_whole, sizeof *g_lp);
        /* merging into itself doubles every counter, sum and overflow on both sides */
        LLT_EQ_I64(llstat_hist_merge(g_ls, ls_whole), 0);
        LLT_EQ_I64(llpmem_hist_merge(g_lp, lp_whole), 0);
        compare_pair("merge twice");
        LLT_EQ_U64(llpmem_hist_count(g_lp), 2 * n);
    }
    LLT_EQ_I64(llpmem_hist_merge(g_lp, NULL), LLPMEM_EINVAL);
    free(ls2);
    free(ls_whole);
    free(lp2);
    free(lp_whole);
}

/* ------------------------------------------------------------------------------------------------------ */
/* the llpmem block is an llstat histogram: copied into llstat memory, llstat.h reads the same figures (and
   the other way round) */
static void interchangeable(void) {
    llstat_hist *copy = (llstat_hist *)malloc(g_ls_size);
    llpmem_hist *back = (llpmem_hist *)malloc(sizeof *back);
    uint64_t seed = 5, i, n = llt_scaled(100000, 5000);
    FILE *devnull = fopen("/dev/null", "w");
    LLT_REQUIRE(copy && back && devnull);
    LLT_REQUIRE(fresh_pair());
    for (i = 0; i < n; i++) (void)llpmem_hist_record_atomic(g_lp, sample(2, &seed));
    memcpy(copy, g_lp, sizeof *g_lp);
    LLT_EQ_U64(llstat_hist_count(copy), llpmem_hist_count(g_lp));
    LLT_EQ_U64(llstat_hist_percentile(copy, 99.0), llpmem_hist_percentile(g_lp, 99.0));
    LLT_EQ_U64(llstat_hist_max(copy), llpmem_hist_max(g_lp));
    LLT_EQ_I64(llstat_hist_print(copy, devnull, 5, 1000.0, false), 0);
    LLT_EQ_I64(llstat_hist_merge(g_ls, copy), 0); /* accepted as the same layout: slot by slot */
    LLT_EQ_MEM(llstat_hist_counts(g_ls), g_lp->counts, sizeof g_lp->counts);
    memcpy(back, g_ls, sizeof *back);
    LLT_EQ_U64(llpmem_hist_percentile(back, 50.0), llstat_hist_percentile(g_ls, 50.0));
    fclose(devnull);
    free(copy);
    free(back);
}

int main(int argc, char **argv) {
    LLT_INIT("hist_shape", argc, argv);
    g_ls_size = llstat_hist_memsize(LLPMEM_HIST_LOWEST, LLPMEM_HIST_HIGHEST, LLPMEM_HIST_DIGITS);
    g_ls = (llstat_hist *)malloc(g_ls_size ? g_ls_size : 1);
    g_lp = (llpmem_hist *)malloc(sizeof *g_lp);
    if (!g_ls || !g_lp || !g_ls_size) {
        printf("FAIL hist_shape/setup: llstat_hist_memsize(%u, %llu, %u) = %zu\n", LLPMEM_HIST_LOWEST,
               (unsigned long long)LLPMEM_HIST_HIGHEST, LLPMEM_HIST_DIGITS, g_ls_size);
        return 1;
    }
    make_levels();
    LLT_RUN(header_shape);
    LLT_RUN(index_and_boundaries);
    LLT_RUN(same_samples);
    LLT_RUN(merge_results);
    LLT_RUN(interchangeable);
    free(g_ls);
    free(g_lp);
    return LLT_FINISH();
}
