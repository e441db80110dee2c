#!/usr/bin/env python3
"""keyctl doctor (ours alone: 1.6.3 has no such command): each check provoked,
the text and --json reports compared, the exit status checked.  Also
keyctl's %type:desc lookups with /proc/keys masked (ours; 1.6.3 fails).

usage: doctor_check.py OUR_KEYCTL GROUP
  main     syscalls (seccomp), session (revoked), possession, proc-keys,
           key-types, persistent (seccomp), request-key (--lint)
  masked   proc-keys masked or replaced, %user:NAME lookups then
  quota    a uid near its quota, keys awaiting the garbage collector (the
           host's root runs it as a fresh uid through test/as-test-user)
  session  a session that is the user-session keyring
A group that cannot be provoked here exits 77 (skipped), saying why.
Needs KEYCTL_TEST_SECCOMP_RUN (test/keyctl/seccomp-run) and
KEYCTL_REQUEST_KEY (the build's request-key).
"""
import errno
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import kernel_keys

kernel_keys.join_session()

K = sys.argv[1]
GROUP = sys.argv[2]
SECCOMP_RUN = os.environ["KEYCTL_TEST_SECCOMP_RUN"]
KEYCTL_GET_PERSISTENT = 22
failures = []
tmp = tempfile.mkdtemp(prefix="doctor-")

# A configuration of our own, not the host's.
CLEAN_CONF = os.path.join(tmp, "request-key.conf")
with open(CLEAN_CONF, "w") as f:
    f.write("create user doctor:* * /bin/true\n")
os.mkdir(os.path.join(tmp, "request-key.d"))
BASE_ENV = dict(os.environ, REQUEST_KEY_CONF=CLEAN_CONF,
                REQUEST_KEY_CONF_D=os.path.join(tmp, "request-key.d"))


def expect(cond, what):
    if not cond:
        failures.append(what)


def skip(why):
    print("SKIPPED:", why)
    sys.exit(77)


