// Bounded reading of a whole file or of standard input.
#include "input.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

namespace tools {

namespace {

input failed()
{
    return {nullptr, 0, false};
}

// Room for `want` bytes and a NUL, growing by doubling.
bool reserve(char **buf, size_t *cap, size_t want)
{
    if (want <= *cap)
        return true;
    size_t bigger = *cap ? *cap : 4096;
    while (bigger < want)
        bigger *= 2;
    char *p = static_cast<char *>(realloc(*buf, bigger + 1));
    if (!p)
        return false;
    *buf = p;
    *cap = bigger;
    return true;
}

} // namespace

input read_all(int fd, size_t limit)
{
    char *buf = nullptr;
    size_t cap = 0, used = 0;
    // One byte past the limit tells a full input from a longer one.
    while (used <= limit) {
        size_t want = used + 4096 < limit + 1 ? used + 4096 : limit + 1;
        if (!reserve(&buf, &cap, want)) {
            free(buf);
            errno = ENOMEM;
            return failed();
        }
        ssize_t n = read(fd, buf + used, want - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return failed();
        }
        if (n == 0)
            break;
        used += static_cast<size_t>(n);
    }
    if (!buf && !reserve(&buf, &cap, 1))
        return failed();
    bool truncated = used > limit;
    if (truncated)
        used = limit;
    buf[used] = '\0';
    return {buf, used, truncated};
}

input read_file_at(int dirfd, const char *path, size_t limit)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return failed();
    input in = read_all(fd, limit);
    int e = errno;
    close(fd);
    errno = e;
    return in;
}

input read_whole_file_at(int dirfd, const char *path, size_t limit)
{
    input in = read_file_at(dirfd, path, limit);
    if (in.data && in.truncated) {
        free(in.data);
        errno = EFBIG;
        return failed();
    }
    return in;
}

} // namespace tools
