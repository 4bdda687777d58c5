/* bench_storage.c - commit cost of llio_log (the journal in llio.h) against RocksDB's WAL, SQLite in WAL
   mode, one fdatasync per appended record, and the floor: pwrite into a pre-filled file + fdatasync.

   Same disk, same durability: every contender makes each commit durable with fdatasync before it is
   counted (RocksDB WriteOptions.sync = true; SQLite journal_mode=WAL, synchronous=FULL; the journal's
   default mode). Two places: $STORAGE_BENCH_DIR (default build/, the VM disk) and /dev/shm (tmpfs).
   Records of 100 B and 4 KiB. Every configuration runs ROUNDS times for SECONDS each, the rounds of all
   configurations interleaved (the VM disk drifts); a row is the round with the median commits/s, its
   note the range of the rounds and the commit latency percentiles of that round (per record: from the
   call to the moment it was durable).

   Contenders:
   - journal, 1 appender waiting for each record; 1 appender pipelined (LLIO_LOG_AUTOCOMMIT, never
     waits for a record; at most min(4096, 1 MiB) of records outstanding; latency = append to the
     on_durable callback);
     8 appenders each waiting for its record. Segments of 64 MiB prepared and prefilled once
     (LLIO_LOG_PREFILL) and then recycled between runs, as a long-running journal has them.
   - RocksDB (librocksdb, if found): Put with sync = true from 1 and 8 threads; default options but no
     compression and a 512 MiB memtable (no flush inside a run); a fresh database per run.
   - SQLite (libsqlite3, if found): WAL, synchronous=FULL, INSERT of (integer key, blob); one
     transaction per record from 1 thread; 100 records per transaction from 1 thread; one transaction
     per record from 8 threads sharing one connection (SQLite serialises writers).
   - one fdatasync per record: write(O_APPEND) of the record + fdatasync, 1 thread, a fresh file.
   - floor: pwrite of the record into a file written with zeros beforehand + fdatasync, 1 thread.
   Compared pairs run next to each other in every round (odd rounds in reverse order, so that neither
   goes first every time); a ratio is the median of the per-round ratios.
   Run time: about 16 configurations x 2 places x ROUNDS x SECONDS (5 x 0.6 s: about 2 minutes with
   setup); STORAGE_BENCH_SECONDS and STORAGE_BENCH_ROUNDS change it, LLB_QUICK=1 cuts it to a smoke run. */
#define LLIO_IMPLEMENTATION
#include "llio.h"
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#ifdef STB_HAVE_ROCKSDB
#include <rocksdb/c.h>
#endif
#ifdef STB_HAVE_SQLITE
#include <sqlite3.h>
#endif

#define MAXW 8
#define LATCAP (1u << 21) /* latencies kept per run */

enum { C_LOG_WAIT, C_LOG_PIPE, C_LOG_8, C_ROCKS_1, C_ROCKS_8, C_SQL_1, C_SQL_BATCH, C_SQL_8, C_FSYNC, C_FLOOR };
static const char *const g_kind_name[] = {
    "journal, 1 appender waiting",   "journal, 1 appender pipelined", "journal, 8 appenders waiting",
    "RocksDB WAL sync, 1 writer",    "RocksDB WAL sync, 8 writers",   "SQLite WAL FULL, 1 txn/record",
    "SQLite WAL FULL, 100 rec/txn",  "SQLite WAL FULL, 8 writers",    "append + fdatasync per record",
    "pre-filled pwrite + fdatasync (floor)"};

typedef struct cfg {
    int kind;
    size_t rec;
} cfg;

typedef struct sample {
    double cps, p50, p99, p999; /* commits/s; latency, ns */
    int ok;
} sample;

static char g_place[512];   /* the directory of the current place */
static double g_seconds = 0.6;
static int g_rounds = 5;
static uint64_t *g_lat;     /* MAXW * LATCAP */
static size_t g_nlat[MAXW];
static volatile int g_stop;
static unsigned char g_val[8192];

