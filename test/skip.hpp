// Skipped Catch2 cases that meson counts as skipped.
//
// Catch2 2.x cannot mark a case skipped: a case that returns early passes.  So
// a case that may not be able to run here carries the tag [may-skip] and one
// tag naming what it needs (e.g. [needs-dh]), and calls SKIP_TEST(reason)
// when that is missing.  meson runs each program once without those cases
// (`~[may-skip]`) and once per need, alone (`[needs-dh]`).  skip_exit_status()
// makes a run in which every case skipped exit 77, which meson reports as
// SKIP; a case that skips in a run where others did not is a failure, since
// it would otherwise count as passed.  The main run gets the registered needs
// in KEYUTILS_TEST_SKIP_TAGS and fails when a [may-skip] case has none of
// them (it would never run at all).
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace test_skip {

struct state {
    int cases = 0;                     // cases that started in this run
    std::vector<std::string> skipped;  // "case: reason"
};

inline state &current()
{
    static state s;
    return s;
}

inline void record(const std::string &reason)
{
    std::string name = Catch::getResultCapture().getCurrentTestName();
    std::printf("SKIPPED: %s: %s\n", name.c_str(), reason.c_str());
    current().skipped.push_back(name + ": " + reason);
}

} // namespace test_skip

// Leaves the current case, recording that (and why) it did not run.
#define SKIP_TEST(reason)                                                      \
    do {                                                                       \
        ::test_skip::record(reason);                                           \
        return;                                                                \
    } while (0)

#ifdef CATCH_CONFIG_RUNNER
namespace test_skip {

struct case_counter : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    void testCaseStarting(Catch::TestCaseInfo const &) override { ++current().cases; }
};

// Every [may-skip] case must carry one of the needs meson runs separately.
inline bool needs_registered(Catch::Session &session)
{
    const char *env = std::getenv("KEYUTILS_TEST_SKIP_TAGS");
    if (!env)
        return true;  // not the main run
    std::string registered = std::string(",") + env + ",";
    bool ok = true;
    for (const auto &tc : Catch::getAllTestCasesSorted(session.config())) {
        bool may_skip = false, covered = false;
        for (const auto &tag : tc.tags) {
            if (tag == "may-skip")
                may_skip = true;
            else if (registered.find("," + tag + ",") != std::string::npos)
                covered = true;
        }
        if (may_skip && !covered) {
            std::fprintf(stderr, "test case \"%s\" is [may-skip] but none of its tags is run "
                                 "on its own (KEYUTILS_TEST_SKIP_TAGS=%s)\n",
                         tc.name.c_str(), env);
            ok = false;
        }
    }
    return ok;
}

// The exit status for a run that returned `rc` from Catch::Session::run().
inline int skip_exit_status(int rc, Catch::Session &session)
{
    const state &s = current();
    if (!needs_registered(session))
        return 1;
    if (rc != 0)
        return rc;
    if (s.cases == 0) {
        std::fprintf(stderr, "no test case matched: nothing was tested\n");
        return 1;
    }
    if (s.skipped.empty())
        return 0;
    if (static_cast<size_t>(s.cases) == s.skipped.size())
        return 77;
    std::fprintf(stderr, "%zu of %d cases skipped in a run with others that did not; tag "
                         "them [may-skip][needs-...] so that meson reports them as skipped:\n",
                 s.skipped.size(), s.cases);
    for (const auto &line : s.skipped)
        std::fprintf(stderr, "  %s\n", line.c_str());
    return 1;
}

} // namespace test_skip
using test_skip_case_counter = test_skip::case_counter;
CATCH_REGISTER_LISTENER(test_skip_case_counter)
#endif
