#!/usr/bin/env bash
# tests/freestanding.sh LOGDIR CC SIZE: the OS-free parts (llcrc.h, llq.h, llmem.h's arena and pools,
# llstat.h's histogram and counters)
# built freestanding for a Cortex-M4 and linked with no C library; reports the code size.
set -u
logdir=$1 cc=$2 size=$3
w=${BUILD:-build}/freestanding
mkdir -p "$logdir" "$w"
log=$logdir/freestanding.log
if "$cc" -mcpu=cortex-m4 -mthumb -Os -ffreestanding -nostdlib -std=c11 -Wall -Wextra -Werror -I. \
      -ffunction-sections -fdata-sections -Wl,--gc-sections -Wl,-e,ll_freestanding_entry \
      tests/freestanding.c -o "$w/ll-cortex-m4.elf" -lgcc >"$w/build.err" 2>&1; then
    echo "PASS freestanding/cortex-m4-link" >"$log"
    "$size" "$w/ll-cortex-m4.elf" | sed 's/^/  /' >>"$log"
else
    echo "FAIL freestanding/cortex-m4-link" >"$log"
    head -n 30 "$w/build.err" | sed 's/^/  /' >>"$log"
fi
cat "$log"
