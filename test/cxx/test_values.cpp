// Value types: errors and their category, rights and permissions text,
// description parsing, byte views, secrets, capability decoding, and the
// copy/move rules of every handle type.
#include "support.hpp"

#include <array>
#include <cstring>
#include <future>
#include <sstream>
#if __cplusplus >= 202002L
#include <span>
#endif

using namespace keyutils;
using hpptest::fresh_session;

static_assert(std::is_trivially_copyable_v<key>);
static_assert(std::is_trivially_copyable_v<keyring>);
static_assert(std::is_convertible_v<keyring, key>);
static_assert(!std::is_convertible_v<key, keyring>, "a key becomes a keyring only explicitly");
static_assert(!std::is_convertible_v<key, bool> && !std::is_convertible_v<key, key_serial_t>,
              "handles have no implicit conversions");
static_assert(!std::is_copy_constructible_v<unique_key> && !std::is_copy_assignable_v<unique_key>);
static_assert(std::is_nothrow_move_constructible_v<unique_key>
              && std::is_nothrow_move_assignable_v<unique_key>);
static_assert(std::is_nothrow_destructible_v<unique_key>);
static_assert(!std::is_copy_constructible_v<unique_keyring>
              && std::is_nothrow_move_constructible_v<unique_keyring>);
static_assert(!std::is_copy_constructible_v<secret> && std::is_nothrow_move_constructible_v<secret>);
static_assert(!std::is_copy_constructible_v<watcher> && std::is_nothrow_move_constructible_v<watcher>);
static_assert(!std::is_copy_constructible_v<authority_guard>
                  && !std::is_move_constructible_v<authority_guard>
                  && !std::is_move_assignable_v<authority_guard>,
              "authority belongs to one thread: the guard cannot be handed on");
static_assert(!std::is_copy_constructible_v<keyring_walk>);

static_assert(permissions::builder().possessor(rights::all).user(rights::view).build().mask()
              == 0x3f010000);
static_assert(permissions(0x3f010203).other() == (rights::read | rights::view));
static_assert(keyring::session().id() == KEY_SPEC_SESSION_KEYRING);
static_assert(key::request_key_auth().id() == KEY_SPEC_REQKEY_AUTH_KEY);

TEST_CASE("error codes name the operation and the error", "[errors]")
{
    auto ec = make_error_code(ENOKEY, operation::search);
    CHECK(ec.message() == "keyctl_search: ENOKEY (" + std::generic_category().message(ENOKEY) + ")");
    CHECK(std::string(ec.category().name()) == "keyutils");
    CHECK(operation_of(ec) == operation::search);
    CHECK(operation_of(std::make_error_code(std::errc::io_error)) == operation::unspecified);
    CHECK(&keyring_category(operation::search) == &ec.category());
    CHECK(&keyring_category(operation::read) != &ec.category());

    std::system_error thrown(make_error_code(EKEYREVOKED, operation::read));
    CHECK(std::string(thrown.what()).find("keyctl_read: EKEYREVOKED") != std::string::npos);

    CHECK(make_error_code(EDQUOT, operation::add_key).message().rfind("add_key: EDQUOT (", 0) == 0);
    CHECK(make_error_code(EKEYEXPIRED, operation::describe).message().find("EKEYEXPIRED") != std::string::npos);
    CHECK(make_error_code(EKEYREJECTED, operation::request_key).message().find("EKEYREJECTED")
          != std::string::npos);
    // An errno without a symbolic name still gets its text.
    CHECK(make_error_code(EHOSTDOWN, operation::link).message()
          == "keyctl_link: " + std::generic_category().message(EHOSTDOWN));
}

