/* pmemlog.c - a persistent append-only log on llpmem.h, and its recovery checked by llpmem's crash
   simulator at every flush point.

   The log lives in a mapped file: DAX persistent memory when the file system offers it (MAP_SYNC: stores
   are made durable with cache-line write-back + fence, no system call), an ordinary page-cache file
   otherwise (durable with msync). The code is the same; llpmem_persist picks the mechanism.

   Layout: a 64-byte header (magic, version, capacity, CRC32C of the header), then records from offset 64,
   each 8-byte aligned:  u32 len | u32 crc | u64 seq | payload.  crc = CRC32C(len, seq, payload) seeded
   with the previous record's crc: the records form a chain, so a stale record left behind a recovered
   tail can never be taken for a new one. An append copies the record into the mapping and persists it
   (one llpmem_persist); it is acknowledged once that returns. Recovery walks the chain from the start and
   stops at the first record that is torn (bad CRC), out of sequence or out of bounds; it then clears the
   header at that point (persisted) so the end of the log is explicit.

   Checked mode (built with -DLLPMEM_CRASH_SIM): a hook runs after every flush event of the simulator.
   At each event it takes three crash images - only drained lines (DURABLE), a seeded random mix of
   durable / written-back / current lines per dirty cache line (RANDOM), and everything (ALL) - runs the
   recovery on each, and checks: every acknowledged record is there, in order, intact; at most the one
   record in flight beyond them; nothing else accepted. Every 37 appends the process also "crashes and
   reboots in place" (llpmem_sim_crash, RANDOM), recovers and carries on appending. Both llpmem paths
   are exercised: msync (a /dev/shm file) and cache-line write-back (the same file forced to pmem).

   Usage:
       pmemlog          checked mode (needs a -DLLPMEM_CRASH_SIM build; the Makefile builds it so)
       pmemlog bench    append latency and rate (needs a build without LLPMEM_CRASH_SIM:
                        build/examples/pmemlog-bench); on tmpfs, the VM disk, and forced pmem */
#define LLPMEM_IMPLEMENTATION
#define LLCRC_IMPLEMENTATION
#define LLBENCH_IMPLEMENTATION
#include "llpmem.h"
#include "llcrc.h"
#include "bench/llbench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PL_MAGIC 0x474f4c4d454d504cull /* "LPMEMLOG" */
#define PL_HDR 64u
#define PL_REC 16u
#define PL_MAX_PAYLOAD 4096u

typedef struct pl_header {
    uint64_t magic;
    uint32_t version, hdr_crc;
    uint64_t capacity;
    unsigned char pad[40];
} pl_header;

typedef struct pl_rec {
    uint32_t len, crc;
    uint64_t seq;
} pl_rec;

typedef struct pmemlog {
    unsigned char *base;
    uint64_t cap;       /* mapping length */
    uint64_t tail;      /* offset of the next record */
    uint64_t seq;       /* last sequence number */
    uint32_t last_crc;  /* crc of the last record (chain seed) */
} pmemlog;

static uint64_t pl_align8(uint64_t x) { return (x + 7u) & ~(uint64_t)7u; }

static uint32_t pl_rec_crc(uint32_t prev, uint32_t len, uint64_t seq, const void *payload) {
    unsigned char t[12];
    memcpy(t, &len, 4);
    memcpy(t + 4, &seq, 8);
    return llcrc_crc32c(llcrc_crc32c(prev, t, sizeof t), payload, len);
}

static uint32_t pl_hdr_crc(const pl_header *h) {
    pl_header t = *h;
    t.hdr_crc = 0;
    return llcrc_crc32c(0, &t, sizeof t);
}

/* Walk the chain over any bytes (the live mapping or a crash image); fills l's tail/seq/last_crc.
   visit (optional) sees each good record. Returns 0, or -1 when the header itself is not valid. */
typedef void (*pl_visit)(void *ctx, uint64_t seq, const unsigned char *p, uint32_t len);
static int pl_scan(const unsigned char *base, uint64_t cap, pmemlog *l, pl_visit visit, void *ctx) {
    pl_header h;
    uint64_t off = PL_HDR;
    memcpy(&h, base, sizeof h);
    if (h.magic != PL_MAGIC || h.version != 1 || h.capacity != cap || pl_hdr_crc(&h) != h.hdr_crc) return -1;
    l->base = (unsigned char *)(uintptr_t)base;
    l->cap = cap;
    l->seq = 0;
    l->last_crc = 0;
    while (off + PL_REC <= cap) {
        pl_rec r;
        memcpy(&r, base + off, sizeof r);
        if (r.len == 0 || r.len > PL_MAX_PAYLOAD || r.len > cap - off - PL_REC) break;
        if (r.seq != l->seq + 1) break;
        if (pl_rec_crc(l->last_crc, r.len, r.seq, base + off + PL_REC) != r.crc) break;
        if (visit) visit(ctx, r.seq, base + off + PL_REC, r.len);
        l->seq = r.seq;
        l->last_crc = r.crc;
        off = pl_align8(off + PL_REC + r.len);
    }
    l->tail = off;
    return 0;
}

