/* tests/cpuid.c - prints the x86 features this CPU offers, by the names of LLT_CPU_FEATURES, comma-separated
   in a fixed order: "sse2,ssse3,sse4.2,pclmul,...". tests/cpus.sh runs it under each qemu -cpu model and
   compares the line with its own table, so the ladder never runs on a model that is not what it claims.
   Its own code, on purpose: it must not share a bug with the detection it is used to check.

   AVX-family features count only when the OS enables their register state (XCR0), as every dispatcher
   in ll requires; VPCLMULQDQ is reported as "vpclmul". */
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

static unsigned long long read_xcr0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

int main(void) {
    unsigned a, b, c, d, max_leaf, ecx1 = 0, edx1 = 0, ebx7 = 0, ecx7 = 0;
    unsigned long long xcr0 = 0;
    int avx_state, avx512_state;
    char out[256] = "";
    __cpuid(0, max_leaf, b, c, d);
    if (max_leaf >= 1) {
        __cpuid(1, a, b, c, d);
        ecx1 = c;
        edx1 = d;
    }
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        ebx7 = b;
        ecx7 = c;
    }
    if (ecx1 & (1u << 27)) xcr0 = read_xcr0(); /* OSXSAVE */
    avx_state = (xcr0 & 0x6) == 0x6;              /* XMM and YMM state */
    avx512_state = avx_state && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
#define ADD(cond, name)                                                                                        \
    do {                                                                                                       \
        if (cond) {                                                                                            \
            if (out[0]) strcat(out, ",");                                                                      \
            strcat(out, name);                                                                                 \
        }                                                                                                      \
    } while (0)
    ADD(edx1 & (1u << 26), "sse2");
    ADD(ecx1 & (1u << 9), "ssse3");
    ADD(ecx1 & (1u << 20), "sse4.2");
    ADD(ecx1 & (1u << 1), "pclmul");
    ADD((ecx1 & (1u << 28)) && avx_state, "avx");
    ADD((ebx7 & (1u << 5)) && avx_state, "avx2");
    ADD(ebx7 & (1u << 8), "bmi2");
    ADD((ebx7 & (1u << 16)) && avx512_state, "avx512f");
    ADD((ebx7 & (1u << 30)) && avx512_state, "avx512bw");
    ADD((ebx7 & (1u << 31)) && avx512_state, "avx512vl");
    ADD((ecx7 & (1u << 10)) && avx_state, "vpclmul");
    ADD(ebx7 & (1u << 23), "clflushopt");
    ADD(ebx7 & (1u << 24), "clwb");
    ADD(ecx7 & (1u << 28), "movdir64b");
#undef ADD
    printf("%s\n", out);
    return 0;
}
#else
int main(void) {
    printf("not-x86-64\n");
    return 0;
}
#endif
