// Starting `paybench run` again in a child process: under another allocator, with another
// CPU profiler rate, for the heap profile pass, or for one workload.
#pragma once

#include <string>
#include <vector>

#include "paybench/engine/allocator.h"
#include "run_command.h"

namespace paybench::cli {

// Set in the environment of a paybench that a parent started under another allocator, so the
// child reports a failed switch instead of switching again.
inline constexpr const char* kSwitchedEnvironmentVariable = "PAYBENCH_ALLOCATOR_SWITCHED";

// The arguments that make a child paybench run the benchmarks of `options`, under the
// allocator called `allocator_name`; an empty name leaves the allocator as it is.
std::vector<std::string> child_arguments(const RunOptions& options,
                                         const std::string& allocator_name);

// Runs a child paybench with `child_options` under `allocator` and returns its exit code.
int run_child_under(const RunOptions& child_options, const engine::AllocatorInfo& allocator);

}  // namespace paybench::cli
