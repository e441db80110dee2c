// keyutils/key.hpp: handles to keys and keyrings (key, keyring), the
// operations on them, and request_key().
#ifndef KEYUTILS_KEY_HPP
#define KEYUTILS_KEY_HPP

#include <keyutils/bytes.hpp>
#include <keyutils/c_api.hpp>
#include <keyutils/description.hpp>
#include <keyutils/error.hpp>
#include <keyutils/permissions.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace keyutils {

class keyring;
class keyring_walk;
struct access_report;

namespace detail {

// The kernel counts timeouts in whole seconds, and reads 0 as "never expires".
// A timeout that has already run out (zero or negative) gives nullopt; any
// other is rounded up to whole seconds, so it never becomes 0, and saturates
// at the largest the C API can carry.
template <class Rep, class Period>
constexpr std::optional<unsigned> timeout_seconds(std::chrono::duration<Rep, Period> d) noexcept
{
    if (d <= d.zero())
        return std::nullopt;
    if (std::chrono::duration<double>(d).count() >= 4294967295.0)
        return 0xffffffffu;
    return static_cast<unsigned>(std::chrono::ceil<std::chrono::seconds>(d).count());
}

// The names keyctl gives the special identifiers.
constexpr const char* special_name(key_serial_t id) noexcept
{
    switch (id) {
    case KEY_SPEC_THREAD_KEYRING: return "@t";
    case KEY_SPEC_PROCESS_KEYRING: return "@p";
    case KEY_SPEC_SESSION_KEYRING: return "@s";
    case KEY_SPEC_USER_KEYRING: return "@u";
    case KEY_SPEC_USER_SESSION_KEYRING: return "@us";
    case KEY_SPEC_GROUP_KEYRING: return "@g";
    case KEY_SPEC_REQKEY_AUTH_KEY: return "@a";
    default: return nullptr;
    }
}

} // namespace detail

/// A non-owning handle to a key: its serial number, or one of the special
/// identifiers (which the kernel resolves at each call). Handles are plain
/// values: copying one copies the number, and nothing is released when one
/// goes away (see basic_unique_key for that).
class key {
public:
    /// The null handle (serial 0), which failed calls return.
    constexpr key() noexcept = default;
    constexpr explicit key(key_serial_t id) noexcept : id_(id) {}

    /// The authorisation key of the request this thread has assumed
    /// authority over (KEY_SPEC_REQKEY_AUTH_KEY); reading it yields the
    /// callout information.
    [[nodiscard]] static constexpr key request_key_auth() noexcept { return key(KEY_SPEC_REQKEY_AUTH_KEY); }

    /// The serial number, or the special identifier (negative).
    [[nodiscard]] constexpr key_serial_t id() const noexcept { return id_; }
    /// False for the null handle (serial 0).
    [[nodiscard]] constexpr bool valid() const noexcept { return id_ != 0; }
    /// True for the special identifiers (thread keyring, session keyring, ...).
    [[nodiscard]] constexpr bool is_special() const noexcept { return id_ < 0; }

    /// The serial number this handle stands for now; for special identifiers
    /// this is where the symbolic meaning is given up. `create` makes the
    /// special keyring exist if it does not yet. Needs the search right.
    [[nodiscard]] key resolve(bool create = false) const
    {
        std::error_code ec;
        auto k = resolve(create, ec);
        detail::throw_if(ec, id_);
        return k;
    }
    [[nodiscard]] key resolve(std::error_code& ec) const noexcept { return resolve(false, ec); }
    [[nodiscard]] key resolve(bool create, std::error_code& ec) const noexcept
    {
        long r = keyctl_get_keyring_ID(id_, create ? 1 : 0);
        return detail::failed(r, operation::get_keyring_id, ec) ? key() : key(static_cast<key_serial_t>(r));
    }

    /// The raw "type;uid;gid;perm;text" description.
    [[nodiscard]] std::string describe_raw() const
    {
        std::error_code ec;
        auto s = describe_raw(ec);
        detail::throw_if(ec, id_);
        return s;
    }
    [[nodiscard]] std::string describe_raw(std::error_code& ec) const
    {
        return fetch_string(keyctl_describe, 128, operation::describe, ec);
    }

    /// The parsed description; a description the kernel sent malformed is
    /// EBADMSG.
    [[nodiscard]] description describe() const
    {
        std::error_code ec;
        auto d = describe(ec);
        detail::throw_if(ec, id_);
        return d;
    }
    [[nodiscard]] description describe(std::error_code& ec) const
    {
        auto raw = describe_raw(ec);
        if (ec)
            return {};
        auto d = description::try_parse(raw);
        if (!d) {
            ec = make_error_code(EBADMSG, operation::describe);
            return {};
        }
        return *std::move(d);
    }

