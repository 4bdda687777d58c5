/* wal.c - a write-ahead log with group commit, built from four ll headers.

   Producer threads append records through an MPSC queue (llq.h). One writer thread takes every record
   that is waiting (up to a batch limit), frames each one with its length and CRC32C (llcrc.h) into an
   arena that is reset per batch (llmem.h), writes the whole batch with ONE vectored write followed by
   ONE fdatasync, linked in one io_uring submission (llio.h; the synchronous fallback when io_uring is
   refused), and only then acknowledges every record of the batch. With two batches in flight
   ("pipelined") it frames and submits the next batch while the previous fdatasync runs; batches are
   still acknowledged strictly in order. Recovery scans the log, stops at the first torn or corrupt
   record and truncates the file there.

   Record on disk (little-endian, 32-byte header + payload):
       u32 len | u32 crc32c(header with crc = 0, payload) | u64 lsn | u32 producer | u32 pad | u64 id
   lsn numbers records 1, 2, 3 ... across the whole log; id numbers one producer's records 1, 2, 3 ...
   The payload of (producer, id) is a pure function of the pair, so a checker can tell a genuine record
   from anything else.

   Usage:
       wal                 checked mode: framing and recovery checks + a short SIGKILL crash loop
       wal crash [ROUNDS]  long crash loop (default 200 rounds; env WAL_ROUNDS also sets the count)
       wal bench           commits/s and commit latency, group commit against one fdatasync per record,
                           on the VM disk (./build) and on tmpfs (/dev/shm)
   Env WAL_DIR overrides the directory of the checked and crash runs (default $TMPDIR or /tmp). */
#define LLCRC_IMPLEMENTATION
#define LLQ_IMPLEMENTATION
/* More threads than cores wait here (8 producers + the writer on 2 CPUs): spinning long before the
   futex sleep steals the CPU from the thread that would wake us. Measured: 4096 spins (the default)
   cut group-commit throughput several-fold on this 2-core VM. */
#define LLQ_SPIN_COUNT 64
#define LLMEM_IMPLEMENTATION
#define LLIO_IMPLEMENTATION
#define LLBENCH_IMPLEMENTATION
#include "llcrc.h"
#include "llq.h"
#include "llmem.h"
#include "llio.h"
#include "bench/llbench.h"

#include <errno.h>
#include <fcntl.h>
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

#define WAL_MAX_PAYLOAD 232u
#define WAL_HDR 32u
#define WAL_MAX_PRODUCERS 16
#define WAL_QCAP 1024u
#define WAL_MAX_BATCH 256u

typedef struct wal_hdr {
    uint32_t len, crc;
    uint64_t lsn;
    uint32_t producer, pad;
    uint64_t id;
} wal_hdr;

/* one queued request (fixed-size queue element) */
typedef struct wal_req {
    uint32_t len, producer;
    uint64_t id;
    unsigned char payload[WAL_MAX_PAYLOAD];
} wal_req;

/* acknowledgements visible to another process (the crash test maps this MAP_SHARED) */
typedef struct wal_shared {
    uint64_t acked[WAL_MAX_PRODUCERS]; /* highest id of producer p known durable */
    uint64_t durable_off;              /* file size covered by the last fdatasync */
    uint64_t batches, records;
} wal_shared;

typedef struct wal {
    int fd;
    uint64_t off, lsn;            /* append offset, last lsn written */
    unsigned max_batch;           /* 1 = one fdatasync per record */
    unsigned max_inflight;        /* batches in flight: 1, or 2 = pipelined group commit */
    llq_mpsc *q;
    llq_waiter qwait;             /* writer sleeps here when the queue is empty */
    llq_waiter ackwait;           /* producers sleep here for their acknowledgement */
    wal_shared *sh;               /* acknowledgements (maybe shared memory) */
    int stop;
    llio_ring ring;               /* the writer thread's */
    int io_error;
} wal;

static unsigned g_ring_flags; /* LLIO_INIT_FALLBACK forces llio's synchronous backend */
static unsigned g_inflight = 2; /* batches in flight: 2 = pipelined group commit, 1 = one at a time */

