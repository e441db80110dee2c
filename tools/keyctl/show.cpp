// Commands that display keys: show, list, rlist, describe, rdescribe, read,
// pipe, print.
//
// show walks the tree with one KEYCTL_DESCRIBE per key (into a buffer that
// fits any ordinary description) and one KEYCTL_READ per keyring (into a
// buffer kept per depth and grown only when a keyring outgrows it).  The
// buffers outlive the command, for the next one of a batch: a command that
// fails frees nothing (end_command).
#include "keyctl.hpp"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

namespace keyctl_tool {

namespace {

// Descriptions are at most 4095 bytes of text plus the fixed fields.
constexpr size_t describe_buffer_size = 4096 + 128;

// Describes `id` into `buf`, falling back to an allocation (returned through
// *heap, to be freed) for the unusual larger description.  Returns the text
// or null with errno set.
char *describe_into(key_serial_t id, char *buf, size_t size, char **heap)
{
    *heap = nullptr;
    long n = keyctl_describe(id, buf, size);
    if (n < 0)
        return nullptr;
    if (static_cast<size_t>(n) <= size)
        return buf;
    if (keyctl_describe_alloc(id, heap) < 0)
        return nullptr;
    return *heap;
}

// A growable buffer for a keyring's contents.
struct id_list {
    key_serial_t *ids = nullptr;
    size_t cap = 0; // bytes
};

constexpr int max_depth = 64;
// One buffer per depth of show's walk; list and rlist use the first.
id_list keyring_buffers[max_depth];

// Reads keyring `id` into `list` with one call when it fits; returns the
// number of bytes of contents or -1 with errno set.
long read_keyring(key_serial_t id, id_list *list)
{
    if (list->cap == 0) {
        list->cap = 16384;
        list->ids = static_cast<key_serial_t *>(malloc(list->cap));
        if (!list->ids)
            return -1;
    }
    for (;;) {
        long n = keyctl_read(id, reinterpret_cast<char *>(list->ids), list->cap);
        if (n < 0 || static_cast<size_t>(n) <= list->cap)
            return n;
        // The keyring grew past the buffer: make room and read it again.
        size_t bigger = static_cast<size_t>(n) + 4096;
        key_serial_t *p = static_cast<key_serial_t *>(realloc(list->ids, bigger));
        if (!p)
            return -1;
        list->ids = p;
        list->cap = bigger;
    }
}

class tree_printer {
public:
    explicit tree_printer(bool hex) : hex_(hex) {}
    tree_printer(const tree_printer &) = delete;
    tree_printer &operator=(const tree_printer &) = delete;

    void print(key_serial_t id, int depth)
    {
        char *heap;
        char *raw = describe_into(id, desc_, sizeof desc_, &heap);
        if (!raw) {
            printf("%d: key inaccessible (%s)\n", id, strerror(errno));
            return;
        }
        description d;
        if (!parse_description(raw, &d)) {
            free(heap);
            return;
        }
        char perm[9];
        effective_perm_string(d.perm, d.uid, d.gid, perm);
        if (hex_)
            printf("0x%08x %s  %5d %5d  ", static_cast<unsigned>(id), perm, d.uid, d.gid);
        else
            printf("%10d %s  %5d %5d  ", id, perm, d.uid, d.gid);
        if (depth > 0) {
            putchar(' ');
            for (int level = 1; level < depth; level++)
                fputs(more_[level] ? "|   " : "    ", stdout);
            fputs("\\_ ", stdout);
        }
        printf("%s: %s\n", d.type, d.text);
        bool keyring = strcmp(d.type, "keyring") == 0;
        free(heap);
        if (!keyring)
            return;
        if (depth + 1 >= max_depth)
            return;

        id_list &list = keyring_buffers[depth];
        long len = read_keyring(id, &list);
        if (len < 0)
            fail("keyctl_read_alloc");
        size_t n = static_cast<size_t>(len) / sizeof(key_serial_t);
        for (size_t i = 0; i < n; i++) {
            more_[depth + 1] = i + 1 < n;
            print(list.ids[i], depth + 1);
        }
    }

