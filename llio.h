/* llio.h - asynchronous I/O for Linux: io_uring by raw syscalls or liburing, with a fallback v0.2.0
   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file).

   WHAT
     io_uring driven through the raw system calls (or liburing), and the same API run synchronously
     when the kernel refuses io_uring (ENOSYS: old kernel, qemu-user; EPERM: seccomp,
     kernel.io_uring_disabled; ENOMEM: memlock limit). Around it: vectored I/O helpers that finish
     partial transfers, a write coalescer, O_DIRECT helpers and socket helpers. Preparing an SQE and
     peeking a completion are inline; setup, submission and the helpers need the implementation.

   EXAMPLE
     #define LLIO_IMPLEMENTATION
     #include "llio.h"
     #include <stdio.h>
     int main(void) {
         llio_ring r; llio_cqe c = {0, -1, 0}; // c: user_data, res, flags
         if (llio_init(&r, 8, 0) != LLIO_OK) return 1; // io_uring, or the synchronous fallback
         llio_sqe *s = llio_get_sqe(&r);  // NULL when the submission queue is full
         llio_prep_nop(s);                // an operation that does nothing ...
         llio_sqe_set_data(s, 42);        // ... tagged 42 in its completion
         llio_submit_and_wait(&r, 1);
         unsigned n = llio_reap(&r, &c, 1);
         printf("%s: %u completion, user_data %u\n", llio_backend_name(&r), n, (unsigned)c.user_data);
         llio_destroy(&r);
         return n == 1 && c.user_data == 42 && c.res == 0 ? 0 : 1;
     }

   OPTIONS (define before including)
     LLIO_IMPLEMENTATION    [one unit] emit the implementation (LL_IMPLEMENTATION: every ll header).
     LLIO_STATIC            [any unit] a private copy in this unit: implies LLIO_IMPLEMENTATION, every API
                            function static (LL_STATIC: every ll header).
     LLIO_ASSERT(x)         [one unit] assertion for internal invariants (default: assert(), from
                            <assert.h>). Bad input never reaches it: it gets an LLIO_E* code.
     LLIO_MALLOC(ctx, size), LLIO_FREE(ctx, ptr)
                            [one unit] allocator, both or neither (default malloc/free). ctx is
                            llio_params.alloc_ctx (NULL from llio_init), the coalescer's alloc_ctx, or
                            NULL for llio_aligned_alloc.
     LLIO_NO_INLINE_SYSCALL [one unit] call io_uring_enter and the direct-read preadv2 through libc's
                            syscall() on x86-64 too (default there: an inline `syscall` instruction).
     LLIO_USE_LIBURING      [every unit] drive the ring through liburing (link -luring) instead of raw
                            syscalls: it changes llio_ring. Same API, same tests; the fallback is kept.
     LLIO_INLINE            [every unit] marker of the inline hot paths (default static inline).
     LLIO_FDCACHE           [one unit] fds below this are classified once for the direct-read path
                            (default 1024).

   API (r = llio_ring *; errors are negative LLIO_E* codes = -errno, named by llio_strerror)
     setup     llio_init(r, entries, LLIO_INIT_*), llio_init_params(r, &params), llio_destroy(r),
               llio_backend, llio_backend_name, llio_describe(r, buf, n), llio_op_supported(r, op),
               llio_register_buffers/files, llio_unregister_buffers/files, llio_forget_fd(r, fd)
     submit    llio_get_sqe(r) -> SQE or NULL (inline), llio_prep_{nop,read,write,readv,writev,
               read_fixed,write_fixed,fsync,openat,close,timeout,link_timeout,cancel,accept,connect,
               send,recv,sendmsg,recvmsg,splice,poll_add} (inline), llio_sqe_set_data,
               llio_sqe_set_flags, llio_sq_space, llio_submit(r), llio_submit_and_wait(r, n)
     complete  llio_peek_cqe(r) / llio_cqe_seen(r, c) (inline), llio_cq_ready(r),
               llio_reap(r, out, max), llio_wait(r, min, timeout_ns)
     vectored  llio_pread_full, llio_pwrite_full, llio_preadv_full, llio_pwritev_full,
               llio_readv_full, llio_writev_full (finish partial transfers, retry EINTR, stop at EOF)
     coalesce  llio_wc_init(c, fd, max_batch, window_ns, align), llio_wc_add (inline fast path),
               llio_wc_flush(c), llio_wc_destroy(c)
     O_DIRECT  llio_aligned_alloc(size, align), llio_aligned_free(p), llio_dio_align(fd, &mem, &off)
     sockets   llio_sock_nodelay, llio_sock_quickack, llio_sock_reuseport, llio_sock_busy_poll,
               llio_sock_zerocopy, llio_send_zc, llio_zc_reap, llio_sendfile_full, llio_splice_full,
               llio_sendmmsg_all, llio_recvmmsg
     misc      llio_strerror(err), llio_version()

   SEMANTICS
   - A ring is created and used by one thread (SINGLE_ISSUER|DEFER_TASKRUN). Pass LLIO_INIT_SHARED to allow
     several threads (with your own locking) - then COOP_TASKRUN is used and the ring fd is not
     registered. Completions of a DEFER_TASKRUN ring are posted when you call llio_wait/llio_reap/
     llio_cq_ready/llio_peek_cqe (which enter the kernel when the ring says work is pending).
   - Fallback backend: each SQE runs synchronously at submit time, in order; completions are queued
     in order with the same res/user_data. IOSQE_IO_LINK chains are honoured (a failed or short
     request cancels the rest with -ECANCELED; a short send/recv only under MSG_WAITALL, as in the
     kernel), CQE_SKIP_SUCCESS too. TIMEOUT sleeps its time and completes -ETIME; CANCEL finds
     nothing (-ENOENT); accept/recv block. LINK_TIMEOUT bounds the request linked before it: that
     request first waits for readiness (poll) until the deadline, and if it is not ready it completes
     -ECANCELED and the timeout -ETIME (else the timeout -ECANCELED) - so reads/writes/sends/recvs/
     accept/poll on sockets and pipes, connect (made non-blocking for the wait, flags restored) and
     TIMEOUT are bounded; file I/O, fsync, openat and splice never wait for readiness and just run.
     A request that is ready but then blocks anyway (another thread took the data) is not bounded.
     Waiting for more completions than can arrive returns LLIO_ETIME at once instead of sleeping.
   - IOPOLL (LLIO_INIT_IOPOLL): only O_DIRECT I/O on a device with poll queues can be polled; the
     kernel fails other reads/writes with LLIO_EOPNOTSUPP in the CQE (a buffered file, or a device
     without poll queues, e.g. virtio-blk without poll_queues=). The fallback ignores the flag.
   - Direct reads (raw backend, on by default; LLIO_INIT_NO_DIRECT turns them off): a plain read/
     readv/read_fixed (no SQE flags but FIXED_FILE, explicit offset) of a regular file is looked at
     before it reaches the kernel. If the file refuses RWF_NOWAIT (tmpfs), io_uring would hand it to
     a kernel worker thread, so it is read with pread (preadv for readv) right away. If it is the
     only SQE of this submission (queue depth 1), the call waits for a completion with no deadline
     (llio_submit_and_wait, or llio_wait without a timeout, asking for more than is already queued)
     and nothing else is in flight in the kernel, it is read with pread: the caller would sleep for
     it anyway (a cache miss blocks in pread instead of in io_uring_enter). Any other lone read is
     tried with preadv2(RWF_NOWAIT) - the same non-blocking attempt io_uring makes inline, without
     the ring's overhead - and only goes to the ring when that would block or comes up short. "In
     flight" is counted from the enter results and consumed CQEs (CQE_SKIP_SUCCESS and multishot
     requests skew it; the effect is only which of the two paths runs). O_DIRECT files, pipes and
     sockets always go through the ring, and so does any read inside a link chain or after an
     IO_DRAIN request of the same submission. The completion is queued in user space (same
     res/user_data). Files are classified once per fd number below LLIO_FDCACHE; a close through the
     ring or llio_forget_fd(fd) resets it, and a tmpfs file that inherits a disk file's number is
     noticed (EOPNOTSUPP). If you close a fd yourself and the number comes back as an O_DIRECT file,
     call llio_forget_fd or reads may run synchronously.
   - CQ overflow: the kernel keeps overflowed completions (FEAT_NODROP) and llio flushes them when
     the ring flags say so, so none are lost; the fallback queue grows instead.
   - Zero-length and empty batches return at once with nothing done: llio_submit/submit_and_wait with
     no SQE and nothing to wait for return 0 without entering the kernel; llio_reap(r, out, 0) and
     llio_zc_reap(fd, out, 0) return 0; llio_wait(r, 0, t) returns what is already available (>= 0)
     without sleeping; llio_wc_add of 0 bytes returns 0 and queues nothing (even misaligned);
     llio_wc_flush with nothing queued returns 0; the vectored helpers with 0 iovecs or 0 bytes,
     llio_sendfile_full/llio_splice_full of 0 bytes and llio_sendmmsg_all/llio_recvmmsg of 0
     messages return 0 without a system call. A READ/WRITE/READV of 0 bytes or 0 iovecs through the
     ring completes with res 0. llio_register_buffers/files with n == 0 are LLIO_EINVAL (nothing to
     register is a setup error, not an empty batch).
   - llio_aligned_alloc(size, align) takes its memory from LLIO_MALLOC (ctx NULL) and does not zero
     it; free it with llio_aligned_free.

   ERRORS
     Setup calls and system wrappers return 0 (or a count) or a negative LLIO_E* code, the negative
     Linux errno value of that name; a completion's res is the kernel's (bytes, or -errno). Other
     -errno values from system calls are passed through unchanged.

   PLATFORMS
     Linux only (kernel io_uring ABI, preadv2, splice, sendmmsg, statx); elsewhere the header stops
     with #error. io_uring needs kernel 5.1+; the best features (single mmap 5.4, EXT_ARG wait
     timeouts 5.11, registered ring fd 5.18, DEFER_TASKRUN 6.1, NO_SQARRAY 6.6) are detected at run
     time. x86-64 and aarch64 are tested (under qemu-user io_uring is ENOSYS: the fallback runs).
*/
#if defined(LL_IMPLEMENTATION) && !defined(LLIO_IMPLEMENTATION)
#define LLIO_IMPLEMENTATION
#endif
#if defined(LL_STATIC) && !defined(LLIO_STATIC)
#define LLIO_STATIC
#endif
#if defined(LLIO_STATIC) && !defined(LLIO_IMPLEMENTATION)
#define LLIO_IMPLEMENTATION /* static functions are defined in every unit that uses them */
#endif
#if defined(LLIO_IMPLEMENTATION) && defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#ifndef LLIO_H
#define LLIO_H

#define LLIO_VERSION_MAJOR 0
#define LLIO_VERSION_MINOR 2
#define LLIO_VERSION_PATCH 0
#define LLIO_VERSION_STRING "0.2.0"

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LLIO_I_UNUSED __attribute__((unused))
#define LLIO_LIKELY(x) __builtin_expect(!!(x), 1)
#define LLIO_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LLIO_I_UNUSED
#define LLIO_LIKELY(x) (x)
#define LLIO_UNLIKELY(x) (x)
#endif
#ifdef LLIO_STATIC
#define LLIODEF static LLIO_I_UNUSED
#else
#define LLIODEF extern
#endif
#ifndef LLIO_INLINE
#define LLIO_INLINE static inline LLIO_I_UNUSED
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#if !defined(__linux__)
#error "llio.h: Linux only (io_uring, preadv2, splice, sendmmsg); no other system is supported"
#endif
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/socket.h>
#ifdef LLIO_USE_LIBURING
#include <liburing.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- error codes: negative Linux errno values, usable without <errno.h> ---- */
#define LLIO_OK 0
#define LLIO_EPERM (-1)
#define LLIO_ENOENT (-2)
#define LLIO_EINTR (-4)
#define LLIO_EIO (-5)
#define LLIO_EBADF (-9)
#define LLIO_EAGAIN (-11)
#define LLIO_ENOMEM (-12)
#define LLIO_EFAULT (-14)
#define LLIO_EBUSY (-16)
#define LLIO_EEXIST (-17)
#define LLIO_EINVAL (-22)
#define LLIO_ENOSPC (-28)
#define LLIO_ESPIPE (-29)
#define LLIO_ENOSYS (-38)
#define LLIO_ETIME (-62)
#define LLIO_EOPNOTSUPP (-95)
#define LLIO_EALREADY (-114)
#define LLIO_ECANCELED (-125)

/* ---- kernel ABI constants (values from the io_uring ABI; own names) ---- */
enum {
    LLIO_OP_NOP = 0, LLIO_OP_READV = 1, LLIO_OP_WRITEV = 2, LLIO_OP_FSYNC = 3,
    LLIO_OP_READ_FIXED = 4, LLIO_OP_WRITE_FIXED = 5, LLIO_OP_POLL_ADD = 6, LLIO_OP_POLL_REMOVE = 7,
    LLIO_OP_SYNC_FILE_RANGE = 8, LLIO_OP_SENDMSG = 9, LLIO_OP_RECVMSG = 10, LLIO_OP_TIMEOUT = 11,
    LLIO_OP_TIMEOUT_REMOVE = 12, LLIO_OP_ACCEPT = 13, LLIO_OP_ASYNC_CANCEL = 14,
    LLIO_OP_LINK_TIMEOUT = 15, LLIO_OP_CONNECT = 16, LLIO_OP_FALLOCATE = 17, LLIO_OP_OPENAT = 18,
    LLIO_OP_CLOSE = 19, LLIO_OP_FILES_UPDATE = 20, LLIO_OP_STATX = 21, LLIO_OP_READ = 22,
    LLIO_OP_WRITE = 23, LLIO_OP_FADVISE = 24, LLIO_OP_MADVISE = 25, LLIO_OP_SEND = 26,
    LLIO_OP_RECV = 27, LLIO_OP_OPENAT2 = 28, LLIO_OP_EPOLL_CTL = 29, LLIO_OP_SPLICE = 30,
    LLIO_OP_LAST_KNOWN = 48
};
/* SQE flags */
#define LLIO_SQE_FIXED_FILE (1u << 0)
#define LLIO_SQE_IO_DRAIN (1u << 1)
#define LLIO_SQE_IO_LINK (1u << 2)
#define LLIO_SQE_IO_HARDLINK (1u << 3)
#define LLIO_SQE_ASYNC (1u << 4)
#define LLIO_SQE_BUFFER_SELECT (1u << 5)
#define LLIO_SQE_CQE_SKIP_SUCCESS (1u << 6)
/* op flags */
#define LLIO_FSYNC_DATASYNC 1u
#define LLIO_TIMEOUT_ABS 1u
#define LLIO_SPLICE_F_FD_IN_FIXED (1u << 31)
/* setup flags (reported in llio_ring.setup_flags) */
#define LLIO_SETUP_IOPOLL (1u << 0)
#define LLIO_SETUP_SQPOLL (1u << 1)
#define LLIO_SETUP_SQ_AFF (1u << 2)
#define LLIO_SETUP_CQSIZE (1u << 3)
#define LLIO_SETUP_CLAMP (1u << 4)
#define LLIO_SETUP_SUBMIT_ALL (1u << 7)
#define LLIO_SETUP_COOP_TASKRUN (1u << 8)
#define LLIO_SETUP_TASKRUN_FLAG (1u << 9)
#define LLIO_SETUP_SINGLE_ISSUER (1u << 12)
#define LLIO_SETUP_DEFER_TASKRUN (1u << 13)
#define LLIO_SETUP_NO_SQARRAY (1u << 16) /* 6.6+: SQEs consumed in order, no index array */
/* features (reported in llio_ring.features) */
#define LLIO_FEAT_SINGLE_MMAP (1u << 0)
#define LLIO_FEAT_NODROP (1u << 1)
#define LLIO_FEAT_SUBMIT_STABLE (1u << 2)
#define LLIO_FEAT_RW_CUR_POS (1u << 3)
#define LLIO_FEAT_FAST_POLL (1u << 5)
#define LLIO_FEAT_SQPOLL_NONFIXED (1u << 7)
#define LLIO_FEAT_EXT_ARG (1u << 8)
#define LLIO_FEAT_NATIVE_WORKERS (1u << 9)
#define LLIO_FEAT_CQE_SKIP (1u << 11)
#define LLIO_FEAT_REG_REG_RING (1u << 13)
/* SQ ring flags */
#define LLIO_SQ_NEED_WAKEUP (1u << 0)
#define LLIO_SQ_CQ_OVERFLOW (1u << 1)
#define LLIO_SQ_TASKRUN (1u << 2)

