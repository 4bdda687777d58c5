/* llmem.h - arenas, object pools, huge pages, NUMA and CPU placement                 v0.2.0
   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file).

   WHAT
     The memory side of a low-latency program: nothing allocated on the hot path except from pools that
     cost a few instructions, on memory that is prefaulted, locked, huge-page backed and on the right
     NUMA node, touched by threads pinned where they belong. Arenas (bump allocation with marks), fixed-
     size pools and a size-class allocator whose thread-private fast paths use no atomic instruction,
     page allocation down a 1 GiB -> 2 MiB -> THP -> 4 KiB ladder, NUMA policies and queries, CPU
     topology and pinning. Linux and Windows; the arena and the fixed pool also run freestanding.

   EXAMPLE
     #define LLMEM_IMPLEMENTATION
     #include "llmem.h"
     #include <stdio.h>
     int main(void) {
         llmem_pool pool;
         if (llmem_pool_init(&pool, 64, 64) != LLMEM_OK) return 1;
         llmem_cache *c = llmem_pool_cache(&pool);       // once per thread
         char *order = (char *)llmem_cache_alloc(c);    // no lock, no atomic instruction
         if (!order) return 1;
         order[0] = 'B';
         llmem_cache_free(c, order);                    // any thread may free it
         printf("llmem %s, %d NUMA node(s)\n", llmem_version(), llmem_numa_node_count());
         llmem_pool_destroy(&pool);
         return 0;
     }

   OPTIONS (define before including)
     LLMEM_IMPLEMENTATION  [one unit] emit the implementation (LL_IMPLEMENTATION: every ll header).
     LLMEM_STATIC          [any unit] a private copy in this unit: implies LLMEM_IMPLEMENTATION, every API
                           function static (LL_STATIC: every ll header).
     LLMEM_ASSERT(x)       [one unit] assertion for internal invariants (default: assert(), nothing when
                           freestanding).
     LLMEM_MALLOC(ctx, size), LLMEM_FREE(ctx, ptr)
                           [one unit] both or neither: the header's own metadata (per-thread cache
                           blocks, magazines, llmem_aligned_alloc); ctx is always NULL. Default malloc/free.
     LLMEM_FREESTANDING    [every unit] no OS, no threads, no libc (on by itself when __STDC_HOSTED__ == 0):
                           only the arena and a single-threaded fixed pool over caller memory.
     LLMEM_CACHE_LINE      [every unit] cache-line size used for layout and the alignment helpers, default 64.
     LLMEM_MAX_POOLS       [one unit] pools and size-class allocators alive at once, default 128.
     LLMEM_USE_LIBNUMA     [one unit] route the NUMA calls through libnuma (link -lnuma); default: the raw
                           mbind / set_mempolicy / get_mempolicy / move_pages system calls.
     LLMEM_INLINE          [every unit] marker of the inline hot paths (default static inline).

   API (0 or a negative LLMEM_E* code unless a pointer or a count is shown)
     arena   llmem_arena_init(a, mem, size)   llmem_arena_init_os(a, chunk_bytes, page_flags)
             llmem_arena_alloc(a, size, align) -> ptr   llmem_arena_mark_get / _rewind / _reset / _used
             llmem_arena_destroy(a)
     pool    llmem_pool_init(p, obj_size, align)   llmem_pool_init_opts(p, &opts)
             llmem_pool_add_memory(p, mem, bytes)  llmem_pool_destroy(p)
             llmem_pool_alloc(p) -> ptr   llmem_pool_free(p, obj)        (thread cache found through TLS)
             llmem_pool_cache(p) -> c     llmem_cache_alloc(c) / llmem_cache_free(c, obj)  (inline, fastest)
             llmem_pool_flush(p)  llmem_pool_trim(p) -> bytes  llmem_pool_stats(p, &st)  llmem_thread_exit()
     sizes   llmem_sc_init(s, flags, node)  llmem_sc_destroy(s)  llmem_sc_alloc(s, n) -> ptr
             llmem_sc_free(s, ptr)  llmem_sc_free_sized(s, ptr, n)  llmem_sc_class(n)  llmem_sc_class_size(k)
             llmem_sc_flush(s)  llmem_sc_trim(s) -> bytes  llmem_sc_stats(s, &total, per_class)
     pages   llmem_pages_alloc(pg, size, flags)  llmem_pages_alloc_numa(pg, size, flags, mode, nodes)
             llmem_file_map(pg, path, size, flags)  llmem_pages_free(pg)  llmem_tier_name(tier)
             llmem_page_size()  llmem_pages_debug_fail(tiers)
     numa    llmem_numa_available()  llmem_numa_node_count()  llmem_numa_node_of_cpu(cpu)
             llmem_numa_node_of_addr(p)  llmem_numa_bind(p, len, mode, nodes, flags)
             llmem_numa_set_policy(mode, nodes)  llmem_numa_get_policy(&mode, &nodes)
             llmem_numa_migrate(p, len, node) -> pages  llmem_numa_node_bytes(p, len, per_node, n)
             llmem_numa_node_memory(node, &total, &free)  llmem_numa_backend()
     cpu     llmem_topology_get(&t)  llmem_pin_cpu(cpu)  llmem_pin_node(node)  llmem_pin_reset()
             llmem_current_cpu()  llmem_current_node()  llmem_set_realtime(prio)
             llmem_aligned_alloc(size, align) -> ptr  llmem_aligned_free(p)  llmem_cacheline_alloc(size)
             llmem_prefetch_r(p)  llmem_prefetch_w(p)  llmem_prefetch_range(p, len)  llmem_cpu_relax()
     misc    llmem_strerror(err)  llmem_version()

   SEMANTICS
     Fixed pool: an allocation pops the thread's alloc magazine (an array of pointers), a free pushes the
     thread's free buffer; neither uses an atomic instruction, and the free side never writes what the
     allocation side reads, so a free followed by an allocation never waits on the free's stores (a hot
     loop reuses a window of up to 32 objects). Full and empty magazines move whole between threads
     through a per-pool depot under a short spin lock. A free on any thread goes into that thread's
     buffer: neither the freed block nor its neighbours are written (only a partial magazine flushed at
     thread exit links its objects through their first word), so a remote free costs the owner no miss. LLMEM_POOL_HANDOFF
     pools (producer/consumer) chain free objects through their first word instead and move whole chains,
     so no pointer array crosses cores. Thread exit releases a thread's caches (pthread key destructor /
     FLS callback); pthread_atfork holds every depot lock across fork().
     Size classes: 64 B .. 1 MiB, four classes per power of two, branch-free class selection; larger
     requests go straight to the OS; trim returns fully free slabs to the OS.
     Pages: hugetlb tiers are populated at allocation, so a short pool fails the call instead of raising
     SIGBUS later; the tier obtained is reported. One-node machines: every NUMA call works and says node 0.
     Memory handed out by a pool is valid until that pool is destroyed; a pool must not be destroyed while
     other threads still use it. Objects cached by threads that did not survive a fork() stay unreachable
     in the child (they are released when the pool is destroyed).

   ERRORS
     Setup calls and system wrappers return 0 (or a count/node >= 0) or a negative LLMEM_E* code, the
     negative Linux errno value of that name on every platform; hot paths return a pointer (NULL: out of
     memory) or nothing. A node that does not exist -> LLMEM_ENODEV. mlock over RLIMIT_MEMLOCK ->
     LLMEM_ENOMEM (LLMEM_EPERM when the limit is 0). Kernel without NUMA support -> LLMEM_ENOSYS from the
     policy calls. llmem_strerror(err) names a code.

   PLATFORMS
     Linux (x86-64, aarch64): everything. Windows: VirtualAlloc(ExNuma), MEM_LARGE_PAGES when
     SeLockMemoryPrivilege is held (else 4 KiB pages, reported), SetThreadGroupAffinity. Freestanding:
     the arena and a single-threaded fixed pool over caller memory. Include this header before system
     headers in the implementation unit, or build with -D_GNU_SOURCE; link with -pthread.
*/
#if defined(LL_IMPLEMENTATION) && !defined(LLMEM_IMPLEMENTATION)
#define LLMEM_IMPLEMENTATION
#endif
#if defined(LL_STATIC) && !defined(LLMEM_STATIC)
#define LLMEM_STATIC
#endif
#if defined(LLMEM_STATIC) && !defined(LLMEM_IMPLEMENTATION)
#define LLMEM_IMPLEMENTATION /* static functions are defined in every unit that uses them */
#endif
#if defined(LLMEM_IMPLEMENTATION) && defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifndef LLMEM_H
#define LLMEM_H

#define LLMEM_VERSION_MAJOR 0
#define LLMEM_VERSION_MINOR 2
#define LLMEM_VERSION_PATCH 0
#define LLMEM_VERSION_STRING "0.2.0"

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LLMEM_I_UNUSED __attribute__((unused))
#define LLMEM_LIKELY(x) __builtin_expect(!!(x), 1)
#define LLMEM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LLMEM_I_UNUSED
#define LLMEM_LIKELY(x) (x)
#define LLMEM_UNLIKELY(x) (x)
#endif
#ifdef LLMEM_STATIC
#define LLMEMDEF static LLMEM_I_UNUSED
#else
#define LLMEMDEF extern
#endif
#ifndef LLMEM_INLINE
#define LLMEM_INLINE static inline LLMEM_I_UNUSED
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(LLMEM_FREESTANDING) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#define LLMEM_FREESTANDING
#endif
/* LLMEM_I_MT: multi-threaded pools and the OS layer (hosted Linux or Windows) */
#if !defined(LLMEM_FREESTANDING) && (defined(__linux__) || defined(_WIN32))
#define LLMEM_I_MT 1
#else
#define LLMEM_I_MT 0
#endif
#ifndef LLMEM_CACHE_LINE
#define LLMEM_CACHE_LINE 64
#endif
/* relaxed single-writer counter bump: a plain load/add/store, never a locked instruction */
#define LLMEM_I_BUMP(v) __atomic_store_n(&(v), (v) + 1, __ATOMIC_RELAXED)

