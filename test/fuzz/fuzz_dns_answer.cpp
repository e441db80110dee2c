// libFuzzer target: DNS messages through key.dns_resolver's reading of
// res_nquery()'s answer (servers_in_answer, the code the SRV and AFSDB
// lookups use), as SRV and as AFSDB answers.
#include "dns_answer.hpp"

#include <arpa/nameser.h>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dns_resolver;
    // A server's record takes at least a 1-byte owner name, 10 bytes of
    // type, class, TTL and length, and 3 of rdata: no answer names more.
    size_t most = size / 14;
    for (int type : {static_cast<int>(ns_t_srv), afsdb_type}) {
        std::vector<named_server> servers;
        if (!servers_in_answer(data, size, type, servers)) {
            if (!servers.empty())
                abort();
            continue;
        }
        if (servers.size() > most)
            abort();
        for (const named_server &s : servers) {
            if (s.host.size() >= NS_MAXDNAME || s.port > 65535 || s.subtype > 65535)
                abort();
            if (type != ns_t_srv && (s.port || s.priority || s.weight))
                abort();
        }
    }
    return 0;
}
