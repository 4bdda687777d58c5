/* latency.c - llstat in a hot loop: timestamps, per-thread histograms merged by a reporter, rates.

   Two worker threads (pinned to CPUs 0 and 1 where there are two) run a small unit of work in a loop -
   update a price level array and checksum it, the kind of step a feed handler repeats per message - and
   time every iteration with llstat_now() (the TSC where it is safe). Each worker records into its own
   histogram and bumps its own counters: plain single-writer increments, no lock, no atomic
   read-modify-write. A reporter thread wakes every 50 ms, merges the live histograms into one it owns,
   and prints p50 / p99 / p99.9 / max and the message rate between two snapshots. At the end the
   merged histogram is printed in HdrHistogram's percentile-distribution format.

   Usage:
       latency          checked mode: 2 x 2,000,000 messages; every invariant checked, PASS/FAIL line
       latency bench    2 x 20,000,000 messages; the cost of timing every message (ns per message with
                        and without llstat_now + record) as a markdown table, then the distribution
*/
#define LLSTAT_IMPLEMENTATION
#include "llstat.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEVELS 256
#define RANGE_NS 10000000000ull /* 10 s: anything longer is an outage, not a latency */

typedef struct worker {
    pthread_t thread;
    int cpu, timed;
    uint64_t messages;
    llstat_hist *hist;          /* written by this worker only */
    llstat_counter done, bytes; /* idem */
    uint64_t checksum, elapsed_ns;
} worker;

/* one message: move a price level and checksum the book (about 100 ns of dependent work) */
static uint64_t handle(int64_t *book, uint64_t msg) {
    uint64_t h = msg, i;
    book[msg % LEVELS] += (int64_t)(msg & 0xff) - 128;
    for (i = 0; i < LEVELS; i += 4) h = (h ^ (uint64_t)book[i]) * 0x100000001b3ull;
    return h;
}

static void *work(void *arg) {
    worker *w = (worker *)arg;
    int64_t book[LEVELS] = {0};
    uint64_t i, sum = 0, t_start;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(w->cpu, &set);
    sched_setaffinity(0, sizeof set, &set); /* best effort */
    t_start = llstat_now_ns();
    for (i = 0; i < w->messages; i++) {
        if (w->timed) {
            uint64_t t0 = llstat_now();
            sum += handle(book, i * 0x9E3779B97F4A7C15ull);
            llstat_hist_record(w->hist, llstat_ticks_to_ns(llstat_now() - t0));
        } else {
            sum += handle(book, i * 0x9E3779B97F4A7C15ull);
        }
        llstat_counter_add(&w->done, 1);
        llstat_counter_add(&w->bytes, 32);
    }
    w->elapsed_ns = llstat_now_ns() - t_start;
    w->checksum = sum;
    return NULL;
}

typedef struct reporter {
    worker *w;
    int nw, quiet, stop, reports;
    llstat_hist *merged; /* owned by the reporter */
} reporter;

static void *report(void *arg) {
    reporter *r = (reporter *)arg;
    llstat_snapshot prev = {llstat_now_ns(), 0, 0}, cur;
    llstat_rate rate;
    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        struct timespec ts = {0, 50000000};
        int i;
        nanosleep(&ts, NULL);
        llstat_hist_reset(r->merged);
        cur.ns = llstat_now_ns();
        cur.ops = cur.bytes = 0;
        for (i = 0; i < r->nw; i++) {
            llstat_hist_merge(r->merged, r->w[i].hist); /* read while the workers write */
            cur.ops += llstat_counter_read(&r->w[i].done);
            cur.bytes += llstat_counter_read(&r->w[i].bytes);
        }
        if (llstat_rate_between(&prev, &cur, &rate) == LLSTAT_OK && !r->quiet)
            printf("  %6.2f M msg/s  p50 %5llu ns  p99 %6llu ns  p99.9 %7llu ns  max %8llu ns\n",
                   rate.ops_per_sec / 1e6, (unsigned long long)llstat_hist_percentile(r->merged, 50),
                   (unsigned long long)llstat_hist_percentile(r->merged, 99),
                   (unsigned long long)llstat_hist_percentile(r->merged, 99.9),
                   (unsigned long long)llstat_hist_max(r->merged));
        prev = cur;
        r->reports++;
    }
    return NULL;
}

