// Permissions, ownership, timeouts, revocation and quota.
#include "support.hpp"

#include <string>
#include <vector>

#include <sys/capability.h>
#include <unistd.h>

TEST_CASE("setperm changes what the caller may do")
{
    key_serial_t k = test::new_key("attr:perm", "v");
    REQUIRE(keyctl_setperm(k, KEY_POS_ALL | KEY_USR_VIEW) == 0);
    char *d = nullptr;
    REQUIRE(keyctl_describe_alloc(k, &d) > 0);
    REQUIRE(std::string(d).find(";3f010000;") != std::string::npos);
    free(d);
    // Without SETATTR the permissions are frozen.
    REQUIRE(keyctl_setperm(k, KEY_POS_VIEW | KEY_POS_READ) == 0);
    REQUIRE_FAILS_WITH(keyctl_setperm(k, KEY_POS_ALL), EACCES);
    key_serial_t other = test::new_key("attr:badperm", "v");
    REQUIRE_FAILS_WITH(keyctl_setperm(other, 0xc0000000), EINVAL);
}

TEST_CASE("a key the caller does not possess needs user permissions")
{
    // Not linked anywhere this process can reach: not possessed.
    key_serial_t hidden = test::new_keyring("attr:hidden");
    key_serial_t k = test::new_key("attr:unpossessed", "v", hidden);
    REQUIRE(keyctl_setperm(k, KEY_POS_ALL | KEY_USR_VIEW) == 0);
    test::out_of_reach parked(hidden);
    char buf[4];
    REQUIRE(keyctl_describe(k, nullptr, 0) > 0); // view is granted to the owner
    REQUIRE_FAILS_WITH(keyctl_read(k, buf, sizeof buf), EACCES);
    REQUIRE_FAILS_WITH(keyctl_link(k, KEY_SPEC_SESSION_KEYRING), EACCES);
}

TEST_CASE("chown needs CAP_SYS_ADMIN to give a key away")
{
    key_serial_t k = test::new_key("attr:chown", "v");
    uid_t me = geteuid();
    gid_t my_group = getegid();
    // Changing nothing is always allowed.
    REQUIRE(keyctl_chown(k, static_cast<uid_t>(-1), static_cast<gid_t>(-1)) == 0);
    REQUIRE(keyctl_chown(k, me, static_cast<gid_t>(-1)) == 0);
    REQUIRE(keyctl_chown(k, static_cast<uid_t>(-1), my_group) == 0);
    uid_t other = me == 0 ? 1 : 0;
    if (test::is_host_root()) {
        REQUIRE(keyctl_chown(k, static_cast<uid_t>(-1), 12345) == 0);
        REQUIRE(keyctl_chown(k, other, static_cast<gid_t>(-1)) == 0);
        char *d = nullptr;
        REQUIRE(keyctl_describe_alloc(k, &d) > 0);
        REQUIRE(std::string(d).rfind("user;" + std::to_string(other) + ";12345;", 0) == 0);
        free(d);
    } else if (!test::has_cap(CAP_SYS_ADMIN)) {
        REQUIRE_FAILS_WITH(keyctl_chown(k, other, static_cast<gid_t>(-1)), EACCES);
    } else {
        // Root of a user namespace: only IDs mapped into it are valid.
        REQUIRE_FAILS_WITH(keyctl_chown(k, 123456, static_cast<gid_t>(-1)), EINVAL);
    }
    REQUIRE_FAILS_WITH(keyctl_chown(0x7ffffff0, me, my_group), ENOKEY);
}

TEST_CASE("an expired key fails with EKEYEXPIRED")
{
    key_serial_t k = test::new_key("attr:expiring", "v");
    REQUIRE(keyctl_set_timeout(k, 1) == 0);
    char buf[4];
    REQUIRE(keyctl_read(k, buf, sizeof buf) == 1);
    usleep(2100 * 1000);
    REQUIRE_FAILS_WITH(keyctl_read(k, buf, sizeof buf), EKEYEXPIRED);
    REQUIRE_FAILS_WITH(keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "attr:expiring", 0),
                       EKEYEXPIRED);
    // A timeout of 0 clears it again on a live key.
    key_serial_t live = test::new_key("attr:timeout-cleared", "v");
    REQUIRE(keyctl_set_timeout(live, 100) == 0);
    REQUIRE(keyctl_set_timeout(live, 0) == 0);
    REQUIRE_FAILS_WITH(keyctl_set_timeout(0x7ffffff0, 1), ENOKEY);
}

TEST_CASE("a revoked key fails with EKEYREVOKED")
{
    key_serial_t k = test::new_key("attr:revoked", "v");
    REQUIRE(keyctl_revoke(k) == 0);
    char buf[4];
    REQUIRE_FAILS_WITH(keyctl_read(k, buf, sizeof buf), EKEYREVOKED);
    REQUIRE_FAILS_WITH(keyctl_update(k, "x", 1), EKEYREVOKED);
    REQUIRE_FAILS_WITH(keyctl_describe(k, nullptr, 0), EKEYREVOKED);
    REQUIRE_FAILS_WITH(keyctl_revoke(0x7ffffff0), ENOKEY);
}

TEST_CASE("update checks the payload and the key")
{
    key_serial_t k = test::new_key("attr:update", "old");
    REQUIRE(keyctl_update(k, "new", 3) == 0);
    std::string page(5000, 'x');
    REQUIRE_FAILS_WITH(keyctl_update(k, page.data(), page.size()), EINVAL);
    key_serial_t ring = test::new_keyring("attr:update-ring");
    REQUIRE_FAILS_WITH(keyctl_update(ring, "x", 1), EOPNOTSUPP);
}

TEST_CASE("an unprivileged user runs into the key quota with EDQUOT", "[quota][may-skip][needs-unprivileged]")
{
    if (test::host_uid() == 0)
        SKIP_TEST("the host's root has a 25 MB quota; EDQUOT is checked when run unprivileged");
    // Non-root users may hold 20,000 bytes; five keys of 5,000 exceed that.
    key_serial_t ring = test::new_keyring("attr:quota");
    std::string payload(5000, 'z');
    long rc = 0;
    int err = 0;
    for (int i = 0; i < 5 && rc >= 0; i++) {
        errno = 0;
        rc = add_key("user", ("attr:q" + std::to_string(i)).c_str(), payload.data(),
                     payload.size(), ring);
        err = errno;
    }
    keyctl_clear(ring);
    REQUIRE(rc == -1);
    REQUIRE(test::errno_name(err) == "EDQUOT");
}
