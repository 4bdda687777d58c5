/* tests/test_llq.c - functional and stress tests for llq.h */
#define LLQ_IMPLEMENTATION
#include "llq.h"
#include "lltest.h"

#include <stdlib.h>
#include <string.h>

/* threads: pthreads, or the Win32 API under mingw (no libpthread needed) */
#if defined(_WIN32)
#include <windows.h>
typedef HANDLE thr_t;
typedef struct thr_start {
    void *(*fn)(void *);
    void *arg;
} thr_start;
static DWORD WINAPI thr_tramp(LPVOID p) {
    thr_start s = *(thr_start *)p;
    free(p);
    s.fn(s.arg);
    return 0;
}
static void thr_create(thr_t *t, void *(*fn)(void *), void *arg) {
    thr_start *s = (thr_start *)malloc(sizeof *s);
    s->fn = fn;
    s->arg = arg;
    *t = CreateThread(NULL, 0, thr_tramp, s, 0, NULL);
}
static void thr_join(thr_t t) {
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}
static void thr_yield(void) { SwitchToThread(); }
static void thr_sleep_us(unsigned us) { Sleep(us / 1000 + 1); }
#else
#include <pthread.h>
#include <sched.h>
#include <time.h>
typedef pthread_t thr_t;
static void thr_create(thr_t *t, void *(*fn)(void *), void *arg) { pthread_create(t, NULL, fn, arg); }
static void thr_join(thr_t t) { pthread_join(t, NULL); }
static void thr_yield(void) { sched_yield(); }
static void thr_sleep_us(unsigned us) {
    struct timespec ts;
    ts.tv_sec = 0;
    ts.tv_nsec = (long)us * 1000;
    nanosleep(&ts, NULL);
}
#endif

/* the memory alignment llq requires is LLQ_CACHE_LINE (a build option: this test is also built with
   other values), never the line size of the CPU it runs on */
#define ALIGN (LLQ_CACHE_LINE > 128 ? LLQ_CACHE_LINE : 128)

#if defined(_WIN32)
#include <malloc.h>
static void *amem(size_t n) {
    void *p = _aligned_malloc(n ? n : 1, ALIGN);
    if (p) memset(p, 0xA5, n);
    return p;
}
#define afree(p) _aligned_free(p)
#else
static void *amem(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, ALIGN, n ? n : 1) != 0) return NULL;
    memset(p, 0xA5, n);
    return p;
}
#define afree(p) free(p)
#endif

static void relax(unsigned *spins) {
    if (++*spins >= 64) {
        *spins = 0;
        thr_yield();
    } else {
        llq_cpu_relax();
    }
}

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* a 32-byte payload: torn copies break the check words */
typedef struct item {
    uint64_t seq;
    uint64_t src;
    uint64_t a;
    uint64_t b;
} item;

static item make_item(uint64_t src, uint64_t seq) {
    item it;
    it.seq = seq;
    it.src = src;
    it.a = mix(seq * 31 + src);
    it.b = ~it.a ^ seq;
    return it;
}
static int item_ok(const item *it) { return it->a == mix(it->seq * 31 + it->src) && it->b == (~it->a ^ it->seq); }

/* ------------------------------------------------------------------------------------------ */

#define INIT_MEM 8192 /* more than any ring below needs, whatever the layout options */
static void init_validation(void) {
    size_t ms = llq_spsc_memsize(16, 8);
    unsigned char *m = (unsigned char *)amem(INIT_MEM);
    LLT_REQUIRE(m != NULL);
    LLT_REQUIRE(llq_mpmc_memsize(16, 8) <= INIT_MEM && llq_bytes_memsize(1024) <= INIT_MEM &&
                llq_bcast_memsize(8, 24) <= INIT_MEM && llq_seqlock_memsize(24) <= INIT_MEM);
    LLT_CHECK(ms > 0);
    LLT_EQ_U64(llq_spsc_memsize(15, 8), 0);
    LLT_EQ_U64(llq_spsc_memsize(16, 0), 0);
    LLT_EQ_I64(llq_spsc_init(NULL, ms, 16, 8), LLQ_EINVAL);
    LLT_EQ_I64(llq_spsc_init((llq_spsc *)m, ms, 12, 8), LLQ_ERANGE);
    LLT_EQ_I64(llq_spsc_init((llq_spsc *)m, ms, 0, 8), LLQ_ERANGE);
    LLT_EQ_I64(llq_spsc_init((llq_spsc *)m, ms, 16, 0), LLQ_EINVAL);
    LLT_EQ_I64(llq_spsc_init((llq_spsc *)m, ms - 1, 16, 8), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_spsc_init((llq_spsc *)(m + 8), ms, 16, 8), LLQ_EFAULT);
    LLT_EQ_I64(llq_spsc_init((llq_spsc *)m, ms, 16, 8), 0);

    ms = llq_mpmc_memsize(16, 8);
    LLT_EQ_I64(llq_mpmc_init(NULL, ms, 16, 8), LLQ_EINVAL);
    LLT_EQ_I64(llq_mpmc_init((llq_mpmc *)m, ms, 17, 8), LLQ_ERANGE);
    LLT_EQ_I64(llq_mpmc_init((llq_mpmc *)m, ms, 16, 0), LLQ_EINVAL);
    LLT_EQ_I64(llq_mpmc_init((llq_mpmc *)m, ms - 1, 16, 8), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_mpmc_init((llq_mpmc *)(m + 4), ms, 16, 8), LLQ_EFAULT);
    LLT_EQ_I64(llq_mpmc_init((llq_mpmc *)m, ms, 16, 8), 0);

    ms = llq_mpsc_memsize(16, 8);
    LLT_EQ_I64(llq_mpsc_init(NULL, ms, 16, 8), LLQ_EINVAL);
    LLT_EQ_I64(llq_mpsc_init((llq_mpsc *)m, ms, 3, 8), LLQ_ERANGE);
    LLT_EQ_I64(llq_mpsc_init((llq_mpsc *)m, ms - 8, 16, 8), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_mpsc_init((llq_mpsc *)m, ms, 16, 8), 0);

    ms = llq_bytes_memsize(1024);
    LLT_EQ_U64(llq_bytes_memsize(1000), 0);
    LLT_EQ_I64(llq_bytes_init(NULL, ms, 1024), LLQ_EINVAL);
    LLT_EQ_I64(llq_bytes_init((llq_bytes *)m, ms, 1000), LLQ_ERANGE);
    LLT_EQ_I64(llq_bytes_init((llq_bytes *)m, ms, 32), LLQ_ERANGE);
    LLT_EQ_I64(llq_bytes_init((llq_bytes *)m, ms - 1, 1024), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_bytes_init((llq_bytes *)(m + 1), ms, 1024), LLQ_EFAULT);

    ms = llq_bcast_memsize(8, 24);
    LLT_EQ_I64(llq_bcast_init(NULL, ms, 8, 24), LLQ_EINVAL);
    LLT_EQ_I64(llq_bcast_init((llq_bcast *)m, ms, 6, 24), LLQ_ERANGE);
    LLT_EQ_I64(llq_bcast_init((llq_bcast *)m, ms, 8, 0), LLQ_EINVAL);
    LLT_EQ_I64(llq_bcast_init((llq_bcast *)m, ms - 1, 8, 24), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_bcast_init((llq_bcast *)(m + 16), ms, 8, 24), LLQ_EFAULT);

    ms = llq_seqlock_memsize(24);
    LLT_EQ_I64(llq_seqlock_init(NULL, ms, 24, NULL), LLQ_EINVAL);
    LLT_EQ_I64(llq_seqlock_init((llq_seqlock *)m, ms, 0, NULL), LLQ_EINVAL);
    LLT_EQ_I64(llq_seqlock_init((llq_seqlock *)m, ms - 1, 24, NULL), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_seqlock_init((llq_seqlock *)(m + 8), ms, 24, NULL), LLQ_EFAULT);

    LLT_EQ_I64(llq_stack_init(NULL, 4096), LLQ_EINVAL);
    LLT_EQ_I64(llq_stack_init((llq_stack *)m, llq_stack_memsize() - 1), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_stack_init((llq_stack *)(m + 8), 4096), LLQ_EFAULT);
    {
        llq_msq_node dummy;
        LLT_EQ_I64(llq_msq_init((llq_msq *)m, llq_msq_memsize(), NULL), LLQ_EINVAL);
        LLT_EQ_I64(llq_msq_init(NULL, llq_msq_memsize(), &dummy), LLQ_EINVAL);
        LLT_EQ_I64(llq_msq_init((llq_msq *)m, llq_msq_memsize() - 1, &dummy), LLQ_ENOBUFS);
        LLT_EQ_I64(llq_msq_init((llq_msq *)(m + LLQ_CACHE_LINE), llq_msq_memsize(), &dummy), 0);
    }
    LLT_EQ_I64(llq_mpsc_list_init((llq_mpsc_list *)(m + LLQ_CACHE_LINE / 2), 4096), LLQ_EFAULT);
    LLT_EQ_I64(llq_mpsc_list_init((llq_mpsc_list *)m, 8), LLQ_ENOBUFS);
    LLT_EQ_U64(llq_ebr_memsize(0), 0);
    LLT_EQ_I64(llq_ebr_init((llq_ebr *)m, 64, 4), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_ebr_init((llq_ebr *)(m + 8), 4096, 4), LLQ_EFAULT);
    LLT_EQ_I64(llq_ebr_init((llq_ebr *)m, 4096, 0), LLQ_ERANGE);
    LLT_CHECK(strcmp(llq_strerror(LLQ_EBADMSG), "corrupt record") == 0);
    LLT_CHECK(strcmp(llq_strerror(12345), "unknown error") == 0);
    LLT_CHECK(strcmp(llq_version(), LLQ_VERSION_STRING) == 0);
    afree(m);
}

/* ------------------------------------------------------------------------------------------ */
/* SPSC                                                                                        */

/* the SPSC layout: each side's published index and each side's private state in separate isolated
   blocks (the producer stores head but never loads it, the consumer likewise tail) */
static void spsc_layout(void) {
    size_t ms = llq_spsc_memsize(8, 8), i;
    llq_spsc *q = (llq_spsc *)amem(ms);
    uint64_t v;
    LLT_EQ_U64(offsetof(llq_spsc, head) % LLQ_ISOLATE, 0);
    LLT_EQ_U64(offsetof(llq_spsc, phead) - offsetof(llq_spsc, head), LLQ_ISOLATE);
    LLT_EQ_U64(offsetof(llq_spsc, tail) - offsetof(llq_spsc, phead), LLQ_ISOLATE);
    LLT_EQ_U64(offsetof(llq_spsc, ctail) - offsetof(llq_spsc, tail), LLQ_ISOLATE);
    LLT_EQ_U64(sizeof(llq_spsc), 4 * LLQ_ISOLATE);
    LLT_CHECK(offsetof(llq_spsc, mb) + LLQ_SPSC_MAILBOX <= LLQ_CACHE_LINE);
    /* the private copies follow the published indices through every kind of operation */
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 8, 8) == 0);
    for (i = 0; i < 40; i++) {
        size_t got;
        uint64_t *p;
        v = i;
        switch (i % 4) {
        case 0: LLT_CHECK(llq_spsc_push(q, &v)); break;
        case 1: LLT_EQ_U64(llq_spsc_push_n(q, &v, 1), 1); break;
        default:
            p = (uint64_t *)llq_spsc_reserve(q, 1, &got);
            LLT_REQUIRE(p && got == 1);
            *p = v;
            llq_spsc_commit(q, 1);
            break;
        }
        LLT_EQ_U64(q->phead, __atomic_load_n(&q->head, __ATOMIC_RELAXED));
        switch (i % 3) {
        case 0: LLT_CHECK(llq_spsc_pop(q, &v)); break;
        case 1: LLT_EQ_U64(llq_spsc_pop_n(q, &v, 1), 1); break;
        default:
            p = (uint64_t *)llq_spsc_peek(q, 1, &got);
            LLT_REQUIRE(p && got == 1);
            v = *p;
            llq_spsc_release(q, 1);
            break;
        }
        LLT_EQ_U64(v, i);
        LLT_EQ_U64(q->ctail, __atomic_load_n(&q->tail, __ATOMIC_RELAXED));
        LLT_EQ_U64(llq_spsc_size(q), 0);
    }
    afree(q);
}

static void spsc_basic(void) {
    size_t ms = llq_spsc_memsize(8, sizeof(uint64_t));
    llq_spsc *q = (llq_spsc *)amem(ms);
    uint64_t v, i, round;
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 8, sizeof(uint64_t)) == 0);
    LLT_EQ_U64(llq_spsc_capacity(q), 8);
    LLT_CHECK(!llq_spsc_pop(q, &v));
    for (round = 0; round < 5; round++) { /* wraps the indices several times */
        for (i = 0; i < 8; i++) {
            v = round * 100 + i;
            LLT_CHECK(llq_spsc_push(q, &v));
        }
        LLT_EQ_U64(llq_spsc_size(q), 8);
        v = 999;
        LLT_CHECK(!llq_spsc_push(q, &v));
        for (i = 0; i < 8; i++) {
            LLT_CHECK(llq_spsc_pop(q, &v));
            LLT_EQ_U64(v, round * 100 + i);
        }
        LLT_CHECK(!llq_spsc_pop(q, &v));
        LLT_EQ_U64(llq_spsc_size(q), 0);
        v = 7; /* shift the start so the next round wraps mid-ring */
        LLT_CHECK(llq_spsc_push(q, &v));
        LLT_CHECK(llq_spsc_pop(q, &v));
        LLT_EQ_U64(v, 7);
    }
    afree(q);
}

static void spsc_odd_size_and_burst(void) {
    /* 13-byte elements take the generic copy path */
    size_t ms = llq_spsc_memsize(16, 13), i, n, got;
    llq_spsc *q = (llq_spsc *)amem(ms);
    unsigned char in[40 * 13], out[40 * 13];
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 16, 13) == 0);
    for (i = 0; i < sizeof in; i++) in[i] = (unsigned char)(i * 7 + 1);
    n = llq_spsc_push_n(q, in, 5);
    LLT_EQ_U64(n, 5);
    n = llq_spsc_pop_n(q, out, 3);
    LLT_EQ_U64(n, 3);
    LLT_EQ_MEM(out, in, 3 * 13);
    n = llq_spsc_push_n(q, in + 5 * 13, 40); /* only 14 fit, wrapping */
    LLT_EQ_U64(n, 14);
    LLT_CHECK(llq_spsc_push_n(q, in, 1) == 0);
    got = llq_spsc_pop_n(q, out, 40);
    LLT_EQ_U64(got, 16);
    LLT_EQ_MEM(out, in + 3 * 13, 16 * 13);
    LLT_EQ_U64(llq_spsc_pop_n(q, out, 4), 0);
    afree(q);
}

static void spsc_reserve_peek(void) {
    size_t ms = llq_spsc_memsize(8, 4), got = 0, i;
    llq_spsc *q = (llq_spsc *)amem(ms);
    uint32_t *p;
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 8, 4) == 0);
    p = (uint32_t *)llq_spsc_reserve(q, 6, &got);
    LLT_REQUIRE(p != NULL);
    LLT_EQ_U64(got, 6);
    for (i = 0; i < 6; i++) p[i] = (uint32_t)(10 + i);
    LLT_CHECK(llq_spsc_peek(q, 8, &got) == NULL); /* not committed yet */
    LLT_EQ_U64(got, 0);
    llq_spsc_commit(q, 6);
    p = (uint32_t *)llq_spsc_peek(q, 4, &got);
    LLT_REQUIRE(p != NULL);
    LLT_EQ_U64(got, 4);
    LLT_EQ_U64(p[0], 10);
    LLT_EQ_U64(p[3], 13);
    llq_spsc_release(q, 4);
    /* 2 in the ring at 4..5; contiguous free space runs only to the end of the ring */
    p = (uint32_t *)llq_spsc_reserve(q, 8, &got);
    LLT_REQUIRE(p != NULL);
    LLT_EQ_U64(got, 2);
    p[0] = 16;
    p[1] = 17;
    llq_spsc_commit(q, 2);
    p = (uint32_t *)llq_spsc_reserve(q, 8, &got);
    LLT_REQUIRE(p != NULL);
    LLT_EQ_U64(got, 4); /* wrapped: slots 0..3 */
    p[0] = 18;
    llq_spsc_commit(q, 1);
    p = (uint32_t *)llq_spsc_peek(q, 8, &got);
    LLT_REQUIRE(p != NULL);
    LLT_EQ_U64(got, 4);
    LLT_EQ_U64(p[0], 14);
    LLT_EQ_U64(p[3], 17);
    llq_spsc_release(q, 4);
    p = (uint32_t *)llq_spsc_peek(q, 8, &got);
    LLT_REQUIRE(p != NULL);
    LLT_EQ_U64(got, 1);
    LLT_EQ_U64(p[0], 18);
    llq_spsc_release(q, 1);
    LLT_EQ_U64(llq_spsc_size(q), 0);
    afree(q);
}

/* the edge mailbox never hands out anything but the item at the consumer's index */
static void spsc_mailbox(void) {
    size_t ms = llq_spsc_memsize(8, 8), got;
    llq_spsc *q = (llq_spsc *)amem(ms);
    uint64_t v, b[3] = {11, 12, 13}, *p;
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 8, 8) == 0);
    LLT_CHECK(q->cmb != 0);
    v = 10;
    LLT_CHECK(llq_spsc_push(q, &v));              /* mailbox: item 0 */
    LLT_EQ_U64(llq_spsc_push_n(q, b, 3), 3);      /* mailbox: item 3 */
    LLT_CHECK(llq_spsc_pop(q, &v));               /* refresh: index 0 != 3, from the slot */
    LLT_EQ_U64(v, 10);
    LLT_CHECK(llq_spsc_pop(q, &v));
    LLT_EQ_U64(v, 11);
    p = (uint64_t *)llq_spsc_reserve(q, 1, &got);
    LLT_REQUIRE(p && got == 1);
    *p = 14;
    llq_spsc_commit(q, 1);                        /* mailbox: item 4, copied from the slot */
    LLT_CHECK(llq_spsc_pop(q, &v));
    LLT_EQ_U64(v, 12);
    LLT_CHECK(llq_spsc_pop(q, &v));
    LLT_EQ_U64(v, 13);
    LLT_CHECK(llq_spsc_pop(q, &v));               /* at the edge, mailbox skipped: from the slot */
    LLT_EQ_U64(v, 14);
    LLT_EQ_U64(q->mb_seq, 5);                     /* a commit points the mailbox at the next index */
    LLT_CHECK(!llq_spsc_pop(q, &v));
    v = 15;
    LLT_CHECK(llq_spsc_push(q, &v));
    LLT_EQ_U64(q->mb_seq, 5);
    memset(q->mb, 0xEE, 8);                       /* only the mailbox has this: proves where pop reads */
    LLT_CHECK(llq_spsc_pop(q, &v));
    LLT_EQ_U64(v, 0xEEEEEEEEEEEEEEEEULL);         /* edge pop after a single push: the mailbox */
    /* after a burst the mailbox holds an older item; whatever it contains, it must not be used */
    v = 16;
    LLT_CHECK(llq_spsc_push(q, &v));              /* mailbox: item 6 */
    LLT_CHECK(llq_spsc_pop(q, &v));
    LLT_EQ_U64(v, 16);
    LLT_EQ_U64(llq_spsc_push_n(q, b, 2), 2);      /* items 7, 8: mailbox pointed at 9 */
    LLT_EQ_U64(q->mb_seq, 9);
    memset(q->mb, 0xEE, 8);
    LLT_CHECK(llq_spsc_pop(q, &v));
    LLT_EQ_U64(v, 11);
    LLT_CHECK(llq_spsc_pop(q, &v));
    LLT_EQ_U64(v, 12);
    LLT_CHECK(!llq_spsc_pop(q, &v));
    afree(q);
    /* elements larger than the mailbox never use it */
    ms = llq_spsc_memsize(4, LLQ_SPSC_MAILBOX + 8);
    q = (llq_spsc *)amem(ms);
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 4, LLQ_SPSC_MAILBOX + 8) == 0);
    LLT_CHECK(q->cmb == 0 && q->mb_on == 0);
    afree(q);
}

