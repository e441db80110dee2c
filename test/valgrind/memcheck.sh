#!/bin/sh
# The 'valgrind' test setup's wrapper: runs a test under memcheck.
#
# A compiled test runs under memcheck itself, its reports on stderr.  A Python
# test (the keyctl suite) runs natively, and our keyctl, given to it as an
# argument, is swapped for a stand-in that runs it under memcheck with its
# reports in files (keyctl's own stderr is compared with 1.6.3's); any report
# fails the test.
set -u
# --fair-sched=yes: with the default lock, one thread of a multithreaded test
# (lib race) can be starved for good on a loaded machine.
memcheck="valgrind --tool=memcheck --quiet --fair-sched=yes --error-exitcode=99 --leak-check=full
  --errors-for-leak-kinds=definite --show-leak-kinds=definite --num-callers=30"

case "$(basename "$1")" in
python*) ;;
*) exec $memcheck "$@" ;;
esac

work=$(mktemp -d) || exit 1
chmod 755 "$work" # the unprivileged setups run keyctl as another uid
trap 'rm -rf "$work"' EXIT
mkdir "$work/logs" && chmod 1777 "$work/logs"
python=$1
shift
set -- "$python" "$@" --
# Rebuild the arguments, the keyctl we built replaced by the stand-in.
for arg; do
  shift
  [ "$arg" = -- ] && break
  case "$arg" in
  */tools/keyctl/keyctl)
    printf '#!/bin/sh\nexec %s --log-file=%s/logs/%%p.log %s "$@"\n' \
      "$(echo $memcheck)" "$work" "$arg" > "$work/keyctl"
    chmod 755 "$work/keyctl"
    arg=$work/keyctl ;;
  esac
  set -- "$@" "$arg"
done
"$@"
status=$?
for log in "$work"/logs/*.log; do
  [ -s "$log" ] || continue
  echo "=== memcheck: $log" >&2
  cat "$log" >&2
  status=1
done
exit $status
