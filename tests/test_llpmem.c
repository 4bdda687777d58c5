/* test_llpmem.c - functional tests of llpmem.h.
   Built twice by mk/llpmem.mk: plain (build/test_llpmem) and with -DLLPMEM_CRASH_SIM
   (build/test_llpmem_sim), where the crash-simulator tests run instead of skipping. */
#define LLPMEM_IMPLEMENTATION
#include "llpmem.h"

#include "lltest.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define T_TMPFS_MAGIC 0x01021994L
#define T_EXT4_MAGIC 0xEF53L

static char t_path_buf[512];
static int t_cvap_faults; /* set by t_probe_cvap */

static const char *t_path(const char *dir, const char *name) {
    snprintf(t_path_buf, sizeof t_path_buf, "%s/llpmem_test_%d_%s", dir, (int)getpid(), name);
    return t_path_buf;
}

/* a writable directory on the VM disk (not tmpfs) */
static const char *t_disk_dir(void) {
    static const char *cands[] = {"build", "/var/tmp", "/tmp"};
    size_t i;
    for (i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        struct statfs sf;
        if (access(cands[i], W_OK) == 0 && statfs(cands[i], &sf) == 0 && (long)sf.f_type != T_TMPFS_MAGIC)
            return cands[i];
    }
    return NULL;
}

static void *t_aligned(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, n) != 0) return NULL;
    memset(p, 0, n);
    return p;
}

/* -------------------------------------------------------------------------------------------------- */
/* What the automatic choices must be, derived from the features llpmem detected (or, on the CPU ladder,
   from the features the qemu model offers): the documented orders, whatever this CPU is. */
static int t_auto_flush_for(unsigned f) {
    if (f & LLPMEM_CPU_CLWB) return LLPMEM_FLUSH_CLWB;
    if (f & LLPMEM_CPU_CLFLUSHOPT) return LLPMEM_FLUSH_CLFLUSHOPT;
    if (f & LLPMEM_CPU_CLFLUSH) return LLPMEM_FLUSH_CLFLUSH;
    if (f & LLPMEM_CPU_DCPOP) return LLPMEM_FLUSH_CVAP;
    if (f & LLPMEM_CPU_DC) return LLPMEM_FLUSH_CVAC;
    return LLPMEM_FLUSH_NONE;
}

/* no: LLPMEM_CPU_* bits excluded from the automatic choice (LLPMEM_NO_AVX512=1 ...) */
static int t_auto_nt_for(unsigned f, unsigned no) {
#ifdef LLPMEM_I_HAVE_AVX512
    if ((f & LLPMEM_CPU_AVX512) && !(no & LLPMEM_CPU_AVX512)) return LLPMEM_NT_AVX512;
#endif
#ifdef LLPMEM_I_HAVE_MOVDIR64B
    if ((f & LLPMEM_CPU_MOVDIR64B) && !(no & LLPMEM_CPU_MOVDIR64B)) return LLPMEM_NT_MOVDIR64B;
#endif
#ifdef LLPMEM_I_HAVE_AVX2
    if ((f & LLPMEM_CPU_AVX2) && !(no & LLPMEM_CPU_AVX2)) return LLPMEM_NT_AVX2;
#endif
#ifdef LLPMEM_I_HAVE_SSE2
    if (f & LLPMEM_CPU_SSE2) return LLPMEM_NT_SSE2;
#endif
    (void)f; (void)no;
    return LLPMEM_NT_NONE;
}

/* The CPU ladder (make cpus) runs this program under qemu-x86_64 -cpu LLT_CPU_MODEL with LLT_CPU_FEATURES
   listing what that model offers (sse2,ssse3,sse4.2,pclmul,avx,avx2,bmi2,avx512f,avx512bw,avx512vl,
   vpclmul,clflushopt,clwb,movdir64b). 1: the model has feat, 0: it has not, -1: not on the ladder. */