#ifdef __cplusplus
extern "C" {
#endif

/* ---- error codes (= -errno on Linux) ---- */
#define LLMEM_OK 0
#define LLMEM_EPERM (-1)
#define LLMEM_ENOENT (-2)
#define LLMEM_EINTR (-4)
#define LLMEM_EIO (-5)
#define LLMEM_EAGAIN (-11)
#define LLMEM_ENOMEM (-12)
#define LLMEM_EACCES (-13)
#define LLMEM_EFAULT (-14)
#define LLMEM_EBUSY (-16)
#define LLMEM_ENODEV (-19)
#define LLMEM_EINVAL (-22)
#define LLMEM_ENOSPC (-28)
#define LLMEM_ERANGE (-34)
#define LLMEM_ENOSYS (-38)
#define LLMEM_EOPNOTSUPP (-95)
LLMEMDEF const char *llmem_strerror(int code);
LLMEMDEF const char *llmem_version(void);

/* ---- arena ---- */
typedef struct llmem_i_chunk llmem_i_chunk;
typedef struct llmem_arena {
    unsigned char *ptr, *end;   /* current bump window */
    unsigned char *base;        /* start of the current window */
    llmem_i_chunk *chunk;       /* current OS chunk (NULL over caller memory) */
    llmem_i_chunk *spare;       /* one chunk kept after rewind/reset */
    size_t chunk_bytes;         /* OS chunk size; 0 = caller memory only */
    size_t bytes_held;          /* bytes obtained from the OS or given by the caller */
    unsigned page_flags;        /* LLMEM_PAGE_* for OS chunks */
    uint32_t chunks;
} llmem_arena;
typedef struct llmem_arena_mark {
    llmem_i_chunk *chunk;
    unsigned char *ptr;
} llmem_arena_mark;

LLMEMDEF void llmem_arena_init(llmem_arena *a, void *mem, size_t size);            /* caller memory */
LLMEMDEF int llmem_arena_init_os(llmem_arena *a, size_t chunk_bytes, unsigned page_flags); /* hosted */
LLMEMDEF void *llmem_i_arena_alloc_slow(llmem_arena *a, size_t size, size_t align);
LLMEMDEF llmem_arena_mark llmem_arena_mark_get(const llmem_arena *a);
LLMEMDEF void llmem_arena_rewind(llmem_arena *a, llmem_arena_mark m);  /* frees everything after m */
LLMEMDEF void llmem_arena_reset(llmem_arena *a);
LLMEMDEF void llmem_arena_destroy(llmem_arena *a);                      /* returns OS chunks */
LLMEMDEF size_t llmem_arena_used(const llmem_arena *a);                 /* bytes used in the window */

/* size bytes aligned to align (a power of two, >= 1); NULL when exhausted (caller memory) or OOM */
LLMEM_INLINE void *llmem_arena_alloc(llmem_arena *a, size_t size, size_t align) {
    uintptr_t p = (((uintptr_t)a->ptr) + (align - 1)) & ~((uintptr_t)(align - 1));
    uintptr_t e = ((uintptr_t)a->end);
    if (LLMEM_LIKELY(p <= e && size <= e - p)) {
        a->ptr = ((unsigned char *)(p + size));
        return ((void *)p);
    }
    return llmem_i_arena_alloc_slow(a, size, align);
}

/* ---- fixed-size pool ---- */
typedef struct llmem_pool llmem_pool;
typedef struct llmem_i_reg llmem_i_reg;
typedef struct llmem_i_slab llmem_i_slab;

/* objects a thread's free buffer holds before they move to its alloc magazine (the reuse window) */
#define LLMEM_I_FREE_MAX 32

/* One thread's cache for one pool (one size class). Owned by one thread; never touch another's.
   An allocation pops the alloc magazine; a free pushes the free buffer. When the alloc magazine is
   empty it takes the free buffer's objects (the most recently freed), else the spare magazine's, else a
   full magazine from the depot; when the free buffer is full its objects go to the spare magazine, and a
   full spare goes to the depot. The free side never writes what the allocation side reads: a free
   followed at once by an allocation does not wait for the free's stores (whose address, for an unsized
   size-class free, comes from a load of the slab header), and a hot loop reuses the last `window`
   objects. The allocation side's fields fill the first cache line, the free side's start the second. */
typedef struct llmem_cache {
    /* the allocation side (and the chains of LLMEM_POOL_HANDOFF pools) */
    void **alloc_top;           /* the next allocation returns alloc_top[-1] */
    void **alloc_base;          /* the alloc magazine's first slot: empty when alloc_top == alloc_base */
    void *head;                 /* LLMEM_POOL_HANDOFF pools and freestanding pools: free chain */
    uint32_t n, cap;            /* objects on that chain / its capacity (0: no chain) */
    llmem_pool *pool;
    void **mag;                 /* the alloc magazine (mag[0] links it in the depot; slots are mag + 1) */
    void *cprev;                /* LLMEM_POOL_HANDOFF: second chain, full or empty */
    uint32_t prev_n, cls;
    /* the free side */
    void **free_top;            /* the next free goes to *free_top */
    void **free_end;            /* end of the free buffer's window: full when free_top == free_end */
    void **spare;               /* the spare magazine, filled by the free side only */
    uint32_t spare_n, window;   /* objects in the spare magazine; the free buffer's window */
    /* statistics */
    uint32_t seq, pad;          /* seqcount: odd while a slow path moves objects (llmem_pool_stats) */
    uint64_t taken;             /* objects put into the alloc magazine */
    uint64_t returned;          /* objects that left the alloc magazine without being allocated */
    uint64_t moved;             /* objects that left the free buffer */
    uint64_t allocs, frees;     /* chain pools (handoff, freestanding): per-operation counters */
    uint64_t misses, refills, flushes;
    void *free_buf[LLMEM_I_FREE_MAX];
} llmem_cache;

struct llmem_i_reg {
    uint64_t key;               /* unique over the process's life: the thread-local memo compares it */
    uint32_t id, gen, nclasses, pad;
    llmem_pool *classes;        /* nclasses pools, contiguous */
    void *tcs;                  /* per-thread cache blocks (registry-locked list) */
};

typedef struct llmem_stats {
    uint64_t allocs, frees;     /* calls that returned an object / released one */
    uint64_t hits, misses;      /* allocations served from the thread cache / that went further */
    uint64_t refills, flushes;  /* magazines fetched (depot or new slab) / handed to the depot */
    uint64_t live;              /* allocs - frees */
    uint64_t bytes_held;        /* slab bytes held (OS or caller) */
    uint64_t slabs;             /* slabs held */
    uint64_t depot_objects;     /* free objects in the depot (not counting thread caches) */
    uint64_t large_allocs, large_frees, large_bytes; /* size-class pools: OS fallback */
} llmem_stats;

/* pool option flags (also the page options of the slabs) */
#define LLMEM_POOL_NO_GROW 0x1u   /* only memory given with llmem_pool_add_memory */
#define LLMEM_POOL_THP 0x2u       /* slabs advised MADV_HUGEPAGE */
#define LLMEM_POOL_PREFAULT 0x4u  /* slabs prefaulted when obtained */
#define LLMEM_POOL_LOCK 0x8u      /* slabs mlock'ed */
#define LLMEM_POOL_HANDOFF 0x10u  /* objects mostly freed by another thread (producer/consumer): the
                                     thread caches chain free objects through their first word and whole
                                     chains move between threads, so no pointer array crosses cores; a
                                     free writes the freed block's first two words, never a neighbour's */

typedef struct llmem_pool_opts {
    size_t obj_size;            /* bytes per object (> 0) */
    size_t align;               /* power of two; 0 = 16 (or the object size if smaller) */
    uint32_t magazine;          /* objects per magazine; 0 = auto: 2 MiB / size, within [4, 256] */
    size_t slab_bytes;          /* power of two; 0 = auto */
    unsigned flags;             /* LLMEM_POOL_* */
    int node;                   /* NUMA node for slabs, -1 = any */
} llmem_pool_opts;

struct llmem_pool {
    int lock;                   /* depot spin lock */
    uint32_t cls;               /* size class (size-class pools) */
    void *full;                 /* depot: full magazines (void **, linked through slot 0) */
    void *empty;                /* depot: empty magazines */
    void *loose;                /* depot: single objects (intrusive list; flushes of partial magazines) */
    uint64_t nfull, nempty, nloose;
    unsigned char *bump, *bump_end; /* carving window in the current slab */
    llmem_i_slab *cur, *slabs;  /* current slab, all slabs */
    size_t obj_size, stride, align, slab_bytes, first;
    uint32_t mag_cap, flags;
    int node, pad;
    uint64_t bytes_held, nslabs;
    llmem_stats retired;   /* counters of exited threads */
    llmem_i_reg *reg;           /* registration used for thread-cache lookup */
    llmem_i_reg own_reg;
    llmem_cache self;           /* freestanding: the one cache */
};

LLMEMDEF int llmem_pool_init(llmem_pool *p, size_t obj_size, size_t align);
LLMEMDEF int llmem_pool_init_opts(llmem_pool *p, const llmem_pool_opts *o);
LLMEMDEF int llmem_pool_add_memory(llmem_pool *p, void *mem, size_t bytes); /* caller memory, kept */
LLMEMDEF void llmem_pool_destroy(llmem_pool *p);
LLMEMDEF void *llmem_pool_alloc(llmem_pool *p);
LLMEMDEF void llmem_pool_free(llmem_pool *p, void *obj);
LLMEMDEF llmem_cache *llmem_pool_cache(llmem_pool *p);   /* the calling thread's cache (NULL on OOM) */
LLMEMDEF void llmem_pool_flush(llmem_pool *p);           /* calling thread's cached objects -> depot */
LLMEMDEF size_t llmem_pool_trim(llmem_pool *p);          /* bytes returned to the OS */
LLMEMDEF void llmem_pool_stats(llmem_pool *p, llmem_stats *st);
LLMEMDEF void llmem_thread_exit(void);                   /* release this thread's caches now */
LLMEMDEF void *llmem_i_cache_alloc_slow(llmem_cache *c);
LLMEMDEF void llmem_i_cache_free_slow(llmem_cache *c, void *obj);

/* thread-private fast paths: no atomic read-modify-write, no lock (the relaxed stores are plain stores;
   they only let llmem_pool_stats read the counts from another thread) */
LLMEM_INLINE void *llmem_cache_alloc(llmem_cache *c) {
#if LLMEM_I_MT
    void **t = c->alloc_top;
    if (LLMEM_LIKELY(t != c->alloc_base)) {
        void *p = t[-1];
        __atomic_store_n(&c->alloc_top, t - 1, __ATOMIC_RELAXED);
        return p;
    }
    if (c->n != 0) { /* LLMEM_POOL_HANDOFF: pop the chain */
        void *p = c->head;
        c->head = *((void **)p);
        c->n--;
        LLMEM_I_BUMP(c->allocs);
        return p;
    }
#else
    void *p = c->head;
    if (LLMEM_LIKELY(p != NULL)) {
        c->head = *((void **)p);
        c->allocs++;
        return p;
    }
#endif
    return llmem_i_cache_alloc_slow(c);
}
LLMEM_INLINE void llmem_cache_free(llmem_cache *c, void *obj) {
#if LLMEM_I_MT
    void **t = c->free_top;
    if (LLMEM_LIKELY(t != c->free_end)) {
        *t = obj;
        __atomic_store_n(&c->free_top, t + 1, __ATOMIC_RELAXED);
        return;
    }
    if (c->n != c->cap) { /* LLMEM_POOL_HANDOFF: push on the chain */
        *((void **)obj) = c->head;
        c->head = obj;
        c->n++;
        LLMEM_I_BUMP(c->frees);
        return;
    }
    llmem_i_cache_free_slow(c, obj);
#else
    *((void **)obj) = c->head;
    c->head = obj;
    c->frees++;
#endif
}

/* ---- size-class pool (hosted) ---- */
#define LLMEM_SC_CLASSES 57                 /* 64 B .. 1 MiB, 4 per power of two */
#define LLMEM_SC_MIN 64u
#define LLMEM_SC_MAX (1024u * 1024u)
#define LLMEM_SC_SEGMENT (4u * 1024u * 1024u) /* slab size and alignment */
typedef struct llmem_sc {
    llmem_pool cls[LLMEM_SC_CLASSES];
    llmem_i_reg reg;
    uint64_t large_allocs, large_frees, large_bytes; /* atomics */
    unsigned flags;
    int node;
} llmem_sc;

/* class index of a request (sizes <= 1 MiB), branch-free: 64,80,96,112,128,160,...,1 MiB */
LLMEM_INLINE unsigned llmem_sc_class(size_t size) {
    uint64_t s = size < LLMEM_SC_MIN ? LLMEM_SC_MIN : ((uint64_t)size);
    uint64_t n = s - 1;
    unsigned e = 63u - ((unsigned)(__builtin_clzll(n)));
    return (e - 6u) * 4u + ((unsigned)((n >> (e - 2u)) & 3u)) + 1u;
}
LLMEMDEF size_t llmem_sc_class_size(unsigned cls);
LLMEMDEF int llmem_sc_init(llmem_sc *s, unsigned flags, int node); /* flags: LLMEM_POOL_THP/PREFAULT/LOCK */
LLMEMDEF void llmem_sc_destroy(llmem_sc *s);
LLMEMDEF void *llmem_sc_alloc(llmem_sc *s, size_t size);  /* 16-byte aligned (power-of-two sizes: natural up to 4 KiB) */
LLMEMDEF void llmem_sc_free(llmem_sc *s, void *p);        /* p from this pool or NULL */
LLMEMDEF void llmem_sc_free_sized(llmem_sc *s, void *p, size_t size); /* size as allocated: no lookup */
LLMEMDEF size_t llmem_sc_trim(llmem_sc *s);
LLMEMDEF void llmem_sc_flush(llmem_sc *s);
/* total over classes; per_class (may be NULL) receives LLMEM_SC_CLASSES entries */
LLMEMDEF void llmem_sc_stats(llmem_sc *s, llmem_stats *total, llmem_stats *per_class);

/* ---- pages ---- */
#define LLMEM_TIER_NONE 0
#define LLMEM_TIER_4K 1
#define LLMEM_TIER_THP 2
#define LLMEM_TIER_2M 3
#define LLMEM_TIER_1G 4
#define LLMEM_TIER_LARGE 5          /* Windows MEM_LARGE_PAGES */

#define LLMEM_PAGE_1G 0x1u          /* allowed tiers, tried from the largest; size >= the page size */
#define LLMEM_PAGE_2M 0x2u
#define LLMEM_PAGE_THP 0x4u
#define LLMEM_PAGE_4K 0x8u
#define LLMEM_PAGE_ANY 0xFu
#define LLMEM_PAGE_PREFAULT 0x10u   /* populate now (hugetlb tiers always are) */
#define LLMEM_PAGE_LOCK 0x20u       /* mlock; failure fails the call */
#define LLMEM_PAGE_TOUCH 0x40u      /* prefault by touching, not MADV_POPULATE_WRITE */
#define LLMEM_FILE_WRITE 0x100u     /* llmem_file_map: read-write shared mapping */
#define LLMEM_FILE_CREATE 0x200u    /* create / extend to size */
#define LLMEM_FILE_SEQUENTIAL 0x400u
#define LLMEM_FILE_RANDOM 0x800u
#define LLMEM_FILE_WILLNEED 0x1000u

#define LLMEM_PREFAULT_NONE 0
#define LLMEM_PREFAULT_MADVISE 1    /* MADV_POPULATE_WRITE / _READ */
#define LLMEM_PREFAULT_TOUCH 2
#define LLMEM_PREFAULT_MAP 3        /* populated by the mapping call itself */

typedef struct llmem_pages {
    void *addr;                 /* usable memory */
    size_t size;                /* bytes (rounded up to the tier's page size) */
    int tier;                   /* LLMEM_TIER_* obtained */
    int prefault;               /* LLMEM_PREFAULT_* used */
    int locked;                 /* 1 when mlock'ed */
    int numa_mode;              /* policy applied (LLMEM_NUMA_*) */
    void *map_addr;             /* what gets unmapped */
    size_t map_size;
    intptr_t fd;                /* file maps: descriptor / handle, else -1 */
    void *map_handle;           /* Windows file mapping handle */
    unsigned flags;
} llmem_pages;

/* NUMA policy modes (the kernel's MPOL_* values) */
#define LLMEM_NUMA_DEFAULT 0
#define LLMEM_NUMA_PREFERRED 1
#define LLMEM_NUMA_BIND 2
#define LLMEM_NUMA_INTERLEAVE 3
#define LLMEM_NUMA_LOCAL 4
#define LLMEM_NUMA_MOVE 0x2u        /* llmem_numa_bind flag: move pages already present */
#define LLMEM_NUMA_STRICT 0x1u

LLMEMDEF int llmem_pages_alloc(llmem_pages *pg, size_t size, unsigned flags);
/* as llmem_pages_alloc, with a NUMA policy (nodes: bit mask of node ids < 64) applied before prefault */
LLMEMDEF int llmem_pages_alloc_numa(llmem_pages *pg, size_t size, unsigned flags, int mode, uint64_t nodes);
LLMEMDEF int llmem_file_map(llmem_pages *pg, const char *path, size_t size, unsigned flags);
LLMEMDEF int llmem_pages_free(llmem_pages *pg);
LLMEMDEF const char *llmem_tier_name(int tier);
LLMEMDEF size_t llmem_page_size(void);
/* tests: make the listed tiers (LLMEM_PAGE_1G|2M|THP) fail as if the kernel refused; returns old mask */
LLMEMDEF unsigned llmem_pages_debug_fail(unsigned tiers);

/* ---- NUMA ---- */
LLMEMDEF int llmem_numa_available(void);          /* 1 when the kernel has NUMA policy calls */
LLMEMDEF int llmem_numa_node_count(void);         /* >= 1 */
LLMEMDEF int llmem_numa_node_of_cpu(int cpu);     /* node, or LLMEM_EINVAL */
LLMEMDEF int llmem_numa_node_of_addr(const void *addr); /* node, LLMEM_ENOENT when not resident */
LLMEMDEF int llmem_numa_bind(void *addr, size_t len, int mode, uint64_t nodes, unsigned flags);
LLMEMDEF int llmem_numa_set_policy(int mode, uint64_t nodes);   /* calling thread */
LLMEMDEF int llmem_numa_get_policy(int *mode, uint64_t *nodes);
LLMEMDEF long llmem_numa_migrate(void *addr, size_t len, int node); /* pages now on node, or error */
LLMEMDEF int llmem_numa_node_bytes(const void *addr, size_t len, uint64_t *per_node, int nnodes);
LLMEMDEF int llmem_numa_node_memory(int node, uint64_t *total, uint64_t *free_bytes);
LLMEMDEF const char *llmem_numa_backend(void);    /* "syscall", "libnuma", "windows", "none" */

/* ---- CPU ---- */
typedef struct llmem_topology {
    int cpus;                   /* online logical CPUs */
    int cores;                  /* physical cores */
    int packages;
    int nodes;
    int cache_line;             /* bytes */
    int l1d_bytes, l2_bytes, l3_bytes;
} llmem_topology;
LLMEMDEF int llmem_topology_get(llmem_topology *t);
LLMEMDEF int llmem_pin_cpu(int cpu);              /* calling thread */
LLMEMDEF int llmem_pin_node(int node);
LLMEMDEF int llmem_pin_reset(void);               /* every online CPU */
LLMEMDEF int llmem_current_cpu(void);
LLMEMDEF int llmem_current_node(void);
LLMEMDEF int llmem_set_realtime(int priority);    /* SCHED_FIFO priority 1..99; 0 = back to normal */
LLMEMDEF void *llmem_aligned_alloc(size_t size, size_t align);
LLMEMDEF void llmem_aligned_free(void *p);
LLMEM_INLINE void *llmem_cacheline_alloc(size_t size) { return llmem_aligned_alloc(size, LLMEM_CACHE_LINE); }
LLMEM_INLINE void llmem_prefetch_r(const void *p) { __builtin_prefetch(p, 0, 3); }
LLMEM_INLINE void llmem_prefetch_w(const void *p) { __builtin_prefetch(p, 1, 3); }
LLMEM_INLINE void llmem_prefetch_range(const void *p, size_t len) {
    const char *c = ((const char *)p);
    size_t i;
    for (i = 0; i < len; i += LLMEM_CACHE_LINE) __builtin_prefetch(c + i, 0, 3);
}
LLMEM_INLINE void llmem_cpu_relax(void) { /* pause / yield hint inside spin loops */
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
#endif /* LLMEM_H */

/* ============================================================================================== */
/*                                         IMPLEMENTATION                                         */
/* ============================================================================================== */
#if defined(LLMEM_IMPLEMENTATION) && !defined(LLMEM_I_IMPLEMENTED)
#define LLMEM_I_IMPLEMENTED
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(LLMEM_FREESTANDING)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#endif
#if LLMEM_I_MT && defined(__linux__)
#define LLMEM_I_LINUX 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef LLMEM_USE_LIBNUMA
#include <numa.h>
#include <numaif.h>
#endif
#if !defined(__USE_GNU) && !defined(__cplusplus)
/* system headers were included before this one without _GNU_SOURCE (strict -std=c99/c11): declare the
   few GNU/BSD items used here (Linux ABI values, identical on x86-64 and aarch64) */
extern int madvise(void *addr, size_t len, int advice);
extern long syscall(long number, ...);
extern int sched_getcpu(void);
extern int ftruncate(int fd, off_t length);
#endif
#elif LLMEM_I_MT && defined(_WIN32)
#define LLMEM_I_WIN 1
#include <windows.h>
#endif
#ifndef LLMEM_I_LINUX
#define LLMEM_I_LINUX 0
#endif
#ifndef LLMEM_I_WIN
#define LLMEM_I_WIN 0
#endif

#ifndef LLMEM_ASSERT
#if defined(LLMEM_FREESTANDING) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#define LLMEM_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define LLMEM_ASSERT(x) assert(x)
#endif
#endif
#if !defined(LLMEM_FREESTANDING) /* the freestanding parts allocate nothing */
#if defined(LLMEM_MALLOC) != defined(LLMEM_FREE)
#error "llmem.h: define both LLMEM_MALLOC and LLMEM_FREE, or neither"
#endif
#ifndef LLMEM_MALLOC
#include <stdlib.h>
#define LLMEM_MALLOC(ctx, size) ((void)(ctx), malloc(size))
#define LLMEM_FREE(ctx, ptr) ((void)(ctx), free(ptr))
#endif
#endif
#ifndef LLMEM_MAX_POOLS
#define LLMEM_MAX_POOLS 128
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- small helpers ---- */
static void llmem_i_zero(void *p, size_t n) {
#if !defined(LLMEM_FREESTANDING)
    memset(p, 0, n);
#else /* volatile: the compiler may not turn the loop into a memset call */
    volatile unsigned char *c = ((volatile unsigned char *)p);
    size_t i;
    for (i = 0; i < n; i++) c[i] = 0;
#endif
}
static size_t llmem_i_round_up(size_t x, size_t a) { return (x + (a - 1)) & ~(a - 1); }
LLMEM_INLINE bool llmem_i_is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }
static size_t llmem_i_pow2_ceil(size_t x) {
    size_t r = 1;
    while (r < x) r <<= 1;
    return r;
}
static uintptr_t llmem_i_addr(const void *p) { return ((uintptr_t)p); }
static void *llmem_i_ptr(uintptr_t a) { return ((void *)a); }

#if LLMEM_I_MT
static void llmem_i_yield(void) {
#if LLMEM_I_LINUX
    sched_yield();
#elif LLMEM_I_WIN
    SwitchToThread();
#endif
}
#endif
static void llmem_i_lock(int *l) {
#if LLMEM_I_MT
    unsigned spins = 0;
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
            if (++spins < 64) {
                llmem_cpu_relax();
            } else {
                llmem_i_yield();
                spins = 0;
            }
        }
    }
#else
    (void)l;
#endif
}
static void llmem_i_unlock(int *l) {
#if LLMEM_I_MT
    __atomic_store_n(l, 0, __ATOMIC_RELEASE);
#else
    (void)l;
#endif
}

LLMEMDEF const char *llmem_version(void) { return LLMEM_VERSION_STRING; }

LLMEMDEF const char *llmem_strerror(int code) {
    switch (code) {
    case LLMEM_OK: return "success";
    case LLMEM_EPERM: return "operation not permitted";
    case LLMEM_ENOENT: return "no such entry (page not resident)";
    case LLMEM_EINTR: return "interrupted";
    case LLMEM_EIO: return "I/O error";
    case LLMEM_EAGAIN: return "resource temporarily unavailable";
    case LLMEM_ENOMEM: return "out of memory (or over RLIMIT_MEMLOCK, or huge pages exhausted)";
    case LLMEM_EACCES: return "permission denied";
    case LLMEM_EFAULT: return "bad address";
    case LLMEM_EBUSY: return "busy";
    case LLMEM_ENODEV: return "no such NUMA node";
    case LLMEM_EINVAL: return "invalid argument";
    case LLMEM_ENOSPC: return "no space (too many pools)";
    case LLMEM_ERANGE: return "out of range";
    case LLMEM_ENOSYS: return "not supported by this kernel or platform";
    case LLMEM_EOPNOTSUPP: return "operation not supported";
    default: return "unknown error";
    }
}

/* ---- OS primitives: anonymous mappings ---- */
#if LLMEM_I_LINUX
#ifdef MAP_HUGETLB
#define LLMEM_I_MAP_HUGETLB MAP_HUGETLB
#else
#define LLMEM_I_MAP_HUGETLB 0x40000
#endif
#ifdef MAP_POPULATE
#define LLMEM_I_MAP_POPULATE MAP_POPULATE
#else
#define LLMEM_I_MAP_POPULATE 0x8000
#endif
#ifdef MAP_ANONYMOUS
#define LLMEM_I_MAP_ANON MAP_ANONYMOUS
#else
#define LLMEM_I_MAP_ANON 0x20
#endif
#ifdef O_CLOEXEC
#define LLMEM_I_O_CLOEXEC O_CLOEXEC
#else
#define LLMEM_I_O_CLOEXEC 02000000
#endif
#define LLMEM_I_MADV_RANDOM 1
#define LLMEM_I_MADV_SEQUENTIAL 2
#define LLMEM_I_MADV_WILLNEED 3
#define LLMEM_I_MAP_HUGE_SHIFT 26
#define LLMEM_I_MADV_HUGEPAGE 14
#define LLMEM_I_MADV_POPULATE_READ 22
#define LLMEM_I_MADV_POPULATE_WRITE 23
#define LLMEM_I_HUGETLBFS_MAGIC 0x958458f6L
#if defined(SYS_mbind)
#define LLMEM_I_SYS_MBIND SYS_mbind
#define LLMEM_I_SYS_SET_MEMPOLICY SYS_set_mempolicy
#define LLMEM_I_SYS_GET_MEMPOLICY SYS_get_mempolicy
#define LLMEM_I_SYS_MOVE_PAGES SYS_move_pages
#elif defined(__x86_64__)
#define LLMEM_I_SYS_MBIND 237
#define LLMEM_I_SYS_SET_MEMPOLICY 238
#define LLMEM_I_SYS_GET_MEMPOLICY 239
#define LLMEM_I_SYS_MOVE_PAGES 279
#elif defined(__aarch64__)
#define LLMEM_I_SYS_MBIND 235
#define LLMEM_I_SYS_GET_MEMPOLICY 236
#define LLMEM_I_SYS_SET_MEMPOLICY 237
#define LLMEM_I_SYS_MOVE_PAGES 239
#endif
#endif /* LLMEM_I_LINUX */

