/* bench/bench_llmem.c - llmem.h against glibc malloc, mimalloc, jemalloc, tcmalloc and libnuma.

   jemalloc, tcmalloc and mimalloc replace malloc when linked, so each runs in its own executable: this
   file is built once per allocator (-DBL_ALLOC_NAME="..."). Those builds, started with --rows, print
   their measurements as tab-separated ROW lines; the main build (glibc malloc, llmem, pages, NUMA) runs
   them as child processes, merges their rows into its tables and prints the ratios.

       build/bench_llmem [child executables...]      (make bench BENCH=mem) */
#define LLMEM_IMPLEMENTATION
#include "llmem.h"
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef BL_HAVE_NUMA
#include <numa.h>
#include <numaif.h>
#endif

#ifndef BL_ALLOC_NAME
#define BL_ALLOC_NAME "glibc"
#define BL_MAIN 1
#else
#define BL_MAIN 0
#endif

static const size_t bl_sizes[4] = {64, 256, 4096, 65536};
static int bl_rows_mode; /* child: print ROW lines */

typedef struct {
    size_t size;
    llmem_pool *pool;
    llmem_cache *cache;
    llmem_sc *sc;
    void *slot[512];
} bctx;

/* ---- hot reuse: one alloc + one free per op ---- */
#define BL_HOT(NAME, ALLOC, FREE)                                                                  \
    static void NAME(void *vc, uint64_t it) {                                                       \
        bctx *c = (bctx *)vc;                                                                       \
        uint64_t i;                                                                                 \
        for (i = 0; i < it; i++) {                                                                  \
            char *p = (char *)(ALLOC);                                                              \
            p[0] = (char)i;                                                                         \
            llb_do_not_optimize(p);                                                                 \
            FREE;                                                                                   \
        }                                                                                           \
    }
/* ---- 512 live, then all freed (in allocation order); op = one alloc + one free ---- */
#define BL_LIVE(NAME, ALLOC, FREE)                                                                 \
    static void NAME(void *vc, uint64_t it) {                                                       \
        bctx *c = (bctx *)vc;                                                                       \
        uint64_t done = 0;                                                                          \
        while (done < it) {                                                                         \
            size_t n = it - done < 512 ? (size_t)(it - done) : 512, k;                              \
            for (k = 0; k < n; k++) {                                                               \
                char *p = (char *)(ALLOC);                                                          \
                p[0] = (char)k;                                                                     \
                c->slot[k] = p;                                                                     \
            }                                                                                       \
            llb_clobber();                                                                          \
            for (k = 0; k < n; k++) {                                                               \
                void *p = c->slot[k];                                                               \
                FREE;                                                                               \
            }                                                                                       \
            done += n;                                                                              \
        }                                                                                           \
    }

BL_HOT(hot_malloc, malloc(c->size), free(p))
BL_LIVE(live_malloc, malloc(c->size), free(p))
#if BL_MAIN
BL_HOT(hot_cache, llmem_cache_alloc(c->cache), llmem_cache_free(c->cache, p))
BL_HOT(hot_pool, llmem_pool_alloc(c->pool), llmem_pool_free(c->pool, p))
BL_HOT(hot_sc, llmem_sc_alloc(c->sc, c->size), llmem_sc_free(c->sc, p))
BL_HOT(hot_scs, llmem_sc_alloc(c->sc, c->size), llmem_sc_free_sized(c->sc, p, c->size))
BL_LIVE(live_cache, llmem_cache_alloc(c->cache), llmem_cache_free(c->cache, p))
BL_LIVE(live_pool, llmem_pool_alloc(c->pool), llmem_pool_free(c->pool, p))
BL_LIVE(live_sc, llmem_sc_alloc(c->sc, c->size), llmem_sc_free(c->sc, p))
BL_LIVE(live_scs, llmem_sc_alloc(c->sc, c->size), llmem_sc_free_sized(c->sc, p, c->size))
#endif

/* ---- output: a row goes to a table (main) or to stdout as a ROW line (child) ---- */
#define BL_NTAB 12
static llb_table *bl_tab[BL_NTAB];
static const char *bl_key[BL_NTAB];
static llb_table *bl_table(const char *key, const char *title) {
    int i;
    for (i = 0; i < BL_NTAB && bl_key[i]; i++)
        if (strcmp(bl_key[i], key) == 0) return bl_tab[i];
    if (i == BL_NTAB) return NULL;
    bl_key[i] = key;
    bl_tab[i] = llb_table_new(title ? title : key);
    return bl_tab[i];
}
static llb_table *bl_find(const char *key) {
    int i;
    for (i = 0; i < BL_NTAB && bl_key[i]; i++)
        if (strcmp(bl_key[i], key) == 0) return bl_tab[i];
    return NULL;
}
static void bl_emit(const char *key, const char *name, double ns, double err, const char *note) {
    if (bl_rows_mode) {
        printf("ROW\t%s\t%s\t%.4f\t%.2f\t%s\n", key, name, ns, err, note ? note : "");
        fflush(stdout);
    } else {
        llb_table *t = bl_find(key);
        if (!t) return;
        llb_add(t, name, ns, err);
        if (note && *note) llb_note(t, "%s", note);
    }
}
/* run fn through the harness in a scratch table, then emit the row */
static double bl_measure(const char *key, const char *name, llb_fn fn, void *ctx, const char *note) {
    llb_table *scratch = llb_table_new("scratch");
    double ns = llb_run(scratch, name, fn, ctx), err = llb_err(scratch, name);
    llb_table_free(scratch);
    bl_emit(key, name, ns, err, note);
    return ns;
}

