// keyctl's instantiate, negate and reject, done by request-key itself.
//
// request-key.conf rules very often run keyctl for nothing more than one
// key operation: Debian's default configuration ends with
// "/bin/keyctl negate %k 30 %S".  Starting keyctl for that costs a whole
// program start on the upcall's critical path; request-key already holds
// the authority over the key and links the same library, so it makes the
// call itself, with the same arguments, the same result and the same exit
// status keyctl would give.
#pragma once

#include "handler.hpp"

namespace rktool {

// When `run` is a plain (not pipe) handler /bin/keyctl or /usr/bin/keyctl
// (and that file is executable) with "instantiate KEY DATA KEYRING",
// "negate KEY TIMEOUT KEYRING" or "reject KEY TIMEOUT ERROR KEYRING", every
// key and keyring a number or an @ name (@s, @u, ...: they name the same
// keyrings for request-key as for the keyctl it would start), every timeout
// and error a decimal number (or, for the error, rejected, expired or
// revoked, as keyctl takes them): does it and returns true with `res` as
// keyctl's exit would be (0, or 1 with the error logged).  Anything else
// (another program, another command, an option such as -x, a keyring named
// %type:name) returns false and is left to the real keyctl.
bool run_builtin_keyctl(const handler_run &run, run_result &res);

// The same test without doing anything: what --explain reports.
bool is_builtin_keyctl(const handler_run &run);

} // namespace rktool
