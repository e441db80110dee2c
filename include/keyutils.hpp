// keyutils.hpp: a header-only C++17 interface to the Linux key management
// facility, built solely on the public C API of <keyutils.h>, so it works
// with any libkeyutils.so.1.
//
// Conventions used throughout:
//  - Every fallible operation comes in two forms: one throws std::system_error,
//    the other takes a trailing std::error_code& and reports through it.
//  - Error codes carry the failing C function in their category, so
//    ec.message() reads e.g. "keyctl_search: ENOKEY (Required key not available)".
//    Compare them with keyutils::errc conditions or std::errc.
//  - Expected misses (a search or request finding nothing) are std::nullopt
//    from the try_* forms, not errors.
//  - Handles (key, keyring) are plain values that own nothing; ownership is
//    opt-in through basic_unique_key.

#ifndef KEYUTILS_HPP
#define KEYUTILS_HPP

#include <keyutils.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#define KEYUTILS_HPP_HAS_SPAN 1
#endif

namespace keyutils {

// ---------------------------------------------------------------------------
// Errors

/// The C function an error came from; it names the error category.
enum class operation : unsigned char {
    unspecified,
    add_key,
    request_key,
    get_keyring_id,
    join_session_keyring,
    update,
    revoke,
    chown,
    setperm,
    describe,
    clear,
    link,
    unlink,
    search,
    read,
    instantiate,
    instantiate_iov,
    negate,
    reject,
    set_reqkey_keyring,
    set_timeout,
    assume_authority,
    get_security,
    session_to_parent,
    invalidate,
    get_persistent,
    restrict_keyring,
    move,
    capabilities,
    watch_key,
    watch_queue,
    read_notifications,
    decode_notifications,
    count_
};

/// Portable conditions for the errors the key facility reports; compare an
/// std::error_code against these: `if (ec == keyutils::errc::no_key)`.
enum class errc {
    no_key = ENOKEY,
    key_expired = EKEYEXPIRED,
    key_revoked = EKEYREVOKED,
    key_rejected = EKEYREJECTED,
    quota_exceeded = EDQUOT,
    not_a_keyring = ENOTDIR,
    nesting_too_deep = ELOOP,
    /// EACCES (permission bits) or EPERM (privilege).
    access_denied = EACCES,
    /// The kernel lacks the feature: EOPNOTSUPP, ENOPKG or ENOSYS.
    unsupported = EOPNOTSUPP,
};

namespace detail {

inline const char* operation_name(operation op) noexcept
{
    static constexpr const char* names[] = {
        "keyutils",
        "add_key",
        "request_key",
        "keyctl_get_keyring_ID",
        "keyctl_join_session_keyring",
        "keyctl_update",
        "keyctl_revoke",
        "keyctl_chown",
        "keyctl_setperm",
        "keyctl_describe",
        "keyctl_clear",
        "keyctl_link",
        "keyctl_unlink",
        "keyctl_search",
        "keyctl_read",
        "keyctl_instantiate",
        "keyctl_instantiate_iov",
        "keyctl_negate",
        "keyctl_reject",
        "keyctl_set_reqkey_keyring",
        "keyctl_set_timeout",
        "keyctl_assume_authority",
        "keyctl_get_security",
        "keyctl_session_to_parent",
        "keyctl_invalidate",
        "keyctl_get_persistent",
        "keyctl_restrict_keyring",
        "keyctl_move",
        "keyctl_capabilities",
        "keyctl_watch_key",
        "watch queue setup",
        "reading notifications",
        "decoding notifications",
    };
    static_assert(std::size(names) == static_cast<std::size_t>(operation::count_));
    auto i = static_cast<std::size_t>(op);
    return i < std::size(names) ? names[i] : names[0];
}

inline const char* errno_name(int ev) noexcept
{
    switch (ev) {
    case ENOKEY: return "ENOKEY";
    case EKEYEXPIRED: return "EKEYEXPIRED";
    case EKEYREVOKED: return "EKEYREVOKED";
    case EKEYREJECTED: return "EKEYREJECTED";
    case EDQUOT: return "EDQUOT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EDEADLK: return "EDEADLK";
    case EAGAIN: return "EAGAIN";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EBADMSG: return "EBADMSG";
    case EMSGSIZE: return "EMSGSIZE";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENODEV: return "ENODEV";
    case ENOSYS: return "ENOSYS";
    case ENOPKG: return "ENOPKG";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case E2BIG: return "E2BIG";
    case ERANGE: return "ERANGE";
    default: return nullptr;
    }
}

inline bool is_unsupported_errno(int ev) noexcept
{
    return ev == EOPNOTSUPP || ev == ENOPKG || ev == ENOSYS;
}

class operation_category final : public std::error_category {
public:
    constexpr explicit operation_category(operation op) noexcept : op_(op) {}

    const char* name() const noexcept override { return "keyutils"; }

    std::string message(int ev) const override
    {
        std::string text = operation_name(op_);
        text += ": ";
        if (const char* sym = errno_name(ev)) {
            text += sym;
            text += " (";
            text += std::generic_category().message(ev);
            text += ')';
        } else {
            text += std::generic_category().message(ev);
        }
        if ((op_ == operation::watch_key || op_ == operation::watch_queue)
            && is_unsupported_errno(ev))
            text += "; this kernel does not provide key notifications";
        return text;
    }

    std::error_condition default_error_condition(int ev) const noexcept override
    {
        return {ev, std::generic_category()};
    }

    operation op() const noexcept { return op_; }

private:
    operation op_;
};

inline const operation_category& category_table(std::size_t i) noexcept
{
    static const operation_category table[] = {
#define KEYUTILS_HPP_CAT(n) operation_category(static_cast<operation>(n))
        KEYUTILS_HPP_CAT(0),  KEYUTILS_HPP_CAT(1),  KEYUTILS_HPP_CAT(2),  KEYUTILS_HPP_CAT(3),
        KEYUTILS_HPP_CAT(4),  KEYUTILS_HPP_CAT(5),  KEYUTILS_HPP_CAT(6),  KEYUTILS_HPP_CAT(7),
        KEYUTILS_HPP_CAT(8),  KEYUTILS_HPP_CAT(9),  KEYUTILS_HPP_CAT(10), KEYUTILS_HPP_CAT(11),
        KEYUTILS_HPP_CAT(12), KEYUTILS_HPP_CAT(13), KEYUTILS_HPP_CAT(14), KEYUTILS_HPP_CAT(15),
        KEYUTILS_HPP_CAT(16), KEYUTILS_HPP_CAT(17), KEYUTILS_HPP_CAT(18), KEYUTILS_HPP_CAT(19),
        KEYUTILS_HPP_CAT(20), KEYUTILS_HPP_CAT(21), KEYUTILS_HPP_CAT(22), KEYUTILS_HPP_CAT(23),
        KEYUTILS_HPP_CAT(24), KEYUTILS_HPP_CAT(25), KEYUTILS_HPP_CAT(26), KEYUTILS_HPP_CAT(27),
        KEYUTILS_HPP_CAT(28), KEYUTILS_HPP_CAT(29), KEYUTILS_HPP_CAT(30), KEYUTILS_HPP_CAT(31),
        KEYUTILS_HPP_CAT(32),
#undef KEYUTILS_HPP_CAT
    };
    static_assert(std::size(table) == static_cast<std::size_t>(operation::count_));
    return table[i < std::size(table) ? i : 0];
}

class condition_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "keyutils condition"; }

    std::string message(int cond) const override
    {
        switch (static_cast<errc>(cond)) {
        case errc::access_denied: return "access denied (EACCES or EPERM)";
        case errc::unsupported: return "not supported by this kernel";
        default: return std::generic_category().message(cond);
        }
    }

    bool equivalent(const std::error_code& code, int cond) const noexcept override
    {
        const auto& cat = code.category();
        bool errno_based = cat == std::generic_category() || cat == std::system_category()
                           || std::strcmp(cat.name(), "keyutils") == 0;
        if (!errno_based)
            return false;
        int v = code.value();
        switch (static_cast<errc>(cond)) {
        case errc::access_denied: return v == EACCES || v == EPERM;
        case errc::unsupported: return is_unsupported_errno(v);
        default: return v == cond;
        }
    }
};

} // namespace detail

/// The category of errors raised by `op`; message() names `op` and the errno.
inline const std::error_category& keyring_category(operation op = operation::unspecified) noexcept
{
    return detail::category_table(static_cast<std::size_t>(op));
}

/// The category of keyutils::errc conditions.
inline const std::error_category& condition_category() noexcept
{
    static const detail::condition_category instance;
    return instance;
}

inline std::error_condition make_error_condition(errc e) noexcept
{
    return {static_cast<int>(e), condition_category()};
}

/// An error code for errno value `ev` raised by `op`.
inline std::error_code make_error_code(int ev, operation op) noexcept
{
    return {ev, keyring_category(op)};
}

