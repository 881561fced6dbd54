#include "run_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "benchmark_selection.h"
#include "child_run.h"
#include "cpu_profile_outputs.h"
#include "exit_codes.h"
#include "heap_profile_pass.h"
#include "instruction_measure.h"
#include "option_parsing.h"
#include "output_directory.h"
#include "paybench/engine/allocator.h"
#include "paybench/engine/allocator_matrix.h"
#include "paybench/engine/build_info.h"
#include "paybench/engine/child_process.h"
#include "paybench/engine/cpu_profiler.h"
#include "paybench/engine/instruction_counter.h"
#include "paybench/engine/interruption.h"
#include "paybench/engine/machine_context.h"
#include "paybench/engine/runner.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/comparisons.h"
#include "paybench/reports/result_json.h"
#include "paybench/reports/terminal_summary.h"
#include "run_plan.h"
#include "storage_options.h"
#include "suite.h"
#include "usage_error.h"
#include "workload_isolation.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

// Runs one child per allocator, each writing its result file, and merges their results.
// With CPU profiles, each child writes its own under `output_directory`.
reports::Result run_allocator_matrix(const RunOptions& options, const RunPlan& plan,
                                     const fs::path& scratch_directory,
                                     const fs::path& output_directory) {
  std::vector<reports::Result> results;
  for (const engine::AllocatorInfo* allocator : plan.allocators) {
    RunOptions child_options = options;
    child_options.allocators.clear();
    child_options.out_dir.clear();
    child_options.result_file = (scratch_directory / (allocator->name + ".json")).string();
    child_options.progress_prefix = "[" + allocator->name + "] ";
    child_options.quiet = !plan.settings.show_progress;
    if (options.cpu_profile) child_options.cpu_profile_output = output_directory.string();

    const int exit_code = run_child_under(child_options, *allocator);
    const bool was_interrupted = exit_code == kExitInterrupted || exit_code == kExitTerminated;
    const bool has_result =
        exit_code == kExitSuccess || exit_code == kExitBenchmarkFailed || was_interrupted;
    if (!has_result) {
      throw std::runtime_error(fmt::format("the run under allocator '{}' failed with exit code {}",
                                           allocator->name, exit_code));
    }
    results.push_back(reports::read_result_file(child_options.result_file));

    // An interrupted child has written what finished, and the allocators after it do not start.
    if (was_interrupted || engine::interruption_requested()) break;
  }

  reports::Result merged = engine::merge_allocator_results(results);
  if (results.empty()) merged.context = engine::collect_context();
  merged.context.interrupted =
      engine::interruption_requested() ||
      std::any_of(results.begin(), results.end(),
                  [](const reports::Result& result) { return result.context.interrupted; });
  return merged;
}

void add_comparisons(reports::Result& result, const RunPlan& plan) {
  result.comparisons =
      reports::compute_comparisons(result.benchmarks, engine::comparison_requests(plan.instances),
                                   result.context.counts_instructions());
  if (result.context.allocators.size() < 2) return;

  // In an allocator matrix, each allocator is also compared with the first one listed.
  const std::string& baseline_allocator = result.context.allocators.front().name;
  auto by_allocator = reports::compute_allocator_comparisons(result.benchmarks, baseline_allocator);
  result.comparisons.insert(result.comparisons.end(), by_allocator.begin(), by_allocator.end());
}

bool any_benchmark_failed(const reports::Result& result) {
  return std::any_of(result.benchmarks.begin(), result.benchmarks.end(),
                     [](const reports::BenchmarkRun& run) { return run.error_occurred; });
}

// Benchmark instances in `result`, under every allocator, and those of them whose first
// repetition has the profile that `member` points to.
std::size_t count_instances(const reports::Result& result) {
  return static_cast<std::size_t>(
      std::count_if(result.benchmarks.begin(), result.benchmarks.end(), [](const auto& run) {
        return run.run_type == reports::RunType::kIteration && run.repetition_index == 0;
      }));
}

template <typename Profile>
std::size_t count_profiled(const reports::Result& result,
                           std::optional<Profile> reports::BenchmarkRun::*member) {
  return static_cast<std::size_t>(
      std::count_if(result.benchmarks.begin(), result.benchmarks.end(), [&](const auto& run) {
        return run.run_type == reports::RunType::kIteration && run.repetition_index == 0 &&
               (run.*member).has_value();
      }));
}

bool use_color_on_stdout() {
  const char* no_color = std::getenv("NO_COLOR");
  const bool color_disabled = no_color != nullptr && no_color[0] != '\0';
  return !color_disabled && isatty(STDOUT_FILENO) != 0;
}

