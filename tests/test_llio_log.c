/* test_llio_log.c - tests for llio_log, the journal in llio.h.

   The on-disk format is checked by a parser of its own here that uses llcrc.h for every CRC32C, so
   the journal's CRC (hardware or table) is compared with llcrc's on real records. Crash tests kill a
   child that appends from 4 threads with SIGKILL at random moments; a power cut is simulated on top
   in some rounds by tearing what was never acknowledged. ENOSPC is produced on a small tmpfs mounted
   in a private mount namespace (skipped where mount is refused). Directories: $LLIO_LOG_TEST_DIR (a
   disk directory, default build/) and /dev/shm. */
#define LLIO_IMPLEMENTATION
#include "llio.h"
#define LLCRC_IMPLEMENTATION
#include "llcrc.h"
#include "lltest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <time.h>
#include <unistd.h>

#ifdef __SANITIZE_THREAD__
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

static char g_disk[400]; /* a directory on the VM disk (O_DIRECT capable, real fdatasync) */
static char g_shm[512];  /* a tmpfs directory */

/* ---------------- helpers ---------------- */
static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}
static uint64_t g_rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void) { return g_rng = mix(g_rng + 0x9e3779b97f4a7c15ull); }

/* The payload of record (thread t, counter k): 12 bytes naming (t, k), then bytes that are a pure
   function of (t, k); its length too (12..maxlen). */
static size_t gen(uint32_t t, uint64_t k, unsigned char *out, size_t maxlen) {
    uint64_t s = mix(((uint64_t)t << 48) ^ k ^ 0x5eedull);
    size_t len = 12 + (size_t)(s % (maxlen - 11)), i;
    memcpy(out, &t, 4);
    memcpy(out + 4, &k, 8);
    for (i = 12; i < len; i++) {
        if ((i & 7) == 4) s = mix(s + i);
        out[i] = (unsigned char)(s >> (8 * (i & 7)));
    }
    return len;
}
/* 1 when p is exactly gen's payload for the (t, k) it names */
static int payload_ok(const void *p, size_t len, size_t maxlen, uint32_t *t, uint64_t *k) {
    unsigned char want[8192];
    if (len < 12) return 0;
    memcpy(t, p, 4);
    memcpy(k, (const unsigned char *)p + 4, 8);
    if (*t > 64 || maxlen > sizeof want) return 0;
    return gen(*t, *k, want, maxlen) == len && memcmp(want, p, len) == 0;
}

static void rm_dir(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}
static int copy_file(const char *from, const char *to) {
    int a = open(from, O_RDONLY), b = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644), ok = a >= 0 && b >= 0;
    char buf[65536];
    ssize_t n;
    while (ok && (n = read(a, buf, sizeof buf)) > 0) ok = write(b, buf, (size_t)n) == n;
    if (a >= 0) close(a);
    if (b >= 0) close(b);
    return ok ? 0 : -1;
}
static int copy_dir(const char *from, const char *to) {
    DIR *d = opendir(from);
    struct dirent *e;
    char p[1024], q[1024];
    int rc = 0;
    if (!d) return -1;
    rm_dir(to);
    mkdir(to, 0755);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", from, e->d_name);
        snprintf(q, sizeof q, "%s/%s", to, e->d_name);
        if (copy_file(p, q)) rc = -1;
    }
    closedir(d);
    return rc;
}
static void path_in(char *out, size_t n, const char *base, const char *name) {
    snprintf(out, n, "%s/%s", base, name);
}
static int count_files(const char *dir, const char *ext) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    size_t el = strlen(ext);
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > el && strcmp(e->d_name + l - el, ext) == 0) n++;
    }
    closedir(d);
    return n;
}

static llio_log_options small_opts(void) {
    llio_log_options o;
    llio_log_options_init(&o);
    o.segment_bytes = 64 << 10;
    o.batch_bytes = 8 << 10;
    return o;
}

/* ---------------- an independent parser of the documented format (CRCs by llcrc) ---------------- */
typedef struct prec {
    uint64_t seq, off; /* record: sequence number, file offset of its header */
    uint32_t len;
} prec;
typedef struct pbatch {
    uint64_t off, first;
    uint32_t nrec, nbytes, end; /* end: offset just past its records */
} pbatch;
typedef struct pseg {
    uint64_t id, jid, size;
    uint32_t balign;
    int nrec, nbatch;
    prec rec[4096];
    pbatch batch[1024];
    int bad;                    /* the scan ended at bytes that are not zeros */
} pseg;

static uint32_t g32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t g64(const unsigned char *p) { return (uint64_t)g32(p) | (uint64_t)g32(p + 4) << 32; }

static unsigned char *slurp(const char *path, size_t *n) {
    int fd = open(path, O_RDONLY);
    struct stat st;
    unsigned char *b;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    b = (unsigned char *)malloc((size_t)st.st_size + 1);
    *n = (size_t)llio_pread_full(fd, b, (size_t)st.st_size, 0);
    close(fd);
    return b;
}

/* Parse one segment file as the format page says; records until the first that does not check out.
   Returns 0, -1 when the header is not a segment header. */
static int parse_seg(const char *path, pseg *s) {
    size_t n = 0, pos;
    unsigned char *b = slurp(path, &n);
    memset(s, 0, sizeof *s);
    if (!b) return -1;
    if (n < 64 || memcmp(b, "LLIO-LOG", 8) != 0 || g32(b + 8) != 1 || llcrc_crc32c(0, b, 60) != g32(b + 60)) {
        free(b);
        return -1;
    }
    s->jid = g64(b + 16);
    s->id = g64(b + 24);
    s->size = n;
    s->balign = g32(b + 40);
    pos = g32(b + 12);
    while (pos + 32 <= n && s->nbatch < 1024) {
        const unsigned char *h = b + pos;
        uint32_t nrec = g32(h + 16), nbytes = g32(h + 20), i;
        size_t at = pos + 32;
        if (llcrc_crc32c(0, h, 28) != g32(h + 28) || g64(h + 8) != s->id) {
            unsigned k;
            for (k = 0; k < 32; k++) s->bad |= h[k] != 0;
            break;
        }
        s->batch[s->nbatch].off = pos;
        s->batch[s->nbatch].first = g64(h);
        s->batch[s->nbatch].nrec = nrec;
        s->batch[s->nbatch].nbytes = nbytes;
        for (i = 0; i < nrec && at + 16 <= n && s->nrec < 4096; i++) {
            const unsigned char *r = b + at;
            uint32_t len = g32(r), c;
            if (g64(r + 8) != g64(h) + i || at + 16 + len > n) break;
            c = llcrc_crc32c(llcrc_crc32c(0, r, 4), r + 8, 8);
            c = llcrc_crc32c(c, r + 16, len);
            if (c != g32(r + 4)) break;
            s->rec[s->nrec].seq = g64(r + 8);
            s->rec[s->nrec].off = at;
            s->rec[s->nrec].len = len;
            s->nrec++;
            at += (16 + len + 7) & ~(size_t)7;
        }
        s->batch[s->nbatch].end = (uint32_t)at;
        s->nbatch++;
        if (i < nrec) {
            s->bad = 1;
            break;
        }
        pos = (pos + 32 + nbytes + s->balign - 1) & ~(size_t)(s->balign - 1);
    }
    free(b);
    return 0;
}

/* the ids of dir's .llog files, ascending */
static int list_segs(const char *dir, uint64_t *ids, int max) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0, i, j;
    if (!d) return 0;
    while ((e = readdir(d)) != NULL && n < max) {
        size_t l = strlen(e->d_name);
        if (l == 21 && strcmp(e->d_name + 16, ".llog") == 0) ids[n++] = strtoull(e->d_name, NULL, 16);
    }
    closedir(d);
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            uint64_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    return n;
}
static void seg_path(char *out, size_t n, const char *dir, uint64_t id) {
    snprintf(out, n, "%s/%016llx.llog", dir, (unsigned long long)id);
}

/* every record a reader returns, from the oldest on */
typedef struct readback {
    uint64_t n, first, last;
    int err, bad;           /* read error; records whose seq broke the sequence */
} readback;
typedef int (*rec_check_fn)(const llio_log_record *r, void *ctx);
static readback read_all(const char *dir, llio_log *live, uint64_t from, rec_check_fn check, void *ctx) {
    readback rb;
    llio_log_reader *r;
    llio_log_record rec;
    int rc;
    memset(&rb, 0, sizeof rb);
    rc = llio_log_reader_open(dir, live, from, &r);
    if (rc) {
        rb.err = rc;
        return rb;
    }
    while ((rc = llio_log_read(r, &rec)) == 1) {
        if (rb.n && rec.seq != rb.last + 1) rb.bad++;
        if (!rb.n) rb.first = rec.seq;
        rb.last = rec.seq;
        rb.n++;
        if (check && !check(&rec, ctx)) rb.bad++;
    }
    if (rc < 0) rb.err = rc;
    llio_log_reader_close(r);
    return rb;
}

