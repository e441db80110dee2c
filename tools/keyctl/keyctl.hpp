// keyctl(1): declarations shared by the tool's source files.
//
// The tool is written in the C-like subset of C++ and uses nothing from the
// C++ runtime library, so it starts as fast as a C program.
#pragma once

#include <keyutils.h>
#include <stddef.h>
#include <stdio.h>

namespace keyctl_tool {

// Set by the global --json option.
extern bool json_output;

// ---------------------------------------------------------------------------
// Failure reporting (report.cpp).  Messages and exit codes are those of
// keyutils' keyctl; hints go to stderr only when it is a terminal.

// A command ends early through end_command(), which exits, or in batch mode
// (batch.cpp) jumps back to the batch loop: so nothing with a destructor may
// be alive in a command's frames where it can fail, and memory that must
// outlive a failure is held (hold()) rather than freed by the command.
[[noreturn]] void end_command(int status);
// Where an error message starts: flushes stdout, so that the message follows
// what the command printed, as it does for a command run on its own.
void begin_error_message();

// Prints the usage text on stderr and exits 2.
[[noreturn]] void usage();
// The same for the hidden --test commands.
[[noreturn]] void test_usage();
// "<what>: <strerror(errno)>", hints, exit 1.
[[noreturn]] void fail(const char *what);
// Prints a message (printf format) on stderr and exits with `status`.
[[noreturn]] void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Prints the diagnostic hints for `error` when stderr is a terminal.
void print_hints(int error);
// Whether the keyring system calls are blocked here (seccomp, or a kernel
// without keys): even looking up the session keyring fails with EPERM or
// ENOSYS.  *error gets that call's errno (0 when it worked).
bool keyrings_blocked(int *error);

// ---------------------------------------------------------------------------
// Dispatch (main.cpp) and batch mode (batch.cpp).

using command_fn = int (*)(int argc, char **argv);

struct command {
    const char *name;
    command_fn fn; // null: one more usage line of the command above
    const char *syntax;
    // Batch mode refuses the command when this is set, saying why.
    const char *not_in_batch = nullptr;
    // It reads standard input, which it cannot do when the batch is read
    // from there.
    bool reads_stdin = false;
};

// The command called `name`, or null.
const command *find_command(const char *name);
// Runs argv[0] (a command name) with its arguments; returns the exit status.
int run_command(int argc, char **argv);
// keyctl [--json] -f FILE [--force]: one command per line of FILE ("-" for
// standard input).
int run_batch(const char *path, bool force, bool json);

// Keeps `p` (malloc'd, may be null) until the running command ends, failed
// or not, when it is freed; returns `p`.
void *hold(void *p);
// Frees what the ended command held.
void free_held();

// ---------------------------------------------------------------------------
// Argument parsing (args.cpp).

// A key: a number, @t @p @s @u @us @g @a, %type:description or %:keyring.
key_serial_t parse_key(const char *arg);
// strtoul with the given base; the whole argument must be a number, or
// "Unparsable <what>: '<arg>'" and exit 2.
unsigned long parse_ulong(const char *arg, int base, const char *what);
// An owner for chown/chgrp/get_persistent ("Unparsable uid/gid").
unsigned parse_id(const char *arg, const char *what);
// A permission mask, any base ("Unparsable permissions").
key_perm_t parse_permissions(const char *arg);
// Hex-decodes `text` in place (whitespace between pairs is skipped), returning
// the decoded length; bad input is reported and exits 1.
size_t decode_hex(char *text, size_t len);
// The whole of standard input, NUL-terminated and held; *len gets its size.
char *read_stdin(size_t *len);
// The whole of a file, held; reports "<path>: <error>" and exits 1 on failure.
char *read_file(const char *path, size_t *len);

// A payload given on the command line or on stdin, optionally as hex.
struct payload {
    char *data;
    size_t len;
};
payload payload_arg(char *arg, bool hex);
payload payload_stdin(bool hex);

// ---------------------------------------------------------------------------
// Key descriptions and formatting (format.cpp).

// "type;uid;gid;perm;description" split in place; the description is
// everything after the fourth ';' and may itself contain ';'.
struct description {
    const char *type;
    const char *text;
    int uid;
    int gid;
    unsigned perm;
};
bool parse_description(char *raw, description *out);

// The caller's view of a permission mask, as keyctl list and show print it:
// possessor rights plus those of the first of user/group/other that applies.
void effective_perm_string(unsigned perm, int uid, int gid, char out[9]);
// All four classes, 24 characters, as keyctl describe prints them.
void full_perm_string(unsigned perm, char out[25]);

// "NN bytes of data in key:" style dump: groups of 4 bytes, 32 per line.
void hex_dump(FILE *f, const unsigned char *data, size_t len);
void hex_string(FILE *f, const unsigned char *data, size_t len);
bool all_printable(const unsigned char *data, size_t len);

// Minimal JSON writer on stdout.
void json_string(const char *s);
void json_string_n(const char *s, size_t len);

// Per-key extras from /proc/keys (flags, expiry, owner), looked up by ID.
struct proc_key_info {
    char flags[8];
    char expiry[16];
    unsigned uid;
    bool in_quota;
    bool awaits_gc; // revoked, invalidated, dead or expired
};
class proc_keys {
public:
    struct entry {
        key_serial_t id;
        proc_key_info info;
    };

