/* bench_llpmem.c - llpmem.h against PMDK libpmem, plain memcpy and hand-written flush loops.

   Every contender writes into the same mapping of the same file (/dev/shm, forced to take the
   persistent-memory path: llpmem with LLPMEM_FORCE, PMDK with PMEM_IS_PMEM_FORCE=1 set before libpmem
   initialises - the program re-executes itself to arrange that). Small operations rotate through a 1 MiB
   window of the mapping so that every call touches fresh lines, like a log append.

   Tables: memcpy_persist (64 B, 256 B, 4 KiB, 1 MiB), persist, the cost of per-region statistics (the
   same persist and copy with statistics off and on), msync fallback, forced paths against
   hand-written equivalents, the non-temporal threshold measurement, failure-atomic transactions
   (llpmem_tx against PMDK libpmemobj's pmemobj_tx_add_range, 64 B / 1 KiB / 16 KiB updates), and, in a
   child process per other non-temporal path this CPU has, memcpy_persist on that path.

   Every row names the path it ran: llpmem's copy path, and PMDK's, which the program pins to the same
   class through PMDK's own variables (PMEM_AVX512F, PMEM_MOVDIR64B, PMEM_AVX, PMEM_NO_MOVNT) before
   libpmem initialises - so a row never silently compares two different instruction sets. */
#define LLPMEM_IMPLEMENTATION
#include "llpmem.h"
#define LLSTAT_IMPLEMENTATION
#include "llstat.h" /* the histogram llpmem's is a copy of: its record is a row of the statistics table */
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"

#include <immintrin.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef LLB_HAVE_PMEM
#include <libpmem.h>
#endif
#ifdef LLB_HAVE_PMEMOBJ
#include <libpmemobj.h>
#endif

#define WINDOW (1u << 20)
#define MAP_LEN (8u << 20)

typedef struct ctx {
    char *dst;          /* start of the window */
    const char *src;
    size_t n;           /* bytes per operation */
    size_t off;         /* rotating offset in the window */
    size_t step;
    char *alt;          /* a second window with the same offsets (the statistics rows), or NULL */
} ctx;

static char *g_map;     /* forced-pmem mapping */
static char *g_src;
static char *g_file;    /* ordinary (msync) mapping */
static char *g_smap;    /* forced-pmem mapping with per-region statistics on (LLPMEM_STATS) */

static inline char *next_dst(ctx *c) {
    char *d = c->dst + c->off;
    c->off += c->step;
    if (c->off + c->n > WINDOW) c->off = 0;
    return d;
}

/* ---- hand-written equivalents ---- */
static inline void hw_clwb(const void *a, size_t n) {
    uintptr_t p = (uintptr_t)a & ~(uintptr_t)63, e = (uintptr_t)a + n;
    for (; p < e; p += 64) __asm__ __volatile__("clwb %0" : "+m"(*(volatile char *)p));
}
static inline void hw_clflushopt(const void *a, size_t n) {
    uintptr_t p = (uintptr_t)a & ~(uintptr_t)63, e = (uintptr_t)a + n;
    for (; p < e; p += 64) __asm__ __volatile__("clflushopt %0" : "+m"(*(volatile char *)p));
}
static inline void hw_clflush(const void *a, size_t n) {
    uintptr_t p = (uintptr_t)a & ~(uintptr_t)63, e = (uintptr_t)a + n;
    for (; p < e; p += 64) __asm__ __volatile__("clflush %0" : "+m"(*(volatile char *)p));
}
static inline void hw_sfence(void) { __asm__ __volatile__("sfence" ::: "memory"); }

/* dirty every line of the range (one 8-byte store per line) - same for every persist contender */
static inline void dirty(char *d, size_t n, uint64_t v) {
    size_t i;
    for (i = 0; i < n; i += 64) memcpy(d + i, &v, 8);
}

__attribute__((target("avx512f"))) static void hw_nt512(char *d, const char *s, size_t n) {
    size_t i;
    for (i = 0; i + 64 <= n; i += 64) _mm512_stream_si512((__m512i *)(d + i), _mm512_loadu_si512(s + i));
}
__attribute__((target("avx2"))) static void hw_nt256(char *d, const char *s, size_t n) {
    size_t i;
    for (i = 0; i + 32 <= n; i += 32)
        _mm256_stream_si256((__m256i *)(d + i), _mm256_loadu_si256((const __m256i *)(s + i)));
}
static void hw_nt128(char *d, const char *s, size_t n) {
    size_t i;
    for (i = 0; i + 16 <= n; i += 16)
        _mm_stream_si128((__m128i *)(d + i), _mm_loadu_si128((const __m128i *)(s + i)));
}

/* ---- copy rows ---- */
static void r_ll_memcpy_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) llpmem_memcpy_persist(next_dst(c), c->src, c->n);
}
static void r_ll_pmem_memmove(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) llpmem_pmem_memmove(next_dst(c), c->src, c->n, 0);
}
static void r_ll_temporal(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) llpmem_pmem_memmove(next_dst(c), c->src, c->n, LLPMEM_F_TEMPORAL);
}
static void r_ll_nt(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) llpmem_pmem_memmove(next_dst(c), c->src, c->n, LLPMEM_F_NT);
}
static void r_memcpy(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        memcpy(next_dst(c), c->src, c->n);
        llb_clobber();
    }
}
static void r_memcpy_clwb(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        memcpy(d, c->src, c->n);
        hw_clwb(d, c->n);
        hw_sfence();
    }
}
static void r_hw_nt512(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        hw_nt512(next_dst(c), c->src, c->n);
        hw_sfence();
    }
}
static void r_hw_nt256(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        hw_nt256(next_dst(c), c->src, c->n);
        hw_sfence();
    }
}
static void r_hw_nt128(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        hw_nt128(next_dst(c), c->src, c->n);
        hw_sfence();
    }
}
#ifdef LLB_HAVE_PMEM
static void r_pmdk_memcpy_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) pmem_memcpy_persist(next_dst(c), c->src, c->n);
}
#endif