static uint64_t wal_mix(uint64_t x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* the payload of (producer, id): length 8..WAL_MAX_PAYLOAD, bytes from a seeded generator */
static uint32_t wal_payload(uint32_t producer, uint64_t id, unsigned char *out) {
    uint64_t s = wal_mix(((uint64_t)producer << 48) ^ id ^ 0x5eedull);
    uint32_t len = 8u + (uint32_t)(s % (WAL_MAX_PAYLOAD - 7u)), i;
    for (i = 0; i < len; i++) {
        if ((i & 7u) == 0) s = wal_mix(s + i);
        out[i] = (unsigned char)(s >> (8u * (i & 7u)));
    }
    return len;
}

static uint32_t wal_crc(const wal_hdr *h, const void *payload) {
    wal_hdr t = *h;
    t.crc = 0;
    return llcrc_crc32c(llcrc_crc32c(0, &t, sizeof t), payload, h->len);
}

/* ---------------------------------------------------------------------------------------------- */
/* recovery                                                                                        */

typedef struct wal_scan {
    uint64_t end;                    /* offset just past the last good record */
    uint64_t records, lsn;           /* good records, last lsn */
    uint64_t last_id[WAL_MAX_PRODUCERS];
    uint64_t bad_payload;            /* good CRC but not the payload (producer, id) must have */
    uint64_t out_of_order;           /* id of a producer not exactly previous + 1 */
    uint64_t file_size;
} wal_scan;

/* Scan the log: stop at the first record that is torn, fails its CRC, or breaks the lsn sequence.
   With verify, also check each record's payload and its producer's id sequence. */
static int wal_scan_fd(int fd, wal_scan *s, int verify) {
    struct stat st;
    unsigned char *buf, expect[WAL_MAX_PAYLOAD];
    uint64_t off = 0;
    memset(s, 0, sizeof *s);
    if (fstat(fd, &st) != 0) return -errno;
    s->file_size = (uint64_t)st.st_size;
    buf = (unsigned char *)malloc(s->file_size ? s->file_size : 1);
    if (!buf) return -ENOMEM;
    if (llio_pread_full(fd, buf, s->file_size, 0) != (int64_t)s->file_size) {
        free(buf);
        return -EIO;
    }
    while (off + WAL_HDR <= s->file_size) {
        wal_hdr h;
        memcpy(&h, buf + off, sizeof h);
        if (h.len == 0 || h.len > WAL_MAX_PAYLOAD || off + WAL_HDR + h.len > s->file_size) break;
        if (h.producer >= WAL_MAX_PRODUCERS || h.lsn != s->lsn + 1) break;
        if (wal_crc(&h, buf + off + WAL_HDR) != h.crc) break;
        if (verify) {
            uint32_t n = wal_payload(h.producer, h.id, expect);
            if (n != h.len || memcmp(expect, buf + off + WAL_HDR, n) != 0) s->bad_payload++;
            if (h.id != s->last_id[h.producer] + 1) s->out_of_order++;
        }
        s->last_id[h.producer] = h.id;
        s->lsn = h.lsn;
        s->records++;
        off += WAL_HDR + h.len;
    }
    s->end = off;
    free(buf);
    return 0;
}

/* open (create) the log, scan it, truncate after the last good record, make that durable */
static int wal_recover(const char *path, wal_scan *s, int verify) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), rc;
    if (fd < 0) return -errno;
    rc = wal_scan_fd(fd, s, verify);
    if (rc == 0 && s->end != s->file_size) {
        if (ftruncate(fd, (off_t)s->end) != 0 || fsync(fd) != 0) rc = -errno;
    }
    if (rc != 0) {
        close(fd);
        return rc;
    }
    return fd;
}

/* ---------------------------------------------------------------------------------------------- */
/* the writer                                                                                      */

static bool wal_queue_ready(void *ctx) {
    wal *w = (wal *)ctx;
    return llq_mpsc_size(w->q) != 0 || __atomic_load_n(&w->stop, __ATOMIC_ACQUIRE);
}

/* One batch on its way to the disk: its framed records live in the batch's own arena until the write
   completes; (producer, id) pairs are kept for the acknowledgement. */
typedef struct wal_batch {
    unsigned n, pending;          /* records; completions still expected (writev, fdatasync) */
    int wres, fres;
    uint64_t off, total;          /* file offset and bytes of the batch */
    struct iovec iov[WAL_MAX_BATCH];
    uint32_t producer[WAL_MAX_BATCH];
    uint64_t id[WAL_MAX_BATCH];
    llmem_arena arena;
} wal_batch;

