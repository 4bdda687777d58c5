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
     LLIO_NO_STATS          [every unit] compile the per-ring counters out (they are plain increments on
                            the ring's own thread; the benchmark sets them against this build).
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
     deadline  llio_wc_register(c, r) / llio_wc_unregister(c) (the ring flushes at the window's end),
               llio_wc_deadline(c), llio_wc_expire(c)
     counters  llio_ring_stats(r, &st), llio_ring_stats_reset(r), llio_stats_rate(&a, &b, &rate),
               llio_op_kind(op), llio_kind_name(kind), llio_track_register(r, fn, ctx) /
               llio_track_unregister(r) (per-operation latency to a callback)
     O_DIRECT  llio_aligned_alloc(size, align), llio_aligned_free(p), llio_dio_align(fd, &mem, &off)
     sockets   llio_sock_nodelay, llio_sock_quickack, llio_sock_reuseport, llio_sock_busy_poll,
               llio_sock_zerocopy, llio_send_zc, llio_zc_reap, llio_sendfile_full, llio_splice_full,
               llio_sendmmsg_all, llio_recvmmsg
     network   llio_buf_ring_register(r, br, bgid, bufs, size, count) / llio_buf_ring_unregister(br),
               llio_buf_ring_add(br, bid), llio_buf_ring_buf(br, bid) (inline),
               llio_prep_{accept_multishot,recv_multishot,recv_select,send_zc,send_zc_fixed,sendmsg_zc},
               llio_cqe_{more,has_buf,buf_id,notif} (inline), llio_net_features(r)
     journal   llio_log_options_init(&o), llio_log_open(dir, &o, &l) / llio_log_close(l),
               llio_log_append(l, data, len) / llio_log_appendv -> seq, llio_log_commit, llio_log_poll,
               llio_log_wait(l, seq, timeout_ns), llio_log_durable(l), llio_log_checkpoint(l, seq),
               llio_log_stats(l, &info), llio_log_reader_open(dir, live, from_seq, &rd) /
               llio_log_read(rd, &rec) / llio_log_reader_close(rd), llio_log_crc32c (docs/llio-log.md)
     misc      llio_strerror(err), llio_version(), llio_cpu_relax()

   SEMANTICS
   - A ring is created and used by one thread (SINGLE_ISSUER|DEFER_TASKRUN). Pass LLIO_INIT_SHARED to allow
     several threads (with your own locking) - then COOP_TASKRUN is used and the ring fd is not
     registered. Under COOP_TASKRUN completion work queued to the thread that submitted a request waits
     for that thread to pass through the kernel: while it sleeps elsewhere (futex, epoll_wait), other
     threads waiting on the ring do not see the completion. Submit from the thread that waits. Completions of a DEFER_TASKRUN ring are posted when you call llio_wait/llio_reap/
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
   - Counters (llio_ring_stats): submissions by kind are counted as the call that hands SQEs over
     returns (after its io_uring_enter, a run of one opcode at a time), completions
     and errors when the caller takes them (llio_reap, llio_cqe_seen), kernel enters, fallback and
     direct-read operations, and the times llio found the CQ overflowed. A CQE does not say which
     operation it ends, so completions by kind and bytes read/written cover the operations llio runs
     itself (fallback, direct reads) and, while llio_track_register is on, every one: tracking swaps
     each SQE's user_data for a tag (an entry in a table that grows through LLIO_MALLOC) and puts it
     back before the caller sees the CQE, then calls fn(ctx, kind, ns from submission to completion,
     res). user_data values whose top 16 bits are 0xA110 are llio's own (tracking, coalescer deadlines).
   - Coalescer deadline: llio_wc_add otherwise checks the window only when it is called. A coalescer
     registered with a ring (llio_wc_register) queues an absolute TIMEOUT for its batch's deadline on
     that ring when the batch's first write arrives; the ring's own llio_wait/llio_reap/llio_peek_cqe/
     llio_cq_ready consume that completion and flush the batch, so an owner loop that only waits on its
     ring gets the lone write to the file at the deadline. A flush before the deadline leaves the
     timeout to find nothing. The synchronous backend's llio_wait sleeps until the earliest deadline
     (bounded by its own timeout) and flushes. A failed deadline flush is returned by the next
     llio_wc_add or llio_wc_flush. The coalescer never arms inside a link chain being prepared.
   - Networking (kernel 5.19/6.0+): provided buffer rings, multishot accept/recv (a CQE without
     LLIO_CQE_F_MORE ends a multishot: re-arm), zero-copy send with its notification CQE. On the
     synchronous backend: buffer rings are emulated (a selecting recv takes the next buffer, -ENOBUFS
     when none), multishot requests run once (no F_MORE: the re-arm path runs), SEND_ZC copies and
     posts the result and the notification at once. Busy polling a socket (llio_sock_busy_poll,
     SO_BUSY_POLL in microseconds) makes the kernel spin on the device queue in recv/poll; over
     loopback there is no device queue and it changes nothing.
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
     -errno values from system calls are passed through unchanged. llio_strerror names every LLIO_E*
     code and the contract's pass-through ones (EACCES, ENODEV, ERANGE, EOVERFLOW, ENOTCONN,
     ETIMEDOUT); anything else is "unknown error".

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
#define LLIO_EBADMSG (-74)   /* journal: a segment that is damaged or belongs to another journal */
#define LLIO_EMSGSIZE (-90)  /* journal: a record larger than the journal's largest */
#define LLIO_EOPNOTSUPP (-95)
#define LLIO_ENOBUFS (-105)
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
    LLIO_OP_PROVIDE_BUFFERS = 31, LLIO_OP_SHUTDOWN = 34, LLIO_OP_SOCKET = 45, LLIO_OP_SEND_ZC = 47,
    LLIO_OP_SENDMSG_ZC = 48, LLIO_OP_LAST_KNOWN = 48
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

/* Kinds of operation the counters are kept by (llio_op_kind maps an opcode to its kind). */
enum { LLIO_KIND_NOP = 0, LLIO_KIND_READ, LLIO_KIND_WRITE, LLIO_KIND_SYNC, LLIO_KIND_RECV, LLIO_KIND_SEND,
       LLIO_KIND_CONN, LLIO_KIND_CTL, LLIO_KIND_OTHER, LLIO_KINDS };

/* Per-ring counters (llio_stats). Always on: plain increments on the ring's own thread. */
typedef struct llio_stats {
    uint64_t submitted[LLIO_KINDS]; /* operations handed to the kernel or run in user space, by kind */
    uint64_t completed[LLIO_KINDS]; /* completions by kind: those run in user space (fallback, direct
                                       reads) always, the kernel's only while tracking (llio_track) */
    uint64_t bytes_read;            /* res of completed READ/RECV kinds (same rule as completed[]) */
    uint64_t bytes_written;         /* res of completed WRITE/SEND kinds (same rule) */
    uint64_t completions;           /* completions handed to the caller (llio_reap, llio_cqe_seen) */
    uint64_t errors;                /* of those, res < 0 */
    uint64_t enters;                /* io_uring_enter system calls */
    uint64_t fallback_ops;          /* operations the synchronous backend ran */
    uint64_t direct_ops;            /* reads the raw backend did in user space (direct reads) */
    uint64_t cq_overflows;          /* times llio found the CQ overflowed (the kernel held completions
                                       back until llio flushed them; none lost) */
    uint64_t cq_dropped;            /* completions the kernel could not even hold back (its counter) */
    uint64_t time_ns;               /* CLOCK_MONOTONIC when llio_stats took the snapshot */
} llio_stats;

/* Rates between two snapshots (llio_stats_rate). */
typedef struct llio_rate {
    double seconds;
    double ops_per_s;         /* submitted, all kinds */
    double completions_per_s;
    double read_bytes_per_s, write_bytes_per_s;
    double enters_per_s;
} llio_rate;

/* Per-operation latency sink (llio_track): kind, nanoseconds from submission to the completion being
   seen by llio, and the completion's res. */
typedef void (*llio_latency_fn)(void *ctx, unsigned kind, uint64_t ns, int32_t res);

/* The ring's counters, from which llio_ring_stats builds an llio_stats. Those an operation touches come
   first: completions, errors and enters for every one, direct_ops and direct_bytes for a direct read
   (which is also a READ submitted and completed), then the submissions of the common kinds. */
typedef struct llio_i_counts {
    uint64_t completions, errors, enters;
    uint64_t direct_ops, direct_bytes;
    uint64_t submitted[LLIO_KINDS];
    uint64_t completed[LLIO_KINDS];
    uint64_t bytes_read, bytes_written;
    uint64_t fallback_ops, cq_overflows;
    uint64_t cq_dropped_base; /* the kernel's overflow count at the last reset */
} llio_i_counts;

struct llio_coalescer;
struct llio_buf_ring;
#define LLIO_I_WC_SLOTS 8
#define LLIO_I_BR_SLOTS 16

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
    uint32_t internal;             /* llio's own completions outstanding (+1 while tracking): peek checks */
    /* state the submit and completion paths read */
    int backend;                   /* LLIO_BACKEND_* */
    int enter_fd;
    unsigned enter_flags;          /* REGISTERED_RING when the ring fd is registered */
    unsigned setup_flags;
    int direct;                    /* direct-read scan active */
    uint32_t kinflight;            /* raw backend: SQEs the kernel took whose CQE is not consumed yet
                                      (approximate: CQE_SKIP_SUCCESS and multishot skew it) */
    uint32_t trk_on;               /* tracking (llio_track_register) */
    /* the counters: straight after the fields above, so counting touches no other cache line */
    llio_i_counts cnt;
    /* state the hot paths do not read */
    int ring_fd;
    unsigned features, init_flags;
    int setup_errno;               /* why io_uring was not used (0 if it is) */
    int link_failed;               /* fallback: the current link chain failed */
    int lt_res;                    /* fallback: result owed to the next LINK_TIMEOUT SQE (0 = none) */
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
    /* the internal completions (tracked operations, coalescer deadlines) */
    uint32_t trk_cap, trk_free, trk_live;
    struct llio_i_trk *trk;
    llio_latency_fn trk_fn;
    void *trk_ctx;
    struct llio_coalescer *wcs[LLIO_I_WC_SLOTS]; /* coalescers whose deadlines this ring serves */
    struct llio_buf_ring *brs[LLIO_I_BR_SLOTS];  /* provided buffer rings (the fallback reads them) */
    unsigned net;                  /* LLIO_NET_* found at setup */
    uint32_t fb_cqe_flags;         /* fallback: CQE flags of the operation just run */
#ifdef LLIO_USE_LIBURING
    struct io_uring lu;
#endif
} llio_ring;

/* user_data values whose top 16 bits are LLIO_I_UD_TAG are llio's own (tracked operations, coalescer
   deadlines); pointers and ordinary integers never are. */
#define LLIO_I_UD_TAG 0xA110u
#define LLIO_I_UD_IS_OURS(ud) (((ud) >> 48) == LLIO_I_UD_TAG)
#ifdef LLIO_NO_STATS
#define LLIO_I_STAT(x) ((void)0)
#else
#define LLIO_I_STAT(x) ((void)(x))
#endif

/* pause / yield hint for loops that poll the completion queue */
LLIO_INLINE void llio_cpu_relax(void) { /* pause / yield hint inside spin loops */
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
                                                   defined(__ARM_ARCH_7A__) || defined(__ARM_ARCH_8A__)))
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

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
/* consume llio's own completions at the head of the CQ, translate a tracked one; the next CQE or NULL */
LLIODEF llio_cqe *llio_i_peek_slow(llio_ring *r);

/* ---- counters ---- */
LLIODEF void llio_ring_stats(const llio_ring *r, llio_stats *out); /* snapshot, time_ns stamped */
LLIODEF void llio_ring_stats_reset(llio_ring *r);
/* ops/s, completions/s, bytes/s and enters/s between two snapshots (b taken after a) */
LLIODEF void llio_stats_rate(const llio_stats *a, const llio_stats *b, llio_rate *out);
LLIODEF unsigned llio_op_kind(unsigned opcode);                  /* LLIO_KIND_* */
LLIODEF const char *llio_kind_name(unsigned kind);                /* "nop", "read", ... */
/* Track every operation from submission to completion: completed[] and the byte counts then cover
   the kernel's completions too, and fn (may be NULL) gets each operation's latency. Costs a table
   entry and two clock reads per submission/completion batch. 0 or LLIO_ENOMEM. */
LLIODEF int llio_track_register(llio_ring *r, llio_latency_fn fn, void *ctx);
LLIODEF int llio_track_unregister(llio_ring *r); /* LLIO_EBUSY while tracked operations are in flight */

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
    if (r->ucq_head != r->ucq_tail) return &r->ucq[r->ucq_head & r->ucq_mask];
    if (LLIO_UNLIKELY(r->internal != 0)) return llio_i_peek_slow(r);
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        struct io_uring_cqe *c = NULL;
        if (io_uring_peek_cqe(&r->lu, &c) == 0) return (llio_cqe *)(void *)c;
        return NULL;
    }
#endif
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
    LLIO_I_STAT(r->cnt.completions++);
    LLIO_I_STAT(r->cnt.errors += c->res < 0);
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
    uint64_t n_deadline_flushes;   /* flushes made because the window expired with no further add */
    llio_ring *ring;               /* llio_wc_register: the ring whose reap/wait serves the deadline */
    unsigned ring_slot;
    int armed;                     /* a deadline timeout is queued or in flight on ring */
    int deadline_err;              /* error of a deadline flush, returned by the next add or flush */
    llio_timespec deadline_ts;     /* the armed timeout's absolute time (read when it is submitted) */
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
LLIODEF void llio_wc_destroy(llio_coalescer *c);  /* unregisters it from its ring too */
/* CLOCK_MONOTONIC ns by which the pending writes must be flushed; 0 = nothing pending or no window */
LLIODEF uint64_t llio_wc_deadline(const llio_coalescer *c);
/* flush if the deadline has passed: 1 flushed, 0 not due, or -errno (for loops without a ring) */
LLIODEF int llio_wc_expire(llio_coalescer *c);
/* Let ring r keep the window: when the first write of a batch is queued, a timeout for the batch's
   deadline is queued on r (submitted with r's next submit or wait), and when it fires the ring's own
   llio_wait/llio_reap/llio_peek_cqe/llio_cq_ready flush the batch - no further add or flush is needed.
   On the synchronous backend llio_wait sleeps at most until the deadline and flushes. One ring serves
   up to 8 coalescers. 0, LLIO_EBUSY (no free slot) or LLIO_EINVAL. */
LLIODEF int llio_wc_register(llio_coalescer *c, llio_ring *r);
LLIODEF int llio_wc_unregister(llio_coalescer *c);

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

/* ---- networking: provided buffer rings, multishot accept/recv, zero-copy send ----
   The kernel's io_uring networking (5.19+ / 6.0+), with a defined behaviour on the synchronous backend:
   provided buffer rings are emulated (a recv that selects a buffer takes the next one the caller
   added, -ENOBUFS when none is left); multishot requests run once and complete without
   LLIO_CQE_F_MORE, so the caller's re-arm path (the same one it needs when the kernel ends a
   multishot) runs every time; SEND_ZC/SENDMSG_ZC copy and post the result (with F_MORE) and then the
   notification at once. llio_net_features / llio_describe say which of these the kernel has. */
/* CQE flags */
#define LLIO_CQE_F_BUFFER (1u << 0)        /* the upper 16 bits hold the selected buffer's id */
#define LLIO_CQE_F_MORE (1u << 1)          /* the request stays armed: more CQEs will come */
#define LLIO_CQE_F_SOCK_NONEMPTY (1u << 2)
#define LLIO_CQE_F_NOTIF (1u << 3)         /* zero-copy send: the buffer is the caller's again */
#define LLIO_CQE_BUFFER_SHIFT 16
/* socket op flags (the SQE's ioprio field) */
#define LLIO_ACCEPT_MULTISHOT (1u << 0)
#define LLIO_RECVSEND_POLL_FIRST (1u << 0)
#define LLIO_RECV_MULTISHOT (1u << 1)
#define LLIO_RECVSEND_FIXED_BUF (1u << 2)
#define LLIO_SEND_ZC_REPORT_USAGE (1u << 3)
#define LLIO_NOTIF_USAGE_ZC_COPIED (1u << 31) /* notification res with REPORT_USAGE: data was copied */
/* what the kernel offers (llio_net_features) */
#define LLIO_NET_BUF_RING 0x01u        /* IORING_REGISTER_PBUF_RING (5.19) */
#define LLIO_NET_ACCEPT_MULTISHOT 0x02u /* 5.19 (seen through IORING_OP_SOCKET, same release) */
#define LLIO_NET_RECV_MULTISHOT 0x04u  /* 6.0 (seen through IORING_OP_SEND_ZC, same release) */
#define LLIO_NET_SEND_ZC 0x08u
#define LLIO_NET_SENDMSG_ZC 0x10u
#define LLIO_NET_EMULATED 0x100u       /* synchronous backend: every one of them emulated as above */

/* A provided buffer ring: count buffers of buf_size bytes at bufs (caller memory), handed to the
   kernel through a ring llio allocates (count * 16 bytes, page-aligned, LLIO_MALLOC). */
typedef struct llio_buf_ring {
    llio_ring *r;
    void *kring;
    char *bufs;
    unsigned buf_size, count, mask;
    uint16_t bgid, tail;
    uint16_t fb_head; /* synchronous backend: the consumer index the kernel would keep */
    unsigned slot;
} llio_buf_ring;
/* count: a power of two, 1..32768; every buffer is added at once. 0, LLIO_EINVAL, LLIO_ENOMEM,
   LLIO_EBUSY (16 rings per llio_ring) or the kernel's error (LLIO_EEXIST: bgid in use) */
LLIODEF int llio_buf_ring_register(llio_ring *r, llio_buf_ring *br, unsigned bgid, void *bufs,
                                   unsigned buf_size, unsigned count);
LLIODEF int llio_buf_ring_unregister(llio_buf_ring *br);
LLIODEF unsigned llio_net_features(const llio_ring *r); /* LLIO_NET_* */

/* the kernel's struct io_uring_buf; the ring's tail overlays the first entry's last 16 bits */
typedef struct llio_i_kbuf {
    uint64_t addr;
    uint32_t len;
    uint16_t bid;
    uint16_t resv;
} llio_i_kbuf;
LLIO_INLINE void *llio_buf_ring_buf(const llio_buf_ring *br, unsigned bid) {
    return br->bufs + (size_t)bid * br->buf_size;
}
/* give buffer bid back to the kernel (after the data a CQE pointed at was used) */
LLIO_INLINE void llio_buf_ring_add(llio_buf_ring *br, unsigned bid) {
    llio_i_kbuf *b = &((llio_i_kbuf *)br->kring)[br->tail & br->mask];
    b->addr = (uint64_t)(uintptr_t)(br->bufs + (size_t)bid * br->buf_size);
    b->len = br->buf_size;
    b->bid = (uint16_t)bid;
    br->tail++;
    __atomic_store_n((uint16_t *)((char *)br->kring + 14), br->tail, __ATOMIC_RELEASE);
}
LLIO_INLINE bool llio_cqe_has_buf(const llio_cqe *c) { return (c->flags & LLIO_CQE_F_BUFFER) != 0; }
LLIO_INLINE unsigned llio_cqe_buf_id(const llio_cqe *c) { return c->flags >> LLIO_CQE_BUFFER_SHIFT; }
LLIO_INLINE bool llio_cqe_more(const llio_cqe *c) { return (c->flags & LLIO_CQE_F_MORE) != 0; }
LLIO_INLINE bool llio_cqe_notif(const llio_cqe *c) { return (c->flags & LLIO_CQE_F_NOTIF) != 0; }

/* one accept armed for every connection until the kernel ends it (a CQE without F_MORE: re-arm) */
LLIO_INLINE void llio_prep_accept_multishot(llio_sqe *s, int fd, struct sockaddr *addr, socklen_t *addrlen,
                                            int flags) {
    llio_prep_accept(s, fd, addr, addrlen, flags);
    s->ioprio = LLIO_ACCEPT_MULTISHOT;
}
/* one recv for every message, each into the next buffer of group bgid (CQE: F_BUFFER, the id, res =
   bytes; 0 = peer closed). -ENOBUFS without F_MORE when the group ran dry: add buffers, re-arm.
   Sets LLIO_SQE_BUFFER_SELECT: keep it when setting other SQE flags. */
