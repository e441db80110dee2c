// Key descriptions, permission strings, hex dumps and JSON output.
#include "keyctl.hpp"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace keyctl_tool {

bool parse_description(char *raw, description *out)
{
    // The four fixed fields come first; the description is the rest, so a
    // ';' inside it is kept.
    char *field[4];
    char *p = raw;
    for (int i = 0; i < 4; i++) {
        char *semi = strchr(p, ';');
        if (!semi)
            return false;
        *semi = '\0';
        field[i] = p;
        p = semi + 1;
    }
    out->type = field[0];
    out->uid = static_cast<int>(strtol(field[1], nullptr, 10));
    out->gid = static_cast<int>(strtol(field[2], nullptr, 10));
    out->perm = static_cast<unsigned>(strtoul(field[3], nullptr, 16));
    out->text = p;
    return true;
}

namespace {

struct identity {
    bool known = false;
    uid_t uid;
    gid_t gid;
    gid_t *groups = nullptr;
    int ngroups = 0;
};
identity self;

void learn_identity()
{
    if (self.known)
        return;
    self.known = true;
    self.uid = geteuid();
    self.gid = getegid();
    int n = getgroups(0, nullptr);
    if (n > 0) {
        self.groups = static_cast<gid_t *>(malloc(sizeof(gid_t) * static_cast<size_t>(n)));
        if (self.groups)
            self.ngroups = getgroups(n, self.groups);
        if (self.ngroups < 0)
            self.ngroups = 0;
    }
}

bool in_group(int gid)
{
    if (static_cast<gid_t>(gid) == self.gid)
        return true;
    for (int i = 0; i < self.ngroups; i++) {
        if (self.groups[i] == static_cast<gid_t>(gid))
            return true;
    }
    return false;
}

// "alswrv" with '-' for each missing right of one 6-bit class.
void class_string(unsigned bits, char *out)
{
    const char letters[] = "alswrv";
    for (int i = 0; i < 6; i++)
        out[i] = (bits & (0x20u >> i)) ? letters[i] : '-';
}

} // namespace

void effective_perm_string(unsigned perm, int uid, int gid, char out[9])
{
    learn_identity();
    unsigned rights = perm >> 24;
    if (static_cast<uid_t>(uid) == self.uid)
        rights |= perm >> 16;
    else if (in_group(gid))
        rights |= perm >> 8;
    else
        rights |= perm;
    rights &= 0xff;
    // Two positions for bits the kernel does not define yet, then alswrv.
    out[0] = (rights & 0x80) ? '?' : '-';
    out[1] = (rights & 0x40) ? '?' : '-';
    class_string(rights, out + 2);
    out[8] = '\0';
}

void full_perm_string(unsigned perm, char out[25])
{
    for (int i = 0; i < 4; i++)
        class_string((perm >> (24 - 8 * i)) & 0x3f, out + 6 * i);
    out[24] = '\0';
}

void hex_dump(FILE *f, const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (i > 0) {
            if (i % 32 == 0)
                fputc('\n', f);
            else if (i % 4 == 0)
                fputc(' ', f);
        }
        fprintf(f, "%02x", data[i]);
    }
    fputc('\n', f);
}

void hex_string(FILE *f, const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x", data[i]);
}

bool all_printable(const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!isprint(data[i]))
            return false;
    }
    return true;
}

void json_string_n(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            fputs("\\\"", stdout);
            break;
        case '\\':
            fputs("\\\\", stdout);
            break;
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\t':
            fputs("\\t", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        default:
            // Bytes above 0x7f are passed through: descriptions are UTF-8 in
            // practice, and anything else is escaped byte-wise below.
            if (c < 0x20 || c == 0x7f)
                printf("\\u%04x", c);
            else
                putchar(c);
        }
    }
    putchar('"');
}

void json_string(const char *s)
{
    json_string_n(s, strlen(s));
}

proc_keys::~proc_keys()
{
    free(entries_);
}

void proc_keys::load()
{
    loaded_ = true;
    FILE *f = fopen("/proc/keys", "re");
    if (!f)
        return;
    size_t cap = 0;
    char *line = nullptr;
    size_t line_cap = 0;
    while (getline(&line, &line_cap, f) > 0) {
        unsigned id;
        entry e;
        if (sscanf(line, "%x %7s %*d %15s", &id, e.info.flags, e.info.expiry) != 3)
            continue;
        e.id = static_cast<key_serial_t>(id);
        if (count_ == cap) {
            size_t bigger = cap ? cap * 2 : 256;
            entry *n = static_cast<entry *>(realloc(entries_, bigger * sizeof(entry)));
            if (!n)
                break;
            entries_ = n;
            cap = bigger;
        }
        entries_[count_++] = e;
    }
    free(line);
    fclose(f);
}

bool proc_keys::find(key_serial_t id, proc_key_info *out)
{
    if (!loaded_)
        load();
    for (size_t i = 0; i < count_; i++) {
        if (entries_[i].id == id) {
            *out = entries_[i].info;
            return true;
        }
    }
    return false;
}

void json_key(key_serial_t id, char *raw, int error, proc_keys *proc, bool close)
{
    description d;
    if (!raw || !parse_description(raw, &d)) {
        if (!raw && error == 0)
            error = EINVAL;
        printf("{\"id\":%d,\"error\":", id);
        json_string(strerror(error));
        printf(",\"errno\":%d", error);
        if (close)
            putchar('}');
        return;
    }
    printf("{\"id\":%d,\"type\":", id);
    json_string(d.type);
    printf(",\"uid\":%d,\"gid\":%d,\"perm\":\"%08x\",\"description\":", d.uid, d.gid, d.perm);
    json_string(d.text);
    proc_key_info info;
    if (proc && proc->find(id, &info)) {
        fputs(",\"flags\":", stdout);
        json_string(info.flags);
        fputs(",\"expiry\":", stdout);
        json_string(info.expiry);
    }
    if (close)
        putchar('}');
}

} // namespace keyctl_tool
