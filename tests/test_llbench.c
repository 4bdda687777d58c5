/* Tests of bench/llbench.h's statistics and tuning, driven by a fake clock. */
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"
#include "lltest.h"

#include <stdlib.h>

/* A clock that advances by `step` ns per reading, or by a programmed amount per call of the workload. */
typedef struct fake_clock {
    uint64_t now, step;
} fake_clock;

static uint64_t fake_now(void *ctx) {
    fake_clock *c = (fake_clock *)ctx;
    c->now += c->step;
    return c->now;
}

/* Workload whose cost is exactly `ns_per_iter` fake nanoseconds per iteration. */
typedef struct fake_work {
    fake_clock *clock;
    double ns_per_iter;
    uint64_t calls, last_iters;
    double noise; /* every third call costs (1+noise) times more */
} fake_work;

static void fake_fn(void *ctx, uint64_t iters) {
    fake_work *w = (fake_work *)ctx;
    double f = (w->calls % 3 == 2) ? 1.0 + w->noise : 1.0;
    w->calls++;
    w->last_iters = iters;
    w->clock->now += (uint64_t)((double)iters * w->ns_per_iter * f);
}

static void median_and_mdape(void) {
    double a[] = {5, 1, 4, 2, 3};
    double b[] = {10, 10, 10, 10};
    double c[] = {100, 110, 90, 100, 100, 200, 100};
    double even[] = {4, 1, 3, 2};
    LLT_CHECK(llb_median(a, 5) == 3.0);
    LLT_CHECK(llb_median(even, 4) == 2.5);
    LLT_CHECK(llb_median(b, 4) == 10.0);
    LLT_CHECK(llb_mdape(b, 4, 10.0) == 0.0);
    /* deviations |x-100|/x: 0, 10/110, 10/90, 0, 0, 100/200, 0 -> median 0 */
    LLT_CHECK(llb_mdape(c, 7, 100.0) == 0.0);
    {
        double d[] = {100, 120, 80, 125, 100};
        /* deviations 0, .1667, .25, .2, 0 -> median .1667 */
        double m = llb_mdape(d, 5, 100.0);
        LLT_CHECKF(m > 16.6 && m < 16.7, "mdape %f", m);
    }
}

static void percentiles(void) {
    uint64_t v[1000];
    double p50, p99, p999, mx;
    int i;
    for (i = 0; i < 1000; i++) v[i] = (uint64_t)(1000 - i); /* 1..1000 reversed */
    llb_percentiles(v, 1000, &p50, &p99, &p999, &mx);
    LLT_CHECK(p50 == 500.0);
    LLT_CHECK(p99 == 990.0);
    LLT_CHECK(p999 == 999.0);
    LLT_CHECK(mx == 1000.0);
    llb_percentiles(v, 0, &p50, &p99, &p999, &mx);
    LLT_CHECK(p50 == 0 && mx == 0);
}

static void clock_resolution_and_epoch(void) {
    fake_clock c = {0, 250};
    llb_set_clock(fake_now, &c);
    LLT_EQ_U64(llb_clock_resolution_ns(), 250);
    /* 1000 x 250 ns = 250 us, clamped up to 1 ms */
    LLT_EQ_U64(llb_epoch_target_ns(), 1000000);
    c.step = 500000; /* a coarse clock: 1000 x 0.5 ms = 500 ms, clamped to 100 ms */
    llb_set_clock(fake_now, &c);
    LLT_EQ_U64(llb_epoch_target_ns(), 100000000);
    llb_set_clock(NULL, NULL);
    LLT_CHECK(llb_clock_resolution_ns() < 1000000); /* the real clock is finer than 1 ms */
}

static void iteration_scaling(void) {
    uint64_t fin = 0;
    /* far too short: grow tenfold */
    LLT_EQ_U64(llb_next_iters(1, 10, 1000000, &fin), 10);
    LLT_EQ_U64(fin, 0);
    /* a quarter of the target: predict from the rate, one more epoch */
    LLT_EQ_U64(llb_next_iters(1000, 250000, 1000000, &fin), 4000);
    LLT_EQ_U64(fin, 0);
    /* close enough: settle on the rate-derived count */
    LLT_EQ_U64(llb_next_iters(1000, 800000, 1000000, &fin), 0);
    LLT_EQ_U64(fin, 1250);
}

