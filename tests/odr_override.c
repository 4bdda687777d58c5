/* One unit with all five implementations and every override a user may set: custom asserts and custom
   allocators. The allocators count their calls; the program checks that the headers used them and gave
   back all they took. Built and run by tests/odr.sh. */
#define LL_IMPLEMENTATION
#define LLPMEM_CRASH_SIM

#include <stddef.h>
void *odr_alloc(void *ctx, size_t n);
void odr_free(void *ctx, void *p);
void odr_assert_failed(const char *what);

#define LLCRC_ASSERT(x) ((x) ? (void)0 : odr_assert_failed(#x))
#define LLQ_ASSERT(x) ((x) ? (void)0 : odr_assert_failed(#x))
#define LLMEM_ASSERT(x) ((x) ? (void)0 : odr_assert_failed(#x))
#define LLIO_ASSERT(x) ((x) ? (void)0 : odr_assert_failed(#x))
#define LLPMEM_ASSERT(x) ((x) ? (void)0 : odr_assert_failed(#x))
#define LLMEM_MALLOC(ctx, sz) odr_alloc((ctx), (sz))
#define LLMEM_FREE(ctx, p) odr_free((ctx), (p))
#define LLIO_MALLOC(ctx, sz) odr_alloc((ctx), (sz))
#define LLIO_FREE(ctx, p) odr_free((ctx), (p))
#define LLPMEM_MALLOC(ctx, sz) odr_alloc((ctx), (sz))
#define LLPMEM_FREE(ctx, p) odr_free((ctx), (p))

#include "llcrc.h"
#include "llio.h"
#include "llmem.h"
#include "llpmem.h"
#include "llq.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long allocs, frees, asserts;

void *odr_alloc(void *ctx, size_t n) {
    (void)ctx;
    allocs++;
    return malloc(n);
}
void odr_free(void *ctx, void *p) {
    (void)ctx;
    if (p) frees++;
    free(p);
}
void odr_assert_failed(const char *what) {
    asserts++;
    fprintf(stderr, "assert: %s\n", what);
}

static int failures;
static void check(int ok, const char *what) {
    printf("%s odr/override-%s\n", ok ? "PASS" : "FAIL", what);
    if (!ok) failures++;
}

int main(void) {
    llio_ring ring;
    llpmem_region *region = NULL;
    char path[] = "/tmp/ll-odr-override-XXXXXX";
    long before;
    void *p;
    int fd;

    check(llcrc_crc32c(0, "123456789", 9) == 0xE3069283u, "llcrc-works");

    before = allocs;
    p = llmem_aligned_alloc(1000, 256);
    check(p != NULL && ((size_t)p & 255) == 0 && allocs > before, "llmem-allocator-used");
    llmem_aligned_free(p);

    before = allocs;
    check(llio_init(&ring, 8, 0) == 0 && allocs > before, "llio-allocator-used");
    llio_destroy(&ring);

    fd = mkstemp(path);
    if (fd >= 0) close(fd);
    before = allocs;
    check(fd >= 0 && llpmem_open(path, 1 << 16, LLPMEM_CREATE, 0600, &region) == 0 && allocs > before,
          "llpmem-allocator-used");
    if (region) llpmem_close(region);
    unlink(path);

    check(allocs == frees, "everything-given-back");
    check(asserts == 0, "no-assert-fired");
    if (allocs != frees) printf("  %ld allocations, %ld frees\n", allocs, frees);
    return failures ? 1 : 0;
}