/// The operation recorded in `ec`, or operation::unspecified when `ec` did not
/// come from this header.
inline operation operation_of(const std::error_code& ec) noexcept
{
    for (std::size_t i = 0; i < static_cast<std::size_t>(operation::count_); ++i)
        if (ec.category() == detail::category_table(i))
            return static_cast<operation>(i);
    return operation::unspecified;
}

} // namespace keyutils

namespace std {
template <>
struct is_error_condition_enum<keyutils::errc> : true_type {};
} // namespace std

namespace keyutils {

namespace detail {

// Records the outcome of a C call returning -1/errno; true when it failed.
inline bool failed(long rc, operation op, std::error_code& ec) noexcept
{
    if (rc < 0) {
        ec.assign(errno, keyring_category(op));
        return true;
    }
    ec.clear();
    return false;
}

inline void throw_if(const std::error_code& ec)
{
    if (ec)
        throw std::system_error(ec);
}

// Timeouts are unsigned seconds in the C API; negative means none.
inline unsigned clamp_seconds(std::chrono::seconds s) noexcept
{
    auto n = s.count();
    if (n <= 0)
        return 0;
    return n > 0xffffffffLL ? 0xffffffffu : static_cast<unsigned>(n);
}

} // namespace detail

// ---------------------------------------------------------------------------
// Strings and bytes passed to the C API

/// A borrowed NUL-terminated string (a `const char*` or std::string); lets
/// calls pass names to the C API without copying. A default one is null.
class zstring {
public:
    constexpr zstring() noexcept = default;
    constexpr zstring(const char* s) noexcept : p_(s) {}
    zstring(const std::string& s) noexcept : p_(s.c_str()) {}
    constexpr const char* c_str() const noexcept { return p_; }
    constexpr bool is_null() const noexcept { return p_ == nullptr; }

private:
    const char* p_ = nullptr;
};

/// A borrowed run of bytes: anything contiguous with byte-sized elements
/// (std::string, std::string_view, std::vector<std::byte>, std::array,
/// std::span, keyutils::secret, ...). A `const char*` counts up to its NUL.
class bytes_view {
public:
    constexpr bytes_view() noexcept = default;
    constexpr bytes_view(const void* data, std::size_t size) noexcept : data_(data), size_(size) {}
    bytes_view(const char* s) noexcept : data_(s), size_(s ? std::strlen(s) : 0) {}

    template <class C,
              class = std::enable_if_t<
                  !std::is_array_v<std::remove_reference_t<C>>
                  && !std::is_same_v<std::decay_t<C>, bytes_view>
                  && sizeof(*std::data(std::declval<const C&>())) == 1
                  && std::is_convertible_v<decltype(std::size(std::declval<const C&>())), std::size_t>>>
    constexpr bytes_view(const C& c) noexcept : data_(std::data(c)), size_(std::size(c))
    {}

