/* lltest.h - the ll toolkit's own tiny test runner (tests only, not part of the product).

   Usage, in a test program:

       #include "lltest.h"
       static void crc_vectors(void) {
           LLT_EQ_U64(llcrc_crc32c(0, "123456789", 9), 0xE3069283u);
           if (!have_feature) LLT_SKIP("kernel has no io_uring");
       }
       int main(int argc, char **argv) {
           LLT_INIT("llcrc", argc, argv);   // optional argv[1] = substring filter on test names
           LLT_RUN(crc_vectors);
           return LLT_FINISH();
       }

   Each test prints one line: "PASS suite/name", "FAIL suite/name" (after the failed checks, each with
   file:line and both values) or "SKIP suite/name: why". LLT_FINISH prints "suite: N passed, N failed,
   N skipped" and returns the exit status (1 if anything failed). tests/run.sh adds up the PASS/FAIL/SKIP
   lines of every program into the one closing line of `make test`.

   llt_scale() reads LLT_SCALE (default 1.0): stress loops multiply their counts by it so that slow
   environments (qemu, sanitizers, wine) run shorter versions of the same tests. */
#ifndef LLTEST_H
#define LLTEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct llt_state {
    const char *suite;
    const char *filter;
    const char *current;
    int passed, failed, skipped;
    int current_failed;     /* checks failed in the current test */
    int current_skipped;
} llt_state;

static llt_state llt_g;

#define LLT_UNUSED_FN __attribute__((unused))

LLT_UNUSED_FN static void llt_init(const char *suite, int argc, char **argv) {
    llt_g.suite = suite;
    llt_g.filter = argc > 1 ? argv[1] : NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);
}

LLT_UNUSED_FN static double llt_scale(void) {
    const char *s = getenv("LLT_SCALE");
    double v = s ? atof(s) : 1.0;
    return v > 0 ? v : 1.0;
}

/* count scaled by LLT_SCALE, never below `floor_count` */
LLT_UNUSED_FN static uint64_t llt_scaled(uint64_t count, uint64_t floor_count) {
    double v = (double)count * llt_scale();
    uint64_t n = (uint64_t)v;
    return n < floor_count ? floor_count : n;
}

LLT_UNUSED_FN static void llt_fail_header(const char *file, int line) {
    llt_g.current_failed++;
    fprintf(stdout, "  %s:%d: %s/%s: ", file, line, llt_g.suite, llt_g.current);
}

LLT_UNUSED_FN static void llt_run(void (*fn)(void), const char *name) {
    if (llt_g.filter && !strstr(name, llt_g.filter)) return;
    llt_g.current = name;
    llt_g.current_failed = 0;
    llt_g.current_skipped = 0;
    fn();
    if (llt_g.current_failed) {
        llt_g.failed++;
        printf("FAIL %s/%s (%d failed check%s)\n", llt_g.suite, name, llt_g.current_failed,
               llt_g.current_failed == 1 ? "" : "s");
    } else if (llt_g.current_skipped) {
        llt_g.skipped++;
    } else {
        llt_g.passed++;
        printf("PASS %s/%s\n", llt_g.suite, name);
    }
    fflush(stdout);
}

LLT_UNUSED_FN static int llt_finish(void) {
    printf("%s: %d passed, %d failed, %d skipped\n", llt_g.suite, llt_g.passed, llt_g.failed,
           llt_g.skipped);
    fflush(stdout);
    return llt_g.failed ? 1 : 0;
}

LLT_UNUSED_FN static int llt_mem_diff(const void *a, const void *b, size_t n) {
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    size_t i;
    for (i = 0; i < n; i++)
        if (x[i] != y[i]) return (int)(i < 0x7fffffff ? i : 0x7fffffff);
    return -1;
}

#define LLT_INIT(suite, argc, argv) llt_init((suite), (argc), (argv))
#define LLT_RUN(fn) llt_run(fn, #fn)
#define LLT_FINISH() llt_finish()

/* Record a failure and continue the test. */
#define LLT_CHECK(cond)                                                                    \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("check failed: %s\n", #cond);                                           \
        }                                                                                  \
    } while (0)

/* Like LLT_CHECK with a printf-style explanation. */
#define LLT_CHECKF(cond, ...)                                                              \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("check failed: %s: ", #cond);                                           \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
        }                                                                                  \
    } while (0)

/* Record a failure and leave the test function (which must return void). */
#define LLT_REQUIRE(cond)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("requirement failed: %s\n", #cond);                                     \
            return;                                                                        \
        }                                                                                  \
    } while (0)

#define LLT_EQ_U64(a, b)                                                                   \
    do {                                                                                   \
        unsigned long long llt_a_ = (unsigned long long)(a), llt_b_ = (unsigned long long)(b); \
        if (llt_a_ != llt_b_) {                                                            \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("%s == %s: 0x%llx (%llu) != 0x%llx (%llu)\n", #a, #b, llt_a_, llt_a_,   \
                   llt_b_, llt_b_);                                                        \
        }                                                                                  \
    } while (0)

#define LLT_EQ_I64(a, b)                                                                   \
    do {                                                                                   \
        long long llt_a_ = (long long)(a), llt_b_ = (long long)(b);                        \
        if (llt_a_ != llt_b_) {                                                            \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("%s == %s: %lld != %lld\n", #a, #b, llt_a_, llt_b_);                    \
        }                                                                                  \
    } while (0)

#define LLT_EQ_PTR(a, b)                                                                   \
    do {                                                                                   \
        const void *llt_a_ = (const void *)(a), *llt_b_ = (const void *)(b);               \
        if (llt_a_ != llt_b_) {                                                            \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("%s == %s: %p != %p\n", #a, #b, llt_a_, llt_b_);                        \
        }                                                                                  \
    } while (0)

#define LLT_EQ_STR(a, b)                                                                   \
    do {                                                                                   \
        const char *llt_a_ = (a), *llt_b_ = (b);                                           \
        if (!llt_a_ || !llt_b_ || strcmp(llt_a_, llt_b_) != 0) {                           \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("%s == %s: \"%s\" != \"%s\"\n", #a, #b, llt_a_ ? llt_a_ : "(null)",     \
                   llt_b_ ? llt_b_ : "(null)");                                            \
        }                                                                                  \
    } while (0)

#define LLT_EQ_MEM(a, b, n)                                                                \
    do {                                                                                   \
        int llt_at_ = llt_mem_diff((a), (b), (size_t)(n));                                 \
        if (llt_at_ >= 0) {                                                                \
            llt_fail_header(__FILE__, __LINE__);                                           \
            printf("%s and %s differ at byte %d of %zu: 0x%02x != 0x%02x\n", #a, #b,       \
                   llt_at_, (size_t)(n), ((const unsigned char *)(a))[llt_at_],            \
                   ((const unsigned char *)(b))[llt_at_]);                                 \
        }                                                                                  \
    } while (0)

/* Skip the rest of the current test, saying why; counted as skipped unless a check already failed. */
#define LLT_SKIP(...)                                                                      \
    do {                                                                                   \
        llt_g.current_skipped = 1;                                                         \
        if (!llt_g.current_failed) {                                                       \
            printf("SKIP %s/%s: ", llt_g.suite, llt_g.current);                            \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
        }                                                                                  \
        return;                                                                            \
    } while (0)

#endif /* LLTEST_H */