TEST_CASE("error codes compare with keyutils::errc and std::errc", "[errors]")
{
    CHECK(make_error_code(ENOKEY, operation::search) == errc::no_key);
    CHECK(make_error_code(ENOKEY, operation::read) == errc::no_key);
    CHECK(make_error_code(ENOKEY, operation::read) != errc::key_revoked);
    CHECK(make_error_code(EKEYEXPIRED, operation::read) == errc::key_expired);
    CHECK(make_error_code(EKEYREVOKED, operation::read) == errc::key_revoked);
    CHECK(make_error_code(EKEYREJECTED, operation::read) == errc::key_rejected);
    CHECK(make_error_code(EDQUOT, operation::add_key) == errc::quota_exceeded);
    CHECK(make_error_code(ENOTDIR, operation::clear) == errc::not_a_keyring);
    CHECK(make_error_code(EACCES, operation::read) == errc::access_denied);
    CHECK(make_error_code(EPERM, operation::read) == errc::access_denied);
    CHECK(make_error_code(EINVAL, operation::read) != errc::access_denied);
    for (int e : {EOPNOTSUPP, ENOPKG, ENOSYS})
        CHECK(make_error_code(e, operation::watch_key) == errc::unsupported);
    CHECK(make_error_code(EINVAL, operation::watch_key) != errc::unsupported);
    // Plain errno codes compare too, and ours compare with std::errc.
    CHECK(std::error_code(ENOKEY, std::generic_category()) == errc::no_key);
    CHECK(std::error_code(ENOKEY, std::system_category()) == errc::no_key);
    CHECK(make_error_code(EACCES, operation::read) == std::errc::permission_denied);
    CHECK(make_error_code(EEXIST, operation::move) == std::errc::file_exists);
    // Codes from unrelated categories never match.
    CHECK(std::make_error_code(std::future_errc::no_state) != errc::no_key);

    std::error_condition cond = errc::unsupported;
    CHECK(cond.category().name() == std::string("keyutils condition"));
    CHECK(cond.message() == "not supported by this kernel");
    CHECK(std::error_condition(errc::access_denied).message().find("EPERM") != std::string::npos);
    CHECK(std::error_condition(errc::no_key).message() == std::generic_category().message(ENOKEY));
}

TEST_CASE("notification errors say the kernel lacks them", "[errors]")
{
    CHECK(make_error_code(ENOPKG, operation::watch_queue).message().find("does not provide key notifications")
          != std::string::npos);
    CHECK(make_error_code(EOPNOTSUPP, operation::watch_key).message().find("does not provide key notifications")
          != std::string::npos);
    CHECK(make_error_code(EBADF, operation::watch_key).message().find("notifications") == std::string::npos);
}

TEST_CASE("rights print and parse as keyctl shows them", "[permissions]")
{
    CHECK(to_string(rights::all) == "alswrv");
    CHECK(to_string(rights::none) == "------");
    CHECK(to_string(rights::view) == "-----v");
    CHECK(to_string(rights::setattr | rights::search | rights::read) == "a-s-r-");
    for (unsigned bits = 0; bits < 64; ++bits) {
        auto r = static_cast<rights>(bits);
        auto text = to_string(r);
        REQUIRE(parse_rights(text) == r);
        REQUIRE(parse_rights("--" + text) == r);
    }
    CHECK(parse_rights("--alswrv") == rights::all);
    CHECK(!try_parse_rights("alswr"));
    CHECK(!try_parse_rights("alswrvx"));
    CHECK(!try_parse_rights("lalswr")); // letters only in their own place
    CHECK(!try_parse_rights("xxalswrv"));
    CHECK(!try_parse_rights("ALSWRV"));
    CHECK(!try_parse_rights(""));
    CHECK(includes(rights::all, rights::read | rights::write));
    CHECK(!includes(rights::read, rights::read | rights::write));
    CHECK(includes(rights::none, rights::none));
    CHECK(~rights::view == (rights::all & ~rights::view));
    CHECK((~rights::none) == rights::all);
}

