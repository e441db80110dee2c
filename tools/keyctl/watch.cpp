// Key change notifications through a watch_queue pipe: watch, watch_add,
// watch_rm, watch_session, watch_sync.
#include "keyctl.hpp"

#include <keyutils/kernel_format.hpp>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace keyctl_tool {

namespace kf = keyutils::kernel_format;

namespace {

// The kernel's watch_queue interface (linux/watch_queue.h, which clashes with
// glibc's fcntl.h when both are included).
constexpr int notification_pipe = O_EXCL;
constexpr unsigned long set_queue_size = _IO('W', 0x60);
constexpr unsigned long set_queue_filter = _IO('W', 0x61);
struct queue_filter {
    uint32_t nr_filters;
    uint32_t reserved;
    struct {
        uint32_t type;
        uint32_t info_filter;
        uint32_t info_mask;
        uint32_t subtype_filter[8];
    } filter;
};

// Our watch ID on the queue, shown in each record's info field.
constexpr int watch_id = 0x01;
// Not in the kernel's UAPI headers: waits until the queue is drained.
constexpr unsigned long pipe_ioc_sync = _IO('W', 0x62);

const char filter_letters[] = "iplncrvs";
const char *const event_names[] = {"inst", "upd", "link", "unlk", "clr", "rev", "inv", "attr"};

// Parses the letters of "-f<filters>"; returns the subtype mask.
unsigned parse_filters(const char *letters)
{
    unsigned mask = 0;
    for (const char *p = letters; *p; p++) {
        const char *hit = strchr(filter_letters, *p);
        if (!hit)
            die(2, "Unknown filter character '%c'\n", *p);
        mask |= 1u << (hit - filter_letters);
    }
    return mask;
}

// fail(), with the queue's descriptors closed first: in batch mode the
// process goes on.
[[noreturn]] void close_and_fail(int fd, int other, const char *what)
{
    int error = errno;
    close(fd);
    if (other >= 0)
        close(other);
    errno = error;
    fail(what);
}

int open_queue(unsigned subtypes)
{
    int fds[2];
    if (pipe2(fds, notification_pipe | O_NONBLOCK) < 0)
        fail("pipe2");
    if (ioctl(fds[0], set_queue_size, 256) < 0)
        close_and_fail(fds[0], fds[1], "ioctl(IOC_WATCH_QUEUE_SET_SIZE)");

    queue_filter f;
    memset(&f, 0, sizeof f);
    f.nr_filters = 1;
    f.filter.type = kf::watch::type_key_notify;
    f.filter.subtype_filter[0] = subtypes;
    if (ioctl(fds[0], set_queue_filter, &f) < 0)
        close_and_fail(fds[0], fds[1], "ioctl(IOC_WATCH_QUEUE_SET_FILTER)");
    close(fds[1]);
    return fds[0];
}

// Prints the records waiting in the queue; returns false once the watched
// key has gone (a removal record for our watch).
bool drain(int fd, FILE *events, FILE *removals)
{
    unsigned char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    bool alive = true;
    size_t off = 0;
    kf::watch_record r{};
    while (kf::next_watch_record(buf, static_cast<size_t>(n), &off, &r) == kf::watch_status::record) {
        if (r.has_key) {
            const char *name = r.subtype < 8 ? event_names[r.subtype] : "?";
            if (r.subtype == kf::watch::key_linked || r.subtype == kf::watch::key_unlinked)
                fprintf(events, "%u %s %u\n", r.key_id, name, r.aux);
            else
                fprintf(events, "%u %s\n", r.key_id, name);
        } else if (r.type == kf::watch::type_meta && r.subtype == kf::watch::meta_removal) {
            if (r.has_object_id)
                fprintf(removals, "%llu gc\n", static_cast<unsigned long long>(r.object_id));
            else
                fputs("gc\n", removals);
            alive = false;
        } else if (r.type == kf::watch::type_meta && r.subtype == kf::watch::meta_loss) {
            fputs("-- notifications lost --\n", events);
        }
    }
    fflush(events);
    fflush(removals);
    return alive;
}

} // namespace

