// The C ABI of libkeyutils.so.1 (keyutils 1.6.3), over the syscall layer.
//
// Every function keeps keyutils' convention: -1 with errno set on failure.
// Nothing here has global state, so every function is thread-safe.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "keyutils.h"
#include "keyutils/kernel_format.hpp"
#include "syscall.hpp"

#define KEYUTILS_EXPORT extern "C" __attribute__((visibility("default")))
#define KEYUTILS_WEAK_EXPORT extern "C" __attribute__((visibility("default"), weak))

namespace sys = keyutils::sys;
namespace kf = keyutils::kernel_format;

namespace {

long to_c(sys::result r)
{
    if (!r.ok()) {
        errno = r.error;
        return -1;
    }
    return r.value;
}

// Writes over memory that held key material in a way the compiler keeps.
void wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

void wipe_and_free(void *p, size_t n)
{
    wipe(p, n);
    free(p);
}

// A malloc'd buffer with the kernel's answer, and that answer.
struct fetched {
    char *buf;
    long size;
};

// Fetches a variable-sized kernel object into a malloc'd buffer with room for
// `extra` bytes beyond it.  `op(buf, len)` must return the full size of the
// object whatever len is, copying only what fits (KEYCTL_READ, _DESCRIBE and
// _GET_SECURITY all behave so).  The first attempt uses a stack buffer, so an
// object that fits costs one system call; the object may grow or shrink
// between calls, hence the loop.  Every buffer that held the object is wiped
// before it is released.
template <typename Op>
fetched fetch_alloc(Op op, size_t extra)
{
    constexpr size_t first = 4096;
    char stack[first];
    sys::result r = op(stack, first);
    if (!r.ok())
        return {nullptr, -1};

    size_t size = static_cast<size_t>(r.value);
    if (size <= first) {
        char *out = static_cast<char *>(malloc(size + extra));
        if (out)
            memcpy(out, stack, size);
        wipe(stack, size);
        if (!out)
            return {nullptr, -1};
        return {out, static_cast<long>(size)};
    }
    wipe(stack, first);

    for (;;) {
        size_t cap = size;
        char *buf = static_cast<char *>(malloc(cap + extra));
        if (!buf)
            return {nullptr, -1};
        r = op(buf, cap);
        if (!r.ok()) {
            int e = r.error;
            wipe_and_free(buf, cap);
            errno = e;
            return {nullptr, -1};
        }
        size = static_cast<size_t>(r.value);
        if (size <= cap)
            return {buf, static_cast<long>(size)};
        wipe_and_free(buf, cap);
    }
}

// Descriptions and security labels come back NUL-terminated from the kernel;
// the helpers return their length without the NUL.  The buffer has a spare
// byte so that even an unterminated answer ends up terminated.
int string_alloc(fetched f, char **out)
{
    if (!f.buf)
        return -1;
    long len = f.size;
    if (len > 0 && f.buf[len - 1] == '\0')
        len--;
    f.buf[len] = '\0';
    *out = f.buf;
    return static_cast<int>(len);
}

} // namespace

// ---------------------------------------------------------------------------
// Library identification.

KEYUTILS_EXPORT const char keyutils_version_string[] = "keyutils-" KEYUTILS_COMPAT_VERSION;
KEYUTILS_EXPORT const char keyutils_build_string[] = KEYUTILS_BUILD_DATE;

// ---------------------------------------------------------------------------
// The system calls themselves.  Weak, as in keyutils, so that a C library
// providing its own wrappers takes precedence.

KEYUTILS_WEAK_EXPORT key_serial_t add_key(const char *type, const char *description,
                                          const void *payload, size_t plen,
                                          key_serial_t ringid)
{
    return static_cast<key_serial_t>(to_c(sys::add_key(type, description, payload, plen, ringid)));
}

KEYUTILS_WEAK_EXPORT key_serial_t request_key(const char *type, const char *description,
                                              const char *callout_info,
                                              key_serial_t destringid)
{
    return static_cast<key_serial_t>(
        to_c(sys::request_key(type, description, callout_info, destringid)));
}

KEYUTILS_WEAK_EXPORT long keyctl(int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    unsigned long a2 = va_arg(ap, unsigned long);
    unsigned long a3 = va_arg(ap, unsigned long);
    unsigned long a4 = va_arg(ap, unsigned long);
    unsigned long a5 = va_arg(ap, unsigned long);
    va_end(ap);
    return to_c(sys::keyctl(cmd, a2, a3, a4, a5));
}

