// Message routing of key.dns_resolver: terminal if attached, else syslog.
#include "dns_resolver.hpp"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.hpp"

namespace dns_resolver {

log_settings logging;

#define EMIT(stream, priority, prefix)                                              \
    do {                                                                            \
        va_list ap;                                                                 \
        va_start(ap, fmt);                                                          \
        tools::log_vmessage(tools::terminal_or_syslog(stream, prefix), priority, fmt, ap); \
        va_end(ap);                                                                 \
    } while (0)

void info(const char *fmt, ...) { EMIT(stdout, LOG_INFO, "I: "); }

void verbose(const char *fmt, ...)
{
    if (logging.verbosity >= 1)
        EMIT(stdout, LOG_INFO, "I: ");
}

void trace(const char *fmt, ...)
{
    if (logging.verbosity >= 2)
        EMIT(stdout, LOG_DEBUG, "D: ");
}

void error(const char *fmt, ...) { EMIT(stderr, LOG_ERR, "Error: "); }

void complain(const char *fmt, ...) { EMIT(stderr, LOG_WARNING, ""); }

} // namespace dns_resolver
