// request-key.conf(5): parsing, rule matching and macro expansion, kept free
// of kernel calls and process handling so that tests and the fuzzer can
// drive it directly.
//
// The matching rules are keyutils 1.6.3's, as observed:
//  - a line that is empty, starts with '#' or starts with white space is
//    ignored (so there is no line continuation);
//  - a rule is "op type description callout-info command...", fields split
//    on white space, with no quoting;
//  - a field is checked only when the fields before it matched, and a field
//    with nothing after it is a syntax error when it is reached, which stops
//    the whole lookup;
//  - a pattern holds at most one '*', first or last: "*" matches anything,
//    "abc*" a prefix, "*abc" a suffix; a '*' anywhere else never matches;
//  - the weight of a match is the number of characters the '*' stood for;
//    the best rule has the smallest weights, compared field by field from
//    the left, and the first one read wins a tie.
//
// Ours on top: a "%timeout SECONDS" line sets the handler time limit for
// the rules after it in the same file (the original ignores such a line).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rkconf {

// How long a handler may run when no %timeout line says otherwise.
constexpr unsigned default_timeout_seconds = 60;

// The four columns a rule matches against.
enum column { col_op, col_type, col_description, col_callout, column_count };

struct rule {
    size_t line = 0;
    std::string text; // the whole line
    // The patterns read before the line ended or the command began.
    std::vector<std::string> patterns;
    // Index of the first pattern with nothing after it (column_count when
    // the command is present): looking it up is a syntax error.
    size_t complete = column_count;
    // The command text, as written after the callout-info column.
    std::string command;
    unsigned timeout = default_timeout_seconds;
};

struct config_file {
    std::string name; // as shown in messages
    std::vector<rule> rules;
};

// Parses one file's text; never fails (bad lines fail when looked up, as in
// the original, and are reported by lint()).
config_file parse(const std::string &name, const std::string &text);

// The characters the '*' of `pattern` stands for in `value`, or nothing
// when the pattern does not match.
std::optional<size_t> match(const std::string &pattern, const std::string &value);

struct query {
    std::string values[column_count]; // op, type, description, callout info
};

struct weights {
    size_t w[column_count] = {0, 0, 0, 0};
    bool operator<(const weights &o) const;
    std::string str() const; // "(a,b,c,d)"
};

struct lookup_result {
    const config_file *file = nullptr;
    const rule *best = nullptr; // null: no rule matches
    weights weight;
    // Set when a syntax error stopped the lookup.
    const config_file *error_file = nullptr;
    size_t error_line = 0;
};

// Verbose tracing: level 1 for decisions, level 2 for every comparison.
using trace_fn = std::function<void(int level, const std::string &message)>;

// Finds the best rule over `files`, in the order given (request-key.d files
// first, then request-key.conf).  `on_file` is called as each file is
// started, to mirror the original's "__ read FILE __" trace.
lookup_result lookup(const std::vector<config_file> &files, const query &q,
                     const trace_fn &trace = nullptr,
                     const std::function<void(const config_file &)> &on_file = nullptr);

// A handler command split into its program and arguments.
struct command_line {
    bool pipe = false;         // "|prog": stdout becomes the payload
    std::string program;       // the path, without the '|'
    std::vector<std::string> args; // after the program, unexpanded
};
command_line split_command(const std::string &command);

// The values the macros stand for.
struct macro_values {
    std::string op, key, type, description, callout, uid, gid;
    std::string thread_ring, process_ring, session_ring;
};

// Reads the payload of the key %{type:description} names; returns false
// (with a message in `error`) when it cannot.
using keysub_fn = std::function<bool(const std::string &type, const std::string &description,
                                     std::string &payload, std::string &error)>;

// Expands one argument.  On failure returns false and sets `error` to the
// original's message ("Unsupported macro", "Missing macro name", ...).
bool expand_argument(const std::string &arg, const macro_values &v, const keysub_fn &keysub,
                     std::string &out, std::string &error);

// Problems lint() finds.  Errors make the configuration misbehave (the
// lookup stops, or the handler cannot run); warnings are lines that do not
// do what they seem to.
struct finding {
    size_t line;
    bool error;
    std::string message;
};
std::vector<finding> lint(const std::string &text);

} // namespace rkconf
