// keyutils/capabilities.hpp: what the kernel's key facility supports.
#ifndef KEYUTILS_CAPABILITIES_HPP
#define KEYUTILS_CAPABILITIES_HPP

#include <keyutils/c_api.hpp>
#include <keyutils/error.hpp>

#include <array>
#include <system_error>

namespace keyutils {

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
    /// The bytes as the kernel (or libkeyutils) gave them.
    std::array<unsigned char, 2> raw{};

    /// Decodes the two bytes keyctl_capabilities() fills in.
    [[nodiscard]] static constexpr kernel_capabilities from_bytes(unsigned char caps0, unsigned char caps1) noexcept
    {
        kernel_capabilities c;
        c.raw = {caps0, caps1};
        c.capabilities_query = caps0 & KEYCTL_CAPS0_CAPABILITIES;
        c.persistent_keyrings = caps0 & KEYCTL_CAPS0_PERSISTENT_KEYRINGS;
        c.diffie_hellman = caps0 & KEYCTL_CAPS0_DIFFIE_HELLMAN;
        c.public_key = caps0 & KEYCTL_CAPS0_PUBLIC_KEY;
        c.big_key = caps0 & KEYCTL_CAPS0_BIG_KEY;
        c.invalidate = caps0 & KEYCTL_CAPS0_INVALIDATE;
        c.restrict_keyring = caps0 & KEYCTL_CAPS0_RESTRICT_KEYRING;
        c.move = caps0 & KEYCTL_CAPS0_MOVE;
        c.namespaced_keyring_names = caps1 & KEYCTL_CAPS1_NS_KEYRING_NAME;
        c.namespaced_key_tags = caps1 & KEYCTL_CAPS1_NS_KEY_TAG;
        c.notifications = caps1 & KEYCTL_CAPS1_NOTIFICATIONS;
        return c;
    }
};

/// Asks the kernel (keyctl_capabilities()); all false on error.
[[nodiscard]] inline kernel_capabilities capabilities(std::error_code& ec) noexcept
{
    unsigned char buf[2] = {0, 0};
    if (detail::failed(keyctl_capabilities(buf, sizeof buf), operation::capabilities, ec))
        return {};
    return kernel_capabilities::from_bytes(buf[0], buf[1]);
}
[[nodiscard]] inline kernel_capabilities capabilities()
{
    std::error_code ec;
    auto c = capabilities(ec);
    detail::throw_if(ec);
    return c;
}

} // namespace keyutils

#endif // KEYUTILS_CAPABILITIES_HPP
