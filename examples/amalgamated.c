/* amalgamated.c - all five ll headers with their implementations in ONE unit, used together.

   One translation unit defines LL_IMPLEMENTATION (the umbrella switch) and includes llcrc.h, llq.h,
   llmem.h, llio.h and llpmem.h: no name collides, no macro leaks into another header, and the unit is
   valid C (gnu11, -Wpedantic) and C++ (the same file compiled with g++ -x c++ -std=c++17). It then runs
   a small end-to-end job through all of them:

     llmem  an arena holds the records, a fixed pool holds the queue nodes' payload buffers
     llq    records travel through an SPSC ring from a producer thread to the main thread
     llcrc  each record carries a CRC32C, checked on arrival; XXH3 of the whole stream at the end
     llio   the stream is written with one vectored write through the ring and read back with a read
     llpmem the file is then mapped and its CRC stamped into a footer, made durable with llpmem_persist

   Usage: amalgamated   (prints PASS examples/amalgamated, or amalgamated-cxx for the C++ build)
          amalgamated bench  the same job with a timing line */
#define LL_IMPLEMENTATION
#include "llcrc.h"
#include "llq.h"
#include "llmem.h"
#include "llio.h"
#include "llpmem.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef __cplusplus
#define AM_NAME "examples/amalgamated-cxx"
#else
#define AM_NAME "examples/amalgamated"
#endif

#define AM_RECORDS 4096u
#define AM_PAYLOAD 48u

typedef struct am_rec {
    uint32_t id, crc;
    unsigned char data[AM_PAYLOAD];
} am_rec;

typedef struct am_job {
    llq_spsc *q;
    am_rec *recs;
} am_job;

static int g_fail;
static void am_check(int ok, const char *what) {
    if (!ok) {
        printf("  check failed: %s\n", what);
        g_fail++;
    }
}

static void *am_producer(void *arg) {
    am_job *j = (am_job *)(arg);
    uint32_t i;
    for (i = 0; i < AM_RECORDS; i++) {
        am_rec *r = &j->recs[i];
        while (!llq_spsc_push(j->q, &r)) llq_cpu_relax();
    }
    return NULL;
}

