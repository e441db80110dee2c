// Linking, unlinking, moving, clearing, searching and restricting keyrings.
#include "support.hpp"

#include <string>
#include <vector>

#include <sys/capability.h>
#include <unistd.h>

TEST_CASE("link and unlink add and remove keyring members")
{
    key_serial_t ring = test::new_keyring("ring:members");
    key_serial_t k = test::new_key("ring:key", "v");
    REQUIRE(keyctl_link(k, ring) == 0);
    REQUIRE(keyctl_search(ring, "user", "ring:key", 0) == k);
    REQUIRE(keyctl_unlink(k, ring) == 0);
    REQUIRE_FAILS_WITH(keyctl_search(ring, "user", "ring:key", 0), ENOKEY);
    REQUIRE_FAILS_WITH(keyctl_unlink(k, ring), ENOENT);
}

TEST_CASE("link reports the kernel's errors")
{
    key_serial_t k = test::new_key("ring:notdir", "v");
    key_serial_t other = test::new_key("ring:other", "v");
    REQUIRE_FAILS_WITH(keyctl_link(other, k), ENOTDIR);
    REQUIRE_FAILS_WITH(keyctl_link(k, 0x7ffffff0), ENOKEY);
    REQUIRE_FAILS_WITH(keyctl_link(0x7ffffff0, KEY_SPEC_SESSION_KEYRING), ENOKEY);
}

TEST_CASE("a link that would close a cycle fails with EDEADLK")
{
    key_serial_t a = test::new_keyring("ring:a");
    key_serial_t b = test::new_keyring("ring:b", a);
    REQUIRE_FAILS_WITH(keyctl_link(a, b), EDEADLK);
    REQUIRE_FAILS_WITH(keyctl_link(a, a), EDEADLK);
}

TEST_CASE("nesting keyrings too deeply fails with ELOOP")
{
    // Build a chain bottom-up, so each link hangs a deeper tree: the kernel
    // refuses once the tree below the new link exceeds its depth limit.
    std::vector<key_serial_t> rings;
    for (int i = 0; i < 10; i++)
        rings.push_back(test::new_keyring(("ring:chain" + std::to_string(i)).c_str()));
    long rc = 0;
    int err = 0, linked = 0;
    for (int i = 8; i >= 0 && rc == 0; i--) {
        errno = 0;
        rc = keyctl_link(rings[i + 1], rings[i]);
        err = errno;
        if (rc == 0)
            linked++;
    }
    REQUIRE(rc == -1);
    REQUIRE(test::errno_name(err) == "ELOOP");
    REQUIRE(linked >= 4);
}

TEST_CASE("move relinks a key, EXCL refuses to displace")
{
    key_serial_t from = test::new_keyring("ring:from");
    key_serial_t to = test::new_keyring("ring:to");
    key_serial_t k = test::new_key("ring:moved", "1", from);
    REQUIRE(keyctl_move(k, from, to, 0) == 0);
    REQUIRE_FAILS_WITH(keyctl_search(from, "user", "ring:moved", 0), ENOKEY);
    REQUIRE(keyctl_search(to, "user", "ring:moved", 0) == k);

    key_serial_t twin = test::new_key("ring:moved", "2", from);
    REQUIRE_FAILS_WITH(keyctl_move(twin, from, to, KEYCTL_MOVE_EXCL), EEXIST);
    REQUIRE(keyctl_move(twin, from, to, 0) == 0);
    REQUIRE(keyctl_search(to, "user", "ring:moved", 0) == twin);
    REQUIRE_FAILS_WITH(keyctl_move(twin, from, to, 0), ENOENT);
    REQUIRE_FAILS_WITH(keyctl_move(twin, to, from, 0x80), EINVAL);
}

TEST_CASE("clear empties a keyring")
{
    key_serial_t ring = test::new_keyring("ring:clear");
    test::new_key("ring:c1", "1", ring);
    test::new_key("ring:c2", "2", ring);
    REQUIRE(keyctl_read(ring, nullptr, 0) == 2 * sizeof(key_serial_t));
    REQUIRE(keyctl_clear(ring) == 0);
    REQUIRE(keyctl_read(ring, nullptr, 0) == 0);
    key_serial_t k = test::new_key("ring:notring", "1");
    REQUIRE_FAILS_WITH(keyctl_clear(k), ENOTDIR);
}

