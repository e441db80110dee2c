// recursive_key_scan, recursive_session_key_scan and find_key_by_type_and_desc.
#include "support.hpp"

#include <map>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

struct visit {
    key_serial_t parent;
    key_serial_t key;
    std::string desc;
    int desc_len;
    int error;
};

int record(key_serial_t parent, key_serial_t key, char *desc, int desc_len, void *data)
{
    auto *visits = static_cast<std::vector<visit> *>(data);
    visits->push_back({parent, key, desc ? std::string(desc) : std::string(), desc_len,
                       desc ? 0 : errno});
    return 10;
}

size_t position(const std::vector<visit> &v, key_serial_t key)
{
    for (size_t i = 0; i < v.size(); i++)
        if (v[i].key == key)
            return i;
    return v.size();
}

} // namespace

TEST_CASE("recursive_key_scan visits every link, children before their keyring")
{
    key_serial_t top = test::new_keyring("scan:top");
    key_serial_t a = test::new_key("scan:a", "1", top);
    key_serial_t sub = test::new_keyring("scan:sub", top);
    key_serial_t b = test::new_key("scan:b", "2", sub);
    REQUIRE(keyctl_link(a, sub) == 0); // a is reached twice

    std::vector<visit> v;
    REQUIRE(recursive_key_scan(top, record, &v) == 10 * 5);
    REQUIRE(v.size() == 5);
    REQUIRE(v.back().key == top);
    REQUIRE(v.back().parent == 0);
    REQUIRE(position(v, b) < position(v, sub));
    int a_links = 0;
    for (auto &x : v) {
        REQUIRE(x.desc_len == static_cast<int>(x.desc.size()));
        if (x.key == a) {
            a_links++;
            REQUIRE(x.desc.rfind("user;", 0) == 0);
            REQUIRE(x.desc.substr(x.desc.size() - 7) == ";scan:a");
        }
        if (x.key == b)
            REQUIRE(x.parent == sub);
    }
    REQUIRE(a_links == 2);
}

TEST_CASE("recursive_key_scan passes keys it cannot describe with NULL and -1")
{
    key_serial_t top = test::new_keyring("scan:hidden-top");
    key_serial_t k = test::new_key("scan:secret", "v", top);
    REQUIRE(keyctl_setperm(k, 0) == 0);
    std::vector<visit> v;
    REQUIRE(recursive_key_scan(top, record, &v) == 20);
    REQUIRE(v.size() == 2);
    REQUIRE(v[0].key == k);
    REQUIRE(v[0].desc_len == -1);
    REQUIRE(v[0].desc.empty());
    REQUIRE(test::errno_name(v[0].error) == "EACCES");
}

TEST_CASE("recursive_key_scan of a missing key still calls back once")
{
    std::vector<visit> v;
    REQUIRE(recursive_key_scan(0x7ffffff0, record, &v) == 10);
    REQUIRE(v.size() == 1);
    REQUIRE(v[0].desc_len == -1);
    REQUIRE(test::errno_name(v[0].error) == "ENOKEY");
}

TEST_CASE("recursive_key_scan reports long descriptions whole")
{
    std::string long_desc = "scan:" + std::string(1000, 'L');
    key_serial_t top = test::new_keyring("scan:long-top");
    key_serial_t k = test::new_key(long_desc.c_str(), "v", top);
    std::vector<visit> v;
    recursive_key_scan(top, record, &v);
    REQUIRE(v.size() == 2);
    REQUIRE(v[0].key == k);
    REQUIRE(v[0].desc.size() > long_desc.size());
    REQUIRE(v[0].desc.substr(v[0].desc.size() - long_desc.size()) == long_desc);
    REQUIRE(keyctl_unlink(top, KEY_SPEC_SESSION_KEYRING) == 0);
}

TEST_CASE("recursive_session_key_scan starts at the session keyring")
{
    key_serial_t session = keyctl_join_session_keyring(nullptr);
    REQUIRE(session > 0);
    key_serial_t k = test::new_key("scan:in-session", "v");
    std::vector<visit> v;
    REQUIRE(recursive_session_key_scan(record, &v) == 20);
    REQUIRE(v.size() == 2);
    REQUIRE(v[0].key == k);
    REQUIRE(v[0].parent == session);
    REQUIRE(v[1].key == session);
}

// /proc/keys lists every key the user may view, other test processes' too:
// names carry the pid so that they are this process's own.
static std::string unique(const char *name)
{
    return std::string(name) + ":" + std::to_string(getpid());
}