LLIO_INLINE void llio_prep_recv_multishot(llio_sqe *s, int fd, unsigned bgid, int flags) {
    llio_prep_rw(s, LLIO_OP_RECV, fd, 0, 0, 0);
    s->op_flags = (uint32_t)flags;
    s->flags = LLIO_SQE_BUFFER_SELECT;
    s->buf_index = (uint16_t)bgid;
    s->ioprio = LLIO_RECV_MULTISHOT;
}
/* a single recv into a buffer of group bgid (len 0: the buffer's size) */
LLIO_INLINE void llio_prep_recv_select(llio_sqe *s, int fd, unsigned bgid, unsigned len, int flags) {
    llio_prep_rw(s, LLIO_OP_RECV, fd, 0, len, 0);
    s->op_flags = (uint32_t)flags;
    s->flags = LLIO_SQE_BUFFER_SELECT;
    s->buf_index = (uint16_t)bgid;
}
/* Zero-copy send: a CQE with the result (F_MORE set when a notification follows), then one with
   F_NOTIF; buf belongs to the kernel until that notification. zc_flags: LLIO_SEND_ZC_REPORT_USAGE
   (the notification's res then has LLIO_NOTIF_USAGE_ZC_COPIED when the data was copied after all) */
LLIO_INLINE void llio_prep_send_zc(llio_sqe *s, int fd, const void *buf, size_t len, int flags,
                                   unsigned zc_flags) {
    llio_prep_rw(s, LLIO_OP_SEND_ZC, fd, (uint64_t)(uintptr_t)buf, (uint32_t)len, 0);
    s->op_flags = (uint32_t)flags;
    s->ioprio = (uint16_t)zc_flags;
}
/* the same from registered buffer buf_index (llio_register_buffers): no page pinning per send */
LLIO_INLINE void llio_prep_send_zc_fixed(llio_sqe *s, int fd, const void *buf, size_t len, int flags,
                                         unsigned zc_flags, unsigned buf_index) {
    llio_prep_send_zc(s, fd, buf, len, flags, zc_flags | LLIO_RECVSEND_FIXED_BUF);
    s->buf_index = (uint16_t)buf_index;
}
LLIO_INLINE void llio_prep_sendmsg_zc(llio_sqe *s, int fd, const struct msghdr *m, int flags) {
    llio_prep_rw(s, LLIO_OP_SENDMSG_ZC, fd, (uint64_t)(uintptr_t)m, 1, 0);
    s->op_flags = (uint32_t)flags;
}


/* ---- journal (llio_log): this section, up to the end of the declarations, belongs to it ---- */
/* ==== llio_log: an append-only, segmented journal with group commit (declarations) ============

   Many threads append records; no lock is taken on the way in: an appender reserves room in the open
   batch buffer with one atomic add (that also numbers its record), frames the record there (length,
   sequence number, CRC32C) and returns its sequence number. Sequence numbers are 1, 2, 3 ... in log
   order. A commit takes every closed batch in order, writes them with ONE vectored write and makes
   them durable with fdatasync (LLIO_LOG_DIRECT: O_DIRECT + RWF_DSYNC, a FUA write where the device
   has FUA). Commits are made by the callers themselves, no thread is started:
   - llio_log_wait(l, seq, timeout) returns once seq is durable. If no commit is running it runs one
     itself, with plain pwritev + fdatasync: the caller would sleep for the result anyway, and
     io_uring would only hand the fdatasync to a kernel worker. Up to max_inflight commits run at
     once (from different threads), each on the batches closed when it started.
   - llio_log_poll(l) never blocks on the disk: it collects finished commits and starts the next one
     through io_uring (WRITEV linked to FSYNC in one submission). With LLIO_LOG_AUTOCOMMIT every
     append does this, so an appender that never waits still sees its records committed in the
     background. When io_uring is refused (or with LLIO_LOG_NO_URING) the same SQEs run on llio's
     synchronous backend, and poll then blocks for the commit it starts.
   - llio_log_durable(l) is the highest durable sequence number; options.on_durable is called with
     it each time it moves (inside the commit path, in order: keep it short, do not call llio_log_*).
   Files: <dir>/<segment id, 16 hex digits>.llog, each segment_bytes long, preallocated (fallocate;
   LLIO_LOG_PREFILL also writes the zeros once so commits overwrite allocated blocks), prepared
   ahead of need, and recycled: segments dropped by llio_log_checkpoint are renamed <id>.free and
   reused for later segments under a new id. Layout (little-endian):
     segment header (first 4096 bytes): "LLIO-LOG", u32 version (1), u32 header bytes (4096),
       u64 journal id, u64 segment id, u64 segment bytes, u32 batch alignment, u32 flags, 12 bytes 0,
       u32 CRC32C of the 60 bytes before it
     batch: u64 first seq, u64 segment id, u32 records, u32 bytes of records, u32 0, u32 CRC32C of
       the 28 bytes before it; then the records; the next batch starts at the next multiple of the
       batch alignment (8, or 4096 with LLIO_LOG_DIRECT)
     record: u32 length, u32 CRC32C(length, seq, payload), u64 seq, payload, zeros to a multiple of 8
   Recovery (llio_log_open) scans the segments in id order and stops at the first batch or record
   that is torn, corrupt, of another segment incarnation or out of sequence; it truncates that
   segment there, recycles the segments after it, and appends continue in a fresh segment (never
   after a stopping point: bytes beyond it were written but are not trusted). A reader
   (llio_log_reader_open) hands back the intact records in order from any sequence number; on a live
   journal it returns 0 at the end and more records on later calls (given the llio_log, only durable
   ones). */

#define LLIO_LOG_NOSYNC 0x01u      /* durable = written to the page cache: no fdatasync */
#define LLIO_LOG_DIRECT 0x02u      /* O_DIRECT segments, each commit one RWF_DSYNC (FUA) write */
#define LLIO_LOG_PREFILL 0x04u     /* write new segments with zeros once (overwrites sync faster) */
#define LLIO_LOG_AUTOCOMMIT 0x08u  /* every append starts a background commit when one can start */
#define LLIO_LOG_NO_URING 0x10u    /* background commits on llio's synchronous backend */
#define LLIO_LOG_SOFT_CRC32C 0x20u /* table CRC32C even where the CPU has an instruction */
#define LLIO_LOG_NO_CREATE 0x40u   /* llio_log_open fails with LLIO_ENOENT unless the journal exists */

typedef struct llio_log llio_log;                 /* an open journal (llio_log_open/close) */
typedef struct llio_log_reader llio_log_reader;   /* a reader of a journal directory */
typedef uint32_t (*llio_log_crc_fn)(uint32_t crc, const void *data, size_t len); /* CRC32C, chained */
typedef void (*llio_log_durable_fn)(void *ctx, uint64_t durable_seq);

typedef struct llio_log_options {
    uint64_t segment_bytes;   /* bytes per segment file: default 64 MiB; multiple of 4096, >= 64 KiB */
    uint32_t batch_bytes;     /* bytes per batch buffer: 0 (default) min(1 MiB, segment_bytes / 4);
                                 else a multiple of 8, >= 512, at most
                                 segment_bytes - 8192. The largest record is batch_bytes - 48 */
    uint32_t batches;         /* batch buffers, a power of two in 2..1024: default 8 */
    uint32_t max_inflight;    /* commits running at once, up to batches; 0 (default): 1 on a device
                                 (one commit at a time makes the largest groups), 4 on tmpfs */
    uint32_t spare_segments;  /* segments kept prepared ahead of need: default 1 */
    uint32_t keep_free;       /* dropped segments kept for reuse: default 4 */
    unsigned flags;           /* LLIO_LOG_* */
    llio_log_durable_fn on_durable; /* called with the durable sequence number when it moves */
    void *ctx;                /* passed to on_durable */
    llio_log_crc_fn crc32c;   /* NULL: llio_log_crc32c */
    void *alloc_ctx;          /* passed to LLIO_MALLOC/LLIO_FREE */
} llio_log_options;

typedef struct llio_log_record {
    uint64_t seq;
    const void *data;         /* valid until the next llio_log_read on the same reader */
    size_t len;
} llio_log_record;

typedef struct llio_log_info {
    uint64_t first_seq;       /* oldest record kept (0: none) */
    uint64_t next_seq;        /* sequence number the next append gets */
    uint64_t durable_seq;     /* every record up to this one is durable */
    uint64_t commits, syncs, bytes_written; /* commits (one vectored write each), fdatasyncs */
    uint64_t segments;        /* live segment files */
    uint64_t segments_created, segments_recycled, rotations;
    uint64_t recovered_records; /* records found by the recovery of llio_log_open */
    int recovery_torn;        /* 1: recovery cut off a torn or corrupt batch or record */
    int backend;              /* LLIO_BACKEND_* of the background commit path */
    int error;                /* the error that stopped the journal (0: none) */
    uint32_t max_record;      /* largest record, bytes */
} llio_log_info;

/* options with every default */
LLIODEF void llio_log_options_init(llio_log_options *o);
/* Open (creating it unless LLIO_LOG_NO_CREATE) the journal in directory dir, recover it and prepare
   a fresh segment. o NULL: defaults. 0 or LLIO_EINVAL, LLIO_ENOENT, LLIO_EBADMSG (a segment that is
   damaged or from another journal), LLIO_EOPNOTSUPP (another format version), LLIO_ENOSPC,
   LLIO_ENOMEM, -errno. */
LLIODEF int llio_log_open(const char *dir, const llio_log_options *o, llio_log **out);
/* commit what was appended, wait for every commit, release everything: 0 or the journal's error */
LLIODEF int llio_log_close(llio_log *l);
/* Append one record (len 0 allowed). Returns its sequence number (> 0), or LLIO_EMSGSIZE (too
   large: nothing appended), LLIO_EINVAL, or the error that stopped the journal (LLIO_ENOSPC,
   LLIO_EIO, ...). Thread-safe, lock-free unless the batch buffers are all full. */
LLIODEF int64_t llio_log_append(llio_log *l, const void *data, size_t len);
/* one record gathered from n pieces */
LLIODEF int64_t llio_log_appendv(llio_log *l, const struct iovec *iov, int n);
/* Wait until record seq is durable, committing if needed. timeout_ns < 0: no limit; 0: only look (and
   start a background commit, as llio_log_poll); > 0: at most that long for other threads' commits (a
   commit this call runs itself is finished first). 0, LLIO_ETIME, LLIO_EINVAL (seq not appended yet)
   or the journal's error (the record is then not durable). */
LLIODEF int llio_log_wait(llio_log *l, uint64_t seq, int64_t timeout_ns);
/* make everything appended before the call durable: llio_log_wait on the latest sequence number */
LLIODEF int llio_log_commit(llio_log *l);
/* never blocks on the disk (with io_uring): collect finished commits, start the next one. 0 or error */
LLIODEF int llio_log_poll(llio_log *l);
/* highest sequence number known durable (every record up to it is) */
LLIODEF uint64_t llio_log_durable(llio_log *l);
/* Drop whole segments whose records all have sequence numbers below seq (and below the durable
   point): renamed for reuse (up to keep_free) or deleted. Returns the number dropped, or -errno. */
LLIODEF int llio_log_checkpoint(llio_log *l, uint64_t seq);
LLIODEF void llio_log_stats(llio_log *l, llio_log_info *out);
/* Read the journal in dir (or live's directory when dir is NULL) from record from_seq on (0 or a
   number below the oldest: from the oldest). With live, only durable records are returned. */
LLIODEF int llio_log_reader_open(const char *dir, llio_log *live, uint64_t from_seq,
                                 llio_log_reader **out);
/* 1: *rec is the next record; 0: none more for now (the end, or the live end); <0: LLIO_EBADMSG
   (a durable record is corrupt, or a segment of another journal), -errno */
LLIODEF int llio_log_read(llio_log_reader *r, llio_log_record *rec);
LLIODEF void llio_log_reader_close(llio_log_reader *r);
/* CRC32C (Castagnoli, as llcrc_crc32c: start with 0, chain the result): SSE4.2 / ARMv8 CRC
   instructions where the CPU has them, else a table */
LLIODEF uint32_t llio_log_crc32c(uint32_t crc, const void *data, size_t len);
/* ==== end of llio_log declarations ============================================================ */

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
#define LLIO_I_REG_PBUF_RING 22u
#define LLIO_I_UNREG_PBUF_RING 23u
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
typedef struct llio_i_buf_reg {
    uint64_t ring_addr;
    uint32_t ring_entries;
    uint16_t bgid, flags;
    uint64_t resv[3];
} llio_i_buf_reg;
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
    case LLIO_ESPIPE: return "illegal seek (offset given for a pipe or socket)";
    case LLIO_ENOSYS: return "not implemented (no io_uring)";
    case LLIO_ETIME: return "timed out";
    case LLIO_EBADMSG: return "bad message (a journal segment damaged or from another journal)";
    case LLIO_EMSGSIZE: return "message too long (a record larger than the journal's largest)";
    case LLIO_EOPNOTSUPP: return "not supported";
    case LLIO_ENOBUFS: return "no buffer left in the provided buffer group";
    case LLIO_EALREADY: return "already running";
    case LLIO_ECANCELED: return "canceled";
    /* system call failures passed through as -errno (Linux values, as in the contract's table) */
    case -13: return "permission denied";
    case -19: return "no such device";
    case -34: return "result out of range";
    case -75: return "value too large";
    case -107: return "not connected";
    case -110: return "connection timed out";
    default: return "unknown error";
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

/* ---------------- counters ---------------- */
static const unsigned char llio_i_kind_of[64] = {
    /* 0 NOP */ LLIO_KIND_NOP, LLIO_KIND_READ, LLIO_KIND_WRITE, LLIO_KIND_SYNC, LLIO_KIND_READ,
    /* 5 WRITE_FIXED */ LLIO_KIND_WRITE, LLIO_KIND_CTL, LLIO_KIND_CTL, LLIO_KIND_SYNC, LLIO_KIND_SEND,
    /* 10 RECVMSG */ LLIO_KIND_RECV, LLIO_KIND_CTL, LLIO_KIND_CTL, LLIO_KIND_CONN, LLIO_KIND_CTL,
    /* 15 LINK_TIMEOUT */ LLIO_KIND_CTL, LLIO_KIND_CONN, LLIO_KIND_SYNC, LLIO_KIND_OTHER, LLIO_KIND_OTHER,
    /* 20 FILES_UPDATE */ LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_READ, LLIO_KIND_WRITE, LLIO_KIND_OTHER,
    /* 25 MADVISE */ LLIO_KIND_OTHER, LLIO_KIND_SEND, LLIO_KIND_RECV, LLIO_KIND_OTHER, LLIO_KIND_OTHER,
    /* 30 SPLICE */ LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_CONN,
    /* 35 RENAMEAT */ LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER,
    /* 40 MSG_RING */ LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER,
    /* 45 SOCKET */ LLIO_KIND_CONN, LLIO_KIND_OTHER, LLIO_KIND_SEND, LLIO_KIND_SEND, LLIO_KIND_READ,
    /* 50 WAITID */ LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER,
    /* 55 */ LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER,
    /* 60 */ LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER, LLIO_KIND_OTHER};

/* a completion of a known kind: completed[] and the byte counts */
static inline void llio_i_count_done(llio_ring *r, unsigned kind, int32_t res) {
    (void)r;
    (void)kind;
    LLIO_I_STAT(r->cnt.completed[kind]++);
    if (res > 0) {
        if (kind == LLIO_KIND_READ || kind == LLIO_KIND_RECV) LLIO_I_STAT(r->cnt.bytes_read += (uint64_t)res);
        else if (kind == LLIO_KIND_WRITE || kind == LLIO_KIND_SEND) LLIO_I_STAT(r->cnt.bytes_written += (uint64_t)res);
    }
}

/* tracking: one entry per operation in flight, found again through the tag in its user_data */
struct llio_i_trk {
    uint64_t ud, t0;
    uint32_t kind, next; /* next: free list link (index + 1, 0 = end) */
};
#define LLIO_I_UD_TRACK 1u
#define LLIO_I_UD_TIMER 2u
#define LLIO_I_UD_TYPE(ud) ((unsigned)((ud) >> 40) & 0xffu)

static int llio_i_trk_grow(llio_ring *r) {
    uint32_t cap = r->trk_cap ? r->trk_cap * 2 : 256, i;
    struct llio_i_trk *t;
    if (cap > (1u << 30)) return LLIO_ENOMEM;
    t = (struct llio_i_trk *)LLIO_MALLOC(r->alloc_ctx, (size_t)cap * sizeof(struct llio_i_trk));
    if (!t) return LLIO_ENOMEM;
    if (r->trk) {
        memcpy(t, r->trk, (size_t)r->trk_cap * sizeof(struct llio_i_trk));
        LLIO_FREE(r->alloc_ctx, r->trk);
    }
    for (i = r->trk_cap; i < cap; i++) t[i].next = i + 1 < cap ? i + 2 : r->trk_free;
    r->trk_free = r->trk_cap + 1;
    r->trk = t;
    r->trk_cap = cap;
    return 0;
}

/* SQEs [from, to) handed to the kernel: counted by kind. Called after the system call that handed them
   over, not before: their slots stay as they are until the caller's next llio_get_sqe, and the
   dependent loads (opcode, kind, counter) then overlap the caller's next steps instead of running in
   front of io_uring_enter, whose entry waits for them to finish. A run of one opcode is counted once,
   from its length: an increment in memory per SQE would chain each SQE to the previous one through
   the same counter. */
#ifndef LLIO_NO_STATS
LLIO_INLINE void llio_i_count_span(llio_ring *r, const llio_sqe *s, uint32_t n) {
    const llio_sqe *end = s + n, *run = s;
    uint8_t op = s->opcode;
    for (s++; s != end; s++)
        if (LLIO_UNLIKELY(s->opcode != op)) {
            r->cnt.submitted[llio_i_kind_of[op & 63u]] += (uint64_t)(s - run);
            run = s;
            op = s->opcode;
        }
    r->cnt.submitted[llio_i_kind_of[op & 63u]] += (uint64_t)(end - run);
}
#endif
LLIO_INLINE void llio_i_count_sqes(llio_ring *r, const llio_sqe *sqes, uint32_t mask, uint32_t from, uint32_t to) {
#ifndef LLIO_NO_STATS
    uint32_t n = to - from, first = from & mask, part = mask + 1 - first;
    if (n == 0) return;
    if (n > part) { /* the range wraps: the end of the array, then its start */
        llio_i_count_span(r, sqes + first, part);
        llio_i_count_span(r, sqes, n - part);
    } else {
        llio_i_count_span(r, sqes + first, n);
    }
#else
    (void)r, (void)sqes, (void)mask, (void)from, (void)to;
#endif
}

/* Tracking (opt-in): SQEs about to reach the kernel get their user_data swapped for a tag that leads
   back to a table entry (CQE_SKIP_SUCCESS ones are not tracked: a success would never come back to
   free the entry) */
static void llio_i_track_sqes(llio_ring *r, llio_sqe *sqes, uint32_t mask, uint32_t from, uint32_t to) {
    uint32_t i;
    uint64_t now = llio_i_now_ns();
    for (i = from; i != to; i++) {
        llio_sqe *s = &sqes[i & mask];
        uint32_t k;
        if ((s->flags & LLIO_SQE_CQE_SKIP_SUCCESS) || LLIO_I_UD_IS_OURS(s->user_data)) continue;
        if (!r->trk_free && llio_i_trk_grow(r) != 0) continue; /* out of memory: left untracked */
        k = r->trk_free - 1;
        r->trk_free = r->trk[k].next;
        r->trk[k].ud = s->user_data;
        r->trk[k].t0 = now;
        r->trk[k].kind = llio_i_kind_of[s->opcode & 63u];
        r->trk_live++;
        s->user_data = ((uint64_t)LLIO_I_UD_TAG << 48) | ((uint64_t)LLIO_I_UD_TRACK << 40) | k;
    }
}

