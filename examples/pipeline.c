/* pipeline.c - tick-to-trade: market data in, orders out, through ll rings, a seqlock and a fixed pool.

   feed/gateway thread (CPU 0)                          strategy thread (CPU 1)
     build a checksummed wire frame (32 bytes)
     t0 = now; verify CRC32C, decode -> tick  --SPSC-->   pop tick, update top-of-book (seqlock write),
                                                          allocate an order from the fixed pool
     pop order, read top-of-book (seqlock read)  <--SPSC--  push the order pointer
     risk check, latency = now - t0, free order to the pool (a remote free)

   The feed sends one tick and waits for its order before the next (ping-pong), so every sample is the
   full decode -> ring -> strategy -> pool -> ring -> gateway path with no queueing in it. A corrupt
   frame is injected every 997 ticks; the decoder must drop it (no order comes back for it).

   The same pipeline is then run with a mutex/condition-variable queue and malloc/free in the same
   process, and the two latency distributions are compared. The gateway times each order with
   llstat_now() (the TSC where the kernel trusts it) and records it into a latency histogram it owns
   (llstat.h, HdrHistogram's layout): percentiles, the CSV and the plot come from the histograms, and
   bench mode prints each one's percentile distribution in HdrHistogram's format.

   Last, flow control: a feed offering ticks 20x faster than a slow strategy takes them, once dropping
   what finds the ring full and once slowing down through a watermark and a token bucket (llq.h's
   backpressure helpers): the second run drops nothing.

   Usage:
       pipeline          checked mode: 20000 ticks through each pipeline, every invariant checked
       pipeline bench    1,000,000 ticks each (LLB_QUICK=1: 200,000); markdown table, CSV in
                         build/pipeline-latency.csv and, when gnuplot is installed, a PNG plot in
                         build/pipeline-latency.png
*/
#define LLCRC_IMPLEMENTATION
#define LLQ_IMPLEMENTATION
#define LLMEM_IMPLEMENTATION
#define LLSTAT_IMPLEMENTATION
#define LLBENCH_IMPLEMENTATION
#include "llcrc.h"
#include "llq.h"
#include "llmem.h"
#include "llstat.h"
#include "bench/llbench.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- wire format and decoded messages ---- */
typedef struct md_wire {     /* 32 bytes, little-endian */
    uint32_t crc;            /* CRC32C of the 28 bytes after it */
    uint16_t len;
    uint8_t type, side;      /* side 0 = bid, 1 = ask */
    uint64_t seq;
    uint32_t instr, qty;
    int64_t price;           /* in ticks */
} md_wire;

typedef struct tick {
    uint64_t seq, t0;
    int64_t price;
    uint32_t instr, qty;
    uint32_t side, pad;
} tick;

typedef struct book {
    int64_t bid, ask;
    uint32_t bid_qty, ask_qty;
    uint64_t seq;
} book;

typedef struct order {
    uint64_t seq, t0;
    int64_t price;
    uint32_t instr, qty;
    uint32_t side, pad;
    char pad2[24];
} order;

#define RING_CAP 1024u
#define CORRUPT_EVERY 997u

static uint32_t wire_crc(const md_wire *w) {
    return llcrc_crc32c(0, (const unsigned char *)w + 4, sizeof *w - 4);
}

static uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    return *s = x;
}

/* the exchange: frame number i of a deterministic random walk */
static void make_frame(md_wire *w, uint64_t i, uint64_t *rng, int64_t *mid) {
    uint64_t r = rng_next(rng);
    *mid += (int64_t)(r % 3) - 1;
    w->len = (uint16_t)sizeof *w;
    w->type = 1;
    w->side = (uint8_t)(i & 1);
    w->seq = i;
    w->instr = 42;
    w->qty = (uint32_t)(1 + (r >> 8) % 100);
    w->price = w->side ? *mid + 1 : *mid - 1;
    w->crc = wire_crc(w);
    if (i % CORRUPT_EVERY == CORRUPT_EVERY - 1) w->price ^= 0x40; /* bit flip on the wire */
}

/* decode: false for a frame that fails its checksum or is malformed */
static bool decode(const md_wire *w, tick *t) {
    if (w->len != sizeof *w || w->type != 1 || wire_crc(w) != w->crc) return false;
    t->seq = w->seq;
    t->price = w->price;
    t->instr = w->instr;
    t->qty = w->qty;
    t->side = w->side;
    t->pad = 0;
    return true;
}

