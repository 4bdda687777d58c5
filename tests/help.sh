#!/usr/bin/env bash
# tests/help.sh list            the target list `make help` prints: every "#   make TARGET  what" line of
#                               the Makefile's top comment, then those of mk/*.mk (first line of each, a
#                               target listed once), then a generic line for each bench-<part> / fuzz-<h>
#                               target a fragment defines without one.
# tests/help.sh check LOGDIR    PASS when every phony target make knows is on that list (a new target
#                               without its line fails `make test`).
set -u
cd "$(dirname "$0")/.." || exit 1
MAKE=${MAKE:-make}

# "TARGET<tab>DESCRIPTION" from the "#   make TARGET  description" lines of one file
described() {
    awk '/^#   make [a-z]/ {
            t = $3; d = $0
            sub(/^#   make [^ ]+ */, "", d)
            if (t !~ /^[A-Za-z]/) next
            printf "%s\t%s\n", t, d
        }' "$1"
}

# every phony target of the build, from make's own database (no recipe runs)
phony_targets() {
    $MAKE -pRrq -f Makefile : 2>/dev/null | awk '/^\.PHONY:/ { for (i = 2; i <= NF; i++) print $i }' | sort -u
}

listing() {
    local seen=" " t d f
    while IFS=$'\t' read -r t d; do
        case $seen in *" $t "*) continue ;; esac
        seen="$seen$t "
        printf '  make %-17s %s\n' "$t" "$d"
    done < <(described Makefile; for f in mk/*.mk; do [ -f "$f" ] && described "$f"; done)
    # conventional per-header targets a fragment did not describe
    for t in $(phony_targets); do
        case $seen in *" $t "*) continue ;; esac
        case $t in
        bench-*) d="the ${t#bench-} benchmark part alone, headed by the CPU line" ;;
        fuzz-*) d="the ${t#fuzz-} libFuzzer target for FUZZ_SECONDS (clang)" ;;
        *) continue ;;
        esac
        seen="$seen$t "
        printf '  make %-17s %s\n' "$t" "$d"
    done
}

case ${1:-list} in
list)
    echo "ll: make targets"
    listing
    echo
    sed -n '/^# Variables:/,/^#$/p' Makefile | sed -e 's/^# \{0,1\}//' -e '/^$/d'
    ;;
check)
    logdir=$2
    mkdir -p "$logdir"
    listed=$(listing | awk '{ print $2 }')
    missing=""
    for t in $(phony_targets); do
        grep -qx -- "$t" <<<"$listed" || missing="$missing $t"
    done
    if [ -z "$missing" ]; then echo "PASS help/every-target-listed ($(wc -l <<<"$listed") targets)"
    else echo "FAIL help/every-target-listed: no line in make help for:$missing"; fi >"$logdir/help.log"
    cat "$logdir/help.log"
    ;;
*) echo "usage: tests/help.sh list | check LOGDIR" >&2; exit 2 ;;
esac
