// key: describe, read (all forms), update, revoke, invalidate, timeouts,
// setperm, chown, security labels, link/unlink/move, and special keyrings.
#include "support.hpp"

#include <linux/capability.h>
#include <thread>

using namespace keyutils;
using namespace std::chrono_literals;
using hpptest::fresh_session;

TEST_CASE("a key describes itself, parsed and raw", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "semi;colons;inside", "payload");
    REQUIRE(k.valid());
    CHECK(!k.is_special());

    auto d = k.describe();
    CHECK(d.type == "user");
    CHECK(d.uid == ::geteuid());
    CHECK(d.gid == ::getegid());
    CHECK(d.text == "semi;colons;inside");
    CHECK(d.perm.possessor() == rights::all);
    CHECK(k.describe_raw() == d.to_string());

    char raw[256];
    REQUIRE(keyctl_describe(k.id(), raw, sizeof raw) > 0);
    CHECK(k.describe_raw() == raw);

    // Long descriptions take the resizing path.
    std::string long_text(3000, 'd');
    auto lk = fs.ring.add("user", long_text, "x");
    CHECK(lk.describe().text == long_text);

    std::error_code ec;
    auto parsed = k.describe(ec);
    CHECK(!ec);
    CHECK(parsed == d);
}

TEST_CASE("describing what does not exist fails in both forms", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "gone", "x");
    k.invalidate();
    REQUIRE_EC(ENOKEY, k.describe(ec));
    REQUIRE_EC(ENOKEY, k.describe_raw(ec));
    REQUIRE_THROWS_ERRNO(ENOKEY, k.describe());
    REQUIRE_EC(EINVAL, key().describe(ec));
    try {
        (void)k.describe();
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(e.code() == errc::no_key);
        CHECK(operation_of(e.code()) == operation::describe);
        // what() names the key and the operation.
        CHECK(std::string(e.what()) == "key " + std::to_string(k.id()) + ": " + e.code().message());
        CHECK(std::string(e.what()).find("keyctl_describe: ENOKEY") != std::string::npos);
    }
}

TEST_CASE("payloads read back as bytes, strings and secrets", "[key]")
{
    fresh_session fs;
    std::string payload("bin\0ary", 7);
    auto k = fs.ring.add("user", "reader", payload);

    CHECK(k.read_string() == payload);
    auto bytes = k.read();
    REQUIRE(bytes.size() == 7);
    CHECK(std::memcmp(bytes.data(), payload.data(), 7) == 0);
    auto s = k.read_secret();
    CHECK(s.as_chars() == payload);

    char small[3];
    CHECK(k.read_into(small, sizeof small) == 7);
    char big[16];
    CHECK(k.read_into(big, sizeof big) == 7);
    CHECK(std::string(big, 7) == payload);

    std::string large(5000, 'L'); // well past the first guess, under the quota
    auto lk = fs.ring.add("user", "large", large);
    CHECK(lk.read_string() == large);
    CHECK(lk.read_secret().as_chars() == large);

    REQUIRE_EC(EINVAL, fs.ring.add("user", "empty", bytes_view(), ec));
    auto empty = fs.ring.add_keyring("empty");
    CHECK(empty.read().empty());
    CHECK(empty.read_secret().empty());

    std::error_code ec;
    CHECK(k.read_string(ec) == payload);
    CHECK(!ec);
    std::vector<std::byte> vb{std::byte{0xde}, std::byte{0xad}};
    k.update(vb);
    CHECK(k.read() == vb);
}

TEST_CASE("updating replaces the payload", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "upd", "one");
    k.update("two");
    CHECK(k.read_string() == "two");
    REQUIRE_NO_EC(k.update(std::string("three"), ec));
    CHECK(k.read_string() == "three");
    // Adding the same type and description updates in place.
    CHECK(fs.ring.add("user", "upd", "four") == k);
    CHECK(k.read_string() == "four");

    auto ring = fs.ring.add_keyring("not-updatable");
    REQUIRE_EC(EOPNOTSUPP, ring.update("x", ec));
    REQUIRE_THROWS_ERRNO(EOPNOTSUPP, ring.update("x"));
}

