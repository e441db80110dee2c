// keyring: add, search, request (with and without callout), clear, restrict,
// members and the recursive walk.
#include "support.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

using namespace keyutils;
using namespace std::chrono_literals;
using hpptest::fresh_session;

TEST_CASE("add creates keys and keyrings, and fails on bad input", "[keyring]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", std::string("from-std-string"), std::string_view("v"));
    CHECK(k.describe().text == "from-std-string");
    auto sub = fs.ring.add_keyring("sub");
    CHECK(sub.describe().is_keyring());
    // Keyrings cannot be updated: a same-named one replaces the old link.
    auto sub2 = fs.ring.add_keyring("sub");
    CHECK(sub2 != sub);
    CHECK(fs.ring.members() == std::vector<key>{k, sub2});

    REQUIRE_EC(EINVAL, fs.ring.add("user", "", "x", ec));
    REQUIRE_EC(ENODEV, fs.ring.add("no-such-type", "d", "x", ec));
    REQUIRE_EC(EINVAL, fs.ring.add("keyring", "k", "payload", ec));
    REQUIRE_EC(ENOTDIR, keyring(k).add("user", "d", "x", ec));
    REQUIRE_THROWS_ERRNO(ENODEV, fs.ring.add("no-such-type", "d", "x"));
    std::error_code ec;
    CHECK(!fs.ring.add("no-such-type", "d", "x", ec).valid());
    CHECK(operation_of(ec) == operation::add_key);
}

TEST_CASE("search finds nested keys; a miss is an error or nullopt", "[keyring]")
{
    fresh_session fs;
    auto outer = fs.ring.add_keyring("outer");
    auto inner = outer.add_keyring("inner");
    auto k = inner.add("user", "needle", "x");

    CHECK(fs.ring.search("user", "needle") == k);
    CHECK(outer.try_search("user", "needle") == k);
    CHECK(keyring::session().search("user", "needle") == k);

    REQUIRE_THROWS_ERRNO(ENOKEY, fs.ring.search("user", "hay"));
    CHECK(fs.ring.try_search("user", "hay") == std::nullopt);
    std::error_code ec;
    CHECK(fs.ring.try_search("user", "hay", keyring(), ec) == std::nullopt);
    CHECK(!ec);
    CHECK(!fs.ring.search("user", "hay", keyring(), ec).valid());
    CHECK(ec == errc::no_key);

    // Only a miss is a value: other failures still throw or are reported.
    REQUIRE_THROWS_ERRNO(ENOTDIR, keyring(k).try_search("user", "needle"));
    CHECK(keyring(k).try_search("user", "needle", keyring(), ec) == std::nullopt);
    CHECK(ec.value() == ENOTDIR);

    // The destination keyring receives a link to what was found.
    auto dest = fs.ring.add_keyring("dest");
    CHECK(outer.search("user", "needle", dest) == k);
    CHECK(dest.members() == std::vector<key>{k});

    // Revoked keys are reported as such, not as misses.
    k.revoke();
    REQUIRE_EC(EKEYREVOKED, fs.ring.try_search("user", "needle", keyring(), ec));
}

TEST_CASE("request_key finds keys without a callout and links them", "[keyring][request]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "requested", "x");
    auto dest = fs.ring.add_keyring("dest");
    CHECK(dest.request("user", "requested") == k);
    CHECK(dest.members() == std::vector<key>{k});
    CHECK(request_key("user", "requested") == k);
    CHECK(try_request_key("user", "requested") == k);

    CHECK(dest.try_request("user", "absent") == std::nullopt);
    CHECK(try_request_key("user", "absent") == std::nullopt);
    REQUIRE_THROWS_ERRNO(ENOKEY, request_key("user", "absent"));
    REQUIRE_EC(ENOKEY, dest.request("user", "absent", zstring(), ec));
    std::error_code ec;
    CHECK(dest.try_request("user", "absent", zstring(), ec) == std::nullopt);
    CHECK(!ec);
    REQUIRE_EC(EINVAL, request_key("", "x", zstring(), keyring(), ec));
    REQUIRE_EC(EPERM, request_key(".internal", "x", zstring(), keyring(), ec));
}

namespace {

// Debian's /etc/request-key.conf answers "debug:*" requests through its
// debug script, negating or rejecting on request; it is system
// configuration, not part of this build, so tests that use it check first.
// Returns why the debug rules cannot answer this caller, "" when they can.
std::string debug_upcall_problem()
{
    std::ifstream conf("/etc/request-key.conf");
    std::string line;
    bool negate = false, construct = false;
    while (std::getline(conf, line)) {
        if (line.find("debug:*") != std::string::npos && line.find("negate") != std::string::npos)
            negate = true;
        if (line.find("debug:*") != std::string::npos && line.find("request-key-debug.sh") != std::string::npos)
            construct = true;
    }
    if (!negate || !construct || ::access("/sbin/request-key", X_OK) != 0)
        return "/etc/request-key.conf has no debug:* rules to answer requests";
    return test_probe::upcall_problem();
}

} // namespace

