#!/usr/bin/env python3
"""request-key and key.dns_resolver side by side with Debian's, through the
kernel's real upcall: each program is bind-mounted over its /sbin path in
turn (in the initial mount namespace, where the kernel starts it), batches
alternating, and the time a request_key() call takes is measured from the
requester.  Cases: (a) the default configuration's debug shell handler, (b)
keyctl itself as the handler, (c) a pipe handler, (d) key.dns_resolver
answering an address literal (request-key is Debian's for both).  In case
(a) each side runs its own package's debug script, and in (a) and (b) its own
keyctl, as a system with that package installed does: Debian's
/usr/share/keyutils/request-key-debug.sh and /bin/keyctl, and ours from the
tree, each bind-mounted over that path in turn.
Every fourth round also runs a batch under a CPU probe (cpu_probe.c) to
report the CPU time the upcall's processes used, which a busy machine
disturbs less than wall time.  Root of the host only (exit 77
otherwise, saying why); every mount is undone on the way out.

usage: bench_request_key.py DEBIAN_RK OUR_RK DEBIAN_DNSR OUR_DNSR CPU_PROBE
                           DEBIAN_DEBUG_SH OUR_DEBUG_SH DEBIAN_KEYCTL OUR_KEYCTL
                           [rounds]
"""
import ctypes
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

(DEB_RK, OUR_RK, DEB_DNS, OUR_DNS, PROBE, DEB_DEBUG, OUR_DEBUG, DEB_KEYCTL,
 OUR_KEYCTL) = map(os.path.abspath, sys.argv[1:10])
# Debian's programs are run from copies in WORK: the originals' paths are the
# mount points, covered while the other side or the CPU probe is mounted there.
WORK = None
ROUNDS = int(sys.argv[10]) if len(sys.argv) > 10 else 20
BATCH = 10
RK_PATH, DNS_PATH, CONF_PATH = "/sbin/request-key", "/sbin/key.dns_resolver", "/etc/request-key.conf"
DEBUG_PATH = "/usr/share/keyutils/request-key-debug.sh"
KEYCTL_PATH = "/bin/keyctl"
PROBE_CONF = "/run/keyutils-bench-cpu-probe"

# Debian's default request-key.conf (its rules; the comments left out), and
# the benchmark's own rules after them.
CONFIG = """\
create  dns_resolver *          *               /sbin/key.dns_resolver %k
create  user    debug:*         negate          /bin/keyctl negate %k 30 %S
create  user    debug:*         rejected        /bin/keyctl reject %k 30 %c %S
create  user    debug:*         expired         /bin/keyctl reject %k 30 %c %S
create  user    debug:*         revoked         /bin/keyctl reject %k 30 %c %S
create  user    debug:loop:*    *               |/bin/cat
create  user    debug:*         *               /usr/share/keyutils/request-key-debug.sh %k %d %c %S
negate  *       *               *               /bin/keyctl negate %k 30 %S
create  user    bench:*         *               /bin/keyctl instantiate %k %c %S
create  user    benchpipe:*     *               |/bin/cat
"""


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def host_root_problem():
    if os.geteuid() != 0:
        return "needs root to bind-mount over /sbin/request-key"
    with open("/proc/self/uid_map") as f:
        if f.read().split() != ["0", "0", "4294967295"]:
            return "needs the host's root (this is a user namespace)"
    try:
        if os.stat("/proc/self/ns/mnt").st_ino != os.stat("/proc/1/ns/mnt").st_ino:
            return "not in the initial mount namespace, where the kernel starts request-key"
    except OSError:
        pass
    for p in (DEB_RK, OUR_RK, DEB_DNS, OUR_DNS, PROBE, RK_PATH, DNS_PATH, DEB_DEBUG, OUR_DEBUG,
              DEB_KEYCTL, OUR_KEYCTL, KEYCTL_PATH):
        if not os.access(p, os.X_OK):
            return p + " is missing"
    return None


mounted = []


def mount(source, target):
    mounted.append(target)  # before: a signal in between must still undo it
    subprocess.run(["mount", "--bind", source, target], check=True)


def umount(target):
    subprocess.run(["umount", "-l", target], check=False)
    mounted.remove(target)


def undo_all(*_):
    while mounted:
        umount(mounted[-1])
    if os.path.exists(PROBE_CONF):
        os.unlink(PROBE_CONF)
    if _:
        sys.exit(1)


keyutils = ctypes.CDLL("libkeyutils.so.1", use_errno=True)
keyutils.request_key.restype = ctypes.c_int32
keyutils.request_key.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int32]
keyutils.keyctl.restype = ctypes.c_long
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_CLEAR = 1, 7
KEY_SPEC_SESSION_KEYRING = -3
serial = [0]
failures = []


def upcall(case):
    """One request_key() through the kernel; its wall time in seconds."""
    serial[0] += 1
    name = "%d.%d" % (os.getpid(), serial[0])
    key_type, desc, info = {
        "debug": (b"user", b"debug:" + name.encode(), b"payload"),
        "keyctl": (b"user", b"bench:" + name.encode(), b"payload"),
        "pipe": (b"user", b"benchpipe:" + name.encode(), b"payload"),
        # An address literal: getaddrinfo answers it without asking DNS.
        "dns": (b"dns_resolver", b"10.%d.%d.%d" % (serial[0] >> 16 & 255, serial[0] >> 8 & 255,
                                                   serial[0] & 255), b""),
    }[case]
    start = time.perf_counter()
    key = keyutils.request_key(key_type, desc, info, KEY_SPEC_SESSION_KEYRING)
    took = time.perf_counter() - start
    if key < 0:
        # Another test's mounts over ours, most likely: counted, not timed.
        failures.append("%s: %s" % (case, os.strerror(ctypes.get_errno())))
        return None
    return took