/* format a fresh log in the mapping */
static int pl_format(unsigned char *base, uint64_t cap) {
    pl_header h;
    int rc;
    memset(&h, 0, sizeof h);
    h.magic = PL_MAGIC;
    h.version = 1;
    h.capacity = cap;
    h.hdr_crc = pl_hdr_crc(&h);
    memset(base + PL_HDR, 0, PL_REC);
    rc = llpmem_persist(base + PL_HDR, PL_REC);
    if (rc) return rc;
    return llpmem_memcpy_persist(base, &h, sizeof h);
}

/* recover in place: scan, then clear the record header at the tail so the end is explicit */
static int pl_recover(pmemlog *l, unsigned char *base, uint64_t cap) {
    static const unsigned char zero[PL_REC] = {0};
    if (pl_scan(base, cap, l, NULL, NULL) != 0) return -EINVAL;
    if (l->tail + PL_REC <= cap && memcmp(base + l->tail, zero, PL_REC) != 0)
        return llpmem_memcpy_persist(base + l->tail, zero, PL_REC);
    return 0;
}

/* append: 0 once the record is durable; -ENOSPC when full */
static int pl_append(pmemlog *l, const void *payload, uint32_t len) {
    pl_rec r;
    unsigned char *p;
    uint64_t end;
    int rc;
    if (len == 0 || len > PL_MAX_PAYLOAD) return -EINVAL;
    end = pl_align8(l->tail + PL_REC + len);
    if (end > l->cap) return -ENOSPC;
    p = l->base + l->tail;
    r.len = len;
    r.seq = l->seq + 1;
    r.crc = pl_rec_crc(l->last_crc, len, r.seq, payload);
    memcpy(p, &r, sizeof r);
    memcpy(p + PL_REC, payload, len);
    if (end + PL_REC <= l->cap) memset(l->base + end, 0, PL_REC); /* an explicit end after it */
    rc = llpmem_persist(p, (size_t)(end + PL_REC <= l->cap ? end + PL_REC : end) - (size_t)l->tail);
    if (rc) return rc;
    l->tail = end;
    l->seq = r.seq;
    l->last_crc = r.crc;
    return 0;
}

/* the payload of record seq: 1..300 bytes from a seeded generator */
static __attribute__((unused)) uint32_t pl_payload(uint64_t seq, unsigned char *out) {
    uint64_t s = seq * 0x9E3779B97F4A7C15ull + 12345u;
    uint32_t len = 1u + (uint32_t)((s >> 32) % 300u), i;
    for (i = 0; i < len; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        out[i] = (unsigned char)s;
    }
    return len;
}

#ifdef LLPMEM_CRASH_SIM
/* ---------------------------------------------------------------------------------------------- */
/* checked mode: recovery at every flush point                                                     */

typedef struct sim_ctx {
    llpmem_region *r;
    unsigned char *img;
    uint64_t cap;
    uint64_t acked;      /* appends that returned 0 */
    uint64_t started;    /* appends begun (acked or acked + 1) */
    uint64_t checks, events, failures;
    uint64_t beyond;     /* images that held the in-flight record too */
    int enabled;
} sim_ctx;

typedef struct verify_ctx {
    uint64_t bad;
} verify_ctx;

static void pl_verify_rec(void *ctx, uint64_t seq, const unsigned char *p, uint32_t len) {
    unsigned char want[PL_MAX_PAYLOAD];
    uint32_t n = pl_payload(seq, want);
    if (n != len || memcmp(want, p, n) != 0) ((verify_ctx *)ctx)->bad++;
}

static void sim_check_image(sim_ctx *s, unsigned mode, uint64_t seed, uint64_t ev) {
    pmemlog l;
    verify_ctx v = {0};
    if (llpmem_sim_crash_image(s->r, s->img, mode, seed) != 0) {
        s->failures++;
        return;
    }
    s->checks++;
    if (pl_scan(s->img, s->cap, &l, pl_verify_rec, &v) != 0) {
        if (s->failures++ < 5) printf("  event %llu mode %u: header lost\n", (unsigned long long)ev, mode);
        return;
    }
    if (v.bad || l.seq < s->acked || l.seq > s->started) {
        if (s->failures++ < 5)
            printf("  event %llu mode %u: recovered %llu records (acked %llu, started %llu), %llu bad\n",
                   (unsigned long long)ev, mode, (unsigned long long)l.seq, (unsigned long long)s->acked,
                   (unsigned long long)s->started, (unsigned long long)v.bad);
    }
    if (l.seq > s->acked) s->beyond++;
}