/* ---- llio_init flags ---- */
#define LLIO_INIT_FALLBACK 0x01u    /* force the synchronous backend */
#define LLIO_INIT_NO_FALLBACK 0x02u /* fail with -errno instead of falling back */
#define LLIO_INIT_SQPOLL 0x04u      /* kernel SQ polling thread (if the kernel allows) */
#define LLIO_INIT_IOPOLL 0x08u      /* busy-poll completions (O_DIRECT on polled devices only) */
#define LLIO_INIT_SHARED 0x10u      /* several threads may use the ring: no SINGLE_ISSUER/DEFER */
#define LLIO_INIT_NO_REGRING 0x20u  /* do not register the ring fd */
#define LLIO_INIT_NO_DIRECT 0x40u   /* no synchronous direct reads for NOWAIT-less files */
#define LLIO_INIT_PLAIN 0x80u       /* setup with no optional flags at all (for comparisons) */

#define LLIO_MAX_ENTRIES 32768u

enum { LLIO_BACKEND_NONE = 0, LLIO_BACKEND_URING = 1, LLIO_BACKEND_LIBURING = 2,
       LLIO_BACKEND_FALLBACK = 3 };

/* Submission entry: the kernel's 64-byte io_uring_sqe, unions flattened to their first member. */
typedef struct llio_sqe {
    uint8_t opcode;
    uint8_t flags;        /* LLIO_SQE_* */
    uint16_t ioprio;
    int32_t fd;
    uint64_t off;         /* offset; addr2 (accept: socklen_t *) */
    uint64_t addr;        /* buffer / iovec / path; splice: off_in */
    uint32_t len;
    uint32_t op_flags;    /* rw_flags, fsync_flags, msg_flags, open_flags, timeout_flags, ... */
    uint64_t user_data;
    uint16_t buf_index;
    uint16_t personality;
    int32_t splice_fd_in; /* splice: fd_in; file_index */
    uint64_t addr3;
    uint64_t pad2;
} llio_sqe;

/* Completion entry: the kernel's 16-byte io_uring_cqe. */
typedef struct llio_cqe {
    uint64_t user_data;
    int32_t res;          /* result or -errno */
    uint32_t flags;
} llio_cqe;

/* The kernel's __kernel_timespec (for llio_prep_timeout). */
typedef struct llio_timespec {
    int64_t tv_sec;
    long long tv_nsec;
} llio_timespec;

typedef struct llio_params {
    unsigned entries;        /* SQ size, 1..LLIO_MAX_ENTRIES (rounded up to a power of two) */
    unsigned cq_entries;     /* 0 = 2 * entries */
    unsigned flags;          /* LLIO_INIT_* */
    unsigned sq_thread_idle; /* SQPOLL idle ms (0 = kernel default) */
    int sq_thread_cpu;       /* SQPOLL cpu, -1 = any */
    void *alloc_ctx;         /* passed to LLIO_MALLOC/LLIO_FREE */
} llio_params;

/* The ring. Fields are read by the inline hot paths; treat them as read-only. */
typedef struct llio_ring {
    /* submission queue */
    uint32_t *sq_khead, *sq_ktail, *sq_kflags, *sq_array;
    llio_sqe *sqes;
    uint32_t sq_mask, sq_entries;
    uint32_t sqe_head, sqe_tail;   /* [head, tail) prepared but not yet published */
    /* completion queue (kernel) */
    uint32_t *cq_khead, *cq_ktail, *cq_koverflow;
    llio_cqe *cqes;
    uint32_t cq_mask, cq_entries;
    /* user-space completion queue: fallback completions and direct reads */
    llio_cqe *ucq;
    uint32_t ucq_head, ucq_tail, ucq_mask;
    /* state */
    int backend;                   /* LLIO_BACKEND_* */
    int ring_fd, enter_fd;
    unsigned enter_flags;          /* REGISTERED_RING when the ring fd is registered */
    unsigned setup_flags, features, init_flags;
    int setup_errno;               /* why io_uring was not used (0 if it is) */
    int direct;                    /* direct-read scan active */
    int link_failed;               /* fallback: the current link chain failed */
    int lt_res;                    /* fallback: result owed to the next LINK_TIMEOUT SQE (0 = none) */
    uint32_t kinflight;            /* raw backend: SQEs the kernel took whose CQE is not consumed yet
                                      (approximate: CQE_SKIP_SUCCESS and multishot skew it) */
    uint32_t fb_words[8];          /* fallback: head/tail/flag words */
    uint32_t ops[8];               /* bitmap of supported opcodes */
    void *sq_map, *cq_map, *sqe_map;
    size_t sq_map_sz, cq_map_sz, sqe_map_sz;
    int *files;
    unsigned nfiles;
    struct iovec *bufs;
    unsigned nbufs;
    unsigned char *fdclass;
    void *alloc_ctx;
#ifdef LLIO_USE_LIBURING
    struct io_uring lu;
#endif
} llio_ring;

/* ---- setup ---- */
LLIODEF int llio_init(llio_ring *r, unsigned entries, unsigned flags); /* 0 or -errno */
LLIODEF int llio_init_params(llio_ring *r, const llio_params *p);
LLIODEF void llio_destroy(llio_ring *r);
LLIODEF int llio_backend(const llio_ring *r);                     /* LLIO_BACKEND_* */
LLIODEF const char *llio_backend_name(const llio_ring *r);        /* "io_uring", "liburing", "sync" */
LLIODEF int llio_describe(const llio_ring *r, char *buf, size_t n); /* report; returns snprintf len */
LLIODEF bool llio_op_supported(const llio_ring *r, unsigned op);
LLIODEF int llio_register_buffers(llio_ring *r, const struct iovec *iov, unsigned n);
LLIODEF int llio_unregister_buffers(llio_ring *r);
LLIODEF int llio_register_files(llio_ring *r, const int *fds, unsigned n);
LLIODEF int llio_unregister_files(llio_ring *r);
LLIODEF void llio_forget_fd(llio_ring *r, int fd);                 /* fd number reused: reclassify */
LLIODEF const char *llio_strerror(int err);
LLIODEF const char *llio_version(void);                          /* LLIO_VERSION_STRING */

/* ---- submission / completion (non-inline parts) ---- */
LLIODEF int llio_submit(llio_ring *r);                    /* submitted count or -errno */
LLIODEF int llio_submit_and_wait(llio_ring *r, unsigned wait_nr);
LLIODEF unsigned llio_cq_ready(llio_ring *r);             /* completions available now */
LLIODEF unsigned llio_reap(llio_ring *r, llio_cqe *out, unsigned max); /* copy out + consume */
/* submit pending SQEs, wait until at least min_nr completions are available; timeout_ns < 0 =
   forever. Returns the number available (>= min_nr), LLIO_ETIME on timeout, or -errno. */
LLIODEF int llio_wait(llio_ring *r, unsigned min_nr, int64_t timeout_ns);
LLIODEF void llio_i_cq_flush(llio_ring *r);

/* ---- inline hot paths ---- */
LLIO_INLINE unsigned llio_sq_space(llio_ring *r) {
    uint32_t head;
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) return io_uring_sq_space_left(&r->lu);
#endif
    head = __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
    return r->sq_entries - (r->sqe_tail - head);
}

/* Next free SQE or NULL when the SQ is full (submit, then retry). Fill it with an llio_prep_*. */
LLIO_INLINE llio_sqe *llio_get_sqe(llio_ring *r) {
    uint32_t head;
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) return (llio_sqe *)(void *)io_uring_get_sqe(&r->lu);
#endif
    if (r->setup_flags & LLIO_SETUP_SQPOLL)
        head = __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
    else
        head = __atomic_load_n(r->sq_khead, __ATOMIC_RELAXED);
    if (r->sqe_tail - head >= r->sq_entries) return NULL;
    return &r->sqes[r->sqe_tail++ & r->sq_mask];
}

LLIO_INLINE void llio_prep_rw(llio_sqe *s, unsigned op, int fd, uint64_t addr, uint32_t len,
                              uint64_t off) {
    s->opcode = (uint8_t)op;
    s->flags = 0;
    s->ioprio = 0;
    s->fd = fd;
    s->off = off;
    s->addr = addr;
    s->len = len;
    s->op_flags = 0;
    s->user_data = 0;
    s->buf_index = 0;
    s->personality = 0;
    s->splice_fd_in = 0;
    s->addr3 = 0;
    s->pad2 = 0;
}
LLIO_INLINE void llio_sqe_set_data(llio_sqe *s, uint64_t data) { s->user_data = data; }
LLIO_INLINE void llio_sqe_set_flags(llio_sqe *s, unsigned flags) { s->flags = (uint8_t)flags; }
LLIO_INLINE void llio_prep_nop(llio_sqe *s) { llio_prep_rw(s, LLIO_OP_NOP, -1, 0, 0, 0); }
/* off = (uint64_t)-1: use and advance the file position */
LLIO_INLINE void llio_prep_read(llio_sqe *s, int fd, void *buf, unsigned len, uint64_t off) {
    llio_prep_rw(s, LLIO_OP_READ, fd, (uint64_t)(uintptr_t)buf, len, off);
}
LLIO_INLINE void llio_prep_write(llio_sqe *s, int fd, const void *buf, unsigned len, uint64_t off) {
    llio_prep_rw(s, LLIO_OP_WRITE, fd, (uint64_t)(uintptr_t)buf, len, off);
}
LLIO_INLINE void llio_prep_readv(llio_sqe *s, int fd, const struct iovec *iov, unsigned n,
                                 uint64_t off) {
    llio_prep_rw(s, LLIO_OP_READV, fd, (uint64_t)(uintptr_t)iov, n, off);
}
LLIO_INLINE void llio_prep_writev(llio_sqe *s, int fd, const struct iovec *iov, unsigned n,
                                  uint64_t off) {
    llio_prep_rw(s, LLIO_OP_WRITEV, fd, (uint64_t)(uintptr_t)iov, n, off);
}
/* buf must lie inside registered buffer buf_index */
LLIO_INLINE void llio_prep_read_fixed(llio_sqe *s, int fd, void *buf, unsigned len, uint64_t off,
                                      unsigned buf_index) {
    llio_prep_rw(s, LLIO_OP_READ_FIXED, fd, (uint64_t)(uintptr_t)buf, len, off);
    s->buf_index = (uint16_t)buf_index;
}
LLIO_INLINE void llio_prep_write_fixed(llio_sqe *s, int fd, const void *buf, unsigned len,
                                       uint64_t off, unsigned buf_index) {
    llio_prep_rw(s, LLIO_OP_WRITE_FIXED, fd, (uint64_t)(uintptr_t)buf, len, off);
    s->buf_index = (uint16_t)buf_index;
}
/* flags: 0 (fsync) or LLIO_FSYNC_DATASYNC (fdatasync) */
LLIO_INLINE void llio_prep_fsync(llio_sqe *s, int fd, unsigned flags) {
    llio_prep_rw(s, LLIO_OP_FSYNC, fd, 0, 0, 0);
    s->op_flags = flags;
}
LLIO_INLINE void llio_prep_openat(llio_sqe *s, int dfd, const char *path, int flags, unsigned mode) {
    llio_prep_rw(s, LLIO_OP_OPENAT, dfd, (uint64_t)(uintptr_t)path, mode, 0);
    s->op_flags = (uint32_t)flags;
}
LLIO_INLINE void llio_prep_close(llio_sqe *s, int fd) { llio_prep_rw(s, LLIO_OP_CLOSE, fd, 0, 0, 0); }
/* completes with LLIO_ETIME after ts, or 0 once `count` other completions happened (count 0 =
   pure timer). flags: 0 or LLIO_TIMEOUT_ABS. ts must stay valid until submitted. */
LLIO_INLINE void llio_prep_timeout(llio_sqe *s, const llio_timespec *ts, unsigned count,
                                   unsigned flags) {
    llio_prep_rw(s, LLIO_OP_TIMEOUT, -1, (uint64_t)(uintptr_t)ts, 1, count);
    s->op_flags = flags;
}
/* Goes right after a request flagged LLIO_SQE_IO_LINK (or HARDLINK): if that request has not
   completed after ts it is cancelled (its CQE: LLIO_ECANCELED) and this SQE completes LLIO_ETIME;
   if the request finished first, this one completes LLIO_ECANCELED. flags: 0 or LLIO_TIMEOUT_ABS
   (CLOCK_MONOTONIC). Anywhere else it completes LLIO_EINVAL. ts must stay valid until submitted. */
LLIO_INLINE void llio_prep_link_timeout(llio_sqe *s, const llio_timespec *ts, unsigned flags) {
    llio_prep_rw(s, LLIO_OP_LINK_TIMEOUT, -1, (uint64_t)(uintptr_t)ts, 1, 0);
    s->op_flags = flags;
}
/* cancel the request whose user_data is `target`: 0, -LLIO_ENOENT or -LLIO_EALREADY */
LLIO_INLINE void llio_prep_cancel(llio_sqe *s, uint64_t target) {
    llio_prep_rw(s, LLIO_OP_ASYNC_CANCEL, -1, target, 0, 0);
}
LLIO_INLINE void llio_prep_accept(llio_sqe *s, int fd, struct sockaddr *addr, socklen_t *addrlen,
                                  int flags) {
    llio_prep_rw(s, LLIO_OP_ACCEPT, fd, (uint64_t)(uintptr_t)addr, 0, (uint64_t)(uintptr_t)addrlen);
    s->op_flags = (uint32_t)flags;
}
LLIO_INLINE void llio_prep_connect(llio_sqe *s, int fd, const struct sockaddr *addr,
                                   socklen_t addrlen) {
    llio_prep_rw(s, LLIO_OP_CONNECT, fd, (uint64_t)(uintptr_t)addr, 0, (uint64_t)addrlen);
}
LLIO_INLINE void llio_prep_send(llio_sqe *s, int fd, const void *buf, size_t len, int flags) {
    llio_prep_rw(s, LLIO_OP_SEND, fd, (uint64_t)(uintptr_t)buf, (uint32_t)len, 0);
    s->op_flags = (uint32_t)flags;
}
LLIO_INLINE void llio_prep_recv(llio_sqe *s, int fd, void *buf, size_t len, int flags) {
    llio_prep_rw(s, LLIO_OP_RECV, fd, (uint64_t)(uintptr_t)buf, (uint32_t)len, 0);
    s->op_flags = (uint32_t)flags;
}
LLIO_INLINE void llio_prep_sendmsg(llio_sqe *s, int fd, const struct msghdr *m, int flags) {
    llio_prep_rw(s, LLIO_OP_SENDMSG, fd, (uint64_t)(uintptr_t)m, 1, 0);
    s->op_flags = (uint32_t)flags;
}
LLIO_INLINE void llio_prep_recvmsg(llio_sqe *s, int fd, struct msghdr *m, int flags) {
    llio_prep_rw(s, LLIO_OP_RECVMSG, fd, (uint64_t)(uintptr_t)m, 1, 0);
    s->op_flags = (uint32_t)flags;
}
/* offsets (uint64_t)-1 = use no offset (pipes, sockets); one side must be a pipe */
LLIO_INLINE void llio_prep_splice(llio_sqe *s, int fd_in, uint64_t off_in, int fd_out,
                                  uint64_t off_out, unsigned len, unsigned flags) {
    llio_prep_rw(s, LLIO_OP_SPLICE, fd_out, off_in, len, off_out);
    s->splice_fd_in = fd_in;
    s->op_flags = flags;
}
LLIO_INLINE void llio_prep_poll_add(llio_sqe *s, int fd, unsigned poll_mask) {
    llio_prep_rw(s, LLIO_OP_POLL_ADD, fd, 0, 0, 0);
    s->op_flags = poll_mask;
}

