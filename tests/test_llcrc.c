/* tests/test_llcrc.c - functional tests for llcrc.h (known vectors, every path against the portable
   path, zlib / libxxhash cross-checks when built with LLT_HAVE_ZLIB / LLT_HAVE_XXHASH, streaming,
   combine, rolling hash, CDC against a byte-loop model, delta encoding and its error handling). */
#define LLCRC_IMPLEMENTATION
#include "llcrc.h"

#include "lltest.h"

#ifndef _WIN32
#include <pthread.h>
#endif

#ifdef LLT_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef LLT_HAVE_XXHASH
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>
#endif
#ifdef LLT_HAVE_ISAL
#include <isa-l.h>
#endif

static uint64_t rng_state = 0x1234567887654321ull;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static void fill(unsigned char *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = (unsigned char)rnd();
}

static int g_paths[LLCRC_PATH_COUNT];
static int g_npaths;

static void collect_paths(void) {
    int p;
    g_npaths = 0;
    for (p = 0; p < LLCRC_PATH_COUNT; p++)
        if (llcrc_path_supported(p)) g_paths[g_npaths++] = p;
}

/* ---- first use from several threads at once (one-time setup must be race-free) ---- */
#ifndef _WIN32
static uint32_t thr_results[4];
static void *thr_first_use(void *arg) {
    int i = (int)(intptr_t)arg;
    thr_results[i] = llcrc_crc32c(0, "123456789", 9) ^ llcrc_crc32(0, "123456789", 9);
    return NULL;
}
static void concurrent_first_use(void) {
    pthread_t t[4];
    int i;
    for (i = 0; i < 4; i++) LLT_REQUIRE(pthread_create(&t[i], NULL, thr_first_use, (void *)(intptr_t)i) == 0);
    for (i = 0; i < 4; i++) pthread_join(t[i], NULL);
    for (i = 0; i < 4; i++) LLT_EQ_U64(thr_results[i], 0xE3069283u ^ 0xCBF43926u);
}
#else
static void concurrent_first_use(void) { LLT_SKIP("no pthreads in the Windows build"); }
#endif

static void paths_and_names(void) {
    int p;
    collect_paths();
    LLT_CHECK(g_npaths >= 1);
    LLT_CHECK(llcrc_path_supported(LLCRC_PATH_PORTABLE));
    LLT_EQ_STR(llcrc_path_name(LLCRC_PATH_PORTABLE), "portable");
    LLT_EQ_I64(llcrc_force_path(LLCRC_PATH_COUNT), LLCRC_EOPNOTSUPP);
    LLT_EQ_I64(llcrc_force_path(-7), LLCRC_EOPNOTSUPP);
    for (p = 0; p < g_npaths; p++) {
        LLT_EQ_I64(llcrc_force_path(g_paths[p]), 0);
        LLT_EQ_I64(llcrc_path(), g_paths[p]);
        LLT_CHECK(strcmp(llcrc_path_name(LLCRC_PATH_AUTO), "unknown") != 0);
    }
    for (p = 0; p < LLCRC_PATH_COUNT; p++)
        if (!llcrc_path_supported(p)) LLT_EQ_I64(llcrc_force_path(p), LLCRC_EOPNOTSUPP);
    LLT_EQ_I64(llcrc_force_path(LLCRC_PATH_AUTO), 0);
    LLT_EQ_I64(llcrc_force_tuning(7), LLCRC_EINVAL);
    LLT_EQ_I64(llcrc_force_tuning(LLCRC_TUNE_AMD), 0);
    LLT_EQ_I64(llcrc_tuning(), LLCRC_TUNE_AMD);
    LLT_EQ_I64(llcrc_force_tuning(LLCRC_TUNE_INTEL), 0);
    LLT_EQ_I64(llcrc_tuning(), LLCRC_TUNE_INTEL);
    LLT_EQ_I64(llcrc_force_tuning(LLCRC_TUNE_AUTO), 0);
    LLT_CHECK(llcrc_describe() != NULL && strstr(llcrc_describe(), llcrc_path_name(llcrc_path())) != NULL);
    printf("  %s\n", llcrc_describe());
    printf("  paths:");
    for (p = 0; p < g_npaths; p++) printf(" %s", llcrc_path_name(g_paths[p]));
    printf(" (auto: %s)\n", llcrc_path_name(LLCRC_PATH_AUTO));
    LLT_EQ_STR(llcrc_strerror(LLCRC_EBADMSG), "encoded delta truncated or corrupt");
    LLT_EQ_STR(llcrc_strerror(0), "success");
    LLT_EQ_STR(llcrc_version(), LLCRC_VERSION_STRING);
}

