// find_key_by_type_and_desc where /proc/keys shows nothing: /dev/null bound
// over it in a private mount namespace, as container runtimes mask it.  The
// lookup then walks the caller's keyrings (ours; 1.6.3 fails).
#include "support.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

// Failures inside the forked child, which cannot use Catch2's assertions:
// each is printed and counted, and the count is the child's exit status.
int failures = 0;

void expect(bool ok, const std::string &what)
{
    if (!ok) {
        fprintf(stderr, "FAILED in the masked child: %s\n", what.c_str());
        failures++;
    }
}

// What the lookup gives, as "serial" or "-1 ENOKEY".
std::string lookup(const char *type, const std::string &desc, key_serial_t dest = 0)
{
    errno = 0;
    key_serial_t id = find_key_by_type_and_desc(type, desc.c_str(), dest);
    return id < 0 ? "-1 " + test::errno_name(errno) : std::to_string(id);
}

std::string serial(key_serial_t id) { return std::to_string(id); }

bool write_file(const char *path, const std::string &text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    return ok;
}

// A private mount namespace; without CAP_SYS_ADMIN, inside a user namespace
// of its own that maps the caller's uid and gid to themselves (so keys keep
// their owner, though @u and @us are that namespace's own).
std::string enter_private_mount_ns()
{
    if (unshare(CLONE_NEWNS) != 0) {
        if (errno != EPERM)
            return std::string("unshare(CLONE_NEWNS): ") + strerror(errno);
        uid_t uid = geteuid();
        gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
            return std::string("unshare(CLONE_NEWUSER|CLONE_NEWNS): ") + strerror(errno);
        if (!write_file("/proc/self/setgroups", "deny") ||
            !write_file("/proc/self/uid_map", serial(uid) + " " + serial(uid) + " 1") ||
            !write_file("/proc/self/gid_map", serial(gid) + " " + serial(gid) + " 1"))
            return std::string("writing the user namespace's maps: ") + strerror(errno);
    }
    if (mount("none", "/", "none", MS_REC | MS_PRIVATE, nullptr) != 0)
        return std::string("making / private: ") + strerror(errno);
    return "";
}

// /dev/null over /proc/keys, in the namespace entered above only.
std::string mask_proc_keys()
{
    if (mount("/dev/null", "/proc/keys", "none", MS_BIND, nullptr) != 0)
        return std::string("binding /dev/null over /proc/keys: ") + strerror(errno);
    FILE *f = fopen("/proc/keys", "re");
    if (!f)
        return std::string("/proc/keys: ") + strerror(errno);
    bool empty = fgetc(f) == EOF;
    fclose(f);
    return empty ? "" : "/proc/keys still has lines after the bind";
}

// Runs `body` in a child that has entered a private mount namespace; the
// body masks /proc/keys (mask_proc_keys) once it has compared with the scan.
// Returns why the child could not run, or "" after checking its result.
std::string run_masked(void (*body)())
{
    int pipe_fds[2];
    REQUIRE(pipe2(pipe_fds, O_CLOEXEC) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(pipe_fds[0]);
        std::string why = enter_private_mount_ns();
        if (why.empty()) {
            // A session of its own, gone with the child, for what it adds.
            expect(keyctl_join_session_keyring(nullptr) > 0, "joining a new session");
            body();
            _exit(failures);
        }
        if (write(pipe_fds[1], why.data(), why.size()) < 0)
            _exit(100);
        _exit(77);
    }
    close(pipe_fds[1]);
    char buf[512];
    ssize_t n = read(pipe_fds[0], buf, sizeof buf);
    close(pipe_fds[0]);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        return "no private mount namespace here: " + std::string(buf, n > 0 ? n : 0);
    INFO("the child's stderr names each failed check");
    REQUIRE(WEXITSTATUS(status) == 0);
    return "";
}

#define RUN_MASKED(body)                      \
    do {                                      \
        std::string why_ = run_masked(body);  \
        if (!why_.empty())                    \
            SKIP_TEST(why_);                  \
    } while (0)

