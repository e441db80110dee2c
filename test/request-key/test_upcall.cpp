// request-key end to end: real request_key() calls with callout info, the
// kernel running our request-key with a test configuration.  Needs the
// host's root in the initial mount namespace (the kernel starts
// /sbin/request-key there): our binary and configuration are bind-mounted
// over /sbin/request-key and /etc/request-key.conf for the run, and the
// mounts are undone on every way out (normal exit, failure, signals).
// Otherwise the program says why and exits 77 (skipped).
#include "../lib/support.hpp"

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <dirent.h>
#include <mutex>
#include <thread>

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const char *const sbin_path = "/sbin/request-key";
const char *const conf_path = "/etc/request-key.conf";
const char *const marker = "/rk-upcall-test.";

volatile sig_atomic_t mounted_binary = 0;
volatile sig_atomic_t mounted_conf = 0;

// Mounts a test stacks for a while (over request-key.d, or over the
// configuration), and the /dev/log socket the run made, if any.
volatile sig_atomic_t extra_mounts = 0;
const char *extra_mount_points[4];
volatile sig_atomic_t made_dev_log = 0;
const char *const dev_log = "/dev/log";

void undo_mounts()
{
    while (extra_mounts > 0)
        umount2(extra_mount_points[--extra_mounts], MNT_DETACH);
    if (made_dev_log && unlink(dev_log) == 0)
        made_dev_log = 0;
    if (mounted_conf && umount2(conf_path, MNT_DETACH) == 0)
        mounted_conf = 0;
    if (mounted_binary && umount2(sbin_path, MNT_DETACH) == 0)
        mounted_binary = 0;
}

void on_signal(int sig)
{
    undo_mounts();
    signal(sig, SIG_DFL);
    raise(sig);
}

// Mounts a run killed with SIGKILL left behind: ours are recognised by the
// marker in their source path.
void remove_stale_mounts()
{
    std::ifstream info("/proc/self/mountinfo");
    std::string line;
    while (std::getline(info, line)) {
        std::istringstream fields(line);
        std::string id, parent, dev, root, point;
        fields >> id >> parent >> dev >> root >> point;
        if (root.find(marker) != std::string::npos &&
            (point == sbin_path || point == conf_path))
            umount2(point.c_str(), MNT_DETACH);
    }
}

std::string env(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "";
}

// The handlers' time limit (%timeout) in seconds: 2, times the slowdown
// meson gives a sanitized build (KEYUTILS_TEST_SLOWDOWN), whose handlers
// start several times slower while a storm of them competes for two cores.
int slowdown()
{
    int n = atoi(env("KEYUTILS_TEST_SLOWDOWN").c_str());
    return n > 0 ? n : 1;
}

int handler_limit()
{
    return 2 * slowdown();
}

