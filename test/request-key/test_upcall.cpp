// request-key end to end: real request_key() calls with callout info, the
// kernel running our request-key with a test configuration.  Needs the
// host's root in the initial mount namespace (the kernel starts
// /sbin/request-key there): our binary and configuration are bind-mounted
// over /sbin/request-key and /etc/request-key.conf for the run, and the
// mounts are undone on every way out (normal exit, failure, signals).
// Otherwise the program says why and exits 77 (skipped).
#include "../lib/support.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const char *const sbin_path = "/sbin/request-key";
const char *const conf_path = "/etc/request-key.conf";
const char *const marker = "/rk-upcall-test.";

volatile sig_atomic_t mounted_binary = 0;
volatile sig_atomic_t mounted_conf = 0;

void undo_mounts()
{
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
        std::ofstream out(conf);
        out << "# request-key end-to-end test configuration\n"
            << "%timeout 2\n"
            << "create user rkup:lib:* * " << handler << " %k %c\n"
            << "create user rkup:pipe:* * |/bin/cat\n"
            << "create user rkup:pipefail:* * |/bin/false\n"
            << "create user rkup:missing:* * /nonexistent/rk-handler %k\n"
            << "create user rkup:hang:* * /bin/sleep %k\n"
            << "create user rkup:macros:* * |/bin/echo -n %o %t %d %c %u %% %k%\n";
        for (const char *which : {"debian", "ours"}) {
            std::string keyctl = env(std::string(which) == std::string("debian")
                                         ? "RK_TEST_DEBIAN_KEYCTL"
                                         : "RK_TEST_OUR_KEYCTL");
            if (keyctl.empty())
                continue;
            out << "create user rkup:" << which << ":inst:* * " << keyctl
                << " instantiate %k %c %S\n"
                << "create user rkup:" << which << ":neg:* * " << keyctl
                << " negate %k 30 %S\n"
                << "create user rkup:" << which << ":rej:* * " << keyctl
                << " reject %k 30 %c %S\n";
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

TEST_CASE("Debian's keyctl and ours as handlers: instantiate, negate, reject")
{
    NEED_SETUP();
    for (const char *which : {"debian", "ours"}) {
        const char *var = std::string(which) == "debian" ? "RK_TEST_DEBIAN_KEYCTL"
                                                         : "RK_TEST_OUR_KEYCTL";
        if (env(var).empty() || access(env(var).c_str(), X_OK) != 0) {
            WARN("SKIPPED: no " << which << " keyctl (" << var << ")");
            continue;
        }
        INFO(which << " keyctl: " << env(var));
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

TEST_CASE("a request from an unprivileged uid")
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
    CHECK(WEXITSTATUS(status) == 0);
}
