// Argument parsing: key identifiers, numbers, hex payloads, stdin and files.
#include "keyctl.hpp"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace keyctl_tool {

namespace {

struct special_key {
    const char *name;
    key_serial_t id;
};

const special_key special_keys[] = {
    {"@t", KEY_SPEC_THREAD_KEYRING},       {"@p", KEY_SPEC_PROCESS_KEYRING},
    {"@s", KEY_SPEC_SESSION_KEYRING},      {"@u", KEY_SPEC_USER_KEYRING},
    {"@us", KEY_SPEC_USER_SESSION_KEYRING}, {"@g", KEY_SPEC_GROUP_KEYRING},
    {"@a", KEY_SPEC_REQKEY_AUTH_KEY},
};

int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The kernel takes at most 1MiB of payload (2MiB and more as hex text); past
// this much input the call will fail anyway, so an endless stdin
// (/dev/zero) ends the read instead of exhausting memory.
constexpr size_t input_limit = 16u << 20;

// Reads `fd` to its end or input_limit; returns a NUL-terminated buffer or
// null with errno set.
char *slurp(int fd, size_t *len)
{
    size_t cap = 4096, used = 0;
    char *buf = static_cast<char *>(malloc(cap + 1));
    if (!buf)
        return nullptr;
    for (;;) {
        if (used == cap) {
            char *bigger = static_cast<char *>(realloc(buf, cap * 2 + 1));
            if (!bigger) {
                free(buf);
                return nullptr;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            errno = e;
            return nullptr;
        }
        if (n == 0)
            break;
        used += static_cast<size_t>(n);
        if (used >= input_limit)
            break;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

} // namespace

key_serial_t parse_key(const char *arg)
{
    if (arg[0] == '%') {
        // %type:description, or %:name for a keyring.
        const char *spec = arg + 1;
        const char *colon = strchr(spec, ':');
        if (!colon || colon[1] == '\0')
            die(2, "Incorrect key-by-name spec\n");
        size_t type_len = static_cast<size_t>(colon - spec);
        char type[256];
        if (type_len == 0) {
            strcpy(type, "keyring");
        } else {
            if (type_len >= sizeof type)
                type_len = sizeof type - 1;
            memcpy(type, spec, type_len);
            type[type_len] = '\0';
        }
        key_serial_t id = find_key_by_type_and_desc(type, colon + 1, 0);
        if (id < 0)
            die(1, "Can't find '%s:%s'\n", type, colon + 1);
        return id;
    }

    if (arg[0] == '@') {
        for (const special_key &s : special_keys) {
            if (strcmp(arg, s.name) == 0)
                return s.id;
        }
        die(2, "Unknown special key: '%s'\n", arg);
    }

    char *end;
    long value = strtol(arg, &end, 0);
    if (*end != '\0')
        die(2, "Unparsable key: '%s'\n", arg);
    // Like keyutils, out-of-range numbers wrap to 32 bits.
    return static_cast<key_serial_t>(value);
}

unsigned long parse_ulong(const char *arg, int base, const char *what)
{
    char *end;
    unsigned long value = strtoul(arg, &end, base);
    if (*end != '\0')
        die(2, "Unparsable %s: '%s'\n", what, arg);
    return value;
}

unsigned parse_id(const char *arg, const char *what)
{
    return static_cast<unsigned>(parse_ulong(arg, 0, what));
}

size_t decode_hex(char *text, size_t len)
{
    size_t out = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (isspace(c)) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            die(1, "Short hex doublet\n");
        int hi = hex_value(c);
        int lo = hex_value(static_cast<unsigned char>(text[i + 1]));
        if (hi < 0 || lo < 0)
            die(1, "Bad hex doublet\n");
        text[out++] = static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    text[out] = '\0';
    return out;
}

char *read_stdin(size_t *len)
{
    char *buf = slurp(STDIN_FILENO, len);
    if (!buf)
        fail("stdin");
    return buf;
}

char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        fail(path);
    char *buf = slurp(fd, len);
    if (!buf)
        fail(path);
    close(fd);
    return buf;
}

payload payload_arg(char *arg, bool hex)
{
    size_t len = strlen(arg);
    if (hex)
        len = decode_hex(arg, len);
    return {arg, len};
}

payload payload_stdin(bool hex)
{
    size_t len;
    char *data = read_stdin(&len);
    if (hex)
        len = decode_hex(data, len);
    return {data, len};
}

} // namespace keyctl_tool
