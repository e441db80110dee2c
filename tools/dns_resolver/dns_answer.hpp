// Reading the answer res_nquery() returns for an AFS cell's SRV or AFSDB
// query, kept apart from the query itself so that the fuzzer can feed it
// any buffer through the same code.
#pragma once

#include <stddef.h>

#include <string>
#include <vector>

namespace dns_resolver {

// The AFSDB record type (RFC 1183), which glibc's ns_type names too late.
constexpr int afsdb_type = 18;

// One server an answer names.
struct named_server {
    std::string host;
    unsigned ttl = 0;
    // SRV only.
    unsigned priority = 0, weight = 0, port = 0;
    // AFSDB only.
    unsigned subtype = 0;
};

// The servers named by the IN-class answers of `type` (ns_t_srv or
// afsdb_type) in the DNS message `answer`, in answer order; records of other
// types and malformed records are skipped.  False when the message itself
// cannot be parsed.
bool servers_in_answer(const unsigned char *answer, size_t size, int type,
                       std::vector<named_server> &out);

} // namespace dns_resolver