    void print_json(key_serial_t id, int depth, proc_keys *proc)
    {
        char *heap;
        char *raw = describe_into(id, desc_, sizeof desc_, &heap);
        int error = raw ? 0 : errno;
        bool keyring = raw && strncmp(raw, "keyring;", 8) == 0;
        json_key(id, raw, error, proc, false);
        free(heap);
        if (keyring && depth + 1 < max_depth) {
            id_list &list = keyring_buffers[depth];
            long len = read_keyring(id, &list);
            if (len < 0) {
                int e = errno;
                fputs(",\"children_error\":", stdout);
                json_string(strerror(e));
            } else {
                size_t n = static_cast<size_t>(len) / sizeof(key_serial_t);
                fputs(",\"children\":[", stdout);
                for (size_t i = 0; i < n; i++) {
                    if (i)
                        putchar(',');
                    print_json(list.ids[i], depth + 1, proc);
                }
                putchar(']');
            }
        }
        putchar('}');
    }

private:
    bool hex_;
    bool more_[max_depth] = {};
    char desc_[describe_buffer_size];
};

// The keyring or key named on the command line, plus the raw description.
struct described {
    key_serial_t id;
    char *raw;
    char *heap;
    char buf[describe_buffer_size];
};

} // namespace

int cmd_show(int argc, char **argv)
{
    bool hex = false;
    int i = 1;
    if (i < argc && strcmp(argv[i], "-x") == 0) {
        hex = true;
        i++;
    }
    if (argc - i > 1)
        usage();
    key_serial_t key = KEY_SPEC_SESSION_KEYRING;
    if (i < argc)
        key = parse_key(argv[i]);

    if (!json_output)
        fputs(i < argc ? "Keyring\n" : "Session Keyring\n", stdout);
    key_serial_t root = keyctl_get_keyring_ID(key, 0);
    if (root < 0) {
        int e = errno;
        die(1, "Unable to dump key: %s\n", strerror(e));
    }

    tree_printer tree(hex);
    if (json_output) {
        proc_keys proc;
        printf("{\"session\":%s,\"root\":", i < argc ? "false" : "true");
        tree.print_json(root, 0, &proc);
        fputs("}\n", stdout);
    } else {
        tree.print(root, 0);
    }
    return 0;
}

// list and rlist: the members of the keyring named by their one argument.
static size_t keyring_argument(int argc, char **argv, key_serial_t *keyring, id_list **list)
{
    if (argc != 2)
        usage();
    *keyring = parse_key(argv[1]);
    *list = &keyring_buffers[0];
    long len = read_keyring(*keyring, *list);
    if (len < 0)
        fail("keyctl_read_alloc");
    return static_cast<size_t>(len) / sizeof(key_serial_t);
}

// The start of the JSON object list and rlist print, with the keyring's real ID.
static void json_keyring_open(key_serial_t keyring)
{
    key_serial_t real = keyctl_get_keyring_ID(keyring, 0);
    printf("{\"keyring\":%d,\"keys\":[", real < 0 ? keyring : real);
}

int cmd_list(int argc, char **argv)
{
    key_serial_t keyring;
    id_list *list;
    size_t n = keyring_argument(argc, argv, &keyring, &list);

    proc_keys proc;
    if (json_output) {
        json_keyring_open(keyring);
    } else if (n == 0) {
        fputs("keyring is empty\n", stdout);
    } else {
        printf("%zu key%s in keyring:\n", n, n == 1 ? "" : "s");
    }

    static char buf[describe_buffer_size];
    for (size_t i = 0; i < n; i++) {
        key_serial_t id = list->ids[i];
        char *heap;
        char *raw = describe_into(id, buf, sizeof buf, &heap);
        if (json_output) {
            if (i)
                putchar(',');
            json_key(id, raw, raw ? 0 : errno, &proc);
        } else if (!raw) {
            printf("%9d: key inaccessible (%s)\n", id, strerror(errno));
        } else {
            description d;
            if (parse_description(raw, &d)) {
                char perm[9];
                effective_perm_string(d.perm, d.uid, d.gid, perm);
                printf("%9d: %s %5d %5d %s: %s\n", id, perm, d.uid, d.gid, d.type, d.text);
            }
        }
        free(heap);
    }
    if (json_output)
        fputs("]}\n", stdout);
    return 0;
}

int cmd_rlist(int argc, char **argv)
{
    key_serial_t keyring;
    id_list *list;
    size_t n = keyring_argument(argc, argv, &keyring, &list);
    if (json_output) {
        json_keyring_open(keyring);
        for (size_t i = 0; i < n; i++)
            printf(i ? ",%d" : "%d", list->ids[i]);
        fputs("]}\n", stdout);
    } else {
        for (size_t i = 0; i < n; i++)
            printf(i ? " %d" : "%d", list->ids[i]);
        putchar('\n');
    }
    return 0;
}

static void describe_key(key_serial_t key, described *out, const char *what)
{
    out->id = key;
    out->raw = describe_into(key, out->buf, sizeof out->buf, &out->heap);
    if (!out->raw)
        fail(what);
}

static void describe_json(key_serial_t key, described *d)
{
    proc_keys proc;
    key_serial_t real = keyctl_get_keyring_ID(key, 0);
    json_key(real < 0 ? key : real, d->raw, 0, &proc);
    putchar('\n');
}

int cmd_describe(int argc, char **argv)
{
    if (argc != 2)
        usage();
    key_serial_t key = parse_key(argv[1]);
    static described d;
    describe_key(key, &d, "keyctl_describe_alloc");
    if (json_output) {
        describe_json(key, &d);
    } else {
        description desc;
        if (parse_description(d.raw, &desc)) {
            char perm[25];
            full_perm_string(desc.perm, perm);
            printf("%9d: %s %5d %5d %s: %s\n", key, perm, desc.uid, desc.gid, desc.type,
                   desc.text);
        }
    }
    free(d.heap);
    return 0;
}

int cmd_rdescribe(int argc, char **argv)
{
    if (argc != 2 && argc != 3)
        usage();
    if (argc == 3 && argv[2][0] == '\0')
        usage();
    key_serial_t key = parse_key(argv[1]);
    static described d;
    describe_key(key, &d, "keyctl_describe");
    if (json_output) {
        describe_json(key, &d);
    } else {
        if (argc == 3) {
            for (char *p = d.raw; *p; p++) {
                if (*p == ';')
                    *p = argv[2][0];
            }
        }
        printf("%s\n", d.raw);
    }
    free(d.heap);
    return 0;
}

namespace {

struct payload_read {
    key_serial_t key;
    unsigned char *data;
    size_t len;
};

payload_read read_payload(int argc, char **argv)
{
    if (argc != 2)
        usage();
    key_serial_t key = parse_key(argv[1]);
    void *buf;
    long n = keyctl_read_alloc(key, &buf);
    if (n < 0)
        fail("keyctl_read_alloc");
    return {key, static_cast<unsigned char *>(hold(buf)), static_cast<size_t>(n)};
}

void payload_json(const payload_read &p, bool with_text)
{
    key_serial_t real = keyctl_get_keyring_ID(p.key, 0);
    printf("{\"id\":%d,\"length\":%zu", real < 0 ? p.key : real, p.len);
    if (with_text) {
        bool printable = all_printable(p.data, p.len);
        printf(",\"printable\":%s", printable ? "true" : "false");
        if (printable) {
            fputs(",\"text\":", stdout);
            json_string_n(reinterpret_cast<const char *>(p.data), p.len);
        }
    }
    fputs(",\"hex\":\"", stdout);
    hex_string(stdout, p.data, p.len);
    fputs("\"}\n", stdout);
}

} // namespace

int cmd_read(int argc, char **argv)
{
    payload_read p = read_payload(argc, argv);
    if (json_output) {
        payload_json(p, false);
    } else if (p.len == 0) {
        fputs("No data in key\n", stdout);
    } else {
        printf("%zu bytes of data in key:\n", p.len);
        hex_dump(stdout, p.data, p.len);
    }
    return 0;
}

int cmd_pipe(int argc, char **argv)
{
    payload_read p = read_payload(argc, argv);
    if (p.len && fwrite(p.data, 1, p.len, stdout) != p.len)
        fail("write");
    return 0;
}

int cmd_print(int argc, char **argv)
{
    payload_read p = read_payload(argc, argv);
    if (json_output) {
        payload_json(p, true);
    } else if (all_printable(p.data, p.len)) {
        fwrite(p.data, 1, p.len, stdout);
        putchar('\n');
    } else {
        fputs(":hex:", stdout);
        hex_string(stdout, p.data, p.len);
        putchar('\n');
    }
    return 0;
}

} // namespace keyctl_tool
