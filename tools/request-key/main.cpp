// request-key(8): run by the kernel as
//   /sbin/request-key op key uid gid thread-ring process-ring session-ring
// to construct a key nobody has yet, with the authority to instantiate it.
// Compatible with keyutils 1.6.3's; adds --lint, --explain, a handler time
// limit, one log record per upcall and a clean handler environment.
#include "config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <keyutils.h>

namespace rk = rkconf;

namespace {

int verbosity = 0;
bool use_syslog = true;

void vlog(int priority, bool to_stderr, const char *fmt, va_list ap)
{
    char buf[8192];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (use_syslog)
        syslog(priority, "%s", buf);
    if (to_stderr)
        fprintf(stderr, "%s\n", buf);
}

// Errors go to syslog, and to stderr when verbose, as in the original.
__attribute__((format(printf, 1, 2))) void error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_ERR, verbosity > 0, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) void debug(int level, const char *fmt, ...)
{
    if (verbosity < level)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_DEBUG, true, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 1, 2))) void record(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_INFO, verbosity > 2, fmt, ap);
    va_end(ap);
}

// Where the configuration lives.
struct config_paths {
    std::string dir;  // request-key.d
    std::string file; // request-key.conf
};

config_paths default_paths(bool local)
{
    if (local)
        return {"request-key.d", "request-key.conf"};
    config_paths p{"/etc/request-key.d", "/etc/request-key.conf"};
    // For tests and experiments; the kernel runs us with a fixed environment.
    if (const char *d = getenv("REQUEST_KEY_CONF_D"))
        p.dir = d;
    if (const char *f = getenv("REQUEST_KEY_CONF"))
        p.file = f;
    return p;
}

bool read_file(int dirfd, const std::string &path, std::string &text)
{
    int fd = openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    text.clear();
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return false;
        }
        if (n == 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return true;
}

