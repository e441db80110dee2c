// describe, read and get_security with their allocating helpers: results,
// errors, the one-call fast path, payloads that change between calls, and
// wiping of intermediate buffers.
#include "support.hpp"
#include "spy.hpp"

#include <cstdlib>
#include <string>

#include <unistd.h>

namespace {

std::string describe(key_serial_t id)
{
    char *d = nullptr;
    int n = keyctl_describe_alloc(id, &d);
    REQUIRE(n >= 0);
    std::string s(d);
    REQUIRE(s.size() == static_cast<size_t>(n));
    free(d);
    return s;
}

std::string read_all(key_serial_t id)
{
    void *p = nullptr;
    int n = keyctl_read_alloc(id, &p);
    REQUIRE(n >= 0);
    REQUIRE(static_cast<char *>(p)[n] == '\0');
    std::string s(static_cast<char *>(p), static_cast<size_t>(n));
    free(p);
    return s;
}

bool wiped_at_least(size_t len)
{
    for (auto &w : spy::wiped())
        if (w.second >= len)
            return true;
    return false;
}

} // namespace

TEST_CASE("keyctl_describe reports type, owner, permissions and description")
{
    key_serial_t k = test::new_key("alloc:desc;with;semicolons", "v");
    std::string expect = "user;" + std::to_string(geteuid()) + ";" + std::to_string(getegid()) +
                         ";3f010000;alloc:desc;with;semicolons";
    REQUIRE(describe(k) == expect);

    // Too small a buffer: nothing copied, the needed size (with NUL) returned.
    char small[4] = {'x', 'x', 'x', 'x'};
    REQUIRE(keyctl_describe(k, small, sizeof small) == static_cast<long>(expect.size() + 1));
    REQUIRE(keyctl_describe(k, nullptr, 0) == static_cast<long>(expect.size() + 1));
    REQUIRE_FAILS_WITH(keyctl_describe(0x7ffffff0, nullptr, 0), ENOKEY);
    char *d = nullptr;
    REQUIRE_FAILS_WITH(keyctl_describe_alloc(0x7ffffff0, &d), ENOKEY);
    REQUIRE(d == nullptr);
}

TEST_CASE("keyctl_read and keyctl_read_alloc return the payload")
{
    key_serial_t k = test::new_key("alloc:read", std::string("bin\0ary", 7));
    REQUIRE(read_all(k) == std::string("bin\0ary", 7));
    // Too small a buffer still yields the full size (what is copied into it
    // then differs between kernel versions).
    char buf[3];
    REQUIRE(keyctl_read(k, buf, sizeof buf) == 7);

    // KEYCTL_UPDATE takes at most a page; add_key updates in place beyond that.
    std::string big(6000, 'q'); // past the first buffer, within a user's quota
    REQUIRE(add_key("user", "alloc:read", big.data(), big.size(), KEY_SPEC_SESSION_KEYRING) == k);
    REQUIRE(read_all(k) == big);

    key_serial_t ring = test::new_keyring("alloc:ring");
    key_serial_t member = test::new_key("alloc:member", "m", ring);
    std::string members = read_all(ring);
    REQUIRE(members.size() == sizeof(key_serial_t));
    key_serial_t got;
    memcpy(&got, members.data(), sizeof got);
    REQUIRE(got == member);
    REQUIRE(read_all(test::new_keyring("alloc:empty")).empty());

    void *p = nullptr;
    REQUIRE_FAILS_WITH(keyctl_read_alloc(0x7ffffff0, &p), ENOKEY);
    REQUIRE(keyctl_revoke(k) == 0);
    REQUIRE_FAILS_WITH(keyctl_read_alloc(k, &p), EKEYREVOKED);
    REQUIRE(p == nullptr);
}

TEST_CASE("reading without read permission fails with EACCES")
{
    key_serial_t k = test::new_key("alloc:noread", "secret");
    REQUIRE(keyctl_setperm(k, KEY_POS_VIEW | KEY_USR_VIEW) == 0);
    void *p = nullptr;
    REQUIRE_FAILS_WITH(keyctl_read_alloc(k, &p), EACCES);
    REQUIRE_FAILS_WITH(keyctl_update(k, "x", 1), EACCES);
}