/* Next completion or NULL (no wait). Call llio_cqe_seen on it before peeking again. */
LLIO_INLINE llio_cqe *llio_peek_cqe(llio_ring *r) {
    uint32_t head, tail;
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        struct io_uring_cqe *c = NULL;
        if (r->ucq_head != r->ucq_tail) return &r->ucq[r->ucq_head & r->ucq_mask];
        if (io_uring_peek_cqe(&r->lu, &c) == 0) return (llio_cqe *)(void *)c;
        return NULL;
    }
#endif
    if (r->ucq_head != r->ucq_tail) return &r->ucq[r->ucq_head & r->ucq_mask];
    head = *r->cq_khead;
    tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
    if (head != tail) return &r->cqes[head & r->cq_mask];
    if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN)) {
        llio_i_cq_flush(r);
        if (r->ucq_head != r->ucq_tail) return &r->ucq[r->ucq_head & r->ucq_mask];
        tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
        if (head != tail) return &r->cqes[head & r->cq_mask];
    }
    return NULL;
}

LLIO_INLINE void llio_cqe_seen(llio_ring *r, llio_cqe *c) {
    if (r->ucq_head != r->ucq_tail && c == &r->ucq[r->ucq_head & r->ucq_mask]) {
        r->ucq_head++;
        return;
    }
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        io_uring_cqe_seen(&r->lu, (struct io_uring_cqe *)(void *)c);
        return;
    }
#endif
    __atomic_store_n(r->cq_khead, *r->cq_khead + 1, __ATOMIC_RELEASE);
    if (r->kinflight) r->kinflight--;
}

/* ---- vectored helpers: bytes transferred (less than asked only at EOF) or -errno ---- */
LLIODEF int64_t llio_pread_full(int fd, void *buf, size_t len, int64_t off);
LLIODEF int64_t llio_pwrite_full(int fd, const void *buf, size_t len, int64_t off);
LLIODEF int64_t llio_preadv_full(int fd, const struct iovec *iov, int cnt, int64_t off);
LLIODEF int64_t llio_pwritev_full(int fd, const struct iovec *iov, int cnt, int64_t off);
LLIODEF int64_t llio_readv_full(int fd, const struct iovec *iov, int cnt);
LLIODEF int64_t llio_writev_full(int fd, const struct iovec *iov, int cnt);

/* ---- write coalescer ---- */
typedef struct llio_wc_ent {
    const void *buf;
    uint64_t off;
    size_t len;
    uint32_t seq;
} llio_wc_ent;

typedef struct llio_coalescer {
    int fd;
    unsigned cap, n;        /* max pending writes, pending now */
    unsigned niov;          /* entries of iov/ents in use (a run's writes from one buffer share one) */
    size_t align;           /* O_DIRECT: buf, len and off must be multiples (0/1 = buffered) */
    size_t max_bytes;       /* flush when pending bytes reach this (default 64 MiB) */
    size_t bytes;
    uint64_t window_ns;     /* flush when the oldest pending write is this old (0 = no limit) */
    uint64_t first_ns;
    unsigned order;         /* shape of the pending writes (LLIO_I_WC_* bits), kept by llio_wc_add */
    uint64_t lo, hi, last_end; /* lowest offset, highest end, end of the latest write */
    size_t len0;            /* common length of all pending writes, 0 if they differ */
    llio_wc_ent *ents;
    struct iovec *iov;      /* filled in submission order by llio_wc_add */
    uint64_t *keys;
    void *alloc_ctx;
    uint64_t n_added, n_syscalls, n_flushes; /* statistics */
} llio_coalescer;

/* max_batch: writes kept before an automatic flush (1..65536); align: O_DIRECT alignment or 0 */
LLIODEF int llio_wc_init(llio_coalescer *c, int fd, unsigned max_batch, uint64_t window_ns,
                         size_t align);
/* queue a write; buf must stay valid until the next flush. 0 or -errno (from an automatic flush,
   or -LLIO_EINVAL for a misaligned O_DIRECT write) */
LLIODEF int llio_i_wc_add(llio_coalescer *c, const void *buf, size_t len, uint64_t off);
/* order bits: every write so far began where the previous one ended (one run: iov is ready and
   the entries are not written), or at least at or after it (ascending, no overlap) */
#define LLIO_I_WC_ADJ 1u
#define LLIO_I_WC_ASC 2u
LLIO_INLINE int llio_wc_add(llio_coalescer *c, const void *buf, size_t len, uint64_t off) {
    unsigned n = c->n;
    /* the common case inline: the next page of a run, nothing to flush, no checks pending */
    if (n != 0 && n + 1 < c->cap && (c->order & LLIO_I_WC_ADJ) && off == c->last_end && len &&
        !c->align && !c->window_ns && c->bytes + len < c->max_bytes) {
        unsigned m = c->niov;
        struct iovec *v = &c->iov[m - 1];
        if ((const char *)v->iov_base + v->iov_len == (const char *)buf) { /* buffer continues too */
            v->iov_len += len;
        } else {
            v[1].iov_base = (void *)(uintptr_t)buf;
            v[1].iov_len = len;
            c->niov = m + 1;
        }
        c->n = n + 1;
        c->last_end = off + len;
        c->bytes += len;
        c->n_added++;
        return 0;
    }
    return llio_i_wc_add(c, buf, len, off);
}
LLIODEF int llio_wc_flush(llio_coalescer *c); /* 0 or -errno */
LLIODEF void llio_wc_destroy(llio_coalescer *c);

/* ---- O_DIRECT ---- */
/* size bytes aligned to align (a power of two), from LLIO_MALLOC (ctx NULL), not zeroed; NULL on
   failure or bad arguments. Free with llio_aligned_free. */
LLIODEF void *llio_aligned_alloc(size_t size, size_t align);
LLIODEF void llio_aligned_free(void *p);
/* alignment O_DIRECT needs for buffers and offsets/lengths of fd: statx(STATX_DIOALIGN), else
   probing with reads. 0 or -errno (-LLIO_EINVAL: fd does not allow direct I/O). */
LLIODEF int llio_dio_align(int fd, unsigned *mem_align, unsigned *off_align);

/* ---- sockets (0 / count or -errno) ---- */
typedef struct llio_zc_range {
    uint32_t lo, hi; /* zerocopy send numbers lo..hi (inclusive) completed */
    int copied;      /* kernel fell back to copying (always so over loopback) */
} llio_zc_range;
struct mmsghdr;
LLIODEF int llio_sock_nodelay(int fd, int on);
LLIODEF int llio_sock_quickack(int fd, int on);
LLIODEF int llio_sock_reuseport(int fd, int on);
LLIODEF int llio_sock_busy_poll(int fd, int usec);
LLIODEF int llio_sock_zerocopy(int fd, int on);                 /* SO_ZEROCOPY */
LLIODEF int64_t llio_send_zc(int fd, const void *buf, size_t len, int flags); /* MSG_ZEROCOPY */
/* non-blocking read of zerocopy notifications from the error queue: count (0 = none yet) */
LLIODEF int llio_zc_reap(int fd, llio_zc_range *out, unsigned max);
LLIODEF int64_t llio_sendfile_full(int out_fd, int in_fd, int64_t *off, size_t count);
/* move len bytes fd_in -> fd_out through a pipe (pipefd or NULL = temporary pipe) */
LLIODEF int64_t llio_splice_full(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out,
                                 size_t len, const int *pipefd);
LLIODEF int llio_sendmmsg_all(int fd, struct mmsghdr *v, unsigned n, int flags);
LLIODEF int llio_recvmmsg(int fd, struct mmsghdr *v, unsigned n, int flags);

/* ---- journal (llio_log): this section, up to the end of the declarations, belongs to it ---- */

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLIO_H */

/* ======================================================================================= */
#if defined(LLIO_IMPLEMENTATION) && !defined(LLIO_I_IMPLEMENTED)
#define LLIO_I_IMPLEMENTED
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#ifndef LLIO_ASSERT
#if defined(LLIO_FREESTANDING) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#define LLIO_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define LLIO_ASSERT(x) assert(x)
#endif
#endif
#if defined(LLIO_MALLOC) != defined(LLIO_FREE)
#error "llio.h: define both LLIO_MALLOC and LLIO_FREE, or neither"
#endif
#ifndef LLIO_MALLOC
#include <stdlib.h>
#define LLIO_MALLOC(ctx, size) ((void)(ctx), malloc(size))
#define LLIO_FREE(ctx, ptr) ((void)(ctx), free(ptr))
#endif
#ifndef LLIO_FDCACHE
#define LLIO_FDCACHE 1024
#endif

#define LLIO_I_SYS_SETUP 425
#define LLIO_I_SYS_ENTER 426
#define LLIO_I_SYS_REGISTER 427
#define LLIO_I_OFF_SQ_RING 0ull
#define LLIO_I_OFF_CQ_RING 0x8000000ull
#define LLIO_I_OFF_SQES 0x10000000ull
#define LLIO_I_ENTER_GETEVENTS (1u << 0)
#define LLIO_I_ENTER_SQ_WAKEUP (1u << 1)
#define LLIO_I_ENTER_EXT_ARG (1u << 3)
#define LLIO_I_ENTER_REGISTERED_RING (1u << 4)
#define LLIO_I_REG_BUFFERS 0u
#define LLIO_I_UNREG_BUFFERS 1u
#define LLIO_I_REG_FILES 2u
#define LLIO_I_UNREG_FILES 3u
#define LLIO_I_REG_PROBE 8u
#define LLIO_I_REG_RING_FDS 20u
#define LLIO_I_UNREG_RING_FDS 21u
#ifdef RWF_NOWAIT
#define LLIO_I_RWF_NOWAIT RWF_NOWAIT
#else
#define LLIO_I_RWF_NOWAIT 0x00000008
#endif
#ifdef SO_ZEROCOPY
#define LLIO_I_SO_ZEROCOPY SO_ZEROCOPY
#else
#define LLIO_I_SO_ZEROCOPY 60
#endif
#ifdef MSG_ZEROCOPY
#define LLIO_I_MSG_ZEROCOPY MSG_ZEROCOPY
#else
#define LLIO_I_MSG_ZEROCOPY 0x4000000
#endif
#ifdef SO_BUSY_POLL
#define LLIO_I_SO_BUSY_POLL SO_BUSY_POLL
#else
#define LLIO_I_SO_BUSY_POLL 46
#endif
#ifdef SO_REUSEPORT
#define LLIO_I_SO_REUSEPORT SO_REUSEPORT
#else
#define LLIO_I_SO_REUSEPORT 15
#endif
#ifdef TCP_QUICKACK
#define LLIO_I_TCP_QUICKACK TCP_QUICKACK
#else
#define LLIO_I_TCP_QUICKACK 12
#endif
#ifdef IP_RECVERR
#define LLIO_I_IP_RECVERR IP_RECVERR
#else
#define LLIO_I_IP_RECVERR 11
#endif
#ifdef IPV6_RECVERR
#define LLIO_I_IPV6_RECVERR IPV6_RECVERR
#else
#define LLIO_I_IPV6_RECVERR 25
#endif
#define LLIO_I_EE_ORIGIN_ZEROCOPY 5
#define LLIO_I_EE_CODE_ZEROCOPY_COPIED 1
#define LLIO_I_STATX_DIOALIGN 0x2000u
#if defined(SYS_statx)
#define LLIO_I_SYS_STATX SYS_statx
#elif defined(__x86_64__)
#define LLIO_I_SYS_STATX 332
#elif defined(__aarch64__)
#define LLIO_I_SYS_STATX 291
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* kernel structures (ABI layouts) */
typedef struct llio_i_sqring_offsets {
    uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
    uint64_t user_addr;
} llio_i_sqring_offsets;
typedef struct llio_i_cqring_offsets {
    uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
    uint64_t user_addr;
} llio_i_cqring_offsets;
typedef struct llio_i_uring_params {
    uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
    uint32_t resv[3];
    llio_i_sqring_offsets sq_off;
    llio_i_cqring_offsets cq_off;
} llio_i_uring_params;
typedef struct llio_i_getevents_arg {
    uint64_t sigmask;
    uint32_t sigmask_sz, pad;
    uint64_t ts;
} llio_i_getevents_arg;
typedef struct llio_i_rsrc_update {
    uint32_t offset, resv;
    uint64_t data;
} llio_i_rsrc_update;
typedef struct llio_i_probe_op {
    uint8_t op, resv;
    uint16_t flags;
    uint32_t resv2;
} llio_i_probe_op;
typedef struct llio_i_probe {
    uint8_t last_op, ops_len;
    uint16_t resv;
    uint32_t resv2[3];
    llio_i_probe_op ops[256];
} llio_i_probe;
typedef struct llio_i_sock_ee {
    uint32_t ee_errno;
    uint8_t ee_origin, ee_type, ee_code, ee_pad;
    uint32_t ee_info, ee_data;
} llio_i_sock_ee;

typedef char llio_i_check_sqe[sizeof(llio_sqe) == 64 ? 1 : -1];
typedef char llio_i_check_cqe[sizeof(llio_cqe) == 16 ? 1 : -1];
typedef char llio_i_check_params[sizeof(llio_i_uring_params) == 120 ? 1 : -1];

static int llio_i_errno(void) { return errno ? -errno : LLIO_EIO; }

#ifndef LLIO_USE_LIBURING
static int llio_i_sys_setup(unsigned entries, llio_i_uring_params *p) {
    long ret = syscall(LLIO_I_SYS_SETUP, entries, p);
    return ret < 0 ? llio_i_errno() : (int)ret;
}
#endif
static int llio_i_sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags,
                            const void *arg, size_t argsz) {
#if defined(__x86_64__) && !defined(LLIO_NO_INLINE_SYSCALL)
    /* the hot syscall without libc's variadic wrapper and errno round trip */
    long ret;
    register long r10 __asm__("r10") = (long)flags;
    register long r8 __asm__("r8") = (long)(uintptr_t)arg;
    register long r9 __asm__("r9") = (long)argsz;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"((long)LLIO_I_SYS_ENTER), "D"((long)fd), "S"((long)to_submit),
                       "d"((long)min_complete), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return (int)ret;
#else
    long ret = syscall(LLIO_I_SYS_ENTER, fd, to_submit, min_complete, flags, arg, argsz);
    return ret < 0 ? llio_i_errno() : (int)ret;
#endif
}
static int llio_i_sys_register(int fd, unsigned op, const void *arg, unsigned nr) {
    long ret = syscall(LLIO_I_SYS_REGISTER, fd, op, arg, nr);
    return ret < 0 ? llio_i_errno() : (int)ret;
}