// ---------------------------------------------------------------------------
// One wrapper per keyctl operation.

KEYUTILS_EXPORT key_serial_t keyctl_get_keyring_ID(key_serial_t id, int create)
{
    return static_cast<key_serial_t>(to_c(sys::get_keyring_id(id, create)));
}

KEYUTILS_EXPORT key_serial_t keyctl_join_session_keyring(const char *name)
{
    return static_cast<key_serial_t>(to_c(sys::join_session_keyring(name)));
}

KEYUTILS_EXPORT long keyctl_update(key_serial_t id, const void *payload, size_t plen)
{
    return to_c(sys::update(id, payload, plen));
}

KEYUTILS_EXPORT long keyctl_revoke(key_serial_t id) { return to_c(sys::revoke(id)); }

KEYUTILS_EXPORT long keyctl_chown(key_serial_t id, uid_t uid, gid_t gid)
{
    return to_c(sys::chown(id, uid, gid));
}

KEYUTILS_EXPORT long keyctl_setperm(key_serial_t id, key_perm_t perm)
{
    return to_c(sys::setperm(id, perm));
}

KEYUTILS_EXPORT long keyctl_describe(key_serial_t id, char *buffer, size_t buflen)
{
    return to_c(sys::describe(id, buffer, buflen));
}

KEYUTILS_EXPORT long keyctl_clear(key_serial_t ringid) { return to_c(sys::clear(ringid)); }

KEYUTILS_EXPORT long keyctl_link(key_serial_t id, key_serial_t ringid)
{
    return to_c(sys::link(id, ringid));
}

KEYUTILS_EXPORT long keyctl_unlink(key_serial_t id, key_serial_t ringid)
{
    return to_c(sys::unlink(id, ringid));
}

KEYUTILS_EXPORT long keyctl_search(key_serial_t ringid, const char *type,
                                   const char *description, key_serial_t destringid)
{
    return to_c(sys::search(ringid, type, description, destringid));
}

KEYUTILS_EXPORT long keyctl_read(key_serial_t id, char *buffer, size_t buflen)
{
    return to_c(sys::read(id, buffer, buflen));
}

KEYUTILS_EXPORT long keyctl_instantiate(key_serial_t id, const void *payload, size_t plen,
                                        key_serial_t ringid)
{
    return to_c(sys::instantiate(id, payload, plen, ringid));
}

KEYUTILS_EXPORT long keyctl_negate(key_serial_t id, unsigned timeout, key_serial_t ringid)
{
    return to_c(sys::negate(id, timeout, ringid));
}

KEYUTILS_EXPORT long keyctl_set_reqkey_keyring(int reqkey_defl)
{
    return to_c(sys::set_reqkey_keyring(reqkey_defl));
}

KEYUTILS_EXPORT long keyctl_set_timeout(key_serial_t key, unsigned timeout)
{
    return to_c(sys::set_timeout(key, timeout));
}

KEYUTILS_EXPORT long keyctl_assume_authority(key_serial_t key)
{
    return to_c(sys::assume_authority(key));
}

KEYUTILS_EXPORT long keyctl_get_security(key_serial_t key, char *buffer, size_t buflen)
{
    return to_c(sys::get_security(key, buffer, buflen));
}

KEYUTILS_EXPORT long keyctl_session_to_parent(void) { return to_c(sys::session_to_parent()); }

// Kernels older than 2.6.39 lack KEYCTL_REJECT; a negative key is the closest
// they can give.
KEYUTILS_EXPORT long keyctl_reject(key_serial_t id, unsigned timeout, unsigned error,
                                   key_serial_t ringid)
{
    sys::result r = sys::reject(id, timeout, error, ringid);
    if (!r.ok() && r.error == EOPNOTSUPP)
        r = sys::negate(id, timeout, ringid);
    return to_c(r);
}

// Kernels without KEYCTL_INSTANTIATE_IOV get the segments joined into one
// flat payload.
KEYUTILS_EXPORT long keyctl_instantiate_iov(key_serial_t id, const struct iovec *payload_iov,
                                            unsigned ioc, key_serial_t ringid)
{
    sys::result r = sys::instantiate_iov(id, payload_iov, ioc, ringid);
    if (r.ok() || r.error != EOPNOTSUPP)
        return to_c(r);

    size_t total = 0;
    for (unsigned i = 0; payload_iov && i < ioc; i++)
        total += payload_iov[i].iov_len;
    if (total == 0)
        return to_c(sys::instantiate(id, nullptr, 0, ringid));

    char *flat = static_cast<char *>(malloc(total));
    if (!flat)
        return -1;
    char *p = flat;
    for (unsigned i = 0; i < ioc; i++) {
        memcpy(p, payload_iov[i].iov_base, payload_iov[i].iov_len);
        p += payload_iov[i].iov_len;
    }
    r = sys::instantiate(id, flat, total, ringid);
    wipe_and_free(flat, total);
    return to_c(r);
}