// Tagged [ours]: keyutils 1.6.3 crashes while any key with a description
// over 1 KiB is visible in /proc/keys (see below), which other tests create.
TEST_CASE("find_key_by_type_and_desc finds keys in and beyond the caller's keyrings", "[ours]")
{
    key_serial_t near = test::new_key("scan:near", "v");
    REQUIRE(find_key_by_type_and_desc("user", "scan:near", 0) == near);

    // A key in a keyring this process no longer has attached: only
    // /proc/keys knows it.  Same-prefix and other-type decoys must not match.
    key_serial_t away = test::new_keyring("scan:away");
    std::string name = unique("scan:far");
    key_serial_t decoy = test::new_key((name + ":decoy").c_str(), "v", away);
    key_serial_t far = test::new_key(name.c_str(), "v", away);
    key_serial_t ring_decoy = test::new_keyring(name.c_str(), away);
    for (key_serial_t id : {decoy, far, ring_decoy})
        REQUIRE(keyctl_setperm(id, KEY_POS_ALL | KEY_USR_ALL) == 0);
    test::out_of_reach parked(away);
    REQUIRE_FAILS_WITH(request_key("user", name.c_str(), nullptr, 0), ENOKEY);
    REQUIRE(find_key_by_type_and_desc("user", name.c_str(), 0) == far);
    REQUIRE(find_key_by_type_and_desc("keyring", name.c_str(), 0) == ring_decoy);

    key_serial_t dest = test::new_keyring("scan:dest");
    REQUIRE(find_key_by_type_and_desc("user", name.c_str(), dest) == far);
    REQUIRE(keyctl_search(dest, "user", name.c_str(), 0) == far);

    REQUIRE_FAILS_WITH(find_key_by_type_and_desc("user", unique("scan:nowhere").c_str(), 0),
                       ENOKEY);
    REQUIRE(keyctl_setperm(ring_decoy, KEY_POS_ALL) == 0);
}

TEST_CASE("find_key_by_type_and_desc reports a failed link", "[ours]")
{
    key_serial_t away = test::new_keyring("scan:away2");
    std::string name = unique("scan:nolink");
    key_serial_t k = test::new_key(name.c_str(), "v", away);
    REQUIRE(keyctl_setperm(k, KEY_POS_ALL | KEY_USR_VIEW) == 0);
    test::out_of_reach parked(away);
    key_serial_t dest = test::new_keyring("scan:dest2");
    REQUIRE(find_key_by_type_and_desc("user", name.c_str(), 0) == k);
    REQUIRE_FAILS_WITH(find_key_by_type_and_desc("user", name.c_str(), dest), EACCES);
}

// keyutils 1.6.3 reads /proc/keys in 1 KiB pieces and overflows a stack
// buffer on the continuation of a longer line: it crashes here.
TEST_CASE("find_key_by_type_and_desc copes with very long descriptions", "[ours]")
{
    std::string long_desc = unique("scan:long") + std::string(3000, 'x');
    key_serial_t k = test::new_key(long_desc.c_str(), "v");
    REQUIRE(find_key_by_type_and_desc("user", long_desc.c_str(), 0) == k);
    REQUIRE(keyctl_invalidate(k) == 0);
    key_serial_t away = test::new_keyring("scan:away3");
    std::string name = unique("scan:after-long");
    key_serial_t far = test::new_key(name.c_str(), "v", away);
    REQUIRE(keyctl_setperm(far, KEY_POS_ALL | KEY_USR_ALL) == 0);
    test::out_of_reach parked(away);
    REQUIRE(find_key_by_type_and_desc("user", name.c_str(), 0) == far);
}

// A description longer than every other line of /proc/keys: 1.6.3-derived
// code read line[text + strlen(desc)] before checking the line was that long
// (AddressSanitizer: heap-buffer-overflow).  The key is out of request_key's
// reach, so only the /proc/keys scan can find it.
TEST_CASE("find_key_by_type_and_desc scans for a 3,000-byte description within each line",
          "[ours]")
{
    std::string long_desc = unique("scan:far-long") + std::string(3000, 'y');
    REQUIRE_FAILS_WITH(find_key_by_type_and_desc("user", long_desc.c_str(), 0), ENOKEY);

    key_serial_t away = test::new_keyring("scan:away4");
    key_serial_t k = test::new_key(long_desc.c_str(), "v", away);
    REQUIRE(keyctl_setperm(k, KEY_POS_ALL | KEY_USR_ALL) == 0);
    test::out_of_reach parked(away);
    REQUIRE_FAILS_WITH(request_key("user", long_desc.c_str(), nullptr, 0), ENOKEY);
    REQUIRE(find_key_by_type_and_desc("user", long_desc.c_str(), 0) == k);
    // One character short or long of it is another description.
    std::string shorter = long_desc.substr(0, long_desc.size() - 1);
    REQUIRE_FAILS_WITH(find_key_by_type_and_desc("user", shorter.c_str(), 0), ENOKEY);
    REQUIRE_FAILS_WITH(find_key_by_type_and_desc("user", (long_desc + "y").c_str(), 0), ENOKEY);
    // Gone at once, not at exit: an unprivileged uid has 20,000 bytes.
    REQUIRE(keyctl_invalidate(k) == 0);
}