/* ---------------- CRC32C ---------------- */
static void crc_matches_llcrc(void) {
    static unsigned char buf[9000];
    int i;
    LLT_EQ_U64(llio_log_crc32c(0, "123456789", 9), 0xE3069283u);
    LLT_EQ_U64(llio_log_crc32c(0, NULL, 0), 0);
    for (i = 0; i < (int)sizeof buf; i++) buf[i] = (unsigned char)rnd();
    for (i = 0; i < 5000; i++) {
        size_t off = (size_t)(rnd() % 64), len = i < 200 ? (size_t)i : (size_t)(rnd() % (sizeof buf - 64));
        uint32_t seed = i & 1 ? (uint32_t)rnd() : 0;
        uint32_t a = llio_log_crc32c(seed, buf + off, len), b = llcrc_crc32c(seed, buf + off, len);
        if (a != b) {
            LLT_CHECKF(a == b, "len %zu off %zu: %08x != %08x", len, off, (unsigned)a, (unsigned)b);
            break;
        }
    }
    /* chained in pieces == in one go */
    {
        uint32_t c = llio_log_crc32c(0, buf, 1000);
        c = llio_log_crc32c(c, buf + 1000, 3);
        c = llio_log_crc32c(c, buf + 1003, 2997);
        LLT_EQ_U64(c, llcrc_crc32c(0, buf, 4000));
    }
}

static uint32_t user_crc(uint32_t c, const void *p, size_t n) { return llcrc_crc32c(c, p, n); }

/* Records written with each CRC path (hardware where there is one, the table, a caller's function)
   check out under llcrc in the parser above, and read back through the other paths. */
static void crc_paths_on_disk(void) {
    static const unsigned flags[3] = {0, LLIO_LOG_SOFT_CRC32C, 0};
    char dir[600];
    int v;
    for (v = 0; v < 3; v++) {
        llio_log_options o = small_opts();
        llio_log *l;
        unsigned char buf[3000];
        uint64_t ids[64];
        int i, n, total = 0;
        readback rb;
        snprintf(dir, sizeof dir, "%s/crc%d", g_shm, v);
        rm_dir(dir);
        o.flags = flags[v];
        if (v == 2) o.crc32c = user_crc;
        LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
        for (i = 0; i < 300; i++) {
            size_t len = (size_t)(rnd() % 2000);
            size_t k;
            for (k = 0; k < len; k++) buf[k] = (unsigned char)rnd();
            LLT_CHECK(llio_log_append(l, buf, len) == i + 1);
        }
        LLT_EQ_I64(llio_log_close(l), 0);
        n = list_segs(dir, ids, 64);
        for (i = 0; i < n; i++) {
            char p[700];
            static pseg s;
            seg_path(p, sizeof p, dir, ids[i]);
            LLT_REQUIRE(parse_seg(p, &s) == 0);
            total += s.nrec;
            LLT_CHECKF(!s.bad, "segment %d stops at bad bytes", i);
        }
        LLT_EQ_I64(total, 300);
        rb = read_all(dir, NULL, 0, NULL, NULL); /* read back with the hardware/table path */
        LLT_EQ_U64(rb.n, 300);
        LLT_EQ_U64(rb.bad + (uint64_t)(rb.err != 0), 0);
        rm_dir(dir);
    }
}

/* ---------------- round trips ---------------- */
typedef struct sized_ctx {
    size_t *lens;
    uint64_t n;
} sized_ctx;
static void fill_sized(unsigned char *b, uint64_t seq, size_t len) {
    size_t i;
    for (i = 0; i < len; i++) b[i] = (unsigned char)(mix(seq * 8191 + i / 8) >> (8 * (i & 7)));
}
static int check_sized(const llio_log_record *r, void *vctx) {
    sized_ctx *c = (sized_ctx *)vctx;
    static unsigned char want[70000];
    if (r->seq == 0 || r->seq > c->n || r->len != c->lens[r->seq - 1]) return 0;
    fill_sized(want, r->seq, r->len);
    return memcmp(want, r->data, r->len) == 0;
}

static void roundtrip(const char *base, unsigned flags) {
    char dir[600];
    llio_log_options o = small_opts();
    llio_log *l;
    llio_log_info st;
    static size_t lens[2000];
    static unsigned char buf[70000];
    uint64_t n = 0;
    size_t len;
    sized_ctx ctx;
    readback rb;
    snprintf(dir, sizeof dir, "%s/rt", base);
    rm_dir(dir);
    o.flags = flags;
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    llio_log_stats(l, &st);
    LLT_EQ_U64(st.max_record, 8192 - 48);
    LLT_EQ_U64(st.next_seq, 1);
    LLT_EQ_U64(st.durable_seq, 0);
    for (len = 0; len <= 70; len++) lens[n++] = len;
    lens[n++] = 1000;
    lens[n++] = st.max_record - 1;
    lens[n++] = st.max_record;
    while (n < 600) lens[n++] = (size_t)(rnd() % (st.max_record + 1));
    for (len = 0; len < n; len++) {
        int64_t s;
        fill_sized(buf, len + 1, lens[len]);
        if (len % 3 == 2 && lens[len] > 2) { /* one record from three pieces */
            struct iovec v[3];
            v[0].iov_base = buf;
            v[0].iov_len = 1;
            v[1].iov_base = buf + 1;
            v[1].iov_len = 0;
            v[2].iov_base = buf + 1;
            v[2].iov_len = lens[len] - 1;
            s = llio_log_appendv(l, v, 3);
        } else {
            s = llio_log_append(l, buf, lens[len]);
        }
        LLT_EQ_I64(s, (int64_t)len + 1);
        if (len % 50 == 0) LLT_EQ_I64(llio_log_wait(l, (uint64_t)s, -1), 0);
    }
    LLT_EQ_I64(llio_log_commit(l), 0);
    LLT_EQ_U64(llio_log_durable(l), n);
    ctx.lens = lens;
    ctx.n = n;
    rb = read_all(NULL, l, 0, check_sized, &ctx); /* live reader, same process */
    LLT_EQ_U64(rb.n, n);
    LLT_EQ_U64(rb.bad, 0);
    LLT_EQ_I64(rb.err, 0);
    llio_log_stats(l, &st);
    LLT_CHECKF(st.rotations > 1, "rotations %llu", (unsigned long long)st.rotations);
    LLT_EQ_I64(llio_log_close(l), 0);
    /* reopen: recovery finds everything, appends continue the sequence */
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    llio_log_stats(l, &st);
    LLT_EQ_U64(st.recovered_records, n);
    LLT_EQ_I64(st.recovery_torn, 0);
    LLT_EQ_U64(st.next_seq, n + 1);
    LLT_EQ_U64(st.durable_seq, n);
    LLT_EQ_U64(st.first_seq, 1);
    fill_sized(buf, n + 1, 77);
    lens[n] = 77;
    LLT_EQ_I64(llio_log_append(l, buf, 77), (int64_t)n + 1);
    n++;
    LLT_EQ_I64(llio_log_close(l), 0);
    ctx.n = n;
    rb = read_all(dir, NULL, 0, check_sized, &ctx);
    LLT_EQ_U64(rb.n, n);
    LLT_EQ_U64(rb.bad, 0);
    rb = read_all(dir, NULL, n / 2, check_sized, &ctx); /* from the middle */
    LLT_EQ_U64(rb.first, n / 2);
    LLT_EQ_U64(rb.last, n);
    rb = read_all(dir, NULL, n + 5, check_sized, &ctx); /* past the end */
    LLT_EQ_U64(rb.n, 0);
    rm_dir(dir);
}
static void roundtrip_tmpfs(void) { roundtrip(g_shm, 0); }
static void roundtrip_disk(void) { roundtrip(g_disk, 0); }
static void roundtrip_sync_backend(void) { roundtrip(g_shm, LLIO_LOG_NO_URING | LLIO_LOG_AUTOCOMMIT); }
static void roundtrip_autocommit(void) { roundtrip(g_disk, LLIO_LOG_AUTOCOMMIT); }
static void roundtrip_nosync(void) { roundtrip(g_disk, LLIO_LOG_NOSYNC); }
static void roundtrip_prefill(void) {
    char dir[600], p[700];
    uint64_t ids[64];
    int n, i, holes = 0;
    roundtrip(g_disk, LLIO_LOG_PREFILL);
    /* a prefilled segment has no hole left (fallocated ranges read as holes until written) */
    snprintf(dir, sizeof dir, "%s/pf", g_disk);
    rm_dir(dir);
    {
        llio_log_options o = small_opts();
        llio_log *l;
        o.flags = LLIO_LOG_PREFILL;
        LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
        n = list_segs(dir, ids, 64);
        for (i = 0; i < n; i++) {
            int fd;
            off_t h;
            seg_path(p, sizeof p, dir, ids[i]);
            fd = open(p, O_RDONLY);
            h = lseek(fd, 0, SEEK_HOLE);
            if (h >= 0 && h < 64 << 10) holes++;
            close(fd);
        }
        LLT_CHECK(n >= 2);
        LLT_EQ_I64(holes, 0);
        LLT_EQ_I64(llio_log_close(l), 0);
    }
    rm_dir(dir);
}
static void roundtrip_direct(void) {
    char dir[600], p[700];
    int fd;
    uint64_t ids[64];
    int n, i, j, misaligned = 0;
    snprintf(p, sizeof p, "%s/direct-probe", g_disk);
    fd = open(p, O_RDWR | O_CREAT | O_DIRECT, 0644);
    if (fd < 0) LLT_SKIP("O_DIRECT not supported in %s", g_disk);
    close(fd);
    unlink(p);
    roundtrip(g_disk, LLIO_LOG_DIRECT);
    /* batches start on 4096-byte boundaries */
    snprintf(dir, sizeof dir, "%s/dio", g_disk);
    rm_dir(dir);
    {
        llio_log_options o = small_opts();
        llio_log *l;
        unsigned char b[300];
        o.flags = LLIO_LOG_DIRECT;
        LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
        memset(b, 7, sizeof b);
        for (i = 0; i < 50; i++) LLT_EQ_I64(llio_log_wait(l, (uint64_t)llio_log_append(l, b, (size_t)i * 5), -1), 0);
        LLT_EQ_I64(llio_log_close(l), 0);
    }
    n = list_segs(dir, ids, 64);
    for (i = 0; i < n; i++) {
        static pseg s;
        seg_path(p, sizeof p, dir, ids[i]);
        if (parse_seg(p, &s) != 0) continue;
        LLT_EQ_U64(s.balign, 4096);
        for (j = 0; j < s.nbatch; j++) misaligned += (s.batch[j].off & 4095) != 0;
    }
    LLT_EQ_I64(misaligned, 0);
    LLT_EQ_U64(read_all(dir, NULL, 0, NULL, NULL).n, 50);
    rm_dir(dir);
}

