/* wal.c - the write-ahead log of a small key-value store, on llio_log (the journal in llio.h).

   Writer threads turn each update ("SET key value") into one journal record and wait until it is
   durable before they acknowledge it: llio_log batches the records of every thread that appends
   meanwhile into one vectored write and one fdatasync (group commit). At start-up the store replays
   the journal into its table: recovery has already cut it after the last intact record. A checkpoint
   (here: after a snapshot of the table would be written) drops the segments it no longer needs.

   Usage:
       wal                 checked mode: 4 writers, a restart that replays everything, a checkpoint, and a
                           short crash loop (a child killed with SIGKILL; every acknowledged update must
                           come back). Env WAL_ROUNDS sets the rounds (default 10), WAL_DIR the directory.
       wal crash [ROUNDS]  only the crash loop (default 200 rounds)
       wal bench           updates/s and latency with 1 and 8 writers, on the VM disk and on tmpfs; each
                           writer times its updates with llstat's clock into its own llstat histogram, and
                           the histograms are merged on read into the percentile distribution printed
   The full test of the journal is tests/test_llio_log.c; its benchmark is make bench BENCH=storage. */
#define LLIO_IMPLEMENTATION
#define LLSTAT_IMPLEMENTATION
#define LLBENCH_IMPLEMENTATION
#include "llio.h"
#include "llstat.h"
#include "bench/llbench.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NKEYS 1024
#define MAXW 8

/* the store: a value per key, and per writer the last update it made (to check replays) */
typedef struct store {
    uint64_t value[NKEYS];
    uint64_t last[MAXW];
    uint64_t updates;
} store;

/* one update as a journal record: writer, its update number, key, value (little-endian hosts) */
typedef struct update {
    uint32_t writer, key;
    uint64_t n, value;
} update;

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}
static update make_update(uint32_t w, uint64_t n) {
    update u;
    u.writer = w;
    u.n = n;
    u.key = (uint32_t)(mix(((uint64_t)w << 40) ^ n) % NKEYS);
    u.value = mix(n * 31 + w);
    return u;
}

/* replay every record into s; returns the number replayed, or -1 when one is not a valid update */
static int64_t replay(const char *dir, store *s) {
    llio_log_reader *r;
    llio_log_record rec;
    int64_t n = 0;
    int rc;
    memset(s, 0, sizeof *s);
    if (llio_log_reader_open(dir, NULL, 0, &r) != 0) return -1;
    while ((rc = llio_log_read(r, &rec)) == 1) {
        update u, want;
        if (rec.len != sizeof u) break;
        memcpy(&u, rec.data, sizeof u);
        want = make_update(u.writer, u.n);
        /* each writer's updates come back in order, with nothing missing in between */
        if (u.writer >= MAXW || memcmp(&u, &want, sizeof u) != 0 || (s->last[u.writer] && u.n != s->last[u.writer] + 1))
            break;
        s->value[u.key] = u.value;
        s->last[u.writer] = u.n;
        n++;
    }
    llio_log_reader_close(r);
    return rc == 0 ? n : -1;
}

typedef struct writer {
    llio_log *l;
    uint32_t w;
    uint64_t first, count;  /* count 0: until stop */
    volatile int *stop;
    uint64_t *acked;        /* where the last acknowledged update number goes (shared memory) */
    uint64_t done;
    llstat_hist *lat;       /* this writer's own histogram of update latencies (ns), or NULL */
    int err;
} writer;

static void *writer_main(void *vp) {
    writer *wr = (writer *)vp;
    uint64_t n;
    for (n = wr->first; (!wr->count || n < wr->first + wr->count) && !*wr->stop; n++) {
        update u = make_update(wr->w, n);
        uint64_t t0 = llstat_now();
        int64_t seq = llio_log_append(wr->l, &u, sizeof u);
        if (seq < 0 || llio_log_wait(wr->l, (uint64_t)seq, -1) != 0) {
            wr->err = 1;
            break;
        }
        /* durable: now the update may be acknowledged */
        __atomic_store_n(wr->acked, n, __ATOMIC_RELEASE);
        if (wr->lat) llstat_hist_record(wr->lat, llstat_ticks_to_ns(llstat_now() - t0));
        wr->done++;
    }
    return NULL;
}