/* spin-wait step: pause, and give the CPU away now and then so a contended machine still progresses
   (an uncontended round trip takes a few hundred ns: far fewer spins than the yield threshold) */
static void spin_step(unsigned *spins) {
    if (++*spins < 4096) llq_cpu_relax();
    else {
        *spins = 0;
        sched_yield();
    }
}

typedef struct result {
    llstat_hist *lat;     /* order latencies, ns: written only by the gateway thread that measures */
    size_t n;             /* orders received */
    uint64_t dropped, bad_orders, book_reads;
    uint64_t risk_rejects; /* orders seen against a crossed book (a dropped frame left a stale side) */
    uint64_t live_after;  /* pool objects still allocated at the end (ll) */
} result;

/* ============================================================================================== */
/* ll version: two SPSC rings, seqlock, fixed pool, both threads spin                             */

typedef struct ll_pipe {
    llq_spsc *ticks, *orders;
    llq_seqlock *tob;
    llmem_pool pool;
    uint64_t nticks;
    int cpu_feed, cpu_strat;
    volatile int done;
} ll_pipe;

static void *ll_strategy(void *arg) {
    ll_pipe *p = (ll_pipe *)arg;
    book b;
    llmem_cache *c;
    if (p->cpu_strat >= 0) llmem_pin_cpu(p->cpu_strat);
    c = llmem_pool_cache(&p->pool);
    memset(&b, 0, sizeof b);
    unsigned spins = 0;
    for (;;) {
        tick t;
        order *o;
        if (!llq_spsc_pop(p->ticks, &t)) {
            if (__atomic_load_n(&p->done, __ATOMIC_ACQUIRE)) break;
            spin_step(&spins);
            continue;
        }
        if (t.side) {
            b.ask = t.price;
            b.ask_qty = t.qty;
        } else {
            b.bid = t.price;
            b.bid_qty = t.qty;
        }
        b.seq = t.seq;
        llq_seqlock_write(p->tob, &b);
        o = (order *)llmem_cache_alloc(c);
        if (!o) continue; /* pool exhausted: no order (counted as missing by the gateway) */
        o->seq = t.seq;
        o->t0 = t.t0;
        o->instr = t.instr;
        o->side = t.side ^ 1u; /* take the other side */
        o->price = t.price;
        o->qty = t.qty;
        while (!llq_spsc_push(p->orders, &o)) spin_step(&spins);
    }
    llmem_thread_exit();
    return NULL;
}