bool ends_with(const std::string &s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// The *.conf files of a directory, regular files only, hidden ones skipped,
// in name order (the original takes readdir order, which no one can rely on).
std::vector<std::string> conf_names(const std::string &dir, int &dirfd)
{
    std::vector<std::string> names;
    dirfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return names;
    DIR *d = fdopendir(dup(dirfd));
    if (!d)
        return names;
    while (dirent *e = readdir(d)) {
        std::string name = e->d_name;
        if (name[0] == '.' || !ends_with(name, ".conf"))
            continue;
        struct stat st;
        if (fstatat(dirfd, name.c_str(), &st, 0) != 0 || !S_ISREG(st.st_mode))
            continue;
        names.push_back(name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

// Reads request-key.d/*.conf then request-key.conf.  Only a missing or
// unreadable request-key.conf is an error (the original cannot run then).
bool load_config(const config_paths &paths, std::vector<rk::config_file> &files)
{
    debug(1, "__ SCAN %s __", paths.dir.c_str());
    int dirfd = -1;
    for (const std::string &name : conf_names(paths.dir, dirfd)) {
        std::string text;
        if (read_file(dirfd, name, text))
            files.push_back(rk::parse(name, text));
        else
            error("%s/%s: %s", paths.dir.c_str(), name.c_str(), strerror(errno));
    }
    if (dirfd >= 0)
        close(dirfd);
    std::string text;
    if (!read_file(AT_FDCWD, paths.file, text)) {
        error("Cannot open %s: %s", paths.file.c_str(), strerror(errno));
        return false;
    }
    files.push_back(rk::parse(paths.file, text));
    return true;
}

long long now_ms()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// What became of the upcall, for the log record.
struct upcall {
    key_serial_t key = 0;
    std::string type, description;
    std::string where = "-";
    std::string handler = "-";
    std::string outcome;
    long long started = now_ms();
};

void log_record(const upcall &u)
{
    record("key=%d type=%s description=\"%s\" rule=%s handler=%s outcome=\"%s\" duration=%lldms",
           u.key, u.type.c_str(), u.description.c_str(), u.where.c_str(), u.handler.c_str(),
           u.outcome.c_str(), now_ms() - u.started);
}

const char *const clean_environment[] = {
    "HOME=/",
    "TERM=linux",
    "PATH=/sbin:/bin:/usr/sbin:/usr/bin",
    nullptr,
};

void set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// The result of running one handler.
struct run_result {
    bool started = false;  // false: exec failed (errno in exec_errno)
    int exec_errno = 0;
    bool timed_out = false;
    int status = 0;        // wait status
    std::string output;    // stdout, pipe handlers only
    bool output_too_big = false;
};

// CLOSE_RANGE_CLOEXEC, from <linux/close_range.h> (Linux 5.11).
constexpr unsigned close_range_cloexec = 1u << 2;

constexpr size_t max_payload = 1024 * 1024;

// Runs `argv` in its own process group with a clean environment and only
// fds 0-2; a pipe handler gets `input` on stdin, its stdout is collected and
// its stderr logged line by line.  Killed after `timeout` seconds.
run_result run_handler(const std::string &program, const std::vector<std::string> &argv,
                       bool pipe_handler, const std::string &input, unsigned timeout)
{
    run_result res;
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        res.exec_errno = errno;
        return res;
    }
    if (pipe_handler &&
        (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)) {
        res.exec_errno = errno;
        return res;
    }
    std::vector<char *> args;
    for (const std::string &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) {
        res.exec_errno = errno;
        return res;
    }
    if (pid == 0) {
        setpgid(0, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        signal(SIGPIPE, SIG_DFL);
        if (pipe_handler) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            dup2(err[1], 2);
        }
        // Everything but 0-2 (and the exec report pipe, already
        // close-on-exec) goes: the handler must not inherit our descriptors.
        if (syscall(SYS_close_range, 3u, ~0u, close_range_cloexec) != 0)
            for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
                if (fd != report[1])
                    close(static_cast<int>(fd));
        execve(program.c_str(), args.data(), const_cast<char *const *>(clean_environment));
        int e = errno;
        ssize_t ignored = write(report[1], &e, sizeof e);
        (void)ignored;
        _exit(127);
    }
    setpgid(pid, pid);
    close(report[1]);
    if (pipe_handler) {
        close(in[0]);
        close(out[1]);
        close(err[1]);
        set_nonblock(in[1]);
        set_nonblock(out[0]);
        set_nonblock(err[0]);
    }

    long long deadline = now_ms() + static_cast<long long>(timeout) * 1000;
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    size_t written = 0;
    std::string errline;
    bool exited = false;
    int fd_in = pipe_handler ? in[1] : -1;
    int fd_out = pipe_handler ? out[0] : -1;
    int fd_err = pipe_handler ? err[0] : -1;
    int fd_report = report[0];
    if (fd_in >= 0 && input.empty()) {
        close(fd_in);
        fd_in = -1;
    }

    auto flush_errline = [&](bool all) {
        size_t nl;
        while ((nl = errline.find('\n')) != std::string::npos) {
            error("Child: %s", errline.substr(0, nl).c_str());
            errline.erase(0, nl + 1);
        }
        if (all && !errline.empty()) {
            error("Child: %s", errline.c_str());
            errline.clear();
        }
    };

    while (!exited || fd_out >= 0 || fd_err >= 0 || fd_report >= 0) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            res.timed_out = true;
            break;
        }
        pollfd fds[5];
        int n = 0;
        int i_in = -1, i_out = -1, i_err = -1, i_rep = -1, i_pid = -1;
        if (fd_in >= 0) { i_in = n; fds[n++] = {fd_in, POLLOUT, 0}; }
        if (fd_out >= 0) { i_out = n; fds[n++] = {fd_out, POLLIN, 0}; }
        if (fd_err >= 0) { i_err = n; fds[n++] = {fd_err, POLLIN, 0}; }
        if (fd_report >= 0) { i_rep = n; fds[n++] = {fd_report, POLLIN, 0}; }
        if (!exited && pidfd >= 0) { i_pid = n; fds[n++] = {pidfd, POLLIN, 0}; }
        int wait_ms = static_cast<int>(left > 1000000 ? 1000000 : left);
        // Without a pidfd, look for the child's exit now and then.
        if (pidfd < 0 && !exited && wait_ms > 50)
            wait_ms = 50;
        int r = poll(fds, static_cast<nfds_t>(n), wait_ms);
        if (r < 0 && errno != EINTR)
            break;
        char buf[4096];
        if (i_in >= 0 && fds[i_in].revents) {
            ssize_t w = write(fd_in, input.data() + written, input.size() - written);
            if (w > 0)
                written += static_cast<size_t>(w);
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                written = input.size();
            if (written == input.size()) {
                close(fd_in);
                fd_in = -1;
            }
        }
        if (i_out >= 0 && fds[i_out].revents) {
            ssize_t got = read(fd_out, buf, sizeof buf);
            if (got > 0) {
                if (res.output.size() + static_cast<size_t>(got) > max_payload)
                    res.output_too_big = true;
                else
                    res.output.append(buf, static_cast<size_t>(got));
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(fd_out);
                fd_out = -1;
            }
        }
        if (i_err >= 0 && fds[i_err].revents) {
            ssize_t got = read(fd_err, buf, sizeof buf);
            if (got > 0) {
                errline.append(buf, static_cast<size_t>(got));
                flush_errline(false);
                if (errline.size() > 4096)
                    flush_errline(true);
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(fd_err);
                fd_err = -1;
            }
        }
        if (i_rep >= 0 && fds[i_rep].revents) {
            int e = 0;
            ssize_t got = read(fd_report, &e, sizeof e);
            if (got == static_cast<ssize_t>(sizeof e))
                res.exec_errno = e;
            close(fd_report);
            fd_report = -1;
        }
        if (!exited && (pidfd < 0 || (i_pid >= 0 && fds[i_pid].revents))) {
            if (waitpid(pid, &res.status, WNOHANG) == pid)
                exited = true;
        }
    }
    flush_errline(true);
    if (!exited) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, &res.status, 0);
    } else if (res.timed_out) {
        // The handler is gone but something it started holds the pipes.
        kill(-pid, SIGKILL);
    }
    for (int fd : {fd_in, fd_out, fd_err, fd_report, pidfd})
        if (fd >= 0)
            close(fd);
    res.started = res.exec_errno == 0;
    return res;
}