TEST_CASE("request_key with callout information runs the upcall", "[keyring][request][may-skip][needs-debug-upcall]")
{
    std::string problem = debug_upcall_problem();
    if (!problem.empty())
        SKIP_TEST(problem);
    fresh_session fs;
    auto desc = "debug:" + hpptest::unique_name("hpp");
    auto k = fs.ring.request("user", desc, "hello there");
    CHECK(k.read_string() == "Debug hello there");
    CHECK(fs.ring.members() == std::vector<key>{k});
    // Found again without a new upcall.
    CHECK(fs.ring.try_request("user", desc, "other") == k);

    // A negated key is a miss; a rejected one is an error.
    CHECK(fs.ring.try_request("user", "debug:" + hpptest::unique_name("neg"), "negate") == std::nullopt);
    REQUIRE_THROWS_ERRNO(ENOKEY, request_key("user", "debug:" + hpptest::unique_name("neg"), "negate"));
    REQUIRE_EC(EKEYREJECTED,
               fs.ring.try_request("user", "debug:" + hpptest::unique_name("rej"), "rejected", ec));
    std::error_code ec;
    fs.ring.request("user", "debug:" + hpptest::unique_name("exp"), "expired", ec);
    CHECK(ec == errc::key_expired);
    CHECK(operation_of(ec) == operation::request_key);
}

TEST_CASE("clear empties a keyring", "[keyring]")
{
    fresh_session fs;
    auto ring = fs.ring.add_keyring("to-clear");
    ring.add("user", "a", "1");
    ring.add("user", "b", "2");
    CHECK(ring.members().size() == 2);
    ring.clear();
    CHECK(ring.members().empty());
    auto k = fs.ring.add("user", "plain", "x");
    REQUIRE_EC(ENOTDIR, keyring(k).clear(ec));
    REQUIRE_THROWS_ERRNO(ENOTDIR, keyring(k).clear());
}

TEST_CASE("restricted keyrings refuse new links", "[keyring][may-skip][needs-restrict]")
{
    fresh_session fs;
    if (!capabilities().restrict_keyring) {
        SKIP_TEST("the kernel cannot restrict keyrings");
    }
    auto ring = fs.ring.add_keyring("restricted");
    auto before = ring.add("user", "before", "x");
    REQUIRE_EC(ENOKEY, ring.restrict_links("no-such-type", "x", ec));
    REQUIRE_EC(EINVAL, ring.restrict_links("asymmetric", "nonsense", ec));
    ring.restrict_links();
    REQUIRE_EC(EPERM, ring.add("user", "after", "x", ec));
    auto outside = fs.ring.add("user", "outside", "x");
    REQUIRE_EC(EPERM, ring.link(outside, ec));
    CHECK(ring.members() == std::vector<key>{before});
    // A restriction is set once.
    REQUIRE_EC(EEXIST, ring.restrict_links(ec));
    REQUIRE_THROWS_ERRNO(EEXIST, ring.restrict_links());
}

TEST_CASE("members lists the direct members in order", "[keyring]")
{
    fresh_session fs;
    auto ring = fs.ring.add_keyring("members");
    CHECK(ring.members().empty());
    std::vector<key> added;
    for (int i = 0; i < 40; ++i) { // more than the first read guesses
        // Appended, not "m" + std::to_string(i): GCC 12 at -O3 reports a false
        // -Wrestrict inside operator+(const char*, string&&) (GCC bug 105651).
        std::string name = "m";
        name += std::to_string(i);
        added.push_back(ring.add("user", name, "x"));
    }
    auto got = ring.members();
    std::sort(got.begin(), got.end());
    std::sort(added.begin(), added.end());
    CHECK(got == added);

    auto plain = fs.ring.add("user", "plain", "x");
    // members() does not check the type (reading a plain key yields its
    // payload); a missing key is reported.
    plain.revoke();
    REQUIRE_EC(EKEYREVOKED, keyring(plain).members(ec));
    REQUIRE_THROWS_ERRNO(EKEYREVOKED, keyring(plain).members());
}

namespace {

std::map<key_serial_t, std::pair<unsigned, key_serial_t>> collect(keyring_walk& w)
{
    std::map<key_serial_t, std::pair<unsigned, key_serial_t>> out;
    for (const auto& e : w)
        out[e.item.id()] = {e.depth, e.parent.id()};
    return out;
}

} // namespace

