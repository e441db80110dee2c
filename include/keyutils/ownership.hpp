// keyutils/ownership.hpp: basic_unique_key, a move-only owner that
// unlinks, invalidates or revokes its key when it goes away.
#ifndef KEYUTILS_OWNERSHIP_HPP
#define KEYUTILS_OWNERSHIP_HPP

#include <keyutils/error.hpp>
#include <keyutils/key.hpp>

#include <cstdint>
#include <system_error>
#include <type_traits>
#include <utility>

namespace keyutils {

/// What a basic_unique_key does with its key when it lets go of it.
enum class disposal : std::uint8_t {
    /// Remove the link from the keyring given at construction.
    unlink,
    /// keyctl_invalidate(): the key disappears everywhere.
    invalidate,
    /// keyctl_revoke(): the key stays until collected but is unusable.
    revoke,
};

/// The tag types choosing the invalidate and revoke policies at construction
/// (the unlink policy is chosen by passing the keyring to unlink from, which
/// it cannot work without).
struct invalidate_on_dispose_t {
    explicit constexpr invalidate_on_dispose_t() noexcept = default;
};
struct revoke_on_dispose_t {
    explicit constexpr revoke_on_dispose_t() noexcept = default;
};
inline constexpr invalidate_on_dispose_t invalidate_on_dispose{};
inline constexpr revoke_on_dispose_t revoke_on_dispose{};

/// A move-only owner of a key (or keyring) that disposes of it, by the
/// policy chosen at construction, when it is destroyed or reset. Errors
/// while disposing are ignored by the destructor; call dispose() to see them.
template <class Handle>
class basic_unique_key {
    static_assert(std::is_base_of_v<key, Handle>);

public:
    basic_unique_key() noexcept = default;
    /// Owns `h`; disposing invalidates it.
    basic_unique_key(Handle h, invalidate_on_dispose_t) noexcept : handle_(h), policy_(disposal::invalidate) {}
    /// Owns `h`; disposing revokes it.
    basic_unique_key(Handle h, revoke_on_dispose_t) noexcept : handle_(h), policy_(disposal::revoke) {}
    /// Owns `h`; disposing unlinks it from `ring`. A special keyring
    /// (keyring::session(), ...) is resolved to its serial now, so the key is
    /// unlinked from the keyring it was in, even after join_session() or the
    /// like has replaced it; should it not resolve, `ring` is kept as given.
    basic_unique_key(Handle h, keyring ring) noexcept
        : handle_(h), ring_(bound_ring(ring)), policy_(disposal::unlink)
    {}
    /// A policy as a run-time value cannot be checked for what it needs (the
    /// unlink policy needs a keyring): pass a keyring or a tag instead.
    basic_unique_key(Handle h, disposal policy) = delete;

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

    /// The owned handle (null when nothing is owned).
    [[nodiscard]] const Handle& get() const noexcept { return handle_; }
    const Handle& operator*() const noexcept { return handle_; }
    const Handle* operator->() const noexcept { return &handle_; }
    [[nodiscard]] bool owns() const noexcept { return handle_.valid(); }
    [[nodiscard]] disposal policy() const noexcept { return policy_; }
    /// The keyring the unlink policy removes the key from.
    [[nodiscard]] keyring unlink_ring() const noexcept { return ring_; }

    /// Gives up ownership without disposing; the key is left as it is.
    [[nodiscard]] Handle release() noexcept { return std::exchange(handle_, Handle()); }

    /// Disposes of the key now (if owned) and owns nothing afterwards.
    void dispose()
    {
        std::error_code ec;
        key_serial_t id = handle_.id();
        dispose(ec);
        detail::throw_if(ec, id);
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
    static keyring bound_ring(keyring ring) noexcept
    {
        if (!ring.is_special())
            return ring;
        std::error_code ec;
        keyring resolved = ring.resolve(false, ec);
        return ec ? ring : resolved;
    }

    Handle handle_;
    keyring ring_;
    disposal policy_ = disposal::unlink;
};

using unique_key = basic_unique_key<key>;
using unique_keyring = basic_unique_key<keyring>;

} // namespace keyutils

#endif // KEYUTILS_OWNERSHIP_HPP