static int t_ladder_has(const char *feat) {
    const char *l = getenv("LLT_CPU_FEATURES"), *p;
    size_t n = strlen(feat);
    if (!l) return -1;
    for (p = l; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, feat, n) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* the llpmem feature bits the ladder can name, and their names in LLT_CPU_FEATURES */
static const struct { unsigned bit; const char *name; } t_ladder_bits[] = {
    {LLPMEM_CPU_SSE2, "sse2"},           {LLPMEM_CPU_AVX2, "avx2"}, {LLPMEM_CPU_AVX512, "avx512f"},
    {LLPMEM_CPU_MOVDIR64B, "movdir64b"}, {LLPMEM_CPU_CLFLUSHOPT, "clflushopt"}, {LLPMEM_CPU_CLWB, "clwb"},
};

/* env overrides change the automatic choices: the checks below only hold without them */
static bool t_env_overrides_set(void) {
    static const char *const names[] = {"LLPMEM_FORCE_FLUSH", "LLPMEM_FORCE_NT", "LLPMEM_NO_NT", "LLPMEM_NO_AVX512",
                                        "LLPMEM_NO_AVX2", "LLPMEM_NO_MOVDIR64B"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (getenv(names[i])) return true;
    return false;
}

/* the write-back stride llpmem uses: 64 on x86, the smallest data cache line (CTR_EL0) on aarch64 */
static size_t t_stride(void) {
    (void)llpmem_cpu_features(); /* initialises */
    return llpmem_i_g.dline;
}
static uint64_t t_lines(size_t off, size_t n) {
    size_t s = t_stride();
    return n ? (uint64_t)((off + n + s - 1) / s - off / s) : 0;
}

static void cpu_and_defaults(void) {
    unsigned f = llpmem_cpu_features();
    int fl = llpmem_get_flush(), nt = llpmem_get_nt();
    printf("  cpu features 0x%x, flush %s, nt %s, threshold %zu, version %s\n", f, llpmem_flush_name(fl),
           llpmem_nt_name(nt), llpmem_get_nt_threshold(), llpmem_version());
    LLT_CHECK(fl != LLPMEM_FLUSH_AUTO);
    LLT_CHECK(nt != LLPMEM_NT_AUTO);
    if (!t_env_overrides_set()) {
        /* the documented orders applied to what was detected: clwb > clflushopt > clflush > cvap > cvac,
           avx512 > movdir64b > avx2 > sse2 > cached */
        LLT_EQ_I64(fl, t_cvap_faults ? LLPMEM_FLUSH_CVAC : t_auto_flush_for(f));
        LLT_EQ_I64(nt, t_auto_nt_for(f, 0));
    }
    /* every path is accepted exactly when the CPU has it */
    LLT_EQ_I64(llpmem_set_flush(LLPMEM_FLUSH_CLWB) == 0, (f & LLPMEM_CPU_CLWB) != 0);
    LLT_EQ_I64(llpmem_set_flush(LLPMEM_FLUSH_CLFLUSHOPT) == 0, (f & LLPMEM_CPU_CLFLUSHOPT) != 0);
    LLT_EQ_I64(llpmem_set_flush(LLPMEM_FLUSH_CLFLUSH) == 0, (f & LLPMEM_CPU_CLFLUSH) != 0);
    LLT_EQ_I64(llpmem_set_flush(LLPMEM_FLUSH_NONE), 0);
    LLT_EQ_I64(llpmem_set_flush(fl), 0);
#ifdef LLPMEM_I_HAVE_AVX2
    LLT_EQ_I64(llpmem_set_nt(LLPMEM_NT_AVX2) == 0, (f & LLPMEM_CPU_AVX2) != 0);
#endif
#ifdef LLPMEM_I_HAVE_MOVDIR64B
    LLT_EQ_I64(llpmem_set_nt(LLPMEM_NT_MOVDIR64B) == 0, (f & LLPMEM_CPU_MOVDIR64B) != 0);
#endif
    LLT_EQ_I64(llpmem_set_nt(LLPMEM_NT_NONE), 0);
    LLT_EQ_I64(llpmem_set_nt(nt), 0);
    LLT_EQ_I64(llpmem_set_flush(99), LLPMEM_EOPNOTSUPP);
    LLT_EQ_I64(llpmem_set_nt(99), LLPMEM_EOPNOTSUPP);
    LLT_EQ_STR(llpmem_strerror(LLPMEM_EFAULT), "address range not inside any llpmem mapping");
    LLT_EQ_STR(llpmem_strerror(-2), "no such file or directory");
    LLT_EQ_STR(llpmem_strerror(LLPMEM_EOPNOTSUPP), "not supported on this CPU, platform or build");
    LLT_EQ_STR(llpmem_strerror(-4242), "unknown error");
    LLT_EQ_STR(llpmem_strerror(1), "unknown error");
    LLT_EQ_I64(LLPMEM_EOPNOTSUPP, -95);
    LLT_EQ_STR(llpmem_kind_name(LLPMEM_KIND_DEVDAX), "devdax");
}

/* on the CPU ladder: detection and every automatic choice against what the qemu model offers */
static void cpu_ladder(void) {
    const char *model = getenv("LLT_CPU_MODEL");
    unsigned f = llpmem_cpu_features(), want = 0;
    size_t i;
    if (t_ladder_has("sse2") < 0) LLT_SKIP("not on the CPU ladder (make cpus sets LLT_CPU_FEATURES and LLT_CPU_MODEL)");
#if !defined(__x86_64__)
    LLT_SKIP("the CPU ladder is x86-64 (qemu-x86_64 -cpu MODEL)");
#endif
    for (i = 0; i < sizeof t_ladder_bits / sizeof t_ladder_bits[0]; i++) {
        int has = t_ladder_has(t_ladder_bits[i].name);
        if (has) want |= t_ladder_bits[i].bit;
        LLT_CHECKF(((f & t_ladder_bits[i].bit) != 0) == (has == 1), "%s: model %s %s it, llpmem detected %s",
                   t_ladder_bits[i].name, model ? model : "?", has ? "offers" : "lacks",
                   (f & t_ladder_bits[i].bit) ? "it" : "nothing");
    }
    want |= f & LLPMEM_CPU_CLFLUSH; /* clflush is not on the ladder's list (every x86-64 model has it) */
    if (!t_env_overrides_set()) {
        LLT_EQ_STR(llpmem_flush_name(llpmem_get_flush()), llpmem_flush_name(t_auto_flush_for(want)));
        LLT_EQ_STR(llpmem_nt_name(llpmem_get_nt()), llpmem_nt_name(t_auto_nt_for(want, 0)));
    }
    printf("  model %s: features 0x%x, flush %s, copy path %s\n", model ? model : "?", f,
           llpmem_flush_name(llpmem_get_flush()), llpmem_nt_name(llpmem_get_nt()));
}

static bool t_mount_has_dax(const char *dir) {
    /* a DAX-mounted ext4/xfs legitimately gives pmem; look for "dax" in the mount options */
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[1024], real[4096];
    bool dax = false;
    size_t best = 0;
    if (!f || !realpath(dir, real)) {
        if (f) fclose(f);
        return false;
    }
    while (fgets(line, sizeof line, f)) {
        char mnt[1024];
        int a;
        if (sscanf(line, "%d %*d %*s %*s %1023s", &a, mnt) != 2) continue;
        if (strncmp(real, mnt, strlen(mnt)) == 0 && strlen(mnt) >= best) {
            best = strlen(mnt);
            dax = strstr(line, "dax") != NULL;
        }
    }
    fclose(f);
    return dax;
}

static void t_not_pmem_on(const char *dir, long magic, const char *fsname) {
    struct statfs sf;
    llpmem_region *r;
    const char *p;
    int rc;
    if (!dir || statfs(dir, &sf) != 0) LLT_SKIP("no %s directory", fsname);
    if (magic && (long)sf.f_type != magic) LLT_SKIP("%s is not %s here (f_type 0x%lx)", dir, fsname, (long)sf.f_type);
    if (t_mount_has_dax(dir)) LLT_SKIP("%s is mounted with dax", dir);
    p = t_path(dir, "nopmem");
    unlink(p);
    rc = llpmem_open(p, 1 << 16, LLPMEM_CREATE, 0600, &r);
    LLT_REQUIRE(rc == 0);
    LLT_CHECK(!llpmem_region_is_pmem(r));
    LLT_EQ_I64(llpmem_region_kind(r), LLPMEM_KIND_FILE);
    LLT_EQ_I64(llpmem_is_pmem(llpmem_addr(r), 100), 0);
    LLT_EQ_U64(llpmem_len(r), 1 << 16);
    LLT_CHECK(!llpmem_region_eadr(r));
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
}

static void tmpfs_is_not_pmem(void) { t_not_pmem_on("/dev/shm", T_TMPFS_MAGIC, "tmpfs"); }
static void ext4_is_not_pmem(void) { t_not_pmem_on(t_disk_dir(), T_EXT4_MAGIC, "ext4"); }

static void open_create_and_errors(void) {
    const char *dir = "/dev/shm";
    char p[512], d[512];
    llpmem_region *r = NULL;
    struct stat st;
    int fd;
    snprintf(p, sizeof p, "%s", t_path(dir, "create"));
    unlink(p);
    LLT_EQ_I64(llpmem_open(p, 4096, 0, 0, &r), -ENOENT);          /* no CREATE */
    LLT_CHECK(r == NULL);
    LLT_EQ_I64(llpmem_open(p, 0, LLPMEM_CREATE, 0600, &r), LLPMEM_EINVAL); /* empty file, no size */
    LLT_EQ_I64(llpmem_open(p, 100000, LLPMEM_CREATE, 0600, &r), 0);
    LLT_REQUIRE(r != NULL);
    LLT_CHECK(stat(p, &st) == 0 && st.st_size == 100000);
    memset(llpmem_addr(r), 0x5a, 100000);
    LLT_EQ_I64(llpmem_persist(llpmem_addr(r), 100000), 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    LLT_EQ_I64(llpmem_open(p, 200000, 0, 0, &r), LLPMEM_EINVAL);   /* longer than the file, no CREATE */
    LLT_EQ_I64(llpmem_open(p, 4096, LLPMEM_CREATE_EXCL, 0600, &r), -EEXIST);
    LLT_EQ_I64(llpmem_open(p, 0, 0, 0, &r), 0);                    /* whole file */
    LLT_REQUIRE(r != NULL);
    LLT_EQ_U64(llpmem_len(r), 100000);
    LLT_EQ_U64(((unsigned char *)llpmem_addr(r))[99999], 0x5a);
    LLT_EQ_I64(llpmem_close(r), 0);
    /* read-only mapping */
    LLT_EQ_I64(llpmem_open(p, 0, LLPMEM_READONLY | LLPMEM_PREWARM, 0, &r), 0);
    LLT_REQUIRE(r != NULL);
    LLT_EQ_U64(((unsigned char *)llpmem_addr(r))[5], 0x5a);
    LLT_EQ_I64(llpmem_close(r), 0);
    /* a directory is not mappable */
    snprintf(d, sizeof d, "%s", t_path(dir, "dir"));
    mkdir(d, 0700);
    LLT_EQ_I64(llpmem_open(d, 4096, 0, 0, &r), -EISDIR);
    rmdir(d);
    LLT_EQ_I64(llpmem_open(NULL, 4096, 0, 0, &r), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_close(NULL), LLPMEM_EINVAL);
    /* file content grows with CREATE and keeps data */
    fd = open(p, O_RDWR);
    LLT_CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    LLT_EQ_I64(llpmem_open(p, 300000, LLPMEM_CREATE, 0600, &r), 0);
    LLT_REQUIRE(r != NULL);
    LLT_EQ_U64(((unsigned char *)llpmem_addr(r))[99999], 0x5a);
    LLT_EQ_U64(((unsigned char *)llpmem_addr(r))[100000], 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
}

/* zero-length flushes and copies return 0 at once: no lookup (NULL and foreign addresses are fine), no
   write-back, no fence, no msync, nothing counted, nothing written */
static void t_zero_calls(unsigned char *a, const unsigned char *src) {
    LLT_EQ_I64(llpmem_persist(a, 0), 0);
    LLT_EQ_I64(llpmem_flush(a, 0), 0);
    LLT_EQ_I64(llpmem_msync(a, 0), 0);
    LLT_EQ_I64(llpmem_memcpy_persist(a, src, 0), 0);
    LLT_EQ_I64(llpmem_memmove_persist(a, src, 0), 0);
    LLT_EQ_I64(llpmem_memset_persist(a, 0x55, 0), 0);
    LLT_EQ_I64(llpmem_memcpy_nodrain(a, src, 0), 0);
    LLT_EQ_I64(llpmem_memmove_nodrain(a, src, 0), 0);
    LLT_EQ_I64(llpmem_memset_nodrain(a, 0x55, 0), 0);
    LLT_CHECK(llpmem_pmem_memmove(a, src, 0, 0) == a);
    LLT_CHECK(llpmem_pmem_memmove(a, src, 0, LLPMEM_F_NT) == a);
    LLT_CHECK(llpmem_pmem_memset(a, 0x55, 0, LLPMEM_F_NT) == a);
    if (a) {
        llpmem_pmem_persist(a, 0);
        llpmem_pmem_flush(a, 0);
    }
}

static void zero_length_returns_at_once(void) {
    unsigned char *buf = (unsigned char *)t_aligned(8192), src[64], *heap = (unsigned char *)malloc(64), *f;
    llpmem_region *r, *rf;
    llpmem_stats st;
    const char *p = t_path("/dev/shm", "zero");
    int k;
#ifdef LLPMEM_CRASH_SIM
    uint64_t ev0;
#endif
    LLT_REQUIRE(buf && heap);
    memset(src, 0xee, sizeof src);
    memset(heap, 0, 64);
    unlink(p);
    LLT_REQUIRE(llpmem_attach(buf, 8192, LLPMEM_FORCE | LLPMEM_STATS, &r) == 0);
    LLT_REQUIRE(llpmem_open(p, 8192, LLPMEM_CREATE | LLPMEM_STATS, 0600, &rf) == 0);
    f = (unsigned char *)llpmem_addr(rf);
#ifdef LLPMEM_CRASH_SIM
    ev0 = llpmem_sim_events();
#endif
    for (k = 0; k < 2; k++) { /* below and above the non-temporal threshold setting */
        llpmem_set_nt_threshold(k ? 256 : 0);
        t_zero_calls(buf, src);
        t_zero_calls(buf + 8191, src);
        t_zero_calls(buf + 8192, src);  /* one past the end */
        t_zero_calls(f + 13, src);      /* msync region */
        t_zero_calls(heap, src);        /* not a region */
        t_zero_calls(NULL, NULL);
    }
    llpmem_set_nt_threshold(256);
#ifdef LLPMEM_CRASH_SIM
    LLT_EQ_U64(llpmem_sim_events(), ev0); /* no flush event at all */
#endif
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.persists + st.flushes + st.copies + st.lines + st.msyncs + st.bytes_copied, 0);
    LLT_EQ_I64(llpmem_region_stats(rf, &st), 0);
    LLT_EQ_U64(st.persists + st.flushes + st.copies + st.lines + st.msyncs + st.bytes_copied, 0);
    for (k = 0; k < 8192; k++)
        if (buf[k] || f[k]) {
            LLT_CHECKF(0, "byte %d written by a zero-length call", k);
            break;
        }
    LLT_EQ_U64(heap[0], 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    LLT_EQ_I64(llpmem_close(rf), 0);
    unlink(p);
    free(buf);
    free(heap);
}

static void big_mapping_is_aligned(void) {
    llpmem_region *r;
    const char *p = t_path("/dev/shm", "big");
    unlink(p);
    LLT_REQUIRE(llpmem_open(p, (size_t)4 << 20, LLPMEM_CREATE, 0600, &r) == 0);
    LLT_EQ_U64((uintptr_t)llpmem_addr(r) & ((2u << 20) - 1u), 0);
    memset(llpmem_addr(r), 1, (size_t)4 << 20);
    LLT_EQ_I64(llpmem_persist(llpmem_addr(r), (size_t)4 << 20), 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
}

static void foreign_address_is_error(void) {
    char *heap = (char *)malloc(4096);
    unsigned char *buf = (unsigned char *)t_aligned(8192);
    llpmem_region *r;
    LLT_REQUIRE(heap && buf);
    memset(heap, 0, 4096);
    LLT_EQ_I64(llpmem_persist(heap, 64), LLPMEM_EFAULT);
    LLT_EQ_I64(llpmem_flush(heap, 64), LLPMEM_EFAULT);
    LLT_EQ_I64(llpmem_memcpy_persist(heap, "abc", 3), LLPMEM_EFAULT);
    LLT_EQ_I64(llpmem_memset_persist(heap, 1, 3), LLPMEM_EFAULT);
    LLT_EQ_I64(llpmem_memmove_nodrain(heap, "abc", 3), LLPMEM_EFAULT);
    LLT_EQ_U64(heap[0], 0); /* nothing written */
    LLT_EQ_I64(llpmem_is_pmem(heap, 1), LLPMEM_EFAULT);
    LLT_CHECK(llpmem_find(heap) == NULL);
    LLT_REQUIRE(llpmem_attach(buf, 4096, LLPMEM_FORCE, &r) == 0);
    LLT_CHECK(llpmem_find(buf + 100) == r);
    LLT_EQ_I64(llpmem_persist(buf, 4096), 0);
    LLT_EQ_I64(llpmem_persist(buf + 4000, 96), 0);
    LLT_EQ_I64(llpmem_persist(buf + 4000, 97), LLPMEM_EFAULT);  /* straddles the end */
    LLT_EQ_I64(llpmem_persist(buf + 4096, 1), LLPMEM_EFAULT);   /* just past */
    LLT_EQ_I64(llpmem_persist(buf - 1, 2), LLPMEM_EFAULT);      /* just before */
    LLT_EQ_I64(llpmem_memcpy_persist(buf + 4090, "0123456789", 10), LLPMEM_EFAULT);
    LLT_EQ_U64(buf[4090], 0);
    {
        llpmem_region *r2;
        LLT_EQ_I64(llpmem_attach(buf + 1000, 100, 0, &r2), LLPMEM_EINVAL); /* overlaps */
        LLT_CHECK(r2 == NULL);
        LLT_EQ_I64(llpmem_attach(buf + 4096, 4096, 0, &r2), 0);          /* adjacent is fine */
        LLT_EQ_I64(llpmem_is_pmem(buf + 4096, 10), 0);
        LLT_EQ_I64(llpmem_region_kind(r2), LLPMEM_KIND_MEMORY);
        LLT_EQ_I64(llpmem_persist(buf + 4000, 200), LLPMEM_EFAULT);   /* spans two regions */
        LLT_EQ_I64(llpmem_close(r2), 0);
    }
    LLT_EQ_I64(llpmem_close(r), 0);
    LLT_EQ_I64(llpmem_persist(buf, 64), LLPMEM_EFAULT);          /* after close */
    free(heap);
    free(buf);
}

static void registry_limits(void) {
    enum { N = LLPMEM_MAX_REGIONS };
    unsigned char *buf = (unsigned char *)t_aligned((size_t)(N + 1) * 256);
    llpmem_region *rs[N + 1];
    int i, ok = 0;
    LLT_REQUIRE(buf != NULL);
    for (i = 0; i < N; i++) {
        int rc = llpmem_attach(buf + i * 256, 256, LLPMEM_FORCE, &rs[i]);
        if (rc == 0) ok++;
        else if (rc == LLPMEM_ENOSPC) break;
    }
    /* every slot may be taken now (other tests closed theirs) */
    LLT_EQ_I64(ok, i);
    LLT_EQ_I64(llpmem_attach(buf + N * 256, 256, 0, &rs[N]), LLPMEM_ENOSPC);
    LLT_EQ_I64(llpmem_persist(buf + (ok - 1) * 256 + 10, 20), 0);
    for (i = 0; i < ok; i++) LLT_EQ_I64(llpmem_close(rs[i]), 0);
    LLT_EQ_I64(llpmem_attach(buf, 256, 0, &rs[0]), 0);             /* slots are reused */
    LLT_EQ_I64(llpmem_close(rs[0]), 0);
    free(buf);
}

static void msync_fallback_page_aligns(void) {
    const char *dirs[2];
    int d;
    dirs[0] = "/dev/shm";
    dirs[1] = t_disk_dir();
    for (d = 0; d < 2; d++) {
        llpmem_region *r;
        llpmem_stats st;
        char p[512];
        unsigned char back[100];
        int fd;
        long pg = sysconf(_SC_PAGESIZE);
        if (!dirs[d]) continue;
        snprintf(p, sizeof p, "%s", t_path(dirs[d], "msync"));
        unlink(p);
        LLT_REQUIRE(llpmem_open(p, 3 * 4096, LLPMEM_CREATE | LLPMEM_STATS, 0600, &r) == 0);
        {
            char *a = (char *)llpmem_addr(r);
            /* msync itself refuses an unaligned address: the fallback must align it */
            LLT_EQ_I64(msync(a + 100, 100, MS_SYNC), -1);
            LLT_EQ_I64(errno, EINVAL);
            memset(a + pg - 50, 0xab, 100); /* crosses a page boundary */
            LLT_EQ_I64(llpmem_persist(a + pg - 50, 100), 0);
            LLT_EQ_I64(llpmem_flush(a + 1, 1), 0);
            LLT_EQ_I64(llpmem_memcpy_persist(a + 7, "persisted", 9), 0);
            LLT_EQ_I64(llpmem_memset_persist(a + 3 * 4096 - 3, 0x11, 3), 0);
            LLT_EQ_I64(llpmem_persist(a + 5, 0), 0);
            LLT_EQ_I64(llpmem_msync(a + 3, 1), 0);
            LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
            LLT_EQ_U64(st.msyncs, 4);          /* the zero-length persist returned at once */
            LLT_EQ_U64(st.persists, 3);
            LLT_EQ_U64(st.flushes, 1);
            LLT_EQ_U64(st.lines, 0);
            LLT_EQ_U64(st.errors, 0);
        }
        LLT_EQ_I64(llpmem_close(r), 0);
        fd = open(p, O_RDONLY);
        LLT_REQUIRE(fd >= 0);
        LLT_EQ_I64(pread(fd, back, 100, pg - 50), 100);
        LLT_CHECK(back[0] == 0xab && back[99] == 0xab);
        LLT_EQ_I64(pread(fd, back, 9, 7), 9);
        LLT_EQ_MEM(back, "persisted", 9);
        LLT_EQ_I64(pread(fd, back, 3, 3 * 4096 - 3), 3);
        LLT_CHECK(back[0] == 0x11 && back[2] == 0x11);
        close(fd);
        unlink(p);
    }
}

static void prewarm_and_lock(void) {
    llpmem_region *r;
    const char *p = t_path("/dev/shm", "warm");
    unsigned char vec[64];
    long pg = sysconf(_SC_PAGESIZE);
    size_t i, n = 64 * (size_t)(pg > 0 ? pg : 4096);
    int rc;
    unlink(p);
    LLT_REQUIRE(llpmem_open(p, n, LLPMEM_CREATE | LLPMEM_PREWARM, 0600, &r) == 0);
    LLT_EQ_I64(mincore(llpmem_addr(r), n, vec), 0);
    for (i = 0; i < 64; i++) LLT_CHECK(vec[i] & 1);
    rc = llpmem_prewarm(r, true);
    LLT_CHECK(rc == 0 || rc == -ENOMEM || rc == -EPERM || rc == -EAGAIN);
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
}

static void force_pmem_modes(void) {
    llpmem_region *r;
    const char *p = t_path("/dev/shm", "force");
    unlink(p);
    LLT_REQUIRE(llpmem_open(p, 8192, LLPMEM_CREATE | LLPMEM_FORCE, 0600, &r) == 0);
    LLT_CHECK(llpmem_region_is_pmem(r));
    LLT_EQ_I64(llpmem_region_kind(r), LLPMEM_KIND_FORCED);
    LLT_EQ_I64(llpmem_is_pmem(llpmem_addr(r), 8192), 1);
    LLT_EQ_I64(llpmem_close(r), 0);
    llpmem_force_pmem(1);
    LLT_REQUIRE(llpmem_open(p, 8192, 0, 0, &r) == 0);
    LLT_CHECK(llpmem_region_is_pmem(r));
    LLT_EQ_I64(llpmem_close(r), 0);
    llpmem_force_pmem(0);
    LLT_REQUIRE(llpmem_open(p, 8192, 0, 0, &r) == 0);
    LLT_CHECK(!llpmem_region_is_pmem(r));
    LLT_EQ_I64(llpmem_close(r), 0);
    llpmem_force_pmem(-1);
    LLT_REQUIRE(llpmem_open(p, 8192, 0, 0, &r) == 0);
    LLT_CHECK(!llpmem_region_is_pmem(r));
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
}

static void devdax_if_present(void) {
    char p[64];
    int i;
    llpmem_region *r;
    for (i = 0; i < 8; i++) {
        snprintf(p, sizeof p, "/dev/dax%d.0", i);
        if (access(p, R_OK | W_OK) == 0) break;
    }
    if (i == 8) LLT_SKIP("no device DAX node (/dev/daxN.0) on this machine");
    LLT_REQUIRE(llpmem_open(p, 0, 0, 0, &r) == 0);
    LLT_EQ_I64(llpmem_region_kind(r), LLPMEM_KIND_DEVDAX);
    LLT_CHECK(llpmem_region_is_pmem(r));
    LLT_EQ_I64(llpmem_close(r), 0);
}

static void fsdax_if_present(void) {
    const char *d = getenv("LLPMEM_TEST_DAX_DIR");
    llpmem_region *r;
    const char *p;
    if (!d) LLT_SKIP("no DAX filesystem (set LLPMEM_TEST_DAX_DIR); MAP_SYNC is refused on tmpfs and ext4");
    p = t_path(d, "fsdax");
    LLT_REQUIRE(llpmem_open(p, 1 << 21, LLPMEM_CREATE, 0600, &r) == 0);
    LLT_EQ_I64(llpmem_region_kind(r), LLPMEM_KIND_FSDAX);
    LLT_CHECK(llpmem_region_is_pmem(r));
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
}

/* -------------------------------------------------------------------------------------------------- */
/* flush paths: each instruction forced, lines counted, bytes intact */
static void t_flush_path(int kind, const char *why_missing) {
    unsigned char *buf = (unsigned char *)t_aligned(16384);
    llpmem_region *r;
    llpmem_stats st;
    int old = llpmem_get_flush();
    size_t i;
    static const size_t offs[] = {0, 1, 63, 64, 65, 100, 4095, 8000};
    static const size_t lens[] = {0, 1, 2, 63, 64, 65, 128, 129, 1000, 4096, 8192};
    uint64_t expect_lines = 0, expect_calls = 0;
    LLT_REQUIRE(buf != NULL);
    if (llpmem_set_flush(kind) != 0) {
        free(buf);
        /* on the CPU ladder a path may be missing only when the model lacks the instruction */
        LLT_CHECK(t_ladder_has(kind == LLPMEM_FLUSH_CLWB ? "clwb" : kind == LLPMEM_FLUSH_CLFLUSHOPT ? "clflushopt" : "-") != 1);
        LLT_SKIP("%s", why_missing);
    }
    LLT_EQ_I64(llpmem_get_flush(), kind);
    LLT_REQUIRE(llpmem_attach(buf, 16384, LLPMEM_FORCE | LLPMEM_STATS, &r) == 0);
    for (i = 0; i < 16384; i++) buf[i] = (unsigned char)(i * 31u + 7u);
    for (i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        size_t j;
        for (j = 0; j < sizeof lens / sizeof lens[0]; j++) {
            size_t o = offs[i], n = lens[j];
            buf[o] ^= 0xff;
            LLT_EQ_I64(llpmem_persist(buf + o, n), 0);
            LLT_EQ_I64(llpmem_flush(buf + o, n), 0);
            llpmem_drain();
            llpmem_pmem_persist(buf + o, n);
            llpmem_pmem_flush(buf + o, n);
            if (kind != LLPMEM_FLUSH_NONE) expect_lines += 2 * t_lines(o, n);
            if (n) expect_calls++; /* zero-length calls return at once, uncounted */
        }
    }
    llpmem_drain();
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.persists, expect_calls);
    LLT_EQ_U64(st.flushes, st.persists);
    LLT_EQ_U64(st.lines, expect_lines);
    LLT_EQ_U64(st.msyncs, 0);
    for (i = 0; i < 16384; i++) {
        unsigned char want = (unsigned char)(i * 31u + 7u);
        size_t k;
        for (k = 0; k < sizeof offs / sizeof offs[0]; k++)
            if (offs[k] == i && (sizeof lens / sizeof lens[0]) % 2) want ^= 0xff;
        if (buf[i] != want) {
            LLT_CHECKF(buf[i] == want, "byte %zu", i);
            break;
        }
    }
    LLT_EQ_I64(llpmem_close(r), 0);
    LLT_EQ_I64(llpmem_set_flush(old), 0);
    free(buf);
}

static void flush_clwb(void) { t_flush_path(LLPMEM_FLUSH_CLWB, "CPU has no clwb"); }
static void flush_clflushopt(void) { t_flush_path(LLPMEM_FLUSH_CLFLUSHOPT, "CPU has no clflushopt"); }
static void flush_clflush(void) { t_flush_path(LLPMEM_FLUSH_CLFLUSH, "CPU has no clflush (not x86)"); }
static void flush_none(void) { t_flush_path(LLPMEM_FLUSH_NONE, "?"); }
static void flush_dc_cvap(void) {
    if (t_cvap_faults) LLT_SKIP("DC CVAP advertised by HWCAP_DCPOP but raises SIGILL here (qemu-user 7.2)");
    t_flush_path(LLPMEM_FLUSH_CVAP, "no DC CVAP (not aarch64 or no HWCAP_DCPOP)"); }
static void flush_dc_cvac(void) { t_flush_path(LLPMEM_FLUSH_CVAC, "no DC CVAC (not aarch64)"); }

static void eadr_fence_only(void) {
    unsigned char *buf = (unsigned char *)t_aligned(8192);
    llpmem_region *r;
    llpmem_stats st;
    LLT_REQUIRE(buf != NULL);
    LLT_REQUIRE(llpmem_attach(buf, 8192, LLPMEM_FORCE | LLPMEM_STATS, &r) == 0);
    LLT_CHECK(!llpmem_region_eadr(r));
    llpmem_force_eadr(1);
    LLT_CHECK(llpmem_region_eadr(r));
    memset(buf, 3, 8192);
    LLT_EQ_I64(llpmem_persist(buf, 8192), 0);
    LLT_EQ_I64(llpmem_memcpy_persist(buf + 1, buf + 4096, 3000), 0);
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.lines, 0);
    LLT_EQ_U64(st.persists, 2);
    llpmem_force_eadr(0);
    LLT_CHECK(!llpmem_region_eadr(r));
    LLT_EQ_I64(llpmem_persist(buf, 64), 0);
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.lines, t_lines(0, 64));
    llpmem_force_eadr(-1);
    LLT_CHECK(!llpmem_region_eadr(r));
    LLT_EQ_I64(llpmem_close(r), 0);
    free(buf);
}

/* the inline llpmem_pmem_* paths read one published word: it must follow every change of flush kind and
   eADR, or an inline caller would skip write-backs (or issue the wrong instruction) */
static void pmem_inline_follows_settings(void) {
#ifdef LLPMEM_I_INLINE_PMEM
    unsigned char *buf = (unsigned char *)t_aligned(4096);
    int old = llpmem_get_flush();
    LLT_REQUIRE(buf != NULL);
    memset(buf, 1, 4096);
    llpmem_pmem_persist(buf, 100); /* the first call may initialise the library */
    LLT_CHECK(llpmem_i_pmem_op != 0);
    if (llpmem_set_flush(LLPMEM_FLUSH_CLWB) == 0) {
        LLT_EQ_I64(llpmem_i_pmem_op, 2);
        llpmem_pmem_persist(buf + 3, 200);
    }
    if (llpmem_set_flush(LLPMEM_FLUSH_CLFLUSH) == 0) {
        LLT_EQ_I64(llpmem_i_pmem_op, 3);
        llpmem_pmem_persist(buf + 3, 200);
    }
    llpmem_force_eadr(1);
    LLT_EQ_I64(llpmem_i_pmem_op, 1);
    llpmem_pmem_persist(buf, 4096);
    llpmem_force_eadr(-1);
    LLT_EQ_I64(llpmem_i_pmem_op, llpmem_get_flush() == LLPMEM_FLUSH_CLWB ? 2 : 3);
    LLT_EQ_I64(llpmem_set_flush(old), 0);
    LLT_EQ_I64(llpmem_i_pmem_op, old == LLPMEM_FLUSH_CLWB ? 2 : 3);
    LLT_EQ_I64(buf[4095], 1);
    free(buf);
#else
    LLT_SKIP("inline llpmem_pmem_* paths are compiled out here (not x86-64 GCC/Clang, or LLPMEM_CRASH_SIM)");
#endif
}

/* -------------------------------------------------------------------------------------------------- */
/* copy paths against memcpy / memmove / memset */
enum { T_AREA = 3 * 4096 + 256 };

static unsigned char *t_dst, *t_ref, *t_src;
static uint64_t t_fails;

static void t_fill(unsigned char *p, size_t n, unsigned seed) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = (unsigned char)((i * 131u + seed * 7u) >> 1);
}

/* op: 0 memcpy_persist, 1 memcpy_nodrain, 2 pmem_memmove NT, 3 pmem_memmove temporal, 4 memset_persist,
   5 memset_nodrain, 6 pmem_memset */
static int t_copy_one(int op, size_t da, size_t sa, size_t n) {
    size_t lo = da, hi = da + n + 64, i;
    int rc = 0;
    if (hi > T_AREA) hi = T_AREA;
    for (i = lo; i < hi; i++) t_dst[i] = t_ref[i] = (unsigned char)(i ^ 0x5c);
    switch (op) {
    case 0: rc = llpmem_memcpy_persist(t_dst + da, t_src + sa, n); break;
    case 1: rc = llpmem_memcpy_nodrain(t_dst + da, t_src + sa, n); llpmem_drain(); break;
    case 2: llpmem_pmem_memmove(t_dst + da, t_src + sa, n, LLPMEM_F_NT); break;
    case 3: llpmem_pmem_memmove(t_dst + da, t_src + sa, n, LLPMEM_F_TEMPORAL | LLPMEM_F_NODRAIN); break;
    case 4: rc = llpmem_memset_persist(t_dst + da, (int)(n & 0xff), n); break;
    case 5: rc = llpmem_memset_nodrain(t_dst + da, (int)(n & 0xff), n); llpmem_drain(); break;
    default: llpmem_pmem_memset(t_dst + da, (int)(n & 0xff), n, LLPMEM_F_NT); break;
    }
    if (op <= 3) memcpy(t_ref + da, t_src + sa, n);
    else memset(t_ref + da, (int)(n & 0xff), n);
    if (rc != 0 || memcmp(t_dst + lo, t_ref + lo, hi - lo) != 0) {
        if (t_fails++ < 5) {
            int at = llt_mem_diff(t_dst + lo, t_ref + lo, hi - lo);
            LLT_CHECKF(0, "op %d dst+%zu src+%zu len %zu rc %d: first diff at %d", op, da, sa, n, rc, at);
        }
        return 1;
    }
    return 0;
}

static int t_copy_pathsuite(void) {
    static const size_t lens[] = {0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 191,
                                  192, 255, 256, 257, 511, 512, 1000, 1024, 2047, 4095, 4096};
    static const size_t al[][2] = {{0, 0}, {1, 0}, {0, 1}, {63, 17}, {32, 32}, {5, 60}};
    size_t n, a, b, k;
    /* LLT_SCALE < 1 (qemu, sanitizers): every length up to 300, then a stride; alignments 0-2, 61-63 and
       a stride between */
    size_t nstep = llt_scale() < 0.5 ? 29 : 1, astep = llt_scale() < 0.5 ? 7 : 1;
    int op;
    for (op = 0; op < 7; op++) {
        /* every length 0..4096 at a set of alignment pairs */
        for (k = 0; k < sizeof al / sizeof al[0]; k++)
            for (n = 0; n <= 4096; n += (n < 300 || n >= 4090) ? 1 : nstep)
                if (t_copy_one(op, al[k][0], al[k][1], n)) goto out;
        /* every alignment pair 0..63 x 0..63 at a set of lengths */
        for (k = 0; k < sizeof lens / sizeof lens[0]; k++)
            for (a = 0; a < 64; a += (a < 2 || a >= 61) ? 1 : astep)
                for (b = 0; b < 64; b += (b < 2 || b >= 61) ? 1 : astep) {
                    if (op >= 4 && b) break; /* memset has no source */
                    if (t_copy_one(op, a, b, lens[k])) goto out;
                }
    }
out:
    return t_fails ? 1 : 0;
}

/* overlapping moves in both directions, inside one buffer */
static void t_overlap_suite(void) {
    static const size_t lens[] = {1, 63, 64, 65, 200, 256, 1000, 4096};
    static const long shifts[] = {-4097, -256, -65, -64, -63, -1, 1, 7, 63, 64, 65, 300, 4097};
    size_t k, j, base;
    int fl;
    unsigned char *ref = (unsigned char *)malloc(T_AREA);
    if (!ref) return;
    for (fl = 0; fl < 2; fl++)
        for (k = 0; k < sizeof lens / sizeof lens[0]; k++)
            for (j = 0; j < sizeof shifts / sizeof shifts[0]; j++)
                for (base = 4200; base < 4200 + 64; base += 9) {
                    size_t s = base, d = (size_t)((long)base + shifts[j]);
                    t_fill(t_dst, T_AREA, (unsigned)(k + j));
                    memcpy(ref, t_dst, T_AREA);
                    memmove(ref + d, ref + s, lens[k]);
                    if (fl == 0) LLT_EQ_I64(llpmem_memmove_persist(t_dst + d, t_dst + s, lens[k]), 0);
                    else llpmem_pmem_memmove(t_dst + d, t_dst + s, lens[k], LLPMEM_F_NT);
                    if (memcmp(ref, t_dst, T_AREA) != 0 && t_fails++ < 5)
                        LLT_CHECKF(0, "memmove len %zu shift %ld base %zu path %d", lens[k], shifts[j], base, fl);
                }
    free(ref);
}

static void t_copy_path(int nt, const char *why) {
    llpmem_region *r;
    int old = llpmem_get_nt();
    size_t oldth = llpmem_get_nt_threshold();
    if (llpmem_set_nt(nt) != 0) {
        /* on the CPU ladder a path may be missing only when the model lacks it */
        LLT_CHECK(t_ladder_has(nt == LLPMEM_NT_AVX2 ? "avx2" : nt == LLPMEM_NT_AVX512 ? "avx512f"
                               : nt == LLPMEM_NT_MOVDIR64B ? "movdir64b" : nt == LLPMEM_NT_SSE2 ? "sse2" : "-") != 1);
        LLT_SKIP("%s", why);
    }
    t_dst = (unsigned char *)t_aligned(T_AREA);
    t_ref = (unsigned char *)t_aligned(T_AREA);
    t_src = (unsigned char *)t_aligned(T_AREA);
    LLT_REQUIRE(t_dst && t_ref && t_src);
    t_fill(t_src, T_AREA, 3);
    t_fails = 0;
    LLT_REQUIRE(llpmem_attach(t_dst, T_AREA, LLPMEM_FORCE, &r) == 0);
    llpmem_set_nt_threshold(0); /* every size takes the non-temporal path (head/tail still cached) */
    t_copy_pathsuite();
    llpmem_set_nt_threshold(256); /* mixed: both sides of the threshold */
    if (!t_fails) t_copy_pathsuite();
    if (!t_fails) t_overlap_suite();
    LLT_EQ_U64(t_fails, 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    llpmem_set_nt_threshold(oldth);
    LLT_EQ_I64(llpmem_set_nt(old), 0);
    free(t_dst);
    free(t_ref);
    free(t_src);
}

static void copy_avx512(void) { t_copy_path(LLPMEM_NT_AVX512, "no AVX-512F (CPU, OS or LLPMEM_NO_AVX512)"); }
static void copy_movdir64b(void) { t_copy_path(LLPMEM_NT_MOVDIR64B, "CPU has no movdir64b"); }
static void copy_avx2(void) { t_copy_path(LLPMEM_NT_AVX2, "no AVX2 (CPU, OS or not x86)"); }
static void copy_sse2(void) { t_copy_path(LLPMEM_NT_SSE2, "no SSE2 (not x86)"); }
static void copy_cached(void) { t_copy_path(LLPMEM_NT_NONE, "?"); }

static void copy_with_clflush(void) {
    int old = llpmem_get_flush();
    if (llpmem_set_flush(LLPMEM_FLUSH_CLFLUSH) != 0) LLT_SKIP("CPU has no clflush (not x86)");
    t_copy_path(LLPMEM_NT_AUTO, "?");
    llpmem_set_flush(old);
}

/* which copies take the non-temporal path, observed through the count of written-back lines */
static void nt_threshold_policy(void) {
    unsigned char *buf = (unsigned char *)t_aligned(1 << 14), src[4096];
    llpmem_region *r;
    llpmem_stats st;
    uint64_t before;
    size_t oldth = llpmem_get_nt_threshold();
    static const struct { size_t off, n; uint64_t lines; } cases[] = {
        {0, 64, 0},    /* one whole line: NT */
        {0, 77, 1},    /* aligned start, ragged end, >= threshold / 4: NT + tail line */
        {13, 64, 2},   /* two partial lines, below threshold: cached + 2 write-backs */
        {13, 128, 3},  /* still below threshold: cached + 3 write-backs */
        {13, 300, 2},  /* >= threshold: NT body, head and tail written back */
        {0, 32, 1},    /* no whole line: cached */
        {64, 4096, 0}, /* aligned bulk */
    };
    size_t i;
    if (llpmem_get_nt() == LLPMEM_NT_NONE) LLT_SKIP("no non-temporal copy path on this CPU");
    LLT_REQUIRE(buf != NULL);
    memset(src, 0x21, sizeof src);
    LLT_REQUIRE(llpmem_attach(buf, 1 << 14, LLPMEM_FORCE | LLPMEM_STATS, &r) == 0);
    llpmem_set_nt_threshold(256);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
        before = st.lines;
        LLT_EQ_I64(llpmem_memcpy_persist(buf + 4096 + cases[i].off, src, cases[i].n), 0);
        LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
        LLT_CHECKF(st.lines - before == cases[i].lines, "off %zu len %zu: %llu lines written back, want %llu",
                   cases[i].off, cases[i].n, (unsigned long long)(st.lines - before),
                   (unsigned long long)cases[i].lines);
        LLT_EQ_MEM(buf + 4096 + cases[i].off, src, cases[i].n);
    }
    /* LLPMEM_F_TEMPORAL forces cached stores, LLPMEM_F_NT forces NT */
    llpmem_pmem_memmove(buf, src, 640, LLPMEM_F_TEMPORAL);
    llpmem_pmem_memmove(buf + 13, src, 100, LLPMEM_F_NT);
    LLT_EQ_MEM(buf + 13, src, 100);
    llpmem_set_nt_threshold(oldth);
    LLT_EQ_I64(llpmem_close(r), 0);
    free(buf);
}

static void copy_not_pmem_uses_msync(void) {
    llpmem_region *r;
    llpmem_stats st;
    const char *p = t_path("/dev/shm", "copyfile");
    unsigned char *a, src[5000];
    unlink(p);
    LLT_REQUIRE(llpmem_open(p, 3 * 4096, LLPMEM_CREATE | LLPMEM_STATS, 0600, &r) == 0);
    a = (unsigned char *)llpmem_addr(r);
    t_fill(src, sizeof src, 9);
    LLT_EQ_I64(llpmem_memcpy_persist(a + 3, src, 5000), 0);
    LLT_EQ_MEM(a + 3, src, 5000);
    LLT_EQ_I64(llpmem_memmove_persist(a + 10, a + 3, 5000), 0);
    LLT_EQ_MEM(a + 10, src, 5000);
    LLT_EQ_I64(llpmem_memset_nodrain(a + 6000, 0x77, 100), 0);
    LLT_CHECK(a[6000] == 0x77 && a[6099] == 0x77);
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.msyncs, 3);
    LLT_EQ_U64(st.copies, 3);
    LLT_EQ_U64(st.bytes_copied, 10100);
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
}

