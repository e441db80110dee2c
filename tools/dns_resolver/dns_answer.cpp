// Reading SRV and AFSDB answers with glibc's ns_* parser.
#include "dns_answer.hpp"

#include <arpa/nameser.h>
#include <climits>

#include "dns_resolver.hpp"

namespace dns_resolver {

namespace {

// The rdata of answer `i` if it is an IN record of `type` holding `fixed`
// bytes then a domain name, which goes to `name`.
bool record(ns_msg &msg, int i, int type, size_t fixed, ns_rr &rr, std::string &name)
{
    if (ns_parserr(&msg, ns_s_an, i, &rr) < 0) {
        trace("ns_parserr failed: %m");
        return false;
    }
    if (ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in || ns_rr_rdlen(rr) < fixed + 1)
        return false;
    char buf[NS_MAXDNAME];
    const unsigned char *rdata = ns_rr_rdata(rr);
    int used = ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), rdata + fixed, buf,
                                  sizeof buf);
    if (used < 0 || fixed + static_cast<size_t>(used) > ns_rr_rdlen(rr)) {
        trace("ns_name_uncompress failed");
        return false;
    }
    name = buf;
    return true;
}

} // namespace

bool servers_in_answer(const unsigned char *answer, size_t size, int type,
                       std::vector<named_server> &out)
{
    ns_msg msg{};
    if (size > INT_MAX || ns_initparse(answer, static_cast<int>(size), &msg) < 0) {
        trace("ns_initparse: %m");
        return false;
    }
    int count = ns_msg_count(msg, ns_s_an);
    trace("%s RR count is %d", type == ns_t_srv ? "SRV" : "AFSDB", count);
    size_t fixed = type == ns_t_srv ? 6 : 2;
    for (int i = 0; i < count; i++) {
        ns_rr rr;
        named_server s;
        if (!record(msg, i, type, fixed, rr, s.host))
            continue;
        const unsigned char *rdata = ns_rr_rdata(rr);
        s.ttl = static_cast<unsigned>(ns_rr_ttl(rr));
        if (type == ns_t_srv) {
            s.priority = ns_get16(rdata);
            s.weight = ns_get16(rdata + 2);
            s.port = ns_get16(rdata + 4);
        } else {
            s.subtype = ns_get16(rdata);
        }
        out.push_back(std::move(s));
    }
    return true;
}

} // namespace dns_resolver
