// keyctl doctor: the caller's keyring environment checked, one verdict and
// (for what is wrong) one fix per check, as text or as one JSON document.
#include "keyctl.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input.hpp"

#ifndef KEYCTL_REQUEST_KEY_PATH
#define KEYCTL_REQUEST_KEY_PATH "/sbin/request-key"
#endif

namespace keyctl_tool {

namespace {

// ok and info leave the exit status alone, a warning too; a problem makes it 1.
enum class verdict { ok, info, warning, problem, skipped };

const char *verdict_name(verdict v)
{
    switch (v) {
    case verdict::ok: return "ok";
    case verdict::info: return "info";
    case verdict::warning: return "warning";
    case verdict::problem: return "problem";
    case verdict::skipped: return "skipped";
    }
    return "?";
}

const char *errno_name(int e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOKEY: return "ENOKEY";
    case EKEYEXPIRED: return "EKEYEXPIRED";
    case EKEYREVOKED: return "EKEYREVOKED";
    case EDQUOT: return "EDQUOT";
    default: return "an error";
    }
}

// The report being written: text lines, or the members of one JSON document.
struct report {
    int problems;
    int warnings;
    int checks;
    bool in_details;
};
report out = {0, 0, 0, false};

void begin(const char *check, verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void begin(const char *check, verdict v, const char *fmt, ...)
{
    char summary[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(summary, sizeof summary, fmt, ap);
    va_end(ap);
    out.problems += v == verdict::problem;
    out.warnings += v == verdict::warning;
    if (json_output) {
        printf("%s{\"check\":\"%s\",\"verdict\":\"%s\",\"summary\":", out.checks ? "," : "",
               check, verdict_name(v));
        json_string(summary);
    } else {
        printf("[%s] %s: %s\n", verdict_name(v), check, summary);
    }
    out.checks++;
}

void fix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fix(const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (json_output) {
        fputs(",\"fix\":", stdout);
        json_string(text);
    } else {
        printf("    fix: %s\n", text);
    }
}

// JSON members after the summary and fix (nothing in text).
void member(const char *name)
{
    if (json_output)
        printf(",\"%s\":", name);
}
void member_long(const char *name, long value)
{
    if (json_output)
        printf(",\"%s\":%ld", name, value);
}
void member_bool(const char *name, bool value)
{
    if (json_output)
        printf(",\"%s\":%s", name, value ? "true" : "false");
}
void member_string(const char *name, const char *value)
{
    if (json_output) {
        printf(",\"%s\":", name);
        if (value)
            json_string(value);
        else
            fputs("null", stdout);
    }
}
void member_errno(int error)
{
    if (json_output && error)
        printf(",\"errno\":%d,\"error\":\"%s\"", error, errno_name(error));
    else if (json_output)
        fputs(",\"errno\":null", stdout);
}

// A line of evidence (the lint's findings), last before end().
void detail(const char *text, size_t len)
{
    if (json_output) {
        fputs(out.in_details ? "," : ",\"details\":[", stdout);
        json_string_n(text, len);
        out.in_details = true;
    } else {
        printf("    %.*s\n", static_cast<int>(len), text);
    }
}

void end()
{
    if (json_output) {
        fputs(out.in_details ? "]}" : "}", stdout);
        out.in_details = false;
    }
}

void skipped(const char *check)
{
    begin(check, verdict::skipped, "not checked: the keyring system calls are blocked");
    end();
}

// ---------------------------------------------------------------------------
// The checks, in the order they are reported.

bool check_syscalls()
{
    int error;
    if (!keyrings_blocked(&error)) {
        begin("syscalls", verdict::ok, "add_key, request_key and keyctl are allowed");
        member_errno(0);
        end();
        return true;
    }
    begin("syscalls", verdict::problem,
          "every keyring system call fails with %s (%s): keyrings are blocked here",
          errno_name(error), strerror(error));
    if (error == EPERM)
        fix("a seccomp filter refuses add_key, request_key and keyctl (Docker's default "
            "profile does): run with a profile that allows them");
    else
        fix("the kernel lacks key support (CONFIG_KEYS), or a seccomp filter answers ENOSYS: "
            "use a kernel with CONFIG_KEYS=y, or a profile that allows add_key, request_key "
            "and keyctl");
    member_errno(error);
    end();
    return false;
}

key_serial_t check_session()
{
    key_serial_t session = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    if (session < 0) {
        int error = errno;
        begin("session", verdict::problem, "the session keyring cannot be used: %s",
              strerror(error));
        if (error == EKEYREVOKED || error == EKEYEXPIRED)
            fix("the login that made it has ended (pam_keyinit revokes it on logout): start "
                "a new session with 'keyctl new_session', or log in again");
        else
            fix("start a new session with 'keyctl new_session'");
        member_errno(error);
        end();
        return -1;
    }
    key_serial_t user_session = keyctl_get_keyring_ID(KEY_SPEC_USER_SESSION_KEYRING, 0);
    char *raw = nullptr;
    description d{"", "", 0, 0, 0};
    if (keyctl_describe_alloc(session, &raw) < 0 || !parse_description(raw, &d))
        d.text = "?";
    if (session == user_session) {
        begin("session", verdict::problem,
              "the session keyring is the user-session keyring %d \"%s\": this process was "
              "started without a session of its own, so what it adds to @s is shared by "
              "every such process of uid %u and outlives the login",
              session, d.text, static_cast<unsigned>(geteuid()));
        fix("start one with 'keyctl new_session' or 'keyctl session - COMMAND'; for logins, "
            "add 'session optional pam_keyinit.so force revoke' to the PAM service (sshd, "
            "sudo, su, cron)");
    } else {
        begin("session", verdict::ok, "session keyring %d \"%s\"", session, d.text);
    }
    member_long("session", session);
    member_long("user_session", user_session);
    member_string("name", d.text);
    member_bool("fallback", session == user_session);
    end();
    free(raw);
    return session;
}

struct reach {
    key_serial_t target;
    bool found;
};

int note_target(key_serial_t, key_serial_t key, char *, int, void *data)
{
    reach *r = static_cast<reach *>(data);
    if (key == r->target)
        r->found = true;
    return 0;
}

void check_possession(key_serial_t session)
{
    if (session < 0) {
        begin("possession", verdict::skipped, "not checked: no session keyring");
        end();
        return;
    }
    key_serial_t user = keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 0);
    reach r{user, false};
    if (user > 0)
        recursive_key_scan(session, note_target, &r);
    if (r.found) {
        begin("possession", verdict::ok,
              "the user keyring %d is linked into the session keyring: its keys are possessed",
              user);
    } else {
        begin("possession", verdict::warning,
              "the user keyring %d is not reachable from the session keyring: its keys are "
              "not possessed, so their possessor rights do not apply and request_key does "
              "not find them",
              user);
        fix("keyctl link @u @s (pam_keyinit does this for logins)");
    }
    member_long("user", user);
    member_bool("linked", r.found);
    end();
}

void check_proc_keys(proc_keys *proc, key_serial_t session)
{
    size_t count;
    proc->entries(&count);
    proc_key_info info;
    int error = proc->open_error();
    bool ours = session > 0 && proc->find(session, &info);
    const char *unmask = "unmask it (docker run --security-opt systempaths=unconfined; podman "
                         "run --security-opt unmask=/proc/keys); meanwhile '%type:desc' "
                         "lookups walk your own keyrings and miss keys held elsewhere";
    if (error) {
        begin("proc-keys", verdict::problem, "/proc/keys cannot be opened: %s", strerror(error));
        fix("%s", unmask);
    } else if (proc->bytes_read() == 0) {
        begin("proc-keys", verdict::problem,
              "/proc/keys is empty: masked (/dev/null bound over it, as container runtimes do)");
        fix("%s", unmask);
    } else if (session > 0 && !ours) {
        begin("proc-keys", verdict::problem,
              "/proc/keys lists %zu keys but not this session keyring: masked, or another "
              "namespace's",
              count);
        fix("%s", unmask);
    } else {
        begin("proc-keys", verdict::ok, "/proc/keys lists %zu keys", count);
    }
    member_bool("readable", error == 0);
    member_long("lines", static_cast<long>(count));
    member_errno(error);
    end();
}

void check_quota(proc_keys *proc)
{
    quota_figures q;
    if (!read_quota(&q)) {
        begin("quota", verdict::skipped, "cannot read /proc/key-users or /proc/sys/kernel/keys");
        end();
        return;
    }
    size_t count;
    const proc_keys::entry *e = proc->entries(&count);
    long dying = 0;
    for (size_t i = 0; i < count; i++)
        dying += e[i].info.uid == q.uid && e[i].info.in_quota && e[i].info.awaits_gc;
    bool dying_known = proc->bytes_read() > 0;
    long gc_delay = read_number("/proc/sys/kernel/keys/gc_delay");

    long keys_pct = q.max_keys > 0 ? q.keys * 100 / q.max_keys : 0;
    long bytes_pct = q.max_bytes > 0 ? q.bytes * 100 / q.max_bytes : 0;
    long worst = keys_pct > bytes_pct ? keys_pct : bytes_pct;
    verdict v = worst >= 90 ? verdict::problem : worst >= 75 ? verdict::warning : verdict::ok;
    char dying_text[128] = "";
    if (dying_known)
        snprintf(dying_text, sizeof dying_text, "; %ld of the keys await the garbage collector",
                 dying);
    begin("quota", v, "uid %u: %ld/%ld keys, %ld/%ld bytes (%ld%% used)%s", q.uid, q.keys,
          q.max_keys, q.bytes, q.max_bytes, worst, dying_text);
    if (v != verdict::ok)
        fix("unlink or invalidate keys no longer needed ('keyctl purge TYPE', 'keyctl "
            "invalidate KEY'); revoked and expired keys still count until the garbage "
            "collector frees them, %ld s after they died; root can raise "
            "/proc/sys/kernel/keys/maxkeys and maxbytes",
            gc_delay);
    member_long("uid", q.uid);
    if (json_output)
        printf(",\"keys\":{\"used\":%ld,\"max\":%ld},\"bytes\":{\"used\":%ld,\"max\":%ld}", q.keys,
               q.max_keys, q.bytes, q.max_bytes);
    if (dying_known)
        member_long("awaiting_gc", dying);
    else
        member_string("awaiting_gc", nullptr);
    member_long("gc_delay", gc_delay);
    end();
}

// Types of the kernel's own and of common modules.  A type's presence is
// asked with KEYCTL_RESTRICT_KEYRING on a keyring of this process only: the
// kernel looks the type up first and answers ENOKEY for one it lacks, and
// no type takes the made-up restriction.
const char *const probed_types[] = {
    "user",       "logon",       "keyring",    "big_key", "asymmetric", "encrypted",
    "trusted",    "dns_resolver", "rxrpc",     "rxrpc_s", "id_resolver", "id_legacy",
    "cifs.spnego", "cifs.idmap", "ceph",       "pkcs7_test", "blacklist",
};
constexpr size_t probed_count = sizeof probed_types / sizeof probed_types[0];

enum class presence { yes, no, unknown };

void check_key_types()
{
    unsigned char caps[256];
    memset(caps, 0, sizeof caps);
    keyctl_capabilities(caps, sizeof caps);
    presence found[probed_count];
    key_serial_t ring = keyctl_get_keyring_ID(KEY_SPEC_THREAD_KEYRING, 1);
    char offered[512] = "", missing[512] = "";
    size_t unknown = 0;
    for (size_t i = 0; i < probed_count; i++) {
        long r = ring < 0 ? -1 : keyctl_restrict_keyring(ring, probed_types[i], "doctor-probe");
        int e = ring < 0 ? EOPNOTSUPP : errno;
        found[i] = r == 0 || e == ENOENT || e == EINVAL || e == EEXIST ? presence::yes
                   : e == ENOKEY                                       ? presence::no
                                                                       : presence::unknown;
        char *list = found[i] == presence::yes  ? offered
                     : found[i] == presence::no ? missing
                                                : nullptr;
        if (!list) {
            unknown++;
            continue;
        }
        size_t len = strlen(list);
        snprintf(list + len, 512 - len, "%s%s", len ? " " : "", probed_types[i]);
    }
    if (unknown == probed_count)
        begin("key-types", verdict::info,
              "the key types cannot be probed here (no KEYCTL_RESTRICT_KEYRING)");
    else
        begin("key-types", verdict::info, "offered: %s; not offered: %s", offered,
              *missing ? missing : "none of those probed");
    if (json_output) {
        member("types");
        putchar('{');
        for (size_t i = 0; i < probed_count; i++)
            printf("%s\"%s\":%s", i ? "," : "", probed_types[i],
                   found[i] == presence::yes  ? "true"
                   : found[i] == presence::no ? "false"
                                              : "null");
        putchar('}');
        member("capabilities");
        json_capabilities(caps);
    }
    end();
}

void check_persistent()
{
    long expiry = read_number("/proc/sys/kernel/keys/persistent_keyring_expiry");
    // Linked into this process's own keyring, which ends with it.
    long id = keyctl_get_persistent(static_cast<uid_t>(-1), KEY_SPEC_PROCESS_KEYRING);
    int error = id < 0 ? errno : 0;
    if (id >= 0)
        begin("persistent", verdict::ok,
              "the persistent keyring %ld is available (it expires %ld s after its last use)", id,
              expiry);
    else if (error == EOPNOTSUPP)
        begin("persistent", verdict::info,
              "the kernel has no persistent keyrings (CONFIG_PERSISTENT_KEYRINGS): what keeps "
              "credentials there, such as Kerberos KEYRING:persistent caches, cannot");
    else
        begin("persistent", verdict::problem, "keyctl_get_persistent fails: %s", strerror(error));
    if (id < 0 && error != EOPNOTSUPP)
        fix("the kernel has persistent keyrings but refuses this caller's: check for a "
            "seccomp filter or security module policy on keyctl(KEYCTL_GET_PERSISTENT)");
    if (id >= 0)
        member_long("id", id);
    member_errno(error);
    end();
}

// What `program --lint` printed on stdout, and its exit status (-1 when it
// could not be started or did not exit, 127 when exec failed).
struct lint_run {
    tools::input text;
    int status;
};

lint_run run_lint(const char *program)
{
    lint_run run = {{nullptr, 0, false}, -1};
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return run;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        dup2(fds[1], STDOUT_FILENO);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execl(program, program, "--lint", static_cast<char *>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    if (pid > 0) {
        run.text = tools::read_all(fds[0], 1 << 16);
        int raw;
        if (waitpid(pid, &raw, 0) == pid && WIFEXITED(raw))
            run.status = WEXITSTATUS(raw);
    }
    close(fds[0]);
    return run;
}

// request-key --lint, run: its configuration code is C++ with the standard
// library, which keyctl does not load.
void check_request_key()
{
    const char *program = getenv("KEYCTL_REQUEST_KEY");
    if (!program || !*program)
        program = KEYCTL_REQUEST_KEY_PATH;
    lint_run run = run_lint(program);
    tools::input text = run.text;
    int status = run.status;
    size_t len = text.data ? text.size : 0;
    if (status == 127 || status < 0) {
        begin("request-key", verdict::skipped,
              "%s cannot be run: the configuration is not checked", program);
    } else if (status == 1 && len == 0) {
        begin("request-key", verdict::skipped,
              "%s has no --lint (it is not this project's request-key): the configuration is "
              "not checked",
              program);
    } else if (status == 0 && len == 0) {
        begin("request-key", verdict::ok, "the request-key configuration is clean (%s --lint)",
              program);
    } else if (status == 0) {
        begin("request-key", verdict::warning,
              "the request-key configuration has lines that do not do what they seem to");
        fix("see request-key.conf(5) for the lines below");
    } else {
        begin("request-key", verdict::problem,
              "the request-key configuration has errors: keys it should construct are negated "
              "instead");
        fix("correct the lines below (request-key.conf(5)); 'request-key --explain OP TYPE "
            "DESC' shows the rule a request meets");
    }
    member_string("program", program);
    if (status >= 0 && status != 127)
        member_long("status", status);
    else
        member_string("status", nullptr);
    for (size_t start = 0; start < len;) {
        const char *nl = static_cast<const char *>(memchr(text.data + start, '\n', len - start));
        size_t stop = nl ? static_cast<size_t>(nl - text.data) : len;
        if (stop > start)
            detail(text.data + start, stop - start);
        start = stop + 1;
    }
    end();
    free(text.data);
}

} // namespace

int cmd_doctor(int argc, char **)
{
    if (argc != 1)
        usage();
    if (json_output)
        fputs("{\"checks\":[", stdout);
    proc_keys proc;
    bool usable = check_syscalls();
    key_serial_t session = -1;
    if (usable) {
        session = check_session();
        check_possession(session);
    } else {
        skipped("session");
        skipped("possession");
    }
    check_proc_keys(&proc, session);
    check_quota(&proc);
    if (usable) {
        check_key_types();
        check_persistent();
    } else {
        skipped("key-types");
        skipped("persistent");
    }
    check_request_key();

    if (json_output)
        printf("],\"problems\":%d,\"warnings\":%d}\n", out.problems, out.warnings);
    else if (out.problems || out.warnings)
        printf("%d problem%s, %d warning%s\n", out.problems, out.problems == 1 ? "" : "s",
               out.warnings, out.warnings == 1 ? "" : "s");
    else
        puts("no problems found");
    return out.problems ? 1 : 0;
}

} // namespace keyctl_tool
