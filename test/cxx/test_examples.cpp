// The examples, run as programs: the credential cache and the request-key
// handler (through a real upcall where the caller may configure one). Also
// checks which libkeyutils this test binary is really running on.
#include "support.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <dlfcn.h>
#include <linux/capability.h>
#include <sys/stat.h>

using namespace keyutils;
using hpptest::fresh_session;

TEST_CASE("the tests run on the library they claim to", "[identity]")
{
    auto expect = hpptest::env("KEYUTILS_HPP_EXPECT_LIB");
    auto reference = hpptest::env("KEYUTILS_HPP_REFERENCE_LIB");
    INFO("KEYUTILS_HPP_EXPECT_LIB names the library under test (meson test sets it)");
    REQUIRE(!expect.empty());
    Dl_info info{};
    REQUIRE(::dladdr(reinterpret_cast<void*>(&keyctl_describe), &info) != 0);
    char loaded[PATH_MAX], ref[PATH_MAX];
    REQUIRE(::realpath(info.dli_fname, loaded));
    REQUIRE(::realpath(reference.c_str(), ref));
    INFO("keyctl_describe comes from " << loaded);
    if (expect == "reference")
        CHECK(std::string(loaded) == ref);
    else
        CHECK(std::string(loaded) != ref);
}

TEST_CASE("credcache stores, lists, returns and forgets secrets", "[examples]")
{
    auto exe = hpptest::env("KEYUTILS_HPP_CREDCACHE");
    REQUIRE(!exe.empty());
    fresh_session fs;

    auto r = hpptest::run({exe, "--session", "put", "mail", "60"}, "hunter2\n");
    INFO(r.err);
    REQUIRE(r.status == 0);
    r = hpptest::run({exe, "--session", "put", "db"}, std::string("bin\0ary", 7));
    REQUIRE(r.status == 0);

    r = hpptest::run({exe, "--session", "get", "mail"});
    CHECK(r.status == 0);
    CHECK(r.out == "hunter2");
    r = hpptest::run({exe, "--session", "get", "db"});
    CHECK(r.out == std::string("bin\0ary", 7));

    r = hpptest::run({exe, "--session", "list"});
    CHECK(r.status == 0);
    CHECK(r.out == "mail\ndb\n");

    // The secret really is a key with an expiry, owned by us.
    auto ring = keyring(fs.ring.search("keyring", "credcache"));
    auto k = ring.search("user", "credcache:mail");
    CHECK(k.read_string() == "hunter2");
    CHECK(k.describe().uid == ::geteuid());
    CHECK(k.describe().perm.other() == rights::none);

    r = hpptest::run({exe, "--session", "forget", "mail"});
    CHECK(r.status == 0);
    r = hpptest::run({exe, "--session", "get", "mail"});
    CHECK(r.status == 3);
    CHECK(r.err.find("not cached") != std::string::npos);
    r = hpptest::run({exe, "--session", "forget", "mail"});
    CHECK(r.status == 3);
    r = hpptest::run({exe, "--session", "bogus"});
    CHECK(r.status == 2);
}

TEST_CASE("the request-key handler refuses to run without a request", "[examples]")
{
    auto exe = hpptest::env("KEYUTILS_HPP_HANDLER");
    REQUIRE(!exe.empty());
    fresh_session fs;
    auto k = fs.ring.add("user", "not-pending", "x");
    auto r = hpptest::run({exe, std::to_string(k.id()), std::to_string(fs.ring.id())});
    CHECK(r.status == 1);
    CHECK(r.err.find("keyctl_assume_authority: ENOKEY") != std::string::npos);
    CHECK(hpptest::run({exe}).status == 2);
    CHECK(k.read_string() == "x");
}

namespace {

// A request-key.d rule routing "<prefix>:*" user keys to the handler, removed
// again when the test ends.
struct handler_rule {
    std::string path;
    std::string prefix;
    int error = 0;

    explicit handler_rule(const std::string& handler)
        : path("/etc/request-key.d/keyutils-hpp-test-" + std::to_string(::getpid()) + ".conf"),
          prefix("hpp-handler-" + std::to_string(::getpid()))
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        if (!f) {
            error = errno;
            return;
        }
        std::fprintf(f, "create user %s:* * %s %%k %%S\n", prefix.c_str(), handler.c_str());
        std::fclose(f);
    }
    ~handler_rule()
    {
        if (!error)
            std::remove(path.c_str());
    }
};

} // namespace

TEST_CASE("the request-key handler answers real requests", "[examples][request][may-skip][needs-request-rule]")
{
    auto exe = hpptest::env("KEYUTILS_HPP_HANDLER");
    REQUIRE(!exe.empty());
    if (::access("/sbin/request-key", X_OK) != 0 || ::access("/etc/request-key.d", F_OK) != 0) {
        SKIP_TEST("no /sbin/request-key with /etc/request-key.d to route requests");
    }
    // Only the folder's owner, or a caller whose CAP_DAC_OVERRIDE covers that
    // owner (it is mapped in the caller's user namespace), may add a rule.
    struct stat dir;
    REQUIRE(::stat("/etc/request-key.d", &dir) == 0);
    bool may_write = dir.st_uid == ::geteuid()
                     || (hpptest::has_cap(CAP_DAC_OVERRIDE) && hpptest::uid_mapped(dir.st_uid));
    handler_rule rule(exe);
    if (rule.error) {
        INFO("writing " << rule.path << ": " << std::strerror(rule.error));
        CHECK(!may_write);
        CHECK((rule.error == EACCES || rule.error == EPERM));
        SKIP_TEST("this user cannot add a request-key rule");
    }
    std::string problem = test_probe::upcall_problem();
    if (!problem.empty())
        SKIP_TEST(problem);
    fresh_session fs;

    auto k = fs.ring.request("user", rule.prefix + ":greeting", "hello");
    CHECK(k.read_string() == rule.prefix + ":greeting=hello");
    CHECK(k.describe().text == rule.prefix + ":greeting");

    std::error_code ec;
    fs.ring.request("user", rule.prefix + ":rejected", "reject", ec);
    CHECK(ec == errc::key_rejected);
    CHECK(fs.ring.try_request("user", rule.prefix + ":negated", "negate") == std::nullopt);

    // A rejection whose timeout has already run out lasts the kernel's
    // shortest time, a second, and is not cached for ever.
    auto brief = rule.prefix + ":brief";
    fs.ring.request("user", brief, "reject:-5", ec);
    CHECK(ec == errc::key_rejected);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto again = fs.ring.request("user", brief, "hello", ec);
    INFO(ec.message());
    REQUIRE(!ec);
    CHECK(again.read_string() == brief + "=hello");
}
