// The kernel-format layer (include/keyutils/kernel_format.hpp) on its own:
// descriptions, /proc/keys lines, watch_queue records built with the
// kernel's own structures, rights letters and the permission-class rule.
#include <catch2/catch.hpp>

#include <keyutils/kernel_format.hpp>

#include <cstring>
#include <string>

#include <linux/watch_queue.h>

namespace kf = keyutils::kernel_format;

namespace {

std::string str(kf::span s)
{
    return std::string(s.data, s.size);
}

template <class T>
std::string bytes_of(const T &v, size_t len = sizeof(T))
{
    return std::string(reinterpret_cast<const char *>(&v), len);
}

// The header exactly as the kernel fills it in post_one_notification's
// callers: the length in bytes in WATCH_INFO_LENGTH.
void fill(watch_notification &w, unsigned type, unsigned subtype, unsigned id, size_t len)
{
    w.type = type;
    w.subtype = subtype;
    w.info = static_cast<__u32>((len << WATCH_INFO_LENGTH__SHIFT) & WATCH_INFO_LENGTH) |
             ((id << WATCH_INFO_ID__SHIFT) & WATCH_INFO_ID);
}

std::string key_record(unsigned subtype, unsigned id, __u32 key, __u32 aux)
{
    key_notification n;
    memset(&n, 0, sizeof n);
    fill(n.watch, WATCH_TYPE_KEY_NOTIFY, subtype, id, sizeof n);
    n.key_id = key;
    n.aux = aux;
    return bytes_of(n);
}

std::string removal_record(unsigned id, bool with_object, __u64 object)
{
    watch_notification_removal r;
    memset(&r, 0, sizeof r);
    size_t len = with_object ? sizeof r : sizeof r.watch;
    fill(r.watch, WATCH_TYPE_META, WATCH_META_REMOVAL_NOTIFICATION, id, len);
    r.id = object;
    return bytes_of(r, len);
}

} // namespace

TEST_CASE("descriptions split at the first four ';', the text keeps the rest")
{
    const char raw[] = "dns_resolver;0;0;3f010000;afsdb:a;b;;c;";
    kf::description_fields f{};
    REQUIRE(kf::split_description(raw, strlen(raw), &f));
    CHECK(str(f.type) == "dns_resolver");
    CHECK(str(f.uid) == "0");
    CHECK(str(f.perm) == "3f010000");
    CHECK(str(f.text) == "afsdb:a;b;;c;");

    char joined[64];
    CHECK(kf::join_description(f, joined, sizeof joined) == strlen(raw));
    CHECK(std::string(joined) == raw);
    // Too small a buffer: the full length, and a terminated prefix.
    CHECK(kf::join_description(f, joined, 5) == strlen(raw));
    CHECK(std::string(joined) == "dns_");

    // keyctl_describe's length counts the NUL.
    REQUIRE(kf::split_description("user;1;2;3;x", 13, &f));
    CHECK(str(f.text) == "x");

    for (const char *bad : {"", "user", "user;0;0;3f010000", "a;b;c"})
        CHECK_FALSE(kf::split_description(bad, strlen(bad), &f));
    // The splitter judges no field; key.dns_resolver's -D form has perm "0".
    REQUIRE(kf::split_description(";-1;-1;0;", 9, &f));
    CHECK(str(f.type).empty());
}

TEST_CASE("descriptions parse strictly, as the kernel writes them, and format back")
{
    const char raw[] = "user;4294967295;100;3f010000;a;b";
    kf::description d{};
    REQUIRE(kf::parse_description(raw, strlen(raw), &d));
    CHECK(str(d.type) == "user");
    CHECK(d.uid == 4294967295u);
    CHECK(d.gid == 100);
    CHECK(d.perm == 0x3f010000);
    CHECK(str(d.text) == "a;b");
    char out[64];
    CHECK(kf::format_description(d, out, sizeof out) == strlen(raw));
    CHECK(std::string(out) == raw);

    for (const char *bad : {"user;0;0;3f01000;x", "user;0;0;3f0100000;x", "user;x;0;3f010000;t",
                            "user;0;-1;3f010000;t", "user;;0;3f010000;t", ";0;0;3f010000;t",
                            "user;4294967296;0;3f010000;t", "user;0;0;zz010000;t"}) {
        INFO(bad);
        CHECK_FALSE(kf::parse_description(bad, strlen(bad), &d));
    }
}

