// keyutils/access.hpp: access diagnostics: which of a key's permission
// classes apply to the caller, what they grant, and why (key::access()).
#ifndef KEYUTILS_ACCESS_HPP
#define KEYUTILS_ACCESS_HPP

#include <keyutils/description.hpp>
#include <keyutils/error.hpp>
#include <keyutils/kernel_format.hpp>
#include <keyutils/key.hpp>
#include <keyutils/permissions.hpp>
#include <keyutils/walk.hpp>

#include <optional>
#include <string>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include <unistd.h>

namespace keyutils {

/// Which of a key's permission classes apply to the calling process, and
/// the rights they add up to, following the kernel's rule: the user class
/// if the caller's uid owns the key, else the group class if the caller is
/// in the key's group (and the group class grants anything), else the other
/// class; plus the possessor class when the caller possesses the key.
struct access_report {
    /// The key examined.
    key target;
    /// Its description; nullopt when the caller may not view the key, in
    /// which case its owner and rights are hidden and `base` and `granted`
    /// say nothing.
    std::optional<description> desc;
    /// Why `desc` is empty (EACCES: no class that applies grants view).
    std::error_code describe_error;
    /// The caller reaches the key through its thread, process or session
    /// keyring by way of keyrings that grant search, and the key grants
    /// search itself (found by walking them; keys reachable only through
    /// keyrings the caller cannot read are not seen).
    bool possessed = false;
    /// The class among user/group/other that applies.
    accessor base = accessor::other;
    /// The rights granted in total.
    rights granted = rights::none;
    /// The first keyring found, below the caller's thread, process and
    /// session keyrings, that links the key; null when none was found.
    keyring linked_in;
    /// When `linked_in` is set but the key is not possessed because a keyring
    /// on the way to it withholds search: that keyring (null when the way is
    /// open and the key itself withholds search).
    keyring search_denied_by;

    /// True when the caller may view the key (desc holds its description).
    [[nodiscard]] bool viewable() const noexcept { return desc.has_value(); }
    /// True when `granted` includes every right in `wanted`.
    [[nodiscard]] bool allows(rights wanted) const noexcept { return includes(granted, wanted); }
    /// The kernel also lets a possessed key be read without the read right.
    [[nodiscard]] bool readable() const noexcept { return possessed || allows(rights::read); }

