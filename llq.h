/* llq.h - lock-free rings and queues over caller-supplied memory                      v0.2.0
   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file).

   WHAT
     Bounded rings and unbounded queues whose names say their concurrency contract (spsc, mpmc, mpsc,
     bytes, bcast), a seqlock, a Treiber stack and a Michael-Scott queue made ABA-safe by epoch-based
     reclamation, an RCU pointer and a concurrent hash map over that reclamation, backpressure helpers
     (watermarks, depth sampling, a token bucket) and a spin-yield-sleep waiter. Everything but the
     map's growth lives in memory the caller supplies: llq_<kind>_memsize(...) says how much,
     llq_<kind>_init(mem, memsize, ...) validates it. Bounded rings hold no pointers, so they may live
     in shared memory. Hot paths are static inline; setup, errors, reclamation slow paths, map writes
     and the sleeping phase of waits need the implementation.

   EXAMPLE
     #define LLQ_IMPLEMENTATION
     #include "llq.h"
     #include <stdio.h>
     #include <stdlib.h>
     int main(void) {
         size_t bytes = llq_spsc_memsize(1024, sizeof(int));
         llq_spsc *q = (llq_spsc *)malloc(bytes + LLQ_CACHE_LINE), *aligned;
         aligned = (llq_spsc *)(((uintptr_t)q + LLQ_CACHE_LINE - 1) & ~(uintptr_t)(LLQ_CACHE_LINE - 1));
         int in = 42, out = 0;
         if (llq_spsc_init(aligned, bytes, 1024, sizeof(int)) != LLQ_OK) return 1;
         llq_spsc_push(aligned, &in);                 // producer thread
         if (llq_spsc_pop(aligned, &out)) printf("%d\n", out); // consumer thread
         free(q);
         return out == 42 ? 0 : 1;
     }

   OPTIONS (define before including)
     LLQ_IMPLEMENTATION   [one unit] emit the implementation (LL_IMPLEMENTATION: every ll header).
     LLQ_STATIC           [any unit] a private copy in this unit: implies LLQ_IMPLEMENTATION, every API
                          function static (LL_STATIC: every ll header).
     LLQ_ASSERT(x)        [one unit] assertion for internal invariants (default: assert(), nothing when
                          freestanding).
     LLQ_MALLOC(ctx, size), LLQ_FREE(ctx, ptr)
                          [one unit] the allocator of the tables an llq_map grows into when its config
                          gives none (ctx = the config's alloc_ctx); both or neither; default malloc/free.
     LLQ_FREESTANDING     [every unit] only <stddef.h>, <stdint.h>, <stdbool.h> and builtins (on by itself
                          when __STDC_HOSTED__ == 0); waiting spins with pause/yield.
     LLQ_CACHE_LINE       [every unit] cache-line size, default 64; required alignment of the memory.
     LLQ_ISOLATE          [every unit] bytes between the producer and consumer index blocks, default
                          2*LLQ_CACHE_LINE (defeats the adjacent-line prefetcher); at least 2*LLQ_CACHE_LINE.
     LLQ_NO_FUTEX         [one unit] do not use futex even on Linux (blocking calls sleep in short steps).
     LLQ_NO_MEMBARRIER    [one unit] never use an asymmetric barrier: wakers and ASYM readers pay a full
                          fence. Needed when a ring with blocking users is shared between processes
                          (membarrier and the private futex reach the threads of one process).
     LLQ_SPIN_COUNT       [one unit] most spins a blocking call makes before it yields, default 4096
                          (the budget adapts below it; llq_wait_tune changes it at run time).
     LLQ_YIELD_COUNT      [one unit] yields before a blocking call sleeps, default 16.
     LLQ_INLINE           [every unit] marker of the inline hot paths (default static inline).

   API (q = pointer to caller memory of memsize bytes; hot paths inline)
     size_t llq_spsc_memsize(size_t capacity, size_t esize);
     int    llq_spsc_init(llq_spsc *q, size_t memsize, size_t capacity, size_t esize);
     bool   llq_spsc_push(q, const void *e);         bool llq_spsc_pop(q, void *e);
     size_t llq_spsc_push_n(q, const void *e, n);    size_t llq_spsc_pop_n(q, void *e, n);
     void  *llq_spsc_reserve(q, want, size_t *got);  void llq_spsc_commit(q, n);
     void  *llq_spsc_peek(q, want, size_t *got);     void llq_spsc_release(q, n);
     size_t llq_spsc_size(q);  size_t llq_spsc_capacity(q);
     LLQ_SPSC_TYPED(name, T) -> name_memsize(cap), name_init(q, memsize, cap), name_push(q, const T*),
                                name_pop(q, T*), name_push_n, name_pop_n   (at file scope: defines functions)
     llq_mpmc_memsize/init, llq_mpmc_push, llq_mpmc_pop, llq_mpmc_push_n, llq_mpmc_pop_n, llq_mpmc_size,
     llq_mpmc_push_wait(q, e), llq_mpmc_pop_wait(q, e)   (blocking: wait for their ticket's slot)
     llq_mpsc_memsize/init, llq_mpsc_push, llq_mpsc_pop, llq_mpsc_push_n, llq_mpsc_pop_n, llq_mpsc_size,
     llq_mpsc_push_wait
     llq_mpsc_list_init(q, memsize), llq_mpsc_list_push(q, link), llq_mpsc_list_pop(q) -> link or NULL
     llq_bytes_memsize(capbytes), llq_bytes_init, llq_bytes_reserve(q, len) -> void*,
       llq_bytes_commit(q, len), llq_bytes_write(q, p, len), llq_bytes_peek(q, &p, &len) -> 1/0/-err,
       llq_bytes_release(q), llq_bytes_read(q, buf, cap) -> len/0/-err, llq_bytes_max_record(q)
     llq_bcast_memsize/init, llq_bcast_publish(q, e), llq_bcast_publish_n(q, e, n),
       llq_bcast_reader_init(q, r), llq_bcast_read(q, r, e) -> 1 / 0 (nothing new) / LLQ_EOVERFLOW
       (lapped; r->dropped counts), llq_bcast_read_n(q, r, e, n) -> count / LLQ_EOVERFLOW
     llq_seqlock_memsize(esize)/init, llq_seqlock_write(s, e), llq_seqlock_read(s, e),
       llq_seqlock_try_read(s, e) -> bool
     llq_stack_memsize/init, llq_stack_push(s, node), llq_stack_pop(s) -> node or NULL,
       llq_stack_push_list(s, first, last), llq_stack_pop_all(s) -> chain (freelists)
     llq_msq_memsize/init(q, memsize, dummy), llq_msq_push(q, node, value),
       llq_msq_pop(q, &value, &retired_node) -> bool
     llq_ebr_memsize(max_threads)/init, llq_ebr_init_mode(d, memsize, max, LLQ_EBR_FENCED|ASYM|QSBR),
       llq_ebr_register(d, &t), llq_ebr_unregister(t), llq_ebr_enter(t), llq_ebr_exit(t),
       llq_ebr_quiescent(t) / llq_ebr_offline(t) / llq_ebr_online(t) (QSBR), llq_ebr_retire(t, node, fn),
       llq_ebr_poll(t), llq_ebr_synchronize(d, self) -> 0 / LLQ_EBUSY, llq_ebr_barrier(t),
       llq_ebr_drain(d) (no thread inside; frees every retired node), llq_ebr_pending(d)
     RCU pointer: llq_rcu_read(&slot), llq_rcu_publish(&slot, p), llq_rcu_replace(t, &slot, p,
       node_offset, fn) -> old; LLQ_RCU_TYPED(name, T, member) -> name_read/publish/replace
     llq_map (64-bit targets): llq_map_memsize(cap), llq_map_init(m, memsize, cap, dom, cfg|NULL),
       llq_map_get(m, key, &v) -> bool (inline, inside a read-side section), llq_map_insert(m, t, k, v)
       -> 0/LLQ_EEXIST/LLQ_ENOSPC/LLQ_ENOMEM, llq_map_put -> 0 new / 1 replaced / <0, llq_map_erase(m, k)
       -> 0/LLQ_ENOENT, llq_map_iter_init/next, llq_map_size, llq_map_capacity, llq_map_destroy,
       llq_map_hash64(k)
     backpressure: llq_watermark_init(w, low, high, cb, ctx), llq_watermark_check(w, depth) ->
       LLQ_WM_NONE/HIGH/LOW (inline), llq_watermark_above(w); depth: llq_<ring>_size, llq_bytes_size(q),
       llq_bcast_lag(q, r); llq_depth_record(s, depth), llq_depth_stats_get(s, &st),
       llq_depth_stats_reset(s); llq_tb_init(tb, rate, burst, now_ns), llq_tb_take(tb, n, now_ns) -> 0 or
       ns to wait, UINT64_MAX if n > burst (inline), llq_tb_set_rate(tb, rate)
     llq_waiter: llq_waiter_init(w), llq_notify(w) (inline: a compiler barrier and one load when nobody
       waits), llq_wait(w, ready_fn, ctx, timeout_ns) -> 0 / LLQ_ETIMEDOUT; llq_wait_tune(spins, yields),
       llq_wait_method() -> "futex+membarrier", ...
     const char *llq_strerror(int err);  const char *llq_version(void);
     void llq_cpu_relax(void);  (pause / yield hint for spin loops)

   SEMANTICS
     llq_spsc        bounded SPSC ring of fixed-size elements: cached remote index, producer and consumer
                     indices on separate LLQ_ISOLATE-byte blocks, each side's private state (including a
                     private copy of its own index, so it never loads the line it publishes to) on two
                     more; push/pop by copy, bursts (push_n/pop_n publish the index once), zero-copy
                     reserve/commit and peek/release, approximate size. Elements up to LLQ_SPSC_MAILBOX
                     bytes (48 with 64-byte lines) are also mirrored into an "edge mailbox" on the index
                     line: a consumer that has caught up takes the newest item from the line it had to
                     fetch anyway instead of fetching the slot too (bursts and commits point the
                     mailbox past their items instead of filling it). The calls switch once on the
                     element size: 4, 8, 16 and 32 bytes, and every LLQ_SPSC_TYPED size, copy with
                     fixed-size moves and bursts with an inline loop (see docs/llq.md for why a loop
                     and not memcpy: it is what lets a burst run as fast as the ring protocol allows).
     llq_mpmc        bounded MPMC queue, per-slot sequence numbers (Vyukov); try_push/try_pop touch only
                     their own index line and the slot; push_n/pop_n claim a batch with one CAS;
                     push_wait/pop_wait take a ticket with one fetch-and-add and wait for its slot (they
                     are not lock-free: a waiter depends on the ticket before it).
     llq_mpsc        bounded MPSC queue (the gateway pattern): MPMC producers, a CAS-free consumer.
     llq_mpsc_list   intrusive unbounded MPSC queue (Vyukov); no allocation, no reclamation needed.
     llq_bytes       SPSC byte ring of length-prefixed variable-size records; contiguous reserve that
                     wraps with a skip marker; zero-copy read; every header is validated and a corrupt
                     record is reported (LLQ_EBADMSG) instead of reading out of bounds.
     llq_bcast       broadcast ring: one producer, any number of readers each with its own cursor
                     (Disruptor-style); the producer never waits, a lapped reader gets LLQ_EOVERFLOW.
     llq_seqlock     single-writer seqlock for a latest value; readers never block the writer.
     llq_stack       Treiber stack (intrusive), ABA-safe through epoch protection (below).
     llq_msq         Michael-Scott unbounded queue (intrusive nodes carrying a void *value).
     llq_ebr         epoch-based reclamation (Fraser): enter/exit critical sections, retire nodes,
                     free them once no reader can see them; drain frees everything at the end. Three
                     reader modes: FENCED (enter = one locked exchange: for retire-heavy users such as
                     the stack and queue), ASYM (enter/exit = plain stores; each epoch advance issues
                     membarrier / FlushProcessWriteBuffers: the RCU read side) and QSBR (no enter/exit;
                     threads announce quiescent states). Guards do not nest.
     RCU pointer     a pointer word readers load inside a read-side section (nothing read through it
                     may be kept past the section) and writers replace whole, the old object retired
                     through the domain; synchronize waits for a grace period, barrier also frees.
     llq_map         concurrent hash map, 64-bit keys and values (every key value allowed): readers
                     lock-free and wait-free (no store, no retry), writers striped (64 locks by hash),
                     growth into a table twice the size without stopping readers (the old table is
                     retired through the map's domain); a deleted key leaves a tombstone until the next
                     resize, so a slot never changes key under a reader. Iteration inside one section.
     backpressure    watermarks with hysteresis whose crossings are reported exactly once (one CAS),
                     callbacks serialised and alternating; depth sampling, a token bucket (generic cell-rate algorithm: one CAS per take, the
                     caller passes the time, no system call).
     blocking        push_wait/pop_wait, llq_wait, llq_seqlock_read and llq_ebr_synchronize spin for an
                     adaptive per-thread budget (0 on one CPU), yield, then sleep: futex on the slot's
                     word (WaitOnAddress on Windows; short sleeps where neither exists). A sleeper
                     counts itself where wakers look and issues the asymmetric barrier, so the waker's
                     hot path is a compiler barrier and one load; no wakeup is lost (Dekker ordering).
     llq_waiter      the same sleep protocol for a condition of the caller's.
     Zero-length bulk calls return at once and change nothing, whatever the ring's state: push_n/pop_n
     of 0 return 0 (the pointer is not used, NULL is fine) on every ring kind; llq_spsc_reserve/peek
     with want 0 return NULL and set *got to 0, commit/release of 0 do nothing; llq_bcast_publish_n of 0
     publishes nothing and llq_bcast_read_n of 0 returns 0 without moving the reader; llq_stack_push_list
     of an empty chain (first or last NULL) pushes nothing. In llq_bytes a zero-length record is a
     record: it is written, and read back as 1 with *len 0. init validates its arguments (NULL,
     capacity not a power of two, element size 0, memory too small, memory not aligned to
     LLQ_CACHE_LINE) and returns 0 or a negative LLQ_E* code.
     ABA safety of llq_stack / llq_msq: a pop or push runs inside llq_ebr_enter/llq_ebr_exit, and a node
     that was popped (llq_stack) or handed back by llq_msq_pop is NOT pushed again or freed directly but
     given to llq_ebr_retire. A node's address therefore cannot reappear while any thread may still hold
     it, which excludes ABA without tagged pointers or double-width CAS (so it also works on Cortex-M).
     Every structure but llq_map (and the thread-safe token bucket) uses only pointer-sized (size_t)
     atomics, so the rest builds for 32-bit targets without 64-bit atomics (Cortex-M4). Indices wrap
     modulo 2^(bits of size_t); that is fine because capacities are powers of two and all comparisons
     use wrapping differences.

   ENVIRONMENT
     LLQ_MEMBARRIER=0     do not use the asymmetric barrier (as LLQ_NO_MEMBARRIER, at run time).
*/
#if defined(LL_IMPLEMENTATION) && !defined(LLQ_IMPLEMENTATION)
#define LLQ_IMPLEMENTATION
#endif
#if defined(LL_STATIC) && !defined(LLQ_STATIC)
#define LLQ_STATIC
#endif
#if defined(LLQ_STATIC) && !defined(LLQ_IMPLEMENTATION)
#define LLQ_IMPLEMENTATION /* static functions are defined in every unit that uses them */
#endif
#if defined(LLQ_IMPLEMENTATION) && defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifndef LLQ_H
#define LLQ_H

#define LLQ_VERSION_MAJOR 0
#define LLQ_VERSION_MINOR 2
#define LLQ_VERSION_PATCH 0
#define LLQ_VERSION_STRING "0.2.0"

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LLQ_I_UNUSED __attribute__((unused))
#define LLQ_LIKELY(x) __builtin_expect(!!(x), 1)
#define LLQ_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LLQ_I_UNUSED
#define LLQ_LIKELY(x) (x)
#define LLQ_UNLIKELY(x) (x)
#endif
#ifdef LLQ_STATIC
#define LLQDEF static LLQ_I_UNUSED
#else
#define LLQDEF extern
#endif
#ifndef LLQ_INLINE
#define LLQ_INLINE static inline LLQ_I_UNUSED
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(LLQ_FREESTANDING) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#define LLQ_FREESTANDING
#endif
#ifndef LLQ_CACHE_LINE
#define LLQ_CACHE_LINE 64
#endif
#ifndef LLQ_ISOLATE
#define LLQ_ISOLATE (2 * LLQ_CACHE_LINE)
#endif
#ifndef LLQ_SPIN_COUNT
#define LLQ_SPIN_COUNT 4096
#endif
#ifndef LLQ_YIELD_COUNT
#define LLQ_YIELD_COUNT 16
#endif

/* error codes (negative; values mirror Linux errno) */
#define LLQ_OK 0
#define LLQ_EINVAL (-22)    /* NULL pointer, element size 0, bad argument */
#define LLQ_ERANGE (-34)    /* capacity not a power of two, or out of range */
#define LLQ_ENOBUFS (-105)  /* memory too small */
#define LLQ_EFAULT (-14)    /* memory not aligned to LLQ_CACHE_LINE */
#define LLQ_EBUSY (-16)     /* no free thread slot (llq_ebr_register) */
#define LLQ_EBADMSG (-74)   /* corrupt record (llq_bytes) */
#define LLQ_EOVERFLOW (-75) /* reader lapped by the producer (llq_bcast) */
#define LLQ_ETIMEDOUT (-110)
#define LLQ_EMSGSIZE (-90)  /* record larger than the ring can hold / buffer too small */
#define LLQ_EEXIST (-17)    /* key already present (llq_map_insert) */
#define LLQ_ENOSPC (-28)    /* map full and not allowed to grow */
#define LLQ_ENOMEM (-12)    /* allocation failed (map growth) */
#define LLQ_ENOENT (-2)     /* key not present (llq_map_erase) */

#define LLQ_ACQ __ATOMIC_ACQUIRE
#define LLQ_REL __ATOMIC_RELEASE
#define LLQ_RLX __ATOMIC_RELAXED
#define LLQ_SC __ATOMIC_SEQ_CST
#define LLQ_I_LOAD(p, o) __atomic_load_n((p), (o))
#define LLQ_I_STORE(p, v, o) __atomic_store_n((p), (v), (o))
#define LLQ_I_PAD(used) char pad_[LLQ_ISOLATE - (used)]

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* helpers                                                                                     */

LLQ_INLINE void llq_cpu_relax(void) { /* pause / yield hint inside spin loops */
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
                                                   defined(__ARM_ARCH_7A__) || defined(__ARM_ARCH_8A__)))
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

LLQ_INLINE bool llq_i_is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }
LLQ_INLINE size_t llq_i_round_up(size_t x, size_t a) { return (x + a - 1) & ~(a - 1); }
LLQ_INLINE int llq_i_check_mem(const void *mem) {
    if (!mem) return LLQ_EINVAL;
    if ((((uintptr_t)mem) & (LLQ_CACHE_LINE - 1)) != 0) return LLQ_EFAULT;
    return 0;
}
#define LLQ_I_SLOT_HDR 8 /* sequence word, padded so that element data is 8-byte aligned */
LLQ_INLINE size_t *llq_i_seq(unsigned char *slot) { return ((size_t *)slot); }
/* wrapping signed difference a - b */
LLQ_INLINE ptrdiff_t llq_i_diff(size_t a, size_t b) { return ((ptrdiff_t)(a - b)); }

