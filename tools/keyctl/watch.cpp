// Key change notifications through a watch_queue pipe: watch, watch_add,
// watch_rm, watch_session, watch_sync.
#include "keyctl.hpp"

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

namespace {

// The kernel's watch_queue interface (linux/watch_queue.h, which clashes with
// glibc's fcntl.h when both are included).
constexpr int notification_pipe = O_EXCL;
constexpr unsigned long set_queue_size = _IO('W', 0x60);
constexpr unsigned long set_queue_filter = _IO('W', 0x61);
constexpr unsigned type_meta = 0, type_key = 1;
constexpr unsigned meta_removal = 0, meta_loss = 1;
constexpr unsigned key_linked = 2, key_unlinked = 3;
constexpr unsigned info_length = 0x7f;

struct notification {
    uint32_t type : 24;
    uint32_t subtype : 8;
    uint32_t info;
};
struct key_notification {
    notification watch;
    uint32_t key_id;
    uint32_t aux;
};
struct removal_notification {
    notification watch;
    uint64_t id;
};
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

// Parses "-f<filters>" (the letters may also be the next argument), as
// getopt would; returns the subtype mask.
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

int open_queue(unsigned subtypes)
{
    int fds[2];
    if (pipe2(fds, notification_pipe | O_NONBLOCK) < 0)
        fail("pipe2");
    if (ioctl(fds[0], set_queue_size, 256) < 0)
        fail("ioctl(IOC_WATCH_QUEUE_SET_SIZE)");

    queue_filter f;
    memset(&f, 0, sizeof f);
    f.nr_filters = 1;
    f.filter.type = type_key;
    f.filter.subtype_filter[0] = subtypes;
    if (ioctl(fds[0], set_queue_filter, &f) < 0)
        fail("ioctl(IOC_WATCH_QUEUE_SET_FILTER)");
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
    for (ssize_t off = 0; off + static_cast<ssize_t>(sizeof(notification)) <= n;) {
        const notification *w = reinterpret_cast<const notification *>(buf + off);
        size_t len = (w->info & info_length) * sizeof(uint64_t);
        if (len == 0 || off + static_cast<ssize_t>(len) > n)
            break;
        if (w->type == type_key && len >= sizeof(key_notification)) {
            const key_notification *k = reinterpret_cast<const key_notification *>(w);
            const char *name = w->subtype < 8 ? event_names[w->subtype] : "?";
            if (w->subtype == key_linked || w->subtype == key_unlinked)
                fprintf(events, "%u %s %u\n", k->key_id, name, k->aux);
            else
                fprintf(events, "%u %s\n", k->key_id, name);
        } else if (w->type == type_meta && w->subtype == meta_removal) {
            if (len >= sizeof(removal_notification)) {
                const removal_notification *r = reinterpret_cast<const removal_notification *>(w);
                fprintf(removals, "%llu gc\n", static_cast<unsigned long long>(r->id));
            } else {
                fputs("gc\n", removals);
            }
            alive = false;
        } else if (w->type == type_meta && w->subtype == meta_loss) {
            fputs("-- notifications lost --\n", events);
        }
        off += static_cast<ssize_t>(len);
    }
    fflush(events);
    fflush(removals);
    return alive;
}

} // namespace

int cmd_watch(int argc, char **argv)
{
    unsigned subtypes = 0xff;
    int i = 1;
    if (i < argc && strncmp(argv[i], "-f", 2) == 0) {
        const char *letters = argv[i][2] ? argv[i] + 2 : (i + 1 < argc ? argv[++i] : nullptr);
        if (!letters)
            usage();
        subtypes = parse_filters(letters);
        i++;
    }
    if (argc - i != 1)
        usage();
    key_serial_t key = parse_key(argv[i]);
    int fd = open_queue(subtypes);
    if (keyctl_watch_key(key, fd, watch_id) < 0)
        fail("keyctl_watch_key");
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            fail("poll");
        if (!drain(fd, stdout, stdout))
            return 0;
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

int cmd_watch_session(int argc, char **argv)
{
    unsigned subtypes = 0xff;
    const char *name = nullptr;
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strncmp(argv[i], "-f", 2) == 0) {
            const char *letters = argv[i][2] ? argv[i] + 2 : (i + 1 < argc ? argv[++i] : nullptr);
            if (!letters)
                usage();
            subtypes = parse_filters(letters);
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            name = argv[++i];
        } else {
            usage();
        }
        i++;
    }
    if (argc - i < 4)
        usage();
    const char *notify_log = argv[i];
    const char *gc_log = argv[i + 1];
    int target_fd = atoi(argv[i + 2]);
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
    fclose(events);
    fclose(removals);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int cmd_watch_sync(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int fd = atoi(argv[1]);
    if (ioctl(fd, pipe_ioc_sync, 0) < 0 && errno != ENOTTY) {
        fflush(stdout);
        perror("ioctl(PIPE_IOC_SYNC)");
        exit(1);
    }
    // Without the ioctl, wait for the reader to empty the pipe.
    for (;;) {
        int queued;
        if (ioctl(fd, FIONREAD, &queued) < 0) {
            fflush(stdout);
            perror("ioctl(FIONREAD)");
            exit(1);
        }
        if (queued == 0)
            return 0;
        usleep(10000);
    }
}

} // namespace keyctl_tool
