// request-key's messages, through the tools' log sink.
#include "messages.hpp"
#include "log.hpp"

#include <stdarg.h>
#include <syslog.h>
#include <time.h>

namespace rktool {

message_settings messages;

namespace {

void vlog(int priority, bool to_stderr, const char *fmt, va_list ap)
{
    tools::log_sink sink{to_stderr ? stderr : nullptr, "", messages.to_syslog, true};
    tools::log_vmessage(sink, priority, fmt, ap);
}

} // namespace

void prepare_log()
{
    if (!messages.to_syslog)
        return;
    openlog("request-key", LOG_NDELAY, LOG_AUTHPRIV);
    tzset();
}

void error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_ERR, messages.verbosity > 0, fmt, ap);
    va_end(ap);
}

void debug(int level, const char *fmt, ...)
{
    if (messages.verbosity < level)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_DEBUG, true, fmt, ap);
    va_end(ap);
}

void record(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_INFO, messages.verbosity > 2, fmt, ap);
    va_end(ap);
}

} // namespace rktool
