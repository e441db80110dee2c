// Our libkeyutils against Debian's, loaded side by side with dlopen, per
// operation: time per call and keyctl system calls per call, then a table of
// ratios (ours / Debian's; below 1 is better).
//
//   bench-lib OUR-LIBRARY DEBIAN-LIBRARY [google benchmark flags]
#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <keyutils.h>

namespace {

// The functions measured, from one library.
struct api {
    const char *name;
    decltype(&::keyctl_describe_alloc) describe_alloc;
    decltype(&::keyctl_read_alloc) read_alloc;
    decltype(&::keyctl_search) search;
    decltype(&::add_key) add_key;
    decltype(&::keyctl_update) update;
    decltype(&::recursive_key_scan) scan;
};

template <typename T>
T lookup(void *lib, const char *sym)
{
    void *p = dlsym(lib, sym);
    if (!p) {
        fprintf(stderr, "bench-lib: %s: %s\n", sym, dlerror());
        exit(2);
    }
    return reinterpret_cast<T>(p);
}

api load(const char *name, const char *path)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "bench-lib: cannot load %s: %s\n", path, dlerror());
        exit(2);
    }
    return {name,
            lookup<decltype(api::describe_alloc)>(lib, "keyctl_describe_alloc"),
            lookup<decltype(api::read_alloc)>(lib, "keyctl_read_alloc"),
            lookup<decltype(api::search)>(lib, "keyctl_search"),
            lookup<decltype(api::add_key)>(lib, "add_key"),
            lookup<decltype(api::update)>(lib, "keyctl_update"),
            lookup<decltype(api::scan)>(lib, "recursive_key_scan")};
}

long keyctl_calls = 0;

// Both libraries reach the kernel through libc's syscall(): count here.
using syscall_fn = long (*)(long, ...);

key_serial_t raw_add(const char *type, const char *desc, const void *p, size_t n, key_serial_t r)
{
    static syscall_fn real = reinterpret_cast<syscall_fn>(dlsym(RTLD_NEXT, "syscall"));
    return static_cast<key_serial_t>(real(SYS_add_key, type, desc, p, n, r));
}

struct fixture {
    key_serial_t session = 0;
    key_serial_t small_key = 0;
    key_serial_t search_ring = 0;
    key_serial_t tree = 0;

    fixture()
    {
        static syscall_fn real = reinterpret_cast<syscall_fn>(dlsym(RTLD_NEXT, "syscall"));
        session = static_cast<key_serial_t>(real(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0L));
        small_key = raw_add("user", "bench:small", "a 64-byte payload, typical of a token or a password hash....", 64,
                            KEY_SPEC_SESSION_KEYRING);
        search_ring = raw_add("keyring", "bench:search", nullptr, 0, KEY_SPEC_SESSION_KEYRING);
        for (int i = 0; i < 100; i++)
            raw_add("user", ("bench:s" + std::to_string(i)).c_str(), "v", 1, search_ring);
        // 2,000 keys in 20 keyrings.
        tree = raw_add("keyring", "bench:tree", nullptr, 0, KEY_SPEC_SESSION_KEYRING);
        for (int r = 0; r < 20; r++) {
            key_serial_t ring = raw_add("keyring", ("bench:r" + std::to_string(r)).c_str(), nullptr,
                                        0, tree);
            for (int i = 0; i < 100; i++)
                raw_add("user", ("bench:k" + std::to_string(i)).c_str(), "v", 1, ring);
        }
        if (session <= 0 || small_key <= 0 || tree <= 0) {
            fprintf(stderr, "bench-lib: cannot build the key tree: %s\n", strerror(errno));
            exit(2);
        }
    }
};

fixture *keys;

void count_calls(benchmark::State &state, long before)
{
    state.counters["keyctl/call"] =
        benchmark::Counter(static_cast<double>(keyctl_calls - before) /
                           static_cast<double>(state.iterations()));
}

void describe_alloc(benchmark::State &state, const api *lib)
{
    long before = keyctl_calls;
    for (auto _ : state) {
        char *d = nullptr;
        benchmark::DoNotOptimize(lib->describe_alloc(keys->small_key, &d));
        free(d);
    }
    count_calls(state, before);
}

void read_alloc(benchmark::State &state, const api *lib)
{
    long before = keyctl_calls;
    for (auto _ : state) {
        void *p = nullptr;
        benchmark::DoNotOptimize(lib->read_alloc(keys->small_key, &p));
        free(p);
    }
    count_calls(state, before);
}

