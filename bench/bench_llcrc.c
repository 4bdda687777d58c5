/* bench/bench_llcrc.c - llcrc.h against ISA-L (crc32_iscsi, crc32_gzip_refl), zlib (crc32, adler32,
   crc32_combine), libxxhash (XXH32, XXH64, XXH3_64bits_withSeed) and an AVX-512 read-sum of the same
   buffer (the memory/cache limit). Anchors are compiled in only when found (LLB_HAVE_ISAL/ZLIB/XXHASH).
   Run: make bench BENCH=crc   (or build/bench_llcrc [filter]: tables whose title contains filter) */
#define LLCRC_IMPLEMENTATION
#include "llcrc.h"
#define LLBENCH_IMPLEMENTATION
#include "llbench.h"

#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef LLB_HAVE_ISAL
#include <isa-l.h>
#endif
#ifdef LLB_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef LLB_HAVE_XXHASH
#include <xxhash.h>
#endif

typedef struct ctx {
    const unsigned char *p;
    unsigned char *d;
    size_t n;
    uint64_t acc;
} ctx;

/* ---- one-shot calls on the same buffer (independent) and seeded with the last result (chain) ---- */
#define BENCH_FN(name, expr)                                                                          \
    static void name(void *vc, uint64_t iters) {                                                     \
        ctx *c = (ctx *)vc;                                                                           \
        const unsigned char *p = c->p;                                                                \
        size_t n = c->n;                                                                              \
        uint64_t i, r = 0;                                                                            \
        for (i = 0; i < iters; i++) {                                                                 \
            r = (expr);                                                                               \
            llb_do_not_optimize(r);                                                                   \
        }                                                                                             \
        c->acc += r;                                                                                  \
    }
#define BENCH_CHAIN(name, expr)                                                                       \
    static void name(void *vc, uint64_t iters) {                                                     \
        ctx *c = (ctx *)vc;                                                                           \
        const unsigned char *p = c->p;                                                                \
        size_t n = c->n;                                                                              \
        uint64_t i, r = c->acc;                                                                       \
        for (i = 0; i < iters; i++) r = (expr);                                                       \
        c->acc = r;                                                                                   \
    }

BENCH_FN(b_crc32c, llcrc_crc32c(0, p, n))
BENCH_FN(b_crc32, llcrc_crc32(0, p, n))
BENCH_FN(b_adler, llcrc_adler32(1, p, n))
BENCH_FN(b_xxh3, llcrc_xxh3_64(p, n, 7))
BENCH_FN(b_xxh64, llcrc_xxh64(p, n, 7))
BENCH_FN(b_xxh32, llcrc_xxh32(p, n, 7))
BENCH_CHAIN(c_crc32c, llcrc_crc32c((uint32_t)r, p, n))
BENCH_CHAIN(c_crc32, llcrc_crc32((uint32_t)r, p, n))
BENCH_CHAIN(c_adler, llcrc_adler32((uint32_t)r & 0x7fff7fffu, p, n))
BENCH_CHAIN(c_xxh3, llcrc_xxh3_64(p, n, r))
BENCH_CHAIN(c_xxh64, llcrc_xxh64(p, n, r))
BENCH_CHAIN(c_xxh32, llcrc_xxh32(p, n, (uint32_t)r))
BENCH_FN(b_nvme, llcrc_crc64_nvme(0, p, n))
BENCH_FN(b_xz, llcrc_crc64_xz(0, p, n))
BENCH_FN(b_ecma, llcrc_crc64_ecma182(0, p, n))
BENCH_FN(b_goiso, llcrc_crc64_goiso(0, p, n))
BENCH_FN(b_t10, llcrc_crc16_t10dif(0, p, n))
BENCH_FN(b_bz, llcrc_crc32_bzip2(0, p, n))
BENCH_FN(b_x128, llcrc_xxh3_128(p, n, 7).lo)
BENCH_CHAIN(c_xz, llcrc_crc64_xz(r, p, n))
BENCH_CHAIN(c_t10, llcrc_crc16_t10dif((uint16_t)r, p, n))
BENCH_CHAIN(c_x128, llcrc_xxh3_128(p, n, r).lo)
#ifdef LLB_HAVE_ISAL
BENCH_FN(b_isal_xz, crc64_ecma_refl(0, p, n))
BENCH_FN(b_isal_ecma, crc64_ecma_norm(~0ull, p, n))
BENCH_FN(b_isal_goiso, crc64_iso_refl(0, p, n))
BENCH_FN(b_isal_t10, crc16_t10dif(0, p, n))
BENCH_FN(b_isal_bz, crc32_ieee(0, p, n))
BENCH_CHAIN(c_isal_xz, crc64_ecma_refl(r, p, n))
BENCH_CHAIN(c_isal_t10, crc16_t10dif((uint16_t)r, p, n))
#endif
#ifdef LLB_HAVE_XXHASH
BENCH_FN(b_X128, XXH3_128bits_withSeed(p, n, 7).low64)
BENCH_CHAIN(c_X128, XXH3_128bits_withSeed(p, n, r).low64)
#endif
#ifdef LLB_HAVE_ISAL
BENCH_FN(b_isal_iscsi, crc32_iscsi((unsigned char *)p, (int)n, 0xffffffffu))
BENCH_FN(b_isal_gzip, crc32_gzip_refl(0, p, n))
BENCH_CHAIN(c_isal_iscsi, crc32_iscsi((unsigned char *)p, (int)n, (uint32_t)r))
BENCH_CHAIN(c_isal_gzip, crc32_gzip_refl((uint32_t)r, p, n))
#endif
#ifdef LLB_HAVE_ZLIB
BENCH_FN(b_zcrc, crc32(0, p, (uInt)n))
BENCH_FN(b_zadler, adler32(1, p, (uInt)n))
BENCH_CHAIN(c_zcrc, crc32((uLong)r, p, (uInt)n))
BENCH_CHAIN(c_zadler, adler32((uLong)r & 0x7fff7fffu, p, (uInt)n))
#endif
#ifdef LLB_HAVE_XXHASH
BENCH_FN(b_XXH3, XXH3_64bits_withSeed(p, n, 7))
BENCH_FN(b_XXH64, XXH64(p, n, 7))
BENCH_FN(b_XXH32, XXH32(p, n, 7))
BENCH_CHAIN(c_XXH3, XXH3_64bits_withSeed(p, n, r))
BENCH_CHAIN(c_XXH64, XXH64(p, n, r))
BENCH_CHAIN(c_XXH32, XXH32(p, n, (uint32_t)r))
#endif