// Names unique to this process: /proc/keys shows other tests' keys too.
std::string unique(const char *name) { return std::string(name) + ":" + serial(getpid()); }

// Made in the session keyring, where the caller possesses it and may set its
// permissions, then moved into `ring`: below @u, or deeper than the kernel
// searches, the caller does not possess it, and only its user rights count.
key_serial_t add_moved(const char *type, const std::string &desc, key_perm_t perm,
                       key_serial_t ring)
{
    const char *payload = strcmp(type, "keyring") == 0 ? nullptr : "v";
    key_serial_t k = add_key(type, desc.c_str(), payload, payload ? 1 : 0,
                             KEY_SPEC_SESSION_KEYRING);
    if (k < 0 || keyctl_setperm(k, perm) != 0)
        return -1;
    if (ring == KEY_SPEC_SESSION_KEYRING)
        return k;
    if (keyctl_link(k, ring) != 0 || keyctl_unlink(k, KEY_SPEC_SESSION_KEYRING) != 0)
        return -1;
    return k;
}

key_serial_t add_keyring(const std::string &name, key_serial_t parent)
{
    return add_moved("keyring", name, KEY_POS_ALL | KEY_USR_ALL, parent);
}

// A key request_key cannot find (it grants no search), only a lookup that
// reads keyrings and describes keys.
key_serial_t add_unsearchable(const std::string &desc, key_serial_t ring)
{
    key_perm_t rights = KEY_POS_VIEW | KEY_POS_READ | KEY_POS_LINK | KEY_USR_VIEW |
                        KEY_USR_READ | KEY_USR_LINK;
    return add_moved("user", desc, rights, ring);
}

// The case the issue measured: a key in the user keyring, which a fresh
// session does not link, is readable by ID but /proc/keys was the only way
// to find it by name.
void user_keyring_key()
{
    std::string name = unique("masked:in-user");
    key_serial_t k = add_key("user", name.c_str(), "v", 1, KEY_SPEC_SESSION_KEYRING);
    expect(k > 0, "add_key");
    expect(keyctl_setperm(k, KEY_POS_ALL | KEY_USR_ALL) == 0, "setperm");
    expect(keyctl_link(k, KEY_SPEC_USER_KEYRING) == 0, "link into @u");
    expect(keyctl_unlink(k, KEY_SPEC_SESSION_KEYRING) == 0, "unlink from @s");
    expect(request_key("user", name.c_str(), nullptr, 0) < 0 && errno == ENOKEY,
           "request_key does not reach @u");
    expect(lookup("user", name) == serial(k), "the scan finds it: " + lookup("user", name));

    std::string why = mask_proc_keys();
    expect(why.empty(), why);
    expect(lookup("user", name) == serial(k), "the walk finds it: " + lookup("user", name));
    key_serial_t dest = add_keyring(unique("masked:dest"), KEY_SPEC_SESSION_KEYRING);
    expect(lookup("user", name, dest) == serial(k), "found and linked into dest");
    expect(keyctl_search(dest, "user", name.c_str(), 0) == k, "the link is there");
    expect(lookup("user", unique("masked:nowhere")) == "-1 ENOKEY", "a missing key: ENOKEY");
    expect(lookup("user", name.substr(1)) == "-1 ENOKEY", "no partial match");
    keyctl_unlink(k, KEY_SPEC_USER_KEYRING);
}

