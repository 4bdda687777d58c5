/* llpmem.h - persistent memory: mapping, flushing, copies, transactions, crash simulator  v0.2.0
   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file).

   WHAT
     Persistent memory (Optane DIMMs, CXL memory, battery-backed DRAM exposed as DAX) makes a store
     durable once its cache line is written back: no system call, no page cache. llpmem.h maps a file or
     a device DAX node, tells whether the mapping really is persistent memory, and makes ranges durable
     with the best write-back instruction of the CPU (clwb > clflushopt > clflush on x86, DC CVAP > DC
     CVAC on aarch64) or, for a mapping that is not persistent memory, with msync of the page-aligned
     range. Persistent copies use non-temporal stores (AVX-512, movdir64b, AVX2, SSE2) above a threshold
     and cached stores + write-back below it. Every flush checks that the range lies in a mapping this
     header made (or was given with llpmem_attach): a foreign address is an error, never a silent no-op.
     llpmem_tx gives failure-atomic updates (an undo log in the mapping, rolled back at the next init
     after a crash). A debug build (LLPMEM_CRASH_SIM) simulates power failure at every flush point.

   EXAMPLE
     #define LLPMEM_IMPLEMENTATION
     #include "llpmem.h"
     #include <stdio.h>
     int main(void) {
         llpmem_region *r;
         char *p;
         int rc = llpmem_open("/tmp/llpmem_example", 4096, LLPMEM_CREATE, 0600, &r);
         if (rc) { printf("%s\n", llpmem_strerror(rc)); return 1; }
         p = (char *)llpmem_addr(r);
         rc = llpmem_memcpy_persist(p, "hello", 6); // copy, write back, fence (msync if not pmem)
         llpmem_close(r);
         remove("/tmp/llpmem_example");
         return rc;
     }

   OPTIONS (define before including)
     LLPMEM_IMPLEMENTATION  [one unit] emit the implementation (LL_IMPLEMENTATION: every ll header).
     LLPMEM_STATIC          [any unit] a private copy in this unit: implies LLPMEM_IMPLEMENTATION, every
                            API function static (LL_STATIC: every ll header).
     LLPMEM_ASSERT(x)       [one unit] assertion for internal invariants (default: assert()).
     LLPMEM_MALLOC(ctx, size), LLPMEM_FREE(ctx, ptr)  [one unit] allocation, both or neither (ctx is NULL:
                            llpmem has no allocation context); default malloc/free.
     LLPMEM_NO_AVX512, LLPMEM_NO_AVX2, LLPMEM_NO_SSE2, LLPMEM_NO_MOVDIR64B  [one unit] compile out one
                            non-temporal copy path.
     LLPMEM_INLINE          [every unit] marker of the inline hot paths (default static inline).
     LLPMEM_MAX_REGIONS     [one unit] size of the registry of live mappings, default 64.
     LLPMEM_CRASH_SIM       [every unit] debug build with the crash simulator (llpmem_sim_*; it adds
                            declarations and changes the region layout). Slow; for tests only.
     LLPMEM_NO_INLINE       [every unit] llpmem_pmem_persist/_flush as ordinary calls (x86-64 GCC/Clang
                            make them inline).

   API (ints are 0 or a negative LLPMEM_E* / -errno code)
     mapping   llpmem_open(path, len, flags, mode, &r)  llpmem_attach(addr, len, flags, &r)
               llpmem_close(r)  llpmem_addr(r)  llpmem_len(r)  llpmem_region_is_pmem(r)
               llpmem_region_kind(r)  llpmem_region_eadr(r)  llpmem_kind_name(kind)
               llpmem_prewarm(r, lock)  llpmem_find(addr)  llpmem_is_pmem(addr, len)
     flushing  llpmem_persist(addr, len)  llpmem_flush(addr, len)  llpmem_drain()  llpmem_msync(addr, len)
               llpmem_pmem_persist / llpmem_pmem_flush (no registry lookup: the caller knows it is pmem)
     copies    llpmem_memcpy_persist  llpmem_memmove_persist  llpmem_memset_persist
               llpmem_memcpy_nodrain  llpmem_memmove_nodrain  llpmem_memset_nodrain
               llpmem_pmem_memmove(dst, src, n, flags)  llpmem_pmem_memset(dst, c, n, flags)
     tuning    llpmem_set_flush/get_flush  llpmem_set_nt/get_nt  llpmem_set_nt_threshold/get_nt_threshold
               llpmem_force_pmem  llpmem_force_eadr  llpmem_cpu_features  llpmem_flush_name  llpmem_nt_name
     stats     llpmem_region_stats_enable(r, on)  llpmem_region_stats(r, &s)  llpmem_region_stats_reset(r)
               llpmem_region_hist(r, &h) (a copy of the region's persist-latency histogram)
     histogram llpmem_hist_init(h)  llpmem_hist_record_atomic(h, v)  llpmem_hist_record_n_atomic(h, v, n)
               llpmem_hist_percentile(h, pct)  llpmem_hist_count/_sum/_mean/_min/_max/_overflow(h)
               llpmem_hist_reset(h)  llpmem_hist_merge(dst, src)  llpmem_hist_index/_value_at_index
               llpmem_hist_lowest_equivalent/_highest_equivalent  (llstat.h's histogram, this prefix)
     tx        llpmem_tx_init(&tx, r, log, log_len) (recovers)  llpmem_tx_destroy(&tx)  llpmem_tx_begin(&tx)
               llpmem_tx_add(&tx, addr, len) (snapshot, then write)  llpmem_tx_commit(&tx)  llpmem_tx_abort(&tx)
     crash sim llpmem_sim_set_hook  llpmem_sim_events  llpmem_sim_crash_image  llpmem_sim_crash
               llpmem_sim_unflushed  llpmem_sim_pause           (LLPMEM_CRASH_SIM builds only)
     misc      llpmem_strerror(err)  llpmem_version()  llpmem_cpu_relax()

   SEMANTICS
     A region is pmem when the kernel accepts MAP_SHARED_VALIDATE|MAP_SYNC (cross-checked with statfs and
     statx, because emulators drop unknown mmap flags) or the path is a device DAX node; its CPU caches
     are in the persistence domain (eADR: a fence is enough) when the nd region's persistence_domain is
     cpu_cache. Anything else (tmpfs, ext4 without DAX) is made durable with msync(MS_SYNC) of the
     page-aligned range. Zero-length flushes and copies return 0 at once, without looking the address up.

   ERRORS
     LLPMEM_EINVAL (NULL, zero length where a length is needed, a mapping longer than the file without
     LLPMEM_CREATE, overlapping attach), LLPMEM_EFAULT (range not inside one region: nothing is written),
     LLPMEM_ENOSPC (registry full; transaction log full), LLPMEM_ENOMEM, LLPMEM_EOPNOTSUPP (instruction or
     path the CPU or the build lacks), LLPMEM_EBADMSG (corrupt transaction log header); open, mmap and
     msync failures come back as -errno unchanged. Every llpmem_tx_* call documents its codes below.

   THREADS
     Flushing, copies, statistics and histograms may be used from any number of threads (every write to
     an llpmem_hist is a relaxed atomic add; a reader sees each counter whole). llpmem_open/attach/close
     are serialised internally; closing a region while another thread still flushes into it is a bug of
     the caller (as with munmap). The crash simulator serialises everything behind one lock.

   PLATFORMS
     Linux x86-64 (clwb / clflushopt / clflush from cpuid; AVX-512, AVX2, SSE2 and movdir64b copy paths)
     and Linux aarch64 (DC CVAP when HWCAP_DCPOP, else DC CVAC; DSB SY as the drain; cached copies +
     write-back). qemu-user 7.2 advertises HWCAP_DCPOP but faults on DC CVAP: run with
     LLPMEM_FORCE_FLUSH=cvac there. Other POSIX systems: msync paths only. Windows: not supported yet.
     Include this header before system headers in the implementation unit, or build with -D_GNU_SOURCE.

   ENVIRONMENT (read once, at the first call; the llpmem_set_* functions override it afterwards)
     LLPMEM_FORCE_FLUSH=clwb|clflushopt|clflush|cvap|cvac|none  flush instruction (ignored when the CPU
                            lacks it)
     LLPMEM_FORCE_NT=avx512|movdir64b|avx2|sse2|none   non-temporal copy path (same rule)
     LLPMEM_NO_NT=1         no non-temporal stores (cached stores + write-back always)
     LLPMEM_NO_AVX512=1, LLPMEM_NO_MOVDIR64B=1, LLPMEM_NO_AVX2=1   skip that path in automatic selection
                            (order: avx512 > movdir64b > avx2 > sse2)
     LLPMEM_NT_THRESHOLD=n  copies of n bytes or more use non-temporal stores; from n/4 bytes when the
                            destination starts or ends on a 64-byte boundary (default 256, measured on
                            Zen 4: an aligned 64 B non-temporal copy persists 1.6x faster than cached
                            stores + clwb, a copy with a partial line at both ends only from ~256 B)
     LLPMEM_FORCE_PMEM=1|0  treat every mapping as persistent memory (1) or as ordinary memory (0)
     LLPMEM_FORCE_EADR=1|0  the CPU caches are (1) or are not (0) in the persistence domain
*/
#if defined(LL_IMPLEMENTATION) && !defined(LLPMEM_IMPLEMENTATION)
#define LLPMEM_IMPLEMENTATION
#endif
#if defined(LL_STATIC) && !defined(LLPMEM_STATIC)
#define LLPMEM_STATIC
#endif
#if defined(LLPMEM_STATIC) && !defined(LLPMEM_IMPLEMENTATION)
#define LLPMEM_IMPLEMENTATION /* static functions are defined in every unit that uses them */
#endif
#if defined(LLPMEM_IMPLEMENTATION) && defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifndef LLPMEM_H
#define LLPMEM_H

#define LLPMEM_VERSION_MAJOR 0
#define LLPMEM_VERSION_MINOR 2
#define LLPMEM_VERSION_PATCH 0
#define LLPMEM_VERSION_STRING "0.2.0"

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LLPMEM_I_UNUSED __attribute__((unused))
#define LLPMEM_LIKELY(x) __builtin_expect(!!(x), 1)
#define LLPMEM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LLPMEM_I_UNUSED
#define LLPMEM_LIKELY(x) (x)
#define LLPMEM_UNLIKELY(x) (x)
#endif
#ifdef LLPMEM_STATIC
#define LLPMEMDEF static LLPMEM_I_UNUSED
#else
#define LLPMEMDEF extern
#endif
#ifndef LLPMEM_INLINE
#define LLPMEM_INLINE static inline LLPMEM_I_UNUSED
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- error codes (negative Linux errno values; system errors are returned as -errno) ---- */
#define LLPMEM_OK 0
#define LLPMEM_ENOMEM (-12)     /* out of memory */
#define LLPMEM_EFAULT (-14)     /* address range not inside any mapping made or attached by llpmem */
#define LLPMEM_EINVAL (-22)     /* bad argument */
#define LLPMEM_ENOSPC (-28)     /* registry full (raise LLPMEM_MAX_REGIONS) */
#define LLPMEM_EBADMSG (-74)    /* llpmem_tx: the log header is corrupt (not a log of this format) */
#define LLPMEM_EOPNOTSUPP (-95) /* not supported by this CPU / platform / build */

/* ---- llpmem_open / llpmem_attach flags ---- */
#define LLPMEM_CREATE 0x01u       /* create the file if missing and grow it to len */
#define LLPMEM_CREATE_EXCL 0x02u  /* create the file; fail with -EEXIST if it exists (implies CREATE) */
#define LLPMEM_PREWARM 0x04u    /* prefault every page for writing */
#define LLPMEM_LOCK 0x08u       /* mlock the mapping (implies prewarm) */
#define LLPMEM_STATS 0x10u      /* start with latency statistics enabled */
#define LLPMEM_NO_SYNC 0x20u    /* do not try MAP_SYNC (never pmem unless forced) */
#define LLPMEM_FORCE 0x40u      /* treat this region as persistent memory whatever it is */
#define LLPMEM_READONLY 0x80u   /* map read-only (flushing it is pointless but allowed) */
#define LLPMEM_PMEM 0x100u      /* llpmem_attach: the memory is persistent memory */

/* ---- what a region is ---- */
#define LLPMEM_KIND_FILE 0      /* page-cache file (tmpfs, ext4 without DAX): durable with msync */
#define LLPMEM_KIND_FSDAX 1     /* file on a DAX filesystem, MAP_SYNC accepted */
#define LLPMEM_KIND_DEVDAX 2    /* device DAX character device */
#define LLPMEM_KIND_FORCED 3    /* treated as pmem because forced (LLPMEM_FORCE, env, llpmem_force_pmem) */
#define LLPMEM_KIND_MEMORY 4    /* attached memory that is not pmem (anonymous etc.) */

/* ---- flush instructions ---- */
#define LLPMEM_FLUSH_AUTO 0
#define LLPMEM_FLUSH_CLWB 1
#define LLPMEM_FLUSH_CLFLUSHOPT 2
#define LLPMEM_FLUSH_CLFLUSH 3
#define LLPMEM_FLUSH_CVAP 4     /* aarch64 DC CVAP */
#define LLPMEM_FLUSH_CVAC 5     /* aarch64 DC CVAC */
#define LLPMEM_FLUSH_NONE 6     /* no write-back (eADR or tests); drain still fences */

/* ---- non-temporal copy paths ---- */
#define LLPMEM_NT_AUTO 0
#define LLPMEM_NT_AVX512 1
#define LLPMEM_NT_MOVDIR64B 2
#define LLPMEM_NT_AVX2 3
#define LLPMEM_NT_SSE2 4
#define LLPMEM_NT_NONE 5        /* cached stores + write-back at every size */

/* ---- llpmem_cpu_features bits ---- */
#define LLPMEM_CPU_CLFLUSH 0x01u
#define LLPMEM_CPU_CLFLUSHOPT 0x02u
#define LLPMEM_CPU_CLWB 0x04u
#define LLPMEM_CPU_SSE2 0x08u
#define LLPMEM_CPU_AVX2 0x10u
#define LLPMEM_CPU_AVX512 0x20u
#define LLPMEM_CPU_MOVDIR64B 0x40u
#define LLPMEM_CPU_DCPOP 0x80u  /* aarch64 DC CVAP */
#define LLPMEM_CPU_DC 0x100u    /* aarch64 DC CVAC */

/* ---- llpmem_pmem_memmove / llpmem_pmem_memset flags ---- */
#define LLPMEM_F_NODRAIN 0x01u  /* no fence at the end (call llpmem_drain later) */
#define LLPMEM_F_NT 0x02u       /* non-temporal stores whatever the size (if a path exists) */
#define LLPMEM_F_TEMPORAL 0x04u /* cached stores + write-back whatever the size */

typedef struct llpmem_region llpmem_region;   /* opaque */

/* ---- latency histogram ----
   llstat.h's histogram (HdrHistogram's layout, docs/llstat.md "Layout") repeated under this prefix so that
   llpmem needs no other header: the same 128-byte header (fields, order, magic), the same counts index,
   bucket bounds, percentile and merge arithmetic (tests/test_hist_shape.c compares the two on the same
   samples and fails when either changes). Its range is fixed, so its storage is too: 1 ns .. 1 h at 2
   significant digits (each slot at most 1/128 of its lowest value wide), 4608 counters in the struct, no
   allocation. A value above the range is counted in the last slot and in llpmem_hist_overflow. Every
   write is an atomic add: any number of threads may record into one histogram. The bytes of an
   llpmem_hist are those of an llstat histogram of (LLPMEM_HIST_LOWEST, _HIGHEST, _DIGITS): memcpy it into
   llstat_hist_memsize(...) bytes of llstat memory to print its distribution with llstat.h. */
#define LLPMEM_HIST_LOWEST 1u                /* lowest discernible value (ns) */
#define LLPMEM_HIST_HIGHEST 3600000000000u   /* highest trackable value (ns): 1 h */
#define LLPMEM_HIST_DIGITS 2u                /* significant decimal digits */
#define LLPMEM_HIST_COUNTS 4608u             /* counters: (bucket_count 35 + 1) * half_count 128 */
#define LLPMEM_HIST_MAGIC 0x6c6c6873u        /* "llhs": init ran on this memory (llstat.h's value) */
#define LLPMEM_HIST_LAYOUT 2u                /* version of the layout (llstat.h's value) */
/* that layout's derived values (docs/llstat.md): sub_bucket_count 2^ceil(log2(2 * 10^2)) = 256 */
#define LLPMEM_I_HIST_HALF 7u                /* half_magnitude: log2(256) - 1 */
#define LLPMEM_I_HIST_UNIT 0u                /* unit_magnitude: floor(log2(LLPMEM_HIST_LOWEST)) */
#define LLPMEM_I_HIST_BUCKETS 35u            /* smallest b with 256 << (b - 1) > LLPMEM_HIST_HIGHEST */
typedef struct llpmem_hist {
    uint64_t sum;             /* sum of every recorded value (those above top_value unclamped) */
    uint64_t overflow;        /* samples above top_value, counted in the last bucket */
    uint64_t top_value;       /* highest value with a bucket of its own: 2^42 - 1 */
    uint64_t sub_bucket_mask; /* (sub_bucket_count - 1) << unit_magnitude */
    uint32_t shift_base;      /* 63 - half_magnitude: shift = shift_base - clz(v | sub_bucket_mask) */
    uint32_t half_magnitude;  /* log2(sub_bucket_count) - 1 */
    uint32_t unit_magnitude;  /* floor(log2(lowest)) */
    uint32_t counts_len;      /* LLPMEM_HIST_COUNTS */
    uint32_t slot_origin;     /* 128 + 8 * ((shift_base - unit_magnitude) << half_magnitude) */
    uint32_t min_clz;         /* v <= top_value exactly when clz(v | sub_bucket_mask) >= min_clz */
    uint64_t reserved0;
    uint64_t lowest;          /* LLPMEM_HIST_LOWEST */
    uint64_t highest;         /* LLPMEM_HIST_HIGHEST */
    uint32_t digits;          /* LLPMEM_HIST_DIGITS */
    uint32_t bucket_count;    /* buckets (powers of two) covering 0..highest */
    uint32_t magic;           /* LLPMEM_HIST_MAGIC */
    uint32_t layout;          /* LLPMEM_HIST_LAYOUT */
    uint64_t reserved1[4];
    uint64_t counts[LLPMEM_HIST_COUNTS];
} llpmem_hist;

typedef struct llpmem_stats {
    uint64_t persists;       /* calls that end durable: persist, msync fallbacks, *_persist copies */
    uint64_t flushes;        /* flush and *_nodrain calls */
    uint64_t msyncs;         /* msync system calls issued for this region */
    uint64_t lines;          /* cache lines written back (flush instructions issued, copies included) */
    uint64_t copies;         /* copy / set calls */
    uint64_t bytes_copied;   /* bytes written by copy / set calls */
    uint64_t errors;         /* failed msync calls */
    uint64_t lat_count;      /* timed durable operations (only while statistics are enabled) */
    uint64_t lat_p50_ns, lat_p99_ns, lat_p999_ns, lat_max_ns; /* llpmem_hist_percentile / _max: the
                                highest value of the slot (within 1/128), as HdrHistogram reports them */
    double lat_mean_ns;      /* exact: sum / count */
} llpmem_stats;