typedef struct quote {
    double px;
    uint32_t qty;
    uint16_t venue;
    char side;
} quote;
LLQ_SPSC_TYPED(quotes, quote);

static void spsc_typed(void) {
    size_t ms = quotes_memsize(4), i;
    llq_spsc *q = (llq_spsc *)amem(ms);
    quote a, b, arr[6];
    memset(&b, 0, sizeof b);
    LLT_REQUIRE(q && quotes_init(q, ms, 4) == 0);
    LLT_EQ_U64(q->esize, sizeof(quote));
    memset(&a, 0, sizeof a);
    a.px = 101.25;
    a.qty = 300;
    a.venue = 7;
    a.side = 'B';
    LLT_CHECK(quotes_push(q, &a));
    LLT_CHECK(quotes_pop(q, &b));
    LLT_CHECK(b.px == 101.25 && b.qty == 300 && b.venue == 7 && b.side == 'B');
    LLT_CHECK(!quotes_pop(q, &b));
    for (i = 0; i < 6; i++) {
        arr[i] = a;
        arr[i].qty = (uint32_t)i;
    }
    LLT_EQ_U64(quotes_push_n(q, arr, 6), 4);
    memset(arr, 0, sizeof arr);
    LLT_EQ_U64(quotes_pop_n(q, arr, 6), 4);
    LLT_EQ_U64(arr[3].qty, 3);
    /* interoperates with the untyped API */
    LLT_CHECK(llq_spsc_push(q, &a));
    LLT_CHECK(quotes_pop(q, &b));
    LLT_EQ_U64(b.qty, 300);
    afree(q);
}

typedef struct spsc_ctx {
    llq_spsc *q;
    uint64_t n;
    uint64_t bad;
    uint64_t got;
} spsc_ctx;

static void *spsc_producer(void *arg) {
    spsc_ctx *c = (spsc_ctx *)arg;
    uint64_t i = 0;
    unsigned spins = 0;
    while (i < c->n) {
        uint64_t mode = mix(i) % 3;
        if (mode == 0) {
            item it = make_item(1, i);
            if (llq_spsc_push(c->q, &it)) i++;
            else relax(&spins);
        } else if (mode == 1) {
            item b[8];
            uint64_t k, m = c->n - i < 8 ? c->n - i : 8;
            for (k = 0; k < m; k++) b[k] = make_item(1, i + k);
            k = llq_spsc_push_n(c->q, b, (size_t)m);
            if (k) i += k;
            else relax(&spins);
        } else {
            size_t got, k;
            item *p = (item *)llq_spsc_reserve(c->q, (size_t)(c->n - i < 5 ? c->n - i : 5), &got);
            if (!p) {
                relax(&spins);
                continue;
            }
            for (k = 0; k < got; k++) p[k] = make_item(1, i + k);
            llq_spsc_commit(c->q, got);
            i += got;
        }
    }
    return NULL;
}

static void *spsc_consumer(void *arg) {
    spsc_ctx *c = (spsc_ctx *)arg;
    uint64_t next = 0;
    unsigned spins = 0;
    while (next < c->n) {
        uint64_t mode = mix(next + 12345) % 3;
        item b[7];
        size_t k, m = 0;
        if (mode == 0) {
            m = llq_spsc_pop(c->q, b) ? 1 : 0;
        } else if (mode == 1) {
            m = llq_spsc_pop_n(c->q, b, 7);
        } else {
            size_t got;
            const item *p = (const item *)llq_spsc_peek(c->q, 6, &got);
            if (p) {
                for (k = 0; k < got; k++) b[k] = p[k];
                llq_spsc_release(c->q, got);
                m = got;
            }
        }
        if (!m) {
            relax(&spins);
            continue;
        }
        for (k = 0; k < m; k++) {
            if (b[k].seq != next || !item_ok(&b[k])) c->bad++;
            next++;
        }
        c->got += m;
    }
    return NULL;
}

static void spsc_stress(void) {
    size_t ms = llq_spsc_memsize(64, sizeof(item));
    llq_spsc *q = (llq_spsc *)amem(ms);
    spsc_ctx c;
    thr_t p, r;
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 64, sizeof(item)) == 0);
    memset(&c, 0, sizeof c);
    c.q = q;
    c.n = llt_scaled(3000000, 20000);
    thr_create(&p, spsc_producer, &c);
    thr_create(&r, spsc_consumer, &c);
    thr_join(p);
    thr_join(r);
    LLT_EQ_U64(c.bad, 0);
    LLT_EQ_U64(c.got, c.n);
    LLT_EQ_U64(llq_spsc_size(q), 0);
    afree(q);
}

/* ------------------------------------------------------------------------------------------ */
/* MPMC / MPSC                                                                                 */

/* A zero-length burst returns 0 at once on every ring kind, whatever state the ring is in (empty, partly
   full, full): the MPMC/MPSC burst loops once had no exit for n == 0 when the slot at the current position
   was free (push) or filled (pop). A watchdog turns a hang into a failure well before run.sh's timeout. */
#if !defined(_WIN32)
#include <signal.h>
#include <unistd.h>
static void t_zero_watchdog(int sig) {
    static const char msg[] = "FAIL llq/zero_length_bursts: a zero-length burst did not return (hang)\n";
    (void)sig;
    if (write(1, msg, sizeof msg - 1) < 0) _exit(3);
    _exit(3);
}
#define T_WATCHDOG(sec) (signal(SIGALRM, t_zero_watchdog), alarm(sec))
#else
#define T_WATCHDOG(sec) ((void)0)
#endif

static void zero_length_bursts(void) {
    enum { CAP = 8 };
    uint64_t in[CAP], out[CAP], v = 7;
    quote qin[CAP], qout[CAP];
    size_t state, k, got;
    memset(in, 0x11, sizeof in);
    memset(out, 0, sizeof out);
    memset(qin, 0, sizeof qin);
    memset(qout, 0, sizeof qout);
    T_WATCHDOG(60);
    for (state = 0; state < 3; state++) { /* 0: empty, 1: half full, 2: full */
        size_t fill = state == 0 ? 0 : state == 1 ? CAP / 2 : CAP;
        {
            size_t ms = llq_spsc_memsize(CAP, sizeof(uint64_t)), esz;
            for (esz = 8; esz <= 24; esz += 16) { /* a size with an inline path, one without */
                llq_spsc *q = (llq_spsc *)amem(llq_spsc_memsize(CAP, esz));
                unsigned char big[24];
                memset(big, 3, sizeof big);
                ms = llq_spsc_memsize(CAP, esz);
                LLT_REQUIRE(q && llq_spsc_init(q, ms, CAP, esz) == 0);
                for (k = 0; k < fill; k++) LLT_CHECK(llq_spsc_push(q, big));
                LLT_EQ_U64(llq_spsc_push_n(q, in, 0), 0);
                LLT_EQ_U64(llq_spsc_pop_n(q, out, 0), 0);
                LLT_EQ_U64(llq_spsc_push_n(q, NULL, 0), 0); /* nothing is read or written */
                LLT_EQ_U64(llq_spsc_pop_n(q, NULL, 0), 0);
                got = 99;
                LLT_CHECK(llq_spsc_reserve(q, 0, &got) == NULL); /* want 0: NULL, *got = 0 */
                LLT_EQ_U64(got, 0);
                LLT_CHECK(llq_spsc_reserve(q, 0, NULL) == NULL);
                llq_spsc_commit(q, 0);
                got = 99;
                LLT_CHECK(llq_spsc_peek(q, 0, &got) == NULL);
                LLT_EQ_U64(got, 0);
                llq_spsc_release(q, 0);
                LLT_EQ_U64(llq_spsc_size(q), fill);
                for (k = 0; k < fill; k++) LLT_CHECK(llq_spsc_pop(q, big)); /* nothing lost or added */
                LLT_CHECK(!llq_spsc_pop(q, big));
                afree(q);
            }
        }
        {
            size_t ms = quotes_memsize(CAP);
            llq_spsc *q = (llq_spsc *)amem(ms);
            LLT_REQUIRE(q && quotes_init(q, ms, CAP) == 0);
            for (k = 0; k < fill; k++) LLT_CHECK(quotes_push(q, &qin[0]));
            LLT_EQ_U64(quotes_push_n(q, qin, 0), 0);
            LLT_EQ_U64(quotes_pop_n(q, qout, 0), 0);
            LLT_EQ_U64(llq_spsc_size(q), fill);
            afree(q);
        }
        {
            size_t ms = llq_mpmc_memsize(CAP, sizeof(uint64_t));
            llq_mpmc *q = (llq_mpmc *)amem(ms);
            LLT_REQUIRE(q && llq_mpmc_init(q, ms, CAP, sizeof(uint64_t)) == 0);
            for (k = 0; k < fill; k++) LLT_CHECK(llq_mpmc_push(q, &v));
            LLT_EQ_U64(llq_mpmc_push_n(q, in, 0), 0);
            LLT_EQ_U64(llq_mpmc_pop_n(q, out, 0), 0);
            LLT_EQ_U64(llq_mpmc_push_n(q, NULL, 0), 0);
            LLT_EQ_U64(llq_mpmc_pop_n(q, NULL, 0), 0);
            LLT_EQ_U64(llq_mpmc_size(q), fill);
            got = llq_mpmc_pop_n(q, out, CAP);
            LLT_EQ_U64(got, fill);
            afree(q);
        }
        {
            size_t ms = llq_mpsc_memsize(CAP, sizeof(uint64_t));
            llq_mpsc *q = (llq_mpsc *)amem(ms);
            LLT_REQUIRE(q && llq_mpsc_init(q, ms, CAP, sizeof(uint64_t)) == 0);
            for (k = 0; k < fill; k++) LLT_CHECK(llq_mpsc_push(q, &v));
            LLT_EQ_U64(llq_mpsc_push_n(q, in, 0), 0);
            LLT_EQ_U64(llq_mpsc_pop_n(q, out, 0), 0);
            LLT_EQ_U64(llq_mpsc_size(q), fill);
            LLT_EQ_U64(llq_mpsc_push_n(q, NULL, 0), 0);
            LLT_EQ_U64(llq_mpsc_pop_n(q, NULL, 0), 0);
            got = llq_mpsc_pop_n(q, out, CAP);
            LLT_EQ_U64(got, fill);
            afree(q);
        }
        { /* broadcast: also a lapped reader (fill CAP + 3) */
            size_t ms = llq_bcast_memsize(CAP, sizeof(uint64_t));
            llq_bcast *q = (llq_bcast *)amem(ms);
            llq_bcast_reader r;
            size_t pos, h;
            LLT_REQUIRE(q && llq_bcast_init(q, ms, CAP, sizeof(uint64_t)) == 0);
            llq_bcast_reader_init(q, &r);
            for (k = 0; k < fill + (state == 2 ? 3 : 0); k++) llq_bcast_publish(q, &v);
            h = q->head;
            pos = r.pos;
            llq_bcast_publish_n(q, NULL, 0);
            LLT_EQ_U64(q->head, h);
            LLT_EQ_I64(llq_bcast_read_n(q, &r, NULL, 0), 0);
            LLT_EQ_U64(r.pos, pos);
            LLT_EQ_U64(r.dropped, 0);
            afree(q);
        }
    }
    { /* byte ring: a zero-length record is a record (1, len 0); a zero-size buffer gets EMSGSIZE for a
         non-empty record and leaves it in place */
        size_t ms = llq_bytes_memsize(256), len = 99;
        llq_bytes *q = (llq_bytes *)amem(ms);
        unsigned char buf[8];
        LLT_REQUIRE(q && llq_bytes_init(q, ms, 256) == 0);
        LLT_EQ_I64(llq_bytes_read(q, NULL, 0, &len), 0);
        LLT_CHECK(llq_bytes_write(q, NULL, 0));
        LLT_CHECK(llq_bytes_write(q, "abc", 3));
        LLT_EQ_I64(llq_bytes_read(q, NULL, 0, &len), 1);
        LLT_EQ_U64(len, 0);
        LLT_EQ_I64(llq_bytes_read(q, NULL, 0, &len), LLQ_EMSGSIZE);
        LLT_EQ_I64(llq_bytes_read(q, buf, sizeof buf, &len), 1);
        LLT_EQ_U64(len, 3);
        LLT_EQ_MEM(buf, "abc", 3);
        LLT_CHECK(llq_bytes_reserve(q, 0) != NULL);
        llq_bytes_commit(q, 0);
        LLT_EQ_I64(llq_bytes_read(q, buf, 0, &len), 1);
        LLT_EQ_U64(len, 0);
        LLT_EQ_I64(llq_bytes_read(q, buf, sizeof buf, &len), 0);
        afree(q);
    }
    { /* stack: an empty chain pushes nothing; take-all of an empty stack is NULL */
        llq_stack *s = (llq_stack *)amem(llq_stack_memsize());
        llq_stack_node a;
        LLT_REQUIRE(s && llq_stack_init(s, llq_stack_memsize()) == 0);
        llq_stack_push_list(s, NULL, NULL);
        LLT_CHECK(llq_stack_pop_all(s) == NULL);
        a.next = NULL;
        llq_stack_push(s, &a);
        llq_stack_push_list(s, NULL, NULL);
        llq_stack_push_list(s, &a, NULL);
        LLT_EQ_PTR(llq_stack_pop_all(s), &a);
        LLT_CHECK(a.next == NULL);
        afree(s);
    }
    { /* reclamation with nothing retired */
        size_t ms = llq_ebr_memsize(2);
        llq_ebr *d = (llq_ebr *)amem(ms);
        llq_ebr_thread *t;
        LLT_REQUIRE(d && llq_ebr_init(d, ms, 2) == 0 && llq_ebr_register(d, &t) == 0);
        LLT_EQ_U64(llq_ebr_poll(t), 0);
        LLT_EQ_U64(llq_ebr_drain(d), 0);
        LLT_EQ_U64(llq_ebr_pending(d), 0);
        llq_ebr_unregister(t);
        afree(d);
    }
#if !defined(_WIN32)
    alarm(0);
#endif
}

static void mpmc_basic(void) {
    size_t ms = llq_mpmc_memsize(8, 12), n;
    llq_mpmc *q = (llq_mpmc *)amem(ms);
    unsigned char e[12], in[20 * 12], out[20 * 12];
    uint32_t i, round;
    LLT_REQUIRE(q && llq_mpmc_init(q, ms, 8, 12) == 0);
    LLT_CHECK(!llq_mpmc_pop(q, e));
    for (round = 0; round < 3; round++) {
        for (i = 0; i < 8; i++) {
            memset(e, (int)(i + round), sizeof e);
            LLT_CHECK(llq_mpmc_push(q, e));
        }
        LLT_CHECK(!llq_mpmc_push(q, e));
        LLT_EQ_U64(llq_mpmc_size(q), 8);
        for (i = 0; i < 8; i++) {
            LLT_CHECK(llq_mpmc_pop(q, e));
            LLT_EQ_U64(e[0], i + round);
            LLT_EQ_U64(e[11], i + round);
        }
        LLT_CHECK(!llq_mpmc_pop(q, e));
    }
    for (i = 0; i < sizeof in; i++) in[i] = (unsigned char)(i ^ 0x5a);
    n = llq_mpmc_push_n(q, in, 3);
    LLT_EQ_U64(n, 3);
    n = llq_mpmc_push_n(q, in + 3 * 12, 20);
    LLT_EQ_U64(n, 5);
    LLT_EQ_U64(llq_mpmc_push_n(q, in, 2), 0);
    n = llq_mpmc_pop_n(q, out, 6);
    LLT_EQ_U64(n, 6);
    n += llq_mpmc_pop_n(q, out + 6 * 12, 20);
    LLT_EQ_U64(n, 8);
    LLT_EQ_MEM(out, in, 8 * 12);
    LLT_EQ_U64(llq_mpmc_pop_n(q, out, 2), 0);
    afree(q);

    {
        llq_mpsc *s;
        uint64_t v;
        ms = llq_mpsc_memsize(4, 8);
        s = (llq_mpsc *)amem(ms);
        LLT_REQUIRE(s && llq_mpsc_init(s, ms, 4, 8) == 0);
        for (v = 0; v < 4; v++) LLT_CHECK(llq_mpsc_push(s, &v));
        LLT_CHECK(!llq_mpsc_push(s, &v));
        LLT_EQ_U64(llq_mpsc_size(s), 4);
        LLT_CHECK(llq_mpsc_pop(s, &v));
        LLT_EQ_U64(v, 0);
        {
            uint64_t b[8];
            LLT_EQ_U64(llq_mpsc_pop_n(s, b, 8), 3);
            LLT_EQ_U64(b[2], 3);
            LLT_EQ_U64(llq_mpsc_push_n(s, b, 8), 4);
        }
        afree(s);
    }
}

/* the counters and the read-only constants on three separate blocks */
static void mpmc_layout(void) {
    LLT_EQ_U64(offsetof(llq_mpmc, enq) % LLQ_ISOLATE, 0);
    LLT_EQ_U64(offsetof(llq_mpmc, deq) - offsetof(llq_mpmc, enq), LLQ_ISOLATE);
    LLT_EQ_U64(offsetof(llq_mpmc, mask) - offsetof(llq_mpmc, deq), LLQ_ISOLATE);
    LLT_EQ_U64(offsetof(llq_mpmc, park) - offsetof(llq_mpmc, mask), LLQ_ISOLATE);
#if defined(LLQ_STATS)
    LLT_EQ_U64(offsetof(llq_mpmc, st_full) - offsetof(llq_mpmc, park), LLQ_ISOLATE);
    LLT_EQ_U64(offsetof(llq_mpmc, st_empty) - offsetof(llq_mpmc, st_full), LLQ_ISOLATE);
    LLT_EQ_U64(sizeof(llq_mpmc), 6 * LLQ_ISOLATE);
#else
    LLT_EQ_U64(sizeof(llq_mpmc), 4 * LLQ_ISOLATE); /* no statistics: nothing added */
#endif
}

/* waiting forms, one thread: several laps, mixed with the try forms, FIFO kept */
static void mpmc_wait_basic(void) {
    size_t ms = llq_mpmc_memsize(8, 12);
    llq_mpmc *q = (llq_mpmc *)amem(ms);
    unsigned char e[12];
    uint32_t i, round;
    LLT_REQUIRE(q && llq_mpmc_init(q, ms, 8, 12) == 0);
    for (round = 0; round < 5; round++) {
        for (i = 0; i < 8; i++) {
            memset(e, (int)(i * 7 + round), sizeof e);
            if ((i + round) & 1) llq_mpmc_push_wait(q, e);
            else LLT_CHECK(llq_mpmc_push(q, e));
        }
        LLT_CHECK(!llq_mpmc_push(q, e));
        LLT_EQ_U64(llq_mpmc_size(q), 8);
        for (i = 0; i < 8; i++) {
            memset(e, 0xEE, sizeof e);
            if ((i + round) & 2) llq_mpmc_pop_wait(q, e);
            else LLT_CHECK(llq_mpmc_pop(q, e));
            LLT_EQ_U64(e[0], (i * 7 + round) & 0xff);
            LLT_EQ_U64(e[11], (i * 7 + round) & 0xff);
        }
        LLT_CHECK(!llq_mpmc_pop(q, e));
        LLT_EQ_U64(llq_mpmc_size(q), 0);
    }
    afree(q);
}