/* -------------------------------------------------------------------------------------------------- */
/* llpmem_hist is llstat.h's histogram under this prefix (tests/test_hist_shape.c compares the two); here,
   what llpmem's own copy must do: the fixed layout, HdrHistogram's percentile on known samples, the edges of
   the range, merge/reset, and records from several threads at once. */
static uint64_t t_rng(uint64_t *s) { /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}
static int t_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void histogram_layout_and_edges(void) {
    llpmem_hist *h = (llpmem_hist *)malloc(sizeof *h), *m = (llpmem_hist *)malloc(sizeof *m);
    uint64_t i, top = ((uint64_t)1 << 42) - 1u; /* 256 << 34, minus one: the 1 h range at 2 digits */
    LLT_REQUIRE(h && m);
    /* never initialised: readers answer 0, merge refuses, nothing is written */
    memset(h, 0, sizeof *h);
    LLT_EQ_U64(llpmem_hist_count(h), 0);
    LLT_EQ_U64(llpmem_hist_percentile(h, 50.0), 0);
    LLT_EQ_U64(llpmem_hist_max(h), 0);
    LLT_EQ_I64(llpmem_hist_init(NULL), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_hist_merge(h, h), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_hist_merge(NULL, h), LLPMEM_EINVAL);
    LLT_EQ_U64(llpmem_hist_percentile(NULL, 50.0), 0);
    llpmem_hist_reset(NULL);
    LLT_EQ_I64(llpmem_hist_init(h), 0);
    /* HdrHistogram's figures for (1, 1 h, 2 digits): 256 sub-buckets, 35 buckets, 4608 counters */
    LLT_EQ_U64(h->half_magnitude, 7);
    LLT_EQ_U64(h->unit_magnitude, 0);
    LLT_EQ_U64(h->bucket_count, 35);
    LLT_EQ_U64(h->counts_len, 4608);
    LLT_EQ_U64(h->sub_bucket_mask, 255);
    LLT_EQ_U64(h->top_value, top);
    LLT_EQ_U64(sizeof(llpmem_hist), 128u + 4608u * 8u);
    /* empty */
    LLT_EQ_U64(llpmem_hist_percentile(h, 50.0), 0);
    LLT_EQ_U64(llpmem_hist_min(h), 0);
    LLT_CHECK(llpmem_hist_mean(h) == 0.0);
    /* below 256 every value has a slot of its own; above, slots double every power of two */
    for (i = 0; i < 256; i++) LLT_CHECK(llpmem_hist_record_atomic(h, i));
    LLT_EQ_U64(llpmem_hist_count(h), 256);
    LLT_EQ_U64(llpmem_hist_sum(h), 255u * 256u / 2u);
    LLT_CHECK(llpmem_hist_mean(h) == 127.5);
    LLT_EQ_U64(llpmem_hist_percentile(h, 0.0), 0);
    LLT_EQ_U64(llpmem_hist_percentile(h, 50.0), 127); /* rank 128 */
    LLT_EQ_U64(llpmem_hist_percentile(h, 100.0), 255);
    LLT_EQ_U64(llpmem_hist_percentile(h, 250.0), 255); /* clamped */
    LLT_EQ_U64(llpmem_hist_percentile(h, -3.0), 0);
    LLT_EQ_U64(llpmem_hist_min(h), 0);
    LLT_EQ_U64(llpmem_hist_max(h), 255);
    LLT_EQ_U64(llpmem_hist_index(h, 255), 255);
    LLT_EQ_U64(llpmem_hist_index(h, 256), 256);     /* bucket 1: slots of 2 from 256 */
    LLT_EQ_U64(llpmem_hist_index(h, 257), 256);
    LLT_EQ_U64(llpmem_hist_lowest_equivalent(h, 1001), 1000);
    LLT_EQ_U64(llpmem_hist_highest_equivalent(h, 1001), 1003); /* slot of 4 in 512..1023 */
    LLT_EQ_U64(llpmem_hist_value_at_index(h, llpmem_hist_index(h, 100000)), llpmem_hist_lowest_equivalent(h, 100000));
    /* the top of the range and above it */
    LLT_EQ_U64(llpmem_hist_index(h, top), LLPMEM_HIST_COUNTS - 1u);
    LLT_EQ_U64(llpmem_hist_highest_equivalent(h, llpmem_hist_value_at_index(h, LLPMEM_HIST_COUNTS - 1u)), top);
    llpmem_hist_reset(h);
    LLT_EQ_U64(llpmem_hist_count(h), 0);
    LLT_EQ_U64(llpmem_hist_sum(h), 0);
    LLT_CHECK(llpmem_hist_record_atomic(h, 1000));
    LLT_CHECK(llpmem_hist_record_atomic(h, top));
    LLT_CHECK(!llpmem_hist_record_atomic(h, top + 1u));
    LLT_CHECK(!llpmem_hist_record_atomic(h, ~(uint64_t)0));
    LLT_EQ_U64(llpmem_hist_overflow(h), 2);
    LLT_EQ_U64(llpmem_hist_count(h), 4);
    LLT_EQ_U64(llpmem_hist_sum(h), 1000u + top + (top + 1u) + ~(uint64_t)0); /* unclamped, mod 2^64 */
    LLT_EQ_U64(h->counts[LLPMEM_HIST_COUNTS - 1u], 3);
    LLT_EQ_U64(llpmem_hist_max(h), top);
    LLT_EQ_U64(llpmem_hist_percentile(h, 25.0), 1003); /* rank 1: 1000's slot, 1000..1003 */
    LLT_EQ_U64(llpmem_hist_percentile(h, 50.0), top);
    /* record_n, merge */
    llpmem_hist_reset(h);
    LLT_CHECK(llpmem_hist_record_n_atomic(h, 5000, 7));
    LLT_EQ_U64(llpmem_hist_count(h), 7);
    LLT_EQ_U64(llpmem_hist_sum(h), 35000);
    LLT_CHECK(!llpmem_hist_record_n_atomic(h, top + 5u, 2));
    LLT_EQ_I64(llpmem_hist_init(m), 0);
    LLT_EQ_I64(llpmem_hist_merge(m, h), 0);
    LLT_EQ_I64(llpmem_hist_merge(m, h), 0);
    LLT_EQ_U64(llpmem_hist_count(m), 18);
    LLT_EQ_U64(llpmem_hist_overflow(m), 4);
    LLT_EQ_U64(llpmem_hist_sum(m), 2u * (35000u + 2u * (top + 5u)));
    for (i = 0; i < LLPMEM_HIST_COUNTS; i++)
        if (m->counts[i] != 2u * h->counts[i]) break;
    LLT_EQ_U64(i, LLPMEM_HIST_COUNTS);
    free(h);
    free(m);
}

