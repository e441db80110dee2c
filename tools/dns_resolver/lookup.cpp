// The DNS side of key.dns_resolver, all through glibc: getaddrinfo() for
// addresses, res_nquery() and the ns_* parser for SRV and AFSDB records.
#include "dns_resolver.hpp"

#include "dns_answer.hpp"

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

// The AFS volume location service's SRV name.
constexpr const char *afs_vl_srv_prefix = "_afs3-vlserver._udp.";

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
// RES_OPTIONS) are read afresh and h_errno stays per call.  The servers the
// answer names go to `out`; false (with `h` set) when there is no answer.
bool query_servers(const char *name, int type, std::vector<named_server> &out, int &h)
{
    struct __res_state state {};
    if (res_ninit(&state) != 0) {
        res_nclose(&state);
        h = NETDB_INTERNAL;
        return false;
    }
    std::vector<unsigned char> answer(NS_MAXMSG);
    int len = res_nquery(&state, name, ns_c_in, type, answer.data(), static_cast<int>(answer.size()));
    h = state.res_h_errno;
    res_nclose(&state);
    if (len < 0)
        return false;
    size_t size = std::min<size_t>(static_cast<size_t>(len), answer.size());
    if (!servers_in_answer(answer.data(), size, type, out)) {
        h = NO_RECOVERY;
        return false;
    }
    return true;
}

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
    std::vector<named_server> servers;
    if (!query_servers(qname.c_str(), ns_t_srv, servers, h)) {
        report_dns_failure(cell, h);
        return false;
    }
    bool seen_ttl = false;
    for (const named_server &s : servers) {
        verbose("rdata %u %u %u", s.priority, s.weight, s.port);
        size_t before = out.addresses.size();
        int rc = resolve_addresses(s.host.c_str(), family, "+" + std::to_string(s.port),
                                   out.addresses);
        if (rc != 0) {
            verbose("SRV RR can't resolve server name:%s: %s", s.host.c_str(), gai_strerror(rc));
            continue;
        }
        if (out.addresses.size() > before)
            note_ttl(out, s.ttl, seen_ttl);
        verbose("SRV RR server name:%s, ip:%s, ttl:%u", s.host.c_str(),
                out.addresses.size() > before ? out.addresses[before].c_str() : "", s.ttl);
    }
    verbose("DNS query VL SRV RR results:%zu ttl:%u", out.addresses.size(), out.ttl);
    return !out.addresses.empty();
}

// VL servers from AFSDB records (subtype, host name), without ports.
bool afs_from_afsdb(const std::string &cell, int family, lookup_result &out, int &h)
{
    trace("Get AFSDB RR for cell name:'%s'", cell.c_str());
    std::vector<named_server> servers;
    if (!query_servers(cell.c_str(), afsdb_type, servers, h)) {
        report_dns_failure(cell, h);
        return false;
    }
    bool seen_ttl = false;
    for (const named_server &s : servers) {
        size_t before = out.addresses.size();
        int rc = resolve_addresses(s.host.c_str(), family, "", out.addresses);
        if (rc != 0) {
            verbose("AFSDB RR can't resolve subtype:%u, server name:%s: %s", s.subtype,
                    s.host.c_str(), gai_strerror(rc));
            continue;
        }
        if (out.addresses.size() > before)
            note_ttl(out, s.ttl, seen_ttl);
        verbose("AFSDB RR subtype:%u, server name:%s, ttl:%u", s.subtype, s.host.c_str(), s.ttl);
    }
    verbose("DNS query AFSDB RR results:%zu ttl:%u", out.addresses.size(), out.ttl);
    return !out.addresses.empty();
}

} // namespace

request_status lookup_host(const std::string &name, const std::string &options,
                           lookup_result &out)
{
    trace("Get A/AAAA RR for hostname:'%s', options:'%s'", name.c_str(), options.c_str());
    host_options opts;
    if (!parse_host_options(options, opts))
        return request_status::bad_request;
    int family = opts.family;
    bool list = opts.list;

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
