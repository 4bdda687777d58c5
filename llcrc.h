/* llcrc.h - checksums, hashes and XOR delta at memory speed                              v0.2.0
   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file).

   WHAT
     CRC-32C (Castagnoli) and CRC-32 (zlib/gzip) with O(log n) combine, Adler-32 (zlib), Fletcher-32,
     xxHash XXH32 / XXH64 / XXH3_64 (bit-exact with xxHash 0.8, one-shot with seed and streaming), a
     windowed rolling hash, gear-hash content-defined chunking (FastCDC normalized chunking), and XOR
     delta with a compact run-length encoding whose decoder validates every byte of its input.
     The best code path is picked once, at first use, from the CPU's own cpuid / HWCAP (PLATFORMS).
     Nothing allocates, nothing prints; the portable path builds freestanding (Cortex-M).

   EXAMPLE
     #define LLCRC_IMPLEMENTATION
     #include "llcrc.h"
     #include <stdio.h>
     int main(void) {
         const char msg[] = "123456789";
         uint32_t c = llcrc_crc32c(0, msg, 4);      // start with 0 ...
         c = llcrc_crc32c(c, msg + 4, 5);           // ... and chain by passing the result
         uint64_t h = llcrc_xxh3_64(msg, 9, 0);     // == XXH3_64bits_withSeed(msg, 9, 0)
         printf("crc32c %08x xxh3 %016llx on %s\n", (unsigned)c, (unsigned long long)h,
                llcrc_path_name(LLCRC_PATH_AUTO));
         return c == 0xE3069283u ? 0 : 1;
     }

   OPTIONS (define before including)
     LLCRC_IMPLEMENTATION  [one unit] emit the implementation (LL_IMPLEMENTATION: every ll header).
     LLCRC_STATIC          [any unit] a private copy in this unit: implies LLCRC_IMPLEMENTATION, every API
                           function static (LL_STATIC: every ll header).
     LLCRC_ASSERT(x)       [one unit] assertion for internal invariants (default: assert(), nothing when
                           freestanding).
     LLCRC_FREESTANDING    [every unit] only <stddef.h>, <stdint.h>, <stdbool.h> and builtins (on by itself
                           when __STDC_HOSTED__ == 0): x86 SIMD off, ARM CRC only with __ARM_FEATURE_CRC32.
     LLCRC_NO_SIMD         [one unit] portable code only: no intrinsics, no cpuid.
     LLCRC_NO_SSE42, LLCRC_NO_AVX2, LLCRC_NO_AVX512, LLCRC_NO_ARM_CRC, LLCRC_NO_ARM_PMULL
                           [one unit] compile out one path (and, on x86, the ones above it).
     LLCRC_INLINE          [every unit] marker of inline functions in the declarations part (default
                           static inline).

   API (all calls thread-safe; NULL with length 0 is valid everywhere and returns the start value)
     uint32_t llcrc_crc32c(crc, data, len), llcrc_crc32(crc, data, len)   start with 0, chain the result
     uint32_t llcrc_crc32c_combine(crc1, crc2, len2), llcrc_crc32_combine(...)   crc(A||B), O(log len2)
     uint32_t llcrc_adler32(adler, data, len)  (start with 1);  uint32_t llcrc_fletcher32(data, len)
     uint32_t llcrc_xxh32(data, len, seed);  uint64_t llcrc_xxh64(...), llcrc_xxh3_64(...)
     llcrc_xxh32/xxh64/xxh3_64 _init(st, seed), _update(st, data, len), _digest(st)   (streaming)
     llcrc_roll_init(r, window), llcrc_roll_push(r, in), llcrc_roll_roll(r, out, in), llcrc_roll_hash(d, w)
     int llcrc_cdc_init(c, min, avg, max); size_t llcrc_cdc_next(c, data, len); llcrc_gear(h, data, len)
     uint64_t llcrc_crc64_nvme/xz/ecma182/goiso(crc, data, len); uint16_t llcrc_crc16_t10dif(...);
     uint32_t llcrc_crc32_bzip2(...); each with _combine(crc1, crc2, len2); llcrc_adler32_combine(...)
     llcrc_u128 llcrc_xxh3_128(data, len, seed), llcrc_xxh3_128_init/_update/_digest (streaming);
     llcrc_xxh3_64_secret / llcrc_xxh3_128_secret(data, len, secret, size); llcrc_xxh3_generate_secret
     void llcrc_xor(dst, a, b, len); size_t llcrc_delta_bound(len);
     ptrdiff_t llcrc_delta_encode(out, cap, cur, prev, len), llcrc_delta_decode(dst, cap, enc, enc_len),
               llcrc_delta_apply(buf, len, enc, enc_len)
     int llcrc_path(void); const char *llcrc_path_name(path); bool llcrc_path_supported(path);
     int llcrc_force_path(path); int llcrc_tuning(void); int llcrc_force_tuning(tuning);
     uint32_t llcrc_cpu_features(void); const char *llcrc_describe(void)   (what was chosen and why)
     const char *llcrc_strerror(int err);  const char *llcrc_version(void);
     void llcrc_cpu_relax(void);  (pause / yield hint for spin loops)

   SEMANTICS
     CRCs follow zlib's conventions: llcrc_crc32 is zlib's crc32() (and llcrc_crc32_combine zlib's
     crc32_combine), llcrc_crc32c(0, "123456789", 9) == 0xE3069283. ISA-L's crc32_iscsi(buf, n, init)
     does not invert: llcrc_crc32c(c, buf, n) == ~crc32_iscsi(buf, n, ~c). llcrc_adler32 is zlib's
     adler32(). Fletcher-32 sums little-endian 16-bit words mod 65535 (an odd last byte padded with 0)
     and returns (sum2 << 16) | sum1. xxHash digests do not end the state (update may follow).
     XOR delta: llcrc_xor computes dst = a ^ b (dst may be a or b, but must not partially overlap them);
     applying a delta is the same operation. Encoding: varint(len), then tokens varint(zero_run),
     varint(literal_len), literal bytes, covering exactly len bytes; prev == NULL means cur already is
     the delta. decode writes the whole delta and returns its length; apply XORs it into buf, which must
     be exactly as long, and leaves buf untouched on error. Neither reads nor writes out of bounds.
     Gear CDC: init needs 1 <= min <= avg <= max, 64 <= avg <= 2^30; next returns the length of the next
     chunk: a cut in [min, max], or len when len <= min or no cut is found before min(len, max). Pass
     at least max bytes unless at the end of the stream. Boundaries are stable across versions.

   ERRORS
     LLCRC_EINVAL     a NULL pointer with a length, bad chunking parameters, apply with a wrong length
     LLCRC_ENOSPC     the output buffer is too small (encode, decode)
     LLCRC_EBADMSG    an encoded delta is truncated or corrupt
     LLCRC_EOPNOTSUPP llcrc_force_path: the path is not built in or not supported by this CPU

   THREADS
     Every call may run on any thread. The one-time setup (tables, CPU detection) is guarded by atomics,
     so first use from many threads at once is safe. llcrc_force_path changes the path for the whole
     process (tests and benchmarks use it); streaming states belong to one thread at a time.

   PLATFORMS
     x86-64  : SSE4.2 crc32 + PCLMULQDQ folding; AVX2; AVX2 + VPCLMULQDQ (256-bit folds beside three
               crc32 streams: AMD Zen 3); AVX-512 + VPCLMULQDQ (512-bit folds)
     aarch64 : ARMv8 CRC32 instructions (both polynomials), PMULL folding (Linux HWCAP)
     anywhere: portable slice-by-8 tables (also freestanding). SIMD paths need GCC >= 8 or Clang; any
     C99 / C++11 compiler builds the portable code.
     The path is the widest the CPU offers. Within a path one kernel serves every CPU except where the
     best one was measured to differ; then a vendor table picks it (LLCRC_TUNE_*): XXH32's four lanes go
     in one xmm register on AMD (VPMULLD: 1 uop, 3 cycles) and stay in scalar registers on Intel and
     unknown vendors (VPMULLD: 2 uops, 10 cycles). XXH64's lanes are scalar everywhere (a compiler that
     vectorises them loses on Intel and Zen 3). llcrc_describe() says what was chosen and why.
*/
#if defined(LL_IMPLEMENTATION) && !defined(LLCRC_IMPLEMENTATION)
#define LLCRC_IMPLEMENTATION
#endif
#if defined(LL_STATIC) && !defined(LLCRC_STATIC)
#define LLCRC_STATIC
#endif
#if defined(LLCRC_STATIC) && !defined(LLCRC_IMPLEMENTATION)
#define LLCRC_IMPLEMENTATION /* static functions are defined in every unit that uses them */
#endif
#if defined(LLCRC_IMPLEMENTATION) && defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifndef LLCRC_H
#define LLCRC_H

#define LLCRC_VERSION_MAJOR 0
#define LLCRC_VERSION_MINOR 2
#define LLCRC_VERSION_PATCH 0
#define LLCRC_VERSION_STRING "0.2.0"

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LLCRC_I_UNUSED __attribute__((unused))
#define LLCRC_LIKELY(x) __builtin_expect(!!(x), 1)
#define LLCRC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LLCRC_I_UNUSED
#define LLCRC_LIKELY(x) (x)
#define LLCRC_UNLIKELY(x) (x)
#endif
#ifdef LLCRC_STATIC
#define LLCRCDEF static LLCRC_I_UNUSED
#else
#define LLCRCDEF extern
#endif
#ifndef LLCRC_INLINE
#define LLCRC_INLINE static inline LLCRC_I_UNUSED
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(LLCRC_FREESTANDING) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#define LLCRC_FREESTANDING
#endif

/* error codes (negative; values mirror Linux errno) */
#define LLCRC_OK 0
#define LLCRC_EINVAL (-22)     /* invalid argument */
#define LLCRC_ENOSPC (-28)     /* output buffer too small */
#define LLCRC_EBADMSG (-74)    /* encoded delta truncated or corrupt */
#define LLCRC_EOPNOTSUPP (-95) /* path not built in or not supported by this CPU */

/* code paths (llcrc_force_path / llcrc_path) */
#define LLCRC_PATH_AUTO (-1)     /* best available (the default) */
#define LLCRC_PATH_PORTABLE 0    /* tables, any CPU */
#define LLCRC_PATH_SSE42 1       /* x86-64 SSE4.2 crc32 + PCLMULQDQ */
#define LLCRC_PATH_AVX2 2        /* + AVX2 (adler32, xxh3, xor) */
#define LLCRC_PATH_AVX2_VPCLMUL 3 /* + VPCLMULQDQ on 256-bit registers (AMD Zen 3) */
#define LLCRC_PATH_AVX512 4      /* + AVX-512 F/BW/VL + VPCLMULQDQ */
#define LLCRC_PATH_ARMV8 5       /* aarch64 CRC32 instructions */
#define LLCRC_PATH_ARMV8_PMULL 6 /* + PMULL folding (aarch64 Linux) */
#define LLCRC_PATH_COUNT 7

/* kernel tuning where the best kernel differs between CPUs of the same path (llcrc_force_tuning) */
#define LLCRC_TUNE_AUTO (-1) /* from the CPU's vendor and family (the default) */
#define LLCRC_TUNE_INTEL 0   /* vector integer multiplies slow (VPMULLD 2 uops, 10 cycles): scalar xxHash lanes */
#define LLCRC_TUNE_AMD 1     /* vector integer multiplies fast (VPMULLD 1 uop, 3 cycles): XXH32 lanes in one xmm */

/* CPU features llcrc looks for (llcrc_cpu_features): what the CPU and the OS offer */
#define LLCRC_CPU_SSE42 (1u << 0)
#define LLCRC_CPU_PCLMUL (1u << 1)
#define LLCRC_CPU_AVX (1u << 2)  /* with the OS saving ymm state */
#define LLCRC_CPU_AVX2 (1u << 3)
#define LLCRC_CPU_AVX512F (1u << 4) /* with the OS saving zmm state */
#define LLCRC_CPU_AVX512BW (1u << 5)
#define LLCRC_CPU_AVX512VL (1u << 6)
#define LLCRC_CPU_VPCLMUL (1u << 7)
#define LLCRC_CPU_ARM_CRC32 (1u << 8)
#define LLCRC_CPU_ARM_PMULL (1u << 9)

#ifdef __cplusplus
extern "C" {
#endif

LLCRC_INLINE void llcrc_cpu_relax(void) { /* pause / yield hint inside spin loops */
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
                                                   defined(__ARM_ARCH_7A__) || defined(__ARM_ARCH_8A__)))
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

/* streaming states: plain structs, copyable, no allocation */
typedef struct llcrc_xxh32_state {
    uint64_t total;
    uint32_t v[4];
    uint32_t seed;
    uint32_t bufn;
    unsigned char buf[16];
} llcrc_xxh32_state;

typedef struct llcrc_xxh64_state {
    uint64_t total;
    uint64_t v[4];
    uint64_t seed;
    uint32_t bufn;
    uint32_t reserved;
    unsigned char buf[32];
} llcrc_xxh64_state;

typedef struct llcrc_xxh3_state {
    uint64_t acc[8];
    uint64_t total;
    uint64_t seed;
    uint32_t bufn;      /* bytes in buf (never consumed until more data follows) */
    uint32_t stripes;   /* stripes accumulated in the current block */
    unsigned char secret[192];
    unsigned char buf[256];
    unsigned char last[64]; /* the last 64 bytes consumed before buf */
} llcrc_xxh3_state;

typedef struct llcrc_u128 {
    uint64_t lo, hi; /* XXH128_hash_t's low64, high64 */
} llcrc_u128;

typedef struct llcrc_roll {
    uint64_t h;        /* current hash */
    uint64_t out_mul;  /* B^window */
    uint32_t window;
    uint32_t filled;
} llcrc_roll;

typedef struct llcrc_cdc {
    uint32_t min, avg, max;
    uint32_t bits;
    uint64_t mask_s; /* stricter mask, before avg */
    uint64_t mask_l; /* looser mask, after avg */
} llcrc_cdc;

/* ---- CRC ---- */
LLCRCDEF uint32_t llcrc_crc32c(uint32_t crc, const void *data, size_t len);
LLCRCDEF uint32_t llcrc_crc32(uint32_t crc, const void *data, size_t len);
/* crc of A||B from crc1 = crc(A), crc2 = crc(B), len2 = |B|; O(log len2) */
LLCRCDEF uint32_t llcrc_crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);
LLCRCDEF uint32_t llcrc_crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);

/* ---- more CRCs, named as the CRC catalogue names them; zlib conventions (start with 0, chain by passing
   the result); combine gives crc(A||B) from crc(A), crc(B), |B|. Check values ("123456789"):
   NVME 0xAE8B14860A799888 (the "Rocksoft" polynomial), XZ 0x995DC9BBDF1939FA (ECMA-182 reflected),
   ECMA-182 0x6C40DF5F0B497347, GO-ISO 0xB90956C775A41001, T10-DIF 0xD0DB, BZIP2 0xFC891918 ---- */
LLCRCDEF uint64_t llcrc_crc64_nvme(uint64_t crc, const void *data, size_t len);
LLCRCDEF uint64_t llcrc_crc64_xz(uint64_t crc, const void *data, size_t len);
LLCRCDEF uint64_t llcrc_crc64_ecma182(uint64_t crc, const void *data, size_t len);
LLCRCDEF uint64_t llcrc_crc64_goiso(uint64_t crc, const void *data, size_t len);
LLCRCDEF uint16_t llcrc_crc16_t10dif(uint16_t crc, const void *data, size_t len);
LLCRCDEF uint32_t llcrc_crc32_bzip2(uint32_t crc, const void *data, size_t len);
LLCRCDEF uint64_t llcrc_crc64_nvme_combine(uint64_t crc1, uint64_t crc2, uint64_t len2);
LLCRCDEF uint64_t llcrc_crc64_xz_combine(uint64_t crc1, uint64_t crc2, uint64_t len2);
LLCRCDEF uint64_t llcrc_crc64_ecma182_combine(uint64_t crc1, uint64_t crc2, uint64_t len2);
LLCRCDEF uint64_t llcrc_crc64_goiso_combine(uint64_t crc1, uint64_t crc2, uint64_t len2);
LLCRCDEF uint16_t llcrc_crc16_t10dif_combine(uint16_t crc1, uint16_t crc2, uint64_t len2);
LLCRCDEF uint32_t llcrc_crc32_bzip2_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);

/* ---- Adler-32 / Fletcher-32 ---- */
LLCRCDEF uint32_t llcrc_adler32(uint32_t adler, const void *data, size_t len); /* start with 1 */
LLCRCDEF uint32_t llcrc_adler32_combine(uint32_t adler1, uint32_t adler2, uint64_t len2); /* == zlib's */
LLCRCDEF uint32_t llcrc_fletcher32(const void *data, size_t len);

/* ---- xxHash (bit-exact with xxHash 0.8 XXH32, XXH64, XXH3_64bits_withSeed) ---- */
LLCRCDEF uint32_t llcrc_xxh32(const void *data, size_t len, uint32_t seed);
LLCRCDEF uint64_t llcrc_xxh64(const void *data, size_t len, uint64_t seed);
LLCRCDEF uint64_t llcrc_xxh3_64(const void *data, size_t len, uint64_t seed);
LLCRCDEF void llcrc_xxh32_init(llcrc_xxh32_state *st, uint32_t seed);
LLCRCDEF void llcrc_xxh32_update(llcrc_xxh32_state *st, const void *data, size_t len);
LLCRCDEF uint32_t llcrc_xxh32_digest(const llcrc_xxh32_state *st);
LLCRCDEF void llcrc_xxh64_init(llcrc_xxh64_state *st, uint64_t seed);
LLCRCDEF void llcrc_xxh64_update(llcrc_xxh64_state *st, const void *data, size_t len);
LLCRCDEF uint64_t llcrc_xxh64_digest(const llcrc_xxh64_state *st);
LLCRCDEF void llcrc_xxh3_64_init(llcrc_xxh3_state *st, uint64_t seed);
LLCRCDEF void llcrc_xxh3_64_update(llcrc_xxh3_state *st, const void *data, size_t len);
LLCRCDEF uint64_t llcrc_xxh3_64_digest(const llcrc_xxh3_state *st);
/* XXH3 with a custom secret of secret_size >= LLCRC_XXH3_SECRET_MIN bytes (== XXH3_64bits_withSecret /
   XXH3_128bits_withSecret; a NULL or shorter secret hashes with the default one, seed 0) */
#define LLCRC_XXH3_SECRET_MIN 136
LLCRCDEF uint64_t llcrc_xxh3_64_secret(const void *data, size_t len, const void *secret, size_t secret_size);
/* XXH3-128 (== XXH3_128bits_withSeed; lo = low64, hi = high64), one-shot and streaming */
LLCRCDEF llcrc_u128 llcrc_xxh3_128(const void *data, size_t len, uint64_t seed);
LLCRCDEF llcrc_u128 llcrc_xxh3_128_secret(const void *data, size_t len, const void *secret, size_t secret_size);
LLCRCDEF void llcrc_xxh3_128_init(llcrc_xxh3_state *st, uint64_t seed);
LLCRCDEF void llcrc_xxh3_128_update(llcrc_xxh3_state *st, const void *data, size_t len);
LLCRCDEF llcrc_u128 llcrc_xxh3_128_digest(const llcrc_xxh3_state *st);
/* a secret from seed bytes (== XXH3_generateSecret): 0, or LLCRC_EINVAL (NULL secret, secret_size below
   LLCRC_XXH3_SECRET_MIN, NULL seed with a length); seed_size 0 uses the default secret as the seed */
LLCRCDEF int llcrc_xxh3_generate_secret(void *secret, size_t secret_size, const void *seed, size_t seed_size);
LLCRCDEF void llcrc_xxh3_secret_from_seed(void *secret, uint64_t seed); /* 192 bytes */

/* ---- rolling hash: h = sum G[b_i] * B^(w-1-i) over the last w bytes, mod 2^64 ---- */
LLCRCDEF void llcrc_roll_init(llcrc_roll *r, uint32_t window);          /* empty window */
LLCRCDEF uint64_t llcrc_roll_push(llcrc_roll *r, uint8_t in);           /* grow (fill phase) */
LLCRCDEF uint64_t llcrc_roll_roll(llcrc_roll *r, uint8_t out, uint8_t in); /* slide by one byte */
LLCRCDEF uint64_t llcrc_roll_hash(const void *data, uint32_t window);  /* hash of one window */

/* ---- content-defined chunking: gear hash, FastCDC normalized chunking (level 2) ---- */
LLCRCDEF int llcrc_cdc_init(llcrc_cdc *c, uint32_t min, uint32_t avg, uint32_t max); /* 0 or EINVAL */
LLCRCDEF size_t llcrc_cdc_next(const llcrc_cdc *c, const void *data, size_t len);
/* the gear hash state after absorbing data starting from h (h = (h << 1) + G[b]) */
LLCRCDEF uint64_t llcrc_gear(uint64_t h, const void *data, size_t len);

/* ---- XOR delta ---- */
LLCRCDEF void llcrc_xor(void *dst, const void *a, const void *b, size_t len);
LLCRCDEF size_t llcrc_delta_bound(size_t len);
/* encoded size, or LLCRC_ENOSPC / LLCRC_EINVAL */
LLCRCDEF ptrdiff_t llcrc_delta_encode(void *out, size_t cap, const void *cur, const void *prev,
                                      size_t len);
/* delta length, or LLCRC_EBADMSG / LLCRC_ENOSPC / LLCRC_EINVAL */
LLCRCDEF ptrdiff_t llcrc_delta_decode(void *dst, size_t cap, const void *enc, size_t enc_len);
LLCRCDEF ptrdiff_t llcrc_delta_apply(void *buf, size_t len, const void *enc, size_t enc_len);

/* ---- dispatch ---- */
LLCRCDEF int llcrc_path(void);                 /* path in use (after first use: the detected best) */
LLCRCDEF const char *llcrc_path_name(int path); /* LLCRC_PATH_AUTO (-1): the path in use */
LLCRCDEF bool llcrc_path_supported(int path);  /* CPU and build can run it */
LLCRCDEF int llcrc_force_path(int path);       /* 0, or LLCRC_EOPNOTSUPP; LLCRC_PATH_AUTO restores */
LLCRCDEF int llcrc_tuning(void);               /* LLCRC_TUNE_INTEL or LLCRC_TUNE_AMD, as in use */
LLCRCDEF int llcrc_force_tuning(int tuning);   /* 0, or LLCRC_EINVAL; LLCRC_TUNE_AUTO restores */
LLCRCDEF uint32_t llcrc_cpu_features(void);    /* LLCRC_CPU_* bits found (0 when built without SIMD) */
/* one line: CPU (vendor, family/model), path and tuning in use, and why they were chosen */
LLCRCDEF const char *llcrc_describe(void);

LLCRCDEF const char *llcrc_strerror(int err);
LLCRCDEF const char *llcrc_version(void);

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLCRC_H */

#if defined(LLCRC_IMPLEMENTATION) && !defined(LLCRC_I_IMPLEMENTED)
#define LLCRC_I_IMPLEMENTED
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if defined(LLCRC_FREESTANDING)
#define LLCRC_I_FREESTANDING 1
#else
#define LLCRC_I_FREESTANDING 0
#endif

#if !defined(__GNUC__) && !defined(__clang__)
#ifndef LLCRC_NO_SIMD
#define LLCRC_NO_SIMD
#endif
#endif

/* x86-64 SIMD paths */
#if defined(__x86_64__) && !defined(LLCRC_NO_SIMD) && !LLCRC_I_FREESTANDING && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8))
#define LLCRC_I_X86 1
#include <immintrin.h>
#include <cpuid.h>
#else
#define LLCRC_I_X86 0
#endif
#if LLCRC_I_X86 && !defined(LLCRC_NO_SSE42)
#define LLCRC_I_HAS_SSE42 1
#else
#define LLCRC_I_HAS_SSE42 0
#endif
#if LLCRC_I_HAS_SSE42 && !defined(LLCRC_NO_AVX2)
#define LLCRC_I_HAS_AVX2 1
#else
#define LLCRC_I_HAS_AVX2 0
#endif
#if LLCRC_I_HAS_AVX2 && !defined(LLCRC_NO_AVX512)
#define LLCRC_I_HAS_AVX512 1
#else
#define LLCRC_I_HAS_AVX512 0
#endif
#if LLCRC_I_HAS_AVX2 && (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 9))
#define LLCRC_I_HAS_VPCLMUL 1 /* 256-bit VPCLMULQDQ (needs no AVX-512) */
#else
#define LLCRC_I_HAS_VPCLMUL 0
#endif

/* aarch64 CRC path */
#if defined(__aarch64__) && !defined(LLCRC_NO_SIMD) && !defined(LLCRC_NO_ARM_CRC) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 9)) &&                   \
    (!LLCRC_I_FREESTANDING || defined(__ARM_FEATURE_CRC32))
#define LLCRC_I_HAS_ARMCRC 1
#include <arm_acle.h>
#if !LLCRC_I_FREESTANDING && defined(__linux__)
#include <sys/auxv.h>
#define LLCRC_I_ARM_AUXV 1
#else
#define LLCRC_I_ARM_AUXV 0
#endif
#else
#define LLCRC_I_HAS_ARMCRC 0
#define LLCRC_I_ARM_AUXV 0
#endif
/* aarch64 PMULL folding: only where HWCAP says so at run time (Linux), little-endian */
#if LLCRC_I_HAS_ARMCRC && LLCRC_I_ARM_AUXV && !defined(LLCRC_NO_ARM_PMULL) && defined(__ARM_NEON) && \
    !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define LLCRC_I_HAS_PMULL 1
#include <arm_neon.h>
#else
#define LLCRC_I_HAS_PMULL 0
#endif

#if !LLCRC_I_FREESTANDING && !defined(__GNUC__) && !defined(__clang__)
#include <string.h>
#define LLCRC_I_MEMCPY(d, s, n) memcpy((d), (s), (n))
#else
#define LLCRC_I_MEMCPY(d, s, n) __builtin_memcpy((d), (s), (n))
#endif

#ifndef LLCRC_ASSERT
#if defined(LLCRC_FREESTANDING) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#define LLCRC_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define LLCRC_ASSERT(x) assert(x)
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LLCRC_I_INLINE static inline __attribute__((always_inline))
#define LLCRC_I_NOINLINE __attribute__((noinline))
#define LLCRC_I_ALIGN(n) __attribute__((aligned(n)))
#else
#define LLCRC_I_INLINE static inline
#define LLCRC_I_NOINLINE
#define LLCRC_I_ALIGN(n)
#endif

#if defined(__cplusplus) && __cplusplus >= 201703L
#define LLCRC_I_FALLTHROUGH [[fallthrough]]
#elif defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 7
#define LLCRC_I_FALLTHROUGH __attribute__((fallthrough))
#else
#define LLCRC_I_FALLTHROUGH ((void)0)
#endif

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LLCRC_I_BIG_ENDIAN 1
#else
#define LLCRC_I_BIG_ENDIAN 0
#endif

/* atomics: GCC/Clang builtins when lock-free, plain volatile on single-threaded tiny targets */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__GCC_ATOMIC_INT_LOCK_FREE) && \
    __GCC_ATOMIC_INT_LOCK_FREE == 2