static void histogram_percentiles(void) {
    /* HdrHistogram's definition on known samples: the value at pct is the highest equivalent of the
       sample of rank max(1, ceil(pct/100 * n)), within 1/128 of that sample */
    static const double pcts[] = {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0};
    static const uint64_t rank_num[] = {0, 1000, 10000, 25000, 50000, 75000, 90000, 99000, 99900, 99990, 100000};
    llpmem_hist *h = (llpmem_hist *)malloc(sizeof *h);
    uint64_t n = 200000, *v = (uint64_t *)malloc(n * sizeof *v), seed = 42, sum = 0, i;
    int d;
    LLT_REQUIRE(h && v);
    for (d = 0; d < 3; d++) {
        LLT_EQ_I64(llpmem_hist_init(h), 0);
        sum = 0;
        for (i = 0; i < n; i++) {
            uint64_t r = t_rng(&seed);
            if (d == 0) v[i] = 100u + r % 100000u;                          /* uniform 100 ns .. 100 us */
            else if (d == 1) v[i] = (r >> 40) >> (r % 24u);                   /* log-uniform 0 .. 16M */
            else v[i] = (r % 100u == 0 ? 1000000u : 1000u) + (r >> 54);        /* bimodal, 1 % at 1000x */
            sum += v[i];
            LLT_CHECK(llpmem_hist_record_atomic(h, v[i]));
        }
        qsort(v, n, sizeof *v, t_cmp_u64);
        LLT_EQ_U64(llpmem_hist_count(h), n);
        LLT_EQ_U64(llpmem_hist_sum(h), sum);
        LLT_EQ_U64(llpmem_hist_min(h), llpmem_hist_lowest_equivalent(h, v[0]));
        LLT_EQ_U64(llpmem_hist_max(h), llpmem_hist_highest_equivalent(h, v[n - 1]));
        for (i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
            uint64_t rank = (rank_num[i] * n + 99999u) / 100000u, s, got = llpmem_hist_percentile(h, pcts[i]);
            if (rank < 1) rank = 1;
            s = v[rank - 1];
            if (pcts[i] == 0.0) {
                LLT_EQ_U64(got, llpmem_hist_lowest_equivalent(h, s));
            } else {
                LLT_CHECKF(got == llpmem_hist_highest_equivalent(h, s), "dist %d p%.2f: got %llu, sample %llu", d,
                           pcts[i], (unsigned long long)got, (unsigned long long)s);
                LLT_CHECK(got >= s && (double)(got - s) <= (double)s / 128.0 + 1.0);
            }
        }
    }
    free(v);
    free(h);
}

