/* netserve.c - a network server on llio: one event loop per core, two protocols on two ports.

   - echo (UDP and TCP, the same port): the message format of `sockperf ping-pong` (a 14-byte header:
     64-bit sequence number, 16-bit flags, 32-bit total length, all big-endian, then the payload). A
     message that asks for a reply (flag 2) is sent back with the client flag (1) cleared, as sockperf's
     own server does; warm-up messages (flag 4) without that flag get none.
   - RESP (TCP): PING, ECHO, SET, GET, DEL, INCR, inline and multibulk, pipelined, so that
     `redis-benchmark` is the client. A malformed request, a bulk longer than NS_MAX_BULK, or more than
     NS_MAX_ARGS arguments get "-ERR Protocol error: ..." and the connection is closed.

   Each loop is pinned to its CPU with llmem, owns an llio ring with a provided buffer ring (multishot
   recv: no buffer per idle connection), one multishot accept per listener (SO_REUSEPORT), and takes its
   connection state and output buffers from llmem pools. --poll spins on the completion queue instead
   of sleeping in the kernel (no wake-up on the reply path, one CPU busy); --epoll runs the same
   protocols on a plain epoll loop (the anchor of `make bench BENCH=net`).

   Usage:
     netserve                 checked mode: a self-test over loopback (echo UDP/TCP, RESP with
                              pipelining, bad input, 10,000 connections, fd and memory steady)
     netserve serve [--echo-port P] [--resp-port P] [--cpu N] [--threads N] [--poll] [--epoll]
                    [--cheap] [--seconds S] [--pidfile F]
                              (--cheap: "+OK" to every RESP command unparsed: the client's ceiling)
     netserve bench           a short in-process ping-pong (llio loop, sleeping and polling, and epoll)

   The server stops on SIGTERM/SIGINT or after --seconds, and prints its CPU time and counters. */
#define LLIO_IMPLEMENTATION
#include "llio.h"
#define LLMEM_IMPLEMENTATION
#include "llmem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#define NS_BUF_SIZE 4096u     /* one provided buffer */
#define NS_BUF_COUNT 512u     /* provided buffers per loop */
#define NS_CHUNK 16384u       /* an output (or partial input) buffer, from a pool */
#define NS_MAX_BULK 65536     /* longest bulk string accepted */
#define NS_MAX_ARGS 64
#define NS_MAX_INPUT (NS_MAX_BULK + 1024) /* pending input of one connection */
#define NS_BGID 1

enum { NS_ECHO = 1, NS_RESP = 2 };
enum { UD_ACCEPT_ECHO = 1, UD_ACCEPT_RESP = 2, UD_UDP = 3 }; /* small tags; connections: pointer | op */
enum { OP_RECV = 1, OP_SEND = 2 };

typedef struct ns_conn {
    int fd;
    int proto;         /* NS_ECHO / NS_RESP */
    int recv_armed;    /* a multishot recv is in flight */
    int send_busy;     /* a send is in flight: out[0..out_len) belongs to the kernel */
    int closing;       /* close once nothing is in flight */
    char *out;         /* NS_CHUNK pool buffer or NULL */
    unsigned out_len, out_sent;
    char *in;          /* pending partial input (heap, up to NS_MAX_INPUT) or NULL */
    unsigned in_len, in_cap;
    unsigned char mid_line, line_kind; /* --cheap: where the last chunk ended */
} ns_conn;

typedef struct ns_entry {
    struct ns_entry *next;
    unsigned klen, vlen, cap; /* cap: bytes of data[] allocated */
    char data[1];             /* key then value */
} ns_entry;

typedef struct ns_loop {
    int cpu, poll_mode, use_epoll, cheap;
    int echo_l, resp_l, udp;
    llio_ring ring;
    llio_buf_ring br;
    char *bufs;
    llmem_pool conn_pool, chunk_pool;
    ns_entry **table;
    unsigned table_mask;
    uint64_t requests, conns_open, conns_total, proto_errors;
    uint16_t echo_port, resp_port;
    volatile int *stop;
    /* UDP: one recvmsg armed, reply sent from the same buffer */
    struct msghdr um;
    struct iovec uiov;
    struct sockaddr_in upeer;
    char ubuf[65536];
    int udp_send_busy;
} ns_loop;

static volatile int g_stop;

/* ------------------------------------------------------------------ connections and output */
static ns_conn *conn_new(ns_loop *L, int fd, int proto) {
    ns_conn *c = (ns_conn *)llmem_pool_alloc(&L->conn_pool);
    if (!c) return NULL;
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->proto = proto;
    L->conns_open++;
    L->conns_total++;
    return c;
}
static void conn_free(ns_loop *L, ns_conn *c) {
    if (c->out) llmem_pool_free(&L->chunk_pool, c->out);
    free(c->in);
    close(c->fd);
    llmem_pool_free(&L->conn_pool, c);
    L->conns_open--;
}
/* room for n more output bytes; NULL when the chunk is full (stop parsing until the send is done) */
static char *out_room(ns_loop *L, ns_conn *c, unsigned n) {
    if (!c->out) {
        c->out = (char *)llmem_pool_alloc(&L->chunk_pool);
        if (!c->out) return NULL;
        c->out_len = c->out_sent = 0;
    }
    if (c->out_len + n > NS_CHUNK) return NULL;
    return c->out + c->out_len;
}
static int out_put(ns_loop *L, ns_conn *c, const void *p, unsigned n) {
    char *d = out_room(L, c, n);
    if (!d) return -1;
    memcpy(d, p, n);
    c->out_len += n;
    return 0;
}
static int out_str(ns_loop *L, ns_conn *c, const char *s) { return out_put(L, c, s, (unsigned)strlen(s)); }
/* lead, the decimal digits of v, CRLF into d (at least 24 bytes); the length. Replies are formatted by
   hand: snprintf was a visible share of the server's user time under redis-benchmark -P 16. */
static unsigned fmt_line(char *d, char lead, long long v) {
    char t[24];
    unsigned n = 0, k = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    d[k++] = lead;
    if (v < 0) d[k++] = '-';
    do t[n++] = (char)('0' + u % 10); while ((u /= 10) != 0);
    while (n) d[k++] = t[--n];
    d[k++] = '\r';
    d[k++] = '\n';
    return k;
}
static int out_bulk(ns_loop *L, ns_conn *c, const char *p, unsigned n) {
    char *d = out_room(L, c, 24 + n + 2);
    unsigned k;
    if (!d) return -1;
    k = fmt_line(d, '$', n);
    memcpy(d + k, p, n);
    memcpy(d + k + n, "\r\n", 2);
    c->out_len += k + n + 2;
    return 0;
}
static int out_int(ns_loop *L, ns_conn *c, long long v) {
    char *d = out_room(L, c, 24);
    if (!d) return -1;
    c->out_len += fmt_line(d, ':', v);
    return 0;
}

