// keyutils/error.hpp: the errors of the C++ API. Each error code carries, in
// its category, the C function that failed; keyutils::errc names the
// conditions worth comparing against.
#ifndef KEYUTILS_ERROR_HPP
#define KEYUTILS_ERROR_HPP

#include <keyutils/c_api.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace keyutils {

/// The C function (or C++ step) an error came from; it names the error
/// category.
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
    parse_rights,
    parse_permissions,
    parse_description,
    count_
};

/// Portable conditions for the errors the key facility reports. An
/// std::error_code compares equal to one whatever operation raised it
/// (`if (ec == keyutils::errc::no_key)`), and one converts to an
/// std::error_code (`return keyutils::errc::no_key;`) or std::error_condition.
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

} // namespace keyutils

namespace std {
template <>
struct is_error_code_enum<keyutils::errc> : true_type {};
template <>
struct is_error_condition_enum<keyutils::errc> : true_type {};
} // namespace std

namespace keyutils {

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
        "parse_rights",
        "permissions::parse",
        "description::parse",
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
        if ((op_ == operation::watch_key || op_ == operation::watch_queue) && is_unsupported_errno(ev))
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

template <std::size_t... I>
inline const operation_category& category_at(std::size_t i, std::index_sequence<I...>) noexcept
{
    static const operation_category table[] = {operation_category(static_cast<operation>(I))...};
    return table[i < sizeof...(I) ? i : 0];
}

inline const operation_category& category_table(std::size_t i) noexcept
{
    return category_at(i, std::make_index_sequence<static_cast<std::size_t>(operation::count_)>());
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
[[nodiscard]] inline const std::error_category& keyring_category(operation op = operation::unspecified) noexcept
{
    return detail::category_table(static_cast<std::size_t>(op));
}

/// The category of keyutils::errc conditions.
[[nodiscard]] inline const std::error_category& condition_category() noexcept
{
    static const detail::condition_category instance;
    return instance;
}

[[nodiscard]] inline std::error_condition make_error_condition(errc e) noexcept
{
    return {static_cast<int>(e), condition_category()};
}

/// An error code for errno value `ev` raised by `op`.
[[nodiscard]] inline std::error_code make_error_code(int ev, operation op) noexcept
{
    return {ev, keyring_category(op)};
}

/// An error code for `e`, raised by no particular operation.
[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), keyring_category(operation::unspecified)};
}

/// The operation recorded in `ec`, or operation::unspecified when `ec` did not
/// come from this header.
[[nodiscard]] inline operation operation_of(const std::error_code& ec) noexcept
{
    for (std::size_t i = 0; i < static_cast<std::size_t>(operation::count_); ++i)
        if (ec.category() == detail::category_table(i))
            return static_cast<operation>(i);
    return operation::unspecified;
}

// errc converts to both std::error_code and std::error_condition, which would
// make `ec == errc::x` ambiguous; these exact matches decide it for the
// condition, which compares equal whatever operation raised `ec`.
[[nodiscard]] inline bool operator==(const std::error_code& ec, errc e) noexcept
{
    return ec == make_error_condition(e);
}
[[nodiscard]] inline bool operator==(errc e, const std::error_code& ec) noexcept { return ec == e; }
[[nodiscard]] inline bool operator!=(const std::error_code& ec, errc e) noexcept { return !(ec == e); }
[[nodiscard]] inline bool operator!=(errc e, const std::error_code& ec) noexcept { return !(ec == e); }

/// Writes the C function's name, e.g. "keyctl_search".
inline std::ostream& operator<<(std::ostream& os, operation op) { return os << detail::operation_name(op); }

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

// How an error names a key: its serial, or the special keyring it stands for.
inline std::string key_label(key_serial_t id)
{
    switch (id) {
    case KEY_SPEC_THREAD_KEYRING: return "thread keyring (@t)";
    case KEY_SPEC_PROCESS_KEYRING: return "process keyring (@p)";
    case KEY_SPEC_SESSION_KEYRING: return "session keyring (@s)";
    case KEY_SPEC_USER_KEYRING: return "user keyring (@u)";
    case KEY_SPEC_USER_SESSION_KEYRING: return "user session keyring (@us)";
    case KEY_SPEC_GROUP_KEYRING: return "group keyring (@g)";
    case KEY_SPEC_REQKEY_AUTH_KEY: return "request authorisation key (@a)";
    case 0: return "no keyring";
    default: return "key " + std::to_string(id);
    }
}

// Without exceptions the throwing forms end the program, as the standard
// library's own throwing calls do; code using only the std::error_code&
// forms never gets here.
[[noreturn]] inline void raise(const std::error_code& ec, const std::string& context)
{
#if defined(__cpp_exceptions)
    if (context.empty())
        throw std::system_error(ec);
    throw std::system_error(ec, context);
#else
    (void)ec;
    (void)context;
    std::abort();
#endif
}

inline void throw_if(const std::error_code& ec)
{
    if (ec)
        raise(ec, std::string());
}

// what() names the key: "key 123: keyctl_read: EKEYREVOKED (...)".
inline void throw_if(const std::error_code& ec, key_serial_t id)
{
    if (ec)
        raise(ec, key_label(id));
}

// For calls naming a key by type and description, with `id` the keyring:
// what() reads `user "name" in key 123: keyctl_search: ENOKEY (...)`.
inline void throw_if(const std::error_code& ec, key_serial_t id, const char* type, const char* desc)
{
    if (ec)
        raise(ec, std::string(type ? type : "(null)") + " \"" + (desc ? desc : "(null)") + "\" in "
                      + key_label(id));
}

} // namespace detail

} // namespace keyutils


#endif // KEYUTILS_ERROR_HPP
