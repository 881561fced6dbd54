// Turning the patterns on a command line into the benchmark instances to list or run.
#pragma once

#include <string>
#include <vector>

#include "paybench/engine/registry.h"

namespace paybench::cli {

// Returns the instances whose name matches at least one pattern (all of them when `patterns`
// is empty), in registry order. A pattern that matches nothing is a UsageError that names it
// and suggests close workload names.
std::vector<engine::BenchmarkInstance> select_instances(const std::vector<std::string>& patterns,
                                                        const std::vector<int>& thread_override);

}  // namespace paybench::cli