/* ---- latency of single calls (TSC) ---- */
static double bl_tsc_ghz;
static inline uint64_t bl_ticks(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    return llb_now_ns();
#endif
}
static void bl_calibrate(void) {
#if defined(__x86_64__)
    uint64_t t0 = llb_now_ns(), c0 = bl_ticks(), t1, c1;
    while (llb_now_ns() - t0 < 50000000ull) {}
    t1 = llb_now_ns();
    c1 = bl_ticks();
    bl_tsc_ghz = (double)(c1 - c0) / (double)(t1 - t0);
#else
    bl_tsc_ghz = 1.0;
#endif
}
static long bl_minflt(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

#define BL_LAT_N 200000
static uint64_t bl_la[BL_LAT_N], bl_lf[BL_LAT_N];
/* alloc/free sequence with a window of 512 live objects; one untimed warm-up pass */
#define BL_LAT(NAME, ALLOC, FREE)                                                                  \
    static long NAME(bctx *c) {                                                                     \
        static void *win[512];                                                                      \
        long f0 = 0;                                                                                \
        int pass;                                                                                   \
        size_t i;                                                                                   \
        for (pass = 0; pass < 2; pass++) {                                                          \
            memset(win, 0, sizeof win);                                                             \
            if (pass) f0 = bl_minflt();                                                             \
            for (i = 0; i < BL_LAT_N; i++) {                                                        \
                uint64_t t0, t1, t2, t3;                                                            \
                char *p;                                                                            \
                void *q = win[i & 511];                                                             \
                t0 = bl_ticks();                                                                    \
                p = (char *)(ALLOC);                                                                \
                t1 = bl_ticks();                                                                    \
                p[0] = 1;                                                                           \
                win[i & 511] = p;                                                                   \
                if (q) {                                                                            \
                    void *pf = q;                                                                   \
                    t2 = bl_ticks();                                                                \
                    FREE;                                                                           \
                    t3 = bl_ticks();                                                                \
                } else {                                                                            \
                    t2 = t3 = 0;                                                                    \
                }                                                                                   \
                bl_la[i] = t1 - t0;                                                                 \
                bl_lf[i] = t3 - t2;                                                                 \
            }                                                                                       \
            for (i = 0; i < 512; i++)                                                               \
                if (win[i]) {                                                                       \
                    void *pf = win[i];                                                              \
                    FREE;                                                                           \
                }                                                                                   \
        }                                                                                           \
        return bl_minflt() - f0;                                                                    \
    }
BL_LAT(lat_malloc, malloc(c->size), free(pf))
#if BL_MAIN
BL_LAT(lat_pool, llmem_pool_alloc(c->pool), llmem_pool_free(c->pool, pf))
BL_LAT(lat_sc, llmem_sc_alloc(c->sc, c->size), llmem_sc_free(c->sc, pf))
#endif

/* the cost of the timer itself (an empty pair of reads), subtracted from every sample */
static uint64_t bl_floor_ticks(void) {
    static uint64_t v[20001];
    static uint64_t floor_t = ~0ull;
    size_t i;
    if (floor_t == ~0ull) {
        for (i = 0; i < 20001; i++) {
            uint64_t t0 = bl_ticks();
            llb_clobber();
            v[i] = bl_ticks() - t0;
        }
        {
            double p50;
            llb_percentiles(v, 20001, &p50, NULL, NULL, NULL);
            floor_t = (uint64_t)p50;
        }
    }
    return floor_t;
}
/* calls slower than 50 ns (timer included), per million: a tail figure the 10 ns clock step can resolve */
static double bl_over50(const uint64_t *v, size_t n) {
    size_t i, c = 0;
    uint64_t lim = (uint64_t)(50.0 * bl_tsc_ghz);
    for (i = 0; i < n; i++) c += v[i] > lim;
    return 1e6 * (double)c / (double)n;
}
static void bl_lat_report(const char *name, long faults) {
    double a50, a99, a999, amax, f50, f99, f999, fmax, fl, g = bl_tsc_ghz;
    double ao = bl_over50(bl_la, BL_LAT_N), fo = bl_over50(bl_lf + 512, BL_LAT_N - 512);
    char note[300], nm[96];
    fl = (double)bl_floor_ticks() / g;
    llb_percentiles(bl_la, BL_LAT_N, &a50, &a99, &a999, &amax);
    llb_percentiles(bl_lf + 512, BL_LAT_N - 512, &f50, &f99, &f999, &fmax);
    /* rows: raw p99.9 (timer included); notes: the rest, and p99.9 net of the timer's own cost */
    snprintf(note, sizeof note,
             "p50 %.1f, p99 %.1f, max %.0f ns; net of timer floor (%.1f ns): p99.9 %.1f ns; over 50 ns: %.0f per million; page faults in timed pass: %ld",
             a50 / g, a99 / g, amax / g, fl, a999 / g > fl ? a999 / g - fl : 0, ao, faults);
    snprintf(nm, sizeof nm, "%s alloc", name);
    bl_emit("lat", nm, a999 / g, 0, note);
    snprintf(note, sizeof note, "p50 %.1f, p99 %.1f, max %.0f ns; net p99.9 %.1f ns; over 50 ns: %.0f per million",
             f50 / g, f99 / g, fmax / g, f999 / g > fl ? f999 / g - fl : 0, fo);
    snprintf(nm, sizeof nm, "%s free", name);
    bl_emit("lat", nm, f999 / g, 0, note);
}

/* ---- producer allocates (cpu 0), consumer frees (cpu 1), through an SPSC ring ---- */
#define BL_RING 4096
typedef struct {
    void *slot[BL_RING];
    char pad0[64];
    uint64_t head; /* written by the producer */
    char pad1[64];
    uint64_t tail; /* written by the consumer */
    char pad2[64];
    int mode, stop;
    llmem_pool *pool;
} bl_xring;
static bl_xring bl_x;
static char bl_objs[2 * BL_RING][64] __attribute__((aligned(64))); /* mode 2: no allocator, the ring alone */

static void *bl_consumer(void *arg) {
    bl_xring *r = (bl_xring *)arg;
    uint64_t t = 0, h = 0;
    llb_pin_thread(1);
    for (;;) {
        while (t == h) {
            h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
            if (t == h) {
                if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) goto out;
                __builtin_ia32_pause();
            }
        }
        while (t < h) {
            char *p = (char *)r->slot[t % BL_RING];
            if (p[0] != 7) abort();
#if BL_MAIN
            if (r->mode == 1) llmem_pool_free(r->pool, p);
            else
#endif
            if (r->mode == 0) free(p);
            t++;
        }
        __atomic_store_n(&r->tail, t, __ATOMIC_RELEASE);
    }
out:
#if BL_MAIN
    llmem_thread_exit();
#endif
    return NULL;
}
static void bl_producer(void *vc, uint64_t it) {
    bl_xring *r = (bl_xring *)vc;
    uint64_t h = r->head, end = h + it, tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    while (h < end) {
        char *p;
        while (h - tail >= BL_RING) {
            __builtin_ia32_pause();
            tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
        }
#if BL_MAIN
        if (r->mode == 1) p = (char *)llmem_pool_alloc(r->pool);
        else
#endif
        if (r->mode == 0) p = (char *)malloc(64);
        else p = bl_objs[h % (2 * BL_RING)];
        p[0] = 7;
        r->slot[h % BL_RING] = p;
        h++;
        if ((h & 31) == 0) __atomic_store_n(&r->head, h, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&r->head, h, __ATOMIC_RELEASE);
    while (__atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) != h) __builtin_ia32_pause();
}
static void bl_cross(const char *name, int mode, llmem_pool *pool) {
    pthread_t th;
    memset(&bl_x, 0, sizeof bl_x);
    bl_x.mode = mode;
    bl_x.pool = pool;
    llb_pin_thread(0);
    pthread_create(&th, NULL, bl_consumer, &bl_x);
    { /* best of three harness runs: on 2 vCPUs one preempted epoch distorts a pinned pair badly */
        double best = 0, best_err = 0;
        int k;
        for (k = 0; k < 3; k++) {
            llb_table *scratch = llb_table_new("scratch");
            double ns = llb_run(scratch, name, bl_producer, &bl_x);
            if (best == 0 || ns < best) {
                best = ns;
                best_err = llb_err(scratch, name);
            }
            llb_table_free(scratch);
        }
        bl_emit("cross", name, best, best_err, "best of 3 runs");
    }
    __atomic_store_n(&bl_x.stop, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    llmem_pin_reset();
}

/* ---- the malloc-side measurements, shared by every build ---- */
static void bl_malloc_rows(void) {
    bctx c;
    char key[32];
    int i;
    memset(&c, 0, sizeof c);
    for (i = 0; i < 4; i++) {
        c.size = bl_sizes[i];
        snprintf(key, sizeof key, "hot%zu", c.size);
        bl_measure(strdup(key), BL_ALLOC_NAME, hot_malloc, &c, "malloc/free");
        snprintf(key, sizeof key, "live%zu", c.size);
        bl_measure(strdup(key), BL_ALLOC_NAME, live_malloc, &c, "malloc/free");
    }
    c.size = 4096;
    bl_lat_report(BL_ALLOC_NAME, lat_malloc(&c));
    bl_cross(BL_ALLOC_NAME, 0, NULL);
}

#if BL_MAIN
/* ================================ main build only ================================ */
static void bl_run_child(const char *exe) {
    char cmd[1024], line[1024];
    FILE *f;
    snprintf(cmd, sizeof cmd, "%s --rows", exe);
    f = popen(cmd, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        char *tab[6], *s = line, *nl = strchr(line, '\n');
        int n = 0;
        if (nl) *nl = 0;
        if (strncmp(line, "ROW\t", 4) != 0) continue;
        while (n < 6 && (tab[n] = strsep(&s, "\t")) != NULL) n++;
        if (n >= 5) {
            llb_table *t = bl_find(tab[1]);
            if (t) {
                llb_add(t, tab[2], atof(tab[3]), atof(tab[4]));
                llb_note(t, "%s%s", n > 5 ? tab[5] : "", n > 5 && *tab[5] ? " (own process)" : "own process");
            }
        }
    }
    pclose(f);
}

/* hugetlb reservations made for the page table, undone at exit */
static long bl_prev2 = -1, bl_prev1 = -1;
#define BL_HP2 "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
#define BL_HP1G "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"
static long bl_read_long(const char *p) {
    FILE *f = fopen(p, "r");
    long v = -1;
    if (!f) return -1;
    if (fscanf(f, "%ld", &v) != 1) v = -1;
    fclose(f);
    return v;
}
static void bl_write_long(const char *p, long v) {
    FILE *f = fopen(p, "w");
    if (!f) return;
    fprintf(f, "%ld\n", v);
    fclose(f);
}
static void bl_restore_hugepages(void) {
    if (bl_prev2 >= 0) bl_write_long(BL_HP2, bl_prev2);
    if (bl_prev1 >= 0) bl_write_long(BL_HP1G, bl_prev1);
    bl_prev2 = bl_prev1 = -1;
}

#define GIB (1ul << 30)
static void bl_touch(void *p, size_t len) {
    volatile char *c = (volatile char *)p;
    size_t i;
    for (i = 0; i < len; i += 4096) c[i] = 1;
}
/* obtain + touch 1 GiB, median of reps; kind: 0 raw mmap flags, 1 llmem flags, 2 libnuma */
static int bl_page_row(llb_table *t, const char *name, int kind, int mmap_flags, unsigned llflags, int want_tier) {
    double v[7], s[7];
    int r, reps = llb_quick() ? 2 : 5, tier = 0;
    for (r = 0; r < reps; r++) {
        uint64_t t0 = llb_now_ns(), t1;
        void *p = NULL;
        llmem_pages pg;
        if (kind == 0) {
            p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | mmap_flags, -1, 0);
            if (p == MAP_FAILED) return -1;
        } else if (kind == 1) {
            if (llmem_pages_alloc(&pg, GIB, llflags) != 0) return -1;
            p = pg.addr;
            tier = pg.tier;
        } else if (kind == 3) {
            if (llmem_pages_alloc_numa(&pg, GIB, llflags, LLMEM_NUMA_BIND, 1) != 0) return -1;
            p = pg.addr;
            tier = pg.tier;
        }
#ifdef BL_HAVE_NUMA
        else if (kind == 2) {
            p = numa_alloc_onnode(GIB, 0);
            if (!p) return -1;
        }
#endif
        bl_touch(p, GIB);
        t1 = llb_now_ns();
        v[r] = s[r] = (double)(t1 - t0);
        if (kind == 0) munmap(p, GIB);
        else if (kind == 1 || kind == 3) llmem_pages_free(&pg);
#ifdef BL_HAVE_NUMA
        else numa_free(p, GIB);
#endif
        if (want_tier && tier != want_tier) return -2;
    }
    {
        double med = llb_median(s, (size_t)reps);
        llb_add(t, name, med, llb_mdape(v, (size_t)reps, med));
        if (kind == 1 || kind == 3) llb_note(t, "tier %s", llmem_tier_name(tier));
    }
    return 0;
}