/* the physical limit: a read of the same buffer in the widest registers the CPU has (AVX-512, else
   AVX2), summed so nothing can be skipped */
__attribute__((target("avx512f"))) static uint64_t readsum512(const unsigned char *p, size_t n) {
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    size_t i = 0;
    for (; i + 256 <= n; i += 256) {
        a0 = _mm512_add_epi64(a0, _mm512_loadu_si512(p + i));
        a1 = _mm512_add_epi64(a1, _mm512_loadu_si512(p + i + 64));
        a2 = _mm512_add_epi64(a2, _mm512_loadu_si512(p + i + 128));
        a3 = _mm512_add_epi64(a3, _mm512_loadu_si512(p + i + 192));
    }
    for (; i + 64 <= n; i += 64) a0 = _mm512_add_epi64(a0, _mm512_loadu_si512(p + i));
    a0 = _mm512_add_epi64(_mm512_add_epi64(a0, a1), _mm512_add_epi64(a2, a3));
    return (uint64_t)_mm512_reduce_add_epi64(a0);
}
__attribute__((target("avx2"))) static uint64_t readsum256(const unsigned char *p, size_t n) {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    size_t i = 0;
    uint64_t t[4];
    for (; i + 128 <= n; i += 128) {
        a0 = _mm256_add_epi64(a0, _mm256_loadu_si256((const __m256i *)(p + i)));
        a1 = _mm256_add_epi64(a1, _mm256_loadu_si256((const __m256i *)(p + i + 32)));
        a2 = _mm256_add_epi64(a2, _mm256_loadu_si256((const __m256i *)(p + i + 64)));
        a3 = _mm256_add_epi64(a3, _mm256_loadu_si256((const __m256i *)(p + i + 96)));
    }
    for (; i + 32 <= n; i += 32) a0 = _mm256_add_epi64(a0, _mm256_loadu_si256((const __m256i *)(p + i)));
    a0 = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
    _mm256_storeu_si256((__m256i *)t, a0);
    return t[0] + t[1] + t[2] + t[3];
}
static int g_avx512;
static uint64_t readsum(const unsigned char *p, size_t n) { return g_avx512 ? readsum512(p, n) : readsum256(p, n); }
BENCH_FN(b_readsum, readsum(p, n))

