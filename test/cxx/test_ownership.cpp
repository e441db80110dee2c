// unique_key disposal policies, release and moves; the authority guard and
// the instantiate/reject/negate helpers outside a request.
#include "support.hpp"

#include <algorithm>

using namespace keyutils;
using namespace std::chrono_literals;
using hpptest::fresh_session;

// A policy that cannot work does not compile: the unlink policy needs the
// keyring to unlink from, so a policy given as a bare value is refused.
static_assert(!std::is_constructible_v<unique_key, key, disposal>);
static_assert(!std::is_constructible_v<unique_keyring, keyring, disposal>);
static_assert(std::is_nothrow_constructible_v<unique_key, key, keyring>);
static_assert(std::is_nothrow_constructible_v<unique_key, key, invalidate_on_dispose_t>);
static_assert(std::is_nothrow_constructible_v<unique_key, key, revoke_on_dispose_t>);

TEST_CASE("unique_key with the unlink policy unlinks from its keyring", "[unique_key]")
{
    fresh_session fs;
    auto holder = fs.ring.add_keyring("holder");
    key k;
    {
        unique_key owned(holder.add("user", "scoped", "x"), holder);
        k = owned.get();
        CHECK(owned.owns());
        CHECK(owned.policy() == disposal::unlink);
        CHECK(owned.unlink_ring() == holder);
        CHECK(owned->describe().text == "scoped");
        CHECK((*owned).read_string() == "x");
        k.link_into(fs.ring); // a second link keeps the key alive
    }
    CHECK(holder.members().empty());
    CHECK(fs.ring.members().size() == 2);
    CHECK(k.read_string() == "x");
}

TEST_CASE("unique_key with the invalidate policy removes the key everywhere", "[unique_key]")
{
    fresh_session fs;
    auto other = fs.ring.add_keyring("other");
    key k;
    {
        unique_key owned(fs.ring.add("user", "inv", "x"), invalidate_on_dispose);
        k = owned.get();
        k.link_into(other);
    }
    // Gone for every keyring at once (the links themselves are collected
    // later by the kernel's garbage collector).
    REQUIRE_EC(ENOKEY, k.describe(ec));
    REQUIRE_EC(ENOKEY, k.update("y", ec));
}

TEST_CASE("unique_key with the revoke policy leaves a revoked key", "[unique_key]")
{
    fresh_session fs;
    key k;
    {
        unique_key owned(fs.ring.add("user", "rev", "x"), revoke_on_dispose);
        k = owned.get();
    }
    REQUIRE_EC(EKEYREVOKED, k.read(ec));
}

TEST_CASE("release gives up ownership without disposing", "[unique_key]")
{
    fresh_session fs;
    key k;
    {
        unique_key owned(fs.ring.add("user", "kept", "x"), invalidate_on_dispose);
        k = owned.release();
        CHECK(!owned.owns());
        CHECK(!owned.get().valid());
    }
    CHECK(k.read_string() == "x");
}

TEST_CASE("moving transfers ownership; assigning disposes the old key", "[unique_key]")
{
    fresh_session fs;
    auto a = fs.ring.add("user", "a", "x");
    auto b = fs.ring.add("user", "b", "y");
    unique_key first(a, revoke_on_dispose);
    unique_key second(std::move(first));
    CHECK(!first.owns());
    CHECK(second.get() == a);
    CHECK(second.policy() == disposal::revoke);
    CHECK(a.read_string() == "x"); // moving does not dispose

    unique_key third(b, fs.ring);
    third = std::move(second); // b is unlinked, a now owned by third
    CHECK(fs.ring.members() == std::vector<key>{a});
    CHECK(third.get() == a);
    CHECK(third.policy() == disposal::revoke);

    auto& self = third;
    third = std::move(self);
    CHECK(third.get() == a);
    CHECK(a.read_string() == "x");

    third.dispose();
    CHECK(!third.owns());
    REQUIRE_EC(EKEYREVOKED, a.read(ec));
    third.dispose(); // owning nothing: nothing to do
}

TEST_CASE("dispose reports errors; the destructor swallows them", "[unique_key]")
{
    fresh_session fs;
    auto holder = fs.ring.add_keyring("holder");
    auto k = fs.ring.add("user", "elsewhere", "x");
    {
        unique_key wrong(k, holder); // k is not in holder
        REQUIRE_THROWS_ERRNO(ENOENT, wrong.dispose());
        CHECK(!wrong.owns());
    }
    {
        unique_key wrong(k, holder);
        std::error_code ec;
        wrong.dispose(ec);
        CHECK(ec.value() == ENOENT);
        CHECK(operation_of(ec) == operation::unlink);
    }
    {
        unique_key gone(k, invalidate_on_dispose);
        k.invalidate();
        // Destroyed with a key that no longer exists: no exception, no abort.
    }
    unique_key empty;
    CHECK(!empty.owns());
}