LLQ_INLINE void llq_i_bytecopy(unsigned char *d, const unsigned char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        d[i] = s[i];
#ifdef LLQ_FREESTANDING
        __asm__ __volatile__("" ::: "memory"); /* keep GCC from turning this into a memcpy call */
#endif
    }
}

LLQ_INLINE void llq_i_zero(void *p, size_t n) {
#ifdef LLQ_FREESTANDING
    unsigned char *b = ((unsigned char *)p);
    size_t i;
    for (i = 0; i < n; i++) {
        b[i] = 0;
        __asm__ __volatile__("" ::: "memory");
    }
#else
    __builtin_memset(p, 0, n);
#endif
}

/* the caller's object behind an opaque pointer: on paths taken only for sizes other than the caller's,
   -Warray-bounds would otherwise flag the accesses those sizes would make */
LLQ_INLINE const void *llq_i_hide(const void *p) {
    __asm__("" : "+r"(p));
    return p;
}
LLQ_INLINE void *llq_i_hide_w(void *p) {
    __asm__("" : "+r"(p));
    return p;
}

/* copy of an element: fixed sizes become single moves */
LLQ_INLINE void llq_i_copy(void *d, const void *s, size_t n) {
    /* hide the objects from -Warray-bounds, which would flag the size cases not taken */
    __asm__("" : "+r"(d), "+r"(s));
    switch (n) {
    case 4: __builtin_memcpy(d, s, 4); return;
    case 8: __builtin_memcpy(d, s, 8); return;
    case 16: __builtin_memcpy(d, s, 16); return;
    case 32: __builtin_memcpy(d, s, 32); return;
    case 64: __builtin_memcpy(d, s, 64); return;
    default: break;
    }
#ifdef LLQ_FREESTANDING
    llq_i_bytecopy(((unsigned char *)d), ((const unsigned char *)s), n);
#else
    if (n) __builtin_memcpy(d, s, n); /* a zero-length record may come with NULL pointers */
#endif
}

/* racy copies for seqlock/broadcast payloads: every access atomic (relaxed), word-wise */
LLQ_INLINE void llq_i_atomic_store_bytes(void *dst, const void *src, size_t n) {
    size_t *d = ((size_t *)dst);
    const unsigned char *s = ((const unsigned char *)src);
    size_t i, w = n / sizeof(size_t);
    if (n == sizeof(size_t)) { /* the common one-word item: no loops */
        size_t v;
        __builtin_memcpy(&v, s, sizeof(size_t));
        LLQ_I_STORE(d, v, LLQ_RLX);
        return;
    }
    for (i = 0; i < w; i++) {
        size_t v;
        __builtin_memcpy(&v, s + i * sizeof(size_t), sizeof(size_t));
        LLQ_I_STORE(&d[i], v, LLQ_RLX);
    }
    {
        unsigned char *db = ((unsigned char *)dst);
        for (i = w * sizeof(size_t); i < n; i++) LLQ_I_STORE(&db[i], s[i], LLQ_RLX);
    }
}
LLQ_INLINE void llq_i_atomic_load_bytes(void *dst, const void *src, size_t n) {
    const size_t *s = ((const size_t *)src);
    unsigned char *d = ((unsigned char *)dst);
    size_t i, w = n / sizeof(size_t);
    if (n == sizeof(size_t)) {
        size_t v = LLQ_I_LOAD(s, LLQ_RLX);
        __builtin_memcpy(d, &v, sizeof(size_t));
        return;
    }
    for (i = 0; i < w; i++) {
        size_t v = LLQ_I_LOAD(&s[i], LLQ_RLX);
        __builtin_memcpy(d + i * sizeof(size_t), &v, sizeof(size_t));
    }
    {
        const unsigned char *sb = ((const unsigned char *)src);
        for (i = w * sizeof(size_t); i < n; i++) d[i] = LLQ_I_LOAD(&sb[i], LLQ_RLX);
    }
}

LLQDEF const char *llq_strerror(int err);
LLQDEF const char *llq_version(void);

/* ------------------------------------------------------------------------------------------ */
/* SPSC ring                                                                                   */

typedef struct llq_spsc {
    /* Four LLQ_ISOLATE blocks: each side's published index, and each side's private state apart
       from both. Neither side ever reads the line it publishes to: a load of the shared index line
       before the store to it (instead of a private copy) costs one more cache-line transfer per
       hand-off, as the line has usually migrated to the other core in between.
       Block 0, the line the consumer reads: producer index + "edge mailbox", a copy of the newest
       item. A consumer that catches up with the producer takes the item from here, so the hand-off
       costs one cache-line transfer instead of two (index, then slot) and the consumer does not pull
       slot lines the producer is still filling. */
    size_t head;   /* next index to write (published with release; written, never read, by the producer) */
    size_t mb_seq; /* index of the item in mb; written before the data (seqlock-style) */
    unsigned char mb[LLQ_CACHE_LINE - 2 * sizeof(size_t)];
    char hpad_[LLQ_ISOLATE - LLQ_CACHE_LINE];
    /* block 1: producer-private */
    size_t phead;      /* producer's own copy of head */
    size_t tail_cache; /* producer's cached copy of tail */
    size_t mask;
    size_t esize;
    size_t mb_on; /* esize fits the mailbox */
    char pad_[LLQ_ISOLATE - 5 * sizeof(size_t)];
    /* block 2: consumer index (the producer reads it only when the ring looks full) */
    size_t tail; /* next index to read (published with release; written, never read, by the consumer) */
    char tpad_[LLQ_ISOLATE - sizeof(size_t)];
    /* block 3: consumer-private */
    size_t ctail;      /* consumer's own copy of tail */
    size_t head_cache; /* consumer's cached copy of head */
    size_t cmask;
    size_t cesize;
    size_t cmb;
    char cpad_[LLQ_ISOLATE - 5 * sizeof(size_t)];
    /* slots follow */
} llq_spsc;

LLQDEF size_t llq_spsc_memsize(size_t capacity, size_t esize); /* 0 if the arguments are invalid */
LLQDEF int llq_spsc_init(llq_spsc *q, size_t memsize, size_t capacity, size_t esize);

LLQ_INLINE unsigned char *llq_i_spsc_slots(llq_spsc *q) {
    return ((unsigned char *)q) + sizeof(llq_spsc);
}
LLQ_INLINE size_t llq_spsc_capacity(const llq_spsc *q) { return q->mask + 1; }
#define LLQ_SPSC_MAILBOX (LLQ_CACHE_LINE - 2 * sizeof(size_t)) /* elements up to this size use it */

LLQ_INLINE void llq_i_spsc_mb_put(llq_spsc *q, size_t h, const void *e, size_t n) {
    LLQ_I_STORE(&q->mb_seq, h, LLQ_RLX);
    __atomic_thread_fence(LLQ_REL);
    llq_i_atomic_store_bytes(q->mb, e, n);
}
/* after a burst or a commit ending before index `end`: point the mailbox at `end`, the index of the
   next item, which no consumer can ask for before a later push or burst has moved it again. One store
   to the line the head store takes anyway (copying the last item in, as bursts once did, cost a load
   and a copy per burst), and the mailbox never keeps an index old enough to come round again. */
LLQ_INLINE void llq_i_spsc_mb_skip(llq_spsc *q, size_t end) { LLQ_I_STORE(&q->mb_seq, end, LLQ_RLX); }
LLQ_INLINE bool llq_i_spsc_mb_get(llq_spsc *q, size_t t, void *e) {
    if (LLQ_I_LOAD(&q->mb_seq, LLQ_ACQ) != t) return false;
    llq_i_atomic_load_bytes(e, q->mb, q->cesize);
    __atomic_thread_fence(LLQ_ACQ);
    return LLQ_I_LOAD(&q->mb_seq, LLQ_RLX) == t;
}

/* producer: free slots (refreshes the cached tail only if fewer than `want` look free) */
LLQ_INLINE size_t llq_i_spsc_free(llq_spsc *q, size_t h, size_t want) {
    size_t cap = q->mask + 1;
    size_t fr = cap - (h - q->tail_cache);
    if (fr < want) {
        q->tail_cache = LLQ_I_LOAD(&q->tail, LLQ_ACQ);
        fr = cap - (h - q->tail_cache);
    }
    return fr;
}
LLQ_INLINE size_t llq_i_spsc_avail(llq_spsc *q, size_t t, size_t want) {
    size_t av = q->head_cache - t;
    if (av < want) {
        q->head_cache = LLQ_I_LOAD(&q->head, LLQ_ACQ);
        av = q->head_cache - t;
    }
    return av;
}

/* The hot paths take the element size as an argument. Called with a constant (LLQ_SPSC_TYPED, or the
   generic calls below for the common sizes 4, 8, 16 and 32 bytes) they compile to fixed-size moves, the
   mailbox test folds away and a burst copies with an inline loop; the generic calls switch on the
   size once (a well-predicted branch on a constant of the calling side's own block). */
LLQ_INLINE bool llq_i_spsc_push_k(llq_spsc *q, const void *e, size_t k, bool mb) {
    size_t h = q->phead;
    e = llq_i_hide(e);
    if (LLQ_UNLIKELY(h - q->tail_cache > q->mask)) {
        q->tail_cache = LLQ_I_LOAD(&q->tail, LLQ_ACQ);
        if (h - q->tail_cache > q->mask) return false;
    }
    llq_i_copy(llq_i_spsc_slots(q) + (h & q->mask) * k, e, k);
    if (mb) llq_i_spsc_mb_put(q, h, e, k);
    LLQ_I_STORE(&q->head, h + 1, LLQ_REL);
    q->phead = h + 1;
    return true;
}
LLQ_INLINE bool llq_i_spsc_pop_k(llq_spsc *q, void *e, size_t k, bool mb) {
    size_t t = q->ctail;
    e = llq_i_hide_w(e);
    if (LLQ_UNLIKELY(t == q->head_cache)) {
        q->head_cache = LLQ_I_LOAD(&q->head, LLQ_ACQ);
        if (t == q->head_cache) return false;
        /* at the edge: the item is probably in the mailbox on the line we just fetched */
        if (mb && llq_i_spsc_mb_get(q, t, e)) {
            LLQ_I_STORE(&q->tail, t + 1, LLQ_REL);
            q->ctail = t + 1;
            return true;
        }
    }
    llq_i_copy(e, llq_i_spsc_slots(q) + (t & q->cmask) * k, k);
    LLQ_I_STORE(&q->tail, t + 1, LLQ_REL);
    q->ctail = t + 1;
    return true;
}
/* bursts: one masked index per element, an inline loop for a constant size (two contiguous runs would
   become two calls to the library memcpy: ~1.3x the time per burst of 32 8-byte items here, and the
   same loop without an API ran 2.57x DPDK's speed on an Intel Xeon where the memcpy form ran 0.86x);
   for other sizes, two contiguous runs */
LLQ_INLINE void llq_i_spsc_put_n(llq_spsc *q, size_t h, const unsigned char *s, size_t n, size_t k, bool fixed) {
    unsigned char *slots = llq_i_spsc_slots(q);
    size_t i, mask = q->mask, off, first;
    if (fixed) {
        for (i = 0; i < n; i++) llq_i_copy(slots + ((h + i) & mask) * k, s + i * k, k);
        return;
    }
    off = h & mask;
    first = mask + 1 - off < n ? mask + 1 - off : n;
    llq_i_copy(slots + off * k, s, first * k);
    if (n > first) llq_i_copy(slots, s + first * k, (n - first) * k);
}
LLQ_INLINE void llq_i_spsc_get_n(llq_spsc *q, size_t t, unsigned char *d, size_t n, size_t k, bool fixed) {
    const unsigned char *slots = llq_i_spsc_slots(q);
    size_t i, mask = q->cmask, off, first;
    if (fixed) {
        for (i = 0; i < n; i++) llq_i_copy(d + i * k, slots + ((t + i) & mask) * k, k);
        return;
    }
    off = t & mask;
    first = mask + 1 - off < n ? mask + 1 - off : n;
    llq_i_copy(d, slots + off * k, first * k);
    if (n > first) llq_i_copy(d + first * k, slots, (n - first) * k);
}
LLQ_INLINE size_t llq_i_spsc_push_n_k(llq_spsc *q, const void *src, size_t n, size_t k, bool fixed) {
    size_t h = q->phead, fr = llq_i_spsc_free(q, h, n);
    if (n > fr) n = fr;
    if (n == 0) return 0;
    llq_i_spsc_put_n(q, h, ((const unsigned char *)llq_i_hide(src)), n, k, fixed);
    llq_i_spsc_mb_skip(q, h + n);
    LLQ_I_STORE(&q->head, h + n, LLQ_REL);
    q->phead = h + n;
    return n;
}
LLQ_INLINE size_t llq_i_spsc_pop_n_k(llq_spsc *q, void *dst, size_t n, size_t k, bool fixed) {
    size_t t = q->ctail, av = llq_i_spsc_avail(q, t, n);
    if (n > av) n = av;
    if (n == 0) return 0;
    llq_i_spsc_get_n(q, t, ((unsigned char *)llq_i_hide_w(dst)), n, k, fixed);
    LLQ_I_STORE(&q->tail, t + n, LLQ_REL);
    q->ctail = t + n;
    return n;
}
#define LLQ_I_MB(k) ((k) <= LLQ_SPSC_MAILBOX)

LLQ_INLINE bool llq_spsc_push(llq_spsc *q, const void *e) {
    switch (q->esize) {
    case 8: return llq_i_spsc_push_k(q, e, 8, LLQ_I_MB(8));
    case 16: return llq_i_spsc_push_k(q, e, 16, LLQ_I_MB(16));
    case 4: return llq_i_spsc_push_k(q, e, 4, LLQ_I_MB(4));
    case 32: return llq_i_spsc_push_k(q, e, 32, LLQ_I_MB(32));
    default: return llq_i_spsc_push_k(q, e, q->esize, q->mb_on != 0);
    }
}
LLQ_INLINE bool llq_spsc_pop(llq_spsc *q, void *e) {
    switch (q->cesize) {
    case 8: return llq_i_spsc_pop_k(q, e, 8, LLQ_I_MB(8));
    case 16: return llq_i_spsc_pop_k(q, e, 16, LLQ_I_MB(16));
    case 4: return llq_i_spsc_pop_k(q, e, 4, LLQ_I_MB(4));
    case 32: return llq_i_spsc_pop_k(q, e, 32, LLQ_I_MB(32));
    default: return llq_i_spsc_pop_k(q, e, q->cesize, q->cmb != 0);
    }
}
/* push up to n elements, publishing the index once; returns how many were pushed */
LLQ_INLINE size_t llq_spsc_push_n(llq_spsc *q, const void *src, size_t n) {
    switch (q->esize) {
    case 8: return llq_i_spsc_push_n_k(q, src, n, 8, true);
    case 16: return llq_i_spsc_push_n_k(q, src, n, 16, true);
    case 4: return llq_i_spsc_push_n_k(q, src, n, 4, true);
    case 32: return llq_i_spsc_push_n_k(q, src, n, 32, true);
    default: return llq_i_spsc_push_n_k(q, src, n, q->esize, false);
    }
}
/* pop up to n elements, publishing the index once; returns how many were popped */
LLQ_INLINE size_t llq_spsc_pop_n(llq_spsc *q, void *dst, size_t n) {
    switch (q->cesize) {
    case 8: return llq_i_spsc_pop_n_k(q, dst, n, 8, true);
    case 16: return llq_i_spsc_pop_n_k(q, dst, n, 16, true);
    case 4: return llq_i_spsc_pop_n_k(q, dst, n, 4, true);
    case 32: return llq_i_spsc_pop_n_k(q, dst, n, 32, true);
    default: return llq_i_spsc_pop_n_k(q, dst, n, q->cesize, false);
    }
}

/* zero-copy producer: pointer to *got (1..want) contiguous free slots, NULL if full */
LLQ_INLINE void *llq_spsc_reserve(llq_spsc *q, size_t want, size_t *got) {
    size_t h = q->phead;
    size_t fr = llq_i_spsc_free(q, h, want ? want : 1), off = h & q->mask, contig = q->mask + 1 - off;
    if (fr > contig) fr = contig;
    if (fr > want) fr = want;
    if (got) *got = fr;
    return fr ? llq_i_spsc_slots(q) + off * q->esize : NULL;
}
LLQ_INLINE void llq_spsc_commit(llq_spsc *q, size_t n) {
    size_t h = q->phead + n;
    llq_i_spsc_mb_skip(q, h);
    LLQ_I_STORE(&q->head, h, LLQ_REL);
    q->phead = h;
}
/* zero-copy consumer: pointer to *got (1..want) contiguous readable slots, NULL if empty */
LLQ_INLINE void *llq_spsc_peek(llq_spsc *q, size_t want, size_t *got) {
    size_t t = q->ctail;
    size_t av = llq_i_spsc_avail(q, t, want ? want : 1), off = t & q->cmask, contig = q->cmask + 1 - off;
    if (av > contig) av = contig;
    if (av > want) av = want;
    if (got) *got = av;
    return av ? llq_i_spsc_slots(q) + off * q->cesize : NULL;
}
LLQ_INLINE void llq_spsc_release(llq_spsc *q, size_t n) {
    q->ctail += n;
    LLQ_I_STORE(&q->tail, q->ctail, LLQ_REL);
}
/* approximate number of elements (exact when called by either side with the other idle) */
LLQ_INLINE size_t llq_spsc_size(llq_spsc *q) {
    size_t t = LLQ_I_LOAD(&q->tail, LLQ_ACQ);
    size_t h = LLQ_I_LOAD(&q->head, LLQ_ACQ);
    size_t n = h - t;
    return n > q->mask + 1 ? (llq_i_diff(h, t) < 0 ? 0 : q->mask + 1) : n;
}

/* typed variant: LLQ_SPSC_TYPED(ticks, struct tick) defines ticks_memsize, ticks_init, ticks_push,
   ticks_pop, ticks_push_n, ticks_pop_n operating on llq_spsc with the element size a constant (fixed-size
   moves, inline burst loops, the mailbox test resolved at compile time). */
#define LLQ_SPSC_TYPED(name, T)                                                                     \
    LLQ_INLINE size_t name##_memsize(size_t capacity) { return llq_spsc_memsize(capacity, sizeof(T)); } \
    LLQ_INLINE int name##_init(llq_spsc *q, size_t memsize, size_t capacity) {                      \
        return llq_spsc_init(q, memsize, capacity, sizeof(T));                                      \
    }                                                                                               \
    LLQ_INLINE bool name##_push(llq_spsc *q, const T *v) {                                          \
        return llq_i_spsc_push_k(q, v, sizeof(T), LLQ_I_MB(sizeof(T)));                             \
    }                                                                                               \
    LLQ_INLINE bool name##_pop(llq_spsc *q, T *v) { return llq_i_spsc_pop_k(q, v, sizeof(T), LLQ_I_MB(sizeof(T))); } \
    LLQ_INLINE size_t name##_push_n(llq_spsc *q, const T *v, size_t n) {                            \
        return llq_i_spsc_push_n_k(q, v, n, sizeof(T), true);                                       \
    }                                                                                               \
    LLQ_INLINE size_t name##_pop_n(llq_spsc *q, T *v, size_t n) { return llq_i_spsc_pop_n_k(q, v, n, sizeof(T), true); } \
    typedef int name##_llq_typed_end_

