// request-key(8): run by the kernel as
//   /sbin/request-key op key uid gid thread-ring process-ring session-ring
// to construct a key nobody has yet, with the authority to instantiate it.
// Compatible with keyutils 1.6.3's; adds --lint, --explain, a handler time
// limit, one log record per upcall and a clean handler environment.
//
// This file holds the command line; the upcall, handler supervision,
// configuration lookup and --lint/--explain have files of their own.
#include "messages.hpp"
#include "request_key.hpp"

#include <cstdio>

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <syslog.h>

#include <keyutils.h>

namespace rktool {

int usage_error()
{
    fprintf(stderr,
            "Usage: request-key [-dlnv] [-D <desc>] <op> <key> <uid> <gid> <threadring> "
            "<processring> <sessionring> [<info>]\n"
            "       request-key --lint [<file>...]\n"
            "       request-key --explain <op> <type> <description> [<callout-info>]\n"
            "       request-key --version\n");
    return 2;
}

} // namespace rktool

namespace {

enum class mode { upcall, lint, explain, version, help, bad };

mode parse_options(int argc, char **argv, rktool::options &opt)
{
    enum { opt_version = 256, opt_lint, opt_explain, opt_help };
    static const option long_options[] = {
        {"version", no_argument, nullptr, opt_version},
        {"lint", no_argument, nullptr, opt_lint},
        {"explain", no_argument, nullptr, opt_explain},
        {"help", no_argument, nullptr, opt_help},
        {nullptr, 0, nullptr, 0},
    };
    mode m = mode::upcall;
    int c;
    while ((c = getopt_long(argc, argv, "dD:lnv", long_options, nullptr)) != -1) {
        switch (c) {
        case 'd': opt.debug = true; break;
        case 'D': opt.debug_descriptor = optarg; break;
        case 'l': opt.local = true; break;
        case 'n': rktool::messages.to_syslog = false; break;
        case 'v': rktool::messages.verbosity++; break;
        case opt_version: return mode::version;
        case opt_help: return mode::help;
        case opt_lint: m = mode::lint; break;
        case opt_explain: m = m == mode::lint ? m : mode::explain; break;
        default: return mode::bad;
        }
    }
    return m;
}

} // namespace

int main(int argc, char **argv)
{
    // The kernel starts us with no open descriptors.
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
            return 1;
    signal(SIGPIPE, SIG_IGN);

    rktool::options opt;
    mode m = parse_options(argc, argv, opt);
    char **rest = argv + optind;
    int count = argc - optind;
    switch (m) {
    case mode::version:
        printf("request-key from %s (Built %s)\n", keyutils_version_string,
               keyutils_build_string);
        return 0;
    case mode::help: rktool::usage_error(); return 0;
    case mode::bad: return 1;
    case mode::lint: return rktool::run_lint(opt, rest, count);
    case mode::explain:
        rktool::messages.to_syslog = false;
        return rktool::run_explain(opt, rest, count);
    case mode::upcall: break;
    }
    if (rktool::messages.to_syslog)
        openlog("request-key", 0, LOG_AUTHPRIV);
    if (count != 7 && count != 8) {
        rktool::error("Unexpected argument count: %d", count);
        return 1;
    }
    return rktool::run_upcall(opt, rest);
}
