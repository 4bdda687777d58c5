#!/usr/bin/env bash
# tests/snippets.sh LOGDIR [FILE.md...] - the documentation's programs compile and run (make test).
#
# Every fenced code block of README.md and docs/*.md (or the files given) that is a complete program -
# it has `int main` and its fence says c, cpp, c++ or nothing - is extracted as printed and
#   - compiled as C99  (gcc -std=c99   -Wall -Wextra -Wpedantic -Werror -I<repo> -pthread) and run,
#   - compiled as C++11 (g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -I<repo> -pthread) and run
# (<ll/x.h>, the spelling of an installed copy, resolves as well)
# (a block fenced cpp/c++ only as C++11). Each build must exit 0 within 60 s, run from a scratch
# directory under build/. A block that is not a program (a fragment, a shell line) is not compiled.
# A failure names the file and the line of the block's first code line: "FAIL snippets/docs/llq.md:9/c99".
#
# One directive, an HTML comment on the line just before the opening fence, changes how a block is used:
#   <!-- snippet: compile-only (why) -->      compile, do not run (needs hardware, runs forever, ...)
#   <!-- snippet: ldflags -luring -->         extra link flags, after the program
# Without g++ the C++11 builds are skipped with the reason.
#
# tests/snippets.sh --self-test LOGDIR: runs the checks above on a planted page (a fragment, a shell line, a
# program that fails -Werror, one that exits 3, a compile-only loop, a C++ block) and checks each verdict.
set -u
cd "$(dirname "$0")/.." || exit 1

self_test() {
    local logdir=$1 self=${BUILD:-build}/snippets-self fence='```' got want p
    rm -rf "$self" && mkdir -p "$self/logs" "$logdir"
    {
        echo "# planted"
        echo "${fence}c"
        echo '#include "llcrc.h"'
        echo 'int fragment_not_a_program = 1;'
        echo "$fence"
        echo
        echo "${fence}sh"
        echo 'echo "int main(void) in a shell block"'
        echo "$fence"
        echo
        echo "${fence}c"
        echo '#include <stdio.h>'
        echo 'int main(void) {'
        echo '    int unused;'
        echo '    return 0;'
        echo '}'
        echo "$fence"
        echo
        echo "${fence}c"
        echo '#include <stdio.h>'
        echo 'int main(void) { printf("exit 3\n"); return 3; }'
        echo "$fence"
        echo
        echo '<!-- snippet: compile-only (loops forever) -->'
        echo "${fence}c"
        echo 'int main(void) { for (;;) {} }'
        echo "$fence"
        echo
        echo "${fence}cpp"
        echo '#include <vector>'
        echo 'int main() { std::vector<int> v(3); return (int)v.size() - 3; }'
        echo "$fence"
    } >"$self/planted.md"
    BUILD=$self "$0" "$self/logs" "$self/planted.md" >/dev/null
    got=$(grep -E '^(PASS|FAIL|SKIP) ' "$self/logs/snippets.log" | awk '{ print $1, $2 }' | sed 's/:$//' | sort)
    p=snippets/$self/planted.md
    if command -v "${CXX:-g++}" >/dev/null 2>&1; then
        want=$(printf '%s\n' "FAIL $p:12/c99" "FAIL $p:12/c++11" "FAIL $p:20/c99" "FAIL $p:20/c++11" \
            "PASS $p:26/c99" "PASS $p:26/c++11" "PASS $p:30/c++11" | sort)
    else
        want=$(printf '%s\n' "FAIL $p:12/c99" "SKIP $p:12/c++11" "FAIL $p:20/c99" "SKIP $p:20/c++11" \
            "PASS $p:26/c99" "SKIP $p:26/c++11" "SKIP $p:30/c++11" | sort)
    fi
    if [ "$got" = "$want" ]; then
        echo "PASS snippets-self/planted-page (fragment and shell block not built; -Werror, exit status," \
            "compile-only and C++-only verdicts as planted)" >"$logdir/snippets-self.log"
    else
        { echo "FAIL snippets-self/planted-page: verdicts differ from the planted ones (< wanted, > got)"
          diff <(echo "$want") <(echo "$got") | sed 's/^/  /'; } >"$logdir/snippets-self.log"
    fi
    cat "$logdir/snippets-self.log"
}
if [ "${1:-}" = --self-test ]; then
    self_test "$2"
    exit 0