TEST_CASE("/proc/keys lines: columns, padded and cut types, text with leading spaces")
{
    const char line[] = "28efac2c I--Q---     1 perm 3f010000     0 65534 user       lead: 1\n";
    kf::proc_key k{};
    REQUIRE(kf::parse_proc_keys_line(line, strlen(line), &k));
    CHECK(k.serial == 0x28efac2c);
    CHECK(str(k.flags) == "I--Q---");
    CHECK(k.usage == 1);
    CHECK(str(k.expiry) == "perm");
    CHECK(k.perm == 0x3f010000);
    CHECK(k.uid == 0);
    CHECK(k.gid == 65534);
    CHECK(str(k.type) == "user");
    CHECK(str(k.text) == " lead: 1");
    CHECK(kf::proc_text_may_be(k.text, " lead", 5));
    CHECK_FALSE(kf::proc_text_may_be(k.text, "lead", 4));
    CHECK_FALSE(kf::proc_text_may_be(k.text, " lead: 1 and more", 17));

    // Types over 9 characters are cut, with no padding left before the text.
    const char cut[] = "0000002a I------     3  59s 3f010000  1000  1000 dns_resol afsdb:x";
    REQUIRE(kf::parse_proc_keys_line(cut, strlen(cut), &k));
    CHECK(str(k.type) == "dns_resol");
    CHECK(str(k.text) == "afsdb:x");
    CHECK(kf::proc_type_matches(k.type, "dns_resolver", 12));
    CHECK(kf::proc_type_matches(k.type, "dns_resol", 9));
    CHECK_FALSE(kf::proc_type_matches(k.type, "dns", 3));
    CHECK(kf::proc_text_may_be(k.text, "afsdb:x", 7));

    // A negative key has no summary after its description.
    const char neg[] = "0000002b I--Q-N-     1  60s 3f010000     0     0 user      neg";
    REQUIRE(kf::parse_proc_keys_line(neg, strlen(neg), &k));
    CHECK(kf::proc_text_may_be(k.text, "neg", 3));

    // Any length is fine: a long description is read to its end.
    std::string long_line = "0000002c I--Q---     1 perm 3f010000     0     0 user      " +
                            std::string(5000, 'd') + ": 1";
    REQUIRE(kf::parse_proc_keys_line(long_line.data(), long_line.size(), &k));
    CHECK(k.text.size == 5003);

    for (const char *bad : {"", "\n", "zz I--Q--- 1 perm 3f010000 0 0 user x",
                            "0000002c I--Q--- 1 perm 3f010000 0 0",
                            "0000002c I--Q--- x perm 3f010000 0 0 user x"}) {
        INFO(bad);
        CHECK_FALSE(kf::parse_proc_keys_line(bad, strlen(bad), &k));
    }
}

TEST_CASE("watch records in the kernel's layout decode with their length in bytes")
{
    // keyctl once multiplied WATCH_INFO_LENGTH by 8: a 16-byte record then
    // claimed 128 bytes and nothing was ever printed.
    std::string queue = key_record(NOTIFY_KEY_LINKED, 1, 0x1234, 0x5678) +
                        removal_record(1, true, 0xabcdef0123ull) + removal_record(2, false, 0) +
                        key_record(NOTIFY_KEY_REVOKED, 7, 42, 0);
    size_t off = 0;
    kf::watch_record r{};
    REQUIRE(kf::next_watch_record(queue.data(), queue.size(), &off, &r) == kf::watch_status::record);
    CHECK(r.length == sizeof(key_notification));
    CHECK(r.type == kf::watch::type_key_notify);
    CHECK(r.subtype == kf::watch::key_linked);
    CHECK(r.watch_id == 1);
    CHECK(r.has_key);
    CHECK(r.key_id == 0x1234);
    CHECK(r.aux == 0x5678);

    REQUIRE(kf::next_watch_record(queue.data(), queue.size(), &off, &r) == kf::watch_status::record);
    CHECK(r.type == kf::watch::type_meta);
    CHECK(r.subtype == kf::watch::meta_removal);
    CHECK(r.has_object_id);
    CHECK(r.object_id == 0xabcdef0123ull);

    REQUIRE(kf::next_watch_record(queue.data(), queue.size(), &off, &r) == kf::watch_status::record);
    CHECK(r.length == sizeof(watch_notification));
    CHECK(r.watch_id == 2);
    CHECK_FALSE(r.has_object_id);

    REQUIRE(kf::next_watch_record(queue.data(), queue.size(), &off, &r) == kf::watch_status::record);
    CHECK(r.subtype == kf::watch::key_revoked);
    CHECK(r.watch_id == 7);
    CHECK(r.key_id == 42);
    CHECK(kf::next_watch_record(queue.data(), queue.size(), &off, &r) == kf::watch_status::end);
    CHECK(off == queue.size());
}

