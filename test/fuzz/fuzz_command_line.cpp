// libFuzzer target: the shell-like splitting of keyctl batch lines
// (tools/common/words.cpp).  Every word must lie within the line and be
// terminated there; words quoted again and joined split back to themselves;
// a line without quotes, backslashes, comments or NULs splits as plain white
// space splitting (next_word) does.
#include "words.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool space_or_tab(char c)
{
    return c == ' ' || c == '\t';
}

// The words of `line`, or false on a split error.
bool split(std::string line, std::vector<std::string> *out)
{
    std::vector<char *> words(tools::command_line_max_words(line.size()));
    size_t count = 0;
    char *begin = &line[0];
    char *end = begin + line.size();
    if (tools::split_command_line(begin, line.size(), words.data(), &count) !=
        tools::line_split_status::ok)
        return false;
    if (count > words.size())
        abort();
    out->clear();
    for (size_t i = 0; i < count; i++) {
        char *w = words[i];
        if (w < begin || w > end)
            abort();
        const void *nul = memchr(w, '\0', static_cast<size_t>(end - w) + 1);
        if (!nul)
            abort();
        out->push_back(w);
    }
    return true;
}

std::string quoted(const std::string &word)
{
    std::string q = "'";
    for (char c : word) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string line(reinterpret_cast<const char *>(data), size);
    std::vector<std::string> words;
    bool plain = line.find_first_of(std::string("'\"\\#\0", 5)) == std::string::npos;
    if (!split(line, &words)) {
        if (plain)
            abort();
        return 0;
    }

    std::string again;
    for (const std::string &w : words)
        again += (again.empty() ? "" : " ") + quoted(w);
    std::vector<std::string> back;
    if (!split(again, &back) || back != words)
        abort();

    if (plain) {
        std::vector<std::string> simple;
        size_t pos = 0;
        tools::word w;
        while (tools::next_word(line.data(), line.size(), &pos, &w, space_or_tab))
            simple.push_back(line.substr(w.start, w.size));
        if (simple != words)
            abort();
    }
    return 0;
}
