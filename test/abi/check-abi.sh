#!/bin/bash
# Compares the built library's exports, soname and NEEDED list with the
# committed keyutils 1.6.3 reference.
#   check-abi.sh LIBRARY REFERENCE-SYMBOLS [sanitized]
set -eu
lib=$1
ref=$2
sanitized=${3:-}
status=0

fail() { echo "FAIL: $*"; status=1; }

# ASan adds __odr_asan.* markers for exported data; they are not part of the ABI.
exports=$("${OBJDUMP:-objdump}" -T "$lib" |
  awk '$2 ~ /[gw]/ && $4 != "*UND*" && $(NF-1) != $NF && $NF !~ /^__odr_asan/ {
         bind = ($2 ~ /w/) ? "weak" : "global"
         kind = ($3 ~ /F/) ? "function" : "object"
         ver = $(NF-1); gsub(/[()]/, "", ver)
         print $NF "@" ver, bind, kind }' | sort)
want=$(sort "$ref")
if [ "$exports" != "$want" ]; then
  fail "exported symbols differ from $ref (< missing, > extra):"
  diff <(echo "$want") <(echo "$exports") | grep '^[<>]' || true
fi

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libkeyutils.so.1 ] || fail "soname is '$soname', not libkeyutils.so.1"

needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
if [ -n "$sanitized" ]; then
  case "$needed" in *libc.so.6*) ;; *) fail "NEEDED lacks libc.so.6: $needed" ;; esac
  echo "sanitizer build: NEEDED may list the sanitizer runtimes ($needed)"
else
  [ "$needed" = "libc.so.6 " ] || fail "NEEDED is '$needed', not libc.so.6 alone"
fi

# The version nodes, each inheriting the previous one.
chain=$(readelf -V "$lib" | sed -n 's/.*Name: \(KEYUTILS_[0-9.]*\).*/\1/p' | tr '\n' ' ')
[ "$chain" = "KEYUTILS_0.3 KEYUTILS_1.0 KEYUTILS_1.3 KEYUTILS_1.4 KEYUTILS_1.5 KEYUTILS_1.6 KEYUTILS_1.7 KEYUTILS_1.8 KEYUTILS_1.9 KEYUTILS_1.10 " ] ||
  fail "version definitions are '$chain'"

[ $status -eq 0 ] && echo "ABI matches keyutils 1.6.3: $(echo "$exports" | wc -l) symbols, soname $soname, NEEDED $needed"
exit $status