KEYUTILS_EXPORT long keyctl_invalidate(key_serial_t id) { return to_c(sys::invalidate(id)); }

KEYUTILS_EXPORT long keyctl_get_persistent(uid_t uid, key_serial_t id)
{
    return to_c(sys::get_persistent(uid, id));
}

KEYUTILS_EXPORT long keyctl_dh_compute(key_serial_t priv, key_serial_t prime,
                                       key_serial_t base, char *buffer, size_t buflen)
{
    keyctl_dh_params params{priv, prime, base};
    return to_c(sys::dh_compute(&params, buffer, buflen, nullptr));
}

KEYUTILS_EXPORT long keyctl_dh_compute_kdf(key_serial_t priv, key_serial_t prime,
                                           key_serial_t base, char *hashname, char *otherinfo,
                                           size_t otherinfolen, char *buffer, size_t buflen)
{
    keyctl_dh_params params{priv, prime, base};
    keyctl_kdf_params kdf{};
    kdf.hashname = hashname;
    kdf.otherinfo = otherinfo;
    kdf.otherinfolen = static_cast<uint32_t>(otherinfolen);
    return to_c(sys::dh_compute(&params, buffer, buflen, &kdf));
}

KEYUTILS_EXPORT long keyctl_restrict_keyring(key_serial_t keyring, const char *type,
                                             const char *restriction)
{
    return to_c(sys::restrict_keyring(keyring, type, restriction));
}

KEYUTILS_EXPORT long keyctl_pkey_query(key_serial_t key_id, const char *info,
                                       struct keyctl_pkey_query *result)
{
    return to_c(sys::pkey_query(key_id, info, result));
}

namespace {

long pkey_op(int op, key_serial_t key_id, const char *info, const void *in, size_t in_len,
             const void *out, size_t out_len)
{
    keyctl_pkey_params params{};
    params.key_id = key_id;
    params.in_len = static_cast<unsigned>(in_len);
    params.out_len = static_cast<unsigned>(out_len); // in2_len for verify: same storage
    return to_c(sys::pkey_op(op, &params, info, in, out));
}

} // namespace

KEYUTILS_EXPORT long keyctl_pkey_encrypt(key_serial_t key_id, const char *info,
                                         const void *data, size_t data_len, void *enc,
                                         size_t enc_len)
{
    return pkey_op(KEYCTL_PKEY_ENCRYPT, key_id, info, data, data_len, enc, enc_len);
}

KEYUTILS_EXPORT long keyctl_pkey_decrypt(key_serial_t key_id, const char *info,
                                         const void *enc, size_t enc_len, void *data,
                                         size_t data_len)
{
    return pkey_op(KEYCTL_PKEY_DECRYPT, key_id, info, enc, enc_len, data, data_len);
}

KEYUTILS_EXPORT long keyctl_pkey_sign(key_serial_t key_id, const char *info, const void *data,
                                      size_t data_len, void *sig, size_t sig_len)
{
    return pkey_op(KEYCTL_PKEY_SIGN, key_id, info, data, data_len, sig, sig_len);
}

KEYUTILS_EXPORT long keyctl_pkey_verify(key_serial_t key_id, const char *info,
                                        const void *data, size_t data_len, const void *sig,
                                        size_t sig_len)
{
    return pkey_op(KEYCTL_PKEY_VERIFY, key_id, info, data, data_len, sig, sig_len);
}

KEYUTILS_EXPORT long keyctl_move(key_serial_t id, key_serial_t from_ringid,
                                 key_serial_t to_ringid, unsigned int flags)
{
    return to_c(sys::move(id, from_ringid, to_ringid, flags));
}

