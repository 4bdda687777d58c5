/* deltasync.c - bring an old copy of a file up to date with a new one: content-defined chunking (gear
   cut points, FastCDC), a strong hash per chunk (XXH3), and XOR deltas of changed chunks in llcrc's
   compact run-length encoding. Only llcrc.h is needed.

   Model: a sender that knows the receiver's version (a replica it updated before, or a versioned
   store) sends a patch; the receiver rebuilds the new file from its old copy and the patch.
     1. both versions are cut into chunks at content-defined points (llcrc_cdc_next), so an insert or
        delete only disturbs the chunks around it and the cut points re-synchronise after it;
     2. each new chunk whose XXH3 (+ length) matches an old chunk is sent as COPY(old chunk index);
     3. a changed chunk is sent as XOR(base old chunk, delta) when that is smaller - the delta of an
        in-place edit is mostly zero runs and encodes to a few bytes - and as LITERAL bytes otherwise;
        the base is the old chunk after the last matched one, which follows edits, inserts and deletes;
     4. every op carries the new chunk's XXH3, and the patch ends with the new file's CRC32C and length:
        the receiver verifies each rebuilt chunk and the whole file, so a corrupt patch is refused,
        never silently applied.

   Patch format: "LLDS" u32 version | varint new_len | u32 crc32c(new) | varint nchunks | ops...
       op COPY    : 0x01 varint(old_index)                  u64 xxh3
       op XOR     : 0x02 varint(old_index) varint(len) varint(shared_suffix) varint(enc_len) enc... u64 xxh3
       op LITERAL : 0x03 varint(len) bytes...               u64 xxh3

   Usage:
       deltasync                    checked mode: inserts, deletes, in-place edits, appends, identical and
                                    unrelated files, empty files, corrupt patches; byte-identical results
       deltasync bench              64 MiB file: throughput and bytes transferred per kind of change
       deltasync OLD NEW OUT        sync real files: writes OUT rebuilt from OLD + patch, prints sizes
*/
#define LLCRC_IMPLEMENTATION
#define LLBENCH_IMPLEMENTATION
#include "llcrc.h"
#include "bench/llbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DS_MIN 2048u
#define DS_AVG 8192u
#define DS_MAX 65536u

typedef struct ds_chunk {
    uint64_t off, hash;
    uint32_t len, next; /* next: hash-table chain */
} ds_chunk;

typedef struct ds_index {
    ds_chunk *c;
    size_t n;
    uint32_t *heads; /* hash table of chunk indices + 1 */
    size_t mask;
} ds_index;

typedef struct ds_buf {
    unsigned char *p;
    size_t n, cap;
} ds_buf;