#if LLMEM_I_MT
static size_t llmem_i_pagesz;
LLMEMDEF size_t llmem_page_size(void) {
    if (!llmem_i_pagesz) {
#if LLMEM_I_LINUX
        long v = sysconf(_SC_PAGESIZE);
        llmem_i_pagesz = v > 0 ? ((size_t)v) : 4096u;
#else
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        llmem_i_pagesz = si.dwPageSize ? ((size_t)si.dwPageSize) : 4096u;
#endif
    }
    return llmem_i_pagesz;
}

static int llmem_i_numa_apply(void *addr, size_t len, int mode, uint64_t nodes);
static int llmem_i_populate(void *p, size_t len, int write, unsigned flags, int *method);

#if LLMEM_I_LINUX
static int llmem_i_map_failed(void *p) { return ((intptr_t)p) == -1; }
static void *llmem_i_mmap(size_t len, int extra) {
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | LLMEM_I_MAP_ANON | extra, -1, 0);
    return llmem_i_map_failed(p) ? NULL : p;
}
static void llmem_i_unmap(void *p, size_t len) {
    if (p && len) munmap(p, len);
}
#else
static void llmem_i_unmap(void *p, size_t len) {
    (void)len;
    if (p) VirtualFree(p, 0, MEM_RELEASE);
}
static int llmem_i_win_err(void) {
    DWORD e = GetLastError();
    switch (e) {
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT:
    case ERROR_NO_SYSTEM_RESOURCES:
    case ERROR_WORKING_SET_QUOTA: return LLMEM_ENOMEM;
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD: return LLMEM_EPERM;
    case ERROR_INVALID_PARAMETER: return LLMEM_EINVAL;
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return LLMEM_ENOENT;
    case ERROR_CALL_NOT_IMPLEMENTED:
    case ERROR_NOT_SUPPORTED: return LLMEM_ENOSYS;
    default: return LLMEM_EIO;
    }
}
/* VirtualAlloc, on a NUMA node when node >= 0 */
static void *llmem_i_win_valloc(void *at, size_t len, DWORD type, int node) {
    if (node >= 0)
        return VirtualAllocExNuma(GetCurrentProcess(), at, len, type, PAGE_READWRITE, ((DWORD)node));
    return VirtualAlloc(at, len, type, PAGE_READWRITE);
}
#endif

/* size bytes aligned to align (power of two >= page size) from the OS, with pool page options */
static void *llmem_i_os_alloc_aligned(size_t size, size_t align, unsigned pflags, int node) {
    size_t pg = llmem_page_size();
    void *a;
    if (align < pg) align = pg;
    size = llmem_i_round_up(size, pg);
#if LLMEM_I_LINUX
    {
        size_t len = size + align - pg;
        unsigned char *raw = ((unsigned char *)(llmem_i_mmap(len, 0)));
        uintptr_t s, e;
        if (!raw) return NULL;
        s = (llmem_i_addr(raw) + align - 1) & ~((uintptr_t)(align - 1));
        e = s + size;
        if (s > llmem_i_addr(raw)) munmap(raw, s - llmem_i_addr(raw));
        if (e < llmem_i_addr(raw) + len) munmap(llmem_i_ptr(e), llmem_i_addr(raw) + len - e);
        a = llmem_i_ptr(s);
        if (pflags & LLMEM_POOL_THP) madvise(a, size, LLMEM_I_MADV_HUGEPAGE);
    }
#else
    {
        int tries;
        a = NULL;
        for (tries = 0; tries < 16 && !a; tries++) {
            void *raw = VirtualAlloc(NULL, size + align, MEM_RESERVE, PAGE_NOACCESS);
            uintptr_t s;
            if (!raw) return NULL;
            s = (llmem_i_addr(raw) + align - 1) & ~((uintptr_t)(align - 1));
            VirtualFree(raw, 0, MEM_RELEASE);
            a = llmem_i_win_valloc(llmem_i_ptr(s), size, MEM_RESERVE | MEM_COMMIT, node);
        }
        if (!a) return NULL;
    }
#endif
    if (node >= 0) llmem_i_numa_apply(a, size, LLMEM_NUMA_BIND, 1ull << node);
    if (pflags & LLMEM_POOL_PREFAULT) {
        int m;
        llmem_i_populate(a, size, 1, 0, &m);
    }
    if (pflags & LLMEM_POOL_LOCK) {
#if LLMEM_I_LINUX
        if (mlock(a, size) != 0) {
            llmem_i_unmap(a, size);
            return NULL;
        }
#else
        if (!VirtualLock(a, size)) {
            llmem_i_unmap(a, size);
            return NULL;
        }
#endif
    }
    return a;
}
#endif /* LLMEM_I_MT */

/* ================================ arena ================================ */
struct llmem_i_chunk {
    llmem_i_chunk *prev;
    unsigned char *start, *end;
#if LLMEM_I_MT
    llmem_pages pg;
#endif
};

LLMEMDEF void llmem_arena_init(llmem_arena *a, void *mem, size_t size) {
    llmem_i_zero(a, sizeof *a);
    a->base = a->ptr = ((unsigned char *)mem);
    a->end = a->base ? a->base + size : a->base;
    a->bytes_held = mem ? size : 0;
}

LLMEMDEF int llmem_arena_init_os(llmem_arena *a, size_t chunk_bytes, unsigned page_flags) {
    llmem_i_zero(a, sizeof *a);
#if LLMEM_I_MT
    a->chunk_bytes = chunk_bytes < 65536u ? 65536u : chunk_bytes;
    a->page_flags = page_flags ? page_flags : LLMEM_PAGE_4K;
    return LLMEM_OK;
#else
    (void)chunk_bytes;
    (void)page_flags;
    return LLMEM_ENOSYS;
#endif
}

#if LLMEM_I_MT
static void llmem_i_chunk_free(llmem_i_chunk *c) {
    llmem_pages pg = c->pg;
    llmem_pages_free(&pg);
}
#endif

LLMEMDEF void *llmem_i_arena_alloc_slow(llmem_arena *a, size_t size, size_t align) {
#if LLMEM_I_MT
    size_t hdr = llmem_i_round_up(sizeof(llmem_i_chunk), 64), need;
    llmem_i_chunk *c;
    if (!a->chunk_bytes || !llmem_i_is_pow2(align)) return NULL;
    if (size > (SIZE_MAX >> 2) || align > (SIZE_MAX >> 2)) return NULL;
    need = hdr + size + align;
    c = a->spare;
    if (c && ((size_t)(c->end - c->start)) + hdr >= need) {
        a->spare = NULL;
    } else {
        llmem_pages pg;
        size_t bytes = need > a->chunk_bytes ? llmem_i_round_up(need, 65536u) : a->chunk_bytes;
        if (llmem_pages_alloc(&pg, bytes, a->page_flags) != 0) return NULL;
        c = ((llmem_i_chunk *)pg.addr);
        c->pg = pg;
        c->start = ((unsigned char *)pg.addr) + hdr;
        c->end = ((unsigned char *)pg.addr) + pg.size;
        a->bytes_held += pg.map_size;
        a->chunks++;
    }
    c->prev = a->chunk;
    a->chunk = c;
    a->base = a->ptr = c->start;
    a->end = c->end;
    return llmem_arena_alloc(a, size, align);
#else
    (void)a;
    (void)size;
    (void)align;
    return NULL;
#endif
}

LLMEMDEF llmem_arena_mark llmem_arena_mark_get(const llmem_arena *a) {
    llmem_arena_mark m;
    m.chunk = a->chunk;
    m.ptr = a->ptr;
    return m;
}

LLMEMDEF void llmem_arena_rewind(llmem_arena *a, llmem_arena_mark m) {
#if LLMEM_I_MT
    while (a->chunk && a->chunk != m.chunk) {
        llmem_i_chunk *c = a->chunk;
        a->chunk = c->prev;
        if (!a->spare) {
            a->spare = c;
        } else {
            a->bytes_held -= c->pg.map_size;
            a->chunks--;
            llmem_i_chunk_free(c);
        }
    }
    if (a->chunk_bytes) {
        if (a->chunk) {
            a->base = a->chunk->start;
            a->end = a->chunk->end;
            a->ptr = m.ptr;
        } else {
            a->base = a->ptr = a->end = NULL;
        }
        return;
    }
#endif
    a->ptr = m.ptr;
}

LLMEMDEF void llmem_arena_reset(llmem_arena *a) {
    llmem_arena_mark m;
    m.chunk = NULL;
    m.ptr = a->chunk_bytes ? NULL : a->base;
    llmem_arena_rewind(a, m);
}

LLMEMDEF void llmem_arena_destroy(llmem_arena *a) {
#if LLMEM_I_MT
    llmem_arena_reset(a);
    if (a->spare) llmem_i_chunk_free(a->spare);
#endif
    llmem_i_zero(a, sizeof *a);
}

LLMEMDEF size_t llmem_arena_used(const llmem_arena *a) { return ((size_t)(a->ptr - a->base)); }

/* ================================ pools ================================ */
#define LLMEM_I_SLAB_MAGIC 0x6c6c6d656d534c42ull
#define LLMEM_I_LARGE_MAGIC 0x6c6c6d656d4c5247ull
/* a size-class slab's tag: this value in the high half, the byte offset of the class's cache within a
   thread's cache array in the low half, so that an unsized free finds its cache with one load */
#define LLMEM_I_SC_MAGIC 0x6c6c5343u
struct llmem_i_slab {
    uint64_t tag;               /* LLMEM_I_SLAB_MAGIC, LLMEM_I_LARGE_MAGIC, or a size-class tag */
    llmem_i_slab *next;
    llmem_pool *pool;
    size_t bytes;               /* mapping (or caller region) size */
    uint32_t cls, carved, capacity, external;
    uint64_t tmp;
};

static uint64_t llmem_i_slab_tag(const llmem_pool *p) {
    if (p->reg == &p->own_reg) return LLMEM_I_SLAB_MAGIC;
    return ((uint64_t)LLMEM_I_SC_MAGIC << 32) | (uint64_t)((size_t)p->cls * sizeof(llmem_cache));
}

static int llmem_i_pool_setup(llmem_pool *p, size_t obj_size, size_t stride, size_t first, size_t align,
                              uint32_t mag, size_t slab_bytes, unsigned flags, int node) {
    llmem_i_zero(p, sizeof *p);
    p->obj_size = obj_size;
    p->stride = stride;
    p->first = first;
    p->align = align;
    p->mag_cap = mag;
    p->slab_bytes = slab_bytes;
    p->flags = flags;
    p->node = node;
    p->own_reg.nclasses = 1;
    p->own_reg.classes = p;
    p->reg = &p->own_reg;
    p->self.pool = p;
    return LLMEM_OK;
}

#if LLMEM_I_MT
static int llmem_i_register(llmem_i_reg *r);
static void llmem_i_unregister(llmem_i_reg *r);
#endif

LLMEMDEF int llmem_pool_init_opts(llmem_pool *p, const llmem_pool_opts *o) {
    size_t align, stride, first, slab;
    uint32_t mag;
    if (!p || !o || !o->obj_size || o->obj_size > (SIZE_MAX >> 4)) return LLMEM_EINVAL;
    align = o->align ? o->align : (o->obj_size >= 16 ? 16 : llmem_i_pow2_ceil(o->obj_size));
    if (!llmem_i_is_pow2(align)) return LLMEM_EINVAL;
    if (align < sizeof(void *)) align = sizeof(void *);
    {
        size_t minsz = (o->flags & LLMEM_POOL_HANDOFF) ? 2 * sizeof(void *) : sizeof(void *);
        stride = llmem_i_round_up(o->obj_size < minsz ? minsz : o->obj_size, align);
    }
    first = llmem_i_round_up(sizeof(llmem_i_slab), align > 64 ? align : 64);
    mag = o->magazine;
    if (!mag) {
        size_t m = (2048u * 1024u) / stride;
        mag = ((uint32_t)(m > 256 ? 256 : (m < 4 ? 4 : m)));
    }
    slab = o->slab_bytes;
    if (slab) {
        if (!llmem_i_is_pow2(slab) || slab < first + stride) return LLMEM_EINVAL;
    } else {
        size_t want = first + stride * (mag * 2u > 16u ? mag * 2u : 16u);
        slab = llmem_i_pow2_ceil(want < 65536u ? 65536u : want);
    }
    if (o->node < -1 || o->node >= 64) return LLMEM_ENODEV;
    llmem_i_pool_setup(p, o->obj_size, stride, first, align, mag, slab, o->flags, o->node);
#if LLMEM_I_MT
    return llmem_i_register(&p->own_reg);
#else
    return LLMEM_OK;
#endif
}

LLMEMDEF int llmem_pool_init(llmem_pool *p, size_t obj_size, size_t align) {
    llmem_pool_opts o;
    llmem_i_zero(&o, sizeof o);
    o.obj_size = obj_size;
    o.align = align;
    o.node = -1;
    return llmem_pool_init_opts(p, &o);
}

LLMEMDEF int llmem_pool_add_memory(llmem_pool *p, void *mem, size_t bytes) {
    uintptr_t s = (llmem_i_addr(mem) + 63u) & ~((uintptr_t)63u);
    llmem_i_slab *h;
    size_t usable, first;
    if (!p || !mem || bytes < 64u || s - llmem_i_addr(mem) > bytes - 64u) return LLMEM_EINVAL;
    usable = bytes - (s - llmem_i_addr(mem));
    first = llmem_i_round_up(sizeof(llmem_i_slab), p->align > 64 ? p->align : 64);
    if (usable < first + p->stride) return LLMEM_EINVAL;
    h = ((llmem_i_slab *)(llmem_i_ptr(s)));
    llmem_i_zero(h, sizeof *h);
    h->tag = llmem_i_slab_tag(p);
    h->pool = p;
    h->bytes = usable;
    h->cls = p->cls;
    h->external = 1;
    h->capacity = ((uint32_t)((usable - first) / p->stride));
    h->tmp = first;
    llmem_i_lock(&p->lock);
    h->next = p->slabs;
    p->slabs = h;
    p->bytes_held += usable;
    p->nslabs++;
    llmem_i_unlock(&p->lock);
    return LLMEM_OK;
}

static unsigned char *llmem_i_slab_first(llmem_pool *p, llmem_i_slab *h) {
    return ((unsigned char *)(((void *)h))) + (h->external ? ((size_t)h->tmp) : p->first);
}

/* make p->bump..bump_end a non-empty window; lock held */
static int llmem_i_pool_grow(llmem_pool *p) {
    llmem_i_slab *h;
    for (h = p->slabs; h; h = h->next) {
        if (h->external && h->carved < h->capacity) {
            p->cur = h;
            p->bump = llmem_i_slab_first(p, h) + ((size_t)h->carved) * p->stride;
            p->bump_end = llmem_i_slab_first(p, h) + ((size_t)h->capacity) * p->stride;
            return LLMEM_OK;
        }
    }
#if LLMEM_I_MT
    if (p->flags & LLMEM_POOL_NO_GROW) return LLMEM_ENOMEM;
    h = ((llmem_i_slab *)(llmem_i_os_alloc_aligned(p->slab_bytes, p->slab_bytes, p->flags, p->node)));
    if (!h) return LLMEM_ENOMEM;
    h->tag = llmem_i_slab_tag(p);
    h->pool = p;
    h->bytes = p->slab_bytes;
    h->cls = p->cls;
    h->carved = 0;
    h->external = 0;
    h->capacity = ((uint32_t)((p->slab_bytes - p->first) / p->stride));
    h->next = p->slabs;
    p->slabs = h;
    p->bytes_held += p->slab_bytes;
    p->nslabs++;
    p->cur = h;
    p->bump = llmem_i_slab_first(p, h);
    p->bump_end = p->bump + ((size_t)h->capacity) * p->stride;
    return LLMEM_OK;
#else
    return LLMEM_ENOMEM;
#endif
}

#if LLMEM_I_MT
/* up to want objects into out: loose ones first, then carved from slabs; lock held */
static uint32_t llmem_i_carve(llmem_pool *p, void **out, uint32_t want) {
    uint32_t k = 0;
    while (k < want && p->loose) {
        void *o = p->loose;
        p->loose = *((void **)o);
        p->nloose--;
        out[k++] = o;
    }
    while (k < want) {
        if (p->bump == p->bump_end && llmem_i_pool_grow(p) != 0) break;
        /* hand out ascending addresses: fill so that the top of the stack is the lowest */
        out[k++] = p->bump;
        p->bump += p->stride;
        p->cur->carved++;
    }
    if (k > 1) { /* reverse so that pops come out in address order */
        uint32_t i = 0, j = k - 1;
        while (i < j) {
            void *t = out[i];
            out[i++] = out[j];
            out[j--] = t;
        }
    }
    return k;
}
#endif

#if !LLMEM_I_MT
/* ---- freestanding / single-threaded pool ---- */
LLMEMDEF void *llmem_i_cache_alloc_slow(llmem_cache *c) {
    llmem_pool *p = c->pool;
    void *o;
    c->misses++;
    if (p->bump == p->bump_end) {
        if (llmem_i_pool_grow(p) != 0) return NULL;
        c->refills++;
    }
    o = p->bump;
    p->bump += p->stride;
    p->cur->carved++;
    c->allocs++;
    return o;
}
LLMEMDEF void llmem_i_cache_free_slow(llmem_cache *c, void *obj) { llmem_cache_free(c, obj); }
LLMEMDEF llmem_cache *llmem_pool_cache(llmem_pool *p) { return &p->self; }
LLMEMDEF void *llmem_pool_alloc(llmem_pool *p) { return llmem_cache_alloc(&p->self); }
LLMEMDEF void llmem_pool_free(llmem_pool *p, void *obj) {
    if (obj) llmem_cache_free(&p->self, obj);
}
LLMEMDEF void llmem_pool_flush(llmem_pool *p) { (void)p; }
LLMEMDEF size_t llmem_pool_trim(llmem_pool *p) {
    (void)p;
    return 0;
}
LLMEMDEF void llmem_thread_exit(void) {}
LLMEMDEF void llmem_pool_stats(llmem_pool *p, llmem_stats *st) {
    llmem_i_zero(st, sizeof *st);
    st->allocs = p->self.allocs;
    st->frees = p->self.frees;
    st->misses = p->self.misses;
    st->hits = st->allocs >= st->misses ? st->allocs - st->misses : 0;
    st->refills = p->self.refills;
    st->live = st->allocs - st->frees;
    st->bytes_held = p->bytes_held;
    st->slabs = p->nslabs;
}
LLMEMDEF void llmem_pool_destroy(llmem_pool *p) { llmem_i_zero(p, sizeof *p); }
#else /* LLMEM_I_MT */