/* nw writers from where the store left off, for count updates each or for `seconds` */
static int run_writers(const char *dir, unsigned nw, uint64_t count, double seconds, const store *from,
                       uint64_t *acked, writer *ws, llio_log_info *info) {
    llio_log *l;
    pthread_t th[MAXW];
    volatile int stop = 0;
    unsigned i;
    int rc = llio_log_open(dir, NULL, &l);
    if (rc) return rc;
    for (i = 0; i < nw; i++) {
        ws[i].l = l;
        ws[i].w = i;
        ws[i].first = from->last[i] + 1;
        ws[i].count = count;
        ws[i].stop = &stop;
        ws[i].acked = &acked[i];
        pthread_create(&th[i], NULL, writer_main, &ws[i]);
    }
    if (seconds > 0) {
        struct timespec ts;
        ts.tv_sec = (time_t)seconds;
        ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
        nanosleep(&ts, NULL);
        stop = 1;
    }
    for (i = 0; i < nw; i++) {
        pthread_join(th[i], NULL);
        if (ws[i].err) rc = -1;
    }
    if (info) llio_log_stats(l, info);
    if (llio_log_close(l) != 0) rc = -1;
    return rc;
}

static int g_fail;
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("  check failed (%s:%d): %s: ", __FILE__, __LINE__, #cond);                 \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
            g_fail++;                                                                          \
        }                                                                                      \
    } while (0)

static char g_dir[600];

static void checked_run(void) {
    char dir[700];
    store s, s2;
    writer ws[MAXW];
    uint64_t acked[MAXW];
    llio_log *l;
    llio_log_info st;
    int before = g_fail, dropped;
    unsigned i;
    snprintf(dir, sizeof dir, "%s/ll-wal-%d", g_dir, (int)getpid());
    memset(&s, 0, sizeof s);
    memset(ws, 0, sizeof ws);
    memset(acked, 0, sizeof acked);
    CHECK(run_writers(dir, 4, 300, 0, &s, acked, ws, &st) == 0, "writers");
    printf("  1200 updates in %llu commits (%.1f per fdatasync)\n", (unsigned long long)st.commits,
           1200.0 / (double)(st.commits ? st.commits : 1));
    CHECK(st.commits < 1200, "group commit: %llu commits", (unsigned long long)st.commits);
    CHECK(replay(dir, &s) == 1200, "replay after a restart");
    for (i = 0; i < 4; i++) CHECK(s.last[i] == 300, "writer %u: %llu", i, (unsigned long long)s.last[i]);
    /* the store takes a snapshot (not shown) and checkpoints: the journal drops whole segments */
    CHECK(llio_log_open(dir, NULL, &l) == 0, "open");
    llio_log_stats(l, &st);
    CHECK(st.recovered_records == 1200, "recovered %llu", (unsigned long long)st.recovered_records);
    dropped = llio_log_checkpoint(l, st.next_seq);
    CHECK(dropped >= 0, "checkpoint %d", dropped);
    CHECK(llio_log_close(l) == 0, "close");
    memset(ws, 0, sizeof ws);
    CHECK(run_writers(dir, 4, 50, 0, &s, acked, ws, NULL) == 0, "writers after the restart");
    CHECK(replay(dir, &s2) >= 200, "replay after the checkpoint");
    for (i = 0; i < 4; i++) CHECK(s2.last[i] == 350, "writer %u: %llu", i, (unsigned long long)s2.last[i]);
    {
        char cmd[800];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) printf("  could not remove %s\n", dir);
    }
    printf("%s examples/wal-recovery\n", g_fail == before ? "PASS" : "FAIL");
}

/* A child runs 4 writers until it is killed with SIGKILL at a random moment; the updates it
   acknowledged are in shared memory. After every kill, the replay must hold each of them. */
static void crash_loop(unsigned rounds) {
    char dir[700];
    uint64_t *acked = (uint64_t *)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint64_t seed = mix((uint64_t)time(NULL) ^ (uint64_t)getpid()), total = 0;
    store s;
    unsigned r, i;
    int before = g_fail;
    if (acked == MAP_FAILED) {
        CHECK(0, "mmap");
        return;
    }
    memset(acked, 0, 4096);
    memset(&s, 0, sizeof s);
    snprintf(dir, sizeof dir, "%s/ll-wal-crash-%d", g_dir, (int)getpid());
    for (r = 0; r < rounds && g_fail == before; r++) {
        pid_t pid;
        int status;
        struct timespec ts;
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
            writer ws[4];
            memset(ws, 0, sizeof ws);
            run_writers(dir, 4, 0, 3600, &s, acked, ws, NULL);
            _exit(0);
        }
        seed = mix(seed + r);
        ts.tv_sec = 0;
        ts.tv_nsec = (long)((r + 1 == rounds ? 200 : 5 + seed % 100) * 1000000);
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CHECK(replay(dir, &s) >= 0, "round %u: replay", r);
        for (i = 0; i < 4; i++)
            CHECK(s.last[i] >= acked[i], "round %u writer %u: acknowledged %llu, replayed up to %llu", r, i,
                  (unsigned long long)acked[i], (unsigned long long)s.last[i]);
    }
    for (i = 0; i < 4; i++) total += acked[i];
    CHECK(rounds == 0 || total > 0, "no update was acknowledged");
    printf("  %u rounds: %llu updates acknowledged, every one replayed\n", r, (unsigned long long)total);
    {
        char cmd[800];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) printf("  could not remove %s\n", dir);
    }
    munmap(acked, 4096);
    printf("%s examples/wal-crash\n", g_fail == before ? "PASS" : "FAIL");
}