static void sim_hook(void *ctx, uint64_t event) {
    sim_ctx *s = (sim_ctx *)ctx;
    if (!s->enabled) return;
    s->events++;
    sim_check_image(s, LLPMEM_SIM_DURABLE, 0, event);
    sim_check_image(s, LLPMEM_SIM_RANDOM, event * 2654435761u, event);
    sim_check_image(s, LLPMEM_SIM_ALL, 0, event);
}

static int sim_run(const char *path, int force_pmem, uint64_t appends) {
    llpmem_region *r = NULL;
    sim_ctx s;
    pmemlog l;
    uint64_t cap = 256u * 1024u, i, reboots = 0;
    unsigned char buf[PL_MAX_PAYLOAD];
    int rc;
    unlink(path);
    rc = llpmem_open(path, cap, LLPMEM_CREATE | (force_pmem ? LLPMEM_FORCE : 0u), 0644, &r);
    if (rc) {
        printf("  llpmem_open(%s): %s\n", path, llpmem_strerror(rc));
        return 1;
    }
    memset(&s, 0, sizeof s);
    s.r = r;
    s.cap = cap;
    s.img = (unsigned char *)malloc(cap);
    if (!s.img) return 1;
    if (pl_format((unsigned char *)llpmem_addr(r), cap) != 0 || pl_recover(&l, (unsigned char *)llpmem_addr(r), cap) != 0) {
        printf("  format failed\n");
        return 1;
    }
    llpmem_sim_set_hook(sim_hook, &s);
    s.enabled = 1;
    for (i = 0; i < appends; i++) {
        uint32_t n = pl_payload(l.seq + 1, buf);
        s.started = l.seq + 1;
        rc = pl_append(&l, buf, n);
        if (rc == -ENOSPC) break;
        if (rc) {
            printf("  append: %d\n", rc);
            s.failures++;
            break;
        }
        s.acked = l.seq;
        if (i % 37 == 36) { /* power cut now; reboot; recover; carry on */
            s.enabled = 0;
            llpmem_sim_crash(r, LLPMEM_SIM_RANDOM, i);
            if (pl_recover(&l, (unsigned char *)llpmem_addr(r), cap) != 0 || l.seq != s.acked) {
                printf("  reboot %llu: recovered %llu, acked %llu\n", (unsigned long long)reboots,
                       (unsigned long long)l.seq, (unsigned long long)s.acked);
                s.failures++;
            }
            reboots++;
            s.enabled = 1;
        }
    }
    s.enabled = 0;
    llpmem_sim_set_hook(NULL, NULL);
    {
        verify_ctx v = {0};
        pmemlog l2;
        pl_scan((unsigned char *)llpmem_addr(r), cap, &l2, pl_verify_rec, &v);
        if (v.bad || l2.seq != s.acked) s.failures++;
    }
    printf("  %-38s %s: %llu appends, %llu flush events, %llu crash images recovered (%llu held the in-flight "
           "record), %llu reboots, %llu failures\n",
           force_pmem ? "forced pmem (cache-line write-back):" : "page-cache file (msync):",
           llpmem_kind_name(llpmem_region_kind(r)), (unsigned long long)s.acked, (unsigned long long)s.events,
           (unsigned long long)s.checks, (unsigned long long)s.beyond, (unsigned long long)reboots,
           (unsigned long long)s.failures);
    free(s.img);
    llpmem_close(r);
    unlink(path);
    return s.failures ? 1 : 0;
}

