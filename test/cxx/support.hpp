// Helpers shared by the keyutils.hpp tests.
#pragma once

#include <keyutils.hpp>

#include <catch2/catch.hpp>

#include "../probes.hpp"
#include "../skip.hpp"

#include <string>
#include <vector>

namespace hpptest {

// Joins a new anonymous session keyring for the lifetime of a test case, so
// test cases never see each other's keys; the old session (and every key only
// it held) is released, which keeps the unprivileged quota free.
struct fresh_session {
    keyutils::keyring ring = keyutils::keyring::join_session().resolve();
};

// True in the initial user namespace (uid_map is the identity over all ids).
bool in_initial_user_ns();
// True when `uid` (or `gid`) has a mapping in the caller's user namespace.
bool uid_mapped(uid_t uid);
bool gid_mapped(gid_t gid);
// True when the caller holds `cap` in its effective set.
bool has_cap(int cap);
// Capabilities only count against keys when held in the initial namespace.
bool host_capable(int cap);

// A description unique to this process and call.
std::string unique_name(const std::string& prefix);

struct run_result {
    int status = -1; // exit status, or 128+signal
    std::string out;
    std::string err;
};
// Runs `argv` with `input` on stdin, collecting stdout and stderr.
run_result run(const std::vector<std::string>& argv, const std::string& input = {});

// The value of an environment variable, or "" when unset.
std::string env(const char* name);

} // namespace hpptest

// Asserts that `expr` (taking a trailing std::error_code& named ec) fails
// with errno `err`, and that the message names `op`.
#define REQUIRE_EC(err, expr)                                                  \
    do {                                                                       \
        std::error_code ec;                                                    \
        (void)(expr);                                                          \
        INFO(#expr << " -> " << ec.message());                                 \
        REQUIRE(ec.value() == (err));                                          \
        REQUIRE(ec.category().name() == std::string("keyutils"));              \
    } while (0)

#define REQUIRE_NO_EC(expr)                                                    \
    do {                                                                       \
        std::error_code ec;                                                    \
        (void)(expr);                                                          \
        INFO(#expr << " -> " << ec.message());                                 \
        REQUIRE(!ec);                                                          \
    } while (0)

// Asserts that `expr` throws std::system_error with errno `err`.
#define REQUIRE_THROWS_ERRNO(err, expr)                                        \
    do {                                                                       \
        int thrown_ = 0;                                                       \
        try {                                                                  \
            (void)(expr);                                                      \
        } catch (const std::system_error& e) {                                 \
            thrown_ = e.code().value();                                        \
            INFO(e.what());                                                    \
        }                                                                      \
        INFO(#expr);                                                           \
        REQUIRE(thrown_ == (err));                                             \
    } while (0)