/* ---- magazines and the depot ---- */
static void **llmem_i_mag_new(llmem_pool *p) {
    return ((void **)(LLMEM_MALLOC(NULL, (((size_t)p->mag_cap) + 1u) * sizeof(void *))));
}
static void llmem_i_list_push(void **head, void **mag) {
    mag[0] = *head;
    *head = ((void *)mag);
}
static void **llmem_i_list_pop(void **head) {
    void **m = ((void **)(*head));
    if (m) *head = m[0];
    return m;
}
static void llmem_i_loose_push(llmem_pool *p, void *obj) {
    *((void **)obj) = p->loose;
    p->loose = obj;
    p->nloose++;
}
/* give one magazine holding n objects back to the depot; lock held */
static void llmem_i_mag_return(llmem_pool *p, void **m, uint32_t n) {
    uint32_t i;
    if (!m) return;
    if (n == p->mag_cap) {
        llmem_i_list_push(&p->full, m);
        p->nfull++;
        return;
    }
    for (i = 0; i < n; i++) llmem_i_loose_push(p, m[1 + i]);
    llmem_i_list_push(&p->empty, m);
    p->nempty++;
}
/* Counters and pointers the stats reader loads from another thread are stored with relaxed atomic
   stores (plain stores on every target); the slow paths that move objects between the free buffer, the
   alloc magazine and the depot run inside a seqcount so that the reader sees them before or after. */
