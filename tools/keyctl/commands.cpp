// Commands that create, change and remove keys, sessions and capabilities.
#include "keyctl.hpp"
#include "args.hpp"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

namespace keyctl_tool {

namespace {

// Consumes a leading flag argument such as -x; returns whether it was there.
bool take_flag(int argc, char **argv, int *i, const char *flag)
{
    if (*i < argc && strcmp(argv[*i], flag) == 0) {
        (*i)++;
        return true;
    }
    return false;
}

void print_id(long id)
{
    printf("%ld\n", id);
}

unsigned parse_timeout(const char *arg)
{
    return static_cast<unsigned>(parse_ulong(arg, 10, "timeout"));
}

} // namespace

int cmd_add(int argc, char **argv)
{
    int i = 1;
    bool hex = take_flag(argc, argv, &i, "-x");
    if (argc - i != 4)
        usage();
    payload data = payload_arg(argv[i + 2], hex);
    key_serial_t keyring = parse_key(argv[i + 3]);
    key_serial_t key = add_key(argv[i], argv[i + 1], data.data, data.len, keyring);
    if (key < 0)
        fail("add_key");
    print_id(key);
    return 0;
}

int cmd_padd(int argc, char **argv)
{
    int i = 1;
    bool hex = take_flag(argc, argv, &i, "-x");
    if (argc - i != 3)
        usage();
    payload data = payload_stdin(hex);
    key_serial_t keyring = parse_key(argv[i + 2]);
    key_serial_t key = add_key(argv[i], argv[i + 1], data.data, data.len, keyring);
    if (key < 0)
        fail("add_key");
    print_id(key);
    return 0;
}

static int request(const char *type, const char *desc, const char *info, const char *dest_arg)
{
    key_serial_t dest = dest_arg ? parse_key(dest_arg) : 0;
    key_serial_t key = request_key(type, desc, info, dest);
    if (key < 0)
        fail("request_key");
    print_id(key);
    return 0;
}

int cmd_request(int argc, char **argv)
{
    if (argc != 3 && argc != 4)
        usage();
    return request(argv[1], argv[2], nullptr, argc == 4 ? argv[3] : nullptr);
}

int cmd_request2(int argc, char **argv)
{
    if (argc != 4 && argc != 5)
        usage();
    return request(argv[1], argv[2], argv[3], argc == 5 ? argv[4] : nullptr);
}

int cmd_prequest2(int argc, char **argv)
{
    if (argc != 3 && argc != 4)
        usage();
    size_t len;
    char *info = read_stdin(&len);
    return request(argv[1], argv[2], info, argc == 4 ? argv[3] : nullptr);
}

int cmd_update(int argc, char **argv)
{
    int i = 1;
    bool hex = take_flag(argc, argv, &i, "-x");
    if (argc - i != 2)
        usage();
    payload data = payload_arg(argv[i + 1], hex);
    key_serial_t key = parse_key(argv[i]);
    if (keyctl_update(key, data.data, data.len) < 0)
        fail("keyctl_update");
    return 0;
}

int cmd_pupdate(int argc, char **argv)
{
    int i = 1;
    bool hex = take_flag(argc, argv, &i, "-x");
    if (argc - i != 1)
        usage();
    key_serial_t key = parse_key(argv[i]);
    payload data = payload_stdin(hex);
    if (keyctl_update(key, data.data, data.len) < 0)
        fail("keyctl_update");
    return 0;
}

int cmd_newring(int argc, char **argv)
{
    if (argc != 3)
        usage();
    key_serial_t keyring = parse_key(argv[2]);
    key_serial_t key = add_key("keyring", argv[1], nullptr, 0, keyring);
    if (key < 0)
        fail("add_key");
    print_id(key);
    return 0;
}

// Commands taking one key and calling one function.
static int one_key(int argc, char **argv, long (*op)(key_serial_t), const char *what)
{
    if (argc != 2)
        usage();
    key_serial_t key = parse_key(argv[1]);
    if (op(key) < 0)
        fail(what);
    return 0;
}

int cmd_revoke(int argc, char **argv)
{
    return one_key(argc, argv, keyctl_revoke, "keyctl_revoke");
}

int cmd_clear(int argc, char **argv)
{
    return one_key(argc, argv, keyctl_clear, "keyctl_clear");
}

int cmd_invalidate(int argc, char **argv)
{
    return one_key(argc, argv, keyctl_invalidate, "keyctl_invalidate");
}

int cmd_link(int argc, char **argv)
{
    if (argc != 3)
        usage();
    key_serial_t key = parse_key(argv[1]);
    key_serial_t keyring = parse_key(argv[2]);
    if (keyctl_link(key, keyring) < 0)
        fail("keyctl_link");
    return 0;
}

namespace {

struct unlink_everywhere {
    key_serial_t target;
    int removed;
};

int unlink_scanner(key_serial_t parent, key_serial_t key, char *, int, void *data)
{
    unlink_everywhere *u = static_cast<unlink_everywhere *>(data);
    if (key == u->target && parent != 0 && keyctl_unlink(key, parent) == 0)
        u->removed++;
    return 0;
}

} // namespace

int cmd_unlink(int argc, char **argv)
{
    if (argc != 2 && argc != 3)
        usage();
    key_serial_t key = parse_key(argv[1]);
    if (argc == 3) {
        key_serial_t keyring = parse_key(argv[2]);
        if (keyctl_unlink(key, keyring) < 0)
            fail("keyctl_unlink");
        return 0;
    }
    unlink_everywhere u{key, 0};
    recursive_session_key_scan(unlink_scanner, &u);
    printf("%d links removed\n", u.removed);
    return 0;
}

int cmd_move(int argc, char **argv)
{
    int i = 1;
    // Like 1.6.3, "-f" is an option only with three words after it:
    // "move -f K R" takes "-f" for the key.
    bool force = argc == 5 && take_flag(argc, argv, &i, "-f");
    if (argc - i != 3)
        usage();
    key_serial_t key = parse_key(argv[i]);
    key_serial_t from = parse_key(argv[i + 1]);
    key_serial_t to = parse_key(argv[i + 2]);
    if (keyctl_move(key, from, to, force ? 0 : KEYCTL_MOVE_EXCL) < 0)
        fail("keyctl_move");
    return 0;
}

int cmd_search(int argc, char **argv)
{
    if (argc != 4 && argc != 5)
        usage();
    key_serial_t keyring = parse_key(argv[1]);
    key_serial_t dest = argc == 5 ? parse_key(argv[4]) : 0;
    long key = keyctl_search(keyring, argv[2], argv[3], dest);
    if (key < 0)
        fail("keyctl_search");
    print_id(key);
    return 0;
}

int cmd_restrict_keyring(int argc, char **argv)
{
    if (argc < 2 || argc > 4)
        usage();
    key_serial_t keyring = parse_key(argv[1]);
    const char *type = argc > 2 ? argv[2] : nullptr;
    const char *restriction = argc > 3 ? argv[3] : nullptr;
    if (keyctl_restrict_keyring(keyring, type, restriction) < 0)
        fail("keyctl_restrict_keyring");
    return 0;
}

int cmd_chown(int argc, char **argv)
{
    if (argc != 3)
        usage();
    key_serial_t key = parse_key(argv[1]);
    uid_t uid = parse_id(argv[2], "uid");
    if (keyctl_chown(key, uid, static_cast<gid_t>(-1)) < 0)
        fail("keyctl_chown");
    return 0;
}

int cmd_chgrp(int argc, char **argv)
{
    if (argc != 3)
        usage();
    key_serial_t key = parse_key(argv[1]);
    gid_t gid = parse_id(argv[2], "gid");
    if (keyctl_chown(key, static_cast<uid_t>(-1), gid) < 0)
        fail("keyctl_chown");
    return 0;
}

int cmd_setperm(int argc, char **argv)
{
    if (argc != 3)
        usage();
    key_serial_t key = parse_key(argv[1]);
    key_perm_t perm = parse_permissions(argv[2]);
    if (keyctl_setperm(key, perm) < 0)
        fail("keyctl_setperm");
    return 0;
}

int cmd_session(int argc, char **argv)
{
    const char *name = nullptr;
    if (argc > 1 && strcmp(argv[1], "-") != 0)
        name = argv[1];
    key_serial_t keyring = keyctl_join_session_keyring(name);
    if (keyring < 0)
        fail("keyctl_join_session_keyring");
    fflush(stdout);
    fprintf(stderr, "Joined session keyring: %d\n", keyring);

    if (argc > 2) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        exit(1);
    }
    const char *shell = getenv("SHELL");
    if (!shell)
        shell = "/bin/sh";
    char *shell_argv[] = {const_cast<char *>(shell), nullptr};
    execvp(shell, shell_argv);
    perror(shell);
    exit(1);
}