/* plain XOR loop in the widest registers (the reference for llcrc_xor) */
__attribute__((target("avx512f"))) static void plainxor512(unsigned char *d, const unsigned char *a,
                                                           const unsigned char *b, size_t n) {
    size_t i;
    for (i = 0; i + 64 <= n; i += 64)
        _mm512_storeu_si512(d + i, _mm512_xor_si512(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i)));
}
__attribute__((target("avx2"))) static void plainxor256(unsigned char *d, const unsigned char *a,
                                                        const unsigned char *b, size_t n) {
    size_t i;
    for (i = 0; i + 32 <= n; i += 32)
        _mm256_storeu_si256((__m256i *)(d + i), _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(a + i)),
                                                                 _mm256_loadu_si256((const __m256i *)(b + i))));
}
static void plainxor(unsigned char *d, const unsigned char *a, const unsigned char *b, size_t n) {
    if (g_avx512) plainxor512(d, a, b, n);
    else plainxor256(d, a, b, n);
}
static void b_xor(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        llcrc_xor(c->d, c->p, c->p + c->n, c->n);
        llb_clobber();
    }
}
static void b_plainxor(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        plainxor(c->d, c->p, c->p + c->n, c->n);
        llb_clobber();
    }
}

/* ---- combine: lengths cycle through a table of 64 values from 1 B to 1 GiB ---- */
static uint64_t comb_len[64];
static void b_comb32c(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    uint32_t r = 1;
    for (i = 0; i < iters; i++) r = llcrc_crc32c_combine(r, 0x12345678u, comb_len[i & 63]);
    c->acc += r;
}
static void b_comb32(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    uint32_t r = 1;
    for (i = 0; i < iters; i++) r = llcrc_crc32_combine(r, 0x12345678u, comb_len[i & 63]);
    c->acc += r;
}
#ifdef LLB_HAVE_ZLIB
static void b_zcomb(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    uLong r = 1;
    for (i = 0; i < iters; i++) r = crc32_combine64(r, 0x12345678u, (z_off64_t)comb_len[i & 63]);
    c->acc += r;
}
#endif
static void b_comb32_4k(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    uint32_t r = 1;
    for (i = 0; i < iters; i++) r = llcrc_crc32_combine(r, 0x12345678u, 4096);
    c->acc += r;
}
#ifdef LLB_HAVE_ZLIB
static void b_zcomb_4k(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    uLong r = 1;
    for (i = 0; i < iters; i++) r = crc32_combine(r, 0x12345678u, 4096);
    c->acc += r;
}
#endif

/* ---- gear CDC: llcrc_cdc_next vs the textbook byte-at-a-time FastCDC loop, same masks/table ---- */
static llcrc_cdc g_cdc;
static uint64_t g_gear[256];
static size_t cdc_byteloop(const llcrc_cdc *c, const unsigned char *p, size_t len) {
    size_t n, normal, i;
    uint64_t h = 0;
    if (len <= c->min) return len;
    n = len < c->max ? len : c->max;
    normal = c->avg < n ? c->avg : n;
    for (i = c->min; i < normal; i++) {
        h = (h << 1) + g_gear[p[i]];
        if (!(h & c->mask_s)) return i + 1;
    }
    for (; i < n; i++) {
        h = (h << 1) + g_gear[p[i]];
        if (!(h & c->mask_l)) return i + 1;
    }
    return n;
}
static void b_cdc(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i, chunks = 0;
    for (i = 0; i < iters; i++) {
        size_t pos = 0;
        while (pos < c->n) {
            pos += llcrc_cdc_next(&g_cdc, c->p + pos, c->n - pos);
            chunks++;
        }
    }
    c->acc += chunks;
}
static void b_cdc_byte(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i, chunks = 0;
    for (i = 0; i < iters; i++) {
        size_t pos = 0;
        while (pos < c->n) {
            pos += cdc_byteloop(&g_cdc, c->p + pos, c->n - pos);
            chunks++;
        }
    }
    c->acc += chunks;
}
static void b_delta_enc(void *vc, uint64_t iters) {
    ctx *c = (ctx *)vc;
    uint64_t i;
    for (i = 0; i < iters; i++) {
        ptrdiff_t e = llcrc_delta_encode(c->d, llcrc_delta_bound(c->n), c->p, c->p + c->n, c->n);
        llb_do_not_optimize(e);
    }
}


static const char *g_filter;
static int want(const char *title) { return !g_filter || strstr(title, g_filter) != NULL; }

static double gbps(double bytes, double ns) { return ns > 0 ? bytes / ns : 0; }

typedef struct sumrow {
    size_t n;
    double ll_c, isal_c, ll_z, isal_z, zlib_z, ll_a, zlib_a, ll_x3, x3, ll_x64, x64, ll_x32, x32, rs;
} sumrow;

