#!/usr/bin/env bash
# tests/minimal-root.sh LOGDIR - the README's promise on a fresh machine, tested (make minimal-root, CI).
#
# A minimal Debian 12 root (debootstrap --variant=minbase bookworm, plus only gcc, make and libc6-dev:
# no g++, no clang, no cmake, no pkg-config, no optional library) gets a copy of this tree, and the
# README's two commands run there to the end:
#   make test                 must pass;
#   LLB_QUICK=1 make bench    must run every part (short runs), list the anchors and compilers it skipped,
#                             and change no file outside build/ (what `git status` would show).
# The root is built once and cached (LL_MINIMAL_ROOT, default /var/cache/ll-minimal-root/bookworm; rebuilt
# when the package list changes); each run copies the tree in afresh. The mirror is the one the machine's
# apt sources name for bookworm (LL_MIRROR overrides). /proc, /sys and /dev are bound in, and the host's
# /tmp, so that the lock files tests and benchmarks coordinate through are the same inside and out. All
# mounts live in a private mount namespace (unshare) and vanish with it.
# Needs root and debootstrap; without them the stage is skipped with the reason.
set -u
logdir=$1
cd "$(dirname "$0")/.." || exit 1
src=$(pwd)
SUITE=bookworm
PACKAGES=gcc,make,libc6-dev
root=${LL_MINIMAL_ROOT:-/var/cache/ll-minimal-root/$SUITE}
stamp="suite=$SUITE variant=minbase include=$PACKAGES"
log=$logdir/minimal-root.log
mkdir -p "$logdir"
: >"$log"
pass() { echo "PASS minimal-root/$1" >>"$log"; }
fail() { echo "FAIL minimal-root/$1" >>"$log"; [ -f "${2:-}" ] && tail -n "${3:-30}" "$2" | sed 's/^/  /' >>"$log"; }
skip() { echo "SKIP minimal-root: $1" >>"$log"; }
finish() { grep -vE '^PASS ' "$log"; echo "minimal-root: $(grep -c '^PASS ' "$log") passed, $(grep -c '^FAIL ' "$log") failed"; exit 0; }
now() { date +%s; }

if [ "$(id -u)" != 0 ]; then skip "needs root (debootstrap, chroot, mounts)"; finish; fi
for tool in debootstrap unshare chroot; do
    command -v $tool >/dev/null 2>&1 || { skip "$tool not installed (Debian: debootstrap, util-linux)"; finish; }
done

# the bookworm mirror the machine's apt sources name (one-line and deb822 formats)
mirror() {
    local f uri
    [ -n "${LL_MIRROR:-}" ] && { echo "$LL_MIRROR"; return; }
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk -v s=$SUITE '$1 == "deb" && $3 == s { print $2; exit }')
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk -v s=$SUITE '
            /^[ \t]*$/ { if (deb && suite && uri) { print uri; exit } deb = suite = 0; uri = ""; next }
            /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) suite = 1 }
            /^URIs:/ { uri = $2 }
            END { if (deb && suite && uri) print uri }' "$f" | head -n 1)
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    echo http://deb.debian.org/debian
}

