// The spy's definitions of syscall() and explicit_bzero(); see spy.hpp.
#include "spy.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <map>
#include <mutex>

#include <dlfcn.h>
#include <sys/syscall.h>

namespace {

struct state {
    std::mutex lock;
    std::map<int, int> calls;
    std::map<int, int> failures;
    std::map<int, std::function<void(int)>> hooks;
    std::map<int, std::vector<unsigned long>> args;
    std::vector<std::pair<const void *, size_t>> wiped;
    int total = 0;
};

state &spied()
{
    static state s;
    return s;
}

thread_local bool in_hook = false;

using syscall_fn = long (*)(long, ...);

syscall_fn real_syscall()
{
    static syscall_fn fn = reinterpret_cast<syscall_fn>(dlsym(RTLD_NEXT, "syscall"));
    return fn;
}

} // namespace

namespace spy {

void reset()
{
    state &s = spied();
    std::lock_guard<std::mutex> g(s.lock);
    s.calls.clear();
    s.failures.clear();
    s.hooks.clear();
    s.args.clear();
    s.wiped.clear();
    s.total = 0;
}

int keyctl_calls(int op)
{
    state &s = spied();
    std::lock_guard<std::mutex> g(s.lock);
    return op < 0 ? s.total : s.calls[op];
}

void fail_keyctl(int op, int err)
{
    state &s = spied();
    std::lock_guard<std::mutex> g(s.lock);
    s.failures[op] = err;
}

void before_keyctl(int op, std::function<void(int)> hook)
{
    state &s = spied();
    std::lock_guard<std::mutex> g(s.lock);
    s.hooks[op] = std::move(hook);
}

std::vector<unsigned long> last_keyctl_args(int op)
{
    state &s = spied();
    std::lock_guard<std::mutex> g(s.lock);
    return s.args[op];
}

std::vector<std::pair<const void *, size_t>> wiped()
{
    state &s = spied();
    std::lock_guard<std::mutex> g(s.lock);
    return s.wiped;
}

} // namespace spy

extern "C" __attribute__((visibility("default"))) long syscall(long nr, ...)
{
    va_list ap;
    va_start(ap, nr);
    unsigned long a[6];
    for (auto &v : a)
        v = va_arg(ap, unsigned long);
    va_end(ap);

    if (nr == SYS_keyctl && !in_hook) {
        int op = static_cast<int>(a[0]);
        state &s = spied();
        std::function<void(int)> hook;
        int index = 0, fail = 0;
        {
            std::lock_guard<std::mutex> g(s.lock);
            index = s.calls[op]++;
            s.total++;
            s.args[op].assign(a + 1, a + 5);
            auto h = s.hooks.find(op);
            if (h != s.hooks.end())
                hook = h->second;
            auto f = s.failures.find(op);
            if (f != s.failures.end())
                fail = f->second;
        }
        if (hook) {
            in_hook = true;
            hook(index);
            in_hook = false;
        }
        if (fail) {
            errno = fail;
            return -1;
        }
    }
    return real_syscall()(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

extern "C" __attribute__((visibility("default"))) void explicit_bzero(void *p, size_t n)
{
    {
        state &s = spied();
        std::lock_guard<std::mutex> g(s.lock);
        s.wiped.emplace_back(p, n);
    }
    volatile unsigned char *b = static_cast<volatile unsigned char *>(p);
    for (size_t i = 0; i < n; i++)
        b[i] = 0;
}

// With _FORTIFY_SOURCE (Debian's hardening flags) the library calls the
// checking variant instead.
extern "C" __attribute__((visibility("default"))) void __explicit_bzero_chk(void *p, size_t n,
                                                                         size_t)
{
    explicit_bzero(p, n);
}