/* frame n records into batch b (lsn, header, CRC32C) at the current end of the log */
static int wal_frame(wal *w, wal_batch *b, const wal_req *reqs, unsigned n) {
    unsigned i;
    llmem_arena_reset(&b->arena);
    b->n = n;
    b->off = w->off;
    b->total = 0;
    for (i = 0; i < n; i++) {
        wal_hdr h;
        unsigned char *f = (unsigned char *)llmem_arena_alloc(&b->arena, WAL_HDR + reqs[i].len, 8);
        if (!f) return -ENOMEM;
        memset(&h, 0, sizeof h);
        h.len = reqs[i].len;
        h.lsn = ++w->lsn;
        h.producer = reqs[i].producer;
        h.id = reqs[i].id;
        h.crc = wal_crc(&h, reqs[i].payload);
        memcpy(f, &h, sizeof h);
        memcpy(f + WAL_HDR, reqs[i].payload, h.len);
        b->iov[i].iov_base = f;
        b->iov[i].iov_len = WAL_HDR + h.len;
        b->total += b->iov[i].iov_len;
        b->producer[i] = reqs[i].producer;
        b->id[i] = reqs[i].id;
    }
    w->off += b->total;
    return 0;
}

/* one writev linked to one fdatasync; user_data = slot * 2 + (0 write, 1 sync) */
static int wal_submit(wal *w, wal_batch *b, unsigned slot) {
    llio_sqe *s;
    if (llio_sq_space(&w->ring) < 2) return -EBUSY; /* never: at most 2 batches = 4 SQEs in flight */
    b->pending = 2;
    b->wres = b->fres = 0;
    s = llio_get_sqe(&w->ring);
    llio_prep_writev(s, w->fd, b->iov, b->n, b->off);
    llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
    llio_sqe_set_data(s, slot * 2u);
    s = llio_get_sqe(&w->ring);
    llio_prep_fsync(s, w->fd, LLIO_FSYNC_DATASYNC);
    llio_sqe_set_data(s, slot * 2u + 1u);
    return llio_submit(&w->ring) < 0 ? -EIO : 0;
}

/* both completions are in: repair a short write synchronously, then acknowledge the batch */
static int wal_finish(wal *w, wal_batch *b) {
    unsigned i;
    if (b->wres < 0) return b->wres;
    if ((uint64_t)b->wres != b->total || b->fres < 0) {
        /* short write (the linked fdatasync was then cancelled) or fsync error: finish synchronously */
        uint64_t done = (uint64_t)b->wres, at = b->off + done;
        if (b->fres < 0 && b->fres != LLIO_ECANCELED) return b->fres;
        i = 0;
        while (i < b->n && done >= b->iov[i].iov_len) done -= b->iov[i++].iov_len;
        if (i < b->n) {
            b->iov[i].iov_base = (char *)b->iov[i].iov_base + done;
            b->iov[i].iov_len -= done;
            if (llio_pwritev_full(w->fd, b->iov + i, (int)(b->n - i), (int64_t)at) < 0) return -EIO;
        }
        if (fdatasync(w->fd) != 0) return -errno;
    }
    /* durable: acknowledge. Batches finish in order, and the queue keeps each producer's records in
       order, so "highest id of producer p" says everything before it is durable too. */
    for (i = 0; i < b->n; i++) __atomic_store_n(&w->sh->acked[b->producer[i]], b->id[i], __ATOMIC_RELEASE);
    __atomic_store_n(&w->sh->durable_off, b->off + b->total, __ATOMIC_RELEASE);
    __atomic_store_n(&w->sh->batches, w->sh->batches + 1, __ATOMIC_RELAXED);
    __atomic_store_n(&w->sh->records, w->sh->records + b->n, __ATOMIC_RELAXED);
    llq_notify(&w->ackwait);
    return 0;
}

/* The writer: frame what is queued, submit it, and - with max_inflight 2 - frame and submit the next
   batch while the previous fdatasync is still running (pipelined group commit; its fdatasync covers
   both). Batches are acknowledged strictly in order. */
static int wal_writer_loop(wal *w, wal_req *reqs, wal_batch *bs) {
    unsigned head = 0, inflight = 0;
    int rc;
    for (;;) {
        /* 1. start a batch if a slot is free and records wait */
        if (inflight < w->max_inflight) {
            size_t n = llq_mpsc_pop_n(w->q, reqs, w->max_batch);
            if (n) {
                unsigned slot = (head + inflight) % 2u;
                if ((rc = wal_frame(w, &bs[slot], reqs, (unsigned)n)) != 0) return rc;
                if ((rc = wal_submit(w, &bs[slot], slot)) != 0) return rc;
                inflight++;
                continue;
            }
        }
        if (inflight == 0) {
            if (__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) && llq_mpsc_size(w->q) == 0) return 0;
            llq_wait(&w->qwait, wal_queue_ready, w, 100000000);
            continue;
        }
        /* 2. collect completions: block when nothing else can be done, else poll briefly */
        {
            llio_cqe *c = llio_peek_cqe(&w->ring);
            if (!c) {
                int64_t t = (inflight < w->max_inflight) ? 20000 : -1; /* 20 us: look at the queue again */
                rc = llio_wait(&w->ring, 1, t);
                if (rc < 0 && rc != LLIO_ETIME) return rc;
                continue;
            }
            {
                wal_batch *b = &bs[(c->user_data >> 1) & 1u];
                if (c->user_data & 1u) b->fres = c->res;
                else b->wres = c->res;
                b->pending--;
                llio_cqe_seen(&w->ring, c);
            }
        }
        /* 3. acknowledge finished batches, oldest first */
        while (inflight && bs[head].pending == 0) {
            if ((rc = wal_finish(w, &bs[head])) != 0) return rc;
            head = (head + 1) % 2u;
            inflight--;
        }
    }
}