#define LLCRC_I_LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LLCRC_I_STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define LLCRC_I_CAS(p, e, d) \
    __atomic_compare_exchange_n((p), (e), (d), 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#define LLCRC_I_LOAD_FN(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LLCRC_I_STORE_FN(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define LLCRC_I_LOAD_SC(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#else
#define LLCRC_I_LOAD_ACQ(p) (*(volatile int *)(p))
#define LLCRC_I_STORE_REL(p, v) (*(volatile int *)(p) = (v))
#define LLCRC_I_CAS(p, e, d) (*(p) == *(e) ? (*(p) = (d), 1) : (*(e) = *(p), 0))
#define LLCRC_I_LOAD_FN(p) (*(p))
#define LLCRC_I_STORE_FN(p, v) (*(p) = (v))
#define LLCRC_I_LOAD_SC(p) (*(volatile int *)(p))
#endif

/* GCC 12's AVX-512 intrinsics (_mm512_undefined_* self-initialisation) trip -Wuninitialized in C++ */
#if LLCRC_I_X86 && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define LLCRC_I_POP_DIAG 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* small helpers                                                                            */

LLCRC_I_INLINE uint64_t llcrc_i_le64(const unsigned char *p) {
    uint64_t v;
    LLCRC_I_MEMCPY(&v, p, 8);
#if LLCRC_I_BIG_ENDIAN
    v = __builtin_bswap64(v);
#endif
    return v;
}
LLCRC_I_INLINE uint32_t llcrc_i_le32(const unsigned char *p) {
    uint32_t v;
    LLCRC_I_MEMCPY(&v, p, 4);
#if LLCRC_I_BIG_ENDIAN
    v = __builtin_bswap32(v);
#endif
    return v;
}
LLCRC_I_INLINE void llcrc_i_st64(unsigned char *p, uint64_t v) {
#if LLCRC_I_BIG_ENDIAN
    v = __builtin_bswap64(v);
#endif
    LLCRC_I_MEMCPY(p, &v, 8);
}
LLCRC_I_INLINE uint32_t llcrc_i_rotl32(uint32_t x, int r) {
    return (x << r) | (x >> (32 - r));
}
LLCRC_I_INLINE uint64_t llcrc_i_rotl64(uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}
LLCRC_I_INLINE uint32_t llcrc_i_bswap32(uint32_t x) {
    return ((x << 24) & 0xff000000u) | ((x << 8) & 0x00ff0000u) | ((x >> 8) & 0x0000ff00u) |
           ((x >> 24) & 0x000000ffu);
}
LLCRC_I_INLINE uint64_t llcrc_i_bswap64(uint64_t x) {
    return (((uint64_t)(llcrc_i_bswap32(((uint32_t)x)))) << 32) |
           llcrc_i_bswap32(((uint32_t)(x >> 32)));
}
static void llcrc_i_copy(unsigned char *d, const unsigned char *s, size_t n) {
#if LLCRC_I_FREESTANDING
    while (n >= 8) {
        uint64_t w;
        LLCRC_I_MEMCPY(&w, s, 8);
        LLCRC_I_MEMCPY(d, &w, 8);
        d += 8;
        s += 8;
        n -= 8;
    }
    while (n--) *d++ = *s++;
#else
    if (n) LLCRC_I_MEMCPY(d, s, n);
#endif
}
static void llcrc_i_zero(unsigned char *d, size_t n) {
    while (n >= 8) {
        uint64_t z = 0;
        LLCRC_I_MEMCPY(d, &z, 8);
        d += 8;
        n -= 8;
    }
    while (n) {
        *d++ = 0;
        n--;
    }
}

/* 64x64 -> 128 multiply, folded (lo ^ hi) */
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 llcrc_i_u128;
LLCRC_I_INLINE uint64_t llcrc_i_mulfold(uint64_t a, uint64_t b) {
    llcrc_i_u128 p = ((llcrc_i_u128)a) * b;
    return ((uint64_t)p) ^ ((uint64_t)(p >> 64));
}
#else
LLCRC_I_INLINE uint64_t llcrc_i_mulfold(uint64_t a, uint64_t b) {
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t cross = (ll >> 32) + (lh & 0xffffffffu) + hl;
    uint64_t hi = hh + (lh >> 32) + (cross >> 32);
    uint64_t lo = (cross << 32) | (ll & 0xffffffffu);
    return lo ^ hi;
}
#endif

/* ---------------------------------------------------------------------------------------- */
/* one-time setup: tables (computed once, guarded by an atomic state) and CPU detection      */

#define LLCRC_I_POLY_C 0x82F63B78u  /* CRC-32C, reflected */
#define LLCRC_I_POLY_Z 0xEDB88320u  /* CRC-32 (zlib), reflected */
#define LLCRC_I_K3MAX 16            /* 3-way crc32c: up to 16 qwords per stream */
#define LLCRC_I_NFOLD 8             /* fold distances: 128,256,384,512,1024,1536,2048,4096 bits */
#define LLCRC_I_HYMAX 40            /* hybrid crc32c: precomputed shifts for up to 40 rounds */
#define LLCRC_I_HV_Q 3              /* 256-bit hybrid crc32c: qwords per crc32 stream per round */
#define LLCRC_I_HV_ROUND (128 + 24 * LLCRC_I_HV_Q) /* bytes per round: 128 folded, 3 streams */
#define LLCRC_I_HVMAX 160           /* its precomputed shifts: up to 160 rounds (32 KiB) */

typedef struct llcrc_i_tables {
    uint32_t t[2][8][256];          /* [0] crc32c, [1] crc32: slice-by-8 */
    uint32_t pw[2][16][16];         /* x^(8 * d * 16^i) mod P */
    uint64_t fold[2][LLCRC_I_NFOLD][2] LLCRC_I_ALIGN(16); /* x^(D+31), x^(D-33) mod P */
    uint64_t fin[2][2] LLCRC_I_ALIGN(16);                  /* x^96, x^64 mod P */
    uint32_t k4[LLCRC_I_K3MAX + 1][3];                     /* crc32c 4-way shifts */
    uint64_t gear[256];             /* gear / rolling table */
    uint32_t hy[LLCRC_I_HYMAX + 1][3]; /* crc32c hybrid: x^(8 * 24 m * {1,2,3}) mod P */
#if LLCRC_I_HAS_SSE42
    uint32_t hv[LLCRC_I_HVMAX + 1][3]; /* 256-bit hybrid: x^(8 * 8 Q m * {1,2,3}) mod P */
    uint32_t xn[257];               /* crc32c: x^(8 n) mod P for n <= 256 (start value of short inputs) */
    uint64_t xn2[257];              /* the same shifted left by one (product needs no shift) */
    uint32_t xn_ones[257];          /* 0xffffffff * x^(8 n) mod P */
#endif
} llcrc_i_tables;

static llcrc_i_tables llcrc_i_tab;
static int llcrc_i_tab_state;      /* 0 none, 1 building, 2 ready */
static int llcrc_i_level = -1;     /* current path, -1 until detected */
static int llcrc_i_best = -1;      /* best supported path */
/* what the one-time setup found (written once before llcrc_i_tab_state becomes 2) */
static uint32_t llcrc_i_features;  /* LLCRC_CPU_* */
static int llcrc_i_vendor;         /* 0 other, 1 Intel, 2 AMD or Hygon */
LLCRC_I_UNUSED static unsigned llcrc_i_family, llcrc_i_model;
static int llcrc_i_tune_auto;      /* LLCRC_TUNE_* from the vendor table */
static int llcrc_i_tune = -1;      /* in use: the vendor table's choice or a forced one */
static void llcrc_i_detect(void);

/* multiply two reflected polynomials mod P, bit by bit (setup and portable combine) */
static uint32_t llcrc_i_mulmod_bits(uint32_t a, uint32_t b, uint32_t poly) {
    uint32_t p = 0;
    int i;
    for (i = 31; i >= 0; i--) {
        p ^= b & (0u - ((a >> i) & 1u));
        b = (b >> 1) ^ (poly & (0u - (b & 1u)));
    }
    return p;
}

/* x^n mod P, reflected, for modest n (setup only) */
static uint32_t llcrc_i_xpow_small(uint32_t n, uint32_t poly) {
    uint32_t a = 0x80000000u;
    while (n--) a = (a >> 1) ^ (poly & (0u - (a & 1u)));
    return a;
}

static uint64_t llcrc_i_splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void llcrc_i_build_tables(void) {
    static const uint32_t polys[2] = {LLCRC_I_POLY_C, LLCRC_I_POLY_Z};
    static const uint32_t dist[LLCRC_I_NFOLD] = {128, 256, 384, 512, 1024, 1536, 2048, 4096};
    int j, k, i, d;
    uint64_t s = 0x6C6C6372632D6765ull; /* gear table seed: fixed forever */
    for (j = 0; j < 2; j++) {
        uint32_t poly = polys[j];
        for (i = 0; i < 256; i++) {
            uint32_t c = ((uint32_t)i);
            for (k = 0; k < 8; k++) c = (c >> 1) ^ (poly & (0u - (c & 1u)));
            llcrc_i_tab.t[j][0][i] = c;
        }
        for (k = 1; k < 8; k++)
            for (i = 0; i < 256; i++) {
                uint32_t c = llcrc_i_tab.t[j][k - 1][i];
                llcrc_i_tab.t[j][k][i] = (c >> 8) ^ llcrc_i_tab.t[j][0][c & 0xff];
            }
        /* powers x^(8 d 16^i) */
        {
            uint32_t base = 0x00800000u; /* x^8 */
            for (i = 0; i < 16; i++) {
                llcrc_i_tab.pw[j][i][0] = 0x80000000u;
                for (d = 1; d < 16; d++)
                    llcrc_i_tab.pw[j][i][d] = llcrc_i_mulmod_bits(llcrc_i_tab.pw[j][i][d - 1], base, poly);
                base = llcrc_i_mulmod_bits(llcrc_i_tab.pw[j][i][15], base, poly);
            }
        }
        for (k = 0; k < LLCRC_I_NFOLD; k++) {
            llcrc_i_tab.fold[j][k][0] = llcrc_i_xpow_small(dist[k] + 31, poly);
            llcrc_i_tab.fold[j][k][1] = llcrc_i_xpow_small(dist[k] - 33, poly);
        }
        llcrc_i_tab.fin[j][0] = llcrc_i_xpow_small(96, poly);
        llcrc_i_tab.fin[j][1] = llcrc_i_xpow_small(64, poly);
    }
    for (k = 1; k <= LLCRC_I_K3MAX; k++) {
        /* streams a, b, c are followed by 24k, 16k, 8k bytes; v = r * x^(S-32) */
        llcrc_i_tab.k4[k][0] = llcrc_i_xpow_small(((uint32_t)(192 * k - 32)), LLCRC_I_POLY_C);
        llcrc_i_tab.k4[k][1] = llcrc_i_xpow_small(((uint32_t)(128 * k - 32)), LLCRC_I_POLY_C);
        llcrc_i_tab.k4[k][2] = llcrc_i_xpow_small(((uint32_t)(64 * k - 32)), LLCRC_I_POLY_C);
    }
    {
        uint32_t step = llcrc_i_xpow_small(8 * 24, LLCRC_I_POLY_C);
        llcrc_i_tab.hy[0][0] = llcrc_i_tab.hy[0][1] = llcrc_i_tab.hy[0][2] = 0x80000000u;
        for (k = 1; k <= LLCRC_I_HYMAX; k++) {
            llcrc_i_tab.hy[k][0] = llcrc_i_mulmod_bits(llcrc_i_tab.hy[k - 1][0], step, LLCRC_I_POLY_C);
            llcrc_i_tab.hy[k][1] = llcrc_i_mulmod_bits(llcrc_i_tab.hy[k][0], llcrc_i_tab.hy[k][0], LLCRC_I_POLY_C);
            llcrc_i_tab.hy[k][2] = llcrc_i_mulmod_bits(llcrc_i_tab.hy[k][1], llcrc_i_tab.hy[k][0], LLCRC_I_POLY_C);
        }
    }
#if LLCRC_I_HAS_SSE42
    {
        uint32_t step = llcrc_i_xpow_small(8 * 8 * LLCRC_I_HV_Q, LLCRC_I_POLY_C);
        llcrc_i_tab.hv[0][0] = llcrc_i_tab.hv[0][1] = llcrc_i_tab.hv[0][2] = 0x80000000u;
        for (k = 1; k <= LLCRC_I_HVMAX; k++) {
            llcrc_i_tab.hv[k][0] = llcrc_i_mulmod_bits(llcrc_i_tab.hv[k - 1][0], step, LLCRC_I_POLY_C);
            llcrc_i_tab.hv[k][1] = llcrc_i_mulmod_bits(llcrc_i_tab.hv[k][0], llcrc_i_tab.hv[k][0], LLCRC_I_POLY_C);
            llcrc_i_tab.hv[k][2] = llcrc_i_mulmod_bits(llcrc_i_tab.hv[k][1], llcrc_i_tab.hv[k][0], LLCRC_I_POLY_C);
        }
        step = llcrc_i_xpow_small(8, LLCRC_I_POLY_C);
        llcrc_i_tab.xn[0] = 0x80000000u;
        for (k = 1; k <= 256; k++) llcrc_i_tab.xn[k] = llcrc_i_mulmod_bits(llcrc_i_tab.xn[k - 1], step, LLCRC_I_POLY_C);
        for (k = 0; k <= 256; k++) {
            llcrc_i_tab.xn2[k] = (uint64_t)llcrc_i_tab.xn[k] << 1;
            llcrc_i_tab.xn_ones[k] = llcrc_i_mulmod_bits(0xffffffffu, llcrc_i_tab.xn[k], LLCRC_I_POLY_C);
        }
    }
#endif
    for (i = 0; i < 256; i++) {
        llcrc_i_tab.gear[i] = llcrc_i_splitmix(&s);
    }
    llcrc_i_detect();
}

static void llcrc_i_tables_ready(void) {
    int st = LLCRC_I_LOAD_ACQ(&llcrc_i_tab_state);
    if (LLCRC_LIKELY(st == 2)) return;
    st = 0;
    if (LLCRC_I_CAS(&llcrc_i_tab_state, &st, 1)) {
        llcrc_i_build_tables();
        LLCRC_I_STORE_REL(&llcrc_i_tab_state, 2);
        return;
    }
    while (LLCRC_I_LOAD_ACQ(&llcrc_i_tab_state) != 2) llcrc_cpu_relax();
}

#if LLCRC_I_X86
static uint64_t llcrc_i_xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (((uint64_t)hi) << 32) | lo;
}
#endif

/* the CPU's features (cpuid + the OS's xgetbv, or HWCAP), its vendor and family/model, the best path
   and the tuning. Run once, inside the one-time setup. */
static void llcrc_i_detect(void) {
    uint32_t f = 0;
    int best = LLCRC_PATH_PORTABLE;
#if LLCRC_I_X86
    unsigned a = 0, b = 0, c = 0, d = 0, maxleaf, c1, b7 = 0, c7 = 0, fam, mod;
    uint64_t xcr = 0;
    maxleaf = (unsigned)__get_cpuid_max(0, 0);
    if (maxleaf >= 1) {
        __cpuid_count(0, 0, a, b, c, d);
        if (b == 0x756e6547u && d == 0x49656e69u && c == 0x6c65746eu) llcrc_i_vendor = 1; /* GenuineIntel */
        else if ((b == 0x68747541u && d == 0x69746e65u && c == 0x444d4163u) ||           /* AuthenticAMD */
                 (b == 0x6f677948u && d == 0x6e65476eu && c == 0x656e6975u))             /* HygonGenuine */
            llcrc_i_vendor = 2;
        __cpuid_count(1, 0, a, b, c, d);
        c1 = c;
        fam = (a >> 8) & 15;
        mod = (a >> 4) & 15;
        if (fam == 15) fam += (a >> 20) & 255;
        if (fam == 6 || fam >= 15) mod |= ((a >> 16) & 15) << 4;
        llcrc_i_family = fam;
        llcrc_i_model = mod;
        if (maxleaf >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            b7 = b;
            c7 = c;
        }
        if (c1 & (1u << 27)) xcr = llcrc_i_xgetbv0(); /* OSXSAVE */
        if (c1 & (1u << 20)) f |= LLCRC_CPU_SSE42;
        if (c1 & (1u << 1)) f |= LLCRC_CPU_PCLMUL;
        if ((c1 & (1u << 28)) && (xcr & 6) == 6) {
            f |= LLCRC_CPU_AVX;
            if (b7 & (1u << 5)) f |= LLCRC_CPU_AVX2;
            if (c7 & (1u << 10)) f |= LLCRC_CPU_VPCLMUL;
            if ((xcr & 0xe6) == 0xe6) {
                if (b7 & (1u << 16)) f |= LLCRC_CPU_AVX512F;
                if (b7 & (1u << 30)) f |= LLCRC_CPU_AVX512BW;
                if (b7 & (1u << 31)) f |= LLCRC_CPU_AVX512VL;
            }
        }
    }
#if LLCRC_I_HAS_SSE42
    if ((f & LLCRC_CPU_SSE42) && (f & LLCRC_CPU_PCLMUL)) best = LLCRC_PATH_SSE42;
#endif
#if LLCRC_I_HAS_AVX2
    if (best == LLCRC_PATH_SSE42 && (f & LLCRC_CPU_AVX2)) best = LLCRC_PATH_AVX2;
#endif
#if LLCRC_I_HAS_VPCLMUL
    if (best == LLCRC_PATH_AVX2 && (f & LLCRC_CPU_VPCLMUL)) best = LLCRC_PATH_AVX2_VPCLMUL;
#endif
#if LLCRC_I_HAS_AVX512
    if (best == LLCRC_PATH_AVX2_VPCLMUL && (f & LLCRC_CPU_AVX512F) && (f & LLCRC_CPU_AVX512BW) &&
        (f & LLCRC_CPU_AVX512VL))
        best = LLCRC_PATH_AVX512;
#endif
#elif LLCRC_I_HAS_ARMCRC
#if LLCRC_I_ARM_AUXV
    if (getauxval(AT_HWCAP) & (1ul << 7)) f |= LLCRC_CPU_ARM_CRC32; /* HWCAP_CRC32 */
    if (getauxval(AT_HWCAP) & (1ul << 4)) f |= LLCRC_CPU_ARM_PMULL; /* HWCAP_PMULL */
#else
    f |= LLCRC_CPU_ARM_CRC32; /* compile-time __ARM_FEATURE_CRC32 or a platform that always has it */
#endif
    if (f & LLCRC_CPU_ARM_CRC32) best = LLCRC_PATH_ARMV8;
#if LLCRC_I_HAS_PMULL
    if (best == LLCRC_PATH_ARMV8 && (f & LLCRC_CPU_ARM_PMULL)) best = LLCRC_PATH_ARMV8_PMULL;
#endif
#endif
    llcrc_i_features = f;
    /* the vendor table: AMD (Zen: VPMULLD one uop, 3 cycles) runs XXH32's four lanes in one xmm register;
       Intel (VPMULLD two uops, 10 cycles) and unknown vendors keep them in scalar registers */
    llcrc_i_tune_auto = llcrc_i_vendor == 2 ? LLCRC_TUNE_AMD : LLCRC_TUNE_INTEL;
    llcrc_i_tune = llcrc_i_tune_auto;
    llcrc_i_best = best;
}

static int llcrc_i_setup(void) {
    int lvl;
    llcrc_i_tables_ready();
    lvl = LLCRC_I_LOAD_ACQ(&llcrc_i_level);
    if (lvl >= 0) return lvl;
    lvl = llcrc_i_best;
    {
        int expect = -1;
        if (!LLCRC_I_CAS(&llcrc_i_level, &expect, lvl)) lvl = expect;
    }
    return lvl;
}

LLCRC_I_INLINE int llcrc_i_lvl(void) {
    int lvl = LLCRC_I_LOAD_ACQ(&llcrc_i_level);
    if (LLCRC_UNLIKELY(lvl < 0)) lvl = llcrc_i_setup();
    return lvl;
}

/* ---------------------------------------------------------------------------------------- */
/* portable CRC: slice-by-8 on the raw register                                             */

static uint32_t llcrc_i_crc_tab(uint32_t (*t)[256], uint32_t r, const unsigned char *p, size_t n) {
    while (n && (((uintptr_t)p) & 7)) {
        r = t[0][(r ^ *p++) & 0xff] ^ (r >> 8);
        n--;
    }
    while (n >= 8) {
        uint64_t v = llcrc_i_le64(p) ^ r;
        r = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
            t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
        p += 8;
        n -= 8;
    }
    while (n--) r = t[0][(r ^ *p++) & 0xff] ^ (r >> 8);
    return r;
}

/* v * x^32 mod P for a 64-bit reflected v (one slice-by-8 step with zero register) */
LLCRC_I_INLINE uint32_t llcrc_i_t8(uint32_t (*t)[256], uint64_t v) {
    return t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
           t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
}
/* w * x^32 mod P for a 32-bit reflected w */
LLCRC_I_INLINE uint32_t llcrc_i_t4(uint32_t (*t)[256], uint32_t w) {
    return t[3][w & 0xff] ^ t[2][(w >> 8) & 0xff] ^ t[1][(w >> 16) & 0xff] ^ t[0][w >> 24];
}

/* carry-less 32x32 -> 63 bit product, portable */
LLCRC_I_INLINE uint64_t llcrc_i_clmul32_sw(uint32_t a, uint32_t b) {
    uint64_t r = 0, aa = a;
    int i;
    for (i = 0; i < 32; i++) r ^= (aa << i) & (0 - ((uint64_t)((b >> i) & 1u)));
    return r;
}

#if LLCRC_I_HAS_SSE42 || LLCRC_I_HAS_PMULL
/* byte shuffles: from +n, n zero bytes then bytes 0..15-n; from +16+n, bytes n..15 then n zeros */
static const unsigned char llcrc_i_shuf[48] LLCRC_I_ALIGN(16) = {
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
#endif

/* ---------------------------------------------------------------------------------------- */
/* x86-64 kernels                                                                           */
#if LLCRC_I_HAS_SSE42
#define LLCRC_I_TGT_SSE42 __attribute__((target("sse4.2,pclmul")))
#define LLCRC_I_TGT_AVX2 __attribute__((target("sse4.2,pclmul,avx,avx2")))
#define LLCRC_I_TGT_AVX512 \
    __attribute__((target("sse4.2,pclmul,avx,avx2,avx512f,avx512bw,avx512vl,vpclmulqdq")))


LLCRC_I_TGT_SSE42 LLCRC_I_INLINE uint64_t llcrc_i_clmul32_hw(uint32_t a, uint32_t b) {
    __m128i p = _mm_clmulepi64_si128(_mm_cvtsi32_si128(((int)a)),
                                     _mm_cvtsi32_si128(((int)b)), 0x00);
    return ((uint64_t)(_mm_cvtsi128_si64(p)));
}

/* raw-register crc32c with the crc32 instruction, one stream. 64-byte blocks in straight-line code
   and the remainder tests laid out as not-taken branches: with a qword loop, or with taken jumps past
   the unused remainder blocks, independent 64-byte calls ran 1.8x slower (the front end redirects
   about once per cycle, and the crc32 unit idles meanwhile) */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE uint32_t llcrc_i_crc32c_seq(uint32_t r, const unsigned char *p, size_t n) {
    uint64_t r64 = r;
    int i;
    while (n >= 64) {
        for (i = 0; i < 8; i++) r64 = _mm_crc32_u64(r64, llcrc_i_le64(p + 8 * i));
        p += 64;
        n -= 64;
    }
    if (LLCRC_UNLIKELY(n & 32)) {
        for (i = 0; i < 4; i++) r64 = _mm_crc32_u64(r64, llcrc_i_le64(p + 8 * i));
        p += 32;
    }
    if (LLCRC_UNLIKELY(n & 16)) {
        r64 = _mm_crc32_u64(_mm_crc32_u64(r64, llcrc_i_le64(p)), llcrc_i_le64(p + 8));
        p += 16;
    }
    if (LLCRC_UNLIKELY(n & 8)) {
        r64 = _mm_crc32_u64(r64, llcrc_i_le64(p));
        p += 8;
    }
    r = ((uint32_t)r64);
    if (LLCRC_UNLIKELY(n & 7)) {
        if (n & 4) {
            r = _mm_crc32_u32(r, llcrc_i_le32(p));
            p += 4;
        }
        if (n & 2) {
            uint16_t h;
            LLCRC_I_MEMCPY(&h, p, 2);
            r = _mm_crc32_u16(r, h);
            p += 2;
        }
        if (n & 1) r = _mm_crc32_u8(r, *p);
    }
    return r;
}

/* four interleaved crc32 streams of k qwords each, merged with one carry-less multiply per stream:
   the last qword of stream d absorbs v = sum r_s * x^(S_s - 32), so v * x^32 shifts each r_s */
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_crc32c_4way(uint32_t r, const unsigned char *p, size_t n) {
    while (n >= 64) {
        size_t k = n / 32, i;
        uint64_t ra = r, rb = 0, rc = 0, rd = 0, v;
        const unsigned char *pa, *pb, *pc, *pd;
        if (k > LLCRC_I_K3MAX) k = LLCRC_I_K3MAX;
        pa = p;
        pb = p + 8 * k;
        pc = p + 16 * k;
        pd = p + 24 * k;
        for (i = 0; i + 1 < k; i++) {
            ra = _mm_crc32_u64(ra, llcrc_i_le64(pa + 8 * i));
            rb = _mm_crc32_u64(rb, llcrc_i_le64(pb + 8 * i));
            rc = _mm_crc32_u64(rc, llcrc_i_le64(pc + 8 * i));
            rd = _mm_crc32_u64(rd, llcrc_i_le64(pd + 8 * i));
        }
        ra = _mm_crc32_u64(ra, llcrc_i_le64(pa + 8 * i));
        rb = _mm_crc32_u64(rb, llcrc_i_le64(pb + 8 * i));
        rc = _mm_crc32_u64(rc, llcrc_i_le64(pc + 8 * i));
        v = llcrc_i_clmul32_hw(((uint32_t)ra), llcrc_i_tab.k4[k][0]) ^
            llcrc_i_clmul32_hw(((uint32_t)rb), llcrc_i_tab.k4[k][1]) ^
            llcrc_i_clmul32_hw(((uint32_t)rc), llcrc_i_tab.k4[k][2]);
        rd = _mm_crc32_u64(rd, llcrc_i_le64(pd + 8 * i) ^ (v << 1));
        r = ((uint32_t)rd);
        p += 32 * k;
        n -= 32 * k;
    }
    return llcrc_i_crc32c_seq(r, p, n);
}

/* reduce one 128-bit lane to the 32-bit register: X * x^32 mod P */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE uint32_t llcrc_i_reduce128(__m128i x, int j) {
    /* X = lo * x^64 + hi, lo = a * x^32 + b: X * x^32 == (a * x^96 + b * x^64 + hi) * x^32 and
       a * (x^96 mod P) + b * (x^64 mod P) has degree <= 62, so w = that + hi is a 64-bit polynomial
       and the CRC is w * x^32 mod P: one crc32 instruction, or one slice-by-8 step */
    __m128i ab = _mm_unpacklo_epi32(x, _mm_setzero_si128()); /* [a, 0, b, 0] */
    __m128i k = _mm_load_si128(((const __m128i *)(llcrc_i_tab.fin[j])));
    __m128i v = _mm_xor_si128(_mm_clmulepi64_si128(ab, k, 0x00), _mm_clmulepi64_si128(ab, k, 0x11));
    uint64_t w = ((uint64_t)(_mm_cvtsi128_si64(_mm_xor_si128(_mm_slli_epi64(v, 1), _mm_srli_si128(x, 8)))));
    if (j == 0) return ((uint32_t)(_mm_crc32_u64(0, w)));
    return llcrc_i_t8(llcrc_i_tab.t[1], w);
}

LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_fold128(__m128i x, __m128i k) {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

/* lane x covers the bytes before p; fold in the n (1..15) bytes at p; p + n - 16 must be readable */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_tail128(__m128i x, const unsigned char *p, size_t n,
                                                         __m128i k128) {
    __m128i last = _mm_loadu_si128(((const __m128i *)(p + n - 16)));
    __m128i mshl = _mm_loadu_si128(((const __m128i *)(llcrc_i_shuf + n)));
    __m128i mshr = _mm_loadu_si128(((const __m128i *)(llcrc_i_shuf + 16 + n)));
    __m128i head = _mm_shuffle_epi8(x, mshl);
    __m128i body = _mm_blendv_epi8(last, _mm_shuffle_epi8(x, mshr), mshl);
    return _mm_xor_si128(llcrc_i_fold128(head, k128), body);
}

/* fold the n bytes left at p into lane x: whole 16-byte blocks, then the tail (bytes before p exist) */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_fold_rest128(__m128i x, const unsigned char *p, size_t n,
                                                              __m128i k128) {
    for (; n >= 16; p += 16, n -= 16)
        x = _mm_xor_si128(llcrc_i_fold128(x, k128), _mm_loadu_si128(((const __m128i *)p)));
    return n ? llcrc_i_tail128(x, p, n, k128) : x;
}

/* PCLMULQDQ folding, 4 x 128-bit lanes; n >= 16; r raw register */
LLCRC_I_TGT_SSE42 LLCRC_I_NOINLINE static uint32_t llcrc_i_crc_fold_sse(uint32_t r, const unsigned char *p, size_t n, int j) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[j];
    __m128i k128 = _mm_load_si128(((const __m128i *)(kt[0])));
    __m128i x = _mm_xor_si128(_mm_loadu_si128(((const __m128i *)p)),
                              _mm_cvtsi32_si128(((int)r)));
    p += 16;
    n -= 16;
    if (n >= 48) {
        __m128i x1 = _mm_loadu_si128(((const __m128i *)p));
        __m128i x2 = _mm_loadu_si128(((const __m128i *)(p + 16)));
        __m128i x3 = _mm_loadu_si128(((const __m128i *)(p + 32)));
        __m128i k512 = _mm_load_si128(((const __m128i *)(kt[3])));
        p += 48;
        n -= 48;
        while (n >= 64) {
            x = _mm_xor_si128(llcrc_i_fold128(x, k512), _mm_loadu_si128(((const __m128i *)p)));
            x1 = _mm_xor_si128(llcrc_i_fold128(x1, k512), _mm_loadu_si128(((const __m128i *)(p + 16))));
            x2 = _mm_xor_si128(llcrc_i_fold128(x2, k512), _mm_loadu_si128(((const __m128i *)(p + 32))));
            x3 = _mm_xor_si128(llcrc_i_fold128(x3, k512), _mm_loadu_si128(((const __m128i *)(p + 48))));
            p += 64;
            n -= 64;
        }
        x = _mm_xor_si128(
            _mm_xor_si128(llcrc_i_fold128(x, _mm_load_si128(((const __m128i *)(kt[2])))),
                          llcrc_i_fold128(x1, _mm_load_si128(((const __m128i *)(kt[1]))))),
            _mm_xor_si128(llcrc_i_fold128(x2, k128), x3));
    }
    return llcrc_i_reduce128(llcrc_i_fold_rest128(x, p, n, k128), j);
}

#if LLCRC_I_HAS_AVX512
LLCRC_I_TGT_AVX512 LLCRC_I_INLINE __m512i llcrc_i_fold512(__m512i x, __m512i k, __m512i data) {
    return _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x, k, 0x00),
                                     _mm512_clmulepi64_epi128(x, k, 0x11), data, 0x96);
}
LLCRC_I_TGT_AVX512 LLCRC_I_INLINE __m512i llcrc_i_bcast_k(const uint64_t *k) {
    return _mm512_maskz_broadcast_i32x4(0xFFFF, _mm_load_si128(((const __m128i *)k)));
}

