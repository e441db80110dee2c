// Failure reporting: keyutils' messages and exit codes, plus our hints.
#include "keyctl.hpp"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.hpp"

namespace keyctl_tool {

namespace {

// Messages carry their own newline, as 1.6.3's do.  The stream is looked up
// at each message: batch mode puts its own in place of stderr.
tools::log_sink to_stderr()
{
    return {stderr, "", false, false};
}

} // namespace

void begin_error_message()
{
    fflush(stdout);
}

void die(int status, const char *fmt, ...)
{
    begin_error_message();
    va_list ap;
    va_start(ap, fmt);
    tools::log_vmessage(to_stderr(), LOG_ERR, fmt, ap);
    va_end(ap);
    end_command(status);
}

void fail(const char *what)
{
    int error = errno;
    begin_error_message();
    // As perror(3) does, an empty name (an empty file argument) gets no ": ".
    if (*what)
        tools::log_message(to_stderr(), LOG_ERR, "%s: %s\n", what, strerror(error));
    else
        tools::log_message(to_stderr(), LOG_ERR, "%s\n", strerror(error));
    print_hints(error);
    end_command(1);
}

bool keyrings_blocked(int *error)
{
    // Only when even the most harmless call fails is the whole facility
    // blocked; otherwise EPERM is an ordinary refusal.
    int saved = errno;
    long r = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    *error = r < 0 ? errno : 0;
    errno = saved;
    return *error == EPERM || *error == ENOSYS;
}

void print_hints(int error)
{
    // Scripts read stderr too: only people at a terminal get hints.
    if (!isatty(STDERR_FILENO))
        return;

    switch (error) {
    case EACCES:
        fputs("hint: the key's permissions do not grant this to you; rights granted to the\n"
              "hint: \"possessor\" apply only to keys reachable from your session keyring.\n"
              "hint: If the key lives in your user keyring, 'keyctl link @u @s' makes it\n"
              "hint: possessed; 'keyctl describe <key>' shows its permissions.\n",
              stderr);
        break;
    case EDQUOT: {
        quota_figures q;
        if (read_quota(&q)) {
            fprintf(stderr,
                    "hint: uid %u is at its key quota: %ld/%ld keys, %ld/%ld bytes\n"
                    "hint: (limits in /proc/sys/kernel/keys/; 'keyctl quota' shows usage).\n",
                    q.uid, q.keys, q.max_keys, q.bytes, q.max_bytes);
        } else {
            fputs("hint: this user's key quota is exhausted (see 'keyctl quota').\n", stderr);
        }
        break;
    }
    case EPERM:
    case ENOSYS: {
        int blocked_with;
        if (keyrings_blocked(&blocked_with)) {
            fputs("hint: every keyring system call fails here: keyrings look blocked in this\n"
                  "hint: environment (a seccomp filter, such as Docker's default profile, or\n"
                  "hint: a kernel without CONFIG_KEYS).\n",
                  stderr);
        }
        break;
    }
    default:
        break;
    }
}

} // namespace keyctl_tool