    constexpr const void* data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    std::string_view as_chars() const noexcept
    {
        return {static_cast<const char*>(data_), size_};
    }

private:
    const void* data_ = nullptr;
    std::size_t size_ = 0;
};

/// A byte buffer for payloads read back from the kernel.
using byte_buffer = std::vector<std::byte>;

namespace detail {

inline void wipe(void* p, std::size_t n) noexcept
{
#if defined(__GLIBC__)
    ::explicit_bzero(p, n);
#else
    auto* v = static_cast<volatile unsigned char*>(p);
    while (n--)
        *v++ = 0;
#endif
}

} // namespace detail

/// A move-only byte buffer that is zeroed before its memory is released; for
/// passwords, tokens and other key material.
class secret {
public:
    secret() noexcept = default;
    explicit secret(std::size_t size) : data_(size ? new std::byte[size]() : nullptr), size_(size) {}
    explicit secret(bytes_view bytes) : secret(bytes.size())
    {
        if (size_)
            std::memcpy(data_, bytes.data(), size_);
    }
    secret(const secret&) = delete;
    secret& operator=(const secret&) = delete;
    secret(secret&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0))
    {}
    secret& operator=(secret&& other) noexcept
    {
        if (this != &other) {
            release_memory();
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    ~secret() { release_memory(); }

    std::byte* data() noexcept { return data_; }
    const std::byte* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::string_view as_chars() const noexcept
    {
        return {reinterpret_cast<const char*>(data_), size_};
    }
    /// Zeroes the contents, keeping the size.
    void wipe() noexcept
    {
        if (data_)
            detail::wipe(data_, size_);
    }
    /// Shrinks the visible size (the tail is wiped); never grows.
    void truncate(std::size_t size) noexcept
    {
        if (size < size_) {
            detail::wipe(data_ + size, size_ - size);
            size_ = size;
        }
    }

private:
    void release_memory() noexcept
    {
        wipe();
        delete[] data_;
        data_ = nullptr;
        size_ = 0;
    }

    std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

// ---------------------------------------------------------------------------
// Permissions

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

constexpr rights operator|(rights a, rights b) noexcept
{
    return static_cast<rights>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr rights operator&(rights a, rights b) noexcept
{
    return static_cast<rights>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
constexpr rights operator~(rights a) noexcept
{
    return static_cast<rights>(~static_cast<std::uint8_t>(a) & 0x3f);
}
constexpr rights& operator|=(rights& a, rights b) noexcept { return a = a | b; }
constexpr rights& operator&=(rights& a, rights b) noexcept { return a = a & b; }

/// True when `have` includes every right in `wanted`.
constexpr bool includes(rights have, rights wanted) noexcept
{
    return (have & wanted) == wanted;
}

namespace detail {
// Letters in the order keyctl prints them, most significant bit first.
inline constexpr char rights_letters[] = "alswrv";
} // namespace detail

/// The six-letter form keyctl prints, e.g. "-l-wrv" for link|write|read|view.
inline std::string to_string(rights r)
{
    std::string out(6, '-');
    for (int i = 0; i < 6; ++i)
        if (static_cast<std::uint8_t>(r) & (0x20 >> i))
            out[i] = detail::rights_letters[i];
    return out;
}

/// Parses the six-letter form, or the eight-character "--alswrv" form that
/// `keyctl show` prints. Each place holds its letter or '-'.
inline std::optional<rights> parse_rights(std::string_view text) noexcept
{
    if (text.size() == 8) {
        if (text[0] != '-' || text[1] != '-')
            return std::nullopt;
        text.remove_prefix(2);
    }
    if (text.size() != 6)
        return std::nullopt;
    std::uint8_t bits = 0;
    for (int i = 0; i < 6; ++i) {
        if (text[i] == detail::rights_letters[i])
            bits |= 0x20 >> i;
        else if (text[i] != '-')
            return std::nullopt;
    }
    return static_cast<rights>(bits);
}

/// The classes of accessor a key grants rights to.
enum class accessor : std::uint8_t { possessor = 24, user = 16, group = 8, other = 0 };

/// A key's permission mask (key_perm_t) with typed access to each class.
class permissions {
public:
    class builder;

    constexpr permissions() noexcept = default;
    constexpr explicit permissions(key_perm_t mask) noexcept : mask_(mask) {}

    constexpr key_perm_t mask() const noexcept { return mask_; }

    constexpr rights of(accessor who) const noexcept
    {
        return static_cast<rights>((mask_ >> static_cast<unsigned>(who)) & 0x3f);
    }
    constexpr rights possessor() const noexcept { return of(accessor::possessor); }
    constexpr rights user() const noexcept { return of(accessor::user); }
    constexpr rights group() const noexcept { return of(accessor::group); }
    constexpr rights other() const noexcept { return of(accessor::other); }

    /// A copy with `who`'s rights replaced by `r`.
    constexpr permissions with(accessor who, rights r) const noexcept
    {
        auto shift = static_cast<unsigned>(who);
        return permissions((mask_ & ~(key_perm_t{0x3f} << shift))
                           | (key_perm_t{static_cast<std::uint8_t>(r)} << shift));
    }

    /// The 24-letter form `keyctl describe` prints: possessor, user, group
    /// and other, six places each, e.g. "alswrv-----v------------".
    std::string to_string() const
    {
        return keyutils::to_string(possessor()) + keyutils::to_string(user())
               + keyutils::to_string(group()) + keyutils::to_string(other());
    }

    /// Parses the 24-letter form.
    static std::optional<permissions> parse(std::string_view text) noexcept
    {
        if (text.size() != 24)
            return std::nullopt;
        permissions p;
        const accessor order[] = {accessor::possessor, accessor::user, accessor::group,
                                  accessor::other};
        for (int i = 0; i < 4; ++i) {
            auto r = parse_rights(text.substr(i * 6, 6));
            if (!r)
                return std::nullopt;
            p = p.with(order[i], *r);
        }
        return p;
    }

    /// The eight hex digits `keyctl rdescribe` prints, e.g. "3f010000".
    std::string to_hex() const
    {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out(8, '0');
        for (int i = 0; i < 8; ++i)
            out[7 - i] = digits[(mask_ >> (4 * i)) & 0xf];
        return out;
    }

    /// Parses one to eight hex digits, optionally prefixed with "0x".
    static std::optional<permissions> parse_hex(std::string_view text) noexcept
    {
        if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
            text.remove_prefix(2);
        if (text.empty() || text.size() > 8)
            return std::nullopt;
        key_perm_t v = 0;
        for (char c : text) {
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return std::nullopt;
            v = (v << 4) | static_cast<key_perm_t>(d);
        }
        return permissions(v);
    }

    friend constexpr bool operator==(permissions a, permissions b) noexcept
    {
        return a.mask_ == b.mask_;
    }
    friend constexpr bool operator!=(permissions a, permissions b) noexcept
    {
        return a.mask_ != b.mask_;
    }

private:
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
    constexpr permissions build() const noexcept { return p_; }

private:
    permissions p_;
};

// ---------------------------------------------------------------------------
// Descriptions

/// A key's description as the kernel reports it: "type;uid;gid;perm;text".
/// The text is everything after the fourth ';' and may contain ';' itself.
struct description {
    std::string type;
    uid_t uid = 0;
    gid_t gid = 0;
    permissions perm;
    std::string text;

    bool is_keyring() const noexcept { return type == "keyring"; }

    /// Parses the raw form; nullopt when it is malformed.
    static std::optional<description> parse(std::string_view raw)
    {
        if (!raw.empty() && raw.back() == '\0')
            raw.remove_suffix(1);
        std::string_view fields[4];
        for (auto& field : fields) {
            auto semi = raw.find(';');
            if (semi == std::string_view::npos)
                return std::nullopt;
            field = raw.substr(0, semi);
            raw.remove_prefix(semi + 1);
        }
        auto number = [](std::string_view s) -> std::optional<std::uint32_t> {
            if (s.empty() || s.size() > 10)
                return std::nullopt;
            std::uint64_t v = 0;
            for (char c : s) {
                if (c < '0' || c > '9')
                    return std::nullopt;
                v = v * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (v > 0xffffffffu)
                return std::nullopt;
            return static_cast<std::uint32_t>(v);
        };
        auto uid = number(fields[1]);
        auto gid = number(fields[2]);
        auto perm = fields[3].size() == 8 ? permissions::parse_hex(fields[3]) : std::nullopt;
        if (fields[0].empty() || !uid || !gid || !perm)
            return std::nullopt;
        return description{std::string(fields[0]), static_cast<uid_t>(*uid),
                           static_cast<gid_t>(*gid), *perm, std::string(raw)};
    }

    /// The raw form, as keyctl_describe() returns it (without the NUL).
    std::string to_string() const
    {
        return type + ';' + std::to_string(uid) + ';' + std::to_string(gid) + ';'
               + perm.to_hex() + ';' + text;
    }
};

// ---------------------------------------------------------------------------
// Keys

class keyring;
struct access_report;

/// A non-owning handle to a key: its serial number, or one of the special
/// identifiers (which the kernel resolves at each call).
class key {
public:
    constexpr key() noexcept = default;
    constexpr explicit key(key_serial_t id) noexcept : id_(id) {}

    /// The authorisation key of the request this thread has assumed
    /// authority over (KEY_SPEC_REQKEY_AUTH_KEY); reading it yields the
    /// callout information.
    static constexpr key request_key_auth() noexcept { return key(KEY_SPEC_REQKEY_AUTH_KEY); }

    constexpr key_serial_t id() const noexcept { return id_; }
    /// False for the null handle (serial 0), which failed calls return.
    constexpr bool valid() const noexcept { return id_ != 0; }
    /// True for the special identifiers (thread keyring, session keyring, ...).
    constexpr bool is_special() const noexcept { return id_ < 0; }

    /// The serial number this handle stands for now; for special identifiers
    /// this is where the symbolic meaning is given up. `create` makes the
    /// special keyring exist if it does not yet.
    key resolve(bool create = false) const
    {
        std::error_code ec;
        auto k = resolve(create, ec);
        detail::throw_if(ec);
        return k;
    }
    key resolve(bool create, std::error_code& ec) const noexcept
    {
        long r = keyctl_get_keyring_ID(id_, create ? 1 : 0);
        return detail::failed(r, operation::get_keyring_id, ec) ? key() : key(static_cast<key_serial_t>(r));
    }

    /// The raw "type;uid;gid;perm;text" description.
    std::string describe_raw() const
    {
        std::error_code ec;
        auto s = describe_raw(ec);
        detail::throw_if(ec);
        return s;
    }
    std::string describe_raw(std::error_code& ec) const
    {
        return fetch_string(keyctl_describe, 128, operation::describe, ec);
    }

    /// The parsed description.
    description describe() const
    {
        std::error_code ec;
        auto d = describe(ec);
        detail::throw_if(ec);
        return *std::move(d);
    }
    std::optional<description> describe(std::error_code& ec) const
    {
        auto raw = describe_raw(ec);
        if (ec)
            return std::nullopt;
        auto d = description::parse(raw);
        if (!d)
            ec = make_error_code(EBADMSG, operation::describe);
        return d;
    }

    /// Copies the payload into `buf` (up to `len` bytes) and returns the
    /// payload's full size, which may exceed `len`.
    std::size_t read_into(void* buf, std::size_t len) const
    {
        std::error_code ec;
        auto n = read_into(buf, len, ec);
        detail::throw_if(ec);
        return n;
    }
    std::size_t read_into(void* buf, std::size_t len, std::error_code& ec) const noexcept
    {
        long r = keyctl_read(id_, static_cast<char*>(buf), len);
        return detail::failed(r, operation::read, ec) ? 0 : static_cast<std::size_t>(r);
    }

    /// The payload as bytes. For a keyring: its members' serials.
    byte_buffer read() const
    {
        std::error_code ec;
        auto b = read(ec);
        detail::throw_if(ec);
        return b;
    }
    byte_buffer read(std::error_code& ec) const { return read_as<byte_buffer>(ec); }

    /// The payload as a std::string (which may contain NULs).
    std::string read_string() const
    {
        std::error_code ec;
        auto s = read_string(ec);
        detail::throw_if(ec);
        return s;
    }
    std::string read_string(std::error_code& ec) const { return read_as<std::string>(ec); }

    /// The payload in a buffer that is wiped when it is destroyed; no other
    /// copy of the payload is left behind in memory this call allocated.
    secret read_secret() const
    {
        std::error_code ec;
        auto s = read_secret(ec);
        detail::throw_if(ec);
        return s;
    }
    secret read_secret(std::error_code& ec) const
    {
        std::size_t want = read_into(nullptr, 0, ec);
        for (;;) {
            if (ec)
                return {};
            secret s(want);
            auto n = read_into(s.data(), s.size(), ec);
            if (!ec && n <= s.size()) {
                s.truncate(n);
                return s;
            }
            want = n;
        }
    }

    /// Replaces the payload.
    void update(bytes_view payload) const { detail::throw_if(update(payload, ec_sink())); }
    std::error_code update(bytes_view payload, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_update(id_, payload.data(), payload.size()), operation::update, ec);
        return ec;
    }

    /// Revokes the key: it stays until garbage-collected, but every further
    /// access fails with EKEYREVOKED.
    void revoke() const { detail::throw_if(revoke(ec_sink())); }
    std::error_code revoke(std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_revoke(id_), operation::revoke, ec);
        return ec;
    }

    /// Invalidates the key: it disappears from every keyring at once.
    void invalidate() const { detail::throw_if(invalidate(ec_sink())); }
    std::error_code invalidate(std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_invalidate(id_), operation::invalidate, ec);
        return ec;
    }

    /// Expires the key `timeout` from now; zero removes the expiry.
    void set_timeout(std::chrono::seconds timeout) const
    {
        detail::throw_if(set_timeout(timeout, ec_sink()));
    }
    std::error_code set_timeout(std::chrono::seconds timeout, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_set_timeout(id_, detail::clamp_seconds(timeout)), operation::set_timeout, ec);
        return ec;
    }

    void setperm(permissions perm) const { detail::throw_if(setperm(perm, ec_sink())); }
    std::error_code setperm(permissions perm, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_setperm(id_, perm.mask()), operation::setperm, ec);
        return ec;
    }

    /// Changes the owner and/or group; nullopt leaves that one as it is.
    /// Changing the owner needs CAP_SYS_ADMIN.
    void chown(std::optional<uid_t> uid, std::optional<gid_t> gid) const
    {
        detail::throw_if(chown(uid, gid, ec_sink()));
    }
    std::error_code chown(std::optional<uid_t> uid, std::optional<gid_t> gid,
                          std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_chown(id_, uid ? *uid : static_cast<uid_t>(-1),
                                    gid ? *gid : static_cast<gid_t>(-1)),
                       operation::chown, ec);
        return ec;
    }

    /// The LSM security label; empty when no LSM labels keys.
    std::string security() const
    {
        std::error_code ec;
        auto s = security(ec);
        detail::throw_if(ec);
        return s;
    }
    std::string security(std::error_code& ec) const
    {
        return fetch_string(keyctl_get_security, 64, operation::get_security, ec);
    }