LLCRC_I_TGT_AVX512 static __m128i llcrc_i_lanes_to_128(__m512i x0, uint64_t (*kt)[2]);
LLCRC_I_TGT_AVX512 LLCRC_I_NOINLINE static uint32_t llcrc_i_crc32c_hybrid(uint32_t r, const unsigned char *p, size_t n);

/* VPCLMULQDQ folding, 4 x 512-bit accumulators; n >= 256; r raw register */
LLCRC_I_TGT_AVX512 LLCRC_I_NOINLINE static uint32_t llcrc_i_crc_fold_avx512(uint32_t r, const unsigned char *p, size_t n,
                                                           int j) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[j];
    __m512i x0, x1, x2, x3, k;
    __m128i a, k128;
    x0 = _mm512_xor_si512(_mm512_loadu_si512(p), _mm512_castsi128_si512(_mm_cvtsi32_si128(((int)r))));
    x1 = _mm512_loadu_si512(p + 64);
    x2 = _mm512_loadu_si512(p + 128);
    x3 = _mm512_loadu_si512(p + 192);
    p += 256;
    n -= 256;
    if (n >= 768) {
        /* 8 accumulators (512 bytes per round) hide the carry-less multiply latency */
        __m512i x4 = _mm512_loadu_si512(p), x5 = _mm512_loadu_si512(p + 64);
        __m512i x6 = _mm512_loadu_si512(p + 128), x7 = _mm512_loadu_si512(p + 192);
        p += 256;
        n -= 256;
        k = llcrc_i_bcast_k(kt[7]);
        while (n >= 512) {
            x0 = llcrc_i_fold512(x0, k, _mm512_loadu_si512(p));
            x1 = llcrc_i_fold512(x1, k, _mm512_loadu_si512(p + 64));
            x2 = llcrc_i_fold512(x2, k, _mm512_loadu_si512(p + 128));
            x3 = llcrc_i_fold512(x3, k, _mm512_loadu_si512(p + 192));
            x4 = llcrc_i_fold512(x4, k, _mm512_loadu_si512(p + 256));
            x5 = llcrc_i_fold512(x5, k, _mm512_loadu_si512(p + 320));
            x6 = llcrc_i_fold512(x6, k, _mm512_loadu_si512(p + 384));
            x7 = llcrc_i_fold512(x7, k, _mm512_loadu_si512(p + 448));
            p += 512;
            n -= 512;
        }
        k = llcrc_i_bcast_k(kt[6]);
        x0 = llcrc_i_fold512(x0, k, x4);
        x1 = llcrc_i_fold512(x1, k, x5);
        x2 = llcrc_i_fold512(x2, k, x6);
        x3 = llcrc_i_fold512(x3, k, x7);
    }
    k = llcrc_i_bcast_k(kt[6]);
    if (n >= (((size_t)1) << 20)) {
        /* huge buffers: software prefetch ahead of the hardware prefetcher */
        while (n >= 256 + 1024) {
            _mm_prefetch(((const char *)(p + 1024)), _MM_HINT_T0);
            _mm_prefetch(((const char *)(p + 1024 + 64)), _MM_HINT_T0);
            _mm_prefetch(((const char *)(p + 1024 + 128)), _MM_HINT_T0);
            _mm_prefetch(((const char *)(p + 1024 + 192)), _MM_HINT_T0);
            x0 = llcrc_i_fold512(x0, k, _mm512_loadu_si512(p));
            x1 = llcrc_i_fold512(x1, k, _mm512_loadu_si512(p + 64));
            x2 = llcrc_i_fold512(x2, k, _mm512_loadu_si512(p + 128));
            x3 = llcrc_i_fold512(x3, k, _mm512_loadu_si512(p + 192));
            p += 256;
            n -= 256;
        }
    }
    while (n >= 256) {
        x0 = llcrc_i_fold512(x0, k, _mm512_loadu_si512(p));
        x1 = llcrc_i_fold512(x1, k, _mm512_loadu_si512(p + 64));
        x2 = llcrc_i_fold512(x2, k, _mm512_loadu_si512(p + 128));
        x3 = llcrc_i_fold512(x3, k, _mm512_loadu_si512(p + 192));
        p += 256;
        n -= 256;
    }
    /* 4 accumulators -> 1 */
    x0 = llcrc_i_fold512(x0, llcrc_i_bcast_k(kt[5]), x3);
    x1 = llcrc_i_fold512(x1, llcrc_i_bcast_k(kt[4]), x0);
    x0 = llcrc_i_fold512(x2, llcrc_i_bcast_k(kt[3]), x1);
    k = llcrc_i_bcast_k(kt[3]);
    while (n >= 64) {
        x0 = llcrc_i_fold512(x0, k, _mm512_loadu_si512(p));
        p += 64;
        n -= 64;
    }
    a = llcrc_i_lanes_to_128(x0, kt);
    k128 = _mm_load_si128(((const __m128i *)(kt[0])));
    return llcrc_i_reduce128(llcrc_i_fold_rest128(a, p, n, k128), j);
}

/* 512 -> 128: lanes 0..2 folded by 384, 256, 128 bits onto lane 3 */
LLCRC_I_TGT_AVX512 static __m128i llcrc_i_lanes_to_128(__m512i x0, uint64_t (*kt)[2]) {
    __m128i a;
    {
        __m512i kl = _mm512_inserti32x4(
            _mm512_inserti32x4(
                _mm512_inserti32x4(_mm512_setzero_si512(), _mm_load_si128(((const __m128i *)(kt[2]))), 0),
                _mm_load_si128(((const __m128i *)(kt[1]))), 1),
            _mm_load_si128(((const __m128i *)(kt[0]))), 2);
        __m512i y = _mm512_xor_si512(_mm512_clmulepi64_epi128(x0, kl, 0x00), _mm512_clmulepi64_epi128(x0, kl, 0x11));
        __m256i y2 = _mm256_xor_si256(_mm512_castsi512_si256(y), _mm512_maskz_extracti64x4_epi64(0xF, y, 1));
        a = _mm_ternarylogic_epi64(_mm256_castsi256_si128(y2), _mm256_extracti128_si256(y2, 1),
                                   _mm512_maskz_extracti32x4_epi32(0xF, x0, 3), 0x96);
    }
    return a;
}
#endif /* AVX512 */

LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_mulmod_hw(uint32_t a, uint32_t b, int j);

/* 1..256 bytes. From 16 bytes the data and the start value are taken apart: crc(r, M) = crc(0, M) ^
   r * x^(8n) mod P. The data part does not wait for r, so in a chain of calls (each start value the
   previous result) a call adds one carry-less multiply and one crc32 to the chain instead of n/8
   dependent crc32 steps. */
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_crc32c_small(uint32_t r, const unsigned char *p, size_t n) {
    uint32_t c;
    if (n < 16) return llcrc_i_crc32c_seq(r, p, n);
    c = n < 128 ? llcrc_i_crc32c_seq(0, p, n) : llcrc_i_crc32c_4way(0, p, n);
    return c ^ llcrc_i_mulmod_hw(r, llcrc_i_tab.xn[n], 0);
}
/* the same for the public call (crc not inverted): ~crc(~crc0, M) = (~crc(0, M) ^ ~0 * x^(8n)) ^
   crc0 * x^(8n), so the chain from crc0 is: to xmm, one carry-less multiply (by x^(8n) << 1, which
   saves the shift), back, one crc32, two xors */
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_crc32c_short_with(uint32_t crc, size_t n, uint32_t data_part) {
    uint32_t c = data_part ^ llcrc_i_tab.xn_ones[n];
    uint64_t v = (uint64_t)_mm_cvtsi128_si64(
        _mm_clmulepi64_si128(_mm_cvtsi32_si128((int)crc), _mm_cvtsi64_si128((long long)llcrc_i_tab.xn2[n]), 0x00));
    return c ^ (uint32_t)(v >> 32) ^ _mm_crc32_u32(0, (uint32_t)v);
}
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_crc32c_seq_nt(uint32_t r, const unsigned char *p, size_t n) {
    return llcrc_i_crc32c_seq(r, p, n);
}

#if LLCRC_I_HAS_VPCLMUL
/* ---- VPCLMULQDQ on 256-bit registers (AVX2 + VPCLMULQDQ, no AVX-512: AMD Zen 3) ---- */
#define LLCRC_I_TGT_VPCL __attribute__((target("sse4.2,pclmul,avx,avx2,vpclmulqdq")))
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m256i llcrc_i_fold256(__m256i x, __m256i k, __m256i data) {
    return _mm256_xor_si256(_mm256_xor_si256(_mm256_clmulepi64_epi128(x, k, 0x00), _mm256_clmulepi64_epi128(x, k, 0x11)),
                            data);
}
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m256i llcrc_i_bcast256(const uint64_t *k) {
    return _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)k));
}
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m256i llcrc_i_ld256(const unsigned char *p) {
    return _mm256_loadu_si256((const __m256i *)p);
}
/* four accumulators holding bytes [0,32) .. [96,128) of the last 128-byte block -> one 128-bit lane at
   [112,128): pairs folded by 32 bytes, the pair by 64 bytes, the low half by 16 */
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m128i llcrc_i_lanes4_to_128(__m256i x0, __m256i x1, __m256i x2, __m256i x3,
                                                              uint64_t (*kt)[2]) {
    __m256i k256 = llcrc_i_bcast256(kt[1]);
    __m256i y = llcrc_i_fold256(llcrc_i_fold256(x0, k256, x1), llcrc_i_bcast256(kt[3]), llcrc_i_fold256(x2, k256, x3));
    return _mm_xor_si128(llcrc_i_fold128(_mm256_castsi256_si128(y), _mm_load_si128((const __m128i *)kt[0])),
                         _mm256_extracti128_si256(y, 1));
}

/* folding alone: 4 x 256-bit accumulators, 128 bytes per round; n >= 128; r raw register */
LLCRC_I_TGT_VPCL LLCRC_I_NOINLINE static uint32_t llcrc_i_crc_fold_vpcl(uint32_t r, const unsigned char *p, size_t n,
                                                                       int j) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[j];
    __m256i k = llcrc_i_bcast256(kt[4]); /* 1024 bits */
    __m256i x0 = _mm256_xor_si256(llcrc_i_ld256(p), _mm256_setr_epi32((int)r, 0, 0, 0, 0, 0, 0, 0));
    __m256i x1 = llcrc_i_ld256(p + 32), x2 = llcrc_i_ld256(p + 64), x3 = llcrc_i_ld256(p + 96);
    for (p += 128, n -= 128; n >= 128; p += 128, n -= 128) {
        x0 = llcrc_i_fold256(x0, k, llcrc_i_ld256(p));
        x1 = llcrc_i_fold256(x1, k, llcrc_i_ld256(p + 32));
        x2 = llcrc_i_fold256(x2, k, llcrc_i_ld256(p + 64));
        x3 = llcrc_i_fold256(x3, k, llcrc_i_ld256(p + 96));
    }
    return llcrc_i_reduce128(llcrc_i_fold_rest128(llcrc_i_lanes4_to_128(x0, x1, x2, x3, kt), p, n,
                                                  _mm_load_si128((const __m128i *)kt[0])),
                             j);
}

/* CRC-32C: the carry-less multiplier and the crc32 unit are separate ports, so each round folds 128
   bytes and feeds three crc32 streams LLCRC_I_HV_Q qwords each, over different parts of the buffer:
   [folded: 128 m][stream 0: 8 Q m][stream 1][stream 2][rest]. The parts are joined by multiplying with
   x^(8 len) mod P (a table for up to LLCRC_I_HVMAX rounds, computed beyond). n >= 2 rounds. */
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_xpow8_hw(uint64_t len, int j);
LLCRC_I_TGT_VPCL LLCRC_I_NOINLINE static uint32_t llcrc_i_crc32c_hybrid256(uint32_t r, const unsigned char *p, size_t n) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[0];
    size_t m = n / LLCRC_I_HV_ROUND, len_s = 8 * LLCRC_I_HV_Q * m, t;
    const unsigned char *f = p, *c0 = p + 128 * m, *c1 = c0 + len_s, *c2 = c1 + len_s;
    uint64_t s0 = 0, s1 = 0, s2 = 0;
    uint32_t x1s, x2s, x3s, rf;
    __m256i k = llcrc_i_bcast256(kt[4]);
    __m256i x0 = _mm256_xor_si256(llcrc_i_ld256(f), _mm256_setr_epi32((int)r, 0, 0, 0, 0, 0, 0, 0));
    __m256i x1 = llcrc_i_ld256(f + 32), x2 = llcrc_i_ld256(f + 64), x3 = llcrc_i_ld256(f + 96);
    if (m <= LLCRC_I_HVMAX) {
        x1s = llcrc_i_tab.hv[m][0];
        x2s = llcrc_i_tab.hv[m][1];
        x3s = llcrc_i_tab.hv[m][2];
    } else { /* independent of the data: overlaps the loop */
        x1s = llcrc_i_xpow8_hw(len_s, 0);
        x2s = llcrc_i_mulmod_hw(x1s, x1s, 0);
        x3s = llcrc_i_mulmod_hw(x2s, x1s, 0);
    }
    for (t = 0;;) {
        int q;
        for (q = 0; q < LLCRC_I_HV_Q; q++) {
            s0 = _mm_crc32_u64(s0, llcrc_i_le64(c0 + 8 * q));
            s1 = _mm_crc32_u64(s1, llcrc_i_le64(c1 + 8 * q));
            s2 = _mm_crc32_u64(s2, llcrc_i_le64(c2 + 8 * q));
        }
        c0 += 8 * LLCRC_I_HV_Q;
        c1 += 8 * LLCRC_I_HV_Q;
        c2 += 8 * LLCRC_I_HV_Q;
        if (++t == m) break;
        f += 128;
        x0 = llcrc_i_fold256(x0, k, llcrc_i_ld256(f));
        x1 = llcrc_i_fold256(x1, k, llcrc_i_ld256(f + 32));
        x2 = llcrc_i_fold256(x2, k, llcrc_i_ld256(f + 64));
        x3 = llcrc_i_fold256(x3, k, llcrc_i_ld256(f + 96));
    }
    rf = llcrc_i_reduce128(llcrc_i_lanes4_to_128(x0, x1, x2, x3, kt), 0);
    r = llcrc_i_mulmod_hw(rf, x3s, 0) ^ llcrc_i_mulmod_hw((uint32_t)s0, x2s, 0) ^
        llcrc_i_mulmod_hw((uint32_t)s1, x1s, 0) ^ (uint32_t)s2;
    t = LLCRC_I_HV_ROUND * m;
    n -= t;
    p += t;
    if (n <= 256) return n ? llcrc_i_crc32c_small(r, p, n) : r;
    return llcrc_i_crc_fold_vpcl(r, p, n, 0);
}
#endif
#if LLCRC_I_HAS_AVX512
/* 128..256 bytes (CRC-32): every 64-byte block folded straight onto the last one with its own distance
   constant (one multiply deep instead of a chain of folds), no loops, remainder tests not taken for
   multiples of 64 */
LLCRC_I_TGT_AVX512 LLCRC_I_NOINLINE static uint32_t llcrc_i_crc_le256_avx512(uint32_t r, const unsigned char *p, size_t n, int j) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[j];
    size_t m = n >> 6;
    __m512i x0 = _mm512_xor_si512(_mm512_loadu_si512(p), _mm512_castsi128_si512(_mm_cvtsi32_si128(((int)r))));
    __m512i x1 = _mm512_loadu_si512(p + 64), acc;
    __m128i a, k128;
    if (m == 4) {
        acc = _mm512_ternarylogic_epi64(llcrc_i_fold512(x0, llcrc_i_bcast_k(kt[5]), _mm512_loadu_si512(p + 192)),
                                        llcrc_i_fold512(x1, llcrc_i_bcast_k(kt[4]), _mm512_setzero_si512()),
                                        llcrc_i_fold512(_mm512_loadu_si512(p + 128), llcrc_i_bcast_k(kt[3]),
                                                        _mm512_setzero_si512()), 0x96);
    } else if (m == 3) {
        acc = _mm512_xor_si512(llcrc_i_fold512(x0, llcrc_i_bcast_k(kt[4]), _mm512_loadu_si512(p + 128)),
                               llcrc_i_fold512(x1, llcrc_i_bcast_k(kt[3]), _mm512_setzero_si512()));
    } else {
        acc = llcrc_i_fold512(x0, llcrc_i_bcast_k(kt[3]), x1);
    }
    a = llcrc_i_lanes_to_128(acc, kt);
    p += 64 * m;
    n &= 63;
    k128 = _mm_load_si128(((const __m128i *)(kt[0])));
    if (LLCRC_UNLIKELY(n)) a = llcrc_i_fold_rest128(a, p, n, k128);
    return llcrc_i_reduce128(a, j);
}
#endif

/* 64..127 bytes (CRC-32): the four leading blocks folded straight onto the fourth with their own
   distance constants, remainder tests not taken for 64 bytes; about 10 % faster than the looped fold */
LLCRC_I_TGT_SSE42 LLCRC_I_NOINLINE static uint32_t llcrc_i_crc_64_sse(uint32_t r, const unsigned char *p, size_t n, int j) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[j];
    __m128i k128 = _mm_load_si128(((const __m128i *)(kt[0])));
    __m128i k256 = _mm_load_si128(((const __m128i *)(kt[1])));
    __m128i x0 = _mm_xor_si128(_mm_loadu_si128(((const __m128i *)p)), _mm_cvtsi32_si128(((int)r)));
    __m128i a = _mm_xor_si128(
        _mm_xor_si128(llcrc_i_fold128(x0, _mm_load_si128(((const __m128i *)(kt[2])))),
                      llcrc_i_fold128(_mm_loadu_si128(((const __m128i *)(p + 16))), k256)),
        _mm_xor_si128(llcrc_i_fold128(_mm_loadu_si128(((const __m128i *)(p + 32))), k128),
                      _mm_loadu_si128(((const __m128i *)(p + 48)))));
    p += 64;
    n -= 64;
    if (LLCRC_UNLIKELY(n & 32)) {
        a = _mm_xor_si128(_mm_xor_si128(llcrc_i_fold128(a, k256),
                                        llcrc_i_fold128(_mm_loadu_si128(((const __m128i *)p)), k128)),
                          _mm_loadu_si128(((const __m128i *)(p + 16))));
        p += 32;
    }
    if (LLCRC_UNLIKELY(n & 16)) {
        a = _mm_xor_si128(llcrc_i_fold128(a, k128), _mm_loadu_si128(((const __m128i *)p)));
        p += 16;
    }
    if (LLCRC_UNLIKELY(n & 15)) a = llcrc_i_tail128(a, p, n & 15, k128);
    return llcrc_i_reduce128(a, j);
}
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_crc32c_sse42(uint32_t r, const unsigned char *p, size_t n) {
    if (n <= 256) return llcrc_i_crc32c_small(r, p, n);
    return llcrc_i_crc_fold_sse(r, p, n, 0);
}
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_crc32_sse42(uint32_t r, const unsigned char *p, size_t n) {
    if (n < 16) return llcrc_i_crc_tab(llcrc_i_tab.t[1], r, p, n);
    if (n >= 64 && n < 128) return llcrc_i_crc_64_sse(r, p, n, 1);
    return llcrc_i_crc_fold_sse(r, p, n, 1);
}
#endif /* SSE42 */

/* ---------------------------------------------------------------------------------------- */
/* aarch64 CRC instructions                                                                 */
#if LLCRC_I_HAS_ARMCRC
#if defined(__clang__)
#define LLCRC_I_TGT_ARMCRC __attribute__((target("crc")))
#else
#define LLCRC_I_TGT_ARMCRC __attribute__((target("+crc")))
#endif
LLCRC_I_TGT_ARMCRC static uint32_t llcrc_i_crc32c_arm(uint32_t r, const unsigned char *p, size_t n) {
    while (n >= 32) {
        r = __crc32cd(r, llcrc_i_le64(p));
        r = __crc32cd(r, llcrc_i_le64(p + 8));
        r = __crc32cd(r, llcrc_i_le64(p + 16));
        r = __crc32cd(r, llcrc_i_le64(p + 24));
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        r = __crc32cd(r, llcrc_i_le64(p));
        p += 8;
        n -= 8;
    }
    if (n & 4) {
        r = __crc32cw(r, llcrc_i_le32(p));
        p += 4;
    }
    if (n & 2) {
        r = __crc32ch(r, ((uint16_t)(p[0] | (p[1] << 8))));
        p += 2;
    }
    if (n & 1) r = __crc32cb(r, *p);
    return r;
}
LLCRC_I_TGT_ARMCRC static uint32_t llcrc_i_crc32_arm(uint32_t r, const unsigned char *p, size_t n) {
    while (n >= 32) {
        r = __crc32d(r, llcrc_i_le64(p));
        r = __crc32d(r, llcrc_i_le64(p + 8));
        r = __crc32d(r, llcrc_i_le64(p + 16));
        r = __crc32d(r, llcrc_i_le64(p + 24));
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        r = __crc32d(r, llcrc_i_le64(p));
        p += 8;
        n -= 8;
    }
    if (n & 4) {
        r = __crc32w(r, llcrc_i_le32(p));
        p += 4;
    }
    if (n & 2) {
        r = __crc32h(r, ((uint16_t)(p[0] | (p[1] << 8))));
        p += 2;
    }
    if (n & 1) r = __crc32b(r, *p);
    return r;
}
#endif

#if LLCRC_I_HAS_PMULL
#if defined(__clang__)
#define LLCRC_I_TGT_PMULL __attribute__((target("crc,aes")))
#else
#define LLCRC_I_TGT_PMULL __attribute__((target("+crc+crypto")))
#endif
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64x2_t llcrc_i_pm_fold(uint64x2_t x, poly64x2_t k) {
    poly64x2_t a = vreinterpretq_p64_u64(x);
    poly128_t lo = vmull_p64(vgetq_lane_p64(a, 0), vgetq_lane_p64(k, 0));
    poly128_t hi = vmull_high_p64(a, k);
    return veorq_u64(vreinterpretq_u64_p128(lo), vreinterpretq_u64_p128(hi));
}
LLCRC_I_TGT_PMULL LLCRC_I_INLINE poly64x2_t llcrc_i_pm_k(const uint64_t *k) {
    return vreinterpretq_p64_u64(vld1q_u64(k));
}
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64x2_t llcrc_i_pm_ld(const unsigned char *p) {
    return vreinterpretq_u64_u8(vld1q_u8(p));
}
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64_t llcrc_i_pm_mul(uint64_t a, uint64_t b) {
    return vgetq_lane_u64(vreinterpretq_u64_p128(vmull_p64(a, b)), 0);
}
/* the same folds as the x86 PCLMULQDQ path (4 x 128-bit lanes), then the ARMv8 crc32 instruction for the
   final reduction and the tail; n >= 64; r raw register */
LLCRC_I_TGT_PMULL LLCRC_I_NOINLINE static uint32_t llcrc_i_crc_fold_pmull(uint32_t r, const unsigned char *p, size_t n,
                                                                         int j) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[j];
    poly64x2_t k512 = llcrc_i_pm_k(kt[3]), k128 = llcrc_i_pm_k(kt[0]);
    uint64x2_t x0 = veorq_u64(llcrc_i_pm_ld(p), vsetq_lane_u64(((uint64_t)r), vdupq_n_u64(0), 0));
    uint64x2_t x1 = llcrc_i_pm_ld(p + 16), x2 = llcrc_i_pm_ld(p + 32), x3 = llcrc_i_pm_ld(p + 48);
    uint64_t lo, hi, v, w;
    p += 64;
    n -= 64;
    while (n >= 64) {
        x0 = veorq_u64(llcrc_i_pm_fold(x0, k512), llcrc_i_pm_ld(p));
        x1 = veorq_u64(llcrc_i_pm_fold(x1, k512), llcrc_i_pm_ld(p + 16));
        x2 = veorq_u64(llcrc_i_pm_fold(x2, k512), llcrc_i_pm_ld(p + 32));
        x3 = veorq_u64(llcrc_i_pm_fold(x3, k512), llcrc_i_pm_ld(p + 48));
        p += 64;
        n -= 64;
    }
    x0 = veorq_u64(veorq_u64(llcrc_i_pm_fold(x0, llcrc_i_pm_k(kt[2])), llcrc_i_pm_fold(x1, llcrc_i_pm_k(kt[1]))),
                   veorq_u64(llcrc_i_pm_fold(x2, k128), x3));
    while (n >= 16) {
        x0 = veorq_u64(llcrc_i_pm_fold(x0, k128), llcrc_i_pm_ld(p));
        p += 16;
        n -= 16;
    }
    /* lane -> 32 bits: a * (x^96 mod P) + b * (x^64 mod P) + hi, times x^32 mod P (one crc32 step) */
    lo = vgetq_lane_u64(x0, 0);
    hi = vgetq_lane_u64(x0, 1);
    v = llcrc_i_pm_mul(lo & 0xffffffffu, llcrc_i_tab.fin[j][0]) ^ llcrc_i_pm_mul(lo >> 32, llcrc_i_tab.fin[j][1]);
    w = (v << 1) ^ hi;
    if (j == 0) return llcrc_i_crc32c_arm(__crc32cd(0, w), p, n);
    return llcrc_i_crc32_arm(__crc32d(0, w), p, n);
}
#endif

/* ---------------------------------------------------------------------------------------- */
/* CRC public functions                                                                     */