/* ---- persist rows (each dirties its lines first) ---- */
static void r_ll_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        llpmem_persist(d, c->n);
    }
}
static void r_ll_pmem_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        llpmem_pmem_persist(d, c->n);
    }
}
static void r_hw_clwb_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        hw_clwb(d, c->n);
        hw_sfence();
    }
}
static void r_hw_clflushopt_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        hw_clflushopt(d, c->n);
        hw_sfence();
    }
}
static void r_hw_clflush_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        hw_clflush(d, c->n);
        hw_sfence();
    }
}
static void r_hw_fence_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        hw_sfence();
    }
}
#ifdef LLB_HAVE_PMEM
static void r_pmdk_persist(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        pmem_persist(d, c->n);
    }
}
static void r_pmdk_msync(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        dirty(d, c->n, it);
        pmem_msync(d, c->n);
    }
}
#endif
static void r_hw_msync(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = next_dst(c);
        uintptr_t a = (uintptr_t)d & ~(uintptr_t)4095, e = ((uintptr_t)d + c->n + 4095) & ~(uintptr_t)4095;
        dirty(d, c->n, it);
        msync((void *)a, e - a, MS_SYNC);
    }
}

/* ---- statistics rows: the same operations in the region with statistics on (c->alt: same offsets) ---- */
static void r_ll_persist_stats(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) {
        char *d = c->alt + (next_dst(c) - c->dst);
        dirty(d, c->n, it);
        llpmem_persist(d, c->n);
    }
}
static void r_ll_memcpy_persist_stats(void *v, uint64_t it) {
    ctx *c = (ctx *)v;
    while (it--) llpmem_memcpy_persist(c->alt + (next_dst(c) - c->dst), c->src, c->n);
}

/* ---- recording one latency, alone: llpmem_hist against the histogram it replaced and against llstat's ---- */
#define REC_VALUES 4096u
static uint64_t g_rec_values[REC_VALUES]; /* persist-like latencies: ~90..400 ns, 1 % at 2..60 us */

/* llpmem 0.1's histogram, as it was in llpmem.h before it became llstat's (the anchor for "must not grow"):
   exact below 16, then 16 sub-buckets per power of two; count, sum and the bucket by atomic adds, the
   maximum by a compare-and-swap loop */