TEST_CASE("keyctl_get_security_alloc returns the LSM label, possibly empty")
{
    key_serial_t k = test::new_key("alloc:sec", "v");
    char *label = nullptr;
    int n = keyctl_get_security_alloc(k, &label);
    REQUIRE(n >= 0);
    REQUIRE(strlen(label) == static_cast<size_t>(n));
    REQUIRE(keyctl_get_security(k, nullptr, 0) == n + 1);
    free(label);
    REQUIRE_FAILS_WITH(keyctl_get_security_alloc(0x7ffffff0, &label), ENOKEY);
}

TEST_CASE("keyctl_dh_compute reports what the kernel supports", "[may-skip][needs-dh]")
{
    unsigned char caps[2] = {};
    REQUIRE(keyctl_capabilities(caps, sizeof caps) > 0);
    key_serial_t k = test::new_key("alloc:dh", "v");
    void *out = nullptr;
    if (!(caps[0] & KEYCTL_CAPS0_DIFFIE_HELLMAN)) {
        REQUIRE_FAILS_WITH(keyctl_dh_compute(k, k, k, nullptr, 0), EOPNOTSUPP);
        REQUIRE_FAILS_WITH(keyctl_dh_compute_alloc(k, k, k, &out), EOPNOTSUPP);
        REQUIRE_FAILS_WITH(keyctl_dh_compute_kdf(k, k, k, const_cast<char *>("sha256"), nullptr,
                                                 0, nullptr, 0), EOPNOTSUPP);
        SKIP_TEST("this kernel has no Diffie-Hellman support; only the error is checked");
    }
    // With DH: user keys holding a non-prime are still accepted as inputs.
    REQUIRE_OK(keyctl_dh_compute(k, k, k, nullptr, 0));
}

TEST_CASE("the allocating helpers need one keyctl call when the result fits", "[ours]")
{
    key_serial_t k = test::new_key("alloc:once", std::string(100, 'p'));
    spy::reset();
    REQUIRE(read_all(k).size() == 100);
    REQUIRE(spy::keyctl_calls(KEYCTL_READ) == 1);
    REQUIRE(describe(k).size() > 10);
    REQUIRE(spy::keyctl_calls(KEYCTL_DESCRIBE) == 1);
    char *label = nullptr;
    REQUIRE(keyctl_get_security_alloc(k, &label) >= 0);
    free(label);
    REQUIRE(spy::keyctl_calls(KEYCTL_GET_SECURITY) == 1);
    // The stack buffer that held the payload is wiped.
    REQUIRE(wiped_at_least(100));
}

TEST_CASE("a payload that grows between calls is read whole", "[ours]")
{
    key_serial_t k = test::new_key("alloc:grow", std::string(4500, 'a'));
    spy::reset();
    std::string bigger(7000, 'b');
    spy::before_keyctl(KEYCTL_READ, [&](int index) {
        if (index == 1)
            REQUIRE(add_key("user", "alloc:grow", bigger.data(), bigger.size(),
                            KEY_SPEC_SESSION_KEYRING) == k);
    });
    REQUIRE(read_all(k) == bigger);
    REQUIRE(spy::keyctl_calls(KEYCTL_READ) == 3);
    // The stack buffer and the too-small heap buffer were both wiped.
    REQUIRE(wiped_at_least(4500));
    spy::reset();
}

TEST_CASE("a payload that shrinks between calls is read whole", "[ours]")
{
    key_serial_t k = test::new_key("alloc:shrink", std::string(6000, 'a'));
    spy::reset();
    spy::before_keyctl(KEYCTL_READ, [&](int index) {
        if (index == 1)
            REQUIRE(keyctl_update(k, "tiny", 4) == 0);
    });
    REQUIRE(read_all(k) == "tiny");
    REQUIRE(spy::keyctl_calls(KEYCTL_READ) == 2);
    spy::reset();
}

TEST_CASE("a key revoked between calls makes the helper fail cleanly", "[ours]")
{
    key_serial_t k = test::new_key("alloc:revoked-midway", std::string(6000, 'a'));
    spy::reset();
    spy::before_keyctl(KEYCTL_READ, [&](int index) {
        if (index == 1)
            REQUIRE(keyctl_revoke(k) == 0);
    });
    void *p = reinterpret_cast<void *>(0x1);
    REQUIRE_FAILS_WITH(keyctl_read_alloc(k, &p), EKEYREVOKED);
    REQUIRE(p == reinterpret_cast<void *>(0x1));
    spy::reset();
}