int cmd_new_session(int argc, char **argv)
{
    if (argc > 2)
        usage();
    key_serial_t keyring = keyctl_join_session_keyring(argc == 2 ? argv[1] : nullptr);
    if (keyring < 0)
        fail("keyctl_join_session_keyring");
    if (keyctl_session_to_parent() < 0)
        fail("keyctl_session_to_parent");
    long id = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    if (id < 0)
        fail("keyctl_get_keyring_ID");
    print_id(id);
    return 0;
}

int cmd_instantiate(int argc, char **argv)
{
    int i = 1;
    bool hex = take_flag(argc, argv, &i, "-x");
    if (argc - i != 3)
        usage();
    key_serial_t key = parse_key(argv[i]);
    key_serial_t keyring = parse_key(argv[i + 2]);
    payload data = payload_arg(argv[i + 1], hex);
    if (keyctl_instantiate(key, data.data, data.len, keyring) < 0)
        fail("keyctl_instantiate");
    return 0;
}

int cmd_pinstantiate(int argc, char **argv)
{
    int i = 1;
    bool hex = take_flag(argc, argv, &i, "-x");
    if (argc - i != 2)
        usage();
    key_serial_t key = parse_key(argv[i]);
    key_serial_t keyring = parse_key(argv[i + 1]);
    payload data = payload_stdin(hex);
    if (keyctl_instantiate(key, data.data, data.len, keyring) < 0)
        fail("keyctl_instantiate");
    return 0;
}

