// main() of every Catch2 test program: Catch2's implementation, the skip
// accounting of skip.hpp, and the hooks of catch_main.hpp around the run.
#define CATCH_CONFIG_RUNNER
#include "skip.hpp"

#include "catch_main.hpp"

namespace test_main {

__attribute__((weak)) int before_run() { return 0; }
__attribute__((weak)) void after_run() {}

} // namespace test_main

int main(int argc, char **argv)
{
    if (int rc = test_main::before_run())
        return rc;
    Catch::Session session;
    int rc = session.run(argc, argv);
    test_main::after_run();
    // Listing cases or tags, or printing the help, runs no case at all.
    const Catch::ConfigData &asked = session.configData();
    if (asked.listTests || asked.listTestNamesOnly || asked.listTags || asked.listReporters ||
        asked.showHelp)
        return rc;
    return test_skip::skip_exit_status(rc, session);
}
