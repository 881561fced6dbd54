// Isolation: each workload of a run is measured in a child paybench of its own, with a time
// limit. A crash, an abort, an uncaught exception, a hang or an early exit then becomes the
// error of that workload's benchmarks, and the run goes on with the next workload.
//
// The unit is the workload: its child measures all its variants, parameters and thread
// counts, so that the repetitions of the benchmarks a comparison pairs still interleave.
// Repetitions therefore interleave within a workload, not across the whole run. A child writes
// its result when it finishes, so a child that dies loses the benchmarks it had finished:
// every benchmark of its workload then carries the error.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "paybench/engine/registry.h"
#include "paybench/engine/runner.h"
#include "paybench/reports/result.h"
#include "run_command.h"

namespace paybench::cli {

// The instances of one workload within a run's instances, which registry order keeps together.
struct WorkloadSlice {
  const engine::Workload* workload = nullptr;
  std::size_t first = 0;  // index of its first instance
  std::size_t count = 0;
};

// Returns the workloads of `instances` in order.
std::vector<WorkloadSlice> split_by_workload(
    const std::vector<engine::BenchmarkInstance>& instances);

// Returns the slice of the workload called `full_name` (FAMILY/NAME). Throws UsageError when
// `instances` has none of its instances.
WorkloadSlice find_workload_slice(const std::vector<engine::BenchmarkInstance>& instances,
                                  const std::string& full_name);

// Returns the time limit of a workload's process when --timeout is not given. A fixed allowance
// covers starting, setting up and the estimation runs that precede each measurement. A multiple
// of the time the workload plans to measure (repetitions x --min-time of each benchmark) is
// added. The README gives the measurements behind both numbers.
inline constexpr std::chrono::minutes kWorkloadTimeoutAllowance{10};
inline constexpr double kWorkloadTimeoutPerMeasuredSecond = 4;
std::chrono::duration<double> default_workload_timeout(
    const std::vector<engine::BenchmarkInstance>& instances, const WorkloadSlice& slice,
    const engine::RunSettings& settings);

// Returns how long a workload's process may go on after an interruption request before it is
// killed. That is long enough for the repetition that is running to end and for the result to
// be written, because Google Benchmark may measure up to about twice --min-time while it
// settles the iteration count.
inline constexpr std::chrono::seconds kInterruptionGraceAllowance{5};
std::chrono::duration<double> interruption_grace(const engine::RunSettings& settings);

// How to start and finish the process of each workload.
struct IsolatedRun {
  // The options of this run. Each child gets them with --workload, --result-file and a
  // progress prefix of its own.
  RunOptions options;
  // --timeout, or nullopt for default_workload_timeout().
  std::optional<std::chrono::duration<double>> timeout;
  std::vector<std::string> environment;  // of each child
  // Directories where the children write files, such as profiles: the temporary files of a
  // child that was killed while writing are removed from them.
  std::vector<std::filesystem::path> output_directories;
  // Returns the program and options that each child runs under, such as valgrind's, given the
  // child's scratch directory. Empty: the child is this executable itself.
  std::function<std::vector<std::string>(const std::filesystem::path& scratch)> launcher;
  // Completes the result that a child wrote, given its scratch directory. An exception makes
  // every benchmark of that workload an error with the exception's message.
  std::function<void(reports::Result&, const std::filesystem::path& scratch)> complete_result;
};

// Measures the workloads of `instances` one after another, each in a child (run_run_command()
// with --workload), and returns the merged result: the context of the first child that wrote
// one, and every child's benchmarks in the order of `instances`. A workload whose child did
// not write a result gets one failed run per benchmark, in Google Benchmark's form
// (error_occurred, error_message with the signal or reason), and a warning on stderr.
//
// After an interruption request no further workload starts, and the child that is running gets
// interruption_grace() to write the benchmarks it finished. The result then has
// context.interrupted set and leaves out the benchmarks that did not finish.
reports::Result measure_each_workload(const IsolatedRun& run,
                                      const std::vector<engine::BenchmarkInstance>& instances,
                                      const engine::RunSettings& settings);

// In a workload's child: makes std::terminate write the type and message of the uncaught
// exception next to `result_file`, where the parent reads it for the error message, before it
// prints them and aborts as it does by default.
void record_uncaught_exceptions_for(const std::string& result_file);

}  // namespace paybench::cli
