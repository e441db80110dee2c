#!/usr/bin/env python3
"""keyctl side by side with Debian's: `keyctl show` over 2,000 keys in 20
keyrings (wall time and keyctl syscalls per key) and the start-up cost of a
short command (`keyctl id @s`).

usage: bench_keyctl.py REFERENCE_KEYCTL OUR_KEYCTL [rounds]
"""
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
# KEYCTL_JOIN_SESSION_KEYRING (1): a fresh anonymous session.  The system
# call number is this interpreter's, from the build machine's <sys/syscall.h>
# (meson passes it).
SYS_keyctl = int(os.environ["KEYUTILS_PY_SYS_KEYCTL"])
if libc.syscall(SYS_keyctl, 1, None) < 0:
    raise SystemExit("join session keyring (syscall %d): %s"
                     % (SYS_keyctl, os.strerror(ctypes.get_errno())))

REF, OURS = sys.argv[1], sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 30
RINGS, PER_RING = 20, 100
# Debian's keyctl must load Debian's library, ours its rpath'd build.
ENV = {"ref": dict(os.environ, LD_LIBRARY_PATH=""), "ours": dict(os.environ)}
BIN = {"ref": REF, "ours": OURS}


def keyctl(*args):
    return subprocess.run([OURS, *args], check=True, stdout=subprocess.PIPE).stdout.decode().strip()


def build_tree():
    # Enough quota for the tree: root, or a user whose limit allows it.
    for r in range(RINGS):
        ring = keyctl("newring", "bench%d" % r, "@s")
        for k in range(PER_RING):
            keyctl("add", "user", "key%d.%d" % (r, k), "payload", ring)
    return RINGS * PER_RING + RINGS + 1  # keys, keyrings, the session keyring


def timed(which, args):
    """Wall time and child CPU time (user+sys) of one run."""
    start = time.perf_counter()
    pid = os.posix_spawn(BIN[which], [BIN[which], *args], ENV[which],
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("%s %s failed" % (which, args))
    return wall, usage.ru_utime + usage.ru_stime


def measure(args, rounds):
    results = {"ref": ([], []), "ours": ([], [])}
    for _ in range(rounds):
        for which in ("ref", "ours"):  # interleaved, so drift hits both alike
            wall, cpu = timed(which, args)
            results[which][0].append(wall)
            results[which][1].append(cpu)
    return {w: (statistics.median(r[0]), statistics.mean(r[1])) for w, r in results.items()}


def syscalls(which, nodes):
    if not shutil.which("strace"):
        return None
    with tempfile.NamedTemporaryFile() as log:
        subprocess.run(["strace", "-f", "-e", "trace=keyctl", "-o", log.name, BIN[which], "show"],
                       env=ENV[which], stdout=subprocess.DEVNULL, check=True)
        calls = sum(1 for line in open(log.name) if "keyctl(" in line)
    return calls, calls / nodes


def main():
    try:
        nodes = build_tree()
    except subprocess.CalledProcessError:
        print("SKIP: cannot create %d keys here (key quota)" % (RINGS * PER_RING))
        return 77
    print("tree: %d keys in %d keyrings (%d nodes)" % (RINGS * PER_RING, RINGS, nodes))

    for which in ("ref", "ours"):
        s = syscalls(which, nodes)
        if s:
            print("%-4s keyctl show: %d keyctl syscalls, %.3f per key" % (which, s[0], s[1]))

    show = measure(["show"], ROUNDS)
    short = measure(["id", "@s"], ROUNDS * 10)
    for label, m in (("keyctl show", show), ("keyctl id @s", short)):
        (rw, rc), (ow, oc) = m["ref"], m["ours"]
        print("%-13s wall median  ref %8.3f ms  ours %8.3f ms  ratio %.2f"
              % (label, rw * 1e3, ow * 1e3, ow / rw))
        print("%-13s cpu mean     ref %8.3f ms  ours %8.3f ms  ratio %.2f"
              % (label, rc * 1e3, oc * 1e3, oc / rc if rc else float("nan")))
    keyctl("clear", "@s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