/* ---- mapping ---- */
/* Map path read/write. len 0 = the whole file (or device). With LLPMEM_CREATE a missing file is created
   with mode and a shorter one is grown to len. Tries MAP_SHARED_VALIDATE|MAP_SYNC first; the region is
   persistent memory when MAP_SYNC is accepted or path is a device DAX node. */
LLPMEMDEF int llpmem_open(const char *path, size_t len, unsigned flags, unsigned mode, llpmem_region **out);
/* Register memory mapped by someone else (flags: LLPMEM_PMEM, LLPMEM_STATS, LLPMEM_PREWARM, ...). */
LLPMEMDEF int llpmem_attach(void *addr, size_t len, unsigned flags, llpmem_region **out);
/* Unmap (or, for attached memory, unregister) and free the region. */
LLPMEMDEF int llpmem_close(llpmem_region *r);
LLPMEMDEF void *llpmem_addr(const llpmem_region *r);
LLPMEMDEF size_t llpmem_len(const llpmem_region *r);
LLPMEMDEF bool llpmem_region_is_pmem(const llpmem_region *r);
LLPMEMDEF int llpmem_region_kind(const llpmem_region *r);       /* LLPMEM_KIND_* */
LLPMEMDEF bool llpmem_region_eadr(const llpmem_region *r);      /* only a fence needed */
LLPMEMDEF const char *llpmem_kind_name(int kind);
/* Prefault every page for writing (MADV_POPULATE_WRITE or touching); lock = also mlock. */
LLPMEMDEF int llpmem_prewarm(llpmem_region *r, bool lock);
/* Region containing [addr, addr+1), or NULL. */
LLPMEMDEF llpmem_region *llpmem_find(const void *addr);
/* 1 if [addr, addr+len) is inside one persistent-memory region, 0 if inside an ordinary one,
   LLPMEM_EFAULT if not inside any region. */
LLPMEMDEF int llpmem_is_pmem(const void *addr, size_t len);

/* ---- flushing ---- */
/* Make [addr, addr+len) durable: write back + fence on pmem, msync of the page-aligned range otherwise.
   0, LLPMEM_EFAULT (range not inside one region) or -errno from msync. len 0 returns 0 at once, without
   looking addr up and without a fence or msync (as every zero-length call of this header). */
LLPMEMDEF int llpmem_persist(const void *addr, size_t len);
/* Write back without the fence (pmem) - call llpmem_drain once after a batch. On ordinary memory this
   already msyncs. Same return values. */
LLPMEMDEF int llpmem_flush(const void *addr, size_t len);
/* Wait for earlier write-backs and non-temporal stores (sfence / dsb). */
LLPMEMDEF void llpmem_drain(void);
/* msync(MS_SYNC) of the page-aligned range around [addr, addr+len); any shared mapping. 0 or -errno
   (len 0: 0 at once). */
LLPMEMDEF int llpmem_msync(const void *addr, size_t len);
/* No registry lookup, no checks: the caller knows the range is persistent memory. On x86-64 with GCC or
   Clang both are inline, so they cost what a hand-written clwb loop or lone sfence costs (the instruction
   choice is one word the implementation publishes); LLPMEM_NO_INLINE makes them ordinary calls. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(LLPMEM_CRASH_SIM) && !defined(LLPMEM_NO_INLINE)
#define LLPMEM_I_INLINE_PMEM 1
/* what the inline paths do: 0 not initialised yet, 1 fence only (eADR), 2 clwb, 3 anything else (call) */
#ifdef LLPMEM_STATIC
static int llpmem_i_pmem_op;
#else
extern int llpmem_i_pmem_op;
#endif
LLPMEMDEF void llpmem_i_pmem_flush_call(const void *addr, size_t len);
LLPMEM_INLINE void llpmem_pmem_flush(const void *addr, size_t len) {
    int op = __atomic_load_n(&llpmem_i_pmem_op, __ATOMIC_RELAXED);
    if (op == 1) return;
    if (op == 2) {
        const char *c = (const char *)addr, *end = c + len;
        if (len)
            /* "memory": the stores to the rest of each line must not be moved past its write-back */
            for (c -= (uintptr_t)addr & 63u; c < end; c += 64)
                __asm__ __volatile__("clwb %0" ::"m"(*c) : "memory");
        return;
    }
    llpmem_i_pmem_flush_call(addr, len);
}
LLPMEM_INLINE void llpmem_pmem_persist(const void *addr, size_t len) {
    if (!len) return;
    llpmem_pmem_flush(addr, len);
    __asm__ __volatile__("sfence" ::: "memory");
}
#else
LLPMEMDEF void llpmem_pmem_persist(const void *addr, size_t len);
LLPMEMDEF void llpmem_pmem_flush(const void *addr, size_t len);
#endif

/* ---- persistent copies (0, LLPMEM_EFAULT when dst range is not inside one region - nothing written -,
   or -errno from msync) ---- */
LLPMEMDEF int llpmem_memcpy_persist(void *dst, const void *src, size_t n);
LLPMEMDEF int llpmem_memmove_persist(void *dst, const void *src, size_t n);
LLPMEMDEF int llpmem_memset_persist(void *dst, int c, size_t n);
LLPMEMDEF int llpmem_memcpy_nodrain(void *dst, const void *src, size_t n);
LLPMEMDEF int llpmem_memmove_nodrain(void *dst, const void *src, size_t n);
LLPMEMDEF int llpmem_memset_nodrain(void *dst, int c, size_t n);
/* No lookup: dst is persistent memory. flags LLPMEM_F_*. Overlap allowed. Returns dst. */
LLPMEMDEF void *llpmem_pmem_memmove(void *dst, const void *src, size_t n, unsigned flags);
LLPMEMDEF void *llpmem_pmem_memset(void *dst, int c, size_t n, unsigned flags);

/* ---- tuning and overrides (process-wide) ---- */
LLPMEMDEF int llpmem_set_flush(int kind);         /* LLPMEM_FLUSH_*; LLPMEM_EOPNOTSUPP if CPU lacks it */
LLPMEMDEF int llpmem_get_flush(void);             /* the instruction in use (never AUTO) */
LLPMEMDEF int llpmem_set_nt(int kind);            /* LLPMEM_NT_*; LLPMEM_EOPNOTSUPP if unavailable */
LLPMEMDEF int llpmem_get_nt(void);
LLPMEMDEF void llpmem_set_nt_threshold(size_t bytes);
LLPMEMDEF size_t llpmem_get_nt_threshold(void);
LLPMEMDEF void llpmem_force_pmem(int v);          /* -1 detect, 0 never pmem, 1 always pmem (new maps) */
LLPMEMDEF void llpmem_force_eadr(int v);          /* -1 detect, 0 no, 1 yes (all regions, now) */
LLPMEMDEF unsigned llpmem_cpu_features(void);     /* LLPMEM_CPU_* */
LLPMEMDEF const char *llpmem_flush_name(int kind);
LLPMEMDEF const char *llpmem_nt_name(int kind);

/* ---- statistics ---- */
LLPMEMDEF int llpmem_region_stats_enable(llpmem_region *r, bool on);    /* 0 or LLPMEM_ENOMEM */
LLPMEMDEF int llpmem_region_stats(const llpmem_region *r, llpmem_stats *out);
LLPMEMDEF void llpmem_region_stats_reset(llpmem_region *r);
/* A copy of the region's latency histogram (out is initialised first; empty while statistics are off):
   any percentile, the bucket counts, a merge of several regions. 0 or LLPMEM_EINVAL. */
LLPMEMDEF int llpmem_region_hist(const llpmem_region *r, llpmem_hist *out);

/* the histogram (llstat.h's calls under this prefix; the thread rules differ: writes are atomic adds) */
LLPMEMDEF int llpmem_hist_init(llpmem_hist *h); /* lay out and zero; 0 or LLPMEM_EINVAL (NULL) */
/* counts index of v: HdrHistogram's counts_index_for with the bucket and sub-bucket folded (shift =
   bucket + unit), llstat_hist_index's arithmetic on this layout's constants; >= LLPMEM_HIST_COUNTS
   exactly when v > top_value. The layout is fixed, so the mask and shifts are immediates and a record
   reads nothing from the header. */
LLPMEM_INLINE uint64_t llpmem_i_hist_index(uint64_t v) {
    uint32_t shift = (63u - LLPMEM_I_HIST_HALF) -
                     (uint32_t)__builtin_clzll((unsigned long long)(v | ((((uint64_t)2 << LLPMEM_I_HIST_HALF) - 1)
                                                                         << LLPMEM_I_HIST_UNIT)));
    return ((uint64_t)shift << LLPMEM_I_HIST_HALF) + (v >> shift) - ((uint64_t)LLPMEM_I_HIST_UNIT << LLPMEM_I_HIST_HALF);
}
LLPMEM_INLINE uint32_t llpmem_hist_index(const llpmem_hist *h, uint64_t v) { /* v <= top_value */
    (void)h;
    return (uint32_t)llpmem_i_hist_index(v);
}
/* record n samples of v from any thread: one relaxed atomic add to the sum (v * n) and one to v's
   counter. false when v was above the range: counted in the last bucket and in llpmem_hist_overflow */
LLPMEM_INLINE bool llpmem_hist_record_n_atomic(llpmem_hist *h, uint64_t v, uint64_t n) {
    uint64_t i = llpmem_i_hist_index(v);
    (void)__atomic_fetch_add(&h->sum, v * n, __ATOMIC_RELAXED);
    if (LLPMEM_LIKELY(i < LLPMEM_HIST_COUNTS)) {
        (void)__atomic_fetch_add(&h->counts[i], n, __ATOMIC_RELAXED);
        return true;
    }
    (void)__atomic_fetch_add(&h->overflow, n, __ATOMIC_RELAXED);
    (void)__atomic_fetch_add(&h->counts[LLPMEM_HIST_COUNTS - 1], n, __ATOMIC_RELAXED);
    return false;
}
LLPMEM_INLINE bool llpmem_hist_record_atomic(llpmem_hist *h, uint64_t v) {
    return llpmem_hist_record_n_atomic(h, v, 1u);
}
/* value at counts index i: the lowest value of that bucket */
LLPMEMDEF uint64_t llpmem_hist_value_at_index(const llpmem_hist *h, uint32_t i);
LLPMEMDEF uint64_t llpmem_hist_lowest_equivalent(const llpmem_hist *h, uint64_t v);
LLPMEMDEF uint64_t llpmem_hist_highest_equivalent(const llpmem_hist *h, uint64_t v);
LLPMEMDEF uint64_t llpmem_hist_count(const llpmem_hist *h);    /* sum of the buckets */
LLPMEMDEF uint64_t llpmem_hist_sum(const llpmem_hist *h);      /* exact sum of the recorded values */
LLPMEMDEF uint64_t llpmem_hist_overflow(const llpmem_hist *h); /* samples above the range */
LLPMEMDEF double llpmem_hist_mean(const llpmem_hist *h);       /* sum / count, 0 when empty */
LLPMEMDEF uint64_t llpmem_hist_min(const llpmem_hist *h);      /* lowest equivalent of the first sample */
LLPMEMDEF uint64_t llpmem_hist_max(const llpmem_hist *h);      /* highest equivalent of the last one */
/* value at percentile pct (0..100): HdrHistogram's getValueAtPercentile; 0 when empty */
LLPMEMDEF uint64_t llpmem_hist_percentile(const llpmem_hist *h, double pct);
LLPMEMDEF void llpmem_hist_reset(llpmem_hist *h);
/* add src into dst bucket by bucket (atomic adds: dst may be recorded into meanwhile). 0 or LLPMEM_EINVAL */
LLPMEMDEF int llpmem_hist_merge(llpmem_hist *dst, const llpmem_hist *src);

/* ---- failure-atomic transactions (undo log in the mapped region) ----
   A log of log_len bytes inside a region holds, for the transaction in flight, a snapshot of every range
   added to it. llpmem_tx_add makes the snapshot durable before it returns, so the caller may then store
   into the range; llpmem_tx_commit makes every added range durable together with the proof that the
   commit reached the medium (one fence up to 4 KiB of ranges); llpmem_tx_abort copies the snapshots
   back. Entries carry a generation number: the next transaction invalidates them with one 8-byte store.
   llpmem_tx_init rolls back a transaction that a crash interrupted (its valid entries are copied back,
   newest first), so after init every range holds either its contents before or after the transaction,
   never a mix. Works on persistent memory (write-back + fence) and on ordinary mappings (msync).
   One llpmem_tx is used by one thread at a time; use one log per thread for concurrent transactions on
   disjoint ranges. */
typedef struct llpmem_tx_range {
    size_t off, len;            /* offset in the region, length */
} llpmem_tx_range;
typedef struct llpmem_tx {      /* caller-owned; fields are private (use the calls) */
    llpmem_region *r;
    unsigned char *log;         /* the log: header line, then entries */
    size_t log_len;
    size_t tail;                /* offset of the next entry in the log */
    uint64_t gen;               /* generation of the transaction in flight (entries carry it) */
    int depth;                  /* nesting of llpmem_tx_begin; 0 = no transaction */
    int pmem;                   /* region is persistent memory (else msync) */
    int stale;                  /* the log still holds the last transaction's entries: new generation first */
    size_t bytes;               /* bytes snapshotted by the transaction in flight */
    llpmem_tx_range *ranges;    /* ranges snapshotted so far, sorted, disjoint (DRAM index) */
    size_t nranges, cap;
    uint64_t commits, aborts, recovered, entries; /* counters since init */
} llpmem_tx;
#define LLPMEM_TX_MIN_LOG 256u  /* smallest log: header line and one entry of up to 128 bytes */
/* Attach tx to the log [log, log+log_len) inside region r (64-byte aligned, a multiple of 64 bytes) and
   recover: a log that was never formatted is formatted; an interrupted transaction is rolled back. 0,
   or LLPMEM_EINVAL (NULL, misaligned or too small a log), LLPMEM_EFAULT (log not inside r), LLPMEM_EBADMSG
   (the log header is corrupt: not a log of this format; nothing is changed), LLPMEM_ENOMEM, -errno. */
LLPMEMDEF int llpmem_tx_init(llpmem_tx *tx, llpmem_region *r, void *log, size_t log_len);
/* Release what init allocated. A transaction still open is left to recovery (as after a crash). */
LLPMEMDEF void llpmem_tx_destroy(llpmem_tx *tx);
/* Start a transaction; inside one, a nested begin only counts (flat nesting: the outermost commit
   commits, any abort aborts the whole). 0 or LLPMEM_EINVAL. */
LLPMEMDEF int llpmem_tx_begin(llpmem_tx *tx);
/* Snapshot [addr, addr+len) before the caller modifies it; parts already added are not logged again
   (nested and overlapping ranges coalesce). len 0: 0 at once. LLPMEM_EINVAL (no transaction, or the range
   overlaps the log), LLPMEM_EFAULT (range not inside the log's region), LLPMEM_ENOSPC (the log is full:
   the range was not added, do not modify it; the transaction stays open), LLPMEM_ENOMEM, -errno. */
LLPMEMDEF int llpmem_tx_add(llpmem_tx *tx, void *addr, size_t len);
/* Make every added range durable, then end the transaction (outermost level). 0, LLPMEM_EINVAL (no
   transaction), -errno from msync (the transaction stays open: retry or abort). */
LLPMEMDEF int llpmem_tx_commit(llpmem_tx *tx);
/* Restore every added range from its snapshot and end the transaction (at any nesting level). 0,
   LLPMEM_EINVAL (no transaction), -errno from msync. */
LLPMEMDEF int llpmem_tx_abort(llpmem_tx *tx);

/* ---- crash simulator (LLPMEM_CRASH_SIM builds) ----
   Each region keeps a durable image that only written-back-and-drained cache lines reach (the file's
   content at open is durable). Every flush call and every drain is one numbered event; the hook runs after
   each one (outside the simulator lock; it must not flush). A crash image is what the medium would hold
   if power failed at that moment. */
#ifdef LLPMEM_CRASH_SIM
#define LLPMEM_SIM_DURABLE 0    /* only drained lines */
#define LLPMEM_SIM_RANDOM 1     /* each dirty line: durable, written-back snapshot or current (seeded) */
#define LLPMEM_SIM_ALL 2        /* every store reached the medium (caches evicted) */
typedef void (*llpmem_sim_hook)(void *ctx, uint64_t event);
LLPMEMDEF void llpmem_sim_set_hook(llpmem_sim_hook fn, void *ctx);
LLPMEMDEF uint64_t llpmem_sim_events(void);
/* Pause (true) or resume recording: while paused, flushes and drains change no simulated state and
   raise no event, so a hook may run recovery code on a scratch region (whose drains would otherwise
   make every region's written-back lines durable) without disturbing what it checks. */
LLPMEMDEF void llpmem_sim_pause(bool paused);
/* Copy the crash image of r (llpmem_len(r) bytes) into out. 0 or LLPMEM_EINVAL. */
LLPMEMDEF int llpmem_sim_crash_image(llpmem_region *r, void *out, unsigned mode, uint64_t seed);
/* Crash and reboot in place: the mapping's memory becomes the crash image, nothing is pending. */
LLPMEMDEF int llpmem_sim_crash(llpmem_region *r, unsigned mode, uint64_t seed);
/* Cache lines whose current content was never written back (differs from the durable image and from any
   pending write-back). Fills up to max offsets (of the 64-byte lines, ascending); returns the count. */
LLPMEMDEF size_t llpmem_sim_unflushed(llpmem_region *r, size_t *offsets, size_t max);
#endif

/* ---- misc ---- */
/* Name of an error code: the LLPMEM_E* codes and the -errno values of the contract's table; "unknown
   error" otherwise. */
LLPMEMDEF const char *llpmem_strerror(int err);
LLPMEMDEF const char *llpmem_version(void);
LLPMEM_INLINE void llpmem_cpu_relax(void) { /* pause / yield hint inside spin loops */
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
                                                   defined(__ARM_ARCH_7A__) || defined(__ARM_ARCH_8A__)))
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLPMEM_H */

/* ======================================================================================================
   IMPLEMENTATION
   ====================================================================================================== */
#if defined(LLPMEM_IMPLEMENTATION) && !defined(LLPMEM_I_IMPLEMENTED)
#define LLPMEM_I_IMPLEMENTED
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#if defined(__linux__)
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#define LLPMEM_I_X86 1
#include <immintrin.h>
#if !defined(LLPMEM_NO_AVX512) && (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5))
#define LLPMEM_I_HAVE_AVX512 1
#endif
#if !defined(LLPMEM_NO_AVX2)
#define LLPMEM_I_HAVE_AVX2 1
#endif
#if !defined(LLPMEM_NO_SSE2)
#define LLPMEM_I_HAVE_SSE2 1
#endif
#if !defined(LLPMEM_NO_MOVDIR64B) && defined(__x86_64__)
#define LLPMEM_I_HAVE_MOVDIR64B 1
#endif
#endif
#if defined(__aarch64__)
#define LLPMEM_I_ARM64 1
#endif

