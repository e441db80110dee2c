// Bounded reading of a whole file or of standard input: an endless or huge
// input (/dev/zero, a runaway pipe) ends the read at a limit instead of
// exhausting memory.
#pragma once

#include <stddef.h>

namespace tools {

struct input {
    char *data;     // malloc'd and NUL-terminated; null on failure, errno set
    size_t size;    // at most the limit
    bool truncated; // there was more than the limit
};

// Reads `fd` to its end or `limit` bytes.
input read_all(int fd, size_t limit);
// Opens `path` (relative to `dirfd`, or AT_FDCWD) and reads it whole.
input read_file_at(int dirfd, const char *path, size_t limit);
// The same, but a file over `limit` is an error (EFBIG), not cut short:
// for configuration files, which must be read whole or not at all.
input read_whole_file_at(int dirfd, const char *path, size_t limit);

} // namespace tools