static void buf_reserve(ds_buf *b, size_t more) {
    if (b->n + more > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 4096;
        while (nc < b->n + more) nc *= 2;
        b->p = (unsigned char *)realloc(b->p, nc);
        if (!b->p) {
            fprintf(stderr, "deltasync: out of memory\n");
            exit(2);
        }
        b->cap = nc;
    }
}
static void buf_put(ds_buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
}
static void buf_byte(ds_buf *b, unsigned v) {
    unsigned char c = (unsigned char)v;
    buf_put(b, &c, 1);
}
static void buf_varint(ds_buf *b, uint64_t v) {
    unsigned char t[10];
    size_t n = 0;
    do {
        t[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    buf_put(b, t, n);
}
static void buf_u64(ds_buf *b, uint64_t v) {
    unsigned char t[8];
    int i;
    for (i = 0; i < 8; i++) t[i] = (unsigned char)(v >> (8 * i));
    buf_put(b, t, 8);
}

/* reader over a patch: every read is bounds-checked */
typedef struct ds_rd {
    const unsigned char *p;
    size_t n, i;
    int bad;
} ds_rd;
static uint64_t rd_varint(ds_rd *r) {
    uint64_t v = 0;
    unsigned s = 0;
    for (;;) {
        unsigned char c;
        if (r->i >= r->n || s > 63) {
            r->bad = 1;
            return 0;
        }
        c = r->p[r->i++];
        v |= (uint64_t)(c & 0x7f) << s;
        if (!(c & 0x80)) return v;
        s += 7;
    }
}
static uint64_t rd_fixed(ds_rd *r, int bytes) {
    uint64_t v = 0;
    int i;
    if (r->n - r->i < (size_t)bytes || r->i > r->n) {
        r->bad = 1;
        return 0;
    }
    for (i = 0; i < bytes; i++) v |= (uint64_t)r->p[r->i++] << (8 * i);
    return v;
}
static const unsigned char *rd_bytes(ds_rd *r, uint64_t n) {
    const unsigned char *p;
    if (r->i > r->n || n > r->n - r->i) {
        r->bad = 1;
        return NULL;
    }
    p = r->p + r->i;
    r->i += (size_t)n;
    return p;
}

/* cut data into content-defined chunks and hash each one */
static void ds_chunkify(const llcrc_cdc *cdc, const unsigned char *d, size_t n, ds_index *ix) {
    size_t off = 0, cap = n / DS_MIN + 2, i;
    ix->c = (ds_chunk *)malloc(cap * sizeof(ds_chunk));
    ix->n = 0;
    while (off < n) {
        size_t len = llcrc_cdc_next(cdc, d + off, n - off);
        ds_chunk *c = &ix->c[ix->n++];
        c->off = off;
        c->len = (uint32_t)len;
        c->hash = llcrc_xxh3_64(d + off, len, 0);
        off += len;
    }
    ix->mask = 1;
    while (ix->mask < ix->n * 2) ix->mask <<= 1;
    ix->heads = (uint32_t *)calloc(ix->mask, sizeof(uint32_t));
    ix->mask--;
    for (i = 0; i < ix->n; i++) {
        size_t h = (size_t)ix->c[i].hash & ix->mask;
        ix->c[i].next = ix->heads[h];
        ix->heads[h] = (uint32_t)(i + 1);
    }
}
static void ds_index_free(ds_index *ix) {
    free(ix->c);
    free(ix->heads);
}
static long ds_find(const ds_index *ix, uint64_t hash, uint32_t len) {
    uint32_t k = ix->heads[(size_t)hash & ix->mask];
    long found = -1;
    while (k) { /* the chain runs from the highest index down: keep the lowest */
        const ds_chunk *c = &ix->c[k - 1];
        if (c->hash == hash && c->len == len) found = (long)(k - 1);
        k = c->next;
    }
    return found;
}

typedef struct ds_stats {
    size_t copies, xors, literals;
    size_t xor_bytes, literal_bytes; /* new bytes covered by each kind */
} ds_stats;

/* The XOR base of a changed chunk of len bytes from an old chunk b of blen bytes that shares its last
   suf bytes: b's head aligned at the start (up to where the shared suffix begins), zeros in any gap,
   and b's last suf bytes aligned at the end. An edit in place XORs to zeros around it; an insert or a
   delete inside the chunk too, because the part after it is aligned at the end. */
static void ds_base(unsigned char *pad, const unsigned char *b, size_t blen, size_t len, size_t suf) {
    size_t k = (blen < len ? blen : len) - suf;
    memcpy(pad, b, k);
    memset(pad + k, 0, len - suf - k);
    memcpy(pad + len - suf, b + blen - suf, suf);
}

/* sender: the patch that turns old into new */
static void ds_diff(const llcrc_cdc *cdc, const unsigned char *old, size_t old_n, const ds_index *oix,
                    const unsigned char *nw, size_t new_n, ds_buf *out, ds_stats *st) {
    ds_index nix;
    size_t i, base = 0, encap = llcrc_delta_bound(DS_MAX);
    unsigned char *enc = (unsigned char *)malloc(encap), *enc2 = (unsigned char *)malloc(encap);
    unsigned char *pad = (unsigned char *)malloc(DS_MAX);
    (void)old_n;
    memset(st, 0, sizeof *st);
    ds_chunkify(cdc, nw, new_n, &nix);
    buf_put(out, "LLDS\x01\0\0\0", 8); /* magic, u32 version 1 */
    buf_varint(out, new_n);
    {
        uint32_t crc = llcrc_crc32c(0, nw, new_n);
        unsigned char t[4] = {(unsigned char)crc, (unsigned char)(crc >> 8), (unsigned char)(crc >> 16),
                              (unsigned char)(crc >> 24)};
        buf_put(out, t, 4);
    }
    buf_varint(out, nix.n);
    for (i = 0; i < nix.n; i++) {
        const ds_chunk *c = &nix.c[i];
        long m = ds_find(oix, c->hash, c->len);
        if (m >= 0 && memcmp(old + oix->c[m].off, nw + c->off, c->len) == 0) { /* verify: no hash trust */
            buf_byte(out, 1);
            buf_varint(out, (uint64_t)m);
            base = (size_t)m + 1;
            st->copies++;
        } else {
            ptrdiff_t e = -1;
            size_t suf = 0, cand, pick = 0;
            /* XOR against the old chunk at the same place in the sequence (or the one after it, when a
               delete merged two chunks): keep the smaller encoding */
            for (cand = base; cand < oix->n && cand < base + 2; cand++) {
                const ds_chunk *b = &oix->c[cand];
                size_t mn = b->len < c->len ? b->len : c->len, sf = 0;
                ptrdiff_t ee;
                while (sf < mn && old[b->off + b->len - 1 - sf] == nw[c->off + c->len - 1 - sf]) sf++;
                ds_base(pad, old + b->off, b->len, c->len, sf);
                ee = llcrc_delta_encode(cand == base ? enc : enc2, encap, nw + c->off, pad, c->len);
                if (ee >= 0 && (e < 0 || ee < e)) {
                    e = ee;
                    suf = sf;
                    pick = cand;
                }
            }
            if (e >= 0 && pick != base) memcpy(enc, enc2, (size_t)e);
            if (e >= 0 && (size_t)e + 8 < c->len) {
                buf_byte(out, 2);
                buf_varint(out, pick);
                buf_varint(out, c->len);
                buf_varint(out, suf);
                buf_varint(out, (uint64_t)e);
                buf_put(out, enc, (size_t)e);
                st->xors++;
                st->xor_bytes += c->len;
            } else {
                buf_byte(out, 3);
                buf_varint(out, c->len);
                buf_put(out, nw + c->off, c->len);
                st->literals++;
                st->literal_bytes += c->len;
            }
            if (e >= 0 && (size_t)e + 8 < c->len) base = pick + 1;
            else if (base < oix->n) base++;
        }
        buf_u64(out, c->hash);
    }
    ds_index_free(&nix);
    free(enc);
    free(enc2);
    free(pad);
}

/* receiver: rebuild new from old + patch. 0, or -1 for a corrupt or mismatched patch (out unusable) */
static int ds_apply(const unsigned char *old, const ds_index *oix, const unsigned char *patch, size_t patch_n,
                    ds_buf *out) {
    ds_rd r;
    uint64_t new_len, nchunks, i;
    uint32_t crc;
    r.p = patch;
    r.n = patch_n;
    r.i = 0;
    r.bad = 0;
    out->n = 0;
    if (patch_n < 8 || memcmp(patch, "LLDS", 4) != 0) return -1;
    r.i = 4;
    if (rd_fixed(&r, 4) != 1) return -1;
    new_len = rd_varint(&r);
    crc = (uint32_t)rd_fixed(&r, 4);
    nchunks = rd_varint(&r);
    if (r.bad || nchunks > new_len + 1) return -1;
    buf_reserve(out, (size_t)new_len);
    for (i = 0; i < nchunks && !r.bad; i++) {
        size_t start = out->n;
        unsigned op = (unsigned)rd_fixed(&r, 1);
        if (op == 1) {
            uint64_t k = rd_varint(&r);
            if (r.bad || k >= oix->n) return -1;
            buf_put(out, old + oix->c[k].off, oix->c[k].len);
        } else if (op == 2) {
            uint64_t k = rd_varint(&r), len = rd_varint(&r), suf = rd_varint(&r), el = rd_varint(&r);
            const unsigned char *e = rd_bytes(&r, el);
            if (r.bad || k >= oix->n || len > DS_MAX || len > new_len - (uint64_t)out->n) return -1;
            if (suf > len || suf > oix->c[k].len) return -1;
            buf_reserve(out, (size_t)len);
            ds_base(out->p + out->n, old + oix->c[k].off, oix->c[k].len, (size_t)len, (size_t)suf);
            if (llcrc_delta_apply(out->p + out->n, (size_t)len, e, (size_t)el) < 0) return -1;
            out->n += (size_t)len;
        } else if (op == 3) {
            uint64_t len = rd_varint(&r);
            const unsigned char *p = rd_bytes(&r, len);
            if (r.bad || len > new_len - (uint64_t)out->n) return -1;
            buf_put(out, p, (size_t)len);
        } else {
            return -1;
        }
        if (r.bad || out->n > new_len) return -1;
        if (rd_fixed(&r, 8) != llcrc_xxh3_64(out->p + start, out->n - start, 0) || r.bad) return -1;
    }
    if (r.bad || r.i != r.n || out->n != new_len || llcrc_crc32c(0, out->p, out->n) != crc) return -1;
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */

static uint64_t g_rng = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void) {
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

/* a file with some structure: text-like records with random fields */
static void fill(unsigned char *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        char line[96];
        int k = snprintf(line, sizeof line, "id=%llu name=user%llu balance=%llu.%02llu\n",
                         (unsigned long long)(rnd() % 10000000), (unsigned long long)(rnd() % 100000),
                         (unsigned long long)(rnd() % 1000000), (unsigned long long)(rnd() % 100));
        size_t m = (size_t)k < n - i ? (size_t)k : n - i;
        memcpy(p + i, line, m);
        i += m;
    }
}

typedef enum { ED_NONE, ED_INPLACE, ED_INSERT, ED_DELETE, ED_MIXED, ED_APPEND, ED_UNRELATED, ED_EMPTY_NEW } ed_kind;

/* new version of old under one kind of change; returns its length (buffer cap: old_n + 1 MiB) */
static size_t make_new(ed_kind k, const unsigned char *old, size_t old_n, unsigned char *nw, unsigned edits) {
    size_t n = old_n, e;
    memcpy(nw, old, old_n);
    for (e = 0; e < edits; e++) {
        ed_kind kk = k == ED_MIXED ? (ed_kind)(ED_INPLACE + rnd() % 3) : k;
        size_t at = n ? (size_t)(rnd() % n) : 0, len = 1 + (size_t)(rnd() % 600);
        if (kk == ED_INPLACE) {
            size_t j;
            for (j = 0; j < len && at + j < n; j += 1 + (size_t)(rnd() % 16)) nw[at + j] = (unsigned char)rnd();
        } else if (kk == ED_INSERT) {
            size_t j;
            memmove(nw + at + len, nw + at, n - at);
            for (j = 0; j < len; j++) nw[at + j] = (unsigned char)('a' + rnd() % 26);
            n += len;
        } else if (kk == ED_DELETE) {
            if (len > n - at) len = n - at;
            memmove(nw + at, nw + at + len, n - at - len);
            n -= len;
        }
    }
    if (k == ED_APPEND) {
        fill(nw + n, 100000);
        n += 100000;
    }
    if (k == ED_UNRELATED) fill(nw, n);
    if (k == ED_EMPTY_NEW) n = 0;
    return n;
}

static const char *ed_name(ed_kind k) {
    static const char *names[] = {"identical", "in-place edits", "inserts", "deletes", "mixed edits",
                                  "append 100 kB", "unrelated content", "truncate to empty"};
    return names[k];
}

/* one sync: diff, apply, verify byte-identical; returns patch size or -1 */
static long sync_once(const llcrc_cdc *cdc, const unsigned char *old, size_t old_n, const unsigned char *nw,
                      size_t new_n, ds_stats *st, uint64_t *ns_diff, uint64_t *ns_apply) {
    ds_index oix;
    ds_buf patch = {NULL, 0, 0}, out = {NULL, 0, 0};
    uint64_t t0, t1, t2;
    long ret = -1;
    t0 = llb_now_ns();
    ds_chunkify(cdc, old, old_n, &oix); /* the sender's index of the old version */
    ds_diff(cdc, old, old_n, &oix, nw, new_n, &patch, st);
    t1 = llb_now_ns();
    ds_index_free(&oix);
    ds_chunkify(cdc, old, old_n, &oix); /* the receiver cuts its own copy the same way */
    if (ds_apply(old, &oix, patch.p, patch.n, &out) == 0 && out.n == new_n &&
        llcrc_crc32c(0, out.p, out.n) == llcrc_crc32c(0, nw, new_n) && (new_n == 0 || memcmp(out.p, nw, new_n) == 0))
        ret = (long)patch.n;
    t2 = llb_now_ns();
    if (ns_diff) *ns_diff = t1 - t0;
    if (ns_apply) *ns_apply = t2 - t1;
    ds_index_free(&oix);
    free(patch.p);
    free(out.p);
    return ret;
}

static int checked(void) {
    size_t old_n = 2u << 20, new_n;
    unsigned char *old = (unsigned char *)malloc(old_n), *nw = (unsigned char *)malloc(old_n + (1u << 20));
    llcrc_cdc cdc;
    int k, fails = 0;
    if (!old || !nw || llcrc_cdc_init(&cdc, DS_MIN, DS_AVG, DS_MAX) != 0) return 1;
    fill(old, old_n);
    printf("  %-18s %10s %10s %8s  %s\n", "change", "file", "patch", "patch%", "ops (copy/xor/literal)");
    for (k = ED_NONE; k <= ED_EMPTY_NEW; k++) {
        ds_stats st;
        long p;
        new_n = make_new((ed_kind)k, old, old_n, nw, 20);
        p = sync_once(&cdc, old, old_n, nw, new_n, &st, NULL, NULL);
        printf("  %-18s %10zu %10ld %7.2f%%  %zu/%zu/%zu\n", ed_name((ed_kind)k), new_n, p,
               100.0 * (double)p / (double)(new_n ? new_n : 1), st.copies, st.xors, st.literals);
        if (p < 0) {
            printf("  rebuilt file differs for %s\n", ed_name((ed_kind)k));
            fails++;
        }
        if (k == ED_INPLACE && (st.xors == 0 || (size_t)p > new_n / 50)) {
            printf("  in-place edits should travel as small XOR deltas\n");
            fails++;
        }
        if (k == ED_NONE && (size_t)p > new_n / 50) fails++;
    }
    /* from an empty old file, and between tiny files */
    {
        ds_stats st;
        unsigned char a[5] = {1, 2, 3, 4, 5}, b[3] = {9, 9, 9};
        if (sync_once(&cdc, old, 0, old, old_n, &st, NULL, NULL) < 0) fails++, printf("  empty old failed\n");
        if (sync_once(&cdc, a, 5, b, 3, &st, NULL, NULL) < 0) fails++, printf("  tiny files failed\n");
    }
    /* a corrupt patch is refused: flip every byte position class in a real patch, one at a time */
    {
        ds_index oix;
        ds_buf patch = {NULL, 0, 0}, out = {NULL, 0, 0};
        ds_stats st;
        size_t i, refused = 0, tried = 0;
        new_n = make_new(ED_MIXED, old, old_n, nw, 20);
        ds_chunkify(&cdc, old, old_n, &oix);
        ds_diff(&cdc, old, old_n, &oix, nw, new_n, &patch, &st);
        for (i = 0; i < patch.n; i += 1 + patch.n / 3000) {
            int rc;
            patch.p[i] ^= 0x5a;
            rc = ds_apply(old, &oix, patch.p, patch.n, &out);
            patch.p[i] ^= 0x5a;
            tried++;
            if (rc != 0) refused++;
            else if (out.n != new_n || memcmp(out.p, nw, new_n) != 0) {
                printf("  corrupt patch (byte %zu) accepted with wrong output\n", i);
                fails++;
                break;
            }
        }
        for (i = 0; i < patch.n; i += 1 + patch.n / 300) /* truncated patches */
            if (ds_apply(old, &oix, patch.p, i, &out) == 0) {
                printf("  truncated patch (%zu bytes) accepted\n", i);
                fails++;
                break;
            }
        printf("  corrupt patches: %zu of %zu single-byte flips refused, none accepted wrongly\n", refused, tried);
        ds_index_free(&oix);
        free(patch.p);
        free(out.p);
    }
    free(old);
    free(nw);
    printf("%s examples/deltasync\n", fails ? "FAIL" : "PASS");
    return fails ? 1 : 0;
}

static int bench(void) {
    size_t old_n = (llb_quick() ? 16u : 64u) << 20, new_n;
    unsigned char *old = (unsigned char *)malloc(old_n), *nw = (unsigned char *)malloc(old_n + (1u << 20));
    llcrc_cdc cdc;
    llb_table *t;
    int k;
    if (!old || !nw || llcrc_cdc_init(&cdc, DS_MIN, DS_AVG, DS_MAX) != 0) return 1;
    fill(old, old_n);
    t = llb_table_new("deltasync: sync a file (ns/op = diff + apply + verify of the whole file)");
    llb_bytes(t, (double)old_n);
    for (k = ED_NONE; k <= ED_UNRELATED; k++) {
        ds_stats st;
        uint64_t best = UINT64_MAX, d = 0, a = 0, bd = 0, ba = 0;
        long p = 0;
        int rep;
        char name[96];
        new_n = make_new((ed_kind)k, old, old_n, nw, 200);
        for (rep = 0; rep < 3; rep++) {
            p = sync_once(&cdc, old, old_n, nw, new_n, &st, &d, &a);
            if (d + a < best) {
                best = d + a;
                bd = d;
                ba = a;
            }
        }
        snprintf(name, sizeof name, "%s (%s)", ed_name((ed_kind)k), k == ED_NONE || k == ED_APPEND || k == ED_UNRELATED ? "-" : "200 edits");
        llb_add(t, name, (double)best, 0);
        llb_note(t, "patch %ld B = %.3f%% of %zu B; %zu copy / %zu xor / %zu literal; diff %.0f ms, apply+verify %.0f ms%s",
                 p, 100.0 * (double)p / (double)new_n, new_n, st.copies, st.xors, st.literals, (double)bd / 1e6,
                 (double)ba / 1e6, p < 0 ? " MISMATCH" : "");
    }
    llb_print(t);
    llb_table_free(t);
    {
        uint64_t t0 = llb_now_ns();
        size_t off = 0, n = 0;
        uint64_t h = 0;
        while (off < old_n) {
            size_t len = llcrc_cdc_next(&cdc, old + off, old_n - off);
            h ^= llcrc_xxh3_64(old + off, len, 0);
            off += len;
            n++;
        }
        llb_do_not_optimize(h);
        printf("chunk + XXH3 alone: %.2f GB/s (%zu chunks, mean %.0f B; CRC32C path %s)\n",
               (double)old_n / (double)(llb_now_ns() - t0), n, (double)old_n / (double)n, llcrc_path_name(-1));
    }
    free(old);
    free(nw);
    return 0;
}

static unsigned char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    unsigned char *p;
    long len;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = (unsigned char *)malloc(len > 0 ? (size_t)len : 1);
    if (p && len > 0 && fread(p, 1, (size_t)len, f) != (size_t)len) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *n = len > 0 ? (size_t)len : 0;
    return p;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench();
    if (argc == 4) {
        size_t on, nn;
        unsigned char *o = read_file(argv[1], &on), *n = read_file(argv[2], &nn);
        llcrc_cdc cdc;
        ds_index oix;
        ds_buf patch = {NULL, 0, 0}, out = {NULL, 0, 0};
        ds_stats st;
        FILE *f;
        if (!o || !n) {
            fprintf(stderr, "deltasync: cannot read input\n");
            return 1;
        }
        llcrc_cdc_init(&cdc, DS_MIN, DS_AVG, DS_MAX);
        ds_chunkify(&cdc, o, on, &oix);
        ds_diff(&cdc, o, on, &oix, n, nn, &patch, &st);
        if (ds_apply(o, &oix, patch.p, patch.n, &out) != 0 || out.n != nn || (nn && memcmp(out.p, n, nn))) {
            fprintf(stderr, "deltasync: rebuild failed\n");
            return 1;
        }
        f = fopen(argv[3], "wb");
        if (!f || fwrite(out.p, 1, out.n, f) != out.n) return 1;
        fclose(f);
        printf("%s: %zu bytes, patch %zu bytes (%.2f%%), %zu copy / %zu xor / %zu literal chunks\n", argv[3], nn,
               patch.n, 100.0 * (double)patch.n / (double)(nn ? nn : 1), st.copies, st.xors, st.literals);
        return 0;
    }
    return checked();
}
