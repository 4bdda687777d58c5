/* tests/fuzz_llcrc_delta.c - libFuzzer target for llcrc.h's delta decoder (make fuzz-llcrc).
   1. the input as an encoded delta: decode into a buffer whose capacity comes from the input, and apply
      it to a buffer; either an error, or a result that stays in bounds (ASan checks) and agrees between
      decode and apply; apply leaves the buffer untouched on error;
   2. the input as a delta: encode, decode, compare (the round trip is exact). */
#define LLCRC_IMPLEMENTATION
#include "llcrc.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t cap = size ? (size_t)data[0] * 17 : 0;
    unsigned char *dst = (unsigned char *)malloc(cap ? cap : 1);
    unsigned char *buf = (unsigned char *)malloc(cap ? cap : 1);
    unsigned char *keep = (unsigned char *)malloc(cap ? cap : 1);
    ptrdiff_t r, a;
    size_t i;
    if (!dst || !buf || !keep) abort();
    /* 1: decode arbitrary bytes (skip the capacity byte) */
    r = llcrc_delta_decode(dst, cap, data + (size ? 1 : 0), size ? size - 1 : 0);
    if (r >= 0) {
        if ((size_t)r > cap) abort();
        for (i = 0; i < (size_t)r; i++) buf[i] = (unsigned char)(i * 7);
        a = llcrc_delta_apply(buf, (size_t)r, data + 1, size - 1);
        if (a != r) abort();
        for (i = 0; i < (size_t)r; i++)
            if (buf[i] != (unsigned char)((i * 7) ^ dst[i])) abort();
    } else if (r != LLCRC_EBADMSG && r != LLCRC_ENOSPC && r != LLCRC_EINVAL) {
        abort();
    } else if (cap) {
        for (i = 0; i < cap; i++) buf[i] = keep[i] = (unsigned char)i;
        a = llcrc_delta_apply(buf, cap, data + (size ? 1 : 0), size ? size - 1 : 0);
        if (a >= 0 && (size_t)a != cap) abort();
        if (a < 0 && memcmp(buf, keep, cap) != 0) abort();
    }
    free(dst);
    free(buf);
    free(keep);
    /* 2: round trip of the input taken as a delta */
    {
        size_t bound = llcrc_delta_bound(size);
        unsigned char *enc = (unsigned char *)malloc(bound);
        unsigned char *dec = (unsigned char *)malloc(size ? size : 1);
        ptrdiff_t e, d;
        if (!enc || !dec) abort();
        e = llcrc_delta_encode(enc, bound, data, NULL, size);
        if (e <= 0 || (size_t)e > bound) abort();
        d = llcrc_delta_decode(dec, size, enc, (size_t)e);
        if (d != (ptrdiff_t)size || (size && memcmp(dec, data, size) != 0)) abort();
        if (e > 1 && llcrc_delta_encode(enc, (size_t)e - 1, data, NULL, size) != LLCRC_ENOSPC) abort();
        free(enc);
        free(dec);
    }
    return 0;
}
