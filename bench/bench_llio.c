/* bench_llio.c - llio.h against liburing (same operations, best flags), plain pread/pwrite/pwritev
   and fio (io_uring, libaio, psync engines on the same file, JSON output parsed).

   Files: a 256 MiB file in $LLIO_BENCH_DIR (default build/, on the disk) and a 64 MiB file in
   /dev/shm; both removed at the end. The thread is pinned to CPU 1 (fio: cpus_allowed=1).

   Tables: NOP submit+reap (batch 1 and 32); 4 KiB random reads at QD1 from the page cache and from
   tmpfs (p50/p99 from 100k timed operations, IOPS); O_DIRECT 4 KiB random reads at QD32 with registered
   buffers and files, in fio's loop shape, fio/llio/liburing rounds interleaved and medians compared;
   the synchronous fallback against pread/pwritev; the write coalescer (64 adjacent 4 KiB pages, from
   one buffer and from pages 8 KiB apart) against separate writes and one hand-written pwritev,
   buffered and O_DIRECT. */
#define LLIO_IMPLEMENTATION
#include "llio.h"
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef LLB_HAVE_URING
#include <liburing.h>
#endif

#define BIGSZ ((uint64_t)256 << 20)
#define SHMSZ ((uint64_t)64 << 20)
#define NOFF 65536
#define QD 32

static char g_big[512], g_shm[512];
static uint64_t g_off_big[NOFF], g_off_shm[NOFF];
static const char *g_fio;
static int g_quick;

/* the loops of bench_llio_counters.c, built with the counters (cnt_on_) and without (cnt_off_), each
   twice (copies a and b, linked on a, off a, off b, on b) */
typedef struct nostats_ctx {
    llio_ring *r;
    int fd;
    const uint64_t *offs;
    unsigned oi;
    char *buf;
    unsigned batch;
} nostats_ctx;
#define CNT_DECLARE(v)                                                                               \
    void *cnt_##v##_ring_new(unsigned entries);                                                      \
    void cnt_##v##_ring_free(void *ring);                                                            \
    void cnt_##v##_nop(void *p, uint64_t iters);                                                     \
    void cnt_##v##_read(void *p, uint64_t iters);
CNT_DECLARE(on_a)
CNT_DECLARE(off_a)
CNT_DECLARE(off_b)
CNT_DECLARE(on_b)

typedef struct bctx {
    llio_ring *r;
#ifdef LLB_HAVE_URING
    struct io_uring *u;
#endif
    int fd;
    const uint64_t *offs;
    unsigned oi;
    char *buf;
    unsigned batch;
} bctx;

static uint64_t g_x = 88172645463325252ull;
static uint64_t rnd(void) {
    g_x ^= g_x << 13;
    g_x ^= g_x >> 7;
    g_x ^= g_x << 17;
    return g_x;
}

static void die(const char *what, int e) {
    fprintf(stderr, "bench_llio: %s: %s\n", what, strerror(e < 0 ? -e : e));
    exit(1);
}

/* Two rows that differ by less than this VM's drift between rows: measured in NOP_ROUNDS rounds with the
   order alternating, and the medians (and the per-round ratio's median and range) printed. */
#define NOP_ROUNDS 7
#define MAX_ROUNDS 31
static void rotated_pair_n(int rounds, const char *what, const char *ours_name, llb_fn ours, const char *anchor_name,
                           llb_fn anchor, void *ctx) {
    double ra[MAX_ROUNDS], rb[MAX_ROUNDS], q[MAX_ROUNDS], lo = 1e9, hi = 0;
    int i;
    if (rounds > MAX_ROUNDS) rounds = MAX_ROUNDS;
    for (i = 0; i < rounds; i++) {
        llb_table *sc = llb_table_new("scratch");
        if (i & 1) {
            rb[i] = llb_run(sc, "b", anchor, ctx);
            ra[i] = llb_run(sc, "a", ours, ctx);
        } else {
            ra[i] = llb_run(sc, "a", ours, ctx);
            rb[i] = llb_run(sc, "b", anchor, ctx);
        }
        q[i] = ra[i] / rb[i];
        if (q[i] < lo) lo = q[i];
        if (q[i] > hi) hi = q[i];
        llb_table_free(sc);
    }
    {
        double ma = llb_median(ra, (size_t)rounds), mb = llb_median(rb, (size_t)rounds);
        printf("- %s, %d rotated rounds: %s %.1f ns, %s %.1f ns (medians, ratio %.3f); %s/%s time per round: "
               "median %.3f (%.3f..%.3f)\n",
               what, rounds, ours_name, ma, anchor_name, mb, ma / mb, ours_name, anchor_name,
               llb_median(q, (size_t)rounds), lo, hi);
    }
}
static void rotated_pair(const char *what, const char *ours_name, llb_fn ours, const char *anchor_name,
                         llb_fn anchor, void *ctx) {
    rotated_pair_n(NOP_ROUNDS, what, ours_name, ours, anchor_name, anchor, ctx);
}

