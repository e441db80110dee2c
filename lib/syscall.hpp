// The kernel interface: one inline function per key-management operation.
//
// Each function issues exactly one system call and returns its outcome as a
// value.  Nothing here touches global state, allocates, or throws; errno is
// read back into the result so callers decide what to report.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "keyutils.h"

#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif

namespace keyutils::sys {

// A system call's outcome: a non-negative value, or the errno it failed with.
struct result {
    long value;
    int error;

    bool ok() const { return error == 0; }
};

inline result from_raw(long rc)
{
    if (rc < 0)
        return {-1, errno};
    return {rc, 0};
}

// keyctl() takes up to four further arguments; unused ones are passed as 0.
inline result keyctl(int op, unsigned long a2 = 0, unsigned long a3 = 0,
                     unsigned long a4 = 0, unsigned long a5 = 0)
{
    return from_raw(::syscall(SYS_keyctl, op, a2, a3, a4, a5));
}

// Valgrind (3.19) does not know that some operations fill the caller's
// buffer, and would report every later use of what the kernel wrote there:
// tell it.  Outside valgrind the client request costs a few instructions.
// On an architecture valgrind does not know (riscv64 for 3.19), the client
// request expands to nothing: the arguments are used regardless.
inline result kernel_filled(result r, const void *buf, size_t buflen)
{
    (void)buf;
    (void)buflen;
#ifdef VALGRIND_MAKE_MEM_DEFINED
    if (r.ok() && buf)
        VALGRIND_MAKE_MEM_DEFINED(buf, static_cast<size_t>(r.value) < buflen ? r.value : buflen);
#endif
    return r;
}

// Serials are 32-bit signed; widen them through long so negative special
// IDs keep their value in the 64-bit argument registers.
inline unsigned long arg(key_serial_t id) { return static_cast<unsigned long>(static_cast<long>(id)); }
inline unsigned long arg(const void *p) { return reinterpret_cast<unsigned long>(p); }

inline result add_key(const char *type, const char *description,
                      const void *payload, size_t plen, key_serial_t ring)
{
    return from_raw(::syscall(SYS_add_key, type, description, payload, plen, arg(ring)));
}

inline result request_key(const char *type, const char *description,
                          const char *callout, key_serial_t dest)
{
    return from_raw(::syscall(SYS_request_key, type, description, callout, arg(dest)));
}

inline result get_keyring_id(key_serial_t id, int create)
{
    return keyctl(KEYCTL_GET_KEYRING_ID, arg(id), static_cast<unsigned long>(create));
}

inline result join_session_keyring(const char *name)
{
    return keyctl(KEYCTL_JOIN_SESSION_KEYRING, arg(name));
}

inline result update(key_serial_t id, const void *payload, size_t plen)
{
    return keyctl(KEYCTL_UPDATE, arg(id), arg(payload), plen);
}

inline result revoke(key_serial_t id) { return keyctl(KEYCTL_REVOKE, arg(id)); }

inline result chown(key_serial_t id, uid_t uid, gid_t gid)
{
    // (uid_t)-1 and (gid_t)-1 mean "leave unchanged"; pass them unextended.
    return keyctl(KEYCTL_CHOWN, arg(id), uid, gid);
}

inline result setperm(key_serial_t id, key_perm_t perm)
{
    return keyctl(KEYCTL_SETPERM, arg(id), perm);
}

// Returns the size of the description including its NUL; copies it only
// when buflen is large enough.
inline result describe(key_serial_t id, char *buf, size_t buflen)
{
    return keyctl(KEYCTL_DESCRIBE, arg(id), arg(buf), buflen);
}

inline result clear(key_serial_t ring) { return keyctl(KEYCTL_CLEAR, arg(ring)); }

inline result link(key_serial_t id, key_serial_t ring)
{
    return keyctl(KEYCTL_LINK, arg(id), arg(ring));
}

inline result unlink(key_serial_t id, key_serial_t ring)
{
    return keyctl(KEYCTL_UNLINK, arg(id), arg(ring));
}

inline result search(key_serial_t ring, const char *type, const char *description,
                     key_serial_t dest)
{
    return keyctl(KEYCTL_SEARCH, arg(ring), arg(type), arg(description), arg(dest));
}

// Returns the full payload size, whatever buflen is.
inline result read(key_serial_t id, void *buf, size_t buflen)
{
    return keyctl(KEYCTL_READ, arg(id), arg(buf), buflen);
}

inline result instantiate(key_serial_t id, const void *payload, size_t plen,
                          key_serial_t ring)
{
    return keyctl(KEYCTL_INSTANTIATE, arg(id), arg(payload), plen, arg(ring));
}

inline result instantiate_iov(key_serial_t id, const struct iovec *iov, unsigned ioc,
                              key_serial_t ring)
{
    return keyctl(KEYCTL_INSTANTIATE_IOV, arg(id), arg(iov), ioc, arg(ring));
}

inline result negate(key_serial_t id, unsigned timeout, key_serial_t ring)
{
    return keyctl(KEYCTL_NEGATE, arg(id), timeout, arg(ring));
}

inline result reject(key_serial_t id, unsigned timeout, unsigned error, key_serial_t ring)
{
    return keyctl(KEYCTL_REJECT, arg(id), timeout, error, arg(ring));
}

inline result set_reqkey_keyring(int defl)
{
    return keyctl(KEYCTL_SET_REQKEY_KEYRING, static_cast<unsigned long>(static_cast<long>(defl)));
}

inline result set_timeout(key_serial_t id, unsigned timeout)
{
    return keyctl(KEYCTL_SET_TIMEOUT, arg(id), timeout);
}

inline result assume_authority(key_serial_t id)
{
    return keyctl(KEYCTL_ASSUME_AUTHORITY, arg(id));
}

inline result get_security(key_serial_t id, char *buf, size_t buflen)
{
    return kernel_filled(keyctl(KEYCTL_GET_SECURITY, arg(id), arg(buf), buflen), buf, buflen);
}

inline result session_to_parent() { return keyctl(KEYCTL_SESSION_TO_PARENT); }

inline result invalidate(key_serial_t id) { return keyctl(KEYCTL_INVALIDATE, arg(id)); }

inline result get_persistent(uid_t uid, key_serial_t ring)
{
    return keyctl(KEYCTL_GET_PERSISTENT, uid, arg(ring));
}

inline result dh_compute(const keyctl_dh_params *params, void *buf, size_t buflen,
                         const keyctl_kdf_params *kdf)
{
    return keyctl(KEYCTL_DH_COMPUTE, arg(params), arg(buf), buflen, arg(kdf));
}

inline result pkey_query(key_serial_t id, const char *info, struct keyctl_pkey_query *out)
{
    return keyctl(KEYCTL_PKEY_QUERY, arg(id), 0, arg(info), arg(out));
}

// Encrypt, decrypt, sign and verify share one argument layout.
inline result pkey_op(int op, const keyctl_pkey_params *params, const char *info,
                      const void *in, const void *out)
{
    return keyctl(op, arg(params), arg(info), arg(in), arg(out));
}

inline result restrict_keyring(key_serial_t ring, const char *type, const char *restriction)
{
    return keyctl(KEYCTL_RESTRICT_KEYRING, arg(ring), arg(type), arg(restriction));
}

inline result move(key_serial_t id, key_serial_t from, key_serial_t to, unsigned flags)
{
    return keyctl(KEYCTL_MOVE, arg(id), arg(from), arg(to), flags);
}

inline result capabilities(unsigned char *buf, size_t buflen)
{
    return kernel_filled(keyctl(KEYCTL_CAPABILITIES, arg(buf), buflen), buf, buflen);
}

inline result watch_key(key_serial_t id, int queue_fd, int watch_id)
{
    return keyctl(KEYCTL_WATCH_KEY, arg(id), static_cast<unsigned long>(static_cast<long>(queue_fd)),
                  static_cast<unsigned long>(static_cast<long>(watch_id)));
}

} // namespace keyutils::sys