/* ------------------------------------------------------------------ the key space */
static uint64_t ns_hash(const char *p, unsigned n) { /* FNV-1a */
    uint64_t h = 1469598103934665603ull;
    while (n--) h = (h ^ (unsigned char)*p++) * 1099511628211ull;
    return h;
}
static ns_entry **kv_find(ns_loop *L, const char *k, unsigned kl) {
    ns_entry **e = &L->table[ns_hash(k, kl) & L->table_mask];
    while (*e && !((*e)->klen == kl && memcmp((*e)->data, k, kl) == 0)) e = &(*e)->next;
    return e;
}
static int kv_set(ns_loop *L, const char *k, unsigned kl, const char *v, unsigned vl) {
    ns_entry **e = kv_find(L, k, kl), *n;
    if (*e && (*e)->cap >= kl + vl) { /* an overwrite that fits: in place, no allocation */
        memcpy((*e)->data + kl, v, vl);
        (*e)->vlen = vl;
        return 0;
    }
    n = (ns_entry *)malloc(sizeof(ns_entry) + kl + vl);
    if (!n) return -1;
    n->klen = kl;
    n->vlen = vl;
    n->cap = kl + vl + 1; /* data[1] is part of the struct */
    memcpy(n->data, k, kl);
    memcpy(n->data + kl, v, vl);
    n->next = *e ? (*e)->next : NULL;
    free(*e);
    *e = n;
    return 0;
}

/* ------------------------------------------------------------------ protocols */
/* The decimal number at p[0..end) that a RESP header line carries (after '*' or '$'), up to CRLF: its
   value, and *next = the byte after the LF. -1: a digit missing, a digit too many (more than 9, beyond
   any limit here), or the line not ended by CRLF; -2: the line is not complete yet. Replaces strtol and
   memchr on the hot path. */
static long resp_number(const char *p, const char *end, const char **next) {
    long v = 0;
    int digits = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (++digits > 9) return -1;
        v = v * 10 + (*p++ - '0');
    }
    if (p >= end) return -2;
    if (!digits || *p != '\r') return -1;
    if (p + 1 >= end) return -2;
    if (p[1] != '\n') return -1;
    *next = p + 2;
    return v;
}

/* RESP: parse one command from p[0..n): number of bytes it used, 0 when incomplete, -1 on a protocol
   error (err says which) */
static long resp_parse(const char *p, size_t n, const char **argv, unsigned *argl, unsigned *argc,
                       const char **err) {
    const char *end = p + n, *q = p;
    long i, cnt;
    *argc = 0;
    if (n == 0) return 0;
    if (*q != '*') { /* inline: words up to the end of the line */
        const char *nl = (const char *)memchr(q, '\n', n);
        if (!nl) {
            if (n > NS_MAX_INPUT) { *err = "too big inline request"; return -1; }
            return 0;
        }
        while (q < nl) {
            while (q < nl && (*q == ' ' || *q == '\r' || *q == '\t')) q++;
            if (q >= nl) break;
            if (*argc == NS_MAX_ARGS) { *err = "too many arguments"; return -1; }
            argv[*argc] = q;
            while (q < nl && *q != ' ' && *q != '\r' && *q != '\t') q++;
            argl[*argc] = (unsigned)(q - argv[*argc]);
            (*argc)++;
        }
        return (long)(nl + 1 - p);
    }
    /* multibulk: *N\r\n then N times $len\r\ndata\r\n */
    cnt = resp_number(q + 1, end, &q);
    if (cnt == -2) return 0;
    if (cnt < 0 || cnt > NS_MAX_ARGS) {
        *err = "invalid multibulk length";
        return -1;
    }
    for (i = 0; i < cnt; i++) {
        long len;
        if (q >= end) return 0;
        if (*q != '$') { *err = "expected '$'"; return -1; }
        len = resp_number(q + 1, end, &q);
        if (len == -2) return 0;
        if (len < 0 || len > NS_MAX_BULK) {
            *err = "invalid bulk length";
            return -1;
        }
        if (end - q < len + 2) return 0;
        if (q[len] != '\r' || q[len + 1] != '\n') { *err = "bulk not terminated by CRLF"; return -1; }
        argv[*argc] = q;
        argl[*argc] = (unsigned)len;
        (*argc)++;
        q += len + 2;
    }
    return (long)(q - p);
}

static int ieq(const char *a, unsigned n, const char *b) {
    unsigned i;
    if (strlen(b) != n) return 0;
    for (i = 0; i < n; i++)
        if ((a[i] | 0x20) != b[i]) return 0;
    return 1;
}

/* run one RESP command; -1 when the output chunk is full (retry after the send) */
static int resp_exec(ns_loop *L, ns_conn *c, const char **av, const unsigned *al, unsigned ac) {
    if (ac == 0) return 0;
    L->requests++;
    if (ieq(av[0], al[0], "ping")) return ac > 1 ? out_bulk(L, c, av[1], al[1]) : out_str(L, c, "+PONG\r\n");
    if (ieq(av[0], al[0], "echo") && ac == 2) return out_bulk(L, c, av[1], al[1]);
    if (ieq(av[0], al[0], "set") && ac >= 3) {
        if (!out_room(L, c, 5)) return -1;
        if (kv_set(L, av[1], al[1], av[2], al[2]) != 0) return out_str(L, c, "-ERR out of memory\r\n");
        return out_str(L, c, "+OK\r\n");
    }
    if (ieq(av[0], al[0], "get") && ac == 2) {
        ns_entry *e = *kv_find(L, av[1], al[1]);
        return e ? out_bulk(L, c, e->data + e->klen, e->vlen) : out_str(L, c, "$-1\r\n");
    }
    if (ieq(av[0], al[0], "del") && ac >= 2) {
        unsigned i;
        long long n = 0;
        if (!out_room(L, c, 24)) return -1;
        for (i = 1; i < ac; i++) {
            ns_entry **e = kv_find(L, av[i], al[i]);
            if (*e) {
                ns_entry *d = *e;
                *e = d->next;
                free(d);
                n++;
            }
        }
        return out_int(L, c, n);
    }
    if (ieq(av[0], al[0], "incr") && ac == 2) {
        ns_entry *e;
        long long v = 0;
        char num[32];
        if (!out_room(L, c, 24)) return -1;
        e = *kv_find(L, av[1], al[1]);
        if (e) {
            char tmp[32], *end;
            if (e->vlen == 0 || e->vlen > 20) return out_str(L, c, "-ERR value is not an integer or out of range\r\n");
            memcpy(tmp, e->data + e->klen, e->vlen);
            tmp[e->vlen] = 0;
            errno = 0;
            v = strtoll(tmp, &end, 10);
            if (*end || errno) return out_str(L, c, "-ERR value is not an integer or out of range\r\n");
        }
        v++;
        snprintf(num, sizeof num, "%lld", v);
        if (kv_set(L, av[1], al[1], num, (unsigned)strlen(num)) != 0) return out_str(L, c, "-ERR out of memory\r\n");
        return out_int(L, c, v);
    }
    if (ieq(av[0], al[0], "config") && ac == 3 && ieq(av[1], al[1], "get")) { /* redis-benchmark asks */
        char h[64];
        int k = snprintf(h, sizeof h, "*2\r\n$%u\r\n", al[2]);
        if (!out_room(L, c, (unsigned)k + al[2] + 8)) return -1;
        out_put(L, c, h, (unsigned)k);
        out_put(L, c, av[2], al[2]);
        return out_str(L, c, "\r\n$0\r\n\r\n");
    }
    {
        char msg[128];
        snprintf(msg, sizeof msg, "-ERR unknown command '%.*s'\r\n", (int)(al[0] > 40 ? 40 : al[0]), av[0]);
        return out_str(L, c, msg);
    }
}

