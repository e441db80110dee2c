// The DNS side of key.dns_resolver, all through glibc: getaddrinfo() for
// addresses, res_nquery() and the ns_* parser for SRV and AFSDB records.
#include "dns_resolver.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>

namespace dns_resolver {

namespace {

// The AFS volume location service's SRV name and AFSDB record type.
constexpr const char *afs_vl_srv_prefix = "_afs3-vlserver._udp.";
constexpr int afsdb_type = 18;

int error_from_gai(int rc)
{
    return rc == EAI_AGAIN ? EAGAIN : ENODATA;
}

int error_from_h_errno(int h)
{
    return h == TRY_AGAIN ? EAGAIN : ENODATA;
}

void append_unique(std::vector<std::string> &list, std::string s)
{
    if (std::find(list.begin(), list.end(), s) == list.end())
        list.push_back(std::move(s));
}

// Every address of `host` of the given family (AF_UNSPEC for both), in
// getaddrinfo's order, each followed by `suffix`.  Returns 0 or an EAI_ code.
int resolve_addresses(const char *host, int family, const std::string &suffix,
                      std::vector<std::string> &out)
{
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    trace("Resolve '%s' family %d", host, family);
    int rc = getaddrinfo(host, nullptr, &hints, &res);
    if (rc != 0)
        return rc;
    for (addrinfo *ai = res; ai; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN];
        const void *addr;
        if (ai->ai_family == AF_INET)
            addr = &reinterpret_cast<const sockaddr_in *>(ai->ai_addr)->sin_addr;
        else if (ai->ai_family == AF_INET6)
            addr = &reinterpret_cast<const sockaddr_in6 *>(ai->ai_addr)->sin6_addr;
        else {
            trace("Address of unknown family %d", ai->ai_family);
            continue;
        }
        if (!inet_ntop(ai->ai_family, addr, text, sizeof text))
            continue;
        trace("append '%s%s'", text, suffix.c_str());
        append_unique(out, text + suffix);
    }
    freeaddrinfo(res);
    return 0;
}

// One query through a private resolver state, so /etc/resolv.conf (and
// RES_OPTIONS) are read afresh and h_errno stays per call.
class dns_query {
public:
    dns_query() { ok_ = res_ninit(&state_) == 0; }
    ~dns_query() { res_nclose(&state_); }
    dns_query(const dns_query &) = delete;
    dns_query &operator=(const dns_query &) = delete;

    // Sends the query; false (with herror() set) when there is no answer.
    bool run(const char *name, int type)
    {
        if (!ok_) {
            h_errno_ = NETDB_INTERNAL;
            return false;
        }
        answer_.resize(NS_MAXMSG);
        int len = res_nquery(&state_, name, ns_c_in, type, answer_.data(),
                             static_cast<int>(answer_.size()));
        if (len < 0) {
            h_errno_ = state_.res_h_errno;
            return false;
        }
        answer_.resize(std::min<size_t>(static_cast<size_t>(len), answer_.size()));
        if (ns_initparse(answer_.data(), static_cast<int>(answer_.size()), &msg_) < 0) {
            trace("ns_initparse: %m");
            h_errno_ = NO_RECOVERY;
            return false;
        }
        return true;
    }

    int h_error() const { return h_errno_; }
    int answers() const { return ns_msg_count(msg_, ns_s_an); }

