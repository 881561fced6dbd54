// The heap profile pass of `paybench run --heap-profile`: the same benchmarks once more, in a
// child paybench under gperftools' full tcmalloc, whose heap profiler records them. A separate
// pass keeps the heap profiler's cost (a stack walk per allocation) out of the times, the CPU
// profiles and the allocator the user chose.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "paybench/engine/registry.h"
#include "paybench/engine/runner.h"
#include "paybench/reports/result.h"
#include "run_command.h"
#include "run_plan.h"

namespace paybench::cli {

// In the parent run: starts the pass for the benchmarks of `options`, says on stderr which
// allocator it runs under, and sets heap_profile on the matching runs of `result` from the
// files the pass writes into `output_directory`/profiles. An interrupted pass sets
// context.interrupted of `result`. Returns the number of benchmarks that got a heap profile.
// Throws std::runtime_error when the pass fails.
std::size_t run_heap_profile_pass(const RunOptions& options,
                                  const std::filesystem::path& output_directory,
                                  reports::Result& result);

// In the pass's child (options.heap_profile_output is set): measures the instances of `plan`
// with the heap profiler recording, each workload in a child of its own unless --no-isolation
// or --workload is given. Writes the profile files, and the result with heap_profile set, to
// options.result_file, then returns the exit code. Throws UsageError when the heap profiler is
// not loaded.
int record_heap_profiles(const RunOptions& options, const RunPlan& plan);

}  // namespace paybench::cli
