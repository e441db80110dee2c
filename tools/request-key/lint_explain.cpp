// --lint and --explain: the configuration checked, and one request's rule
// shown, without the kernel.
#include "builtin.hpp"
#include "config_files.hpp"
#include "request_key.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

namespace rktool {

namespace {

// The files --lint looks at: the ones named (a directory standing for its
// *.conf files), or the configuration request-key would read.
std::vector<std::string> lint_paths(const options &opt, char **files, int count)
{
    std::vector<std::string> paths;
    auto add_dir = [&paths](const std::string &dir) {
        for (const std::string &name : conf_names(dir))
            paths.push_back(dir + "/" + name);
    };
    if (count == 0) {
        config_paths p = default_paths(opt.local);
        add_dir(p.dir);
        paths.push_back(p.file);
        return paths;
    }
    for (int i = 0; i < count; i++) {
        struct stat st;
        if (stat(files[i], &st) == 0 && S_ISDIR(st.st_mode))
            add_dir(files[i]);
        else
            paths.push_back(files[i]);
    }
    return paths;
}

std::string shell_quote(const std::string &s)
{
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789@%+=:,./_-") == std::string::npos)
        return s;
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// The macros as --explain shows them: what the kernel would pass is
// unknown, so those stay as written.
rkconf::macro_values explain_macros(const rkconf::query &q)
{
    rkconf::macro_values v;
    v.op = q.values[rkconf::col_op];
    v.type = q.values[rkconf::col_type];
    v.description = q.values[rkconf::col_description];
    v.callout = q.values[rkconf::col_callout];
    v.key = "%k";
    v.uid = "%u";
    v.gid = "%g";
    v.thread_ring = "%T";
    v.process_ring = "%P";
    v.session_ring = "%S";
    return v;
}

// The handler's arguments with the macros of `v` expanded; on a bad one,
// false with that argument and why.
bool expand_all(const rkconf::command_line &c, const rkconf::macro_values &v,
                std::vector<std::string> &args, std::string &bad, std::string &err)
{
    for (const std::string &a : c.args) {
        std::string out;
        if (!rkconf::expand_argument(a, v, nullptr, out, err)) {
            bad = a;
            return false;
        }
        args.push_back(out);
    }
    return true;
}

// Whether the upcall would make this keyctl call itself: the kernel passes
// the keys and keyrings as numbers, so a number stands in for each.
bool would_be_builtin(const rkconf::command_line &c, rkconf::macro_values v)
{
    v.key = v.uid = v.gid = v.thread_ring = v.process_ring = v.session_ring = "1";
    handler_run run;
    run.program = c.program;
    run.pipe = c.pipe;
    run.argv.push_back("keyctl");
    std::string bad, err;
    return expand_all(c, v, run.argv, bad, err) && is_builtin_keyctl(run);
}

int show_command(const rkconf::rule &rule, const rkconf::query &q)
{
    rkconf::command_line c = rkconf::split_command(rule.command);
    rkconf::macro_values v = explain_macros(q);
    std::vector<std::string> args;
    std::string bad, err;
    if (!expand_all(c, v, args, bad, err)) {
        printf("error: argument '%s': %s: the key is negated\n", bad.c_str(), err.c_str());
        return 1;
    }
    std::string line = shell_quote(c.program);
    for (const std::string &a : args)
        line += " " + shell_quote(a);
    printf("%s: %s\n", c.pipe ? "pipe" : "run", line.c_str());
    if (would_be_builtin(c, v))
        printf("built-in: request-key makes this keyctl call itself; keyctl is not started\n");
    if (c.pipe)
        printf("stdin: %s\nstdout: becomes the payload when it exits 0\n",
               shell_quote(v.callout).c_str());
    printf("timeout: %us\n", rule.timeout);
    return 0;
}

} // namespace

int run_lint(const options &opt, char **files, int count)
{
    bool failed = false;
    for (const std::string &path : lint_paths(opt, files, count)) {
        std::string text;
        if (const char *why = read_config_text(path, text)) {
            printf("%s: %s\n", path.c_str(), why);
            failed = true;
            continue;
        }
        for (const rkconf::finding &f : rkconf::lint(text)) {
            printf("%s:%zu: %s%s\n", path.c_str(), f.line, f.error ? "" : "warning: ",
                   f.message.c_str());
            failed = failed || f.error;
        }
    }
    return failed ? 1 : 0;
}

int run_explain(const options &opt, char **args, int count)
{
    if (count < 3 || count > 4)
        return usage_error();
    std::vector<rkconf::config_file> files;
    if (!load_config(default_paths(opt.local), files))
        return 1;
    rkconf::query q;
    for (int i = 0; i < count; i++)
        q.values[i] = args[i];
    rkconf::lookup_result r = rkconf::lookup(files, q);
    if (r.error_file) {
        printf("%s:%zu: Syntax error: the lookup stops here and the key is negated\n",
               r.error_file->name.c_str(), r.error_line);
        return 1;
    }
    if (!r.best) {
        printf("no rule matches: the key is negated\n");
        return 1;
    }
    printf("%s:%zu: %s\n", r.file->name.c_str(), r.best->line, r.best->text.c_str());
    printf("weights: %s\n", r.weight.str().c_str());
    return show_command(*r.best, q);
}

} // namespace rktool