#ifndef LLPMEM_ASSERT
#if defined(LLPMEM_FREESTANDING) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#define LLPMEM_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define LLPMEM_ASSERT(x) assert(x)
#endif
#endif
#if defined(LLPMEM_MALLOC) != defined(LLPMEM_FREE)
#error "llpmem.h: define both LLPMEM_MALLOC and LLPMEM_FREE, or neither"
#endif
#ifndef LLPMEM_MALLOC
#include <stdlib.h>
#define LLPMEM_MALLOC(ctx, size) ((void)(ctx), malloc(size))
#define LLPMEM_FREE(ctx, ptr) ((void)(ctx), free(ptr))
#endif

#ifndef LLPMEM_MAX_REGIONS
#define LLPMEM_MAX_REGIONS 64
#endif

#ifdef MAP_SHARED_VALIDATE
#define LLPMEM_I_MAP_SHARED_VALIDATE MAP_SHARED_VALIDATE
#else
#define LLPMEM_I_MAP_SHARED_VALIDATE 0x03
#endif
#ifdef MAP_SYNC
#define LLPMEM_I_MAP_SYNC MAP_SYNC
#else
#define LLPMEM_I_MAP_SYNC 0x80000
#endif
#ifdef MADV_POPULATE_READ
#define LLPMEM_I_MADV_POPULATE_READ MADV_POPULATE_READ
#else
#define LLPMEM_I_MADV_POPULATE_READ 22
#endif
#ifdef MADV_POPULATE_WRITE
#define LLPMEM_I_MADV_POPULATE_WRITE MADV_POPULATE_WRITE
#else
#define LLPMEM_I_MADV_POPULATE_WRITE 23
#endif
#ifdef AT_EMPTY_PATH
#define LLPMEM_I_AT_EMPTY_PATH AT_EMPTY_PATH
#else
#define LLPMEM_I_AT_EMPTY_PATH 0x1000
#endif
#ifdef MAP_NORESERVE
#define LLPMEM_I_MAP_NORESERVE MAP_NORESERVE
#else
#define LLPMEM_I_MAP_NORESERVE 0
#endif
#ifdef MAP_ANONYMOUS
#define LLPMEM_I_MAP_ANONYMOUS MAP_ANONYMOUS
#else
#define LLPMEM_I_MAP_ANONYMOUS MAP_ANON
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define LLPMEM_I_LINE 64u
#define LLPMEM_I_DEFAULT_NT_THRESHOLD 256u
#define LLPMEM_I_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define LLPMEM_I_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define LLPMEM_I_ADD(p, v) ((void)__atomic_fetch_add((p), (v), __ATOMIC_RELAXED))
#if defined(__GNUC__) || defined(__clang__)
#define LLPMEM_I_NOINLINE __attribute__((noinline))
#else
#define LLPMEM_I_NOINLINE
#endif

typedef struct llpmem_i_stats {
    uint64_t persists, flushes, msyncs, lines, copies, bytes_copied, errors;
    llpmem_hist hist;
} llpmem_i_stats;

struct llpmem_region {
    char *addr;
    size_t len;
    int fd;
    int kind;
    int slot;
    bool is_pmem;
    bool eadr_detected;
    bool owned;           /* we mapped it (munmap at close) */
    bool locked;
    bool readonly;
    llpmem_i_stats *stats; /* atomic pointer; NULL = statistics off */
#ifdef LLPMEM_CRASH_SIM
    unsigned char *sim_durable;
    unsigned char *sim_pending;
    unsigned char *sim_pbits;
    size_t *sim_plist;
    size_t sim_pn, sim_pcap;
#endif
};

typedef struct llpmem_i_slot {
    uintptr_t lo, hi;
    llpmem_region *r;
    int mode;             /* LLPMEM_I_MODE_*: what the fast paths do for this region */
} llpmem_i_slot;

#define LLPMEM_I_MODE_FLUSH 0 /* pmem: write back + fence */
#define LLPMEM_I_MODE_FENCE 1 /* pmem with eADR: fence only */
#define LLPMEM_I_MODE_SLOW 2  /* statistics, msync fallback or crash simulator: the general path */

typedef struct llpmem_i_global {
    int state;            /* 0 uninit, 1 initialising, 2 ready */
    int flush;            /* LLPMEM_FLUSH_* in use */
    int nt;               /* LLPMEM_NT_* in use */
    int force_pmem;       /* -1, 0, 1 */
    int force_eadr;       /* -1, 0, 1 */
    int eadr_all;         /* flushes skipped for llpmem_pmem_* calls */
    size_t nt_threshold;
    unsigned cpu;
    unsigned no_auto;     /* LLPMEM_CPU_* bits excluded from automatic choice */
    size_t page;
    size_t dline;         /* data cache line (write-back stride) */
    int lock;             /* registry spin lock */
    int nslots;           /* high-water mark of used slots */
    int last;             /* last slot hit */
    uint64_t tick_mult;   /* ns = ticks * tick_mult >> 32 */
    llpmem_i_slot slots[LLPMEM_MAX_REGIONS];
#ifdef LLPMEM_CRASH_SIM
    int sim_lock;
    uint64_t sim_events;
    int sim_paused;
    llpmem_sim_hook sim_hook;
    void *sim_ctx;
#endif
} llpmem_i_global;

static llpmem_i_global llpmem_i_g;
#if defined(LLPMEM_I_INLINE_PMEM) && !defined(LLPMEM_STATIC)
int llpmem_i_pmem_op;
#endif

/* tell the inline llpmem_pmem_* paths what to do; called whenever eadr_all or flush changes */
static void llpmem_i_publish_op(void) {
#ifdef LLPMEM_I_INLINE_PMEM
    int op = 3;
    if (LLPMEM_I_LOAD(&llpmem_i_g.eadr_all)) op = 1;
    else if (LLPMEM_I_LOAD(&llpmem_i_g.flush) == LLPMEM_FLUSH_CLWB) op = 2;
    __atomic_store_n(&llpmem_i_pmem_op, op, __ATOMIC_RELAXED);
#endif
}

/* ------------------------------------------------------------------------------------------------------
   CPU detection
   ------------------------------------------------------------------------------------------------------ */
#ifdef LLPMEM_I_X86
static void llpmem_i_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    uint32_t a, b, c, d;
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(sub));
    r[0] = a; r[1] = b; r[2] = c; r[3] = d;
}
static uint64_t llpmem_i_xgetbv(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0u));
    return ((uint64_t)hi << 32) | lo;
}
#endif

static unsigned llpmem_i_detect_cpu(void) {
    unsigned f = 0;
#ifdef LLPMEM_I_X86
    uint32_t r[4], maxleaf;
    uint64_t xcr0 = 0;
    llpmem_i_cpuid(0, 0, r);
    maxleaf = r[0];
    llpmem_i_cpuid(1, 0, r);
    if (r[3] & (1u << 19)) f |= LLPMEM_CPU_CLFLUSH;
    if (r[3] & (1u << 26)) f |= LLPMEM_CPU_SSE2;
    if (r[2] & (1u << 27)) xcr0 = llpmem_i_xgetbv(); /* OSXSAVE */
    if (maxleaf >= 7) {
        uint32_t ecx1 = r[2];
        llpmem_i_cpuid(7, 0, r);
        if (r[1] & (1u << 23)) f |= LLPMEM_CPU_CLFLUSHOPT;
        if (r[1] & (1u << 24)) f |= LLPMEM_CPU_CLWB;
        if ((r[1] & (1u << 5)) && (ecx1 & (1u << 28)) && (xcr0 & 6u) == 6u) f |= LLPMEM_CPU_AVX2;
        if ((r[1] & (1u << 16)) && (xcr0 & 0xe6u) == 0xe6u) f |= LLPMEM_CPU_AVX512;
        if (r[2] & (1u << 28)) f |= LLPMEM_CPU_MOVDIR64B;
    }
#elif defined(LLPMEM_I_ARM64)
    f |= LLPMEM_CPU_DC;
#if defined(__linux__)
    {
        unsigned long hw = getauxval(AT_HWCAP);
        if (hw & (1ul << 16)) f |= LLPMEM_CPU_DCPOP; /* HWCAP_DCPOP */
    }
#endif
#endif
    return f;
}

static int llpmem_i_flush_supported(int kind) {
    unsigned c = llpmem_i_g.cpu;
    switch (kind) {
    case LLPMEM_FLUSH_CLWB: return (c & LLPMEM_CPU_CLWB) != 0;
    case LLPMEM_FLUSH_CLFLUSHOPT: return (c & LLPMEM_CPU_CLFLUSHOPT) != 0;
    case LLPMEM_FLUSH_CLFLUSH: return (c & LLPMEM_CPU_CLFLUSH) != 0;
    case LLPMEM_FLUSH_CVAP: return (c & LLPMEM_CPU_DCPOP) != 0;
    case LLPMEM_FLUSH_CVAC: return (c & LLPMEM_CPU_DC) != 0;
    case LLPMEM_FLUSH_NONE: return 1;
    default: return 0;
    }
}

static int llpmem_i_nt_supported(int kind) {
    unsigned c = llpmem_i_g.cpu;
    switch (kind) {
#ifdef LLPMEM_I_HAVE_AVX512
    case LLPMEM_NT_AVX512: return (c & LLPMEM_CPU_AVX512) != 0;
#endif
#ifdef LLPMEM_I_HAVE_MOVDIR64B
    case LLPMEM_NT_MOVDIR64B: return (c & LLPMEM_CPU_MOVDIR64B) != 0;
#endif
#ifdef LLPMEM_I_HAVE_AVX2
    case LLPMEM_NT_AVX2: return (c & LLPMEM_CPU_AVX2) != 0;
#endif
#ifdef LLPMEM_I_HAVE_SSE2
    case LLPMEM_NT_SSE2: return (c & LLPMEM_CPU_SSE2) != 0;
#endif
    case LLPMEM_NT_NONE: return 1;
    default: (void)c; return 0;
    }
}

static int llpmem_i_auto_flush(void) {
    static const int order[] = {LLPMEM_FLUSH_CLWB, LLPMEM_FLUSH_CLFLUSHOPT, LLPMEM_FLUSH_CLFLUSH,
                                LLPMEM_FLUSH_CVAP, LLPMEM_FLUSH_CVAC};
    size_t i;
    for (i = 0; i < sizeof order / sizeof order[0]; i++)
        if (llpmem_i_flush_supported(order[i])) return order[i];
    return LLPMEM_FLUSH_NONE;
}

static int llpmem_i_auto_nt(void) {
    unsigned no = llpmem_i_g.no_auto;
    if (!(no & LLPMEM_CPU_AVX512) && llpmem_i_nt_supported(LLPMEM_NT_AVX512)) return LLPMEM_NT_AVX512;
    if (!(no & LLPMEM_CPU_MOVDIR64B) && llpmem_i_nt_supported(LLPMEM_NT_MOVDIR64B)) return LLPMEM_NT_MOVDIR64B;
    if (!(no & LLPMEM_CPU_AVX2) && llpmem_i_nt_supported(LLPMEM_NT_AVX2)) return LLPMEM_NT_AVX2;
    if (llpmem_i_nt_supported(LLPMEM_NT_SSE2)) return LLPMEM_NT_SSE2;
    return LLPMEM_NT_NONE;
}

LLPMEM_INLINE uint64_t llpmem_i_now_ns(void) { /* monotonic clock, ns */
#if defined(_WIN32)
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (uint64_t)(c.QuadPart / f.QuadPart) * 1000000000u +
           (uint64_t)(c.QuadPart % f.QuadPart) * 1000000000u / (uint64_t)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

static inline uint64_t llpmem_i_ticks(void) {
#if defined(LLPMEM_I_X86)
    return __builtin_ia32_rdtsc();
#elif defined(LLPMEM_I_ARM64)
    uint64_t v;
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
    return v;
#else
    return llpmem_i_now_ns();
#endif
}

static uint64_t llpmem_i_calibrate(void) {
#if defined(LLPMEM_I_X86)
    uint64_t t0 = llpmem_i_now_ns(), c0 = llpmem_i_ticks(), t1, c1;
    do { t1 = llpmem_i_now_ns(); } while (t1 - t0 < 2000000u);
    c1 = llpmem_i_ticks();
    if (c1 <= c0) return (uint64_t)1 << 32;
    return (uint64_t)(((double)(t1 - t0) / (double)(c1 - c0)) * 4294967296.0);
#elif defined(LLPMEM_I_ARM64)
    uint64_t f;
    __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
    if (!f) return (uint64_t)1 << 32;
    return (uint64_t)(1e9 / (double)f * 4294967296.0);
#else
    return (uint64_t)1 << 32;
#endif
}

static uint64_t llpmem_i_ticks_to_ns(uint64_t t) {
    uint64_t m = LLPMEM_I_LOAD(&llpmem_i_g.tick_mult);
    if (t < ((uint64_t)1 << 31)) return (t * m) >> 32;
    return ((t >> 16) * m) >> 16;
}

static int llpmem_i_streq(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

static int llpmem_i_flush_from_name(const char *s) {
    if (llpmem_i_streq(s, "clwb")) return LLPMEM_FLUSH_CLWB;
    if (llpmem_i_streq(s, "clflushopt")) return LLPMEM_FLUSH_CLFLUSHOPT;
    if (llpmem_i_streq(s, "clflush")) return LLPMEM_FLUSH_CLFLUSH;
    if (llpmem_i_streq(s, "cvap")) return LLPMEM_FLUSH_CVAP;
    if (llpmem_i_streq(s, "cvac")) return LLPMEM_FLUSH_CVAC;
    if (llpmem_i_streq(s, "none")) return LLPMEM_FLUSH_NONE;
    return LLPMEM_FLUSH_AUTO;
}

static int llpmem_i_nt_from_name(const char *s) {
    if (llpmem_i_streq(s, "avx512")) return LLPMEM_NT_AVX512;
    if (llpmem_i_streq(s, "movdir64b")) return LLPMEM_NT_MOVDIR64B;
    if (llpmem_i_streq(s, "avx2")) return LLPMEM_NT_AVX2;
    if (llpmem_i_streq(s, "sse2")) return LLPMEM_NT_SSE2;
    if (llpmem_i_streq(s, "none")) return LLPMEM_NT_NONE;
    return LLPMEM_NT_AUTO;
}

static int llpmem_i_env_flag(const char *name) {
    const char *s = getenv(name);
    if (!s || !*s) return -1;
    return (s[0] == '0' || s[0] == 'n' || s[0] == 'N') ? 0 : 1;
}

static void llpmem_i_spin_lock(int *l) {
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(l, __ATOMIC_RELAXED)) llpmem_cpu_relax();
    }
}
static void llpmem_i_spin_unlock(int *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

static void llpmem_i_init_slow(void) {
    llpmem_i_global *g = &llpmem_i_g;
    const char *s;
    int v, expect = 0;
    if (!__atomic_compare_exchange_n(&g->state, &expect, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&g->state, __ATOMIC_ACQUIRE) != 2) {
        }
        return;
    }
    g->cpu = llpmem_i_detect_cpu();
    {
        long p = sysconf(_SC_PAGESIZE);
        g->page = p > 0 ? (size_t)p : 4096u;
    }
    g->dline = LLPMEM_I_LINE;
#if defined(LLPMEM_I_ARM64)
    {
        uint64_t ctr;
        __asm__ __volatile__("mrs %0, ctr_el0" : "=r"(ctr));
        g->dline = (size_t)4u << ((ctr >> 16) & 15u);
        if (g->dline < 16u) g->dline = 16u;
    }
#endif
    g->no_auto = 0;
    if (llpmem_i_env_flag("LLPMEM_NO_AVX512") == 1) g->no_auto |= LLPMEM_CPU_AVX512;
    if (llpmem_i_env_flag("LLPMEM_NO_AVX2") == 1) g->no_auto |= LLPMEM_CPU_AVX2;
    if (llpmem_i_env_flag("LLPMEM_NO_MOVDIR64B") == 1) g->no_auto |= LLPMEM_CPU_MOVDIR64B;
    g->flush = llpmem_i_auto_flush();
    v = llpmem_i_flush_from_name(getenv("LLPMEM_FORCE_FLUSH"));
    if (v != LLPMEM_FLUSH_AUTO && llpmem_i_flush_supported(v)) g->flush = v;
    g->nt = llpmem_i_auto_nt();
    v = llpmem_i_nt_from_name(getenv("LLPMEM_FORCE_NT"));
    if (v != LLPMEM_NT_AUTO && llpmem_i_nt_supported(v)) g->nt = v;
    if (llpmem_i_env_flag("LLPMEM_NO_NT") == 1) g->nt = LLPMEM_NT_NONE;
    g->nt_threshold = LLPMEM_I_DEFAULT_NT_THRESHOLD;
    s = getenv("LLPMEM_NT_THRESHOLD");
    if (s && *s) g->nt_threshold = (size_t)strtoull(s, NULL, 0);
    g->force_pmem = llpmem_i_env_flag("LLPMEM_FORCE_PMEM");
    g->force_eadr = llpmem_i_env_flag("LLPMEM_FORCE_EADR");
    g->eadr_all = g->force_eadr == 1;
    g->tick_mult = 0;
    llpmem_i_publish_op();
    __atomic_store_n(&g->state, 2, __ATOMIC_RELEASE);
}

static inline void llpmem_i_init(void) {
    if (LLPMEM_UNLIKELY(__atomic_load_n(&llpmem_i_g.state, __ATOMIC_ACQUIRE) != 2)) llpmem_i_init_slow();
}

/* ------------------------------------------------------------------------------------------------------
   Write-back and fence primitives
   ------------------------------------------------------------------------------------------------------ */
