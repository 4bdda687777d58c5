/* bench/llmem_fastpath.c - hot alloc+free loops, one per API, for bench/llmem_fastpath.sh: it disassembles
   them and counts instructions, loads, stores and branches per pair (objdump, cachegrind, llvm-mca), for
   the current llmem.h and an older one. Counts, unlike times, carry from one CPU to another. */
#define LLMEM_IMPLEMENTATION
#include LLMEM_HEADER
#include <stdlib.h>

#define FP_CLOBBER() __asm__ __volatile__("" ::: "memory")

__attribute__((noinline)) void fp_sc(llmem_sc *s, long n) {
    long i;
    for (i = 0; i < n; i++) {
        void *p = llmem_sc_alloc(s, 64);
        FP_CLOBBER();
        llmem_sc_free(s, p);
    }
}
__attribute__((noinline)) void fp_sc_sized(llmem_sc *s, long n) {
    long i;
    for (i = 0; i < n; i++) {
        void *p = llmem_sc_alloc(s, 64);
        FP_CLOBBER();
        llmem_sc_free_sized(s, p, 64);
    }
}
__attribute__((noinline)) void fp_pool(llmem_pool *p, long n) {
    long i;
    for (i = 0; i < n; i++) {
        void *o = llmem_pool_alloc(p);
        FP_CLOBBER();
        llmem_pool_free(p, o);
    }
}
__attribute__((noinline)) void fp_cache(llmem_cache *c, long n) {
    long i;
    for (i = 0; i < n; i++) {
        void *o = llmem_cache_alloc(c);
        FP_CLOBBER();
        llmem_cache_free(c, o);
    }
}

int main(int argc, char **argv) { /* fastpath WHICH PAIRS: WHICH 0 sc, 1 sc sized, 2 pool, 3 cache handle */
    static llmem_sc s;
    static llmem_pool p;
    int which = argc > 1 ? atoi(argv[1]) : 0;
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    if (llmem_sc_init(&s, 0, -1) != 0 || llmem_pool_init(&p, 64, 64) != 0) return 1;
    fp_sc(&s, 1000); /* warm: every cache exists, magazines carved */
    fp_sc_sized(&s, 1000);
    fp_pool(&p, 1000);
    fp_cache(llmem_pool_cache(&p), 1000);
    if (which == 0) fp_sc(&s, n);
    if (which == 1) fp_sc_sized(&s, n);
    if (which == 2) fp_pool(&p, n);
    if (which == 3) fp_cache(llmem_pool_cache(&p), n);
    llmem_pool_destroy(&p);
    llmem_sc_destroy(&s);
    return 0;
}
