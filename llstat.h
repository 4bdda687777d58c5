/* llstat.h - a cycle clock, latency histograms and counters cheap enough to leave on     v0.2.0
   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file).

   WHAT
     A clock (llstat_now: the TSC on x86, the virtual counter on aarch64, clock_gettime(CLOCK_MONOTONIC)
     where neither is safe; calibrated to ns once), a log-linear latency histogram with HdrHistogram's
     bucket layout (range and significant digits set at init, memory the caller supplies, no allocation
     and no lock on record), its percentile-distribution output in the format HdrHistogram prints, and
     single-writer counters with a rate helper (ops and bytes per second from two snapshots). The
     histogram, the counters and the rates are freestanding (Cortex-M4); the clock needs an OS.

   EXAMPLE
     #define LLSTAT_IMPLEMENTATION
     #include "llstat.h"
     #include <stdio.h>
     int main(void) {
         static uint64_t mem[34000]; // >= llstat_hist_memsize(1, 3600000000000u, 3) bytes
         llstat_hist *h = (llstat_hist *)(void *)mem; // 1 ns .. 1 h, 3 significant digits:
         if (llstat_hist_init(h, sizeof mem, 1, 3600000000000u, 3) != LLSTAT_OK) return 1;
         llstat_clock_init(LLSTAT_CLOCK_AUTO);        // once, at start-up (~10 ms of calibration)
         for (int i = 0; i < 1000; i++) {
             uint64_t t0 = llstat_now();              // ... the code being timed ...
             llstat_hist_record(h, llstat_ticks_to_ns(llstat_now() - t0));
         }
         return llstat_hist_print(h, stdout, 5, 1.0, false) == LLSTAT_OK ? 0 : 1; // HdrHistogram's format
     }

   OPTIONS (define before including)
     LLSTAT_IMPLEMENTATION [one unit] emit the implementation (LL_IMPLEMENTATION: every ll header).
     LLSTAT_STATIC        [any unit] a private copy in this unit: implies LLSTAT_IMPLEMENTATION, every API
                          function static, and a clock calibrated for this unit alone (LL_STATIC: every
                          ll header).
     LLSTAT_ASSERT(x)     [one unit] assertion for internal invariants (default: assert(), nothing when
                          freestanding).
     LLSTAT_FREESTANDING  [every unit] histogram, counters and rates only: no clock, no printing (on by
                          itself when __STDC_HOSTED__ == 0).
     LLSTAT_NO_COUNTER    [every unit] never read the TSC / CNTVCT_EL0: llstat_now() is always the
                          monotonic clock.
     LLSTAT_INLINE        [every unit] marker of the inline hot paths (default static inline).
     LLSTAT_CALIBRATE_MS  [one unit] length of the counter's calibration against CLOCK_MONOTONIC, default
                          10 (error ~1e-5 of a rate; the LLSTAT_CALIBRATE_MS environment variable wins).

   API (hot paths inline; h = caller memory of llstat_hist_memsize bytes, 8-byte aligned)
     histogram   size_t llstat_hist_memsize(lowest, highest, digits);
                 int    llstat_hist_init(h, memsize, lowest, highest, digits);
                 bool   llstat_hist_record(h, v)  llstat_hist_record_n(h, v, n)      (one writer)
                 bool   llstat_hist_record_local(h, v)        (one writer, no concurrent reader)
                 bool   llstat_hist_record_atomic(h, v)  llstat_hist_record_n_atomic(h, v, n) (any)
                 uint64_t llstat_hist_percentile(h, pct)   (pct in 0..100, HdrHistogram's definition)
                 llstat_hist_count, _sum, _mean (exact), _min, _max (bucket bounds), _stddev,
                 _overflow, llstat_hist_reset(h), int llstat_hist_merge(dst, src)
                 llstat_hist_lowest_equivalent(h, v), _highest_equivalent(h, v), llstat_hist_index(h, v)
                 llstat_hist_iter_init(&it, h) / llstat_hist_iter_next(&it): the non-empty buckets
                 llstat_hist_pctl_init(&it, h, ticks) / llstat_hist_pctl_next(&it): distribution lines
                 int llstat_hist_print(h, FILE *, ticks_per_half, value_scale, csv)    (hosted)
     counters    llstat_counter_add(c, n)  llstat_counter_max(c, v)  llstat_counter_read(c)
                 llstat_counter_add_atomic(c, n)  llstat_counter_reset(c)
     rates       int llstat_rate_between(&before, &after, &rate)   (llstat_snapshot -> llstat_rate)
     clock       int llstat_clock_init(LLSTAT_CLOCK_AUTO | _COUNTER | _MONOTONIC)     (hosted)
                 uint64_t llstat_now(void)  llstat_now_fenced(void)  llstat_now_ns(void)
                 uint64_t llstat_ticks_to_ns(ticks)  llstat_ns_to_ticks(ns)
                 llstat_clock_source(), llstat_clock_name(), llstat_clock_reason(), llstat_clock_hz()
     misc        const char *llstat_strerror(int err);  const char *llstat_version(void);

   SEMANTICS
     Histogram (HdrHistogram's layout, described exactly in docs/llstat.md): values 0 .. highest in
     buckets whose width is at most 10^-digits of their value (digits 0..5). sub_bucket_count =
     2^ceil(log2(2 * 10^digits)), unit = floor(log2(lowest)); bucket 0 holds sub_bucket_count slots of
     width 2^unit, every later bucket k the upper half_count = sub_bucket_count / 2 slots of width
     2^(unit + k). counts_len = (bucket_count + 1) * half_count 64-bit counters follow a 128-byte header.
     Record costs an OR, a count of leading zeros, three shifts and a subtract (the rest of the index is
     precomputed in the header), then two increments (the bucket and the sum); there is no total counter
     and no min/max on the hot path: count, min and max are read from the buckets (min/max at bucket
     resolution, as HdrHistogram reports them), the sum is exact. A value above the top of the range is
     counted in the last bucket and in llstat_hist_overflow (record returns false), so count and sum stay
     exact. llstat_hist_percentile(h, p) is the highest value equivalent to the sample at rank
     ceil(p/100 * count) (the lowest for p == 0), as HdrHistogram's getValueAtPercentile.
     llstat_hist_mean is sum / count; llstat_hist_stddev and the printed Mean use bucket midpoints, as
     HdrHistogram does, so the output compares line for line with HdrHistogram's.
     Clock: llstat_now() returns ticks of the chosen source (TSC cycles, CNTVCT ticks, or ns for the
     fallback), llstat_ticks_to_ns converts a difference, llstat_now_ns() is ns on CLOCK_MONOTONIC's
     scale (equal to it at calibration, then advancing at the calibrated rate). The rule for the counter
     (x86): CPUID 0x80000007 EDX bit 8 (invariant TSC) is set, and the kernel's clocksource
     (/sys/devices/system/clocksource/clocksource0/current_clocksource) is "tsc"; where that file cannot
     be read the TSC is used on bare metal and not under a hypervisor (CPUID 1 ECX bit 31). On a VM the
     kernel keeps kvm-clock (or hyperv/xen) when it found the TSC unreliable, and so does llstat.
     aarch64: CNTVCT_EL0 unless the kernel's clocksource is readable and is not "arch_sys_counter".
     llstat_clock_name()/llstat_clock_reason() say what was chosen and why.

   ERRORS
     init/merge/print/clock_init/rate_between return LLSTAT_OK or: LLSTAT_EINVAL (NULL, uninitialised
     histogram, bad source), LLSTAT_ERANGE (lowest < 1, highest < 2 * lowest, digits > 5, a range too wide
     for 64 bits; counters that went backwards between two snapshots), LLSTAT_ENOBUFS (memsize too small),
     LLSTAT_EFAULT (memory not 8-byte aligned), LLSTAT_EOPNOTSUPP (no cycle counter in this build),
     LLSTAT_EIO (the FILE reported a write error).

   THREADS
     llstat_hist_record and llstat_counter_add are single-writer: one thread records into a histogram
     (or adds to a counter) and any thread may read it at the same time (each counter is written by one
     store: an `add` to memory on x86-64, a relaxed atomic load and store elsewhere; readers load relaxed).
     llstat_hist_record_local is for a histogram nobody reads until its owner hands it over. Many
     writers: give each thread its own histogram and merge them on read (llstat_hist_merge into a
     histogram the reader owns), or use the _atomic forms on one shared histogram (one atomic add per
     counter: see docs/llstat.md for the measured cost). A merge during
     recording sees each bucket atomically but not all buckets at one instant. reset and merge write their
     destination: only its writer may call them. llstat_clock_init runs once before the clock is used
     (concurrent first uses initialise it once); calling it again re-calibrates and must not race with
     other threads' conversions. On 32-bit targets without 64-bit atomics (Cortex-M) reads from another
     thread may tear and the _atomic forms need libatomic.

   ENVIRONMENT
     LLSTAT_CLOCK=counter|monotonic|auto  overrides the choice made by llstat_clock_init(LLSTAT_CLOCK_AUTO).
     LLSTAT_CALIBRATE_MS=n                length of the calibration in ms (1..1000).

   PLATFORMS
     Linux x86-64/i386 (TSC), Linux aarch64 (CNTVCT_EL0), other POSIX (clock_gettime), Windows
     (QueryPerformanceCounter fallback; the TSC on bare metal), freestanding (histogram and counters).
*/
#if defined(LL_IMPLEMENTATION) && !defined(LLSTAT_IMPLEMENTATION)
#define LLSTAT_IMPLEMENTATION
#endif
#if defined(LL_STATIC) && !defined(LLSTAT_STATIC)
#define LLSTAT_STATIC
#endif
#if defined(LLSTAT_STATIC) && !defined(LLSTAT_IMPLEMENTATION)
#define LLSTAT_IMPLEMENTATION /* static functions are defined in every unit that uses them */
#endif
#if defined(LLSTAT_IMPLEMENTATION) && defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifndef LLSTAT_H
#define LLSTAT_H

