// add_key, request_key, the keyctl() entry point, keyring IDs and sessions.
#include "support.hpp"

#include <string>

#include <sys/wait.h>
#include <unistd.h>

TEST_CASE("add_key creates a key and updates it in place")
{
    key_serial_t a = test::new_key("basic:a", "one");
    key_serial_t again = add_key("user", "basic:a", "two", 3, KEY_SPEC_SESSION_KEYRING);
    REQUIRE(again == a);
    char buf[16] = {};
    REQUIRE(keyctl_read(a, buf, sizeof buf) == 3);
    REQUIRE(std::string(buf, 3) == "two");
}

TEST_CASE("add_key rejects bad arguments with the kernel's errors")
{
    std::string long_type(40, 't');
    REQUIRE_FAILS_WITH(add_key(long_type.c_str(), "d", "x", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    std::string long_desc(5000, 'd');
    REQUIRE_FAILS_WITH(add_key("user", long_desc.c_str(), "x", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    // A user key needs a payload; a keyring must not have one.
    REQUIRE_FAILS_WITH(add_key("user", "basic:empty", nullptr, 0, KEY_SPEC_SESSION_KEYRING), EINVAL);
    REQUIRE_FAILS_WITH(add_key("keyring", "basic:ring", "x", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    // Types beginning with '.' are reserved for the kernel.
    REQUIRE_FAILS_WITH(add_key(".user", "d", "x", 1, KEY_SPEC_SESSION_KEYRING), EPERM);
    REQUIRE_FAILS_WITH(add_key("no_such_type", "d", "x", 1, KEY_SPEC_SESSION_KEYRING), ENODEV);
    REQUIRE_FAILS_WITH(add_key("user", "d", "x", 1, 0), EINVAL);
    REQUIRE_FAILS_WITH(add_key("user", "d", "x", 1, 0x7ffffff0), ENOKEY);
}

TEST_CASE("request_key finds existing keys and reports misses")
{
    key_serial_t k = test::new_key("basic:req", "payload");
    REQUIRE(request_key("user", "basic:req", nullptr, 0) == k);
    REQUIRE_FAILS_WITH(request_key("user", "basic:absent", nullptr, 0), ENOKEY);
    REQUIRE_FAILS_WITH(request_key("no_such_type", "x", nullptr, 0), ENOKEY);
    REQUIRE_FAILS_WITH(request_key(".user", "x", nullptr, 0), EPERM);
}

TEST_CASE("request_key links a found key into the destination keyring")
{
    key_serial_t k = test::new_key("basic:dest", "payload");
    key_serial_t ring = test::new_keyring("basic:destring");
    REQUIRE(request_key("user", "basic:dest", nullptr, ring) == k);
    REQUIRE(keyctl_search(ring, "user", "basic:dest", 0) == k);
}

TEST_CASE("keyctl() passes its arguments straight to the kernel")
{
    key_serial_t session = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    REQUIRE(session > 0);
    REQUIRE(keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) == session);
    key_serial_t k = test::new_key("basic:varargs", "abc");
    char buf[8] = {};
    REQUIRE(keyctl(KEYCTL_READ, k, buf, sizeof buf) == 3);
    REQUIRE(std::string(buf) == "abc");
    REQUIRE_FAILS_WITH(keyctl(9999, 0, 0, 0, 0), EOPNOTSUPP);
}

TEST_CASE("keyctl_get_keyring_ID resolves and creates special keyrings")
{
    REQUIRE_FAILS_WITH(keyctl_get_keyring_ID(KEY_SPEC_THREAD_KEYRING, 0), ENOKEY);
    key_serial_t thread = keyctl_get_keyring_ID(KEY_SPEC_THREAD_KEYRING, 1);
    REQUIRE(thread > 0);
    REQUIRE(keyctl_get_keyring_ID(KEY_SPEC_THREAD_KEYRING, 0) == thread);
    REQUIRE(keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 0) > 0);
    REQUIRE(keyctl_get_keyring_ID(KEY_SPEC_USER_SESSION_KEYRING, 0) > 0);
    REQUIRE_FAILS_WITH(keyctl_get_keyring_ID(KEY_SPEC_GROUP_KEYRING, 0), EINVAL);
    REQUIRE_FAILS_WITH(keyctl_get_keyring_ID(KEY_SPEC_REQKEY_AUTH_KEY, 0), ENOKEY);
    REQUIRE_FAILS_WITH(keyctl_get_keyring_ID(-42, 0), EINVAL);
    REQUIRE_FAILS_WITH(keyctl_get_keyring_ID(0x7ffffff0, 0), ENOKEY);
}

TEST_CASE("keyctl_join_session_keyring joins anonymous and named keyrings")
{
    key_serial_t before = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    key_serial_t named = keyctl_join_session_keyring("basic:named-session");
    REQUIRE(named > 0);
    REQUIRE(named != before);
    REQUIRE(keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) == named);
    char *desc = nullptr;
    REQUIRE(keyctl_describe_alloc(named, &desc) > 0);
    REQUIRE(std::string(desc).rfind(";basic:named-session") != std::string::npos);
    free(desc);
    REQUIRE_FAILS_WITH(keyctl_join_session_keyring(".reserved"), EPERM);
    key_serial_t anon = keyctl_join_session_keyring(nullptr);
    REQUIRE(anon > 0);
    REQUIRE(anon != named);
    keyctl_clear(named);
    keyctl_invalidate(named);
}

TEST_CASE("keyctl_session_to_parent gives the parent the caller's session")
{
    // The child replaces this process's session only when this process is
    // single-threaded: do it from a forked grandparent.
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int fds[2];
        if (pipe(fds) != 0)
            _exit(10);
        pid_t inner = fork();
        if (inner == 0) {
            key_serial_t s = keyctl_join_session_keyring("basic:to-parent");
            long rc = keyctl_session_to_parent();
            ssize_t w = write(fds[1], &s, sizeof s);
            _exit(rc == 0 && s > 0 && w == sizeof s ? 0 : 11);
        }
        int status = 0;
        key_serial_t child_session = 0;
        if (read(fds[0], &child_session, sizeof child_session) != sizeof child_session)
            _exit(12);
        waitpid(inner, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            _exit(13);
        _exit(keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) == child_session ? 0 : 14);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
}

TEST_CASE("keyctl_set_reqkey_keyring returns the previous default")
{
    long old = keyctl_set_reqkey_keyring(KEY_REQKEY_DEFL_SESSION_KEYRING);
    REQUIRE(old >= 0);
    REQUIRE(keyctl_set_reqkey_keyring(KEY_REQKEY_DEFL_NO_CHANGE) == KEY_REQKEY_DEFL_SESSION_KEYRING);
    REQUIRE(keyctl_set_reqkey_keyring(static_cast<int>(old)) == KEY_REQKEY_DEFL_SESSION_KEYRING);
    REQUIRE_FAILS_WITH(keyctl_set_reqkey_keyring(42), EINVAL);
}

TEST_CASE("the version strings name the keyutils release reproduced")
{
    REQUIRE(std::string(keyutils_version_string) == "keyutils-1.6.3");
    std::string build = keyutils_build_string;
    REQUIRE(build.size() == 10);
    REQUIRE(build[4] == '-');
    REQUIRE(build[7] == '-');
}