static void *wal_writer(void *arg) {
    wal *w = (wal *)arg;
    wal_req *reqs = (wal_req *)malloc(WAL_MAX_BATCH * sizeof(wal_req));
    wal_batch *bs = (wal_batch *)calloc(2, sizeof(wal_batch));
    size_t chunk = (size_t)WAL_MAX_BATCH * (WAL_HDR + WAL_MAX_PAYLOAD + 8u) + 4096u;
    int rc = -ENOMEM;
    /* the ring belongs to the thread that submits (io_uring SINGLE_ISSUER): create it here */
    if (reqs && bs && llmem_arena_init_os(&bs[0].arena, chunk, 0) == 0) {
        if (llmem_arena_init_os(&bs[1].arena, chunk, 0) == 0) {
            rc = llio_init(&w->ring, 8, g_ring_flags);
            if (rc == 0) {
                rc = wal_writer_loop(w, reqs, bs);
                llio_destroy(&w->ring);
            }
            llmem_arena_destroy(&bs[1].arena);
        }
        llmem_arena_destroy(&bs[0].arena);
    }
    if (rc != 0) {
        fprintf(stderr, "wal: writer failed: %s\n", strerror(-rc));
        __atomic_store_n(&w->io_error, 1, __ATOMIC_RELEASE);
        __atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
        llq_notify(&w->ackwait);
    }
    free(reqs);
    free(bs);
    return NULL;
}

static int wal_open(wal *w, int fd, uint64_t off, uint64_t lsn, unsigned max_batch, wal_shared *sh) {
    size_t ms = llq_mpsc_memsize(WAL_QCAP, sizeof(wal_req));
    int rc;
    memset(w, 0, sizeof *w);
    w->fd = fd;
    w->off = off;
    w->lsn = lsn;
    w->max_batch = max_batch;
    w->sh = sh;
    w->q = (llq_mpsc *)llmem_aligned_alloc(ms, 128);
    if (!w->q) return -ENOMEM;
    rc = llq_mpsc_init(w->q, ms, WAL_QCAP, sizeof(wal_req));
    if (rc) return rc;
    llq_waiter_init(&w->qwait);
    llq_waiter_init(&w->ackwait);
    w->max_inflight = g_inflight;
    return 0;
}

static void wal_close(wal *w) {
    llmem_aligned_free(w->q);
}

/* producer side: enqueue one record, then wait until it is durable */
typedef struct wal_ack_ctx {
    wal *w;
    uint32_t producer;
    uint64_t id;
} wal_ack_ctx;

static bool wal_acked(void *ctx) {
    wal_ack_ctx *a = (wal_ack_ctx *)ctx;
    return __atomic_load_n(&a->w->sh->acked[a->producer], __ATOMIC_ACQUIRE) >= a->id ||
           __atomic_load_n(&a->w->io_error, __ATOMIC_ACQUIRE);
}

static int wal_append_sync(wal *w, uint32_t producer, uint64_t id) {
    wal_req r;
    wal_ack_ctx a;
    r.producer = producer;
    r.id = id;
    r.len = wal_payload(producer, id, r.payload);
    while (!llq_mpsc_push(w->q, &r)) {
        if (__atomic_load_n(&w->io_error, __ATOMIC_ACQUIRE)) return -EIO;
        sched_yield();
    }
    llq_notify(&w->qwait);
    a.w = w;
    a.producer = producer;
    a.id = id;
    while (!wal_acked(&a)) llq_wait(&w->ackwait, wal_acked, &a, 100000000);
    return __atomic_load_n(&w->io_error, __ATOMIC_ACQUIRE) ? -EIO : 0;
}

typedef struct wal_producer {
    wal *w;
    uint32_t index;
    uint64_t first_id, count;   /* count 0 = until stop */
    uint64_t done;
    uint64_t *lat;              /* commit latencies (ns), capacity lat_cap */
    size_t lat_n, lat_cap;
    volatile int *stop;
    int err;
} wal_producer;

