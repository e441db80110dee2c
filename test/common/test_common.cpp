// tools/common on its own: argument parsing, bounded input, word splitting
// and the log sink, without the kernel.
#include <catch2/catch.hpp>

#include "args.hpp"
#include "input.hpp"
#include "log.hpp"
#include "words.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

using namespace tools;

TEST_CASE("key arguments: numbers, @names and %type:description")
{
    key_arg a{};
    REQUIRE(parse_key_arg("0x1f", &a) == key_arg_status::ok);
    CHECK(a.kind == key_arg_kind::number);
    CHECK(a.id == 0x1f);
    // 1.6.3 reads "" as key 0 and wraps out-of-range numbers to 32 bits.
    REQUIRE(parse_key_arg("", &a) == key_arg_status::ok);
    CHECK(a.id == 0);
    REQUIRE(parse_key_arg("4294967295", &a) == key_arg_status::ok);
    CHECK(a.id == -1);
    // Read as unsigned long (strtoul), as 1.6.3 does, on every width: where
    // long is 32 bits, strtol would have stopped at 0x7fffffff.
    REQUIRE(parse_key_arg("4294967293", &a) == key_arg_status::ok);
    CHECK(a.id == KEY_SPEC_SESSION_KEYRING);
    REQUIRE(parse_key_arg("-4294967293", &a) == key_arg_status::ok);
    CHECK(a.id == 3);
    REQUIRE(parse_key_arg("9223372036854775808", &a) == key_arg_status::ok);
    CHECK(a.id == (sizeof(unsigned long) == 8 ? 0 : -1)); // 2^63 wraps; 32 bits: ULONG_MAX
    REQUIRE(parse_key_arg("@us", &a) == key_arg_status::ok);
    CHECK(a.kind == key_arg_kind::special);
    CHECK(a.id == KEY_SPEC_USER_SESSION_KEYRING);
    REQUIRE(parse_key_arg("%user:a:b", &a) == key_arg_status::ok);
    CHECK(a.kind == key_arg_kind::by_name);
    CHECK(std::string(a.type, a.type_size) == "user");
    CHECK(std::string(a.description) == "a:b");
    REQUIRE(parse_key_arg("%:ring", &a) == key_arg_status::ok);
    CHECK(a.type_size == 0);

    CHECK(parse_key_arg("12x", &a) == key_arg_status::unparsable);
    CHECK(parse_key_arg("@x", &a) == key_arg_status::unknown_special);
    CHECK(parse_key_arg("%user", &a) == key_arg_status::bad_by_name);
    CHECK(parse_key_arg("%user:", &a) == key_arg_status::bad_by_name);
}

TEST_CASE("numbers and permissions take the whole argument")
{
    unsigned long u = 0;
    CHECK(parse_ulong("017", 0, &u) == number_status::ok);
    CHECK(u == 15);
    CHECK(parse_ulong("17", 10, &u) == number_status::ok);
    CHECK(u == 17);
    CHECK(parse_ulong("18446744073709551616", 10, &u) == number_status::out_of_range);
    CHECK(parse_ulong("1 ", 10, &u) == number_status::not_a_number);
    long l = 0;
    CHECK(parse_long("-0x10", 0, &l) == number_status::ok);
    CHECK(l == -16);
    key_perm_t perm = 0;
    REQUIRE(parse_permissions("0x3f010000", &perm));
    CHECK(perm == 0x3f010000);
    CHECK_FALSE(parse_permissions("alswrv", &perm));
}

TEST_CASE("keyctl reject's error names, and nothing else, are names")
{
    unsigned e = 0;
    REQUIRE(reject_error_by_name("rejected", &e));
    CHECK(e == EKEYREJECTED);
    REQUIRE(reject_error_by_name("expired", &e));
    CHECK(e == EKEYEXPIRED);
    REQUIRE(reject_error_by_name("revoked", &e));
    CHECK(e == EKEYREVOKED);
    e = 7;
    CHECK_FALSE(reject_error_by_name("110", &e));
    CHECK_FALSE(reject_error_by_name("Rejected", &e));
    CHECK_FALSE(reject_error_by_name("", &e));
    CHECK(e == 7);
}

TEST_CASE("hex payloads decode in place, white space between pairs skipped")
{
    char text[] = "01 0a\tFF\n7e";
    size_t n = 0;
    REQUIRE(decode_hex(text, strlen(text), &n) == hex_status::ok);
    CHECK(n == 4);
    CHECK(memcmp(text, "\x01\x0a\xff\x7e", 4) == 0);
    char odd[] = "abc";
    CHECK(decode_hex(odd, 3, &n) == hex_status::short_doublet);
    char bad[] = "0g";
    CHECK(decode_hex(bad, 2, &n) == hex_status::bad_doublet);
}

TEST_CASE("pkey options are key=val words joined by spaces")
{
    char a[] = "enc=pkcs1", b[] = "hash=sha256", c[] = "plain";
    char *words[] = {a, b, c};
    char *joined = nullptr;
    REQUIRE(join_key_val_options(words, 2, &joined) == options_status::ok);
    CHECK(std::string(joined) == "enc=pkcs1 hash=sha256");
    free(joined);
    REQUIRE(join_key_val_options(words, 0, &joined) == options_status::ok);
    CHECK(std::string(joined).empty());
    free(joined);
    CHECK(join_key_val_options(words, 3, &joined) == options_status::not_key_val);
}