void search(benchmark::State &state, const api *lib)
{
    long before = keyctl_calls;
    for (auto _ : state)
        benchmark::DoNotOptimize(lib->search(keys->search_ring, "user", "bench:s50", 0));
    count_calls(state, before);
}

void add_key_update(benchmark::State &state, const api *lib)
{
    long before = keyctl_calls;
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            lib->add_key("user", "bench:small", "updated", 7, KEY_SPEC_SESSION_KEYRING));
        benchmark::DoNotOptimize(lib->update(keys->small_key, "updated", 7));
    }
    count_calls(state, before);
}

int count_key(key_serial_t, key_serial_t, char *, int, void *) { return 1; }

void scan_tree(benchmark::State &state, const api *lib)
{
    long before = keyctl_calls;
    int seen = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(seen = lib->scan(keys->tree, count_key, nullptr));
    count_calls(state, before);
    state.counters["keys"] = seen;
}

// Prints the usual console output, then the ratio table.
class ratio_reporter : public benchmark::ConsoleReporter {
public:
    struct figures {
        double ns = 0;
        double cpu_ns = 0;
        double calls = 0;
    };
    std::map<std::string, std::map<std::string, figures>> results; // op -> impl -> figures

    void ReportRuns(const std::vector<Run> &runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        for (const Run &r : runs) {
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median")
                continue;
            std::string name = r.run_name.function_name;
            size_t slash = name.find('/');
            std::string op = name.substr(0, slash);
            std::string impl = name.substr(slash + 1, name.find('/', slash + 1) - slash - 1);
            auto c = r.counters.find("keyctl/call");
            results[op][impl] = {r.GetAdjustedRealTime(), r.GetAdjustedCPUTime(),
                                 c == r.counters.end() ? 0 : c->second.value};
        }
    }

    void print_ratios() const
    {
        printf("\n%-16s %11s %11s %6s %11s %11s %6s %8s %8s %6s\n", "operation", "debian ns",
               "ours ns", "ratio", "debian cpu", "ours cpu", "ratio", "debian", "ours",
               "ratio");
        printf("%-16s %11s %11s %6s %11s %11s %6s %8s %8s %6s\n", "", "(wall)", "(wall)", "",
               "(ns)", "(ns)", "", "keyctl", "keyctl", "");
        for (const auto &op : results) {
            auto d = op.second.find("debian"), o = op.second.find("ours");
            if (d == op.second.end() || o == op.second.end())
                continue;
            printf("%-16s %11.0f %11.0f %6.2f %11.0f %11.0f %6.2f %8.2f %8.2f %6.2f\n",
                   op.first.c_str(), d->second.ns, o->second.ns, o->second.ns / d->second.ns,
                   d->second.cpu_ns, o->second.cpu_ns, o->second.cpu_ns / d->second.cpu_ns,
                   d->second.calls, o->second.calls,
                   d->second.calls > 0 ? o->second.calls / d->second.calls : 0.0);
        }
    }
};

} // namespace

extern "C" __attribute__((visibility("default"))) long syscall(long nr, ...)
{
    static syscall_fn real = reinterpret_cast<syscall_fn>(dlsym(RTLD_NEXT, "syscall"));
    va_list ap;
    va_start(ap, nr);
    unsigned long a[6];
    for (auto &v : a)
        v = va_arg(ap, unsigned long);
    va_end(ap);
    if (nr == SYS_keyctl)
        keyctl_calls++;
    return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-lib OUR-LIBRARY DEBIAN-LIBRARY [benchmark options]\n");
        return 2;
    }
    static api ours = load("ours", argv[1]);
    static api debian = load("debian", argv[2]);
    fixture f;
    keys = &f;

    using fn = void (*)(benchmark::State &, const api *);
    const std::pair<const char *, fn> ops[] = {
        {"describe_alloc", describe_alloc}, {"read_alloc", read_alloc}, {"search", search},
        {"add_key+update", add_key_update}, {"scan_2000_keys", scan_tree}};
    for (auto &op : ops)
        for (const api *lib : {&debian, &ours})
            benchmark::RegisterBenchmark((std::string(op.first) + "/" + lib->name).c_str(),
                                         op.second, lib);

    argv[2] = argv[0];
    int bargc = argc - 2;
    benchmark::Initialize(&bargc, argv + 2);
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.print_ratios();
    return 0;
}
