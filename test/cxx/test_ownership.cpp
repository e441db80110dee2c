// unique_key disposal policies, release and moves; the authority guard and
// the instantiate/reject/negate helpers outside a request.
#include "support.hpp"

using namespace keyutils;
using namespace std::chrono_literals;
using hpptest::fresh_session;

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
        unique_key owned(fs.ring.add("user", "inv", "x"), disposal::invalidate);
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
        unique_key owned(fs.ring.add("user", "rev", "x"), disposal::revoke);
        k = owned.get();
    }
    REQUIRE_EC(EKEYREVOKED, k.read(ec));
}

TEST_CASE("release gives up ownership without disposing", "[unique_key]")
{
    fresh_session fs;
    key k;
    {
        unique_key owned(fs.ring.add("user", "kept", "x"), disposal::invalidate);
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
    unique_key first(a, disposal::revoke);
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
        unique_key gone(k, disposal::invalidate);
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

TEST_CASE("without authority, instantiation helpers fail cleanly", "[instantiate]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "ready", "x");
    REQUIRE_EC(EPERM, instantiate(k, "payload", keyring(), ec));
    REQUIRE_EC(EPERM, instantiate(k, {"two ", "parts"}, keyring(), ec));
    std::vector<bytes_view> parts{"a", "b", "c"};
    REQUIRE_EC(EPERM, instantiate(k, parts, keyring(), ec));
    REQUIRE_EC(EPERM, reject(k, 10s, EKEYREJECTED, keyring(), ec));
    REQUIRE_EC(EPERM, negate(k, 10s, keyring(), ec));
    REQUIRE_THROWS_ERRNO(EPERM, instantiate(k, "payload"));
    REQUIRE_THROWS_ERRNO(EPERM, instantiate(k, {"a", "b"}));
    REQUIRE_THROWS_ERRNO(EPERM, instantiate(k, parts));
    REQUIRE_THROWS_ERRNO(EPERM, reject(k, 10s, EKEYREJECTED));
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
        REQUIRE_EC(EPERM, guard.reject(1s, EKEYREJECTED, keyring(), ec));
        REQUIRE_THROWS_ERRNO(EPERM, guard.instantiate("x"));
        // No authority assumed: the auth key does not resolve.
        REQUIRE_EC(ENOKEY, guard.callout_info(ec));
    }
    // Nothing was assumed, so nothing is held afterwards either.
    REQUIRE_EC(ENOKEY, key::request_key_auth().resolve(false, ec));
}