# ---- the cached root ----
t0=$(now)
if [ "$(cat "$root/.ll-root-stamp" 2>/dev/null)" != "$stamp" ]; then
    m=$(mirror)
    rm -rf "$root.new" && mkdir -p "$(dirname "$root")"
    echo "minimal-root: debootstrap --variant=minbase --include=$PACKAGES $SUITE from $m (cached in $root)"
    if ! debootstrap --variant=minbase --include=$PACKAGES $SUITE "$root.new" "$m" >"$logdir/debootstrap.txt" 2>&1; then
        fail "debootstrap ($SUITE from $m)" "$logdir/debootstrap.txt"
        rm -rf "$root.new"
        finish
    fi
    rm -f "$root.new"/var/cache/apt/archives/*.deb
    echo "$stamp" >"$root.new/.ll-root-stamp"
    rm -rf "$root" && mv "$root.new" "$root"
fi
t_root=$(($(now) - t0))

# the root really is minimal: gcc and make, none of the optional compilers and tools
missing_base="" present_extra=""
for t in gcc make; do chroot "$root" sh -c "command -v $t" >/dev/null 2>&1 || missing_base="$missing_base $t"; done
for t in g++ c++ clang cmake pkg-config pkgconf git; do
    chroot "$root" sh -c "command -v $t" >/dev/null 2>&1 && present_extra="$present_extra $t"
done
if [ -n "$missing_base$present_extra" ]; then
    echo "  missing:${missing_base:- none}; present but should not be:${present_extra:- none}" >"$logdir/minimal.txt"
    fail "is-minimal" "$logdir/minimal.txt"
    finish
fi
pass "is-minimal (gcc $(chroot "$root" gcc -dumpfullversion), make; no g++, clang, cmake, pkg-config; $(
    chroot "$root" dpkg-query -f '.\n' -W | wc -l) packages)"

# ---- a fresh copy of the tree (tracked and new files, as a checkout would have them) ----
rm -rf "$root/root/ll" && mkdir -p "$root/root/ll"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$src" ls-files -z -c -o --exclude-standard | tar -C "$src" --null -T - --ignore-failed-read -cf - 2>/dev/null |
        tar -C "$root/root/ll" -xf -
else
    tar -C "$src" --exclude=./build -cf - . | tar -C "$root/root/ll" -xf -
fi

# ---- the two commands, in the root ----
inside() { # the command line to run in /root/ll, as root, with a clean environment
    unshare --mount --propagation private bash -c '
        r=$1; shift
        mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" &&
            mount --bind /tmp "$r/tmp" || exit 99
        exec chroot "$r" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            TERM=dumb LANG=C.UTF-8 "$@"' _ "$root" bash -c "cd /root/ll && $1"
}
fingerprint() { # every file outside build/ with its checksum
    (cd "$root/root/ll" && find . -path ./build -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
}

t0=$(now)
inside "timeout ${LL_MINIMAL_TEST_TIMEOUT:-600} make test" >"$logdir/minimal-root-make-test.txt" 2>&1
st=$?
t_test=$(($(now) - t0))
closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$logdir/minimal-root-make-test.txt" | tail -n 1)
if [ $st = 0 ]; then pass "make-test (${closing:-no closing line}; ${t_test} s)"
else fail "make-test: exit $st (${closing:-no closing line}; ${t_test} s)" "$logdir/minimal-root-make-test.txt" 40; fi

before=$(fingerprint)
t0=$(now)
inside "LLB_QUICK=1 timeout ${LL_MINIMAL_BENCH_TIMEOUT:-480} make bench" >"$logdir/minimal-root-make-bench.txt" 2>&1
st=$?
t_bench=$(($(now) - t0))
after=$(fingerprint)
b=$logdir/minimal-root-make-bench.txt
if [ $st = 0 ] && grep -q '^bench: every part ran' "$b"; then pass "make-bench ($(grep '^bench: every part ran' "$b"); ${t_bench} s)"
else fail "make-bench: exit $st, not every part ran (${t_bench} s)" "$b" 40; fi
if grep -q '^compilers skipped, not installed: .*g++.*clang' "$b" && grep -q '^anchors skipped, not installed.*isa-l' "$b"; then
    pass "bench-lists-skipped ($(grep -c '^skipped: ' "$b") anchor lines; $(grep '^compilers skipped' "$b" | sed 's/ (.*//'))"
else
    grep -E '^(anchors|compilers)' "$b" >"$logdir/skiplines.txt"
    fail "bench-lists-skipped: no line naming the missing compilers and anchors" "$logdir/skiplines.txt"
fi
if [ "$before" = "$after" ]; then pass "bench-writes-only-build (no file outside build/ changed)"
else
    diff <(echo "$before") <(echo "$after") | sed 's/^/  /' >"$logdir/changed.txt"
    fail "bench-writes-only-build: make bench changed files outside build/" "$logdir/changed.txt"
fi
rm -rf "$root/root/ll"
echo "minimal-root: root ${t_root} s (cached: $root), make test ${t_test} s, make bench (LLB_QUICK=1) ${t_bench} s"
finish