#define LLSTAT_VERSION_MAJOR 0
#define LLSTAT_VERSION_MINOR 2
#define LLSTAT_VERSION_PATCH 0
#define LLSTAT_VERSION_STRING "0.2.0"

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LLSTAT_I_UNUSED __attribute__((unused))
#define LLSTAT_LIKELY(x) __builtin_expect(!!(x), 1)
#define LLSTAT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LLSTAT_I_UNUSED
#define LLSTAT_LIKELY(x) (x)
#define LLSTAT_UNLIKELY(x) (x)
#endif
#ifdef LLSTAT_STATIC
#define LLSTATDEF static LLSTAT_I_UNUSED
#else
#define LLSTATDEF extern
#endif
#ifndef LLSTAT_INLINE
#define LLSTAT_INLINE static inline LLSTAT_I_UNUSED
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(LLSTAT_FREESTANDING) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#define LLSTAT_FREESTANDING
#endif
#ifndef LLSTAT_FREESTANDING
#include <stdio.h> /* FILE, for llstat_hist_print */
#endif
/* the cycle counter: x86 TSC or the aarch64 virtual counter, read with inline asm */
#if !defined(LLSTAT_FREESTANDING) && !defined(LLSTAT_NO_COUNTER) && (defined(__GNUC__) || defined(__clang__))
#if defined(__x86_64__) || defined(__i386__)
#define LLSTAT_I_TSC 1
#define LLSTAT_I_COUNTER 1
#elif defined(__aarch64__)
#define LLSTAT_I_CNTVCT 1
#define LLSTAT_I_COUNTER 1
#endif
#endif

/* error codes (negative; values mirror Linux errno) */
#define LLSTAT_OK 0
#define LLSTAT_EIO (-5)          /* the output stream reported a write error */
#define LLSTAT_EFAULT (-14)      /* memory not 8-byte aligned */
#define LLSTAT_EINVAL (-22)      /* NULL pointer, uninitialised histogram, unknown clock source */
#define LLSTAT_ERANGE (-34)      /* range or digits out of bounds; counters went backwards */
#define LLSTAT_EOPNOTSUPP (-95)  /* no cycle counter in this build or on this architecture */
#define LLSTAT_ENOBUFS (-105)    /* memory too small */

/* single-writer counters: relaxed atomic loads and stores (plain moves) where 64-bit atomics are
   lock-free, so another thread may read while the owner writes; plain accesses elsewhere (Cortex-M) */
#if defined(__GCC_ATOMIC_LLONG_LOCK_FREE) && __GCC_ATOMIC_LLONG_LOCK_FREE == 2
#define LLSTAT_I_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define LLSTAT_I_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#else
#define LLSTAT_I_LOAD(p) (*(p))
#define LLSTAT_I_STORE(p, v) (*(p) = (v))
#endif
#define LLSTAT_I_ADD(p, n) LLSTAT_I_STORE((p), LLSTAT_I_LOAD(p) + (n))
/* the histogram's single-writer add: on x86-64 one `add` to memory (a single aligned 8-byte store that a
   reader sees whole; the compiler keeps the layout fields in registers around it, which it does not
   around atomic builtins: ~1 ns less per record). Under ThreadSanitizer the atomic form above, so the
   tool checks the same protocol. */
#if defined(__SANITIZE_THREAD__)
#define LLSTAT_I_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LLSTAT_I_TSAN 1
#endif
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(LLSTAT_I_TSAN)
#define LLSTAT_I_HADD(p, n) __asm__ __volatile__("addq %1, %0" : "+m"(*(p)) : "er"((uint64_t)(n)))
#else
#define LLSTAT_I_HADD(p, n) LLSTAT_I_ADD(p, n)
#endif
#define LLSTAT_I_ATOMIC_ADD(p, n) ((void)__atomic_fetch_add((p), (n), __ATOMIC_RELAXED))

#define LLSTAT_HIST_MAGIC 0x6c6c6873u /* "llhs": init ran on this memory */
#define LLSTAT_HIST_LAYOUT 2u         /* version of the layout below */

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* helpers                                                                                     */

LLSTAT_INLINE uint32_t llstat_i_clz64(uint64_t x) { /* x != 0 */
    return (uint32_t)__builtin_clzll((unsigned long long)x);
}

LLSTATDEF const char *llstat_strerror(int err);
LLSTATDEF const char *llstat_version(void);

/* ------------------------------------------------------------------------------------------ */
/* histogram                                                                                   */

/* The header of a histogram: 128 bytes, then counts_len uint64_t counters (llstat_hist_counts). The
   first line holds everything record reads and writes; the second, the parameters as given. A copy
   under another prefix keeps these fields, their order and their meaning (docs/llstat.md). What record
   reads is precomputed here, in 32-bit fields where it fits: GCC keeps those in registers across a loop
   of records (the counter stores are 64-bit, so by type they cannot change them). */
typedef struct llstat_hist {
    uint64_t sum;             /* sum of every recorded value (those above top_value unclamped) */
    uint64_t overflow;        /* samples above top_value, counted in the last bucket */
    uint64_t top_value;       /* highest value with a bucket of its own */
    uint64_t sub_bucket_mask; /* (sub_bucket_count - 1) << unit_magnitude */
    uint32_t shift_base;      /* 63 - half_magnitude: shift = shift_base - clz(v | sub_bucket_mask) */
    uint32_t half_magnitude;  /* log2(sub_bucket_count) - 1 */
    uint32_t unit_magnitude;  /* floor(log2(lowest)) */
    uint32_t counts_len;      /* counters after the header: (bucket_count + 1) << half_magnitude */
    uint32_t slot_origin;     /* 128 + 8 * ((shift_base - unit_magnitude) << half_magnitude): see below */
    uint32_t min_clz;         /* v <= top_value exactly when clz(v | sub_bucket_mask) >= min_clz */
    uint64_t reserved0;
    uint64_t lowest;          /* lowest discernible value, as given */
    uint64_t highest;         /* highest trackable value, as given */
    uint32_t digits;          /* significant decimal digits, 0..5 */
    uint32_t bucket_count;    /* buckets (powers of two) covering 0..highest */
    uint32_t magic;           /* LLSTAT_HIST_MAGIC */
    uint32_t layout;          /* LLSTAT_HIST_LAYOUT */
    uint64_t reserved1[4];
} llstat_hist;

/* bytes of caller memory for a histogram of [lowest, highest] with `digits` significant digits; 0 when
   the arguments are invalid (lowest < 1, highest < 2 * lowest, digits > 5, range too wide) */
LLSTATDEF size_t llstat_hist_memsize(uint64_t lowest, uint64_t highest, uint32_t digits);
/* lay a histogram out in mem (8-byte aligned, memsize bytes) and zero it; 0 or LLSTAT_E* */
LLSTATDEF int llstat_hist_init(llstat_hist *h, size_t memsize, uint64_t lowest, uint64_t highest,
                               uint32_t digits);

