// A request-key handler for the instantiation tests, run by /sbin/request-key
// as "rk-handler <key> <callout>".  The callout says what to do:
//   inst:<payload>   instantiate with <payload>
//   iov:<a>|<b>|...  instantiate from the segments, joined by the kernel
//   negate           negate for 30 seconds
//   reject:<errno>   reject with that error for 30 seconds
//   auth:<payload>   also check the authorisation key is visible, then instantiate
// or, run as "rk-handler --argv <key> <arg>...", instantiates with its
// arguments after the key, each followed by a NUL; as "rk-handler --fds
// <key>", with the numbers of its open descriptors, space-separated.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/uio.h>

#include <keyutils.h>

namespace {

// The payload the --argv and --fds modes report.
bool report_mode(int argc, char **argv, std::string &payload)
{
    std::string mode = argv[1];
    if (mode == "--argv") {
        for (int i = 3; i < argc; i++)
            payload.append(argv[i]).push_back('\0');
        return true;
    }
    if (mode != "--fds")
        return false;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return true;
    while (dirent *e = readdir(d))
        if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
            payload += std::string(payload.empty() ? "" : " ") + e->d_name;
    closedir(d);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    std::string report;
    if (report_mode(argc, argv, report)) {
        key_serial_t key = static_cast<key_serial_t>(strtol(argv[2], nullptr, 10));
        return keyctl_instantiate(key, report.data(), report.size(), 0) == 0 ? 0 : 6;
    }
    key_serial_t key = static_cast<key_serial_t>(strtol(argv[1], nullptr, 10));
    std::string callout = argv[2];
    if (keyctl_assume_authority(key) < 0)
        return 3;

    long rc = -1;
    if (callout.rfind("inst:", 0) == 0) {
        rc = keyctl_instantiate(key, callout.data() + 5, callout.size() - 5, 0);
    } else if (callout.rfind("iov:", 0) == 0) {
        std::vector<std::string> parts;
        std::string rest = callout.substr(4);
        size_t bar;
        while ((bar = rest.find('|')) != std::string::npos) {
            parts.push_back(rest.substr(0, bar));
            rest.erase(0, bar + 1);
        }
        parts.push_back(rest);
        std::vector<iovec> iov;
        for (auto &p : parts)
            iov.push_back({&p[0], p.size()});
        rc = keyctl_instantiate_iov(key, iov.data(), static_cast<unsigned>(iov.size()), 0);
    } else if (callout == "negate") {
        rc = keyctl_negate(key, 30, 0);
    } else if (callout.rfind("reject:", 0) == 0) {
        rc = keyctl_reject(key, 30, static_cast<unsigned>(atoi(callout.c_str() + 7)), 0);
    } else if (callout.rfind("auth:", 0) == 0) {
        char *desc = nullptr;
        if (keyctl_describe_alloc(KEY_SPEC_REQKEY_AUTH_KEY, &desc) < 0)
            return 4;
        bool is_auth = strncmp(desc, ".request_key_auth;", 18) == 0;
        free(desc);
        if (!is_auth)
            return 5;
        rc = keyctl_instantiate(key, callout.data() + 5, callout.size() - 5, 0);
    }
    return rc == 0 ? 0 : 6;
}