static int checked(void) {
    char path[256];
    int fails = 0;
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    /* the torn-record rules on a plain buffer first: a flipped byte ends the chain right there */
    {
        unsigned char *mem = (unsigned char *)calloc(1, 65536);
        llpmem_region *r = NULL;
        pmemlog l;
        unsigned char buf[PL_MAX_PAYLOAD];
        uint64_t k, off30 = 0;
        if (!mem || llpmem_attach(mem, 65536, LLPMEM_PMEM, &r) != 0) return 1;
        pl_format(mem, 65536);
        pl_recover(&l, mem, 65536);
        for (k = 1; k <= 60; k++) {
            if (k == 30) off30 = l.tail;
            pl_append(&l, buf, pl_payload(k, buf));
        }
        mem[off30 + PL_REC + 1] ^= 1;
        pl_recover(&l, mem, 65536);
        if (l.seq != 29 || l.tail != off30) fails++, printf("  flipped byte: recovered %llu\n", (unsigned long long)l.seq);
        /* the chain: re-append 30..35 with different payloads; stale 36.. must not come back */
        for (k = 30; k <= 35; k++) {
            memset(buf, (int)k, 7);
            pl_append(&l, buf, 7);
        }
        pl_scan(mem, 65536, &l, NULL, NULL);
        if (l.seq != 35) fails++, printf("  stale records resurrected: %llu\n", (unsigned long long)l.seq);
        llpmem_close(r);
        free(mem);
        printf("%s examples/pmemlog-torn-and-stale\n", fails ? "FAIL" : "PASS");
    }
    {
        uint64_t n = getenv("EXAMPLES_SANITIZER") ? 120 : 400;
        int f;
        snprintf(path, sizeof path, "%s/ll-pmemlog-%ld.log", dir, (long)getpid());
        f = sim_run(path, 0, n);
        f += sim_run(path, 1, n);
        printf("%s examples/pmemlog-crash-sim\n", f ? "FAIL" : "PASS");
        fails += f;
    }
    return fails ? 1 : 0;
}
#endif

/* ---------------------------------------------------------------------------------------------- */
/* bench                                                                                           */

static int bench(void) {
#ifdef LLPMEM_CRASH_SIM
    printf("pmemlog: this build has the crash simulator; run build/examples/pmemlog-bench\n");
    return 0;
#else
    static const struct { const char *dir, *label; int force; } where[] = {
        {"/dev/shm", "tmpfs file, msync", 0},
        {"build", "VM disk file, msync", 0},
        {"/dev/shm", "forced pmem: clwb + sfence on DRAM", 1},
    };
    static const uint32_t sizes[] = {64, 256, 1024};
    llb_table *t = llb_table_new("pmemlog: durable append (ns/op = median append latency)");
    unsigned w, z;
    unsigned char buf[PL_MAX_PAYLOAD];
    memset(buf, 0x5a, sizeof buf);
    for (w = 0; w < sizeof where / sizeof where[0]; w++) {
        for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            char path[256], name[96];
            llpmem_region *r = NULL;
            pmemlog l;
            uint64_t cap = 64u << 20, n = 0, max = llb_quick() ? 2000 : 20000, *lat;
            double p50, p99, p999, mx;
            uint64_t t0;
            snprintf(path, sizeof path, "%s/ll-pmemlog-bench-%ld.log", where[w].dir, (long)getpid());
            unlink(path);
            if (llpmem_open(path, cap, LLPMEM_CREATE | LLPMEM_PREWARM | (where[w].force ? LLPMEM_FORCE : 0u), 0644, &r)) {
                printf("skipped: %s (cannot map %s)\n", where[w].label, path);
                continue;
            }
            if (where[w].force) max *= 20;
            lat = (uint64_t *)malloc(max * sizeof *lat);
            memset(&l, 0, sizeof l);
            if (!lat || pl_format((unsigned char *)llpmem_addr(r), cap) != 0 ||
                pl_recover(&l, (unsigned char *)llpmem_addr(r), cap) != 0) {
                printf("pmemlog: setup failed in %s\n", where[w].dir);
                free(lat);
                llpmem_close(r);
                continue;
            }
            t0 = llb_now_ns();
            while (n < max && (n & 63 || llb_now_ns() - t0 < (llb_quick() ? 500000000u : 2000000000u))) {
                uint64_t a = llb_now_ns();
                if (pl_append(&l, buf, sizes[z]) != 0) break;
                lat[n++] = llb_now_ns() - a;
            }
            t0 = llb_now_ns() - t0;
            llb_percentiles(lat, n, &p50, &p99, &p999, &mx);
            snprintf(name, sizeof name, "%s, %u B", where[w].label, sizes[z]);
            llb_add(t, name, p50, 0);
            llb_note(t, "%.0f appends/s, p99 %.0f ns, p99.9 %.0f ns (%s)", (double)n * 1e9 / (double)t0, p99, p999,
                     llpmem_kind_name(llpmem_region_kind(r)));
            free(lat);
            llpmem_close(r);
            unlink(path);
        }
    }
    llb_print(t);
    llb_table_free(t);
    printf("flush instruction: %s; no DAX device on this VM, so the forced rows show the cost of the instruction\n"
           "path on DRAM, not of real persistent memory.\n", llpmem_flush_name(llpmem_get_flush()));
    return 0;
#endif
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench();
#ifdef LLPMEM_CRASH_SIM
    return checked();
#else
    printf("SKIP examples/pmemlog: checked mode needs a -DLLPMEM_CRASH_SIM build\n");
    return 0;
#endif
}