/* four threads record into one histogram with the atomic form: no sample lost, the slots equal those of
   the same samples recorded by one thread (ThreadSanitizer checks the protocol in make check) */
typedef struct t_hist_arg {
    llpmem_hist *h;
    uint64_t seed, n;
} t_hist_arg;
static void *t_hist_thread(void *p) {
    t_hist_arg *a = (t_hist_arg *)p;
    uint64_t i, s = a->seed;
    for (i = 0; i < a->n; i++) (void)llpmem_hist_record_atomic(a->h, (t_rng(&s) >> 30) >> (i % 20u));
    return NULL;
}
static void histogram_threads(void) {
    llpmem_hist *h = (llpmem_hist *)malloc(sizeof *h), *one = (llpmem_hist *)malloc(sizeof *one);
    pthread_t th[4];
    t_hist_arg a[4];
    int k;
    LLT_REQUIRE(h && one);
    LLT_EQ_I64(llpmem_hist_init(h), 0);
    LLT_EQ_I64(llpmem_hist_init(one), 0);
    for (k = 0; k < 4; k++) {
        a[k].h = h;
        a[k].seed = 1000u + (uint64_t)k;
        a[k].n = llt_scaled(250000, 5000);
        LLT_REQUIRE(pthread_create(&th[k], NULL, t_hist_thread, &a[k]) == 0);
    }
    for (k = 0; k < 4; k++) {
        uint64_t p50 = llpmem_hist_percentile(h, 50.0); /* a reader while they record */
        (void)p50;
        pthread_join(th[k], NULL);
    }
    for (k = 0; k < 4; k++) {
        a[k].h = one;
        t_hist_thread(&a[k]);
    }
    LLT_EQ_U64(llpmem_hist_count(h), 4 * a[0].n);
    LLT_EQ_U64(llpmem_hist_sum(h), llpmem_hist_sum(one));
    LLT_EQ_MEM(h->counts, one->counts, sizeof h->counts);
    free(h);
    free(one);
}

static void region_latency_stats(void) {
    unsigned char *buf = (unsigned char *)t_aligned(1 << 16);
    llpmem_region *r;
    llpmem_stats st;
    llpmem_hist *h = (llpmem_hist *)malloc(sizeof *h);
    uint64_t i, n = llt_scaled(20000, 500);
    LLT_REQUIRE(buf != NULL);
    LLT_REQUIRE(llpmem_attach(buf, 1 << 16, LLPMEM_FORCE, &r) == 0);
    LLT_REQUIRE(h != NULL);
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.persists, 0); /* off: all zero */
    LLT_EQ_I64(llpmem_region_hist(r, h), 0); /* off: an empty, initialised histogram */
    LLT_EQ_U64(h->magic, LLPMEM_HIST_MAGIC);
    LLT_EQ_U64(llpmem_hist_count(h), 0);
    LLT_EQ_I64(llpmem_region_hist(NULL, h), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_region_hist(r, NULL), LLPMEM_EINVAL);
    for (i = 0; i < 10; i++) LLT_EQ_I64(llpmem_persist(buf, 64), 0);
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.persists, 0);
    LLT_EQ_I64(llpmem_region_stats_enable(r, true), 0);
    LLT_EQ_I64(llpmem_region_stats_enable(r, true), 0); /* idempotent */
    for (i = 0; i < n; i++) {
        buf[(i * 64) & 0xffff] = (unsigned char)i;
        LLT_EQ_I64(llpmem_persist(buf + ((i * 64) & 0xffff), 64), 0);
    }
    LLT_EQ_I64(llpmem_memcpy_persist(buf, buf + 4096, 4096), 0);
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.persists, n + 1);
    LLT_EQ_U64(st.lat_count, n + 1);
    LLT_EQ_U64(st.copies, 1);
    LLT_EQ_U64(st.bytes_copied, 4096);
    /* no assumption on the counter's resolution (a coarse one may time every persist as 0 ns) */
    LLT_CHECK(st.lat_p50_ns <= st.lat_p99_ns);
    LLT_CHECK(st.lat_p99_ns <= st.lat_p999_ns);
    LLT_CHECK(st.lat_p999_ns <= st.lat_max_ns);
    LLT_CHECK(st.lat_mean_ns <= (double)st.lat_max_ns);
    /* the region's histogram: the same figures, and the calls of llpmem_hist on it */
    LLT_EQ_I64(llpmem_region_hist(r, h), 0);
    LLT_EQ_U64(llpmem_hist_count(h), st.lat_count);
    LLT_EQ_U64(llpmem_hist_percentile(h, 50.0), st.lat_p50_ns);
    LLT_EQ_U64(llpmem_hist_percentile(h, 99.0), st.lat_p99_ns);
    LLT_EQ_U64(llpmem_hist_percentile(h, 99.9), st.lat_p999_ns);
    LLT_EQ_U64(llpmem_hist_max(h), st.lat_max_ns);
    LLT_CHECK(llpmem_hist_mean(h) == st.lat_mean_ns);
    printf("  persist 64 B: p50 %llu ns, p99 %llu ns, p99.9 %llu ns, max %llu ns\n",
           (unsigned long long)st.lat_p50_ns, (unsigned long long)st.lat_p99_ns,
           (unsigned long long)st.lat_p999_ns, (unsigned long long)st.lat_max_ns);
    llpmem_region_stats_reset(r);
    LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
    LLT_EQ_U64(st.persists, 0);
    LLT_EQ_U64(st.lat_count, 0);
    LLT_EQ_U64(st.lat_p99_ns, 0);
    LLT_EQ_I64(llpmem_region_hist(r, h), 0);
    LLT_EQ_U64(llpmem_hist_count(h), 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    free(h);
    free(buf);
}

/* -------------------------------------------------------------------------------------------------- */
typedef struct t_thr {
    unsigned char *base;
    size_t len;
    uint64_t iters;
    int errors;
} t_thr;

static void *t_thread_persist(void *arg) {
    t_thr *t = (t_thr *)arg;
    uint64_t i;
    unsigned char src[300];
    memset(src, 0x42, sizeof src);
    for (i = 0; i < t->iters; i++) {
        size_t o = (size_t)(i * 97u) % (t->len - 300);
        if (llpmem_persist(t->base + o, 100) != 0) t->errors++;
        if (llpmem_memcpy_persist(t->base + o, src, 300) != 0) t->errors++;
    }
    return NULL;
}

static void *t_thread_churn(void *arg) {
    t_thr *t = (t_thr *)arg;
    uint64_t i;
    for (i = 0; i < t->iters / 10; i++) {
        llpmem_region *r;
        if (llpmem_attach(t->base + (i % 4) * 256, 256, LLPMEM_FORCE, &r) != 0) {
            t->errors++;
            continue;
        }
        if (llpmem_persist(t->base + (i % 4) * 256, 256) != 0) t->errors++;
        if (llpmem_close(r) != 0) t->errors++;
    }
    return NULL;
}

static void threads_and_registry_churn(void) {
    unsigned char *a = (unsigned char *)t_aligned(1 << 16), *b = (unsigned char *)t_aligned(4096);
    llpmem_region *r;
    pthread_t th[3];
    t_thr ta, tb, tc;
    LLT_REQUIRE(a && b);
    LLT_REQUIRE(llpmem_attach(a, 1 << 16, LLPMEM_FORCE | LLPMEM_STATS, &r) == 0);
    ta.base = a; ta.len = 1 << 15; ta.iters = llt_scaled(20000, 200); ta.errors = 0;
    tb.base = a + (1 << 15); tb.len = 1 << 15; tb.iters = ta.iters; tb.errors = 0;
    tc.base = b; tc.len = 4096; tc.iters = ta.iters; tc.errors = 0;
    pthread_create(&th[0], NULL, t_thread_persist, &ta);
    pthread_create(&th[1], NULL, t_thread_persist, &tb);
    pthread_create(&th[2], NULL, t_thread_churn, &tc);
    pthread_join(th[0], NULL);
    pthread_join(th[1], NULL);
    pthread_join(th[2], NULL);
    LLT_EQ_I64(ta.errors + tb.errors + tc.errors, 0);
    {
        llpmem_stats st;
        LLT_EQ_I64(llpmem_region_stats(r, &st), 0);
        LLT_EQ_U64(st.persists, 4 * ta.iters);
        LLT_EQ_U64(st.lat_count, 4 * ta.iters);
    }
    LLT_EQ_I64(llpmem_close(r), 0);
    free(a);
    free(b);
}