static int bench_main(void) {
    const char *places[2] = {"build", "/dev/shm"}, *labels[2] = {"VM disk", "tmpfs"};
    static const unsigned nws[2] = {1, 8};
    double secs = llb_quick() ? 0.3 : 1.5;
    int p, k;
    llb_print_cpu();
    for (p = 0; p < 2; p++) {
        char title[200], dir[700];
        llb_table *t;
        snprintf(title, sizeof title, "wal: durable updates on %s (%s), %.1f s each", labels[p], places[p], secs);
        t = llb_table_new(title);
        snprintf(dir, sizeof dir, "%s/ll-wal-bench-%d", places[p], (int)getpid());
        for (k = 0; k < 2; k++) {
            /* 100 ns .. 100 s at 3 significant digits: one histogram per writer, one to merge into */
            size_t hbytes = llstat_hist_memsize(100, 100000000000ull, 3);
            unsigned char *hmem = (unsigned char *)calloc(MAXW + 1, hbytes);
            llstat_hist *all = (llstat_hist *)(void *)(hmem + (size_t)MAXW * hbytes);
            writer ws[MAXW];
            uint64_t acked[MAXW], done = 0;
            store s;
            unsigned i;
            double ups;
            char name[80];
            uint64_t t0;
            if (!hmem || llstat_hist_init(all, hbytes, 100, 100000000000ull, 3) != LLSTAT_OK) return 1;
            memset(ws, 0, sizeof ws);
            memset(&s, 0, sizeof s);
            for (i = 0; i < nws[k]; i++) {
                ws[i].lat = (llstat_hist *)(void *)(hmem + (size_t)i * hbytes);
                if (llstat_hist_init(ws[i].lat, hbytes, 100, 100000000000ull, 3) != LLSTAT_OK) return 1;
            }
            t0 = llb_now_ns();
            if (run_writers(dir, nws[k], 0, secs, &s, acked, ws, NULL) != 0) printf("wal bench: a run failed\n");
            for (i = 0; i < nws[k]; i++) {
                llstat_hist_merge(all, ws[i].lat);
                done += ws[i].done;
            }
            ups = (double)done * 1e9 / (double)(llb_now_ns() - t0);
            snprintf(name, sizeof name, "%u writer%s, each waiting for its update", nws[k], nws[k] > 1 ? "s" : "");
            llb_add(t, name, ups > 0 ? 1e9 / ups : 0, 0);
            llb_note(t, "%.0f updates/s, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us", ups,
                     (double)llstat_hist_percentile(all, 50) / 1e3, (double)llstat_hist_percentile(all, 99) / 1e3,
                     (double)llstat_hist_percentile(all, 99.9) / 1e3, (double)llstat_hist_max(all) / 1e3);
            if (llstat_hist_count(all) != done) printf("wal bench: %llu latencies for %llu updates\n",
                                                        (unsigned long long)llstat_hist_count(all), (unsigned long long)done);
            printf("latency distribution, %s, %u writer%s (us, HdrHistogram format):\n", labels[p], nws[k],
                   nws[k] > 1 ? "s" : "");
            llstat_hist_print(all, stdout, 1, 1000.0, false);
            free(hmem);
            {
                char cmd[800];
                snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
                if (system(cmd) != 0) printf("could not remove %s\n", dir);
            }
        }
        llb_print(t);
        llb_table_free(t);
        printf("\n");
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = getenv("WAL_DIR"), *e = getenv("WAL_ROUNDS");
    setvbuf(stdout, NULL, _IOLBF, 0);
    llstat_clock_init(LLSTAT_CLOCK_AUTO);
    if (!dir) dir = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s", dir ? dir : "/tmp");
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench_main();
    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        crash_loop(argc > 2 ? (unsigned)atoi(argv[2]) : e ? (unsigned)atoi(e) : 200);
        return g_fail ? 1 : 0;
    }
    checked_run();
    crash_loop(e ? (unsigned)atoi(e) : 10);
    return g_fail ? 1 : 0;
}
