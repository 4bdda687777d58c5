#!/usr/bin/env bash
# tests/install.sh LOGDIR - the install paths, as a user meets them (run by make test).
#
# `make install DESTDIR=build/install-test/stage PREFIX=/opt/ll` (a staged, packaging-style install with a
# prefix that is not on the compiler's default path), then one tiny consumer built and run four ways:
#   installed-tree   cc -I<include> -I<include>/ll (always: needs only the compiler)
#   pkg-config       pkg-config --cflags --libs ll, with PKG_CONFIG_SYSROOT_DIR = the stage
#   cmake-package    find_package(ll X.Y CONFIG REQUIRED) + ll::ll against the stage; a wrong minor
#                    version must be refused (at 0.x a minor version may break the API)
#   add-subdirectory add_subdirectory() of a vendored copy (CMakeLists.txt, cmake/, headers, CHANGELOG.md)
# then `make uninstall` with the same DESTDIR and PREFIX must leave no file behind.
# The consumer has two units: one includes every header as <ll/x.h> with LL_IMPLEMENTATION, the other as
# "x.h" (declarations only); main checks each header's strerror and, with llcrc, the CRC-32C check value.
# Without pkg-config or cmake those ways are skipped with the reason.
set -u
logdir=$1
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
CC=${CC:-gcc}
MAKE=${MAKE:-make}
w=$(pwd)/$BUILD/install-test
stage=$w/stage
prefix=/opt/ll
log=$logdir/install.log
mkdir -p "$logdir"
rm -rf "$w"
mkdir -p "$w/src"
: >"$log"

pass() { echo "PASS install/$1" >>"$log"; }
fail() { echo "FAIL install/$1" >>"$log"; [ -f "${2:-}" ] && tail -n 25 "$2" | sed 's/^/  /' >>"$log"; }
skip() { echo "SKIP install/$1: $2" >>"$log"; }
finish() { grep -vE '^PASS ' "$log"; echo "install: $(grep -c '^PASS ' "$log") passed, $(grep -c '^FAIL ' "$log") failed"; exit 0; }

if ! $MAKE --no-print-directory install DESTDIR="$stage" PREFIX="$prefix" >"$w/install.out" 2>&1; then
    fail make-install "$w/install.out"
    finish