int cmd_negate(int argc, char **argv)
{
    if (argc != 4)
        usage();
    key_serial_t key = parse_key(argv[1]);
    unsigned timeout = parse_timeout(argv[2]);
    key_serial_t keyring = parse_key(argv[3]);
    if (keyctl_negate(key, timeout, keyring) < 0)
        fail("keyctl_negate");
    return 0;
}

int cmd_reject(int argc, char **argv)
{
    if (argc != 5)
        usage();
    key_serial_t key = parse_key(argv[1]);
    unsigned timeout = parse_timeout(argv[2]);
    unsigned error;
    if (!tools::reject_error_by_name(argv[3], &error))
        error = static_cast<unsigned>(parse_ulong(argv[3], 10, "error"));
    key_serial_t keyring = parse_key(argv[4]);
    if (keyctl_reject(key, timeout, error, keyring) < 0)
        fail("keyctl_negate");
    return 0;
}

int cmd_timeout(int argc, char **argv)
{
    if (argc != 3)
        usage();
    key_serial_t key = parse_key(argv[1]);
    unsigned timeout = parse_timeout(argv[2]);
    if (keyctl_set_timeout(key, timeout) < 0)
        fail("keyctl_set_timeout");
    return 0;
}

int cmd_security(int argc, char **argv)
{
    if (argc != 2)
        usage();
    key_serial_t key = parse_key(argv[1]);
    char *label;
    if (keyctl_get_security_alloc(key, &label) < 0)
        fail("keyctl_getsecurity");
    printf("%s\n", label);
    free(label);
    return 0;
}

