// keyutils/description.hpp: a key's description as KEYCTL_DESCRIBE reports
// it, "type;uid;gid;perm;text", parsed.
#ifndef KEYUTILS_DESCRIPTION_HPP
#define KEYUTILS_DESCRIPTION_HPP

#include <keyutils/error.hpp>
#include <keyutils/kernel_format.hpp>
#include <keyutils/permissions.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace keyutils {

/// A key's description as the kernel reports it: "type;uid;gid;perm;text".
/// The text is everything after the fourth ';' and may contain ';' itself.
struct description {
    std::string type;
    uid_t uid = 0;
    gid_t gid = 0;
    permissions perm;
    std::string text;

    [[nodiscard]] bool is_keyring() const noexcept { return type == "keyring"; }

    /// Parses the raw form (a trailing NUL is allowed); nullopt when it is
    /// malformed.
    [[nodiscard]] static std::optional<description> try_parse(std::string_view raw)
    {
        kernel_format::description d{};
        if (!kernel_format::parse_description(raw.data(), raw.size(), &d))
            return std::nullopt;
        return description{std::string(d.type.data, d.type.size), static_cast<uid_t>(d.uid),
                           static_cast<gid_t>(d.gid), permissions(d.perm), std::string(d.text.data, d.text.size)};
    }
    /// As try_parse(); a malformed one is EBADMSG (an empty description
    /// returned).
    [[nodiscard]] static description parse(std::string_view raw, std::error_code& ec)
    {
        auto d = try_parse(raw);
        ec = d ? std::error_code() : make_error_code(EBADMSG, operation::parse_description);
        return d ? *std::move(d) : description();
    }
    [[nodiscard]] static description parse(std::string_view raw)
    {
        std::error_code ec;
        auto d = parse(raw, ec);
        detail::throw_if(ec);
        return d;
    }

    /// The raw form, as keyctl_describe() returns it (without the NUL).
    [[nodiscard]] std::string to_string() const
    {
        kernel_format::description d{{type.data(), type.size()}, uid, gid, perm.mask(), {text.data(), text.size()}};
        std::string out(kernel_format::format_description(d, nullptr, 0), '\0');
        kernel_format::format_description(d, out.data(), out.size() + 1);
        return out;
    }

    friend bool operator==(const description& a, const description& b)
    {
        return a.type == b.type && a.uid == b.uid && a.gid == b.gid && a.perm == b.perm && a.text == b.text;
    }
    friend bool operator!=(const description& a, const description& b) { return !(a == b); }

    /// Writes the raw form.
    friend std::ostream& operator<<(std::ostream& os, const description& d) { return os << d.to_string(); }
};

} // namespace keyutils

#endif // KEYUTILS_DESCRIPTION_HPP