    // The i-th answer if it is of `type` and its rdata holds `fixed` bytes
    // then a domain name, which is stored in `name`.
    bool record(int i, int type, size_t fixed, ns_rr &rr, std::string &name)
    {
        if (ns_parserr(&msg_, ns_s_an, i, &rr) < 0) {
            trace("ns_parserr failed: %m");
            return false;
        }
        if (ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in || ns_rr_rdlen(rr) < fixed + 1)
            return false;
        char buf[NS_MAXDNAME];
        const unsigned char *rdata = ns_rr_rdata(rr);
        int used = ns_name_uncompress(ns_msg_base(msg_), ns_msg_end(msg_), rdata + fixed, buf,
                                      sizeof buf);
        if (used < 0 || fixed + static_cast<size_t>(used) > ns_rr_rdlen(rr)) {
            trace("ns_name_uncompress failed");
            return false;
        }
        name = buf;
        return true;
    }

private:
    struct __res_state state_ {};
    bool ok_ = false;
    int h_errno_ = 0;
    std::vector<unsigned char> answer_;
    ns_msg msg_{};
};

void report_dns_failure(const std::string &name, int h)
{
    complain("NS:%s: %s.", name.c_str(), hstrerror(h));
    verbose("Reject the key with error %d", error_from_h_errno(h));
}

void note_ttl(lookup_result &out, unsigned ttl, bool &seen)
{
    if (!seen || ttl < out.ttl)
        out.ttl = ttl;
    seen = true;
}

// VL servers from SRV records, each address with the record's port.
bool afs_from_srv(const std::string &cell, int family, lookup_result &out, int &h)
{
    std::string qname = afs_vl_srv_prefix + cell;
    trace("Get VL SRV RR for name:'%s'", qname.c_str());
    dns_query q;
    if (!q.run(qname.c_str(), ns_t_srv)) {
        h = q.h_error();
        report_dns_failure(cell, h);
        return false;
    }
    trace("SRV RR count is %d", q.answers());
    bool seen_ttl = false;
    for (int i = 0; i < q.answers(); i++) {
        ns_rr rr;
        std::string target;
        if (!q.record(i, ns_t_srv, 6, rr, target))
            continue;
        const unsigned char *rdata = ns_rr_rdata(rr);
        unsigned priority = ns_get16(rdata), weight = ns_get16(rdata + 2);
        unsigned port = ns_get16(rdata + 4);
        verbose("rdata %u %u %u", priority, weight, port);
        size_t before = out.addresses.size();
        int rc = resolve_addresses(target.c_str(), family, "+" + std::to_string(port),
                                   out.addresses);
        if (rc != 0) {
            verbose("SRV RR can't resolve server name:%s: %s", target.c_str(), gai_strerror(rc));
            continue;
        }
        if (out.addresses.size() > before)
            note_ttl(out, ns_rr_ttl(rr), seen_ttl);
        verbose("SRV RR server name:%s, ip:%s, ttl:%u", target.c_str(),
                out.addresses.size() > before ? out.addresses[before].c_str() : "",
                static_cast<unsigned>(ns_rr_ttl(rr)));
    }
    verbose("DNS query VL SRV RR results:%zu ttl:%u", out.addresses.size(), out.ttl);
    return !out.addresses.empty();
}

// VL servers from AFSDB records (subtype, host name), without ports.
bool afs_from_afsdb(const std::string &cell, int family, lookup_result &out, int &h)
{
    trace("Get AFSDB RR for cell name:'%s'", cell.c_str());
    dns_query q;
    if (!q.run(cell.c_str(), afsdb_type)) {
        h = q.h_error();
        report_dns_failure(cell, h);
        return false;
    }
    trace("AFSDB RR count is %d", q.answers());
    bool seen_ttl = false;
    for (int i = 0; i < q.answers(); i++) {
        ns_rr rr;
        std::string host;
        if (!q.record(i, afsdb_type, 2, rr, host))
            continue;
        unsigned subtype = ns_get16(ns_rr_rdata(rr));
        size_t before = out.addresses.size();
        int rc = resolve_addresses(host.c_str(), family, "", out.addresses);
        if (rc != 0) {
            verbose("AFSDB RR can't resolve subtype:%u, server name:%s: %s", subtype,
                    host.c_str(), gai_strerror(rc));
            continue;
        }
        if (out.addresses.size() > before)
            note_ttl(out, ns_rr_ttl(rr), seen_ttl);
        verbose("AFSDB RR subtype:%u, server name:%s, ttl:%u", subtype, host.c_str(),
                static_cast<unsigned>(ns_rr_ttl(rr)));
    }
    verbose("DNS query AFSDB RR results:%zu ttl:%u", out.addresses.size(), out.ttl);
    return !out.addresses.empty();
}

} // namespace

request_status lookup_host(const std::string &name, const std::string &options,
                           lookup_result &out)
{
    trace("Get A/AAAA RR for hostname:'%s', options:'%s'", name.c_str(), options.c_str());
    // Without options, one IPv4 address, as 1.6.3 gives callers that ask nothing.
    int family = options.empty() ? AF_INET : AF_UNSPEC;
    bool list = false;
    size_t pos = 0;
    while (pos < options.size()) {
        size_t end = options.find(' ', pos);
        if (end == std::string::npos)
            end = options.size();
        std::string opt = options.substr(pos, end - pos);
        pos = end + 1;
        if (opt.empty())
            continue;
        std::string opt_name = opt.substr(0, opt.find('='));
        trace("Opt %s", opt_name.c_str());
        if (opt_name.find(',') != std::string::npos) {
            error("Option name '%s' contains a comma", opt_name.c_str());
            return request_status::bad_request;
        }
        if (opt_name == "ipv4")
            family = AF_INET;
        else if (opt_name == "ipv6")
            family = AF_INET6;
        else if (opt_name == "list")
            list = true;
    }

    std::vector<std::string> addresses;
    int rc = resolve_addresses(name.c_str(), family, "", addresses);
    if (rc == 0 && addresses.empty())
        rc = EAI_NODATA;
    if (rc != 0) {
        verbose("unable to resolve hostname: %s [%s]", name.c_str(), gai_strerror(rc));
        complain("NS:%s: %s.", name.c_str(), hstrerror(NO_DATA));
        out.error = error_from_gai(rc);
        verbose("Reject the key with error %d", out.error);
        return request_status::done;
    }
    if (!list)
        addresses.resize(1);
    out.addresses = std::move(addresses);
    return request_status::done;
}

void lookup_afs_cell(const std::string &cell, const std::string &mask, lookup_result &out)
{
    verbose("Do AFS VL server query for:'%s' mask:'%s'", cell.c_str(), mask.c_str());
    int family = mask == "ipv4" ? AF_INET : mask == "ipv6" ? AF_INET6 : AF_UNSPEC;
    int srv_h = 0, afsdb_h = 0;
    if (afs_from_srv(cell, family, out, srv_h))
        return;
    out.addresses.clear();
    out.ttl = 0;
    if (afs_from_afsdb(cell, family, out, afsdb_h))
        return;
    out.addresses.clear();
    out.ttl = 0;
    // Only a DNS that could not be reached either time makes it temporary.
    out.error = srv_h == TRY_AGAIN && afsdb_h == TRY_AGAIN ? EAGAIN : ENODATA;
    complain("NS:%s: %s.", cell.c_str(), hstrerror(NO_DATA));
    verbose("Reject the key with error %d", out.error);
}

} // namespace dns_resolver