typedef struct old_hist {
    uint64_t count, sum, max;
    uint64_t bucket[976];
} old_hist;
static inline void old_hist_add(old_hist *h, uint64_t v) {
    size_t idx;
    if (v < 16u) {
        idx = (size_t)v;
    } else {
        unsigned e = 63u - (unsigned)__builtin_clzll(v);
        idx = (size_t)(e - 3u) * 16u + (size_t)((v >> (e - 4u)) & 15u);
    }
    __atomic_fetch_add(&h->bucket[idx], 1u, __ATOMIC_RELAXED);
    __atomic_fetch_add(&h->count, 1u, __ATOMIC_RELAXED);
    __atomic_fetch_add(&h->sum, v, __ATOMIC_RELAXED);
    {
        uint64_t m = __atomic_load_n(&h->max, __ATOMIC_RELAXED);
        while (v > m && !__atomic_compare_exchange_n(&h->max, &m, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
    }
}
static void r_old_hist(void *v, uint64_t it) {
    old_hist *h = (old_hist *)v;
    while (it--) {
        old_hist_add(h, g_rec_values[it & (REC_VALUES - 1u)]);
        llb_clobber();
    }
}
static void r_llpmem_hist(void *v, uint64_t it) {
    llpmem_hist *h = (llpmem_hist *)v;
    while (it--) {
        (void)llpmem_hist_record_atomic(h, g_rec_values[it & (REC_VALUES - 1u)]);
        llb_clobber();
    }
}
static void r_llstat_hist(void *v, uint64_t it) {
    llstat_hist *h = (llstat_hist *)v;
    while (it--) {
        (void)llstat_hist_record_atomic(h, g_rec_values[it & (REC_VALUES - 1u)]);
        llb_clobber();
    }
}

/* every row starts from the same cache state: the window written back and evicted */
static void evict(char *base) {
    size_t i;
    for (i = 0; i < WINDOW + 4096; i += 64) __asm__ __volatile__("clflushopt %0" : "+m"(*(volatile char *)(base + i)));
    hw_sfence();
}

static double run_row(llb_table *t, const char *name, llb_fn fn, ctx *c) {
    c->off = 0;
    evict(c->dst);
    if (c->alt) evict(c->alt);
    return llb_run(t, name, fn, c);
}

static int section(const char *name) {
    const char *only = getenv("LLPMEM_BENCH_ONLY");
    return !only || strstr(only, name) != NULL;
}

static const size_t k_sizes[] = {64, 256, 4096, 1u << 20};
static const char *k_size_names[] = {"64 B", "256 B", "4 KiB", "1 MiB"};

static ctx mk(char *base, size_t n) {
    ctx c;
    c.dst = base;
    c.src = g_src;
    c.n = n;
    c.off = 0;
    c.step = n < 64 ? 64 : n;
    c.alt = NULL;
    return c;
}

static double ratio(llb_table *t, const char *a, const char *b) {
    double x = llb_ns(t, a), y = llb_ns(t, b);
    return (x > 0 && y > 0) ? y / x : 0;
}

/* summary lines collected for the end */
static char g_summary[8192];
static void sum_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sum_add(const char *fmt, ...) {
    va_list ap;
    size_t l = strlen(g_summary);
    va_start(ap, fmt);
    vsnprintf(g_summary + l, sizeof g_summary - l, fmt, ap);
    va_end(ap);
}

typedef struct row {
    const char *name;
    llb_fn fn;
} row;

/* The headline comparisons are latency-bound (one sfence wait of ~90 ns per operation) and drift by a
   few percent between runs on this VM, so each row is measured in several rounds, interleaved with the
   other rows (rotating the order), and the median of the rounds' medians is reported. */
static void run_rows(llb_table *t, const row *rows, size_t nr, ctx *c) {
    enum { MAXR = 8, MAXROUNDS = 5 };
    double ns[MAXR][MAXROUNDS], err[MAXR];
    int rounds = llb_quick() ? 1 : 3, r;
    size_t i;
    const char *env = getenv("LLPMEM_BENCH_ROUNDS");
    if (env && atoi(env) > 0) rounds = atoi(env) > MAXROUNDS ? MAXROUNDS : atoi(env);
    for (i = 0; i < nr; i++) err[i] = 0;
    for (r = 0; r < rounds; r++) {
        llb_table *scratch = llb_table_new("scratch");
        for (i = 0; i < nr; i++) {
            size_t j = (i + (size_t)r) % nr;
            double e;
            ns[j][r] = run_row(scratch, rows[j].name, rows[j].fn, c);
            e = llb_err(scratch, rows[j].name);
            if (e > err[j]) err[j] = e;
        }
        llb_table_free(scratch);
    }
    for (i = 0; i < nr; i++) {
        double v[MAXROUNDS], lo = ns[i][0], hi = ns[i][0];
        for (r = 0; r < rounds; r++) {
            v[r] = ns[i][r];
            if (v[r] < lo) lo = v[r];
            if (v[r] > hi) hi = v[r];
        }
        llb_add(t, rows[i].name, llb_median(v, (size_t)rounds), err[i]);
        if (rounds > 1) llb_note(t, "%d rounds: %.1f..%.1f ns", rounds, lo, hi);
    }
}

/* a hand-written loop and the llpmem call it stands for, in rotated rounds */
static void run_pair(llb_table *t, const char *hw_name, llb_fn hw, const char *ll_name, llb_fn ll, ctx *c) {
    row rows[2];
    rows[0].name = hw_name;
    rows[0].fn = hw;
    rows[1].name = ll_name;
    rows[1].fn = ll;
    run_rows(t, rows, 2, c);
}

/* the copy path of each contender, for the row names: llpmem's own, and PMDK's as pinned by its variables */
static char g_ll_row[96], g_llm_row[96], g_pmdk_row[96];

static const char *pmdk_path_name(void) {
    const char *v;
    if ((v = getenv("PMEM_NO_MOVNT")) && strcmp(v, "1") == 0) return "no movnt";
    if ((v = getenv("PMEM_MOVDIR64B")) && strcmp(v, "1") == 0) return "movdir64b";
    if ((v = getenv("PMEM_AVX512F")) && strcmp(v, "1") == 0) return "avx512f";
    if ((v = getenv("PMEM_AVX")) && strcmp(v, "1") == 0) return "avx";
    if (getenv("PMEM_AVX")) return "sse2";
    return "default";
}

/* PMDK's variables for the same class of non-temporal stores as llpmem's path nt */
static void pmdk_pin_path(int nt) {
    setenv("PMEM_NO_MOVNT", nt == LLPMEM_NT_NONE ? "1" : "0", 1);
    setenv("PMEM_MOVDIR64B", nt == LLPMEM_NT_MOVDIR64B ? "1" : "0", 1);
    setenv("PMEM_AVX512F", nt == LLPMEM_NT_AVX512 ? "1" : "0", 1);
    setenv("PMEM_AVX", nt == LLPMEM_NT_AVX2 ? "1" : "0", 1);
}

static void name_rows(void) {
    const char *ll = llpmem_nt_name(llpmem_get_nt()), *fl = llpmem_flush_name(llpmem_get_flush());
    snprintf(g_ll_row, sizeof g_ll_row, "llpmem_memcpy_persist [%s, %s]", ll, fl);
    snprintf(g_llm_row, sizeof g_llm_row, "llpmem_pmem_memmove (no lookup) [%s, %s]", ll, fl);
    snprintf(g_pmdk_row, sizeof g_pmdk_row, "PMDK pmem_memcpy_persist [%s]", pmdk_path_name());
}

static void bench_memcpy_persist(const char *tag) {
    row rows[] = {
#ifdef LLB_HAVE_PMEM
        {g_pmdk_row, r_pmdk_memcpy_persist},
#endif
        {g_ll_row, r_ll_memcpy_persist},
        {g_llm_row, r_ll_pmem_memmove},
        {"memcpy + clwb loop + sfence (hand-written)", r_memcpy_clwb},
        {"plain memcpy (not durable)", r_memcpy},
    };
    size_t k;
    for (k = 0; k < 4; k++) {
        char title[160];
        ctx c = mk(g_map, k_sizes[k]);
        llb_table *t;
        snprintf(title, sizeof title, "memcpy_persist %s%s (dest rotates through 1 MiB of a forced-pmem /dev/shm mapping)",
                 k_size_names[k], tag);
        t = llb_table_new(title);
        if (k == 3) llb_bytes(t, (double)k_sizes[k]);
        run_rows(t, rows, sizeof rows / sizeof rows[0], &c);
        llb_print(t);
#ifdef LLB_HAVE_PMEM
        sum_add("| memcpy_persist %s%s (llpmem %s, PMDK %s) | %.2fx PMDK | %.2fx memcpy+clwb |\n", k_size_names[k], tag,
                llpmem_nt_name(llpmem_get_nt()), pmdk_path_name(), ratio(t, g_ll_row, g_pmdk_row),
                ratio(t, g_ll_row, "memcpy + clwb loop + sfence (hand-written)"));
#else
        sum_add("| memcpy_persist %s%s (llpmem %s) | PMDK skipped | %.2fx memcpy+clwb |\n", k_size_names[k], tag,
                llpmem_nt_name(llpmem_get_nt()), ratio(t, g_ll_row, "memcpy + clwb loop + sfence (hand-written)"));
#endif
        llb_table_free(t);
    }
}

static void bench_persist(const char *tag) {
    static const row rows[] = {
        {"clwb loop + sfence (hand-written)", r_hw_clwb_persist},
        {"llpmem_persist", r_ll_persist},
        {"llpmem_pmem_persist (no lookup)", r_ll_pmem_persist},
#ifdef LLB_HAVE_PMEM
        {"PMDK pmem_persist", r_pmdk_persist},
#endif
    };
    size_t k;
    for (k = 0; k < 4; k++) {
        char title[160];
        ctx c = mk(g_map, k_sizes[k]);
        llb_table *t;
        snprintf(title, sizeof title, "persist %s%s (one store per line, then make it durable)", k_size_names[k], tag);
        t = llb_table_new(title);
        if (k == 3) llb_bytes(t, (double)k_sizes[k]);
        run_rows(t, rows, sizeof rows / sizeof rows[0], &c);
        llb_print(t);
        sum_add("| persist %s%s | %.3fx clwb loop |", k_size_names[k], tag,
                ratio(t, "llpmem_persist", "clwb loop + sfence (hand-written)"));
#ifdef LLB_HAVE_PMEM
        sum_add(" %.2fx PMDK |\n", ratio(t, "llpmem_persist", "PMDK pmem_persist"));
#else
        sum_add(" PMDK skipped |\n");
#endif
        llb_table_free(t);
    }
}

/* What the per-region statistics cost: the same persist and copy in a region with statistics off and in
   one with them on (LLPMEM_STATS: counters, two counter readings and one latency-histogram record per
   durable call), rows interleaved in rotated rounds. The difference is the recording cost. */
static void bench_stats(void) {
    static const row persist_rows[] = {
        {"llpmem_persist, statistics off", r_ll_persist},
        {"llpmem_persist, statistics on", r_ll_persist_stats},
    };
    static const row copy_rows[] = {
        {"llpmem_memcpy_persist, statistics off", r_ll_memcpy_persist},
        {"llpmem_memcpy_persist, statistics on", r_ll_memcpy_persist_stats},
    };
    static const size_t sizes[] = {64, 4096};
    static const char *names[] = {"64 B", "4 KiB"};
    size_t k;
    for (k = 0; k < 2; k++) {
        char title[160];
        ctx c = mk(g_map, sizes[k]);
        llb_table *t;
        double on, off;
        c.alt = g_smap;
        snprintf(title, sizeof title, "statistics on vs off: persist and memcpy_persist %s (forced-pmem mappings)",
                 names[k]);
        t = llb_table_new(title);
        run_rows(t, persist_rows, 2, &c);
        run_rows(t, copy_rows, 2, &c);
        llb_print(t);
        off = llb_ns(t, "llpmem_persist, statistics off");
        on = llb_ns(t, "llpmem_persist, statistics on");
        sum_add("| statistics on, persist %s | time on/off %.3fx (+%.1f ns) |", names[k], off > 0 ? on / off : 0,
                on - off);
        off = llb_ns(t, "llpmem_memcpy_persist, statistics off");
        on = llb_ns(t, "llpmem_memcpy_persist, statistics on");
        sum_add(" memcpy_persist: time on/off %.3fx (+%.1f ns) |\n", off > 0 ? on / off : 0, on - off);
        llb_table_free(t);
    }
    /* the record alone, one thread, hot: what the statistics add besides the two counter readings */
    {
        old_hist *oh = (old_hist *)calloc(1, sizeof *oh);
        llpmem_hist *ph = (llpmem_hist *)malloc(sizeof *ph);
        size_t lsz = llstat_hist_memsize(LLPMEM_HIST_LOWEST, LLPMEM_HIST_HIGHEST, LLPMEM_HIST_DIGITS);
        llstat_hist *lh = (llstat_hist *)malloc(lsz);
        uint64_t seed = 88172645463325252ull;
        llb_table *t;
        size_t i;
        if (!oh || !ph || !lh || llpmem_hist_init(ph) != 0 ||
            llstat_hist_init(lh, lsz, LLPMEM_HIST_LOWEST, LLPMEM_HIST_HIGHEST, LLPMEM_HIST_DIGITS) != 0) {
            printf("skipped: histogram record rows (no memory)\n\n");
        } else {
            for (i = 0; i < REC_VALUES; i++) {
                seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
                g_rec_values[i] = seed % 100u == 0 ? 2000u + seed % 58000u : 90u + (seed >> 8) % 310u;
            }
            t = llb_table_new("recording one latency: atomic record, one thread, hot (4096 persist-like values)");
            {
                /* rotated rounds, as the other tables; each row has its own histogram */
                enum { MAXROUNDS = 5 };
                static const char *names[3] = {"llpmem 0.1 histogram (976 buckets; count, sum, bucket + max CAS)",
                                               "llpmem_hist_record_atomic (llstat's layout, 1 ns .. 1 h, 2 digits)",
                                               "llstat_hist_record_atomic (same range)"};
                llb_fn fns[3] = {r_old_hist, r_llpmem_hist, r_llstat_hist};
                void *ctxs[3];
                double ns[3][MAXROUNDS], err[3] = {0, 0, 0};
                int rounds = llb_quick() ? 1 : 3, rd;
                const char *env = getenv("LLPMEM_BENCH_ROUNDS");
                if (env && atoi(env) > 0) rounds = atoi(env) > MAXROUNDS ? MAXROUNDS : atoi(env);
                ctxs[0] = oh;
                ctxs[1] = ph;
                ctxs[2] = lh;
                for (rd = 0; rd < rounds; rd++) {
                    llb_table *scratch = llb_table_new("scratch");
                    for (i = 0; i < 3; i++) {
                        size_t j = (i + (size_t)rd) % 3u;
                        double e;
                        ns[j][rd] = llb_run(scratch, names[j], fns[j], ctxs[j]);
                        e = llb_err(scratch, names[j]);
                        if (e > err[j]) err[j] = e;
                    }
                    llb_table_free(scratch);
                }
                for (i = 0; i < 3; i++) {
                    double v[MAXROUNDS], lo = ns[i][0], hi = ns[i][0];
                    for (rd = 0; rd < rounds; rd++) {
                        v[rd] = ns[i][rd];
                        if (v[rd] < lo) lo = v[rd];
                        if (v[rd] > hi) hi = v[rd];
                    }
                    llb_add(t, names[i], llb_median(v, (size_t)rounds), err[i]);
                    if (rounds > 1) llb_note(t, "%d rounds: %.2f..%.2f ns", rounds, lo, hi);
                }
                llb_print(t);
                sum_add("| histogram record alone | llpmem_hist time / 0.1 histogram time %.3fx |"
                        " llpmem_hist time / llstat_hist_record_atomic time %.3fx |\n",
                        llb_ns(t, names[0]) > 0 ? llb_ns(t, names[1]) / llb_ns(t, names[0]) : 0,
                        llb_ns(t, names[2]) > 0 ? llb_ns(t, names[1]) / llb_ns(t, names[2]) : 0);
            }
            llb_table_free(t);
        }
        free(oh);
        free(ph);
        free(lh);
    }
}

static void bench_msync(void) {
    ctx c = mk(g_file, 4096);
    llb_table *t = llb_table_new("msync fallback, 4 KiB dirty, ordinary /dev/shm file (not pmem)");
    run_row(t, "msync of the page range (hand-written)", r_hw_msync, &c);
    run_row(t, "llpmem_persist (msync path)", r_ll_persist, &c);
#ifdef LLB_HAVE_PMEM
run_row(t, "PMDK pmem_msync", r_pmdk_msync, &c);
#endif
    llb_print(t);
#ifdef LLB_HAVE_PMEM
    sum_add("| msync 4 KiB | %.2fx hand-written msync | %.2fx PMDK pmem_msync |\n",
            ratio(t, "llpmem_persist (msync path)", "msync of the page range (hand-written)"),
            ratio(t, "llpmem_persist (msync path)", "PMDK pmem_msync"));
#endif
    llb_table_free(t);
}

static void bench_forced(void) {
    static const struct { int kind; const char *name; llb_fn hw; } fl[] = {
        {LLPMEM_FLUSH_CLFLUSHOPT, "clflushopt", r_hw_clflushopt_persist},
        {LLPMEM_FLUSH_CLFLUSH, "clflush", r_hw_clflush_persist},
    };
    size_t k, f;
    int oldf = llpmem_get_flush(), oldnt = llpmem_get_nt();
    for (f = 0; f < 2; f++) {
        if (llpmem_set_flush(fl[f].kind) != 0) {
            printf("skipped: forced %s (CPU lacks it)\n\n", fl[f].name);
            continue;
        }
        for (k = 0; k < 3; k++) {
            char title[160], hwname[96];
            ctx c = mk(g_map, k_sizes[k]);
            llb_table *t;
            snprintf(title, sizeof title, "forced %s: persist %s", fl[f].name, k_size_names[k]);
            snprintf(hwname, sizeof hwname, "%s loop + sfence (hand-written)", fl[f].name);
            t = llb_table_new(title);
            run_pair(t, hwname, fl[f].hw, "llpmem_persist", r_ll_persist, &c);
            llb_print(t);
            sum_add("| forced %s persist %s | %.3fx hand-written |\n", fl[f].name, k_size_names[k],
                    ratio(t, "llpmem_persist", hwname));
            llb_table_free(t);
        }
    }
    llpmem_set_flush(oldf);
    /* eADR: fence only */
    llpmem_force_eadr(1);
    for (k = 0; k < 3; k++) {
        char title[160];
        ctx c = mk(g_map, k_sizes[k]);
        llb_table *t;
        snprintf(title, sizeof title, "forced eADR: persist %s (fence only)", k_size_names[k]);
        t = llb_table_new(title);
        {
            static const row rows[] = {{"sfence (hand-written)", r_hw_fence_persist},
                                       {"llpmem_persist", r_ll_persist},
                                       {"llpmem_pmem_persist (no lookup)", r_ll_pmem_persist}};
            run_rows(t, rows, 3, &c);
        }
        llb_print(t);
        sum_add("| forced eADR persist %s | %.3fx hand-written (llpmem_persist, address checked) | %.3fx (llpmem_pmem_persist, inline) |\n",
                k_size_names[k], ratio(t, "llpmem_persist", "sfence (hand-written)"),
                ratio(t, "llpmem_pmem_persist (no lookup)", "sfence (hand-written)"));
        llb_table_free(t);
    }
    llpmem_force_eadr(-1);
    /* non-temporal copy paths, 64-byte-aligned destination, vs the same stores written by hand */
    {
        static const struct { int kind; const char *name; llb_fn hw; } nt[] = {
            {LLPMEM_NT_AVX512, "avx512", r_hw_nt512},
            {LLPMEM_NT_AVX2, "avx2", r_hw_nt256},
            {LLPMEM_NT_SSE2, "sse2", r_hw_nt128},
            {LLPMEM_NT_MOVDIR64B, "movdir64b", NULL},
        };
        for (f = 0; f < 4; f++) {
            if (llpmem_set_nt(nt[f].kind) != 0 || !nt[f].hw) {
                printf("skipped: forced %s copy path (CPU lacks it)\n\n", nt[f].name);
                continue;
            }
            for (k = 0; k < 4; k++) {
                char title[160], hwname[96];
                ctx c = mk(g_map, k_sizes[k]);
                llb_table *t;
                snprintf(title, sizeof title, "forced %s non-temporal copy %s", nt[f].name, k_size_names[k]);
                snprintf(hwname, sizeof hwname, "%s stream loop + sfence (hand-written)", nt[f].name);
                t = llb_table_new(title);
                if (k == 3) llb_bytes(t, (double)k_sizes[k]);
                run_pair(t, hwname, nt[f].hw, "llpmem_memcpy_persist", r_ll_memcpy_persist, &c);
                llb_print(t);
                sum_add("| forced %s copy %s | %.3fx hand-written |\n", nt[f].name, k_size_names[k],
                        ratio(t, "llpmem_memcpy_persist", hwname));
                llb_table_free(t);
            }
        }
        llpmem_set_nt(oldnt);
    }
}

/* where do non-temporal stores start to win? aligned and unaligned destinations */
static void bench_threshold(void) {
    static const size_t sz[] = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
    static const char *kind[] = {"aligned", "dest+13", "aligned, len+13"};
    size_t k;
    int mis;
    llb_table *t = llb_table_new("non-temporal threshold: NT vs cached stores + clwb, per size (ns/op)");
    for (mis = 0; mis < 3; mis++)
        for (k = 0; k < sizeof sz / sizeof sz[0]; k++) {
            char name[96];
            size_t n = sz[k] + (mis == 2 ? 13 : 0);
            ctx c = mk(g_map + (mis == 1 ? 13 : 0), n);
            double a, b;
            c.step = (n + 63) & ~(size_t)63;
            snprintf(name, sizeof name, "%zu B %s: temporal", n, kind[mis]);
            a = run_row(t, name, r_ll_temporal, &c);
            snprintf(name, sizeof name, "%zu B %s: non-temporal", n, kind[mis]);
            b = run_row(t, name, r_ll_nt, &c);
            llb_note(t, "NT/temporal %.2f", a / b);
        }
    llb_print(t);
    llb_table_free(t);
}

/* memcpy_persist on another non-temporal path, in a fresh process (both libraries choose at start-up) */
static int run_child_path(const char *self, int nt) {
    pid_t pid = fork();
    int st = 0;
    if (pid == 0) {
        setenv("LLPMEM_FORCE_NT", llpmem_nt_name(nt), 1);
        pmdk_pin_path(nt);
        setenv("PMEM_IS_PMEM_FORCE", "1", 1);
        setenv("LLPMEM_BENCH_PINNED", "1", 1);
        execl(self, self, "--path", (char *)NULL);
        _exit(99);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- failure-atomic transactions: llpmem_tx vs PMDK libpmemobj (pmemobj_tx_add_range) ----
   Each operation: begin, snapshot n bytes, overwrite them, commit - at a destination that rotates
   through 1 MiB, in a DRAM-backed file on /dev/shm treated as persistent memory by both
   (LLPMEM_FORCE / PMEM_IS_PMEM_FORCE=1). */
#define TX_WINDOW (1u << 20)
typedef struct txctx {
    llpmem_tx *tx;
    char *base;            /* llpmem: start of the window */
#ifdef LLB_HAVE_PMEMOBJ
    PMEMobjpool *pop;
    PMEMoid root;
    char *pbase;           /* PMDK: start of the root object */
#endif
    const char *src;
    size_t n, off, step;
    int errors;
} txctx;

static size_t tx_next(txctx *c) {
    size_t o = c->off;
    c->off += c->step;
    if (c->off + c->n > TX_WINDOW) c->off = 0;
    return o;
}

static void r_ll_tx(void *v, uint64_t it) {
    txctx *c = (txctx *)v;
    while (it--) {
        char *d = c->base + tx_next(c);
        if (llpmem_tx_begin(c->tx) != 0 || llpmem_tx_add(c->tx, d, c->n) != 0) c->errors++;
        memcpy(d, c->src, c->n);
        if (llpmem_tx_commit(c->tx) != 0) c->errors++;
    }
}

#ifdef LLB_HAVE_PMEMOBJ
static void r_pmdk_tx(void *v, uint64_t it) {
    txctx *c = (txctx *)v;
    while (it--) {
        size_t o = tx_next(c);
        if (pmemobj_tx_begin(c->pop, NULL, TX_PARAM_NONE) != 0) {
            c->errors++;
            continue;
        }
        if (pmemobj_tx_add_range(c->root, o, c->n) != 0) c->errors++;
        memcpy(c->pbase + o, c->src, c->n);
        pmemobj_tx_commit();
        if (pmemobj_tx_end() != 0) c->errors++;
    }
}
#endif

static void bench_tx(void) {
    static const size_t sizes[] = {64, 1024, 16384};
    static const char *names[] = {"64 B", "1 KiB", "16 KiB"};
    const char *path = "/dev/shm/llpmem_bench_tx", *ppath = "/dev/shm/llpmem_bench_obj";
    llpmem_region *r;
    llpmem_tx tx;
    txctx c;
    size_t k;
    char llname[96], pname[96];
    memset(&c, 0, sizeof c);
    unlink(path);
    if (llpmem_open(path, 4u << 20, LLPMEM_CREATE | LLPMEM_FORCE | LLPMEM_PREWARM, 0600, &r) != 0 ||
        llpmem_tx_init(&tx, r, (char *)llpmem_addr(r) + (2u << 20), 1u << 20) != 0) {
        printf("skipped: llpmem_tx (cannot map %s)\n\n", path);
        return;
    }
    c.tx = &tx;
    c.base = (char *)llpmem_addr(r);
    c.src = g_src;
    snprintf(llname, sizeof llname, "llpmem_tx begin/add/commit [%s, %s]", llpmem_flush_name(llpmem_get_flush()),
             llpmem_nt_name(llpmem_get_nt()));
#ifdef LLB_HAVE_PMEMOBJ
    unlink(ppath);
    c.pop = pmemobj_create(ppath, "llpmem_bench", (size_t)64 << 20, 0600);
    if (c.pop) {
        c.root = pmemobj_root(c.pop, TX_WINDOW + 65536);
        c.pbase = (char *)pmemobj_direct(c.root);
        memset(c.pbase, 0, TX_WINDOW);
        pmemobj_persist(c.pop, c.pbase, TX_WINDOW);
    } else {
        printf("skipped: PMDK libpmemobj (pmemobj_create %s failed: %s)\n\n", ppath, pmemobj_errormsg());
    }
    snprintf(pname, sizeof pname, "PMDK libpmemobj tx_begin/add_range/commit [%s]", pmdk_path_name());
#else
    (void)ppath;
    (void)pname;
    printf("skipped: PMDK libpmemobj not installed (libpmemobj-dev): llpmem_tx rows only\n\n");
#endif
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char title[160];
        llb_table *t;
        row rows[2];
        size_t nr = 0;
        c.n = sizes[k];
        c.step = sizes[k] < 64 ? 64 : sizes[k];
        c.off = 0;
        snprintf(title, sizeof title, "failure-atomic update %s (begin, snapshot, overwrite, commit; dest rotates through 1 MiB)",
                 names[k]);
        t = llb_table_new(title);
#ifdef LLB_HAVE_PMEMOBJ
        if (c.pop) {
            rows[nr].name = pname;
            rows[nr++].fn = r_pmdk_tx;
        }
#endif
        rows[nr].name = llname;
        rows[nr++].fn = r_ll_tx;
        {
            /* the same rotation of rounds as the other tables; each row starts from the window's start */
            enum { MAXROUNDS = 5 };
            double ns[2][MAXROUNDS], err[2] = {0, 0};
            int rounds = llb_quick() ? 1 : 3, rd;
            size_t i;
            for (rd = 0; rd < rounds; rd++) {
                llb_table *scratch = llb_table_new("scratch");
                for (i = 0; i < nr; i++) {
                    size_t j = (i + (size_t)rd) % nr;
                    double e;
                    c.off = 0;
                    ns[j][rd] = llb_run(scratch, rows[j].name, rows[j].fn, &c);
                    e = llb_err(scratch, rows[j].name);
                    if (e > err[j]) err[j] = e;
                }
                llb_table_free(scratch);
            }
            for (i = 0; i < nr; i++) {
                double v[MAXROUNDS], lo = ns[i][0], hi = ns[i][0];
                for (rd = 0; rd < rounds; rd++) {
                    v[rd] = ns[i][rd];
                    if (v[rd] < lo) lo = v[rd];
                    if (v[rd] > hi) hi = v[rd];
                }
                llb_add(t, rows[i].name, llb_median(v, (size_t)rounds), err[i]);
                if (rounds > 1) llb_note(t, "%d rounds: %.1f..%.1f ns", rounds, lo, hi);
            }
        }
        llb_print(t);
#ifdef LLB_HAVE_PMEMOBJ
        if (c.pop)
            sum_add("| llpmem_tx update %s | %.2fx PMDK libpmemobj tx (target %s) |\n", names[k], ratio(t, llname, pname),
                    k == 0 ? ">= 2x" : k == 1 ? ">= 1.5x" : ">= 1.0x");
#endif
        llb_table_free(t);
    }
    if (c.errors) printf("errors: %d failed transaction calls\n\n", c.errors);
#ifdef LLB_HAVE_PMEMOBJ
    if (c.pop) pmemobj_close(c.pop);
    unlink(ppath);
#endif
    llpmem_tx_destroy(&tx);
    llpmem_close(r);
    unlink(path);
}

int main(int argc, char **argv) {
    llpmem_region *r, *rf, *rs;
    const char *path = "/dev/shm/llpmem_bench";
    const char *paths = "/dev/shm/llpmem_bench_stats";
    const char *pathf = "/dev/shm/llpmem_bench_file";
    int child = argc > 1 && strcmp(argv[1], "--path") == 0;
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    llb_print_cpu();
    if (sl <= 0) return 1;
    self[sl] = 0;
    if (!getenv("LLPMEM_BENCH_PINNED")) {
        /* libpmem reads its variables in its constructor: set them, pin PMDK's copy path to llpmem's
           class, and re-execute */
        setenv("PMEM_IS_PMEM_FORCE", "1", 1);
        setenv("LLPMEM_BENCH_PINNED", "1", 1);
        pmdk_pin_path(llpmem_get_nt());
        execv(self, argv);
        return 1;
    }
    llb_pin_thread(1);
    name_rows();
    g_src = (char *)aligned_alloc(4096, 1u << 21);
    memset(g_src, 0x3c, 1u << 21);
    if (llpmem_open(path, MAP_LEN, LLPMEM_CREATE | LLPMEM_FORCE | LLPMEM_PREWARM, 0600, &r) != 0 ||
        llpmem_open(pathf, MAP_LEN, LLPMEM_CREATE | LLPMEM_PREWARM, 0600, &rf) != 0 ||
        llpmem_open(paths, WINDOW + 4096, LLPMEM_CREATE | LLPMEM_FORCE | LLPMEM_PREWARM | LLPMEM_STATS, 0600, &rs) != 0) {
        fprintf(stderr, "cannot map %s\n", path);
        return 1;
    }
    g_map = (char *)llpmem_addr(r);
    g_file = (char *)llpmem_addr(rf);
    g_smap = (char *)llpmem_addr(rs);
    if (child) {
        char tag[64];
        printf("## copy path %s: llpmem with LLPMEM_FORCE_NT=%s, PMDK pinned to %s\n\n", llpmem_nt_name(llpmem_get_nt()),
               llpmem_nt_name(llpmem_get_nt()), pmdk_path_name());
        snprintf(tag, sizeof tag, ", path %s", llpmem_nt_name(llpmem_get_nt()));
        bench_memcpy_persist(tag);
        printf("### ratios (path %s)\n\n| operation | vs PMDK | vs hand-written |\n|---|---|---|\n%s\n",
               llpmem_nt_name(llpmem_get_nt()), g_summary);
    } else {
        int nt;
        printf("## llpmem %s: flush %s, copy path %s, NT threshold %zu B, mapping %s (%s); PMDK copy path pinned to %s\n\n",
               llpmem_version(), llpmem_flush_name(llpmem_get_flush()), llpmem_nt_name(llpmem_get_nt()),
               llpmem_get_nt_threshold(), path, llpmem_kind_name(llpmem_region_kind(r)), pmdk_path_name());
#ifndef LLB_HAVE_PMEM
        printf("skipped: PMDK libpmem not installed (libpmem-dev)\n\n");
#endif
        if (section("memcpy")) bench_memcpy_persist("");
        if (section("persist")) bench_persist("");
        if (section("stats")) bench_stats();
        if (section("msync")) bench_msync();
        if (section("forced")) bench_forced();
        if (section("threshold")) bench_threshold();
        if (section("tx")) bench_tx();
        printf("### ratios (llpmem time advantage: >1 = llpmem faster)\n\n| operation | ratio | ratio |\n|---|---|---|\n%s\n",
               g_summary);
        fflush(stdout);
        /* every other wide non-temporal path this CPU has, each in its own process */
        for (nt = LLPMEM_NT_AVX512; nt <= LLPMEM_NT_AVX2; nt++) {
            int cur = llpmem_get_nt();
            if (!section("paths") || nt == cur || llpmem_set_nt(nt) != 0) continue;
            llpmem_set_nt(cur);
            run_child_path(self, nt);
        }
    }
    llpmem_close(r);
    llpmem_close(rf);
    llpmem_close(rs);
    if (!child) {
        unlink(path);
        unlink(pathf);
        unlink(paths);
    }
    free(g_src);
    return 0;
}