static void ll_run(uint64_t nticks, result *res) {
    ll_pipe p;
    pthread_t th;
    size_t ms = llq_spsc_memsize(RING_CAP, sizeof(tick)), mo = llq_spsc_memsize(RING_CAP, sizeof(order *));
    size_t msl = llq_seqlock_memsize(sizeof(book));
    book b0;
    uint64_t i, rng = 88172645463325252ull;
    int64_t mid = 100000;
    llmem_cache *c;
    llmem_stats st;
    unsigned spins = 0;
    memset(&p, 0, sizeof p);
    memset(&b0, 0, sizeof b0);
    p.ticks = (llq_spsc *)llmem_aligned_alloc(ms, 128);
    p.orders = (llq_spsc *)llmem_aligned_alloc(mo, 128);
    p.tob = (llq_seqlock *)llmem_aligned_alloc(msl, 128);
    if (!p.ticks || !p.orders || !p.tob || llq_spsc_init(p.ticks, ms, RING_CAP, sizeof(tick)) ||
        llq_spsc_init(p.orders, mo, RING_CAP, sizeof(order *)) || llq_seqlock_init(p.tob, msl, sizeof(book), &b0) ||
        llmem_pool_init(&p.pool, sizeof(order), 64)) {
        fprintf(stderr, "pipeline: setup failed\n");
        exit(2);
    }
    p.nticks = nticks;
    p.cpu_feed = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 0 : -1;
    p.cpu_strat = p.cpu_feed >= 0 ? 1 : -1;
    pthread_create(&th, NULL, ll_strategy, &p);
    if (p.cpu_feed >= 0) llmem_pin_cpu(p.cpu_feed);
    c = llmem_pool_cache(&p.pool);
    for (i = 0; i < nticks; i++) {
        md_wire w;
        tick t;
        order *o;
        book b;
        uint64_t t0;
        make_frame(&w, i, &rng, &mid);
        t0 = llstat_now(); /* the frame has arrived */
        if (!decode(&w, &t)) {
            res->dropped++;
            continue;
        }
        t.t0 = t0;
        while (!llq_spsc_push(p.ticks, &t)) spin_step(&spins);
        while (!llq_spsc_pop(p.orders, &o)) spin_step(&spins);
        llq_seqlock_read(p.tob, &b); /* risk: the order must not cross our view of the book */
        res->book_reads++;
        if (b.seq < o->seq) res->bad_orders++;
        if (o->seq != t.seq || o->price != t.price || o->side != (t.side ^ 1u)) res->bad_orders++;
        if (b.bid && b.ask && b.bid >= b.ask) res->risk_rejects++;
        llstat_hist_record(res->lat, llstat_ticks_to_ns(llstat_now() - o->t0));
        res->n++;
        llmem_cache_free(c, o); /* remote free: lands in this thread's magazine */
    }
    __atomic_store_n(&p.done, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    llmem_thread_exit();
    llmem_pool_stats(&p.pool, &st);
    res->live_after = st.live;
    llmem_pin_reset();
    llmem_pool_destroy(&p.pool);
    llmem_aligned_free(p.ticks);
    llmem_aligned_free(p.orders);
    llmem_aligned_free(p.tob);
}

/* ============================================================================================== */
/* baseline: mutex + condition variable queues, malloc/free, a mutex-protected book                */

typedef struct mq {
    pthread_mutex_t m;
    pthread_cond_t cv;
    unsigned char *buf;
    size_t esize, cap, head, tail;
} mq;

static void mq_init(mq *q, size_t esize, size_t cap) {
    pthread_mutex_init(&q->m, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->buf = (unsigned char *)malloc(esize * cap);
    q->esize = esize;
    q->cap = cap;
    q->head = q->tail = 0;
}
static void mq_free(mq *q) {
    pthread_mutex_destroy(&q->m);
    pthread_cond_destroy(&q->cv);
    free(q->buf);
}
static void mq_push(mq *q, const void *e) {
    pthread_mutex_lock(&q->m);
    while (q->tail - q->head == q->cap) pthread_cond_wait(&q->cv, &q->m);
    memcpy(q->buf + (q->tail % q->cap) * q->esize, e, q->esize);
    q->tail++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->m);
}
/* false when closed (done set) and empty */
static bool mq_pop(mq *q, void *e, volatile int *done) {
    pthread_mutex_lock(&q->m);
    while (q->tail == q->head) {
        if (done && *done) {
            pthread_mutex_unlock(&q->m);
            return false;
        }
        pthread_cond_wait(&q->cv, &q->m);
    }
    memcpy(e, q->buf + (q->head % q->cap) * q->esize, q->esize);
    q->head++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->m);
    return true;
}

typedef struct mx_pipe {
    mq ticks, orders;
    pthread_mutex_t book_m;
    book tob;
    int cpu_strat;
    volatile int done;
} mx_pipe;

static void *mx_strategy(void *arg) {
    mx_pipe *p = (mx_pipe *)arg;
    book b;
    if (p->cpu_strat >= 0) llmem_pin_cpu(p->cpu_strat);
    memset(&b, 0, sizeof b);
    for (;;) {
        tick t;
        order *o;
        if (!mq_pop(&p->ticks, &t, &p->done)) break;
        if (t.side) {
            b.ask = t.price;
            b.ask_qty = t.qty;
        } else {
            b.bid = t.price;
            b.bid_qty = t.qty;
        }
        b.seq = t.seq;
        pthread_mutex_lock(&p->book_m);
        p->tob = b;
        pthread_mutex_unlock(&p->book_m);
        o = (order *)malloc(sizeof *o);
        if (!o) continue;
        o->seq = t.seq;
        o->t0 = t.t0;
        o->instr = t.instr;
        o->side = t.side ^ 1u;
        o->price = t.price;
        o->qty = t.qty;
        mq_push(&p->orders, &o);
    }
    return NULL;
}

