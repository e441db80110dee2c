// libFuzzer target: key.dns_resolver.conf text through the configuration
// parser, and the same bytes as a host lookup's callout options.  Every
// value the parser accepts is in 1..INT_MAX.
#include "dns_resolver.hpp"

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <sys/socket.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dns_resolver;
    const char *text = reinterpret_cast<const char *>(data);
    config cfg;
    if (parse_config("fuzz.conf", text, size, cfg)) {
        for (unsigned v : {cfg.default_ttl, cfg.negative_ttl, cfg.temporary_failure_ttl})
            if (v < 1 || v > INT_MAX)
                abort();
    }

    host_options opts{};
    std::string options(text, size);
    if (parse_host_options(options, opts)) {
        if (opts.family != AF_INET && opts.family != AF_INET6 && opts.family != AF_UNSPEC)
            abort();
        if (options.empty() && opts.family != AF_INET)
            abort();
    } else if (options.find(',') == std::string::npos) {
        abort();
    }
    return 0;
}
