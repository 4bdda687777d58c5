/* tests/test_llmem.c - functional tests for llmem.h (Linux, aarch64 under qemu, Windows under wine). */
#define LLMEM_IMPLEMENTATION
#include "llmem.h"
#include "lltest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#if defined(LLT_HAVE_NUMA) && !defined(_WIN32)
#include <numa.h>
#include <numaif.h>
#endif

#if defined(__SANITIZE_THREAD__)
#define T_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define T_TSAN 1
#endif
#endif
#ifndef T_TSAN
#define T_TSAN 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif
#ifndef T_ASAN
#define T_ASAN 0
#endif

/* ---- portable threads ---- */
typedef void *(*t_fn)(void *);
#ifdef _WIN32
typedef HANDLE t_thread;
typedef struct { t_fn fn; void *arg; } t_start;
static DWORD WINAPI t_tramp(LPVOID p) {
    t_start s = *(t_start *)p;
    free(p);
    s.fn(s.arg);
    return 0;
}
static int t_create(t_thread *t, t_fn fn, void *arg) {
    t_start *s = (t_start *)malloc(sizeof *s);
    s->fn = fn;
    s->arg = arg;
    *t = CreateThread(NULL, 0, t_tramp, s, 0, NULL);
    return *t ? 0 : -1;
}
static void t_join(t_thread t) {
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}
#else
typedef pthread_t t_thread;
static int t_create(t_thread *t, t_fn fn, void *arg) { return pthread_create(t, NULL, fn, arg); }
static void t_join(t_thread t) { pthread_join(t, NULL); }
#endif

static unsigned g_pf; /* extra pool flags: the same tests run again with LLMEM_POOL_HANDOFF */
static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- a pointer set for the model checks ---- */
#define SET_CAP (1u << 16)
typedef struct { void *k[SET_CAP]; } pset;
static size_t pset_h(void *p) { return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> 48) & (SET_CAP - 1); }
static int pset_has(pset *s, void *p) {
    size_t i = pset_h(p);
    while (s->k[i]) {
        if (s->k[i] == p) return 1;
        i = (i + 1) & (SET_CAP - 1);
    }
    return 0;
}
static void pset_add(pset *s, void *p) {
    size_t i = pset_h(p);
    while (s->k[i]) i = (i + 1) & (SET_CAP - 1);
    s->k[i] = p;
}
static void pset_del(pset *s, void *p) { /* backward-shift deletion */
    size_t i = pset_h(p), j;
    while (s->k[i] != p) i = (i + 1) & (SET_CAP - 1);
    s->k[i] = NULL;
    j = i;
    for (;;) {
        size_t h;
        j = (j + 1) & (SET_CAP - 1);
        if (!s->k[j]) break;
        h = pset_h(s->k[j]);
        if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
            s->k[i] = s->k[j];
            s->k[j] = NULL;
            i = j;
        }
    }
}

/* ================================ arena ================================ */
static void arena_caller_memory(void) {
    static unsigned char buf[4096];
    llmem_arena a;
    llmem_arena_mark m;
    void *p, *q, *r;
    size_t i;
    llmem_arena_init(&a, buf, sizeof buf);
    p = llmem_arena_alloc(&a, 10, 1);
    LLT_EQ_PTR(p, buf);
    q = llmem_arena_alloc(&a, 8, 64);
    LLT_CHECK(q != NULL && ((uintptr_t)q & 63) == 0);
    m = llmem_arena_mark_get(&a);
    r = llmem_arena_alloc(&a, 100, 16);
    LLT_CHECK(r != NULL && ((uintptr_t)r & 15) == 0 && (unsigned char *)r >= (unsigned char *)q + 8);
    llmem_arena_rewind(&a, m);
    LLT_EQ_PTR(llmem_arena_alloc(&a, 100, 16), r);
    LLT_CHECK(llmem_arena_alloc(&a, 8192, 8) == NULL); /* exhausted: NULL, no growth */
    for (i = 0; llmem_arena_alloc(&a, 64, 8); i++) {}
    LLT_CHECK(i > 50 && i < 64);
    LLT_CHECK(llmem_arena_used(&a) <= sizeof buf);
    llmem_arena_reset(&a);
    LLT_EQ_U64(llmem_arena_used(&a), 0);
    LLT_EQ_PTR(llmem_arena_alloc(&a, 1, 1), buf);
    LLT_CHECK(llmem_arena_alloc(&a, SIZE_MAX - 8, 8) == NULL); /* overflow-safe */
    llmem_arena_destroy(&a);
}

static void arena_os_chunks(void) {
    llmem_arena a;
    llmem_arena_mark m0, m1;
    unsigned char *p[64];
    int i;
    LLT_REQUIRE(llmem_arena_init_os(&a, 64 * 1024, 0) == 0);
    m0 = llmem_arena_mark_get(&a);
    for (i = 0; i < 64; i++) {
        p[i] = (unsigned char *)llmem_arena_alloc(&a, 5000, 32);
        LLT_REQUIRE(p[i] != NULL);
        LLT_CHECK(((uintptr_t)p[i] & 31) == 0);
        memset(p[i], i, 5000);
    }
    for (i = 0; i < 64; i++) LLT_CHECK(p[i][0] == (unsigned char)i && p[i][4999] == (unsigned char)i);
    LLT_CHECK(a.chunks >= 4);
    m1 = llmem_arena_mark_get(&a);
    {
        unsigned char *big = (unsigned char *)llmem_arena_alloc(&a, 1 << 20, 4096); /* > chunk: own chunk */
        LLT_REQUIRE(big != NULL);
        LLT_CHECK(((uintptr_t)big & 4095) == 0);
        memset(big, 0xAB, 1 << 20);
    }
    llmem_arena_rewind(&a, m1);
    LLT_EQ_PTR(a.ptr, m1.ptr);
    LLT_CHECK(p[63][0] == 63);
    llmem_arena_rewind(&a, m0);
    LLT_EQ_U64(llmem_arena_used(&a), 0);
    LLT_CHECK(a.chunks <= 1); /* one spare kept */
    LLT_CHECK(llmem_arena_alloc(&a, 100, 8) != NULL);
    llmem_arena_reset(&a);
    llmem_arena_destroy(&a);
    LLT_EQ_U64(a.chunks, 0);
    LLT_CHECK(llmem_arena_init_os(&a, 1 << 21, LLMEM_PAGE_THP | LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT) == 0);
    LLT_CHECK(llmem_arena_alloc(&a, 1000, 64) != NULL);
    llmem_arena_destroy(&a);
}

/* ================================ fixed pool ================================ */
static void pool_errors(void) {
    llmem_pool p;
    llmem_pool_opts o;
    LLT_EQ_I64(llmem_pool_init(&p, 0, 8), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_pool_init(&p, 32, 3), LLMEM_EINVAL);
    memset(&o, 0, sizeof o);
    o.obj_size = 64;
    o.slab_bytes = 3000;
    o.node = -1;
    LLT_EQ_I64(llmem_pool_init_opts(&p, &o), LLMEM_EINVAL);
    o.slab_bytes = 0;
    o.node = 64;
    LLT_EQ_I64(llmem_pool_init_opts(&p, &o), LLMEM_ENODEV);
    LLT_CHECK(strcmp(llmem_strerror(LLMEM_ENODEV), llmem_strerror(LLMEM_EINVAL)) != 0);
    LLT_EQ_STR(llmem_version(), LLMEM_VERSION_STRING);
}

static pset g_set;
static void pool_model_one(size_t obj, size_t align, uint32_t mag, uint64_t steps) {
    llmem_pool p;
    llmem_pool_opts o;
    llmem_stats st;
    static void *live[8192];
    size_t nlive = 0, i;
    uint64_t n_alloc = 0, n_free = 0, s;
    memset(&o, 0, sizeof o);
    o.obj_size = obj;
    o.align = align;
    o.magazine = mag;
    o.node = -1;
    o.flags = g_pf;
    memset(&g_set, 0, sizeof g_set);
    LLT_REQUIRE(llmem_pool_init_opts(&p, &o) == 0);
    for (s = 0; s < steps; s++) {
        uint64_t r = rnd();
        int do_alloc = nlive == 0 || (nlive < 8192 && (r % 100) < (s % 2000 < 1000 ? 60u : 40u));
        if (do_alloc) {
            unsigned char *q = (unsigned char *)llmem_pool_alloc(&p);
            LLT_REQUIRE(q != NULL);
            LLT_CHECKF(((uintptr_t)q & (align - 1)) == 0, "%p not aligned to %zu", (void *)q, align);
            LLT_CHECKF(!pset_has(&g_set, q), "block %p handed out twice", (void *)q);
            pset_add(&g_set, q);
            memset(q, (int)(((uintptr_t)q >> 4) & 0xff), obj);
            live[nlive++] = q;
            n_alloc++;
        } else {
            size_t k = (size_t)(r >> 32) % nlive;
            unsigned char *q = (unsigned char *)live[k], want = (unsigned char)(((uintptr_t)q >> 4) & 0xff);
            for (i = 0; i < obj; i++)
                if (q[i] != want) break;
            LLT_CHECKF(i == obj, "block %p overwritten at %zu", (void *)q, i);
            pset_del(&g_set, q);
            live[k] = live[--nlive];
            llmem_pool_free(&p, q);
            n_free++;
        }
    }
    llmem_pool_stats(&p, &st);
    LLT_EQ_U64(st.allocs, n_alloc);
    LLT_EQ_U64(st.frees, n_free);
    LLT_EQ_U64(st.live, nlive);
    LLT_EQ_U64(st.hits + st.misses, st.allocs);
    LLT_CHECK(st.bytes_held >= nlive * obj);
    LLT_CHECK(st.slabs >= 1);
    while (nlive) llmem_pool_free(&p, live[--nlive]);
    llmem_pool_destroy(&p);
}

static void pool_model(void) {
    uint64_t n = llt_scaled(200000, 5000);
    pool_model_one(8, 8, 0, n);
    pool_model_one(24, 8, 4, n);
    pool_model_one(64, 64, 0, n);
    pool_model_one(100, 32, 16, n / 2);
    pool_model_one(4096, 4096, 0, n / 4);
}

static void pool_caller_memory(void) {
    static unsigned char mem[64 * 1024];
    llmem_pool p;
    llmem_pool_opts o;
    void *objs[2048];
    int n = 0, i;
    memset(&o, 0, sizeof o);
    o.obj_size = 48;
    o.align = 16;
    o.flags = LLMEM_POOL_NO_GROW;
    o.node = -1;
    LLT_REQUIRE(llmem_pool_init_opts(&p, &o) == 0);
    LLT_EQ_PTR(llmem_pool_alloc(&p), NULL); /* no memory yet */
    LLT_REQUIRE(llmem_pool_add_memory(&p, mem, sizeof mem) == 0);
    while (n < 2048 && (objs[n] = llmem_pool_alloc(&p)) != NULL) {
        LLT_CHECK((unsigned char *)objs[n] >= mem && (unsigned char *)objs[n] + 48 <= mem + sizeof mem);
        n++;
    }
    LLT_CHECK(n > 1300 && n <= (int)(sizeof mem / 48));
    for (i = 0; i < n; i++) llmem_pool_free(&p, objs[i]);
    for (i = 0; i < n; i++) LLT_CHECK(llmem_pool_alloc(&p) != NULL); /* all reusable */
    LLT_EQ_PTR(llmem_pool_alloc(&p), NULL);
    LLT_EQ_U64(llmem_pool_trim(&p), 0); /* caller memory is never released */
    llmem_pool_destroy(&p);
}

static void pool_trim(void) {
    llmem_pool p;
    llmem_stats st0, st1;
    static void *objs[20000];
    int i, n = 20000;
    size_t got;
    llmem_pool_opts o;
    memset(&o, 0, sizeof o);
    o.obj_size = 256;
    o.align = 64;
    o.flags = g_pf;
    o.node = -1;
    LLT_REQUIRE(llmem_pool_init_opts(&p, &o) == 0);
    for (i = 0; i < n; i++) LLT_REQUIRE((objs[i] = llmem_pool_alloc(&p)) != NULL);
    for (i = 0; i < n; i++) memset(objs[i], 1, 256);
    for (i = 0; i < n; i++) llmem_pool_free(&p, objs[i]);
    llmem_pool_stats(&p, &st0);
    got = llmem_pool_trim(&p);
    llmem_pool_stats(&p, &st1);
    LLT_CHECKF(got > 0, "trim released nothing");
    LLT_EQ_U64(st1.bytes_held, st0.bytes_held - got);
    LLT_EQ_U64(st1.bytes_held, 0);
    LLT_EQ_U64(st1.depot_objects, 0);
    /* half live: only slabs with no live object go */
    for (i = 0; i < n; i++) LLT_REQUIRE((objs[i] = llmem_pool_alloc(&p)) != NULL);
    for (i = 0; i < n / 2; i++) llmem_pool_free(&p, objs[i]);
    got = llmem_pool_trim(&p);
    llmem_pool_stats(&p, &st1);
    LLT_CHECK(st1.bytes_held >= (uint64_t)(n / 2) * 256);
    for (i = n / 2; i < n; i++) memset(objs[i], 2, 256); /* still valid */
    for (i = 0; i < n / 2; i++) LLT_REQUIRE((objs[i] = llmem_pool_alloc(&p)) != NULL);
    for (i = 0; i < n; i++) llmem_pool_free(&p, objs[i]);
    llmem_pool_destroy(&p);
    (void)got;
}

/* ---- cross-thread: producer allocates, consumer frees, through an SPSC ring ---- */
#define RING 1024
typedef struct {
    void *slot[RING];
    uint64_t head, tail; /* atomics */
    llmem_pool *pool;
    llmem_sc *sc;
    uint64_t count;
    int bad;
} xring;