static void lat_add(int w, uint64_t ns) {
    if (g_nlat[w] < LATCAP) g_lat[(size_t)w * LATCAP + g_nlat[w]++] = ns;
}

static void rm_tree(const char *dir) { /* one level of files (and the level below, for RocksDB) */
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1400];
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0) rm_tree(p);
    }
    closedir(d);
    rmdir(dir);
}

typedef struct worker {
    int w;
    size_t rec;
    uint64_t done;
    void *ctx;
    void *ctx2;
    int err;
} worker;

typedef void *(*worker_fn)(void *);

/* run n workers until g_stop; returns commits/s */
static double run_workers(int n, worker_fn fn, size_t rec, void *ctx, void *ctx2, int *err) {
    pthread_t th[MAXW];
    worker ws[MAXW];
    uint64_t t0, total = 0;
    struct timespec ts;
    int i;
    g_stop = 0;
    memset(ws, 0, sizeof ws);
    t0 = llb_now_ns();
    for (i = 0; i < n; i++) {
        ws[i].w = i;
        ws[i].rec = rec;
        ws[i].ctx = ctx;
        ws[i].ctx2 = ctx2;
        g_nlat[i] = 0;
        pthread_create(&th[i], NULL, fn, &ws[i]);
    }
    ts.tv_sec = (time_t)g_seconds;
    ts.tv_nsec = (long)((g_seconds - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
    g_stop = 1;
    for (i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        total += ws[i].done;
        if (ws[i].err) *err = ws[i].err;
    }
    return (double)total * 1e9 / (double)(llb_now_ns() - t0);
}

/* ---------------- the journal ---------------- */
typedef struct pipe_state {
    uint64_t *t_append; /* append time by seq & 4095 */
    uint64_t seen;      /* durable point already accounted */
} pipe_state;
static pipe_state g_pipe;

static void on_durable(void *ctx, uint64_t d) {
    uint64_t now = llb_now_ns(), s;
    (void)ctx;
    if (!g_pipe.t_append) return;
    for (s = g_pipe.seen + 1; s <= d; s++) lat_add(0, now - g_pipe.t_append[s & 4095]);
    g_pipe.seen = d;
}

static void *log_waiter(void *vp) {
    worker *wk = (worker *)vp;
    llio_log *l = (llio_log *)wk->ctx;
    while (!g_stop) {
        uint64_t t0 = llb_now_ns();
        int64_t s = llio_log_append(l, g_val, wk->rec);
        if (s < 0 || llio_log_wait(l, (uint64_t)s, -1) != 0) {
            wk->err = s < 0 ? (int)s : -1;
            break;
        }
        lat_add(wk->w, llb_now_ns() - t0);
        wk->done++;
    }
    return NULL;
}

static uint64_t g_window; /* records outstanding at most: 1 MiB of them, at most 4096 */
static void *log_pipelined(void *vp) {
    worker *wk = (worker *)vp;
    llio_log *l = (llio_log *)wk->ctx;
    uint64_t last = 0;
    while (!g_stop) {
        int64_t s;
        uint64_t now = llb_now_ns();
        while ((uint64_t)last >= llio_log_durable(l) + g_window) { /* window full: let commits catch up */
            llio_log_poll(l);
            if (g_stop) break;
        }
        s = llio_log_append(l, g_val, wk->rec);
        if (s < 0) {
            wk->err = (int)s;
            break;
        }
        g_pipe.t_append[(uint64_t)s & 4095] = now;
        last = (uint64_t)s;
    }
    if (!wk->err && llio_log_commit(l) != 0) wk->err = -1;
    wk->done = llio_log_durable(l) - (uint64_t)(uintptr_t)wk->ctx2; /* records made durable */
    return NULL;
}

static int log_open(llio_log **l, int pipelined) {
    llio_log_options o;
    char dir[700];
    snprintf(dir, sizeof dir, "%s/journal", g_place);
    llio_log_options_init(&o);
    o.segment_bytes = (uint64_t)64 << 20;
    o.spare_segments = 2;
    o.keep_free = 8;
    o.flags = LLIO_LOG_PREFILL | (pipelined ? LLIO_LOG_AUTOCOMMIT : 0);
    if (getenv("STORAGE_BENCH_INFLIGHT")) o.max_inflight = (uint32_t)atoi(getenv("STORAGE_BENCH_INFLIGHT"));
    o.on_durable = pipelined ? on_durable : NULL;
    return llio_log_open(dir, &o, l);
}

static double run_log(const cfg *c, int *err) {
    llio_log *l;
    llio_log_info st;
    double cps;
    int rc = log_open(&l, c->kind == C_LOG_PIPE);
    if (rc) {
        *err = rc;
        return 0;
    }
    llio_log_stats(l, &st);
    if (c->kind == C_LOG_PIPE) {
        static uint64_t times[4096];
        g_pipe.t_append = times;
        g_pipe.seen = st.durable_seq;
        g_nlat[0] = 0;
        g_window = ((uint64_t)1 << 20) / c->rec < 4096 ? ((uint64_t)1 << 20) / c->rec : 4096;
        cps = run_workers(1, log_pipelined, c->rec, l, (void *)(uintptr_t)st.durable_seq, err);
        g_pipe.t_append = NULL;
    } else {
        cps = run_workers(c->kind == C_LOG_8 ? 8 : 1, log_waiter, c->rec, l, NULL, err);
    }
    llio_log_stats(l, &st);
    llio_log_checkpoint(l, st.durable_seq); /* old segments become free files for the next run */
    if ((rc = llio_log_close(l)) != 0) *err = rc;
    return cps;
}

/* ---------------- RocksDB ---------------- */
#ifdef STB_HAVE_ROCKSDB
static void *rocks_writer(void *vp) {
    worker *wk = (worker *)vp;
    rocksdb_t *db = (rocksdb_t *)wk->ctx;
    rocksdb_writeoptions_t *wo = (rocksdb_writeoptions_t *)wk->ctx2;
    char key[32];
    uint64_t i = 0;
    while (!g_stop) {
        char *e = NULL;
        uint64_t t0 = llb_now_ns();
        int kl = snprintf(key, sizeof key, "%02d-%016llu", wk->w, (unsigned long long)i++);
        rocksdb_put(db, wo, key, (size_t)kl, (const char *)g_val, wk->rec, &e);
        if (e) {
            fprintf(stderr, "rocksdb: %s\n", e);
            rocksdb_free(e);
            wk->err = -1;
            break;
        }
        lat_add(wk->w, llb_now_ns() - t0);
        wk->done++;
    }
    return NULL;
}
static double run_rocks(const cfg *c, int *err) {
    char dir[700];
    char *e = NULL;
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_t *db;
    double cps = 0;
    snprintf(dir, sizeof dir, "%s/rocksdb", g_place);
    rm_tree(dir);
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_compression(o, rocksdb_no_compression);
    rocksdb_options_set_write_buffer_size(o, (size_t)512 << 20);
    rocksdb_writeoptions_set_sync(wo, 1);
    db = rocksdb_open(o, dir, &e);
    if (e) {
        fprintf(stderr, "rocksdb open: %s\n", e);
        rocksdb_free(e);
        *err = -1;
    } else {
        rocksdb_put(db, wo, "warm-up", 7, (const char *)g_val, c->rec, &e); /* the WAL file exists */
        if (e) rocksdb_free(e), e = NULL;
        cps = run_workers(c->kind == C_ROCKS_8 ? 8 : 1, rocks_writer, c->rec, db, wo, err);
        rocksdb_close(db);
    }
    rocksdb_destroy_db(o, dir, &e);
    if (e) rocksdb_free(e);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_options_destroy(o);
    rm_tree(dir);
    return cps;
}
#endif

/* ---------------- SQLite ---------------- */
#ifdef STB_HAVE_SQLITE
static uint64_t g_sql_key;
static void *sql_writer(void *vp) {
    worker *wk = (worker *)vp;
    sqlite3 *db = (sqlite3 *)wk->ctx;
    int batch = (int)(intptr_t)wk->ctx2;
    sqlite3_stmt *st = NULL, *begin = NULL, *commit = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(k, v) VALUES(?, ?)", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "BEGIN", -1, &begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK) {
        wk->err = -1;
        return NULL;
    }
    while (!g_stop) {
        uint64_t t0 = llb_now_ns();
        int i, rc = SQLITE_DONE;
        if (batch > 1) rc = sqlite3_step(begin), sqlite3_reset(begin);
        for (i = 0; i < batch && (rc == SQLITE_DONE || rc == SQLITE_OK); i++) {
            sqlite3_bind_int64(st, 1, (sqlite3_int64)__atomic_add_fetch(&g_sql_key, 1, __ATOMIC_RELAXED));
            sqlite3_bind_blob(st, 2, g_val, (int)wk->rec, SQLITE_STATIC);
            rc = sqlite3_step(st);
            sqlite3_reset(st);
        }
        if (batch > 1 && rc == SQLITE_DONE) rc = sqlite3_step(commit), sqlite3_reset(commit);
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
            wk->err = -1;
            break;
        }
        for (i = 0; i < batch; i++) lat_add(wk->w, llb_now_ns() - t0); /* each record waited this long */
        wk->done += (uint64_t)batch;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    return NULL;
}
static double run_sql(const cfg *c, int *err) {
    char path[700], p2[760];
    sqlite3 *db;
    double cps = 0;
    snprintf(path, sizeof path, "%s/sqlite.db", g_place);
    unlink(path);
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    /* one connection; with 8 threads its mutex serialises them (SQLite allows one writer anyway) */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                         "CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        *err = -1;
    } else {
        g_sql_key = 0;
        cps = run_workers(c->kind == C_SQL_8 ? 8 : 1, sql_writer, c->rec, db,
                          (void *)(intptr_t)(c->kind == C_SQL_BATCH ? 100 : 1), err);
    }
    sqlite3_close(db);
    unlink(path);
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    return cps;
}
#endif