LLCRCDEF uint32_t llcrc_crc32c(uint32_t crc, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    uint32_t r = ~crc;
    int lvl = llcrc_i_lvl();
    if (!len) return crc;
#if LLCRC_I_HAS_SSE42
    /* up to 256 bytes on the three x86 paths: the crc32 instruction (no vector warm-up) behind one
       range test */
    if (len <= 256 && ((unsigned)(lvl - LLCRC_PATH_SSE42)) <= LLCRC_PATH_AVX512 - LLCRC_PATH_SSE42) {
        if (len < 16) return ~llcrc_i_crc32c_small(r, p, len);
#if LLCRC_I_HAS_VPCLMUL
        /* 128..256 bytes: 256-bit folds (the crc32 unit alone is slower there on Zen 3) */
        if (len >= 128 && lvl == LLCRC_PATH_AVX2_VPCLMUL)
            return llcrc_i_crc32c_short_with(crc, len, ~llcrc_i_crc_fold_vpcl(0, p, len, 0));
#endif
        return llcrc_i_crc32c_short_with(crc, len, ~(len < 128 ? llcrc_i_crc32c_seq_nt(0, p, len) : llcrc_i_crc32c_4way(0, p, len)));
    }
#endif
    switch (lvl) {
#if LLCRC_I_HAS_AVX512
    case LLCRC_PATH_AVX512:
        /* the hybrid reads four streams at once: beyond the caches one prefetched stream is faster */
        if (len >= 4096 && len < (((size_t)4) << 20)) return ~llcrc_i_crc32c_hybrid(r, p, len);
        return ~llcrc_i_crc_fold_avx512(r, p, len, 0); /* len > 256: shorter ones returned above */
#endif
#if LLCRC_I_HAS_VPCLMUL
    case LLCRC_PATH_AVX2_VPCLMUL:
        if (len >= 2 * LLCRC_I_HV_ROUND) return ~llcrc_i_crc32c_hybrid256(r, p, len);
        return ~llcrc_i_crc_fold_vpcl(r, p, len, 0); /* len >= 128 */
#endif
#if LLCRC_I_HAS_SSE42
    case LLCRC_PATH_AVX2:
    case LLCRC_PATH_SSE42:
        return ~llcrc_i_crc32c_sse42(r, p, len);
#endif
#if LLCRC_I_HAS_PMULL
    case LLCRC_PATH_ARMV8_PMULL:
        if (len >= 256) return ~llcrc_i_crc_fold_pmull(r, p, len, 0);
        return ~llcrc_i_crc32c_arm(r, p, len);
#endif
#if LLCRC_I_HAS_ARMCRC
    case LLCRC_PATH_ARMV8:
        return ~llcrc_i_crc32c_arm(r, p, len);
#endif
    default:
        return ~llcrc_i_crc_tab(llcrc_i_tab.t[0], r, p, len);
    }
}

LLCRCDEF uint32_t llcrc_crc32(uint32_t crc, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    uint32_t r = ~crc;
    int lvl = llcrc_i_lvl();
    if (!len) return crc;
    switch (lvl) {
#if LLCRC_I_HAS_AVX512
    case LLCRC_PATH_AVX512:
        if (len > 256) return ~llcrc_i_crc_fold_avx512(r, p, len, 1);
        if (len >= 128) return ~llcrc_i_crc_le256_avx512(r, p, len, 1);
        return ~llcrc_i_crc32_sse42(r, p, len);
#endif
#if LLCRC_I_HAS_VPCLMUL
    case LLCRC_PATH_AVX2_VPCLMUL:
        if (len >= 256) return ~llcrc_i_crc_fold_vpcl(r, p, len, 1);
        return ~llcrc_i_crc32_sse42(r, p, len);
#endif
#if LLCRC_I_HAS_SSE42
    case LLCRC_PATH_AVX2:
    case LLCRC_PATH_SSE42:
        return ~llcrc_i_crc32_sse42(r, p, len);
#endif
#if LLCRC_I_HAS_PMULL
    case LLCRC_PATH_ARMV8_PMULL:
        if (len >= 64) return ~llcrc_i_crc_fold_pmull(r, p, len, 1);
        return ~llcrc_i_crc32_arm(r, p, len);
#endif
#if LLCRC_I_HAS_ARMCRC
    case LLCRC_PATH_ARMV8:
        return ~llcrc_i_crc32_arm(r, p, len);
#endif
    default:
        return ~llcrc_i_crc_tab(llcrc_i_tab.t[1], r, p, len);
    }
}

/* a * b mod P (reflected) via carry-less multiply and a table/instruction reduction */
#if LLCRC_I_HAS_SSE42
LLCRC_I_TGT_SSE42 static uint32_t llcrc_i_mulmod_hw(uint32_t a, uint32_t b, int j) {
    uint64_t p = llcrc_i_clmul32_hw(a, b) << 1;
    if (j == 0) return ((uint32_t)(p >> 32)) ^ _mm_crc32_u32(0, ((uint32_t)p));
    return ((uint32_t)(p >> 32)) ^ llcrc_i_t4(llcrc_i_tab.t[1], ((uint32_t)p));
}
#endif
static uint32_t llcrc_i_mulmod(uint32_t a, uint32_t b, int j, int lvl) {
    uint64_t p;
#if LLCRC_I_HAS_SSE42
    if (lvl >= LLCRC_PATH_SSE42 && lvl <= LLCRC_PATH_AVX512) return llcrc_i_mulmod_hw(a, b, j);
#endif
    (void)lvl;
    p = llcrc_i_clmul32_sw(a, b) << 1;
    return ((uint32_t)(p >> 32)) ^ llcrc_i_t4(llcrc_i_tab.t[j], ((uint32_t)p));
}

static uint32_t llcrc_i_combine(uint32_t crc1, uint32_t crc2, uint64_t len2, int j) {
    int lvl = llcrc_i_lvl();
    uint32_t pw = 0;
    int have = 0, i = 0;
    if (!len2) return crc1 ^ crc2;
    while (len2) {
        unsigned d = ((unsigned)(len2 & 15));
        if (d) {
            uint32_t f = llcrc_i_tab.pw[j][i][d];
            pw = have ? llcrc_i_mulmod(pw, f, j, lvl) : f;
            have = 1;
        }
        len2 >>= 4;
        i++;
    }
    return llcrc_i_mulmod(pw, crc1, j, lvl) ^ crc2;
}

#if LLCRC_I_HAS_SSE42
/* x^(8 len) mod P from the nibble power tables */
LLCRC_I_TGT_SSE42 LLCRC_I_UNUSED static uint32_t llcrc_i_xpow8_hw(uint64_t len, int j) {
    uint32_t pw = 0x80000000u;
    int i = 0;
    while (len) {
        unsigned d = ((unsigned)(len & 15));
        if (d) pw = llcrc_i_mulmod_hw(pw, llcrc_i_tab.pw[j][i][d], j);
        len >>= 4;
        i++;
    }
    return pw;
}
#endif

#if LLCRC_I_HAS_AVX512
/* CRC-32C for large buffers: the VPCLMULQDQ folds (limited by the carry-less multiplier's throughput)
   and three crc32-instruction streams (another execution port) run in the same loop over different
   parts of the buffer: per round 256 bytes are folded and 3 x 24 bytes go through crc32. The parts are
   joined by multiplying with x^(8 len) mod P. n >= 2048 (used from 8 KiB); r raw register. */
#define LLCRC_I_HY_Q 3
LLCRC_I_TGT_AVX512 LLCRC_I_NOINLINE static uint32_t llcrc_i_crc32c_hybrid(uint32_t r, const unsigned char *p, size_t n) {
    uint64_t (*kt)[2] = llcrc_i_tab.fold[0];
    size_t m = n / (256 + 24 * LLCRC_I_HY_Q), len_s = 8 * LLCRC_I_HY_Q * m, t;
    const unsigned char *f = p, *c0 = p + 256 * m, *c1 = c0 + len_s, *c2 = c1 + len_s;
    uint64_t s0 = 0, s1 = 0, s2 = 0;
    uint32_t rf;
    __m512i k = llcrc_i_bcast_k(kt[6]);
    __m512i x0 = _mm512_xor_si512(_mm512_loadu_si512(f), _mm512_castsi128_si512(_mm_cvtsi32_si128(((int)r))));
    __m512i x1 = _mm512_loadu_si512(f + 64), x2 = _mm512_loadu_si512(f + 128), x3 = _mm512_loadu_si512(f + 192);
    for (t = 0;;) {
        int q;
        for (q = 0; q < LLCRC_I_HY_Q; q++) {
            s0 = _mm_crc32_u64(s0, llcrc_i_le64(c0 + 8 * q));
            s1 = _mm_crc32_u64(s1, llcrc_i_le64(c1 + 8 * q));
            s2 = _mm_crc32_u64(s2, llcrc_i_le64(c2 + 8 * q));
        }
        c0 += 8 * LLCRC_I_HY_Q;
        c1 += 8 * LLCRC_I_HY_Q;
        c2 += 8 * LLCRC_I_HY_Q;
        if (++t == m) break;
        f += 256;
        x0 = llcrc_i_fold512(x0, k, _mm512_loadu_si512(f));
        x1 = llcrc_i_fold512(x1, k, _mm512_loadu_si512(f + 64));
        x2 = llcrc_i_fold512(x2, k, _mm512_loadu_si512(f + 128));
        x3 = llcrc_i_fold512(x3, k, _mm512_loadu_si512(f + 192));
    }
    x0 = llcrc_i_fold512(x0, llcrc_i_bcast_k(kt[5]), x3);
    x1 = llcrc_i_fold512(x1, llcrc_i_bcast_k(kt[4]), x0);
    x0 = llcrc_i_fold512(x2, llcrc_i_bcast_k(kt[3]), x1);
    rf = llcrc_i_reduce128(llcrc_i_lanes_to_128(x0, kt), 0);
    if (m <= LLCRC_I_HYMAX && LLCRC_I_HY_Q == 3)
        r = llcrc_i_mulmod_hw(rf, llcrc_i_tab.hy[m][2], 0) ^
            llcrc_i_mulmod_hw(((uint32_t)s0), llcrc_i_tab.hy[m][1], 0) ^
            llcrc_i_mulmod_hw(((uint32_t)s1), llcrc_i_tab.hy[m][0], 0) ^ ((uint32_t)s2);
    else
    r = llcrc_i_mulmod_hw(rf, llcrc_i_xpow8_hw(3 * len_s, 0), 0) ^
        llcrc_i_mulmod_hw(((uint32_t)s0), llcrc_i_xpow8_hw(2 * len_s, 0), 0) ^
        llcrc_i_mulmod_hw(((uint32_t)s1), llcrc_i_xpow8_hw(len_s, 0), 0) ^ ((uint32_t)s2);
    t = 256 * m + 3 * len_s;
    return llcrc_i_crc32c_sse42(r, p + t, n - t);
}
#endif

LLCRCDEF uint32_t llcrc_crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
    return llcrc_i_combine(crc1, crc2, len2, 0);
}
LLCRCDEF uint32_t llcrc_crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
    return llcrc_i_combine(crc1, crc2, len2, 1);
}

/* ---------------------------------------------------------------------------------------- */
/* CRC-64 (NVME, XZ, ECMA-182, GO-ISO), CRC-16/T10-DIF, CRC-32/BZIP2: one engine, parameterised      */
/* The register: reflected CRCs keep it right-aligned (the first message bit is bit 0), normal ones    */
/* left-aligned in 64 bits (the first message bit is bit 63), so one slice-by-8 step and one fold      */
/* serve every width up to 64. Each variant's tables are built at its first use (an unused variant     */
/* costs no memory after --gc-sections, e.g. on Cortex-M).                                             */
/* A left-aligned register of width w is the CRC of the degree-64 polynomial Q = P x^(64-w) (M x^64    */
/* mod Q = (M x^w mod P) x^(64-w)), so every constant is taken mod Q and one 64-bit Barrett reduction  */
/* serves every width. Reflected variants are all 64 bits wide (Q = P).                                */
/* The carry-less kernels turn the message into 128 bits T with T = M x^64 (mod Q) and reduce T:      */
/* each 16-byte lane is multiplied straight to that scale by the constant of its distance from the end */
/* (below 256 bytes every lane, above it the four fold accumulators and the lanes after them), so the  */
/* lanes do not wait on each other; then two carry-less multiplies (Barrett) give the register. A      */
/* length that is not a multiple of 16 takes its n mod 16 first bytes as a lane of their own, so every */
/* other lane stays 16-byte granular.                                                                  */

#define LLCRC_I_KD 32 /* lanes a kernel takes straight to T: below 512 bytes every one */
struct llcrc_i_cx;
/* a variant's CRC on one path: public value in and out, any length */
typedef uint64_t (*llcrc_i_cx_fn)(const struct llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n);
typedef struct llcrc_i_cx {
    uint64_t t[8][256];                    /* slice-by-8 */
    uint64_t fold[5][2] LLCRC_I_ALIGN(16); /* fold by 128, 256, 384, 512, 1024 bits: {lo lane, hi lane} */
    uint64_t kd[LLCRC_I_KD][2] LLCRC_I_ALIGN(32); /* kd[KD-1-j]: a lane with j lanes after it to T (by 128 j + 64) */
    uint64_t bar[2] LLCRC_I_ALIGN(16);     /* Barrett: normal {mu, Q}, reflected {mu / x, Q / x} bit-reversed */
    uint64_t pw[64];                       /* x^(8 * 2^i) mod P, normal form (combine) */
    uint64_t poly;                         /* normal form, without x^width */
    uint64_t xorout;                       /* = init: the public value is the register ^ xorout */
    unsigned width;
    int refl;
    int state;                             /* 0 none, 1 building, 2 ready */
    llcrc_i_cx_fn fn;                      /* the path in use, resolved at first use and after llcrc_force_path */
} llcrc_i_cx;

static uint64_t llcrc_i_rev64(uint64_t v) {
    uint64_t r = 0;
    int i;
    for (i = 0; i < 64; i++) r |= ((v >> i) & 1u) << (63 - i);
    return r;
}
static uint64_t llcrc_i_be64(const unsigned char *p) {
#if LLCRC_I_BIG_ENDIAN
    uint64_t v;
    LLCRC_I_MEMCPY(&v, p, 8);
    return v;
#else
    return llcrc_i_bswap64(llcrc_i_le64(p));
#endif
}
/* a * b mod P, normal form (bit i = coefficient of x^i, degree < width) */
static uint64_t llcrc_i_cx_mulmod(const llcrc_i_cx *cx, uint64_t a, uint64_t b) {
    uint64_t r = 0, top = (uint64_t)1 << (cx->width - 1), mask = top | (top - 1);
    int i;
    for (i = (int)cx->width - 1; i >= 0; i--) {
        uint64_t carry = r & top;
        r = (r << 1) & mask;
        if (carry) r ^= cx->poly;
        if ((b >> i) & 1u) r ^= a;
    }
    return r;
}
/* x^n mod Q (Q = P x^(64 - width), degree 64), normal form, for the modest n of the constants */
static uint64_t llcrc_i_cx_xq(const llcrc_i_cx *cx, unsigned n) {
    uint64_t q = cx->poly << (64 - cx->width), r = 1;
    while (n--) r = (r << 1) ^ ((r >> 63) ? q : 0);
    return r;
}
/* the constant pair that multiplies a 128-bit lane by x^d mod Q. Reflected lanes (bytes in memory
   order, bit j of a qword = x^(63-j)): the carry-less product comes out times x, so the first qword's
   constant is x^(d+63) and the second's x^(d-1), bit-reversed. Normal lanes (each 16 bytes reversed):
   the low qword is the later half, constants x^d and x^(d+64) as they are. */
static void llcrc_i_cx_pair(const llcrc_i_cx *cx, uint64_t *k, unsigned d) {
    if (cx->refl) {
        k[0] = llcrc_i_rev64(llcrc_i_cx_xq(cx, d + 63));
        k[1] = llcrc_i_rev64(llcrc_i_cx_xq(cx, d - 1));
    } else {
        k[0] = llcrc_i_cx_xq(cx, d);
        k[1] = llcrc_i_cx_xq(cx, d + 64);
    }
}
static void llcrc_i_cx_build(llcrc_i_cx *cx) {
    static const unsigned dist[5] = {128, 256, 384, 512, 1024};
    unsigned w = cx->width;
    int i, k;
    uint64_t rp = llcrc_i_rev64(cx->poly) >> (64 - w), lp = cx->poly << (64 - w), mu = 0, win = lp;
    LLCRC_ASSERT(!cx->refl || w == 64); /* the carry-less kernels take x^-1 mod Q: Q = P for reflected */
    for (i = 0; i < 256; i++) {
        uint64_t c;
        if (cx->refl) {
            c = (uint64_t)i;
            for (k = 0; k < 8; k++) c = (c >> 1) ^ (rp & (0 - (c & 1u)));
        } else {
            c = (uint64_t)i << 56;
            for (k = 0; k < 8; k++) c = (c << 1) ^ (lp & (0 - (c >> 63)));
        }
        cx->t[0][i] = c;
    }
    for (k = 1; k < 8; k++)
        for (i = 0; i < 256; i++) {
            uint64_t c = cx->t[k - 1][i];
            cx->t[k][i] = cx->refl ? (c >> 8) ^ cx->t[0][c & 0xff] : (c << 8) ^ cx->t[0][c >> 56];
        }
    for (k = 0; k < 5; k++) llcrc_i_cx_pair(cx, cx->fold[k], dist[k]);
    /* a lane followed by j lanes ends 16 j bytes before the end: T takes it times x^(128 j + 64) */
    for (k = 0; k < LLCRC_I_KD; k++) llcrc_i_cx_pair(cx, cx->kd[LLCRC_I_KD - 1 - k], 128 * (unsigned)k + 64);
    /* Barrett: mu = floor(x^128 / Q) = x^64 + mu', by long division (win: the next 64 coefficients) */
    for (i = 63; i >= 0; i--) {
        uint64_t top = win >> 63;
        win <<= 1;
        if (top) {
            mu |= (uint64_t)1 << i;
            win ^= lp;
        }
    }
    if (cx->refl) { /* x^64 + mu' and Q = x^64 + Q' without their x^0 terms, divided by x, bit-reversed */
        cx->bar[0] = llcrc_i_rev64(((uint64_t)1 << 63) | (mu >> 1));
        cx->bar[1] = llcrc_i_rev64(((uint64_t)1 << 63) | (lp >> 1));
    } else {
        cx->bar[0] = mu;
        cx->bar[1] = lp;
    }
    cx->pw[0] = llcrc_i_cx_mulmod(cx, 1, (uint64_t)1 << 8);
    for (k = 1; k < 64; k++) cx->pw[k] = llcrc_i_cx_mulmod(cx, cx->pw[k - 1], cx->pw[k - 1]);
}

LLCRC_I_NOINLINE static void llcrc_i_cx_first_use(llcrc_i_cx *cx) {
    int st = 0;
    if (LLCRC_I_CAS(&cx->state, &st, 1)) {
        llcrc_i_cx_build(cx);
        LLCRC_I_STORE_REL(&cx->state, 2);
        return;
    }
    while (LLCRC_I_LOAD_ACQ(&cx->state) != 2) llcrc_cpu_relax();
}
LLCRC_I_INLINE const llcrc_i_cx *llcrc_i_cx_ready(llcrc_i_cx *cx) {
    if (LLCRC_UNLIKELY(LLCRC_I_LOAD_ACQ(&cx->state) != 2)) llcrc_i_cx_first_use(cx);
    return cx;
}
/* the public value (zlib conventions: start with 0, chain by passing the result) to the register in
   the engine's alignment, and back */
LLCRC_I_INLINE uint64_t llcrc_i_cx_in(const llcrc_i_cx *cx, uint64_t crc) { return (crc ^ cx->xorout) << (64 - cx->width); }
LLCRC_I_INLINE uint64_t llcrc_i_cx_out(const llcrc_i_cx *cx, uint64_t r) { return (r >> (64 - cx->width)) ^ cx->xorout; }
/* the same where the form is known (every reflected variant is 64 bits wide) */
LLCRC_I_INLINE uint64_t llcrc_i_cx_in_k(const llcrc_i_cx *cx, uint64_t crc, int refl) {
    return refl ? crc ^ cx->xorout : llcrc_i_cx_in(cx, crc);
}
LLCRC_I_INLINE uint64_t llcrc_i_cx_out_k(const llcrc_i_cx *cx, uint64_t r, int refl) {
    return refl ? r ^ cx->xorout : llcrc_i_cx_out(cx, r);
}

static uint64_t llcrc_i_cx_tab(const llcrc_i_cx *cx, uint64_t r, const unsigned char *p, size_t n) {
    const uint64_t (*t)[256] = (const uint64_t (*)[256])cx->t;
    if (cx->refl) {
        for (; n >= 8; p += 8, n -= 8) {
            uint64_t v = llcrc_i_le64(p) ^ r;
            r = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
                t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
        }
        while (n--) r = t[0][(r ^ *p++) & 0xff] ^ (r >> 8);
    } else {
        for (; n >= 8; p += 8, n -= 8) {
            uint64_t v = llcrc_i_be64(p) ^ r;
            r = t[7][v >> 56] ^ t[6][(v >> 48) & 0xff] ^ t[5][(v >> 40) & 0xff] ^ t[4][(v >> 32) & 0xff] ^
                t[3][(v >> 24) & 0xff] ^ t[2][(v >> 16) & 0xff] ^ t[1][(v >> 8) & 0xff] ^ t[0][v & 0xff];
        }
        while (n--) r = t[0][(r >> 56) ^ *p++] ^ (r << 8);
    }
    return r;
}

#if LLCRC_I_HAS_SSE42
static const unsigned char llcrc_i_rev16[16] LLCRC_I_ALIGN(16) = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_dom(__m128i v, __m128i rev, int refl) { /* memory -> lane order */
    return refl ? v : _mm_shuffle_epi8(v, rev);
}
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_ld(const unsigned char *p, __m128i rev, int refl) {
    return llcrc_i_cx_dom(_mm_loadu_si128((const __m128i *)p), rev, refl);
}
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_k(const uint64_t *k) { return _mm_load_si128((const __m128i *)k); }
/* the start register as the first 8 message bytes (memory order), to be xored onto them */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_start(uint64_t r, int refl) {
    return _mm_cvtsi64_si128((long long)(refl ? r : llcrc_i_bswap64(r)));
}
/* the first t (0..15) bytes at p, start value included, as a lane of their own (t = 0: zero); *rl
   becomes what is left of the start value for the bytes from p + t. n >= 16. */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_head(const unsigned char *p, size_t t, __m128i *rl, __m128i rev, int refl) {
    __m128i head = _mm_shuffle_epi8(_mm_xor_si128(_mm_loadu_si128((const __m128i *)p), *rl),
                                    _mm_loadu_si128((const __m128i *)(llcrc_i_shuf + t)));
    *rl = _mm_shuffle_epi8(*rl, _mm_loadu_si128((const __m128i *)(llcrc_i_shuf + 16 + t)));
    return llcrc_i_cx_dom(head, rev, refl);
}
/* Barrett: T (deg < 128, T = M x^64 mod Q) -> T mod Q, the register. Normal: q = Th + hi(Th mu'),
   T mod Q = Tl + lo(q Q'). Reflected (T's first qword holds Th): the constants are mu and Q divided by
   x, so the first product's low qword is q and the second's high qword lo(q Q) without Q's x^0 term,
   which is added as q itself. */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE uint64_t llcrc_i_cx_barrett(const llcrc_i_cx *cx, __m128i t, int refl) {
    __m128i k = llcrc_i_cx_k(cx->bar);
    if (refl) {
        __m128i q = _mm_clmulepi64_si128(t, k, 0x00);
        __m128i r = _mm_xor_si128(_mm_clmulepi64_si128(q, k, 0x10), _mm_xor_si128(t, _mm_slli_si128(q, 8)));
        return (uint64_t)_mm_extract_epi64(r, 1);
    } else {
        __m128i u = _mm_xor_si128(_mm_clmulepi64_si128(t, k, 0x01), t);
        return (uint64_t)_mm_cvtsi128_si64(_mm_xor_si128(_mm_clmulepi64_si128(u, k, 0x11), t));
    }
}
/* the start register's share of T, one carry-less multiply: rl holds what is left of it for the first
   full lane (memory order; refl: in its low qword, normal: in its high qword once reversed), kr that
   lane's constants */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_rl(__m128i rl, const uint64_t *kr, __m128i rev, int refl) {
    return refl ? _mm_clmulepi64_si128(rl, llcrc_i_cx_k(kr), 0x00)
                : _mm_clmulepi64_si128(_mm_shuffle_epi8(rl, rev), llcrc_i_cx_k(kr), 0x11);
}
/* the head lane (n mod 16 first bytes) and the start register, both straight to T; m full lanes follow */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_early(const llcrc_i_cx *cx, uint64_t r, const unsigned char *p, size_t t,
                                                          size_t m, __m128i rev, int refl) {
    const uint64_t *kr = cx->kd[LLCRC_I_KD - m];
    if (LLCRC_UNLIKELY(t)) {
        __m128i rl = llcrc_i_cx_start(r, refl);
        __m128i head = llcrc_i_cx_head(p, t, &rl, rev, refl);
        return _mm_xor_si128(llcrc_i_fold128(head, llcrc_i_cx_k(cx->kd[LLCRC_I_KD - 1 - m])), llcrc_i_cx_rl(rl, kr, rev, refl));
    }
    /* normal: the register is the reversed first lane's high qword as it is */
    return refl ? _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)r), llcrc_i_cx_k(kr), 0x00)
                : _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)r), llcrc_i_cx_k(kr), 0x10);
}
/* the c (<= 15) lanes that end at e, each straight to T: lane j = c-1 .. 0 */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE __m128i llcrc_i_cx_singles(const llcrc_i_cx *cx, const unsigned char *e, size_t c, __m128i acc,
                                                            __m128i rev, int refl) {
#define LLCRC_I_CX1(c) acc = _mm_xor_si128(acc, llcrc_i_fold128(llcrc_i_cx_ld(e - 16 * (c), rev, refl), llcrc_i_cx_k(cx->kd[LLCRC_I_KD - (c)])))
    switch (c) {
    case 15: LLCRC_I_CX1(15); LLCRC_I_FALLTHROUGH;
    case 14: LLCRC_I_CX1(14); LLCRC_I_FALLTHROUGH;
    case 13: LLCRC_I_CX1(13); LLCRC_I_FALLTHROUGH;
    case 12: LLCRC_I_CX1(12); LLCRC_I_FALLTHROUGH;
    case 11: LLCRC_I_CX1(11); LLCRC_I_FALLTHROUGH;
    case 10: LLCRC_I_CX1(10); LLCRC_I_FALLTHROUGH;
    case 9: LLCRC_I_CX1(9); LLCRC_I_FALLTHROUGH;
    case 8: LLCRC_I_CX1(8); LLCRC_I_FALLTHROUGH;
    case 7: LLCRC_I_CX1(7); LLCRC_I_FALLTHROUGH;
    case 6: LLCRC_I_CX1(6); LLCRC_I_FALLTHROUGH;
    case 5: LLCRC_I_CX1(5); LLCRC_I_FALLTHROUGH;
    case 4: LLCRC_I_CX1(4); LLCRC_I_FALLTHROUGH;
    case 3: LLCRC_I_CX1(3); LLCRC_I_FALLTHROUGH;
    case 2: LLCRC_I_CX1(2); LLCRC_I_FALLTHROUGH;
    case 1: LLCRC_I_CX1(1); LLCRC_I_FALLTHROUGH;
    default: break;
    }
#undef LLCRC_I_CX1
    return acc;
}
/* 16..255 bytes: every lane straight to T, 128-bit registers */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE uint64_t llcrc_i_cx_short_sse(const llcrc_i_cx *cx, uint64_t r, const unsigned char *p,
                                                               size_t n, int refl) {
    const __m128i rev = _mm_load_si128((const __m128i *)llcrc_i_rev16);
    __m128i acc = llcrc_i_cx_early(cx, r, p, n & 15, n >> 4, rev, refl);
    return llcrc_i_cx_barrett(cx, llcrc_i_cx_singles(cx, p + n, n >> 4, acc, rev, refl), refl);
}
/* PCLMULQDQ folding, four 128-bit lanes (64 bytes per round); n >= 64 */
LLCRC_I_TGT_SSE42 LLCRC_I_INLINE uint64_t llcrc_i_cx_fold_sse(const llcrc_i_cx *cx, uint64_t r, const unsigned char *p,
                                                              size_t n, int refl) {
    const __m128i rev = _mm_load_si128((const __m128i *)llcrc_i_rev16);
    const __m128i k512 = llcrc_i_cx_k(cx->fold[3]);
    const unsigned char *e = p + n;
    size_t t = n & 15, m;
    __m128i rl = llcrc_i_cx_start(r, refl), x0, x1, x2, x3, acc;
    if (t) {
        __m128i head = llcrc_i_cx_head(p, t, &rl, rev, refl);
        p += t;
        n -= t;
        x0 = _mm_xor_si128(llcrc_i_fold128(head, llcrc_i_cx_k(cx->fold[0])),
                           llcrc_i_cx_dom(_mm_xor_si128(_mm_loadu_si128((const __m128i *)p), rl), rev, refl));
    } else {
        x0 = llcrc_i_cx_dom(_mm_xor_si128(_mm_loadu_si128((const __m128i *)p), rl), rev, refl);
    }
    x1 = llcrc_i_cx_ld(p + 16, rev, refl);
    x2 = llcrc_i_cx_ld(p + 32, rev, refl);
    x3 = llcrc_i_cx_ld(p + 48, rev, refl);
    for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
        x0 = _mm_xor_si128(llcrc_i_fold128(x0, k512), llcrc_i_cx_ld(p, rev, refl));
        x1 = _mm_xor_si128(llcrc_i_fold128(x1, k512), llcrc_i_cx_ld(p + 16, rev, refl));
        x2 = _mm_xor_si128(llcrc_i_fold128(x2, k512), llcrc_i_cx_ld(p + 32, rev, refl));
        x3 = _mm_xor_si128(llcrc_i_fold128(x3, k512), llcrc_i_cx_ld(p + 48, rev, refl));
    }
    /* the four accumulators and the 0..3 lanes after them, each straight to T */
    m = 4 + n / 16;
    acc = _mm_xor_si128(_mm_xor_si128(llcrc_i_fold128(x0, llcrc_i_cx_k(cx->kd[LLCRC_I_KD - m])),
                                      llcrc_i_fold128(x1, llcrc_i_cx_k(cx->kd[LLCRC_I_KD - m + 1]))),
                        _mm_xor_si128(llcrc_i_fold128(x2, llcrc_i_cx_k(cx->kd[LLCRC_I_KD - m + 2])),
                                      llcrc_i_fold128(x3, llcrc_i_cx_k(cx->kd[LLCRC_I_KD - m + 3]))));
    return llcrc_i_cx_barrett(cx, llcrc_i_cx_singles(cx, e, n / 16, acc, rev, refl), refl);
}
/* public value in and out, any length; the two forms compiled apart (the lane order is known inside each) */
LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_port(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n);
LLCRC_I_TGT_SSE42 LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_sse_refl(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    uint64_t r = llcrc_i_cx_in_k(cx, crc, 1);
    if (LLCRC_UNLIKELY(n < 16)) return llcrc_i_cx_port(cx, crc, p, n);
    return llcrc_i_cx_out_k(cx, n < 256 ? llcrc_i_cx_short_sse(cx, r, p, n, 1) : llcrc_i_cx_fold_sse(cx, r, p, n, 1), 1);
}
LLCRC_I_TGT_SSE42 LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_sse_norm(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    uint64_t r = llcrc_i_cx_in_k(cx, crc, 0);
    if (LLCRC_UNLIKELY(n < 16)) return llcrc_i_cx_port(cx, crc, p, n);
    return llcrc_i_cx_out_k(cx, n < 256 ? llcrc_i_cx_short_sse(cx, r, p, n, 0) : llcrc_i_cx_fold_sse(cx, r, p, n, 0), 0);
}
#endif

