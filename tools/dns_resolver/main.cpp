// key.dns_resolver(8): instantiates dns_resolver keys for the kernel, as
// request-key runs it ("key.dns_resolver <key>"), or shows what it would
// instantiate (-D <description> <callout info>).
#include "dns_resolver.hpp"

#include <errno.h>
#include <getopt.h>
#include <keyutils.h>
#include <keyutils/kernel_format.hpp>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <string>

namespace dns_resolver {

namespace kf = keyutils::kernel_format;

namespace {

// The kernel's dns_resolver key type takes at most this many bytes.
constexpr size_t max_payload = 32767;
// Keys whose request cannot be served at all are negated this briefly.
constexpr unsigned bad_request_timeout = 1;
// Version of this program's interface, as the original reports its own.
constexpr const char *program_version = "1.0";

const char *program_name = "key.dns_resolver";

[[noreturn]] void usage()
{
    fprintf(stderr, "Usage: %s [-vv] [-c config] key_serial\n", program_name);
    fprintf(stderr, "Usage: %s -D [-vv] [-c config] <desc> <calloutinfo>\n", program_name);
    exit(2);
}

// The request: the key (none under -D), its description and callout info.
struct request {
    key_serial_t key = 0;
    std::string description; // "type;uid;gid;perm;name"
    std::string callout;
};

bool load_request(const char *arg, request &req)
{
    if (!*arg) {
        error("Invalid blank key ID");
        return false;
    }
    char *end;
    errno = 0;
    long id = strtol(arg, &end, 0);
    if (*end || errno || id < INT32_MIN || id > INT32_MAX) {
        error("Invalid key ID format");
        return false;
    }
    req.key = static_cast<key_serial_t>(id);
    char *desc = nullptr;
    if (keyctl_describe_alloc(req.key, &desc) < 0) {
        error("keyctl_describe_alloc failed: %m");
        return false;
    }
    req.description = desc;
    free(desc);
    void *callout = nullptr;
    int len = keyctl_read_alloc(KEY_SPEC_REQKEY_AUTH_KEY, &callout);
    if (len < 0) {
        error("Invalid key callout_info read: %m");
        return false;
    }
    req.callout.assign(static_cast<const char *>(callout), static_cast<size_t>(len));
    free(callout);
    return true;
}

// The payload: addresses joined by commas, cut at an address boundary if
// it would not fit the key.
std::string make_payload(const std::vector<std::string> &addresses)
{
    std::string payload;
    for (const std::string &a : addresses) {
        size_t extra = a.size() + (payload.empty() ? 0 : 1);
        if (payload.size() + extra + 1 > max_payload)
            break;
        if (!payload.empty())
            payload += ',';
        payload += a;
    }
    return payload;
}

void show(const char *fmt, const char *arg)
{
    if (logging.debug_mode)
        info(fmt, arg);
    else
        verbose(fmt, arg);
}

int instantiate(const request &req, const config &cfg, const lookup_result &found)
{
    std::string payload = make_payload(found.addresses);
    unsigned ttl = found.ttl ? found.ttl : cfg.default_ttl;
    if (payload.empty())
        show("%s", "The key instantiation data is empty");
    else
        show("The key instantiation data is '%s'", payload.c_str());
    if (logging.debug_mode)
        info("The expiry time is %us", ttl);
    else
        verbose("The expiry time is %us", ttl);
    if (logging.debug_mode)
        return 0;
    if (keyctl_set_timeout(req.key, ttl) < 0) {
        error("%s: keyctl_set_timeout: %m", req.description.c_str());
        return 1;
    }
    // The payload goes with its terminating NUL, as the kernel's users expect.
    if (keyctl_instantiate(req.key, payload.c_str(), payload.size() + 1, 0) < 0) {
        error("%s: keyctl_instantiate: %m", req.description.c_str());
        return 1;
    }
    return 0;
}

int reject(const request &req, const config &cfg, int err)
{
    unsigned timeout = err == EAGAIN ? cfg.temporary_failure_ttl : cfg.negative_ttl;
    if (logging.debug_mode) {
        verbose("Reject the key with error %d, timeout %us", err, timeout);
        return 0;
    }
    if (keyctl_reject(req.key, timeout, static_cast<unsigned>(err), 0) < 0) {
        error("%s: keyctl_reject: %m", req.description.c_str());
        return 1;
    }
    return 0;
}

int refuse(const request &req)
{
    if (!logging.debug_mode)
        keyctl_negate(req.key, bad_request_timeout, 0);
    return 1;
}

int serve(const request &req, const config &cfg)
{
    verbose("Key description: '%s'", req.description.c_str());
    verbose("Callout info: '%s'", req.callout.c_str());

    const std::string &desc = req.description;
    kf::description_fields fields{};
    if (!kf::split_description(desc.data(), desc.size(), &fields)) {
        error("Badly formatted key description '%s'", desc.c_str());
        return refuse(req);
    }
    if (!kf::equals(fields.type, "dns_resolver")) {
        error("Key type is not supported: '%.*s'", static_cast<int>(fields.type.size),
              fields.type.data);
        return refuse(req);
    }
    // Everything after the fourth ';', which may hold ';' itself.
    std::string name(fields.text.data, fields.text.size);

    lookup_result found;
    size_t colon = name.find(':');
    if (colon == std::string::npos) {
        if (lookup_host(name, req.callout, found) != request_status::done)
            return refuse(req);
    } else {
        std::string qtype = name.substr(0, colon);
        std::string qname = name.substr(colon + 1);
        verbose("Query type: '%s'", qtype.c_str());
        if (qtype == "afsdb") {
            lookup_afs_cell(qname, req.callout, found);
        } else if (qtype == "a" || qtype == "aaaa") {
            verbose("Do DNS query of A/AAAA type for:'%s' mask:'%s'", qname.c_str(),
                    req.callout.c_str());
            if (lookup_host(qname, req.callout, found) != request_status::done)
                return refuse(req);
        } else {
            error("Query type: \"%s\" is not supported", qtype.c_str());
            return refuse(req);
        }
    }
    if (found.error)
        return reject(req, cfg, found.error);
    return instantiate(req, cfg, found);
}

// What the command line asks for.
struct command_line {
    const char *config_file = nullptr;
    bool dump_config = false;
};

// Parses the options (exits for --version and for a malformed command line)
// and leaves optind at the first operand.
command_line parse_options(int argc, char **argv)
{
    static const option long_options[] = {
        {"config", required_argument, nullptr, 'c'},
        {"debug", no_argument, nullptr, 'D'},
        {"dump-config", no_argument, nullptr, 'd'},
        {"verbose", no_argument, nullptr, 'v'},
        {"version", no_argument, nullptr, 'V'},
        {nullptr, 0, nullptr, 0},
    };
    if (argc > 0 && argv[0] && *argv[0]) {
        const char *slash = strrchr(argv[0], '/');
        program_name = slash ? slash + 1 : argv[0];
    }
    openlog(program_name, 0, LOG_DAEMON);

    command_line cl;
    int opt;
    while ((opt = getopt_long(argc, argv, "c:vDV", long_options, nullptr)) != -1) {
        switch (opt) {
        case 'c':
            cl.config_file = optarg;
            break;
        case 'D':
            logging.debug_mode = true;
            break;
        case 'd':
            cl.dump_config = true;
            break;
        case 'v':
            logging.verbosity++;
            break;
        case 'V':
            printf("version: %s from %s (%s)\n", program_version, keyutils_version_string,
                   keyutils_build_string);
            exit(0);
        default:
            usage();
        }
    }
    if (!cl.dump_config && argc - optind != (logging.debug_mode ? 2 : 1))
        usage();
    return cl;
}

} // namespace

int main(int argc, char **argv)
{
    command_line cl = parse_options(argc, argv);
    config cfg;
    if (!read_config(cl.config_file, cfg))
        return 1;
    if (cl.dump_config) {
        printf("default_ttl = %u\n", cfg.default_ttl);
        printf("negative_ttl = %u\n", cfg.negative_ttl);
        printf("temporary_failure_ttl = %u\n", cfg.temporary_failure_ttl);
        return 0;
    }

    request req;
    if (logging.debug_mode) {
        req.key = -1;
        req.description = std::string("dns_resolver;-1;-1;0;") + argv[optind];
        req.callout = argv[optind + 1];
    } else if (!load_request(argv[optind], req)) {
        return 1;
    }
    return serve(req, cfg);
}

} // namespace dns_resolver

int main(int argc, char **argv)
{
    return dns_resolver::main(argc, argv);
}
