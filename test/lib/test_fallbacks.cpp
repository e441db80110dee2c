// The compatibility paths for older kernels: capability emulation without
// KEYCTL_CAPABILITIES, reject falling back to negate, and iovec payloads
// joined for kernels without KEYCTL_INSTANTIATE_IOV.  The spy makes the
// kernel's answer EOPNOTSUPP for the operation under test.
#include "support.hpp"
#include "spy.hpp"

#include <cstring>
#include <string>

#include <sys/uio.h>

TEST_CASE("keyctl_capabilities returns the kernel's bytes")
{
    unsigned char caps[16];
    memset(caps, 0xee, sizeof caps);
    long n = keyctl_capabilities(caps, sizeof caps);
    REQUIRE(n >= 2);
    REQUIRE((caps[0] & KEYCTL_CAPS0_CAPABILITIES) != 0);
    // The kernel fills what it has and leaves the rest alone.
    REQUIRE(keyctl_capabilities(nullptr, 0) == n);
    unsigned char one = 0;
    REQUIRE(keyctl_capabilities(&one, 1) == n);
    REQUIRE(one == caps[0]);
}

TEST_CASE("capabilities are emulated on kernels without KEYCTL_CAPABILITIES")
{
    unsigned char real[2] = {};
    REQUIRE(keyctl_capabilities(real, sizeof real) >= 2);

    spy::reset();
    spy::fail_keyctl(KEYCTL_CAPABILITIES, EOPNOTSUPP);
    unsigned char caps[4];
    memset(caps, 0xee, sizeof caps);
    REQUIRE(keyctl_capabilities(caps, sizeof caps) == 1);
    spy::reset();

    // Each probed feature matches what the kernel itself reports; the
    // capabilities bit itself and big_key cannot be probed.
    const unsigned char probed = KEYCTL_CAPS0_PERSISTENT_KEYRINGS | KEYCTL_CAPS0_DIFFIE_HELLMAN |
                                 KEYCTL_CAPS0_PUBLIC_KEY | KEYCTL_CAPS0_INVALIDATE |
                                 KEYCTL_CAPS0_RESTRICT_KEYRING | KEYCTL_CAPS0_MOVE;
    REQUIRE((caps[0] & ~probed) == 0);
    REQUIRE((caps[0] & probed) == (real[0] & probed));
    REQUIRE(caps[1] == 0);
    REQUIRE(caps[3] == 0);
}

TEST_CASE("emulated capabilities report features the kernel lacks as absent")
{
    spy::reset();
    spy::fail_keyctl(KEYCTL_CAPABILITIES, EOPNOTSUPP);
    spy::fail_keyctl(KEYCTL_MOVE, EOPNOTSUPP);
    spy::fail_keyctl(KEYCTL_INVALIDATE, EOPNOTSUPP);
    unsigned char caps = 0xff;
    REQUIRE(keyctl_capabilities(&caps, 1) == 1);
    spy::reset();
    REQUIRE((caps & KEYCTL_CAPS0_MOVE) == 0);
    REQUIRE((caps & KEYCTL_CAPS0_INVALIDATE) == 0);
    REQUIRE((caps & KEYCTL_CAPS0_RESTRICT_KEYRING) != 0);
}

TEST_CASE("keyctl_capabilities passes other errors through")
{
    spy::reset();
    spy::fail_keyctl(KEYCTL_CAPABILITIES, EPERM);
    unsigned char caps = 0;
    REQUIRE_FAILS_WITH(keyctl_capabilities(&caps, 1), EPERM);
    spy::reset();
}

TEST_CASE("keyctl_reject falls back to keyctl_negate")
{
    key_serial_t k = test::new_key("fallback:reject", "v");
    spy::reset();
    spy::fail_keyctl(KEYCTL_REJECT, EOPNOTSUPP);
    // No authority: the negate the fallback issues is refused by the kernel.
    REQUIRE_FAILS_WITH(keyctl_reject(k, 5, EKEYREJECTED, KEY_SPEC_SESSION_KEYRING), EPERM);
    REQUIRE(spy::keyctl_calls(KEYCTL_REJECT) == 1);
    REQUIRE(spy::keyctl_calls(KEYCTL_NEGATE) == 1);
    auto args = spy::last_keyctl_args(KEYCTL_NEGATE);
    REQUIRE(static_cast<key_serial_t>(args[0]) == k);
    REQUIRE(args[1] == 5);
    REQUIRE(static_cast<key_serial_t>(args[2]) == KEY_SPEC_SESSION_KEYRING);

    spy::reset();
    spy::fail_keyctl(KEYCTL_REJECT, EINVAL);
    REQUIRE_FAILS_WITH(keyctl_reject(k, 5, EKEYREJECTED, 0), EINVAL);
    REQUIRE(spy::keyctl_calls(KEYCTL_NEGATE) == 0);
    spy::reset();
}

TEST_CASE("keyctl_instantiate_iov joins the segments when the kernel cannot")
{
    key_serial_t k = test::new_key("fallback:iov", "v");
    spy::reset();
    spy::fail_keyctl(KEYCTL_INSTANTIATE_IOV, EOPNOTSUPP);
    std::string captured;
    spy::before_keyctl(KEYCTL_INSTANTIATE, [&](int) {
        auto args = spy::last_keyctl_args(KEYCTL_INSTANTIATE);
        captured.assign(reinterpret_cast<const char *>(args[1]), args[2]);
        REQUIRE(static_cast<key_serial_t>(args[3]) == KEY_SPEC_SESSION_KEYRING);
    });
    iovec iov[3] = {{const_cast<char *>("ab"), 2}, {const_cast<char *>(""), 0},
                    {const_cast<char *>("cde"), 3}};
    REQUIRE_FAILS_WITH(keyctl_instantiate_iov(k, iov, 3, KEY_SPEC_SESSION_KEYRING), EPERM);
    REQUIRE(spy::keyctl_calls(KEYCTL_INSTANTIATE) == 1);
    REQUIRE(captured == "abcde");

    // No segments at all: an empty instantiation.
    spy::reset();
    spy::fail_keyctl(KEYCTL_INSTANTIATE_IOV, EOPNOTSUPP);
    REQUIRE_FAILS_WITH(keyctl_instantiate_iov(k, nullptr, 0, 0), EPERM);
    REQUIRE(spy::keyctl_calls(KEYCTL_INSTANTIATE) == 1);
    REQUIRE(spy::last_keyctl_args(KEYCTL_INSTANTIATE)[2] == 0);
    spy::reset();
}

TEST_CASE("the joined iovec payload is wiped before it is freed", "[ours]")
{
    key_serial_t k = test::new_key("fallback:iov-wipe", "v");
    spy::reset();
    spy::fail_keyctl(KEYCTL_INSTANTIATE_IOV, EOPNOTSUPP);
    iovec iov[2] = {{const_cast<char *>("sec"), 3}, {const_cast<char *>("ret"), 3}};
    REQUIRE_FAILS_WITH(keyctl_instantiate_iov(k, iov, 2, 0), EPERM);
    bool wiped = false;
    for (auto &w : spy::wiped())
        wiped = wiped || w.second == 6;
    REQUIRE(wiped);
    spy::reset();
}
