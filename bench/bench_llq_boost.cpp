// bench/bench_llq_boost.cpp - the boost::lockfree anchors for bench_llq (C++ unit).
#include "bench_llq.h"

#if defined(LLB_HAVE_BOOST)
#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <boost/lockfree/stack.hpp>

namespace {
typedef boost::lockfree::spsc_queue<uint64_t, boost::lockfree::capacity<4096> > bspsc;
typedef boost::lockfree::queue<uint64_t, boost::lockfree::capacity<4096> > bqueue;
typedef boost::lockfree::stack<uint64_t, boost::lockfree::capacity<4096> > bstack;

void *mk_spsc(size_t) { return new bspsc(); }
void rm_spsc(void *q) { delete static_cast<bspsc *>(q); }
void *mk_queue(size_t) { return new bqueue(); }
void rm_queue(void *q) { delete static_cast<bqueue *>(q); }
void *mk_stack(size_t) { return new bstack(); }
void rm_stack(void *q) { delete static_cast<bstack *>(q); }

#define BSPSC_PUSH(q, v) (q)->push(v)
#define BSPSC_POP(q, pv) (q)->pop(*(pv))
#define BSPSC_PUSHN(q, p, n) (q)->push(p, static_cast<size_t>(n))
#define BSPSC_POPN(q, p, n) (q)->pop(p, static_cast<size_t>(n))
#define BQ_PUSH(q, v) (q)->bounded_push(v)
#define BQ_POP(q, pv) (q)->pop(*(pv))
LLQB_ROLES(bs, bspsc *, BSPSC_PUSH, BSPSC_POP)
LLQB_BURST_ROLES(bs, bspsc *, BSPSC_PUSHN, BSPSC_POPN)
LLQB_ROLES(bq, bqueue *, BQ_PUSH, BQ_POP)
LLQB_ROLES(bk, bstack *, BQ_PUSH, BQ_POP)
} // namespace

extern "C" {
const llqb_impl llqb_boost_spsc = {"boost::lockfree::spsc_queue", mk_spsc, rm_spsc, bs_prod, bs_cons,
                                   bs_bprod, bs_bcons, bs_ping, bs_pong, bs_pair};
const llqb_impl llqb_boost_queue = {"boost::lockfree::queue", mk_queue, rm_queue, bq_prod, bq_cons, NULL,
                                    NULL, bq_ping, bq_pong, bq_pair};
const llqb_impl llqb_boost_stack = {"boost::lockfree::stack", mk_stack, rm_stack, bk_prod, bk_cons, NULL,
                                    NULL, bk_ping, bk_pong, bk_pair};
int llqb_have_boost(void) { return 1; }
}
#else /* also built as C where no C++ compiler is installed */
#ifdef __cplusplus
extern "C" {
#endif
const llqb_impl llqb_boost_spsc = {"boost::lockfree::spsc_queue", 0, 0, 0, 0, 0, 0, 0, 0, 0};
const llqb_impl llqb_boost_queue = {"boost::lockfree::queue", 0, 0, 0, 0, 0, 0, 0, 0, 0};
const llqb_impl llqb_boost_stack = {"boost::lockfree::stack", 0, 0, 0, 0, 0, 0, 0, 0, 0};
int llqb_have_boost(void) { return 0; }
#ifdef __cplusplus
}
#endif
#endif