/* ---------------- plain files ---------------- */
static void *fsync_writer(void *vp) {
    worker *wk = (worker *)vp;
    int fd = (int)(intptr_t)wk->ctx, floor = wk->ctx2 != NULL;
    uint64_t off = 0;
    while (!g_stop) {
        uint64_t t0 = llb_now_ns();
        ssize_t n = floor ? pwrite(fd, g_val, wk->rec, (off_t)off) : write(fd, g_val, wk->rec);
        if (n != (ssize_t)wk->rec || fdatasync(fd) != 0) {
            wk->err = -errno;
            break;
        }
        off += wk->rec;
        lat_add(wk->w, llb_now_ns() - t0);
        wk->done++;
    }
    return NULL;
}
static double run_fsync(const cfg *c, int *err) {
    char path[700];
    int fd;
    double cps;
    snprintf(path, sizeof path, "%s/%s", g_place, c->kind == C_FLOOR ? "floor.dat" : "append.dat");
    if (c->kind == C_FLOOR) { /* written once with zeros (kept between runs): pwrite overwrites */
        struct stat st;
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size < (64 << 20)) {
            static unsigned char z[1 << 20];
            int i;
            for (i = 0; i < 64; i++) llio_pwrite_full(fd, z, sizeof z, (int64_t)i << 20);
            fsync(fd);
        }
    } else {
        unlink(path);
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    if (fd < 0) {
        *err = -errno;
        return 0;
    }
    cps = run_workers(1, fsync_writer, c->rec, (void *)(intptr_t)fd, c->kind == C_FLOOR ? (void *)1 : NULL, err);
    close(fd);
    if (c->kind != C_FLOOR) unlink(path);
    return cps;
}