def run(*args, check=True):
    p = subprocess.run([K, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise SystemExit("keyctl %s failed: %s" % (" ".join(args)[:200], p.stderr.decode()))
    return p.stdout.decode().strip()


def doctor(prefix=(), env=None, what=""):
    """keyctl doctor and keyctl --json doctor, the same way; both must agree."""
    env = env or BASE_ENV
    t = subprocess.run([*prefix, K, "doctor"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env)
    j = subprocess.run([*prefix, K, "--json", "doctor"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    try:
        doc = json.loads(j.stdout.decode())
    except ValueError:
        raise SystemExit("%s: --json doctor printed no JSON: %r %r" % (what, j.stdout, j.stderr))
    text = t.stdout.decode()
    expect(t.returncode == j.returncode, "%s: text status %d, json %d" %
           (what, t.returncode, j.returncode))
    expect(t.stderr == b"" and j.stderr == b"", "%s: stderr %r %r" % (what, t.stderr, j.stderr))
    agree(text, doc, j.returncode, what)
    return j.returncode, text, doc


def agree(text, doc, status, what):
    """The text report says what the JSON says, and the status follows it.
    Numbers may differ: other users' keys come and go between the runs."""
    lines = [re.sub(r"[0-9]+", "N", line) for line in text.splitlines()]
    names = [c["check"] for c in doc["checks"]]
    expect(names == ["syscalls", "session", "possession", "proc-keys", "quota", "key-types",
                     "persistent", "request-key"], "%s: checks %r" % (what, names))
    for c in doc["checks"]:
        line = re.sub(r"[0-9]+", "N", "[%s] %s: %s" % (c["verdict"], c["check"], c["summary"]))
        expect(line in lines, "%s: text lacks %r" % (what, line))
        expect(c["verdict"] in ("ok", "info", "warning", "problem", "skipped"),
               "%s: verdict %r" % (what, c["verdict"]))
        if c["verdict"] in ("warning", "problem"):
            expect(c.get("fix") and re.sub(r"[0-9]+", "N", "    fix: " + c["fix"]) in lines,
                   "%s: %s has no fix" % (what, c["check"]))
        else:
            expect("fix" not in c, "%s: %s has a fix but no problem" % (what, c["check"]))
    problems = sum(c["verdict"] == "problem" for c in doc["checks"])
    warnings = sum(c["verdict"] == "warning" for c in doc["checks"])
    expect(doc["problems"] == problems and doc["warnings"] == warnings,
           "%s: counts %r" % (what, doc))
    expect(status == (1 if problems else 0), "%s: status %d with %d problems" %
           (what, status, problems))
    last = "no problems found" if not (problems or warnings) else "N problem%s, N warning%s" % (
        "" if problems == 1 else "s", "" if warnings == 1 else "s")
    expect(lines and lines[-1] == last, "%s: last line %r, not %r" % (what, lines[-1:], last))


def check(doc, name):
    return next(c for c in doc["checks"] if c["check"] == name)


def with_conf(text):
    path = os.path.join(tmp, "conf-%d" % len(os.listdir(tmp)))
    with open(path, "w") as f:
        f.write(text)
    return dict(BASE_ENV, REQUEST_KEY_CONF=path)


def host_uid():
    uid = os.geteuid()
    with open("/proc/self/uid_map") as f:
        for line in f:
            inside, outside, count = map(int, line.split())
            if inside <= uid < inside + count:
                return outside + uid - inside
    return -1


# ---------------------------------------------------------------------------

def group_main():
    caps = json.loads(run("--json", "supports"))["capabilities"]
    status, text, doc = doctor(what="fresh session")
    expect(check(doc, "syscalls")["verdict"] == "ok", "syscalls allowed")
    s = check(doc, "session")
    expect(s["verdict"] == "ok" and s["session"] == int(run("id", "@s")) and not s["fallback"],
           "a fresh session: %r" % s)
    p = check(doc, "possession")
    expect(p["verdict"] == "warning" and not p["linked"] and p["user"] == int(run("id", "@u")),
           "a fresh session does not link @u: %r" % p)
    expect("keyctl link @u @s" in p["fix"], "possession fix")
    expect(check(doc, "proc-keys")["verdict"] == "ok", "proc-keys readable")
    types = check(doc, "key-types")
    expect(types["verdict"] == "info", "key-types are information")
    expect(all(types["types"][t] is True for t in ("user", "keyring", "logon")),
           "basic types offered: %r" % types["types"])
    expect(types["types"]["big_key"] == caps["big_key_type"], "big_key as keyctl supports says")
    expect(types["capabilities"] == caps, "capabilities as keyctl supports says")
    pers = check(doc, "persistent")
    expect(pers["verdict"] == ("ok" if caps["persistent_keyrings"] else "info"),
           "persistent: %r" % pers)
    rk = check(doc, "request-key")
    expect(rk["verdict"] == "ok" and rk["status"] == 0 and "details" not in rk,
           "clean configuration: %r" % rk)
    expect(status == 0, "only a warning: status 0")

    # possession: linked, then fine
    run("link", "@u", "@s")
    status, _, doc = doctor(what="@u linked")
    expect(check(doc, "possession")["verdict"] == "ok" and check(doc, "possession")["linked"],
           "possession once linked")
    expect(status == 0 and doc["warnings"] == 0, "nothing wrong once @u is linked: %r" % doc)
    run("unlink", "@u", "@s")

    # syscalls: blocked by seccomp, two ways
    for err, word in ((errno.EPERM, "seccomp"), (errno.ENOSYS, "CONFIG_KEYS")):
        status, _, doc = doctor(prefix=(SECCOMP_RUN, str(err)), what="seccomp %d" % err)
        sc = check(doc, "syscalls")
        expect(sc["verdict"] == "problem" and sc["errno"] == err and word in sc["fix"],
               "blocked syscalls: %r" % sc)
        for name in ("session", "possession", "key-types", "persistent"):
            expect(check(doc, name)["verdict"] == "skipped", "%s skipped when blocked" % name)
        expect(check(doc, "request-key")["verdict"] == "ok", "lint runs when blocked")
        expect(status == 1, "blocked: status 1")

    # persistent: the kernel lacks it (info, status 0), or refuses it (a problem)
    if caps["persistent_keyrings"]:
        run("link", "@u", "@s")
        for err, verdict, want in ((errno.EOPNOTSUPP, "info", 0), (errno.EACCES, "problem", 1)):
            prefix = (SECCOMP_RUN, str(err), str(KEYCTL_GET_PERSISTENT))
            status, _, doc = doctor(prefix=prefix, what="persistent fails with %d" % err)
            pers = check(doc, "persistent")
            expect(pers["verdict"] == verdict and pers["errno"] == err,
                   "persistent fails with %d: %r" % (err, pers))
            expect(status == want, "persistent fails with %d: status %d" % (err, status))
        run("unlink", "@u", "@s")

    # session: revoked, as after the login that made it ended
    p = subprocess.run([K, "session", "-", "sh", "-c", '"$1" revoke @s && exec "$1" --json doctor',
                        "sh", K], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=BASE_ENV)
    doc = json.loads(p.stdout.decode())
    s = check(doc, "session")
    expect(s["verdict"] == "problem" and s["errno"] == errno.EKEYREVOKED and "new_session" in s["fix"],
           "revoked session: %r" % s)
    expect(check(doc, "possession")["verdict"] == "skipped", "no possession without a session")
    expect(p.returncode == 1, "revoked session: status 1")

    # request-key: warnings, errors, an unreadable file, no --lint, no program
    status, text, doc = doctor(env=with_conf("create user * * relative/handler\n"), what="warn")
    rk = check(doc, "request-key")
    expect(rk["verdict"] == "warning" and len(rk["details"]) == 1 and
           "not an absolute path" in rk["details"][0], "lint warning: %r" % rk)
    expect("    " + rk["details"][0] in text.splitlines(), "lint line in the text")
    expect(status == 0, "a lint warning: status 0")
    status, _, doc = doctor(env=with_conf("create user\ncreate user * * /bin/true\n"), what="error")
    rk = check(doc, "request-key")
    expect(rk["verdict"] == "problem" and rk["status"] == 1 and
           any("syntax error" in d for d in rk["details"]), "lint error: %r" % rk)
    expect(status == 1, "a lint error: status 1")
    env = dict(BASE_ENV, REQUEST_KEY_CONF=os.path.join(tmp, "missing.conf"))
    status, _, doc = doctor(env=env, what="missing conf")
    rk = check(doc, "request-key")
    expect(rk["verdict"] == "problem" and "missing.conf" in rk["details"][0],
           "missing configuration: %r" % rk)
    env = dict(BASE_ENV, KEYCTL_REQUEST_KEY=os.path.join(tmp, "no-such-program"))
    status, _, doc = doctor(env=env, what="no program")
    rk = check(doc, "request-key")
    expect(rk["verdict"] == "skipped" and rk["status"] is None, "no request-key: %r" % rk)
    # A request-key without --lint (1.6.3's) fails with nothing on stdout.
    fake = os.path.join(tmp, "old-request-key")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho \"invalid option\" >&2\nexit 1\n")
    os.chmod(fake, 0o755)
    status, _, doc = doctor(env=dict(BASE_ENV, KEYCTL_REQUEST_KEY=fake), what="no --lint")
    rk = check(doc, "request-key")
    expect(rk["verdict"] == "skipped" and "no --lint" in rk["summary"], "no --lint: %r" % rk)

    # doctor takes no arguments
    p = subprocess.run([K, "doctor", "x"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expect(p.returncode == 2 and p.stdout == b"", "doctor x: usage")


def in_mount_ns(script, *args):
    """Runs a shell script in a private mount namespace (in a user namespace of
    its own, mapped to root, when this process lacks CAP_SYS_ADMIN), or skips."""
    for prefix in (["unshare", "-m"], ["unshare", "-r", "-m"]):
        probe = subprocess.run([*prefix, "true"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            return subprocess.run([*prefix, "sh", "-c", script, "sh", *args],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=BASE_ENV)
    skip("no private mount namespace can be had here (unshare -m, unshare -r -m)")


def group_masked():
    # empty: /dev/null over /proc/keys
    p = in_mount_ns('mount --bind /dev/null /proc/keys && exec "$1" --json doctor', K)
    doc = json.loads(p.stdout.decode())
    pk = check(doc, "proc-keys")
    expect(pk["verdict"] == "problem" and "empty" in pk["summary"] and pk["lines"] == 0 and
           "unmask" in pk["fix"], "masked: %r" % pk)
    expect(check(doc, "quota")["awaiting_gc"] is None, "dead keys unknown when masked")
    expect(p.returncode == 1, "masked: status 1")
    agree_text = in_mount_ns('mount --bind /dev/null /proc/keys && exec "$1" doctor', K)
    agree(agree_text.stdout.decode(), doc, agree_text.returncode, "masked text")

    # another file: lines, none of them ours
    fake = os.path.join(tmp, "fake-keys")
    with open(fake, "w") as f:
        f.write("0abcdef1 I--Q---     1 perm 3f010000 54321 54321 user      other: 1\n")
    p = in_mount_ns('mount --bind "$2" /proc/keys && exec "$1" --json doctor', K, fake)
    pk = check(json.loads(p.stdout.decode()), "proc-keys")
    expect(pk["verdict"] == "problem" and pk["lines"] == 1 and "not this session" in pk["summary"],
           "replaced /proc/keys: %r" % pk)

    # none at all: an empty /proc
    p = in_mount_ns('mount -t tmpfs none /proc && exec "$1" --json doctor', K)
    doc = json.loads(p.stdout.decode())
    pk = check(doc, "proc-keys")
    expect(pk["verdict"] == "problem" and pk["errno"] == errno.ENOENT and not pk["readable"],
           "no /proc/keys: %r" % pk)
    expect(check(doc, "quota")["verdict"] == "skipped", "no quota figures without /proc")

    # keyctl's lookups by name walk the keyrings instead: the case where
    # 1.6.3 prints "Can't find 'user:NAME'" for a key in @u that @s does not
    # link.  The key is made inside, where @u is the namespace's own.
    name = "doctor:masked:%d" % os.getpid()
    script = '''set -e
k=$("$1" add user "$2" payload-in-user @s)
"$1" setperm "$k" 0x3f3f0000
"$1" link "$k" @u
"$1" unlink "$k" @s
mount --bind /dev/null /proc/keys
"$1" print "%user:$2"
"$1" id "%user:$2" > /dev/null
"$1" id %:_uid_ses.nonesuch || echo "nonesuch: $?"
"$1" unlink "$k" @u
'''
    p = in_mount_ns(script, K, name)
    out = p.stdout.decode().splitlines()
    expect(p.returncode == 0 and out[:1] == ["payload-in-user"],
           "keyctl print %%user: with /proc/keys masked: %r %r" % (out, p.stderr))
    expect(out[1:] == ["nonesuch: 1"] and b"Can't find 'keyring:_uid_ses.nonesuch'" in p.stderr,
           "a missing key still fails as 1.6.3 does: %r %r" % (out, p.stderr))


def is_host_root():
    with open("/proc/self/uid_map") as f:
        return os.geteuid() == 0 and f.read().split() == ["0", "0", "4294967295"]


def group_quota():
    if host_uid() == 0 and is_host_root():
        # root's quota (1,000,000 keys) no test can approach: run again as a
        # uid of the suite's reserved range (test/as-test-user picks one)
        as_test_user = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                    "as-test-user")
        p = subprocess.run([as_test_user, sys.executable, os.path.abspath(__file__), K, "quota"])
        sys.exit(p.returncode)
    if host_uid() == 0:
        skip("charged to the host's root, whose quota (1,000,000 keys) no test can approach")
    q = json.loads(run("--json", "quota"))
    status, _, doc = doctor(what="quota baseline")
    qc = check(doc, "quota")
    # doctor's own probes (its thread and process keyrings) count while it runs
    expect(qc["verdict"] == "ok" and qc["uid"] == q["uid"] and
           qc["keys"]["max"] == q["keys"]["max"] and qc["bytes"]["max"] == q["bytes"]["max"] and
           qc["keys"]["used"] >= q["keys"]["used"], "quota baseline %r vs %r" % (qc, q))
    limit = q["bytes"]["max"]
    # 80% of the bytes, then 95%: a warning, then a problem
    used = qc["bytes"]["used"]
    desc = "doctor:quota"
    k = run("add", "user", desc, "x" * (limit * 80 // 100 - used - len(desc)), "@s")
    status, _, doc = doctor(what="quota 80%")
    qc = check(doc, "quota")
    expect(qc["verdict"] == "warning" and "purge" in qc["fix"], "80%% of the quota: %r" % qc)
    expect(status == 0, "a warning: status 0")
    # add_key again, not KEYCTL_UPDATE: that takes one page at most
    expect(run("add", "user", desc, "x" * (limit * 95 // 100 - used - len(desc)), "@s") == k,
           "the key updated in place")
    status, text, doc = doctor(what="quota 95%")
    qc = check(doc, "quota")
    expect(qc["verdict"] == "problem" and qc["bytes"]["used"] >= limit * 90 // 100,
           "95%% of the quota: %r" % qc)
    expect(status == 1, "near the quota: status 1")
    run("invalidate", k)
    # the collector frees its bytes a moment later
    deadline = time.time() + 30
    while json.loads(run("--json", "quota"))["bytes"]["used"] > limit // 2:
        expect(time.time() < deadline, "an invalidated key's bytes never came back")
        if time.time() > deadline:
            return
        time.sleep(0.1)

    # revoked keys still linked wait for the collector, and are counted.
    # First the collector takes the invalidated key, which it may still be
    # counting (taking "before" while it does made the count race).
    deadline = time.time() + 30
    while True:
        before = check(doctor(what="before revoking")[2], "quota")["awaiting_gc"]
        if before == 0 or time.time() > deadline:
            break
        time.sleep(0.1)
    dead = [run("add", "user", "doctor:dead%d" % i, "x", "@s") for i in range(3)]
    for key in dead:
        run("revoke", key)
    qc = check(doctor(what="revoked")[2], "quota")
    expect(qc["awaiting_gc"] == before + 3 and ("%d of the keys await" % qc["awaiting_gc"]) in qc["summary"],
           "revoked keys counted: %r (before %r)" % (qc, before))
    for key in dead:
        run("unlink", key, "@s")


def group_session():
    name = run("rdescribe", "@us").split(";", 4)[4]
    script = '"$1" session "$2" sh -c \'[ "$("$1" id @s)" = "$("$1" id @us)" ] || exit 77; exec "$1" --json doctor\' sh "$1"'
    p = subprocess.run(["sh", "-c", script, "sh", K, name], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=BASE_ENV)
    if p.returncode == 77:
        skip("joining %s by name gave a keyring other than @us" % name)
    doc = json.loads(p.stdout.decode())
    s = check(doc, "session")
    expect(s["verdict"] == "problem" and s["fallback"] and s["session"] == s["user_session"] and
           s["name"] == name and "pam_keyinit" in s["fix"], "user-session fallback: %r" % s)
    expect(p.returncode == 1, "fallback: status 1")


{"main": group_main, "masked": group_masked, "quota": group_quota,
 "session": group_session}[GROUP]()
for f in failures:
    print("FAIL", f)
print("%d doctor checks failed" % len(failures))
sys.exit(1 if failures else 0)