    /// Links this key into `ring`.
    void link_into(const keyring& ring) const;
    std::error_code link_into(const keyring& ring, std::error_code& ec) const noexcept;
    /// Removes this key's link from `ring`.
    void unlink_from(const keyring& ring) const;
    std::error_code unlink_from(const keyring& ring, std::error_code& ec) const noexcept;
    /// Moves the link from `from` to `to`; with `exclusive`, fails with
    /// EEXIST instead of displacing a matching key in `to`.
    void move(const keyring& from, const keyring& to, bool exclusive = false) const;
    std::error_code move(const keyring& from, const keyring& to, bool exclusive,
                         std::error_code& ec) const noexcept;

    /// Which permission classes apply to the calling process for this key
    /// and what they grant; see access_report.
    access_report access() const;
    std::optional<access_report> access(std::error_code& ec) const;

    friend constexpr bool operator==(key a, key b) noexcept { return a.id_ == b.id_; }
    friend constexpr bool operator!=(key a, key b) noexcept { return a.id_ != b.id_; }
    friend constexpr bool operator<(key a, key b) noexcept { return a.id_ < b.id_; }

protected:
    // A scratch error code for the throwing forms that forward to the
    // std::error_code& forms.
    struct ec_sink {
        std::error_code ec;
        operator std::error_code&() && noexcept { return ec; }
    };

    template <class Buffer>
    Buffer read_as(std::error_code& ec) const
    {
        Buffer buf(64, typename Buffer::value_type{});
        for (;;) {
            auto n = read_into(buf.data(), buf.size(), ec);
            if (ec)
                return {};
            if (n <= buf.size()) {
                buf.resize(n);
                return buf;
            }
            buf.resize(n);
        }
    }

private:
    // KEYCTL_DESCRIBE and KEYCTL_GET_SECURITY answer the size they need, with
    // the NUL, whatever the buffer: retry with that size until it fits.
    std::string fetch_string(long (*get)(key_serial_t, char*, std::size_t), std::size_t first,
                             operation op, std::error_code& ec) const
    {
        std::string buf(first, '\0');
        for (;;) {
            long r = get(id_, buf.data(), buf.size());
            if (detail::failed(r, op, ec))
                return {};
            auto n = static_cast<std::size_t>(r);
            if (n <= buf.size()) {
                buf.resize(n > 0 ? n - 1 : 0);
                return buf;
            }
            buf.assign(n, '\0');
        }
    }

    key_serial_t id_ = 0;
};

// ---------------------------------------------------------------------------
// Keyrings

class keyring_walk;

/// Which keyring request_key() links new keys into when the caller names
/// none (KEY_REQKEY_DEFL_*).
enum class default_keyring : int {
    no_change = KEY_REQKEY_DEFL_NO_CHANGE,
    default_ = KEY_REQKEY_DEFL_DEFAULT,
    thread = KEY_REQKEY_DEFL_THREAD_KEYRING,
    process = KEY_REQKEY_DEFL_PROCESS_KEYRING,
    session = KEY_REQKEY_DEFL_SESSION_KEYRING,
    user = KEY_REQKEY_DEFL_USER_KEYRING,
    user_session = KEY_REQKEY_DEFL_USER_SESSION_KEYRING,
    group = KEY_REQKEY_DEFL_GROUP_KEYRING,
};

/// A handle to a keyring. The special keyrings below keep their symbolic
/// identifier (and so follow the caller's current thread/process/session)
/// until resolve() turns them into a fixed serial.
class keyring : public key {
public:
    constexpr keyring() noexcept = default;
    constexpr explicit keyring(key_serial_t id) noexcept : key(id) {}
    /// Treats `k` as a keyring without checking; operations on a key that
    /// is not a keyring fail with ENOTDIR.
    constexpr explicit keyring(key k) noexcept : key(k) {}

    static constexpr keyring thread() noexcept { return keyring(KEY_SPEC_THREAD_KEYRING); }
    static constexpr keyring process() noexcept { return keyring(KEY_SPEC_PROCESS_KEYRING); }
    static constexpr keyring session() noexcept { return keyring(KEY_SPEC_SESSION_KEYRING); }
    static constexpr keyring user() noexcept { return keyring(KEY_SPEC_USER_KEYRING); }
    static constexpr keyring user_session() noexcept
    {
        return keyring(KEY_SPEC_USER_SESSION_KEYRING);
    }
    static constexpr keyring group() noexcept { return keyring(KEY_SPEC_GROUP_KEYRING); }

    keyring resolve(bool create = false) const { return keyring(key::resolve(create)); }
    keyring resolve(bool create, std::error_code& ec) const noexcept
    {
        return keyring(key::resolve(create, ec));
    }

    /// Creates a key in this keyring, or updates the payload of the one of
    /// the same type and description that is already there (for types that
    /// can be updated; others replace the old link).
    key add(zstring type, zstring desc, bytes_view payload) const
    {
        std::error_code ec;
        auto k = add(type, desc, payload, ec);
        detail::throw_if(ec);
        return k;
    }
    key add(zstring type, zstring desc, bytes_view payload, std::error_code& ec) const noexcept
    {
        key_serial_t r = ::add_key(type.c_str(), desc.c_str(), payload.data(), payload.size(), id());
        return detail::failed(r, operation::add_key, ec) ? key() : key(r);
    }

    /// Creates a keyring named `desc` in this keyring; a keyring of the same
    /// name already there is unlinked in favour of the new one.
    keyring add_keyring(zstring desc) const { return keyring(add("keyring", desc, bytes_view())); }
    keyring add_keyring(zstring desc, std::error_code& ec) const noexcept
    {
        return keyring(add("keyring", desc, bytes_view(), ec));
    }

    /// Searches this keyring and the keyrings nested in it for a key the
    /// caller may search; links the result into `dest` unless `dest` is null.
    /// A miss throws (ENOKEY); try_search() reports it as nullopt.
    key search(zstring type, zstring desc, const keyring& dest = keyring()) const
    {
        std::error_code ec;
        auto k = search(type, desc, dest, ec);
        detail::throw_if(ec);
        return k;
    }
    key search(zstring type, zstring desc, const keyring& dest, std::error_code& ec) const noexcept;
    std::optional<key> try_search(zstring type, zstring desc, const keyring& dest = keyring()) const
    {
        std::error_code ec;
        auto k = try_search(type, desc, dest, ec);
        detail::throw_if(ec);
        return k;
    }
    std::optional<key> try_search(zstring type, zstring desc, const keyring& dest,
                                  std::error_code& ec) const noexcept
    {
        auto k = search(type, desc, dest, ec);
        if (ec == errc::no_key)
            ec.clear();
        return k.valid() ? std::optional<key>(k) : std::nullopt;
    }

    /// request_key() with this keyring as the destination: finds the key in
    /// the caller's keyrings or, given callout information, has
    /// /sbin/request-key construct it.
    key request(zstring type, zstring desc, zstring callout = zstring()) const;
    key request(zstring type, zstring desc, zstring callout, std::error_code& ec) const noexcept;
    std::optional<key> try_request(zstring type, zstring desc, zstring callout = zstring()) const;
    std::optional<key> try_request(zstring type, zstring desc, zstring callout,
                                   std::error_code& ec) const noexcept;

    /// Unlinks every key from this keyring.
    void clear() const { detail::throw_if(clear(ec_sink())); }
    std::error_code clear(std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_clear(id()), operation::clear, ec);
        return ec;
    }

    /// Links `k` into this keyring.
    void link(key k) const { k.link_into(*this); }
    std::error_code link(key k, std::error_code& ec) const noexcept { return k.link_into(*this, ec); }
    /// Unlinks `k` from this keyring.
    void unlink(key k) const { k.unlink_from(*this); }
    std::error_code unlink(key k, std::error_code& ec) const noexcept
    {
        return k.unlink_from(*this, ec);
    }

    /// Forbids linking any further key into this keyring.
    void restrict_links() const { detail::throw_if(restrict_links(ec_sink())); }
    std::error_code restrict_links(std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_restrict_keyring(id(), nullptr, nullptr), operation::restrict_keyring, ec);
        return ec;
    }
    /// Lets only keys that `type`'s `restriction` accepts be linked in.
    void restrict_links(zstring type, zstring restriction) const
    {
        detail::throw_if(restrict_links(type, restriction, ec_sink()));
    }
    std::error_code restrict_links(zstring type, zstring restriction, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_restrict_keyring(id(), type.c_str(), restriction.c_str()),
                       operation::restrict_keyring, ec);
        return ec;
    }

    /// The keys linked directly into this keyring, in the kernel's order.
    std::vector<key> members() const
    {
        std::error_code ec;
        auto m = members(ec);
        detail::throw_if(ec);
        return m;
    }
    std::vector<key> members(std::error_code& ec) const
    {
        std::vector<key_serial_t> ids(16);
        for (;;) {
            auto bytes = read_into(ids.data(), ids.size() * sizeof(key_serial_t), ec);
            if (ec)
                return {};
            auto n = bytes / sizeof(key_serial_t);
            if (n <= ids.size()) {
                std::vector<key> out;
                out.reserve(n);
                for (std::size_t i = 0; i < n; ++i)
                    out.emplace_back(ids[i]);
                return out;
            }
            ids.resize(n);
        }
    }

    /// A depth-first walk over the keys below this keyring; see keyring_walk.
    keyring_walk walk(unsigned max_depth = 6) const;
    keyring_walk walk(unsigned max_depth, std::error_code& ec) const;

    /// Joins a new anonymous session keyring, or (with a name) the named
    /// session keyring, creating it if needed.
    static keyring join_session(zstring name = zstring())
    {
        std::error_code ec;
        auto k = join_session(name, ec);
        detail::throw_if(ec);
        return k;
    }
    static keyring join_session(zstring name, std::error_code& ec) noexcept
    {
        key_serial_t r = keyctl_join_session_keyring(name.c_str());
        return detail::failed(r, operation::join_session_keyring, ec) ? keyring() : keyring(r);
    }

    /// `uid`'s persistent keyring, linked into `dest`. Another user's needs
    /// CAP_SETUID.
    static keyring persistent(uid_t uid, const keyring& dest)
    {
        std::error_code ec;
        auto k = persistent(uid, dest, ec);
        detail::throw_if(ec);
        return k;
    }
    static keyring persistent(uid_t uid, const keyring& dest, std::error_code& ec) noexcept
    {
        long r = keyctl_get_persistent(uid, dest.id());
        return detail::failed(r, operation::get_persistent, ec) ? keyring()
                                                                : keyring(static_cast<key_serial_t>(r));
    }
};