fi
inc=$stage$prefix/include
headers=()
for f in "$inc"/ll/ll*.h; do [ -e "$f" ] && headers+=("$(basename "$f" .h)"); done
if [ ${#headers[@]} -eq 0 ]; then
    echo "  no header under $inc/ll" >"$w/none.txt"
    fail make-install "$w/none.txt"
    finish
fi
pass "make-install (${headers[*]} under $prefix/include/ll, ll.pc, llConfig.cmake)"
version=$(sed -n 's/^Version: *//p' "$stage$prefix/share/pkgconfig/ll.pc")

# the consumer
{
    echo '#define LL_IMPLEMENTATION'
    for h in "${headers[@]}"; do echo "#include <ll/$h.h>"; done
    echo '#include <stdio.h>'
    echo 'int plain_spelling_calls(void);'
    echo 'int main(void) {'
    echo '    int ok = 1;'
    for h in "${headers[@]}"; do echo "    ok &= ${h}_strerror(0) != NULL;"; done
    case " ${headers[*]} " in *" llcrc "*) echo '    ok &= llcrc_crc32c(0, "123456789", 9) == 0xE3069283u;' ;; esac
    echo "    ok &= plain_spelling_calls() == ${#headers[@]};"
    echo '    printf("consumer: %s\n", ok ? "ok" : "WRONG");'
    echo '    return ok ? 0 : 1;'
    echo '}'
} >"$w/src/a.c"
{
    for h in "${headers[@]}"; do echo "#include \"$h.h\""; done
    echo 'int plain_spelling_calls(void) {'
    echo '    int n = 0;'
    for h in "${headers[@]}"; do echo "    n += ${h}_strerror(0) != 0;"; done
    echo '    return n;'
    echo '}'
} >"$w/src/b.c"
cat >"$w/src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.13)
project(ll_consumer C)
if(LL_VENDORED)
  add_subdirectory("${LL_VENDORED}" ll)
else()
  find_package(ll ${LL_WANT} CONFIG REQUIRED)
endif()
add_executable(consumer a.c b.c)
target_link_libraries(consumer PRIVATE ll::ll)
EOF

build_run() { # name, then the compile command (the program is $w/<name>)
    local name=$1; shift
    if "$@" >"$w/$name.out" 2>&1 && "$w/$name" >>"$w/$name.out" 2>&1; then pass "$name"
    else fail "$name" "$w/$name.out"; fi
}

WARN="-std=c99 -Wall -Wextra -Wpedantic -Werror"
build_run installed-tree $CC $WARN -I"$inc" -I"$inc/ll" "$w/src/a.c" "$w/src/b.c" -o "$w/installed-tree" -pthread

if command -v pkg-config >/dev/null 2>&1; then
    pc() { PKG_CONFIG_PATH="" PKG_CONFIG_LIBDIR="$stage$prefix/share/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage" \
        pkg-config "$@"; }
    if [ "$(pc --modversion ll 2>&1)" != "$version" ]; then
        pc --modversion ll >"$w/pc.out" 2>&1
        fail pkg-config "$w/pc.out"
    else
        # shellcheck disable=SC2046 # the flags are words
        build_run pkg-config $CC $WARN $(pc --cflags ll) "$w/src/a.c" "$w/src/b.c" -o "$w/pkg-config" $(pc --libs ll)
    fi
else
    skip pkg-config "pkg-config not installed"
fi

if command -v cmake >/dev/null 2>&1; then
    want=${version%.*} # major.minor
    cmake_build() { # name, then configure arguments
        local name=$1; shift
        cmake -S "$w/src" -B "$w/$name-build" -DCMAKE_C_COMPILER="$CC" "$@" >"$w/$name.out" 2>&1 &&
            cmake --build "$w/$name-build" >>"$w/$name.out" 2>&1 &&
            "$w/$name-build/consumer" >>"$w/$name.out" 2>&1
    }
    if cmake_build cmake-package -DCMAKE_PREFIX_PATH="$stage$prefix" -DLL_WANT="$want"; then pass "cmake-package (find_package(ll $want))"
    else fail cmake-package "$w/cmake-package.out"; fi
    major=${want%%.*} minor=${want#*.}
    if [ "$major" = 0 ]; then wrong=0.$((minor + 1)); else wrong=$((major + 1)).0; fi
    if cmake -S "$w/src" -B "$w/cmake-wrong-build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_PREFIX_PATH="$stage$prefix" \
        -DLL_WANT="$wrong" >"$w/cmake-wrong.out" 2>&1; then
        echo "  find_package(ll $wrong) accepted version $version" >>"$w/cmake-wrong.out"
        fail "cmake-package-refuses-$wrong" "$w/cmake-wrong.out"
    else pass "cmake-package-refuses-$wrong"; fi

    vendor=$w/vendor/ll
    mkdir -p "$vendor"
    cp -r CMakeLists.txt cmake CHANGELOG.md "$vendor/"
    for h in "${headers[@]}"; do cp "$h.h" "$vendor/"; done
    if cmake_build add-subdirectory -DLL_VENDORED="$vendor"; then pass add-subdirectory
    else fail add-subdirectory "$w/add-subdirectory.out"; fi
else
    skip cmake-package "cmake not installed"
    skip add-subdirectory "cmake not installed"
fi

if $MAKE --no-print-directory uninstall DESTDIR="$stage" PREFIX="$prefix" >"$w/uninstall.out" 2>&1 &&
    [ -z "$(find "$stage" -type f)" ]; then pass uninstall
else
    find "$stage" -type f | sed 's/^/left behind: /' >>"$w/uninstall.out"
    fail uninstall "$w/uninstall.out"
fi
finish
