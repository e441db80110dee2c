#!/usr/bin/env python3
"""keyctl -f against separate invocations: 1,000 `add user bench:N payloadN @s`
as a shell script running Debian's keyctl once a line, and as one batch of
ours, alternating, several rounds.  Prints the median wall and CPU times and
their ratios (the goal: the batch at least 50 times faster in wall time), and
checks after every run that the session keyring holds the same keys,
descriptions and payloads.

Runs as root only: an unprivileged user's quota (200 keys) is too small.

usage: bench_batch.py REFERENCE_KEYCTL OUR_KEYCTL [rounds]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "test", "keyctl"))
import kernel_keys  # noqa: E402 (found through the path above)
from kernel_keys import CLEAR, GET_KEYRING_ID, SESSION, read, keyctl as keyctl_call  # noqa: E402

KEYS = 1000
GOAL = 50

REF, OURS = sys.argv[1], sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 7


def session_keys():
    """(description, payload) of every key in the session keyring, sorted."""
    ring = keyctl_call(GET_KEYRING_ID, SESSION, 0)
    ids = read(ring, 4 * (KEYS + 16)) or b""
    keys = []
    for i in range(0, len(ids), 4):
        key = int.from_bytes(ids[i:i + 4], "little", signed=True)
        keys.append((kernel_keys.describe(key, 4096) or "", read(key, 4096)))
    return sorted(keys)


def timed(args, env):
    """Wall and CPU time (user+sys, the run's processes together) of one run,
    in a fresh session keyring, and the keys it left."""
    try:
        kernel_keys.join_session(clear_old=True)
    except OSError as e:
        raise SystemExit(e.strerror)
    start = time.perf_counter()
    pid = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("FAIL: %s exited %d" % (args[0], os.waitstatus_to_exitcode(status)))
    return (wall, usage.ru_utime + usage.ru_stime), session_keys()


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root: %d keys exceed an unprivileged user's quota of 200" % KEYS)
        return 77
    lines = ["add user bench:%d payload%d @s" % (i, i) for i in range(KEYS)]
    want = sorted(("user;0;0;3f010000;bench:%d" % i, b"payload%d" % i) for i in range(KEYS))
    with tempfile.TemporaryDirectory() as tmp:
        script, batch = os.path.join(tmp, "separate.sh"), os.path.join(tmp, "batch.keyctl")
        with open(script, "w") as f:
            f.writelines('"$K" %s\n' % line for line in lines)
        with open(batch, "w") as f:
            f.writelines(line + "\n" for line in lines)
        # Debian's keyctl must load Debian's library, ours its rpath'd build.
        runs = {"ref": (["sh", "-e", script], dict(os.environ, K=REF, LD_LIBRARY_PATH="")),
                "ours": ([OURS, "-f", batch], dict(os.environ))}
        times = {"ref": [], "ours": []}
        cpu = {"ref": [], "ours": []}
        for _ in range(ROUNDS):
            for which in ("ref", "ours"):  # alternating, so drift hits both alike
                (wall, used), keys = timed(*runs[which])
                cpu[which].append(used)
                # Descriptions carry the owner: compare as root sees them.
                if [k[1] for k in keys] != [k[1] for k in want] or \
                        [k[0].split(";")[4] for k in keys] != [k[0].split(";")[4] for k in want]:
                    print("FAIL: %s left other keys than the %d added" % (which, KEYS))
                    return 1
                times[which].append(wall)
                if which == "ours" and keys != ref_keys:
                    print("FAIL: the batch's keyring differs from the separate runs'")
                    return 1
                ref_keys = keys
        keyctl_call(CLEAR, SESSION)
    ref, ours = statistics.median(times["ref"]), statistics.median(times["ours"])
    print("%d x keyctl add, separate (1.6.3): median %8.1f ms  (%.3f ms a command)"
          % (KEYS, ref * 1e3, ref * 1e3 / KEYS))
    print("%d x keyctl add, one batch (ours): median %8.1f ms  (%.3f ms a command)"
          % (KEYS, ours * 1e3, ours * 1e3 / KEYS))
    ref_cpu, ours_cpu = statistics.median(cpu["ref"]), statistics.median(cpu["ours"])
    print("cpu (user+sys): separate %.1f ms, batch %.1f ms, ratio %.1fx"
          % (ref_cpu * 1e3, ours_cpu * 1e3, ref_cpu / ours_cpu if ours_cpu else float("inf")))
    print("wall ratio %.1fx (goal %dx), %d rounds; keyrings identical" % (ref / ours, GOAL, ROUNDS))
    if ref / ours < GOAL:
        print("FAIL: the batch is less than %d times faster" % GOAL)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
