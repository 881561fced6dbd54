#include "run_plan.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "benchmark_selection.h"
#include "instruction_measure.h"
#include "option_parsing.h"
#include "paybench/engine/build_info.h"
#include "suite.h"
#include "usage_error.h"
#include "workload_isolation.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxRepetitions = 1000;
constexpr double kMaxMinTimeSeconds = 3600;
constexpr int kMaxThreads = 1024;
constexpr int kMaxInstructionIterations = 1'000'000'000;
// A week: longer than any suite, and short enough to catch a mistyped unit.
constexpr double kMaxTimeoutSeconds = 7 * 24 * 3600;

std::vector<int> parse_thread_list(const std::string& text) {
  std::vector<int> threads;
  if (text.empty()) return threads;
  for (const std::string& item : split_list_option("--threads", text)) {
    threads.push_back(parse_int_option("--threads", item, 1, kMaxThreads));
  }
  return threads;
}

// Parses each --param NAME=V1,V2 into the parameter's replacement values.
std::map<std::string, std::vector<std::int64_t>> parse_parameter_override(
    const std::vector<std::string>& texts) {
  constexpr int kMaxParameterValue = 1 << 30;
  std::map<std::string, std::vector<std::int64_t>> override;
  for (const std::string& text : texts) {
    const std::size_t equals = text.find('=');
    const std::string name = text.substr(0, equals);
    const bool has_name = equals != std::string::npos && !name.empty();
    if (!has_name || override.contains(name)) {
      throw UsageError(fmt::format(
          "invalid value '{}' for --param: expected NAME=V1,V2,... once per parameter, for "
          "example producers=1,2",
          text));
    }
    for (const std::string& item : split_list_option("--param", text.substr(equals + 1))) {
      override[name].push_back(parse_int_option("--param " + name, item, 0, kMaxParameterValue));
    }
  }
  return override;
}

std::vector<const engine::AllocatorInfo*> parse_allocators(const RunOptions& options) {
  std::vector<std::string> names;
  if (!options.allocator.empty()) names.push_back(options.allocator);
  if (!options.allocators.empty()) names = split_list_option("--allocators", options.allocators);
  const char* option = options.allocators.empty() ? "--allocator" : "--allocators";

  std::vector<const engine::AllocatorInfo*> allocators;
  for (const std::string& name : names) {
    const engine::AllocatorInfo* allocator = engine::find_allocator(name);
    if (allocator == nullptr) {
      throw UsageError(fmt::format("unknown allocator '{}' for {}: expected one of {}", name,
                                   option, engine::known_allocator_names()));
    }
    if (!allocator->library_path.empty() && !fs::exists(allocator->library_path)) {
      throw UsageError(fmt::format(
          "allocator '{}' is not installed: {} is missing; install it with 'apt-get install {}' "
          "or scripts/setup",
          name, allocator->library_path, allocator->debian_package));
    }
    if (std::find(allocators.begin(), allocators.end(), allocator) != allocators.end()) {
      throw UsageError(fmt::format("allocator '{}' is listed twice in {}", name, option));
    }
    allocators.push_back(allocator);
  }

  const bool sanitized = !engine::build_info().sanitizer.empty();
  const bool needs_preload = std::any_of(allocators.begin(), allocators.end(), [](auto* allocator) {
    return !allocator->library_path.empty();
  });
  if (sanitized && needs_preload) {
    throw UsageError(fmt::format(
        "{} needs a build without sanitizers: this binary is built with {} sanitizer, whose "
        "runtime replaces malloc; use build/release/paybench",
        option, engine::build_info().sanitizer));
  }
  return allocators;
}

}  // namespace

RunPlan plan_run(const RunOptions& options) {
  RunPlan plan;
  const std::optional<Suite> suite = find_suite(options.suite);
  if (!suite) {
    throw UsageError(fmt::format("unknown suite '{}' for --suite: expected quick, full or profile",
                                 options.suite));
  }
  plan.settings.suite = suite->name;
  plan.settings.repetitions =
      options.repetitions.empty()
          ? suite->repetitions
          : parse_int_option("--repetitions", options.repetitions, 1, kMaxRepetitions);
  plan.settings.min_time_s =
      options.min_time.empty()
          ? suite->min_time_s
          : parse_seconds_option("--min-time", options.min_time, kMaxMinTimeSeconds);
  plan.settings.command_line = options.recorded_command_line;
  plan.settings.show_progress = !options.quiet && isatty(STDERR_FILENO) != 0;
  plan.settings.progress_prefix = options.progress_prefix;

  plan.allocators = parse_allocators(options);
  if (!options.heap_profile_output.empty() && plan.allocators.size() > 0) {
    throw UsageError("--heap-profile-output cannot be combined with --allocator or --allocators");
  }
  const bool counts_instructions = options.measure == reports::kMeasureInstructions;
  if (!options.iterations.empty() && !counts_instructions) {
    throw UsageError("--iterations needs --measure instructions; time mode finds its own count");
  }
  if (counts_instructions) {
    const bool profiles = options.cpu_profile || options.heap_profile;
    if (profiles || plan.allocators.size() > 1) {
      throw UsageError(fmt::format(
          "--measure instructions cannot be combined with {}: count instructions in a run of "
          "its own",
          profiles ? "--cpu-profile or --heap-profile" : "--allocators"));
    }
    plan.instruction_iterations =
        options.iterations.empty()
            ? kDefaultInstructionIterations
            : parse_int_option("--iterations", options.iterations, 1, kMaxInstructionIterations);
  }
  if (!options.cpu_profile_hz.empty() && !options.cpu_profile) {
    throw UsageError("--cpu-profile-hz needs --cpu-profile");
  }
  plan.instances = select_instances(options.patterns, parse_thread_list(options.threads),
                                    parse_parameter_override(options.params));

  if (!options.timeout.empty()) {
    if (options.no_isolation) {
      throw UsageError(
          "--timeout limits the process of each workload, which --no-isolation does not start: "
          "drop one of them");
    }
    plan.workload_timeout = std::chrono::duration<double>(
        parse_seconds_option("--timeout", options.timeout, kMaxTimeoutSeconds));
  }

  // A workload's child measures the instances of its workload alone, numbered as in the run.
  if (!options.workload.empty()) {
    const WorkloadSlice slice = find_workload_slice(plan.instances, options.workload);
    plan.first_instance_index = slice.first;
    plan.instances = std::vector<engine::BenchmarkInstance>(
        plan.instances.begin() + static_cast<std::ptrdiff_t>(slice.first),
        plan.instances.begin() + static_cast<std::ptrdiff_t>(slice.first + slice.count));
  }
  return plan;
}

}  // namespace paybench::cli
