// access()/explain: which permission classes apply to the caller, checked
// against what the kernel actually allows.
#include "support.hpp"

#include <linux/capability.h>

using namespace keyutils;
using hpptest::fresh_session;

TEST_CASE("an owned, possessed key gets user and possessor rights", "[access]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "mine", "x");
    k.setperm(permissions::builder().possessor(rights::all).user(rights::view).build());
    auto r = k.access();
    CHECK(r.possessed);
    CHECK(r.base == accessor::user);
    CHECK(r.granted == rights::all);
    CHECK(r.allows(rights::read | rights::write));
    CHECK(r.desc.text == "mine");
    auto text = r.explain(rights::read);
    CHECK(text.find("user rights apply") != std::string::npos);
    CHECK(text.find("possessor rights add alswrv") != std::string::npos);
    CHECK(text.find("everything wanted (----r-) is granted") != std::string::npos);

    // Without the search right the key is no longer possessed, and the
    // kernel agrees: only the user class is left.
    auto unsearchable = fs.ring.add("user", "unsearchable", "x");
    unsearchable.setperm(permissions::builder().possessor(rights::all & ~rights::search).user(rights::view).build());
    auto u = unsearchable.access();
    CHECK(!u.possessed);
    CHECK(u.granted == rights::view);
    REQUIRE_EC(EACCES, unsearchable.read(ec));

    // Possession through a nested keyring counts too.
    auto nested = fs.ring.add_keyring("n").add("user", "deep", "x");
    CHECK(nested.access().possessed);
    // The session keyring possesses itself.
    CHECK(fs.ring.access().possessed);
}

TEST_CASE("a key outside the caller's keyrings is not possessed", "[access]")
{
    fresh_session fs;
    auto user_ring = keyring::user().resolve(true);
    // Owned by us but, once moved, linked only from the user keyring, which a
    // fresh anonymous session does not include. Rights are set while the
    // key is still possessed.
    auto made = fs.ring.add("user", hpptest::unique_name("hpp-access"), "x");
    made.setperm(permissions::builder().possessor(rights::all).user(rights::view | rights::setattr).build());
    made.move(fs.ring, user_ring);
    unique_key k(made, user_ring);

    auto r = k->access();
    CHECK(!r.possessed);
    CHECK(r.base == accessor::user);
    CHECK(r.granted == (rights::view | rights::setattr));
    CHECK(!r.allows(rights::read));
    CHECK(!r.readable());
    auto text = r.explain(rights::read | rights::view);
    CHECK(text.find("do not apply") != std::string::npos);
    CHECK(text.find("missing ----r-") != std::string::npos);

    // The report agrees with the kernel.
    REQUIRE_EC(EACCES, k->read(ec));
    // Linking it into the session needs the link right, which is not granted.
    REQUIRE_EC(EACCES, fs.ring.link(*k, ec));
}

TEST_CASE("possession granted by linking agrees with the kernel", "[access]")
{
    fresh_session fs;
    auto user_ring = keyring::user().resolve(true);
    auto made = fs.ring.add("user", hpptest::unique_name("hpp-access-link"), "x");
    made.setperm(permissions::builder().possessor(rights::all).user(rights::view | rights::link).build());
    made.move(fs.ring, user_ring);
    unique_key k(made, user_ring);
    CHECK(!k->access().possessed);
    REQUIRE_EC(EACCES, k->read(ec));
    fs.ring.link(*k);
    auto r = k->access();
    CHECK(r.possessed);
    CHECK(r.allows(rights::read));
    CHECK(k->read_string() == "x");
    fs.ring.unlink(*k);
}

TEST_CASE("other and group rights apply to keys of other owners", "[access][privilege]")
{
    fresh_session fs;
    const uid_t stranger = 4321;
    if (!hpptest::host_capable(CAP_SYS_ADMIN)) {
        // Without privilege a key cannot be given away; assert that, and the
        // report for our own key (the only kind we can create) is the user class.
        auto k = fs.ring.add("user", "not-given", "x");
        std::error_code ec;
        k.chown(stranger, std::nullopt, ec);
        CHECK((ec.value() == EACCES || (ec.value() == EINVAL && !hpptest::uid_mapped(stranger))));
        CHECK(k.access().base == accessor::user);
        return;
    }
    auto k = fs.ring.add("user", "given", "x");
    k.setperm(permissions::builder()
                  .possessor(rights::view | rights::search | rights::setattr)
                  .user(rights::all)
                  .group(rights::view | rights::read)
                  .other(rights::view)
                  .build());
    k.chown(stranger, stranger);
    auto r = k.access();
    CHECK(r.base == accessor::other);
    CHECK(r.possessed);
    CHECK(r.granted == (rights::view | rights::search | rights::setattr));
    CHECK(r.explain().find("other rights apply") != std::string::npos);
    // Possessed and searchable: readable without the read right.
    CHECK(!r.allows(rights::read));
    CHECK(r.readable());
    CHECK(r.explain().find("still readable because you possess") != std::string::npos);
    CHECK(k.read_string() == "x");
    REQUIRE_EC(EACCES, k.update("y", ec));

    k.chown(std::nullopt, ::getegid());
    r = k.access();
    CHECK(r.base == accessor::group);
    CHECK(r.granted == (rights::view | rights::read | rights::search | rights::setattr));
    CHECK(r.explain().find("group rights apply") != std::string::npos);
    CHECK(k.read_string() == "x");
}

TEST_CASE("access fails like describe when the key cannot be viewed", "[access]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "hidden", "x");
    k.setperm(permissions::builder().possessor(rights::search | rights::setattr).build());
    REQUIRE_EC(EACCES, k.access(ec));
    REQUIRE_THROWS_ERRNO(EACCES, k.access());
}
