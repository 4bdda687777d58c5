/* llbench.h - the ll toolkit's micro-benchmark harness: nanobench's method, in C.

   One benchmark program is one unit:

       #define LLBENCH_IMPLEMENTATION
       #include "llbench.h"

       static void copy4k(void *ctx, uint64_t iters) {
           struct bufs *b = ctx;
           for (uint64_t i = 0; i < iters; i++) { memcpy(b->dst, b->src, 4096); llb_clobber(); }
       }
       int main(void) {
           llb_table *t = llb_table_new("memcpy");
           llb_bytes(t, 4096);                 // rows report GB/s as well
           llb_run(t, "memcpy 4 KiB", copy4k, &bufs);
           llb_print(t);                       // markdown; LLB_FORMAT=csv|json for tools
           llb_table_free(t);
       }

   The method (nanobench's): the clock's resolution is measured once; an epoch lasts about 1000x that
   resolution, clamped to [1 ms, 100 ms] (LLB_EPOCH_MS overrides); the iteration count grows 10x at a time
   until an epoch is long enough, then is set from the measured rate; after one warm-up epoch, 11 epochs
   are measured, each with a small random jitter in its iteration count so periodic effects do not
   line up. A row reports the median time per operation and err% = the median absolute percentage error
   of the epochs around that median; rows above 5 % are flagged. Where the kernel allows
   perf_event_open, instructions, cycles, branches and branch misses per operation are added; where it
   does not, one note says so.

   Every benchmark program calls llb_print_cpu() first thing in main: one line naming the CPU (vendor,
   family/model, model name, the features the ll kernels dispatch on, present and absent) and the kernel,
   so that no table is read without the machine it was measured on. It prints once per process tree
   (children a benchmark starts inherit LLB_CPU_PRINTED=1 and stay quiet).

   Environment: LLB_FORMAT=markdown|csv|json (stdout), LLB_OUT=path (CSV rows appended to that file as
   well), LLB_EPOCHS=n, LLB_EPOCH_MS=ms, LLB_QUICK=1 (3 epochs of at least 0.2 ms, and each benchmark's
   own loops cut short: smoke runs only, e.g. on a machine being provisioned).

   The relative column is baseline_ns / row_ns: above 100 % means faster than the baseline row (the
   first row unless llb_baseline names another). */
#ifndef LLBENCH_H
#define LLBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llb_table llb_table;
typedef void (*llb_fn)(void *ctx, uint64_t iters);

llb_table *llb_table_new(const char *title);                  /* one markdown table */
void llb_table_free(llb_table *t);
void llb_bytes(llb_table *t, double bytes_per_op);            /* following rows report GB/s (0 = off) */
void llb_baseline(llb_table *t, const char *row);             /* relative column against this row */
double llb_run(llb_table *t, const char *name, llb_fn fn, void *ctx); /* returns median ns/op */
void llb_add(llb_table *t, const char *name, double ns_per_op, double err_pct); /* caller-measured row */
void llb_note(llb_table *t, const char *fmt, ...)             /* free text for the last row */
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void llb_print(llb_table *t);                                 /* markdown (or LLB_FORMAT) to stdout */
double llb_ns(llb_table *t, const char *row);                 /* median ns/op of a row, or 0 */
double llb_err(llb_table *t, const char *row);                /* err% of a row, or 0 */
uint64_t llb_now_ns(void);                                    /* monotonic clock in ns */
int llb_pin_thread(int cpu);                                  /* 0 or -errno */
void llb_percentiles(uint64_t *v, size_t n, double *p50, double *p99, double *p999, double *max);
int llb_quick(void);                                          /* LLB_QUICK=1 */
/* a against b under the same conditions: `pairs` rounds, each timing a then b (b then a every other
   round) over the same iteration count, sized from b_ns to ~5 ms; the median of the per-round ratios
   time(a) / time(b), quartiles in *q1 / *q3 (may be NULL). Holds where the machine's speed drifts between
   two rows measured apart. */
