// The tools' log sink.
#include "log.hpp"

#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

namespace tools {

log_sink terminal_or_syslog(FILE *stream, const char *prefix)
{
    if (isatty(fileno(stream)))
        return {stream, prefix, false, true};
    return {nullptr, "", true, true};
}

void log_vmessage(const log_sink &sink, int priority, const char *fmt, va_list ap)
{
    char small[1024];
    char *text = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    // Longer messages (a 4 KiB description in them) are not cut short.
    if (n >= static_cast<int>(sizeof small)) {
        char *big = static_cast<char *>(malloc(static_cast<size_t>(n) + 1));
        if (big) {
            vsnprintf(big, static_cast<size_t>(n) + 1, fmt, again);
            text = big;
        }
    }
    va_end(again);
    if (n < 0)
        text = const_cast<char *>(fmt);
    if (sink.stream) {
        fputs(sink.prefix, sink.stream);
        fputs(text, sink.stream);
        if (sink.newline)
            fputc('\n', sink.stream);
    }
    if (sink.to_syslog)
        syslog(priority, "%s", text);
    if (text != small && text != fmt)
        free(text);
}

void log_message(const log_sink &sink, int priority, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmessage(sink, priority, fmt, ap);
    va_end(ap);
}

} // namespace tools
