// White space and word splitting shared by the tools' parsers, and the
// shell-like splitting of a keyctl batch line.
#pragma once

#include <stddef.h>

namespace tools {

// The C locale's white space, whatever the locale.
constexpr bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr bool is_blank(char c)
{
    return c == ' ';
}

struct word {
    size_t start;
    size_t size;
};

// The next word of text[0..size) at or after *pos, words being separated by
// runs of characters for which `separator` holds; false when none is left.
inline bool next_word(const char *text, size_t size, size_t *pos, word *out,
                      bool (*separator)(char) = is_space)
{
    size_t i = *pos;
    while (i < size && separator(text[i]))
        i++;
    size_t start = i;
    while (i < size && !separator(text[i]))
        i++;
    *pos = i;
    *out = word{start, i - start};
    return i > start;
}

enum class line_split_status {
    ok,
    unterminated_single_quote,
    unterminated_double_quote,
    backslash_at_end,
    nul_byte,
};

// Room split_command_line needs in `words` for a line of `size` bytes: a
// word takes at least one byte and a separator.
constexpr size_t command_line_max_words(size_t size)
{
    return size / 2 + 1;
}

// Splits one line as sh(1) splits a simple command, without any expansion:
// words are separated by spaces and tabs; '...' keeps everything literally;
// in "..." a backslash escapes only " \ $ and `; elsewhere a backslash
// makes the next byte literal; an unquoted '#' that begins a word starts a
// comment running to the end of the line.  $, `, *, ?, ~ and the rest are
// ordinary bytes.  The words are unquoted in place, each NUL-terminated, and
// words[i] points at the i-th; line[size] must be writable (a terminated
// string).  *count gets the number of words (zero for a blank line or a
// comment); on an error the line's contents are undefined.
line_split_status split_command_line(char *line, size_t size, char **words, size_t *count);

} // namespace tools