static void *wal_producer_main(void *arg) {
    wal_producer *p = (wal_producer *)arg;
    uint64_t id = p->first_id;
    while ((p->count == 0 || p->done < p->count) && !*p->stop) {
        uint64_t t0 = llb_now_ns();
        if (wal_append_sync(p->w, p->index, id) != 0) {
            p->err = 1;
            break;
        }
        if (p->lat_n < p->lat_cap) p->lat[p->lat_n++] = llb_now_ns() - t0;
        id++;
        p->done++;
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------------- */
/* checked mode                                                                                    */

static int g_fail;
#define CHECK(cond, ...)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("  check failed (%s:%d): %s: ", __FILE__, __LINE__, #cond);                    \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            g_fail++;                                                                              \
        }                                                                                          \
    } while (0)

static char g_dir[512];

static void wal_path(char *out, size_t cap, const char *dir, const char *name) {
    snprintf(out, cap, "%s/ll-wal-%ld-%s.log", dir, (long)getpid(), name);
}

/* run `producers` threads, each appending `count` records synchronously, through one writer */
static int wal_run(const char *path, unsigned producers, uint64_t count, unsigned max_batch, wal_shared *sh,
                   wal_producer *ps, double seconds, uint64_t *elapsed_ns) {
    wal w;
    wal_scan sc;
    pthread_t wt, pt[WAL_MAX_PRODUCERS];
    volatile int stop = 0;
    unsigned i;
    uint64_t t0;
    int fd = wal_recover(path, &sc, 0), rc;
    if (fd < 0) {
        fprintf(stderr, "wal: recovery of %s failed: %s\n", path, strerror(-fd));
        return fd;
    }
    rc = wal_open(&w, fd, sc.end, sc.lsn, max_batch, sh);
    if (rc) {
        fprintf(stderr, "wal: setup failed: %d (%s)\n", rc, strerror(-rc));
        close(fd);
        return rc;
    }
    pthread_create(&wt, NULL, wal_writer, &w);
    t0 = llb_now_ns();
    for (i = 0; i < producers; i++) {
        ps[i].w = &w;
        ps[i].index = i;
        ps[i].first_id = sc.last_id[i] + 1;
        ps[i].count = count;
        ps[i].stop = &stop;
        pthread_create(&pt[i], NULL, wal_producer_main, &ps[i]);
    }
    if (seconds > 0) {
        struct timespec ts;
        ts.tv_sec = (time_t)seconds;
        ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
        nanosleep(&ts, NULL);
        stop = 1;
    }
    for (i = 0; i < producers; i++) pthread_join(pt[i], NULL);
    if (elapsed_ns) *elapsed_ns = llb_now_ns() - t0;
    __atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
    llq_notify(&w.qwait);
    pthread_join(wt, NULL);
    rc = w.io_error ? -EIO : 0;
    wal_close(&w);
    close(fd);
    return rc;
}

