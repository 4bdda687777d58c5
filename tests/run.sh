#!/usr/bin/env bash
# The test runner's bookkeeping. Every test program prints PASS/FAIL/SKIP lines; this script runs them,
# keeps one log per program, and adds the lines up.
#   run.sh run LOGDIR LABEL CMD...       run one program (timeout LLT_TIMEOUT s, default 900)
#   run.sh run-tsan LOGDIR LABEL CMD...  the same, with ASLR off where ThreadSanitizer needs it
#   run.sh run-wine LOGDIR LABEL CMD...  the same under wine; run once more (said in the log) only when the
#                                        program printed no test line and wine itself reported the error
#   run.sh skip LOGDIR LABEL REASON      record a check that cannot run here, and why
#   run.sh summary LOGDIR...             "N passed, N failed, N skipped"; exit 1 if anything failed
#   run.sh total LOGDIR...               the same, prefixed "total:"
set -u
mode=$1; shift

count() {
    local pass=0 fail=0 skip=0 f
    for d in "$@"; do
        [ -d "$d" ] || continue
        for f in "$d"/*.log; do
            [ -e "$f" ] || continue
            pass=$((pass + $(grep -c '^PASS ' "$f")))
            fail=$((fail + $(grep -c '^FAIL ' "$f")))
            skip=$((skip + $(grep -c '^SKIP ' "$f")))
        done
    done
    echo "$pass $fail $skip"
}

run_one() {
    local logdir=$1 label=$2; shift 2
    local log=$logdir/$label.log status
    mkdir -p "$logdir"
    timeout "${LLT_TIMEOUT:-900}" "$@" >"$log" 2>&1
    status=$?
    if [ $status -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
        if [ $status -eq 124 ]; then echo "FAIL $label: timed out after ${LLT_TIMEOUT:-900} s" >>"$log"
        else echo "FAIL $label: exited with status $status" >>"$log"; fi
    fi
    if ! grep -qE '^(PASS|FAIL|SKIP) ' "$log"; then echo "FAIL $label: ran no test" >>"$log"; fi
    # the console shows what needs reading: failures with their details, skips, and the tallies
    if grep -q '^FAIL ' "$log"; then tail -n 60 "$log"; else grep -vE '^PASS ' "$log" | tail -n 40; fi
    return 0
}

case $mode in
run) run_one "$@" ;;
run-tsan)
    logdir=$1 label=$2; shift 2
    # TSan's shadow layout does not fit the high mmap randomisation of recent kernels; ASLR off fixes it
    if command -v setarch >/dev/null; then run_one "$logdir" "$label" setarch "$(uname -m)" -R "$@"
    else run_one "$logdir" "$label" "$@"; fi ;;
run-wine)
    logdir=$1 label=$2; shift 2
    run_one "$logdir" "$label" "$@" >/dev/null
    # "wine client error: ... Connection reset by peer": the wineserver went away while the program
    # started (an infrastructure failure, not the test's); a test line means the program ran: no retry
    if ! grep -qE '^(PASS|FAIL|SKIP) [^:]*/' "$logdir/$label.log" && grep -qE '^wine(server)?( client error)?:' "$logdir/$label.log"; then
        first=$(head -n 1 "$logdir/$label.log")
        run_one "$logdir" "$label" "$@" >/dev/null
        echo "  (run twice: the first start failed in wine itself: $first)" >>"$logdir/$label.log"
    fi
    if grep -q '^FAIL ' "$logdir/$label.log"; then tail -n 60 "$logdir/$label.log"
    else grep -vE '^PASS ' "$logdir/$label.log" | tail -n 40; fi ;;
skip)
    mkdir -p "$1"
    echo "SKIP $2: $3" | tee "$1/$2.log" ;;
summary|total)
    read -r p f s < <(count "$@")
    prefix=""; [ "$mode" = total ] && prefix="total: "
    echo "${prefix}$p passed, $f failed, $s skipped"
    [ "$f" -eq 0 ] ;;
*) echo "usage: run.sh run|run-tsan|run-wine|skip|summary|total ..." >&2; exit 2 ;;
esac
