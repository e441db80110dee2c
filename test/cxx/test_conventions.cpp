// The conventions every part follows: each throwing call f(a, b = x) also
// exists as f(a, ec) and f(a, b, ec), returning what the throwing form
// returns (empty on error) or void; errc builds and compares error codes;
// zstring takes views; stream output; what() names the key.
#include "support.hpp"

#include <sstream>
#include <string_view>

using namespace keyutils;
using namespace std::chrono_literals;
using hpptest::fresh_session;

std::error_code& ec_lvalue(); // only named in decltype: never called

namespace {

// The std::error_code& forms return what the throwing forms return.
template <class A, class B>
constexpr bool same_v = std::is_same_v<A, B>;

[[maybe_unused]] const key k{};
[[maybe_unused]] const keyring r{};

static_assert(same_v<decltype(k.describe(ec_lvalue())), decltype(k.describe())>);
static_assert(same_v<decltype(k.describe_raw(ec_lvalue())), decltype(k.describe_raw())>);
static_assert(same_v<decltype(k.read(ec_lvalue())), decltype(k.read())>);
static_assert(same_v<decltype(k.read_string(ec_lvalue())), decltype(k.read_string())>);
static_assert(same_v<decltype(k.read_secret(ec_lvalue())), decltype(k.read_secret())>);
static_assert(same_v<decltype(k.resolve(ec_lvalue())), decltype(k.resolve())>);
static_assert(same_v<decltype(k.security(ec_lvalue())), decltype(k.security())>);
static_assert(same_v<decltype(k.access(ec_lvalue())), decltype(k.access())>);
static_assert(same_v<decltype(k.update("x", ec_lvalue())), void>);
static_assert(same_v<decltype(k.revoke(ec_lvalue())), void>);
static_assert(same_v<decltype(k.invalidate(ec_lvalue())), void>);
static_assert(same_v<decltype(k.set_timeout(1s, ec_lvalue())), void>);
static_assert(same_v<decltype(k.clear_timeout(ec_lvalue())), void>);
static_assert(same_v<decltype(k.setperm(permissions(), ec_lvalue())), void>);
static_assert(same_v<decltype(k.link_into(r, ec_lvalue())), void>);
static_assert(same_v<decltype(k.move(r, r, ec_lvalue())), void>);
static_assert(same_v<decltype(r.clear(ec_lvalue())), void>);
static_assert(same_v<decltype(r.members(ec_lvalue())), decltype(r.members())>);
static_assert(same_v<decltype(r.search("user", "x", ec_lvalue())), decltype(r.search("user", "x"))>);
static_assert(same_v<decltype(r.try_search("user", "x", ec_lvalue())), decltype(r.try_search("user", "x"))>);
static_assert(same_v<decltype(r.request("user", "x", ec_lvalue())), decltype(r.request("user", "x"))>);
static_assert(same_v<decltype(r.try_request("user", "x", ec_lvalue())), decltype(r.try_request("user", "x"))>);
static_assert(same_v<decltype(r.walk(ec_lvalue())), decltype(r.walk())>);
static_assert(same_v<decltype(keyring::join_session(ec_lvalue())), decltype(keyring::join_session())>);
static_assert(same_v<decltype(request_key("user", "x", ec_lvalue())), decltype(request_key("user", "x"))>);
static_assert(same_v<decltype(try_request_key("user", "x", ec_lvalue())), decltype(try_request_key("user", "x"))>);
static_assert(same_v<decltype(permissions::parse("", ec_lvalue())), decltype(permissions::parse(""))>);
static_assert(same_v<decltype(permissions::parse_hex("", ec_lvalue())), decltype(permissions::parse_hex(""))>);
static_assert(same_v<decltype(parse_rights("", ec_lvalue())), decltype(parse_rights(""))>);
static_assert(same_v<decltype(description::parse("", ec_lvalue())), decltype(description::parse(""))>);
static_assert(same_v<decltype(decode_notifications(bytes_view(), ec_lvalue())),
                     decltype(decode_notifications(bytes_view()))>);
static_assert(same_v<decltype(capabilities(ec_lvalue())), decltype(capabilities())>);
static_assert(std::is_constructible_v<watcher, std::error_code&>);
static_assert(std::is_constructible_v<watcher, unsigned, std::error_code&>);
static_assert(std::is_constructible_v<authority_guard, key, std::error_code&>);

static_assert(std::is_error_code_enum_v<errc> && std::is_error_condition_enum_v<errc>);
static_assert(std::is_constructible_v<zstring, std::string_view>);
static_assert(std::is_convertible_v<std::string_view, zstring> && std::is_convertible_v<std::string, zstring>);

std::error_code not_found() { return errc::no_key; }

template <class T>
std::string streamed(const T& value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

} // namespace

TEST_CASE("std::error_code& forms exist without the defaulted arguments", "[conventions]")
{
    fresh_session fs;
    auto a = fs.ring.add_keyring("a");
    auto b = fs.ring.add_keyring("b");
    auto x = a.add("user", "x", "payload");
    std::error_code ec;

    std::size_t walked = 0;
    for (const auto& e : fs.ring.walk(ec)) {
        (void)e;
        ++walked;
    }
    CHECK(!ec);
    CHECK(walked == 3);
    CHECK(fs.ring.try_search("user", "x", ec) == x);
    CHECK(!ec);
    CHECK(fs.ring.search("user", "x", ec) == x);
    CHECK(fs.ring.try_search("user", "missing", ec) == std::nullopt);
    CHECK(!ec);
    CHECK(fs.ring.search("user", "missing", ec) == key());
    CHECK(ec == errc::no_key);
    CHECK(fs.ring.try_request("user", "x", ec) == x);
    CHECK(fs.ring.request("user", "x", ec) == x);
    CHECK(request_key("user", "x", ec) == x);
    CHECK(try_request_key("user", "missing", ec) == std::nullopt);
    CHECK(!ec);
    CHECK(keyring::session().resolve(ec) == fs.ring);
    x.move(a, b, ec);
    CHECK(!ec);
    CHECK(b.members() == std::vector<key>{x});
    instantiate(x, "payload", ec);
    CHECK(ec.value() == EPERM);
    reject(x, 1s, errc::key_rejected, ec);
    CHECK(ec.value() == EPERM);
    negate(x, 1s, ec);
    CHECK(ec.value() == EPERM);
    watcher w(ec);
    CHECK((ec ? !w.is_open() : w.is_open()));
}

TEST_CASE("std::error_code& forms return an empty value on error", "[conventions]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "x", "payload");
    k.invalidate();
    std::error_code ec;
    CHECK(k.describe(ec) == description());
    CHECK(ec == errc::no_key);
    CHECK(k.describe_raw(ec).empty());
    CHECK(k.read_string(ec).empty());
    CHECK(k.read_secret(ec).empty());
    CHECK(k.resolve(ec) == key());
    CHECK(!k.access(ec).desc);
    CHECK(ec == errc::no_key);
    CHECK(keyring(k).members(ec).empty());
    CHECK(permissions::parse("nonsense", ec) == permissions());
    CHECK(ec.value() == EINVAL);
    CHECK(operation_of(ec) == operation::parse_permissions);
    CHECK(permissions::parse_hex("xyz", ec) == permissions());
    CHECK(ec.value() == EINVAL);
    CHECK(parse_rights("rwx", ec) == rights::none);
    CHECK(operation_of(ec) == operation::parse_rights);
    CHECK(description::parse("no fields", ec) == description());
    CHECK(ec.value() == EBADMSG);
    CHECK(operation_of(ec) == operation::parse_description);
    // And succeed as the throwing forms do.
    CHECK(permissions::parse("alswrv-----v------------", ec) == permissions(0x3f010000));
    CHECK(!ec);
    CHECK(description::parse("user;1;2;3f010000;t", ec).text == "t");
    CHECK(!ec);
    REQUIRE_THROWS_ERRNO(EINVAL, permissions::parse("nonsense"));
    REQUIRE_THROWS_ERRNO(EINVAL, permissions::parse_hex("xyz"));
    REQUIRE_THROWS_ERRNO(EINVAL, parse_rights("rwx"));
    REQUIRE_THROWS_ERRNO(EBADMSG, description::parse("no fields"));
}

TEST_CASE("errc builds and compares std::error_code", "[conventions][errors]")
{
    std::error_code ec = not_found();
    CHECK(ec == errc::no_key);
    CHECK(errc::no_key == ec);
    CHECK(ec != errc::key_revoked);
    CHECK(ec.value() == ENOKEY);
    CHECK(make_error_code(errc::key_expired).value() == EKEYEXPIRED);
    CHECK(make_error_code(errc::key_expired) == errc::key_expired);
    CHECK(make_error_code(errc::access_denied) == std::errc::permission_denied);
    CHECK(make_error_code(EPERM, operation::read) == errc::access_denied);
    ec = errc::quota_exceeded;
    CHECK(ec.message() == "keyutils: EDQUOT (" + std::generic_category().message(EDQUOT) + ")");
    std::error_condition cond = errc::unsupported;
    CHECK(cond == make_error_condition(errc::unsupported));
}

TEST_CASE("zstring takes std::string_view, copying it to end in a NUL", "[conventions][bytes]")
{
    fresh_session fs;
    const char text[] = "namegarbage";
    std::string_view name(text, 4);
    auto k = fs.ring.add("user", name, "v");
    CHECK(k.describe().text == "name");
    CHECK(fs.ring.search(std::string_view("user!", 4), name) == k);

    zstring view(std::string_view("abc", 2));
    CHECK(std::string(view.c_str()) == "ab");
    zstring copy = view;
    zstring moved = std::move(view);
    CHECK(std::string(copy.c_str()) == "ab");
    CHECK(std::string(moved.c_str()) == "ab");
    CHECK(copy.c_str() != moved.c_str());
    std::string s = "borrowed";
    CHECK(zstring(s).c_str() == s.c_str());
    CHECK(zstring().is_null());
}

TEST_CASE("keys, descriptions, permissions and operations print", "[conventions]")
{
    CHECK(streamed(key(1234)) == "1234");
    CHECK(streamed(keyring::session()) == "@s");
    CHECK(streamed(keyring::user_session()) == "@us");
    CHECK(streamed(key::request_key_auth()) == "@a");
    CHECK(streamed(permissions(0x3f010000)) == "alswrv-----v------------");
    CHECK(streamed(rights::read | rights::view) == "----rv");
    CHECK(streamed(operation::search) == "keyctl_search");
    auto d = description::parse("user;1;2;3f010000;a;b");
    CHECK(streamed(d) == "user;1;2;3f010000;a;b");
}

TEST_CASE("what() names the operation and the key", "[conventions][errors]")
{
    fresh_session fs;
    auto k = fs.ring.add("user", "x", "payload");
    k.revoke();
    try {
        (void)k.read_string();
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()) == "key " + std::to_string(k.id()) + ": " + e.code().message());
        CHECK(std::string(e.what()).find("keyctl_read: EKEYREVOKED") != std::string::npos);
    }
    try {
        (void)fs.ring.search("user", "absent");
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()) == "user \"absent\" in key " + std::to_string(fs.ring.id()) + ": "
                                           + e.code().message());
    }
    try {
        (void)keyring::session().members();
        keyring(k).clear();
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).rfind("key " + std::to_string(k.id()) + ": keyctl_clear:", 0) == 0);
    }
    try {
        (void)keyring::thread().members();
        FAIL("no exception");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).rfind("thread keyring (@t): keyctl_read:", 0) == 0);
    }
}
