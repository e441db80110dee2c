// Builds notification records from <linux/watch_queue.h>, which cannot share
// a translation unit with <fcntl.h> (and so with keyutils.hpp).
#include "watch_records.hpp"

#include <cstring>

#include <linux/watch_queue.h>

namespace hpptest {

namespace {

template <class T>
std::string bytes_of(const T& v)
{
    return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

void fill_header(watch_notification& w, unsigned type, unsigned subtype, unsigned watch_id, unsigned length)
{
    w.type = type;
    w.subtype = subtype;
    w.info = ((length << WATCH_INFO_LENGTH__SHIFT) & WATCH_INFO_LENGTH)
             | ((watch_id << WATCH_INFO_ID__SHIFT) & WATCH_INFO_ID) | WATCH_INFO_FLAG_0;
}

} // namespace

std::string key_record(unsigned subtype, unsigned watch_id, std::uint32_t key_id, std::uint32_t aux)
{
    key_notification n;
    std::memset(&n, 0, sizeof n);
    fill_header(n.watch, WATCH_TYPE_KEY_NOTIFY, subtype, watch_id, sizeof n);
    n.key_id = key_id;
    n.aux = aux;
    return bytes_of(n);
}

std::string removal_record(unsigned watch_id, bool with_id, std::uint64_t id)
{
    watch_notification_removal r;
    std::memset(&r, 0, sizeof r);
    unsigned len = with_id ? sizeof r : sizeof r.watch;
    fill_header(r.watch, WATCH_TYPE_META, WATCH_META_REMOVAL_NOTIFICATION, watch_id, len);
    r.id = id;
    return bytes_of(r).substr(0, len);
}

std::string loss_record(unsigned watch_id)
{
    watch_notification w;
    std::memset(&w, 0, sizeof w);
    fill_header(w, WATCH_TYPE_META, WATCH_META_LOSS_NOTIFICATION, watch_id, sizeof w);
    return bytes_of(w);
}

std::string raw_record(unsigned type, unsigned subtype, unsigned watch_id, unsigned length)
{
    watch_notification w;
    std::memset(&w, 0, sizeof w);
    fill_header(w, type, subtype, watch_id, length);
    std::string out = bytes_of(w);
    if (length > out.size())
        out.append(length - out.size(), '\x5a');
    return out;
}

unsigned kernel_notification_pipe_flag() { return O_NOTIFICATION_PIPE; }
unsigned long kernel_watch_queue_set_size() { return IOC_WATCH_QUEUE_SET_SIZE; }

} // namespace hpptest