// When init's namespace cannot be read (some sandboxes hide it), assume ours
// is the one: the tests then fail loudly rather than skip quietly.
bool same_mount_namespace_as_init()
{
    struct stat self, init;
    if (stat("/proc/self/ns/mnt", &self) != 0 || stat("/proc/1/ns/mnt", &init) != 0)
        return true;
    return self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

struct environment {
    std::string problem;
    std::string dir;

    environment()
    {
        if (!test::is_host_root()) {
            problem = "needs the host's root to bind-mount over /sbin/request-key";
            return;
        }
        if (!same_mount_namespace_as_init()) {
            problem = "not in the initial mount namespace, where the kernel runs request-key";
            return;
        }
        std::string binary = env("RK_TEST_REQUEST_KEY");
        std::string handler = env("RK_TEST_HANDLER");
        if (access(binary.c_str(), X_OK) != 0 || access(handler.c_str(), X_OK) != 0) {
            problem = "RK_TEST_REQUEST_KEY and RK_TEST_HANDLER must name the built programs";
            return;
        }
        if (access(sbin_path, F_OK) != 0 || access(conf_path, F_OK) != 0) {
            problem = "/sbin/request-key or /etc/request-key.conf is missing (install keyutils)";
            return;
        }
        remove_stale_mounts();

        char tmpl[] = "/tmp/rk-upcall-test.XXXXXX";
        if (!mkdtemp(tmpl)) {
            problem = "mkdtemp failed";
            return;
        }
        dir = tmpl;
        std::string conf = dir + "/request-key.conf";
        // A pipe handler that leaves a process holding its standard output.
        std::string daemon = dir + "/daemon-handler";
        std::ofstream(daemon) << "#!/bin/sh\nprintf left-behind\n"
                              << "/bin/sleep 37.25 </dev/null 2>/dev/null &\nexit 0\n";
        chmod(daemon.c_str(), 0755);
        std::ofstream out(conf);
        out << "# request-key end-to-end test configuration\n"
            << "%timeout " << handler_limit() << "\n"
            << "create user rkup:lib:* * " << handler << " %k %c\n"
            << "create user rkup:pipe:* * |/bin/cat\n"
            << "create user rkup:pipefail:* * |/bin/false\n"
            << "create user rkup:missing:* * /nonexistent/rk-handler %k\n"
            << "create user rkup:hang:* * /bin/sleep %k\n"
            << "create user rkup:daemon:* * |" << daemon << "\n"
            << "create user rkup:storm:* * " << handler << " %k %c\n"
            << "create user rkup:argv:* * " << handler << " --argv %k %d %c %%d %k%\n"
            << "create user rkup:fds:* * " << handler << " --fds %k\n"
            << "create user rkup:pipefds:* * |/bin/ls /proc/self/fd\n"
            << "create user rkup:macros:* * |/bin/echo -n %o %t %d %c %u %% %k%\n";
        // Debian's keyctl through a link of another name: at /bin/keyctl,
        // request-key makes these calls itself (the "builtin" rules).
        std::string debian_keyctl = dir + "/debian-keyctl";
        if (!env("RK_TEST_DEBIAN_KEYCTL").empty() &&
            symlink(env("RK_TEST_DEBIAN_KEYCTL").c_str(), debian_keyctl.c_str()) != 0) {
            problem = "cannot link " + debian_keyctl;
            return;
        }
        for (const char *which : {"debian", "ours", "builtin"}) {
            std::string keyctl = std::string(which) == "debian" ? debian_keyctl
                                 : std::string(which) == "ours" ? env("RK_TEST_OUR_KEYCTL")
                                                                : "/bin/keyctl";
            if (keyctl.empty() || (std::string(which) == "debian" &&
                                   env("RK_TEST_DEBIAN_KEYCTL").empty()))
                continue;
            out << "create user rkup:" << which << ":inst:* * " << keyctl
                << " instantiate %k %c %S\n"
                << "create user rkup:" << which << ":neg:* * " << keyctl
                << " negate %k 30 %S\n"
                << "create user rkup:" << which << ":rej:* * " << keyctl
                << " reject %k 30 %c %S\n"
                << "create user rkup:" << which << ":badring:* * " << keyctl
                << " instantiate %k %c 2147483000\n"
                << "create user rkup:" << which << ":byname:* * " << keyctl
                << " instantiate %k %c %:rkup-no-such-keyring\n";
        }
        out.close();
        if (!out) {
            problem = "cannot write " + conf;
            return;
        }
        chmod(dir.c_str(), 0755);
        chmod(conf.c_str(), 0644);

        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS})
            signal(sig, on_signal);
        // Mark before mounting: a signal between the two must still undo.
        mounted_binary = 1;
        if (mount(binary.c_str(), sbin_path, nullptr, MS_BIND, nullptr) != 0) {
            mounted_binary = 0;
            problem = std::string("bind mount over /sbin/request-key: ") + strerror(errno);
            return;
        }
        mounted_conf = 1;
        if (mount(conf.c_str(), conf_path, nullptr, MS_BIND, nullptr) != 0) {
            mounted_conf = 0;
            problem = std::string("bind mount over /etc/request-key.conf: ") + strerror(errno);
            undo_mounts();
        }
    }

    ~environment()
    {
        undo_mounts();
        if (!dir.empty()) {
            unlink((dir + "/request-key.conf").c_str());
            unlink((dir + "/daemon-handler").c_str());
            unlink((dir + "/debian-keyctl").c_str());
            rmdir(dir.c_str());
        }
    }
};

