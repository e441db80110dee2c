// libFuzzer target: request-key.conf text through the parser, the lookup,
// the linter and macro expansion.  Nothing may crash, and a match never
// claims more characters than the value has.
#include "config.hpp"

#include <cstdint>
#include <cstdlib>

using namespace rkconf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string text(reinterpret_cast<const char *>(data), size);
    config_file f = parse("fuzz", text);
    lint(text);

    const char *const values[][column_count] = {
        {"create", "user", "debug:1234", "spoon"},
        {"negate", "dns_resolver", "", ""},
        {"create", "*", "**", "%k"},
    };
    std::vector<config_file> files{f};
    for (const auto &v : values) {
        query q;
        for (size_t i = 0; i < column_count; i++)
            q.values[i] = v[i];
        lookup_result r = lookup(files, q, [](int, const std::string &) {});
        if (r.best)
            for (size_t i = 0; i < column_count; i++)
                if (r.weight.w[i] > q.values[i].size())
                    abort();
    }

    macro_values mv;
    keysub_fn keysub = [](const std::string &, const std::string &, std::string &payload,
                          std::string &) {
        payload = "x";
        return true;
    };
    for (const rule &r : f.rules) {
        command_line c = split_command(r.command);
        for (const std::string &arg : c.args) {
            std::string out, error;
            expand_argument(arg, mv, keysub, out, error);
        }
        for (const std::string &p : r.patterns)
            if (std::optional<size_t> m = match(p, text.substr(0, 64)))
                if (*m > 64)
                    abort();
    }
    return 0;
}
