// key.dns_resolver(8): shared declarations of the upcall's parts.
#pragma once

#include <string>
#include <vector>

namespace dns_resolver {

// Where messages go: a terminal when there is one, syslog otherwise (as the
// kernel's upcall runs with no terminal).
struct log_settings {
    int verbosity = 0;
    bool debug_mode = false; // -D: nothing is instantiated, results are shown
};
extern log_settings logging;

void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// An error message without the "Error: " prefix (warnings, resolver errors).
void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct config {
    unsigned default_ttl = 5;
    // Timeouts of rejected keys: the name does not exist or has no records
    // of the wanted kind, or the DNS could not be reached.
    unsigned negative_ttl = 60;
    unsigned temporary_failure_ttl = 60;
};

// The file read when no -c is given, then the one older documentation names.
constexpr const char *config_path = "/etc/keyutils/key.dns_resolver.conf";
constexpr const char *legacy_config_path = "/etc/key.dns_resolver.conf";

// Reads `path` (or the default files when `path` is null) into `cfg`.
// Returns false after reporting the first error.
bool read_config(const char *path, config &cfg);
// The same for text already read; `file` names it in messages.
bool parse_config(const char *file, const char *text, size_t size, config &cfg);

// What a lookup found: addresses in payload order, or the error to reject
// the key with.
struct lookup_result {
    std::vector<std::string> addresses;
    unsigned ttl = 0; // seconds; 0 when the records gave none
    int error = 0;    // ENODATA or EAGAIN when nothing was found
};

enum class request_status { done, bad_request };

// What a host lookup's callout information asks for: space-separated
// options, of which ipv4, ipv6 and list mean something (a value after '='
// is ignored, others are skipped).
struct host_options {
    int family;        // AF_INET, AF_INET6 or AF_UNSPEC
    bool list = false; // every address, not just the first
};
// False, after reporting it, for an option name holding a comma.
bool parse_host_options(const std::string &options, host_options &out);

// A host name: A and/or AAAA records, as the callout options ask.
request_status lookup_host(const std::string &name, const std::string &options,
                           lookup_result &out);
// An AFS cell's volume location servers: SRV records, then AFSDB records.
void lookup_afs_cell(const std::string &cell, const std::string &mask, lookup_result &out);

} // namespace dns_resolver
