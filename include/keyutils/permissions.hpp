// keyutils/permissions.hpp: the six rights a key grants, the four classes of
// accessor it grants them to, and the 32-bit mask holding them.
#ifndef KEYUTILS_PERMISSIONS_HPP
#define KEYUTILS_PERMISSIONS_HPP

#include <keyutils/error.hpp>
#include <keyutils/kernel_format.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace keyutils {

/// The six rights a key grants to one class of accessor.
enum class rights : std::uint8_t {
    none = 0,
    view = 0x01,
    read = 0x02,
    write = 0x04,
    search = 0x08,
    link = 0x10,
    setattr = 0x20,
    all = 0x3f,
};

[[nodiscard]] constexpr rights operator|(rights a, rights b) noexcept
{
    return static_cast<rights>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
[[nodiscard]] constexpr rights operator&(rights a, rights b) noexcept
{
    return static_cast<rights>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
[[nodiscard]] constexpr rights operator~(rights a) noexcept
{
    return static_cast<rights>(~static_cast<std::uint8_t>(a) & 0x3f);
}
constexpr rights& operator|=(rights& a, rights b) noexcept { return a = a | b; }
constexpr rights& operator&=(rights& a, rights b) noexcept { return a = a & b; }

/// True when `have` includes every right in `wanted`.
[[nodiscard]] constexpr bool includes(rights have, rights wanted) noexcept
{
    return (have & wanted) == wanted;
}

/// The six-letter form keyctl prints, e.g. "-l-wrv" for link|write|read|view.
[[nodiscard]] inline std::string to_string(rights r)
{
    std::string out(6, '-');
    kernel_format::format_rights(static_cast<unsigned>(r), out.data());
    return out;
}

inline std::ostream& operator<<(std::ostream& os, rights r) { return os << to_string(r); }

/// Parses the six-letter form, or the eight-character "--alswrv" form that
/// `keyctl show` prints (each place holds its letter or '-'); nullopt when
/// `text` is neither.
[[nodiscard]] inline std::optional<rights> try_parse_rights(std::string_view text) noexcept
{
    if (text.size() == 8) {
        if (text[0] != '-' || text[1] != '-')
            return std::nullopt;
        text.remove_prefix(2);
    }
    unsigned bits = 0;
    if (!kernel_format::parse_rights(text.data(), text.size(), &bits))
        return std::nullopt;
    return static_cast<rights>(bits);
}
/// As try_parse_rights(); malformed text is EINVAL (rights::none returned).
[[nodiscard]] inline rights parse_rights(std::string_view text, std::error_code& ec) noexcept
{
    auto r = try_parse_rights(text);
    ec = r ? std::error_code() : make_error_code(EINVAL, operation::parse_rights);
    return r.value_or(rights::none);
}
[[nodiscard]] inline rights parse_rights(std::string_view text)
{
    std::error_code ec;
    auto r = parse_rights(text, ec);
    detail::throw_if(ec);
    return r;
}

/// The classes of accessor a key grants rights to; each value is the
/// class's bit offset in the mask.
enum class accessor : std::uint8_t { possessor = 24, user = 16, group = 8, other = 0 };

/// A key's permission mask (key_perm_t) with typed access to each class.
class permissions {
public:
    class builder;

    constexpr permissions() noexcept = default;
    constexpr explicit permissions(key_perm_t mask) noexcept : mask_(mask) {}

    /// The raw mask, as keyctl_setperm() takes it.
    [[nodiscard]] constexpr key_perm_t mask() const noexcept { return mask_; }

    /// The rights granted to `who`.
    [[nodiscard]] constexpr rights of(accessor who) const noexcept
    {
        return static_cast<rights>(kernel_format::class_rights(mask_, static_cast<kernel_format::perm_class>(who)));
    }
    [[nodiscard]] constexpr rights possessor() const noexcept { return of(accessor::possessor); }
    [[nodiscard]] constexpr rights user() const noexcept { return of(accessor::user); }
    [[nodiscard]] constexpr rights group() const noexcept { return of(accessor::group); }
    [[nodiscard]] constexpr rights other() const noexcept { return of(accessor::other); }

    /// A copy with `who`'s rights replaced by `r`.
    [[nodiscard]] constexpr permissions with(accessor who, rights r) const noexcept
    {
        auto shift = static_cast<unsigned>(who);
        return permissions((mask_ & ~(key_perm_t{kernel_format::rights_mask} << shift))
                           | (key_perm_t{static_cast<std::uint8_t>(r)} << shift));
    }

    /// The 24-letter form `keyctl describe` prints: possessor, user, group
    /// and other, six places each, e.g. "alswrv-----v------------".
    [[nodiscard]] std::string to_string() const
    {
        return keyutils::to_string(possessor()) + keyutils::to_string(user()) + keyutils::to_string(group())
               + keyutils::to_string(other());
    }

    /// Parses the 24-letter form; nullopt when malformed.
    [[nodiscard]] static std::optional<permissions> try_parse(std::string_view text) noexcept
    {
        if (text.size() != 24)
            return std::nullopt;
        permissions p;
        const accessor order[] = {accessor::possessor, accessor::user, accessor::group, accessor::other};
        for (std::size_t i = 0; i < 4; ++i) {
            auto r = try_parse_rights(text.substr(i * 6, 6));
            if (!r)
                return std::nullopt;
            p = p.with(order[i], *r);
        }
        return p;
    }
    /// As try_parse(); malformed text is EINVAL (an empty mask returned).
    [[nodiscard]] static permissions parse(std::string_view text, std::error_code& ec) noexcept
    {
        return checked(try_parse(text), ec);
    }
    [[nodiscard]] static permissions parse(std::string_view text)
    {
        std::error_code ec;
        auto p = parse(text, ec);
        detail::throw_if(ec);
        return p;
    }

    /// The eight hex digits `keyctl rdescribe` prints, e.g. "3f010000".
    [[nodiscard]] std::string to_hex() const
    {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out(8, '0');
        for (std::size_t i = 0; i < 8; ++i)
            out[7 - i] = digits[(mask_ >> (4 * i)) & 0xfu];
        return out;
    }

    /// Parses one to eight hex digits, optionally prefixed with "0x";
    /// nullopt when malformed.
    [[nodiscard]] static std::optional<permissions> try_parse_hex(std::string_view text) noexcept
    {
        if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
            text.remove_prefix(2);
        std::uint32_t v = 0;
        if (!kernel_format::parse_hex({text.data(), text.size()}, &v))
            return std::nullopt;
        return permissions(v);
    }
    /// As try_parse_hex(); malformed text is EINVAL (an empty mask returned).
    [[nodiscard]] static permissions parse_hex(std::string_view text, std::error_code& ec) noexcept
    {
        return checked(try_parse_hex(text), ec);
    }
    [[nodiscard]] static permissions parse_hex(std::string_view text)
    {
        std::error_code ec;
        auto p = parse_hex(text, ec);
        detail::throw_if(ec);
        return p;
    }

    friend constexpr bool operator==(permissions a, permissions b) noexcept { return a.mask_ == b.mask_; }
    friend constexpr bool operator!=(permissions a, permissions b) noexcept { return a.mask_ != b.mask_; }

    /// Writes the 24-letter form.
    friend std::ostream& operator<<(std::ostream& os, permissions p) { return os << p.to_string(); }

private:
    static permissions checked(std::optional<permissions> p, std::error_code& ec) noexcept
    {
        ec = p ? std::error_code() : make_error_code(EINVAL, operation::parse_permissions);
        return p.value_or(permissions());
    }

    key_perm_t mask_ = 0;
};

/// Builds a permission mask one class at a time:
/// `permissions::builder().possessor(rights::all).user(rights::view).build()`.
class permissions::builder {
public:
    constexpr builder() noexcept = default;
    constexpr builder& possessor(rights r) noexcept { return set(accessor::possessor, r); }
    constexpr builder& user(rights r) noexcept { return set(accessor::user, r); }
    constexpr builder& group(rights r) noexcept { return set(accessor::group, r); }
    constexpr builder& other(rights r) noexcept { return set(accessor::other, r); }
    constexpr builder& set(accessor who, rights r) noexcept
    {
        p_ = p_.with(who, r);
        return *this;
    }
    [[nodiscard]] constexpr permissions build() const noexcept { return p_; }

private:
    permissions p_;
};

} // namespace keyutils

#endif // KEYUTILS_PERMISSIONS_HPP
