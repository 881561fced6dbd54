#include "instruction_measure.h"

#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include "child_run.h"
#include "exit_codes.h"
#include "paybench/engine/callgrind_dump.h"
#include "paybench/engine/child_process.h"
#include "paybench/reports/result_json.h"
#include "usage_error.h"
#include "workload_isolation.h"

namespace paybench::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kValgrind = "valgrind";
constexpr const char* kDumpPrefix = "callgrind.out";

bool valgrind_is_installed() {
  const char* path = std::getenv("PATH");
  std::string_view directories = path == nullptr ? "/usr/bin:/bin" : path;
  while (!directories.empty()) {
    const std::size_t colon = directories.find(':');
    const std::string_view directory = directories.substr(0, colon);
    if (!directory.empty() && access((std::string(directory) + "/" + kValgrind).c_str(), X_OK) == 0) {
      return true;
    }
    directories = colon == std::string_view::npos ? "" : directories.substr(colon + 1);
  }
  return false;
}

void set_instruction_context(reports::Context& context, std::int64_t iterations) {
  context.measure = reports::kMeasureInstructions;
  context.instruction_iterations = iterations;
  context.repetitions = 1;
  // Neither a suite's repetitions nor its measuring time applied.
  context.suite = "instructions";
  context.min_time_s = 0;
}

// Replaces the times of each run by its instructions per op, from the dumps named after it.
void set_instruction_counts(reports::Result& result,
                            const std::map<std::string, std::uint64_t>& instructions,
                            std::int64_t iterations) {
  for (reports::BenchmarkRun& run : result.benchmarks) {
    if (run.error_occurred) continue;
    const auto found = instructions.find(run.run_name);
    if (found == instructions.end()) {
      throw std::runtime_error(fmt::format("callgrind wrote no count for {}", run.run_name));
    }
    const double operations = static_cast<double>(run.iterations) * static_cast<double>(run.threads);
    const double per_op = static_cast<double>(found->second) / operations;
    run.real_time = per_op;
    run.cpu_time = per_op;
    run.time_unit = "ns";
    run.counters["instructions_per_op"] = per_op;
  }
  set_instruction_context(result.context, iterations);
}

// Nothing is counted until a measured region starts (--instr-atstart=no); -q keeps valgrind's
// own banner off stderr.
std::vector<std::string> callgrind_launcher(const fs::path& scratch) {
  return {kValgrind, "--tool=callgrind", "--instr-atstart=no", "-q",
          "--callgrind-out-file=" + (scratch / kDumpPrefix).string()};
}

// The run of all workloads in one child under callgrind, for --no-isolation.
reports::Result measure_instructions_in_one_child(const RunOptions& options,
                                                  std::int64_t iterations, bool show_progress) {
  const fs::path scratch =
      fs::temp_directory_path() / ("paybench-instructions-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  const auto remove_scratch = [&scratch] {
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
  };

  RunOptions child_options = options;
  child_options.out_dir.clear();
  child_options.result_file = (scratch / "result.json").string();
  child_options.progress_prefix = "[callgrind] ";
  child_options.quiet = !show_progress;

  const std::vector<std::string> launcher = callgrind_launcher(scratch);
  try {
    const int exit_code =
        engine::run_self_under(launcher, child_arguments(child_options, options.allocator),
                               engine::current_environment());
    const bool has_result = exit_code == kExitSuccess || exit_code == kExitBenchmarkFailed ||
                            exit_code == kExitInterrupted || exit_code == kExitTerminated;
    if (!has_result) {
      throw std::runtime_error(
          fmt::format("the run under callgrind failed with exit code {}", exit_code));
    }
    reports::Result result = reports::read_result_file(child_options.result_file);
    set_instruction_counts(result, engine::read_callgrind_dumps(scratch, kDumpPrefix), iterations);
    remove_scratch();
    return result;
  } catch (...) {
    remove_scratch();
    throw;
  }
}

}  // namespace

reports::Result measure_instructions(const RunOptions& options, const RunPlan& plan) {
  if (!valgrind_is_installed()) {
    throw UsageError(
        "--measure instructions needs valgrind, which is not on PATH: install it with "
        "'apt-get install valgrind' or scripts/setup");
  }
  const std::int64_t iterations = plan.instruction_iterations;
  const bool show_progress = plan.settings.show_progress;
  if (options.no_isolation) {
    return measure_instructions_in_one_child(options, iterations, show_progress);
  }

  IsolatedRun run;
  run.options = options;
  run.options.progress_prefix = "[callgrind] ";
  run.options.quiet = !show_progress;
  run.timeout = plan.workload_timeout;
  run.environment = engine::current_environment();
  run.launcher = &callgrind_launcher;
  run.complete_result = [iterations](reports::Result& result, const fs::path& scratch) {
    set_instruction_counts(result, engine::read_callgrind_dumps(scratch, kDumpPrefix), iterations);
  };
  // The children count a fixed number of iterations: their time limit does not grow with
  // --min-time.
  engine::RunSettings settings = plan.settings;
  settings.instruction_iterations = iterations;

  reports::Result result = measure_each_workload(run, plan.instances, settings);
  set_instruction_context(result.context, iterations);
  return result;
}

}  // namespace paybench::cli
