// Where request-key's configuration lives and reading it: request-key.d's
// *.conf files, then request-key.conf.
#pragma once

#include "config.hpp"

#include <string>
#include <vector>

namespace rktool {

struct config_paths {
    std::string dir;  // request-key.d
    std::string file; // request-key.conf
};

// /etc's (or REQUEST_KEY_CONF_D and REQUEST_KEY_CONF when set), or the
// current directory's with -l.
config_paths default_paths(bool local);

// The *.conf files of `dir` that are regular files, hidden ones skipped, in
// name order.
std::vector<std::string> conf_names(const std::string &dir);

// A whole configuration file (a regular one, at most 4 MiB): null, or why
// it could not be read.
const char *read_config_text(const std::string &path, std::string &text);

// Parses every file.  A request-key.d file that cannot be read is logged and
// skipped; a missing or unreadable request-key.conf is an error (1.6.3
// cannot run then either).
bool load_config(const config_paths &paths, std::vector<rkconf::config_file> &files);

} // namespace rktool