/* ---------------- bad input ---------------- */
static void bad_input(void) {
    char dir[600], file[600];
    llio_log_options o = small_opts();
    llio_log *l = (llio_log *)(uintptr_t)1;
    llio_log_reader *r;
    llio_log_info st;
    llio_log_record rec;
    unsigned char big[9000];
    struct iovec v[2];
    int64_t s;
    snprintf(dir, sizeof dir, "%s/bad", g_shm);
    rm_dir(dir);
    /* options */
    LLT_EQ_I64(llio_log_open(dir, &o, NULL), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_open(NULL, &o, &l), LLIO_EINVAL);
    LLT_CHECK(l == NULL);
    LLT_EQ_I64(llio_log_open("", &o, &l), LLIO_EINVAL);
    o.segment_bytes = 1000;
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.segment_bytes = (64 << 10) + 100; /* not a multiple of 4096 */
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.batches = 3;
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.batches = 0;
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.batches = 128;
    o.max_inflight = 65; /* at most 64 */
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.max_inflight = 16; /* more than batches */
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.batch_bytes = 64 << 10; /* a batch as large as a segment */
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.batch_bytes = 1001;
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    o = small_opts();
    o.flags = 0x1000;
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_EINVAL);
    LLT_CHECK(access(dir, F_OK) != 0); /* nothing was created */
    /* a journal that does not exist, with NO_CREATE */
    o = small_opts();
    o.flags = LLIO_LOG_NO_CREATE;
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_ENOENT);
    mkdir(dir, 0755);
    LLT_EQ_I64(llio_log_open(dir, &o, &l), LLIO_ENOENT); /* a directory without segments */
    rm_dir(dir);
    /* a path that is a file */
    path_in(file, sizeof file, g_shm, "bad-file");
    close(open(file, O_WRONLY | O_CREAT, 0644));
    o = small_opts();
    LLT_CHECK(llio_log_open(file, &o, &l) < 0);
    unlink(file);
    /* calls on a journal */
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    LLT_EQ_I64(llio_log_append(NULL, "x", 1), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_append(l, NULL, 1), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_appendv(l, NULL, 1), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_appendv(l, v, -1), LLIO_EINVAL);
    v[0].iov_base = NULL;
    v[0].iov_len = 3;
    LLT_EQ_I64(llio_log_appendv(l, v, 1), LLIO_EINVAL);
    llio_log_stats(l, &st);
    memset(big, 1, sizeof big);
    LLT_EQ_I64(llio_log_append(l, big, st.max_record + 1), LLIO_EMSGSIZE);
    LLT_EQ_I64(llio_log_append(l, big, sizeof big), LLIO_EMSGSIZE);
    LLT_EQ_I64(llio_log_append(l, big, (size_t)-1), LLIO_EMSGSIZE);
    v[0].iov_base = big;
    v[0].iov_len = st.max_record;
    v[1].iov_base = big;
    v[1].iov_len = 1;
    LLT_EQ_I64(llio_log_appendv(l, v, 2), LLIO_EMSGSIZE); /* the pieces together are too large */
    LLT_EQ_I64(llio_log_wait(l, 1, -1), LLIO_EINVAL);   /* nothing appended yet */
    LLT_EQ_I64(llio_log_wait(l, 0, -1), 0);
    LLT_EQ_I64(llio_log_wait(NULL, 1, -1), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_appendv(l, v, 0), 1);            /* an empty record is a record */
    s = llio_log_append(l, big, st.max_record);          /* the largest fits */
    LLT_EQ_I64(s, 2);
    LLT_EQ_I64(llio_log_wait(l, 3, -1), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_wait(l, 2, -1), 0);
    LLT_EQ_I64(llio_log_commit(l), 0);
    LLT_EQ_I64(llio_log_commit(NULL), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_poll(NULL), LLIO_EINVAL);
    LLT_EQ_U64(llio_log_durable(NULL), 0);
    LLT_EQ_I64(llio_log_checkpoint(NULL, 5), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_checkpoint(l, 0), 0);
    LLT_EQ_I64(llio_log_checkpoint(l, ~0ull), 0); /* never the segment being written */
    llio_log_stats(NULL, &st);
    LLT_EQ_U64(st.next_seq, 0);
    llio_log_stats(l, NULL);
    LLT_EQ_I64(llio_log_reader_open(NULL, NULL, 0, &r), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_reader_open(dir, NULL, 0, NULL), LLIO_EINVAL);
    path_in(file, sizeof file, g_shm, "no-such-dir");
    LLT_EQ_I64(llio_log_reader_open(file, NULL, 0, &r), LLIO_ENOENT);
    LLT_EQ_I64(llio_log_read(NULL, &rec), LLIO_EINVAL);
    llio_log_reader_close(NULL);
    LLT_EQ_I64(llio_log_close(NULL), LLIO_EINVAL);
    LLT_EQ_I64(llio_log_close(l), 0);
    {
        readback rb = read_all(dir, NULL, 0, NULL, NULL);
        LLT_EQ_U64(rb.n, 2);
    }
    rm_dir(dir);
}

/* patch a segment header field and recompute its CRC with llcrc */
static void patch_header(const char *path, size_t at, const void *bytes, size_t n, int fix_crc) {
    unsigned char h[64];
    int fd = open(path, O_RDWR);
    uint32_t c;
    if (fd < 0) return;
    llio_pread_full(fd, h, 64, 0);
    memcpy(h + at, bytes, n);
    if (fix_crc) {
        c = llcrc_crc32c(0, h, 60);
        memcpy(h + 60, &c, 4);
    }
    llio_pwrite_full(fd, h, 64, 0);
    close(fd);
}

/* A segment from another journal or version, a damaged or truncated header: open refuses the
   journal with the documented error and changes nothing; files that are not segments are ignored. */
static void foreign_and_damaged(void) {
    char a[600], w[600], p[700], q[700];
    llio_log_options o = small_opts();
    llio_log *l;
    uint64_t ids[64];
    int n, k;
    unsigned char buf[200];
    snprintf(a, sizeof a, "%s/fa", g_shm);
    snprintf(w, sizeof w, "%s/fw", g_shm);
    rm_dir(a);
    LLT_REQUIRE(llio_log_open(a, &o, &l) == 0);
    memset(buf, 3, sizeof buf);
    for (k = 0; k < 1000; k++) llio_log_append(l, buf, sizeof buf);
    LLT_EQ_I64(llio_log_close(l), 0);
    n = list_segs(a, ids, 64);
    LLT_REQUIRE(n >= 3);
    path_in(p, sizeof p, a, "README.txt"); /* not a segment name: ignored */
    close(open(p, O_WRONLY | O_CREAT, 0644));
    path_in(p, sizeof p, a, "00000000000000zz.llog");
    close(open(p, O_WRONLY | O_CREAT, 0644));
    for (k = 0; k < 7; k++) {
        uint64_t jid = 0x1234567890abcdefull;
        uint32_t ver = 2;
        int want;
        LLT_REQUIRE(copy_dir(a, w) == 0);
        seg_path(p, sizeof p, w, ids[1]);
        switch (k) {
        case 0: patch_header(p, 16, &jid, 8, 1); want = LLIO_EBADMSG; break;      /* another journal */
        case 1: patch_header(p, 8, &ver, 4, 1); want = LLIO_EOPNOTSUPP; break;     /* another version */
        case 2: patch_header(p, 0, "XXIO", 4, 1); want = LLIO_EBADMSG; break;      /* not a segment */
        case 3: patch_header(p, 33, "\x01", 1, 0); want = LLIO_EBADMSG; break;     /* CRC fails */
        case 4: LLT_CHECK(truncate(p, 30) == 0); want = LLIO_EBADMSG; break;       /* truncated header */
        case 5: LLT_CHECK(truncate(p, 0) == 0); want = LLIO_EBADMSG; break;        /* empty file */
        default: /* a segment of the same journal under another id's name */
            seg_path(q, sizeof q, w, ids[n - 1] + 100);
            LLT_CHECK(copy_file(p, q) == 0);
            want = LLIO_EBADMSG;
            break;
        }
        LLT_CHECKF(llio_log_open(w, &o, &l) == want, "case %d", k);
        LLT_EQ_I64(count_files(w, ".llog"), n + 1 + (k == 6)); /* nothing recycled or created */
        {   /* a reader refuses it too (or stops before it) and never returns a bad record */
            readback rb = read_all(w, NULL, 0, NULL, NULL);
            LLT_CHECKF(rb.err == want || rb.n < 1000 || k == 6, "case %d: reader %d, %llu records", k, rb.err,
                       (unsigned long long)rb.n);
        }
    }
    /* the original still opens: all 1000 records */
    LLT_REQUIRE(llio_log_open(a, &o, &l) == 0);
    {
        llio_log_info st;
        llio_log_stats(l, &st);
        LLT_EQ_U64(st.recovered_records, 1000);
    }
    LLT_EQ_I64(llio_log_close(l), 0);
    rm_dir(a);
    rm_dir(w);
}