TEST_CASE("unique_keyring owns a keyring handle", "[unique_key]")
{
    fresh_session fs;
    key inside;
    {
        unique_keyring ring(fs.ring.add_keyring("scratch"), fs.ring);
        inside = ring->add("user", "inside", "x");
        CHECK(ring.get().members() == std::vector<key>{inside});
    }
    CHECK(fs.ring.members().empty());
    // The keyring went, and with it the only way to reach the key.
    CHECK(fs.ring.try_search("user", "inside") == std::nullopt);
}

TEST_CASE("unique_keyring bound to the session keyring outlives join_session()", "[unique_key][regression]")
{
    fresh_session fs;
    // Once left, the old session is reached by serial alone, without
    // possession: unlinking from it then needs the user class's write right.
    keyring::session().setperm(permissions(0x3f1f0000));
    keyring old_session = keyring::session().resolve();
    keyring vault_ring;
    {
        unique_keyring vault(keyring::session().add_keyring("vault"), keyring::session());
        CHECK(vault.unlink_ring() == old_session);
        vault_ring = vault.get();
        vault->add("user", "inside", "x");
        keyring::join_session();
        REQUIRE(keyring::session().resolve() != old_session);
    }
    // The vault was unlinked from the session it was created in, not from
    // the one current when its owner went away.
    auto left = old_session.members();
    CHECK(std::find(left.begin(), left.end(), vault_ring) == left.end());
    CHECK(keyring::session().members().empty());
}

TEST_CASE("unique_key bound to a left session reports why it cannot unlink", "[unique_key]")
{
    fresh_session fs;
    keyring old_session = keyring::session().resolve();
    unique_key owned(keyring::session().add("user", "stays", "x"), keyring::session());
    keyring::join_session();
    // The default session permissions give the user class no write right.
    std::error_code ec;
    owned.dispose(ec);
    CHECK(ec.value() == EACCES);
    CHECK(operation_of(ec) == operation::unlink);
    CHECK(old_session.members().size() == 1);
}

// The error of a rejection is an error enum, not a bare int.
static_assert(!std::is_convertible_v<int, reject_error>);
static_assert(reject_error(errc::key_rejected).value() == EKEYREJECTED);
static_assert(reject_error(std::errc::permission_denied).value() == EACCES);

TEST_CASE("without authority, instantiation helpers fail cleanly", "[instantiate]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "ready", "x");
    REQUIRE_EC(EPERM, instantiate(k, "payload", keyring(), ec));
    REQUIRE_EC(EPERM, instantiate(k, {"two ", "parts"}, keyring(), ec));
    std::vector<bytes_view> parts{"a", "b", "c"};
    REQUIRE_EC(EPERM, instantiate(k, parts, keyring(), ec));
    REQUIRE_EC(EPERM, reject(k, 10s, errc::key_rejected, keyring(), ec));
    REQUIRE_EC(EPERM, negate(k, 10s, keyring(), ec));
    REQUIRE_THROWS_ERRNO(EPERM, instantiate(k, "payload"));
    REQUIRE_THROWS_ERRNO(EPERM, instantiate(k, {"a", "b"}));
    REQUIRE_THROWS_ERRNO(EPERM, instantiate(k, parts));
    REQUIRE_THROWS_ERRNO(EPERM, reject(k, 10s, errc::key_rejected));
    REQUIRE_THROWS_ERRNO(EPERM, negate(k, 10s));
    CHECK(k.read_string() == "x");
}

TEST_CASE("an authority guard needs a key under construction", "[instantiate]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "ready", "x");
    // A fully built key has no authorisation key to assume.
    REQUIRE_THROWS_ERRNO(ENOKEY, authority_guard{k});
    std::error_code ec;
    {
        authority_guard guard(k, ec);
        CHECK(ec.value() == ENOKEY);
        CHECK(operation_of(ec) == operation::assume_authority);
        CHECK(!guard.held());
        CHECK(guard.target() == k);
        REQUIRE_EC(EPERM, guard.instantiate("x", keyring(), ec));
        REQUIRE_EC(EPERM, guard.instantiate({"x", "y"}, keyring(), ec));
        REQUIRE_EC(EPERM, guard.negate(1s, keyring(), ec));
        REQUIRE_EC(EPERM, guard.reject(1s, errc::key_rejected, keyring(), ec));
        REQUIRE_THROWS_ERRNO(EPERM, guard.instantiate("x"));
        // No authority assumed: the auth key does not resolve.
        REQUIRE_EC(ENOKEY, guard.callout_info(ec));
    }
    // Nothing was assumed, so nothing is held afterwards either.
    REQUIRE_EC(ENOKEY, key::request_key_auth().resolve(false, ec));
}
