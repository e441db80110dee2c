// The callout information of a host lookup: "ipv4", "ipv6", "list".
#include "dns_resolver.hpp"

#include <sys/socket.h>

#include "words.hpp"

namespace dns_resolver {

bool parse_host_options(const std::string &options, host_options &out)
{
    // Without options, one IPv4 address, as 1.6.3 gives callers that ask nothing.
    out.family = options.empty() ? AF_INET : AF_UNSPEC;
    out.list = false;
    size_t pos = 0;
    tools::word w;
    while (tools::next_word(options.data(), options.size(), &pos, &w, tools::is_blank)) {
        std::string opt = options.substr(w.start, w.size);
        std::string name = opt.substr(0, opt.find('='));
        trace("Opt %s", name.c_str());
        if (name.find(',') != std::string::npos) {
            error("Option name '%s' contains a comma", name.c_str());
            return false;
        }
        if (name == "ipv4")
            out.family = AF_INET;
        else if (name == "ipv6")
            out.family = AF_INET6;
        else if (name == "list")
            out.list = true;
    }
    return true;
}

} // namespace dns_resolver
