// `paybench run --measure instructions`: the benchmarks run again under valgrind's callgrind,
// which counts the instructions of each measured region; the counts become the result.
#pragma once

#include <cstdint>
#include <vector>

#include "paybench/engine/registry.h"
#include "paybench/reports/result.h"
#include "run_command.h"

namespace paybench::cli {

// Iterations per thread of each benchmark in instruction mode when --iterations is not given.
// Callgrind runs code some 50 times slower than the machine, so a workload of 1 us per op
// takes 50 ms; heavier workloads want fewer.
inline constexpr std::int64_t kDefaultInstructionIterations = 1000;

// In the parent: runs the benchmarks of `options` in a child paybench under callgrind and
// returns the child's result with real_time and cpu_time set to the instructions per op of
// each benchmark (all threads' instructions over all threads' iterations), an
// instructions_per_op counter, and context.measure set to "instructions". Throws UsageError
// when valgrind is missing and std::runtime_error when the child fails or its counts cannot
// be read.
reports::Result measure_instructions(const RunOptions& options, std::int64_t iterations,
                                     bool show_progress);

}  // namespace paybench::cli