environment &setup()
{
    static environment e;
    return e;
}

std::string unique(const std::string &what)
{
    static int n = 0;
    return "rkup:" + what + ":" + std::to_string(getpid()) + "." + std::to_string(n++);
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

key_serial_t request(const std::string &desc, const std::string &callout)
{
    return request_key("user", desc.c_str(), callout.c_str(), KEY_SPEC_SESSION_KEYRING);
}

#define NEED_SETUP()                                                                  \
    do {                                                                              \
        if (!setup().problem.empty()) {                                               \
            printf("SKIP: %s\n", setup().problem.c_str());                           \
            fflush(stdout);                                                           \
            exit(77);                                                                 \
        }                                                                             \
    } while (0)

} // namespace

TEST_CASE("a handler instantiates the key through our library")
{
    NEED_SETUP();
    key_serial_t id = request(unique("lib"), "inst:hello world");
    REQUIRE_OK(id);
    CHECK(payload_of(id) == "hello world");
}

TEST_CASE("a pipe handler's output becomes the payload")
{
    NEED_SETUP();
    key_serial_t id = request(unique("pipe"), "piped payload");
    REQUIRE_OK(id);
    CHECK(payload_of(id) == "piped payload");
}

TEST_CASE("macros reach the handler")
{
    NEED_SETUP();
    std::string desc = unique("macros");
    key_serial_t id = request(desc, "info");
    REQUIRE_OK(id);
    CHECK(payload_of(id) == "create user " + desc + " info " + std::to_string(geteuid()) + " % %k%");
}

TEST_CASE("a handler that negates: the requester gets ENOKEY")
{
    NEED_SETUP();
    std::string desc = unique("lib");
    REQUIRE_FAILS_WITH(request(desc, "negate"), ENOKEY);
    // The negative key is cached: asking again fails at once, the same way.
    REQUIRE_FAILS_WITH(request(desc, "inst:x"), ENOKEY);
}

TEST_CASE("a handler that rejects with a chosen error")
{
    NEED_SETUP();
    REQUIRE_FAILS_WITH(request(unique("lib"), "reject:" + std::to_string(EKEYREJECTED)),
                       EKEYREJECTED);
    REQUIRE_FAILS_WITH(request(unique("lib"), "reject:" + std::to_string(ENODATA)), ENODATA);
}

TEST_CASE("no rule, a missing program or a failing pipe handler: ENOKEY")
{
    NEED_SETUP();
    REQUIRE_FAILS_WITH(request(unique("nomatch"), "x"), ENOKEY);
    REQUIRE_FAILS_WITH(request(unique("missing"), "x"), ENOKEY);
    REQUIRE_FAILS_WITH(request(unique("pipefail"), "x"), ENOKEY);
}

TEST_CASE("a hanging handler is killed at the timeout and the key negated")
{
    NEED_SETUP();
    time_t start = time(nullptr);
    errno = 0;
    key_serial_t id = request(unique("hang"), "x");
    int e = errno;
    time_t took = time(nullptr) - start;
    CHECK(id == -1);
    CHECK(test::errno_name(e) == test::errno_name(ENOKEY));
    CHECK(took >= 1);
    CHECK(took < 20);
    // No "sleep <key>" survives.
    bool survivor = false;
    if (DIR *d = opendir("/proc")) {
        while (dirent *ent = readdir(d)) {
            std::ifstream cmd(std::string("/proc/") + ent->d_name + "/cmdline");
            std::string s;
            std::getline(cmd, s, '\0');
            if (s == "/bin/sleep" || s == "sleep") {
                std::string arg;
                std::getline(cmd, arg, '\0');
                // Our handler sleeps for the key's ID, a long number.
                if (arg.size() > 6 && arg.find_first_not_of("0123456789") == std::string::npos)
                    survivor = true;
            }
        }
        closedir(d);
    }
    CHECK_FALSE(survivor);
}