/* sockperf messages: reply to those that ask for it (flag 2), with the client flag (1) cleared */
static long echo_parse(ns_loop *L, ns_conn *c, const char *p, size_t n) {
    uint32_t len;
    uint16_t flags;
    if (n < 14) return 0;
    memcpy(&len, p + 10, 4);
    len = ntohl(len);
    if (len < 14 || len > 65536) return -1;
    if (n < len) return 0;
    memcpy(&flags, p + 8, 2);
    flags = ntohs(flags);
    if (flags & 2) {
        char *d = out_room(L, c, len);
        uint16_t f = htons((uint16_t)(flags & ~1u));
        if (!d) return -2;
        memcpy(d, p, len);
        memcpy(d + 8, &f, 2);
        c->out_len += len;
        L->requests++;
    }
    return (long)len;
}

/* pending input grows as needed, up to NS_MAX_INPUT (a longer request is a protocol error) */
static int in_reserve(ns_conn *c, size_t need) {
    size_t cap = c->in_cap ? c->in_cap : 512;
    char *ni;
    if (need > NS_MAX_INPUT) return -1;
    if (need <= c->in_cap) return 0;
    while (cap < need) cap *= 2;
    if (cap > NS_MAX_INPUT) cap = NS_MAX_INPUT;
    ni = (char *)realloc(c->in, cap);
    if (!ni) return -1;
    c->in = ni;
    c->in_cap = (unsigned)cap;
    return 0;
}

/* --cheap: the least a RESP server can do, to show the client's own ceiling. Every command (a line that
   starts with '*', or an inline line that is neither a '$' line nor the payload after one) gets "+OK"
   without being parsed or executed. */
static int cheap_input(ns_loop *L, ns_conn *c, const char *p, size_t n) {
    size_t i;
    unsigned cmds = 0;
    for (i = 0; i < n; i++) {
        if (!c->mid_line) {
            unsigned char k = (unsigned char)p[i];
            if (k == '*' || (k != '$' && c->line_kind != '$')) cmds++;
            c->line_kind = k == '$' ? '$' : 0;
            c->mid_line = 1;
        }
        if (p[i] == '\n') c->mid_line = 0;
        else if (!c->mid_line) c->mid_line = 1;
    }
    L->requests += cmds;
    while (cmds--)
        if (out_put(L, c, "+OK\r\n", 5) != 0) return -1;
    return 0;
}

/* consume as much of p[0..n) as the output room allows; the rest is kept in c->in. -1: close */
static int conn_input(ns_loop *L, ns_conn *c, const char *p, size_t n) {
    const char *av[NS_MAX_ARGS];
    unsigned al[NS_MAX_ARGS], ac;
    size_t used = 0;
    while (used < n) {
        long k;
        const char *err = "malformed request";
        if (c->proto == NS_ECHO) {
            k = echo_parse(L, c, p + used, n - used);
            if (k == -2) break; /* output full */
            if (k < 0) return -1;
        } else {
            k = resp_parse(p + used, n - used, av, al, &ac, &err);
            if (k < 0) {
                char msg[96];
                L->proto_errors++;
                snprintf(msg, sizeof msg, "-ERR Protocol error: %s\r\n", err);
                out_str(L, c, msg);
                c->closing = 1;
                return 0;
            }
            if (k > 0 && resp_exec(L, c, av, al, ac) < 0) break; /* output full: this command again later */
        }
        if (k == 0) break;
        used += (size_t)k;
    }
    if (used < n) { /* keep the rest */
        size_t rest = n - used;
        if (c->in != p) {
            if (in_reserve(c, rest) != 0) return -1;
            memmove(c->in, p + used, rest);
        } else {
            memmove(c->in, c->in + used, rest);
        }
        c->in_len = (unsigned)rest;
    } else {
        c->in_len = 0;
        if (c->in && c->in == p) { /* drained: an idle connection holds no input buffer */
            free(c->in);
            c->in = NULL;
            c->in_cap = 0;
        }
    }
    return 0;
}

/* new bytes: appended to pending input if there is some, else parsed in place */
static int conn_data(ns_loop *L, ns_conn *c, const char *p, size_t n) {
    if (L->cheap && c->proto == NS_RESP) return cheap_input(L, c, p, n);
    if (c->in_len) {
        if (in_reserve(c, c->in_len + n) != 0) return -1;
        memcpy(c->in + c->in_len, p, n);
        return conn_input(L, c, c->in, c->in_len + n);
    }
    return conn_input(L, c, p, n);
}

/* ------------------------------------------------------------------ the llio loop */
static uint64_t ud_conn(ns_conn *c, unsigned op) { return (uint64_t)(uintptr_t)c | op; }