/* ------------------------------------------------------------------------------------------ */
/* MPMC bounded queue (per-slot sequence numbers)                                              */

typedef struct llq_mpmc {
    /* Each counter alone on its block, the constants on a third that is never written after init.
       A constant sharing the counter's line would be loaded (speculatively, ahead of the atomic
       read-modify-write) as a shared copy, and the RMW would then have to upgrade it: two transfers
       of a contended line per operation instead of one (measured: push_wait+pop_wait pairs ~2x
       slower with the constants beside the counters). */
    size_t enq; /* producers' claim counter */
    LLQ_I_PAD(sizeof(size_t));
    size_t deq; /* consumers' claim counter */
    char dpad_[LLQ_ISOLATE - sizeof(size_t)];
    size_t mask, stride, esize;
    size_t fence; /* 1: wakers need a full fence (no asymmetric barrier on this system, see llq_wait) */
    char kpad_[LLQ_ISOLATE - 4 * sizeof(size_t)];
    /* Threads asleep in push_wait/pop_wait, counted per slot bucket. Every operation that moves a slot
       reads its bucket (a line that stays shared in every cache while nobody sleeps) and makes the wake
       call only when someone sleeps there. Written only by threads going to sleep or waking up. */
    uint32_t park[LLQ_ISOLATE / sizeof(uint32_t)];
    /* slots: { size_t seq; pad to 8; element } * capacity */
} llq_mpmc;

#define LLQ_I_NPARK (LLQ_ISOLATE / sizeof(uint32_t))

/* blocking support (implementation section): wake everything parked on a sequence word; wait for a
   word to reach a value (spin, then yield, then sleep), announcing the sleep in *bucket */
LLQDEF void llq_i_unpark(size_t *word);
LLQDEF void llq_i_await(size_t *word, size_t want, uint32_t *bucket, size_t fence);


LLQDEF size_t llq_mpmc_memsize(size_t capacity, size_t esize);
LLQDEF int llq_mpmc_init(llq_mpmc *q, size_t memsize, size_t capacity, size_t esize);

LLQ_INLINE unsigned char *llq_i_mpmc_slot(llq_mpmc *q, size_t pos, size_t mask, size_t stride) {
    return ((unsigned char *)q) + sizeof(llq_mpmc) + (pos & mask) * stride;
}

/* after moving slot `pos`: wake its sleepers, if any. With an asymmetric barrier (membarrier on Linux,
   FlushProcessWriteBuffers on Windows) the sleeper pays for the ordering and this is a compiler barrier
   and one load of a shared, read-mostly line; without one, a full fence. */
LLQ_INLINE void llq_i_mpmc_kick(llq_mpmc *q, unsigned char *slot, size_t pos) {
#if !defined(LLQ_FREESTANDING)
    if (q->fence) __atomic_thread_fence(LLQ_SC);
    else __atomic_signal_fence(LLQ_SC);
    if (LLQ_UNLIKELY(LLQ_I_LOAD(&q->park[pos & q->mask & (LLQ_I_NPARK - 1)], LLQ_RLX) != 0))
        llq_i_unpark(llq_i_seq(slot));
#else
    (void)q;
    (void)slot;
    (void)pos;
#endif
}

LLQ_INLINE bool llq_mpmc_push(llq_mpmc *q, const void *e) {
    size_t pos = LLQ_I_LOAD(&q->enq, LLQ_RLX);
    unsigned char *s;
    for (;;) {
        ptrdiff_t d;
        s = llq_i_mpmc_slot(q, pos, q->mask, q->stride);
        d = llq_i_diff(LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ), pos);
        if (d == 0) {
            if (__atomic_compare_exchange_n(&q->enq, &pos, pos + 1, true, LLQ_RLX, LLQ_RLX)) break;
        } else if (d < 0) {
            return false; /* full */
        } else {
            pos = LLQ_I_LOAD(&q->enq, LLQ_RLX);
        }
    }
    llq_i_copy(s + LLQ_I_SLOT_HDR, e, q->esize);
    LLQ_I_STORE(llq_i_seq(s), pos + 1, LLQ_REL);
    llq_i_mpmc_kick(q, s, pos);
    return true;
}

LLQ_INLINE bool llq_mpmc_pop(llq_mpmc *q, void *e) {
    size_t pos = LLQ_I_LOAD(&q->deq, LLQ_RLX);
    unsigned char *s;
    for (;;) {
        ptrdiff_t d;
        s = llq_i_mpmc_slot(q, pos, q->mask, q->stride);
        d = llq_i_diff(LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ), pos + 1);
        if (d == 0) {
            if (__atomic_compare_exchange_n(&q->deq, &pos, pos + 1, true, LLQ_RLX, LLQ_RLX)) break;
        } else if (d < 0) {
            return false; /* empty */
        } else {
            pos = LLQ_I_LOAD(&q->deq, LLQ_RLX);
        }
    }
    llq_i_copy(e, s + LLQ_I_SLOT_HDR, q->esize);
    LLQ_I_STORE(llq_i_seq(s), pos + q->mask + 1, LLQ_REL);
    llq_i_mpmc_kick(q, s, pos);
    return true;
}

/* Waiting operations: take the next ticket with one fetch-and-add (never retried, so a contended
   counter line moves once per operation) and wait for that ticket's slot. For callers that would spin
   on try-push/try-pop anyway. Not lock-free: a ticket holder that stalls delays the tickets behind it,
   and a pop_wait returns only once some producer pushes its item. Mixes freely with the try forms.
   Waiting spins for an adaptive budget, then yields, then sleeps (futex / WaitOnAddress), so threads
   that outnumber the cores give their CPU to the ones they wait for; see llq_wait. */
LLQ_INLINE void llq_mpmc_push_wait(llq_mpmc *q, const void *e) {
    size_t pos = __atomic_fetch_add(&q->enq, 1, LLQ_RLX);
    size_t esize = q->esize;
    unsigned char *s = llq_i_mpmc_slot(q, pos, q->mask, q->stride);
    if (LLQ_UNLIKELY(LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ) != pos)) /* the last lap's item still there */
        llq_i_await(llq_i_seq(s), pos, &q->park[pos & q->mask & (LLQ_I_NPARK - 1)], q->fence);
    llq_i_copy(s + LLQ_I_SLOT_HDR, e, esize);
    LLQ_I_STORE(llq_i_seq(s), pos + 1, LLQ_REL);
    llq_i_mpmc_kick(q, s, pos);
}
LLQ_INLINE void llq_mpmc_pop_wait(llq_mpmc *q, void *e) {
    size_t pos = __atomic_fetch_add(&q->deq, 1, LLQ_RLX);
    size_t esize = q->esize, next_lap = pos + q->mask + 1;
    unsigned char *s = llq_i_mpmc_slot(q, pos, q->mask, q->stride);
    if (LLQ_UNLIKELY(LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ) != pos + 1)) /* its producer not done */
        llq_i_await(llq_i_seq(s), pos + 1, &q->park[pos & q->mask & (LLQ_I_NPARK - 1)], q->fence);
    llq_i_copy(e, s + LLQ_I_SLOT_HDR, esize);
    LLQ_I_STORE(llq_i_seq(s), next_lap, LLQ_REL);
    llq_i_mpmc_kick(q, s, pos);
}

/* burst push: counts the contiguous free slots (up to n) then claims them with one CAS */
LLQ_INLINE size_t llq_mpmc_push_n(llq_mpmc *q, const void *src, size_t n) {
    const unsigned char *sp = ((const unsigned char *)src);
    size_t pos = LLQ_I_LOAD(&q->enq, LLQ_RLX), k, i;
    if (LLQ_UNLIKELY(n == 0)) return 0; /* else the loop below never exits on a free slot */
    for (;;) {
        for (k = 0; k < n; k++) {
            unsigned char *s = llq_i_mpmc_slot(q, pos + k, q->mask, q->stride);
            if (LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ) != pos + k) break;
        }
        if (k == 0) {
            size_t seq0 = LLQ_I_LOAD(llq_i_seq(llq_i_mpmc_slot(q, pos, q->mask, q->stride)), LLQ_ACQ);
            if (llq_i_diff(seq0, pos) < 0) return 0; /* full */
            pos = LLQ_I_LOAD(&q->enq, LLQ_RLX);
            continue;
        }
        if (__atomic_compare_exchange_n(&q->enq, &pos, pos + k, false, LLQ_RLX, LLQ_RLX)) break;
    }
    for (i = 0; i < k; i++) {
        unsigned char *s = llq_i_mpmc_slot(q, pos + i, q->mask, q->stride);
        llq_i_copy(s + LLQ_I_SLOT_HDR, sp + i * q->esize, q->esize);
        LLQ_I_STORE(llq_i_seq(s), pos + i + 1, LLQ_REL);
        llq_i_mpmc_kick(q, s, pos + i);
    }
    return k;
}

LLQ_INLINE size_t llq_mpmc_pop_n(llq_mpmc *q, void *dst, size_t n) {
    unsigned char *dp = ((unsigned char *)dst);
    size_t pos = LLQ_I_LOAD(&q->deq, LLQ_RLX), k, i;
    if (LLQ_UNLIKELY(n == 0)) return 0; /* else the loop below never exits on a filled slot */
    for (;;) {
        for (k = 0; k < n; k++) {
            unsigned char *s = llq_i_mpmc_slot(q, pos + k, q->mask, q->stride);
            if (LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ) != pos + k + 1) break;
        }
        if (k == 0) {
            size_t seq0 = LLQ_I_LOAD(llq_i_seq(llq_i_mpmc_slot(q, pos, q->mask, q->stride)), LLQ_ACQ);
            if (llq_i_diff(seq0, pos + 1) < 0) return 0; /* empty */
            pos = LLQ_I_LOAD(&q->deq, LLQ_RLX);
            continue;
        }
        if (__atomic_compare_exchange_n(&q->deq, &pos, pos + k, false, LLQ_RLX, LLQ_RLX)) break;
    }
    for (i = 0; i < k; i++) {
        unsigned char *s = llq_i_mpmc_slot(q, pos + i, q->mask, q->stride);
        llq_i_copy(dp + i * q->esize, s + LLQ_I_SLOT_HDR, q->esize);
        LLQ_I_STORE(llq_i_seq(s), pos + i + q->mask + 1, LLQ_REL);
        llq_i_mpmc_kick(q, s, pos + i);
    }
    return k;
}

LLQ_INLINE size_t llq_mpmc_capacity(const llq_mpmc *q) { return q->mask + 1; }
LLQ_INLINE size_t llq_mpmc_size(llq_mpmc *q) {
    size_t d = LLQ_I_LOAD(&q->deq, LLQ_ACQ), e = LLQ_I_LOAD(&q->enq, LLQ_ACQ);
    ptrdiff_t n = llq_i_diff(e, d);
    return n < 0 ? 0 : (((size_t)n) > q->mask + 1 ? q->mask + 1 : ((size_t)n));
}

/* ------------------------------------------------------------------------------------------ */
/* MPSC bounded queue: MPMC slots, the single consumer needs no CAS                            */

typedef struct llq_mpsc {
    llq_mpmc q;
} llq_mpsc;

LLQDEF size_t llq_mpsc_memsize(size_t capacity, size_t esize);
LLQDEF int llq_mpsc_init(llq_mpsc *q, size_t memsize, size_t capacity, size_t esize);

LLQ_INLINE bool llq_mpsc_push(llq_mpsc *q, const void *e) { return llq_mpmc_push(&q->q, e); }
LLQ_INLINE size_t llq_mpsc_push_n(llq_mpsc *q, const void *e, size_t n) { return llq_mpmc_push_n(&q->q, e, n); }
LLQ_INLINE void llq_mpsc_push_wait(llq_mpsc *q, const void *e) { llq_mpmc_push_wait(&q->q, e); }
LLQ_INLINE bool llq_mpsc_pop(llq_mpsc *q, void *e) {
    llq_mpmc *m = &q->q;
    size_t pos = LLQ_I_LOAD(&m->deq, LLQ_RLX);
    unsigned char *s = llq_i_mpmc_slot(m, pos, m->mask, m->stride);
    if (LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ) != pos + 1) return false;
    llq_i_copy(e, s + LLQ_I_SLOT_HDR, m->esize);
    LLQ_I_STORE(llq_i_seq(s), pos + m->mask + 1, LLQ_REL);
    LLQ_I_STORE(&m->deq, pos + 1, LLQ_RLX);
    llq_i_mpmc_kick(m, s, pos);
    return true;
}
LLQ_INLINE size_t llq_mpsc_pop_n(llq_mpsc *q, void *dst, size_t n) {
    llq_mpmc *m = &q->q;
    unsigned char *dp = ((unsigned char *)dst);
    size_t pos = LLQ_I_LOAD(&m->deq, LLQ_RLX), k;
    for (k = 0; k < n; k++) {
        unsigned char *s = llq_i_mpmc_slot(m, pos + k, m->mask, m->stride);
        if (LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ) != pos + k + 1) break;
        llq_i_copy(dp + k * m->esize, s + LLQ_I_SLOT_HDR, m->esize);
        LLQ_I_STORE(llq_i_seq(s), pos + k + m->mask + 1, LLQ_REL);
        llq_i_mpmc_kick(m, s, pos + k);
    }
    if (k) LLQ_I_STORE(&m->deq, pos + k, LLQ_RLX);
    return k;
}
LLQ_INLINE size_t llq_mpsc_size(llq_mpsc *q) { return llq_mpmc_size(&q->q); }
LLQ_INLINE size_t llq_mpsc_capacity(const llq_mpsc *q) { return q->q.mask + 1; }

/* ------------------------------------------------------------------------------------------ */
/* intrusive unbounded MPSC queue (Vyukov). Embed llq_mpsc_link in your node.                  */
/* A producer preempted between its exchange and its link store makes the consumer see "empty" */
/* until it resumes (pop returns NULL); nothing is lost.                                       */

typedef struct llq_mpsc_link {
    struct llq_mpsc_link *next;
} llq_mpsc_link;

typedef struct llq_mpsc_list {
    llq_mpsc_link *head; /* producers: last pushed */
    LLQ_I_PAD(sizeof(void *));
    llq_mpsc_link *tail; /* consumer */
    llq_mpsc_link stub;
    char cpad_[LLQ_ISOLATE - 2 * sizeof(void *)];
} llq_mpsc_list;

LLQDEF size_t llq_mpsc_list_memsize(void);
LLQDEF int llq_mpsc_list_init(llq_mpsc_list *q, size_t memsize);

LLQ_INLINE void llq_mpsc_list_push(llq_mpsc_list *q, llq_mpsc_link *n) {
    llq_mpsc_link *prev;
    LLQ_I_STORE(&n->next, ((llq_mpsc_link *)NULL), LLQ_RLX);
    prev = __atomic_exchange_n(&q->head, n, __ATOMIC_ACQ_REL);
    LLQ_I_STORE(&prev->next, n, LLQ_REL);
}