/* -------------------------------------------------------------------------------------------------- */
/* environment overrides: checked in a fresh process (the environment is read once) */
static int t_env_child(void) {
    const char *mode = getenv("LLPMEM_TEST_CHILD");
    int bad = 0;
    if (strcmp(mode, "1") == 0) {
        llpmem_region *r;
        const char *p = t_path("/dev/shm", "envchild");
        if (llpmem_get_nt() != LLPMEM_NT_NONE) { printf("  LLPMEM_NO_NT ignored\n"); bad = 1; }
        if (llpmem_get_nt_threshold() != 1234) { printf("  LLPMEM_NT_THRESHOLD ignored\n"); bad = 1; }
        if (llpmem_get_flush() != ((llpmem_cpu_features() & LLPMEM_CPU_CLFLUSH) ? LLPMEM_FLUSH_CLFLUSH
                                                                                : t_auto_flush_for(llpmem_cpu_features()))) {
            printf("  LLPMEM_FORCE_FLUSH=clflush: got %s\n", llpmem_flush_name(llpmem_get_flush()));
            bad = 1;
        }
        unlink(p);
        if (llpmem_open(p, 4096, LLPMEM_CREATE, 0600, &r) != 0) return 1;
        if (!llpmem_region_is_pmem(r)) { printf("  LLPMEM_FORCE_PMEM ignored\n"); bad = 1; }
        if (llpmem_region_kind(r) != LLPMEM_KIND_FORCED) { printf("  kind not forced\n"); bad = 1; }
        if (!llpmem_region_eadr(r)) { printf("  LLPMEM_FORCE_EADR ignored\n"); bad = 1; }
        llpmem_close(r);
        unlink(p);
    } else if (strcmp(mode, "2") == 0) {
        if (llpmem_get_nt() == LLPMEM_NT_AVX512) { printf("  LLPMEM_NO_AVX512 ignored\n"); bad = 1; }
        /* the best remaining path in the documented order, whatever this CPU offers */
        int want = t_auto_nt_for(llpmem_cpu_features(), LLPMEM_CPU_AVX512);
        if (llpmem_get_nt() != want) {
            printf("  expected %s path, got %s\n", llpmem_nt_name(want), llpmem_nt_name(llpmem_get_nt()));
            bad = 1;
        }
    } else if (strcmp(mode, "5") == 0) {
        int want = t_auto_nt_for(llpmem_cpu_features(), LLPMEM_CPU_AVX512 | LLPMEM_CPU_MOVDIR64B);
        if (llpmem_get_nt() != want) {
            printf("  expected %s path, got %s\n", llpmem_nt_name(want), llpmem_nt_name(llpmem_get_nt()));
            bad = 1;
        }
        if (llpmem_get_flush() != t_auto_flush_for(llpmem_cpu_features())) bad = 1;
    } else if (strcmp(mode, "3") == 0) {
        if ((llpmem_cpu_features() & LLPMEM_CPU_SSE2) && llpmem_get_nt() != LLPMEM_NT_SSE2) {
            printf("  LLPMEM_FORCE_NT=sse2 ignored\n");
            bad = 1;
        }
        if (llpmem_get_flush() != LLPMEM_FLUSH_NONE) { printf("  LLPMEM_FORCE_FLUSH=none ignored\n"); bad = 1; }
    } else if (strcmp(mode, "4") == 0) {
        /* forcing an instruction the CPU lacks is ignored (would fault) */
        unsigned f = llpmem_cpu_features();
        int want = (f & LLPMEM_CPU_DCPOP) ? LLPMEM_FLUSH_CVAP : t_auto_flush_for(f);
        if (llpmem_get_flush() != want) {
            printf("  LLPMEM_FORCE_FLUSH=cvap: expected %s, got %s\n", llpmem_flush_name(want),
                   llpmem_flush_name(llpmem_get_flush()));
            bad = 1;
        }
        if (llpmem_get_nt() != t_auto_nt_for(f, 0)) { printf("  LLPMEM_FORCE_NT=bogus changed the path\n"); bad = 1; }
    }
    return bad;
}

static int t_run_child(const char *mode, const char *const *env) {
    pid_t pid = fork();
    int st = 0;
    if (pid == 0) {
        size_t i;
        for (i = 0; env[i]; i += 2) setenv(env[i], env[i + 1], 1);
        setenv("LLPMEM_TEST_CHILD", mode, 1);
        if (getenv("LLT_CPU_MODEL")) {
            /* on the CPU ladder the child must run on the same qemu model (an exec of the x86-64 program
               itself would run natively on the host) */
            char self[4096];
            ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
            const char *qemu = getenv("LLT_QEMU") ? getenv("LLT_QEMU") : "qemu-x86_64";
            if (n > 0) {
                self[n] = 0;
                execlp(qemu, qemu, "-cpu", getenv("LLT_CPU_MODEL"), self, (char *)NULL);
            }
            _exit(99);
        }
        execl("/proc/self/exe", "test_llpmem", (char *)NULL);
        _exit(99);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void env_overrides(void) {
    static const char *const e1[] = {"LLPMEM_NO_NT", "1", "LLPMEM_NT_THRESHOLD", "1234", "LLPMEM_FORCE_FLUSH",
                                     "clflush", "LLPMEM_FORCE_PMEM", "1", "LLPMEM_FORCE_EADR", "1", NULL};
    static const char *const e2[] = {"LLPMEM_NO_AVX512", "1", NULL};
    static const char *const e5[] = {"LLPMEM_NO_AVX512", "1", "LLPMEM_NO_MOVDIR64B", "1", NULL};
    static const char *const e3[] = {"LLPMEM_FORCE_NT", "sse2", "LLPMEM_FORCE_FLUSH", "none", NULL};
    static const char *const e4[] = {"LLPMEM_FORCE_FLUSH", "cvap", "LLPMEM_FORCE_NT", "bogus", NULL};
    int rc = t_run_child("1", e1);
    if (rc == 99) LLT_SKIP("cannot re-execute /proc/self/exe");
    LLT_EQ_I64(rc, 0);
    LLT_EQ_I64(t_run_child("2", e2), 0);
    LLT_EQ_I64(t_run_child("3", e3), 0);
    LLT_EQ_I64(t_run_child("4", e4), 0);
    LLT_EQ_I64(t_run_child("5", e5), 0);
}

/* -------------------------------------------------------------------------------------------------- */
/* crash simulator */
#ifdef LLPMEM_CRASH_SIM
static uint32_t t_crc32(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    uint32_t c = 0xffffffffu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= b[i];
        for (k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

enum { LOG_SIZE = 1 << 15, LOG_DATA = 64, LOG_RECORDS = 60 };

typedef struct t_log {
    unsigned char *base;
    int buggy;              /* forgets to flush the record before publishing the tail */
} t_log;

static size_t t_rec_len(int i) { return 1u + (size_t)((i * 37) % 150); }
static unsigned char t_rec_byte(int i, size_t j) { return (unsigned char)(i * 7 + (int)j * 13 + 1); }

static uint64_t t_log_tail(const unsigned char *b) {
    uint64_t t;
    memcpy(&t, b, 8);
    return t ? t : LOG_DATA;
}

static void t_log_append(t_log *l, int i) {
    unsigned char rec[8 + 160];
    size_t n = t_rec_len(i), j, total = (8 + n + 7) & ~(size_t)7;
    uint64_t pos = t_log_tail(l->base), tail;
    uint32_t len32 = (uint32_t)n, crc;
    for (j = 0; j < n; j++) rec[8 + j] = t_rec_byte(i, j);
    crc = t_crc32(rec + 8, n) ^ len32;
    memcpy(rec, &len32, 4);
    memcpy(rec + 4, &crc, 4);
    if (l->buggy) {
        memcpy(l->base + pos, rec, 8 + n);           /* BUG: never written back */
    } else if (i % 3 == 0) {
        memcpy(l->base + pos, rec, 8 + n);
        llpmem_persist(l->base + pos, 8 + n);
    } else if (i % 3 == 1) {
        llpmem_memcpy_persist(l->base + pos, rec, 8 + n);
    } else {
        llpmem_memcpy_nodrain(l->base + pos, rec, 8 + n);
        llpmem_drain();
    }
    tail = pos + total;
    memcpy(l->base, &tail, 8);
    llpmem_persist(l->base, 8);
}

/* records recovered from an image; *torn = a record below the tail failed its check */
static int t_log_recover(const unsigned char *img, int *torn, int *mismatch) {
    uint64_t tail = t_log_tail(img), pos = LOG_DATA;
    int count = 0;
    *torn = 0;
    *mismatch = 0;
    if (tail > LOG_SIZE) {
        *torn = 1;
        return 0;
    }
    while (pos < tail) {
        uint32_t len32, crc;
        size_t j;
        memcpy(&len32, img + pos, 4);
        memcpy(&crc, img + pos + 4, 4);
        if (len32 == 0 || pos + 8 + len32 > tail || (t_crc32(img + pos + 8, len32) ^ len32) != crc) {
            *torn = 1;
            break;
        }
        if (len32 != t_rec_len(count)) *mismatch = 1;
        for (j = 0; j < len32 && !*mismatch; j++)
            if (img[pos + 8 + j] != t_rec_byte(count, j)) *mismatch = 1;
        count++;
        pos += (8 + len32 + 7) & ~(uint64_t)7;
    }
    return count;
}

typedef struct t_crash_ctx {
    llpmem_region *r;
    unsigned char *img;
    int acked, started;
    uint64_t crashes, violations, torn_seen;
    int recurse;
} t_crash_ctx;

static void t_crash_hook(void *vctx, uint64_t event) {
    t_crash_ctx *c = (t_crash_ctx *)vctx;
    unsigned mode;
    if (c->recurse) return;
    c->recurse = 1;
    for (mode = 0; mode < 4; mode++) {
        int torn, mismatch, n;
        llpmem_sim_crash_image(c->r, c->img, mode == 0 ? LLPMEM_SIM_DURABLE : LLPMEM_SIM_RANDOM,
                               event * 4u + mode);
        n = t_log_recover(c->img, &torn, &mismatch);
        c->crashes++;
        if (torn) c->torn_seen++;
        if (n < c->acked || n > c->started || mismatch || torn) c->violations++;
    }
    c->recurse = 0;
}

static void t_log_run(int buggy, t_crash_ctx *c, size_t *unflushed) {
    unsigned char *buf = (unsigned char *)t_aligned(LOG_SIZE);
    t_log l;
    int i;
    memset(c, 0, sizeof *c);
    c->img = (unsigned char *)malloc(LOG_SIZE);
    if (!buf || !c->img) return;
    if (llpmem_attach(buf, LOG_SIZE, LLPMEM_FORCE, &c->r) != 0) return;
    l.base = buf;
    l.buggy = buggy;
    llpmem_sim_set_hook(t_crash_hook, c);
    for (i = 0; i < LOG_RECORDS; i++) {
        c->started = i + 1;
        t_log_append(&l, i);
        c->acked = i + 1;
    }
    llpmem_sim_set_hook(NULL, NULL);
    *unflushed = llpmem_sim_unflushed(c->r, NULL, 0);
    llpmem_close(c->r);
    free(c->img);
    free(buf);
}

static void sim_basic_model(void) {
    unsigned char *buf = (unsigned char *)t_aligned(4096), *img = (unsigned char *)malloc(4096);
    llpmem_region *r;
    size_t offs[8];
    uint64_t ev0;
    LLT_REQUIRE(buf && img);
    buf[0] = 9; /* content at attach time is durable */
    LLT_REQUIRE(llpmem_attach(buf, 4096, LLPMEM_FORCE, &r) == 0);
    ev0 = llpmem_sim_events();
    buf[100] = 1;                                   /* store, not written back */
    LLT_EQ_U64(llpmem_sim_unflushed(r, offs, 8), 1);
    LLT_EQ_U64(offs[0], 64);
    LLT_EQ_I64(llpmem_sim_crash_image(r, img, LLPMEM_SIM_DURABLE, 0), 0);
    LLT_EQ_U64(img[0], 9);
    LLT_EQ_U64(img[100], 0);
    LLT_EQ_I64(llpmem_sim_crash_image(r, img, LLPMEM_SIM_ALL, 0), 0);
    LLT_EQ_U64(img[100], 1);
    LLT_EQ_I64(llpmem_flush(buf + 100, 1), 0);      /* written back, not drained */
    LLT_EQ_U64(llpmem_sim_unflushed(r, NULL, 0), 0);
    LLT_EQ_I64(llpmem_sim_crash_image(r, img, LLPMEM_SIM_DURABLE, 0), 0);
    LLT_EQ_U64(img[100], 0);
    buf[101] = 2;                                   /* store after the write-back, same line */
    LLT_EQ_U64(llpmem_sim_unflushed(r, NULL, 0), 1);
    llpmem_drain();
    LLT_EQ_I64(llpmem_sim_crash_image(r, img, LLPMEM_SIM_DURABLE, 0), 0);
    LLT_EQ_U64(img[100], 1);
    LLT_EQ_U64(img[101], 0);                        /* snapshot taken at the write-back */
    LLT_EQ_U64(llpmem_sim_events(), ev0 + 2);
    LLT_EQ_I64(llpmem_persist(buf + 101, 1), 0);
    LLT_EQ_U64(llpmem_sim_unflushed(r, NULL, 0), 0);
    LLT_EQ_U64(llpmem_sim_events(), ev0 + 4);
    /* non-temporal copy: durable only after the drain */
    llpmem_set_nt_threshold(0);
    LLT_EQ_I64(llpmem_memcpy_nodrain(buf + 1024, buf + 2048 + 7, 1024), 0);
    buf[2048] = 0x33;
    LLT_EQ_I64(llpmem_memset_nodrain(buf + 2048, 0x44, 512), 0);
    LLT_EQ_I64(llpmem_sim_crash_image(r, img, LLPMEM_SIM_DURABLE, 0), 0);
    LLT_EQ_U64(img[2048], 0);
    llpmem_drain();
    LLT_EQ_I64(llpmem_sim_crash_image(r, img, LLPMEM_SIM_DURABLE, 0), 0);
    LLT_EQ_U64(img[2048], 0x44);
    LLT_EQ_MEM(img, buf, 4096);
    llpmem_set_nt_threshold(256);
    /* crash in place: unflushed stores vanish */
    buf[3000] = 5;
    LLT_EQ_I64(llpmem_sim_crash(r, LLPMEM_SIM_DURABLE, 0), 0);
    LLT_EQ_U64(buf[3000], 0);
    LLT_EQ_U64(buf[100], 1);
    LLT_EQ_U64(llpmem_sim_unflushed(r, NULL, 0), 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    free(buf);
    free(img);
}

static void sim_msync_region(void) {
    llpmem_region *r;
    const char *p = t_path("/dev/shm", "simfile");
    unsigned char *img = (unsigned char *)malloc(8192), *a;
    LLT_REQUIRE(img != NULL);
    unlink(p);
    LLT_REQUIRE(llpmem_open(p, 8192, LLPMEM_CREATE, 0600, &r) == 0);
    a = (unsigned char *)llpmem_addr(r);
    a[10] = 1;
    a[5000] = 2;
    LLT_EQ_U64(llpmem_sim_unflushed(r, NULL, 0), 2);
    LLT_EQ_I64(llpmem_flush(a + 10, 1), 0);  /* msync: durable at once */
    LLT_EQ_I64(llpmem_sim_crash_image(r, img, LLPMEM_SIM_DURABLE, 0), 0);
    LLT_EQ_U64(img[10], 1);
    LLT_EQ_U64(img[5000], 0);
    LLT_EQ_U64(llpmem_sim_unflushed(r, NULL, 0), 1);
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(p);
    free(img);
}

static void sim_log_every_crash_point(void) {
    t_crash_ctx c;
    size_t unfl = 0;
    t_log_run(0, &c, &unfl);
    printf("  correct log: %llu crash images over %d appends, %llu violations, %zu unflushed lines\n",
           (unsigned long long)c.crashes, LOG_RECORDS, (unsigned long long)c.violations, unfl);
    LLT_CHECK(c.crashes >= (uint64_t)LOG_RECORDS * 4 * 4);
    LLT_EQ_U64(c.violations, 0);
    LLT_EQ_U64(c.torn_seen, 0);
    LLT_EQ_U64(unfl, 0);
}

static void sim_missing_flush_caught(void) {
    t_crash_ctx c;
    size_t unfl = 0;
    t_log_run(1, &c, &unfl);
    printf("  buggy log: %llu crash images, %llu violations (%llu torn), %zu unflushed lines\n",
           (unsigned long long)c.crashes, (unsigned long long)c.violations, (unsigned long long)c.torn_seen,
           unfl);
    LLT_CHECK(c.violations > 0);
    LLT_CHECK(c.torn_seen > 0);
    LLT_CHECK(unfl > 0);
}
#else
static void sim_basic_model(void) { LLT_SKIP("built without LLPMEM_CRASH_SIM (see build/test_llpmem_sim)"); }
static void sim_msync_region(void) { LLT_SKIP("built without LLPMEM_CRASH_SIM (see build/test_llpmem_sim)"); }
static void sim_log_every_crash_point(void) { LLT_SKIP("built without LLPMEM_CRASH_SIM (see build/test_llpmem_sim)"); }
static void sim_missing_flush_caught(void) { LLT_SKIP("built without LLPMEM_CRASH_SIM (see build/test_llpmem_sim)"); }
#endif

/* -------------------------------------------------------------------------------------------------- */
/* transactions */
enum { TX_DATA = 16384, TX_LOG = 16384, TX_LEN = TX_DATA + TX_LOG };

static void tx_bad_input(void) {
    unsigned char *buf = (unsigned char *)t_aligned(TX_LEN), *other = (unsigned char *)t_aligned(4096);
    llpmem_region *r, *ro;
    llpmem_tx tx, zero;
    unsigned char *log;
    LLT_REQUIRE(buf && other);
    LLT_REQUIRE(llpmem_attach(buf, TX_LEN, LLPMEM_FORCE, &r) == 0);
    LLT_REQUIRE(llpmem_attach(other, 4096, LLPMEM_FORCE, &ro) == 0);
    log = buf + TX_DATA;
    memset(&zero, 0, sizeof zero);
    LLT_EQ_I64(llpmem_tx_init(NULL, r, log, TX_LOG), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_init(&tx, NULL, log, TX_LOG), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_init(&tx, r, NULL, TX_LOG), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_init(&tx, r, log + 8, TX_LOG - 64), LLPMEM_EINVAL);  /* misaligned */
    LLT_EQ_I64(llpmem_tx_init(&tx, r, log, TX_LOG - 8), LLPMEM_EINVAL);       /* not a multiple of 64 */
    LLT_EQ_I64(llpmem_tx_init(&tx, r, log, 192), LLPMEM_EINVAL);              /* below LLPMEM_TX_MIN_LOG */
    LLT_EQ_I64(llpmem_tx_init(&tx, r, log + 64, TX_LOG), LLPMEM_EFAULT);      /* runs past the region */
    LLT_EQ_I64(llpmem_tx_init(&tx, r, other, 4096), LLPMEM_EFAULT);           /* another region */
    /* a zeroed, never initialised llpmem_tx is refused everywhere */
    LLT_EQ_I64(llpmem_tx_begin(&zero), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_add(&zero, buf, 8), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_commit(&zero), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_abort(&zero), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_begin(NULL), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_add(NULL, buf, 8), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_commit(NULL), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_abort(NULL), LLPMEM_EINVAL);
    llpmem_tx_destroy(NULL);
    LLT_REQUIRE(llpmem_tx_init(&tx, r, log, TX_LOG) == 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, buf, 8), LLPMEM_EINVAL);    /* no transaction */
    LLT_EQ_I64(llpmem_tx_commit(&tx), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_abort(&tx), LLPMEM_EINVAL);
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, buf, 0), 0);               /* zero length: nothing to do */
    LLT_EQ_I64(llpmem_tx_add(&tx, NULL, 0), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, NULL, 8), LLPMEM_EFAULT);
    LLT_EQ_I64(llpmem_tx_add(&tx, other, 8), LLPMEM_EFAULT);  /* another region */
    LLT_EQ_I64(llpmem_tx_add(&tx, buf + TX_LEN - 4, 8), LLPMEM_EFAULT);
    LLT_EQ_I64(llpmem_tx_add(&tx, buf + TX_DATA - 4, 8), LLPMEM_EINVAL); /* overlaps the log */
    LLT_EQ_I64(llpmem_tx_add(&tx, log + 100, 8), LLPMEM_EINVAL);
    LLT_EQ_U64(tx.entries, 0);
    /* the log fills up: ENOSPC, the transaction stays open and aborts cleanly */
    {
        int i, rc = 0;
        memset(buf, 0x11, TX_DATA);
        for (i = 0; i < 200 && rc == 0; i++) {
            rc = llpmem_tx_add(&tx, buf + i * 80, 40); /* 40-byte entries take 128 bytes of log each */
            if (rc == 0) memset(buf + i * 80, 0x22, 40);
        }
        LLT_EQ_I64(rc, LLPMEM_ENOSPC);
        LLT_EQ_I64(i - 1, (TX_LOG - 64) / 128);
        LLT_EQ_I64(llpmem_tx_abort(&tx), 0);
        for (i = 0; i < TX_DATA; i++)
            if (buf[i] != 0x11) {
                LLT_CHECKF(0, "byte %d not restored after ENOSPC + abort", i);
                break;
            }
    }
    llpmem_tx_destroy(&tx);
    /* a log formatted with another length, and a corrupt header */
    LLT_EQ_I64(llpmem_tx_init(&tx, r, log, TX_LOG - 64), LLPMEM_EINVAL);
    log[20] ^= 1; /* the length word */
    LLT_EQ_I64(llpmem_tx_init(&tx, r, log, TX_LOG), LLPMEM_EBADMSG);
    log[20] ^= 1;
    LLT_EQ_I64(llpmem_tx_init(&tx, r, log, TX_LOG), 0);
    llpmem_tx_destroy(&tx);
    LLT_EQ_I64(llpmem_close(r), 0);
    LLT_EQ_I64(llpmem_close(ro), 0);
    free(buf);
    free(other);
}

/* commit, abort, nesting, coalescing and recovery of an interrupted transaction on one region */
static void t_tx_semantics(llpmem_region *r, const char *what) {
    unsigned char *d = (unsigned char *)llpmem_addr(r), *log = d + TX_DATA, *before;
    llpmem_tx tx;
    size_t i;
    before = (unsigned char *)malloc(TX_DATA);
    LLT_REQUIRE(before != NULL);
    for (i = 0; i < TX_DATA; i++) d[i] = (unsigned char)(i * 7u);
    LLT_EQ_I64(llpmem_persist(d, TX_DATA), 0);
    LLT_REQUIRE(llpmem_tx_init(&tx, r, log, TX_LOG) == 0);
    /* commit */
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 100, 50), 0);
    memset(d + 100, 0xaa, 50);
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 5000, 3000), 0);   /* a sealed entry (>= 2 KiB) */
    memset(d + 5000, 0xbb, 3000);
    LLT_EQ_I64(llpmem_tx_commit(&tx), 0);
    LLT_EQ_U64(d[100], 0xaa);
    LLT_EQ_U64(d[7999], 0xbb);
    memcpy(before, d, TX_DATA);
    /* abort restores, including nested levels, overlapping and nested ranges */
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 1000, 100), 0);     /* [1000, 1100) */
    memset(d + 1000, 1, 100);
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);                  /* nested */
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 1050, 150), 0);     /* overlaps: only [1100, 1200) is new */
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 1020, 10), 0);      /* nested range: nothing new */
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 900, 400), 0);      /* covers: [900, 1000) and [1200, 1300) */
    memset(d + 900, 2, 400);
    LLT_EQ_U64(tx.nranges, 1);                            /* coalesced into [900, 1300) */
    LLT_EQ_U64(tx.ranges[0].off, 900);
    LLT_EQ_U64(tx.ranges[0].len, 400);
    LLT_EQ_I64(llpmem_tx_commit(&tx), 0);                 /* inner commit: still open */
    LLT_EQ_I64(tx.depth, 1);
    LLT_EQ_I64(llpmem_tx_abort(&tx), 0);                  /* aborts the whole */
    LLT_EQ_I64(tx.depth, 0);
    LLT_EQ_MEM(d, before, TX_DATA);
    /* an interrupted transaction (no commit) is rolled back by the next init */
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, d, 64), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 8192, 4096), 0);
    memset(d, 0xcc, 64);
    memset(d + 8192, 0xdd, 4096);
    llpmem_tx_destroy(&tx);                               /* as if the process died here */
    LLT_REQUIRE(llpmem_tx_init(&tx, r, log, TX_LOG) == 0);
    LLT_EQ_U64(tx.recovered, 2);
    LLT_EQ_MEM(d, before, TX_DATA);
    /* a committed transaction is not rolled back */
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 64, 64), 0);
    memset(d + 64, 0xee, 64);
    LLT_EQ_I64(llpmem_tx_commit(&tx), 0);
    llpmem_tx_destroy(&tx);
    LLT_REQUIRE(llpmem_tx_init(&tx, r, log, TX_LOG) == 0);
    LLT_EQ_U64(tx.recovered, 0);
    LLT_EQ_U64(d[127], 0xee);
    /* an empty transaction costs nothing and changes nothing */
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    LLT_EQ_I64(llpmem_tx_commit(&tx), 0);
    llpmem_tx_destroy(&tx);
    printf("  %s: commit, abort, nesting, coalescing, recovery\n", what);
    free(before);
}

