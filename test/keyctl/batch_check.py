#!/usr/bin/env python3
"""keyctl -f: a batch prints what its lines print as separate invocations.

Each script runs three ways, each in a fresh session keyring: every line as a
separate invocation of our keyctl (through sh -c, whose word splitting the
batch's quoting subset follows), the whole as one `keyctl -f`, and, for
scripts of 1.6.3's commands, every line as a separate invocation of Debian's
keyctl.  Stdout, stderr (each line tagged with the script line that wrote it:
the batch's FILE:LINE: prefix, or the invocation's own line), the exit status
and the resulting session keyring (descriptions and payloads) must agree once
key IDs are renamed.  Then the cases only batch mode has: refused commands,
unterminated quotes, a missing file, stdin.

usage: batch_check.py OUR_KEYCTL [REFERENCE_KEYCTL]
"""
import os
import re
import subprocess
import sys
import tempfile

import kernel_keys
from differential import normalise
from kernel_keys import CLEAR, GET_KEYRING_ID, SESSION, keyctl as keyctl_call

OURS = sys.argv[1]
REF = sys.argv[2] if len(sys.argv) > 2 and os.access(sys.argv[2], os.X_OK) else None
SLOWDOWN = int(os.environ.get("KEYUTILS_TEST_SLOWDOWN", "1"))
ENV = {"ours": dict(os.environ, LC_ALL="C"),
       # Debian's keyctl must load Debian's library, not the build tree's.
       "ref": dict(os.environ, LC_ALL="C", LD_LIBRARY_PATH="")}
failures = []
compared = []


def fresh_session():
    """Leaves the previous session emptied and joins a new anonymous one,
    which the commands run below inherit."""
    try:
        kernel_keys.join_session(clear_old=True)
    except OSError as e:
        raise SystemExit(e.strerror)


read_key = kernel_keys.read_all


def check_quota_wait():
    """fresh_session() gives the next script the quota the last one's keys
    held: 100 keys of 100 bytes, then a new session, and the room must be
    back (the keys were still charged for a moment after the clear)."""
    fresh_session()
    for i in range(100):
        if kernel_keys.add_key(b"user", b"quota-check-%d" % i, b"q" * 100, SESSION) < 0:
            break
    fresh_session()
    q = kernel_keys.quota_in_use()
    if q and (q[1] - q[0] < kernel_keys.ROOM_KEYS or q[3] - q[2] < kernel_keys.ROOM_BYTES):
        raise SystemExit("batch_check: the quota was not given back after a new session: "
                         "%d/%d keys, %d/%d bytes" % q)


def describe(key):
    return kernel_keys.describe(key) or "inaccessible"


def dump(key, depth=0):
    """The tree under `key`: IDs, descriptions and payloads.  IDs are
    written as 0x%08x, which normalise() always renames: a serial is random
    from 3 up, and one of under five digits in decimal would not be."""
    text = describe(key)
    line = "%s0x%08x %s" % ("  " * depth, key & 0xffffffff, text)
    data = read_key(key)
    if text.startswith("keyring;"):
        children = [int.from_bytes(data[i:i + 4], "little", signed=True)
                    for i in range(0, len(data or b""), 4)]
        return "\n".join([line] + [dump(c, depth + 1) for c in children])
    return line + " = " + (data.hex() if data is not None else "unreadable")


def session_tree():
    return dump(keyctl_call(GET_KEYRING_ID, SESSION, 0))


def blank(line):
    return not line.strip() or line.strip().startswith("#")


class Result:
    def __init__(self, stdout, errors, status, tree):
        self.stdout, self.errors, self.status, self.tree = stdout, errors, status, tree

    def text(self):
        errors = "".join("%d: %s\n" % e for e in self.errors)
        return normalise("%s\n-- stderr\n%s-- status %d\n-- keys\n%s\n"
                         % (self.stdout, errors, self.status, self.tree))


def run(args, which, stdin, merged=False):
    return subprocess.run(args, env=ENV[which], input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                          timeout=60 * SLOWDOWN)


def separate(which, lines, force=False, json=False, stdin=b"", merged=None):
    """Each line as an invocation of its own; stops at the first failure
    unless `force`, as the batch does.  `merged`: stderr into stdout, and the
    result of the run without, to tell which commands failed silently."""
    binary = OURS if which == "ours" else REF
    fresh_session()
    out, errors, first = "", [], 0
    for number, line in enumerate(lines, 1):
        if blank(line):
            continue
        p = run(["sh", "-c", 'exec "$0" %s%s' % ("--json " if json else "", line), binary],
                which, stdin, merged)
        out += p.stdout.decode("utf-8", "replace")
        err = "" if merged else p.stderr.decode("utf-8", "replace")
        errors += [(number, e) for e in err.splitlines()]
        if p.returncode:
            first = first or p.returncode
            if not force:
                # The batch says why it stops where a command said nothing.
                note = "stopped: exit status %d" % p.returncode
                if not merged and not err:
                    errors.append((number, note))
                elif merged and (number, note) in merged.errors:
                    out += note + "\n"
                break
    return Result(out, errors, first, session_tree())