typedef struct wait_op {
    llq_mpmc *q;
    uint64_t v;
    int done;
} wait_op;
static void *pop_waiter(void *arg) {
    wait_op *w = (wait_op *)arg;
    llq_mpmc_pop_wait(w->q, &w->v);
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    return NULL;
}
static void *push_waiter(void *arg) {
    wait_op *w = (wait_op *)arg;
    llq_mpmc_push_wait(w->q, &w->v);
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    return NULL;
}
/* pop_wait on an empty queue and push_wait on a full one wait, and finish once the other side acts */
static void mpmc_wait_blocks(void) {
    size_t ms = llq_mpmc_memsize(2, 8);
    llq_mpmc *q = (llq_mpmc *)amem(ms);
    wait_op w;
    thr_t t;
    uint64_t v;
    LLT_REQUIRE(q && llq_mpmc_init(q, ms, 2, 8) == 0);
    memset(&w, 0, sizeof w);
    w.q = q;
    thr_create(&t, pop_waiter, &w);
    thr_sleep_us(20000);
    LLT_CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
    v = 42;
    LLT_CHECK(llq_mpmc_push(q, &v));
    thr_join(t);
    LLT_CHECK(w.done);
    LLT_EQ_U64(w.v, 42);
    LLT_CHECK(!llq_mpmc_pop(q, &v));

    for (v = 1; v <= 2; v++) LLT_CHECK(llq_mpmc_push(q, &v));
    memset(&w, 0, sizeof w);
    w.q = q;
    w.v = 77;
    thr_create(&t, push_waiter, &w);
    thr_sleep_us(20000);
    LLT_CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
    LLT_CHECK(llq_mpmc_pop(q, &v));
    LLT_EQ_U64(v, 1);
    thr_join(t);
    LLT_CHECK(w.done);
    LLT_CHECK(llq_mpmc_pop(q, &v));
    LLT_EQ_U64(v, 2);
    LLT_CHECK(llq_mpmc_pop(q, &v));
    LLT_EQ_U64(v, 77);
    LLT_CHECK(!llq_mpmc_pop(q, &v));
    afree(q);

    {
        llq_mpsc *s;
        ms = llq_mpsc_memsize(4, 8);
        s = (llq_mpsc *)amem(ms);
        LLT_REQUIRE(s && llq_mpsc_init(s, ms, 4, 8) == 0);
        v = 9;
        llq_mpsc_push_wait(s, &v);
        v = 0;
        LLT_CHECK(llq_mpsc_pop(s, &v));
        LLT_EQ_U64(v, 9);
        afree(s);
    }
}

#define MP_PRODUCERS 3
#define MP_CONSUMERS 2

typedef struct mp_ctx {
    llq_mpmc *q;  /* mpmc mode */
    llq_mpsc *sq; /* mpsc mode */
    uint64_t per;
    int id;
    uint64_t bad;
    uint64_t got;
    unsigned char *seen; /* shared: [MP_PRODUCERS][per], counts deliveries (per-consumer arrays) */
    uint64_t *done;      /* shared counter of delivered items */
    int wait;            /* also use push_wait / pop_wait */
    uint64_t *claimed;   /* wait mode: items consumers have reserved (a pop_wait must have one coming) */
} mp_ctx;

static void *mp_producer(void *arg) {
    mp_ctx *c = (mp_ctx *)arg;
    uint64_t i = 0;
    unsigned spins = 0;
    while (i < c->per) {
        uint64_t r = mix(i ^ (uint64_t)c->id);
        if (c->wait && r % 3 == 2) {
            item it = make_item((uint64_t)c->id, i);
            if (c->q) llq_mpmc_push_wait(c->q, &it);
            else llq_mpsc_push_wait(c->sq, &it);
            i++;
        } else if (r & 1) {
            item it = make_item((uint64_t)c->id, i);
            if (c->q ? llq_mpmc_push(c->q, &it) : llq_mpsc_push(c->sq, &it)) i++;
            else relax(&spins);
        } else {
            item b[4];
            uint64_t k, m = c->per - i < 4 ? c->per - i : 4;
            for (k = 0; k < m; k++) b[k] = make_item((uint64_t)c->id, i + k);
            k = c->q ? llq_mpmc_push_n(c->q, b, (size_t)m) : llq_mpsc_push_n(c->sq, b, (size_t)m);
            if (k) i += k;
            else relax(&spins);
        }
    }
    return NULL;
}