static void *producer(void *arg) {
    xring *r = (xring *)arg;
    uint64_t i;
    for (i = 0; i < r->count; i++) {
        uint64_t *o;
        if (r->sc) o = (uint64_t *)llmem_sc_alloc(r->sc, 16 + (size_t)(i % 3000));
        else o = (uint64_t *)llmem_pool_alloc(r->pool);
        if (!o) {
            r->bad++;
            break;
        }
        o[0] = i;
        o[1] = ~i;
        while (i - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= RING) llmem_i_yield();
        r->slot[i % RING] = o;
        __atomic_store_n(&r->head, i + 1, __ATOMIC_RELEASE);
    }
    llmem_thread_exit();
    return NULL;
}
static void *consumer(void *arg) {
    xring *r = (xring *)arg;
    uint64_t i;
    for (i = 0; i < r->count; i++) {
        uint64_t *o;
        while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) <= i) {
            if (r->bad) return NULL;
            llmem_i_yield();
        }
        o = (uint64_t *)r->slot[i % RING];
        if (o[0] != i || o[1] != ~i) r->bad++;
        o[0] = 0xdead; /* the consumer owns it until the free */
        if (r->sc) llmem_sc_free(r->sc, o);
        else llmem_pool_free(r->pool, o);
        __atomic_store_n(&r->tail, i + 1, __ATOMIC_RELEASE);
    }
    return NULL; /* caches released by the thread-exit destructor */
}

static void pool_cross_thread(void) {
    static xring r;
    llmem_pool p;
    llmem_stats st;
    t_thread a, b;
    int round;
    LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 32, .align = 16, .flags = g_pf, .node = -1}) == 0);
    for (round = 0; round < 3; round++) {
        memset(&r, 0, sizeof r);
        r.pool = &p;
        r.count = llt_scaled(300000, 20000);
        LLT_REQUIRE(t_create(&a, producer, &r) == 0);
        LLT_REQUIRE(t_create(&b, consumer, &r) == 0);
        t_join(a);
        t_join(b);
        LLT_EQ_I64(r.bad, 0);
    }
    llmem_pool_stats(&p, &st);
    LLT_EQ_U64(st.allocs, 3 * r.count);
    LLT_EQ_U64(st.frees, 3 * r.count);
    LLT_EQ_U64(st.live, 0);
    LLT_CHECK(st.flushes > 0 && st.refills > 0);
    /* every object came back: the depot plus nothing cached (both threads exited) */
    LLT_CHECKF(st.depot_objects * 32 <= st.bytes_held, "depot %llu", (unsigned long long)st.depot_objects);
    /* bounded memory: objects recycled through the depot rather than new slabs per round */
    LLT_CHECKF(st.bytes_held < 3 * r.count * 32, "held %llu", (unsigned long long)st.bytes_held);
    llmem_pool_destroy(&p);
}

/* several threads: random alloc/free plus swapping objects with a shared exchange array */
typedef struct {
    llmem_pool *pool;
    void **xchg; /* atomics */
    uint64_t steps, seed;
    int bad;
} mixarg;
static void *mixer(void *arg) {
    mixarg *m = (mixarg *)arg;
    void *mine[256];
    int n = 0;
    uint64_t s, x = m->seed;
    for (s = 0; s < m->steps; s++) {
        unsigned op;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        op = (unsigned)(x % 8);
        if (op < 3 && n < 256) {
            uint32_t *o = (uint32_t *)llmem_pool_alloc(m->pool);
            if (!o) {
                m->bad++;
                continue;
            }
            o[0] = 0x5a5a5a5a;
            mine[n++] = o;
        } else if (op < 6 && n > 0) {
            uint32_t *o = (uint32_t *)mine[--n];
            if (o[0] != 0x5a5a5a5a) m->bad++;
            llmem_pool_free(m->pool, o);
        } else if (n > 0) { /* swap one object with the exchange slot: it will be freed elsewhere */
            void *got = __atomic_exchange_n(&m->xchg[x % 16], mine[n - 1], __ATOMIC_ACQ_REL);
            if (got) mine[n - 1] = got;
            else n--;
        }
    }
    while (n) llmem_pool_free(m->pool, mine[--n]);
    return NULL;
}
/* A hot alloc/free loop reuses a small window of objects: the free buffer (32 objects at most) and what
   the alloc magazine took from it, never the whole magazine. The same for size classes. */
static void pool_hot_window(void) {
    static void *seen[4096];
    llmem_pool p;
    llmem_sc s;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        size_t nseen = 0, i, j;
        if (pass == 0) LLT_REQUIRE(llmem_pool_init(&p, 64, 16) == 0);
        else LLT_REQUIRE(llmem_sc_init(&s, 0, -1) == 0);
        for (i = 0; i < 3000; i++) { /* warm-up: the first refill's objects go by once */
            void *o = pass ? llmem_sc_alloc(&s, 100) : llmem_pool_alloc(&p);
            LLT_REQUIRE(o != NULL);
            if (pass) llmem_sc_free(&s, o);
            else llmem_pool_free(&p, o);
        }
        for (i = 0; i < 2000; i++) {
            void *o = pass ? llmem_sc_alloc(&s, 100) : llmem_pool_alloc(&p);
            LLT_REQUIRE(o != NULL);
            for (j = 0; j < nseen && seen[j] != o; j++) {}
            if (j == nseen && nseen < 4096) seen[nseen++] = o;
            memset(o, (int)i, 64);
            if (pass) llmem_sc_free(&s, o);
            else llmem_pool_free(&p, o);
        }
        LLT_CHECKF(nseen <= 33, "%s: a hot loop cycled through %zu objects", pass ? "size classes" : "pool", nseen);
        if (pass) llmem_sc_destroy(&s);
        else llmem_pool_destroy(&p);
    }
}

/* a hot loop of alloc+free pairs refills its alloc magazine once per window of pairs, whatever phase it
   starts in: a refill that took only what the free buffer held came back every few pairs, for good (each
   slow path moves the cache's seqcount by 2) */
static void pool_hot_refill_period(void) {
    static void *held[64];
    llmem_pool p;
    llmem_cache *c;
    uint32_t w, seq0, slow, worst = 0;
    int shift, i, k;
    for (shift = 0; shift < 64; shift++) {
        LLT_REQUIRE(llmem_pool_init(&p, 64, 16) == 0);
        LLT_REQUIRE((c = llmem_pool_cache(&p)) != NULL);
        w = c->window;
        LLT_REQUIRE(w >= 8);
        for (k = 0; k < shift; k++) LLT_REQUIRE((held[k] = llmem_cache_alloc(c)) != NULL);
        for (i = 0; i < 1000; i++) llmem_cache_free(c, llmem_cache_alloc(c)); /* past the first magazine */
        seq0 = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
        for (i = 0; i < 100 * (int)w; i++) {
            void *o = llmem_cache_alloc(c);
            LLT_REQUIRE(o != NULL);
            llmem_cache_free(c, o);
        }
        slow = (__atomic_load_n(&c->seq, __ATOMIC_RELAXED) - seq0) / 2;
        if (slow > worst) worst = slow;
        LLT_CHECKF(slow <= 101, "%u slow paths in %u pairs after a start shifted by %d objects (window %u)",
                   slow, 100 * w, shift, w);
        for (k = 0; k < shift; k++) llmem_cache_free(c, held[k]);
        llmem_pool_destroy(&p);
    }
    printf("  hot pairs: at most %u slow paths per 100 windows, over 64 starting phases\n", worst);
}

/* llmem_pool_stats / llmem_sc_stats read other threads' counts while they run: every read is a
   consistent count (never more than were started, never going back), and the last one is exact */
typedef struct {
    llmem_pool *pool;
    llmem_sc *sc;
    uint64_t steps, started;
    int stop;
} statarg;
static void *stat_worker(void *v) {
    statarg *a = (statarg *)v;
    void *o[64];
    uint64_t i, k;
    for (i = 0; i < a->steps; i++) {
        size_t n = 1 + (size_t)(i % 64), sz = 16 + (size_t)((i * 7) % 900);
        __atomic_fetch_add(&a->started, n, __ATOMIC_SEQ_CST);
        for (k = 0; k < n; k++) {
            o[k] = a->sc ? llmem_sc_alloc(a->sc, sz) : llmem_pool_alloc(a->pool);
            if (!o[k]) abort();
        }
        for (k = 0; k < n; k++) {
            if (a->sc) llmem_sc_free(a->sc, o[k]);
            else llmem_pool_free(a->pool, o[k]);
        }
    }
    llmem_thread_exit();
    __atomic_store_n(&a->stop, 1, __ATOMIC_SEQ_CST);
    return NULL;
}
static void stats_while_running(void) {
    llmem_pool p;
    llmem_sc s;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        statarg a[2];
        t_thread t[2];
        llmem_stats st;
        uint64_t last_a = 0, last_f = 0, reads = 0, started;
        int i, done = 0;
        memset(a, 0, sizeof a);
        if (pass == 0) LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 48, .magazine = 16, .node = -1}) == 0);
        else LLT_REQUIRE(llmem_sc_init(&s, 0, -1) == 0);
        for (i = 0; i < 2; i++) {
            a[i].pool = pass ? NULL : &p;
            a[i].sc = pass ? &s : NULL;
            a[i].steps = llt_scaled(20000, 500);
            LLT_REQUIRE(t_create(&t[i], stat_worker, &a[i]) == 0);
        }
        while (!done) {
            done = __atomic_load_n(&a[0].stop, __ATOMIC_SEQ_CST) && __atomic_load_n(&a[1].stop, __ATOMIC_SEQ_CST);
            if (pass) llmem_sc_stats(&s, &st, NULL);
            else llmem_pool_stats(&p, &st);
            started = __atomic_load_n(&a[0].started, __ATOMIC_SEQ_CST) + __atomic_load_n(&a[1].started, __ATOMIC_SEQ_CST);
            LLT_CHECKF(st.allocs <= started && st.frees <= started, "allocs %llu frees %llu, started %llu",
                       (unsigned long long)st.allocs, (unsigned long long)st.frees, (unsigned long long)started);
            LLT_CHECKF(st.allocs >= last_a && st.frees >= last_f,
                       "pass %d read %llu went back: allocs %llu<%llu or frees %llu<%llu", pass, (unsigned long long)reads,
                       (unsigned long long)st.allocs, (unsigned long long)last_a, (unsigned long long)st.frees,
                       (unsigned long long)last_f);
            last_a = st.allocs;
            last_f = st.frees;
            reads++;
        }
        for (i = 0; i < 2; i++) t_join(t[i]);
        if (pass) llmem_sc_stats(&s, &st, NULL);
        else llmem_pool_stats(&p, &st);
        started = a[0].started + a[1].started;
        LLT_EQ_U64(st.allocs, started);
        LLT_EQ_U64(st.frees, started);
        LLT_EQ_U64(st.live, 0);
        LLT_CHECK(reads > 0);
        if (pass) llmem_sc_destroy(&s);
        else llmem_pool_destroy(&p);
    }
}

/* zero lengths and counts: the documented result at once, never a crash */
static void zero_and_edge_arguments(void) {
    static unsigned char mem[4096] __attribute__((aligned(64)));
    uint64_t per[4] = {1, 1, 1, 1};
    llmem_pool p;
    llmem_sc s;
    llmem_arena a;
    llmem_pages pg;
    void *o;
    llmem_prefetch_range(mem, 0);
    llmem_prefetch_range(mem + 1, 1);
    LLT_EQ_I64(llmem_numa_node_bytes(mem, 0, per, 4), 0);
    LLT_EQ_U64(per[0] + per[1] + per[2] + per[3], 0);
    LLT_EQ_I64(llmem_numa_node_bytes(mem, 64, per, 0), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_numa_migrate(mem, 0, 0), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_numa_bind(mem, 0, LLMEM_NUMA_PREFERRED, 1, 0), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_pages_alloc(&pg, 0, LLMEM_PAGE_ANY), LLMEM_EINVAL);
    LLT_REQUIRE(llmem_pool_init(&p, 32, 8) == 0);
    LLT_EQ_I64(llmem_pool_add_memory(&p, mem, 0), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_pool_add_memory(&p, NULL, sizeof mem), LLMEM_EINVAL);
    llmem_pool_free(&p, NULL);
    llmem_pool_destroy(&p);
    llmem_arena_init(&a, mem, sizeof mem);
    o = llmem_arena_alloc(&a, 0, 64); /* a zero-byte allocation is a valid, aligned, unique-enough pointer */
    LLT_CHECK(o != NULL && ((uintptr_t)o & 63) == 0);
    LLT_EQ_U64(llmem_arena_used(&a), (uint64_t)((unsigned char *)o - mem));
    LLT_REQUIRE(llmem_sc_init(&s, 0, -1) == 0);
    o = llmem_sc_alloc(&s, 0); /* the smallest class */
    LLT_CHECK(o != NULL);
    llmem_sc_free(&s, o);
    llmem_sc_free(&s, NULL);
    llmem_sc_free_sized(&s, NULL, 64);
    llmem_sc_destroy(&s);
    o = llmem_aligned_alloc(0, 64);
    LLT_CHECK(o != NULL && ((uintptr_t)o & 63) == 0);
    llmem_aligned_free(o);
}

/* bulk calls against a model: random batch sizes (0 included), NULL entries, singles mixed in; no object
   handed out twice, every object aligned and writable, counts exact; the same for size classes */
