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
#include <xxhash.h>
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
    return LLT_FINISH();
}
