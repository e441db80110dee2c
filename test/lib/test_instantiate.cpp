// Key construction: assume authority, instantiate (flat and iovec), negate
// and reject, through real kernel upcalls to /sbin/request-key.
//
// The upcall tests need /etc/request-key.d/keyutils-lib-test.conf routing
// "user kutest:*" requests to rk-handler.  Host root creates it for the run
// (and removes it); otherwise it must be installed already (.ci/run does it),
// or those tests are skipped with the reason.
#include "support.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {

const char *conf_path = "/etc/request-key.d/keyutils-lib-test.conf";

struct upcall_config {
    std::string problem;
    bool created = false;

    upcall_config()
    {
        const char *handler = getenv("KEYUTILS_TEST_HANDLER");
        if (!handler) {
            problem = "KEYUTILS_TEST_HANDLER is not set";
            return;
        }
        if (access("/sbin/request-key", X_OK) != 0) {
            problem = "/sbin/request-key is not installed";
            return;
        }
        problem = test_probe::upcall_problem();
        if (!problem.empty())
            return;
        if (access(conf_path, R_OK) == 0)
            return;
        if (!test::is_host_root()) {
            problem = std::string(conf_path) + " is missing and only the host's root may add it";
            return;
        }
        std::ofstream conf(conf_path);
        conf << "create user kutest:* * " << handler << " %k %c\n";
        if (!conf) {
            problem = std::string("cannot write ") + conf_path;
            return;
        }
        created = true;
    }

    ~upcall_config()
    {
        if (created)
            unlink(conf_path);
    }
};

const upcall_config &config()
{
    static upcall_config c;
    return c;
}

std::string unique(const char *what)
{
    static int n = 0;
    return "kutest:" + std::to_string(getpid()) + ":" + what + ":" + std::to_string(n++);
}

std::string payload_of(key_serial_t id)
{
    void *p = nullptr;
    int n = keyctl_read_alloc(id, &p);
    REQUIRE(n >= 0);
    std::string s(static_cast<char *>(p), static_cast<size_t>(n));
    free(p);
    return s;
}

#define NEED_UPCALLS()                           \
    do {                                         \
        if (!config().problem.empty())           \
            SKIP_TEST(config().problem);         \
    } while (0)

} // namespace

TEST_CASE("without authority, instantiation calls fail with EPERM")
{
    key_serial_t k = test::new_key("inst:plain", "v");
    REQUIRE_FAILS_WITH(keyctl_assume_authority(k), ENOKEY);
    REQUIRE_FAILS_WITH(keyctl_instantiate(k, "x", 1, 0), EPERM);
    iovec iov{const_cast<char *>("x"), 1};
    REQUIRE_FAILS_WITH(keyctl_instantiate_iov(k, &iov, 1, 0), EPERM);
    REQUIRE_FAILS_WITH(keyctl_negate(k, 10, 0), EPERM);
    REQUIRE_FAILS_WITH(keyctl_reject(k, 10, EKEYREJECTED, 0), EPERM);
    // Dropping an authority never held is fine.
    REQUIRE(keyctl_assume_authority(0) == 0);
    REQUIRE_FAILS_WITH(keyctl_describe(KEY_SPEC_REQKEY_AUTH_KEY, nullptr, 0), ENOKEY);
}

TEST_CASE("a handler instantiates the key it was asked for", "[may-skip][needs-upcall]")
{
    NEED_UPCALLS();
    key_serial_t k = request_key("user", unique("inst").c_str(), "inst:from the handler",
                                 KEY_SPEC_SESSION_KEYRING);
    INFO("request_key: " << test::errno_name(errno));
    REQUIRE(k > 0);
    REQUIRE(payload_of(k) == "from the handler");
}

TEST_CASE("a handler instantiates from several buffers", "[may-skip][needs-upcall]")
{
    NEED_UPCALLS();
    key_serial_t k = request_key("user", unique("iov").c_str(), "iov:one|two|three",
                                 KEY_SPEC_SESSION_KEYRING);
    INFO("request_key: " << test::errno_name(errno));
    REQUIRE(k > 0);
    REQUIRE(payload_of(k) == "onetwothree");
}

TEST_CASE("a handler sees its authorisation key", "[may-skip][needs-upcall]")
{
    NEED_UPCALLS();
    key_serial_t k = request_key("user", unique("auth").c_str(), "auth:ok",
                                 KEY_SPEC_SESSION_KEYRING);
    INFO("request_key: " << test::errno_name(errno));
    REQUIRE(k > 0);
    REQUIRE(payload_of(k) == "ok");
}

TEST_CASE("a negated key makes the request fail with ENOKEY, also on retry", "[may-skip][needs-upcall]")
{
    NEED_UPCALLS();
    std::string desc = unique("negate");
    REQUIRE_FAILS_WITH(request_key("user", desc.c_str(), "negate", KEY_SPEC_SESSION_KEYRING),
                       ENOKEY);
    // The negative key is cached: no second upcall, same answer.
    REQUIRE_FAILS_WITH(request_key("user", desc.c_str(), "inst:late", KEY_SPEC_SESSION_KEYRING),
                       ENOKEY);
}

TEST_CASE("a rejected key makes the request fail with the chosen error", "[may-skip][needs-upcall]")
{
    NEED_UPCALLS();
    REQUIRE_FAILS_WITH(request_key("user", unique("reject").c_str(),
                                   ("reject:" + std::to_string(EKEYREJECTED)).c_str(),
                                   KEY_SPEC_SESSION_KEYRING),
                       EKEYREJECTED);
    REQUIRE_FAILS_WITH(request_key("user", unique("expired").c_str(),
                                   ("reject:" + std::to_string(EKEYEXPIRED)).c_str(),
                                   KEY_SPEC_SESSION_KEYRING),
                       EKEYEXPIRED);
    REQUIRE_FAILS_WITH(request_key("user", unique("revoked").c_str(),
                                   ("reject:" + std::to_string(EKEYREVOKED)).c_str(),
                                   KEY_SPEC_SESSION_KEYRING),
                       EKEYREVOKED);
}

// /proc/keys shows no ": summary" after a negative key's description.
// Tagged [ours] for the same reason as the other find_key tests (test_scan).
TEST_CASE("find_key_by_type_and_desc finds negative keys", "[ours][may-skip][needs-upcall]")
{
    NEED_UPCALLS();
    std::string desc = unique("negative-find");
    REQUIRE_FAILS_WITH(request_key("user", desc.c_str(), "negate", KEY_SPEC_SESSION_KEYRING),
                       ENOKEY);
    key_serial_t found = find_key_by_type_and_desc("user", desc.c_str(), 0);
    INFO("find_key_by_type_and_desc: " << test::errno_name(errno));
    REQUIRE(found > 0);
    char *d = nullptr;
    REQUIRE(keyctl_describe_alloc(found, &d) > 0);
    REQUIRE(std::string(d).substr(std::string(d).size() - desc.size()) == desc);
    free(d);
}