PREFIX = re.compile(r"^(.*?):(\d+): (.*)$")


def batch(lines, force=False, json=False, stdin=b"", merged=False, via_stdin=False):
    fresh_session()
    with tempfile.NamedTemporaryFile("w", suffix=".keyctl") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        args = [OURS] + (["--json"] if json else []) + ["-f", "-" if via_stdin else f.name]
        args += ["--force"] if force else []
        if via_stdin:
            stdin = "\n".join(lines).encode() + b"\n"
        p = run(args, "ours", stdin, merged)
        name = "<stdin>" if via_stdin else f.name
    out = p.stdout.decode("utf-8", "replace")
    errors = []
    for e in (p.stderr or b"").decode("utf-8", "replace").splitlines():
        m = PREFIX.match(e)
        if not m or m.group(1) != name:
            failures.append("stderr line without the %s:LINE: prefix: %r" % (name, e))
            continue
        errors.append((int(m.group(2)), m.group(3)))
    if merged:
        # The prefix off each line of the merged stream; the order stays.
        out = re.sub(r"(?m)^" + re.escape(name) + r":\d+: ", "", out)
    return Result(out, errors, p.returncode, session_tree())


def compare(name, want, got, what):
    compared.append(name)
    a, b = want.text(), got.text()
    if a != b:
        import difflib
        failures.append("%s: %s differs\n%s" % (name, what, "\n".join(
            "    " + d for d in difflib.unified_diff(a.splitlines(), b.splitlines(),
                                                     what.split(" vs ")[0], "batch",
                                                     lineterm="", n=3))))


def case(name, script, ref=True, stdin=b"", json=False, merged=False):
    """The script as separate invocations (ours, and Debian's when `ref`) and
    as a batch, without and with --force."""
    lines = script.split("\n")
    for force in (False, True):
        label = name + (" --force" if force else "")
        got = batch(lines, force, json, stdin)
        plain = separate("ours", lines, force, json, stdin)
        compare(label, plain, got, "separate vs batch")
        if ref and REF and not json:
            compare(label, separate("ref", lines, force, json, stdin), got, "1.6.3 separate vs batch")
        if merged:
            compare(label, separate("ours", lines, force, json, stdin, merged=plain),
                    batch(lines, force, json, stdin, merged=True), "merged separate vs batch")
    return lines


# --- the same as separate invocations -------------------------------------
check_quota_wait()
case("quoting", r"""add user 'two words' 'single "quoted" \ payload' @s
add user "double q" "a\"b\\c\$d\`e\x" @s
add user back\ slash\ed p\'q\" @s
add user mixed'sin'"dou"ble "" @s
print '%user:two words'
print "%user:double q"
print %user:back\ slashed
print %user:mixedsindouble
rdescribe @s ';'
rdescribe @s '#'""")
case("comments-and-blank-lines", """# a comment line
   # an indented one

add user c1 one @s # a comment after the words
add user c#2 two @s
\t
   \t  \t
add user '#c3' three @s
list @s""")
failing = case("failing-line", """add user a one @s
link
describe 1
print %user:a
update %user:a two
print %user:a""", merged=True)
case("failing-call", """add user a one @s
timeout %user:nosuch 10
print %user:a""")
case("silent-failure", """id @s
supports --raw
id @s""", merged=True)
case("unknown-command", """id @s
frobnicate @s
id @s""")
# Descriptions stay short of the 1 KiB /proc/keys line that crashes 1.6.3's
# keyctl in tests running beside this one.
case("very-long-line", "add user long %s @s%s# the end\nprint %%user:long\nadd user %s x @s"
     % ("p" * 3000, " " * 100000, "d" * 500))
case("stdin-payload", """padd user fromstdin @s
print %user:fromstdin""", stdin=b"piped payload")
# getopt(3) state from one line must not reach the next.
case("getopt-state", """watch -fz @s
watch -q -f
watch -fi
watch -f i -x @x
watch -- @x""")
case("json", """add user j x @s
describe %user:j
rlist @s
describe 1""", json=True)
case("json-lines", """add user j x @s
--json describe %user:j
--json
rlist @s""", ref=False)
case("nested-keyrings", """newring ring1 @s
newring ring2 %:ring1
add user deep payload %:ring2
add logon l:x secret %:ring1
show
unlink %user:deep %:ring2
link %:ring2 @s
rlist %:ring1
purge user
reap""")