static void mx_run(uint64_t nticks, result *res) {
    mx_pipe p;
    pthread_t th;
    uint64_t i, rng = 88172645463325252ull;
    int64_t mid = 100000;
    int cpu_feed = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 0 : -1;
    memset(&p, 0, sizeof p);
    mq_init(&p.ticks, sizeof(tick), RING_CAP);
    mq_init(&p.orders, sizeof(order *), RING_CAP);
    pthread_mutex_init(&p.book_m, NULL);
    p.cpu_strat = cpu_feed >= 0 ? 1 : -1;
    pthread_create(&th, NULL, mx_strategy, &p);
    if (cpu_feed >= 0) llmem_pin_cpu(cpu_feed);
    for (i = 0; i < nticks; i++) {
        md_wire w;
        tick t;
        order *o;
        book b;
        uint64_t t0;
        make_frame(&w, i, &rng, &mid);
        t0 = llstat_now();
        if (!decode(&w, &t)) {
            res->dropped++;
            continue;
        }
        t.t0 = t0;
        mq_push(&p.ticks, &t);
        mq_pop(&p.orders, &o, NULL);
        pthread_mutex_lock(&p.book_m);
        b = p.tob;
        pthread_mutex_unlock(&p.book_m);
        res->book_reads++;
        if (b.seq < o->seq) res->bad_orders++;
        if (o->seq != t.seq || o->price != t.price || o->side != (t.side ^ 1u)) res->bad_orders++;
        if (b.bid && b.ask && b.bid >= b.ask) res->risk_rejects++;
        llstat_hist_record(res->lat, llstat_ticks_to_ns(llstat_now() - o->t0));
        res->n++;
        free(o);
    }
    pthread_mutex_lock(&p.ticks.m);
    p.done = 1;
    pthread_cond_broadcast(&p.ticks.cv);
    pthread_mutex_unlock(&p.ticks.m);
    pthread_join(th, NULL);
    llmem_pin_reset();
    mq_free(&p.ticks);
    mq_free(&p.orders);
    pthread_mutex_destroy(&p.book_m);
}

/* ============================================================================================== */
/* Flow control: a feed offering ticks faster than the strategy can take them.

   The strategy spends FLOW_WORK_NS on each tick (a model that has to be recomputed), so it keeps up
   with about 1e9 / FLOW_WORK_NS ticks/s; the feed offers FLOW_FAST ticks/s, paced by a token bucket
   (llq_tb: one compare-and-swap per tick, no system call). Without backpressure the feed drops every
   tick that finds the ring full. With it, a watermark on the ring's depth (high 3/4, low 1/4 of the
   ring) lowers the bucket's rate to FLOW_SLOW when the depth reaches the high mark and restores it at
   the low mark: the feed slows down, the ring never fills, nothing is dropped. The strategy samples
   the depth every 16 ticks (llq_depth_sampler) for the report. */

#define FLOW_RING 1024u
#define FLOW_WORK_NS 20000u   /* the strategy's cost per tick: 50 k ticks/s */
#define FLOW_FAST 1000000.0   /* what the feed offers */
#define FLOW_SLOW 10000.0     /* its rate above the high watermark: well below what the strategy takes */

typedef struct flow {
    llq_spsc *q;
    llq_watermark wm;
    llq_tb tb;
    llq_depth_sampler depth;
    int backpressure;
    uint64_t n, dropped, full_waits, slowdowns, got, out_of_order;
    volatile int done;
} flow;

