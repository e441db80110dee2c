// keyutils/notify.hpp: key notifications: a watcher (a notification pipe)
// that keys can be watched through, and the events it delivers.
#ifndef KEYUTILS_NOTIFY_HPP
#define KEYUTILS_NOTIFY_HPP

#include <keyutils/bytes.hpp>
#include <keyutils/error.hpp>
#include <keyutils/kernel_format.hpp>
#include <keyutils/key.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace keyutils {

/// What happened to a watched key (the kernel's key_notification subtypes).
enum class key_change : std::uint8_t {
    instantiated = kernel_format::watch::key_instantiated,
    updated = kernel_format::watch::key_updated,
    linked = kernel_format::watch::key_linked,
    unlinked = kernel_format::watch::key_unlinked,
    cleared = kernel_format::watch::key_cleared,
    revoked = kernel_format::watch::key_revoked,
    invalidated = kernel_format::watch::key_invalidated,
    attributes_changed = kernel_format::watch::key_setattr,
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

    /// For linked/unlinked: `aux` as a key handle.
    [[nodiscard]] key other() const noexcept { return key(static_cast<key_serial_t>(aux)); }
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

// O_NOTIFICATION_PIPE and IOC_WATCH_QUEUE_SET_SIZE, restated because
// <linux/watch_queue.h> clashes with <fcntl.h>.
inline constexpr int notification_pipe_flag = O_EXCL;
inline constexpr unsigned long watch_queue_set_size = _IO('W', 0x60);

inline notification to_notification(const kernel_format::watch_record& r)
{
    namespace watch = kernel_format::watch;
    if (r.has_key)
        return key_event{static_cast<key_change>(r.subtype), r.watch_id, key(static_cast<key_serial_t>(r.key_id)),
                         r.aux};
    if (r.type == watch::type_meta && r.subtype == watch::meta_removal) {
        watch_removed e;
        e.watch_id = r.watch_id;
        if (r.has_object_id)
            e.object_id = r.object_id;
        return e;
    }
    if (r.type == watch::type_meta && r.subtype == watch::meta_loss)
        return notifications_lost{r.watch_id};
    unknown_notification e;
    e.type = r.type;
    e.subtype = r.subtype;
    e.watch_id = r.watch_id;
    auto* p = reinterpret_cast<const std::byte*>(r.bytes);
    e.record.assign(p, p + r.length);
    return e;
}

} // namespace detail

/// Decodes the records in `data` (bytes read from a notification pipe). A
/// malformed record is EBADMSG, and then nothing is returned.
[[nodiscard]] inline std::vector<notification> decode_notifications(bytes_view data, std::error_code& ec)
{
    ec.clear();
    std::vector<notification> out;
    std::size_t offset = 0;
    kernel_format::watch_record r{};
    for (;;) {
        switch (kernel_format::next_watch_record(data.data(), data.size(), &offset, &r)) {
        case kernel_format::watch_status::end: return out;
        case kernel_format::watch_status::malformed:
            ec = make_error_code(EBADMSG, operation::decode_notifications);
            return {};
        case kernel_format::watch_status::record: out.push_back(detail::to_notification(r)); break;
        }
    }
}
[[nodiscard]] inline std::vector<notification> decode_notifications(bytes_view data)
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
    watcher(std::error_code& ec) noexcept { open(1, ec); }
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
    [[nodiscard]] int fd() const noexcept { return read_fd_; }
    /// False when opening failed.
    [[nodiscard]] bool is_open() const noexcept { return read_fd_ >= 0; }

    /// Starts watching `k`; its events carry `watch_id`.
    void watch(key k, std::uint8_t watch_id)
    {
        std::error_code ec;
        watch(k, watch_id, ec);
        detail::throw_if(ec, k.id());
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
        detail::throw_if(ec, k.id());
    }
    void unwatch(key k, std::error_code& ec) noexcept
    {
        detail::failed(keyctl_watch_key(k.id(), read_fd_, -1), operation::watch_key, ec);
    }

    /// Reads and decodes every event queued now; empty when there is none
    /// (and on error).
    [[nodiscard]] std::vector<notification> read()
    {
        std::error_code ec;
        auto v = read(ec);
        detail::throw_if(ec);
        return v;
    }
    [[nodiscard]] std::vector<notification> read(std::error_code& ec)
    {
        std::vector<notification> out;
        ec.clear();
        unsigned char buf[4096];
        for (;;) {
            ssize_t n = ::read(read_fd_, buf, sizeof buf);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN)
                    return out;
                ec.assign(errno, keyring_category(operation::read_notifications));
                return {};
            }
            if (n == 0)
                return out;
            auto batch = decode_notifications(bytes_view(buf, static_cast<std::size_t>(n)), ec);
            if (ec)
                return {};
            std::move(batch.begin(), batch.end(), std::back_inserter(out));
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

} // namespace keyutils

#endif // KEYUTILS_NOTIFY_HPP