double llb_paired(llb_fn a, llb_fn b, void *ctx, double b_ns, int pairs, double *q1, double *q3);
/* "CPU: <vendor> family F model M (name); has <features>; lacks <features>; N CPUs; kernel <os release
   arch>": the machine a table was measured on. llb_cpu_line returns it (static buffer, no newline);
   llb_print_cpu prints it to stdout (stderr under LLB_FORMAT=csv|json) unless LLB_CPU_PRINTED is set,
   then sets LLB_CPU_PRINTED=1 for the processes this one starts. */
const char *llb_cpu_line(void);
void llb_print_cpu(void);

/* Keep a value alive / make the compiler assume memory was read and written. */
#define llb_do_not_optimize(x) __asm__ volatile("" : : "g"(x) : "memory")
#define llb_clobber() __asm__ volatile("" : : : "memory")

/* Statistics, exposed for the harness's own tests. */
double llb_median(double *v, size_t n);                       /* sorts v */
double llb_mdape(const double *v, size_t n, double median);   /* median |v-m|/v, in % */
typedef uint64_t (*llb_clock_fn)(void *ctx);
void llb_set_clock(llb_clock_fn clock, void *ctx);            /* NULL restores the real clock */
uint64_t llb_clock_resolution_ns(void);                       /* measured once per clock */
uint64_t llb_epoch_target_ns(void);
/* The iteration count for the next tuning epoch, given the last count and its elapsed time; returns 0
   once `elapsed` is long enough (then *final_iters is the count to measure with). */
uint64_t llb_next_iters(uint64_t iters, uint64_t elapsed_ns, uint64_t target_ns, uint64_t *final_iters);

#ifdef __cplusplus
}
#endif
#endif /* LLBENCH_H */

#ifdef LLBENCH_IMPLEMENTATION
#ifndef LLBENCH_IMPLEMENTATION_DONE
#define LLBENCH_IMPLEMENTATION_DONE

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__unix__) || defined(__APPLE__)
#include <sys/utsname.h>
#include <unistd.h>
#endif
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define LLB_I_X86 1
#endif
#if defined(__linux__)
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define LLB_MAX_ROWS 128
#define LLB_NCOUNTERS 4

typedef struct llb_row {
    char name[96];
    char note[160];
    double ns, err, bytes;
    double counters[LLB_NCOUNTERS]; /* per op; <0 when unavailable */
    int has_counters;
} llb_row;

struct llb_table {
    char title[128];
    char baseline[96];
    double bytes;
    int nrows;
    llb_row rows[LLB_MAX_ROWS];
};

static llb_clock_fn llb_i_clock;
static void *llb_i_clock_ctx;
static uint64_t llb_i_resolution;
static int llb_i_perf_state; /* 0 unknown, 1 available, -1 unavailable */
static int llb_i_perf_fds[LLB_NCOUNTERS] = {-1, -1, -1, -1};
static int llb_i_perf_errno;
static int llb_i_perf_noted;
static uint64_t llb_i_rng = 0x9E3779B97F4A7C15ull;

static uint64_t llb_i_real_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t llb_now_ns(void) { return llb_i_clock ? llb_i_clock(llb_i_clock_ctx) : llb_i_real_now(); }

void llb_set_clock(llb_clock_fn clock, void *ctx) {
    llb_i_clock = clock;
    llb_i_clock_ctx = ctx;
    llb_i_resolution = 0;
}

int llb_quick(void) {
    const char *s = getenv("LLB_QUICK");
    return s && *s && *s != '0';
}

