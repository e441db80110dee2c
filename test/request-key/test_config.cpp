// request-key.conf parsing, matching, precedence, macros and lint, without
// the kernel.  The expectations are keyutils 1.6.3's observed behaviour.
#include <catch2/catch.hpp>

#include "config.hpp"

using namespace rkconf;

namespace {

query make_query(const char *op, const char *type, const char *desc, const char *callout)
{
    query q;
    q.values[col_op] = op;
    q.values[col_type] = type;
    q.values[col_description] = desc;
    q.values[col_callout] = callout;
    return q;
}

// "file:line" of the rule chosen, "none", or "syntax file:line".
std::string pick(const std::vector<config_file> &files, const query &q)
{
    lookup_result r = lookup(files, q);
    if (r.error_file)
        return "syntax " + r.error_file->name + ":" + std::to_string(r.error_line);
    if (!r.best)
        return "none";
    return r.file->name + ":" + std::to_string(r.best->line);
}

std::string pick(const std::string &text, const query &q)
{
    return pick({parse("c", text)}, q);
}

} // namespace

TEST_CASE("patterns: exact, prefix, suffix, anything")
{
    CHECK(match("user", "user") == size_t(0));
    CHECK_FALSE(match("user", "users"));
    CHECK_FALSE(match("user", "use"));
    CHECK(match("*", "") == size_t(0));
    CHECK(match("*", "spoon") == size_t(5));
    CHECK(match("u*", "user") == size_t(3));
    CHECK(match("user*", "user") == size_t(0));
    CHECK(match("*r", "user") == size_t(3));
    CHECK(match("*user", "user") == size_t(0));
    CHECK_FALSE(match("x*", "user"));
    CHECK_FALSE(match("*x", "user"));
    CHECK(match("", "") == size_t(0));
    CHECK_FALSE(match("", "a"));
}

TEST_CASE("patterns: a '*' in the middle never matches, later stars are literal")
{
    CHECK_FALSE(match("us*r", "user"));
    CHECK_FALSE(match("a*c", "a*c"));
    CHECK_FALSE(match("a**", "a**"));
    // Leading star: the rest, stars included, is a literal suffix.
    CHECK(match("**", "ab*") == size_t(2));
    CHECK_FALSE(match("**", "ab"));
    CHECK(match("*b*", "*b*") == size_t(1));
    CHECK_FALSE(match("*b*", "abc"));
    // Trailing star: the rest is a literal prefix.
    CHECK(match("ab*", "ab*") == size_t(1));
}

TEST_CASE("comments, blank lines and indented lines are ignored")
{
    config_file f = parse("c", "# comment\n\n   create user a * /bin/x\n\tcreate user a * /bin/y\n"
                               "#create user a * /bin/z\ncreate user a * /bin/w\n");
    REQUIRE(f.rules.size() == 1);
    CHECK(f.rules[0].line == 6);
    CHECK(f.rules[0].command == "/bin/w");
}

TEST_CASE("no continuation lines: a trailing backslash is an argument")
{
    config_file f = parse("c", "create user a * /bin/echo one \\\n  two\n");
    REQUIRE(f.rules.size() == 1);
    command_line c = split_command(f.rules[0].command);
    CHECK(c.args == std::vector<std::string>{"one", "\\"});
}

TEST_CASE("fields split on any white space, no quoting, trailing space dropped")
{
    config_file f = parse("c", "create\tuser  a\v*   /bin/sh -c \"echo  x\" 'y z'  \r\n");
    REQUIRE(f.rules.size() == 1);
    const rule &r = f.rules[0];
    CHECK(r.patterns == std::vector<std::string>{"create", "user", "a", "*"});
    CHECK(r.command == "/bin/sh -c \"echo  x\" 'y z'");
    command_line c = split_command(r.command);
    CHECK_FALSE(c.pipe);
    CHECK(c.program == "/bin/sh");
    CHECK(c.args == std::vector<std::string>{"-c", "\"echo", "x\"", "'y", "z'"});
}

TEST_CASE("pipe handlers")
{
    command_line c = split_command("|/bin/cat %k");
    CHECK(c.pipe);
    CHECK(c.program == "/bin/cat");
    CHECK(c.args == std::vector<std::string>{"%k"});
    CHECK_FALSE(split_command("/bin/echo |x").pipe);
}