static void run_with_fake_clock(void) {
    fake_clock c = {0, 1};
    fake_work w;
    llb_table *t;
    double ns;
    w.clock = &c;
    w.ns_per_iter = 37.0;
    w.calls = 0;
    w.noise = 0;
    llb_set_clock(fake_now, &c);
    t = llb_table_new("fake");
    LLT_REQUIRE(t != NULL);
    ns = llb_run(t, "steady", fake_fn, &w);
    /* the clock's own step (1 ns per reading) adds a hair; the figure must be 37 ns within 0.1 % */
    LLT_CHECKF(ns > 36.99 && ns < 37.04, "ns %f", ns);
    LLT_CHECKF(llb_err(t, "steady") < 0.1, "err %f", llb_err(t, "steady"));
    /* epochs are ~1 ms of fake time: iterations were scaled to about 1e6/37 */
    LLT_CHECKF(w.last_iters >= 20000 && w.last_iters <= 40000, "iters %llu", (unsigned long long)w.last_iters);
    /* a workload with every third epoch 50 % slower: median stays, err% reports the spread */
    w.noise = 0.5;
    w.calls = 0;
    w.ns_per_iter = 74.0;
    ns = llb_run(t, "noisy", fake_fn, &w);
    LLT_CHECKF(ns > 73.9 && ns < 74.1 * 1.5, "ns %f", ns);
    /* baseline relative figures */
    LLT_CHECKF(llb_ns(t, "steady") > 36.9, "steady %f", llb_ns(t, "steady"));
    llb_add(t, "external", 18.5, 1.0);
    llb_note(t, "p99 %d ns", 40);
    LLT_CHECK(llb_ns(t, "external") == 18.5);
    LLT_CHECK(llb_ns(t, "missing") == 0);
    llb_table_free(t);
    llb_set_clock(NULL, NULL);
}

/* llb_paired: a costs 3 ns per iteration and b 2 ns; with drift, every round's first call (a in even
   rounds, b in odd ones) costs `drift` times more - the machine changing speed between two rows. Rounds
   alternate the order, so half the per-round ratios are 4.5/2 and half 3/3 at drift 1.5, and with an odd
   number of rounds the median is one of them, never a blend; the quartiles bracket it. Without drift the
   ratio is exactly 1.5. Iterations are sized from b_ns to ~5 ms. */
typedef struct paired_work {
    fake_clock *clock;
    double ns_a, ns_b, drift;
    int calls; /* calls so far: even = the first call of its round */
    uint64_t iters_a, iters_b;
} paired_work;
static void paired_cost(paired_work *w, double ns, uint64_t iters) {
    double f = (w->calls % 2 == 0) ? w->drift : 1.0;
    w->calls++;
    w->clock->now += (uint64_t)((double)iters * ns * f);
}
static void paired_a(void *ctx, uint64_t iters) {
    paired_work *w = (paired_work *)ctx;
    w->iters_a = iters;
    paired_cost(w, w->ns_a, iters);
}
static void paired_b(void *ctx, uint64_t iters) {
    paired_work *w = (paired_work *)ctx;
    w->iters_b = iters;
    paired_cost(w, w->ns_b, iters);
}
static void paired_ratio(void) {
    fake_clock c = {0, 0};
    paired_work w;
    double q1 = 0, q3 = 0, r;
    w.clock = &c;
    w.ns_a = 3.0;
    w.ns_b = 2.0;
    w.drift = 1.5;
    w.calls = 0;
    llb_set_clock(fake_now, &c);
    /* 5 rounds: a first in rounds 0, 2, 4 (4.5 / 2 = 2.25), b first in 1 and 3 (3 / 3 = 1.0) */
    r = llb_paired(paired_a, paired_b, &w, 2.0, 5, &q1, &q3);
    LLT_CHECKF(r > 2.249 && r < 2.251, "median %f", r);
    LLT_CHECKF(q1 > 0.999 && q1 < 1.001, "q1 %f", q1);
    LLT_CHECKF(q3 > 2.249 && q3 < 2.251, "q3 %f", q3);
    LLT_EQ_U64(w.iters_a, 2500000); /* 5 ms at b's 2 ns, the same count for both */
    LLT_EQ_U64(w.iters_b, 2500000);
    LLT_CHECK(w.calls == 10);
    /* no drift: exactly a's cost over b's, quartiles optional */
    w.drift = 1.0;
    w.calls = 0;
    r = llb_paired(paired_a, paired_b, &w, 2.0, 4, NULL, NULL);
    LLT_CHECKF(r > 1.4999 && r < 1.5001, "ratio %f", r);
    LLT_CHECK(w.calls == 8);
    llb_set_clock(NULL, NULL);
}