/* ---- the machine: CPU and kernel ---- */
static void llb_i_append(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void llb_i_append(char *buf, size_t cap, const char *fmt, ...) {
    size_t len = strlen(buf);
    va_list ap;
    if (len + 1 >= cap) return;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

#if defined(LLB_I_X86)
static uint64_t llb_i_xcr0(void) { /* XGETBV(0); only valid when CPUID.1:ECX.OSXSAVE is set */
    uint32_t lo, hi;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* The vendor, family/model (with the extended fields folded in as the vendors document), the brand
   string, and the features the ll kernels choose between. AVX and AVX-512 count only when the OS saves
   their registers (XCR0), as the dispatchers require. */
static void llb_i_cpu_x86(char *buf, size_t cap) {
    static const struct {
        const char *name;
        int leaf; /* 1: leaf 1, 7: leaf 7 subleaf 0 */
        int reg;  /* 1 = ebx, 2 = ecx, 3 = edx */
        int bit;
        int state; /* 0 none, 1 AVX (XCR0 bits 1-2), 2 AVX-512 (XCR0 bits 1-2 and 5-7) */
    } feats[] = {
        {"sse4.2", 1, 2, 20, 0},    {"pclmul", 1, 2, 1, 0},      {"avx", 1, 2, 28, 1},
        {"avx2", 7, 1, 5, 1},       {"bmi2", 7, 1, 8, 0},        {"avx512f", 7, 1, 16, 2},
        {"avx512bw", 7, 1, 30, 2},  {"avx512vl", 7, 1, 31, 2},   {"vpclmulqdq", 7, 2, 10, 1},
        {"vaes", 7, 2, 9, 1},       {"sha", 7, 1, 29, 0},        {"clflushopt", 7, 1, 23, 0},
        {"clwb", 7, 1, 24, 0},      {"movdir64b", 7, 2, 28, 0},
    };
    enum { NFEATS = sizeof feats / sizeof feats[0] };
    unsigned a = 0, b = 0, c = 0, d = 0, max_leaf, ext_max;
    unsigned l1[4] = {0, 0, 0, 0}, l7[4] = {0, 0, 0, 0};
    char vendor[13], brand[49];
    unsigned family, model, stepping;
    uint64_t xcr0 = 0;
    int avx_os, avx512_os, i, have[NFEATS], first;
    __cpuid(0, a, b, c, d);
    max_leaf = a;
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    if (max_leaf >= 1) {
        __cpuid(1, a, b, c, d);
        l1[0] = a, l1[1] = b, l1[2] = c, l1[3] = d;
    }
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        l7[0] = a, l7[1] = b, l7[2] = c, l7[3] = d;
    }
    family = (l1[0] >> 8) & 0xf;
    model = (l1[0] >> 4) & 0xf;
    stepping = l1[0] & 0xf;
    if (family == 0xf) family += (l1[0] >> 20) & 0xff;
    if (family == 0x6 || family >= 0xf) model += ((l1[0] >> 16) & 0xf) << 4;
    brand[0] = 0;
    __cpuid(0x80000000u, a, b, c, d);
    ext_max = a;
    if (ext_max >= 0x80000004u) {
        unsigned r[12], k;
        char *p = brand, *q;
        for (k = 0; k < 3; k++) __cpuid(0x80000002u + k, r[4 * k], r[4 * k + 1], r[4 * k + 2], r[4 * k + 3]);
        memcpy(brand, r, 48);
        brand[48] = 0;
        while (*p == ' ') p++; /* some brand strings are right-aligned */
        memmove(brand, p, strlen(p) + 1);
        q = brand + strlen(brand);
        while (q > brand && q[-1] == ' ') *--q = 0;
    }
    if ((l1[2] >> 27) & 1) xcr0 = llb_i_xcr0();
    avx_os = (xcr0 & 0x6) == 0x6;
    avx512_os = avx_os && (xcr0 & 0xe0) == 0xe0;
    for (i = 0; i < NFEATS; i++) {
        const unsigned *regs = feats[i].leaf == 1 ? l1 : l7;
        have[i] = (int)((regs[feats[i].reg] >> feats[i].bit) & 1);
        if (feats[i].state == 1 && !avx_os) have[i] = 0;
        if (feats[i].state == 2 && !avx512_os) have[i] = 0;
    }
    llb_i_append(buf, cap, "%s family %u model %u stepping %u (%s); has", vendor, family, model, stepping,
                 brand[0] ? brand : "no brand string");
    for (i = 0, first = 1; i < NFEATS; i++)
        if (have[i]) llb_i_append(buf, cap, " %s", feats[i].name), first = 0;
    if (first) llb_i_append(buf, cap, " none of them");
    llb_i_append(buf, cap, "; lacks");
    for (i = 0, first = 1; i < NFEATS; i++)
        if (!have[i]) llb_i_append(buf, cap, " %s", feats[i].name), first = 0;
    if (first) llb_i_append(buf, cap, " none of them");
}
#else
/* Elsewhere (aarch64 and others): what /proc/cpuinfo says, first occurrence of each field. */
static void llb_i_cpu_procfs(char *buf, size_t cap) {
    static const char *keys[] = {"model name", "CPU implementer", "CPU part", "Hardware", "Features", "isa"};
    char line[1024], vals[6][256];
    size_t k;
    int any = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    memset(vals, 0, sizeof vals);
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':'), *v;
        size_t n;
        if (!colon) continue;
        for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            n = strlen(keys[k]);
            if (strncmp(line, keys[k], n) != 0 || vals[k][0]) continue;
            v = colon + 1;
            while (*v == ' ' || *v == '\t') v++;
            snprintf(vals[k], sizeof vals[k], "%s", v);
            vals[k][strcspn(vals[k], "\n")] = 0;
        }
    }
    if (f) fclose(f);
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (vals[k][0]) llb_i_append(buf, cap, "%s%s %s", any++ ? "; " : "", keys[k], vals[k]);
    if (!any) llb_i_append(buf, cap, "unknown (no cpuid, no /proc/cpuinfo)");
}
#endif