// The processes running "sleep 37.25", which the daemon handler leaves.
std::vector<pid_t> left_behind()
{
    std::vector<pid_t> found;
    if (DIR *d = opendir("/proc")) {
        while (dirent *ent = readdir(d)) {
            std::ifstream cmd(std::string("/proc/") + ent->d_name + "/cmdline");
            std::string prog, arg;
            std::getline(cmd, prog, '\0');
            std::getline(cmd, arg, '\0');
            if (prog == "/bin/sleep" && arg == "37.25")
                found.push_back(static_cast<pid_t>(atoi(ent->d_name)));
        }
        closedir(d);
    }
    return found;
}

TEST_CASE("a pipe handler that leaves a process holding its output: request-key returns")
{
    NEED_SETUP();
    time_t start = time(nullptr);
    key_serial_t id = request(unique("daemon"), "x");
    time_t took = time(nullptr) - start;
    // The shell may not have executed it yet.
    std::vector<pid_t> daemons;
    for (int i = 0; i < 200 && daemons.empty(); i++) {
        daemons = left_behind();
        usleep(10000);
    }
    for (pid_t pid : daemons)
        kill(pid, SIGKILL);
    REQUIRE_OK(id);
    CHECK(payload_of(id) == "left-behind");
    // Well within the rule's 2-second limit: nothing waited for the daemon.
    CHECK(took < 2);
    CHECK(daemons.size() == 1);
}

TEST_CASE("Debian's keyctl and ours as handlers: instantiate, negate, reject")
{
    NEED_SETUP();
    for (const char *which : {"debian", "ours"}) {
        const char *var = std::string(which) == "debian" ? "RK_TEST_DEBIAN_KEYCTL"
                                                         : "RK_TEST_OUR_KEYCTL";
        INFO(which << " keyctl: " << var << "=" << env(var));
        REQUIRE(access(env(var).c_str(), X_OK) == 0);
        key_serial_t id = request(unique(std::string(which) + ":inst"), "by-keyctl");
        REQUIRE_OK(id);
        CHECK(payload_of(id) == "by-keyctl");
        REQUIRE_FAILS_WITH(request(unique(std::string(which) + ":neg"), "x"), ENOKEY);
        REQUIRE_FAILS_WITH(request(unique(std::string(which) + ":rej"), "rejected"),
                           EKEYREJECTED);
        REQUIRE_FAILS_WITH(request(unique(std::string(which) + ":rej"), "expired"),
                           EKEYEXPIRED);
    }
}

TEST_CASE("a request from an unprivileged uid", "[may-skip][needs-user-upcall]")
{
    NEED_SETUP();
    std::string inst = unique("lib"), pipe = unique("pipe"), neg = unique("lib");
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // Outcome as the exit code: 0 all right, else the step that failed.
        if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
            _exit(10);
        if (keyctl_join_session_keyring(nullptr) < 0)
            _exit(11);
        if (!test_probe::upcall_problem().empty())
            _exit(20);
        key_serial_t a = request(inst, "inst:nobody's");
        if (a < 0)
            _exit(12);
        char buf[32] = {};
        if (keyctl_read(a, buf, sizeof buf) != 8 || std::string(buf) != "nobody's")
            _exit(13);
        if (request(pipe, "p") < 0)
            _exit(14);
        if (request(neg, "negate") != -1 || errno != ENOKEY)
            _exit(15);
        keyctl_clear(KEY_SPEC_SESSION_KEYRING);
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 20)
        SKIP_TEST("the kernel does not start /sbin/request-key for uid 65534");
    CHECK(WEXITSTATUS(status) == 0);
}