static inline void llpmem_i_fence(void) {
#if defined(LLPMEM_I_X86)
    __asm__ __volatile__("sfence" ::: "memory");
#elif defined(LLPMEM_I_ARM64)
    __asm__ __volatile__("dsb sy" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Issue write-backs of every line touching [a, a+n) with instruction kind; returns lines issued. */
static inline size_t llpmem_i_wb(uintptr_t a, size_t n, int kind) {
    uintptr_t p, end = a + n;
    size_t cnt = 0;
    if (!n) return 0;
    switch (kind) {
#if defined(LLPMEM_I_X86)
    case LLPMEM_FLUSH_CLWB:
        for (p = a & ~(uintptr_t)63; p < end; p += 64, cnt++)
            __asm__ __volatile__("clwb %0" : "+m"(*(volatile char *)p) : : "memory");
        break;
    case LLPMEM_FLUSH_CLFLUSHOPT:
        for (p = a & ~(uintptr_t)63; p < end; p += 64, cnt++)
            __asm__ __volatile__("clflushopt %0" : "+m"(*(volatile char *)p) : : "memory");
        break;
    case LLPMEM_FLUSH_CLFLUSH:
        for (p = a & ~(uintptr_t)63; p < end; p += 64, cnt++)
            __asm__ __volatile__("clflush %0" : "+m"(*(volatile char *)p) : : "memory");
        break;
#elif defined(LLPMEM_I_ARM64)
    case LLPMEM_FLUSH_CVAP: {
        uintptr_t l = llpmem_i_g.dline;
        for (p = a & ~(l - 1); p < end; p += l, cnt++)
            __asm__ __volatile__("sys #3, c7, c12, #1, %0" ::"r"(p) : "memory"); /* dc cvap */
        break;
    }
    case LLPMEM_FLUSH_CVAC: {
        uintptr_t l = llpmem_i_g.dline;
        for (p = a & ~(l - 1); p < end; p += l, cnt++)
            __asm__ __volatile__("dc cvac, %0" ::"r"(p) : "memory");
        break;
    }
#endif
    default:
        (void)p; (void)end;
        break;
    }
    return cnt;
}

/* ------------------------------------------------------------------------------------------------------
   Registry
   ------------------------------------------------------------------------------------------------------ */
/* slot holding [addr, addr+len), or -1 */
static inline int llpmem_i_find_slot(const void *addr, size_t len) {
    llpmem_i_global *g = &llpmem_i_g;
    uintptr_t a = (uintptr_t)addr, lo, hi;
    int i = LLPMEM_I_LOAD(&g->last), n;
    hi = __atomic_load_n(&g->slots[i].hi, __ATOMIC_ACQUIRE);
    lo = LLPMEM_I_LOAD(&g->slots[i].lo);
    if (LLPMEM_LIKELY(a >= lo && a < hi && len <= hi - a)) return i;
    n = __atomic_load_n(&g->nslots, __ATOMIC_ACQUIRE);
    for (i = 0; i < n; i++) {
        hi = __atomic_load_n(&g->slots[i].hi, __ATOMIC_ACQUIRE);
        lo = LLPMEM_I_LOAD(&g->slots[i].lo);
        if (a >= lo && a < hi && len <= hi - a) {
            LLPMEM_I_STORE(&g->last, i);
            return i;
        }
    }
    return -1;
}

static inline llpmem_region *llpmem_i_find_range(const void *addr, size_t len) {
    int i = llpmem_i_find_slot(addr, len);
    return i < 0 ? (llpmem_region *)NULL : __atomic_load_n(&llpmem_i_g.slots[i].r, __ATOMIC_ACQUIRE);
}

static inline bool llpmem_i_region_eadr(const llpmem_region *r) {
    int f = LLPMEM_I_LOAD(&llpmem_i_g.force_eadr);
    return f == 1 || (f < 0 && r->eadr_detected);
}

static int llpmem_i_mode_of(const llpmem_region *r) {
#ifdef LLPMEM_CRASH_SIM
    (void)r;
    return LLPMEM_I_MODE_SLOW;
#else
    if (!r->is_pmem || __atomic_load_n(&r->stats, __ATOMIC_ACQUIRE)) return LLPMEM_I_MODE_SLOW;
    return llpmem_i_region_eadr(r) ? LLPMEM_I_MODE_FENCE : LLPMEM_I_MODE_FLUSH;
#endif
}

/* recompute every slot's mode (after llpmem_force_eadr or llpmem_stats_enable) */
static void llpmem_i_refresh_modes(void) {
    llpmem_i_global *g = &llpmem_i_g;
    int i;
    llpmem_i_spin_lock(&g->lock);
    for (i = 0; i < g->nslots; i++)
        if (g->slots[i].r) LLPMEM_I_STORE(&g->slots[i].mode, llpmem_i_mode_of(g->slots[i].r));
    llpmem_i_spin_unlock(&g->lock);
}

static int llpmem_i_register(llpmem_region *r) {
    llpmem_i_global *g = &llpmem_i_g;
    int i, slot = -1;
    uintptr_t lo = (uintptr_t)r->addr, hi = lo + r->len;
    llpmem_i_spin_lock(&g->lock);
    for (i = 0; i < g->nslots; i++) {
        llpmem_region *o = g->slots[i].r;
        if (!o) {
            if (slot < 0) slot = i;
            continue;
        }
        if (lo < (uintptr_t)o->addr + o->len && (uintptr_t)o->addr < hi) {
            llpmem_i_spin_unlock(&g->lock);
            return LLPMEM_EINVAL; /* overlaps a registered region */
        }
    }
    if (slot < 0) {
        if (g->nslots >= LLPMEM_MAX_REGIONS) {
            llpmem_i_spin_unlock(&g->lock);
            return LLPMEM_ENOSPC;
        }
        slot = g->nslots;
    }
    /* release: whoever loads the pointer with acquire sees the region fully initialised */
    __atomic_store_n(&g->slots[slot].r, r, __ATOMIC_RELEASE);
    LLPMEM_I_STORE(&g->slots[slot].mode, llpmem_i_mode_of(r));
    __atomic_thread_fence(__ATOMIC_RELEASE);
    LLPMEM_I_STORE(&g->slots[slot].lo, lo);
    __atomic_store_n(&g->slots[slot].hi, hi, __ATOMIC_RELEASE);
    if (slot == g->nslots) __atomic_store_n(&g->nslots, slot + 1, __ATOMIC_RELEASE);
    r->slot = slot;
    llpmem_i_spin_unlock(&g->lock);
    return 0;
}

static void llpmem_i_unregister(llpmem_region *r) {
    llpmem_i_global *g = &llpmem_i_g;
    int s = r->slot;
    llpmem_i_spin_lock(&g->lock);
#ifdef LLPMEM_CRASH_SIM
    /* the simulator walks every slot under sim_lock: once this returns none of it still holds r */
    llpmem_i_spin_lock(&g->sim_lock);
#endif
    LLPMEM_I_STORE(&g->slots[s].hi, (uintptr_t)0);
    LLPMEM_I_STORE(&g->slots[s].lo, (uintptr_t)0);
    __atomic_store_n(&g->slots[s].r, (llpmem_region *)NULL, __ATOMIC_RELEASE);
#ifdef LLPMEM_CRASH_SIM
    llpmem_i_spin_unlock(&g->sim_lock);
#endif
    llpmem_i_spin_unlock(&g->lock);
}

/* ------------------------------------------------------------------------------------------------------
   Crash simulator internals
   ------------------------------------------------------------------------------------------------------ */
#ifdef LLPMEM_CRASH_SIM
static void llpmem_i_sim_event(void) {
    llpmem_sim_hook fn;
    void *ctx;
    uint64_t ev;
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    ev = ++llpmem_i_g.sim_events;
    fn = llpmem_i_g.sim_hook;
    ctx = llpmem_i_g.sim_ctx;
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
    if (fn) fn(ctx, ev);
}

static int llpmem_i_sim_setup(llpmem_region *r) {
    size_t lines = (r->len + 63u) / 64u;
    r->sim_durable = (unsigned char *)LLPMEM_MALLOC(NULL, r->len ? r->len : 1u);
    r->sim_pending = (unsigned char *)LLPMEM_MALLOC(NULL, r->len ? r->len : 1u);
    r->sim_pbits = (unsigned char *)LLPMEM_MALLOC(NULL, lines / 8u + 1u);
    r->sim_plist = NULL;
    r->sim_pn = r->sim_pcap = 0;
    if (!r->sim_durable || !r->sim_pending || !r->sim_pbits) return LLPMEM_ENOMEM;
    memcpy(r->sim_durable, r->addr, r->len);
    memset(r->sim_pbits, 0, lines / 8u + 1u);
    return 0;
}

static void llpmem_i_sim_free(llpmem_region *r) {
    if (r->sim_durable) LLPMEM_FREE(NULL, r->sim_durable);
    if (r->sim_pending) LLPMEM_FREE(NULL, r->sim_pending);
    if (r->sim_pbits) LLPMEM_FREE(NULL, r->sim_pbits);
    if (r->sim_plist) LLPMEM_FREE(NULL, r->sim_plist);
}

/* snapshot the lines of [a, a+n) as written back (pending until drain); lock held */
static void llpmem_i_sim_wb_locked(llpmem_region *r, uintptr_t a, size_t n) {
    size_t off, end, l;
    if (!n || !r->sim_durable) return;
    off = (size_t)(a - (uintptr_t)r->addr) & ~(size_t)63;
    end = (size_t)(a - (uintptr_t)r->addr) + n;
    for (; off < end; off += 64) {
        size_t ln = 64u;
        if (off + ln > r->len) ln = r->len - off;
        memcpy(r->sim_pending + off, r->addr + off, ln);
        l = off / 64u;
        if (!(r->sim_pbits[l / 8u] & (1u << (l % 8u)))) {
            if (r->sim_pn == r->sim_pcap) {
                size_t nc = r->sim_pcap ? r->sim_pcap * 2u : 64u;
                size_t *np = (size_t *)LLPMEM_MALLOC(NULL, nc * sizeof(size_t));
                if (!np) continue; /* out of memory: line stays dirty (conservative) */
                if (r->sim_plist) {
                    memcpy(np, r->sim_plist, r->sim_pn * sizeof(size_t));
                    LLPMEM_FREE(NULL, r->sim_plist);
                }
                r->sim_plist = np;
                r->sim_pcap = nc;
            }
            r->sim_pbits[l / 8u] = (unsigned char)(r->sim_pbits[l / 8u] | (1u << (l % 8u)));
            r->sim_plist[r->sim_pn++] = l;
        }
    }
}

static void llpmem_i_sim_commit_locked(llpmem_region *r) {
    size_t i;
    if (!r->sim_durable) return;
    for (i = 0; i < r->sim_pn; i++) {
        size_t l = r->sim_plist[i], off = l * 64u, ln = 64u;
        if (off + ln > r->len) ln = r->len - off;
        memcpy(r->sim_durable + off, r->sim_pending + off, ln);
        r->sim_pbits[l / 8u] = (unsigned char)(r->sim_pbits[l / 8u] & ~(1u << (l % 8u)));
    }
    r->sim_pn = 0;
}

static void llpmem_i_sim_wb(const void *addr, size_t n) {
    llpmem_region *r;
    if (__atomic_load_n(&llpmem_i_g.sim_paused, __ATOMIC_ACQUIRE)) return;
    /* look the region up under the lock that unregistering takes: it cannot be freed under us */
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    r = llpmem_i_find_range(addr, n ? n : 1u);
    if (r) llpmem_i_sim_wb_locked(r, (uintptr_t)addr, n);
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
    if (!r) return;
    llpmem_i_sim_event();
}

static void llpmem_i_sim_drain(void) {
    int i, n = __atomic_load_n(&llpmem_i_g.nslots, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&llpmem_i_g.sim_paused, __ATOMIC_ACQUIRE)) return;
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    for (i = 0; i < n; i++) {
        llpmem_region *r = __atomic_load_n(&llpmem_i_g.slots[i].r, __ATOMIC_ACQUIRE);
        if (r) llpmem_i_sim_commit_locked(r);
    }
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
    llpmem_i_sim_event();
}

/* msync fallback: write-back and drain of this range at once */
static void llpmem_i_sim_sync(llpmem_region *r, const void *addr, size_t n) {
    if (__atomic_load_n(&llpmem_i_g.sim_paused, __ATOMIC_ACQUIRE)) return;
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    llpmem_i_sim_wb_locked(r, (uintptr_t)addr, n);
    llpmem_i_sim_commit_locked(r);
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
    llpmem_i_sim_event();
}
#define LLPMEM_I_SIM_WB(a, n) llpmem_i_sim_wb((a), (n))
#define LLPMEM_I_SIM_DRAIN() llpmem_i_sim_drain()
#else
#define LLPMEM_I_SIM_WB(a, n) ((void)0)
#define LLPMEM_I_SIM_DRAIN() ((void)0)
#endif

/* ------------------------------------------------------------------------------------------------------
   Mapping
   ------------------------------------------------------------------------------------------------------ */
static llpmem_region *llpmem_i_region_new(void) {
    llpmem_region *r = (llpmem_region *)LLPMEM_MALLOC(NULL, sizeof(llpmem_region));
    if (r) {
        memset(r, 0, sizeof *r);
        r->fd = -1;
        r->slot = -1;
    }
    return r;
}

static int llpmem_i_read_sysfs(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    if (fd < 0) return -errno;
    n = read(fd, buf, cap - 1u);
    close(fd);
    if (n < 0) return LLPMEM_EINVAL;
    buf[n] = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
    return 0;
}

/* walk up from a sysfs device directory looking for the nd region's persistence_domain */
static bool llpmem_i_sysfs_eadr(const char *devdir) {
#if defined(__linux__)
    char path[4096], buf[64], *slash;
    if (!realpath(devdir, path)) return false;
    for (;;) {
        size_t l = strlen(path);
        if (l + 20u >= sizeof path) return false;
        memcpy(path + l, "/persistence_domain", 20);
        if (llpmem_i_read_sysfs(path, buf, sizeof buf) == 0) return strcmp(buf, "cpu_cache") == 0;
        path[l] = 0;
        slash = strrchr(path, '/');
        if (!slash || slash == path) return false;
        *slash = 0;
    }
#else
    (void)devdir;
    return false;
#endif
}

#if defined(__linux__)
/* is st a device DAX node? fills size and alignment from sysfs */
static bool llpmem_i_devdax(const struct stat *st, size_t *size, size_t *align, bool *eadr) {
    char path[256], buf[256], link[4096];
    unsigned ma = major(st->st_rdev), mi = minor(st->st_rdev);
    ssize_t n;
    if (!S_ISCHR(st->st_mode)) return false;
    snprintf(path, sizeof path, "/sys/dev/char/%u:%u/subsystem", ma, mi);
    n = readlink(path, link, sizeof link - 1u);
    if (n < 0) return false;
    link[n] = 0;
    {
        const char *b = strrchr(link, '/');
        b = b ? b + 1 : link;
        if (strcmp(b, "dax") != 0) return false;
    }
    snprintf(path, sizeof path, "/sys/dev/char/%u:%u/size", ma, mi);
    if (llpmem_i_read_sysfs(path, buf, sizeof buf) != 0) return false;
    *size = (size_t)strtoull(buf, NULL, 0);
    *align = (size_t)2 << 20;
    snprintf(path, sizeof path, "/sys/dev/char/%u:%u/device/align", ma, mi);
    if (llpmem_i_read_sysfs(path, buf, sizeof buf) == 0) {
        size_t a = (size_t)strtoull(buf, NULL, 0);
        if (a && !(a & (a - 1u))) *align = a;
    }
    snprintf(path, sizeof path, "/sys/dev/char/%u:%u/device", ma, mi);
    *eadr = llpmem_i_sysfs_eadr(path);
    return true;
}

/* MAP_SYNC was accepted: cross-check (emulators such as qemu-user drop unknown mmap flags silently) */
static bool llpmem_i_dax_plausible(int fd) {
    struct statfs sf;
    if (fstatfs(fd, &sf) == 0) {
        uint32_t t = (uint32_t)sf.f_type;
        if (t == 0x01021994u /* tmpfs */ || t == 0x858458f6u /* ramfs */) return false;
    }
#ifdef SYS_statx
    {
        uint64_t sx[32]; /* struct statx: stx_attributes at 8, stx_attributes_mask at 56 */
        memset(sx, 0, sizeof sx);
        if (syscall(SYS_statx, fd, "", LLPMEM_I_AT_EMPTY_PATH, 0x7ffu, sx) == 0) {
            const uint64_t dax = 0x200000u; /* STATX_ATTR_DAX */
            if ((sx[7] & dax) && !(sx[1] & dax)) return false;
        }
    }
#endif
    return true;
}

static bool llpmem_i_fsdax_eadr(const struct stat *st) {
    char path[256];
    snprintf(path, sizeof path, "/sys/dev/block/%u:%u", major(st->st_dev), minor(st->st_dev));
    return llpmem_i_sysfs_eadr(path);
}
#endif

/* mmap with the start aligned to align (a power of two >= page) when len is large enough */
static void *llpmem_i_mmap_aligned(size_t len, int prot, int flags, int fd, size_t align) {
    void *res;
    if (align > llpmem_i_g.page && len >= align) {
        size_t rlen = len + align;
        char *base = (char *)mmap(NULL, rlen, PROT_NONE, MAP_PRIVATE | LLPMEM_I_MAP_ANONYMOUS | LLPMEM_I_MAP_NORESERVE, -1, 0);
        if (base != (char *)MAP_FAILED) {
            char *al = (char *)(((uintptr_t)base + align - 1u) & ~(uintptr_t)(align - 1u));
            res = mmap(al, len, prot, flags | MAP_FIXED, fd, 0);
            if (res == MAP_FAILED) {
                int e = errno;
                munmap(base, rlen);
                errno = e;
                return MAP_FAILED;
            }
            if (al > base) munmap(base, (size_t)(al - base));
            if (base + rlen > al + len) munmap(al + len, (size_t)(base + rlen - (al + len)));
            return res;
        }
    }
    return mmap(NULL, len, prot, flags, fd, 0);
}

/* emulators may accept MADV_POPULATE_WRITE and do nothing: check the first page really is resident */
static bool llpmem_i_resident(void *addr, size_t pg) {
    unsigned char v = 0;
    if (mincore(addr, pg, &v) != 0) return true; /* cannot tell: trust madvise */
    return (v & 1u) != 0;
}

LLPMEMDEF int llpmem_prewarm(llpmem_region *r, bool lock) {
    size_t pg, off;
    if (!r) return LLPMEM_EINVAL;
    llpmem_i_init();
    pg = llpmem_i_g.page;
    if (madvise(r->addr, r->len, r->readonly ? LLPMEM_I_MADV_POPULATE_READ : LLPMEM_I_MADV_POPULATE_WRITE) != 0 ||
        !llpmem_i_resident(r->addr, pg)) {
        /* older kernel: touch every page (for writing: with a store that changes nothing) */
        for (off = 0; off < r->len; off += pg) {
            if (r->readonly) (void)*(volatile unsigned char *)(r->addr + off);
            else (void)__atomic_fetch_or((unsigned char *)r->addr + off, (unsigned char)0, __ATOMIC_RELAXED);
        }
    }
    if (lock && !r->locked) {
        if (mlock(r->addr, r->len) != 0) return -errno;
        r->locked = true;
    }
    return 0;
}

static int llpmem_i_finish_region(llpmem_region *r, unsigned flags) {
    int rc;
    if (flags & LLPMEM_STATS) {
        rc = llpmem_region_stats_enable(r, true);
        if (rc) return rc;
    }
#ifdef LLPMEM_CRASH_SIM
    rc = llpmem_i_sim_setup(r);
    if (rc) return rc;
#endif
    rc = llpmem_i_register(r);
    if (rc) return rc;
    if (r->is_pmem && r->eadr_detected && llpmem_i_g.force_eadr < 0) {
        LLPMEM_I_STORE(&llpmem_i_g.eadr_all, 1);
        llpmem_i_publish_op();
    }
    if (flags & (LLPMEM_PREWARM | LLPMEM_LOCK)) {
        rc = llpmem_prewarm(r, (flags & LLPMEM_LOCK) != 0);
        if (rc) {
            llpmem_i_unregister(r);
            return rc;
        }
    }
    return 0;
}

static void llpmem_i_region_free(llpmem_region *r) {
    if (r->stats) LLPMEM_FREE(NULL, r->stats);
#ifdef LLPMEM_CRASH_SIM
    llpmem_i_sim_free(r);
#endif
    LLPMEM_FREE(NULL, r);
}

LLPMEMDEF int llpmem_open(const char *path, size_t len, unsigned flags, unsigned mode, llpmem_region **out) {
    llpmem_region *r;
    struct stat st;
    int fd, oflags, prot, rc, e;
    size_t align = 0, devsize = 0;
    bool devdax = false, eadr = false;
    void *p;
    if (!path || !out) return LLPMEM_EINVAL;
    *out = NULL;
    llpmem_i_init();
    oflags = ((flags & LLPMEM_READONLY) ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    if (flags & LLPMEM_CREATE) oflags |= O_CREAT;
    if (flags & LLPMEM_CREATE_EXCL) flags |= LLPMEM_CREATE;
    if (flags & LLPMEM_CREATE_EXCL) oflags |= O_CREAT | O_EXCL;
    fd = open(path, oflags, (mode_t)(mode ? mode : 0644u));
    if (fd < 0) return -errno;
    if (fstat(fd, &st) != 0) {
        e = -errno;
        close(fd);
        return e;
    }
#if defined(__linux__)
    devdax = llpmem_i_devdax(&st, &devsize, &align, &eadr);
#endif
    if (devdax) {
        if (!len) len = devsize;
        if (len > devsize || (align && len % align)) {
            close(fd);
            return LLPMEM_EINVAL;
        }
    } else if (S_ISREG(st.st_mode)) {
        if (!len) len = (size_t)st.st_size;
        if ((uint64_t)st.st_size < (uint64_t)len) {
            if (!(flags & LLPMEM_CREATE)) {
                close(fd);
                return LLPMEM_EINVAL;
            }
            rc = posix_fallocate(fd, 0, (off_t)len);
            if (rc != 0 && ftruncate(fd, (off_t)len) != 0) {
                e = -errno;
                close(fd);
                return e;
            }
        }
        align = (size_t)2 << 20;
    } else {
        close(fd);
        return LLPMEM_EINVAL;
    }
    if (!len) {
        close(fd);
        return LLPMEM_EINVAL;
    }
    r = llpmem_i_region_new();
    if (!r) {
        close(fd);
        return LLPMEM_ENOMEM;
    }
    prot = (flags & LLPMEM_READONLY) ? PROT_READ : (PROT_READ | PROT_WRITE);
    r->kind = LLPMEM_KIND_FILE;
    if (devdax) {
        p = llpmem_i_mmap_aligned(len, prot, MAP_SHARED, fd, align);
        r->kind = LLPMEM_KIND_DEVDAX;
    } else {
        p = MAP_FAILED;
        if (!(flags & (LLPMEM_NO_SYNC | LLPMEM_READONLY))) {
            p = llpmem_i_mmap_aligned(len, prot, LLPMEM_I_MAP_SHARED_VALIDATE | LLPMEM_I_MAP_SYNC, fd, align);
            if (p != MAP_FAILED) {
                r->kind = LLPMEM_KIND_FSDAX;
#if defined(__linux__)
                if (!llpmem_i_dax_plausible(fd)) r->kind = LLPMEM_KIND_FILE;
                else eadr = llpmem_i_fsdax_eadr(&st);
#endif
            }
        }
        if (p == MAP_FAILED) p = llpmem_i_mmap_aligned(len, prot, MAP_SHARED, fd, align);
    }
    if (p == MAP_FAILED) {
        e = -errno;
        close(fd);
        LLPMEM_FREE(NULL, r);
        return e;
    }
    r->addr = (char *)p;
    r->len = len;
    r->fd = fd;
    r->owned = true;
    r->readonly = (flags & LLPMEM_READONLY) != 0;
    r->is_pmem = r->kind != LLPMEM_KIND_FILE;
    r->eadr_detected = r->is_pmem && eadr;
    if ((flags & LLPMEM_FORCE) || llpmem_i_g.force_pmem == 1) {
        if (!r->is_pmem) r->kind = LLPMEM_KIND_FORCED;
        r->is_pmem = true;
    } else if (llpmem_i_g.force_pmem == 0) {
        r->is_pmem = false;
    }
    rc = llpmem_i_finish_region(r, flags);
    if (rc) {
        munmap(r->addr, r->len);
        close(fd);
        llpmem_i_region_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

LLPMEMDEF int llpmem_attach(void *addr, size_t len, unsigned flags, llpmem_region **out) {
    llpmem_region *r;
    int rc;
    if (!addr || !len || !out) return LLPMEM_EINVAL;
    *out = NULL;
    llpmem_i_init();
    r = llpmem_i_region_new();
    if (!r) return LLPMEM_ENOMEM;
    r->addr = (char *)addr;
    r->len = len;
    r->owned = false;
    r->is_pmem = (flags & (LLPMEM_PMEM | LLPMEM_FORCE)) != 0 || llpmem_i_g.force_pmem == 1;
    if (llpmem_i_g.force_pmem == 0 && !(flags & LLPMEM_FORCE)) r->is_pmem = false;
    r->kind = r->is_pmem ? ((flags & LLPMEM_PMEM) ? LLPMEM_KIND_FSDAX : LLPMEM_KIND_FORCED) : LLPMEM_KIND_MEMORY;
    rc = llpmem_i_finish_region(r, flags);
    if (rc) {
        llpmem_i_region_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

LLPMEMDEF int llpmem_close(llpmem_region *r) {
    int rc = 0;
    if (!r) return LLPMEM_EINVAL;
    llpmem_i_unregister(r);
    if (r->owned) {
        if (munmap(r->addr, r->len) != 0) rc = -errno;
        if (r->fd >= 0) close(r->fd);
    } else if (r->locked) {
        munlock(r->addr, r->len);
    }
    llpmem_i_region_free(r);
    return rc;
}

LLPMEMDEF void *llpmem_addr(const llpmem_region *r) { return r ? r->addr : NULL; }
LLPMEMDEF size_t llpmem_len(const llpmem_region *r) { return r ? r->len : 0; }
LLPMEMDEF bool llpmem_region_is_pmem(const llpmem_region *r) { return r && r->is_pmem; }
LLPMEMDEF int llpmem_region_kind(const llpmem_region *r) { return r ? r->kind : LLPMEM_EINVAL; }

LLPMEMDEF bool llpmem_region_eadr(const llpmem_region *r) {
    llpmem_i_init();
    return r && r->is_pmem && llpmem_i_region_eadr(r);
}

LLPMEMDEF const char *llpmem_kind_name(int kind) {
    switch (kind) {
    case LLPMEM_KIND_FILE: return "file";
    case LLPMEM_KIND_FSDAX: return "fsdax";
    case LLPMEM_KIND_DEVDAX: return "devdax";
    case LLPMEM_KIND_FORCED: return "forced";
    case LLPMEM_KIND_MEMORY: return "memory";
    default: return "?";
    }
}

LLPMEMDEF llpmem_region *llpmem_find(const void *addr) {
    llpmem_i_init();
    return llpmem_i_find_range(addr, 1);
}

LLPMEMDEF int llpmem_is_pmem(const void *addr, size_t len) {
    llpmem_region *r;
    llpmem_i_init();
    r = llpmem_i_find_range(addr, len);
    if (!r) return LLPMEM_EFAULT;
    return r->is_pmem ? 1 : 0;
}

/* ------------------------------------------------------------------------------------------------------
   Flushing
   ------------------------------------------------------------------------------------------------------ */
LLPMEMDEF int llpmem_msync(const void *addr, size_t len) {
    uintptr_t a, e;
    size_t pg;
    if (!len) return 0;
    llpmem_i_init();
    pg = llpmem_i_g.page;
    a = (uintptr_t)addr & ~(uintptr_t)(pg - 1u);
    e = (uintptr_t)addr + len;
    e = (e + pg - 1u) & ~(uintptr_t)(pg - 1u);
    if (msync((void *)a, (size_t)(e - a), MS_SYNC) != 0) return -errno;
    return 0;
}

static int llpmem_i_region_msync(llpmem_region *r, const void *addr, size_t len) {
    int rc = llpmem_msync(addr, len);
    llpmem_i_stats *s = r->stats;
    if (s) {
        LLPMEM_I_ADD(&s->msyncs, 1u);
        if (rc) LLPMEM_I_ADD(&s->errors, 1u);
    }
#ifdef LLPMEM_CRASH_SIM
    if (!rc) llpmem_i_sim_sync(r, addr, len);
#endif
    return rc;
}

static inline size_t llpmem_i_wb_counted(llpmem_region *r, const void *addr, size_t len) {
    size_t lines = 0;
    if (!llpmem_i_region_eadr(r)) lines = llpmem_i_wb((uintptr_t)addr, len, LLPMEM_I_LOAD(&llpmem_i_g.flush));
    LLPMEM_I_SIM_WB(addr, len);
    return lines;
}

LLPMEM_I_NOINLINE static int llpmem_i_persist_slow(llpmem_region *r, const void *addr, size_t len, bool drain) {
    llpmem_i_stats *s;
    uint64_t t0 = 0;
    int rc = 0;
    if (LLPMEM_UNLIKELY(!r)) return LLPMEM_EFAULT; /* closed under our feet */
    s = __atomic_load_n(&r->stats, __ATOMIC_ACQUIRE);
    if (s && drain) t0 = llpmem_i_ticks();
    if (!r->is_pmem) {
        rc = llpmem_i_region_msync(r, addr, len);
    } else {
        size_t lines = llpmem_i_wb_counted(r, addr, len);
        if (s) LLPMEM_I_ADD(&s->lines, (uint64_t)lines);
        if (drain) {
            llpmem_i_fence();
            LLPMEM_I_SIM_DRAIN();
        }
    }
    if (s) {
        if (drain) {
            LLPMEM_I_ADD(&s->persists, 1u);
            (void)llpmem_hist_record_atomic(&s->hist, llpmem_i_ticks_to_ns(llpmem_i_ticks() - t0));
        } else {
            LLPMEM_I_ADD(&s->flushes, 1u);
        }
    }
    return rc;
}

LLPMEMDEF int llpmem_persist(const void *addr, size_t len) {
    /* no init check needed: a region exists only after initialisation */
    int i, m;
    if (LLPMEM_UNLIKELY(!len)) return 0;
    i = llpmem_i_find_slot(addr, len);
    if (LLPMEM_UNLIKELY(i < 0)) return LLPMEM_EFAULT;
    m = LLPMEM_I_LOAD(&llpmem_i_g.slots[i].mode);
    if (LLPMEM_LIKELY(m == LLPMEM_I_MODE_FLUSH)) {
        llpmem_i_wb((uintptr_t)addr, len, LLPMEM_I_LOAD(&llpmem_i_g.flush));
        llpmem_i_fence();
        return 0;
    }
    if (m == LLPMEM_I_MODE_FENCE) {
        llpmem_i_fence();
        return 0;
    }
    return llpmem_i_persist_slow(__atomic_load_n(&llpmem_i_g.slots[i].r, __ATOMIC_ACQUIRE), addr, len, true);
}

LLPMEMDEF int llpmem_flush(const void *addr, size_t len) {
    int i, m;
    if (LLPMEM_UNLIKELY(!len)) return 0;
    i = llpmem_i_find_slot(addr, len);
    if (LLPMEM_UNLIKELY(i < 0)) return LLPMEM_EFAULT;
    m = LLPMEM_I_LOAD(&llpmem_i_g.slots[i].mode);
    if (LLPMEM_LIKELY(m == LLPMEM_I_MODE_FLUSH)) {
        llpmem_i_wb((uintptr_t)addr, len, LLPMEM_I_LOAD(&llpmem_i_g.flush));
        return 0;
    }
    if (m == LLPMEM_I_MODE_FENCE) return 0;
    return llpmem_i_persist_slow(__atomic_load_n(&llpmem_i_g.slots[i].r, __ATOMIC_ACQUIRE), addr, len, false);
}

LLPMEMDEF void llpmem_drain(void) {
    llpmem_i_fence();
    LLPMEM_I_SIM_DRAIN();
}

/* write-back for the llpmem_pmem_* calls: nothing when every region's caches are persistent */
static inline void llpmem_i_pmem_wb(const void *addr, size_t len) {
    llpmem_i_init();
    if (!LLPMEM_I_LOAD(&llpmem_i_g.eadr_all)) llpmem_i_wb((uintptr_t)addr, len, LLPMEM_I_LOAD(&llpmem_i_g.flush));
}
#ifdef LLPMEM_I_INLINE_PMEM
/* the inline llpmem_pmem_flush's way in when it meets anything but clwb or eADR */
LLPMEM_I_NOINLINE LLPMEMDEF void llpmem_i_pmem_flush_call(const void *addr, size_t len) {
    llpmem_i_pmem_wb(addr, len);
}
#else
LLPMEMDEF void llpmem_pmem_flush(const void *addr, size_t len) {
    if (!len) return;
    llpmem_i_pmem_wb(addr, len);
    LLPMEM_I_SIM_WB(addr, len);
}

LLPMEMDEF void llpmem_pmem_persist(const void *addr, size_t len) {
    if (!len) return;
    llpmem_pmem_flush(addr, len);
    llpmem_i_fence();
    LLPMEM_I_SIM_DRAIN();
}
#endif

/* ------------------------------------------------------------------------------------------------------
   Non-temporal bulk paths: d is 64-byte aligned, `lines` whole lines. fwd = ascending, bwd = descending.
   Each chunk loads before it stores, so overlapping moves are safe in the matching direction.
   ------------------------------------------------------------------------------------------------------ */
#ifdef LLPMEM_I_HAVE_AVX512
__attribute__((target("avx512f"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_fwd_avx512(char *d, const char *s, size_t lines) {
    /* one line at a time, load then store: measured as fast as any unrolling on Zen 4 (the stores are
       bound by the write-combining buffers, not by the loop) and safe for d <= s overlaps */
    while (lines >= 4) {
        _mm512_stream_si512((__m512i *)d, _mm512_loadu_si512((const void *)s));
        _mm512_stream_si512((__m512i *)(d + 64), _mm512_loadu_si512((const void *)(s + 64)));
        _mm512_stream_si512((__m512i *)(d + 128), _mm512_loadu_si512((const void *)(s + 128)));
        _mm512_stream_si512((__m512i *)(d + 192), _mm512_loadu_si512((const void *)(s + 192)));
        d += 256; s += 256; lines -= 4;
    }
    while (lines--) {
        _mm512_stream_si512((__m512i *)d, _mm512_loadu_si512((const void *)s));
        d += 64; s += 64;
    }
}
__attribute__((target("avx512f"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_bwd_avx512(char *d, const char *s, size_t lines) {
    d += lines * 64u; s += lines * 64u;
    while (lines >= 4) {
        __m512i a, b, c, e;
        d -= 256; s -= 256; lines -= 4;
        a = _mm512_loadu_si512((const void *)s); b = _mm512_loadu_si512((const void *)(s + 64));
        c = _mm512_loadu_si512((const void *)(s + 128)); e = _mm512_loadu_si512((const void *)(s + 192));
        _mm512_stream_si512((__m512i *)(d + 192), e);
        _mm512_stream_si512((__m512i *)(d + 128), c);
        _mm512_stream_si512((__m512i *)(d + 64), b);
        _mm512_stream_si512((__m512i *)d, a);
    }
    while (lines--) {
        d -= 64; s -= 64;
        _mm512_stream_si512((__m512i *)d, _mm512_loadu_si512((const void *)s));
    }
}
__attribute__((target("avx512f"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_set_avx512(char *d, int c, size_t lines) {
    __m512i v = _mm512_set1_epi32((int)(0x01010101u * (unsigned)(unsigned char)c));
    while (lines >= 4) {
        _mm512_stream_si512((__m512i *)d, v);
        _mm512_stream_si512((__m512i *)(d + 64), v);
        _mm512_stream_si512((__m512i *)(d + 128), v);
        _mm512_stream_si512((__m512i *)(d + 192), v);
        d += 256; lines -= 4;
    }
    while (lines--) {
        _mm512_stream_si512((__m512i *)d, v);
        d += 64;
    }
}
#endif

#ifdef LLPMEM_I_HAVE_AVX2
__attribute__((target("avx2"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_fwd_avx2(char *d, const char *s, size_t lines) {
    while (lines >= 2) {
        __m256i a = _mm256_loadu_si256((const __m256i *)s), b = _mm256_loadu_si256((const __m256i *)(s + 32));
        __m256i c = _mm256_loadu_si256((const __m256i *)(s + 64)), e = _mm256_loadu_si256((const __m256i *)(s + 96));
        _mm256_stream_si256((__m256i *)d, a);
        _mm256_stream_si256((__m256i *)(d + 32), b);
        _mm256_stream_si256((__m256i *)(d + 64), c);
        _mm256_stream_si256((__m256i *)(d + 96), e);
        d += 128; s += 128; lines -= 2;
    }
    if (lines) {
        __m256i a = _mm256_loadu_si256((const __m256i *)s), b = _mm256_loadu_si256((const __m256i *)(s + 32));
        _mm256_stream_si256((__m256i *)d, a);
        _mm256_stream_si256((__m256i *)(d + 32), b);
    }
}
__attribute__((target("avx2"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_bwd_avx2(char *d, const char *s, size_t lines) {
    d += lines * 64u; s += lines * 64u;
    while (lines >= 2) {
        __m256i a, b, c, e;
        d -= 128; s -= 128; lines -= 2;
        a = _mm256_loadu_si256((const __m256i *)s); b = _mm256_loadu_si256((const __m256i *)(s + 32));
        c = _mm256_loadu_si256((const __m256i *)(s + 64)); e = _mm256_loadu_si256((const __m256i *)(s + 96));
        _mm256_stream_si256((__m256i *)(d + 96), e);
        _mm256_stream_si256((__m256i *)(d + 64), c);
        _mm256_stream_si256((__m256i *)(d + 32), b);
        _mm256_stream_si256((__m256i *)d, a);
    }
    if (lines) {
        __m256i a, b;
        d -= 64; s -= 64;
        a = _mm256_loadu_si256((const __m256i *)s); b = _mm256_loadu_si256((const __m256i *)(s + 32));
        _mm256_stream_si256((__m256i *)(d + 32), b);
        _mm256_stream_si256((__m256i *)d, a);
    }
}
__attribute__((target("avx2"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_set_avx2(char *d, int c, size_t lines) {
    __m256i v = _mm256_set1_epi32((int)(0x01010101u * (unsigned)(unsigned char)c));
    while (lines--) {
        _mm256_stream_si256((__m256i *)d, v);
        _mm256_stream_si256((__m256i *)(d + 32), v);
        d += 64;
    }
}
#endif

#ifdef LLPMEM_I_HAVE_SSE2
__attribute__((target("sse2"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_fwd_sse2(char *d, const char *s, size_t lines) {
    while (lines--) {
        __m128i a = _mm_loadu_si128((const __m128i *)s), b = _mm_loadu_si128((const __m128i *)(s + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(s + 32)), e = _mm_loadu_si128((const __m128i *)(s + 48));
        _mm_stream_si128((__m128i *)d, a);
        _mm_stream_si128((__m128i *)(d + 16), b);
        _mm_stream_si128((__m128i *)(d + 32), c);
        _mm_stream_si128((__m128i *)(d + 48), e);
        d += 64; s += 64;
    }
}
__attribute__((target("sse2"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_bwd_sse2(char *d, const char *s, size_t lines) {
    d += lines * 64u; s += lines * 64u;
    while (lines--) {
        __m128i a, b, c, e;
        d -= 64; s -= 64;
        a = _mm_loadu_si128((const __m128i *)s); b = _mm_loadu_si128((const __m128i *)(s + 16));
        c = _mm_loadu_si128((const __m128i *)(s + 32)); e = _mm_loadu_si128((const __m128i *)(s + 48));
        _mm_stream_si128((__m128i *)(d + 48), e);
        _mm_stream_si128((__m128i *)(d + 32), c);
        _mm_stream_si128((__m128i *)(d + 16), b);
        _mm_stream_si128((__m128i *)d, a);
    }
}
__attribute__((target("sse2"))) LLPMEM_I_NOINLINE static void llpmem_i_nt_set_sse2(char *d, int c, size_t lines) {
    __m128i v = _mm_set1_epi32((int)(0x01010101u * (unsigned)(unsigned char)c));
    while (lines--) {
        _mm_stream_si128((__m128i *)d, v);
        _mm_stream_si128((__m128i *)(d + 16), v);
        _mm_stream_si128((__m128i *)(d + 32), v);
        _mm_stream_si128((__m128i *)(d + 48), v);
        d += 64;
    }
}
#endif

#ifdef LLPMEM_I_HAVE_MOVDIR64B
static inline void llpmem_i_movdir64b(char *d, const char *s) {
    /* movdir64b (%rsi), %rdi  =  66 0F 38 F8 /r, ModRM 0x3E */
    __asm__ __volatile__(".byte 0x66, 0x0f, 0x38, 0xf8, 0x3e" : : "D"(d), "S"(s) : "memory");
}
LLPMEM_I_NOINLINE static void llpmem_i_nt_fwd_movdir64b(char *d, const char *s, size_t lines) {
    char buf[64];
    while (lines--) {
        memcpy(buf, s, 64); /* the source must be read before the (weakly ordered) 64-byte store */
        llpmem_i_movdir64b(d, buf);
        d += 64; s += 64;
    }
}
LLPMEM_I_NOINLINE static void llpmem_i_nt_bwd_movdir64b(char *d, const char *s, size_t lines) {
    char buf[64];
    d += lines * 64u; s += lines * 64u;
    while (lines--) {
        d -= 64; s -= 64;
        memcpy(buf, s, 64);
        llpmem_i_movdir64b(d, buf);
    }
}
LLPMEM_I_NOINLINE static void llpmem_i_nt_set_movdir64b(char *d, int c, size_t lines) {
    char buf[64];
    memset(buf, c, sizeof buf);
    while (lines--) {
        llpmem_i_movdir64b(d, buf);
        d += 64;
    }
}
#endif

/* bulk dispatch; returns false when no non-temporal path is usable */
static inline bool llpmem_i_nt_lines(int kind, char *d, const char *s, size_t lines, int dir, int c) {
    switch (kind) {
#ifdef LLPMEM_I_HAVE_AVX512
    case LLPMEM_NT_AVX512:
        if (dir > 0) llpmem_i_nt_fwd_avx512(d, s, lines);
        else if (dir < 0) llpmem_i_nt_bwd_avx512(d, s, lines);
        else llpmem_i_nt_set_avx512(d, c, lines);
        return true;
#endif
#ifdef LLPMEM_I_HAVE_MOVDIR64B
    case LLPMEM_NT_MOVDIR64B:
        if (dir > 0) llpmem_i_nt_fwd_movdir64b(d, s, lines);
        else if (dir < 0) llpmem_i_nt_bwd_movdir64b(d, s, lines);
        else llpmem_i_nt_set_movdir64b(d, c, lines);
        return true;
#endif
#ifdef LLPMEM_I_HAVE_AVX2
    case LLPMEM_NT_AVX2:
        if (dir > 0) llpmem_i_nt_fwd_avx2(d, s, lines);
        else if (dir < 0) llpmem_i_nt_bwd_avx2(d, s, lines);
        else llpmem_i_nt_set_avx2(d, c, lines);
        return true;
#endif
#ifdef LLPMEM_I_HAVE_SSE2
    case LLPMEM_NT_SSE2:
        if (dir > 0) llpmem_i_nt_fwd_sse2(d, s, lines);
        else if (dir < 0) llpmem_i_nt_bwd_sse2(d, s, lines);
        else llpmem_i_nt_set_sse2(d, c, lines);
        return true;
#endif
    default:
        (void)d; (void)s; (void)lines; (void)dir; (void)c;
        return false;
    }
}

/* The core of every persistent copy into pmem. set: memset with c (src ignored). eadr: skip write-backs. */
static size_t llpmem_i_pmem_copy(char *d, const char *s, size_t n, unsigned flags, bool set, int c, bool eadr) {
    size_t wb = 0;
    int fk = LLPMEM_I_LOAD(&llpmem_i_g.flush);
    int nt = LLPMEM_I_LOAD(&llpmem_i_g.nt);
    uintptr_t da = (uintptr_t)d;
    size_t head = (size_t)((64u - (da & 63u)) & 63u), lines, tail;
    bool use_nt = false;
    if (head > n) head = n;
    lines = (n - head) / 64u;
    tail = n - head - lines * 64u;
    /* Non-temporal stores need a whole line. Measured on Zen 4: with at most one partial line they beat
       cached stores + write-back from 64 B on (1.6x for an aligned 64 B copy); with a partial line at
       both ends only from about 256 B. Hence: n >= threshold, or n >= threshold / 4 with one edge of
       the destination on a line boundary. */
    if (lines && nt != LLPMEM_NT_NONE && !(flags & LLPMEM_F_TEMPORAL)) {
        size_t th = LLPMEM_I_LOAD(&llpmem_i_g.nt_threshold);
        use_nt = (flags & LLPMEM_F_NT) || n >= th || (n >= th / 4u && (!head || !tail));
    }
    if (use_nt) {
        if (set) {
            if (head) memset(d, c, head);
            llpmem_i_nt_lines(nt, d + head, NULL, lines, 0, c);
            if (tail) memset(d + head + lines * 64u, c, tail);
        } else if (!(da > (uintptr_t)s && da < (uintptr_t)s + n)) {
            /* forward: destination below the source or no overlap */
            if (head) memmove(d, s, head);
            llpmem_i_nt_lines(nt, d + head, s + head, lines, 1, 0);
            if (tail) memmove(d + n - tail, s + n - tail, tail);
        } else {
            if (tail) memmove(d + n - tail, s + n - tail, tail);
            llpmem_i_nt_lines(nt, d + head, s + head, lines, -1, 0);
            if (head) memmove(d, s, head);
        }
        if (!eadr) {
            if (head) wb += llpmem_i_wb(da, head, fk);
            if (tail) wb += llpmem_i_wb(da + n - tail, tail, fk);
        }
        LLPMEM_I_SIM_WB(d, n);
    }
    if (!use_nt) {
        if (set) memset(d, c, n);
        else memmove(d, s, n);
        if (!eadr) wb = llpmem_i_wb((uintptr_t)d, n, fk);
        LLPMEM_I_SIM_WB(d, n);
    }
    if (!(flags & LLPMEM_F_NODRAIN)) {
        llpmem_i_fence();
        LLPMEM_I_SIM_DRAIN();
    }
    return wb;
}

LLPMEMDEF void *llpmem_pmem_memmove(void *dst, const void *src, size_t n, unsigned flags) {
    if (!n) return dst;
    llpmem_i_init();
    (void)llpmem_i_pmem_copy((char *)dst, (const char *)src, n, flags, false, 0,
                             LLPMEM_I_LOAD(&llpmem_i_g.eadr_all) != 0);
    return dst;
}

LLPMEMDEF void *llpmem_pmem_memset(void *dst, int c, size_t n, unsigned flags) {
    if (!n) return dst;
    llpmem_i_init();
    (void)llpmem_i_pmem_copy((char *)dst, NULL, n, flags, true, c, LLPMEM_I_LOAD(&llpmem_i_g.eadr_all) != 0);
    return dst;
}

LLPMEM_I_NOINLINE static int llpmem_i_copy_slow(int i, void *dst, const void *src, size_t n, bool set, int c,
                                                 bool drain) {
    llpmem_region *r;
    llpmem_i_stats *s;
    uint64_t t0 = 0;
    int rc = 0;
    r = __atomic_load_n(&llpmem_i_g.slots[i].r, __ATOMIC_ACQUIRE);
    if (LLPMEM_UNLIKELY(!r)) return LLPMEM_EFAULT;
    s = __atomic_load_n(&r->stats, __ATOMIC_ACQUIRE);
    if (s && drain) t0 = llpmem_i_ticks();
    if (LLPMEM_LIKELY(r->is_pmem)) {
        size_t wb = llpmem_i_pmem_copy((char *)dst, (const char *)src, n, drain ? 0u : LLPMEM_F_NODRAIN, set, c,
                                       llpmem_i_region_eadr(r));
        if (s) LLPMEM_I_ADD(&s->lines, (uint64_t)wb);
    } else {
        if (set) memset(dst, c, n);
        else memmove(dst, src, n);
        rc = llpmem_i_region_msync(r, dst, n);
    }
    if (s) {
        LLPMEM_I_ADD(&s->copies, 1u);
        LLPMEM_I_ADD(&s->bytes_copied, (uint64_t)n);
        if (drain) {
            LLPMEM_I_ADD(&s->persists, 1u);
            (void)llpmem_hist_record_atomic(&s->hist, llpmem_i_ticks_to_ns(llpmem_i_ticks() - t0));
        } else {
            LLPMEM_I_ADD(&s->flushes, 1u);
        }
    }
    return rc;
}

static inline int llpmem_i_copy_checked(void *dst, const void *src, size_t n, bool set, int c, bool drain) {
    int i, m;
    if (LLPMEM_UNLIKELY(!n)) return 0;
    i = llpmem_i_find_slot(dst, n);
    if (LLPMEM_UNLIKELY(i < 0)) return LLPMEM_EFAULT;
    m = LLPMEM_I_LOAD(&llpmem_i_g.slots[i].mode);
    if (LLPMEM_LIKELY(m != LLPMEM_I_MODE_SLOW)) {
        (void)llpmem_i_pmem_copy((char *)dst, (const char *)src, n, drain ? 0u : LLPMEM_F_NODRAIN, set, c,
                                 m == LLPMEM_I_MODE_FENCE);
        return 0;
    }
    return llpmem_i_copy_slow(i, dst, src, n, set, c, drain);
}

LLPMEMDEF int llpmem_memcpy_persist(void *dst, const void *src, size_t n) {
    return llpmem_i_copy_checked(dst, src, n, false, 0, true);
}
LLPMEMDEF int llpmem_memmove_persist(void *dst, const void *src, size_t n) {
    return llpmem_i_copy_checked(dst, src, n, false, 0, true);
}
LLPMEMDEF int llpmem_memset_persist(void *dst, int c, size_t n) {
    return llpmem_i_copy_checked(dst, NULL, n, true, c, true);
}
LLPMEMDEF int llpmem_memcpy_nodrain(void *dst, const void *src, size_t n) {
    return llpmem_i_copy_checked(dst, src, n, false, 0, false);
}
LLPMEMDEF int llpmem_memmove_nodrain(void *dst, const void *src, size_t n) {
    return llpmem_i_copy_checked(dst, src, n, false, 0, false);
}
LLPMEMDEF int llpmem_memset_nodrain(void *dst, int c, size_t n) {
    return llpmem_i_copy_checked(dst, NULL, n, true, c, false);
}

/* ------------------------------------------------------------------------------------------------------
   Tuning
   ------------------------------------------------------------------------------------------------------ */
LLPMEMDEF int llpmem_set_flush(int kind) {
    llpmem_i_init();
    if (kind == LLPMEM_FLUSH_AUTO) kind = llpmem_i_auto_flush();
    if (!llpmem_i_flush_supported(kind)) return LLPMEM_EOPNOTSUPP;
    LLPMEM_I_STORE(&llpmem_i_g.flush, kind);
    llpmem_i_publish_op();
    return 0;
}
LLPMEMDEF int llpmem_get_flush(void) {
    llpmem_i_init();
    return LLPMEM_I_LOAD(&llpmem_i_g.flush);
}
LLPMEMDEF int llpmem_set_nt(int kind) {
    llpmem_i_init();
    if (kind == LLPMEM_NT_AUTO) kind = llpmem_i_auto_nt();
    if (!llpmem_i_nt_supported(kind)) return LLPMEM_EOPNOTSUPP;
    LLPMEM_I_STORE(&llpmem_i_g.nt, kind);
    return 0;
}
LLPMEMDEF int llpmem_get_nt(void) {
    llpmem_i_init();
    return LLPMEM_I_LOAD(&llpmem_i_g.nt);
}
LLPMEMDEF void llpmem_set_nt_threshold(size_t bytes) {
    llpmem_i_init();
    LLPMEM_I_STORE(&llpmem_i_g.nt_threshold, bytes);
}
LLPMEMDEF size_t llpmem_get_nt_threshold(void) {
    llpmem_i_init();
    return LLPMEM_I_LOAD(&llpmem_i_g.nt_threshold);
}
LLPMEMDEF void llpmem_force_pmem(int v) {
    llpmem_i_init();
    LLPMEM_I_STORE(&llpmem_i_g.force_pmem, v < 0 ? -1 : (v ? 1 : 0));
}
LLPMEMDEF void llpmem_force_eadr(int v) {
    int i, n, any = 0;
    llpmem_i_init();
    v = v < 0 ? -1 : (v ? 1 : 0);
    LLPMEM_I_STORE(&llpmem_i_g.force_eadr, v);
    if (v < 0) {
        n = __atomic_load_n(&llpmem_i_g.nslots, __ATOMIC_ACQUIRE);
        for (i = 0; i < n; i++) {
            llpmem_region *r = __atomic_load_n(&llpmem_i_g.slots[i].r, __ATOMIC_ACQUIRE);
            if (r && r->is_pmem && r->eadr_detected) any = 1;
        }
    }
    LLPMEM_I_STORE(&llpmem_i_g.eadr_all, v == 1 ? 1 : (v == 0 ? 0 : any));
    llpmem_i_publish_op();
    llpmem_i_refresh_modes();
}
LLPMEMDEF unsigned llpmem_cpu_features(void) {
    llpmem_i_init();
    return llpmem_i_g.cpu;
}
LLPMEMDEF const char *llpmem_flush_name(int kind) {
    switch (kind) {
    case LLPMEM_FLUSH_AUTO: return "auto";
    case LLPMEM_FLUSH_CLWB: return "clwb";
    case LLPMEM_FLUSH_CLFLUSHOPT: return "clflushopt";
    case LLPMEM_FLUSH_CLFLUSH: return "clflush";
    case LLPMEM_FLUSH_CVAP: return "cvap";
    case LLPMEM_FLUSH_CVAC: return "cvac";
    case LLPMEM_FLUSH_NONE: return "none";
    default: return "?";
    }
}
LLPMEMDEF const char *llpmem_nt_name(int kind) {
    switch (kind) {
    case LLPMEM_NT_AUTO: return "auto";
    case LLPMEM_NT_AVX512: return "avx512";
    case LLPMEM_NT_MOVDIR64B: return "movdir64b";
    case LLPMEM_NT_AVX2: return "avx2";
    case LLPMEM_NT_SSE2: return "sse2";
    case LLPMEM_NT_NONE: return "none";
    default: return "?";
    }
}

/* ------------------------------------------------------------------------------------------------------
   Statistics
   ------------------------------------------------------------------------------------------------------ */
static uint64_t llpmem_i_hist_percentiles(const llpmem_hist *h, const double *pct, size_t n, uint64_t *out,
                                          uint64_t *max);

LLPMEMDEF int llpmem_region_stats_enable(llpmem_region *r, bool on) {
    llpmem_i_stats *s;
    if (!r) return LLPMEM_EINVAL;
    llpmem_i_init();
    if (!on) return 0; /* counters stay allocated; timing stops only at close (lock-free readers) */
    if (__atomic_load_n(&r->stats, __ATOMIC_ACQUIRE)) return 0;
    if (!LLPMEM_I_LOAD(&llpmem_i_g.tick_mult)) LLPMEM_I_STORE(&llpmem_i_g.tick_mult, llpmem_i_calibrate());
    s = (llpmem_i_stats *)LLPMEM_MALLOC(NULL, sizeof(llpmem_i_stats));
    if (!s) return LLPMEM_ENOMEM;
    memset(s, 0, sizeof *s);
    (void)llpmem_hist_init(&s->hist); /* the histogram's storage is in s: nothing is allocated later */
    {
        llpmem_i_stats *expect = NULL;
        if (!__atomic_compare_exchange_n(&r->stats, &expect, s, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            LLPMEM_FREE(NULL, s);
    }
    llpmem_i_refresh_modes();
    return 0;
}

LLPMEMDEF int llpmem_region_stats(const llpmem_region *r, llpmem_stats *out) {
    llpmem_i_stats *s;
    if (!r || !out) return LLPMEM_EINVAL;
    memset(out, 0, sizeof *out);
    s = __atomic_load_n(&r->stats, __ATOMIC_ACQUIRE);
    if (!s) return 0;
    out->persists = LLPMEM_I_LOAD(&s->persists);
    out->flushes = LLPMEM_I_LOAD(&s->flushes);
    out->msyncs = LLPMEM_I_LOAD(&s->msyncs);
    out->lines = LLPMEM_I_LOAD(&s->lines);
    out->copies = LLPMEM_I_LOAD(&s->copies);
    out->bytes_copied = LLPMEM_I_LOAD(&s->bytes_copied);
    out->errors = LLPMEM_I_LOAD(&s->errors);
    {
        /* one walk for the three levels, so that they come from one view of the buckets (threads may be
           recording): p50 <= p99 <= p99.9 <= max always */
        static const double pct[3] = {50.0, 99.0, 99.9};
        uint64_t v[3], mx = 0, n = llpmem_i_hist_percentiles(&s->hist, pct, 3, v, &mx);
        out->lat_count = n;
        out->lat_p50_ns = v[0];
        out->lat_p99_ns = v[1];
        out->lat_p999_ns = v[2];
        out->lat_max_ns = mx;
        out->lat_mean_ns = n ? (double)LLPMEM_I_LOAD(&s->hist.sum) / (double)n : 0.0;
    }
    return 0;
}

LLPMEMDEF void llpmem_region_stats_reset(llpmem_region *r) {
    llpmem_i_stats *s;
    if (!r) return;
    s = __atomic_load_n(&r->stats, __ATOMIC_ACQUIRE);
    if (!s) return;
    LLPMEM_I_STORE(&s->persists, 0u); LLPMEM_I_STORE(&s->flushes, 0u); LLPMEM_I_STORE(&s->msyncs, 0u);
    LLPMEM_I_STORE(&s->lines, 0u); LLPMEM_I_STORE(&s->copies, 0u); LLPMEM_I_STORE(&s->bytes_copied, 0u);
    LLPMEM_I_STORE(&s->errors, 0u);
    llpmem_hist_reset(&s->hist);
}

LLPMEMDEF int llpmem_region_hist(const llpmem_region *r, llpmem_hist *out) {
    llpmem_i_stats *s;
    if (!r || !out) return LLPMEM_EINVAL;
    (void)llpmem_hist_init(out);
    s = __atomic_load_n(&r->stats, __ATOMIC_ACQUIRE);
    return s ? llpmem_hist_merge(out, &s->hist) : 0;
}

/* The histogram: llstat.h's arithmetic (docs/llstat.md) on the fixed layout of LLPMEM_HIST_*. */
LLPMEMDEF int llpmem_hist_init(llpmem_hist *h) {
    uint32_t i;
    if (!h) return LLPMEM_EINVAL;
    h->sum = 0;
    h->overflow = 0;
    /* sub_bucket_count << (bucket_count - 1 + unit), minus one */
    h->top_value = ((uint64_t)1 << (LLPMEM_I_HIST_BUCKETS + LLPMEM_I_HIST_UNIT + LLPMEM_I_HIST_HALF)) - 1u;
    h->sub_bucket_mask = (((uint64_t)2 << LLPMEM_I_HIST_HALF) - 1u) << LLPMEM_I_HIST_UNIT;
    h->shift_base = 63u - LLPMEM_I_HIST_HALF;
    h->half_magnitude = LLPMEM_I_HIST_HALF;
    h->unit_magnitude = LLPMEM_I_HIST_UNIT;
    h->counts_len = LLPMEM_HIST_COUNTS;
    h->slot_origin = 128u + 8u * ((63u - LLPMEM_I_HIST_HALF - LLPMEM_I_HIST_UNIT) << LLPMEM_I_HIST_HALF);
    h->min_clz = 64u - (LLPMEM_I_HIST_HALF + LLPMEM_I_HIST_BUCKETS + LLPMEM_I_HIST_UNIT);
    h->reserved0 = 0;
    h->lowest = LLPMEM_HIST_LOWEST;
    h->highest = LLPMEM_HIST_HIGHEST;
    h->digits = LLPMEM_HIST_DIGITS;
    h->bucket_count = LLPMEM_I_HIST_BUCKETS;
    h->magic = LLPMEM_HIST_MAGIC;
    h->layout = LLPMEM_HIST_LAYOUT;
    for (i = 0; i < 4; i++) h->reserved1[i] = 0;
    for (i = 0; i < LLPMEM_HIST_COUNTS; i++) h->counts[i] = 0;
    LLPMEM_ASSERT((uint64_t)(LLPMEM_I_HIST_BUCKETS + 1u) << LLPMEM_I_HIST_HALF == LLPMEM_HIST_COUNTS);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return LLPMEM_OK;
}

static bool llpmem_i_hist_ok(const llpmem_hist *h) {
    return h && h->magic == LLPMEM_HIST_MAGIC && h->layout == LLPMEM_HIST_LAYOUT;
}

LLPMEMDEF uint64_t llpmem_hist_value_at_index(const llpmem_hist *h, uint32_t i) {
    uint32_t bucket = i >> LLPMEM_I_HIST_HALF, sub = i & ((1u << LLPMEM_I_HIST_HALF) - 1u);
    (void)h;
    if (bucket == 0) return (uint64_t)sub << LLPMEM_I_HIST_UNIT; /* the lower half of bucket 0 */
    /* index = (bucket_index + 1) * half_count + (sub_bucket_index - half_count) */
    return ((uint64_t)sub + ((uint64_t)1 << LLPMEM_I_HIST_HALF)) << (bucket - 1u + LLPMEM_I_HIST_UNIT);
}
/* the shift (bucket + unit) of the bucket holding v: every value in it is a multiple of 2^shift */
static uint32_t llpmem_i_hist_shift(uint64_t v) {
    return (63u - LLPMEM_I_HIST_HALF) -
           (uint32_t)__builtin_clzll((unsigned long long)(v | ((((uint64_t)2 << LLPMEM_I_HIST_HALF) - 1u)
                                                               << LLPMEM_I_HIST_UNIT)));
}
LLPMEMDEF uint64_t llpmem_hist_lowest_equivalent(const llpmem_hist *h, uint64_t v) {
    uint32_t sh = llpmem_i_hist_shift(v);
    (void)h;
    return (v >> sh) << sh;
}
LLPMEMDEF uint64_t llpmem_hist_highest_equivalent(const llpmem_hist *h, uint64_t v) {
    uint32_t sh = llpmem_i_hist_shift(v);
    (void)h;
    return ((v >> sh) << sh) + (((uint64_t)1 << sh) - 1u);
}

LLPMEMDEF uint64_t llpmem_hist_count(const llpmem_hist *h) {
    uint64_t n = 0;
    uint32_t i;
    if (!llpmem_i_hist_ok(h)) return 0;
    for (i = 0; i < LLPMEM_HIST_COUNTS; i++) n += LLPMEM_I_LOAD(&h->counts[i]);
    return n;
}
LLPMEMDEF uint64_t llpmem_hist_sum(const llpmem_hist *h) { return llpmem_i_hist_ok(h) ? LLPMEM_I_LOAD(&h->sum) : 0; }
LLPMEMDEF uint64_t llpmem_hist_overflow(const llpmem_hist *h) {
    return llpmem_i_hist_ok(h) ? LLPMEM_I_LOAD(&h->overflow) : 0;
}
LLPMEMDEF double llpmem_hist_mean(const llpmem_hist *h) {
    uint64_t n = llpmem_hist_count(h);
    return n ? (double)llpmem_hist_sum(h) / (double)n : 0.0;
}
LLPMEMDEF uint64_t llpmem_hist_min(const llpmem_hist *h) {
    uint32_t i;
    if (!llpmem_i_hist_ok(h)) return 0;
    for (i = 0; i < LLPMEM_HIST_COUNTS; i++)
        if (LLPMEM_I_LOAD(&h->counts[i])) return llpmem_hist_value_at_index(h, i);
    return 0;
}
LLPMEMDEF uint64_t llpmem_hist_max(const llpmem_hist *h) {
    uint32_t i;
    if (!llpmem_i_hist_ok(h)) return 0;
    for (i = LLPMEM_HIST_COUNTS; i-- > 0;)
        if (LLPMEM_I_LOAD(&h->counts[i])) return llpmem_hist_highest_equivalent(h, llpmem_hist_value_at_index(h, i));
    return 0;
}

/* the unit in the last place of x > 0 (Java's Math.ulp), from the exponent bits: no libm */
static double llpmem_i_ulp(double x) {
    uint64_t bits, e;
    double r;
    memcpy(&bits, &x, sizeof bits);
    e = (bits >> 52) & 0x7ffu;
    if (e <= 52u) return 0.0; /* subnormal-sized ulps do not matter here */
    bits = (e - 52u) << 52;
    memcpy(&r, &bits, sizeof r);
    return r;
}
/* HdrHistogram's getValueAtPercentile for n levels (ascending) in one walk of the buckets: the count at
   each level rounded up, less one ulp so that fp error cannot skip a count; the highest value of the
   bucket where the walk reaches it (the lowest for 0). Fills out[] and *max (the highest equivalent of
   the last non-empty bucket, when max is not NULL); returns the count the levels were taken from. */
static uint64_t llpmem_i_hist_percentiles(const llpmem_hist *h, const double *pct, size_t n, uint64_t *out,
                                          uint64_t *max) {
    uint64_t total = llpmem_hist_count(h), cum = 0, want[4];
    double level[4];
    size_t k = 0, j;
    uint32_t i, last = 0;
    bool any = false;
    for (j = 0; j < n; j++) out[j] = 0;
    if (max) *max = 0;
    if (total == 0 || n > 4) return total;
    for (j = 0; j < n; j++) {
        double p = pct[j], fp;
        if (!(p >= 0.0)) p = 0.0; /* NaN too */
        if (p > 100.0) p = 100.0;
        level[j] = p;
        fp = p / 100.0 * (double)total;
        fp -= fp > 0.0 ? llpmem_i_ulp(fp) : 0.0;
        want[j] = (uint64_t)fp;
        if ((double)want[j] < fp) want[j]++;
        if (want[j] < 1) want[j] = 1;
    }
    for (i = 0; i < LLPMEM_HIST_COUNTS; i++) {
        uint64_t c = LLPMEM_I_LOAD(&h->counts[i]);
        if (!c) continue;
        cum += c;
        last = i;
        any = true;
        for (; k < n && cum >= want[k]; k++) {
            uint64_t v = llpmem_hist_value_at_index(h, i);
            out[k] = level[k] == 0.0 ? v : llpmem_hist_highest_equivalent(h, v);
        }
        if (k == n && !max) break;
    }
    if (any) {
        uint64_t top = llpmem_hist_highest_equivalent(h, llpmem_hist_value_at_index(h, last));
        for (; k < n; k++) out[k] = top; /* buckets emptied by a reset while reading */
        if (max) *max = top;
    }
    return total;
}
LLPMEMDEF uint64_t llpmem_hist_percentile(const llpmem_hist *h, double pct) {
    uint64_t v;
    if (!llpmem_i_hist_ok(h)) return 0;
    (void)llpmem_i_hist_percentiles(h, &pct, 1, &v, NULL);
    return v;
}

LLPMEMDEF void llpmem_hist_reset(llpmem_hist *h) {
    uint32_t i;
    if (!llpmem_i_hist_ok(h)) return;
    for (i = 0; i < LLPMEM_HIST_COUNTS; i++) LLPMEM_I_STORE(&h->counts[i], 0u);
    LLPMEM_I_STORE(&h->sum, 0u);
    LLPMEM_I_STORE(&h->overflow, 0u);
}

LLPMEMDEF int llpmem_hist_merge(llpmem_hist *dst, const llpmem_hist *src) {
    uint32_t i;
    if (!llpmem_i_hist_ok(dst) || !llpmem_i_hist_ok(src)) return LLPMEM_EINVAL;
    for (i = 0; i < LLPMEM_HIST_COUNTS; i++) {
        uint64_t c = LLPMEM_I_LOAD(&src->counts[i]);
        if (c) LLPMEM_I_ADD(&dst->counts[i], c);
    }
    LLPMEM_I_ADD(&dst->overflow, LLPMEM_I_LOAD(&src->overflow));
    LLPMEM_I_ADD(&dst->sum, LLPMEM_I_LOAD(&src->sum));
    return LLPMEM_OK;
}

/* ------------------------------------------------------------------------------------------------------
   Transactions: an undo log in the region.
   Log:   line 0 = header: magic, generation, log length, version, checksum of (magic, length, version).
          Then entries from offset 64, each a 64-byte header line and the snapshot padded to 64 bytes.
   Entry: generation, offset in the region, length, kind, data checksum, header checksum, seal.
          Valid when its header checksum holds, it carries the log's generation, and either its data
          checksum holds (kind 0, small snapshots: one fence per add) or its seal word is set (kind 1,
          snapshots of LLPMEM_I_TX_SEAL_MIN bytes or more: the seal is stored after the snapshot is
          durable, which costs a second fence but no pass over the data).
   Commit, up to LLPMEM_I_TX_FAST_MAX snapshotted bytes: store in each entry a checksum of the range's
   new contents, write back the ranges and those entry lines, one fence. Recovery keeps the ranges when
   every entry's new-contents checksum is set and matches the range (the commit reached the medium
   whole), and rolls every range back otherwise. The next transaction starts a new generation (an
   aligned 8-byte store, failure atomic, made durable by its first add's fence): every older entry is
   invalid from then on. Larger commits write back the ranges, fence, then store the new generation
   and fence again (no pass over the data). Abort copies the snapshots back, writes them back, fences,
   and stores the new generation at once (fenced).
   The magic word is written last when a log is formatted, so a header with the magic is complete.
   ------------------------------------------------------------------------------------------------------ */
#define LLPMEM_I_TX_MAGIC 0x31584d4550504c4cull /* "LLPPMEX1" */
#define LLPMEM_I_TX_VERSION 1u
#define LLPMEM_I_TX_SEAL_MIN 2048u
#define LLPMEM_I_TX_FAST_MAX 4096u
#define LLPMEM_I_TX_P1 0x9E3779B185EBCA87ull   /* xxHash64 primes */
#define LLPMEM_I_TX_P2 0xC2B2AE3D27D4EB4Full
#define LLPMEM_I_TX_P3 0x165667B19E3779F9ull

static uint64_t llpmem_i_rotl64(uint64_t x, unsigned r) { return (x << r) | (x >> (64u - r)); }

/* 64-bit checksum: four independent multiply-rotate lanes over 32-byte blocks (the xxHash64 round), then
   the remaining words and bytes, then a final avalanche. Detects torn and stale lines, not adversaries. */
static uint64_t llpmem_i_tx_sum(const void *p, size_t n, uint64_t seed) {
    const unsigned char *b = (const unsigned char *)p;
    uint64_t v0 = seed + LLPMEM_I_TX_P1 + LLPMEM_I_TX_P2, v1 = seed + LLPMEM_I_TX_P2, v2 = seed,
             v3 = seed - LLPMEM_I_TX_P1, h, w[4];
    size_t i = 0;
    for (; i + 32u <= n; i += 32u) {
        memcpy(w, b + i, 32);
        v0 = llpmem_i_rotl64(v0 + w[0] * LLPMEM_I_TX_P2, 31) * LLPMEM_I_TX_P1;
        v1 = llpmem_i_rotl64(v1 + w[1] * LLPMEM_I_TX_P2, 31) * LLPMEM_I_TX_P1;
        v2 = llpmem_i_rotl64(v2 + w[2] * LLPMEM_I_TX_P2, 31) * LLPMEM_I_TX_P1;
        v3 = llpmem_i_rotl64(v3 + w[3] * LLPMEM_I_TX_P2, 31) * LLPMEM_I_TX_P1;
    }
    h = llpmem_i_rotl64(v0, 1) + llpmem_i_rotl64(v1, 7) + llpmem_i_rotl64(v2, 12) + llpmem_i_rotl64(v3, 18) +
        (uint64_t)n;
    for (; i + 8u <= n; i += 8u) {
        memcpy(w, b + i, 8);
        h = llpmem_i_rotl64(h ^ (llpmem_i_rotl64(w[0] * LLPMEM_I_TX_P2, 31) * LLPMEM_I_TX_P1), 27) * LLPMEM_I_TX_P1 +
            LLPMEM_I_TX_P3;
    }
    for (; i < n; i++) h = llpmem_i_rotl64(h ^ ((uint64_t)b[i] * LLPMEM_I_TX_P3), 11) * LLPMEM_I_TX_P1;
    h ^= h >> 33;
    h *= LLPMEM_I_TX_P2;
    h ^= h >> 29;
    h *= LLPMEM_I_TX_P3;
    return h ^ (h >> 32);
}

static size_t llpmem_i_tx_round(size_t n) { return (n + 63u) & ~(size_t)63u; }
static uint64_t llpmem_i_tx_seal(uint64_t hsum) { return (hsum * LLPMEM_I_TX_P1) ^ LLPMEM_I_TX_MAGIC; }
static uint64_t *llpmem_i_tx_words(const llpmem_tx *tx, size_t pos) { return (uint64_t *)(void *)(tx->log + pos); }
static uint64_t llpmem_i_tx_header_sum(uint64_t len, uint64_t version) {
    uint64_t w[3];
    w[0] = LLPMEM_I_TX_MAGIC;
    w[1] = len;
    w[2] = version;
    return llpmem_i_tx_sum(w, sizeof w, LLPMEM_I_TX_MAGIC);
}

/* store the next generation (8 bytes, failure atomic) and make it durable: every entry is invalid then */
static int llpmem_i_tx_bump(llpmem_tx *tx) {
    uint64_t g = tx->gen + 1u;
    __atomic_store_n(llpmem_i_tx_words(tx, 0) + 1, g, __ATOMIC_RELAXED);
    tx->gen = g;
    return llpmem_persist(tx->log, 64);
}

/* checksum of a range's current contents, as commit stores it (never 0: 0 means "not committed") */
static uint64_t llpmem_i_tx_newsum(const llpmem_tx *tx, size_t off, size_t len) {
    uint64_t h = llpmem_i_tx_sum(tx->r->addr + off, len, tx->gen ^ LLPMEM_I_TX_P3);
    return h ? h : 1u;
}

/* the entry at pos if valid: 1 (offset and length returned), 0 otherwise */
static int llpmem_i_tx_entry(const llpmem_tx *tx, size_t pos, size_t *off, size_t *len) {
    const uint64_t *e;
    uint64_t o, l;
    if (pos + 64u > tx->log_len) return 0;
    e = llpmem_i_tx_words(tx, pos);
    if (e[0] != tx->gen || llpmem_i_tx_sum(e, 40, LLPMEM_I_TX_MAGIC) != e[5]) return 0;
    o = e[1];
    l = e[2];
    if (!l || l > (uint64_t)(tx->log_len - pos - 64u) || o > (uint64_t)tx->r->len || l > (uint64_t)tx->r->len - o)
        return 0;
    if (e[3] == 0u) {
        if (llpmem_i_tx_sum(tx->log + pos + 64u, (size_t)l, tx->gen) != e[4]) return 0;
    } else if (e[3] != 1u || e[6] != llpmem_i_tx_seal(e[5])) {
        return 0;
    }
    *off = (size_t)o;
    *len = (size_t)l;
    return 1;
}

static int llpmem_i_tx_reserve(llpmem_tx *tx, size_t want) {
    llpmem_tx_range *n;
    size_t cap;
    if (want <= tx->cap) return 0;
    cap = tx->cap ? tx->cap * 2u : 16u;
    while (cap < want) cap *= 2u;
    n = (llpmem_tx_range *)LLPMEM_MALLOC(NULL, cap * sizeof(llpmem_tx_range));
    if (!n) return LLPMEM_ENOMEM;
    if (tx->ranges) {
        memcpy(n, tx->ranges, tx->nranges * sizeof(llpmem_tx_range));
        LLPMEM_FREE(NULL, tx->ranges);
    }
    tx->ranges = n;
    tx->cap = cap;
    return 0;
}

/* roll back the valid entries (newest first), make that durable, start a new generation */
static int llpmem_i_tx_recover(llpmem_tx *tx) {
    size_t pos = 64u, off, len, n = 0, i;
    int rc;
    while (llpmem_i_tx_entry(tx, pos, &off, &len)) {
        rc = llpmem_i_tx_reserve(tx, n + 1u);
        if (rc) return rc;
        tx->ranges[n].off = pos; /* the index holds entry positions here */
        tx->ranges[n].len = len;
        tx->nranges = ++n;
        pos += 64u + llpmem_i_tx_round(len);
    }
    /* committed whole (every entry's new-contents checksum set and matching): keep the new contents */
    for (i = 0; i < n; i++) {
        const uint64_t *e = llpmem_i_tx_words(tx, tx->ranges[i].off);
        if (!e[7] || e[7] != llpmem_i_tx_newsum(tx, (size_t)e[1], (size_t)e[2])) break;
    }
    if (i == n) n = 0;
    for (i = n; i-- > 0;) {
        const uint64_t *e = llpmem_i_tx_words(tx, tx->ranges[i].off);
        off = (size_t)e[1];
        len = (size_t)e[2];
        memcpy(tx->r->addr + off, tx->log + tx->ranges[i].off + 64u, len);
        rc = llpmem_flush(tx->r->addr + off, len);
        if (rc) return rc;
    }
    llpmem_drain();
    tx->recovered += n;
    tx->nranges = 0;
    /* a new generation even when nothing was rolled back: entries of an attempt that never became
       valid must not share the generation of the next transaction */
    return llpmem_i_tx_bump(tx);
}

LLPMEMDEF int llpmem_tx_init(llpmem_tx *tx, llpmem_region *r, void *log, size_t log_len) {
    uintptr_t a = (uintptr_t)log;
    uint64_t *h;
    int rc;
    if (!tx) return LLPMEM_EINVAL;
    memset(tx, 0, sizeof *tx);
    if (!r || !log || (a & 63u) || (log_len & 63u) || log_len < LLPMEM_TX_MIN_LOG) return LLPMEM_EINVAL;
    if (a < (uintptr_t)r->addr || a - (uintptr_t)r->addr > r->len || log_len > r->len - (a - (uintptr_t)r->addr))
        return LLPMEM_EFAULT;
    if (r->readonly) return LLPMEM_EINVAL;
    tx->r = r;
    tx->log = (unsigned char *)log;
    tx->log_len = log_len;
    tx->tail = 64u;
    tx->pmem = r->is_pmem;
    h = llpmem_i_tx_words(tx, 0);
    if (h[0] != LLPMEM_I_TX_MAGIC) {
        /* never formatted (or formatting was interrupted): the fields first, the magic last */
        h[1] = 1u;
        h[2] = (uint64_t)log_len;
        h[3] = LLPMEM_I_TX_VERSION;
        h[4] = llpmem_i_tx_header_sum(h[2], h[3]);
        rc = llpmem_persist(h, 64);
        if (rc) return rc;
        __atomic_store_n(&h[0], LLPMEM_I_TX_MAGIC, __ATOMIC_RELAXED);
        rc = llpmem_persist(h, 64);
        if (rc) return rc;
    } else if (h[4] != llpmem_i_tx_header_sum(h[2], h[3]) || h[3] != LLPMEM_I_TX_VERSION) {
        tx->r = NULL;
        return LLPMEM_EBADMSG;
    } else if (h[2] != (uint64_t)log_len) {
        tx->r = NULL;
        return LLPMEM_EINVAL; /* formatted with another length */
    }
    tx->gen = h[1];
    rc = llpmem_i_tx_recover(tx);
    if (rc) llpmem_tx_destroy(tx);
    return rc;
}

LLPMEMDEF void llpmem_tx_destroy(llpmem_tx *tx) {
    if (!tx) return;
    if (tx->ranges) LLPMEM_FREE(NULL, tx->ranges);
    memset(tx, 0, sizeof *tx);
}

LLPMEMDEF int llpmem_tx_begin(llpmem_tx *tx) {
    int rc;
    if (!tx || !tx->r) return LLPMEM_EINVAL;
    if (tx->depth == 0) {
        if (tx->stale) {
            /* invalidate the last transaction's entries before any new one is written; the first add's
               fence makes this durable (until then those entries are committed or rolled back whole) */
            uint64_t g = tx->gen + 1u;
            __atomic_store_n(llpmem_i_tx_words(tx, 0) + 1, g, __ATOMIC_RELAXED);
            rc = llpmem_flush(tx->log, 64);
            if (rc) {
                __atomic_store_n(llpmem_i_tx_words(tx, 0) + 1, tx->gen, __ATOMIC_RELAXED);
                return rc;
            }
            tx->gen = g;
            tx->stale = 0;
        }
        tx->tail = 64u;
        tx->nranges = 0;
        tx->bytes = 0;
    }
    tx->depth++;
    return 0;
}

/* snapshot [off, off+len) of the region into a new entry and make it durable */
static int llpmem_i_tx_log(llpmem_tx *tx, size_t off, size_t len) {
    size_t need = 64u + llpmem_i_tx_round(len);
    unsigned char *e = tx->log + tx->tail;
    const unsigned char *src = (const unsigned char *)tx->r->addr + off;
    uint64_t w[8];
    int rc;
    if (need > tx->log_len - tx->tail) return LLPMEM_ENOSPC;
    rc = llpmem_memcpy_nodrain(e + 64, src, len);
    if (rc) return rc;
    w[0] = tx->gen;
    w[1] = (uint64_t)off;
    w[2] = (uint64_t)len;
    w[3] = len >= LLPMEM_I_TX_SEAL_MIN ? 1u : 0u;
    w[4] = w[3] ? 0u : llpmem_i_tx_sum(src, len, tx->gen);
    w[5] = llpmem_i_tx_sum(w, 40, LLPMEM_I_TX_MAGIC);
    w[6] = 0u;
    w[7] = 0u;
    memcpy(e, w, 64);
    rc = llpmem_flush(e, 64);
    if (rc) return rc;
    llpmem_drain();
    if (w[3]) { /* sealed: valid only once the snapshot is durable */
        __atomic_store_n(llpmem_i_tx_words(tx, tx->tail) + 6, llpmem_i_tx_seal(w[5]), __ATOMIC_RELAXED);
        rc = llpmem_persist(e, 64);
        if (rc) return rc;
    }
    tx->tail += need;
    tx->bytes += len;
    tx->entries++;
    return 0;
}

/* insert [off, off+len) at index i of the sorted index, merged with touching neighbours; returns the
   index of the range that holds it, or -1 when out of memory */
static long llpmem_i_tx_insert(llpmem_tx *tx, size_t i, size_t off, size_t len) {
    llpmem_tx_range *v;
    if (i > 0 && tx->ranges[i - 1].off + tx->ranges[i - 1].len == off) {
        v = &tx->ranges[i - 1];
        v->len += len;
        if (i < tx->nranges && v->off + v->len == tx->ranges[i].off) {
            v->len += tx->ranges[i].len;
            memmove(&tx->ranges[i], &tx->ranges[i + 1], (tx->nranges - i - 1u) * sizeof(llpmem_tx_range));
            tx->nranges--;
        }
        return (long)(i - 1u);
    }
    if (i < tx->nranges && off + len == tx->ranges[i].off) {
        tx->ranges[i].off = off;
        tx->ranges[i].len += len;
        return (long)i;
    }
    if (llpmem_i_tx_reserve(tx, tx->nranges + 1u)) return -1;
    memmove(&tx->ranges[i + 1], &tx->ranges[i], (tx->nranges - i) * sizeof(llpmem_tx_range));
    tx->ranges[i].off = off;
    tx->ranges[i].len = len;
    tx->nranges++;
    return (long)i;
}

LLPMEMDEF int llpmem_tx_add(llpmem_tx *tx, void *addr, size_t len) {
    uintptr_t a = (uintptr_t)addr, base;
    size_t off, end, cur, lo, hi, logoff;
    int rc;
    if (!tx || !tx->r || tx->depth <= 0) return LLPMEM_EINVAL;
    if (!len) return 0;
    base = (uintptr_t)tx->r->addr;
    if (!addr || a < base || a - base > tx->r->len || len > tx->r->len - (a - base)) return LLPMEM_EFAULT;
    off = (size_t)(a - base);
    end = off + len;
    logoff = (size_t)((uintptr_t)tx->log - base);
    if (off < logoff + tx->log_len && logoff < end) return LLPMEM_EINVAL;
    /* first range that ends after off (ends are sorted: the ranges are disjoint and sorted) */
    lo = 0;
    hi = tx->nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        if (tx->ranges[mid].off + tx->ranges[mid].len <= off) lo = mid + 1u;
        else hi = mid;
    }
    for (cur = off; cur < end;) {
        size_t gap_end;
        long at;
        if (lo < tx->nranges && tx->ranges[lo].off <= cur) { /* covered already */
            size_t e = tx->ranges[lo].off + tx->ranges[lo].len;
            if (e > cur) cur = e;
            lo++;
            continue;
        }
        gap_end = lo < tx->nranges && tx->ranges[lo].off < end ? tx->ranges[lo].off : end;
        rc = llpmem_i_tx_log(tx, cur, gap_end - cur);
        if (rc) return rc;
        at = llpmem_i_tx_insert(tx, lo, cur, gap_end - cur);
        if (at < 0) return LLPMEM_ENOMEM; /* logged but not indexed: commit and abort walk the log */
        lo = (size_t)at;
        cur = gap_end;
    }
    return 0;
}

/* flush and drain every entry's range (commit) or copy every snapshot back first (abort) */
static int llpmem_i_tx_apply_log(llpmem_tx *tx, bool restore) {
    size_t pos = 64u;
    int rc;
    while (pos < tx->tail) {
        const uint64_t *e = llpmem_i_tx_words(tx, pos);
        size_t off = (size_t)e[1], len = (size_t)e[2];
        if (restore) memcpy(tx->r->addr + off, tx->log + pos + 64u, len);
        rc = llpmem_flush(tx->r->addr + off, len);
        if (rc) return rc;
        pos += 64u + llpmem_i_tx_round(len);
    }
    llpmem_drain();
    return 0;
}

LLPMEMDEF int llpmem_tx_commit(llpmem_tx *tx) {
    int rc;
    if (!tx || !tx->r || tx->depth <= 0) return LLPMEM_EINVAL;
    if (tx->depth > 1) {
        tx->depth--;
        return 0;
    }
    if (tx->tail > 64u && tx->bytes <= LLPMEM_I_TX_FAST_MAX) {
        /* one fence: the new contents' checksums and the ranges reach the medium together */
        size_t pos = 64u;
        while (pos < tx->tail) {
            uint64_t *e = llpmem_i_tx_words(tx, pos);
            size_t off = (size_t)e[1], len = (size_t)e[2];
            __atomic_store_n(&e[7], llpmem_i_tx_newsum(tx, off, len), __ATOMIC_RELAXED);
            rc = llpmem_flush(tx->r->addr + off, len);
            if (!rc) rc = llpmem_flush(e, 64);
            if (rc) return rc;
            pos += 64u + llpmem_i_tx_round(len);
        }
        llpmem_drain();
        tx->stale = 1;
    } else if (tx->tail > 64u) {
        /* every range durable before the log is invalidated */
        rc = llpmem_i_tx_apply_log(tx, false);
        if (rc) return rc;
        rc = llpmem_i_tx_bump(tx);
        if (rc) return rc;
    }
    tx->depth = 0;
    tx->tail = 64u;
    tx->nranges = 0;
    tx->commits++;
    return 0;
}

LLPMEMDEF int llpmem_tx_abort(llpmem_tx *tx) {
    int rc;
    if (!tx || !tx->r || tx->depth <= 0) return LLPMEM_EINVAL;
    if (tx->tail > 64u) {
        rc = llpmem_i_tx_apply_log(tx, true);
        if (rc) return rc;
        /* a new generation at once: the next transaction's first entry overwrites these in place, and a
           sealed entry's header could then vouch for another snapshot's bytes */
        rc = llpmem_i_tx_bump(tx);
        if (rc) return rc;
    }
    tx->depth = 0;
    tx->tail = 64u;
    tx->nranges = 0;
    tx->aborts++;
    return 0;
}

/* ------------------------------------------------------------------------------------------------------
   Crash simulator API
   ------------------------------------------------------------------------------------------------------ */
#ifdef LLPMEM_CRASH_SIM
LLPMEMDEF void llpmem_sim_set_hook(llpmem_sim_hook fn, void *ctx) {
    llpmem_i_init();
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    llpmem_i_g.sim_hook = fn;
    llpmem_i_g.sim_ctx = ctx;
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
}

LLPMEMDEF uint64_t llpmem_sim_events(void) { return __atomic_load_n(&llpmem_i_g.sim_events, __ATOMIC_ACQUIRE); }

LLPMEMDEF void llpmem_sim_pause(bool paused) {
    llpmem_i_init();
    __atomic_store_n(&llpmem_i_g.sim_paused, paused ? 1 : 0, __ATOMIC_RELEASE);
}

static uint64_t llpmem_i_rng(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void llpmem_i_sim_image_locked(llpmem_region *r, unsigned char *out, unsigned mode, uint64_t seed) {
    size_t off;
    if (mode == LLPMEM_SIM_ALL) {
        memcpy(out, r->addr, r->len);
        return;
    }
    memcpy(out, r->sim_durable, r->len);
    if (mode != LLPMEM_SIM_RANDOM) return;
    for (off = 0; off < r->len; off += 64u) {
        size_t ln = r->len - off < 64u ? r->len - off : 64u, l = off / 64u;
        bool pend = (r->sim_pbits[l / 8u] >> (l % 8u)) & 1u;
        uint64_t pick;
        if (!pend && memcmp(r->sim_durable + off, r->addr + off, ln) == 0) continue;
        pick = llpmem_i_rng(&seed) % 3u;
        if (pick == 1u && pend) memcpy(out + off, r->sim_pending + off, ln);
        else if (pick == 2u) memcpy(out + off, r->addr + off, ln);
    }
}

LLPMEMDEF int llpmem_sim_crash_image(llpmem_region *r, void *out, unsigned mode, uint64_t seed) {
    if (!r || !out || !r->sim_durable) return LLPMEM_EINVAL;
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    llpmem_i_sim_image_locked(r, (unsigned char *)out, mode, seed);
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
    return 0;
}

LLPMEMDEF int llpmem_sim_crash(llpmem_region *r, unsigned mode, uint64_t seed) {
    size_t i;
    if (!r || !r->sim_durable) return LLPMEM_EINVAL;
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    llpmem_i_sim_image_locked(r, r->sim_pending, mode, seed);
    memcpy(r->addr, r->sim_pending, r->len);
    memcpy(r->sim_durable, r->sim_pending, r->len);
    for (i = 0; i < r->sim_pn; i++) {
        size_t l = r->sim_plist[i];
        r->sim_pbits[l / 8u] = (unsigned char)(r->sim_pbits[l / 8u] & ~(1u << (l % 8u)));
    }
    r->sim_pn = 0;
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
    return 0;
}

LLPMEMDEF size_t llpmem_sim_unflushed(llpmem_region *r, size_t *offsets, size_t max) {
    size_t off, cnt = 0;
    if (!r || !r->sim_durable) return 0;
    llpmem_i_spin_lock(&llpmem_i_g.sim_lock);
    for (off = 0; off < r->len; off += 64u) {
        size_t ln = r->len - off < 64u ? r->len - off : 64u, l = off / 64u;
        bool pend = (r->sim_pbits[l / 8u] >> (l % 8u)) & 1u;
        const unsigned char *ref = pend ? r->sim_pending : r->sim_durable;
        if (memcmp(ref + off, r->addr + off, ln) != 0) {
            if (cnt < max && offsets) offsets[cnt] = off;
            cnt++;
        }
    }
    llpmem_i_spin_unlock(&llpmem_i_g.sim_lock);
    return cnt;
}
#endif

/* ------------------------------------------------------------------------------------------------------
   Misc
   ------------------------------------------------------------------------------------------------------ */
LLPMEMDEF const char *llpmem_strerror(int err) {
    switch (err) {
    case LLPMEM_OK: return "success";
    case LLPMEM_ENOMEM: return "out of memory";
    case LLPMEM_EFAULT: return "address range not inside any llpmem mapping";
    case LLPMEM_EINVAL: return "invalid argument";
    case LLPMEM_ENOSPC: return "no space left (region registry full, or device full)";
    case LLPMEM_EOPNOTSUPP: return "not supported on this CPU, platform or build";
    case LLPMEM_EBADMSG: return "corrupt transaction log header";
    /* system call failures passed through as -errno (Linux values, as in the contract's table) */
    case -1: return "operation not permitted";
    case -2: return "no such file or directory";
    case -4: return "interrupted system call";
    case -5: return "input/output error";
    case -9: return "bad file descriptor";
    case -11: return "resource temporarily unavailable";
    case -13: return "permission denied";
    case -16: return "device or resource busy";
    case -17: return "file exists";
    case -19: return "no such device";
    case -29: return "illegal seek";
    case -34: return "result out of range";
    case -38: return "function not implemented";
    case -62: return "timer expired";
    case -75: return "value too large";
    case -90: return "message too long";
    case -105: return "no buffer space available";
    case -107: return "not connected";
    case -110: return "timed out";
    case -114: return "operation already in progress";
    case -125: return "operation canceled";
    default: return "unknown error";
    }
}

LLPMEMDEF const char *llpmem_version(void) { return LLPMEM_VERSION_STRING; }

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLPMEM_IMPLEMENTATION */

/*
   CHANGES
   0.2.0  follows docs/contract.md: prelude and implementation frame, [one/every/any unit] options,
          compiled EXAMPLE; LLPMEM_ENOTSUP -> LLPMEM_EOPNOTSUPP, LLPMEM_EXCL -> LLPMEM_CREATE_EXCL (implies
          LLPMEM_CREATE), llpmem_stats_get/_enable/_reset -> llpmem_region_stats/_stats_enable/
          _stats_reset; LLPMEM_ASSERT defaults to assert(); llpmem_cpu_relax; the latency histogram is
          llstat.h's (HdrHistogram's layout, 1 ns .. 1 h, 2 digits): llpmem_hist_record ->
          llpmem_hist_record_atomic, llpmem_hist_percentile takes 0..100, llpmem_hist_init, llpmem_region_hist.
   0.1.0  first version: mapping (file, fsdax with MAP_SYNC, device DAX), registry, clwb/clflushopt/clflush/
          DC CVAP/DC CVAC flushing, eADR, msync fallback, non-temporal copies (AVX-512, movdir64b, AVX2,
          SSE2), overrides, latency histogram, crash simulator.

   LICENSE
   This software is available under either of two licenses; choose whichever you prefer.
   A - MIT License. Copyright (c) 2026 the ll authors. Permission is hereby granted, free of charge, to any
   person obtaining a copy of this software and associated documentation files (the "Software"), to deal in
   the Software without restriction, including without limitation the rights to use, copy, modify, merge,
   publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
   Software is furnished to do so, subject to the following conditions: The above copyright notice and this
   permission notice shall be included in all copies or substantial portions of the Software. THE SOFTWARE
   IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
   B - Public Domain (www.unlicense.org). Anyone is free to copy, modify, publish, use, compile, sell, or
   distribute this software, either in source code form or as a compiled binary, for any purpose,
   commercial or non-commercial, and by any means.
*/
