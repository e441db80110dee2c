// Cost of keyutils.hpp calls against the plain C calls they wrap. Each pair
// does the same work (same syscalls, owned results where the C++ form
// returns one); the summary prints C++ time / C time per pair. Syscall
// times are noisy on a busy machine: use --benchmark_repetitions=N (the
// median is then compared) for a steadier figure.
#include <keyutils.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace {

using namespace keyutils;

struct fixture {
    keyring ring = keyring::join_session().resolve();
    key k = ring.add("user", "bench-key", std::string(64, 'p'));
};

fixture& fx()
{
    static fixture f;
    return f;
}

void C_describe(benchmark::State& st)
{
    for (auto _ : st) {
        char* desc = nullptr;
        benchmark::DoNotOptimize(keyctl_describe_alloc(fx().k.id(), &desc));
        std::free(desc);
    }
}
void Cxx_describe(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(fx().k.describe_raw());
}

void C_read(benchmark::State& st)
{
    char buf[128];
    for (auto _ : st)
        benchmark::DoNotOptimize(keyctl_read(fx().k.id(), buf, sizeof buf));
}
void Cxx_read(benchmark::State& st)
{
    char buf[128];
    for (auto _ : st)
        benchmark::DoNotOptimize(fx().k.read_into(buf, sizeof buf));
}

void C_read_alloc(benchmark::State& st)
{
    for (auto _ : st) {
        void* p = nullptr;
        benchmark::DoNotOptimize(keyctl_read_alloc(fx().k.id(), &p));
        std::free(p);
    }
}
void Cxx_read_alloc(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(fx().k.read_string());
}

void C_search(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(keyctl_search(fx().ring.id(), "user", "bench-key", 0));
}
void Cxx_search(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(fx().ring.search("user", "bench-key"));
}

void C_search_miss(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(keyctl_search(fx().ring.id(), "user", "absent", 0));
}
void Cxx_search_miss(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(fx().ring.try_search("user", "absent"));
}

void C_update(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(keyctl_update(fx().k.id(), "payload", 7));
}
void Cxx_update(benchmark::State& st)
{
    for (auto _ : st)
        fx().k.update("payload");
}

void C_resolve(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0));
}
void Cxx_resolve(benchmark::State& st)
{
    for (auto _ : st)
        benchmark::DoNotOptimize(keyring::session().resolve());
}

// Collects each run's time so the pairs can be compared at the end.
class ratio_reporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        // With --benchmark_repetitions the median stands for the pair.
        for (const auto& r : runs) {
            const auto& name = r.run_name.function_name;
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median")
                medians_[name] = r.GetAdjustedCPUTime();
            else if (r.run_type == Run::RT_Iteration)
                times_[name] = r.GetAdjustedCPUTime();
        }
    }
    void Finalize() override
    {
        ConsoleReporter::Finalize();
        for (const auto& [name, t] : medians_)
            times_[name] = t;
        std::printf("\nC++/C cost ratio per call:\n");
        double product = 1;
        int n = 0;
        for (const auto& [name, t] : times_) {
            if (name.rfind("C_", 0) != 0)
                continue;
            auto op = name.substr(2);
            auto cxx = times_.find("Cxx_" + op);
            if (cxx == times_.end() || t <= 0)
                continue;
            double ratio = cxx->second / t;
            product *= ratio;
            ++n;
            std::printf("  %-14s %.3f\n", op.c_str(), ratio);
        }
        if (n)
            std::printf("  %-14s %.3f\n", "geometric mean", std::pow(product, 1.0 / n));
    }

private:
    std::map<std::string, double> times_;
    std::map<std::string, double> medians_;
};

} // namespace

BENCHMARK(C_describe);
BENCHMARK(Cxx_describe);
BENCHMARK(C_read);
BENCHMARK(Cxx_read);
BENCHMARK(C_read_alloc);
BENCHMARK(Cxx_read_alloc);
BENCHMARK(C_search);
BENCHMARK(Cxx_search);
BENCHMARK(C_search_miss);
BENCHMARK(Cxx_search_miss);
BENCHMARK(C_update);
BENCHMARK(Cxx_update);
BENCHMARK(C_resolve);
BENCHMARK(Cxx_resolve);

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
