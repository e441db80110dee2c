#!/usr/bin/env python3
"""Randomized differential fuzzer: Debian's keyctl against ours.

Seeded random sequences of every keyctl 1.6.3 command, with valid and
malformed arguments, run once by each keyctl on identical but separate state:
every run forks a child that enters its own user namespace, joins a fresh
session keyring, builds the sequence's starting keys through libkeyutils and
runs the commands one by one.  Exit status, stdout and the first stderr line
of each command are compared after key IDs are renamed.

usage: fuzz.py REFERENCE_KEYCTL OUR_KEYCTL [--seed N|random] [--commands N]
               [--sequence SEED]... [--sequence-file FILE] [--keep-going]
               [--jobs N] [--verbose]

With --seed random a new seed is drawn (and printed) unless KEYCTL_FUZZ_SEED
is set in the environment: that replays a run of the meson test that picks a
new seed every time.  --sequence replays one sequence of a run, as printed
with a divergence; --sequence-file replays a list of them (the
fuzz-regressions test replays regressions.txt, every sequence that once
diverged).
"""
import argparse
import concurrent.futures
import ctypes
import json
import multiprocessing
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time
import traceback

import kernel_keys

libc = ctypes.CDLL(None, use_errno=True)
# Whichever libkeyutils.so.1 the loader finds builds the starting state; the
# same library does it for both runs, so which one does not matter.  When the
# build's library cannot be loaded into this interpreter (a sanitizer build,
# or one for another kind of machine), meson names another in
# KEYCTL_FUZZ_SETUP_LIB.
lib = ctypes.CDLL(os.environ.get("KEYCTL_FUZZ_SETUP_LIB") or "libkeyutils.so.1", use_errno=True)
for name in ("add_key", "request_key"):
    getattr(lib, name).restype = ctypes.c_int32
lib.keyctl_get_keyring_ID.restype = ctypes.c_int32

# How much slower than native the test setup runs keyctl (valgrind: 20).
SLOWDOWN = int(os.environ.get("KEYUTILS_TEST_SLOWDOWN", "1"))
# How long settle() waits at most for a key that is on its way out.
DYING_WAIT = 15.0 * SLOWDOWN

CLONE_NEWUSER = 0x10000000
KEY_SPEC_SESSION_KEYRING = -3
KEY_SPEC_USER_KEYRING = -4
KEY_SPEC_USER_SESSION_KEYRING = -5

# The hidden `--test limits` commands add thousands of keys and take seconds:
# only their malformed forms are fuzzed.  `--json` and `quota` are our
# extensions, absent from 1.6.3, so they are left out.
COMMANDS = """add chgrp chown clear describe dh_compute dh_compute_kdf dh_compute_kdf_oi
get_persistent id instantiate invalidate link list move negate new_session newring padd
pinstantiate pipe pkey_query pkey_encrypt pkey_decrypt pkey_sign pkey_verify prequest2 print
pupdate purge rdescribe read reap reject request request2 restrict_keyring revoke rlist search
security session setperm show supports timeout unlink update watch watch_add watch_rm
watch_session watch_sync --version --test""".split()
# With kernel notifications, `watch` waits for events until it is killed, so
# its output is a matter of timing; this kernel has none and both keyctls
# fail at once, which is worth comparing.
if os.path.exists("/dev/watch_queue"):
    COMMANDS.remove("watch")
    COMMANDS.remove("watch_session")


# --- the starting state ----------------------------------------------------

class Setup:
    """The keys a sequence starts with, chosen from its seed."""

    def __init__(self, rng):
        self.payload = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 40)))
        self.nested = rng.random() < 0.5
        self.logon = rng.random() < 0.5
        self.revoked = rng.random() < 0.4
        self.negative = rng.random() < 0.2
        self.expired = rng.random() < 0.08
        self.locked = rng.random() < 0.3
        self.long_desc = rng.randrange(1025, 2600) if rng.random() < 0.15 else 0
        self.file = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))

    def names(self):
        n = ["S", "K1", "K2", "R1"]
        for flag, name in ((self.nested, "R2"), (self.logon, "L"), (self.revoked, "V"),
                           (self.negative, "N"), (self.expired, "E"), (self.locked, "X"),
                           (self.long_desc, "D")):
            if flag:
                n.append(name)
        return n

    def build(self, token):
        """Creates the keys in the current session; returns {name: id}."""
        t = token.encode()
        ids = {"S": lib.keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 1),
               # Known by ID so that their IDs in keyring dumps get renamed.
               "U": lib.keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 1),
               "US": lib.keyctl_get_keyring_ID(KEY_SPEC_USER_SESSION_KEYRING, 1)}

        def add(name, type_, desc, data, ring):
            key = lib.add_key(type_, desc, data, len(data), ring)
            if key < 0:
                raise OSError(ctypes.get_errno(), "setup: add_key %s: %s"
                              % (name, os.strerror(ctypes.get_errno())))
            ids[name] = key
            return key

        if self.expired:
            lib.keyctl_set_timeout(add("E", b"user", t + b"exp", b"e", ids["S"]), 1)
            started = time.time()
        add("K1", b"user", t + b"a", self.payload, ids["S"])
        add("R1", b"keyring", t + b"r1", b"", ids["S"])
        add("K2", b"user", t + b"b", b"second", ids["R1"])
        if self.nested:
            add("R2", b"keyring", t + b"r2", b"", ids["R1"])
        if self.logon:
            add("L", b"logon", t + b":lg", b"secret", ids["S"])
        if self.revoked:
            lib.keyctl_revoke(add("V", b"user", t + b"rev", b"v", ids["S"]))
        if self.locked:
            lib.keyctl_setperm(add("X", b"user", t + b"lk", b"x", ids["S"]), 0x01000000)
        if self.long_desc:
            # Only its possessor sees it in /proc/keys, so that the runs of
            # other sequences going on at once do not crash 1.6.3.
            lib.keyctl_setperm(add("D", b"user", t + b"d" * self.long_desc, b"long", ids["S"]),
                               0x3f000000)
        if self.negative:
            # No handler matches, so /sbin/request-key negates it.
            lib.request_key(b"user", t + b"neg", b"info", ids["S"])
            # A search finds no negative key: /proc/keys names it.
            ids["N"] = next((k for k, _, _, desc in proc_keys()
                             if desc.startswith(t + b"neg")), 0)
        if self.expired:
            # Expiry is counted in whole seconds: wait past the next one.
            time.sleep(max(0.0, 1.05 - (time.time() - started)))
        return ids


