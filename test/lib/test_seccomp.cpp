// Under a seccomp filter that answers EPERM to add_key, request_key and
// keyctl (as Docker's default profile does), every function fails cleanly.
#include "support.hpp"

#include "../seccomp_filter.hpp"

#include <cstdio>
#include <cstdlib>

#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

int failures = 0;

void expect_eperm(const char *what, long rc)
{
    int e = errno;
    if (rc != -1 || e != EPERM) {
        fprintf(stderr, "%s: returned %ld, errno %s\n", what, rc, test::errno_name(e).c_str());
        failures++;
    }
}

#define EXPECT_EPERM(expr) (errno = 0, expect_eperm(#expr, static_cast<long>(expr)))

int scanned(key_serial_t, key_serial_t, char *desc, int len, void *data)
{
    if (desc != nullptr || len != -1 || errno != EPERM)
        ++*static_cast<int *>(data);
    return 1;
}

// Runs in the filtered child; returns the number of unexpected results.
int run_all()
{
    const key_serial_t k = 12345;
    char buf[64];
    unsigned char caps[4];
    char *text = nullptr;
    void *data = nullptr;
    struct keyctl_pkey_query q{};
    iovec iov{buf, 1};

    EXPECT_EPERM(add_key("user", "d", "x", 1, KEY_SPEC_SESSION_KEYRING));
    EXPECT_EPERM(request_key("user", "d", nullptr, 0));
    EXPECT_EPERM(keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    EXPECT_EPERM(keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0));
    EXPECT_EPERM(keyctl_join_session_keyring(nullptr));
    EXPECT_EPERM(keyctl_update(k, "x", 1));
    EXPECT_EPERM(keyctl_revoke(k));
    EXPECT_EPERM(keyctl_chown(k, 0, 0));
    EXPECT_EPERM(keyctl_setperm(k, 0));
    EXPECT_EPERM(keyctl_describe(k, buf, sizeof buf));
    EXPECT_EPERM(keyctl_clear(k));
    EXPECT_EPERM(keyctl_link(k, k));
    EXPECT_EPERM(keyctl_unlink(k, k));
    EXPECT_EPERM(keyctl_search(k, "user", "d", 0));
    EXPECT_EPERM(keyctl_read(k, buf, sizeof buf));
    EXPECT_EPERM(keyctl_instantiate(k, "x", 1, 0));
    EXPECT_EPERM(keyctl_negate(k, 1, 0));
    EXPECT_EPERM(keyctl_set_reqkey_keyring(0));
    EXPECT_EPERM(keyctl_set_timeout(k, 1));
    EXPECT_EPERM(keyctl_assume_authority(k));
    EXPECT_EPERM(keyctl_get_security(k, buf, sizeof buf));
    EXPECT_EPERM(keyctl_session_to_parent());
    EXPECT_EPERM(keyctl_reject(k, 1, 1, 0));
    EXPECT_EPERM(keyctl_instantiate_iov(k, &iov, 1, 0));
    EXPECT_EPERM(keyctl_invalidate(k));
    EXPECT_EPERM(keyctl_get_persistent(static_cast<uid_t>(-1), 0));
    EXPECT_EPERM(keyctl_dh_compute(k, k, k, buf, sizeof buf));
    EXPECT_EPERM(keyctl_dh_compute_kdf(k, k, k, buf, buf, 1, buf, sizeof buf));
    EXPECT_EPERM(keyctl_restrict_keyring(k, nullptr, nullptr));
    EXPECT_EPERM(keyctl_pkey_query(k, "", &q));
    EXPECT_EPERM(keyctl_pkey_encrypt(k, "", buf, 1, buf, sizeof buf));
    EXPECT_EPERM(keyctl_pkey_decrypt(k, "", buf, 1, buf, sizeof buf));
    EXPECT_EPERM(keyctl_pkey_sign(k, "", buf, 1, buf, sizeof buf));
    EXPECT_EPERM(keyctl_pkey_verify(k, "", buf, 1, buf, 1));
    EXPECT_EPERM(keyctl_move(k, k, k, 0));
    EXPECT_EPERM(keyctl_capabilities(caps, sizeof caps));
    EXPECT_EPERM(keyctl_watch_key(k, -1, 0));
    EXPECT_EPERM(keyctl_describe_alloc(k, &text));
    EXPECT_EPERM(keyctl_read_alloc(k, &data));
    EXPECT_EPERM(keyctl_get_security_alloc(k, &text));
    EXPECT_EPERM(keyctl_dh_compute_alloc(k, k, k, &data));
    EXPECT_EPERM(find_key_by_type_and_desc("user", "d", 0));
    if (text != nullptr || data != nullptr) {
        fprintf(stderr, "an _alloc helper handed out a buffer on failure\n");
        failures++;
    }

    int bad_calls = 0;
    int sum = recursive_key_scan(k, scanned, &bad_calls);
    if (sum != 1 || bad_calls != 0) {
        fprintf(stderr, "recursive_key_scan: sum %d, bad callbacks %d\n", sum, bad_calls);
        failures++;
    }
    sum = recursive_session_key_scan(scanned, &bad_calls);
    if (sum != 0) {
        fprintf(stderr, "recursive_session_key_scan: sum %d\n", sum);
        failures++;
    }
    return failures;
}

} // namespace

TEST_CASE("every function fails with EPERM when keyring calls are blocked")
{
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (!test_seccomp::block_keyring_syscalls(EPERM))
            _exit(100);
        _exit(run_all());
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    INFO("the child's stderr lists each unexpected result");
    REQUIRE(WEXITSTATUS(status) == 0);
}
