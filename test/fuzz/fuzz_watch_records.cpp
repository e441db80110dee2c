// libFuzzer target: watch_queue pipe contents through the kernel-format
// layer, checked against the kernel's own structures (linux/watch_queue.h)
// field by field.
#include <keyutils/kernel_format.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <linux/watch_queue.h>

namespace kf = keyutils::kernel_format;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    kf::watch_record r{};
    for (;;) {
        size_t before = off;
        kf::watch_status st = kf::next_watch_record(data, size, &off, &r);
        if (st == kf::watch_status::end) {
            if (before != size)
                abort();
            return 0;
        }
        if (st == kf::watch_status::malformed) {
            if (off != before)
                abort();
            return 0;
        }
        watch_notification w;
        memcpy(&w, data + before, sizeof w);
        size_t len = (w.info & WATCH_INFO_LENGTH) >> WATCH_INFO_LENGTH__SHIFT;
        if (r.type != w.type || r.subtype != w.subtype || r.length != len ||
            r.watch_id != ((w.info & WATCH_INFO_ID) >> WATCH_INFO_ID__SHIFT) ||
            r.bytes != data + before || off != before + len || len < sizeof w || off > size)
            abort();
        if (r.has_key) {
            key_notification k;
            memcpy(&k, data + before, sizeof k);
            if (len < sizeof k || r.key_id != k.key_id || r.aux != k.aux)
                abort();
        }
        if (r.has_object_id) {
            watch_notification_removal m;
            memcpy(&m, data + before, sizeof m);
            if (len < sizeof m || r.object_id != m.id)
                abort();
        }
    }
}