LLSTAT_INLINE uint64_t *llstat_hist_counts(llstat_hist *h) { return (uint64_t *)(void *)(h + 1); }
LLSTAT_INLINE const uint64_t *llstat_hist_counts_const(const llstat_hist *h) {
    return (const uint64_t *)(const void *)(h + 1);
}
/* Where v is counted. With z = clz(v | sub_bucket_mask) (the OR puts the values of bucket 0 under its
   top bit), HdrHistogram's counts_index_for(v) with the bucket and sub-bucket folded is
       index = ((63 - half - unit - z) << half) + (v >> (63 - half - z))
             = index_base + ((v << z) >> shift_base) - (z << half),   index_base = (63 - half - unit) << half
   (v << z loses no bit: z <= clz(v)). It holds for every 64-bit v; index < counts_len exactly when
   z >= min_clz. The counter's address is h + slot_origin + 8 * ((v << z) >> shift_base) - 8 * (z << half)
   with slot_origin = 128 + 8 * index_base: record is an OR, an LZCNT, three shifts and a subtract before
   its two adds, the constant folding into the address. */
LLSTAT_INLINE uint32_t llstat_i_hist_clz(const llstat_hist *h, uint64_t v) {
    return llstat_i_clz64(v | h->sub_bucket_mask);
}
LLSTAT_INLINE uint64_t llstat_i_hist_index(const llstat_hist *h, uint64_t v) {
    uint32_t z = llstat_i_hist_clz(h, v);
    return (uint64_t)((h->slot_origin - sizeof(llstat_hist)) / 8u) + ((v << z) >> h->shift_base) -
           ((uint64_t)z << h->half_magnitude);
}
LLSTAT_INLINE uint32_t llstat_hist_index(const llstat_hist *h, uint64_t v) { /* v <= top_value */
    return (uint32_t)llstat_i_hist_index(h, v);
}
/* how a record form adds to a counter (a constant: each form compiles to one kind) */
#define LLSTAT_I_OWNER 0  /* LLSTAT_I_HADD: single writer, concurrent readers */
#define LLSTAT_I_LOCAL 1  /* plain +=: nobody else touches the histogram meanwhile */
#define LLSTAT_I_SHARED 2 /* atomic add: many writers */
LLSTAT_INLINE void llstat_i_hist_bump(uint64_t *p, uint64_t n, int kind) {
    if (kind == LLSTAT_I_OWNER)
        LLSTAT_I_HADD(p, n);
    else if (kind == LLSTAT_I_LOCAL)
        *p += n;
    else
        LLSTAT_I_ATOMIC_ADD(p, n);
}
/* Every field is read before the branch: one read only on the likely path would not be kept in a
   register across a loop of records. The address is computed in uintptr_t: its constant part may lie
   outside the counters, and modular arithmetic holds with a 32-bit uintptr_t too. */
LLSTAT_INLINE bool llstat_i_hist_record(llstat_hist *h, uint64_t v, uint64_t n, int kind) {
    uint32_t shift_base = h->shift_base, half = h->half_magnitude, min_clz = h->min_clz;
    uintptr_t origin = (uintptr_t)h + h->slot_origin;
    uint32_t z = llstat_i_hist_clz(h, v);
    llstat_i_hist_bump(&h->sum, v * n, kind);
    if (LLSTAT_LIKELY(z >= min_clz)) {
        uintptr_t slot = origin + (uintptr_t)(((v << z) >> shift_base) - ((uint64_t)z << half)) * 8u;
        llstat_i_hist_bump((uint64_t *)(void *)slot, n, kind);
        return true;
    }
    llstat_i_hist_bump(&h->overflow, n, kind);
    llstat_i_hist_bump(&llstat_hist_counts(h)[h->counts_len - 1], n, kind);
    return false;
}

/* record one value: the owner thread only (readers may run at the same time). false when v was above
   the range: it is then counted in the last bucket and in llstat_hist_overflow */
LLSTAT_INLINE bool llstat_hist_record(llstat_hist *h, uint64_t v) {
    return llstat_i_hist_record(h, v, 1u, LLSTAT_I_OWNER);
}
/* record n samples of value v (v * n is added to the sum) */
LLSTAT_INLINE bool llstat_hist_record_n(llstat_hist *h, uint64_t v, uint64_t n) {
    return llstat_i_hist_record(h, v, n, LLSTAT_I_OWNER);
}
/* record into a histogram that no other thread reads or writes until this one hands it over (after
   a join, through a queue, or at the swap of an interval): plain increments in C, as cheap as
   llstat_hist_record on x86-64 and cheaper elsewhere; a concurrent reader is a data race */
LLSTAT_INLINE bool llstat_hist_record_local(llstat_hist *h, uint64_t v) {
    return llstat_i_hist_record(h, v, 1u, LLSTAT_I_LOCAL);
}
/* the same from any number of threads at once: one relaxed atomic add per counter */
LLSTAT_INLINE bool llstat_hist_record_n_atomic(llstat_hist *h, uint64_t v, uint64_t n) {
    return llstat_i_hist_record(h, v, n, LLSTAT_I_SHARED);
}
LLSTAT_INLINE bool llstat_hist_record_atomic(llstat_hist *h, uint64_t v) {
    return llstat_hist_record_n_atomic(h, v, 1u);
}

/* value at counts index i: the lowest value of that bucket */
LLSTATDEF uint64_t llstat_hist_value_at_index(const llstat_hist *h, uint32_t i);
LLSTATDEF uint64_t llstat_hist_lowest_equivalent(const llstat_hist *h, uint64_t v);
LLSTATDEF uint64_t llstat_hist_highest_equivalent(const llstat_hist *h, uint64_t v);
LLSTATDEF uint64_t llstat_hist_count(const llstat_hist *h);    /* sum of the buckets */
LLSTATDEF uint64_t llstat_hist_sum(const llstat_hist *h);      /* exact sum of the recorded values */
LLSTATDEF uint64_t llstat_hist_overflow(const llstat_hist *h); /* samples above the range */
LLSTATDEF double llstat_hist_mean(const llstat_hist *h);       /* sum / count, 0 when empty */
LLSTATDEF uint64_t llstat_hist_min(const llstat_hist *h);      /* lowest equivalent of the first sample */
LLSTATDEF uint64_t llstat_hist_max(const llstat_hist *h);      /* highest equivalent of the last one */
LLSTATDEF double llstat_hist_stddev(const llstat_hist *h);     /* over bucket midpoints (HdrHistogram's) */
/* value at percentile pct (0..100): HdrHistogram's getValueAtPercentile; 0 when empty */
LLSTATDEF uint64_t llstat_hist_percentile(const llstat_hist *h, double pct);
LLSTATDEF void llstat_hist_reset(llstat_hist *h);
/* add src into dst (dst's writer only; src may be recorded into meanwhile). Same layout: bucket by
   bucket; different layouts: each src bucket re-recorded at its lowest value, as HdrHistogram's add.
   0 or LLSTAT_EINVAL */
LLSTATDEF int llstat_hist_merge(llstat_hist *dst, const llstat_hist *src);

/* the non-empty buckets, lowest first */
typedef struct llstat_hist_iter {
    const llstat_hist *h;
    uint32_t index;      /* counts index of the current bucket */
    uint32_t next_index; /* where the next call looks */
    uint64_t from, to;   /* lowest and highest value of the bucket */
    uint64_t count;      /* samples in it */
    uint64_t cumulative; /* samples in it and every bucket below */
} llstat_hist_iter;
LLSTATDEF void llstat_hist_iter_init(llstat_hist_iter *it, const llstat_hist *h);
LLSTATDEF bool llstat_hist_iter_next(llstat_hist_iter *it);

/* the percentile-distribution lines (HdrHistogram's PercentileIterator): levels 0 %, then
   ticks_per_half steps in each half of the distance left to 100 %, ending with one line at 100 % */
typedef struct llstat_hist_pctl {
    const llstat_hist *h;
    uint64_t value;      /* highest value of the bucket where the level was reached */
    double percentile;   /* the reporting level, 0..100 */
    uint64_t cumulative; /* samples at or below value */
    uint64_t total;      /* samples when the iteration began */
    double level_;       /* private: the next reporting level */
    uint64_t count_at_;
    uint32_t index_, ticks_;
    bool fresh_, reached_last_;
} llstat_hist_pctl;
LLSTATDEF void llstat_hist_pctl_init(llstat_hist_pctl *it, const llstat_hist *h, uint32_t ticks_per_half);
LLSTATDEF bool llstat_hist_pctl_next(llstat_hist_pctl *it);

