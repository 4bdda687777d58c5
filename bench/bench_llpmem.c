/* bench_llpmem.c - llpmem.h against PMDK libpmem, plain memcpy and hand-written flush loops.

   Every contender writes into the same mapping of the same file (/dev/shm, forced to take the
   persistent-memory path: llpmem with LLPMEM_FORCE, PMDK with PMEM_IS_PMEM_FORCE=1 set before libpmem
   initialises - the program re-executes itself to arrange that). Small operations rotate through a 1 MiB
   window of the mapping so that every call touches fresh lines, like a log append.

   Tables: memcpy_persist (64 B, 256 B, 4 KiB, 1 MiB), persist, msync fallback, forced paths against
   hand-written equivalents, the non-temporal threshold measurement, and (in a child process with
   LLPMEM_NO_AVX512=1 and PMEM_AVX512F=0) the AVX-512-disabled comparison. */
#define LLPMEM_IMPLEMENTATION
#include "llpmem.h"
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

#define WINDOW (1u << 20)
#define MAP_LEN (8u << 20)

typedef struct ctx {
    char *dst;          /* start of the window */
    const char *src;
    size_t n;           /* bytes per operation */
    size_t off;         /* rotating offset in the window */
    size_t step;
} ctx;

static char *g_map;     /* forced-pmem mapping */
static char *g_src;
static char *g_file;    /* ordinary (msync) mapping */

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

/* every row starts from the same cache state: the window written back and evicted */
static void evict(char *base) {
    size_t i;
    for (i = 0; i < WINDOW + 4096; i += 64) __asm__ __volatile__("clflushopt %0" : "+m"(*(volatile char *)(base + i)));
    hw_sfence();
}

static double run_row(llb_table *t, const char *name, llb_fn fn, ctx *c) {
    c->off = 0;
    evict(c->dst);
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

static void bench_memcpy_persist(const char *tag) {
    static const row rows[] = {
#ifdef LLB_HAVE_PMEM
        {"PMDK pmem_memcpy_persist", r_pmdk_memcpy_persist},
#endif
        {"llpmem_memcpy_persist", r_ll_memcpy_persist},
        {"llpmem_pmem_memmove (no lookup)", r_ll_pmem_memmove},
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
        sum_add("| memcpy_persist %s%s | %.2fx PMDK | %.2fx memcpy+clwb |\n", k_size_names[k], tag,
                ratio(t, "llpmem_memcpy_persist", "PMDK pmem_memcpy_persist"),
                ratio(t, "llpmem_memcpy_persist", "memcpy + clwb loop + sfence (hand-written)"));
#else
        sum_add("| memcpy_persist %s%s | PMDK skipped | %.2fx memcpy+clwb |\n", k_size_names[k], tag,
                ratio(t, "llpmem_memcpy_persist", "memcpy + clwb loop + sfence (hand-written)"));
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

static int run_child_noavx512(const char *self) {
    pid_t pid = fork();
    int st = 0;
    if (pid == 0) {
        setenv("LLPMEM_NO_AVX512", "1", 1);
        setenv("PMEM_AVX512F", "0", 1);
        setenv("PMEM_IS_PMEM_FORCE", "1", 1);
        execl(self, self, "--noavx512", (char *)NULL);
        _exit(99);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv) {
    llpmem_region *r, *rf;
    const char *path = "/dev/shm/llpmem_bench";
    const char *pathf = "/dev/shm/llpmem_bench_file";
    int child = argc > 1 && strcmp(argv[1], "--noavx512") == 0;
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    llb_print_cpu();
    if (sl <= 0) return 1;
    self[sl] = 0;
#ifdef LLB_HAVE_PMEM
    if (!getenv("PMEM_IS_PMEM_FORCE")) { /* libpmem reads it in its constructor: re-execute */
        setenv("PMEM_IS_PMEM_FORCE", "1", 1);
        execv(self, argv);
        return 1;
    }
#endif
    llb_pin_thread(1);
    g_src = (char *)aligned_alloc(4096, 1u << 21);
    memset(g_src, 0x3c, 1u << 21);
    if (llpmem_open(path, MAP_LEN, LLPMEM_CREATE | LLPMEM_FORCE | LLPMEM_PREWARM, 0600, &r) != 0 ||
        llpmem_open(pathf, MAP_LEN, LLPMEM_CREATE | LLPMEM_PREWARM, 0600, &rf) != 0) {
        fprintf(stderr, "cannot map %s\n", path);
        return 1;
    }
    g_map = (char *)llpmem_addr(r);
    g_file = (char *)llpmem_addr(rf);
    if (child) {
        printf("## AVX-512 disabled: llpmem with LLPMEM_NO_AVX512=1 (path %s), PMDK with PMEM_AVX512F=0\n\n",
               llpmem_nt_name(llpmem_get_nt()));
        bench_memcpy_persist(", AVX-512 off");
        printf("### ratios (AVX-512 disabled)\n\n| operation | vs PMDK | vs hand-written |\n|---|---|---|\n%s\n",
               g_summary);
    } else {
        printf("## llpmem %s: flush %s, copy path %s, NT threshold %zu B, mapping %s (%s)\n\n",
               llpmem_version(), llpmem_flush_name(llpmem_get_flush()), llpmem_nt_name(llpmem_get_nt()),
               llpmem_get_nt_threshold(), path, llpmem_kind_name(llpmem_region_kind(r)));
#ifndef LLB_HAVE_PMEM
        printf("skipped: PMDK libpmem not installed\n\n");
#endif
        if (section("memcpy")) bench_memcpy_persist("");
        if (section("persist")) bench_persist("");
        if (section("msync")) bench_msync();
        if (section("forced")) bench_forced();
        if (section("threshold")) bench_threshold();
        printf("### ratios (llpmem time advantage: >1 = llpmem faster)\n\n| operation | ratio | ratio |\n|---|---|---|\n%s\n",
               g_summary);
        fflush(stdout);
        if (section("noavx512")) run_child_noavx512(self);
    }
    llpmem_close(r);
    llpmem_close(rf);
    if (!child) {
        unlink(path);
        unlink(pathf);
    }
    free(g_src);
    return 0;
}