TEST_CASE("a missing field is a syntax error only when the lookup reaches it")
{
    query q = make_query("create", "user", "abc", "x");
    CHECK(pick("create\n", q) == "syntax c:1");
    CHECK(pick("negate\n", q) == "syntax c:1"); // checked before matching
    CHECK(pick("negate user\n", q) == "none");  // op mismatch stops first
    CHECK(pick("create user\n", q) == "syntax c:1");
    CHECK(pick("create other abc\n", q) == "none");
    CHECK(pick("create user abc\n", q) == "syntax c:1");
    CHECK(pick("create user abc x\n", q) == "syntax c:1");
    CHECK(pick("create user abc x   \n", q) == "syntax c:1");
    CHECK(pick("create user zzz x\n", q) == "none");
    // The error stops the lookup even after a match.
    CHECK(pick("create user abc x /bin/a\ncreate user abc y\n", q) == "syntax c:2");
    CHECK(pick("create user abc x /bin/a\ncreate user zzz y\n", q) == "c:1");
}

TEST_CASE("the smallest weights win, leftmost column first; first read wins ties")
{
    query q = make_query("create", "user", "abc", "x");
    std::string text = "create user a* * /bin/1\n"      // (0,0,2,1)
                       "create user ab* * /bin/2\n"     // (0,0,1,1)
                       "create user * * /bin/3\n"       // (0,0,3,1)
                       "create user ab* * /bin/4\n"     // tie with 2: 2 kept
                       "create * abc x /bin/5\n";       // (0,4,0,0): type weighs more
    CHECK(pick(text, q) == "c:2");
    CHECK(pick("create * * * /bin/1\ncreate user abc x /bin/2\n", q) == "c:2");
    CHECK(pick("create user abc * /bin/1\ncreate user ab* x /bin/2\n", q) == "c:1");
    CHECK(pick("* user abc x /bin/1\ncreate user abc x /bin/2\n", q) == "c:2");
}

TEST_CASE("request-key.d files are read before request-key.conf and win ties")
{
    query q = make_query("create", "user", "abc", "x");
    std::vector<config_file> files = {
        parse("a.conf", "create user a* * /bin/a\n"),
        parse("b.conf", "create user a* * /bin/b\n"),
        parse("/etc/request-key.conf", "create user a* * /bin/main\ncreate user abc * /bin/best\n"),
    };
    CHECK(pick(files, q) == "/etc/request-key.conf:2");
    files[2] = parse("/etc/request-key.conf", "create user a* * /bin/main\n");
    CHECK(pick(files, q) == "a.conf:1");
    files[0] = parse("a.conf", "create\n");
    CHECK(pick(files, q) == "syntax a.conf:1");
}

TEST_CASE("lookup traces like the original's -v output")
{
    std::vector<std::string> lines;
    trace_fn trace = [&](int level, const std::string &m) {
        lines.push_back(std::to_string(level) + " " + m);
    };
    lookup({parse("f", "create user debug:* * /bin/x %k\n")},
           make_query("create", "user", "debug:1234", "spoon"), trace);
    CHECK(lines == std::vector<std::string>{
                       "2 match(create,create) = yes (w=0)",
                       "2 match(user,user) = yes (w=0)",
                       "2 match(debug:*,debug:1234) = yes (w=4)",
                       "2 match(*,spoon) = yes (w=5)",
                       "1 f:1: Line matches '/bin/x %k' (0,0,4,5)",
                       "1 f:1: Prefer command (0,0,4,5)",
                   });
}

TEST_CASE("%timeout applies to the following lines of its file")
{
    config_file f = parse("c", "create a * * /bin/1\n%timeout 5\ncreate b * * /bin/2\n"
                               "%timeout 0\n%timeout x\ncreate c * * /bin/3\n");
    REQUIRE(f.rules.size() == 3);
    CHECK(f.rules[0].timeout == default_timeout_seconds);
    CHECK(f.rules[1].timeout == 5);
    CHECK(f.rules[2].timeout == 5); // bad values are ignored (lint reports them)
    CHECK(parse("d", "create a * * /bin/1\n").rules[0].timeout == default_timeout_seconds);
}