/* ---------------- NOP ---------------- */
static void nop_llio(void *p, uint64_t iters) {
    bctx *c = (bctx *)p;
    uint64_t i;
    unsigned k;
    for (i = 0; i < iters; i++) {
        llio_cqe *q;
        llio_cqe out[64];
        unsigned got = 0;
        for (k = 0; k < c->batch; k++) llio_prep_nop(llio_get_sqe(c->r));
        llio_submit_and_wait(c->r, c->batch);
        if (c->batch == 1) { /* peek + seen */
            q = llio_peek_cqe(c->r);
            if (!q) die("nop", EIO);
            llio_cqe_seen(c->r, q);
            continue;
        }
        while (got < c->batch) { /* batch: copy out, one head update */
            unsigned n = llio_reap(c->r, out, 64);
            if (!n) llio_wait(c->r, c->batch - got, -1);
            got += n;
        }
        llb_do_not_optimize(out[0].res);
    }
}
#ifdef LLB_HAVE_URING
static void nop_uring(void *p, uint64_t iters) {
    bctx *c = (bctx *)p;
    uint64_t i;
    unsigned k;
    for (i = 0; i < iters; i++) {
        struct io_uring_cqe *q;
        unsigned head, n = 0;
        for (k = 0; k < c->batch; k++) io_uring_prep_nop(io_uring_get_sqe(c->u));
        io_uring_submit_and_wait(c->u, c->batch);
        io_uring_for_each_cqe(c->u, head, q) n++;
        io_uring_cq_advance(c->u, n);
    }
}
static int uring_best(struct io_uring *u, unsigned entries, int plain) {
    struct io_uring_params p;
    int e;
    memset(&p, 0, sizeof p);
    if (!plain) p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    e = io_uring_queue_init_params(entries, u, &p);
    if (e == -EINVAL && !plain) {
        memset(&p, 0, sizeof p);
        p.flags = IORING_SETUP_COOP_TASKRUN;
        e = io_uring_queue_init_params(entries, u, &p);
    }
    if (e == 0 && !plain) io_uring_register_ring_fd(u);
    return e;
}
#endif

/* ---------------- counters on / compiled out ---------------- */
/* Four loops over one ring: counters copy a, no counters copy a, no counters copy b, counters copy b.
   Each round runs the four in a rotated order, each for the same number of operations (about 4 ms);
   the per-round ratio (on a + on b) / (off a + off b) sets the two builds against each other under the
   same load, and on a / on b (the same code at two addresses) shows what placement and noise alone
   do. Many short rounds: the VM's drift between rows is larger than the difference measured. */
typedef void (*cnt_fn)(void *p, uint64_t iters);
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double quantile(const double *v, int n, double q) {
    double t[256];
    int i = (int)(q * (n - 1) + 0.5);
    memcpy(t, v, (size_t)n * sizeof *v);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return t[i];
}
static double cnt_worst = 0;
static void counters_row(const char *what, int rounds, cnt_fn on_a, cnt_fn off_a, cnt_fn off_b, cnt_fn on_b,
                         nostats_ctx *c) {
    cnt_fn f[4];
    double t[4][256], q[256], ctl[256];
    uint64_t iters = 64, ns = 0;
    int i, j;
    f[0] = on_a;
    f[1] = off_a;
    f[2] = off_b;
    f[3] = on_b;
    if (rounds > 256) rounds = 256;
    for (;;) { /* calibrate: one run of about 4 ms (warms all four too) */
        uint64_t t0 = llb_now_ns();
        for (j = 0; j < 4; j++) f[j](c, iters);
        ns = (llb_now_ns() - t0) / 4;
        if (ns >= 4000000 || iters >= (1u << 24)) break;
        iters = ns < 400000 ? iters * 10 : (uint64_t)((double)iters * 4e6 / (double)ns) + 1;
    }
    for (i = 0; i < rounds; i++) {
        for (j = 0; j < 4; j++) {
            int k = (i + j) & 3;
            uint64_t t0 = llb_now_ns();
            f[k](c, iters);
            t[k][i] = (double)(llb_now_ns() - t0) / (double)iters;
        }
        q[i] = (t[0][i] + t[3][i]) / (t[1][i] + t[2][i]);
        ctl[i] = t[0][i] / t[3][i];
    }
    {
        double on = (quantile(t[0], rounds, 0.5) + quantile(t[3], rounds, 0.5)) / 2;
        double off = (quantile(t[1], rounds, 0.5) + quantile(t[2], rounds, 0.5)) / 2;
        double m = quantile(q, rounds, 0.5);
        if (m > cnt_worst) cnt_worst = m;
        printf("| %s | %.1f | %.1f | **%.3f** | %.3f..%.3f | %.3f |\n", what, on, off, m, quantile(q, rounds, 0.1),
               quantile(q, rounds, 0.9), quantile(ctl, rounds, 0.5));
    }
}
/* ---------------- QD1 reads ---------------- */
static inline uint64_t next_off(bctx *c) { return c->offs[c->oi++ & (NOFF - 1)]; }

static void rd_pread(void *p, uint64_t iters) {
    bctx *c = (bctx *)p;
    uint64_t i;
    for (i = 0; i < iters; i++)
        if (pread(c->fd, c->buf, 4096, (off_t)next_off(c)) != 4096) die("pread", errno);
}
static void rd_llio(void *p, uint64_t iters) {
    bctx *c = (bctx *)p;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        llio_cqe *q;
        llio_prep_read(llio_get_sqe(c->r), c->fd, c->buf, 4096, next_off(c));
        llio_submit_and_wait(c->r, 1);
        q = llio_peek_cqe(c->r);
        if (!q || q->res != 4096) die("llio read", q ? q->res : EIO);
        llio_cqe_seen(c->r, q);
    }
}
#ifdef LLB_HAVE_URING
static void rd_uring(void *p, uint64_t iters) {
    bctx *c = (bctx *)p;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        struct io_uring_cqe *q = NULL;
        io_uring_prep_read(io_uring_get_sqe(c->u), c->fd, c->buf, 4096, next_off(c));
        io_uring_submit_and_wait(c->u, 1);
        if (io_uring_peek_cqe(c->u, &q) || q->res != 4096) die("liburing read", q ? q->res : EIO);
        io_uring_cqe_seen(c->u, q);
    }
}
#endif

/* time n single operations: p50/p99 */
static void lat(llb_fn fn, bctx *c, double *p50, double *p99) {
    unsigned n = g_quick ? 5000 : 100000, i;
    uint64_t *v = (uint64_t *)malloc(n * sizeof(uint64_t));
    double p999, mx;
    fn(c, 1000);
    for (i = 0; i < n; i++) {
        uint64_t t0 = llb_now_ns();
        fn(c, 1);
        v[i] = llb_now_ns() - t0;
    }
    llb_percentiles(v, n, p50, p99, &p999, &mx);
    free(v);
}