TEST_CASE("words split on white space, or on the separator given")
{
    const char text[] = "  create\tuser  x ";
    size_t pos = 0;
    word w{};
    std::string got;
    while (next_word(text, strlen(text), &pos, &w))
        got += "[" + std::string(text + w.start, w.size) + "]";
    CHECK(got == "[create][user][x]");
    const char opts[] = "ipv4\tlist  ipv6";
    pos = 0;
    got.clear();
    while (next_word(opts, strlen(opts), &pos, &w, is_blank))
        got += "[" + std::string(opts + w.start, w.size) + "]";
    CHECK(got == "[ipv4\tlist][ipv6]");
}

namespace {

std::string failed(line_split_status st)
{
    return "error " + std::to_string(static_cast<int>(st));
}

// The words of `line` as split_command_line gives them, "[w1][w2]...", or
// "error N" with the status.
std::string split_line(std::string line)
{
    std::vector<char *> words(command_line_max_words(line.size()));
    size_t count = 99;
    line_split_status st = split_command_line(&line[0], line.size(), words.data(), &count);
    if (st != line_split_status::ok)
        return failed(st);
    std::string got;
    for (size_t i = 0; i < count; i++)
        got += "[" + std::string(words[i]) + "]";
    return got;
}

} // namespace

TEST_CASE("batch lines split as sh(1) splits a simple command, without expansion")
{
    CHECK(split_line("add user a b @s") == "[add][user][a][b][@s]");
    CHECK(split_line(" \t add\t\tuser  ") == "[add][user]");
    CHECK(split_line("") == "");
    CHECK(split_line("   \t ") == "");
    CHECK(split_line("# add user a b @s") == "");
    CHECK(split_line("  #x") == "");
    // '#' starts a comment only at the start of a word.
    CHECK(split_line("a#b c #d e") == "[a#b][c]");
    CHECK(split_line("a '#b' \\#c") == "[a][#b][#c]");
    // Single quotes keep everything; double quotes let \ escape " \ $ `.
    CHECK(split_line("'a \\ \"b' c") == "[a \\ \"b][c]");
    CHECK(split_line("\"a\\\"b\\\\c\\$d\\`e\\x\"") == "[a\"b\\c$d`e\\x]");
    CHECK(split_line("a'b'\"c\"d e") == "[abcd][e]");
    CHECK(split_line("'' \"\" x") == "[][][x]");
    // Outside quotes a backslash makes the next byte literal.
    CHECK(split_line("a\\ b \\'c \\\\") == "[a b]['c][\\]");
    // No expansion: these are ordinary bytes.
    CHECK(split_line("$HOME * ? ~ `id` $(id)") == "[$HOME][*][?][~][`id`][$(id)]");
    CHECK(split_line("a\rb\r") == "[a\rb\r]");

    CHECK(split_line("add 'abc") == failed(line_split_status::unterminated_single_quote));
    CHECK(split_line("add \"a\\\"") == failed(line_split_status::unterminated_double_quote));
    CHECK(split_line("add a\\") == failed(line_split_status::backslash_at_end));
    CHECK(split_line(std::string("a\0b", 3)) == failed(line_split_status::nul_byte));
    CHECK(split_line(std::string("'a\0b'", 5)) == failed(line_split_status::nul_byte));
    // A comment may hold anything, quotes and NULs included.
    CHECK(split_line(std::string("a #'\0", 5)) == "[a]");
}

TEST_CASE("batch lines: the most words a line can hold fit the room given")
{
    CHECK(split_line("a b c d e") == "[a][b][c][d][e]");
    CHECK(split_line("'' '' ''") == "[][][]");
    CHECK(split_line("a") == "[a]");
    std::string many;
    for (int i = 0; i < 5000; i++)
        many += "x ";
    many.pop_back();
    std::string want;
    for (int i = 0; i < 5000; i++)
        want += "[x]";
    CHECK(split_line(many) == want);
}

TEST_CASE("whole input is read up to a limit, and a longer one is marked")
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    std::string data(10000, 'z');
    REQUIRE(write(fds[1], data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    close(fds[1]);
    input in = read_all(fds[0], 6000);
    close(fds[0]);
    REQUIRE(in.data);
    CHECK(in.size == 6000);
    CHECK(in.truncated);
    CHECK(in.data[6000] == '\0');
    free(in.data);

    char path[] = "/tmp/keyutils-common-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, "abc", 3) == 3);
    close(fd);
    in = read_whole_file_at(AT_FDCWD, path, 3);
    REQUIRE(in.data);
    CHECK(std::string(in.data) == "abc");
    CHECK_FALSE(in.truncated);
    free(in.data);
    errno = 0;
    in = read_whole_file_at(AT_FDCWD, path, 2);
    CHECK(in.data == nullptr);
    CHECK(errno == EFBIG);
    in = read_file_at(AT_FDCWD, path, 2);
    REQUIRE(in.data);
    CHECK(in.truncated);
    free(in.data);
    unlink(path);
    in = read_file_at(AT_FDCWD, path, 2);
    CHECK(in.data == nullptr);
    CHECK(errno == ENOENT);
}

TEST_CASE("the log sink formats once and writes the stream copy with its prefix")
{
    char *buf = nullptr;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    REQUIRE(f);
    log_sink sink{f, "E: ", false, true};
    errno = ENOENT;
    log_message(sink, LOG_ERR, "%s: %m", "file");
    std::string big(3000, 'b');
    log_message(sink, LOG_ERR, "%s", big.c_str());
    log_sink bare{f, "", false, false};
    log_message(bare, LOG_ERR, "as is\n");
    fclose(f);
    CHECK(std::string(buf) == "E: file: No such file or directory\nE: " + big + "\nas is\n");
    free(buf);
    // Not a terminal: syslog.
    FILE *plain = tmpfile();
    log_sink routed = terminal_or_syslog(plain, "I: ");
    CHECK(routed.stream == nullptr);
    CHECK(routed.to_syslog);
    fclose(plain);
}
