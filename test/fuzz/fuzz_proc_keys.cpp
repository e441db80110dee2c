// libFuzzer target: /proc/keys lines through the kernel-format layer.  A
// parsed line printed again in the kernel's format parses to the same
// columns (the type cut to 9 characters, as the kernel cuts it).
#include <keyutils/kernel_format.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace kf = keyutils::kernel_format;

static std::string str(kf::span s)
{
    return std::string(s.data, s.size);
}

static bool inside(kf::span s, const char *base, size_t size)
{
    return s.data >= base && s.data + s.size <= base + size;
}

// "%08x %s %5u %4s %08x %5u %5u %-9.9s %s\n", with spans that may hold NULs.
static std::string print_line(const kf::proc_key &k)
{
    char head[128];
    std::string type = str(k.type).substr(0, kf::proc_keys_type_width);
    snprintf(head, sizeof head, "%08x ", k.serial);
    std::string line = head + str(k.flags);
    snprintf(head, sizeof head, " %5u ", k.usage);
    line += head;
    line += std::string(k.expiry.size < 4 ? 4 - k.expiry.size : 0, ' ') + str(k.expiry);
    snprintf(head, sizeof head, " %08x %5u %5u ", k.perm, k.uid, k.gid);
    line += head;
    line += type + std::string(kf::proc_keys_type_width - type.size(), ' ') + " ";
    return line + str(k.text) + "\n";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = reinterpret_cast<const char *>(data);
    kf::proc_key k{};
    if (!kf::parse_proc_keys_line(line, size, &k))
        return 0;
    for (kf::span s : {k.flags, k.expiry, k.type, k.text})
        if (!inside(s, line, size))
            abort();
    if (k.type.size == 0 || k.flags.size == 0 || k.expiry.size == 0)
        abort();

    std::string again = print_line(k);
    kf::proc_key r{};
    if (!kf::parse_proc_keys_line(again.data(), again.size(), &r))
        abort();
    if (r.serial != k.serial || r.usage != k.usage || r.perm != k.perm || r.uid != k.uid ||
        r.gid != k.gid || str(r.flags) != str(k.flags) || str(r.expiry) != str(k.expiry) ||
        str(r.type) != str(k.type).substr(0, kf::proc_keys_type_width) ||
        str(r.text) != str(k.text))
        abort();

    // The hints never claim more than the line holds.
    std::string t = str(k.text);
    if (kf::proc_text_may_be(k.text, t.data(), t.size()) != true)
        abort();
    kf::proc_text_may_be(k.text, line, size);
    kf::proc_type_matches(k.type, line, size);
    return 0;
}