#ifndef LLSTAT_FREESTANDING
/* HdrHistogram's outputPercentileDistribution: "Value Percentile TotalCount 1/(1-Percentile)" lines and
   the Mean/StdDeviation/Max/Total count/Buckets footer, or the CSV form; values divided by value_scale
   (e.g. 1000.0 to print ns as us). 0, LLSTAT_EINVAL or LLSTAT_EIO */
LLSTATDEF int llstat_hist_print(const llstat_hist *h, FILE *out, uint32_t ticks_per_half, double value_scale,
                                bool csv);
#endif

/* ------------------------------------------------------------------------------------------ */
/* counters and rates                                                                          */

typedef struct llstat_counter {
    uint64_t value;
} llstat_counter;
/* one writer; readers anywhere. A plain load, add and store: no lock, no atomic read-modify-write */
LLSTAT_INLINE void llstat_counter_add(llstat_counter *c, uint64_t n) { LLSTAT_I_ADD(&c->value, n); }
/* high-water mark: keep the largest value seen (one writer) */
LLSTAT_INLINE void llstat_counter_max(llstat_counter *c, uint64_t v) {
    if (v > LLSTAT_I_LOAD(&c->value)) LLSTAT_I_STORE(&c->value, v);
}
LLSTAT_INLINE void llstat_counter_add_atomic(llstat_counter *c, uint64_t n) { LLSTAT_I_ATOMIC_ADD(&c->value, n); }
LLSTAT_INLINE uint64_t llstat_counter_read(const llstat_counter *c) { return LLSTAT_I_LOAD(&c->value); }
LLSTAT_INLINE void llstat_counter_reset(llstat_counter *c) { LLSTAT_I_STORE(&c->value, 0u); }

typedef struct llstat_snapshot {
    uint64_t ns;    /* when (llstat_now_ns(), or any ns clock) */
    uint64_t ops;   /* an operation counter at that time */
    uint64_t bytes; /* a byte counter at that time */
} llstat_snapshot;
typedef struct llstat_rate {
    uint64_t ns, ops, bytes;            /* differences over the interval */
    double ops_per_sec, bytes_per_sec;
} llstat_rate;
/* rates between two snapshots of the same counters. LLSTAT_EINVAL (NULL, after not later than before),
   LLSTAT_ERANGE (a counter went backwards: reset in between); *out is zeroed on error */
LLSTATDEF int llstat_rate_between(const llstat_snapshot *before, const llstat_snapshot *after, llstat_rate *out);

/* ------------------------------------------------------------------------------------------ */
/* clock                                                                                       */

#define LLSTAT_CLOCK_AUTO 0      /* the counter where the rule above says it is safe, else monotonic */
#define LLSTAT_CLOCK_COUNTER 1   /* TSC / CNTVCT_EL0 whatever the rule says (LLSTAT_EOPNOTSUPP if none) */
#define LLSTAT_CLOCK_MONOTONIC 2 /* clock_gettime(CLOCK_MONOTONIC) (QueryPerformanceCounter on Windows) */

#ifndef LLSTAT_FREESTANDING
typedef struct llstat_i_clock_state {
    int source;         /* LLSTAT_CLOCK_COUNTER or _MONOTONIC once chosen, 0 before */
    int state;          /* 0 not initialised, 1 being initialised, 2 ready */
    uint64_t ns_mult;   /* ns = ticks * ns_mult >> 32 */
    uint64_t tick_mult; /* ticks = ns * tick_mult >> 32 */
    uint64_t base_ticks, base_ns; /* one reading of both clocks, taken together at calibration */
    const char *name;
    char reason[160];
} llstat_i_clock_state;
#ifdef LLSTAT_STATIC
static llstat_i_clock_state llstat_i_clock_g LLSTAT_I_UNUSED;
#else
extern llstat_i_clock_state llstat_i_clock_g;
#endif

/* choose and calibrate the clock (LLSTAT_CLOCK_AUTO, _COUNTER or _MONOTONIC); 0 or LLSTAT_E*. The first
   use of the clock calls it with LLSTAT_CLOCK_AUTO if the program did not */
LLSTATDEF int llstat_clock_init(int source);
LLSTATDEF int llstat_clock_source(void);         /* LLSTAT_CLOCK_COUNTER or LLSTAT_CLOCK_MONOTONIC */
LLSTATDEF const char *llstat_clock_name(void);   /* "tsc", "cntvct", "clock_gettime(CLOCK_MONOTONIC)" */
LLSTATDEF const char *llstat_clock_reason(void); /* why that source */
LLSTATDEF double llstat_clock_hz(void);          /* ticks per second */
LLSTATDEF uint64_t llstat_i_now_slow(void);
LLSTATDEF void llstat_i_clock_lazy(void);

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 llstat_i_u128;
#endif
/* (a * m) >> 32, the fixed-point conversion between ticks and ns */
LLSTAT_INLINE uint64_t llstat_i_mulshift32(uint64_t a, uint64_t m) {
#if defined(__SIZEOF_INT128__)
    return (uint64_t)(((llstat_i_u128)a * m) >> 32);
#else
    uint64_t alo = a & 0xffffffffu, ahi = a >> 32, mlo = m & 0xffffffffu, mhi = m >> 32;
    return ((ahi * mhi) << 32) + ahi * mlo + alo * mhi + ((alo * mlo) >> 32);
#endif
}
LLSTAT_INLINE uint64_t llstat_i_counter(void) {
#if defined(LLSTAT_I_TSC)
    return (uint64_t)__builtin_ia32_rdtsc();
#elif defined(LLSTAT_I_CNTVCT)
    uint64_t v;
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
    return v;
#else
    return 0;
#endif
}
/* ticks of the chosen source, cheapest read (not ordered with the instructions around it) */
LLSTAT_INLINE uint64_t llstat_now(void) {
#if defined(LLSTAT_I_COUNTER)
    if (LLSTAT_LIKELY(__atomic_load_n(&llstat_i_clock_g.source, __ATOMIC_RELAXED) == LLSTAT_CLOCK_COUNTER))
        return llstat_i_counter();
#endif
    return llstat_i_now_slow();
}
/* the same, after every earlier instruction has completed (lfence; rdtsc / isb; mrs) */
LLSTAT_INLINE uint64_t llstat_now_fenced(void) {
#if defined(LLSTAT_I_TSC)
    __asm__ __volatile__("lfence" ::: "memory");
#elif defined(LLSTAT_I_CNTVCT)
    __asm__ __volatile__("isb" ::: "memory");
#endif
    return llstat_now();
}
/* a difference of ticks in ns */
LLSTAT_INLINE uint64_t llstat_ticks_to_ns(uint64_t ticks) {
    if (LLSTAT_UNLIKELY(__atomic_load_n(&llstat_i_clock_g.state, __ATOMIC_ACQUIRE) != 2)) llstat_i_clock_lazy();
    return llstat_i_mulshift32(ticks, llstat_i_clock_g.ns_mult);
}
LLSTAT_INLINE uint64_t llstat_ns_to_ticks(uint64_t ns) {
    if (LLSTAT_UNLIKELY(__atomic_load_n(&llstat_i_clock_g.state, __ATOMIC_ACQUIRE) != 2)) llstat_i_clock_lazy();
    return llstat_i_mulshift32(ns, llstat_i_clock_g.tick_mult);
}
/* ns on CLOCK_MONOTONIC's scale: equal to it at calibration, then advancing at the calibrated rate */
LLSTAT_INLINE uint64_t llstat_now_ns(void) {
    uint64_t t = llstat_now(), bt;
    if (LLSTAT_UNLIKELY(__atomic_load_n(&llstat_i_clock_g.state, __ATOMIC_ACQUIRE) != 2)) llstat_i_clock_lazy();
    bt = llstat_i_clock_g.base_ticks;
    if (LLSTAT_LIKELY(t >= bt)) return llstat_i_clock_g.base_ns + llstat_i_mulshift32(t - bt, llstat_i_clock_g.ns_mult);
    return llstat_i_clock_g.base_ns - llstat_i_mulshift32(bt - t, llstat_i_clock_g.ns_mult); /* a core behind */
}
#endif /* !LLSTAT_FREESTANDING */

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLSTAT_H */

/* ========================================================================================== */
/* implementation                                                                              */