    /// Copies the payload into `buf` (up to `len` bytes) and returns the
    /// payload's full size, which may exceed `len` (then only `len` bytes
    /// were copied: call again with a buffer that large).
    [[nodiscard]] std::size_t read_into(void* buf, std::size_t len) const
    {
        std::error_code ec;
        auto n = read_into(buf, len, ec);
        detail::throw_if(ec, id_);
        return n;
    }
    [[nodiscard]] std::size_t read_into(void* buf, std::size_t len, std::error_code& ec) const noexcept
    {
        long r = keyctl_read(id_, static_cast<char*>(buf), len);
        return detail::failed(r, operation::read, ec) ? 0 : static_cast<std::size_t>(r);
    }

    /// The payload as bytes. For a keyring: its members' serials.
    [[nodiscard]] byte_buffer read() const
    {
        std::error_code ec;
        auto b = read(ec);
        detail::throw_if(ec, id_);
        return b;
    }
    [[nodiscard]] byte_buffer read(std::error_code& ec) const { return read_as<byte_buffer>(ec); }

    /// The payload as a std::string (which may contain NULs).
    [[nodiscard]] std::string read_string() const
    {
        std::error_code ec;
        auto s = read_string(ec);
        detail::throw_if(ec, id_);
        return s;
    }
    [[nodiscard]] std::string read_string(std::error_code& ec) const { return read_as<std::string>(ec); }

    /// The payload in a buffer that is wiped when it is destroyed; no other
    /// copy of the payload is left behind in memory this call allocated.
    [[nodiscard]] secret read_secret() const
    {
        std::error_code ec;
        auto s = read_secret(ec);
        detail::throw_if(ec, id_);
        return s;
    }
    [[nodiscard]] secret read_secret(std::error_code& ec) const
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
    void update(bytes_view payload) const
    {
        std::error_code ec;
        update(payload, ec);
        detail::throw_if(ec, id_);
    }
    void update(bytes_view payload, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_update(id_, payload.data(), payload.size()), operation::update, ec);
    }

    /// Revokes the key: it stays until garbage-collected, but every further
    /// access fails with EKEYREVOKED.
    void revoke() const
    {
        std::error_code ec;
        revoke(ec);
        detail::throw_if(ec, id_);
    }
    void revoke(std::error_code& ec) const noexcept { detail::failed(keyctl_revoke(id_), operation::revoke, ec); }

    /// Invalidates the key: it disappears from every keyring at once.
    void invalidate() const
    {
        std::error_code ec;
        invalidate(ec);
        detail::throw_if(ec, id_);
    }
    void invalidate(std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_invalidate(id_), operation::invalidate, ec);
    }

    /// Expires the key `timeout` from now, rounded up to whole seconds (the
    /// kernel's unit). A timeout that has already run out (zero or negative)
    /// means the key has expired: since the kernel cannot expire a key sooner
    /// than a second from now, it is revoked at once, so every further access
    /// fails with EKEYREVOKED (errc::key_revoked). Revoking needs the write or
    /// setattr right; setting a timeout needs setattr.
    template <class Rep, class Period>
    void set_timeout(std::chrono::duration<Rep, Period> timeout) const
    {
        std::error_code ec;
        set_timeout(timeout, ec);
        detail::throw_if(ec, id_);
    }
    template <class Rep, class Period>
    void set_timeout(std::chrono::duration<Rep, Period> timeout, std::error_code& ec) const noexcept
    {
        if (auto seconds = detail::timeout_seconds(timeout))
            detail::failed(keyctl_set_timeout(id_, *seconds), operation::set_timeout, ec);
        else
            revoke(ec);
    }

    /// Removes the key's expiry: it lasts until revoked, invalidated or
    /// unlinked everywhere.
    void clear_timeout() const
    {
        std::error_code ec;
        clear_timeout(ec);
        detail::throw_if(ec, id_);
    }
    void clear_timeout(std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_set_timeout(id_, 0), operation::set_timeout, ec);
    }

    /// Replaces the permission mask; needs the setattr right.
    void setperm(permissions perm) const
    {
        std::error_code ec;
        setperm(perm, ec);
        detail::throw_if(ec, id_);
    }
    void setperm(permissions perm, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_setperm(id_, perm.mask()), operation::setperm, ec);
    }

    /// Changes the owner and/or group; nullopt leaves that one as it is.
    /// Changing the owner needs CAP_SYS_ADMIN.
    void chown(std::optional<uid_t> uid, std::optional<gid_t> gid) const
    {
        std::error_code ec;
        chown(uid, gid, ec);
        detail::throw_if(ec, id_);
    }
    void chown(std::optional<uid_t> uid, std::optional<gid_t> gid, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_chown(id_, uid ? *uid : static_cast<uid_t>(-1), gid ? *gid : static_cast<gid_t>(-1)),
                       operation::chown, ec);
    }

    /// The LSM security label; empty when no LSM labels keys.
    [[nodiscard]] std::string security() const
    {
        std::error_code ec;
        auto s = security(ec);
        detail::throw_if(ec, id_);
        return s;
    }
    [[nodiscard]] std::string security(std::error_code& ec) const
    {
        return fetch_string(keyctl_get_security, 64, operation::get_security, ec);
    }

    /// Links this key into `ring`.
    void link_into(const keyring& ring) const;
    void link_into(const keyring& ring, std::error_code& ec) const noexcept;
    /// Removes this key's link from `ring`.
    void unlink_from(const keyring& ring) const;
    void unlink_from(const keyring& ring, std::error_code& ec) const noexcept;
    /// Moves the link from `from` to `to`; with `exclusive`, fails with
    /// EEXIST instead of displacing a matching key in `to`.
    void move(const keyring& from, const keyring& to, bool exclusive = false) const;
    void move(const keyring& from, const keyring& to, std::error_code& ec) const noexcept;
    void move(const keyring& from, const keyring& to, bool exclusive, std::error_code& ec) const noexcept;

    /// Which permission classes apply to the calling process for this key
    /// and what they grant; see access_report (in <keyutils/access.hpp>).
    [[nodiscard]] access_report access() const;
    [[nodiscard]] access_report access(std::error_code& ec) const;

    friend constexpr bool operator==(key a, key b) noexcept { return a.id_ == b.id_; }
    friend constexpr bool operator!=(key a, key b) noexcept { return a.id_ != b.id_; }
    friend constexpr bool operator<(key a, key b) noexcept { return a.id_ < b.id_; }

    /// Writes the serial number, or keyctl's name for a special identifier
    /// ("@s", "@u", ...).
    friend std::ostream& operator<<(std::ostream& os, key k)
    {
        if (const char* name = detail::special_name(k.id_))
            return os << name;
        return os << k.id_;
    }