static void llio_i_wc_timer_fired(llio_ring *r, unsigned slot);

/* One of llio's own completions: a tracked operation is translated back in place (its user_data
   restored, so a second peek sees an ordinary CQE) and 0 returned; a coalescer deadline is handled
   and 1 returned (the caller consumes it). */
static int llio_i_own_cqe(llio_ring *r, llio_cqe *c, uint64_t now) {
    uint64_t ud = c->user_data;
    if (LLIO_I_UD_TYPE(ud) == LLIO_I_UD_TIMER) {
        if (r->internal) r->internal--;
        llio_i_wc_timer_fired(r, (unsigned)(ud & 0xffu));
        return 1;
    }
    if (LLIO_I_UD_TYPE(ud) == LLIO_I_UD_TRACK && (uint32_t)ud < r->trk_cap) {
        struct llio_i_trk *t = &r->trk[(uint32_t)ud];
        c->user_data = t->ud;
        llio_i_count_done(r, t->kind, c->res);
        if (r->trk_fn) r->trk_fn(r->trk_ctx, t->kind, now - t->t0, c->res);
        if (!(c->flags & 2u)) { /* IORING_CQE_F_MORE: a multishot request keeps its entry */
            t->next = r->trk_free;
            r->trk_free = (uint32_t)ud + 1;
            if (r->trk_live) r->trk_live--;
        }
    }
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
    case LLIO_OP_SEND: case LLIO_OP_RECV: case LLIO_OP_SEND_ZC: /* short only counts under MSG_WAITALL */
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

/* synchronous backend: a recv that selects a buffer takes the next one of its group, as the kernel
   would; the buffer is consumed only when data (or end of file) was received into it */
static int32_t llio_i_recv_select(llio_ring *r, const llio_sqe *s, int fd) {
    llio_buf_ring *br = NULL;
    const llio_i_kbuf *b;
    uint16_t tail;
    size_t len;
    ssize_t n;
    unsigned i;
    for (i = 0; i < LLIO_I_BR_SLOTS && !br; i++)
        if (r->brs[i] && r->brs[i]->bgid == s->buf_index) br = r->brs[i];
    if (!br) return LLIO_ENOBUFS;
    tail = __atomic_load_n((uint16_t *)((char *)br->kring + 14), __ATOMIC_ACQUIRE);
    if (br->fb_head == tail) return LLIO_ENOBUFS;
    b = &((const llio_i_kbuf *)br->kring)[br->fb_head & br->mask];
    len = b->len;
    if (s->len && s->len < len) len = s->len;
    n = recv(fd, (void *)(uintptr_t)b->addr, len, (int)s->op_flags);
    if (n < 0) return (int32_t)llio_i_errno();
    br->fb_head++;
    r->fb_cqe_flags = LLIO_CQE_F_BUFFER | ((uint32_t)b->bid << LLIO_CQE_BUFFER_SHIFT);
    return (int32_t)n;
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
        if (s->flags & LLIO_SQE_BUFFER_SELECT) return llio_i_recv_select(r, s, fd);
        ret = recv(fd, addr, s->len, (int)s->op_flags);
        break;
    case LLIO_OP_SEND_ZC: /* emulated by a copying send; fb_submit posts the notification */
        if ((s->ioprio & LLIO_RECVSEND_FIXED_BUF) && llio_i_check_fixed(r, s)) return LLIO_EFAULT;
        ret = send(fd, addr, s->len, (int)s->op_flags);
        break;
    case LLIO_OP_SENDMSG_ZC:
        ret = sendmsg(fd, (const struct msghdr *)addr, (int)s->op_flags);
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
    case LLIO_OP_SENDMSG: case LLIO_OP_SEND_ZC: case LLIO_OP_SENDMSG_ZC:
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
        uint64_t t0 = r->trk_fn ? llio_i_now_ns() : 0;
        int zc = s->opcode == LLIO_OP_SEND_ZC || s->opcode == LLIO_OP_SENDMSG_ZC;
        int32_t res;
        r->fb_cqe_flags = 0;
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
        LLIO_I_STAT(r->cnt.submitted[llio_i_kind_of[s->opcode & 63u]]++);
        LLIO_I_STAT(r->cnt.fallback_ops++);
        llio_i_count_done(r, llio_i_kind_of[s->opcode & 63u], res);
        if (r->trk_fn) r->trk_fn(r->trk_ctx, llio_i_kind_of[s->opcode & 63u], llio_i_now_ns() - t0, res);
        if (zc) { /* the result, then at once the notification: the data was copied */
            if (llio_i_ucq_push(r, s->user_data, res, LLIO_CQE_F_MORE) != 0 ||
                llio_i_ucq_push(r, s->user_data,
                                (s->ioprio & LLIO_SEND_ZC_REPORT_USAGE) ? (int32_t)LLIO_NOTIF_USAGE_ZC_COPIED : 0,
                                LLIO_CQE_F_NOTIF) != 0)
                return done ? done : LLIO_ENOMEM;
        } else if (!(res >= 0 && (s->flags & LLIO_SQE_CQE_SKIP_SUCCESS))) {
            if (llio_i_ucq_push(r, s->user_data, res, r->fb_cqe_flags) != 0) return done ? done : LLIO_ENOMEM;
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
    uint64_t t0 = 0;
    uint32_t i, w = r->sqe_head;
    int lone = r->sqe_tail - r->sqe_head == 1, in_chain = 0, drained = 0;
    /* most batches hold no read and no close: one opcode test per SQE finds that out */
    for (i = r->sqe_head; i != r->sqe_tail; i++) {
        unsigned op = r->sqes[i & r->sq_mask].opcode;
        if (op < 32 && ((LLIO_I_SCAN_OPS >> op) & 1u)) break;
    }
    if (i == r->sqe_tail) return;
    if (r->trk_fn) t0 = llio_i_now_ns();
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
            if (done && llio_i_ucq_push(r, s->user_data, res, 0) == 0) {
                /* one READ submitted and completed, its bytes read: llio_ring_stats adds them in */
                LLIO_I_STAT(r->cnt.direct_ops++);
                LLIO_I_STAT(r->cnt.direct_bytes += res > 0 ? (uint64_t)res : 0);
                if (r->trk_fn) r->trk_fn(r->trk_ctx, LLIO_KIND_READ, llio_i_now_ns() - t0, res);
                continue;
            }
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
            LLIO_OP_SEND, LLIO_OP_RECV, LLIO_OP_SPLICE, LLIO_OP_SEND_ZC, LLIO_OP_SENDMSG_ZC};
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

/* networking features: buffer rings by registering a one-entry ring; the multishot kinds through
   the opcodes of the same kernel release */
static void llio_i_probe_net(llio_ring *r) {
    void *page;
    r->net = 0;
    if (r->backend == LLIO_BACKEND_FALLBACK) {
        r->net = LLIO_NET_EMULATED;
        return;
    }
    if (llio_op_supported(r, LLIO_OP_SEND_ZC)) r->net |= LLIO_NET_SEND_ZC | LLIO_NET_RECV_MULTISHOT;
    if (llio_op_supported(r, LLIO_OP_SENDMSG_ZC)) r->net |= LLIO_NET_SENDMSG_ZC;
    if (llio_op_supported(r, LLIO_OP_SOCKET)) r->net |= LLIO_NET_ACCEPT_MULTISHOT;
    page = llio_aligned_alloc(4096, 4096);
    if (page) {
        llio_i_buf_reg reg;
        memset(page, 0, 4096);
        memset(&reg, 0, sizeof reg);
        reg.ring_addr = (uint64_t)(uintptr_t)page;
        reg.ring_entries = 1;
        reg.bgid = 0xffff;
        if (llio_i_sys_register(r->ring_fd, LLIO_I_REG_PBUF_RING, &reg, 1) == 0) {
            r->net |= LLIO_NET_BUF_RING;
            llio_i_sys_register(r->ring_fd, LLIO_I_UNREG_PBUF_RING, &reg, 1);
        }
        llio_aligned_free(page);
    }
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
            llio_i_probe_net(r);
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
    llio_i_probe_net(r);
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
    if (r->trk) LLIO_FREE(r->alloc_ctx, r->trk);
    {
        unsigned i;
        for (i = 0; i < LLIO_I_BR_SLOTS; i++)
            if (r->brs[i]) { /* the kernel let go of them with the ring */
                llio_aligned_free(r->brs[i]->kring);
                r->brs[i]->kring = NULL;
                r->brs[i]->r = NULL;
            }
    }
    {
        unsigned i;
        for (i = 0; i < LLIO_I_WC_SLOTS; i++)
            if (r->wcs[i]) {
                r->wcs[i]->ring = NULL;
                r->wcs[i]->armed = 0;
            }
    }
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
                    "direct=%s ops=%u net=%s%s%s%s%s%s%s%s",
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
                    (r->net & LLIO_NET_EMULATED) ? "emulated" : r->net ? "" : "none",
                    (r->net & LLIO_NET_BUF_RING) ? "buf_ring," : "",
                    (r->net & LLIO_NET_ACCEPT_MULTISHOT) ? "accept_multishot," : "",
                    (r->net & LLIO_NET_RECV_MULTISHOT) ? "recv_multishot," : "",
                    (r->net & LLIO_NET_SEND_ZC) ? "send_zc," : "",
                    (r->net & LLIO_NET_SENDMSG_ZC) ? "sendmsg_zc," : "",
                    r->setup_errno ? " fallback-because=" : "",
                    r->setup_errno ? llio_strerror(-r->setup_errno) : "");
}

LLIODEF bool llio_op_supported(const llio_ring *r, unsigned op) {
    return op < 256 && (r->ops[op >> 5] >> (op & 31)) & 1u;
}

/* ---------------- counters and tracking ---------------- */
LLIODEF void llio_ring_stats(const llio_ring *r, llio_stats *out) {
    const llio_i_counts *c = &r->cnt;
    memset(out, 0, sizeof *out);
    memcpy(out->submitted, c->submitted, sizeof out->submitted);
    memcpy(out->completed, c->completed, sizeof out->completed);
    out->submitted[LLIO_KIND_READ] += c->direct_ops;
    out->completed[LLIO_KIND_READ] += c->direct_ops;
    out->bytes_read = c->bytes_read + c->direct_bytes;
    out->bytes_written = c->bytes_written;
    out->completions = c->completions;
    out->errors = c->errors;
    out->enters = c->enters;
    out->fallback_ops = c->fallback_ops;
    out->direct_ops = c->direct_ops;
    out->cq_overflows = c->cq_overflows;
    if (r->backend != LLIO_BACKEND_FALLBACK && r->cq_koverflow)
        out->cq_dropped = __atomic_load_n(r->cq_koverflow, __ATOMIC_RELAXED) - c->cq_dropped_base;
    out->time_ns = llio_i_now_ns();
}

LLIODEF void llio_ring_stats_reset(llio_ring *r) {
    memset(&r->cnt, 0, sizeof r->cnt);
    /* the kernel's overflow count cannot be reset: remember where it stood */
    if (r->backend != LLIO_BACKEND_FALLBACK && r->cq_koverflow)
        r->cnt.cq_dropped_base = __atomic_load_n(r->cq_koverflow, __ATOMIC_RELAXED);
}

LLIODEF void llio_stats_rate(const llio_stats *a, const llio_stats *b, llio_rate *out) {
    double dt = b->time_ns > a->time_ns ? (double)(b->time_ns - a->time_ns) * 1e-9 : 0.0;
    uint64_t ops = 0;
    unsigned k;
    memset(out, 0, sizeof *out);
    out->seconds = dt;
    if (dt <= 0.0) return;
    for (k = 0; k < LLIO_KINDS; k++) ops += b->submitted[k] - a->submitted[k];
    out->ops_per_s = (double)ops / dt;
    out->completions_per_s = (double)(b->completions - a->completions) / dt;
    out->read_bytes_per_s = (double)(b->bytes_read - a->bytes_read) / dt;
    out->write_bytes_per_s = (double)(b->bytes_written - a->bytes_written) / dt;
    out->enters_per_s = (double)(b->enters - a->enters) / dt;
}

LLIODEF unsigned llio_op_kind(unsigned opcode) { return opcode < 64 ? llio_i_kind_of[opcode] : (unsigned)LLIO_KIND_OTHER; }

LLIODEF const char *llio_kind_name(unsigned kind) {
    static const char *const names[LLIO_KINDS] = {"nop", "read", "write", "sync", "recv", "send", "conn",
                                                  "ctl", "other"};
    return kind < LLIO_KINDS ? names[kind] : "unknown";
}

LLIODEF int llio_track_register(llio_ring *r, llio_latency_fn fn, void *ctx) {
    if (!r) return LLIO_EINVAL;
    if (!r->trk && llio_i_trk_grow(r) != 0) return LLIO_ENOMEM;
    if (!r->trk_on) r->internal++;
    r->trk_on = 1;
    r->trk_fn = fn;
    r->trk_ctx = ctx;
    return 0;
}

LLIODEF int llio_track_unregister(llio_ring *r) {
    if (!r || !r->trk_on) return LLIO_EINVAL;
    if (r->trk_live) return LLIO_EBUSY;
    r->trk_on = 0;
    r->trk_fn = NULL;
    r->trk_ctx = NULL;
    if (r->internal) r->internal--;
    return 0;
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
    if (r->backend == LLIO_BACKEND_FALLBACK) return;
    LLIO_I_STAT(r->cnt.enters++);
    LLIO_I_STAT(r->cnt.cq_overflows += (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & LLIO_SQ_CQ_OVERFLOW) != 0);
    if (r->backend == LLIO_BACKEND_URING)
        llio_i_sys_enter(r->enter_fd, 0, 0, LLIO_I_ENTER_GETEVENTS | r->enter_flags, NULL, 0);
#ifdef LLIO_USE_LIBURING
    else if (r->backend == LLIO_BACKEND_LIBURING)
        io_uring_get_events(&r->lu);
#endif
}

/* liburing keeps its own SQ tail: tag what io_uring_submit is about to publish (while tracking), and
   count it once the submit has returned */
#ifdef LLIO_USE_LIBURING
static void llio_i_lu_publish(llio_ring *r) {
    if (LLIO_UNLIKELY(r->trk_on))
        llio_i_track_sqes(r, (llio_sqe *)(void *)r->lu.sq.sqes, r->lu.sq.ring_mask, r->lu.sq.sqe_head,
                          r->lu.sq.sqe_tail);
}
static void llio_i_lu_count(llio_ring *r, uint32_t from, uint32_t to) {
    llio_i_count_sqes(r, (const llio_sqe *)(const void *)r->lu.sq.sqes, r->lu.sq.ring_mask, from, to);
}
#endif

static unsigned llio_i_kready(llio_ring *r) {
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) return io_uring_cq_ready(&r->lu);
#endif
    return __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE) - *r->cq_khead;
}

LLIODEF llio_cqe *llio_i_peek_slow(llio_ring *r) {
    uint64_t now = 0;
    if (r->ucq_head != r->ucq_tail) return &r->ucq[r->ucq_head & r->ucq_mask];
    if (r->backend == LLIO_BACKEND_FALLBACK) return NULL;
    for (;;) {
        uint32_t head = *r->cq_khead, tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
        llio_cqe *c;
        if (head == tail &&
            (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN))) {
            llio_i_cq_flush(r);
            if (r->ucq_head != r->ucq_tail) return &r->ucq[r->ucq_head & r->ucq_mask];
            tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
        }
        if (head == tail) return NULL;
        c = &r->cqes[head & r->cq_mask];
        if (!LLIO_I_UD_IS_OURS(c->user_data)) return c;
        if (!now) now = llio_i_now_ns();
        if (!llio_i_own_cqe(r, c, now)) return c;
        __atomic_store_n(r->cq_khead, head + 1, __ATOMIC_RELEASE);
        if (r->kinflight) r->kinflight--;
    }
}

LLIODEF unsigned llio_cq_ready(llio_ring *r) {
    unsigned n;
    if (r->internal && r->backend != LLIO_BACKEND_FALLBACK) llio_i_peek_slow(r); /* own CQEs at the head */
    n = (r->ucq_tail - r->ucq_head) + llio_i_kready(r);
    if (n == 0 && r->backend != LLIO_BACKEND_FALLBACK &&
        (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN))) {
        llio_i_cq_flush(r);
        if (r->internal) llio_i_peek_slow(r);
        n = (r->ucq_tail - r->ucq_head) + llio_i_kready(r);
    }
    return n;
}

LLIODEF int llio_submit_and_wait(llio_ring *r, unsigned wait_nr) {
    unsigned flags, to_submit, ucq;
    uint32_t from, to;
    int ret;
    if (r->backend == LLIO_BACKEND_FALLBACK) return llio_i_fb_submit(r);
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        ucq = r->ucq_tail - r->ucq_head;
        if (io_uring_sq_ready(&r->lu) == 0 && wait_nr <= ucq) return 0;
        llio_i_lu_publish(r);
        from = r->lu.sq.sqe_head;
        to = r->lu.sq.sqe_tail;
        do {
            LLIO_I_STAT(r->cnt.enters++);
            ret = io_uring_submit_and_wait(&r->lu, wait_nr > ucq ? wait_nr - ucq : 0);
        } while (ret == LLIO_EINTR);
        llio_i_lu_count(r, from, to);
        return ret;
    }
#endif
    if (r->direct && r->sqe_tail != r->sqe_head)
        llio_i_direct_scan(r, wait_nr > r->ucq_tail - r->ucq_head);
    from = r->sqe_head;
    to = r->sqe_tail;
    if (from != to) {
        if (LLIO_UNLIKELY(r->trk_on)) llio_i_track_sqes(r, r->sqes, r->sq_mask, from, to);
        __atomic_store_n(r->sq_ktail, to, __ATOMIC_RELEASE);
        r->sqe_head = to;
    }
    to_submit = to - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
    ucq = r->ucq_tail - r->ucq_head;
    wait_nr = wait_nr > ucq ? wait_nr - ucq : 0;
    flags = r->enter_flags;
    if (wait_nr || (r->setup_flags & LLIO_SETUP_IOPOLL)) flags |= LLIO_I_ENTER_GETEVENTS;
    ret = 0;
    if (r->setup_flags & LLIO_SETUP_SQPOLL) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* tail store before reading NEED_WAKEUP */
        if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & LLIO_SQ_NEED_WAKEUP)
            flags |= LLIO_I_ENTER_SQ_WAKEUP;
        if (!(flags & (LLIO_I_ENTER_SQ_WAKEUP | LLIO_I_ENTER_GETEVENTS))) {
            ret = (int)to_submit;
            goto out;
        }
    } else if (!to_submit && !wait_nr) {
        goto out;
    }
    if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN)) {
        flags |= LLIO_I_ENTER_GETEVENTS;
        LLIO_I_STAT(r->cnt.cq_overflows += (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & LLIO_SQ_CQ_OVERFLOW) != 0);
    }
    for (;;) {
        ret = llio_i_sys_enter(r->enter_fd, to_submit, wait_nr, flags, NULL, 0);
        LLIO_I_STAT(r->cnt.enters++);
        if (ret != LLIO_EINTR) break;
        to_submit = r->sqe_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
    }
    if (ret > 0) r->kinflight += (uint32_t)ret;
out:
    llio_i_count_sqes(r, r->sqes, r->sq_mask, from, to);
    return ret;
}

LLIODEF int llio_submit(llio_ring *r) { return llio_submit_and_wait(r, 0); }