LLIO_INLINE uint64_t llio_i_now_ns(void) { /* monotonic clock, ns */
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

static uint32_t llio_i_pow2(uint32_t v) {
    uint32_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

LLIODEF const char *llio_version(void) { return LLIO_VERSION_STRING; }

LLIODEF const char *llio_strerror(int err) {
    switch (err) {
    case LLIO_OK: return "success";
    case LLIO_EPERM: return "operation not permitted (io_uring refused?)";
    case LLIO_ENOENT: return "not found";
    case LLIO_EINTR: return "interrupted";
    case LLIO_EIO: return "I/O error";
    case LLIO_EBADF: return "bad file descriptor";
    case LLIO_EAGAIN: return "try again";
    case LLIO_ENOMEM: return "out of memory (or memlock limit)";
    case LLIO_EFAULT: return "bad address";
    case LLIO_EBUSY: return "busy (completion queue full)";
    case LLIO_EEXIST: return "exists (ring used from another task)";
    case LLIO_EINVAL: return "invalid argument (size, alignment or flags)";
    case LLIO_ENOSPC: return "no space";
    case LLIO_ENOSYS: return "not implemented (no io_uring)";
    case LLIO_ETIME: return "timed out";
    case LLIO_EOPNOTSUPP: return "not supported";
    case LLIO_EALREADY: return "already running";
    case LLIO_ECANCELED: return "canceled";
    default: return err < 0 ? "system error" : "not an error";
    }
}

/* ---------------- user-space completion queue ---------------- */
static int llio_i_ucq_grow(llio_ring *r) {
    uint32_t cap = (r->ucq_mask + 1) * 2, i, n = r->ucq_tail - r->ucq_head;
    llio_cqe *nq = (llio_cqe *)LLIO_MALLOC(r->alloc_ctx, (size_t)cap * sizeof(llio_cqe));
    if (!nq) return LLIO_ENOMEM;
    for (i = 0; i < n; i++) nq[i] = r->ucq[(r->ucq_head + i) & r->ucq_mask];
    LLIO_FREE(r->alloc_ctx, r->ucq);
    r->ucq = nq;
    r->ucq_head = 0;
    r->ucq_tail = n;
    r->ucq_mask = cap - 1;
    return 0;
}

static inline int llio_i_ucq_push(llio_ring *r, uint64_t ud, int32_t res, uint32_t flags) {
    llio_cqe *c;
    if (r->ucq_tail - r->ucq_head > r->ucq_mask && llio_i_ucq_grow(r) != 0) return LLIO_ENOMEM;
    c = &r->ucq[r->ucq_tail & r->ucq_mask];
    c->user_data = ud;
    c->res = res;
    c->flags = flags;
    r->ucq_tail++;
    return 0;
}

/* ---------------- synchronous execution of one SQE ---------------- */
static int llio_i_fd(const llio_ring *r, const llio_sqe *s, int fd) {
    if (!(s->flags & LLIO_SQE_FIXED_FILE)) return fd;
    if (fd < 0 || (unsigned)fd >= r->nfiles || !r->files) return -1;
    return r->files[fd];
}

static int llio_i_check_fixed(const llio_ring *r, const llio_sqe *s) {
    const char *a = (const char *)(uintptr_t)s->addr, *b;
    if (s->buf_index >= r->nbufs || !r->bufs) return LLIO_EFAULT;
    b = (const char *)r->bufs[s->buf_index].iov_base;
    if (a < b || a + s->len > b + r->bufs[s->buf_index].iov_len) return LLIO_EFAULT;
    return 0;
}

static int64_t llio_i_expect(const llio_sqe *s) {
    switch (s->opcode) {
    case LLIO_OP_READ: case LLIO_OP_WRITE: case LLIO_OP_READ_FIXED: case LLIO_OP_WRITE_FIXED:
        return (int64_t)s->len;
    case LLIO_OP_SEND: case LLIO_OP_RECV: /* as the kernel: short only counts under MSG_WAITALL */
        return (s->op_flags & MSG_WAITALL) ? (int64_t)s->len : -1;
    case LLIO_OP_READV: case LLIO_OP_WRITEV: {
        const struct iovec *v = (const struct iovec *)(uintptr_t)s->addr;
        int64_t t = 0;
        uint32_t i;
        for (i = 0; i < s->len; i++) t += (int64_t)v[i].iov_len;
        return t;
    }
    default: return -1;
    }
}

static int32_t llio_i_exec(llio_ring *r, const llio_sqe *s) {
    long ret = -1;
    int fd = llio_i_fd(r, s, s->fd);
    int cur = s->off == (uint64_t)-1;
    void *addr = (void *)(uintptr_t)s->addr;
    struct iovec one;
    if ((s->flags & LLIO_SQE_FIXED_FILE) && fd < 0 && s->opcode != LLIO_OP_NOP) return LLIO_EBADF;
    errno = 0;
    switch (s->opcode) {
    case LLIO_OP_NOP: return 0;
    case LLIO_OP_READ_FIXED:
        if (llio_i_check_fixed(r, s)) return LLIO_EFAULT;
        /* fall through */
    case LLIO_OP_READ:
        if (s->op_flags) {
            one.iov_base = addr;
            one.iov_len = s->len;
            ret = preadv2(fd, &one, 1, cur ? -1 : (off_t)s->off, (int)s->op_flags);
        } else {
            ret = cur ? read(fd, addr, s->len) : pread(fd, addr, s->len, (off_t)s->off);
        }
        break;
    case LLIO_OP_WRITE_FIXED:
        if (llio_i_check_fixed(r, s)) return LLIO_EFAULT;
        /* fall through */
    case LLIO_OP_WRITE:
        if (s->op_flags) {
            one.iov_base = addr;
            one.iov_len = s->len;
            ret = pwritev2(fd, &one, 1, cur ? -1 : (off_t)s->off, (int)s->op_flags);
        } else {
            ret = cur ? write(fd, addr, s->len) : pwrite(fd, addr, s->len, (off_t)s->off);
        }
        break;
    /* without RWF flags the plain calls: the v2 entry points cost ~3 % more per call here */
    case LLIO_OP_READV:
        if (s->op_flags)
            ret = preadv2(fd, (const struct iovec *)addr, (int)s->len, cur ? -1 : (off_t)s->off,
                          (int)s->op_flags);
        else if (cur)
            ret = readv(fd, (const struct iovec *)addr, (int)s->len);
        else
            ret = preadv(fd, (const struct iovec *)addr, (int)s->len, (off_t)s->off);
        break;
    case LLIO_OP_WRITEV:
        if (s->op_flags)
            ret = pwritev2(fd, (const struct iovec *)addr, (int)s->len, cur ? -1 : (off_t)s->off,
                           (int)s->op_flags);
        else if (cur)
            ret = writev(fd, (const struct iovec *)addr, (int)s->len);
        else
            ret = pwritev(fd, (const struct iovec *)addr, (int)s->len, (off_t)s->off);
        break;
    case LLIO_OP_FSYNC:
        ret = (s->op_flags & LLIO_FSYNC_DATASYNC) ? fdatasync(fd) : fsync(fd);
        break;
    case LLIO_OP_OPENAT:
        ret = openat(s->fd, (const char *)addr, (int)s->op_flags, (mode_t)s->len);
        break;
    case LLIO_OP_CLOSE:
        if (s->flags & LLIO_SQE_FIXED_FILE) return LLIO_EINVAL;
        ret = close(s->fd);
        break;
    case LLIO_OP_TIMEOUT: {
        const llio_timespec *t = (const llio_timespec *)addr;
        struct timespec ts;
        if (!t) return LLIO_EFAULT;
        ts.tv_sec = (time_t)t->tv_sec;
        ts.tv_nsec = (long)t->tv_nsec;
        if (s->op_flags & LLIO_TIMEOUT_ABS)
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
        else
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        return LLIO_ETIME;
    }
    case LLIO_OP_TIMEOUT_REMOVE:
    case LLIO_OP_ASYNC_CANCEL:
        return LLIO_ENOENT;
    case LLIO_OP_ACCEPT:
        ret = accept4(fd, (struct sockaddr *)addr, (socklen_t *)(uintptr_t)s->off, (int)s->op_flags);
        break;
    case LLIO_OP_CONNECT:
        ret = connect(fd, (const struct sockaddr *)addr, (socklen_t)s->off);
        break;
    case LLIO_OP_SEND:
        ret = send(fd, addr, s->len, (int)s->op_flags);
        break;
    case LLIO_OP_RECV:
        ret = recv(fd, addr, s->len, (int)s->op_flags);
        break;
    case LLIO_OP_SENDMSG:
        ret = sendmsg(fd, (const struct msghdr *)addr, (int)s->op_flags);
        break;
    case LLIO_OP_RECVMSG:
        ret = recvmsg(fd, (struct msghdr *)addr, (int)s->op_flags);
        break;
    case LLIO_OP_SPLICE: {
        int fin = (s->op_flags & LLIO_SPLICE_F_FD_IN_FIXED)
                      ? ((unsigned)s->splice_fd_in < r->nfiles && r->files ? r->files[s->splice_fd_in] : -1)
                      : s->splice_fd_in;
        loff_t oin = (loff_t)s->addr, oout = (loff_t)s->off;
        ret = splice(fin, s->addr == (uint64_t)-1 ? NULL : &oin, fd, s->off == (uint64_t)-1 ? NULL : &oout,
                     s->len, s->op_flags & ~LLIO_SPLICE_F_FD_IN_FIXED);
        break;
    }
    case LLIO_OP_POLL_ADD: {
        struct pollfd p;
        p.fd = fd;
        p.events = (short)s->op_flags;
        p.revents = 0;
        do ret = poll(&p, 1, -1);
        while (ret < 0 && errno == EINTR);
        if (ret >= 0) ret = p.revents;
        break;
    }
    default:
        return LLIO_EINVAL;
    }
    if (ret < 0) return (int32_t)llio_i_errno();
    return (int32_t)ret;
}

/* Wait until fd is ready for ev or the deadline passes: 1 ready (or an error the operation itself
   will report), 0 timed out. */
static int llio_i_wait_fd(int fd, short ev, uint64_t deadline) {
    for (;;) {
        struct pollfd p;
        struct timespec ts;
        uint64_t now = llio_i_now_ns();
        int n;
        if (now >= deadline) return 0;
        ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
        ts.tv_nsec = (long)((deadline - now) % 1000000000u);
        p.fd = fd;
        p.events = ev;
        p.revents = 0;
        n = ppoll(&p, 1, &ts, NULL);
        if (n > 0 || (n < 0 && errno != EINTR)) return 1;
    }
}

/* Run s, giving up at `deadline` (CLOCK_MONOTONIC ns) the way a linked timeout cancels it: wait
   for readiness first, so only requests that can block are bounded (a file read or an fsync just
   runs). Returns 1 with *res set, or 0 when it timed out. */
static int llio_i_exec_timed(llio_ring *r, const llio_sqe *s, uint64_t deadline, int32_t *res) {
    int fd = llio_i_fd(r, s, s->fd);
    short ev = 0;
    switch (s->opcode) {
    case LLIO_OP_READ: case LLIO_OP_READV: case LLIO_OP_READ_FIXED: case LLIO_OP_RECV:
    case LLIO_OP_RECVMSG: case LLIO_OP_ACCEPT:
        ev = POLLIN;
        break;
    case LLIO_OP_WRITE: case LLIO_OP_WRITEV: case LLIO_OP_WRITE_FIXED: case LLIO_OP_SEND:
    case LLIO_OP_SENDMSG:
        ev = POLLOUT;
        break;
    case LLIO_OP_POLL_ADD:
        ev = (short)s->op_flags;
        break;
    case LLIO_OP_TIMEOUT: {
        const llio_timespec *t = (const llio_timespec *)(uintptr_t)s->addr;
        uint64_t own;
        struct timespec ts;
        if (!t) break;
        own = (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
        if (!(s->op_flags & LLIO_TIMEOUT_ABS)) own += llio_i_now_ns();
        if (own <= deadline) break;
        ts.tv_sec = (time_t)(deadline / 1000000000u);
        ts.tv_nsec = (long)(deadline % 1000000000u);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
        return 0;
    }
    case LLIO_OP_CONNECT: { /* non-blocking connect, then wait for it within the deadline */
        int fl = fcntl(fd, F_GETFL), ok = 1, err = 0;
        socklen_t el = sizeof err;
        if (fl < 0 || (fl & O_NONBLOCK)) break;
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        if (connect(fd, (const struct sockaddr *)(uintptr_t)s->addr, (socklen_t)s->off) == 0) {
            *res = 0;
        } else if (errno != EINPROGRESS) {
            *res = (int32_t)llio_i_errno();
        } else if ((ok = llio_i_wait_fd(fd, POLLOUT, deadline)) != 0) {
            *res = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 ? (int32_t)llio_i_errno()
                                                                         : (int32_t)-err;
        }
        fcntl(fd, F_SETFL, fl);
        return ok;
    }
    default:
        break;
    }
    if (ev && fd >= 0 && !llio_i_wait_fd(fd, ev, deadline)) return 0;
    *res = llio_i_exec(r, s);
    return 1;
}

/* run SQEs [sqe_head, sqe_tail) synchronously; completions to the user-space queue */
static int llio_i_fb_submit(llio_ring *r) {
    int done = 0;
    while (r->sqe_head != r->sqe_tail) {
        const llio_sqe *s = &r->sqes[r->sqe_head & r->sq_mask];
        int32_t res;
        int linked = (s->flags & (LLIO_SQE_IO_LINK | LLIO_SQE_IO_HARDLINK)) != 0;
        if (s->opcode == LLIO_OP_LINK_TIMEOUT) {
            /* its request ran just before: ETIME if it was cut short, ECANCELED if it finished
               (or failed, or the chain was already broken); alone, it is invalid */
            res = r->lt_res ? r->lt_res : r->link_failed ? LLIO_ECANCELED : LLIO_EINVAL;
            r->lt_res = 0;
        } else if (r->link_failed) {
            res = LLIO_ECANCELED;
        } else {
            const llio_sqe *nx = NULL;
            if (linked && r->sqe_head + 1 != r->sqe_tail) {
                nx = &r->sqes[(r->sqe_head + 1) & r->sq_mask];
                if (nx->opcode != LLIO_OP_LINK_TIMEOUT || !nx->addr) nx = NULL;
            }
            if (nx) {
                const llio_timespec *t = (const llio_timespec *)(uintptr_t)nx->addr;
                uint64_t dl = (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
                if (!(nx->op_flags & LLIO_TIMEOUT_ABS)) dl += llio_i_now_ns();
                r->lt_res = LLIO_ECANCELED;
                if (!llio_i_exec_timed(r, s, dl, &res)) {
                    res = LLIO_ECANCELED;
                    r->lt_res = LLIO_ETIME;
                }
            } else {
                res = llio_i_exec(r, s);
            }
            if (linked && !(s->flags & LLIO_SQE_IO_HARDLINK)) {
                int64_t want = llio_i_expect(s);
                if (res < 0 || (want >= 0 && res != want)) r->link_failed = 1;
            }
        }
        if (!(res >= 0 && (s->flags & LLIO_SQE_CQE_SKIP_SUCCESS))) {
            if (llio_i_ucq_push(r, s->user_data, res, 0) != 0) return done ? done : LLIO_ENOMEM;
        }
        if (!linked) r->link_failed = 0;
        r->sqe_head++;
        done++;
        __atomic_store_n(r->sq_khead, r->sqe_head, __ATOMIC_RELEASE);
    }
    __atomic_store_n(r->sq_ktail, r->sqe_tail, __ATOMIC_RELEASE);
    return done;
}

/* ---------------- direct reads for files without RWF_NOWAIT ---------------- */
LLIODEF void llio_forget_fd(llio_ring *r, int fd) {
    if (r->fdclass && fd >= 0 && fd < LLIO_FDCACHE) r->fdclass[fd] = 0;
}

/* fd classes: 1 = regular file with RWF_NOWAIT (a lone read is tried inline with RWF_NOWAIT),
   2 = regular file without RWF_NOWAIT (tmpfs: always read with preadv at submit time),
   3 = anything else, O_DIRECT included (always through the ring). */
static unsigned llio_i_fd_classify(llio_ring *r, int fd) {
    struct stat st;
    int fl;
    unsigned char c = 3;
    if (fstat(fd, &st) != 0) return 3; /* not open: do not remember */
    if (S_ISREG(st.st_mode) && (fl = fcntl(fd, F_GETFL)) >= 0 && !(fl & O_DIRECT) &&
        (fl & O_ACCMODE) != O_WRONLY) {
        char b;
        struct iovec v;
        v.iov_base = &b;
        v.iov_len = 1;
        c = (preadv2(fd, &v, 1, 0, LLIO_I_RWF_NOWAIT) < 0 && errno == EOPNOTSUPP) ? 2 : 1;
    }
    r->fdclass[fd] = c;
    return c;
}
static inline unsigned llio_i_fd_class(llio_ring *r, int fd) {
    unsigned c;
    if ((unsigned)fd >= LLIO_FDCACHE) return 3;
    c = r->fdclass[fd];
    return c ? c : llio_i_fd_classify(r, fd);
}

#if defined(__x86_64__) && !defined(LLIO_NO_INLINE_SYSCALL)
/* preadv2 without libc's cancellation wrapper: returns bytes or -errno */
static long llio_i_preadv2(int fd, const struct iovec *v, int n, uint64_t off, int flags) {
    long ret;
    register long r10 __asm__("r10") = (long)off;
    register long r8 __asm__("r8") = 0;
    register long r9 __asm__("r9") = (long)flags;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(327L), "D"((long)fd), "S"((long)(uintptr_t)v), "d"((long)n), "r"(r10),
                       "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
/* pread64: no iovec to copy in, the cheapest read the kernel has (preadv2 costs ~9 % more) */
static long llio_i_pread(int fd, void *buf, size_t len, uint64_t off) {
    long ret;
    register long r10 __asm__("r10") = (long)off;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(17L), "D"((long)fd), "S"((long)(uintptr_t)buf), "d"((long)len), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}
#else
static long llio_i_preadv2(int fd, const struct iovec *v, int n, uint64_t off, int flags) {
    ssize_t ret = preadv2(fd, v, n, (off_t)off, flags);
    return ret < 0 ? (long)llio_i_errno() : (long)ret;
}
static long llio_i_pread(int fd, void *buf, size_t len, uint64_t off) {
    ssize_t ret = pread(fd, buf, len, (off_t)off);
    return ret < 0 ? (long)llio_i_errno() : (long)ret;
}
#endif

static int32_t llio_i_read_now(llio_ring *r, const llio_sqe *s, int fd, int flags) {
    struct iovec one;
    const struct iovec *v = &one;
    int n = 1;
    long ret;
    if (s->opcode == LLIO_OP_READV) {
        v = (const struct iovec *)(uintptr_t)s->addr;
        n = (int)s->len;
    } else {
        if (s->opcode == LLIO_OP_READ_FIXED && llio_i_check_fixed(r, s)) return LLIO_EFAULT;
        if (!flags) return (int32_t)llio_i_pread(fd, (void *)(uintptr_t)s->addr, s->len, s->off);
        one.iov_base = (void *)(uintptr_t)s->addr;
        one.iov_len = s->len;
    }
    ret = llio_i_preadv2(fd, v, n, s->off, flags);
    return (int32_t)ret;
}

/* Before publishing SQEs: reads that io_uring would serve worse than a plain syscall are done here
   and their completions queued in user space; the remaining SQEs are compacted. */
#define LLIO_I_SCAN_OPS ((1u << LLIO_OP_READ) | (1u << LLIO_OP_READV) | (1u << LLIO_OP_READ_FIXED) | \
                         (1u << LLIO_OP_CLOSE))
static void llio_i_direct_scan(llio_ring *r, int wait) {
    uint32_t i, w = r->sqe_head;
    int lone = r->sqe_tail - r->sqe_head == 1, in_chain = 0, drained = 0;
    /* most batches hold no read and no close: one opcode test per SQE finds that out */
    for (i = r->sqe_head; i != r->sqe_tail; i++) {
        unsigned op = r->sqes[i & r->sq_mask].opcode;
        if (op < 32 && ((LLIO_I_SCAN_OPS >> op) & 1u)) break;
    }
    if (i == r->sqe_tail) return;
    for (i = r->sqe_head; i != r->sqe_tail; i++) {
        llio_sqe *s = &r->sqes[i & r->sq_mask];
        unsigned op = s->opcode;
        int chained = in_chain || drained; /* a chain's last member has no LINK flag itself; */
        in_chain = (s->flags & (LLIO_SQE_IO_LINK | LLIO_SQE_IO_HARDLINK)) != 0; /* after a DRAIN */
        if (s->flags & LLIO_SQE_IO_DRAIN) drained = 1;                         /* keep order */
        if (!chained && (op == LLIO_OP_READ || op == LLIO_OP_READV || op == LLIO_OP_READ_FIXED) &&
            (s->flags & ~LLIO_SQE_FIXED_FILE) == 0 && s->op_flags == 0 && s->off != (uint64_t)-1) {
            int fd = llio_i_fd(r, s, s->fd);
            unsigned cls = llio_i_fd_class(r, fd);
            int32_t res = 0;
            int done = 0;
            if (cls == 1 && lone && wait && r->kinflight == 0) {
                /* the caller is about to sleep for this one completion: a plain read costs what
                   that wait would (a cache miss blocks here instead of in io_uring_enter) */
                res = llio_i_read_now(r, s, fd, 0);
                done = 1;
            } else if (cls == 1 && lone) {
                res = llio_i_read_now(r, s, fd, LLIO_I_RWF_NOWAIT);
                if (res == LLIO_EOPNOTSUPP) { /* fd number now names a tmpfs file */
                    r->fdclass[fd] = 2;
                    cls = 2;
                } else {
                    done = res >= 0 && (int64_t)res == llio_i_expect(s); /* else: let io_uring do it */
                }
            }
            if (cls == 2) {
                res = llio_i_read_now(r, s, fd, 0);
                done = 1;
            }
            if (done && llio_i_ucq_push(r, s->user_data, res, 0) == 0) continue;
        }
        if (op == LLIO_OP_CLOSE && !(s->flags & LLIO_SQE_FIXED_FILE)) llio_forget_fd(r, s->fd);
        if (w != i) r->sqes[w & r->sq_mask] = *s;
        w++;
    }
    r->sqe_tail = w;
}

/* ---------------- setup ---------------- */
static void llio_i_unmap(llio_ring *r) {
    if (r->sqe_map) munmap(r->sqe_map, r->sqe_map_sz);
    if (r->cq_map && r->cq_map != r->sq_map) munmap(r->cq_map, r->cq_map_sz);
    if (r->sq_map) munmap(r->sq_map, r->sq_map_sz);
    r->sq_map = r->cq_map = r->sqe_map = NULL;
}

static void llio_i_set_op(llio_ring *r, unsigned op) { r->ops[(op >> 5) & 7] |= 1u << (op & 31); }

#ifndef LLIO_USE_LIBURING
static int llio_i_setup_raw(llio_ring *r, unsigned entries, unsigned cq_entries, const llio_params *p) {
    static const unsigned best[] = {
        LLIO_SETUP_SINGLE_ISSUER | LLIO_SETUP_DEFER_TASKRUN | LLIO_SETUP_TASKRUN_FLAG,
        LLIO_SETUP_SINGLE_ISSUER | LLIO_SETUP_COOP_TASKRUN | LLIO_SETUP_TASKRUN_FLAG,
        LLIO_SETUP_COOP_TASKRUN | LLIO_SETUP_TASKRUN_FLAG, 0};
    static const unsigned shared[] = {LLIO_SETUP_COOP_TASKRUN | LLIO_SETUP_TASKRUN_FLAG, 0};
    static const unsigned sqpoll[] = {LLIO_SETUP_SQPOLL | LLIO_SETUP_SINGLE_ISSUER, LLIO_SETUP_SQPOLL};
    static const unsigned plain[] = {0};
    const unsigned *cand = best;
    unsigned ncand = 4, i, base = 0;
    llio_i_uring_params up;
    int fd = LLIO_EINVAL;
    size_t sqsz, cqsz;
    void *m;
    if (p->flags & LLIO_INIT_SQPOLL) { cand = sqpoll; ncand = (p->flags & LLIO_INIT_SHARED) ? 1 : 2;
        if (p->flags & LLIO_INIT_SHARED) cand = sqpoll + 1; }
    else if (p->flags & LLIO_INIT_PLAIN) { cand = plain; ncand = 1; }
    else if (p->flags & LLIO_INIT_SHARED) { cand = shared; ncand = 2; }
    if (p->flags & LLIO_INIT_IOPOLL) base |= LLIO_SETUP_IOPOLL;
    if (cq_entries) base |= LLIO_SETUP_CQSIZE;
    for (i = 0; i < ncand; i++) {
        memset(&up, 0, sizeof up);
        up.flags = cand[i] | base;
        up.cq_entries = cq_entries;
        if (cand[i] & LLIO_SETUP_SQPOLL) {
            up.sq_thread_idle = p->sq_thread_idle;
            if (p->sq_thread_cpu >= 0) {
                up.flags |= LLIO_SETUP_SQ_AFF;
                up.sq_thread_cpu = (uint32_t)p->sq_thread_cpu;
            }
        }
        /* no index array first: the kernel then reads each SQE directly (one load less per SQE) */
        if (!(p->flags & LLIO_INIT_PLAIN)) {
            llio_i_uring_params t = up;
            t.flags |= LLIO_SETUP_NO_SQARRAY;
            fd = llio_i_sys_setup(entries, &t);
            if (fd >= 0) {
                up = t;
                break;
            }
            if (fd != LLIO_EINVAL) break;
        }
        fd = llio_i_sys_setup(entries, &up);
        if (fd >= 0 || fd != LLIO_EINVAL) break;
    }
    if (fd < 0) return fd;
    r->ring_fd = r->enter_fd = fd;
    r->setup_flags = up.flags;
    r->features = up.features;
    cqsz = up.cq_off.cqes + up.cq_entries * sizeof(llio_cqe);
    /* without the index array the SQ ring is just its header fields, inside the region cqsz covers */
    sqsz = (up.flags & LLIO_SETUP_NO_SQARRAY) ? cqsz : up.sq_off.array + up.sq_entries * sizeof(uint32_t);
    if (up.features & LLIO_FEAT_SINGLE_MMAP) { if (cqsz > sqsz) sqsz = cqsz; cqsz = sqsz; }
    m = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (off_t)LLIO_I_OFF_SQ_RING);
    if (m == MAP_FAILED) goto fail;
    r->sq_map = m;
    r->sq_map_sz = sqsz;
    if (up.features & LLIO_FEAT_SINGLE_MMAP) {
        r->cq_map = m;
        r->cq_map_sz = sqsz;
    } else {
        m = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (off_t)LLIO_I_OFF_CQ_RING);
        if (m == MAP_FAILED) goto fail;
        r->cq_map = m;
        r->cq_map_sz = cqsz;
    }
    r->sqe_map_sz = up.sq_entries * sizeof(llio_sqe);
    m = mmap(NULL, r->sqe_map_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (off_t)LLIO_I_OFF_SQES);
    if (m == MAP_FAILED) goto fail;
    r->sqe_map = m;
    {
        char *sq = (char *)r->sq_map, *cq = (char *)r->cq_map;
        uint32_t k;
        r->sq_khead = (uint32_t *)(sq + up.sq_off.head);
        r->sq_ktail = (uint32_t *)(sq + up.sq_off.tail);
        r->sq_kflags = (uint32_t *)(sq + up.sq_off.flags);
        r->sq_array = (up.flags & LLIO_SETUP_NO_SQARRAY) ? NULL : (uint32_t *)(sq + up.sq_off.array);
        r->sq_mask = *(uint32_t *)(sq + up.sq_off.ring_mask);
        r->sq_entries = *(uint32_t *)(sq + up.sq_off.ring_entries);
        r->sqes = (llio_sqe *)r->sqe_map;
        r->cq_khead = (uint32_t *)(cq + up.cq_off.head);
        r->cq_ktail = (uint32_t *)(cq + up.cq_off.tail);
        r->cq_koverflow = (uint32_t *)(cq + up.cq_off.overflow);
        r->cqes = (llio_cqe *)(cq + up.cq_off.cqes);
        r->cq_mask = *(uint32_t *)(cq + up.cq_off.ring_mask);
        r->cq_entries = *(uint32_t *)(cq + up.cq_off.ring_entries);
        if (r->sq_array)
            for (k = 0; k < r->sq_entries; k++) r->sq_array[k] = k; /* identity: never rewritten */
        r->sqe_head = r->sqe_tail = *r->sq_khead;
    }
    r->backend = LLIO_BACKEND_URING;
    if (!(p->flags & (LLIO_INIT_NO_REGRING | LLIO_INIT_SHARED))) {
        llio_i_rsrc_update u;
        u.offset = (uint32_t)-1;
        u.resv = 0;
        u.data = (uint64_t)fd;
        if (llio_i_sys_register(fd, LLIO_I_REG_RING_FDS, &u, 1) == 1) {
            r->enter_fd = (int)u.offset;
            r->enter_flags = LLIO_I_ENTER_REGISTERED_RING;
        }
    }
    return 0;
fail:
    {
        int e = llio_i_errno();
        llio_i_unmap(r);
        close(fd);
        r->ring_fd = r->enter_fd = -1;
        return e;
    }
}
#endif

static void llio_i_probe_ops(llio_ring *r) {
    llio_i_probe *pr;
    unsigned i;
    memset(r->ops, 0, sizeof r->ops);
    if (r->backend == LLIO_BACKEND_FALLBACK) {
        static const unsigned char fb_ops[] = {
            LLIO_OP_NOP, LLIO_OP_READV, LLIO_OP_WRITEV, LLIO_OP_FSYNC, LLIO_OP_READ_FIXED,
            LLIO_OP_WRITE_FIXED, LLIO_OP_POLL_ADD, LLIO_OP_SENDMSG, LLIO_OP_RECVMSG,
            LLIO_OP_TIMEOUT, LLIO_OP_TIMEOUT_REMOVE, LLIO_OP_ACCEPT, LLIO_OP_ASYNC_CANCEL,
            LLIO_OP_LINK_TIMEOUT, LLIO_OP_CONNECT, LLIO_OP_OPENAT, LLIO_OP_CLOSE, LLIO_OP_READ, LLIO_OP_WRITE,
            LLIO_OP_SEND, LLIO_OP_RECV, LLIO_OP_SPLICE};
        for (i = 0; i < sizeof fb_ops; i++) llio_i_set_op(r, fb_ops[i]);
        return;
    }
    pr = (llio_i_probe *)LLIO_MALLOC(r->alloc_ctx, sizeof(llio_i_probe));
    if (!pr) return;
    memset(pr, 0, sizeof *pr);
    if (llio_i_sys_register(r->ring_fd, LLIO_I_REG_PROBE, pr, 256) >= 0) {
        for (i = 0; i < pr->ops_len && i < 256; i++)
            if (pr->ops[i].flags & 1u) llio_i_set_op(r, pr->ops[i].op);
    } else {
        for (i = 0; i <= LLIO_OP_CLOSE; i++) llio_i_set_op(r, i); /* pre-5.6 kernel: assume */
    }
    LLIO_FREE(r->alloc_ctx, pr);
}

static int llio_i_setup_fallback(llio_ring *r, unsigned entries) {
    r->sq_entries = entries;
    r->sq_mask = entries - 1;
    r->sqes = (llio_sqe *)LLIO_MALLOC(r->alloc_ctx, (size_t)entries * sizeof(llio_sqe));
    if (!r->sqes) return LLIO_ENOMEM;
    memset(r->sqes, 0, (size_t)entries * sizeof(llio_sqe));
    memset(r->fb_words, 0, sizeof r->fb_words);
    r->sq_khead = &r->fb_words[0];
    r->sq_ktail = &r->fb_words[1];
    r->sq_kflags = &r->fb_words[2];
    r->cq_khead = &r->fb_words[3];
    r->cq_ktail = &r->fb_words[4];
    r->cq_koverflow = &r->fb_words[5];
    r->cqes = r->ucq;
    r->cq_mask = 0;
    r->cq_entries = 0;
    r->backend = LLIO_BACKEND_FALLBACK;
    return 0;
}

LLIODEF int llio_init(llio_ring *r, unsigned entries, unsigned flags) {
    llio_params p;
    memset(&p, 0, sizeof p);
    p.entries = entries;
    p.flags = flags;
    p.sq_thread_cpu = -1;
    return llio_init_params(r, &p);
}

LLIODEF int llio_init_params(llio_ring *r, const llio_params *p) {
    unsigned entries, cqe;
    int ret = LLIO_ENOSYS;
    memset(r, 0, sizeof *r);
    r->ring_fd = r->enter_fd = -1;
    r->alloc_ctx = p->alloc_ctx;
    r->init_flags = p->flags;
    if (p->entries == 0 || p->entries > LLIO_MAX_ENTRIES) return LLIO_EINVAL;
    if (p->cq_entries && (p->cq_entries < p->entries || p->cq_entries > 2 * LLIO_MAX_ENTRIES * 2))
        return LLIO_EINVAL;
    entries = llio_i_pow2(p->entries);
    cqe = p->cq_entries ? llio_i_pow2(p->cq_entries) : 0;
    r->ucq_mask = llio_i_pow2(cqe ? cqe : 2 * entries) - 1;
    r->ucq = (llio_cqe *)LLIO_MALLOC(r->alloc_ctx, ((size_t)r->ucq_mask + 1) * sizeof(llio_cqe));
    r->fdclass = (unsigned char *)LLIO_MALLOC(r->alloc_ctx, LLIO_FDCACHE);
    if (!r->ucq || !r->fdclass) {
        llio_destroy(r);
        return LLIO_ENOMEM;
    }
    memset(r->fdclass, 0, LLIO_FDCACHE);
    if (!(p->flags & LLIO_INIT_FALLBACK)) {
#ifdef LLIO_USE_LIBURING
        struct io_uring_params up;
        memset(&up, 0, sizeof up);
        {
            static const unsigned best[] = {
                LLIO_SETUP_SINGLE_ISSUER | LLIO_SETUP_DEFER_TASKRUN | LLIO_SETUP_TASKRUN_FLAG,
                LLIO_SETUP_SINGLE_ISSUER | LLIO_SETUP_COOP_TASKRUN | LLIO_SETUP_TASKRUN_FLAG,
                LLIO_SETUP_COOP_TASKRUN | LLIO_SETUP_TASKRUN_FLAG, 0};
            unsigned i, i0 = (p->flags & LLIO_INIT_SHARED) ? 2u : 0u;
            if (p->flags & LLIO_INIT_PLAIN) i0 = 3;
            for (i = i0; i < 4; i++) {
                memset(&up, 0, sizeof up);
                up.flags = best[i];
                if (p->flags & LLIO_INIT_SQPOLL) {
                    up.flags = LLIO_SETUP_SQPOLL;
                    up.sq_thread_idle = p->sq_thread_idle;
                }
                if (p->flags & LLIO_INIT_IOPOLL) up.flags |= LLIO_SETUP_IOPOLL;
                if (cqe) {
                    up.flags |= LLIO_SETUP_CQSIZE;
                    up.cq_entries = cqe;
                }
                ret = io_uring_queue_init_params(entries, &r->lu, &up);
                if (ret != LLIO_EINVAL || (p->flags & LLIO_INIT_SQPOLL)) break;
            }
        }
        if (ret == 0) {
            r->backend = LLIO_BACKEND_LIBURING;
            r->setup_flags = up.flags;
            r->features = up.features;
            r->ring_fd = r->enter_fd = r->lu.ring_fd;
            if (!(p->flags & (LLIO_INIT_NO_REGRING | LLIO_INIT_SHARED)) &&
                io_uring_register_ring_fd(&r->lu) == 1)
                r->enter_flags = LLIO_I_ENTER_REGISTERED_RING;
            r->sq_khead = r->lu.sq.khead;
            r->sq_ktail = r->lu.sq.ktail;
            r->sq_kflags = r->lu.sq.kflags;
            r->sq_entries = r->lu.sq.ring_entries;
            r->sq_mask = r->lu.sq.ring_mask;
            r->sqes = (llio_sqe *)(void *)r->lu.sq.sqes;
            r->cq_khead = r->lu.cq.khead;
            r->cq_ktail = r->lu.cq.ktail;
            r->cq_koverflow = r->lu.cq.koverflow;
            r->cqes = (llio_cqe *)(void *)r->lu.cq.cqes;
            r->cq_mask = r->lu.cq.ring_mask;
            r->cq_entries = r->lu.cq.ring_entries;
        }
#else
        ret = llio_i_setup_raw(r, entries, cqe, p);
#endif
        if (ret == 0) {
            r->direct = r->backend == LLIO_BACKEND_URING &&
                        !(p->flags & LLIO_INIT_NO_DIRECT) &&
                        !(r->setup_flags & (LLIO_SETUP_SQPOLL | LLIO_SETUP_IOPOLL));
            llio_i_probe_ops(r);
            return 0;
        }
        r->setup_errno = -ret;
        if ((p->flags & LLIO_INIT_NO_FALLBACK) ||
            (ret != LLIO_ENOSYS && ret != LLIO_EPERM && ret != LLIO_ENOMEM && ret != -EACCES)) {
            llio_destroy(r);
            return ret;
        }
    }
    ret = llio_i_setup_fallback(r, entries);
    if (ret) {
        llio_destroy(r);
        return ret;
    }
    llio_i_probe_ops(r);
    return 0;
}

LLIODEF void llio_destroy(llio_ring *r) {
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        io_uring_queue_exit(&r->lu);
        r->ring_fd = -1;
    }
#endif
    if (r->backend == LLIO_BACKEND_URING) {
        if (r->enter_flags & LLIO_I_ENTER_REGISTERED_RING) {
            llio_i_rsrc_update u;
            u.offset = (uint32_t)r->enter_fd;
            u.resv = 0;
            u.data = 0;
            llio_i_sys_register(r->ring_fd, LLIO_I_UNREG_RING_FDS, &u, 1);
        }
        llio_i_unmap(r);
    }
    if (r->ring_fd >= 0) close(r->ring_fd);
    if (r->backend == LLIO_BACKEND_FALLBACK && r->sqes) LLIO_FREE(r->alloc_ctx, r->sqes);
    if (r->ucq) LLIO_FREE(r->alloc_ctx, r->ucq);
    if (r->fdclass) LLIO_FREE(r->alloc_ctx, r->fdclass);
    if (r->files) LLIO_FREE(r->alloc_ctx, r->files);
    if (r->bufs) LLIO_FREE(r->alloc_ctx, r->bufs);
    memset(r, 0, sizeof *r);
    r->ring_fd = r->enter_fd = -1;
}

LLIODEF int llio_backend(const llio_ring *r) { return r->backend; }

LLIODEF const char *llio_backend_name(const llio_ring *r) {
    switch (r->backend) {
    case LLIO_BACKEND_URING: return "io_uring";
    case LLIO_BACKEND_LIBURING: return "liburing";
    case LLIO_BACKEND_FALLBACK: return "sync";
    default: return "none";
    }
}

LLIODEF int llio_describe(const llio_ring *r, char *buf, size_t n) {
    unsigned f = r->setup_flags, i, nops = 0;
    for (i = 0; i < 8; i++) nops += (unsigned)__builtin_popcount(r->ops[i]);
    return snprintf(buf, n,
                    "backend=%s sq=%u cq=%u flags=%s%s%s%s%s%s%s%s features=0x%x%s%s%s regring=%s "
                    "direct=%s ops=%u%s%s",
                    llio_backend_name(r), r->sq_entries,
                    r->backend == LLIO_BACKEND_FALLBACK ? r->ucq_mask + 1 : r->cq_entries,
                    f ? "" : "none", (f & LLIO_SETUP_SINGLE_ISSUER) ? "SINGLE_ISSUER," : "",
                    (f & LLIO_SETUP_DEFER_TASKRUN) ? "DEFER_TASKRUN," : "",
                    (f & LLIO_SETUP_COOP_TASKRUN) ? "COOP_TASKRUN," : "",
                    (f & LLIO_SETUP_TASKRUN_FLAG) ? "TASKRUN_FLAG," : "",
                    (f & LLIO_SETUP_SQPOLL) ? "SQPOLL," : "", (f & LLIO_SETUP_IOPOLL) ? "IOPOLL," : "",
                    (f & LLIO_SETUP_NO_SQARRAY) ? "NO_SQARRAY," : "",
                    r->features, (r->features & LLIO_FEAT_SINGLE_MMAP) ? " SINGLE_MMAP" : "",
                    (r->features & LLIO_FEAT_NODROP) ? " NODROP" : "",
                    (r->features & LLIO_FEAT_EXT_ARG) ? " EXT_ARG" : "",
                    (r->enter_flags & LLIO_I_ENTER_REGISTERED_RING) ? "yes" : "no",
                    r->direct ? "yes" : "no", nops,
                    r->setup_errno ? " fallback-because=" : "",
                    r->setup_errno ? llio_strerror(-r->setup_errno) : "");
}

LLIODEF bool llio_op_supported(const llio_ring *r, unsigned op) {
    return op < 256 && (r->ops[op >> 5] >> (op & 31)) & 1u;
}

LLIODEF int llio_register_buffers(llio_ring *r, const struct iovec *iov, unsigned n) {
    struct iovec *copy;
    int ret = 0;
    if (!n || n > 16384 || r->bufs) return r->bufs ? LLIO_EBUSY : LLIO_EINVAL;
    copy = (struct iovec *)LLIO_MALLOC(r->alloc_ctx, n * sizeof(struct iovec));
    if (!copy) return LLIO_ENOMEM;
    memcpy(copy, iov, n * sizeof(struct iovec));
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) ret = io_uring_register_buffers(&r->lu, iov, n);
#endif
    if (r->backend == LLIO_BACKEND_URING) ret = llio_i_sys_register(r->ring_fd, LLIO_I_REG_BUFFERS, iov, n);
    if (ret < 0) {
        LLIO_FREE(r->alloc_ctx, copy);
        return ret;
    }
    r->bufs = copy;
    r->nbufs = n;
    return 0;
}

