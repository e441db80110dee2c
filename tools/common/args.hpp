// Command-line argument parsing shared by the tools: key IDs, numbers, hex
// payloads, permission masks and pkey key=val options.  Nothing here prints
// or exits: each tool turns the result into its own message (keyctl's are
// 1.6.3's, byte for byte), and the fuzzers call these directly.
#pragma once

#include <keyutils.h>
#include <stddef.h>

namespace tools {

enum class key_arg_kind { number, special, by_name };

struct key_arg {
    key_arg_kind kind;
    key_serial_t id;         // number and special
    const char *type;        // by_name: "%type:..." (not terminated; empty for "%:name")
    size_t type_size;
    const char *description; // by_name: what follows the ':'
};

enum class key_arg_status { ok, unparsable, unknown_special, bad_by_name };

// A key as keyctl takes it: a number in any base strtoul reads, its low 32
// bits (as in 1.6.3: out-of-range values wrap, or stop at ULONG_MAX where
// unsigned long is 32 bits wide), @t @p @s @u @us @g @a, or
// %type:description (%:name for a keyring) for the caller to look up.
key_arg_status parse_key_arg(const char *arg, key_arg *out);

enum class number_status { ok, not_a_number, out_of_range };

// strtol/strtoul over the whole argument ("" reads as 0, as in 1.6.3);
// out_of_range still stores strtol's clamped value.
number_status parse_long(const char *arg, int base, long *out);
number_status parse_ulong(const char *arg, int base, unsigned long *out);

// A permission mask as keyctl setperm takes it: a number in any base.
bool parse_permissions(const char *arg, key_perm_t *out);

// The errors keyctl reject takes by name: rejected, expired and revoked
// (EKEYREJECTED, EKEYEXPIRED, EKEYREVOKED); false for anything else, which
// keyctl then reads as a number.
bool reject_error_by_name(const char *arg, unsigned *out);

enum class hex_status { ok, short_doublet, bad_doublet };

// Decodes hex pairs in place (white space between pairs is skipped) and
// NUL-terminates the result; *out_size gets its length.
hex_status decode_hex(char *text, size_t size, size_t *out_size);

enum class options_status { ok, not_key_val, no_memory };

// pkey options: each word key=val, joined by spaces as the kernel takes them
// into a malloc'd string (*out, to be freed).
options_status join_key_val_options(char *const *words, int count, char **out);

} // namespace tools