LLIODEF unsigned llio_reap(llio_ring *r, llio_cqe *out, unsigned max) {
    unsigned n = 0;
    int32_t res_or = 0; /* the results OR-ed: negative when any is, and only then are errors counted */
    if (max == 0) return 0;
    while (n < max && r->ucq_head != r->ucq_tail) {
        out[n] = r->ucq[r->ucq_head++ & r->ucq_mask];
        res_or |= out[n++].res;
    }
    if (n < max && r->backend != LLIO_BACKEND_FALLBACK) { /* liburing's CQ: the same kernel ring */
        uint32_t head = *r->cq_khead, tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE), h0;
        uint64_t now = 0;
        if (head == tail &&
            (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & (LLIO_SQ_CQ_OVERFLOW | LLIO_SQ_TASKRUN))) {
            llio_i_cq_flush(r);
            while (n < max && r->ucq_head != r->ucq_tail) {
                out[n] = r->ucq[r->ucq_head++ & r->ucq_mask];
                res_or |= out[n++].res;
            }
            tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
        }
        if (LLIO_UNLIKELY(r->internal != 0) && head != tail) now = llio_i_now_ns();
        h0 = head;
        while (n < max && head != tail) {
            llio_cqe *c = &r->cqes[head++ & r->cq_mask];
            if (LLIO_UNLIKELY(r->internal != 0) && LLIO_I_UD_IS_OURS(c->user_data) && llio_i_own_cqe(r, c, now))
                continue;
            out[n] = *c;
            res_or |= out[n++].res;
        }
        __atomic_store_n(r->cq_khead, head, __ATOMIC_RELEASE);
        r->kinflight = head - h0 < r->kinflight ? r->kinflight - (head - h0) : 0;
    }
#ifndef LLIO_NO_STATS
    r->cnt.completions += n;
    if (res_or < 0) {
        unsigned i;
        for (i = 0; i < n; i++) r->cnt.errors += out[i].res < 0;
    }
#else
    (void)res_or;
#endif
    return n;
}

/* synchronous backend: nothing more can arrive, but a registered coalescer's deadline may be due
   before `limit`: sleep until the earliest one and flush what is due */
static void llio_i_wc_fallback_wait(llio_ring *r, uint64_t limit);

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
            if (avail < min_nr) llio_i_wc_fallback_wait(r, timeout_ns >= 0 ? deadline : (uint64_t)-1);
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
            uint32_t from = r->lu.sq.sqe_head, to = r->lu.sq.sqe_tail;
            llio_i_lu_publish(r);
            LLIO_I_STAT(r->cnt.enters++);
            ret = io_uring_submit_and_wait_timeout(&r->lu, &c, min_nr > ucq ? min_nr - ucq : 0,
                                                   timeout_ns >= 0 ? &kts : NULL, NULL);
            llio_i_lu_count(r, from, to);
        } else
#endif
        {
            unsigned flags = r->enter_flags | LLIO_I_ENTER_GETEVENTS;
            uint32_t from, to;
            /* with a deadline, a lone read may not block in pread past it: only the non-blocking try */
            if (r->direct && r->sqe_tail != r->sqe_head)
                llio_i_direct_scan(r, timeout_ns < 0 && min_nr > r->ucq_tail - r->ucq_head);
            from = r->sqe_head;
            to = r->sqe_tail;
            if (from != to) {
                if (LLIO_UNLIKELY(r->trk_on)) llio_i_track_sqes(r, r->sqes, r->sq_mask, from, to);
                __atomic_store_n(r->sq_ktail, to, __ATOMIC_RELEASE);
                r->sqe_head = to;
            }
            pending = r->sqe_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);
            ucq = r->ucq_tail - r->ucq_head;
            if (r->setup_flags & LLIO_SETUP_SQPOLL) {
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
                if (__atomic_load_n(r->sq_kflags, __ATOMIC_RELAXED) & LLIO_SQ_NEED_WAKEUP)
                    flags |= LLIO_I_ENTER_SQ_WAKEUP;
            }
            if (timeout_ns >= 0) {
                if (!(r->features & LLIO_FEAT_EXT_ARG)) {
                    llio_i_count_sqes(r, r->sqes, r->sq_mask, from, to); /* published: the next enter takes them */
                    return LLIO_EOPNOTSUPP;
                }
                memset(&arg, 0, sizeof arg);
                arg.ts = (uint64_t)(uintptr_t)&ts;
                ret = llio_i_sys_enter(r->enter_fd, pending, min_nr > ucq ? min_nr - ucq : 0,
                                       flags | LLIO_I_ENTER_EXT_ARG, &arg, sizeof arg);
            } else {
                ret = llio_i_sys_enter(r->enter_fd, pending, min_nr > ucq ? min_nr - ucq : 0, flags,
                                       NULL, 0);
            }
            LLIO_I_STAT(r->cnt.enters++);
            llio_i_count_sqes(r, r->sqes, r->sq_mask, from, to);
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
    llio_wc_unregister(c);
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

static int llio_i_wc_flush(llio_coalescer *c);
LLIODEF int llio_wc_flush(llio_coalescer *c) {
    int err = c->deadline_err, ret; /* a failed deadline flush is reported here */
    c->deadline_err = 0;
    ret = llio_i_wc_flush(c);
    return ret ? ret : err;
}