fi
logdir=$1; shift
root=$(pwd)
BUILD=${BUILD:-build}
CC=${CC:-gcc}
CXX=${CXX:-g++}
w=$root/$BUILD/snippets
log=$logdir/snippets.log
mkdir -p "$logdir"
rm -rf "$w"
mkdir -p "$w/run" "$w/include/ll"
: >"$log"
# the installed spelling <ll/x.h> resolves too, as after make install (docs/install.md)
for h in "$root"/ll*.h; do [ -e "$h" ] && ln -s "$h" "$w/include/ll/"; done
if [ $# -eq 0 ]; then set -- README.md docs/*.md; fi

# index lines: "<out file>\t<md file>\t<line>\t<lang>\t<directive>" for each program block
for md in "$@"; do
    [ -f "$md" ] || continue
    awk -v md="$md" -v out="$w" '
        function flush_block(  f, tag) {
            if (!is_prog || !(lang == "" || lang == "c" || lang == "cpp" || lang == "c++")) return
            tag = md; gsub(/[^A-Za-z0-9]+/, "_", tag)
            f = out "/" tag "_L" start (lang == "cpp" || lang == "c++" ? ".cpp" : ".c")
            printf "#line %d \"%s\"\n%s", start, md, body > f
            close(f)
            printf "%s\t%s\t%d\t%s\t%s\n", f, md, start, lang, directive
        }
        !inblock && /^```/ {
            inblock = 1; lang = tolower(substr($0, 4)); gsub(/[ \t{}.]/, "", lang)
            start = NR + 1; body = ""; is_prog = 0
            directive = (prev ~ /^<!-- snippet: .* -->$/) ? prev : ""
            sub(/^<!-- snippet: /, "", directive); sub(/ -->$/, "", directive)
            next
        }
        inblock && /^```[ \t]*$/ { flush_block(); inblock = 0; prev = $0; next }
        inblock { body = body $0 "\n"; if ($0 ~ /(^|[^A-Za-z0-9_])int[ \t]+main[ \t]*\(/) is_prog = 1; next }
        { prev = $0 }' "$md"
done >"$w/index.tsv"

have_cxx=0
command -v "$CXX" >/dev/null 2>&1 && have_cxx=1
WARN="-Wall -Wextra -Wpedantic -Werror"

# one build + run: label, source, compiler command..., then the run
try() {
    local label=$1 src=$2 exe=$3 run=$4 ldflags=$5; shift 5
    if ! "$@" -I"$root" -I"$w/include" "$src" -o "$exe" -pthread $ldflags >"$exe.err" 2>&1; then
        echo "FAIL $label: does not compile"
        sed -e "s|$w/||g" "$exe.err" | head -n 15 | sed 's/^/  /'
        return
    fi
    if [ "$run" = 0 ]; then echo "PASS $label (compiled; not run: compile-only)"; return; fi
    if (cd "$w/run" && timeout 60 "$exe" >"$exe.out" 2>&1); then echo "PASS $label"
    else
        echo "FAIL $label: the program exited with status $? (expected 0)"
        head -n 15 "$exe.out" | sed 's/^/  /'
    fi
}

n=0
while IFS=$'\t' read -r src md line lang directive; do
    n=$((n + 1))
    run=1 ldflags=""
    case $directive in
    compile-only*) run=0 ;;
    ldflags\ *) ldflags=${directive#ldflags } ;;
    esac
    where="snippets/$md:$line"
    if [ "$lang" != cpp ] && [ "$lang" != c++ ]; then
        try "$where/c99" "$src" "$src.c99" "$run" "$ldflags" "$CC" -x c -std=c99 $WARN >>"$log"
    fi
    if [ $have_cxx = 1 ]; then
        try "$where/c++11" "$src" "$src.cxx11" "$run" "$ldflags" "$CXX" -x c++ -std=c++11 $WARN >>"$log"
    else
        echo "SKIP $where/c++11: $CXX not installed" >>"$log"
    fi
done <"$w/index.tsv"
[ $n -gt 0 ] || echo "SKIP snippets: no program (a block with int main) in $*" >>"$log"
grep -vE '^PASS ' "$log"
echo "snippets: $n programs in $# files; $(grep -c '^PASS ' "$log") passed, $(grep -c '^FAIL ' "$log") failed"