/* ---------------- the table ---------------- */
static int have(int kind) {
    const char *only = getenv("STORAGE_BENCH_ONLY"); /* a comma-separated list of kinds (tuning) */
    if (only) {
        char buf[16];
        snprintf(buf, sizeof buf, ",%d,", kind);
        if (!strstr(only, buf)) return 0;
    }
#ifndef STB_HAVE_ROCKSDB
    if (kind == C_ROCKS_1 || kind == C_ROCKS_8) return 0;
#endif
#ifndef STB_HAVE_SQLITE
    if (kind == C_SQL_1 || kind == C_SQL_BATCH || kind == C_SQL_8) return 0;
#endif
    (void)kind;
    return 1;
}

static sample run_one(const cfg *c) {
    sample s;
    int err = 0, w;
    size_t n = 0;
    double mx;
    memset(&s, 0, sizeof s);
    memset(g_nlat, 0, sizeof g_nlat);
    switch (c->kind) {
    case C_LOG_WAIT: case C_LOG_PIPE: case C_LOG_8: s.cps = run_log(c, &err); break;
#ifdef STB_HAVE_ROCKSDB
    case C_ROCKS_1: case C_ROCKS_8: s.cps = run_rocks(c, &err); break;
#endif
#ifdef STB_HAVE_SQLITE
    case C_SQL_1: case C_SQL_BATCH: case C_SQL_8: s.cps = run_sql(c, &err); break;
#endif
    default: s.cps = run_fsync(c, &err); break;
    }
    for (w = 0; w < MAXW; w++) { /* gather every worker's latencies */
        memmove(g_lat + n, g_lat + (size_t)w * LATCAP, g_nlat[w] * sizeof(uint64_t));
        n += g_nlat[w];
    }
    if (n) llb_percentiles(g_lat, n, &s.p50, &s.p99, &s.p999, &mx);
    s.ok = !err && s.cps > 0;
    if (err) fprintf(stderr, "storage bench: %s (%zu B) in %s failed: %d\n", g_kind_name[c->kind], c->rec, g_place, err);
    return s;
}