TEST_CASE("revoked keys refuse access with EKEYREVOKED", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "rev", "x");
    k.revoke();
    REQUIRE_EC(EKEYREVOKED, k.read(ec));
    REQUIRE_EC(EKEYREVOKED, k.read_secret(ec));
    REQUIRE_EC(EKEYREVOKED, k.describe(ec));
    REQUIRE_THROWS_ERRNO(EKEYREVOKED, k.read_string());
    REQUIRE_EC(EKEYREVOKED, k.update("y", ec));
    std::error_code ec;
    CHECK(k.read(ec).empty());
    CHECK(ec == errc::key_revoked);
}

TEST_CASE("invalidated keys vanish from their keyrings", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "inv", "x");
    REQUIRE_NO_EC(k.invalidate(ec));
    REQUIRE_EC(ENOKEY, k.describe(ec));
    REQUIRE_EC(ENOKEY, k.update("y", ec));
    REQUIRE_EC(ENOKEY, k.invalidate(ec));
    REQUIRE_THROWS_ERRNO(ENOKEY, k.invalidate());
}

TEST_CASE("timeouts expire keys", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "ttl", "x");
    k.set_timeout(1h);
    CHECK(k.read_string() == "x");
    k.clear_timeout();
    k.set_timeout(1s);
    std::this_thread::sleep_for(1500ms);
    REQUIRE_EC(EKEYEXPIRED, k.read(ec));
    std::error_code ec;
    CHECK(k.describe(ec) == description());
    CHECK(ec == errc::key_expired);
    REQUIRE_EC(EKEYEXPIRED, k.set_timeout(10s, ec));
}

TEST_CASE("a timeout that has already run out leaves the key unreadable at once", "[key][regression]")
{
    // A token whose expiry lies in the past must not become permanent (the
    // kernel reads a timeout of 0 as "never expires").
    fresh_session fs;
    auto past = fs.ring.add("user", "expired-token", "secret");
    const auto expires_at = std::chrono::system_clock::now() - 5s;
    past.set_timeout(expires_at - std::chrono::system_clock::now());
    REQUIRE_EC(EKEYREVOKED, past.read(ec));
    std::error_code ec;
    CHECK(past.read_string(ec).empty());
    CHECK(ec == errc::key_revoked);

    auto now = fs.ring.add("user", "expiring-now", "secret");
    now.set_timeout(0s);
    REQUIRE_EC(EKEYREVOKED, now.read(ec));

    auto later = fs.ring.add("user", "negative-ec", "secret");
    REQUIRE_NO_EC(later.set_timeout(-1min, ec));
    REQUIRE_EC(EKEYREVOKED, later.read(ec));

    // A fraction of a second is rounded up, never down to "no expiry".
    auto brief = fs.ring.add("user", "brief", "secret");
    brief.set_timeout(300ms);
    CHECK(brief.read_string() == "secret");
    std::this_thread::sleep_for(1500ms);
    REQUIRE_EC(EKEYEXPIRED, brief.read(ec));
}

TEST_CASE("setperm changes what may be done", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "perm", "x");
    // Possession itself depends on the search right.
    auto p = permissions::builder()
                 .possessor(rights::view | rights::read | rights::search | rights::setattr)
                 .build();
    k.setperm(p);
    CHECK(k.describe().perm == p);
    REQUIRE_EC(EACCES, k.update("y", ec));

    k.setperm(permissions::builder().possessor(rights::search | rights::setattr).build());
    REQUIRE_EC(EACCES, k.describe(ec));
    // The kernel lets a possessed (found-by-search) key be read regardless.
    CHECK(k.read_string() == "x");
    // No setattr left: the mask is now fixed.
    k.setperm(permissions());
    REQUIRE_EC(EACCES, k.setperm(permissions(KEY_POS_ALL), ec));
    REQUIRE_THROWS_ERRNO(EACCES, k.setperm(permissions(KEY_POS_ALL)));
    // Bits outside the defined rights are rejected.
    auto k2 = fs.ring.add("user", "perm2", "x");
    REQUIRE_EC(EINVAL, k2.setperm(permissions(0xff000000), ec));
}