static void *mp_consumer(void *arg) {
    mp_ctx *c = (mp_ctx *)arg;
    uint64_t last[MP_PRODUCERS], total = c->per * MP_PRODUCERS;
    unsigned spins = 0;
    int i;
    for (i = 0; i < MP_PRODUCERS; i++) last[i] = UINT64_MAX;
    while (__atomic_load_n(c->done, __ATOMIC_RELAXED) < total) {
        item b[5];
        size_t k, m;
        uint64_t r = mix(c->got ^ ((uint64_t)c->id << 40));
        if (c->wait) {
            /* reserve before taking: tickets taken never outnumber the items pushed, so every
               pop_wait has an item coming */
            uint64_t want = r % 3 == 0 ? 5 : 1, at = __atomic_fetch_add(c->claimed, want, __ATOMIC_RELAXED);
            if (at >= total) {
                __atomic_fetch_sub(c->claimed, want, __ATOMIC_RELAXED);
                relax(&spins);
                continue;
            }
            if (at + want > total) {
                __atomic_fetch_sub(c->claimed, at + want - total, __ATOMIC_RELAXED);
                want = total - at;
            }
            if (r % 3 == 1) {
                llq_mpmc_pop_wait(c->q, b);
                m = 1;
            } else if (r % 3 == 2) {
                m = llq_mpmc_pop(c->q, b) ? 1 : 0;
            } else {
                m = llq_mpmc_pop_n(c->q, b, (size_t)want);
            }
            if (m < want) __atomic_fetch_sub(c->claimed, want - m, __ATOMIC_RELAXED);
        } else if (r & 1) {
            m = c->q ? (llq_mpmc_pop(c->q, b) ? 1 : 0) : (llq_mpsc_pop(c->sq, b) ? 1 : 0);
        } else {
            m = c->q ? llq_mpmc_pop_n(c->q, b, 5) : llq_mpsc_pop_n(c->sq, b, 5);
        }
        if (!m) {
            relax(&spins);
            continue;
        }
        for (k = 0; k < m; k++) {
            uint64_t s = b[k].src;
            if (s >= MP_PRODUCERS || b[k].seq >= c->per || !item_ok(&b[k])) {
                c->bad++;
                continue;
            }
            /* per-producer FIFO as seen by this consumer */
            if (last[s] != UINT64_MAX && b[k].seq <= last[s]) c->bad++;
            last[s] = b[k].seq;
            c->seen[s * c->per + b[k].seq]++;
        }
        c->got += m;
        __atomic_fetch_add(c->done, (uint64_t)m, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void mp_run(int mpsc, int wait) {
    size_t ms = mpsc ? llq_mpsc_memsize(64, sizeof(item)) : llq_mpmc_memsize(64, sizeof(item));
    void *q = amem(ms);
    int nc = mpsc ? 1 : MP_CONSUMERS, i;
    uint64_t per = llt_scaled(600000, 5000), done = 0, claimed = 0, j, bad = 0, dup = 0, miss = 0, got = 0;
    mp_ctx pc[MP_PRODUCERS], cc[MP_CONSUMERS];
    thr_t pt[MP_PRODUCERS], ct[MP_CONSUMERS];
    LLT_REQUIRE(q != NULL);
    if (mpsc) LLT_REQUIRE(llq_mpsc_init((llq_mpsc *)q, ms, 64, sizeof(item)) == 0);
    else LLT_REQUIRE(llq_mpmc_init((llq_mpmc *)q, ms, 64, sizeof(item)) == 0);
    for (i = 0; i < nc; i++) {
        memset(&cc[i], 0, sizeof cc[i]);
        cc[i].q = mpsc ? NULL : (llq_mpmc *)q;
        cc[i].sq = mpsc ? (llq_mpsc *)q : NULL;
        cc[i].per = per;
        cc[i].id = i;
        cc[i].done = &done;
        cc[i].wait = mpsc ? 0 : wait; /* the single MPSC consumer has no waiting pop */
        cc[i].claimed = &claimed;
        cc[i].seen = (unsigned char *)calloc((size_t)(per * MP_PRODUCERS), 1);
        LLT_REQUIRE(cc[i].seen != NULL);
        thr_create(&ct[i], mp_consumer, &cc[i]);
    }
    for (i = 0; i < MP_PRODUCERS; i++) {
        memset(&pc[i], 0, sizeof pc[i]);
        pc[i].q = mpsc ? NULL : (llq_mpmc *)q;
        pc[i].sq = mpsc ? (llq_mpsc *)q : NULL;
        pc[i].per = per;
        pc[i].id = i;
        pc[i].done = &done;
        pc[i].wait = wait;
        thr_create(&pt[i], mp_producer, &pc[i]);
    }
    for (i = 0; i < MP_PRODUCERS; i++) thr_join(pt[i]);
    for (i = 0; i < nc; i++) thr_join(ct[i]);
    for (j = 0; j < per * MP_PRODUCERS; j++) {
        unsigned s = 0;
        for (i = 0; i < nc; i++) s += cc[i].seen[j];
        if (s == 0) miss++;
        if (s > 1) dup++;
    }
    for (i = 0; i < nc; i++) {
        bad += cc[i].bad;
        got += cc[i].got;
        free(cc[i].seen);
    }
    LLT_EQ_U64(bad, 0);
    LLT_EQ_U64(miss, 0);
    LLT_EQ_U64(dup, 0);
    LLT_EQ_U64(got, per * MP_PRODUCERS);
    afree(q);
}
static void mpmc_stress(void) { mp_run(0, 0); }
static void mpmc_wait_stress(void) { mp_run(0, 1); } /* waiting and try forms mixed on both sides */
static void mpsc_stress(void) { mp_run(1, 0); }
static void mpsc_wait_stress(void) { mp_run(1, 1); } /* producers: push_wait among the try forms */

/* intrusive unbounded MPSC */
typedef struct lnode {
    llq_mpsc_link link;
    uint64_t src, seq;
} lnode;

typedef struct list_ctx {
    llq_mpsc_list *q;
    lnode *nodes;
    uint64_t per;
    int id;
} list_ctx;

static void *list_producer(void *arg) {
    list_ctx *c = (list_ctx *)arg;
    uint64_t i;
    for (i = 0; i < c->per; i++) {
        c->nodes[i].src = (uint64_t)c->id;
        c->nodes[i].seq = i;
        llq_mpsc_list_push(c->q, &c->nodes[i].link);
        if ((i & 1023) == 0) thr_yield();
    }
    return NULL;
}

static void mpsc_list_stress(void) {
    llq_mpsc_list *q = (llq_mpsc_list *)amem(llq_mpsc_list_memsize());
    uint64_t per = llt_scaled(500000, 5000), next[MP_PRODUCERS] = {0}, got = 0, bad = 0;
    list_ctx pc[MP_PRODUCERS];
    thr_t pt[MP_PRODUCERS];
    unsigned spins = 0;
    int i;
    LLT_REQUIRE(q && llq_mpsc_list_init(q, llq_mpsc_list_memsize()) == 0);
    LLT_CHECK(llq_mpsc_list_pop(q) == NULL);
    {
        lnode a, b;
        llq_mpsc_list_push(q, &a.link);
        llq_mpsc_list_push(q, &b.link);
        LLT_EQ_PTR(llq_mpsc_list_pop(q), &a.link);
        LLT_EQ_PTR(llq_mpsc_list_pop(q), &b.link);
        LLT_CHECK(llq_mpsc_list_pop(q) == NULL);
    }
    for (i = 0; i < MP_PRODUCERS; i++) {
        pc[i].q = q;
        pc[i].per = per;
        pc[i].id = i;
        pc[i].nodes = (lnode *)malloc(sizeof(lnode) * (size_t)per);
        LLT_REQUIRE(pc[i].nodes != NULL);
        thr_create(&pt[i], list_producer, &pc[i]);
    }
    while (got < per * MP_PRODUCERS) {
        llq_mpsc_link *l = llq_mpsc_list_pop(q);
        lnode *n;
        if (!l) {
            relax(&spins);
            continue;
        }
        n = (lnode *)l;
        if (n->src >= MP_PRODUCERS || n->seq != next[n->src]) bad++;
        else next[n->src]++;
        got++;
    }
    for (i = 0; i < MP_PRODUCERS; i++) {
        thr_join(pt[i]);
        LLT_EQ_U64(next[i], per);
        free(pc[i].nodes);
    }
    LLT_EQ_U64(bad, 0);
    LLT_CHECK(llq_mpsc_list_pop(q) == NULL);
    afree(q);
}

/* ------------------------------------------------------------------------------------------ */
/* byte ring                                                                                   */

static void fill_rec(unsigned char *p, size_t len, uint64_t seq) {
    size_t i;
    for (i = 0; i < len; i++) p[i] = (unsigned char)(mix(seq) >> (8 * (i & 7))) ^ (unsigned char)i;
}
static int check_rec(const unsigned char *p, size_t len, uint64_t seq) {
    size_t i;
    for (i = 0; i < len; i++)
        if (p[i] != ((unsigned char)(mix(seq) >> (8 * (i & 7))) ^ (unsigned char)i)) return 0;
    return 1;
}

static void bytes_basic(void) {
    size_t ms = llq_bytes_memsize(256), len;
    llq_bytes *q = (llq_bytes *)amem(ms);
    unsigned char buf[256];
    const void *p;
    uint64_t i;
    int r;
    LLT_REQUIRE(q && llq_bytes_init(q, ms, 256) == 0);
    LLT_EQ_U64(llq_bytes_max_record(q), 120);
    LLT_CHECK(llq_bytes_reserve(q, 121) == NULL);
    LLT_EQ_I64(llq_bytes_peek(q, &p, &len), 0);
    /* many rounds of odd sizes: exercises the skip marker at the wrap */
    for (i = 0; i < 200; i++) {
        size_t l = (size_t)(mix(i) % 100);
        unsigned char *w = (unsigned char *)llq_bytes_reserve(q, l);
        LLT_REQUIRE(w != NULL);
        LLT_CHECK(((uintptr_t)w & 7) == 0);
        fill_rec(w, l, i);
        llq_bytes_commit(q, l);
        r = llq_bytes_peek(q, &p, &len);
        LLT_EQ_I64(r, 1);
        LLT_EQ_U64(len, l);
        LLT_CHECK(check_rec((const unsigned char *)p, len, i));
        llq_bytes_release(q);
    }
    /* fill until full, then drain with read() */
    for (i = 0; llq_bytes_write(q, "hello world", 11); i++) {}
    LLT_CHECK(i >= 8);
    LLT_EQ_I64(llq_bytes_read(q, buf, 4, &len), LLQ_EMSGSIZE);
    while ((r = llq_bytes_read(q, buf, sizeof buf, &len)) == 1) {
        LLT_EQ_U64(len, 11);
        LLT_EQ_MEM(buf, "hello world", 11);
        i--;
    }
    LLT_EQ_I64(r, 0);
    LLT_EQ_U64(i, 0);
    /* empty records are legal */
    LLT_CHECK(llq_bytes_write(q, "", 0));
    LLT_EQ_I64(llq_bytes_read(q, buf, sizeof buf, &len), 1);
    LLT_EQ_U64(len, 0);
    /* commit with a shorter length than reserved */
    LLT_CHECK(llq_bytes_reserve(q, 100) != NULL);
    llq_bytes_commit(q, 3);
    LLT_EQ_I64(llq_bytes_peek(q, &p, &len), 1);
    LLT_EQ_U64(len, 3);
    llq_bytes_release(q);
    afree(q);
}

static void bytes_corrupt(void) {
    size_t ms = llq_bytes_memsize(256), len;
    llq_bytes *q = (llq_bytes *)amem(ms);
    unsigned char *data = (unsigned char *)q + sizeof(llq_bytes);
    const void *p;
    uint32_t hdr[2];
    LLT_REQUIRE(q && llq_bytes_init(q, ms, 256) == 0);
    LLT_CHECK(llq_bytes_write(q, "abcdefgh", 8));
    /* header and its check word disagree */
    data[0] ^= 0x40;
    LLT_EQ_I64(llq_bytes_peek(q, &p, &len), LLQ_EBADMSG);
    /* consistent header whose length runs past the published data */
    hdr[0] = 64;
    hdr[1] = ~hdr[0];
    memcpy(data, hdr, 8);
    LLT_EQ_I64(llq_bytes_peek(q, &p, &len), LLQ_EBADMSG);
    /* length past the end of the ring */
    hdr[0] = 0x7ffffff0u;
    hdr[1] = ~hdr[0];
    memcpy(data, hdr, 8);
    LLT_EQ_I64(llq_bytes_peek(q, &p, &len), LLQ_EBADMSG);
    /* corrupt published index */
    q->head = q->tail + 3;
    q->head_cache = q->tail + 3;
    LLT_EQ_I64(llq_bytes_peek(q, &p, &len), LLQ_EBADMSG);
    /* skip marker claiming more than is available */
    LLT_REQUIRE(llq_bytes_init(q, ms, 256) == 0);
    LLT_CHECK(llq_bytes_write(q, "x", 1));
    hdr[0] = 0xFFFFFFFFu;
    hdr[1] = 0;
    memcpy(data, hdr, 8);
    LLT_EQ_I64(llq_bytes_peek(q, &p, &len), LLQ_EBADMSG);
    afree(q);
}

typedef struct bytes_ctx {
    llq_bytes *q;
    uint64_t n, bad;
} bytes_ctx;

static void *bytes_producer(void *arg) {
    bytes_ctx *c = (bytes_ctx *)arg;
    uint64_t i = 0;
    unsigned spins = 0;
    while (i < c->n) {
        size_t l = (size_t)(mix(i * 7) % 300);
        unsigned char *w = (unsigned char *)llq_bytes_reserve(c->q, l);
        if (!w) {
            relax(&spins);
            continue;
        }
        memcpy(w, &i, l < 8 ? l : 8);
        if (l > 8) fill_rec(w + 8, l - 8, i);
        llq_bytes_commit(c->q, l);
        i++;
    }
    return NULL;
}

static void bytes_stress(void) {
    size_t ms = llq_bytes_memsize(4096), len;
    llq_bytes *q = (llq_bytes *)amem(ms);
    bytes_ctx c;
    thr_t t;
    uint64_t next = 0;
    unsigned spins = 0;
    LLT_REQUIRE(q && llq_bytes_init(q, ms, 4096) == 0);
    c.q = q;
    c.n = llt_scaled(1000000, 10000);
    c.bad = 0;
    thr_create(&t, bytes_producer, &c);
    while (next < c.n) {
        const void *p;
        int r = llq_bytes_peek(q, &p, &len);
        if (r == 0) {
            relax(&spins);
            continue;
        }
        if (r < 0) {
            c.bad++;
            break;
        }
        {
            const unsigned char *b = (const unsigned char *)p;
            uint64_t s = 0;
            size_t want = (size_t)(mix(next * 7) % 300);
            memcpy(&s, b, len < 8 ? len : 8);
            if (len != want) c.bad++;
            else if (len >= 8 && (s != next || !check_rec(b + 8, len - 8, next))) c.bad++;
        }
        llq_bytes_release(q);
        next++;
    }
    thr_join(t);
    LLT_EQ_U64(c.bad, 0);
    LLT_EQ_U64(next, c.n);
    afree(q);
}

/* ------------------------------------------------------------------------------------------ */
/* broadcast                                                                                   */

static void bcast_basic(void) {
    size_t ms = llq_bcast_memsize(8, sizeof(item));
    llq_bcast *q = (llq_bcast *)amem(ms);
    llq_bcast_reader r1, r2;
    item it;
    uint64_t i;
    LLT_REQUIRE(q && llq_bcast_init(q, ms, 8, sizeof(item)) == 0);
    llq_bcast_reader_init(q, &r1);
    LLT_EQ_I64(llq_bcast_read(q, &r1, &it), 0);
    for (i = 0; i < 5; i++) {
        it = make_item(0, i);
        llq_bcast_publish(q, &it);
    }
    llq_bcast_reader_init(q, &r2); /* joins after 5 */
    for (i = 0; i < 5; i++) {
        LLT_EQ_I64(llq_bcast_read(q, &r1, &it), 1);
        LLT_EQ_U64(it.seq, i);
    }
    LLT_EQ_I64(llq_bcast_read(q, &r1, &it), 0);
    LLT_EQ_I64(llq_bcast_read(q, &r2, &it), 0);
    /* 20 more: r1 and r2 both get lapped */
    for (i = 5; i < 25; i++) {
        it = make_item(0, i);
        llq_bcast_publish(q, &it);
    }
    LLT_EQ_I64(llq_bcast_read(q, &r1, &it), LLQ_EOVERFLOW);
    LLT_CHECK(r1.dropped > 0);
    {
        uint64_t prev = 0, n = 0;
        int r;
        while ((r = llq_bcast_read(q, &r1, &it)) == 1) {
            LLT_CHECK(item_ok(&it));
            if (n) LLT_EQ_U64(it.seq, prev + 1);
            prev = it.seq;
            n++;
        }
        LLT_EQ_I64(r, 0);
        LLT_EQ_U64(prev, 24);
        LLT_EQ_U64(n + r1.dropped, 20); /* everything after position 5 either read or counted */
    }
    { /* bulk forms: publish_n, then read_n in pieces, then a lap */
        item b[12];
        ptrdiff_t got;
        llq_bcast_reader_init(q, &r2);
        for (i = 0; i < 6; i++) b[i] = make_item(0, 100 + i);
        llq_bcast_publish_n(q, b, 6);
        memset(b, 0, sizeof b);
        LLT_EQ_I64(llq_bcast_read_n(q, &r2, b, 4), 4);
        LLT_EQ_I64(llq_bcast_read_n(q, &r2, b + 4, 8), 2);
        LLT_EQ_I64(llq_bcast_read_n(q, &r2, b + 6, 8), 0);
        for (i = 0; i < 6; i++) LLT_CHECK(b[i].seq == 100 + i && item_ok(&b[i]));
        for (i = 0; i < 12; i++) b[i] = make_item(0, 200 + i);
        llq_bcast_publish_n(q, b, 12); /* capacity 8: r2 is lapped */
        got = llq_bcast_read_n(q, &r2, b, 12);
        LLT_EQ_I64(got, LLQ_EOVERFLOW);
        LLT_CHECK(r2.dropped > 0);
        got = llq_bcast_read_n(q, &r2, b, 12);
        LLT_CHECK(got > 0);
        for (i = 0; i < (uint64_t)got; i++) LLT_CHECK(item_ok(&b[i]) && b[i].seq == 212 - (uint64_t)got + i);
        LLT_EQ_U64((uint64_t)got + r2.dropped, 12);
    }
    afree(q);
}

typedef struct bc_ctx {
    llq_bcast *q;
    uint64_t n;
    uint64_t read, dropped, bad, overruns;
    int started;
    int *go;
} bc_ctx;

static void *bc_reader(void *arg) {
    bc_ctx *c = (bc_ctx *)arg;
    llq_bcast_reader r;
    uint64_t last = UINT64_MAX;
    unsigned spins = 0;
    llq_bcast_reader_init(c->q, &r);
    __atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
    for (;;) {
        item it;
        int x = llq_bcast_read(c->q, &r, &it);
        if (x == 1) {
            if (!item_ok(&it) || it.src != 9 || (last != UINT64_MAX && it.seq <= last)) c->bad++;
            if (last != UINT64_MAX && it.seq != last + 1 && !c->overruns) c->bad++;
            last = it.seq;
            c->read++;
            if (it.seq == c->n - 1) break;
        } else if (x == LLQ_EOVERFLOW) {
            c->overruns++;
        } else {
            relax(&spins);
        }
    }
    c->dropped = r.dropped;
    return NULL;
}

static void bcast_stress(void) {
    size_t ms = llq_bcast_memsize(256, sizeof(item));
    llq_bcast *q = (llq_bcast *)amem(ms);
    bc_ctx c[2];
    thr_t t[2];
    uint64_t i;
    int k;
    LLT_REQUIRE(q && llq_bcast_init(q, ms, 256, sizeof(item)) == 0);
    for (k = 0; k < 2; k++) {
        memset(&c[k], 0, sizeof c[k]);
        c[k].q = q;
        c[k].n = llt_scaled(2000000, 20000);
        thr_create(&t[k], bc_reader, &c[k]);
        while (!__atomic_load_n(&c[k].started, __ATOMIC_ACQUIRE)) thr_yield();
    }
    for (i = 0; i < c[0].n; i++) {
        item it = make_item(9, i);
        llq_bcast_publish(q, &it);
        if ((i & 255) == 0) thr_yield(); /* give readers a chance; overruns are allowed */
    }
    for (k = 0; k < 2; k++) {
        thr_join(t[k]);
        LLT_EQ_U64(c[k].bad, 0);
        /* every item either delivered intact or counted as dropped */
        LLT_EQ_U64(c[k].read + c[k].dropped, c[k].n);
    }
    afree(q);
}

/* ------------------------------------------------------------------------------------------ */
/* seqlock                                                                                     */

typedef struct book {
    uint64_t v[6];
} book;

typedef struct sl_ctx {
    llq_seqlock *s;
    int stop, started;
    uint64_t reads, torn, backwards;
} sl_ctx;

static void *sl_reader(void *arg) {
    sl_ctx *c = (sl_ctx *)arg;
    uint64_t last = 0;
    while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
        book b;
        int k, ok = 1;
        llq_seqlock_read(c->s, &b);
        for (k = 1; k < 6; k++)
            if (b.v[k] != mix(b.v[0] + (uint64_t)k)) ok = 0;
        if (!ok) c->torn++;
        if (b.v[0] < last) c->backwards++;
        last = b.v[0];
        c->reads++;
        if (c->reads == 1) __atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void seqlock_stress(void) {
    size_t ms = llq_seqlock_memsize(sizeof(book));
    llq_seqlock *s = (llq_seqlock *)amem(ms);
    book b;
    sl_ctx c;
    thr_t t;
    uint64_t i, n = llt_scaled(3000000, 30000);
    int k;
    memset(&b, 0, sizeof b);
    for (k = 1; k < 6; k++) b.v[k] = mix((uint64_t)k);
    LLT_REQUIRE(s && llq_seqlock_init(s, ms, sizeof(book), &b) == 0);
    {
        book r;
        LLT_CHECK(llq_seqlock_try_read(s, &r));
        LLT_EQ_MEM(&r, &b, sizeof b);
    }
    memset(&c, 0, sizeof c);
    c.s = s;
    thr_create(&t, sl_reader, &c);
    while (!__atomic_load_n(&c.started, __ATOMIC_ACQUIRE)) thr_yield();
    for (i = 1; i <= n; i++) {
        b.v[0] = i;
        for (k = 1; k < 6; k++) b.v[k] = mix(i + (uint64_t)k);
        llq_seqlock_write(s, &b);
    }
    __atomic_store_n(&c.stop, 1, __ATOMIC_RELEASE);
    thr_join(t);
    LLT_EQ_U64(c.torn, 0);
    LLT_EQ_U64(c.backwards, 0);
    LLT_CHECK(c.reads > 0);
    LLT_EQ_U64(llq_seqlock_version(s), n);
    afree(s);
}

/* ------------------------------------------------------------------------------------------ */
/* EBR, Treiber stack, MS queue                                                                */

static uint64_t g_allocs, g_frees;

typedef struct snode {
    llq_stack_node sn;
    llq_msq_node qn;
    llq_ebr_node en;
    uint64_t magic;
    uint64_t val;
} snode;

#define MAGIC_LIVE 0x11AE11AE11AE11AEULL

static snode *snode_new(uint64_t val) {
    snode *n = (snode *)malloc(sizeof(snode));
    if (!n) abort();
    n->magic = MAGIC_LIVE;
    n->val = val;
    __atomic_fetch_add(&g_allocs, 1, __ATOMIC_RELAXED);
    return n;
}
static void snode_free(llq_ebr_node *e) {
    snode *n = (snode *)((char *)e - offsetof(snode, en));
    n->magic = 0xDEADDEADDEADDEADULL;
    __atomic_fetch_add(&g_frees, 1, __ATOMIC_RELAXED);
    free(n);
}

static void ebr_grace(void) {
    size_t ms = llq_ebr_memsize(4);
    llq_ebr *d = (llq_ebr *)amem(ms);
    llq_ebr_thread *a, *b, *t[4];
    uint64_t f0;
    int i;
    LLT_REQUIRE(d && llq_ebr_init(d, ms, 4) == 0);
    LLT_REQUIRE(llq_ebr_register(d, &a) == 0);
    LLT_REQUIRE(llq_ebr_register(d, &b) == 0);
    LLT_REQUIRE(llq_ebr_register(d, &t[2]) == 0);
    LLT_REQUIRE(llq_ebr_register(d, &t[3]) == 0);
    LLT_EQ_I64(llq_ebr_register(d, &t[0]), LLQ_EBUSY);
    llq_ebr_unregister(t[3]);
    llq_ebr_unregister(t[2]);
    f0 = __atomic_load_n(&g_frees, __ATOMIC_RELAXED);
    llq_ebr_enter(a); /* a reader that may see the nodes */
    llq_ebr_enter(b);
    for (i = 0; i < 200; i++) llq_ebr_retire(b, &snode_new((uint64_t)i)->en, snode_free);
    llq_ebr_exit(b);
    for (i = 0; i < 10; i++) llq_ebr_poll(b);
    LLT_EQ_U64(__atomic_load_n(&g_frees, __ATOMIC_RELAXED) - f0, 0); /* a is still inside */
    LLT_EQ_U64(llq_ebr_pending(d), 200);
    llq_ebr_exit(a);
    for (i = 0; i < 3; i++) llq_ebr_poll(b);
    LLT_EQ_U64(__atomic_load_n(&g_frees, __ATOMIC_RELAXED) - f0, 200);
    LLT_EQ_U64(llq_ebr_pending(d), 0);
    /* drain frees whatever is left */
    llq_ebr_enter(b);
    for (i = 0; i < 10; i++) llq_ebr_retire(b, &snode_new((uint64_t)i)->en, snode_free);
    llq_ebr_exit(b);
    LLT_EQ_U64(llq_ebr_drain(d), 10);
    LLT_EQ_U64(llq_ebr_pending(d), 0);
    afree(d);
}

typedef struct lf_ctx {
    llq_stack *s;
    llq_msq *q;
    llq_ebr *d;
    uint64_t per;
    int id;
    uint64_t bad, popped;
    unsigned char *seen;
    uint64_t *done;
    uint64_t total;
} lf_ctx;

static void *stack_worker(void *arg) {
    lf_ctx *c = (lf_ctx *)arg;
    llq_ebr_thread *t;
    uint64_t i = 0, step = 0;
    unsigned spins = 0;
    if (llq_ebr_register(c->d, &t) != 0) {
        c->bad++;
        return NULL;
    }
    while (i < c->per || __atomic_load_n(c->done, __ATOMIC_RELAXED) < c->total) {
        llq_stack_node *sn;
        if (i < c->per && (mix(step++ + (uint64_t)c->id * 1000003) % 3) != 0) {
            llq_ebr_enter(t);
            llq_stack_push(c->s, &snode_new(((uint64_t)c->id << 40) | i)->sn);
            llq_ebr_exit(t);
            i++;
            continue;
        }
        llq_ebr_enter(t);
        sn = llq_stack_pop(c->s);
        if (sn) {
            snode *n = (snode *)sn;
            uint64_t v = n->val, src = v >> 40, seq = v & ((1ULL << 40) - 1);
            if (n->magic != MAGIC_LIVE || src >= 2 || seq >= c->per) c->bad++;
            else c->seen[src * c->per + seq]++;
            llq_ebr_retire(t, &n->en, snode_free);
            __atomic_fetch_add(c->done, 1, __ATOMIC_RELAXED);
            c->popped++;
        }
        llq_ebr_exit(t);
        if (!sn) relax(&spins);
    }
    llq_ebr_unregister(t);
    return NULL;
}

static void stack_ebr_stress(void) {
    size_t ms = llq_ebr_memsize(4);
    llq_ebr *d = (llq_ebr *)amem(ms);
    llq_stack *s = (llq_stack *)amem(llq_stack_memsize());
    uint64_t per = llt_scaled(400000, 4000), done = 0, a0 = g_allocs, f0 = g_frees, j, miss = 0, dup = 0;
    lf_ctx c[2];
    thr_t t[2];
    unsigned char *seen[2];
    int k;
    LLT_REQUIRE(d && s && llq_ebr_init(d, ms, 4) == 0 && llq_stack_init(s, llq_stack_memsize()) == 0);
    LLT_CHECK(llq_stack_pop(s) == NULL);
    { /* chain push and take-all */
        llq_stack_node a[4], *p;
        int x;
        for (x = 0; x < 3; x++) a[x].next = &a[x + 1];
        llq_stack_push(s, &a[0]); /* will end up below the chain */
        a[0].next = NULL;
        llq_stack_push_list(s, &a[1], &a[3]);
        p = llq_stack_pop_all(s);
        LLT_EQ_PTR(p, &a[1]);
        LLT_EQ_PTR(p->next, &a[2]);
        LLT_EQ_PTR(p->next->next, &a[3]);
        LLT_EQ_PTR(p->next->next->next, &a[0]);
        LLT_EQ_PTR(a[0].next, NULL);
        LLT_CHECK(llq_stack_pop(s) == NULL);
        LLT_CHECK(llq_stack_pop_all(s) == NULL);
    }
    for (k = 0; k < 2; k++) {
        memset(&c[k], 0, sizeof c[k]);
        c[k].s = s;
        c[k].d = d;
        c[k].per = per;
        c[k].id = k;
        c[k].done = &done;
        c[k].total = 2 * per;
        c[k].seen = seen[k] = (unsigned char *)calloc((size_t)(2 * per), 1);
        thr_create(&t[k], stack_worker, &c[k]);
    }
    for (k = 0; k < 2; k++) thr_join(t[k]);
    for (j = 0; j < 2 * per; j++) {
        unsigned x = (unsigned)seen[0][j] + seen[1][j];
        if (x == 0) miss++;
        if (x > 1) dup++;
    }
    LLT_EQ_U64(c[0].bad + c[1].bad, 0);
    LLT_EQ_U64(miss, 0);
    LLT_EQ_U64(dup, 0);
    LLT_CHECK(llq_stack_pop(s) == NULL);
    llq_ebr_drain(d);
    LLT_EQ_U64(g_allocs - a0, 2 * per);
    LLT_EQ_U64(g_frees - f0, 2 * per); /* everything freed in the end */
    free(seen[0]);
    free(seen[1]);
    afree(d);
    afree(s);
}

static void *msq_producer(void *arg) {
    lf_ctx *c = (lf_ctx *)arg;
    llq_ebr_thread *t;
    uint64_t i;
    if (llq_ebr_register(c->d, &t) != 0) {
        c->bad++;
        return NULL;
    }
    for (i = 0; i < c->per; i++) {
        snode *n = snode_new(0);
        llq_ebr_enter(t);
        llq_msq_push(c->q, &n->qn, (void *)(uintptr_t)((((uint64_t)c->id) << 40) | i));
        llq_ebr_exit(t);
        if ((i & 4095) == 0) thr_yield();
    }
    llq_ebr_unregister(t);
    return NULL;
}

static void *msq_consumer(void *arg) {
    lf_ctx *c = (lf_ctx *)arg;
    llq_ebr_thread *t;
    uint64_t last[2] = {UINT64_MAX, UINT64_MAX};
    unsigned spins = 0;
    if (llq_ebr_register(c->d, &t) != 0) {
        c->bad++;
        return NULL;
    }
    while (__atomic_load_n(c->done, __ATOMIC_RELAXED) < c->total) {
        void *v;
        llq_msq_node *old;
        bool ok;
        llq_ebr_enter(t);
        ok = llq_msq_pop(c->q, &v, &old);
        if (ok) {
            snode *n = (snode *)((char *)old - offsetof(snode, qn));
            uint64_t x = (uint64_t)(uintptr_t)v, src = x >> 40, seq = x & ((1ULL << 40) - 1);
            if (n->magic != MAGIC_LIVE || src >= 2 || seq >= c->per) c->bad++;
            else {
                if (last[src] != UINT64_MAX && seq <= last[src]) c->bad++;
                last[src] = seq;
                c->seen[src * c->per + seq]++;
            }
            llq_ebr_retire(t, &n->en, snode_free);
            __atomic_fetch_add(c->done, 1, __ATOMIC_RELAXED);
        }
        llq_ebr_exit(t);
        if (!ok) relax(&spins);
    }
    llq_ebr_unregister(t);
    return NULL;
}

static void msq_ebr_stress(void) {
    size_t ms = llq_ebr_memsize(8);
    llq_ebr *d = (llq_ebr *)amem(ms);
    llq_msq *q = (llq_msq *)amem(llq_msq_memsize());
    snode *dummy = snode_new(0);
    uint64_t per = sizeof(void *) == 8 ? llt_scaled(400000, 4000) : 4000, done = 0, a0, f0, j, miss = 0,
             dup = 0, bad = 0;
    lf_ctx c[4];
    thr_t t[4];
    int k;
    a0 = g_allocs - 1;
    f0 = g_frees;
    LLT_REQUIRE(d && q && llq_ebr_init(d, ms, 8) == 0 && llq_msq_init(q, llq_msq_memsize(), &dummy->qn) == 0);
    {
        void *v;
        llq_msq_node *old;
        LLT_CHECK(!llq_msq_pop(q, &v, &old));
    }
    for (k = 0; k < 4; k++) {
        memset(&c[k], 0, sizeof c[k]);
        c[k].q = q;
        c[k].d = d;
        c[k].per = per;
        c[k].id = k & 1;
        c[k].done = &done;
        c[k].total = 2 * per;
        if (k >= 2) c[k].seen = (unsigned char *)calloc((size_t)(2 * per), 1);
        thr_create(&t[k], k < 2 ? msq_producer : msq_consumer, &c[k]);
    }
    for (k = 0; k < 4; k++) thr_join(t[k]);
    for (j = 0; j < 2 * per; j++) {
        unsigned x = (unsigned)c[2].seen[j] + c[3].seen[j];
        if (x == 0) miss++;
        if (x > 1) dup++;
    }
    for (k = 0; k < 4; k++) bad += c[k].bad;
    LLT_EQ_U64(bad, 0);
    LLT_EQ_U64(miss, 0);
    LLT_EQ_U64(dup, 0);
    llq_ebr_drain(d);
    /* the last node is the queue's sentinel: free it by hand */
    {
        snode *last = (snode *)((char *)q->head - offsetof(snode, qn));
        snode_free(&last->en);
    }
    LLT_EQ_U64(g_allocs - a0, g_frees - f0);
    free(c[2].seen);
    free(c[3].seen);
    afree(d);
    afree(q);
}



/* ------------------------------------------------------------------------------------------ */
/* RCU pointer                                                                                 */

typedef struct cfg {
    uint64_t magic;
    uint64_t version;
    uint64_t check; /* mix(version) */
    llq_ebr_node node;
} cfg;
LLQ_RCU_TYPED(cfgp, cfg, node);
static uint64_t g_cfg_allocs, g_cfg_frees;
static cfg *cfg_new(uint64_t version) {
    cfg *c = (cfg *)malloc(sizeof(cfg));
    if (!c) abort();
    c->magic = MAGIC_LIVE;
    c->version = version;
    c->check = mix(version);
    __atomic_fetch_add(&g_cfg_allocs, 1, __ATOMIC_RELAXED);
    return c;
}
static void cfg_free(llq_ebr_node *n) {
    cfg *c = (cfg *)((char *)n - offsetof(cfg, node));
    c->magic = 0xDEADDEADDEADDEADULL; /* a reader that still sees it fails; ASan sees the free */
    __atomic_fetch_add(&g_cfg_frees, 1, __ATOMIC_RELAXED);
    free(c);
}

/* publish, read, replace (old retired), synchronize, barrier; in each mode */
static void rcu_basic(void) {
    int mode;
    for (mode = LLQ_EBR_FENCED; mode <= LLQ_EBR_QSBR; mode++) {
        size_t ms = llq_ebr_memsize(4);
        llq_ebr *d = (llq_ebr *)amem(ms);
        llq_ebr_thread *w, *r;
        cfg *slot = NULL, *p, *old;
        void *gslot = NULL;
        uint64_t f0 = g_cfg_frees;
        LLT_REQUIRE(d && llq_ebr_init_mode(d, ms, 4, mode) == 0);
        LLT_EQ_I64(llq_ebr_init_mode(d, ms, 4, 7), LLQ_EINVAL);
        LLT_REQUIRE(llq_ebr_init_mode(d, ms, 4, mode) == 0);
        LLT_REQUIRE(llq_ebr_register(d, &w) == 0 && llq_ebr_register(d, &r) == 0);
        cfgp_publish(&slot, cfg_new(1));
        if (mode != LLQ_EBR_QSBR) llq_ebr_enter(r);
        p = cfgp_read(&slot);
        LLT_CHECK(p && p->version == 1);
        if (mode != LLQ_EBR_QSBR) LLT_EQ_I64(llq_ebr_synchronize(d, r), LLQ_EBUSY); /* inside: refused */
        if (mode == LLQ_EBR_QSBR) llq_ebr_offline(w);
        old = cfgp_replace(w, &slot, cfg_new(2), cfg_free);
        LLT_EQ_PTR(old, p);
        LLT_EQ_U64(cfgp_read(&slot)->version, 2);
        { /* the reader still holds version 1: polling frees nothing */
            int i;
            for (i = 0; i < 5; i++) llq_ebr_poll(w);
            LLT_EQ_U64(g_cfg_frees - f0, 0);
            LLT_EQ_U64(p->magic, MAGIC_LIVE);
        }
        if (mode != LLQ_EBR_QSBR) llq_ebr_exit(r);
        else llq_ebr_offline(r); /* r is this thread too: it cannot announce while we wait */
        LLT_EQ_I64(llq_ebr_barrier(w), 0); /* version 1 is freed by now */
        LLT_EQ_U64(g_cfg_frees - f0, 1);
        /* the generic form */
        llq_rcu_publish(&gslot, cfg_new(3));
        LLT_EQ_U64(((cfg *)llq_rcu_read(&gslot))->version, 3);
        old = (cfg *)llq_rcu_replace(w, &gslot, NULL, offsetof(cfg, node), cfg_free);
        LLT_CHECK(old && llq_rcu_read(&gslot) == NULL);
        LLT_CHECK(llq_rcu_replace(w, &gslot, NULL, offsetof(cfg, node), cfg_free) == NULL); /* nothing */
        LLT_EQ_I64(llq_ebr_synchronize(d, NULL), 0);
        LLT_EQ_I64(llq_ebr_barrier(w), 0);
        LLT_EQ_U64(g_cfg_frees - f0, 2);
        old = cfgp_replace(w, &slot, NULL, cfg_free);
        llq_ebr_unregister(r);
        llq_ebr_unregister(w);
        llq_ebr_drain(d);
        LLT_EQ_U64(g_cfg_frees - f0, 3);
        afree(d);
    }
}

/* synchronize does not return while a reader that was inside at the call is still inside */
typedef struct sync_ctx {
    llq_ebr *d;
    llq_ebr_thread *t;
    int done;
} sync_ctx;
static void *sync_thread(void *arg) {
    sync_ctx *c = (sync_ctx *)arg;
    llq_ebr_synchronize(c->d, c->t);
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
    return NULL;
}
static void rcu_synchronize_waits(void) {
    int mode;
    for (mode = LLQ_EBR_FENCED; mode <= LLQ_EBR_QSBR; mode++) {
        size_t ms = llq_ebr_memsize(4), i;
        llq_ebr *d = (llq_ebr *)amem(ms);
        llq_ebr_thread *r;
        sync_ctx c;
        thr_t t;
        LLT_REQUIRE(d && llq_ebr_init_mode(d, ms, 4, mode) == 0 && llq_ebr_register(d, &r) == 0);
        memset(&c, 0, sizeof c);
        c.d = d;
        LLT_REQUIRE(llq_ebr_register(d, &c.t) == 0);
        if (mode != LLQ_EBR_QSBR) llq_ebr_enter(r); /* QSBR: r is online and says nothing */
        thr_create(&t, sync_thread, &c);
        for (i = 0; i < 300; i++) thr_yield();
        thr_sleep_us(2000);
        LLT_EQ_U64(__atomic_load_n(&c.done, __ATOMIC_ACQUIRE), 0);
        if (mode != LLQ_EBR_QSBR) llq_ebr_exit(r);
        else llq_ebr_quiescent(r);
        thr_join(t);
        LLT_EQ_U64(c.done, 1);
        afree(d);
    }
}

/* readers chase a pointer two writers keep replacing (objects really freed: ASan reports a reader that
   touches one, and a freed object's magic is overwritten first); every object a reader sees is intact
   and, from one writer's objects, versions never go backwards. Now and then a reader keeps its object
   across a yield and checks it again: a grace period must wait for it. Objects are freed while the
   readers run (by the writers' polls and barriers), not only by the final drain. */
#define RCU_READERS 3
#define RCU_WRITERS 2
typedef struct rcu_ctx {
    llq_ebr *d;
    cfg **slot;
    int mode, id;
    int *stop;
    uint64_t reads, bad, n;
} rcu_ctx;
static int rcu_obj_ok(const cfg *p) { return p->magic == MAGIC_LIVE && p->check == mix(p->version); }
static void *rcu_reader(void *arg) {
    rcu_ctx *c = (rcu_ctx *)arg;
    llq_ebr_thread *t;
    uint64_t last[RCU_WRITERS] = {0, 0}, i = 0;
    if (llq_ebr_register(c->d, &t) != 0) {
        c->bad++;
        return NULL;
    }
    while (!__atomic_load_n(c->stop, __ATOMIC_ACQUIRE)) {
        cfg *p;
        unsigned w;
        if (c->mode != LLQ_EBR_QSBR) llq_ebr_enter(t);
        p = cfgp_read(c->slot);
        w = (unsigned)(p->version & 1); /* writer w publishes versions of its parity */
        if (!rcu_obj_ok(p) || p->version < last[w]) c->bad++;
        last[w] = p->version;
        if ((c->reads & 255) == 0) { /* hold it across a yield: it must still be intact after */
            thr_yield();
            if (!rcu_obj_ok(p)) c->bad++;
        }
        if (c->mode != LLQ_EBR_QSBR) llq_ebr_exit(t);
        else if ((++i & 15) == 0) llq_ebr_quiescent(t);
        c->reads++;
        if ((c->reads & 1023) == 0) thr_yield();
    }
    llq_ebr_unregister(t);
    return NULL;
}
/* writer id publishes versions id + 2, id + 4, ...: replace, and now and then wait (synchronize) or
   wait and free (barrier) */
static void *rcu_writer(void *arg) {
    rcu_ctx *c = (rcu_ctx *)arg;
    llq_ebr_thread *w;
    uint64_t v;
    if (llq_ebr_register(c->d, &w) != 0) {
        c->bad++;
        return NULL;
    }
    if (c->mode == LLQ_EBR_QSBR) llq_ebr_offline(w); /* the writer reads nothing */
    for (v = (uint64_t)c->id + 2; v <= c->n; v += RCU_WRITERS) {
        cfgp_replace(w, c->slot, cfg_new(v), cfg_free);
        if (v % 1000 < 2) {
            if (llq_ebr_synchronize(c->d, w) != 0) c->bad++;
        } else if (v % 1500 < 2) {
            if (llq_ebr_barrier(w) != 0) c->bad++;
        }
        if (v % 64 < 2) thr_yield();
    }
    /* with the readers still running: everything this writer retired is freed once the barrier returns */
    if (llq_ebr_barrier(w) != 0) c->bad++;
    llq_ebr_unregister(w);
    return NULL;
}
static void rcu_stress(void) {
    int mode;
    for (mode = LLQ_EBR_FENCED; mode <= LLQ_EBR_QSBR; mode++) {
        size_t ms = llq_ebr_memsize(RCU_READERS + RCU_WRITERS + 1);
        llq_ebr *d = (llq_ebr *)amem(ms);
        llq_ebr_thread *w;
        cfg *slot = NULL;
        rcu_ctx c[RCU_READERS + RCU_WRITERS];
        thr_t t[RCU_READERS + RCU_WRITERS];
        int stop = 0, k;
        uint64_t n = llt_scaled(20000, 500), a0 = g_cfg_allocs, f0 = g_cfg_frees, bad = 0, freed_live;
        LLT_REQUIRE(d && llq_ebr_init_mode(d, ms, RCU_READERS + RCU_WRITERS + 1, mode) == 0);
        cfgp_publish(&slot, cfg_new(1));
        for (k = 0; k < RCU_READERS + RCU_WRITERS; k++) {
            memset(&c[k], 0, sizeof c[k]);
            c[k].d = d;
            c[k].slot = &slot;
            c[k].mode = mode;
            c[k].stop = &stop;
            c[k].id = k < RCU_READERS ? k : k - RCU_READERS;
            c[k].n = n;
            thr_create(&t[k], k < RCU_READERS ? rcu_reader : rcu_writer, &c[k]);
        }
        for (k = RCU_READERS; k < RCU_READERS + RCU_WRITERS; k++) {
            thr_join(t[k]);
            bad += c[k].bad;
        }
        freed_live = __atomic_load_n(&g_cfg_frees, __ATOMIC_RELAXED) - f0; /* freed while readers ran */
        __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
        for (k = 0; k < RCU_READERS; k++) {
            thr_join(t[k]);
            bad += c[k].bad;
        }
        LLT_EQ_U64(bad, 0);
        /* versions 2..n each replaced one object and each writer's last barrier ran while the readers still
           read: every replaced object was freed under them (how many went before the barriers depends on
           the scheduler, so only the total is checked) */
        LLT_EQ_U64(freed_live, n - 1);
        LLT_REQUIRE(llq_ebr_register(d, &w) == 0);
        if (mode == LLQ_EBR_QSBR) llq_ebr_offline(w);
        cfgp_replace(w, &slot, NULL, cfg_free);
        llq_ebr_unregister(w);
        llq_ebr_drain(d);
        LLT_EQ_U64(g_cfg_allocs - a0, g_cfg_frees - f0); /* every object freed once */
        afree(d);
    }
}


/* ------------------------------------------------------------------------------------------ */
/* concurrent hash map                                                                         */
#if defined(LLQ_HAVE_MAP)

static llq_map *map_new(size_t capacity, llq_ebr *d, const llq_map_config *cfg) {
    size_t ms = llq_map_memsize(capacity);
    llq_map *m = (llq_map *)amem(ms);
    if (!m || llq_map_init(m, ms, capacity, d, cfg) != 0) abort();
    return m;
}
static uint64_t hash_const(uint64_t k, void *ctx) { /* every key in one bucket chain and one stripe */
    (void)k;
    (void)ctx;
    return 0x123456789abcdefULL;
}
typedef struct count_alloc {
    uint64_t allocs, frees, bytes;
} count_alloc;
static void *ca_alloc(size_t n, void *ctx) {
    count_alloc *c = (count_alloc *)ctx;
    void *p = NULL;
#if defined(_WIN32)
    p = _aligned_malloc(n, LLQ_CACHE_LINE);
#else
    if (posix_memalign(&p, LLQ_CACHE_LINE, n) != 0) p = NULL;
#endif
    if (p) {
        __atomic_fetch_add(&c->allocs, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&c->bytes, n, __ATOMIC_RELAXED);
    }
    return p;
}
static void ca_free(void *p, size_t n, void *ctx) {
    count_alloc *c = (count_alloc *)ctx;
    __atomic_fetch_add(&c->frees, 1, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&c->bytes, n, __ATOMIC_RELAXED);
#if defined(_WIN32)
    _aligned_free(p);
#else
    free(p);
#endif
}

static void map_basic(void) {
    size_t ms = llq_ebr_memsize(4), k, n;
    llq_ebr *d = (llq_ebr *)amem(ms);
    llq_ebr_thread *t;
    llq_map *m;
    llq_map_iter it;
    uint64_t v, key, sum;
    LLT_REQUIRE(d && llq_ebr_init_mode(d, ms, 4, LLQ_EBR_ASYM) == 0 && llq_ebr_register(d, &t) == 0);
    LLT_EQ_U64(llq_map_memsize(SIZE_MAX), 0);
    m = (llq_map *)amem(llq_map_memsize(100));
    LLT_EQ_I64(llq_map_init(NULL, llq_map_memsize(100), 100, d, NULL), LLQ_EINVAL);
    LLT_EQ_I64(llq_map_init(m, llq_map_memsize(100), 100, NULL, NULL), LLQ_EINVAL);
    LLT_EQ_I64(llq_map_init(m, llq_map_memsize(100) - 1, 100, d, NULL), LLQ_ENOBUFS);
    LLT_EQ_I64(llq_map_init((llq_map *)((char *)m + 8), llq_map_memsize(100), 100, d, NULL), LLQ_EFAULT);
    LLT_REQUIRE(llq_map_init(m, llq_map_memsize(100), 100, d, NULL) == 0);
    LLT_EQ_I64(llq_map_insert(NULL, t, 5, 5), LLQ_EINVAL);
    LLT_EQ_I64(llq_map_erase(NULL, 5), LLQ_EINVAL);
    llq_ebr_enter(t);
    LLT_CHECK(!llq_map_get(m, 42, &v));
    for (key = 0; key < 3; key++) LLT_CHECK(!llq_map_get(m, key, &v)); /* the reserved values are keys */
    llq_ebr_exit(t);
    for (key = 0; key < 50; key++) LLT_EQ_I64(llq_map_insert(m, t, key, key * 10 + 1), 0);
    LLT_EQ_I64(llq_map_insert(m, t, 7, 99), LLQ_EEXIST);
    LLT_EQ_I64(llq_map_insert(m, t, 1, 99), LLQ_EEXIST);
    LLT_EQ_I64(llq_map_put(m, t, 7, 700), 1);
    LLT_EQ_I64(llq_map_put(m, t, 2, 20), 1);
    LLT_EQ_I64(llq_map_put(m, t, UINT64_MAX, 5), 0);
    LLT_EQ_U64(llq_map_size(m), 51);
    llq_ebr_enter(t);
    for (key = 0; key < 50; key++) {
        LLT_CHECK(llq_map_get(m, key, &v));
        LLT_EQ_U64(v, key == 7 ? 700 : key == 2 ? 20 : key * 10 + 1);
    }
    LLT_CHECK(llq_map_get(m, UINT64_MAX, &v) && v == 5);
    llq_ebr_exit(t);
    LLT_EQ_I64(llq_map_erase(m, 7), 0);
    LLT_EQ_I64(llq_map_erase(m, 7), LLQ_ENOENT);
    LLT_EQ_I64(llq_map_erase(m, 0), 0);
    LLT_EQ_I64(llq_map_erase(m, 0), LLQ_ENOENT);
    LLT_EQ_I64(llq_map_erase(m, 123456), LLQ_ENOENT);
    LLT_EQ_U64(llq_map_size(m), 49);
    /* iteration sees every live key once */
    llq_ebr_enter(t);
    llq_map_iter_init(m, &it);
    n = 0;
    sum = 0;
    while (llq_map_iter_next(&it, &key, &v)) {
        n++;
        sum += key;
        LLT_CHECK(key != 7 && key != 0);
    }
    llq_ebr_exit(t);
    LLT_EQ_U64(n, 49);
    LLT_EQ_U64(sum, (49 * 50 / 2) - 7 + UINT64_MAX); /* wraps: keys 1..49 but 7, plus UINT64_MAX */
    /* growth through many sizes keeps every key (the first table holds ~100) */
    for (key = 1000; key < 40000; key++) LLT_EQ_I64(llq_map_insert(m, t, key, ~key), 0);
    LLT_CHECK(m->resizes >= 4);
    llq_ebr_enter(t);
    for (key = 1000; key < 40000; key++) {
        if (!llq_map_get(m, key, &v) || v != ~key) {
            LLT_CHECK(0);
            break;
        }
    }
    for (key = 1; key < 50; key++) LLT_CHECK(key == 7 ? !llq_map_get(m, key, &v) : llq_map_get(m, key, &v));
    llq_ebr_exit(t);
    /* erase most, then churn: tombstones are cleared by a same-size rehash, memory stays bounded */
    for (key = 1000; key < 39000; key++) LLT_EQ_I64(llq_map_erase(m, key), 0);
    for (k = 0; k < 200000; k++) {
        LLT_EQ_I64(llq_map_insert(m, t, 100000 + k, k), 0);
        LLT_EQ_I64(llq_map_erase(m, 100000 + k), 0);
    }
    LLT_EQ_U64(llq_map_size(m), 49 + 1000);
    LLT_CHECK(llq_map_capacity(m) < 200000);
    llq_ebr_barrier(t);
    llq_map_destroy(m);
    afree(m);

    { /* a fixed table refuses to grow; a hash that sends every key to one bucket still works */
        llq_map_config cfg;
        size_t inserted = 0;
        int r = 0;
        memset(&cfg, 0, sizeof cfg);
        cfg.fixed = 1;
        m = map_new(100, d, &cfg);
        for (key = 10; key < 100000 && (r = llq_map_insert(m, t, key, key)) == 0; key++) inserted++;
        LLT_EQ_I64(r, LLQ_ENOSPC);
        LLT_CHECK(inserted >= 100 && inserted <= llq_map_capacity(m));
        LLT_EQ_I64(llq_map_put(m, t, 10, 11), 1); /* updates still work when full */
        LLT_EQ_I64(llq_map_erase(m, 11), 0);
        llq_map_destroy(m);
        afree(m);
        memset(&cfg, 0, sizeof cfg);
        cfg.hash = hash_const;
        m = map_new(16, d, &cfg);
        for (key = 3; key < 3000; key++) LLT_EQ_I64(llq_map_insert(m, t, key, key + 1), 0);
        llq_ebr_enter(t);
        for (key = 3; key < 3000; key++) LLT_CHECK(llq_map_get(m, key, &v) && v == key + 1);
        LLT_CHECK(!llq_map_get(m, 5000, &v));
        llq_ebr_exit(t);
        llq_ebr_barrier(t);
        llq_map_destroy(m);
        afree(m);
    }
    { /* the caller's allocator gets every table the map grows into back, through reclamation */
        llq_map_config cfg;
        count_alloc ca;
        memset(&cfg, 0, sizeof cfg);
        memset(&ca, 0, sizeof ca);
        cfg.alloc = ca_alloc;
        cfg.free = ca_free;
        cfg.alloc_ctx = &ca;
        m = (llq_map *)amem(llq_map_memsize(10));
        cfg.free = NULL;
        LLT_EQ_I64(llq_map_init(m, llq_map_memsize(10), 10, d, &cfg), LLQ_EINVAL); /* one without the other */
        cfg.free = ca_free;
        LLT_REQUIRE(llq_map_init(m, llq_map_memsize(10), 10, d, &cfg) == 0);
        for (key = 3; key < 20000; key++) LLT_EQ_I64(llq_map_insert(m, key & 1 ? t : NULL, key, key), 0);
        LLT_CHECK(ca.allocs >= 3);
        llq_ebr_barrier(t);
        LLT_EQ_U64(ca.allocs - ca.frees, 1); /* only the current table is still allocated */
        llq_map_destroy(m);
        LLT_EQ_U64(ca.allocs, ca.frees);
        LLT_EQ_U64(ca.bytes, 0);
        afree(m);
    }
    llq_ebr_unregister(t);
    llq_ebr_drain(d);
    afree(d);
}

/* A model of every key's history. Writers own disjoint keys; each change of a key makes its next
   version v: the writer first records in hist[key][v % MAP_HIST] the word (v << 1 | present) (the
   value of a present version is map_val(key, v)), then raises `pending` to v, makes the change, and
   raises `committed` to v. A reader reads `committed` (a) before a lookup and `pending` (p) after it:
   the versions a..p are exactly those the key may have had during the call, and the lookup must
   match one of them (found with that version's value, or absent in an absent version): no phantom
   key, no lost key, no value from another key or from outside the call. A history entry that was
   overwritten meanwhile (its word no longer names its version) makes the lookup uncheckable; those
   are counted and must stay rare. Keys no writer ever inserts must never be found. The first table
   holds 64 keys, so the run grows the map several times, and erases leave tombstones that force
   rehashes at the same size. At the end, with no writer running, the map's contents (size, lookups,
   and a full iteration) equal the model's. */
#define MAP_WRITERS 2
#define MAP_READERS 2
#define MAP_KEYS 4096
#define MAP_HIST 64
typedef struct map_key_hist {
    uint64_t committed, pending;
    uint64_t hist[MAP_HIST];
} map_key_hist;
typedef struct map_ctx {
    llq_map *m;
    llq_ebr *d;
    map_key_hist *h; /* [MAP_KEYS] */
    int id, mode;
    int *stop;
    uint64_t ops, bad, unchecked, phantom_checks;
} map_ctx;
static uint64_t map_key(uint64_t i) { return i < 3 ? i : (mix(i) | 8); } /* 0, 1, 2 are keys too */
static uint64_t map_val(uint64_t key, uint64_t ver) { return mix(key ^ (ver << 20)) ^ ver; }
static uint64_t map_absent_key(uint64_t i) { return (mix(i + (1ULL << 40)) | 8) ^ 4; } /* never a map_key */
static void map_section_enter(map_ctx *c, llq_ebr_thread *t) {
    if (c->mode != LLQ_EBR_QSBR) llq_ebr_enter(t);
}
static void map_section_exit(map_ctx *c, llq_ebr_thread *t, uint64_t n) {
    if (c->mode != LLQ_EBR_QSBR) llq_ebr_exit(t);
    else if ((n & 7) == 0) llq_ebr_quiescent(t);
}
static void *map_writer(void *arg) {
    map_ctx *c = (map_ctx *)arg;
    llq_ebr_thread *t;
    uint64_t i, n = 0;
    if (llq_ebr_register(c->d, &t) != 0) {
        c->bad++;
        return NULL;
    }
    while (!__atomic_load_n(c->stop, __ATOMIC_ACQUIRE)) {
        uint64_t r = mix(n++ * 77 + (uint64_t)c->id);
        size_t idx = (size_t)((r % (MAP_KEYS / MAP_WRITERS)) * MAP_WRITERS + (uint64_t)c->id);
        map_key_hist *h = &c->h[idx];
        uint64_t key = map_key(idx), ver = h->committed, next = ver + 1, v = 0;
        bool present = (h->hist[ver % MAP_HIST] & 1) != 0, now;
        int x, op; /* 0 insert, 1 put, 2 erase */
        if (!present) op = 0;
        else op = (r >> 32) % 3 == 0 ? 2 : 1;
        now = op != 2;
        __atomic_store_n(&h->hist[next % MAP_HIST], (next << 1) | (now ? 1u : 0u), __ATOMIC_RELAXED);
        __atomic_store_n(&h->pending, next, __ATOMIC_RELEASE);
        if (op == 0) x = llq_map_insert(c->m, t, key, map_val(key, next)) == 0;
        else if (op == 1) x = llq_map_put(c->m, t, key, map_val(key, next)) == 1;
        else x = llq_map_erase(c->m, key) == 0;
        if (!x) c->bad++;
        __atomic_store_n(&h->committed, next, __ATOMIC_RELEASE);
        /* its own keys: exact */
        map_section_enter(c, t);
        if (llq_map_get(c->m, key, &v) != now || (now && v != map_val(key, next))) c->bad++;
        map_section_exit(c, t, n);
        if ((n & 255) == 0) thr_yield();
        __atomic_store_n(&c->ops, c->ops + 1, __ATOMIC_RELAXED);
    }
    if (c->mode == LLQ_EBR_QSBR) llq_ebr_quiescent(t);
    for (i = 0; i < 4; i++) llq_ebr_poll(t);
    llq_ebr_unregister(t);
    return NULL;
}
static void *map_reader(void *arg) {
    map_ctx *c = (map_ctx *)arg;
    llq_ebr_thread *t;
    uint64_t n = 0;
    if (llq_ebr_register(c->d, &t) != 0) {
        c->bad++;
        return NULL;
    }
    while (!__atomic_load_n(c->stop, __ATOMIC_ACQUIRE)) {
        size_t idx = (size_t)(mix(n++ * 13 + 1000003 * (uint64_t)c->id) % MAP_KEYS);
        map_key_hist *h = &c->h[idx];
        uint64_t key = map_key(idx), v = 0, a, p, w;
        bool found, ok = false, checkable = true;
        a = __atomic_load_n(&h->committed, __ATOMIC_ACQUIRE);
        map_section_enter(c, t);
        found = llq_map_get(c->m, key, &v);
        map_section_exit(c, t, n);
        p = __atomic_load_n(&h->pending, __ATOMIC_ACQUIRE);
        if (p - a >= MAP_HIST) checkable = false;
        for (w = a; checkable && w <= p && !ok; w++) {
            uint64_t e = __atomic_load_n(&h->hist[w % MAP_HIST], __ATOMIC_ACQUIRE);
            if (w == 0) e = 0; /* version 0: never inserted */
            else if (e >> 1 != w) {
                checkable = false; /* overwritten by a version 64 later: the reader was very late */
                break;
            }
            ok = found ? (e & 1) && v == map_val(key, w) : !(e & 1);
        }
        if (!checkable) c->unchecked++;
        else if (!ok) c->bad++;
        if ((n & 7) == 0) { /* a key nobody inserts: never found */
            map_section_enter(c, t);
            if (llq_map_get(c->m, map_absent_key(n), &v)) c->bad++;
            map_section_exit(c, t, n);
            c->phantom_checks++;
        }
        if ((n & 1023) == 0) {
            llq_map_iter it; /* a walk sees only well-formed entries */
            uint64_t k2, v2;
            map_section_enter(c, t);
            llq_map_iter_init(c->m, &it);
            while (llq_map_iter_next(&it, &k2, &v2))
                if (k2 > 2 && (k2 & 8) == 0) c->bad++;
            map_section_exit(c, t, 0);
            thr_yield();
        }
        __atomic_store_n(&c->ops, c->ops + 1, __ATOMIC_RELAXED);
    }
    if (c->mode == LLQ_EBR_QSBR) llq_ebr_quiescent(t);
    llq_ebr_unregister(t);
    return NULL;
}
static void map_model_stress(void) {
    int mode;
    for (mode = LLQ_EBR_FENCED; mode <= LLQ_EBR_QSBR; mode++) {
        size_t ms = llq_ebr_memsize(8), i;
        llq_ebr *d = (llq_ebr *)amem(ms);
        llq_map *m;
        map_key_hist *h = (map_key_hist *)calloc(MAP_KEYS, sizeof(map_key_hist));
        uint64_t bad = 0, wops = 0, rops = 0, live = 0, unchecked = 0, seen = 0, k2, v2;
        map_ctx c[MAP_WRITERS + MAP_READERS];
        thr_t th[MAP_WRITERS + MAP_READERS];
        llq_ebr_thread *self;
        llq_map_iter it;
        unsigned char *hit = (unsigned char *)calloc(MAP_KEYS, 1);
        int stop = 0, k;
        LLT_REQUIRE(d && h && hit && llq_ebr_init_mode(d, ms, 8, mode) == 0);
        m = map_new(64, d, NULL);
        for (k = 0; k < MAP_WRITERS + MAP_READERS; k++) {
            memset(&c[k], 0, sizeof c[k]);
            c[k].m = m;
            c[k].d = d;
            c[k].h = h;
            c[k].mode = mode;
            c[k].id = k < MAP_WRITERS ? k : k - MAP_WRITERS;
            c[k].stop = &stop;
            thr_create(&th[k], k < MAP_WRITERS ? map_writer : map_reader, &c[k]);
        }
        for (i = 0; i < (size_t)llt_scaled(400, 20); i++) {
            thr_sleep_us(1000);
            if (__atomic_load_n(&c[0].ops, __ATOMIC_RELAXED) > llt_scaled(300000, 3000) &&
                __atomic_load_n(&c[MAP_WRITERS].ops, __ATOMIC_RELAXED) > llt_scaled(300000, 3000))
                break;
        }
        __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
        for (k = 0; k < MAP_WRITERS + MAP_READERS; k++) {
            thr_join(th[k]);
            bad += c[k].bad;
            unchecked += c[k].unchecked;
            if (k < MAP_WRITERS) wops += c[k].ops;
            else rops += c[k].ops;
        }
        LLT_EQ_U64(bad, 0);
        LLT_CHECK(wops > 0 && rops > 0);
        LLT_CHECK(unchecked * 100 <= rops); /* at most 1 % of the lookups could not be checked */
        LLT_CHECK(m->resizes >= 2);
        /* quiescent: the map equals the model */
        LLT_REQUIRE(llq_ebr_register(d, &self) == 0);
        if (mode == LLQ_EBR_QSBR) llq_ebr_offline(self);
        for (i = 0; i < MAP_KEYS; i++) {
            uint64_t ver = h[i].committed, key = map_key(i), v = 0;
            bool present = ver && (h[i].hist[ver % MAP_HIST] & 1);
            LLT_EQ_U64(h[i].pending, ver);
            live += present;
            if (mode == LLQ_EBR_QSBR) llq_ebr_online(self);
            else llq_ebr_enter(self);
            if (llq_map_get(m, key, &v) != present || (present && v != map_val(key, ver))) bad++;
            if (mode == LLQ_EBR_QSBR) llq_ebr_offline(self);
            else llq_ebr_exit(self);
        }
        LLT_EQ_U64(bad, 0);
        LLT_EQ_U64(llq_map_size(m), live);
        if (mode == LLQ_EBR_QSBR) llq_ebr_online(self);
        else llq_ebr_enter(self);
        llq_map_iter_init(m, &it);
        while (llq_map_iter_next(&it, &k2, &v2)) { /* every live key once, with its value, nothing else */
            size_t j = 0;
            for (j = 0; j < MAP_KEYS && map_key(j) != k2; j++) {
            }
            if (j == MAP_KEYS || hit[j]++ || v2 != map_val(k2, h[j].committed)) bad++;
            seen++;
        }
        if (mode == LLQ_EBR_QSBR) llq_ebr_offline(self);
        else llq_ebr_exit(self);
        LLT_EQ_U64(bad, 0);
        LLT_EQ_U64(seen, live);
        llq_ebr_unregister(self);
        llq_ebr_drain(d);
        llq_map_destroy(m);
        free(h);
        free(hit);
        afree(m);
        afree(d);
    }
}
/* writers that fill a small map at once all run out of room together and race to grow it: every
   insert must survive every growth (a grower that copied from a table another grower had already
   replaced would drop what went into the newer one) */
#define GROW_WRITERS 4
typedef struct grow_ctx {
    llq_map *m;
    llq_ebr *d;
    int id, *go;
    uint64_t n, bad;
} grow_ctx;
static void *grow_writer(void *arg) {
    grow_ctx *c = (grow_ctx *)arg;
    llq_ebr_thread *t;
    uint64_t i;
    if (llq_ebr_register(c->d, &t) != 0) {
        c->bad++;
        return NULL;
    }
    while (!__atomic_load_n(c->go, __ATOMIC_ACQUIRE)) thr_yield();
    for (i = 0; i < c->n; i++) {
        uint64_t key = map_key(i * GROW_WRITERS + (uint64_t)c->id + 3);
        if (llq_map_insert(c->m, i & 1 ? t : NULL, key, map_val(key, 1)) != 0) c->bad++;
    }
    for (i = 0; i < 4; i++) llq_ebr_poll(t);
    llq_ebr_unregister(t);
    return NULL;
}
static void map_concurrent_growth(void) {
    int rep, reps = (int)llt_scaled(30, 3);
    for (rep = 0; rep < reps; rep++) {
        size_t ms = llq_ebr_memsize(GROW_WRITERS + 1);
        llq_ebr *d = (llq_ebr *)amem(ms);
        llq_map *m;
        grow_ctx c[GROW_WRITERS];
        thr_t th[GROW_WRITERS];
        llq_ebr_thread *self;
        uint64_t per = 20000, i, bad = 0, v;
        int go = 0, k;
        LLT_REQUIRE(d && llq_ebr_init_mode(d, ms, GROW_WRITERS + 1, rep % 2 ? LLQ_EBR_ASYM : LLQ_EBR_FENCED) == 0);
        m = map_new(64, d, NULL);
        for (k = 0; k < GROW_WRITERS; k++) {
            memset(&c[k], 0, sizeof c[k]);
            c[k].m = m;
            c[k].d = d;
            c[k].id = k;
            c[k].go = &go;
            c[k].n = per;
            thr_create(&th[k], grow_writer, &c[k]);
        }
        __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
        for (k = 0; k < GROW_WRITERS; k++) {
            thr_join(th[k]);
            bad += c[k].bad;
        }
        LLT_EQ_U64(bad, 0);
        LLT_EQ_U64(llq_map_size(m), per * GROW_WRITERS);
        LLT_REQUIRE(llq_ebr_register(d, &self) == 0);
        llq_ebr_enter(self);
        for (i = 0; i < per * GROW_WRITERS; i++) {
            uint64_t key = map_key(i + 3);
            if (!llq_map_get(m, key, &v) || v != map_val(key, 1)) bad++;
        }
        llq_ebr_exit(self);
        LLT_EQ_U64(bad, 0); /* no insert lost */
        LLT_CHECK(m->resizes >= 4);
        llq_ebr_unregister(self);
        llq_ebr_drain(d);
        llq_map_destroy(m);
        afree(m);
        afree(d);
        if (bad) break;
    }
}
#else
static void map_basic(void) { LLT_SKIP("llq_map needs 64-bit atomics (64-bit targets only)"); }
static void map_model_stress(void) { LLT_SKIP("llq_map needs 64-bit atomics (64-bit targets only)"); }
static void map_concurrent_growth(void) { LLT_SKIP("llq_map needs 64-bit atomics (64-bit targets only)"); }
#endif


/* ------------------------------------------------------------------------------------------ */
/* backpressure                                                                                */

typedef struct wm_log {
    int ev[4096];
    size_t n;
    size_t low, high;  /* the marks, to check the depth each event reports */
    int inside;        /* callbacks running now: never more than one */
    int overlaps, bad_depth;
    int slow;          /* yield inside the callback: widens the window other checkers race in */
} wm_log;
static void wm_cb(void *ctx, int event, size_t depth) {
    wm_log *l = (wm_log *)ctx;
    size_t i;
    if (__atomic_fetch_add(&l->inside, 1, __ATOMIC_ACQ_REL) != 0) __atomic_fetch_add(&l->overlaps, 1, __ATOMIC_RELAXED);
    if (l->high && (event == LLQ_WM_HIGH ? depth < l->high : depth > l->low)) l->bad_depth++;
    i = __atomic_fetch_add(&l->n, 1, __ATOMIC_RELAXED);
    if (i < 4096) l->ev[i] = event;
    if (l->slow && i % 8 == 0) thr_yield();
    __atomic_fetch_sub(&l->inside, 1, __ATOMIC_ACQ_REL);
}

static void watermark_basic(void) {
    llq_watermark w;
    wm_log log;
    static const size_t depths[] = {0, 5, 9, 10, 11, 12, 10, 3, 2, 3, 5, 9, 10, 10, 2, 1, 0, 50, 2};
    static const int want[] = {0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0, 0, 1, 2};
    size_t i;
    memset(&log, 0, sizeof log);
    LLT_EQ_I64(llq_watermark_init(NULL, 2, 10, NULL, NULL), LLQ_EINVAL);
    LLT_EQ_I64(llq_watermark_init(&w, 10, 10, NULL, NULL), LLQ_ERANGE);
    LLT_EQ_I64(llq_watermark_init(&w, 11, 10, NULL, NULL), LLQ_ERANGE);
    LLT_REQUIRE(llq_watermark_init(&w, 2, 10, wm_cb, &log) == 0);
    for (i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        LLT_EQ_I64(llq_watermark_check(&w, depths[i]), want[i]);
        LLT_EQ_U64(llq_watermark_above(&w), depths[i] >= 10 ? 1 : depths[i] <= 2 ? 0 : llq_watermark_above(&w));
    }
    LLT_EQ_U64(w.highs, 3);
    LLT_EQ_U64(w.lows, 3);
    LLT_EQ_U64(log.n, 6);
    for (i = 0; i < 6; i++) LLT_EQ_I64(log.ev[i], i % 2 ? LLQ_WM_LOW : LLQ_WM_HIGH);
}

/* every ring kind through three fill/drain cycles: three crossings each way, reported once each */
static void watermark_every_ring(void) {
    enum { CAP = 64, HI = 48, LO = 8 };
    llq_watermark w;
    int kind;
    for (kind = 0; kind < 5; kind++) {
        size_t ms, cyc, k, depth = 0;
        void *mem;
        llq_bcast_reader r = {0, 0};
        uint64_t v = 1;
        unsigned char rec[16];
        int highs = 0, lows = 0, e;
        switch (kind) {
        case 0: ms = llq_spsc_memsize(CAP, 8); break;
        case 1: ms = llq_mpmc_memsize(CAP, 8); break;
        case 2: ms = llq_mpsc_memsize(CAP, 8); break;
        case 3: ms = llq_bytes_memsize(CAP * 16); break;
        default: ms = llq_bcast_memsize(CAP * 2, 8); break;
        }
        mem = amem(ms);
        LLT_REQUIRE(mem);
        switch (kind) {
        case 0: LLT_REQUIRE(llq_spsc_init((llq_spsc *)mem, ms, CAP, 8) == 0); break;
        case 1: LLT_REQUIRE(llq_mpmc_init((llq_mpmc *)mem, ms, CAP, 8) == 0); break;
        case 2: LLT_REQUIRE(llq_mpsc_init((llq_mpsc *)mem, ms, CAP, 8) == 0); break;
        case 3: LLT_REQUIRE(llq_bytes_init((llq_bytes *)mem, ms, CAP * 16) == 0); break;
        default:
            LLT_REQUIRE(llq_bcast_init((llq_bcast *)mem, ms, CAP * 2, 8) == 0);
            llq_bcast_reader_init((llq_bcast *)mem, &r);
        }
        /* bytes ring: marks in bytes (8-byte records take 16) */
        LLT_REQUIRE(llq_watermark_init(&w, kind == 3 ? LO * 16 : LO, kind == 3 ? HI * 16 : HI, NULL, NULL) == 0);
        for (cyc = 0; cyc < 3; cyc++) {
            for (k = 0; k < CAP - 4; k++) { /* producer side: push, then check */
                switch (kind) {
                case 0: LLT_CHECK(llq_spsc_push((llq_spsc *)mem, &v)); depth = llq_spsc_size((llq_spsc *)mem); break;
                case 1: LLT_CHECK(llq_mpmc_push((llq_mpmc *)mem, &v)); depth = llq_mpmc_size((llq_mpmc *)mem); break;
                case 2: LLT_CHECK(llq_mpsc_push((llq_mpsc *)mem, &v)); depth = llq_mpsc_size((llq_mpsc *)mem); break;
                case 3:
                    LLT_CHECK(llq_bytes_write((llq_bytes *)mem, &v, 8));
                    depth = llq_bytes_size((llq_bytes *)mem);
                    break;
                default:
                    llq_bcast_publish((llq_bcast *)mem, &v);
                    depth = llq_bcast_lag((llq_bcast *)mem, &r);
                }
                e = llq_watermark_check(&w, depth);
                highs += e == LLQ_WM_HIGH;
                lows += e == LLQ_WM_LOW;
            }
            for (k = 0; k < CAP - 4; k++) { /* consumer side: pop, then check */
                size_t len;
                switch (kind) {
                case 0: LLT_CHECK(llq_spsc_pop((llq_spsc *)mem, &v)); depth = llq_spsc_size((llq_spsc *)mem); break;
                case 1: LLT_CHECK(llq_mpmc_pop((llq_mpmc *)mem, &v)); depth = llq_mpmc_size((llq_mpmc *)mem); break;
                case 2: LLT_CHECK(llq_mpsc_pop((llq_mpsc *)mem, &v)); depth = llq_mpsc_size((llq_mpsc *)mem); break;
                case 3:
                    LLT_EQ_I64(llq_bytes_read((llq_bytes *)mem, rec, sizeof rec, &len), 1);
                    depth = llq_bytes_size((llq_bytes *)mem);
                    break;
                default:
                    LLT_EQ_I64(llq_bcast_read((llq_bcast *)mem, &r, &v), 1);
                    depth = llq_bcast_lag((llq_bcast *)mem, &r);
                }
                e = llq_watermark_check(&w, depth);
                highs += e == LLQ_WM_HIGH;
                lows += e == LLQ_WM_LOW;
            }
            LLT_EQ_U64(depth, 0);
        }
        LLT_EQ_I64(highs, 3);
        LLT_EQ_I64(lows, 3);
        LLT_EQ_U64(w.highs + w.lows, 6);
        afree(mem);
    }
}

/* threads checking at once: the crossings alternate HIGH, LOW, HIGH... and each is reported once */
typedef struct wmc_ctx {
    llq_watermark *w;
    int id;
    uint64_t n, got;
} wmc_ctx;
static void *wmc_thread(void *arg) {
    wmc_ctx *c = (wmc_ctx *)arg;
    uint64_t i;
    for (i = 0; i < c->n; i++) {
        size_t depth = (size_t)(mix(i * 31 + (uint64_t)c->id) % 100);
        if (llq_watermark_check(c->w, depth) != LLQ_WM_NONE) c->got++;
    }
    return NULL;
}
static void watermark_concurrent(void) {
    llq_watermark w;
    wm_log *log = (wm_log *)calloc(1, sizeof(wm_log));
    wmc_ctx c[4];
    thr_t t[4];
    uint64_t got = 0;
    size_t i;
    int k;
    LLT_REQUIRE(log && llq_watermark_init(&w, 20, 80, wm_cb, log) == 0);
    log->low = 20;
    log->high = 80;
    log->slow = 1;
    for (k = 0; k < 4; k++) {
        c[k].w = &w;
        c[k].id = k;
        c[k].n = llt_scaled(20000, 2000);
        c[k].got = 0;
        thr_create(&t[k], wmc_thread, &c[k]);
    }
    for (k = 0; k < 4; k++) {
        thr_join(t[k]);
        got += c[k].got;
    }
    LLT_CHECK(got > 0);
    LLT_EQ_U64(got, log->n);                /* each crossing returned to exactly one caller... */
    LLT_EQ_U64(got, w.highs + w.lows);      /* ...counted once... */
    LLT_EQ_I64(log->overlaps, 0);            /* ...its callback run alone... */
    LLT_EQ_I64(log->bad_depth, 0);           /* ...with a depth on the right side of its mark */
    LLT_CHECK(w.highs == w.lows || w.highs == w.lows + 1);
    LLT_EQ_U64(llq_watermark_above(&w), w.highs != w.lows);
    for (i = 0; i < log->n && i < 4096; i++) {
        if (log->ev[i] != (i % 2 ? LLQ_WM_LOW : LLQ_WM_HIGH)) {
            LLT_CHECK(0); /* out of order: two reports of one crossing, or a LOW overtaking its HIGH */
            break;
        }
    }
    free(log);
}

/* producers and consumers of one MPMC ring, each checking the depth after every push and pop; the
   producers slow down (yield) while the ring is above the high mark: events alternate, each callback
   runs alone with a depth on the right side of its mark, every item arrives, and the state ends
   below once the ring is empty */
typedef struct wmr_ctx {
    llq_mpmc *q;
    llq_watermark *w;
    uint64_t n, sum, *left;
    int producer, id;
} wmr_ctx;
static void *wmr_thread(void *arg) {
    wmr_ctx *c = (wmr_ctx *)arg;
    uint64_t i, v;
    unsigned spins = 0;
    if (c->producer) {
        for (i = 0; i < c->n; i++) {
            v = ((uint64_t)c->id << 40) | i;
            while (llq_watermark_above(c->w) && spins++ < 64) thr_yield(); /* slow down, never stop */
            spins = 0;
            while (!llq_mpmc_push(c->q, &v)) thr_yield();
            llq_watermark_check(c->w, llq_mpmc_size(c->q));
        }
    } else {
        while (__atomic_load_n(c->left, __ATOMIC_ACQUIRE) > 0) {
            if (!llq_mpmc_pop(c->q, &v)) {
                thr_yield();
                continue;
            }
            __atomic_fetch_sub(c->left, 1, __ATOMIC_ACQ_REL);
            c->sum += v;
            llq_watermark_check(c->w, llq_mpmc_size(c->q));
        }
    }
    return NULL;
}
static void watermark_ring_concurrent(void) {
    enum { CAP = 256, P = 2, C = 2 };
    size_t ms = llq_mpmc_memsize(CAP, 8);
    llq_mpmc *q = (llq_mpmc *)amem(ms);
    llq_watermark w;
    wm_log *log = (wm_log *)calloc(1, sizeof(wm_log));
    wmr_ctx c[P + C];
    thr_t t[P + C];
    uint64_t per = llt_scaled(100000, 5000), left = per * P, sum = 0, want = 0, i;
    int k;
    LLT_REQUIRE(q && log && llq_mpmc_init(q, ms, CAP, 8) == 0);
    LLT_REQUIRE(llq_watermark_init(&w, CAP / 8, CAP * 3 / 4, wm_cb, log) == 0);
    log->low = CAP / 8;
    log->high = CAP * 3 / 4;
    for (k = 0; k < P + C; k++) {
        c[k].q = q;
        c[k].w = &w;
        c[k].n = per;
        c[k].sum = 0;
        c[k].left = &left;
        c[k].producer = k < P;
        c[k].id = k;
        thr_create(&t[k], wmr_thread, &c[k]);
    }
    for (k = 0; k < P + C; k++) {
        thr_join(t[k]);
        sum += c[k].sum;
    }
    for (k = 0; k < P; k++)
        for (i = 0; i < per; i++) want += ((uint64_t)k << 40) | i;
    LLT_EQ_U64(sum, want);
    LLT_EQ_U64(llq_mpmc_size(q), 0);
    LLT_EQ_U64(log->n, w.highs + w.lows);
    LLT_EQ_I64(log->overlaps, 0);
    LLT_EQ_I64(log->bad_depth, 0);
    LLT_CHECK(w.highs == w.lows || w.highs == w.lows + 1);
    for (i = 0; i < log->n && i < 4096; i++) {
        if (log->ev[i] != (i % 2 ? LLQ_WM_LOW : LLQ_WM_HIGH)) {
            LLT_CHECK(0);
            break;
        }
    }
    /* the ring is empty now: one more check reports the pending LOW, if any, and settles below */
    llq_watermark_check(&w, 0);
    LLT_EQ_U64(w.highs, w.lows);
    LLT_CHECK(!llq_watermark_above(&w));
    afree(q);
    free(log);
}

static void depth_sampler(void) {
    llq_depth_sampler s;
    llq_depth_stats st;
    memset(&s, 0, sizeof s);
    llq_depth_stats_get(&s, &st);
    LLT_EQ_U64(st.samples, 0);
    LLT_CHECK(st.mean == 0);
    llq_depth_record(&s, 0);
    llq_depth_record(&s, 3);
    llq_depth_record(&s, 4);
    llq_depth_record(&s, 100);
    llq_depth_record(&s, 1u << 20);
    llq_depth_stats_get(&s, &st);
    LLT_EQ_U64(st.samples, 5);
    LLT_EQ_U64(st.max, 1u << 20);
    LLT_EQ_U64(st.last, 1u << 20);
    LLT_CHECK(st.mean == (0 + 3 + 4 + 100 + (double)(1u << 20)) / 5);
    LLT_EQ_U64(st.hist[0], 1); /* 0 */
    LLT_EQ_U64(st.hist[1], 1); /* 1..3 */
    LLT_EQ_U64(st.hist[2], 1); /* 4..15 */
    LLT_EQ_U64(st.hist[4], 1); /* 64..255 */
    LLT_EQ_U64(st.hist[7], 1); /* 4^6 and up */
    llq_depth_stats_reset(&s);
    llq_depth_stats_get(&s, &st);
    LLT_EQ_U64(st.samples + st.max + st.hist[7], 0);
}

/* the token bucket on a clock the test drives: exact counts */
static void token_bucket(void) {
    llq_tb tb;
    uint64_t now = 5000000000ULL, taken = 0, w;
    int i;
    LLT_EQ_I64(llq_tb_init(NULL, 1000, 10, now), LLQ_EINVAL);
    LLT_EQ_I64(llq_tb_init(&tb, 0, 10, now), LLQ_ERANGE);
    LLT_EQ_I64(llq_tb_init(&tb, 1000, 0.5, now), LLQ_ERANGE);
    LLT_REQUIRE(llq_tb_init(&tb, 1000, 10, now) == 0); /* 1000/s, bursts of 10 */
    for (i = 0; i < 10; i++) LLT_EQ_U64(llq_tb_take(&tb, 1, now), 0);
    w = llq_tb_take(&tb, 1, now);
    LLT_CHECK(w > 999000 && w <= 1000001); /* the 11th token is 1 ms away */
    LLT_CHECK(llq_tb_take(&tb, 1, now + w - 2000) != 0);
    LLT_EQ_U64(llq_tb_take(&tb, 1, now + w), 0);
    LLT_EQ_U64(llq_tb_take(&tb, 20, now + 100000000), UINT64_MAX); /* more than a burst at once: never */
    LLT_EQ_U64(llq_tb_take(&tb, UINT64_MAX, now + 100000000), UINT64_MAX);
    LLT_EQ_U64(llq_tb_take(&tb, 0, now), 0);
    /* a simulated second of taking as fast as allowed: the rate, plus the burst */
    LLT_REQUIRE(llq_tb_init(&tb, 1000, 10, now) == 0);
    for (w = 0; w <= 1000000000ULL; w += 10000) /* every 10 us */
        while (llq_tb_take(&tb, 1, now + w) == 0) taken++;
    LLT_CHECK(taken >= 1009 && taken <= 1011);
    /* adaptive: a tenth of the rate from here on */
    llq_tb_set_rate(&tb, 100);
    taken = 0;
    for (w = 1000000000ULL + 10000; w <= 2000000000ULL; w += 10000)
        while (llq_tb_take(&tb, 1, now + w) == 0) taken++;
    LLT_CHECK(taken >= 99 && taken <= 111);
    /* the bucket's time (1/256 ns) wraps 2^56 ns (2.3 years) after init: a bucket in use (here one
       take every 2^50 ns, 13 days) keeps its rate across the wrap */
    LLT_REQUIRE(llq_tb_init(&tb, 1000, 10, now) == 0);
    for (w = 0; w < (1ULL << 56) - (1ULL << 50); w += 1ULL << 50) LLT_EQ_U64(llq_tb_take(&tb, 1, now + w), 0);
    taken = 0;
    for (w = (1ULL << 56) - 500000000ULL; w <= (1ULL << 56) + 500000000ULL; w += 10000)
        while (llq_tb_take(&tb, 1, now + w) == 0) taken++;
    LLT_CHECK(taken >= 1009 && taken <= 1011);
    /* a clock before init counts as init time */
    LLT_REQUIRE(llq_tb_init(&tb, 1000, 1, now) == 0);
    LLT_EQ_U64(llq_tb_take(&tb, 1, now - 100), 0);
    LLT_CHECK(llq_tb_take(&tb, 1, now - 100) != 0);
}

/* threads taking tokens at once never exceed burst + rate x time */
typedef struct tbc_ctx {
    llq_tb *tb;
    uint64_t *clock;
    uint64_t taken;
    int stop_at;
} tbc_ctx;
static void *tbc_thread(void *arg) {
    tbc_ctx *c = (tbc_ctx *)arg;
    for (;;) {
        uint64_t now = __atomic_load_n(c->clock, __ATOMIC_ACQUIRE);
        if (now == UINT64_MAX) break;
        if (llq_tb_take(c->tb, 1, now) == 0) c->taken++;
        else thr_yield();
    }
    return NULL;
}
static void token_bucket_concurrent(void) {
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 8
    llq_tb tb;
    uint64_t clock = 1000, end = 1000 + 50000000ULL, total = 0; /* 50 ms simulated at 100k/s */
    tbc_ctx c[3];
    thr_t t[3];
    int k;
    LLT_REQUIRE(llq_tb_init(&tb, 100000, 16, clock) == 0);
    for (k = 0; k < 3; k++) {
        c[k].tb = &tb;
        c[k].clock = &clock;
        c[k].taken = 0;
        thr_create(&t[k], tbc_thread, &c[k]);
    }
    while (clock < end) {
        __atomic_store_n(&clock, clock + 2000, __ATOMIC_RELEASE);
        thr_yield();
    }
    __atomic_store_n(&clock, UINT64_MAX, __ATOMIC_RELEASE);
    for (k = 0; k < 3; k++) {
        thr_join(t[k]);
        total += c[k].taken;
    }
    LLT_CHECK(total <= 16 + 5000 + 1);
    LLT_CHECK(total > 0);
#else
    LLT_SKIP("token bucket is single-threaded on 32-bit targets");
#endif
}

/* ------------------------------------------------------------------------------------------ */
/* ring statistics (LLQ_STATS; make test also runs this program built with it)                 */

static void ring_stats_check(const char *what, const llq_ring_stats *st, size_t full, size_t empty, size_t hw) {
    if (st->full != full || st->empty != empty || st->high_water != hw) {
        printf("  %s: full %zu empty %zu high water %zu, expected %zu %zu %zu\n", what, st->full, st->empty,
               st->high_water, full, empty, hw);
        LLT_CHECK(0);
    }
}
#if defined(LLQ_STATS)
/* one thread drives each ring through known states: exact counts */
static void ring_stats(void) {
    uint64_t v = 7, buf[16];
    llq_ring_stats st;
    size_t i, got, ms;
    unsigned char rec[64];
    { /* SPSC, capacity 8 */
        llq_spsc *q;
        ms = llq_spsc_memsize(8, 8);
        q = (llq_spsc *)amem(ms);
        LLT_REQUIRE(q && llq_spsc_init(q, ms, 8, 8) == 0);
        LLT_EQ_I64(llq_spsc_stats(q, &st), 0);
        ring_stats_check("spsc new", &st, 0, 0, 0);
        LLT_CHECK(!llq_spsc_pop(q, &v));                       /* empty 1 */
        for (i = 0; i < 6; i++) LLT_CHECK(llq_spsc_push(q, &v)); /* depth 6 */
        for (i = 0; i < 6; i++) LLT_CHECK(llq_spsc_pop(q, &v));  /* 0: the producer's cached tail is stale */
        for (i = 0; i < 3; i++) LLT_CHECK(llq_spsc_push(q, &v)); /* depth 3: the mark stays 6 */
        llq_spsc_stats(q, &st);
        ring_stats_check("spsc after 6, 0, 3", &st, 0, 1, 6);
        for (i = 0; i < 4; i++) LLT_CHECK(llq_spsc_push(q, &v)); /* depth 7 */
        LLT_EQ_U64(llq_spsc_push_n(q, buf, 0), 0);             /* zero-length: not counted */
        LLT_EQ_U64(llq_spsc_push_n(q, buf, 4), 1);             /* depth 8, cut short: full 1 */
        LLT_CHECK(!llq_spsc_push(q, &v));                      /* full 2 */
        LLT_CHECK(llq_spsc_reserve(q, 1, &got) == NULL);       /* full 3 */
        LLT_CHECK(llq_spsc_reserve(q, 0, &got) == NULL);       /* want 0: not counted */
        llq_spsc_stats(q, &st);
        ring_stats_check("spsc full", &st, 3, 1, 8);
        LLT_EQ_U64(llq_spsc_pop_n(q, buf, 16), 8);             /* fewer than asked, but some: not empty */
        LLT_EQ_U64(llq_spsc_pop_n(q, buf, 0), 0);
        LLT_EQ_U64(llq_spsc_pop_n(q, buf, 4), 0);              /* empty 2 */
        LLT_CHECK(llq_spsc_peek(q, 1, &got) == NULL);          /* empty 3 */
        LLT_CHECK(llq_spsc_reserve(q, 2, &got) != NULL && got == 2);
        llq_spsc_commit(q, 2);
        llq_spsc_stats(q, &st);
        ring_stats_check("spsc drained", &st, 3, 3, 8);
        llq_spsc_stats_reset(q);
        llq_spsc_stats(q, &st);
        ring_stats_check("spsc reset", &st, 0, 0, 0);
        LLT_CHECK(llq_spsc_push(q, &v)); /* depth 3 after the reset */
        llq_spsc_stats(q, &st);
        ring_stats_check("spsc after reset", &st, 0, 0, 3);
        LLT_EQ_I64(llq_spsc_stats(NULL, &st), LLQ_EINVAL);
        LLT_EQ_I64(llq_spsc_stats(q, NULL), LLQ_EINVAL);
        llq_spsc_stats_reset(NULL);
        afree(q);
    }
    { /* MPMC and MPSC, capacity 8 */
        int kind;
        for (kind = 0; kind < 2; kind++) {
            llq_mpmc *q;
            llq_mpsc *qs = NULL;
            ms = kind ? llq_mpsc_memsize(8, 8) : llq_mpmc_memsize(8, 8);
            q = (llq_mpmc *)amem(ms);
            LLT_REQUIRE(q);
            if (kind) {
                qs = (llq_mpsc *)(void *)q;
                LLT_REQUIRE(llq_mpsc_init(qs, ms, 8, 8) == 0);
            } else {
                LLT_REQUIRE(llq_mpmc_init(q, ms, 8, 8) == 0);
            }
#define RS_POP(pv) (kind ? llq_mpsc_pop(qs, (pv)) : llq_mpmc_pop(q, (pv)))
#define RS_POPN(p, n) (kind ? llq_mpsc_pop_n(qs, (p), (n)) : llq_mpmc_pop_n(q, (p), (n)))
            LLT_CHECK(!RS_POP(&v));                                 /* empty 1 */
            for (i = 0; i < 5; i++) LLT_CHECK(llq_mpmc_push(q, &v)); /* depth 5 */
            for (i = 0; i < 5; i++) LLT_CHECK(RS_POP(&v));
            for (i = 0; i < 2; i++) llq_mpmc_push_wait(q, &v);       /* depth 2: the mark stays 5 */
            LLT_EQ_I64(kind ? llq_mpsc_stats(qs, &st) : llq_mpmc_stats(q, &st), 0);
            ring_stats_check("mpmc 5, 0, 2", &st, 0, 1, 5);
            LLT_EQ_U64(llq_mpmc_push_n(q, buf, 0), 0);
            LLT_EQ_U64(llq_mpmc_push_n(q, buf, 7), 6);              /* depth 8, cut short: full 1 */
            LLT_CHECK(!llq_mpmc_push(q, &v));                       /* full 2 */
            LLT_EQ_U64(llq_mpmc_push_n(q, buf, 3), 0);              /* full 3 */
            LLT_EQ_U64(RS_POPN(buf, 0), 0);
            LLT_EQ_U64(RS_POPN(buf, 16), 8);
            LLT_EQ_U64(RS_POPN(buf, 2), 0);                         /* empty 2 */
            LLT_EQ_I64(kind ? llq_mpsc_stats(qs, &st) : llq_mpmc_stats(q, &st), 0);
            ring_stats_check("mpmc full and drained", &st, 3, 2, 8);
            if (kind) llq_mpsc_stats_reset(qs);
            else llq_mpmc_stats_reset(q);
            llq_mpmc_stats(q, &st);
            ring_stats_check("mpmc reset", &st, 0, 0, 0);
#undef RS_POP
#undef RS_POPN
            afree(q);
        }
    }
    { /* byte ring: 256 bytes; a record of 8 payload bytes takes 16 */
        llq_bytes *q;
        size_t len;
        ms = llq_bytes_memsize(256);
        q = (llq_bytes *)amem(ms);
        LLT_REQUIRE(q && llq_bytes_init(q, ms, 256) == 0);
        LLT_EQ_I64(llq_bytes_read(q, rec, sizeof rec, &len), 0);           /* empty 1 */
        for (i = 0; i < 16; i++) LLT_CHECK(llq_bytes_write(q, &v, 8));    /* 256 bytes */
        LLT_CHECK(!llq_bytes_write(q, &v, 8));                            /* full 1 */
        LLT_CHECK(!llq_bytes_write(q, rec, 1000));                        /* too large: not counted */
        for (i = 0; i < 16; i++) LLT_EQ_I64(llq_bytes_read(q, rec, sizeof rec, &len), 1);
        LLT_EQ_I64(llq_bytes_read(q, rec, sizeof rec, &len), 0);           /* empty 2 */
        LLT_EQ_I64(llq_bytes_stats(q, &st), 0);
        ring_stats_check("bytes", &st, 1, 2, 256);
        llq_bytes_stats_reset(q);
        LLT_CHECK(llq_bytes_write(q, rec, 20));                           /* 8 + 24 bytes */
        llq_bytes_stats(q, &st);
        ring_stats_check("bytes reset", &st, 0, 0, 32);
        afree(q);
    }
}

/* producers and consumers at once (TSan), a monitor reading meanwhile: every failed push and pop is
   counted once, and the mark stays within the capacity */
typedef struct rsc_ctx {
    llq_mpmc *q;
    uint64_t n, fails, sum;
    uint64_t *left;
    int producer;
} rsc_ctx;
static void *rsc_thread(void *arg) {
    rsc_ctx *c = (rsc_ctx *)arg;
    uint64_t i, v;
    if (c->producer) {
        for (i = 1; i <= c->n; i++)
            while (!llq_mpmc_push(c->q, &i)) {
                c->fails++;
                thr_yield();
            }
    } else {
        while (__atomic_load_n(c->left, __ATOMIC_ACQUIRE) > 0) {
            if (!llq_mpmc_pop(c->q, &v)) {
                c->fails++;
                thr_yield();
                continue;
            }
            __atomic_fetch_sub(c->left, 1, __ATOMIC_ACQ_REL);
            c->sum += v;
        }
    }
    return NULL;
}
static void ring_stats_concurrent(void) {
    enum { CAP = 16 };
    size_t ms = llq_mpmc_memsize(CAP, 8);
    llq_mpmc *q = (llq_mpmc *)amem(ms);
    rsc_ctx c[4];
    thr_t t[4];
    uint64_t per = llt_scaled(50000, 2000), left = 2 * per, pf = 0, cf = 0, sum = 0;
    llq_ring_stats st;
    int k;
    LLT_REQUIRE(q && llq_mpmc_init(q, ms, CAP, 8) == 0);
    for (k = 0; k < 4; k++) {
        memset(&c[k], 0, sizeof c[k]);
        c[k].q = q;
        c[k].n = per;
        c[k].left = &left;
        c[k].producer = k < 2;
        thr_create(&t[k], rsc_thread, &c[k]);
    }
    for (k = 0; k < 4; k++) {
        llq_mpmc_stats(q, &st); /* a monitor reading while they run */
        LLT_CHECK(st.high_water <= CAP);
        thr_join(t[k]);
        if (k < 2) pf += c[k].fails;
        else cf += c[k].fails;
        sum += c[k].sum;
    }
    LLT_EQ_U64(sum, per * (per + 1));
    llq_mpmc_stats(q, &st);
    LLT_EQ_U64(st.full, pf);  /* every failed push counted once */
    LLT_EQ_U64(st.empty, cf); /* every failed pop */
    LLT_CHECK(st.high_water >= 1 && st.high_water <= CAP);
    afree(q);
}
#else
/* without LLQ_STATS: the calls exist, say so, and cost nothing (no field, no counting) */
static void ring_stats(void) {
    size_t ms = llq_spsc_memsize(8, 8);
    llq_spsc *q = (llq_spsc *)amem(ms);
    llq_mpmc *m;
    llq_bytes *b;
    llq_ring_stats st;
    uint64_t v = 1;
    LLT_REQUIRE(q && llq_spsc_init(q, ms, 8, 8) == 0);
    LLT_CHECK(!llq_spsc_pop(q, &v));
    LLT_CHECK(llq_spsc_push(q, &v));
    memset(&st, 0xff, sizeof st);
    LLT_EQ_I64(llq_spsc_stats(q, &st), LLQ_EOPNOTSUPP);
    ring_stats_check("spsc without LLQ_STATS", &st, 0, 0, 0);
    LLT_EQ_I64(llq_spsc_stats(NULL, &st), LLQ_EINVAL);
    llq_spsc_stats_reset(q);
    afree(q);
    ms = llq_mpmc_memsize(8, 8);
    m = (llq_mpmc *)amem(ms);
    LLT_REQUIRE(m && llq_mpmc_init(m, ms, 8, 8) == 0);
    LLT_EQ_I64(llq_mpmc_stats(m, &st), LLQ_EOPNOTSUPP);
    LLT_EQ_I64(llq_mpsc_stats((llq_mpsc *)(void *)m, &st), LLQ_EOPNOTSUPP);
    afree(m);
    ms = llq_bytes_memsize(256);
    b = (llq_bytes *)amem(ms);
    LLT_REQUIRE(b && llq_bytes_init(b, ms, 256) == 0);
    LLT_EQ_I64(llq_bytes_stats(b, &st), LLQ_EOPNOTSUPP);
    afree(b);
    LLT_CHECK(strcmp(llq_strerror(LLQ_EOPNOTSUPP), "unknown error") != 0);
}
static void ring_stats_concurrent(void) { LLT_SKIP("built without LLQ_STATS (make test runs test_llq_stats)"); }
#endif

/* ------------------------------------------------------------------------------------------ */
/* blocking forms: sleeping, waking, oversubscription                                          */

static uint32_t park_total(llq_mpmc *q) {
    size_t i;
    uint32_t n = 0;
    for (i = 0; i < LLQ_I_NPARK; i++) n += __atomic_load_n(&q->park[i], __ATOMIC_RELAXED);
    return n;
}
/* wait (bounded, by count of yields, not by time) until someone is asleep on q */
static int wait_for_sleeper(llq_mpmc *q) {
    uint64_t i;
    for (i = 0; i < 2000000; i++) {
        if (park_total(q)) return 1;
        if (i % 64 == 0) thr_sleep_us(100);
        else thr_yield();
    }
    return 0;
}

/* push_wait on a full ring and pop_wait on an empty one reach the sleeping phase (the bucket of their
   slot counts them) and the other side's try form wakes them; in both fence modes */
static void mpmc_wait_sleeps(void) {
    size_t ms = llq_mpmc_memsize(2, 8), mode;
    llq_mpmc *q = (llq_mpmc *)amem(ms);
    for (mode = 0; mode < 2; mode++) {
        wait_op w;
        thr_t t;
        uint64_t v;
        LLT_REQUIRE(q && llq_mpmc_init(q, ms, 2, 8) == 0);
        if (mode) q->fence = 1; /* as on a system without an asymmetric barrier */
        memset(&w, 0, sizeof w);
        w.q = q;
        thr_create(&t, pop_waiter, &w);
        LLT_CHECK(wait_for_sleeper(q));
        LLT_CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
        v = 5;
        LLT_CHECK(llq_mpmc_push(q, &v));
        thr_join(t);
        LLT_EQ_U64(w.v, 5);
        LLT_EQ_U64(park_total(q), 0);
        for (v = 1; v <= 2; v++) LLT_CHECK(llq_mpmc_push(q, &v));
        memset(&w, 0, sizeof w);
        w.q = q;
        w.v = 9;
        thr_create(&t, push_waiter, &w);
        LLT_CHECK(wait_for_sleeper(q));
        LLT_CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
        LLT_CHECK(llq_mpmc_pop(q, &v));
        LLT_EQ_U64(v, 1);
        thr_join(t);
        LLT_EQ_U64(park_total(q), 0);
        LLT_CHECK(llq_mpmc_pop(q, &v) && v == 2);
        LLT_CHECK(llq_mpmc_pop(q, &v) && v == 9);
    }
    afree(q);
}

/* two threads hand items back and forth through a ring of 2 with the waiting forms only, with no spin
   budget and no yields, so nearly every wait goes to sleep right as the other side acts: a lost
   wakeup hangs (the watchdog turns that into a failure) */
typedef struct pp_ctx {
    llq_mpmc *a, *b;
    uint64_t n, bad;
} pp_ctx;
static void *pp_pong(void *arg) {
    pp_ctx *c = (pp_ctx *)arg;
    uint64_t i, v;
    llq_wait_tune(0, 0);
    for (i = 0; i < c->n; i++) {
        llq_mpmc_pop_wait(c->a, &v);
        if (v != i) c->bad++;
        llq_mpmc_push_wait(c->b, &v);
    }
    return NULL;
}
static void *wake_watchdog_thread(void *arg) {
    int *done = (int *)arg;
    unsigned i;
    for (i = 0; i < 1200 && !__atomic_load_n(done, __ATOMIC_ACQUIRE); i++) thr_sleep_us(100000);
    if (!__atomic_load_n(done, __ATOMIC_ACQUIRE)) {
        printf("FAIL llq/mpmc_wait_no_lost_wakeup: a waiter slept through its wakeup (hang)\n");
        fflush(stdout);
        exit(3);
    }
    return NULL;
}
static void mpmc_wait_no_lost_wakeup(void) {
    size_t ms = llq_mpmc_memsize(2, 8), mode;
    pp_ctx c;
    int done = 0;
    thr_t wd;
    c.a = (llq_mpmc *)amem(ms);
    c.b = (llq_mpmc *)amem(ms);
    thr_create(&wd, wake_watchdog_thread, &done);
    for (mode = 0; mode < 2; mode++) {
        thr_t t;
        uint64_t i, v;
        LLT_REQUIRE(c.a && c.b && llq_mpmc_init(c.a, ms, 2, 8) == 0 && llq_mpmc_init(c.b, ms, 2, 8) == 0);
        if (mode) c.a->fence = c.b->fence = 1;
        c.n = llt_scaled(20000, 500);
        c.bad = 0;
        thr_create(&t, pp_pong, &c);
        llq_wait_tune(0, 0);
        for (i = 0; i < c.n; i++) {
            llq_mpmc_push_wait(c.a, &i);
            llq_mpmc_pop_wait(c.b, &v);
            if (v != i) c.bad++;
        }
        thr_join(t);
        LLT_EQ_U64(c.bad, 0);
        LLT_EQ_U64(park_total(c.a) + park_total(c.b), 0);
    }
    llq_wait_tune(LLQ_SPIN_COUNT, LLQ_YIELD_COUNT);
    __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    thr_join(wd);
    afree(c.a);
    afree(c.b);
}

/* 8 producers and 8 consumers, waiting forms only, on however many CPUs there are: every item is
   delivered exactly once, and nobody is left asleep */
#define OV_THREADS 8
typedef struct ov_ctx {
    llq_mpmc *q;
    uint64_t per;
    int id;
    uint64_t *seen; /* [OV_THREADS * per], shared, counted with atomics */
    uint64_t bad;
} ov_ctx;
static void *ov_producer(void *arg) {
    ov_ctx *c = (ov_ctx *)arg;
    uint64_t i;
    for (i = 0; i < c->per; i++) {
        uint64_t v = ((uint64_t)c->id << 40) | i;
        llq_mpmc_push_wait(c->q, &v);
    }
    return NULL;
}
static void *ov_consumer(void *arg) {
    ov_ctx *c = (ov_ctx *)arg;
    uint64_t i, v;
    for (i = 0; i < c->per; i++) {
        uint64_t src, seq;
        llq_mpmc_pop_wait(c->q, &v);
        src = v >> 40;
        seq = v & ((1ULL << 40) - 1);
        if (src >= OV_THREADS || seq >= c->per) c->bad++;
        else __atomic_fetch_add(&c->seen[src * c->per + seq], 1, __ATOMIC_RELAXED);
    }
    return NULL;
}
static void mpmc_wait_oversubscribed(void) {
    size_t ms = llq_mpmc_memsize(64, 8), mode;
    llq_mpmc *q = (llq_mpmc *)amem(ms);
    for (mode = 0; mode < 2; mode++) {
        ov_ctx c[2 * OV_THREADS];
        thr_t t[2 * OV_THREADS];
        uint64_t per = llt_scaled(40000, 1000), j, miss = 0, dup = 0, bad = 0;
        uint64_t *seen = (uint64_t *)calloc((size_t)(OV_THREADS * per), sizeof(uint64_t));
        int k;
        LLT_REQUIRE(seen && q && llq_mpmc_init(q, ms, 64, 8) == 0);
        if (mode) q->fence = 1;
        for (k = 0; k < 2 * OV_THREADS; k++) {
            memset(&c[k], 0, sizeof c[k]);
            c[k].q = q;
            c[k].per = per;
            c[k].id = k % OV_THREADS;
            c[k].seen = seen;
            thr_create(&t[k], k < OV_THREADS ? ov_producer : ov_consumer, &c[k]);
        }
        for (k = 0; k < 2 * OV_THREADS; k++) {
            thr_join(t[k]);
            bad += c[k].bad;
        }
        for (j = 0; j < OV_THREADS * per; j++) {
            if (seen[j] == 0) miss++;
            if (seen[j] > 1) dup++;
        }
        LLT_EQ_U64(bad, 0);
        LLT_EQ_U64(miss, 0);
        LLT_EQ_U64(dup, 0);
        LLT_EQ_U64(park_total(q), 0);
        LLT_EQ_U64(llq_mpmc_size(q), 0);
        free(seen);
    }
    afree(q);
}

/* llq_wait reaches its sleep (w.waiters counts it) and llq_notify wakes it; in both fence modes */
static bool flag_set(void *ctx) { return __atomic_load_n((int *)ctx, __ATOMIC_ACQUIRE) != 0; }
typedef struct ws_ctx {
    llq_waiter w;
    int flag, r;
} ws_ctx;
static void *ws_waiter(void *arg) {
    ws_ctx *c = (ws_ctx *)arg;
    c->r = llq_wait(&c->w, flag_set, &c->flag, -1);
    return NULL;
}
static void wait_sleeps(void) {
    int mode;
    const char *how = llq_wait_method();
    printf("  wait method: %s\n", how);
#if defined(_WIN32)
    LLT_CHECK(strncmp(how, "WaitOnAddress", 13) == 0); /* Windows 8+ and wine have it */
#elif defined(__linux__) && !defined(LLQ_NO_FUTEX)
    LLT_CHECK(strncmp(how, "futex", 5) == 0);
#endif
    for (mode = 0; mode < 2; mode++) {
        ws_ctx c;
        thr_t t;
        uint64_t i;
        memset(&c, 0, sizeof c);
        llq_waiter_init(&c.w);
        if (mode) c.w.fence = 1;
        c.r = 99;
        thr_create(&t, ws_waiter, &c);
        for (i = 0; i < 2000000 && !__atomic_load_n(&c.w.waiters, __ATOMIC_ACQUIRE); i++) {
            if (i % 64 == 0) thr_sleep_us(100);
            else thr_yield();
        }
        LLT_CHECK(__atomic_load_n(&c.w.waiters, __ATOMIC_ACQUIRE) == 1);
        __atomic_store_n(&c.flag, 1, __ATOMIC_RELEASE);
        llq_notify(&c.w);
        thr_join(t);
        LLT_EQ_I64(c.r, 0);
        LLT_EQ_U64(c.w.waiters, 0);
    }
    { /* a timeout after the sleep began */
        llq_waiter w;
        int never = 0;
        llq_waiter_init(&w);
        LLT_EQ_I64(llq_wait(&w, flag_set, &never, 20000000), LLQ_ETIMEDOUT);
        LLT_EQ_U64(w.waiters, 0);
    }
}

/* a reader meets a writer stalled mid-write (the writer's thread does not run on for a while): it backs
   off, and returns the completed value once the write ends, never the torn one */
typedef struct sw_ctx {
    llq_seqlock *s;
    uint64_t out[2];
    int started;
} sw_ctx;
static void *sw_reader(void *arg) {
    sw_ctx *c = (sw_ctx *)arg;
    __atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
    llq_seqlock_read(c->s, c->out);
    return NULL;
}
static void seqlock_stalled_writer(void) {
    size_t ms = llq_seqlock_memsize(16), i;
    llq_seqlock *s = (llq_seqlock *)amem(ms);
    uint64_t init[2] = {1, 2}, *data;
    sw_ctx c;
    thr_t t;
    LLT_REQUIRE(s && llq_seqlock_init(s, ms, 16, init) == 0);
    data = (uint64_t *)((unsigned char *)s + sizeof(llq_seqlock));
    memset(&c, 0, sizeof c);
    c.s = s;
    __atomic_store_n(&s->seq, 1, __ATOMIC_RELEASE); /* the write begins */
    __atomic_store_n(&data[0], 7, __ATOMIC_RELAXED); /* half of it */
    thr_create(&t, sw_reader, &c);
    while (!__atomic_load_n(&c.started, __ATOMIC_ACQUIRE)) thr_yield();
    for (i = 0; i < 100; i++) thr_yield(); /* the reader retries meanwhile */
    __atomic_store_n(&data[1], 8, __ATOMIC_RELAXED);
    __atomic_store_n(&s->seq, 2, __ATOMIC_RELEASE); /* the write ends */
    thr_join(t);
    LLT_CHECK(c.out[0] == 7 && c.out[1] == 8);
    afree(s);
}

/* ------------------------------------------------------------------------------------------ */
/* wait / notify                                                                               */

typedef struct wait_ctx {
    llq_spsc *q;
    llq_waiter w;
    uint64_t n, bad;
} wait_ctx;

static bool spsc_nonempty(void *ctx) { return llq_spsc_size(((wait_ctx *)ctx)->q) != 0; }

static void *wait_consumer(void *arg) {
    wait_ctx *c = (wait_ctx *)arg;
    uint64_t i;
    for (i = 0; i < c->n; i++) {
        uint64_t v;
        if (llq_wait(&c->w, spsc_nonempty, c, -1) != 0) c->bad++;
        if (!llq_spsc_pop(c->q, &v) || v != i) c->bad++;
    }
    return NULL;
}

static void wait_notify(void) {
    size_t ms = llq_spsc_memsize(4, 8);
    wait_ctx c;
    thr_t t;
    uint64_t i;
    c.q = (llq_spsc *)amem(ms);
    LLT_REQUIRE(c.q && llq_spsc_init(c.q, ms, 4, 8) == 0);
    llq_waiter_init(&c.w);
    c.n = llt_scaled(200, 20);
    c.bad = 0;
    /* nobody waiting: timeout */
    LLT_EQ_I64(llq_wait(&c.w, spsc_nonempty, &c, 1000000), LLQ_ETIMEDOUT);
    thr_create(&t, wait_consumer, &c);
    for (i = 0; i < c.n; i++) {
        if (i % 4 == 0) thr_sleep_us(200); /* let the consumer go to sleep */
        while (!llq_spsc_push(c.q, &i)) thr_yield();
        llq_notify(&c.w);
    }
    thr_join(t);
    LLT_EQ_U64(c.bad, 0);
    afree(c.q);
}

int main(int argc, char **argv) {
#if defined(LLQ_STATS)
    LLT_INIT(LLQ_CACHE_LINE == 64 ? "llq-stats" : "llq-stats-line", argc, argv);
#else
    LLT_INIT(LLQ_CACHE_LINE == 64 ? "llq" : LLQ_CACHE_LINE == 32 ? "llq-line32" : LLQ_CACHE_LINE == 128 ? "llq-line128" : "llq-line", argc, argv);
#endif
    LLT_RUN(init_validation);
    LLT_RUN(spsc_layout);
    LLT_RUN(spsc_basic);
    LLT_RUN(spsc_odd_size_and_burst);
    LLT_RUN(spsc_reserve_peek);
    LLT_RUN(spsc_mailbox);
    LLT_RUN(spsc_typed);
    LLT_RUN(spsc_stress);
    LLT_RUN(mpmc_basic);
    LLT_RUN(zero_length_bursts);
    LLT_RUN(mpmc_layout);
    LLT_RUN(mpmc_wait_basic);
    LLT_RUN(mpmc_wait_blocks);
    LLT_RUN(mpmc_stress);
    LLT_RUN(mpmc_wait_stress);
    LLT_RUN(mpsc_stress);
    LLT_RUN(mpsc_wait_stress);
    LLT_RUN(mpsc_list_stress);
    LLT_RUN(bytes_basic);
    LLT_RUN(bytes_corrupt);
    LLT_RUN(bytes_stress);
    LLT_RUN(bcast_basic);
    LLT_RUN(bcast_stress);
    LLT_RUN(seqlock_stress);
    LLT_RUN(ebr_grace);
    LLT_RUN(stack_ebr_stress);
    LLT_RUN(msq_ebr_stress);
    LLT_RUN(rcu_basic);
    LLT_RUN(rcu_synchronize_waits);
    LLT_RUN(rcu_stress);
    LLT_RUN(map_basic);
    LLT_RUN(map_model_stress);
    LLT_RUN(map_concurrent_growth);
    LLT_RUN(watermark_basic);
    LLT_RUN(watermark_every_ring);
    LLT_RUN(watermark_concurrent);
    LLT_RUN(watermark_ring_concurrent);
    LLT_RUN(depth_sampler);
    LLT_RUN(token_bucket);
    LLT_RUN(token_bucket_concurrent);
    LLT_RUN(ring_stats);
    LLT_RUN(ring_stats_concurrent);
    LLT_RUN(wait_notify);
    LLT_RUN(wait_sleeps);
    LLT_RUN(mpmc_wait_sleeps);
    LLT_RUN(mpmc_wait_no_lost_wakeup);
    LLT_RUN(mpmc_wait_oversubscribed);
    LLT_RUN(seqlock_stalled_writer);
    return LLT_FINISH();
}