/* ---------------- segments: rotation, checkpoint, recycling ---------------- */
typedef struct gen_ctx {
    size_t maxlen;
    uint64_t seen, bad;
    uint64_t last_k[64];
    uint64_t first_k[64];
    int started[64];
} gen_ctx;
static int check_gen(const llio_log_record *r, void *vctx) {
    gen_ctx *c = (gen_ctx *)vctx;
    uint32_t t;
    uint64_t k;
    if (!payload_ok(r->data, r->len, c->maxlen, &t, &k)) return 0;
    if (c->started[t] && k != c->last_k[t] + 1) return 0; /* each thread's records in order, none lost */
    if (!c->started[t]) c->first_k[t] = k;
    c->started[t] = 1;
    c->last_k[t] = k;
    c->seen++;
    return 1;
}

static void rotation_checkpoint_recycle(void) {
    char dir[600];
    llio_log_options o = small_opts();
    llio_log *l;
    llio_log_info st, st2;
    unsigned char buf[400];
    uint64_t k, ck;
    int dropped, segs_before;
    gen_ctx g;
    readback rb;
    snprintf(dir, sizeof dir, "%s/ckpt", g_shm);
    rm_dir(dir);
    o.keep_free = 3;
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    for (k = 1; k <= 5000; k++) {
        size_t len = gen(0, k, buf, sizeof buf);
        LLT_EQ_I64(llio_log_append(l, buf, len), (int64_t)k);
        if (k % 100 == 0) LLT_EQ_I64(llio_log_wait(l, k, -1), 0);
    }
    llio_log_stats(l, &st);
    LLT_CHECKF(st.rotations > 10, "rotations %llu", (unsigned long long)st.rotations);
    LLT_CHECKF(st.segments > 10, "segments %llu", (unsigned long long)st.segments);
    LLT_EQ_U64(st.first_seq, 1);
    segs_before = count_files(dir, ".llog");
    LLT_EQ_I64(count_files(dir, ".free"), 0);
    ck = 3000;
    dropped = llio_log_checkpoint(l, ck);
    LLT_CHECKF(dropped > 3, "dropped %d", dropped);
    LLT_EQ_I64(count_files(dir, ".llog"), segs_before - dropped);
    LLT_EQ_I64(count_files(dir, ".free"), 3); /* keep_free: the rest deleted */
    llio_log_stats(l, &st2);
    LLT_CHECKF(st2.first_seq > 1 && st2.first_seq <= ck, "first %llu", (unsigned long long)st2.first_seq);
    LLT_EQ_I64(llio_log_checkpoint(l, ck), 0); /* nothing more to drop */
    memset(&g, 0, sizeof g);
    g.maxlen = sizeof buf;
    rb = read_all(dir, NULL, 0, check_gen, &g);
    LLT_EQ_U64(rb.first, st2.first_seq);
    LLT_EQ_U64(rb.last, 5000);
    LLT_EQ_U64(rb.bad, 0);
    rb = read_all(dir, NULL, 1, NULL, NULL); /* from below the oldest: from the oldest */
    LLT_EQ_U64(rb.first, st2.first_seq);
    /* appends go on; new segments come from the free files */
    for (k = 5001; k <= 8000; k++) {
        size_t len = gen(0, k, buf, sizeof buf);
        LLT_EQ_I64(llio_log_append(l, buf, len), (int64_t)k);
        if (k % 100 == 0) LLT_EQ_I64(llio_log_wait(l, k, -1), 0);
    }
    llio_log_stats(l, &st);
    LLT_CHECKF(st.segments_recycled >= 3, "recycled %llu", (unsigned long long)st.segments_recycled);
    LLT_EQ_I64(llio_log_close(l), 0);
    /* the checkpoint holds across a restart; everything from the oldest kept record is there */
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    llio_log_stats(l, &st);
    LLT_EQ_U64(st.first_seq, st2.first_seq);
    LLT_EQ_U64(st.next_seq, 8001);
    memset(&g, 0, sizeof g);
    g.maxlen = sizeof buf;
    rb = read_all(NULL, l, 0, check_gen, &g);
    LLT_EQ_U64(rb.n, 8000 - st2.first_seq + 1);
    LLT_EQ_U64(rb.bad, 0);
    /* checkpoint everything: the segment being written stays */
    dropped = llio_log_checkpoint(l, ~0ull);
    LLT_CHECK(dropped > 0);
    llio_log_stats(l, &st);
    LLT_EQ_U64(st.next_seq, 8001);
    LLT_EQ_I64(llio_log_close(l), 0);
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    llio_log_stats(l, &st);
    LLT_EQ_U64(st.next_seq, 8001); /* the numbering survives a checkpoint of every old segment */
    LLT_EQ_I64(llio_log_close(l), 0);
    rm_dir(dir);
}

/* A segment that was prepared but never written, between two segments with records (a crash can
   leave one: a spare made while a rotation made the next segment): recovery and readers pass over
   it, and recovery turns it into a free file. */