// Measures the instances of `plan`: in a child per allocator of a matrix, under callgrind, in
// a child per workload, or in this process with --no-isolation and in a workload's child. CPU
// profiles go to `output_directory`/profiles/`cpu_profile_subdirectory`, where the paths in
// plan.settings point.
reports::Result measure(const RunOptions& options, const RunPlan& plan,
                        const fs::path& output_directory,
                        const std::string& cpu_profile_subdirectory) {
  const bool is_matrix = plan.allocators.size() > 1;
  if (is_matrix) {
    const fs::path scratch = fs::temp_directory_path() /
                             ("paybench-allocators-" + std::to_string(getpid()));
    fs::create_directories(scratch);
    try {
      reports::Result result = run_allocator_matrix(options, plan, scratch, output_directory);
      fs::remove_all(scratch);
      return result;
    } catch (...) {
      std::error_code ignored;
      fs::remove_all(scratch, ignored);
      throw;
    }
  }

  // In instruction mode a paybench under valgrind does the measuring.
  const bool needs_valgrind = plan.instruction_iterations > 0 && !engine::running_under_valgrind();
  if (needs_valgrind) return measure_instructions(options, plan);

  const bool isolates = options.workload.empty() && !options.no_isolation;
  if (!isolates) return engine::run_benchmarks(plan.instances, plan.settings);

  IsolatedRun run;
  run.options = options;
  run.options.quiet = !plan.settings.show_progress;
  run.timeout = plan.workload_timeout;
  run.environment = engine::current_environment();
  if (!plan.settings.cpu_profile_paths.empty()) {
    run.options.cpu_profile_output = output_directory.string();
    run.options.cpu_profile_subdirectory = cpu_profile_subdirectory;
    run.output_directories = {output_directory / kProfilesDirectoryName / cpu_profile_subdirectory};
  }
  return measure_each_workload(run, plan.instances, plan.settings);
}

// Returns the exit code of a run that wrote `result`.
int run_exit_code(const reports::Result& result, bool heap_pass_failed) {
  if (engine::interruption_requested()) {
    return engine::interrupted_exit_code(engine::interruption_signal());
  }
  // A child of this process was interrupted by a signal sent to that child alone.
  if (result.context.interrupted) return kExitInterrupted;
  const bool failed = any_benchmark_failed(result) || heap_pass_failed;
  return failed ? kExitBenchmarkFailed : kExitSuccess;
}

}  // namespace