inline void key::link_into(const keyring& ring) const { detail::throw_if(link_into(ring, ec_sink())); }
inline std::error_code key::link_into(const keyring& ring, std::error_code& ec) const noexcept
{
    detail::failed(keyctl_link(id_, ring.id()), operation::link, ec);
    return ec;
}
inline void key::unlink_from(const keyring& ring) const
{
    detail::throw_if(unlink_from(ring, ec_sink()));
}
inline std::error_code key::unlink_from(const keyring& ring, std::error_code& ec) const noexcept
{
    detail::failed(keyctl_unlink(id_, ring.id()), operation::unlink, ec);
    return ec;
}
inline void key::move(const keyring& from, const keyring& to, bool exclusive) const
{
    detail::throw_if(move(from, to, exclusive, ec_sink()));
}
inline std::error_code key::move(const keyring& from, const keyring& to, bool exclusive,
                                 std::error_code& ec) const noexcept
{
    detail::failed(keyctl_move(id_, from.id(), to.id(), exclusive ? KEYCTL_MOVE_EXCL : 0u),
                   operation::move, ec);
    return ec;
}

inline key keyring::search(zstring type, zstring desc, const keyring& dest,
                           std::error_code& ec) const noexcept
{
    long r = keyctl_search(id(), type.c_str(), desc.c_str(), dest.id());
    return detail::failed(r, operation::search, ec) ? key() : key(static_cast<key_serial_t>(r));
}

/// Finds or has constructed a key of `type` and `desc` (request_key(2)),
/// linking it into `dest` (null: the default request-key keyring). Without
/// callout information nothing is constructed. A miss throws (ENOKEY).
inline key request_key(zstring type, zstring desc, zstring callout, const keyring& dest,
                       std::error_code& ec) noexcept
{
    key_serial_t r = ::request_key(type.c_str(), desc.c_str(), callout.c_str(), dest.id());
    return detail::failed(r, operation::request_key, ec) ? key() : key(r);
}
inline key request_key(zstring type, zstring desc, zstring callout = zstring(),
                       const keyring& dest = keyring())
{
    std::error_code ec;
    auto k = request_key(type, desc, callout, dest, ec);
    detail::throw_if(ec);
    return k;
}
/// As request_key(), with a miss (ENOKEY, also for negative keys) as nullopt.
inline std::optional<key> try_request_key(zstring type, zstring desc, zstring callout,
                                          const keyring& dest, std::error_code& ec) noexcept
{
    auto k = request_key(type, desc, callout, dest, ec);
    if (ec == errc::no_key)
        ec.clear();
    return k.valid() ? std::optional<key>(k) : std::nullopt;
}
inline std::optional<key> try_request_key(zstring type, zstring desc, zstring callout = zstring(),
                                          const keyring& dest = keyring())
{
    std::error_code ec;
    auto k = try_request_key(type, desc, callout, dest, ec);
    detail::throw_if(ec);
    return k;
}

inline key keyring::request(zstring type, zstring desc, zstring callout) const
{
    return request_key(type, desc, callout, *this);
}
inline key keyring::request(zstring type, zstring desc, zstring callout,
                            std::error_code& ec) const noexcept
{
    return request_key(type, desc, callout, *this, ec);
}
inline std::optional<key> keyring::try_request(zstring type, zstring desc, zstring callout) const
{
    return try_request_key(type, desc, callout, *this);
}
inline std::optional<key> keyring::try_request(zstring type, zstring desc, zstring callout,
                                               std::error_code& ec) const noexcept
{
    return try_request_key(type, desc, callout, *this, ec);
}

/// Sets the keyring request_key() uses when given no destination; returns
/// the previous setting.
inline default_keyring set_default_request_keyring(default_keyring which, std::error_code& ec) noexcept
{
    long r = keyctl_set_reqkey_keyring(static_cast<int>(which));
    return detail::failed(r, operation::set_reqkey_keyring, ec) ? default_keyring::no_change
                                                                : static_cast<default_keyring>(r);
}
inline default_keyring set_default_request_keyring(default_keyring which)
{
    std::error_code ec;
    auto old = set_default_request_keyring(which, ec);
    detail::throw_if(ec);
    return old;
}

/// Replaces the parent process's session keyring with the caller's.
inline void session_to_parent(std::error_code& ec) noexcept
{
    detail::failed(keyctl_session_to_parent(), operation::session_to_parent, ec);
}
inline void session_to_parent()
{
    std::error_code ec;
    session_to_parent(ec);
    detail::throw_if(ec);
}

// ---------------------------------------------------------------------------
// Recursive walk

/// One key met during a keyring walk.
struct walk_entry {
    key item;
    /// The keyring `item` was found in.
    keyring parent;
    /// 1 for the members of the walked keyring, 2 for theirs, ...
    unsigned depth = 0;
    /// Empty when the key could not be described (error says why, e.g.
    /// EACCES without view permission or EKEYREVOKED).
    std::optional<description> desc;
    std::error_code error;

    bool is_keyring() const noexcept { return desc && desc->is_keyring(); }
};

/// A single-pass range over the keys below a keyring, depth first, each key
/// reported before the keys nested in it.
///  - Cycle-safe: each keyring's members are listed at most once, however
///    many links lead to it (the keyring itself is reported at every link).
///  - Depth-limited: keys deeper than max_depth are not visited (the kernel
///    itself refuses to nest keyrings more than six deep).
///  - Tolerant: keys that vanish during the walk are skipped, and keyrings
///    that cannot be read are reported but not entered.
class keyring_walk {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = walk_entry;
        using difference_type = std::ptrdiff_t;
        using pointer = const walk_entry*;
        using reference = const walk_entry&;

        iterator() noexcept = default;
        reference operator*() const noexcept { return walk_->current_; }
        pointer operator->() const noexcept { return &walk_->current_; }
        iterator& operator++()
        {
            if (!walk_->advance())
                walk_ = nullptr;
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& a, const iterator& b) noexcept
        {
            return a.walk_ == b.walk_;
        }
        friend bool operator!=(const iterator& a, const iterator& b) noexcept
        {
            return a.walk_ != b.walk_;
        }

    private:
        friend class keyring_walk;
        explicit iterator(keyring_walk* w) noexcept : walk_(w) {}
        keyring_walk* walk_ = nullptr;
    };

    keyring_walk() = default;
    keyring_walk(keyring_walk&&) = default;
    keyring_walk& operator=(keyring_walk&&) = default;
    keyring_walk(const keyring_walk&) = delete;
    keyring_walk& operator=(const keyring_walk&) = delete;

    /// Starts at the first key; a walk can be iterated once.
    iterator begin()
    {
        if (!started_) {
            started_ = true;
            if (!advance())
                return end();
            return iterator(this);
        }
        return stack_.empty() && !has_current_ ? end() : iterator(this);
    }
    iterator end() noexcept { return iterator(); }

    unsigned max_depth() const noexcept { return max_depth_; }

    /// The kernel's own limit on keyring nesting.
    static constexpr unsigned default_depth = 6;