static pset bulk_set;
static void bulk_model(int sc_mode) {
    static void *live[4096], *batch[300];
    llmem_pool p;
    llmem_sc s;
    llmem_stats st;
    size_t nlive = 0, i, k, steps = (size_t)llt_scaled(20000, 1000), sz = 0;
    uint64_t na = 0, nf = 0;
    memset(&bulk_set, 0, sizeof bulk_set);
    if (sc_mode) LLT_REQUIRE(llmem_sc_init(&s, g_pf, -1) == 0);
    else LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 48, .magazine = 16, .flags = g_pf, .node = -1}) == 0);
    LLT_EQ_U64(sc_mode ? llmem_sc_alloc_n(&s, 64, batch, 0) : llmem_pool_alloc_n(&p, batch, 0), 0);
    if (sc_mode) llmem_sc_free_n(&s, batch, 0);
    else llmem_pool_free_n(&p, batch, 0);
    for (i = 0; i < steps; i++) {
        size_t n = (size_t)(rnd() % 70), got;
        if (rnd() % 2 && nlive + n <= 4096) {
            if (sc_mode) sz = 1 + (size_t)(rnd() % 3000);
            got = sc_mode ? llmem_sc_alloc_n(&s, sz, batch, n) : llmem_pool_alloc_n(&p, batch, n);
            LLT_REQUIRE(got == n);
            for (k = 0; k < n; k++) {
                LLT_REQUIRE(batch[k] != NULL && !pset_has(&bulk_set, batch[k]));
                LLT_CHECK(((uintptr_t)batch[k] & 15) == 0);
                memset(batch[k], 0x5a, sc_mode ? sz : 48);
                pset_add(&bulk_set, batch[k]);
                live[nlive++] = batch[k];
            }
            na += n;
            if (n && rnd() % 4 == 0) { /* a single call in between */
                void *o = sc_mode ? llmem_sc_alloc(&s, 40) : llmem_pool_alloc(&p);
                LLT_REQUIRE(o && !pset_has(&bulk_set, o));
                if (sc_mode) llmem_sc_free(&s, o);
                else llmem_pool_free(&p, o);
                na++;
                nf++;
            }
        } else {
            size_t m = 0;
            if (n > nlive) n = nlive;
            for (k = 0; k < n; k++) { /* random victims, with a NULL now and then */
                size_t v = (size_t)(rnd() % nlive);
                if (rnd() % 8 == 0) batch[m++] = NULL;
                batch[m++] = live[v];
                pset_del(&bulk_set, live[v]);
                live[v] = live[--nlive];
            }
            if (sc_mode) llmem_sc_free_n(&s, batch, m);
            else llmem_pool_free_n(&p, batch, m);
            nf += n;
        }
    }
    if (sc_mode) llmem_sc_free_n(&s, live, nlive);
    else llmem_pool_free_n(&p, live, nlive);
    nf += nlive;
    if (sc_mode) llmem_sc_stats(&s, &st, NULL);
    else llmem_pool_stats(&p, &st);
    LLT_EQ_U64(st.allocs, na);
    LLT_EQ_U64(st.frees, nf);
    LLT_EQ_U64(st.live, 0);
    if (sc_mode) llmem_sc_destroy(&s);
    else llmem_pool_destroy(&p);
}
static void pool_bulk(void) { bulk_model(0); }
static void sc_bulk(void) { bulk_model(1); }

/* bulk through the thread-cache handle, and a bulk allocation that runs the pool out of memory */
static void pool_bulk_cache_and_oom(void) {
    static unsigned char mem[64 * 1024] __attribute__((aligned(64)));
    void *o[2000];
    llmem_pool p;
    llmem_cache *c;
    size_t got, i;
    LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 64, .magazine = 32, .flags = LLMEM_POOL_NO_GROW | g_pf, .node = -1}) == 0);
    LLT_REQUIRE(llmem_pool_add_memory(&p, mem, sizeof mem) == 0);
    c = llmem_pool_cache(&p);
    LLT_REQUIRE(c != NULL);
    LLT_EQ_U64(llmem_cache_alloc_n(c, o, 0), 0);
    got = llmem_cache_alloc_n(c, o, 2000); /* the region holds fewer: the count says how many */
    LLT_CHECK(got > 900 && got < 1024);
    for (i = 0; i < got; i++) memset(o[i], 1, 64);
    LLT_EQ_PTR(llmem_pool_alloc(&p), NULL);
    llmem_cache_free_n(c, o, got);
    LLT_EQ_U64(llmem_cache_alloc_n(c, o, got), got);
    llmem_cache_free_n(c, o, got);
    llmem_pool_destroy(&p);
}

static void pool_many_threads(void) {
    llmem_pool p;
    llmem_stats st;
    void *xchg[16];
    mixarg args[4];
    t_thread t[4];
    int i;
    memset(xchg, 0, sizeof xchg);
    LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 40, .magazine = 8, .flags = g_pf, .node = -1}) == 0);
    for (i = 0; i < 4; i++) {
        args[i].pool = &p;
        args[i].xchg = xchg;
        args[i].steps = llt_scaled(400000, 20000);
        args[i].seed = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
        args[i].bad = 0;
        LLT_REQUIRE(t_create(&t[i], mixer, &args[i]) == 0);
    }
    for (i = 0; i < 4; i++) t_join(t[i]);
    for (i = 0; i < 4; i++) LLT_EQ_I64(args[i].bad, 0);
    for (i = 0; i < 16; i++)
        if (xchg[i]) llmem_pool_free(&p, xchg[i]);
    llmem_pool_stats(&p, &st);
    LLT_EQ_U64(st.live, 0);
    LLT_EQ_U64(st.allocs, st.frees);
    llmem_pool_destroy(&p);
}

/* a remote free goes into the freeing thread's magazine: neighbours are never written */
typedef struct {
    llmem_pool *pool;
    unsigned char *obj[8];
} nbarg;
static void *nb_freer(void *arg) {
    nbarg *a = (nbarg *)arg;
    int i;
    for (i = 0; i < 8; i += 2) llmem_pool_free(a->pool, a->obj[i]); /* every other block */
    return NULL; /* thread exit hands the partial magazine to the depot */
}
static void pool_remote_free_writes(void) {
    llmem_pool p;
    nbarg a;
    t_thread t;
    int i, k;
    LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 64, .align = 64, .flags = g_pf, .node = -1}) == 0);
    a.pool = &p;
    for (i = 0; i < 8; i++) {
        LLT_REQUIRE((a.obj[i] = (unsigned char *)llmem_pool_alloc(&p)) != NULL);
        memset(a.obj[i], 0xC0 + i, 64);
    }
    for (i = 1; i < 8; i++) LLT_EQ_PTR(a.obj[i], a.obj[i - 1] + 64); /* adjacent, in address order */
    LLT_REQUIRE(t_create(&t, nb_freer, &a) == 0);
    t_join(t);
    for (i = 0; i < 8; i++) {
        /* magazines hold pointers: a free writes into no block; only the flush of a partial magazine at
           thread exit links the freed blocks through their first word */
        int from = (i % 2 == 0) ? (int)(2 * sizeof(void *)) : 0;
        for (k = from; k < 64; k++)
            if (a.obj[i][k] != (unsigned char)(0xC0 + i)) break;
        LLT_CHECKF(k == 64, "block %d byte %d written by a remote free", i, k);
    }
    for (i = 1; i < 8; i += 2) llmem_pool_free(&p, a.obj[i]);
    llmem_pool_destroy(&p);
}

/* thread exit returns a thread's cached objects to the depot */
static llmem_pool exit_pool;
static void *exit_worker(void *arg) {
    void *o[100];
    int i;
    (void)arg;
    for (i = 0; i < 100; i++) o[i] = llmem_pool_alloc(&exit_pool);
    for (i = 0; i < 100; i++) llmem_pool_free(&exit_pool, o[i]);
    return NULL; /* no explicit cleanup: the key destructor runs */
}
static void pool_thread_exit(void) {
    llmem_stats st;
    t_thread t;
    LLT_REQUIRE(llmem_pool_init_opts(&exit_pool, &(llmem_pool_opts){.obj_size = 64, .magazine = 16, .flags = g_pf, .node = -1}) == 0);
    LLT_REQUIRE(t_create(&t, exit_worker, NULL) == 0);
    t_join(t);
    llmem_pool_stats(&exit_pool, &st);
    LLT_EQ_U64(st.allocs, 100);
    LLT_EQ_U64(st.frees, 100);
    LLT_EQ_U64(st.live, 0);
    /* nothing stranded in the dead thread's cache: every carved object (whole magazines) is in the depot */
    LLT_CHECK(st.depot_objects >= 100 && st.depot_objects % 16 == 0);
    llmem_pool_destroy(&exit_pool);
}

#ifndef _WIN32
/* fork while another thread hammers the depot: the child must not inherit a held lock */
static volatile int fork_stop;
static void *fork_hammer(void *arg) {
    llmem_pool *p = (llmem_pool *)arg;
    void *o[64];
    int i;
    while (!__atomic_load_n(&fork_stop, __ATOMIC_RELAXED)) {
        for (i = 0; i < 64; i++) o[i] = llmem_pool_alloc(p);
        for (i = 0; i < 64; i++) llmem_pool_free(p, o[i]);
        llmem_pool_flush(p);
    }
    return NULL;
}
static void pool_fork(void) {
    llmem_pool p;
    pthread_t t;
    int i, forks = (int)llt_scaled(200, 20), ok = 0;
    if (T_TSAN) LLT_SKIP("fork with running threads is not supported under ThreadSanitizer");
    LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 32, .magazine = 4, .flags = g_pf, .node = -1}) == 0);
    fork_stop = 0;
    LLT_REQUIRE(pthread_create(&t, NULL, fork_hammer, &p) == 0);
    for (i = 0; i < forks; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            void *o[64];
            int k;
            alarm(10);
            for (k = 0; k < 64; k++) o[k] = llmem_pool_alloc(&p); /* slow paths take the depot lock */
            for (k = 0; k < 64; k++) llmem_pool_free(&p, o[k]);
            llmem_pool_flush(&p);
            _exit(o[0] ? 0 : 3);
        }
        if (pid > 0) {
            int st = 0;
            waitpid(pid, &st, 0);
            ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
        }
    }
    __atomic_store_n(&fork_stop, 1, __ATOMIC_RELAXED);
    pthread_join(t, NULL);
    LLT_EQ_I64(ok, forks);
    llmem_pool_destroy(&p);
}
#endif

#ifndef _WIN32
/* Steady state makes no system call and takes no page fault. After warm-up passes of an alloc/free
   sequence (fixed pool hot pairs, and 512 live size-class objects of mixed sizes replaced at random), a
   child enters seccomp strict mode, where any system call but read/write/exit kills it, and repeats the
   sequence; its page-fault count is compared before and after. */
static int populate_really_works(void);
static uint32_t steady_rng;
static uint32_t steady_next(void) {
    steady_rng = steady_rng * 1664525u + 1013904223u;
    return steady_rng >> 8;
}
static void steady_pass(llmem_pool *pool, llmem_sc *sc, void **win, long iters) {
    static const size_t sizes[] = {64, 200, 256, 1000, 4096, 9000, 65536};
    long i;
    steady_rng = 12345u;
    for (i = 0; i < iters; i++) {
        uint32_t r = steady_next();
        size_t k = r % 512u, sz = sizes[(r >> 9) % 7u];
        char *x = (char *)llmem_pool_alloc(pool);
        x[0] = (char)i;
        llmem_pool_free(pool, x);
        if (win[k]) llmem_sc_free(sc, win[k]);
        win[k] = llmem_sc_alloc(sc, sz);
        if (!win[k]) syscall(SYS_exit, 4);
        ((char *)win[k])[sz - 1] = 1;
    }
}
/* one child: warm up, then the steady state under strict seccomp (any system call kills it); *faults gets
   the minor+major faults the steady pass took, or stays -1 after a failed check */
static void steady_state_child_faults(long *faults) {
    int pfd[2], st = 0;
    pid_t pid;
    long before = -1;
    struct rusage ru;
    LLT_REQUIRE(pipe(pfd) == 0);
    pid = fork();
    LLT_REQUIRE(pid >= 0);
    if (pid == 0) {
        static llmem_pool pool;
        static llmem_sc sc;
        static void *win[512];
        long iters = (long)llt_scaled(200000, 20000);
        int w;
        close(pfd[0]);
        if (llmem_pool_init(&pool, 64, 16) != 0 || llmem_sc_init(&sc, 0, -1) != 0) _exit(2);
        for (w = 0; w < 3; w++) steady_pass(&pool, &sc, win, iters);
        prctl(PR_GET_SECCOMP, 0, 0, 0, 0); /* fault in the code used below before counting */
        syscall(SYS_getpid);
        if (write(pfd[1], &before, 0) != 0) _exit(3);
        getrusage(RUSAGE_SELF, &ru);
        before = ru.ru_minflt + ru.ru_majflt;
        if (write(pfd[1], &before, sizeof before) != (ssize_t)sizeof before) _exit(3);
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) != 0) _exit(5);
        steady_pass(&pool, &sc, win, iters);
        syscall(SYS_exit, 0); /* exit, not exit_group: the one exit strict mode allows */
    }
    close(pfd[1]);
    LLT_REQUIRE(read(pfd[0], &before, sizeof before) == (ssize_t)sizeof before);
    close(pfd[0]);
    LLT_REQUIRE(wait4(pid, &st, 0, &ru) == pid);
    LLT_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x (killed by signal %d = a system call)",
               st, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) *faults = ru.ru_minflt + ru.ru_majflt - before;
}
static void steady_state_no_syscall(void) {
    long faults = -1;
    int attempt;
    if (T_TSAN || T_ASAN) LLT_SKIP("sanitizer runtimes make system calls of their own");
    if (!populate_really_works()) LLT_SKIP("under qemu-user the emulator itself makes system calls");
    /* no system call in any attempt (strict seccomp kills the child); no page fault in at least one of
       three: a steady state that touched new memory would fault every time, while the kernel may take a
       page away for a moment (compaction, migration under memory pressure) and fault it back once */
    for (attempt = 0; attempt < 3; attempt++) {
        faults = -1;
        steady_state_child_faults(&faults);
        if (faults <= 0) break;
        printf("  steady state, attempt %d: %ld page fault(s) in the steady pass; trying again\n", attempt + 1, faults);
    }
    LLT_EQ_I64(faults, 0);
}
#endif