static void bl_pages(void) {
    llb_table *t = llb_table_new("obtain + touch 1 GiB (ns per GiB; GB/s)");
    int root = geteuid() == 0;
    llb_bytes(t, (double)GIB);
    bl_page_row(t, "raw mmap MAP_POPULATE (4 KiB)", 0, MAP_POPULATE, 0, 0);
    bl_page_row(t, "llmem 4 KiB + prefault", 1, 0, LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT, LLMEM_TIER_4K);
    if (bl_page_row(t, "llmem THP + prefault", 1, 0, LLMEM_PAGE_THP | LLMEM_PAGE_PREFAULT, LLMEM_TIER_THP) != 0)
        llb_note(t, "skipped: THP unavailable");
    if (root) {
        bl_prev2 = bl_read_long(BL_HP2);
        bl_prev1 = bl_read_long(BL_HP1G);
        atexit(bl_restore_hugepages);
        if (bl_prev2 >= 0) bl_write_long(BL_HP2, bl_prev2 + 512);
        if (bl_prev1 >= 0) bl_write_long(BL_HP1G, bl_prev1 + 1);
    }
    if (bl_page_row(t, "raw MAP_HUGETLB|MAP_POPULATE 2 MiB", 0, MAP_HUGETLB | (21 << 26) | MAP_POPULATE, 0, 0) == 0)
        bl_page_row(t, "llmem hugetlb 2 MiB", 1, 0, LLMEM_PAGE_2M | LLMEM_PAGE_PREFAULT, LLMEM_TIER_2M);
    else
        printf("skipped: 2 MiB hugetlb rows (could not reserve 512 pages%s)\n", root ? "" : ": not root");
    if (bl_page_row(t, "raw MAP_HUGETLB|MAP_POPULATE 1 GiB", 0, MAP_HUGETLB | (30 << 26) | MAP_POPULATE, 0, 0) == 0)
        bl_page_row(t, "llmem hugetlb 1 GiB", 1, 0, LLMEM_PAGE_1G | LLMEM_PAGE_PREFAULT, LLMEM_TIER_1G);
    else
        printf("skipped: 1 GiB hugetlb rows (no 1 GiB page could be reserved)\n");
    bl_restore_hugepages();
#ifdef BL_HAVE_NUMA
    if (numa_available() >= 0) {
        bl_page_row(t, "libnuma numa_alloc_onnode(0) + touch", 2, 0, 0, 0);
        bl_page_row(t, "llmem bind node 0, 4 KiB + prefault", 3, 0, LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT, 0);
        bl_page_row(t, "llmem bind node 0, THP + prefault", 3, 0, LLMEM_PAGE_THP | LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT,
                    0);
    }
#else
    printf("skipped: libnuma not installed\n");
#endif
    llb_print(t);
    {
        double r4 = llb_ns(t, "raw mmap MAP_POPULATE (4 KiB)"), thp = llb_ns(t, "llmem THP + prefault");
        double raw2 = llb_ns(t, "raw MAP_HUGETLB|MAP_POPULATE 2 MiB"), l2 = llb_ns(t, "llmem hugetlb 2 MiB");
        double raw1 = llb_ns(t, "raw MAP_HUGETLB|MAP_POPULATE 1 GiB"), l1 = llb_ns(t, "llmem hugetlb 1 GiB");
        printf("\n- 2 MiB hugetlb: llmem / raw MAP_HUGETLB|MAP_POPULATE = %.2fx (target >= 0.9x)\n",
               l2 > 0 ? raw2 / l2 : 0);
        if (l1 > 0) printf("- 1 GiB hugetlb: llmem / raw = %.2fx (target >= 0.9x)\n", raw1 / l1);
        printf("- THP only: llmem THP / raw 4 KiB populate = %.2fx (target >= 1.6x)\n", thp > 0 ? r4 / thp : 0);
    }
    llb_table_free(t);
}