static void empty_segment_between(void) {
    char dir[600], p[700], q[700];
    llio_log_options o = small_opts();
    llio_log *l;
    unsigned char buf[400];
    uint64_t ids[64], k, gap = 0;
    int n, i, round;
    gen_ctx g;
    readback rb;
    llio_log_info st;
    snprintf(dir, sizeof dir, "%s/gap", g_shm);
    rm_dir(dir);
    for (round = 0, k = 1; round < 2; round++) { /* each open starts a fresh segment: ids leave gaps */
        LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
        for (i = 0; i < 400; i++, k++) {
            size_t len = gen(0, k, buf, sizeof buf);
            LLT_EQ_I64(llio_log_append(l, buf, len), (int64_t)k);
        }
        LLT_EQ_I64(llio_log_close(l), 0);
    }
    n = list_segs(dir, ids, 64);
    for (i = 0; i + 1 < n && !gap; i++) {
        static pseg s;
        seg_path(p, sizeof p, dir, ids[i + 1]);
        if (ids[i + 1] - ids[i] >= 2 && parse_seg(p, &s) == 0 && s.nrec > 0) {
            gap = ids[i] + 1;
            seg_path(q, sizeof q, dir, gap);
        }
    }
    LLT_REQUIRE(gap != 0);
    { /* an empty segment with a valid header named gap */
        unsigned char h[4096];
        uint32_t c;
        int fd = open(p, O_RDONLY), fo;
        llio_pread_full(fd, h, sizeof h, 0);
        close(fd);
        memcpy(h + 24, &gap, 8);
        c = llcrc_crc32c(0, h, 60);
        memcpy(h + 60, &c, 4);
        fo = open(q, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        llio_pwrite_full(fo, h, sizeof h, 0);
        LLT_CHECK(ftruncate(fo, 64 << 10) == 0);
        close(fo);
    }
    memset(&g, 0, sizeof g);
    g.maxlen = sizeof buf;
    rb = read_all(dir, NULL, 0, check_gen, &g);
    LLT_EQ_U64(rb.n, 800);
    LLT_EQ_U64(rb.bad, 0);
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    llio_log_stats(l, &st);
    LLT_EQ_U64(st.recovered_records, 800);
    LLT_EQ_U64(st.next_seq, 801);
    LLT_EQ_I64(llio_log_close(l), 0);
    LLT_CHECK(access(q, F_OK) != 0); /* no longer a live segment */
    rm_dir(dir);
}

/* ---------------- many appenders ---------------- */
typedef struct app_arg {
    llio_log *l;
    uint32_t t;
    uint64_t count, first_k;
    int mode;           /* 0 wait every record, 1 wait every 8th, 2 never wait (poll), 3 appendv + wait */
    int err;
    size_t maxlen;
    uint64_t last_seq;
} app_arg;

static void *appender(void *vp) {
    app_arg *a = (app_arg *)vp;
    unsigned char buf[2048];
    uint64_t i;
    for (i = 0; i < a->count && !a->err; i++) {
        uint64_t k = a->first_k + i;
        size_t len = gen(a->t, k, buf, a->maxlen);
        int64_t s;
        if (a->mode == 3) {
            struct iovec v[2];
            v[0].iov_base = buf;
            v[0].iov_len = 5;
            v[1].iov_base = buf + 5;
            v[1].iov_len = len - 5;
            s = llio_log_appendv(a->l, v, 2);
        } else {
            s = llio_log_append(a->l, buf, len);
        }
        if (s <= 0 || (uint64_t)s <= a->last_seq) {
            a->err = 1;
            break;
        }
        a->last_seq = (uint64_t)s;
        if (a->mode == 0 || a->mode == 3 || (a->mode == 1 && (i & 7) == 7)) {
            if (llio_log_wait(a->l, (uint64_t)s, -1) != 0) a->err = 2;
            else if (llio_log_durable(a->l) < (uint64_t)s) a->err = 3;
        } else if (a->mode == 2) {
            llio_log_poll(a->l);
        }
    }
    return NULL;
}

static uint64_t g_cb_last, g_cb_calls, g_cb_backwards;
static void on_durable(void *ctx, uint64_t seq) {
    (void)ctx;
    if (seq < g_cb_last) g_cb_backwards++;
    g_cb_last = seq;
    g_cb_calls++;
}

static void many_appenders(const char *base, unsigned flags, unsigned inflight, int nthreads, uint64_t per) {
    char dir[600];
    llio_log_options o = small_opts();
    llio_log *l;
    pthread_t th[16];
    app_arg a[16];
    gen_ctx g;
    readback rb;
    llio_log_info st;
    int i;
    uint64_t total = 0;
    snprintf(dir, sizeof dir, "%s/mt", base);
    rm_dir(dir);
    o.flags = flags;
    o.max_inflight = inflight;
    o.batch_bytes = 16 << 10;
    o.segment_bytes = 256 << 10;
    o.on_durable = on_durable;
    g_cb_last = g_cb_calls = g_cb_backwards = 0;
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    memset(a, 0, sizeof a);
    for (i = 0; i < nthreads; i++) {
        a[i].l = l;
        a[i].t = (uint32_t)i;
        a[i].count = per;
        a[i].first_k = 1;
        a[i].mode = i % 4;
        a[i].maxlen = 700;
        pthread_create(&th[i], NULL, appender, &a[i]);
    }
    for (i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        LLT_CHECKF(a[i].err == 0, "thread %d: error %d", i, a[i].err);
        total += a[i].count;
    }
    LLT_EQ_I64(llio_log_commit(l), 0);
    LLT_EQ_U64(llio_log_durable(l), total);
    LLT_EQ_U64(g_cb_last, total);
    LLT_EQ_U64(g_cb_backwards, 0);
    llio_log_stats(l, &st);
    LLT_CHECKF(st.commits < total, "group commit: %llu commits for %llu records", (unsigned long long)st.commits,
               (unsigned long long)total);
    memset(&g, 0, sizeof g);
    g.maxlen = 700;
    rb = read_all(NULL, l, 0, NULL, NULL);
    LLT_EQ_U64(rb.n, total);
    LLT_EQ_I64(llio_log_close(l), 0);
    rb = read_all(dir, NULL, 0, check_gen, &g);
    LLT_EQ_U64(rb.n, total);
    LLT_EQ_U64(rb.bad, 0);
    for (i = 0; i < nthreads; i++) LLT_CHECKF(g.last_k[i] == per && g.first_k[i] == 1, "thread %d: %llu..%llu", i,
                                              (unsigned long long)g.first_k[i], (unsigned long long)g.last_k[i]);
    rm_dir(dir);
}
static void threads_uring(void) { many_appenders(g_shm, 0, 2, 8, llt_scaled(3000, 200)); }
static void threads_uring_inflight1(void) { many_appenders(g_shm, 0, 1, 8, llt_scaled(3000, 200)); }
static void threads_uring_inflight4(void) { many_appenders(g_shm, LLIO_LOG_AUTOCOMMIT, 4, 8, llt_scaled(3000, 200)); }
static void threads_sync_backend(void) { many_appenders(g_shm, LLIO_LOG_NO_URING, 2, 8, llt_scaled(3000, 200)); }
static void threads_disk(void) { many_appenders(g_disk, 0, 2, 4, llt_scaled(400, 50)); }

/* Two batch buffers of 512 bytes, eight threads that never wait: appenders that find both buffers
   full commit themselves; nothing hangs, nothing is lost. */
static void backpressure_tiny_buffers(void) {
    char dir[600];
    llio_log_options o = small_opts();
    llio_log *l;
    pthread_t th[8];
    app_arg a[8];
    gen_ctx g;
    readback rb;
    int i;
    uint64_t per = llt_scaled(2000, 200);
    snprintf(dir, sizeof dir, "%s/bp", g_shm);
    rm_dir(dir);
    o.batch_bytes = 512;
    o.batches = 2;
    o.max_inflight = 2;
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    memset(a, 0, sizeof a);
    for (i = 0; i < 8; i++) {
        a[i].l = l;
        a[i].t = (uint32_t)i;
        a[i].count = per;
        a[i].first_k = 1;
        a[i].mode = 4; /* append only */
        a[i].maxlen = 200;
        pthread_create(&th[i], NULL, appender, &a[i]);
    }
    for (i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        LLT_CHECKF(a[i].err == 0, "thread %d: error %d", i, a[i].err);
    }
    LLT_EQ_I64(llio_log_close(l), 0);
    memset(&g, 0, sizeof g);
    g.maxlen = 200;
    rb = read_all(dir, NULL, 0, check_gen, &g);
    LLT_EQ_U64(rb.n, 8 * per);
    LLT_EQ_U64(rb.bad, 0);
    rm_dir(dir);
}

/* One appender that never waits: commits run in the background (io_uring) or from poll. */
static void pipelined(unsigned flags) {
    char dir[600];
    llio_log_options o = small_opts();
    llio_log *l;
    unsigned char buf[200];
    uint64_t k, n = llt_scaled(20000, 2000), spins = 0;
    llio_log_info st;
    gen_ctx g;
    readback rb;
    snprintf(dir, sizeof dir, "%s/pipe", g_disk);
    rm_dir(dir);
    o.flags = flags;
    o.segment_bytes = 1 << 20;
    o.on_durable = on_durable;
    g_cb_last = g_cb_calls = g_cb_backwards = 0;
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    for (k = 1; k <= n; k++) {
        size_t len = gen(1, k, buf, sizeof buf);
        LLT_EQ_I64(llio_log_append(l, buf, len), (int64_t)k);
        if (!(flags & LLIO_LOG_AUTOCOMMIT) && (k & 63) == 0) llio_log_poll(l);
    }
    /* everything becomes durable without this thread ever blocking in wait */
    while (llio_log_durable(l) < n && spins < 2000000) {
        llio_log_poll(l);
        if (llio_log_durable(l) < n) {
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL);
        }
        spins++;
    }
    LLT_EQ_U64(llio_log_durable(l), n);
    LLT_EQ_U64(g_cb_last, n);
    LLT_EQ_U64(g_cb_backwards, 0);
    llio_log_stats(l, &st);
    LLT_CHECKF(st.commits * 4 < n, "%llu commits for %llu records", (unsigned long long)st.commits,
               (unsigned long long)n);
    LLT_EQ_I64(llio_log_wait(l, n, 0), 0);
    LLT_EQ_I64(llio_log_close(l), 0);
    memset(&g, 0, sizeof g);
    g.maxlen = sizeof buf;
    rb = read_all(dir, NULL, 0, check_gen, &g);
    LLT_EQ_U64(rb.n, n);
    LLT_EQ_U64(rb.bad, 0);
    rm_dir(dir);
}
static void pipelined_autocommit(void) { pipelined(LLIO_LOG_AUTOCOMMIT); }
static void pipelined_poll(void) { pipelined(0); }
static void pipelined_poll_sync_backend(void) { pipelined(LLIO_LOG_NO_URING); }

/* wait with a time limit: 0 only looks (and starts a background commit); eventually durable */
static void wait_timeouts(void) {
    char dir[600];
    llio_log_options o = small_opts();
    llio_log *l;
    int64_t s;
    int rc, tries = 0;
    snprintf(dir, sizeof dir, "%s/to", g_disk);
    rm_dir(dir);
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    s = llio_log_append(l, "abc", 3);
    LLT_EQ_I64(s, 1);
    do {
        rc = llio_log_wait(l, 1, 0);
        LLT_CHECKF(rc == 0 || rc == LLIO_ETIME, "rc %d", rc);
        if (rc) {
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
        }
    } while (rc && ++tries < 20000);
    LLT_EQ_I64(rc, 0);
    s = llio_log_append(l, "defg", 4);
    LLT_EQ_I64(llio_log_wait(l, (uint64_t)s, 1000000000), 0);
    LLT_EQ_I64(llio_log_close(l), 0);
    rm_dir(dir);
}

/* ---------------- readers on a live journal ---------------- */
typedef struct tail_arg {
    const char *dir;
    llio_log *live;
    uint64_t want, got;
    int bad, err;
} tail_arg;
static void *tailer(void *vp) {
    tail_arg *t = (tail_arg *)vp;
    llio_log_reader *r;
    llio_log_record rec;
    gen_ctx g;
    uint64_t idle = 0;
    memset(&g, 0, sizeof g);
    g.maxlen = 300;
    if (llio_log_reader_open(t->live ? NULL : t->dir, t->live, 0, &r) != 0) {
        t->err = 1;
        return NULL;
    }
    while (t->got < t->want && idle < 200000) {
        int rc = llio_log_read(r, &rec);
        if (rc < 0) {
            t->err = rc;
            break;
        }
        if (rc == 0) {
            struct timespec ts = {0, 50000};
            nanosleep(&ts, NULL);
            idle++;
            continue;
        }
        idle = 0;
        if (rec.seq != t->got + 1 || !check_gen(&rec, &g)) t->bad++;
        if (t->live && rec.seq > llio_log_durable(t->live)) t->bad++;
        t->got = rec.seq;
    }
    llio_log_reader_close(r);
    return NULL;
}