LLIODEF int llio_unregister_buffers(llio_ring *r) {
    int ret = 0;
    if (!r->bufs) return LLIO_EINVAL;
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) ret = io_uring_unregister_buffers(&r->lu);
#endif
    if (r->backend == LLIO_BACKEND_URING) ret = llio_i_sys_register(r->ring_fd, LLIO_I_UNREG_BUFFERS, NULL, 0);
    LLIO_FREE(r->alloc_ctx, r->bufs);
    r->bufs = NULL;
    r->nbufs = 0;
    return ret < 0 ? ret : 0;
}

LLIODEF int llio_register_files(llio_ring *r, const int *fds, unsigned n) {
    int *copy;
    int ret = 0;
    if (!n || n > 65536 || r->files) return r->files ? LLIO_EBUSY : LLIO_EINVAL;
    copy = (int *)LLIO_MALLOC(r->alloc_ctx, n * sizeof(int));
    if (!copy) return LLIO_ENOMEM;
    memcpy(copy, fds, n * sizeof(int));
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) ret = io_uring_register_files(&r->lu, fds, n);
#endif
    if (r->backend == LLIO_BACKEND_URING) ret = llio_i_sys_register(r->ring_fd, LLIO_I_REG_FILES, fds, n);
    if (r->backend == LLIO_BACKEND_FALLBACK) {
        unsigned i;
        for (i = 0; i < n; i++)
            if (fds[i] != -1 && fcntl(fds[i], F_GETFD) < 0) ret = LLIO_EBADF;
    }
    if (ret < 0) {
        LLIO_FREE(r->alloc_ctx, copy);
        return ret;
    }
    r->files = copy;
    r->nfiles = n;
    return 0;
}

