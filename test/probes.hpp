// Probes of what this machine lets a test do, shared by every test program.
#pragma once

#include <cerrno>
#include <string>

#include <keyutils.h>
#include <unistd.h>

namespace test_probe {

// Why the kernel will not start /sbin/request-key for this caller ("" when
// it will).  Some kernels refuse the upcall to a caller whose real uid is not
// root, failing request_key with ENOENT before anything runs (checked with a
// logging wrapper bind-mounted over /sbin/request-key).  The probe's request
// is answered by any configuration with something other than ENOENT.
inline std::string upcall_problem()
{
    std::string desc = "keyutils-test-probe:" + std::to_string(::getpid());
    errno = 0;
    key_serial_t k = request_key("user", desc.c_str(), "probe", KEY_SPEC_PROCESS_KEYRING);
    if (k < 0 && errno == ENOENT)
        return "the kernel does not start /sbin/request-key for uid " +
               std::to_string(::getuid()) + " (request_key: ENOENT before any upcall)";
    return "";
}

} // namespace test_probe