static double am_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    llmem_arena arena;
    llmem_pool pool;
    am_job job;
    pthread_t th;
    size_t qbytes = llq_spsc_memsize(256, sizeof(am_rec *));
    unsigned char *stream;
    uint64_t xx_sent, xx_back;
    uint32_t i, crc_all = 0;
    char path[256];
    int fd;
    double t0 = am_now();
    (void)argv;
    setvbuf(stdout, NULL, _IOLBF, 0);
    am_check(llcrc_crc32c(0, "123456789", 9) == 0xE3069283u, "crc32c check value");

    /* llmem: records in an arena, a ring buffer from the aligned allocator, a fixed pool */
    am_check(llmem_arena_init_os(&arena, 1u << 20, 0) == 0, "arena");
    job.recs = (am_rec *)(llmem_arena_alloc(&arena, AM_RECORDS * sizeof(am_rec), 64));
    job.q = (llq_spsc *)(llmem_aligned_alloc(qbytes, 128));
    am_check(job.recs != NULL && job.q != NULL, "allocations");
    if (!job.recs || !job.q) return 1;
    am_check(llq_spsc_init(job.q, qbytes, 256, sizeof(am_rec *)) == 0, "spsc init");
    am_check(llmem_pool_init(&pool, AM_PAYLOAD, 16) == 0, "pool");
    for (i = 0; i < AM_RECORDS; i++) {
        am_rec *r = &job.recs[i];
        uint32_t k;
        r->id = i;
        for (k = 0; k < AM_PAYLOAD; k++) r->data[k] = (unsigned char)(i * 31u + k);
        r->crc = llcrc_crc32c(0, r->data, AM_PAYLOAD);
    }

    /* llq: producer thread -> main; every record checked on arrival, copied into a pool object */
    stream = (unsigned char *)(llmem_arena_alloc(&arena, AM_RECORDS * AM_PAYLOAD, 64));
    if (!stream) return 1;
    pthread_create(&th, NULL, am_producer, &job);
    for (i = 0; i < AM_RECORDS; i++) {
        am_rec *r;
        void *obj;
        while (!llq_spsc_pop(job.q, &r)) llq_cpu_relax();
        if (r->id != i || llcrc_crc32c(0, r->data, AM_PAYLOAD) != r->crc) g_fail++;
        obj = llmem_pool_alloc(&pool);
        if (!obj) {
            g_fail++;
            break;
        }
        memcpy(obj, r->data, AM_PAYLOAD);
        memcpy(stream + (size_t)i * AM_PAYLOAD, obj, AM_PAYLOAD);
        llmem_pool_free(&pool, obj);
        crc_all = llcrc_crc32c(crc_all, r->data, AM_PAYLOAD);
    }
    pthread_join(th, NULL);
    am_check(g_fail == 0, "records through the ring");
    xx_sent = llcrc_xxh3_64(stream, AM_RECORDS * AM_PAYLOAD, 0);

    /* llio: write the stream in 4 iovecs with one submission, fdatasync linked, read it back */
    snprintf(path, sizeof path, "%s/ll-amalgamated-%ld.bin", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (long)getpid());
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    am_check(fd >= 0, "open");
    {
        llio_ring ring;
        struct iovec iov[4];
        size_t part = AM_RECORDS * AM_PAYLOAD / 4;
        llio_sqe *s;
        llio_cqe cq[2];
        unsigned got = 0;
        unsigned char *back = (unsigned char *)(malloc(AM_RECORDS * AM_PAYLOAD + 4096));
        am_check(llio_init(&ring, 8, 0) == 0, "llio_init");
        for (i = 0; i < 4; i++) {
            iov[i].iov_base = stream + i * part;
            iov[i].iov_len = part;
        }
        s = llio_get_sqe(&ring);
        llio_prep_writev(s, fd, iov, 4, 0);
        llio_sqe_set_flags(s, LLIO_SQE_IO_LINK);
        s = llio_get_sqe(&ring);
        llio_prep_fsync(s, fd, LLIO_FSYNC_DATASYNC);
        am_check(llio_submit_and_wait(&ring, 2) >= 0, "submit");
        while (got < 2) {
            unsigned n = llio_reap(&ring, cq + got, 2 - got);
            if (n == 0 && llio_wait(&ring, 1, 1000000000) < 0) break;
            got += n;
        }
        am_check(got == 2 && cq[0].res == (int32_t)(AM_RECORDS * AM_PAYLOAD) && cq[1].res == 0, "writev + fdatasync");
        s = llio_get_sqe(&ring);
        llio_prep_read(s, fd, back, AM_RECORDS * AM_PAYLOAD, 0);
        am_check(llio_submit_and_wait(&ring, 1) >= 0, "submit read");
        got = 0;
        while (got < 1) {
            unsigned n = llio_reap(&ring, cq, 1);
            if (n == 0 && llio_wait(&ring, 1, 1000000000) < 0) break;
            got += n;
        }
        am_check(got == 1 && cq[0].res == (int32_t)(AM_RECORDS * AM_PAYLOAD), "read back");
        xx_back = llcrc_xxh3_64(back, AM_RECORDS * AM_PAYLOAD, 0);
        am_check(xx_back == xx_sent, "xxh3 of the file matches the stream");
        printf("  llio backend: %s\n", llio_backend_name(&ring));
        llio_destroy(&ring);
        free(back);
        close(fd);
    }

    /* llpmem: map the file with room for a footer, stamp the CRC, persist, check */
    {
        llpmem_region *r = NULL;
        size_t len = AM_RECORDS * AM_PAYLOAD + 64;
        int rc = llpmem_open(path, len, LLPMEM_CREATE, 0644, &r);
        am_check(rc == 0, "llpmem_open");
        if (rc == 0) {
            unsigned char *p = (unsigned char *)(llpmem_addr(r));
            uint32_t c = llcrc_crc32c(0, p, AM_RECORDS * AM_PAYLOAD);
            am_check(c == crc_all, "crc32c of the mapping == crc32c chained over the records");
            am_check(llpmem_memcpy_persist(p + AM_RECORDS * AM_PAYLOAD, &c, sizeof c) == 0, "memcpy_persist");
            am_check(llpmem_persist(p, 64) == 0, "persist");
            printf("  llpmem region: %s\n", llpmem_kind_name(llpmem_region_kind(r)));
            llpmem_close(r);
        }
    }
    unlink(path);
    llmem_pool_destroy(&pool);
    llmem_aligned_free(job.q);
    llmem_arena_destroy(&arena);
    printf("  versions: llcrc %s, llq %s, llmem %s, llio %s, llpmem %s\n", LLCRC_VERSION_STRING, LLQ_VERSION_STRING,
           LLMEM_VERSION_STRING, LLIO_VERSION_STRING, LLPMEM_VERSION_STRING);
    if (argc > 1) printf("  job: %.3f ms\n", (am_now() - t0) * 1e3);
    printf("%s %s\n", g_fail ? "FAIL" : "PASS", AM_NAME);
    return g_fail ? 1 : 0;
}
