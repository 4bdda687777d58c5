#!/usr/bin/env bash
# tests/odr.sh LOGDIR: one-definition tests for the five headers together.
#  - a declarations-only unit linked with the unit that holds every implementation (as C, and with the
#    implementation unit compiled as C++);
#  - every header included twice in the implementation unit, and LL_IMPLEMENTATION defined only after a
#    first include (system headers come first there, so that unit is built with -D_GNU_SOURCE);
#  - LL_STATIC implementations in two units of one program;
#  - all five implementations in one unit as C and C++ under -Wall -Wextra -Wpedantic -Werror;
#  - custom assert and allocator overrides (tests/odr_override.c).
set -u
logdir=$1
w=${BUILD:-build}/odr
mkdir -p "$logdir" "$w"
log=$logdir/odr.log
: >"$log"
hs=()
for h in llcrc llq llmem llio llpmem llstat; do [ -f "$h.h" ] && hs+=("$h"); done
[ ${#hs[@]} -gt 0 ] || { echo "SKIP odr: no header present" >>"$log"; exit 0; }
WARN="-Wall -Wextra -Wpedantic -Werror"

includes() { for h in "${hs[@]}"; do printf '#include "%s.h"\n' "$h"; done; }
calls() { # $1 = suffix of the function holding the calls
    printf 'int odr_calls%s(void) {\n    int n = 0;\n' "$1"
    for h in "${hs[@]}"; do printf '    n += %s_strerror(0) != 0;\n' "$h"; done
    printf '    return n;\n}\n'
}

{ includes; calls _decl; printf 'int odr_calls_static(void);\n'; } >"$w/decl.c"
{ printf '#define LL_IMPLEMENTATION\n'; includes; includes; } >"$w/impl.c"
# the umbrella macro defined after a first include still emits every implementation
{ includes; printf '#define LL_IMPLEMENTATION\n'; includes; } >"$w/impl_late.c"
{ includes; calls _decl; printf '#include <stdio.h>\nint main(void) { int n = odr_calls_decl();\n'
  printf '    printf("%%d\\n", n); return n == %d ? 0 : 1; }\n' "${#hs[@]}"; } >"$w/main.c"
{ printf '#define LL_STATIC\n#define LL_IMPLEMENTATION\n'; includes; calls _a; } >"$w/static_a.c"
{ printf '#define LL_STATIC\n#define LL_IMPLEMENTATION\n'; includes; calls _b; } >"$w/static_b.c"
{ printf '#include <stdio.h>\nint odr_calls_a(void);\nint odr_calls_b(void);\n'
  printf 'int main(void) { int n = odr_calls_a() + odr_calls_b(); printf("%%d\\n", n);\n'
  printf '    return n == 2 * %d ? 0 : 1; }\n' "${#hs[@]}"; } >"$w/static_main.c"

step() { # name, then the command; PASS when it succeeds
    local name=$1; shift
    if "$@" >"$w/$name.err" 2>&1; then echo "PASS odr/$name" >>"$log"
    else echo "FAIL odr/$name" >>"$log"; head -n 20 "$w/$name.err" | sed 's/^/  /' >>"$log"; fi
}
LIBS="-pthread -lm"
have() { command -v "$1" >/dev/null 2>&1; }
skip() { echo "SKIP odr/$1: $2 not installed" >>"$log"; }
step decl_plus_impl_c bash -c "gcc -std=c11 $WARN -I. -c $w/impl.c -o $w/impl.o && gcc -std=c11 $WARN -I. $w/main.c $w/impl.o -o $w/decl_impl $LIBS && $w/decl_impl"
step umbrella_after_include bash -c "gcc -std=c11 -D_GNU_SOURCE $WARN -I. -c $w/impl_late.c -o $w/impl_late.o && gcc -std=c11 $WARN -I. $w/main.c $w/impl_late.o -o $w/decl_impl_late $LIBS && $w/decl_impl_late"
have g++ || skip decl_plus_impl_cxx g++
have g++ && step decl_plus_impl_cxx bash -c "g++ -x c++ -std=c++11 $WARN -I. -c $w/impl.c -o $w/impl_cxx.o && gcc -std=c99 $WARN -I. -c $w/main.c -o $w/main.o && g++ $w/main.o $w/impl_cxx.o -o $w/decl_impl_cxx $LIBS && $w/decl_impl_cxx"
have clang++ || skip all_five_one_unit_clang clang++
have clang++ && step all_five_one_unit_clang bash -c "clang -std=c17 $WARN -I. -c $w/impl.c -o $w/impl_clang.o && clang++ -x c++ -std=c++20 $WARN -I. -c $w/impl.c -o $w/impl_clangxx.o"
step static_two_units bash -c "gcc -std=c11 $WARN -I. -c $w/static_a.c -o $w/static_a.o && gcc -std=c11 $WARN -I. -c $w/static_b.c -o $w/static_b.o && gcc $w/static_main.c $w/static_a.o $w/static_b.o -o $w/static_two $LIBS && $w/static_two"
if [ -f tests/odr_override.c ]; then
    step overrides bash -c "gcc -std=c11 $WARN -I. -Itests tests/odr_override.c -o $w/override $LIBS && $w/override"
fi
grep -vE '^PASS ' "$log"
echo "odr: $(grep -c '^PASS ' "$log") passed, $(grep -c '^FAIL ' "$log") failed"
