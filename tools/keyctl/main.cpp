// keyctl(1): command-line front end to the kernel key retention service,
// compatible with keyutils 1.6.3's keyctl.
#include "keyctl.hpp"

#include <stdlib.h>
#include <string.h>

namespace keyctl_tool {

bool json_output = false;

namespace {

int cmd_version(int, char **)
{
    printf("keyctl from %s (Built %s)\n", keyutils_version_string, keyutils_build_string);
    return 0;
}

// The order is that of the usage text, which scripts and users see.
const command commands[] = {
    {"--version", cmd_version, ""},
    {"add", cmd_add, "[-x] <type> <desc> <data> <keyring>"},
    {"chgrp", cmd_chgrp, "<key> <gid>"},
    {"chown", cmd_chown, "<key> <uid>"},
    {"clear", cmd_clear, "<keyring>"},
    {"describe", cmd_describe, "<keyring>"},
    {"dh_compute", cmd_dh_compute, "<private> <prime> <base>"},
    {"dh_compute_kdf", cmd_dh_compute_kdf, "<private> <prime> <base> <len> <hash_name>"},
    {"dh_compute_kdf_oi", cmd_dh_compute_kdf_oi,
     "[-x] <private> <prime> <base> <len> <hash_name>", nullptr, true},
    {"get_persistent", cmd_get_persistent, "<keyring> [<uid>]"},
    {"id", cmd_id, "<key>"},
    {"instantiate", cmd_instantiate, "[-x] <key> <data> <keyring>"},
    {"invalidate", cmd_invalidate, "<key>"},
    {"link", cmd_link, "<key> <keyring>"},
    {"list", cmd_list, "<keyring>"},
    {"move", cmd_move, "[-f] <key> <from_keyring> <to_keyring>"},
    {"negate", cmd_negate, "<key> <timeout> <keyring>"},
    {"new_session", cmd_new_session, "[<name>]"},
    {"newring", cmd_newring, "<name> <keyring>"},
    {"padd", cmd_padd, "[-x] <type> <desc> <keyring>", nullptr, true},
    {"pinstantiate", cmd_pinstantiate, "[-x] <key> <keyring>", nullptr, true},
    {"pipe", cmd_pipe, "<key>"},
    {"pkey_query", cmd_pkey_query, "<key> <pass> [k=v]*"},
    {"pkey_encrypt", cmd_pkey_encrypt, "<key> <pass> <datafile> [k=v]*"},
    {"pkey_decrypt", cmd_pkey_decrypt, "<key> <pass> <datafile> [k=v]*"},
    {"pkey_sign", cmd_pkey_sign, "<key> <pass> <datafile> [k=v]*"},
    {"pkey_verify", cmd_pkey_verify, "<key> <pass> <datafile> <sigfile> [k=v]*"},
    {"prequest2", cmd_prequest2, "<type> <desc> [<dest_keyring>]", nullptr, true},
    {"print", cmd_print, "<key>"},
    {"pupdate", cmd_pupdate, "[-x] <key>", nullptr, true},
    {"purge", cmd_purge, "<type>"},
    {"purge", nullptr, "[-p] [-i] <type> <desc>"},
    {"purge", nullptr, "-s <type> <desc>"},
    {"rdescribe", cmd_rdescribe, "<keyring> [sep]"},
    {"read", cmd_read, "<key>"},
    {"reap", cmd_reap, "[-v]"},
    {"reject", cmd_reject, "<key> <timeout> <error> <keyring>"},
    {"request", cmd_request, "<type> <desc> [<dest_keyring>]"},
    {"request2", cmd_request2, "<type> <desc> <info> [<dest_keyring>]"},
    {"restrict_keyring", cmd_restrict_keyring, "<keyring> [<type> [<restriction>]]"},
    {"revoke", cmd_revoke, "<key>"},
    {"rlist", cmd_rlist, "<keyring>"},
    {"search", cmd_search, "<keyring> <type> <desc> [<dest_keyring>]"},
    {"security", cmd_security, "<key>"},
    {"session", cmd_session, "", "it replaces the keyctl process with a program"},
    {"session", nullptr, "- [<prog> <arg1> <arg2> ...]"},
    {"session", nullptr, "<name> [<prog> <arg1> <arg2> ...]"},
    {"setperm", cmd_setperm, "<key> <mask>"},
    {"show", cmd_show, "[-x] [<keyring>]"},
    {"supports", cmd_supports, "[<cap> | --raw]"},
    {"timeout", cmd_timeout, "<key> <timeout>"},
    {"unlink", cmd_unlink, "<key> [<keyring>]"},
    {"update", cmd_update, "[-x] <key> <data>"},
    {"watch", cmd_watch, "[-f<filters>] <key>"},
    {"watch_add", cmd_watch_add, "<fd> <key>"},
    {"watch_rm", cmd_watch_rm, "<fd> <key>"},
    {"watch_session", cmd_watch_session,
     "[-f<filters>] [-n <name>] <notifylog> <gclog> <fd> <prog> [<arg1> <arg2> ...]",
     "it would leave the batch in the session keyring it joins"},
    {"watch_sync", cmd_watch_sync, "<fd>"},
    {"--test", cmd_test, "..."},
};

// Our own additions: accepted, but kept out of the usage text so that it
// stays byte-identical to keyutils'.
const command extensions[] = {
    {"quota", cmd_quota, ""},
    {"doctor", cmd_doctor, ""},
};

const char id_help[] =
    "\n"
    "Key/keyring ID:\n"
    "  <nnn>   numeric keyring ID\n"
    "  @t      thread keyring\n"
    "  @p      process keyring\n"
    "  @s      session keyring\n"
    "  @u      user keyring\n"
    "  @us     user default session keyring\n"
    "  @g      group keyring\n"
    "  @a      assumed request_key authorisation key\n"
    "\n"
    "<type> can be \"user\" for a user-defined keyring\n"
    "If you do this, prefix the description with \"<subtype>:\"\n";

} // namespace

void usage()
{
    begin_error_message();
    fputs("Format:\n", stderr);
    for (const command &c : commands)
        fprintf(stderr, "  keyctl %s %s\n", c.name, c.syntax);
    fputs(id_help, stderr);
    end_command(2);
}

void test_usage()
{
    begin_error_message();
    fputs("Format:\n"
          "  keyctl --test limits \n"
          "  keyctl --test limits2 \n",
          stderr);
    fputs(id_help, stderr);
    end_command(2);
}

const command *find_command(const char *name)
{
    for (const command &c : commands) {
        if (c.fn && strcmp(c.name, name) == 0)
            return &c;
    }
    for (const command &c : extensions) {
        if (strcmp(c.name, name) == 0)
            return &c;
    }
    return nullptr;
}

int run_command(int argc, char **argv)
{
    if (argc < 1)
        usage();
    const command *c = find_command(argv[0]);
    if (!c) {
        begin_error_message();
        fputs("Unknown command\n", stderr);
        return 2;
    }
    return c->fn(argc, argv);
}

} // namespace keyctl_tool

namespace {

// The options of batch mode, which 1.6.3's usage text does not show.
[[noreturn]] void batch_usage()
{
    fputs("Format:\n"
          "  keyctl [--json] -f <file> [--force]\n"
          "  keyctl [--json] -f - [--force]\n",
          stderr);
    exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    using namespace keyctl_tool;

    // Global options, in any order before the command: --json (once: a
    // second one is taken for the command, as it always was), -f FILE and
    // --force.
    bool json = false, force = false;
    const char *batch = nullptr;
    int first = 1;
    for (; first < argc; first++) {
        if (!json && strcmp(argv[first], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[first], "--force") == 0) {
            force = true;
        } else if (strcmp(argv[first], "-f") == 0) {
            if (batch || first + 1 >= argc)
                batch_usage();
            batch = argv[++first];
        } else {
            break;
        }
    }
    if (batch) {
        if (first < argc)
            batch_usage();
        return run_batch(batch, force, json);
    }
    if (force)
        batch_usage();
    json_output = json;

    int status = run_command(argc - first, argv + first);
    if (fflush(stdout) != 0 || ferror(stdout))
        return status ? status : 1;
    return status;
}
