#!/usr/bin/env bash
# bench/bench_net.sh BUILD: `make bench BENCH=net`. Servers on loopback, each started here, awaited,
# bounded in time and stopped by PID; server pinned to CPU 1, clients to CPU 0:
#   - sockperf ping-pong (64 B, UDP and TCP): p50/p99/p99.9 against `sockperf server`, the epoll loop
#     of examples/netserve.c (--epoll), and netserve's llio loop sleeping in llio_wait and polling its CQ;
#   - redis-benchmark -t ping,set,get at 50 and 1,000 connections, -P 1 and -P 16, against redis-server
#     (persistence off), the epoll loop and the llio loop: requests/s, p99, and server CPU time per
#     request (utime+stime from /proc/PID/stat over the same requests);
#     The last two servers answer every command "+OK" unparsed (netserve --cheap): polling, what
#     redis-benchmark itself can drive, so that a ratio capped by the client shows as such; sleeping,
#     the CPU per request no server built this way can go below (the kernel's share);
#   - 10,000 idle connections held by `netserve idle` plus sockperf on one more: memory per idle
#     connection (VmRSS) and the active connection's p99.
# Missing tools (sockperf, redis-server, redis-benchmark) are reported and their rows skipped.
set -u
build=${1:-build}
ns=$build/examples/netserve
secs=${NET_BENCH_SECONDS:-3}
nreq=${NET_BENCH_REQUESTS:-100000}
if [ -n "${LLB_QUICK:-}" ]; then secs=1; nreq=20000; fi
work=$build/bench-net
mkdir -p "$work"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
tick=$(getconf CLK_TCK)
EP=21111 RP=26380 RSP=26381 SP=21112

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
fam=$(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')
mod=$(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')
echo "## net: netserve (llio) against sockperf server, redis-server and an epoll loop"
echo
echo "CPU: $cpu (family $fam model $mod), $(nproc) CPUs, kernel $(uname -r); server on CPU 1, client on CPU 0;"
echo "loopback; $(date -u +%Y-%m-%d); sockperf $secs s per row, redis-benchmark $nreq requests per test."
echo
have() { command -v "$1" >/dev/null 2>&1; }
missing=""
have sockperf || missing="$missing sockperf"
have redis-benchmark || missing="$missing redis-benchmark(redis-tools)"
have redis-server || missing="$missing redis-server"
[ -n "$missing" ] && echo "skipped rows: not installed:$missing (apt-get install sockperf redis-server redis-tools)" && echo

SPID=""
stop_server() {
    [ -n "$SPID" ] || return 0
    kill -TERM "$SPID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=""
}
trap 'stop_server; [ -n "${IPID:-}" ] && kill -KILL "$IPID" 2>/dev/null' EXIT
# start_server LOG CMD...: pinned to CPU 1, bounded by timeout; SPID
start_server() {
    local log=$1; shift
    taskset -c 1 timeout 600 "$@" >"$log" 2>&1 &
    SPID=$!
}
# wait_listen tcp|udp PORT: until the port is bound (5 s); without ss (iproute2), a TCP connect, and for
# UDP the server's bound sockets in /proc/net/udp
wait_listen() {
    local i hex
    hex=$(printf '%04X' "$2")
    for i in $(seq 100); do
        if command -v ss >/dev/null 2>&1; then
            if [ "$1" = tcp ]; then ss -Hlnt "sport = :$2" 2>/dev/null | grep -q . && return 0
            else ss -Hlnu "sport = :$2" 2>/dev/null | grep -q . && return 0; fi
        elif [ "$1" = tcp ]; then
            (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
        else
            awk -v h=":$hex" '$2 ~ h "$" { f = 1 } END { exit !f }' /proc/net/udp && return 0
        fi
        kill -0 "$SPID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
# the timeout wrapper's child is the server: its PID for /proc
server_pid() { pgrep -P "$SPID" | head -n1; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# sockperf_row LABEL PROTO PORT: one table row
sockperf_row() {
    local label=$1 proto=$2 port=$3 out pid t0 t1 w0 w1 p50 p99 p999
    pid=$(server_pid)
    t0=$(ticks "$pid")
    w0=$(date +%s%N)
    out=$(taskset -c 0 timeout $((secs + 30)) sockperf ping-pong -i 127.0.0.1 -p "$port" -m 64 -t "$secs" \
        $([ "$proto" = tcp ] && echo --tcp) 2>&1)
    t1=$(ticks "$pid")
    w1=$(date +%s%N)
    p50=$(echo "$out" | awk '/percentile 50.000/ {print $NF}')
    p99=$(echo "$out" | awk '/percentile 99.000/ {print $NF}')
    p999=$(echo "$out" | awk '/percentile 99.900/ {print $NF}')
    if [ -z "$p50" ]; then echo "| $label | $proto | failed | | | |"; return; fi
    # server CPU time over the client's whole run (warm-up included), as a share of one CPU
    awk -v l="$label" -v pr="$proto" -v a="$p50" -v b="$p99" -v c="$p999" -v t="$((t1 - t0))" -v k="$tick" \
        -v w="$((w1 - w0))" 'BEGIN { printf("| %s | %s | %s | %s | %s | %.0f %% |\n", l, pr, a, b, c, t * 100 / k / (w / 1e9)) }'
    echo "$label|$proto|$p50|$p99|$p999" >>"$work/sockperf.txt"
}

# ---------------------------------------------------------------- sockperf ping-pong
: >"$work/sockperf.txt"
if have sockperf; then
    echo "### sockperf ping-pong, 64-byte messages (usec)"
    echo
    echo "| server | proto | p50 | p99 | p99.9 | server CPU |"
    echo "|:---|:---|---:|---:|---:|---:|"
    for proto in udp tcp; do
        start_server "$work/sockperf-server.log" sockperf server -i 127.0.0.1 -p "$SP" $([ $proto = tcp ] && echo --tcp)
        if wait_listen $proto "$SP"; then sockperf_row "sockperf server" $proto "$SP"; else echo "| sockperf server | $proto | did not start | | | |"; fi
        stop_server
        for mode in epoll llio llio-poll; do
            case $mode in
            epoll) args="--epoll"; label="epoll loop (netserve --epoll)" ;;
            llio) args=""; label="netserve llio, sleeping" ;;
            llio-poll) args="--poll"; label="netserve llio, polling the CQ" ;;
            esac
            start_server "$work/netserve-$mode.log" "$ns" serve --echo-port "$EP" --resp-port "$RP" $args
            if wait_listen tcp "$RP"; then sockperf_row "$label" $proto "$EP"; else echo "| $label | $proto | did not start | | | |"; fi
            stop_server
        done
    done
    echo
    awk -F'|' '
        $1 == "sockperf server" { s50[$2] = $3; s99[$2] = $4 }
        $1 ~ /^epoll loop/ { e50[$2] = $3; e99[$2] = $4 }
        $1 ~ /^netserve llio/ { k = $1 "|" $2; n50[k] = $3; n99[k] = $4; pr[k] = $2; lb[k] = $1 }
        END {
            for (k in n50) if (s50[pr[k]] > 0 && e50[pr[k]] > 0)
                printf("- %s, %s: p50 %.2fx and p99 %.2fx sockperf server; p50 %.2fx and p99 %.2fx the epoll loop\n",
                       pr[k], lb[k], n50[k] / s50[pr[k]], n99[k] / s99[pr[k]], n50[k] / e50[pr[k]], n99[k] / e99[pr[k]])
        }' "$work/sockperf.txt" | sort
    echo
fi

# ---------------------------------------------------------------- redis-benchmark
# redis_rows LABEL PORT: 4 configurations x ping,set,get
redis_rows() {
    local label=$1 port=$2 c p out pid t0 t1 n
    pid=$(server_pid)
    for c in 50 1000; do
        for p in 1 16; do
            n=$nreq
            [ "$p" = 16 ] && n=$((nreq * 5))
            t0=$(ticks "$pid")
            out=$(taskset -c 0 timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -t ping,set,get -c "$c" -P "$p" \
                -n "$n" --csv 2>/dev/null)
            t1=$(ticks "$pid")
            # PING_INLINE, PING_MBULK, SET, GET: 4 tests of n requests each
            echo "$out" | awk -F'","' -v label="$label" -v c="$c" -v p="$p" -v cpu="$((t1 - t0))" -v tick="$tick" -v n="$n" '
                NR > 1 { gsub(/"/, "", $1); gsub(/"/, "", $NF);
                         printf("| %s | %s | %s | %s | %.0f | %s | %.2f |\n", label, $1, c, p, $2, $7,
                                cpu / tick * 1e6 / (4 * n)) }'
            echo "$out" | awk -F'","' -v label="$label" -v c="$c" -v p="$p" -v cpu="$((t1 - t0))" -v tick="$tick" -v n="$n" '
                NR > 1 { gsub(/"/, "", $1); print label "|" $1 "|" c "|" p "|" $2 "|" $7 "|" cpu / tick * 1e6 / (4 * n) }' \
                >>"$work/redis.txt"
        done
    done
}
: >"$work/redis.txt"
if have redis-benchmark; then
    echo "### redis-benchmark -t ping,set,get (requests/s, p99 ms, server CPU us per request over the 4 tests)"
    echo
    echo "| server | test | conns | pipeline | req/s | p99 ms | CPU us/req |"
    echo "|:---|:---|---:|---:|---:|---:|---:|"
    if have redis-server; then
        start_server "$work/redis.log" redis-server --port "$RSP" --bind 127.0.0.1 --save "" --appendonly no \
            --maxclients 20000 --protected-mode no --daemonize no
        if wait_listen tcp "$RSP"; then redis_rows "redis-server $(redis-server --version | sed 's/.*v=\([0-9.]*\).*/\1/')" "$RSP"
        else echo "| redis-server | did not start | | | | | |"; fi
        stop_server
    fi
    for mode in epoll llio llio-poll cheap floor; do
        case $mode in
        epoll) args="--epoll"; label="epoll loop" ;;
        llio) args=""; label="netserve llio" ;;
        llio-poll) args="--poll"; label="netserve llio polling" ;;
        cheap) args="--poll --cheap"; label="client ceiling (+OK unparsed)" ;;
        floor) args="--cheap"; label="CPU floor (+OK unparsed, sleeping)" ;;
        esac
        start_server "$work/netserve-$mode.log" "$ns" serve --echo-port "$EP" --resp-port "$RP" $args
        if wait_listen tcp "$RP"; then redis_rows "$label" "$RP"; else echo "| $label | did not start | | | | | |"; fi
        stop_server
    done
    echo
    awk -F'|' '
        $1 ~ /^redis-server/ { r[$2 "|" $3 "|" $4] = $5; rc[$2 "|" $3 "|" $4] = $7; rp[$2 "|" $3 "|" $4] = $6 }
        $1 == "netserve llio" { n[$2 "|" $3 "|" $4] = $5; nc[$2 "|" $3 "|" $4] = $7; np[$2 "|" $3 "|" $4] = $6 }
        $1 ~ /^CPU floor/ { f[$2 "|" $3 "|" $4] = $7 }
        $1 ~ /^client ceiling/ { cl[$2 "|" $3 "|" $4] = $5 }
        END {
            for (k in n) if (r[k] > 0 && rc[k] > 0)
                printf("- %s: netserve llio / redis-server: requests/s %.2fx (client ceiling %.2fx), CPU per request %.2fx (floor %.2fx), p99 %s vs %s ms\n",
                       k, n[k] / r[k], cl[k] / r[k], nc[k] / rc[k], f[k] / rc[k], np[k], rp[k])
        }' "$work/redis.txt" | sort
    echo
    echo "(client ceiling: the same redis-benchmark against a polling loop that answers +OK unparsed; CPU floor: that"
    echo "loop sleeping in the kernel like netserve llio, so its CPU per request is the kernel's TCP and io_uring work"
    echo "that any server on this loop pays; both as ratios to redis-server)"
    echo