int cmd_id(int argc, char **argv)
{
    if (argc != 2)
        usage();
    key_serial_t key = parse_key(argv[1]);
    long id = keyctl_get_keyring_ID(key, 0);
    if (id < 0)
        fail("keyctl_get_keyring_ID");
    print_id(id);
    return 0;
}

int cmd_get_persistent(int argc, char **argv)
{
    if (argc != 2 && argc != 3)
        usage();
    key_serial_t keyring = parse_key(argv[1]);
    uid_t uid = argc == 3 ? parse_id(argv[2], "uid") : static_cast<uid_t>(-1);
    long id = keyctl_get_persistent(uid, keyring);
    if (id < 0)
        fail("keyctl_get_persistent");
    print_id(id);
    return 0;
}

// ---------------------------------------------------------------------------
// purge and reap walk the session keyring tree.

namespace {

enum class purge_mode { type_only, description, search };

struct purge_state {
    purge_mode mode;
    const char *type;
    const char *desc;
    bool ignore_case;
    bool prefix;
    int purged;
};

bool description_matches(const purge_state &p, const char *text)
{
    size_t n = strlen(p.desc);
    if (p.prefix) {
        return p.ignore_case ? strncasecmp(text, p.desc, n) == 0
                             : strncmp(text, p.desc, n) == 0;
    }
    return p.ignore_case ? strcasecmp(text, p.desc) == 0 : strcmp(text, p.desc) == 0;
}

int purge_scanner(key_serial_t parent, key_serial_t key, char *raw, int, void *data)
{
    purge_state *p = static_cast<purge_state *>(data);
    if (!raw)
        return 0;
    description d;
    if (!parse_description(raw, &d))
        return 0;

    if (p->mode == purge_mode::search) {
        // Let the kernel's matching find the keys inside each keyring.
        if (strcmp(d.type, "keyring") != 0)
            return 0;
        for (;;) {
            long found = keyctl_search(key, p->type, p->desc, 0);
            if (found < 0 || keyctl_unlink(static_cast<key_serial_t>(found), key) < 0)
                break;
            p->purged++;
        }
        return 0;
    }

    if (parent == 0 || strcmp(d.type, p->type) != 0)
        return 0;
    if (p->mode == purge_mode::description) {
        if (!description_matches(*p, d.text))
            return 0;
        printf("%s '%s'\n", d.type, d.text);
    }
    if (keyctl_unlink(key, parent) == 0)
        p->purged++;
    return 0;
}

struct reap_state {
    bool verbose;
    int reaped;
};

int reap_scanner(key_serial_t parent, key_serial_t key, char *raw, int, void *data)
{
    reap_state *r = static_cast<reap_state *>(data);
    if (raw || parent == 0)
        return 0;
    int error = errno;
    if (error != EKEYEXPIRED && error != EKEYREVOKED && error != EKEYREJECTED && error != ENOKEY)
        return 0;
    if (r->verbose)
        printf("Reap %d", key);
    if (keyctl_unlink(key, parent) < 0) {
        if (r->verbose)
            printf(" failed: %s\n", strerror(errno));
        return 0;
    }
    if (r->verbose)
        putchar('\n');
    r->reaped++;
    return 0;
}

} // namespace

int cmd_purge(int argc, char **argv)
{
    purge_state p{purge_mode::type_only, nullptr, nullptr, false, false, 0};
    int i = 1;
    bool search = false;
    // As in keyutils, only the letter after the '-' counts: "-ip" is "-i".
    for (; i < argc && argv[i][0] == '-'; i++) {
        switch (argv[i][1]) {
        case 'i':
            p.ignore_case = true;
            break;
        case 'p':
            p.prefix = true;
            break;
        case 's':
            search = true;
            break;
        default:
            usage();
        }
    }
    int rest = argc - i;
    if (search) {
        if (p.ignore_case || p.prefix || rest != 2)
            usage();
        p.mode = purge_mode::search;
    } else if (rest == 2) {
        p.mode = purge_mode::description;
    } else if (rest != 1 || p.ignore_case || p.prefix) {
        usage();
    }
    p.type = argv[i];
    p.desc = rest == 2 ? argv[i + 1] : nullptr;
    recursive_session_key_scan(purge_scanner, &p);
    printf("purged %d keys\n", p.purged);
    return 0;
}