#if defined(LLSTAT_IMPLEMENTATION) && !defined(LLSTAT_I_IMPLEMENTED)
#define LLSTAT_I_IMPLEMENTED
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(LLSTAT_FREESTANDING)
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#endif
#endif

#ifndef LLSTAT_ASSERT
#if defined(LLSTAT_FREESTANDING) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#define LLSTAT_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define LLSTAT_ASSERT(x) assert(x)
#endif
#endif
#ifndef LLSTAT_CALIBRATE_MS
#define LLSTAT_CALIBRATE_MS 10
#endif

#ifdef __cplusplus
extern "C" {
#endif

LLSTATDEF const char *llstat_version(void) { return LLSTAT_VERSION_STRING; }

LLSTATDEF const char *llstat_strerror(int err) {
    switch (err) {
    case LLSTAT_OK: return "success";
    case LLSTAT_EIO: return "write error on the output stream";
    case LLSTAT_EFAULT: return "memory not 8-byte aligned";
    case LLSTAT_EINVAL: return "invalid argument (NULL, uninitialised histogram or unknown source)";
    case LLSTAT_ERANGE: return "out of range (histogram range or digits; counter went backwards)";
    case LLSTAT_EOPNOTSUPP: return "no cycle counter in this build";
    case LLSTAT_ENOBUFS: return "memory too small";
    default: return "unknown error";
    }
}

/* ------------------------------------------------------------------------------------------ */
/* histogram                                                                                   */

/* the layout for (lowest, highest, digits); 0 or LLSTAT_ERANGE. Fills the fields init sets. */
static int llstat_i_hist_layout(llstat_hist *l, uint64_t lowest, uint64_t highest, uint32_t digits) {
    uint64_t single_unit = 2, smallest_untrackable;
    uint32_t mag = 0, unit, half, buckets = 1, i;
    if (lowest < 1 || digits > 5 || highest / 2 < lowest) return LLSTAT_ERANGE;
    for (i = 0; i < digits; i++) single_unit *= 10; /* 2 * 10^digits: unit resolution up to here */
    while (((uint64_t)1 << mag) < single_unit) mag++; /* ceil(log2(2 * 10^digits)) */
    half = (mag > 1 ? mag : 1) - 1;
    unit = 63u - llstat_i_clz64(lowest);
    if (unit + half > 61u) return LLSTAT_ERANGE; /* as HdrHistogram: the top bucket must fit 64 bits */
    smallest_untrackable = (uint64_t)2 << (half + unit); /* sub_bucket_count << unit */
    while (smallest_untrackable <= highest) {
        if (smallest_untrackable > UINT64_MAX / 2) { buckets++; break; }
        smallest_untrackable <<= 1;
        buckets++;
    }
    l->half_magnitude = half;
    l->unit_magnitude = unit;
    l->shift_base = 63u - half;
    l->sub_bucket_mask = (((uint64_t)2 << half) - 1) << unit;
    l->slot_origin = (uint32_t)sizeof(llstat_hist) + 8u * ((63u - half - unit) << half);
    l->bucket_count = buckets;
    l->counts_len = (buckets + 1u) << half;
    /* the top of the last bucket: sub_bucket_count << (buckets - 1 + unit), minus one */
    l->top_value = buckets - 1u + unit + half + 1u >= 64u ? UINT64_MAX
                                                           : ((uint64_t)1 << (buckets + unit + half)) - 1u;
    l->min_clz = buckets + unit + half >= 64u ? 0u : 64u - (buckets + unit + half);
    l->lowest = lowest;
    l->highest = highest;
    l->digits = digits;
    return LLSTAT_OK;
}

LLSTATDEF size_t llstat_hist_memsize(uint64_t lowest, uint64_t highest, uint32_t digits) {
    llstat_hist l;
    size_t max_len = (SIZE_MAX - sizeof(llstat_hist)) / sizeof(uint64_t); /* binds on 32-bit targets */
    if (llstat_i_hist_layout(&l, lowest, highest, digits) != LLSTAT_OK) return 0;
    if ((size_t)l.counts_len > max_len) return 0;
    return sizeof(llstat_hist) + (size_t)l.counts_len * sizeof(uint64_t);
}

LLSTATDEF int llstat_hist_init(llstat_hist *h, size_t memsize, uint64_t lowest, uint64_t highest,
                               uint32_t digits) {
    llstat_hist l;
    uint64_t *counts;
    size_t need, i;
    int r;
    if (!h) return LLSTAT_EINVAL;
    if (((uintptr_t)h & 7u) != 0) return LLSTAT_EFAULT;
    r = llstat_i_hist_layout(&l, lowest, highest, digits);
    if (r) return r;
    need = llstat_hist_memsize(lowest, highest, digits);
    if (need == 0) return LLSTAT_ERANGE;
    if (memsize < need) return LLSTAT_ENOBUFS;
    l.sum = 0;
    l.overflow = 0;
    l.reserved0 = 0;
    for (i = 0; i < 4; i++) l.reserved1[i] = 0;
    l.magic = LLSTAT_HIST_MAGIC;
    l.layout = LLSTAT_HIST_LAYOUT;
    *h = l;
    counts = llstat_hist_counts(h);
    for (i = 0; i < l.counts_len; i++) counts[i] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return LLSTAT_OK;
}

static bool llstat_i_hist_ok(const llstat_hist *h) {
    return h && h->magic == LLSTAT_HIST_MAGIC && h->layout == LLSTAT_HIST_LAYOUT;
}

LLSTATDEF uint64_t llstat_hist_value_at_index(const llstat_hist *h, uint32_t i) {
    uint32_t bucket = i >> h->half_magnitude, sub = i & ((1u << h->half_magnitude) - 1u);
    if (bucket == 0) return (uint64_t)sub << h->unit_magnitude; /* the lower half of bucket 0 */
    /* index = (bucket_index + 1) * half_count + (sub_bucket_index - half_count) */
    return ((uint64_t)sub + ((uint64_t)1 << h->half_magnitude)) << (bucket - 1u + h->unit_magnitude);
}
/* the shift (bucket + unit) of the bucket holding v: every value in it is a multiple of 2^shift */
static uint32_t llstat_i_hist_shift(const llstat_hist *h, uint64_t v) {
    return h->shift_base - llstat_i_clz64(v | h->sub_bucket_mask);
}
LLSTATDEF uint64_t llstat_hist_lowest_equivalent(const llstat_hist *h, uint64_t v) {
    uint32_t s = llstat_i_hist_shift(h, v);
    return (v >> s) << s;
}
LLSTATDEF uint64_t llstat_hist_highest_equivalent(const llstat_hist *h, uint64_t v) {
    uint32_t s = llstat_i_hist_shift(h, v);
    return ((v >> s) << s) + (((uint64_t)1 << s) - 1u);
}
static uint64_t llstat_i_hist_median_equivalent(const llstat_hist *h, uint64_t v) {
    uint32_t s = llstat_i_hist_shift(h, v);
    return ((v >> s) << s) + (((uint64_t)1 << s) >> 1);
}

LLSTATDEF uint64_t llstat_hist_count(const llstat_hist *h) {
    const uint64_t *counts;
    uint64_t n = 0;
    uint32_t i;
    if (!llstat_i_hist_ok(h)) return 0;
    counts = llstat_hist_counts_const(h);
    for (i = 0; i < h->counts_len; i++) n += LLSTAT_I_LOAD(&counts[i]);
    return n;
}
LLSTATDEF uint64_t llstat_hist_sum(const llstat_hist *h) { return llstat_i_hist_ok(h) ? LLSTAT_I_LOAD(&h->sum) : 0; }
LLSTATDEF uint64_t llstat_hist_overflow(const llstat_hist *h) {
    return llstat_i_hist_ok(h) ? LLSTAT_I_LOAD(&h->overflow) : 0;
}
LLSTATDEF double llstat_hist_mean(const llstat_hist *h) {
    uint64_t n = llstat_hist_count(h);
    return n ? (double)llstat_hist_sum(h) / (double)n : 0.0;
}
LLSTATDEF uint64_t llstat_hist_min(const llstat_hist *h) {
    const uint64_t *counts;
    uint32_t i;
    if (!llstat_i_hist_ok(h)) return 0;
    counts = llstat_hist_counts_const(h);
    for (i = 0; i < h->counts_len; i++)
        if (LLSTAT_I_LOAD(&counts[i])) return llstat_hist_value_at_index(h, i);
    return 0;
}
LLSTATDEF uint64_t llstat_hist_max(const llstat_hist *h) {
    const uint64_t *counts;
    uint32_t i;
    if (!llstat_i_hist_ok(h)) return 0;
    counts = llstat_hist_counts_const(h);
    for (i = h->counts_len; i-- > 0;)
        if (LLSTAT_I_LOAD(&counts[i])) return llstat_hist_highest_equivalent(h, llstat_hist_value_at_index(h, i));
    return 0;
}

/* square root by Newton's method: no libm in any build */
static double llstat_i_sqrt(double x) {
    double r = x > 1.0 ? x : 1.0, prev = 0.0;
    int i;
    if (!(x > 0.0)) return 0.0;
    for (i = 0; i < 200 && r != prev; i++) { /* converges quadratically once near */
        prev = r;
        r = 0.5 * (r + x / r);
    }
    return r;
}

/* HdrHistogram's mean and standard deviation: over the midpoint of each bucket */
static void llstat_i_hist_moments(const llstat_hist *h, double *mean, double *stddev) {
    const uint64_t *counts = llstat_hist_counts_const(h);
    double total = 0.0, n = 0.0, dev = 0.0;
    uint32_t i;
    for (i = 0; i < h->counts_len; i++) {
        uint64_t c = LLSTAT_I_LOAD(&counts[i]);
        if (!c) continue;
        total += (double)llstat_i_hist_median_equivalent(h, llstat_hist_value_at_index(h, i)) * (double)c;
        n += (double)c;
    }
    *mean = n > 0.0 ? total / n : 0.0;
    for (i = 0; i < h->counts_len && n > 0.0; i++) {
        uint64_t c = LLSTAT_I_LOAD(&counts[i]);
        double d;
        if (!c) continue;
        d = (double)llstat_i_hist_median_equivalent(h, llstat_hist_value_at_index(h, i)) - *mean;
        dev += d * d * (double)c;
    }
    *stddev = n > 0.0 ? llstat_i_sqrt(dev / n) : 0.0;
}
LLSTATDEF double llstat_hist_stddev(const llstat_hist *h) {
    double m, s;
    if (!llstat_i_hist_ok(h)) return 0.0;
    llstat_i_hist_moments(h, &m, &s);
    return s;
}

/* the unit in the last place of x > 0 (Java's Math.ulp), from the exponent bits: no libm */
static double llstat_i_ulp(double x) {
    uint64_t bits, e;
    double r;
    __builtin_memcpy(&bits, &x, sizeof bits);
    e = (bits >> 52) & 0x7ffu;
    if (e <= 52u) return 0.0; /* subnormal-sized ulps do not matter here */
    bits = (e - 52u) << 52;
    __builtin_memcpy(&r, &bits, sizeof r);
    return r;
}
/* floor(log2(x)) for x >= 1, exactly, from the exponent bits */
static uint32_t llstat_i_floor_log2(double x) {
    uint64_t bits;
    __builtin_memcpy(&bits, &x, sizeof bits);
    return (uint32_t)(((bits >> 52) & 0x7ffu) - 1023u);
}

LLSTATDEF uint64_t llstat_hist_percentile(const llstat_hist *h, double pct) {
    const uint64_t *counts;
    uint64_t total, want, cum = 0;
    double fp;
    uint32_t i;
    if (!llstat_i_hist_ok(h)) return 0;
    total = llstat_hist_count(h);
    if (total == 0) return 0;
    if (!(pct >= 0.0)) pct = 0.0; /* NaN too */
    if (pct > 100.0) pct = 100.0;
    /* HdrHistogram: count at percentile rounded up, less one ulp so that fp error cannot skip a count */
    fp = pct / 100.0 * (double)total;
    fp -= fp > 0.0 ? llstat_i_ulp(fp) : 0.0;
    want = (uint64_t)fp;
    if ((double)want < fp) want++;
    if (want < 1) want = 1;
    counts = llstat_hist_counts_const(h);
    for (i = 0; i < h->counts_len; i++) {
        cum += LLSTAT_I_LOAD(&counts[i]);
        if (cum >= want) {
            uint64_t v = llstat_hist_value_at_index(h, i);
            return pct == 0.0 ? v : llstat_hist_highest_equivalent(h, v);
        }
    }
    return llstat_hist_max(h); /* buckets emptied by a reset while reading */
}

LLSTATDEF void llstat_hist_reset(llstat_hist *h) {
    uint64_t *counts;
    uint32_t i;
    if (!llstat_i_hist_ok(h)) return;
    counts = llstat_hist_counts(h);
    for (i = 0; i < h->counts_len; i++) LLSTAT_I_STORE(&counts[i], 0u);
    LLSTAT_I_STORE(&h->sum, 0u);
    LLSTAT_I_STORE(&h->overflow, 0u);
}

/* n samples at v into the buckets (no sum): the last bucket and the overflow count above the range */
static void llstat_i_hist_add(llstat_hist *h, uint64_t v, uint64_t n) {
    uint64_t *counts = llstat_hist_counts(h);
    if (v <= h->top_value) {
        LLSTAT_I_ADD(&counts[llstat_hist_index(h, v)], n);
    } else {
        LLSTAT_I_ADD(&h->overflow, n);
        LLSTAT_I_ADD(&counts[h->counts_len - 1], n);
    }
}

LLSTATDEF int llstat_hist_merge(llstat_hist *dst, const llstat_hist *src) {
    const uint64_t *sc;
    uint64_t *dc, sum, over;
    uint32_t i;
    if (!llstat_i_hist_ok(dst) || !llstat_i_hist_ok(src)) return LLSTAT_EINVAL;
    sc = llstat_hist_counts_const(src);
    dc = llstat_hist_counts(dst);
    sum = LLSTAT_I_LOAD(&src->sum);
    over = LLSTAT_I_LOAD(&src->overflow);
    if (dst->unit_magnitude == src->unit_magnitude && dst->half_magnitude == src->half_magnitude &&
        dst->counts_len == src->counts_len) {
        for (i = 0; i < src->counts_len; i++) {
            uint64_t c = LLSTAT_I_LOAD(&sc[i]);
            if (c) LLSTAT_I_ADD(&dc[i], c);
        }
    } else {
        for (i = 0; i < src->counts_len; i++) {
            uint64_t c = LLSTAT_I_LOAD(&sc[i]);
            if (c) llstat_i_hist_add(dst, llstat_hist_value_at_index(src, i), c);
        }
        /* src's overflow sits in its last bucket: counted again above if that bucket is above dst's range */
        if (llstat_hist_value_at_index(src, src->counts_len - 1) > dst->top_value) over = 0;
    }
    LLSTAT_I_ADD(&dst->overflow, over);
    LLSTAT_I_ADD(&dst->sum, sum);
    return LLSTAT_OK;
}

LLSTATDEF void llstat_hist_iter_init(llstat_hist_iter *it, const llstat_hist *h) {
    it->h = llstat_i_hist_ok(h) ? h : NULL;
    it->index = 0;
    it->next_index = 0;
    it->from = it->to = it->count = it->cumulative = 0;
}
LLSTATDEF bool llstat_hist_iter_next(llstat_hist_iter *it) {
    const uint64_t *counts;
    if (!it || !it->h) return false;
    counts = llstat_hist_counts_const(it->h);
    while (it->next_index < it->h->counts_len) {
        uint32_t i = it->next_index++;
        uint64_t c = LLSTAT_I_LOAD(&counts[i]);
        if (!c) continue;
        it->index = i;
        it->count = c;
        it->cumulative += c;
        it->from = llstat_hist_value_at_index(it->h, i);
        it->to = llstat_hist_highest_equivalent(it->h, it->from);
        return true;
    }
    return false;
}

LLSTATDEF void llstat_hist_pctl_init(llstat_hist_pctl *it, const llstat_hist *h, uint32_t ticks_per_half) {
    it->h = llstat_i_hist_ok(h) ? h : NULL;
    it->value = 0;
    it->percentile = 0.0;
    it->cumulative = 0;
    it->total = it->h ? llstat_hist_count(h) : 0;
    it->level_ = 0.0;
    it->count_at_ = 0;
    it->index_ = 0;
    it->ticks_ = ticks_per_half ? ticks_per_half : 1u;
    it->fresh_ = true;
    it->reached_last_ = false;
}
/* HdrHistogram's PercentileIterator: walk the buckets; each time the cumulative percentile reaches the
   next reporting level, emit that level with the bucket's highest value. The levels: ticks steps in
   each half of the distance left to 100 % (0, 10, 20, 30, 40, 50, 55, 60, ... for 5 ticks). */
LLSTATDEF bool llstat_hist_pctl_next(llstat_hist_pctl *it) {
    const uint64_t *counts;
    if (!it || !it->h || it->total == 0) return false;
    if (it->cumulative >= it->total) { /* every sample passed: one closing line at 100 % */
        if (it->reached_last_) return false;
        it->reached_last_ = true;
        it->level_ = 100.0;
    }
    counts = llstat_hist_counts_const(it->h);
    while (it->index_ < it->h->counts_len) {
        it->count_at_ = LLSTAT_I_LOAD(&counts[it->index_]);
        if (it->fresh_) {
            it->cumulative += it->count_at_;
            it->fresh_ = false;
        }
        if (it->count_at_ != 0 && 100.0 * (double)it->cumulative / (double)it->total >= it->level_) {
            it->value = llstat_hist_highest_equivalent(it->h, llstat_hist_value_at_index(it->h, it->index_));
            it->percentile = it->level_;
            if (it->level_ < 100.0) {
                uint32_t half_steps = llstat_i_floor_log2(100.0 / (100.0 - it->level_)) + 1u;
                double ticks = (double)it->ticks_ * (half_steps < 63u ? (double)((uint64_t)1 << half_steps)
                                                                      : 9.223372036854775808e18);
                it->level_ += 100.0 / ticks;
            }
            return true;
        }
        it->index_++;
        it->fresh_ = true;
    }
    return false;
}

#ifndef LLSTAT_FREESTANDING
LLSTATDEF int llstat_hist_print(const llstat_hist *h, FILE *out, uint32_t ticks_per_half, double value_scale,
                                bool csv) {
    llstat_hist_pctl it;
    int d;
    if (!llstat_i_hist_ok(h) || !out || ticks_per_half == 0 || !(value_scale > 0.0)) return LLSTAT_EINVAL;
    d = (int)h->digits;
    if (csv) fputs("\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n", out);
    else fputs("       Value     Percentile TotalCount 1/(1-Percentile)\n\n", out);
    llstat_hist_pctl_init(&it, h, ticks_per_half);
    while (llstat_hist_pctl_next(&it)) {
        double v = (double)it.value / value_scale, p = it.percentile / 100.0;
        unsigned long long c = (unsigned long long)it.cumulative;
        if (csv) {
            if (it.percentile < 100.0) fprintf(out, "%.*f,%.12f,%llu,%.2f\n", d, v, p, c, 1.0 / (1.0 - p));
            else fprintf(out, "%.*f,%.12f,%llu,Infinity\n", d, v, p, c);
        } else {
            if (it.percentile < 100.0) fprintf(out, "%12.*f %2.12f %10llu %14.2f\n", d, v, p, c, 1.0 / (1.0 - p));
            else fprintf(out, "%12.*f %2.12f %10llu\n", d, v, p, c);
        }
    }
    if (!csv) {
        double mean, sd;
        llstat_i_hist_moments(h, &mean, &sd);
        fprintf(out, "#[Mean    = %12.*f, StdDeviation   = %12.*f]\n", d, mean / value_scale, d, sd / value_scale);
        fprintf(out, "#[Max     = %12.*f, Total count    = %12llu]\n", d, (double)llstat_hist_max(h) / value_scale,
                (unsigned long long)it.total);
        fprintf(out, "#[Buckets = %12u, SubBuckets     = %12u]\n", (unsigned)h->bucket_count,
                (unsigned)(2u << h->half_magnitude));
    }
    return ferror(out) ? LLSTAT_EIO : LLSTAT_OK;
}
#endif

/* ------------------------------------------------------------------------------------------ */
/* rates                                                                                       */

LLSTATDEF int llstat_rate_between(const llstat_snapshot *before, const llstat_snapshot *after, llstat_rate *out) {
    double secs;
    if (!out) return LLSTAT_EINVAL;
    out->ns = out->ops = out->bytes = 0;
    out->ops_per_sec = out->bytes_per_sec = 0.0;
    if (!before || !after || after->ns <= before->ns) return LLSTAT_EINVAL;
    if (after->ops < before->ops || after->bytes < before->bytes) return LLSTAT_ERANGE;
    out->ns = after->ns - before->ns;
    out->ops = after->ops - before->ops;
    out->bytes = after->bytes - before->bytes;
    secs = (double)out->ns / 1e9;
    out->ops_per_sec = (double)out->ops / secs;
    out->bytes_per_sec = (double)out->bytes / secs;
    return LLSTAT_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* clock                                                                                       */

#ifndef LLSTAT_FREESTANDING
#ifndef LLSTAT_STATIC
llstat_i_clock_state llstat_i_clock_g;
#endif

LLSTAT_INLINE uint64_t llstat_i_now_ns(void) { /* monotonic clock, ns */
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

#if defined(_WIN32)
#define LLSTAT_I_MONOTONIC_NAME "QueryPerformanceCounter"
#else
#define LLSTAT_I_MONOTONIC_NAME "clock_gettime(CLOCK_MONOTONIC)"
#endif
#if defined(LLSTAT_I_TSC)
#define LLSTAT_I_COUNTER_NAME "tsc"
#define LLSTAT_I_KERNEL_COUNTER "tsc"
#elif defined(LLSTAT_I_CNTVCT)
#define LLSTAT_I_COUNTER_NAME "cntvct"
#define LLSTAT_I_KERNEL_COUNTER "arch_sys_counter"
#endif

/* The rule (pure, so that tests can feed it every case). arch: 1 x86, 2 aarch64. invariant: CPUID says
   the TSC runs at a constant rate in every C- and P-state; hypervisor: CPUID 1 ECX[31]; clocksource: the
   kernel's current clocksource, NULL when it cannot be read. Writes why into why[cap]. */
static int llstat_i_clock_rule(int arch, bool invariant, bool hypervisor, const char *clocksource, char *why,
                               size_t cap) {
    const char *counter = arch == 1 ? "tsc" : "arch_sys_counter";
    if (arch == 1 && !invariant) {
        snprintf(why, cap, "no invariant TSC (CPUID 0x80000007 EDX bit 8 clear)");
        return LLSTAT_CLOCK_MONOTONIC;
    }
    if (arch != 1 && arch != 2) {
        snprintf(why, cap, "no cycle counter on this architecture");
        return LLSTAT_CLOCK_MONOTONIC;
    }
    if (clocksource && strcmp(clocksource, counter) == 0) {
        snprintf(why, cap, "%skernel clocksource is %s", arch == 1 ? "invariant TSC, " : "", counter);
        return LLSTAT_CLOCK_COUNTER;
    }
    if (clocksource) {
        snprintf(why, cap, "kernel clocksource is %s, not %s: the kernel does not trust the counter", clocksource,
                 counter);
        return LLSTAT_CLOCK_MONOTONIC;
    }
    if (arch == 2) {
        snprintf(why, cap, "generic timer virtual counter (kernel clocksource unknown)");
        return LLSTAT_CLOCK_COUNTER;
    }
    if (hypervisor) {
        snprintf(why, cap, "under a hypervisor and the kernel clocksource is unknown");
        return LLSTAT_CLOCK_MONOTONIC;
    }
    snprintf(why, cap, "invariant TSC on bare metal (kernel clocksource unknown)");
    return LLSTAT_CLOCK_COUNTER;
}

/* the kernel's clocksource name into buf, or NULL */
static const char *llstat_i_kernel_clocksource(char *buf, size_t cap) {
#if defined(__linux__)
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    size_t n;
    if (!f) return NULL;
    if (!fgets(buf, (int)cap, f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = '\0';
    return n ? buf : NULL;
#else
    (void)buf;
    (void)cap;
    return NULL;
#endif
}

#if defined(LLSTAT_I_TSC)
static void llstat_i_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0u));
}
#endif

static int llstat_i_auto_source(char *why, size_t cap) {
    char cs[64];
    const char *src = llstat_i_kernel_clocksource(cs, sizeof cs);
#if defined(LLSTAT_I_TSC)
    uint32_t a, b, c, d;
    bool invariant = false, hypervisor;
    llstat_i_cpuid(1, &a, &b, &c, &d);
    hypervisor = ((c >> 31) & 1u) != 0;
    llstat_i_cpuid(0x80000000u, &a, &b, &c, &d);
    if (a >= 0x80000007u) {
        llstat_i_cpuid(0x80000007u, &a, &b, &c, &d);
        invariant = ((d >> 8) & 1u) != 0;
    }
    return llstat_i_clock_rule(1, invariant, hypervisor, src, why, cap);
#elif defined(LLSTAT_I_CNTVCT)
    return llstat_i_clock_rule(2, true, false, src, why, cap);
#else
    return llstat_i_clock_rule(0, false, false, src, why, cap);
#endif
}

#if defined(LLSTAT_I_COUNTER)
/* one (counter, monotonic ns) pair: the tightest of several counter readings around a clock_gettime */
static bool llstat_i_pair(uint64_t *ticks, uint64_t *ns) {
    uint64_t best = UINT64_MAX;
    int i;
    *ticks = *ns = 0;
    for (i = 0; i < 16; i++) {
        uint64_t a = llstat_i_counter(), m = llstat_i_now_ns(), b = llstat_i_counter();
        if (b < a) return false;
        if (b - a < best) {
            best = b - a;
            *ticks = a + (b - a) / 2;
            *ns = m;
        }
    }
    return true;
}
static void llstat_i_sleep_ms(uint32_t ms) {
#if defined(_WIN32)
    Sleep(ms);
#else
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
#endif
}
/* ticks per ns of the counter against CLOCK_MONOTONIC over ms milliseconds; false when it misbehaves */
static bool llstat_i_calibrate(uint32_t ms, double *ticks_per_ns, uint64_t *t0, uint64_t *n0) {
    uint64_t t1 = 0, n1 = 0;
    if (!llstat_i_pair(t0, n0)) return false;
    llstat_i_sleep_ms(ms);
    if (!llstat_i_pair(&t1, &n1)) return false;
    if (t1 <= *t0 || n1 <= *n0) return false;
    *ticks_per_ns = (double)(t1 - *t0) / (double)(n1 - *n0);
    return *ticks_per_ns > 1e-3 && *ticks_per_ns < 100.0; /* 1 MHz .. 100 GHz */
}
#endif

/* choose and calibrate; first_use: only if nobody did yet (a thread that lost the race to initialise
   must not calibrate again while the winner's readers convert) */
static int llstat_i_clock_setup(int source, bool first_use) {
    llstat_i_clock_state *g = &llstat_i_clock_g;
    char why[sizeof g->reason];
    const char *env;
    int st, chosen;
    if (source != LLSTAT_CLOCK_AUTO && source != LLSTAT_CLOCK_COUNTER && source != LLSTAT_CLOCK_MONOTONIC)
        return LLSTAT_EINVAL;
#if !defined(LLSTAT_I_COUNTER)
    if (source == LLSTAT_CLOCK_COUNTER) return LLSTAT_EOPNOTSUPP;
#endif
    /* one initialiser at a time; the others wait for it */
    for (;;) {
        st = __atomic_load_n(&g->state, __ATOMIC_ACQUIRE);
        if (st == 2 && first_use) return LLSTAT_OK;
        if (st != 1 && __atomic_compare_exchange_n(&g->state, &st, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            break;
#if defined(_WIN32)
        SwitchToThread();
#else
        {
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL);
        }
#endif
    }
    chosen = source;
    why[0] = '\0';
    env = getenv("LLSTAT_CLOCK");
    if (source == LLSTAT_CLOCK_AUTO && env && (strcmp(env, "counter") == 0 || strcmp(env, "tsc") == 0 ||
                                               strcmp(env, "cntvct") == 0)) {
        chosen = LLSTAT_CLOCK_COUNTER;
        snprintf(why, sizeof why, "LLSTAT_CLOCK=%s", env);
    } else if (source == LLSTAT_CLOCK_AUTO && env && strcmp(env, "monotonic") == 0) {
        chosen = LLSTAT_CLOCK_MONOTONIC;
        snprintf(why, sizeof why, "LLSTAT_CLOCK=monotonic");
    } else if (source == LLSTAT_CLOCK_AUTO) {
        chosen = llstat_i_auto_source(why, sizeof why);
    } else {
        snprintf(why, sizeof why, "forced by llstat_clock_init");
    }
#if defined(LLSTAT_I_COUNTER)
    if (chosen == LLSTAT_CLOCK_COUNTER) {
        double tpn;
        uint64_t t0, n0;
        uint32_t ms = LLSTAT_CALIBRATE_MS;
        const char *ems = getenv("LLSTAT_CALIBRATE_MS");
        if (ems && atoi(ems) >= 1 && atoi(ems) <= 1000) ms = (uint32_t)atoi(ems);
        if (llstat_i_calibrate(ms, &tpn, &t0, &n0)) {
            g->ns_mult = (uint64_t)(4294967296.0 / tpn + 0.5);
            g->tick_mult = (uint64_t)(4294967296.0 * tpn + 0.5);
            g->base_ticks = t0;
            g->base_ns = n0;
            g->name = LLSTAT_I_COUNTER_NAME;
        } else {
            size_t n = strlen(why);
            snprintf(why + n, sizeof why - n, "; calibration failed (counter not advancing steadily)");
            chosen = LLSTAT_CLOCK_MONOTONIC;
        }
    }
#else
    if (chosen == LLSTAT_CLOCK_COUNTER) {
        snprintf(why, sizeof why, "LLSTAT_CLOCK asks for a counter this build does not have");
        chosen = LLSTAT_CLOCK_MONOTONIC;
    }
#endif
    if (chosen == LLSTAT_CLOCK_MONOTONIC) { /* ticks are ns: the conversions are exact identities */
        g->ns_mult = g->tick_mult = (uint64_t)1 << 32;
        g->base_ticks = g->base_ns = 0;
        g->name = LLSTAT_I_MONOTONIC_NAME;
    }
    memcpy(g->reason, why, sizeof why);
    __atomic_store_n(&g->source, chosen, __ATOMIC_RELEASE);
    __atomic_store_n(&g->state, 2, __ATOMIC_RELEASE);
    return LLSTAT_OK;
}

LLSTATDEF int llstat_clock_init(int source) { return llstat_i_clock_setup(source, false); }

LLSTATDEF void llstat_i_clock_lazy(void) {
    if (__atomic_load_n(&llstat_i_clock_g.state, __ATOMIC_ACQUIRE) != 2) llstat_i_clock_setup(LLSTAT_CLOCK_AUTO, true);
}
LLSTATDEF uint64_t llstat_i_now_slow(void) {
    llstat_i_clock_lazy();
#if defined(LLSTAT_I_COUNTER)
    if (__atomic_load_n(&llstat_i_clock_g.source, __ATOMIC_RELAXED) == LLSTAT_CLOCK_COUNTER) return llstat_i_counter();
#endif
    return llstat_i_now_ns();
}
LLSTATDEF int llstat_clock_source(void) {
    llstat_i_clock_lazy();
    return __atomic_load_n(&llstat_i_clock_g.source, __ATOMIC_RELAXED);
}
LLSTATDEF const char *llstat_clock_name(void) {
    llstat_i_clock_lazy();
    return llstat_i_clock_g.name;
}
LLSTATDEF const char *llstat_clock_reason(void) {
    llstat_i_clock_lazy();
    return llstat_i_clock_g.reason;
}
LLSTATDEF double llstat_clock_hz(void) {
    llstat_i_clock_lazy();
    return 4294967296.0 / (double)llstat_i_clock_g.ns_mult * 1e9;
}
#endif /* !LLSTAT_FREESTANDING */

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLSTAT_IMPLEMENTATION */

/*
   CHANGE HISTORY
     0.2.0  first release: cycle clock (TSC / CNTVCT_EL0 / CLOCK_MONOTONIC), HdrHistogram-layout
            histogram with percentile-distribution output, counters, rates (histogram layout 2: the
            record path reads a precomputed slot_origin and min_clz).

   LICENSE: choose either of the following.
   ---------------------------------------------------------------------------------------------------
   MIT License. Copyright (c) 2026 the ll authors. Permission is hereby granted, free of charge, to any
   person obtaining a copy of this software and associated documentation files (the "Software"), to deal
   in the Software without restriction, including without limitation the rights to use, copy, modify,
   merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to
   whom the Software is furnished to do so, subject to the following conditions: The above copyright
   notice and this permission notice shall be included in all copies or substantial portions of the
   Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
   ---------------------------------------------------------------------------------------------------
   Public domain (www.unlicense.org). Anyone is free to copy, modify, publish, use, compile, sell, or
   distribute this software, either in source code form or as a compiled binary, for any purpose,
   commercial or non-commercial, and by any means.
   ---------------------------------------------------------------------------------------------------
*/