#define LLMEM_I_ADD(v, k) __atomic_store_n(&(v), (v) + (k), __ATOMIC_RELAXED)
#define LLMEM_I_SETP(v, x) __atomic_store_n(&(v), (x), __ATOMIC_RELAXED)
static void llmem_i_seq_begin(llmem_cache *c) {
    __atomic_store_n(&c->seq, c->seq + 1u, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
static void llmem_i_seq_end(llmem_cache *c) { __atomic_store_n(&c->seq, c->seq + 1u, __ATOMIC_RELEASE); }
/* c's alloc magazine becomes m (NULL: none) holding n objects */
static void llmem_i_set_mag(llmem_cache *c, void **m, uint32_t n) {
    c->mag = m;
    LLMEM_I_SETP(c->alloc_base, m ? m + 1 : NULL);
    LLMEM_I_SETP(c->alloc_top, m ? m + 1 + n : NULL);
}
/* an empty magazine: one from the depot, else a new one (NULL when out of memory); lock not held */
static void **llmem_i_mag_get(llmem_pool *p) {
    void **m;
    llmem_i_lock(&p->lock);
    m = llmem_i_list_pop(&p->empty);
    if (m) p->nempty--;
    llmem_i_unlock(&p->lock);
    return m ? m : llmem_i_mag_new(p);
}
/* allocations and frees a cache has served (its owner's view) */
static uint64_t llmem_i_cache_allocs(const llmem_cache *c) {
    if (c->cap) return c->allocs;
    return c->taken - c->returned - (uint64_t)(c->alloc_top - c->alloc_base);
}
static uint64_t llmem_i_cache_frees(const llmem_cache *c) {
    if (c->cap) return c->frees;
    return c->moved + (uint64_t)(c->free_top - c->free_buf);
}
/* return everything the cache holds to the depot and fold its counters into retired; lock held */
static void llmem_i_ch_return(llmem_pool *p, void *head, uint32_t n);
static void llmem_i_cache_drain(llmem_cache *c, int retire) {
    llmem_pool *p = c->pool;
    if (p->flags & LLMEM_POOL_HANDOFF) {
        llmem_i_ch_return(p, c->head, c->n);
        llmem_i_ch_return(p, c->cprev, c->prev_n);
        c->head = c->cprev = NULL;
        c->n = c->prev_n = 0;
    } else {
        uint32_t na = (uint32_t)(c->alloc_top - c->alloc_base), nb = (uint32_t)(c->free_top - c->free_buf), i;
        llmem_i_seq_begin(c);
        llmem_i_mag_return(p, c->mag, na);
        LLMEM_I_ADD(c->returned, na);
        llmem_i_set_mag(c, NULL, 0);
        llmem_i_mag_return(p, c->spare, c->spare_n);
        c->spare = NULL;
        c->spare_n = 0;
        for (i = 0; i < nb; i++) llmem_i_loose_push(p, c->free_buf[i]);
        LLMEM_I_ADD(c->moved, nb);
        LLMEM_I_SETP(c->free_top, &c->free_buf[0]);
        llmem_i_seq_end(c);
    }
    if (retire) {
        p->retired.allocs += llmem_i_cache_allocs(c);
        p->retired.frees += llmem_i_cache_frees(c);
        p->retired.misses += c->misses;
        p->retired.refills += c->refills;
        p->retired.flushes += c->flushes;
        llmem_i_seq_begin(c);
        LLMEM_I_SETP(c->taken, 0);
        LLMEM_I_SETP(c->returned, 0);
        LLMEM_I_SETP(c->moved, 0);
        LLMEM_I_SETP(c->allocs, 0);
        LLMEM_I_SETP(c->frees, 0);
        LLMEM_I_SETP(c->misses, 0);
        LLMEM_I_SETP(c->refills, 0);
        LLMEM_I_SETP(c->flushes, 0);
        llmem_i_seq_end(c);
    }
}

/* ---- LLMEM_POOL_HANDOFF: free chains and whole-chain batches ---- */
#define LLMEM_I_NEXT(o) (((void **)o)[0])
#define LLMEM_I_BLINK(o) (((void **)o)[1])
static void llmem_i_ch_push(llmem_pool *p, void *head) {
    LLMEM_I_BLINK(head) = p->full;
    p->full = head;
    p->nfull++;
}
static void *llmem_i_ch_pop(llmem_pool *p) {
    void *b = p->full;
    if (b) {
        p->full = LLMEM_I_BLINK(b);
        p->nfull--;
    }
    return b;
}
/* a chain of n objects back to the depot; lock held */
static void llmem_i_ch_return(llmem_pool *p, void *head, uint32_t n) {
    uint32_t i;
    if (!n) return;
    if (n == p->mag_cap) {
        llmem_i_ch_push(p, head);
        return;
    }
    for (i = 0; i < n && head; i++) {
        void *next = LLMEM_I_NEXT(head);
        llmem_i_loose_push(p, head);
        head = next;
    }
}
/* a chain of up to want objects: loose ones first, then carved (lowest address on top); lock held */
static uint32_t llmem_i_ch_carve(llmem_pool *p, void **out, uint32_t want) {
    uint32_t k = 0;
    void *chain = NULL;
    while (k < want && p->loose) {
        void *o = p->loose;
        p->loose = LLMEM_I_NEXT(o);
        p->nloose--;
        LLMEM_I_NEXT(o) = chain;
        chain = o;
        k++;
    }
    while (k < want) {
        size_t m, i;
        if (p->bump == p->bump_end && llmem_i_pool_grow(p) != 0) break;
        m = ((size_t)(p->bump_end - p->bump)) / p->stride;
        if (m > want - k) m = want - k;
        for (i = m; i > 0; i--) {
            void *o = p->bump + (i - 1) * p->stride;
            LLMEM_I_NEXT(o) = chain;
            chain = o;
        }
        p->bump += m * p->stride;
        p->cur->carved += ((uint32_t)m);
        k += ((uint32_t)m);
    }
    *out = chain;
    return k;
}
static void llmem_i_ch_swap(llmem_cache *c) {
    void *t = c->head;
    uint32_t tn = c->n;
    c->head = c->cprev;
    c->n = c->prev_n;
    c->cprev = t;
    c->prev_n = tn;
}
static void *llmem_i_ch_alloc_slow(llmem_cache *c) {
    llmem_pool *p = c->pool;
    LLMEM_I_BUMP(c->misses);
    if (c->prev_n) {
        llmem_i_ch_swap(c); /* the full second chain */
    } else {
        void *b;
        llmem_i_lock(&p->lock);
        b = llmem_i_ch_pop(p);
        if (b) {
            c->head = b;
            c->n = p->mag_cap;
        } else {
            c->n = llmem_i_ch_carve(p, &c->head, p->mag_cap);
            if (!c->n) {
                llmem_i_unlock(&p->lock);
                return NULL;
            }
        }
        llmem_i_unlock(&p->lock);
        LLMEM_I_BUMP(c->refills);
    }
    return llmem_cache_alloc(c);
}
static void llmem_i_ch_free_slow(llmem_cache *c, void *obj) {
    llmem_pool *p = c->pool;
    if (c->prev_n == 0) {
        llmem_i_ch_swap(c); /* the full chain becomes the second one; go on with the empty one */
    } else {
        llmem_i_lock(&p->lock);
        llmem_i_ch_push(p, c->cprev);
        llmem_i_unlock(&p->lock);
        c->cprev = c->head;
        c->prev_n = c->n;
        c->head = NULL;
        c->n = 0;
        LLMEM_I_BUMP(c->flushes);
    }
    llmem_cache_free(c, obj);
}

/* one object for a cache that has no magazine and cannot get one (out of memory) */
static void *llmem_i_take_one(llmem_cache *c) {
    llmem_pool *p = c->pool;
    void *o = NULL;
    uint32_t nb = (uint32_t)(c->free_top - c->free_buf);
    llmem_i_seq_begin(c);
    if (nb) {
        o = c->free_buf[nb - 1];
        LLMEM_I_SETP(c->free_top, c->free_top - 1);
        LLMEM_I_ADD(c->moved, 1);
        LLMEM_I_ADD(c->taken, 1);
    } else {
        llmem_i_lock(&p->lock);
        if (llmem_i_carve(p, &o, 1) == 1) LLMEM_I_ADD(c->taken, 1);
        llmem_i_unlock(&p->lock);
    }
    llmem_i_seq_end(c);
    return o;
}

/* the alloc magazine is empty: refill it from the free buffer or the spare magazine (hits), else from
   the depot (a miss) */
LLMEMDEF void *llmem_i_cache_alloc_slow(llmem_cache *c) {
    llmem_pool *p = c->pool;
    uint32_t nb;
    void **t, *o;
    if (p->flags & LLMEM_POOL_HANDOFF) return llmem_i_ch_alloc_slow(c);
    if (!c->mag) {
        void **m = llmem_i_mag_get(p);
        if (!m) return llmem_i_take_one(c);
        llmem_i_seq_begin(c);
        llmem_i_set_mag(c, m, 0);
        llmem_i_seq_end(c);
    }
    nb = (uint32_t)(c->free_top - c->free_buf);
    llmem_i_seq_begin(c);
    if (nb) { /* the most recently freed objects first */
        memcpy(c->mag + 1, c->free_buf, (size_t)nb * sizeof(void *));
        LLMEM_I_SETP(c->alloc_top, c->alloc_base + nb);
        LLMEM_I_SETP(c->free_top, &c->free_buf[0]);
        LLMEM_I_ADD(c->taken, nb);
        LLMEM_I_ADD(c->moved, nb);
    } else if (c->spare_n) {
        void **m = c->spare;
        uint32_t k = c->spare_n;
        c->spare = c->mag;
        c->spare_n = 0;
        llmem_i_set_mag(c, m, k);
        LLMEM_I_ADD(c->taken, k);
    } else {
        uint32_t k;
        LLMEM_I_ADD(c->misses, 1);
        llmem_i_lock(&p->lock);
        if (p->full) {
            void **m = llmem_i_list_pop(&p->full);
            p->nfull--;
            llmem_i_list_push(&p->empty, c->mag);
            p->nempty++;
            k = p->mag_cap;
            llmem_i_set_mag(c, m, k);
        } else {
            k = llmem_i_carve(p, c->mag + 1, p->mag_cap);
            LLMEM_I_SETP(c->alloc_top, c->alloc_base + k);
        }
        llmem_i_unlock(&p->lock);
        if (!k) {
            llmem_i_seq_end(c);
            return NULL;
        }
        LLMEM_I_ADD(c->taken, k);
        LLMEM_I_ADD(c->refills, 1);
    }
    llmem_i_seq_end(c);
    t = c->alloc_top;
    o = t[-1];
    LLMEM_I_SETP(c->alloc_top, t - 1);
    return o;
}

/* the free buffer is full: its objects go to the spare magazine; a full spare goes to the depot. Only
   free-side state is written here (see llmem_cache). */
LLMEMDEF void llmem_i_cache_free_slow(llmem_cache *c, void *obj) {
    llmem_pool *p = c->pool;
    uint32_t nb, i, done = 0;
    if (p->flags & LLMEM_POOL_HANDOFF) {
        llmem_i_ch_free_slow(c, obj);
        return;
    }
    nb = (uint32_t)(c->free_top - c->free_buf);
    if (!c->spare) c->spare = llmem_i_mag_get(p);
    llmem_i_seq_begin(c);
    while (c->spare && done < nb) {
        uint32_t k = p->mag_cap - c->spare_n;
        if (k > nb - done) k = nb - done;
        memcpy(c->spare + 1 + c->spare_n, c->free_buf + done, (size_t)k * sizeof(void *));
        c->spare_n += k;
        done += k;
        if (c->spare_n == p->mag_cap) { /* hand the full spare to the depot, go on with an empty one */
            void **m;
            LLMEM_I_ADD(c->flushes, 1);
            llmem_i_lock(&p->lock);
            llmem_i_list_push(&p->full, c->spare);
            p->nfull++;
            m = llmem_i_list_pop(&p->empty);
            if (m) p->nempty--;
            llmem_i_unlock(&p->lock);
            c->spare = m ? m : llmem_i_mag_new(p);
            c->spare_n = 0;
        }
    }
    if (done < nb) { /* no memory for a magazine: the rest waits in the depot's loose list */
        llmem_i_lock(&p->lock);
        for (i = done; i < nb; i++) llmem_i_loose_push(p, c->free_buf[i]);
        llmem_i_unlock(&p->lock);
    }
    LLMEM_I_ADD(c->moved, nb);
    c->free_buf[0] = obj;
    LLMEM_I_SETP(c->free_top, &c->free_buf[1]);
    llmem_i_seq_end(c);
}

/* ---- registry: pool ids, per-thread cache blocks, thread exit, fork ---- */
typedef struct llmem_i_tc {
    struct llmem_i_tc *next, *prev;
    llmem_i_reg *reg;
    void *raw;
    llmem_cache *caches;
} llmem_i_tc;
typedef struct llmem_i_tls_ent {
    uint32_t gen, pad;
    llmem_cache *caches;
    llmem_i_tc *tc;
} llmem_i_tls_ent;
typedef struct llmem_i_tls {
    llmem_i_tls_ent ent[LLMEM_MAX_POOLS];
} llmem_i_tls;

static struct {
    int lock;
    int inited;
    uint32_t gen[LLMEM_MAX_POOLS];
    uint32_t next_gen; /* generations are unique across ids: a stale (pool address, gen) never matches */
    uint64_t next_key;
    llmem_i_reg *reg[LLMEM_MAX_POOLS];
#if LLMEM_I_LINUX
    pthread_key_t key;
#else
    DWORD fls;
#endif
} llmem_i_g;
static __thread llmem_i_tls *llmem_i_tls_cur;
/* one-entry memo of the last registration used by this thread: the common case of one hot pool */
#define LLMEM_I_NO_KEY (~(uint64_t)0) /* never a registration's key (a destroyed pool's key is 0) */
static __thread uint64_t llmem_i_last_key = LLMEM_I_NO_KEY;
static __thread llmem_cache *llmem_i_last_caches;
#define LLMEM_I_MEMO_HIT(r) LLMEM_LIKELY(llmem_i_last_key == (r)->key)

static void llmem_i_tls_release(llmem_i_tls *t) {
    uint32_t id, k;
    llmem_i_lock(&llmem_i_g.lock);
    for (id = 0; id < LLMEM_MAX_POOLS; id++) {
        llmem_i_tls_ent *e = &t->ent[id];
        llmem_i_reg *r = llmem_i_g.reg[id];
        llmem_i_tc *tc = e->tc;
        if (!e->gen || !r || llmem_i_g.gen[id] != e->gen || !tc) continue;
        for (k = 0; k < r->nclasses; k++) {
            llmem_pool *p = &r->classes[k];
            llmem_i_lock(&p->lock);
            llmem_i_cache_drain(&tc->caches[k], 1);
            llmem_i_unlock(&p->lock);
        }
        if (tc->prev) tc->prev->next = tc->next;
        else r->tcs = tc->next;
        if (tc->next) tc->next->prev = tc->prev;
        LLMEM_FREE(NULL, tc->raw);
        e->gen = 0;
    }
    llmem_i_unlock(&llmem_i_g.lock);
    LLMEM_FREE(NULL, t);
}

#if LLMEM_I_LINUX
static void llmem_i_tls_dtor(void *v) {
    llmem_i_tls_cur = NULL;
    llmem_i_last_key = LLMEM_I_NO_KEY;
    if (v) llmem_i_tls_release(((llmem_i_tls *)v));
}
static void llmem_i_fork_prepare(void) {
    uint32_t id, k;
    llmem_i_lock(&llmem_i_g.lock);
    for (id = 0; id < LLMEM_MAX_POOLS; id++)
        if (llmem_i_g.reg[id])
            for (k = 0; k < llmem_i_g.reg[id]->nclasses; k++) llmem_i_lock(&llmem_i_g.reg[id]->classes[k].lock);
}
static void llmem_i_fork_release(void) {
    uint32_t id, k;
    for (id = 0; id < LLMEM_MAX_POOLS; id++)
        if (llmem_i_g.reg[id])
            for (k = 0; k < llmem_i_g.reg[id]->nclasses; k++) llmem_i_unlock(&llmem_i_g.reg[id]->classes[k].lock);
    llmem_i_unlock(&llmem_i_g.lock);
}
/* in the child, threads that were inside a slow path are gone: close their seqcounts so that
   llmem_pool_stats does not wait for them */
static void llmem_i_fork_child(void) {
    uint32_t id, k;
    for (id = 0; id < LLMEM_MAX_POOLS; id++) {
        llmem_i_tc *tc;
        if (!llmem_i_g.reg[id]) continue;
        for (tc = (llmem_i_tc *)llmem_i_g.reg[id]->tcs; tc; tc = tc->next)
            for (k = 0; k < llmem_i_g.reg[id]->nclasses; k++)
                if (tc->caches[k].seq & 1u) tc->caches[k].seq++;
    }
    llmem_i_fork_release();
}
#else
static void WINAPI llmem_i_fls_cb(void *v) {
    if (v) {
        llmem_i_tls_cur = NULL;
        llmem_i_last_key = LLMEM_I_NO_KEY;
        llmem_i_tls_release(((llmem_i_tls *)v));
    }
}
#endif

static int llmem_i_register(llmem_i_reg *r) {
    uint32_t id;
    llmem_i_lock(&llmem_i_g.lock);
    if (!llmem_i_g.inited) {
#if LLMEM_I_LINUX
        if (pthread_key_create(&llmem_i_g.key, llmem_i_tls_dtor) != 0) {
            llmem_i_unlock(&llmem_i_g.lock);
            return LLMEM_EAGAIN;
        }
        pthread_atfork(llmem_i_fork_prepare, llmem_i_fork_release, llmem_i_fork_child);
#else
        llmem_i_g.fls = FlsAlloc(llmem_i_fls_cb);
        if (llmem_i_g.fls == FLS_OUT_OF_INDEXES) {
            llmem_i_unlock(&llmem_i_g.lock);
            return LLMEM_EAGAIN;
        }
#endif
        llmem_i_g.inited = 1;
    }
    for (id = 0; id < LLMEM_MAX_POOLS; id++) {
        if (!llmem_i_g.reg[id]) {
            llmem_i_g.reg[id] = r;
            if (++llmem_i_g.next_gen == 0) llmem_i_g.next_gen = 1;
            llmem_i_g.gen[id] = llmem_i_g.next_gen;
            r->id = id;
            r->gen = llmem_i_g.gen[id];
            r->key = ++llmem_i_g.next_key;
            r->tcs = NULL;
            llmem_i_unlock(&llmem_i_g.lock);
            return LLMEM_OK;
        }
    }
    llmem_i_unlock(&llmem_i_g.lock);
    return LLMEM_ENOSPC;
}

/* forget r: its thread caches are freed (their objects live in slabs the caller frees next) */
static void llmem_i_unregister(llmem_i_reg *r) {
    llmem_i_tc *tc;
    uint32_t k;
    llmem_i_lock(&llmem_i_g.lock);
    if (r->id < LLMEM_MAX_POOLS && llmem_i_g.reg[r->id] == r) {
        llmem_i_g.reg[r->id] = NULL;
        if (++llmem_i_g.next_gen == 0) llmem_i_g.next_gen = 1;
        llmem_i_g.gen[r->id] = llmem_i_g.next_gen;
    }
    tc = ((llmem_i_tc *)r->tcs);
    r->tcs = NULL;
    llmem_i_unlock(&llmem_i_g.lock);
    while (tc) {
        llmem_i_tc *next = tc->next;
        for (k = 0; k < r->nclasses; k++) {
            LLMEM_FREE(NULL, tc->caches[k].mag);
            LLMEM_FREE(NULL, tc->caches[k].spare);
        }
        LLMEM_FREE(NULL, tc->raw);
        tc = next;
    }
}

/* the free buffer's window: 32 objects, down to 8 for objects above 8 KiB so that the objects a hot
   loop cycles through stay within 256 KiB (an L2 cache); never more than a magazine. Measured (Zen 3):
   a hot loop that fills whole 4 KiB objects costs the same with a 32-object window as with LIFO reuse,
   while every window refill is a slow-path call (8 objects: +1.5 ns per pair at 4 KiB). */
static uint32_t llmem_i_free_window(const llmem_pool *p) {
    size_t w = 262144u / p->stride;
    if (w > LLMEM_I_FREE_MAX) w = LLMEM_I_FREE_MAX;
    if (w < 8) w = 8;
    if (w > p->mag_cap) w = p->mag_cap;
    return (uint32_t)w;
}
static llmem_cache *llmem_i_caches_slow(llmem_i_reg *r) {
    llmem_i_tls *t = llmem_i_tls_cur;
    llmem_i_tc *tc;
    size_t hdr = llmem_i_round_up(sizeof(llmem_i_tc), LLMEM_CACHE_LINE), bytes;
    unsigned char *raw, *base;
    uint32_t k;
    if (!t) {
        t = ((llmem_i_tls *)(LLMEM_MALLOC(NULL, sizeof(llmem_i_tls))));
        if (!t) return NULL;
        memset(t, 0, sizeof *t);
        llmem_i_tls_cur = t;
#if LLMEM_I_LINUX
        pthread_setspecific(llmem_i_g.key, t);
#else
        FlsSetValue(llmem_i_g.fls, t);
#endif
    }
    bytes = LLMEM_CACHE_LINE + hdr + sizeof(llmem_cache) * r->nclasses;
    raw = ((unsigned char *)(LLMEM_MALLOC(NULL, bytes)));
    if (!raw) return NULL;
    memset(raw, 0, bytes);
    base = ((unsigned char *)(llmem_i_ptr((llmem_i_addr(raw) + LLMEM_CACHE_LINE - 1) &
                                                      ~((uintptr_t)(LLMEM_CACHE_LINE - 1)))));
    tc = ((llmem_i_tc *)(((void *)base)));
    tc->raw = raw;
    tc->reg = r;
    tc->caches = ((llmem_cache *)(((void *)(base + hdr))));
    for (k = 0; k < r->nclasses; k++) {
        llmem_cache *c = &tc->caches[k];
        llmem_pool *p = &r->classes[k];
        c->pool = p;
        c->cls = k;
        if (p->flags & LLMEM_POOL_HANDOFF) {
            c->cap = p->mag_cap;
        } else {
            c->window = llmem_i_free_window(p);
            c->free_top = c->free_buf;
            c->free_end = c->free_buf + c->window;
        }

    }
    llmem_i_lock(&llmem_i_g.lock);
    if (llmem_i_g.reg[r->id] != r || llmem_i_g.gen[r->id] != r->gen) {
        llmem_i_unlock(&llmem_i_g.lock);
        LLMEM_FREE(NULL, raw);
        return NULL;
    }
    tc->next = ((llmem_i_tc *)r->tcs);
    if (tc->next) tc->next->prev = tc;
    r->tcs = tc;
    llmem_i_unlock(&llmem_i_g.lock);
    t->ent[r->id].gen = r->gen;
    t->ent[r->id].caches = tc->caches;
    t->ent[r->id].tc = tc;
    return tc->caches;
}

static llmem_cache *llmem_i_caches_ent(llmem_i_reg *r) {
    llmem_i_tls *t = llmem_i_tls_cur;
    llmem_cache *c;
    if (LLMEM_LIKELY(t != NULL) && LLMEM_LIKELY(t->ent[r->id].gen == r->gen)) c = t->ent[r->id].caches;
    else c = llmem_i_caches_slow(r);
    if (c) {
        llmem_i_last_key = r->key;
        llmem_i_last_caches = c;
    }
    return c;
}
/* the calling thread's caches for r: memo, then the per-thread table, then creation (NULL on OOM) */
static inline llmem_cache *llmem_i_caches(llmem_i_reg *r) {
    if (LLMEM_I_MEMO_HIT(r)) return llmem_i_last_caches;
    return llmem_i_caches_ent(r);
}

LLMEMDEF void llmem_thread_exit(void) {
    llmem_i_tls *t = llmem_i_tls_cur;
    if (!t) return;
    llmem_i_tls_cur = NULL;
    llmem_i_last_key = LLMEM_I_NO_KEY;
#if LLMEM_I_LINUX
    pthread_setspecific(llmem_i_g.key, NULL);
#else
    FlsSetValue(llmem_i_g.fls, NULL);
#endif
    llmem_i_tls_release(t);
}

LLMEMDEF llmem_cache *llmem_pool_cache(llmem_pool *p) { return llmem_i_caches(p->reg); }

LLMEMDEF void *llmem_pool_alloc(llmem_pool *p) {
    llmem_cache *c;
    if (LLMEM_I_MEMO_HIT(&p->own_reg)) return llmem_cache_alloc(llmem_i_last_caches);
    c = llmem_i_caches_ent(&p->own_reg);
    return c ? llmem_cache_alloc(c) : NULL;
}

static void llmem_i_free_nocache(llmem_pool *p, void *obj) {
    llmem_i_lock(&p->lock);
    llmem_i_loose_push(p, obj);
    p->retired.frees++;
    llmem_i_unlock(&p->lock);
}

LLMEMDEF void llmem_pool_free(llmem_pool *p, void *obj) {
    llmem_cache *c;
    if (LLMEM_UNLIKELY(!obj)) return;
    if (LLMEM_I_MEMO_HIT(&p->own_reg)) {
        llmem_cache_free(llmem_i_last_caches, obj);
        return;
    }
    c = llmem_i_caches_ent(&p->own_reg);
    if (c) llmem_cache_free(c, obj);
    else llmem_i_free_nocache(p, obj);
}

static void llmem_i_reg_flush(llmem_i_reg *r) {
    llmem_i_tls *t = llmem_i_tls_cur;
    uint32_t k;
    if (!t || t->ent[r->id].gen != r->gen) return;
    for (k = 0; k < r->nclasses; k++) {
        llmem_cache *c = &t->ent[r->id].caches[k];
        if (!c->mag && !c->spare && c->free_top == c->free_buf && !c->head && !c->cprev) continue;
        llmem_i_lock(&r->classes[k].lock);
        llmem_i_cache_drain(c, 0);
        llmem_i_unlock(&r->classes[k].lock);
    }
}
LLMEMDEF void llmem_pool_flush(llmem_pool *p) { llmem_i_reg_flush(p->reg); }

/* another thread's cache counts, read between its slow-path moves (seqcount); adds them to st */
static void llmem_i_cache_read(llmem_cache *c, llmem_stats *st) {
    uint64_t a = 0, f = 0;
    int tries;
    if (__atomic_load_n(&c->cap, __ATOMIC_RELAXED)) { /* chain caches count every operation */
        a = __atomic_load_n(&c->allocs, __ATOMIC_RELAXED);
        f = __atomic_load_n(&c->frees, __ATOMIC_RELAXED);
    } else {
        for (tries = 0;; tries++) { /* the owner finishes its slow path soon (it holds no lock we hold) */
            uint32_t s1 = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE), s2;
            void **at, **ab, **ft;
            uint64_t taken, returned, moved;
            if (s1 & 1u) {
                if ((tries & 63) == 63) llmem_i_yield();
                else llmem_cpu_relax();
                continue;
            }
            taken = __atomic_load_n(&c->taken, __ATOMIC_RELAXED);
            returned = __atomic_load_n(&c->returned, __ATOMIC_RELAXED);
            moved = __atomic_load_n(&c->moved, __ATOMIC_RELAXED);
            at = __atomic_load_n(&c->alloc_top, __ATOMIC_RELAXED);
            ab = __atomic_load_n(&c->alloc_base, __ATOMIC_RELAXED);
            ft = __atomic_load_n(&c->free_top, __ATOMIC_RELAXED);
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            s2 = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
            a = taken - returned - (uint64_t)(at - ab);
            f = moved + (uint64_t)(ft - c->free_buf);
            if (s1 == s2) break;
        }
    }
    st->allocs += a;
    st->frees += f;
    st->misses += __atomic_load_n(&c->misses, __ATOMIC_RELAXED);
    st->refills += __atomic_load_n(&c->refills, __ATOMIC_RELAXED);
    st->flushes += __atomic_load_n(&c->flushes, __ATOMIC_RELAXED);
}
static void llmem_i_class_stats(llmem_pool *p, uint32_t k, llmem_stats *st) {
    llmem_i_tc *tc;
    llmem_i_reg *r = p->reg;
    llmem_i_zero(st, sizeof *st);
    llmem_i_lock(&llmem_i_g.lock);
    for (tc = ((llmem_i_tc *)r->tcs); tc; tc = tc->next) llmem_i_cache_read(&tc->caches[k], st);
    llmem_i_lock(&p->lock);
    st->allocs += p->retired.allocs;
    st->frees += p->retired.frees;
    st->misses += p->retired.misses;
    st->refills += p->retired.refills;
    st->flushes += p->retired.flushes;
    st->bytes_held = p->bytes_held;
    st->slabs = p->nslabs;
    st->depot_objects = p->nfull * p->mag_cap + p->nloose;
    llmem_i_unlock(&p->lock);
    llmem_i_unlock(&llmem_i_g.lock);
    st->hits = st->allocs >= st->misses ? st->allocs - st->misses : 0;
    st->live = st->allocs - st->frees;
}
LLMEMDEF void llmem_pool_stats(llmem_pool *p, llmem_stats *st) { llmem_i_class_stats(p, 0, st); }

static llmem_i_slab *llmem_i_slab_of(llmem_pool *p, void *obj) {
    llmem_i_slab *h;
    uintptr_t a = llmem_i_addr(obj);
    for (h = p->slabs; h; h = h->next)
        if (h->external && a >= llmem_i_addr(h) && a < llmem_i_addr(h) + h->bytes) return h;
    return ((llmem_i_slab *)(llmem_i_ptr(a & ~((uintptr_t)(p->slab_bytes - 1)))));
}

/* LLMEM_POOL_HANDOFF pools: release slabs whose every carved object is back in the depot */
static llmem_i_slab *llmem_i_slab_of(llmem_pool *p, void *obj);
static size_t llmem_i_ch_trim(llmem_pool *p) {
    llmem_i_slab *h, **link;
    void *b, *o, *keep = NULL;
    uint64_t nkeep = 0;
    uint32_t i;
    size_t released = 0;
    int any = 0;
    llmem_i_lock(&p->lock);
    for (h = p->slabs; h; h = h->next)
        if (!h->external) h->tmp = 0;
    for (b = p->full; b; b = LLMEM_I_BLINK(b))
        for (o = b, i = 0; i < p->mag_cap && o; i++, o = LLMEM_I_NEXT(o)) {
            h = llmem_i_slab_of(p, o);
            if (!h->external) h->tmp++;
        }
    for (o = p->loose; o; o = LLMEM_I_NEXT(o)) {
        h = llmem_i_slab_of(p, o);
        if (!h->external) h->tmp++;
    }
    for (h = p->slabs; h; h = h->next)
        if (!h->external && h->tmp == h->carved) {
            h->tmp = ~0ull; /* doomed */
            any = 1;
        }
    if (any) {
        /* gather the survivors, then cut them into batches again */
        void *bl = p->full;
        while (bl) {
            void *nb = LLMEM_I_BLINK(bl);
            for (o = bl, i = 0; i < p->mag_cap && o; i++) {
                void *next = LLMEM_I_NEXT(o);
                if (llmem_i_slab_of(p, o)->tmp != ~0ull) {
                    LLMEM_I_NEXT(o) = keep;
                    keep = o;
                    nkeep++;
                }
                o = next;
            }
            bl = nb;
        }
        for (o = p->loose; o;) {
            void *next = LLMEM_I_NEXT(o);
            if (llmem_i_slab_of(p, o)->tmp != ~0ull) {
                LLMEM_I_NEXT(o) = keep;
                keep = o;
                nkeep++;
            }
            o = next;
        }
        p->full = p->loose = NULL;
        p->nfull = p->nloose = 0;
        while (nkeep >= p->mag_cap) {
            void *head = keep, *tail = keep;
            for (i = 1; i < p->mag_cap; i++) tail = LLMEM_I_NEXT(tail);
            keep = LLMEM_I_NEXT(tail);
            LLMEM_I_NEXT(tail) = NULL;
            llmem_i_ch_push(p, head);
            nkeep -= p->mag_cap;
        }
        p->loose = keep;
        p->nloose = nkeep;
        link = &p->slabs;
        while (*link) {
            h = *link;
            if (!h->external && h->tmp == ~0ull) {
                *link = h->next;
                if (p->cur == h) {
                    p->cur = NULL;
                    p->bump = p->bump_end = NULL;
                }
                p->bytes_held -= h->bytes;
                p->nslabs--;
                released += h->bytes;
                llmem_i_unmap(h, h->bytes);
            } else {
                link = &h->next;
            }
        }
    }
    llmem_i_unlock(&p->lock);
    return released;
}

/* release slabs whose every carved object sits in the depot; takes the depot lock */
static size_t llmem_i_pool_trim(llmem_pool *p) {
    llmem_i_slab *h, **link;
    void **m, **wm, **wlink, *free_mags = NULL, *o, **olink;
    uint32_t i, wi = 0;
    uint64_t nfull = 0;
    size_t released = 0;
    int any = 0;
    if (p->flags & LLMEM_POOL_HANDOFF) return llmem_i_ch_trim(p);
    llmem_i_lock(&p->lock);
    for (h = p->slabs; h; h = h->next) h->tmp = h->external ? h->tmp : 0;
    for (m = ((void **)p->full); m; m = ((void **)(m[0])))
        for (i = 0; i < p->mag_cap; i++) {
            h = llmem_i_slab_of(p, m[1 + i]);
            if (!h->external) h->tmp++;
        }
    for (o = p->loose; o; o = *((void **)o)) {
        h = llmem_i_slab_of(p, o);
        if (!h->external) h->tmp++;
    }
    for (h = p->slabs; h; h = h->next)
        if (!h->external && h->tmp == h->carved) {
            h->tmp = ~0ull; /* doomed */
            any = 1;
        }
    if (any) {
        /* compact the survivors of the full magazines to the front */
        wlink = &p->full;
        wm = ((void **)p->full);
        for (m = ((void **)p->full); m; m = ((void **)(m[0])))
            for (i = 0; i < p->mag_cap; i++) {
                void *x = m[1 + i];
                if (llmem_i_slab_of(p, x)->tmp == ~0ull) continue;
                wm[1 + wi++] = x;
                if (wi == p->mag_cap) {
                    nfull++;
                    wlink = wm;
                    wm = ((void **)(wm[0]));
                    wi = 0;
                }
            }
        m = ((void **)(*wlink));
        *wlink = NULL;
        p->nfull = nfull;
        /* the partly filled magazine's objects become loose; the rest of the magazines are freed */
        if (m) {
            for (i = 0; i < wi; i++) llmem_i_loose_push(p, m[1 + i]);
        }
        while (m) {
            void **next = ((void **)(m[0]));
            llmem_i_list_push(&free_mags, m);
            m = next;
        }
        olink = &p->loose;
        while (*olink) {
            o = *olink;
            if (llmem_i_slab_of(p, o)->tmp == ~0ull) {
                *olink = *((void **)o);
                p->nloose--;
            } else {
                olink = ((void **)o);
            }
        }
        link = &p->slabs;
        while (*link) {
            h = *link;
            if (!h->external && h->tmp == ~0ull) {
                *link = h->next;
                if (p->cur == h) {
                    p->cur = NULL;
                    p->bump = p->bump_end = NULL;
                }
                p->bytes_held -= h->bytes;
                p->nslabs--;
                released += h->bytes;
                llmem_i_unmap(h, h->bytes);
            } else {
                link = &h->next;
            }
        }
    }
    while (p->empty) {
        llmem_i_list_push(&free_mags, llmem_i_list_pop(&p->empty));
        p->nempty--;
    }
    llmem_i_unlock(&p->lock);
    while (free_mags) LLMEM_FREE(NULL, llmem_i_list_pop(&free_mags));
    return released;
}

LLMEMDEF size_t llmem_pool_trim(llmem_pool *p) {
    llmem_pool_flush(p);
    return llmem_i_pool_trim(p);
}

static void llmem_i_pool_release(llmem_pool *p) {
    llmem_i_slab *h = p->slabs;
    void *m;
    if (!(p->flags & LLMEM_POOL_HANDOFF)) { /* handoff pools hold chains of objects, no arrays */
        while ((m = llmem_i_list_pop(&p->full)) != NULL) LLMEM_FREE(NULL, m);
        while ((m = llmem_i_list_pop(&p->empty)) != NULL) LLMEM_FREE(NULL, m);
    }
    while (h) {
        llmem_i_slab *next = h->next;
        if (!h->external) llmem_i_unmap(h, h->bytes);
        h = next;
    }
    p->slabs = NULL;
}

LLMEMDEF void llmem_pool_destroy(llmem_pool *p) {
    if (!p) return;
    llmem_i_unregister(p->reg);
    llmem_i_pool_release(p);
    llmem_i_zero(p, sizeof *p);
}

/* ================================ size classes ================================ */
LLMEMDEF size_t llmem_sc_class_size(unsigned k) {
    unsigned e, j;
    if (k == 0) return 64;
    if (k >= LLMEM_SC_CLASSES) return 0;
    e = 6u + (k - 1u) / 4u;
    j = (k - 1u) % 4u + 1u;
    return (((size_t)1) << e) + ((size_t)j) * (((size_t)1) << (e - 2u));
}

LLMEMDEF int llmem_sc_init(llmem_sc *s, unsigned flags, int node) {
    unsigned k;
    if (!s) return LLMEM_EINVAL;
    if (node < -1 || node >= 64) return LLMEM_ENODEV;
    llmem_i_zero(s, sizeof *s);
    s->flags = flags & ~LLMEM_POOL_NO_GROW;
    s->node = node;
    for (k = 0; k < LLMEM_SC_CLASSES; k++) {
        size_t sz = llmem_sc_class_size(k), p2 = llmem_i_pow2_ceil(sz), m = (2048u * 1024u) / sz;
        size_t first = p2 < 64 ? 64 : (p2 > 4096 ? 4096 : p2);
        uint32_t mag = ((uint32_t)(m > 256 ? 256 : (m < 4 ? 4 : m)));
        llmem_i_pool_setup(&s->cls[k], sz, sz, first, 16, mag, LLMEM_SC_SEGMENT, s->flags, node);
        s->cls[k].cls = k;
        s->cls[k].reg = &s->reg;
    }
    s->reg.nclasses = LLMEM_SC_CLASSES;
    s->reg.classes = s->cls;
    return llmem_i_register(&s->reg);
}

LLMEMDEF void llmem_sc_destroy(llmem_sc *s) {
    unsigned k;
    if (!s) return;
    llmem_i_unregister(&s->reg);
    for (k = 0; k < LLMEM_SC_CLASSES; k++) llmem_i_pool_release(&s->cls[k]);
    llmem_i_zero(s, sizeof *s);
}

static void *llmem_i_large_alloc(llmem_sc *s, size_t size) {
    size_t bytes;
    llmem_i_slab *h;
    if (size > (SIZE_MAX >> 2)) return NULL;
    bytes = llmem_i_round_up(size + 4096u, llmem_page_size());
    h = ((llmem_i_slab *)(llmem_i_os_alloc_aligned(bytes, LLMEM_SC_SEGMENT, s->flags, s->node)));
    if (!h) return NULL;
    h->tag = LLMEM_I_LARGE_MAGIC;
    h->bytes = bytes;
    h->pool = NULL;
    __atomic_fetch_add(&s->large_allocs, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&s->large_bytes, bytes, __ATOMIC_RELAXED);
    return ((unsigned char *)(((void *)h))) + 4096;
}

__attribute__((noinline)) static void *llmem_i_sc_alloc_slow(llmem_sc *s, size_t size) {
    llmem_cache *c;
    if (size > LLMEM_SC_MAX) return llmem_i_large_alloc(s, size);
    c = llmem_i_caches(&s->reg);
    return c ? llmem_cache_alloc(c + llmem_sc_class(size)) : NULL;
}

LLMEMDEF void *llmem_sc_alloc(llmem_sc *s, size_t size) {
    if (LLMEM_LIKELY(size <= LLMEM_SC_MAX) && LLMEM_I_MEMO_HIT(&s->reg))
        return llmem_cache_alloc(llmem_i_last_caches + llmem_sc_class(size));
    return llmem_i_sc_alloc_slow(s, size);
}

__attribute__((noinline)) static void llmem_i_sc_free_slow(llmem_sc *s, void *p, llmem_i_slab *h) {
    llmem_cache *c;
    if (h->tag == LLMEM_I_LARGE_MAGIC) {
        __atomic_fetch_add(&s->large_frees, 1, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&s->large_bytes, h->bytes, __ATOMIC_RELAXED);
        llmem_i_unmap(h, h->bytes);
        return;
    }
    LLMEM_ASSERT((h->tag >> 32) == LLMEM_I_SC_MAGIC && h->cls < LLMEM_SC_CLASSES);
    c = llmem_i_caches(&s->reg);
    if (c) llmem_cache_free(c + h->cls, p);
    else llmem_i_free_nocache(&s->cls[h->cls], p);
}

LLMEMDEF void llmem_sc_free(llmem_sc *s, void *p) {
    llmem_i_slab *h;
    uint64_t w;
    if (LLMEM_UNLIKELY(!p)) return;
    h = ((llmem_i_slab *)(llmem_i_ptr(llmem_i_addr(p) & ~((uintptr_t)(LLMEM_SC_SEGMENT - 1)))));
    w = h->tag;
    if (LLMEM_LIKELY((w >> 32) == LLMEM_I_SC_MAGIC) && LLMEM_I_MEMO_HIT(&s->reg)) {
        llmem_cache_free((llmem_cache *)(void *)((unsigned char *)llmem_i_last_caches + (uint32_t)w), p);
        return;
    }
    llmem_i_sc_free_slow(s, p, h);
}

LLMEMDEF void llmem_sc_free_sized(llmem_sc *s, void *p, size_t size) {
    if (LLMEM_UNLIKELY(!p)) return;
    if (LLMEM_LIKELY(size <= LLMEM_SC_MAX) && LLMEM_I_MEMO_HIT(&s->reg)) {
        llmem_cache_free(llmem_i_last_caches + llmem_sc_class(size), p);
        return;
    }
    llmem_sc_free(s, p);
}

LLMEMDEF void llmem_sc_flush(llmem_sc *s) { llmem_i_reg_flush(&s->reg); }

LLMEMDEF size_t llmem_sc_trim(llmem_sc *s) {
    size_t r = 0;
    unsigned k;
    llmem_i_reg_flush(&s->reg);
    for (k = 0; k < LLMEM_SC_CLASSES; k++) r += llmem_i_pool_trim(&s->cls[k]);
    return r;
}

LLMEMDEF void llmem_sc_stats(llmem_sc *s, llmem_stats *total, llmem_stats *per_class) {
    unsigned k;
    llmem_stats st;
    if (total) llmem_i_zero(total, sizeof *total);
    for (k = 0; k < LLMEM_SC_CLASSES; k++) {
        llmem_i_class_stats(&s->cls[k], k, &st);
        if (per_class) per_class[k] = st;
        if (total) {
            total->allocs += st.allocs;
            total->frees += st.frees;
            total->hits += st.hits;
            total->misses += st.misses;
            total->refills += st.refills;
            total->flushes += st.flushes;
            total->live += st.live;
            total->bytes_held += st.bytes_held;
            total->slabs += st.slabs;
            total->depot_objects += st.depot_objects;
        }
    }
    if (total) {
        total->large_allocs = __atomic_load_n(&s->large_allocs, __ATOMIC_RELAXED);
        total->large_frees = __atomic_load_n(&s->large_frees, __ATOMIC_RELAXED);
        total->large_bytes = __atomic_load_n(&s->large_bytes, __ATOMIC_RELAXED);
    }
}
#endif /* LLMEM_I_MT */

/* ================================ pages ================================ */
#if LLMEM_I_MT
static unsigned llmem_i_fail_mask;
LLMEMDEF unsigned llmem_pages_debug_fail(unsigned tiers) {
    unsigned o = llmem_i_fail_mask;
    llmem_i_fail_mask = tiers;
    return o;
}

LLMEMDEF const char *llmem_tier_name(int tier) {
    switch (tier) {
    case LLMEM_TIER_4K: return "4k";
    case LLMEM_TIER_THP: return "thp";
    case LLMEM_TIER_2M: return "hugetlb-2m";
    case LLMEM_TIER_1G: return "hugetlb-1g";
    case LLMEM_TIER_LARGE: return "large-pages";
    default: return "none";
    }
}

static int llmem_i_populate(void *p, size_t len, int write, unsigned flags, int *method) {
    volatile unsigned char *c = ((volatile unsigned char *)p);
    size_t i, step = llmem_page_size();
#if LLMEM_I_LINUX
    if (!(flags & LLMEM_PAGE_TOUCH)) {
        if (madvise(p, len, write ? LLMEM_I_MADV_POPULATE_WRITE : LLMEM_I_MADV_POPULATE_READ) == 0) {
            *method = LLMEM_PREFAULT_MADVISE;
            return LLMEM_OK;
        }
        if (errno != EINVAL && errno != ENOSYS) return -errno; /* ENOMEM/EFAULT/EHWPOISON: shortage */
    }
#else
    (void)flags;
#endif
    for (i = 0; i < len; i += step) {
        if (write) c[i] = c[i];
        else (void)c[i];
    }
    *method = LLMEM_PREFAULT_TOUCH;
    return LLMEM_OK;
}

static int llmem_i_numa_check(int mode, uint64_t nodes);

LLMEMDEF int llmem_pages_alloc(llmem_pages *pg, size_t size, unsigned flags) {
    return llmem_pages_alloc_numa(pg, size, flags, LLMEM_NUMA_DEFAULT, 0);
}

#if LLMEM_I_LINUX
static int llmem_i_read_file(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY | LLMEM_I_O_CLOEXEC);
    ssize_t n;
    if (fd < 0) return -errno;
    n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0) return LLMEM_EIO;
    buf[n] = 0;
    return ((int)n);
}

