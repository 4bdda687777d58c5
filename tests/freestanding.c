/* The OS-free parts of ll in one freestanding unit for a Cortex-M4: checksums, an SPSC ring, an arena and
   a fixed-size pool, a latency histogram and counters, linked with no C library. tests/freestanding.sh
   builds it; it is never run. */
#define LLCRC_IMPLEMENTATION
#define LLQ_IMPLEMENTATION
#define LLMEM_IMPLEMENTATION
#define LLSTAT_IMPLEMENTATION
#include "llcrc.h"
#include "llq.h"
#include "llmem.h"
#include "llstat.h"

/* what the compiler may call on its own in a freestanding build */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    while (n--) *d++ = *s++;
    return dst;
}
void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    if (d < s) while (n--) *d++ = *s++;
    else while (n--) d[n] = s[n];
    return dst;
}
void *memset(void *dst, int c, size_t n) {
    unsigned char *d = (unsigned char *)dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}
int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

static unsigned char ring_mem[4096] __attribute__((aligned(128)));
static unsigned char arena_mem[2048] __attribute__((aligned(64)));
static unsigned char pool_mem[2048] __attribute__((aligned(64)));
static uint64_t hist_mem[1808]; /* llstat_hist_memsize(1, 1000000, 2) = 14464 bytes */
volatile uint32_t ll_freestanding_result;

void ll_freestanding_entry(void);
void ll_freestanding_entry(void) {
    static const char msg[] = "123456789";
    llq_spsc *q = (llq_spsc *)(void *)ring_mem;
    llmem_arena arena;
    llmem_pool pool;
    uint32_t v = 0, out = 0;
    void *obj;

    v ^= llcrc_crc32c(0, msg, 9) ^ llcrc_crc32(0, msg, 9) ^ llcrc_adler32(1, msg, 9);
    v ^= (uint32_t)llcrc_xxh3_64(msg, 9, 0) ^ llcrc_xxh32(msg, 9, 0) ^ llcrc_fletcher32(msg, 9);
    if (llq_spsc_init(q, sizeof ring_mem, 16, sizeof(uint32_t)) == 0 && llq_spsc_push(q, &v)) llq_spsc_pop(q, &out);
    llmem_arena_init(&arena, arena_mem, sizeof arena_mem);
    out ^= (uint32_t)(uintptr_t)llmem_arena_alloc(&arena, 100, 16);
    if (llmem_pool_init(&pool, 32, 8) == 0 && llmem_pool_add_memory(&pool, pool_mem, sizeof pool_mem) == 0) {
        obj = llmem_pool_alloc(&pool);
        out ^= (uint32_t)(uintptr_t)obj;
        llmem_pool_free(&pool, obj);
    }
    {
        llstat_hist *h = (llstat_hist *)(void *)hist_mem;
        llstat_counter ops = {0};
        llstat_snapshot a = {0, 0, 0}, b = {1000000000u, 0, 0};
        llstat_rate rate;
        if (llstat_hist_init(h, sizeof hist_mem, 1, 1000000, 2) == 0) {
            llstat_hist_record(h, out & 0xffff);
            llstat_counter_add(&ops, 1);
            b.ops = llstat_counter_read(&ops);
            llstat_rate_between(&a, &b, &rate);
            out ^= (uint32_t)llstat_hist_percentile(h, 99.9) ^ (uint32_t)rate.ops_per_sec;
        }
    }
    ll_freestanding_result = out;
    for (;;) {
    }
}