static llio_sqe *ns_sqe(ns_loop *L) {
    llio_sqe *s = llio_get_sqe(&L->ring);
    if (!s) { /* full: hand what is queued to the kernel and take the slot it frees */
        llio_submit(&L->ring);
        s = llio_get_sqe(&L->ring);
    }
    return s;
}
static void arm_recv(ns_loop *L, ns_conn *c) {
    llio_sqe *s = ns_sqe(L);
    if (!s) return;
    llio_prep_recv_multishot(s, c->fd, NS_BGID, 0);
    llio_sqe_set_data(s, ud_conn(c, OP_RECV));
    c->recv_armed = 1;
}
static void kick_send(ns_loop *L, ns_conn *c) {
    llio_sqe *s;
    if (c->send_busy || !c->out || c->out_sent == c->out_len) return;
    s = ns_sqe(L);
    if (!s) return;
    llio_prep_send(s, c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
    llio_sqe_set_data(s, ud_conn(c, OP_SEND));
    c->send_busy = 1;
}
static void maybe_close(ns_loop *L, ns_conn *c) {
    if (c->recv_armed || c->send_busy) {
        if (c->recv_armed && c->closing == 1) { /* stop the recv; its last CQE comes back */
            llio_sqe *s = ns_sqe(L);
            if (s) {
                llio_prep_cancel(s, ud_conn(c, OP_RECV));
                llio_sqe_set_data(s, 0);
            }
            c->closing = 2;
        }
        return;
    }
    conn_free(L, c);
}
static void arm_accept(ns_loop *L, int l, uint64_t tag) {
    llio_sqe *s = ns_sqe(L);
    if (!s) return;
    llio_prep_accept_multishot(s, l, NULL, NULL, SOCK_CLOEXEC);
    llio_sqe_set_data(s, tag);
}
static void arm_udp(ns_loop *L) {
    llio_sqe *s = ns_sqe(L);
    if (!s) return;
    L->uiov.iov_base = L->ubuf;
    L->uiov.iov_len = sizeof L->ubuf;
    memset(&L->um, 0, sizeof L->um);
    L->um.msg_name = &L->upeer;
    L->um.msg_namelen = sizeof L->upeer;
    L->um.msg_iov = &L->uiov;
    L->um.msg_iovlen = 1;
    llio_prep_recvmsg(s, L->udp, &L->um, 0);
    llio_sqe_set_data(s, UD_UDP);
}

static void on_cqe(ns_loop *L, const llio_cqe *q) {
    uint64_t ud = q->user_data;
    if (ud == 0) return; /* a cancel */
    if (ud == UD_ACCEPT_ECHO || ud == UD_ACCEPT_RESP) {
        if (q->res >= 0) {
            int one = 1;
            ns_conn *c = conn_new(L, q->res, ud == UD_ACCEPT_ECHO ? NS_ECHO : NS_RESP);
            if (!c) close(q->res);
            else {
                setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                arm_recv(L, c);
            }
        }
        if (!llio_cqe_more(q) && !*L->stop) arm_accept(L, ud == UD_ACCEPT_ECHO ? L->echo_l : L->resp_l, ud);
        return;
    }
    if (ud == UD_UDP) { /* one datagram: reply in place when asked, then re-arm */
        if (q->res >= 14) {
            uint16_t flags;
            memcpy(&flags, L->ubuf + 8, 2);
            flags = ntohs(flags);
            if (flags & 2) {
                uint16_t f = htons((uint16_t)(flags & ~1u));
                memcpy(L->ubuf + 8, &f, 2);
                L->requests++;
                sendto(L->udp, L->ubuf, (size_t)q->res, MSG_DONTWAIT, (struct sockaddr *)&L->upeer, L->um.msg_namelen);
            }
        }
        if (!*L->stop) arm_udp(L);
        return;
    }
    {
        ns_conn *c = (ns_conn *)(uintptr_t)(ud & ~(uint64_t)7);
        unsigned op = (unsigned)(ud & 7);
        if (op == OP_RECV) {
            if (!llio_cqe_more(q)) c->recv_armed = 0;
            if (q->res > 0 && llio_cqe_has_buf(q)) {
                unsigned bid = llio_cqe_buf_id(q);
                if (!c->closing && conn_data(L, c, (const char *)llio_buf_ring_buf(&L->br, bid), (size_t)q->res) != 0)
                    c->closing = 1;
                llio_buf_ring_add(&L->br, bid);
                kick_send(L, c);
            } else if (q->res == LLIO_ENOBUFS && !c->closing) {
                /* every buffer in use: this connection waits for its re-arm below */
            } else if (llio_cqe_has_buf(q)) {
                llio_buf_ring_add(&L->br, llio_cqe_buf_id(q));
                if (!c->closing) c->closing = 1;
            } else if (q->res <= 0 && q->res != LLIO_ENOBUFS && !c->closing) {
                c->closing = 1; /* peer closed or error */
            }
            if (!c->recv_armed && !c->closing && !*L->stop) arm_recv(L, c);
        } else if (op == OP_SEND) {
            c->send_busy = 0;
            if (q->res < 0) c->closing = 1;
            else {
                c->out_sent += (unsigned)q->res;
                if (c->out_sent == c->out_len) { /* drained: give the chunk back, parse what waited */
                    llmem_pool_free(&L->chunk_pool, c->out);
                    c->out = NULL;
                    c->out_len = c->out_sent = 0;
                    if (c->in_len && !c->closing && conn_input(L, c, c->in, c->in_len) != 0) c->closing = 1;
                }
                kick_send(L, c);
            }
        }
        if (c->closing && !c->send_busy && c->out && c->out_sent < c->out_len && c->closing == 1) kick_send(L, c);
        if (c->closing) maybe_close(L, c);
    }
}

static int run_llio(ns_loop *L) {
    llio_cqe cq[64];
    int e = llio_init(&L->ring, 1024, 0);
    if (e) return e;
    L->bufs = (char *)llio_aligned_alloc((size_t)NS_BUF_SIZE * NS_BUF_COUNT, 4096);
    if (!L->bufs) return LLIO_ENOMEM;
    e = llio_buf_ring_register(&L->ring, &L->br, NS_BGID, L->bufs, NS_BUF_SIZE, NS_BUF_COUNT);
    if (e) return e;
    if (L->echo_l >= 0) arm_accept(L, L->echo_l, UD_ACCEPT_ECHO);
    if (L->resp_l >= 0) arm_accept(L, L->resp_l, UD_ACCEPT_RESP);
    if (L->udp >= 0) arm_udp(L);
    while (!*L->stop) {
        unsigned n, i;
        if (L->poll_mode) { /* spin on the CQ: llio_cq_ready enters the kernel only when work is flagged */
            llio_submit(&L->ring);
            while (llio_cq_ready(&L->ring) == 0 && !*L->stop) llio_cpu_relax();
        } else {
            e = llio_wait(&L->ring, 1, 100000000);
            if (e < 0 && e != LLIO_ETIME && e != LLIO_EINTR) return e;
        }
        while ((n = llio_reap(&L->ring, cq, 64)) > 0)
            for (i = 0; i < n; i++) on_cqe(L, &cq[i]);
    }
    return 0;
}

/* ------------------------------------------------------------------ the epoll loop (the anchor) */
static int ep_flush(ns_loop *L, int ep, ns_conn *c) {
    struct epoll_event ev;
    while (c->out && c->out_sent < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) return -1;
            ev.events = EPOLLIN | EPOLLOUT;
            ev.data.ptr = c;
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            c->send_busy = 1;
            return 0;
        }
        c->out_sent += (unsigned)w;
    }
    if (c->out) {
        llmem_pool_free(&L->chunk_pool, c->out);
        c->out = NULL;
        c->out_len = c->out_sent = 0;
    }
    if (c->send_busy) {
        c->send_busy = 0;
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
    return 0;
}

