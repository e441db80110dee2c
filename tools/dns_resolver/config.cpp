// key.dns_resolver.conf(5): "key[=value]" lines, values optionally quoted,
// backslash escapes, '#' comments.
#include "dns_resolver.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memory>

namespace dns_resolver {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

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

struct file_closer {
    void operator()(FILE *f) const { fclose(f); }
};

} // namespace

bool read_config(const char *path, config &cfg)
{
    const char *file = path ? path : config_path;
    verbose("READ CONFIG %s", file);
    std::unique_ptr<FILE, file_closer> f(fopen(file, "re"));
    if (!f && !path && errno == ENOENT) {
        trace("%s: %m", file);
        file = legacy_config_path;
        f.reset(fopen(file, "re"));
        if (f)
            verbose("READ CONFIG %s", file);
    }
    if (!f) {
        if (!path && errno == ENOENT) {
            trace("%s: %m", file);
            return true;
        }
        error("%s: %m", file);
        return false;
    }

    line_parser p{file, 0};
    char buf[4096];
    while (fgets(buf, sizeof buf, f.get())) {
        p.lineno++;
        size_t len = strlen(buf);
        if (len == 0 || buf[len - 1] != '\n') {
            error("%s:%u: line missing newline or too long", file, p.lineno);
            return false;
        }
        std::string line(buf, len - 1);
        while (!line.empty() && is_space(line.back()))
            line.pop_back();
        size_t first = line.find_first_not_of(" \t\r\v\f");
        if (first == std::string::npos || line[first] == '#')
            continue;
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
            complain("%s:%u: Unknown option '%s'", file, p.lineno, key.c_str());
            continue;
        }
        if (!p.seconds(key, value, has_value, *target))
            return false;
    }
    if (ferror(f.get())) {
        error("%s: %m", file);
        return false;
    }
    return true;
}

} // namespace dns_resolver