/* an anchor's row, noted with how many times faster llcrc's row (ns `ours`) is; returns its ns */
__attribute__((unused)) static double anchor_row(llb_table *t, const char *name, llb_fn f, void *c,
                                                  double ours) {
    double v = llb_run(t, name, f, c);
    llb_note(t, "llcrc %.2fx", v / ours);
    return v;
}
/* an anchor's independent-call and chained rows against llcrc's (ns a and b) */
__attribute__((unused)) static void anchor_pair(llb_table *t, const char *who, const char *name, llb_fn indep,
                                                llb_fn chain, void *c, double a, double b) {
    char chained[96];
    snprintf(chained, sizeof chained, "%s chain", name);
    llb_note(t, "%s/llcrc indep %.2fx", who, llb_run(t, name, indep, c) / a);
    llb_note(t, "%s/llcrc chain %.2fx", who, llb_run(t, chained, chain, c) / b);
}

static void size_label(size_t n, char *buf, size_t cap) {
    if (n >= (1u << 20)) snprintf(buf, cap, "%zu MiB", n >> 20);
    else if (n >= 1024) snprintf(buf, cap, "%zu KiB", n >> 10);
    else snprintf(buf, cap, "%zu B", n);
}

int main(int argc, char **argv) {
    static const size_t sizes[] = {64, 256, 4096, 65536, 1u << 20, 256u << 20};
    enum { NS = sizeof sizes / sizeof sizes[0] };
    size_t big = (256u << 20) + 4096, i, si;
    unsigned char *buf = NULL, *dst = NULL;
    sumrow sum[NS];
    ctx c;
    int quick = llb_quick();
    llb_print_cpu();
    g_filter = argc > 1 ? argv[1] : NULL;
    g_avx512 = __builtin_cpu_supports("avx512f");
    if (posix_memalign((void **)&buf, 4096, big) || posix_memalign((void **)&dst, 4096, (4u << 20) + 4096)) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (i = 0; i < big; i++) buf[i] = (unsigned char)(i * 2654435761u >> 13);
    memset(sum, 0, sizeof sum);
    printf("llcrc path: %s; anchors:%s%s%s\n\n", llcrc_path_name(LLCRC_PATH_AUTO),
#ifdef LLB_HAVE_ISAL
           " isa-l",
#else
           " (isa-l skipped: not installed)",
#endif
#ifdef LLB_HAVE_ZLIB
           " zlib",
#else
           " (zlib skipped: not installed)",
#endif
#ifdef LLB_HAVE_XXHASH
           " xxhash"
#else
           " (xxhash skipped: not installed)"
#endif
    );
    /* cross-check once: every anchor computes the same value as llcrc on this buffer */
    {
        size_t n = 100003;
        int ok = 1;
#ifdef LLB_HAVE_ISAL
        ok &= llcrc_crc32c(0, buf, n) == ~crc32_iscsi(buf, (int)n, 0xffffffffu);
        ok &= llcrc_crc32c(0x1234u, buf, n) == ~crc32_iscsi(buf, (int)n, ~0x1234u);
        ok &= llcrc_crc32(0, buf, n) == crc32_gzip_refl(0, buf, n);
#endif
#ifdef LLB_HAVE_ZLIB
        ok &= llcrc_crc32(0, buf, n) == crc32(0, buf, (uInt)n);
        ok &= llcrc_adler32(1, buf, n) == adler32(1, buf, (uInt)n);
        ok &= llcrc_crc32_combine(5, 7, 123456789) == crc32_combine64(5, 7, 123456789);
#endif
#ifdef LLB_HAVE_XXHASH
        ok &= llcrc_xxh3_64(buf, n, 7) == XXH3_64bits_withSeed(buf, n, 7);
        ok &= llcrc_xxh64(buf, n, 7) == XXH64(buf, n, 7);
        ok &= llcrc_xxh32(buf, n, 7) == XXH32(buf, n, 7);
#endif
        printf("cross-check against the anchors (crc32_iscsi as ~crc32_iscsi(buf, n, ~crc)): %s\n\n",
               ok ? "all equal" : "MISMATCH");
        if (!ok) return 1;
    }

    /* ---- throughput per size ---- */
    for (si = 0; si < NS; si++) {
        size_t n = sizes[si];
        char title[128], lab[32];
        llb_table *t;
        sumrow *s = &sum[si];
        if (quick && n > (1u << 20)) continue;
        size_label(n, lab, sizeof lab);
        snprintf(title, sizeof title, "throughput, %s buffer (independent calls)", lab);
        if (!want(title)) continue;
        s->n = n;
        c.p = buf;
        c.n = n;
        c.d = dst;
        c.acc = 0;
        t = llb_table_new(title);
        llb_bytes(t, (double)n);
        s->rs = llb_run(t, g_avx512 ? "AVX-512 read-sum (limit)" : "AVX2 read-sum (limit)", b_readsum, &c);
        s->ll_c = llb_run(t, "llcrc_crc32c", b_crc32c, &c);
#ifdef LLB_HAVE_ISAL
        s->isal_c = anchor_row(t, "ISA-L crc32_iscsi", b_isal_iscsi, &c, s->ll_c);
#endif
        s->ll_z = llb_run(t, "llcrc_crc32", b_crc32, &c);
#ifdef LLB_HAVE_ISAL
        s->isal_z = anchor_row(t, "ISA-L crc32_gzip_refl", b_isal_gzip, &c, s->ll_z);
#endif
#ifdef LLB_HAVE_ZLIB
        s->zlib_z = anchor_row(t, "zlib crc32", b_zcrc, &c, s->ll_z);
#endif
        s->ll_a = llb_run(t, "llcrc_adler32", b_adler, &c);
#ifdef LLB_HAVE_ZLIB
        s->zlib_a = anchor_row(t, "zlib adler32", b_zadler, &c, s->ll_a);
#endif
        s->ll_x3 = llb_run(t, "llcrc_xxh3_64", b_xxh3, &c);
#ifdef LLB_HAVE_XXHASH
        s->x3 = anchor_row(t, "XXH3_64bits_withSeed", b_XXH3, &c, s->ll_x3);
#endif
        s->ll_x64 = llb_run(t, "llcrc_xxh64", b_xxh64, &c);
#ifdef LLB_HAVE_XXHASH
        s->x64 = anchor_row(t, "XXH64", b_XXH64, &c, s->ll_x64);
#endif
        s->ll_x32 = llb_run(t, "llcrc_xxh32", b_xxh32, &c);
#ifdef LLB_HAVE_XXHASH
        s->x32 = anchor_row(t, "XXH32", b_XXH32, &c, s->ll_x32);
#endif
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- small inputs: ns per call, independent vs dependent chain ---- */
    {
        static const size_t sm[] = {64, 256};
        size_t k;
        for (k = 0; k < 2; k++) {
            char title[128];
            llb_table *t;
            double a, b;
            snprintf(title, sizeof title, "ns per call at %zu B: independent calls and dependent chain", sm[k]);
            if (!want(title)) continue;
            c.p = buf;
            c.n = sm[k];
            c.acc = 0;
            t = llb_table_new(title);
            a = llb_run(t, "llcrc_crc32c", b_crc32c, &c);
            b = llb_run(t, "llcrc_crc32c chain", c_crc32c, &c);
#ifdef LLB_HAVE_ISAL
            anchor_pair(t, "ISA-L", "ISA-L crc32_iscsi", b_isal_iscsi, c_isal_iscsi, &c, a, b);
#endif
            a = llb_run(t, "llcrc_crc32", b_crc32, &c);
            b = llb_run(t, "llcrc_crc32 chain", c_crc32, &c);
#ifdef LLB_HAVE_ISAL
            anchor_pair(t, "ISA-L", "ISA-L crc32_gzip_refl", b_isal_gzip, c_isal_gzip, &c, a, b);
#endif
#ifdef LLB_HAVE_ZLIB
            anchor_pair(t, "zlib", "zlib crc32", b_zcrc, c_zcrc, &c, a, b);
#endif
            a = llb_run(t, "llcrc_adler32", b_adler, &c);
            b = llb_run(t, "llcrc_adler32 chain", c_adler, &c);
#ifdef LLB_HAVE_ZLIB
            anchor_pair(t, "zlib", "zlib adler32", b_zadler, c_zadler, &c, a, b);
#endif
            a = llb_run(t, "llcrc_xxh3_64", b_xxh3, &c);
            b = llb_run(t, "llcrc_xxh3_64 chain", c_xxh3, &c);
#ifdef LLB_HAVE_XXHASH
            anchor_pair(t, "XXH", "XXH3_64bits_withSeed", b_XXH3, c_XXH3, &c, a, b);
#endif
            a = llb_run(t, "llcrc_xxh64", b_xxh64, &c);
            b = llb_run(t, "llcrc_xxh64 chain", c_xxh64, &c);
#ifdef LLB_HAVE_XXHASH
            anchor_pair(t, "XXH", "XXH64", b_XXH64, c_XXH64, &c, a, b);
#endif
            a = llb_run(t, "llcrc_xxh32", b_xxh32, &c);
            b = llb_run(t, "llcrc_xxh32 chain", c_xxh32, &c);
#ifdef LLB_HAVE_XXHASH
            anchor_pair(t, "XXH", "XXH32", b_XXH32, c_XXH32, &c, a, b);
#endif
            llb_print(t);
            llb_table_free(t);
        }
    }

    /* ---- CRC-64 / CRC-16 / CRC-32/BZIP2 and XXH3-128 against ISA-L and libxxhash ---- */
    /* each ratio also measured with the two calls alternated round by round (llb_paired): on a shared VM
       the rows of one table can run minutes apart at different speeds */
#define PAIRS (llb_quick() ? 5 : 21)
#define PAIRED(v, anchor, ours) (paired[v][k] = llb_paired(anchor, ours, &c, a, PAIRS, &q1[v][k], &q3[v][k]))
    {
        static const size_t ms[] = {64, 256, 4096, 65536, 1u << 20};
        static const char *const names[] = {"crc64_xz vs ISA-L crc64_ecma_refl", "crc64_ecma182 vs ISA-L crc64_ecma_norm",
                                            "crc64_goiso vs ISA-L crc64_iso_refl", "crc16_t10dif vs ISA-L crc16_t10dif",
                                            "crc32_bzip2 vs ISA-L crc32_ieee", "xxh3_128 vs XXH3_128bits_withSeed"};
        double ratio[6][5], paired[6][5], q1[6][5], q3[6][5];
        size_t k, v;
        memset(ratio, 0, sizeof ratio);
        memset(paired, 0, sizeof paired);
        memset(q1, 0, sizeof q1);
        memset(q3, 0, sizeof q3);
        for (k = 0; k < 5; k++) {
            char title[128], lab[32];
            llb_table *t;
            double a;
            size_label(ms[k], lab, sizeof lab);
            snprintf(title, sizeof title, "more CRCs and XXH3-128, %s buffer (independent calls)", lab);
            if (!want(title)) continue;
            c.p = buf;
            c.n = ms[k];
            c.acc = 0;
            t = llb_table_new(title);
            llb_bytes(t, (double)ms[k]);
            llb_run(t, "llcrc_crc64_nvme (no anchor: ISA-L 2.30 has no CRC-64/NVME)", b_nvme, &c);
            a = llb_run(t, "llcrc_crc64_xz", b_xz, &c);
#ifdef LLB_HAVE_ISAL
            ratio[0][k] = anchor_row(t, "ISA-L crc64_ecma_refl", b_isal_xz, &c, a) / a;
            PAIRED(0, b_isal_xz, b_xz);
#endif
            a = llb_run(t, "llcrc_crc64_ecma182", b_ecma, &c);
#ifdef LLB_HAVE_ISAL
            ratio[1][k] = anchor_row(t, "ISA-L crc64_ecma_norm", b_isal_ecma, &c, a) / a;
            PAIRED(1, b_isal_ecma, b_ecma);
#endif
            a = llb_run(t, "llcrc_crc64_goiso", b_goiso, &c);
#ifdef LLB_HAVE_ISAL
            ratio[2][k] = anchor_row(t, "ISA-L crc64_iso_refl", b_isal_goiso, &c, a) / a;
            PAIRED(2, b_isal_goiso, b_goiso);
#endif
            a = llb_run(t, "llcrc_crc16_t10dif", b_t10, &c);
#ifdef LLB_HAVE_ISAL
            ratio[3][k] = anchor_row(t, "ISA-L crc16_t10dif", b_isal_t10, &c, a) / a;
            PAIRED(3, b_isal_t10, b_t10);
#endif
            a = llb_run(t, "llcrc_crc32_bzip2", b_bz, &c);
#ifdef LLB_HAVE_ISAL
            ratio[4][k] = anchor_row(t, "ISA-L crc32_ieee", b_isal_bz, &c, a) / a;
            PAIRED(4, b_isal_bz, b_bz);
#endif
            a = llb_run(t, "llcrc_xxh3_128", b_x128, &c);
#ifdef LLB_HAVE_XXHASH
            ratio[5][k] = anchor_row(t, "XXH3_128bits_withSeed", b_X128, &c, a) / a;
            PAIRED(5, b_X128, b_x128);
#endif
            (void)a;
            llb_print(t);
            llb_table_free(t);
        }
        if (want("more CRCs")) {
            llb_table *t = llb_table_new("more CRCs and XXH3-128 at 64 B: dependent chain");
            double a;
            c.p = buf;
            c.n = 64;
            c.acc = 0;
            a = llb_run(t, "llcrc_crc64_xz chain", c_xz, &c);
#ifdef LLB_HAVE_ISAL
            anchor_row(t, "ISA-L crc64_ecma_refl chain", c_isal_xz, &c, a);
#endif
            a = llb_run(t, "llcrc_crc16_t10dif chain", c_t10, &c);
#ifdef LLB_HAVE_ISAL
            anchor_row(t, "ISA-L crc16_t10dif chain", c_isal_t10, &c, a);
#endif
            a = llb_run(t, "llcrc_xxh3_128 chain", c_x128, &c);
#ifdef LLB_HAVE_XXHASH
            anchor_row(t, "XXH3_128bits_withSeed chain", c_X128, &c, a);
#endif
            (void)a;
            llb_print(t);
            llb_table_free(t);
            printf("### more CRCs and XXH3-128: ratio anchor time / llcrc time (>1 = llcrc faster)\n\n");
            printf("| llcrc vs anchor | 64 B | 256 B | 4 KiB | 64 KiB | 1 MiB |\n|---|---|---|---|---|---|\n");
            for (v = 0; v < 6; v++)
                printf("| %s | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx |\n", names[v], ratio[v][0], ratio[v][1], ratio[v][2],
                       ratio[v][3], ratio[v][4]);
            printf("\n");
            printf("### more CRCs and XXH3-128, the same ratios with the two calls alternated: median of %d rounds "
                   "(quartiles)\n\n", PAIRS);
            printf("| llcrc vs anchor | 64 B | 256 B | 4 KiB | 64 KiB | 1 MiB |\n|---|---|---|---|---|---|\n");
            for (v = 0; v < 6; v++) {
                printf("| %s |", names[v]);
                for (k = 0; k < 5; k++) printf(" %.2fx (%.2f-%.2f) |", paired[v][k], q1[v][k], q3[v][k]);
                printf("\n");
            }
            printf("\n");
        }
    }

    /* ---- unaligned start ---- */
    if (want("unaligned start")) {
        static const size_t un[] = {4096, 65536, 1u << 20};
        llb_table *t = llb_table_new("unaligned start (buffer + 1) vs aligned (crc32c, crc32)");
        size_t k;
        for (k = 0; k < 3; k++) {
            char name[96], lab[32];
            double a0, a1;
            size_label(un[k], lab, sizeof lab);
            llb_bytes(t, (double)un[k]);
            c.n = un[k];
            c.p = buf;
            snprintf(name, sizeof name, "llcrc_crc32c %s aligned", lab);
            a0 = llb_run(t, name, b_crc32c, &c);
            c.p = buf + 1;
            snprintf(name, sizeof name, "llcrc_crc32c %s +1", lab);
            a1 = llb_run(t, name, b_crc32c, &c);
            llb_note(t, "cost %+.1f%%", (a1 / a0 - 1) * 100);
            c.p = buf;
            snprintf(name, sizeof name, "llcrc_crc32 %s aligned", lab);
            a0 = llb_run(t, name, b_crc32, &c);
            c.p = buf + 1;
            snprintf(name, sizeof name, "llcrc_crc32 %s +1", lab);
            a1 = llb_run(t, name, b_crc32, &c);
            llb_note(t, "cost %+.1f%%", (a1 / a0 - 1) * 100);
        }
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- combine ---- */
    if (want("combine")) {
        llb_table *t = llb_table_new("crc combine (len2 cycling 1 B .. 1 GiB, and len2 = 4 KiB)");
        double ll, z;
        for (i = 0; i < 64; i++) comb_len[i] = 1 + ((1ull << (i % 31)) * 2654435761ull >> 16) % (1ull << (i % 31));
        ll = llb_run(t, "llcrc_crc32_combine", b_comb32, &c);
#ifdef LLB_HAVE_ZLIB
        z = llb_run(t, "zlib crc32_combine64", b_zcomb, &c);
        llb_note(t, "llcrc %.1fx", z / ll);
#endif
        llb_run(t, "llcrc_crc32c_combine", b_comb32c, &c);
        ll = llb_run(t, "llcrc_crc32_combine 4 KiB", b_comb32_4k, &c);
#ifdef LLB_HAVE_ZLIB
        z = llb_run(t, "zlib crc32_combine 4 KiB", b_zcomb_4k, &c);
        llb_note(t, "llcrc %.1fx", z / ll);
#endif
        (void)z;
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- gear CDC ---- */
    if (want("gear")) {
        llb_table *t = llb_table_new("gear CDC over 16 MiB (min 2 KiB, avg 8 KiB, max 64 KiB)");
        double a, b;
        llcrc_cdc_init(&g_cdc, 2048, 8192, 65536);
        {
            unsigned char one[1];
            for (i = 0; i < 256; i++) {
                one[0] = (unsigned char)i;
                g_gear[i] = llcrc_gear(0, one, 1);
            }
        }
        c.p = buf;
        c.n = 16u << 20;
        llb_bytes(t, (double)c.n);
        b = llb_run(t, "llcrc_cdc_next", b_cdc, &c);
        a = llb_run(t, "byte-at-a-time FastCDC loop", b_cdc_byte, &c);
        llb_baseline(t, "byte-at-a-time FastCDC loop");
        llb_note(t, "%.2fx the byte loop", a / b);
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- XOR delta ---- */
    if (want("XOR")) {
        static const size_t xs[] = {4096, 65536, 1u << 20};
        llb_table *t = llb_table_new(g_avx512 ? "XOR delta: llcrc_xor vs a plain AVX-512 XOR loop (bytes = one input)" : "XOR delta: llcrc_xor vs a plain AVX2 XOR loop (bytes = one input)");
        size_t k;
        for (k = 0; k < 3; k++) {
            char name[96], lab[32];
            double a, b;
            size_label(xs[k], lab, sizeof lab);
            c.p = buf;
            c.d = dst;
            c.n = xs[k];
            llb_bytes(t, (double)xs[k]);
            snprintf(name, sizeof name, "plain %s XOR %s", g_avx512 ? "AVX-512" : "AVX2", lab);
            a = llb_run(t, name, b_plainxor, &c);
            snprintf(name, sizeof name, "llcrc_xor %s", lab);
            b = llb_run(t, name, b_xor, &c);
            llb_note(t, "%.1f%% of the plain loop's speed", a / b * 100);
        }
        c.n = 65536;
        /* sparse delta: the two inputs differ in about 1 byte in 64 */
        memcpy(dst + (1u << 20), buf, 65536);
        for (i = 0; i < 65536; i += 64) dst[(1u << 20) + i] ^= 1;
        c.p = buf;
        {
            /* encode needs cur and prev adjacent: copy into a scratch layout */
            unsigned char *pair = (unsigned char *)malloc(2 * 65536);
            unsigned char *out = (unsigned char *)malloc(llcrc_delta_bound(65536));
            ctx e;
            memcpy(pair, buf, 65536);
            memcpy(pair + 65536, dst + (1u << 20), 65536);
            e.p = pair;
            e.d = out;
            e.n = 65536;
            e.acc = 0;
            llb_bytes(t, 65536);
            llb_run(t, "llcrc_delta_encode 64 KiB (1 change / 64 B)", b_delta_enc, &e);
            free(pair);
            free(out);
        }
        llb_print(t);
        llb_table_free(t);
    }

    /* ---- summary: ratios to every anchor ---- */
    if (!g_filter || want("throughput")) {
        printf("### llcrc summary: GB/s and ratio llcrc/anchor (>1 = llcrc faster)\n\n");
        printf("| size | crc32c GB/s | vs ISA-L crc32_iscsi | crc32 GB/s | vs ISA-L gzip_refl | vs zlib crc32 "
               "| adler32 GB/s | vs zlib | xxh3 GB/s | vs XXH3 | xxh64 vs XXH64 | xxh32 vs XXH32 | read-sum GB/s "
               "| crc32c / read-sum |\n");
        printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (si = 0; si < NS; si++) {
            sumrow *s = &sum[si];
            char lab[32];
            double n = (double)s->n;
            if (!s->n) continue;
            size_label(s->n, lab, sizeof lab);
#define R(a, b) ((a) > 0 && (b) > 0 ? (b) / (a) : 0.0)
            printf("| %s | %.1f | %.2fx | %.1f | %.2fx | %.2fx | %.1f | %.2fx | %.1f | %.2fx | %.2fx | %.2fx | %.1f | %.0f%% |\n",
                   lab, gbps(n, s->ll_c), R(s->ll_c, s->isal_c), gbps(n, s->ll_z), R(s->ll_z, s->isal_z),
                   R(s->ll_z, s->zlib_z), gbps(n, s->ll_a), R(s->ll_a, s->zlib_a), gbps(n, s->ll_x3),
                   R(s->ll_x3, s->x3), R(s->ll_x64, s->x64), R(s->ll_x32, s->x32), gbps(n, s->rs),
                   s->ll_c > 0 ? s->rs / s->ll_c * 100 : 0.0);
        }
        printf("\n(0.00x = anchor not installed)\n");
    }
    free(buf);
    free(dst);
    return 0;
}
