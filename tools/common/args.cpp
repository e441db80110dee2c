// Command-line argument parsing shared by the tools.
#include "args.hpp"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils/kernel_format.hpp>

#include "words.hpp"

namespace tools {

namespace {

struct special_key {
    const char *name;
    key_serial_t id;
};

const special_key special_keys[] = {
    {"@t", KEY_SPEC_THREAD_KEYRING},        {"@p", KEY_SPEC_PROCESS_KEYRING},
    {"@s", KEY_SPEC_SESSION_KEYRING},       {"@u", KEY_SPEC_USER_KEYRING},
    {"@us", KEY_SPEC_USER_SESSION_KEYRING}, {"@g", KEY_SPEC_GROUP_KEYRING},
    {"@a", KEY_SPEC_REQKEY_AUTH_KEY},
};

} // namespace

key_arg_status parse_key_arg(const char *arg, key_arg *out)
{
    if (arg[0] == '%') {
        const char *spec = arg + 1;
        const char *colon = strchr(spec, ':');
        if (!colon || colon[1] == '\0')
            return key_arg_status::bad_by_name;
        *out = {key_arg_kind::by_name, 0, spec, static_cast<size_t>(colon - spec), colon + 1};
        return key_arg_status::ok;
    }
    if (arg[0] == '@') {
        for (const special_key &s : special_keys) {
            if (strcmp(arg, s.name) == 0) {
                *out = {key_arg_kind::special, s.id, nullptr, 0, nullptr};
                return key_arg_status::ok;
            }
        }
        return key_arg_status::unknown_special;
    }
    // Read as unsigned long, as 1.6.3 does: where long is 32 bits wide,
    // "4294967293" must still be -3 (strtol would stop at LONG_MAX), and a
    // negative number wraps, "-4294967293" to 3.
    unsigned long value;
    if (parse_ulong(arg, 0, &value) == number_status::not_a_number)
        return key_arg_status::unparsable;
    *out = {key_arg_kind::number, static_cast<key_serial_t>(static_cast<uint32_t>(value)), nullptr, 0,
            nullptr};
    return key_arg_status::ok;
}

number_status parse_long(const char *arg, int base, long *out)
{
    char *end;
    // errno is cleared to see ERANGE, and then left as strtol() alone
    // would leave it: callers' later messages may print it, as 1.6.3's do.
    int before = errno;
    errno = 0;
    long v = strtol(arg, &end, base);
    bool range = errno == ERANGE;
    errno = range ? ERANGE : before;
    if (*end != '\0')
        return number_status::not_a_number;
    *out = v;
    return range ? number_status::out_of_range : number_status::ok;
}

number_status parse_ulong(const char *arg, int base, unsigned long *out)
{
    char *end;
    // errno is cleared to see ERANGE, and then left as strtoul() alone
    // would leave it: callers' later messages may print it, as 1.6.3's do.
    int before = errno;
    errno = 0;
    unsigned long v = strtoul(arg, &end, base);
    bool range = errno == ERANGE;
    errno = range ? ERANGE : before;
    if (*end != '\0')
        return number_status::not_a_number;
    *out = v;
    return range ? number_status::out_of_range : number_status::ok;
}

bool parse_permissions(const char *arg, key_perm_t *out)
{
    unsigned long v;
    if (parse_ulong(arg, 0, &v) == number_status::not_a_number)
        return false;
    *out = static_cast<key_perm_t>(v);
    return true;
}

bool reject_error_by_name(const char *arg, unsigned *out)
{
    if (strcmp(arg, "rejected") == 0)
        *out = EKEYREJECTED;
    else if (strcmp(arg, "expired") == 0)
        *out = EKEYEXPIRED;
    else if (strcmp(arg, "revoked") == 0)
        *out = EKEYREVOKED;
    else
        return false;
    return true;
}

hex_status decode_hex(char *text, size_t size, size_t *out_size)
{
    namespace kf = keyutils::kernel_format;
    size_t out = 0;
    size_t i = 0;
    while (i < size) {
        if (is_space(text[i])) {
            i++;
            continue;
        }
        if (i + 1 >= size)
            return hex_status::short_doublet;
        int hi = kf::hex_digit_value(text[i]);
        int lo = kf::hex_digit_value(text[i + 1]);
        if (hi < 0 || lo < 0)
            return hex_status::bad_doublet;
        text[out++] = static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    text[out] = '\0';
    *out_size = out;
    return hex_status::ok;
}

options_status join_key_val_options(char *const *words, int count, char **out)
{
    size_t total = 1;
    for (int i = 0; i < count; i++) {
        if (!strchr(words[i], '='))
            return options_status::not_key_val;
        total += strlen(words[i]) + 1;
    }
    char *joined = static_cast<char *>(malloc(total));
    if (!joined)
        return options_status::no_memory;
    char *p = joined;
    for (int i = 0; i < count; i++) {
        if (i)
            *p++ = ' ';
        size_t n = strlen(words[i]);
        memcpy(p, words[i], n);
        p += n;
    }
    *p = '\0';
    *out = joined;
    return options_status::ok;
}

} // namespace tools
