/* test_llio.c - tests for llio.h. Every ring test runs on the io_uring backend (raw syscalls, or
   liburing when built with -DLLIO_USE_LIBURING) and on the synchronous fallback; the fallback is
   also forced with a seccomp filter and, as root, with kernel.io_uring_disabled=2 (restored). */
#define LLIO_IMPLEMENTATION
#include "llio.h"
#include "lltest.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <unistd.h>

#ifdef LLIO_USE_LIBURING
#define SUITE "llio_liburing"
#else
#define SUITE "llio"
#endif

static int g_have_uring = -1; /* can this process set up io_uring at all? */
static int g_uring_err;
static char g_dir[256];       /* disk directory (O_DIRECT capable) */
static char g_shm[256];       /* tmpfs directory */
static int g_lockfd = -1;

static int have_uring(void) {
    if (g_have_uring < 0) {
        llio_ring r;
        int e = llio_init(&r, 4, LLIO_INIT_NO_FALLBACK);
        g_have_uring = e == 0;
        g_uring_err = e;
        if (e == 0) llio_destroy(&r);
    }
    return g_have_uring;
}

static uint64_t xs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    xs ^= xs << 13;
    xs ^= xs >> 7;
    xs ^= xs << 17;
    return xs;
}
static void fill(void *p, size_t n, uint64_t seed) {
    unsigned char *b = (unsigned char *)p;
    size_t i;
    uint64_t x = seed * 0x100000001b3ull + 1;
    for (i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        b[i] = (unsigned char)(x >> 56);
    }
}
static uint64_t fnv(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static int tmpfile_in(const char *dir, char *path, size_t n, int flags) {
    int fd;
    snprintf(path, n, "%s/llio-test-XXXXXX", dir);
    fd = mkstemp(path);
    if (fd < 0) return -1;
    if (flags) {
        int fd2 = open(path, O_RDWR | flags);
        close(fd);
        fd = fd2;
    }
    return fd;
}

/* submit everything and wait for exactly one completion; returns its res */
static int32_t run1(llio_ring *r, uint64_t *ud) {
    llio_cqe c;
    int w = llio_wait(r, 1, 5000000000ll);
    if (w < 0) return (int32_t)(-100000 + w);
    if (llio_reap(r, &c, 1) != 1) return -100000;
    if (ud) *ud = c.user_data;
    return c.res;
}

static llio_sqe *g_last; /* the SQE most recently handed out by sq() */
static llio_sqe *sq(llio_ring *r) {
    g_last = llio_get_sqe(r);
    return g_last;
}

static int open_ring(llio_ring *r, unsigned n, unsigned fl) {
    return llio_init(r, n, fl | (fl & LLIO_INIT_FALLBACK ? 0u : LLIO_INIT_NO_FALLBACK));
}

#define BOTH(name)                                                                         \
    static void name##_ring(void) {                                                        \
        if (!have_uring()) LLT_SKIP("io_uring unavailable here (%s)", llio_strerror(g_uring_err)); \
        name(0);                                                                           \
    }                                                                                      \
    static void name##_sync(void) { name(LLIO_INIT_FALLBACK); }

/* ---------------------------------------------------------------- */
static void init_report(void) {
    llio_ring r;
    char buf[512];
    LLT_EQ_I64(llio_init(&r, 0, 0), LLIO_EINVAL);
    LLT_EQ_I64(llio_init(&r, LLIO_MAX_ENTRIES * 2, 0), LLIO_EINVAL);
    LLT_EQ_I64(llio_init(&r, 0, LLIO_INIT_FALLBACK), LLIO_EINVAL);
    LLT_EQ_I64(llio_init(&r, 100000, LLIO_INIT_FALLBACK), LLIO_EINVAL);
    LLT_REQUIRE(llio_init(&r, 8, 0) == 0);
    LLT_CHECK(llio_describe(&r, buf, sizeof buf) > 0);
    printf("  %s\n", buf);
    if (have_uring()) {
#ifdef LLIO_USE_LIBURING
        LLT_EQ_I64(llio_backend(&r), LLIO_BACKEND_LIBURING);
#else
        LLT_EQ_I64(llio_backend(&r), LLIO_BACKEND_URING);
#endif
        LLT_CHECK(llio_op_supported(&r, LLIO_OP_NOP));
        LLT_CHECK(llio_op_supported(&r, LLIO_OP_READV));
        LLT_EQ_U64(r.sq_entries, 8);
    } else {
        LLT_EQ_I64(llio_backend(&r), LLIO_BACKEND_FALLBACK);
        LLT_CHECK(r.setup_errno != 0);
    }
    llio_destroy(&r);
    LLT_REQUIRE(llio_init(&r, 5, LLIO_INIT_FALLBACK) == 0);
    LLT_EQ_I64(llio_backend(&r), LLIO_BACKEND_FALLBACK);
    LLT_EQ_U64(r.sq_entries, 8); /* rounded up */
    LLT_CHECK(llio_op_supported(&r, LLIO_OP_SPLICE));
    LLT_CHECK(!llio_op_supported(&r, LLIO_OP_STATX));
    LLT_EQ_STR(llio_backend_name(&r), "sync");
    llio_destroy(&r);
    if (have_uring()) { /* plain / shared / sqpoll variants */
        unsigned v[3] = {LLIO_INIT_PLAIN, LLIO_INIT_SHARED, LLIO_INIT_SQPOLL};
        int i;
        for (i = 0; i < 3; i++) {
            int e = llio_init(&r, 8, v[i] | LLIO_INIT_NO_FALLBACK);
            llio_sqe *s;
            LLT_CHECKF(e == 0, "variant %d: %s", i, llio_strerror(e));
            if (e) continue;
            s = sq(&r);
            llio_prep_nop(s);
            llio_sqe_set_data(s, 77);
            {
                uint64_t ud = 0;
                LLT_EQ_I64(run1(&r, &ud), 0);
                LLT_EQ_U64(ud, 77);
            }
            if (v[i] == LLIO_INIT_SQPOLL) LLT_CHECK(r.setup_flags & LLIO_SETUP_SQPOLL);
            if (v[i] == LLIO_INIT_SHARED) LLT_CHECK(!(r.setup_flags & LLIO_SETUP_SINGLE_ISSUER));
            if (v[i] == LLIO_INIT_PLAIN) LLT_CHECK(!(r.setup_flags & LLIO_SETUP_NO_SQARRAY)); /* index array */
            llio_destroy(&r);
        }
    }
    LLT_CHECK(strlen(llio_strerror(LLIO_ETIME)) > 0);
}

/* llio_strerror: every LLIO_E* code has its own name (each code checked against the host's errno value),
   the contract's pass-through codes too, anything else "unknown error". The list is checked against the
   header itself: every "#define LLIO_E... (-N)" in llio.h must be named, so a new code cannot go unnamed. */
static void strerror_names(void) {
    static const struct { int code, sys; const char *name; } codes[] = {
        {LLIO_EPERM, EPERM, "EPERM"},         {LLIO_ENOENT, ENOENT, "ENOENT"},       {LLIO_EINTR, EINTR, "EINTR"},
        {LLIO_EIO, EIO, "EIO"},               {LLIO_EBADF, EBADF, "EBADF"},          {LLIO_EAGAIN, EAGAIN, "EAGAIN"},
        {LLIO_ENOMEM, ENOMEM, "ENOMEM"},      {LLIO_EFAULT, EFAULT, "EFAULT"},       {LLIO_EBUSY, EBUSY, "EBUSY"},
        {LLIO_EEXIST, EEXIST, "EEXIST"},      {LLIO_EINVAL, EINVAL, "EINVAL"},       {LLIO_ENOSPC, ENOSPC, "ENOSPC"},
        {LLIO_ESPIPE, ESPIPE, "ESPIPE"},      {LLIO_ENOSYS, ENOSYS, "ENOSYS"},       {LLIO_ETIME, ETIME, "ETIME"},
        {LLIO_EBADMSG, EBADMSG, "EBADMSG"},   {LLIO_EMSGSIZE, EMSGSIZE, "EMSGSIZE"}, {LLIO_EOPNOTSUPP, EOPNOTSUPP, "EOPNOTSUPP"},
        {LLIO_ENOBUFS, ENOBUFS, "ENOBUFS"},   {LLIO_EALREADY, EALREADY, "EALREADY"}, {LLIO_ECANCELED, ECANCELED, "ECANCELED"},
        /* passed through from system calls: named, not defined */
        {-EACCES, EACCES, "EACCES"},          {-ENODEV, ENODEV, "ENODEV"},           {-ERANGE, ERANGE, "ERANGE"},
        {-EOVERFLOW, EOVERFLOW, "EOVERFLOW"}, {-ENOTCONN, ENOTCONN, "ENOTCONN"},     {-ETIMEDOUT, ETIMEDOUT, "ETIMEDOUT"},
    };
    const unsigned n = (unsigned)(sizeof codes / sizeof codes[0]);
    const char *unknown = llio_strerror(-100000);
    unsigned i, j, defined = 0;
    char path[512], line[512];
    const char *slash;
    FILE *f;
    LLT_EQ_STR(unknown, "unknown error");
    LLT_EQ_STR(llio_strerror(-3), "unknown error"); /* ESRCH: neither returned nor in the table */
    LLT_EQ_STR(llio_strerror(7), "unknown error");
    LLT_EQ_STR(llio_strerror(LLIO_OK), "success");
    for (i = 0; i < n; i++) {
        const char *m = llio_strerror(codes[i].code);
        LLT_CHECKF(codes[i].code == -codes[i].sys, "%s is %d, the host's errno %d", codes[i].name, codes[i].code,
                   codes[i].sys);
        LLT_CHECKF(m && *m && strcmp(m, unknown) != 0 && strcmp(m, "system error") != 0, "%s: \"%s\"",
                   codes[i].name, m ? m : "(null)");
        for (j = 0; j < i; j++)
            LLT_CHECKF(strcmp(m, llio_strerror(codes[j].code)) != 0, "%s and %s share \"%s\"", codes[i].name,
                       codes[j].name, m);
    }
    /* every code the header defines is in the list above */
    slash = strrchr(__FILE__, '/');
    snprintf(path, sizeof path, "%.*s%sllio.h", slash ? (int)(slash - __FILE__) : 0, __FILE__, slash ? "/../" : "../");
    f = fopen(path, "r");
    if (!f) LLT_SKIP("names checked; %s not readable from here, so the list was not compared with the header", path);
    while (fgets(line, sizeof line, f)) {
        char name[64];
        int v, found = 0;
        if (sscanf(line, "#define LLIO_E%63[A-Z] (%d)", name, &v) != 2) continue;
        defined++;
        for (i = 0; i < n; i++) found |= codes[i].code == v && strcmp(codes[i].name + 1, name) == 0;
        LLT_CHECKF(found, "LLIO_E%s (%d) is defined in llio.h but not in this test's list", name, v);
        LLT_CHECKF(strcmp(llio_strerror(v), unknown) != 0, "LLIO_E%s has no name", name);
    }
    fclose(f);
    LLT_EQ_U64(defined, 21); /* the LLIO_E* codes above */
}

/* ---------------------------------------------------------------- */
static void nop_batch(unsigned fl) {
    llio_ring r;
    unsigned i, got = 0, seen[200] = {0};
    llio_cqe c[64];
    LLT_REQUIRE(open_ring(&r, 32, fl) == 0);
    for (i = 0; i < 200; i++) {
        llio_sqe *s = sq(&r);
        if (!s) {
            LLT_CHECK(llio_submit(&r) >= 0);
            while (got < i) {
                unsigned k, n;
                LLT_REQUIRE(llio_wait(&r, 1, 2000000000ll) > 0);
                n = llio_reap(&r, c, 64);
                for (k = 0; k < n; k++) {
                    LLT_REQUIRE(c[k].user_data < 200);
                    seen[c[k].user_data]++;
                    LLT_EQ_I64(c[k].res, 0);
                }
                got += n;
            }
            s = sq(&r);
            LLT_REQUIRE(s);
        }
        llio_prep_nop(s);
        llio_sqe_set_data(s, i);
    }
    while (got < 200) {
        llio_cqe *p;
        LLT_REQUIRE(llio_wait(&r, 1, 2000000000ll) > 0);
        while ((p = llio_peek_cqe(&r)) != NULL) {
            LLT_REQUIRE(p->user_data < 200);
            seen[p->user_data]++;
            llio_cqe_seen(&r, p);
            got++;
        }
    }
    for (i = 0; i < 200; i++) LLT_EQ_U64(seen[i], 1);
    LLT_EQ_U64(llio_cq_ready(&r), 0);
    /* waiting for more than can come: -ETIME, no hang */
    LLT_EQ_I64(llio_wait(&r, 1, 1000000), LLIO_ETIME);
    llio_destroy(&r);
}
BOTH(nop_batch)
/* a plain ring keeps the SQ index array (default rings drop it where the kernel allows): same batches */
static void nop_batch_plain(void) {
    if (!have_uring()) LLT_SKIP("io_uring unavailable here (%s)", llio_strerror(g_uring_err));
    nop_batch(LLIO_INIT_PLAIN);
}