static void test_roundtrip_and_recovery(const char *name) {
    char path[600];
    wal_shared sh;
    wal_producer ps[4];
    wal_scan sc;
    unsigned i;
    int fd, before = g_fail;
    uint64_t end_good, size;
    wal_path(path, sizeof path, g_dir, "rt");
    unlink(path);
    memset(&sh, 0, sizeof sh);
    memset(ps, 0, sizeof ps);
    CHECK(wal_run(path, 4, 300, WAL_MAX_BATCH, &sh, ps, 0, NULL) == 0, "run");
    fd = open(path, O_RDWR);
    CHECK(fd >= 0, "open");
    CHECK(wal_scan_fd(fd, &sc, 1) == 0, "scan");
    CHECK(sc.records == 1200, "records %llu", (unsigned long long)sc.records);
    CHECK(sc.end == sc.file_size, "clean log ends at the file end");
    CHECK(sc.bad_payload == 0 && sc.out_of_order == 0, "bad %llu order %llu", (unsigned long long)sc.bad_payload,
          (unsigned long long)sc.out_of_order);
    for (i = 0; i < 4; i++) CHECK(sc.last_id[i] == 300 && sh.acked[i] == 300, "producer %u", i);
    CHECK(sh.batches < sh.records, "group commit batched: %llu batches for %llu records",
          (unsigned long long)sh.batches, (unsigned long long)sh.records);
    printf("  %llu records in %llu batches (%.1f per fdatasync)\n", (unsigned long long)sh.records,
           (unsigned long long)sh.batches, (double)sh.records / (double)(sh.batches ? sh.batches : 1));
    size = sc.file_size;
    /* a corrupt byte inside record k: recovery keeps exactly the records before k */
    {
        wal_scan s2;
        uint64_t off = 0, k = 0, cut = 0;
        unsigned char b;
        unsigned char hb[WAL_HDR];
        while (off < size) { /* find record 700 */
            wal_hdr h;
            llio_pread_full(fd, hb, WAL_HDR, (int64_t)off);
            memcpy(&h, hb, sizeof h);
            if (k == 700) {
                cut = off;
                break;
            }
            off += WAL_HDR + h.len;
            k++;
        }
        llio_pread_full(fd, &b, 1, (int64_t)(cut + WAL_HDR + 3));
        b ^= 0x10;
        llio_pwrite_full(fd, &b, 1, (int64_t)(cut + WAL_HDR + 3));
        close(fd);
        fd = wal_recover(path, &s2, 1);
        CHECK(fd >= 0, "recover");
        CHECK(s2.records == 700 && s2.end == cut, "kept %llu records, end %llu (cut %llu)",
              (unsigned long long)s2.records, (unsigned long long)s2.end, (unsigned long long)cut);
        CHECK(s2.bad_payload == 0, "no corrupt record accepted");
        end_good = s2.end;
        {
            struct stat st;
            fstat(fd, &st);
            CHECK((uint64_t)st.st_size == end_good, "truncated to %llu", (unsigned long long)st.st_size);
        }
        /* a torn tail: half a header, then a full header whose payload is missing */
        {
            unsigned char junk[WAL_HDR + 10];
            wal_hdr h;
            memset(&h, 0, sizeof h);
            h.len = 100;
            h.lsn = s2.lsn + 1;
            memcpy(junk, &h, sizeof h);
            memset(junk + WAL_HDR, 0xab, 10);
            llio_pwrite_full(fd, junk, sizeof junk, (int64_t)end_good);
            close(fd);
            fd = wal_recover(path, &s2, 1);
            CHECK(fd >= 0 && s2.end == end_good && s2.records == 700, "torn tail dropped");
            llio_pwrite_full(fd, junk, 13, (int64_t)end_good);
            close(fd);
            fd = wal_recover(path, &s2, 1);
            CHECK(fd >= 0 && s2.end == end_good && s2.records == 700, "half header dropped");
        }
        /* appending after recovery continues the sequence */
        close(fd);
        memset(&sh, 0, sizeof sh);
        memset(ps, 0, sizeof ps);
        CHECK(wal_run(path, 4, 50, WAL_MAX_BATCH, &sh, ps, 0, NULL) == 0, "run after recovery");
        fd = open(path, O_RDONLY);
        wal_scan_fd(fd, &s2, 1);
        CHECK(s2.records == 900 && s2.end == s2.file_size && s2.bad_payload == 0 && s2.out_of_order == 0,
              "after recovery: %llu records", (unsigned long long)s2.records);
    }
    close(fd);
    unlink(path);
    printf("%s examples/%s\n", g_fail == before ? "PASS" : "FAIL", name);
}

/* The crash loop: a child process runs 4 producers + the writer on one log until it is SIGKILLed at a
   random moment; it reports acknowledgements through a MAP_SHARED page, only after fdatasync. The parent
   then checks the log: every acknowledged record present, in order, intact, nothing corrupt accepted.
   Every other round the parent also simulates a power cut on top: the bytes after the last fdatasync are
   cut at a random length and a random stretch of them overwritten with garbage (torn sectors). */