#if LLCRC_I_HAS_VPCLMUL
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m256i llcrc_i_cx_ld256(const unsigned char *p, __m256i rev, int refl) {
    return refl ? llcrc_i_ld256(p) : _mm256_shuffle_epi8(llcrc_i_ld256(p), rev);
}
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m256i llcrc_i_cx_k256(const uint64_t *k) { return _mm256_loadu_si256((const __m256i *)k); }
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m256i llcrc_i_zext256(__m128i x) { return _mm256_inserti128_si256(_mm256_setzero_si256(), x, 0); }
/* T from the 256-bit accumulator and the 128-bit early terms: the low half and the early terms meet
   while the high half is extracted */
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m128i llcrc_i_cx_t256(__m256i y, __m128i early) {
    return _mm_xor_si128(_mm_xor_si128(_mm256_castsi256_si128(y), early), _mm256_extracti128_si256(y, 1));
}
/* the 2 c (c <= 15) lanes that end at e, straight to T, two per 256-bit multiply: lanes j = 2c-1 .. 0,
   from the end (not-taken tests only, up to the first pair not there) */
LLCRC_I_TGT_VPCL LLCRC_I_INLINE __m256i llcrc_i_cx_pairs(const llcrc_i_cx *cx, const unsigned char *e, size_t c, __m256i acc,
                                                         __m256i rev, int refl) {
#define LLCRC_I_CX2(c) if (LLCRC_UNLIKELY(c > i)) return acc; acc = llcrc_i_fold256(llcrc_i_cx_ld256(e - 32 * (c), rev, refl), llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - 2 * (c)]), acc)
    size_t i = c;
    LLCRC_I_CX2(1); LLCRC_I_CX2(2); LLCRC_I_CX2(3); LLCRC_I_CX2(4); LLCRC_I_CX2(5); LLCRC_I_CX2(6); LLCRC_I_CX2(7);
    LLCRC_I_CX2(8); LLCRC_I_CX2(9); LLCRC_I_CX2(10); LLCRC_I_CX2(11); LLCRC_I_CX2(12); LLCRC_I_CX2(13); LLCRC_I_CX2(14);
    LLCRC_I_CX2(15);
#undef LLCRC_I_CX2
    return acc;
}
/* 16..511 bytes: every lane straight to T, two lanes per 256-bit carry-less multiply; the odd lane (if
   any) on its own. The start value goes onto the first full lane (the odd one, or the first pair). */
LLCRC_I_TGT_VPCL LLCRC_I_INLINE uint64_t llcrc_i_cx_short_vpcl(const llcrc_i_cx *cx, uint64_t r, const unsigned char *p,
                                                               size_t n, int refl) {
    const __m256i rev = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)llcrc_i_rev16));
    const unsigned char *e = p + n;
    size_t t = n & 15, m = n >> 4;
    __m128i rl;
    __m256i acc;
    if (n == 64) { /* one cache line: both pairs side by side in straight-line code, summed as a tree
                      (the general form below takes ~3 cycles more per call on Zen 3) */
        __m256i y0 = _mm256_xor_si256(llcrc_i_ld256(p), _mm256_set_epi64x(0, 0, 0, (long long)(refl ? r : llcrc_i_bswap64(r))));
        __m256i y1 = llcrc_i_ld256(p + 32);
        __m256i k0 = llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - 4]), k1 = llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - 2]);
        if (!refl) y0 = _mm256_shuffle_epi8(y0, rev), y1 = _mm256_shuffle_epi8(y1, rev);
        acc = _mm256_xor_si256(_mm256_xor_si256(_mm256_clmulepi64_epi128(y0, k0, 0x00), _mm256_clmulepi64_epi128(y0, k0, 0x11)),
                               _mm256_xor_si256(_mm256_clmulepi64_epi128(y1, k1, 0x00), _mm256_clmulepi64_epi128(y1, k1, 0x11)));
        return llcrc_i_cx_barrett(cx, _mm_xor_si128(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1)), refl);
    }
    rl = llcrc_i_cx_start(r, refl);
    acc = _mm256_setzero_si256();
    if (LLCRC_LIKELY((n & 31) == 0)) { /* the common lengths (blocks): straight-line code, no head, no odd lane */
        __m256i y = _mm256_xor_si256(llcrc_i_ld256(p), llcrc_i_zext256(rl));
        /* the first pair's constants: kd[KD - m], which is n bytes before the end of kd */
        __m256i k = llcrc_i_cx_k256((const uint64_t *)(const void *)((const unsigned char *)(cx->kd + LLCRC_I_KD) - n));
        if (!refl) y = _mm256_shuffle_epi8(y, rev);
        acc = _mm256_xor_si256(_mm256_clmulepi64_epi128(y, k, 0x00), _mm256_clmulepi64_epi128(y, k, 0x11));
        acc = llcrc_i_cx_pairs(cx, e, n / 32 - 1, acc, rev, refl);
        return llcrc_i_cx_barrett(cx, _mm_xor_si128(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1)), refl);
    }
    if (t) {
        acc = llcrc_i_zext256(llcrc_i_fold128(llcrc_i_cx_head(p, t, &rl, _mm256_castsi256_si128(rev), refl),
                                              llcrc_i_cx_k(cx->kd[LLCRC_I_KD - 1 - m])));
        p += t;
    }
    if (m & 1) {
        acc = _mm256_xor_si256(acc, llcrc_i_zext256(llcrc_i_fold128(
                                        llcrc_i_cx_dom(_mm_xor_si128(_mm_loadu_si128((const __m128i *)p), rl), _mm256_castsi256_si128(rev), refl),
                                        llcrc_i_cx_k(cx->kd[LLCRC_I_KD - m]))));
        if (m == 1) return llcrc_i_cx_barrett(cx, _mm256_castsi256_si128(acc), refl);
        p += 16;
        m -= 1;
        rl = _mm_setzero_si128();
    }
    {   /* the first pair, with the start value */
        __m256i y = _mm256_xor_si256(llcrc_i_ld256(p), llcrc_i_zext256(rl));
        if (!refl) y = _mm256_shuffle_epi8(y, rev);
        acc = llcrc_i_fold256(y, llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - m]), acc);
    }
    acc = llcrc_i_cx_pairs(cx, e, (m >> 1) - 1, acc, rev, refl);
    return llcrc_i_cx_barrett(cx, _mm_xor_si128(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1)), refl);
}
/* VPCLMULQDQ on 256-bit registers: four accumulators, 128 bytes per round; n >= 256 (also the AVX-512
   path's kernel for these CRCs) */
LLCRC_I_TGT_VPCL LLCRC_I_INLINE uint64_t llcrc_i_cx_fold_vpcl(const llcrc_i_cx *cx, uint64_t r, const unsigned char *p,
                                                              size_t n, int refl) {
    const __m256i rev = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)llcrc_i_rev16));
    const __m256i k1024 = llcrc_i_bcast256(cx->fold[4]);
    const unsigned char *e = p + n;
    size_t t = n & 15, m, c;
    __m128i rl = llcrc_i_cx_start(r, refl), early = _mm_setzero_si128();
    __m256i x0, x1, x2, x3, y;
    if (t) {
        __m128i head = llcrc_i_cx_head(p, t, &rl, _mm256_castsi256_si128(rev), refl);
        p += t;
        n -= t;
        x0 = _mm256_xor_si256(llcrc_i_ld256(p), llcrc_i_zext256(rl));
        if (!refl) x0 = _mm256_shuffle_epi8(x0, rev);
        x0 = _mm256_xor_si256(x0, llcrc_i_zext256(llcrc_i_fold128(head, llcrc_i_cx_k(cx->fold[0]))));
    } else {
        x0 = _mm256_xor_si256(llcrc_i_ld256(p), llcrc_i_zext256(rl));
        if (!refl) x0 = _mm256_shuffle_epi8(x0, rev);
    }
    x1 = llcrc_i_cx_ld256(p + 32, rev, refl);
    x2 = llcrc_i_cx_ld256(p + 64, rev, refl);
    x3 = llcrc_i_cx_ld256(p + 96, rev, refl);
    for (p += 128, n -= 128; n >= 128; p += 128, n -= 128) {
        x0 = llcrc_i_fold256(x0, k1024, llcrc_i_cx_ld256(p, rev, refl));
        x1 = llcrc_i_fold256(x1, k1024, llcrc_i_cx_ld256(p + 32, rev, refl));
        x2 = llcrc_i_fold256(x2, k1024, llcrc_i_cx_ld256(p + 64, rev, refl));
        x3 = llcrc_i_fold256(x3, k1024, llcrc_i_cx_ld256(p + 96, rev, refl));
    }
    /* the eight accumulator lanes and the c (0..7) lanes after them, each straight to T */
    c = n / 16;
    m = 8 + c;
    y = _mm256_xor_si256(llcrc_i_fold256(x0, llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - m]), llcrc_i_fold256(x1, llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - m + 2]), _mm256_setzero_si256())),
                         llcrc_i_fold256(x2, llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - m + 4]), llcrc_i_fold256(x3, llcrc_i_cx_k256(cx->kd[LLCRC_I_KD - m + 6]), _mm256_setzero_si256())));
    if (c & 1)
        early = llcrc_i_fold128(llcrc_i_cx_ld(p, _mm256_castsi256_si128(rev), refl), llcrc_i_cx_k(cx->kd[LLCRC_I_KD - c]));
    return llcrc_i_cx_barrett(cx, llcrc_i_cx_t256(llcrc_i_cx_pairs(cx, e, c >> 1, y, rev, refl), early), refl);
}
/* public value in and out, any length: 16..511 bytes in the entry (no stack frame), the rest apart */
LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_port(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n);
LLCRC_I_TGT_VPCL LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_vpcl_other(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    if (n < 16) return llcrc_i_cx_port(cx, crc, p, n);
    if (cx->refl) return llcrc_i_cx_out_k(cx, llcrc_i_cx_fold_vpcl(cx, llcrc_i_cx_in_k(cx, crc, 1), p, n, 1), 1);
    return llcrc_i_cx_out_k(cx, llcrc_i_cx_fold_vpcl(cx, llcrc_i_cx_in_k(cx, crc, 0), p, n, 0), 0);
}
LLCRC_I_TGT_VPCL LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_vpcl_refl(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    if (LLCRC_UNLIKELY(n - 16 >= 512 - 16)) return llcrc_i_cx_vpcl_other(cx, crc, p, n);
    return llcrc_i_cx_out_k(cx, llcrc_i_cx_short_vpcl(cx, llcrc_i_cx_in_k(cx, crc, 1), p, n, 1), 1);
}
LLCRC_I_TGT_VPCL LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_vpcl_norm(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    if (LLCRC_UNLIKELY(n - 16 >= 512 - 16)) return llcrc_i_cx_vpcl_other(cx, crc, p, n);
    return llcrc_i_cx_out_k(cx, llcrc_i_cx_short_vpcl(cx, llcrc_i_cx_in_k(cx, crc, 0), p, n, 0), 0);
}
#endif

#if LLCRC_I_HAS_PMULL
/* the same kernels with ARMv8 PMULL on 128-bit registers */
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64x2_t llcrc_i_cx_dom_pm(uint64x2_t x, int refl) {
    uint8x16_t v = vreinterpretq_u8_u64(x);
    if (!refl) v = vextq_u8(vrev64q_u8(v), vrev64q_u8(v), 8);
    return vreinterpretq_u64_u8(v);
}
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64x2_t llcrc_i_cx_ld_pm(const unsigned char *p, int refl) {
    return llcrc_i_cx_dom_pm(llcrc_i_pm_ld(p), refl);
}
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64x2_t llcrc_i_cx_head_pm(const unsigned char *p, size_t t, uint64x2_t *rl, int refl) {
    uint8x16_t x = vreinterpretq_u8_u64(veorq_u64(llcrc_i_pm_ld(p), *rl));
    uint8x16_t head = vqtbl1q_u8(x, vld1q_u8(llcrc_i_shuf + t));
    *rl = vreinterpretq_u64_u8(vqtbl1q_u8(vreinterpretq_u8_u64(*rl), vld1q_u8(llcrc_i_shuf + 16 + t)));
    return llcrc_i_cx_dom_pm(vreinterpretq_u64_u8(head), refl);
}
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64_t llcrc_i_cx_barrett_pm(const llcrc_i_cx *cx, uint64x2_t t, int refl) {
    uint64_t tl = vgetq_lane_u64(t, 0), th = vgetq_lane_u64(t, 1);
    if (refl) {
        uint64_t q = vgetq_lane_u64(vreinterpretq_u64_p128(vmull_p64(tl, cx->bar[0])), 0);
        return vgetq_lane_u64(vreinterpretq_u64_p128(vmull_p64(q, cx->bar[1])), 1) ^ th ^ q;
    } else {
        uint64_t q = vgetq_lane_u64(vreinterpretq_u64_p128(vmull_p64(th, cx->bar[0])), 1) ^ th;
        return vgetq_lane_u64(vreinterpretq_u64_p128(vmull_p64(q, cx->bar[1])), 0) ^ tl;
    }
}
LLCRC_I_TGT_PMULL LLCRC_I_INLINE uint64_t llcrc_i_cx_pmull_k(const llcrc_i_cx *cx, uint64_t r, const unsigned char *p,
                                                             size_t n, int refl) {
    size_t t = n & 15, i;
    const uint64_t (*k)[2];
    uint64x2_t rl = vsetq_lane_u64(refl ? r : llcrc_i_bswap64(r), vdupq_n_u64(0), 0), acc = vdupq_n_u64(0), x0;
    if (t) {
        uint64x2_t head = llcrc_i_cx_head_pm(p, t, &rl, refl);
        p += t;
        n -= t;
        /* below 256 bytes the head goes to T with its own constant, above it is folded onto lane 0 */
        if (n < 256) acc = llcrc_i_pm_fold(head, llcrc_i_pm_k(cx->kd[LLCRC_I_KD - 1 - n / 16]));
        else rl = veorq_u64(rl, llcrc_i_cx_dom_pm(llcrc_i_pm_fold(head, llcrc_i_pm_k(cx->fold[0])), refl));
    }
    x0 = llcrc_i_cx_dom_pm(veorq_u64(llcrc_i_pm_ld(p), rl), refl);
    if (n < 256) {
        k = cx->kd + (LLCRC_I_KD - n / 16);
        acc = veorq_u64(acc, llcrc_i_pm_fold(x0, llcrc_i_pm_k(k[0])));
        for (i = 1; i < n / 16; i++) acc = veorq_u64(acc, llcrc_i_pm_fold(llcrc_i_cx_ld_pm(p + 16 * i, refl), llcrc_i_pm_k(k[i])));
    } else {
        poly64x2_t k512 = llcrc_i_pm_k(cx->fold[3]);
        uint64x2_t x1 = llcrc_i_cx_ld_pm(p + 16, refl), x2 = llcrc_i_cx_ld_pm(p + 32, refl), x3 = llcrc_i_cx_ld_pm(p + 48, refl);
        for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
            x0 = veorq_u64(llcrc_i_pm_fold(x0, k512), llcrc_i_cx_ld_pm(p, refl));
            x1 = veorq_u64(llcrc_i_pm_fold(x1, k512), llcrc_i_cx_ld_pm(p + 16, refl));
            x2 = veorq_u64(llcrc_i_pm_fold(x2, k512), llcrc_i_cx_ld_pm(p + 32, refl));
            x3 = veorq_u64(llcrc_i_pm_fold(x3, k512), llcrc_i_cx_ld_pm(p + 48, refl));
        }
        k = cx->kd + (LLCRC_I_KD - 4 - n / 16);
        acc = veorq_u64(veorq_u64(llcrc_i_pm_fold(x0, llcrc_i_pm_k(k[0])), llcrc_i_pm_fold(x1, llcrc_i_pm_k(k[1]))),
                        veorq_u64(llcrc_i_pm_fold(x2, llcrc_i_pm_k(k[2])), llcrc_i_pm_fold(x3, llcrc_i_pm_k(k[3]))));
        for (i = 0; i < n / 16; i++) acc = veorq_u64(acc, llcrc_i_pm_fold(llcrc_i_cx_ld_pm(p + 16 * i, refl), llcrc_i_pm_k(k[4 + i])));
    }
    return llcrc_i_cx_barrett_pm(cx, acc, refl);
}
/* public value in and out, any length */
LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_port(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n);
LLCRC_I_TGT_PMULL LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_pmull_refl(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    if (n < 16) return llcrc_i_cx_port(cx, crc, p, n);
    return llcrc_i_cx_out_k(cx, llcrc_i_cx_pmull_k(cx, llcrc_i_cx_in_k(cx, crc, 1), p, n, 1), 1);
}
LLCRC_I_TGT_PMULL LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_pmull_norm(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    if (n < 16) return llcrc_i_cx_port(cx, crc, p, n);
    return llcrc_i_cx_out_k(cx, llcrc_i_cx_pmull_k(cx, llcrc_i_cx_in_k(cx, crc, 0), p, n, 0), 0);
}
#endif

/* the tables, any length */
LLCRC_I_NOINLINE static uint64_t llcrc_i_cx_port(const llcrc_i_cx *cx, uint64_t crc, const unsigned char *p, size_t n) {
    if (!n) return crc;
    return llcrc_i_cx_out(cx, llcrc_i_cx_tab(cx, llcrc_i_cx_in(cx, crc), p, n));
}
/* the kernel of a path */
static llcrc_i_cx_fn llcrc_i_cx_pick(int lvl, int refl) {
#if LLCRC_I_HAS_VPCLMUL
    if (lvl == LLCRC_PATH_AVX2_VPCLMUL || lvl == LLCRC_PATH_AVX512) return refl ? llcrc_i_cx_vpcl_refl : llcrc_i_cx_vpcl_norm;
#endif
#if LLCRC_I_HAS_SSE42
    if ((unsigned)(lvl - LLCRC_PATH_SSE42) <= LLCRC_PATH_AVX512 - LLCRC_PATH_SSE42) return refl ? llcrc_i_cx_sse_refl : llcrc_i_cx_sse_norm;
#endif
#if LLCRC_I_HAS_PMULL
    if (lvl == LLCRC_PATH_ARMV8_PMULL) return refl ? llcrc_i_cx_pmull_refl : llcrc_i_cx_pmull_norm;
#endif
    (void)lvl, (void)refl;
    return llcrc_i_cx_port;
}
/* a variant's first call, and its first call after llcrc_force_path: tables, CPU detection, then the
   kernel of the path in use is published for the calls that follow (re-read if the path changed
   meanwhile, so a forced path is never lost) */
static uint64_t llcrc_i_cx_resolve(const llcrc_i_cx *cx0, uint64_t crc, const unsigned char *p, size_t n) {
    llcrc_i_cx *cx = (llcrc_i_cx *)cx0; /* the variants are writable statics */
    llcrc_i_cx_fn fn;
    int lvl;
    llcrc_i_cx_ready(cx);
    do {
        lvl = llcrc_i_lvl();
        fn = llcrc_i_cx_pick(lvl, cx->refl);
        LLCRC_I_STORE_FN(&cx->fn, fn);
    } while (LLCRC_I_LOAD_SC(&llcrc_i_level) != lvl);
    return fn(cx, crc, p, n);
}
/* zlib conventions for every variant: start with 0, chain by passing the result (init == xorout in
   all of them). One load and a tail call. */
LLCRC_I_INLINE uint64_t llcrc_i_cx_crc(llcrc_i_cx *cx, uint64_t crc, const void *data, size_t len) {
    return LLCRC_I_LOAD_FN(&cx->fn)(cx, crc, (const unsigned char *)data, len);
}

/* crc(A||B) = crc2 ^ crc1 * x^(8 len2) mod P (init == xorout cancels) */
static uint64_t llcrc_i_cx_combine(llcrc_i_cx *cx0, uint64_t crc1, uint64_t crc2, uint64_t len2) {
    const llcrc_i_cx *cx = llcrc_i_cx_ready(cx0);
    uint64_t v = cx->refl ? llcrc_i_rev64(crc1) >> (64 - cx->width) : crc1;
    int i;
    for (i = 0; len2; i++, len2 >>= 1)
        if (len2 & 1u) v = llcrc_i_cx_mulmod(cx, v, cx->pw[i]);
    return crc2 ^ (cx->refl ? llcrc_i_rev64(v) >> (64 - cx->width) : v);
}

/* catalogue parameters (reveng.sourceforge.io/crc-catalogue) */
static llcrc_i_cx llcrc_i_cx_nvme = {{{0}}, {{0}}, {{0}}, {0}, {0}, 0xAD93D23594C93659ull, ~(uint64_t)0, 64, 1, 0, llcrc_i_cx_resolve};
static llcrc_i_cx llcrc_i_cx_xz = {{{0}}, {{0}}, {{0}}, {0}, {0}, 0x42F0E1EBA9EA3693ull, ~(uint64_t)0, 64, 1, 0, llcrc_i_cx_resolve};
static llcrc_i_cx llcrc_i_cx_ecma = {{{0}}, {{0}}, {{0}}, {0}, {0}, 0x42F0E1EBA9EA3693ull, 0, 64, 0, 0, llcrc_i_cx_resolve};
static llcrc_i_cx llcrc_i_cx_goiso = {{{0}}, {{0}}, {{0}}, {0}, {0}, 0x000000000000001Bull, ~(uint64_t)0, 64, 1, 0, llcrc_i_cx_resolve};
static llcrc_i_cx llcrc_i_cx_t10dif = {{{0}}, {{0}}, {{0}}, {0}, {0}, 0x8BB7u, 0, 16, 0, 0, llcrc_i_cx_resolve};
static llcrc_i_cx llcrc_i_cx_bzip2 = {{{0}}, {{0}}, {{0}}, {0}, {0}, 0x04C11DB7u, 0xffffffffu, 32, 0, 0, llcrc_i_cx_resolve};

/* after a change of path every variant resolves its kernel again at its next call */
static void llcrc_i_cx_unresolve(void) {
    static llcrc_i_cx *const all[] = {&llcrc_i_cx_nvme, &llcrc_i_cx_xz, &llcrc_i_cx_ecma,
                                      &llcrc_i_cx_goiso, &llcrc_i_cx_t10dif, &llcrc_i_cx_bzip2};
    llcrc_i_cx_fn resolve = llcrc_i_cx_resolve;
    size_t i;
    for (i = 0; i < sizeof all / sizeof all[0]; i++) LLCRC_I_STORE_FN(&all[i]->fn, resolve);
}

LLCRCDEF uint64_t llcrc_crc64_nvme(uint64_t crc, const void *data, size_t len) {
    return llcrc_i_cx_crc(&llcrc_i_cx_nvme, crc, data, len);
}
LLCRCDEF uint64_t llcrc_crc64_xz(uint64_t crc, const void *data, size_t len) {
    return llcrc_i_cx_crc(&llcrc_i_cx_xz, crc, data, len);
}
LLCRCDEF uint64_t llcrc_crc64_ecma182(uint64_t crc, const void *data, size_t len) {
    return llcrc_i_cx_crc(&llcrc_i_cx_ecma, crc, data, len);
}
LLCRCDEF uint64_t llcrc_crc64_goiso(uint64_t crc, const void *data, size_t len) {
    return llcrc_i_cx_crc(&llcrc_i_cx_goiso, crc, data, len);
}
LLCRCDEF uint16_t llcrc_crc16_t10dif(uint16_t crc, const void *data, size_t len) {
    return (uint16_t)llcrc_i_cx_crc(&llcrc_i_cx_t10dif, crc, data, len);
}
LLCRCDEF uint32_t llcrc_crc32_bzip2(uint32_t crc, const void *data, size_t len) {
    return (uint32_t)llcrc_i_cx_crc(&llcrc_i_cx_bzip2, crc, data, len);
}
LLCRCDEF uint64_t llcrc_crc64_nvme_combine(uint64_t crc1, uint64_t crc2, uint64_t len2) {
    return llcrc_i_cx_combine(&llcrc_i_cx_nvme, crc1, crc2, len2);
}
LLCRCDEF uint64_t llcrc_crc64_xz_combine(uint64_t crc1, uint64_t crc2, uint64_t len2) {
    return llcrc_i_cx_combine(&llcrc_i_cx_xz, crc1, crc2, len2);
}
LLCRCDEF uint64_t llcrc_crc64_ecma182_combine(uint64_t crc1, uint64_t crc2, uint64_t len2) {
    return llcrc_i_cx_combine(&llcrc_i_cx_ecma, crc1, crc2, len2);
}
LLCRCDEF uint64_t llcrc_crc64_goiso_combine(uint64_t crc1, uint64_t crc2, uint64_t len2) {
    return llcrc_i_cx_combine(&llcrc_i_cx_goiso, crc1, crc2, len2);
}
LLCRCDEF uint16_t llcrc_crc16_t10dif_combine(uint16_t crc1, uint16_t crc2, uint64_t len2) {
    return (uint16_t)llcrc_i_cx_combine(&llcrc_i_cx_t10dif, crc1, crc2, len2);
}
LLCRCDEF uint32_t llcrc_crc32_bzip2_combine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
    return (uint32_t)llcrc_i_cx_combine(&llcrc_i_cx_bzip2, crc1, crc2, len2);
}

/* ---------------------------------------------------------------------------------------- */
/* Adler-32                                                                                  */

#define LLCRC_I_ADLER_MOD 65521u
#define LLCRC_I_ADLER_NMAX 5552

static uint32_t llcrc_i_adler_port(uint32_t s1, uint32_t s2, const unsigned char *p, size_t n) {
    while (n) {
        size_t k = n < LLCRC_I_ADLER_NMAX ? n : LLCRC_I_ADLER_NMAX;
        n -= k;
        while (k >= 8) {
            s1 += p[0]; s2 += s1;
            s1 += p[1]; s2 += s1;
            s1 += p[2]; s2 += s1;
            s1 += p[3]; s2 += s1;
            s1 += p[4]; s2 += s1;
            s1 += p[5]; s2 += s1;
            s1 += p[6]; s2 += s1;
            s1 += p[7]; s2 += s1;
            p += 8;
            k -= 8;
        }
        while (k--) {
            s1 += *p++;
            s2 += s1;
        }
        s1 %= LLCRC_I_ADLER_MOD;
        s2 %= LLCRC_I_ADLER_MOD;
    }
    return (s2 << 16) | s1;
}