static int cmp_sample(const void *a, const void *b) {
    double x = ((const sample *)a)->cps, y = ((const sample *)b)->cps;
    return x < y ? -1 : x > y;
}

static int g_n;
static const cfg *g_cs;
static sample (*g_smp)[16]; /* [config][round], in round order */

static int find(int kind, size_t rec) {
    int i;
    for (i = 0; i < g_n; i++)
        if (g_cs[i].kind == kind && g_cs[i].rec == rec) return i;
    return -1;
}
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
/* the ratio of a to b in each round (they ran next to each other), then the median of the rounds */
static void ratio(const char *what, int ka, int kb, size_t rec) {
    int a = find(ka, rec), b = find(kb, rec), r, n = 0;
    double c[16], p[16];
    if (a < 0 || b < 0) {
        printf("- %s: not measured (a contender is missing)\n", what);
        return;
    }
    for (r = 0; r < g_rounds; r++)
        if (g_smp[a][r].ok && g_smp[b][r].ok) {
            c[n] = g_smp[a][r].cps / g_smp[b][r].cps;
            p[n++] = g_smp[a][r].p99 / g_smp[b][r].p99;
        }
    if (!n) {
        printf("- %s: not measured (failed runs)\n", what);
        return;
    }
    qsort(c, (size_t)n, sizeof(double), cmp_double);
    qsort(p, (size_t)n, sizeof(double), cmp_double);
    printf("- %s: %.2fx commits/s (rounds %.2f..%.2f); p99 %.2fx\n", what, c[n / 2], c[0], c[n - 1], p[n / 2]);
}

static void describe_place(const char *dir, char *out, size_t n) {
    struct statvfs sv;
    FILE *f = fopen("/proc/mounts", "r");
    char line[512], best[512] = "?", real[600];
    size_t bestlen = 0;
    if (!realpath(dir, real)) snprintf(real, sizeof real, "%s", dir);
    while (f && fgets(line, sizeof line, f)) {
        char dev[200], mnt[200], fs[50];
        if (sscanf(line, "%199s %199s %49s", dev, mnt, fs) == 3 && strncmp(real, mnt, strlen(mnt)) == 0 &&
            strlen(mnt) >= bestlen) {
            bestlen = strlen(mnt);
            snprintf(best, sizeof best, "%s on %s (%s)", dev, mnt, fs);
        }
    }
    if (f) fclose(f);
    if (statvfs(dir, &sv) == 0)
        snprintf(out, n, "%s, %.0f GiB free", best, (double)sv.f_bavail * (double)sv.f_frsize / (1u << 30));
    else
        snprintf(out, n, "%s", best);
}