static void tx_semantics_pmem(void) {
    unsigned char *buf = (unsigned char *)t_aligned(TX_LEN);
    llpmem_region *r;
    LLT_REQUIRE(buf != NULL);
    LLT_REQUIRE(llpmem_attach(buf, TX_LEN, LLPMEM_FORCE, &r) == 0);
    t_tx_semantics(r, "forced pmem (write-back + fence)");
    LLT_EQ_I64(llpmem_close(r), 0);
    free(buf);
}

/* the msync fallback, across a real close and reopen of the file */
static void tx_semantics_msync_reopen(void) {
    const char *p = t_path("/dev/shm", "tx");
    llpmem_region *r;
    llpmem_tx tx;
    unsigned char *d;
    char path[512];
    snprintf(path, sizeof path, "%s", p);
    unlink(path);
    LLT_REQUIRE(llpmem_open(path, TX_LEN, LLPMEM_CREATE, 0600, &r) == 0);
    LLT_CHECK(!llpmem_region_is_pmem(r));
    t_tx_semantics(r, "page-cache file (msync)");
    d = (unsigned char *)llpmem_addr(r);
    LLT_REQUIRE(llpmem_tx_init(&tx, r, d + TX_DATA, TX_LOG) == 0);
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, d + 300, 10), 0);
    memset(d + 300, 0x5f, 10);
    LLT_EQ_I64(llpmem_msync(d + 300, 10), 0);             /* the new bytes even reach the file */
    llpmem_tx_destroy(&tx);
    LLT_EQ_I64(llpmem_close(r), 0);
    LLT_REQUIRE(llpmem_open(path, 0, 0, 0, &r) == 0);
    d = (unsigned char *)llpmem_addr(r);
    LLT_EQ_U64(d[300], 0x5f);
    LLT_REQUIRE(llpmem_tx_init(&tx, r, d + TX_DATA, TX_LOG) == 0);
    LLT_EQ_U64(tx.recovered, 1);
    LLT_EQ_U64(d[300], (unsigned char)(300u * 7u));
    llpmem_tx_destroy(&tx);
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(path);
}

#ifdef LLPMEM_CRASH_SIM
/* 1,000 random transactions; at every flush point the crash images (only drained lines, and a seeded
   random mix of durable / written-back / current lines) are recovered by llpmem_tx_init on a scratch
   region: the data must equal its contents before the transaction or (once commit has started) after
   it, never a mix. */
typedef struct t_txsim {
    llpmem_region *r, *scratch;
    unsigned char *img, *old, *fresh;
    int new_ok;                 /* commit in progress: the new contents are acceptable too */
    int recurse;
    uint64_t images, as_old, as_new, violations, recover_errors;
    unsigned seed;
} t_txsim;

static int t_txsim_check(t_txsim *c, unsigned mode, uint64_t seed) {
    unsigned char *s = (unsigned char *)llpmem_addr(c->scratch);
    llpmem_tx tx;
    int rc;
    llpmem_sim_crash_image(c->r, c->img, mode, seed);
    memcpy(s, c->img, TX_LEN);
    llpmem_sim_pause(true); /* the recovery's own drains must not make the checked region's lines durable */
    rc = llpmem_tx_init(&tx, c->scratch, s + TX_DATA, TX_LOG);
    llpmem_sim_pause(false);
    c->images++;
    if (rc) {
        c->recover_errors++;
        return 2;
    }
    llpmem_tx_destroy(&tx);
    if (memcmp(s, c->old, TX_DATA) == 0) {
        c->as_old++;
        return 0;
    }
    if (memcmp(s, c->fresh, TX_DATA) == 0) {
        c->as_new++;
        return c->new_ok ? 1 : 3;
    }
    return 3;
}