namespace {

// What request-key sends to syslog while a test runs: a datagram socket at
// /dev/log (made for the run where there is none, bind-mounted over the
// real one otherwise), read by a thread of its own.
class log_capture {
public:
    log_capture()
    {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int size = 8 << 20;
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
        struct stat st;
        bool exists = lstat(dev_log, &st) == 0;
        path_ = exists ? setup().dir + "/log" : dev_log;
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
        if (!exists)
            made_dev_log = 1;
        if (bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            made_dev_log = 0;
            problem = std::string("bind ") + path_ + ": " + strerror(errno);
            return;
        }
        if (exists) {
            extra_mount_points[extra_mounts++] = dev_log;
            if (mount(path_.c_str(), dev_log, nullptr, MS_BIND, nullptr) != 0) {
                extra_mounts--;
                problem = std::string("bind mount over /dev/log: ") + strerror(errno);
                return;
            }
        }
        reader_ = std::thread([this] { read_all(); });
    }
    ~log_capture()
    {
        shutdown(fd_, SHUT_RDWR);
        close(fd_);
        if (reader_.joinable())
            reader_.join();
    }

    // How many request-key records name `description`, waiting up to two
    // seconds for `expected` of them.
    size_t records_for(const std::string &description, size_t expected = 1)
    {
        std::string needle = "description=\"" + description + "\"";
        size_t n = 0;
        for (int i = 0; i < 200; i++) {
            n = 0;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                for (const std::string &m : messages_)
                    if (m.find("request-key") != std::string::npos &&
                        m.find(needle) != std::string::npos)
                        n++;
            }
            if (n >= expected)
                break;
            usleep(10000);
        }
        return n;
    }

    // Whether some message holds every one of `parts`.
    bool logged(std::initializer_list<std::string> parts)
    {
        for (int i = 0; i < 200; i++) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                for (const std::string &m : messages_) {
                    bool all = true;
                    for (const std::string &p : parts)
                        all = all && m.find(p) != std::string::npos;
                    if (all)
                        return true;
                }
            }
            usleep(10000);
        }
        return false;
    }

    std::string problem;

private:
    void read_all()
    {
        std::vector<char> buf(1 << 16);
        for (;;) {
            ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
            if (n <= 0)
                return;
            std::lock_guard<std::mutex> lock(mutex_);
            messages_.emplace_back(buf.data(), static_cast<size_t>(n));
        }
    }

    int fd_ = -1;
    std::string path_;
    std::thread reader_;
    std::mutex mutex_;
    std::vector<std::string> messages_;
};

log_capture &logs()
{
    static log_capture capture;
    if (!capture.problem.empty())
        FAIL(capture.problem);
    return capture;
}

// The processes a handler left: a zombie or a running rk-handler or sleep.
std::vector<std::string> leftovers()
{
    std::vector<std::string> found;
    DIR *d = opendir("/proc");
    if (!d)
        return found;
    while (dirent *ent = readdir(d)) {
        std::string pid = ent->d_name;
        std::ifstream stat("/proc/" + pid + "/stat");
        std::string line;
        if (!std::getline(stat, line))
            continue;
        size_t close = line.rfind(')');
        std::string comm = line.substr(line.find('(') + 1, close - line.find('(') - 1);
        char state = close + 2 < line.size() ? line[close + 2] : '?';
        bool ours = comm == "rk-handler" || comm == "request-key" || comm == "sleep";
        if (ours && (state == 'Z' || comm != "sleep"))
            found.push_back(pid + " " + comm + " " + state);
        std::ifstream cmd("/proc/" + pid + "/cmdline");
        std::string prog, arg;
        std::getline(cmd, prog, '\0');
        std::getline(cmd, arg, '\0');
        // The hanging rule sleeps for the key's ID, a long number.
        if (comm == "sleep" && prog == "/bin/sleep" && arg.size() > 6 &&
            arg.find_first_not_of("0123456789") == std::string::npos)
            found.push_back(pid + " sleep " + arg);
    }
    closedir(d);
    return found;
}

// No leftovers within `seconds`; else what is left.
std::vector<std::string> leftovers_after(int seconds)
{
    std::vector<std::string> left;
    for (int i = 0; i < seconds * 20; i++) {
        left = leftovers();
        if (left.empty())
            break;
        usleep(50000);
    }
    return left;
}