static void row_lat(llb_table *t, const char *name, llb_fn fn, bctx *c) {
    double p50, p99, ns = llb_run(t, name, fn, c);
    lat(fn, c, &p50, &p99);
    llb_note(t, "p50 %.0f ns, p99 %.0f ns, %.0f kIOPS", p50, p99, 1e6 / ns);
}

/* ---------------- fio ---------------- */
static double json_num(const char *s, const char *from_key, const char *key) {
    const char *p = from_key ? strstr(s, from_key) : s;
    if (!p) return -1;
    p = strstr(p, key);
    if (!p) return -1;
    p = strchr(p + strlen(key), ':');
    return p ? strtod(p + 1, NULL) : -1;
}

/* run fio, parse read IOPS and clat p50/p99 (ns); 0 on success */
static int run_fio(const char *file, const char *engine, int direct, int qd, const char *extra,
                   double *iops, double *p50, double *p99) {
    char cmd[2048], *out;
    FILE *f;
    size_t n = 0, cap = 1 << 20;
    int secs = g_quick ? 1 : 2;
    if (!g_fio || !*g_fio) return -1;
    snprintf(cmd, sizeof cmd,
             "%s --output-format=json --name=llio --filename=%s --rw=randread --bs=4k --size=%llu "
             "--ioengine=%s --direct=%d --iodepth=%d --runtime=%d --time_based --norandommap "
             "--randrepeat=0 --invalidate=0 --cpus_allowed=1 --group_reporting %s 2>/dev/null",
             g_fio, file, (unsigned long long)(strcmp(file, g_shm) ? BIGSZ : SHMSZ), engine, direct,
             qd, secs, extra ? extra : "");
    f = popen(cmd, "r");
    if (!f) return -1;
    out = (char *)malloc(cap);
    while (n + 1 < cap) {
        size_t k = fread(out + n, 1, cap - 1 - n, f);
        if (!k) break;
        n += k;
    }
    out[n] = 0;
    if (pclose(f) != 0 || !strstr(out, "\"jobs\"")) {
        free(out);
        return -1;
    }
    {
        const char *rd = strstr(out, "\"read\"");
        *iops = rd ? json_num(rd, NULL, "\"iops\"") : -1;
        *p50 = rd ? json_num(rd, "\"clat_ns\"", "\"50.000000\"") : -1;
        *p99 = rd ? json_num(rd, "\"clat_ns\"", "\"99.000000\"") : -1;
    }
    free(out);
    return *iops > 0 ? 0 : -1;
}

static void fio_row(llb_table *t, const char *name, const char *file, const char *engine, int direct,
                    int qd, const char *extra) {
    double iops, p50, p99;
    if (!g_fio || !*g_fio) return;
    if (run_fio(file, engine, direct, qd, extra, &iops, &p50, &p99) != 0) {
        llb_add(t, name, 0, 0);
        llb_note(t, "fio %s failed", engine);
        return;
    }
    llb_add(t, name, 1e9 / iops, 0);
    llb_note(t, "p50 %.0f ns, p99 %.0f ns, %.0f kIOPS (fio clat)", p50, p99, iops / 1e3);
}

/* ---------------- QD32 O_DIRECT ---------------- */
/* Two loop shapes, run the same way by llio and liburing. Both reap whatever has completed (waiting
   for one only when nothing has: fio's iodepth_batch_complete_min=1), then replace it:
   QD_FIO   each replacement with its own io_uring_enter (which also runs the ring's deferred
            completions) - what fio's io_uring engine does, whatever iodepth_batch_submit says: once
            the queue is full it commits each request as soon as one completes (strace: with
            --iodepth_batch_submit=32 all but the first enter submit one SQE). fio runs here.
   QD_BATCH all replacements with one io_uring_enter (llio and liburing only). */
enum { QD_FIO = 0, QD_BATCH = 1 };
static const char qd_fio_opts[] =
    "--fixedbufs=1 --registerfiles=1 --hipri=0 --sqthread_poll=0 --iodepth_batch_submit=1 "
    "--iodepth_batch_complete_min=1";

typedef struct qd_res {
    double iops, p50, p99;
} qd_res;

static double qd_secs(void) { return g_quick ? 1.0 : 2.0; }

static qd_res qd_llio(int fd, char *bufs, int mode) {
    llio_ring r;
    struct iovec reg;
    int fds[1] = {fd};
    unsigned i, ns = 0, cap = 1u << 22;
    uint64_t t0, tend, done = 0, start[QD];
    uint64_t *lat_v = (uint64_t *)malloc(cap * sizeof(uint64_t));
    llio_cqe cq[QD];
    qd_res res;
    double p999, mx;
    int e = llio_init(&r, QD, LLIO_INIT_NO_FALLBACK);
    if (e) die("llio_init", e);
    reg.iov_base = bufs;
    reg.iov_len = (size_t)QD * 4096;
    if ((e = llio_register_buffers(&r, &reg, 1)) != 0) die("register buffers", e);
    if ((e = llio_register_files(&r, fds, 1)) != 0) die("register files", e);
    t0 = llb_now_ns();
    tend = t0 + (uint64_t)(qd_secs() * 1e9);
    for (i = 0; i < QD; i++) {
        llio_sqe *s = llio_get_sqe(&r);
        llio_prep_read_fixed(s, 0, bufs + (size_t)i * 4096, 4096, rnd() % (BIGSZ / 4096) * 4096, 0);
        llio_sqe_set_flags(s, LLIO_SQE_FIXED_FILE);
        llio_sqe_set_data(s, i);
        start[i] = llb_now_ns();
        if (mode == QD_FIO) llio_submit(&r);
    }
    if (mode == QD_BATCH) llio_submit(&r);
    for (;;) {
        unsigned n, k;
        uint64_t now;
        n = llio_reap(&r, cq, QD);
        if (!n) {
            llio_wait(&r, 1, -1);
            continue;
        }
        now = llb_now_ns();
        for (k = 0; k < n; k++) {
            unsigned slot = (unsigned)cq[k].user_data;
            llio_sqe *s;
            if (cq[k].res != 4096) die("O_DIRECT read", cq[k].res);
            if (ns < cap) lat_v[ns++] = now - start[slot];
            done++;
            if (now >= tend) continue;
            s = llio_get_sqe(&r);
            llio_prep_read_fixed(s, 0, bufs + (size_t)slot * 4096, 4096, rnd() % (BIGSZ / 4096) * 4096, 0);
            llio_sqe_set_flags(s, LLIO_SQE_FIXED_FILE);
            llio_sqe_set_data(s, slot);
            start[slot] = now;
            if (mode == QD_FIO) llio_submit(&r);
        }
        if (mode == QD_BATCH) llio_submit(&r);
        if (now >= tend) break;
    }
    res.iops = (double)done * 1e9 / (double)(llb_now_ns() - t0);
    while (llio_wait(&r, 1, 100000000) > 0) llio_reap(&r, cq, QD); /* drain */
    llb_percentiles(lat_v, ns, &res.p50, &res.p99, &p999, &mx);
    free(lat_v);
    llio_destroy(&r);
    return res;
}

