#!/bin/bash
# Drop-in checks: programs linked against Debian's libkeyutils.so.1 run on
# ours (LD_LIBRARY_PATH, and LD_PRELOAD) and must behave exactly as on the
# original.
#   dropin.sh probe PROBE OUR-LIBDIR
#   dropin.sh keyctl KEYCTL OUR-LIBDIR
set -u
mode=$1 prog=$2 libdir=$3
[ -x "$prog" ] || { echo "SKIP: $prog is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Key IDs differ between runs: number them in order of appearance, with the
# padding before them (its width depends on the ID).  Serials are random
# from 3 up, so a key's may have as few as 3 digits (about one in twenty
# thousand has under 6): every run of 3 or more digits is numbered.  The numbers that
# are not IDs (100 in "timeout ... 100", digits of a permission mask) are
# the same in every run and are numbered the same.
normalise() {
  awk '{ line = $0; out = "";
         while (match(line, / *[0-9][0-9][0-9]+/)) {
           id = substr(line, RSTART, RLENGTH); sub(/^ */, "", id)
           if (!(id in seen)) seen[id] = "ID" (++n)
           out = out substr(line, 1, RSTART - 1) seen[id]
           line = substr(line, RSTART + RLENGTH) }
         print out line }'
}

# The normaliser's own check: a short serial and a long one, each padded as
# show pads them, read the same.
if [ "$(printf 'Joined session keyring: 57266\n  123 --alswrv\n' | normalise)" != \
     "$(printf 'Joined session keyring: 930725907\n 809593181 --alswrv\n' | normalise)" ]; then
  echo "FAIL: normalise() tells a short key serial from a long one"
  exit 1
fi

# keyctl sequence: one fresh session per run, each command's stdout,
# stderr and exit status recorded.  A revoked key is named by its ID: a
# %type:desc miss makes 1.6.3 scan /proc/keys, where it crashes on any
# visible description over 1 KiB (other tests make such keys).
keyctl_script() {
  local k=$1
  cat <<SCRIPT
run() { "\$@" > o 2> e; echo "\$ \${*:2} -> \$?"; cat o e; }
run $k add user dropin:a apple @s
run $k padd user dropin:b @s <<< "banana"
run $k newring dropin:ring @s
run $k show @s
run $k print %user:dropin:a
run $k pipe %user:dropin:b
run $k describe %user:dropin:a
run $k rdescribe %user:dropin:a @
run $k list @s
run $k rlist @s
run $k link %user:dropin:a %keyring:dropin:ring
run $k search @s user dropin:a
run $k search @s user dropin:none
run $k update %user:dropin:a pear
run $k print %user:dropin:a
run $k timeout %user:dropin:a 100
run $k setperm %user:dropin:b 0x3f010000
run $k unlink %user:dropin:a %keyring:dropin:ring
run $k move %user:dropin:b @s %keyring:dropin:ring
A=\$($k search @s user dropin:a)
run $k revoke %user:dropin:a
run $k print \$A
run $k invalidate %user:dropin:b
run $k clear %keyring:dropin:ring
run $k supports
run $k describe 0
run $k read 2147483000
run $k request user dropin:none
run $k session - true
SCRIPT
}

run_with() { # label env...
  local label=$1; shift
  case $mode in
    probe)  env "$@" "$prog" > "$tmp/$label.out" 2> "$tmp/$label.err"; echo "exit $?" >> "$tmp/$label.out" ;;
    keyctl) (cd "$tmp" && keyctl_script "$prog" > script.sh &&
             env "$@" "$prog" session - bash script.sh > "$label.out" 2> "$label.err") ;;
  esac
  # With LD_PRELOAD, the programs of the build machine that keyctl starts
  # (bash, true) in a build for another architecture of the same machine
  # (i386 on amd64) cannot preload our library; their loader says so and
  # goes on without it.  Only keyctl's own output counts.
  grep -v "^ERROR: ld.so: object '$libdir/libkeyutils.so.1' from LD_PRELOAD cannot be preloaded (wrong ELF class: ELFCLASS[0-9]*): ignored.\$" \
    "$tmp/$label.out" | normalise > "$tmp/$label.norm"
}

status=0
# meson points LD_LIBRARY_PATH at the build tree: the original run must not.
run_with original -u LD_LIBRARY_PATH
for how in LD_LIBRARY_PATH LD_PRELOAD; do
  if [ $how = LD_LIBRARY_PATH ]; then value=$libdir; else value=$libdir/libkeyutils.so.1; fi
  run_with "$how" -u LD_LIBRARY_PATH "$how=$value"
  if [ $mode = probe ] && ! grep -q "library: $libdir" "$tmp/$how.err"; then
    echo "FAIL ($how): our library was not the one loaded: $(cat "$tmp/$how.err")"
    status=1
  fi
  if ! diff -u "$tmp/original.norm" "$tmp/$how.norm"; then
    echo "FAIL ($how): output differs from the original library's (above)"
    status=1
  else
    echo "same output as the original through $how ($(wc -l < "$tmp/$how.norm") lines)"
  fi
done
[ $status -eq 0 ] || { echo "--- original output"; cat "$tmp/original.out"; }
exit $status