SIDES = {"debian": (DEB_RK, DEB_DNS, DEB_DEBUG, DEB_KEYCTL),
         "ours": (OUR_RK, OUR_DNS, OUR_DEBUG, OUR_KEYCTL)}
CASES = ("debug", "keyctl", "pipe", "dns")


def run_batch(side, case, probe_log=None):
    rk, dns, debug_sh, keyctl = SIDES[side]
    if case == "dns":
        rk, target, program = DEB_RK, DNS_PATH, dns
    else:
        target, program = RK_PATH, rk
    before = len(mounted)
    if case == "dns":
        mount(rk, RK_PATH)
    if case == "debug":
        mount(debug_sh, DEBUG_PATH)
    if case in ("debug", "keyctl"):
        mount(keyctl, KEYCTL_PATH)
    if probe_log:
        with open(PROBE_CONF, "w") as f:
            f.write(program + "\n" + probe_log + "\n")
        mount(PROBE, target)
    else:
        mount(program, target)
    try:
        return [t for t in (upcall(case) for _ in range(BATCH)) if t is not None]
    finally:
        keyutils.keyctl(KEYCTL_CLEAR, KEY_SPEC_SESSION_KEYRING)
        while len(mounted) > before:
            umount(mounted[-1])


def cpu_times(side, case):
    with tempfile.NamedTemporaryFile(prefix="rk-bench-cpu.", delete=False) as f:
        log = f.name
    try:
        run_batch(side, case, log)
        with open(log) as f:
            return [int(x) / 1e6 for x in f.read().split()]
    finally:
        os.unlink(log)


def main():
    problem = host_root_problem()
    if problem:
        skip(problem)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, undo_all)
    keyutils.keyctl(KEYCTL_JOIN_SESSION_KEYRING, None)
    global DEB_RK, DEB_DNS, DEB_DEBUG, DEB_KEYCTL, WORK
    for which in ("/sbin/request-key", "/sbin/key.dns_resolver", DEBUG_PATH, KEYCTL_PATH):
        for line in open("/proc/self/mountinfo"):
            if line.split()[4] in (which, "/usr" + which):
                skip("%s has something mounted over it (another test running?)" % which)
    WORK = tempfile.mkdtemp(prefix="rk-bench.")
    os.chmod(WORK, 0o755)
    DEB_RK = shutil.copy2(DEB_RK, os.path.join(WORK, "debian-request-key"))
    DEB_DNS = shutil.copy2(DEB_DNS, os.path.join(WORK, "debian-key.dns_resolver"))
    DEB_DEBUG = shutil.copy2(DEB_DEBUG, os.path.join(WORK, "debian-request-key-debug.sh"))
    DEB_KEYCTL = shutil.copy2(DEB_KEYCTL, os.path.join(WORK, "debian-keyctl"))
    SIDES["debian"] = (DEB_RK, DEB_DNS, DEB_DEBUG, DEB_KEYCTL)
    conf = os.path.join(WORK, "request-key.conf")
    with open(conf, "w") as f:
        f.write(CONFIG)
    os.chmod(conf, 0o644)
    wall = {(s, c): [] for s in SIDES for c in CASES}
    cpu = {(s, c): [] for s in SIDES for c in CASES}
    try:
        mount(conf, CONF_PATH)
        for r in range(ROUNDS):
            for case in CASES:
                order = ("debian", "ours") if r % 2 == 0 else ("ours", "debian")
                for side in order:
                    wall[side, case] += run_batch(side, case)
                    if r % 4 == 0:
                        cpu[side, case] += cpu_times(side, case)
    finally:
        undo_all()
        shutil.rmtree(WORK)
    report(wall, cpu)
    if len(failures) > ROUNDS * BATCH:
        sys.exit("too many upcalls failed: %d" % len(failures))


def report(wall, cpu):
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print("upcalls through the kernel, %d rounds x %d per side and case; load average %s"
          % (ROUNDS, BATCH, " ".join(load)))
    print("%-8s %12s %12s %8s   %14s %14s %8s" % ("case", "debian ms", "ours ms", "ratio",
                                                  "debian cpu ms", "ours cpu ms", "ratio"))
    for case in CASES:
        d, o = statistics.median(wall["debian", case]), statistics.median(wall["ours", case])
        dc, oc = statistics.median(cpu["debian", case]), statistics.median(cpu["ours", case])
        print("%-8s %12.3f %12.3f %8.2f   %14.3f %14.3f %8.2f"
              % (case, d * 1e3, o * 1e3, o / d, dc * 1e3, oc * 1e3, oc / dc))
    if failures:
        print("%d upcalls failed and were left out (first: %s)" % (len(failures), failures[0]))
    print("(medians; wall time of request_key() in the requester; CPU time of the upcall's")
    print(" processes as the probe's wait4() saw it; 'debug' runs each side's own debug")
    print(" script, 'debug' and 'keyctl' each side's own keyctl; 'dns' runs")
    print(" key.dns_resolver under Debian's request-key on both sides)")


if __name__ == "__main__":
    main()