static void live_readers(void) {
    char dir[600];
    llio_log_options o = small_opts();
    llio_log *l;
    pthread_t w, r1, r2;
    app_arg a;
    tail_arg t1, t2;
    uint64_t n = llt_scaled(4000, 500);
    snprintf(dir, sizeof dir, "%s/tail", g_shm);
    rm_dir(dir);
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    memset(&a, 0, sizeof a);
    a.l = l;
    a.count = n;
    a.first_k = 1;
    a.mode = 1;
    a.maxlen = 300;
    memset(&t1, 0, sizeof t1);
    memset(&t2, 0, sizeof t2);
    t1.live = l; /* in the process: durable records only */
    t1.want = n;
    t2.dir = dir; /* as another process would: by the files */
    t2.want = n;
    pthread_create(&r1, NULL, tailer, &t1);
    pthread_create(&r2, NULL, tailer, &t2);
    pthread_create(&w, NULL, appender, &a);
    pthread_join(w, NULL);
    LLT_EQ_I64(a.err, 0);
    LLT_EQ_I64(llio_log_commit(l), 0);
    pthread_join(r1, NULL);
    pthread_join(r2, NULL);
    LLT_EQ_U64(t1.got, n);
    LLT_EQ_I64(t1.bad, 0);
    LLT_EQ_I64(t1.err, 0);
    LLT_EQ_U64(t2.got, n);
    LLT_EQ_I64(t2.bad, 0);
    LLT_EQ_I64(t2.err, 0);
    LLT_EQ_I64(llio_log_close(l), 0);
    rm_dir(dir);
}

/* ---------------- damage: any byte of the last batch, a cut anywhere in it ---------------- */
typedef struct dmg_ctx {
    uint64_t n;
    int bad;
} dmg_ctx;
static int check_dmg(const llio_log_record *r, void *vctx) {
    uint32_t t;
    uint64_t k;
    (void)vctx;
    return payload_ok(r->data, r->len, 120, &t, &k) && t == 2 && k == r->seq;
}

static void damage_last_batch(int cut) {
    char dir[600], pristine[600], work[600], p[700];
    llio_log_options o = small_opts();
    llio_log *l;
    unsigned char buf[200];
    uint64_t ids[64], k, x;
    static pseg s;
    pbatch lb;
    int n, i, si = -1, failures = 0;
    llio_log_info st;
    snprintf(dir, sizeof dir, "%s/dmg", g_shm);
    snprintf(pristine, sizeof pristine, "%s/dmg-pristine", g_shm);
    snprintf(work, sizeof work, "%s/dmg-work", g_shm);
    rm_dir(dir);
    LLT_REQUIRE(llio_log_open(dir, &o, &l) == 0);
    for (k = 1; k <= 40; k++) { /* four commits of ten records: the last batch holds 31..40 */
        size_t len = gen(2, k, buf, 120);
        LLT_EQ_I64(llio_log_append(l, buf, len), (int64_t)k);
        if (k % 10 == 0) LLT_EQ_I64(llio_log_wait(l, k, -1), 0);
    }
    LLT_EQ_I64(llio_log_close(l), 0);
    n = list_segs(dir, ids, 64);
    memset(&lb, 0, sizeof lb);
    for (i = 0; i < n; i++) {
        int j;
        seg_path(p, sizeof p, dir, ids[i]);
        if (parse_seg(p, &s) != 0) continue;
        for (j = 0; j < s.nbatch; j++)
            if (s.batch[j].first == 31) {
                lb = s.batch[j];
                si = i;
            }
    }
    LLT_REQUIRE(si >= 0 && lb.nrec == 10);
    seg_path(p, sizeof p, dir, ids[si]);
    LLT_REQUIRE(parse_seg(p, &s) == 0);
    LLT_REQUIRE(copy_dir(dir, pristine) == 0);
    for (x = lb.off; x < lb.off + 32 + lb.nbytes; x++) {
        uint64_t want = 30, keep_end;
        int r, pad = 0, torn_want;
        dmg_ctx c;
        readback rb;
        LLT_REQUIRE(copy_dir(pristine, work) == 0);
        seg_path(p, sizeof p, work, ids[si]);
        for (r = 0; r < s.nrec; r++) { /* records of the last batch that stay whole */
            uint64_t end = s.rec[r].off + 16 + s.rec[r].len;
            if (s.rec[r].seq < 31) continue;
            if (cut ? end <= x : x >= end) want = s.rec[r].seq;
            if (!cut && x >= end && (r + 1 == s.nrec || x < s.rec[r + 1].off)) pad = 1;
            if (!cut && x >= s.rec[r].off && x < end) break;
        }
        if (x < lb.off + 32) want = 30; /* the batch header */
        if (pad) want = 40;             /* a padding byte: no record touched */
        keep_end = lb.off;              /* where the intact records end (a cut there removes nothing) */
        for (r = 0; r < s.nrec; r++)
            if (s.rec[r].seq == want && want > 30) keep_end = (s.rec[r].off + 16 + s.rec[r].len + 7) & ~7ull;
        torn_want = cut ? x > keep_end : want != 40;
        if (cut) {
            LLT_REQUIRE(truncate(p, (off_t)x) == 0);
        } else {
            int fd = open(p, O_RDWR);
            unsigned char b;
            llio_pread_full(fd, &b, 1, (int64_t)x);
            b ^= (unsigned char)(1 + x % 255);
            llio_pwrite_full(fd, &b, 1, (int64_t)x);
            close(fd);
        }
        r = llio_log_open(work, &o, &l);
        if (r != 0) {
            LLT_CHECKF(r == 0, "offset %llu: open %d", (unsigned long long)x, r);
            break;
        }
        llio_log_stats(l, &st);
        memset(&c, 0, sizeof c);
        rb = read_all(NULL, l, 0, check_dmg, &c);
        if (rb.n != want || rb.bad || rb.err || st.recovered_records != want || st.next_seq != want + 1 ||
            st.recovery_torn != torn_want) {
            if (failures++ < 5)
                LLT_CHECKF(0, "%s at %llu (batch at %llu): %llu records (want %llu), bad %llu, err %d, torn %d",
                           cut ? "cut" : "byte", (unsigned long long)x, (unsigned long long)lb.off,
                           (unsigned long long)rb.n, (unsigned long long)want, (unsigned long long)rb.bad, rb.err,
                           st.recovery_torn);
        }
        LLT_EQ_I64(llio_log_close(l), 0);
        if ((x & 7) == 0) { /* recovery again finds the same records and nothing torn; the chain goes
                               on from the cut into the next segment */
            LLT_REQUIRE(llio_log_open(work, &o, &l) == 0);
            llio_log_stats(l, &st);
            LLT_EQ_U64(st.recovered_records, want);
            LLT_EQ_I64(st.recovery_torn, 0);
            for (k = want + 1; k <= want + 5; k++) {
                size_t len = gen(2, k, buf, 120);
                LLT_EQ_I64(llio_log_append(l, buf, len), (int64_t)k);
            }
            LLT_EQ_I64(llio_log_close(l), 0);
            LLT_REQUIRE(llio_log_open(work, &o, &l) == 0);
            llio_log_stats(l, &st);
            LLT_EQ_U64(st.recovered_records, want + 5);
            rb = read_all(NULL, l, 0, check_dmg, &c);
            LLT_EQ_U64(rb.n, want + 5);
            LLT_EQ_U64(rb.bad, 0);
            LLT_EQ_I64(llio_log_close(l), 0);
            rb = read_all(work, NULL, 0, check_dmg, &c);
            LLT_EQ_U64(rb.n, want + 5);
        }
    }
    rm_dir(dir);
    rm_dir(pristine);
    rm_dir(work);
}
static void corrupt_any_byte_of_last_batch(void) { damage_last_batch(0); }
static void truncate_anywhere_in_last_batch(void) { damage_last_batch(1); }

/* ---------------- crashes: SIGKILL at random moments ---------------- */
typedef struct crash_shared {
    uint64_t acked[4];  /* highest counter of thread t known durable (published after the wait) */
    uint64_t next_k[4]; /* where each thread's counters go on in this round */
} crash_shared;

typedef struct crash_arg {
    llio_log *l;
    crash_shared *sh;
    uint32_t t;
} crash_arg;

#define CRASH_MAXLEN 300

static void *crash_appender(void *vp) {
    crash_arg *a = (crash_arg *)vp;
    unsigned char buf[CRASH_MAXLEN];
    uint64_t k = a->sh->next_k[a->t], pend_seq[64], pend_k[64];
    unsigned ph = 0, pt = 0;
    for (;; k++) {
        size_t len = gen(a->t, k, buf, CRASH_MAXLEN);
        int64_t s;
        if (a->t == 1) { /* gathered from two pieces */
            struct iovec v[2];
            v[0].iov_base = buf;
            v[0].iov_len = 3;
            v[1].iov_base = buf + 3;
            v[1].iov_len = len - 3;
            s = llio_log_appendv(a->l, v, 2);
        } else {
            s = llio_log_append(a->l, buf, len);
        }
        if (s <= 0) break;
        if (a->t == 0 || a->t == 1 || (a->t == 2 && (k & 7) == 0)) {
            if (llio_log_wait(a->l, (uint64_t)s, -1) != 0) break;
            __atomic_store_n(&a->sh->acked[a->t], k, __ATOMIC_RELEASE);
        } else if (a->t == 3) { /* never waits: acknowledged once the durable point passes */
            uint64_t d;
            if (pt - ph == 64) { /* keep at most 64 outstanding */
                while (llio_log_durable(a->l) < pend_seq[ph & 63]) llio_log_poll(a->l);
            }
            pend_seq[pt & 63] = (uint64_t)s;
            pend_k[pt & 63] = k;
            pt++;
            llio_log_poll(a->l);
            d = llio_log_durable(a->l);
            while (ph != pt && pend_seq[ph & 63] <= d) {
                __atomic_store_n(&a->sh->acked[a->t], pend_k[ph & 63], __ATOMIC_RELEASE);
                ph++;
            }
        }
    }
    for (;;) pause();
    return NULL;
}