/* a pool re-created at the same address under another id must not reuse the thread's memo of the old one */
static void pool_reinit_same_address(void) {
    static llmem_pool a, filler[3];
    int i;
    void *x;
    for (i = 0; i < 20; i++) {
        LLT_REQUIRE(llmem_pool_init(&a, 48, 16) == 0);
        x = llmem_pool_alloc(&a); /* memo now points at a's caches */
        LLT_REQUIRE(x != NULL);
        llmem_pool_free(&a, x);
        llmem_pool_destroy(&a); /* frees those caches */
        LLT_REQUIRE(llmem_pool_init(&filler[i % 3], 16, 8) == 0); /* shifts the ids in use */
        LLT_REQUIRE(llmem_pool_init(&a, 48, 16) == 0);
        x = llmem_pool_alloc(&a);
        LLT_REQUIRE(x != NULL);
        memset(x, 1, 48);
        llmem_pool_free(&a, x);
        llmem_pool_destroy(&a);
        llmem_pool_destroy(&filler[i % 3]);
    }
}

static void pool_many_pools(void) {
    static llmem_pool pools[40];
    int i, j;
    for (j = 0; j < 3; j++) { /* ids are recycled; stale thread-cache entries must not be reused */
        for (i = 0; i < 40; i++) LLT_REQUIRE(llmem_pool_init(&pools[i], (size_t)(16 + i * 8), 8) == 0);
        for (i = 0; i < 40; i++) {
            void *o = llmem_pool_alloc(&pools[i]);
            LLT_REQUIRE(o != NULL);
            memset(o, 7, (size_t)(16 + i * 8));
            llmem_pool_free(&pools[i], o);
        }
        for (i = 0; i < 40; i++) llmem_pool_destroy(&pools[i]);
    }
}

/* the pool tests again on LLMEM_POOL_HANDOFF pools (free chains, whole-chain batches) */
#define T_HANDOFF(name)                                                                            \
    static void name##_handoff(void) {                                                            \
        g_pf = LLMEM_POOL_HANDOFF;                                                                 \
        name();                                                                                    \
        g_pf = 0;                                                                                  \
    }
T_HANDOFF(pool_model)
T_HANDOFF(pool_trim)
T_HANDOFF(pool_cross_thread)
T_HANDOFF(pool_many_threads)
T_HANDOFF(pool_thread_exit)
T_HANDOFF(pool_remote_free_writes)

/* ================================ size classes ================================ */
static void sc_classes(void) {
    size_t n, k;
    unsigned last = 0;
    LLT_EQ_U64(llmem_sc_class_size(0), 64);
    LLT_EQ_U64(llmem_sc_class_size(LLMEM_SC_CLASSES - 1), 1024 * 1024);
    LLT_EQ_U64(llmem_sc_class_size(LLMEM_SC_CLASSES), 0);
    for (k = 1; k < LLMEM_SC_CLASSES; k++) LLT_CHECK(llmem_sc_class_size((unsigned)k) > llmem_sc_class_size((unsigned)k - 1));
    /* the class is the smallest one that fits, for every size */
    for (n = 0; n <= LLMEM_SC_MAX; n++) {
        unsigned c = llmem_sc_class(n);
        if (c != last) {
            if (!(llmem_sc_class_size(c) >= n && (c == 0 || llmem_sc_class_size(c - 1) < n))) {
                LLT_CHECKF(0, "size %zu -> class %u (%zu)", n, c, llmem_sc_class_size(c));
                return;
            }
            last = c;
        } else if (llmem_sc_class_size(c) < n) {
            LLT_CHECKF(0, "size %zu -> class %u (%zu)", n, c, llmem_sc_class_size(c));
            return;
        }
    }
    LLT_EQ_U64(llmem_sc_class(65), 1);
    LLT_EQ_U64(llmem_sc_class(80), 1);
    LLT_EQ_U64(llmem_sc_class(81), 2);
    LLT_EQ_U64(llmem_sc_class(4096), llmem_sc_class(4000));
}

static void sc_model(void) {
    static llmem_sc s;
    static void *live[4096];
    static size_t lsz[4096];
    llmem_stats tot, per[LLMEM_SC_CLASSES];
    size_t nlive = 0, i;
    uint64_t steps = llt_scaled(100000, 3000), st, na = 0, nf = 0, nlarge = 0;
    memset(&g_set, 0, sizeof g_set);
    LLT_REQUIRE(llmem_sc_init(&s, g_pf, -1) == 0);
    for (st = 0; st < steps; st++) {
        uint64_t r = rnd();
        if (nlive == 0 || (nlive < 4096 && (r & 1))) {
            size_t sz;
            unsigned char *q;
            switch ((r >> 8) % 8) {
            case 0: sz = (size_t)(r >> 20) % 64 + 1; break;
            case 1: sz = (size_t)(r >> 20) % 1024; break;
            case 2: sz = (size_t)(r >> 20) % 65536; break;
            case 3: sz = (size_t)(r >> 20) % (1024 * 1024) + 1; break;
            case 4: sz = (st % 50 == 0) ? (size_t)(r >> 20) % (3 << 20) + (1 << 20) : 256; break;
            default: sz = 64 << ((r >> 20) % 8); break;
            }
            q = (unsigned char *)llmem_sc_alloc(&s, sz);
            LLT_REQUIRE(q != NULL);
            LLT_CHECK(((uintptr_t)q & 15) == 0);
            if (sz <= 4096 && sz >= 64 && (sz & (sz - 1)) == 0) LLT_CHECKF(((uintptr_t)q & (sz - 1)) == 0, "%zu", sz);
            LLT_CHECKF(!pset_has(&g_set, q), "block %p handed out twice", (void *)q);
            pset_add(&g_set, q);
            if (sz >= 3) {
                q[0] = (unsigned char)sz;
                q[sz - 1] = (unsigned char)(sz >> 3);
                q[sz / 2] = 0x77;
            }
            if (sz > LLMEM_SC_MAX) nlarge++;
            lsz[nlive] = sz;
            live[nlive++] = q;
            na++;
        } else {
            size_t k = (size_t)(r >> 32) % nlive, sz = lsz[k];
            unsigned char *q = (unsigned char *)live[k];
            if (sz >= 3) LLT_CHECK(q[0] == (unsigned char)sz && q[sz - 1] == (unsigned char)(sz >> 3) && q[sz / 2] == 0x77);
            pset_del(&g_set, q);
            live[k] = live[--nlive];
            lsz[k] = lsz[nlive];
            if (r & 2) llmem_sc_free_sized(&s, q, sz);
            else llmem_sc_free(&s, q);
            nf++;
        }
    }
    llmem_sc_stats(&s, &tot, per);
    LLT_EQ_U64(tot.allocs + tot.large_allocs, na);
    LLT_EQ_U64(tot.frees + tot.large_frees, nf);
    LLT_EQ_U64(tot.large_allocs, nlarge);
    LLT_EQ_U64(tot.hits + tot.misses, tot.allocs);
    LLT_CHECK(tot.hits > tot.allocs / 2); /* hit rate */
    {
        uint64_t sum = 0;
        for (i = 0; i < LLMEM_SC_CLASSES; i++) sum += per[i].allocs;
        LLT_EQ_U64(sum, tot.allocs);
    }
    for (i = 0; i < nlive; i++) llmem_sc_free(&s, live[i]);
    llmem_sc_flush(&s);
    {
        size_t got = llmem_sc_trim(&s);
        llmem_stats after;
        llmem_sc_stats(&s, &after, NULL);
        LLT_CHECK(got > 0);
        LLT_EQ_U64(after.bytes_held, 0);
        LLT_EQ_U64(after.large_bytes, 0);
    }
    llmem_sc_free(&s, NULL);
    llmem_sc_destroy(&s);
}

static void sc_cross_thread(void) {
    static xring r;
    static llmem_sc s;
    llmem_stats st;
    t_thread a, b;
    LLT_REQUIRE(llmem_sc_init(&s, g_pf, -1) == 0);
    memset(&r, 0, sizeof r);
    r.sc = &s;
    r.count = llt_scaled(200000, 10000);
    LLT_REQUIRE(t_create(&a, producer, &r) == 0);
    LLT_REQUIRE(t_create(&b, consumer, &r) == 0);
    t_join(a);
    t_join(b);
    LLT_EQ_I64(r.bad, 0);
    llmem_sc_stats(&s, &st, NULL);
    LLT_EQ_U64(st.allocs, r.count);
    LLT_EQ_U64(st.live, 0);
    llmem_sc_destroy(&s);
}

T_HANDOFF(sc_model)
T_HANDOFF(sc_bulk)
T_HANDOFF(pool_bulk)
T_HANDOFF(sc_cross_thread)
#ifndef _WIN32
T_HANDOFF(pool_fork)
#endif

/* ================================ pages ================================ */
#ifndef _WIN32
static long read_long(const char *path) {
    char b[64];
    int fd = open(path, O_RDONLY);
    ssize_t n;
    if (fd < 0) return -1;
    n = read(fd, b, sizeof b - 1);
    close(fd);
    if (n <= 0) return -1;
    b[n] = 0;
    return atol(b);
}
static int write_long(const char *path, long v) {
    char b[64];
    int fd = open(path, O_WRONLY), n;
    ssize_t w;
    if (fd < 0) return -errno;
    n = snprintf(b, sizeof b, "%ld\n", v);
    w = write(fd, b, (size_t)n);
    close(fd);
    return w == n ? 0 : -1;
}
#define HP2 "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
#define HP1G "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"
#define HP2_FREE "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
#define HP1G_FREE "/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages"

static size_t resident_pages(void *p, size_t len) {
    unsigned char v[4096];
    size_t n = len / 4096, i, r = 0;
    if (n > sizeof v || mincore(p, len, v) != 0) return 0;
    for (i = 0; i < n; i++) r += v[i] & 1;
    return r;
}
static long smaps_anon_huge_kb(void *addr) {
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[256];
    int in = 0;
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long a, b;
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = (uintptr_t)addr >= a && (uintptr_t)addr < b;
            continue;
        }
        if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) break;
    }
    fclose(f);
    return kb;
}
static int is_root(void) { return geteuid() == 0; }
/* qemu-user accepts madvise() and does nothing, and refuses MAP_HUGETLB: detect it and skip */
static int populate_really_works(void) {
    static int state = -1;
    if (state < 0) {
        void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        state = p != MAP_FAILED && madvise(p, 65536, 23 /* MADV_POPULATE_WRITE */) == 0 &&
                resident_pages(p, 65536) == 16;
        if (p != MAP_FAILED) munmap(p, 65536);
    }
    return state;
}
static int hugetlb_mappable(void) { /* call with at least one free 2 MiB page */
    void *p = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    if (p == MAP_FAILED) return errno != EINVAL;
    munmap(p, 2 << 20);
    return 1;
}
#endif

static void pages_4k(void) {
    llmem_pages pg;
    size_t sz = 3 * 1024 * 1024 + 5;
    LLT_EQ_I64(llmem_pages_alloc(&pg, 0, 0), LLMEM_EINVAL);
    LLT_REQUIRE(llmem_pages_alloc(&pg, sz, LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT) == 0);
    LLT_EQ_I64(pg.tier, LLMEM_TIER_4K);
    LLT_CHECK(pg.size >= sz && pg.size % llmem_page_size() == 0);
    LLT_CHECK(pg.prefault == LLMEM_PREFAULT_MADVISE || pg.prefault == LLMEM_PREFAULT_TOUCH);
#ifndef _WIN32
    if (populate_really_works()) LLT_EQ_U64(resident_pages(pg.addr, 2 * 1024 * 1024), 512); /* prefaulted */
#endif
    memset(pg.addr, 1, sz);
    LLT_EQ_STR(llmem_tier_name(pg.tier), "4k");
    LLT_EQ_I64(llmem_pages_free(&pg), 0);
    /* forced touch fallback */
    LLT_REQUIRE(llmem_pages_alloc(&pg, 1 << 20, LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT | LLMEM_PAGE_TOUCH) == 0);
    LLT_EQ_I64(pg.prefault, LLMEM_PREFAULT_TOUCH);
#ifndef _WIN32
    if (populate_really_works()) LLT_EQ_U64(resident_pages(pg.addr, 1 << 20), 256);
#endif
    llmem_pages_free(&pg);
    /* no prefault requested: nothing resident */
    LLT_REQUIRE(llmem_pages_alloc(&pg, 1 << 20, LLMEM_PAGE_4K) == 0);
    LLT_EQ_I64(pg.prefault, LLMEM_PREFAULT_NONE);
#ifndef _WIN32
    LLT_EQ_U64(resident_pages(pg.addr, 1 << 20), 0);
#endif
    llmem_pages_free(&pg);
}

#ifndef _WIN32
static void pages_thp(void) {
    llmem_pages pg;
    char b[128];
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    long kb;
    if (!f) LLT_SKIP("kernel has no transparent huge pages");
    if (!fgets(b, sizeof b, f)) b[0] = 0;
    fclose(f);
    if (strstr(b, "[never]")) LLT_SKIP("THP disabled ([never])");
    if (!populate_really_works()) LLT_SKIP("madvise is a no-op here (emulator)");
    LLT_REQUIRE(llmem_pages_alloc(&pg, 8 << 20, LLMEM_PAGE_THP | LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT) == 0);
    LLT_EQ_I64(pg.tier, LLMEM_TIER_THP);
    LLT_EQ_U64((uintptr_t)pg.addr & ((2u << 20) - 1), 0);
    kb = smaps_anon_huge_kb(pg.addr);
    LLT_CHECKF(kb != 0, "THP tier reported but AnonHugePages = %ld kB", kb); /* -1: smaps unreadable */
    memset(pg.addr, 3, pg.size);
    llmem_pages_free(&pg);
    /* below 2 MiB THP is not tried */
    LLT_REQUIRE(llmem_pages_alloc(&pg, 1 << 20, LLMEM_PAGE_ANY) == 0);
    LLT_EQ_I64(pg.tier, LLMEM_TIER_4K);
    llmem_pages_free(&pg);
}