static void bench_place(const char *dir, const char *label) {
    /* pairs that are compared run next to each other in every round */
    static const int k100[] = {C_LOG_WAIT, C_FLOOR, C_FSYNC, C_LOG_PIPE, C_ROCKS_1, C_LOG_8, C_ROCKS_8, C_SQL_8,
                               C_SQL_1, C_SQL_BATCH};
    static const int k4k[] = {C_LOG_WAIT, C_ROCKS_1, C_LOG_PIPE, C_LOG_8, C_ROCKS_8, C_SQL_8};
    cfg cs[32];
    static sample smp[32][16], byround[32][16];
    sample med[32][1];
    int n = 0, i, r;
    char title[1100], where[700];
    llb_table *t;
    snprintf(g_place, sizeof g_place, "%s", dir);
    mkdir(dir, 0755);
    for (i = 0; i < (int)(sizeof k100 / sizeof k100[0]); i++)
        if (have(k100[i])) cs[n].kind = k100[i], cs[n++].rec = 100;
    for (i = 0; i < (int)(sizeof k4k / sizeof k4k[0]); i++)
        if (have(k4k[i])) cs[n].kind = k4k[i], cs[n++].rec = 4096;
    { /* prepare the journal's segments once (prefilled), as a running journal has them */
        llio_log *l;
        if (log_open(&l, 0) == 0) llio_log_close(l);
    }
    memset(smp, 0, sizeof smp);
    for (r = 0; r < g_rounds; r++) /* odd rounds in reverse: neither of a pair always goes first */
        for (i = 0; i < n; i++) {
            int k = r & 1 ? n - 1 - i : i;
            smp[k][r] = run_one(&cs[k]);
        }
    memcpy(byround, smp, sizeof smp);
    g_n = n;
    g_cs = cs;
    g_smp = byround;
    describe_place(dir, where, sizeof where);
    snprintf(title, sizeof title, "storage: commit cost on %s, %s; median of %d rounds of %.1f s", label, where,
             g_rounds, g_seconds);
    t = llb_table_new(title);
    for (i = 0; i < n; i++) {
        char name[96];
        int ok = 0, k;
        for (k = 0; k < g_rounds; k++) ok += smp[i][k].ok;
        qsort(smp[i], (size_t)g_rounds, sizeof(sample), cmp_sample);
        med[i][0] = smp[i][g_rounds / 2];
        if (ok < g_rounds) med[i][0].ok = 0;
        snprintf(name, sizeof name, "%s, %zu B", g_kind_name[cs[i].kind], cs[i].rec);
        llb_add(t, name, med[i][0].cps > 0 ? 1e9 / med[i][0].cps : 0, 0);
        if (med[i][0].ok)
            llb_note(t, "%.0f commits/s (%.0f..%.0f), p50 %.1f us, p99 %.1f us, p99.9 %.1f us", med[i][0].cps,
                     smp[i][0].cps, smp[i][g_rounds - 1].cps, med[i][0].p50 / 1e3, med[i][0].p99 / 1e3,
                     med[i][0].p999 / 1e3);
        else
            llb_note(t, "failed in %d of %d rounds", g_rounds - ok, g_rounds);
    }
    llb_print(t);
    llb_table_free(t);
    printf("\nRatios on %s (same run, same place, durable commits; per round, median of %d):\n", label, g_rounds);
    ratio("journal 8 appenders / RocksDB 8 writers, 100 B", C_LOG_8, C_ROCKS_8, 100);
    ratio("journal 8 appenders / RocksDB 8 writers, 4 KiB", C_LOG_8, C_ROCKS_8, 4096);
    ratio("journal 1 appender waiting / RocksDB 1 writer, 100 B", C_LOG_WAIT, C_ROCKS_1, 100);
    ratio("journal 1 appender waiting / RocksDB 1 writer, 4 KiB", C_LOG_WAIT, C_ROCKS_1, 4096);
    ratio("journal 1 appender pipelined / RocksDB 1 writer, 100 B", C_LOG_PIPE, C_ROCKS_1, 100);
    ratio("journal 8 appenders / SQLite 8 writers, 100 B", C_LOG_8, C_SQL_8, 100);
    ratio("journal 8 appenders / SQLite 8 writers, 4 KiB", C_LOG_8, C_SQL_8, 4096);
    ratio("journal 1 appender waiting / pre-filled pwrite+fdatasync floor, 100 B", C_LOG_WAIT, C_FLOOR, 100);
    ratio("journal 1 appender pipelined / floor, 100 B", C_LOG_PIPE, C_FLOOR, 100);
    ratio("journal 1 appender waiting / append + fdatasync per record, 100 B", C_LOG_WAIT, C_FSYNC, 100);
    printf("\n");
    {
        char p[800];
        snprintf(p, sizeof p, "%s/journal", dir);
        rm_tree(p);
        snprintf(p, sizeof p, "%s/floor.dat", dir);
        unlink(p);
        rmdir(dir);
    }
}