static int llmem_i_thp_ok(void) {
    static int state = -1;
    if (state < 0) {
        char b[128];
        state = llmem_i_read_file("/sys/kernel/mm/transparent_hugepage/enabled", b, sizeof b) > 0 &&
                !strstr(b, "[never]");
    }
    return state;
}

static int llmem_i_try_tier(llmem_pages *pg, size_t size, int tier, unsigned flags, int mode, uint64_t nodes) {
    size_t psz = llmem_page_size(), len;
    int extra = 0, e, method = LLMEM_PREFAULT_NONE, in_map = 0;
    unsigned bit = 0;
    void *p;
    switch (tier) {
    case LLMEM_TIER_1G:
        psz = ((size_t)1) << 30;
        extra = LLMEM_I_MAP_HUGETLB | (30 << LLMEM_I_MAP_HUGE_SHIFT);
        bit = LLMEM_PAGE_1G;
        break;
    case LLMEM_TIER_2M:
        psz = ((size_t)1) << 21;
        extra = LLMEM_I_MAP_HUGETLB | (21 << LLMEM_I_MAP_HUGE_SHIFT);
        bit = LLMEM_PAGE_2M;
        break;
    case LLMEM_TIER_THP:
        psz = ((size_t)1) << 21;
        bit = LLMEM_PAGE_THP;
        break;
    default: break;
    }
    if (llmem_i_fail_mask & bit) return LLMEM_ENOMEM;
    if (size > SIZE_MAX - 2 * psz) return LLMEM_ENOMEM;
    len = llmem_i_round_up(size, psz);
    pg->map_size = len;
    if (tier == LLMEM_TIER_THP) {
        unsigned char *raw = ((unsigned char *)(llmem_i_mmap(len + psz, 0)));
        uintptr_t s;
        if (!raw) return -errno;
        s = (llmem_i_addr(raw) + psz - 1) & ~((uintptr_t)(psz - 1));
        if (s > llmem_i_addr(raw)) munmap(raw, s - llmem_i_addr(raw));
        if (s + len < llmem_i_addr(raw) + len + psz) munmap(llmem_i_ptr(s + len), llmem_i_addr(raw) + psz - s);
        p = llmem_i_ptr(s);
        if (madvise(p, len, LLMEM_I_MADV_HUGEPAGE) != 0) {
            e = -errno;
            munmap(p, len);
            return e;
        }
    } else if (extra) {
        in_map = mode == LLMEM_NUMA_DEFAULT && !(flags & LLMEM_PAGE_TOUCH);
        /* a private hugetlb mapping reserves its pages at mmap: shortage fails here, not with SIGBUS */
        p = llmem_i_mmap(len, extra | (in_map ? LLMEM_I_MAP_POPULATE : 0));
        if (!p) return -errno;
    } else {
        p = llmem_i_mmap(len, 0);
        if (!p) return -errno;
    }
    if (mode != LLMEM_NUMA_DEFAULT && (e = llmem_i_numa_apply(p, len, mode, nodes)) != 0) {
        munmap(p, len);
        return e;
    }
    if (in_map) {
        method = LLMEM_PREFAULT_MAP;
    } else if (extra || (flags & LLMEM_PAGE_PREFAULT)) {
        e = llmem_i_populate(p, len, 1, flags, &method);
        if (e) {
            munmap(p, len);
            return e;
        }
    }
    pg->addr = pg->map_addr = p;
    pg->size = len;
    pg->tier = tier;
    pg->prefault = method;
    pg->numa_mode = mode;
    return LLMEM_OK;
}

LLMEMDEF int llmem_pages_alloc_numa(llmem_pages *pg, size_t size, unsigned flags, int mode, uint64_t nodes) {
    unsigned tiers = flags & LLMEM_PAGE_ANY;
    int err = LLMEM_ENOMEM, e;
    const size_t g1 = ((size_t)1) << 30, m2 = ((size_t)1) << 21;
    if (!pg) return LLMEM_EINVAL;
    llmem_i_zero(pg, sizeof *pg);
    pg->fd = -1;
    pg->flags = flags;
    if (!size) return LLMEM_EINVAL;
    if ((e = llmem_i_numa_check(mode, nodes)) != 0) return e;
    if (!tiers) tiers = LLMEM_PAGE_ANY;
    if ((tiers & LLMEM_PAGE_1G) && size >= g1) {
        if ((e = llmem_i_try_tier(pg, size, LLMEM_TIER_1G, flags, mode, nodes)) == 0) goto got;
        err = e;
    }
    if ((tiers & LLMEM_PAGE_2M) && size >= m2) {
        if ((e = llmem_i_try_tier(pg, size, LLMEM_TIER_2M, flags, mode, nodes)) == 0) goto got;
        err = e;
    }
    if ((tiers & LLMEM_PAGE_THP) && size >= m2 && llmem_i_thp_ok()) {
        if ((e = llmem_i_try_tier(pg, size, LLMEM_TIER_THP, flags, mode, nodes)) == 0) goto got;
        err = e;
    }
    if (tiers & LLMEM_PAGE_4K) {
        if ((e = llmem_i_try_tier(pg, size, LLMEM_TIER_4K, flags, mode, nodes)) == 0) goto got;
        err = e;
    }
    llmem_i_zero(pg, sizeof *pg);
    pg->fd = -1;
    return err;
got:
    if (flags & LLMEM_PAGE_LOCK) {
        if (mlock(pg->addr, pg->size) != 0) {
            e = -errno;
            munmap(pg->map_addr, pg->map_size);
            llmem_i_zero(pg, sizeof *pg);
            pg->fd = -1;
            return e;
        }
        pg->locked = 1;
    }
    return LLMEM_OK;
}