int cmd_reap(int argc, char **argv)
{
    reap_state r{false, 0};
    if (argc == 2 && strcmp(argv[1], "-v") == 0)
        r.verbose = true;
    else if (argc != 1)
        usage();
    recursive_session_key_scan(reap_scanner, &r);
    printf("%d keys reaped\n", r.reaped);
    return 0;
}

// ---------------------------------------------------------------------------

const capability capabilities[] = {
    {"capabilities", 0, KEYCTL_CAPS0_CAPABILITIES},
    {"persistent_keyrings", 0, KEYCTL_CAPS0_PERSISTENT_KEYRINGS},
    {"dh_compute", 0, KEYCTL_CAPS0_DIFFIE_HELLMAN},
    {"public_key", 0, KEYCTL_CAPS0_PUBLIC_KEY},
    {"big_key_type", 0, KEYCTL_CAPS0_BIG_KEY},
    {"key_invalidate", 0, KEYCTL_CAPS0_INVALIDATE},
    {"restrict_keyring", 0, KEYCTL_CAPS0_RESTRICT_KEYRING},
    {"move_key", 0, KEYCTL_CAPS0_MOVE},
    {"ns_keyring_name", 1, KEYCTL_CAPS1_NS_KEYRING_NAME},
    {"ns_key_tag", 1, KEYCTL_CAPS1_NS_KEY_TAG},
    {"notify", 1, KEYCTL_CAPS1_NOTIFICATIONS},
};
const size_t capability_count = sizeof capabilities / sizeof capabilities[0];

void json_capabilities(const unsigned char *caps)
{
    putchar('{');
    for (size_t i = 0; i < capability_count; i++) {
        const capability &c = capabilities[i];
        printf("%s\"%s\":%s", i ? "," : "", c.name, (caps[c.byte] & c.mask) ? "true" : "false");
    }
    putchar('}');
}

int cmd_supports(int argc, char **argv)
{
    if (argc > 2)
        usage();
    unsigned char caps[256];
    memset(caps, 0, sizeof caps);
    long n = keyctl_capabilities(caps, sizeof caps);
    if (n < 0)
        fail("keyctl_capabilities");
    size_t len = static_cast<size_t>(n) < sizeof caps ? static_cast<size_t>(n) : sizeof caps;

    auto has = [&](const capability &c) { return (caps[c.byte] & c.mask) != 0; };

    if (argc == 1 || strcmp(argv[1], "--raw") == 0) {
        bool raw = argc == 2;
        if (json_output) {
            fputs("{\"raw\":\"", stdout);
            hex_string(stdout, caps, len);
            fputs("\",\"capabilities\":", stdout);
            json_capabilities(caps);
            fputs("}\n", stdout);
        } else if (raw) {
            hex_string(stdout, caps, len);
            putchar('\n');
        } else {
            for (const capability &c : capabilities)
                printf("have_%s=%d\n", c.name, has(c) ? 1 : 0);
        }
        // keyutils 1.6.3 leaves --raw with status 3; scripts may rely on it.
        return raw ? 3 : 0;
    }

    for (const capability &c : capabilities) {
        if (strcmp(argv[1], c.name) == 0) {
            if (json_output)
                printf("{\"capability\":\"%s\",\"supported\":%s}\n", c.name,
                       has(c) ? "true" : "false");
            return has(c) ? 0 : 1;
        }
    }
    if (json_output) {
        fputs("{\"capability\":", stdout);
        json_string(argv[1]);
        fputs(",\"supported\":null}\n", stdout);
    }
    return 3;
}

} // namespace keyctl_tool