#if LLCRC_I_HAS_AVX2
#define LLCRC_I_ADLER_BLK 65536 /* per-lane sums stay far below 2^32; scalar parts use 64 bits */
LLCRC_I_TGT_AVX2 static uint32_t llcrc_i_adler_avx2(uint32_t s1, uint32_t s2, const unsigned char *p, size_t n) {
    const __m256i w = _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
                                       15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    const __m256i ones = _mm256_set1_epi16(1);
    while (n >= 64) {
        size_t blk = n < LLCRC_I_ADLER_BLK ? (n & ~((size_t)63)) : LLCRC_I_ADLER_BLK, k;
        __m256i vs1 = _mm256_setzero_si256(), vps = _mm256_setzero_si256();
        __m256i vs2a = _mm256_setzero_si256(), vs2b = _mm256_setzero_si256();
        uint64_t t1, t2, tp;
        __m128i h;
        for (k = 0; k < blk; k += 64) {
            __m256i d0 = _mm256_loadu_si256(((const __m256i *)(p + k)));
            __m256i d1 = _mm256_loadu_si256(((const __m256i *)(p + k + 32)));
            vps = _mm256_add_epi64(vps, vs1);
            vs1 = _mm256_add_epi64(vs1, _mm256_sad_epu8(d0, _mm256_setzero_si256()));
            vs2a = _mm256_add_epi32(vs2a, _mm256_madd_epi16(_mm256_maddubs_epi16(d0, w), ones));
            vps = _mm256_add_epi64(vps, vs1);
            vs1 = _mm256_add_epi64(vs1, _mm256_sad_epu8(d1, _mm256_setzero_si256()));
            vs2b = _mm256_add_epi32(vs2b, _mm256_madd_epi16(_mm256_maddubs_epi16(d1, w), ones));
        }
        h = _mm_add_epi64(_mm256_castsi256_si128(vs1), _mm256_extracti128_si256(vs1, 1));
        t1 = ((uint64_t)(_mm_cvtsi128_si64(h))) + ((uint64_t)(_mm_extract_epi64(h, 1)));
        h = _mm_add_epi64(_mm256_castsi256_si128(vps), _mm256_extracti128_si256(vps, 1));
        tp = ((uint64_t)(_mm_cvtsi128_si64(h))) + ((uint64_t)(_mm_extract_epi64(h, 1)));
        {
            __m256i a = _mm256_add_epi64(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(vs2a)),
                                         _mm256_cvtepu32_epi64(_mm256_extracti128_si256(vs2a, 1)));
            __m256i b = _mm256_add_epi64(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(vs2b)),
                                         _mm256_cvtepu32_epi64(_mm256_extracti128_si256(vs2b, 1)));
            a = _mm256_add_epi64(a, b);
            h = _mm_add_epi64(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
            t2 = ((uint64_t)(_mm_cvtsi128_si64(h))) + ((uint64_t)(_mm_extract_epi64(h, 1)));
        }
        t2 += ((uint64_t)s2) + ((uint64_t)s1) * blk + 32 * tp;
        s1 = ((uint32_t)((s1 + t1) % LLCRC_I_ADLER_MOD));
        s2 = ((uint32_t)(t2 % LLCRC_I_ADLER_MOD));
        p += blk;
        n -= blk;
    }
    return llcrc_i_adler_port(s1, s2, p, n);
}
#endif

#if LLCRC_I_HAS_AVX512
/* (maskz forms of extract/broadcast: the plain ones trip GCC 12's -Wuninitialized in C++) */
LLCRC_I_TGT_AVX512 LLCRC_I_INLINE uint64_t llcrc_i_hsum512(__m512i v) {
    __m256i a = _mm256_add_epi64(_mm512_castsi512_si256(v), _mm512_maskz_extracti64x4_epi64(0xF, v, 1));
    __m128i b = _mm_add_epi64(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    return ((uint64_t)(_mm_cvtsi128_si64(b))) + ((uint64_t)(_mm_extract_epi64(b, 1)));
}
LLCRC_I_TGT_AVX512 static uint32_t llcrc_i_adler_avx512(uint32_t s1, uint32_t s2, const unsigned char *p, size_t n) {
    const __m512i w = _mm512_set_epi8(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                      22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
                                      41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
                                      60, 61, 62, 63, 64);
    const __m512i ones = _mm512_set1_epi16(1);
    while (n >= 64) {
        size_t blk = n < LLCRC_I_ADLER_BLK ? (n & ~((size_t)63)) : LLCRC_I_ADLER_BLK, k;
        __m512i vs1 = _mm512_setzero_si512(), vps = _mm512_setzero_si512();
        __m512i vs2a = _mm512_setzero_si512(), vs2b = _mm512_setzero_si512();
        uint64_t t1, t2, tp;
        for (k = 0; k + 128 <= blk; k += 128) {
            __m512i d0 = _mm512_loadu_si512(p + k);
            __m512i d1 = _mm512_loadu_si512(p + k + 64);
            vps = _mm512_add_epi64(vps, vs1);
            vs1 = _mm512_add_epi64(vs1, _mm512_sad_epu8(d0, _mm512_setzero_si512()));
            vs2a = _mm512_add_epi32(vs2a, _mm512_madd_epi16(_mm512_maddubs_epi16(d0, w), ones));
            vps = _mm512_add_epi64(vps, vs1);
            vs1 = _mm512_add_epi64(vs1, _mm512_sad_epu8(d1, _mm512_setzero_si512()));
            vs2b = _mm512_add_epi32(vs2b, _mm512_madd_epi16(_mm512_maddubs_epi16(d1, w), ones));
        }
        if (k < blk) {
            __m512i d0 = _mm512_loadu_si512(p + k);
            vps = _mm512_add_epi64(vps, vs1);
            vs1 = _mm512_add_epi64(vs1, _mm512_sad_epu8(d0, _mm512_setzero_si512()));
            vs2a = _mm512_add_epi32(vs2a, _mm512_madd_epi16(_mm512_maddubs_epi16(d0, w), ones));
        }
        t1 = llcrc_i_hsum512(vs1);
        tp = llcrc_i_hsum512(vps);
        t2 = llcrc_i_hsum512(
            _mm512_add_epi64(_mm512_add_epi64(_mm512_cvtepu32_epi64(_mm512_castsi512_si256(vs2a)),
                                              _mm512_cvtepu32_epi64(_mm512_maskz_extracti64x4_epi64(0xF, vs2a, 1))),
                             _mm512_add_epi64(_mm512_cvtepu32_epi64(_mm512_castsi512_si256(vs2b)),
                                              _mm512_cvtepu32_epi64(_mm512_maskz_extracti64x4_epi64(0xF, vs2b, 1)))));
        t2 += ((uint64_t)s2) + ((uint64_t)s1) * blk + 64 * tp;
        s1 = ((uint32_t)((s1 + t1) % LLCRC_I_ADLER_MOD));
        s2 = ((uint32_t)(t2 % LLCRC_I_ADLER_MOD));
        p += blk;
        n -= blk;
    }
    if (n) {
        /* 1..63 bytes: masked load; weights 64..1 give sum((64-i) b_i) = sum((n-i) b_i) + (64-n) sum(b_i) */
        __m512i d = _mm512_maskz_loadu_epi8(_cvtu64_mask64((~0ull) >> (64 - n)), p);
        uint64_t t1 = llcrc_i_hsum512(_mm512_sad_epu8(d, _mm512_setzero_si512()));
        uint64_t tw = llcrc_i_hsum512(_mm512_cvtepu32_epi64(_mm512_castsi512_si256(
                          _mm512_madd_epi16(_mm512_maddubs_epi16(d, w), ones)))) +
                      llcrc_i_hsum512(_mm512_cvtepu32_epi64(_mm512_maskz_extracti64x4_epi64(
                          0xF, _mm512_madd_epi16(_mm512_maddubs_epi16(d, w), ones), 1)));
        uint64_t t2 = s2 + ((uint64_t)s1) * n + tw - (64 - n) * t1;
        s1 = ((uint32_t)((s1 + t1) % LLCRC_I_ADLER_MOD));
        s2 = ((uint32_t)(t2 % LLCRC_I_ADLER_MOD));
    }
    return (s2 << 16) | s1;
}
#endif

LLCRCDEF uint32_t llcrc_adler32(uint32_t adler, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    uint32_t s1 = adler & 0xffff, s2 = adler >> 16;
    int lvl = llcrc_i_lvl();
    if (!len) return adler;
    if (s1 >= LLCRC_I_ADLER_MOD) s1 -= LLCRC_I_ADLER_MOD; /* zlib also accepts unreduced inputs */
    if (s2 >= LLCRC_I_ADLER_MOD) s2 -= LLCRC_I_ADLER_MOD;
    switch (lvl) {
#if LLCRC_I_HAS_AVX512
    case LLCRC_PATH_AVX512:
        return llcrc_i_adler_avx512(s1, s2, p, len);
#endif
#if LLCRC_I_HAS_AVX2
    case LLCRC_PATH_AVX2:
    case LLCRC_PATH_AVX2_VPCLMUL:
        return llcrc_i_adler_avx2(s1, s2, p, len);
#endif
    default:
        return llcrc_i_adler_port(s1, s2, p, len);
    }
}

/* adler(A||B): s1 = s1A + s1B - 1, s2 = s2A + s2B + len2 * s1A - len2 (mod 65521) */
LLCRCDEF uint32_t llcrc_adler32_combine(uint32_t adler1, uint32_t adler2, uint64_t len2) {
    uint64_t m = LLCRC_I_ADLER_MOD, rem = len2 % m;
    uint64_t a1 = (adler1 & 0xffff) % m, b1 = (adler1 >> 16) % m, a2 = (adler2 & 0xffff) % m, b2 = (adler2 >> 16) % m;
    uint64_t s1 = (a1 + a2 + m - 1) % m;
    uint64_t s2 = (b1 + b2 + rem * a1 + m - rem) % m;
    return (uint32_t)((s2 << 16) | s1);
}

LLCRCDEF uint32_t llcrc_fletcher32(const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    uint64_t s1 = 0, s2 = 0;
    size_t words = len / 2;
    llcrc_i_lvl();
    while (words) {
        /* 64-bit sums: 2^20 words keep s2 below 2^56 */
        size_t k = words < (((size_t)1) << 20) ? words : (((size_t)1) << 20);
        words -= k;
        while (k--) {
            s1 += ((uint32_t)(p[0] | (((uint32_t)(p[1])) << 8)));
            s2 += s1;
            p += 2;
        }
        s1 %= 65535u;
        s2 %= 65535u;
    }
    if (len & 1) {
        s1 = (s1 + p[0]) % 65535u;
        s2 = (s2 + s1) % 65535u;
    }
    return ((uint32_t)((s2 << 16) | s1));
}

/* ---------------------------------------------------------------------------------------- */
/* xxHash 32 / 64                                                                            */

#define LLCRC_I_P32_1 0x9E3779B1u
#define LLCRC_I_P32_2 0x85EBCA77u
#define LLCRC_I_P32_3 0xC2B2AE3Du
#define LLCRC_I_P32_4 0x27D4EB2Fu
#define LLCRC_I_P32_5 0x165667B1u
#define LLCRC_I_P64_1 0x9E3779B185EBCA87ull
#define LLCRC_I_P64_2 0xC2B2AE3D27D4EB4Full
#define LLCRC_I_P64_3 0x165667B19E3779F9ull
#define LLCRC_I_P64_4 0x85EBCA77C2B2AE63ull
#define LLCRC_I_P64_5 0x27D4EB2F165667C5ull

LLCRC_I_INLINE uint32_t llcrc_i_x32_round(uint32_t acc, uint32_t in) {
    acc += in * LLCRC_I_P32_2;
    acc = llcrc_i_rotl32(acc, 13);
    acc *= LLCRC_I_P32_1;
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__aarch64__))
    /* keep the four lanes in scalar registers: auto-vectorised XXH32 (pmulld) is slower */
    __asm__("" : "+r"(acc));
#endif
    return acc;
}

#if LLCRC_I_HAS_AVX2
/* the four lanes in one xmm register (LLCRC_TUNE_AMD): on Zen VPMULLD is one uop of 3 cycles, so a lane
   step (add, rotate, multiply) is as short as the scalar one, and the scalar form is bound by the one
   multiplier (8 imul per 16 bytes); measured 1.4x the scalar lanes on Zen 3 */
LLCRC_I_TGT_AVX2 LLCRC_I_NOINLINE static const unsigned char *llcrc_i_x32_stripes_vec(uint32_t *v, const unsigned char *p,
                                                                                      size_t n) {
    const __m128i k1 = _mm_set1_epi32((int)LLCRC_I_P32_1), k2 = _mm_set1_epi32((int)LLCRC_I_P32_2);
    __m128i s = _mm_loadu_si128((const __m128i *)v);
    for (; n >= 16; p += 16, n -= 16) {
        s = _mm_add_epi32(s, _mm_mullo_epi32(_mm_loadu_si128((const __m128i *)p), k2));
        s = _mm_mullo_epi32(_mm_or_si128(_mm_slli_epi32(s, 13), _mm_srli_epi32(s, 19)), k1);
    }
    _mm_storeu_si128((__m128i *)v, s);
    return p;
}
#endif

/* the vector lanes from 128 bytes (shorter inputs: moving the lanes in and out costs more) */
#define LLCRC_I_X32_VEC_MIN 128
LLCRC_I_INLINE const unsigned char *llcrc_i_x32_stripes(uint32_t *v, const unsigned char *p, size_t n) {
    uint32_t a = v[0], b = v[1], c = v[2], d = v[3];
#if LLCRC_I_HAS_AVX2 && !LLCRC_I_BIG_ENDIAN
    if (n >= LLCRC_I_X32_VEC_MIN && (unsigned)(llcrc_i_lvl() - LLCRC_PATH_AVX2) <= LLCRC_PATH_AVX512 - LLCRC_PATH_AVX2 &&
        LLCRC_I_LOAD_ACQ(&llcrc_i_tune) == LLCRC_TUNE_AMD)
        return llcrc_i_x32_stripes_vec(v, p, n);
#endif
    while (n >= 16) {
        a = llcrc_i_x32_round(a, llcrc_i_le32(p));
        b = llcrc_i_x32_round(b, llcrc_i_le32(p + 4));
        c = llcrc_i_x32_round(c, llcrc_i_le32(p + 8));
        d = llcrc_i_x32_round(d, llcrc_i_le32(p + 12));
        p += 16;
        n -= 16;
    }
    v[0] = a; v[1] = b; v[2] = c; v[3] = d;
    return p;
}

LLCRC_I_INLINE uint32_t llcrc_i_x32_finish(uint32_t h, const unsigned char *p, size_t n) {
    while (n >= 4) {
        h += llcrc_i_le32(p) * LLCRC_I_P32_3;
        h = llcrc_i_rotl32(h, 17) * LLCRC_I_P32_4;
        p += 4;
        n -= 4;
    }
    while (n--) {
        h += (*p++) * LLCRC_I_P32_5;
        h = llcrc_i_rotl32(h, 11) * LLCRC_I_P32_1;
    }
    h ^= h >> 15;
    h *= LLCRC_I_P32_2;
    h ^= h >> 13;
    h *= LLCRC_I_P32_3;
    h ^= h >> 16;
    return h;
}

#if LLCRC_I_HAS_AVX512 && !LLCRC_I_BIG_ENDIAN
/* the four lanes in one xmm register with AVX-512VL rotates (one op), for LLCRC_TUNE_AMD on the AVX-512
   path (Zen 4: VPMULLD one uop, 3 cycles; measured 1.26-1.38x libxxhash from 4 KiB). On Intel VPMULLD
   is two uops of 10 cycles: the same kernel ran 0.67-0.73x there, so Intel keeps the scalar lanes. */
LLCRC_I_TGT_AVX512 static uint32_t llcrc_i_x32_lanes_avx512(uint32_t seed, const unsigned char **pp, size_t n) {
    const unsigned char *p = *pp;
    const __m128i p1 = _mm_set1_epi32(((int)LLCRC_I_P32_1)), p2 = _mm_set1_epi32(((int)LLCRC_I_P32_2));
    __m128i v = _mm_add_epi32(_mm_set1_epi32(((int)seed)),
                              _mm_setr_epi32(((int)(LLCRC_I_P32_1 + LLCRC_I_P32_2)), ((int)LLCRC_I_P32_2), 0,
                                             ((int)(0u - LLCRC_I_P32_1))));
    do {
        v = _mm_add_epi32(v, _mm_mullo_epi32(_mm_loadu_si128(((const __m128i *)p)), p2));
        v = _mm_mullo_epi32(_mm_rol_epi32(v, 13), p1);
        p += 16;
        n -= 16;
    } while (n >= 16);
    v = _mm_rolv_epi32(v, _mm_setr_epi32(1, 7, 12, 18));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0x4E));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0xB1));
    *pp = p;
    return ((uint32_t)(_mm_cvtsi128_si32(v)));
}
#endif

LLCRCDEF uint32_t llcrc_xxh32(const void *data, size_t len, uint32_t seed) {
    const unsigned char *p = ((const unsigned char *)data);
    uint32_t h;
#if LLCRC_I_HAS_AVX512 && !LLCRC_I_BIG_ENDIAN
    if (len >= LLCRC_I_X32_VEC_MIN && llcrc_i_lvl() == LLCRC_PATH_AVX512 &&
        LLCRC_I_LOAD_ACQ(&llcrc_i_tune) == LLCRC_TUNE_AMD) {
        h = llcrc_i_x32_lanes_avx512(seed, &p, len) + ((uint32_t)len);
        return llcrc_i_x32_finish(h, p, len & 15);
    }
#endif
    if (len >= 16) {
        uint32_t v[4];
        v[0] = seed + LLCRC_I_P32_1 + LLCRC_I_P32_2;
        v[1] = seed + LLCRC_I_P32_2;
        v[2] = seed;
        v[3] = seed - LLCRC_I_P32_1;
        p = llcrc_i_x32_stripes(v, p, len);
        h = llcrc_i_rotl32(v[0], 1) + llcrc_i_rotl32(v[1], 7) + llcrc_i_rotl32(v[2], 12) +
            llcrc_i_rotl32(v[3], 18);
    } else {
        h = seed + LLCRC_I_P32_5;
    }
    h += ((uint32_t)len);
    return llcrc_i_x32_finish(h, p, len & 15);
}

LLCRCDEF void llcrc_xxh32_init(llcrc_xxh32_state *st, uint32_t seed) {
    st->total = 0;
    st->seed = seed;
    st->bufn = 0;
    st->v[0] = seed + LLCRC_I_P32_1 + LLCRC_I_P32_2;
    st->v[1] = seed + LLCRC_I_P32_2;
    st->v[2] = seed;
    st->v[3] = seed - LLCRC_I_P32_1;
}

LLCRCDEF void llcrc_xxh32_update(llcrc_xxh32_state *st, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    if (!len) return;
    st->total += len;
    if (st->bufn) {
        size_t take = 16 - st->bufn;
        if (take > len) take = len;
        llcrc_i_copy(st->buf + st->bufn, p, take);
        st->bufn += ((uint32_t)take);
        p += take;
        len -= take;
        if (st->bufn < 16) return;
        llcrc_i_x32_stripes(st->v, st->buf, 16);
        st->bufn = 0;
    }
    if (len >= 16) {
        const unsigned char *e = llcrc_i_x32_stripes(st->v, p, len);
        len -= ((size_t)(e - p));
        p = e;
    }
    llcrc_i_copy(st->buf, p, len);
    st->bufn = ((uint32_t)len);
}

LLCRCDEF uint32_t llcrc_xxh32_digest(const llcrc_xxh32_state *st) {
    uint32_t h;
    if (st->total >= 16)
        h = llcrc_i_rotl32(st->v[0], 1) + llcrc_i_rotl32(st->v[1], 7) + llcrc_i_rotl32(st->v[2], 12) +
            llcrc_i_rotl32(st->v[3], 18);
    else
        h = st->seed + LLCRC_I_P32_5;
    h += ((uint32_t)st->total);
    return llcrc_i_x32_finish(h, st->buf, st->bufn);
}

LLCRC_I_INLINE uint64_t llcrc_i_x64_round(uint64_t acc, uint64_t in) {
    acc += in * LLCRC_I_P64_2;
    acc = llcrc_i_rotl64(acc, 31);
    acc *= LLCRC_I_P64_1;
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__aarch64__))
    /* keep the four lanes in scalar registers on every CPU: GCC vectorises them otherwise, with VPMULLQ
       where AVX-512DQ is on (3 uops, 15 cycles on Intel: 0.47-0.93x libxxhash measured there) or with
       three VPMULUDQ per multiply under AVX2 (Zen 3: 8.5 GB/s against 12.9 GB/s for the scalar lanes) */
    __asm__("" : "+r"(acc));
#endif
    return acc;
}
LLCRC_I_INLINE uint64_t llcrc_i_x64_merge(uint64_t h, uint64_t v) {
    h ^= llcrc_i_x64_round(0, v);
    return h * LLCRC_I_P64_1 + LLCRC_I_P64_4;
}
LLCRC_I_INLINE uint64_t llcrc_i_x64_aval(uint64_t h) {
    h ^= h >> 33;
    h *= LLCRC_I_P64_2;
    h ^= h >> 29;
    h *= LLCRC_I_P64_3;
    h ^= h >> 32;
    return h;
}

LLCRC_I_INLINE const unsigned char *llcrc_i_x64_stripes(uint64_t *v, const unsigned char *p, size_t n) {
    uint64_t a = v[0], b = v[1], c = v[2], d = v[3];
    while (n >= 32) {
        a = llcrc_i_x64_round(a, llcrc_i_le64(p));
        b = llcrc_i_x64_round(b, llcrc_i_le64(p + 8));
        c = llcrc_i_x64_round(c, llcrc_i_le64(p + 16));
        d = llcrc_i_x64_round(d, llcrc_i_le64(p + 24));
        p += 32;
        n -= 32;
    }
    v[0] = a; v[1] = b; v[2] = c; v[3] = d;
    return p;
}

LLCRC_I_INLINE uint64_t llcrc_i_x64_converge(const uint64_t *v) {
    uint64_t h = llcrc_i_rotl64(v[0], 1) + llcrc_i_rotl64(v[1], 7) + llcrc_i_rotl64(v[2], 12) +
                 llcrc_i_rotl64(v[3], 18);
    h = llcrc_i_x64_merge(h, v[0]);
    h = llcrc_i_x64_merge(h, v[1]);
    h = llcrc_i_x64_merge(h, v[2]);
    return llcrc_i_x64_merge(h, v[3]);
}

LLCRC_I_INLINE uint64_t llcrc_i_x64_finish(uint64_t h, const unsigned char *p, size_t n) {
    while (n >= 8) {
        h ^= llcrc_i_x64_round(0, llcrc_i_le64(p));
        h = llcrc_i_rotl64(h, 27) * LLCRC_I_P64_1 + LLCRC_I_P64_4;
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        h ^= ((uint64_t)(llcrc_i_le32(p))) * LLCRC_I_P64_1;
        h = llcrc_i_rotl64(h, 23) * LLCRC_I_P64_2 + LLCRC_I_P64_3;
        p += 4;
        n -= 4;
    }
    while (n--) {
        h ^= (*p++) * LLCRC_I_P64_5;
        h = llcrc_i_rotl64(h, 11) * LLCRC_I_P64_1;
    }
    return llcrc_i_x64_aval(h);
}

LLCRCDEF uint64_t llcrc_xxh64(const void *data, size_t len, uint64_t seed) {
    const unsigned char *p = ((const unsigned char *)data);
    uint64_t h;
    if (len >= 32) {
        uint64_t v[4];
        v[0] = seed + LLCRC_I_P64_1 + LLCRC_I_P64_2;
        v[1] = seed + LLCRC_I_P64_2;
        v[2] = seed;
        v[3] = seed - LLCRC_I_P64_1;
        p = llcrc_i_x64_stripes(v, p, len);
        h = llcrc_i_x64_converge(v);
    } else {
        h = seed + LLCRC_I_P64_5;
    }
    h += len;
    return llcrc_i_x64_finish(h, p, len & 31);
}

LLCRCDEF void llcrc_xxh64_init(llcrc_xxh64_state *st, uint64_t seed) {
    st->total = 0;
    st->seed = seed;
    st->bufn = 0;
    st->reserved = 0;
    st->v[0] = seed + LLCRC_I_P64_1 + LLCRC_I_P64_2;
    st->v[1] = seed + LLCRC_I_P64_2;
    st->v[2] = seed;
    st->v[3] = seed - LLCRC_I_P64_1;
}

LLCRCDEF void llcrc_xxh64_update(llcrc_xxh64_state *st, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    if (!len) return;
    st->total += len;
    if (st->bufn) {
        size_t take = 32 - st->bufn;
        if (take > len) take = len;
        llcrc_i_copy(st->buf + st->bufn, p, take);
        st->bufn += ((uint32_t)take);
        p += take;
        len -= take;
        if (st->bufn < 32) return;
        llcrc_i_x64_stripes(st->v, st->buf, 32);
        st->bufn = 0;
    }
    if (len >= 32) {
        const unsigned char *e = llcrc_i_x64_stripes(st->v, p, len);
        len -= ((size_t)(e - p));
        p = e;
    }
    llcrc_i_copy(st->buf, p, len);
    st->bufn = ((uint32_t)len);
}

LLCRCDEF uint64_t llcrc_xxh64_digest(const llcrc_xxh64_state *st) {
    uint64_t h = st->total >= 32 ? llcrc_i_x64_converge(st->v) : st->seed + LLCRC_I_P64_5;
    h += st->total;
    return llcrc_i_x64_finish(h, st->buf, st->bufn);
}

/* ---------------------------------------------------------------------------------------- */
/* XXH3 64                                                                                   */

static const unsigned char llcrc_i_xsecret[192] LLCRC_I_ALIGN(64) = {
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
    0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
    0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
    0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e};

#define LLCRC_I_MX1 0x165667919E3779F9ull
#define LLCRC_I_MX2 0x9FB21C651E98DF25ull

LLCRC_I_INLINE uint64_t llcrc_i_x3_aval(uint64_t h) {
    h ^= h >> 37;
    h *= LLCRC_I_MX1;
    return h ^ (h >> 32);
}
LLCRC_I_INLINE uint64_t llcrc_i_x3_rrmxmx(uint64_t h, uint64_t len) {
    h ^= llcrc_i_rotl64(h, 49) ^ llcrc_i_rotl64(h, 24);
    h *= LLCRC_I_MX2;
    h ^= (h >> 35) + len;
    h *= LLCRC_I_MX2;
    return h ^ (h >> 28);
}
LLCRC_I_INLINE uint64_t llcrc_i_x3_mix16(const unsigned char *p, const unsigned char *s, uint64_t seed) {
    return llcrc_i_mulfold(llcrc_i_le64(p) ^ (llcrc_i_le64(s) + seed), llcrc_i_le64(p + 8) ^ (llcrc_i_le64(s + 8) - seed));
}