static void test_crash_loop(unsigned rounds) {
    char path[600];
    wal_shared *sh = (wal_shared *)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint64_t seed = wal_mix((uint64_t)time(NULL) ^ (uint64_t)getpid()), total_acked = 0;
    unsigned r, torn = 0;
    int before = g_fail;
    if (sh == MAP_FAILED) {
        CHECK(0, "mmap");
        return;
    }
    memset(sh, 0, sizeof *sh);
    wal_path(path, sizeof path, g_dir, "crash");
    unlink(path);
    for (r = 0; r < rounds && g_fail == before; r++) {
        pid_t pid;
        int status, fd, p;
        wal_scan sc;
        struct timespec ts;
        uint64_t ms;
        fflush(stdout);
        g_inflight = (r & 2) ? 1u : 2u; /* rounds alternate: pipelined commit, one batch at a time */
        pid = fork();
        if (pid == 0) {
            wal_producer ps[4];
            memset(ps, 0, sizeof ps);
            wal_run(path, 4, 0, WAL_MAX_BATCH, sh, ps, 3600, NULL);
            _exit(0);
        }
        seed = wal_mix(seed + r);
        ms = r + 1 == rounds ? 150 : 5 + seed % 120; /* the last round surely gets commits through */
        ts.tv_sec = 0;
        ts.tv_nsec = (long)(ms * 1000000);
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        fd = open(path, O_RDWR);
        CHECK(fd >= 0, "open after kill");
        if (fd < 0) break;
        CHECK(wal_scan_fd(fd, &sc, 1) == 0, "scan");
        CHECK(sc.bad_payload == 0, "round %u: %llu corrupt records accepted", r, (unsigned long long)sc.bad_payload);
        CHECK(sc.out_of_order == 0, "round %u: %llu out of order", r, (unsigned long long)sc.out_of_order);
        for (p = 0; p < 4; p++)
            CHECK(sc.last_id[p] >= sh->acked[p], "round %u producer %d: acked %llu, log has %llu", r, p,
                  (unsigned long long)sh->acked[p], (unsigned long long)sc.last_id[p]);
        total_acked = 0;
        for (p = 0; p < 4; p++) total_acked += sh->acked[p];
        if ((r & 1) && sc.file_size > sh->durable_off) {
            /* power cut: lose a random part of what was never fdatasync'ed, tear a sector */
            uint64_t span = sc.file_size - sh->durable_off;
            uint64_t keep = sh->durable_off + wal_mix(seed ^ 1) % (span + 1);
            if (ftruncate(fd, (off_t)keep) == 0 && keep > sh->durable_off) {
                unsigned char junk[512];
                uint64_t at = sh->durable_off + wal_mix(seed ^ 2) % (keep - sh->durable_off);
                uint64_t n = keep - at < sizeof junk ? keep - at : sizeof junk;
                unsigned i;
                for (i = 0; i < n; i++) junk[i] = (unsigned char)wal_mix(seed + i);
                llio_pwrite_full(fd, junk, n, (int64_t)at);
            }
            torn++;
        }
        close(fd);
    }
    g_inflight = 2;
    /* the last recovery must also hold everything */
    {
        wal_scan sc;
        int fd = wal_recover(path, &sc, 1), p;
        CHECK(fd >= 0, "final recovery");
        if (fd >= 0) {
            CHECK(sc.bad_payload == 0 && sc.out_of_order == 0, "final scan");
            CHECK(rounds == 0 || total_acked > 0, "the children made progress");
            for (p = 0; p < 4; p++) CHECK(sc.last_id[p] >= sh->acked[p], "final producer %d", p);
            printf("  %u rounds (%u with a simulated power cut): %llu records acknowledged, %llu in the log\n", r,
                   torn, (unsigned long long)total_acked, (unsigned long long)sc.records);
            close(fd);
        }
    }
    unlink(path);
    munmap(sh, 4096);
    printf("%s examples/wal-crash\n", g_fail == before ? "PASS" : "FAIL");
}

/* ---------------------------------------------------------------------------------------------- */
/* benchmark                                                                                       */

/* one configuration of the benchmark */
typedef struct wal_cfg {
    unsigned producers, max_batch, inflight, ring_flags;
    const char *what;
} wal_cfg;

typedef struct wal_sample {
    double cps, p50, p99, per_sync; /* commits/s, latency (ns), records per fdatasync */
} wal_sample;

static int bench_one(const char *dir, const wal_cfg *c, double seconds, wal_sample *out) {
    char path[600];
    wal_shared sh;
    wal_producer ps[WAL_MAX_PRODUCERS];
    uint64_t *lat, elapsed = 0, commits = 0;
    size_t cap = 2000000, n = 0;
    unsigned i;
    double p999, mx;
    int rc;
    wal_path(path, sizeof path, dir, "bench");
    unlink(path);
    memset(&sh, 0, sizeof sh);
    memset(ps, 0, sizeof ps);
    lat = (uint64_t *)malloc(cap * sizeof *lat);
    if (!lat) return -ENOMEM;
    for (i = 0; i < c->producers; i++) {
        ps[i].lat = lat + i * (cap / c->producers);
        ps[i].lat_cap = cap / c->producers;
    }
    g_inflight = c->inflight;
    g_ring_flags = c->ring_flags;
    rc = wal_run(path, c->producers, 0, c->max_batch, &sh, ps, seconds, &elapsed);
    g_inflight = 2;
    g_ring_flags = 0;
    unlink(path);
    if (rc != 0) {
        free(lat);
        return rc;
    }
    for (i = 0; i < c->producers; i++) {
        memmove(lat + n, ps[i].lat, ps[i].lat_n * sizeof *lat);
        n += ps[i].lat_n;
        commits += ps[i].done;
    }
    llb_percentiles(lat, n, &out->p50, &out->p99, &p999, &mx);
    out->cps = (double)commits * 1e9 / (double)elapsed;
    out->per_sync = (double)sh.records / (double)(sh.batches ? sh.batches : 1);
    free(lat);
    return 0;
}

