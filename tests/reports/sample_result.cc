#include "sample_result.h"

#include <cmath>
#include <map>
#include <random>

#include "paybench/reports/comparisons.h"
#include "paybench/reports/statistics.h"

namespace paybench::reports::testing {
namespace {

struct InstanceSpec {
  std::string family;
  std::string workload;
  std::string variant;
  std::map<std::string, std::int64_t> params;
  std::int64_t threads;
  double median_ns;  // of the glibc run
  double allocs_per_op;
  double bytes_per_op;
  std::string label;
  std::string error;  // non-empty: every repetition fails with this message
};

// Times close to the reference figures of a 2-core machine, so the sample looks like a run.
const std::vector<InstanceSpec>& instance_specs() {
  static const std::vector<InstanceSpec> specs = {
      {"pool", "get_put", "malloc", {{"size", 256}}, 1, 6.16, 1, 256, "", ""},
      {"pool", "get_put", "free_list", {{"size", 256}}, 1, 2.0, 0, 0, "", ""},
      {"pool", "get_put", "malloc", {{"size", 4096}}, 1, 37.1, 1, 4096, "", ""},
      {"pool", "get_put", "free_list", {{"size", 4096}}, 1, 2.1, 0, 0, "", ""},
      {"queue", "transfer", "mutex", {{"capacity", 1024}}, 2, 96.0, 0, 0, "1P1C", ""},
      {"queue", "transfer", "lock_free", {{"capacity", 1024}}, 2, 8.7, 0, 0, "1P1C", ""},
      {"queue", "transfer", "lock_free", {{"capacity", 16}}, 4, 0, 0, 0, "2P2C",
       "needs 4 cores, the machine has 2"},
      {"resilience", "breaker_call", "none", {}, 1, 22.7, 0, 0, "", ""},
      {"resilience", "breaker_call", "mutex_breaker", {}, 1, 22.8, 0, 0, "", ""},
  };
  return specs;
}

// Allocator speed relative to glibc, applied to instances that allocate.
double allocator_factor(const std::string& allocator) {
  static const std::map<std::string, double> factors = {
      {"glibc", 1.0}, {"jemalloc", 0.57}, {"tcmalloc", 0.45}, {"mimalloc", 0.65}};
  const auto it = factors.find(allocator);
  return it == factors.end() ? 1.0 : it->second;
}

bool is_candidate_variant(const std::string& variant) {
  return variant == "free_list" || variant == "lock_free" || variant == "mutex_breaker";
}

std::string run_name_of(const InstanceSpec& spec) {
  std::string name = spec.family + "/" + spec.workload + "/" + spec.variant;
  for (const auto& [key, value] : spec.params) {
    name += "/" + key + ":" + std::to_string(value);
  }
  return name + "/threads:" + std::to_string(spec.threads);
}

BenchmarkRun make_aggregate(const BenchmarkRun& first, const std::string& aggregate_name,
                            double real_time, double cpu_time, const std::string& unit) {
  BenchmarkRun aggregate = first;
  aggregate.name = first.run_name + "_" + aggregate_name;
  aggregate.run_type = RunType::kAggregate;
  aggregate.repetition_index = 0;
  aggregate.aggregate_name = aggregate_name;
  aggregate.aggregate_unit = unit;
  aggregate.iterations = first.repetitions;
  aggregate.real_time = real_time;
  aggregate.cpu_time = cpu_time;
  return aggregate;
}

Context make_context(const SampleOptions& options) {
  Context context;

  context.date = "2024-05-14T09:30:12+00:00";
  context.host_name = "bench-02";
  context.executable = "/opt/paybench/bin/paybench";
  context.num_cpus = 2;
  context.mhz_per_cpu = 2596;
  context.cpu_scaling_enabled = false;
  context.caches = {{"Data", 1, 32768, 1},
                    {"Instruction", 1, 32768, 1},
                    {"Unified", 2, 524288, 1},
                    {"Unified", 3, 33554432, 2}};
  context.load_avg = {0.42, 0.31, 0.18};
  context.library_build_type = "debug";

  context.paybench_version = "0.1.0";
  context.git_commit = "3f9c2e1a7b4d";
  context.build_type = "Release";
  context.compiler = "GNU 12.2.0";
  context.compiler_flags = "-O2 -DNDEBUG";
  context.command_line = "paybench run --suite quick --format html,json --output out/";
  for (const std::string& allocator : options.allocators) {
    context.allocators.push_back(
        {allocator, allocator == "glibc" ? "2.36" : "5.3.0",
         allocator == "glibc" ? "" : "/usr/lib/x86_64-linux-gnu/lib" + allocator + ".so.2"});
  }

  context.cpu_model = "AMD EPYC 7B13";
  context.cores = 2;
  context.kernel = "Linux 6.1.0-21-cloud-amd64";
  context.suite = "quick";
  context.repetitions = options.repetitions;
  context.min_time_s = 0.05;
  return context;
}

}  // namespace

Result make_sample_result(const SampleOptions& options) {
  Result result;
  result.context = make_context(options);
  std::mt19937_64 generator(options.seed);
  // About 1% run-to-run noise, as single-thread benchmarks show on a shared machine.
  std::lognormal_distribution<double> noise(0.0, 0.01);

  for (const std::string& allocator : options.allocators) {
    // Each allocator runs in its own process, where Google Benchmark counts from 0 again.
    std::int64_t family_index = -1;
    std::string previous_family;
    std::int64_t instance_index = 0;
    for (const InstanceSpec& spec : instance_specs()) {
      if (spec.family != previous_family) {
        previous_family = spec.family;
        ++family_index;
        instance_index = 0;
      }
      const double factor = (is_candidate_variant(spec.variant) ? options.candidate_time_factor
                                                                : 1.0) *
                            (spec.allocs_per_op > 0 ? allocator_factor(allocator) : 1.0);

      std::vector<BenchmarkRun> repetitions;
      for (int repetition = 0; repetition < options.repetitions; ++repetition) {
        BenchmarkRun run;
        run.run_name = run_name_of(spec);
        run.name = run.run_name;
        run.family_index = family_index;
        run.per_family_instance_index = instance_index;
        run.run_type = RunType::kIteration;
        run.repetitions = options.repetitions;
        run.repetition_index = repetition;
        run.threads = spec.threads;
        run.time_unit = "ns";
        run.label = spec.label;
        run.family = spec.family;
        run.workload = spec.workload;
        run.variant = spec.variant;
        run.params = spec.params;
        run.allocator = allocator;
        if (!spec.error.empty()) {
          run.error_occurred = true;
          run.error_message = spec.error;
          run.iterations = 1;
        } else {
          run.real_time = spec.median_ns * factor * noise(generator);
          run.cpu_time = run.real_time * spec.threads;
          run.iterations = static_cast<std::int64_t>(1e8 / run.real_time);
          run.counters = {{"allocs_per_op", spec.allocs_per_op},
                          {"bytes_per_op", spec.bytes_per_op},
                          {"items_per_second", 1e9 / run.real_time}};
        }
        repetitions.push_back(run);
      }
      result.benchmarks.insert(result.benchmarks.end(), repetitions.begin(), repetitions.end());

      if (spec.error.empty()) {
        std::vector<double> real_times;
        std::vector<double> cpu_times;
        for (const BenchmarkRun& run : repetitions) {
          real_times.push_back(run.real_time);
          cpu_times.push_back(run.cpu_time);
        }
        const BenchmarkRun& first = repetitions.front();
        double mean_real = 0;
        for (double time : real_times) {
          mean_real += time / static_cast<double>(real_times.size());
        }
        result.benchmarks.push_back(make_aggregate(first, "median", median(real_times),
                                                   median(cpu_times), "time"));
        result.benchmarks.push_back(make_aggregate(first, "mean", mean_real, mean_real, "time"));
        result.benchmarks.push_back(make_aggregate(first, "cv",
                                                   coefficient_of_variation(real_times),
                                                   coefficient_of_variation(cpu_times),
                                                   "percentage"));
      }
      ++instance_index;
    }
  }

  const std::vector<ComparisonRequest> requests = {
      {"pool", "get_put", "malloc", "free_list"},
      {"queue", "transfer", "mutex", "lock_free"},
      {"resilience", "breaker_call", "none", "mutex_breaker"},
  };
  result.comparisons = compute_comparisons(result.benchmarks, requests);
  if (options.allocators.size() > 1) {
    const std::vector<Comparison> by_allocator =
        compute_allocator_comparisons(result.benchmarks, options.allocators.front());
    result.comparisons.insert(result.comparisons.end(), by_allocator.begin(), by_allocator.end());
  }
  return result;
}

Result make_fixed_result() {
  Result result;
  result.context = make_context(SampleOptions{.repetitions = 3});

  const auto add_instance = [&](const std::string& variant, std::int64_t size,
                                const std::vector<double>& times, double allocs_per_op,
                                const std::string& error) {
    const std::string run_name =
        "pool/get_put/" + variant + "/size:" + std::to_string(size) + "/threads:1";
    for (std::size_t i = 0; i < times.size(); ++i) {
      BenchmarkRun run;
      run.name = run_name;
      run.run_name = run_name;
      run.per_family_instance_index = static_cast<std::int64_t>(result.benchmarks.size());
      run.repetitions = static_cast<std::int64_t>(times.size());
      run.repetition_index = static_cast<std::int64_t>(i);
      run.iterations = error.empty() ? 1000000 : 1;
      run.real_time = error.empty() ? times[i] : 0;
      run.cpu_time = run.real_time;
      run.error_occurred = !error.empty();
      run.error_message = error;
      if (error.empty()) {
        run.counters = {{"allocs_per_op", allocs_per_op}, {"bytes_per_op", allocs_per_op * 256}};
      }
      run.family = "pool";
      run.workload = "get_put";
      run.variant = variant;
      run.params = {{"size", size}};
      run.allocator = "glibc";
      result.benchmarks.push_back(run);
    }
  };
  add_instance("malloc", 256, {6.1, 6.16, 6.2}, 1, "");
  add_instance("free_list", 256, {1.98, 2.0, 2.02}, 0, "");
  add_instance("free_list", 1048576, {0, 0}, 0, "size exceeds the pool's slab");

  result.comparisons =
      compute_comparisons(result.benchmarks, {{"pool", "get_put", "malloc", "free_list"}});
  return result;
}

}  // namespace paybench::reports::testing