/* 0..16 bytes */
static uint64_t llcrc_i_x3_le16(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) {
    if (len > 8) {
        uint64_t f1 = (llcrc_i_le64(s + 24) ^ llcrc_i_le64(s + 32)) + seed;
        uint64_t f2 = (llcrc_i_le64(s + 40) ^ llcrc_i_le64(s + 48)) - seed;
        uint64_t lo = llcrc_i_le64(p) ^ f1, hi = llcrc_i_le64(p + len - 8) ^ f2;
        return llcrc_i_x3_aval(len + llcrc_i_bswap64(lo) + hi + llcrc_i_mulfold(lo, hi));
    }
    if (len >= 4) {
        uint64_t sd = seed ^ (((uint64_t)(llcrc_i_bswap32(((uint32_t)seed)))) << 32);
        uint64_t f = (llcrc_i_le64(s + 8) ^ llcrc_i_le64(s + 16)) - sd;
        uint64_t in = llcrc_i_le32(p + len - 4) + (((uint64_t)(llcrc_i_le32(p))) << 32);
        return llcrc_i_x3_rrmxmx(in ^ f, len);
    }
    if (len) {
        uint32_t c = (((uint32_t)(p[0])) << 16) | (((uint32_t)(p[len >> 1])) << 24) |
                     p[len - 1] | (((uint32_t)len) << 8);
        uint64_t f = (llcrc_i_le32(s) ^ llcrc_i_le32(s + 4)) + seed;
        return llcrc_i_x64_aval(c ^ f);
    }
    return llcrc_i_x64_aval(seed ^ llcrc_i_le64(s + 56) ^ llcrc_i_le64(s + 64));
}
/* 17..128 bytes: a function of its own, so that it saves no registers the longer form needs */
static uint64_t llcrc_i_x3_le128(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) {
    uint64_t acc = len * LLCRC_I_P64_1;
    if (len > 32) {
        if (len > 64) {
            if (len > 96) {
                acc += llcrc_i_x3_mix16(p + 48, s + 96, seed);
                acc += llcrc_i_x3_mix16(p + len - 64, s + 112, seed);
            }
            acc += llcrc_i_x3_mix16(p + 32, s + 64, seed);
            acc += llcrc_i_x3_mix16(p + len - 48, s + 80, seed);
        }
        acc += llcrc_i_x3_mix16(p + 16, s + 32, seed);
        acc += llcrc_i_x3_mix16(p + len - 32, s + 48, seed);
    }
    acc += llcrc_i_x3_mix16(p, s, seed);
    acc += llcrc_i_x3_mix16(p + len - 16, s + 16, seed);
    return llcrc_i_x3_aval(acc);
}
LLCRC_I_NOINLINE static uint64_t llcrc_i_x3_le240(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) { /* 129..240 */
    uint64_t acc = len * LLCRC_I_P64_1;
    size_t i, rounds = len / 16;
    for (i = 0; i < 8; i++) acc += llcrc_i_x3_mix16(p + 16 * i, s + 16 * i, seed);
    acc = llcrc_i_x3_aval(acc);
    for (i = 8; i < rounds; i++) acc += llcrc_i_x3_mix16(p + 16 * i, s + 16 * (i - 8) + 3, seed);
    acc += llcrc_i_x3_mix16(p + len - 16, s + 136 - 17, seed);
    return llcrc_i_x3_aval(acc);
}
LLCRC_I_INLINE uint64_t llcrc_i_x3_short(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) {
    if (len <= 16) return llcrc_i_x3_le16(p, len, s, seed);
    if (len <= 128) return llcrc_i_x3_le128(p, len, s, seed);
    return llcrc_i_x3_le240(p, len, s, seed);
}

/* accumulate n stripes (64 bytes each, secret advancing 8 bytes per stripe) */
static void llcrc_i_x3_acc_port(uint64_t *acc, const unsigned char *p, const unsigned char *s, size_t n) {
    size_t k;
    int i;
    for (k = 0; k < n; k++, p += 64, s += 8) {
        for (i = 0; i < 8; i++) {
            uint64_t dv = llcrc_i_le64(p + 8 * i);
            uint64_t dk = dv ^ llcrc_i_le64(s + 8 * i);
            acc[i ^ 1] += dv;
            acc[i] += (dk & 0xffffffffu) * (dk >> 32);
        }
    }
}
static void llcrc_i_x3_scr_port(uint64_t *acc, const unsigned char *s) {
    int i;
    for (i = 0; i < 8; i++) {
        uint64_t a = acc[i];
        a ^= a >> 47;
        a ^= llcrc_i_le64(s + 8 * i);
        acc[i] = a * LLCRC_I_P32_1;
    }
}

#if LLCRC_I_HAS_AVX2
LLCRC_I_TGT_AVX2 static void llcrc_i_x3_acc_avx2(uint64_t *acc, const unsigned char *p, const unsigned char *s,
                                                 size_t n) {
    __m256i a0 = _mm256_loadu_si256(((const __m256i *)acc));
    __m256i a1 = _mm256_loadu_si256(((const __m256i *)(acc + 4)));
    size_t k;
    for (k = 0; k < n; k++, p += 64, s += 8) {
        __m256i d0 = _mm256_loadu_si256(((const __m256i *)p));
        __m256i d1 = _mm256_loadu_si256(((const __m256i *)(p + 32)));
        __m256i k0 = _mm256_xor_si256(d0, _mm256_loadu_si256(((const __m256i *)s)));
        __m256i k1 = _mm256_xor_si256(d1, _mm256_loadu_si256(((const __m256i *)(s + 32))));
        __m256i m0 = _mm256_mul_epu32(k0, _mm256_srli_epi64(k0, 32));
        __m256i m1 = _mm256_mul_epu32(k1, _mm256_srli_epi64(k1, 32));
        a0 = _mm256_add_epi64(a0, _mm256_add_epi64(m0, _mm256_shuffle_epi32(d0, 0x4E)));
        a1 = _mm256_add_epi64(a1, _mm256_add_epi64(m1, _mm256_shuffle_epi32(d1, 0x4E)));
    }
    _mm256_storeu_si256(((__m256i *)acc), a0);
    _mm256_storeu_si256(((__m256i *)(acc + 4)), a1);
}
LLCRC_I_TGT_AVX2 static void llcrc_i_x3_scr_avx2(uint64_t *acc, const unsigned char *s) {
    const __m256i pr = _mm256_set1_epi32(((int)LLCRC_I_P32_1));
    int h;
    for (h = 0; h < 2; h++) {
        __m256i a = _mm256_loadu_si256(((const __m256i *)(acc + 4 * h)));
        a = _mm256_xor_si256(_mm256_xor_si256(a, _mm256_srli_epi64(a, 47)),
                             _mm256_loadu_si256(((const __m256i *)(s + 32 * h))));
        a = _mm256_add_epi64(_mm256_mul_epu32(a, pr),
                             _mm256_slli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), pr), 32));
        _mm256_storeu_si256(((__m256i *)(acc + 4 * h)), a);
    }
}
#endif
#if LLCRC_I_HAS_AVX512
LLCRC_I_TGT_AVX512 static void llcrc_i_x3_acc_avx512(uint64_t *acc, const unsigned char *p,
                                                     const unsigned char *s, size_t n) {
    __m512i a = _mm512_loadu_si512(acc), b = _mm512_setzero_si512();
    size_t k;
    /* two stripes per round into two sums (the accumulation is a plain sum per lane) */
    for (k = 0; k + 2 <= n; k += 2, p += 128, s += 16) {
        __m512i d0 = _mm512_loadu_si512(p), d1 = _mm512_loadu_si512(p + 64);
        __m512i k0 = _mm512_xor_si512(d0, _mm512_loadu_si512(s));
        __m512i k1 = _mm512_xor_si512(d1, _mm512_loadu_si512(s + 8));
        __m512i m0 = _mm512_mul_epu32(k0, _mm512_srli_epi64(k0, 32));
        __m512i m1 = _mm512_mul_epu32(k1, _mm512_srli_epi64(k1, 32));
        a = _mm512_add_epi64(a, _mm512_add_epi64(m0, _mm512_shuffle_epi32(d0, _MM_PERM_BADC)));
        b = _mm512_add_epi64(b, _mm512_add_epi64(m1, _mm512_shuffle_epi32(d1, _MM_PERM_BADC)));
    }
    if (k < n) {
        __m512i d = _mm512_loadu_si512(p);
        __m512i kk = _mm512_xor_si512(d, _mm512_loadu_si512(s));
        __m512i m = _mm512_mul_epu32(kk, _mm512_srli_epi64(kk, 32));
        a = _mm512_add_epi64(a, _mm512_add_epi64(m, _mm512_shuffle_epi32(d, _MM_PERM_BADC)));
    }
    _mm512_storeu_si512(acc, _mm512_add_epi64(a, b));
}
LLCRC_I_TGT_AVX512 static void llcrc_i_x3_scr_avx512(uint64_t *acc, const unsigned char *s) {
    const __m512i pr = _mm512_set1_epi32(((int)LLCRC_I_P32_1));
    __m512i a = _mm512_loadu_si512(acc);
    a = _mm512_ternarylogic_epi64(a, _mm512_srli_epi64(a, 47), _mm512_loadu_si512(s), 0x96);
    a = _mm512_add_epi64(_mm512_mul_epu32(a, pr),
                         _mm512_slli_epi64(_mm512_mul_epu32(_mm512_srli_epi64(a, 32), pr), 32));
    _mm512_storeu_si512(acc, a);
}
#endif

#if LLCRC_I_HAS_AVX512 && !LLCRC_I_BIG_ENDIAN
/* the whole long-input hash with the accumulators and the seeded secret in registers: the seeded
   secret word w is secret_w + seed (w even) or - seed (w odd), so every aligned view of it is one load
   and one add, and the two unaligned views (offsets 121 and 11) are shifts of two aligned ones. The
   memory form stored the derived secret and the accumulators and read them back at other widths and
   offsets, which stalls store-to-load forwarding on every call. */
LLCRC_I_TGT_AVX512 LLCRC_I_INLINE __m512i llcrc_i_x3_stripe512(__m512i a, const unsigned char *p, __m512i sec) {
    __m512i d = _mm512_loadu_si512(p);
    __m512i k = _mm512_xor_si512(d, sec);
    return _mm512_add_epi64(a, _mm512_add_epi64(_mm512_mul_epu32(k, _mm512_srli_epi64(k, 32)),
                                                _mm512_shuffle_epi32(d, _MM_PERM_BADC)));
}
LLCRC_I_TGT_AVX512 static uint64_t llcrc_i_x3_long_avx512(const unsigned char *p, size_t len, uint64_t seed) {
    const unsigned char *xs = llcrc_i_xsecret;
    const long long sp = ((long long)seed), sn = ((long long)(0 - seed));
    const __m512i sde = _mm512_set_epi64(sn, sp, sn, sp, sn, sp, sn, sp); /* word 0 of the view even */
    const __m512i sdo = _mm512_set_epi64(sp, sn, sp, sn, sp, sn, sp, sn); /* word 0 odd */
    const __m512i pr = _mm512_set1_epi32(((int)LLCRC_I_P32_1));
    __m512i acc = _mm512_set_epi64(((long long)LLCRC_I_P32_1), ((long long)LLCRC_I_P64_5),
                                   ((long long)LLCRC_I_P32_2), ((long long)LLCRC_I_P64_4),
                                   ((long long)LLCRC_I_P64_3), ((long long)LLCRC_I_P64_2),
                                   ((long long)LLCRC_I_P64_1), ((long long)LLCRC_I_P32_3));
    __m512i v, w;
    uint64_t a[8] LLCRC_I_ALIGN(64), r = len * LLCRC_I_P64_1;
    size_t nb = (len - 1) / 1024, b, ns, k;
    int i;
    for (b = 0; b < nb; b++, p += 1024) {
        for (k = 0; k < 16; k += 2) {
            acc = llcrc_i_x3_stripe512(acc, p + 64 * k, _mm512_add_epi64(_mm512_loadu_si512(xs + 8 * k), sde));
            acc = llcrc_i_x3_stripe512(acc, p + 64 * k + 64, _mm512_add_epi64(_mm512_loadu_si512(xs + 8 * k + 8), sdo));
        }
        v = _mm512_add_epi64(_mm512_load_si512(xs + 128), sde);
        acc = _mm512_ternarylogic_epi64(acc, _mm512_srli_epi64(acc, 47), v, 0x96);
        acc = _mm512_add_epi64(_mm512_mul_epu32(acc, pr), _mm512_slli_epi64(_mm512_mul_epu32(_mm512_srli_epi64(acc, 32), pr), 32));
    }
    ns = ((len - 1) - 1024 * nb) / 64;
    for (k = 0; k < ns; k++)
        acc = llcrc_i_x3_stripe512(acc, p + 64 * k, _mm512_add_epi64(_mm512_loadu_si512(xs + 8 * k), (k & 1) ? sdo : sde));
    /* last stripe: secret bytes 121..184 = derived words 15..23 shifted down by one byte */
    v = _mm512_add_epi64(_mm512_loadu_si512(xs + 120), sdo);
    w = _mm512_castsi128_si512(_mm_cvtsi64_si128(((long long)(llcrc_i_le64(xs + 184) - seed))));
    v = _mm512_or_si512(_mm512_srli_epi64(v, 8), _mm512_slli_epi64(_mm512_alignr_epi64(w, v, 1), 56));
    acc = llcrc_i_x3_stripe512(acc, p + (len - 1024 * nb) - 64, v);
    /* merge: secret bytes 11..74 = derived words 1..9 shifted down by three bytes */
    v = _mm512_add_epi64(_mm512_loadu_si512(xs + 8), sdo);
    w = _mm512_castsi128_si512(_mm_cvtsi64_si128(((long long)(llcrc_i_le64(xs + 72) - seed))));
    v = _mm512_or_si512(_mm512_srli_epi64(v, 24), _mm512_slli_epi64(_mm512_alignr_epi64(w, v, 1), 40));
    _mm512_store_si512(a, _mm512_xor_si512(acc, v));
    for (i = 0; i < 4; i++) r += llcrc_i_mulfold(a[2 * i], a[2 * i + 1]);
    return llcrc_i_x3_aval(r);
}
#endif

static void llcrc_i_x3_acc(uint64_t *acc, const unsigned char *p, const unsigned char *s, size_t n, int lvl) {
    switch (lvl) {
#if LLCRC_I_HAS_AVX512
    case LLCRC_PATH_AVX512: llcrc_i_x3_acc_avx512(acc, p, s, n); return;
#endif
#if LLCRC_I_HAS_AVX2
    case LLCRC_PATH_AVX2:
    case LLCRC_PATH_AVX2_VPCLMUL: llcrc_i_x3_acc_avx2(acc, p, s, n); return;
#endif
    default: llcrc_i_x3_acc_port(acc, p, s, n); return;
    }
}
static void llcrc_i_x3_scr(uint64_t *acc, const unsigned char *s, int lvl) {
    switch (lvl) {
#if LLCRC_I_HAS_AVX512
    case LLCRC_PATH_AVX512: llcrc_i_x3_scr_avx512(acc, s); return;
#endif
#if LLCRC_I_HAS_AVX2
    case LLCRC_PATH_AVX2:
    case LLCRC_PATH_AVX2_VPCLMUL: llcrc_i_x3_scr_avx2(acc, s); return;
#endif
    default: llcrc_i_x3_scr_port(acc, s); return;
    }
}

static void llcrc_i_x3_acc_init(uint64_t *acc) {
    acc[0] = LLCRC_I_P32_3;
    acc[1] = LLCRC_I_P64_1;
    acc[2] = LLCRC_I_P64_2;
    acc[3] = LLCRC_I_P64_3;
    acc[4] = LLCRC_I_P64_4;
    acc[5] = LLCRC_I_P32_2;
    acc[6] = LLCRC_I_P64_5;
    acc[7] = LLCRC_I_P32_1;
}
static void llcrc_i_x3_secret(unsigned char *out, uint64_t seed) {
    int i;
    for (i = 0; i < 12; i++) {
        llcrc_i_st64(out + 16 * i, llcrc_i_le64(llcrc_i_xsecret + 16 * i) + seed);
        llcrc_i_st64(out + 16 * i + 8, llcrc_i_le64(llcrc_i_xsecret + 16 * i + 8) - seed);
    }
}
static uint64_t llcrc_i_x3_merge(const uint64_t *acc, const unsigned char *s, uint64_t start) {
    uint64_t r = start;
    int i;
    for (i = 0; i < 4; i++)
        r += llcrc_i_mulfold(acc[2 * i] ^ llcrc_i_le64(s + 16 * i), acc[2 * i + 1] ^ llcrc_i_le64(s + 16 * i + 8));
    return llcrc_i_x3_aval(r);
}

/* the accumulators over len > 240 bytes with a secret of ssz bytes: blocks of (ssz - 64) / 8 stripes,
   each followed by a scramble with the secret's last 64 bytes; the last stripe ends at the input's end */
static void llcrc_i_x3_loop(uint64_t *acc, const unsigned char *p, size_t len, const unsigned char *s, size_t ssz,
                            int lvl) {
    size_t nps = (ssz - 64) / 8, blk = 64 * nps, nb = (len - 1) / blk, b, ns;
    llcrc_i_x3_acc_init(acc);
    for (b = 0; b < nb; b++) {
        llcrc_i_x3_acc(acc, p + blk * b, s, nps, lvl);
        llcrc_i_x3_scr(acc, s + ssz - 64, lvl);
    }
    ns = ((len - 1) - blk * nb) / 64;
    llcrc_i_x3_acc(acc, p + blk * nb, s, ns, lvl);
    llcrc_i_x3_acc(acc, p + len - 64, s + ssz - 64 - 7, 1, lvl);
}
static uint64_t llcrc_i_x3_long(const unsigned char *p, size_t len, const unsigned char *s, int lvl) {
    uint64_t acc[8] LLCRC_I_ALIGN(64);
    llcrc_i_x3_loop(acc, p, len, s, 192, lvl);
    return llcrc_i_x3_merge(acc, s + 11, len * LLCRC_I_P64_1);
}

LLCRCDEF uint64_t llcrc_xxh3_64(const void *data, size_t len, uint64_t seed) {
    const unsigned char *p = ((const unsigned char *)data);
    int lvl;
    if (len <= 240) return llcrc_i_x3_short(p, len, llcrc_i_xsecret, seed);
    lvl = llcrc_i_lvl();
#if LLCRC_I_HAS_AVX512 && !LLCRC_I_BIG_ENDIAN
    if (lvl == LLCRC_PATH_AVX512) return llcrc_i_x3_long_avx512(p, len, seed);
#endif
    if (seed == 0) return llcrc_i_x3_long(p, len, llcrc_i_xsecret, lvl);
    {
        unsigned char sec[192] LLCRC_I_ALIGN(64);
        llcrc_i_x3_secret(sec, seed);
        return llcrc_i_x3_long(p, len, sec, lvl);
    }
}

LLCRCDEF void llcrc_xxh3_64_init(llcrc_xxh3_state *st, uint64_t seed) {
    llcrc_i_x3_acc_init(st->acc);
    st->total = 0;
    st->seed = seed;
    st->bufn = 0;
    st->stripes = 0;
    llcrc_i_x3_secret(st->secret, seed);
}

/* consume n full stripes that are known not to be the last ones */
static void llcrc_i_x3_consume(llcrc_xxh3_state *st, const unsigned char *p, size_t n, int lvl) {
    while (n) {
        size_t take = 16 - st->stripes;
        if (take > n) take = n;
        llcrc_i_x3_acc(st->acc, p, st->secret + 8 * st->stripes, take, lvl);
        st->stripes += ((uint32_t)take);
        p += 64 * take;
        n -= take;
        if (st->stripes == 16) {
            llcrc_i_x3_scr(st->acc, st->secret + 192 - 64, lvl);
            st->stripes = 0;
        }
    }
}

LLCRCDEF void llcrc_xxh3_64_update(llcrc_xxh3_state *st, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    int lvl;
    if (!len) return;
    lvl = llcrc_i_lvl();
    st->total += len;
    if (st->bufn + len <= 256) {
        llcrc_i_copy(st->buf + st->bufn, p, len);
        st->bufn += ((uint32_t)len);
        return;
    }
    if (st->bufn) {
        size_t take = 256 - st->bufn;
        llcrc_i_copy(st->buf + st->bufn, p, take);
        p += take;
        len -= take;
        /* more data follows (len > 0), so the 4 buffered stripes are not the last */
        llcrc_i_x3_consume(st, st->buf, 4, lvl);
        llcrc_i_copy(st->last, st->buf + 192, 64);
        st->bufn = 0;
    }
    if (len > 256) {
        size_t ns = (len - 1) / 64; /* leave at least one byte */
        llcrc_i_x3_consume(st, p, ns, lvl);
        p += 64 * ns;
        len -= 64 * ns;
        llcrc_i_copy(st->last, p - 64, 64);
    }
    llcrc_i_copy(st->buf, p, len);
    st->bufn = ((uint32_t)len);
}

/* the accumulators of a streaming state with more than 240 bytes, as the one-shot loop leaves them */
static void llcrc_i_x3_digest_acc(const llcrc_xxh3_state *st, uint64_t *acc) {
    unsigned char lastst[64];
    size_t b = st->bufn, ns, stripes, take, i;
    const unsigned char *p = st->buf, *s = st->secret;
    int lvl = llcrc_i_lvl();
    for (i = 0; i < 8; i++) acc[i] = st->acc[i];
    stripes = st->stripes;
    ns = (b - 1) / 64;
    while (ns) {
        take = 16 - stripes;
        if (take > ns) take = ns;
        llcrc_i_x3_acc(acc, p, s + 8 * stripes, take, lvl);
        stripes += take;
        p += 64 * take;
        ns -= take;
        if (stripes == 16) {
            llcrc_i_x3_scr(acc, s + 192 - 64, lvl);
            stripes = 0;
        }
    }
    if (b >= 64) {
        llcrc_i_x3_acc(acc, st->buf + b - 64, s + 192 - 64 - 7, 1, lvl);
    } else {
        llcrc_i_copy(lastst, st->last + b, 64 - b);
        llcrc_i_copy(lastst + 64 - b, st->buf, b);
        llcrc_i_x3_acc(acc, lastst, s + 192 - 64 - 7, 1, lvl);
    }
}

LLCRCDEF uint64_t llcrc_xxh3_64_digest(const llcrc_xxh3_state *st) {
    uint64_t acc[8] LLCRC_I_ALIGN(64);
    if (st->total <= 240) return llcrc_i_x3_short(st->buf, ((size_t)st->total), llcrc_i_xsecret, st->seed);
    llcrc_i_x3_digest_acc(st, acc);
    return llcrc_i_x3_merge(acc, st->secret + 11, st->total * LLCRC_I_P64_1);
}

/* ---- XXH3 with a custom secret, XXH3-128, secret generation ---- */

LLCRCDEF uint64_t llcrc_xxh3_64_secret(const void *data, size_t len, const void *secret, size_t secret_size) {
    const unsigned char *p = (const unsigned char *)data, *s = (const unsigned char *)secret;
    uint64_t acc[8] LLCRC_I_ALIGN(64);
    if (!s || secret_size < LLCRC_XXH3_SECRET_MIN) return llcrc_xxh3_64(data, len, 0);
    if (len <= 240) return llcrc_i_x3_short(p, len, s, 0);
    llcrc_i_x3_loop(acc, p, len, s, secret_size, llcrc_i_lvl());
    return llcrc_i_x3_merge(acc, s + 11, len * LLCRC_I_P64_1);
}

LLCRC_I_INLINE void llcrc_i_mul128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) {
#if defined(__SIZEOF_INT128__)
    llcrc_i_u128 p = (llcrc_i_u128)a * b;
    *lo = (uint64_t)p;
    *hi = (uint64_t)(p >> 64);
#else
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t cross = (ll >> 32) + (lh & 0xffffffffu) + hl;
    *hi = hh + (lh >> 32) + (cross >> 32);
    *lo = (cross << 32) | (ll & 0xffffffffu);
#endif
}

/* 0..16 bytes */
static llcrc_u128 llcrc_i_x3_128_le16(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) {
    llcrc_u128 h;
    if (len > 8) {
        uint64_t fl = (llcrc_i_le64(s + 32) ^ llcrc_i_le64(s + 40)) - seed;
        uint64_t fh = (llcrc_i_le64(s + 48) ^ llcrc_i_le64(s + 56)) + seed;
        uint64_t in_lo = llcrc_i_le64(p), in_hi = llcrc_i_le64(p + len - 8), mlo, mhi, hlo, hhi;
        llcrc_i_mul128(in_lo ^ in_hi ^ fl, LLCRC_I_P64_1, &mlo, &mhi);
        mlo += (uint64_t)(len - 1) << 54;
        in_hi ^= fh;
        mhi += in_hi + (uint64_t)(uint32_t)in_hi * (LLCRC_I_P32_2 - 1);
        mlo ^= llcrc_i_bswap64(mhi);
        llcrc_i_mul128(mlo, LLCRC_I_P64_2, &hlo, &hhi);
        hhi += mhi * LLCRC_I_P64_2;
        h.lo = llcrc_i_x3_aval(hlo);
        h.hi = llcrc_i_x3_aval(hhi);
        return h;
    }
    if (len >= 4) {
        uint64_t sd = seed ^ ((uint64_t)llcrc_i_bswap32((uint32_t)seed) << 32), mlo, mhi;
        uint64_t in = llcrc_i_le32(p) + ((uint64_t)llcrc_i_le32(p + len - 4) << 32);
        uint64_t keyed = in ^ ((llcrc_i_le64(s + 16) ^ llcrc_i_le64(s + 24)) + sd);
        llcrc_i_mul128(keyed, LLCRC_I_P64_1 + ((uint64_t)len << 2), &mlo, &mhi);
        mhi += mlo << 1;
        mlo ^= mhi >> 3;
        mlo ^= mlo >> 35;
        mlo *= LLCRC_I_MX2;
        mlo ^= mlo >> 28;
        h.lo = mlo;
        h.hi = llcrc_i_x3_aval(mhi);
        return h;
    }
    if (len) {
        uint32_t cl = ((uint32_t)p[0] << 16) | ((uint32_t)p[len >> 1] << 24) | p[len - 1] | ((uint32_t)len << 8);
        uint32_t ch = llcrc_i_rotl32(llcrc_i_bswap32(cl), 13);
        h.lo = llcrc_i_x64_aval(cl ^ ((llcrc_i_le32(s) ^ llcrc_i_le32(s + 4)) + seed));
        h.hi = llcrc_i_x64_aval(ch ^ ((llcrc_i_le32(s + 8) ^ llcrc_i_le32(s + 12)) - seed));
        return h;
    }
    h.lo = llcrc_i_x64_aval(seed ^ llcrc_i_le64(s + 64) ^ llcrc_i_le64(s + 72));
    h.hi = llcrc_i_x64_aval(seed ^ llcrc_i_le64(s + 80) ^ llcrc_i_le64(s + 88));
    return h;
}
/* 17..240 bytes: 32-byte rounds, each mixing one 16-byte half into each 64-bit half of the result */
#define LLCRC_I_MIX32(a, b, sec, sd)                                                   \
    do {                                                                               \
        lo += llcrc_i_x3_mix16((a), (sec), (sd));                                      \
        lo ^= llcrc_i_le64(b) + llcrc_i_le64((b) + 8);                                 \
        hi += llcrc_i_x3_mix16((b), (sec) + 16, (sd));                                 \
        hi ^= llcrc_i_le64(a) + llcrc_i_le64((a) + 8);                                 \
    } while (0)
LLCRC_I_INLINE llcrc_u128 llcrc_i_x3_128_end(uint64_t lo, uint64_t hi, size_t len, uint64_t seed) {
    llcrc_u128 h;
    h.lo = llcrc_i_x3_aval(lo + hi);
    h.hi = 0 - llcrc_i_x3_aval(lo * LLCRC_I_P64_1 + hi * LLCRC_I_P64_4 + (len - seed) * LLCRC_I_P64_2);
    return h;
}
/* 17..128 bytes: the common short message, in a function of its own so that it saves no registers the
   longer form needs */
static llcrc_u128 llcrc_i_x3_128_le128(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) {
    uint64_t lo = len * LLCRC_I_P64_1, hi = 0;
    if (len > 32) {
        if (len > 64) {
            if (len > 96) LLCRC_I_MIX32(p + 48, p + len - 64, s + 96, seed);
            LLCRC_I_MIX32(p + 32, p + len - 48, s + 64, seed);
        }
        LLCRC_I_MIX32(p + 16, p + len - 32, s + 32, seed);
    }
    LLCRC_I_MIX32(p, p + len - 16, s, seed);
    return llcrc_i_x3_128_end(lo, hi, len, seed);
}
LLCRC_I_NOINLINE static llcrc_u128 llcrc_i_x3_128_le240(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) {
    uint64_t lo = len * LLCRC_I_P64_1, hi = 0;
    size_t i, rounds = len / 32;
    for (i = 0; i < 4; i++) LLCRC_I_MIX32(p + 32 * i, p + 32 * i + 16, s + 32 * i, seed);
    lo = llcrc_i_x3_aval(lo);
    hi = llcrc_i_x3_aval(hi);
    for (i = 4; i < rounds; i++) LLCRC_I_MIX32(p + 32 * i, p + 32 * i + 16, s + 3 + 32 * (i - 4), seed);
    LLCRC_I_MIX32(p + len - 16, p + len - 32, s + 136 - 17 - 16, 0 - seed);
    return llcrc_i_x3_128_end(lo, hi, len, seed);
}
#undef LLCRC_I_MIX32
LLCRC_I_INLINE llcrc_u128 llcrc_i_x3_128_short(const unsigned char *p, size_t len, const unsigned char *s, uint64_t seed) {
    if (len <= 16) return llcrc_i_x3_128_le16(p, len, s, seed);
    if (len <= 128) return llcrc_i_x3_128_le128(p, len, s, seed);
    return llcrc_i_x3_128_le240(p, len, s, seed);
}

