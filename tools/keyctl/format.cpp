// Key descriptions, permission strings, hex dumps and JSON output.
#include "keyctl.hpp"

#include <keyutils/kernel_format.hpp>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace keyctl_tool {

namespace kf = keyutils::kernel_format;

bool parse_description(char *raw, description *out)
{
    kf::description d{};
    if (!kf::parse_description(raw, strlen(raw), &d))
        return false;
    // The type ends at the first ';': end it there so it prints as a string.
    raw[d.type.size] = '\0';
    out->type = raw;
    out->text = d.text.data;
    out->uid = static_cast<int>(d.uid);
    out->gid = static_cast<int>(d.gid);
    out->perm = d.perm;
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

} // namespace

void effective_perm_string(unsigned perm, int uid, int gid, char out[9])
{
    learn_identity();
    kf::caller me{self.uid, self.gid, self.groups, static_cast<size_t>(self.ngroups)};
    // Possessor rights are shown whether or not the key is possessed, and
    // the group class for every member, as 1.6.3's keyctl shows them.
    unsigned rights = kf::granted_rights(perm, static_cast<uid_t>(uid), static_cast<gid_t>(gid),
                                         me, true, kf::group_rule::keyctl_1_6_3);
    // Two places for rights the kernel does not define, then alswrv.
    out[0] = out[1] = '-';
    kf::format_rights(rights, out + 2);
    out[8] = '\0';
}

void full_perm_string(unsigned perm, char out[25])
{
    const kf::perm_class order[] = {kf::perm_class::possessor, kf::perm_class::user,
                                    kf::perm_class::group, kf::perm_class::other};
    for (int i = 0; i < 4; i++)
        kf::format_rights(kf::class_rights(perm, order[i]), out + 6 * i);
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

namespace {

// A /proc/keys column as a string, cut to fit as the columns always do.
void copy_column(kf::span column, char *out, size_t size)
{
    size_t n = column.size < size - 1 ? column.size : size - 1;
    memcpy(out, column.data, n);
    out[n] = '\0';
}

} // namespace

proc_keys::~proc_keys()
{
    free(entries_);
}

void proc_keys::load()
{
    loaded_ = true;
    FILE *f = fopen("/proc/keys", "re");
    if (!f) {
        open_error_ = errno;
        return;
    }
    size_t cap = 0;
    char *line = nullptr;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, f)) > 0) {
        bytes_ += static_cast<size_t>(len);
        kf::proc_key k{};
        if (!kf::parse_proc_keys_line(line, static_cast<size_t>(len), &k))
            continue;
        entry e;
        e.id = static_cast<key_serial_t>(k.serial);
        copy_column(k.flags, e.info.flags, sizeof e.info.flags);
        copy_column(k.expiry, e.info.expiry, sizeof e.info.expiry);
        e.info.uid = k.uid;
        e.info.in_quota = kf::proc_key_has(k, kf::proc_flag::in_quota);
        e.info.awaits_gc = kf::proc_key_awaits_gc(k);
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

const proc_keys::entry *proc_keys::entries(size_t *count)
{
    if (!loaded_)
        load();
    *count = count_;
    return entries_;
}

int proc_keys::open_error()
{
    if (!loaded_)
        load();
    return open_error_;
}

size_t proc_keys::bytes_read()
{
    if (!loaded_)
        load();
    return bytes_;
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