#ifdef LLB_HAVE_URING
static qd_res qd_uring(int fd, char *bufs, int mode) {
    struct io_uring u;
    struct iovec reg;
    int fds[1] = {fd};
    unsigned i, ns = 0, cap = 1u << 22;
    uint64_t t0, tend, done = 0, start[QD];
    uint64_t *lat_v = (uint64_t *)malloc(cap * sizeof(uint64_t));
    qd_res res;
    double p999, mx;
    int e = uring_best(&u, QD, 0);
    if (e) die("liburing init", e);
    reg.iov_base = bufs;
    reg.iov_len = (size_t)QD * 4096;
    if ((e = io_uring_register_buffers(&u, &reg, 1)) != 0) die("liburing register buffers", e);
    if ((e = io_uring_register_files(&u, fds, 1)) != 0) die("liburing register files", e);
    t0 = llb_now_ns();
    tend = t0 + (uint64_t)(qd_secs() * 1e9);
    for (i = 0; i < QD; i++) {
        struct io_uring_sqe *s = io_uring_get_sqe(&u);
        io_uring_prep_read_fixed(s, 0, bufs + (size_t)i * 4096, 4096, rnd() % (BIGSZ / 4096) * 4096, 0);
        s->flags |= IOSQE_FIXED_FILE;
        io_uring_sqe_set_data64(s, i);
        start[i] = llb_now_ns();
        if (mode == QD_FIO) io_uring_submit(&u);
    }
    if (mode == QD_BATCH) io_uring_submit(&u);
    for (;;) {
        struct io_uring_cqe *q;
        unsigned head, n = 0, slots[2 * QD];
        uint64_t now;
        if (io_uring_cq_ready(&u) == 0) {
            if (IO_URING_READ_ONCE(*u.sq.kflags) & IORING_SQ_TASKRUN)
                io_uring_get_events(&u); /* deferred completions pending: run them */
            if (io_uring_cq_ready(&u) == 0) {
                io_uring_wait_cqe(&u, &q);
                continue;
            }
        }
        now = llb_now_ns();
        io_uring_for_each_cqe(&u, head, q) {
            unsigned slot = (unsigned)q->user_data;
            if (q->res != 4096) die("liburing O_DIRECT read", q->res);
            if (ns < cap) lat_v[ns++] = now - start[slot];
            done++;
            slots[n++] = slot;
        }
        io_uring_cq_advance(&u, n);
        if (now >= tend) break;
        for (i = 0; i < n; i++) {
            struct io_uring_sqe *s = io_uring_get_sqe(&u);
            unsigned slot = slots[i];
            io_uring_prep_read_fixed(s, 0, bufs + (size_t)slot * 4096, 4096, rnd() % (BIGSZ / 4096) * 4096, 0);
            s->flags |= IOSQE_FIXED_FILE;
            io_uring_sqe_set_data64(s, slot);
            start[slot] = now;
            if (mode == QD_FIO) io_uring_submit(&u);
        }
        if (mode == QD_BATCH) io_uring_submit(&u);
    }
    res.iops = (double)done * 1e9 / (double)(llb_now_ns() - t0);
    {
        struct io_uring_cqe *q;
        struct __kernel_timespec ts = {0, 100000000};
        while (io_uring_wait_cqe_timeout(&u, &q, &ts) == 0) io_uring_cqe_seen(&u, q);
    }
    llb_percentiles(lat_v, ns, &res.p50, &res.p99, &p999, &mx);
    free(lat_v);
    io_uring_queue_exit(&u);
    return res;
}
#endif

/* ---------------- fallback vs syscalls ---------------- */
static void wr_pwritev(void *p, uint64_t iters) {
    bctx *c = (bctx *)p;
    uint64_t i;
    struct iovec v;
    v.iov_base = c->buf;
    v.iov_len = 4096;
    for (i = 0; i < iters; i++)
        if (pwritev(c->fd, &v, 1, (off_t)next_off(c)) != 4096) die("pwritev", errno);
}
static void wr_llio(void *p, uint64_t iters) {
    bctx *c = (bctx *)p;
    uint64_t i;
    struct iovec v;
    v.iov_base = c->buf;
    v.iov_len = 4096;
    for (i = 0; i < iters; i++) {
        llio_cqe *q;
        llio_prep_writev(llio_get_sqe(c->r), c->fd, &v, 1, next_off(c));
        llio_submit_and_wait(c->r, 1);
        q = llio_peek_cqe(c->r);
        if (!q || q->res != 4096) die("llio writev", q ? q->res : EIO);
        llio_cqe_seen(c->r, q);
    }
}

/* ---------------- coalescer ---------------- */
typedef struct wctx {
    int fd;
    char *pages;   /* 64 x 4 KiB at `stride` bytes apart (4 KiB: one contiguous buffer) */
    size_t stride;
    uint64_t region; /* rotating 256 KiB region */
    uint64_t nregions;
    llio_coalescer *co;
} wctx;

