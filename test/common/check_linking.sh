#!/bin/sh
# The shared libraries each tool loads (its NEEDED entries), as the build
# promises them: keyctl nothing when it is a static PIE, else libkeyutils
# and libc only (no C++ runtime);
# request-key nothing when it is a static PIE, else libc alone; and
# key.dns_resolver libc, plus libresolv when that could not be linked in.
#   check_linking.sh READELF PROGRAM 'EXPECTED NEEDED LIST' [PROGRAM 'LIST'...]
# (an empty list means a static executable, which must still be a PIE);
# the dynamic loader is left out of the comparison.
readelf=$1
shift
status=0
while [ $# -ge 2 ]; do
  program=$1 want=$2
  shift 2
  # The dynamic loader (ld-linux-x86-64.so.2, ld-linux.so.2, ld64.so.1, ...)
  # is there in any case: a NEEDED entry for it costs nothing.
  got=$("$readelf" -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v '^ld[-.0-9]' |
        tr '\n' ' ' | sed 's/ $//')
  if [ "$got" != "$want" ]; then
    echo "FAIL: $program loads '$got', expected '$want'"
    status=1
    continue
  fi
  if [ -z "$want" ] && ! "$readelf" -h "$program" | grep -q 'DYN (Position-Independent Executable'; then
    echo "FAIL: $program is static but not position-independent"
    status=1
    continue
  fi
  echo "ok: $program loads '${got:-nothing: static PIE}'"
done
exit $status
