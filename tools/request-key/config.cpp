// request-key.conf(5) parsing, matching and macro expansion.
#include "config.hpp"
#include "words.hpp"

#include <cstdio>

namespace rkconf {

namespace {

using tools::is_space;

// Lines the original skips without looking at them.
bool is_ignored(const std::string &line)
{
    return line.empty() || line[0] == '#' || is_space(line[0]);
}

std::vector<std::string> split_lines(const std::string &text)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos)
            nl = text.size();
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

std::vector<std::string> split_words(const std::string &s)
{
    std::vector<std::string> words;
    size_t pos = 0;
    tools::word w;
    while (tools::next_word(s.data(), s.size(), &pos, &w))
        words.push_back(s.substr(w.start, w.size));
    return words;
}

const char timeout_keyword[] = "%timeout";

enum class directive { none, ok, bad };

// A "%timeout SECONDS" line: a whole number from 1 to 86400.
directive parse_directive(const std::string &line, unsigned &seconds, std::string &error)
{
    // Every rule line comes here: most are told apart without splitting.
    if (line.compare(0, sizeof timeout_keyword - 1, timeout_keyword) != 0)
        return directive::none;
    std::vector<std::string> words = split_words(line);
    if (words.empty() || words[0] != timeout_keyword)
        return directive::none;
    if (words.size() != 2) {
        error = "%timeout takes one number of seconds";
        return directive::bad;
    }
    unsigned long n = 0;
    for (char c : words[1]) {
        if (c < '0' || c > '9' || n > 86400) {
            error = "%timeout: '" + words[1] + "' is not a number of seconds from 1 to 86400";
            return directive::bad;
        }
        n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    if (n < 1 || n > 86400) {
        error = "%timeout: '" + words[1] + "' is not a number of seconds from 1 to 86400";
        return directive::bad;
    }
    seconds = static_cast<unsigned>(n);
    return directive::ok;
}

rule parse_rule(size_t number, const std::string &line)
{
    rule r;
    r.line = number;
    r.text = line;
    size_t i = 0;
    for (size_t col = 0; col < column_count; col++) {
        size_t start = i;
        while (i < line.size() && !is_space(line[i]))
            i++;
        r.patterns.push_back(line.substr(start, i - start));
        while (i < line.size() && is_space(line[i]))
            i++;
        if (i == line.size()) {
            r.complete = col;
            return r;
        }
    }
    size_t end = line.size();
    while (end > i && is_space(line[end - 1]))
        end--;
    r.command = line.substr(i, end - i);
    return r;
}

const char *const column_names[] = {"type", "description", "callout info", "program"};

} // namespace

config_file parse(const std::string &name, const std::string &text)
{
    config_file f;
    f.name = name;
    unsigned timeout = default_timeout_seconds;
    std::vector<std::string> lines = split_lines(text);
    for (size_t n = 0; n < lines.size(); n++) {
        const std::string &line = lines[n];
        if (is_ignored(line))
            continue;
        std::string error;
        if (parse_directive(line, timeout, error) != directive::none)
            continue;
        rule r = parse_rule(n + 1, line);
        r.timeout = timeout;
        f.rules.push_back(std::move(r));
    }
    return f;
}

std::optional<size_t> match(const std::string &pattern, const std::string &value)
{
    size_t star = pattern.find('*');
    if (star == std::string::npos) {
        if (pattern == value)
            return 0;
        return std::nullopt;
    }
    if (star == 0) {
        size_t tail = pattern.size() - 1;
        if (value.size() >= tail && value.compare(value.size() - tail, tail, pattern, 1, tail) == 0)
            return value.size() - tail;
        return std::nullopt;
    }
    if (star == pattern.size() - 1) {
        if (value.size() >= star && value.compare(0, star, pattern, 0, star) == 0)
            return value.size() - star;
        return std::nullopt;
    }
    return std::nullopt;
}

bool weights::operator<(const weights &o) const
{
    for (size_t i = 0; i < column_count; i++)
        if (w[i] != o.w[i])
            return w[i] < o.w[i];
    return false;
}

std::string weights::str() const
{
    return "(" + std::to_string(w[0]) + "," + std::to_string(w[1]) + "," +
           std::to_string(w[2]) + "," + std::to_string(w[3]) + ")";
}

lookup_result lookup(const std::vector<config_file> &files, const query &q, const trace_fn &trace,
                     const std::function<void(const config_file &)> &on_file)
{
    lookup_result result;
    for (const config_file &f : files) {
        if (on_file)
            on_file(f);
        for (const rule &r : f.rules) {
            weights w;
            bool matched = true;
            for (size_t col = 0; col < column_count; col++) {
                if (col == r.complete) {
                    result.error_file = &f;
                    result.error_line = r.line;
                    return result;
                }
                std::optional<size_t> m = match(r.patterns[col], q.values[col]);
                if (trace)
                    trace(2, "match(" + r.patterns[col] + "," + q.values[col] + ") = " +
                                 (m ? "yes (w=" + std::to_string(*m) + ")" : std::string("no")));
                if (!m) {
                    matched = false;
                    break;
                }
                w.w[col] = *m;
            }
            if (!matched)
                continue;
            std::string where = f.name + ":" + std::to_string(r.line) + ": ";
            if (trace)
                trace(1, where + "Line matches '" + r.command + "' " + w.str());
            if (!result.best || w < result.weight) {
                if (trace)
                    trace(1, where + "Prefer command " + w.str());
                result.best = &r;
                result.file = &f;
                result.weight = w;
            }
        }
    }
    return result;
}

command_line split_command(const std::string &command)
{
    command_line c;
    std::vector<std::string> words = split_words(command);
    if (words.empty())
        return c;
    c.program = words[0];
    if (!c.program.empty() && c.program[0] == '|') {
        c.pipe = true;
        c.program.erase(0, 1);
    }
    c.args.assign(words.begin() + 1, words.end());
    return c;
}

namespace {

// The parts of "%{type:description}", or the original's complaint.
bool parse_keysub(const std::string &arg, std::string &type, std::string &description,
                  std::string &error)
{
    size_t close = arg.find('}', 2);
    if (close == std::string::npos) {
        error = "Unterminated keysub macro";
        return false;
    }
    if (close != arg.size() - 1) {
        error = "Keysub macro has trailing rubbish";
        return false;
    }
    std::string inner = arg.substr(2, close - 2);
    size_t colon = inner.find(':');
    if (colon == std::string::npos) {
        error = "Keysub macro lacks ':'";
        return false;
    }
    type = inner.substr(0, colon);
    description = inner.substr(colon + 1);
    if (type.empty()) {
        error = "Keysub type empty";
        return false;
    }
    if (description.empty()) {
        error = "Keysub description empty";
        return false;
    }
    return true;
}

} // namespace

bool expand_argument(const std::string &arg, const macro_values &v, const keysub_fn &keysub,
                     std::string &out, std::string &error)
{
    if (arg.empty() || arg[0] != '%') {
        out = arg;
        return true;
    }
    if (arg.size() == 1) {
        error = "Missing macro name";
        return false;
    }
    if (arg[1] == '%') {
        out = arg.substr(1);
        return true;
    }
    if (arg[1] == '{' && arg.size() > 2) {
        std::string type, description;
        if (!parse_keysub(arg, type, description, error))
            return false;
        if (!keysub) {
            out = arg;
            return true;
        }
        return keysub(type, description, out, error);
    }
    // Only whole arguments are macros: "%kk" is taken literally.
    if (arg.size() > 2) {
        out = arg;
        return true;
    }
    switch (arg[1]) {
    case 'o': out = v.op; return true;
    case 'k': out = v.key; return true;
    case 't': out = v.type; return true;
    case 'd': out = v.description; return true;
    case 'c': out = v.callout; return true;
    case 'u': out = v.uid; return true;
    case 'g': out = v.gid; return true;
    case 'T': out = v.thread_ring; return true;
    case 'P': out = v.process_ring; return true;
    case 'S': out = v.session_ring; return true;
    default:
        error = "Unsupported macro";
        return false;
    }
}

namespace {

// Where lint() puts what it finds on one line.
struct line_findings {
    std::vector<finding> &found;
    size_t number;
    void warn(const std::string &m) { found.push_back({number, false, m}); }
    void fail(const std::string &m) { found.push_back({number, true, m}); }
};

void lint_patterns(const rule &r, line_findings &f)
{
    if (r.patterns[col_op] != "create" && r.patterns[col_op] != "negate" &&
        r.patterns[col_op] != "*")
        f.warn("operation '" + r.patterns[col_op] +
               "' is never looked up (only create, and negate after a handler fails)");
    for (size_t col = 0; col < column_count; col++) {
        const std::string &p = r.patterns[col];
        size_t star = p.find('*');
        if (star != std::string::npos && star != 0 && star != p.size() - 1)
            f.warn("pattern '" + p + "' never matches: '*' works only first or last");
        else if (star == 0 && p.find('*', 1) != std::string::npos)
            f.warn("pattern '" + p + "': only the first '*' is a wildcard");
    }
}

void lint_command(const rule &r, line_findings &f)
{
    command_line c = split_command(r.command);
    if (c.program.empty()) {
        f.fail("no program after '|'");
        return;
    }
    if (c.program[0] != '/')
        f.warn("program '" + c.program + "' is not an absolute path");
    if (r.command.back() == '\\')
        f.warn("a trailing backslash does not continue the line");
    if (r.command.find_first_of("\"'") != std::string::npos)
        f.warn("quotes are not interpreted: arguments are split at white space");
    macro_values none;
    for (const std::string &arg : c.args) {
        std::string out, error;
        if (!expand_argument(arg, none, nullptr, out, error))
            f.fail("argument '" + arg + "': " + error);
    }
}

void lint_line(const std::string &line, line_findings &f)
{
    if (line.find('\0') != std::string::npos) {
        f.fail("contains a NUL byte");
        return;
    }
    if (!line.empty() && is_space(line[0])) {
        std::vector<std::string> words = split_words(line);
        if (!words.empty() && words[0][0] != '#')
            f.warn("starts with white space, so request-key ignores it "
                   "(there are no continuation lines)");
        return;
    }
    if (is_ignored(line))
        return;
    unsigned seconds = 0;
    std::string error;
    directive d = parse_directive(line, seconds, error);
    if (d == directive::bad)
        f.fail(error);
    if (d != directive::none)
        return;
    rule r = parse_rule(f.number, line);
    if (r.complete < column_count) {
        f.fail(std::string("syntax error: no ") + column_names[r.complete]);
        return;
    }
    lint_patterns(r, f);
    lint_command(r, f);
}

} // namespace

std::vector<finding> lint(const std::string &text)
{
    std::vector<finding> found;
    std::vector<std::string> lines = split_lines(text);
    for (size_t n = 0; n < lines.size(); n++) {
        line_findings f{found, n + 1};
        lint_line(lines[n], f);
    }
    return found;
}

} // namespace rkconf