const char *llb_cpu_line(void) {
    static char line[1024];
    if (line[0]) return line;
    snprintf(line, sizeof line, "CPU: ");
#if defined(LLB_I_X86)
    llb_i_cpu_x86(line, sizeof line);
#else
    llb_i_cpu_procfs(line, sizeof line);
#endif
#if defined(__unix__) || defined(__APPLE__)
    {
        struct utsname u;
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        if (n > 0) llb_i_append(line, sizeof line, "; %ld CPUs", n);
        if (uname(&u) == 0) llb_i_append(line, sizeof line, "; kernel %s %s %s", u.sysname, u.release, u.machine);
    }
#endif
    return line;
}

void llb_print_cpu(void) {
    const char *fmt = getenv("LLB_FORMAT"), *done = getenv("LLB_CPU_PRINTED");
    int to_stderr = fmt && (strcmp(fmt, "csv") == 0 || strcmp(fmt, "json") == 0);
    if (done && *done == '1') return;
    fprintf(to_stderr ? stderr : stdout, "%s\n", llb_cpu_line());
    fflush(to_stderr ? stderr : stdout);
#if defined(__unix__) || defined(__APPLE__)
    setenv("LLB_CPU_PRINTED", "1", 1);
#endif
}

static uint64_t llb_i_rand(void) { /* xorshift64*: jitter only */
    llb_i_rng ^= llb_i_rng >> 12;
    llb_i_rng ^= llb_i_rng << 25;
    llb_i_rng ^= llb_i_rng >> 27;
    return llb_i_rng * 0x2545F4914F6CDD1Dull;
}

uint64_t llb_clock_resolution_ns(void) {
    if (!llb_i_resolution) {
        /* the smallest non-zero step the clock shows, over many tries */
        uint64_t best = UINT64_MAX;
        int i;
        for (i = 0; i < 1000; i++) {
            uint64_t a = llb_now_ns(), b;
            int spins = 0;
            do b = llb_now_ns(); while (b == a && ++spins < 1000000);
            if (b > a && b - a < best) best = b - a;
        }
        llb_i_resolution = best == UINT64_MAX ? 1 : best;
    }
    return llb_i_resolution;
}

uint64_t llb_epoch_target_ns(void) {
    const char *s = getenv("LLB_EPOCH_MS");
    uint64_t t;
    if (s && atof(s) > 0) return (uint64_t)(atof(s) * 1e6);
    t = llb_clock_resolution_ns() * 1000;
    if (llb_quick()) return 200000;
    if (t < 1000000) t = 1000000;
    if (t > 100000000) t = 100000000;
    return t;
}

