/* tests/fuzz_llq_bytes.c - libFuzzer target for llq.h's byte-ring reader (make fuzz-llq).
   The ring's memory is shared with a producer the consumer cannot trust (another process, a crashed
   writer, a stray store): the input supplies the producer's published head and the record area, and the
   consumer reads until the ring is empty or reports corruption. Every record handed out must lie inside
   the record area (the area is allocated to its exact size, so ASan catches a read past it) and agree
   between peek and read; the reader must stop: no record is returned twice and the tail only advances. */
#define LLQ_IMPLEMENTATION
#include "llq.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t cap, mem, i, start, avail, guard = 0;
    uint64_t head_off;
    unsigned char *raw;
    llq_bytes *q;
    static unsigned char out[1024];
    if (size < 10) return 0;
    cap = (size_t)64 << (data[0] % 4); /* 64 .. 512 bytes of records */
    mem = llq_bytes_memsize(cap);
    raw = (unsigned char *)malloc(mem);
    if (!raw) abort();
    q = (llq_bytes *)(void *)raw;
    if (llq_bytes_init(q, mem, cap) != 0) abort();
    memcpy(&head_off, data + 1, 8);
    /* the consumer's own state is sane: a tail on a record boundary, anywhere in the wrap cycle */
    start = (size_t)data[9] * 8;
    q->tail = start;
    q->head_cache = start;
    /* the producer's side is whatever the input says */
    q->head = start + (size_t)(head_off % (2 * cap + 64));
    if (head_off & (1ull << 63)) q->head = (size_t)head_off; /* and sometimes any value at all */
    for (i = 0; i < cap; i++) llq_i_bytes_data(q)[i] = (unsigned char)(10 + i < size ? data[10 + i] : 0);
    avail = q->head - start;
    for (;;) {
        const void *p;
        size_t len = 0, len2 = 0, t0 = q->tail;
        int r = llq_bytes_peek(q, &p, &len);
        if (r == 0 || r == LLQ_EBADMSG) break;
        if (r != 1) abort();
        if ((const unsigned char *)p < llq_i_bytes_data(q) ||
            (const unsigned char *)p + len > llq_i_bytes_data(q) + cap)
            abort();
        r = llq_bytes_read(q, out, sizeof out, &len2);
        if (r == LLQ_EMSGSIZE) {
            if (len <= sizeof out) abort();
            llq_bytes_release(q); /* skip it after a peek, as a reader with a small buffer would */
        } else if (r != 1 || len2 != len || memcmp(out, p, len) != 0) {
            abort();
        }
        if (q->tail <= t0 || q->tail - start > avail) abort(); /* forward, and never past the head */
        if (++guard > cap) abort();                           /* each record takes at least 8 bytes */
    }
    free(raw);
    return 0;
}