# --- random arguments ------------------------------------------------------

def pick(rng, *choices):
    return rng.choice(choices)


class Gen:
    """Random arguments; names in braces are filled in per run (see fill())."""

    def __init__(self, rng, setup):
        self.rng = rng
        self.names = setup.names()
        self.long_desc = setup.long_desc

    def key(self):
        r = self.rng.random()
        if r < 0.5:
            return "{%s}" % self.rng.choice(self.names + ["new0", "new1"])
        if r < 0.55:
            # The same IDs written otherwise: in hex, signed, padded.  (Not
            # with a leading 0: whether that reads as octal depends on the
            # digits the ID was drawn with.)
            return pick(self.rng, "0x{%s:x}", " {%s}", "{%s} ", "+{%s}", "-{%s}",
                        "0X{%s:x}") % self.rng.choice(self.names)
        if r < 0.7:
            return pick(self.rng, "@s", "@u", "@us", "@p", "@t", "@g", "@a")
        if r < 0.85:
            return pick(self.rng, "%user:{T}a", "%user:{T}b", "%:{T}r1", "%keyring:{T}r2",
                        "%logon:{T}:lg", "%user:{T}rev", "%user:{T}neg", "%user:{T}none",
                        "%keyring:{T}a", "%:{T}a", "%user:{T}exp", "%user:{T}lk",
                        "%user:{T}d" if not self.long_desc else "%user:{T}" + "d" * self.long_desc)
        return self.bad_key()

    def bad_key(self):
        return pick(self.rng, "0", "-1", "-8", "-9", "12345", "abc", "12abc", "0x", "", "@",
                    "@x", "@ss", "%", "%user", "%:", "%user:", "%nosuchtype:{T}a", "+7",
                    " 5", "1e3", "99999999999", "4294967295", "-2147483648", "0x7fffffff",
                    "-", "--", "-x", "-f")

    def ring(self):
        if self.rng.random() < 0.6:
            return "{%s}" % self.rng.choice(["S", "R1", "R1", "S"] + (
                ["R2"] if "R2" in self.names else []))
        return self.key()

    def type_(self, request=False):
        # Requesting a dns_resolver key runs key.dns_resolver, which asks
        # the DNS: its time and answer are the network's.
        return pick(self.rng, "user", "user", "user", "keyring", "logon", "big_key",
                    "asymmetric", "", "nosuchtype", ".request_key_auth", "user ",
                    "encrypted", "trusted", "USER", "x" * 40,
                    *([] if request else ["dns_resolver"]))

    def desc(self):
        r = self.rng.random()
        if r < 0.5:
            return "{T}" + pick(self.rng, "a", "b", "c", "r1", "r2", "new", "x", "rev", "neg")
        if r < 0.9:
            return "{T}" + pick(self.rng, ";semi;colon", " with spaces ", "\ttab", "\nnewline",
                                ":colon", "caf\u00e9", "%", "@s", "", "a" * 200,
                                "b" * self.rng.randrange(900, 1100),
                                "c" * self.rng.randrange(1025, 2000), ":", "lg:x")
        return pick(self.rng, "", ";", "lg:x", "a" * 4096, "a" * 4095, "%user:x")

    def data(self):
        r = self.rng.random()
        if r < 0.6:
            return "".join(self.rng.choice("abcdefxyz 0123~\t")
                           for _ in range(self.rng.randrange(0, 30)))
        return pick(self.rng, "", "hello world", "\u00e9t\u00e9", "x" * 500, "\x1b[0m", ";", "-x")

    def hex(self):
        r = self.rng.random()
        if r < 0.5:
            return "".join("%02x" % self.rng.randrange(256)
                           for _ in range(self.rng.randrange(0, 12)))
        return pick(self.rng, "01 02 0a", "0102z", "012", "", " 0 1 ", "0X", "AbCd", "zz",
                    "\tab\ncd  ", "0x12", "1", "gg", "a b", "ab cd ef", "00")

    def number(self):
        return pick(self.rng, "0", "1000", "3600", "86400", "abc", "10x", "0x10", "010", "",
                    "-1", "1.5", "4294967296", "99999999999999999999", "+20", " 30", "0x")

    def perm(self):
        if self.rng.random() < 0.5:
            return "0x%08x" % (self.rng.getrandbits(32) & 0x3f3f3f3f | 0x3f000000)
        return pick(self.rng, "0x3f3f0000", "0x3f010000", "0", "077", "abc", "0x",
                    "4294967295", "0x3f010000x", "-1", "0x01000000", "0x3f3f3f3f", "")

    def owner(self):
        return pick(self.rng, "0", "1", "-1", "abc", "5x", "4294967295", "65534", "")

    def errno_(self):
        return pick(self.rng, "rejected", "expired", "revoked", "64", "foo", "-1", "0x10",
                    "", "0", "126")

    def fd(self):
        return pick(self.rng, "0", "1", "2", "99", "-1", "abc", "")

    def kv(self):
        return pick(self.rng, "enc=pkcs1", "hash=sha256", "enc=raw", "foo", "=", "a=b=c",
                    "hash=", "k=v")

    def file(self):
        return pick(self.rng, "data", "data", "nonexistent", "", ".")

    def cap(self):
        return pick(self.rng, "--raw", "capabilities", "persistent_keyrings", "dh_compute",
                    "public_key", "big_key_type", "key_invalidate", "restrict_keyring",
                    "move_key", "ns_keyring_name", "ns_key_tag", "notify", "foo", "")


