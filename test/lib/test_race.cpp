// keyctl_read_alloc on several threads while another thread keeps changing
// the payload's size across the helper's first-buffer size: every read must
// return one whole, consistent payload.  Meant to be run under ASan too.
#include "support.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

// A payload whose every byte is derived from its length, so a reader can
// tell a torn or mis-sized read from a good one.
std::string payload(size_t n) { return std::string(n, static_cast<char>('a' + n % 26)); }

} // namespace

TEST_CASE("concurrent readers see whole payloads while a writer resizes them")
{
    // Across the first-buffer size, and within an unprivileged user's quota.
    const size_t sizes[] = {10, 3000, 4095, 4096, 4097, 7000, 1};
    key_serial_t k = test::new_key("race:key", payload(sizes[0]));
    std::atomic<bool> stop{false};
    std::atomic<long> reads{0}, bad{0}, errors{0};
    // The readers also watch the clock: a scheduler that never lets the
    // writer run again (valgrind's, on a slow machine) must not keep them
    // reading forever; the test then fails on the writes it counts.
    auto readers_until = std::chrono::steady_clock::now() + std::chrono::seconds(120);

    std::vector<std::thread> readers;
    for (int t = 0; t < 4; t++) {
        readers.emplace_back([&] {
            while (!stop.load() && std::chrono::steady_clock::now() < readers_until) {
                void *p = nullptr;
                int n = keyctl_read_alloc(k, &p);
                if (n < 0) {
                    errors++;
                    continue;
                }
                const char *c = static_cast<const char *>(p);
                if (payload(static_cast<size_t>(n)) != std::string(c, static_cast<size_t>(n)) ||
                    c[n] != '\0')
                    bad++;
                free(p);
                reads++;
            }
        });
    }

    // At least 1.5 s and 200 writes, counted from when the readers exist:
    // starting four threads under valgrind on a loaded machine can take
    // longer than the whole time budget.
    long writes = 0;
    int write_error = 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    while (writes < 200 || std::chrono::steady_clock::now() < until) {
        std::string p = payload(sizes[writes % (sizeof sizes / sizeof sizes[0])]);
        if (add_key("user", "race:key", p.data(), p.size(), KEY_SPEC_SESSION_KEYRING) != k) {
            write_error = errno;
            break;
        }
        writes++;
    }
    stop = true;
    for (auto &t : readers)
        t.join();

    REQUIRE(test::errno_name(write_error) == "no error");
    INFO(reads << " reads, " << writes << " writes");
    REQUIRE(reads > 100);
    REQUIRE(writes > 100);
    REQUIRE(bad == 0);
    REQUIRE(errors == 0);
}