static llio_log_options crash_opts(unsigned round, int direct_ok) {
    llio_log_options o = small_opts();
    o.max_inflight = 1 + round % 4;
    switch (round % 5) {
    case 1: o.flags = LLIO_LOG_NO_URING; break;
    case 2: o.flags = LLIO_LOG_AUTOCOMMIT; break;
    case 3: o.flags = direct_ok ? LLIO_LOG_DIRECT : 0; break;
    case 4: o.flags = LLIO_LOG_NOSYNC; break; /* page-cache durable: survives a process crash */
    default: break;
    }
    return o;
}

/* Any batch header of this segment with a valid CRC that starts at or after next_seq, anywhere in the
   live segment files: there must be none after recovery (nothing beyond a torn record survives). */
static int stale_batches(const char *dir, uint64_t next_seq) {
    uint64_t ids[256];
    int n = list_segs(dir, ids, 256), i, found = 0;
    for (i = 0; i < n; i++) {
        char p[700];
        size_t len = 0, pos;
        unsigned char *b;
        seg_path(p, sizeof p, dir, ids[i]);
        b = slurp(p, &len);
        if (!b) continue;
        for (pos = 4096; pos + 32 <= len; pos += 8)
            if (g64(b + pos + 8) == ids[i] && g64(b + pos) >= next_seq && llcrc_crc32c(0, b + pos, 28) == g32(b + pos + 28))
                found++;
        free(b);
    }
    return found;
}

/* Power cut on top of the crash: bytes after the last acknowledged record may never have reached the
   disk. Overwrite a random stretch after it with garbage, and lose the first batch of later segments. */
static void tear_unacked(const char *dir, const crash_shared *sh) {
    uint64_t ids[256], best_seq = 0, best_end = 0;
    int n = list_segs(dir, ids, 256), i, j, best = -1;
    static pseg s;
    for (i = 0; i < n; i++) {
        char p[700];
        seg_path(p, sizeof p, dir, ids[i]);
        if (parse_seg(p, &s) != 0) continue;
        for (j = 0; j < s.nrec; j++) { /* the acknowledged record with the highest sequence number */
            unsigned char hdr[12];
            int fd = open(p, O_RDONLY);
            uint32_t t;
            uint64_t k;
            llio_pread_full(fd, hdr, 12, (int64_t)s.rec[j].off + 16);
            close(fd);
            memcpy(&t, hdr, 4);
            memcpy(&k, hdr + 4, 8);
            if (t < 4 && k <= sh->acked[t] && s.rec[j].seq > best_seq) {
                best_seq = s.rec[j].seq;
                best = i;
                best_end = s.rec[j].off + 16 + s.rec[j].len;
            }
        }
    }
    for (i = best < 0 ? 0 : best; i < n; i++) {
        char p[700];
        unsigned char junk[600];
        struct stat st;
        int fd;
        uint64_t from = i == best ? best_end : 4096, at, len, k;
        seg_path(p, sizeof p, dir, ids[i]);
        fd = open(p, O_RDWR);
        if (fd < 0 || fstat(fd, &st) != 0 || (uint64_t)st.st_size <= from) {
            if (fd >= 0) close(fd);
            continue;
        }
        at = from + rnd() % ((uint64_t)st.st_size - from);
        len = 1 + rnd() % sizeof junk;
        if (at + len > (uint64_t)st.st_size) len = (uint64_t)st.st_size - at;
        for (k = 0; k < len; k++) junk[k] = (unsigned char)rnd();
        llio_pwrite_full(fd, junk, (size_t)len, (int64_t)at);
        if (i != best && (rnd() & 1)) { /* this segment's writes never happened */
            memset(junk, 0, sizeof junk);
            llio_pwrite_full(fd, junk, sizeof junk, 4096);
        }
        close(fd);
    }
}

static void crash_kill9(void) {
    char dir[600], p[700];
    crash_shared *sh = (crash_shared *)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    unsigned rounds = (unsigned)llt_scaled(50, 10), r, torn = 0, t;
    uint64_t last_k[4] = {0, 0, 0, 0}, acked_total = 0, max_records = 0;
    int direct_ok, fd;
    LLT_REQUIRE(sh != MAP_FAILED);
    memset(sh, 0, sizeof *sh);
    snprintf(dir, sizeof dir, "%s/crash", g_disk);
    rm_dir(dir);
    snprintf(p, sizeof p, "%s/direct-probe", g_disk);
    fd = open(p, O_RDWR | O_CREAT | O_DIRECT, 0644);
    direct_ok = fd >= 0;
    if (fd >= 0) close(fd);
    unlink(p);
    for (r = 0; r < rounds; r++) {
        llio_log_options o = crash_opts(r, direct_ok);
        llio_log *l;
        llio_log_info st;
        gen_ctx g;
        readback rb;
        pid_t pid;
        int status, rc;
        uint64_t ms = r + 1 == rounds ? 300 : 5 + rnd() % 150; /* the last round surely gets commits through */
        for (t = 0; t < 4; t++) sh->next_k[t] = last_k[t] + 1;
        fflush(stdout);
        pid = fork();
        LLT_REQUIRE(pid >= 0);
        if (pid == 0) {
            crash_arg a[4];
            pthread_t th[4];
            if (llio_log_open(dir, &o, &l) != 0) _exit(3);
            for (t = 0; t < 4; t++) {
                a[t].l = l;
                a[t].sh = sh;
                a[t].t = t;
                pthread_create(&th[t], NULL, crash_appender, &a[t]);
            }
            for (;;) pause();
        }
        {
            struct timespec ts;
            ts.tv_sec = (time_t)(ms / 1000);
            ts.tv_nsec = (long)(ms % 1000) * 1000000;
            nanosleep(&ts, NULL);
        }
        kill(pid, SIGKILL);
        LLT_REQUIRE(waitpid(pid, &status, 0) == pid);
        LLT_CHECKF(WIFSIGNALED(status), "round %u: the child ended by itself (status %d)", r, status);
        if ((o.flags & LLIO_LOG_NOSYNC) == 0 && r % 3 == 1) {
            tear_unacked(dir, sh);
            torn++;
        }
        if (getenv("LLIO_LOG_KEEP")) { /* keep the state before recovery for a look */
            char pre[700];
            snprintf(pre, sizeof pre, "%s.pre", dir);
            copy_dir(dir, pre);
        }
        /* recovery: every acknowledged record, in order, intact; nothing after a torn one */
        o = small_opts();
        rc = llio_log_open(dir, &o, &l);
        LLT_CHECKF(rc == 0, "round %u: recovery failed: %d", r, rc);
        if (rc) break;
        llio_log_stats(l, &st);
        memset(&g, 0, sizeof g);
        g.maxlen = CRASH_MAXLEN;
        rb = read_all(NULL, l, 0, check_gen, &g);
        LLT_CHECKF(rb.bad == 0 && rb.err == 0, "round %u: %llu bad records, error %d", r,
                   (unsigned long long)rb.bad, rb.err);
        LLT_CHECKF(rb.n == st.next_seq - st.first_seq, "round %u: %llu records read, journal %llu..%llu", r,
                   (unsigned long long)rb.n, (unsigned long long)st.first_seq, (unsigned long long)st.next_seq);
        for (t = 0; t < 4; t++) {
            uint64_t have = g.started[t] ? g.last_k[t] : last_k[t];
            LLT_CHECKF(have >= sh->acked[t], "round %u thread %u: acknowledged %llu, recovered up to %llu", r, t,
                       (unsigned long long)sh->acked[t], (unsigned long long)have);
            last_k[t] = have;
        }
        LLT_CHECKF(stale_batches(dir, st.next_seq) == 0, "round %u: batches beyond the recovered end", r);
        if (st.next_seq - 1 > max_records) max_records = st.next_seq - 1;
        if (r % 8 == 7 && st.next_seq > 2000) llio_log_checkpoint(l, st.next_seq - 1000);
        LLT_EQ_I64(llio_log_close(l), 0);
        if (llt_g.current_failed) break;
    }
    for (t = 0; t < 4; t++) acked_total += sh->acked[t];
    LLT_CHECKF(acked_total > 0, "no record was ever acknowledged in %u rounds", r);
    printf("  %u rounds (%u with a simulated power cut), %llu records acknowledged, %llu in the journal\n", r,
           torn, (unsigned long long)acked_total, (unsigned long long)max_records);
    munmap(sh, 4096);
    if (llt_g.current_failed && getenv("LLIO_LOG_KEEP")) {
        printf("  kept %s and %s.pre; round options: max_inflight %u, flags 0x%x\n", dir, dir,
               crash_opts(r, direct_ok).max_inflight, crash_opts(r, direct_ok).flags);
        return;
    }
    rm_dir(dir);
}

