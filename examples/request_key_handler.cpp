// request-key-handler: an example request-key(8) helper written with
// keyutils.hpp. /sbin/request-key runs it for a matching request, e.g. from
// a file in /etc/request-key.d/:
//
//   create user example:* * /usr/libexec/request-key-handler %k %S
//
// It takes over the authority to construct the key, reads the callout
// information the requester passed, and then:
//   "reject" -> rejects the key (requesters get EKEYREJECTED for 30 s)
//   "negate" -> negates it (requesters get ENOKEY for 30 s)
//   "reject:N", "negate:N" -> the same for N seconds (N <= 0: the shortest
//                             time the kernel allows, one second)
//   anything else -> instantiates it with "<description>=<callout>"
#include <keyutils.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

int main(int argc, char** argv)
{
    using namespace keyutils;
    using namespace std::chrono_literals;

    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <key-id> <session-keyring-id>\n", argv[0]);
        return 2;
    }
    key target(static_cast<key_serial_t>(std::strtol(argv[1], nullptr, 10)));
    keyring requester_session(static_cast<key_serial_t>(std::strtol(argv[2], nullptr, 10)));

    try {
        authority_guard authority(target);
        std::string callout = authority.callout_info();
        std::string_view verb(callout);
        std::chrono::seconds timeout = 30s;
        if (auto colon = verb.find(':'); colon != std::string_view::npos) {
            timeout = std::chrono::seconds(std::strtol(callout.c_str() + colon + 1, nullptr, 10));
            verb = verb.substr(0, colon);
        }
        if (verb == "reject") {
            authority.reject(timeout, errc::key_rejected, requester_session);
        } else if (verb == "negate") {
            authority.negate(timeout, requester_session);
        } else {
            // Authority lets the handler view the key it is building.
            std::string name = target.describe().text;
            authority.instantiate({name, "=", callout}, requester_session);
        }
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "request-key-handler: %s\n", e.what());
        return 1;
    }
    return 0;
}
