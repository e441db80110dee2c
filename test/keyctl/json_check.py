#!/usr/bin/env python3
"""--json output: parses as JSON and agrees with the plain output.

usage: json_check.py OUR_KEYCTL
"""
import json
import os
import re
import subprocess
import sys

import kernel_keys

try:
    kernel_keys.join_session()
except OSError as e:
    raise SystemExit(e.strerror)

K = sys.argv[1]
failures = []


def run(*args, stdin=None, check=True):
    p = subprocess.run([K, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise SystemExit("keyctl %s failed: %s" % (" ".join(args), p.stderr.decode()))
    return p.stdout.decode()


def jrun(*args, status=0):
    p = subprocess.run([K, "--json", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != status:
        failures.append("--json %s: status %d" % (" ".join(args), p.returncode))
    return json.loads(p.stdout.decode())


def expect(cond, what):
    if not cond:
        failures.append(what)


def raw_fields(key):
    t, uid, gid, perm, desc = run("rdescribe", key).rstrip("\n").split(";", 4)
    return {"type": t, "uid": int(uid), "gid": int(gid), "perm": perm, "description": desc}


k1 = run("add", "user", "semi;colon;desc", "hello", "@s").strip()
ring = run("newring", "sub ring", "@s").strip()
k2 = run("add", "user", "bin\"q", "\x01\x02", ring).strip()
k3 = run("add", "user", "dead", "x", ring).strip()
run("revoke", k3)

# describe/rdescribe: the same fields as the raw description
for key in (k1, k2, ring):
    d = jrun("describe", key)
    want = raw_fields(key)
    for field, value in want.items():
        expect(d.get(field) == value, "describe %s: %s %r != %r" % (key, field, d.get(field), value))
    expect(d["id"] == int(key), "describe id")
    expect(jrun("rdescribe", key) == d, "rdescribe == describe for %s" % key)
    expect(isinstance(d.get("flags"), str) and len(d["flags"]) == 7, "flags from /proc/keys")
    expect(isinstance(d.get("expiry"), str), "expiry from /proc/keys")
session = jrun("describe", "@s")
expect(session["id"] == int(run("id", "@s")), "describe @s resolves the ID")

# list/rlist: the same keys, in the same order, as the plain output
plain_ids = [int(x) for x in run("rlist", ring).split()]
expect(jrun("rlist", ring) == {"keyring": int(ring), "keys": plain_ids}, "rlist")
listed = jrun("list", ring)
expect([k["id"] for k in listed["keys"]] == plain_ids, "list ids")
dead = [k for k in listed["keys"] if k["id"] == int(k3)]
expect(dead and dead[0].get("errno") == 128 and "revoked" in dead[0]["error"], "revoked key error")

# show: the tree's IDs in plain output order
tree = jrun("show")
expect(tree["session"] is True, "show session flag")


def walk(node, out):
    out.append(node["id"])
    for child in node.get("children", []):
        walk(child, out)
    return out


plain_show = [int(m) for m in re.findall(r"^\s*(\d+)", run("show"), re.M)]
expect(walk(tree["root"], []) == plain_show, "show tree %r vs %r" % (walk(tree["root"], []), plain_show))
expect(jrun("show", ring)["session"] is False, "show keyring")

# read/print: length and bytes agree with the hex dump
r = jrun("read", k1)
dump = run("read", k1).split("\n", 1)[1].replace(" ", "").replace("\n", "")
expect(r["hex"] == dump and r["length"] == 5, "read hex")
p = jrun("print", k1)
expect(p["printable"] and p["text"] == "hello", "print text")
p = jrun("print", k2)
expect(not p["printable"] and "text" not in p and p["hex"] == "0102", "print binary")

# supports: the same answers as have_*=N lines
caps = jrun("supports")["capabilities"]
for line in run("supports").split():
    name, value = line.split("=")
    expect(caps.get(name[5:]) == (value == "1"), "supports %s" % name)
expect(jrun("supports", "--raw", status=3)["raw"] == run("supports", "--raw", check=False).strip(),
       "supports raw")
for name, have in caps.items():
    expect(jrun("supports", name, status=0 if have else 1)["supported"] == have, "supports " + name)
jrun("supports", "nonesuch", status=3)

# quota: numbers, and within the limits
q = jrun("quota")
expect(q["uid"] == os.geteuid(), "quota uid")
expect(0 < q["keys"]["used"] <= q["keys"]["max"], "quota keys %r" % q)
expect(0 < q["bytes"]["used"] <= q["bytes"]["max"], "quota bytes %r" % q)

# errors keep the plain message and status, and print nothing on stdout
p = subprocess.run([K, "--json", "describe", "12345"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
expect(p.returncode == 1 and p.stdout == b"" and p.stderr.startswith(b"keyctl_describe_alloc:"),
       "json error path")

for f in failures:
    print("FAIL", f)
print("%d JSON checks failed" % len(failures))
sys.exit(1 if failures else 0)