/* ---- NUMA calls: llmem vs libnuma ---- */
static char *bl_numa_buf;
static void n_node_of_cpu(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) llb_do_not_optimize(llmem_numa_node_of_cpu((int)(i & 1)));
}
static void n_node_of_addr(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) llb_do_not_optimize(llmem_numa_node_of_addr(bl_numa_buf + (i & 255) * 4096));
}
static void n_get_policy(void *c, uint64_t it) {
    uint64_t i;
    int m;
    (void)c;
    for (i = 0; i < it; i++) {
        llmem_numa_get_policy(&m, NULL);
        llb_do_not_optimize(m);
    }
}
static void n_current_node(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) llb_do_not_optimize(llmem_current_node());
}
static void n_bind(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) llmem_numa_bind(bl_numa_buf, 1 << 20, LLMEM_NUMA_PREFERRED, 1, 0);
}
#ifdef BL_HAVE_NUMA
static void l_node_of_cpu(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) llb_do_not_optimize(numa_node_of_cpu((int)(i & 1)));
}
static void l_node_of_addr(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) {
        void *p = bl_numa_buf + (i & 255) * 4096;
        int st = -1;
        numa_move_pages(0, 1, &p, NULL, &st, 0);
        llb_do_not_optimize(st);
    }
}
static void l_get_policy(void *c, uint64_t it) {
    uint64_t i;
    int m;
    unsigned long mask[16];
    (void)c;
    for (i = 0; i < it; i++) {
        get_mempolicy(&m, mask, 1025, NULL, 0);
        llb_do_not_optimize(m);
    }
}
static void l_current_node(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) llb_do_not_optimize(numa_node_of_cpu(sched_getcpu()));
}
static void l_bind(void *c, uint64_t it) {
    uint64_t i;
    (void)c;
    for (i = 0; i < it; i++) numa_tonode_memory(bl_numa_buf, 1 << 20, 0);
}
#endif
static void bl_numa(void) {
    llb_table *t = llb_table_new("NUMA calls (ns per call): llmem vs libnuma");
    bl_numa_buf = (char *)mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                               -1, 0);
#ifdef BL_HAVE_NUMA
    if (numa_available() >= 0) {
        llb_run(t, "libnuma numa_node_of_cpu", l_node_of_cpu, NULL);
        llb_run(t, "llmem_numa_node_of_cpu", n_node_of_cpu, NULL);
        llb_run(t, "libnuma numa_move_pages (query 1 page)", l_node_of_addr, NULL);
        llb_run(t, "llmem_numa_node_of_addr", n_node_of_addr, NULL);
        llb_run(t, "libnuma get_mempolicy", l_get_policy, NULL);
        llb_run(t, "llmem_numa_get_policy", n_get_policy, NULL);
        llb_run(t, "libnuma numa_node_of_cpu(sched_getcpu())", l_current_node, NULL);
        llb_run(t, "llmem_current_node", n_current_node, NULL);
        llb_run(t, "libnuma numa_tonode_memory 1 MiB", l_bind, NULL);
        llb_run(t, "llmem_numa_bind 1 MiB", n_bind, NULL);
    }
