#!/usr/bin/env bash
# tests/probe.sh HEADER LIBS [c|c++]: prints 1 when HEADER compiles and LIBS link, nothing otherwise.
hdr=$1 libs=$2 lang=${3:-c}
if [ "$lang" = c++ ]; then cc=${CXX:-g++}; else cc=${CC:-gcc}; fi
printf '#include <%s>\nint main(void){return 0;}\n' "$hdr" |
    $cc -x "$lang" - -o /dev/null $libs >/dev/null 2>&1 && echo 1
exit 0