# Each command's well-formed argument lists, drawn from the generator;
# '-x' and friends are literal options.
def shapes(g, cmd):
    r = g.rng
    K, R, T, D = g.key, g.ring, g.type_, g.desc

    def kvs(most):
        return [g.kv() for _ in range(r.randrange(0, most))]

    table = {
        "add": lambda: ([T(), D(), g.data(), R()] if r.random() < 0.7
                        else ["-x", T(), D(), g.hex(), R()]),
        "padd": lambda: [T(), D(), R()] if r.random() < 0.7 else ["-x", T(), D(), R()],
        "chgrp": lambda: [K(), g.owner()],
        "chown": lambda: [K(), g.owner()],
        "clear": lambda: [R()],
        "describe": lambda: [K()],
        "rdescribe": lambda: [K()] + ([pick(r, ":", "|", "", "ab")] if r.random() < 0.4 else []),
        "dh_compute": lambda: [K(), K(), K()],
        "dh_compute_kdf": lambda: [K(), K(), K(), g.number(), pick(r, "sha256", "md5", "x")],
        "dh_compute_kdf_oi": lambda: ((["-x"] if r.random() < 0.3 else [])
                                      + [K(), K(), K(), g.number(), "sha256"]),
        "get_persistent": lambda: [R()] + ([g.owner()] if r.random() < 0.5 else []),
        "id": lambda: [K()],
        "instantiate": lambda: ([K(), g.data(), R()] if r.random() < 0.7
                                else ["-x", K(), g.hex(), R()]),
        "pinstantiate": lambda: (["-x"] if r.random() < 0.3 else []) + [K(), R()],
        "invalidate": lambda: [K()],
        "link": lambda: [K(), R()],
        "list": lambda: [R()],
        "rlist": lambda: [R()],
        "move": lambda: (["-f"] if r.random() < 0.3 else []) + [K(), R(), R()],
        "negate": lambda: [K(), g.number(), R()],
        "new_session": lambda: [] if r.random() < 0.5 else [pick(r, "{T}ses", "", "_ses")],
        "newring": lambda: [D(), R()],
        "pipe": lambda: [K()],
        "print": lambda: [K()],
        "read": lambda: [K()],
        "pkey_query": lambda: [K(), pick(r, "0", "1", "x")] + kvs(3),
        "pkey_encrypt": lambda: [K(), "0", g.file()] + kvs(2),
        "pkey_decrypt": lambda: [K(), "0", g.file()] + kvs(2),
        "pkey_sign": lambda: [K(), "0", g.file()] + kvs(2),
        "pkey_verify": lambda: [K(), "0", g.file(), g.file()] + kvs(2),
        "request": lambda: [T(True), D()] + ([R()] if r.random() < 0.6 else []),
        "request2": lambda: [T(True), D(), g.data()] + ([R()] if r.random() < 0.6 else []),
        "prequest2": lambda: [T(True), D()] + ([R()] if r.random() < 0.6 else []),
        "update": lambda: [K(), g.data()] if r.random() < 0.7 else ["-x", K(), g.hex()],
        "pupdate": lambda: (["-x"] if r.random() < 0.3 else []) + [K()],
        "purge": lambda: pick(r, [T()], [T(), D()], ["-p", T(), "{T}"], ["-i", T(), D()],
                              ["-s", T(), D()], ["-p", "-i", T(), "{T}A"], ["-ip", T(), "{T}"]),
        "reap": lambda: pick(r, [], ["-v"]),
        "reject": lambda: [K(), g.number(), g.errno_(), R()],
        "restrict_keyring": lambda: [R()] + pick(r, [], ["user"], ["asymmetric"],
                                                 ["asymmetric", "builtin_trusted"],
                                                 ["asymmetric", "key_or_keyring:{R1}"]),
        "revoke": lambda: [K()],
        "search": lambda: [R(), T(), D()] + ([R()] if r.random() < 0.5 else []),
        "security": lambda: [K()],
        "session": lambda: pick(r, [], ["-"], ["-", "true"], ["-", "false"], ["-", "/nonexistent"],
                                ["{T}ses", "true"], ["-", "sh", "-c", "exit 3"], [""]),
        "setperm": lambda: [K(), g.perm()],
        "show": lambda: pick(r, [], ["-x"], [R()], ["-x", R()], [K()]),
        "supports": lambda: pick(r, [], [g.cap()]),
        "timeout": lambda: [K(), g.number()],
        "unlink": lambda: [K()] + ([R()] if r.random() < 0.7 else []),
        "watch": lambda: pick(r, [K()], ["-f" + pick(r, "", "i", "abc", "nlrsi"), K()]),
        "watch_add": lambda: [g.fd(), K()],
        "watch_rm": lambda: [g.fd(), K()],
        "watch_sync": lambda: [g.fd()],
        "watch_session": lambda: pick(r, [], ["a", "b", g.fd(), "true"],
                                      ["-n", "x", "a", "b", "5", "true"],
                                      ["-fi", "a", "b", "0", "true"]),
        "--version": lambda: [],
        "--test": lambda: pick(r, [], ["x"], ["limits", "x"], ["limits2", "y"], [""]),
    }
    return table[cmd]()


