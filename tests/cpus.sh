#!/usr/bin/env bash
# tests/cpus.sh LOGDIR CPUID TEST... - the CPU ladder (make cpus).
#
# Each test program runs under `qemu-x86_64 -cpu MODEL` for every model below, so that each dispatch level
# of the headers runs as the only thing the CPU offers (not just as a forced path). The program sees
#   LLT_SCALE=0.05             (emulation is slow; the stress loops scale down)
#   LLT_CPU_MODEL=MODEL        (the qemu model name)
#   LLT_CPU_FEATURES=a,b,...   (what that model offers, among sse2,ssse3,sse4.2,pclmul,avx,avx2,bmi2,
#                              avx512f,avx512bw,avx512vl,vpclmul,clflushopt,clwb,movdir64b)
# and checks its header's detection and dispatch against them.
#
# The feature table is written out below and verified on every run: CPUID (tests/cpuid.c, built for the
# host) runs under each model and must print exactly the table's line; a model that disagrees (another
# qemu version, say) is a FAIL and its tests are not run on a wrong premise.
# Without qemu-x86_64, or on a host that is not x86-64, the ladder is skipped with the reason.
# tests/cpus.sh --exec MODEL PROGRAM...: run one program under the model (qemu's warnings about the
# features TCG cannot emulate are filtered out; everything else it prints is kept).
set -u
QEMU_X86=${QEMU_X86:-qemu-x86_64}
TCG_NOISE="TCG doesn't support requested feature"

if [ "${1:-}" = --exec ]; then
    model=$2; shift 2
    exec "$QEMU_X86" -cpu "$model" "$@" 2> >(grep -v "$TCG_NOISE" >&2)
fi

# model | features it offers under qemu's TCG (no AVX-512 is emulated: Skylake-Server loses it)
MODELS="qemu64 Nehalem Westmere Haswell Skylake-Server"
features_of() {
    case $1 in
    qemu64) echo "sse2" ;;
    Nehalem) echo "sse2,ssse3,sse4.2" ;;
    Westmere) echo "sse2,ssse3,sse4.2,pclmul" ;;
    Haswell) echo "sse2,ssse3,sse4.2,pclmul,avx,avx2,bmi2" ;;
    Skylake-Server) echo "sse2,ssse3,sse4.2,pclmul,avx,avx2,bmi2,clflushopt,clwb" ;;
    *) return 1 ;;
    esac
}

logdir=$1 cpuid=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
RUN=$here/run.sh
mkdir -p "$logdir"

if [ "$(uname -m)" != x86_64 ]; then
    "$RUN" skip "$logdir" cpus "the host is $(uname -m), not x86-64: the ladder runs x86-64 builds"
    exit 0
fi
if ! command -v "$QEMU_X86" >/dev/null 2>&1; then
    "$RUN" skip "$logdir" cpus "$QEMU_X86 not installed (Debian: qemu-user)"
    exit 0
fi

rung() { # model: verify the table, then every test program
    local model=$1 want got t name
    want=$(features_of "$model")
    got=$("$0" --exec "$model" "$cpuid" 2>"$logdir/$model-cpuid.err")
    if [ "$got" != "$want" ]; then
        {
            echo "FAIL cpus/$model/cpuid: qemu's $model offers \"$got\", the table in tests/cpus.sh says \"$want\""
            echo "  ($("$QEMU_X86" --version | head -n 1); fix the table if this qemu emulates another feature set)"
            sed 's/^/  /' "$logdir/$model-cpuid.err"
        } >"$logdir/$model-cpuid.log"
        for t in "${tests[@]}"; do
            echo "SKIP cpus/$model/$(basename "$t"): the model's features are not the table's" \
                >>"$logdir/$model-cpuid.log"
        done
        return
    fi
    echo "PASS cpus/$model/cpuid ($want)" >"$logdir/$model-cpuid.log"
    for t in "${tests[@]}"; do
        name=$(basename "$t")
        LLT_SCALE=0.05 LLT_CPU_MODEL=$model LLT_CPU_FEATURES=$want LLT_TIMEOUT=${LLT_TIMEOUT:-600} \
            "$RUN" run "$logdir" "$model-$name" "$0" --exec "$model" "$t" >/dev/null
    done
}

tests=("$@")
export -f rung features_of
export logdir cpuid RUN QEMU_X86
# two rungs at a time at most: the machine is shared, and each rung's tests are themselves threaded
jobs=$(nproc); [ "$jobs" -gt 2 ] && jobs=2
printf '%s\n' $MODELS | xargs -P "$jobs" -I{} bash -c 'tests=("${@:2}"); rung "$1"' "$0" {} "${tests[@]}"

# the console: per rung, what failed or was skipped, and the dispatch decisions the tests printed
for m in $MODELS; do
    echo "== $m: $(features_of "$m")"
    for f in "$logdir/$m"-*.log; do
        [ -e "$f" ] || continue
        if grep -q '^FAIL ' "$f"; then tail -n 40 "$f"
        else grep -E '^(SKIP|FAIL) ' "$f"; fi
        grep -iE '^ +.*(path|dispatch|selected|flush|auto:)' "$f" | sed "s|^ *|  $(basename "$f" .log): |" | head -n 6
    done
done
