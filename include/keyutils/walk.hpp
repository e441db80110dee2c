// keyutils/walk.hpp: a depth-first walk over the keys below a keyring
// (keyring::walk()), cycle-safe and depth-limited.
#ifndef KEYUTILS_WALK_HPP
#define KEYUTILS_WALK_HPP

#include <keyutils/description.hpp>
#include <keyutils/error.hpp>
#include <keyutils/key.hpp>

#include <cstddef>
#include <iterator>
#include <optional>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

namespace keyutils {

/// One key met during a keyring walk.
struct walk_entry {
    key item;
    /// The keyring `item` was found in.
    keyring parent;
    /// 1 for the members of the walked keyring (never 0), 2 for theirs, ...
    unsigned depth = 0;
    /// Empty when the key could not be described (error says why, e.g.
    /// EACCES without view permission or EKEYREVOKED).
    std::optional<description> desc;
    std::error_code error;

    [[nodiscard]] bool is_keyring() const noexcept { return desc && desc->is_keyring(); }
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
    [[nodiscard]] iterator begin()
    {
        if (!started_) {
            started_ = true;
            if (!advance())
                return end();
            return iterator(this);
        }
        return stack_.empty() && !has_current_ ? end() : iterator(this);
    }
    [[nodiscard]] iterator end() noexcept { return iterator(); }

    [[nodiscard]] unsigned max_depth() const noexcept { return max_depth_; }

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
            auto d = entry.item.describe(entry.error);
            if (!entry.error)
                entry.desc = std::move(d);
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
inline keyring_walk keyring::walk(std::error_code& ec) const
{
    return keyring_walk(*this, keyring_walk::default_depth, ec);
}
inline keyring_walk keyring::walk(unsigned max_depth) const
{
    std::error_code ec;
    keyring_walk w(*this, max_depth, ec);
    detail::throw_if(ec, id());
    return w;
}

} // namespace keyutils

#endif // KEYUTILS_WALK_HPP