// One key out of request_key's reach below each of the caller's keyrings,
// and keyrings found by name.
void every_root()
{
    const key_serial_t roots[] = {KEY_SPEC_THREAD_KEYRING, KEY_SPEC_PROCESS_KEYRING,
                                  KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING,
                                  KEY_SPEC_USER_SESSION_KEYRING};
    key_serial_t keys[5], rings[5];
    for (int i = 0; i < 5; i++) {
        keyctl_get_keyring_ID(roots[i], 1);
        rings[i] = add_keyring(unique("masked:root") + serial(i), roots[i]);
        keys[i] = add_unsearchable(unique("masked:below") + serial(i), rings[i]);
        expect(rings[i] > 0 && keys[i] > 0, "setting up under root " + serial(i));
    }
    std::string why = mask_proc_keys();
    expect(why.empty(), why);
    for (int i = 0; i < 5; i++) {
        std::string desc = unique("masked:below") + serial(i);
        expect(lookup("user", desc) == serial(keys[i]), "key under root " + serial(i));
        std::string ring = unique("masked:root") + serial(i);
        expect(lookup("keyring", ring) == serial(rings[i]), "keyring by name " + serial(i));
        expect(lookup("keyring", desc) == "-1 ENOKEY", "type must match " + serial(i));
        keyctl_unlink(rings[i], roots[i]);
    }
}

// Keyrings nested from the top down may go deeper than the kernel searches;
// the walk stops 8 links below the caller's keyrings.
void depth_limit()
{
    key_serial_t ring = KEY_SPEC_SESSION_KEYRING;
    key_serial_t at[11] = {};
    for (int depth = 1; depth <= 10; depth++) {
        ring = add_keyring(unique("masked:level") + serial(depth), ring);
        at[depth] = add_unsearchable(unique("masked:at") + serial(depth), ring);
        expect(ring > 0 && at[depth] > 0, "level " + serial(depth));
    }
    std::string deepest = unique("masked:at") + serial(10);
    expect(lookup("user", deepest) == serial(at[10]), "the scan finds any depth");
    std::string why = mask_proc_keys();
    expect(why.empty(), why);
    // The key in keyring level 7 is 8 links below @s.
    for (int depth = 1; depth <= 7; depth++)
        expect(lookup("user", unique("masked:at") + serial(depth)) == serial(at[depth]),
               "found at level " + serial(depth));
    for (int depth = 8; depth <= 10; depth++)
        expect(lookup("user", unique("masked:at") + serial(depth)) == "-1 ENOKEY",
               "beyond the limit at level " + serial(depth));
}

// Two matches: the scan takes the first /proc/keys lists, the lowest serial;
// the walk takes the same, though it meets the other one first (the lower
// serial sits deeper).
key_serial_t two_matches(const std::string &desc)
{
    key_serial_t stage = add_keyring(unique("masked:stage"), KEY_SPEC_SESSION_KEYRING);
    key_serial_t a = add_unsearchable(desc, stage);
    key_serial_t deep = add_keyring(unique("masked:deep"), KEY_SPEC_SESSION_KEYRING);
    key_serial_t deeper = add_keyring(unique("masked:deeper"), deep);
    key_serial_t other = add_keyring(unique("masked:other"), KEY_SPEC_SESSION_KEYRING);
    // Same description: a second add_key into `stage` would replace `a`.
    key_serial_t b = add_unsearchable(desc, other);
    key_serial_t low = a < b ? a : b, high = a < b ? b : a;
    expect(keyctl_link(low, deeper) == 0 && keyctl_link(high, deep) == 0, "arranging");
    keyctl_unlink(a, stage);
    keyctl_unlink(b, other);
    return low;
}

void lowest_serial()
{
    std::string desc = unique("masked:dup");
    key_serial_t low = two_matches(desc);
    std::string scanned = lookup("user", desc);
    expect(scanned == serial(low), "the scan takes the lowest serial: " + scanned);
    std::string why = mask_proc_keys();
    expect(why.empty(), why);
    std::string walked = lookup("user", desc);
    expect(walked == scanned, "the walk agrees with the scan: " + walked + " vs " + scanned);
}