static void pages_hugetlb_2m(void) {
    llmem_pages pg;
    long prev = read_long(HP2), fr;
    int r;
    if (prev < 0) LLT_SKIP("no 2 MiB hugetlb support");
    if (!is_root()) LLT_SKIP("not root: cannot reserve hugetlb pages");
    if (write_long(HP2, prev + 8) != 0 || read_long(HP2_FREE) < 8) {
        write_long(HP2, prev);
        LLT_SKIP("kernel could not reserve 8 x 2 MiB pages");
    }
    if (!hugetlb_mappable() || !populate_really_works()) {
        write_long(HP2, prev);
        LLT_SKIP("MAP_HUGETLB or madvise not supported here (emulator)");
    }
    fr = read_long(HP2_FREE);
    r = llmem_pages_alloc(&pg, 8 << 20, LLMEM_PAGE_2M | LLMEM_PAGE_PREFAULT);
    LLT_CHECK(r == 0);
    if (r == 0) {
        LLT_EQ_I64(pg.tier, LLMEM_TIER_2M);
        LLT_EQ_I64(read_long(HP2_FREE), fr - 4); /* populated at allocation */
        memset(pg.addr, 5, pg.size);
        llmem_pages_free(&pg);
    }
    /* shortage is reported by the call (no SIGBUS later): 32 MiB with 8 pages free */
    r = llmem_pages_alloc(&pg, 32 << 20, LLMEM_PAGE_2M);
    LLT_EQ_I64(r, LLMEM_ENOMEM);
    /* ... and with lower tiers allowed the chain falls through to THP or 4K */
    r = llmem_pages_alloc(&pg, 32 << 20, LLMEM_PAGE_ANY | LLMEM_PAGE_PREFAULT);
    LLT_CHECK(r == 0 && (pg.tier == LLMEM_TIER_THP || pg.tier == LLMEM_TIER_4K));
    if (r == 0) llmem_pages_free(&pg);
    /* with a NUMA policy: mmap, mbind, then MADV_POPULATE_WRITE */
    r = llmem_pages_alloc_numa(&pg, 4 << 20, LLMEM_PAGE_2M, LLMEM_NUMA_BIND, 1);
    LLT_CHECK(r == 0 && pg.tier == LLMEM_TIER_2M && pg.prefault != LLMEM_PREFAULT_NONE);
    if (r == 0) llmem_pages_free(&pg);
    write_long(HP2, prev);
    LLT_EQ_I64(read_long(HP2), prev);
}

static void pages_hugetlb_1g(void) {
    llmem_pages pg;
    long prev = read_long(HP1G);
    int r;
    if (prev < 0) LLT_SKIP("no 1 GiB hugetlb support in this kernel");
    if (!is_root()) LLT_SKIP("not root: cannot reserve 1 GiB pages");
    if (write_long(HP1G, prev + 1) != 0 || read_long(HP1G_FREE) < 1) {
        write_long(HP1G, prev);
        LLT_SKIP("kernel could not reserve a 1 GiB page (memory fragmented)");
    }
    if (!populate_really_works()) {
        write_long(HP1G, prev);
        LLT_SKIP("MAP_HUGETLB or madvise not supported here (emulator)");
    }
    r = llmem_pages_alloc(&pg, 1u << 30, LLMEM_PAGE_1G);
    LLT_CHECK(r == 0);
    if (r == 0) {
        LLT_EQ_I64(pg.tier, LLMEM_TIER_1G);
        LLT_EQ_U64((uintptr_t)pg.addr & ((1u << 30) - 1), 0);
        ((volatile char *)pg.addr)[(1u << 30) - 1] = 1;
        llmem_pages_free(&pg);
    }
    write_long(HP1G, prev);
    LLT_EQ_I64(read_long(HP1G), prev);
}

/* every step of the chain, made to fail in turn */
static void pages_fallback_chain(void) {
    llmem_pages pg;
    long prev2 = read_long(HP2), prev1 = read_long(HP1G);
    unsigned old;
    int thp = 0;
    char b[128];
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
        thp = fgets(b, sizeof b, f) && !strstr(b, "[never]");
        fclose(f);
    }
    if (is_root()) { /* real failure: empty hugetlb pools */
        if (prev2 > 0) write_long(HP2, 0);
        if (prev1 > 0) write_long(HP1G, 0);
    }
    if (read_long(HP2_FREE) <= 0 && read_long(HP1G_FREE) <= 0) {
        LLT_REQUIRE(llmem_pages_alloc(&pg, 1u << 30, LLMEM_PAGE_ANY) == 0);
        LLT_EQ_I64(pg.tier, thp ? LLMEM_TIER_THP : LLMEM_TIER_4K);
        llmem_pages_free(&pg);
    }
    /* forced: 1G and 2M fail -> THP; THP fails too -> 4K; nothing allowed -> ENOMEM */
    old = llmem_pages_debug_fail(LLMEM_PAGE_1G | LLMEM_PAGE_2M);
    LLT_REQUIRE(llmem_pages_alloc(&pg, 4 << 20, LLMEM_PAGE_ANY) == 0);
    LLT_EQ_I64(pg.tier, thp ? LLMEM_TIER_THP : LLMEM_TIER_4K);
    llmem_pages_free(&pg);
    llmem_pages_debug_fail(LLMEM_PAGE_1G | LLMEM_PAGE_2M | LLMEM_PAGE_THP);
    LLT_REQUIRE(llmem_pages_alloc(&pg, 4 << 20, LLMEM_PAGE_ANY | LLMEM_PAGE_PREFAULT) == 0);
    LLT_EQ_I64(pg.tier, LLMEM_TIER_4K);
    llmem_pages_free(&pg);
    LLT_EQ_I64(llmem_pages_alloc(&pg, 4 << 20, LLMEM_PAGE_1G | LLMEM_PAGE_2M | LLMEM_PAGE_THP), LLMEM_ENOMEM);
    llmem_pages_debug_fail(old);
    if (is_root()) {
        if (prev2 > 0) write_long(HP2, prev2);
        if (prev1 > 0) write_long(HP1G, prev1);
        LLT_EQ_I64(read_long(HP2), prev2);
    }
}

/* mlock beyond RLIMIT_MEMLOCK: in a child that drops CAP_IPC_LOCK */
static void pages_mlock_limit(void) {
    pid_t pid;
    int st = 0;
    llmem_pages pg;
    if (T_ASAN || T_TSAN) LLT_SKIP("the sanitizer runtime replaces mlock with a no-op");
    LLT_REQUIRE(llmem_pages_alloc(&pg, 1 << 20, LLMEM_PAGE_4K | LLMEM_PAGE_LOCK) == 0 || !is_root());
    if (pg.addr) {
        LLT_EQ_I64(pg.locked, 1);
        llmem_pages_free(&pg);
    }
    pid = fork();
    if (pid == 0) {
        struct rlimit rl;
        struct {
            uint32_t version;
            int pid;
        } hdr = {0x20080522, 0};
        struct {
            uint32_t eff, perm, inh;
        } data[2];
        int r;
        memset(data, 0, sizeof data);
        if (syscall(SYS_capget, &hdr, data) != 0) _exit(77);
        data[0].eff &= ~(1u << 14); /* CAP_IPC_LOCK */
        data[0].perm &= ~(1u << 14);
        if (syscall(SYS_capset, &hdr, data) != 0) _exit(77);
        rl.rlim_cur = rl.rlim_max = 64 * 1024;
        if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0) _exit(77);
        r = llmem_pages_alloc(&pg, 4 << 20, LLMEM_PAGE_4K | LLMEM_PAGE_LOCK);
        _exit(r == LLMEM_ENOMEM ? 0 : (r == LLMEM_EPERM ? 2 : 1));
    }
    LLT_REQUIRE(pid > 0);
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 77) LLT_SKIP("cannot drop CAP_IPC_LOCK here");
    LLT_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
}

static void file_map(void) {
    char path[64];
    llmem_pages pg;
    int fd, i;
    snprintf(path, sizeof path, "/tmp/llmem-test-%d.bin", (int)getpid());
    unlink(path);
    LLT_EQ_I64(llmem_file_map(&pg, path, 4096, 0), LLMEM_ENOENT);
    LLT_REQUIRE(llmem_file_map(&pg, path, (1 << 20) + 100, LLMEM_FILE_CREATE | LLMEM_PAGE_PREFAULT) == 0);
    LLT_EQ_U64(pg.size, (1 << 20) + 100);
    LLT_CHECK(pg.prefault != LLMEM_PREFAULT_NONE);
    for (i = 0; i < (1 << 20) + 100; i++) ((unsigned char *)pg.addr)[i] = (unsigned char)(i * 7);
    llmem_pages_free(&pg);
    LLT_REQUIRE(llmem_file_map(&pg, path, 0, LLMEM_PAGE_PREFAULT | LLMEM_FILE_SEQUENTIAL | LLMEM_PAGE_LOCK) == 0);
    LLT_EQ_U64(pg.size, (1 << 20) + 100);
    LLT_EQ_I64(pg.locked, 1);
    for (i = 0; i < (1 << 20) + 100; i += 997) LLT_CHECK(((unsigned char *)pg.addr)[i] == (unsigned char)(i * 7));
    llmem_pages_free(&pg);
    /* a mapping past the end of the file would SIGBUS: refused */
    LLT_EQ_I64(llmem_file_map(&pg, path, 4 << 20, LLMEM_FILE_WRITE), LLMEM_EINVAL);
    fd = open(path, O_RDONLY);
    LLT_CHECK(fd >= 0 && lseek(fd, 0, SEEK_END) == (1 << 20) + 100);
    if (fd >= 0) close(fd);
    unlink(path);
}
#endif

/* ================================ NUMA ================================ */
static int numa_kernel_ok(void) {
#ifdef _WIN32
    return 1;
#else
    return llmem_numa_available();
#endif
}

static void numa_queries(void) {
    int n = llmem_numa_node_count(), i;
    uint64_t total = 0, fr = 0;
    LLT_CHECK(n >= 1);
    LLT_EQ_I64(llmem_numa_node_of_cpu(-1), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_numa_node_of_cpu(1 << 20), LLMEM_EINVAL);
    for (i = 0; i < 2; i++) {
        int nd = llmem_numa_node_of_cpu(i);
        LLT_CHECK(nd >= 0 && nd < n);
    }
    LLT_EQ_I64(llmem_numa_node_memory(n, &total, &fr), LLMEM_ENODEV);
    LLT_EQ_I64(llmem_numa_node_memory(0, &total, &fr), 0);
    LLT_CHECK(total > (64u << 20) && fr <= total);
#if defined(LLT_HAVE_NUMA) && !defined(_WIN32)
    if (numa_available() >= 0) { /* the other backend agrees */
        long long lf = 0, lt = numa_node_size64(0, &lf);
        LLT_EQ_I64(n, numa_max_node() + 1);
        LLT_EQ_I64(llmem_numa_node_of_cpu(0), numa_node_of_cpu(0));
        LLT_CHECK(lt > 0 && (uint64_t)lt == total);
    }
#endif
}

static void numa_placement(void) {
    llmem_pages pg;
    uint64_t per[64];
    int n = llmem_numa_node_count(), r, mode = -1, node;
    uint64_t nodes = 0, all = n >= 64 ? ~0ull : ((1ull << n) - 1);
    (void)all;
    size_t sz = 4 << 20;
    if (!numa_kernel_ok()) LLT_SKIP("kernel (or emulator) has no NUMA policy syscalls");
    /* bad nodes: documented codes, checked before any syscall */
    LLT_EQ_I64(llmem_pages_alloc_numa(&pg, sz, LLMEM_PAGE_4K, LLMEM_NUMA_BIND, 1ull << 63), LLMEM_ENODEV);
    if (n < 64) LLT_EQ_I64(llmem_pages_alloc_numa(&pg, sz, LLMEM_PAGE_4K, LLMEM_NUMA_BIND, 1ull << n), LLMEM_ENODEV);
    LLT_EQ_I64(llmem_pages_alloc_numa(&pg, sz, LLMEM_PAGE_4K, LLMEM_NUMA_BIND, 0), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_pages_alloc_numa(&pg, sz, LLMEM_PAGE_4K, 17, 1), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_numa_set_policy(LLMEM_NUMA_BIND, 1ull << 40), LLMEM_ENODEV);
    LLT_EQ_I64(llmem_numa_migrate(&pg, 4096, 63), LLMEM_ENODEV);
    LLT_EQ_I64(llmem_pin_node(63), LLMEM_ENODEV);
    /* bound to the last node, prefaulted: every page there */
    node = n - 1;
    r = llmem_pages_alloc_numa(&pg, sz, LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT, LLMEM_NUMA_BIND, 1ull << node);
    LLT_REQUIRE(r == 0);
#ifndef _WIN32
    r = llmem_numa_node_of_addr((char *)pg.addr + 12345);
    if (r == LLMEM_ENOSYS || r == LLMEM_EPERM) {
        llmem_pages_free(&pg);
        LLT_SKIP("move_pages unavailable here (%s)", llmem_strerror(r));
    }
    LLT_EQ_I64(r, node);
    {
        int pm = -1;
        unsigned long mask = 0;
        (void)pm;
        (void)mask;
    }
#endif
    r = llmem_numa_node_bytes(pg.addr, sz, per, 64);
    LLT_EQ_I64(r, (long long)(sz / llmem_page_size()));
    LLT_EQ_U64(per[node], sz);
    LLT_EQ_I64(llmem_numa_migrate(pg.addr, sz, 0), (long long)(sz / llmem_page_size()));
    LLT_EQ_I64(llmem_numa_node_of_addr(pg.addr), 0);
    LLT_EQ_I64(llmem_numa_bind(pg.addr, sz, LLMEM_NUMA_PREFERRED, 1, LLMEM_NUMA_MOVE), 0);
    llmem_pages_free(&pg);
    /* interleaved and preferred */
#ifndef _WIN32
    r = llmem_pages_alloc_numa(&pg, sz, LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT, LLMEM_NUMA_INTERLEAVE, all);
    LLT_REQUIRE(r == 0);
    r = llmem_numa_node_bytes(pg.addr, sz, per, 64);
    LLT_EQ_I64(r, (long long)(sz / llmem_page_size()));
    if (n > 1) LLT_CHECK(per[0] > 0 && per[1] > 0);
    llmem_pages_free(&pg);
    /* a page not yet touched has no node */
    LLT_REQUIRE(llmem_pages_alloc(&pg, 1 << 20, LLMEM_PAGE_4K) == 0);
    LLT_EQ_I64(llmem_numa_node_of_addr(pg.addr), LLMEM_ENOENT);
    llmem_pages_free(&pg);
#endif
    r = llmem_pages_alloc_numa(&pg, sz, LLMEM_PAGE_4K | LLMEM_PAGE_PREFAULT, LLMEM_NUMA_PREFERRED, 1);
    LLT_REQUIRE(r == 0);
    LLT_EQ_I64(llmem_numa_node_of_addr(pg.addr), 0);
    llmem_pages_free(&pg);
    /* thread policy round trip */
    LLT_EQ_I64(llmem_numa_set_policy(LLMEM_NUMA_BIND, 1), 0);
    LLT_EQ_I64(llmem_numa_get_policy(&mode, &nodes), 0);
#ifndef _WIN32
    LLT_EQ_I64(mode, LLMEM_NUMA_BIND);
    LLT_EQ_U64(nodes, 1);
#if defined(LLT_HAVE_NUMA)
    {
        int lm = -1;
        unsigned long lmask = 0;
        LLT_EQ_I64(get_mempolicy(&lm, &lmask, 65, NULL, 0), 0); /* libnuma's view of the same policy */
        LLT_EQ_I64(lm, MPOL_BIND);
        LLT_EQ_U64(lmask, 1);
    }
#endif
#endif
    LLT_EQ_I64(llmem_numa_set_policy(LLMEM_NUMA_DEFAULT, 0), 0);
    LLT_EQ_I64(llmem_numa_get_policy(&mode, NULL), 0);
    LLT_EQ_I64(mode, LLMEM_NUMA_DEFAULT);
    /* a size-class pool and a fixed pool on a node */
    {
        static llmem_sc s;
        llmem_pool p;
        llmem_pool_opts o;
        void *x;
        LLT_REQUIRE(llmem_sc_init(&s, LLMEM_POOL_PREFAULT, node) == 0);
        x = llmem_sc_alloc(&s, 1000);
        LLT_REQUIRE(x != NULL);
        LLT_EQ_I64(llmem_numa_node_of_addr(x), node);
        llmem_sc_free(&s, x);
        llmem_sc_destroy(&s);
        memset(&o, 0, sizeof o);
        o.obj_size = 128;
        o.node = node;
        o.flags = LLMEM_POOL_THP;
        LLT_REQUIRE(llmem_pool_init_opts(&p, &o) == 0);
        x = llmem_pool_alloc(&p);
        LLT_REQUIRE(x != NULL);
        memset(x, 1, 128);
        LLT_EQ_I64(llmem_numa_node_of_addr(x), node);
        llmem_pool_free(&p, x);
        llmem_pool_destroy(&p);
    }
}

