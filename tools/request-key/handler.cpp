// Handler supervision.
//
// A pipe handler is started with vfork (nothing of request-key is copied,
// and an exec failure comes back as its result) and watched through a
// pidfd.  A plain handler is executed in place, with an alarm as its limit:
// measured through the kernel's upcall on a busy machine, any process
// request-key starts and waits for (or merely leaves running beside the
// handler, as a watcher would be) costs milliseconds of waiting for the
// scheduler, more than the whole of 1.6.3's upcall.
#include "handler.hpp"
#include "messages.hpp"

#include <cerrno>
#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rktool {

namespace {

const char *const clean_environment[] = {
    "HOME=/",
    "TERM=linux",
    "PATH=/sbin:/bin:/usr/sbin:/usr/bin",
    nullptr,
};

long long now_ms()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void close_fd(int &fd)
{
    if (fd >= 0)
        close(fd);
    fd = -1;
}

// The handler's ends of its pipes, and ours.
struct handler_pipes {
    int child[3] = {-1, -1, -1}; // its stdin, stdout, stderr
    int input = -1, output = -1, errors = -1;

    bool open()
    {
        int in[2], out[2], err[2];
        if (pipe2(in, O_CLOEXEC) != 0)
            return false;
        if (pipe2(out, O_CLOEXEC) != 0) {
            close(in[0]), close(in[1]);
            return false;
        }
        if (pipe2(err, O_CLOEXEC) != 0) {
            close(in[0]), close(in[1]), close(out[0]), close(out[1]);
            return false;
        }
        child[0] = in[0], child[1] = out[1], child[2] = err[1];
        input = in[1], output = out[0], errors = err[0];
        for (int fd : {input, output, errors})
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        return true;
    }
    void close_child_ends()
    {
        for (int &fd : child)
            close_fd(fd);
    }
    void close_all()
    {
        close_child_ends();
        close_fd(input), close_fd(output), close_fd(errors);
    }
};

// CLOSE_RANGE_CLOEXEC, from <linux/close_range.h> (Linux 5.11).
constexpr unsigned close_range_cloexec = 1u << 2;

std::vector<char *> argv_of(const handler_run &run)
{
    std::vector<char *> args;
    for (const std::string &a : run.argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    return args;
}

// Turns this process into the handler: its own process group, default
// SIGPIPE and SIGALRM, no blocked signals, nothing open but 0-2 (closed on
// exec, so a failed exec leaves them usable); returns the exec's errno.
// Only system calls, so a vfork child may run it.
int exec_handler(const handler_run &run, char *const *args)
{
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    syscall(SYS_close_range, 3u, ~0u, close_range_cloexec);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(run.program.c_str(), args, const_cast<char *const *>(clean_environment));
    return errno;
}

// Starts the handler with vfork: nothing of request-key is copied, and
// request-key waits only until the exec (an exec failure comes back as the
// result).  posix_spawn would do the same, but its child asks the kernel
// about every one of the 64 signals first, twice each, while request-key
// waits; request-key has no signal handlers, so SIGPIPE (ignored here) is
// the one disposition to reset.  Signals stay blocked until just before
// the exec, and with no handlers none can run code in the child.
int spawn(const handler_run &run, const int *child_fds, pid_t &pid)
{
    std::vector<char *> args = argv_of(run);
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    // Written by the child, which shares our memory until its exec.
    volatile int exec_errno = 0;
    pid = vfork();
    if (pid == 0) {
        int e = 0;
        for (int fd = 0; child_fds && fd < 3 && !e; fd++)
            if (dup2(child_fds[fd], fd) < 0)
                e = errno;
        exec_errno = e ? e : exec_handler(run, args.data());
        _exit(127);
    }
    int e = pid < 0 ? errno : exec_errno;
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid > 0 && e != 0)
        waitpid(pid, nullptr, 0);
    return e;
}

// Watches one running handler until it exits or its time is up.
class supervisor {
public:
    supervisor(const handler_run &run, pid_t pid, handler_pipes &pipes, run_result &res)
        : run_(run), pid_(pid), pipes_(pipes), res_(res),
          deadline_(now_ms() + static_cast<long long>(run.timeout) * 1000),
          pidfd_(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)))
    {
        if (pipes_.input >= 0 && run_.input.empty())
            close_fd(pipes_.input);
    }
    ~supervisor() { close_fd(pidfd_); }

    void watch()
    {
        while (!exited_ && step())
            ;
        if (exited_)
            drain();
        flush_errors(true);
        if (!exited_) {
            kill(-pid_, SIGKILL);
            kill(pid_, SIGKILL);
            waitpid(pid_, &res_.status, 0);
        }
    }