static void t_txsim_hook(void *vctx, uint64_t event) {
    t_txsim *c = (t_txsim *)vctx;
    int m;
    if (c->recurse) return;
    c->recurse = 1;
    for (m = 0; m < 2; m++) {
        int rc = t_txsim_check(c, m ? LLPMEM_SIM_RANDOM : LLPMEM_SIM_DURABLE, event * 2u + (uint64_t)m + c->seed);
        if (rc >= 2 && c->violations++ < 3)
            printf("  event %llu (%s image): %s\n", (unsigned long long)event, m ? "random" : "durable",
                   rc == 2 ? "recovery failed" : "a mix of old and new contents");
    }
    c->recurse = 0;
}

static uint32_t t_rand(uint64_t *s) {
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

static void t_txsim_run(llpmem_region *r, int ntx, uint64_t rng, const char *what) {
    unsigned char *scratch = (unsigned char *)t_aligned(TX_LEN), *d = (unsigned char *)llpmem_addr(r);
    t_txsim c;
    llpmem_tx tx;
    int t, commits = 0, aborts = 0, sealed = 0;
    size_t i;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.img = (unsigned char *)malloc(TX_LEN);
    c.old = (unsigned char *)malloc(TX_DATA);
    c.fresh = (unsigned char *)malloc(TX_DATA);
    c.seed = (unsigned)rng;
    LLT_REQUIRE(scratch && c.img && c.old && c.fresh);
    LLT_REQUIRE(llpmem_attach(scratch, TX_LEN, LLPMEM_FORCE, &c.scratch) == 0);
    for (i = 0; i < TX_DATA; i++) d[i] = (unsigned char)t_rand(&rng);
    LLT_EQ_I64(llpmem_persist(d, TX_DATA), 0);
    LLT_REQUIRE(llpmem_tx_init(&tx, r, d + TX_DATA, TX_LOG) == 0);
    llpmem_sim_set_hook(t_txsim_hook, &c);
    for (t = 0; t < ntx; t++) {
        int k, nr = 1 + (int)(t_rand(&rng) % 4u), nested = 0, abort_it = t_rand(&rng) % 7u == 0;
        memcpy(c.old, d, TX_DATA);
        memcpy(c.fresh, d, TX_DATA);
        c.new_ok = 0;
        LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
        for (k = 0; k < nr; k++) {
            uint32_t sz = t_rand(&rng) % 16u;
            size_t len = sz < 10 ? 1u + t_rand(&rng) % 200u : sz < 14 ? 1u + t_rand(&rng) % 1500u : 2048u + t_rand(&rng) % 2048u;
            size_t off = t_rand(&rng) % (TX_DATA - len + 1u), j;
            int rc;
            if (k > 0 && t_rand(&rng) % 3u == 0) { /* nested or overlapping with the previous range */
                nested = 1;
                LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
            }
            if (len >= 2048) sealed++;
            rc = llpmem_tx_add(&tx, d + off, len);
            if (rc == LLPMEM_ENOSPC) break; /* not added: leave it alone */
            LLT_EQ_I64(rc, 0);
            for (j = 0; j < len; j++) d[off + j] = c.fresh[off + j] = (unsigned char)t_rand(&rng);
            if (nested && t_rand(&rng) % 2u) {
                LLT_EQ_I64(llpmem_tx_commit(&tx), 0); /* inner commit: nothing durable yet */
                nested = 0;
            }
        }
        if (abort_it) {
            LLT_EQ_I64(llpmem_tx_abort(&tx), 0);
            aborts++;
            LLT_EQ_MEM(d, c.old, TX_DATA);
        } else {
            c.new_ok = 1;
            while (tx.depth > 1) LLT_EQ_I64(llpmem_tx_commit(&tx), 0);
            LLT_EQ_I64(llpmem_tx_commit(&tx), 0);
            commits++;
            /* durability: once commit returned, only the new contents may come back */
            memcpy(c.old, c.fresh, TX_DATA);
            c.new_ok = 0;
            c.recurse = 1;
            if (t_txsim_check(&c, LLPMEM_SIM_DURABLE, 0) != 0) c.violations++;
            c.recurse = 0;
        }
        if (c.violations) break;
    }
    llpmem_sim_set_hook(NULL, NULL);
    printf("  %s: %d transactions (%d committed, %d aborted, %d sealed entries), %llu crash images at every "
           "flush point: %llu recovered old, %llu new, %llu violations, %llu recovery errors\n",
           what, t, commits, aborts, sealed, (unsigned long long)c.images, (unsigned long long)c.as_old,
           (unsigned long long)c.as_new, (unsigned long long)c.violations, (unsigned long long)c.recover_errors);
    LLT_EQ_I64(t, ntx);
    LLT_EQ_U64(c.violations, 0);
    LLT_EQ_U64(c.recover_errors, 0);
    LLT_CHECK(c.as_new > 0 && c.as_old > 0);
    llpmem_tx_destroy(&tx);
    LLT_EQ_I64(llpmem_close(c.scratch), 0);
    free(scratch);
    free(c.img);
    free(c.old);
    free(c.fresh);
}

static void sim_tx_every_flush_point(void) {
    unsigned char *buf = (unsigned char *)t_aligned(TX_LEN);
    llpmem_region *r;
    const char *seed;
    LLT_REQUIRE(buf != NULL);
    LLT_REQUIRE(llpmem_attach(buf, TX_LEN, LLPMEM_FORCE, &r) == 0);
    seed = getenv("LLPMEM_TEST_SEED"); /* another sequence of transactions */
    t_txsim_run(r, (int)llt_scaled(1000, 100), seed ? strtoull(seed, NULL, 0) : 0x1234567u, "forced pmem");
    LLT_EQ_I64(llpmem_close(r), 0);
    free(buf);
}

static void sim_tx_every_flush_point_msync(void) {
    const char *p = t_path("/dev/shm", "txsim");
    llpmem_region *r;
    char path[512];
    snprintf(path, sizeof path, "%s", p);
    unlink(path);
    LLT_REQUIRE(llpmem_open(path, TX_LEN, LLPMEM_CREATE, 0600, &r) == 0);
    t_txsim_run(r, (int)llt_scaled(200, 40), 0x7654321u, "page-cache file (msync)");
    LLT_EQ_I64(llpmem_close(r), 0);
    unlink(path);
}

/* the simulator must catch a transaction that skips the snapshot's durability: a hand-made log entry
   whose data is never written back is rolled back as garbage or ignored while the range already holds
   new bytes - either way some crash image is a mix */
static void sim_tx_missing_snapshot_caught(void) {
    unsigned char *buf = (unsigned char *)t_aligned(TX_LEN);
    llpmem_region *r;
    t_txsim c;
    llpmem_tx tx;
    unsigned char *scratch = (unsigned char *)t_aligned(TX_LEN);
    LLT_REQUIRE(buf && scratch);
    LLT_REQUIRE(llpmem_attach(buf, TX_LEN, LLPMEM_FORCE, &r) == 0);
    memset(&c, 0, sizeof c);
    c.r = r;
    c.img = (unsigned char *)malloc(TX_LEN);
    c.old = (unsigned char *)malloc(TX_DATA);
    c.fresh = (unsigned char *)malloc(TX_DATA);
    LLT_REQUIRE(c.img && c.old && c.fresh);
    LLT_REQUIRE(llpmem_attach(scratch, TX_LEN, LLPMEM_FORCE, &c.scratch) == 0);
    memset(buf, 0x10, TX_DATA);
    LLT_EQ_I64(llpmem_persist(buf, TX_DATA), 0);
    LLT_REQUIRE(llpmem_tx_init(&tx, r, buf + TX_DATA, TX_LOG) == 0);
    memcpy(c.old, buf, TX_DATA);
    memcpy(c.fresh, buf, TX_DATA);
    memset(c.fresh + 64, 0x20, 128);
    llpmem_sim_set_hook(t_txsim_hook, &c);
    /* BUG under test: the range is modified and flushed before any snapshot exists */
    LLT_EQ_I64(llpmem_tx_begin(&tx), 0);
    memset(buf + 64, 0x20, 128);
    LLT_EQ_I64(llpmem_persist(buf + 64, 128), 0);
    LLT_EQ_I64(llpmem_tx_add(&tx, buf + 64, 128), 0);
    LLT_EQ_I64(llpmem_tx_abort(&tx), 0);
    llpmem_sim_set_hook(NULL, NULL);
    printf("  modified before the snapshot: %llu crash images, %llu violations\n", (unsigned long long)c.images,
           (unsigned long long)c.violations);
    LLT_CHECK(c.violations > 0);
    llpmem_tx_destroy(&tx);
    LLT_EQ_I64(llpmem_close(c.scratch), 0);
    LLT_EQ_I64(llpmem_close(r), 0);
    free(buf);
    free(scratch);
    free(c.img);
    free(c.old);
    free(c.fresh);
}
#else
static void sim_tx_every_flush_point(void) { LLT_SKIP("built without LLPMEM_CRASH_SIM (see build/test_llpmem_sim)"); }
static void sim_tx_every_flush_point_msync(void) { LLT_SKIP("built without LLPMEM_CRASH_SIM (see build/test_llpmem_sim)"); }
static void sim_tx_missing_snapshot_caught(void) { LLT_SKIP("built without LLPMEM_CRASH_SIM (see build/test_llpmem_sim)"); }
#endif

/* qemu-user 7.2 advertises HWCAP_DCPOP but raises SIGILL on DC CVAP: probe it in a child process */
#if defined(__aarch64__)
static void t_sigill_exit(int sig) {
    (void)sig;
    _exit(42);
}
#endif
static void t_probe_cvap(void) {
#if defined(__aarch64__)
    pid_t pid;
    int st = 0;
    static char line[256];
    if (!(llpmem_cpu_features() & LLPMEM_CPU_DCPOP)) return;
    pid = fork();
    if (pid == 0) {
        struct rlimit nocore;
        nocore.rlim_cur = nocore.rlim_max = 0;
        setrlimit(RLIMIT_CORE, &nocore);
        signal(SIGILL, t_sigill_exit);
        __asm__ __volatile__("sys #3, c7, c12, #1, %0" ::"r"(line) : "memory");
        _exit(0);
    }
    if (pid > 0 && waitpid(pid, &st, 0) == pid &&
        ((WIFSIGNALED(st) && WTERMSIG(st) == SIGILL) || (WIFEXITED(st) && WEXITSTATUS(st) == 42))) {
        t_cvap_faults = 1;
        printf("  DC CVAP advertised (HWCAP_DCPOP) but raises SIGILL here (qemu-user?): using DC CVAC\n");
        llpmem_set_flush(LLPMEM_FLUSH_CVAC);
    }
#endif
}

int main(int argc, char **argv) {
    if (getenv("LLPMEM_TEST_CHILD")) return t_env_child();
    t_probe_cvap();
#ifdef LLPMEM_CRASH_SIM
    LLT_INIT("llpmem_sim", argc, argv);
#else
    LLT_INIT("llpmem", argc, argv);
#endif
    LLT_RUN(cpu_and_defaults);
    LLT_RUN(cpu_ladder);
    LLT_RUN(zero_length_returns_at_once);
    LLT_RUN(tmpfs_is_not_pmem);
    LLT_RUN(ext4_is_not_pmem);
    LLT_RUN(open_create_and_errors);
    LLT_RUN(big_mapping_is_aligned);
    LLT_RUN(foreign_address_is_error);
    LLT_RUN(registry_limits);
    LLT_RUN(msync_fallback_page_aligns);
    LLT_RUN(prewarm_and_lock);
    LLT_RUN(force_pmem_modes);
    LLT_RUN(devdax_if_present);
    LLT_RUN(fsdax_if_present);
    LLT_RUN(flush_clwb);
    LLT_RUN(flush_clflushopt);
    LLT_RUN(flush_clflush);
    LLT_RUN(flush_none);
    LLT_RUN(flush_dc_cvap);
    LLT_RUN(flush_dc_cvac);
    LLT_RUN(eadr_fence_only);
    LLT_RUN(pmem_inline_follows_settings);
    LLT_RUN(copy_avx512);
    LLT_RUN(copy_movdir64b);
    LLT_RUN(copy_avx2);
    LLT_RUN(copy_sse2);
    LLT_RUN(copy_cached);
    LLT_RUN(copy_with_clflush);
    LLT_RUN(nt_threshold_policy);
    LLT_RUN(copy_not_pmem_uses_msync);
    LLT_RUN(histogram_layout_and_edges);
    LLT_RUN(histogram_percentiles);
    LLT_RUN(histogram_threads);
    LLT_RUN(region_latency_stats);
    LLT_RUN(threads_and_registry_churn);
    LLT_RUN(env_overrides);
    LLT_RUN(sim_basic_model);
    LLT_RUN(sim_msync_region);
    LLT_RUN(sim_log_every_crash_point);
    LLT_RUN(sim_missing_flush_caught);
    LLT_RUN(tx_bad_input);
    LLT_RUN(tx_semantics_pmem);
    LLT_RUN(tx_semantics_msync_reopen);
    LLT_RUN(sim_tx_every_flush_point);
    LLT_RUN(sim_tx_every_flush_point_msync);
    LLT_RUN(sim_tx_missing_snapshot_caught);
    return LLT_FINISH();
}
