// Argument parsing: keyctl's messages and exit codes over tools/common's
// parsers, plus the payload helpers.
#include "keyctl.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.hpp"
#include "input.hpp"

namespace keyctl_tool {

namespace {

// The kernel takes at most 1MiB of payload (2MiB and more as hex text); past
// this much input the call will fail anyway, so an endless stdin
// (/dev/zero) ends the read instead of exhausting memory.
constexpr size_t input_limit = 16u << 20;

// Looks up %type:description (%:name for a keyring) as 1.6.3 does.
key_serial_t find_by_name(const tools::key_arg &a)
{
    char type[256];
    if (a.type_size == 0) {
        strcpy(type, "keyring");
    } else {
        size_t n = a.type_size < sizeof type ? a.type_size : sizeof type - 1;
        memcpy(type, a.type, n);
        type[n] = '\0';
    }
    key_serial_t id = find_key_by_type_and_desc(type, a.description, 0);
    if (id < 0)
        die(1, "Can't find '%s:%s'\n", type, a.description);
    return id;
}

} // namespace

key_serial_t parse_key(const char *arg)
{
    tools::key_arg a;
    switch (tools::parse_key_arg(arg, &a)) {
    case tools::key_arg_status::bad_by_name:
        die(2, "Incorrect key-by-name spec\n");
    case tools::key_arg_status::unknown_special:
        die(2, "Unknown special key: '%s'\n", arg);
    case tools::key_arg_status::unparsable:
        die(2, "Unparsable key: '%s'\n", arg);
    case tools::key_arg_status::ok:
        break;
    }
    return a.kind == tools::key_arg_kind::by_name ? find_by_name(a) : a.id;
}

unsigned long parse_ulong(const char *arg, int base, const char *what)
{
    unsigned long value;
    if (tools::parse_ulong(arg, base, &value) == tools::number_status::not_a_number)
        die(2, "Unparsable %s: '%s'\n", what, arg);
    return value;
}

unsigned parse_id(const char *arg, const char *what)
{
    return static_cast<unsigned>(parse_ulong(arg, 0, what));
}

key_perm_t parse_permissions(const char *arg)
{
    key_perm_t perm;
    if (!tools::parse_permissions(arg, &perm))
        die(2, "Unparsable permissions: '%s'\n", arg);
    return perm;
}

size_t decode_hex(char *text, size_t len)
{
    size_t out = 0;
    switch (tools::decode_hex(text, len, &out)) {
    case tools::hex_status::short_doublet:
        die(1, "Short hex doublet\n");
    case tools::hex_status::bad_doublet:
        die(1, "Bad hex doublet\n");
    case tools::hex_status::ok:
        break;
    }
    return out;
}

char *read_stdin(size_t *len)
{
    tools::input in = tools::read_all(STDIN_FILENO, input_limit);
    if (!in.data)
        fail("stdin");
    *len = in.size;
    return static_cast<char *>(hold(in.data));
}

char *read_file(const char *path, size_t *len)
{
    tools::input in = tools::read_file_at(AT_FDCWD, path, input_limit);
    if (!in.data)
        fail(path);
    *len = in.size;
    return static_cast<char *>(hold(in.data));
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