private:
    friend class keyring;

    struct frame {
        keyring ring;
        std::vector<key> members;
        std::size_t next = 0;
        unsigned depth = 1;
    };

    keyring_walk(keyring root, unsigned max_depth, std::error_code& ec) : max_depth_(max_depth)
    {
        auto resolved = root.resolve(false, ec);
        if (ec)
            return;
        auto members = root.members(ec);
        if (ec)
            return;
        seen_.insert(resolved.id());
        if (max_depth_ > 0)
            stack_.push_back(frame{root, std::move(members), 0, 1});
    }

    bool advance()
    {
        has_current_ = false;
        while (!stack_.empty()) {
            frame& top = stack_.back();
            if (top.next == top.members.size()) {
                stack_.pop_back();
                continue;
            }
            walk_entry entry;
            entry.item = top.members[top.next++];
            entry.parent = top.ring;
            entry.depth = top.depth;
            entry.desc = entry.item.describe(entry.error);
            if (entry.error == errc::no_key)
                continue; // unlinked and gone since the keyring was listed
            if (entry.is_keyring() && entry.depth < max_depth_
                && seen_.insert(entry.item.id()).second) {
                std::error_code read_error;
                auto members = keyring(entry.item).members(read_error);
                if (!read_error)
                    stack_.push_back(frame{keyring(entry.item), std::move(members), 0, entry.depth + 1});
            }
            current_ = std::move(entry);
            has_current_ = true;
            return true;
        }
        return false;
    }

    std::vector<frame> stack_;
    std::unordered_set<key_serial_t> seen_;
    walk_entry current_;
    unsigned max_depth_ = 0;
    bool started_ = false;
    bool has_current_ = false;
};

inline keyring_walk keyring::walk(unsigned max_depth, std::error_code& ec) const
{
    return keyring_walk(*this, max_depth, ec);
}
inline keyring_walk keyring::walk(unsigned max_depth) const
{
    std::error_code ec;
    keyring_walk w(*this, max_depth, ec);
    detail::throw_if(ec);
    return w;
}

// ---------------------------------------------------------------------------
// Ownership

/// What a basic_unique_key does with its key when it lets go of it.
enum class disposal : std::uint8_t {
    /// Remove the link from the keyring given at construction.
    unlink,
    /// keyctl_invalidate(): the key disappears everywhere.
    invalidate,
    /// keyctl_revoke(): the key stays until collected but is unusable.
    revoke,
};

/// A move-only owner of a key (or keyring) that disposes of it, by the
/// policy chosen at construction, when it is destroyed or reset. Errors
/// while disposing are ignored by the destructor; call dispose() to see them.
template <class Handle>
class basic_unique_key {
    static_assert(std::is_base_of_v<key, Handle>);

public:
    basic_unique_key() noexcept = default;
    /// Owns `h` with the invalidate or revoke policy.
    basic_unique_key(Handle h, disposal policy) noexcept : handle_(h), policy_(policy) {}
    /// Owns `h` with the unlink policy: disposing unlinks it from `ring`.
    basic_unique_key(Handle h, keyring ring) noexcept : handle_(h), ring_(ring), policy_(disposal::unlink)
    {}

    basic_unique_key(const basic_unique_key&) = delete;
    basic_unique_key& operator=(const basic_unique_key&) = delete;
    basic_unique_key(basic_unique_key&& other) noexcept
        : handle_(other.release()), ring_(other.ring_), policy_(other.policy_)
    {}
    basic_unique_key& operator=(basic_unique_key&& other) noexcept
    {
        if (this != &other) {
            std::error_code ignored;
            dispose(ignored);
            policy_ = other.policy_;
            ring_ = other.ring_;
            handle_ = other.release();
        }
        return *this;
    }
    ~basic_unique_key()
    {
        std::error_code ignored;
        dispose(ignored);
    }

    const Handle& get() const noexcept { return handle_; }
    const Handle& operator*() const noexcept { return handle_; }
    const Handle* operator->() const noexcept { return &handle_; }
    bool owns() const noexcept { return handle_.valid(); }
    disposal policy() const noexcept { return policy_; }
    /// The keyring the unlink policy removes the key from.
    keyring unlink_ring() const noexcept { return ring_; }

    /// Gives up ownership without disposing; the key is left as it is.
    Handle release() noexcept { return std::exchange(handle_, Handle()); }

    /// Disposes of the key now (if owned) and owns nothing afterwards.
    void dispose()
    {
        std::error_code ec;
        dispose(ec);
        detail::throw_if(ec);
    }
    void dispose(std::error_code& ec) noexcept
    {
        ec.clear();
        Handle h = release();
        if (!h.valid())
            return;
        switch (policy_) {
        case disposal::unlink: h.unlink_from(ring_, ec); break;
        case disposal::invalidate: h.invalidate(ec); break;
        case disposal::revoke: h.revoke(ec); break;
        }
    }

private:
    Handle handle_;
    keyring ring_;
    disposal policy_ = disposal::unlink;
};

using unique_key = basic_unique_key<key>;
using unique_keyring = basic_unique_key<keyring>;

// ---------------------------------------------------------------------------
// Instantiation (for request-key handlers)

/// Instantiates the key under construction `target` with `payload`, linking
/// it into `dest` (null: nowhere extra). Needs authority over `target`.
inline void instantiate(key target, bytes_view payload, const keyring& dest, std::error_code& ec) noexcept
{
    detail::failed(keyctl_instantiate(target.id(), payload.data(), payload.size(), dest.id()),
                   operation::instantiate, ec);
}
inline void instantiate(key target, bytes_view payload, const keyring& dest = keyring())
{
    std::error_code ec;
    instantiate(target, payload, dest, ec);
    detail::throw_if(ec);
}

/// Instantiates from several buffers, concatenated by the kernel.
inline void instantiate(key target, const bytes_view* parts, std::size_t count, const keyring& dest,
                        std::error_code& ec)
{
    std::vector<iovec> iov(count);
    for (std::size_t i = 0; i < count; ++i)
        iov[i] = iovec{const_cast<void*>(parts[i].data()), parts[i].size()};
    detail::failed(keyctl_instantiate_iov(target.id(), iov.data(), static_cast<unsigned>(count), dest.id()),
                   operation::instantiate_iov, ec);
}
inline void instantiate(key target, std::initializer_list<bytes_view> parts, const keyring& dest,
                        std::error_code& ec)
{
    instantiate(target, parts.begin(), parts.size(), dest, ec);
}
inline void instantiate(key target, std::initializer_list<bytes_view> parts,
                        const keyring& dest = keyring())
{
    std::error_code ec;
    instantiate(target, parts.begin(), parts.size(), dest, ec);
    detail::throw_if(ec);
}
inline void instantiate(key target, const std::vector<bytes_view>& parts, const keyring& dest,
                        std::error_code& ec)
{
    instantiate(target, parts.data(), parts.size(), dest, ec);
}
inline void instantiate(key target, const std::vector<bytes_view>& parts, const keyring& dest = keyring())
{
    std::error_code ec;
    instantiate(target, parts.data(), parts.size(), dest, ec);
    detail::throw_if(ec);
}

/// Makes `target` a negative key: requests for it fail with `error` (an
/// errno value such as EKEYREJECTED) until `timeout` passes.
inline void reject(key target, std::chrono::seconds timeout, int error, const keyring& dest,
                   std::error_code& ec) noexcept
{
    detail::failed(keyctl_reject(target.id(), detail::clamp_seconds(timeout), static_cast<unsigned>(error),
                                 dest.id()),
                   operation::reject, ec);
}
inline void reject(key target, std::chrono::seconds timeout, int error, const keyring& dest = keyring())
{
    std::error_code ec;
    reject(target, timeout, error, dest, ec);
    detail::throw_if(ec);
}

/// Makes `target` a negative key: requests for it fail with ENOKEY until
/// `timeout` passes.
inline void negate(key target, std::chrono::seconds timeout, const keyring& dest,
                   std::error_code& ec) noexcept
{
    detail::failed(keyctl_negate(target.id(), detail::clamp_seconds(timeout), dest.id()),
                   operation::negate, ec);
}
inline void negate(key target, std::chrono::seconds timeout, const keyring& dest = keyring())
{
    std::error_code ec;
    negate(target, timeout, dest, ec);
    detail::throw_if(ec);
}

/// Holds the authority to instantiate one key under construction: assumes
/// it on construction and gives it up (keyctl_assume_authority(0)) on
/// destruction. Authority belongs to the calling thread, so a guard can be
/// neither copied nor moved.
class authority_guard {
public:
    explicit authority_guard(key target) : target_(target)
    {
        std::error_code ec;
        assume(ec);
        detail::throw_if(ec);
    }
    /// On failure `ec` is set and the guard holds nothing.
    authority_guard(key target, std::error_code& ec) noexcept : target_(target) { assume(ec); }
    authority_guard(const authority_guard&) = delete;
    authority_guard& operator=(const authority_guard&) = delete;
    authority_guard(authority_guard&&) = delete;
    authority_guard& operator=(authority_guard&&) = delete;
    ~authority_guard()
    {
        if (held_)
            keyctl_assume_authority(0);
    }

    bool held() const noexcept { return held_; }
    key target() const noexcept { return target_; }