LLIODEF int llio_unregister_files(llio_ring *r) {
    int ret = 0;
    if (!r->files) return LLIO_EINVAL;
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) ret = io_uring_unregister_files(&r->lu);
#endif
    if (r->backend == LLIO_BACKEND_URING) ret = llio_i_sys_register(r->ring_fd, LLIO_I_UNREG_FILES, NULL, 0);
    LLIO_FREE(r->alloc_ctx, r->files);
    r->files = NULL;
    r->nfiles = 0;
    return ret < 0 ? ret : 0;
}

/* ---------------- submit / complete ---------------- */
LLIODEF void llio_i_cq_flush(llio_ring *r) {
    if (r->backend == LLIO_BACKEND_URING)
        llio_i_sys_enter(r->enter_fd, 0, 0, LLIO_I_ENTER_GETEVENTS | r->enter_flags, NULL, 0);
#ifdef LLIO_USE_LIBURING
    else if (r->backend == LLIO_BACKEND_LIBURING)
        io_uring_get_events(&r->lu);
#endif
}

static unsigned llio_i_kready(llio_ring *r) {
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) return io_uring_cq_ready(&r->lu);
#endif
    return __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE) - *r->cq_khead;
}

LLIODEF unsigned llio_cq_ready(llio_ring *r) {
    unsigned n = (r->ucq_tail - r->ucq_head) + llio_i_kready(r);
    if (n == 0 && r->backend != LLIO_BACKEND_FALLBACK &&
        (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN))) {
        llio_i_cq_flush(r);
        n = llio_i_kready(r);
    }
    return n;
}

LLIODEF int llio_submit_and_wait(llio_ring *r, unsigned wait_nr) {
    unsigned flags, to_submit, ucq;
    int ret;
    if (r->backend == LLIO_BACKEND_FALLBACK) return llio_i_fb_submit(r);
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        ucq = r->ucq_tail - r->ucq_head;
        do ret = io_uring_submit_and_wait(&r->lu, wait_nr > ucq ? wait_nr - ucq : 0);
        while (ret == LLIO_EINTR);
        return ret;
    }
