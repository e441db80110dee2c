// keyutils/instantiate.hpp: for request-key handlers, building the key a
// request waits for (instantiate), or refusing it (reject, negate), under
// an authority_guard.
#ifndef KEYUTILS_INSTANTIATE_HPP
#define KEYUTILS_INSTANTIATE_HPP

#include <keyutils/bytes.hpp>
#include <keyutils/error.hpp>
#include <keyutils/key.hpp>

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <system_error>
#include <vector>

#include <sys/uio.h>

namespace keyutils {

namespace detail {

// For negative keys: a timeout that has run out caches the failure for the
// kernel's shortest time, one second, rather than (as 0 would) for ever.
inline unsigned negative_timeout_seconds(std::chrono::seconds d) noexcept
{
    return timeout_seconds(d).value_or(1u);
}

} // namespace detail

/// The error requesters of a rejected key get: a std::errc or keyutils::errc
/// (e.g. errc::key_rejected, std::errc::permission_denied), not a bare int.
class reject_error {
public:
    constexpr reject_error(errc e) noexcept : value_(static_cast<int>(e)) {}
    constexpr reject_error(std::errc e) noexcept : value_(static_cast<int>(e)) {}
    /// The errno value passed to keyctl_reject().
    [[nodiscard]] constexpr int value() const noexcept { return value_; }

private:
    int value_;
};

/// Instantiates the key under construction `target` with `payload`, linking
/// it into `dest` (null: nowhere extra). Needs authority over `target`.
inline void instantiate(key target, bytes_view payload, const keyring& dest, std::error_code& ec) noexcept
{
    detail::failed(keyctl_instantiate(target.id(), payload.data(), payload.size(), dest.id()),
                   operation::instantiate, ec);
}
inline void instantiate(key target, bytes_view payload, std::error_code& ec) noexcept
{
    instantiate(target, payload, keyring(), ec);
}
inline void instantiate(key target, bytes_view payload, const keyring& dest = keyring())
{
    std::error_code ec;
    instantiate(target, payload, dest, ec);
    detail::throw_if(ec, target.id());
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
inline void instantiate(key target, const bytes_view* parts, std::size_t count, std::error_code& ec)
{
    instantiate(target, parts, count, keyring(), ec);
}
inline void instantiate(key target, const bytes_view* parts, std::size_t count, const keyring& dest = keyring())
{
    std::error_code ec;
    instantiate(target, parts, count, dest, ec);
    detail::throw_if(ec, target.id());
}
inline void instantiate(key target, std::initializer_list<bytes_view> parts, const keyring& dest, std::error_code& ec)
{
    instantiate(target, parts.begin(), parts.size(), dest, ec);
}
inline void instantiate(key target, std::initializer_list<bytes_view> parts, std::error_code& ec)
{
    instantiate(target, parts.begin(), parts.size(), keyring(), ec);
}
inline void instantiate(key target, std::initializer_list<bytes_view> parts, const keyring& dest = keyring())
{
    instantiate(target, parts.begin(), parts.size(), dest);
}
inline void instantiate(key target, const std::vector<bytes_view>& parts, const keyring& dest, std::error_code& ec)
{
    instantiate(target, parts.data(), parts.size(), dest, ec);
}
inline void instantiate(key target, const std::vector<bytes_view>& parts, std::error_code& ec)
{
    instantiate(target, parts.data(), parts.size(), keyring(), ec);
}
inline void instantiate(key target, const std::vector<bytes_view>& parts, const keyring& dest = keyring())
{
    instantiate(target, parts.data(), parts.size(), dest);
}

/// Makes `target` a negative key: requests for it fail with `error` until
/// `timeout` passes. A timeout that has run out (zero or negative) lasts the
/// kernel's shortest time, one second; it never makes the negative key
/// permanent.
inline void reject(key target, std::chrono::seconds timeout, reject_error error, const keyring& dest,
                   std::error_code& ec) noexcept
{
    detail::failed(keyctl_reject(target.id(), detail::negative_timeout_seconds(timeout),
                                 static_cast<unsigned>(error.value()), dest.id()),
                   operation::reject, ec);
}
inline void reject(key target, std::chrono::seconds timeout, reject_error error, std::error_code& ec) noexcept
{
    reject(target, timeout, error, keyring(), ec);
}
inline void reject(key target, std::chrono::seconds timeout, reject_error error, const keyring& dest = keyring())
{
    std::error_code ec;
    reject(target, timeout, error, dest, ec);
    detail::throw_if(ec, target.id());
}

/// Makes `target` a negative key: requests for it fail with ENOKEY until
/// `timeout` passes (at least one second, as for reject()).
inline void negate(key target, std::chrono::seconds timeout, const keyring& dest, std::error_code& ec) noexcept
{
    detail::failed(keyctl_negate(target.id(), detail::negative_timeout_seconds(timeout), dest.id()),
                   operation::negate, ec);
}
inline void negate(key target, std::chrono::seconds timeout, std::error_code& ec) noexcept
{
    negate(target, timeout, keyring(), ec);
}
inline void negate(key target, std::chrono::seconds timeout, const keyring& dest = keyring())
{
    std::error_code ec;
    negate(target, timeout, dest, ec);
    detail::throw_if(ec, target.id());
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
        detail::throw_if(ec, target.id());
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

    /// True when the authority was assumed.
    [[nodiscard]] bool held() const noexcept { return held_; }
    /// The key under construction.
    [[nodiscard]] key target() const noexcept { return target_; }

    /// The callout information passed to request_key(), read from the
    /// authorisation key.
    [[nodiscard]] std::string callout_info() const { return key::request_key_auth().read_string(); }
    [[nodiscard]] std::string callout_info(std::error_code& ec) const
    {
        return key::request_key_auth().read_string(ec);
    }

    /// keyutils::instantiate(), reject() and negate() for target().
    void instantiate(bytes_view payload, const keyring& dest = keyring()) const
    {
        keyutils::instantiate(target_, payload, dest);
    }
    void instantiate(bytes_view payload, std::error_code& ec) const noexcept
    {
        keyutils::instantiate(target_, payload, keyring(), ec);
    }
    void instantiate(bytes_view payload, const keyring& dest, std::error_code& ec) const noexcept
    {
        keyutils::instantiate(target_, payload, dest, ec);
    }
    void instantiate(std::initializer_list<bytes_view> parts, const keyring& dest = keyring()) const
    {
        keyutils::instantiate(target_, parts, dest);
    }
    void instantiate(std::initializer_list<bytes_view> parts, std::error_code& ec) const
    {
        keyutils::instantiate(target_, parts, keyring(), ec);
    }
    void instantiate(std::initializer_list<bytes_view> parts, const keyring& dest, std::error_code& ec) const
    {
        keyutils::instantiate(target_, parts, dest, ec);
    }
    void reject(std::chrono::seconds timeout, reject_error error, const keyring& dest = keyring()) const
    {
        keyutils::reject(target_, timeout, error, dest);
    }
    void reject(std::chrono::seconds timeout, reject_error error, std::error_code& ec) const noexcept
    {
        keyutils::reject(target_, timeout, error, keyring(), ec);
    }
    void reject(std::chrono::seconds timeout, reject_error error, const keyring& dest,
                std::error_code& ec) const noexcept
    {
        keyutils::reject(target_, timeout, error, dest, ec);
    }
    void negate(std::chrono::seconds timeout, const keyring& dest = keyring()) const
    {
        keyutils::negate(target_, timeout, dest);
    }
    void negate(std::chrono::seconds timeout, std::error_code& ec) const noexcept
    {
        keyutils::negate(target_, timeout, keyring(), ec);
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

} // namespace keyutils

#endif // KEYUTILS_INSTANTIATE_HPP
