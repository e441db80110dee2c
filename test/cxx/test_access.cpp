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
    REQUIRE(r.viewable());
    CHECK(r.desc->text == "mine");
    CHECK(r.target == k);
    CHECK(r.linked_in == fs.ring);
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

TEST_CASE("access reports on a key the caller may not view", "[access][regression]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "hidden", "x");
    k.setperm(permissions::builder().possessor(rights::search | rights::setattr).build());
    REQUIRE_EC(EACCES, k.describe(ec));
    auto r = k.access();
    CHECK(!r.viewable());
    CHECK(r.describe_error.value() == EACCES);
    CHECK(operation_of(r.describe_error) == operation::describe);
    CHECK(r.granted == rights::none);
    CHECK(r.linked_in == fs.ring);
    auto text = r.explain(rights::read);
    INFO(text);
    CHECK(text.find("may not view key " + std::to_string(k.id())) != std::string::npos);
    CHECK(text.find("grants view") != std::string::npos);
    CHECK(text.find("linked in keyring " + std::to_string(fs.ring.id())) != std::string::npos);
    std::error_code ec;
    CHECK(!k.access(ec).viewable());
    CHECK(!ec);
    // A key that does not exist is still an error.
    k.invalidate();
    REQUIRE_EC(ENOKEY, k.access(ec));
}

TEST_CASE("access says which keyring withholds search", "[access][regression]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "behind", "x");
    // The session keyring keeps every right but search, for everyone.
    // Set through the special identifier: by serial, a session keyring that
    // withholds search is not possessed, and only the user class applies.
    keyring::session().setperm(permissions::builder()
                        .possessor(rights::all & ~rights::search)
                        .user(rights::view | rights::read)
                        .build());
    auto r = k.access();
    CHECK(!r.possessed);
    // Its serial cannot be had (resolving needs search): it keeps its name.
    CHECK(r.linked_in == keyring::session());
    CHECK(r.search_denied_by == keyring::session());
    auto text = r.explain();
    INFO(text);
    CHECK(text.find("not in your") == std::string::npos);
    CHECK(text.find("linked in your session keyring, but your session keyring, on the way to it")
          != std::string::npos);
    CHECK(text.find("does not grant you search") != std::string::npos);
    // The kernel agrees: only the user class applies.
    CHECK(r.granted == rights::view);
    REQUIRE_EC(EACCES, k.read(ec));

    // A nested keyring withholding search is named as well.
    keyring::session().setperm(permissions(0x3f1b0000));
    auto inner = fs.ring.add_keyring("inner");
    auto deep = inner.add("user", "deep", "x");
    inner.setperm(permissions::builder().possessor(rights::all & ~rights::search).user(rights::view | rights::read).build());
    auto d = deep.access();
    CHECK(!d.possessed);
    CHECK(d.linked_in == inner);
    CHECK(d.search_denied_by == inner);

    // The key itself withholding search is told apart from its keyring.
    auto own = fs.ring.add("user", "own", "x");
    own.setperm(permissions::builder().possessor(rights::all & ~rights::search).user(rights::view).build());
    auto o = own.access();
    CHECK(!o.possessed);
    CHECK(o.linked_in == fs.ring);
    CHECK(!o.search_denied_by.valid());
    CHECK(o.explain().find("the key itself does not grant you search") != std::string::npos);
}
