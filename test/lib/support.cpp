// Test helpers, and the hooks around the test programs' main()
// (../catch_main.hpp): each test process starts in a fresh anonymous session
// keyring of its own and clears it on the way out.
#include "support.hpp"

#include "../catch_main.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <dlfcn.h>

#include <sys/capability.h>
#include <unistd.h>

namespace test {

std::string errno_name(int e)
{
    switch (e) {
#define NAME(x) case x: return #x
        NAME(EPERM); NAME(ENOENT); NAME(EINTR); NAME(EBADF); NAME(ENOMEM);
        NAME(EACCES); NAME(EFAULT); NAME(EBUSY); NAME(EEXIST); NAME(ENODEV);
        NAME(ENOTDIR); NAME(EINVAL); NAME(ENFILE); NAME(ERANGE); NAME(EDEADLK);
        NAME(ENAMETOOLONG); NAME(ENOSYS); NAME(ELOOP); NAME(ENODATA);
        NAME(EOPNOTSUPP); NAME(EDQUOT); NAME(ENOKEY); NAME(EKEYEXPIRED);
        NAME(EKEYREVOKED); NAME(EKEYREJECTED); NAME(EMSGSIZE); NAME(EBADMSG);
#undef NAME
    case 0: return "no error";
    default: return "errno " + std::to_string(e);
    }
}

bool has_cap(int cap)
{
    cap_t caps = cap_get_proc();
    if (!caps)
        return false;
    cap_flag_value_t v = CAP_CLEAR;
    cap_get_flag(caps, static_cast<cap_value_t>(cap), CAP_EFFECTIVE, &v);
    cap_free(caps);
    return v == CAP_SET;
}

bool is_host_root()
{
    if (geteuid() != 0 || !has_cap(CAP_SYS_ADMIN))
        return false;
    // In the initial user namespace uid 0 maps to itself over the whole range.
    // The count, 2^32 - 1, does not fit a 32-bit long: read 64-bit numbers.
    std::ifstream map("/proc/self/uid_map");
    long long inside = -1, outside = -1, count = 0;
    map >> inside >> outside >> count;
    return inside == 0 && outside == 0 && count == 4294967295LL;
}

long host_uid()
{
    std::ifstream map("/proc/self/uid_map");
    long long inside, outside, count;
    long long uid = static_cast<long long>(geteuid());
    while (map >> inside >> outside >> count)
        if (uid >= inside && uid < inside + count)
            return static_cast<long>(outside + (uid - inside));
    return -1;
}

out_of_reach::out_of_reach(key_serial_t r) : ring(r)
{
    REQUIRE(keyctl_link(ring, KEY_SPEC_USER_KEYRING) == 0);
    REQUIRE(keyctl_unlink(ring, KEY_SPEC_SESSION_KEYRING) == 0);
}

key_serial_t new_keyring(const char *name, key_serial_t parent)
{
    key_serial_t id = add_key("keyring", name, nullptr, 0, parent);
    INFO("add_key(keyring, " << name << "): " << errno_name(errno));
    REQUIRE(id > 0);
    return id;
}

key_serial_t new_key(const char *desc, const std::string &payload, key_serial_t ring)
{
    key_serial_t id = add_key("user", desc, payload.data(), payload.size(), ring);
    INFO("add_key(user, " << desc << "): " << errno_name(errno));
    REQUIRE(id > 0);
    return id;
}

} // namespace test

int test_main::before_run()
{
    // The 'reference' suite runs these tests on another library: make sure
    // it is really the one loaded.
    if (const char *dir = getenv("KEYUTILS_EXPECT_LIBDIR")) {
        Dl_info info{};
        if (!dladdr(reinterpret_cast<void *>(keyctl_read), &info) || !info.dli_fname ||
            std::string(info.dli_fname).rfind(dir, 0) != 0) {
            fprintf(stderr, "expected the library from %s, loaded %s\n", dir,
                    info.dli_fname ? info.dli_fname : "?");
            return 1;
        }
    }
    if (keyctl_join_session_keyring(nullptr) < 0) {
        std::perror("keyctl_join_session_keyring");
        return 1;
    }
    return 0;
}

void test_main::after_run() { keyctl_clear(KEY_SPEC_SESSION_KEYRING); }
