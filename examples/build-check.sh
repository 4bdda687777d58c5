#!/usr/bin/env bash
# examples/build-check.sh - build checks of the examples, as a test program printing PASS/FAIL/SKIP lines
# (make test runs a copy of it as build/examples/build-check):
#   - every single-unit example compiles as C++17 (g++ -x c++ -std=c++17 -Wall -Wextra -Werror);
#   - examples/amalgamated_m4.c links freestanding for a Cortex-M4 with no C library (arm-none-eabi-gcc
#     -mcpu=cortex-m4 -mthumb -Os -ffreestanding -nostdlib), size reported by arm-none-eabi-size;
#   - the same unit's self-test built hosted (headers forced freestanding) and run.
# "build-check.sh m4" does only the Cortex-M4 part.
set -u
[ -f examples/amalgamated_m4.c ] || cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
CXX=${CXX:-g++}
CC=${CC:-gcc}
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
ARM_SIZE=${ARM_SIZE:-arm-none-eabi-size}
out=$BUILD/examples/build-check.d
mkdir -p "$out"
fail=0

m4() {
    if ! command -v "$ARM_CC" >/dev/null 2>&1; then
        echo "SKIP examples/cortex-m4: $ARM_CC not installed"
        return
    fi
    if "$ARM_CC" -mcpu=cortex-m4 -mthumb -Os -ffreestanding -nostdlib -std=c11 -Wall -Wextra -Werror -I. \
        -ffunction-sections -fdata-sections -Wl,--gc-sections -Wl,-e,am4_reset \
        examples/amalgamated_m4.c -o "$out/amalgamated_m4.elf" -lgcc >"$out/m4.err" 2>&1; then
        echo "PASS examples/cortex-m4-link"
        "$ARM_SIZE" "$out/amalgamated_m4.elf" | sed 's/^/  /'
    else
        echo "FAIL examples/cortex-m4-link"
        head -n 30 "$out/m4.err" | sed 's/^/  /'
        fail=1
    fi
}

if [ "${1:-}" = m4 ]; then
    m4
    exit $fail
fi

for e in wal pipeline deltasync amalgamated pmemlog amalgamated_m4; do
    [ -f "examples/$e.c" ] || continue
    if ! command -v "$CXX" >/dev/null 2>&1; then
        echo "SKIP examples/c++17-$e: $CXX not installed"
        continue
    fi
    extra=""
    [ "$e" = pmemlog ] && extra="-DLLPMEM_CRASH_SIM"
    [ "$e" = amalgamated_m4 ] && extra="-DAM4_HOST_MAIN"
    if "$CXX" -x c++ -std=c++17 -O2 -Wall -Wextra -Werror -I. -pthread $extra -c "examples/$e.c" \
        -o "$out/$e.cxx.o" >"$out/$e.cxx.err" 2>&1; then
        echo "PASS examples/c++17-$e"
    else
        echo "FAIL examples/c++17-$e"
        head -n 20 "$out/$e.cxx.err" | sed 's/^/  /'
        fail=1
    fi
done

if "$CC" -std=gnu11 -O2 -g -Wall -Wextra -Wpedantic -Werror -I. -DAM4_HOST_MAIN examples/amalgamated_m4.c \
    -o "$out/m4-host" >"$out/m4-host.err" 2>&1; then
    "$out/m4-host" || fail=1
else
    echo "FAIL examples/m4-selftest-on-host (build)"
    head -n 20 "$out/m4-host.err" | sed 's/^/  /'
    fail=1
fi
m4
exit $fail
