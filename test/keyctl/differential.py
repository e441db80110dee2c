#!/usr/bin/env python3
"""Differential test: the same command sequences against Debian's keyctl and ours.

Each sequence is a shell script run in a fresh anonymous session keyring (joined
in the child before exec).  Lines of the form `r <args>` run `keyctl <args>` and
record its exit status, stdout and first stderr line (plus how many stderr lines
there were); anything else is setup, using the keyctl under test as $K.  Key IDs
are normalised by order of first appearance, so the two transcripts must match
exactly (a case that differs is run once more, and fails if it differs again).

usage: differential.py REFERENCE_KEYCTL OUR_KEYCTL [case-name-substring...]
"""
import os
import re
import subprocess
import sys
import tempfile

import kernel_keys
from cases import CASES

# How much slower than native the test setup runs keyctl (valgrind: 20).
SLOWDOWN = int(os.environ.get("KEYUTILS_TEST_SLOWDOWN", "1"))

PRELUDE = r'''
r() {
    "$K" "$@" >"$T/o" 2>"$T/e"
    rc=$?
    printf '$ keyctl %s\nrc=%d\n' "$*" "$rc"
    cat "$T/o"
    printf '\n-- stderr (%d lines): ' "$(wc -l <"$T/e")"
    head -n 1 "$T/e"
    echo
}
'''


def run(keyctl, script, env_extra):
    # The previous run's keys stay charged until the collector has them.
    kernel_keys.wait_for_quota()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.update(env_extra)
        env["K"] = keyctl
        env["T"] = tmp
        env["LC_ALL"] = "C"
        proc = subprocess.run(["sh", "-c", PRELUDE + script], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, preexec_fn=kernel_keys.join_session,
                              timeout=60 * SLOWDOWN)
        return proc.stdout.decode("utf-8", "replace").replace(tmp, "$T")


# Key IDs, with the padding before them: IDs differ in length between runs, so
# the padding of a right-aligned column differs too.  Serials are random from
# 3 up: one of under five digits is caught where show and list print an ID,
# before the permissions column, where a line is the ID alone (add, padd,
# newring, id, get_persistent...) and after "keyring: " (session).
NUMBER = re.compile(r"( *)(0x[0-9a-f]{8}\b|(?<![\w.])-?\d{5,10}\b"
                    r"|(?<![\w.])\d{1,4}(?= [-a-z]{8} )|^\d{1,4}$|(?<=keyring: )\d{1,4}$)",
                    re.M)


def normalise(text):
    names = {}

    def token(match):
        spaces, s = match.group(1), match.group(2)
        value = int(s, 16) if s.startswith("0x") else int(s)
        if value in (65534, 0):
            return match.group(0)
        if value not in names:
            names[value] = "<K%d>" % (len(names) + 1)
        return (" " if spaces else "") + names[value]
    text = NUMBER.sub(token, text)
    # The build date in --version is each binary's own (SOURCE_DATE_EPOCH in
    # package builds); the shape of the line is what scripts parse.
    text = re.sub(r"\(Built \d{4}-\d{2}-\d{2}\)", "(Built <DATE>)", text)
    return re.sub(r"^ +<K", "<K", text, flags=re.M)


def check_normalise():
    """Short serials (they are random from 3 up) read as long ones do where
    keyctl prints an ID alone on a line, in show's column and after
    "keyring: "."""
    def text(a, b, c):
        return "9\n%d\nJoined session keyring: %d\n%6d --alswrv 0 0\n3 keys\n" % (a, b, c)
    if normalise(text(9679, 57, 123)) != normalise(text(123456789, 987654321, 1234567)):
        raise SystemExit("differential: normalise() tells short serials from long ones")


def main():
    check_normalise()
    ref, ours = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3:]
    # Debian's keyctl must load Debian's library, not the build tree's.
    ref_env = {"LD_LIBRARY_PATH": ""}
    failures = 0
    count = 0
    for name, script in CASES:
        if wanted and not any(w in name for w in wanted):
            continue
        count += 1
        a = normalise(run(ref, script, ref_env))
        b = normalise(run(ours, script, {}))
        if a != b:
            # Chance can tell two equal runs apart: a key whose random
            # serial has under five digits, printed where NUMBER does not
            # look for one (about 5 keys in a million).  A difference in
            # keyctl shows again; chance does not, twice.
            a2 = normalise(run(ref, script, ref_env))
            b2 = normalise(run(ours, script, {}))
            if a2 == b2:
                print("note: %s differed once and not again (a short key serial?)" % name)
                continue
        if a != b:
            failures += 1
            print("FAIL %s" % name)
            import difflib
            for line in difflib.unified_diff(a.splitlines(), b.splitlines(),
                                             "reference", "ours", lineterm="", n=2):
                print("    " + line)
        elif os.environ.get("VERBOSE"):
            print("ok   %s" % name)
    print("%d/%d sequences identical (uid %d)" % (count - failures, count, os.geteuid()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