static int wal_cmp_sample(const void *a, const void *b) {
    double x = ((const wal_sample *)a)->cps, y = ((const wal_sample *)b)->cps;
    return x < y ? -1 : x > y;
}

/* Every configuration runs ROUNDS times, interleaved (the VM's disk is shared and drifts); each row is
   the run with the median commits/s, and the note gives the range. */
static int bench_main(void) {
    enum { NCFG = 5, ROUNDS = 3 };
    static const wal_cfg cfgs[NCFG] = {
        {8, 1, 1, 0, "fdatasync per record, 8 prod."},
        {8, WAL_MAX_BATCH, 1, 0, "group commit, 8 prod."},
        {8, WAL_MAX_BATCH, 2, 0, "pipelined group commit, 8 prod."},
        {8, WAL_MAX_BATCH, 2, LLIO_INIT_FALLBACK, "pipelined, 8 prod., sync fallback"},
        {1, WAL_MAX_BATCH, 1, 0, "group commit, 1 prod."},
    };
    const char *dirs[2] = {"build", "/dev/shm"};
    const char *labels[2] = {"VM disk", "tmpfs"};
    double secs = llb_quick() ? 0.5 : 2.0;
    int d;
    llio_ring probe;
    if (llio_init(&probe, 8, 0) == 0) {
        printf("llio backend: %s\n\n", llio_backend_name(&probe));
        llio_destroy(&probe);
    }
    for (d = 0; d < 2; d++) {
        wal_sample smp[NCFG][ROUNDS];
        char title[160];
        llb_table *t;
        int c, r;
        mkdir(dirs[d], 0755);
        memset(smp, 0, sizeof smp);
        for (r = 0; r < ROUNDS; r++)
            for (c = 0; c < NCFG; c++)
                if (bench_one(dirs[d], &cfgs[c], secs, &smp[c][r]) != 0) printf("wal bench: run failed in %s\n", dirs[d]);
        snprintf(title, sizeof title, "wal: commit cost on %s (%s); ns/op = wall time per commit, median of %d runs",
                 labels[d], dirs[d], ROUNDS);
        t = llb_table_new(title);
        for (c = 0; c < NCFG; c++) {
            char name[96];
            wal_sample *m;
            qsort(smp[c], ROUNDS, sizeof(wal_sample), wal_cmp_sample);
            m = &smp[c][ROUNDS / 2];
            snprintf(name, sizeof name, "%s: %s", labels[d], cfgs[c].what);
            llb_add(t, name, m->cps > 0 ? 1e9 / m->cps : 0, 0);
            llb_note(t, "%.0f commits/s (%.0f..%.0f), p50 %.0f us, p99 %.0f us, %.1f rec/fdatasync", m->cps, smp[c][0].cps,
                     smp[c][ROUNDS - 1].cps, m->p50 / 1e3, m->p99 / 1e3, m->per_sync);
        }
        llb_print(t);
        if (smp[0][ROUNDS / 2].cps > 0)
            printf("commits/s against one fdatasync per record on %s: group commit %.2fx, pipelined %.2fx, "
                   "pipelined on the sync fallback %.2fx\n\n",
                   dirs[d], smp[1][ROUNDS / 2].cps / smp[0][ROUNDS / 2].cps, smp[2][ROUNDS / 2].cps / smp[0][ROUNDS / 2].cps,
                   smp[3][ROUNDS / 2].cps / smp[0][ROUNDS / 2].cps);
        llb_table_free(t);
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = getenv("WAL_DIR");
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!dir) dir = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s", dir ? dir : "/tmp");
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench_main();
    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        const char *e = getenv("WAL_ROUNDS");
        unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : e ? (unsigned)atoi(e) : 200;
        test_crash_loop(rounds);
        return g_fail ? 1 : 0;
    }
    {
        llio_ring probe;
        if (llio_init(&probe, 8, 0) == 0) {
            printf("  llio backend: %s\n", llio_backend_name(&probe));
            llio_destroy(&probe);
        }
    }
    test_roundtrip_and_recovery("wal-recovery");
    g_inflight = 1; /* one batch at a time */
    test_roundtrip_and_recovery("wal-recovery-one-batch-in-flight");
    g_inflight = 2;
    g_ring_flags = LLIO_INIT_FALLBACK; /* the same through llio's synchronous fallback backend */
    test_roundtrip_and_recovery("wal-recovery-sync-fallback");
    g_ring_flags = 0;
    test_crash_loop(getenv("WAL_ROUNDS") ? (unsigned)atoi(getenv("WAL_ROUNDS")) : 10);
    return g_fail ? 1 : 0;
}