protected:
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
    std::string fetch_string(long (*get)(key_serial_t, char*, std::size_t), std::size_t first, operation op,
                             std::error_code& ec) const
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
    /// The null handle; as a destination it means "no keyring".
    constexpr keyring() noexcept = default;
    constexpr explicit keyring(key_serial_t id) noexcept : key(id) {}
    /// Treats `k` as a keyring without checking; operations on a key that
    /// is not a keyring fail with ENOTDIR.
    constexpr explicit keyring(key k) noexcept : key(k) {}

    [[nodiscard]] static constexpr keyring thread() noexcept { return keyring(KEY_SPEC_THREAD_KEYRING); }
    [[nodiscard]] static constexpr keyring process() noexcept { return keyring(KEY_SPEC_PROCESS_KEYRING); }
    [[nodiscard]] static constexpr keyring session() noexcept { return keyring(KEY_SPEC_SESSION_KEYRING); }
    [[nodiscard]] static constexpr keyring user() noexcept { return keyring(KEY_SPEC_USER_KEYRING); }
    [[nodiscard]] static constexpr keyring user_session() noexcept
    {
        return keyring(KEY_SPEC_USER_SESSION_KEYRING);
    }
    [[nodiscard]] static constexpr keyring group() noexcept { return keyring(KEY_SPEC_GROUP_KEYRING); }

    /// As key::resolve(), keeping the keyring type.
    [[nodiscard]] keyring resolve(bool create = false) const { return keyring(key::resolve(create)); }
    [[nodiscard]] keyring resolve(std::error_code& ec) const noexcept { return keyring(key::resolve(false, ec)); }
    [[nodiscard]] keyring resolve(bool create, std::error_code& ec) const noexcept
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
        detail::throw_if(ec, id(), type.c_str(), desc.c_str());
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
    [[nodiscard]] key search(zstring type, zstring desc, const keyring& dest = keyring()) const
    {
        std::error_code ec;
        auto k = search(type, desc, dest, ec);
        detail::throw_if(ec, id(), type.c_str(), desc.c_str());
        return k;
    }
    [[nodiscard]] key search(zstring type, zstring desc, std::error_code& ec) const noexcept
    {
        return search(type, desc, keyring(), ec);
    }
    [[nodiscard]] key search(zstring type, zstring desc, const keyring& dest, std::error_code& ec) const noexcept;
    [[nodiscard]] std::optional<key> try_search(zstring type, zstring desc, const keyring& dest = keyring()) const
    {
        std::error_code ec;
        auto k = try_search(type, desc, dest, ec);
        detail::throw_if(ec, id(), type.c_str(), desc.c_str());
        return k;
    }
    [[nodiscard]] std::optional<key> try_search(zstring type, zstring desc, std::error_code& ec) const noexcept
    {
        return try_search(type, desc, keyring(), ec);
    }
    [[nodiscard]] std::optional<key> try_search(zstring type, zstring desc, const keyring& dest,
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
    key request(zstring type, zstring desc, std::error_code& ec) const noexcept;
    key request(zstring type, zstring desc, zstring callout, std::error_code& ec) const noexcept;
    [[nodiscard]] std::optional<key> try_request(zstring type, zstring desc, zstring callout = zstring()) const;
    [[nodiscard]] std::optional<key> try_request(zstring type, zstring desc, std::error_code& ec) const noexcept;
    [[nodiscard]] std::optional<key> try_request(zstring type, zstring desc, zstring callout,
                                                 std::error_code& ec) const noexcept;

    /// Unlinks every key from this keyring.
    void clear() const
    {
        std::error_code ec;
        clear(ec);
        detail::throw_if(ec, id());
    }
    void clear(std::error_code& ec) const noexcept { detail::failed(keyctl_clear(id()), operation::clear, ec); }

    /// Links `k` into this keyring.
    void link(key k) const { k.link_into(*this); }
    void link(key k, std::error_code& ec) const noexcept { k.link_into(*this, ec); }
    /// Unlinks `k` from this keyring.
    void unlink(key k) const { k.unlink_from(*this); }
    void unlink(key k, std::error_code& ec) const noexcept { k.unlink_from(*this, ec); }

    /// Forbids linking any further key into this keyring.
    void restrict_links() const
    {
        std::error_code ec;
        restrict_links(ec);
        detail::throw_if(ec, id());
    }
    void restrict_links(std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_restrict_keyring(id(), nullptr, nullptr), operation::restrict_keyring, ec);
    }
    /// Lets only keys that `type`'s `restriction` accepts be linked in.
    void restrict_links(zstring type, zstring restriction) const
    {
        std::error_code ec;
        restrict_links(type, restriction, ec);
        detail::throw_if(ec, id());
    }
    void restrict_links(zstring type, zstring restriction, std::error_code& ec) const noexcept
    {
        detail::failed(keyctl_restrict_keyring(id(), type.c_str(), restriction.c_str()), operation::restrict_keyring,
                       ec);
    }

    /// The keys linked directly into this keyring, in the kernel's order.
    [[nodiscard]] std::vector<key> members() const
    {
        std::error_code ec;
        auto m = members(ec);
        detail::throw_if(ec, id());
        return m;
    }
    [[nodiscard]] std::vector<key> members(std::error_code& ec) const
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

    /// A depth-first walk over the keys below this keyring; see keyring_walk
    /// (in <keyutils/walk.hpp>).
    [[nodiscard]] keyring_walk walk(unsigned max_depth = 6) const;
    [[nodiscard]] keyring_walk walk(std::error_code& ec) const;
    [[nodiscard]] keyring_walk walk(unsigned max_depth, std::error_code& ec) const;

    /// Joins a new anonymous session keyring, or (with a name) the named
    /// session keyring, creating it if needed.
    static keyring join_session(zstring name = zstring())
    {
        std::error_code ec;
        auto k = join_session(name, ec);
        detail::throw_if(ec, KEY_SPEC_SESSION_KEYRING);
        return k;
    }
    static keyring join_session(std::error_code& ec) noexcept { return join_session(zstring(), ec); }
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
        detail::throw_if(ec, dest.id());
        return k;
    }
    static keyring persistent(uid_t uid, const keyring& dest, std::error_code& ec) noexcept
    {
        long r = keyctl_get_persistent(uid, dest.id());
        return detail::failed(r, operation::get_persistent, ec) ? keyring() : keyring(static_cast<key_serial_t>(r));
    }
};