static uint64_t next_region(wctx *w) {
    uint64_t o = (w->region++ % w->nregions) * (64 * 4096);
    return o;
}
static void co_separate(void *p, uint64_t iters) {
    wctx *w = (wctx *)p;
    uint64_t i;
    int k;
    for (i = 0; i < iters; i++) {
        uint64_t base = next_region(w);
        for (k = 0; k < 64; k++)
            if (pwrite(w->fd, w->pages + (size_t)k * w->stride, 4096, (off_t)(base + (uint64_t)k * 4096)) != 4096)
                die("pwrite", errno);
    }
}
static void co_pwritev(void *p, uint64_t iters) {
    wctx *w = (wctx *)p;
    uint64_t i;
    int k;
    struct iovec v[64];
    for (i = 0; i < iters; i++) { /* the iovec is built per batch, as a caller would */
        for (k = 0; k < 64; k++) {
            v[k].iov_base = w->pages + (size_t)k * w->stride;
            v[k].iov_len = 4096;
        }
        llb_clobber();
        if (pwritev(w->fd, v, 64, (off_t)next_region(w)) != 64 * 4096) die("pwritev", errno);
    }
}
static void co_llio(void *p, uint64_t iters) {
    wctx *w = (wctx *)p;
    uint64_t i;
    int k, e;
    for (i = 0; i < iters; i++) {
        uint64_t base = next_region(w);
        for (k = 0; k < 64; k++)
            if ((e = llio_wc_add(w->co, w->pages + (size_t)k * w->stride, 4096, base + (uint64_t)k * 4096)) != 0)
                die("llio_wc_add", e);
        if ((e = llio_wc_flush(w->co)) != 0) die("llio_wc_flush", e);
    }
}
static void co_llio_shuffled(void *p, uint64_t iters) {
    static const int perm[64] = {5, 63, 0, 12, 33, 7, 2, 19, 48, 41, 1, 60, 9, 27, 14, 3, 38, 55, 22,
                                 10, 4, 61, 31, 17, 46, 6, 25, 58, 11, 36, 8, 50, 13, 43, 20, 29, 15,
                                 53, 24, 62, 16, 34, 18, 57, 26, 39, 21, 45, 23, 52, 28, 59, 30, 37,
                                 32, 49, 35, 42, 40, 54, 44, 47, 51, 56};
    wctx *w = (wctx *)p;
    uint64_t i;
    int k, e;
    for (i = 0; i < iters; i++) {
        uint64_t base = next_region(w);
        for (k = 0; k < 64; k++)
            if ((e = llio_wc_add(w->co, w->pages + (size_t)perm[k] * w->stride, 4096, base + (uint64_t)perm[k] * 4096)) != 0)
                die("llio_wc_add", e);
        if ((e = llio_wc_flush(w->co)) != 0) die("llio_wc_flush", e);
    }
}

static void coalescer_table(const char *title, int direct) {
    llb_table *t = llb_table_new(title);
    wctx w;
    llio_coalescer co;
    int e;
    double sep, pv, ll;
    w.fd = open(g_big, O_RDWR | (direct ? O_DIRECT : 0));
    if (w.fd < 0) die("open coalescer file", errno);
    w.pages = (char *)llio_aligned_alloc(2 * 64 * 4096, 4096);
    memset(w.pages, 0x5a, 2 * 64 * 4096);
    w.stride = 4096;
    w.region = 0;
    w.nregions = direct ? BIGSZ / (64 * 4096) : 16; /* buffered: rewrite 4 MiB of dirty pages */
    if ((e = llio_wc_init(&co, w.fd, 64, 0, direct ? 4096 : 0)) != 0) die("llio_wc_init", e);
    w.co = &co;
    llb_bytes(t, 64 * 4096);
    sep = llb_run(t, "64 x pwrite 4 KiB (separate)", co_separate, &w);
    pv = llb_run(t, "1 x pwritev 64 iov (hand-written)", co_pwritev, &w);
    ll = llb_run(t, "llio_wc_add x64 + flush (sorted)", co_llio, &w);
    llb_note(t, "%.2fx separate, %.2fx pwritev", sep / ll, pv / ll);
    ll = llb_run(t, "llio_wc_add x64 + flush (shuffled)", co_llio_shuffled, &w);
    llb_note(t, "%.2fx separate, %.2fx pwritev", sep / ll, pv / ll);
    /* pages in one buffer reach the kernel as one iovec; pages 8 KiB apart cannot be merged */
    w.stride = 8192;
    pv = llb_run(t, "1 x pwritev 64 iov, pages 8 KiB apart", co_pwritev, &w);
    ll = llb_run(t, "llio_wc_add x64 + flush (sorted), pages 8 KiB apart", co_llio, &w);
    llb_note(t, "%.2fx pwritev (same buffers)", pv / ll);
    ll = llb_run(t, "llio_wc_add x64 + flush (shuffled), pages 8 KiB apart", co_llio_shuffled, &w);
    llb_note(t, "%.2fx pwritev (same buffers)", pv / ll);
    llb_print(t);
    rotated_pair("pages 8 KiB apart", "llio", co_llio, "pwritev", co_pwritev, &w);
    printf("\n");
    llb_table_free(t);
    llio_wc_destroy(&co);
    llio_aligned_free(w.pages);
    close(w.fd);
}

/* env LLIO_BENCH_ONLY=nop|qd1|tmpfs|qd32|fallback|coalesce: run only that table */
static int want(const char *key) {
    const char *o = getenv("LLIO_BENCH_ONLY");
    return !o || !*o || strstr(o, key) != NULL;
}

static void make_file(const char *path, uint64_t size) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char *b = (char *)malloc(1 << 20);
    uint64_t o;
    if (fd < 0 || !b) die(path, errno);
    for (o = 0; o < size; o += 1 << 20) {
        size_t i;
        for (i = 0; i < (1 << 20); i += 8) memcpy(b + i, &o, 8);
        if (llio_pwrite_full(fd, b, 1 << 20, (int64_t)o) != 1 << 20) die("write file", errno);
    }
    fsync(fd);
    close(fd);
    free(b);
}