/* The CPU line: its shape, and on x86 its feature lists against the compiler's own detection (which also
   reads cpuid and XCR0, by other code). Nothing is assumed about which features this CPU has. */
static int listed(const char *list, const char *name) { /* name as a whole word in list */
    size_t n = strlen(name);
    const char *p = list;
    while ((p = strstr(p, name)) != NULL) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0 || p[n] == ';')) return 1;
        p += n;
    }
    return 0;
}

static void cpu_line(void) {
    const char *line = llb_cpu_line(), *done;
    LLT_CHECKF(strncmp(line, "CPU: ", 5) == 0, "%s", line);
    LLT_CHECKF(strstr(line, "; kernel ") != NULL, "%s", line);
    LLT_CHECK(strchr(line, '\n') == NULL);
    LLT_CHECK(llb_cpu_line() == line); /* computed once */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    {
        char has[512] = "", lacks[512] = "";
        const char *h = strstr(line, "; has "), *l = strstr(line, "; lacks ");
        LLT_REQUIRE(h && l && h < l);
        snprintf(has, sizeof has, "%.*s", (int)(l - h - 6), h + 6);
        snprintf(lacks, sizeof lacks, "%s", l + 8);
        lacks[strcspn(lacks, ";")] = 0;
        __builtin_cpu_init();
#define LLBT_FEATURE(name)                                                                                  \
    do {                                                                                                    \
        int want = __builtin_cpu_supports(name) != 0;                                                       \
        LLT_CHECKF(listed(has, name) == want && listed(lacks, name) == !want, "%s: gcc says %d; %s", name, \
                   want, line);                                                                             \
    } while (0)
        LLBT_FEATURE("sse4.2");
        LLBT_FEATURE("pclmul");
        LLBT_FEATURE("avx");
        LLBT_FEATURE("avx2");
        LLBT_FEATURE("bmi2");
        LLBT_FEATURE("avx512f");
        LLBT_FEATURE("avx512bw");
        LLBT_FEATURE("avx512vl");
        LLBT_FEATURE("vpclmulqdq");
        LLBT_FEATURE("vaes");
#undef LLBT_FEATURE
        /* every feature of the table is in exactly one of the two lists */
        LLT_CHECKF(listed(has, "clwb") + listed(lacks, "clwb") == 1, "%s", line);
        LLT_CHECKF(listed(has, "movdir64b") + listed(lacks, "movdir64b") == 1, "%s", line);
        LLT_CHECKF(listed(has, "clflushopt") + listed(lacks, "clflushopt") == 1, "%s", line);
    }
#endif
    /* printed once per process tree: the flag is left for the children */
    unsetenv("LLB_CPU_PRINTED");
    llb_print_cpu();
    done = getenv("LLB_CPU_PRINTED");
    LLT_CHECK(done && strcmp(done, "1") == 0);
}

int main(int argc, char **argv) {
    LLT_INIT("llbench", argc, argv);
    LLT_RUN(median_and_mdape);
    LLT_RUN(percentiles);
    LLT_RUN(clock_resolution_and_epoch);
    LLT_RUN(iteration_scaling);
    LLT_RUN(run_with_fake_clock);
    LLT_RUN(paired_ratio);
    LLT_RUN(cpu_line);
    return LLT_FINISH();
}
