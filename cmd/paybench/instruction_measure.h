// `paybench run --measure instructions`: the benchmarks run again under valgrind's callgrind,
// which counts the instructions of each measured region; the counts become the result.
#pragma once

#include <cstdint>
#include <vector>

#include "paybench/engine/registry.h"
#include "paybench/reports/result.h"
#include "run_command.h"
#include "run_plan.h"

namespace paybench::cli {

// Iterations per thread of each benchmark in instruction mode when --iterations is not given.
// Callgrind runs code some 50 times slower than the machine, so a workload of 1 us per op
// takes 50 ms; heavier workloads want fewer.
inline constexpr std::int64_t kDefaultInstructionIterations = 1000;

// In the parent: runs the benchmarks of `plan` under callgrind, in a child paybench per
// workload (see workload_isolation.h), or in one child for all with --no-isolation. Returns
// the children's results with real_time and cpu_time set to the instructions per op of each
// benchmark (all threads' instructions over all threads' iterations), an instructions_per_op
// counter, and context.measure set to "instructions". A workload whose child fails, or whose
// counts cannot be read, gets failed runs. Throws UsageError when valgrind is missing, and,
// with --no-isolation, std::runtime_error when the child fails or its counts cannot be read.
reports::Result measure_instructions(const RunOptions& options, const RunPlan& plan);

}  // namespace paybench::cli