    /// The callout information passed to request_key(), read from the
    /// authorisation key.
    std::string callout_info() const { return key::request_key_auth().read_string(); }
    std::string callout_info(std::error_code& ec) const { return key::request_key_auth().read_string(ec); }

    void instantiate(bytes_view payload, const keyring& dest = keyring()) const
    {
        keyutils::instantiate(target_, payload, dest);
    }
    void instantiate(bytes_view payload, const keyring& dest, std::error_code& ec) const noexcept
    {
        keyutils::instantiate(target_, payload, dest, ec);
    }
    void instantiate(std::initializer_list<bytes_view> parts, const keyring& dest = keyring()) const
    {
        keyutils::instantiate(target_, parts, dest);
    }
    void instantiate(std::initializer_list<bytes_view> parts, const keyring& dest, std::error_code& ec) const
    {
        keyutils::instantiate(target_, parts, dest, ec);
    }
    void reject(std::chrono::seconds timeout, int error, const keyring& dest = keyring()) const
    {
        keyutils::reject(target_, timeout, error, dest);
    }
    void reject(std::chrono::seconds timeout, int error, const keyring& dest,
                std::error_code& ec) const noexcept
    {
        keyutils::reject(target_, timeout, error, dest, ec);
    }
    void negate(std::chrono::seconds timeout, const keyring& dest = keyring()) const
    {
        keyutils::negate(target_, timeout, dest);
    }
    void negate(std::chrono::seconds timeout, const keyring& dest, std::error_code& ec) const noexcept
    {
        keyutils::negate(target_, timeout, dest, ec);
    }

private:
    void assume(std::error_code& ec) noexcept
    {
        held_ = !detail::failed(keyctl_assume_authority(target_.id()), operation::assume_authority, ec);
    }

    key target_;
    bool held_ = false;
};

// ---------------------------------------------------------------------------
// Capabilities

/// What the kernel's key facility supports (KEYCTL_CAPABILITIES; libkeyutils
/// emulates the query on kernels that predate it).
struct kernel_capabilities {
    bool capabilities_query = false; ///< the kernel answers KEYCTL_CAPABILITIES itself
    bool persistent_keyrings = false;
    bool diffie_hellman = false;
    bool public_key = false;
    bool big_key = false;
    bool invalidate = false;
    bool restrict_keyring = false;
    bool move = false;
    bool namespaced_keyring_names = false;
    bool namespaced_key_tags = false;
    bool notifications = false;
    std::array<unsigned char, 2> raw{};

    static constexpr kernel_capabilities from_bytes(unsigned char caps0, unsigned char caps1) noexcept
    {
        kernel_capabilities c;
        c.raw = {caps0, caps1};
        c.capabilities_query = caps0 & 0x01;
        c.persistent_keyrings = caps0 & 0x02;
        c.diffie_hellman = caps0 & 0x04;
        c.public_key = caps0 & 0x08;
        c.big_key = caps0 & 0x10;
        c.invalidate = caps0 & 0x20;
        c.restrict_keyring = caps0 & 0x40;
        c.move = caps0 & 0x80;
        c.namespaced_keyring_names = caps1 & 0x01;
        c.namespaced_key_tags = caps1 & 0x02;
        c.notifications = caps1 & 0x04;
        return c;
    }
};

inline kernel_capabilities capabilities(std::error_code& ec) noexcept
{
    unsigned char buf[2] = {0, 0};
    if (detail::failed(keyctl_capabilities(buf, sizeof buf), operation::capabilities, ec))
        return {};
    return kernel_capabilities::from_bytes(buf[0], buf[1]);
}
inline kernel_capabilities capabilities()
{
    std::error_code ec;
    auto c = capabilities(ec);
    detail::throw_if(ec);
    return c;
}

// ---------------------------------------------------------------------------
// Notifications

/// What happened to a watched key (the kernel's key_notification subtypes).
enum class key_change : std::uint8_t {
    instantiated = 0,
    updated = 1,
    linked = 2,
    unlinked = 3,
    cleared = 4,
    revoked = 5,
    invalidated = 6,
    attributes_changed = 7,
};

/// A change to a watched key or keyring.
struct key_event {
    key_change change = key_change::updated;
    std::uint8_t watch_id = 0;
    /// The key the event is about.
    key subject;
    /// For linked/unlinked: the key added to or removed from the keyring;
    /// for instantiated: the error (0 or a negative errno) as the kernel gave it.
    std::uint32_t aux = 0;

    key other() const noexcept { return key(static_cast<key_serial_t>(aux)); }
};

/// The watched object went away, ending the watch.
struct watch_removed {
    std::uint8_t watch_id = 0;
    /// The removed object's identifier, when the kernel supplies one.
    std::optional<std::uint64_t> object_id;
};

/// The queue overflowed and notifications were dropped.
struct notifications_lost {
    std::uint8_t watch_id = 0;
};

/// A record of a type this header does not know.
struct unknown_notification {
    std::uint32_t type = 0;
    std::uint8_t subtype = 0;
    std::uint8_t watch_id = 0;
    byte_buffer record;
};

using notification = std::variant<key_event, watch_removed, notifications_lost, unknown_notification>;

namespace detail {

// Layout of the kernel's records (linux/watch_queue.h), restated here because
// that header clashes with <fcntl.h>: a 32-bit word holding type (24 bits)
// and subtype (8 bits) as bit-fields, then a 32-bit info word whose low 7 bits
// are the record length in bytes and whose next 8 bits are the watch id.
inline constexpr unsigned watch_type_meta = 0;
inline constexpr unsigned watch_type_key_notify = 1;
inline constexpr unsigned watch_meta_removal = 0;
inline constexpr unsigned watch_meta_loss = 1;
inline constexpr std::size_t watch_header_size = 8;
inline constexpr int notification_pipe_flag = O_EXCL; // O_NOTIFICATION_PIPE
inline constexpr unsigned long watch_queue_set_size = _IO('W', 0x60);

inline std::uint32_t load32(const unsigned char* p) noexcept
{
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

} // namespace detail

/// Decodes the records in `data` (bytes read from a notification pipe).
/// Stops with EBADMSG at a malformed record, returning what came before it.
inline std::vector<notification> decode_notifications(bytes_view data, std::error_code& ec)
{
    ec.clear();
    std::vector<notification> out;
    auto* p = static_cast<const unsigned char*>(data.data());
    std::size_t left = data.size();
    while (left > 0) {
        if (left < detail::watch_header_size) {
            ec = make_error_code(EBADMSG, operation::decode_notifications);
            break;
        }
        std::uint32_t word = detail::load32(p);
        std::uint32_t info = detail::load32(p + 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        std::uint32_t type = word & 0xffffff;
        auto subtype = static_cast<std::uint8_t>(word >> 24);
#else
        std::uint32_t type = word >> 8;
        auto subtype = static_cast<std::uint8_t>(word & 0xff);
#endif
        std::size_t len = info & 0x7f;
        auto watch_id = static_cast<std::uint8_t>((info >> 8) & 0xff);
        if (len < detail::watch_header_size || len > left) {
            ec = make_error_code(EBADMSG, operation::decode_notifications);
            break;
        }
        if (type == detail::watch_type_key_notify && len >= 16) {
            key_event e;
            e.change = static_cast<key_change>(subtype);
            e.watch_id = watch_id;
            e.subject = key(static_cast<key_serial_t>(detail::load32(p + 8)));
            e.aux = detail::load32(p + 12);
            out.emplace_back(e);
        } else if (type == detail::watch_type_meta && subtype == detail::watch_meta_removal) {
            watch_removed e;
            e.watch_id = watch_id;
            if (len >= 16) {
                std::uint64_t id;
                std::memcpy(&id, p + 8, sizeof id);
                e.object_id = id;
            }
            out.emplace_back(e);
        } else if (type == detail::watch_type_meta && subtype == detail::watch_meta_loss) {
            out.emplace_back(notifications_lost{watch_id});
        } else {
            unknown_notification e;
            e.type = type;
            e.subtype = subtype;
            e.watch_id = watch_id;
            e.record.assign(reinterpret_cast<const std::byte*>(p), reinterpret_cast<const std::byte*>(p + len));
            out.emplace_back(std::move(e));
        }
        p += len;
        left -= len;
    }
    return out;
}
inline std::vector<notification> decode_notifications(bytes_view data)
{
    std::error_code ec;
    auto v = decode_notifications(data, ec);
    detail::throw_if(ec);
    return v;
}

/// A notification queue (a pipe opened with O_NOTIFICATION_PIPE) that keys
/// can be watched through. Its fd() becomes readable when events arrive;
/// read() drains and decodes them. On kernels built without notifications,
/// construction fails with an error equal to errc::unsupported.
class watcher {
public:
    /// Opens a queue of `pages` pages (the kernel caps this).
    explicit watcher(unsigned pages = 1)
    {
        std::error_code ec;
        open(pages, ec);
        detail::throw_if(ec);
    }
    watcher(unsigned pages, std::error_code& ec) noexcept { open(pages, ec); }
    watcher(const watcher&) = delete;
    watcher& operator=(const watcher&) = delete;
    watcher(watcher&& other) noexcept
        : read_fd_(std::exchange(other.read_fd_, -1)), write_fd_(std::exchange(other.write_fd_, -1))
    {}
    watcher& operator=(watcher&& other) noexcept
    {
        if (this != &other) {
            close_fds();
            read_fd_ = std::exchange(other.read_fd_, -1);
            write_fd_ = std::exchange(other.write_fd_, -1);
        }
        return *this;
    }
    ~watcher() { close_fds(); }

    /// The descriptor to poll for POLLIN; -1 when opening failed.
    int fd() const noexcept { return read_fd_; }
    bool is_open() const noexcept { return read_fd_ >= 0; }

    /// Starts watching `k`; its events carry `watch_id`.
    void watch(key k, std::uint8_t watch_id)
    {
        std::error_code ec;
        watch(k, watch_id, ec);
        detail::throw_if(ec);
    }
    void watch(key k, std::uint8_t watch_id, std::error_code& ec) noexcept
    {
        detail::failed(keyctl_watch_key(k.id(), read_fd_, watch_id), operation::watch_key, ec);
    }
    /// Stops watching `k`.
    void unwatch(key k)
    {
        std::error_code ec;
        unwatch(k, ec);
        detail::throw_if(ec);
    }
    void unwatch(key k, std::error_code& ec) noexcept
    {
        detail::failed(keyctl_watch_key(k.id(), read_fd_, -1), operation::watch_key, ec);
    }

    /// Reads and decodes every event queued now; empty when there is none.
    std::vector<notification> read()
    {
        std::error_code ec;
        auto v = read(ec);
        detail::throw_if(ec);
        return v;
    }
    std::vector<notification> read(std::error_code& ec)
    {
        std::vector<notification> out;
        ec.clear();
        unsigned char buf[4096];
        for (;;) {
            ssize_t n = ::read(read_fd_, buf, sizeof buf);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno != EAGAIN)
                    ec.assign(errno, keyring_category(operation::read_notifications));
                return out;
            }
            if (n == 0)
                return out;
            auto batch = decode_notifications(bytes_view(buf, static_cast<std::size_t>(n)), ec);
            std::move(batch.begin(), batch.end(), std::back_inserter(out));
            if (ec)
                return out;
        }
    }

private:
    void open(unsigned pages, std::error_code& ec) noexcept
    {
        int fds[2];
        if (::pipe2(fds, detail::notification_pipe_flag | O_CLOEXEC | O_NONBLOCK) < 0) {
            ec.assign(errno, keyring_category(operation::watch_queue));
            return;
        }
        read_fd_ = fds[0];
        write_fd_ = fds[1];
        if (::ioctl(read_fd_, detail::watch_queue_set_size, pages) < 0) {
            ec.assign(errno, keyring_category(operation::watch_queue));
            close_fds();
            return;
        }
        ec.clear();
    }
    void close_fds() noexcept
    {
        if (read_fd_ >= 0)
            ::close(read_fd_);
        if (write_fd_ >= 0)
            ::close(write_fd_);
        read_fd_ = write_fd_ = -1;
    }

