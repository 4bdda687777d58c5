#!/usr/bin/env bash
# bench/llmem_fastpath.sh [REV] - what an alloc+free pair costs in instructions, not in time: the hot loops of
# bench/llmem_fastpath.c built against llmem.h of git revision REV (default 401fe39, the last version whose
# thread cache had one magazine for allocations and frees) and against the working tree's llmem.h.
# Counts carry from one CPU to another where times do not, so this is the evidence for CPUs that cannot be
# measured here. Per pair, for each API:
#   - objdump: instructions, loads, stores, branches on the fast path (the loop body from its head to the
#     back edge; gcc places the slow paths out of line), built with -O3 -march=$MARCH (default
#     sapphirerapids: the code -march=native gives on the Intel Xeon family 6 model 167);
#   - cachegrind (when valgrind is installed): the same counted while running, with the slow paths
#     amortised (built -march=x86-64-v3: valgrind has no AVX-512);
#   - llvm-mca (when installed): cycles per pair for the loop on the $MCA_CPUS models. llvm-mca models the
#     pipeline but not store-to-load forwarding, so it is a lower bound; the memory dependences are listed
#     in docs/llmem.md.
set -eu
cd "$(dirname "$0")/.."
rev=${1:-401fe39}
march=${MARCH:-sapphirerapids}
mca_cpus=${MCA_CPUS:-sapphirerapids znver3}
out=${BUILD:-build}/fastpath
mkdir -p "$out"
git show "$rev:llmem.h" >"$out/llmem_before.h"
cp llmem.h "$out/llmem_after.h"
cp bench/llmem_fastpath.c "$out/"
for v in before after; do
    gcc -std=gnu11 -O3 -march="$march" -pthread -DLLMEM_HEADER="\"llmem_$v.h\"" "$out/llmem_fastpath.c" -o "$out/fp_$v"
    gcc -std=gnu11 -O3 -march=x86-64-v3 -pthread -DLLMEM_HEADER="\"llmem_$v.h\"" "$out/llmem_fastpath.c" -o "$out/fpv_$v"
done

# the loop body of FUNC: from the target of its first backward conditional jump to that jump
loop_body() {
    objdump -d --no-show-raw-insn -M intel "$1" | awk -v f="<$2>:" '
        function hex(s,   i, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
        $0 ~ f { on = 1; next }
        on && /^$/ { exit }
        on && /^ *[0-9a-f]+:/ { a = $1; sub(":", "", a); line[++n] = $0; addr[n] = hex(a) }
        END {
            for (i = 1; i <= n; i++) {
                if (line[i] !~ /\tj[a-z]+ +[0-9a-f]+ </ || line[i] ~ /\tjmp /) continue
                split(line[i], w, /[ \t]+/); t = hex(w[4])
                if (t < addr[i]) { for (j = 1; j <= i; j++) if (addr[j] >= t) print line[j]; exit }
            }
        }' | sed -E 's/^ *[0-9a-f]+:\t//; s/ *<[^>]*>//'
}
static_counts() { # instructions loads stores branches
    awk '{ op = $1; $1 = ""; args = $0; n++
           if (op ~ /^j/) { b++; next }
           k = split(args, a, ","); dst = a[1]
           if (op == "mov" && dst ~ /PTR/) { s++; next }
           if (op != "lea" && args ~ /PTR/) l++
           if (op ~ /^(add|sub|inc|dec|or|and|xor)$/ && dst ~ /PTR/) s++ }
         END { printf "%d %d %d %d\n", n, l, s, b }'
}
mca_cycles() { # cycles per iteration of the loop body on CPU $2
    { echo ".intel_syntax noprefix"; echo "top:"
      sed -E 's/fs:0xf{8}([0-9a-f]{8})/fs:[OFS\1]/; s/^(j[a-z]+) +[0-9a-f]+$/\1 top/' "$1" |
        awk 'function hex(s,   i, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
             { if (match($0, /OFS[0-9a-f]+/)) { h = substr($0, RSTART + 3, RLENGTH - 3)
               $0 = substr($0, 1, RSTART - 1) (hex(h) - 4294967296) substr($0, RSTART + RLENGTH) } print }'
    } >"$1.s"
    llvm-mca -mcpu="$2" -iterations=1000 "$1.s" 2>/dev/null | awk '/Total Cycles:/ { printf "%.1f", $3 / 1000 }'
}
cg_counts() { # per pair from two run lengths: instructions loads stores branches mispredicts
    local a b
    a=$(valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes --cachegrind-out-file=/dev/null "$1" "$2" 1000000 2>&1 |
        tr -d , | awk '/I *refs:/ { i = $4 } /D *refs:/ { r = $5; w = $8 } /Branches:/ { b = $3 } /Mispredicts:/ { m = $3 }
                       END { print i, substr(r, 2), w, b, m }')
    b=$(valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes --cachegrind-out-file=/dev/null "$1" "$2" 3000000 2>&1 |
        tr -d , | awk '/I *refs:/ { i = $4 } /D *refs:/ { r = $5; w = $8 } /Branches:/ { b = $3 } /Mispredicts:/ { m = $3 }
                       END { print i, substr(r, 2), w, b, m }')
    echo "$a $b" | awk '{ printf "%.1f / %.1f / %.1f / %.1f / %.2f", ($6-$1)/2e6, ($7-$2)/2e6, ($8-$3)/2e6, ($9-$4)/2e6, ($10-$5)/2e6 }'
}

echo "fast path of one alloc+free pair, llmem.h at $rev (before) and the working tree (after); gcc $(gcc -dumpversion)"
echo
printf '| API | version | objdump -march=%s: instr / loads / stores / branches |' "$march"
command -v valgrind >/dev/null && printf ' cachegrind: instr / loads / stores / branches / mispredicts |'
for c in $mca_cpus; do command -v llvm-mca >/dev/null && printf ' llvm-mca %s cycles |' "$c"; done
echo
printf '|:---|:---|---:|'; command -v valgrind >/dev/null && printf -- '---:|'
for c in $mca_cpus; do command -v llvm-mca >/dev/null && printf -- '---:|'; done; echo
names=("llmem_sc_alloc + llmem_sc_free" "llmem_sc_alloc + llmem_sc_free_sized" "llmem_pool_alloc + llmem_pool_free"
       "llmem_cache_alloc + llmem_cache_free")
funcs=(fp_sc fp_sc_sized fp_pool fp_cache)
for i in 0 1 2 3; do
    for v in before after; do
        loop_body "$out/fp_$v" "${funcs[$i]}" >"$out/${funcs[$i]}_$v.txt"
        printf '| %s | %s | %s |' "${names[$i]}" "$v" "$(static_counts <"$out/${funcs[$i]}_$v.txt" | tr ' ' '/' | sed 's#/# / #g')"
        command -v valgrind >/dev/null && printf ' %s |' "$(cg_counts "$out/fpv_$v" $i)"
        for c in $mca_cpus; do command -v llvm-mca >/dev/null && printf ' %s |' "$(mca_cycles "$out/${funcs[$i]}_$v.txt" "$c")"; done
        echo
    done
done
echo
echo "loop bodies: $out/fp_*_{before,after}.txt (the loop's own increment, compare and branch are included)"