uint64_t llb_next_iters(uint64_t iters, uint64_t elapsed_ns, uint64_t target_ns, uint64_t *final_iters) {
    if (elapsed_ns * 10 < target_ns) return iters * 10; /* too short to trust the rate yet */
    {
        double want = (double)iters * (double)target_ns / (double)(elapsed_ns ? elapsed_ns : 1);
        uint64_t n = want < 1 ? 1 : (uint64_t)(want + 0.5);
        if (elapsed_ns * 3 >= target_ns * 2) { /* within reach: settle */
            *final_iters = n;
            return 0;
        }
        return n; /* one more tuning epoch at the predicted count */
    }
}

static int llb_i_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double llb_median(double *v, size_t n) {
    if (!n) return 0;
    qsort(v, n, sizeof *v, llb_i_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double llb_paired(llb_fn a, llb_fn b, void *ctx, double b_ns, int pairs, double *q1, double *q3) {
    double r[63];
    uint64_t iters = (uint64_t)(5e6 / (b_ns > 0.05 ? b_ns : 0.05));
    int p;
    if (pairs > 63) pairs = 63;
    if (pairs < 1) pairs = 1;
    for (p = 0; p < pairs; p++) {
        uint64_t t0, ta, tb;
        if (p & 1) {
            t0 = llb_now_ns(), b(ctx, iters), tb = llb_now_ns() - t0;
            t0 = llb_now_ns(), a(ctx, iters), ta = llb_now_ns() - t0;
        } else {
            t0 = llb_now_ns(), a(ctx, iters), ta = llb_now_ns() - t0;
            t0 = llb_now_ns(), b(ctx, iters), tb = llb_now_ns() - t0;
        }
        r[p] = (double)ta / (double)(tb ? tb : 1);
    }
    qsort(r, (size_t)pairs, sizeof r[0], llb_i_cmp_double);
    if (q1) *q1 = r[pairs / 4];
    if (q3) *q3 = r[(3 * pairs) / 4];
    return r[pairs / 2];
}

double llb_mdape(const double *v, size_t n, double median) {
    double e[64];
    size_t i, m = n < 64 ? n : 64;
    for (i = 0; i < m; i++) e[i] = v[i] != 0 ? (v[i] > median ? v[i] - median : median - v[i]) / v[i] : 0;
    return llb_median(e, m) * 100.0;
}

static int llb_i_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void llb_percentiles(uint64_t *v, size_t n, double *p50, double *p99, double *p999, double *max) {
    if (!n) {
        if (p50) *p50 = 0;
        if (p99) *p99 = 0;
        if (p999) *p999 = 0;
        if (max) *max = 0;
        return;
    }
    qsort(v, n, sizeof *v, llb_i_cmp_u64);
    if (p50) *p50 = (double)v[(n - 1) / 2];
    if (p99) *p99 = (double)v[(size_t)((double)(n - 1) * 0.99)];
    if (p999) *p999 = (double)v[(size_t)((double)(n - 1) * 0.999)];
    if (max) *max = (double)v[n - 1];
}

int llb_pin_thread(int cpu) {
#if defined(__linux__)
    /* the raw call needs no _GNU_SOURCE; tid 0 = the calling thread */
    unsigned long mask[16];
    const int bits = (int)(8 * sizeof mask[0]);
    if (cpu < 0 || cpu >= 16 * bits) return -EINVAL;
    memset(mask, 0, sizeof mask);
    mask[cpu / bits] = 1ul << (cpu % bits);
    return syscall(SYS_sched_setaffinity, 0, sizeof mask, mask) == 0 ? 0 : -errno;
#else
    (void)cpu;
    return -38;
#endif
}

/* ---- perf counters ---- */
static void llb_i_perf_open(void) {
#if defined(__linux__)
    static const uint64_t configs[LLB_NCOUNTERS] = {PERF_COUNT_HW_INSTRUCTIONS, PERF_COUNT_HW_CPU_CYCLES,
                                                    PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
                                                    PERF_COUNT_HW_BRANCH_MISSES};
    int i;
    if (llb_i_perf_state) return;
    for (i = 0; i < LLB_NCOUNTERS; i++) {
        struct perf_event_attr a;
        memset(&a, 0, sizeof a);
        a.type = PERF_TYPE_HARDWARE;
        a.size = sizeof a;
        a.config = configs[i];
        a.disabled = 1;
        a.exclude_kernel = 1;
        a.exclude_hv = 1;
        llb_i_perf_fds[i] = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
        if (llb_i_perf_fds[i] < 0) {
            int j;
            llb_i_perf_errno = errno;
            for (j = 0; j < i; j++) close(llb_i_perf_fds[j]);
            for (j = 0; j < LLB_NCOUNTERS; j++) llb_i_perf_fds[j] = -1;
            llb_i_perf_state = -1;
            return;
        }
    }
    llb_i_perf_state = 1;
#else
    llb_i_perf_state = -1;
    llb_i_perf_errno = 38;
#endif
}

static void llb_i_perf_start(void) {
#if defined(__linux__)
    int i;
    if (llb_i_perf_state != 1) return;
    for (i = 0; i < LLB_NCOUNTERS; i++) {
        ioctl(llb_i_perf_fds[i], PERF_EVENT_IOC_RESET, 0);
        ioctl(llb_i_perf_fds[i], PERF_EVENT_IOC_ENABLE, 0);
    }
#endif
}

static void llb_i_perf_stop(uint64_t out[LLB_NCOUNTERS]) {
    int i;
    for (i = 0; i < LLB_NCOUNTERS; i++) out[i] = 0;
#if defined(__linux__)
    if (llb_i_perf_state != 1) return;
    for (i = 0; i < LLB_NCOUNTERS; i++) {
        uint64_t v = 0;
        ioctl(llb_i_perf_fds[i], PERF_EVENT_IOC_DISABLE, 0);
        if (read(llb_i_perf_fds[i], &v, sizeof v) == (ssize_t)sizeof v) out[i] = v;
    }
#endif
}

/* ---- tables ---- */
llb_table *llb_table_new(const char *title) {
    llb_table *t = (llb_table *)calloc(1, sizeof *t);
    if (!t) return NULL;
    snprintf(t->title, sizeof t->title, "%s", title ? title : "");
    llb_i_perf_open();
    return t;
}

void llb_table_free(llb_table *t) { free(t); }
void llb_bytes(llb_table *t, double bytes_per_op) { t->bytes = bytes_per_op; }
void llb_baseline(llb_table *t, const char *row) { snprintf(t->baseline, sizeof t->baseline, "%s", row); }

static llb_row *llb_i_new_row(llb_table *t, const char *name) {
    llb_row *r;
    if (t->nrows >= LLB_MAX_ROWS) return NULL;
    r = &t->rows[t->nrows++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->bytes = t->bytes;
    return r;
}

static llb_row *llb_i_find(llb_table *t, const char *name) {
    int i;
    for (i = 0; i < t->nrows; i++)
        if (strcmp(t->rows[i].name, name) == 0) return &t->rows[i];
    return NULL;
}

void llb_add(llb_table *t, const char *name, double ns_per_op, double err_pct) {
    llb_row *r = llb_i_new_row(t, name);
    if (!r) return;
    r->ns = ns_per_op;
    r->err = err_pct;
}

void llb_note(llb_table *t, const char *fmt, ...) {
    va_list ap;
    if (!t->nrows) return;
    va_start(ap, fmt);
    vsnprintf(t->rows[t->nrows - 1].note, sizeof t->rows[0].note, fmt, ap);
    va_end(ap);
}

double llb_ns(llb_table *t, const char *row) {
    llb_row *r = llb_i_find(t, row);
    return r ? r->ns : 0;
}

double llb_err(llb_table *t, const char *row) {
    llb_row *r = llb_i_find(t, row);
    return r ? r->err : 0;
}

double llb_run(llb_table *t, const char *name, llb_fn fn, void *ctx) {
    const char *env_epochs = getenv("LLB_EPOCHS");
    int epochs = env_epochs && atoi(env_epochs) > 0 ? atoi(env_epochs) : (llb_quick() ? 3 : 11);
    uint64_t target = llb_epoch_target_ns(), iters = 1, final_iters = 0;
    double per_op[64], sorted[64], counter_sum[LLB_NCOUNTERS] = {0, 0, 0, 0};
    double total_iters = 0;
    int e, k, tuning;
    llb_row *r = llb_i_new_row(t, name);
    if (!r) return 0;
    if (epochs > 64) epochs = 64;

    /* tuning: grow the count until an epoch is long enough, then derive it from the rate */
    for (tuning = 0; tuning < 64; tuning++) {
        uint64_t t0 = llb_now_ns(), next;
        fn(ctx, iters);
        next = llb_next_iters(iters, llb_now_ns() - t0, target, &final_iters);
        if (!next) break;
        iters = next;
    }
    if (!final_iters) final_iters = iters;
    fn(ctx, final_iters); /* warm-up epoch */

    for (e = 0; e < epochs; e++) {
        /* up to +20 % jitter so that periodic disturbances do not line up with epochs */
        uint64_t n = final_iters + (final_iters > 5 ? llb_i_rand() % (final_iters / 5 + 1) : 0);
        uint64_t c[LLB_NCOUNTERS], t0, t1;
        llb_i_perf_start();
        t0 = llb_now_ns();
        fn(ctx, n);
        t1 = llb_now_ns();
        llb_i_perf_stop(c);
        per_op[e] = (double)(t1 - t0) / (double)n;
        for (k = 0; k < LLB_NCOUNTERS; k++) counter_sum[k] += (double)c[k];
        total_iters += (double)n;
    }
    memcpy(sorted, per_op, sizeof(double) * (size_t)epochs);
    r->ns = llb_median(sorted, (size_t)epochs);
    r->err = llb_mdape(per_op, (size_t)epochs, r->ns);
    if (llb_i_perf_state == 1) {
        r->has_counters = 1;
        for (k = 0; k < LLB_NCOUNTERS; k++) r->counters[k] = counter_sum[k] / total_iters;
    }
    return r->ns;
}

static void llb_i_fmt_rate(char *out, size_t cap, double per_s) {
    if (per_s >= 1e9) snprintf(out, cap, "%.2fG", per_s / 1e9);
    else if (per_s >= 1e6) snprintf(out, cap, "%.2fM", per_s / 1e6);
    else if (per_s >= 1e3) snprintf(out, cap, "%.2fk", per_s / 1e3);
    else snprintf(out, cap, "%.2f", per_s);
}

static const char *llb_i_format(void) {
    const char *f = getenv("LLB_FORMAT");
    return f && *f ? f : "markdown";
}

static void llb_i_print_csv(FILE *f, llb_table *t, int header) {
    int i;
    if (header) fprintf(f, "table,benchmark,ns_per_op,err_pct,op_per_s,gb_per_s,ins,cyc,bra,miss,note\n");
    for (i = 0; i < t->nrows; i++) {
        llb_row *r = &t->rows[i];
        fprintf(f, "\"%s\",\"%s\",%.4f,%.2f,%.1f,%.4f,%.2f,%.2f,%.2f,%.4f,\"%s\"\n", t->title, r->name, r->ns,
                r->err, r->ns > 0 ? 1e9 / r->ns : 0, r->bytes > 0 && r->ns > 0 ? r->bytes / r->ns : 0,
                r->has_counters ? r->counters[0] : -1, r->has_counters ? r->counters[1] : -1,
                r->has_counters ? r->counters[2] : -1, r->has_counters ? r->counters[3] : -1, r->note);
    }
}

void llb_print(llb_table *t) {
    const char *fmt = llb_i_format();
    const char *out = getenv("LLB_OUT");
    llb_row *base;
    int i, any_bytes = 0, any_counters = 0, any_note = 0, noisy = 0;
    if (out && *out) {
        FILE *f = fopen(out, "a");
        if (f) {
            llb_i_print_csv(f, t, ftell(f) == 0);
            fclose(f);
        }
    }
    if (strcmp(fmt, "csv") == 0) {
        llb_i_print_csv(stdout, t, 1);
        return;
    }
    base = t->baseline[0] ? llb_i_find(t, t->baseline) : NULL;
    if (!base && t->nrows) base = &t->rows[0];
    if (strcmp(fmt, "json") == 0) {
        printf("{\"table\":\"%s\",\"rows\":[", t->title);
        for (i = 0; i < t->nrows; i++) {
            llb_row *r = &t->rows[i];
            printf("%s{\"name\":\"%s\",\"ns_per_op\":%.4f,\"err_pct\":%.2f,\"relative\":%.4f,\"gb_per_s\":%.4f,"
                   "\"note\":\"%s\"}",
                   i ? "," : "", r->name, r->ns, r->err, r->ns > 0 && base ? base->ns / r->ns : 0,
                   r->bytes > 0 && r->ns > 0 ? r->bytes / r->ns : 0, r->note);
        }
        printf("]}\n");
        return;
    }
    for (i = 0; i < t->nrows; i++) {
        any_bytes |= t->rows[i].bytes > 0;
        any_counters |= t->rows[i].has_counters;
        any_note |= t->rows[i].note[0] != 0;
    }
    printf("\n### %s\n\n", t->title);
#ifndef __OPTIMIZE__
    printf("> WARNING: built without optimization; these figures mean little.\n\n");
#endif
    printf("| relative | ns/op | op/s |%s err%% |%s benchmark |%s\n", any_bytes ? " GB/s |" : "",
           any_counters ? " ins/op | cyc/op | IPC | bra/op | miss% |" : "", any_note ? " notes |" : "");
    printf("|---:|---:|---:|%s---:|%s:---|%s\n", any_bytes ? "---:|" : "",
           any_counters ? "---:|---:|---:|---:|---:|" : "", any_note ? ":---|" : "");
    for (i = 0; i < t->nrows; i++) {
        llb_row *r = &t->rows[i];
        char rate[32], gbs[32] = "", ctr[128] = "";
        llb_i_fmt_rate(rate, sizeof rate, r->ns > 0 ? 1e9 / r->ns : 0);
        if (any_bytes) {
            if (r->bytes > 0 && r->ns > 0) snprintf(gbs, sizeof gbs, " %.2f |", r->bytes / r->ns);
            else snprintf(gbs, sizeof gbs, " |");
        }
        if (any_counters) {
            if (r->has_counters)
                snprintf(ctr, sizeof ctr, " %.1f | %.1f | %.2f | %.1f | %.1f%% |", r->counters[0], r->counters[1],
                         r->counters[1] > 0 ? r->counters[0] / r->counters[1] : 0, r->counters[2],
                         r->counters[2] > 0 ? 100.0 * r->counters[3] / r->counters[2] : 0);
            else snprintf(ctr, sizeof ctr, " | | | | |");
        }
        if (r->err > 5.0) noisy = 1;
        printf("| %.1f%% | %.2f | %s |%s %.1f%%%s |%s `%s` |%s%s%s\n", base && r->ns > 0 ? 100.0 * base->ns / r->ns : 0,
               r->ns, rate, gbs, r->err, r->err > 5.0 ? " :wavy_dash:" : "", ctr, r->name, any_note ? " " : "",
               any_note ? r->note : "", any_note ? " |" : "");
    }
    if (noisy) printf("\n:wavy_dash: err%% above 5 %%: unstable; rerun on a quieter machine or pin the process.\n");
    if (llb_i_perf_state == -1 && !llb_i_perf_noted) {
        llb_i_perf_noted = 1;
        printf("\nNote: hardware counters unavailable (perf_event_open: %s); columns omitted.\n",
               strerror(llb_i_perf_errno));
    }
    fflush(stdout);
}

#ifdef __cplusplus
}
#endif
#endif /* LLBENCH_IMPLEMENTATION_DONE */
#endif /* LLBENCH_IMPLEMENTATION */
