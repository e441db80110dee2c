#!/usr/bin/env python3
"""request-key --explain, without the kernel: the rule it picks, the command
with the macros it knows expanded, and whether request-key would make the
keyctl call itself (instantiate, negate and reject at /bin/keyctl with keys
given as numbers) instead of starting keyctl.

usage: explain_check.py REQUEST-KEY
"""
import os
import subprocess
import sys
import tempfile

RK = sys.argv[1]
KEYCTL_HERE = os.access("/bin/keyctl", os.X_OK)

CONFIG = """\
create user inst:*      *        /bin/keyctl instantiate %k %c %S
create user neg:*       *        /bin/keyctl negate %k 30 %S
create user rej:*       *        /bin/keyctl reject %k 30 %c %S
create user special:*   *        /bin/keyctl instantiate %k %c @s
create user hex:*       *        /bin/keyctl instantiate -x %k %c %S
create user byname:*    *        /bin/keyctl instantiate %k %c %:ring
create user badtime:*   *        /bin/keyctl negate %k 30s %S
create user elsewhere:* *        /usr/local/bin/keyctl negate %k 30 %S
create user pipe:*      *        |/bin/keyctl negate %k 30 %S
create user other:*     *        /bin/keyctl describe %k
"""

# description, callout, whether the call is made inside request-key
CASES = [
    ("inst:a", "payload", True),
    ("neg:a", "", True),
    ("rej:a", "rejected", True),
    ("rej:b", "110", True),
    ("rej:c", "nonsense", False),
    ("special:a", "x", True),
    ("hex:a", "6869", False),
    ("byname:a", "x", False),
    ("badtime:a", "x", False),
    ("elsewhere:a", "x", False),
    ("pipe:a", "x", False),
    ("other:a", "x", False),
]

BUILTIN = "built-in: request-key makes this keyctl call itself; keyctl is not started"


def main():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, "request-key.conf")
        with open(conf, "w") as f:
            f.write(CONFIG)
        os.mkdir(os.path.join(tmp, "request-key.d"))
        env = dict(os.environ, REQUEST_KEY_CONF=conf,
                   REQUEST_KEY_CONF_D=os.path.join(tmp, "request-key.d"))
        for desc, callout, inside in CASES:
            p = subprocess.run([RK, "--explain", "create", "user", desc, callout],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = p.stdout.decode()
            if p.returncode != 0:
                failures.append("%s: exit %d: %s" % (desc, p.returncode, p.stderr.decode()))
                continue
            expect = inside and KEYCTL_HERE
            if (BUILTIN in out.splitlines()) != expect:
                failures.append("%s %r: built-in line %s\n%s"
                                % (desc, callout, "missing" if expect else "unexpected", out))
        # The explained command itself: %k and %S stay as written, %c is known.
        p = subprocess.run([RK, "--explain", "create", "user", "rej:x", "expired"],
                           env=env, stdout=subprocess.PIPE)
        want = "run: /bin/keyctl reject %k 30 expired %S"
        if want not in p.stdout.decode().splitlines():
            failures.append("rej:x: no line %r in\n%s" % (want, p.stdout.decode()))
    for f in failures:
        print("FAIL: " + f)
    print("%d cases, %d failures" % (len(CASES) + 1, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