LLMEMDEF int llmem_file_map(llmem_pages *pg, const char *path, size_t size, unsigned flags) {
    int write = (flags & (LLMEM_FILE_WRITE | LLMEM_FILE_CREATE)) != 0, fd, e, method = LLMEM_PREFAULT_NONE;
    struct stat st;
    struct statfs sf;
    size_t len, psz = llmem_page_size();
    void *p;
    if (!pg) return LLMEM_EINVAL;
    llmem_i_zero(pg, sizeof *pg);
    pg->fd = -1;
    if (!path) return LLMEM_EINVAL;
    fd = open(path, (write ? O_RDWR : O_RDONLY) | ((flags & LLMEM_FILE_CREATE) ? O_CREAT : 0) | LLMEM_I_O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    if (fstat(fd, &st) != 0) goto fail_errno;
    pg->tier = LLMEM_TIER_4K;
    if (fstatfs(fd, &sf) == 0 && ((long)sf.f_type) == LLMEM_I_HUGETLBFS_MAGIC) {
        psz = ((size_t)sf.f_bsize);
        pg->tier = psz >= (((size_t)1) << 30) ? LLMEM_TIER_1G : LLMEM_TIER_2M;
    }
    if (!size) size = ((size_t)st.st_size);
    if (!size) {
        close(fd);
        return LLMEM_EINVAL;
    }
    len = llmem_i_round_up(size, psz);
    if (((uint64_t)st.st_size) < ((uint64_t)size)) {
        /* mapping past the end of a file faults with SIGBUS: extend it, or refuse */
        if (!(flags & LLMEM_FILE_CREATE)) {
            close(fd);
            return LLMEM_EINVAL;
        }
        if (ftruncate(fd, ((off_t)(pg->tier == LLMEM_TIER_4K ? size : len))) != 0) goto fail_errno;
    }
    p = mmap(NULL, len, PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
    if (llmem_i_map_failed(p)) goto fail_errno;
    if (flags & LLMEM_FILE_SEQUENTIAL) madvise(p, len, LLMEM_I_MADV_SEQUENTIAL);
    if (flags & LLMEM_FILE_RANDOM) madvise(p, len, LLMEM_I_MADV_RANDOM);
    if (flags & LLMEM_FILE_WILLNEED) madvise(p, len, LLMEM_I_MADV_WILLNEED);
    if (flags & LLMEM_PAGE_THP) madvise(p, len, LLMEM_I_MADV_HUGEPAGE);
    if ((flags & LLMEM_PAGE_PREFAULT) || pg->tier != LLMEM_TIER_4K) {
        /* prefault only the file's bytes: touching past EOF would SIGBUS */
        size_t plen = llmem_i_round_up(size, llmem_page_size());
        if (plen > len) plen = len;
        if ((e = llmem_i_populate(p, plen, write, flags, &method)) != 0) {
            munmap(p, len);
            close(fd);
            return e;
        }
    }
    if ((flags & LLMEM_PAGE_LOCK) && mlock(p, len) != 0) {
        e = -errno;
        munmap(p, len);
        close(fd);
        return e;
    }
    pg->addr = pg->map_addr = p;
    pg->size = size;
    pg->map_size = len;
    pg->prefault = method;
    pg->locked = (flags & LLMEM_PAGE_LOCK) != 0;
    pg->fd = fd;
    pg->flags = flags;
    return LLMEM_OK;
fail_errno:
    e = -errno;
    close(fd);
    return e;
}

LLMEMDEF int llmem_pages_free(llmem_pages *pg) {
    int r = LLMEM_OK;
    if (!pg) return LLMEM_EINVAL;
    if (pg->map_addr && munmap(pg->map_addr, pg->map_size) != 0) r = -errno;
    if (pg->fd >= 0) close(((int)pg->fd));
    llmem_i_zero(pg, sizeof *pg);
    pg->fd = -1;
    return r;
}

/* ================================ NUMA (Linux) ================================ */
#define LLMEM_I_MAXNODE 65ul /* 64 bits of mask: the kernel reads maxnode - 1 bits */
#define LLMEM_I_MAXCPU 1024
static long llmem_i_mbind(void *a, size_t len, int mode, const unsigned long *mask, unsigned long maxnode,
                          unsigned flags) {
#ifdef LLMEM_USE_LIBNUMA
    return mbind(a, len, mode, mask, maxnode, flags);
#else
    return syscall(LLMEM_I_SYS_MBIND, a, len, mode, mask, maxnode, flags);
#endif
}
static long llmem_i_set_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode) {
#ifdef LLMEM_USE_LIBNUMA
    return set_mempolicy(mode, mask, maxnode);
#else
    return syscall(LLMEM_I_SYS_SET_MEMPOLICY, mode, mask, maxnode);
#endif
}
static long llmem_i_get_mempolicy(int *mode, unsigned long *mask, unsigned long maxnode, void *addr,
                                  unsigned flags) {
#ifdef LLMEM_USE_LIBNUMA
    return get_mempolicy(mode, mask, maxnode, addr, flags);
#else
    return syscall(LLMEM_I_SYS_GET_MEMPOLICY, mode, mask, maxnode, addr, ((unsigned long)flags));
#endif
}
static long llmem_i_move_pages(unsigned long count, void **pages, const int *nodes, int *status, int flags) {
#ifdef LLMEM_USE_LIBNUMA
    return move_pages(0, count, pages, nodes, status, flags);
#else
    return syscall(LLMEM_I_SYS_MOVE_PAGES, 0, count, pages, nodes, status, flags);
#endif
}

LLMEMDEF const char *llmem_numa_backend(void) {
#ifdef LLMEM_USE_LIBNUMA
    return "libnuma";
#else
    return "syscall";
#endif
}

#ifndef LLMEM_USE_LIBNUMA
/* "0-3,5" style lists */
static int llmem_i_list_has(const char *s, int x) {
    while (*s) {
        long a, b;
        char *end;
        while (*s == ',' || *s == ' ' || *s == '\n') s++;
        if (!*s) break;
        a = strtol(s, &end, 10);
        if (end == s) break;
        b = a;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            s = end;
        }
        if (x >= a && x <= b) return 1;
    }
    return 0;
}
static uint64_t llmem_i_list_mask(const char *s) {
    uint64_t m = 0;
    int i;
    for (i = 0; i < 64; i++)
        if (llmem_i_list_has(s, i)) m |= 1ull << i;
    return m;
}
#endif

static uint64_t llmem_i_online_nodes(void) {
    static uint64_t mask;
    if (!mask) {
        uint64_t m = 0;
#ifdef LLMEM_USE_LIBNUMA
        if (numa_available() >= 0) {
            int i, mx = numa_max_node();
            for (i = 0; i <= mx && i < 64; i++)
                if (numa_bitmask_isbitset(numa_nodes_ptr, ((unsigned)i))) m |= 1ull << i;
        }
#else
        char b[256];
        if (llmem_i_read_file("/sys/devices/system/node/online", b, sizeof b) > 0) m = llmem_i_list_mask(b);
#endif
        mask = m ? m : 1;
    }
    return mask;
}

LLMEMDEF int llmem_numa_node_count(void) {
    uint64_t m = llmem_i_online_nodes();
    return 64 - __builtin_clzll(m);
}

LLMEMDEF int llmem_numa_available(void) {
#ifdef LLMEM_USE_LIBNUMA
    return numa_available() >= 0;
#else
    int mode = 0;
    return llmem_i_get_mempolicy(&mode, NULL, 0, NULL, 0) == 0 || errno != ENOSYS;
#endif
}

static int llmem_i_numa_check(int mode, uint64_t nodes) {
    if (mode < LLMEM_NUMA_DEFAULT || mode > LLMEM_NUMA_LOCAL) return LLMEM_EINVAL;
    if (mode == LLMEM_NUMA_DEFAULT || mode == LLMEM_NUMA_LOCAL) return LLMEM_OK;
    if (!nodes) return LLMEM_EINVAL;
    if (nodes & ~llmem_i_online_nodes()) return LLMEM_ENODEV;
    if (mode == LLMEM_NUMA_PREFERRED && (nodes & (nodes - 1))) return LLMEM_EINVAL;
    return LLMEM_OK;
}

LLMEMDEF int llmem_numa_bind(void *addr, size_t len, int mode, uint64_t nodes, unsigned flags) {
    unsigned long mask = ((unsigned long)nodes);
    uintptr_t a = llmem_i_addr(addr) & ~((uintptr_t)(llmem_page_size() - 1));
    unsigned kf = 0;
    int e = llmem_i_numa_check(mode, nodes), plain = mode == LLMEM_NUMA_DEFAULT || mode == LLMEM_NUMA_LOCAL;
    if (e) return e;
    if (!addr || !len) return LLMEM_EINVAL;
    if (flags & LLMEM_NUMA_STRICT) kf |= 1u; /* MPOL_MF_STRICT */
    if (flags & LLMEM_NUMA_MOVE) kf |= 2u;   /* MPOL_MF_MOVE */
    len += llmem_i_addr(addr) - a;
    if (llmem_i_mbind(llmem_i_ptr(a), len, mode, plain ? NULL : &mask, plain ? 0 : LLMEM_I_MAXNODE, kf) != 0)
        return -errno;
    return LLMEM_OK;
}
static int llmem_i_numa_apply(void *addr, size_t len, int mode, uint64_t nodes) {
    return llmem_numa_bind(addr, len, mode, nodes, 0);
}

LLMEMDEF int llmem_numa_set_policy(int mode, uint64_t nodes) {
    unsigned long mask = ((unsigned long)nodes);
    int e = llmem_i_numa_check(mode, nodes), plain = mode == LLMEM_NUMA_DEFAULT || mode == LLMEM_NUMA_LOCAL;
    if (e) return e;
    if (llmem_i_set_mempolicy(mode, plain ? NULL : &mask, plain ? 0 : LLMEM_I_MAXNODE) != 0) return -errno;
    return LLMEM_OK;
}

LLMEMDEF int llmem_numa_get_policy(int *mode, uint64_t *nodes) {
    unsigned long mask[16];
    int m = 0;
    memset(mask, 0, sizeof mask);
    if (llmem_i_get_mempolicy(&m, mask, 16ul * 64ul + 1ul, NULL, 0) != 0) return -errno;
    if (mode) *mode = m;
    if (nodes) *nodes = ((uint64_t)(mask[0]));
    return LLMEM_OK;
}

LLMEMDEF int llmem_numa_node_of_addr(const void *addr) {
    void *pg = llmem_i_ptr(llmem_i_addr(addr) & ~((uintptr_t)(llmem_page_size() - 1)));
    int status = LLMEM_ENOENT;
    if (!addr) return LLMEM_EINVAL;
    if (llmem_i_move_pages(1, &pg, NULL, &status, 0) != 0) return -errno;
    return status;
}

LLMEMDEF long llmem_numa_migrate(void *addr, size_t len, int node) {
    void *pages[256];
    int nodes[256], status[256];
    size_t ps = llmem_page_size(), i, n;
    uintptr_t a = llmem_i_addr(addr) & ~((uintptr_t)(ps - 1)), e;
    long on = 0;
    if (!addr || !len) return LLMEM_EINVAL;
    if (node < 0 || node >= 64 || !(llmem_i_online_nodes() & (1ull << node))) return LLMEM_ENODEV;
    e = llmem_i_addr(addr) + len;
    while (a < e) {
        for (n = 0; n < 256 && a < e; n++, a += ps) {
            pages[n] = llmem_i_ptr(a);
            nodes[n] = node;
            status[n] = LLMEM_ENOENT;
        }
        if (llmem_i_move_pages(n, pages, nodes, status, 2 /* MPOL_MF_MOVE */) < 0) return -errno;
        for (i = 0; i < n; i++) on += status[i] == node;
    }
    return on;
}

LLMEMDEF int llmem_numa_node_bytes(const void *addr, size_t len, uint64_t *per_node, int nnodes) {
    void *pages[256];
    int status[256], k, resident = 0;
    size_t ps = llmem_page_size(), i, n;
    uintptr_t a = llmem_i_addr(addr) & ~((uintptr_t)(ps - 1)), e;
    if (!addr || !per_node || nnodes <= 0) return LLMEM_EINVAL;
    for (k = 0; k < nnodes; k++) per_node[k] = 0;
    if (!len) return 0;
    e = llmem_i_addr(addr) + len;
    while (a < e) {
        for (n = 0; n < 256 && a < e; n++, a += ps) pages[n] = llmem_i_ptr(a);
        if (llmem_i_move_pages(n, pages, NULL, status, 0) < 0) return -errno;
        for (i = 0; i < n; i++)
            if (status[i] >= 0 && status[i] < nnodes) {
                per_node[status[i]] += ps;
                resident++;
            }
    }
    return resident;
}

static uint64_t llmem_i_meminfo_kb(const char *text, const char *key) {
    const char *s = strstr(text, key);
    if (!s) return 0;
    s += strlen(key);
    return ((uint64_t)(strtoull(s, NULL, 10)));
}

LLMEMDEF int llmem_numa_node_memory(int node, uint64_t *total, uint64_t *free_bytes) {
    if (node < 0 || node >= 64 || !(llmem_i_online_nodes() & (1ull << node))) return LLMEM_ENODEV;
#ifdef LLMEM_USE_LIBNUMA
    if (numa_available() >= 0) {
        long long fr = 0, t = numa_node_size64(node, &fr);
        if (t < 0) return LLMEM_EIO;
        if (total) *total = ((uint64_t)t);
        if (free_bytes) *free_bytes = ((uint64_t)fr);
        return LLMEM_OK;
    }
#endif
    {
        char path[96], *b = ((char *)(malloc(8192)));
        int r;
        if (!b) return LLMEM_ENOMEM;
        snprintf(path, sizeof path, "/sys/devices/system/node/node%d/meminfo", node);
        r = llmem_i_read_file(path, b, 8192);
        if (r <= 0 && node == 0) r = llmem_i_read_file("/proc/meminfo", b, 8192);
        if (r <= 0) {
            free(b);
            return LLMEM_EIO;
        }
        if (total) *total = llmem_i_meminfo_kb(b, "MemTotal:") * 1024u;
        if (free_bytes) *free_bytes = llmem_i_meminfo_kb(b, "MemFree:") * 1024u;
        free(b);
    }
    return LLMEM_OK;
}

/* cpu -> node table, built once */
static signed char llmem_i_cpu_node[LLMEM_I_MAXCPU];
static int llmem_i_cpu_node_ready;
static int llmem_i_cpu_conf(void) {
    static int conf;
    int c = __atomic_load_n(&conf, __ATOMIC_RELAXED);
    if (!c) {
        long n = sysconf(_SC_NPROCESSORS_CONF);
        c = n > 0 ? (n > LLMEM_I_MAXCPU ? LLMEM_I_MAXCPU : ((int)n)) : 1;
        __atomic_store_n(&conf, c, __ATOMIC_RELAXED);
    }
    return c;
}
static void llmem_i_cpu_node_init(void) {
    int cpu, node;
    uint64_t nodes = llmem_i_online_nodes();
    char *b;
    if (__atomic_load_n(&llmem_i_cpu_node_ready, __ATOMIC_ACQUIRE)) return;
    b = ((char *)(malloc(4096)));
    for (cpu = 0; cpu < LLMEM_I_MAXCPU; cpu++) llmem_i_cpu_node[cpu] = 0;
#ifdef LLMEM_USE_LIBNUMA
    (void)nodes;
    (void)node;
    if (numa_available() >= 0)
        for (cpu = 0; cpu < llmem_i_cpu_conf(); cpu++) {
            int nd = numa_node_of_cpu(cpu);
            llmem_i_cpu_node[cpu] = ((signed char)(nd < 0 ? 0 : nd));
        }
#else
    for (node = 0; node < 64 && b; node++) {
        char path[96];
        if (!(nodes & (1ull << node))) continue;
        snprintf(path, sizeof path, "/sys/devices/system/node/node%d/cpulist", node);
        if (llmem_i_read_file(path, b, 4096) <= 0) continue;
        for (cpu = 0; cpu < llmem_i_cpu_conf(); cpu++)
            if (llmem_i_list_has(b, cpu)) llmem_i_cpu_node[cpu] = ((signed char)node);
    }
#endif
    free(b);
    __atomic_store_n(&llmem_i_cpu_node_ready, 1, __ATOMIC_RELEASE);
}

LLMEMDEF int llmem_numa_node_of_cpu(int cpu) {
    if (cpu < 0 || cpu >= LLMEM_I_MAXCPU || cpu >= llmem_i_cpu_conf()) return LLMEM_EINVAL;
    llmem_i_cpu_node_init();
    return llmem_i_cpu_node[cpu];
}

/* ================================ CPU (Linux) ================================ */
static int llmem_i_setaffinity(const unsigned long *mask, size_t bytes) {
    if (syscall(SYS_sched_setaffinity, 0, bytes, mask) != 0) return -errno;
    return LLMEM_OK;
}

LLMEMDEF int llmem_pin_cpu(int cpu) {
    unsigned long mask[LLMEM_I_MAXCPU / (8 * sizeof(unsigned long))];
    size_t w = 8 * sizeof(unsigned long);
    if (cpu < 0 || cpu >= llmem_i_cpu_conf()) return LLMEM_EINVAL;
    memset(mask, 0, sizeof mask);
    mask[((size_t)cpu) / w] = 1ul << (((size_t)cpu) % w);
    return llmem_i_setaffinity(mask, sizeof mask);
}

LLMEMDEF int llmem_pin_node(int node) {
    unsigned long mask[LLMEM_I_MAXCPU / (8 * sizeof(unsigned long))];
    size_t w = 8 * sizeof(unsigned long);
    int cpu, any = 0;
    if (node < 0 || node >= 64 || !(llmem_i_online_nodes() & (1ull << node))) return LLMEM_ENODEV;
    llmem_i_cpu_node_init();
    memset(mask, 0, sizeof mask);
    for (cpu = 0; cpu < llmem_i_cpu_conf(); cpu++)
        if (llmem_i_cpu_node[cpu] == node) {
            mask[((size_t)cpu) / w] |= 1ul << (((size_t)cpu) % w);
            any = 1;
        }
    if (!any) return LLMEM_ENODEV; /* memory-only node */
    return llmem_i_setaffinity(mask, sizeof mask);
}

LLMEMDEF int llmem_pin_reset(void) {
    unsigned long mask[LLMEM_I_MAXCPU / (8 * sizeof(unsigned long))];
    size_t w = 8 * sizeof(unsigned long);
    int cpu;
    memset(mask, 0, sizeof mask);
    for (cpu = 0; cpu < llmem_i_cpu_conf(); cpu++)
        mask[((size_t)cpu) / w] |= 1ul << (((size_t)cpu) % w);
    return llmem_i_setaffinity(mask, sizeof mask);
}

LLMEMDEF int llmem_current_cpu(void) {
    int c = sched_getcpu();
    return c < 0 ? -errno : c;
}

LLMEMDEF int llmem_current_node(void) {
    int c = sched_getcpu();
    if (c < 0) return -errno;
    return llmem_numa_node_of_cpu(c);
}

LLMEMDEF int llmem_set_realtime(int priority) {
    struct sched_param sp;
    int r;
    if (priority < 0 || priority > 99) return LLMEM_EINVAL;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = priority;
    r = pthread_setschedparam(pthread_self(), priority ? SCHED_FIFO : SCHED_OTHER, &sp);
    return r ? -r : LLMEM_OK;
}

static int llmem_i_sysfs_int(const char *path) {
    char b[64];
    if (llmem_i_read_file(path, b, sizeof b) <= 0) return -1;
    return atoi(b);
}

LLMEMDEF int llmem_topology_get(llmem_topology *t) {
    int cpu, conf = llmem_i_cpu_conf(), idx, ncore = 0, npkg = 0;
    static int core_pkg[LLMEM_I_MAXCPU], core_id[LLMEM_I_MAXCPU], pkgs[LLMEM_I_MAXCPU];
    static int topo_lock;
    long v;
    char path[128], b[64];
    if (!t) return LLMEM_EINVAL;
    llmem_i_zero(t, sizeof *t);
    v = sysconf(_SC_NPROCESSORS_ONLN);
    t->cpus = v > 0 ? ((int)v) : 1;
    llmem_i_lock(&topo_lock);
    for (cpu = 0; cpu < conf; cpu++) {
        int c, p, k, seen = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/online", cpu);
        if (llmem_i_sysfs_int(path) == 0) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
        c = llmem_i_sysfs_int(path);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
        p = llmem_i_sysfs_int(path);
        if (c < 0) continue;
        for (k = 0; k < ncore; k++) seen |= core_id[k] == c && core_pkg[k] == p;
        if (!seen) {
            core_id[ncore] = c;
            core_pkg[ncore++] = p;
        }
        seen = 0;
        for (k = 0; k < npkg; k++) seen |= pkgs[k] == p;
        if (!seen) pkgs[npkg++] = p;
    }
    llmem_i_unlock(&topo_lock);
    t->cores = ncore ? ncore : t->cpus;
    t->packages = npkg ? npkg : 1;
    t->nodes = llmem_numa_node_count();
#ifdef _SC_LEVEL1_DCACHE_LINESIZE
    v = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
    t->cache_line = v > 0 ? ((int)v) : 0;
#endif
    if (t->cache_line <= 0) {
        int c = llmem_i_sysfs_int("/sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size");
        t->cache_line = c > 0 ? c : 64;
    }
    for (idx = 0; idx < 10; idx++) {
        int level, bytes;
        char *end;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", idx);
        level = llmem_i_sysfs_int(path);
        if (level < 0) break;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", idx);
        if (llmem_i_read_file(path, b, sizeof b) <= 0 || strncmp(b, "Instruction", 11) == 0) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", idx);
        if (llmem_i_read_file(path, b, sizeof b) <= 0) continue;
        bytes = ((int)(strtol(b, &end, 10)));
        if (*end == 'K') bytes *= 1024;
        else if (*end == 'M') bytes *= 1024 * 1024;
        if (level == 1) t->l1d_bytes = bytes;
        else if (level == 2) t->l2_bytes = bytes;
        else if (level == 3) t->l3_bytes = bytes;
    }
    return LLMEM_OK;
}
#endif /* LLMEM_I_LINUX */