TEST_CASE("macros: every one, whole arguments only")
{
    macro_values v;
    v.op = "create";
    v.key = "12";
    v.type = "user";
    v.description = "desc";
    v.callout = "info";
    v.uid = "1";
    v.gid = "2";
    v.thread_ring = "3";
    v.process_ring = "4";
    v.session_ring = "5";
    auto expand = [&](const char *arg) {
        std::string out, error;
        bool ok = expand_argument(arg, v, nullptr, out, error);
        return ok ? out : "error: " + error;
    };
    CHECK(expand("%o") == "create");
    CHECK(expand("%k") == "12");
    CHECK(expand("%t") == "user");
    CHECK(expand("%d") == "desc");
    CHECK(expand("%c") == "info");
    CHECK(expand("%u") == "1");
    CHECK(expand("%g") == "2");
    CHECK(expand("%T") == "3");
    CHECK(expand("%P") == "4");
    CHECK(expand("%S") == "5");
    CHECK(expand("%%") == "%");
    CHECK(expand("%%k") == "%k");
    CHECK(expand("%%%") == "%%");
    CHECK(expand("%kk") == "%kk");
    CHECK(expand("%k%") == "%k%");
    CHECK(expand("%xy") == "%xy");
    CHECK(expand("a%k") == "a%k");
    CHECK(expand("") == "");
    CHECK(expand("%") == "error: Missing macro name");
    CHECK(expand("%x") == "error: Unsupported macro");
    CHECK(expand("%K") == "error: Unsupported macro");
    CHECK(expand("%{") == "error: Unsupported macro");
}

TEST_CASE("key substitution %{type:description}")
{
    macro_values v;
    std::string asked;
    keysub_fn keysub = [&](const std::string &type, const std::string &desc, std::string &payload,
                           std::string &error) {
        asked = type + "/" + desc;
        if (desc == "missing") {
            error = "Keysub key not found: Required key not available";
            return false;
        }
        payload = "secret";
        return true;
    };
    auto expand = [&](const char *arg) {
        std::string out, error;
        bool ok = expand_argument(arg, v, keysub, out, error);
        return ok ? out : "error: " + error;
    };
    CHECK(expand("%{user:a:b}") == "secret");
    CHECK(asked == "user/a:b");
    CHECK(expand("%{user:missing}") == "error: Keysub key not found: Required key not available");
    CHECK(expand("%{user:x") == "error: Unterminated keysub macro");
    CHECK(expand("%{user:x}y") == "error: Keysub macro has trailing rubbish");
    CHECK(expand("%{user}") == "error: Keysub macro lacks ':'");
    CHECK(expand("%{}") == "error: Keysub macro lacks ':'");
    CHECK(expand("%{:x}") == "error: Keysub type empty");
    CHECK(expand("%{user:}") == "error: Keysub description empty");
}

TEST_CASE("lint: clean files pass")
{
    CHECK(lint("# c\n\ncreate user debug:* * /bin/x %k %d %c %S\n"
               "negate * * * /bin/keyctl negate %k 30 %S\n%timeout 10\n")
              .empty());
}

TEST_CASE("lint: every problem, with its line and severity")
{
    std::string text = "create user\n"                          // 1 error
                       "create user a * |\n"                    // 2 error
                       "create user a * /bin/x %q\n"            // 3 error
                       "create user a * /bin/x %{user}\n"       // 4 error
                       "%timeout never\n"                       // 5 error
                       "  create user a * /bin/x\n"             // 6 warning
                       "create user a*b * /bin/x\n"             // 7 warning
                       "create user a * bin/x\n"                // 8 warning
                       "create user a * /bin/x \\\n"            // 9 warning
                       "create user a * /bin/sh -c \"a b\"\n"   // 10 warning
                       "delete user a * /bin/x\n"               // 11 warning
                       "create user a * /bin/x %\n"             // 12 error
                       "create user ** * /bin/x\n"              // 13 warning
                       "\t# indented comment\n";
    std::vector<finding> f = lint(text);
    std::vector<std::pair<size_t, bool>> got;
    for (const finding &x : f) {
        INFO(x.line << ": " << x.message);
        CHECK_FALSE(x.message.empty());
        got.emplace_back(x.line, x.error);
    }
    CHECK(got == std::vector<std::pair<size_t, bool>>{
                     {1, true}, {2, true}, {3, true}, {4, true}, {5, true}, {6, false},
                     {7, false}, {8, false}, {9, false}, {10, false}, {11, false}, {12, true},
                     {13, false}});
    CHECK(f[0].message == "syntax error: no description");
}

TEST_CASE("odd input never crashes")
{
    std::string nasty("create\0user * * /bin/x\n\xff\xfe * * * |\n%\n%timeout\n*\n", 48);
    config_file f = parse("n", nasty);
    lookup({f}, make_query("create", "user", "", ""));
    lint(nasty);
    CHECK(parse("e", "").rules.empty());
    CHECK(parse("e", "\n\n\n").rules.empty());
    std::string longline(100000, 'x');
    CHECK(parse("l", longline).rules.size() == 1);
}