std::string describe_status(int status)
{
    if (WIFEXITED(status))
        return "exited " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "killed by signal " + std::to_string(WTERMSIG(status));
    return "ended with status " + std::to_string(status);
}

struct options {
    bool debug = false;
    bool local = false;
    std::string debug_descriptor = "user;0;0;1f0000;debug:1234";
};

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

// --lint: every line that does not do what it seems to.
int run_lint(const options &opt, char **files, int count)
{
    std::vector<std::string> paths;
    if (count == 0) {
        config_paths p = default_paths(opt.local);
        int dirfd = -1;
        for (const std::string &name : conf_names(p.dir, dirfd))
            paths.push_back(p.dir + "/" + name);
        if (dirfd >= 0)
            close(dirfd);
        paths.push_back(p.file);
    } else {
        for (int i = 0; i < count; i++) {
            struct stat st;
            if (stat(files[i], &st) == 0 && S_ISDIR(st.st_mode)) {
                int dirfd = -1;
                for (const std::string &name : conf_names(files[i], dirfd))
                    paths.push_back(std::string(files[i]) + "/" + name);
                if (dirfd >= 0)
                    close(dirfd);
            } else {
                paths.push_back(files[i]);
            }
        }
    }
    bool failed = false;
    for (const std::string &path : paths) {
        std::string text;
        if (!read_file(AT_FDCWD, path, text)) {
            printf("%s: %s\n", path.c_str(), strerror(errno));
            failed = true;
            continue;
        }
        for (const rk::finding &f : rk::lint(text)) {
            printf("%s:%zu: %s%s\n", path.c_str(), f.line, f.error ? "" : "warning: ",
                   f.message.c_str());
            failed = failed || f.error;
        }
    }
    return failed ? 1 : 0;
}