constexpr int storm_processes = 20, storm_calls = 25;

// Each storm's keys are new: the log still holds the earlier storms'.
int storm_round = 0;

std::string storm_desc(pid_t parent, int i, bool hang)
{
    return std::string(hang ? "rkup:hang:" : "rkup:storm:") + std::to_string(parent) + "." +
           std::to_string(storm_round) + "." + std::to_string(i);
}

// One requester of the storm: `storm_calls` threads, each one request; what
// went wrong is written to `out`, a line per call.
[[noreturn]] void storm_requester(int proc, pid_t parent, bool with_hangs, int out)
{
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::string report, times;
    for (int t = 0; t < storm_calls; t++) {
        threads.emplace_back([&, t] {
            int i = proc * storm_calls + t;
            bool hang = with_hangs && i % 10 == 0;
            std::string desc = storm_desc(parent, i, hang), payload = "payload-" + desc;
            auto start = std::chrono::steady_clock::now();
            errno = 0;
            key_serial_t id = request(desc, "inst:" + payload);
            int e = errno;
            double took = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                        start).count();
            std::string problem;
            if (hang && (id != -1 || e != ENOKEY))
                problem = "not negated: " + test::errno_name(e);
            else if (!hang && id < 0)
                problem = "failed: " + test::errno_name(e);
            else if (!hang) {
                char buf[256] = {};
                long n = keyctl_read(id, buf, sizeof buf - 1);
                if (n < 0 || std::string(buf, static_cast<size_t>(n)) != payload)
                    problem = "wrong payload '" + std::string(buf) + "'";
            }
            std::lock_guard<std::mutex> lock(mutex);
            if (!problem.empty())
                report += desc + ": " + problem + "\n";
            // Times, for the parent to judge: "T <hang?> <seconds>".
            times += std::string("T ") + (hang ? "1 " : "0 ") + std::to_string(took) + "\n";
        });
    }
    for (std::thread &t : threads)
        t.join();
    report += times;
    ssize_t ignored = write(out, report.data(), report.size());
    (void)ignored;
    _exit(0);
}

// Judges the requests' times: a hanging handler's key must be negated within
// its limit (handler_limit()) and 1 s more (times the slowdown: killing 50
// sanitized handlers and negating their keys at once takes longer too),
// counted from when its handler started.  Without the kill it would never
// be: the handler sleeps for its key's serial in seconds.
// That moment is not visible here, so the median time the storm's answered
// requests took stands for the start-up every request paid.
std::string judge_times(const std::string &lines)
{
    std::vector<double> answered, hung;
    std::istringstream in(lines);
    std::string tag;
    int hang;
    double took;
    while (in >> tag >> hang >> took)
        (hang ? hung : answered).push_back(took);
    if (hung.empty())
        return "";
    if (answered.empty())
        return "no request answered\n";
    std::sort(answered.begin(), answered.end());
    double start_up = answered[answered.size() / 2];
    double allowed = handler_limit() + 1.0 * slowdown() + start_up;
    double slowest = *std::max_element(hung.begin(), hung.end());
    if (slowest <= allowed)
        return "";
    return "a hanging handler's key was negated after " + std::to_string(slowest) +
           "s, more than the limit + 1 s x the slowdown + the median start-up, " +
           std::to_string(allowed) + "s\n";
}

// 20 processes x 25 concurrent requests for distinct keys; returns every
// call's problem.
std::string storm(bool with_hangs)
{
    pid_t parent = getpid();
    std::vector<std::pair<pid_t, int>> children;
    for (int p = 0; p < storm_processes; p++) {
        int fds[2];
        REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0)
            storm_requester(p, parent, with_hangs, fds[1]);
        close(fds[1]);
        children.emplace_back(pid, fds[0]);
    }
    std::string problems, times;
    for (auto &[pid, fd] : children) {
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            out.append(buf, static_cast<size_t>(n));
        close(fd);
        size_t split = out.find("T ");
        problems += out.substr(0, split);
        if (split != std::string::npos)
            times += out.substr(split);
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            problems += "requester " + std::to_string(pid) + " crashed\n";
    }
    return problems + judge_times(times);
}