/* ---------------- a full disk ---------------- */
static int enospc_child(int out) {
    char mnt[] = "/tmp/llio-log-enospc-XXXXXX", dir[200], filler[200], msg[300];
    llio_log_options o = small_opts();
    llio_log *l;
    unsigned char buf[1100];
    uint64_t k, acked = 0, pos;
    int64_t s = 0;
    int rc = 0, fd, fail = 0;
    gen_ctx g;
    readback rb;
#define ENOSPC_SAY(...) (snprintf(msg, sizeof msg, __VA_ARGS__), (void)!write(out, msg, strlen(msg)))
    if (unshare(CLONE_NEWNS) != 0) {
        ENOSPC_SAY("unshare(CLONE_NEWNS) refused: %s", strerror(errno));
        return 77;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        ENOSPC_SAY("cannot make mounts private: %s", strerror(errno));
        return 77;
    }
    if (!mkdtemp(mnt)) {
        ENOSPC_SAY("mkdtemp: %s", strerror(errno));
        return 77;
    }
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") != 0) {
        ENOSPC_SAY("mount -t tmpfs refused: %s", strerror(errno));
        rmdir(mnt);
        return 77;
    }
    snprintf(dir, sizeof dir, "%s/j", mnt);
    snprintf(filler, sizeof filler, "%s/filler", mnt);
    fd = open(filler, O_WRONLY | O_CREAT, 0644);
    memset(buf, 0xaa, sizeof buf);
    for (pos = 0; pos < (200 << 10); pos += 1000) (void)!write(fd, buf, 1000);
    close(fd);
    o.spare_segments = 1;
    o.keep_free = 0;
    if ((rc = llio_log_open(dir, &o, &l)) != 0) {
        ENOSPC_SAY("open on the small tmpfs: %d", rc);
        return 1;
    }
    for (k = 1; k < 100000; k++) {
        size_t len = gen(0, k, buf, 1000);
        s = llio_log_append(l, buf, len);
        if (s < 0) {
            rc = (int)s;
            break;
        }
        rc = llio_log_wait(l, (uint64_t)s, -1);
        if (rc) break;
        acked = k;
    }
#define ENOSPC_CHECK(c, ...) do { if (!(c) && !fail) { ENOSPC_SAY(__VA_ARGS__); fail = 1; } } while (0)
    ENOSPC_CHECK(rc == LLIO_ENOSPC, "the journal stopped with %d (%s), not LLIO_ENOSPC, after %llu records", rc,
                 llio_strerror(rc), (unsigned long long)acked);
    ENOSPC_CHECK(acked > 100, "only %llu records before the disk was full", (unsigned long long)acked);
    ENOSPC_CHECK(llio_log_append(l, buf, 10) == LLIO_ENOSPC, "an append after the error did not fail");
    ENOSPC_CHECK(llio_log_wait(l, acked, -1) == 0, "an acknowledged record is no longer durable");
    ENOSPC_CHECK(llio_log_close(l) == LLIO_ENOSPC, "close did not report the error");
    /* every acknowledged record is on the full disk, readable without opening the journal */
    memset(&g, 0, sizeof g);
    g.maxlen = 1000;
    rb = read_all(dir, NULL, 0, check_gen, &g);
    ENOSPC_CHECK(rb.err == 0 && rb.bad == 0 && rb.n >= acked && g.last_k[0] >= acked,
                 "after ENOSPC: %llu records read (acknowledged %llu), bad %llu, error %d", (unsigned long long)rb.n,
                 (unsigned long long)acked, (unsigned long long)rb.bad, rb.err);
    /* room again: the journal reopens with them all and goes on */
    unlink(filler);
    rc = llio_log_open(dir, &o, &l);
    ENOSPC_CHECK(rc == 0, "reopen after freeing space: %d", rc);
    if (rc == 0) {
        llio_log_info st;
        llio_log_stats(l, &st);
        ENOSPC_CHECK(st.recovered_records >= acked, "recovered %llu of %llu", (unsigned long long)st.recovered_records,
                     (unsigned long long)acked);
        ENOSPC_CHECK(llio_log_checkpoint(l, st.next_seq) > 0, "checkpoint dropped nothing");
        s = llio_log_append(l, buf, 500);
        ENOSPC_CHECK(s > 0 && llio_log_wait(l, (uint64_t)s, -1) == 0, "append after recovery: %lld",
                     (long long)s);
        ENOSPC_CHECK(llio_log_close(l) == 0, "close after recovery");
    }
    umount2(mnt, MNT_DETACH);
    rmdir(mnt);
    if (!fail) ENOSPC_SAY("%llu records acknowledged before LLIO_ENOSPC, all recovered", (unsigned long long)acked);
    return fail;
#undef ENOSPC_CHECK
#undef ENOSPC_SAY
}

static void enospc_small_tmpfs(void) {
    int pfd[2], st = 0;
    char msg[400];
    ssize_t n, got = 0;
    pid_t pid;
    if (geteuid() != 0) LLT_SKIP("not root: cannot mount a small tmpfs");
    LLT_REQUIRE(pipe(pfd) == 0);
    fflush(stdout);
    pid = fork();
    LLT_REQUIRE(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        _exit(enospc_child(pfd[1]));
    }
    close(pfd[1]);
    while ((n = read(pfd[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0) got += n;
    msg[got] = 0;
    close(pfd[0]);
    LLT_REQUIRE(waitpid(pid, &st, 0) == pid);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 77) LLT_SKIP("%s", msg);
    LLT_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s (status %d)", msg, st);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) printf("  %s\n", msg);
}

/* ---------------- io_uring refused ---------------- */
static void uring_refused_by_seccomp(void) {
    char dir[600];
    int st = 0;
    pid_t pid;
    snprintf(dir, sizeof dir, "%s/sec", g_shm);
    rm_dir(dir);
    fflush(stdout);
    pid = fork();
    LLT_REQUIRE(pid >= 0);
    if (pid == 0) {
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 425, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (uint32_t)EPERM),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog;
        llio_log_options o = small_opts();
        llio_log *l;
        llio_log_info info;
        unsigned char buf[300];
        uint64_t k;
        prog.len = (unsigned short)(sizeof f / sizeof f[0]);
        prog.filter = f;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(20);
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) _exit(21);
        o.flags = LLIO_LOG_AUTOCOMMIT;
        if (llio_log_open(dir, &o, &l) != 0) _exit(22);
        llio_log_stats(l, &info);
        if (info.backend != LLIO_BACKEND_FALLBACK) _exit(23);
        for (k = 1; k <= 3000; k++) {
            size_t len = gen(0, k, buf, sizeof buf);
            if (llio_log_append(l, buf, len) != (int64_t)k) _exit(24);
            if (k % 100 == 0 && llio_log_wait(l, k, -1) != 0) _exit(25);
            if (k % 7 == 0) llio_log_poll(l);
        }
        if (llio_log_close(l) != 0) _exit(26);
        if (read_all(dir, NULL, 0, NULL, NULL).n != 3000) _exit(27);
        _exit(0);
    }
    LLT_REQUIRE(waitpid(pid, &st, 0) == pid);
    LLT_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    rm_dir(dir);
}

/* ---------------- main ---------------- */
static const char *g_running;
static void on_alarm(int sig) {
    char m[300];
    int n = snprintf(m, sizeof m, "FAIL llio_log/%s: no progress in 300 s (hang)\n", g_running ? g_running : "?");
    (void)sig;
    (void)!write(1, m, (size_t)n);
    _exit(1);
}
#define RUN(fn) (g_running = #fn, alarm(300), LLT_RUN(fn))

int main(int argc, char **argv) {
    const char *d = getenv("LLIO_LOG_TEST_DIR");
    LLT_INIT("llio_log", argc, argv);
    signal(SIGALRM, on_alarm);
    snprintf(g_disk, sizeof g_disk, "%s/llio-log-test-%d", d ? d : "build", (int)getpid());
    if (mkdir(g_disk, 0755) != 0) snprintf(g_disk, sizeof g_disk, "/var/tmp/llio-log-test-%d", (int)getpid());
    mkdir(g_disk, 0755);
    snprintf(g_shm, sizeof g_shm, "/dev/shm/llio-log-test-%d", (int)getpid());
    if (mkdir(g_shm, 0755) != 0) snprintf(g_shm, sizeof g_shm, "%s/shm", g_disk);
    mkdir(g_shm, 0755);
    RUN(crc_matches_llcrc);
    RUN(crc_paths_on_disk);
    RUN(roundtrip_tmpfs);
    RUN(roundtrip_disk);
    RUN(roundtrip_sync_backend);
    RUN(roundtrip_autocommit);
    RUN(roundtrip_nosync);
    RUN(roundtrip_prefill);
    RUN(roundtrip_direct);
    RUN(bad_input);
    RUN(foreign_and_damaged);
    RUN(rotation_checkpoint_recycle);
    RUN(empty_segment_between);
    RUN(threads_uring);
    RUN(threads_uring_inflight1);
    RUN(threads_uring_inflight4);
    RUN(threads_sync_backend);
    RUN(threads_disk);
    RUN(backpressure_tiny_buffers);
    RUN(pipelined_autocommit);
    RUN(pipelined_poll);
    RUN(pipelined_poll_sync_backend);
    RUN(wait_timeouts);
    RUN(live_readers);
    RUN(corrupt_any_byte_of_last_batch);
    RUN(truncate_anywhere_in_last_batch);
    RUN(crash_kill9);
    RUN(enospc_small_tmpfs);
    RUN(uring_refused_by_seccomp);
    alarm(0);
    rmdir(g_shm);
    rmdir(g_disk);
    return LLT_FINISH();
}