static void flow_wm(void *ctx, int event, size_t depth) {
    flow *f = (flow *)ctx;
    (void)depth;
    llq_tb_set_rate(&f->tb, event == LLQ_WM_HIGH ? FLOW_SLOW : FLOW_FAST);
    if (event == LLQ_WM_HIGH) f->slowdowns++;
}
static void *flow_strategy(void *arg) {
    flow *f = (flow *)arg;
    uint64_t last = 0;
    unsigned spins = 0;
    for (;;) {
        tick t;
        uint64_t until;
        if (!llq_spsc_pop(f->q, &t)) {
            if (__atomic_load_n(&f->done, __ATOMIC_ACQUIRE) && llq_spsc_size(f->q) == 0) break;
            spin_step(&spins);
            continue;
        }
        if (t.seq <= last && f->got) f->out_of_order++;
        last = t.seq;
        if (++f->got % 16 == 0) llq_depth_record(&f->depth, llq_spsc_size(f->q));
        until = llstat_now_ns() + FLOW_WORK_NS;
        while (llstat_now_ns() < until) llq_cpu_relax();
    }
    return NULL;
}
static double flow_run(flow *f, uint64_t n, int backpressure) {
    size_t ms = llq_spsc_memsize(FLOW_RING, sizeof(tick));
    pthread_t th;
    uint64_t i, t0;
    unsigned spins = 0;
    memset(f, 0, sizeof *f);
    f->q = (llq_spsc *)aligned_alloc(128, (ms + 127) & ~(size_t)127);
    if (!f->q || llq_spsc_init(f->q, ms, FLOW_RING, sizeof(tick)) != 0) exit(2);
    f->n = n;
    f->backpressure = backpressure;
    t0 = llstat_now_ns();
    if (llq_tb_init(&f->tb, FLOW_FAST, 32, t0) != 0 ||
        llq_watermark_init(&f->wm, FLOW_RING / 4, FLOW_RING * 3 / 4, flow_wm, f) != 0)
        exit(2);
    if (pthread_create(&th, NULL, flow_strategy, f) != 0) exit(2);
    for (i = 1; i <= n; i++) {
        tick t;
        uint64_t wait;
        memset(&t, 0, sizeof t);
        t.seq = i;
        while ((wait = llq_tb_take(&f->tb, 1, llstat_now_ns())) != 0) { /* paced: wait for the token */
            if (wait > 50000) {
                struct timespec ts = {0, (long)wait};
                nanosleep(&ts, NULL);
            } else {
                llq_cpu_relax();
            }
        }
        if (!backpressure) {
            if (!llq_spsc_push(f->q, &t)) f->dropped++; /* the naive feed: the tick is lost */
            continue;
        }
        while (!llq_spsc_push(f->q, &t)) { /* never expected: the watermark acts long before */
            f->full_waits++;
            spin_step(&spins);
        }
        llq_watermark_check(&f->wm, llq_spsc_size(f->q));
    }
    __atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    free(f->q);
    return (double)(llstat_now_ns() - t0) / 1e9;
}
static int flow_demo(uint64_t n, int bench) {
    flow naive, bp;
    llq_depth_stats ds, dn;
    double tn = flow_run(&naive, n, 0), tb = flow_run(&bp, n, 1);
    int ok = 1;
    llq_depth_stats_get(&naive.depth, &dn);
    llq_depth_stats_get(&bp.depth, &ds);
    printf("\n### pipeline: flow control, a feed offering %.0f ticks/s to a strategy taking ~%u/s (ring of %u, %llu "
           "ticks)\n\n", FLOW_FAST, 1000000000u / FLOW_WORK_NS, FLOW_RING, (unsigned long long)n);
    printf("| feed | delivered | dropped | waits on a full ring | slowdowns (high-mark crossings) | delivered/s | "
           "depth mean / max |\n|:---|---:|---:|---:|---:|---:|---:|\n");
    printf("| drops what finds the ring full | %llu | %llu (%.1f %%) | - | - | %.0f | %.0f / %zu |\n",
           (unsigned long long)naive.got, (unsigned long long)naive.dropped, 100.0 * (double)naive.dropped / (double)n,
           (double)naive.got / tn, dn.mean, dn.max);
    printf("| slows down: watermarks %u/%u switch its token bucket %.0f/s <-> %.0f/s | %llu | %llu | %llu | %llu | %.0f "
           "| %.0f / %zu |\n",
           FLOW_RING * 3 / 4, FLOW_RING / 4, FLOW_FAST, FLOW_SLOW, (unsigned long long)bp.got,
           (unsigned long long)bp.dropped, (unsigned long long)bp.full_waits, (unsigned long long)bp.slowdowns,
           (double)bp.got / tb, ds.mean, ds.max);
    if (!bench) printf("\n");
    if (bp.dropped || bp.got != n || bp.out_of_order) {
        printf("  backpressure run: %llu of %llu ticks arrived, %llu out of order\n", (unsigned long long)bp.got,
               (unsigned long long)n, (unsigned long long)bp.out_of_order);
        ok = 0;
    }
    /* the feed slowed down: at least one high-mark crossing, crossings alternate (one LOW per HIGH, but
       the last), and it took longer than offering n ticks at full speed would */
    if (bp.slowdowns == 0 || bp.wm.highs != bp.slowdowns ||
        bp.wm.highs != bp.wm.lows + (llq_watermark_above(&bp.wm) ? 1 : 0) || tb < (double)n / FLOW_FAST) {
        printf("  backpressure run: the feed never slowed down, or crossings did not alternate\n");
        ok = 0;
    }
    /* the naive feed lost ticks, and every tick either arrived or was counted as dropped */
    if (naive.got + naive.dropped != n || naive.out_of_order || naive.dropped == 0) {
        printf("  naive run: %llu arrived + %llu dropped of %llu\n", (unsigned long long)naive.got,
               (unsigned long long)naive.dropped, (unsigned long long)n);
        ok = 0;
    }
    return ok;
}

