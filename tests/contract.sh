#!/usr/bin/env bash
# tests/contract.sh LOGDIR [HEADER...]: checks each ll header against docs/contract.md.
#   - the doc block: identity line, second line, section order, every option tagged with where it is set,
#     and the EXAMPLE section compiled as C99 and C++11 under -Wall -Wextra -Wpedantic -Werror and run;
#   - the prelude, the end of the declarations part and the frame of the implementation section, byte for
#     byte against the contract once the prefix and the version numbers are normalised;
#   - error codes against the contract's table; llx_strerror and llx_version declared; every public
#     definition marked LLXDEF; no cast macros; no unprefixed macro; the shared helpers identical.
# tests/contract.sh --self-test LOGDIR: plants one deviation at a time into a copy of a header and checks
# that the checks above catch each of them.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
contract=$here/docs/contract.md
work=${BUILD:-build}/contract
mkdir -p "$work"
CC=${CC_CONTRACT:-gcc}
CXX=${CXX_CONTRACT:-g++}

# the fenced ```c block that follows the heading line matching $1 in docs/contract.md
contract_block() {
    awk -v head="$1" '
        index($0, head) == 1 { found = 1; next }
        found && /^```c$/ { inblock = 1; next }
        inblock && /^```$/ { exit }
        inblock { print }' "$contract"
}

# prefix normalisation: llq_/LLQ_ -> llx_/LLX_, version digits -> N
normalise() { # prefix(lower) file
    local p=$1 P
    P=$(echo "$1" | tr a-z A-Z)
    sed -e "s/\b${P}DEF\b/LLXDEF/g" -e "s/\b${P}_/LLX_/g" -e "s/\b${p}_/llx_/g" -e "s/\b${P}_H\b/LLX_H/g" \
        -e "s/\"${p}\.h: /\"llx.h: /g" \
        -e 's/^\(#define LLX_VERSION_[A-Z]*\) [0-9][0-9]*$/\1 N/' \
        -e 's/^\(#define LLX_VERSION_STRING\) "[0-9.]*"$/\1 "N"/' "$2"
}

errs=()
fail() { errs+=("$1"); }

