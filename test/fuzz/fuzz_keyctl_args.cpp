// libFuzzer target: keyctl's argument parsers in tools/common, on words
// split from the input at NUL bytes.  The first byte picks what the words
// are taken as; each parser is checked against a second way of reaching the
// same answer: strtol/strtoul themselves, re-encoding decoded hex, splitting
// joined options.
#include "args.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

void check_key(const std::string &w)
{
    tools::key_arg a;
    tools::key_arg_status st = tools::parse_key_arg(w.c_str(), &a);
    if (st != tools::key_arg_status::ok)
        return;
    if (a.kind == tools::key_arg_kind::by_name) {
        // %type:description, split at the first ':'.
        std::string back = "%" + std::string(a.type, a.type_size) + ":" + a.description;
        if (back != w || memchr(a.type, ':', a.type_size) || !*a.description)
            abort();
    } else if (a.kind == tools::key_arg_kind::number) {
        char *end;
        unsigned long v = strtoul(w.c_str(), &end, 0);
        if (*end || a.id != static_cast<key_serial_t>(static_cast<uint32_t>(v)))
            abort();
    } else if (w[0] != '@' || a.id >= 0) {
        abort();
    }
}

void check_number(const std::string &w, int base)
{
    unsigned long u;
    char *end;
    unsigned long ref = strtoul(w.c_str(), &end, base);
    bool whole = *end == '\0';
    bool ok = tools::parse_ulong(w.c_str(), base, &u) != tools::number_status::not_a_number;
    if (ok != whole || (ok && u != ref))
        abort();
    key_perm_t perm;
    if (base == 0 && tools::parse_permissions(w.c_str(), &perm) != whole)
        abort();
}

void check_hex(const std::string &w)
{
    std::string buf = w;
    size_t n = 0;
    if (tools::decode_hex(&buf[0], buf.size(), &n) != tools::hex_status::ok)
        return;
    if (n > w.size() / 2 || buf[n] != '\0')
        abort();
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (size_t i = 0; i < n; i++) {
        hex += digits[static_cast<unsigned char>(buf[i]) >> 4];
        hex += digits[static_cast<unsigned char>(buf[i]) & 15];
    }
    std::string again = hex;
    size_t m = 0;
    if (tools::decode_hex(&again[0], again.size(), &m) != tools::hex_status::ok || m != n ||
        again.compare(0, n, buf, 0, n) != 0)
        abort();
}

void check_options(std::vector<std::string> &words)
{
    std::vector<char *> argv;
    for (std::string &w : words)
        argv.push_back(&w[0]);
    char *joined = nullptr;
    tools::options_status st =
        tools::join_key_val_options(argv.data(), static_cast<int>(argv.size()), &joined);
    bool all_key_val = true;
    std::string expect;
    for (size_t i = 0; i < words.size(); i++) {
        all_key_val = all_key_val && words[i].find('=') != std::string::npos;
        expect += (i ? " " : "") + words[i];
    }
    if ((st == tools::options_status::ok) != all_key_val)
        abort();
    if (st == tools::options_status::ok && expect != joined)
        abort();
    free(joined);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    std::vector<std::string> words;
    std::string cur;
    for (size_t i = 1; i < size; i++) {
        if (data[i] == '\0') {
            words.push_back(cur);
            cur.clear();
        } else {
            cur += static_cast<char>(data[i]);
        }
    }
    words.push_back(cur);
    switch (data[0] % 4) {
    case 0:
        for (const std::string &w : words)
            check_key(w);
        break;
    case 1:
        for (const std::string &w : words)
            for (int base : {0, 10, 16})
                check_number(w, base);
        break;
    case 2:
        for (const std::string &w : words)
            check_hex(w);
        break;
    default:
        check_options(words);
        break;
    }
    return 0;
}
