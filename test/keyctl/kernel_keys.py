"""The keyring system calls the Python test and benchmark scripts make
themselves, through ctypes, without any keyutils library.  The system call
numbers are this interpreter's: meson asks the build machine's
<sys/syscall.h> and passes them as KEYUTILS_PY_SYS_KEYCTL and
KEYUTILS_PY_SYS_ADD_KEY (they differ between architectures, and in a cross
build the scripts run on the build machine), never literals.
"""
import ctypes
import os
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
# -1 (ENOSYS, and join_session() says so) where a script is run without
# them: the quota helpers below need no system call.
SYS_keyctl = int(os.environ.get("KEYUTILS_PY_SYS_KEYCTL", "-1"))
SYS_add_key = int(os.environ.get("KEYUTILS_PY_SYS_ADD_KEY", "-1"))

# How much slower than native the test setup runs (sanitizers, valgrind).
SLOWDOWN = int(os.environ.get("KEYUTILS_TEST_SLOWDOWN", "1"))
# The room wait_for_quota() keeps free under an unprivileged uid's quota
# (200 keys, 20,000 bytes) for what a test does next.
ROOM_KEYS, ROOM_BYTES = 60, 9000

GET_KEYRING_ID, JOIN_SESSION, DESCRIBE, CLEAR, UNLINK, READ = 0, 1, 6, 7, 9, 11
SESSION = -3


def _arg(a):
    return a if a is None or isinstance(a, (bytes, ctypes.Array)) else ctypes.c_long(a)


def keyctl(op, *args):
    """keyctl(2); -1 with ctypes.get_errno() set on failure."""
    return libc.syscall(ctypes.c_long(SYS_keyctl), ctypes.c_long(op), *[_arg(a) for a in args])


def add_key(key_type, description, payload, keyring):
    """add_key(2) of a bytes payload; the new key's ID, or -1."""
    return libc.syscall(ctypes.c_long(SYS_add_key), key_type, description, payload,
                        ctypes.c_long(len(payload)), ctypes.c_long(keyring))


def quota_in_use():
    """(keys, max keys, bytes, max bytes) charged to this uid, from
    /proc/key-users; None where it has no line (no key yet) or no file."""
    try:
        with open("/proc/key-users") as f:
            for line in f:
                fields = line.split()
                if fields[0] == "%d:" % os.geteuid():
                    keys, max_keys = map(int, fields[3].split("/"))
                    nbytes, max_bytes = map(int, fields[4].split("/"))
                    return keys, max_keys, nbytes, max_bytes
    except OSError:
        pass
    return None


def wait_for_quota(limit=10.0):
    """Waits (up to `limit` seconds, times SLOWDOWN) until this uid's quota
    has room for ROOM_KEYS more keys and ROOM_BYTES more bytes.  Unlinked keys stay charged
    until the kernel's garbage collector has destroyed them, a moment later
    on an idle machine and longer on a loaded one.  Gives up early once the
    charge has not gone down for a second: what is left is kept, not
    awaiting the collector."""
    deadline = time.time() + limit * SLOWDOWN
    last, since = None, time.time()
    while time.time() < deadline:
        q = quota_in_use()
        if q is None or q[1] - q[0] >= ROOM_KEYS and q[3] - q[2] >= ROOM_BYTES:
            return
        if q != last:
            last, since = q, time.time()
        elif time.time() - since > 1.0:
            return
        time.sleep(0.01)


def join_session(clear_old=False):
    """Joins a fresh anonymous session keyring, which the programs started
    afterwards inherit; with clear_old, the previous one is emptied first,
    and its keys awaited until the collector has given back (most of) the
    quota they held.  A failure (a wrong system call number, say) raises
    OSError: tests must not share the caller's session."""
    if clear_old:
        keyctl(CLEAR, SESSION)
        wait_for_quota()
    if keyctl(JOIN_SESSION, None) < 0:
        err = ctypes.get_errno()
        raise OSError(err, "join session keyring (syscall %d): %s" % (SYS_keyctl, os.strerror(err)))


def read(key, size):
    """Up to `size` bytes of the key's payload, or None."""
    buf = ctypes.create_string_buffer(size)
    n = keyctl(READ, key, buf, size)
    return buf.raw[:n] if n >= 0 else None


def read_all(key):
    """The whole payload (its size asked first), or None."""
    n = keyctl(READ, key, None, 0)
    if n < 0:
        return None
    buf = ctypes.create_string_buffer(n + 1)
    n = keyctl(READ, key, buf, n + 1)
    return buf.raw[:n] if n >= 0 else None


def describe(key, size=8192):
    """The kernel's "type;uid;gid;perm;description" text, or None."""
    buf = ctypes.create_string_buffer(size)
    n = keyctl(DESCRIBE, key, buf, size)
    return buf.raw[:n - 1].decode("utf-8", "replace") if n > 0 else None
