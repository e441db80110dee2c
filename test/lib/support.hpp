// Helpers shared by the library tests.
#pragma once

#include <catch2/catch.hpp>

#include "../probes.hpp"
#include "../skip.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <keyutils.h>

namespace test {

// The symbolic name of an errno value, so failures read "ENOKEY" not "126".
std::string errno_name(int e);

// True when the caller holds `cap` effectively in its user namespace.
bool has_cap(int cap);

// True when the caller is root of the initial user namespace (it may touch
// the host's /etc and other users' keys).
bool is_host_root();

// The caller's effective uid as the kernel's initial namespace sees it,
// which is what key quotas are kept by.
long host_uid();

// A new keyring linked into the test's session keyring.
key_serial_t new_keyring(const char *name, key_serial_t parent = KEY_SPEC_SESSION_KEYRING);

// A new "user" key holding `payload`.
key_serial_t new_key(const char *desc, const std::string &payload,
                     key_serial_t ring = KEY_SPEC_SESSION_KEYRING);

// Moves `ring` out of this process's reach (request_key no longer finds what
// it holds) without letting the kernel's garbage collector destroy it, which
// it would do a moment after its last link went (soon enough to race a slow
// run, under valgrind): it stays linked from the user keyring, which a fresh
// session keyring does not link to, until the scope ends.
struct out_of_reach {
    key_serial_t ring;
    explicit out_of_reach(key_serial_t r);
    ~out_of_reach() { keyctl_unlink(ring, KEY_SPEC_USER_KEYRING); }
    out_of_reach(const out_of_reach &) = delete;
    out_of_reach &operator=(const out_of_reach &) = delete;
};

} // namespace test

// Asserts that `expr` fails with -1 and errno `err`.
#define REQUIRE_FAILS_WITH(expr, err)                                         \
    do {                                                                      \
        errno = 0;                                                            \
        long fails_with_rc_ = static_cast<long>(expr);                        \
        int fails_with_errno_ = errno;                                        \
        INFO(#expr);                                                          \
        REQUIRE(fails_with_rc_ == -1);                                        \
        REQUIRE(test::errno_name(fails_with_errno_) == test::errno_name(err)); \
    } while (0)

// Asserts that `expr` succeeds (does not return -1), showing errno if not.
#define REQUIRE_OK(expr)                                                       \
    do {                                                                       \
        errno = 0;                                                             \
        long ok_rc_ = static_cast<long>(expr);                                 \
        INFO(#expr << " -> " << ok_rc_ << " errno " << test::errno_name(errno)); \
        REQUIRE(ok_rc_ != -1);                                                 \
    } while (0)