// Kernels before 5.3 lack KEYCTL_CAPABILITIES: probe each operation with
// arguments no kernel accepts and see whether it is known at all.
KEYUTILS_EXPORT long keyctl_capabilities(unsigned char *buffer, size_t buflen)
{
    sys::result r = sys::capabilities(buffer, buflen);
    if (r.ok() || r.error != EOPNOTSUPP)
        return to_c(r);

    if (buflen > 0) {
        auto known = [](sys::result probe) { return probe.ok() || probe.error != EOPNOTSUPP; };
        keyctl_dh_params dh{0, 0, 0};
        unsigned char caps = 0;
        if (known(sys::get_persistent(static_cast<uid_t>(-1), 0)))
            caps |= KEYCTL_CAPS0_PERSISTENT_KEYRINGS;
        if (known(sys::dh_compute(&dh, nullptr, 0, nullptr)))
            caps |= KEYCTL_CAPS0_DIFFIE_HELLMAN;
        if (known(sys::pkey_query(0, nullptr, nullptr)))
            caps |= KEYCTL_CAPS0_PUBLIC_KEY;
        if (known(sys::invalidate(0)))
            caps |= KEYCTL_CAPS0_INVALIDATE;
        if (known(sys::restrict_keyring(0, nullptr, nullptr)))
            caps |= KEYCTL_CAPS0_RESTRICT_KEYRING;
        if (known(sys::move(0, 0, 0, 0)))
            caps |= KEYCTL_CAPS0_MOVE;
        memset(buffer, 0, buflen);
        buffer[0] = caps;
    }
    return 1;
}

KEYUTILS_EXPORT long keyctl_watch_key(key_serial_t id, int watch_queue_fd, int watch_id)
{
    return to_c(sys::watch_key(id, watch_queue_fd, watch_id));
}

// ---------------------------------------------------------------------------
// Allocating helpers.

namespace {

int describe_alloc(key_serial_t id, char **out)
{
    auto op = [id](char *buf, size_t len) { return sys::describe(id, buf, len); };
    return string_alloc(fetch_alloc(op, 1), out);
}

int read_alloc(key_serial_t id, void **out)
{
    auto op = [id](char *buf, size_t len) { return sys::read(id, buf, len); };
    fetched f = fetch_alloc(op, 1);
    if (!f.buf)
        return -1;
    f.buf[f.size] = '\0';
    *out = f.buf;
    return static_cast<int>(f.size);
}

} // namespace

KEYUTILS_EXPORT int keyctl_describe_alloc(key_serial_t id, char **_buffer)
{
    return describe_alloc(id, _buffer);
}

KEYUTILS_EXPORT int keyctl_get_security_alloc(key_serial_t id, char **_buffer)
{
    auto op = [id](char *buf, size_t len) { return sys::get_security(id, buf, len); };
    return string_alloc(fetch_alloc(op, 1), _buffer);
}

KEYUTILS_EXPORT int keyctl_read_alloc(key_serial_t id, void **_buffer)
{
    return read_alloc(id, _buffer);
}

// The kernel reports the result size (the prime's) when given no buffer.
KEYUTILS_EXPORT int keyctl_dh_compute_alloc(key_serial_t priv, key_serial_t prime,
                                            key_serial_t base, void **_buffer)
{
    keyctl_dh_params params{priv, prime, base};
    sys::result r = sys::dh_compute(&params, nullptr, 0, nullptr);
    if (!r.ok())
        return static_cast<int>(to_c(r));

    size_t cap = static_cast<size_t>(r.value);
    char *buf = static_cast<char *>(malloc(cap + 1));
    if (!buf)
        return -1;
    r = sys::dh_compute(&params, buf, cap, nullptr);
    if (!r.ok()) {
        wipe_and_free(buf, cap);
        return static_cast<int>(to_c(r));
    }
    buf[r.value] = '\0';
    *_buffer = buf;
    return static_cast<int>(r.value);
}

// ---------------------------------------------------------------------------
// Keyring tree walking.

