#!/usr/bin/env python3
"""The bash, zsh and fish completions of keyctl: each file parses in its
shell, names every command of keyctl's usage text, and (zsh, fish) completes
commands, @names, %type: and the descriptions of the caller's keys.  A shell
that is not installed is reported and its checks skipped; with none of the
three, the test is skipped (77).

usage: completion_check.py OUR_KEYCTL COMPLETION_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import kernel_keys

K, SRC = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
FILES = {"bash": os.path.join(SRC, "keyctl.bash-completion"),
         "zsh": os.path.join(SRC, "keyctl.zsh-completion"),
         "fish": os.path.join(SRC, "keyctl.fish-completion")}
kernel_keys.join_session()
failures, skipped = [], []

# The commands of the usage text ("  keyctl NAME ..."), and quota, ours.
usage = subprocess.run([K], stderr=subprocess.PIPE).stderr.decode()
commands = sorted(set(re.findall(r"^  keyctl (\S+)", usage, re.M))) + ["quota"]
if len(commands) < 50:
    raise SystemExit("no usage text from %s: %r" % (K, usage))

for shell, path in FILES.items():
    text = open(path).read()
    missing = [c for c in commands if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(c), text)]
    if missing:
        failures.append("%s completion lacks %s" % (shell, " ".join(missing)))
    if not shutil.which(shell):
        skipped.append(shell)
        continue
    p = subprocess.run([shell, "-n", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode:
        failures.append("%s -n %s: %s" % (shell, path, p.stdout.decode()))

# Keys whose descriptions the completions offer after %type:.
subprocess.run([K, "add", "user", "completion test", "x", "@s"], check=True, stdout=subprocess.PIPE)
subprocess.run([K, "newring", "completion ring", "@s"], check=True, stdout=subprocess.PIPE)

# What each command line (the last word being completed) must and must not offer.
CASES = [
    ("keyctl ", ["add", "show", "quota", "--version", "watch_session"], ["@s"]),
    ("keyctl sho", ["show"], []),
    ("keyctl --json ", ["describe", "list"], []),
    ("keyctl describe ", ["@s", "@u", "@us", "@a", "%user:", "%keyring:"], ["add"]),
    ("keyctl link @s ", ["@s", "@p"], []),
    ("keyctl print %us", ["%user:"], []),
    ("keyctl print %user:compl", ["%user:completion test"], ["%keyring:completion ring"]),
    ("keyctl list %keyring:completion", ["%keyring:completion ring"], ["%user:completion test"]),
    ("keyctl list %:completion", ["%:completion ring"], []),
    ("keyctl add ", ["user", "logon", "keyring", "-x"], ["@s"]),
    ("keyctl add -x ", ["user"], ["-x"]),
    ("keyctl supports ", ["--raw", "notify", "move_key"], ["@s"]),
    ("keyctl reject 1 2 ", ["rejected", "expired", "revoked"], []),
    ("keyctl purge ", ["user", "keyring"], ["@s"]),
    ("keyctl -f x ", [], ["add", "show"]),
]


def offered_zsh(lines):
    """The candidates per command line, through stand-ins of zsh's
    completion builtins (zsh_stubs.zsh); %type: lookups come back without
    the %type: part, as zsh's compset moves it to IPREFIX."""
    p = subprocess.run(["zsh", "-f", os.path.join(HERE, "zsh_stubs.zsh"), FILES["zsh"], *lines],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, cur = {}, None
    for line in p.stdout.decode().splitlines():
        if line.startswith("== "):
            cur = line[3:]
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def zsh_form(line, candidate):
    """A candidate as the zsh stand-ins print it."""
    m = re.match(r"%[^:]*:", line.split(" ")[-1])
    if m and candidate.startswith(m.group(0)):
        return candidate[len(m.group(0)):]
    return candidate[1:].rstrip(":") if candidate.startswith("%") else candidate


def offered_fish(lines, home):
    out = {}
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home)
    for line in lines:
        p = subprocess.run(["fish", "--no-config", "-c", 'source $argv[1]; complete -C "$argv[2]"',
                            FILES["fish"], line], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env)
        out[line] = [c.split("\t")[0] for c in p.stdout.decode().splitlines()]
        if p.returncode:
            failures.append("fish on %r: %s" % (line, p.stderr.decode()))
    return out


def churn(stop):
    """Keys come and go until `stop` is set: /proc/keys shifts under a reader
    that seeks in it (fish's read did, and lost lines)."""
    i = 0
    while not stop.is_set():
        key = kernel_keys.add_key(b"user", b"churn%d" % (i % 20), b"x", kernel_keys.SESSION)
        if key > 0:
            kernel_keys.keyctl(kernel_keys.UNLINK, key, kernel_keys.SESSION)
        i += 1
        time.sleep(0.0005)


lines = [c[0] for c in CASES]
with tempfile.TemporaryDirectory() as home:
    results = {}
    if "zsh" not in skipped:
        results["zsh"] = offered_zsh(lines)
    if "fish" not in skipped:
        results["fish"] = offered_fish(lines, home)
    # The same lookup, many times, while keys come and go.
    stop = threading.Event()
    churner = threading.Thread(target=churn, args=(stop,))
    churner.start()
    lookup = "keyctl print %user:compl"
    lost = {}
    if "zsh" not in skipped:
        zsh_runs = [offered_zsh([lookup])[lookup] for _ in range(40)]
        lost["zsh"] = sum(1 for r in zsh_runs if "completion test" not in r)
    if "fish" not in skipped:
        lost["fish"] = sum(1 for _ in range(40) if "%user:completion test" not in
                           offered_fish([lookup], home)[lookup])
    stop.set()
    churner.join()
    for shell, n in lost.items():
        if n:
            failures.append("%s lost the key in %d of 40 lookups while keys came and went"
                            % (shell, n))
for shell, got in results.items():
    for line, want, unwanted in CASES:
        form = (lambda c: zsh_form(line, c)) if shell == "zsh" else (lambda c: c)
        offered = got.get(line, [])
        lacking = [w for w in want if form(w) not in offered]
        extra = [u for u in unwanted if form(u) in offered]
        if lacking or extra:
            failures.append("%s %r: lacks %r, offers %r (of %r)"
                            % (shell, line, lacking, extra, offered[:20]))

for f in failures:
    print("FAIL", f)
for s in skipped:
    print("SKIP %s: not installed" % s)
print("%d completion checks failed" % len(failures))
if failures:
    sys.exit(1)
sys.exit(77 if len(skipped) == len(FILES) else 0)