std::string shell_quote(const std::string &s)
{
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789@%+=:,./_-") == std::string::npos)
        return s;
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// --explain: which rule the kernel's request would run, and how.
int run_explain(const options &opt, char **args, int count)
{
    if (count < 3 || count > 4)
        return usage_error();
    std::vector<rk::config_file> files;
    if (!load_config(default_paths(opt.local), files))
        return 1;
    rk::query q;
    for (int i = 0; i < count; i++)
        q.values[i] = args[i];
    rk::lookup_result r = rk::lookup(files, q);
    if (r.error_file) {
        printf("%s:%zu: Syntax error: the lookup stops here and the key is negated\n",
               r.error_file->name.c_str(), r.error_line);
        return 1;
    }
    if (!r.best) {
        printf("no rule matches: the key is negated\n");
        return 1;
    }
    const rk::rule &rule = *r.best;
    printf("%s:%zu: %s\n", r.file->name.c_str(), rule.line, rule.text.c_str());
    printf("weights: %s\n", r.weight.str().c_str());
    rk::command_line c = rk::split_command(rule.command);
    rk::macro_values v;
    v.op = q.values[rk::col_op];
    v.type = q.values[rk::col_type];
    v.description = q.values[rk::col_description];
    v.callout = q.values[rk::col_callout];
    // Known only when the kernel calls: left as written.
    v.key = "%k";
    v.uid = "%u";
    v.gid = "%g";
    v.thread_ring = "%T";
    v.process_ring = "%P";
    v.session_ring = "%S";
    std::string line = shell_quote(c.program);
    for (const std::string &a : c.args) {
        std::string out, err;
        if (!rk::expand_argument(a, v, nullptr, out, err)) {
            printf("error: argument '%s': %s: the key is negated\n", a.c_str(), err.c_str());
            return 1;
        }
        line += " " + shell_quote(out);
    }
    printf("%s: %s\n", c.pipe ? "pipe" : "run", line.c_str());
    if (c.pipe)
        printf("stdin: %s\nstdout: becomes the payload when it exits 0\n",
               shell_quote(v.callout).c_str());
    printf("timeout: %us\n", rule.timeout);
    return 0;
}

// Splits "type;uid;gid;perm;description".
bool split_descriptor(const std::string &d, std::string &type, std::string &description)
{
    size_t pos = 0;
    for (int i = 0; i < 4; i++) {
        pos = d.find(';', pos);
        if (pos == std::string::npos)
            return false;
        if (i == 0)
            type = d.substr(0, pos);
        pos++;
    }
    description = d.substr(pos);
    return true;
}

// The kernel's upcall (or a -d rehearsal of it).
int run_upcall(const options &opt, char **args, upcall &u)
{
    const std::string op = args[0];
    const std::string key_arg = args[1];
    u.key = static_cast<key_serial_t>(atoi(args[1]));

    if (!opt.debug && keyctl_assume_authority(u.key) < 0) {
        error("Failed to assume authority over key %d (%m)", u.key);
        u.outcome = "cannot assume authority";
        return 1;
    }

    std::string descriptor;
    if (opt.debug) {
        descriptor = opt.debug_descriptor;
    } else {
        char *buf = nullptr;
        if (keyctl_describe_alloc(u.key, &buf) < 0) {
            error("Key %d is inaccessible (%m)", u.key);
            u.outcome = "key inaccessible";
            return 1;
        }
        descriptor = buf;
        free(buf);
    }
    debug(1, "Key descriptor: \"%s\"", descriptor.c_str());
    if (!split_descriptor(descriptor, u.type, u.description)) {
        error("Badly formatted key descriptor: \"%s\"", descriptor.c_str());
        u.outcome = "bad key descriptor";
        return 1;
    }
    debug(1, "Key type: %s", u.type.c_str());
    debug(1, "Key desc: %s", u.description.c_str());

    std::string callout;
    if (args[7]) {
        callout = args[7];
    } else {
        void *buf = nullptr;
        int n = keyctl_read_alloc(KEY_SPEC_REQKEY_AUTH_KEY, &buf);
        if (n < 0) {
            error("Failed to retrieve callout info (%m)");
            u.outcome = "no callout info";
            return 1;
        }
        callout.assign(static_cast<char *>(buf), static_cast<size_t>(n));
        free(buf);
    }
    debug(1, "CALLOUT: '%s'", callout.c_str());

    std::vector<rk::config_file> files;
    if (!load_config(default_paths(opt.local), files)) {
        u.outcome = "no configuration";
        return 1;
    }

    rk::macro_values v;
    v.op = op;
    v.key = key_arg;
    v.type = u.type;
    v.description = u.description;
    v.callout = callout;
    v.uid = args[2];
    v.gid = args[3];
    v.thread_ring = args[4];
    v.process_ring = args[5];
    v.session_ring = args[6];

    auto trace = [](int level, const std::string &m) { debug(level, "%s", m.c_str()); };
    auto on_file = [](const rk::config_file &f) { debug(1, "__ read %s __", f.name.c_str()); };
    auto keysub = [](const std::string &type, const std::string &desc, std::string &payload,
                     std::string &err) {
        debug(1, "Keysub: %s key \"%s\"", type.c_str(), desc.c_str());
        key_serial_t id = request_key(type.c_str(), desc.c_str(), nullptr, 0);
        if (id < 0) {
            err = std::string("Keysub key not found: ") + strerror(errno);
            return false;
        }
        void *buf = nullptr;
        int n = keyctl_read_alloc(id, &buf);
        if (n < 0) {
            err = std::string("Keysub key unreadable: ") + strerror(errno);
            return false;
        }
        payload.assign(static_cast<char *>(buf), static_cast<size_t>(n));
        free(buf);
        return true;
    };

    // One handler run for `operation` ("create", or "negate" after a
    // failure); returns true when it did its job.
    auto attempt = [&](const std::string &operation, bool &ran) -> bool {
        ran = false;
        rk::query q;
        q.values[rk::col_op] = operation;
        q.values[rk::col_type] = u.type;
        q.values[rk::col_description] = u.description;
        q.values[rk::col_callout] = callout;
        rk::lookup_result r = rk::lookup(files, q, trace, on_file);
        if (r.error_file) {
            error("%s:%zu: Syntax error", r.error_file->name.c_str(), r.error_line);
            u.where = r.error_file->name + ":" + std::to_string(r.error_line);
            u.outcome = "syntax error";
            return false;
        }
        if (!r.best) {
            error("No matching action for %s %s \"%s\"", operation.c_str(), u.type.c_str(),
                  u.description.c_str());
            u.outcome = "no matching rule";
            return false;
        }
        std::string where = r.file->name + ":" + std::to_string(r.best->line);
        u.where = where;
        debug(1, "execute_program('%s','%s')", callout.c_str(), r.best->command.c_str());
        rk::command_line c = rk::split_command(r.best->command);
        u.handler = (c.pipe ? "|" : "") + c.program;
        std::vector<std::string> argv;
        size_t slash = c.program.rfind('/');
        argv.push_back(slash == std::string::npos ? c.program : c.program.substr(slash + 1));
        v.op = operation;
        for (size_t i = 0; i < c.args.size(); i++) {
            debug(1, "argv[%zu]: '%s'", i + 1, c.args[i].c_str());
            std::string out, err;
            if (!rk::expand_argument(c.args[i], v, keysub, out, err)) {
                error("%s: %s", where.c_str(), err.c_str());
                u.outcome = "bad macro: " + err;
                return false;
            }
            argv.push_back(out);
        }
        debug(1, "%s %s", c.pipe ? "PipeThru" : "Run", c.program.c_str());
        for (size_t i = 0; i < argv.size(); i++)
            debug(1, "- argv[%zu] = \"%s\"", i, argv[i].c_str());
        if (opt.debug) {
            printf("-- exec disabled --\n");
            u.outcome = "exec disabled (-d)";
            return true;
        }
        ran = true;
        run_result res = run_handler(c.program, argv, c.pipe, callout, r.best->timeout);
        if (!res.started) {
            error("%s: Failed to execute '%s': %s", where.c_str(), c.program.c_str(),
                  strerror(res.exec_errno));
            u.outcome = std::string("cannot execute: ") + strerror(res.exec_errno);
            return false;
        }
        if (res.timed_out) {
            error("%s: '%s' still running after %us: killed", where.c_str(), c.program.c_str(),
                  r.best->timeout);
            u.outcome = "killed after " + std::to_string(r.best->timeout) + "s";
            return false;
        }
        if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0) {
            error("child %s", describe_status(res.status).c_str());
            u.outcome = "handler " + describe_status(res.status);
            return false;
        }
        if (!c.pipe) {
            u.outcome = "handler exited 0";
            return true;
        }
        if (res.output_too_big) {
            error("%s: '%s' wrote more than %zu bytes", where.c_str(), c.program.c_str(),
                  max_payload);
            u.outcome = "payload too big";
            return false;
        }
        if (keyctl_instantiate(u.key, res.output.data(), res.output.size(), 0) < 0) {
            error("Failed to instantiate key %d (%m)", u.key);
            u.outcome = std::string("instantiate failed: ") + strerror(errno);
            return false;
        }
        u.outcome = "instantiated (" + std::to_string(res.output.size()) + " bytes)";
        return true;
    };

    bool ran = false;
    if (attempt(op, ran))
        return 0;
    if (opt.debug)
        return 1;

    // A handler that ran and failed gets the configured "negate" rule, as
    // the original documents; whatever happens, the key ends up negated.
    std::string failure = u.outcome;
    if (ran && op != "negate") {
        std::string saved_where = u.where, saved_handler = u.handler;
        bool negate_ran = false;
        debug(1, "Trying the negate operation");
        if (attempt("negate", negate_ran))
            failure += "; negate rule ran";
        u.where = saved_where;
        u.handler = saved_handler;
    }
    if (keyctl_negate(u.key, 60, 0) == 0)
        failure += "; negated";
    u.outcome = failure;
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    // The kernel starts us with no open descriptors.
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
            return 1;
    signal(SIGPIPE, SIG_IGN);

    enum { opt_version = 256, opt_lint, opt_explain, opt_help };
    static const option long_options[] = {
        {"version", no_argument, nullptr, opt_version},
        {"lint", no_argument, nullptr, opt_lint},
        {"explain", no_argument, nullptr, opt_explain},
        {"help", no_argument, nullptr, opt_help},
        {nullptr, 0, nullptr, 0},
    };
    options opt;
    bool lint = false, explain = false;
    int c;
    while ((c = getopt_long(argc, argv, "dD:lnv", long_options, nullptr)) != -1) {
        switch (c) {
        case 'd': opt.debug = true; break;
        case 'D': opt.debug_descriptor = optarg; break;
        case 'l': opt.local = true; break;
        case 'n': use_syslog = false; break;
        case 'v': verbosity++; break;
        case opt_version:
            printf("request-key from %s (Built %s)\n", keyutils_version_string,
                   keyutils_build_string);
            return 0;
        case opt_lint: lint = true; break;
        case opt_explain: explain = true; break;
        case opt_help: usage_error(); return 0;
        default: return 1;
        }
    }
    if (lint)
        return run_lint(opt, argv + optind, argc - optind);
    if (explain) {
        use_syslog = false;
        return run_explain(opt, argv + optind, argc - optind);
    }

    if (use_syslog)
        openlog("request-key", 0, LOG_AUTHPRIV);
    int count = argc - optind;
    if (count != 7 && count != 8) {
        error("Unexpected argument count: %d", count);
        return 1;
    }
    upcall u;
    int rc = run_upcall(opt, argv + optind, u);
    log_record(u);
    return rc;
}