TEST_CASE("permissions print and parse as keyctl describe does", "[permissions]")
{
    // Pairs seen from Debian's `keyctl describe` and `keyctl rdescribe`.
    struct sample {
        key_perm_t mask;
        const char* text;
        const char* hex;
    };
    const sample samples[] = {
        {0x3f010000, "alswrv-----v------------", "3f010000"},
        {0x3f3f3f3f, "alswrvalswrvalswrvalswrv", "3f3f3f3f"},
        {0x3f00013f, "alswrv-----------valswrv", "3f00013f"},
        {0x3f010203, "alswrv-----v----r-----rv", "3f010203"},
        {0x3f200000, "alswrva-----------------", "3f200000"},
        {0x01030000, "-----v----rv------------", "01030000"},
        {0x3f030000, "alswrv----rv------------", "3f030000"},
        {0x00000000, "------------------------", "00000000"},
    };
    for (const auto& s : samples) {
        permissions p(s.mask);
        INFO(s.text);
        CHECK(p.to_string() == s.text);
        CHECK(p.to_hex() == s.hex);
        CHECK(permissions::parse(s.text) == p);
        CHECK(permissions::parse_hex(s.hex) == p);
        CHECK(permissions::parse_hex(std::string("0x") + s.hex) == p);
    }
    CHECK(permissions::parse_hex("3f") == permissions(0x3f));
    CHECK(permissions::parse_hex("0X3F010000") == permissions(0x3f010000));
    CHECK(!permissions::try_parse_hex(""));
    CHECK(!permissions::try_parse_hex("0x"));
    CHECK(!permissions::try_parse_hex("123456789"));
    CHECK(!permissions::try_parse_hex("3g010000"));
    CHECK(!permissions::try_parse("alswrv-----v-----------"));
    CHECK(!permissions::try_parse("alswrv-----v------------x"));
    CHECK(!permissions::try_parse("alswrv-----x------------"));
}

TEST_CASE("permissions expose each class and build one class at a time", "[permissions]")
{
    permissions p(0x3f0b0201);
    CHECK(p.possessor() == rights::all);
    CHECK(p.user() == (rights::search | rights::read | rights::view));
    CHECK(p.group() == rights::read);
    CHECK(p.other() == rights::view);
    CHECK(p.of(accessor::group) == rights::read);

    auto q = p.with(accessor::user, rights::none).with(accessor::other, rights::all);
    CHECK(q.mask() == 0x3f00023f);
    CHECK(p.mask() == 0x3f0b0201);

    auto built = permissions::builder()
                     .possessor(rights::all)
                     .user(rights::view | rights::read)
                     .group(rights::view)
                     .other(rights::none)
                     .build();
    CHECK(built.mask() == (KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_GRP_VIEW));
    CHECK(built.to_string() == "alswrv----rv-----v------");
    // Setting a class again replaces it rather than adding to it.
    CHECK(permissions::builder().user(rights::all).user(rights::view).build().mask() == KEY_USR_VIEW);
    CHECK(permissions::builder().set(accessor::other, rights::link).build().mask() == KEY_OTH_LINK);
}

TEST_CASE("descriptions parse, with ';' allowed in the text", "[description]")
{
    auto d = description::try_parse("user;1000;100;3f010000;plain");
    REQUIRE(d);
    CHECK(d->type == "user");
    CHECK(d->uid == 1000);
    CHECK(d->gid == 100);
    CHECK(d->perm.mask() == 0x3f010000);
    CHECK(d->text == "plain");
    CHECK(!d->is_keyring());

    d = description::try_parse("keyring;0;0;3f030000;a;b;;c;");
    REQUIRE(d);
    CHECK(d->type == "keyring");
    CHECK(d->is_keyring());
    CHECK(d->text == "a;b;;c;");

    d = description::try_parse("user;4294967295;4294967295;00000000;");
    REQUIRE(d);
    CHECK(d->uid == static_cast<uid_t>(-1));
    CHECK(d->gid == static_cast<gid_t>(-1));
    CHECK(d->text.empty());

    // keyctl_describe() counts the terminating NUL; a trailing one is dropped.
    d = description::try_parse(std::string_view("user;0;0;3f010000;x\0", 20));
    REQUIRE(d);
    CHECK(d->text == "x");

    CHECK(description::try_parse("user;0;0;3f010000;a;b")->to_string() == "user;0;0;3f010000;a;b");

    for (const char* bad : {"", "user", "user;0;0;3f010000", "user;0;0;3f01000;x", "user;0;0;3f0100000;x",
                            "user;x;0;3f010000;t", "user;0;-1;3f010000;t", "user;;0;3f010000;t",
                            ";0;0;3f010000;t", "user;4294967296;0;3f010000;t", "user;0;0;zz010000;t"}) {
        INFO(bad);
        CHECK(!description::try_parse(bad));
    }
}