static void describe_disk(void) {
    char b[64];
    const char *files[] = {"/sys/block/vda/queue/write_cache", "/sys/block/vda/queue/fua",
                           "/sys/block/vda/queue/rotational"};
    const char *names[] = {"write cache", "fua", "rotational"};
    int i;
    printf("disk (vda):");
    for (i = 0; i < 3; i++) {
        FILE *f = fopen(files[i], "r");
        if (f && fgets(b, sizeof b, f)) {
            b[strcspn(b, "\n")] = 0;
            printf(" %s=%s", names[i], b);
        }
        if (f) fclose(f);
    }
    printf("\n");
}

int main(void) {
    const char *dir = getenv("STORAGE_BENCH_DIR"), *e;
    char disk[600], shm[600];
    llio_ring probe;
    setvbuf(stdout, NULL, _IOLBF, 0);
    llb_print_cpu();
    if ((e = getenv("STORAGE_BENCH_SECONDS")) != NULL && atof(e) > 0) g_seconds = atof(e);
    if ((e = getenv("STORAGE_BENCH_ROUNDS")) != NULL && atoi(e) > 0) g_rounds = atoi(e) > 15 ? 15 : atoi(e);
    if (llb_quick()) {
        g_seconds = 0.2;
        g_rounds = 1;
    }
    if (llio_init(&probe, 8, 0) == 0) {
        char d[400];
        llio_describe(&probe, d, sizeof d);
        printf("llio: %s\n", d);
        llio_destroy(&probe);
    }
    describe_disk();
#ifdef STB_HAVE_ROCKSDB
    printf("RocksDB %s\n", STB_ROCKSDB_VERSION);
#else
    printf("skipped: RocksDB (librocksdb-dev not installed)\n");
#endif
#ifdef STB_HAVE_SQLITE
    printf("SQLite %s\n", sqlite3_libversion());
#else
    printf("skipped: SQLite (libsqlite3-dev not installed)\n");
#endif
    memset(g_val, 0x5a, sizeof g_val);
    g_lat = (uint64_t *)malloc((size_t)MAXW * LATCAP * sizeof(uint64_t));
    if (!g_lat) return 1;
    snprintf(disk, sizeof disk, "%s/bench-storage-%d", dir ? dir : "build", (int)getpid());
    snprintf(shm, sizeof shm, "/dev/shm/bench-storage-%d", (int)getpid());
    printf("\n");
    bench_place(disk, "the VM disk");
    bench_place(shm, "tmpfs");
    free(g_lat);
    return 0;
}