static int check_result(const char *name, const result *r, uint64_t nticks) {
    uint64_t expect_dropped = nticks / CORRUPT_EVERY;
    int ok = 1;
    if (r->dropped != expect_dropped) {
        printf("  %s: %llu corrupt frames dropped, expected %llu\n", name, (unsigned long long)r->dropped,
               (unsigned long long)expect_dropped);
        ok = 0;
    }
    if (r->n != nticks - expect_dropped) {
        printf("  %s: %llu orders for %llu good ticks\n", name, (unsigned long long)r->n,
               (unsigned long long)(nticks - expect_dropped));
        ok = 0;
    }
    if (r->bad_orders) {
        printf("  %s: %llu bad orders\n", name, (unsigned long long)r->bad_orders);
        ok = 0;
    }
    if (r->live_after) {
        printf("  %s: %llu orders still allocated\n", name, (unsigned long long)r->live_after);
        ok = 0;
    }
    return ok;
}

static void add_row(llb_table *t, const char *name, const result *r, double *pct) {
    pct[0] = (double)llstat_hist_percentile(r->lat, 50);
    pct[1] = (double)llstat_hist_percentile(r->lat, 99);
    pct[2] = (double)llstat_hist_percentile(r->lat, 99.9);
    pct[3] = (double)llstat_hist_max(r->lat);
    llb_add(t, name, pct[0], 0);
    llb_note(t, "p50 %.0f ns, p99 %.0f ns, p99.9 %.0f ns, max %.0f ns", pct[0], pct[1], pct[2], pct[3]);
}

/* the histogram holds exactly the orders received, in range, and its percentiles are ordered */
static int check_hist(const char *name, const result *r) {
    uint64_t p50 = llstat_hist_percentile(r->lat, 50), p99 = llstat_hist_percentile(r->lat, 99);
    uint64_t mx = llstat_hist_max(r->lat);
    if (llstat_hist_count(r->lat) == r->n && llstat_hist_overflow(r->lat) == 0 && p50 > 0 && p50 <= p99 &&
        p99 <= mx && llstat_hist_min(r->lat) <= p50)
        return 1;
    printf("  %s: histogram holds %llu samples for %zu orders (%llu above its range), p50 %llu, p99 %llu, max %llu\n",
           name, (unsigned long long)llstat_hist_count(r->lat), r->n, (unsigned long long)llstat_hist_overflow(r->lat),
           (unsigned long long)p50, (unsigned long long)p99, (unsigned long long)mx);
    return 0;
}

/* Latency by percentile for both runs, read from their histograms, on a "nines" axis so the tail is
   visible: x = -log10(1 - q), i.e. 1 = p90, 2 = p99, 3 = p99.9. Then gnuplot, when present. */
