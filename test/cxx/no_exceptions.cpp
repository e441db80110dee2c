// keyutils.hpp in a program built with -fno-exceptions, calling only the
// std::error_code& forms: it compiles, and they work (without Catch2, which
// needs exceptions). Exits 0 when every check holds.
#include <keyutils.hpp>

#include <cstdio>

using namespace keyutils;
using namespace std::chrono_literals;

namespace {

int failures = 0;

void check(bool ok, const char* what, const std::error_code& ec = {})
{
    if (!ok) {
        std::fprintf(stderr, "FAILED: %s (%s)\n", what, ec.message().c_str());
        ++failures;
    }
}

} // namespace

int main()
{
    std::error_code ec;
    keyring session = keyring::join_session(ec).resolve(ec);
    check(!ec && session.valid(), "join_session", ec);

    key k = session.add("user", "no-exceptions", "payload", ec);
    check(!ec, "add", ec);
    check(k.read_string(ec) == "payload" && !ec, "read_string", ec);
    check(k.describe(ec).text == "no-exceptions", "describe", ec);
    check(session.try_search("user", "no-exceptions", ec) == k && !ec, "try_search", ec);
    check(!session.try_search("user", "absent", ec) && !ec, "try_search miss", ec);
    (void)session.search("user", "absent", ec);
    check(ec == errc::no_key, "search miss", ec);

    k.update("other", ec);
    check(!ec && k.read_string(ec) == "other", "update", ec);
    check(k.access(ec).possessed && !ec, "access", ec);

    unsigned seen = 0;
    for (const auto& entry : session.walk(ec)) {
        (void)entry;
        ++seen;
    }
    check(!ec && seen == 1, "walk", ec);

    check(permissions::parse("alswrv-----v------------", ec) == permissions(0x3f010000) && !ec,
          "permissions::parse", ec);
    (void)description::parse("bad", ec);
    check(ec.value() == EBADMSG, "description::parse", ec);

    {
        unique_key owned(k, revoke_on_dispose);
    }
    (void)k.read(ec);
    check(ec == errc::key_revoked, "unique_key revokes", ec);

    key expired = session.add("user", "expired", "x", ec);
    expired.set_timeout(-1s, ec);
    check(!ec, "set_timeout", ec);
    (void)expired.read(ec);
    check(ec == errc::key_revoked, "a run-out timeout revokes", ec);

    std::printf("%s\n", failures ? "failed" : "ok");
    return failures ? 1 : 0;
}
