// key.dns_resolver.conf(5): "key[=value]" lines, values optionally quoted,
// backslash escapes, '#' comments.
#include "dns_resolver.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>

#include "input.hpp"
#include "words.hpp"

namespace dns_resolver {

namespace {

using tools::is_space;

// Characters a backslash may make ordinary.
bool escapable(char c) { return c == '\\' || c == '"' || c == '\'' || c == '#' || c == ' ' || c == '\t'; }

struct line_parser {
    const char *file;
    unsigned lineno;

    bool fail(const char *key, const char *what) const
    {
        if (key)
            error("%s:%u: %s: %s", file, lineno, key, what);
        else
            error("%s:%u: %s", file, lineno, what);
        return false;
    }

    // The character a backslash at line[i - 1] stands for, in `c`.
    bool unescape(const std::string &line, size_t &i, const std::string &key, char &c) const
    {
        if (i == line.size())
            return fail(nullptr, "Incomplete escape");
        if (!escapable(line[i]))
            return fail(key.c_str(), "Invalid char in escape");
        c = line[i++];
        return true;
    }

    // Splits one line (without its newline) into key and value.
    // Returns false on a syntax error; `has_value` tells whether '=' was seen.
    bool split(const std::string &line, std::string &key, std::string &value, bool &has_value) const
    {
        size_t i = 0, n = line.size();
        while (i < n && is_space(line[i]))
            i++;
        size_t kstart = i;
        while (i < n && line[i] != '=' && line[i] != '#' && !is_space(line[i]))
            i++;
        key.assign(line, kstart, i - kstart);
        if (key.empty())
            return fail(nullptr, "Unspecified key");
        while (i < n && is_space(line[i]))
            i++;
        has_value = false;
        value.clear();
        if (i == n || line[i] == '#')
            return true;
        if (line[i] != '=')
            return fail(key.c_str(), "Extra data supplied");
        has_value = true;
        i++;
        while (i < n && is_space(line[i]))
            i++;
        if (i < n && (line[i] == '"' || line[i] == '\'')) {
            char quote = line[i++];
            bool closed = false;
            while (i < n) {
                char c = line[i++];
                if (c == quote) {
                    closed = true;
                    break;
                }
                if (c == '\\' && !unescape(line, i, key, c))
                    return false;
                value += c;
            }
            if (!closed)
                return fail(nullptr, "Unclosed quotes");
            if (i < n)
                return fail(key.c_str(), "Data after closing quote");
            return true;
        }
        while (i < n && line[i] != '#') {
            char c = line[i++];
            if (is_space(c)) {
                while (i < n && is_space(line[i]))
                    i++;
                if (i < n && line[i] != '#')
                    return fail(key.c_str(), "Extra data supplied");
                break;
            }
            if (c == '\\' && !unescape(line, i, key, c))
                return false;
            value += c;
        }
        return true;
    }

    // A number of seconds in 1..INT_MAX, read the way the original reads it
    // (an unsigned int, so "-3" and overlong values wrap out of range).
    bool seconds(const std::string &key, const std::string &value, bool has_value,
                 unsigned &out) const
    {
        if (!has_value || value.empty())
            return fail(key.c_str(), "Missing value");
        const char *s = value.c_str();
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || *end != '\0' || !strchr("0123456789+-", s[0]))
            return fail(key.c_str(), "Bad value");
        unsigned u = static_cast<unsigned>(v);
        if (u < 1 || u > INT_MAX)
            return fail(key.c_str(), "Value out of range");
        out = u;
        return true;
    }
};

// Lines longer than this are refused, as 1.6.3 refuses them.
constexpr size_t max_line = 4095;
// A configuration file past this size is refused rather than read.
constexpr size_t max_config_size = 1u << 20;

// One line's worth: blank and comment lines are skipped, options applied.
bool apply_line(const line_parser &p, std::string line, config &cfg)
{
    while (!line.empty() && is_space(line.back()))
        line.pop_back();
    size_t first = line.find_first_not_of(" \t\r\v\f");
    if (first == std::string::npos || line[first] == '#')
        return true;
    std::string key, value;
    bool has_value;
    if (!p.split(line, key, value, has_value))
        return false;
    unsigned *target = nullptr;
    if (key == "default_ttl")
        target = &cfg.default_ttl;
    else if (key == "negative_ttl")
        target = &cfg.negative_ttl;
    else if (key == "temporary_failure_ttl")
        target = &cfg.temporary_failure_ttl;
    if (!target) {
        complain("%s:%u: Unknown option '%s'", p.file, p.lineno, key.c_str());
        return true;
    }
    return p.seconds(key, value, has_value, *target);
}

// Reads `file`, or says why not: false with errno set.
bool read_text(const char *file, std::string &text)
{
    tools::input in = tools::read_whole_file_at(AT_FDCWD, file, max_config_size);
    if (!in.data)
        return false;
    text.assign(in.data, in.size);
    free(in.data);
    return true;
}

} // namespace

bool parse_config(const char *file, const char *text, size_t size, config &cfg)
{
    line_parser p{file, 0};
    size_t start = 0;
    while (start < size) {
        p.lineno++;
        const char *nl = static_cast<const char *>(memchr(text + start, '\n', size - start));
        size_t len = nl ? static_cast<size_t>(nl - (text + start)) : size - start;
        // A line must end in a newline and fit 1.6.3's buffer; a NUL inside
        // cuts it short there, as it did for fgets().
        if (!nl || len + 1 > max_line || memchr(text + start, '\0', len)) {
            error("%s:%u: line missing newline or too long", file, p.lineno);
            return false;
        }
        if (!apply_line(p, std::string(text + start, len), cfg))
            return false;
        start += len + 1;
    }
    return true;
}

bool read_config(const char *path, config &cfg)
{
    const char *file = path ? path : config_path;
    verbose("READ CONFIG %s", file);
    std::string text;
    bool ok = read_text(file, text);
    if (!ok && !path && errno == ENOENT) {
        trace("%s: %m", file);
        file = legacy_config_path;
        ok = read_text(file, text);
        if (ok)
            verbose("READ CONFIG %s", file);
    }
    if (!ok) {
        if (!path && errno == ENOENT) {
            trace("%s: %m", file);
            return true;
        }
        error("%s: %m", file);
        return false;
    }
    return parse_config(file, text.data(), text.size(), cfg);
}

} // namespace dns_resolver