TEST_CASE("bytes_view borrows any contiguous byte container", "[bytes]")
{
    std::string s = "abc";
    std::string_view sv = "hello";
    std::vector<std::byte> vb{std::byte{1}, std::byte{2}};
    std::vector<unsigned char> vu{1, 2, 3, 4};
    std::array<char, 3> arr{'x', 'y', 'z'};
    secret sec(bytes_view("shh"));

    CHECK(bytes_view(s).size() == 3);
    CHECK(bytes_view(s).data() == s.data());
    CHECK(bytes_view(sv).as_chars() == "hello");
    CHECK(bytes_view(vb).size() == 2);
    CHECK(bytes_view(vu).size() == 4);
    CHECK(bytes_view(arr).as_chars() == "xyz");
    CHECK(bytes_view(sec).as_chars() == "shh");
    CHECK(bytes_view("lit").size() == 3);
    const char* cstr = "c-string";
    CHECK(bytes_view(cstr).size() == 8);
    CHECK(bytes_view(static_cast<const char*>(nullptr)).empty());
    CHECK(bytes_view(s.data(), 2).as_chars() == "ab");
    CHECK(bytes_view().empty());
#if __cplusplus >= 202002L
    std::span<const std::byte> sp(vb);
    CHECK(bytes_view(sp).size() == 2);
    CHECK(bytes_view(std::span<const unsigned char>(vu)).size() == 4);
#endif
}

TEST_CASE("arrays of byte-sized elements are views of all their elements", "[bytes][regression]")
{
    // Not NUL-terminated: the array must not decay to a pointer and be
    // measured with strlen (which would read past it).
    char tag[4] = {'a', 'b', 'c', 'd'};
    unsigned char raw[4] = {0xde, 0xad, 0xbe, 0xef};
    std::byte bytes[3] = {std::byte{1}, std::byte{0}, std::byte{2}};
    const unsigned char fixed[2] = {0, 0};
    const char no_terminator[3] = {'x', 'y', 'z'};
    char buffer[8] = "ab"; // a modifiable array is all of it, NULs included

    CHECK(bytes_view(tag).size() == 4);
    CHECK(bytes_view(tag).data() == tag);
    CHECK(bytes_view(raw).size() == 4);
    CHECK(bytes_view(bytes).size() == 3);
    CHECK(bytes_view(fixed).size() == 2);
    CHECK(bytes_view(no_terminator).as_chars() == "xyz");
    CHECK(bytes_view(buffer).size() == 8);
    // A string literal is its text: the terminating NUL is left out, a NUL
    // inside it stays.
    CHECK(bytes_view("abcd").size() == 4);
    CHECK(bytes_view("a\0b").size() == 3);
    CHECK(bytes_view("").empty());
    static_assert(bytes_view("lit").size() == 3);

    fresh_session fs;
    auto k = fs.ring.add("user", "tag", tag);
    CHECK(k.read_string() == "abcd");
    k.update(raw);
    CHECK(k.read_string() == std::string("\xde\xad\xbe\xef"));
    k.update(bytes);
    CHECK(k.read_string() == std::string("\x01\x00\x02", 3));
}

TEST_CASE("secret buffers wipe and move", "[bytes]")
{
    secret s(bytes_view("password"));
    CHECK(s.as_chars() == "password");
    const std::byte* before = s.data();

    secret moved(std::move(s));
    CHECK(moved.data() == before);
    CHECK(s.empty());
    CHECK(s.data() == nullptr);

    moved.truncate(4);
    CHECK(moved.as_chars() == "pass");
    // The tail that truncate() hid is zeroed, not just hidden.
    CHECK(std::memcmp(moved.data() + 4, "\0\0\0\0", 4) == 0);
    moved.truncate(10);
    CHECK(moved.size() == 4);

    moved.wipe();
    CHECK(moved.size() == 4);
    CHECK(std::memcmp(moved.data(), "\0\0\0\0", 4) == 0);

    secret other(bytes_view("x"));
    other = std::move(moved);
    CHECK(other.size() == 4);
    CHECK(moved.empty());

    CHECK(secret(0).empty());
    CHECK(secret(3).as_chars() == std::string_view("\0\0\0", 3));
}

