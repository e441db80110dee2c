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

// ---------------------------------------------------------------------------
// Argument parsing (args.cpp).

// A key: a number, @t @p @s @u @us @g @a, %type:description or %:keyring.
key_serial_t parse_key(const char *arg);
// strtoul with the given base; the whole argument must be a number, or
// "Unparsable <what>: '<arg>'" and exit 2.
unsigned long parse_ulong(const char *arg, int base, const char *what);
// An owner for chown/chgrp/get_persistent ("Unparsable uid/gid").
unsigned parse_id(const char *arg, const char *what);
// Hex-decodes `text` in place (whitespace between pairs is skipped), returning
// the decoded length; bad input is reported and exits 1.
size_t decode_hex(char *text, size_t len);
// The whole of standard input, NUL-terminated; *len gets its size.
char *read_stdin(size_t *len);
// The whole of a file; reports "<path>: <error>" and exits 1 on failure.
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

// Per-key extras from /proc/keys (flags, expiry), looked up by ID.
struct proc_key_info {
    char flags[8];
    char expiry[16];
};
class proc_keys {
public:
    proc_keys() = default;
    proc_keys(const proc_keys &) = delete;
    proc_keys &operator=(const proc_keys &) = delete;
    ~proc_keys();
    bool find(key_serial_t id, proc_key_info *out);

private:
    struct entry {
        key_serial_t id;
        proc_key_info info;
    };
    void load();
    entry *entries_ = nullptr;
    size_t count_ = 0;
    bool loaded_ = false;
};

// Prints one key as a JSON object from its raw description (or the failure);
// with close false the object is left open for more members.
void json_key(key_serial_t id, char *raw, int error, proc_keys *proc, bool close = true);

// ---------------------------------------------------------------------------
// Commands.  Each gets argc/argv with argv[0] the command name and returns
// the exit status.

using command_fn = int (*)(int argc, char **argv);

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

// quota.cpp
int cmd_quota(int argc, char **argv);
// Reads this user's usage and limits; false if /proc gives nothing.
struct quota_figures {
    unsigned uid;
    long keys, max_keys, bytes, max_bytes;
};
bool read_quota(quota_figures *q);

// selftest.cpp
int cmd_test(int argc, char **argv);

} // namespace keyctl_tool