static llcrc_u128 llcrc_i_x3_128_merge(const uint64_t *acc, const unsigned char *s, size_t ssz, uint64_t total) {
    llcrc_u128 h;
    h.lo = llcrc_i_x3_merge(acc, s + 11, total * LLCRC_I_P64_1);
    h.hi = llcrc_i_x3_merge(acc, s + ssz - 64 - 11, ~(total * LLCRC_I_P64_2));
    return h;
}

/* above 240 bytes, apart from the entries: their 64-byte aligned frames are not set up for short inputs */
LLCRC_I_NOINLINE static llcrc_u128 llcrc_i_x3_128_long(const unsigned char *p, size_t len, const unsigned char *s, size_t ssz) {
    uint64_t acc[8] LLCRC_I_ALIGN(64);
    llcrc_i_x3_loop(acc, p, len, s, ssz, llcrc_i_lvl());
    return llcrc_i_x3_128_merge(acc, s, ssz, len);
}
LLCRC_I_NOINLINE static llcrc_u128 llcrc_i_x3_128_long_seeded(const unsigned char *p, size_t len, uint64_t seed) {
    unsigned char sec[192] LLCRC_I_ALIGN(64);
    llcrc_i_x3_secret(sec, seed);
    return llcrc_i_x3_128_long(p, len, sec, 192);
}

LLCRCDEF llcrc_u128 llcrc_xxh3_128(const void *data, size_t len, uint64_t seed) {
    const unsigned char *p = (const unsigned char *)data;
    if (len <= 240) return llcrc_i_x3_128_short(p, len, llcrc_i_xsecret, seed);
    if (seed == 0) return llcrc_i_x3_128_long(p, len, llcrc_i_xsecret, 192);
    return llcrc_i_x3_128_long_seeded(p, len, seed);
}

LLCRCDEF llcrc_u128 llcrc_xxh3_128_secret(const void *data, size_t len, const void *secret, size_t secret_size) {
    const unsigned char *p = (const unsigned char *)data, *s = (const unsigned char *)secret;
    if (!s || secret_size < LLCRC_XXH3_SECRET_MIN) return llcrc_xxh3_128(data, len, 0);
    if (len <= 240) return llcrc_i_x3_128_short(p, len, s, 0);
    return llcrc_i_x3_128_long(p, len, s, secret_size);
}

LLCRCDEF void llcrc_xxh3_128_init(llcrc_xxh3_state *st, uint64_t seed) { llcrc_xxh3_64_init(st, seed); }
LLCRCDEF void llcrc_xxh3_128_update(llcrc_xxh3_state *st, const void *data, size_t len) {
    llcrc_xxh3_64_update(st, data, len);
}
LLCRCDEF llcrc_u128 llcrc_xxh3_128_digest(const llcrc_xxh3_state *st) {
    uint64_t acc[8] LLCRC_I_ALIGN(64);
    if (st->total <= 240) return llcrc_i_x3_128_short(st->buf, (size_t)st->total, llcrc_i_xsecret, st->seed);
    llcrc_i_x3_digest_acc(st, acc);
    return llcrc_i_x3_128_merge(acc, st->secret, 192, st->total);
}

/* a secret of any size >= LLCRC_XXH3_SECRET_MIN from seed bytes of any length (as XXH3_generateSecret):
   the seed repeated, then every 16-byte segment XORed with XXH3-128 of the seed's own XXH3-128 (its
   big-endian bytes) seeded with the segment number, the last 16 bytes with that hash itself */
LLCRCDEF int llcrc_xxh3_generate_secret(void *secret, size_t secret_size, const void *seed, size_t seed_size) {
    unsigned char *o = (unsigned char *)secret, scr[16];
    const unsigned char *sd = (const unsigned char *)seed;
    size_t pos, n;
    llcrc_u128 h;
    if (!o || secret_size < LLCRC_XXH3_SECRET_MIN || (!sd && seed_size)) return LLCRC_EINVAL;
    if (seed_size == 0) {
        sd = llcrc_i_xsecret;
        seed_size = 192;
    }
    for (pos = 0; pos < secret_size; pos += n) {
        n = secret_size - pos < seed_size ? secret_size - pos : seed_size;
        llcrc_i_copy(o + pos, sd, n);
    }
    h = llcrc_xxh3_128(sd, seed_size, 0);
    llcrc_i_st64(scr, llcrc_i_bswap64(h.hi));
    llcrc_i_st64(scr + 8, llcrc_i_bswap64(h.lo));
    for (n = 0; n < secret_size / 16; n++) {
        llcrc_u128 k = llcrc_xxh3_128(scr, 16, n);
        llcrc_i_st64(o + 16 * n, llcrc_i_le64(o + 16 * n) ^ k.lo);
        llcrc_i_st64(o + 16 * n + 8, llcrc_i_le64(o + 16 * n + 8) ^ k.hi);
    }
    llcrc_i_st64(o + secret_size - 16, llcrc_i_le64(o + secret_size - 16) ^ h.lo);
    llcrc_i_st64(o + secret_size - 8, llcrc_i_le64(o + secret_size - 8) ^ h.hi);
    return 0;
}

/* the 192-byte secret a seed stands for (XXH3_generateSecret_fromSeed) */
LLCRCDEF void llcrc_xxh3_secret_from_seed(void *secret, uint64_t seed) {
    llcrc_i_x3_secret((unsigned char *)secret, seed);
}

/* ---------------------------------------------------------------------------------------- */
/* rolling hash and gear CDC                                                                 */

#define LLCRC_I_ROLL_B 0x9E3779B97F4A7C15ull /* odd multiplier */

LLCRCDEF void llcrc_roll_init(llcrc_roll *r, uint32_t window) {
    uint64_t m = 1;
    uint32_t i;
    llcrc_i_tables_ready();
    for (i = 0; i < window; i++) m *= LLCRC_I_ROLL_B;
    r->h = 0;
    r->out_mul = m;
    r->window = window;
    r->filled = 0;
}
LLCRCDEF uint64_t llcrc_roll_push(llcrc_roll *r, uint8_t in) {
    r->h = r->h * LLCRC_I_ROLL_B + llcrc_i_tab.gear[in];
    if (r->filled < r->window) r->filled++;
    return r->h;
}
LLCRCDEF uint64_t llcrc_roll_roll(llcrc_roll *r, uint8_t out, uint8_t in) {
    r->h = r->h * LLCRC_I_ROLL_B + llcrc_i_tab.gear[in] - llcrc_i_tab.gear[out] * r->out_mul;
    return r->h;
}
LLCRCDEF uint64_t llcrc_roll_hash(const void *data, uint32_t window) {
    const unsigned char *p = ((const unsigned char *)data);
    uint64_t h = 0;
    uint32_t i;
    llcrc_i_tables_ready();
    for (i = 0; i < window; i++) h = h * LLCRC_I_ROLL_B + llcrc_i_tab.gear[p[i]];
    return h;
}

LLCRCDEF uint64_t llcrc_gear(uint64_t h, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    const uint64_t *g = llcrc_i_tab.gear;
    size_t i;
    llcrc_i_tables_ready();
    for (i = 0; i < len; i++) h = (h << 1) + g[p[i]];
    return h;
}

LLCRCDEF int llcrc_cdc_init(llcrc_cdc *c, uint32_t min, uint32_t avg, uint32_t max) {
    uint32_t bits = 0;
    if (min < 1 || min > avg || avg > max || avg < 64 || avg > (1u << 30)) return LLCRC_EINVAL;
    while ((2u << bits) <= avg) bits++; /* bits = floor(log2(avg)) */
    llcrc_i_tables_ready();
    c->min = min;
    c->avg = avg;
    c->max = max;
    c->bits = bits;
    /* masks use bits 62.. downwards (fixed: part of the chunk-boundary format) */
    c->mask_s = ((~0ull) >> (64 - (bits + 2))) << (63 - (bits + 2));
    c->mask_l = ((~0ull) >> (64 - (bits - 2))) << (63 - (bits - 2));
    return 0;
}

/* first i in [lo, hi) such that after absorbing p[i] (h & m) == 0: returns i + 1, or 0 (and the state).
   The plain loop is the fastest form measured on Zen 4: h = 2h + G[b] is one 1-cycle LEA, and the two
   loads per byte are the limit (two interleaved chains and two-byte steps were both slower). */
static size_t llcrc_i_gear_scan(const unsigned char *p, size_t lo, size_t hi, uint64_t *hp, uint64_t m) {
    const uint64_t *g = llcrc_i_tab.gear;
    uint64_t h = *hp;
    size_t i;
    for (i = lo; i < hi; i++) {
        h = (h << 1) + g[p[i]];
        if (LLCRC_UNLIKELY(!(h & m))) return i + 1;
    }
    *hp = h;
    return 0;
}

LLCRCDEF size_t llcrc_cdc_next(const llcrc_cdc *c, const void *data, size_t len) {
    const unsigned char *p = ((const unsigned char *)data);
    size_t n, normal, r;
    uint64_t h = 0;
    if (len <= c->min) return len;
    n = len < c->max ? len : c->max;
    normal = c->avg < n ? c->avg : n;
    r = llcrc_i_gear_scan(p, c->min, normal, &h, c->mask_s);
    if (r) return r;
    if (normal < n) {
        r = llcrc_i_gear_scan(p, normal, n, &h, c->mask_l);
        if (r) return r;
    }
    return n;
}

/* ---------------------------------------------------------------------------------------- */
/* XOR and delta encoding                                                                    */

static void llcrc_i_xor_port(unsigned char *d, const unsigned char *a, const unsigned char *b, size_t n) {
    while (n >= 8) {
        uint64_t x, y;
        LLCRC_I_MEMCPY(&x, a, 8);
        LLCRC_I_MEMCPY(&y, b, 8);
        x ^= y;
        LLCRC_I_MEMCPY(d, &x, 8);
        d += 8;
        a += 8;
        b += 8;
        n -= 8;
    }
    while (n--) *d++ = ((unsigned char)(*a++ ^ *b++));
}

#if LLCRC_I_HAS_AVX2
LLCRC_I_TGT_AVX2 LLCRC_I_NOINLINE static void llcrc_i_xor_avx2(unsigned char *d, const unsigned char *a, const unsigned char *b,
                                              size_t n) {
    while (n >= 128) {
        __m256i x0 = _mm256_xor_si256(_mm256_loadu_si256(((const __m256i *)a)),
                                      _mm256_loadu_si256(((const __m256i *)b)));
        __m256i x1 = _mm256_xor_si256(_mm256_loadu_si256(((const __m256i *)(a + 32))),
                                      _mm256_loadu_si256(((const __m256i *)(b + 32))));
        __m256i x2 = _mm256_xor_si256(_mm256_loadu_si256(((const __m256i *)(a + 64))),
                                      _mm256_loadu_si256(((const __m256i *)(b + 64))));
        __m256i x3 = _mm256_xor_si256(_mm256_loadu_si256(((const __m256i *)(a + 96))),
                                      _mm256_loadu_si256(((const __m256i *)(b + 96))));
        _mm256_storeu_si256(((__m256i *)d), x0);
        _mm256_storeu_si256(((__m256i *)(d + 32)), x1);
        _mm256_storeu_si256(((__m256i *)(d + 64)), x2);
        _mm256_storeu_si256(((__m256i *)(d + 96)), x3);
        d += 128;
        a += 128;
        b += 128;
        n -= 128;
    }
    while (n >= 32) {
        _mm256_storeu_si256(((__m256i *)d),
                            _mm256_xor_si256(_mm256_loadu_si256(((const __m256i *)a)),
                                             _mm256_loadu_si256(((const __m256i *)b))));
        d += 32;
        a += 32;
        b += 32;
        n -= 32;
    }
    llcrc_i_xor_port(d, a, b, n);
}
#endif
#if LLCRC_I_HAS_AVX512
LLCRC_I_TGT_AVX512 LLCRC_I_NOINLINE static void llcrc_i_xor_avx512(unsigned char *d, const unsigned char *a,
                                                  const unsigned char *b, size_t n) {
    while (n >= 256) {
        __m512i x0 = _mm512_xor_si512(_mm512_loadu_si512(a), _mm512_loadu_si512(b));
        __m512i x1 = _mm512_xor_si512(_mm512_loadu_si512(a + 64), _mm512_loadu_si512(b + 64));
        __m512i x2 = _mm512_xor_si512(_mm512_loadu_si512(a + 128), _mm512_loadu_si512(b + 128));
        __m512i x3 = _mm512_xor_si512(_mm512_loadu_si512(a + 192), _mm512_loadu_si512(b + 192));
        _mm512_storeu_si512(d, x0);
        _mm512_storeu_si512(d + 64, x1);
        _mm512_storeu_si512(d + 128, x2);
        _mm512_storeu_si512(d + 192, x3);
        d += 256;
        a += 256;
        b += 256;
        n -= 256;
    }
    while (n >= 64) {
        _mm512_storeu_si512(d, _mm512_xor_si512(_mm512_loadu_si512(a), _mm512_loadu_si512(b)));
        d += 64;
        a += 64;
        b += 64;
        n -= 64;
    }
    if (n) {
        __mmask64 k = _cvtu64_mask64((~0ull) >> (64 - n));
        _mm512_mask_storeu_epi8(d, k, _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, a), _mm512_maskz_loadu_epi8(k, b)));
    }
}
#endif

LLCRCDEF void llcrc_xor(void *dst, const void *a, const void *b, size_t len) {
    unsigned char *d = ((unsigned char *)dst);
    const unsigned char *x = ((const unsigned char *)a), *y = ((const unsigned char *)b);
    switch (llcrc_i_lvl()) {
#if LLCRC_I_HAS_AVX512
    case LLCRC_PATH_AVX512: llcrc_i_xor_avx512(d, x, y, len); return;
#endif
#if LLCRC_I_HAS_AVX2
    case LLCRC_PATH_AVX2:
    case LLCRC_PATH_AVX2_VPCLMUL: llcrc_i_xor_avx2(d, x, y, len); return;
#endif
    default: llcrc_i_xor_port(d, x, y, len); return;
    }
}

#define LLCRC_I_MINRUN 8 /* zero runs shorter than this stay inside literals */

LLCRCDEF size_t llcrc_delta_bound(size_t len) {
    /* every token after the first collapses a zero run of >= 8 bytes, which pays for its varints */
    return len + len / 64 + 32;
}

static size_t llcrc_i_put_varint(unsigned char *o, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        o[n++] = ((unsigned char)(v | 0x80));
        v >>= 7;
    }
    o[n++] = ((unsigned char)v);
    return n;
}
static size_t llcrc_i_varint_len(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}
/* returns bytes consumed, 0 on truncated/overlong input */
static size_t llcrc_i_get_varint(const unsigned char *s, size_t avail, uint64_t *v) {
    uint64_t r = 0;
    size_t i;
    for (i = 0; i < avail && i < 10; i++) {
        uint64_t b = s[i];
        if (i == 9 && b > 1) return 0;
        r |= (b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = r;
            return i + 1;
        }
    }
    return 0;
}

LLCRC_I_INLINE unsigned char llcrc_i_dbyte(const unsigned char *cur, const unsigned char *prev, size_t i) {
    return prev ? ((unsigned char)(cur[i] ^ prev[i])) : cur[i];
}
LLCRC_I_INLINE uint64_t llcrc_i_dword(const unsigned char *cur, const unsigned char *prev, size_t i) {
    uint64_t x, y;
    LLCRC_I_MEMCPY(&x, cur + i, 8);
    if (!prev) return x;
    LLCRC_I_MEMCPY(&y, prev + i, 8);
    return x ^ y;
}

LLCRCDEF ptrdiff_t llcrc_delta_encode(void *out, size_t cap, const void *curv, const void *prevv, size_t len) {
    unsigned char *o = ((unsigned char *)out);
    const unsigned char *cur = ((const unsigned char *)curv);
    const unsigned char *prev = ((const unsigned char *)prevv);
    size_t op = 0, pos = 0;
    unsigned char tmp[10];
    if (!o && cap) return LLCRC_EINVAL;
    if (llcrc_i_varint_len(len) > cap) return LLCRC_ENOSPC;
    op = llcrc_i_put_varint(o, len);
    while (pos < len) {
        size_t z = pos, lit, run = 0, e, need, k;
        /* zero run */
        while (z + 8 <= len && llcrc_i_dword(cur, prev, z) == 0) z += 8;
        while (z < len && llcrc_i_dbyte(cur, prev, z) == 0) z++;
        /* literal: until a zero run of LLCRC_I_MINRUN bytes or the end */
        lit = z;
        e = z;
        while (e < len) {
            if (llcrc_i_dbyte(cur, prev, e) == 0) {
                run++;
                if (run >= LLCRC_I_MINRUN) break;
            } else {
                run = 0;
                /* skip quickly over words without zero bytes */
                while (e + 9 <= len) {
                    uint64_t w = llcrc_i_dword(cur, prev, e + 1);
                    if (((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) != 0) break;
                    e += 8;
                }
            }
            e++;
        }
        if (e < len) e = e + 1 - run; /* stop before the run (short trailing runs stay literal) */
        lit = e - z;
        need = llcrc_i_put_varint(tmp, z - pos);
        need += llcrc_i_varint_len(lit);
        if (need + lit > cap - op) return LLCRC_ENOSPC;
        op += llcrc_i_put_varint(o + op, z - pos);
        op += llcrc_i_put_varint(o + op, lit);
        if (prev) {
            for (k = 0; k < lit; k++) o[op + k] = ((unsigned char)(cur[z + k] ^ prev[z + k]));
        } else {
            llcrc_i_copy(o + op, cur + z, lit);
        }
        op += lit;
        pos = e;
    }
    return ((ptrdiff_t)op);
}

/* validate the stream; returns the delta length or LLCRC_EBADMSG */
static ptrdiff_t llcrc_i_delta_check(const unsigned char *s, size_t n) {
    uint64_t total, z, l, done = 0;
    size_t ip, k;
    if (!s && n) return LLCRC_EINVAL;
    k = llcrc_i_get_varint(s, n, &total);
    if (!k || total > ((uint64_t)PTRDIFF_MAX)) return LLCRC_EBADMSG;
    ip = k;
    while (ip < n) {
        k = llcrc_i_get_varint(s + ip, n - ip, &z);
        if (!k) return LLCRC_EBADMSG;
        ip += k;
        k = llcrc_i_get_varint(s + ip, n - ip, &l);
        if (!k) return LLCRC_EBADMSG;
        ip += k;
        if ((z == 0 && l == 0) || z > total - done) return LLCRC_EBADMSG;
        done += z;
        if (l > total - done || l > n - ip) return LLCRC_EBADMSG;
        done += l;
        ip += ((size_t)l);
    }
    if (done != total) return LLCRC_EBADMSG;
    return ((ptrdiff_t)total);
}

static void llcrc_i_delta_run(unsigned char *d, const unsigned char *s, size_t n, int apply) {
    uint64_t total, z, l;
    size_t ip = llcrc_i_get_varint(s, n, &total), pos = 0;
    while (ip < n) {
        ip += llcrc_i_get_varint(s + ip, n - ip, &z);
        ip += llcrc_i_get_varint(s + ip, n - ip, &l);
        if (!apply) llcrc_i_zero(d + pos, ((size_t)z));
        pos += ((size_t)z);
        if (apply)
            llcrc_i_xor_port(d + pos, d + pos, s + ip, ((size_t)l));
        else
            llcrc_i_copy(d + pos, s + ip, ((size_t)l));
        pos += ((size_t)l);
        ip += ((size_t)l);
    }
}

LLCRCDEF ptrdiff_t llcrc_delta_decode(void *dst, size_t cap, const void *enc, size_t enc_len) {
    const unsigned char *s = ((const unsigned char *)enc);
    ptrdiff_t total = llcrc_i_delta_check(s, enc_len);
    if (total < 0) return total;
    if (((size_t)total) > cap) return LLCRC_ENOSPC;
    if (total && !dst) return LLCRC_EINVAL;
    llcrc_i_delta_run(((unsigned char *)dst), s, enc_len, 0);
    return total;
}

LLCRCDEF ptrdiff_t llcrc_delta_apply(void *buf, size_t len, const void *enc, size_t enc_len) {
    const unsigned char *s = ((const unsigned char *)enc);
    ptrdiff_t total = llcrc_i_delta_check(s, enc_len);
    if (total < 0) return total;
    if (((size_t)total) != len) return LLCRC_EINVAL;
    if (total && !buf) return LLCRC_EINVAL;
    llcrc_i_delta_run(((unsigned char *)buf), s, enc_len, 1);
    return total;
}

/* ---------------------------------------------------------------------------------------- */
/* dispatch control, errors                                                                  */

LLCRCDEF bool llcrc_path_supported(int path) {
    int best;
    llcrc_i_setup();
    best = LLCRC_I_LOAD_ACQ(&llcrc_i_best);
    if (path == LLCRC_PATH_AUTO || path == LLCRC_PATH_PORTABLE) return true;
    if (path == LLCRC_PATH_ARMV8) return best == LLCRC_PATH_ARMV8 || best == LLCRC_PATH_ARMV8_PMULL;
    if (path == LLCRC_PATH_ARMV8_PMULL) return best == LLCRC_PATH_ARMV8_PMULL;
    if (path >= LLCRC_PATH_SSE42 && path <= LLCRC_PATH_AVX512) return best <= LLCRC_PATH_AVX512 && path <= best;
    return false;
}

LLCRCDEF int llcrc_force_path(int path) {
    if (!llcrc_path_supported(path)) return LLCRC_EOPNOTSUPP;
    if (path == LLCRC_PATH_AUTO) path = LLCRC_I_LOAD_ACQ(&llcrc_i_best);
    LLCRC_I_STORE_REL(&llcrc_i_level, path);
    llcrc_i_cx_unresolve();
    return 0;
}

LLCRCDEF int llcrc_path(void) { return llcrc_i_lvl(); }

LLCRCDEF const char *llcrc_path_name(int path) {
    if (path == LLCRC_PATH_AUTO) path = llcrc_i_lvl();
    switch (path) {
    case LLCRC_PATH_PORTABLE: return "portable";
    case LLCRC_PATH_SSE42: return "sse4.2+pclmul";
    case LLCRC_PATH_AVX2: return "avx2";
    case LLCRC_PATH_AVX2_VPCLMUL: return "avx2+vpclmulqdq";
    case LLCRC_PATH_AVX512: return "avx512+vpclmulqdq";
    case LLCRC_PATH_ARMV8: return "armv8-crc";
    case LLCRC_PATH_ARMV8_PMULL: return "armv8-crc+pmull";
    default: return "unknown";
    }
}

LLCRCDEF int llcrc_tuning(void) {
    llcrc_i_setup();
    return LLCRC_I_LOAD_ACQ(&llcrc_i_tune);
}

LLCRCDEF int llcrc_force_tuning(int tuning) {
    llcrc_i_setup();
    if (tuning == LLCRC_TUNE_AUTO) tuning = llcrc_i_tune_auto;
    if (tuning != LLCRC_TUNE_INTEL && tuning != LLCRC_TUNE_AMD) return LLCRC_EINVAL;
    LLCRC_I_STORE_REL(&llcrc_i_tune, tuning);
    return 0;
}

LLCRCDEF uint32_t llcrc_cpu_features(void) {
    llcrc_i_setup();
    return llcrc_i_features;
}

static char *llcrc_i_puts(char *o, const char *e, const char *s) {
    while (*s && o < e) *o++ = *s++;
    return o;
}
LLCRC_I_UNUSED static char *llcrc_i_putu(char *o, const char *e, unsigned v) {
    char d[12];
    int n = 0;
    do d[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    while (n && o < e) *o++ = d[--n];
    return o;
}

LLCRCDEF const char *llcrc_describe(void) {
    static char text[512];
    static int state; /* 0 none, 1 writing, 2 ready */
    int st = LLCRC_I_LOAD_ACQ(&state);
    char *o = text, *e = text + sizeof text - 1;
    int best, tune;
    if (st == 2) return text;
    st = 0;
    if (!LLCRC_I_CAS(&state, &st, 1)) {
        while (LLCRC_I_LOAD_ACQ(&state) != 2) llcrc_cpu_relax();
        return text;
    }
    llcrc_i_setup();
    best = llcrc_i_best;
    tune = llcrc_i_tune_auto;
    o = llcrc_i_puts(o, e, llcrc_i_vendor == 1 ? "Intel" : llcrc_i_vendor == 2 ? "AMD" : "CPU");
#if LLCRC_I_X86
    o = llcrc_i_puts(o, e, " family ");
    o = llcrc_i_putu(o, e, llcrc_i_family);
    o = llcrc_i_puts(o, e, " model ");
    o = llcrc_i_putu(o, e, llcrc_i_model);
#endif
    o = llcrc_i_puts(o, e, ": path ");
    o = llcrc_i_puts(o, e, llcrc_path_name(best));
    o = llcrc_i_puts(o, e, best == LLCRC_PATH_AVX512 ? " (the widest the CPU offers: 512-bit carry-less folds)"
                     : best == LLCRC_PATH_AVX2_VPCLMUL ? " (no AVX-512: CRC-32C folds 256-bit lanes while three crc32 streams run beside them)"
                     : best == LLCRC_PATH_PORTABLE ? " (no crc32+carry-less multiply instructions found or built)"
                     : " (the widest the CPU offers)");
#if LLCRC_I_X86
    o = llcrc_i_puts(o, e, "; tuning ");
    o = llcrc_i_puts(o, e, tune == LLCRC_TUNE_AMD ? "amd (vector integer multiplies fast: XXH32 lanes in one register)"
                                                 : "intel (vector integer multiplies slow or unknown: XXH32/XXH64 lanes in scalar registers)");
#else
    (void)tune;
#endif
    *o = 0;
    LLCRC_I_STORE_REL(&state, 2);
    return text;
}

LLCRCDEF const char *llcrc_strerror(int err) {
    switch (err) {
    case 0: return "success";
    case LLCRC_EINVAL: return "invalid argument";
    case LLCRC_ENOSPC: return "output buffer too small";
    case LLCRC_EOPNOTSUPP: return "not supported by this CPU or build";
    case LLCRC_EBADMSG: return "encoded delta truncated or corrupt";
    default: return "unknown error";
    }
}

LLCRCDEF const char *llcrc_version(void) { return LLCRC_VERSION_STRING; }

#ifdef __cplusplus
}
#endif
#ifdef LLCRC_I_POP_DIAG
#pragma GCC diagnostic pop
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLCRC_IMPLEMENTATION */

/* CHANGES
   0.2.0  CRC-64 (NVME, XZ, ECMA-182, GO-ISO), CRC-16/T10-DIF, CRC-32/BZIP2 with combine (tables, PCLMULQDQ,
          256-bit VPCLMULQDQ, PMULL); XXH3-128, custom secrets, secret generation; adler32_combine.
          LLCRC_PATH_AVX2_VPCLMUL (256-bit VPCLMULQDQ, CRC-32C hybrid with crc32 streams), path numbers
          after it shifted; llcrc_tuning/llcrc_force_tuning (vendor table), llcrc_cpu_features,
          llcrc_describe; XXH64 lanes kept scalar, XXH32 lanes by vendor; CRC-32C up to 256 bytes takes
          the start value apart from the data (one multiply on a chain of calls).
          follows docs/contract.md: LLCRC_ENOTSUP is LLCRC_EOPNOTSUPP, LLCRC_OK, LLCRC_ASSERT defaults to
          assert(), LLCRC_LIKELY/LLCRC_UNLIKELY/LLCRC_INLINE, llcrc_cpu_relax, plain C casts.
   0.1.0  first release: crc32c/crc32 (+combine), adler32, fletcher32, xxh32/xxh64/xxh3_64 (+streaming),
          rolling hash, gear CDC, XOR delta + encoding; x86-64 SSE4.2/AVX2/AVX-512 and aarch64 CRC paths.

   LICENSE
   This software is available under two licenses; choose whichever you prefer.
   A) MIT License. Copyright (c) 2026 the ll authors. Permission is hereby granted, free of charge, to any
      person obtaining a copy of this software and associated documentation files (the "Software"), to
      deal in the Software without restriction, including without limitation the rights to use, copy,
      modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
      persons to whom the Software is furnished to do so, subject to the following conditions: The above
      copyright notice and this permission notice shall be included in all copies or substantial portions
      of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
   B) Public domain (www.unlicense.org). Anyone is free to copy, modify, publish, use, compile, sell, or
      distribute this software, in source code form or as a compiled binary, for any purpose, commercial
      or non-commercial, and by any means.
*/