def mutate(g, args):
    """Breaks an argument list: a word missing, extra, replaced or an option added."""
    r = g.rng
    kind = r.random()
    args = list(args)
    if kind < 0.3 and args:
        del args[r.randrange(len(args))]
    elif kind < 0.5:
        args.insert(r.randrange(len(args) + 1), pick(r, "x", "{K1}", "@s", "", "--"))
    elif kind < 0.8 and args:
        i = r.randrange(len(args))
        args[i] = pick(r, g.bad_key(), g.number(), g.hex(), "", "-x")
    else:
        args.insert(0, pick(r, "-x", "-f", "-v", "-p", "-i", "-s", "-z", "-fx", "--", "-"))
    return args


def big_number(word):
    """Whether strtoul would read `word` as a number from 1 MiB to 1 TiB."""
    try:
        value = int(word.strip(), 0)
    except ValueError:
        return False
    return (1 << 20) <= value < (1 << 40)


def short_time(word):
    """Whether strtoul would read `word` as 1 to 19 (seconds)."""
    try:
        return 1 <= int(word.strip(), 10) < 20
    except ValueError:
        return False


def command(g):
    r = g.rng
    if r.random() < 0.02:
        return {"argv": pick(r, [], ["sho"], ["foo"], ["-x"], ["--versio"]), "stdin": None}
    cmd = r.choice(COMMANDS)
    args = shapes(g, cmd)
    if r.random() < 0.3:
        args = mutate(g, args)
    if args[:1] in (["limits"], ["limits2"]) and len(args) == 1 and cmd == "--test":
        args.append("x")
    # dh_compute_kdf allocates its length before it calls the kernel: a
    # length of gigabytes would measure the machine's memory, not keyctl.
    if cmd.startswith("dh_compute_kdf"):
        args = ["1000" if big_number(a) else a for a in args]
    # A key that expires within the sequence makes its outcome a matter of
    # timing: no timeouts of seconds.
    if cmd in ("timeout", "negate", "reject"):
        args = ["3600" if short_time(a) else a for a in args]
    # rdescribe's separator is the first character of its second word: a
    # key ID there would make it the ID's first digit.
    if cmd == "rdescribe" and len(args) > 1 and "{" in args[1] and "{T}" not in args[1]:
        args[1] = "|"
    stdin = None
    # watch_sync on fd 0 waits until nobody's data is left in the pipe: its
    # outcome would depend on when the data gets written.
    if cmd in ("padd", "pupdate", "pinstantiate", "prequest2", "dh_compute_kdf_oi") or (
            r.random() < 0.03 and cmd != "watch_sync"):
        stdin = pick(r, "", "hello", "6869\n0a", "zz", "abc", "0102", "x" * 300, "\x00\x01\x02")
    return {"argv": [cmd] + args, "stdin": stdin}


def sequence(seed):
    rng = random.Random(seed)
    length = rng.randrange(6, 20)
    setup = Setup(rng)
    g = Gen(rng, setup)
    return setup, [command(g) for _ in range(length)]


# --- running ---------------------------------------------------------------

def enter_user_namespace():
    """Own user namespace, this uid mapped to root, as unshare -r does."""
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER): " +
                      os.strerror(ctypes.get_errno()))
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write("0 %d 1" % uid)
    with open("/proc/self/gid_map", "w") as f:
        f.write("0 %d 1" % gid)


def proc_keys():
    """(id, flags, usage, "description: summary") of every key /proc/keys
    shows us."""
    out = []
    with open("/proc/keys", "rb") as f:
        for line in f:
            fields = line.split(None, 8)
            if len(fields) < 9:
                continue
            out.append((int(fields[0], 16), fields[1].decode(), int(fields[2]), fields[8]))
    return out


