// keyutils/c_api.hpp: <keyutils.h> for the C++ headers. Internal: include
// <keyutils.h> directly in your own code.
#ifndef KEYUTILS_C_API_HPP
#define KEYUTILS_C_API_HPP

// The C header names a function after a struct (keyctl_pkey_query), which
// -Wshadow reports in C++; the name is the ABI's, so the warning is silenced
// for the C header alone.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
#include <keyutils.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#endif // KEYUTILS_C_API_HPP