TEST_CASE("search finds nested keys and links them into a destination")
{
    key_serial_t outer = test::new_keyring("ring:outer");
    key_serial_t inner = test::new_keyring("ring:inner", outer);
    key_serial_t k = test::new_key("ring:deep", "v", inner);
    key_serial_t dest = test::new_keyring("ring:dest");
    REQUIRE(keyctl_search(outer, "user", "ring:deep", dest) == k);
    REQUIRE(keyctl_search(dest, "user", "ring:deep", 0) == k);
    REQUIRE(keyctl_search(outer, "keyring", "ring:inner", 0) == inner);
    REQUIRE_FAILS_WITH(keyctl_search(outer, "user", "ring:none", 0), ENOKEY);
    REQUIRE_FAILS_WITH(keyctl_search(k, "user", "ring:deep", 0), ENOTDIR);
}

TEST_CASE("searching a revoked keyring fails with EKEYREVOKED")
{
    key_serial_t ring = test::new_keyring("ring:revoked");
    test::new_key("ring:in-revoked", "v", ring);
    REQUIRE(keyctl_revoke(ring) == 0);
    REQUIRE_FAILS_WITH(keyctl_search(ring, "user", "ring:in-revoked", 0), EKEYREVOKED);
}

TEST_CASE("a restricted keyring refuses links")
{
    key_serial_t ring = test::new_keyring("ring:restricted");
    REQUIRE(keyctl_restrict_keyring(ring, nullptr, nullptr) == 0);
    REQUIRE_FAILS_WITH(add_key("user", "ring:blocked", "v", 1, ring), EPERM);
    key_serial_t k = test::new_key("ring:outside", "v");
    REQUIRE_FAILS_WITH(keyctl_link(k, ring), EPERM);
    // A restriction is set once.
    REQUIRE_FAILS_WITH(keyctl_restrict_keyring(ring, nullptr, nullptr), EEXIST);
    REQUIRE_FAILS_WITH(keyctl_restrict_keyring(k, nullptr, nullptr), ENOTDIR);
    key_serial_t other = test::new_keyring("ring:badtype");
    REQUIRE_FAILS_WITH(keyctl_restrict_keyring(other, "no_such_type", "x"), ENOKEY);
}

TEST_CASE("invalidate removes a key at once")
{
    key_serial_t k = test::new_key("ring:inval", "v");
    // Full user rights, so the answer does not depend on whether the garbage
    // collector has already taken the link (and possession) away.
    REQUIRE(keyctl_setperm(k, KEY_POS_ALL | KEY_USR_ALL) == 0);
    REQUIRE(keyctl_invalidate(k) == 0);
    char buf[4];
    REQUIRE_FAILS_WITH(keyctl_read(k, buf, sizeof buf), ENOKEY);
    REQUIRE_FAILS_WITH(keyctl_invalidate(0x7ffffff0), ENOKEY);
}

TEST_CASE("get_persistent returns the caller's persistent keyring", "[may-skip][needs-persistent]")
{
    unsigned char caps[2] = {};
    REQUIRE(keyctl_capabilities(caps, sizeof caps) > 0);
    if (!(caps[0] & KEYCTL_CAPS0_PERSISTENT_KEYRINGS)) {
        REQUIRE_FAILS_WITH(keyctl_get_persistent(static_cast<uid_t>(-1), KEY_SPEC_SESSION_KEYRING),
                           EOPNOTSUPP);
        SKIP_TEST("the kernel has no persistent keyrings");
    }
    long p = keyctl_get_persistent(static_cast<uid_t>(-1), KEY_SPEC_SESSION_KEYRING);
    REQUIRE(p > 0);
    REQUIRE(keyctl_get_persistent(getuid(), KEY_SPEC_SESSION_KEYRING) == p);
    // Another user's persistent keyring needs CAP_SETUID, and the user must
    // exist in the caller's user namespace.
    uid_t other = getuid() == 0 ? 1 : 0;
    if (test::is_host_root())
        REQUIRE_OK(keyctl_get_persistent(other, KEY_SPEC_SESSION_KEYRING));
    else if (test::has_cap(CAP_SETUID))
        REQUIRE_FAILS_WITH(keyctl_get_persistent(123456, KEY_SPEC_SESSION_KEYRING), EINVAL);
    else
        REQUIRE_FAILS_WITH(keyctl_get_persistent(other, KEY_SPEC_SESSION_KEYRING), EPERM);
    keyctl_unlink(static_cast<key_serial_t>(p), KEY_SPEC_SESSION_KEYRING);
}