static void write_plot(const result *a, const result *b) {
    FILE *f = fopen("build/pipeline-latency.csv", "w");
    size_t n = a->n < b->n ? a->n : b->n;
    double x, xmax = log10((double)n);
    if (!f || n < 2) return;
    fprintf(f, "nines,percentile,ll_ns,mutex_malloc_ns\n");
    for (x = 0; x <= xmax + 1e-9; x += 0.01) {
        double q = 1.0 - pow(10.0, -x);
        fprintf(f, "%.3f,%.6f,%llu,%llu\n", x, q * 100.0, (unsigned long long)llstat_hist_percentile(a->lat, q * 100.0),
                (unsigned long long)llstat_hist_percentile(b->lat, q * 100.0));
    }
    fprintf(f, "%.3f,100,%llu,%llu\n", xmax, (unsigned long long)llstat_hist_max(a->lat),
            (unsigned long long)llstat_hist_max(b->lat));
    fclose(f);
    printf("CSV: build/pipeline-latency.csv\n");
    if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
        FILE *g = popen("gnuplot", "w");
        if (!g) return;
        fprintf(g, "set terminal pngcairo size 900,500 noenhanced\n"
                   "set output 'build/pipeline-latency.png'\n"
                   "set datafile separator ','\n"
                   "set title 'tick-to-trade latency by percentile (%zu round trips each, 2 pinned threads)'\n"
                   "set xlabel 'percentile'\nset ylabel 'latency (ns, log scale)'\n"
                   "set xtics ('0' 0, '50' 0.301, '90' 1, '99' 2, '99.9' 3, '99.99' 4, '99.999' 5, '99.9999' 6)\n"
                   "set logscale y\nset grid\nset key bottom right\n"
                   "plot 'build/pipeline-latency.csv' skip 1 using 1:3 with lines lw 2 title 'll: SPSC rings + seqlock + fixed pool', "
                   "'' skip 1 using 1:4 with lines lw 2 title 'mutex/condvar queue + malloc'\n", n);
        if (pclose(g) == 0) printf("plot: build/pipeline-latency.png\n");
        else printf("plot: gnuplot failed\n");
    } else {
        printf("plot: skipped (gnuplot not installed)\n");
    }
}

/* 1 ns .. 10 s at 3 significant digits (0.1 %): ~27 KB per histogram, allocated once, before the run */
#define LAT_LOWEST 1u
#define LAT_HIGHEST 10000000000ull
static llstat_hist *lat_new(void) {
    size_t bytes = llstat_hist_memsize(LAT_LOWEST, LAT_HIGHEST, 3);
    llstat_hist *h = (llstat_hist *)malloc(bytes);
    if (!h || llstat_hist_init(h, bytes, LAT_LOWEST, LAT_HIGHEST, 3) != LLSTAT_OK) exit(2);
    return h;
}

int main(int argc, char **argv) {
    int bench = argc > 1 && strcmp(argv[1], "bench") == 0;
    uint64_t nticks = bench ? (llb_quick() ? 200000u : 1000000u) : 20000u;
    result a, b;
    double pa[4], pb[4];
    llb_table *t;
    int ok;
    setvbuf(stdout, NULL, _IOLBF, 0);
    llstat_clock_init(LLSTAT_CLOCK_AUTO);
    printf("clock: %s (%s)\n", llstat_clock_name(), llstat_clock_reason());
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.lat = lat_new();
    b.lat = lat_new();
    /* warm up both (page faults, pool slabs, first futex) */
    {
        result w;
        memset(&w, 0, sizeof w);
        w.lat = lat_new();
        ll_run(2000, &w);
        mx_run(2000, &w);
        free(w.lat);
    }
    ll_run(nticks, &a);
    mx_run(nticks, &b);
    ok = check_result("ll", &a, nticks) & check_result("mutex", &b, nticks);
    ok &= check_hist("ll", &a) & check_hist("mutex", &b);
    t = llb_table_new("pipeline: tick-to-trade latency, decode -> strategy -> order back (ns/op = p50)");
    add_row(t, "ll: SPSC rings + seqlock + fixed pool", &a, pa);
    add_row(t, "mutex/condvar queue + malloc", &b, pb);
    llb_print(t);
    printf("mutex+malloc / ll: p50 %.1fx, p99 %.1fx, p99.9 %.1fx (%llu ticks each, %llu corrupt frames dropped)\n",
           pb[0] / pa[0], pb[1] / pa[1], pb[2] / pa[2], (unsigned long long)nticks, (unsigned long long)a.dropped);
    if (bench) {
        printf("\nll pipeline, percentile distribution (ns; HdrHistogram's format):\n");
        llstat_hist_print(a.lat, stdout, 1, 1.0, false);
        printf("\nmutex/condvar + malloc pipeline, percentile distribution (ns):\n");
        llstat_hist_print(b.lat, stdout, 1, 1.0, false);
        write_plot(&a, &b);
    }
    llb_table_free(t);
    ok &= flow_demo(bench ? 200000u : 20000u, bench);
    free(a.lat);
    free(b.lat);
    printf("%s examples/pipeline\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