#endif
    if (r->direct && r->sqe_tail != r->sqe_head)
        llio_i_direct_scan(r, wait_nr > r->ucq_tail - r->ucq_head);
    if (r->sqe_tail != r->sqe_head) {
        __atomic_store_n(r->sq_ktail, r->sqe_tail, __ATOMIC_RELEASE);
        r->sqe_head = r->sqe_tail;
    }
    to_submit = r->sqe_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
    ucq = r->ucq_tail - r->ucq_head;
    wait_nr = wait_nr > ucq ? wait_nr - ucq : 0;
    flags = r->enter_flags;
    if (wait_nr || (r->setup_flags & LLIO_SETUP_IOPOLL)) flags |= LLIO_I_ENTER_GETEVENTS;
    if (r->setup_flags & LLIO_SETUP_SQPOLL) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* tail store before reading NEED_WAKEUP */
        if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & LLIO_SQ_NEED_WAKEUP)
            flags |= LLIO_I_ENTER_SQ_WAKEUP;
        if (!(flags & (LLIO_I_ENTER_SQ_WAKEUP | LLIO_I_ENTER_GETEVENTS))) return (int)to_submit;
    } else if (!to_submit && !wait_nr) {
        return 0;
    }
    if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN))
        flags |= LLIO_I_ENTER_GETEVENTS;
    for (;;) {
        ret = llio_i_sys_enter(r->enter_fd, to_submit, wait_nr, flags, NULL, 0);
        if (ret != LLIO_EINTR) break;
        to_submit = r->sqe_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
    }
    if (ret > 0) r->kinflight += (uint32_t)ret;
    return ret;
}

LLIODEF int llio_submit(llio_ring *r) { return llio_submit_and_wait(r, 0); }

LLIODEF unsigned llio_reap(llio_ring *r, llio_cqe *out, unsigned max) {
    unsigned n = 0;
    while (n < max && r->ucq_head != r->ucq_tail) out[n++] = r->ucq[r->ucq_head++ & r->ucq_mask];
    if (n == max || r->backend == LLIO_BACKEND_FALLBACK) return n;
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        struct io_uring_cqe *c;
        unsigned k = 0;
        if (io_uring_cq_ready(&r->lu) == 0) io_uring_get_events(&r->lu);
        while (n < max && io_uring_peek_cqe(&r->lu, &c) == 0) {
            memcpy(&out[n++], c, sizeof(llio_cqe));
            io_uring_cq_advance(&r->lu, 1);
            k++;
        }
        return n;
    }
#endif
    {
        uint32_t head = *r->cq_khead, tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
        if (head == tail &&
            (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN))) {
            llio_i_cq_flush(r);
            tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
        }
        {
            uint32_t h0 = head;
            while (n < max && head != tail) out[n++] = r->cqes[head++ & r->cq_mask];
            __atomic_store_n(r->cq_khead, head, __ATOMIC_RELEASE);
            r->kinflight = head - h0 < r->kinflight ? r->kinflight - (head - h0) : 0;
        }
    }
    return n;
}

LLIODEF int llio_wait(llio_ring *r, unsigned min_nr, int64_t timeout_ns) {
    uint64_t deadline = timeout_ns >= 0 ? llio_i_now_ns() + (uint64_t)timeout_ns : 0;
    for (;;) {
        unsigned avail, ucq, pending;
        int ret;
        llio_i_getevents_arg arg;
        llio_timespec ts;
        if (r->backend == LLIO_BACKEND_FALLBACK) {
            ret = llio_i_fb_submit(r);
            if (ret < 0) return ret;
            avail = r->ucq_tail - r->ucq_head;
            return avail >= min_nr ? (int)avail : LLIO_ETIME;
        }
#ifdef LLIO_USE_LIBURING
        if (r->backend == LLIO_BACKEND_LIBURING) /* liburing keeps its own SQ tail */
            pending = io_uring_sq_ready(&r->lu);
        else
#endif
            pending = r->sqe_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
        avail = llio_cq_ready(r);
        if (avail >= min_nr && pending == 0) return (int)avail;
        ucq = r->ucq_tail - r->ucq_head;
        if (timeout_ns >= 0) {
            uint64_t now = llio_i_now_ns(), left = now < deadline ? deadline - now : 0;
            ts.tv_sec = (int64_t)(left / 1000000000u);
            ts.tv_nsec = (long long)(left % 1000000000u);
        }
#ifdef LLIO_USE_LIBURING
        if (r->backend == LLIO_BACKEND_LIBURING) {
            struct io_uring_cqe *c = NULL;
            struct __kernel_timespec kts;
            kts.tv_sec = ts.tv_sec;
            kts.tv_nsec = ts.tv_nsec;
            ret = io_uring_submit_and_wait_timeout(&r->lu, &c, min_nr > ucq ? min_nr - ucq : 0,
                                                   timeout_ns >= 0 ? &kts : NULL, NULL);
        } else
#endif
        {
            unsigned flags = r->enter_flags | LLIO_I_ENTER_GETEVENTS;
            /* with a deadline, a lone read may not block in pread past it: only the non-blocking try */
            if (r->direct && r->sqe_tail != r->sqe_head)
                llio_i_direct_scan(r, timeout_ns < 0 && min_nr > r->ucq_tail - r->ucq_head);
            if (r->sqe_tail != r->sqe_head) {
                __atomic_store_n(r->sq_ktail, r->sqe_tail, __ATOMIC_RELEASE);
                r->sqe_head = r->sqe_tail;
            }
            pending = r->sqe_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
            ucq = r->ucq_tail - r->ucq_head;
            if (r->setup_flags & LLIO_SETUP_SQPOLL) {
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
                if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & LLIO_SQ_NEED_WAKEUP)
                    flags |= LLIO_I_ENTER_SQ_WAKEUP;
            }
            if (timeout_ns >= 0) {
                if (!(r->features & LLIO_FEAT_EXT_ARG)) return LLIO_EOPNOTSUPP;
                memset(&arg, 0, sizeof arg);
                arg.ts = (uint64_t)(uintptr_t)&ts;
                ret = llio_i_sys_enter(r->enter_fd, pending, min_nr > ucq ? min_nr - ucq : 0,
                                       flags | LLIO_I_ENTER_EXT_ARG, &arg, sizeof arg);
            } else {
                ret = llio_i_sys_enter(r->enter_fd, pending, min_nr > ucq ? min_nr - ucq : 0, flags,
                                       NULL, 0);
            }
            if (ret > 0) r->kinflight += (uint32_t)ret;
        }
        if (timeout_ns >= 0 &&
            ((ret == LLIO_ETIME && r->backend == LLIO_BACKEND_URING) || llio_i_now_ns() >= deadline)) {
            avail = llio_cq_ready(r);
            return avail >= min_nr ? (int)avail : LLIO_ETIME;
        }
        /* liburing reports ETIME after one empty pass (an IOPOLL ring whose requests failed at
           issue gets there); only the deadline ends the wait */
        if (ret < 0 && ret != LLIO_EINTR && ret != LLIO_EAGAIN && ret != LLIO_EBUSY && ret != LLIO_ETIME)
            return ret;
    }
}

/* ---------------- vectored helpers ---------------- */
#define LLIO_I_IOVCHUNK 256
static int64_t llio_i_vloop(int fd, const struct iovec *iov, int cnt, int64_t off, int wr) {
    struct iovec tmp[LLIO_I_IOVCHUNK];
    int idx = 0;
    size_t skip = 0;
    int64_t total = 0;
    if (cnt < 0 || (cnt > 0 && !iov)) return LLIO_EINVAL;
    while (idx < cnt) {
        int k = 0, i;
        ssize_t ret;
        const struct iovec *use = tmp;
        while (idx < cnt && iov[idx].iov_len <= skip) { skip -= iov[idx].iov_len; idx++; }
        if (idx >= cnt) break;
        if (skip == 0 && cnt - idx <= 1024) { /* whole iovecs left: no copy */
            use = iov + idx;
            k = cnt - idx;
        } else {
            for (i = idx; i < cnt && k < LLIO_I_IOVCHUNK; i++, k++) tmp[k] = iov[i];
            tmp[0].iov_base = (char *)tmp[0].iov_base + skip;
            tmp[0].iov_len -= skip;
        }
        if (off >= 0)
            ret = wr ? pwritev(fd, use, k, (off_t)(off + total)) : preadv(fd, use, k, (off_t)(off + total));
        else
            ret = wr ? writev(fd, use, k) : readv(fd, use, k);
        if (ret < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN && total > 0) return total;
            return llio_i_errno();
        }
        if (ret == 0) {
            if (wr) return total ? total : LLIO_EIO;
            return total; /* end of file */
        }
        total += ret;
        skip += (size_t)ret;
    }
    return total;
}

LLIODEF int64_t llio_preadv_full(int fd, const struct iovec *iov, int cnt, int64_t off) {
    return off < 0 ? LLIO_EINVAL : llio_i_vloop(fd, iov, cnt, off, 0);
}
LLIODEF int64_t llio_pwritev_full(int fd, const struct iovec *iov, int cnt, int64_t off) {
    return off < 0 ? LLIO_EINVAL : llio_i_vloop(fd, iov, cnt, off, 1);
}
LLIODEF int64_t llio_readv_full(int fd, const struct iovec *iov, int cnt) {
    return llio_i_vloop(fd, iov, cnt, -1, 0);
}
LLIODEF int64_t llio_writev_full(int fd, const struct iovec *iov, int cnt) {
    return llio_i_vloop(fd, iov, cnt, -1, 1);
}
LLIODEF int64_t llio_pread_full(int fd, void *buf, size_t len, int64_t off) {
    struct iovec v;
    v.iov_base = buf;
    v.iov_len = len;
    return llio_preadv_full(fd, &v, 1, off);
}
LLIODEF int64_t llio_pwrite_full(int fd, const void *buf, size_t len, int64_t off) {
    struct iovec v;
    v.iov_base = (void *)(uintptr_t)buf;
    v.iov_len = len;
    return llio_pwritev_full(fd, &v, 1, off);
}

/* ---------------- write coalescer ---------------- */
LLIODEF int llio_wc_init(llio_coalescer *c, int fd, unsigned max_batch, uint64_t window_ns,
                         size_t align) {
    memset(c, 0, sizeof *c);
    if (fd < 0) return LLIO_EBADF;
    if (max_batch == 0 || max_batch > 65536 || (align > 1 && (align & (align - 1)))) return LLIO_EINVAL;
    c->fd = fd;
    c->cap = max_batch;
    c->window_ns = window_ns;
    c->align = align > 1 ? align : 0;
    c->max_bytes = (size_t)64 << 20;
    c->ents = (llio_wc_ent *)LLIO_MALLOC(c->alloc_ctx, max_batch * sizeof(llio_wc_ent));
    c->iov = (struct iovec *)LLIO_MALLOC(c->alloc_ctx, max_batch * sizeof(struct iovec));
    c->keys = (uint64_t *)LLIO_MALLOC(c->alloc_ctx, max_batch * sizeof(uint64_t));
    if (!c->ents || !c->iov || !c->keys) {
        llio_wc_destroy(c);
        return LLIO_ENOMEM;
    }
    return 0;
}

LLIODEF void llio_wc_destroy(llio_coalescer *c) {
    if (c->ents) LLIO_FREE(c->alloc_ctx, c->ents);
    if (c->iov) LLIO_FREE(c->alloc_ctx, c->iov);
    if (c->keys) LLIO_FREE(c->alloc_ctx, c->keys);
    c->ents = NULL;
    c->iov = NULL;
    c->keys = NULL;
    c->n = 0;
    c->niov = 0;
}

static int llio_i_wc_cmp_off(const void *a, const void *b) {
    const llio_wc_ent *x = (const llio_wc_ent *)a, *y = (const llio_wc_ent *)b;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}
