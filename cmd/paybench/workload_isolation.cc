#include "workload_isolation.h"

#include <cxxabi.h>
#include <fmt/format.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <typeinfo>

#include "child_run.h"
#include "exit_codes.h"
#include "paybench/engine/allocator.h"
#include "paybench/engine/child_process.h"
#include "paybench/engine/interruption.h"
#include "paybench/engine/machine_context.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/result_json.h"
#include "usage_error.h"

namespace paybench::cli {
namespace fs = std::filesystem;
namespace {

// The file next to a child's result file where std::terminate records an uncaught exception.
fs::path uncaught_exception_path(const std::string& result_file) {
  return result_file + ".uncaught-exception";
}

std::string read_text_if_present(const fs::path& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// Returns why a child ended without a result, as the error message of its benchmarks.
std::string describe_failure(const engine::ChildExit& exit, std::chrono::duration<double> limit,
                             const fs::path& uncaught_exception_file) {
  switch (exit.reason) {
    case engine::ChildExit::Reason::kTimedOut:
      return fmt::format(
          "timed out: the workload's process ran longer than {:g} s (--timeout) "
          "and was killed",
          limit.count());
    case engine::ChildExit::Reason::kSignaled: {
      const std::string signal =
          fmt::format("{} ({})", engine::signal_name(exit.signal), ::strsignal(exit.signal));
      const std::string uncaught = read_text_if_present(uncaught_exception_file);
      if (!uncaught.empty()) {
        return fmt::format("{}; the workload's process ended with {}", uncaught, signal);
      }
      return fmt::format("crashed: the workload's process was killed by {}", signal);
    }
    case engine::ChildExit::Reason::kExited:
      break;
  }
  return fmt::format("the workload's process exited with code {} before writing its result",
                     exit.exit_code);
}

// The codes with which a child leaves a result file behind.
bool writes_result(int exit_code) {
  return exit_code == kExitSuccess || exit_code == kExitBenchmarkFailed ||
         exit_code == kExitInterrupted || exit_code == kExitTerminated;
}

// A failed run for `instance`, as Google Benchmark reports a benchmark that skipped with an
// error: one iteration run without iterations or times.
reports::BenchmarkRun failed_run(const engine::BenchmarkInstance& instance, std::size_t position,
                                 int repetitions, const std::string& allocator,
                                 const std::string& message) {
  reports::BenchmarkRun run;
  run.name = instance.name();
  run.run_name = instance.name();
  run.family_index = static_cast<std::int64_t>(position);
  run.per_family_instance_index = 0;
  run.run_type = reports::RunType::kIteration;
  run.repetitions = repetitions;
  run.repetition_index = 0;
  run.threads = instance.threads;
  run.error_occurred = true;
  run.error_message = message;
  run.family = instance.workload->family;
  run.workload = instance.workload->name;
  run.variant = instance.variant->name;
  run.params = instance.params;
  run.allocator = allocator;
  return run;
}

// Keeps what a child measured of `slice` and adds a failed run for each benchmark it has no
// run for, unless `missing_error` is empty. Renumbers family_index as one process measuring
// the whole run would have numbered it, and orders the runs as `instances`.
std::vector<reports::BenchmarkRun> complete_workload_runs(
    std::vector<reports::BenchmarkRun> runs,
    const std::vector<engine::BenchmarkInstance>& instances, const WorkloadSlice& slice,
    const engine::RunSettings& settings, const std::string& allocator,
    const std::string& missing_error) {
  std::map<std::string, std::size_t> position;
  for (std::size_t i = slice.first; i < slice.first + slice.count; ++i) {
    position.emplace(instances[i].name(), i);
  }
  std::erase_if(runs, [&](const auto& run) { return !position.contains(run.run_name); });
  std::set<std::string> measured;
  for (reports::BenchmarkRun& run : runs) {
    run.family_index = static_cast<std::int64_t>(position.at(run.run_name));
    measured.insert(run.run_name);
  }

  if (!missing_error.empty()) {
    for (std::size_t i = slice.first; i < slice.first + slice.count; ++i) {
      if (measured.contains(instances[i].name())) continue;
      runs.push_back(failed_run(instances[i], i,
                                engine::planned_repetitions(instances[i], settings), allocator,
                                missing_error));
    }
  }

  std::stable_sort(runs.begin(), runs.end(), [&](const auto& a, const auto& b) {
    const bool a_is_aggregate = a.run_type == reports::RunType::kAggregate;
    const bool b_is_aggregate = b.run_type == reports::RunType::kAggregate;
    return std::tie(position.at(a.run_name), a_is_aggregate) <
           std::tie(position.at(b.run_name), b_is_aggregate);
  });
  return runs;
}

// The context of a run whose children wrote none, from this process.
reports::Context own_context(const engine::RunSettings& settings) {
  reports::Context context = engine::collect_context();
  context.suite = settings.suite;
  context.repetitions = settings.repetitions;
  context.min_time_s = settings.min_time_s;
  context.command_line = settings.command_line;
  return context;
}

// The outcome of one workload's child: its result, if it wrote one, and the error of the
// benchmarks it has no run for.
struct WorkloadOutcome {
  reports::Result result;
  bool has_result = false;
  std::string missing_error;  // empty when missing benchmarks are unfinished, not failed
};

WorkloadOutcome collect_outcome(const IsolatedRun& run, const engine::ChildExit& exit,
                                const fs::path& result_file, const fs::path& scratch,
                                std::chrono::duration<double> limit) {
  WorkloadOutcome outcome;
  const bool exited_with_result = exit.reason == engine::ChildExit::Reason::kExited &&
                                  writes_result(exit.exit_code) && fs::exists(result_file);
  if (exited_with_result) {
    try {
      outcome.result = reports::read_result_file(result_file);
      if (run.complete_result) run.complete_result(outcome.result, scratch);
      outcome.has_result = true;
    } catch (const std::exception& error) {
      outcome.result = {};
      outcome.missing_error = error.what();
    }
  } else {
    outcome.missing_error = describe_failure(exit, limit, uncaught_exception_path(result_file));
  }

  // The benchmarks that an interrupted child did not finish are left out, not failed.
  if (exit.interrupted) {
    outcome.missing_error.clear();
  } else if (outcome.has_result && outcome.result.context.interrupted) {
    outcome.missing_error = fmt::format(
        "the workload's process was interrupted (exit code {}) before this benchmark finished",
        exit.exit_code);
  } else if (outcome.has_result) {
    outcome.missing_error = "the workload's process wrote no result for this benchmark";
  }
  return outcome;
}

}  // namespace

std::vector<WorkloadSlice> split_by_workload(
    const std::vector<engine::BenchmarkInstance>& instances) {
  std::vector<WorkloadSlice> slices;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const bool starts_workload = slices.empty() || slices.back().workload != instances[i].workload;
    if (starts_workload) slices.push_back({instances[i].workload, i, 0});
    ++slices.back().count;
  }
  return slices;
}

WorkloadSlice find_workload_slice(const std::vector<engine::BenchmarkInstance>& instances,
                                  const std::string& full_name) {
  for (const WorkloadSlice& slice : split_by_workload(instances)) {
    if (slice.workload->full_name() == full_name) return slice;
  }
  throw UsageError(fmt::format(
      "invalid value '{}' for --workload: the patterns and options select no benchmark of such a "
      "workload; expected FAMILY/NAME of a selected workload",
      full_name));
}

std::chrono::duration<double> default_workload_timeout(
    const std::vector<engine::BenchmarkInstance>& instances, const WorkloadSlice& slice,
    const engine::RunSettings& settings) {
  // Instruction mode runs a fixed iteration count instead of a minimum time.
  double measured_seconds = 0;
  if (!settings.counts_instructions()) {
    for (std::size_t i = slice.first; i < slice.first + slice.count; ++i) {
      measured_seconds += engine::planned_repetitions(instances[i], settings) * settings.min_time_s;
    }
  }
  return kWorkloadTimeoutAllowance +
         std::chrono::duration<double>(kWorkloadTimeoutPerMeasuredSecond * measured_seconds);
}

std::chrono::duration<double> interruption_grace(const engine::RunSettings& settings) {
  return kInterruptionGraceAllowance + std::chrono::duration<double>(2 * settings.min_time_s);
}

reports::Result measure_each_workload(const IsolatedRun& run,
                                      const std::vector<engine::BenchmarkInstance>& instances,
                                      const engine::RunSettings& settings) {
  const std::vector<WorkloadSlice> slices = split_by_workload(instances);
  const std::string allocator = engine::detect_active_allocator().name;
  const fs::path scratch_root =
      fs::temp_directory_path() / ("paybench-workloads-" + std::to_string(::getpid()));
  fs::create_directories(scratch_root);

  reports::Result merged;
  bool has_context = false;
  bool interrupted = false;
  try {
    for (std::size_t k = 0; k < slices.size(); ++k) {
      if (engine::interruption_requested()) break;
      const WorkloadSlice& slice = slices[k];

      const fs::path scratch = scratch_root / std::to_string(k + 1);
      fs::create_directories(scratch);
      RunOptions child = run.options;
      child.workload = slice.workload->full_name();
      child.out_dir.clear();
      child.result_file = (scratch / "result.json").string();
      child.progress_prefix = fmt::format("{}[{}/{} {}] ", run.options.progress_prefix, k + 1,
                                          slices.size(), child.workload);

      engine::ChildLimits limits;
      limits.time_limit =
          run.timeout.value_or(default_workload_timeout(instances, slice, settings));
      limits.interruption_grace = interruption_grace(settings);
      const std::vector<std::string> launcher =
          run.launcher ? run.launcher(scratch) : std::vector<std::string>{};
      const engine::ChildExit exit = engine::run_self_with_limits(
          launcher, child_arguments(child, child.allocator), run.environment, limits);

      const bool ended_abnormally = exit.reason != engine::ChildExit::Reason::kExited;
      if (ended_abnormally) {
        for (const fs::path& directory : run.output_directories) {
          reports::remove_temporary_files_of(directory, exit.pid);
        }
      }
      WorkloadOutcome outcome =
          collect_outcome(run, exit, child.result_file, scratch, *limits.time_limit);
      if (!outcome.missing_error.empty() && !outcome.has_result) {
        fmt::print(stderr, "paybench: error: {}: {}; its benchmarks are recorded as failed\n",
                   child.workload, outcome.missing_error);
      }

      if (outcome.has_result && !has_context) {
        merged.context = outcome.result.context;
        has_context = true;
      }
      interrupted = interrupted || exit.interrupted;
      std::vector<reports::BenchmarkRun> runs =
          complete_workload_runs(std::move(outcome.result.benchmarks), instances, slice, settings,
                                 allocator, outcome.missing_error);
      merged.benchmarks.insert(merged.benchmarks.end(), std::make_move_iterator(runs.begin()),
                               std::make_move_iterator(runs.end()));
      fs::remove_all(scratch);
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(scratch_root, ignored);
    throw;
  }
  fs::remove_all(scratch_root);

  if (!has_context) merged.context = own_context(settings);
  merged.context.interrupted = interrupted || engine::interruption_requested();
  return merged;
}

namespace {

// The file that record_uncaught_exceptions_for() sets, before any benchmark runs.
std::string uncaught_exception_file;

std::string demangled(const char* name) {
  int status = 0;
  char* readable = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string text = status == 0 && readable != nullptr ? readable : name;
  std::free(readable);
  return text;
}

[[noreturn]] void record_and_terminate() {
  std::string description = "std::terminate was called without an active exception";
  if (const std::type_info* type = abi::__cxa_current_exception_type()) {
    description = "uncaught exception of type " + demangled(type->name());
    try {
      std::rethrow_exception(std::current_exception());
    } catch (const std::exception& error) {
      description += std::string(": ") + error.what();
    } catch (...) {
    }
  }
  try {
    reports::write_text_file_atomically(uncaught_exception_file, description);
  } catch (...) {
    // The parent then reports the signal alone.
  }
  // libstdc++'s default handler: prints the exception's type and message, then aborts.
  __gnu_cxx::__verbose_terminate_handler();
  std::abort();  // not reached: the handler above aborts, but is not declared [[noreturn]]
}

}  // namespace

void record_uncaught_exceptions_for(const std::string& result_file) {
  uncaught_exception_file = uncaught_exception_path(result_file).string();
  std::set_terminate(&record_and_terminate);
}

}  // namespace paybench::cli
