/* llq.h - lock-free rings and queues over caller-supplied memory                      v0.2.0
   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file).

   WHAT
     Bounded rings and unbounded queues whose names say their concurrency contract (spsc, mpmc, mpsc,
     bytes, bcast), a seqlock, a Treiber stack and a Michael-Scott queue made ABA-safe by epoch-based
     reclamation, and a spin-then-sleep waiter. Everything lives in memory the caller supplies:
     llq_<kind>_memsize(...) says how much, llq_<kind>_init(mem, memsize, ...) validates it. Nothing
     allocates, and bounded rings hold no pointers, so they may live in shared memory. Hot paths are
     static inline; only setup, errors, reclamation slow paths and the waiter need the implementation.

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
     LLQ_FREESTANDING     [every unit] only <stddef.h>, <stdint.h>, <stdbool.h> and builtins (on by itself
                          when __STDC_HOSTED__ == 0); waiting spins with pause/yield.
     LLQ_CACHE_LINE       [every unit] cache-line size, default 64; required alignment of the memory.
     LLQ_ISOLATE          [every unit] bytes between the producer and consumer index blocks, default
                          2*LLQ_CACHE_LINE (defeats the adjacent-line prefetcher); at least 2*LLQ_CACHE_LINE.
     LLQ_INLINE           [every unit] marker of the inline hot paths (default static inline).
     LLQ_NO_FUTEX         [one unit] do not use futex even on Linux (spin + yield).
     LLQ_SPIN_COUNT       [one unit] most spins a blocking call makes before it yields, default 4096
                          (the budget adapts below it; llq_wait_tune changes it at run time).
     LLQ_YIELD_COUNT      [one unit] yields before a blocking call sleeps, default 16.
     LLQ_NO_MEMBARRIER    [one unit] never use an asymmetric barrier: wakers pay a full fence. Needed when
                          a ring with blocking users is shared between processes (membarrier and the
                          private futex reach the threads of one process).

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
     llq_ebr_memsize(max_threads)/init, llq_ebr_register(d, &t), llq_ebr_unregister(t),
       llq_ebr_enter(t), llq_ebr_exit(t), llq_ebr_retire(t, node, fn), llq_ebr_poll(t),
       llq_ebr_drain(d) (no thread inside; frees every retired node), llq_ebr_pending(d)
     llq_waiter: llq_waiter_init(w), llq_notify(w) (inline: one fence + one load when nobody waits),
       llq_wait(w, ready_fn, ctx, timeout_ns) -> 0 / LLQ_ETIMEDOUT
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
                     free them once no reader can see them; drain frees everything at the end.
     llq_waiter      spin-then-futex wait/notify (Linux futex; elsewhere spin + yield).
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
     Every structure uses only pointer-sized (size_t) atomics, so all of it builds for 32-bit targets
     without 64-bit atomics (Cortex-M4). Indices wrap modulo 2^(bits of size_t); that is fine because
     capacities are powers of two and all comparisons use wrapping differences.
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