namespace {

// keyutils stops descending at this depth; the kernel's own nesting limit is
// far lower, so it only matters for keyrings that change during the walk.
constexpr int max_scan_depth = 800;

int scan(key_serial_t parent, key_serial_t key, int depth, recursive_key_scanner_t func,
         void *data)
{
    if (depth > max_scan_depth)
        return 0;

    // Most descriptions fit here, saving the allocation and the second call.
    char small[256];
    char *desc = small;
    char *heap = nullptr;
    int desc_len = -1;
    int saved_errno = 0;

    sys::result r = sys::describe(key, small, sizeof small);
    if (r.ok() && static_cast<size_t>(r.value) > sizeof small) {
        desc_len = describe_alloc(key, &heap);
        if (desc_len < 0)
            r = {-1, errno};
        desc = heap;
    } else if (r.ok()) {
        desc_len = static_cast<int>(r.value) - 1;
    }
    if (!r.ok()) {
        desc = nullptr;
        desc_len = -1;
        saved_errno = r.error;
    }

    int total = 0;
    kf::description_fields fields{};
    if (desc && kf::split_description(desc, static_cast<size_t>(desc_len), &fields) &&
        kf::equals(fields.type, "keyring")) {
        void *ring = nullptr;
        int len = read_alloc(key, &ring);
        if (len > 0) {
            // A snapshot: callbacks may change the keyring without
            // disturbing this walk.
            const key_serial_t *members = static_cast<const key_serial_t *>(ring);
            size_t n = static_cast<size_t>(len) / sizeof(key_serial_t);
            for (size_t i = 0; i < n; i++)
                total += scan(key, members[i], depth + 1, func, data);
        }
        free(ring);
    }

    if (!desc)
        errno = saved_errno;
    total += func(parent, key, desc, desc_len, data);
    free(heap);
    return total;
}

} // namespace

KEYUTILS_EXPORT int recursive_key_scan(key_serial_t key, recursive_key_scanner_t func, void *data)
{
    return scan(0, key, 0, func, data);
}

KEYUTILS_EXPORT int recursive_session_key_scan(recursive_key_scanner_t func, void *data)
{
    sys::result session = sys::get_keyring_id(KEY_SPEC_SESSION_KEYRING, 0);
    if (!session.ok())
        return 0;
    return scan(0, static_cast<key_serial_t>(session.value), 0, func, data);
}

// ---------------------------------------------------------------------------
// Finding a key that is not in the caller's keyrings.