/* ---- known vectors, on every path ---- */
static void known_vectors(void) {
    static const unsigned char pdu[48] = {0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
                                          0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0};
    unsigned char z[32], ff[32], up[32], down[32];
    int i, p;
    for (i = 0; i < 32; i++) {
        z[i] = 0;
        ff[i] = 0xff;
        up[i] = (unsigned char)i;
        down[i] = (unsigned char)(31 - i);
    }
    for (p = 0; p < g_npaths; p++) {
        LLT_REQUIRE(llcrc_force_path(g_paths[p]) == 0);
        LLT_EQ_U64(llcrc_crc32c(0, "123456789", 9), 0xE3069283u);
        LLT_EQ_U64(llcrc_crc32(0, "123456789", 9), 0xCBF43926u);
        /* RFC 3720 B.4 */
        LLT_EQ_U64(llcrc_crc32c(0, z, 32), 0x8A9136AAu);
        LLT_EQ_U64(llcrc_crc32c(0, ff, 32), 0x62A8AB43u);
        LLT_EQ_U64(llcrc_crc32c(0, up, 32), 0x46DD794Eu);
        LLT_EQ_U64(llcrc_crc32c(0, down, 32), 0x113FDB5Cu);
        LLT_EQ_U64(llcrc_crc32c(0, pdu, 48), 0xD9963A56u);
        LLT_EQ_U64(llcrc_adler32(1, "Wikipedia", 9), 0x11E60398u);
        LLT_EQ_U64(llcrc_xxh32("", 0, 0), 0x02CC5D05u);
        LLT_EQ_U64(llcrc_xxh64("", 0, 0), 0xEF46DB3751D8E999ull);
        LLT_EQ_U64(llcrc_xxh3_64("", 0, 0), 0x2D06800538D394C2ull);
        LLT_EQ_U64(llcrc_xxh32("abc", 3, 0), 0x32D153FFu);
        LLT_EQ_U64(llcrc_xxh64("abc", 3, 0), 0x44BC2CF5AD770999ull);
        LLT_EQ_U64(llcrc_xxh3_64("abc", 3, 0), 0x78AF5F94892F3950ull);
        /* NULL with length 0 returns the start value */
        LLT_EQ_U64(llcrc_crc32c(0x12345678u, NULL, 0), 0x12345678u);
        LLT_EQ_U64(llcrc_crc32(0x12345678u, NULL, 0), 0x12345678u);
        LLT_EQ_U64(llcrc_adler32(1, NULL, 0), 1);
        LLT_EQ_U64(llcrc_fletcher32(NULL, 0), 0);
        LLT_EQ_U64(llcrc_xxh3_64(NULL, 0, 0), 0x2D06800538D394C2ull);
        LLT_EQ_U64(llcrc_xxh32(NULL, 0, 0), 0x02CC5D05u);
        LLT_EQ_U64(llcrc_xxh64(NULL, 0, 0), 0xEF46DB3751D8E999ull);
        llcrc_xor(NULL, NULL, NULL, 0);
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    LLT_EQ_U64(llcrc_fletcher32("abcde", 5), 0xF04FC729u);
    LLT_EQ_U64(llcrc_fletcher32("abcdef", 6), 0x56502D2Au);
    LLT_EQ_U64(llcrc_fletcher32("abcdefgh", 8), 0xEBE19591u);
}

/* ---- every path equals the portable path: every length 0..4096 at every offset 0..63 ---- */
static void paths_match_portable(void) {
    enum { MAXN = 4096, OFFS = 64 };
    unsigned char *buf = (unsigned char *)malloc(MAXN + OFFS + 64);
    unsigned char *x1 = (unsigned char *)malloc(MAXN + OFFS), *x2 = (unsigned char *)malloc(MAXN + OFFS);
    unsigned char *dref = (unsigned char *)malloc(MAXN + OFFS), *dgot = (unsigned char *)malloc(MAXN + OFFS);
    /* LLT_SCALE < 1 samples lengths with a stride (qemu, sanitizers) */
    size_t stride = (size_t)(1.0 / llt_scale() + 0.5), n;
    int off, p, bad = 0;
    LLT_REQUIRE(buf && x1 && x2 && dref && dgot);
    if (stride < 1) stride = 1;
    fill(buf, MAXN + OFFS + 64);
    fill(x1, MAXN + OFFS);
    fill(x2, MAXN + OFFS);
    for (n = 0; n <= MAXN; n += (n < 300 ? 1 : stride)) {
        for (off = 0; off < OFFS; off++) {
            const unsigned char *s = buf + off;
            uint32_t seed32 = (uint32_t)(n * 31 + off);
            uint32_t c0, z0, a0, w0;
            uint64_t h0, q0;
            if (g_npaths < 2) break;
            llcrc_force_path(LLCRC_PATH_PORTABLE);
            c0 = llcrc_crc32c(seed32, s, n);
            z0 = llcrc_crc32(seed32, s, n);
            a0 = llcrc_adler32(seed32 % 0xfff1u, s, n);
            h0 = llcrc_xxh3_64(s, n, seed32 & 3 ? seed32 : 0);
            w0 = llcrc_xxh32(s, n, seed32);
            q0 = llcrc_xxh64(s, n, seed32);
            llcrc_xor(dref + off, x1 + off, x2, n);
            for (p = 1; p < g_npaths; p++) {
                llcrc_force_path(g_paths[p]);
                if (llcrc_crc32c(seed32, s, n) != c0 || llcrc_crc32(seed32, s, n) != z0 ||
                    llcrc_adler32(seed32 % 0xfff1u, s, n) != a0 ||
                    llcrc_xxh3_64(s, n, seed32 & 3 ? seed32 : 0) != h0 || llcrc_xxh32(s, n, seed32) != w0 ||
                    llcrc_xxh64(s, n, seed32) != q0) {
                    if (bad++ < 5)
                        LLT_CHECKF(0, "path %s differs at len %zu off %d", llcrc_path_name(g_paths[p]), n, off);
                }
                /* both tunings: XXH32's vector lanes (LLCRC_TUNE_AMD) and scalar lanes on every path */
                llcrc_force_tuning(LLCRC_TUNE_AMD);
                if (llcrc_xxh32(s, n, seed32) != w0 && bad++ < 5)
                    LLT_CHECKF(0, "path %s tuning amd: xxh32 differs at len %zu off %d", llcrc_path_name(g_paths[p]), n, off);
                llcrc_force_tuning(LLCRC_TUNE_INTEL);
                if (llcrc_xxh32(s, n, seed32) != w0 && bad++ < 5)
                    LLT_CHECKF(0, "path %s tuning intel: xxh32 differs at len %zu off %d", llcrc_path_name(g_paths[p]), n, off);
                llcrc_force_tuning(LLCRC_TUNE_AUTO);
                if (n && (off & 7) == 0) {
                    dgot[off + n] = 0xA5;
                    llcrc_xor(dgot + off, x1 + off, x2, n);
                    if (memcmp(dgot + off, dref + off, n) != 0 || dgot[off + n] != 0xA5) {
                        if (bad++ < 5) LLT_CHECKF(0, "xor path %s len %zu off %d", llcrc_path_name(g_paths[p]), n, off);
                    }
                }
            }
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    if (g_npaths < 2) {
        free(buf), free(x1), free(x2), free(dref), free(dgot);
        LLT_SKIP("only the portable path runs here");
    }
    free(buf), free(x1), free(x2), free(dref), free(dgot);
}

/* large buffers (prefetch branch, many fold iterations), odd sizes, every path */
static void paths_large(void) {
    size_t sizes[] = {65536 + 13, (1u << 20) + 100, (5u << 20) + 7};
    size_t ns = llt_scale() < 0.5 ? 2 : 3, i;
    unsigned char *b = (unsigned char *)malloc(sizes[2] + 64);
    int p;
    LLT_REQUIRE(b);
    fill(b, sizes[2] + 64);
    for (i = 0; i < ns; i++) {
        size_t n = sizes[i];
        uint32_t c0, z0, a0;
        uint64_t h0;
        llcrc_force_path(LLCRC_PATH_PORTABLE);
        c0 = llcrc_crc32c(7, b + 3, n);
        z0 = llcrc_crc32(7, b + 3, n);
        a0 = llcrc_adler32(7, b + 3, n);
        h0 = llcrc_xxh3_64(b + 3, n, 99);
        for (p = 1; p < g_npaths; p++) {
            llcrc_force_path(g_paths[p]);
            LLT_EQ_U64(llcrc_crc32c(7, b + 3, n), c0);
            LLT_EQ_U64(llcrc_crc32(7, b + 3, n), z0);
            LLT_EQ_U64(llcrc_adler32(7, b + 3, n), a0);
            LLT_EQ_U64(llcrc_xxh3_64(b + 3, n, 99), h0);
        }
    }
    /* all 0xff bytes: adler32 lane sums at their maximum */
    memset(b, 0xff, sizes[1]);
    llcrc_force_path(LLCRC_PATH_PORTABLE);
    {
        uint32_t a0 = llcrc_adler32(1, b, sizes[1]);
        for (p = 1; p < g_npaths; p++) {
            llcrc_force_path(g_paths[p]);
            LLT_EQ_U64(llcrc_adler32(1, b, sizes[1]), a0);
            LLT_EQ_U64(llcrc_adler32(0xfff0fff0u, b, 300000), (llcrc_force_path(0), llcrc_adler32(0xfff0fff0u, b, 300000)));
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(b);
}

/* chaining and combine agree with one-shot results, on every path */
static void chain_and_combine(void) {
    enum { N = 9000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(3000, 100), it;
    int p;
    LLT_REQUIRE(b);
    fill(b, N);
    for (p = 0; p < g_npaths; p++) {
        llcrc_force_path(g_paths[p]);
        for (it = 0; it < iters; it++) {
            size_t n = rnd() % N, k = n ? rnd() % (n + 1) : 0;
            uint32_t c = llcrc_crc32c(0, b, n), z = llcrc_crc32(0, b, n), a = llcrc_adler32(1, b, n);
            uint32_t c1 = llcrc_crc32c(0, b, k), c2 = llcrc_crc32c(0, b + k, n - k);
            uint32_t z1 = llcrc_crc32(0, b, k), z2 = llcrc_crc32(0, b + k, n - k);
            LLT_EQ_U64(llcrc_crc32c(c1, b + k, n - k), c);
            LLT_EQ_U64(llcrc_crc32(z1, b + k, n - k), z);
            LLT_EQ_U64(llcrc_adler32(llcrc_adler32(1, b, k), b + k, n - k), a);
            LLT_EQ_U64(llcrc_crc32c_combine(c1, c2, n - k), c);
            LLT_EQ_U64(llcrc_crc32_combine(z1, z2, n - k), z);
        }
        /* associativity with huge lengths: combine(combine(a,b),c) == combine(a, combine(b,c)) */
        for (it = 0; it < 200; it++) {
            uint32_t a = (uint32_t)rnd(), bb = (uint32_t)rnd(), c = (uint32_t)rnd();
            uint64_t lb = rnd() >> (rnd() % 64), lc = rnd() >> (rnd() % 64);
            if (lb > (1ull << 62)) lb >>= 2;
            if (lc > (1ull << 62)) lc >>= 2;
            LLT_EQ_U64(llcrc_crc32c_combine(llcrc_crc32c_combine(a, bb, lb), c, lc),
                       llcrc_crc32c_combine(a, llcrc_crc32c_combine(bb, c, lc), lb + lc));
            LLT_EQ_U64(llcrc_crc32_combine(llcrc_crc32_combine(a, bb, lb), c, lc),
                       llcrc_crc32_combine(a, llcrc_crc32_combine(bb, c, lc), lb + lc));
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(b);
}

static void against_zlib(void) {
#ifdef LLT_HAVE_ZLIB
    enum { N = 70000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(2000, 50), it;
    int p;
    LLT_REQUIRE(b);
    fill(b, N);
    for (p = 0; p < g_npaths; p++) {
        llcrc_force_path(g_paths[p]);
        for (it = 0; it < iters; it++) {
            size_t n = rnd() % (it & 1 ? 600 : N), off = rnd() % 64;
            uint32_t start = (uint32_t)rnd();
            if (n + off > N) n = N - off;
            LLT_EQ_U64(llcrc_crc32(start, b + off, n), crc32(start, b + off, (uInt)n));
            LLT_EQ_U64(llcrc_adler32(start % 0xfff1u | ((start >> 16) % 0xfff1u) << 16, b + off, n),
                       adler32(start % 0xfff1u | ((start >> 16) % 0xfff1u) << 16, b + off, (uInt)n));
            {
                uint32_t a = (uint32_t)rnd();
                uint64_t len2 = rnd() >> (rnd() % 64);
                if (len2 > (1ull << 62)) len2 >>= 2;
                LLT_EQ_U64(llcrc_crc32_combine(a, start, len2), crc32_combine64(a, start, (z_off64_t)len2));
            }
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(b);
#else
    LLT_SKIP("zlib not available (build without LLT_HAVE_ZLIB)");
#endif
}

static void xxhash_streaming(void) {
    enum { N = 5000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(1500, 60), it;
    int p;
    LLT_REQUIRE(b);
    fill(b, N);
    for (p = 0; p < 2 * g_npaths; p++) {
        llcrc_force_path(g_paths[p / 2]);
        llcrc_force_tuning(p & 1 ? LLCRC_TUNE_AMD : LLCRC_TUNE_INTEL);
        for (it = 0; it < iters; it++) {
            size_t n = it < 1100 ? it : rnd() % N, pos = 0;
            uint64_t seed = it & 1 ? rnd() : 0;
            llcrc_xxh32_state s32;
            llcrc_xxh64_state s64;
            llcrc_xxh3_state s3;
            llcrc_xxh32_init(&s32, (uint32_t)seed);
            llcrc_xxh64_init(&s64, seed);
            llcrc_xxh3_64_init(&s3, seed);
            while (pos < n) {
                size_t k = rnd() % (rnd() & 1 ? 8 : 700);
                if (k > n - pos) k = n - pos;
                llcrc_xxh32_update(&s32, b + pos, k);
                llcrc_xxh64_update(&s64, b + pos, k);
                llcrc_xxh3_64_update(&s3, b + pos, k);
                pos += k;
            }
            LLT_EQ_U64(llcrc_xxh32_digest(&s32), llcrc_xxh32(b, n, (uint32_t)seed));
            LLT_EQ_U64(llcrc_xxh64_digest(&s64), llcrc_xxh64(b, n, seed));
            LLT_EQ_U64(llcrc_xxh3_64_digest(&s3), llcrc_xxh3_64(b, n, seed));
        }
    }
    llcrc_force_tuning(LLCRC_TUNE_AUTO);
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(b);
}

static void against_libxxhash(void) {
#ifdef LLT_HAVE_XXHASH
    enum { N = 20000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(4000, 100), it;
    int p;
    LLT_REQUIRE(b);
    fill(b, N);
    for (p = 0; p < g_npaths; p++) {
        llcrc_force_path(g_paths[p]);
        for (it = 0; it < iters; it++) {
            size_t n = it < 1200 ? it : rnd() % N, off = rnd() % 16;
            uint64_t seed = it & 1 ? rnd() : 0;
            if (n + off > N) n = N - off;
            LLT_EQ_U64(llcrc_xxh32(b + off, n, (uint32_t)seed), XXH32(b + off, n, (uint32_t)seed));
            LLT_EQ_U64(llcrc_xxh64(b + off, n, seed), XXH64(b + off, n, seed));
            LLT_EQ_U64(llcrc_xxh3_64(b + off, n, seed), XXH3_64bits_withSeed(b + off, n, seed));
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(b);
#else
    LLT_SKIP("libxxhash not available (build without LLT_HAVE_XXHASH)");
#endif
}

static uint32_t fletcher_model(const unsigned char *p, size_t n) {
    uint32_t s1 = 0, s2 = 0;
    size_t i;
    for (i = 0; i + 1 < n; i += 2) {
        s1 = (s1 + (uint32_t)(p[i] | (p[i + 1] << 8))) % 65535u;
        s2 = (s2 + s1) % 65535u;
    }
    if (n & 1) {
        s1 = (s1 + p[n - 1]) % 65535u;
        s2 = (s2 + s1) % 65535u;
    }
    return (s2 << 16) | s1;
}

static void fletcher_model_check(void) {
    enum { N = 3000000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t it, iters = llt_scaled(300, 20);
    LLT_REQUIRE(b);
    fill(b, N);
    for (it = 0; it < iters; it++) {
        size_t n = it < 100 ? it : rnd() % 5000;
        LLT_EQ_U64(llcrc_fletcher32(b, n), fletcher_model(b, n));
    }
    LLT_EQ_U64(llcrc_fletcher32(b, N - 1), fletcher_model(b, N - 1)); /* crosses the 2^20-word block */
    memset(b, 0xff, N);
    LLT_EQ_U64(llcrc_fletcher32(b, N), fletcher_model(b, N));
    free(b);
}

static void rolling_hash(void) {
    enum { N = 20000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint32_t windows[] = {1, 16, 48, 64, 257};
    size_t wi, i;
    LLT_REQUIRE(b);
    fill(b, N);
    for (wi = 0; wi < sizeof windows / sizeof windows[0]; wi++) {
        uint32_t w = windows[wi];
        llcrc_roll r;
        uint64_t h = 0;
        llcrc_roll_init(&r, w);
        for (i = 0; i < w; i++) h = llcrc_roll_push(&r, b[i]);
        LLT_EQ_U64(h, llcrc_roll_hash(b, w));
        for (i = w; i < N; i++) {
            h = llcrc_roll_roll(&r, b[i - w], b[i]);
            if ((i & 511) == 0 || i == N - 1) LLT_EQ_U64(h, llcrc_roll_hash(b + i + 1 - w, w));
        }
    }
    /* equal windows hash equal, different ones (almost surely) differ */
    LLT_CHECK(llcrc_roll_hash(b, 32) != llcrc_roll_hash(b + 1, 32));
    free(b);
}

/* byte-at-a-time FastCDC model (normalized chunking, masks from llcrc_cdc) */
static size_t cdc_model(const llcrc_cdc *c, const unsigned char *p, size_t len) {
    size_t n, normal, i;
    uint64_t h = 0;
    if (len <= c->min) return len;
    n = len < c->max ? len : c->max;
    normal = c->avg < n ? c->avg : n;
    for (i = c->min; i < normal; i++) {
        h = llcrc_gear(h, p + i, 1);
        if (!(h & c->mask_s)) return i + 1;
    }
    for (; i < n; i++) {
        h = llcrc_gear(h, p + i, 1);
        if (!(h & c->mask_l)) return i + 1;
    }
    return n;
}

static void cdc_matches_model(void) {
    enum { N = 1 << 20 };
    unsigned char *b = (unsigned char *)malloc(N);
    static const uint32_t cfg[][3] = {{64, 256, 1024}, {512, 2048, 8192}, {2048, 8192, 65536},
                                      {1, 64, 64}, {4096, 16384, 262144}, {256, 1000, 3000}};
    size_t ci;
    llcrc_cdc c;
    LLT_REQUIRE(b);
    fill(b, N);
    LLT_EQ_I64(llcrc_cdc_init(&c, 0, 64, 128), LLCRC_EINVAL);
    LLT_EQ_I64(llcrc_cdc_init(&c, 100, 64, 128), LLCRC_EINVAL);
    LLT_EQ_I64(llcrc_cdc_init(&c, 10, 100, 50), LLCRC_EINVAL);
    LLT_EQ_I64(llcrc_cdc_init(&c, 10, 32, 50), LLCRC_EINVAL);
    for (ci = 0; ci < sizeof cfg / sizeof cfg[0]; ci++) {
        size_t pos = 0, chunks = 0, total = 0;
        LLT_REQUIRE(llcrc_cdc_init(&c, cfg[ci][0], cfg[ci][1], cfg[ci][2]) == 0);
        while (pos < N) {
            size_t got = llcrc_cdc_next(&c, b + pos, N - pos), want = cdc_model(&c, b + pos, N - pos);
            if (got != want) {
                LLT_CHECKF(0, "cfg %zu at %zu: got %zu want %zu", ci, pos, got, want);
                break;
            }
            LLT_CHECK(got >= 1 && got <= c.max);
            LLT_CHECK(got >= c.min || got == N - pos);
            pos += got;
            total += got;
            chunks++;
        }
        LLT_EQ_U64(total, N);
        if (ci == 2) LLT_CHECKF(chunks > N / 65536 && chunks < N / 2048, "chunks %zu", chunks);
    }
    /* a shifted stream resynchronises: cut points after an insertion at the front mostly recur */
    {
        size_t pa = 0, pb = 0, cuts_a[4096], na = 0, hits = 0, k;
        unsigned char *s = (unsigned char *)malloc(N + 7);
        LLT_REQUIRE(s);
        memcpy(s + 7, b, N);
        memset(s, 0x5a, 7);
        llcrc_cdc_init(&c, 512, 2048, 8192);
        while (pa < N && na < 4096) {
            pa += llcrc_cdc_next(&c, b + pa, N - pa);
            cuts_a[na++] = pa;
        }
        while (pb < N + 7) {
            pb += llcrc_cdc_next(&c, s + pb, N + 7 - pb);
            for (k = 0; k < na; k++)
                if (cuts_a[k] + 7 == pb) {
                    hits++;
                    break;
                }
        }
        LLT_CHECKF(hits * 10 > na * 9, "resync hits %zu of %zu", hits, na);
        free(s);
    }
    free(b);
}

static void gear_stability(void) {
    /* the gear table is part of the format: chunk boundaries must not change across versions */
    unsigned char b[256];
    size_t i;
    for (i = 0; i < 256; i++) b[i] = (unsigned char)i;
    LLT_EQ_U64(llcrc_gear(0, b, 256), llcrc_gear(llcrc_gear(0, b, 100), b + 100, 156));
    LLT_EQ_U64(llcrc_gear(0, b, 256), 0x3c715738d9369366ull);
}

/* ---- XOR delta ---- */
static void delta_roundtrip(void) {
    enum { N = 70000 };
    unsigned char *cur = (unsigned char *)malloc(N), *prev = (unsigned char *)malloc(N);
    unsigned char *enc = (unsigned char *)malloc(llcrc_delta_bound(N)), *dec = (unsigned char *)malloc(N + 16);
    unsigned char *buf = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(400, 30), it;
    LLT_REQUIRE(cur && prev && enc && dec && buf);
    for (it = 0; it < iters; it++) {
        size_t n = it < 100 ? it : rnd() % N, i, cap = llcrc_delta_bound(n);
        ptrdiff_t e, d;
        int density = (int)(rnd() % 5);
        fill(prev, n);
        memcpy(cur, prev, n);
        for (i = 0; i < n; i++) {
            int change = density == 0 ? 0 : density == 4 ? 1 : (rnd() % (density == 1 ? 1000 : density == 2 ? 20 : 3)) == 0;
            if (change) cur[i] ^= (unsigned char)(rnd() | 1);
        }
        if (density == 3 && n > 100) memset(cur + n / 2, 0, n / 4), memset(prev + n / 2, 0, n / 4);
        e = llcrc_delta_encode(enc, cap, cur, prev, n);
        LLT_REQUIRE(e > 0 && (size_t)e <= cap);
        if (density == 0) LLT_CHECK((size_t)e <= 12);
        d = llcrc_delta_decode(dec, N + 16, enc, (size_t)e);
        LLT_EQ_I64(d, n);
        for (i = 0; i < n; i++)
            if (dec[i] != (unsigned char)(cur[i] ^ prev[i])) {
                LLT_CHECKF(0, "decode mismatch at %zu of %zu", i, n);
                break;
            }
        memcpy(buf, prev, n);
        LLT_EQ_I64(llcrc_delta_apply(buf, n, enc, (size_t)e), n);
        LLT_EQ_MEM(buf, cur, n);
        /* encoding the delta itself (prev == NULL) gives the same stream */
        llcrc_xor(dec, cur, prev, n);
        {
            ptrdiff_t e2 = llcrc_delta_encode(buf, cap, dec, NULL, n);
            LLT_EQ_I64(e2, e);
            LLT_EQ_MEM(buf, enc, (size_t)e);
        }
        /* a too-small output buffer is refused (never overrun) */
        if (e > 1) LLT_EQ_I64(llcrc_delta_encode(enc, (size_t)e - 1, cur, prev, n), LLCRC_ENOSPC);
        if (n) {
            llcrc_delta_encode(enc, cap, cur, prev, n);
            LLT_EQ_I64(llcrc_delta_decode(dec, n - 1, enc, (size_t)e), LLCRC_ENOSPC);
            LLT_EQ_I64(llcrc_delta_apply(buf, n - 1, enc, (size_t)e), LLCRC_EINVAL);
        }
    }
    free(cur), free(prev), free(enc), free(dec), free(buf);
}

static void delta_bad_input(void) {
    unsigned char cur[600], prev[600], enc[700], mut[700], dst[600], buf[600], keep[600];
    uint64_t iters = llt_scaled(20000, 500), it;
    ptrdiff_t e;
    size_t i;
    fill(prev, sizeof prev);
    memcpy(cur, prev, sizeof cur);
    for (i = 0; i < sizeof cur; i += 37) cur[i] ^= 0x5a;
    e = llcrc_delta_encode(enc, sizeof enc, cur, prev, sizeof cur);
    LLT_REQUIRE(e > 0);
    /* every proper prefix is truncated and rejected; buf stays untouched */
    for (i = 0; i < (size_t)e; i++) {
        memcpy(buf, prev, sizeof buf);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, enc, i), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_apply(buf, sizeof buf, enc, i), LLCRC_EBADMSG);
        LLT_EQ_MEM(buf, prev, sizeof buf);
    }
    /* trailing garbage, overlong varints, zero tokens, lengths past the end */
    {
        static const unsigned char overlong[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
        static const unsigned char big10[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
        static const unsigned char zero_tok[] = {4, 0, 0, 4, 0};
        static const unsigned char past[] = {4, 2, 5, 1, 2};
        static const unsigned char lit_past[] = {4, 0, 4, 1, 2};
        static const unsigned char ok[] = {4, 1, 2, 7, 9, 1, 0};
        static const unsigned char empty[] = {0};
        memcpy(mut, enc, (size_t)e);
        mut[e] = 0;
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, mut, (size_t)e + 1), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, overlong, sizeof overlong), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, big10, sizeof big10), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, zero_tok, sizeof zero_tok), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, past, sizeof past), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, lit_past, sizeof lit_past), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, NULL, 0), LLCRC_EBADMSG);
        LLT_EQ_I64(llcrc_delta_decode(dst, sizeof dst, ok, sizeof ok), 4);
        LLT_EQ_U64(dst[0], 0);
        LLT_EQ_U64(dst[1], 7);
        LLT_EQ_U64(dst[2], 9);
        LLT_EQ_U64(dst[3], 0);
        LLT_EQ_I64(llcrc_delta_decode(NULL, 0, empty, 1), 0);
        LLT_EQ_I64(llcrc_delta_encode(enc, 0, cur, prev, 0), LLCRC_ENOSPC);
    }
    /* random mutations: either rejected, or a decode that stays in bounds */
    for (it = 0; it < iters; it++) {
        size_t m = (size_t)e, k, nm = 1 + rnd() % 4;
        ptrdiff_t r;
        memcpy(mut, enc, m);
        for (k = 0; k < nm; k++) mut[rnd() % m] ^= (unsigned char)(1u << (rnd() % 8));
        if (rnd() & 1) m = rnd() % (m + 1);
        memcpy(buf, prev, sizeof buf);
        r = llcrc_delta_decode(dst, sizeof dst, mut, m);
        LLT_CHECK(r == LLCRC_EBADMSG || r == LLCRC_ENOSPC || (r >= 0 && (size_t)r <= sizeof dst));
        memcpy(keep, buf, sizeof buf);
        r = llcrc_delta_apply(buf, sizeof buf, mut, m);
        if (r < 0) LLT_EQ_MEM(buf, keep, sizeof buf);
    }
}

/* ---- CRC-64 / CRC-16 / CRC-32/BZIP2 ---- */
typedef struct crcx {
    const char *name;
    uint64_t (*fn)(uint64_t crc, const void *p, size_t n);
    uint64_t (*comb)(uint64_t a, uint64_t b, uint64_t len2);
    uint64_t check;
} crcx;
static uint64_t w_t10(uint64_t c, const void *p, size_t n) { return llcrc_crc16_t10dif((uint16_t)c, p, n); }
static uint64_t w_bz(uint64_t c, const void *p, size_t n) { return llcrc_crc32_bzip2((uint32_t)c, p, n); }
static uint64_t w_t10c(uint64_t a, uint64_t b, uint64_t l) { return llcrc_crc16_t10dif_combine((uint16_t)a, (uint16_t)b, l); }
static uint64_t w_bzc(uint64_t a, uint64_t b, uint64_t l) { return llcrc_crc32_bzip2_combine((uint32_t)a, (uint32_t)b, l); }
static const crcx g_crcx[] = {
    {"crc64_nvme", llcrc_crc64_nvme, llcrc_crc64_nvme_combine, 0xAE8B14860A799888ull},
    {"crc64_xz", llcrc_crc64_xz, llcrc_crc64_xz_combine, 0x995DC9BBDF1939FAull},
    {"crc64_ecma182", llcrc_crc64_ecma182, llcrc_crc64_ecma182_combine, 0x6C40DF5F0B497347ull},
    {"crc64_goiso", llcrc_crc64_goiso, llcrc_crc64_goiso_combine, 0xB90956C775A41001ull},
    {"crc16_t10dif", w_t10, w_t10c, 0xD0DBu},
    {"crc32_bzip2", w_bz, w_bzc, 0xFC891918u}};
enum { NCRCX = sizeof g_crcx / sizeof g_crcx[0] };

/* catalogue check values ("123456789") and edge arguments, on every path */
static void crcx_vectors(void) {
    int p;
    size_t v;
    for (p = 0; p < g_npaths; p++) {
        LLT_REQUIRE(llcrc_force_path(g_paths[p]) == 0);
        for (v = 0; v < NCRCX; v++) {
            LLT_CHECKF(g_crcx[v].fn(0, "123456789", 9) == g_crcx[v].check, "%s on %s", g_crcx[v].name,
                       llcrc_path_name(g_paths[p]));
            LLT_EQ_U64(g_crcx[v].fn(0x1234, NULL, 0), 0x1234);
            /* chained in pieces of every split */
            LLT_EQ_U64(g_crcx[v].fn(g_crcx[v].fn(0, "1234", 4), "56789", 5), g_crcx[v].check);
            LLT_EQ_U64(g_crcx[v].comb(g_crcx[v].fn(0, "123", 3), g_crcx[v].fn(0, "456789", 6), 6), g_crcx[v].check);
            LLT_EQ_U64(g_crcx[v].comb(g_crcx[v].check, 0, 0), g_crcx[v].check);
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
}

/* every path equals the portable tables: every length 0..4096 at every offset 0..63, every variant */
static void crcx_paths_match_portable(void) {
    enum { MAXN = 4096, OFFS = 64 };
    unsigned char *buf = (unsigned char *)malloc(MAXN + OFFS);
    size_t stride = (size_t)(1.0 / llt_scale() + 0.5), n, v;
    int off, p, bad = 0;
    LLT_REQUIRE(buf);
    if (g_npaths < 2) {
        free(buf);
        LLT_SKIP("only the portable path runs here");
    }
    if (stride < 1) stride = 1;
    fill(buf, MAXN + OFFS);
    for (n = 0; n <= MAXN; n += (n < 300 ? 1 : stride))
        for (off = 0; off < OFFS; off++)
            for (v = 0; v < NCRCX; v++) {
                uint64_t seed = (uint64_t)(n * 0x9E3779B97F4A7C15ull + (size_t)off), ref;
                llcrc_force_path(LLCRC_PATH_PORTABLE);
                ref = g_crcx[v].fn(seed, buf + off, n);
                for (p = 1; p < g_npaths; p++) {
                    llcrc_force_path(g_paths[p]);
                    if (g_crcx[v].fn(seed, buf + off, n) != ref && bad++ < 5)
                        LLT_CHECKF(0, "%s on %s differs at len %zu off %d", g_crcx[v].name, llcrc_path_name(g_paths[p]), n, off);
                }
            }
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(buf);
}

/* combine, and large buffers (every fold loop many times) against chained pieces */
static void crcx_combine_large(void) {
    enum { N = 300000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(200, 20), it;
    size_t v;
    int p;
    LLT_REQUIRE(b);
    fill(b, N);
    for (p = 0; p < g_npaths; p++) {
        llcrc_force_path(g_paths[p]);
        for (it = 0; it < iters; it++) {
            size_t n = rnd() % N, k = n ? rnd() % (n + 1) : 0;
            for (v = 0; v < NCRCX; v++) {
                uint64_t c = g_crcx[v].fn(0, b, n), c1 = g_crcx[v].fn(0, b, k), c2 = g_crcx[v].fn(0, b + k, n - k);
                LLT_EQ_U64(g_crcx[v].fn(c1, b + k, n - k), c);
                LLT_EQ_U64(g_crcx[v].comb(c1, c2, n - k), c);
            }
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(b);
}

/* ISA-L's functions for the same parameterisations (ISA-L inverts in and out of the refl/norm CRC-64
   functions and crc32_ieee, not in crc16_t10dif; it has no CRC-64/NVME) */
static void crcx_against_isal(void) {
#ifdef LLT_HAVE_ISAL
    enum { N = 70000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(1500, 50), it;
    int p, isal_crc64_runs = 1;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    /* ISA-L 2.30 picks a PCLMULQDQ kernel for its CRC-64 functions on a CPU with SSE4.2 but no PCLMULQDQ
       (SIGILL under qemu -cpu Nehalem): compare with them only where they run */
    isal_crc64_runs = __builtin_cpu_supports("pclmul");
    if (!isal_crc64_runs) printf("  ISA-L's CRC-64 functions skipped: no PCLMULQDQ on this CPU\n");
#endif
    LLT_REQUIRE(b);
    fill(b, N);
    for (p = 0; p < g_npaths; p++) {
        llcrc_force_path(g_paths[p]);
        for (it = 0; it < iters; it++) {
            size_t n = rnd() % (it & 1 ? 700 : N), off = rnd() % 64;
            uint64_t s = rnd();
            if (n + off > N) n = N - off;
            if (isal_crc64_runs) {
                LLT_EQ_U64(llcrc_crc64_xz(s, b + off, n), crc64_ecma_refl(s, b + off, n));
                LLT_EQ_U64(llcrc_crc64_goiso(s, b + off, n), crc64_iso_refl(s, b + off, n));
                LLT_EQ_U64(llcrc_crc64_ecma182(s, b + off, n), ~crc64_ecma_norm(~s, b + off, n));
            }
            LLT_EQ_U64(llcrc_crc16_t10dif((uint16_t)s, b + off, n), crc16_t10dif((uint16_t)s, b + off, n));
            LLT_EQ_U64(llcrc_crc32_bzip2((uint32_t)s, b + off, n), crc32_ieee((uint32_t)s, b + off, n));
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    free(b);
#else
    LLT_SKIP("ISA-L not available (build without LLT_HAVE_ISAL)");
#endif
}

/* ---- XXH3-128, custom secrets, secret generation: xxHash's own sanity vectors ---- */
static void sanity_fill(unsigned char *b, size_t n) { /* xxHash's sanity buffer generator */
    uint64_t g = 2654435761u;
    size_t i;
    for (i = 0; i < n; i++) {
        b[i] = (unsigned char)(g >> 56);
        g *= 11400714785074694797ull;
    }
}
static void xxh128_sanity(void) {
    static const struct { uint32_t len; uint64_t seed, lo, hi; } v128[] = {
        {0, 0, 0x6001C324468D497Full, 0x99AA06D3014798D8ull}, {0, 2654435761u, 0x5444F7869C671AB0ull, 0x92220AE55E14AB50ull},
        {1, 0, 0xC44BDFF4074EECDBull, 0xA6CD5E9392000F6Aull}, {1, 2654435761u, 0xB53D5557E7F76F8Dull, 0x89B99554BA22467Cull},
        {6, 0, 0x3E7039BDDA43CFC6ull, 0x082AFE0B8162D12Aull}, {6, 2654435761u, 0x269D8F70BE98856Eull, 0x5A865B5389ABD2B1ull},
        {12, 0, 0x061A192713F69AD9ull, 0x6E3EFD8FC7802B18ull}, {12, 2654435761u, 0x9BE9F9A67F3C7DFBull, 0xD7E09D518A3405D3ull},
        {24, 0, 0x1E7044D28B1B901Dull, 0x0CE966E4678D3761ull}, {24, 2654435761u, 0xD7304C54EBAD40A9ull, 0x3162026714A6A243ull},
        {48, 0, 0xF942219AED80F67Bull, 0xA002AC4E5478227Eull}, {48, 2654435761u, 0x7BA3C3E453A1934Eull, 0x163ADDE36C072295ull},
        {81, 0, 0x5E8BAFB9F95FB803ull, 0x4952F58181AB0042ull}, {81, 2654435761u, 0x703FBB3D7A5F755Cull, 0x2724EC7ADC750FB6ull},
        {222, 0, 0xF1AEBD597CEC6B3Aull, 0x337E09641B948717ull}, {222, 2654435761u, 0xAE995BB8AF917A8Dull, 0x91820016621E97F1ull},
        {403, 0, 0xCDEB804D65C6DEA4ull, 0x1B6DE21E332DD73Dull}, {403, 11400714785074694797ull, 0x6259F6ECFD6443FDull, 0xBED311971E0BE8F2ull},
        {512, 0, 0x617E49599013CB6Bull, 0x18D2D110DCC9BCA1ull}, {512, 11400714785074694797ull, 0x3CE457DE14C27708ull, 0x925D06B8EC5B8040ull},
        {2048, 0, 0xDD59E2C3A5F038E0ull, 0xF736557FD47073A5ull}, {2048, 2654435761u, 0x230D43F30206260Bull, 0x7FB03F7E7186C3EAull},
        {2240, 0, 0x6E73A90539CF2948ull, 0xCCB134FBFA7CE49Dull}, {2240, 2654435761u, 0xED385111126FBA6Full, 0x50A1FE17B338995Full},
        {2367, 0, 0xCB37AEB9E5D361EDull, 0xE89C0F6FF369B427ull}, {2367, 2654435761u, 0x6F5360AE69C2F406ull, 0xD23AAE4B76C31ECBull}};
    static const struct { uint32_t len; uint64_t lo, hi; } v128s[] = {
        {0, 0x005923CCEECBE8AEull, 0x5F70F4EA232F1D38ull}, {1, 0x8A52451418B2DA4Dull, 0x3A66AF5A9819198Eull},
        {6, 0x0B61C8ACA7D4778Full, 0x376BD91B6432F36Dull}, {12, 0xAF82F6EBA263D7D8ull, 0x90A3C2D839F57D0Full}};
    static const struct { uint32_t len; uint64_t h; } v64s[] = {
        {0, 0x3559D64878C5C66Cull}, {1, 0x8A52451418B2DA4Dull}, {6, 0x82C90AB0519369ADull}, {12, 0x14631E773B78EC57ull},
        {24, 0xCDD5542E4A9D9FE8ull}, {48, 0x33ABD54D094B2534ull}, {80, 0xE687BA1684965297ull}, {195, 0xA057273F5EECFB20ull},
        {403, 0x14546019124D43B8ull}, {512, 0x7564693DD526E28Dull}, {2048, 0xD32E975821D6519Full},
        {2367, 0x293FA8E5173BB5E7ull}, {1920, 0x751D2EC54BC6038Bull}};
    static const struct { uint32_t len, size; unsigned char b[5]; } vgen[] = { /* bytes 0, 62, 131, 191, 241 */
        {0, 192, {0xE7, 0x8C, 0x77, 0x77, 0x00}}, {1, 240, {0x2B, 0x3E, 0xDE, 0xC1, 0x00}},
        {135, 277, {0xE8, 0x39, 0x6C, 0xCC, 0x7B}}, {692, 9867, {0xD6, 0x1C, 0x41, 0x17, 0xB3}}};
    static unsigned char gen[9867];
    unsigned char buf[2367], sec[192];
    const unsigned char *secret = buf + 7;
    size_t i;
    int p;
    sanity_fill(buf, sizeof buf);
    for (p = 0; p < g_npaths; p++) {
        llcrc_force_path(g_paths[p]);
        for (i = 0; i < sizeof v128 / sizeof v128[0]; i++) {
            llcrc_u128 h = llcrc_xxh3_128(v128[i].len ? buf : NULL, v128[i].len, v128[i].seed);
            llcrc_xxh3_state st;
            size_t k;
            LLT_CHECKF(h.lo == v128[i].lo && h.hi == v128[i].hi, "xxh3_128 len %u on %s", (unsigned)v128[i].len,
                       llcrc_path_name(g_paths[p]));
            llcrc_xxh3_128_init(&st, v128[i].seed);
            for (k = 0; k < v128[i].len; k++) llcrc_xxh3_128_update(&st, buf + k, 1); /* byte by byte */
            h = llcrc_xxh3_128_digest(&st);
            LLT_CHECKF(h.lo == v128[i].lo && h.hi == v128[i].hi, "xxh3_128 streamed len %u", (unsigned)v128[i].len);
        }
        for (i = 0; i < sizeof v128s / sizeof v128s[0]; i++) {
            llcrc_u128 h = llcrc_xxh3_128_secret(buf, v128s[i].len, secret, 136 + 11);
            LLT_CHECKF(h.lo == v128s[i].lo && h.hi == v128s[i].hi, "xxh3_128_secret len %u", (unsigned)v128s[i].len);
        }
        for (i = 0; i < sizeof v64s / sizeof v64s[0]; i++)
            LLT_EQ_U64(llcrc_xxh3_64_secret(buf, v64s[i].len, secret, 136 + 11), v64s[i].h);
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    for (i = 0; i < sizeof vgen / sizeof vgen[0]; i++) {
        memset(gen, 0, sizeof gen);
        LLT_EQ_I64(llcrc_xxh3_generate_secret(gen, vgen[i].size, buf, vgen[i].len), 0);
        LLT_CHECKF(gen[0] == vgen[i].b[0] && gen[62] == vgen[i].b[1] && gen[131] == vgen[i].b[2] &&
                       gen[191] == vgen[i].b[3] && gen[241] == vgen[i].b[4],
                   "generate_secret: %u bytes from %u seed bytes", (unsigned)vgen[i].size, (unsigned)vgen[i].len);
    }
    /* bad input: documented results, no crash */
    LLT_EQ_I64(llcrc_xxh3_generate_secret(sec, 135, buf, 10), LLCRC_EINVAL);
    LLT_EQ_I64(llcrc_xxh3_generate_secret(NULL, 192, buf, 10), LLCRC_EINVAL);
    LLT_EQ_I64(llcrc_xxh3_generate_secret(sec, 192, NULL, 10), LLCRC_EINVAL);
    LLT_EQ_U64(llcrc_xxh3_64_secret(buf, 100, NULL, 0), llcrc_xxh3_64(buf, 100, 0));
    LLT_EQ_U64(llcrc_xxh3_128_secret(buf, 500, secret, 135).hi, llcrc_xxh3_128(buf, 500, 0).hi);
    /* the secret a seed stands for gives the seeded hash */
    llcrc_xxh3_secret_from_seed(sec, 12345);
    LLT_EQ_U64(llcrc_xxh3_128_secret(buf, 2000, sec, 192).lo, llcrc_xxh3_128(buf, 2000, 12345).lo);
}

static void xxh128_against_libxxhash(void) {
#ifdef LLT_HAVE_XXHASH
    enum { N = 20000 };
    unsigned char *b = (unsigned char *)malloc(N), sec[600], sec2[600];
    uint64_t iters = llt_scaled(3000, 100), it;
    int p;
    LLT_REQUIRE(b);
    fill(b, N);
    for (p = 0; p < g_npaths; p++) {
        llcrc_force_path(g_paths[p]);
        for (it = 0; it < iters; it++) {
            size_t n = it < 1200 ? it : rnd() % (N - 700), off = rnd() % 16, ssz = 136 + rnd() % 400;
            uint64_t seed = it & 1 ? rnd() : 0;
            XXH128_hash_t r = XXH3_128bits_withSeed(b + off, n, seed);
            llcrc_u128 m = llcrc_xxh3_128(b + off, n, seed);
            LLT_CHECKF(r.low64 == m.lo && r.high64 == m.hi, "xxh3_128 len %zu", n);
            r = XXH3_128bits_withSecret(b + off, n, b + N - 600, ssz);
            m = llcrc_xxh3_128_secret(b + off, n, b + N - 600, ssz);
            LLT_CHECKF(r.low64 == m.lo && r.high64 == m.hi, "xxh3_128_secret len %zu secret %zu", n, ssz);
            LLT_EQ_U64(llcrc_xxh3_64_secret(b + off, n, b + N - 600, ssz), XXH3_64bits_withSecret(b + off, n, b + N - 600, ssz));
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    for (it = 0; it < 64; it++) {
        size_t ssz = 136 + rnd() % 450, sdn = rnd() % 300;
        LLT_REQUIRE(XXH3_generateSecret(sec, ssz, b, sdn) == XXH_OK);
        LLT_EQ_I64(llcrc_xxh3_generate_secret(sec2, ssz, b, sdn), 0);
        LLT_EQ_MEM(sec, sec2, ssz);
    }
    free(b);
#else
    LLT_SKIP("libxxhash not available (build without LLT_HAVE_XXHASH)");
#endif
}

static void adler32_combine_check(void) {
    enum { N = 100000 };
    unsigned char *b = (unsigned char *)malloc(N);
    uint64_t iters = llt_scaled(2000, 100), it;
    LLT_REQUIRE(b);
    fill(b, N);
    for (it = 0; it < iters; it++) {
        size_t n = rnd() % N, k = n ? rnd() % (n + 1) : 0;
        uint32_t a = llcrc_adler32(1, b, n), a1 = llcrc_adler32(1, b, k), a2 = llcrc_adler32(1, b + k, n - k);
        LLT_EQ_U64(llcrc_adler32_combine(a1, a2, n - k), a);
#ifdef LLT_HAVE_ZLIB
        {
            uint32_t x = (uint32_t)rnd(), y = (uint32_t)rnd();
            uint64_t l = rnd() >> (rnd() % 64);
            x = (x & 0xffff) % 65521u | ((x >> 16) % 65521u) << 16;
            y = (y & 0xffff) % 65521u | ((y >> 16) % 65521u) << 16;
            LLT_EQ_U64(llcrc_adler32_combine(x, y, l >> 2), adler32_combine64(x, y, (z_off64_t)(l >> 2)));
        }
#endif
    }
    LLT_EQ_U64(llcrc_adler32_combine(llcrc_adler32(1, "Wiki", 4), llcrc_adler32(1, "pedia", 5), 5), 0x11E60398u);
    free(b);
}

/* ---- the CPU ladder: under `qemu-x86_64 -cpu MODEL` (make cpus) LLT_CPU_FEATURES lists what the model
   offers; llcrc's detection must match it and the automatic path must be the best those features allow ---- */
static void cpu_ladder(void) {
    static const struct { const char *name; uint32_t bit; } known[] = {
        {"sse4.2", LLCRC_CPU_SSE42}, {"pclmul", LLCRC_CPU_PCLMUL}, {"avx", LLCRC_CPU_AVX},
        {"avx2", LLCRC_CPU_AVX2}, {"avx512f", LLCRC_CPU_AVX512F}, {"avx512bw", LLCRC_CPU_AVX512BW},
        {"avx512vl", LLCRC_CPU_AVX512VL}, {"vpclmul", LLCRC_CPU_VPCLMUL}};
    const char *list = getenv("LLT_CPU_FEATURES"), *model = getenv("LLT_CPU_MODEL");
    uint32_t want = 0, got, mask = 0;
    int expect = LLCRC_PATH_PORTABLE;
    size_t i;
    if (!list) LLT_SKIP("LLT_CPU_FEATURES not set (make cpus sets it for each qemu model)");
#if !defined(__x86_64__) || defined(LLCRC_NO_SIMD)
    LLT_SKIP("x86-64 SIMD detection not built");
#endif
    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *s = list;
        size_t k = strlen(known[i].name);
        mask |= known[i].bit;
        while ((s = strstr(s, known[i].name)) != NULL) {
            if ((s == list || s[-1] == ',') && (s[k] == ',' || s[k] == 0)) want |= known[i].bit;
            s += k;
        }
    }
    got = llcrc_cpu_features() & mask;
    LLT_CHECKF(got == want, "%s: features %#x detected, %#x listed (%s)", model ? model : "?", (unsigned)got,
               (unsigned)want, list);
    if ((want & LLCRC_CPU_SSE42) && (want & LLCRC_CPU_PCLMUL)) {
        expect = LLCRC_PATH_SSE42;
        if (want & LLCRC_CPU_AVX2) {
            expect = LLCRC_PATH_AVX2;
            if (want & LLCRC_CPU_VPCLMUL) {
                expect = LLCRC_PATH_AVX2_VPCLMUL;
                if ((want & LLCRC_CPU_AVX512F) && (want & LLCRC_CPU_AVX512BW) && (want & LLCRC_CPU_AVX512VL))
                    expect = LLCRC_PATH_AVX512;
            }
        }
    }
    llcrc_force_path(LLCRC_PATH_AUTO);
    LLT_CHECKF(llcrc_path() == expect, "%s: automatic path %s, the features allow %s", model ? model : "?",
               llcrc_path_name(llcrc_path()), llcrc_path_name(expect));
    printf("  %s: %s\n", model ? model : "?", llcrc_describe());
}

int main(int argc, char **argv) {
    LLT_INIT("llcrc", argc, argv);
    LLT_RUN(concurrent_first_use);
    collect_paths();
    LLT_RUN(paths_and_names);
    LLT_RUN(cpu_ladder);
    LLT_RUN(known_vectors);
    LLT_RUN(paths_match_portable);
    LLT_RUN(paths_large);
    LLT_RUN(chain_and_combine);
    LLT_RUN(against_zlib);
    LLT_RUN(xxhash_streaming);
    LLT_RUN(against_libxxhash);
    LLT_RUN(fletcher_model_check);
    LLT_RUN(rolling_hash);
    LLT_RUN(cdc_matches_model);
    LLT_RUN(gear_stability);
    LLT_RUN(delta_roundtrip);
    LLT_RUN(delta_bad_input);
    LLT_RUN(crcx_vectors);
    LLT_RUN(crcx_paths_match_portable);
    LLT_RUN(crcx_combine_large);
    LLT_RUN(crcx_against_isal);
    LLT_RUN(xxh128_sanity);
    LLT_RUN(xxh128_against_libxxhash);
    LLT_RUN(adler32_combine_check);
    return LLT_FINISH();
}