TEST_CASE("walk visits nested keys depth first, each before its members", "[keyring][walk]")
{
    fresh_session fs;
    auto a = fs.ring.add_keyring("a");
    auto b = a.add_keyring("b");
    auto c = b.add_keyring("c");
    auto ka = a.add("user", "ka", "x");
    auto kc = c.add("user", "kc", "x");
    auto top = fs.ring.add("user", "top", "x");

    std::vector<walk_entry> seen;
    for (const auto& e : fs.ring.walk())
        seen.push_back(e);
    REQUIRE(seen.size() == 6);
    auto pos = [&](key k) {
        return std::find_if(seen.begin(), seen.end(), [&](const walk_entry& e) { return e.item == k; })
               - seen.begin();
    };
    CHECK(pos(a) < pos(b));
    CHECK(pos(b) < pos(c));
    CHECK(pos(c) < pos(kc));
    const auto& ekc = seen[static_cast<std::size_t>(pos(kc))];
    CHECK(ekc.depth == 4);
    CHECK(ekc.parent == c);
    REQUIRE(ekc.desc);
    CHECK(ekc.desc->text == "kc");
    CHECK(!ekc.is_keyring());
    CHECK(seen[static_cast<std::size_t>(pos(b))].is_keyring());
    CHECK(seen[static_cast<std::size_t>(pos(ka))].depth == 2);
    CHECK(seen[static_cast<std::size_t>(pos(top))].depth == 1);
    CHECK(seen[static_cast<std::size_t>(pos(top))].parent == fs.ring);

    // The symbolic session keyring walks the same tree.
    auto w = keyring::session().walk();
    CHECK(collect(w).size() == 6);
}

TEST_CASE("walk stops at the depth limit", "[keyring][walk]")
{
    fresh_session fs;
    auto ring = fs.ring;
    std::vector<keyring> chain;
    for (int i = 0; i < 5; ++i) {
        ring = ring.add_keyring("level" + std::to_string(i));
        chain.push_back(ring);
    }
    ring.add("user", "deep", "x");

    auto w2 = fs.ring.walk(2);
    auto shallow = collect(w2);
    CHECK(shallow.size() == 2);
    CHECK(shallow.count(chain[0].id()) == 1);
    CHECK(shallow.count(chain[1].id()) == 1);

    auto w0 = fs.ring.walk(0);
    CHECK(w0.begin() == w0.end());

    auto full = fs.ring.walk();
    CHECK(collect(full).size() == 6);
}

TEST_CASE("walk lists a keyring reached twice only once", "[keyring][walk]")
{
    fresh_session fs;
    auto a = fs.ring.add_keyring("a");
    auto b = fs.ring.add_keyring("b");
    auto shared = a.add_keyring("shared");
    b.link(shared);
    shared.add("user", "x", "1");
    shared.add("user", "y", "2");

    std::multiset<key_serial_t> ids;
    for (const auto& e : fs.ring.walk())
        ids.insert(e.item.id());
    CHECK(ids.count(shared.id()) == 2); // reported at both links
    CHECK(ids.size() == 2 + 2 + 2);     // a, b, shared twice, its two keys once
    // The kernel refuses real cycles; the walk's own guard is what keeps the
    // shared keyring from being entered twice above.
    REQUIRE_EC(EDEADLK, shared.link(a, ec));
}

TEST_CASE("walk tolerates keys that vanish mid-walk and unreadable keyrings", "[keyring][walk]")
{
    fresh_session fs;
    auto a = fs.ring.add_keyring("a");
    std::vector<key> doomed;
    for (int i = 0; i < 5; ++i)
        doomed.push_back(a.add("user", "doomed" + std::to_string(i), "x"));
    auto locked = fs.ring.add_keyring("locked");
    locked.add("user", "hidden", "x");
    // Visible to its owner but not searchable, so not possessed, and so
    // not readable either.
    locked.setperm(permissions::builder().possessor(rights::view).user(rights::view).build());
    auto revoked = fs.ring.add("user", "revoked", "x");
    revoked.revoke();

    auto w = fs.ring.walk();
    std::vector<walk_entry> seen;
    for (auto it = w.begin(); it != w.end(); ++it) {
        seen.push_back(*it);
        if (it->item == a)
            for (auto k : doomed)
                k.invalidate(); // a's members were listed; now they are gone
    }
    for (const auto& e : seen)
        for (auto k : doomed)
            CHECK(e.item != k);

    auto find = [&](key k) -> const walk_entry* {
        for (const auto& e : seen)
            if (e.item == k)
                return &e;
        return nullptr;
    };
    REQUIRE(find(locked));
    CHECK(find(locked)->is_keyring());
    REQUIRE(find(revoked));
    CHECK(!find(revoked)->desc);
    CHECK(find(revoked)->error == errc::key_revoked);
    CHECK(seen.size() == 3); // a, locked (not entered), revoked
}

TEST_CASE("walk reports a bad root at once", "[keyring][walk]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "gone", "x");
    k.invalidate();
    REQUIRE_THROWS_ERRNO(ENOKEY, keyring(k).walk());
    std::error_code ec;
    auto w = keyring(k).walk(6, ec);
    CHECK(ec == errc::no_key);
    CHECK(w.begin() == w.end());
}
