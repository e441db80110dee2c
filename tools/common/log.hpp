// The tools' log sink: one message to a stream (a terminal, usually, with a
// prefix), to syslog, or to both.  request-key and key.dns_resolver run under
// the kernel with no terminal and log to syslog; keyctl reports to stderr.
#pragma once

#include <stdarg.h>
#include <stdio.h>

namespace tools {

struct log_sink {
    FILE *stream;       // null: no copy on a stream
    const char *prefix; // printed before the message on the stream
    bool to_syslog;
    bool newline;       // end the stream copy with '\n' (keyctl's messages carry their own)
};

// `stream` with `prefix` when it is a terminal, syslog otherwise.
log_sink terminal_or_syslog(FILE *stream, const char *prefix);

// The message is formatted once, so "%m" names the errno of the moment of
// the call in every copy.
void log_vmessage(const log_sink &sink, int priority, const char *fmt, va_list ap);
void log_message(const log_sink &sink, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

} // namespace tools