#ifdef LLMEM_USE_LIBNUMA
static void numa_backend_libnuma(void) { LLT_EQ_STR(llmem_numa_backend(), "libnuma"); }
#endif

/* ================================ CPU ================================ */
static void cpu_topology(void) {
    llmem_topology t;
    LLT_EQ_I64(llmem_topology_get(NULL), LLMEM_EINVAL);
    LLT_REQUIRE(llmem_topology_get(&t) == 0);
    LLT_CHECK(t.cpus >= 1);
    LLT_CHECK(t.cores >= 1 && t.cores <= t.cpus);
    LLT_CHECK(t.packages >= 1);
    LLT_EQ_I64(t.nodes, llmem_numa_node_count());
    LLT_CHECK(t.cache_line == 64 || t.cache_line == 128 || t.cache_line == 32);
#if defined(__x86_64__) && !defined(_WIN32)
    LLT_EQ_I64(t.cache_line, 64);
#endif
}

static void cpu_pinning(void) {
    llmem_topology t;
    int i, cpu;
    llmem_topology_get(&t);
    LLT_EQ_I64(llmem_pin_cpu(-1), LLMEM_EINVAL);
    for (i = 0; i < t.cpus && i < 4; i++) {
        int r = llmem_pin_cpu(i);
        if (r == LLMEM_ENOSYS || r == LLMEM_EINVAL) LLT_SKIP("affinity not supported here (%s)", llmem_strerror(r));
        LLT_EQ_I64(r, 0);
        cpu = llmem_current_cpu();
#ifdef _WIN32
        LLT_CHECK(cpu >= 0);
#else
        LLT_EQ_I64(cpu, i);
#endif
    }
    LLT_EQ_I64(llmem_pin_node(0), 0);
    LLT_EQ_I64(llmem_current_node(), 0);
    LLT_EQ_I64(llmem_pin_reset(), 0);
}

static void cpu_realtime(void) {
    int r = llmem_set_realtime(5);
    LLT_EQ_I64(llmem_set_realtime(100), LLMEM_EINVAL);
    if (r == LLMEM_EPERM) LLT_SKIP("no permission for real-time priority");
    LLT_EQ_I64(r, 0);
#ifndef _WIN32
    LLT_EQ_I64(sched_getscheduler(0), SCHED_FIFO);
#endif
    LLT_EQ_I64(llmem_set_realtime(0), 0);
#ifndef _WIN32
    LLT_EQ_I64(sched_getscheduler(0), SCHED_OTHER);
#endif
}

static void cpu_aligned(void) {
    size_t a;
    for (a = 1; a <= 65536; a <<= 1) {
        unsigned char *p = (unsigned char *)llmem_aligned_alloc(1000, a);
        LLT_REQUIRE(p != NULL);
        LLT_EQ_U64((uintptr_t)p & (a - 1), 0);
        memset(p, 9, 1000);
        llmem_prefetch_r(p);
        llmem_prefetch_w(p + 64);
        llmem_prefetch_range(p, 1000);
        llmem_aligned_free(p);
    }
    LLT_EQ_PTR(llmem_aligned_alloc(10, 3), NULL);
    {
        void *c = llmem_cacheline_alloc(10);
        LLT_EQ_U64((uintptr_t)c & (LLMEM_CACHE_LINE - 1), 0);
        llmem_aligned_free(c);
    }
    llmem_aligned_free(NULL);
}

/* ================================ statistics ================================ */
/* totals, live counts, bytes, hit rate and the footprint's peak, exact on a quiet pool; reset */
static void pool_stats_figures(void) {
    static void *o[300];
    llmem_pool p;
    llmem_stats st;
    uint64_t held, peak;
    int i;
    LLT_REQUIRE(llmem_pool_init_opts(&p, &(llmem_pool_opts){.obj_size = 100, .magazine = 16, .node = -1}) == 0);
    llmem_pool_stats(&p, &st);
    LLT_CHECK(st.allocs == 0 && st.bytes_held == 0 && st.bytes_peak == 0 && st.hit_rate == 0.0);
    for (i = 0; i < 64; i++) LLT_REQUIRE((o[i] = llmem_pool_alloc(&p)) != NULL);
    llmem_pool_stats(&p, &st);
    LLT_EQ_U64(st.allocs, 64);
    LLT_EQ_U64(st.misses, 4); /* four magazines of 16 carved from the slab */
    LLT_EQ_U64(st.hits, 60);
    LLT_CHECK(st.hit_rate > 0.9374 && st.hit_rate < 0.9376);
    for (i = 64; i < 300; i++) LLT_REQUIRE((o[i] = llmem_pool_alloc(&p)) != NULL);
    for (i = 0; i < 100; i++) llmem_pool_free(&p, o[i]);
    llmem_pool_stats(&p, &st);
    LLT_EQ_U64(st.allocs, 300);
    LLT_EQ_U64(st.frees, 100);
    LLT_EQ_U64(st.live, 200);
    LLT_EQ_U64(st.bytes_allocated, 300 * 100);
    LLT_EQ_U64(st.bytes_freed, 100 * 100);
    LLT_EQ_U64(st.live_bytes, 200 * 100);
    LLT_EQ_U64(st.hits + st.misses, st.allocs);
    LLT_CHECK(st.bytes_held > 0 && st.bytes_peak == st.bytes_held);
    held = st.bytes_held;
    for (i = 100; i < 300; i++) llmem_pool_free(&p, o[i]);
    LLT_CHECK(llmem_pool_trim(&p) > 0);
    llmem_pool_stats(&p, &st);
    LLT_CHECK(st.bytes_held < held);
    LLT_EQ_U64(st.bytes_peak, held); /* the high-water mark stays */
    peak = st.bytes_peak;
    llmem_pool_stats_reset(&p);
    llmem_pool_stats(&p, &st);
    LLT_CHECK(st.allocs == 0 && st.frees == 0 && st.hits == 0 && st.bytes_allocated == 0 && st.hit_rate == 0.0);
    LLT_EQ_U64(st.live, 0);
    LLT_CHECK(st.bytes_peak == st.bytes_held && st.bytes_peak < peak);
    for (i = 0; i < 10; i++) o[i] = llmem_pool_alloc(&p);
    for (i = 0; i < 4; i++) llmem_pool_free(&p, o[i]);
    llmem_pool_stats(&p, &st);
    LLT_CHECK(st.allocs == 10 && st.frees == 4 && st.live == 6 && st.live_bytes == 600);
    LLT_EQ_U64(st.bytes_allocated, 1000);
    for (i = 4; i < 10; i++) llmem_pool_free(&p, o[i]);
    llmem_pool_destroy(&p);
}

static void sc_stats_figures(void) {
    static const size_t sizes[] = {1, 64, 65, 300, 4096, 5000, 65536, LLMEM_SC_MAX};
    llmem_sc s;
    llmem_stats tot, per[LLMEM_SC_CLASSES];
    void *o[8], *big;
    uint64_t want = 0, sum = 0, peak;
    size_t i;
    LLT_REQUIRE(llmem_sc_init(&s, 0, -1) == 0);
    for (i = 0; i < 8; i++) {
        LLT_REQUIRE((o[i] = llmem_sc_alloc(&s, sizes[i])) != NULL);
        want += llmem_sc_class_size(llmem_sc_class(sizes[i]));
    }
    LLT_REQUIRE((big = llmem_sc_alloc(&s, 3u << 20)) != NULL); /* above 1 MiB: its own mapping */
    llmem_sc_stats(&s, &tot, per);
    LLT_EQ_U64(tot.allocs, 8);
    LLT_EQ_U64(tot.large_allocs, 1);
    LLT_CHECK(tot.large_bytes >= 3u << 20);
    LLT_EQ_U64(tot.bytes_allocated, want + tot.large_bytes);
    LLT_EQ_U64(tot.live_bytes, want + tot.large_bytes);
    for (i = 0; i < LLMEM_SC_CLASSES; i++) sum += per[i].bytes_allocated;
    LLT_EQ_U64(sum, want);
    LLT_CHECK(tot.bytes_held >= tot.large_bytes && tot.bytes_peak == tot.bytes_held);
    llmem_sc_free(&s, big);
    for (i = 0; i < 8; i++) llmem_sc_free(&s, o[i]);
    llmem_sc_stats(&s, &tot, NULL);
    LLT_EQ_U64(tot.live_bytes, 0);
    LLT_EQ_U64(tot.large_bytes, 0);
    LLT_CHECK(tot.bytes_peak > tot.bytes_held); /* the large mapping is gone, its peak remains */
    peak = tot.bytes_peak;
    LLT_EQ_U64(tot.bytes_freed, tot.bytes_allocated);
    llmem_sc_stats_reset(&s);
    llmem_sc_stats(&s, &tot, NULL);
    LLT_CHECK(tot.allocs == 0 && tot.large_allocs == 0 && tot.bytes_allocated == 0 && tot.bytes_peak < peak);
    o[0] = llmem_sc_alloc(&s, 100);
    llmem_sc_stats(&s, &tot, per);
    LLT_CHECK(tot.allocs == 1 && per[llmem_sc_class(100)].allocs == 1 && tot.bytes_allocated == llmem_sc_class_size(llmem_sc_class(100)));
    llmem_sc_free(&s, o[0]);
    llmem_sc_destroy(&s);
}

/* ================================ recorded topologies ================================ */
/* a two-socket server with 2 x 96 logical CPUs: Windows splits each node into two groups of 48 */
static const char *topo_2x96 =
    "# 2 sockets x 48 cores x 2 threads\n"
    "cpus 192\n"
    "node 0 cpus 0-95 total 256G free 512M distance 10 32\n"
    "node 1 cpus 96-191 total 256G free 200G distance 32 10\n"
    "group 0 cpus 0-47\n"
    "group 1 cpus 48-95\n"
    "group 2 cpus 96-143\n"
    "group 3 cpus 144-191\n"
    "package 0 cpus 0-95\n"
    "package 1 cpus 96-191\n"
    "smt 2\n"
    "cache l1d 48K l2 2M l3 105M line 64\n";
/* four nodes in a ring: 0-1 and 2-3 close, 1-3 and 0-2 across, 0-3 and 1-2 farthest */
static const char *topo_4node =
    "cpus 64\n"
    "node 0 cpus 0-15 total 64G free 30G distance 10 16 16 22\n"
    "node 1 cpus 16-31 total 64G free 30G distance 16 10 22 16\n"
    "node 2 cpus 32-47 total 64G free 30G distance 16 22 10 16\n"
    "node 3 cpus 48-63 total 64G free 30G distance 22 16 16 10\n";

static void *topo_unpinned_thread(void *arg) {
    int *seen = (int *)arg;
    seen[0] = llmem_current_cpu();
    seen[1] = llmem_pin_get(NULL, 0);
    return NULL;
}

/* the topology is built on first use: threads that race to it must all see the finished one (TSan in
   make check: the build once wrote the ready flag with a memset while readers polled it) */
