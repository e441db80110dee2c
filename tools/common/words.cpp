// The shell-like splitting of a keyctl batch line.
#include "words.hpp"

namespace tools {

namespace {

constexpr bool separates(char c)
{
    return c == ' ' || c == '\t';
}

// Inside "...", the bytes a backslash escapes (sh(1) also takes a newline,
// which a line cannot hold).
constexpr bool escapable_in_double_quotes(char c)
{
    return c == '"' || c == '\\' || c == '$' || c == '`';
}

// The rest of a word from line[*r], unquoted into line[*w...]; the write
// position never passes the read position, since quoting only shrinks.
line_split_status read_word(char *line, size_t size, size_t *r, size_t *w)
{
    while (*r < size && !separates(line[*r])) {
        char c = line[(*r)++];
        if (c == '\0')
            return line_split_status::nul_byte;
        if (c == '\\') {
            if (*r == size)
                return line_split_status::backslash_at_end;
            c = line[(*r)++];
            if (c == '\0')
                return line_split_status::nul_byte;
            line[(*w)++] = c;
        } else if (c == '\'' || c == '"') {
            char quote = c;
            for (;;) {
                if (*r == size)
                    return quote == '\'' ? line_split_status::unterminated_single_quote
                                         : line_split_status::unterminated_double_quote;
                c = line[(*r)++];
                if (c == quote)
                    break;
                if (c == '\0')
                    return line_split_status::nul_byte;
                if (quote == '"' && c == '\\' && *r < size &&
                    escapable_in_double_quotes(line[*r]))
                    c = line[(*r)++];
                line[(*w)++] = c;
            }
        } else {
            line[(*w)++] = c;
        }
    }
    return line_split_status::ok;
}

} // namespace

line_split_status split_command_line(char *line, size_t size, char **words, size_t *count)
{
    size_t r = 0, w = 0, n = 0;
    *count = 0;
    for (;;) {
        while (r < size && separates(line[r]))
            r++;
        if (r == size || line[r] == '#')
            break;
        words[n++] = line + w;
        line_split_status status = read_word(line, size, &r, &w);
        if (status != line_split_status::ok)
            return status;
        // Past the separator (if any) before the terminator overwrites it.
        if (r < size)
            r++;
        line[w++] = '\0';
    }
    *count = n;
    return line_split_status::ok;
}

} // namespace tools