#else
    printf("skipped: libnuma not installed\n");
    llb_run(t, "llmem_numa_node_of_cpu", n_node_of_cpu, NULL);
    llb_run(t, "llmem_numa_node_of_addr", n_node_of_addr, NULL);
    llb_run(t, "llmem_numa_get_policy", n_get_policy, NULL);
    llb_run(t, "llmem_current_node", n_current_node, NULL);
    llb_run(t, "llmem_numa_bind 1 MiB", n_bind, NULL);
#endif
    llb_print(t);
    llb_table_free(t);
    munmap(bl_numa_buf, 1 << 20);
}

/* ---- non-temporal copy / fill against memcpy / memset (same run) ---- */
typedef struct {
    unsigned char *src, *dst;
    size_t len;
} bl_ntctx;
static void nt_memcpy(void *v, uint64_t it) {
    bl_ntctx *c = (bl_ntctx *)v;
    uint64_t i;
    for (i = 0; i < it; i++) {
        memcpy(c->dst, c->src, c->len);
        llb_clobber();
    }
}
static void nt_llmem(void *v, uint64_t it) {
    bl_ntctx *c = (bl_ntctx *)v;
    uint64_t i;
    for (i = 0; i < it; i++) {
        llmem_nt_copy(c->dst, c->src, c->len);
        llb_clobber();
    }
}
static void nt_memset(void *v, uint64_t it) {
    bl_ntctx *c = (bl_ntctx *)v;
    uint64_t i;
    for (i = 0; i < it; i++) {
        memset(c->dst, (int)i, c->len);
        llb_clobber();
    }
}
static void nt_fill(void *v, uint64_t it) {
    bl_ntctx *c = (bl_ntctx *)v;
    uint64_t i;
    for (i = 0; i < it; i++) {
        llmem_nt_fill(c->dst, (int)i, c->len);
        llb_clobber();
    }
}
static void bl_nt(void) {
    size_t thr = llmem_nt_threshold(), sizes[8], i, nsz = 0;
    bl_ntctx c;
    double r64 = 0, worst_below = 0;
    char nm[96];
    llb_table *t = llb_table_new("non-temporal copy and fill vs memcpy / memset (ns per call; GB/s)");
    sizes[nsz++] = 64u << 10;
    sizes[nsz++] = 1u << 20;
    if (thr / 2 > (1u << 20)) sizes[nsz++] = thr / 2;
    if (thr > 4096) sizes[nsz++] = thr - 4096; /* just below: memcpy itself */
    sizes[nsz++] = thr;
    if (thr * 2 < (64u << 20)) sizes[nsz++] = thr * 2;
    sizes[nsz++] = 64u << 20;
    c.src = (unsigned char *)llmem_aligned_alloc(64u << 20, 4096);
    c.dst = (unsigned char *)llmem_aligned_alloc(64u << 20, 4096);
    if (!c.src || !c.dst) return;
    memset(c.src, 1, 64u << 20);
    memset(c.dst, 2, 64u << 20);
    printf("\nllmem_nt_copy path %s, threshold %zu bytes (half the L3; LLMEM_NT_THRESHOLD overrides)\n",
           llmem_nt_path(), thr);
    for (i = 0; i < nsz; i++) {
        double m = 0, n = 0, me = 0, ne = 0;
        int k;
        c.len = sizes[i];
        llb_bytes(t, (double)c.len);
        for (k = 0; k < 3; k++) { /* alternated, best of three each: this VM's neighbours move single runs */
            llb_table *sc = llb_table_new("scratch");
            double a = llb_run(sc, "m", nt_memcpy, &c), b = llb_run(sc, "n", nt_llmem, &c);
            if (m == 0 || a < m) {
                m = a;
                me = llb_err(sc, "m");
            }
            if (n == 0 || b < n) {
                n = b;
                ne = llb_err(sc, "n");
            }
            llb_table_free(sc);
        }
        snprintf(nm, sizeof nm, "memcpy %zu KiB", c.len >> 10);
        llb_add(t, strdup(nm), m, me);
        llb_note(t, "best of 3");
        snprintf(nm, sizeof nm, "llmem_nt_copy %zu KiB", c.len >> 10);
        llb_add(t, strdup(nm), n, ne);
        llb_note(t, "best of 3; %.2fx memcpy%s", m / n, c.len < thr ? " (below the threshold: memcpy)" : "");
        if (c.len < thr && (worst_below == 0 || m / n < worst_below)) worst_below = m / n;
        if (c.len == (64u << 20)) r64 = m / n;
    }
    c.len = 64u << 20;
    llb_bytes(t, (double)c.len);
    {
        double m = llb_run(t, "memset 65536 KiB", nt_memset, &c), n = llb_run(t, "llmem_nt_fill 65536 KiB", nt_fill, &c);
        llb_note(t, "%.2fx memset", m / n);
    }
    llb_print(t);
    printf("\n- 64 MiB: llmem_nt_copy = %.2fx memcpy (target >= 1.3x); below the threshold the slowest row is %.2fx"
           " (target: never slower; those calls are memcpy)\n", r64, worst_below);
    llb_table_free(t);
    llmem_aligned_free(c.src);
    llmem_aligned_free(c.dst);
}

