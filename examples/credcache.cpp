// credcache: an example credential cache written with keyutils.hpp. Secrets
// live in the kernel, in a keyring "credcache" under the user keyring (or
// the session keyring with --session), readable only by their owner, and
// expire on their own.
//
//   credcache [--session] put NAME [SECONDS]   store stdin as NAME (default 900 s)
//   credcache [--session] get NAME             print NAME's secret (exit 3 if absent)
//   credcache [--session] forget NAME          remove NAME
//   credcache [--session] list                 list stored names
#include <keyutils.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <unistd.h>

namespace {

using namespace keyutils;

constexpr const char* key_type = "user";
constexpr const char* prefix = "credcache:";

int usage()
{
    std::fprintf(stderr, "usage: credcache [--session] put NAME [SECONDS] | get NAME | forget NAME | list\n");
    return 2;
}

// The cache keyring, created on first use with owner-only rights.
keyring cache(const keyring& home)
{
    if (auto found = home.try_search("keyring", "credcache"))
        return keyring(*found);
    keyring ring = home.add_keyring("credcache");
    ring.setperm(permissions::builder()
                     .possessor(rights::all)
                     .user(rights::view | rights::read | rights::write | rights::search)
                     .build());
    return ring;
}

// The cached key called `name`, if any. A forgotten (invalidated) or expired
// key can still be found until the kernel collects it; it counts as absent.
std::optional<key> lookup(const keyring& ring, const std::string& name)
{
    std::error_code ec;
    auto k = ring.try_search(key_type, prefix + name, keyring(), ec);
    if (ec == errc::key_revoked || ec == errc::key_expired)
        return std::nullopt;
    if (ec)
        throw std::system_error(ec);
    return k;
}

secret read_stdin()
{
    secret buf(4096);
    std::size_t used = 0;
    while (used < buf.size()) {
        ssize_t n = ::read(0, buf.data() + used, buf.size() - used);
        if (n <= 0)
            break;
        used += static_cast<std::size_t>(n);
    }
    // A trailing newline from an interactive `echo` is not part of the secret.
    if (used > 0 && static_cast<char>(buf.data()[used - 1]) == '\n')
        --used;
    buf.truncate(used);
    return buf;
}

} // namespace

int main(int argc, char** argv)
{
    int i = 1;
    keyring home = keyring::user();
    if (i < argc && std::strcmp(argv[i], "--session") == 0) {
        home = keyring::session();
        ++i;
    }
    if (i >= argc)
        return usage();
    std::string cmd = argv[i++];

    try {
        keyring ring = cache(home);
        if (cmd == "put" && (argc - i == 1 || argc - i == 2)) {
            std::string name = prefix + std::string(argv[i]);
            long ttl = argc - i == 2 ? std::strtol(argv[i + 1], nullptr, 10) : 900;
            secret value = read_stdin();
            key k = ring.add(key_type, name, value);
            k.setperm(permissions::builder()
                          .possessor(rights::all)
                          .user(rights::view | rights::read | rights::search | rights::setattr)
                          .build());
            k.set_timeout(std::chrono::seconds(ttl));
            return 0;
        }
        if (cmd == "get" && argc - i == 1) {
            auto k = lookup(ring, argv[i]);
            if (!k) {
                std::fprintf(stderr, "credcache: %s: not cached\n", argv[i]);
                return 3;
            }
            secret value = k->read_secret();
            std::fwrite(value.data(), 1, value.size(), stdout);
            return 0;
        }
        if (cmd == "forget" && argc - i == 1) {
            auto k = lookup(ring, argv[i]);
            if (!k) {
                std::fprintf(stderr, "credcache: %s: not cached\n", argv[i]);
                return 3;
            }
            k->invalidate();
            return 0;
        }
        if (cmd == "list" && argc == i) {
            for (key k : ring.members()) {
                std::error_code ec;
                auto d = k.describe(ec); // forgotten keys fail: skip them
                if (!ec && d.text.rfind(prefix, 0) == 0)
                    std::printf("%s\n", d.text.c_str() + std::strlen(prefix));
            }
            return 0;
        }
        return usage();
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "credcache: %s\n", e.what());
        return 1;
    }
}