inline void key::link_into(const keyring& ring) const
{
    std::error_code ec;
    link_into(ring, ec);
    detail::throw_if(ec, id_);
}
inline void key::link_into(const keyring& ring, std::error_code& ec) const noexcept
{
    detail::failed(keyctl_link(id_, ring.id()), operation::link, ec);
}
inline void key::unlink_from(const keyring& ring) const
{
    std::error_code ec;
    unlink_from(ring, ec);
    detail::throw_if(ec, id_);
}
inline void key::unlink_from(const keyring& ring, std::error_code& ec) const noexcept
{
    detail::failed(keyctl_unlink(id_, ring.id()), operation::unlink, ec);
}
inline void key::move(const keyring& from, const keyring& to, bool exclusive) const
{
    std::error_code ec;
    move(from, to, exclusive, ec);
    detail::throw_if(ec, id_);
}
inline void key::move(const keyring& from, const keyring& to, std::error_code& ec) const noexcept
{
    move(from, to, false, ec);
}
inline void key::move(const keyring& from, const keyring& to, bool exclusive, std::error_code& ec) const noexcept
{
    detail::failed(keyctl_move(id_, from.id(), to.id(), exclusive ? KEYCTL_MOVE_EXCL : 0u), operation::move, ec);
}

inline key keyring::search(zstring type, zstring desc, const keyring& dest, std::error_code& ec) const noexcept
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
inline key request_key(zstring type, zstring desc, std::error_code& ec) noexcept
{
    return request_key(type, desc, zstring(), keyring(), ec);
}
inline key request_key(zstring type, zstring desc, zstring callout, std::error_code& ec) noexcept
{
    return request_key(type, desc, callout, keyring(), ec);
}
inline key request_key(zstring type, zstring desc, zstring callout = zstring(), const keyring& dest = keyring())
{
    std::error_code ec;
    auto k = request_key(type, desc, callout, dest, ec);
    detail::throw_if(ec, dest.id(), type.c_str(), desc.c_str());
    return k;
}