/* ---- bulk: 32 objects per call against 32 single calls ---- */
typedef struct {
    llmem_pool *pool;
    llmem_sc *sc;
    void *o[32];
} bl_bulkctx;
static void bk_single(void *v, uint64_t it) {
    bl_bulkctx *c = (bl_bulkctx *)v;
    uint64_t i;
    int k;
    for (i = 0; i < it; i++) {
        for (k = 0; k < 32; k++) c->o[k] = llmem_pool_alloc(c->pool);
        llb_clobber();
        for (k = 0; k < 32; k++) llmem_pool_free(c->pool, c->o[k]);
    }
}
static void bk_bulk(void *v, uint64_t it) {
    bl_bulkctx *c = (bl_bulkctx *)v;
    uint64_t i;
    for (i = 0; i < it; i++) {
        llmem_pool_alloc_n(c->pool, c->o, 32);
        llb_clobber();
        llmem_pool_free_n(c->pool, c->o, 32);
    }
}
static void bk_sc_single(void *v, uint64_t it) {
    bl_bulkctx *c = (bl_bulkctx *)v;
    uint64_t i;
    int k;
    for (i = 0; i < it; i++) {
        for (k = 0; k < 32; k++) c->o[k] = llmem_sc_alloc(c->sc, 64);
        llb_clobber();
        for (k = 0; k < 32; k++) llmem_sc_free(c->sc, c->o[k]);
    }
}
static void bk_sc_bulk(void *v, uint64_t it) {
    bl_bulkctx *c = (bl_bulkctx *)v;
    uint64_t i;
    for (i = 0; i < it; i++) {
        llmem_sc_alloc_n(c->sc, 64, c->o, 32);
        llb_clobber();
        llmem_sc_free_n(c->sc, c->o, 32);
    }
}
static void bk_malloc(void *v, uint64_t it) {
    bl_bulkctx *c = (bl_bulkctx *)v;
    uint64_t i;
    int k;
    for (i = 0; i < it; i++) {
        for (k = 0; k < 32; k++) c->o[k] = malloc(64);
        llb_clobber();
        for (k = 0; k < 32; k++) free(c->o[k]);
    }
}
static void bl_bulk(void) {
    static llmem_pool pool;
    static llmem_sc sc;
    bl_bulkctx c;
    double a, b, d, e;
    llb_table *t = llb_table_new("32 objects of 64 B: allocated, then freed (ns per 32 + 32)");
    llmem_pool_init(&pool, 64, 16);
    llmem_sc_init(&sc, 0, -1);
    c.pool = &pool;
    c.sc = &sc;
    llb_run(t, "glibc malloc/free x 32", bk_malloc, &c);
    a = llb_run(t, "llmem_pool_alloc/_free x 32", bk_single, &c);
    b = llb_run(t, "llmem_pool_alloc_n/_free_n (32)", bk_bulk, &c);
    llb_note(t, "%.2fx the single calls", a / b);
    d = llb_run(t, "llmem_sc_alloc/_free x 32", bk_sc_single, &c);
    e = llb_run(t, "llmem_sc_alloc_n/_free_n (32)", bk_sc_bulk, &c);
    llb_note(t, "%.2fx the single calls", d / e);
    llb_print(t);
    printf("\n- bulk 32: fixed pool %.2fx, size classes %.2fx 32 single calls (target >= 1.5x)\n", a / b, d / e);
    llb_table_free(t);
    llmem_pool_destroy(&pool);
    llmem_sc_destroy(&sc);
}