int cmd_watch(int argc, char **argv)
{
    unsigned subtypes = 0xff;
    // 1.6.3 reads the options with getopt(3): its message for a bad option,
    // options anywhere on the line, and "--".
    optind = 0;
    for (int opt; (opt = getopt(argc, argv, "f:")) != -1;) {
        if (opt != 'f')
            die(2, "Unknown option\n");
        subtypes = parse_filters(optarg);
    }
    int i = optind;
    if (argc - i != 1)
        usage();
    key_serial_t key = parse_key(argv[i]);
    int fd = open_queue(subtypes);
    if (keyctl_watch_key(key, fd, watch_id) < 0)
        close_and_fail(fd, -1, "keyctl_watch_key");
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            close_and_fail(fd, -1, "poll");
        if (!drain(fd, stdout, stdout)) {
            close(fd);
            return 0;
        }
    }
}

static int watch_change(int argc, char **argv, int id)
{
    if (argc != 3)
        usage();
    int fd = atoi(argv[1]);
    key_serial_t key = parse_key(argv[2]);
    if (keyctl_watch_key(key, fd, id) < 0)
        fail("keyctl_watch_key");
    return 0;
}

int cmd_watch_add(int argc, char **argv)
{
    return watch_change(argc, argv, watch_id);
}

int cmd_watch_rm(int argc, char **argv)
{
    return watch_change(argc, argv, -1);
}

// Runs PROG with the queue as its fd TARGET_FD and copies the queue's
// records to the two logs until PROG exits; returns its exit status.
static int supervise(int fd, int target_fd, char **prog, FILE *events, FILE *removals)
{
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        if (fd != target_fd) {
            if (dup2(fd, target_fd) < 0)
                fail("dup2");
            close(fd);
        }
        execvp(prog[0], prog);
        perror(prog[0]);
        _exit(1);
    }

    int status = 0;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        poll(&p, 1, 100);
        drain(fd, events, removals);
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child)
            break;
    }
    drain(fd, events, removals);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int cmd_watch_session(int argc, char **argv)
{
    unsigned subtypes = 0xff;
    const char *name = nullptr;
    // As in 1.6.3: getopt(3), stopping at the first word that is not an
    // option, since the program's own arguments follow.
    optind = 0;
    for (int opt; (opt = getopt(argc, argv, "+f:n:")) != -1;) {
        if (opt == 'f')
            subtypes = parse_filters(optarg);
        else if (opt == 'n')
            name = optarg;
        else
            die(2, "Unknown option\n");
    }
    int i = optind;
    if (argc - i < 4)
        usage();
    const char *notify_log = argv[i];
    const char *gc_log = argv[i + 1];
    int target_fd = atoi(argv[i + 2]);
    if (target_fd < 3 || target_fd > 9)
        die(2, "The target fd must be between 3 and 9\n");
    char **prog = argv + i + 3;

    int fd = open_queue(subtypes);
    key_serial_t session = keyctl_join_session_keyring(name);
    if (session < 0)
        fail("keyctl_join_session_keyring");
    if (keyctl_watch_key(session, fd, watch_id) < 0)
        fail("keyctl_watch_key");

    FILE *events = fopen(notify_log, "we");
    if (!events)
        fail(notify_log);
    FILE *removals = fopen(gc_log, "we");
    if (!removals)
        fail(gc_log);
    int rc = supervise(fd, target_fd, prog, events, removals);
    fclose(events);
    fclose(removals);
    return rc;
}

int cmd_watch_sync(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int fd = atoi(argv[1]);
    if (ioctl(fd, pipe_ioc_sync, 0) < 0 && errno != ENOTTY) {
        begin_error_message();
        perror("ioctl(PIPE_IOC_SYNC)");
        end_command(1);
    }
    // Without the ioctl, wait for the reader to empty the pipe.
    for (;;) {
        int queued;
        if (ioctl(fd, FIONREAD, &queued) < 0) {
            begin_error_message();
            perror("ioctl(FIONREAD)");
            end_command(1);
        }
        if (queued == 0)
            return 0;
        usleep(10000);
    }
}

} // namespace keyctl_tool