void check_storm(bool with_hangs)
{
    logs();
    storm_round++;
    std::string problems = storm(with_hangs);
    INFO(problems);
    CHECK(problems.empty());
    std::vector<std::string> left = leftovers_after(5);
    INFO("left behind: " << left.size() << (left.empty() ? "" : ", first: " + left[0]));
    CHECK(left.empty());
    size_t unlogged = 0, twice = 0;
    std::string example;
    for (int i = 0; i < storm_processes * storm_calls; i++) {
        std::string desc = storm_desc(getpid(), i, with_hangs && i % 10 == 0);
        size_t n = logs().records_for(desc);
        if (n != 1 && example.empty())
            example = desc + ": " + std::to_string(n) + " records";
        unlogged += n == 0;
        twice += n > 1;
    }
    INFO(example);
    CHECK(unlogged == 0);
    CHECK(twice == 0);
    keyctl_clear(KEY_SPEC_SESSION_KEYRING);
}

} // namespace

TEST_CASE("a storm: 20 requesters x 25 concurrent requests, all answered and logged once")
{
    NEED_SETUP();
    check_storm(false);
}

TEST_CASE("a storm where one handler in ten hangs: those negated at the limit, others fine")
{
    NEED_SETUP();
    check_storm(true);
}

TEST_CASE("no descriptor of request-key reaches a handler")
{
    NEED_SETUP();
    key_serial_t plain = request(unique("fds"), "x");
    REQUIRE_OK(plain);
    CHECK(payload_of(plain) == "0 1 2");
    key_serial_t piped = request(unique("pipefds"), "x");
    REQUIRE_OK(piped);
    // ls's own directory descriptor is the 3.
    CHECK(payload_of(piped) == "0\n1\n2\n3\n");
}

TEST_CASE("hostile descriptions and callout strings reach the handler intact, unexpanded")
{
    NEED_SETUP();
    const std::string hostile[] = {
        "two words  and\ttabs",
        "quotes ' \" and \\ backslash",
        "$(touch /tmp/rk-pwned) `touch /tmp/rk-pwned` ; touch /tmp/rk-pwned | cat",
        "new\nlines\n",
        "%k %d %c %% %{user:x} %",
        "%k",
        std::string(4000, 'x'),
        "\xff\xfe non-UTF-8 \xc3\x28",
    };
    for (const std::string &h : hostile) {
        std::string desc = unique("argv") + h;
        if (desc.size() > 4000)
            desc.resize(4000);
        INFO("string: " << h.substr(0, 60));
        key_serial_t id = request(desc, h);
        REQUIRE_OK(id);
        std::string expected = desc + '\0' + h + '\0' + "%d" + '\0' + "%k%" + '\0';
        CHECK(payload_of(id) == expected);
    }
    CHECK(access("/tmp/rk-pwned", F_OK) != 0);
}

namespace {

// Stacks `source` over `target` for the scope; undone on signals too.
struct stacked_mount {
    std::string target;
    stacked_mount(const std::string &source, const char *t) : target(t)
    {
        extra_mount_points[extra_mounts++] = t;
        if (mount(source.c_str(), t, nullptr, MS_BIND, nullptr) != 0) {
            extra_mounts--;
            FAIL("bind mount over " << t << ": " << strerror(errno));
        }
    }
    ~stacked_mount()
    {
        if (extra_mounts > 0)
            umount2(extra_mount_points[--extra_mounts], MNT_DETACH);
    }
};

} // namespace