static int llio_i_wc_flush(llio_coalescer *c) {
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

static void llio_i_wc_arm(llio_coalescer *c);
LLIODEF int llio_i_wc_add(llio_coalescer *c, const void *buf, size_t len, uint64_t off) {
    unsigned n;
    uint64_t end = off + len;
    if (!c->ents) return LLIO_EINVAL;
    if (len == 0) return 0; /* nothing to write, whatever the alignment */
    if (c->deadline_err) { /* a deadline flush failed: report it before taking more */
        int e = c->deadline_err;
        c->deadline_err = 0;
        return e;
    }
    if (c->align && ((((uintptr_t)buf) | len | (size_t)off) & (c->align - 1))) return LLIO_EINVAL;
    if (c->n == c->cap) {
        int ret = llio_i_wc_flush(c);
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
        return llio_i_wc_flush(c);
    if (c->ring && !c->armed) llio_i_wc_arm(c);
    return 0;
}

LLIODEF uint64_t llio_wc_deadline(const llio_coalescer *c) {
    return c->n && c->window_ns ? c->first_ns + c->window_ns : 0;
}

LLIODEF int llio_wc_expire(llio_coalescer *c) {
    uint64_t dl = llio_wc_deadline(c);
    int ret;
    if (!dl || llio_i_now_ns() < dl) return 0;
    ret = llio_wc_flush(c);
    c->n_deadline_flushes++;
    return ret ? ret : 1;
}

LLIODEF int llio_wc_register(llio_coalescer *c, llio_ring *r) {
    unsigned i;
    if (!c || !r || !c->ents || r->backend == LLIO_BACKEND_NONE) return LLIO_EINVAL;
    if (c->ring) return c->ring == r ? 0 : LLIO_EBUSY;
    for (i = 0; i < LLIO_I_WC_SLOTS && r->wcs[i]; i++) {}
    if (i == LLIO_I_WC_SLOTS) return LLIO_EBUSY;
    r->wcs[i] = c;
    c->ring = r;
    c->ring_slot = i;
    c->armed = 0;
    if (c->n) llio_i_wc_arm(c);
    return 0;
}

LLIODEF int llio_wc_unregister(llio_coalescer *c) {
    if (!c || !c->ring) return LLIO_EINVAL;
    /* an armed timeout still arrives; its slot is empty then and the ring just consumes it */
    if (c->ring->wcs[c->ring_slot] == c) c->ring->wcs[c->ring_slot] = NULL;
    c->ring = NULL;
    c->armed = 0;
    return 0;
}

/* Queue a TIMEOUT for the batch's deadline on the ring (absolute CLOCK_MONOTONIC, so the time between
   now and the owner's next submit does not push it back). Not inside a link chain being prepared. */
static void llio_i_wc_arm(llio_coalescer *c) {
    llio_ring *r = c->ring;
    llio_sqe *s;
    uint64_t dl;
    if (!r || c->armed || !c->window_ns || c->n == 0 || r->backend == LLIO_BACKEND_FALLBACK) return;
#ifdef LLIO_USE_LIBURING
    if (r->backend == LLIO_BACKEND_LIBURING) {
        if (r->lu.sq.sqe_tail != r->lu.sq.sqe_head &&
            (r->lu.sq.sqes[(r->lu.sq.sqe_tail - 1) & r->lu.sq.ring_mask].flags &
             (LLIO_SQE_IO_LINK | LLIO_SQE_IO_HARDLINK)))
            return;
    } else
#endif
    if (r->sqe_tail != r->sqe_head &&
        (r->sqes[(r->sqe_tail - 1) & r->sq_mask].flags & (LLIO_SQE_IO_LINK | LLIO_SQE_IO_HARDLINK)))
        return;
    s = llio_get_sqe(r);
    if (!s) return; /* SQ full: armed by the next add */
    dl = c->first_ns + c->window_ns;
    c->deadline_ts.tv_sec = (int64_t)(dl / 1000000000u);
    c->deadline_ts.tv_nsec = (long long)(dl % 1000000000u);
    llio_prep_timeout(s, &c->deadline_ts, 0, LLIO_TIMEOUT_ABS);
    s->user_data = ((uint64_t)LLIO_I_UD_TAG << 48) | ((uint64_t)LLIO_I_UD_TIMER << 40) | c->ring_slot;
    c->armed = 1;
    r->internal++;
}

static void llio_i_wc_timer_fired(llio_ring *r, unsigned slot) {
    llio_coalescer *c = slot < LLIO_I_WC_SLOTS ? r->wcs[slot] : NULL;
    if (!c) return;
    c->armed = 0;
    if (c->n == 0) return; /* flushed meanwhile */
    if (llio_i_now_ns() - c->first_ns >= c->window_ns) {
        int e = llio_i_wc_flush(c);
        c->n_deadline_flushes++;
        if (e) c->deadline_err = e;
    } else {
        llio_i_wc_arm(c); /* a newer batch than the one the timeout was for */
    }
}

static void llio_i_wc_fallback_wait(llio_ring *r, uint64_t limit) {
    uint64_t first = 0;
    unsigned i;
    for (i = 0; i < LLIO_I_WC_SLOTS; i++) {
        uint64_t dl = r->wcs[i] ? llio_wc_deadline(r->wcs[i]) : 0;
        if (dl && (!first || dl < first)) first = dl;
    }
    if (!first || first > limit) return;
    if (first > llio_i_now_ns()) {
        struct timespec ts;
        ts.tv_sec = (time_t)(first / 1000000000u);
        ts.tv_nsec = (long)(first % 1000000000u);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
    }
    for (i = 0; i < LLIO_I_WC_SLOTS; i++)
        if (r->wcs[i]) {
            int e = llio_wc_expire(r->wcs[i]);
            if (e < 0) r->wcs[i]->deadline_err = e;
        }
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

/* ---------------- networking: provided buffer rings ---------------- */
LLIODEF int llio_buf_ring_register(llio_ring *r, llio_buf_ring *br, unsigned bgid, void *bufs,
                                   unsigned buf_size, unsigned count) {
    unsigned i, slot;
    size_t ksz;
    if (!r || !br || !bufs || !buf_size || !count || count > 32768 || (count & (count - 1)) ||
        bgid > 0xfffe || r->backend == LLIO_BACKEND_NONE)
        return LLIO_EINVAL;
    for (slot = 0; slot < LLIO_I_BR_SLOTS && r->brs[slot]; slot++)
        if (r->brs[slot]->bgid == bgid) return LLIO_EEXIST;
    if (slot == LLIO_I_BR_SLOTS) return LLIO_EBUSY;
    memset(br, 0, sizeof *br);
    ksz = (size_t)count * sizeof(llio_i_kbuf);
    br->kring = llio_aligned_alloc(ksz < 4096 ? 4096 : ksz, 4096); /* the kernel wants it page-aligned */
    if (!br->kring) return LLIO_ENOMEM;
    memset(br->kring, 0, ksz);
    br->r = r;
    br->bufs = (char *)bufs;
    br->buf_size = buf_size;
    br->count = count;
    br->mask = count - 1;
    br->bgid = (uint16_t)bgid;
    br->slot = slot;
    if (r->backend != LLIO_BACKEND_FALLBACK) {
        llio_i_buf_reg reg;
        int ret;
        memset(&reg, 0, sizeof reg);
        reg.ring_addr = (uint64_t)(uintptr_t)br->kring;
        reg.ring_entries = count;
        reg.bgid = (uint16_t)bgid;
        ret = llio_i_sys_register(r->ring_fd, LLIO_I_REG_PBUF_RING, &reg, 1);
        if (ret < 0) {
            llio_aligned_free(br->kring);
            memset(br, 0, sizeof *br);
            return ret;
        }
    }
    for (i = 0; i < count; i++) llio_buf_ring_add(br, i);
    r->brs[slot] = br;
    return 0;
}

LLIODEF int llio_buf_ring_unregister(llio_buf_ring *br) {
    llio_ring *r;
    int ret = 0;
    if (!br || !br->r || !br->kring) return LLIO_EINVAL;
    r = br->r;
    if (r->backend != LLIO_BACKEND_FALLBACK) {
        llio_i_buf_reg reg;
        memset(&reg, 0, sizeof reg);
        reg.bgid = br->bgid;
        ret = llio_i_sys_register(r->ring_fd, LLIO_I_UNREG_PBUF_RING, &reg, 1);
    }
    if (r->brs[br->slot] == br) r->brs[br->slot] = NULL;
    llio_aligned_free(br->kring);
    memset(br, 0, sizeof *br);
    return ret < 0 ? ret : 0;
}

LLIODEF unsigned llio_net_features(const llio_ring *r) { return r->net; }

/* ---------------- journal (llio_log): this section, up to the end of the implementation, belongs to it */
/* ==== llio_log: implementation ===================================================================
   Appenders and committers meet in a ring of batch buffers (slots). The open batch's reservation
   word holds SEALED | records << 40 | bytes; an append adds (1 << 40) + its framed size. The first
   appender whose record does not fit, or a committer that wants the batch written, seals it and
   closes it: under l->mu it records the batch's size, makes the next slot the open batch (waiting,
   and committing, until that slot's previous batch is durable) and publishes l->cur. Closing,
   placing (file offsets, rotation), completing and checkpointing happen under l->mu, once per batch
   or commit, never per record. A record is published by storing its sequence number last (release):
   a committer walks the batch's records and waits for each before writing the batch. */
#ifdef __cplusplus
}
#endif
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <sys/vfs.h>
#if defined(__aarch64__) && (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 9))
#include <arm_acle.h>
#include <sys/auxv.h>
#define LLIO_I_LOG_ARMCRC 1
#endif
#ifdef __cplusplus
extern "C" {
#endif

#define LLIO_I_LOG_VERSION 1u
#define LLIO_I_LOG_SEGHDR 4096u                  /* bytes reserved for a segment header */
#define LLIO_I_LOG_BH 32u                        /* batch header */
#define LLIO_I_LOG_RH 16u                        /* record header */
#define LLIO_I_LOG_SEALED (1ull << 63)
#define LLIO_I_LOG_CSHIFT 40
#define LLIO_I_LOG_BMASK ((1ull << 40) - 1u)
#define LLIO_I_LOG_CMASK ((1ull << 23) - 1u)
#define LLIO_I_LOG_FREE 0u                       /* slot phases */
#define LLIO_I_LOG_OPEN 1u
#define LLIO_I_LOG_CLOSED 2u
#define LLIO_I_LOG_PLACED 3u
#define LLIO_I_LOG_DONE 4u
#define LLIO_I_LOG_NEVER UINT64_MAX
#define LLIO_I_LOG_SPIN 64
#define LLIO_I_LOG_RWF_DSYNC 0x2                 /* RWF_DSYNC (linux/fs.h) */
#define LLIO_I_LOG_FUTEX_WAIT 128                /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define LLIO_I_LOG_FUTEX_WAKE 129
#define LLIO_I_LOG_UNTIL_SEQ 0
#define LLIO_I_LOG_UNTIL_BATCH 1
#define LLIO_I_LOG_TMPFS_MAGIC 0x01021994 /* statfs f_type: fdatasync does nothing there */
#define LLIO_I_LOG_RAMFS_MAGIC 0x858458f6

typedef struct llio_i_log_batch {
    uint64_t state;          /* the reservation word appenders add to: a cache line of its own */
    unsigned char pad0[56];
    unsigned char *buf;      /* batch header, then the records */
    uint64_t no;             /* batch number; the slot is no & mask */
    uint64_t first_seq;      /* sequence number of its first record */
    uint64_t off;            /* file offset, once placed */
    uint32_t phase;          /* LLIO_I_LOG_FREE ... LLIO_I_LOG_DONE */
    uint32_t nrec, nbytes;   /* records and their bytes, once closed */
    uint32_t len;            /* bytes written: header, records, padding */
    int32_t res;             /* result of its commit */
    int fd;                  /* its segment, once placed */
    unsigned char pad1[64 - 3 * 8 - 6 * 4 - sizeof(unsigned char *)];
} llio_i_log_batch;

typedef struct llio_i_log_seg {
    uint64_t id;
    uint64_t first_seq;      /* of its first record, 0 while it has none */
    uint64_t end_batch;      /* 1 + number of the last batch placed in it */
    int fd;                  /* -1 once nothing more is written to it */
} llio_i_log_seg;

typedef struct llio_i_log_group { /* one commit: batches [lo, hi) of one segment */
    uint64_t lo, hi, off;
    size_t len;
    struct iovec *iov;
    int fd, niov, in_use, fsync_sqe;
    int32_t err, wres, fres;
    unsigned pending;        /* io_uring completions still expected */
} llio_i_log_group;

struct llio_log {
    uint64_t cur;            /* number of the open batch */
    unsigned char pad_cur[56];
    uint64_t durable;        /* highest durable sequence number */
    uint32_t durable_gen, durable_waiters; /* futex: bumped on every completed commit */
    unsigned char pad_dur[48];
    uint32_t open_gen, open_waiters;       /* futex: bumped when a batch opens */
    uint32_t inflight, ring_inflight;      /* commits running; of which through the ring */
    int32_t err;             /* the error that stopped the journal */
    uint64_t open_first;     /* first sequence number of the open batch */
    uint64_t closed, placed, done_upto;    /* batches below: closed / placed / durable and free */
    unsigned char pad_o[16];
    /* fixed at open */
    llio_i_log_batch *slots;
    uint64_t nslots, mask, seg_bytes;
    uint32_t cap, max_rec, balign, max_inflight, spare_target, keep_free;
    unsigned flags;
    llio_log_crc_fn crc;
    llio_log_durable_fn on_durable;
    void *ctx, *alloc_ctx;
    int dirfd;
    /* under mu */
    pthread_mutex_t mu;
    uint64_t wpos;           /* offset of the next batch in the current segment */
    llio_i_log_seg *segs;    /* segments with records, oldest first; the last is the current one */
    size_t nsegs, segcap, seg_open_lo;
    llio_i_log_seg *spares;
    size_t nspares;
    uint64_t *freeids;       /* <id>.free files kept for reuse */
    size_t nfree, freecap;
    uint64_t next_id, journal_id;
    llio_i_log_group *groups;
    int prep_err;            /* the last spare preparation failed with this */
    uint64_t n_commits, n_syncs, n_bytes, n_created, n_recycled, n_rotations, n_recovered;
    int recovery_torn;
    /* background commits */
    pthread_mutex_t ring_mu;
    pthread_mutex_t prep_mu;
    llio_ring ring;
    int have_ring, ring_broken;
    int sync_noop;           /* tmpfs/ramfs: fdatasync is a no-op there, so it is not called */
    int auto_inflight;       /* max_inflight 0: 1 on a device, 4 where fdatasync is a no-op */
    void *raw_self, *raw_slots, *raw_bufs;
};

/* ---------------- CRC32C (Castagnoli, reflected polynomial 0x82F63B78) ---------------- */
static uint32_t llio_i_log_crc_tab[8][256];
static llio_log_crc_fn llio_i_log_crc_hw;
static pthread_once_t llio_i_log_crc_once = PTHREAD_ONCE_INIT;

static uint32_t llio_i_log_get32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t llio_i_log_get64(const unsigned char *p) {
    return (uint64_t)llio_i_log_get32(p) | (uint64_t)llio_i_log_get32(p + 4) << 32;
}
static void llio_i_log_put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
static void llio_i_log_put64(unsigned char *p, uint64_t v) {
    llio_i_log_put32(p, (uint32_t)v);
    llio_i_log_put32(p + 4, (uint32_t)(v >> 32));
}
/* a sequence number as the 8 little-endian bytes of a record header, for one aligned atomic store */
static uint64_t llio_i_log_le64(uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(v);
#else
    return v;
#endif
}

/* slicing by 8: eight table lookups per 8 bytes */
static uint32_t llio_i_log_crc_soft(uint32_t crc, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    uint32_t c = ~crc;
    while (n && ((uintptr_t)p & 7u)) {
        c = llio_i_log_crc_tab[0][(c ^ *p++) & 0xffu] ^ (c >> 8);
        n--;
    }
    while (n >= 8) {
        uint32_t lo = llio_i_log_get32(p) ^ c, hi = llio_i_log_get32(p + 4);
        c = llio_i_log_crc_tab[7][lo & 0xffu] ^ llio_i_log_crc_tab[6][(lo >> 8) & 0xffu] ^
            llio_i_log_crc_tab[5][(lo >> 16) & 0xffu] ^ llio_i_log_crc_tab[4][lo >> 24] ^
            llio_i_log_crc_tab[3][hi & 0xffu] ^ llio_i_log_crc_tab[2][(hi >> 8) & 0xffu] ^
            llio_i_log_crc_tab[1][(hi >> 16) & 0xffu] ^ llio_i_log_crc_tab[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = llio_i_log_crc_tab[0][(c ^ *p++) & 0xffu] ^ (c >> 8);
    return ~c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("sse4.2"))) static uint32_t llio_i_log_crc_sse42(uint32_t crc, const void *data,
                                                                      size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    unsigned long long c = (uint32_t)~crc;
    uint32_t c32;
    while (n >= 8) {
        unsigned long long v;
        memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        n -= 8;
    }
    c32 = (uint32_t)c;
    while (n--) c32 = __builtin_ia32_crc32qi(c32, *p++);
    return ~c32;
}
#endif
#ifdef LLIO_I_LOG_ARMCRC
#if defined(__clang__)
__attribute__((target("crc")))
#else
__attribute__((target("+crc")))
#endif
static uint32_t llio_i_log_crc_arm(uint32_t crc, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    uint32_t c = ~crc;
    while (n >= 8) {
        c = __crc32cd(c, llio_i_log_get64(p));
        p += 8;
        n -= 8;
    }
    while (n--) c = __crc32cb(c, *p++);
    return ~c;
}
#endif

static void llio_i_log_crc_setup(void) {
    uint32_t i, k;
    for (i = 0; i < 256; i++) {
        uint32_t c = i;
        for (k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        llio_i_log_crc_tab[0][i] = c;
    }
    for (i = 0; i < 256; i++)
        for (k = 1; k < 8; k++)
            llio_i_log_crc_tab[k][i] = (llio_i_log_crc_tab[k - 1][i] >> 8) ^
                                       llio_i_log_crc_tab[0][llio_i_log_crc_tab[k - 1][i] & 0xffu];
    llio_i_log_crc_hw = llio_i_log_crc_soft;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (__builtin_cpu_supports("sse4.2")) llio_i_log_crc_hw = llio_i_log_crc_sse42;
#endif
#ifdef LLIO_I_LOG_ARMCRC
    if (getauxval(AT_HWCAP) & (1ul << 7)) llio_i_log_crc_hw = llio_i_log_crc_arm; /* HWCAP_CRC32 */
#endif
}

LLIODEF uint32_t llio_log_crc32c(uint32_t crc, const void *data, size_t len) {
    pthread_once(&llio_i_log_crc_once, llio_i_log_crc_setup);
    return llio_i_log_crc_hw(crc, data, len);
}

/* ---------------- small helpers ---------------- */
static uint64_t llio_i_log_align(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* LLIO_MALLOC'ed, aligned to align (a power of two), zeroed; *raw is what LLIO_FREE takes */
static void *llio_i_log_alloc(void *ctx, size_t size, size_t align, void **raw) {
    unsigned char *p = (unsigned char *)LLIO_MALLOC(ctx, size + align);
    uintptr_t a;
    (void)ctx;
    *raw = p;
    if (!p) return NULL;
    a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
    memset((void *)a, 0, size);
    return (void *)a;
}

static void llio_i_log_futex_wait(uint32_t *w, uint32_t val, uint64_t deadline) {
    struct timespec ts, *tp = NULL;
    if (deadline != LLIO_I_LOG_NEVER) {
        uint64_t now = llio_i_now_ns();
        if (now >= deadline) return;
        ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
        ts.tv_nsec = (long)((deadline - now) % 1000000000u);
        tp = &ts;
    }
    syscall(SYS_futex, w, LLIO_I_LOG_FUTEX_WAIT, val, tp, NULL, 0);
}
/* sleep until *gen moves on from `seen` (or the deadline): a short spin, then the futex */
static void llio_i_log_await(uint32_t *gen, uint32_t *waiters, uint32_t seen, uint64_t deadline) {
    int i;
    for (i = 0; i < LLIO_I_LOG_SPIN; i++) {
        if (__atomic_load_n(gen, __ATOMIC_ACQUIRE) != seen) return;
        llio_cpu_relax();
    }
    __atomic_fetch_add(waiters, 1u, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(gen, __ATOMIC_SEQ_CST) == seen) llio_i_log_futex_wait(gen, seen, deadline);
    __atomic_fetch_sub(waiters, 1u, __ATOMIC_SEQ_CST);
}
static void llio_i_log_bump(uint32_t *gen, uint32_t *waiters) {
    __atomic_fetch_add(gen, 1u, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(waiters, __ATOMIC_SEQ_CST))
        syscall(SYS_futex, gen, LLIO_I_LOG_FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void llio_i_log_name(char *out, uint64_t id, const char *ext) {
    snprintf(out, 40, "%016llx.%s", (unsigned long long)id, ext);
}
/* 1 <id>.llog, 2 <id>.free, 3 <id>.tmp, 0 anything else */
static int llio_i_log_parse_name(const char *s, uint64_t *id) {
    uint64_t v = 0;
    int i;
    for (i = 0; i < 16; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') v = v << 4 | (uint64_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v = v << 4 | (uint64_t)(c - 'a' + 10);
        else return 0;
    }
    *id = v;
    if (strcmp(s + 16, ".llog") == 0) return 1;
    if (strcmp(s + 16, ".free") == 0) return 2;
    if (strcmp(s + 16, ".tmp") == 0) return 3;
    return 0;
}

static int llio_i_log_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* the ids of the directory's segments (kind 1) or free files (kind 2), ascending; tmp files removed
   when unlink_tmp. *ids is LLIO_MALLOC'ed (NULL when none). */
static int llio_i_log_list(int dirfd, void *actx, int kind, int unlink_tmp, uint64_t **ids, size_t *n) {
    int fd = dup(dirfd);
    DIR *d;
    struct dirent *e;
    size_t cap = 0;
    *ids = NULL;
    *n = 0;
    if (fd < 0) return llio_i_errno();
    d = fdopendir(fd);
    if (!d) {
        int err = llio_i_errno();
        close(fd);
        return err;
    }
    rewinddir(d);
    while ((e = readdir(d)) != NULL) {
        uint64_t id;
        int k = llio_i_log_parse_name(e->d_name, &id);
        if (k == 3 && unlink_tmp) unlinkat(dirfd, e->d_name, 0);
        if (k != kind) continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            uint64_t *nv = (uint64_t *)LLIO_MALLOC(actx, nc * sizeof(uint64_t));
            if (!nv) {
                closedir(d);
                if (*ids) LLIO_FREE(actx, *ids);
                *ids = NULL;
                return LLIO_ENOMEM;
            }
            if (*n) memcpy(nv, *ids, *n * sizeof(uint64_t));
            if (*ids) LLIO_FREE(actx, *ids);
            *ids = nv;
            cap = nc;
        }
        (*ids)[(*n)++] = id;
    }
    closedir(d);
    if (*n > 1) qsort(*ids, *n, sizeof(uint64_t), llio_i_log_cmp_u64);
    (void)actx;
    return 0;
}

/* ---------------- on-disk format ---------------- */
typedef struct llio_i_log_hdr {
    uint64_t journal_id, id, bytes;
    uint32_t hdr_bytes, balign;
} llio_i_log_hdr;

static void llio_i_log_seghdr(const llio_log *l, unsigned char *h, uint64_t id) {
    memset(h, 0, 64);
    memcpy(h, "LLIO-LOG", 8);
    llio_i_log_put32(h + 8, LLIO_I_LOG_VERSION);
    llio_i_log_put32(h + 12, LLIO_I_LOG_SEGHDR);
    llio_i_log_put64(h + 16, l->journal_id);
    llio_i_log_put64(h + 24, id);
    llio_i_log_put64(h + 32, l->seg_bytes);
    llio_i_log_put32(h + 40, l->balign);
    llio_i_log_put32(h + 44, (l->flags & LLIO_LOG_DIRECT) ? 1u : 0u);
    llio_i_log_put32(h + 60, l->crc(0, h, 60));
}

/* 0, LLIO_EBADMSG (not a segment, damaged, truncated), LLIO_EOPNOTSUPP (another version), -errno */
static int llio_i_log_read_seghdr(llio_log_crc_fn crc, int fd, llio_i_log_hdr *h) {
    unsigned char b[64];
    int64_t n = llio_pread_full(fd, b, sizeof b, 0);
    if (n < 0) return (int)n;
    if (n < (int64_t)sizeof b || memcmp(b, "LLIO-LOG", 8) != 0) return LLIO_EBADMSG;
    if (llio_i_log_get32(b + 8) != LLIO_I_LOG_VERSION) return LLIO_EOPNOTSUPP;
    if (crc(0, b, 60) != llio_i_log_get32(b + 60)) return LLIO_EBADMSG;
    h->journal_id = llio_i_log_get64(b + 16);
    h->id = llio_i_log_get64(b + 24);
    h->bytes = llio_i_log_get64(b + 32);
    h->hdr_bytes = llio_i_log_get32(b + 12);
    h->balign = llio_i_log_get32(b + 40);
    if (h->hdr_bytes < 64 || (h->hdr_bytes & 7u) || h->hdr_bytes > (1u << 20) || h->balign < 8 ||
        h->balign > 65536 || (h->balign & (h->balign - 1)))
        return LLIO_EBADMSG;
    return 0;
}

/* one batch read back from a segment file (recovery and readers) */
typedef struct llio_i_log_scan {
    llio_log_crc_fn crc;
    void *actx;
    int fd;
    uint64_t seg_id, fsize;
    uint32_t balign, hdr_bytes;
    unsigned char *buf;      /* the batch's records */
    size_t bufcap;
    uint64_t pos, first_seq; /* the batch loaded: its offset and first sequence number */
    uint32_t nrec, nbytes, nvalid; /* records, their bytes, records that check out (a prefix) */
    size_t valid_bytes;      /* bytes of those records */
    int complete;            /* every record checks out */
    int junk;                /* no batch here, and the bytes are neither zeros nor an old batch */
} llio_i_log_scan;

static int llio_i_log_zero(const unsigned char *p, size_t n) {
    while (n--)
        if (*p++) return 0;
    return 1;
}

/* The batch at pos: 1 when its header is intact, of this segment, and starts at sequence number
   `expect` (any when 0); 0 when there is none; -errno on an I/O error. The records that check out
   (length in bounds, the expected sequence number, CRC) form the prefix nvalid. */
static int llio_i_log_load(llio_i_log_scan *s, uint64_t pos, uint64_t expect) {
    unsigned char h[LLIO_I_LOG_BH];
    uint64_t avail, first;
    size_t at = 0;
    int64_t n;
    s->pos = pos;
    s->nvalid = 0;
    s->valid_bytes = 0;
    s->complete = 0;
    s->junk = 0;
    if (pos >= s->fsize) return 0;
    n = llio_pread_full(s->fd, h, pos + LLIO_I_LOG_BH > s->fsize ? (size_t)(s->fsize - pos) : LLIO_I_LOG_BH,
                        (int64_t)pos);
    if (n < 0) return (int)n;
    if (n < (int64_t)LLIO_I_LOG_BH) { /* the file ends inside a batch header */
        s->junk = !llio_i_log_zero(h, (size_t)n);
        return 0;
    }
    first = llio_i_log_get64(h);
    if (s->crc(0, h, 28) != llio_i_log_get32(h + 28)) {
        s->junk = !llio_i_log_zero(h, sizeof h);
        return 0;
    }
    if (llio_i_log_get64(h + 8) != s->seg_id) return 0; /* a batch of the file's earlier life */
    s->first_seq = first;
    s->nrec = llio_i_log_get32(h + 16);
    s->nbytes = llio_i_log_get32(h + 20);
    if (first == 0 || (expect && first != expect) || s->nrec == 0 || (s->nbytes & 7u) ||
        (uint64_t)s->nrec * LLIO_I_LOG_RH > s->nbytes) {
        s->junk = 1;
        return 0;
    }
    avail = s->fsize - pos - LLIO_I_LOG_BH;
    if (avail > s->nbytes) avail = s->nbytes;
    if (avail > s->bufcap) {
        unsigned char *nb = (unsigned char *)LLIO_MALLOC(s->actx, (size_t)avail);
        if (!nb) return LLIO_ENOMEM;
        if (s->buf) LLIO_FREE(s->actx, s->buf);
        s->buf = nb;
        s->bufcap = (size_t)avail;
    }
    n = llio_pread_full(s->fd, s->buf, (size_t)avail, (int64_t)(pos + LLIO_I_LOG_BH));
    if (n < 0) return (int)n;
    avail = (uint64_t)n;
    while (s->nvalid < s->nrec && at + LLIO_I_LOG_RH <= avail) {
        const unsigned char *r = s->buf + at;
        uint64_t len = llio_i_log_get32(r), seq = llio_i_log_get64(r + 8);
        unsigned char hb[12];
        uint32_t c;
        if (seq != first + s->nvalid || len > avail - at - LLIO_I_LOG_RH) break;
        memcpy(hb, r, 4);
        memcpy(hb + 4, r + 8, 8);
        c = s->crc(s->crc(0, hb, 12), r + LLIO_I_LOG_RH, (size_t)len);
        if (c != llio_i_log_get32(r + 4)) break;
        at += (size_t)llio_i_log_align(LLIO_I_LOG_RH + len, 8);
        s->nvalid++;
        s->valid_bytes = at;
    }
    s->complete = s->nvalid == s->nrec && s->valid_bytes == s->nbytes; /* padding may be cut off */
    return 1;
}
static uint64_t llio_i_log_next_pos(const llio_i_log_scan *s) {
    return llio_i_log_align(s->pos + LLIO_I_LOG_BH + s->nbytes, s->balign);
}

/* ---------------- segments ---------------- */
static uint64_t llio_i_log_random(void) {
    uint64_t v = 0;
#ifdef SYS_getrandom
    if (syscall(SYS_getrandom, &v, sizeof v, 0) == (long)sizeof v && v) return v;
#endif
    v = llio_i_now_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&v;
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdull;
    v ^= v >> 33;
    return v ? v : 1;
}

/* zeros written over every range the file system reports as a hole (fallocated, never written) */
static int llio_i_log_zero_holes(llio_log *l, int fd) {
    void *raw;
    size_t chunk = (size_t)1 << 20;
    unsigned char *z = (unsigned char *)llio_i_log_alloc(l->alloc_ctx, chunk, 4096, &raw);
    off_t pos = 0, end = (off_t)l->seg_bytes;
    int rc = 0;
    if (!z) return LLIO_ENOMEM;
    while (pos < end && !rc) {
        off_t h = lseek(fd, pos, SEEK_HOLE), d;
        if (h < 0) h = pos; /* no SEEK_HOLE here: zero everything */
        if (h >= end) break;
        d = lseek(fd, h, SEEK_DATA);
        if (d < 0 || d > end) d = end;
        if (d <= h) d = end;
        while (h < d && !rc) {
            size_t n = (size_t)(d - h) < chunk ? (size_t)(d - h) : chunk;
            int64_t w = llio_pwrite_full(fd, z, n, (int64_t)h);
            if (w < 0) rc = (int)w;
            h += (off_t)n;
        }
        pos = d;
    }
    LLIO_FREE(l->alloc_ctx, raw);
    return rc;
}

/* Make segment `id` ready for writing, from free file free_id (0: a new file <id>.tmp): preallocate,
   prefill if asked, write its header, fsync, rename it <id>.llog, fsync the directory. */
static int llio_i_log_make_seg(llio_log *l, uint64_t id, uint64_t free_id, int *out) {
    char from[40], to[40];
    void *raw = NULL;
    unsigned char *hdr;
    int fd, rc = 0, fill = (l->flags & LLIO_LOG_PREFILL) != 0;
    int oflags = O_RDWR | O_CLOEXEC | ((l->flags & LLIO_LOG_DIRECT) ? O_DIRECT : 0);
    *out = -1;
    if (free_id) {
        llio_i_log_name(from, free_id, "free");
        fd = openat(l->dirfd, from, oflags);
    } else {
        llio_i_log_name(from, id, "tmp");
        fd = openat(l->dirfd, from, oflags | O_CREAT | O_EXCL, 0644);
    }
    if (fd < 0) return llio_i_errno();
    llio_i_log_name(to, id, "llog");
    hdr = (unsigned char *)llio_i_log_alloc(l->alloc_ctx, LLIO_I_LOG_SEGHDR, 4096, &raw);
    if (!hdr) rc = LLIO_ENOMEM;
    if (!rc && fallocate(fd, 0, 0, (off_t)l->seg_bytes) != 0) {
        rc = llio_i_errno();
        if (rc == LLIO_EOPNOTSUPP) { /* no fallocate here: write the zeros */
            rc = ftruncate(fd, (off_t)l->seg_bytes) == 0 ? 0 : llio_i_errno();
            fill = 1;
        }
    }
    if (!rc && fill) rc = llio_i_log_zero_holes(l, fd);
    if (!rc) {
        int64_t w;
        llio_i_log_seghdr(l, hdr, id);
        w = llio_pwrite_full(fd, hdr, LLIO_I_LOG_SEGHDR, 0);
        if (w != (int64_t)LLIO_I_LOG_SEGHDR) rc = w < 0 ? (int)w : LLIO_EIO;
    }
    if (!rc && fsync(fd) != 0) rc = llio_i_errno();
    if (!rc && renameat(l->dirfd, from, l->dirfd, to) != 0) rc = llio_i_errno();
    if (!rc && fsync(l->dirfd) != 0) rc = llio_i_errno();
    if (raw) LLIO_FREE(l->alloc_ctx, raw);
    if (rc) {
        close(fd);
        if (!free_id) unlinkat(l->dirfd, from, 0);
        return rc;
    }
    *out = fd;
    return 0;
}

/* under mu: a free file id for a new segment (0: none) */
static uint64_t llio_i_log_pop_free(llio_log *l) { return l->nfree ? l->freeids[--l->nfree] : 0; }
static void llio_i_log_push_free(llio_log *l, uint64_t id) {
    if (l->nfree < l->freecap) l->freeids[l->nfree++] = id;
}

/* make segment id, preferring free file fid; the counters are the caller's (under mu) */
static int llio_i_log_make_any(llio_log *l, uint64_t id, uint64_t *fid, int *fd) {
    int rc = llio_i_log_make_seg(l, id, *fid, fd);
    if (rc == LLIO_ENOENT && *fid) { /* the free file went away: a new one */
        *fid = 0;
        rc = llio_i_log_make_seg(l, id, 0, fd);
    }
    return rc;
}

/* a segment file no longer needed: kept as <id>.free for reuse, or deleted. 1 when kept. */
static int llio_i_log_retire(llio_log *l, uint64_t id, int keep) {
    char from[40], to[40];
    llio_i_log_name(from, id, "llog");
    if (keep) {
        llio_i_log_name(to, id, "free");
        if (renameat(l->dirfd, from, l->dirfd, to) == 0) return 1;
    }
    unlinkat(l->dirfd, from, 0);
    return 0;
}

static int llio_i_log_grow_segs(llio_log *l) {
    llio_i_log_seg *ns;
    size_t nc;
    if (l->nsegs < l->segcap) return 0;
    nc = l->segcap ? l->segcap * 2 : 16;
    ns = (llio_i_log_seg *)LLIO_MALLOC(l->alloc_ctx, nc * sizeof(llio_i_log_seg));
    if (!ns) return LLIO_ENOMEM;
    if (l->nsegs) memcpy(ns, l->segs, l->nsegs * sizeof(llio_i_log_seg));
    if (l->segs) LLIO_FREE(l->alloc_ctx, l->segs);
    l->segs = ns;
    l->segcap = nc;
    return 0;
}

/* under mu: switch to the next segment (a spare, or one prepared now) */
static int llio_i_log_rotate(llio_log *l) {
    llio_i_log_seg s;
    int rc = llio_i_log_grow_segs(l);
    if (rc) return rc;
    if (l->nspares) {
        s = l->spares[0];
        memmove(l->spares, l->spares + 1, (l->nspares - 1) * sizeof(llio_i_log_seg));
        __atomic_store_n(&l->nspares, l->nspares - 1, __ATOMIC_RELAXED);
    } else {
        uint64_t fid = llio_i_log_pop_free(l), id = l->next_id++;
        int fd;
        rc = llio_i_log_make_any(l, id, &fid, &fd);
        if (rc) {
            if (fid) llio_i_log_push_free(l, fid);
            return rc;
        }
        if (fid) l->n_recycled++;
        else l->n_created++;
        s.id = id;
        s.fd = fd;
    }
    s.first_seq = 0;
    s.end_batch = 0;
    l->segs[l->nsegs++] = s;
    l->wpos = LLIO_I_LOG_SEGHDR;
    l->n_rotations++;
    return 0;
}

/* After a commit: top the spares up if they are short (one at a time, by whoever gets here). */
static void llio_i_log_prepare_spare(llio_log *l) {
    uint64_t id, fid;
    int fd = -1, rc, stale = 0;
    if (__atomic_load_n(&l->nspares, __ATOMIC_RELAXED) >= l->spare_target) return;
    if (pthread_mutex_trylock(&l->prep_mu) != 0) return;
    pthread_mutex_lock(&l->mu);
    if (l->nspares >= l->spare_target || l->prep_err) {
        pthread_mutex_unlock(&l->mu);
        pthread_mutex_unlock(&l->prep_mu);
        return;
    }
    id = l->next_id++;
    fid = llio_i_log_pop_free(l);
    pthread_mutex_unlock(&l->mu);
    rc = llio_i_log_make_any(l, id, &fid, &fd);
    pthread_mutex_lock(&l->mu);
    if (rc) {
        l->prep_err = rc;
        if (fid) llio_i_log_push_free(l, fid);
    } else {
        if (fid) l->n_recycled++;
        else l->n_created++;
        if (id < l->segs[l->nsegs - 1].id) { /* a rotation made a segment meanwhile: out of order */
            stale = 1;
        } else {
            l->spares[l->nspares].id = id;
            l->spares[l->nspares].fd = fd;
            l->spares[l->nspares].first_seq = 0;
            l->spares[l->nspares].end_batch = 0;
            __atomic_store_n(&l->nspares, l->nspares + 1, __ATOMIC_RELAXED);
        }
    }
    pthread_mutex_unlock(&l->mu);
    if (stale) {
        int kept;
        close(fd);
        pthread_mutex_lock(&l->mu);
        kept = l->nfree < l->keep_free && l->nfree < l->freecap;
        pthread_mutex_unlock(&l->mu);
        kept = llio_i_log_retire(l, id, kept);
        fsync(l->dirfd);
        if (kept) {
            pthread_mutex_lock(&l->mu);
            llio_i_log_push_free(l, id);
            pthread_mutex_unlock(&l->mu);
        }
    }
    pthread_mutex_unlock(&l->prep_mu);
}

/* ---------------- recovery ---------------- */
/* Scan the segments in id order. The chain of records stops at the first batch that is missing,
   torn, corrupt, out of sequence or of an earlier life of its file, and at the first record inside a
   batch that does not check out. The segment holding the last intact record is truncated just after
   it; the segments after it become free files. Returns 0 or an error (nothing changed then). */
static int llio_i_log_recover(llio_log *l) {
    uint64_t *ids = NULL, *fids = NULL, E = 0, last_end = 0, jid = 0, maxid = 0, records = 0;
    size_t n = 0, nf = 0, i, keep = 0;
    int *fds = NULL, rc, renamed = 0, torn = 0;
    llio_i_log_hdr *hs = NULL;
    unsigned char *kept = NULL; /* segments in the chain of records */
    llio_i_log_scan sc;
    memset(&sc, 0, sizeof sc);
    rc = llio_i_log_list(l->dirfd, l->alloc_ctx, 1, 1, &ids, &n);
    if (!rc) rc = llio_i_log_list(l->dirfd, l->alloc_ctx, 2, 0, &fids, &nf);
    if (!rc && n == 0 && (l->flags & LLIO_LOG_NO_CREATE)) rc = LLIO_ENOENT;
    if (!rc) {
        l->freecap = nf + l->keep_free + n + 4;
        l->freeids = (uint64_t *)LLIO_MALLOC(l->alloc_ctx, l->freecap * sizeof(uint64_t));
        l->segcap = n + 16;
        l->segs = (llio_i_log_seg *)LLIO_MALLOC(l->alloc_ctx, l->segcap * sizeof(llio_i_log_seg));
        fds = (int *)LLIO_MALLOC(l->alloc_ctx, (n + 1) * sizeof(int));
        hs = (llio_i_log_hdr *)LLIO_MALLOC(l->alloc_ctx, (n + 1) * sizeof(llio_i_log_hdr));
        kept = (unsigned char *)LLIO_MALLOC(l->alloc_ctx, n + 1);
        if (!l->freeids || !l->segs || !fds || !hs || !kept) rc = LLIO_ENOMEM;
        else memset(kept, 0, n + 1);
    }
    for (i = 0; i < nf && !rc; i++) {
        if (fids[i] > maxid) maxid = fids[i];
        llio_i_log_push_free(l, fids[i]);
    }
    for (i = 0; !rc && fds && i < n; i++) fds[i] = -1;
    for (i = 0; i < n && !rc; i++) {
        char name[40];
        if (ids[i] > maxid) maxid = ids[i];
        llio_i_log_name(name, ids[i], "llog");
        fds[i] = openat(l->dirfd, name, O_RDWR | O_CLOEXEC);
        if (fds[i] < 0) {
            rc = llio_i_errno();
            break;
        }
        rc = llio_i_log_read_seghdr(l->crc, fds[i], &hs[i]);
        if (!rc && hs[i].id != ids[i]) rc = LLIO_EBADMSG; /* renamed by hand, or another journal's */
        if (!rc && i == 0) jid = hs[0].journal_id;
        if (!rc && hs[i].journal_id != jid) rc = LLIO_EBADMSG;
    }
    sc.crc = l->crc;
    sc.actx = l->alloc_ctx;
    for (i = 0; i < n && !rc; i++) {
        struct stat st;
        uint64_t pos = hs[i].hdr_bytes, first = 0, recs = 0, cut = 0;
        int stopped = 0;
        if (fstat(fds[i], &st) != 0) {
            rc = llio_i_errno();
            break;
        }
        sc.fd = fds[i];
        sc.seg_id = ids[i];
        sc.fsize = (uint64_t)st.st_size;
        sc.balign = hs[i].balign;
        for (;;) { /* (a segment after one without records may only start a new journal: at 1) */
            int r = llio_i_log_load(&sc, pos, E ? E : i ? 1 : 0);
            if (r < 0) rc = r;
            if (r <= 0) break;
            if (!first) first = sc.first_seq;
            recs += sc.nvalid;
            E = sc.first_seq + sc.nvalid;
            if (!sc.complete) {
                cut = pos + (sc.nvalid ? LLIO_I_LOG_BH + sc.valid_bytes : 0);
                stopped = 1;
                break;
            }
            pos = llio_i_log_next_pos(&sc);
        }
        if (rc) break;
        if (!recs) { /* No record where this segment should start: a segment prepared but never
                        written (a crash left it), or the chain ended before it. Later segments
                        continue the chain only if they start with the very next record. */
            torn |= stopped || sc.junk;
            continue;
        }
        /* A segment may end inside a batch (a recovery cut it there and went on in a fresh segment):
           the next segment continues the chain only if it starts with the very next record. */
        records += recs;
        kept[i] = 1;
        l->segs[keep].id = ids[i];
        l->segs[keep].first_seq = first;
        l->segs[keep].end_batch = 0;
        l->segs[keep].fd = -1;
        keep++;
        last_end = stopped ? cut : pos;
        torn = stopped ? sc.fsize > cut : sc.junk; /* bytes after the last intact record are cut */
    }
    if (!rc && keep) { /* cut the last segment with records right after them */
        struct stat st;
        int fd = -1;
        for (i = 0; i < n; i++)
            if (kept[i]) fd = fds[i];
        if (fstat(fd, &st) != 0) rc = llio_i_errno();
        else if ((uint64_t)st.st_size > last_end && (ftruncate(fd, (off_t)last_end) != 0 || fsync(fd) != 0))
            rc = llio_i_errno();
    }
    for (i = 0; fds && i < n; i++)
        if (fds[i] >= 0) close(fds[i]);
    if (!rc) {
        for (i = 0; i < n; i++) {
            if (kept[i]) continue;
            if (llio_i_log_retire(l, ids[i], l->nfree < l->keep_free)) llio_i_log_push_free(l, ids[i]);
            renamed = 1;
        }
        if (renamed && fsync(l->dirfd) != 0) rc = llio_i_errno();
        l->nsegs = keep;
        l->seg_open_lo = keep;
        l->journal_id = n ? jid : llio_i_log_random();
        l->next_id = maxid + 1;
        l->n_recovered = records;
        l->recovery_torn = torn;
        l->open_first = E ? E : 1;
    }
    if (sc.buf) LLIO_FREE(l->alloc_ctx, sc.buf);
    if (ids) LLIO_FREE(l->alloc_ctx, ids);
    if (fids) LLIO_FREE(l->alloc_ctx, fids);
    if (fds) LLIO_FREE(l->alloc_ctx, fds);
    if (hs) LLIO_FREE(l->alloc_ctx, hs);
    if (kept) LLIO_FREE(l->alloc_ctx, kept);
    return rc;
}

/* ---------------- commits ---------------- */
static llio_i_log_batch *llio_i_log_slot(const llio_log *l, uint64_t no) { return &l->slots[no & l->mask]; }

static int llio_i_log_drive(llio_log *l, int until, uint64_t x, uint64_t deadline);

/* under mu: batch b holds nrec records in nbytes; it can be taken by a commit from now on */
static void llio_i_log_mark_closed(llio_log *l, llio_i_log_batch *b, uint32_t nrec, uint32_t nbytes) {
    b->nrec = nrec;
    b->nbytes = nbytes;
    __atomic_store_n(&b->phase, LLIO_I_LOG_CLOSED, __ATOMIC_RELEASE);
    __atomic_store_n(&l->closed, b->no + 1, __ATOMIC_RELEASE);
}
/* under mu, the next slot free: the batch after b becomes the open one */
static void llio_i_log_open_next(llio_log *l, llio_i_log_batch *b) {
    uint64_t next = b->no + 1;
    llio_i_log_batch *nb = llio_i_log_slot(l, next);
    nb->no = next;
    nb->first_seq = b->first_seq + b->nrec;
    nb->nrec = nb->nbytes = nb->len = 0;
    nb->res = 0;
    nb->fd = -1;
    __atomic_store_n(&nb->phase, LLIO_I_LOG_OPEN, __ATOMIC_RELAXED);
    __atomic_store_n(&l->open_first, nb->first_seq, __ATOMIC_RELAXED);
    __atomic_store_n(&nb->state, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&l->cur, next, __ATOMIC_RELEASE);
}
/* batch b is closed: open the next one once its slot's previous batch is durable (committing
   meanwhile), then wake the appenders waiting for it */
static void llio_i_log_finish_close(llio_log *l, llio_i_log_batch *b) {
    uint64_t next;
    pthread_mutex_lock(&l->mu);
    next = b->no + 1;
    while (__atomic_load_n(&llio_i_log_slot(l, next)->phase, __ATOMIC_ACQUIRE) != LLIO_I_LOG_FREE) {
        pthread_mutex_unlock(&l->mu);
        llio_i_log_drive(l, LLIO_I_LOG_UNTIL_BATCH, next - l->nslots, LLIO_I_LOG_NEVER);
        pthread_mutex_lock(&l->mu);
    }
    llio_i_log_open_next(l, b);
    pthread_mutex_unlock(&l->mu);
    llio_i_log_bump(&l->open_gen, &l->open_waiters);
}
/* Batch b is sealed with nrec records in nbytes: close it and open the next one. Called by the one
   thread that sealed it (the first appender whose record did not fit). */
static void llio_i_log_close_batch(llio_log *l, llio_i_log_batch *b, uint32_t nrec, uint32_t nbytes) {
    pthread_mutex_lock(&l->mu);
    llio_i_log_mark_closed(l, b, nrec, nbytes);
    pthread_mutex_unlock(&l->mu);
    llio_i_log_finish_close(l, b);
}

static llio_i_log_group *llio_i_log_claim_locked(llio_log *l);

/* Seal the open batch if it holds sequence number x (x = 0: if it holds anything) and a commit can
   start now (nowait: and closing it needs no waiting), then take a commit (*g) if one can start: one
   critical section in the common case. Returns 1 when another thread is closing the batch (wait for
   the next one to open), LLIO_EINVAL when x was not appended yet, else 0. */
static int llio_i_log_seal(llio_log *l, uint64_t x, int nowait, llio_i_log_group **g) {
    llio_i_log_batch *b;
    uint64_t st, old = 0;
    uint32_t cnt;
    int pending = 0, slow = 0, opened = 0;
    *g = NULL;
    if (x && x < __atomic_load_n(&l->open_first, __ATOMIC_ACQUIRE)) { /* x is in a closed batch */
        pthread_mutex_lock(&l->mu);
        *g = llio_i_log_claim_locked(l);
        pthread_mutex_unlock(&l->mu);
        return 0;
    }
    pthread_mutex_lock(&l->mu);
    b = llio_i_log_slot(l, l->cur);
    st = __atomic_load_n(&b->state, __ATOMIC_ACQUIRE);
    cnt = (uint32_t)((st >> LLIO_I_LOG_CSHIFT) & LLIO_I_LOG_CMASK);
    if (x >= b->first_seq && ((b->phase == LLIO_I_LOG_OPEN && !(st & LLIO_I_LOG_SEALED) &&
                               (st & LLIO_I_LOG_BMASK) <= l->cap && x >= b->first_seq + cnt) ||
                              (b->phase != LLIO_I_LOG_OPEN && x >= b->first_seq + b->nrec))) {
        pthread_mutex_unlock(&l->mu);
        return LLIO_EINVAL;
    }
    if ((!x || x >= b->first_seq) && l->inflight < l->max_inflight && b->phase == LLIO_I_LOG_OPEN &&
        (!nowait || (cnt && llio_i_log_slot(l, l->cur + 1)->phase == LLIO_I_LOG_FREE))) {
        old = __atomic_fetch_or(&b->state, LLIO_I_LOG_SEALED, __ATOMIC_ACQ_REL);
        if (!(old & LLIO_I_LOG_SEALED) && (old & LLIO_I_LOG_BMASK) <= l->cap) {
            llio_i_log_mark_closed(l, b, (uint32_t)((old >> LLIO_I_LOG_CSHIFT) & LLIO_I_LOG_CMASK),
                                   (uint32_t)(old & LLIO_I_LOG_BMASK));
            if (llio_i_log_slot(l, l->cur + 1)->phase == LLIO_I_LOG_FREE) {
                llio_i_log_open_next(l, b);
                opened = 1;
            } else {
                slow = 1;
            }
        } else {
            pending = 1; /* an appender whose record did not fit closes it */
        }
    }
    if (!pending && !slow) *g = llio_i_log_claim_locked(l);
    pthread_mutex_unlock(&l->mu);
    if (opened) llio_i_log_bump(&l->open_gen, &l->open_waiters);
    if (slow) llio_i_log_finish_close(l, b); /* commits (holding none of its own) until a slot frees */
    return pending;
}

static void llio_i_log_batch_header(const llio_log *l, llio_i_log_batch *b, uint64_t seg_id) {
    unsigned char *h = b->buf;
    llio_i_log_put64(h, b->first_seq);
    llio_i_log_put64(h + 8, seg_id);
    llio_i_log_put32(h + 16, b->nrec);
    llio_i_log_put32(h + 20, b->nbytes);
    llio_i_log_put32(h + 24, 0);
    llio_i_log_put32(h + 28, l->crc(0, h, 28));
}

/* Take every closed batch not yet taken (up to a segment boundary) as one commit, placing them in
   the file. NULL when max_inflight commits run already or nothing is closed. */
static llio_i_log_group *llio_i_log_claim_locked(llio_log *l) {
    llio_i_log_group *g = NULL;
    uint64_t n, lo, closed = l->closed;
    int32_t e;
    unsigned i;
    if (l->inflight >= l->max_inflight || l->placed >= closed) return NULL;
    for (i = 0; i < l->max_inflight; i++)
        if (!l->groups[i].in_use) {
            g = &l->groups[i];
            break;
        }
    LLIO_ASSERT(g != NULL);
    e = l->err;
    lo = n = l->placed;
    while (n < closed) {
        llio_i_log_batch *b = llio_i_log_slot(l, n);
        llio_i_log_seg *s = &l->segs[l->nsegs - 1];
        uint32_t len = b->nrec ? (uint32_t)llio_i_log_align(LLIO_I_LOG_BH + b->nbytes, l->balign) : 0;
        if (!e && len && l->wpos + len > l->seg_bytes) {
            if (n > lo) break; /* one commit writes into one segment */
            e = llio_i_log_rotate(l);
            if (e) __atomic_store_n(&l->err, e, __ATOMIC_RELEASE);
            s = &l->segs[l->nsegs - 1];
        }
        b->len = 0;
        if (!e && len) {
            b->off = l->wpos;
            b->fd = s->fd;
            b->len = len;
            l->wpos += len;
            if (!s->first_seq) s->first_seq = b->first_seq;
            s->end_batch = n + 1;
            llio_i_log_batch_header(l, b, s->id);
            if (len > LLIO_I_LOG_BH + b->nbytes) /* O_DIRECT padding: zeros, not old bytes */
                memset(b->buf + LLIO_I_LOG_BH + b->nbytes, 0, len - LLIO_I_LOG_BH - b->nbytes);
        }
        __atomic_store_n(&b->phase, LLIO_I_LOG_PLACED, __ATOMIC_RELAXED);
        n++;
    }
    g->lo = lo;
    g->hi = n;
    g->err = e;
    g->in_use = 1;
    __atomic_store_n(&l->placed, n, __ATOMIC_RELEASE);
    __atomic_store_n(&l->inflight, l->inflight + 1, __ATOMIC_RELEASE);
    return g;
}
static llio_i_log_group *llio_i_log_claim(llio_log *l) {
    llio_i_log_group *g;
    if (__atomic_load_n(&l->inflight, __ATOMIC_ACQUIRE) >= l->max_inflight ||
        __atomic_load_n(&l->placed, __ATOMIC_ACQUIRE) >= __atomic_load_n(&l->closed, __ATOMIC_ACQUIRE))
        return NULL;
    pthread_mutex_lock(&l->mu);
    g = llio_i_log_claim_locked(l);
    pthread_mutex_unlock(&l->mu);
    return g;
}

/* wait until every record of b is framed (each publishes its sequence number last) */
static void llio_i_log_filled(llio_i_log_batch *b) {
    size_t pos = LLIO_I_LOG_BH;
    uint32_t i;
    for (i = 0; i < b->nrec; i++) {
        unsigned char *r = b->buf + pos;
        uint64_t want = llio_i_log_le64(b->first_seq + i);
        unsigned spins = 0;
        while (__atomic_load_n((uint64_t *)(void *)(r + 8), __ATOMIC_ACQUIRE) != want) {
            if (++spins < LLIO_I_LOG_SPIN) llio_cpu_relax();
            else sched_yield(); /* its appender was preempted between reserving and framing */
        }
        pos += (size_t)llio_i_log_align(LLIO_I_LOG_RH + (uint64_t)llio_i_log_get32(r), 8);
    }
}

/* the commit's batches as one vectored write */
static void llio_i_log_gather(llio_log *l, llio_i_log_group *g) {
    uint64_t n;
    g->niov = 0;
    g->len = 0;
    g->fd = -1;
    g->off = 0;
    for (n = g->lo; n < g->hi; n++) {
        llio_i_log_batch *b = llio_i_log_slot(l, n);
        if (!b->len) continue;
        llio_i_log_filled(b);
        if (g->fd < 0) {
            g->fd = b->fd;
            g->off = b->off;
        }
        g->iov[g->niov].iov_base = b->buf;
        g->iov[g->niov].iov_len = b->len;
        g->niov++;
        g->len += b->len;
    }
}

/* pwritev until done (EINTR, short writes), RWF flags on every call; 0 or -errno */
static int llio_i_log_pwrite(int fd, struct iovec *iov, int n, uint64_t off, int rwf) {
    while (n > 0) {
        ssize_t w = rwf ? pwritev2(fd, iov, n, (off_t)off, rwf)
                        : n == 1 ? pwrite(fd, iov->iov_base, iov->iov_len, (off_t)off) /* ~3 % cheaper */
                                 : pwritev(fd, iov, n, (off_t)off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return llio_i_errno();
        }
        if (w == 0) return LLIO_EIO;
        off += (uint64_t)w;
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return 0;
}

static int llio_i_log_rwf(const llio_log *l) {
    return (l->flags & LLIO_LOG_DIRECT) && !(l->flags & LLIO_LOG_NOSYNC) ? LLIO_I_LOG_RWF_DSYNC : 0;
}
static int llio_i_log_needs_fsync(const llio_log *l) {
    return !(l->flags & (LLIO_LOG_NOSYNC | LLIO_LOG_DIRECT)) && !l->sync_noop;
}

/* A commit finished with res: its batches are done; the durable point moves over every batch done
   in order; slots are freed; fds of finished segments closed. */
static void llio_i_log_complete(llio_log *l, llio_i_log_group *g, int32_t res, int synced) {
    uint64_t n, d, d0;
    pthread_mutex_lock(&l->mu);
    for (n = g->lo; n < g->hi; n++) {
        llio_i_log_batch *b = llio_i_log_slot(l, n);
        b->res = res;
        __atomic_store_n(&b->phase, LLIO_I_LOG_DONE, __ATOMIC_RELAXED);
    }
    if (g->len) {
        l->n_commits++;
        l->n_bytes += g->len;
        if (synced) l->n_syncs++;
    }
    g->in_use = 0;
    __atomic_store_n(&l->inflight, l->inflight - 1, __ATOMIC_RELEASE);
    d0 = d = l->durable;
    while (l->done_upto < l->placed) {
        llio_i_log_batch *b = llio_i_log_slot(l, l->done_upto);
        if (b->phase != LLIO_I_LOG_DONE) break;
        if (b->res < 0 && !l->err) __atomic_store_n(&l->err, b->res, __ATOMIC_RELEASE);
        if (!l->err && b->nrec) d = b->first_seq + b->nrec - 1;
        b->fd = -1;
        __atomic_store_n(&b->phase, LLIO_I_LOG_FREE, __ATOMIC_RELEASE);
        __atomic_store_n(&l->done_upto, l->done_upto + 1, __ATOMIC_RELEASE);
    }
    while (l->seg_open_lo + 1 < l->nsegs && l->segs[l->seg_open_lo].end_batch <= l->done_upto) {
        llio_i_log_seg *s = &l->segs[l->seg_open_lo++];
        if (s->fd >= 0) close(s->fd);
        s->fd = -1;
    }
    if (d != d0) {
        __atomic_store_n(&l->durable, d, __ATOMIC_RELEASE);
        if (l->on_durable) l->on_durable(l->ctx, d);
    }
    pthread_mutex_unlock(&l->mu);
    llio_i_log_bump(&l->durable_gen, &l->durable_waiters);
}

/* run a commit in this thread: pwritev, then fdatasync */
static void llio_i_log_run(llio_log *l, llio_i_log_group *g) {
    int32_t res = g->err;
    int synced = 0;
    if (!res) {
        llio_i_log_gather(l, g);
        if (g->len) {
            res = llio_i_log_pwrite(g->fd, g->iov, g->niov, g->off, llio_i_log_rwf(l));
            if (!res && llio_i_log_needs_fsync(l)) res = fdatasync(g->fd) == 0 ? 0 : llio_i_errno();
            synced = !(l->flags & LLIO_LOG_NOSYNC);
        }
    }
    llio_i_log_complete(l, g, res, synced);
    llio_i_log_prepare_spare(l);
}

/* ---- background commits through the ring (under ring_mu) ---- */
static void llio_i_log_finish(llio_log *l, llio_i_log_group *g) {
    int32_t res = 0;
    __atomic_store_n(&l->ring_inflight, l->ring_inflight - 1, __ATOMIC_RELEASE);
    if (g->wres < 0) {
        res = g->wres;
    } else if ((size_t)g->wres != g->len) { /* short write: write the rest, then fdatasync again */
        size_t done = (size_t)g->wres;
        int k = 0;
        while (k < g->niov && done >= g->iov[k].iov_len) done -= g->iov[k++].iov_len;
        if (k < g->niov) {
            g->iov[k].iov_base = (char *)g->iov[k].iov_base + done;
            g->iov[k].iov_len -= done;
        }
        res = llio_i_log_pwrite(g->fd, g->iov + k, g->niov - k, g->off + (uint64_t)g->wres, llio_i_log_rwf(l));
        if (!res && llio_i_log_needs_fsync(l)) res = fdatasync(g->fd) == 0 ? 0 : llio_i_errno();
    } else if (g->fres == LLIO_ECANCELED) { /* the kernel saw a partial write before its retry */
        res = fdatasync(g->fd) == 0 ? 0 : llio_i_errno();
    } else if (g->fres < 0) {
        res = g->fres;
    }
    llio_i_log_complete(l, g, res, !(l->flags & LLIO_LOG_NOSYNC));
}

static unsigned llio_i_log_reap(llio_log *l) {
    llio_cqe c[16];
    unsigned n, i, done = 0;
    do {
        n = llio_reap(&l->ring, c, 16);
        for (i = 0; i < n; i++) {
            llio_i_log_group *g = &l->groups[c[i].user_data >> 1];
            if (c[i].user_data & 1u) g->fres = c[i].res;
            else g->wres = c[i].res;
            if (--g->pending == 0) {
                llio_i_log_finish(l, g);
                done++;
            }
        }
    } while (n == 16);
    return done;
}

/* start a commit through the ring if one can start without waiting */
static void llio_i_log_start_async(llio_log *l) {
    llio_i_log_group *g;
    llio_sqe *s;
    int rc;
    if (l->ring_broken || __atomic_load_n(&l->inflight, __ATOMIC_ACQUIRE) >= l->max_inflight) return;
    llio_i_log_seal(l, 0, 1, &g);
    if (!g) return;
    if (g->err) {
        llio_i_log_complete(l, g, g->err, 0);
        return;
    }
    llio_i_log_gather(l, g);
    if (!g->len) {
        llio_i_log_complete(l, g, 0, 0);
        return;
    }
    g->wres = g->fres = 0;
    g->pending = 1;
    g->fsync_sqe = llio_i_log_needs_fsync(l);
    s = llio_get_sqe(&l->ring);
    LLIO_ASSERT(s != NULL); /* the SQ has two entries for every commit that can run */
    llio_prep_writev(s, g->fd, g->iov, (unsigned)g->niov, g->off);
    s->op_flags = (uint32_t)llio_i_log_rwf(l);
    llio_sqe_set_data(s, (uint64_t)(g - l->groups) << 1);
    if (g->fsync_sqe) {
        /* a hard link: a buffered write that the kernel finished in two steps (part inline, the
           rest in a worker) completes in full but counts as short for a plain link */
        llio_sqe_set_flags(s, LLIO_SQE_IO_HARDLINK);
        s = llio_get_sqe(&l->ring);
        LLIO_ASSERT(s != NULL);
        llio_prep_fsync(s, g->fd, LLIO_FSYNC_DATASYNC);
        llio_sqe_set_data(s, ((uint64_t)(g - l->groups) << 1) | 1u);
        g->pending = 2;
    }
    for (;;) {
        rc = llio_submit(&l->ring);
        if (rc >= 0) break;
        if (rc == LLIO_EBUSY) llio_i_log_reap(l); /* completions must be taken first */
        else if (rc != LLIO_EINTR && rc != LLIO_EAGAIN) break;
    }
    if (rc < 0) { /* the ring is unusable: this commit runs here, later ones never use the ring */
        l->ring_broken = 1;
        llio_i_log_run(l, g);
        return;
    }
    __atomic_store_n(&l->ring_inflight, l->ring_inflight + 1, __ATOMIC_RELEASE);
    /* threads asleep for a commit must now collect this one's completions: wake them to look */
    llio_i_log_bump(&l->durable_gen, &l->durable_waiters);
}

/* completions are waiting in the ring (a cheap look, no lock) */
static int llio_i_log_ring_ready(llio_log *l) {
    if (!l->have_ring) return 0;
    if (l->ring.backend == LLIO_BACKEND_FALLBACK) return __atomic_load_n(&l->ring_inflight, __ATOMIC_ACQUIRE) != 0;
    return __atomic_load_n(l->ring.cq_ktail, __ATOMIC_ACQUIRE) != __atomic_load_n(l->ring.cq_khead, __ATOMIC_ACQUIRE);
}

/* wait in the ring for a background commit (someone has to collect its completions) */
static void llio_i_log_reap_wait(llio_log *l, uint64_t deadline) {
    pthread_mutex_lock(&l->ring_mu);
    if (llio_i_log_reap(l) == 0 && __atomic_load_n(&l->ring_inflight, __ATOMIC_ACQUIRE)) {
        int64_t t = -1;
        if (deadline != LLIO_I_LOG_NEVER) {
            uint64_t now = llio_i_now_ns();
            t = now < deadline ? (int64_t)(deadline - now) : 0;
        }
        if (llio_wait(&l->ring, 1, t) == LLIO_EOPNOTSUPP) llio_wait(&l->ring, 1, -1); /* no EXT_ARG */
        llio_i_log_reap(l);
    }
    pthread_mutex_unlock(&l->ring_mu);
}

/* Until sequence number x is durable (until == SEQ) or batch x is done and its slot free (BATCH):
   seal, claim and run commits in this thread, collect background ones, or sleep on the futex. */
static int llio_i_log_drive(llio_log *l, int until, uint64_t x, uint64_t deadline) {
    for (;;) {
        uint32_t gen = __atomic_load_n(&l->durable_gen, __ATOMIC_ACQUIRE);
        llio_i_log_group *g;
        if (until == LLIO_I_LOG_UNTIL_SEQ) {
            uint32_t ogen = __atomic_load_n(&l->open_gen, __ATOMIC_ACQUIRE);
            int32_t e;
            if (__atomic_load_n(&l->durable, __ATOMIC_ACQUIRE) >= x) return 0;
            e = __atomic_load_n(&l->err, __ATOMIC_ACQUIRE);
            if (e) return e;
            e = llio_i_log_seal(l, x, 0, &g);
            if (e < 0) return e;
            if (!e && !g) g = llio_i_log_claim(l);
            if (e) {
                if (deadline != LLIO_I_LOG_NEVER && llio_i_now_ns() >= deadline) return LLIO_ETIME;
                llio_i_log_await(&l->open_gen, &l->open_waiters, ogen, deadline);
                continue;
            }
        } else if (__atomic_load_n(&l->done_upto, __ATOMIC_ACQUIRE) > x) {
            return 0;
        } else {
            g = llio_i_log_claim(l);
        }
        if (g) {
            llio_i_log_run(l, g);
            continue;
        }
        if (__atomic_load_n(&l->ring_inflight, __ATOMIC_ACQUIRE)) {
            llio_i_log_reap_wait(l, deadline);
            continue;
        }
        if (deadline != LLIO_I_LOG_NEVER && llio_i_now_ns() >= deadline) return LLIO_ETIME;
        llio_i_log_await(&l->durable_gen, &l->durable_waiters, gen, deadline);
    }
}

/* ---------------- the API ---------------- */
LLIODEF void llio_log_options_init(llio_log_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->segment_bytes = (uint64_t)64 << 20;
    o->batch_bytes = 0;
    o->batches = 8;
    o->max_inflight = 0;
    o->spare_segments = 1;
    o->keep_free = 4;
}

static void llio_i_log_release(llio_log *l) {
    size_t i;
    if (l->have_ring) llio_destroy(&l->ring);
    for (i = 0; i < l->nsegs; i++)
        if (l->segs[i].fd >= 0) close(l->segs[i].fd);
    for (i = 0; i < l->nspares; i++)
        if (l->spares[i].fd >= 0) close(l->spares[i].fd);
    if (l->dirfd >= 0) close(l->dirfd);
    if (l->groups) {
        for (i = 0; i < l->max_inflight; i++)
            if (l->groups[i].iov) LLIO_FREE(l->alloc_ctx, l->groups[i].iov);
        LLIO_FREE(l->alloc_ctx, l->groups);
    }
    if (l->segs) LLIO_FREE(l->alloc_ctx, l->segs);
    if (l->spares) LLIO_FREE(l->alloc_ctx, l->spares);
    if (l->freeids) LLIO_FREE(l->alloc_ctx, l->freeids);
    if (l->raw_bufs) LLIO_FREE(l->alloc_ctx, l->raw_bufs);
    if (l->raw_slots) LLIO_FREE(l->alloc_ctx, l->raw_slots);
    pthread_mutex_destroy(&l->mu);
    pthread_mutex_destroy(&l->ring_mu);
    pthread_mutex_destroy(&l->prep_mu);
    LLIO_FREE(l->alloc_ctx, l->raw_self);
}

static int llio_i_log_setup(llio_log *l, const char *dir, const llio_log_options *o) {
    size_t bufsz, i;
    unsigned char *bufs;
    unsigned ring_flags = LLIO_INIT_PLAIN | LLIO_INIT_NO_REGRING | LLIO_INIT_NO_DIRECT;
    int rc;
    if (!(o->flags & LLIO_LOG_NO_CREATE) && mkdir(dir, 0755) != 0 && errno != EEXIST) return llio_i_errno();
    l->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (l->dirfd < 0) return llio_i_errno();
    {
        struct statfs sf;
        if (fstatfs(l->dirfd, &sf) == 0)
            l->sync_noop = (unsigned long)sf.f_type == (unsigned long)LLIO_I_LOG_TMPFS_MAGIC ||
                           (unsigned long)sf.f_type == (unsigned long)LLIO_I_LOG_RAMFS_MAGIC;
    }
    if (l->auto_inflight && l->sync_noop) l->max_inflight = l->nslots < 4 ? (uint32_t)l->nslots : 4u;
    rc = llio_i_log_recover(l);
    if (rc) return rc;
    /* the batch buffers: header + records + padding to the alignment, 4096-aligned for O_DIRECT */
    l->slots = (llio_i_log_batch *)llio_i_log_alloc(l->alloc_ctx, l->nslots * sizeof(llio_i_log_batch), 64,
                                                    &l->raw_slots);
    bufsz = (size_t)llio_i_log_align((uint64_t)l->cap + LLIO_I_LOG_BH + l->balign, 4096);
    bufs = (unsigned char *)llio_i_log_alloc(l->alloc_ctx, l->nslots * bufsz, 4096, &l->raw_bufs);
    l->groups = (llio_i_log_group *)LLIO_MALLOC(l->alloc_ctx, l->max_inflight * sizeof(llio_i_log_group));
    l->spares = (llio_i_log_seg *)LLIO_MALLOC(l->alloc_ctx, (l->spare_target + 1) * sizeof(llio_i_log_seg));
    if (!l->slots || !bufs || !l->groups || !l->spares) return LLIO_ENOMEM;
    memset(l->groups, 0, l->max_inflight * sizeof(llio_i_log_group));
    for (i = 0; i < l->max_inflight; i++) {
        l->groups[i].iov = (struct iovec *)LLIO_MALLOC(l->alloc_ctx, l->nslots * sizeof(struct iovec));
        if (!l->groups[i].iov) return LLIO_ENOMEM;
    }
    for (i = 0; i < l->nslots; i++) {
        l->slots[i].buf = bufs + i * bufsz;
        l->slots[i].fd = -1;
    }
    l->slots[0].first_seq = l->open_first;
    l->slots[0].phase = LLIO_I_LOG_OPEN;
    l->durable = l->open_first - 1;
    rc = llio_i_log_rotate(l); /* appends go to a fresh segment */
    if (rc) return rc;
    l->seg_open_lo = l->nsegs - 1;
    for (i = 0; i < l->spare_target; i++) {
        int fd;
        uint64_t fid = llio_i_log_pop_free(l), id = l->next_id++;
        rc = llio_i_log_make_any(l, id, &fid, &fd);
        if (rc) { /* no room for spares (LLIO_ENOSPC ...): appends still work until the segment is full */
            if (fid) llio_i_log_push_free(l, fid);
            l->prep_err = rc;
            break;
        }
        if (fid) l->n_recycled++;
        else l->n_created++;
        l->spares[l->nspares].id = id;
        l->spares[l->nspares].fd = fd;
        l->spares[l->nspares].first_seq = 0;
        l->spares[l->nspares].end_batch = 0;
        l->nspares++;
    }
    if (o->flags & LLIO_LOG_NO_URING) ring_flags |= LLIO_INIT_FALLBACK;
    rc = llio_init(&l->ring, 2 * l->max_inflight, ring_flags);
    if (rc) rc = llio_init(&l->ring, 2 * l->max_inflight, LLIO_INIT_FALLBACK);
    if (rc) return rc;
    l->have_ring = 1;
    return 0;
}

LLIODEF int llio_log_open(const char *dir, const llio_log_options *opt, llio_log **out) {
    llio_log_options o;
    llio_log *l;
    void *raw;
    uint64_t bb;
    int rc;
    if (!out) return LLIO_EINVAL;
    *out = NULL;
    if (!dir || !*dir) return LLIO_EINVAL;
    if (opt) o = *opt;
    else llio_log_options_init(&o);
    bb = o.batch_bytes ? o.batch_bytes : (o.segment_bytes / 4 < ((uint64_t)1 << 20) ? o.segment_bytes / 4 : (uint64_t)1 << 20) & ~(uint64_t)7;
    if (o.segment_bytes < 65536 || (o.segment_bytes & 4095u) || o.segment_bytes > ((uint64_t)1 << 40) ||
        bb < 512 || (bb & 7u) || bb > ((uint64_t)64 << 20) || bb + 2 * LLIO_I_LOG_SEGHDR > o.segment_bytes ||
        o.batches < 2 || o.batches > 1024 || (o.batches & (o.batches - 1)) ||
        o.max_inflight > o.batches || o.max_inflight > 64 || o.spare_segments > 64 ||
        (o.flags & ~0x7fu))
        return LLIO_EINVAL;
    l = (llio_log *)llio_i_log_alloc(o.alloc_ctx, sizeof(llio_log), 64, &raw);
    if (!l) return LLIO_ENOMEM;
    l->raw_self = raw;
    l->alloc_ctx = o.alloc_ctx;
    l->dirfd = -1;
    l->flags = o.flags;
    l->seg_bytes = o.segment_bytes;
    l->nslots = o.batches;
    l->mask = o.batches - 1;
    l->cap = (uint32_t)bb - LLIO_I_LOG_BH;
    l->max_rec = l->cap - LLIO_I_LOG_RH;
    l->balign = (o.flags & LLIO_LOG_DIRECT) ? 4096u : 8u;
    l->max_inflight = o.max_inflight ? o.max_inflight : 1; /* settled in setup when 0 */
    l->auto_inflight = o.max_inflight == 0;
    l->spare_target = o.spare_segments;
    l->keep_free = o.keep_free;
    l->on_durable = o.on_durable;
    l->ctx = o.ctx;
    llio_log_crc32c(0, NULL, 0); /* tables and CPU check, once */
    l->crc = o.crc32c ? o.crc32c : (o.flags & LLIO_LOG_SOFT_CRC32C) ? llio_i_log_crc_soft : llio_i_log_crc_hw;
    pthread_mutex_init(&l->mu, NULL);
    pthread_mutex_init(&l->ring_mu, NULL);
    pthread_mutex_init(&l->prep_mu, NULL);
    rc = llio_i_log_setup(l, dir, &o);
    if (rc) {
        llio_i_log_release(l);
        return rc;
    }
    *out = l;
    return 0;
}

/* the records reserved so far: the sequence number of the latest (0: none) */
static uint64_t llio_i_log_last(llio_log *l) {
    for (;;) {
        llio_i_log_batch *b;
        uint64_t st, last = 0;
        int known = 1;
        pthread_mutex_lock(&l->mu);
        b = llio_i_log_slot(l, l->cur);
        st = __atomic_load_n(&b->state, __ATOMIC_ACQUIRE);
        if (b->phase != LLIO_I_LOG_OPEN) last = b->first_seq + b->nrec - 1;
        else if (!(st & LLIO_I_LOG_SEALED) && (st & LLIO_I_LOG_BMASK) <= l->cap)
            last = b->first_seq + ((st >> LLIO_I_LOG_CSHIFT) & LLIO_I_LOG_CMASK) - 1;
        else known = 0; /* being closed: its size is about to be known */
        pthread_mutex_unlock(&l->mu);
        if (known) return last;
        sched_yield();
    }
}

LLIODEF int llio_log_close(llio_log *l) {
    int rc;
    if (!l) return LLIO_EINVAL;
    rc = llio_log_commit(l);
    while (__atomic_load_n(&l->inflight, __ATOMIC_ACQUIRE)) { /* commits of other threads */
        uint32_t gen = __atomic_load_n(&l->durable_gen, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&l->ring_inflight, __ATOMIC_ACQUIRE)) llio_i_log_reap_wait(l, LLIO_I_LOG_NEVER);
        else if (__atomic_load_n(&l->inflight, __ATOMIC_ACQUIRE))
            llio_i_log_await(&l->durable_gen, &l->durable_waiters, gen, LLIO_I_LOG_NEVER);
    }
    if (!rc) rc = __atomic_load_n(&l->err, __ATOMIC_ACQUIRE);
    llio_i_log_release(l);
    return rc;
}

/* frame a record at r: header, payload, zeros to a multiple of 8; its sequence number goes last */
static void llio_i_log_frame(const llio_log *l, unsigned char *r, uint64_t seq, const struct iovec *iov, int n,
                             size_t len) {
    unsigned char h[12];
    size_t at = LLIO_I_LOG_RH;
    uint32_t c;
    int i;
    llio_i_log_put32(h, (uint32_t)len);
    llio_i_log_put64(h + 4, seq);
    c = l->crc(0, h, 12);
    for (i = 0; i < n; i++) {
        if (!iov[i].iov_len) continue;
        memcpy(r + at, iov[i].iov_base, iov[i].iov_len);
        c = l->crc(c, r + at, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    while (at & 7u) r[at++] = 0;
    llio_i_log_put32(r, (uint32_t)len);
    llio_i_log_put32(r + 4, c);
    __atomic_store_n((uint64_t *)(void *)(r + 8), llio_i_log_le64(seq), __ATOMIC_RELEASE);
}

LLIODEF int64_t llio_log_appendv(llio_log *l, const struct iovec *iov, int n) {
    size_t len = 0;
    uint64_t need, inc;
    int i;
    if (!l || n < 0 || (n > 0 && !iov)) return LLIO_EINVAL;
    for (i = 0; i < n; i++) {
        if (iov[i].iov_len && !iov[i].iov_base) return LLIO_EINVAL;
        if (iov[i].iov_len > l->max_rec || len + iov[i].iov_len > l->max_rec) return LLIO_EMSGSIZE;
        len += iov[i].iov_len;
    }
    need = llio_i_log_align(LLIO_I_LOG_RH + (uint64_t)len, 8);
    inc = ((uint64_t)1 << LLIO_I_LOG_CSHIFT) + need;
    for (;;) {
        int32_t e = __atomic_load_n(&l->err, __ATOMIC_ACQUIRE);
        uint32_t ogen = __atomic_load_n(&l->open_gen, __ATOMIC_ACQUIRE);
        uint64_t c = __atomic_load_n(&l->cur, __ATOMIC_ACQUIRE), old, at;
        llio_i_log_batch *b = llio_i_log_slot(l, c);
        if (e) return e;
        old = __atomic_fetch_add(&b->state, inc, __ATOMIC_ACQ_REL);
        at = old & LLIO_I_LOG_BMASK;
        if (!(old & LLIO_I_LOG_SEALED)) {
            if (at + need <= l->cap) {
                uint64_t seq = b->first_seq + ((old >> LLIO_I_LOG_CSHIFT) & LLIO_I_LOG_CMASK);
                llio_i_log_frame(l, b->buf + LLIO_I_LOG_BH + at, seq, iov, n, len);
                if ((l->flags & LLIO_LOG_AUTOCOMMIT) &&
                    (__atomic_load_n(&l->inflight, __ATOMIC_ACQUIRE) < l->max_inflight || llio_i_log_ring_ready(l)))
                    llio_log_poll(l);
                return (int64_t)seq;
            }
            if (at <= l->cap) { /* the first record that does not fit: this appender closes the batch */
                __atomic_fetch_or(&b->state, LLIO_I_LOG_SEALED, __ATOMIC_ACQ_REL);
                llio_i_log_close_batch(l, b, (uint32_t)((old >> LLIO_I_LOG_CSHIFT) & LLIO_I_LOG_CMASK),
                                       (uint32_t)at);
                continue;
            }
        }
        if (__atomic_load_n(&l->cur, __ATOMIC_ACQUIRE) == c) /* being closed: wait for the next batch */
            llio_i_log_await(&l->open_gen, &l->open_waiters, ogen, LLIO_I_LOG_NEVER);
    }
}

LLIODEF int64_t llio_log_append(llio_log *l, const void *data, size_t len) {
    struct iovec v;
    if (len && !data) return LLIO_EINVAL;
    v.iov_base = (void *)(uintptr_t)data;
    v.iov_len = len;
    return llio_log_appendv(l, &v, 1);
}

LLIODEF uint64_t llio_log_durable(llio_log *l) { return l ? __atomic_load_n(&l->durable, __ATOMIC_ACQUIRE) : 0; }

LLIODEF int llio_log_poll(llio_log *l) {
    if (!l) return LLIO_EINVAL;
    if (pthread_mutex_trylock(&l->ring_mu) == 0) {
        llio_i_log_reap(l);
        llio_i_log_start_async(l);
        if (l->ring.backend == LLIO_BACKEND_FALLBACK) llio_i_log_reap(l); /* it ran at submit */
        pthread_mutex_unlock(&l->ring_mu);
        llio_i_log_prepare_spare(l);
    }
    return __atomic_load_n(&l->err, __ATOMIC_ACQUIRE);
}

LLIODEF int llio_log_wait(llio_log *l, uint64_t seq, int64_t timeout_ns) {
    int32_t e;
    if (!l) return LLIO_EINVAL;
    if (__atomic_load_n(&l->durable, __ATOMIC_ACQUIRE) >= seq) return 0;
    if (timeout_ns == 0) {
        if (seq > llio_i_log_last(l)) return LLIO_EINVAL;
        llio_log_poll(l);
        if (__atomic_load_n(&l->durable, __ATOMIC_ACQUIRE) >= seq) return 0;
        e = __atomic_load_n(&l->err, __ATOMIC_ACQUIRE);
        return e ? e : LLIO_ETIME;
    }
    return llio_i_log_drive(l, LLIO_I_LOG_UNTIL_SEQ, seq,
                            timeout_ns < 0 ? LLIO_I_LOG_NEVER : llio_i_now_ns() + (uint64_t)timeout_ns);
}

LLIODEF int llio_log_commit(llio_log *l) {
    uint64_t last;
    if (!l) return LLIO_EINVAL;
    last = llio_i_log_last(l);
    if (__atomic_load_n(&l->durable, __ATOMIC_ACQUIRE) >= last) return __atomic_load_n(&l->err, __ATOMIC_ACQUIRE);
    return llio_i_log_drive(l, LLIO_I_LOG_UNTIL_SEQ, last, LLIO_I_LOG_NEVER);
}

LLIODEF int llio_log_checkpoint(llio_log *l, uint64_t seq) {
    uint64_t lim, *ids;
    size_t n = 0, i, keep;
    int kept = 0;
    if (!l) return LLIO_EINVAL;
    pthread_mutex_lock(&l->mu);
    lim = l->durable < seq ? l->durable : seq;
    while (n + 1 < l->nsegs && l->segs[n].fd < 0 && l->segs[n + 1].first_seq && l->segs[n + 1].first_seq <= lim) n++;
    if (!n) {
        pthread_mutex_unlock(&l->mu);
        return 0;
    }
    ids = (uint64_t *)LLIO_MALLOC(l->alloc_ctx, n * sizeof(uint64_t));
    if (!ids) {
        pthread_mutex_unlock(&l->mu);
        return LLIO_ENOMEM;
    }
    for (i = 0; i < n; i++) ids[i] = l->segs[i].id;
    memmove(l->segs, l->segs + n, (l->nsegs - n) * sizeof(llio_i_log_seg));
    l->nsegs -= n;
    l->seg_open_lo = l->seg_open_lo > n ? l->seg_open_lo - n : 0;
    keep = l->nfree < l->keep_free ? l->keep_free - l->nfree : 0;
    l->prep_err = 0; /* there may be room for spares again */
    pthread_mutex_unlock(&l->mu);
    for (i = 0; i < n; i++) {
        int k = llio_i_log_retire(l, ids[i], i < keep);
        if (k) ids[kept++] = ids[i];
    }
    fsync(l->dirfd);
    pthread_mutex_lock(&l->mu);
    for (i = 0; i < (size_t)kept; i++) llio_i_log_push_free(l, ids[i]);
    pthread_mutex_unlock(&l->mu);
    LLIO_FREE(l->alloc_ctx, ids);
    return (int)n;
}

LLIODEF void llio_log_stats(llio_log *l, llio_log_info *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!l) return;
    out->next_seq = llio_i_log_last(l) + 1;
    pthread_mutex_lock(&l->mu);
    out->first_seq = l->nsegs && l->segs[0].first_seq ? l->segs[0].first_seq : 0;
    out->durable_seq = l->durable;
    out->commits = l->n_commits;
    out->syncs = l->n_syncs;
    out->bytes_written = l->n_bytes;
    out->segments = l->nsegs + l->nspares;
    out->segments_created = l->n_created;
    out->segments_recycled = l->n_recycled;
    out->rotations = l->n_rotations;
    out->recovered_records = l->n_recovered;
    out->recovery_torn = l->recovery_torn;
    out->backend = l->have_ring ? l->ring.backend : 0;
    out->error = l->err;
    out->max_record = l->max_rec;
    pthread_mutex_unlock(&l->mu);
}

/* ---------------- readers ---------------- */
struct llio_log_reader {
    llio_log *live;          /* records up to its durable point only */
    void *actx;
    int dirfd;
    uint64_t journal_id;
    int have_jid, started, loaded;
    uint64_t from, expect;   /* first sequence number wanted; the next one to come */
    uint64_t pos;            /* offset of the next batch when none is loaded */
    uint32_t idx;            /* records of the loaded batch handed out */
    size_t rpos;             /* their bytes */
    llio_i_log_scan sc;      /* the current segment (sc.fd) and its loaded batch */
};

/* open segment id and check its header (and that it belongs to the reader's journal) */
static int llio_i_log_reader_seg(llio_log_reader *r, uint64_t id, int *fd, llio_i_log_hdr *h) {
    char name[40];
    int rc;
    llio_i_log_name(name, id, "llog");
    *fd = openat(r->dirfd, name, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) return llio_i_errno();
    rc = llio_i_log_read_seghdr(r->sc.crc, *fd, h);
    if (!rc && h->id != id) rc = LLIO_EBADMSG;
    if (!rc && r->have_jid && h->journal_id != r->journal_id) rc = LLIO_EBADMSG;
    if (rc) {
        close(*fd);
        *fd = -1;
        return rc;
    }
    if (!r->have_jid) {
        r->journal_id = h->journal_id;
        r->have_jid = 1;
    }
    return 0;
}

/* Look at segment id's first batch (expect as llio_i_log_load): 1 and the reader moved there, 0 when
   it has no such batch (yet), <0 error. */
static int llio_i_log_reader_try(llio_log_reader *r, uint64_t id, uint64_t expect) {
    llio_i_log_scan t;
    llio_i_log_hdr h;
    struct stat st;
    int fd, rc = llio_i_log_reader_seg(r, id, &fd, &h);
    if (rc) return rc;
    if (fstat(fd, &st) != 0) {
        rc = llio_i_errno();
        close(fd);
        return rc;
    }
    t = r->sc;
    t.fd = fd;
    t.seg_id = id;
    t.fsize = (uint64_t)st.st_size;
    t.balign = h.balign;
    t.hdr_bytes = h.hdr_bytes;
    rc = llio_i_log_load(&t, h.hdr_bytes, expect);
    r->sc.buf = t.buf; /* the buffer may have grown */
    r->sc.bufcap = t.bufcap;
    if (rc <= 0) {
        close(fd);
        return rc;
    }
    if (r->sc.fd >= 0) close(r->sc.fd);
    r->sc = t;
    r->loaded = 1;
    r->idx = 0;
    r->rpos = 0;
    r->expect = t.first_seq;
    return 1;
}

/* first call: the segment holding from (or the oldest) */
static int llio_i_log_reader_start(llio_log_reader *r) {
    uint64_t *ids, best = 0;
    size_t n, i;
    int rc = llio_i_log_list(r->dirfd, r->actx, 1, 0, &ids, &n), found = 0;
    if (rc) return rc;
    for (i = 0; i < n; i++) { /* the last segment whose first record is at or below from */
        llio_i_log_hdr h;
        int fd;
        uint64_t first = 0;
        rc = llio_i_log_reader_seg(r, ids[i], &fd, &h);
        if (rc) break;
        {
            llio_i_log_scan t = r->sc;
            struct stat st;
            t.fd = fd;
            t.seg_id = ids[i];
            t.fsize = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
            t.balign = h.balign;
            rc = llio_i_log_load(&t, h.hdr_bytes, 0);
            r->sc.buf = t.buf;
            r->sc.bufcap = t.bufcap;
            if (rc == 1) first = t.first_seq;
        }
        close(fd);
        if (rc < 0) break;
        rc = 0;
        if (!first) continue; /* no record in it */
        if (found && first > r->from) break;
        best = ids[i];
        found = 1;
        if (first > r->from) break;
    }
    if (ids) LLIO_FREE(r->actx, ids);
    if (rc) return rc;
    if (!found) return 0;
    rc = llio_i_log_reader_try(r, best, 0);
    if (rc > 0) r->started = 1;
    return rc;
}

/* the current segment ends: the next one, if it starts with the record expected */
static int llio_i_log_reader_next(llio_log_reader *r) {
    uint64_t *ids, next = 0;
    size_t n, i;
    int rc = llio_i_log_list(r->dirfd, r->actx, 1, 0, &ids, &n);
    if (rc) return rc;
    for (i = 0; i < n; i++) { /* the first later segment that starts with it (skipping empty ones) */
        if (ids[i] <= r->sc.seg_id) continue;
        next = ids[i];
        rc = llio_i_log_reader_try(r, next, r->expect);
        if (rc != 0 && rc != LLIO_ENOENT) break;
        rc = 0;
    }
    if (ids) LLIO_FREE(r->actx, ids);
    return rc;
}

LLIODEF int llio_log_reader_open(const char *dir, llio_log *live, uint64_t from_seq, llio_log_reader **out) {
    llio_log_reader *r;
    void *actx = live ? live->alloc_ctx : NULL;
    if (!out) return LLIO_EINVAL;
    *out = NULL;
    if (!dir && !live) return LLIO_EINVAL;
    r = (llio_log_reader *)LLIO_MALLOC(actx, sizeof(llio_log_reader));
    if (!r) return LLIO_ENOMEM;
    memset(r, 0, sizeof *r);
    r->dirfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : fcntl(live->dirfd, F_DUPFD_CLOEXEC, 0);
    if (r->dirfd < 0) {
        int rc = llio_i_errno();
        LLIO_FREE(actx, r);
        return rc;
    }
    r->live = live;
    r->actx = actx;
    r->from = from_seq;
    r->sc.fd = -1;
    r->sc.actx = actx;
    llio_log_crc32c(0, NULL, 0);
    r->sc.crc = live ? live->crc : llio_i_log_crc_hw;
    if (live && live->journal_id) {
        r->journal_id = live->journal_id;
        r->have_jid = 1;
    }
    *out = r;
    return 0;
}

LLIODEF int llio_log_read(llio_log_reader *r, llio_log_record *rec) {
    int rc;
    if (!r || !rec) return LLIO_EINVAL;
    for (;;) {
        uint64_t durable = r->live ? __atomic_load_n(&r->live->durable, __ATOMIC_ACQUIRE) : LLIO_I_LOG_NEVER;
        if (r->loaded && r->idx < r->sc.nvalid) {
            const unsigned char *p = r->sc.buf + r->rpos;
            uint64_t len = llio_i_log_get32(p), seq = llio_i_log_get64(p + 8);
            if (seq > durable) return 0;
            r->idx++;
            r->rpos += (size_t)llio_i_log_align(LLIO_I_LOG_RH + len, 8);
            r->expect = seq + 1;
            if (seq < r->from) continue;
            rec->seq = seq;
            rec->data = p + LLIO_I_LOG_RH;
            rec->len = (size_t)len;
            return 1;
        }
        if (r->started && r->expect > durable) return 0; /* the live end: nothing durable yet */
        if (!r->started) {
            if (durable < (r->from ? r->from : 1)) return 0; /* live: nothing durable to hand out */
            rc = llio_i_log_reader_start(r);
            if (rc <= 0) return rc;
            continue;
        }
        if (r->loaded && r->sc.complete) {
            r->pos = llio_i_log_next_pos(&r->sc);
            r->loaded = 0;
        }
        if (r->loaded) { /* a batch cut short: still being written, torn, or cut by a recovery */
            rc = llio_i_log_load(&r->sc, r->sc.pos, r->sc.first_seq);
            if (rc < 0) return rc;
            if (rc == 1 && r->sc.nvalid > r->idx) continue;
            r->loaded = rc == 1;
            if (!r->loaded) r->pos = r->sc.pos;
            rc = llio_i_log_reader_next(r); /* after a recovery the journal goes on in a new segment */
            if (rc < 0) return rc;
            if (rc > 0) continue;
            return r->live ? LLIO_EBADMSG : 0; /* a durable record does not check out */
        }
        rc = llio_i_log_load(&r->sc, r->pos, r->expect);
        if (rc < 0) return rc;
        if (rc == 1) {
            r->loaded = 1;
            r->idx = 0;
            r->rpos = 0;
            continue;
        }
        rc = llio_i_log_reader_next(r);
        if (rc < 0) return rc;
        if (rc == 0) return r->live ? LLIO_EBADMSG : 0;
    }
}

LLIODEF void llio_log_reader_close(llio_log_reader *r) {
    if (!r) return;
    if (r->sc.fd >= 0) close(r->sc.fd);
    if (r->dirfd >= 0) close(r->dirfd);
    if (r->sc.buf) LLIO_FREE(r->actx, r->sc.buf);
    LLIO_FREE(r->actx, r);
}
/* ==== end of llio_log implementation ========================================================== */

#ifdef __cplusplus
}
#endif
#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
#pragma GCC diagnostic pop
#endif
#endif /* LLIO_IMPLEMENTATION */

/*
   CHANGES
     0.2.0  the ll contract (prelude, doc block, verbs): llio_destroy (was llio_exit), llio_wc_destroy (was
            llio_wc_free), llio_aligned_alloc(size, align) through LLIO_MALLOC; per-ring counters and
            opt-in latency tracking; the coalescer's deadline kept by a ring; provided buffer rings,
            multishot accept/recv, SEND_ZC/SENDMSG_ZC, feature probes; zero-length batches return at
            once everywhere.
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
