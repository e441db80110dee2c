// Helpers of the keyutils.hpp tests, and the hook before their main()
// (../catch_main.hpp): it joins a fresh anonymous session keyring before
// anything runs, so this process never sees another's keys.
#include "support.hpp"

#include "../catch_main.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hpptest {

namespace {

struct id_range {
    unsigned long inside, outside, count;
};

std::vector<id_range> read_map(const char* path)
{
    std::vector<id_range> out;
    std::ifstream in(path);
    id_range r;
    while (in >> r.inside >> r.outside >> r.count)
        out.push_back(r);
    return out;
}

bool mapped(const char* path, unsigned long id)
{
    for (const auto& r : read_map(path))
        if (id >= r.inside && id - r.inside < r.count)
            return true;
    return false;
}

} // namespace

bool in_initial_user_ns()
{
    auto m = read_map("/proc/self/uid_map");
    return m.size() == 1 && m[0].inside == 0 && m[0].outside == 0 && m[0].count == 4294967295UL;
}

bool uid_mapped(uid_t uid) { return mapped("/proc/self/uid_map", uid); }
bool gid_mapped(gid_t gid) { return mapped("/proc/self/gid_map", gid); }

bool has_cap(int cap)
{
    cap_t caps = cap_get_proc();
    if (!caps)
        return false;
    cap_flag_value_t v = CAP_CLEAR;
    cap_get_flag(caps, static_cast<cap_value_t>(cap), CAP_EFFECTIVE, &v);
    cap_free(caps);
    return v == CAP_SET;
}

bool host_capable(int cap) { return in_initial_user_ns() && has_cap(cap); }

std::string unique_name(const std::string& prefix)
{
    static int counter = 0;
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

namespace {

std::string drain(int fd)
{
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
        out.append(buf, static_cast<std::size_t>(n));
    return out;
}

} // namespace

run_result run(const std::vector<std::string>& argv, const std::string& input)
{
    int in[2], out[2], err[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    // Inputs are small: they fit in the pipe before the child reads them.
    REQUIRE(::write(in[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
    ::close(in[1]);
    run_result r;
    r.out = drain(out[0]);
    r.err = drain(err[0]);
    ::close(out[0]);
    ::close(err[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

} // namespace hpptest

int test_main::before_run()
{
    if (keyctl_join_session_keyring(nullptr) < 0) {
        std::perror("keyctl_join_session_keyring");
        return 1;
    }
    return 0;
}