int run_run_command(const RunOptions& requested_options, const std::string& command_line) {
  RunOptions options = requested_options;
  if (options.recorded_command_line.empty()) options.recorded_command_line = command_line;
  // A child ends with its parent. Every process stops on SIGINT or SIGTERM as interruption.h
  // describes.
  engine::end_with_parent();
  engine::install_interruption_handlers();
  // Before planning: which PostgreSQL benchmarks exist depends on the server option.
  apply_storage_options(options.data_dir, options.pg_dsn);
  RunPlan plan = plan_run(options);

  // gperftools reads the sampling rate once, when it is loaded: a different rate needs a new
  // process. The variable stays set, so that process does not start another one.
  if (options.cpu_profile) {
    const int hz = options.cpu_profile_hz.empty()
                       ? kDefaultCpuProfileHz
                       : parse_int_option("--cpu-profile-hz", options.cpu_profile_hz, 1,
                                          kMaxCpuProfileHz);
    const char* current = std::getenv(kProfilerFrequencyVariable);
    const bool needs_restart = current == nullptr || current != std::to_string(hz);
    if (needs_restart) {
      std::vector<std::string> environment = engine::current_environment();
      std::erase_if(environment, [](const std::string& entry) {
        return entry.starts_with(std::string(kProfilerFrequencyVariable) + "=");
      });
      environment.push_back(std::string(kProfilerFrequencyVariable) + "=" + std::to_string(hz));
      return engine::run_self(child_arguments(options, options.allocator), environment);
    }
  }

  // A single allocator other than the active one: run again under it, with the same options.
  // A process that was already started under it and still finds another one reports that the
  // preload did not take effect, rather than starting itself again.
  const engine::ActiveAllocator active = engine::detect_active_allocator();
  const bool needs_switch =
      plan.allocators.size() == 1 && plan.allocators.front()->name != active.name;
  if (needs_switch) {
    const engine::AllocatorInfo& requested = *plan.allocators.front();
    if (std::getenv(kSwitchedEnvironmentVariable) == nullptr) {
      return run_child_under(options, requested);
    }
    throw UsageError(fmt::format(
        "allocator '{}' was requested, but malloc comes from '{}' ({}): LD_PRELOAD={} did not "
        "take effect",
        requested.name, active.name, active.library, requested.library_path));
  }

  // The heap profile pass records its profiles into the parent's output directory.
  if (!options.heap_profile_output.empty()) {
    return record_heap_profiles(options, plan);
  }

  // Under valgrind, thread 0 switches callgrind on for each measured region.
  if (engine::running_under_valgrind()) {
    plan.settings.instruction_iterations = plan.instruction_iterations;
  }

  // A child of an allocator matrix writes only its result and its CPU profiles, in a
  // directory of its allocator; the parent does the rest. A workload's child records the CPU
  // profiles at the paths its parent passes and leaves their conversion to the parent.
  if (!options.result_file.empty()) {
    const bool is_workload_child = !options.workload.empty();
    if (is_workload_child) record_uncaught_exceptions_for(options.result_file);
    const bool records_cpu_profiles = options.cpu_profile && !options.cpu_profile_output.empty();
    const fs::path output_directory = options.cpu_profile_output;
    const std::string cpu_profile_subdirectory =
        is_workload_child ? options.cpu_profile_subdirectory : options.allocator;
    if (records_cpu_profiles) {
      plan.settings.cpu_profile_paths = cpu_profile_paths(
          output_directory, plan.instances, cpu_profile_subdirectory, plan.first_instance_index);
      fs::create_directories(plan.settings.cpu_profile_paths.front().parent_path());
    }
    reports::Result result = measure(options, plan, output_directory, cpu_profile_subdirectory);
    if (records_cpu_profiles && !is_workload_child) {
      attach_cpu_profiles(result, plan.instances, plan.settings.cpu_profile_paths, output_directory);
    }
    engine::mark_output_writing_started();
    reports::write_text_file_atomically(options.result_file, reports::to_json(result).dump(2));
    return run_exit_code(result, false);
  }

  const OutputDirectory output = OutputDirectory::prepare(options.out_dir);
  const bool is_matrix = plan.allocators.size() > 1;
  if (options.cpu_profile) {
    // In an allocator matrix the children record the profiles.
    if (!is_matrix) plan.settings.cpu_profile_paths = cpu_profile_paths(output.path(), plan.instances);
    std::error_code error;
    fs::create_directories(output.path() / kProfilesDirectoryName, error);
    if (error) {
      output.discard_if_unused();
      throw UsageError(fmt::format("failed to create the profile directory '{}': {}; choose "
                                   "another output directory with --out-dir",
                                   (output.path() / kProfilesDirectoryName).string(),
                                   error.message()));
    }
  }
  reports::Result result;
  try {
    result = measure(options, plan, output.path(), "");
  } catch (...) {
    // Removes the profile directory only if it is empty, so discard_if_unused() can go on.
    std::error_code ignored;
    fs::remove(output.path() / kProfilesDirectoryName, ignored);
    output.discard_if_unused();
    throw;
  }
  add_comparisons(result, plan);
  attach_cpu_profiles(result, plan.instances, plan.settings.cpu_profile_paths, output.path());
  // A failed heap pass costs its profiles, never the measurements of the first pass.
  bool heap_pass_failed = false;
  if (options.heap_profile && !result.context.interrupted) {
    try {
      run_heap_profile_pass(options, output.path(), result);
    } catch (const std::exception& error) {
      fmt::print(stderr, "paybench: warning: heap profiles left out: {}\n", error.what());
      heap_pass_failed = true;
    }
  }
  engine::mark_output_writing_started();
  output.write_run_outputs(result);

  if (options.format == "json") {
    std::cout << reports::to_json(result).dump(2) << '\n';
    fmt::print(stderr, "Wrote {} and {}\n", output.result_path().string(),
               output.report_path().string());
  } else {
    std::cout << reports::render_terminal_summary(result, use_color_on_stdout());
    fmt::print("\nWrote {} and {}\n", output.result_path().string(), output.report_path().string());
  }
  if (options.cpu_profile) {
    // On stderr with --format json, so stdout stays one JSON document.
    std::FILE* stream = options.format == "json" ? stderr : stdout;
    fmt::print(stream, "Wrote CPU profiles of {} of {} benchmarks to {} (.prof, .folded, .html)\n",
               count_profiled(result, &reports::BenchmarkRun::cpu_profile), count_instances(result),
               (output.path() / kProfilesDirectoryName).string());
  }
  if (options.heap_profile) {
    std::FILE* stream = options.format == "json" ? stderr : stdout;
    fmt::print(stream,
               "Wrote heap profiles of {} of {} benchmarks to {} (.heap, .alloc.folded, "
               ".alloc.html)\n",
               count_profiled(result, &reports::BenchmarkRun::heap_profile), count_instances(result),
               (output.path() / kProfilesDirectoryName).string());
  }
  if (result.context.interrupted) {
    fmt::print(stderr,
               "paybench: the run was interrupted: the result and report hold the benchmarks "
               "that finished\n");
  }
  return run_exit_code(result, heap_pass_failed);
}

}  // namespace paybench::cli