# membarrier(MEMBARRIER_CMD_GLOBAL) returns after an RCU grace period
# (synchronize_rcu); its number on the machines this harness runs on.
SYS_MEMBARRIER = {"x86_64": 324, "aarch64": 283}.get(os.uname().machine)


def gc_pass(token):
    """Returns once the garbage collector has run since the call: a sentinel
    key is dropped and waited for.  A keyring drops the keys unlinked from
    it in RCU callbacks, which run in no set order across CPUs: a grace
    period first, so that those of the last command are due before the
    sentinel's is even queued."""
    key = lib.add_key(b"user", token.encode() + b"gc", b"x", 1, KEY_SPEC_SESSION_KEYRING)
    if key < 0:  # the session keyring is closed to us now: just wait
        time.sleep(0.06)
        return
    if SYS_MEMBARRIER is not None:
        libc.syscall(SYS_MEMBARRIER, 1, 0)
    lib.keyctl_unlink(key, KEY_SPEC_SESSION_KEYRING)
    # It is certain to go: how long that takes is the machine's load.
    deadline = time.time() + DYING_WAIT
    while time.time() < deadline and any(k == key for k, _, _, _ in proc_keys()):
        time.sleep(0.002)


def vanish(keys):
    """Waits (a while at most) until these keys are out of /proc/keys."""
    deadline = time.time() + 0.25
    while time.time() < deadline and any(k in keys for k, _, _, _ in proc_keys()):
        time.sleep(0.002)


# Commands that can take a key's last link away (revoking a keyring clears
# it).
RELEASING = {"unlink", "clear", "move", "invalidate", "newring", "add", "padd", "link", "purge",
             "reap", "session", "new_session", "request", "request2", "prequest2", "negate",
             "reject", "instantiate", "pinstantiate", "get_persistent", "revoke"}


def settle(known, token, visible, released, slow):
    """Waits for the garbage collector to finish with the keys of a command.

    Unlinking a key drops the keyring's reference only after an RCU grace
    period; a key left unreferenced is then destroyed by the kernel's GC a
    moment later, and destroying a keyring unreferences its keys in turn.
    Until then the key is alive for a lookup by ID and /proc/keys (and so
    %type:desc) shows it.  So after a command that may have unlinked a key
    (`released`), GC passes are awaited (a sentinel key dropped after the
    command is released after it) until one changes none of our keys in
    /proc/keys, and in between while any of them is unreferenced or
    invalidated.  A key of ours going out of sight (dead, or its view
    permission taken away) also calls for a pass.  Keys held only by an
    exited keyctl's thread or process keyring, or by a replaced session, go
    when its credentials are freed, after an RCU grace period too: hence a
    pause first when the command named @t or @p or started a session.
    A key sure to go (see below) is waited for up to DYING_WAIT, however
    loaded the machine; the rest of the wait has short bounds.
    `visible` is updated to our keys in sight.  Returns False if a key sure
    to go had still not gone at the end."""
    if slow:
        time.sleep(0.03)
    t = token.encode()
    started = quiet = time.time()
    before = None
    passes = 0
    settled = True
    while True:
        keys = proc_keys()
        known.update(k for k, _, _, desc in keys if t in desc)
        ours = {k for k, _, _, _ in keys if k in known}
        # A key of ours with no references left, or dead, is certain to
        # go, and until it has gone a command naming it gets EACCES (it is
        # no longer possessed) where it would get ENOKEY a moment later.
        # So it is waited for as long as it takes a loaded machine's
        # collector to get to it; it cannot be a key kept by another
        # sequence, since those are never in `known`.  (An invalidated key
        # is not: a session's restriction or our credentials may hold it.
        # The pass after "invalidate" takes it out of every keyring.)
        dying = [(k, flags, usage, desc) for k, flags, usage, desc in keys
                 if k in ours and (usage == 0 or "D" in flags[2:3])]
        if dying:
            quiet = time.time()
            if quiet - started > DYING_WAIT:
                print("fuzz: note: a key of a finished command still awaits the collector "
                      "after %.0f s: %r" % (DYING_WAIT, dying), file=sys.stderr, flush=True)
                settled = False
                break
            time.sleep(0.002)
            continue
        # The keys a dying keyring held are released when it goes: the
        # passes go on for a while after the last dying key.
        if time.time() - quiet > 3.0 * SLOWDOWN:
            break
        # After a command whose keys go with its credentials (`slow`), a
        # keyring they held is destroyed in a GC run and its keys are
        # dropped after that run: one more pass for them.
        if passes < 5 and (before is None and (released or slow or visible - ours) or
                           before is not None and (before != ours or slow and passes < 2)):
            before = ours
            passes += 1
            gc_pass(token)
            continue
        break
    visible.clear()
    visible.update(ours)
    return settled


def current_session(previous):
    """The session keyring's ID; an invalidated one is no longer found
    (ENOKEY) but is still ours until something replaces it."""
    now = lib.keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0)
    return previous if now < 0 else now