static int llio_i_wc_cmp_seq(const void *a, const void *b) {
    const llio_wc_ent *x = (const llio_wc_ent *)a, *y = (const llio_wc_ent *)b;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* Shell sort (Ciura gaps) of packed (offset << 16 | index) keys: no callbacks, 8-byte moves. */
static void llio_i_sort_u64(uint64_t *a, unsigned n) {
    static const unsigned gaps[] = {1750, 701, 301, 132, 57, 23, 10, 4, 1};
    unsigned gi;
    for (gi = 0; gi < sizeof gaps / sizeof gaps[0]; gi++) {
        unsigned g = gaps[gi], i;
        if (g >= n) continue;
        for (i = g; i < n; i++) {
            uint64_t v = a[i];
            unsigned j = i;
            while (j >= g && a[j - g] > v) {
                a[j] = a[j - g];
                j -= g;
            }
            a[j] = v;
        }
    }
}


/* While the writes are in order and adjacent, only iov is filled: entry i lies at lo plus the
   lengths before it. The entries (and hi, len0) are worked out here once that stops being true. */
static void llio_i_wc_fill_ents(llio_coalescer *c, unsigned n) {
    unsigned i;
    uint64_t off = c->lo;
    size_t len0 = c->iov[0].iov_len;
    for (i = 0; i < n; i++) {
        c->ents[i].buf = c->iov[i].iov_base;
        c->ents[i].off = off;
        c->ents[i].len = c->iov[i].iov_len;
        c->ents[i].seq = i;
        if (c->iov[i].iov_len != len0) len0 = 0;
        off += c->iov[i].iov_len;
    }
    c->hi = off;
    c->len0 = len0;
}

/* one vectored write of an adjacent run; the common case costs one syscall and no bookkeeping */
static int llio_i_wc_write(llio_coalescer *c, const struct iovec *v, unsigned m, uint64_t off,
                           uint64_t want) {
    ssize_t r = m == 1 ? pwrite(c->fd, v[0].iov_base, v[0].iov_len, (off_t)off)
                       : pwritev(c->fd, v, (int)m, (off_t)off);
    c->n_syscalls++;
    if (r >= 0 && (uint64_t)r == want) return 0;
    {   /* short, interrupted or failed: rewriting the run from its start is idempotent */
        int64_t f = llio_pwritev_full(c->fd, v, (int)m, (int64_t)off);
        return f < 0 ? (int)f : 0;
    }
}

/* write iov[0..n) as runs of adjacent writes (ents[i] describes iov[i], ascending offsets) */
static int llio_i_wc_runs(llio_coalescer *c, const llio_wc_ent *e, unsigned n) {
    unsigned start = 0, i;
    while (start < n) {
        uint64_t off = e[start].off, pos = off + e[start].len;
        int ret;
        for (i = start + 1; i < n && i - start < 1024 && e[i].off == pos; i++) pos += e[i].len;
        ret = llio_i_wc_write(c, c->iov + start, i - start, off, pos - off);
        if (ret) return ret;
        start = i;
    }
    return 0;
}

/* Equal-length writes that exactly tile [lo, hi) in any order: place each by its slot, O(n) instead
   of a sort. Returns 1 when written (or failed: *err), 0 when the writes do not tile (a gap, a
   duplicate or a misaligned offset) and the general path must run. */
static int llio_i_wc_tile(llio_coalescer *c, unsigned n, int *err) {
    unsigned i, m, shift;
    size_t L = c->len0;
    uint64_t *slot = c->keys;
    const llio_wc_ent *e = c->ents;
    if (!L || (L & (L - 1)) || c->hi - c->lo != (uint64_t)n * L) return 0;
    shift = (unsigned)__builtin_ctzll((unsigned long long)L);
    memset(slot, 0, n * sizeof(uint64_t));
    for (i = 0; i < n; i++) {
        uint64_t d = e[i].off - c->lo, k = d >> shift;
        if ((d & (L - 1)) || slot[k]) return 0; /* misaligned or a page written twice */
        slot[k] = (uint64_t)i + 1;
    }
    for (i = 0, m = 0; i < n; i++) { /* pages whose buffers are contiguous share an iovec */
        const char *b = (const char *)e[slot[i] - 1].buf;
        if (m && (const char *)c->iov[m - 1].iov_base + c->iov[m - 1].iov_len == b) {
            c->iov[m - 1].iov_len += L;
        } else {
            c->iov[m].iov_base = (void *)(uintptr_t)b;
            c->iov[m].iov_len = L;
            m++;
        }
    }
    if (m <= 1024) {
        *err = llio_i_wc_write(c, c->iov, m, c->lo, (uint64_t)n * L);
        return 1;
    }
    for (i = 0; i < m; i++) { /* more iovecs than one call takes: describe them as entries */
        c->ents[i].buf = c->iov[i].iov_base;
        c->ents[i].off = i ? c->ents[i - 1].off + c->ents[i - 1].len : c->lo;
        c->ents[i].len = c->iov[i].iov_len;
    }
    *err = llio_i_wc_runs(c, c->ents, m);
    return 1;
}

LLIODEF int llio_wc_flush(llio_coalescer *c) {
    unsigned i, n = c->niov, start;
    int overlap = 0, sorted = 0, big = 0, ret = 0;
    uint64_t end = 0, *k = c->keys;
    llio_wc_ent *e = c->ents;
    size_t total = c->bytes;
    if (n == 0) return 0;
    c->n_flushes++;
    c->n = 0;
    c->niov = 0;
    c->bytes = 0;
    if (c->order & LLIO_I_WC_ADJ) { /* in order and adjacent: iov is the run */
        if (n <= 1024) return llio_i_wc_write(c, c->iov, n, c->lo, total);
        llio_i_wc_fill_ents(c, n);
        return llio_i_wc_runs(c, e, n);
    }
    if (c->order & LLIO_I_WC_ASC) return llio_i_wc_runs(c, e, n);
    if (llio_i_wc_tile(c, n, &ret)) return ret;
    for (i = 0; i < n; i++) {
        if (e[i].off >> 48) big = 1;
        k[i] = (e[i].off << 16) | i; /* low 16 bits: the entry's index */
    }
    if (big) { /* offsets of 256 TiB and more: sort the entries themselves */
        qsort(e, n, sizeof(llio_wc_ent), llio_i_wc_cmp_off);
        sorted = 1;
    } else {
        llio_i_sort_u64(k, n);
    }
#define LLIO_I_WC_AT(i) (sorted ? &e[i] : &e[k[i] & 0xffffu])
    for (i = 0; i < n; i++) {
        const llio_wc_ent *x = LLIO_I_WC_AT(i);
        if (i && x->off < end) { overlap = 1; break; }
        if (x->off + x->len > end) end = x->off + x->len;
    }
    if (overlap) { /* later writes must win: write in submission order, unmerged */
        if (big) qsort(e, n, sizeof(llio_wc_ent), llio_i_wc_cmp_seq);
        for (i = 0; i < n; i++) {
            int64_t r = llio_pwrite_full(c->fd, e[i].buf, e[i].len, (int64_t)e[i].off);
            c->n_syscalls++;
            if (r < 0) return (int)r;
        }
        return 0;
    }
    start = 0;
    while (start < n) {
        unsigned m = 0;
        uint64_t off = LLIO_I_WC_AT(start)->off, pos = off;
        for (i = start; i < n && m < 1024; i++, m++) {
            const llio_wc_ent *x = LLIO_I_WC_AT(i);
            if (x->off != pos) break;
            c->iov[m].iov_base = (void *)(uintptr_t)x->buf;
            c->iov[m].iov_len = x->len;
            pos += x->len;
        }
        ret = llio_i_wc_write(c, c->iov, m, off, pos - off);
        if (ret) return ret;
        start = i;
    }
#undef LLIO_I_WC_AT
    return 0;
}

LLIODEF int llio_i_wc_add(llio_coalescer *c, const void *buf, size_t len, uint64_t off) {
    unsigned n;
    uint64_t end = off + len;
    if (!c->ents) return LLIO_EINVAL;
    if (len == 0) return 0; /* nothing to write, whatever the alignment */
    if (c->align && ((((uintptr_t)buf) | len | (size_t)off) & (c->align - 1))) return LLIO_EINVAL;
    if (c->n == c->cap) {
        int ret = llio_wc_flush(c);
        if (ret) return ret;
    }
    c->n++;
    n = c->niov++;
    if (n == 0) {
        if (c->window_ns) c->first_ns = llio_i_now_ns();
        c->order = LLIO_I_WC_ADJ | LLIO_I_WC_ASC;
        c->lo = off;
    } else if (!((c->order & LLIO_I_WC_ADJ) && off == c->last_end)) {
        llio_wc_ent *e = &c->ents[n];
        unsigned keep = off < c->last_end ? 0u : LLIO_I_WC_ASC; /* data-dependent: no branches */
        if (c->order & LLIO_I_WC_ADJ) llio_i_wc_fill_ents(c, n);
        c->order &= keep;
        c->lo = off < c->lo ? off : c->lo;
        c->hi = end > c->hi ? end : c->hi;
        c->len0 = len == c->len0 ? len : 0;
        e->buf = buf;
        e->off = off;
        e->len = len;
        e->seq = n;
    }
    c->last_end = end;
    c->iov[n].iov_base = (void *)(uintptr_t)buf;
    c->iov[n].iov_len = len;
    c->bytes += len;
    c->n_added++;
    if (c->n == c->cap || c->bytes >= c->max_bytes ||
        (c->window_ns && llio_i_now_ns() - c->first_ns >= c->window_ns))
        return llio_wc_flush(c);
    return 0;
}

/* ---------------- O_DIRECT ---------------- */
/* LLIO_MALLOC has no alignment argument: take size + align bytes and keep the pointer it returned
   in the word just below the aligned block. */
LLIODEF void *llio_aligned_alloc(size_t size, size_t align) {
    unsigned char *raw;
    uintptr_t a;
    if (align == 0 || (align & (align - 1)) || size == 0) return NULL;
    if (align < sizeof(void *)) align = sizeof(void *);
    if (size > (size_t)-1 - align - sizeof(void *)) return NULL;
    raw = (unsigned char *)LLIO_MALLOC(NULL, size + align + sizeof(void *));
    if (!raw) return NULL;
    a = ((uintptr_t)raw + sizeof(void *) + align - 1) & ~(uintptr_t)(align - 1);
    memcpy((void *)(a - sizeof(void *)), &raw, sizeof raw);
    return (void *)a;
}
LLIODEF void llio_aligned_free(void *p) {
    void *raw;
    if (!p) return;
    memcpy(&raw, (unsigned char *)p - sizeof(void *), sizeof raw);
    LLIO_FREE(NULL, raw);
}

LLIODEF int llio_dio_align(int fd, unsigned *mem_align, unsigned *off_align) {
    unsigned char sx[256];
    int fl = fcntl(fd, F_GETFL);
    unsigned a;
    if (fl < 0) return llio_i_errno();
#ifdef LLIO_I_SYS_STATX
    memset(sx, 0, sizeof sx);
    if (syscall(LLIO_I_SYS_STATX, fd, "", AT_EMPTY_PATH, LLIO_I_STATX_DIOALIGN, sx) == 0) {
        uint32_t mask, ma, oa;
        memcpy(&mask, sx, 4);
        memcpy(&ma, sx + 152, 4);
        memcpy(&oa, sx + 156, 4);
        if ((mask & LLIO_I_STATX_DIOALIGN) && ma && oa) {
            if (mem_align) *mem_align = ma;
            if (off_align) *off_align = oa;
            return 0;
        }
    }
#else
    (void)sx;
#endif
    if (!(fl & O_DIRECT)) {
        /* probe through a second O_DIRECT descriptor of the same file */
        char path[64];
        int d, ret;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        d = open(path, O_RDONLY | O_DIRECT);
        if (d < 0) return llio_i_errno();
        ret = llio_dio_align(d, mem_align, off_align);
        close(d);
        return ret;
    }
    {
        char *buf = (char *)llio_aligned_alloc(16384, 8192);
        unsigned om = 0, mm = 0;
        if (!buf) return LLIO_ENOMEM;
        for (a = 512; a <= 4096 && !om; a *= 2)
            if (pread(fd, buf, a, (off_t)a) >= 0) om = a;
        if (om)
            for (a = 512; a <= 4096 && !mm; a *= 2)
                if (pread(fd, buf + a, om, 0) >= 0) mm = a;
        llio_aligned_free(buf);
        if (!om || !mm) return LLIO_EINVAL;
        if (mem_align) *mem_align = mm;
        if (off_align) *off_align = om;
    }
    return 0;
}

/* ---------------- sockets ---------------- */
static int llio_i_sockopt(int fd, int level, int opt, int v) {
    return setsockopt(fd, level, opt, &v, sizeof v) == 0 ? 0 : llio_i_errno();
}
LLIODEF int llio_sock_nodelay(int fd, int on) { return llio_i_sockopt(fd, IPPROTO_TCP, TCP_NODELAY, on != 0); }
LLIODEF int llio_sock_quickack(int fd, int on) { return llio_i_sockopt(fd, IPPROTO_TCP, LLIO_I_TCP_QUICKACK, on != 0); }
LLIODEF int llio_sock_reuseport(int fd, int on) { return llio_i_sockopt(fd, SOL_SOCKET, LLIO_I_SO_REUSEPORT, on != 0); }
LLIODEF int llio_sock_busy_poll(int fd, int usec) { return llio_i_sockopt(fd, SOL_SOCKET, LLIO_I_SO_BUSY_POLL, usec); }
LLIODEF int llio_sock_zerocopy(int fd, int on) { return llio_i_sockopt(fd, SOL_SOCKET, LLIO_I_SO_ZEROCOPY, on != 0); }

LLIODEF int64_t llio_send_zc(int fd, const void *buf, size_t len, int flags) {
    ssize_t r;
    do r = send(fd, buf, len, flags | LLIO_I_MSG_ZEROCOPY);
    while (r < 0 && errno == EINTR);
    return r < 0 ? llio_i_errno() : (int64_t)r;
}

LLIODEF int llio_zc_reap(int fd, llio_zc_range *out, unsigned max) {
    unsigned n = 0;
    while (n < max) {
        struct msghdr m;
        struct cmsghdr *cm;
        union { char b[256]; struct cmsghdr align; } ctl;
        ssize_t r;
        memset(&m, 0, sizeof m);
        m.msg_control = ctl.b;
        m.msg_controllen = sizeof ctl.b;
        r = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            return n ? (int)n : llio_i_errno();
        }
        for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
            llio_i_sock_ee ee;
            if (!((cm->cmsg_level == SOL_IP && cm->cmsg_type == LLIO_I_IP_RECVERR) ||
                  (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == LLIO_I_IPV6_RECVERR)))
                continue;
            memcpy(&ee, CMSG_DATA(cm), sizeof ee);
            if (ee.ee_origin != LLIO_I_EE_ORIGIN_ZEROCOPY) continue;
            if (n < max) {
                out[n].lo = ee.ee_info;
                out[n].hi = ee.ee_data;
                out[n].copied = (ee.ee_code & LLIO_I_EE_CODE_ZEROCOPY_COPIED) != 0;
                n++;
            }
        }
    }
    return (int)n;
}

LLIODEF int64_t llio_sendfile_full(int out_fd, int in_fd, int64_t *off, size_t count) {
    int64_t total = 0;
    while ((size_t)total < count) {
        off_t o = off ? (off_t)*off : 0;
        ssize_t r = sendfile(out_fd, in_fd, off ? &o : NULL, count - (size_t)total);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN && total) break;
            return llio_i_errno();
        }
        if (off) *off = (int64_t)o;
        if (r == 0) break;
        total += r;
    }
    return total;
}

LLIODEF int64_t llio_splice_full(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out,
                                 size_t len, const int *pipefd) {
    int p[2], own = 0;
    int64_t total = 0, inpipe = 0, err = 0;
    if (len == 0) return 0;
    if (!pipefd) {
        if (pipe2(p, O_CLOEXEC) < 0) return llio_i_errno();
        own = 1;
    } else {
        p[0] = pipefd[0];
        p[1] = pipefd[1];
    }
    while ((size_t)total < len) {
        ssize_t r;
        if ((size_t)(total + inpipe) < len) {
            loff_t o = off_in ? (loff_t)*off_in : 0;
            r = splice(fd_in, off_in ? &o : NULL, p[1], NULL, len - (size_t)(total + inpipe),
                       SPLICE_F_MOVE | (inpipe ? SPLICE_F_NONBLOCK : 0u));
            if (r < 0) {
                if (errno == EINTR) continue;
                if (!(errno == EAGAIN && inpipe)) { err = llio_i_errno(); break; }
                r = 0;
            } else if (r == 0 && !inpipe) {
                break; /* end of input */
            }
            if (off_in) *off_in = (int64_t)o;
            inpipe += r;
        }
        while (inpipe > 0) {
            loff_t o = off_out ? (loff_t)*off_out : 0;
            r = splice(p[0], NULL, fd_out, off_out ? &o : NULL, (size_t)inpipe, SPLICE_F_MOVE);
            if (r < 0) {
                if (errno == EINTR) continue;
                err = llio_i_errno();
                break;
            }
            if (off_out) *off_out = (int64_t)o;
            inpipe -= r;
            total += r;
        }
        if (err) break;
    }
    if (own) {
        close(p[0]);
        close(p[1]);
    }
    return err && !total ? err : total;
}

LLIODEF int llio_sendmmsg_all(int fd, struct mmsghdr *v, unsigned n, int flags) {
    unsigned done = 0;
    while (done < n) {
        int r = sendmmsg(fd, v + done, n - done, flags);
        if (r < 0) {
            if (errno == EINTR) continue;
            return done ? (int)done : llio_i_errno();
        }
        done += (unsigned)r;
    }
    return (int)done;
}

LLIODEF int llio_recvmmsg(int fd, struct mmsghdr *v, unsigned n, int flags) {
    int r;
    if (n == 0) return 0; /* a zero-length batch returns at once, even on a blocking socket */
    do r = recvmmsg(fd, v, n, flags, NULL);
    while (r < 0 && errno == EINTR);
    return r < 0 ? llio_i_errno() : r;
}

/* ---------------- journal (llio_log): this section, up to the end of the implementation, belongs to it */

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLIO_IMPLEMENTATION */

/*
   CHANGES
     0.1.1  coalescer: the batch's shape is kept while adding (in-order adjacent writes are one
            pwritev with no sort or merge pass; equal-sized pages that tile a range in any order
            are placed in O(n)); direct reads of NOWAIT-less files use pread; llio_prep_link_timeout
            and its synchronous equivalent; a short send/recv breaks a fallback link only under
            MSG_WAITALL; llio_wait on the liburing backend no longer spins until its deadline.
     0.1.0  first version: raw io_uring + liburing + synchronous backends, vectored helpers,
            write coalescer, O_DIRECT and socket helpers.

   LICENSE
     This software is available under either of these, at your choice:
     (A) MIT License. Copyright (c) 2026 the ll authors. Permission is hereby granted, free of
         charge, to any person obtaining a copy of this software and associated documentation files
         (the "Software"), to deal in the Software without restriction, including without
         limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
         sell copies of the Software, and to permit persons to whom the Software is furnished to do
         so, subject to the following conditions: The above copyright notice and this permission
         notice shall be included in all copies or substantial portions of the Software. THE
         SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
     (B) Public domain (Unlicense): anyone is free to copy, modify, publish, use, compile, sell or
         distribute this software, for any purpose, commercial or non-commercial, by any means.
*/
