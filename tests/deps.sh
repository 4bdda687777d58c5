#!/usr/bin/env bash
# tests/deps.sh apt PACKAGE...   install Debian packages (make bench-deps, .ci/run), as root
# tests/deps.sh npm PACKAGE...   install npm packages globally, as root
#
# Resilient: one package that is unknown, conflicts or fails to install never stops the others. apt
# packages the archive does not know are reported and left out; the rest go in one apt-get call, and if
# that fails, one at a time. Debian's npm package is left out when an npm command is already there (the
# NodeSource nodejs bundles npm, and Debian's npm would conflict with it). The last line names what failed;
# the exit status is 0 unless nothing at all could be installed.
set -u
kind=${1:-}; shift || true
log=${DEPS_LOG:-/tmp/ll-deps.log}
: >>"$log" 2>/dev/null || log=/dev/null
if [ $# -eq 0 ]; then echo "deps: nothing to install"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "deps: not root; not installing: $*"; exit 0; fi
failed=()

case $kind in
apt)
    if ! command -v apt-get >/dev/null 2>&1; then echo "deps: no apt-get here; not installing: $*"; exit 0; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >>"$log" 2>&1 || echo "deps: apt-get update failed; going on with the package lists there are"
    want=()
    for p in $(printf '%s\n' "$@" | sort -u); do
        if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
            echo "deps: npm already there ($(command -v npm)); Debian's npm package left out"
            continue
        fi
        if apt-cache show --no-all-versions "$p" >/dev/null 2>&1; then want+=("$p")
        else failed+=("$p(unknown)"); fi
    done
    todo=()
    for p in "${want[@]}"; do
        dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || todo+=("$p")
    done
    echo "deps: ${#want[@]} apt packages wanted, ${#todo[@]} to install"
    if [ ${#todo[@]} -gt 0 ] && ! apt-get install -y -q --no-install-recommends "${todo[@]}" >>"$log" 2>&1; then
        echo "deps: the combined install failed; one package at a time"
        for p in "${todo[@]}"; do
            apt-get install -y -q --no-install-recommends "$p" >>"$log" 2>&1 || failed+=("$p")
        done
    fi
    ;;
npm)
    if ! command -v npm >/dev/null 2>&1; then echo "deps: no npm here; not installing: $*"; exit 0; fi
    for p in "$@"; do
        npm install -g --no-fund --no-audit "$p" >>"$log" 2>&1 || failed+=("$p")
    done
    ;;
*) echo "usage: tests/deps.sh apt|npm PACKAGE..." >&2; exit 2 ;;
esac

if [ ${#failed[@]} -gt 0 ]; then echo "deps: could not install: ${failed[*]} (details: $log)"
else echo "deps: every $kind package is installed"; fi
exit 0