/// As request_key(), with a miss (ENOKEY, also for negative keys) as nullopt.
[[nodiscard]] inline std::optional<key> try_request_key(zstring type, zstring desc, zstring callout,
                                                        const keyring& dest, std::error_code& ec) noexcept
{
    auto k = request_key(type, desc, callout, dest, ec);
    if (ec == errc::no_key)
        ec.clear();
    return k.valid() ? std::optional<key>(k) : std::nullopt;
}
[[nodiscard]] inline std::optional<key> try_request_key(zstring type, zstring desc, std::error_code& ec) noexcept
{
    return try_request_key(type, desc, zstring(), keyring(), ec);
}
[[nodiscard]] inline std::optional<key> try_request_key(zstring type, zstring desc, zstring callout,
                                                        std::error_code& ec) noexcept
{
    return try_request_key(type, desc, callout, keyring(), ec);
}
[[nodiscard]] inline std::optional<key> try_request_key(zstring type, zstring desc, zstring callout = zstring(),
                                                        const keyring& dest = keyring())
{
    std::error_code ec;
    auto k = try_request_key(type, desc, callout, dest, ec);
    detail::throw_if(ec, dest.id(), type.c_str(), desc.c_str());
    return k;
}

inline key keyring::request(zstring type, zstring desc, zstring callout) const
{
    return request_key(type, desc, callout, *this);
}
inline key keyring::request(zstring type, zstring desc, std::error_code& ec) const noexcept
{
    return request_key(type, desc, zstring(), *this, ec);
}
inline key keyring::request(zstring type, zstring desc, zstring callout, std::error_code& ec) const noexcept
{
    return request_key(type, desc, callout, *this, ec);
}
inline std::optional<key> keyring::try_request(zstring type, zstring desc, zstring callout) const
{
    return try_request_key(type, desc, callout, *this);
}
inline std::optional<key> keyring::try_request(zstring type, zstring desc, std::error_code& ec) const noexcept
{
    return try_request_key(type, desc, zstring(), *this, ec);
}
inline std::optional<key> keyring::try_request(zstring type, zstring desc, zstring callout,
                                               std::error_code& ec) const noexcept
{
    return try_request_key(type, desc, callout, *this, ec);
}

/// Sets the keyring request_key() uses when given no destination; returns
/// the previous setting (no_change on error).
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
    detail::throw_if(ec, KEY_SPEC_SESSION_KEYRING);
}

} // namespace keyutils

namespace std {
template <>
struct hash<keyutils::key> {
    std::size_t operator()(keyutils::key k) const noexcept { return std::hash<key_serial_t>()(k.id()); }
};
template <>
struct hash<keyutils::keyring> {
    std::size_t operator()(keyutils::keyring k) const noexcept { return std::hash<key_serial_t>()(k.id()); }
};
} // namespace std

#endif // KEYUTILS_KEY_HPP