# --- batch mode only -------------------------------------------------------
def expect(name, result, stdout, errors, status):
    if result.status != status:
        failures.append("%s: status %d, not %d" % (name, result.status, status))
    if normalise(result.stdout) != normalise(stdout):
        failures.append("%s: stdout %r, not %r" % (name, result.stdout, stdout))
    if result.errors != errors:
        failures.append("%s: stderr %r, not %r" % (name, result.errors, errors))


def ids(n):
    """n copies of one key ID's line (the session keyring's), to normalise."""
    return "%d\n" % keyctl_call(GET_KEYRING_ID, SESSION, 0) * n


refused = ["id @s", "session - true", "id @s", "watch_session a b 3 true", "id @s"]
r = batch(refused)
expect("session refused", r, ids(1), [
    (2, "session: not allowed in batch mode: it replaces the keyctl process with a program")], 2)
# Stdout of the lines before comes first, as with separate invocations.
r = batch(refused, force=True, merged=True)
expect("session refused, one stream", r, ids(1) + "session: not allowed in batch mode: "
       "it replaces the keyctl process with a program\n" + ids(1) + "watch_session: not "
       "allowed in batch mode: it would leave the batch in the session keyring it joins\n"
       + ids(1), [], 2)
r = batch(refused, force=True)
expect("session refused --force", r, ids(3), [
    (2, "session: not allowed in batch mode: it replaces the keyctl process with a program"),
    (4, "watch_session: not allowed in batch mode: "
        "it would leave the batch in the session keyring it joins")], 2)

for text, message in (("add user a 'b @s", "unterminated single quote"),
                      ('add user a "b\\" @s', "unterminated double quote"),
                      ("add user a b @s \\", "backslash at the end of the line"),
                      ("add user a\0b c @s", "NUL byte in the line"),
                      ("-f other", "-f: not allowed in a batch file"),
                      ("--force id @s", "--force: not allowed in a batch file")):
    lines = ["id @s", text, "id @s"]
    expect("bad line %r" % text, batch(lines), ids(1), [(2, message)], 2)
    r = batch(lines, force=True)
    expect("bad line %r --force" % text, r, ids(2), [(2, message)], 2)
    if "a-b" in r.tree or " user;" in r.tree:
        failures.append("bad line %r added a key: %s" % (text, r.tree))

# No expansion: $, `, globs and ~ are ordinary bytes.
r = batch(["add user e $HOME~*?`id` @s", "print %user:e"])
if r.status or not r.stdout.endswith("\n$HOME~*?`id`\n"):
    failures.append("expansion: %r status %d" % (r.stdout, r.status))

# The batch on standard input: the same output, named <stdin>, and the
# commands that read standard input refused.
want = batch(failing, force=True)
got = batch(failing, force=True, via_stdin=True)
if want.text() != got.text():
    failures.append("-f - differs from -f FILE:\n%s\n%s" % (want.text(), got.text()))
r = batch(["id @s", "padd user p @s", "id @s"], force=True, via_stdin=True)
expect("padd from -f -", r, ids(2), [
    (2, "padd: not allowed in a batch read from standard input, which it reads")], 2)

# A file that cannot be read: the file's own error, status 1, nothing run.
for path, message in (("/nonexistent/batch", "/nonexistent/batch: No such file or directory"),
                      ("/", "/:1: Is a directory")):
    p = subprocess.run([OURS, "-f", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if (p.returncode, p.stdout, p.stderr.decode()) != (1, b"", message + "\n"):
        failures.append("-f %s: %d %r %r" % (path, p.returncode, p.stdout, p.stderr))

# Malformed batch options: the batch usage text and status 2.
for args in (["-f"], ["--force"], ["--force", "id", "@s"], ["-f", "x", "id"], ["-f", "a", "-f", "b"]):
    p = subprocess.run([OURS, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 2 or not p.stderr.startswith(b"Format:\n  keyctl [--json] -f <file>"):
        failures.append("keyctl %s: %d %r" % (" ".join(args), p.returncode, p.stderr))

# An empty batch, and one of only comments, succeed silently.
for lines in ([], ["# nothing", "", "   "]):
    expect("empty batch %r" % lines, batch(lines), "", [], 0)

# Keyring dumps name keys however short their serial (a session keyring
# with serial 9679 once stayed as it was on one side and failed the check).
for serial in (9679, 3, 2147483647):
    line = "0x%08x keyring;1900001;1900001;3f030000;_ses\n" % serial
    if normalise(line) != "<K1> keyring;<K2>;<K2>;3f030000;_ses\n":
        failures.append("a dump line with serial %d normalises to %r" % (serial, normalise(line)))

keyctl_call(CLEAR, SESSION)
for f in failures:
    print("FAIL", f)
print("%d batch checks failed; %d scripts compared with separate invocations%s"
      % (len(failures), len(compared), "" if REF else " (no reference keyctl)"))
sys.exit(1 if failures else 0)