/* every read/write flavour, data compared through checksums */
static void rw_dir(unsigned fl, const char *dir) {
    llio_ring r;
    char path[300];
    enum { N = 16, BS = 4096 };
    static unsigned char wb[N * BS], rb[N * BS];
    struct iovec wv[4], rv[4], reg;
    int fd, i;
    uint64_t ud;
    fd = tmpfile_in(dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    LLT_REQUIRE(open_ring(&r, 16, fl) == 0);
    fill(wb, sizeof wb, 1);
    /* pages 0..3 write, 4..7 writev, 8..11 write_fixed, 12..15 write via current position */
    for (i = 0; i < 4; i++) {
        llio_sqe *s = sq(&r);
        llio_prep_write(s, fd, wb + i * BS, BS, (uint64_t)i * BS);
        llio_sqe_set_data(s, 100 + (uint64_t)i);
    }
    LLT_EQ_I64(llio_submit(&r), 4);
    {
        llio_cqe c[4];
        unsigned k, n = 0;
        LLT_REQUIRE(llio_wait(&r, 4, 5000000000ll) >= 4);
        n = llio_reap(&r, c, 4);
        LLT_EQ_U64(n, 4);
        for (k = 0; k < n; k++) LLT_EQ_I64(c[k].res, BS);
    }
    for (i = 0; i < 4; i++) {
        wv[i].iov_base = wb + (4 + i) * BS;
        wv[i].iov_len = BS;
    }
    llio_prep_writev(sq(&r), fd, wv, 4, 4 * BS);
    LLT_EQ_I64(run1(&r, NULL), 4 * BS);
    reg.iov_base = wb;
    reg.iov_len = sizeof wb;
    LLT_REQUIRE(llio_register_buffers(&r, &reg, 1) == 0);
    LLT_EQ_I64(llio_register_buffers(&r, &reg, 1), LLIO_EBUSY);
    llio_prep_write_fixed(sq(&r), fd, wb + 8 * BS, 4 * BS, 8 * BS, 0);
    LLT_EQ_I64(run1(&r, NULL), 4 * BS);
    LLT_CHECK(lseek(fd, 12 * BS, SEEK_SET) == 12 * BS);
    llio_prep_write(sq(&r), fd, wb + 12 * BS, 4 * BS, (uint64_t)-1);
    LLT_EQ_I64(run1(&r, NULL), 4 * BS);
    LLT_EQ_I64(lseek(fd, 0, SEEK_CUR), 16 * BS);
    llio_prep_fsync(sq(&r), fd, 0);
    LLT_EQ_I64(run1(&r, NULL), 0);
    llio_prep_fsync(sq(&r), fd, LLIO_FSYNC_DATASYNC);
    LLT_EQ_I64(run1(&r, NULL), 0);
    LLT_CHECK(llio_unregister_buffers(&r) == 0);
    /* read back: read, readv, read_fixed */
    memset(rb, 0, sizeof rb);
    llio_prep_read(sq(&r), fd, rb, 4 * BS, 0);
    LLT_EQ_I64(run1(&r, NULL), 4 * BS);
    for (i = 0; i < 4; i++) {
        rv[i].iov_base = rb + (4 + i) * BS;
        rv[i].iov_len = BS;
    }
    llio_prep_readv(sq(&r), fd, rv, 4, 4 * BS);
    LLT_EQ_I64(run1(&r, NULL), 4 * BS);
    reg.iov_base = rb;
    reg.iov_len = sizeof rb;
    LLT_REQUIRE(llio_register_buffers(&r, &reg, 1) == 0);
    llio_prep_read_fixed(sq(&r), fd, rb + 8 * BS, 8 * BS, 8 * BS, 0);
    {
        llio_sqe *s = sq(&r); /* plus a NOP in the same batch */
        llio_prep_nop(s);
        llio_sqe_set_data(s, 9);
    }
    LLT_CHECK(llio_submit_and_wait(&r, 2) >= 0);
    {
        llio_cqe c[2];
        unsigned n = 0;
        LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
        n = llio_reap(&r, c, 2);
        LLT_EQ_U64(n, 2);
        for (i = 0; i < 2; i++) LLT_EQ_I64(c[i].res, c[i].user_data == 9 ? 0 : 8 * BS);
    }
    LLT_EQ_U64(fnv(rb, sizeof rb), fnv(wb, sizeof wb));
    LLT_EQ_MEM(rb, wb, sizeof wb);
    /* read_fixed outside the registered buffer: -EFAULT */
    llio_prep_read_fixed(sq(&r), fd, wb, BS, 0, 0);
    LLT_EQ_I64(run1(&r, NULL), LLIO_EFAULT);
    /* short read at end of file is reported */
    llio_prep_read(sq(&r), fd, rb, 2 * BS, 15 * BS);
    LLT_EQ_I64(run1(&r, NULL), BS);
    llio_prep_read(sq(&r), fd, rb, BS, 100 * BS);
    LLT_EQ_I64(run1(&r, &ud), 0);
    llio_destroy(&r);
    close(fd);
}
static void rw_disk(unsigned fl) { rw_dir(fl, g_dir); }
static void rw_tmpfs(unsigned fl) { rw_dir(fl, g_shm); }
BOTH(rw_disk)
BOTH(rw_tmpfs)

/* direct-read path on tmpfs: correct data, classification, close through the ring */
static void direct_tmpfs(void) {
    llio_ring r;
    char path[300];
    static unsigned char wb[8192], rb[8192];
    int fd, fds[1];
    if (!have_uring()) LLT_SKIP("io_uring unavailable");
    fd = tmpfile_in(g_shm, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    fill(wb, sizeof wb, 7);
    LLT_REQUIRE(write(fd, wb, sizeof wb) == (ssize_t)sizeof wb);
    LLT_REQUIRE(llio_init(&r, 8, LLIO_INIT_NO_FALLBACK) == 0);
#ifndef LLIO_USE_LIBURING
    LLT_CHECK(r.direct);
#endif
    llio_prep_read(sq(&r), fd, rb, sizeof rb, 0);
    LLT_EQ_I64(run1(&r, NULL), (int64_t)sizeof rb);
    LLT_EQ_MEM(rb, wb, sizeof wb);
#ifndef LLIO_USE_LIBURING
    LLT_EQ_U64(r.fdclass[fd], 2); /* classified as "no RWF_NOWAIT" */
#endif
    /* a tmpfs read at the end of a link chain waits for the chain (not read early) */
    {
        llio_sqe *s = sq(&r);
        llio_cqe c[2];
        llio_prep_write(s, fd, "chained!", 8, 100);
        llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
        s = sq(&r);
        memset(rb, 0, sizeof rb);
        llio_prep_read(s, fd, rb, 8, 100);
        LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
        LLT_EQ_U64(llio_reap(&r, c, 2), 2);
        LLT_EQ_MEM(rb, "chained!", 8);
        LLT_REQUIRE(pwrite(fd, wb + 100, 8, 100) == 8);
    }
    fds[0] = fd;
    LLT_REQUIRE(llio_register_files(&r, fds, 1) == 0);
    memset(rb, 0, sizeof rb);
    llio_prep_read(sq(&r), 0, rb, 4096, 4096);
    g_last->flags = LLIO_SQE_FIXED_FILE;
    LLT_EQ_I64(run1(&r, NULL), 4096);
    LLT_EQ_MEM(rb, wb + 4096, 4096);
    LLT_CHECK(llio_unregister_files(&r) == 0);
    llio_prep_close(sq(&r), fd);
    LLT_EQ_I64(run1(&r, NULL), 0);
#ifndef LLIO_USE_LIBURING
    LLT_EQ_U64(r.fdclass[fd], 0);
#endif
    llio_prep_read(sq(&r), fd, rb, 16, 0);
    LLT_EQ_I64(run1(&r, NULL), LLIO_EBADF);
    /* a disk file. A lone read the caller waits for, with nothing else in flight, is a plain pread;
       a lone read only submitted is tried with RWF_NOWAIT and, uncached, falls back to the ring */
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    LLT_REQUIRE(write(fd, wb, sizeof wb) == (ssize_t)sizeof wb);
    memset(rb, 0, sizeof rb);
    llio_prep_read(sq(&r), fd, rb, sizeof rb, 0);
    LLT_EQ_I64(run1(&r, NULL), (int64_t)sizeof rb);
    LLT_EQ_MEM(rb, wb, sizeof wb);
#ifndef LLIO_USE_LIBURING
    LLT_EQ_U64(r.fdclass[fd], 1);
#endif
    LLT_CHECK(fdatasync(fd) == 0);
    {
        int pass;
        for (pass = 0; pass < 2; pass++) { /* 0: submit, then wait (NOWAIT try, ring); 1: wait (pread) */
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            memset(rb, 0, sizeof rb);
            llio_prep_read(sq(&r), fd, rb, sizeof rb, 0);
            if (pass == 0) LLT_CHECK(llio_submit(&r) >= 0);
            LLT_EQ_I64(run1(&r, NULL), (int64_t)sizeof rb);
            LLT_EQ_MEM(rb, wb, sizeof wb);
            /* short read at EOF, both ways */
            llio_prep_read(sq(&r), fd, rb, sizeof rb, 4096);
            if (pass == 0) LLT_CHECK(llio_submit(&r) >= 0);
            LLT_EQ_I64(run1(&r, NULL), 4096);
        }
    }
#ifndef LLIO_USE_LIBURING
    /* with a request in flight in the kernel a waited lone read takes the NOWAIT path; the count of
       requests in flight follows submissions and consumed completions */
    {
        int sv[2];
        char b[4];
        llio_cqe c[2];
        LLT_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
        LLT_EQ_U64(r.kinflight, 0);
        llio_prep_recv(sq(&r), sv[0], b, sizeof b, 0);
        llio_sqe_set_data(g_last, 7);
        LLT_EQ_I64(llio_submit(&r), 1);
        LLT_EQ_U64(r.kinflight, 1);
        llio_prep_read(sq(&r), fd, rb, 100, 0);
        LLT_EQ_I64(run1(&r, NULL), 100);
        LLT_EQ_MEM(rb, wb, 100);
        LLT_EQ_U64(r.kinflight, 1);
        LLT_EQ_I64(write(sv[1], "abc", 3), 3);
        LLT_REQUIRE(llio_wait(&r, 1, 5000000000ll) >= 1);
        LLT_EQ_U64(llio_reap(&r, c, 2), 1);
        LLT_EQ_I64(c[0].res, 3);
        LLT_EQ_U64(r.kinflight, 0);
        close(sv[0]);
        close(sv[1]);
    }
#endif
    /* the fd number reused by a tmpfs file, closed behind the ring's back: a waited read just reads
       it, the next NOWAIT try notices (EOPNOTSUPP) and reclassifies the number */
    {
        int fd2, k = fd;
        close(fd);
        fd2 = tmpfile_in(g_shm, path, sizeof path, 0);
        LLT_REQUIRE(fd2 >= 0);
        unlink(path);
        if (fd2 != k) { dup2(fd2, k); close(fd2); }
        LLT_REQUIRE(write(k, wb, 100) == 100);
        llio_prep_read(sq(&r), k, rb, 50, 10);
        LLT_EQ_I64(run1(&r, NULL), 50);
        LLT_EQ_MEM(rb, wb + 10, 50);
        memset(rb, 0, sizeof rb);
        llio_prep_read(sq(&r), k, rb, 50, 20);
        LLT_CHECK(llio_submit(&r) >= 0);
        LLT_EQ_I64(run1(&r, NULL), 50);
        LLT_EQ_MEM(rb, wb + 20, 50);
#ifndef LLIO_USE_LIBURING
        LLT_EQ_U64(r.fdclass[k], 2);
#endif
        close(k);
    }
    llio_destroy(&r);
}

static void open_close(unsigned fl) {
    llio_ring r;
    char path[300];
    int fd;
    int32_t res;
    snprintf(path, sizeof path, "%s/llio-open-%d", g_dir, (int)getpid());
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    llio_prep_openat(sq(&r), AT_FDCWD, path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    res = run1(&r, NULL);
    LLT_REQUIRE(res >= 0);
    fd = res;
    llio_prep_write(sq(&r), fd, "hello", 5, 0);
    LLT_EQ_I64(run1(&r, NULL), 5);
    llio_prep_close(sq(&r), fd);
    LLT_EQ_I64(run1(&r, NULL), 0);
    llio_prep_close(sq(&r), fd);
    LLT_EQ_I64(run1(&r, NULL), LLIO_EBADF);
    llio_prep_openat(sq(&r), AT_FDCWD, "/nonexistent/dir/x", O_RDONLY, 0);
    LLT_EQ_I64(run1(&r, NULL), LLIO_ENOENT);
    llio_prep_read(sq(&r), 12345, path, 4, 0);
    LLT_EQ_I64(run1(&r, NULL), LLIO_EBADF);
    llio_prep_write(sq(&r), -1, path, 4, 0);
    LLT_EQ_I64(run1(&r, NULL), LLIO_EBADF);
    /* fixed file index out of range */
    llio_prep_read(sq(&r), 3, path, 4, 0);
    g_last->flags = LLIO_SQE_FIXED_FILE;
    LLT_CHECK(run1(&r, NULL) < 0);
    LLT_EQ_I64(llio_register_files(&r, &fd, 1), LLIO_EBADF);
    unlink(path);
    llio_destroy(&r);
}
BOTH(open_close)

static void timeout_cancel(unsigned fl) {
    llio_ring r;
    llio_timespec ts;
    uint64_t ud = 0;
    int sv[2];
    char b[8];
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    ts.tv_sec = 0;
    ts.tv_nsec = 2000000;
    llio_prep_timeout(sq(&r), &ts, 0, 0);
    llio_sqe_set_data(g_last, 5);
    LLT_EQ_I64(run1(&r, &ud), LLIO_ETIME);
    LLT_EQ_U64(ud, 5);
    llio_prep_cancel(sq(&r), 0xdeadbeef);
    LLT_EQ_I64(run1(&r, NULL), LLIO_ENOENT);
    if (!(fl & LLIO_INIT_FALLBACK)) {
        /* a recv that cannot complete, then cancel it */
        llio_cqe c[2];
        unsigned n = 0;
        LLT_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
        llio_prep_recv(sq(&r), sv[0], b, sizeof b, 0);
        llio_sqe_set_data(g_last, 1);
        LLT_EQ_I64(llio_submit(&r), 1);
        LLT_EQ_I64(llio_wait(&r, 1, 5000000), LLIO_ETIME); /* wait timeout while pending */
        llio_prep_cancel(sq(&r), 1);
        llio_sqe_set_data(g_last, 2);
        LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
        n = llio_reap(&r, c, 2);
        LLT_EQ_U64(n, 2);
        for (n = 0; n < 2; n++) LLT_EQ_I64(c[n].res, c[n].user_data == 1 ? LLIO_ECANCELED : 0);
        /* timeout with count: completes with 0 after one other completion */
        llio_prep_timeout(sq(&r), &ts, 1, 0);
        ts.tv_sec = 5;
        llio_sqe_set_data(g_last, 3);
        LLT_EQ_I64(llio_submit(&r), 1);
        llio_prep_nop(sq(&r));
        LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
        n = llio_reap(&r, c, 2);
        LLT_EQ_U64(n, 2);
        for (n = 0; n < 2; n++) LLT_EQ_I64(c[n].res, 0);
        close(sv[0]);
        close(sv[1]);
    }
    llio_destroy(&r);
}
BOTH(timeout_cancel)

static void links(unsigned fl) {
    llio_ring r;
    char path[300], rb[16];
    int fd;
    llio_cqe c[4];
    unsigned n, i;
    llio_sqe *s;
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    /* write -> read linked: the read sees the write */
    s = sq(&r);
    llio_prep_write(s, fd, "linkdata", 8, 0);
    llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
    llio_sqe_set_data(s, 1);
    s = sq(&r);
    llio_prep_read(s, fd, rb, 8, 0);
    llio_sqe_set_data(s, 2);
    LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
    n = llio_reap(&r, c, 4);
    LLT_EQ_U64(n, 2);
    for (i = 0; i < n; i++) LLT_EQ_I64(c[i].res, 8);
    LLT_EQ_MEM(rb, "linkdata", 8);
    /* failing head cancels the chain; hardlink continues; chain ends after the last */
    s = sq(&r);
    llio_prep_read(s, -1, rb, 8, 0);
    llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
    llio_sqe_set_data(s, 10);
    s = sq(&r);
    llio_prep_nop(s);
    llio_sqe_set_data(s, 11);
    s = sq(&r);
    llio_prep_read(s, -1, rb, 8, 0);
    llio_sqe_set_flags(s, LLIO_SQE_IO_HARDLINK);
    llio_sqe_set_data(s, 12);
    s = sq(&r);
    llio_prep_nop(s);
    llio_sqe_set_data(s, 13);
    LLT_REQUIRE(llio_wait(&r, 4, 5000000000ll) >= 4);
    n = llio_reap(&r, c, 4);
    LLT_EQ_U64(n, 4);
    for (i = 0; i < n; i++) {
        int32_t want = c[i].user_data == 10 ? LLIO_EBADF : c[i].user_data == 11 ? LLIO_ECANCELED
                     : c[i].user_data == 12 ? LLIO_EBADF : 0;
        LLT_CHECKF(c[i].res == want, "ud %llu res %d want %d", (unsigned long long)c[i].user_data,
                   c[i].res, want);
    }
    /* short read breaks a link */
    s = sq(&r);
    llio_prep_read(s, fd, rb, 16, 0);
    llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
    llio_sqe_set_data(s, 20);
    s = sq(&r);
    llio_prep_nop(s);
    llio_sqe_set_data(s, 21);
    LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
    n = llio_reap(&r, c, 4);
    LLT_EQ_U64(n, 2);
    for (i = 0; i < n; i++) LLT_EQ_I64(c[i].res, c[i].user_data == 20 ? 8 : LLIO_ECANCELED);
    /* CQE_SKIP_SUCCESS: only the second completion shows */
    if (r.backend == LLIO_BACKEND_FALLBACK || (r.features & LLIO_FEAT_CQE_SKIP)) {
        s = sq(&r);
        llio_prep_nop(s);
        llio_sqe_set_flags(s, LLIO_SQE_CQE_SKIP_SUCCESS);
        llio_sqe_set_data(s, 30);
        s = sq(&r);
        llio_prep_nop(s);
        llio_sqe_set_data(s, 31);
        LLT_REQUIRE(llio_wait(&r, 1, 5000000000ll) >= 1);
        n = llio_reap(&r, c, 4);
        LLT_EQ_U64(n, 1);
        LLT_EQ_U64(c[0].user_data, 31);
    }
    llio_destroy(&r);
    close(fd);
}
BOTH(links)

static int tcp_listener(uint16_t *port) {
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (l < 0) return -1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 16) < 0 ||
        getsockname(l, (struct sockaddr *)&a, &al) < 0) {
        close(l);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return l;
}

/* ---------------- linked timeouts: the kernel's, and the fallback's poll-then-run equivalent ---------------- */
static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* submit `n` SQEs already prepared, collect n completions by user_data 1..n into res[] */
static int collect(llio_ring *r, unsigned n, int32_t *res) {
    llio_cqe c[8];
    unsigned got = 0, i, k;
    for (i = 0; i < n; i++) res[i] = 1;
    while (got < n) {
        int w = llio_wait(r, 1, 5000000000ll);
        if (w < 0) return w;
        k = llio_reap(r, c, 8);
        for (i = 0; i < k; i++) {
            if (c[i].user_data < 1 || c[i].user_data > n) return -1000;
            res[c[i].user_data - 1] = c[i].res;
        }
        got += k;
    }
    return 0;
}

/* link the SQE just prepared (user data 1) to a LINK_TIMEOUT (user data 2); link_on: the timeout is
   itself linked to the SQE queued after it */
static void link_with_timeout(llio_ring *r, llio_sqe *s, const llio_timespec *ts, unsigned tflags,
                              int link_on) {
    llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
    llio_sqe_set_data(s, 1);
    s = sq(r);
    llio_prep_link_timeout(s, ts, tflags);
    if (link_on) llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
    llio_sqe_set_data(s, 2);
}

/* recv (data 1) -> its LINK_TIMEOUT (2) -> a nop (3), all linked */
static void recv_timeout_nop(llio_ring *r, int fd, void *b, size_t n, const llio_timespec *ts) {
    llio_sqe *s = sq(r);
    llio_prep_recv(s, fd, b, n, 0);
    link_with_timeout(r, s, ts, 0, 1);
    s = sq(r);
    llio_prep_nop(s);
    llio_sqe_set_data(s, 3);
}

static void link_timeout(unsigned fl) {
    llio_ring r;
    llio_timespec ts;
    int sv[2], fd;
    char b[16], path[300];
    int32_t res[4];
    uint64_t t0, el;
    llio_sqe *s;
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    LLT_CHECK(llio_op_supported(&r, LLIO_OP_LINK_TIMEOUT));
    LLT_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    ts.tv_sec = 0;
    ts.tv_nsec = 20000000; /* 20 ms */
    /* nothing to receive: the recv is cancelled, the timeout fires, the chain after it is cancelled */
    recv_timeout_nop(&r, sv[0], b, sizeof b, &ts);
    t0 = now_ns();
    LLT_REQUIRE(collect(&r, 3, res) == 0);
    el = now_ns() - t0;
    LLT_EQ_I64(res[0], LLIO_ECANCELED);
    LLT_EQ_I64(res[1], LLIO_ETIME);
    LLT_EQ_I64(res[2], LLIO_ECANCELED);
    LLT_CHECKF(el >= 15000000 && el < 2000000000ull, "waited %llu ns for a 20 ms link timeout",
               (unsigned long long)el);
    /* data ready: the recv completes, the timeout is cancelled, the chain goes on */
    LLT_REQUIRE(write(sv[1], "hello", 5) == 5);
    recv_timeout_nop(&r, sv[0], b, sizeof b, &ts);
    LLT_REQUIRE(collect(&r, 3, res) == 0);
    LLT_EQ_I64(res[0], 5);
    LLT_EQ_I64(res[1], LLIO_ECANCELED);
    LLT_EQ_I64(res[2], 0);
    LLT_EQ_MEM(b, "hello", 5);
    /* data arriving before the deadline (written by a second process 5 ms in) */
    {
        pid_t pid = fork();
        int st = 0;
        LLT_REQUIRE(pid >= 0);
        if (pid == 0) {
            usleep(5000);
            _exit(write(sv[1], "late", 4) == 4 ? 0 : 1);
        }
        ts.tv_sec = 2;
        ts.tv_nsec = 0;
        s = sq(&r);
        llio_prep_recv(s, sv[0], b, sizeof b, 0);
        link_with_timeout(&r, s, &ts, 0, 0);
        LLT_REQUIRE(collect(&r, 2, res) == 0);
        LLT_EQ_I64(res[0], 4);
        LLT_EQ_I64(res[1], LLIO_ECANCELED);
        LLT_EQ_MEM(b, "late", 4);
        waitpid(pid, &st, 0);
        LLT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* absolute deadline (CLOCK_MONOTONIC) on a poll that never becomes ready */
    {
        uint64_t dl = now_ns() + 10000000;
        ts.tv_sec = (int64_t)(dl / 1000000000u);
        ts.tv_nsec = (long long)(dl % 1000000000u);
        s = sq(&r);
        llio_prep_poll_add(s, sv[0], POLLIN);
        link_with_timeout(&r, s, &ts, LLIO_TIMEOUT_ABS, 0);
        LLT_REQUIRE(collect(&r, 2, res) == 0);
        LLT_EQ_I64(res[0], LLIO_ECANCELED);
        LLT_EQ_I64(res[1], LLIO_ETIME);
        LLT_CHECK(now_ns() >= dl);
    }
    /* a file read never waits: it completes, the timeout is cancelled */
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    LLT_REQUIRE(pwrite(fd, "filedata", 8, 0) == 8);
    ts.tv_sec = 1;
    ts.tv_nsec = 0;
    s = sq(&r);
    llio_prep_read(s, fd, b, 8, 0);
    link_with_timeout(&r, s, &ts, 0, 0);
    LLT_REQUIRE(collect(&r, 2, res) == 0);
    LLT_EQ_I64(res[0], 8);
    LLT_EQ_I64(res[1], LLIO_ECANCELED);
    LLT_EQ_MEM(b, "filedata", 8);
    /* the linked request fails: the timeout is cancelled with it */
    s = sq(&r);
    llio_prep_read(s, -1, b, 8, 0);
    link_with_timeout(&r, s, &ts, 0, 0);
    LLT_REQUIRE(collect(&r, 2, res) == 0);
    LLT_EQ_I64(res[0], LLIO_EBADF);
    LLT_EQ_I64(res[1], LLIO_ECANCELED);
    /* a linked timeout with no request before it is invalid */
    s = sq(&r);
    llio_prep_link_timeout(s, &ts, 0);
    llio_sqe_set_data(s, 1);
    LLT_REQUIRE(collect(&r, 1, res) == 0);
    LLT_EQ_I64(res[0], LLIO_EINVAL);
    close(fd);
    close(sv[0]);
    close(sv[1]);
    llio_destroy(&r);
}
BOTH(link_timeout)

/* A connect bounded by a linked timeout: to a listening port it completes in time; to an address
   that drops SYNs (none is reliable on a test machine) it would be cut short - the success path
   and the fallback's non-blocking connect + restore of the socket's flags are what is checked. */
static void link_timeout_connect(unsigned fl) {
    llio_ring r;
    llio_timespec ts;
    int l, c, a;
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int32_t res[2];
    llio_sqe *s;
    l = socket(AF_INET, SOCK_STREAM, 0);
    LLT_REQUIRE(l >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LLT_REQUIRE(bind(l, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(l, 4) == 0);
    LLT_REQUIRE(getsockname(l, (struct sockaddr *)&sa, &sl) == 0);
    c = socket(AF_INET, SOCK_STREAM, 0);
    LLT_REQUIRE(c >= 0);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    ts.tv_sec = 2;
    ts.tv_nsec = 0;
    s = sq(&r);
    llio_prep_connect(s, c, (struct sockaddr *)&sa, sizeof sa);
    link_with_timeout(&r, s, &ts, 0, 0);
    LLT_REQUIRE(collect(&r, 2, res) == 0);
    LLT_EQ_I64(res[0], 0);
    LLT_EQ_I64(res[1], LLIO_ECANCELED);
    LLT_CHECK(!(fcntl(c, F_GETFL) & O_NONBLOCK)); /* the caller's blocking socket stays blocking */
    a = accept(l, NULL, NULL);
    LLT_REQUIRE(a >= 0);
    LLT_EQ_I64(write(c, "x", 1), 1);
    close(a);
    close(c);
    close(l);
    llio_destroy(&r);
}
BOTH(link_timeout_connect)

/* ---------------- IOPOLL: completions found by polling, not by interrupt-driven wakeups ---------------- */
/* Write 8 blocks, read them back, compare. Returns 1 when done, 0 when every request was refused
   with EOPNOTSUPP (the device has no poll queues: the kernel fails polled bios at once) - never a
   hang or a lost completion. */
static int iopoll_rw(llio_ring *r, int fd, unsigned char *wb, unsigned char *rb, size_t len) {
    llio_cqe c[8];
    unsigned i, got, pass, refused = 0;
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < 8; i++) {
            if (pass == 0) llio_prep_write(sq(r), fd, wb + i * len, (unsigned)len, (uint64_t)i * len);
            else llio_prep_read(sq(r), fd, rb + i * len, (unsigned)len, (uint64_t)i * len);
            llio_sqe_set_data(g_last, i);
        }
        for (got = 0; got < 8;) {
            unsigned k;
            if (llio_wait(r, 1, 5000000000ll) <= 0) {
                LLT_CHECKF(0, "IOPOLL %s: completion missing (%u of 8)", pass ? "read" : "write", got);
                return 0;
            }
            k = llio_reap(r, c, 8);
            for (i = 0; i < k; i++) {
                if (c[i].res == LLIO_EOPNOTSUPP) refused++;
                else LLT_EQ_I64(c[i].res, (int64_t)len);
            }
            got += k;
        }
        if (pass == 0 && refused) break;
    }
    if (refused) {
        LLT_EQ_U64(refused, 8);
        return 0;
    }
    LLT_EQ_U64(fnv(rb, 8 * len), fnv(wb, 8 * len));
    LLT_EQ_MEM(rb, wb, 8 * len);
    return 1;
}

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void iopoll(unsigned fl) {
    llio_ring r;
    char path[300];
    int fd, e, bfd;
    unsigned char *wb = (unsigned char *)llio_aligned_alloc(8 * 8192, 4096);
    unsigned char *rb = (unsigned char *)llio_aligned_alloc(8 * 8192, 4096);
    LLT_REQUIRE(wb && rb);
    fill(wb, 8 * 8192, 77);
    fd = tmpfile_in(g_dir, path, sizeof path, O_DIRECT);
    if (fd < 0) LLT_SKIP("O_DIRECT not supported in %s", g_dir);
    e = open_ring(&r, 8, fl | LLIO_INIT_IOPOLL);
    if (e) {
        close(fd);
        unlink(path);
        LLT_SKIP("IOPOLL ring refused: %s", llio_strerror(e));
    }
    if (!(fl & LLIO_INIT_FALLBACK)) {
        LLT_CHECK(r.setup_flags & LLIO_SETUP_IOPOLL);
        LLT_CHECK(!r.direct);
    }
    /* NOPs complete through the polling loop */
    {
        unsigned i, got = 0;
        llio_cqe c[8];
        for (i = 0; i < 8; i++) {
            llio_prep_nop(sq(&r));
            llio_sqe_set_data(g_last, 50 + i);
        }
        while (got < 8) {
            unsigned k;
            LLT_REQUIRE(llio_wait(&r, 1, 5000000000ll) > 0);
            k = llio_reap(&r, c, 8);
            for (i = 0; i < k; i++) LLT_EQ_I64(c[i].res, 0);
            got += k;
        }
    }
    if (iopoll_rw(&r, fd, wb, rb, 8192) == 0) {
        LLT_CHECK(!(fl & LLIO_INIT_FALLBACK)); /* the fallback ignores IOPOLL: it must just work */
        printf("  note: %s: O_DIRECT under IOPOLL refused with EOPNOTSUPP (device without poll queues)\n",
               g_dir);
    }
    /* a buffered file cannot be polled: the kernel refuses it (the fallback just reads it) */
    bfd = open(path, O_RDONLY);
    LLT_REQUIRE(bfd >= 0);
    llio_prep_read(sq(&r), bfd, rb, 4096, 0);
    LLT_EQ_I64(run1(&r, NULL), (fl & LLIO_INIT_FALLBACK) ? 4096 : LLIO_EOPNOTSUPP);
    close(bfd);
    close(fd);
    unlink(path);
    llio_destroy(&r);
    /* a polled block device: null_blk with poll queues, loaded here if it is a module */
    {
        struct stat st;
        int loaded = 0, have = stat("/sys/module/null_blk", &st) == 0;
        char why[200];
        why[0] = 0;
        if (!have && geteuid() == 0 && sh("command -v modprobe >/dev/null 2>&1") == 0) {
            loaded = sh("modprobe null_blk nr_devices=1 queue_mode=2 poll_queues=2 memory_backed=1 "
                        "gb=1 bs=4096 >/dev/null 2>&1") == 0;
            have = loaded;
            if (!loaded) snprintf(why, sizeof why, "modprobe null_blk failed");
        } else if (!have) {
            snprintf(why, sizeof why, "%s", geteuid() ? "not root" : "no modprobe (kernel without module support?)");
        }
        if (have) {
            int pf = open("/sys/block/nullb0/queue/io_poll", O_RDONLY);
            char v = '0';
            if (pf >= 0) {
                if (read(pf, &v, 1) != 1) v = '0';
                close(pf);
            }
            fd = open("/dev/nullb0", O_RDWR | O_DIRECT);
            if (fd >= 0 && v == '1' && open_ring(&r, 8, fl | LLIO_INIT_IOPOLL) == 0) {
                printf("  note: IOPOLL against /dev/nullb0 (poll queues)\n");
                LLT_CHECK(iopoll_rw(&r, fd, wb, rb, 4096));
                llio_destroy(&r);
            } else {
                snprintf(why, sizeof why, "/dev/nullb0 %s", fd < 0 ? "cannot be opened" : "has no poll queues");
            }
            if (fd >= 0) close(fd);
            if (loaded) sh("modprobe -r null_blk >/dev/null 2>&1");
        }
        if (why[0]) printf("  note: no polled block device (null_blk: %s); IOPOLL checked on %s only\n", why, g_dir);
    }
    llio_aligned_free(wb);
    llio_aligned_free(rb);
}
BOTH(iopoll)

static int tcp_pair(int *cli, int *srv) {
    uint16_t port;
    struct sockaddr_in a;
    int l = tcp_listener(&port);
    if (l < 0) return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    *cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*cli < 0 || connect(*cli, (struct sockaddr *)&a, sizeof a) < 0) return -1;
    *srv = accept(l, NULL, NULL);
    close(l);
    return *srv < 0 ? -1 : 0;
}

static void sockets(unsigned fl) {
    llio_ring r;
    uint16_t port;
    int l, c, srv = -1;
    struct sockaddr_in a, peer;
    socklen_t plen = sizeof peer;
    llio_cqe cq[4];
    unsigned n, i;
    char msg[64], got[64];
    l = tcp_listener(&port);
    LLT_REQUIRE(l >= 0);
    c = socket(AF_INET, SOCK_STREAM, 0);
    LLT_REQUIRE(c >= 0);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    llio_prep_connect(sq(&r), c, (struct sockaddr *)&a, sizeof a);
    llio_sqe_set_data(g_last, 1);
    llio_prep_accept(sq(&r), l, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    llio_sqe_set_data(g_last, 2);
    LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
    n = llio_reap(&r, cq, 4);
    LLT_EQ_U64(n, 2);
    for (i = 0; i < n; i++) {
        if (cq[i].user_data == 1) LLT_EQ_I64(cq[i].res, 0);
        else { LLT_CHECK(cq[i].res >= 0); srv = cq[i].res; }
    }
    LLT_REQUIRE(srv >= 0);
    LLT_EQ_U64(peer.sin_family, AF_INET);
    fill(msg, sizeof msg, 3);
    llio_prep_send(sq(&r), c, msg, sizeof msg, 0);
    LLT_EQ_I64(run1(&r, NULL), (int64_t)sizeof msg);
    llio_prep_recv(sq(&r), srv, got, sizeof got, MSG_WAITALL);
    LLT_EQ_I64(run1(&r, NULL), (int64_t)sizeof got);
    LLT_EQ_MEM(got, msg, sizeof msg);
    /* sendmsg / recvmsg */
    {
        struct iovec v;
        struct msghdr m;
        v.iov_base = msg;
        v.iov_len = 10;
        memset(&m, 0, sizeof m);
        m.msg_iov = &v;
        m.msg_iovlen = 1;
        llio_prep_sendmsg(sq(&r), srv, &m, 0);
        LLT_EQ_I64(run1(&r, NULL), 10);
        v.iov_base = got;
        llio_prep_recvmsg(sq(&r), c, &m, MSG_WAITALL);
        LLT_EQ_I64(run1(&r, NULL), 10);
        LLT_EQ_MEM(got, msg, 10);
    }
    /* poll */
    LLT_REQUIRE(write(c, "x", 1) == 1);
    llio_prep_poll_add(sq(&r), srv, POLLIN);
    LLT_CHECK(run1(&r, NULL) & POLLIN);
    /* send on a closed socket */
    close(srv);
    llio_prep_recv(sq(&r), srv, got, 4, 0);
    LLT_EQ_I64(run1(&r, NULL), LLIO_EBADF);
    llio_destroy(&r);
    close(c);
    close(l);
}
BOTH(sockets)

static void splice_op(unsigned fl) {
    llio_ring r;
    char p1[300], p2[300];
    static unsigned char wb[20000], rb[20000];
    int a, b, pp[2];
    a = tmpfile_in(g_dir, p1, sizeof p1, 0);
    b = tmpfile_in(g_dir, p2, sizeof p2, 0);
    LLT_REQUIRE(a >= 0 && b >= 0);
    unlink(p1);
    unlink(p2);
    fill(wb, sizeof wb, 11);
    LLT_REQUIRE(write(a, wb, sizeof wb) == (ssize_t)sizeof wb);
    LLT_REQUIRE(pipe(pp) == 0);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    /* file -> pipe -> file, 4 KiB at a time (linked) */
    {
        uint64_t off = 0;
        while (off < sizeof wb) {
            unsigned len = (unsigned)(sizeof wb - off < 4096 ? sizeof wb - off : 4096);
            llio_sqe *s = sq(&r);
            llio_cqe c[2];
            llio_prep_splice(s, a, off, pp[1], (uint64_t)-1, len, 0);
            llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
            s = sq(&r);
            llio_prep_splice(s, pp[0], (uint64_t)-1, b, off, len, 0);
            LLT_REQUIRE(llio_wait(&r, 2, 5000000000ll) >= 2);
            LLT_EQ_U64(llio_reap(&r, c, 2), 2);
            LLT_EQ_I64(c[0].res, len);
            LLT_EQ_I64(c[1].res, len);
            off += len;
        }
    }
    LLT_EQ_I64(pread(b, rb, sizeof rb, 0), (int64_t)sizeof rb);
    LLT_EQ_U64(fnv(rb, sizeof rb), fnv(wb, sizeof wb));
    llio_destroy(&r);
    close(a);
    close(b);
    close(pp[0]);
    close(pp[1]);
}
BOTH(splice_op)

static void fixed_files(unsigned fl) {
    llio_ring r;
    char path[300];
    int fds[3];
    unsigned char wb[512], rb[512];
    llio_sqe *s;
    fds[0] = -1;
    fds[1] = tmpfile_in(g_dir, path, sizeof path, 0);
    fds[2] = -1;
    LLT_REQUIRE(fds[1] >= 0);
    unlink(path);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    LLT_REQUIRE(llio_register_files(&r, fds, 3) == 0);
    fill(wb, sizeof wb, 9);
    s = sq(&r);
    llio_prep_write(s, 1, wb, sizeof wb, 0);
    llio_sqe_set_flags(s, LLIO_SQE_FIXED_FILE);
    LLT_EQ_I64(run1(&r, NULL), (int64_t)sizeof wb);
    s = sq(&r);
    llio_prep_read(s, 1, rb, sizeof rb, 0);
    llio_sqe_set_flags(s, LLIO_SQE_FIXED_FILE);
    LLT_EQ_I64(run1(&r, NULL), (int64_t)sizeof rb);
    LLT_EQ_MEM(rb, wb, sizeof wb);
    s = sq(&r);
    llio_prep_read(s, 0, rb, sizeof rb, 0); /* empty slot */
    llio_sqe_set_flags(s, LLIO_SQE_FIXED_FILE);
    LLT_EQ_I64(run1(&r, NULL), LLIO_EBADF);
    LLT_CHECK(llio_unregister_files(&r) == 0);
    LLT_EQ_I64(llio_unregister_files(&r), LLIO_EINVAL);
    llio_destroy(&r);
    close(fds[1]);
}
BOTH(fixed_files)

/* full SQ, CQ overflow: no completion lost, no hang */
static void sq_full_cq_overflow(unsigned fl) {
    llio_ring r;
    unsigned i, k, total = 0, got = 0;
    llio_cqe c[64];
    uint64_t sum = 0, want = 0;
    LLT_REQUIRE(open_ring(&r, 4, fl) == 0);
    for (i = 0; i < 4; i++) {
        llio_sqe *s = sq(&r);
        LLT_REQUIRE(s != NULL);
        llio_prep_nop(s);
        llio_sqe_set_data(s, 0);
    }
    LLT_CHECK(sq(&r) == NULL);
    LLT_EQ_U64(llio_sq_space(&r), 0);
    LLT_EQ_I64(llio_submit(&r), 4);
    total = 4;
    /* 40 rounds of 4 without reaping: CQ (8) overflows many times */
    for (k = 0; k < 40; k++) {
        for (i = 0; i < 4; i++) {
            llio_sqe *s = sq(&r);
            LLT_REQUIRE(s);
            llio_prep_nop(s);
            llio_sqe_set_data(s, total + 1);
            want += total + 1;
            total++;
        }
        {
            int e = llio_submit(&r);
            LLT_CHECKF(e == 4 || e == LLIO_EBUSY, "submit %d", e);
            if (e == LLIO_EBUSY) break;
        }
    }
    for (;;) {
        unsigned n = llio_reap(&r, c, 64);
        if (n == 0) {
            if (llio_wait(&r, 1, 100000000) < 0) break;
            continue;
        }
        for (i = 0; i < n; i++) sum += c[i].user_data;
        got += n;
    }
    LLT_EQ_U64(got, total);
    LLT_EQ_U64(sum, want);
    {
        llio_stats st;
        llio_ring_stats(&r, &st);
        LLT_EQ_U64(st.submitted[LLIO_KIND_NOP], total);
        LLT_EQ_U64(st.completions, total);
        LLT_EQ_U64(st.cq_dropped, 0);
        /* the CQ (8) held 164 completions back: llio noticed and flushed them */
        if (!(fl & LLIO_INIT_FALLBACK)) LLT_CHECKF(st.cq_overflows > 0, "cq_overflows %llu", (unsigned long long)st.cq_overflows);
        else LLT_EQ_U64(st.cq_overflows, 0);
    }
    llio_destroy(&r);
}
BOTH(sq_full_cq_overflow)

/* O_DIRECT through the ring: aligned ok, misaligned -EINVAL */
static void odirect(unsigned fl) {
    llio_ring r;
    char path[300];
    int fd;
    unsigned ma = 0, oa = 0;
    unsigned char *wb, *rb;
    fd = tmpfile_in(g_dir, path, sizeof path, O_DIRECT);
    if (fd < 0) LLT_SKIP("O_DIRECT not supported in %s", g_dir);
    unlink(path);
    LLT_REQUIRE(llio_dio_align(fd, &ma, &oa) == 0);
    LLT_CHECK(ma >= 1 && ma <= 4096 && oa >= 512 && oa <= 4096);
    wb = (unsigned char *)llio_aligned_alloc(65536, 4096);
    rb = (unsigned char *)llio_aligned_alloc(65536 + 4096, 4096);
    LLT_REQUIRE(wb && rb);
    LLT_CHECK(((uintptr_t)wb & 4095) == 0);
    fill(wb, 65536, 5);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    llio_prep_write(sq(&r), fd, wb, 65536, 0);
    LLT_EQ_I64(run1(&r, NULL), 65536);
    llio_prep_read(sq(&r), fd, rb, 65536, 0);
    LLT_EQ_I64(run1(&r, NULL), 65536);
    LLT_EQ_U64(fnv(rb, 65536), fnv(wb, 65536));
    if (oa > 1) {
        llio_prep_read(sq(&r), fd, rb, 4096, 1); /* misaligned offset */
        LLT_EQ_I64(run1(&r, NULL), LLIO_EINVAL);
        llio_prep_read(sq(&r), fd, rb, 100, 0); /* misaligned length */
        LLT_EQ_I64(run1(&r, NULL), LLIO_EINVAL);
    }
    if (ma > 1) {
        llio_prep_read(sq(&r), fd, rb + 1, 4096, 0); /* misaligned buffer */
        LLT_EQ_I64(run1(&r, NULL), LLIO_EINVAL);
    }
    llio_destroy(&r);
    close(fd);
    llio_aligned_free(wb);
    llio_aligned_free(rb);
    LLT_EQ_I64(llio_dio_align(-1, &ma, &oa), LLIO_EBADF);
    LLT_CHECK(llio_aligned_alloc(10, 3) == NULL);
}
BOTH(odirect)

/* ---------------- fallback forced by seccomp / sysctl ---------------- */
static int workload_in_child(int expect_errno) {
    /* returns 0 if the ring fell back with the expected reason and every op worked */
    llio_ring r;
    char path[300];
    unsigned char wb[4096], rb[4096];
    int fd, e = llio_init(&r, 8, 0);
    if (e != 0) return 10;
    if (r.backend != LLIO_BACKEND_FALLBACK) return 11;
    if (r.setup_errno != expect_errno) return 12;
    if (llio_init(&r, 8, LLIO_INIT_NO_FALLBACK) != -expect_errno) return 13;
    e = llio_init(&r, 8, 0);
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    if (fd < 0) return 14;
    unlink(path);
    fill(wb, sizeof wb, 3);
    llio_prep_write(sq(&r), fd, wb, sizeof wb, 0);
    if (run1(&r, NULL) != (int32_t)sizeof wb) return 15;
    llio_prep_read(sq(&r), fd, rb, sizeof rb, 0);
    if (run1(&r, NULL) != (int32_t)sizeof rb) return 16;
    if (memcmp(rb, wb, sizeof wb)) return 17;
    llio_destroy(&r);
    close(fd);
    return 0;
}

static void seccomp_fallback(void) {
    int err;
    if (!have_uring()) LLT_SKIP("io_uring already unavailable (%s): fallback tested directly",
                                llio_strerror(g_uring_err));
    for (err = 0; err < 2; err++) {
        int want = err ? EPERM : ENOSYS, st = 0;
        pid_t pid = fork();
        LLT_REQUIRE(pid >= 0);
        if (pid == 0) {
            struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 425, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (uint32_t)want),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            };
            struct sock_fprog prog;
            prog.len = (unsigned short)(sizeof f / sizeof f[0]);
            prog.filter = f;
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(20);
            if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) _exit(21);
            _exit(workload_in_child(want));
        }
        LLT_REQUIRE(waitpid(pid, &st, 0) == pid);
        LLT_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "errno %d: child status %d", want,
                   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
}

static int read_sysctl(void) {
    char b[16] = {0};
    int fd = open("/proc/sys/kernel/io_uring_disabled", O_RDONLY);
    ssize_t n;
    if (fd < 0) return -1;
    n = read(fd, b, sizeof b - 1);
    close(fd);
    return n > 0 ? atoi(b) : -1;
}
static int write_sysctl(int v) {
    char b[4];
    int fd = open("/proc/sys/kernel/io_uring_disabled", O_WRONLY), ok;
    if (fd < 0) return -1;
    snprintf(b, sizeof b, "%d", v);
    ok = write(fd, b, strlen(b)) == (ssize_t)strlen(b);
    close(fd);
    return ok ? 0 : -1;
}

static void sysctl_fallback(void) {
    int old, st = 0;
    pid_t pid;
    if (!have_uring()) LLT_SKIP("io_uring already unavailable");
    if (geteuid() != 0) LLT_SKIP("not root: cannot set kernel.io_uring_disabled");
    old = read_sysctl();
    if (old < 0) LLT_SKIP("no /proc/sys/kernel/io_uring_disabled (kernel < 6.6)");
    if (g_lockfd < 0 || flock(g_lockfd, LOCK_EX | LOCK_NB) != 0)
        LLT_SKIP("another llio test runs concurrently; not touching the sysctl");
    if (write_sysctl(2) != 0) {
        flock(g_lockfd, LOCK_SH);
        LLT_SKIP("cannot write kernel.io_uring_disabled");
    }
    pid = fork();
    if (pid == 0) _exit(workload_in_child(EPERM));
    if (pid > 0) waitpid(pid, &st, 0);
    LLT_CHECK(write_sysctl(old) == 0);
    flock(g_lockfd, LOCK_SH);
    LLT_EQ_I64(read_sysctl(), old);
    LLT_REQUIRE(pid > 0);
    LLT_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d",
               WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* ---------------- vectored helpers ---------------- */
typedef struct pipe_job {
    int fd;
    unsigned char *buf;
    size_t len, chunk;
    int64_t res;
} pipe_job;

static void *pipe_reader(void *arg) {
    pipe_job *j = (pipe_job *)arg;
    size_t got = 0;
    while (got < j->len) {
        ssize_t n = read(j->fd, j->buf + got, j->chunk < j->len - got ? j->chunk : j->len - got);
        if (n <= 0) break;
        got += (size_t)n;
        usleep(100);
    }
    j->res = (int64_t)got;
    return NULL;
}
static void *pipe_writer(void *arg) {
    pipe_job *j = (pipe_job *)arg;
    size_t put = 0;
    while (put < j->len) {
        ssize_t n = write(j->fd, j->buf + put, j->chunk < j->len - put ? j->chunk : j->len - put);
        if (n <= 0) break;
        put += (size_t)n;
        usleep(100);
    }
    close(j->fd);
    j->res = (int64_t)put;
    return NULL;
}

static volatile sig_atomic_t g_sigs;
static void on_sig(int s) { (void)s; g_sigs++; }

static void vectored(void) {
    enum { LEN = 200000 };
    static unsigned char src[LEN], dst[LEN];
    struct iovec v[7];
    size_t cuts[8] = {0, 1, 100, 4096, 4097, 50000, 150000, LEN};
    int p[2], i;
    pthread_t th;
    pipe_job j;
    char path[300];
    int fd;
    struct sigaction sa;
    fill(src, LEN, 21);
    for (i = 0; i < 7; i++) {
        v[i].iov_base = src + cuts[i];
        v[i].iov_len = cuts[i + 1] - cuts[i];
    }
    /* partial writes: a 4 KiB pipe drained slowly in 1000-byte reads */
    LLT_REQUIRE(pipe(p) == 0);
    fcntl(p[1], F_SETPIPE_SZ, 4096);
    memset(dst, 0, LEN);
    j.fd = p[0];
    j.buf = dst;
    j.len = LEN;
    j.chunk = 1000;
    j.res = 0;
    LLT_REQUIRE(pthread_create(&th, NULL, pipe_reader, &j) == 0);
    LLT_EQ_I64(llio_writev_full(p[1], v, 7), LEN);
    pthread_join(th, NULL);
    LLT_EQ_I64(j.res, LEN);
    LLT_EQ_MEM(dst, src, LEN);
    close(p[0]);
    close(p[1]);
    /* partial reads with EINTR: writer trickles 777-byte pieces, signals interrupt the reader */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sig; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    LLT_REQUIRE(pipe(p) == 0);
    memset(dst, 0, LEN);
    for (i = 0; i < 7; i++) {
        v[i].iov_base = dst + cuts[i];
        v[i].iov_len = cuts[i + 1] - cuts[i];
    }
    j.fd = p[1];
    j.buf = src;
    j.chunk = 777;
    LLT_REQUIRE(pthread_create(&th, NULL, pipe_writer, &j) == 0);
    {
        pthread_t self = pthread_self();
        (void)self;
    }
    LLT_EQ_I64(llio_readv_full(p[0], v, 7), LEN);
    pthread_join(th, NULL);
    LLT_EQ_MEM(dst, src, LEN);
    close(p[0]);
    /* EINTR explicitly: signal a thread blocked in readv_full */
    {
        int q[2];
        unsigned char b[64];
        struct iovec one;
        LLT_REQUIRE(pipe(q) == 0);
        one.iov_base = b;
        one.iov_len = sizeof b;
        g_sigs = 0;
        if (fork() == 0) { /* child: interrupt the parent twice, then write */
            pid_t pp = getppid();
            usleep(20000);
            kill(pp, SIGUSR1);
            usleep(20000);
            kill(pp, SIGUSR1);
            usleep(20000);
            if (write(q[1], src, 32) != 32) _exit(1);
            usleep(20000);
            if (write(q[1], src + 32, 32) != 32) _exit(1);
            _exit(0);
        }
        close(q[1]);
        LLT_EQ_I64(llio_readv_full(q[0], &one, 1), 64);
        LLT_EQ_MEM(b, src, 64);
        LLT_CHECK(g_sigs >= 1);
        wait(NULL);
        close(q[0]);
    }
    /* pread/pwrite at offsets, short read at EOF, invalid fds */
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    for (i = 0; i < 7; i++) {
        v[i].iov_base = src + cuts[i];
        v[i].iov_len = cuts[i + 1] - cuts[i];
    }
    LLT_EQ_I64(llio_pwritev_full(fd, v, 7, 1000), LEN);
    LLT_EQ_I64(llio_pread_full(fd, dst, LEN, 1000), LEN);
    LLT_EQ_MEM(dst, src, LEN);
    LLT_EQ_I64(llio_pread_full(fd, dst, LEN, 1000 + LEN - 10), 10);
    LLT_EQ_I64(llio_pread_full(fd, dst, LEN, 10 * LEN), 0);
    LLT_EQ_I64(llio_pwrite_full(fd, "abc", 3, 0), 3);
    /* more iovecs than IOV_MAX (1024): split into several calls */
    {
        static struct iovec many[1500];
        int m;
        for (m = 0; m < 1500; m++) {
            many[m].iov_base = src + (size_t)m * 100;
            many[m].iov_len = 100;
        }
        LLT_EQ_I64(llio_pwritev_full(fd, many, 1500, 0), 150000);
        for (m = 0; m < 1500; m++) many[m].iov_base = dst + (size_t)m * 100;
        memset(dst, 0, 150000);
        LLT_EQ_I64(llio_preadv_full(fd, many, 1500, 0), 150000);
        LLT_EQ_MEM(dst, src, 150000);
        /* the coalescer splits runs at 1024 iovecs */
        {
            llio_coalescer wc;
            LLT_REQUIRE(llio_wc_init(&wc, fd, 2048, 0, 0) == 0);
            for (m = 1499; m >= 0; m--)
                LLT_REQUIRE(llio_wc_add(&wc, src + 1000 + (size_t)m * 100, 100, (uint64_t)m * 100) == 0);
            LLT_REQUIRE(llio_wc_flush(&wc) == 0);
            LLT_EQ_U64(wc.n_syscalls, 2);
            llio_wc_destroy(&wc);
            LLT_EQ_I64(llio_pread_full(fd, dst, 150000, 0), 150000);
            LLT_EQ_MEM(dst, src + 1000, 150000);
        }
    }
    LLT_EQ_I64(llio_pread_full(-1, dst, 10, 0), LLIO_EBADF);
    LLT_EQ_I64(llio_pwrite_full(fd, "abc", 3, -5), LLIO_EINVAL);
    close(fd);
    LLT_EQ_I64(llio_pwrite_full(fd, "abc", 3, 0), LLIO_EBADF);
    /* a small socket send buffer forces partial writes */
    {
        int c, s;
        int small = 4096;
        LLT_REQUIRE(tcp_pair(&c, &s) == 0);
        setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        memset(dst, 0, LEN);
        j.fd = s;
        j.buf = dst;
        j.len = LEN;
        j.chunk = 3000;
        LLT_REQUIRE(pthread_create(&th, NULL, pipe_reader, &j) == 0);
        for (i = 0; i < 7; i++) {
            v[i].iov_base = src + cuts[i];
            v[i].iov_len = cuts[i + 1] - cuts[i];
        }
        LLT_EQ_I64(llio_writev_full(c, v, 7), LEN);
        pthread_join(th, NULL);
        LLT_EQ_I64(j.res, LEN);
        LLT_EQ_MEM(dst, src, LEN);
        close(c);
        close(s);
    }
    signal(SIGUSR1, SIG_DFL);
}

/* ---------------- coalescer vs a model ---------------- */
static void coalescer_run(int direct) {
    enum { PAGES = 256, PS = 4096 };
    unsigned char *model, *pool, *rb;
    char path[300];
    int fd, rounds, k;
    llio_coalescer c;
    uint64_t nops;
    fd = tmpfile_in(g_dir, path, sizeof path, direct ? O_DIRECT : 0);
    if (fd < 0) LLT_SKIP("cannot open file%s", direct ? " with O_DIRECT" : "");
    unlink(path);
    model = (unsigned char *)calloc(PAGES, PS);
    rb = (unsigned char *)llio_aligned_alloc((size_t)PAGES * PS, PS);
    pool = (unsigned char *)llio_aligned_alloc((size_t)64 * 3 * PS, PS);
    LLT_REQUIRE(model && rb && pool);
    LLT_REQUIRE(llio_pwrite_full(fd, rb, (size_t)PAGES * PS, 0) == PAGES * PS); /* zero file */
    LLT_EQ_I64(llio_wc_init(&c, fd, 0, 0, 0), LLIO_EINVAL);
    LLT_EQ_I64(llio_wc_init(&c, -1, 8, 0, 0), LLIO_EBADF);
    LLT_REQUIRE(llio_wc_init(&c, fd, 64, 0, direct ? PS : 0) == 0);
    if (direct) {
        LLT_EQ_I64(llio_wc_add(&c, pool + 1, PS, 0), LLIO_EINVAL);
        LLT_EQ_I64(llio_wc_add(&c, pool, 100, 0), LLIO_EINVAL);
        LLT_EQ_I64(llio_wc_add(&c, pool, PS, 17), LLIO_EINVAL);
    }
    nops = llt_scaled(300, 20);
    for (rounds = 0; rounds < (int)nops; rounds++) {
        /* a batch of up to 64 page-sized writes: sequential runs, random pages, overlaps */
        /* modes: 0 adjacent in order (wrapping), 1 random pages, 2 overlapping 1-2 page writes,
           3 a shuffled window of adjacent pages (sometimes one page twice), 4 ascending with gaps */
        int nw = 1 + (int)(rnd() % 64), mode = (int)(rnd() % 5);
        unsigned base = (unsigned)(rnd() % PAGES), perm[64], next = (unsigned)(rnd() % 64);
        if (mode == 3) {
            base = (unsigned)(rnd() % (PAGES - 64));
            for (k = 0; k < nw; k++) perm[k] = (unsigned)k;
            for (k = nw - 1; k > 0; k--) {
                unsigned j = (unsigned)(rnd() % (unsigned)(k + 1)), t = perm[k];
                perm[k] = perm[j];
                perm[j] = t;
            }
            if (nw > 1 && rnd() % 3 == 0) perm[rnd() % (unsigned)nw] = perm[rnd() % (unsigned)nw];
        }
        for (k = 0; k < nw; k++) {
            unsigned char *b = pool + ((size_t)(rounds % 3) * 64 + (size_t)k) * PS;
            unsigned pg, np = 1;
            if (mode == 0) pg = (base + (unsigned)k) % PAGES;
            else if (mode == 3) pg = base + perm[k];
            else if (mode == 4) { pg = next; next += 1 + (rnd() % 8 == 0 ? 1u : 0u); }
            else if (mode == 1) pg = (unsigned)(rnd() % PAGES);
            else { pg = (unsigned)(rnd() % (PAGES - 1)); np = 1 + (unsigned)(rnd() % 2); if (np == 2 && k == 63) np = 1; }
            if (np == 2 && k + 1 >= 64) np = 1;
            fill(b, (size_t)np * PS, rnd());
            LLT_REQUIRE(llio_wc_add(&c, b, (size_t)np * PS, (uint64_t)pg * PS) == 0);
            memcpy(model + (size_t)pg * PS, b, (size_t)np * PS);
            if (np == 2) k++;
        }
        if (rnd() % 2) LLT_REQUIRE(llio_wc_flush(&c) == 0);
        /* buffers are rotated through 3 slots: flush before a slot is reused */
        if (rounds % 3 == 2) LLT_REQUIRE(llio_wc_flush(&c) == 0);
    }
    LLT_REQUIRE(llio_wc_flush(&c) == 0);
    LLT_EQ_I64(llio_pread_full(fd, rb, (size_t)PAGES * PS, 0), PAGES * PS);
    LLT_EQ_U64(fnv(rb, (size_t)PAGES * PS), fnv(model, (size_t)PAGES * PS));
    LLT_EQ_MEM(rb, model, (size_t)PAGES * PS);
    LLT_CHECK(c.n_syscalls < c.n_added);
    /* 64 adjacent pages: exactly one syscall */
    {
        uint64_t before = c.n_syscalls;
        for (k = 63; k >= 0; k--) LLT_REQUIRE(llio_wc_add(&c, pool + (size_t)k * PS, PS, (uint64_t)k * PS) == 0);
        LLT_EQ_U64(c.n_syscalls - before, 1); /* auto flush at 64 */
        LLT_EQ_I64(llio_pread_full(fd, rb, 64 * PS, 0), 64 * PS);
        LLT_EQ_MEM(rb, pool, 64 * PS);
        memcpy(model, pool, 64 * PS);
    }
    /* each flush path, by its syscall count, against the model: in order and adjacent (one
       pwritev), shuffled pages that tile a range (one), ascending with a gap (two), a shuffled set
       with a page written twice (every write alone, in submission order: the later write wins) */
    {
        static const unsigned shuf[8] = {5, 2, 7, 0, 3, 6, 1, 4};
        uint64_t before;
        int j;
        for (j = 0; j < 5; j++) {
            unsigned char *b0 = pool + (size_t)(j % 3) * 64 * PS;
            before = c.n_syscalls;
            for (k = 0; k < 8; k++) {
                unsigned pg = j == 0 ? (unsigned)k : j == 1 ? shuf[k] : j == 2 ? (unsigned)k + (k >= 4 ? 3u : 0u)
                            : j == 3 ? (k == 6 ? shuf[2] : shuf[k]) : 7u - (unsigned)k;
                unsigned char *b = b0 + (size_t)(j == 4 ? 7 - k : k) * PS;
                pg += 100;
                fill(b, PS, rnd());
                LLT_REQUIRE(llio_wc_add(&c, b, PS, (uint64_t)pg * PS) == 0);
                memcpy(model + (size_t)pg * PS, b, PS);
            }
            LLT_REQUIRE(llio_wc_flush(&c) == 0);
            LLT_EQ_U64(c.n_syscalls - before, j == 0 || j == 1 || j == 4 ? 1u : j == 2 ? 2u : 8u);
            /* consecutive pages from one buffer went out as one iovec (buffered: the inline path
               merges them; in reverse order the tiling path does) */
            if ((j == 0 && !direct) || j == 4) LLT_EQ_U64(c.iov[0].iov_len, 8 * PS);
            if (j == 1) LLT_EQ_U64(c.iov[0].iov_len, PS);
            /* white box: the tiling path leaves its slot map (entry index + 1) in keys, the sort
               its (offset << 16 | index) keys */
            if (j == 1) LLT_CHECK(c.keys[0] == 4 && c.keys[7] == 3); /* page 100 was added 4th */
            if (j == 3) LLT_CHECK(c.keys[0] > 0xffff);
            LLT_EQ_I64(llio_pread_full(fd, rb, (size_t)PAGES * PS, 0), PAGES * PS);
            LLT_EQ_MEM(rb, model, (size_t)PAGES * PS);
        }
    }
    /* time window: the 2nd add after the window flushes */
    llio_wc_destroy(&c);
    LLT_REQUIRE(llio_wc_init(&c, fd, 64, 1000000, direct ? PS : 0) == 0);
    LLT_REQUIRE(llio_wc_add(&c, pool, PS, 0) == 0);
    LLT_EQ_U64(c.n, 1);
    usleep(3000);
    LLT_REQUIRE(llio_wc_add(&c, pool + PS, PS, PS) == 0);
    LLT_EQ_U64(c.n, 0);
    llio_wc_destroy(&c);
    /* flush errors are reported */
    LLT_REQUIRE(llio_wc_init(&c, fd, 4, 0, 0) == 0);
    close(fd);
    LLT_REQUIRE(llio_wc_add(&c, pool, PS, 0) == 0);
    LLT_EQ_I64(llio_wc_flush(&c), LLIO_EBADF);
    llio_wc_destroy(&c);
    free(model);
    llio_aligned_free(rb);
    llio_aligned_free(pool);
}
static void coalescer_buffered(void) { coalescer_run(0); }
static void coalescer_odirect(void) { coalescer_run(1); }

/* ---------------- socket helpers over 127.0.0.1 ---------------- */
static void sock_options(void) {
    int c, s, p[2];
    LLT_REQUIRE(tcp_pair(&c, &s) == 0);
    LLT_EQ_I64(llio_sock_nodelay(c, 1), 0);
    {
        int v = 0;
        socklen_t l = sizeof v;
        getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &l);
        LLT_CHECK(v != 0);
    }
    LLT_EQ_I64(llio_sock_quickack(c, 1), 0);
    LLT_EQ_I64(llio_sock_reuseport(c, 1), 0);
    {
        int e = llio_sock_busy_poll(c, 50);
        LLT_CHECKF(e == 0 || e == LLIO_EPERM || e == -ENOPROTOOPT, "%d", e);
    }
    {   /* -ENOPROTOOPT only where the option is unknown (qemu-user does not translate it) */
        int e = llio_sock_zerocopy(c, 1);
        LLT_CHECKF(e == 0 || e == -ENOPROTOOPT, "%d", e);
    }
    LLT_EQ_I64(llio_sock_nodelay(-1, 1), LLIO_EBADF);
    LLT_REQUIRE(pipe(p) == 0);
    LLT_EQ_I64(llio_sock_nodelay(p[0], 1), -ENOTSOCK);
    LLT_EQ_I64(llio_sock_quickack(p[0], 1), -ENOTSOCK);
    close(p[0]);
    close(p[1]);
    close(c);
    close(s);
}

static void sock_zerocopy(void) {
    int c, s, i, k;
    static unsigned char src[4 * 8192], dst[4 * 8192];
    llio_zc_range rg[16];
    uint32_t done = 0;
    LLT_REQUIRE(tcp_pair(&c, &s) == 0);
    if (llio_sock_zerocopy(c, 1) != 0) LLT_SKIP("SO_ZEROCOPY unsupported");
    fill(src, sizeof src, 8);
    for (i = 0; i < 4; i++) LLT_EQ_I64(llio_send_zc(c, src + i * 8192, 8192, 0), 8192);
    {
        size_t got = 0;
        while (got < sizeof dst) {
            ssize_t n = recv(s, dst + got, sizeof dst - got, 0);
            LLT_REQUIRE(n > 0);
            got += (size_t)n;
        }
    }
    LLT_EQ_MEM(dst, src, sizeof src);
    /* notifications: ranges covering sends 0..3 */
    for (k = 0; k < 2000 && done < 4; k++) {
        int n = llio_zc_reap(c, rg, 16);
        LLT_REQUIRE(n >= 0);
        for (i = 0; i < n; i++) {
            LLT_EQ_U64(rg[i].lo, done);
            LLT_CHECK(rg[i].hi >= rg[i].lo);
            done = rg[i].hi + 1;
        }
        if (done < 4) {
            struct pollfd pf;
            pf.fd = c;
            pf.events = 0;
            poll(&pf, 1, 1);
        }
    }
    LLT_EQ_U64(done, 4);
    LLT_EQ_I64(llio_zc_reap(c, rg, 16), 0);
    LLT_EQ_I64(llio_send_zc(-1, src, 10, 0), LLIO_EBADF);
    close(c);
    close(s);
}

static void sock_sendfile_splice(void) {
    int c, s, fd;
    char path[300];
    enum { LEN = 300000 };
    static unsigned char src[LEN], dst[LEN];
    int64_t off = 0;
    pthread_t th;
    pipe_job j;
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    fill(src, LEN, 31);
    LLT_REQUIRE(llio_pwrite_full(fd, src, LEN, 0) == LEN);
    LLT_REQUIRE(tcp_pair(&c, &s) == 0);
    /* sendfile */
    j.fd = s;
    j.buf = dst;
    j.len = LEN;
    j.chunk = 65536;
    LLT_REQUIRE(pthread_create(&th, NULL, pipe_reader, &j) == 0);
    LLT_EQ_I64(llio_sendfile_full(c, fd, &off, LEN), LEN);
    LLT_EQ_I64(off, LEN);
    pthread_join(th, NULL);
    LLT_EQ_I64(j.res, LEN);
    LLT_EQ_MEM(dst, src, LEN);
    /* splice file -> pipe -> socket, from an offset */
    memset(dst, 0, LEN);
    j.len = LEN - 1000;
    off = 1000;
    LLT_REQUIRE(pthread_create(&th, NULL, pipe_reader, &j) == 0);
    LLT_EQ_I64(llio_splice_full(fd, &off, c, NULL, LEN - 1000, NULL), LEN - 1000);
    pthread_join(th, NULL);
    LLT_EQ_I64(j.res, LEN - 1000);
    LLT_EQ_MEM(dst, src + 1000, LEN - 1000);
    LLT_EQ_I64(off, LEN);
    /* past EOF: short */
    off = LEN - 10;
    {
        int pp[2];
        LLT_REQUIRE(pipe(pp) == 0);
        LLT_EQ_I64(llio_splice_full(fd, &off, c, NULL, 100, pp), 10);
        LLT_EQ_I64(recv(s, dst, 10, MSG_WAITALL), 10);
        LLT_EQ_MEM(dst, src + LEN - 10, 10);
        close(pp[0]);
        close(pp[1]);
    }
    LLT_EQ_I64(llio_sendfile_full(c, -1, NULL, 10), LLIO_EBADF);
    close(c);
    close(s);
    close(fd);
}

static void sock_mmsg(void) {
    int a, b, i;
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    struct mmsghdr m[8];
    struct iovec v[8];
    char out[8][32], in[8][32];
    a = socket(AF_INET, SOCK_DGRAM, 0);
    b = socket(AF_INET, SOCK_DGRAM, 0);
    LLT_REQUIRE(a >= 0 && b >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LLT_REQUIRE(bind(b, (struct sockaddr *)&sa, sizeof sa) == 0);
    LLT_REQUIRE(getsockname(b, (struct sockaddr *)&sa, &sl) == 0);
    LLT_REQUIRE(connect(a, (struct sockaddr *)&sa, sizeof sa) == 0);
    memset(m, 0, sizeof m);
    for (i = 0; i < 8; i++) {
        snprintf(out[i], sizeof out[i], "datagram %d", i);
        v[i].iov_base = out[i];
        v[i].iov_len = strlen(out[i]) + 1;
        m[i].msg_hdr.msg_iov = &v[i];
        m[i].msg_hdr.msg_iovlen = 1;
    }
    LLT_EQ_I64(llio_sendmmsg_all(a, m, 8, 0), 8);
    memset(m, 0, sizeof m);
    for (i = 0; i < 8; i++) {
        v[i].iov_base = in[i];
        v[i].iov_len = sizeof in[i];
        m[i].msg_hdr.msg_iov = &v[i];
        m[i].msg_hdr.msg_iovlen = 1;
    }
    {
        int got = 0;
        while (got < 8) {
            int n = llio_recvmmsg(b, m + got, (unsigned)(8 - got), got ? MSG_DONTWAIT : 0);
            if (n == LLIO_EAGAIN) { usleep(1000); continue; }
            LLT_REQUIRE(n > 0);
            got += n;
        }
    }
    for (i = 0; i < 8; i++) LLT_EQ_STR(in[i], out[i]);
    LLT_EQ_I64(llio_recvmmsg(b, m, 8, MSG_DONTWAIT), LLIO_EAGAIN);
    LLT_EQ_I64(llio_sendmmsg_all(-1, m, 1, 0), LLIO_EBADF);
    close(a);
    close(b);
}

/* ---------------------------------------------------------------- */
/* Counters: submissions by kind, completions, errors, enters, fallback/direct operations; rates from
   two snapshots; tracking restores user_data, counts kinds and bytes exactly, reports latencies. */
typedef struct lat_sink {
    unsigned calls, by_kind[LLIO_KINDS];
    uint64_t max_ns;
    int64_t res_sum;
} lat_sink;
static void lat_record(void *ctx, unsigned kind, uint64_t ns, int32_t res) {
    lat_sink *l = (lat_sink *)ctx;
    l->calls++;
    if (kind < LLIO_KINDS) l->by_kind[kind]++;
    if (ns > l->max_ns) l->max_ns = ns;
    l->res_sum += res;
}

static void stats_counters(unsigned fl) {
    llio_ring r;
    llio_stats a, b;
    llio_rate rate;
    char path[300];
    unsigned char wbuf[4][4096], rbuf[4][4096];
    int fd, i;
    int32_t res[48];
    lat_sink lat;
    memset(&lat, 0, sizeof lat);
    LLT_REQUIRE(open_ring(&r, 64, fl) == 0);
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    llio_ring_stats(&r, &a);
    for (i = 0; i < 32; i++) {
        llio_prep_nop(sq(&r));
        llio_sqe_set_data(g_last, (uint64_t)i + 1);
    }
    LLT_EQ_I64(collect(&r, 32, res), 0);
    for (i = 0; i < 4; i++) {
        fill(wbuf[i], 4096, (uint64_t)i);
        llio_prep_write(sq(&r), fd, wbuf[i], 4096, (uint64_t)i * 4096);
        llio_sqe_set_data(g_last, (uint64_t)i + 1);
    }
    LLT_EQ_I64(collect(&r, 4, res), 0);
    for (i = 0; i < 4; i++) LLT_EQ_I64(res[i], 4096);
    llio_prep_read(sq(&r), -1, rbuf[0], 16, 0); /* a bad fd: one error */
    llio_sqe_set_data(g_last, 1);
    LLT_EQ_I64(collect(&r, 1, res), 0);
    LLT_EQ_I64(res[0], LLIO_EBADF);
    llio_ring_stats(&r, &b);
    LLT_EQ_U64(b.submitted[LLIO_KIND_NOP] - a.submitted[LLIO_KIND_NOP], 32);
    LLT_EQ_U64(b.submitted[LLIO_KIND_WRITE] - a.submitted[LLIO_KIND_WRITE], 4);
    LLT_EQ_U64(b.submitted[LLIO_KIND_READ] - a.submitted[LLIO_KIND_READ], 1);
    LLT_EQ_U64(b.completions - a.completions, 37);
    LLT_EQ_U64(b.errors - a.errors, 1);
    if (fl & LLIO_INIT_FALLBACK) {
        LLT_EQ_U64(b.fallback_ops - a.fallback_ops, 37);
        LLT_EQ_U64(b.enters, 0);
        LLT_EQ_U64(b.completed[LLIO_KIND_WRITE], 4); /* run in user space: kinds known */
        LLT_EQ_U64(b.bytes_written, 4 * 4096);
    } else {
        LLT_EQ_U64(b.fallback_ops, 0);
        LLT_CHECK(b.enters - a.enters >= 3); /* at least one per batch */
    }
    LLT_CHECK(b.time_ns > a.time_ns);
    llio_stats_rate(&a, &b, &rate);
    LLT_CHECK(rate.seconds > 0);
    LLT_CHECK(rate.ops_per_s > 0 && rate.ops_per_s < 37.0 / rate.seconds * 1.0001 + 1);
    LLT_CHECK(rate.ops_per_s > 37.0 / rate.seconds * 0.9999 - 1);
    /* tracking: every kernel completion by kind, exact bytes, one latency each, user_data intact */
    llio_ring_stats_reset(&r);
    llio_ring_stats(&r, &a);
    LLT_EQ_U64(a.completions, 0);
    LLT_EQ_I64(llio_track_register(&r, lat_record, &lat), 0);
    for (i = 0; i < 4; i++) {
        llio_prep_read(sq(&r), fd, rbuf[i], 4096, (uint64_t)i * 4096);
        llio_sqe_set_data(g_last, (uint64_t)i + 1);
    }
    for (i = 0; i < 8; i++) {
        llio_prep_nop(sq(&r));
        llio_sqe_set_data(g_last, (uint64_t)i + 5);
    }
    LLT_EQ_I64(collect(&r, 12, res), 0); /* collect checks every user_data is 1..12 */
    for (i = 0; i < 4; i++) {
        LLT_EQ_I64(res[i], 4096);
        LLT_CHECK(memcmp(rbuf[i], wbuf[i], 4096) == 0);
    }
    llio_ring_stats(&r, &b);
    LLT_EQ_U64(b.completed[LLIO_KIND_READ], 4);
    LLT_EQ_U64(b.completed[LLIO_KIND_NOP], 8);
    LLT_EQ_U64(b.bytes_read, 4 * 4096);
    LLT_EQ_U64(lat.calls, 12);
    LLT_EQ_U64(lat.by_kind[LLIO_KIND_READ], 4);
    LLT_EQ_U64(lat.by_kind[LLIO_KIND_NOP], 8);
    LLT_EQ_I64(lat.res_sum, 4 * 4096);
    LLT_CHECK(lat.max_ns < 5000000000ull);
    /* through llio_peek_cqe / llio_cqe_seen too: the tag never shows, a second peek sees the same */
    llio_prep_nop(sq(&r));
    llio_sqe_set_data(g_last, 77);
    LLT_CHECK(llio_wait(&r, 1, 5000000000ll) >= 1);
    {
        llio_cqe *c = llio_peek_cqe(&r), *c2;
        LLT_REQUIRE(c != NULL);
        LLT_EQ_U64(c->user_data, 77);
        c2 = llio_peek_cqe(&r);
        LLT_CHECK(c2 == c && c2->user_data == 77);
        llio_cqe_seen(&r, c);
    }
    LLT_EQ_U64(lat.calls, 13);
    if (!(fl & LLIO_INIT_FALLBACK)) { /* a read parked in the kernel keeps tracking busy */
        int p[2];
        char ch = 'x', got = 0;
        LLT_REQUIRE(pipe(p) == 0);
        llio_prep_read(sq(&r), p[0], &got, 1, (uint64_t)-1);
        llio_sqe_set_data(g_last, 1);
        LLT_EQ_I64(llio_submit(&r), 1);
        LLT_EQ_I64(llio_track_unregister(&r), LLIO_EBUSY);
        LLT_EQ_I64(write(p[1], &ch, 1), 1);
        LLT_EQ_I64(collect(&r, 1, res), 0);
        LLT_EQ_I64(res[0], 1);
        LLT_EQ_I64(got, 'x');
        close(p[0]);
        close(p[1]);
    }
    LLT_EQ_I64(llio_track_unregister(&r), 0);
    LLT_EQ_I64(llio_track_unregister(&r), LLIO_EINVAL);
    LLT_EQ_U64(llio_op_kind(LLIO_OP_SEND), LLIO_KIND_SEND);
    LLT_EQ_U64(llio_op_kind(200), LLIO_KIND_OTHER);
    LLT_EQ_STR(llio_kind_name(LLIO_KIND_READ), "read");
    LLT_EQ_STR(llio_kind_name(99), "unknown");
    llio_destroy(&r);
    close(fd);
    unlink(path);
}
BOTH(stats_counters)

/* Submissions counted by kind after the enter, a run of one opcode at a time: batches of 5 SQEs in an
   8-entry SQ (every batch wraps somewhere else) mixing runs of NOP, READ, WRITE and FSYNC on a bad fd
   (all four come back; three as errors) against a model; then tmpfs reads (the raw backend's direct
   path: READ submitted and completed, bytes read, direct_ops) and the same counts after a reset. */
static void stats_count_runs(unsigned fl) {
    llio_ring r;
    llio_stats a, b;
    uint64_t want[LLIO_KINDS], errs = 0, total = 0;
    static const unsigned kinds[4] = {LLIO_KIND_NOP, LLIO_KIND_READ, LLIO_KIND_WRITE, LLIO_KIND_SYNC};
    static unsigned char rb[4096], wb[4 * 4096];
    char path[300];
    int32_t res[8];
    unsigned round, k, i;
    int fd;
    memset(want, 0, sizeof want);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    llio_ring_stats(&r, &a);
    for (round = 0; round < 40; round++) {
        for (k = 0; k < 5; k++) {
            /* runs of 1..3 equal opcodes: the pattern changes every (round + k) / 2 steps */
            unsigned pick = ((round * 5 + k) / (1 + round % 3)) % 4;
            llio_sqe *s = sq(&r);
            LLT_REQUIRE(s != NULL);
            if (pick == 0) llio_prep_nop(s);
            else if (pick == 1) llio_prep_read(s, -1, rb, 16, 0);
            else if (pick == 2) llio_prep_write(s, -1, rb, 16, 0);
            else llio_prep_fsync(s, -1, 0);
            llio_sqe_set_data(s, k + 1);
            want[kinds[pick]]++;
            errs += pick != 0;
            total++;
        }
        LLT_EQ_I64(collect(&r, 5, res), 0);
        for (k = 0; k < 5; k++) LLT_CHECK(res[k] == 0 || res[k] == LLIO_EBADF);
    }
    llio_ring_stats(&r, &b);
    for (k = 0; k < LLIO_KINDS; k++)
        LLT_CHECKF(b.submitted[k] - a.submitted[k] == want[k], "kind %u: %llu submitted, %llu expected", k,
                   (unsigned long long)(b.submitted[k] - a.submitted[k]), (unsigned long long)want[k]);
    LLT_EQ_U64(b.completions - a.completions, total);
    LLT_EQ_U64(b.errors - a.errors, errs);
    /* reads from tmpfs */
    fd = tmpfile_in(g_shm, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    unlink(path);
    fill(wb, sizeof wb, 3);
    LLT_REQUIRE(write(fd, wb, sizeof wb) == (ssize_t)sizeof wb);
    llio_ring_stats_reset(&r);
    for (i = 0; i < 12; i++) {
        llio_prep_read(sq(&r), fd, rb, 4096, (uint64_t)(i % 4) * 4096);
        llio_sqe_set_data(g_last, 1);
        LLT_EQ_I64(collect(&r, 1, res), 0);
        LLT_EQ_I64(res[0], 4096);
        LLT_EQ_MEM(rb, wb + (i % 4) * 4096, 4096);
    }
    llio_ring_stats(&r, &b);
    LLT_EQ_U64(b.submitted[LLIO_KIND_READ], 12);
    LLT_EQ_U64(b.submitted[LLIO_KIND_NOP], 0);
    LLT_EQ_U64(b.completions, 12);
    LLT_EQ_U64(b.errors, 0);
    if (b.direct_ops || (fl & LLIO_INIT_FALLBACK)) { /* run by llio itself: kind and bytes known */
        LLT_EQ_U64(b.direct_ops + b.fallback_ops, 12);
        LLT_EQ_U64(b.completed[LLIO_KIND_READ], 12);
        LLT_EQ_U64(b.bytes_read, 12 * 4096);
    } else { /* the kernel ran them: neither is known without tracking */
        LLT_EQ_U64(b.completed[LLIO_KIND_READ], 0);
        LLT_EQ_U64(b.bytes_read, 0);
    }
#ifndef LLIO_USE_LIBURING
    if (!(fl & LLIO_INIT_FALLBACK) && r.direct) LLT_EQ_U64(b.direct_ops, 12);
#endif
    close(fd);
    llio_destroy(&r);
}
BOTH(stats_count_runs)

/* The coalescer's window without a further call: a lone write registered with a ring reaches the
   file while the owner only waits on its ring (the deadline's timeout fires there and the ring
   flushes), within window + 1 ms of the add. A second thread watches the file. That the write arrives,
   once, not early, and with no call but the wait, is checked every time; the 1 ms bound is checked on
   the best of up to 20 tries, since a loaded host can delay any thread's wake-up. */
typedef struct watch_job {
    int fd;
    volatile int stop;
    uint64_t seen_ns;
} watch_job;
static void *watch_file(void *arg) {
    watch_job *w = (watch_job *)arg;
    unsigned char b = 0;
    while (!w->stop) {
        if (pread(w->fd, &b, 1, 0) == 1 && b == 0x5a) {
            w->seen_ns = now_ns();
            break;
        }
    }
    return NULL;
}

static void wc_deadline(unsigned fl) {
    enum { WINDOW_MS = 5 };
    llio_ring r;
    llio_coalescer c;
    char path[300];
    static unsigned char page[4096];
    int fd, attempt, best_ok = 0;
    uint64_t best_late = ~0ull;
    memset(page, 0x5a, sizeof page);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    for (attempt = 0; attempt < 20 && !best_ok; attempt++) { /* a loaded host can delay a wake-up */
        watch_job w;
        pthread_t th;
        uint64_t t_add, late;
        int ret;
        fd = tmpfile_in(g_shm, path, sizeof path, 0);
        LLT_REQUIRE(fd >= 0);
        LLT_EQ_I64(llio_wc_init(&c, fd, 64, WINDOW_MS * 1000000ull, 0), 0);
        LLT_EQ_I64(llio_wc_register(&c, &r), 0);
        LLT_EQ_I64(llio_wc_register(&c, &r), 0);
        memset(&w, 0, sizeof w);
        w.fd = fd;
        LLT_REQUIRE(pthread_create(&th, NULL, watch_file, &w) == 0);
        t_add = now_ns();
        LLT_EQ_I64(llio_wc_add(&c, page, sizeof page, 0), 0);
        LLT_CHECK(llio_wc_deadline(&c) >= t_add + WINDOW_MS * 1000000ull - 1000000);
        /* the owner's loop: nothing but waiting on its ring (nothing of its own to complete) */
        ret = llio_wait(&r, 1, 200000000);
        LLT_EQ_I64(ret, LLIO_ETIME);
        if (c.n_deadline_flushes == 0) w.stop = 1; /* else the watcher finds the data and ends */
        pthread_join(th, NULL);
        LLT_EQ_U64(c.n_deadline_flushes, 1);
        LLT_EQ_U64(c.n_syscalls, 1);
        LLT_EQ_U64(c.n, 0);
        LLT_CHECK(w.seen_ns != 0); /* reached the file with no further call */
        late = w.seen_ns > t_add ? w.seen_ns - t_add : 0;
        if (late < best_late) best_late = late;
        if (w.seen_ns && late <= (WINDOW_MS + 1) * 1000000ull) best_ok = 1;
        LLT_CHECK(late >= WINDOW_MS * 1000000ull - 1000000); /* not flushed early either */
        llio_wc_destroy(&c);
        close(fd);
        unlink(path);
    }
    printf("  %s: lone write on the file %.3f ms after the add (window %d ms)\n",
           fl & LLIO_INIT_FALLBACK ? "sync" : "ring", (double)best_late / 1e6, WINDOW_MS);
    LLT_CHECKF(best_ok, "best of 20: %.3f ms after the add, window %d ms + 1 ms", (double)best_late / 1e6, WINDOW_MS);
    /* an explicit flush before the deadline: the later timeout finds nothing, no second write */
    fd = tmpfile_in(g_shm, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    LLT_EQ_I64(llio_wc_init(&c, fd, 64, WINDOW_MS * 1000000ull, 0), 0);
    LLT_EQ_I64(llio_wc_register(&c, &r), 0);
    LLT_EQ_I64(llio_wc_add(&c, page, sizeof page, 0), 0);
    LLT_EQ_I64(llio_submit(&r) >= 0, 1);
    LLT_EQ_I64(llio_wc_flush(&c), 0);
    LLT_EQ_U64(llio_wc_deadline(&c), 0);
    LLT_EQ_I64(llio_wait(&r, 1, 30000000), LLIO_ETIME);
    LLT_EQ_U64(c.n_syscalls, 1);
    LLT_EQ_U64(c.n_deadline_flushes, 0);
    /* without a ring: llio_wc_expire flushes once the deadline has passed */
    LLT_EQ_I64(llio_wc_unregister(&c), 0);
    LLT_EQ_I64(llio_wc_unregister(&c), LLIO_EINVAL);
    LLT_EQ_I64(llio_wc_add(&c, page, sizeof page, 4096), 0);
    LLT_EQ_I64(llio_wc_expire(&c), 0);
    usleep(WINDOW_MS * 1000 + 1000);
    LLT_EQ_I64(llio_wc_expire(&c), 1);
    LLT_EQ_U64(c.n_syscalls, 2);
    LLT_EQ_I64(llio_wc_expire(&c), 0);
    {
        struct stat st;
        LLT_EQ_I64(fstat(fd, &st), 0);
        LLT_EQ_I64(st.st_size, 8192);
    }
    llio_wc_destroy(&c);
    close(fd);
    unlink(path);
    llio_destroy(&r);
}
BOTH(wc_deadline)

/* ---------------------------------------------------------------- */
/* Networking: provided buffer rings, multishot accept/recv, zero-copy send, SQPOLL with real I/O.
   On the synchronous backend the same tests check the documented emulation (single shot, copies). */
static int udp_pair(int *a, int *b) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    *a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    *b = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (*a < 0 || *b < 0) return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(*b, (struct sockaddr *)&sa, sizeof sa) < 0 || getsockname(*b, (struct sockaddr *)&sa, &sl) < 0 ||
        connect(*a, (struct sockaddr *)&sa, sizeof sa) < 0)
        return -1;
    return 0;
}

/* cancel the request tagged ud and reap both completions (the cancel's and the request's last) */
static void cancel_and_drain(llio_ring *r, uint64_t ud) {
    llio_cqe c;
    unsigned seen = 0, rounds = 0;
    llio_prep_cancel(sq(r), ud);
    llio_sqe_set_data(g_last, 0xcafe);
    while (seen < 2 && rounds++ < 50) {
        if (llio_wait(r, 1, 1000000000) < 0) break;
        while (seen < 2 && llio_reap(r, &c, 1) == 1)
            if (c.user_data == 0xcafe || !llio_cqe_more(&c)) seen++;
    }
}

static void net_bufring_recv(unsigned fl) {
    enum { NB = 4, BS = 256, MSGS = 6 };
    static char bufs[NB * BS];
    llio_ring r;
    llio_buf_ring br, br2;
    llio_cqe c;
    unsigned held[NB], in_use = 0, got = 0, enobufs = 0, arms = 0, rounds = 0, i;
    int a, b, armed = 0;
    LLT_REQUIRE(open_ring(&r, 16, fl) == 0);
    if (!(fl & LLIO_INIT_FALLBACK) &&
        (llio_net_features(&r) & (LLIO_NET_BUF_RING | LLIO_NET_RECV_MULTISHOT)) !=
            (LLIO_NET_BUF_RING | LLIO_NET_RECV_MULTISHOT)) {
        llio_destroy(&r);
        LLT_SKIP("kernel without provided buffer rings / multishot recv");
    }
    if (fl & LLIO_INIT_FALLBACK) LLT_EQ_U64(llio_net_features(&r), LLIO_NET_EMULATED);
    LLT_REQUIRE(udp_pair(&a, &b) == 0);
    LLT_EQ_I64(llio_buf_ring_register(&r, &br, 7, bufs, BS, 3), LLIO_EINVAL); /* not a power of two */
    LLT_EQ_I64(llio_buf_ring_register(&r, &br, 7, NULL, BS, NB), LLIO_EINVAL);
    LLT_EQ_I64(llio_buf_ring_register(&r, &br, 7, bufs, 0, NB), LLIO_EINVAL);
    LLT_EQ_I64(llio_buf_ring_register(&r, &br, 7, bufs, BS, NB), 0);
    LLT_EQ_I64(llio_buf_ring_register(&r, &br2, 7, bufs, BS, NB), LLIO_EEXIST);
    for (i = 0; i < MSGS; i++) {
        char m[32];
        int n = snprintf(m, sizeof m, "datagram %u", i);
        LLT_EQ_I64(send(a, m, (size_t)n, 0), n);
    }
    /* four buffers for six datagrams: four arrive, the group runs dry (ENOBUFS ends the multishot),
       the buffers go back, a re-arm receives the last two */
    while (got < MSGS && rounds++ < 100) {
        if (!armed) {
            llio_prep_recv_multishot(sq(&r), b, 7, 0);
            llio_sqe_set_data(g_last, 9);
            armed = 1;
            arms++;
        }
        LLT_REQUIRE(llio_wait(&r, 1, 5000000000ll) >= 1);
        while (llio_reap(&r, &c, 1) == 1) {
            char want[32];
            unsigned bid;
            LLT_EQ_U64(c.user_data, 9);
            if (!llio_cqe_more(&c)) armed = 0;
            if (c.res == LLIO_ENOBUFS) {
                enobufs++;
                LLT_EQ_U64(in_use, NB); /* only once every buffer was taken */
                LLT_CHECK(!llio_cqe_more(&c));
                for (i = 0; i < in_use; i++) llio_buf_ring_add(&br, held[i]);
                in_use = 0;
                continue;
            }
            LLT_REQUIRE(c.res > 0 && llio_cqe_has_buf(&c));
            bid = llio_cqe_buf_id(&c);
            LLT_REQUIRE(bid < NB && in_use < NB);
            snprintf(want, sizeof want, "datagram %u", got);
            LLT_EQ_I64(c.res, (int64_t)strlen(want));
            LLT_CHECK(memcmp(llio_buf_ring_buf(&br, bid), want, strlen(want)) == 0);
            for (i = 0; i < in_use; i++) LLT_CHECK(held[i] != bid); /* never handed out twice */
            held[in_use++] = bid;
            got++;
        }
    }
    LLT_EQ_U64(got, MSGS);
    LLT_EQ_U64(enobufs, 1);
    if (fl & LLIO_INIT_FALLBACK) LLT_EQ_U64(arms, MSGS + 1); /* emulated: single shot, re-armed each time */
    else LLT_EQ_U64(arms, 2);                                /* one arm before, one after the exhaustion */
    if (armed) cancel_and_drain(&r, 9);
    LLT_EQ_I64(llio_buf_ring_unregister(&br), 0);
    LLT_EQ_I64(llio_buf_ring_unregister(&br), LLIO_EINVAL);
    llio_destroy(&r);
    close(a);
    close(b);
}
BOTH(net_bufring_recv)

static void net_accept_multishot(unsigned fl) {
    enum { N = 1000, AHEAD = 100 };
    static int clients[N];
    llio_ring r;
    llio_cqe cq[64];
    struct rlimit rl;
    uint16_t port;
    struct sockaddr_in sa;
    unsigned connected = 0, accepted = 0, arms = 0, rounds = 0, i, k;
    int l, armed = 0, bad = 0;
    LLT_REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    if (rl.rlim_cur < 2 * N + 64) {
        rl.rlim_cur = rl.rlim_max < 2 * N + 64 ? rl.rlim_max : 2 * N + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < 2 * N + 64) LLT_SKIP("RLIMIT_NOFILE below %u", 2 * N + 64);
    }
    LLT_REQUIRE(open_ring(&r, 64, fl) == 0);
    if (!(fl & LLIO_INIT_FALLBACK) && !(llio_net_features(&r) & LLIO_NET_ACCEPT_MULTISHOT)) {
        llio_destroy(&r);
        LLT_SKIP("kernel without multishot accept");
    }
    l = tcp_listener(&port);
    LLT_REQUIRE(l >= 0 && listen(l, 1024) == 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port);
    while (accepted < N && !bad && rounds++ < 100000) {
        while (connected < N && connected - accepted < AHEAD) {
            int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            LLT_REQUIRE(cfd >= 0);
            LLT_REQUIRE(connect(cfd, (struct sockaddr *)&sa, sizeof sa) == 0);
            clients[connected++] = cfd;
        }
        if (!armed) {
            llio_prep_accept_multishot(sq(&r), l, NULL, NULL, SOCK_CLOEXEC);
            llio_sqe_set_data(g_last, 5);
            armed = 1;
            arms++;
        }
        if (llio_wait(&r, 1, 5000000000ll) < 1) { bad = 1; break; }
        while ((k = llio_reap(&r, cq, 64)) > 0)
            for (i = 0; i < k; i++) {
                LLT_EQ_U64(cq[i].user_data, 5);
                if (!llio_cqe_more(&cq[i])) armed = 0;
                if (cq[i].res < 0) { bad = 1; LLT_CHECKF(0, "accept: %s", llio_strerror(cq[i].res)); continue; }
                close(cq[i].res);
                accepted++;
            }
    }
    LLT_EQ_U64(accepted, N);
    if (fl & LLIO_INIT_FALLBACK) LLT_EQ_U64(arms, N);
    else LLT_CHECKF(arms <= N / 10, "%u arms for %u connections", arms, N);
    printf("  %s: %u connections accepted with %u arm%s\n", fl & LLIO_INIT_FALLBACK ? "sync" : "ring", accepted,
           arms, arms == 1 ? "" : "s");
    if (armed) cancel_and_drain(&r, 5);
    for (i = 0; i < connected; i++) close(clients[i]);
    llio_destroy(&r);
    close(l);
}
BOTH(net_accept_multishot)

typedef struct reader_job {
    int fd;
    unsigned char *dst;
    size_t len;
    int64_t got;
} reader_job;
static void *read_all(void *arg) {
    reader_job *j = (reader_job *)arg;
    j->got = 0;
    while ((size_t)j->got < j->len) {
        ssize_t n = recv(j->fd, j->dst + j->got, j->len - (size_t)j->got, 0);
        if (n <= 0) break;
        j->got += n;
    }
    return NULL;
}

/* send len bytes of buf zero-copy (plain, registered buffer, or sendmsg) and check the protocol: the
   result first (F_MORE), then the notification; the buffer is overwritten only after it, and the
   peer still gets the bytes as they were when sent */
static void zc_round(llio_ring *r, int cli, int srv, unsigned char *buf, size_t len, int how, uint64_t seed) {
    static unsigned char got[1 << 16], want[1 << 16];
    reader_job j;
    pthread_t th;
    llio_cqe c;
    struct iovec v[2];
    struct msghdr m;
    int saw_result = 0, saw_notif = 0, rounds = 0;
    fill(buf, len, seed);
    memcpy(want, buf, len);
    j.fd = srv;
    j.dst = got;
    j.len = len;
    LLT_REQUIRE(pthread_create(&th, NULL, read_all, &j) == 0);
    if (how == 0) llio_prep_send_zc(sq(r), cli, buf, len, MSG_WAITALL, LLIO_SEND_ZC_REPORT_USAGE);
    else if (how == 1) llio_prep_send_zc_fixed(sq(r), cli, buf, len, MSG_WAITALL, 0, 0);
    else {
        v[0].iov_base = buf;
        v[0].iov_len = len / 3;
        v[1].iov_base = buf + len / 3;
        v[1].iov_len = len - len / 3;
        memset(&m, 0, sizeof m);
        m.msg_iov = v;
        m.msg_iovlen = 2;
        llio_prep_sendmsg_zc(sq(r), cli, &m, MSG_WAITALL);
    }
    llio_sqe_set_data(g_last, 11);
    while (!saw_notif && rounds++ < 100) {
        if (llio_wait(r, 1, 5000000000ll) < 1) break;
        while (!saw_notif && llio_reap(r, &c, 1) == 1) {
            LLT_EQ_U64(c.user_data, 11);
            if (llio_cqe_notif(&c)) {
                LLT_CHECK(saw_result); /* never before the result */
                saw_notif = 1;
            } else {
                LLT_EQ_I64(c.res, (int64_t)len);
                LLT_CHECK(llio_cqe_more(&c)); /* a notification is still to come */
                saw_result = 1;
            }
        }
    }
    LLT_CHECK(saw_result && saw_notif);
    memset(buf, 0xee, len); /* the buffer is ours again only now */
    pthread_join(th, NULL);
    LLT_EQ_I64(j.got, (int64_t)len);
    LLT_CHECK(memcmp(got, want, len) == 0);
}

static void net_send_zc(unsigned fl) {
    static unsigned char buf[1 << 16];
    llio_ring r;
    struct iovec reg;
    int cli, srv;
    unsigned net;
    LLT_REQUIRE(open_ring(&r, 16, fl) == 0);
    net = llio_net_features(&r);
    if (!(fl & LLIO_INIT_FALLBACK) && !(net & LLIO_NET_SEND_ZC)) {
        llio_destroy(&r);
        LLT_SKIP("kernel without IORING_OP_SEND_ZC");
    }
    LLT_REQUIRE(tcp_pair(&cli, &srv) == 0);
    zc_round(&r, cli, srv, buf, sizeof buf, 0, 1);
    reg.iov_base = buf;
    reg.iov_len = sizeof buf;
    LLT_EQ_I64(llio_register_buffers(&r, &reg, 1), 0);
    zc_round(&r, cli, srv, buf, sizeof buf, 1, 2);
    LLT_EQ_I64(llio_unregister_buffers(&r), 0);
    if ((fl & LLIO_INIT_FALLBACK) || (net & LLIO_NET_SENDMSG_ZC)) zc_round(&r, cli, srv, buf, 40000, 2, 3);
    llio_destroy(&r);
    close(cli);
    close(srv);
}
BOTH(net_send_zc)

/* SQPOLL: file writes, fsync, reads, an accept and a send/recv pair, all submitted without entering the
   kernel while the SQ thread is awake */
static void net_sqpoll_io(unsigned fl) {
    llio_ring r;
    llio_params p;
    char path[300];
    static unsigned char w[4][4096], rd[4][4096];
    int fd, i, cli, srv, l, e;
    int32_t res[8];
    uint16_t port;
    struct sockaddr_in sa;
    char msg[] = "over the SQ thread", in[64];
    memset(&p, 0, sizeof p);
    p.entries = 16;
    p.flags = LLIO_INIT_SQPOLL | (fl & LLIO_INIT_FALLBACK ? LLIO_INIT_FALLBACK : LLIO_INIT_NO_FALLBACK);
    p.sq_thread_idle = 50;
    p.sq_thread_cpu = -1;
    e = llio_init_params(&r, &p);
    if (e != 0) LLT_SKIP("SQPOLL refused here (%s)", llio_strerror(e));
    if (!(fl & LLIO_INIT_FALLBACK)) LLT_CHECK(r.setup_flags & LLIO_SETUP_SQPOLL);
    fd = tmpfile_in(g_dir, path, sizeof path, 0);
    LLT_REQUIRE(fd >= 0);
    for (i = 0; i < 4; i++) {
        fill(w[i], 4096, (uint64_t)i + 40);
        llio_prep_write(sq(&r), fd, w[i], 4096, (uint64_t)i * 4096);
        llio_sqe_set_data(g_last, (uint64_t)i + 1);
    }
    LLT_EQ_I64(collect(&r, 4, res), 0);
    for (i = 0; i < 4; i++) LLT_EQ_I64(res[i], 4096);
    llio_prep_fsync(sq(&r), fd, LLIO_FSYNC_DATASYNC);
    llio_sqe_set_data(g_last, 1);
    LLT_EQ_I64(collect(&r, 1, res), 0);
    LLT_EQ_I64(res[0], 0);
    for (i = 0; i < 4; i++) {
        llio_prep_read(sq(&r), fd, rd[i], 4096, (uint64_t)i * 4096);
        llio_sqe_set_data(g_last, (uint64_t)i + 1);
    }
    LLT_EQ_I64(collect(&r, 4, res), 0);
    for (i = 0; i < 4; i++) {
        LLT_EQ_I64(res[i], 4096);
        LLT_CHECK(memcmp(rd[i], w[i], 4096) == 0);
    }
    /* sockets: accept through the ring, then send one way and recv the other */
    l = tcp_listener(&port);
    LLT_REQUIRE(l >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port);
    cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    LLT_REQUIRE(cli >= 0 && connect(cli, (struct sockaddr *)&sa, sizeof sa) == 0);
    llio_prep_accept(sq(&r), l, NULL, NULL, SOCK_CLOEXEC);
    llio_sqe_set_data(g_last, 1);
    LLT_EQ_I64(collect(&r, 1, res), 0);
    LLT_REQUIRE(res[0] >= 0);
    srv = res[0];
    llio_prep_send(sq(&r), cli, msg, sizeof msg, 0);
    llio_sqe_set_data(g_last, 1);
    llio_prep_recv(sq(&r), srv, in, sizeof in, 0);
    llio_sqe_set_data(g_last, 2);
    LLT_EQ_I64(collect(&r, 2, res), 0);
    LLT_EQ_I64(res[0], (int64_t)sizeof msg);
    LLT_EQ_I64(res[1], (int64_t)sizeof msg);
    LLT_EQ_STR(in, msg);
    close(cli);
    close(srv);
    close(l);
    close(fd);
    unlink(path);
    llio_destroy(&r);
}
BOTH(net_sqpoll_io)

/* ---------------------------------------------------------------- */
/* Zero-length and empty batches return at once with the documented value on every batch call. A
   watchdog turns a hang into a failure well before run.sh's timeout. */
static void zero_watchdog(int sig) {
    static const char msg[] = "FAIL " SUITE "/zero_length: a zero-length call did not return (hang)\n";
    (void)sig;
    if (write(1, msg, sizeof msg - 1) < 0) _exit(3);
    _exit(3);
}

static void zero_length(unsigned fl) {
    llio_ring r;
    llio_cqe out[4];
    char buf[16];
    struct iovec v;
    int p[2], s2[2];
    llio_sqe *s;
    signal(SIGALRM, zero_watchdog);
    alarm(20);
    LLT_REQUIRE(open_ring(&r, 8, fl) == 0);
    LLT_REQUIRE(pipe(p) == 0);
    /* nothing queued: submit, submit_and_wait(0), reap 0, wait for 0 (with and without deadline) */
    LLT_EQ_I64(llio_submit(&r), 0);
    LLT_EQ_I64(llio_submit_and_wait(&r, 0), 0);
    LLT_EQ_U64(llio_reap(&r, out, 0), 0);
    LLT_EQ_U64(llio_reap(&r, NULL, 0), 0);
    LLT_EQ_I64(llio_wait(&r, 0, -1), 0);
    LLT_EQ_I64(llio_wait(&r, 0, 1000000), 0);
    LLT_EQ_U64(llio_cq_ready(&r), 0);
    /* a completion waiting: reap of 0 leaves it there, wait for 0 reports it */
    s = sq(&r);
    llio_prep_nop(s);
    llio_sqe_set_data(s, 5);
    LLT_EQ_I64(llio_wait(&r, 0, -1) >= 0, 1);
    LLT_EQ_I64(llio_wait(&r, 1, 1000000000), 1);
    LLT_EQ_U64(llio_reap(&r, out, 0), 0);
    LLT_EQ_U64(llio_cq_ready(&r), 1);
    LLT_EQ_U64(llio_reap(&r, out, 4), 1);
    LLT_EQ_U64(out[0].user_data, 5);
    /* 0 bytes / 0 iovecs through the ring: res 0, even from an empty pipe that would block a read */
    s = sq(&r);
    llio_prep_read(s, p[0], buf, 0, (uint64_t)-1);
    llio_sqe_set_data(s, 1);
    s = sq(&r);
    llio_prep_readv(s, p[0], &v, 0, (uint64_t)-1);
    llio_sqe_set_data(s, 2);
    s = sq(&r);
    llio_prep_write(s, p[1], buf, 0, (uint64_t)-1);
    llio_sqe_set_data(s, 3);
    {
        int32_t res[3];
        LLT_EQ_I64(collect(&r, 3, res), 0);
        LLT_EQ_I64(res[0], 0);
        LLT_EQ_I64(res[1], 0);
        LLT_EQ_I64(res[2], 0);
    }
    LLT_EQ_I64(llio_submit_and_wait(&r, 0), 0);
    llio_destroy(&r);
    /* helpers: 0 iovecs, 0 bytes, 0 messages: 0 without a system call (a bad fd shows none ran) */
    LLT_EQ_I64(llio_preadv_full(p[0], NULL, 0, 0), 0);
    LLT_EQ_I64(llio_pwritev_full(p[1], NULL, 0, 0), 0);
    LLT_EQ_I64(llio_readv_full(p[0], NULL, 0), 0);
    LLT_EQ_I64(llio_writev_full(p[1], NULL, 0), 0);
    LLT_EQ_I64(llio_pread_full(-1, buf, 0, 0), 0);
    LLT_EQ_I64(llio_pwrite_full(-1, buf, 0, 0), 0);
    v.iov_base = buf;
    v.iov_len = 0;
    LLT_EQ_I64(llio_readv_full(p[0], &v, 1), 0); /* one empty iovec on an empty pipe: no wait */
    LLT_EQ_I64(llio_readv_full(p[0], &v, -1), LLIO_EINVAL);
    LLT_EQ_I64(llio_sendmmsg_all(-1, NULL, 0, 0), 0);
    LLT_EQ_I64(llio_recvmmsg(-1, NULL, 0, 0), 0);
    LLT_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, s2) == 0);
    LLT_EQ_I64(llio_recvmmsg(s2[0], NULL, 0, 0), 0); /* blocking socket, nothing queued: no wait */
    close(s2[0]);
    close(s2[1]);
    LLT_EQ_I64(llio_zc_reap(p[0], NULL, 0), 0);
    LLT_EQ_I64(llio_sendfile_full(-1, -1, NULL, 0), 0);
    LLT_EQ_I64(llio_splice_full(p[0], NULL, p[1], NULL, 0, NULL), 0);
    /* coalescer: 0 bytes queue nothing (even misaligned for O_DIRECT); flush of nothing is 0 */
    {
        llio_coalescer c;
        char path[300];
        int fd = tmpfile_in(g_dir, path, sizeof path, 0);
        LLT_REQUIRE(fd >= 0);
        LLT_EQ_I64(llio_wc_init(&c, fd, 4, 0, 4096), 0);
        LLT_EQ_I64(llio_wc_add(&c, buf + 1, 0, 3), 0);
        LLT_EQ_U64(c.n, 0);
        LLT_EQ_I64(llio_wc_add(&c, buf + 1, 1, 3), LLIO_EINVAL);
        LLT_EQ_I64(llio_wc_flush(&c), 0);
        LLT_EQ_U64(c.n_flushes, 0);
        LLT_EQ_U64(c.n_syscalls, 0);
        llio_wc_destroy(&c);
        LLT_EQ_I64(llio_wc_init(&c, fd, 4, 0, 0), 0);
        LLT_EQ_I64(llio_wc_add(&c, buf, 0, 0), 0);
        LLT_EQ_I64(llio_wc_flush(&c), 0);
        LLT_EQ_U64(c.n_syscalls, 0);
        llio_wc_destroy(&c);
        LLT_EQ_I64(llio_wc_add(&c, buf, 1, 0), LLIO_EINVAL); /* destroyed: refused, no crash */
        close(fd);
        unlink(path);
    }
    close(p[0]);
    close(p[1]);
    alarm(0);
}
BOTH(zero_length)