    /// A sentence or two saying which rights apply and why, and which of
    /// `wanted` are missing.
    [[nodiscard]] std::string explain(rights wanted = rights::none) const
    {
        std::string s = desc ? explain_classes() : explain_hidden();
        s += explain_possession();
        if (!desc)
            return s;
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

private:
    std::string explain_classes() const
    {
        std::string s;
        switch (base) {
        case accessor::user:
            s = "user rights apply (the key's owner uid " + std::to_string(desc->uid) + " is yours)";
            break;
        case accessor::group:
            s = "group rights apply (you are in the key's group " + std::to_string(desc->gid) + ")";
            break;
        default:
            s = "other rights apply (you neither own the key, uid " + std::to_string(desc->uid)
                + ", nor are in a group it grants rights to, gid " + std::to_string(desc->gid) + ")";
            break;
        }
        return s + ": " + to_string(desc->perm.of(base));
    }

    std::string explain_hidden() const
    {
        return "you may not view key " + std::to_string(target.id()) + " ("
               + describe_error.message()
               + "): no permission class that applies to you grants view, so its owner, group and "
                 "rights are hidden";
    }

    static std::string name(keyring ring)
    {
        switch (ring.id()) {
        case KEY_SPEC_THREAD_KEYRING: return "your thread keyring";
        case KEY_SPEC_PROCESS_KEYRING: return "your process keyring";
        case KEY_SPEC_SESSION_KEYRING: return "your session keyring";
        default: return "keyring " + std::to_string(ring.id());
        }
    }

    std::string explain_possession() const
    {
        std::string possessor = desc ? "possessor rights " + to_string(desc->perm.possessor()) : "possession";
        if (possessed)
            return "; possessor rights add " + to_string(desc->perm.possessor()) + " (you possess the key)";
        std::string ring = name(linked_in);
        if (!linked_in.valid())
            return "; " + possessor
                   + (desc ? " do not apply" : " does not apply")
                   + " (the key is not in your thread, process or session keyrings, nor in a keyring "
                     "below them that you can read)";
        if (search_denied_by.valid())
            return "; " + possessor + (desc ? " do not apply" : " does not apply") + ": the key is linked in "
                   + ring + ", but " + name(search_denied_by)
                   + ", on the way to it from your thread, process or session keyrings, does not grant "
                     "you search";
        if (desc)
            return "; " + possessor + " do not apply: the key is linked in " + ring
                   + ", which you possess, but the key itself does not grant you search, which "
                     "possession needs";
        return "; the key is linked in " + ring
               + ", which you possess; whether it counts as possessed depends on its hidden rights "
                 "(it needs search)";
    }
};

namespace detail {

// The caller as the kernel's permission check sees it: effective ids and the
// supplementary groups.
inline accessor base_class(const description& d)
{
    std::vector<gid_t> groups;
    int n = ::getgroups(0, nullptr);
    if (n > 0) {
        groups.resize(static_cast<std::size_t>(n));
        n = ::getgroups(n, groups.data());
        groups.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    kernel_format::caller who{::geteuid(), ::getegid(), groups.data(), groups.size()};
    return static_cast<accessor>(kernel_format::applicable_class(d.perm.mask(), d.uid, d.gid, who));
}

// Rights on a key reached through a possessed keyring.
inline rights possessed_rights(const description& d)
{
    return d.perm.possessor() | d.perm.of(base_class(d));
}

// The kernel counts a key as possessed when a search from the caller's
// thread, process and session keyrings (the user-session keyring when there
// is no session) reaches it through keyrings granting search, and the key
// itself grants search. This repeats that search from user space, also
// looking into keyrings that withhold search (when it can read them) to say
// where the way was blocked.
inline void find_possession(access_report& r)
{
    std::error_code ec;
    // Resolving a serial would need the search right the question is about.
    key target = r.target.is_special() ? r.target.resolve(false, ec) : r.target;
    if (ec)
        return;
    bool target_searchable = r.desc && includes(possessed_rights(*r.desc), rights::search);

    struct pending {
        keyring ring;     // how to read its members (the roots by special id)
        keyring blocker;  // the first keyring on the way that withholds search
        unsigned depth;
    };
    std::vector<pending> stack;
    std::unordered_set<key_serial_t> seen;
    auto serial_of = [](keyring ring) {
        std::error_code unresolved;
        keyring resolved = ring.is_special() ? ring.resolve(false, unresolved) : ring;
        return unresolved ? ring : resolved;
    };
    // Without a session keyring, the kernel's session identifier stands for
    // the user-session keyring, as the kernel's search does.
    for (keyring root : {keyring::thread(), keyring::process(), keyring::session()}) {
        auto resolved = root.resolve(false, ec);
        if (ec == errc::no_key)
            continue;
        // Resolving needs search: a root that withholds it keeps its
        // special identifier, which still reads its members.
        if (ec)
            resolved = root;
        if (!seen.insert(resolved.id()).second)
            continue;
        auto d = root.describe(ec);
        bool searchable = !ec && includes(possessed_rights(d), rights::search);
        if (resolved == target) {
            r.possessed = searchable;
            return;
        }
        stack.push_back({root, searchable ? keyring() : resolved, 1});
    }
    while (!stack.empty()) {
        pending p = stack.back();
        stack.pop_back();
        auto members = p.ring.members(ec);
        if (ec)
            continue;
        for (key m : members) {
            if (m == target) {
                if (!p.blocker.valid() && target_searchable) {
                    r.possessed = true;
                    r.linked_in = serial_of(p.ring);
                    r.search_denied_by = keyring();
                    return;
                }
                if (!r.linked_in.valid() || (!p.blocker.valid() && r.search_denied_by.valid())) {
                    r.linked_in = serial_of(p.ring);
                    r.search_denied_by = p.blocker;
                }
                continue;
            }
            auto d = m.describe(ec);
            if (ec || !d.is_keyring() || p.depth >= keyring_walk::default_depth
                || !seen.insert(m.id()).second)
                continue;
            keyring blocker = p.blocker;
            if (!blocker.valid() && !includes(possessed_rights(d), rights::search))
                blocker = keyring(m);
            stack.push_back({keyring(m), blocker, p.depth + 1});
        }
    }
}

} // namespace detail

inline access_report key::access(std::error_code& ec) const
{
    access_report r;
    r.target = *this;
    auto d = describe(r.describe_error);
    if (r.describe_error && r.describe_error != errc::access_denied) {
        ec = r.describe_error;
        return {};
    }
    if (!r.describe_error)
        r.desc = std::move(d);
    ec.clear();
    detail::find_possession(r);
    if (r.desc) {
        const auto& p = r.desc->perm;
        r.base = detail::base_class(*r.desc);
        r.granted = p.of(r.base) | (r.possessed ? p.possessor() : rights::none);
    }
    return r;
}
inline access_report key::access() const
{
    std::error_code ec;
    auto r = access(ec);
    detail::throw_if(ec, id());
    return r;
}

} // namespace keyutils

#endif // KEYUTILS_ACCESS_HPP
