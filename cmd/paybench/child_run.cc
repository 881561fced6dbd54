#include "child_run.h"

#include "paybench/engine/child_process.h"

namespace paybench::cli {

std::vector<std::string> child_arguments(const RunOptions& options,
                                         const std::string& allocator_name) {
  std::vector<std::string> arguments{"run"};
  arguments.insert(arguments.end(), options.patterns.begin(), options.patterns.end());
  auto add = [&](const char* option, const std::string& value) {
    if (value.empty()) return;
    arguments.push_back(option);
    arguments.push_back(value);
  };
  add("--suite", options.suite);
  add("--repetitions", options.repetitions);
  add("--min-time", options.min_time);
  add("--threads", options.threads);
  for (const std::string& param : options.params) add("--param", param);
  add("--allocator", allocator_name);
  add("--allocators", options.allocators);
  add("--out-dir", options.out_dir);
  if (options.cpu_profile) arguments.push_back("--cpu-profile");
  add("--cpu-profile-hz", options.cpu_profile_hz);
  if (options.heap_profile) arguments.push_back("--heap-profile");
  if (options.measure != "time") add("--measure", options.measure);
  add("--iterations", options.iterations);
  add("--timeout", options.timeout);
  if (options.no_isolation) arguments.push_back("--no-isolation");
  if (options.format != "table") add("--format", options.format);
  add("--result-file", options.result_file);
  add("--heap-profile-output", options.heap_profile_output);
  add("--cpu-profile-output", options.cpu_profile_output);
  add("--cpu-profile-subdirectory", options.cpu_profile_subdirectory);
  add("--workload", options.workload);
  add("--progress-prefix", options.progress_prefix);
  add("--recorded-command-line", options.recorded_command_line);
  if (options.quiet) arguments.push_back("--quiet");
  return arguments;
}

int run_child_under(const RunOptions& child_options, const engine::AllocatorInfo& allocator) {
  std::vector<std::string> environment =
      engine::environment_with_allocator(engine::current_environment(), allocator);
  environment.push_back(std::string(kSwitchedEnvironmentVariable) + "=1");
  return engine::run_self(child_arguments(child_options, allocator.name), environment);
}

}  // namespace paybench::cli
