// libFuzzer target: KEYCTL_DESCRIBE strings through the kernel-format layer.
// Splitting then joining gives the input back; a strict parse formats to a
// string that parses to the same fields.
#include <keyutils/kernel_format.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace kf = keyutils::kernel_format;

static std::string str(kf::span s)
{
    return std::string(s.data, s.size);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *raw = reinterpret_cast<const char *>(data);
    size_t len = size && raw[size - 1] == '\0' ? size - 1 : size;

    kf::description_fields f{};
    if (kf::split_description(raw, size, &f)) {
        std::string joined(len + 1, '\0');
        if (kf::join_description(f, &joined[0], joined.size()) != len)
            abort();
        if (joined.compare(0, len, raw, len) != 0)
            abort();
        // The text is everything after the fourth ';'.
        size_t semis = 0, i = 0;
        for (; i < len && semis < 4; i++)
            semis += raw[i] == ';';
        if (f.text.data != raw + i)
            abort();
    }

    kf::description d{};
    if (kf::parse_description(raw, size, &d)) {
        char small[8];
        size_t need = kf::format_description(d, small, sizeof small);
        std::string out(need + 1, '\0');
        if (kf::format_description(d, &out[0], out.size()) != need)
            abort();
        // Counting the NUL, as keyctl_describe does: a text that itself ends
        // in NUL keeps it.
        kf::description again{};
        if (!kf::parse_description(out.data(), out.size(), &again))
            abort();
        if (str(again.type) != str(d.type) || again.uid != d.uid || again.gid != d.gid ||
            again.perm != d.perm || str(again.text) != str(d.text))
            abort();
    }
    return 0;
}
