// Finding and reading request-key's configuration files.
#include "config_files.hpp"
#include "input.hpp"
#include "messages.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rktool {

namespace {

// Configuration files past this size are refused rather than read.
constexpr size_t max_config_size = 4u << 20;

// A whole regular file, or why not.  Opened without blocking: a FIFO in its
// place must not hang the upcall.
const char *read_file(int dirfd, const char *path, std::string &text)
{
    int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return strerror(errno);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return "not a regular file";
    }
    tools::input in = tools::read_all(fd, max_config_size);
    int e = errno;
    close(fd);
    if (!in.data)
        return strerror(e);
    if (in.truncated) {
        free(in.data);
        return strerror(EFBIG);
    }
    text.assign(in.data, in.size);
    free(in.data);
    return nullptr;
}

bool is_conf_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n >= 5 && strcmp(name + n - 5, ".conf") == 0;
}

// The *.conf entries of an open directory that are regular files; what is
// skipped is logged when `dir` names the directory for the message.
std::vector<std::string> conf_entries(int dirfd, const char *dir)
{
    std::vector<std::string> names;
    DIR *d = fdopendir(dup(dirfd));
    if (!d)
        return names;
    while (dirent *e = readdir(d)) {
        if (!is_conf_name(e->d_name))
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, 0) != 0) {
            if (dir)
                error("%s/%s: %s: ignored", dir, e->d_name, strerror(errno));
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            if (dir)
                error("%s/%s: not a regular file: ignored", dir, e->d_name);
            continue;
        }
        names.push_back(e->d_name);
    }
    closedir(d);
    // The original takes readdir order, which no one can rely on.
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

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

std::vector<std::string> conf_names(const std::string &dir)
{
    int dirfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return {};
    std::vector<std::string> names = conf_entries(dirfd, nullptr);
    close(dirfd);
    return names;
}

const char *read_config_text(const std::string &path, std::string &text)
{
    return read_file(AT_FDCWD, path.c_str(), text);
}

bool load_config(const config_paths &paths, std::vector<rkconf::config_file> &files)
{
    debug(1, "__ SCAN %s __", paths.dir.c_str());
    int dirfd = open(paths.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0) {
        for (const std::string &name : conf_entries(dirfd, paths.dir.c_str())) {
            std::string text;
            if (const char *why = read_file(dirfd, name.c_str(), text))
                error("%s/%s: %s: ignored", paths.dir.c_str(), name.c_str(), why);
            else
                files.push_back(rkconf::parse(name, text));
        }
        close(dirfd);
    }
    std::string text;
    if (const char *why = read_file(AT_FDCWD, paths.file.c_str(), text)) {
        error("Cannot open %s: %s", paths.file.c_str(), why);
        return false;
    }
    files.push_back(rkconf::parse(paths.file, text));
    return true;
}

} // namespace rktool