TEST_CASE("chown needs privilege except to keep or join one's own ids", "[key][privilege]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "owned", "x");
    REQUIRE_NO_EC(k.chown(::geteuid(), std::nullopt, ec));
    REQUIRE_NO_EC(k.chown(std::nullopt, ::getegid(), ec));
    REQUIRE_NO_EC(k.chown(std::nullopt, std::nullopt, ec));

    const uid_t stranger = 4321;
    std::error_code ec;
    k.chown(std::nullopt, stranger, ec);
    if (hpptest::host_capable(CAP_SYS_ADMIN)) {
        CHECK(!ec);
        CHECK(k.describe().gid == stranger);
    } else if (!hpptest::gid_mapped(stranger)) {
        CHECK(ec.value() == EINVAL); // the id has no meaning in this namespace
    } else {
        CHECK(ec.value() == EACCES);
    }

    k.chown(stranger, std::nullopt, ec);
    if (hpptest::host_capable(CAP_SYS_ADMIN)) {
        CHECK(!ec);
        CHECK(k.describe().uid == stranger);
    } else if (!hpptest::uid_mapped(stranger)) {
        CHECK(ec.value() == EINVAL);
    } else {
        CHECK(ec.value() == EACCES);
        REQUIRE_THROWS_ERRNO(EACCES, k.chown(stranger, std::nullopt));
    }
}

TEST_CASE("security labels read back (empty without an LSM)", "[key]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "label", "x");
    std::error_code ec;
    auto label = k.security(ec);
    CHECK(!ec);
    char raw[256] = {};
    long n = keyctl_get_security(k.id(), raw, sizeof raw);
    REQUIRE(n >= 0);
    CHECK(label == raw);
    k.invalidate();
    REQUIRE_EC(ENOKEY, k.security(ec));
}

TEST_CASE("keys link into, unlink from and move between keyrings", "[key]")
{
    fresh_session fs;
    auto a = fs.ring.add_keyring("a");
    auto b = fs.ring.add_keyring("b");
    auto k = a.add("user", "mover", "x");

    k.link_into(b);
    CHECK(b.members() == std::vector<key>{k});
    k.unlink_from(b);
    CHECK(b.members().empty());
    REQUIRE_EC(ENOENT, k.unlink_from(b, ec));
    REQUIRE_THROWS_ERRNO(ENOENT, k.unlink_from(b));

    k.move(a, b);
    CHECK(a.members().empty());
    CHECK(b.members() == std::vector<key>{k});

    // An exclusive move refuses to displace a same-named key.
    auto twin = a.add("user", "mover", "y");
    REQUIRE_EC(EEXIST, twin.move(a, b, true, ec));
    CHECK(b.search("user", "mover") == k);
    twin.move(a, b, false);
    CHECK(b.search("user", "mover") == twin);

    // Keyrings cannot be linked into themselves or their descendants.
    auto inner = a.add_keyring("inner");
    REQUIRE_EC(EDEADLK, a.link_into(inner, ec));
    REQUIRE_EC(EDEADLK, a.link_into(a, ec));
    // Linking into something that is not a keyring (k itself was displaced
    // by twin and is gone).
    auto fresh = fs.ring.add("user", "fresh", "x");
    REQUIRE_EC(ENOTDIR, fresh.link_into(keyring(twin), ec));
}