static void warm(const char *path, uint64_t size) {
    int fd = open(path, O_RDONLY);
    char *b = (char *)malloc(1 << 20);
    uint64_t o;
    for (o = 0; o < size; o += 1 << 20) llb_do_not_optimize(pread(fd, b, 1 << 20, (off_t)o));
    close(fd);
    free(b);
}

int main(void) {
    const char *dir = getenv("LLIO_BENCH_DIR");
    llio_ring ring, fb;
    bctx c;
    char desc[512];
    char *buf;
    int e, i;
#ifdef LLB_HAVE_URING
    struct io_uring u;
#endif
    llb_print_cpu();
    {   /* the llio test flips kernel.io_uring_disabled only when it can lock this exclusively */
        int lk = open("/tmp/llio-test.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (lk >= 0) flock(lk, LOCK_SH);
    }
    g_fio = getenv("LLIO_BENCH_FIO");
    g_quick = llb_quick();
    if (!dir || !*dir) dir = "build";
    mkdir(dir, 0755);
    snprintf(g_big, sizeof g_big, "%s/llio-bench.dat", dir);
    snprintf(g_shm, sizeof g_shm, "/dev/shm/llio-bench-%d.dat", (int)getpid());
    {
        const char *cpu = getenv("LLIO_BENCH_CPU");
        int e2 = llb_pin_thread(cpu ? atoi(cpu) : 1);
        if (e2) printf("note: could not pin to a CPU (%s)\n", strerror(-e2));
    }
    for (i = 0; i < NOFF; i++) {
        g_off_big[i] = rnd() % (BIGSZ / 4096) * 4096;
        g_off_shm[i] = rnd() % (SHMSZ / 4096) * 4096;
    }
    buf = (char *)llio_aligned_alloc((size_t)QD * 4096, 4096);
    make_file(g_big, BIGSZ);
    make_file(g_shm, SHMSZ);
    warm(g_big, BIGSZ);

    if ((e = llio_init(&ring, 64, LLIO_INIT_NO_FALLBACK)) != 0) {
        printf("io_uring unavailable (%s): only the fallback tables run\n", llio_strerror(e));
    }
    llio_describe(&ring, desc, sizeof desc);
    printf("llio ring: %s\n", desc);
    if ((e = llio_init(&fb, 64, LLIO_INIT_FALLBACK)) != 0) die("llio_init fallback", e);
#ifdef LLB_HAVE_URING
    if ((e = uring_best(&u, 64, 0)) != 0) die("liburing init", e);
    printf("liburing anchor: flags=SINGLE_ISSUER|DEFER_TASKRUN + registered ring fd\n");
#else
    printf("skipped: liburing not installed\n");
#endif
    if (!g_fio || !*g_fio) printf("skipped: fio not installed\n");
    printf("\n");
    memset(&c, 0, sizeof c);
    c.buf = buf;

    /* ---- NOP ---- */
    if (ring.backend == LLIO_BACKEND_URING && want("nop")) {
        llb_table *t = llb_table_new("NOP submit + reap (ns per batch)");
        double a1, b1, a32, b32;
        c.r = &ring;
#ifdef LLB_HAVE_URING
        c.u = &u;
        c.batch = 1;
        b1 = llb_run(t, "liburing best, batch 1", nop_uring, &c);
#endif
        c.batch = 1;
        a1 = llb_run(t, "llio, batch 1", nop_llio, &c);
#ifdef LLB_HAVE_URING
        llb_note(t, "llio/liburing time %.3f", a1 / b1);
        c.batch = 32;
        b32 = llb_run(t, "liburing best, batch 32", nop_uring, &c);
        llb_note(t, "%.1f ns per NOP", b32 / 32);
#endif
        c.batch = 32;
        a32 = llb_run(t, "llio, batch 32", nop_llio, &c);
#ifdef LLB_HAVE_URING
        llb_note(t, "%.1f ns per NOP; llio/liburing time %.3f", a32 / 32, a32 / b32);
#else
        (void)a1;
        (void)a32;
#endif
#ifdef LLB_HAVE_URING
        c.batch = 1;
        rotated_pair("batch 1", "llio", nop_llio, "liburing", nop_uring, &c);
        c.batch = 32;
        rotated_pair("batch 32", "llio", nop_llio, "liburing", nop_uring, &c);
        printf("\n");
#endif
        c.batch = 32;
        c.r = &fb;
        llb_run(t, "llio sync fallback, batch 32", nop_llio, &c);
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- the always-on counters against the same loops without them ---- */
    if (ring.backend == LLIO_BACKEND_URING && want("counters")) {
        nostats_ctx cc;
        llio_stats s0, s1;
        llio_rate rt;
        int nr = g_quick ? 9 : 101, rr = g_quick ? 9 : 61;
        memset(&cc, 0, sizeof cc);
        cc.r = (llio_ring *)cnt_on_a_ring_new(64); /* one ring for all four loops: the layout is the same */
        if (!cc.r) die("llio_init (counters)", EIO);
        cc.buf = buf;
        printf("### Always-on counters: llio against the same loops built with LLIO_NO_STATS (same run)\n\n");
        printf("One ring; four loops (counters copy a and b, LLIO_NO_STATS copy a and b, functions and loops "
               "aligned) in rotated order, about 4 ms each, every round. ratio = (on a + on b) / (off a + off b) "
               "per round: median and 10th..90th percentile; control = on a / on b, the same code at two "
               "addresses.\n\n");
        printf("| row | counters ns/op | no counters ns/op | ratio (median) | p10..p90 | control |\n");
        printf("|:---|---:|---:|---:|---:|---:|\n");
        llio_ring_stats(cc.r, &s0); /* the unit's ring: the same struct, read from this unit */
        cc.batch = 1;
        counters_row("NOP batch 1", nr, cnt_on_a_nop, cnt_off_a_nop, cnt_off_b_nop, cnt_on_b_nop, &cc);
        cc.batch = 32;
        counters_row("NOP batch 32 (per batch)", nr, cnt_on_a_nop, cnt_off_a_nop, cnt_off_b_nop, cnt_on_b_nop, &cc);
        cc.fd = open(g_big, O_RDONLY);
        cc.offs = g_off_big;
        counters_row("4 KiB read QD1, page cache", rr, cnt_on_a_read, cnt_off_a_read, cnt_off_b_read, cnt_on_b_read,
                     &cc);
        close(cc.fd);
        cc.fd = open(g_shm, O_RDONLY);
        cc.offs = g_off_shm;
        counters_row("4 KiB read QD1, tmpfs", rr, cnt_on_a_read, cnt_off_a_read, cnt_off_b_read, cnt_on_b_read, &cc);
        close(cc.fd);
        printf("\nsummary counters: worst row counters/no counters time %.3f\n", cnt_worst);
        llio_ring_stats(cc.r, &s1);
        llio_stats_rate(&s0, &s1, &rt);
        printf("- the ring's counters over these rows (the counting loops only): %llu NOPs and %llu reads "
               "submitted, %llu completions, %llu enters, %llu direct reads; %.0f ops/s, %.1f MB/s read "
               "(llio_stats_rate over the whole section; read bytes are counted for the direct reads, the "
               "kernel's need llio_track_register)\n\n",
               (unsigned long long)(s1.submitted[LLIO_KIND_NOP] - s0.submitted[LLIO_KIND_NOP]),
               (unsigned long long)(s1.submitted[LLIO_KIND_READ] - s0.submitted[LLIO_KIND_READ]),
               (unsigned long long)(s1.completions - s0.completions), (unsigned long long)(s1.enters - s0.enters),
               (unsigned long long)(s1.direct_ops - s0.direct_ops), rt.ops_per_s, rt.read_bytes_per_s / 1e6);
        cnt_on_a_ring_free(cc.r);
    }

    /* ---- QD1 page cache ---- */
    if (want("qd1")) {
        llb_table *t = llb_table_new("4 KiB random read, QD1, page cache (ext4, 256 MiB file, cached)");
        double pr, ll;
        c.fd = open(g_big, O_RDONLY);
        c.offs = g_off_big;
        row_lat(t, "pread", rd_pread, &c);
        pr = llb_ns(t, "pread");
        if (ring.backend == LLIO_BACKEND_URING) {
            c.r = &ring;
            row_lat(t, "llio io_uring", rd_llio, &c);
            ll = llb_ns(t, "llio io_uring");
#ifdef LLB_HAVE_URING
            c.u = &u;
            row_lat(t, "liburing best", rd_uring, &c);
            printf("summary QD1 page cache: llio/pread time %.3f, llio/liburing time %.3f\n", ll / pr,
                   ll / llb_ns(t, "liburing best"));
#else
            printf("summary QD1 page cache: llio/pread time %.3f\n", ll / pr);
#endif
        }
        c.r = &fb;
        row_lat(t, "llio sync fallback", rd_llio, &c);
        fio_row(t, "fio psync", g_big, "psync", 0, 1, NULL);
        fio_row(t, "fio io_uring", g_big, "io_uring", 0, 1, NULL);
        fio_row(t, "fio libaio", g_big, "libaio", 0, 1, NULL);
        close(c.fd);
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- QD1 tmpfs ---- */
    if (want("tmpfs")) {
        llb_table *t = llb_table_new("4 KiB random read, QD1, tmpfs (/dev/shm, 64 MiB)");
        double pr;
        c.fd = open(g_shm, O_RDONLY);
        c.offs = g_off_shm;
        row_lat(t, "pread", rd_pread, &c);
        pr = llb_ns(t, "pread");
        if (ring.backend == LLIO_BACKEND_URING) {
            llio_ring nd;
            c.r = &ring;
            row_lat(t, "llio io_uring (direct read path)", rd_llio, &c);
            printf("summary QD1 tmpfs: llio/pread time %.3f\n", llb_ns(t, "llio io_uring (direct read path)") / pr);
            if (llio_init(&nd, 64, LLIO_INIT_NO_FALLBACK | LLIO_INIT_NO_DIRECT) == 0) {
                c.r = &nd;
                row_lat(t, "llio io_uring, NO_DIRECT (kernel io-wq)", rd_llio, &c);
                llio_destroy(&nd);
            }
#ifdef LLB_HAVE_URING
            c.u = &u;
            row_lat(t, "liburing best", rd_uring, &c);
#endif
        }
        c.r = &fb;
        row_lat(t, "llio sync fallback", rd_llio, &c);
        fio_row(t, "fio psync", g_shm, "psync", 0, 1, NULL);
        fio_row(t, "fio io_uring", g_shm, "io_uring", 0, 1, NULL);
        close(c.fd);
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- QD32 O_DIRECT: interleaved rounds (the disk is shared), median of each ---- */
    if (ring.backend == LLIO_BACKEND_URING && want("qd32")) {
        llb_table *t = llb_table_new("O_DIRECT 4 KiB random read, QD32, registered buffers + files (ext4 on virtio disk)");
        int fd = open(g_big, O_RDONLY | O_DIRECT), round, rounds = g_quick ? 1 : 5, m, k;
        static const char *const shape[2] = {"submit 1 per enter", "submit batch per enter"};
        /* [mode][who][round]: who 0 = fio, 1 = llio, 2 = liburing */
        qd_res v[2][3][9];
        int nv[2][3];
        double fl_iops = 0, fl_p50 = 0, fl_p99 = 0;
        int have_fio = g_fio && *g_fio;
        memset(nv, 0, sizeof nv);
        if (fd < 0) {
            printf("skipped: O_DIRECT not supported in %s\n", dir);
        } else {
            char fio_cmd[1024];
            for (round = 0; round < rounds; round++) {
                for (m = 0; m < 2; m++) {
                    qd_res x;
                    if (m == QD_FIO && have_fio &&
                        run_fio(g_big, "io_uring", 1, QD, qd_fio_opts, &x.iops, &x.p50, &x.p99) == 0)
                        v[m][0][nv[m][0]++] = x;
                    v[m][1][nv[m][1]++] = qd_llio(fd, buf, m);
#ifdef LLB_HAVE_URING
                    v[m][2][nv[m][2]++] = qd_uring(fd, buf, m);
#endif
                }
            }
            snprintf(fio_cmd, sizeof fio_cmd,
                     "fio --name=llio --filename=%s --rw=randread --bs=4k --size=256M --ioengine=io_uring "
                     "--direct=1 --iodepth=%d --runtime=%.0f --time_based --norandommap --randrepeat=0 "
                     "--invalidate=0 --cpus_allowed=1 %s",
                     g_big, QD, qd_secs(), qd_fio_opts);
            printf("fio command: %s\n", fio_cmd);
            printf("(median of %d interleaved rounds of %.0f s: fio, llio, liburing; fio's ring: "
                   "SINGLE_ISSUER|DEFER_TASKRUN|COOP_TASKRUN, 32 registered 4 KiB buffers)\n", rounds, qd_secs());
            for (m = 0; m < 2; m++) {
                double med[3] = {0, 0, 0}, lo[3], hi[3], p50[3] = {0, 0, 0}, p99[3] = {0, 0, 0};
                static const char *const who[3] = {"fio io_uring", "llio read_fixed", "liburing read_fixed"};
                for (k = 0; k < 3; k++) {
                    double iv[9], pv[9], qv[9];
                    int j;
                    if (!nv[m][k]) continue;
                    for (j = 0; j < nv[m][k]; j++) {
                        iv[j] = v[m][k][j].iops;
                        pv[j] = v[m][k][j].p50;
                        qv[j] = v[m][k][j].p99;
                    }
                    med[k] = llb_median(iv, (size_t)nv[m][k]); /* sorts iv */
                    lo[k] = iv[0];
                    hi[k] = iv[nv[m][k] - 1];
                    p50[k] = llb_median(pv, (size_t)nv[m][k]);
                    p99[k] = llb_median(qv, (size_t)nv[m][k]);
                }
                for (k = 0; k < 3; k++) {
                    char name[160];
                    if (!nv[m][k]) continue;
                    snprintf(name, sizeof name, "%s, %s", who[k], shape[m]);
                    llb_add(t, name, 1e9 / med[k], 0);
                    llb_note(t, "median %.1f kIOPS (%.1f-%.1f), p50 %.0f us, p99 %.0f us%s", med[k] / 1e3, lo[k] / 1e3,
                             hi[k] / 1e3, p50[k] / 1e3, p99[k] / 1e3, k == 0 ? " (fio clat)" : "");
                }
                if (med[0] > 0) printf("summary QD32 O_DIRECT, %s: llio/fio IOPS %.3f\n", shape[m], med[1] / med[0]);
                if (med[2] > 0) printf("summary QD32 O_DIRECT, %s: llio/liburing IOPS %.3f\n", shape[m], med[1] / med[2]);
            }
            if (have_fio && run_fio(g_big, "libaio", 1, QD, NULL, &fl_iops, &fl_p50, &fl_p99) == 0) {
                llb_add(t, "fio libaio", 1e9 / fl_iops, 0);
                llb_note(t, "p50 %.0f ns, p99 %.0f ns, %.0f kIOPS (fio clat)", fl_p50, fl_p99, fl_iops / 1e3);
            }
            fio_row(t, "fio psync (QD1)", g_big, "psync", 1, 1, NULL);
            close(fd);
            llb_print(t);
        }
        llb_table_free(t);
    }

    /* ---- fallback vs syscalls ---- */
    if (want("fallback")) {
        llb_table *t = llb_table_new("io_uring refused: synchronous fallback vs plain syscalls (page cache)");
        double a, b;
        c.fd = open(g_big, O_RDWR);
        c.offs = g_off_big;
        c.r = &fb;
        a = llb_run(t, "pread 4 KiB", rd_pread, &c);
        b = llb_run(t, "llio fallback READ 4 KiB", rd_llio, &c);
        llb_note(t, "time ratio %.3f vs pread", b / a);
        printf("summary fallback: READ/pread time %.3f\n", b / a);
                close(c.fd);
        c.fd = open(g_shm, O_RDWR); /* writes on tmpfs: no disk writeback noise */
        c.offs = g_off_shm;
        a = llb_run(t, "pwritev 4 KiB (tmpfs)", wr_pwritev, &c);
        b = llb_run(t, "llio fallback WRITEV 4 KiB (tmpfs)", wr_llio, &c);
        llb_note(t, "time ratio %.3f vs pwritev", b / a);
        printf("summary fallback: WRITEV/pwritev time %.3f\n", b / a);
        llb_print(t);
        rotated_pair("fallback WRITEV 4 KiB (tmpfs)", "llio", wr_llio, "pwritev", wr_pwritev, &c);
        close(c.fd);
        c.fd = open(g_big, O_RDWR);
        c.offs = g_off_big;
        rotated_pair("fallback READ 4 KiB", "llio", rd_llio, "pread", rd_pread, &c);
        printf("\n");
        close(c.fd);
        llb_table_free(t);
    }

    if (want("coalesce")) {
        coalescer_table("Write coalescer, 64 adjacent 4 KiB pages, buffered (page cache)", 0);
        coalescer_table("Write coalescer, 64 adjacent 4 KiB pages, O_DIRECT (virtio disk)", 1);
    }

#ifdef LLB_HAVE_URING
    io_uring_queue_exit(&u);
#endif
    llio_destroy(&fb);
    llio_destroy(&ring);
    llio_aligned_free(buf);
    unlink(g_big);
    unlink(g_shm);
    return 0;
}
