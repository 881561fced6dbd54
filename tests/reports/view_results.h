// Small results built run by run, for the tests of the report's chart views.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "paybench/reports/result.h"

namespace paybench::reports::testing {

// One benchmark instance of a hand-built result.
struct InstanceSpec {
  std::string family;
  std::string workload;
  std::string variant;
  std::map<std::string, std::int64_t> params;
  std::int64_t threads = 1;
  std::string allocator;
  std::vector<double> real_times_ns;       // one iteration run each, or one failed run when empty
  std::map<std::string, double> counters;  // on every run
};

// Returns "family/workload/variant/key:value/.../threads:N", with "allocator:NAME" before
// threads when the instance has an allocator.
inline std::string run_name_of(const InstanceSpec& spec) {
  std::string name = spec.family + "/" + spec.workload + "/" + spec.variant;
  for (const auto& [key, value] : spec.params) {
    name += "/" + key + ":" + std::to_string(value);
  }
  if (!spec.allocator.empty()) {
    name += "/allocator:" + spec.allocator;
  }
  return name + "/threads:" + std::to_string(spec.threads);
}

// Appends the iteration runs of `spec` to `result`.
inline void add_instance(Result& result, const InstanceSpec& spec) {
  BenchmarkRun run;
  run.run_name = run_name_of(spec);
  run.name = run.run_name;
  run.run_type = RunType::kIteration;
  run.threads = spec.threads;
  run.family = spec.family;
  run.workload = spec.workload;
  run.variant = spec.variant;
  run.params = spec.params;
  run.allocator = spec.allocator;
  run.counters = spec.counters;
  run.iterations = 1000;
  if (spec.real_times_ns.empty()) {
    run.error_occurred = true;
    run.error_message = "the workload failed";
    result.benchmarks.push_back(run);
    return;
  }
  run.repetitions = static_cast<std::int64_t>(spec.real_times_ns.size());
  for (std::size_t i = 0; i < spec.real_times_ns.size(); ++i) {
    run.repetition_index = static_cast<std::int64_t>(i);
    run.real_time = spec.real_times_ns[i];
    run.cpu_time = spec.real_times_ns[i];
    result.benchmarks.push_back(run);
  }
}

}  // namespace paybench::reports::testing