static int run_epoll(ns_loop *L) {
    static char rbuf[NS_BUF_SIZE];
    struct epoll_event evs[64], ev;
    int ep = epoll_create1(EPOLL_CLOEXEC), ls[3], i;
    if (ep < 0) return -errno;
    ls[0] = L->echo_l;
    ls[1] = L->resp_l;
    ls[2] = L->udp;
    for (i = 0; i < 3; i++)
        if (ls[i] >= 0) {
            ev.events = EPOLLIN;
            ev.data.u64 = (uint64_t)(i + 1);
            epoll_ctl(ep, EPOLL_CTL_ADD, ls[i], &ev);
        }
    while (!*L->stop) {
        int n = epoll_wait(ep, evs, 64, L->poll_mode ? 0 : 100), k;
        for (k = 0; k < n; k++) {
            uint64_t tag = evs[k].data.u64;
            if (tag == 1 || tag == 2) { /* listeners: accept what is queued */
                int fd;
                while ((fd = accept4(ls[tag - 1], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    int one = 1;
                    ns_conn *c = conn_new(L, fd, tag == 1 ? NS_ECHO : NS_RESP);
                    if (!c) { close(fd); continue; }
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    ev.events = EPOLLIN;
                    ev.data.ptr = c;
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
            } else if (tag == 3) { /* UDP */
                struct sockaddr_in peer;
                socklen_t pl = sizeof peer;
                ssize_t r;
                while ((r = recvfrom(L->udp, L->ubuf, sizeof L->ubuf, MSG_DONTWAIT, (struct sockaddr *)&peer, &pl)) >= 14) {
                    uint16_t flags;
                    memcpy(&flags, L->ubuf + 8, 2);
                    flags = ntohs(flags);
                    if (flags & 2) {
                        uint16_t f = htons((uint16_t)(flags & ~1u));
                        memcpy(L->ubuf + 8, &f, 2);
                        L->requests++;
                        sendto(L->udp, L->ubuf, (size_t)r, MSG_DONTWAIT, (struct sockaddr *)&peer, pl);
                    }
                    pl = sizeof peer;
                }
            } else {
                ns_conn *c = (ns_conn *)evs[k].data.ptr;
                int dead = 0;
                if (evs[k].events & EPOLLOUT) {
                    if (ep_flush(L, ep, c) != 0) dead = 1;
                    else if (!c->send_busy && c->in_len && !c->closing && conn_input(L, c, c->in, c->in_len) != 0) dead = 1;
                }
                if (!dead && (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !c->send_busy) {
                    ssize_t r = recv(c->fd, rbuf, sizeof rbuf, MSG_DONTWAIT);
                    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) dead = 1;
                    else if (r > 0 && !c->closing && conn_data(L, c, rbuf, (size_t)r) != 0) dead = 1;
                }
                if (!dead && ep_flush(L, ep, c) != 0) dead = 1;
                if (!dead && c->closing && !c->send_busy) dead = 1;
                if (dead) {
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                    conn_free(L, c);
                }
            }
        }
    }
    close(ep);
    return 0;
}

/* ------------------------------------------------------------------ setup */
static int listen_on(int type, uint16_t *port) {
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1;
    if (fd < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    llio_sock_reuseport(fd, 1); /* one socket per loop on the same port */
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(*port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || (type == SOCK_STREAM && listen(fd, 4096) < 0) ||
        getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

typedef struct ns_config {
    uint16_t echo_port, resp_port;
    int cpu, threads, poll_mode, use_epoll, cheap;
    double seconds;
} ns_config;

static void *loop_main(void *arg) {
    ns_loop *L = (ns_loop *)arg;
    intptr_t e;
    if (L->cpu >= 0) llmem_pin_cpu(L->cpu);
    e = L->use_epoll ? run_epoll(L) : run_llio(L);
    if (e) fprintf(stderr, "netserve: loop on cpu %d: %s\n", L->cpu, llio_strerror((int)e));
    return (void *)e;
}

static int loop_init(ns_loop *L, const ns_config *cf, int index, volatile int *stop) {
    uint16_t ep = cf->echo_port, rp = cf->resp_port, up;
    memset(L, 0, sizeof *L);
    L->cpu = cf->cpu >= 0 ? cf->cpu + index : -1;
    L->poll_mode = cf->poll_mode;
    L->use_epoll = cf->use_epoll;
    L->cheap = cf->cheap;
    L->stop = stop;
    L->ring.ring_fd = -1;
    L->echo_l = listen_on(SOCK_STREAM, &ep);
    up = ep; /* UDP echo on the TCP echo port */
    L->udp = listen_on(SOCK_DGRAM, &up);
    L->resp_l = listen_on(SOCK_STREAM, &rp);
    if (L->echo_l < 0 || L->udp < 0 || L->resp_l < 0) return -1;
    L->echo_port = ep;
    L->resp_port = rp;
    if (llmem_pool_init(&L->conn_pool, sizeof(ns_conn), 64) != 0) return -1;
    if (llmem_pool_init(&L->chunk_pool, NS_CHUNK, 64) != 0) return -1;
    L->table_mask = 4095;
    L->table = (ns_entry **)calloc(L->table_mask + 1, sizeof(ns_entry *));
    return L->table ? 0 : -1;
}

static void loop_destroy(ns_loop *L) {
    unsigned i;
    if (L->ring.backend) {
        if (L->br.kring) llio_buf_ring_unregister(&L->br);
        llio_destroy(&L->ring);
    }
    llio_aligned_free(L->bufs);
    for (i = 0; L->table && i <= L->table_mask; i++)
        while (L->table[i]) {
            ns_entry *e = L->table[i];
            L->table[i] = e->next;
            free(e);
        }
    free(L->table);
    llmem_pool_destroy(&L->conn_pool);
    llmem_pool_destroy(&L->chunk_pool);
    if (L->echo_l >= 0) close(L->echo_l);
    if (L->resp_l >= 0) close(L->resp_l);
    if (L->udp >= 0) close(L->udp);
}

static void on_signal(int sig) {
    (void)sig;
    g_stop = 1;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
}

static int serve(const ns_config *cf, const char *pidfile) {
    ns_loop *loops = (ns_loop *)calloc((size_t)cf->threads, sizeof(ns_loop));
    pthread_t *th = (pthread_t *)calloc((size_t)cf->threads, sizeof(pthread_t));
    int i;
    double t0;
    uint64_t req = 0, total = 0, perr = 0;
    if (!loops || !th) return 1;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    for (i = 0; i < cf->threads; i++)
        if (loop_init(&loops[i], cf, i, &g_stop) != 0) {
            fprintf(stderr, "netserve: cannot listen on 127.0.0.1:%u/%u\n", cf->echo_port, cf->resp_port);
            return 1;
        }
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    t0 = cpu_seconds();
    for (i = 0; i < cf->threads; i++) pthread_create(&th[i], NULL, loop_main, &loops[i]);
    printf("netserve: %s loop%s on 127.0.0.1 echo %u (udp+tcp) resp %u, %d thread%s%s\n",
           cf->use_epoll ? "epoll" : "llio", cf->poll_mode ? " (polling)" : "", cf->echo_port, cf->resp_port,
           cf->threads, cf->threads == 1 ? "" : "s", cf->cpu >= 0 ? ", pinned" : "");
    fflush(stdout);
    if (cf->seconds > 0) {
        struct timespec ts;
        ts.tv_sec = (time_t)cf->seconds;
        ts.tv_nsec = (long)((cf->seconds - (double)ts.tv_sec) * 1e9);
        while (!g_stop && nanosleep(&ts, &ts) != 0) {}
        g_stop = 1;
    }
    for (i = 0; i < cf->threads; i++) {
        pthread_join(th[i], NULL);
        req += loops[i].requests;
        total += loops[i].conns_total;
        perr += loops[i].proto_errors;
    }
    printf("netserve: %llu requests, %llu connections, %llu protocol errors, %.3f s CPU\n",
           (unsigned long long)req, (unsigned long long)total, (unsigned long long)perr, cpu_seconds() - t0);
    for (i = 0; i < cf->threads; i++) loop_destroy(&loops[i]);
    free(loops);
    free(th);
    return 0;
}

/* ------------------------------------------------------------------ checked mode: a self-test */
static int g_fail;
static void check(int ok, const char *name, const char *detail) {
    printf("%s netserve/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok || !detail ? "" : ": ", ok || !detail ? "" : detail);
    if (!ok) g_fail++;
}

static int tcp_connect(uint16_t port) {
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    struct timeval tv = {5, 0};
    if (fd < 0) return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
static int send_all(int fd, const void *p, size_t n) {
    const char *c = (const char *)p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}
/* read exactly n bytes (or until close/timeout): bytes read */
static size_t recv_n(int fd, char *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, p + got, n - got, 0);
        if (r <= 0) break;
        got += (size_t)r;
    }
    return got;
}
static void sockperf_msg(char *m, uint64_t seq, uint16_t flags, uint32_t len) {
    uint32_t hi = htonl((uint32_t)(seq >> 32)), lo = htonl((uint32_t)seq), l = htonl(len);
    uint16_t f = htons(flags);
    uint32_t i;
    memcpy(m, &hi, 4);
    memcpy(m + 4, &lo, 4);
    memcpy(m + 8, &f, 2);
    memcpy(m + 10, &l, 4);
    for (i = 14; i < len; i++) m[i] = (char)(i * 7 + seq);
}
static int is_reply_to(const char *r, const char *m, uint32_t len) {
    uint16_t f;
    memcpy(&f, r + 8, 2);
    return ntohs(f) == 2 && memcmp(r, m, 8) == 0 && memcmp(r + 10, m + 10, len - 10) == 0;
}
static long open_fds(void) {
    long n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}
static long rss_kib(void) {
    char line[256];
    long v = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) v = atol(line + 6);
    fclose(f);
    return v;
}

/* send a request, expect exactly this reply */
static int resp_roundtrip(uint16_t port, const char *req, size_t reqlen, const char *want) {
    size_t n = strlen(want), k;
    char *got = (char *)malloc(n + 1);
    int fd = tcp_connect(port), ok;
    if (fd < 0 || !got) {
        free(got);
        if (fd >= 0) close(fd);
        return 0;
    }
    send_all(fd, req, reqlen);
    k = recv_n(fd, got, n);
    ok = k == n && memcmp(got, want, n) == 0;
    if (!ok) printf("  got %zu of %zu bytes: %.*s\n", k, n, (int)(k > 200 ? 200 : k), got);
    close(fd);
    free(got);
    return ok;
}
/* a request that must get a protocol error and a closed connection */
static int resp_rejected(uint16_t port, const char *req, size_t reqlen) {
    char got[512];
    size_t k;
    int fd = tcp_connect(port), ok;
    if (fd < 0) return 0;
    send_all(fd, req, reqlen);
    k = recv_n(fd, got, sizeof got - 1); /* until the server closes */
    got[k] = 0;
    ok = k > 0 && strncmp(got, "-ERR Protocol error", 19) == 0;
    close(fd);
    return ok;
}

static double scale(void) {
    const char *s = getenv("LLT_SCALE");
    double v = s ? atof(s) : 1.0;
    return v > 0 ? v : 1.0;
}

static int self_test(int use_epoll) {
    ns_config cf;
    ns_loop L;
    pthread_t th;
    volatile int stop = 0;
    char name[64], m[256], r[256];
    const char *mode = use_epoll ? "epoll" : "llio";
    uint16_t ep, rp;
    int fd, i;
    memset(&cf, 0, sizeof cf);
    cf.cpu = -1;
    cf.threads = 1;
    cf.use_epoll = use_epoll;
    if (loop_init(&L, &cf, 0, &stop) != 0) {
        check(0, "listen", "cannot listen on loopback");
        return 1;
    }
    ep = L.echo_port;
    rp = L.resp_port;
    pthread_create(&th, NULL, loop_main, &L);

    /* UDP echo in sockperf's format; a warm-up message gets no reply */
    {
        int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ok;
        struct sockaddr_in a;
        struct timeval tv = {2, 0};
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(ep);
        connect(u, (struct sockaddr *)&a, sizeof a);
        setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockperf_msg(m, 5, 1 | 4, 64); /* warm-up, no reply wanted */
        send(u, m, 64, 0);
        sockperf_msg(m, 6, 1 | 2, 64);
        send(u, m, 64, 0);
        ok = recv(u, r, sizeof r, 0) == 64 && is_reply_to(r, m, 64);
        snprintf(name, sizeof name, "%s/udp_echo", mode);
        check(ok, name, "no or wrong reply");
        close(u);
    }
    /* TCP echo: two messages in one write, one split across two writes */
    fd = tcp_connect(ep);
    {
        char two[128];
        int ok = fd >= 0;
        sockperf_msg(two, 1, 3, 64);
        sockperf_msg(two + 64, 2, 3, 64);
        ok = ok && send_all(fd, two, 128) == 0 && recv_n(fd, r, 128) == 128 && is_reply_to(r, two, 64) &&
             is_reply_to(r + 64, two + 64, 64);
        sockperf_msg(m, 3, 3, 100);
        ok = ok && send_all(fd, m, 30) == 0;
        usleep(20000);
        ok = ok && send_all(fd, m + 30, 70) == 0 && recv_n(fd, r, 100) == 100 && is_reply_to(r, m, 100);
        snprintf(name, sizeof name, "%s/tcp_echo", mode);
        check(ok, name, "no or wrong reply");
        if (fd >= 0) close(fd);
    }
    /* RESP: inline and multibulk, pipelined, each command */
    {
        static const char req[] =
            "PING\r\n*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"
            "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$4\r\nincr\r\n$1\r\nn\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n"
            "*2\r\n$4\r\nINCR\r\n$3\r\nkey\r\n*3\r\n$3\r\nDEL\r\n$3\r\nkey\r\n$1\r\nn\r\n"
            "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nGET key\r\nFLY\r\n*2\r\n$4\r\nPING\r\n$3\r\nyes\r\n"
            /* a value that outgrows its entry, then one that fits in it; INCR across a digit and below 0 */
            "SET k 1234567890abcdef\r\nGET k\r\nSET k xy\r\nGET k\r\nSET c 9\r\nINCR c\r\nGET c\r\n"
            "SET m -12\r\nINCR m\r\nGET m\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n";
        static const char want[] =
            "+PONG\r\n+OK\r\n$5\r\nvalue\r\n:1\r\n:2\r\n$2\r\nhi\r\n-ERR value is not an integer or out of range\r\n"
            ":2\r\n$-1\r\n$-1\r\n-ERR unknown command 'FLY'\r\n$3\r\nyes\r\n"
            "+OK\r\n$16\r\n1234567890abcdef\r\n+OK\r\n$2\r\nxy\r\n+OK\r\n:10\r\n$2\r\n10\r\n"
            "+OK\r\n:-11\r\n$3\r\n-11\r\n$0\r\n\r\n";
        snprintf(name, sizeof name, "%s/resp_commands", mode);
        check(resp_roundtrip(rp, req, sizeof req - 1, want), name, "wrong reply stream");
    }
    /* one byte per write: every place a header line, a bulk or a command can be cut */
    {
        static const char req[] = "*3\r\n$3\r\nSET\r\n$2\r\nab\r\n$3\r\nxyz\r\n*2\r\n$3\r\nGET\r\n$2\r\nab\r\nPING\r\n";
        static const char want[] = "+OK\r\n$3\r\nxyz\r\n+PONG\r\n";
        char got[64];
        int fd = tcp_connect(rp), one = 1, ok = fd >= 0;
        size_t k;
        if (ok) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        for (k = 0; ok && k < sizeof req - 1; k++) {
            struct timespec ts = {0, 200000};
            ok = send_all(fd, req + k, 1) == 0;
            nanosleep(&ts, NULL);
        }
        ok = ok && recv_n(fd, got, sizeof want - 1) == sizeof want - 1 && memcmp(got, want, sizeof want - 1) == 0;
        snprintf(name, sizeof name, "%s/resp_split_bytes", mode);
        check(ok, name, "wrong reply to a request sent a byte at a time");
        if (fd >= 0) close(fd);
    }
    /* pipelining deeper than one output chunk: 2,000 PINGs in one write */
    {
        static char req[2000 * 14], want[2000 * 7 + 1];
        for (i = 0; i < 2000; i++) {
            memcpy(req + i * 14, "*1\r\n$4\r\nPING\r\n", 14);
            memcpy(want + i * 7, "+PONG\r\n", 7);
        }
        snprintf(name, sizeof name, "%s/resp_pipeline_2000", mode);
        check(resp_roundtrip(rp, req, sizeof req, want), name, "pipelined replies lost or reordered");
    }
    /* bad input: a protocol error and a closed connection, never a crash */
    snprintf(name, sizeof name, "%s/resp_malformed", mode);
    check(resp_rejected(rp, "*abc\r\n", 6) && resp_rejected(rp, "*2\r\n+3\r\nGET\r\n", 13) &&
              resp_rejected(rp, "*1\r\n$4\r\nPINGxx\r\n", 16) && resp_rejected(rp, "*99999\r\n", 8) &&
              resp_rejected(rp, "*1\r\n$4x\r\nPING\r\n", 15) && resp_rejected(rp, "*1\r\n$\r\n", 7) &&
              resp_rejected(rp, "*1\r\n$1234567890123\r\n", 20) && resp_rejected(rp, "*1\r\n$4\nPING\r\n", 13) &&
              resp_rejected(rp, "*-1\r\n", 5),
          name, "not rejected");
    snprintf(name, sizeof name, "%s/resp_oversize_bulk", mode);
    check(resp_rejected(rp, "*2\r\n$3\r\nSET\r\n$100000000\r\n", 25) &&
              resp_rejected(rp, "*1\r\n$-7\r\n", 9),
          name, "not rejected");
    /* half a command, then the client vanishes; the others are still served */
    {
        int k, ok = 1;
        for (k = 0; k < 20; k++) {
            int h = tcp_connect(rp);
            if (h < 0) { ok = 0; break; }
            send_all(h, "*2\r\n$3\r\nGET\r\n$3\r\nke", 20);
            close(h);
        }
        ok = ok && resp_roundtrip(rp, "PING\r\n", 6, "+PONG\r\n");
        snprintf(name, sizeof name, "%s/half_command_vanish", mode);
        check(ok, name, "server stalled");
    }
    /* 10,000 connections opening and closing in rounds: fds and memory steady */
    {
        enum { ROUND = 500 };
        int total = (int)(10000 * scale()), rounds = total / ROUND, k, fds[ROUND], ok = 1;
        long fd0 = -1, fd1 = -1, rss_mid = -1, rss_end = -1;
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < 2 * ROUND + 64 && rl.rlim_max >= 2 * ROUND + 64) {
            rl.rlim_cur = 2 * ROUND + 64;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rounds < 4) rounds = 4;
        for (k = 0; k < rounds && ok; k++) {
            int j, wait_ms;
            for (j = 0; j < ROUND; j++) {
                fds[j] = tcp_connect(j & 1 ? rp : ep);
                if (fds[j] < 0) { ok = 0; break; }
                if (j % 50 == 0) send_all(fds[j], "PING\r\n", j & 1 ? 6 : 0);
            }
            while (j-- > 0) close(fds[j]);
            for (wait_ms = 0; wait_ms < 5000 && __atomic_load_n(&L.conns_open, __ATOMIC_RELAXED) != 0; wait_ms++)
                usleep(1000);
            if (L.conns_open != 0) ok = 0;
            if (k == 1) { fd0 = open_fds(); rss_mid = rss_kib(); }
            if (k == rounds - 1) { fd1 = open_fds(); rss_end = rss_kib(); }
        }
        printf("  %s: %d connections opened and closed; fds %ld -> %ld, RSS %ld -> %ld KiB\n", mode,
               rounds * ROUND, fd0, fd1, rss_mid, rss_end);
        snprintf(name, sizeof name, "%s/connections_10000", mode);
        check(ok && fd0 == fd1 && rss_end - rss_mid < 4096, name, "connections, fds or memory not steady");
    }
    stop = 1;
    pthread_join(th, NULL);
    snprintf(name, sizeof name, "%s/shutdown_clean", mode);
    check(L.conns_open == 0, name, "connections left");
    loop_destroy(&L);
    return g_fail;
}

/* ------------------------------------------------------------------ idle connections (bench client) */
/* netserve idle N PORT SECONDS: hold N idle connections to PORT, then close them */
static int idle_client(int n, uint16_t port, double seconds) {
    int *fds = (int *)calloc((size_t)n, sizeof(int)), i, made = 0;
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t)n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    for (i = 0; i < n; i++) {
        fds[i] = tcp_connect(port);
        if (fds[i] < 0) break;
        made++;
    }
    printf("idle: %d connections held\n", made);
    fflush(stdout);
    usleep((useconds_t)(seconds * 1e6));
    for (i = 0; i < made; i++) close(fds[i]);
    free(fds);
    return made == n ? 0 : 1;
}

/* ------------------------------------------------------------------ bench mode: in-process ping-pong */
static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}
static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
static int bench_mode(void) {
    static const char *names[3] = {"llio, sleeping in llio_wait", "llio, polling the CQ", "epoll loop"};
    enum { N = 20000 };
    static uint64_t lat[N];
    int mode;
    printf("## netserve: TCP ping-pong, 64-byte sockperf messages, in-process client on CPU 0, server on CPU 1\n\n");
    printf("| server loop | p50 us | p99 us | p99.9 us |\n|:---|---:|---:|---:|\n");
    for (mode = 0; mode < 3; mode++) {
        ns_config cf;
        ns_loop L;
        pthread_t th;
        volatile int stop = 0;
        char m[64], r[64];
        int fd, i;
        memset(&cf, 0, sizeof cf);
        cf.cpu = 1;
        cf.threads = 1;
        cf.poll_mode = mode == 1;
        cf.use_epoll = mode == 2;
        if (loop_init(&L, &cf, 0, &stop) != 0) return 1;
        pthread_create(&th, NULL, loop_main, &L);
        llmem_pin_cpu(0);
        fd = tcp_connect(L.echo_port);
        if (fd < 0) return 1;
        for (i = 0; i < N + 1000; i++) {
            uint64_t t0 = now_ns();
            sockperf_msg(m, (uint64_t)i, 3, 64);
            if (send_all(fd, m, 64) != 0 || recv_n(fd, r, 64) != 64) return 1;
            if (i >= 1000) lat[i - 1000] = now_ns() - t0;
        }
        close(fd);
        stop = 1;
        pthread_join(th, NULL);
        loop_destroy(&L);
        qsort(lat, N, sizeof lat[0], cmp_u64);
        printf("| %s | %.1f | %.1f | %.1f |\n", names[mode], (double)lat[N / 2] / 1e3, (double)lat[N * 99 / 100] / 1e3,
               (double)lat[N * 999 / 1000] / 1e3);
    }
    printf("\nThe full comparison (sockperf, redis-benchmark, sockperf server, redis-server): make bench BENCH=net\n");
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "serve") == 0) {
        ns_config cf;
        const char *pidfile = NULL;
        int i;
        memset(&cf, 0, sizeof cf);
        cf.echo_port = 11111;
        cf.resp_port = 6380;
        cf.cpu = -1;
        cf.threads = 1;
        for (i = 2; i < argc; i++) {
            const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
            if (!strcmp(a, "--echo-port")) cf.echo_port = (uint16_t)atoi(v), i++;
            else if (!strcmp(a, "--resp-port")) cf.resp_port = (uint16_t)atoi(v), i++;
            else if (!strcmp(a, "--cpu")) cf.cpu = atoi(v), i++;
            else if (!strcmp(a, "--threads")) cf.threads = atoi(v) > 0 ? atoi(v) : 1, i++;
            else if (!strcmp(a, "--seconds")) cf.seconds = atof(v), i++;
            else if (!strcmp(a, "--pidfile")) pidfile = v, i++;
            else if (!strcmp(a, "--poll")) cf.poll_mode = 1;
            else if (!strcmp(a, "--epoll")) cf.use_epoll = 1;
            else if (!strcmp(a, "--cheap")) cf.cheap = 1;
            else {
                fprintf(stderr, "netserve: unknown option %s\n", a);
                return 2;
            }
        }
        return serve(&cf, pidfile);
    }
    if (argc > 4 && strcmp(argv[1], "idle") == 0) return idle_client(atoi(argv[2]), (uint16_t)atoi(argv[3]), atof(argv[4]));
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench_mode();
    {
        int fails = self_test(0) + self_test(1);
        printf("netserve: %s\n", fails ? "FAILED" : "all checks passed");
        return fails ? 1 : 0;
    }
}