/* run nw workers for n messages each; returns ns per message per worker, fills merged */
static double run(worker *w, int nw, uint64_t n, int timed, llstat_hist *merged, int quiet, int *reports) {
    reporter r;
    pthread_t rt;
    double ns = 0;
    int i;
    memset(&r, 0, sizeof r);
    r.w = w;
    r.nw = nw;
    r.quiet = quiet;
    r.merged = merged;
    for (i = 0; i < nw; i++) {
        llstat_hist_reset(w[i].hist);
        llstat_counter_reset(&w[i].done);
        llstat_counter_reset(&w[i].bytes);
        w[i].cpu = i;
        w[i].messages = n;
        w[i].timed = timed;
    }
    pthread_create(&rt, NULL, report, &r);
    for (i = 0; i < nw; i++) pthread_create(&w[i].thread, NULL, work, &w[i]);
    for (i = 0; i < nw; i++) pthread_join(w[i].thread, NULL);
    __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
    pthread_join(rt, NULL);
    llstat_hist_reset(merged);
    for (i = 0; i < nw; i++) {
        llstat_hist_merge(merged, w[i].hist);
        ns += (double)w[i].elapsed_ns / (double)n / nw;
    }
    *reports = r.reports;
    return ns;
}

int main(int argc, char **argv) {
    int bench = argc > 1 && strcmp(argv[1], "bench") == 0, i, reports = 0, ok = 1;
    size_t bytes = llstat_hist_memsize(1, RANGE_NS, 3);
    uint64_t n = bench ? 20000000 : 2000000;
    const char *scale = getenv("LLT_SCALE");
    worker w[2];
    llstat_hist *merged = (llstat_hist *)malloc(bytes);
    double timed_ns, bare_ns;
    if (scale && atof(scale) > 0 && atof(scale) < 1) n = (uint64_t)((double)n * atof(scale));
    llstat_clock_init(LLSTAT_CLOCK_AUTO); /* once, before any thread times anything */
    printf("clock: %s (%s)\n", llstat_clock_name(), llstat_clock_reason());
    memset(w, 0, sizeof w);
    for (i = 0; i < 2; i++) {
        w[i].hist = (llstat_hist *)malloc(bytes);
        if (!w[i].hist || llstat_hist_init(w[i].hist, bytes, 1, RANGE_NS, 3) != LLSTAT_OK) return 1;
    }
    if (!merged || llstat_hist_init(merged, bytes, 1, RANGE_NS, 3) != LLSTAT_OK) return 1;

    timed_ns = run(w, 2, n, 1, merged, 0, &reports);
    /* checked: nothing lost, the numbers hang together */
    ok &= llstat_hist_count(merged) == 2 * n;
    ok &= llstat_counter_read(&w[0].done) == n && llstat_counter_read(&w[1].bytes) == 32 * n;
    ok &= llstat_hist_percentile(merged, 50) <= llstat_hist_percentile(merged, 99.9);
    ok &= llstat_hist_percentile(merged, 100) == llstat_hist_max(merged);
    ok &= llstat_hist_min(merged) <= (uint64_t)llstat_hist_mean(merged) && llstat_hist_mean(merged) <= (double)llstat_hist_max(merged);
    ok &= reports > 0 || n < 1000000;
    if (bench) {
        bare_ns = run(w, 2, n, 0, merged, 1, &reports);
        printf("\n| %s, 2 threads x %llu messages | ns/message |\n|---|---:|\n", llstat_clock_name(), (unsigned long long)n);
        printf("| untimed loop | %.2f |\n| llstat_now x2 + ticks_to_ns + llstat_hist_record per message | %.2f |\n", bare_ns,
               timed_ns);
        printf("| cost of timing every message | %.2f |\n\n", timed_ns - bare_ns);
        run(w, 2, n, 1, merged, 1, &reports);
    }
    if (bench) {
        ok &= llstat_hist_print(merged, stdout, 5, 1.0, false) == LLSTAT_OK;
    } else { /* checked mode: the output is produced and well-formed, the summary is enough to read */
        FILE *f = tmpfile();
        char line[256];
        int footer = 0;
        ok &= f && llstat_hist_print(merged, f, 5, 1.0, false) == LLSTAT_OK;
        if (f) {
            rewind(f);
            while (fgets(line, sizeof line, f)) footer += strncmp(line, "#[", 2) == 0;
            fclose(f);
        }
        ok &= footer == 3;
        printf("%llu messages: p50 %llu ns, p99 %llu ns, p99.9 %llu ns, max %llu ns, mean %.1f ns\n",
               (unsigned long long)llstat_hist_count(merged), (unsigned long long)llstat_hist_percentile(merged, 50),
               (unsigned long long)llstat_hist_percentile(merged, 99),
               (unsigned long long)llstat_hist_percentile(merged, 99.9), (unsigned long long)llstat_hist_max(merged),
               llstat_hist_mean(merged));
    }
    printf("%s examples/latency\n", ok ? "PASS" : "FAIL");
    for (i = 0; i < 2; i++) free(w[i].hist);
    free(merged);
    return ok ? 0 : 1;
}