    int read_fd_ = -1;
    int write_fd_ = -1;
};

// ---------------------------------------------------------------------------
// Access explanation

/// Which of a key's permission classes apply to the calling process, and
/// the rights they add up to, following the kernel's rule: the user class
/// if the caller's uid owns the key, else the group class if the caller is
/// in the key's group (and the group class grants anything), else the other
/// class; plus the possessor class when the caller possesses the key.
struct access_report {
    description desc;
    /// The caller reaches the key through its thread, process or session
    /// keyring by way of keyrings that grant search, and the key grants
    /// search itself (found by walking them; keys reachable only through
    /// keyrings the caller cannot read are not seen).
    bool possessed = false;
    /// The class among user/group/other that applies.
    accessor base = accessor::other;
    /// The rights granted in total.
    rights granted = rights::none;

    bool allows(rights wanted) const noexcept { return includes(granted, wanted); }
    /// The kernel also lets a possessed key be read without the read right.
    bool readable() const noexcept { return possessed || allows(rights::read); }

    /// A sentence or two saying which rights apply and why, and which of
    /// `wanted` are missing.
    std::string explain(rights wanted = rights::none) const
    {
        std::string s;
        switch (base) {
        case accessor::user:
            s = "user rights apply (the key's owner uid " + std::to_string(desc.uid) + " is yours)";
            break;
        case accessor::group:
            s = "group rights apply (you are in the key's group " + std::to_string(desc.gid) + ")";
            break;
        default:
            s = "other rights apply (you neither own the key, uid " + std::to_string(desc.uid)
                + ", nor are in a group it grants rights to, gid " + std::to_string(desc.gid) + ")";
            break;
        }
        s += ": " + to_string(desc.perm.of(base));
        if (possessed)
            s += "; possessor rights add " + to_string(desc.perm.possessor()) + " (you possess the key)";
        else
            s += "; possessor rights " + to_string(desc.perm.possessor())
                 + " do not apply (the key is not in your thread, process or session keyrings)";
        s += "; granted " + to_string(granted);
        if (possessed && !allows(rights::read))
            s += "; the payload is still readable because you possess the key";
        if (wanted != rights::none) {
            rights missing = wanted & ~granted;
            if (missing == rights::none)
                s += "; everything wanted (" + to_string(wanted) + ") is granted";
            else
                s += "; missing " + to_string(missing);
        }
        return s;
    }
};

namespace detail {

inline bool caller_in_group(gid_t gid)
{
    if (gid == ::getegid())
        return true;
    int n = ::getgroups(0, nullptr);
    if (n <= 0)
        return false;
    std::vector<gid_t> groups(static_cast<std::size_t>(n));
    n = ::getgroups(n, groups.data());
    return n > 0 && std::find(groups.begin(), groups.begin() + n, gid) != groups.begin() + n;
}

// The class among user/group/other the kernel applies to the caller.
inline accessor base_class(const description& d)
{
    if (d.uid == ::geteuid())
        return accessor::user;
    if (d.perm.group() != rights::none && caller_in_group(d.gid))
        return accessor::group;
    return accessor::other;
}

// Rights on a key reached through a possessed keyring.
inline rights possessed_rights(const description& d)
{
    return d.perm.possessor() | d.perm.of(base_class(d));
}

// The kernel counts a key as possessed when a search from the caller's
// thread, process and session keyrings (the user-session keyring when there
// is no session) reaches it through keyrings granting search, and the key
// itself grants search. This repeats that search from user space; keyrings
// it cannot read are not looked into.
inline bool caller_possesses(key k)
{
    std::error_code ec;
    auto target = k.resolve(false, ec);
    if (ec)
        return false;
    std::vector<keyring> roots{keyring::thread(), keyring::process()};
    keyring::session().resolve(false, ec);
    roots.push_back(ec ? keyring::user_session() : keyring::session());

    std::unordered_set<key_serial_t> seen;
    struct pending {
        keyring ring;
        unsigned depth;
    };
    std::vector<pending> stack;
    for (keyring root : roots) {
        auto resolved = root.resolve(false, ec);
        if (ec || !seen.insert(resolved.id()).second)
            continue;
        auto d = resolved.describe(ec);
        if (!d || !includes(possessed_rights(*d), rights::search))
            continue;
        if (resolved == target)
            return true;
        stack.push_back({resolved, 1});
    }
    while (!stack.empty()) {
        auto [ring, depth] = stack.back();
        stack.pop_back();
        auto members = ring.members(ec);
        if (ec)
            continue;
        for (key m : members) {
            auto d = m.describe(ec);
            if (!d || !includes(possessed_rights(*d), rights::search))
                continue;
            if (m == target)
                return true;
            if (d->is_keyring() && depth < keyring_walk::default_depth && seen.insert(m.id()).second)
                stack.push_back({keyring(m), depth + 1});
        }
    }
    return false;
}

} // namespace detail

inline std::optional<access_report> key::access(std::error_code& ec) const
{
    auto d = describe(ec);
    if (!d)
        return std::nullopt;
    access_report r;
    r.desc = *std::move(d);
    const auto& p = r.desc.perm;
    r.base = detail::base_class(r.desc);
    r.possessed = detail::caller_possesses(*this);
    r.granted = p.of(r.base) | (r.possessed ? p.possessor() : rights::none);
    return r;
}
inline access_report key::access() const
{
    std::error_code ec;
    auto r = access(ec);
    detail::throw_if(ec);
    return *std::move(r);
}

} // namespace keyutils

namespace std {
template <>
struct hash<keyutils::key> {
    std::size_t operator()(keyutils::key k) const noexcept { return std::hash<key_serial_t>()(k.id()); }
};
template <>
struct hash<keyutils::keyring> {
    std::size_t operator()(keyutils::keyring k) const noexcept
    {
        return std::hash<key_serial_t>()(k.id());
    }
};
} // namespace std

#endif // KEYUTILS_HPP
