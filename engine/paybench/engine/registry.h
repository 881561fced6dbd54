// The workloads compiled into this binary, and the benchmark instances they expand to.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "paybench/engine/workload.h"

namespace paybench::engine {

// One benchmark: a variant of a workload at one set of parameter values and one thread count.
struct BenchmarkInstance {
  const Workload* workload = nullptr;
  const Variant* variant = nullptr;
  std::map<std::string, std::int64_t> params;
  int threads = 1;

  // family/workload/variant/param:value/... without the thread count.
  std::string name_without_threads() const;
  // The Google Benchmark style name: name_without_threads()/threads:N.
  std::string name() const;
};

class Registry {
 public:
  // The registry that Registration fills.
  static Registry& global();

  // Adds a workload; throws std::invalid_argument naming the workload and the broken rule.
  void add(Workload workload);

  // Workloads in registration-independent order: sorted by family, then name.
  std::vector<const Workload*> workloads() const;

  // Expands every workload into its instances: variants x parameter combinations x threads.
  // thread_override, when not empty, replaces the thread counts of multi-threaded workloads.
  // parameter_override replaces the values of each named parameter in every workload that
  // declares it (`paybench run --param producers=3`).
  std::vector<BenchmarkInstance> instances(
      const std::vector<int>& thread_override = {},
      const std::map<std::string, std::vector<std::int64_t>>& parameter_override = {}) const;

 private:
  std::vector<std::unique_ptr<Workload>> workloads_;
};

}  // namespace paybench::engine