typedef struct { int cpus, nodes, pin; } topo_seen;
static volatile int topo_go;
static void *topo_first_use_thread(void *arg) {
    topo_seen *s = (topo_seen *)arg;
    while (!__atomic_load_n(&topo_go, __ATOMIC_ACQUIRE)) llmem_cpu_relax();
    s->cpus = llmem_cpu_count();
    s->nodes = llmem_numa_node_count();
    s->pin = llmem_pin_get(NULL, 0);
    return NULL;
}
static void topology_concurrent_first_use(void) {
    enum { T = 4, ROUNDS = 20 };
    int round, i, want_cpus, want_nodes;
    LLT_EQ_I64(llmem_topology_load(NULL), 0);
    want_cpus = llmem_cpu_count();
    want_nodes = llmem_numa_node_count();
    for (round = 0; round < ROUNDS; round++) {
        t_thread th[T];
        topo_seen seen[T];
        memset(seen, 0, sizeof seen);
        LLT_EQ_I64(llmem_topology_load(NULL), 0); /* rebuilt on the next query */
        topo_go = 0;
        for (i = 0; i < T; i++) LLT_REQUIRE(t_create(&th[i], topo_first_use_thread, &seen[i]) == 0);
        __atomic_store_n(&topo_go, 1, __ATOMIC_RELEASE);
        for (i = 0; i < T; i++) t_join(th[i]);
        for (i = 0; i < T; i++) {
            LLT_EQ_I64(seen[i].cpus, want_cpus);
            LLT_EQ_I64(seen[i].nodes, want_nodes);
            LLT_CHECK(seen[i].pin >= 0);
        }
    }
}

static void topology_2x96(void) {
    llmem_topology t;
    llmem_pages pg;
    int cpus[256], n, g = -1, k = -1, order[8];
    uint64_t tot, fr;
    LLT_REQUIRE(llmem_topology_load(topo_2x96) == 0);
    LLT_EQ_I64(llmem_cpu_count(), 192);
    LLT_EQ_I64(llmem_numa_node_count(), 2);
    LLT_EQ_I64(llmem_numa_node_of_cpu(150), 1);
    LLT_EQ_I64(llmem_numa_node_of_cpu(95), 0);
    LLT_EQ_I64(llmem_numa_node_of_cpu(192), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_cpu_group(150, &g, &k), 0);
    LLT_EQ_I64(g, 3);
    LLT_EQ_I64(k, 6);
    LLT_EQ_I64(llmem_cpu_group(47, &g, &k), 0);
    LLT_CHECK(g == 0 && k == 47);
    LLT_EQ_I64(llmem_topology_get(&t), 0);
    LLT_CHECK(t.cpus == 192 && t.nodes == 2 && t.packages == 2 && t.groups == 4 && t.cores == 96);
    LLT_CHECK(t.l3_bytes == 105 << 20 && t.l1d_bytes == 48 << 10 && t.cache_line == 64);
    LLT_EQ_I64(llmem_numa_distance(0, 1), 32);
    LLT_EQ_I64(llmem_numa_distance(1, 1), 10);
    LLT_EQ_I64(llmem_numa_distance(0, 2), LLMEM_ENODEV);
    LLT_EQ_I64(llmem_numa_node_memory(1, &tot, &fr), 0);
    LLT_CHECK(tot == 256ull << 30 && fr == 200ull << 30);
    /* pinning to any CPU of any group (simulated: this machine has two CPUs) */
    LLT_EQ_I64(llmem_pin_cpu(150), 0);
    LLT_EQ_I64(llmem_current_cpu(), 150);
    LLT_EQ_I64(llmem_current_node(), 1);
    n = llmem_pin_get(cpus, 256);
    LLT_CHECK(n == 1 && cpus[0] == 150);
    { /* the simulation is per thread: another thread starts unpinned while this one stays on CPU 150 */
        t_thread th;
        int seen[2] = {-1, -1};
        LLT_REQUIRE(t_create(&th, topo_unpinned_thread, seen) == 0);
        t_join(th);
        LLT_EQ_I64(seen[0], 0);
        LLT_EQ_I64(seen[1], 192);
        LLT_EQ_I64(llmem_current_cpu(), 150);
    }
    LLT_EQ_I64(llmem_pin_cpu(192), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_pin_node(1), 0);
    n = llmem_pin_get(cpus, 256);
#ifdef _WIN32 /* one processor group per thread: the node's first group */
    LLT_CHECK(n == 48 && cpus[0] == 96 && cpus[47] == 143);
#else
    LLT_CHECK(n == 96 && cpus[0] == 96 && cpus[95] == 191);
#endif
    LLT_EQ_I64(llmem_current_node(), 1);
    LLT_EQ_I64(llmem_pin_reset(), 0);
    n = llmem_pin_get(cpus, 4); /* the count even when the array is shorter */
#ifdef _WIN32
    LLT_EQ_I64(n, 48);
#else
    LLT_EQ_I64(n, 192);
#endif
    /* node 0 has 512 MiB free: a 1 GiB request falls back to node 1, the nearest with room */
    LLT_EQ_I64(llmem_numa_order(0, order, 8), 2);
    LLT_CHECK(order[0] == 0 && order[1] == 1);
    LLT_EQ_I64(llmem_numa_nearest(0, 256ull << 20), 0);
    LLT_EQ_I64(llmem_numa_nearest(0, 1ull << 30), 1);
    LLT_EQ_I64(llmem_numa_nearest(0, 300ull << 30), LLMEM_ENOMEM);
    LLT_EQ_I64(llmem_numa_nearest(5, 1), LLMEM_ENODEV);
    LLT_EQ_I64(llmem_pages_alloc_near(&pg, 1u << 30, LLMEM_PAGE_4K, 0), 0); /* placement simulated, no touch */
    LLT_EQ_I64(pg.node, 1);
    llmem_pages_free(&pg);
    LLT_EQ_I64(llmem_pin_cpu(3), 0);
    LLT_EQ_I64(llmem_current_node(), 0);
    LLT_EQ_I64(llmem_topology_load(NULL), 0);
    LLT_CHECK(llmem_cpu_count() >= 1 && llmem_cpu_count() < 192);
}

static void topology_4node(void) {
    static char saved[4096], again[4096];
    int order[8], n;
    llmem_pages pg;
    LLT_REQUIRE(llmem_topology_load(topo_4node) == 0);
    LLT_EQ_I64(llmem_numa_node_count(), 4);
    n = llmem_numa_order(1, order, 8);
    LLT_EQ_I64(n, 4);
    LLT_CHECK(order[0] == 1 && order[1] == 0 && order[2] == 3 && order[3] == 2); /* ties by id */
    LLT_EQ_I64(llmem_numa_order(1, order, 2), 2);
    LLT_CHECK(order[0] == 1 && order[1] == 0);
    LLT_EQ_I64(llmem_numa_order(1, NULL, 0), 0);
    LLT_EQ_I64(llmem_numa_nearest(1, 10ull << 30), 1);
    /* node 1 full: its nearest neighbours, 0 then 3, then the far one */
    LLT_REQUIRE(llmem_topology_load(
                    "cpus 64\n"
                    "node 0 cpus 0-15 total 64G free 1G distance 10 16 16 22\n"
                    "node 1 cpus 16-31 total 64G free 0 distance 16 10 22 16\n"
                    "node 2 cpus 32-47 total 64G free 30G distance 16 22 10 16\n"
                    "node 3 cpus 48-63 total 64G free 20G distance 22 16 16 10\n") == 0);
    LLT_EQ_I64(llmem_numa_nearest(1, 512u << 20), 0);
    LLT_EQ_I64(llmem_numa_nearest(1, 2ull << 30), 3);
    LLT_EQ_I64(llmem_numa_nearest(1, 25ull << 30), 2);
    LLT_EQ_I64(llmem_pages_alloc_near(&pg, 1u << 20, LLMEM_PAGE_4K, 1), 0);
    LLT_EQ_I64(pg.node, 0);
    memset(pg.addr, 1, 1u << 20);
    llmem_pages_free(&pg);
    LLT_EQ_I64(pg.node, -1);
    LLT_EQ_I64(llmem_pin_node(2), 0);
    LLT_EQ_I64(llmem_current_cpu(), 32);
    LLT_EQ_I64(llmem_current_node(), 2);
    /* save, load what was saved, save again: the same text */
    n = llmem_topology_save(saved, sizeof saved);
    LLT_REQUIRE(n > 0 && (size_t)n < sizeof saved);
    LLT_EQ_I64(llmem_topology_save(NULL, 0), n);
    LLT_EQ_I64(llmem_topology_save(saved, 10), n); /* truncated: still the full length */
    n = llmem_topology_save(saved, sizeof saved);
    LLT_REQUIRE(llmem_topology_load(saved) == 0);
    LLT_EQ_I64(llmem_topology_save(again, sizeof again), n);
    LLT_EQ_STR(again, saved);
    LLT_EQ_I64(llmem_topology_load(NULL), 0);
}

/* the machine's own topology recorded, replayed and recorded again */
static void topology_roundtrip(void) {
    static char a[65536], b[65536];
    int n = llmem_topology_save(a, sizeof a), cpus = llmem_cpu_count(), nodes = llmem_numa_node_count();
    LLT_REQUIRE(n > 0 && (size_t)n < sizeof a);
    LLT_EQ_I64(llmem_numa_distance(0, 0), 10);
    LLT_REQUIRE(llmem_topology_load(a) == 0);
    LLT_EQ_I64(llmem_cpu_count(), cpus);
    LLT_EQ_I64(llmem_numa_node_count(), nodes);
    LLT_EQ_I64(llmem_topology_save(b, sizeof b), n);
    LLT_EQ_STR(a, b);
    LLT_EQ_I64(llmem_topology_load(NULL), 0);
}

static void topology_bad_records(void) {
    static const char *bad[] = {
        "",                                                        /* no cpus line */
        "node 0 cpus 0-3\n",                                       /* cpus must come first */
        "cpus 0\n",                                                /* no CPU */
        "cpus 4096\n",                                             /* above the maximum */
        "cpus 4\nnode 0 cpus 0-4\n",                               /* CPU out of range */
        "cpus 4\nnode 0 cpus 0-2\n",                               /* CPU 3 in no node */
        "cpus 4\nnode 0 cpus 0-2\nnode 1 cpus 2-3\n",              /* CPU 2 in two nodes */
        "cpus 4\nnode 64 cpus 0-3\n",                              /* node id above 63 */
        "cpus 4\nnode 0 cpus 0-1 distance 10 20\nnode 1 cpus 2-3 distance 20\n", /* a short row */
        "cpus 4\nnode 0 cpus 0-3 distance 0\n",                    /* a zero distance */
        "cpus 80\ngroup 0 cpus 0-79\n",                            /* a group above 64 CPUs */
        "cpus 4\ngroup 0 cpus 0-2\n",                              /* CPU 3 in no group */
        "cpus 4\nnode 0 cpus 3-1\n",                               /* reversed range */
        "cpus 4\nnode 0 cpus 0-3 whatever\n",                      /* unknown word */
        "cpus 4\nsockets 2\n",                                     /* unknown line */
        "cpus 4\ncpus 4\n",                                        /* twice */
        "cpus 4\nnode 0 cpus 0,,3\n",                              /* empty list item */
        "cpus 4\nnode 0 total 99999999999999999999999\n",          /* overflow */
    };
    size_t i;
    int cpus = llmem_cpu_count();
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        LLT_CHECKF(llmem_topology_load(bad[i]) == LLMEM_EINVAL, "record %zu accepted", i);
    LLT_EQ_I64(llmem_cpu_count(), cpus); /* a bad record leaves the source as it was */
    LLT_EQ_I64(llmem_topology_load("# comment only\ncpus 3 # trailing comment\n\n"), 0);
    LLT_EQ_I64(llmem_cpu_count(), 3);
    LLT_EQ_I64(llmem_numa_node_count(), 1);
    LLT_EQ_I64(llmem_topology_load(NULL), 0);
}

/* ACPI SLIT / SRAT parsing (Windows reads them through GetSystemFirmwareTable), on made-up tables */
static int prox_to_node(uint32_t d) { return d < 4 ? (int)(3 - d) : -1; } /* domains 0..3 = nodes 3..0 */
static void acpi_tables(void) {
    static unsigned char slit[44 + 16], srat[48 + 3 * 40];
    static llmem_i_topo t;
    uint64_t n = 4, total[LLMEM_I_NODES], len;
    uint32_t l = sizeof slit, dom, flags;
    int i, j;
    memset(&t, 0, sizeof t);
    memcpy(slit, "SLIT", 4);
    memcpy(slit + 4, &l, 4);
    memcpy(slit + 36, &n, 8);
    for (i = 0; i < 4; i++)
        for (j = 0; j < 4; j++) slit[44 + i * 4 + j] = (unsigned char)(i == j ? 10 : 10 + 4 * (i + j));
    llmem_i_slit_apply(&t, slit, sizeof slit, prox_to_node);
    LLT_EQ_I64(t.dist[3][3], 10);
    LLT_EQ_I64(t.dist[3][2], 14); /* domains 0,1 */
    LLT_EQ_I64(t.dist[0][1], 30); /* domains 3,2 */
    t.dist[0][1] = 0;
    llmem_i_slit_apply(&t, slit, 40, prox_to_node); /* truncated: ignored */
    slit[0] = 'X';
    llmem_i_slit_apply(&t, slit, sizeof slit, prox_to_node); /* wrong signature: ignored */
    LLT_EQ_I64(t.dist[0][1], 0);
    memset(total, 0, sizeof total);
    memcpy(srat, "SRAT", 4);
    l = sizeof srat;
    memcpy(srat + 4, &l, 4);
    for (i = 0; i < 3; i++) {
        unsigned char *e = srat + 48 + 40 * i;
        e[0] = 1;
        e[1] = 40;
        dom = i == 2 ? 0 : 1;
        len = (uint64_t)(i + 1) << 30;
        flags = i == 1 ? 0 : 1; /* the second range is disabled */
        memcpy(e + 2, &dom, 4);
        memcpy(e + 16, &len, 8);
        memcpy(e + 28, &flags, 4);
    }
    llmem_i_srat_totals(srat, sizeof srat, prox_to_node, total);
    LLT_EQ_U64(total[2], 1ull << 30); /* domain 1: 1 GiB enabled, 2 GiB disabled */
    LLT_EQ_U64(total[3], 3ull << 30); /* domain 0 */
    srat[48 + 1] = 0;                 /* a zero-length entry stops the walk */
    memset(total, 0, sizeof total);
    llmem_i_srat_totals(srat, sizeof srat, prox_to_node, total);
    LLT_EQ_U64(total[2] + total[3], 0);
}