    proc_keys() = default;
    proc_keys(const proc_keys &) = delete;
    proc_keys &operator=(const proc_keys &) = delete;
    ~proc_keys();
    bool find(key_serial_t id, proc_key_info *out);
    // Every key listed, in the file's order.
    const entry *entries(size_t *count);
    // errno of opening the file (0 when it opened), and how much it held.
    int open_error();
    size_t bytes_read();

private:
    void load();
    entry *entries_ = nullptr;
    size_t count_ = 0;
    bool loaded_ = false;
    int open_error_ = 0;
    size_t bytes_ = 0;
};

// Prints one key as a JSON object from its raw description (or the failure);
// with close false the object is left open for more members.
void json_key(key_serial_t id, char *raw, int error, proc_keys *proc, bool close = true);

// ---------------------------------------------------------------------------
// Commands.  Each gets argc/argv with argv[0] the command name and returns
// the exit status.

// show.cpp
int cmd_show(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_rlist(int argc, char **argv);
int cmd_describe(int argc, char **argv);
int cmd_rdescribe(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_pipe(int argc, char **argv);
int cmd_print(int argc, char **argv);

// commands.cpp
int cmd_add(int argc, char **argv);
int cmd_padd(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_request2(int argc, char **argv);
int cmd_prequest2(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_pupdate(int argc, char **argv);
int cmd_newring(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_clear(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_unlink(int argc, char **argv);
int cmd_move(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_restrict_keyring(int argc, char **argv);
int cmd_chown(int argc, char **argv);
int cmd_chgrp(int argc, char **argv);
int cmd_setperm(int argc, char **argv);
int cmd_session(int argc, char **argv);
int cmd_new_session(int argc, char **argv);
int cmd_instantiate(int argc, char **argv);
int cmd_pinstantiate(int argc, char **argv);
int cmd_negate(int argc, char **argv);
int cmd_reject(int argc, char **argv);
int cmd_timeout(int argc, char **argv);
int cmd_security(int argc, char **argv);
int cmd_id(int argc, char **argv);
int cmd_invalidate(int argc, char **argv);
int cmd_get_persistent(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_reap(int argc, char **argv);
int cmd_supports(int argc, char **argv);

// crypto.cpp
int cmd_dh_compute(int argc, char **argv);
int cmd_dh_compute_kdf(int argc, char **argv);
int cmd_dh_compute_kdf_oi(int argc, char **argv);
int cmd_pkey_query(int argc, char **argv);
int cmd_pkey_encrypt(int argc, char **argv);
int cmd_pkey_decrypt(int argc, char **argv);
int cmd_pkey_sign(int argc, char **argv);
int cmd_pkey_verify(int argc, char **argv);

// watch.cpp
int cmd_watch(int argc, char **argv);
int cmd_watch_add(int argc, char **argv);
int cmd_watch_rm(int argc, char **argv);
int cmd_watch_session(int argc, char **argv);
int cmd_watch_sync(int argc, char **argv);

// The capabilities keyctl_capabilities() reports, by keyctl supports' names.
struct capability {
    const char *name;
    unsigned byte;
    unsigned char mask;
};
extern const capability capabilities[];
extern const size_t capability_count;
// {"name":bool,...} for every capability, from keyctl_capabilities()'s bytes.
void json_capabilities(const unsigned char *caps);

// doctor.cpp
int cmd_doctor(int argc, char **argv);

// quota.cpp
int cmd_quota(int argc, char **argv);
// The number a /proc/sys file holds, or -1.
long read_number(const char *path);
// Reads this user's usage and limits; false if /proc gives nothing.
struct quota_figures {
    unsigned uid;
    long keys, max_keys, bytes, max_bytes;
};
bool read_quota(quota_figures *q);

// selftest.cpp
int cmd_test(int argc, char **argv);

} // namespace keyctl_tool