check_header() { # path-to-header prefix
    local f p=$2 P n line
    f=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    P=$(echo "$p" | tr a-z A-Z)
    errs=()
    local norm=$work/$p.norm
    normalise "$p" "$f" >"$norm"

    # ---- doc block ----
    local doc_end
    doc_end=$(grep -n '^\*/$' "$f" | head -n1 | cut -d: -f1)
    [ -n "$doc_end" ] || { fail "no doc block"; return; }
    line=$(sed -n 1p "$f")
    local ver
    ver=$(echo "$line" | sed -n "s|^/\* $p\.h - .* v\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)\$|\1|p")
    [ -n "$ver" ] || fail "line 1 is not '/* $p.h - <what it is> vX.Y.Z': $line"
    line=$(sed -n 2p "$f")
    [ "$line" = "   Part of the ll toolkit: one STB-style header for C99/C++11. MIT or public domain (end of file)." ] ||
        fail "line 2 is not the contract's second line: $line"
    local heads
    heads=$(sed -n "3,${doc_end}p" "$f" | grep -E '^   [A-Z][A-Z]+( .*)?$' | awk '{print $1}' | tr '\n' ' ')
    case "$heads" in
    "WHAT EXAMPLE OPTIONS API "*) ;;
    *) fail "doc sections must start WHAT, EXAMPLE, OPTIONS, API; found: $heads" ;;
    esac
    # options: each entry (a line indented 5 that starts with LL) with its continuation lines has a tag
    sed -n "3,${doc_end}p" "$f" | awk -v P="$P" '
        /^   [A-Z][A-Z]+( .*)?$/ { sec = $1; next }
        sec != "OPTIONS" { next }
        /^     LL[A-Z0-9_]*/ { if (name != "") out(); name = $1; text = $0; k++; order[k] = name; next }
        { text = text " " $0 }
        function out() {
            if (text !~ /\[(one|every|any) unit\]/) print "option " name " does not say where it is set ([one unit], [every unit] or [any unit])"
        }
        END {
            if (name != "") out()
            if (order[1] != P "_IMPLEMENTATION" || order[2] != P "_STATIC")
                print "OPTIONS must start with " P "_IMPLEMENTATION then " P "_STATIC (found " order[1] ", " order[2] ")"
        }' >"$work/$p.opts"
    while IFS= read -r line; do fail "$line"; done <"$work/$p.opts"
    # example: compiled as printed, C99 and C++11, and run
    sed -n "3,${doc_end}p" "$f" | awk '
        /^   [A-Z][A-Z]+( .*)?$/ { sec = $1; next }
        sec == "EXAMPLE" { sub(/^     /, ""); print }' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$work/$p.example.c"
    sed -i '/./,$!d' "$work/$p.example.c"
    n=$(wc -l <"$work/$p.example.c")
    if [ "$n" -lt 8 ] || [ "$n" -gt 15 ]; then fail "EXAMPLE has $n lines (8 to 15)"; fi
    local libs="-pthread -lm"
    if ! (cd "$work" && $CC -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$(dirname "$f")" "$p.example.c" -o "$p.example" $libs) \
        >"$work/$p.example.err" 2>&1; then
        fail "EXAMPLE does not compile as C99: $(head -n 3 "$work/$p.example.err" | tr '\n' ' ')"
    elif ! (cd "$work" && timeout 20 "./$p.example") >"$work/$p.example.out" 2>&1; then
        fail "EXAMPLE (C99) did not exit 0: $(head -n 3 "$work/$p.example.out" | tr '\n' ' ')"
    fi
    if command -v "$CXX" >/dev/null 2>&1; then
        if ! (cd "$work" && $CXX -x c++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$(dirname "$f")" "$p.example.c" \
            -o "$p.example_cxx" $libs) >"$work/$p.example_cxx.err" 2>&1; then
            fail "EXAMPLE does not compile as C++11: $(head -n 3 "$work/$p.example_cxx.err" | tr '\n' ' ')"
        fi
    else
        example_cxx_skipped=1
    fi

    # ---- prelude: the lines after the doc block, up to the pragma block that ends it ----
    contract_block "## 3. The prelude" | normalise llx /dev/stdin >"$work/prelude.want"
    n=$(wc -l <"$work/prelude.want")
    sed -n "$((doc_end + 1)),\$p" "$norm" | sed '/./,$!d' | head -n "$n" >"$work/$p.prelude"
    if ! diff -u "$work/prelude.want" "$work/$p.prelude" >"$work/$p.prelude.diff"; then
        fail "prelude differs from docs/contract.md section 3: $(grep -E '^[-+][^-+]' "$work/$p.prelude.diff" | head -n 4 | tr '\n' ' ')"
    fi
    local mv nv pv sv
    mv=$(sed -n "s/^#define ${P}_VERSION_MAJOR \([0-9]*\)\$/\1/p" "$f")
    nv=$(sed -n "s/^#define ${P}_VERSION_MINOR \([0-9]*\)\$/\1/p" "$f")
    pv=$(sed -n "s/^#define ${P}_VERSION_PATCH \([0-9]*\)\$/\1/p" "$f")
    sv=$(sed -n "s/^#define ${P}_VERSION_STRING \"\([0-9.]*\)\"\$/\1/p" "$f")
    [ "$mv.$nv.$pv" = "$sv" ] && [ "$sv" = "$ver" ] || fail "version macros ($mv.$nv.$pv, \"$sv\") and identity line (v$ver) disagree"

    # ---- end of the declarations part ----
    printf '%s\n' '#ifdef __cplusplus' '}' '#endif' \
        '#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))' '#pragma GCC diagnostic pop' '#endif' \
        '#endif /* LLX_H */' >"$work/declend.want"
    n=$(grep -n '^#endif /\* LLX_H \*/$' "$norm" | head -n1 | cut -d: -f1)
    if [ -z "$n" ]; then fail "no '#endif /* ${P}_H */'"; else
        sed -n "$((n - 6)),${n}p" "$norm" >"$work/$p.declend"
        diff -q "$work/declend.want" "$work/$p.declend" >/dev/null ||
            fail "the declarations part does not end as the contract says (extern \"C\" close, pragma pop, #endif /* ${P}_H */)"
    fi

    # ---- implementation frame ----
    printf '%s\n' '#if defined(LLX_IMPLEMENTATION) && !defined(LLX_I_IMPLEMENTED)' '#define LLX_I_IMPLEMENTED' \
        '#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))' '#pragma GCC diagnostic push' \
        '#pragma GCC diagnostic ignored "-Wold-style-cast"' '#endif' >"$work/implopen.want"
    n=$(grep -n '^#if defined(LLX_IMPLEMENTATION) && !defined(LLX_I_IMPLEMENTED)$' "$norm" | head -n1 | cut -d: -f1)
    local impl_start=${n:-0}
    if [ -z "$n" ]; then fail "no implementation section opened as the contract says"; else
        sed -n "${n},$((n + 5))p" "$norm" | diff -q "$work/implopen.want" - >/dev/null ||
            fail "the implementation section does not open as the contract says"
        [ "$(grep -c 'LLX_I_IMPLEMENTED' "$norm")" -eq 2 ] || fail "LLX_I_IMPLEMENTED used outside the frame"
    fi
    printf '%s\n' '#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))' '#pragma GCC diagnostic pop' \
        '#endif' '#endif /* LLX_IMPLEMENTATION */' >"$work/implclose.want"
    n=$(grep -n '^#endif /\* LLX_IMPLEMENTATION \*/$' "$norm" | tail -n1 | cut -d: -f1)
    if [ -z "$n" ]; then fail "no '#endif /* ${P}_IMPLEMENTATION */'"; else
        sed -n "$((n - 3)),${n}p" "$norm" | diff -q "$work/implclose.want" - >/dev/null ||
            fail "the implementation section does not close as the contract says"
    fi
    # defaults of LLX_ASSERT (and LLX_MALLOC/LLX_FREE where the header has them)
    contract_block "The defaults, in the implementation section:" >"$work/defaults.want"
    sed -n '1,8p' "$work/defaults.want" >"$work/assert.want"
    sed -n '9,$p' "$work/defaults.want" | sed "s/\"llx\.h: /\"llx.h: /" >"$work/malloc.want"
    n=$(grep -n '^#ifndef LLX_ASSERT$' "$norm" | head -n1 | cut -d: -f1)
    if [ -z "$n" ]; then fail "no LLX_ASSERT default"; else
        sed -n "${n},$((n + 7))p" "$norm" | diff -q "$work/assert.want" - >/dev/null ||
            fail "${P}_ASSERT default differs from the contract (assert() hosted, nothing freestanding)"
        [ "$n" -gt "$impl_start" ] || fail "${P}_ASSERT default must be in the implementation section"
    fi
    if grep -q 'LLX_MALLOC' "$norm"; then
        n=$(grep -n '^#if defined(LLX_MALLOC) != defined(LLX_FREE)$' "$norm" | head -n1 | cut -d: -f1)
        if [ -z "$n" ]; then fail "${P}_MALLOC/${P}_FREE: no all-or-none check"; else
            sed -n "${n},$((n + $(wc -l <"$work/malloc.want") - 1))p" "$norm" | diff -q "$work/malloc.want" - >/dev/null ||
                fail "${P}_MALLOC/${P}_FREE defaults differ from the contract"
        fi
    fi

    # ---- error codes ----
    contract_block_table() { # the error table of section 6 as "NAME VALUE" lines
        awk '/^## 6\. Errors/ { on = 1 } /^## 7\./ { on = 0 } on && /^\| `E/' "$contract" |
            sed 's/|/ /g; s/`//g' | awk '{ for (i = 1; i + 1 <= NF; i += 2) print $i, $(i + 1) }'
    }
    contract_block_table >"$work/errors.want"
    grep -E "^#define ${P}_E[A-Z0-9]+ " "$f" | sed -E "s/^#define ${P}_(E[A-Z0-9]+) +\(?(-?[0-9]+)\)?.*/\1 \2/" |
        while read -r name val; do
            want=$(awk -v n="$name" '$1 == n { print $2 }' "$work/errors.want")
            if [ -z "$want" ]; then echo "error code ${P}_$name is not in the contract's table"
            elif [ "$want" != "$val" ]; then echo "error code ${P}_$name is $val, the contract says $want"; fi
        done >"$work/$p.errs"
    while IFS= read -r line; do fail "$line"; done <"$work/$p.errs"
    grep -qE "^#define ${P}_OK 0\$" "$f" || fail "no '#define ${P}_OK 0'"
    grep -qE "^${P}DEF const char \*${p}_strerror\(int [a-z]+\);" "$f" || fail "no '${P}DEF const char *${p}_strerror(int err);'"
    grep -qE "^${P}DEF const char \*${p}_version\(void\);" "$f" || fail "no '${P}DEF const char *${p}_version(void);'"

    # ---- every public definition marked LLXDEF (column-0 definitions in the implementation section) ----
    awk -v s="$impl_start" '
        NR > s && /^[A-Za-z_]/ && $0 ~ /[ *]llx_[a-z0-9_]*\(/ && $0 !~ /[ *]llx_i_/ &&
        $0 !~ /^(LLXDEF|static|LLX_INLINE|typedef|struct|enum|union|#)/ && $0 ~ /[)] *[{]? *$/ { print NR ": " $0 }' \
        "$norm" | head -n 5 >"$work/$p.def"
    while IFS= read -r line; do fail "public definition without ${P}DEF: $line"; done <"$work/$p.def"

    # ---- no cast macros, no unprefixed macros ----
    if grep -nE '\b[A-Z]+_I_(SCAST|RCAST|C)\(' "$f" | head -n 3 | grep -q .; then
        fail "cast macros are gone from the contract (plain C casts): $(grep -nE '\b[A-Z]+_I_(SCAST|RCAST|C)\(' "$f" | head -n 2 | tr '\n' ' ')"
    fi
    line=$(grep -oE '^#\s*define\s+[A-Za-z_][A-Za-z0-9_]*' "$f" | awk '{print $NF}' |
        grep -vE "^(${P}_|${p}_|${P}DEF$|_GNU_SOURCE$)" | sort -u | head -n 5 | tr '\n' ' ')
    [ -z "$line" ] || fail "macros without the prefix: $line"

    # ---- shared helpers: each copy equal to the contract's (section 9) ----
    local helper
    for helper in llx_cpu_relax llx_i_is_pow2 llx_i_now_ns; do
        helper_body "$helper" "$norm" >"$work/$p.$helper"
        [ -s "$work/$p.$helper" ] || continue
        contract_block "## 9. Helpers" | helper_body "$helper" /dev/stdin >"$work/$helper.want"
        diff -q "$work/$helper.want" "$work/$p.$helper" >/dev/null ||
            fail "helper ${helper/llx_/${p}_} differs from docs/contract.md section 9"
    done
}

helper_body() { # name file: the definition of helper name, from its first line to its closing brace
    awk -v h="$1" '
        !on && $0 ~ ("^LLX_INLINE [a-z0-9_]+ " h "\\(") { on = 1 }
        on { print }
        on && (/^}/ || /[)] [{] .*[}] *$/) { exit }' "$2"
}

report() { # label
    if [ ${#errs[@]} -eq 0 ]; then echo "PASS contract/$1"
    else
        echo "FAIL contract/$1 (${#errs[@]} deviation(s))"
        local e
        for e in "${errs[@]}"; do echo "  $e"; done
    fi
}

run_all() { # logdir headers...
    local logdir=$1; shift
    local log=$logdir/contract.log h p
    : >"$log"
    example_cxx_skipped=0
    for h in "$@"; do
        p=$(basename "$h" .h)
        check_header "$h" "$p"
        report "$p" >>"$log"
    done
    [ "$example_cxx_skipped" = 1 ] && echo "SKIP contract/examples-c++: $CXX not installed (C99 builds checked)" >>"$log"
    grep -vE '^PASS ' "$log"
    echo "contract: $(grep -c '^PASS ' "$log") passed, $(grep -c '^FAIL ' "$log") failed"
}

self_test() { # logdir: each planted deviation must be caught
    local logdir=$1 log=$1/contract-self.log src=llq
    : >"$log"
    local d=$work/planted
    mkdir -p "$d"
    plant() { # name expected-words sed-expression
        local name=$1 want=$2 expr=$3
        sed -e "$expr" "$here/$src.h" >"$d/$src.h"
        if cmp -s "$here/$src.h" "$d/$src.h"; then echo "FAIL contract-self/$name: the deviation could not be planted" >>"$log"; return; fi
        check_header "$d/$src.h" "$src" >/dev/null 2>&1
        if [ ${#errs[@]} -eq 0 ]; then echo "FAIL contract-self/$name: not caught" >>"$log"
        elif printf '%s\n' "${errs[@]}" | grep -qF "$want"; then echo "PASS contract-self/$name (caught: ${errs[0]:0:100})" >>"$log"
        else echo "FAIL contract-self/$name: caught for another reason than '$want': ${errs[0]}" >>"$log"; fi
    }
    check_header "$here/$src.h" "$src"
    if [ ${#errs[@]} -gt 0 ]; then echo "SKIP contract-self: $src.h does not pass the contract yet" >>"$log"; cat "$log"; return; fi
    # the umbrella mapping moved inside the include guard (what llio.h once did)
    plant umbrella_inside_guard 'prelude differs' '1,/^#ifndef LLQ_H$/{/^#if defined(LL_IMPLEMENTATION)/,/^#endif$/d}; /^#define LLQ_H$/a #if defined(LL_IMPLEMENTATION) \&\& !defined(LLQ_IMPLEMENTATION)\n#define LLQ_IMPLEMENTATION\n#endif'
    plant assert_default_nothing 'ASSERT default' 's/^#define LLQ_ASSERT(x) assert(x)$/#define LLQ_ASSERT(x) ((void)0)/'
    plant static_without_implementation 'prelude differs' '/^#define LLQ_IMPLEMENTATION \/\* static functions/d'
    plant definition_without_def 'without LLQDEF' '0,/^LLQDEF const char \*llq_strerror(int err) {$/s//const char *llq_strerror(int err) {/'
    plant cast_macro 'cast macros' '/^LLQDEF const char \*llq_version(void) {/i #define LLQ_I_RCAST(T, x) ((T)(x))'
    plant wrong_error_value 'the contract says -22' 's/^#define LLQ_EINVAL (-22)/#define LLQ_EINVAL (-21)/'
    plant private_likely 'prelude differs' 's/^#define LLQ_LIKELY(x) __builtin_expect(!!(x), 1)$/#define LLQ_LIKELY(x) __builtin_expect((x), 1)/'
    plant unprefixed_macro 'without the prefix: QUEUE_MAX' '/^#ifndef LLQ_SPIN_COUNT$/i #define QUEUE_MAX 64'
    plant example_broken 'EXAMPLE does not compile' '0,/^     int main(void) {$/s//     int main(void) { undeclared_call();/'
    plant version_mismatch 'disagree' 's/^#define LLQ_VERSION_PATCH \([0-9]*\)$/#define LLQ_VERSION_PATCH 9\1/'
    cat "$log"
}

if [ "${1:-}" = "--self-test" ]; then
    shift
    mkdir -p "$1"
    self_test "$1"
else
    logdir=$1; shift
    mkdir -p "$logdir"
    if [ $# -eq 0 ]; then
        set --
        for h in llcrc llq llmem llio llpmem llstat; do [ -f "$here/$h.h" ] && set -- "$@" "$here/$h.h"; done
    fi
    run_all "$logdir" "$@"
fi