static void pick_dirs(void) {
    const char *d = getenv("LLIO_TEST_DIR");
    struct stat st;
    if (d) snprintf(g_dir, sizeof g_dir, "%s", d);
    else if (stat("/var/tmp", &st) == 0) snprintf(g_dir, sizeof g_dir, "/var/tmp");
    else snprintf(g_dir, sizeof g_dir, "/tmp");
    if (stat("/dev/shm", &st) == 0) snprintf(g_shm, sizeof g_shm, "/dev/shm");
    else snprintf(g_shm, sizeof g_shm, "%s", g_dir);
}

int main(int argc, char **argv) {
    LLT_INIT(SUITE, argc, argv);
    signal(SIGPIPE, SIG_IGN);
    pick_dirs();
    g_lockfd = open("/tmp/llio-test.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (g_lockfd >= 0) flock(g_lockfd, LOCK_SH);
    if (!have_uring()) printf("  note: io_uring unavailable (%s): ring tests skip, fallback tests run\n",
                              llio_strerror(g_uring_err));
    LLT_RUN(init_report);
    LLT_RUN(strerror_names);
    LLT_RUN(nop_batch_ring);
    LLT_RUN(nop_batch_sync);
    LLT_RUN(nop_batch_plain);
    LLT_RUN(rw_disk_ring);
    LLT_RUN(rw_disk_sync);
    LLT_RUN(rw_tmpfs_ring);
    LLT_RUN(rw_tmpfs_sync);
    LLT_RUN(direct_tmpfs);
    LLT_RUN(open_close_ring);
    LLT_RUN(open_close_sync);
    LLT_RUN(timeout_cancel_ring);
    LLT_RUN(timeout_cancel_sync);
    LLT_RUN(links_ring);
    LLT_RUN(links_sync);
    LLT_RUN(link_timeout_ring);
    LLT_RUN(link_timeout_sync);
    LLT_RUN(link_timeout_connect_ring);
    LLT_RUN(link_timeout_connect_sync);
    LLT_RUN(iopoll_ring);
    LLT_RUN(iopoll_sync);
    LLT_RUN(sockets_ring);
    LLT_RUN(sockets_sync);
    LLT_RUN(splice_op_ring);
    LLT_RUN(splice_op_sync);
    LLT_RUN(fixed_files_ring);
    LLT_RUN(fixed_files_sync);
    LLT_RUN(sq_full_cq_overflow_ring);
    LLT_RUN(sq_full_cq_overflow_sync);
    LLT_RUN(odirect_ring);
    LLT_RUN(odirect_sync);
    LLT_RUN(seccomp_fallback);
    LLT_RUN(sysctl_fallback);
    LLT_RUN(vectored);
    LLT_RUN(coalescer_buffered);
    LLT_RUN(coalescer_odirect);
    LLT_RUN(sock_options);
    LLT_RUN(sock_zerocopy);
    LLT_RUN(sock_sendfile_splice);
    LLT_RUN(sock_mmsg);
    LLT_RUN(stats_counters_ring);
    LLT_RUN(stats_counters_sync);
    LLT_RUN(stats_count_runs_ring);
    LLT_RUN(stats_count_runs_sync);
    LLT_RUN(wc_deadline_ring);
    LLT_RUN(wc_deadline_sync);
    LLT_RUN(net_bufring_recv_ring);
    LLT_RUN(net_bufring_recv_sync);
    LLT_RUN(net_accept_multishot_ring);
    LLT_RUN(net_accept_multishot_sync);
    LLT_RUN(net_send_zc_ring);
    LLT_RUN(net_send_zc_sync);
    LLT_RUN(net_sqpoll_io_ring);
    LLT_RUN(net_sqpoll_io_sync);
    LLT_RUN(zero_length_ring);
    LLT_RUN(zero_length_sync);
    return LLT_FINISH();
}
