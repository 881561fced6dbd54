// Turning the patterns on a command line into the benchmark instances to list or run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "paybench/engine/registry.h"

namespace paybench::cli {

// Returns the instances whose name matches at least one pattern (all of them when `patterns`
// is empty), in registry order. A pattern that matches nothing is a UsageError that names it
// and either gives the reason why the workloads it selects cannot run here or suggests close
// names.
// parameter_override replaces parameter values (see Registry::instances); a name that no
// selected workload declares is a UsageError.
std::vector<engine::BenchmarkInstance> select_instances(
    const std::vector<std::string>& patterns, const std::vector<int>& thread_override,
    const std::map<std::string, std::vector<std::int64_t>>& parameter_override = {});

// Returns "<workload>: <reason>" for every workload that cannot run in this process.
std::vector<std::string> unavailable_workload_notes();

}  // namespace paybench::cli