// Keyrings the caller cannot read and keys it cannot view are passed over.
void unreadable()
{
    key_serial_t closed = add_keyring(unique("masked:closed"), KEY_SPEC_SESSION_KEYRING);
    key_serial_t inside = add_unsearchable(unique("masked:inside"), closed);
    expect(inside > 0, "key in the closed keyring");
    expect(keyctl_setperm(closed, KEY_POS_VIEW | KEY_POS_WRITE | KEY_POS_SETATTR) == 0,
           "closing the keyring");
    key_serial_t open_ring = add_keyring(unique("masked:open"), KEY_SPEC_SESSION_KEYRING);
    key_serial_t hidden = add_key("user", unique("masked:hidden").c_str(), "v", 1, open_ring);
    expect(hidden > 0 && keyctl_setperm(hidden, 0) == 0, "hiding the key");
    key_serial_t visible = add_unsearchable(unique("masked:visible"), open_ring);
    std::string why = mask_proc_keys();
    expect(why.empty(), why);
    expect(lookup("user", unique("masked:inside")) == "-1 ENOKEY", "unreadable keyring");
    // request_key met it and was refused: that is the error reported.
    expect(lookup("user", unique("masked:hidden")) == "-1 EACCES", "unviewable key");
    expect(lookup("user", unique("masked:visible")) == serial(visible), "its neighbour");
    keyctl_setperm(closed, KEY_POS_ALL);
}

// More keys than the walk looks at: the first 8,192 met fill it.  Keys in
// @u are met after those of the session keyring's keyrings.
void key_cap()
{
    key_serial_t filler = add_keyring(unique("masked:filler"), KEY_SPEC_SESSION_KEYRING);
    for (int i = 0; i < 8300; i++) {
        if (add_key("user", ("f" + serial(i)).c_str(), "v", 1, filler) < 0) {
            expect(false, "filler key " + serial(i) + ": " + test::errno_name(errno));
            return;
        }
    }
    key_serial_t far = add_keyring(unique("masked:far"), KEY_SPEC_USER_KEYRING);
    std::string desc = unique("masked:past-the-cap");
    key_serial_t k = add_unsearchable(desc, far);
    std::string why = mask_proc_keys();
    expect(why.empty(), why);
    expect(lookup("user", desc) == "-1 ENOKEY", "past the cap: " + lookup("user", desc));
    keyctl_clear(filler);
    expect(lookup("user", desc) == serial(k), "within it once the filler is gone");
    keyctl_unlink(far, KEY_SPEC_USER_KEYRING);
    keyctl_unlink(filler, KEY_SPEC_SESSION_KEYRING);
}

} // namespace

TEST_CASE("the /proc/keys scan takes the lowest serial of several matches", "[ours]")
{
    std::string desc = unique("masked:scan-dup");
    key_serial_t low = two_matches(desc);
    REQUIRE(failures == 0);
    REQUIRE(find_key_by_type_and_desc("user", desc.c_str(), 0) == low);
}

TEST_CASE("masked /proc/keys: a key in the user keyring is found by name",
          "[ours][may-skip][needs-masked-proc-keys]")
{
    RUN_MASKED(user_keyring_key);
}

TEST_CASE("masked /proc/keys: every keyring of the caller is walked",
          "[ours][may-skip][needs-masked-proc-keys]")
{
    RUN_MASKED(every_root);
}

TEST_CASE("masked /proc/keys: the walk stops 8 keyrings deep",
          "[ours][may-skip][needs-masked-proc-keys]")
{
    RUN_MASKED(depth_limit);
}

TEST_CASE("masked /proc/keys: of several matches the lowest serial, as the scan",
          "[ours][may-skip][needs-masked-proc-keys]")
{
    RUN_MASKED(lowest_serial);
}

TEST_CASE("masked /proc/keys: unreadable keyrings and unviewable keys are passed over",
          "[ours][may-skip][needs-masked-proc-keys]")
{
    RUN_MASKED(unreadable);
}

// Charged to root (the host's root or a user namespace it made): other
// users' quotas (200 keys) cannot hold the filler.
TEST_CASE("masked /proc/keys: the walk looks at 8,192 keys at most",
          "[ours][may-skip][needs-root-quota]")
{
    if (test::host_uid() != 0)
        SKIP_TEST("needs 8,300 keys; uid " + serial(static_cast<key_serial_t>(test::host_uid())) +
                  " has a quota of 200");
    RUN_MASKED(key_cap);
}
