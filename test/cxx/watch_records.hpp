// Synthetic notification records built with the kernel's own structures, for
// checking keyutils::decode_notifications() against <linux/watch_queue.h>.
#pragma once

#include <cstdint>
#include <string>

namespace hpptest {

// A key_notification record.
std::string key_record(unsigned subtype, unsigned watch_id, std::uint32_t key_id, std::uint32_t aux);
// A meta record: removal (optionally with an object id) or loss.
std::string removal_record(unsigned watch_id, bool with_id, std::uint64_t id);
std::string loss_record(unsigned watch_id);
// A header of any type with the given length field, padded to that length.
std::string raw_record(unsigned type, unsigned subtype, unsigned watch_id, unsigned length);

// The kernel's constants, for comparison with the header's.
unsigned kernel_notification_pipe_flag();
unsigned long kernel_watch_queue_set_size();

} // namespace hpptest