LLQ_INLINE llq_mpsc_link *llq_mpsc_list_pop(llq_mpsc_list *q) {
    llq_mpsc_link *t = q->tail, *next = LLQ_I_LOAD(&t->next, LLQ_ACQ), *h;
    if (t == &q->stub) {
        if (!next) return NULL;
        q->tail = next;
        t = next;
        next = LLQ_I_LOAD(&next->next, LLQ_ACQ);
    }
    if (next) {
        q->tail = next;
        return t;
    }
    h = LLQ_I_LOAD(&q->head, LLQ_ACQ);
    if (t != h) return NULL; /* a producer is between exchange and link */
    llq_mpsc_list_push(q, &q->stub);
    next = LLQ_I_LOAD(&t->next, LLQ_ACQ);
    if (next) {
        q->tail = next;
        return t;
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* SPSC byte ring of variable-length records                                                   */
/* record = 8-byte header { uint32 len; uint32 ~len } + payload padded to 8 bytes              */

typedef struct llq_bytes {
    size_t head;       /* producer: published end */
    size_t tail_cache;
    size_t mask;
    size_t resv;       /* producer: absolute start of the reserved record */
    LLQ_I_PAD(4 * sizeof(size_t));
    size_t tail;       /* consumer: published start */
    size_t head_cache;
    size_t cmask;
    size_t pend;       /* consumer: size of the record returned by peek */
    char cpad_[LLQ_ISOLATE - 4 * sizeof(size_t)];
} llq_bytes;

#define LLQ_I_BYTES_SKIP 0xFFFFFFFFu

LLQDEF size_t llq_bytes_memsize(size_t capacity_bytes);
LLQDEF int llq_bytes_init(llq_bytes *q, size_t memsize, size_t capacity_bytes);

LLQ_INLINE unsigned char *llq_i_bytes_data(llq_bytes *q) {
    return ((unsigned char *)q) + sizeof(llq_bytes);
}
/* largest payload a record may have */
LLQ_INLINE size_t llq_bytes_max_record(const llq_bytes *q) {
    size_t m = (q->mask + 1) / 2 - 8;
    return m > 0xFFFFFFF0u ? 0xFFFFFFF0u : m;
}

/* reserve room for a record of `len` payload bytes; returns the (8-byte aligned) payload pointer, or
   NULL if the ring is full or len > llq_bytes_max_record(q) (that one never fits: check it up front) */
LLQ_INLINE void *llq_bytes_reserve(llq_bytes *q, size_t len) {
    size_t h = LLQ_I_LOAD(&q->head, LLQ_RLX), cap = q->mask + 1;
    size_t need = 8 + llq_i_round_up(len, 8), off = h & q->mask, to_end = cap - off, total, start;
    if (LLQ_UNLIKELY(len > llq_bytes_max_record(q))) return NULL;
    if (to_end < need) {
        total = to_end + need;
        start = h + to_end;
    } else {
        total = need;
        start = h;
    }
    if (cap - (h - q->tail_cache) < total) {
        q->tail_cache = LLQ_I_LOAD(&q->tail, LLQ_ACQ);
        if (cap - (h - q->tail_cache) < total) return NULL;
    }
    if (start != h) {
        uint32_t skip[2];
        skip[0] = LLQ_I_BYTES_SKIP;
        skip[1] = ~LLQ_I_BYTES_SKIP;
        __builtin_memcpy(llq_i_bytes_data(q) + off, skip, 8);
    }
    q->resv = start;
    return llq_i_bytes_data(q) + (start & q->mask) + 8;
}
/* publish the reserved record with its final length (<= the reserved length) */
LLQ_INLINE void llq_bytes_commit(llq_bytes *q, size_t len) {
    uint32_t hdr[2];
    hdr[0] = ((uint32_t)len);
    hdr[1] = ~hdr[0];
    __builtin_memcpy(llq_i_bytes_data(q) + (q->resv & q->mask), hdr, 8);
    LLQ_I_STORE(&q->head, q->resv + 8 + llq_i_round_up(len, 8), LLQ_REL);
}
LLQ_INLINE bool llq_bytes_write(llq_bytes *q, const void *p, size_t len) {
    void *d = llq_bytes_reserve(q, len);
    if (!d) return false;
    llq_i_copy(d, p, len);
    llq_bytes_commit(q, len);
    return true;
}

/* zero-copy read of the next record: 1 = *p and *len set (call llq_bytes_release after use),
   0 = empty, LLQ_EBADMSG = corrupt header (the ring must be reset) */
LLQ_INLINE int llq_bytes_peek(llq_bytes *q, const void **p, size_t *len) {
    size_t t = LLQ_I_LOAD(&q->tail, LLQ_RLX), cap = q->cmask + 1;
    for (;;) {
        size_t av = q->head_cache - t, off, to_end, rec;
        uint32_t hdr[2];
        if (av == 0) {
            q->head_cache = LLQ_I_LOAD(&q->head, LLQ_ACQ);
            av = q->head_cache - t;
            if (av == 0) return 0;
        }
        if (LLQ_UNLIKELY(av > cap || av < 8 || (av & 7) != 0)) return LLQ_EBADMSG;
        off = t & q->cmask;
        to_end = cap - off;
        __builtin_memcpy(hdr, llq_i_bytes_data(q) + off, 8);
        if (LLQ_UNLIKELY(hdr[1] != ~hdr[0])) return LLQ_EBADMSG;
        if (hdr[0] == LLQ_I_BYTES_SKIP) {
            if (to_end > av) return LLQ_EBADMSG;
            t += to_end;
            LLQ_I_STORE(&q->tail, t, LLQ_REL);
            continue;
        }
        rec = 8 + llq_i_round_up(hdr[0], 8);
        if (LLQ_UNLIKELY(rec > to_end || rec > av)) return LLQ_EBADMSG;
        q->pend = rec;
        *p = llq_i_bytes_data(q) + off + 8;
        *len = hdr[0];
        return 1;
    }
}
LLQ_INLINE void llq_bytes_release(llq_bytes *q) {
    LLQ_I_STORE(&q->tail, LLQ_I_LOAD(&q->tail, LLQ_RLX) + q->pend, LLQ_REL);
    q->pend = 0;
}
/* copy the next record into buf: length (> 0 or 0 for an empty record!) via *len; returns
   1 / 0 (empty) / LLQ_EBADMSG / LLQ_EMSGSIZE (buf too small, record left in place) */
LLQ_INLINE int llq_bytes_read(llq_bytes *q, void *buf, size_t bufsize, size_t *len) {
    const void *p;
    int r = llq_bytes_peek(q, &p, len);
    if (r <= 0) return r;
    if (*len > bufsize) return LLQ_EMSGSIZE;
    llq_i_copy(buf, p, *len);
    llq_bytes_release(q);
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* broadcast ring: one producer, independent readers                                           */

typedef struct llq_bcast {
    size_t mask; /* read-only after init */
    size_t stride;
    size_t esize;
    LLQ_I_PAD(3 * sizeof(size_t));
    size_t head; /* producer: next position (readers read it only to join / resync) */
    char hpad_[LLQ_ISOLATE - sizeof(size_t)];
    /* slots: { size_t seq (2*pos+1 while writing, 2*pos+2 when done); pad to 8; element } */
} llq_bcast;

typedef struct llq_bcast_reader {
    size_t pos;     /* next position to read */
    size_t dropped; /* items lost to overruns so far */
} llq_bcast_reader;

LLQDEF size_t llq_bcast_memsize(size_t capacity, size_t esize);
LLQDEF int llq_bcast_init(llq_bcast *q, size_t memsize, size_t capacity, size_t esize);

LLQ_INLINE unsigned char *llq_i_bcast_slot(llq_bcast *q, size_t pos) {
    return ((unsigned char *)q) + sizeof(llq_bcast) + (pos & q->mask) * q->stride;
}
LLQ_INLINE void llq_bcast_publish(llq_bcast *q, const void *e) {
    size_t h = LLQ_I_LOAD(&q->head, LLQ_RLX);
    unsigned char *s = llq_i_bcast_slot(q, h);
    LLQ_I_STORE(llq_i_seq(s), 2 * h + 1, LLQ_RLX);
    __atomic_thread_fence(LLQ_REL);
    llq_i_atomic_store_bytes(s + LLQ_I_SLOT_HDR, e, q->esize);
    LLQ_I_STORE(llq_i_seq(s), 2 * h + 2, LLQ_REL);
    LLQ_I_STORE(&q->head, h + 1, LLQ_REL);
}
/* publish n items (the head once, at the end); n == 0 publishes nothing */
LLQ_INLINE void llq_bcast_publish_n(llq_bcast *q, const void *src, size_t n) {
    size_t h = LLQ_I_LOAD(&q->head, LLQ_RLX), i;
    const unsigned char *sp = ((const unsigned char *)src);
    if (n == 0) return;
    for (i = 0; i < n; i++, h++) {
        unsigned char *s = llq_i_bcast_slot(q, h);
        LLQ_I_STORE(llq_i_seq(s), 2 * h + 1, LLQ_RLX);
        __atomic_thread_fence(LLQ_REL);
        llq_i_atomic_store_bytes(s + LLQ_I_SLOT_HDR, sp + i * q->esize, q->esize);
        LLQ_I_STORE(llq_i_seq(s), 2 * h + 2, LLQ_REL);
    }
    LLQ_I_STORE(&q->head, h, LLQ_REL);
}
/* a new reader starts at the next item to be published */
LLQ_INLINE void llq_bcast_reader_init(llq_bcast *q, llq_bcast_reader *r) {
    r->pos = LLQ_I_LOAD(&q->head, LLQ_ACQ);
    r->dropped = 0;
}
/* 1 = *e filled; 0 = nothing new; LLQ_EOVERFLOW = this reader was lapped: it is moved to the
   oldest item still likely intact and r->dropped grows by the number of items lost */
LLQ_INLINE int llq_bcast_read(llq_bcast *q, llq_bcast_reader *r, void *e) {
    size_t pos = r->pos, want = 2 * pos + 2, s1, s2;
    unsigned char *s = llq_i_bcast_slot(q, pos);
    ptrdiff_t d;
    s1 = LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ);
    d = llq_i_diff(s1, want);
    if (d < 0) return 0;
    if (d == 0) {
        llq_i_atomic_load_bytes(e, s + LLQ_I_SLOT_HDR, q->esize);
        __atomic_thread_fence(LLQ_ACQ);
        s2 = LLQ_I_LOAD(llq_i_seq(s), LLQ_RLX);
        if (LLQ_LIKELY(s2 == s1)) {
            r->pos = pos + 1;
            return 1;
        }
    }
    {
        size_t h = LLQ_I_LOAD(&q->head, LLQ_ACQ), np = h - (q->mask + 1) / 2;
        if (llq_i_diff(np, pos) <= 0) np = pos + 1;
        r->dropped += np - pos;
        r->pos = np;
    }
    return LLQ_EOVERFLOW;
}

/* read up to n items: the count read (0 = nothing new, or n == 0), or LLQ_EOVERFLOW when the reader was
   lapped before its first item (moved on as llq_bcast_read does); a lap noticed after some items ends the
   batch early, and the next call reports it */
LLQ_INLINE ptrdiff_t llq_bcast_read_n(llq_bcast *q, llq_bcast_reader *r, void *dst, size_t n) {
    unsigned char *dp = ((unsigned char *)dst);
    size_t k;
    for (k = 0; k < n; k++) {
        size_t pos = r->pos, want = 2 * pos + 2, s1;
        unsigned char *s = llq_i_bcast_slot(q, pos);
        s1 = LLQ_I_LOAD(llq_i_seq(s), LLQ_ACQ);
        if (s1 != want) break; /* not yet written (ahead: lapped, left to llq_bcast_read) */
        llq_i_atomic_load_bytes(dp + k * q->esize, s + LLQ_I_SLOT_HDR, q->esize);
        __atomic_thread_fence(LLQ_ACQ);
        if (LLQ_I_LOAD(llq_i_seq(s), LLQ_RLX) != s1) break;
        r->pos = pos + 1;
    }
    if (k == 0 && n != 0) {
        int x = llq_bcast_read(q, r, dp);
        return x == 1 ? 1 : x;
    }
    return ((ptrdiff_t)k);
}

/* ------------------------------------------------------------------------------------------ */
/* seqlock (single writer)                                                                     */

typedef struct llq_seqlock {
    size_t seq;
    size_t esize;
    char pad_[LLQ_CACHE_LINE - 2 * sizeof(size_t)];
    /* value follows */
} llq_seqlock;

LLQDEF size_t llq_seqlock_memsize(size_t esize);
LLQDEF int llq_seqlock_init(llq_seqlock *s, size_t memsize, size_t esize, const void *initial);

LLQ_INLINE void *llq_i_seqlock_data(llq_seqlock *s) {
    return ((unsigned char *)s) + sizeof(llq_seqlock);
}
LLQ_INLINE void llq_seqlock_write(llq_seqlock *s, const void *e) {
    size_t q = LLQ_I_LOAD(&s->seq, LLQ_RLX);
    LLQ_I_STORE(&s->seq, q + 1, LLQ_RLX);
    __atomic_thread_fence(LLQ_REL);
    llq_i_atomic_store_bytes(llq_i_seqlock_data(s), e, s->esize);
    LLQ_I_STORE(&s->seq, q + 2, LLQ_REL);
}
/* one attempt: false if a write was in progress or overlapped the copy (e then undefined) */
LLQ_INLINE bool llq_seqlock_try_read(llq_seqlock *s, void *e) {
    size_t q1 = LLQ_I_LOAD(&s->seq, LLQ_ACQ), q2;
    if (q1 & 1) return false;
    llq_i_atomic_load_bytes(e, llq_i_seqlock_data(s), s->esize);
    __atomic_thread_fence(LLQ_ACQ);
    q2 = LLQ_I_LOAD(&s->seq, LLQ_RLX);
    return q1 == q2;
}
LLQDEF void llq_i_backoff(size_t *round); /* spin, then yield (implementation section) */
/* retries while a write is in progress; a writer preempted mid-write costs the reader a yield, not a
   time slice of spinning */
LLQ_INLINE void llq_seqlock_read(llq_seqlock *s, void *e) {
    size_t round = 0;
    while (!llq_seqlock_try_read(s, e)) llq_i_backoff(&round);
}
LLQ_INLINE size_t llq_seqlock_version(llq_seqlock *s) { return LLQ_I_LOAD(&s->seq, LLQ_ACQ) / 2; }

/* ------------------------------------------------------------------------------------------ */
/* epoch-based reclamation (Fraser)                                                            */

typedef struct llq_ebr_node {
    struct llq_ebr_node *next;
    void (*fn)(struct llq_ebr_node *node); /* called once no reader can see the node */
} llq_ebr_node;

struct llq_ebr;
typedef struct llq_ebr_local { /* thread-private part */
    struct llq_ebr *dom;
    llq_ebr_node *limbo[3];
    size_t limbo_epoch[3];
    size_t nretired; /* retired since the last advance attempt */
    size_t pending;  /* in this thread's limbo lists */
} llq_ebr_local;
typedef struct llq_ebr_thread {
    size_t state;        /* (epoch << 1) | active, 0 inactive; read by whoever tries to advance */
    size_t used;         /* slot claimed */
    const size_t *epoch; /* the domain's epoch word */
    size_t fenced;       /* 1: enter orders its announcement with a locked exchange itself */
    char pad0_[LLQ_CACHE_LINE - 4 * sizeof(size_t)];
    llq_ebr_local l;
    char pad1_[LLQ_CACHE_LINE - sizeof(llq_ebr_local) % LLQ_CACHE_LINE];
} llq_ebr_thread;

/* how readers announce themselves (llq_ebr_init_mode) */
#define LLQ_EBR_FENCED 0 /* enter = one locked exchange; advancing is cheap. For retire-heavy users */
#define LLQ_EBR_ASYM 1   /* enter/exit = plain stores; each advance issues an asymmetric barrier
                            (membarrier / FlushProcessWriteBuffers; a locked exchange in enter where
                            the system has none). For read-mostly data: the RCU read side */
#define LLQ_EBR_QSBR 2   /* no enter/exit at all: a registered thread is always "inside" and says when
                            it holds no reference (llq_ebr_quiescent), or goes offline around blocking */

typedef struct llq_ebr {
    size_t epoch;
    char pad0_[LLQ_CACHE_LINE - sizeof(size_t)];
    size_t max_threads;
    size_t mode;
    size_t asym; /* advancing issues the asymmetric barrier */
    char pad1_[LLQ_CACHE_LINE - 3 * sizeof(size_t)];
    /* llq_ebr_thread[max_threads] follows */
} llq_ebr;

LLQDEF size_t llq_ebr_memsize(size_t max_threads);
LLQDEF int llq_ebr_init(llq_ebr *d, size_t memsize, size_t max_threads); /* LLQ_EBR_FENCED */
LLQDEF int llq_ebr_init_mode(llq_ebr *d, size_t memsize, size_t max_threads, int mode);
LLQDEF int llq_ebr_register(llq_ebr *d, llq_ebr_thread **out); /* QSBR: registered = online */
LLQDEF void llq_ebr_unregister(llq_ebr_thread *t); /* outside a critical section; limbo kept */
LLQDEF void llq_ebr_retire(llq_ebr_thread *t, llq_ebr_node *node, void (*fn)(llq_ebr_node *));
LLQDEF bool llq_ebr_try_advance(llq_ebr *d);
LLQDEF size_t llq_ebr_poll(llq_ebr_thread *t); /* advance + free what is safe; returns nodes freed */
LLQDEF size_t llq_ebr_drain(llq_ebr *d);       /* no thread inside: free everything; returns count */
LLQDEF size_t llq_ebr_pending(llq_ebr *d);     /* retired but not yet freed (quiescent caller) */
/* wait until every read-side section (QSBR: every online thread's span up to its next quiescent
   state) that began before the call has ended. self: the caller's registration or NULL; a QSBR caller
   is taken offline while it waits. 0, or LLQ_EBUSY when called inside a critical section (FENCED,
   ASYM), which could never end. Blocks: spins, yields, then sleeps in short steps. */
LLQDEF int llq_ebr_synchronize(llq_ebr *d, llq_ebr_thread *self);
/* synchronize, then free everything this thread retired before the call (call_rcu barrier) */
LLQDEF int llq_ebr_barrier(llq_ebr_thread *t);

LLQ_INLINE void llq_ebr_enter(llq_ebr_thread *t) {
    size_t s = (LLQ_I_LOAD(t->epoch, LLQ_ACQ) << 1) | 1u;
    if (t->fenced) {
        /* a locked exchange orders the announcement before our later loads (cheaper than mfence) */
        (void)__atomic_exchange_n(&t->state, s, LLQ_SC);
    } else {
        /* ASYM: the advancer's barrier orders it (a compiler barrier keeps the loads after it) */
        LLQ_I_STORE(&t->state, s, LLQ_RLX);
        __atomic_signal_fence(LLQ_SC);
    }
}
LLQ_INLINE void llq_ebr_exit(llq_ebr_thread *t) { LLQ_I_STORE(&t->state, 0, LLQ_REL); }

/* QSBR: this thread holds no reference obtained before this point */
LLQ_INLINE void llq_ebr_quiescent(llq_ebr_thread *t) {
    LLQ_I_STORE(&t->state, (LLQ_I_LOAD(t->epoch, LLQ_ACQ) << 1) | 1u, LLQ_REL);
}
/* QSBR: around a blocking call (or a long stretch without reads), so that nobody waits for this thread */
LLQ_INLINE void llq_ebr_offline(llq_ebr_thread *t) { LLQ_I_STORE(&t->state, 0, LLQ_REL); }
LLQ_INLINE void llq_ebr_online(llq_ebr_thread *t) {
    (void)__atomic_exchange_n(&t->state, (LLQ_I_LOAD(t->epoch, LLQ_ACQ) << 1) | 1u, LLQ_SC);
}

/* ------------------------------------------------------------------------------------------ */
/* RCU pointer over llq_ebr                                                                    */
/* A pointer to an object readers use without locks, replaced whole by writers. Readers: inside
   llq_ebr_enter/exit (FENCED or ASYM domain) or between quiescent states (QSBR), read the pointer with
   llq_rcu_read and use the object; nothing read through it may be kept past llq_ebr_exit (or the next
   llq_ebr_quiescent). Writers: build a new object, then llq_rcu_publish it (first publication) or
   llq_rcu_replace it, which retires the old one through the domain: it is freed (its llq_ebr_node's
   fn runs) once no reader can hold it. llq_ebr_synchronize waits for that point; llq_ebr_barrier also
   runs the frees. The pointer word itself is the caller's (a global, a struct member, shared memory
   of one process). */

LLQ_INLINE void *llq_rcu_read(void **slot) { return LLQ_I_LOAD(slot, LLQ_ACQ); }
LLQ_INLINE void llq_rcu_publish(void **slot, void *p) { LLQ_I_STORE(slot, p, LLQ_REL); }
/* swap in p; retire the old object (its llq_ebr_node at byte offset node_offset) through t's
   domain; returns the old pointer (NULL: nothing was retired) */
LLQ_INLINE void *llq_rcu_replace(llq_ebr_thread *t, void **slot, void *p, size_t node_offset,
                                 void (*fn)(llq_ebr_node *)) {
    void *old = __atomic_exchange_n(slot, p, __ATOMIC_ACQ_REL);
    if (old) llq_ebr_retire(t, ((llq_ebr_node *)(((unsigned char *)old) + node_offset)), fn);
    return old;
}
/* typed forms, no casts in the caller: LLQ_RCU_TYPED(cfg, struct config, node) defines
   cfg_read(struct config **slot), cfg_publish(slot, p), cfg_replace(t, slot, p, fn) for a T with an
   llq_ebr_node member `node` */
#define LLQ_RCU_TYPED(name, T, member)                                                              \
    LLQ_INLINE T *name##_read(T **slot) { return __atomic_load_n(slot, __ATOMIC_ACQUIRE); }         \
    LLQ_INLINE void name##_publish(T **slot, T *p) { __atomic_store_n(slot, p, __ATOMIC_RELEASE); } \
    LLQ_INLINE T *name##_replace(llq_ebr_thread *t, T **slot, T *p, void (*fn)(llq_ebr_node *)) {   \
        T *old_ = __atomic_exchange_n(slot, p, __ATOMIC_ACQ_REL);                                   \
        if (old_) llq_ebr_retire(t, &old_->member, fn);                                             \
        return old_;                                                                                \
    }                                                                                               \
    typedef int name##_llq_rcu_typed_end_

/* ------------------------------------------------------------------------------------------ */
/* concurrent hash map: 64-bit keys and values (or pointers), lock-free reads                  */

#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 8
#define LLQ_HAVE_MAP 1 /* it needs 64-bit atomics: 64-bit targets only */

/* Open addressing, linear probing over buckets of one cache line: 4 keys then their 4 values, so a
   lookup reads one line in the common case and needs no pointer chase. Readers never write and never
   wait: they run inside a read-side section of the map's llq_ebr domain (llq_ebr_enter/exit, or
   between quiescent states in QSBR mode) and may keep nothing from the map past it. Writers are
   serialised per stripe (64 stripes by hash, each a lock on its own line), so writers of different
   keys rarely meet; a growing writer takes every stripe, copies the live entries into a table twice
   the size, publishes it and retires the old one through the domain, while readers go on reading
   the old table until they see the new pointer. Slots are never reused by another key before a
   resize (a deleted key leaves a tombstone), so a reader that found its key reads that key's value:
   the one present before, or one written during, its call.
   Keys 0, 1 and 2 mark empty, deleted and being-written slots; the map keeps those three user keys
   in slots of their own, so every 64-bit key works. */
typedef uint64_t (*llq_map_hash_fn)(uint64_t key, void *ctx);
typedef void *(*llq_map_alloc_fn)(size_t size, void *ctx);         /* LLQ_CACHE_LINE-aligned, or NULL */
typedef void (*llq_map_free_fn)(void *p, size_t size, void *ctx);

typedef struct llq_map_config {
    llq_map_hash_fn hash; /* NULL: llq_map_hash64 (inlined) */
    void *hash_ctx;
    llq_map_alloc_fn alloc; /* tables the map grows into; NULL: LLQ_MALLOC (over-allocated, aligned) */
    llq_map_free_fn free;
    void *alloc_ctx;
    int fixed; /* never grow: an insert that would pass the load limit gets LLQ_ENOSPC */
} llq_map_config;

#define LLQ_I_MAP_WAYS 4
#define LLQ_I_MAP_STRIPES 64
typedef struct llq_i_map_bucket {
    uint64_t key[LLQ_I_MAP_WAYS];
    uint64_t val[LLQ_I_MAP_WAYS];
} llq_i_map_bucket;
typedef struct llq_i_map_table {
    size_t nb;         /* buckets (any number: the index is a multiply-shift of the hash) */
    size_t stripe_max; /* slots (live + deleted) a stripe may use before the table grows */
    size_t bytes;      /* allocation size (0: caller memory, never freed by the map) */
    void *base;        /* allocation start */
    llq_map_free_fn free;
    void *alloc_ctx;
    llq_ebr_node node; /* retirement of a replaced table */
    char pad_[LLQ_CACHE_LINE - (6 * sizeof(size_t) + sizeof(llq_ebr_node)) % LLQ_CACHE_LINE];
    /* llq_i_map_bucket[nb] follows */
} llq_i_map_table;
typedef struct llq_i_map_stripe {
    uint32_t lock;
    uint32_t pad0_;
    size_t used; /* slots this stripe's inserts took in the current table (live + deleted) */
    size_t live;
    char pad_[LLQ_CACHE_LINE - 3 * sizeof(size_t)];
} llq_i_map_stripe;

typedef struct llq_map {
    llq_i_map_table *table; /* current table, published with release */
    llq_ebr *dom;
    llq_map_config cfg;
    uint64_t special_val[3];   /* user keys 0, 1, 2 */
    uint32_t special_have[3];
    uint32_t resizes;
    char pad_[LLQ_CACHE_LINE];
    llq_i_map_stripe stripe[LLQ_I_MAP_STRIPES];
    /* the first table follows */
} llq_map;

/* the default mixer (a 64-bit finaliser: every input bit reaches every output bit) */
LLQ_INLINE uint64_t llq_map_hash64(uint64_t k) {
    k ^= k >> 32;
    k *= 0xd6e8feb86659fd93ULL;
    k ^= k >> 32;
    k *= 0xd6e8feb86659fd93ULL;
    k ^= k >> 32;
    return k;
}

LLQDEF size_t llq_map_memsize(size_t capacity); /* map + a first table for `capacity` keys; 0: too big */
/* dom: the reclamation domain readers guard themselves with; cfg may be NULL (defaults) */
LLQDEF int llq_map_init(llq_map *m, size_t memsize, size_t capacity, llq_ebr *dom, const llq_map_config *cfg);
LLQDEF void llq_map_destroy(llq_map *m); /* no user left; frees the tables the map allocated */
/* writers: t is the caller's registration in dom (for retiring a replaced table), or NULL (a growing
   writer then waits for a grace period itself: it must not be inside a read-side section) */
LLQDEF int llq_map_insert(llq_map *m, llq_ebr_thread *t, uint64_t key, uint64_t value); /* 0/EEXIST/ENOSPC/ENOMEM */
LLQDEF int llq_map_put(llq_map *m, llq_ebr_thread *t, uint64_t key, uint64_t value); /* 0 new, 1 replaced, <0 */
LLQDEF int llq_map_erase(llq_map *m, uint64_t key); /* 0 / LLQ_ENOENT */
LLQDEF size_t llq_map_size(llq_map *m);              /* live keys (exact when no writer runs) */
LLQDEF size_t llq_map_capacity(llq_map *m);          /* keys the current table holds before growing */
LLQDEF bool llq_i_map_get_special(llq_map *m, uint64_t key, uint64_t *value);

LLQ_INLINE size_t llq_i_map_index(uint64_t h, size_t nb) { /* h * nb / 2^64: any bucket count */
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 llq_i_u128;
    return ((size_t)(((llq_i_u128)h * nb) >> 64));
#else
    uint64_t a = h >> 32, b = h & 0xffffffffu, c = ((uint64_t)nb) >> 32, d = nb & 0xffffffffu;
    uint64_t mid = a * d + ((b * d) >> 32), mid2 = b * c + (mid & 0xffffffffu);
    return ((size_t)(a * c + (mid >> 32) + (mid2 >> 32)));
#endif
}
LLQ_INLINE llq_i_map_bucket *llq_i_map_buckets(llq_i_map_table *t) {
    return ((llq_i_map_bucket *)(((unsigned char *)t) + sizeof(llq_i_map_table)));
}

/* lookup, inside a read-side section: true and *value set if key is present */
LLQ_INLINE bool llq_map_get(llq_map *m, uint64_t key, uint64_t *value) {
    llq_i_map_table *t;
    llq_i_map_bucket *bk;
    uint64_t h;
    size_t b, nb, i;
    if (LLQ_UNLIKELY(key <= 2)) return llq_i_map_get_special(m, key, value);
    t = LLQ_I_LOAD(&m->table, LLQ_ACQ);
    h = m->cfg.hash ? m->cfg.hash(key, m->cfg.hash_ctx) : llq_map_hash64(key);
    nb = t->nb;
    b = llq_i_map_index(h, nb);
    bk = llq_i_map_buckets(t);
    for (;;) {
        /* the four keys compared without a branch per way: the way a key sits in is random, and a
           mispredicted branch on a key still in flight from memory would discard the lookups the
           core has already started for the caller's next operations */
        unsigned hit = 0, empty = 0;
        for (i = 0; i < LLQ_I_MAP_WAYS; i++) {
            uint64_t k = LLQ_I_LOAD(&bk[b].key[i], LLQ_ACQ);
            hit |= (unsigned)(k == key) << i;
            empty |= (unsigned)(k == 0) << i;
        }
        if (LLQ_LIKELY(hit != 0)) {
            *value = LLQ_I_LOAD(&bk[b].val[__builtin_ctz(hit)], LLQ_RLX);
            return true;
        }
        if (empty) return false; /* the key would sit in or before the first empty slot */
        if (++b == nb) b = 0;
    }
}

/* iteration inside one read-side section: every key present for the whole walk is returned once;
   keys inserted or erased meanwhile may or may not be; after a resize the walk goes on over the
   table it started with */
typedef struct llq_map_iter {
    llq_map *m;
    llq_i_map_table *t;
    size_t pos; /* 0..2: the special keys, then table slots */
} llq_map_iter;
LLQ_INLINE void llq_map_iter_init(llq_map *m, llq_map_iter *it) {
    it->m = m;
    it->t = LLQ_I_LOAD(&m->table, LLQ_ACQ);
    it->pos = 0;
}
LLQ_INLINE bool llq_map_iter_next(llq_map_iter *it, uint64_t *key, uint64_t *value) {
    size_t total = 3 + it->t->nb * LLQ_I_MAP_WAYS;
    while (it->pos < total) {
        size_t p = it->pos++;
        if (p < 3) {
            if (LLQ_I_LOAD(&it->m->special_have[p], LLQ_ACQ)) {
                *key = p;
                *value = LLQ_I_LOAD(&it->m->special_val[p], LLQ_RLX);
                return true;
            }
        } else {
            llq_i_map_bucket *bk = &llq_i_map_buckets(it->t)[(p - 3) / LLQ_I_MAP_WAYS];
            size_t w = (p - 3) % LLQ_I_MAP_WAYS;
            uint64_t k = LLQ_I_LOAD(&bk->key[w], LLQ_ACQ);
            if (k > 2) {
                *key = k;
                *value = LLQ_I_LOAD(&bk->val[w], LLQ_RLX);
                return true;
            }
        }
    }
    return false;
}
#endif /* 64-bit */

/* ------------------------------------------------------------------------------------------ */
/* Treiber stack (intrusive). push/pop inside llq_ebr_enter/exit; retire popped nodes.         */

typedef struct llq_stack_node {
    struct llq_stack_node *next;
} llq_stack_node;

typedef struct llq_stack {
    llq_stack_node *top;
    char pad_[LLQ_ISOLATE - sizeof(void *)];
} llq_stack;

LLQDEF size_t llq_stack_memsize(void);
LLQDEF int llq_stack_init(llq_stack *s, size_t memsize);

LLQ_INLINE void llq_stack_push(llq_stack *s, llq_stack_node *n) {
    llq_stack_node *top = LLQ_I_LOAD(&s->top, LLQ_RLX);
    do {
        LLQ_I_STORE(&n->next, top, LLQ_RLX);
    } while (!__atomic_compare_exchange_n(&s->top, &top, n, true, LLQ_REL, LLQ_RLX));
}
/* push a chain first..last (already linked through next) with one CAS; an empty chain (first or last
   NULL) pushes nothing */
LLQ_INLINE void llq_stack_push_list(llq_stack *s, llq_stack_node *first, llq_stack_node *last) {
    llq_stack_node *top;
    if (LLQ_UNLIKELY(!first || !last)) return;
    top = LLQ_I_LOAD(&s->top, LLQ_RLX);
    do {
        LLQ_I_STORE(&last->next, top, LLQ_RLX);
    } while (!__atomic_compare_exchange_n(&s->top, &top, first, true, LLQ_REL, LLQ_RLX));
}
/* take the whole stack with one exchange (no ABA: nothing is read through the old top) */
LLQ_INLINE llq_stack_node *llq_stack_pop_all(llq_stack *s) {
    return __atomic_exchange_n(&s->top, ((llq_stack_node *)NULL), LLQ_ACQ);
}
LLQ_INLINE llq_stack_node *llq_stack_pop(llq_stack *s) {
    llq_stack_node *top = LLQ_I_LOAD(&s->top, LLQ_ACQ);
    while (top) {
        llq_stack_node *next = LLQ_I_LOAD(&top->next, LLQ_RLX);
        if (__atomic_compare_exchange_n(&s->top, &top, next, true, LLQ_ACQ, LLQ_ACQ)) break;
    }
    return top;
}

/* ------------------------------------------------------------------------------------------ */
/* Michael-Scott queue. push/pop inside llq_ebr_enter/exit; retire the node pop hands back.    */

typedef struct llq_msq_node {
    struct llq_msq_node *next;
    void *value;
} llq_msq_node;

typedef struct llq_msq {
    llq_msq_node *head;
    char pad0_[LLQ_ISOLATE - sizeof(void *)];
    llq_msq_node *tail;
    char pad1_[LLQ_ISOLATE - sizeof(void *)];
} llq_msq;

LLQDEF size_t llq_msq_memsize(void);
/* `dummy` becomes the initial sentinel; the queue owns it until pop hands it back */
LLQDEF int llq_msq_init(llq_msq *q, size_t memsize, llq_msq_node *dummy);

LLQ_INLINE void llq_msq_push(llq_msq *q, llq_msq_node *n, void *value) {
    llq_msq_node *tail, *next;
    n->value = value;
    LLQ_I_STORE(&n->next, ((llq_msq_node *)NULL), LLQ_RLX);
    for (;;) {
        tail = LLQ_I_LOAD(&q->tail, LLQ_ACQ);
        next = LLQ_I_LOAD(&tail->next, LLQ_ACQ);
        if (tail != LLQ_I_LOAD(&q->tail, LLQ_ACQ)) continue;
        if (next == NULL) {
            if (__atomic_compare_exchange_n(&tail->next, &next, n, false, LLQ_REL, LLQ_RLX)) break;
        } else {
            __atomic_compare_exchange_n(&q->tail, &tail, next, false, LLQ_REL, LLQ_RLX);
        }
    }
    __atomic_compare_exchange_n(&q->tail, &tail, n, false, LLQ_REL, LLQ_RLX);
}
/* true: *value = oldest value, *retired = a node no longer in the queue (llq_ebr_retire it) */
LLQ_INLINE bool llq_msq_pop(llq_msq *q, void **value, llq_msq_node **retired) {
    for (;;) {
        llq_msq_node *head = LLQ_I_LOAD(&q->head, LLQ_ACQ);
        llq_msq_node *tail = LLQ_I_LOAD(&q->tail, LLQ_ACQ);
        llq_msq_node *next = LLQ_I_LOAD(&head->next, LLQ_ACQ);
        if (head != LLQ_I_LOAD(&q->head, LLQ_ACQ)) continue;
        if (head == tail) {
            if (next == NULL) return false;
            __atomic_compare_exchange_n(&q->tail, &tail, next, false, LLQ_REL, LLQ_RLX);
        } else {
            void *v = LLQ_I_LOAD(&next->value, LLQ_RLX);
            if (__atomic_compare_exchange_n(&q->head, &head, next, false, LLQ_ACQ, LLQ_RLX)) {
                *value = v;
                *retired = head;
                return true;
            }
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* backpressure: watermarks, depth sampling, a token bucket                                    */

/* High/low watermarks with hysteresis on a depth the caller reads (llq_spsc_size, llq_mpmc_size,
   llq_mpsc_size, llq_bytes_size, llq_bcast_lag, or anything else). llq_watermark_check moves the state
   to "above" when depth >= high and back to "below" when depth <= low. Each move is claimed by exactly
   one caller (a compare-and-swap on one word), which gets LLQ_WM_HIGH or LLQ_WM_LOW back and runs the
   callback before the state settles; while a callback runs, other callers see a crossing in progress
   and get LLQ_WM_NONE. So every crossing is reported once however many threads check, callbacks never
   overlap and always alternate HIGH, LOW, HIGH... (a callback that sets a rate cannot be overtaken by
   the opposite one), and a crossing that happens during a callback is reported at the next check after
   it. Between the marks nothing changes: a depth wobbling around one mark does not flap. */
#define LLQ_WM_NONE 0
#define LLQ_WM_HIGH 1 /* this call saw the depth reach the high mark: slow down */
#define LLQ_WM_LOW 2  /* this call saw it fall to the low mark: full speed again */
typedef struct llq_watermark {
    size_t low, high;
    size_t state;           /* 0 below, 1 going above (callback running), 2 above, 3 going below */
    size_t highs, lows;     /* crossings so far */
    void (*cb)(void *ctx, int event, size_t depth); /* may be NULL */
    void *ctx;
} llq_watermark;
LLQDEF int llq_watermark_init(llq_watermark *w, size_t low, size_t high, void (*cb)(void *ctx, int event, size_t depth),
                              void *ctx); /* LLQ_EINVAL (NULL), LLQ_ERANGE (low >= high) */
LLQDEF int llq_i_watermark_cross(llq_watermark *w, size_t depth, size_t from);
LLQ_INLINE int llq_watermark_check(llq_watermark *w, size_t depth) {
    size_t s = LLQ_I_LOAD(&w->state, LLQ_RLX);
    if (LLQ_LIKELY(s == 0 ? depth < w->high : s != 2 || depth > w->low)) return LLQ_WM_NONE;
    return llq_i_watermark_cross(w, depth, s);
}
/* true from the moment a high crossing is claimed until a low one is: the flag producers may poll */
LLQ_INLINE bool llq_watermark_above(const llq_watermark *w) {
    size_t s = LLQ_I_LOAD(&w->state, LLQ_ACQ);
    return s == 1 || s == 2;
}

/* depth of the other ring kinds: bytes in use, and how far a broadcast reader is behind */
LLQ_INLINE size_t llq_bytes_size(llq_bytes *q) {
    size_t t = LLQ_I_LOAD(&q->tail, LLQ_ACQ), h = LLQ_I_LOAD(&q->head, LLQ_ACQ), n = h - t;
    return n > q->mask + 1 ? (llq_i_diff(h, t) < 0 ? 0 : q->mask + 1) : n;
}
LLQ_INLINE size_t llq_bcast_lag(llq_bcast *q, const llq_bcast_reader *r) {
    size_t h = LLQ_I_LOAD(&q->head, LLQ_ACQ);
    return llq_i_diff(h, r->pos) > 0 ? h - r->pos : 0;
}

/* Depth sampling: one thread (a monitor, or the consumer now and then) records depths; anyone reads
   the summary. Counts are words written with relaxed atomics: a reader may see a sample's count
   without its sum, never a torn word. */
typedef struct llq_depth_sampler {
    size_t n, last, max;
    size_t sum; /* pointer-sized: no 64-bit atomics on 32-bit targets (wraps after 4 G there) */
    size_t hist[8]; /* samples with depth in [0, 1), [1, 4), [4, 16), ... [4^6, inf): powers of 4 */
} llq_depth_sampler;
typedef struct llq_depth_stats {
    size_t samples, last, max;
    double mean;
    size_t hist[8];
} llq_depth_stats;
LLQ_INLINE void llq_depth_record(llq_depth_sampler *s, size_t depth) {
    size_t b = 0, d = depth;
    while (d && b < 7) {
        b++;
        d >>= 2;
    }
    LLQ_I_STORE(&s->hist[b], s->hist[b] + 1, LLQ_RLX);
    LLQ_I_STORE(&s->sum, s->sum + depth, LLQ_RLX);
    if (depth > s->max) LLQ_I_STORE(&s->max, depth, LLQ_RLX);
    LLQ_I_STORE(&s->last, depth, LLQ_RLX);
    LLQ_I_STORE(&s->n, s->n + 1, LLQ_REL);
}
LLQDEF void llq_depth_stats_get(llq_depth_sampler *s, llq_depth_stats *out);
LLQDEF void llq_depth_stats_reset(llq_depth_sampler *s); /* by the recording thread */

/* Token bucket as a generic cell-rate algorithm: one word, the theoretical time the next token
   becomes due. take(n) moves it n intervals on if that leaves it at most `burst` intervals ahead of
   now; otherwise it refuses and says how long to wait. The caller passes the time (CLOCK_MONOTONIC ns:
   clock_gettime through the vDSO, llstat_now converted to ns, or any monotonic counter in ns), so a
   producer's hot path makes no system call. Thread-safe on 64-bit targets (one compare-and-swap); on
   32-bit targets, one thread. The rate may change at run time (llq_tb_set_rate) for adaptive limiting.
   Times are kept in 1/256 ns since the time given to init and compared as wrapping differences, so
   the clock may run for ever; a bucket left untouched for more than a year (2^63 units) may refuse
   for as long again. A take of more than `burst` tokens can never succeed: it returns UINT64_MAX. */
typedef struct llq_tb {
    uint64_t tat;      /* next token due, 1/256 ns since `base` */
    uint64_t interval; /* one token, 1/256 ns */
    uint64_t burst;    /* tolerance: burst - 1 tokens, 1/256 ns */
    uint64_t base;     /* ns */
    uint64_t max_take; /* floor(burst tokens) */
    double burst_tokens;
} llq_tb;
LLQDEF int llq_tb_init(llq_tb *tb, double tokens_per_sec, double burst, uint64_t now_ns); /* LLQ_EINVAL/ERANGE */
LLQDEF void llq_tb_set_rate(llq_tb *tb, double tokens_per_sec);
LLQ_INLINE uint64_t llq_i_tb_now(const llq_tb *tb, uint64_t now_ns) {
    return now_ns > tb->base ? (now_ns - tb->base) << 8 : 0;
}
/* 0 if n tokens were taken now, else the ns to wait before they can be (nothing taken) */
LLQ_INLINE uint64_t llq_tb_take(llq_tb *tb, uint64_t n, uint64_t now_ns) {
    uint64_t now = llq_i_tb_now(tb, now_ns);
    if (LLQ_UNLIKELY(n - 1 >= tb->max_take)) return n ? UINT64_MAX : 0; /* 0: nothing asked, nothing taken */
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 8
    uint64_t tat = LLQ_I_LOAD(&tb->tat, LLQ_RLX), iv = LLQ_I_LOAD(&tb->interval, LLQ_RLX);
    uint64_t limit = LLQ_I_LOAD(&tb->burst, LLQ_RLX) + iv;
    for (;;) {
        uint64_t start = (int64_t)(tat - now) > 0 ? tat : now, next = start + n * iv;
        if (next - now > limit) return ((next - now - limit) >> 8) + 1;
        if (__atomic_compare_exchange_n(&tb->tat, &tat, next, true, LLQ_RLX, LLQ_RLX)) return 0;
    }
#else
    uint64_t start = (int64_t)(tb->tat - now) > 0 ? tb->tat : now, next = start + n * tb->interval;
    if (next - now > tb->burst + tb->interval) return ((next - now - tb->burst - tb->interval) >> 8) + 1;
    tb->tat = next;
    return 0;
#endif
}

/* ------------------------------------------------------------------------------------------ */
/* wait / notify                                                                               */

typedef struct llq_waiter {
    uint32_t seq;     /* futex word */
    uint32_t waiters; /* threads inside llq_wait's sleeping phase */
    uint32_t fence;   /* 1: llq_notify needs a full fence (no asymmetric barrier on this system) */
} llq_waiter;

LLQDEF void llq_waiter_init(llq_waiter *w);
LLQDEF void llq_i_wake(llq_waiter *w);
/* wait until ready(ctx) returns true: spin (a per-thread budget that adapts to how long waits last:
   it grows while waits end within it and shrinks when they do not, and is 0 on a single CPU), then
   yield up to LLQ_YIELD_COUNT times, then sleep (futex; WaitOnAddress on Windows) until llq_notify;
   timeout_ns < 0 waits forever. 0 = ready, LLQ_ETIMEDOUT. */
LLQDEF int llq_wait(llq_waiter *w, bool (*ready)(void *ctx), void *ctx, int64_t timeout_ns);
/* after publishing (push), wake sleepers; a compiler barrier (a full fence where the system has no
   asymmetric barrier) and one load when nobody sleeps */
LLQ_INLINE void llq_notify(llq_waiter *w) {
    if (w->fence) __atomic_thread_fence(LLQ_SC);
    else __atomic_signal_fence(LLQ_SC);
    if (LLQ_UNLIKELY(LLQ_I_LOAD(&w->waiters, LLQ_RLX) != 0)) llq_i_wake(w);
}
/* the spin budget a waiting thread starts from and never exceeds, and the yields before it sleeps */
LLQDEF void llq_wait_tune(size_t max_spins, size_t yields);
/* how blocking calls sleep and order their wakeups here: "futex+membarrier", "futex+fence",
   "WaitOnAddress+FlushProcessWriteBuffers", "WaitOnAddress+fence", "sleep-poll" (no address wait:
   short sleeps), "spin" (freestanding) */
LLQDEF const char *llq_wait_method(void);

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLQ_H */

/* ========================================================================================== */
/* implementation                                                                              */

#if defined(LLQ_IMPLEMENTATION) && !defined(LLQ_I_IMPLEMENTED)
#define LLQ_I_IMPLEMENTED
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(LLQ_FREESTANDING)
#include <stdlib.h> /* getenv */
#if defined(_WIN32)
#include <windows.h>
#define LLQ_I_WIN 1
#elif defined(__linux__) && !defined(LLQ_NO_FUTEX)
#include <unistd.h>
#include <sys/syscall.h>
#include <time.h>
#include <sched.h>
#define LLQ_I_FUTEX 1
#else
#include <unistd.h>
#include <sched.h>
#include <time.h>
#define LLQ_I_POSIX 1
#endif
#endif

#ifndef LLQ_ASSERT
#if defined(LLQ_FREESTANDING) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#define LLQ_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define LLQ_ASSERT(x) assert(x)
#endif
#endif

#if defined(LLQ_MALLOC) != defined(LLQ_FREE)
#error "llq.h: define both LLQ_MALLOC and LLQ_FREE, or neither"
#endif
#ifndef LLQ_MALLOC
#include <stdlib.h>
#define LLQ_MALLOC(ctx, size) ((void)(ctx), malloc(size))
#define LLQ_FREE(ctx, ptr) ((void)(ctx), free(ptr))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* defined further down */
#if !defined(LLQ_FREESTANDING)
static int llq_i_asym_available(void);
static void llq_i_heavy_barrier(size_t fence);
#endif
static void llq_i_backoff_sleep(size_t *round);
static size_t llq_i_ebr_free_list(llq_ebr_node *n);

LLQDEF const char *llq_version(void) { return LLQ_VERSION_STRING; }

LLQDEF const char *llq_strerror(int err) {
    switch (err) {
    case LLQ_OK: return "success";
    case LLQ_EINVAL: return "invalid argument (NULL pointer or zero element size)";
    case LLQ_ERANGE: return "capacity not a power of two or out of range";
    case LLQ_ENOBUFS: return "memory too small";
    case LLQ_EFAULT: return "memory not aligned to LLQ_CACHE_LINE";
    case LLQ_EBUSY: return "no free slot";
    case LLQ_EBADMSG: return "corrupt record";
    case LLQ_EOVERFLOW: return "reader overrun by the producer";
    case LLQ_ETIMEDOUT: return "timed out";
    case LLQ_EMSGSIZE: return "message too large";
    case LLQ_EEXIST: return "key already present";
    case LLQ_ENOSPC: return "map full";
    case LLQ_ENOMEM: return "out of memory";
    case LLQ_ENOENT: return "key not present";
    default: return "unknown error";
    }
}

/* slots bytes for capacity * stride, 0 on overflow */
static size_t llq_i_slots_bytes(size_t capacity, size_t stride) {
    if (stride != 0 && capacity > (SIZE_MAX - 4 * LLQ_ISOLATE) / stride) return 0;
    return capacity * stride;
}

static int llq_i_check_common(const void *mem, size_t capacity, size_t esize) {
    int r = llq_i_check_mem(mem);
    if (r) return r;
    if (esize == 0) return LLQ_EINVAL;
    if (!llq_i_is_pow2(capacity) || capacity < 2) return LLQ_ERANGE;
    return 0;
}

LLQDEF size_t llq_spsc_memsize(size_t capacity, size_t esize) {
    size_t b;
    if (esize == 0 || !llq_i_is_pow2(capacity) || capacity < 2) return 0;
    b = llq_i_slots_bytes(capacity, esize);
    return b ? sizeof(llq_spsc) + b : 0;
}
LLQDEF int llq_spsc_init(llq_spsc *q, size_t memsize, size_t capacity, size_t esize) {
    size_t need;
    int r = llq_i_check_common(q, capacity, esize);
    if (r) return r;
    need = llq_spsc_memsize(capacity, esize);
    if (need == 0) return LLQ_ERANGE;
    if (memsize < need) return LLQ_ENOBUFS;
    llq_i_zero(q, sizeof(*q));
    q->mask = q->cmask = capacity - 1;
    q->esize = q->cesize = esize;
    q->mb_on = q->cmb = esize <= LLQ_SPSC_MAILBOX;
    q->mb_seq = ~((size_t)0); /* matches no index for a long time */
    __atomic_thread_fence(LLQ_SC);
    return 0;
}

static size_t llq_i_mpmc_stride(size_t esize) { return LLQ_I_SLOT_HDR + llq_i_round_up(esize, 8); }

LLQDEF size_t llq_mpmc_memsize(size_t capacity, size_t esize) {
    size_t b;
    if (esize == 0 || esize > SIZE_MAX / 4 || !llq_i_is_pow2(capacity) || capacity < 2) return 0;
    b = llq_i_slots_bytes(capacity, llq_i_mpmc_stride(esize));
    return b ? sizeof(llq_mpmc) + b : 0;
}
LLQDEF int llq_mpmc_init(llq_mpmc *q, size_t memsize, size_t capacity, size_t esize) {
    size_t need, i, stride;
    int r = llq_i_check_common(q, capacity, esize);
    if (r) return r;
    need = llq_mpmc_memsize(capacity, esize);
    if (need == 0) return LLQ_ERANGE;
    if (memsize < need) return LLQ_ENOBUFS;
    llq_i_zero(q, sizeof(*q));
    stride = llq_i_mpmc_stride(esize);
    q->mask = capacity - 1;
    q->stride = stride;
    q->esize = esize;
#if defined(LLQ_FREESTANDING)
    q->fence = 1;
#else
    q->fence = llq_i_asym_available() ? 0 : 1;
#endif
    for (i = 0; i < capacity; i++) LLQ_I_STORE(llq_i_seq(llq_i_mpmc_slot(q, i, q->mask, stride)), i, LLQ_RLX);
    __atomic_thread_fence(LLQ_SC);
    return 0;
}
LLQDEF size_t llq_mpsc_memsize(size_t capacity, size_t esize) {
    size_t m = llq_mpmc_memsize(capacity, esize);
    return m ? m - sizeof(llq_mpmc) + sizeof(llq_mpsc) : 0;
}
LLQDEF int llq_mpsc_init(llq_mpsc *q, size_t memsize, size_t capacity, size_t esize) {
    return llq_mpmc_init(q ? &q->q : ((llq_mpmc *)NULL), memsize, capacity, esize);
}

LLQDEF size_t llq_mpsc_list_memsize(void) { return sizeof(llq_mpsc_list); }
LLQDEF int llq_mpsc_list_init(llq_mpsc_list *q, size_t memsize) {
    int r = llq_i_check_mem(q);
    if (r) return r;
    if (memsize < sizeof(*q)) return LLQ_ENOBUFS;
    llq_i_zero(q, sizeof(*q));
    q->stub.next = NULL;
    q->head = &q->stub;
    q->tail = &q->stub;
    __atomic_thread_fence(LLQ_SC);
    return 0;
}

LLQDEF size_t llq_bytes_memsize(size_t capacity_bytes) {
    if (!llq_i_is_pow2(capacity_bytes) || capacity_bytes < 64 || capacity_bytes > SIZE_MAX / 4) return 0;
    return sizeof(llq_bytes) + capacity_bytes;
}
LLQDEF int llq_bytes_init(llq_bytes *q, size_t memsize, size_t capacity_bytes) {
    int r = llq_i_check_common(q, capacity_bytes, 1);
    size_t need;
    if (r) return r;
    need = llq_bytes_memsize(capacity_bytes);
    if (need == 0) return LLQ_ERANGE;
    if (memsize < need) return LLQ_ENOBUFS;
    llq_i_zero(q, sizeof(*q));
    q->mask = q->cmask = capacity_bytes - 1;
    __atomic_thread_fence(LLQ_SC);
    return 0;
}

LLQDEF size_t llq_bcast_memsize(size_t capacity, size_t esize) {
    size_t b;
    if (esize == 0 || esize > SIZE_MAX / 4 || !llq_i_is_pow2(capacity) || capacity < 2) return 0;
    b = llq_i_slots_bytes(capacity, llq_i_mpmc_stride(esize));
    return b ? sizeof(llq_bcast) + b : 0;
}
LLQDEF int llq_bcast_init(llq_bcast *q, size_t memsize, size_t capacity, size_t esize) {
    size_t need;
    int r = llq_i_check_common(q, capacity, esize);
    if (r) return r;
    need = llq_bcast_memsize(capacity, esize);
    if (need == 0) return LLQ_ERANGE;
    if (memsize < need) return LLQ_ENOBUFS;
    llq_i_zero(q, need);
    q->mask = capacity - 1;
    q->stride = llq_i_mpmc_stride(esize);
    q->esize = esize;
    __atomic_thread_fence(LLQ_SC);
    return 0;
}

LLQDEF size_t llq_seqlock_memsize(size_t esize) {
    if (esize == 0 || esize > SIZE_MAX / 4) return 0;
    return sizeof(llq_seqlock) + llq_i_round_up(esize, sizeof(size_t));
}
LLQDEF int llq_seqlock_init(llq_seqlock *s, size_t memsize, size_t esize, const void *initial) {
    size_t need;
    int r = llq_i_check_mem(s);
    if (r) return r;
    if (esize == 0) return LLQ_EINVAL;
    need = llq_seqlock_memsize(esize);
    if (need == 0) return LLQ_ERANGE;
    if (memsize < need) return LLQ_ENOBUFS;
    llq_i_zero(s, need);
    s->esize = esize;
    if (initial) llq_i_atomic_store_bytes(llq_i_seqlock_data(s), initial, esize);
    __atomic_thread_fence(LLQ_SC);
    return 0;
}

LLQDEF size_t llq_stack_memsize(void) { return sizeof(llq_stack); }
LLQDEF int llq_stack_init(llq_stack *s, size_t memsize) {
    int r = llq_i_check_mem(s);
    if (r) return r;
    if (memsize < sizeof(*s)) return LLQ_ENOBUFS;
    llq_i_zero(s, sizeof(*s));
    __atomic_thread_fence(LLQ_SC);
    return 0;
}

LLQDEF size_t llq_msq_memsize(void) { return sizeof(llq_msq); }
LLQDEF int llq_msq_init(llq_msq *q, size_t memsize, llq_msq_node *dummy) {
    int r = llq_i_check_mem(q);
    if (r) return r;
    if (!dummy) return LLQ_EINVAL;
    if (memsize < sizeof(*q)) return LLQ_ENOBUFS;
    llq_i_zero(q, sizeof(*q));
    dummy->next = NULL;
    dummy->value = NULL;
    q->head = q->tail = dummy;
    __atomic_thread_fence(LLQ_SC);
    return 0;
}

/* --- EBR --- */

static llq_ebr_thread *llq_i_ebr_threads(llq_ebr *d) {
    return ((llq_ebr_thread *)(((unsigned char *)d) + sizeof(llq_ebr)));
}
LLQDEF size_t llq_ebr_memsize(size_t max_threads) {
    if (max_threads == 0 || max_threads > 65536) return 0;
    return sizeof(llq_ebr) + max_threads * sizeof(llq_ebr_thread);
}
LLQDEF int llq_ebr_init_mode(llq_ebr *d, size_t memsize, size_t max_threads, int mode) {
    size_t need;
    int r = llq_i_check_mem(d);
    if (r) return r;
    if (mode != LLQ_EBR_FENCED && mode != LLQ_EBR_ASYM && mode != LLQ_EBR_QSBR) return LLQ_EINVAL;
    need = llq_ebr_memsize(max_threads);
    if (need == 0) return LLQ_ERANGE;
    if (memsize < need) return LLQ_ENOBUFS;
    llq_i_zero(d, need);
    d->max_threads = max_threads;
    d->mode = (size_t)mode;
#if defined(LLQ_FREESTANDING)
    d->asym = 0;
#else
    d->asym = mode == LLQ_EBR_ASYM && llq_i_asym_available();
#endif
    __atomic_thread_fence(LLQ_SC);
    return 0;
}
LLQDEF int llq_ebr_init(llq_ebr *d, size_t memsize, size_t max_threads) {
    return llq_ebr_init_mode(d, memsize, max_threads, LLQ_EBR_FENCED);
}
LLQDEF int llq_ebr_register(llq_ebr *d, llq_ebr_thread **out) {
    size_t i;
    if (!d || !out) return LLQ_EINVAL;
    for (i = 0; i < d->max_threads; i++) {
        llq_ebr_thread *t = &llq_i_ebr_threads(d)[i];
        size_t z = 0;
        if (__atomic_compare_exchange_n(&t->used, &z, 1, false, LLQ_SC, LLQ_RLX)) {
            t->l.dom = d;
            t->epoch = &d->epoch;
            /* ASYM without the system's asymmetric barrier: readers fence themselves */
            t->fenced = !(d->mode == LLQ_EBR_ASYM && d->asym);
            if (d->mode == LLQ_EBR_QSBR) llq_ebr_online(t);
            else LLQ_I_STORE(&t->state, 0, LLQ_SC);
            *out = t;
            return 0;
        }
    }
    return LLQ_EBUSY;
}
LLQDEF void llq_ebr_unregister(llq_ebr_thread *t) {
    LLQ_I_STORE(&t->state, 0, LLQ_SC);
    LLQ_I_STORE(&t->used, 0, LLQ_REL);
}
/* a thread still announced at an epoch other than e (it may hold what was retired before e) */
static bool llq_i_ebr_blocked(llq_ebr *d, size_t e) {
    size_t i;
    for (i = 0; i < d->max_threads; i++) {
        size_t st = LLQ_I_LOAD(&llq_i_ebr_threads(d)[i].state, LLQ_SC);
        if ((st & 1u) && (st >> 1) != (e & (SIZE_MAX >> 1))) return true;
    }
    return false;
}
/* order this thread's unlinks before the scan, and (ASYM) every reader's announcement before it */
static void llq_i_ebr_order(llq_ebr *d) {
    __atomic_thread_fence(LLQ_SC);
#if !defined(LLQ_FREESTANDING)
    if (d->asym) llq_i_heavy_barrier(0);
#else
    (void)d;
#endif
}
LLQDEF bool llq_ebr_try_advance(llq_ebr *d) {
    size_t e;
    llq_i_ebr_order(d);
    e = LLQ_I_LOAD(&d->epoch, LLQ_SC);
    if (llq_i_ebr_blocked(d, e)) return false;
    return __atomic_compare_exchange_n(&d->epoch, &e, e + 1, false, LLQ_SC, LLQ_SC);
}
LLQDEF int llq_ebr_synchronize(llq_ebr *d, llq_ebr_thread *self) {
    size_t start, step, round = 0;
    bool offline = false;
    if (self && d->mode != LLQ_EBR_QSBR && (LLQ_I_LOAD(&self->state, LLQ_RLX) & 1u)) return LLQ_EBUSY;
    if (self && d->mode == LLQ_EBR_QSBR && (LLQ_I_LOAD(&self->state, LLQ_RLX) & 1u)) {
        llq_ebr_offline(self);
        offline = true;
    }
    /* two advances past the epoch at the call: a reader announced at or before it has left */
    start = LLQ_I_LOAD(&d->epoch, LLQ_SC);
    for (step = 0; step < 2; step++) {
        size_t e = start + step;
        /* one barrier per step: a reader that announces itself after it reads an epoch >= e, so
           it cannot hold the advance back and need not be seen by the scans below */
        llq_i_ebr_order(d);
        while (llq_i_diff(LLQ_I_LOAD(&d->epoch, LLQ_SC), e) <= 0) {
            size_t cur = e;
            if (!llq_i_ebr_blocked(d, e)) {
                (void)__atomic_compare_exchange_n(&d->epoch, &cur, e + 1, false, LLQ_SC, LLQ_SC);
                continue;
            }
            llq_i_backoff_sleep(&round);
        }
    }
    if (offline) llq_ebr_online(self);
    return 0;
}
LLQDEF int llq_ebr_barrier(llq_ebr_thread *t) {
    int r = llq_ebr_synchronize(t->l.dom, t);
    size_t i;
    if (r) return r;
    for (i = 0; i < 3; i++) { /* everything retired so far is at least two epochs old now */
        llq_ebr_node *n = t->l.limbo[i];
        t->l.limbo[i] = NULL;
        t->l.pending -= llq_i_ebr_free_list(n);
    }
    return 0;
}
static size_t llq_i_ebr_free_list(llq_ebr_node *n) {
    size_t c = 0;
    while (n) {
        llq_ebr_node *next = n->next;
        n->fn(n);
        n = next;
        c++;
    }
    return c;
}
/* free buckets whose epoch is at least two behind the global epoch */
static size_t llq_i_ebr_collect(llq_ebr_thread *t) {
    size_t e = LLQ_I_LOAD(&t->l.dom->epoch, LLQ_SC), i, c = 0;
    for (i = 0; i < 3; i++) {
        if (t->l.limbo[i] && llq_i_diff(e, t->l.limbo_epoch[i]) >= 2) {
            llq_ebr_node *n = t->l.limbo[i];
            t->l.limbo[i] = NULL;
            c += llq_i_ebr_free_list(n);
        }
    }
    t->l.pending -= c;
    return c;
}
LLQDEF void llq_ebr_retire(llq_ebr_thread *t, llq_ebr_node *node, void (*fn)(llq_ebr_node *)) {
    size_t e = LLQ_I_LOAD(&t->l.dom->epoch, LLQ_SC), b = e % 3;
    node->fn = fn;
    if (t->l.limbo[b] && t->l.limbo_epoch[b] != e) {
        /* same bucket, older epoch: at least 3 epochs old, safe */
        llq_ebr_node *old = t->l.limbo[b];
        t->l.limbo[b] = NULL;
        t->l.pending -= llq_i_ebr_free_list(old);
    }
    t->l.limbo_epoch[b] = e;
    node->next = t->l.limbo[b];
    t->l.limbo[b] = node;
    t->l.pending++;
    if (++t->l.nretired >= 64) {
        t->l.nretired = 0;
        llq_ebr_try_advance(t->l.dom);
        llq_i_ebr_collect(t);
    }
}
LLQDEF size_t llq_ebr_poll(llq_ebr_thread *t) {
    llq_ebr_try_advance(t->l.dom);
    return llq_i_ebr_collect(t);
}
LLQDEF size_t llq_ebr_drain(llq_ebr *d) {
    size_t i, j, c = 0;
    for (i = 0; i < d->max_threads; i++) {
        llq_ebr_thread *t = &llq_i_ebr_threads(d)[i];
        for (j = 0; j < 3; j++) {
            llq_ebr_node *n = t->l.limbo[j];
            t->l.limbo[j] = NULL;
            c += llq_i_ebr_free_list(n);
        }
        t->l.pending = 0;
    }
    return c;
}
LLQDEF size_t llq_ebr_pending(llq_ebr *d) {
    size_t i, c = 0;
    for (i = 0; i < d->max_threads; i++) c += llq_i_ebr_threads(d)[i].l.pending;
    return c;
}

/* --- concurrent hash map --- */
#if defined(LLQ_HAVE_MAP)

#define LLQ_I_MAP_SLOT_LOAD 0.7 /* slots per key the first table is sized for: 1/0.7 */
static size_t llq_i_map_buckets_for(size_t capacity) {
    double nb = (double)capacity / (LLQ_I_MAP_WAYS * LLQ_I_MAP_SLOT_LOAD) + 1;
    if (nb > (double)(SIZE_MAX / 4 / sizeof(llq_i_map_bucket))) return 0;
    return nb < 128 ? 128 : (size_t)nb;
}
/* slots a stripe's inserts may take: 80 % of the table spread over the stripes, so that an empty slot
   always ends every probe */
static size_t llq_i_map_stripe_max(size_t nb) {
    return (size_t)((double)(nb * LLQ_I_MAP_WAYS) * 0.8 / LLQ_I_MAP_STRIPES);
}
LLQDEF size_t llq_map_memsize(size_t capacity) {
    size_t nb = llq_i_map_buckets_for(capacity);
    if (nb == 0) return 0;
    return sizeof(llq_map) + sizeof(llq_i_map_table) + nb * sizeof(llq_i_map_bucket);
}
static void llq_i_map_default_free(void *p, size_t size, void *ctx) {
    (void)size;
    (void)ctx;
    LLQ_FREE(ctx, p);
}
static void llq_i_map_table_setup(llq_i_map_table *t, size_t nb, void *base, size_t bytes, llq_map_free_fn fr,
                                  void *ctx) {
    llq_i_zero(t, sizeof(*t) + nb * sizeof(llq_i_map_bucket));
    t->nb = nb;
    t->stripe_max = llq_i_map_stripe_max(nb);
    t->base = base;
    t->bytes = bytes;
    t->free = fr;
    t->alloc_ctx = ctx;
}
LLQDEF int llq_map_init(llq_map *m, size_t memsize, size_t capacity, llq_ebr *dom, const llq_map_config *cfg) {
    size_t need, nb;
    int r = llq_i_check_mem(m);
    if (r) return r;
    if (!dom) return LLQ_EINVAL;
    if (cfg && (!cfg->alloc) != (!cfg->free)) return LLQ_EINVAL; /* both or neither */
    need = llq_map_memsize(capacity);
    if (need == 0) return LLQ_ERANGE;
    if (memsize < need) return LLQ_ENOBUFS;
    nb = llq_i_map_buckets_for(capacity);
    llq_i_zero(m, sizeof(*m));
    if (cfg) m->cfg = *cfg;
    m->dom = dom;
    m->table = ((llq_i_map_table *)(((unsigned char *)m) + sizeof(llq_map)));
    llq_i_map_table_setup(m->table, nb, NULL, 0, NULL, NULL);
    __atomic_thread_fence(LLQ_SC);
    return 0;
}
static void llq_i_map_table_free(llq_ebr_node *n) {
    llq_i_map_table *t = ((llq_i_map_table *)(((unsigned char *)n) - offsetof(llq_i_map_table, node)));
    if (t->bytes) t->free(t->base, t->bytes, t->alloc_ctx);
}
LLQDEF void llq_map_destroy(llq_map *m) {
    if (!m || !m->table) return;
    llq_i_map_table_free(&m->table->node);
    m->table = NULL;
}
LLQDEF bool llq_i_map_get_special(llq_map *m, uint64_t key, uint64_t *value) {
    if (!LLQ_I_LOAD(&m->special_have[key], LLQ_ACQ)) return false;
    *value = LLQ_I_LOAD(&m->special_val[key], LLQ_RLX);
    return true;
}
static uint64_t llq_i_map_hash(llq_map *m, uint64_t key) {
    return m->cfg.hash ? m->cfg.hash(key, m->cfg.hash_ctx) : llq_map_hash64(key);
}
static void llq_i_map_lock(llq_i_map_stripe *s) {
    size_t round = 0;
    for (;;) {
        if (LLQ_I_LOAD(&s->lock, LLQ_RLX) == 0 && __atomic_exchange_n(&s->lock, 1u, LLQ_ACQ) == 0) return;
        llq_i_backoff(&round);
    }
}
static void llq_i_map_unlock(llq_i_map_stripe *s) { LLQ_I_STORE(&s->lock, 0u, LLQ_REL); }

/* copy every live entry of `from` into the empty table `to` (nobody else sees `to` yet) */
static void llq_i_map_rehash(llq_map *m, llq_i_map_table *from, llq_i_map_table *to) {
    llq_i_map_bucket *fb = llq_i_map_buckets(from), *tb = llq_i_map_buckets(to);
    size_t i, w, s;
    for (s = 0; s < LLQ_I_MAP_STRIPES; s++) m->stripe[s].used = m->stripe[s].live;
    for (i = 0; i < from->nb; i++)
        for (w = 0; w < LLQ_I_MAP_WAYS; w++) {
            uint64_t k = fb[i].key[w];
            size_t b, x;
            if (k <= 2) continue;
            b = llq_i_map_index(llq_i_map_hash(m, k), to->nb);
            for (;;) {
                for (x = 0; x < LLQ_I_MAP_WAYS; x++)
                    if (tb[b].key[x] == 0) break;
                if (x < LLQ_I_MAP_WAYS) break;
                if (++b == to->nb) b = 0;
            }
            tb[b].val[x] = fb[i].val[w];
            tb[b].key[x] = k;
        }
}
/* the stripe of `hash` ran out of room in table `seen`: take every stripe, and unless someone already
   did it, move to a table twice the size (or the same size when most used slots are tombstones) */
static int llq_i_map_grow(llq_map *m, llq_ebr_thread *et, llq_i_map_table *seen) {
    llq_i_map_table *old = m->table, *nt;
    size_t s, nb, live = 0, used = 0, bytes;
    void *base;
    int r = 0;
    for (s = 0; s < LLQ_I_MAP_STRIPES; s++) llq_i_map_lock(&m->stripe[s]);
    if (old != seen) goto out; /* another writer grew it meanwhile */
    if (m->cfg.fixed) {
        r = LLQ_ENOSPC;
        goto out;
    }
    for (s = 0; s < LLQ_I_MAP_STRIPES; s++) {
        live += m->stripe[s].live;
        used += m->stripe[s].used;
    }
    nb = live * 2 > used ? old->nb * 2 : old->nb;
    if (nb > (SIZE_MAX - sizeof(llq_i_map_table) - LLQ_CACHE_LINE) / sizeof(llq_i_map_bucket) / 2) {
        r = LLQ_ENOMEM;
        goto out;
    }
    bytes = sizeof(llq_i_map_table) + nb * sizeof(llq_i_map_bucket);
    if (m->cfg.alloc) {
        base = m->cfg.alloc(bytes, m->cfg.alloc_ctx);
        nt = (llq_i_map_table *)base;
        if (base && (((uintptr_t)base) & (LLQ_CACHE_LINE - 1))) {
            m->cfg.free(base, bytes, m->cfg.alloc_ctx);
            base = NULL; /* the allocator broke its promise */
        }
    } else {
        bytes += LLQ_CACHE_LINE;
        base = LLQ_MALLOC(m->cfg.alloc_ctx, bytes);
        nt = ((llq_i_map_table *)llq_i_round_up((uintptr_t)base, LLQ_CACHE_LINE));
    }
    if (!base) {
        r = LLQ_ENOMEM;
        goto out;
    }
    llq_i_map_table_setup(nt, nb, base, bytes, m->cfg.alloc ? m->cfg.free : llq_i_map_default_free,
                          m->cfg.alloc_ctx);
    llq_i_map_rehash(m, old, nt);
    LLQ_I_STORE(&m->table, nt, LLQ_REL); /* readers move over from here on */
    m->resizes++;
    for (s = LLQ_I_MAP_STRIPES; s-- > 0;) llq_i_map_unlock(&m->stripe[s]);
    if (et) {
        llq_ebr_retire(et, &old->node, llq_i_map_table_free);
    } else if (llq_ebr_synchronize(m->dom, NULL) == 0) {
        llq_i_map_table_free(&old->node);
    } else {
        /* unreachable: synchronize(NULL) never refuses; keep the table rather than free it early */
        LLQ_ASSERT(0);
    }
    return 0;
out:
    for (s = LLQ_I_MAP_STRIPES; s-- > 0;) llq_i_map_unlock(&m->stripe[s]);
    return r;
}

/* insert (replace == 0) or put (replace == 1) */
static int llq_i_map_write(llq_map *m, llq_ebr_thread *et, uint64_t key, uint64_t value, int replace) {
    uint64_t h;
    llq_i_map_stripe *st;
    if (!m) return LLQ_EINVAL;
    h = llq_i_map_hash(m, key);
    st = &m->stripe[h >> 58];
    for (;;) {
        llq_i_map_table *t;
        llq_i_map_bucket *bk;
        size_t b, i;
        int r;
        llq_i_map_lock(st);
        if (key <= 2) {
            bool had = LLQ_I_LOAD(&m->special_have[key], LLQ_RLX) != 0;
            if (had && !replace) {
                llq_i_map_unlock(st);
                return LLQ_EEXIST;
            }
            LLQ_I_STORE(&m->special_val[key], value, LLQ_RLX);
            LLQ_I_STORE(&m->special_have[key], 1u, LLQ_REL);
            if (!had) LLQ_I_STORE(&st->live, st->live + 1, LLQ_RLX); /* size() reads it unlocked */
            llq_i_map_unlock(st);
            return had ? 1 : 0;
        }
        t = LLQ_I_LOAD(&m->table, LLQ_ACQ);
        bk = llq_i_map_buckets(t);
        b = llq_i_map_index(h, t->nb);
        for (;;) { /* find the key, or the first empty slot (where it would be) */
            for (i = 0; i < LLQ_I_MAP_WAYS; i++) {
                uint64_t k = LLQ_I_LOAD(&bk[b].key[i], LLQ_ACQ);
                if (k == key) {
                    if (!replace) {
                        llq_i_map_unlock(st);
                        return LLQ_EEXIST;
                    }
                    LLQ_I_STORE(&bk[b].val[i], value, LLQ_REL);
                    llq_i_map_unlock(st);
                    return 1;
                }
                if (k == 0) break;
            }
            if (i < LLQ_I_MAP_WAYS) break;
            if (++b == t->nb) b = 0;
        }
        if (st->used < t->stripe_max) {
            /* claim an empty slot from here on: writers of other stripes may race for the same ones.
               The value goes in before the key appears, so a reader never sees the key without it. */
            for (;;) {
                for (; i < LLQ_I_MAP_WAYS; i++) {
                    uint64_t z = 0;
                    if (LLQ_I_LOAD(&bk[b].key[i], LLQ_RLX) == 0 &&
                        __atomic_compare_exchange_n(&bk[b].key[i], &z, (uint64_t)2, false, LLQ_ACQ, LLQ_RLX)) {
                        LLQ_I_STORE(&bk[b].val[i], value, LLQ_RLX);
                        LLQ_I_STORE(&bk[b].key[i], key, LLQ_REL);
                        st->used++;
                        LLQ_I_STORE(&st->live, st->live + 1, LLQ_RLX); /* size() reads it unlocked */
                        llq_i_map_unlock(st);
                        return 0;
                    }
                }
                i = 0;
                if (++b == t->nb) b = 0;
            }
        }
        llq_i_map_unlock(st);
        r = llq_i_map_grow(m, et, t);
        if (r) return r;
    }
}
LLQDEF int llq_map_insert(llq_map *m, llq_ebr_thread *t, uint64_t key, uint64_t value) {
    return llq_i_map_write(m, t, key, value, 0);
}
LLQDEF int llq_map_put(llq_map *m, llq_ebr_thread *t, uint64_t key, uint64_t value) {
    return llq_i_map_write(m, t, key, value, 1);
}
LLQDEF int llq_map_erase(llq_map *m, uint64_t key) {
    uint64_t h;
    llq_i_map_stripe *st;
    llq_i_map_table *t;
    llq_i_map_bucket *bk;
    size_t b, i;
    if (!m) return LLQ_EINVAL;
    h = llq_i_map_hash(m, key);
    st = &m->stripe[h >> 58];
    llq_i_map_lock(st);
    if (key <= 2) {
        int had = LLQ_I_LOAD(&m->special_have[key], LLQ_RLX) != 0;
        LLQ_I_STORE(&m->special_have[key], 0u, LLQ_REL);
        if (had) LLQ_I_STORE(&st->live, st->live - 1, LLQ_RLX);
        llq_i_map_unlock(st);
        return had ? 0 : LLQ_ENOENT;
    }
    t = LLQ_I_LOAD(&m->table, LLQ_ACQ);
    bk = llq_i_map_buckets(t);
    b = llq_i_map_index(h, t->nb);
    for (;;) {
        for (i = 0; i < LLQ_I_MAP_WAYS; i++) {
            uint64_t k = LLQ_I_LOAD(&bk[b].key[i], LLQ_ACQ);
            if (k == key) {
                LLQ_I_STORE(&bk[b].key[i], (uint64_t)1, LLQ_REL); /* tombstone: slot not reused */
                LLQ_I_STORE(&st->live, st->live - 1, LLQ_RLX);
                llq_i_map_unlock(st);
                return 0;
            }
            if (k == 0) {
                llq_i_map_unlock(st);
                return LLQ_ENOENT;
            }
        }
        if (++b == t->nb) b = 0;
    }
}
LLQDEF size_t llq_map_size(llq_map *m) {
    size_t s, n = 0;
    for (s = 0; s < LLQ_I_MAP_STRIPES; s++) n += LLQ_I_LOAD(&m->stripe[s].live, LLQ_RLX);
    return n;
}
LLQDEF size_t llq_map_capacity(llq_map *m) {
    return LLQ_I_LOAD(&m->table, LLQ_ACQ)->stripe_max * LLQ_I_MAP_STRIPES;
}
#endif /* LLQ_HAVE_MAP */

/* --- backpressure --- */

LLQDEF int llq_watermark_init(llq_watermark *w, size_t low, size_t high, void (*cb)(void *ctx, int event, size_t depth),
                              void *ctx) {
    if (!w) return LLQ_EINVAL;
    if (low >= high) return LLQ_ERANGE;
    llq_i_zero(w, sizeof(*w));
    w->low = low;
    w->high = high;
    w->cb = cb;
    w->ctx = ctx;
    __atomic_thread_fence(LLQ_SC);
    return 0;
}
LLQDEF int llq_i_watermark_cross(llq_watermark *w, size_t depth, size_t from) {
    size_t expect = from; /* 0 (below) or 2 (above) */
    int event = from ? LLQ_WM_LOW : LLQ_WM_HIGH;
    if (!__atomic_compare_exchange_n(&w->state, &expect, from + 1, false, __ATOMIC_ACQ_REL, LLQ_RLX))
        return LLQ_WM_NONE; /* another caller claimed this crossing */
    if (from) LLQ_I_STORE(&w->lows, w->lows + 1, LLQ_RLX);
    else LLQ_I_STORE(&w->highs, w->highs + 1, LLQ_RLX);
    if (w->cb) w->cb(w->ctx, event, depth);
    LLQ_I_STORE(&w->state, (from + 2) & 3, LLQ_REL); /* settled: the next crossing may be claimed */
    return event;
}
LLQDEF void llq_depth_stats_get(llq_depth_sampler *s, llq_depth_stats *out) {
    size_t i, n = LLQ_I_LOAD(&s->n, LLQ_ACQ);
    size_t sum = LLQ_I_LOAD(&s->sum, LLQ_RLX);
    out->samples = n;
    out->last = LLQ_I_LOAD(&s->last, LLQ_RLX);
    out->max = LLQ_I_LOAD(&s->max, LLQ_RLX);
    out->mean = n ? (double)sum / (double)n : 0.0;
    for (i = 0; i < 8; i++) out->hist[i] = LLQ_I_LOAD(&s->hist[i], LLQ_RLX);
}
LLQDEF void llq_depth_stats_reset(llq_depth_sampler *s) {
    size_t i;
    LLQ_I_STORE(&s->n, 0, LLQ_RLX);
    LLQ_I_STORE(&s->sum, 0, LLQ_RLX);
    LLQ_I_STORE(&s->max, 0, LLQ_RLX);
    LLQ_I_STORE(&s->last, 0, LLQ_RLX);
    for (i = 0; i < 8; i++) LLQ_I_STORE(&s->hist[i], 0, LLQ_RLX);
}
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 8
#define LLQ_I_TB_STORE(p, v) LLQ_I_STORE((p), (v), LLQ_RLX)
#else
#define LLQ_I_TB_STORE(p, v) (*(p) = (v)) /* one thread: no 64-bit atomics needed */
#endif
/* one token in 1/256 ns, at least 1, and small enough that a whole burst spans under 2^62 units (so
   wrapping differences of the bucket's times stay meaningful) */
static uint64_t llq_i_tb_interval(double tokens_per_sec, double burst) {
    double v = 256e9 / tokens_per_sec, most = 4611686018427387904.0 / (burst + 1);
    return v < 1 ? 1 : v > most ? (uint64_t)most : (uint64_t)v;
}
LLQDEF int llq_tb_init(llq_tb *tb, double tokens_per_sec, double burst, uint64_t now_ns) {
    if (!tb) return LLQ_EINVAL;
    if (!(tokens_per_sec > 0) || !(burst >= 1) || burst > 1e12) return LLQ_ERANGE;
    tb->base = now_ns;
    tb->burst_tokens = burst;
    tb->max_take = (uint64_t)burst;
    LLQ_I_TB_STORE(&tb->interval, llq_i_tb_interval(tokens_per_sec, burst));
    LLQ_I_TB_STORE(&tb->burst, (uint64_t)((burst - 1) * (double)tb->interval));
    LLQ_I_TB_STORE(&tb->tat, 0);
    __atomic_thread_fence(LLQ_SC);
    return 0;
}
LLQDEF void llq_tb_set_rate(llq_tb *tb, double tokens_per_sec) {
    uint64_t iv;
    if (!tb || !(tokens_per_sec > 0)) return;
    iv = llq_i_tb_interval(tokens_per_sec, tb->burst_tokens);
    LLQ_I_TB_STORE(&tb->burst, (uint64_t)((tb->burst_tokens - 1) * (double)iv));
    LLQ_I_TB_STORE(&tb->interval, iv);
}

/* --- blocking: spin, yield, sleep --- */

#if !defined(LLQ_FREESTANDING)
LLQ_INLINE uint64_t llq_i_now_ns(void) { /* monotonic clock, ns */
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
#endif

#if defined(LLQ_FREESTANDING)
#define LLQ_I_TLS
#elif defined(_MSC_VER)
#define LLQ_I_TLS __declspec(thread)
#else
#define LLQ_I_TLS __thread
#endif
static size_t llq_i_max_spins = LLQ_SPIN_COUNT, llq_i_yields = LLQ_YIELD_COUNT;
static LLQ_I_TLS size_t llq_i_budget; /* this thread's spin budget; 0 until its first wait */
static int llq_i_ncpu;                /* online CPUs, 0 until known */

LLQDEF void llq_wait_tune(size_t max_spins, size_t yields) {
    __atomic_store_n(&llq_i_max_spins, max_spins, LLQ_RLX);
    __atomic_store_n(&llq_i_yields, yields, LLQ_RLX);
    llq_i_budget = max_spins;
}

static void llq_i_yield(void) {
#if defined(LLQ_I_WIN)
    SwitchToThread();
#elif defined(LLQ_I_FUTEX) || defined(LLQ_I_POSIX)
    sched_yield();
#else
    int i;
    for (i = 0; i < 64; i++) llq_cpu_relax();
#endif
}

static size_t llq_i_spin_budget(void) {
    size_t mx = __atomic_load_n(&llq_i_max_spins, LLQ_RLX);
    int n = __atomic_load_n(&llq_i_ncpu, LLQ_RLX);
    if (n == 0) { /* spinning cannot help on one CPU: the thread we wait for is not running */
#if defined(LLQ_I_WIN)
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        n = (int)si.dwNumberOfProcessors;
#elif defined(LLQ_I_FUTEX) || defined(LLQ_I_POSIX)
        n = (int)sysconf(_SC_NPROCESSORS_ONLN);
#else
        n = 2;
#endif
        if (n < 1) n = 1;
        __atomic_store_n(&llq_i_ncpu, n, LLQ_RLX);
    }
    if (n == 1) return 0;
    if (llq_i_budget == 0 || llq_i_budget > mx) llq_i_budget = mx;
    return llq_i_budget;
}
/* a wait ended after `spins` checks (ok) or ran out of its budget (!ok): aim the budget at twice the
   spins that sufficed, and halve it when spinning did not (the waited-for thread was probably not
   running: yielding to it is what helps) */
static void llq_i_spin_adapt(size_t spins, bool ok) {
    size_t mx = __atomic_load_n(&llq_i_max_spins, LLQ_RLX), b = llq_i_budget;
    if (ok) b += (2 * spins + 64 > b ? (2 * spins + 64 - b) / 4 : 0);
    else b /= 2;
    if (b < 16) b = 16;
    llq_i_budget = b > mx ? mx : b;
}

LLQDEF void llq_i_backoff(size_t *round) {
    size_t r = (*round)++;
    if (r < 256) llq_cpu_relax();
    else llq_i_yield();
}
/* for waits nobody will wake (a grace period): spin, yield, then sleep 50 us growing to 1 ms */
static void llq_i_backoff_sleep(size_t *round) {
    size_t r = (*round)++;
    if (r < 128) llq_cpu_relax();
    else if (r < 128 + 32) llq_i_yield();
    else {
#if defined(LLQ_I_WIN)
        Sleep(1);
#elif defined(LLQ_I_FUTEX) || defined(LLQ_I_POSIX)
        struct timespec ts;
        size_t us = 50u << (r - 160 < 5 ? r - 160 : 5);
        ts.tv_sec = 0;
        ts.tv_nsec = (long)(us > 1000 ? 1000 : us) * 1000;
        nanosleep(&ts, NULL);
#else
        llq_i_yield();
#endif
    }
}

/* The sleep protocol. A sleeper counts itself in a word the waker reads (bucket), then issues a
   barrier, then re-checks its condition and sleeps only if the word it sleeps on still holds what
   it saw. The waker changes the condition, then reads the count. Either the waker sees the count or
   the sleeper sees the change (Dekker). Both sides need a full barrier between their write and
   their read; an asymmetric barrier (membarrier(PRIVATE_EXPEDITED) on Linux, FlushProcessWriteBuffers
   on Windows) lets the sleeper, which is about to make a system call anyway, pay for both: it forces
   a barrier on every running thread of the process, so the waker's hot path needs only a compiler
   barrier. Without one, the structure's `fence` flag makes wakers issue a full fence. */
#if !defined(LLQ_FREESTANDING)
#if defined(LLQ_I_FUTEX) && defined(SYS_membarrier) && !defined(LLQ_NO_MEMBARRIER)
#define LLQ_I_MEMBARRIER 1
#endif
static int llq_i_asym_state; /* 0 unknown, 1 available, -1 not */
static int llq_i_asym_available(void) {
    int st = __atomic_load_n(&llq_i_asym_state, LLQ_ACQ);
    if (st) return st > 0;
#if defined(LLQ_I_MEMBARRIER)
    {
        const char *env = getenv("LLQ_MEMBARRIER");
        long q = syscall(SYS_membarrier, 0 /* QUERY */, 0, 0);
        st = -1;
        if ((!env || env[0] != '0') && q > 0 && (q & 8) && (q & 16) && /* PRIVATE_EXPEDITED (+REGISTER) */
            syscall(SYS_membarrier, 16 /* REGISTER_PRIVATE_EXPEDITED */, 0, 0) == 0)
            st = 1;
    }
#elif defined(LLQ_I_WIN) && !defined(LLQ_NO_MEMBARRIER)
    {
        const char *env = getenv("LLQ_MEMBARRIER");
        st = env && env[0] == '0' ? -1 : 1;
    }
#else
    st = -1;
#endif
    __atomic_store_n(&llq_i_asym_state, st, LLQ_REL);
    return st > 0;
}
static void llq_i_heavy_barrier(size_t fence) {
    __atomic_thread_fence(LLQ_SC);
    if (fence) return;
#if defined(LLQ_I_MEMBARRIER)
    if (syscall(SYS_membarrier, 8 /* PRIVATE_EXPEDITED */, 0, 0) != 0) __atomic_thread_fence(LLQ_SC);
#elif defined(LLQ_I_WIN)
    FlushProcessWriteBuffers();
#endif
}

#if defined(LLQ_I_WIN)
typedef BOOL(WINAPI *llq_i_wait_on_address_fn)(volatile VOID *, PVOID, SIZE_T, DWORD);
typedef VOID(WINAPI *llq_i_wake_by_address_fn)(PVOID);
static llq_i_wait_on_address_fn llq_i_woa;
static llq_i_wake_by_address_fn llq_i_wba;
static int llq_i_woa_state; /* 0 unknown, 1 loaded, -1 absent: sleep in short steps instead */
static int llq_i_win_load(void) {
    int st = __atomic_load_n(&llq_i_woa_state, LLQ_ACQ);
    if (st == 0) { /* Windows 8+: no import library needed, looked up once */
        HMODULE m = GetModuleHandleA("kernelbase.dll");
        if (!m) m = LoadLibraryA("api-ms-win-core-synch-l1-2-0.dll");
        if (m) {
            llq_i_woa = (llq_i_wait_on_address_fn)(void (*)(void))GetProcAddress(m, "WaitOnAddress");
            llq_i_wba = (llq_i_wake_by_address_fn)(void (*)(void))GetProcAddress(m, "WakeByAddressAll");
        }
        st = llq_i_woa && llq_i_wba ? 1 : -1;
        __atomic_store_n(&llq_i_woa_state, st, LLQ_REL);
    }
    return st > 0;
}
#endif

/* sleep while *addr == val, at most timeout_ns (< 0: no limit); may return early */
static void llq_i_sleep_on(uint32_t *addr, uint32_t val, int64_t timeout_ns) {
#if defined(LLQ_I_FUTEX)
    struct timespec ts, *tp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = ((time_t)(timeout_ns / 1000000000));
        ts.tv_nsec = ((long)(timeout_ns % 1000000000));
        tp = &ts;
    }
    syscall(SYS_futex, addr, 0 | 128 /* FUTEX_WAIT_PRIVATE */, val, tp, NULL, 0);
#elif defined(LLQ_I_WIN)
    DWORD ms = timeout_ns < 0 ? INFINITE : (DWORD)((timeout_ns + 999999) / 1000000);
    if (llq_i_win_load()) llq_i_woa(addr, &val, sizeof val, ms);
    else Sleep(1);
#elif defined(LLQ_I_POSIX)
    /* no address wait here: sleep in short steps (wakers cannot reach us) */
    struct timespec ts;
    (void)addr;
    (void)val;
    ts.tv_sec = 0;
    ts.tv_nsec = timeout_ns >= 0 && timeout_ns < 200000 ? (long)timeout_ns : 200000;
    nanosleep(&ts, NULL);
#else
    int i;
    (void)addr;
    (void)val;
    (void)timeout_ns;
    for (i = 0; i < 64; i++) llq_cpu_relax();
#endif
}
#endif /* !LLQ_FREESTANDING */

static void llq_i_wake_addr(uint32_t *addr) {
#if defined(LLQ_I_FUTEX)
    syscall(SYS_futex, addr, 1 | 128 /* FUTEX_WAKE_PRIVATE */, 0x7fffffff, NULL, NULL, 0);
#elif defined(LLQ_I_WIN)
    if (llq_i_win_load()) llq_i_wba(addr);
#else
    (void)addr;
#endif
}
/* the 32-bit half of a sequence word that changes with it (the low-order half) */
static uint32_t *llq_i_low32(size_t *word) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return ((uint32_t *)(((unsigned char *)word) + sizeof(size_t) - sizeof(uint32_t)));
#else
    return ((uint32_t *)word);
#endif
}

/* a wait condition: *word == want, or ready(ctx) */
typedef struct llq_i_cond {
    size_t *word;
    size_t want;
    bool (*ready)(void *ctx);
    void *ctx;
} llq_i_cond;
static bool llq_i_cond_ok(const llq_i_cond *c) {
    return c->ready ? c->ready(c->ctx) : LLQ_I_LOAD(c->word, LLQ_ACQ) == c->want;
}

/* the spinning and yielding phases; true once the condition holds, false if it still does not (or the
   deadline, when deadline_ns > 0, passed) */
static bool llq_i_spin_yield(const llq_i_cond *c, uint64_t deadline_ns) {
    size_t i, budget = llq_i_spin_budget(), yields = __atomic_load_n(&llq_i_yields, LLQ_RLX);
#if defined(LLQ_FREESTANDING)
    (void)deadline_ns;
#endif
    for (i = 0; i < budget; i++) {
        if (llq_i_cond_ok(c)) {
            llq_i_spin_adapt(i, true);
            return true;
        }
        llq_cpu_relax();
    }
    if (budget) llq_i_spin_adapt(budget, false);
    for (i = 0; i < yields; i++) {
        if (llq_i_cond_ok(c)) return true;
#if !defined(LLQ_FREESTANDING)
        if (deadline_ns && llq_i_now_ns() >= deadline_ns) return false;
#endif
        llq_i_yield();
    }
    return llq_i_cond_ok(c);
}

#if !defined(LLQ_FREESTANDING)
/* sleep until the condition holds: 0, or LLQ_ETIMEDOUT once deadline_ns (> 0) passes. `key` is the
   32-bit word wakers change (then wake) after changing the condition; `bucket` counts sleepers. */
static int llq_i_park(const llq_i_cond *c, uint32_t *key, uint32_t *bucket, size_t fence, uint64_t deadline_ns) {
    int r = 0;
    __atomic_fetch_add(bucket, 1u, LLQ_SC);
    llq_i_heavy_barrier(fence);
    for (;;) {
        uint32_t seen = LLQ_I_LOAD(key, LLQ_ACQ);
        int64_t left = -1;
        if (llq_i_cond_ok(c)) break;
#if !defined(LLQ_FREESTANDING)
        if (deadline_ns) {
            uint64_t now = llq_i_now_ns();
            if (now >= deadline_ns) {
                r = LLQ_ETIMEDOUT;
                break;
            }
            left = (int64_t)(deadline_ns - now);
        }
#endif
        llq_i_sleep_on(key, seen, left);
    }
    __atomic_fetch_sub(bucket, 1u, LLQ_RLX);
    return r;
}

#endif

LLQDEF void llq_i_unpark(size_t *word) { llq_i_wake_addr(llq_i_low32(word)); }

LLQDEF void llq_i_await(size_t *word, size_t want, uint32_t *bucket, size_t fence) {
    llq_i_cond c;
    c.word = word;
    c.want = want;
    c.ready = NULL;
    c.ctx = NULL;
    if (llq_i_spin_yield(&c, 0)) return;
#if defined(LLQ_FREESTANDING)
    while (!llq_i_cond_ok(&c)) llq_cpu_relax();
    (void)bucket;
    (void)fence;
#else
    (void)llq_i_park(&c, llq_i_low32(word), bucket, fence, 0);
#endif
}

LLQDEF const char *llq_wait_method(void) {
#if defined(LLQ_FREESTANDING)
    return "spin";
#elif defined(LLQ_I_FUTEX)
    return llq_i_asym_available() ? "futex+membarrier" : "futex+fence";
#elif defined(LLQ_I_WIN)
    if (!llq_i_win_load()) return "sleep-poll";
    return llq_i_asym_available() ? "WaitOnAddress+FlushProcessWriteBuffers" : "WaitOnAddress+fence";
#else
    return "sleep-poll";
#endif
}

/* --- wait / notify --- */

LLQDEF void llq_waiter_init(llq_waiter *w) {
    w->seq = 0;
    w->waiters = 0;
#if defined(LLQ_FREESTANDING)
    w->fence = 1;
#else
    w->fence = llq_i_asym_available() ? 0 : 1;
#endif
    __atomic_thread_fence(LLQ_SC);
}

LLQDEF void llq_i_wake(llq_waiter *w) {
    __atomic_fetch_add(&w->seq, 1u, LLQ_SC);
    llq_i_wake_addr(&w->seq);
}

LLQDEF int llq_wait(llq_waiter *w, bool (*ready)(void *ctx), void *ctx, int64_t timeout_ns) {
    llq_i_cond c;
#if !defined(LLQ_FREESTANDING)
    uint64_t deadline = timeout_ns >= 0 ? llq_i_now_ns() + (uint64_t)timeout_ns : 0;
    if (timeout_ns >= 0 && deadline == 0) deadline = 1;
#else
    int64_t spins_left = timeout_ns; /* freestanding: timeout counted in spins */
#endif
    c.word = NULL;
    c.want = 0;
    c.ready = ready;
    c.ctx = ctx;
#if !defined(LLQ_FREESTANDING)
    if (llq_i_spin_yield(&c, deadline)) return 0;
    return llq_i_park(&c, &w->seq, &w->waiters, w->fence, deadline);
#else
    (void)w;
    (void)c;
    for (;;) {
        if (ready(ctx)) return 0;
        if (timeout_ns >= 0 && --spins_left < 0) return LLQ_ETIMEDOUT;
        llq_cpu_relax();
    }
#endif
}

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLQ_IMPLEMENTATION */

/*
   CHANGE HISTORY
     0.2.0  contract header layout; bursts copy with inline loops for 4/8/16/32-byte and typed elements
            and skip the mailbox; llq_bcast_publish_n/read_n; zero-length bulk calls on every kind;
            llq_stack_push_list of an empty chain is a no-op.
     0.1.0  first release: spsc, mpmc, mpsc, mpsc_list, bytes, bcast, seqlock, stack, msq, ebr, wait.

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