TEST_CASE("special keyrings keep their meaning until resolved", "[key][special]")
{
    fresh_session fs;
    auto s = keyring::session();
    CHECK(s.is_special());
    CHECK(s.id() == KEY_SPEC_SESSION_KEYRING);
    CHECK(s.resolve() == fs.ring);

    // The same symbolic handle follows the caller into a new session.
    auto later = keyring::join_session();
    CHECK(s.id() == KEY_SPEC_SESSION_KEYRING);
    CHECK(s.resolve() == later.resolve());
    CHECK(s.resolve() != fs.ring);

    CHECK(keyring::thread().id() == KEY_SPEC_THREAD_KEYRING);
    CHECK(keyring::process().id() == KEY_SPEC_PROCESS_KEYRING);
    CHECK(keyring::user().id() == KEY_SPEC_USER_KEYRING);
    CHECK(keyring::user_session().id() == KEY_SPEC_USER_SESSION_KEYRING);
    CHECK(keyring::group().id() == KEY_SPEC_GROUP_KEYRING);

    // A thread keyring exists only once created; in a thread of our own so
    // that no other test sees it.
    std::thread([] {
        REQUIRE_EC(ENOKEY, keyring::thread().resolve(false, ec));
        REQUIRE_THROWS_ERRNO(ENOKEY, keyring::thread().resolve());
        auto t = keyring::thread().resolve(true);
        CHECK(!t.is_special());
        CHECK(t.describe().text == "_tid");
        CHECK(keyring::thread().resolve() == t);
    }).join();

    CHECK(keyring::user().resolve(true).describe().text == "_uid." + std::to_string(::getuid()));
    REQUIRE_EC(EINVAL, keyring::group().resolve(false, ec));
    REQUIRE_EC(EINVAL, key(-99).resolve(false, ec));
}

TEST_CASE("named sessions, persistent keyrings and the default request keyring", "[keyring][special]")
{
    fresh_session fs;
    auto name = hpptest::unique_name("hpp-named-session");
    auto named = keyring::join_session(name);
    CHECK(named.describe().text == name);
    CHECK(keyring::session().resolve() == named.resolve());
    REQUIRE_EC(EINVAL, keyring::join_session(std::string(5000, 'n'), ec));

    fresh_session again;
    auto mine = keyring::persistent(::geteuid(), again.ring);
    CHECK(mine.describe().text == "_persistent." + std::to_string(::geteuid()));
    CHECK(again.ring.members() == std::vector<key>{mine});

    std::error_code ec;
    const uid_t stranger = 4321;
    auto theirs = keyring::persistent(stranger, again.ring, ec);
    if (hpptest::host_capable(CAP_SETUID)) {
        CHECK(!ec);
        CHECK(theirs.describe().text == "_persistent.4321");
        again.ring.unlink(theirs);
    } else if (!hpptest::uid_mapped(stranger)) {
        CHECK(ec.value() == EINVAL);
    } else {
        CHECK(ec.value() == EPERM);
        CHECK(ec == errc::access_denied);
    }

    auto old = set_default_request_keyring(default_keyring::thread);
    CHECK(set_default_request_keyring(default_keyring::no_change) == default_keyring::thread);
    set_default_request_keyring(old);
    CHECK(set_default_request_keyring(default_keyring::no_change) == old);
    REQUIRE_EC(EINVAL, set_default_request_keyring(static_cast<default_keyring>(99), ec));
}

TEST_CASE("keys are values: compare, order and hash by serial", "[key]")
{
    key a(5), b(7);
    CHECK(a != b);
    CHECK(a < b);
    CHECK(a == key(5));
    CHECK(keyring(5) == a);
    CHECK(std::hash<key>()(a) == std::hash<key_serial_t>()(5));
    CHECK(std::hash<keyring>()(keyring(5)) == std::hash<key>()(a));
    CHECK(!key().valid());
    CHECK(key(-3).is_special());
}