namespace {

// The kernel's description of `id` in `small`, or in a malloc'd buffer
// (*heap, to be freed) when it does not fit; null when it cannot be had.
const char *description_of(key_serial_t id, char *small, size_t size, char **heap)
{
    *heap = nullptr;
    sys::result r = sys::describe(id, small, size);
    if (!r.ok())
        return nullptr;
    if (static_cast<size_t>(r.value) <= size)
        return small;
    if (describe_alloc(id, heap) < 0)
        return nullptr;
    return *heap;
}

// Checks, with the kernel's own description, that `id` is exactly type/desc.
bool describes_as(key_serial_t id, const char *type, const char *desc)
{
    char small[512];
    char *heap;
    const char *d = description_of(id, small, sizeof small, &heap);
    kf::description_fields fields{};
    bool match = d && kf::split_description(d, strlen(d), &fields) &&
                 kf::equals(fields.type, type) && kf::equals(fields.text, desc);
    free(heap);
    return match;
}

// The /proc/keys scan: the first listed key (the lowest serial: the kernel
// lists them in serial order) that is exactly type/desc.  -1 when the file
// cannot be read, is empty or lists no such key.
key_serial_t scan_proc_keys(const char *type, const char *desc)
{
    FILE *f = fopen("/proc/keys", "re");
    if (!f)
        return -1;

    // A line is only a hint, confirmed against KEYCTL_DESCRIBE.
    size_t tlen = strlen(type);
    size_t dlen = strlen(desc);
    char *line = nullptr;
    size_t cap = 0;
    key_serial_t found = -1;
    ssize_t len;
    while (found < 0 && (len = getline(&line, &cap, f)) > 0) {
        kf::proc_key k{};
        if (!kf::parse_proc_keys_line(line, static_cast<size_t>(len), &k) ||
            !kf::proc_type_matches(k.type, type, tlen) || !kf::proc_text_may_be(k.text, desc, dlen))
            continue;
        key_serial_t id = static_cast<key_serial_t>(k.serial);
        if (describes_as(id, type, desc))
            found = id;
    }
    free(line);
    fclose(f);
    return found;
}

// The walk used when /proc/keys has no answer (masked in a container, or
// /proc not mounted): every key reachable through keyrings the caller can
// read, from its own keyrings, breadth first so that each key is met at its
// shortest distance from them.  Bounded three ways: keyrings more than
// max_depth links below the caller's own are not entered, each key is
// looked at once (so a keyring reached twice, or a cycle, costs nothing),
// and the walk stops after max_keys keys.  Keys the caller cannot view and
// keyrings it cannot read are passed over.
namespace walk {

// The kernel's own searches stop 6 keyrings deep; the margin covers chains
// built from the top down, which the kernel does not refuse.
constexpr int max_depth = 8;
// Far beyond what an unprivileged user may own (200 keys by default).
constexpr size_t max_keys = 8192;
// Open addressing, at most half full.
constexpr size_t table_size = 2 * max_keys;

struct state {
    const char *type;
    const char *desc;
    key_serial_t *seen;  // table_size slots, 0 when empty
    key_serial_t *queue; // max_keys: every key met, in the order met
    int *depth;          // of each queued key
    size_t queued;
    key_serial_t best;   // the lowest matching serial, or -1
};

// Queues `id` the first time it is met, while there is room.
void meet(state *w, key_serial_t id, int depth)
{
    if (id <= 0 || w->queued >= max_keys)
        return;
    size_t i = (static_cast<uint32_t>(id) * 2654435761u) % table_size;
    while (w->seen[i] != 0) {
        if (w->seen[i] == id)
            return;
        i = (i + 1) % table_size;
    }
    w->seen[i] = id;
    w->queue[w->queued] = id;
    w->depth[w->queued] = depth;
    w->queued++;
}

// Checks one key, and queues what it holds if it is a keyring.
void examine(state *w, key_serial_t id, int depth)
{
    char small[512];
    char *heap;
    const char *d = description_of(id, small, sizeof small, &heap);
    kf::description_fields fields{};
    bool described = d && kf::split_description(d, strlen(d), &fields);
    if (described && kf::equals(fields.type, w->type) && kf::equals(fields.text, w->desc) &&
        (w->best < 0 || id < w->best))
        w->best = id;
    bool keyring = described && kf::equals(fields.type, "keyring");
    free(heap);
    if (!keyring || depth >= max_depth)
        return;

    void *ring = nullptr;
    int len = read_alloc(id, &ring);
    const key_serial_t *members = static_cast<const key_serial_t *>(ring);
    size_t n = len > 0 ? static_cast<size_t>(len) / sizeof(key_serial_t) : 0;
    for (size_t i = 0; i < n; i++)
        meet(w, members[i], depth + 1);
    free(ring);
}

// The lowest serial among the reachable keys that are exactly type/desc:
// the one the /proc/keys scan would have taken, had it listed them.
key_serial_t find(const char *type, const char *desc)
{
    static const key_serial_t roots[] = {
        KEY_SPEC_THREAD_KEYRING, KEY_SPEC_PROCESS_KEYRING, KEY_SPEC_SESSION_KEYRING,
        KEY_SPEC_USER_KEYRING,   KEY_SPEC_USER_SESSION_KEYRING,
    };
    void *block = calloc(1, (table_size + max_keys) * sizeof(key_serial_t) +
                                max_keys * sizeof(int));
    if (!block)
        return -1;
    state w{type, desc, static_cast<key_serial_t *>(block), nullptr, nullptr, 0, -1};
    w.queue = w.seen + table_size;
    w.depth = reinterpret_cast<int *>(w.queue + max_keys);
    for (key_serial_t spec : roots) {
        sys::result r = sys::get_keyring_id(spec, 0);
        if (r.ok())
            meet(&w, static_cast<key_serial_t>(r.value), 0);
    }
    for (size_t next = 0; next < w.queued; next++)
        examine(&w, w.queue[next], w.depth[next]);
    free(block);
    return w.best;
}

} // namespace walk

} // namespace

// Where /proc/keys answers, the result is 1.6.3's.  Ours on top: when the
// scan finds nothing (the file cannot be opened, is empty, or lists no
// match), the caller's keyrings are walked, so a lookup can only go from
// ENOKEY to a key; a failure to open /proc/keys is not reported any more.
KEYUTILS_EXPORT key_serial_t find_key_by_type_and_desc(const char *type, const char *desc,
                                                       key_serial_t destringid)
{
    sys::result r = sys::request_key(type, desc, nullptr, destringid);
    if (r.ok() || r.error == ENOMEM)
        return static_cast<key_serial_t>(to_c(r));

    key_serial_t found = scan_proc_keys(type, desc);
    if (found < 0)
        found = walk::find(type, desc);
    if (found < 0) {
        errno = r.error;
        return -1;
    }
    if (destringid != 0) {
        sys::result l = sys::link(found, destringid);
        if (!l.ok()) {
            errno = l.error;
            return -1;
        }
    }
    // Found after request_key() failed: errno keeps that failure, as
    // 1.6.3's does, for callers (keyctl among them) whose later messages
    // print errno.
    errno = r.error;
    return found;
}