/* ================================ cache control ================================ */
static void prefetch_hints(void) {
    static unsigned char buf[1 << 16];
    uint64_t sum = 0, want = 0;
    size_t i;
    int w, loc;
    for (i = 0; i < sizeof buf; i++) {
        buf[i] = (unsigned char)(i * 7);
        want += buf[i];
    }
    for (w = 0; w < 2; w++)
        for (loc = LLMEM_PF_NTA; loc <= LLMEM_PF_L1; loc++) llmem_prefetch(buf + 64 * (size_t)loc, w, loc);
    llmem_prefetch(NULL, 0, LLMEM_PF_L1); /* a prefetch never faults */
    llmem_prefetch_strided(buf, 4096, 16, 0, LLMEM_PF_L2);
    llmem_prefetch_strided(buf, 4096, 0, 1, LLMEM_PF_L2);
    llmem_prefetch_range(buf, 0);
    for (i = 0; i < sizeof buf; i++) {
        if ((i & 63) == 0) llmem_prefetch_stream(buf + i, buf + sizeof buf, 1024, LLMEM_PF_NTA);
        sum += buf[i];
    }
    llmem_prefetch_stream(buf, buf, 64, LLMEM_PF_L1); /* empty range */
    LLT_EQ_U64(sum, want);
}

#if defined(__x86_64__)
/* what this CPU offers: LLT_CPU_FEATURES when the CPU ladder (tests/cpus.sh) sets it, else cpuid */
static int cpu_has(const char *f) {
    const char *env = getenv("LLT_CPU_FEATURES"), *want = !strcmp(f, "avx512") ? "avx512f" : f;
    if (!strcmp(f, "sse2") || !strcmp(f, "none")) return 1;
    if (env) {
        size_t n = strlen(want);
        const char *q = env;
        while ((q = strstr(q, want)) != NULL) {
            if ((q == env || q[-1] == ',') && (q[n] == ',' || q[n] == 0)) return 1;
            q += n;
        }
        return 0;
    }
    __builtin_cpu_init();
    if (!strcmp(f, "avx512")) return !!__builtin_cpu_supports("avx512f");
    if (!strcmp(f, "avx2")) return !!__builtin_cpu_supports("avx2");
    return 0;
}
#endif
/* every path this CPU runs, forced in turn, against memcpy/memset at every alignment and the sizes
   around the 64-byte blocks; the bytes around the destination stay untouched */
static void nt_copy_fill_load(void) {
    static const char *paths[] = {"avx512", "avx2", "sse2", "stnp", "none"};
    static unsigned char src[70000], dst[70000 + 256], ref[70000 + 256];
    static const size_t lens[] = {0, 1, 63, 64, 65, 127, 128, 129, 255, 4096, 4097, 65536 + 31};
    size_t pi, li, i;
    int so, dof, ran = 0;
    for (i = 0; i < sizeof src; i++) src[i] = (unsigned char)(i * 131 + 7);
    LLT_EQ_I64(llmem_nt_select("bogus"), LLMEM_EOPNOTSUPP);
    LLT_CHECK(llmem_nt_threshold() == 1); /* LLMEM_NT_THRESHOLD=1, set in main: every size streams */
    for (pi = 0; pi < sizeof paths / sizeof paths[0]; pi++) {
        int r = llmem_nt_select(paths[pi]);
#if defined(__x86_64__)
        int want = !strcmp(paths[pi], "stnp") ? 0 : cpu_has(paths[pi]);
#elif defined(__aarch64__)
        int want = !strcmp(paths[pi], "stnp") || !strcmp(paths[pi], "none");
#else
        int want = !strcmp(paths[pi], "none");
#endif
        LLT_CHECKF((r == 0) == want, "path %s: select %d, cpu %s it", paths[pi], r, want ? "has" : "lacks");
        if (r != 0) continue;
        LLT_EQ_STR(llmem_nt_path(), paths[pi]);
        ran++;
        for (li = 0; li < sizeof lens / sizeof lens[0]; li++)
            for (so = 0; so < 64; so += (lens[li] > 4096 ? 21 : 7))
                for (dof = 0; dof < 64; dof += (lens[li] > 4096 ? 23 : 5)) {
                    size_t n = lens[li];
                    memset(dst, 0xEE, sizeof dst);
                    memset(ref, 0xEE, sizeof ref);
                    memcpy(ref + 64 + dof, src + so, n);
                    LLT_EQ_PTR(llmem_nt_copy(dst + 64 + dof, src + so, n), dst + 64 + dof);
                    if (memcmp(dst, ref, sizeof dst) != 0) {
                        LLT_CHECKF(0, "%s copy len %zu src+%d dst+%d", paths[pi], n, so, dof);
                        return;
                    }
                    memset(dst, 0xEE, sizeof dst);
                    LLT_EQ_PTR(llmem_nt_load(dst + 64 + dof, src + so, n), dst + 64 + dof);
                    if (memcmp(dst, ref, sizeof dst) != 0) {
                        LLT_CHECKF(0, "%s load len %zu src+%d dst+%d", paths[pi], n, so, dof);
                        return;
                    }
                    memset(dst, 0xEE, sizeof dst);
                    memset(ref + 64 + dof, 0xA5, n);
                    LLT_EQ_PTR(llmem_nt_fill(dst + 64 + dof, 0xA5, n), dst + 64 + dof);
                    if (memcmp(dst, ref, sizeof dst) != 0) {
                        LLT_CHECKF(0, "%s fill len %zu dst+%d", paths[pi], n, dof);
                        return;
                    }
                }
    }
    LLT_CHECK(ran >= 1);
    LLT_EQ_I64(llmem_nt_select(NULL), 0);
#if defined(__x86_64__) /* the default is the best path the CPU offers */
    LLT_EQ_STR(llmem_nt_path(), cpu_has("avx512") ? "avx512" : cpu_has("avx2") ? "avx2" : "sse2");
    printf("  nt path: %s (%s)\n", llmem_nt_path(), getenv("LLT_CPU_MODEL") ? getenv("LLT_CPU_MODEL") : "host");
#endif
}

static void lock_all(void) {
    LLT_EQ_I64(llmem_lock_all(0), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_lock_all(LLMEM_LOCK_ONFAULT), LLMEM_EINVAL);
    LLT_EQ_I64(llmem_lock_all(0x80), LLMEM_EINVAL);
#ifdef _WIN32
    LLT_EQ_I64(llmem_lock_all(LLMEM_LOCK_FUTURE), LLMEM_EOPNOTSUPP);
    LLT_EQ_I64(llmem_lock_all(LLMEM_LOCK_CURRENT), 0);
    LLT_EQ_I64(llmem_unlock_all(), 0);
#else
    if (T_ASAN || T_TSAN) LLT_SKIP("the sanitizer runtimes turn mlockall into a no-op");
    {
        pid_t pid = fork();
        int st = 0;
        LLT_REQUIRE(pid >= 0);
        if (pid == 0) { /* a child: the locks must not outlive this test */
            FILE *f;
            char line[256];
            long before = -1, locked = -1, after = -1;
            int r = llmem_lock_all(LLMEM_LOCK_CURRENT | LLMEM_LOCK_FUTURE | LLMEM_LOCK_ONFAULT);
            void *p;
            if (r == LLMEM_EPERM || r == LLMEM_ENOMEM || r == LLMEM_EINVAL) _exit(3); /* limit / old kernel */
            if (r != 0) _exit(1);
            p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) _exit(1);
            memset(p, 1, 1 << 20); /* future and touched: locked */
            if ((f = fopen("/proc/self/status", "r")) != NULL) {
                while (fgets(line, sizeof line, f))
                    if (!strncmp(line, "VmLck:", 6)) locked = atol(line + 6);
                fclose(f);
            }
            if (llmem_unlock_all() != 0) _exit(1);
            if ((f = fopen("/proc/self/status", "r")) != NULL) {
                while (fgets(line, sizeof line, f))
                    if (!strncmp(line, "VmLck:", 6)) after = atol(line + 6);
                fclose(f);
            }
            (void)before;
            _exit(locked >= 1024 && after == 0 ? 0 : 2);
        }
        LLT_REQUIRE(waitpid(pid, &st, 0) == pid);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 3) LLT_SKIP("mlockall refused here (RLIMIT_MEMLOCK or kernel)");
        LLT_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
    }
#endif
}

#ifdef _WIN32
static void win_pages(void) {
    llmem_pages pg;
    int r = llmem_pages_alloc(&pg, 4 << 20, LLMEM_PAGE_ANY | LLMEM_PAGE_PREFAULT);
    LLT_REQUIRE(r == 0);
    LLT_CHECK(pg.tier == LLMEM_TIER_LARGE || pg.tier == LLMEM_TIER_4K); /* large pages need the privilege */
    printf("  windows: 4 MiB obtained as %s\n", llmem_tier_name(pg.tier));
    memset(pg.addr, 1, pg.size);
    llmem_pages_free(&pg);
    LLT_EQ_I64(llmem_pages_alloc_numa(&pg, 1 << 20, LLMEM_PAGE_4K, LLMEM_NUMA_BIND, 1ull << 40), LLMEM_ENODEV);
    LLT_REQUIRE(llmem_pages_alloc_numa(&pg, 1 << 20, LLMEM_PAGE_4K | LLMEM_PAGE_LOCK, LLMEM_NUMA_BIND, 1) == 0);
    LLT_EQ_I64(pg.locked, 1);
    llmem_pages_free(&pg);
    LLT_EQ_STR(llmem_numa_backend(), "windows");
}
static void win_file_map(void) {
    llmem_pages pg;
    const char *path = "llmem-test-win.bin";
    int i;
    DeleteFileA(path);
    LLT_EQ_I64(llmem_file_map(&pg, path, 4096, 0), LLMEM_ENOENT);
    LLT_REQUIRE(llmem_file_map(&pg, path, 65536, LLMEM_FILE_CREATE | LLMEM_PAGE_PREFAULT) == 0);
    for (i = 0; i < 65536; i++) ((unsigned char *)pg.addr)[i] = (unsigned char)i;
    llmem_pages_free(&pg);
    LLT_REQUIRE(llmem_file_map(&pg, path, 0, 0) == 0);
    LLT_EQ_U64(pg.size, 65536);
    LLT_CHECK(((unsigned char *)pg.addr)[1000] == (unsigned char)1000);
    llmem_pages_free(&pg);
    DeleteFileA(path);
}
#endif

int main(int argc, char **argv) {
#ifdef LLMEM_USE_LIBNUMA
    LLT_INIT("llmem-libnuma", argc, argv);
    LLT_RUN(numa_backend_libnuma);
#else
    LLT_INIT("llmem", argc, argv);
#endif
#ifdef _WIN32 /* every copy streams, whatever its size: the kernels run on small buffers too */
    _putenv("LLMEM_NT_THRESHOLD=1");
#else
    setenv("LLMEM_NT_THRESHOLD", "1", 1);
#endif
    LLT_RUN(arena_caller_memory);
    LLT_RUN(arena_os_chunks);
    LLT_RUN(pool_errors);
    LLT_RUN(zero_and_edge_arguments);
    LLT_RUN(pool_model);
    LLT_RUN(pool_caller_memory);
    LLT_RUN(pool_trim);
    LLT_RUN(pool_cross_thread);
    LLT_RUN(pool_many_threads);
    LLT_RUN(pool_hot_window);
    LLT_RUN(pool_hot_refill_period);
    LLT_RUN(pool_bulk);
    LLT_RUN(pool_bulk_cache_and_oom);
    LLT_RUN(stats_while_running);
    LLT_RUN(pool_thread_exit);
    LLT_RUN(pool_remote_free_writes);
#ifndef _WIN32
    LLT_RUN(pool_fork);
    LLT_RUN(steady_state_no_syscall);
#endif
    LLT_RUN(pool_many_pools);
    LLT_RUN(pool_reinit_same_address);
    LLT_RUN(pool_model_handoff);
    LLT_RUN(pool_trim_handoff);
    LLT_RUN(pool_cross_thread_handoff);
    LLT_RUN(pool_many_threads_handoff);
    LLT_RUN(pool_thread_exit_handoff);
    LLT_RUN(pool_remote_free_writes_handoff);
#ifndef _WIN32
    LLT_RUN(pool_fork_handoff);
#endif
    LLT_RUN(sc_classes);
    LLT_RUN(sc_model);
    LLT_RUN(pool_stats_figures);
    LLT_RUN(sc_stats_figures);
    LLT_RUN(sc_bulk);
    LLT_RUN(sc_cross_thread);
    LLT_RUN(sc_model_handoff);
    LLT_RUN(sc_bulk_handoff);
    LLT_RUN(pool_bulk_handoff);
    LLT_RUN(sc_cross_thread_handoff);
    LLT_RUN(pages_4k);
#ifndef _WIN32
    LLT_RUN(pages_thp);
    LLT_RUN(pages_hugetlb_2m);
    LLT_RUN(pages_hugetlb_1g);
    LLT_RUN(pages_fallback_chain);
    LLT_RUN(pages_mlock_limit);
    LLT_RUN(file_map);
#else
    LLT_RUN(win_pages);
    LLT_RUN(win_file_map);
#endif
    LLT_RUN(numa_queries);
    LLT_RUN(numa_placement);
    LLT_RUN(cpu_topology);
    LLT_RUN(cpu_pinning);
    LLT_RUN(cpu_realtime);
    LLT_RUN(cpu_aligned);
    LLT_RUN(topology_concurrent_first_use);
    LLT_RUN(topology_2x96);
    LLT_RUN(topology_4node);
    LLT_RUN(topology_roundtrip);
    LLT_RUN(topology_bad_records);
    LLT_RUN(acpi_tables);
    LLT_RUN(prefetch_hints);
    LLT_RUN(nt_copy_fill_load);
    LLT_RUN(lock_all);
    llmem_thread_exit();
    return LLT_FINISH();
}
