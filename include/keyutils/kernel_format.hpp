// The kernel's key formats, each read in this one place:
//
//   - the description KEYCTL_DESCRIBE returns, "type;uid;gid;perm;text";
//   - a line of /proc/keys;
//   - a record read from a watch_queue notification pipe;
//   - the rights letters "alswrv" and the rule for which permission class
//     (possessor, user, group, other) applies to a caller.
//
// Internal to keyutils: libkeyutils.so.1, the tools and keyutils.hpp all
// include it, and none of it is part of the library's ABI (everything is
// inline or constexpr, so nothing is exported).  It allocates nothing,
// throws nothing and uses nothing from the C++ runtime library, because the
// library and keyctl are built without one: text is passed as pointer and
// length, results are plain structs.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
#ifndef KEYUTILS_KERNEL_FORMAT_HPP
#define KEYUTILS_KERNEL_FORMAT_HPP

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

namespace keyutils {
namespace kernel_format {

// ---------------------------------------------------------------------------
// Text: a borrowed run of characters, not necessarily NUL-terminated.

struct span {
    const char *data;
    size_t size;
};

inline bool equals(span s, const char *text, size_t len)
{
    return s.size == len && (len == 0 || memcmp(s.data, text, len) == 0);
}

inline bool equals(span s, const char *text)
{
    return equals(s, text, strlen(text));
}

// Whole-field numbers, as the kernel prints them: no sign, no spaces.
// Decimal: 1 to 10 digits, at most 4294967295.
constexpr bool parse_decimal(span s, uint32_t *out)
{
    if (s.size == 0 || s.size > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < s.size; i++) {
        char c = s.data[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > 0xffffffffu)
        return false;
    *out = static_cast<uint32_t>(v);
    return true;
}

constexpr int hex_digit_value(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

// Hexadecimal: 1 to 8 digits, no "0x".
constexpr bool parse_hex(span s, uint32_t *out)
{
    if (s.size == 0 || s.size > 8)
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < s.size; i++) {
        int d = hex_digit_value(s.data[i]);
        if (d < 0)
            return false;
        v = v << 4 | static_cast<uint32_t>(d);
    }
    *out = v;
    return true;
}

// ---------------------------------------------------------------------------
// Descriptions: "type;uid;gid;perm;text", as KEYCTL_DESCRIBE returns them
// ("%s;%d;%d;%08x;%s").  The text is everything after the fourth ';' and may
// hold ';' itself (key.dns_resolver once took only what followed the last
// one).

struct description_fields {
    span type, uid, gid, perm, text;
};

// Splits at the first four ';' without judging the fields, for callers that
// want only the type and the text.  A trailing NUL (keyctl_describe counts
// one) is not part of the text.
constexpr bool split_description(const char *raw, size_t len, description_fields *out)
{
    if (len > 0 && raw[len - 1] == '\0')
        len--;
    span *fields[4] = {&out->type, &out->uid, &out->gid, &out->perm};
    size_t start = 0;
    for (span *f : fields) {
        size_t semi = start;
        while (semi < len && raw[semi] != ';')
            semi++;
        if (semi == len)
            return false;
        *f = span{raw + start, semi - start};
        start = semi + 1;
    }
    out->text = span{raw + start, len - start};
    return true;
}

struct description {
    span type;
    uint32_t uid;
    uint32_t gid;
    uint32_t perm;
    span text;
};

// Splits and checks the fields as the kernel writes them: a type, decimal
// uid and gid (unmapped ids read as 4294967295), eight hex digits of perm.
constexpr bool parse_description(const char *raw, size_t len, description *out)
{
    description_fields f{};
    if (!split_description(raw, len, &f) || f.type.size == 0 || f.perm.size != 8)
        return false;
    out->type = f.type;
    out->text = f.text;
    return parse_decimal(f.uid, &out->uid) && parse_decimal(f.gid, &out->gid) &&
           parse_hex(f.perm, &out->perm);
}

namespace detail {

// Appends to a bounded buffer, counting what would not fit.
struct writer {
    char *out;
    size_t cap;
    size_t len;

    void put(char c)
    {
        if (len < cap)
            out[len] = c;
        len++;
    }
    void put(span s)
    {
        for (size_t i = 0; i < s.size; i++)
            put(s.data[i]);
    }
    void decimal(uint32_t v)
    {
        char digits[10];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (n)
            put(digits[--n]);
    }
    void hex8(uint32_t v)
    {
        for (int shift = 28; shift >= 0; shift -= 4)
            put("0123456789abcdef"[(v >> shift) & 0xf]);
    }
    // snprintf's convention: the full length, NUL-terminated when it fits.
    size_t finish()
    {
        if (cap)
            out[len < cap ? len : cap - 1] = '\0';
        return len;
    }
};

} // namespace detail

// The fields joined with ';', as split_description found them.  Returns the
// full length (without the NUL), like snprintf; `out` holds at most `cap`
// bytes including the NUL.
inline size_t join_description(const description_fields &f, char *out, size_t cap)
{
    detail::writer w{out, cap, 0};
    const span parts[5] = {f.type, f.uid, f.gid, f.perm, f.text};
    for (int i = 0; i < 5; i++) {
        if (i)
            w.put(';');
        w.put(parts[i]);
    }
    return w.finish();
}

// The kernel's own form of `d`, with the same return convention.
inline size_t format_description(const description &d, char *out, size_t cap)
{
    detail::writer w{out, cap, 0};
    w.put(d.type);
    w.put(';');
    w.decimal(d.uid);
    w.put(';');
    w.decimal(d.gid);
    w.put(';');
    w.hex8(d.perm);
    w.put(';');
    w.put(d.text);
    return w.finish();
}

// ---------------------------------------------------------------------------
// /proc/keys: one line per key the caller may view,
//   "%08x %c%c%c%c%c%c%c %5d %4s %08x %5d %5d %-9.9s " then the type's own
//   summary (for most types the description, then ": " and a detail).
// The type column is cut to 9 characters, so "dns_resolver" shows as
// "dns_resol", and the text starts right after it: a description may begin
// with spaces.

constexpr size_t proc_keys_type_width = 9;

struct proc_key {
    uint32_t serial;
    span flags;  // seven places: I R D Q U i N, or '-'
    uint32_t usage;
    span expiry; // "perm", "expd", or a count and a unit ("59s", "2d")
    uint32_t perm;
    uint32_t uid;
    uint32_t gid;
    span type;   // as shown, at most 9 characters of the type's name
    span text;   // the rest of the line, without its newline
};

namespace detail {

// The next run of non-space characters from line[*pos], skipping the spaces
// before it; false at the end of the line.
constexpr bool next_column(const char *line, size_t len, size_t *pos, span *out)
{
    size_t i = *pos;
    while (i < len && line[i] == ' ')
        i++;
    size_t start = i;
    while (i < len && line[i] != ' ')
        i++;
    *pos = i;
    *out = span{line + start, i - start};
    return i > start;
}

} // namespace detail

// Parses one line (with or without its newline).  False when the line does
// not have the columns above.
constexpr bool parse_proc_keys_line(const char *line, size_t len, proc_key *out)
{
    if (len > 0 && line[len - 1] == '\n')
        len--;
    span serial{}, usage{}, perm{}, uid{}, gid{};
    size_t pos = 0;
    if (!detail::next_column(line, len, &pos, &serial) ||
        !detail::next_column(line, len, &pos, &out->flags) ||
        !detail::next_column(line, len, &pos, &usage) ||
        !detail::next_column(line, len, &pos, &out->expiry) ||
        !detail::next_column(line, len, &pos, &perm) ||
        !detail::next_column(line, len, &pos, &uid) ||
        !detail::next_column(line, len, &pos, &gid) ||
        !detail::next_column(line, len, &pos, &out->type))
        return false;
    if (!parse_hex(serial, &out->serial) || !parse_decimal(usage, &out->usage) ||
        !parse_hex(perm, &out->perm) || !parse_decimal(uid, &out->uid) ||
        !parse_decimal(gid, &out->gid))
        return false;
    // Past the padding to the column's width, then the one separating space;
    // a kernel printing a longer name than 9 gets one space after it too.
    size_t column = static_cast<size_t>(out->type.data - line);
    size_t text = column + out->type.size;
    while (text < column + proc_keys_type_width && text < len && line[text] == ' ')
        text++;
    if (text < len && line[text] == ' ')
        text++;
    out->text = span{line + text, len - text};
    return true;
}

// The flags column, one place per flag: its letter when set, '-' when not.
enum class proc_flag : size_t {
    instantiated, // I
    revoked,      // R
    dead,         // D: its type was removed
    in_quota,     // Q
    constructing, // U
    negative,     // N
    invalidated,  // i
};

inline bool proc_key_has(const proc_key &k, proc_flag f)
{
    size_t i = static_cast<size_t>(f);
    return i < k.flags.size && k.flags.data[i] != '-';
}

// A key the garbage collector will destroy: revoked, invalidated, dead or
// expired ("expd").  It is still charged to its owner's quota until then.
inline bool proc_key_awaits_gc(const proc_key &k)
{
    return proc_key_has(k, proc_flag::revoked) || proc_key_has(k, proc_flag::dead) ||
           proc_key_has(k, proc_flag::invalidated) || equals(k.expiry, "expd");
}

// Whether the type column `shown` stands for `type` (cut as the kernel cuts).
inline bool proc_type_matches(span shown, const char *type, size_t len)
{
    size_t cut = len < proc_keys_type_width ? len : proc_keys_type_width;
    return equals(shown, type, cut) && (len <= proc_keys_type_width || shown.size == cut);
}

// Whether a line's text can be the summary of a key described `desc`: the
// description, then ':' or nothing.  Only a hint (a description holding ':'
// looks like another's); KEYCTL_DESCRIBE has the final word.
inline bool proc_text_may_be(span text, const char *desc, size_t len)
{
    if (text.size < len || (len && memcmp(text.data, desc, len) != 0))
        return false;
    return text.size == len || text.data[len] == ':';
}

// ---------------------------------------------------------------------------
// watch_queue records (linux/watch_queue.h), in the machine's byte order:
//   u32 type:24, subtype:8; u32 info; then the type's payload.
// info's low 7 bits are the record's length in bytes (header included),
// bits 8-15 the watch ID given to keyctl_watch_key().

namespace watch {

constexpr uint32_t type_meta = 0;
constexpr uint32_t type_key_notify = 1;

constexpr uint8_t meta_removal = 0; // the watched object or the watch went
constexpr uint8_t meta_loss = 1;    // the queue overflowed

// Key notification subtypes, in the kernel's numbering.
constexpr uint8_t key_instantiated = 0;
constexpr uint8_t key_updated = 1;
constexpr uint8_t key_linked = 2;
constexpr uint8_t key_unlinked = 3;
constexpr uint8_t key_cleared = 4;
constexpr uint8_t key_revoked = 5;
constexpr uint8_t key_invalidated = 6;
constexpr uint8_t key_setattr = 7;

constexpr size_t header_size = 8;
constexpr uint32_t info_length = 0x7f; // bytes, not words
constexpr uint32_t info_id = 0xff00;
constexpr unsigned info_id_shift = 8;
constexpr size_t key_record_size = 16;     // header, key_id, aux
constexpr size_t removal_record_size = 16; // header, u64 object id

} // namespace watch

struct watch_record {
    uint32_t type;
    uint8_t subtype;
    uint8_t watch_id;
    size_t length; // bytes, header included
    const unsigned char *bytes;
    // Key notifications of full size.
    bool has_key;
    uint32_t key_id;
    uint32_t aux; // linked/unlinked: the other key
    // Removal records that carry the object's ID.
    bool has_object_id;
    uint64_t object_id;
};

enum class watch_status { record, end, malformed };

namespace detail {

inline uint32_t load32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

} // namespace detail

// Decodes the record at data[*offset]; on success moves *offset past it.
// `end` once all of `size` is used; `malformed` for a truncated header or a
// length that is too short or runs past the data (nothing after it can be
// trusted).
inline watch_status next_watch_record(const void *data, size_t size, size_t *offset,
                                      watch_record *out)
{
    const unsigned char *p = static_cast<const unsigned char *>(data) + *offset;
    size_t left = size - *offset;
    if (left == 0)
        return watch_status::end;
    if (left < watch::header_size)
        return watch_status::malformed;
    uint32_t word = detail::load32(p);
    uint32_t info = detail::load32(p + 4);
    // The bitfield type:24, subtype:8 is laid out by the compiler's rule for
    // the byte order: low bits first on little-endian machines.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    out->type = word & 0xffffff;
    out->subtype = static_cast<uint8_t>(word >> 24);
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    out->type = word >> 8;
    out->subtype = static_cast<uint8_t>(word & 0xff);
#else
#error "unknown byte order"
#endif
    out->length = info & watch::info_length;
    out->watch_id = static_cast<uint8_t>((info & watch::info_id) >> watch::info_id_shift);
    out->bytes = p;
    if (out->length < watch::header_size || out->length > left)
        return watch_status::malformed;
    out->has_key = out->type == watch::type_key_notify && out->length >= watch::key_record_size;
    out->key_id = out->has_key ? detail::load32(p + 8) : 0;
    out->aux = out->has_key ? detail::load32(p + 12) : 0;
    out->has_object_id = out->type == watch::type_meta && out->subtype == watch::meta_removal &&
                         out->length >= watch::removal_record_size;
    out->object_id = 0;
    if (out->has_object_id)
        memcpy(&out->object_id, p + 8, sizeof out->object_id);
    *offset += out->length;
    return watch_status::record;
}

// ---------------------------------------------------------------------------
// Permissions: four classes of six rights in a 32-bit mask, possessor in the
// top byte, then user, group, other.

constexpr char rights_letters[] = "alswrv"; // most significant right first
constexpr unsigned rights_mask = 0x3f;

enum class perm_class : unsigned { possessor = 24, user = 16, group = 8, other = 0 };

constexpr unsigned class_rights(uint32_t perm, perm_class c)
{
    return (perm >> static_cast<unsigned>(c)) & rights_mask;
}

// Six places, each its letter or '-'; `out` gets exactly 6 characters.
inline void format_rights(unsigned rights, char *out)
{
    for (int i = 0; i < 6; i++)
        out[i] = (rights & (0x20u >> i)) ? rights_letters[i] : '-';
}

// The reverse: exactly six places, each its letter or '-'.
constexpr bool parse_rights(const char *text, size_t len, unsigned *rights)
{
    if (len != 6)
        return false;
    unsigned bits = 0;
    for (size_t i = 0; i < 6; i++) {
        if (text[i] == rights_letters[i])
            bits |= 0x20u >> i;
        else if (text[i] != '-')
            return false;
    }
    *rights = bits;
    return true;
}

// Who is asking: effective (or file-system) uid and gid and the
// supplementary groups.
struct caller {
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    size_t ngroups;
};

constexpr bool in_group(const caller &who, gid_t gid)
{
    if (gid == who.gid)
        return true;
    for (size_t i = 0; i < who.ngroups; i++)
        if (who.groups[i] == gid)
            return true;
    return false;
}

enum class group_rule {
    // The kernel's: the group class applies only when it grants something
    // (and the key has a valid group); otherwise the caller falls to other.
    kernel,
    // keyutils 1.6.3's keyctl shows the group class to every member, even
    // when it grants nothing; kept for keyctl list/show's output.
    keyctl_1_6_3,
};

// The one class among user, group and other that applies to `who`; the
// possessor class adds to it when the caller possesses the key.
constexpr perm_class applicable_class(uint32_t perm, uid_t key_uid, gid_t key_gid,
                                      const caller &who, group_rule rule = group_rule::kernel)
{
    if (key_uid == who.uid)
        return perm_class::user;
    bool group_counts = rule == group_rule::keyctl_1_6_3 ||
                        (key_gid != static_cast<gid_t>(-1) &&
                         class_rights(perm, perm_class::group) != 0);
    if (group_counts && in_group(who, key_gid))
        return perm_class::group;
    return perm_class::other;
}

// The rights the kernel grants `who`.
constexpr unsigned granted_rights(uint32_t perm, uid_t key_uid, gid_t key_gid, const caller &who,
                                  bool possessed, group_rule rule = group_rule::kernel)
{
    unsigned rights = class_rights(perm, applicable_class(perm, key_uid, key_gid, who, rule));
    return possessed ? rights | class_rights(perm, perm_class::possessor) : rights;
}

} // namespace kernel_format
} // namespace keyutils

#endif
