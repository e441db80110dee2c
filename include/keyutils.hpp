// keyutils.hpp: a header-only C++17 interface to the Linux key management
// facility, built on the public C API of <keyutils.h> (and, for the watcher
// and access diagnostics, pipe2, ioctl and getgroups), so it works with any
// libkeyutils.so.1. This header includes every part; each part can also be
// included alone:
//
//   <keyutils/error.hpp>         operation, errc, error categories
//   <keyutils/bytes.hpp>         zstring, bytes_view, byte_buffer, secret
//   <keyutils/permissions.hpp>   rights, accessor, permissions
//   <keyutils/description.hpp>   description
//   <keyutils/key.hpp>           key, keyring, request_key()
//   <keyutils/walk.hpp>          keyring_walk, walk_entry
//   <keyutils/ownership.hpp>     basic_unique_key, unique_key, unique_keyring
//   <keyutils/instantiate.hpp>   instantiate(), reject(), negate(), authority_guard
//   <keyutils/capabilities.hpp>  kernel_capabilities, capabilities()
//   <keyutils/notify.hpp>        watcher, notifications
//   <keyutils/access.hpp>        access_report (key::access())
//
// Conventions used throughout:
//  - Every fallible operation f(a, b = x) comes in three forms: f(a) and
//    f(a, b) throw std::system_error, whose what() names the key and the
//    operation; f(a, ec) and f(a, b, ec) take a trailing std::error_code&,
//    return what the throwing form returns (an empty or disengaged value on
//    error) or void, and differ in nothing else.
//  - Error codes carry the failing C function in their category, so
//    ec.message() reads e.g. "keyctl_search: ENOKEY (Required key not available)".
//    Compare them with keyutils::errc conditions or std::errc.
//  - Expected misses (a search or request finding nothing) are std::nullopt
//    from the try_* forms, not errors.
//  - Handles (key, keyring) are plain values that own nothing; ownership is
//    opt-in through basic_unique_key.
//  - Without exceptions (-fno-exceptions) the std::error_code& forms work as
//    ever; the throwing forms end the program (std::abort) where they would
//    throw.
#ifndef KEYUTILS_HPP
#define KEYUTILS_HPP

#include <keyutils/error.hpp>
#include <keyutils/bytes.hpp>
#include <keyutils/permissions.hpp>
#include <keyutils/description.hpp>
#include <keyutils/key.hpp>
#include <keyutils/walk.hpp>
#include <keyutils/ownership.hpp>
#include <keyutils/instantiate.hpp>
#include <keyutils/capabilities.hpp>
#include <keyutils/notify.hpp>
#include <keyutils/access.hpp>

#endif // KEYUTILS_HPP
