#include "heap_profile_pass.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "child_run.h"
#include "cpu_profile_outputs.h"
#include "exit_codes.h"
#include "heap_profile_outputs.h"
#include "paybench/engine/allocator.h"
#include "paybench/engine/child_process.h"
#include "paybench/engine/heap_profiler.h"
#include "paybench/engine/interruption.h"
#include "paybench/reports/result_json.h"
#include "usage_error.h"
#include "workload_isolation.h"

namespace paybench::cli {
namespace fs = std::filesystem;
namespace {

// Returns the environment of the pass. The heap profiler's automatic dumps (by default after
// every GiB allocated or 100 MiB more in use) would fall between the dumps that bracket
// measured regions, so they are turned off, and so are its log lines. HEAPPROFILE, HEAPCHECK
// and CPUPROFILE are removed because a profile they start would get in the way.
std::vector<std::string> heap_pass_environment() {
  std::vector<std::string> environment = engine::current_environment();
  std::erase_if(environment, [](const std::string& entry) {
    return entry.starts_with("HEAPPROFILE=") || entry.starts_with("HEAPCHECK=") ||
           entry.starts_with("CPUPROFILE=") || entry.starts_with("HEAP_PROFILE_") ||
           entry.starts_with("PERFTOOLS_VERBOSE=");
  });
  environment.insert(environment.end(), {"HEAP_PROFILE_ALLOCATION_INTERVAL=0",
                                         "HEAP_PROFILE_INUSE_INTERVAL=0",
                                         "HEAP_PROFILE_TIME_INTERVAL=0",
                                         "PERFTOOLS_VERBOSE=-1"});
  return environment;
}

// Copies each heap profile of `pass` onto the runs of `result` of the same instance, naming the
// allocator the pass ran under.
std::size_t copy_heap_profiles(const reports::Result& pass, reports::Result& result) {
  std::string pass_allocator;
  if (!pass.context.allocators.empty()) {
    const reports::Context::Allocator& allocator = pass.context.allocators.front();
    pass_allocator = fmt::format("{} {} ({})", allocator.name, allocator.version, allocator.library);
  }
  std::size_t copied = 0;
  for (const reports::BenchmarkRun& pass_run : pass.benchmarks) {
    const bool is_first_of_instance = pass_run.heap_profile && pass_run.repetition_index == 0 &&
                                      pass_run.run_type == reports::RunType::kIteration;
    if (!is_first_of_instance) continue;
    bool found = false;
    for (reports::BenchmarkRun& run : result.benchmarks) {
      if (!measures_instance(run, pass_run.run_name)) continue;
      run.heap_profile = pass_run.heap_profile;
      run.heap_profile->allocator = pass_allocator;
      found = true;
    }
    if (found) ++copied;
  }
  return copied;
}

}  // namespace

std::size_t run_heap_profile_pass(const RunOptions& options, const fs::path& output_directory,
                                  reports::Result& result) {
  const engine::AllocatorInfo& allocator = engine::heap_profiling_allocator();
  if (!fs::exists(allocator.library_path)) {
    throw std::runtime_error(fmt::format(
        "--heap-profile needs gperftools' tcmalloc, but {} is missing; install it with "
        "'apt-get install {}' or scripts/setup",
        allocator.library_path, allocator.debian_package));
  }
  fmt::print(stderr,
             "paybench: recording heap profiles in a second pass under gperftools' tcmalloc ({}), "
             "whose heap profiler needs it; times and CPU profiles come from the first pass\n",
             allocator.library_path);

  const fs::path result_file =
      fs::temp_directory_path() / ("paybench-heap-profile-" + std::to_string(getpid()) + ".json");
  RunOptions child_options = options;
  child_options.allocator.clear();
  child_options.allocators.clear();
  child_options.cpu_profile = false;
  child_options.cpu_profile_hz.clear();
  child_options.heap_profile = false;
  child_options.out_dir.clear();
  child_options.format = "table";
  // One repetition is enough, because the allocations of an op vary far less than its time.
  child_options.repetitions = "1";
  child_options.result_file = result_file.string();
  child_options.heap_profile_output = output_directory.string();
  child_options.progress_prefix = "[heap profile] ";

  // Without --allocator: the child would take the full tcmalloc for a failed switch to the
  // minimal one that the name "tcmalloc" stands for.
  std::vector<std::string> environment =
      engine::environment_with_allocator(heap_pass_environment(), allocator);
  const int exit_code = engine::run_self(child_arguments(child_options, ""), environment);
  const bool has_result = exit_code == kExitSuccess || exit_code == kExitBenchmarkFailed ||
                          exit_code == kExitInterrupted || exit_code == kExitTerminated;
  if (!has_result) {
    std::error_code ignored;
    fs::remove(result_file, ignored);
    throw std::runtime_error(
        fmt::format("the heap profile pass failed with exit code {}", exit_code));
  }
  const reports::Result pass = reports::read_result_file(result_file);
  fs::remove(result_file);
  if (pass.context.interrupted) result.context.interrupted = true;
  return copy_heap_profiles(pass, result);
}

int record_heap_profiles(const RunOptions& options, const RunPlan& plan) {
  if (!engine::HeapProfileRecorder::available()) {
    throw UsageError(fmt::format(
        "--heap-profile-output needs gperftools' heap profiler: start paybench with "
        "LD_PRELOAD={} (paybench run --heap-profile does this)",
        engine::heap_profiling_allocator().library_path));
  }
  const fs::path output_directory = options.heap_profile_output;

  reports::Result result;
  const bool isolates = options.workload.empty() && !options.no_isolation;
  if (isolates) {
    // Each workload's child records its profiles as below, under this process's environment.
    IsolatedRun run;
    run.options = options;
    run.timeout = plan.workload_timeout;
    run.environment = engine::current_environment();
    run.output_directories = {output_directory / kProfilesDirectoryName};
    result = measure_each_workload(run, plan.instances, plan.settings);
    remove_heap_dump_directories(output_directory);
  } else {
    engine::RunSettings settings = plan.settings;
    settings.heap_profile_directories =
        make_heap_dump_directories(output_directory, plan.instances, plan.first_instance_index);
    result = engine::run_benchmarks(plan.instances, settings);

    // An interrupted run leaves out the benchmarks that did not finish, whose dumps are
    // incomplete.
    std::vector<engine::BenchmarkInstance> finished;
    std::vector<fs::path> finished_directories;
    for (std::size_t i = 0; i < plan.instances.size(); ++i) {
      const std::string name = plan.instances[i].name();
      const bool has_runs =
          std::any_of(result.benchmarks.begin(), result.benchmarks.end(),
                      [&](const reports::BenchmarkRun& run) { return run.run_name == name; });
      if (!has_runs) continue;
      finished.push_back(plan.instances[i]);
      finished_directories.push_back(settings.heap_profile_directories[i]);
    }
    attach_heap_profiles(result, finished, finished_directories, output_directory);
  }
  reports::write_result_file(options.result_file, result);

  if (engine::interruption_requested()) {
    return engine::interrupted_exit_code(engine::interruption_signal());
  }
  const bool any_failed = std::any_of(result.benchmarks.begin(), result.benchmarks.end(),
                                      [](const auto& run) { return run.error_occurred; });
  return any_failed ? kExitBenchmarkFailed : kExitSuccess;
}

}  // namespace paybench::cli