TEST_CASE("broken request-key.d entries are skipped and logged; a huge bad file negates")
{
    NEED_SETUP();
    logs();
    std::string d = setup().dir + "/request-key.d";
    REQUIRE(mkdir(d.c_str(), 0755) == 0);
    REQUIRE(mkdir((d + "/dir.conf").c_str(), 0755) == 0);
    REQUIRE(symlink("loop.conf", (d + "/loop.conf").c_str()) == 0);
    std::ofstream(d + "/good.conf") << "create user rkup:confd:* * |/bin/echo -n from-conf-d\n";
    {
        stacked_mount over(d, "/etc/request-key.d");
        key_serial_t id = request(unique("confd"), "x");
        REQUIRE_OK(id);
        CHECK(payload_of(id) == "from-conf-d");
        CHECK(logs().logged({"/etc/request-key.d/dir.conf", "not a regular file"}));
        CHECK(logs().logged({"/etc/request-key.d/loop.conf", "symbolic links"}));
        // 1 MiB of lines that are not rules: the lookup stops at the first.
        std::ofstream big(d + "/big.conf");
        for (int i = 0; i < 65536; i++)
            big << "garbage-line-xx\n";
        big.close();
        REQUIRE_FAILS_WITH(request(unique("confd"), "x"), ENOKEY);
        CHECK(logs().logged({"big.conf:1: Syntax error"}));
    }
    for (const char *f : {"/dir.conf", "/loop.conf", "/good.conf", "/big.conf"})
        remove((d + f).c_str());
    rmdir(d.c_str());
}

TEST_CASE("an unreadable request-key.conf: the key is negated and the log says why")
{
    NEED_SETUP();
    logs();
    // A FIFO: reading it would block the upcall for ever.
    std::string fifo = setup().dir + "/fifo.conf";
    REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
    {
        stacked_mount over(fifo, conf_path);
        REQUIRE_FAILS_WITH(request(unique("lib"), "inst:x"), ENOKEY);
    }
    unlink(fifo.c_str());
    CHECK(logs().logged({"Cannot open /etc/request-key.conf: not a regular file"}));
}

TEST_CASE("a missing request-key.conf is an error naming the file")
{
    std::string cmd = "REQUEST_KEY_CONF=/nonexistent/rk.conf REQUEST_KEY_CONF_D=/nonexistent " +
                      env("RK_TEST_REQUEST_KEY") + " -d -n -v create 1 0 0 0 0 0 x 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    int status = pclose(p);
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(out.find("Cannot open /nonexistent/rk.conf: No such file or directory") !=
          std::string::npos);
}

TEST_CASE("keyctl's instantiate, negate and reject at /bin/keyctl: done by request-key, "
          "with the results Debian's keyctl gives")
{
    NEED_SETUP();
    REQUIRE(access("/bin/keyctl", X_OK) == 0);
    logs();
    // What each rule gives the requester: the payload, or the error.
    auto outcome = [](const std::string &desc, const std::string &callout) {
        key_serial_t id = request(desc, callout);
        return id < 0 ? std::string("error ") + strerror(errno) : "payload " + payload_of(id);
    };
    const std::pair<const char *, const char *> cases[] = {
        {"inst", "by-rule"}, {"neg", "x"},       {"rej", "rejected"},
        {"rej", "expired"},  {"badring", "x"},   {"byname", "x"},
    };
    for (const auto &c : cases) {
        std::string builtin = unique(std::string("builtin:") + c.first);
        std::string debian = unique(std::string("debian:") + c.first);
        INFO(c.first << " " << c.second);
        CHECK(outcome(builtin, c.second) == outcome(debian, c.second));
        // Made by request-key itself, except the keyring named %:name, which
        // needs keyctl's lookup: that one runs /bin/keyctl.
        bool inside = std::string(c.first) != "byname";
        CHECK(logs().logged({"description=\"" + builtin + "\"",
                             inside ? "handler=/bin/keyctl:built-in " : "handler=/bin/keyctl "}));
    }
    CHECK(outcome(unique("builtin:inst"), "by-rule") == "payload by-rule");
    CHECK(logs().logged({"keyctl instantiate (done by request-key): keyctl_instantiate: "}));
    keyctl_clear(KEY_SPEC_SESSION_KEYRING);
}