private:
    // One wait for something to happen; false when the time is up.
    bool step()
    {
        long long left = deadline_ - now_ms();
        if (left <= 0) {
            res_.timed_out = true;
            return false;
        }
        pollfd fds[4];
        nfds_t n = 0;
        for (int fd : {pipes_.input, pipes_.output, pipes_.errors, pidfd_})
            if (fd >= 0)
                fds[n++] = {fd, static_cast<short>(fd == pipes_.input ? POLLOUT : POLLIN), 0};
        int wait_ms = static_cast<int>(left > 1000000 ? 1000000 : left);
        // Without a pidfd, look for the child's exit now and then.
        if (pidfd_ < 0 && wait_ms > 20)
            wait_ms = 20;
        if (poll(fds, n, wait_ms) < 0 && errno != EINTR)
            return false;
        for (nfds_t i = 0; i < n; i++) {
            if (!fds[i].revents)
                continue;
            if (fds[i].fd == pipes_.input)
                feed_input();
            else if (fds[i].fd == pipes_.output)
                read_output();
            else if (fds[i].fd == pipes_.errors)
                read_errors();
        }
        if (waitpid(pid_, &res_.status, WNOHANG) == pid_)
            exited_ = true;
        return true;
    }

    void feed_input()
    {
        const std::string &in = run_.input;
        ssize_t w = write(pipes_.input, in.data() + written_, in.size() - written_);
        if (w > 0)
            written_ += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written_ == in.size())
            close_fd(pipes_.input);
    }

    // Reads what `fd` holds now; false at its end.
    bool read_some(int &fd, std::string &into, bool &too_big)
    {
        char buf[4096];
        ssize_t got = read(fd, buf, sizeof buf);
        if (got > 0) {
            if (into.size() + static_cast<size_t>(got) > max_payload)
                too_big = true;
            else
                into.append(buf, static_cast<size_t>(got));
            return true;
        }
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            return false;
        close_fd(fd);
        return false;
    }

    void read_output()
    {
        read_some(pipes_.output, res_.output, res_.output_too_big);
    }

    void read_errors()
    {
        bool ignored = false;
        read_some(pipes_.errors, errline_, ignored);
        flush_errors(errline_.size() > 4096);
    }

    // What the handler wrote before it exited is in the pipes already: read
    // it, but wait for no descendant that still holds them.
    void drain()
    {
        while (pipes_.output >= 0 && read_some(pipes_.output, res_.output, res_.output_too_big))
            ;
        while (pipes_.errors >= 0 && read_some(pipes_.errors, errline_, ignored_))
            ;
    }

    void flush_errors(bool all)
    {
        size_t nl;
        while ((nl = errline_.find('\n')) != std::string::npos) {
            error("Child: %s", errline_.substr(0, nl).c_str());
            errline_.erase(0, nl + 1);
        }
        if (all && !errline_.empty()) {
            error("Child: %s", errline_.c_str());
            errline_.clear();
        }
    }

    const handler_run &run_;
    pid_t pid_;
    handler_pipes &pipes_;
    run_result &res_;
    long long deadline_;
    int pidfd_;
    size_t written_ = 0;
    std::string errline_;
    bool exited_ = false;
    bool ignored_ = false;
};

} // namespace

int exec_in_place(const handler_run &run)
{
    std::vector<char *> args = argv_of(run);
    // The time limit: an alarm survives execve, and SIGALRM's default
    // action ends the handler.
    alarm(run.timeout);
    int e = exec_handler(run, args.data());
    alarm(0);
    signal(SIGPIPE, SIG_IGN);
    return e;
}

run_result run_handler(const handler_run &run)
{
    run_result res;
    handler_pipes pipes;
    if (run.pipe && !pipes.open()) {
        res.exec_errno = errno;
        return res;
    }
    pid_t pid = -1;
    int e = spawn(run, run.pipe ? pipes.child : nullptr, pid);
    pipes.close_child_ends();
    if (e != 0) {
        pipes.close_all();
        res.exec_errno = e;
        return res;
    }
    res.started = true;
    // The handler is starting on its own now: the record's setup overlaps it.
    prepare_log();
    supervisor(run, pid, pipes, res).watch();
    pipes.close_all();
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

} // namespace rktool