TEST_CASE("capability bytes decode to named booleans", "[capabilities]")
{
    auto none = kernel_capabilities::from_bytes(0, 0);
    CHECK(!none.capabilities_query);
    CHECK(!none.notifications);

    auto c = kernel_capabilities::from_bytes(0xeb, 0x03);
    CHECK(c.capabilities_query);
    CHECK(c.persistent_keyrings);
    CHECK(!c.diffie_hellman);
    CHECK(c.public_key);
    CHECK(!c.big_key);
    CHECK(c.invalidate);
    CHECK(c.restrict_keyring);
    CHECK(c.move);
    CHECK(c.namespaced_keyring_names);
    CHECK(c.namespaced_key_tags);
    CHECK(!c.notifications);
    CHECK(c.raw[0] == 0xeb);
    CHECK(c.raw[1] == 0x03);

    // Each flag is its own bit.
    const std::pair<int, bool kernel_capabilities::*> bits[] = {
        {0, &kernel_capabilities::capabilities_query}, {1, &kernel_capabilities::persistent_keyrings},
        {2, &kernel_capabilities::diffie_hellman},     {3, &kernel_capabilities::public_key},
        {4, &kernel_capabilities::big_key},            {5, &kernel_capabilities::invalidate},
        {6, &kernel_capabilities::restrict_keyring},   {7, &kernel_capabilities::move},
        {8, &kernel_capabilities::namespaced_keyring_names},
        {9, &kernel_capabilities::namespaced_key_tags},
        {10, &kernel_capabilities::notifications},
    };
    for (const auto& [bit, member] : bits) {
        auto one = kernel_capabilities::from_bytes(static_cast<unsigned char>(bit < 8 ? 1 << bit : 0),
                                                   static_cast<unsigned char>(bit >= 8 ? 1 << (bit - 8) : 0));
        INFO("bit " << bit);
        int set = 0;
        for (const auto& other : bits)
            set += one.*(other.second) ? 1 : 0;
        CHECK(one.*member);
        CHECK(set == 1);
    }
}

TEST_CASE("capabilities() reports what keyctl_capabilities() says", "[capabilities]")
{
    unsigned char raw[2] = {0, 0};
    REQUIRE(keyctl_capabilities(raw, sizeof raw) >= 0);
    auto c = capabilities();
    CHECK(c.raw[0] == raw[0]);
    CHECK(c.raw[1] == raw[1]);
    CHECK(c.invalidate == ((raw[0] & KEYCTL_CAPS0_INVALIDATE) != 0));
    CHECK(c.notifications == ((raw[1] & KEYCTL_CAPS1_NOTIFICATIONS) != 0));
    std::error_code ec;
    auto c2 = capabilities(ec);
    CHECK(!ec);
    CHECK(c2.raw == c.raw);
}

TEST_CASE("negate and reject cache a timeout that has run out for one second, not for ever",
          "[instantiate]")
{
    using namespace std::chrono_literals;
    // keyctl_negate() and keyctl_reject() read 0 as "no expiry": a negative
    // or zero duration (a deadline already past) must never become 0.
    CHECK(detail::negative_timeout_seconds(-1min) == 1u);
    CHECK(detail::negative_timeout_seconds(-1s) == 1u);
    CHECK(detail::negative_timeout_seconds(0s) == 1u);
    CHECK(detail::negative_timeout_seconds(1s) == 1u);
    CHECK(detail::negative_timeout_seconds(30s) == 30u);
    CHECK(detail::negative_timeout_seconds(std::chrono::seconds(1LL << 40)) == 0xffffffffu);
}