/* ---- aligned allocation (both platforms) ---- */
LLMEMDEF void *llmem_aligned_alloc(size_t size, size_t align) {
    unsigned char *raw;
    uintptr_t a;
    if (!llmem_i_is_pow2(align) || size > (SIZE_MAX >> 2) || align > (SIZE_MAX >> 2)) return NULL;
    if (align < sizeof(void *)) align = sizeof(void *);
    raw = ((unsigned char *)(LLMEM_MALLOC(NULL, size + align + sizeof(void *))));
    if (!raw) return NULL;
    a = (llmem_i_addr(raw) + sizeof(void *) + align - 1) & ~((uintptr_t)(align - 1));
    ((void **)(llmem_i_ptr(a)))[-1] = raw;
    return llmem_i_ptr(a);
}
LLMEMDEF void llmem_aligned_free(void *p) {
    if (p) LLMEM_FREE(NULL, ((void **)p)[-1]);
}
#endif /* LLMEM_I_MT */

/* ================================ Windows ================================ */
#if LLMEM_I_WIN
static int llmem_i_large_state; /* 0 unknown, 1 privilege held, -1 not */

static int llmem_i_win_large_ok(void) {
    if (!llmem_i_large_state) {
        HANDLE tok;
        TOKEN_PRIVILEGES tp;
        int ok = 0;
        if (GetLargePageMinimum() && OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &tok)) {
            if (LookupPrivilegeValueA(NULL, "SeLockMemoryPrivilege", &tp.Privileges[0].Luid)) {
                tp.PrivilegeCount = 1;
                tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
                ok = AdjustTokenPrivileges(tok, FALSE, &tp, 0, NULL, NULL) && GetLastError() == ERROR_SUCCESS;
            }
            CloseHandle(tok);
        }
        llmem_i_large_state = ok ? 1 : -1;
    }
    return llmem_i_large_state > 0;
}

LLMEMDEF int llmem_numa_node_count(void) {
    ULONG h = 0;
    if (!GetNumaHighestNodeNumber(&h)) return 1;
    return ((int)h) + 1;
}
LLMEMDEF int llmem_numa_available(void) { return llmem_numa_node_count() > 1; }
LLMEMDEF const char *llmem_numa_backend(void) { return "windows"; }

static int llmem_i_numa_check(int mode, uint64_t nodes) {
    int n = llmem_numa_node_count();
    if (mode < LLMEM_NUMA_DEFAULT || mode > LLMEM_NUMA_LOCAL) return LLMEM_EINVAL;
    if (mode == LLMEM_NUMA_DEFAULT || mode == LLMEM_NUMA_LOCAL) return LLMEM_OK;
    if (!nodes) return LLMEM_EINVAL;
    if (n < 64 && (nodes >> n)) return LLMEM_ENODEV;
    if (mode == LLMEM_NUMA_INTERLEAVE) return LLMEM_EOPNOTSUPP;
    return LLMEM_OK;
}
static int llmem_i_numa_apply(void *addr, size_t len, int mode, uint64_t nodes) {
    (void)addr;
    (void)len;
    (void)mode;
    (void)nodes;
    return LLMEM_OK; /* Windows places at allocation time (VirtualAllocExNuma) */
}

LLMEMDEF int llmem_pages_alloc_numa(llmem_pages *pg, size_t size, unsigned flags, int mode, uint64_t nodes) {
    unsigned tiers = flags & LLMEM_PAGE_ANY;
    int e, node = -1, method = LLMEM_PREFAULT_NONE;
    void *p = NULL;
    size_t len;
    if (!pg) return LLMEM_EINVAL;
    llmem_i_zero(pg, sizeof *pg);
    pg->fd = -1;
    if (!size) return LLMEM_EINVAL;
    if ((e = llmem_i_numa_check(mode, nodes)) != 0) return e;
    if (mode == LLMEM_NUMA_BIND || mode == LLMEM_NUMA_PREFERRED) node = __builtin_ctzll(nodes);
    if (!tiers) tiers = LLMEM_PAGE_ANY;
    if ((tiers & (LLMEM_PAGE_1G | LLMEM_PAGE_2M)) && !(llmem_i_fail_mask & LLMEM_PAGE_2M) && llmem_i_win_large_ok()) {
        size_t lp = GetLargePageMinimum();
        if (lp && size >= lp) {
            len = llmem_i_round_up(size, lp);
            p = llmem_i_win_valloc(NULL, len, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, node);
            if (p) {
                pg->tier = LLMEM_TIER_LARGE;
                pg->size = len;
            }
        }
    }
    if (!p) {
        if (!(tiers & (LLMEM_PAGE_4K | LLMEM_PAGE_THP))) return LLMEM_ENOMEM;
        len = llmem_i_round_up(size, llmem_page_size());
        p = llmem_i_win_valloc(NULL, len, MEM_RESERVE | MEM_COMMIT, node);
        if (!p) return llmem_i_win_err();
        pg->tier = LLMEM_TIER_4K;
        pg->size = len;
    }
    if (flags & LLMEM_PAGE_PREFAULT) llmem_i_populate(p, pg->size, 1, flags, &method);
    if (flags & LLMEM_PAGE_LOCK) {
        if (!VirtualLock(p, pg->size)) {
            e = llmem_i_win_err();
            VirtualFree(p, 0, MEM_RELEASE);
            llmem_i_zero(pg, sizeof *pg);
            pg->fd = -1;
            return e == LLMEM_EIO ? LLMEM_ENOMEM : e;
        }
        pg->locked = 1;
    }
    pg->addr = pg->map_addr = p;
    pg->map_size = pg->size;
    pg->prefault = method;
    pg->numa_mode = mode;
    pg->flags = flags;
    return LLMEM_OK;
}

LLMEMDEF int llmem_file_map(llmem_pages *pg, const char *path, size_t size, unsigned flags) {
    int write = (flags & (LLMEM_FILE_WRITE | LLMEM_FILE_CREATE)) != 0, method = LLMEM_PREFAULT_NONE, e;
    HANDLE f, m;
    LARGE_INTEGER fs;
    void *p;
    if (!pg) return LLMEM_EINVAL;
    llmem_i_zero(pg, sizeof *pg);
    pg->fd = -1;
    if (!path) return LLMEM_EINVAL;
    f = CreateFileA(path, GENERIC_READ | (write ? GENERIC_WRITE : 0), FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                    (flags & LLMEM_FILE_CREATE) ? OPEN_ALWAYS : OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) return llmem_i_win_err();
    if (!GetFileSizeEx(f, &fs)) goto fail;
    if (!size) size = ((size_t)fs.QuadPart);
    if (!size) {
        CloseHandle(f);
        return LLMEM_EINVAL;
    }
    if (((uint64_t)fs.QuadPart) < ((uint64_t)size) && !(flags & LLMEM_FILE_CREATE)) {
        CloseHandle(f);
        return LLMEM_EINVAL;
    }
    m = CreateFileMappingA(f, NULL, write ? PAGE_READWRITE : PAGE_READONLY,
                           ((DWORD)(((uint64_t)size) >> 32)),
                           ((DWORD)(size & 0xffffffffu)), NULL);
    if (!m) goto fail;
    p = MapViewOfFile(m, write ? FILE_MAP_WRITE : FILE_MAP_READ, 0, 0, size);
    if (!p) {
        e = llmem_i_win_err();
        CloseHandle(m);
        CloseHandle(f);
        return e;
    }
    if (flags & LLMEM_PAGE_PREFAULT) llmem_i_populate(p, size, write, flags, &method);
    if ((flags & LLMEM_PAGE_LOCK) && !VirtualLock(p, size)) {
        e = llmem_i_win_err();
        UnmapViewOfFile(p);
        CloseHandle(m);
        CloseHandle(f);
        return e == LLMEM_EIO ? LLMEM_ENOMEM : e;
    }
    pg->addr = pg->map_addr = p;
    pg->size = pg->map_size = size;
    pg->tier = LLMEM_TIER_4K;
    pg->prefault = method;
    pg->locked = (flags & LLMEM_PAGE_LOCK) != 0;
    pg->fd = ((intptr_t)f);
    pg->map_handle = m;
    pg->flags = flags;
    return LLMEM_OK;
fail:
    e = llmem_i_win_err();
    CloseHandle(f);
    return e;
}

LLMEMDEF int llmem_pages_free(llmem_pages *pg) {
    if (!pg) return LLMEM_EINVAL;
    if (pg->map_handle) {
        if (pg->map_addr) UnmapViewOfFile(pg->map_addr);
        CloseHandle(pg->map_handle);
        CloseHandle(((HANDLE)pg->fd));
    } else if (pg->map_addr) {
        VirtualFree(pg->map_addr, 0, MEM_RELEASE);
    }
    llmem_i_zero(pg, sizeof *pg);
    pg->fd = -1;
    return LLMEM_OK;
}

LLMEMDEF int llmem_numa_node_of_cpu(int cpu) {
    PROCESSOR_NUMBER pn;
    USHORT node = 0;
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    if (cpu < 0 || cpu >= ((int)si.dwNumberOfProcessors)) return LLMEM_EINVAL;
    pn.Group = ((WORD)(cpu / 64));
    pn.Number = ((BYTE)(cpu % 64));
    pn.Reserved = 0;
    if (!GetNumaProcessorNodeEx(&pn, &node)) return llmem_numa_node_count() == 1 ? 0 : llmem_i_win_err();
    return node == 0xffff ? LLMEM_EINVAL : ((int)node);
}

LLMEMDEF int llmem_numa_node_of_addr(const void *addr) {
    if (!addr) return LLMEM_EINVAL;
    if (llmem_numa_node_count() == 1) {
        MEMORY_BASIC_INFORMATION mbi;
        if (!VirtualQuery(addr, &mbi, sizeof mbi) || mbi.State != MEM_COMMIT) return LLMEM_ENOENT;
        return 0;
    }
    return LLMEM_ENOSYS;
}

LLMEMDEF int llmem_numa_bind(void *addr, size_t len, int mode, uint64_t nodes, unsigned flags) {
    int e = llmem_i_numa_check(mode, nodes);
    (void)flags;
    if (e) return e;
    if (!addr || !len) return LLMEM_EINVAL;
    return llmem_numa_node_count() == 1 ? LLMEM_OK : LLMEM_ENOSYS; /* placement is chosen at allocation */
}
LLMEMDEF int llmem_numa_set_policy(int mode, uint64_t nodes) {
    int e = llmem_i_numa_check(mode, nodes);
    if (e) return e;
    return llmem_numa_node_count() == 1 ? LLMEM_OK : LLMEM_ENOSYS;
}
LLMEMDEF int llmem_numa_get_policy(int *mode, uint64_t *nodes) {
    if (mode) *mode = LLMEM_NUMA_DEFAULT;
    if (nodes) *nodes = 0;
    return LLMEM_OK;
}
LLMEMDEF long llmem_numa_migrate(void *addr, size_t len, int node) {
    MEMORY_BASIC_INFORMATION mbi;
    size_t ps = llmem_page_size(), n = 0, i;
    if (!addr || !len) return LLMEM_EINVAL;
    if (node < 0 || node >= llmem_numa_node_count()) return LLMEM_ENODEV;
    if (llmem_numa_node_count() != 1) return LLMEM_ENOSYS;
    for (i = 0; i < len; i += ps)
        if (VirtualQuery(((char *)addr) + i, &mbi, sizeof mbi) && mbi.State == MEM_COMMIT) n++;
    return ((long)n);
}
LLMEMDEF int llmem_numa_node_bytes(const void *addr, size_t len, uint64_t *per_node, int nnodes) {
    MEMORY_BASIC_INFORMATION mbi;
    size_t ps = llmem_page_size(), i;
    int k, n = 0;
    if (!addr || !per_node || nnodes <= 0) return LLMEM_EINVAL;
    for (k = 0; k < nnodes; k++) per_node[k] = 0;
    if (llmem_numa_node_count() != 1) return LLMEM_ENOSYS;
    for (i = 0; i < len; i += ps)
        if (VirtualQuery(((const char *)addr) + i, &mbi, sizeof mbi) && mbi.State == MEM_COMMIT) n++;
    per_node[0] = ((uint64_t)n) * ps;
    return n;
}
LLMEMDEF int llmem_numa_node_memory(int node, uint64_t *total, uint64_t *free_bytes) {
    ULONGLONG avail = 0;
    MEMORYSTATUSEX ms;
    if (node < 0 || node >= llmem_numa_node_count()) return LLMEM_ENODEV;
    ms.dwLength = sizeof ms;
    GlobalMemoryStatusEx(&ms);
    if (!GetNumaAvailableMemoryNodeEx(((USHORT)node), &avail)) avail = ms.ullAvailPhys;
    if (total) *total = llmem_numa_node_count() == 1 ? ms.ullTotalPhys : 0;
    if (free_bytes) *free_bytes = avail;
    return LLMEM_OK;
}

static int llmem_i_ncpu(void) {
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return ((int)si.dwNumberOfProcessors);
}
LLMEMDEF int llmem_pin_cpu(int cpu) {
    GROUP_AFFINITY ga;
    if (cpu < 0 || cpu >= llmem_i_ncpu()) return LLMEM_EINVAL;
    memset(&ga, 0, sizeof ga);
    ga.Group = ((WORD)(cpu / 64));
    ga.Mask = ((KAFFINITY)1) << (cpu % 64);
    return SetThreadGroupAffinity(GetCurrentThread(), &ga, NULL) ? LLMEM_OK : llmem_i_win_err();
}
LLMEMDEF int llmem_pin_node(int node) {
    GROUP_AFFINITY ga;
    if (node < 0 || node >= llmem_numa_node_count()) return LLMEM_ENODEV;
    memset(&ga, 0, sizeof ga);
    if (!GetNumaNodeProcessorMaskEx(((USHORT)node), &ga) || !ga.Mask) {
        int cpu, n = llmem_i_ncpu();
        if (llmem_numa_node_count() != 1) return llmem_i_win_err();
        memset(&ga, 0, sizeof ga);
        for (cpu = 0; cpu < n && cpu < 64; cpu++) ga.Mask |= ((KAFFINITY)1) << cpu;
    }
    return SetThreadGroupAffinity(GetCurrentThread(), &ga, NULL) ? LLMEM_OK : llmem_i_win_err();
}
LLMEMDEF int llmem_pin_reset(void) {
    DWORD_PTR pm = 0, sm = 0;
    if (!GetProcessAffinityMask(GetCurrentProcess(), &pm, &sm)) return llmem_i_win_err();
    return SetThreadAffinityMask(GetCurrentThread(), pm) ? LLMEM_OK : llmem_i_win_err();
}
LLMEMDEF int llmem_current_cpu(void) {
    PROCESSOR_NUMBER pn;
    GetCurrentProcessorNumberEx(&pn);
    return ((int)pn.Group) * 64 + ((int)pn.Number);
}
LLMEMDEF int llmem_current_node(void) { return llmem_numa_node_of_cpu(llmem_current_cpu()); }
LLMEMDEF int llmem_set_realtime(int priority) {
    if (priority < 0 || priority > 99) return LLMEM_EINVAL;
    return SetThreadPriority(GetCurrentThread(), priority ? THREAD_PRIORITY_TIME_CRITICAL : THREAD_PRIORITY_NORMAL)
               ? LLMEM_OK
               : llmem_i_win_err();
}
LLMEMDEF int llmem_topology_get(llmem_topology *t) {
    DWORD len = 0, i, n;
    SYSTEM_LOGICAL_PROCESSOR_INFORMATION *info;
    if (!t) return LLMEM_EINVAL;
    llmem_i_zero(t, sizeof *t);
    t->cpus = llmem_i_ncpu();
    t->nodes = llmem_numa_node_count();
    t->cache_line = 64;
    GetLogicalProcessorInformation(NULL, &len);
    info = ((SYSTEM_LOGICAL_PROCESSOR_INFORMATION *)(LLMEM_MALLOC(NULL, len ? len : 1)));
    if (info && len && GetLogicalProcessorInformation(info, &len)) {
        n = len / sizeof(*info);
        for (i = 0; i < n; i++) {
            if (info[i].Relationship == RelationProcessorCore) t->cores++;
            else if (info[i].Relationship == RelationProcessorPackage) t->packages++;
            else if (info[i].Relationship == RelationCache) {
                CACHE_DESCRIPTOR *c = &info[i].Cache;
                if (c->Level == 1 && c->Type != CacheInstruction) {
                    t->cache_line = c->LineSize;
                    t->l1d_bytes = ((int)c->Size);
                } else if (c->Level == 2) {
                    t->l2_bytes = ((int)c->Size);
                } else if (c->Level == 3) {
                    t->l3_bytes = ((int)c->Size);
                }
            }
        }
    }
    if (info) LLMEM_FREE(NULL, info);
    if (!t->cores) t->cores = t->cpus;
    if (!t->packages) t->packages = 1;
    return LLMEM_OK;
}
#endif /* LLMEM_I_WIN */

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLMEM_IMPLEMENTATION */

/* CHANGES
   0.1.0  first release: arena, magazine pools with depot, size classes, page tiers, NUMA, CPU, Windows.

   LICENSE
   This software is available under either of the following, at your choice.
   A) MIT License. Copyright (c) 2026 the ll authors. Permission is hereby granted, free of charge, to any
      person obtaining a copy of this software and associated documentation files (the "Software"), to deal
      in the Software without restriction, including without limitation the rights to use, copy, modify,
      merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to
      whom the Software is furnished to do so, subject to the following conditions: The above copyright
      notice and this permission notice shall be included in all copies or substantial portions of the
      Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
   B) Public domain (www.unlicense.org). Anyone is free to copy, modify, publish, use, compile, sell, or
      distribute this software, either in source code form or as a compiled binary, for any purpose,
      commercial or non-commercial, and by any means. */