fi

# ---------------------------------------------------------------- 10,000 idle connections
idle_row() { # LABEL PORT-for-idle ECHO-PORT-or-empty
    local label=$1 port=$2 echo_port=$3 pid r0 r1 held out p99
    pid=$(server_pid)
    r0=$(rss_kib "$pid")
    taskset -c 0 timeout 120 "$ns" idle 10000 "$port" $((secs + 8)) >"$work/idle.log" 2>&1 &
    IPID=$!
    for _ in $(seq 200); do grep -q 'connections held' "$work/idle.log" && break; sleep 0.05; done
    held=$(awk '/connections held/ {print $2}' "$work/idle.log")
    sleep 0.5
    r1=$(rss_kib "$pid")
    p99="n/a"
    if [ -n "$echo_port" ] && have sockperf; then
        out=$(taskset -c 0 timeout $((secs + 30)) sockperf ping-pong -i 127.0.0.1 -p "$echo_port" -m 64 -t "$secs" --tcp 2>&1)
        p99=$(echo "$out" | awk '/percentile 99.000/ {print $NF}')
    fi
    kill -TERM "$IPID" 2>/dev/null
    wait "$IPID" 2>/dev/null
    IPID=""
    awk -v l="$label" -v h="${held:-0}" -v a="$r0" -v b="$r1" -v p="$p99" \
        'BEGIN { printf("| %s | %s | %s | %s | %.0f | %s |\n", l, h, a, b, h > 0 ? (b - a) * 1024 / h : 0, p) }'
}
echo "### 10,000 idle connections (+ sockperf TCP ping-pong on one more)"
echo
echo "| server | idle conns | RSS before KiB | RSS with them KiB | bytes per idle conn | active p99 usec |"
echo "|:---|---:|---:|---:|---:|---:|"
for mode in llio epoll; do
    args=""; label="netserve llio"
    [ $mode = epoll ] && args="--epoll" && label="epoll loop"
    start_server "$work/netserve-idle-$mode.log" "$ns" serve --echo-port "$EP" --resp-port "$RP" $args
    if wait_listen tcp "$RP"; then idle_row "$label" "$RP" "$EP"; else echo "| $label | did not start | | | | |"; fi
    stop_server
done
if have redis-server; then
    start_server "$work/redis-idle.log" redis-server --port "$RSP" --bind 127.0.0.1 --save "" --appendonly no \
        --maxclients 20000 --protected-mode no --daemonize no
    if wait_listen tcp "$RSP"; then idle_row "redis-server" "$RSP" ""; fi
    stop_server
fi
echo
echo "Kernel socket memory is not in RSS; the figure is what the server process itself keeps per connection."
