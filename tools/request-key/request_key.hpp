// request-key's modes, as main() chooses them from the command line.
#pragma once

#include <string>

namespace rktool {

struct options {
    bool debug = false; // -d: describe and look up, but execute nothing
    bool local = false; // -l: the configuration in the current directory
    std::string debug_descriptor = "user;0;0;1f0000;debug:1234";
};

int usage_error();

// The kernel's upcall (or a -d rehearsal of it): `args` holds op, key, uid,
// gid, the three keyrings and, optionally, the callout information.
int run_upcall(const options &opt, char **args);

// --lint [FILE...]: every line that does not do what it seems to.
int run_lint(const options &opt, char **files, int count);

// --explain OP TYPE DESCRIPTION [CALLOUT]: which rule would run, and how.
int run_explain(const options &opt, char **args, int count);

} // namespace rktool
