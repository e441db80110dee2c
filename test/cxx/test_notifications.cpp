// The notification watcher: clean reporting on kernels without
// notifications, live events where the kernel has them, and decoding of
// records built with the kernel's own structures.
#include "support.hpp"
#include "watch_records.hpp"

#include <poll.h>

using namespace keyutils;
using hpptest::fresh_session;

TEST_CASE("the header's watch-queue constants are the kernel's", "[notifications]")
{
    CHECK(static_cast<unsigned>(detail::notification_pipe_flag) == hpptest::kernel_notification_pipe_flag());
    CHECK(detail::watch_queue_set_size == hpptest::kernel_watch_queue_set_size());
}

TEST_CASE("key records decode to typed events", "[notifications][decode]")
{
    const std::pair<unsigned, key_change> kinds[] = {
        {0, key_change::instantiated}, {1, key_change::updated},  {2, key_change::linked},
        {3, key_change::unlinked},     {4, key_change::cleared},  {5, key_change::revoked},
        {6, key_change::invalidated},  {7, key_change::attributes_changed},
    };
    for (const auto& [subtype, change] : kinds) {
        INFO("subtype " << subtype);
        auto events = decode_notifications(hpptest::key_record(subtype, 42, 123456789, 987654321));
        REQUIRE(events.size() == 1);
        const auto* e = std::get_if<key_event>(&events[0]);
        REQUIRE(e);
        CHECK(e->change == change);
        CHECK(e->watch_id == 42);
        CHECK(e->subject == key(123456789));
        CHECK(e->aux == 987654321u);
        CHECK(e->other() == key(987654321));
    }
    // An instantiation error travels in aux as the kernel's negative errno.
    auto events = decode_notifications(hpptest::key_record(0, 1, 5, static_cast<std::uint32_t>(-EKEYREJECTED)));
    CHECK(static_cast<std::int32_t>(std::get<key_event>(events.at(0)).aux) == -EKEYREJECTED);
}

TEST_CASE("meta records decode to removal and loss", "[notifications][decode]")
{
    auto stream = hpptest::removal_record(7, false, 0) + hpptest::removal_record(8, true, 0x1122334455667788ULL)
                  + hpptest::loss_record(255);
    auto events = decode_notifications(stream);
    REQUIRE(events.size() == 3);
    const auto& r1 = std::get<watch_removed>(events[0]);
    CHECK(r1.watch_id == 7);
    CHECK(!r1.object_id);
    const auto& r2 = std::get<watch_removed>(events[1]);
    CHECK(r2.watch_id == 8);
    CHECK(r2.object_id == 0x1122334455667788ULL);
    CHECK(std::get<notifications_lost>(events[2]).watch_id == 255);
}

TEST_CASE("a stream of mixed records decodes in order; unknown ones are kept", "[notifications][decode]")
{
    auto unknown = hpptest::raw_record(9, 3, 4, 24);
    auto stream = hpptest::key_record(1, 1, 100, 0) + unknown + hpptest::key_record(2, 2, 200, 300);
    auto events = decode_notifications(stream);
    REQUIRE(events.size() == 3);
    CHECK(std::get<key_event>(events[0]).subject == key(100));
    const auto& u = std::get<unknown_notification>(events[1]);
    CHECK(u.type == 9);
    CHECK(u.subtype == 3);
    CHECK(u.watch_id == 4);
    REQUIRE(u.record.size() == 24);
    CHECK(std::memcmp(u.record.data(), unknown.data(), 24) == 0);
    CHECK(std::get<key_event>(events[2]).other() == key(300));
    CHECK(decode_notifications(bytes_view()).empty());
}

TEST_CASE("malformed records stop decoding with EBADMSG", "[notifications][decode]")
{
    auto good = hpptest::key_record(1, 1, 100, 0);
    std::error_code ec;

    // As every std::error_code& form: an error returns nothing, not the
    // records before it.
    auto events = decode_notifications(good + good.substr(0, 5), ec); // truncated header
    CHECK(events.empty());
    CHECK(ec.value() == EBADMSG);
    CHECK(operation_of(ec) == operation::decode_notifications);

    events = decode_notifications(good + hpptest::raw_record(1, 1, 1, 0), ec); // zero length
    CHECK(events.empty());
    CHECK(ec.value() == EBADMSG);

    events = decode_notifications(hpptest::raw_record(1, 1, 1, 4), ec); // shorter than a header
    CHECK(events.empty());
    CHECK(ec.value() == EBADMSG);

    events = decode_notifications(good.substr(0, 12), ec); // length runs past the data
    CHECK(events.empty());
    CHECK(ec.value() == EBADMSG);

    REQUIRE_THROWS_ERRNO(EBADMSG, decode_notifications(good.substr(0, 12)));

    // A key record too short for its fields is kept as unknown, not misread.
    events = decode_notifications(hpptest::raw_record(1, 1, 1, 8), ec);
    CHECK(!ec);
    REQUIRE(events.size() == 1);
    CHECK(std::holds_alternative<unknown_notification>(events[0]));
}

TEST_CASE("without kernel notifications the watcher says so",
          "[notifications][may-skip][without-notify]")
{
    auto caps = capabilities();
    if (caps.notifications) {
        SKIP_TEST("this kernel has notifications; the live test covers it");
    }
    std::error_code ec;
    watcher w(1, ec);
    CHECK(ec == errc::unsupported);
    CHECK(operation_of(ec) == operation::watch_queue);
    CHECK(ec.message().find("does not provide key notifications") != std::string::npos);
    CHECK(!w.is_open());
    CHECK(w.fd() == -1);

    try {
        watcher thrown;
        FAIL("constructed a watcher without kernel support");
    } catch (const std::system_error& e) {
        CHECK(e.code() == errc::unsupported);
        CHECK(std::string(e.what()).find("key notifications") != std::string::npos);
    }

    // Asking the kernel to watch fails the same way, whatever the queue.
    fresh_session fs;
    w.watch(fs.ring, 1, ec);
    CHECK(ec == errc::unsupported);
    CHECK(operation_of(ec) == operation::watch_key);
    REQUIRE_THROWS_ERRNO(EOPNOTSUPP, w.watch(fs.ring, 1));
    w.unwatch(fs.ring, ec);
    CHECK(ec == errc::unsupported);

    // A moved-from, never-opened watcher is harmless.
    watcher moved(std::move(w));
    CHECK(!moved.is_open());
}

TEST_CASE("with kernel notifications the watcher delivers events",
          "[notifications][may-skip][needs-notify]")
{
    if (!capabilities().notifications) {
        SKIP_TEST("this kernel lacks key notifications (keyctl supports: have_notify=0)");
    }
    fresh_session fs;
    watcher w;
    REQUIRE(w.is_open());
    auto k = fs.ring.add("user", "watched", "1");
    w.watch(k, 9);
    k.update("2");
    pollfd p{w.fd(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 5000) == 1);
    auto events = w.read();
    REQUIRE(!events.empty());
    const auto* e = std::get_if<key_event>(&events[0]);
    REQUIRE(e);
    CHECK(e->change == key_change::updated);
    CHECK(e->watch_id == 9);
    CHECK(e->subject == k);
    w.unwatch(k);
}
