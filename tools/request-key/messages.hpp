// request-key's messages: errors and the per-upcall record go to syslog (and
// to stderr when verbose, as in 1.6.3), debugging traces to stderr.
#pragma once

namespace rktool {

struct message_settings {
    int verbosity = 0;     // -v, repeatable
    bool to_syslog = true; // cleared by -n
};
extern message_settings messages;

void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// The one record each upcall leaves, whatever became of it.
void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Connects to syslog and loads the time zone its timestamps need, so that
// the record costs less later: called while a handler runs.
void prepare_log();

} // namespace rktool