def check_settle():
    """settle() waits until a key a command unlinked has gone, and not for
    an invalidated session keyring, which our credentials hold and
    current_session() still names (a child process checks, in a session of
    its own)."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            enter_user_namespace()
            session = lib.keyctl_join_session_keyring(None)
            key = lib.add_key(b"user", b"fuzz-check", b"x", 1, session)
            known, visible = {session, key}, set()
            lib.keyctl_unlink(key, session)
            first = settle(known, "fuzz-check", visible, True, False)
            gone = all(k != key for k, _, _, _ in proc_keys())
            lib.keyctl_invalidate(session)
            second = settle(known, "fuzz-check", visible, True, False)
            status = 0 if first and gone and second and current_session(session) == session else 1
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise SystemExit("fuzz: settle() fails its own check")


ID = re.compile(rb"(?<![\w.])(?:0x[0-9a-f]{8}|[1-9][0-9]{4,9})(?![\w.])")
SHORT_NUMBER = re.compile(rb"(?<![\w.<])[1-9][0-9]{0,3}(?![\w.>])")



def fill(arg, ids, token):
    """{T} is the run's token, {NAME} a key's ID, {NAME:x} the same in hex."""
    def sub(m):
        name, form = m.group(1), m.group(2)
        if name == "T":
            return token
        key = ids.get(name, 0) or 4  # 4: an ID no key has
        return "%x" % key if form else str(key)
    return re.sub(r"\{(\w+)(:x)?\}", sub, arg)


def run_sequence(keyctl, setup, commands, token, env, out_path):
    """Child process: the whole sequence with one keyctl; writes JSON."""
    result = {"setup_error": None, "steps": []}
    try:
        enter_user_namespace()
        if lib.keyctl_join_session_keyring(None) < 0:
            raise OSError(ctypes.get_errno(), "join session keyring: " +
                          os.strerror(ctypes.get_errno()))
        ids = setup.build(token)
        known = set(ids.values())
        known.update(k for k, _, _, desc in proc_keys() if token.encode() in desc)
        seen = set()
        new = 0
        session = ids["S"]
        visible = set()
        settle(known, token, visible, False, False)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "data"), "wb") as f:
                f.write(setup.file)
            for step in commands:
                argv = [fill(a, ids, token) for a in step["argv"]]
                stdin = step["stdin"]
                try:
                    p = subprocess.run([keyctl] + argv, env=env, cwd=tmp,
                                       input=(stdin or "").encode("utf-8", "surrogateescape"),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       timeout=20 * SLOWDOWN)
                    rc, out, err = p.returncode, p.stdout, p.stderr
                except subprocess.TimeoutExpired:
                    rc, out, err = "timeout", b"", b""
                printed = [int(x, 0) for x in ID.findall(out + err)]
                known.update(printed)
                # Keys no output named, e.g. keyctl's own process keyring
                # after "link @p {S}", which pipe then shows in binary: their
                # IDs get renamed too.  They are not waited for in settle(),
                # which would otherwise wait on the keys of the sequences
                # running beside this one.
                seen.update(k for k, _, _, _ in proc_keys())
                name = argv[0] if argv else ""
                # Keys the command made become {new0}, {new1}...
                if rc == 0 and name in ("add", "padd", "newring", "request", "request2",
                                        "prequest2") and printed and new < 2:
                    ids["new%d" % new] = printed[0]
                    new += 1
                # What lived only in an exited keyctl's own keyrings (@t and
                # @p, also written -1 and -2), or in a session just replaced,
                # goes once RCU lets go of it.
                own = any(a.strip() in ("@t", "@p", "-1", "-2") for a in argv)
                now = current_session(session)
                if own or now != session:
                    vanish((set(printed) if own else set()) - {now} | (
                        {session} if now != session else set()))
                    session = now
                settle(known, token, visible, rc == 0 and name in RELEASING,
                       own or name in ("session", "new_session"))
                result["steps"].append({"rc": rc, "out": out.decode("latin-1"),
                                        "err": err.decode("latin-1")})
        result["ids"] = ids
        result["known"] = sorted(known | seen)
    except Exception:  # the harness failed, not keyctl: say where, in the parent
        result["setup_error"] = traceback.format_exc()
    with open(out_path, "w") as f:
        json.dump(result, f)


def decimal_ids(text, known):
    """Key IDs in binary (a keyring's payload through pipe) or in hex dumps
    (read, print) of their little-endian bytes, turned into decimal."""
    for k in known:
        le = struct.pack("<I", k & 0xffffffff)
        text = text.replace(le, b"{%d}" % k)
        text = text.replace(le.hex().encode(), b"{%d}" % k)
    return text


def normalise(result, token):
    """Transcript lines with key IDs renamed and the run's token replaced."""
    ids = result.get("ids", {})
    known = [k for k in result.get("known", []) if k > 0]
    known_set = set(known)
    by_value = {v: k for k, v in ids.items() if v}
    order = {}

    def rename(m):
        s = m.group(0)
        value = int(s, 0)
        if value in by_value:
            return "<%s>" % by_value[value]
        if value not in order:
            order[value] = "<N%d>" % (len(order) + 1)
        return order[value]

    def clean(text):
        text = decimal_ids(text.replace(token, "TOK").encode("latin-1"), known)
        # Right-aligned ID columns pad by the ID's length.
        text = re.sub(rb"(?m)^ +(?=[1-9][0-9]{4,9}\b)", b"", text)
        text = ID.sub(lambda m: rename(m).encode(), text)
        # A serial is random from 3 up: one of under five digits (about 5
        # in a million) is renamed where it is a key this run saw.
        text = SHORT_NUMBER.sub(lambda m: rename(m).encode() if int(m.group(0)) in known_set
                                else m.group(0), text)
        # Each binary's own build date.
        text = re.sub(rb"\(Built [^)]*\)", b"(Built <DATE>)", text)
        # "watch -f <key>" makes the key ID the filter list, and in
        # "watch -<key>" getopt(3) takes it for options: the bad character
        # named is the ID's first digit.
        text = re.sub(rb"(Unknown filter character|invalid option --) '[0-9]'", rb"\1 '<digit>'",
                      text)
        # print shows a keyring's payload (its key IDs) as hex when any of
        # the IDs' bytes is unprintable: a matter of the IDs drawn.
        text = re.sub(rb":hex:(?=\{<)", b"", text)
        return text.decode("latin-1")

    steps = []
    for s in result["steps"]:
        first = s["err"].split("\n", 1)[0]
        steps.append({"rc": s["rc"], "out": clean(s["out"]), "err": clean(first)})
    return steps


def random_token(rng):
    return "fz" + "".join(rng.choice("ghjkmnpqrtvwxy") for _ in range(6))


def gone(token, timeout=2.0):
    """Waits until no key with the run's token is left in /proc/keys."""
    t = token.encode()
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not any(t in desc for _, _, _, desc in proc_keys()):
            return
        time.sleep(0.005)


def run_both(ref, ours, setup, commands):
    """Runs the sequence with each keyctl in turn; returns their steps.

    Both runs use the same descriptions, so keyrings (ordered by a hash of
    type and description) list their keys in the same order; the second
    starts only once the first one's keys are gone, so %type:desc lookups in
    one never find the other's keys.  A failure of the harness itself (a
    fork refused on a busy machine) is retried."""
    for attempt in range(4):
        results = run_each(ref, ours, setup, commands)
        errors = [r["setup_error"] for _, r in results if r["setup_error"]]
        if not errors:
            return [normalise(r, token) for token, r in results]
        time.sleep(1 + attempt)
    raise SystemExit("fuzz: the harness failed:\n%s" % errors[0])


def run_each(ref, ours, setup, commands):
    token = random_token(random.SystemRandom())
    base = dict(os.environ, LC_ALL="C", SHELL="/bin/true")
    envs = [dict(base, LD_LIBRARY_PATH=""), base]  # Debian's keyctl on Debian's library
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, keyctl in enumerate((ref, ours)):
            path = os.path.join(tmp, "r%d.json" % i)
            pid = os.fork()
            if pid == 0:
                try:
                    run_sequence(keyctl, setup, commands, token, envs[i], path)
                finally:
                    os._exit(0)
            os.waitpid(pid, 0)
            with open(path) as f:
                results.append((token, json.load(f)))
            gone(token)
    return results


def compare(a, b):
    """First divergence: (index, kind) or None; reference crashes noted."""
    crashes = []
    for i, (x, y) in enumerate(zip(a, b)):
        if isinstance(y["rc"], int) and y["rc"] < 0 or y["rc"] == "timeout":
            return i, "ours crashed", crashes
        if isinstance(x["rc"], int) and x["rc"] < 0:
            # 1.6.3 crashes where ours must not; it left the state as it
            # was and ours may have changed it, so the rest is not compared.
            crashes.append(i)
            return None, None, crashes
        if x != y:
            return i, "diverged", crashes
    return None, None, crashes


def show_args(argv):
    def short(a):
        a = re.sub(r"(.)\1{15,}", lambda m: "%s{x%d}" % (m.group(1), len(m.group(0))), a)
        return repr(a) if not re.fullmatch(r"[\w@%:.{}=/+-]+", a) else a
    return " ".join(short(a) for a in argv)


def transcript(commands, steps):
    """The commands and what they printed; the last one (where the runs
    differ) in full, the others shortened."""
    lines = []
    for n, (c, s) in enumerate(zip(commands, steps)):
        last = n == len(commands) - 1
        width, height = (100000, 100000) if last else (200, 12)
        lines.append("$ keyctl %s%s" % (show_args(c["argv"]),
                                        "" if c["stdin"] is None else " <<< %r" % c["stdin"]))
        lines.append("  rc=%s" % s["rc"])
        for line in s["out"].splitlines()[:height]:
            lines.append("  | " + line[:width])
        if s["err"]:
            lines.append("  stderr: " + s["err"][:width])
    return "\n".join(lines)


def minimise(ref, ours, setup, commands, index):
    """Drops commands before the divergence while it still reproduces."""
    commands = commands[:index + 1]
    i = len(commands) - 2
    while i >= 0:
        trial = commands[:i] + commands[i + 1:]
        a, b = run_both(ref, ours, setup, trial)
        if compare(a, b)[0] == len(trial) - 1:
            commands = trial
        i -= 1
    return commands


def pair(ref, ours, sseed):
    """One sequence, both runs, in a worker process."""
    setup, commands = sequence(sseed)
    # A margin under the unprivileged quota, which the keys of finished runs
    # hold until the collector frees them, for the runs going on at once.
    kernel_keys.wait_for_quota(limit=4.0)
    return run_both(ref, ours, setup, commands)


def report(opts, seed, sseed, index, kind, a, b):
    """Confirms a divergence by a second run; returns its report, the
    sequence shortened, or None."""
    setup, commands = sequence(sseed)
    a2, b2 = run_both(opts.reference, opts.ours, setup, commands)
    # A difference in keyctl shows again at the same command; one that moves
    # or goes away is the timing of the kernel's collector (see settle()).
    if compare(a2, b2)[:2] != (index, kind):
        print("note: sequence %d diverged once and not again at the same command (a race?) "
              "at:\n%s\n%s"
              % (sseed, transcript(commands[index:index + 1], a[index:]),
                 transcript(commands[index:index + 1], b[index:])), flush=True)
        return None
    small = minimise(opts.reference, opts.ours, setup, commands, index)
    a3, b3 = run_both(opts.reference, opts.ours, setup, small)
    whole = compare(a3, b3)[0] is None
    if whole:
        small = commands[:index + 1]
    else:
        a, b = a3, b3
    return "\n".join([
        "DIVERGENCE (%s) seed %d, sequence %d; replay: --sequence %d" % (kind, seed, sseed, sseed)]
        + (["(the shortened sequence did not diverge again: the whole one follows)"]
           if whole else []) + [
        "starting keys: %s%s" % (", ".join(setup.names()),
                                 ", D has a %d-byte description" % setup.long_desc
                                 if setup.long_desc else ""),
        "--- reference", transcript(small, a),
        "--- ours", transcript(small, b)])


def check_normalise():
    """Runs that differ only in their key IDs, one of them short, compare
    equal; numbers that are not keys are left as they are."""
    def steps(key, count):
        return normalise({"steps": [{"rc": 0, "out": "%d\n%d keys\n" % (key, count), "err": ""}],
                          "known": [key], "ids": {}}, "TOK")
    for short in (3, 9679):
        if steps(short, 7) != steps(123456789, 7) or steps(short, 7) == steps(short, 8):
            raise SystemExit("fuzz: normalise() fails its own check for serial %d" % short)


def main():
    check_normalise()
    check_settle()
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("ours")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--commands", type=int, default=2000)
    ap.add_argument("--sequence", type=int, action="append",
                    help="run only the sequence with this seed (repeatable)")
    ap.add_argument("--sequence-file",
                    help="run only the sequences listed in this file, a seed a line (# comments)")
    ap.add_argument("--keep-going", action="store_true", help="report every divergence")
    ap.add_argument("--jobs", type=int, default=4,
                    help="sequences run at once (most of the time goes on waiting for the GC)")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    opts.reference, opts.ours = os.path.abspath(opts.reference), os.path.abspath(opts.ours)
    seed = opts.seed
    if seed == "random":
        seed = os.environ.get("KEYCTL_FUZZ_SEED") or random.SystemRandom().randrange(1 << 32)
    seed = int(seed)
    print("keyctl fuzz: seed %d (replay: KEYCTL_FUZZ_SEED=%d), uid %d, %d commands"
          % (seed, seed, os.geteuid(), opts.commands), flush=True)
    master = random.Random(seed)
    chosen = list(opts.sequence or [])
    if opts.sequence_file:
        with open(opts.sequence_file) as f:
            chosen += [int(line.split("#", 1)[0]) for line in f if line.split("#", 1)[0].strip()]
    seeds, total = list(chosen), 0
    while total < opts.commands and not chosen:
        seeds.append(master.getrandbits(32))
        total += len(sequence(seeds[-1])[1])
    started = time.time()
    done = sequences = divergences = 0
    crashed, reports = [], []
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(opts.jobs, mp_context=context) as pool:
        runs = pool.map(pair, [opts.reference] * len(seeds), [opts.ours] * len(seeds), seeds)
        for sseed, (a, b) in zip(seeds, runs):
            commands = sequence(sseed)[1]
            index, kind, crashes = compare(a, b)
            done += len(commands)
            sequences += 1
            for i in crashes:
                crashed.append((sseed, show_args(commands[i]["argv"])))
            if index is not None:
                text = report(opts, seed, sseed, index, kind, a, b)
                if text:
                    reports.append(text)
                    divergences += 1
                    if not opts.keep_going:
                        pool.shutdown(cancel_futures=True)
                        break
            elif opts.verbose:
                print("ok sequence %d (%d commands)" % (sseed, len(commands)))
            if sequences % 50 == 0:
                print("... %d commands, %.0fs" % (done, time.time() - started), flush=True)
    for sseed, argv in crashed:
        print("reference crashed (ours did not): sequence %d: keyctl %s" % (sseed, argv[:120]))
    # Last, so that the end of the output (all a CI log may show) has them.
    for text in reports:
        print(text, flush=True)
    print("%d commands in %d sequences, %d divergences, %d reference crashes, %.1fs"
          % (done, sequences, divergences, len(crashed), time.time() - started))
    return 1 if divergences else 0


if __name__ == "__main__":
    sys.exit(main())