/* ---- prefetch: a pointer chase and a strided scan, with and without ---- */
typedef struct bl_node {
    struct bl_node *next; /* the chase */
    struct bl_node *jump; /* the node 16 steps ahead (a jump pointer, kept by the structure's owner) */
    uint64_t payload[6];
} bl_node;
typedef struct {
    bl_node *nodes, *head;
    uint64_t *data;
    size_t n, rows, cols, dist;
} bl_pfctx;
static void pf_chase(void *v, uint64_t it) {
    bl_pfctx *c = (bl_pfctx *)v;
    const bl_node *p = c->head;
    uint64_t i, sum = 0;
    for (i = 0; i < it; i++) {
        sum += p->payload[0];
        p = p->next;
    }
    llb_do_not_optimize(sum);
}
static void pf_chase_pf(void *v, uint64_t it) {
    bl_pfctx *c = (bl_pfctx *)v;
    const bl_node *p = c->head;
    uint64_t i, sum = 0;
    for (i = 0; i < it; i++) {
        llmem_prefetch(p->jump, 0, LLMEM_PF_L1);
        sum += p->payload[0];
        p = p->next;
    }
    llb_do_not_optimize(sum);
}
static void pf_column(void *v, uint64_t it) { /* it = elements read */
    bl_pfctx *c = (bl_pfctx *)v;
    uint64_t i, sum = 0;
    size_t r = 0, col = 0;
    for (i = 0; i < it; i++) {
        sum += c->data[r * c->cols + col];
        if (++r == c->rows) {
            r = 0;
            col = (col + 1) % c->cols;
        }
    }
    llb_do_not_optimize(sum);
}
static void pf_column_pf(void *v, uint64_t it) {
    bl_pfctx *c = (bl_pfctx *)v;
    uint64_t i, sum = 0;
    size_t r = 0, col = 0, stride = c->cols * sizeof(uint64_t);
    for (i = 0; i < it; i++) {
        if ((r & 7) == 0 && r + c->dist + 8 <= c->rows) /* every 8 rows, the 8 rows `dist` ahead */
            llmem_prefetch_strided(&c->data[(r + c->dist) * c->cols + col], stride, 8, 0, LLMEM_PF_L1);
        sum += c->data[r * c->cols + col];
        if (++r == c->rows) {
            r = 0;
            col = (col + 1) % c->cols;
        }
    }
    llb_do_not_optimize(sum);
}
static void bl_prefetch(void) {
    bl_pfctx c;
    size_t i, *perm;
    double a, b, d, e;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    llb_table *t = llb_table_new("prefetch: pointer chase and column walk over 64 MiB (ns per element)");
    c.n = (64u << 20) / sizeof(bl_node);
    c.nodes = (bl_node *)llmem_aligned_alloc(c.n * sizeof(bl_node), 4096);
    perm = (size_t *)malloc(c.n * sizeof(size_t));
    if (!c.nodes || !perm) return;
    for (i = 0; i < c.n; i++) perm[i] = i;
    for (i = c.n - 1; i > 0; i--) { /* a random cycle through every node (Fisher-Yates, xorshift) */
        size_t j, tmp;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        j = (size_t)(x % (i + 1));
        tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
    for (i = 0; i < c.n; i++) {
        bl_node *nd = &c.nodes[perm[i]];
        nd->next = &c.nodes[perm[(i + 1) % c.n]];
        nd->jump = &c.nodes[perm[(i + 16) % c.n]];
        nd->payload[0] = i;
    }
    c.head = &c.nodes[perm[0]];
    free(perm);
    a = llb_run(t, "pointer chase", pf_chase, &c);
    b = llb_run(t, "pointer chase, llmem_prefetch of the node 16 ahead", pf_chase_pf, &c);
    llb_note(t, "%.2fx: each step waits for the last load; the jump pointer starts the miss 16 steps early", a / b);
    llmem_aligned_free(c.nodes);
    c.data = (uint64_t *)llmem_aligned_alloc(64u << 20, 4096);
    if (!c.data) return;
    for (i = 0; i < (64u << 20) / 8; i++) c.data[i] = i;
    c.cols = 1024; /* 8 KiB rows: every element of a column is on its own page */
    c.rows = (64u << 20) / 8 / c.cols;
    c.dist = 16;
    d = llb_run(t, "column walk, 8 KiB stride", pf_column, &c);
    e = llb_run(t, "column walk, llmem_prefetch_strided 16 rows ahead", pf_column_pf, &c);
    if (d / e < 1.05)
        llb_note(t, "%.2fx, no gain: the loads are independent (already overlapped); a page per element, the DTLB "
                    "miss sets the pace", d / e);
    else
        llb_note(t, "%.2fx", d / e);
    llb_print(t);
    printf("\n- prefetch: pointer chase %.2fx, column walk %.2fx without it (> 1: the prefetch helped)\n", a / b, d / e);
    llb_table_free(t);
    llmem_aligned_free(c.data);
}

static const char *bl_anchors[] = {"glibc", "mimalloc", "jemalloc", "tcmalloc"};
static double bl_best_anchor(llb_table *t, const char **who) {
    double best = 0;
    int i;
    for (i = 0; i < 4; i++) {
        double v = llb_ns(t, bl_anchors[i]);
        if (v > 0 && (best == 0 || v < best)) {
            best = v;
            *who = bl_anchors[i];
        }
    }
    return best;
}
static double bl_ratio(double anchor, double ours) { return anchor > 0 && ours > 0 ? anchor / ours : 0; }

int main(int argc, char **argv) {
    static llmem_pool pools[4];
    static llmem_sc sc;
    bctx c;
    int i;
    char title[128];
    static char keys[8][32];
    llb_print_cpu();
    bl_calibrate();
    if (argc > 1 && strcmp(argv[1], "--rows") == 0) { /* the glibc build can act as a child too */
        bl_rows_mode = 1;
        bl_malloc_rows();
        return 0;
    }
    for (i = 0; i < 4; i++) {
        snprintf(keys[i], sizeof keys[i], "hot%zu", bl_sizes[i]);
        snprintf(title, sizeof title, "alloc+free pair, hot reuse, %zu B (ns per pair)", bl_sizes[i]);
        bl_table(keys[i], title);
        snprintf(keys[4 + i], sizeof keys[i], "live%zu", bl_sizes[i]);
        snprintf(title, sizeof title, "512 live then freed, %zu B (ns per alloc+free)", bl_sizes[i]);
        bl_table(keys[4 + i], title);
    }
    bl_table("lat", "single-call latency at 4 KiB, 512 live (p99.9 ns)");
    bl_table("cross", "producer allocates on cpu 0, consumer frees on cpu 1, 64 B (ns per object)");

    /* anchors: glibc here, the others in their own processes */
    bl_malloc_rows();
    for (i = 1; i < argc; i++) bl_run_child(argv[i]);
    {
        int have_mi = 0, have_je = 0, have_tc = 0;
        for (i = 1; i < argc; i++) {
            have_mi |= strstr(argv[i], "mimalloc") != NULL;
            have_je |= strstr(argv[i], "jemalloc") != NULL;
            have_tc |= strstr(argv[i], "tcmalloc") != NULL;
        }
        if (!have_mi) printf("skipped: mimalloc not installed\n");
        if (!have_je) printf("skipped: jemalloc not installed\n");
        if (!have_tc) printf("skipped: tcmalloc not installed\n");
    }

    /* llmem */
    LLMEM_ASSERT(1);
    if (llmem_sc_init(&sc, 0, -1) != 0) return 1;
    memset(&c, 0, sizeof c);
    c.sc = &sc;
    for (i = 0; i < 4; i++) {
        c.size = bl_sizes[i];
        llmem_pool_init(&pools[i], bl_sizes[i], 16);
        c.pool = &pools[i];
        c.cache = llmem_pool_cache(&pools[i]);
        bl_measure(keys[i], "llmem fixed pool (cache handle)", hot_cache, &c, "llmem_cache_alloc/_free, inline");
        bl_measure(keys[i], "llmem fixed pool", hot_pool, &c, "llmem_pool_alloc/_free (TLS lookup)");
        bl_measure(keys[i], "llmem size classes", hot_sc, &c, "llmem_sc_alloc/llmem_sc_free");
        bl_measure(keys[i], "llmem size classes, sized free", hot_scs, &c, "llmem_sc_free_sized");
        bl_measure(keys[4 + i], "llmem fixed pool (cache handle)", live_cache, &c, "");
        bl_measure(keys[4 + i], "llmem fixed pool", live_pool, &c, "");
        bl_measure(keys[4 + i], "llmem size classes", live_sc, &c, "");
        bl_measure(keys[4 + i], "llmem size classes, sized free", live_scs, &c, "");
    }
    c.size = 4096;
    c.pool = &pools[2];
    bl_lat_report("llmem fixed pool", lat_pool(&c));
    bl_lat_report("llmem size classes", lat_sc(&c));
    bl_cross("llmem fixed pool", 1, &pools[0]);
    {
        static llmem_pool hp;
        llmem_pool_opts o;
        memset(&o, 0, sizeof o);
        o.obj_size = 64;
        o.align = 16;
        o.flags = LLMEM_POOL_HANDOFF;
        o.node = -1;
        llmem_pool_init_opts(&hp, &o);
        bl_cross("llmem fixed pool, LLMEM_POOL_HANDOFF", 1, &hp);
        llmem_pool_destroy(&hp);
    }
    bl_cross("ring only, no allocation (floor)", 2, NULL);

    for (i = 0; i < BL_NTAB && bl_key[i]; i++) {
        if (strcmp(bl_key[i], "lat") == 0) llb_baseline(bl_tab[i], "glibc alloc");
        else llb_baseline(bl_tab[i], "glibc");
        llb_print(bl_tab[i]);
    }

    /* the targets of issue 5 */
    printf("\n### llmem against the anchors\n\n");
    printf("| measure | llmem ns | anchor | anchor ns | ratio (anchor/llmem) | target |\n|:---|---:|:---|---:|---:|:---|\n");
    for (i = 0; i < 4; i++) {
        const char *who = "?";
        llb_table *t = bl_find(keys[i]), *tl = bl_find(keys[4 + i]);
        double best = bl_best_anchor(t, &who), ours = llb_ns(t, "llmem fixed pool (cache handle)");
        double ours2 = llb_ns(t, "llmem fixed pool"), bestl, oursl;
        printf("| fixed pool hot %zu B (cache handle) | %.2f | best: %s | %.2f | %.2fx | >= 2x |\n", bl_sizes[i], ours,
               who, best, bl_ratio(best, ours));
        printf("| fixed pool hot %zu B (llmem_pool_alloc) | %.2f | best: %s | %.2f | %.2fx | >= 2x |\n", bl_sizes[i],
               ours2, who, best, bl_ratio(best, ours2));
        bestl = bl_best_anchor(tl, &who);
        oursl = llb_ns(tl, "llmem fixed pool");
        printf("| fixed pool 512 live %zu B | %.2f | best: %s | %.2f | %.2fx | |\n", bl_sizes[i], oursl, who, bestl,
               bl_ratio(bestl, oursl));
    }
    {
        llb_table *h64 = bl_find("hot64"), *h64k = bl_find("hot65536"), *l64 = bl_find("live64"),
                  *l64k = bl_find("live65536"), *lat = bl_find("lat"), *x = bl_find("cross");
        double v;
        v = llb_ns(h64, "llmem size classes");
        printf("| size classes hot 64 B | %.2f | tcmalloc | %.2f | %.2fx | >= 1.25x |\n", v, llb_ns(h64, "tcmalloc"),
               bl_ratio(llb_ns(h64, "tcmalloc"), v));
        v = llb_ns(l64, "llmem size classes");
        printf("| size classes 512 live 64 B | %.2f | tcmalloc | %.2f | %.2fx | >= 1.25x |\n", v,
               llb_ns(l64, "tcmalloc"), bl_ratio(llb_ns(l64, "tcmalloc"), v));
        v = llb_ns(h64k, "llmem size classes");
        printf("| size classes hot 64 KiB | %.2f | mimalloc | %.2f | %.2fx | >= 4x |\n", v, llb_ns(h64k, "mimalloc"),
               bl_ratio(llb_ns(h64k, "mimalloc"), v));
        v = llb_ns(l64k, "llmem size classes");
        printf("| size classes 512 live 64 KiB | %.2f | mimalloc | %.2f | %.2fx | >= 4x |\n", v,
               llb_ns(l64k, "mimalloc"), bl_ratio(llb_ns(l64k, "mimalloc"), v));
        v = llb_ns(x, "llmem fixed pool");
        printf("| cross-thread 64 B (default pool) | %.2f | mimalloc | %.2f | %.2fx | >= 2x |\n", v, llb_ns(x, "mimalloc"),
               bl_ratio(llb_ns(x, "mimalloc"), v));
        v = llb_ns(x, "llmem fixed pool, LLMEM_POOL_HANDOFF");
        printf("| cross-thread 64 B (LLMEM_POOL_HANDOFF) | %.2f | mimalloc | %.2f | %.2fx | >= 2x |\n", v,
               llb_ns(x, "mimalloc"), bl_ratio(llb_ns(x, "mimalloc"), v));
        printf("| (ring transport alone, no allocation) | %.2f | | | | |\n", llb_ns(x, "ring only, no allocation (floor)"));
        v = llb_ns(lat, "llmem fixed pool alloc");
        printf("| p99.9 alloc 4 KiB, raw incl. timer (fixed pool) | %.1f | tcmalloc | %.1f | %.2fx | >= 3x |\n", v,
               llb_ns(lat, "tcmalloc alloc"), bl_ratio(llb_ns(lat, "tcmalloc alloc"), v));
        v = llb_ns(lat, "llmem fixed pool free");
        printf("| p99.9 free 4 KiB, raw incl. timer (fixed pool) | %.1f | tcmalloc | %.1f | %.2fx | >= 3x |\n", v,
               llb_ns(lat, "tcmalloc free"), bl_ratio(llb_ns(lat, "tcmalloc free"), v));
        v = llb_ns(lat, "llmem size classes alloc");
        printf("| p99.9 alloc 4 KiB, raw incl. timer (size classes) | %.1f | tcmalloc | %.1f | %.2fx | >= 3x |\n", v,
               llb_ns(lat, "tcmalloc alloc"), bl_ratio(llb_ns(lat, "tcmalloc alloc"), v));
        v = llb_ns(lat, "llmem size classes free");
        printf("| p99.9 free 4 KiB, raw incl. timer (size classes) | %.1f | tcmalloc | %.1f | %.2fx | >= 3x |\n", v,
               llb_ns(lat, "tcmalloc free"), bl_ratio(llb_ns(lat, "tcmalloc free"), v));
    }
    {
        llmem_stats st;
        llmem_sc_stats(&sc, &st, NULL);
        printf("\nsize-class pool over the whole run (llmem_sc_stats, kept with no fast-path counter): %llu allocations, "
               "hit rate %.4f%%, %.1f MiB handed out, peak footprint %.1f MiB, %.1f MiB held now\n",
               (unsigned long long)st.allocs, 100.0 * st.hit_rate, (double)st.bytes_allocated / 1048576.0,
               (double)st.bytes_peak / 1048576.0, (double)st.bytes_held / 1048576.0);
    }
    for (i = 0; i < 4; i++) llmem_pool_destroy(&pools[i]);
    llmem_sc_destroy(&sc);

    bl_bulk();
    bl_nt();
    bl_prefetch();
    bl_pages();
    bl_numa();
    for (i = 0; i < BL_NTAB && bl_key[i]; i++) llb_table_free(bl_tab[i]);
    return 0;
}
#else
int main(int argc, char **argv) {
    bl_calibrate();
    bl_rows_mode = argc > 1 && strcmp(argv[1], "--rows") == 0;
    if (!bl_rows_mode) {
        fprintf(stderr, "run through build/bench_llmem (this build prints ROW lines with --rows)\n");
        return 2;
    }
    bl_malloc_rows();
    return 0;
}
#endif