TEST_CASE("watch records that are cut short or claim too much stop the decoding")
{
    std::string rec = key_record(NOTIFY_KEY_UPDATED, 1, 5, 0);
    size_t off = 0;
    kf::watch_record r{};
    CHECK(kf::next_watch_record(rec.data(), 7, &off, &r) == kf::watch_status::malformed);
    CHECK(kf::next_watch_record(rec.data(), 15, &off, &r) == kf::watch_status::malformed);
    CHECK(off == 0);

    watch_notification w;
    memset(&w, 0, sizeof w);
    fill(w, WATCH_TYPE_META, WATCH_META_LOSS_NOTIFICATION, 1, 4);
    std::string tiny = bytes_of(w);
    CHECK(kf::next_watch_record(tiny.data(), tiny.size(), &off, &r) == kf::watch_status::malformed);

    // The constants are the kernel's.
    CHECK(kf::watch::info_length == WATCH_INFO_LENGTH);
    CHECK(kf::watch::info_id == WATCH_INFO_ID);
    CHECK(kf::watch::type_key_notify == WATCH_TYPE_KEY_NOTIFY);
    CHECK(kf::watch::meta_loss == WATCH_META_LOSS_NOTIFICATION);
    CHECK(kf::watch::key_setattr == NOTIFY_KEY_SETATTR);
}

TEST_CASE("rights letters and the permission-class rule")
{
    char six[7] = {};
    kf::format_rights(0x3f, six);
    CHECK(std::string(six) == "alswrv");
    kf::format_rights(0x0b, six);
    CHECK(std::string(six) == "--s-rv");
    unsigned bits = 0;
    REQUIRE(kf::parse_rights("-l-wrv", 6, &bits));
    CHECK(bits == 0x17);
    CHECK_FALSE(kf::parse_rights("alswrx", 6, &bits));
    CHECK_FALSE(kf::parse_rights("alswr", 5, &bits));

    gid_t groups[] = {10, 20};
    kf::caller me{1000, 100, groups, 2};
    uint32_t perm = 0x3f0b0201; // possessor alswrv, user --s-rv, group ----r-, other -----v
    CHECK(kf::applicable_class(perm, 1000, 5, me) == kf::perm_class::user);
    CHECK(kf::applicable_class(perm, 1, 20, me) == kf::perm_class::group);
    CHECK(kf::applicable_class(perm, 1, 100, me) == kf::perm_class::group);
    CHECK(kf::applicable_class(perm, 1, 30, me) == kf::perm_class::other);
    // A group class granting nothing: the kernel falls through to other,
    // 1.6.3's keyctl shows the (empty) group class.
    CHECK(kf::applicable_class(0x3f00003f, 1, 20, me) == kf::perm_class::other);
    CHECK(kf::applicable_class(0x3f00003f, 1, 20, me, kf::group_rule::keyctl_1_6_3) ==
          kf::perm_class::group);
    CHECK(kf::granted_rights(perm, 1, 30, me, false) == 0x01);
    CHECK(kf::granted_rights(perm, 1, 30, me, true) == 0x3f);
}

TEST_CASE("watch records are read in the host's byte order, as the kernel writes them")
{
    // The bytes of a key record's header spelled out for this machine's byte
    // order: on a big-endian machine (s390x, under qemu in CI) the decoder's
    // big-endian branch must read the same fields from the mirrored bytes.
    // Type 1 (key notification), subtype 3 (NOTIFY_KEY_UNLINKED), length 16,
    // watch ID 5; then key 0x01020304 and aux 0x0a0b0c0d.
    const unsigned char little[16] = {1, 0, 0, 3, 16, 5, 0, 0, 4, 3, 2, 1, 0x0d, 0x0c, 0x0b, 0x0a};
    const unsigned char big[16] = {0, 0, 1, 3, 0, 0, 5, 16, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d};
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    const unsigned char *host = big;
#else
    const unsigned char *host = little;
#endif
    // What the kernel's structures give on this machine is exactly these bytes.
    std::string kernel = key_record(NOTIFY_KEY_UNLINKED, 5, 0x01020304, 0x0a0b0c0d);
    REQUIRE(kernel.size() == 16);
    CHECK(memcmp(kernel.data(), host, 16) == 0);

    size_t off = 0;
    kf::watch_record r{};
    REQUIRE(kf::next_watch_record(host, 16, &off, &r) == kf::watch_status::record);
    CHECK(r.type == kf::watch::type_key_notify);
    CHECK(r.subtype == kf::watch::key_unlinked);
    CHECK(r.length == 16);
    CHECK(r.watch_id == 5);
    CHECK(r.key_id == 0x01020304);
    CHECK(r.aux == 0x0a0b0c0d);

    // The other byte order's record is not this machine's: its length field
    // reads as zero and the decoding stops.
    const unsigned char *foreign = host == big ? little : big;
    off = 0;
    CHECK(kf::next_watch_record(foreign, 16, &off, &r) == kf::watch_status::malformed);
}
