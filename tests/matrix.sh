#!/usr/bin/env bash
# tests/matrix.sh LOGDIR: every header compiled as C99/C11/C17 and C++11/17/20, with gcc and clang,
# under the strictest warnings, both as a declarations-only unit and as the implementation unit.
set -u
logdir=$1
work=${BUILD:-build}/matrix
mkdir -p "$logdir" "$work"
WARN="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror"

one() { # header compiler std
    local h=$1 cc=$2 std=$3 lang=c extra="" out=$work/$1-$2-$3 P
    P=$(echo "$h" | tr a-z A-Z)
    case $std in c++*) lang=c++; extra="-Wold-style-cast" ;; esac
    if ! command -v "$cc" >/dev/null; then echo "SKIP matrix/$h/$cc/$std: $cc not installed"; return; fi
    printf '#include "%s.h"\n#include "%s.h"\nint matrix_decls_only;\n' "$h" "$h" >"$out-decl.src"
    printf '#define %s_IMPLEMENTATION\n#include "%s.h"\n' "$P" "$h" >"$out-impl.src"
    if "$cc" -x $lang -std=$std $WARN $extra -I. -c "$out-decl.src" -o "$out-decl.o" >"$out.err" 2>&1 &&
        "$cc" -x $lang -std=$std $WARN $extra -I. -c "$out-impl.src" -o "$out-impl.o" >>"$out.err" 2>&1; then
        echo "PASS matrix/$h/$cc/$std"
    else
        echo "FAIL matrix/$h/$cc/$std"
        head -n 20 "$out.err" | sed 's/^/  /'
    fi
}
export -f one
export work WARN

jobs=()
for h in llcrc llq llmem llio llpmem llstat; do
    [ -f "$h.h" ] || { echo "SKIP matrix/$h: $h.h not present" >>"$logdir/matrix.log"; continue; }
    for cc in gcc clang; do for std in c99 c11 c17; do jobs+=("$h $cc $std"); done; done
    for cc in g++ clang++; do for std in c++11 c++17 c++20; do jobs+=("$h $cc $std"); done; done
done
[ ${#jobs[@]} -gt 0 ] && printf '%s\n' "${jobs[@]}" | xargs -P "$(nproc)" -L1 bash -c 'one $0 $1 $2' >>"$logdir/matrix.log"
grep -vE '^PASS ' "$logdir/matrix.log"
echo "matrix: $(grep -c '^PASS ' "$logdir/matrix.log") passed, $(grep -c '^FAIL ' "$logdir/matrix.log") failed"
