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
#include "paybench/engine/instruction_counter.h"
#include "option_parsing.h"
#include "output_directory.h"
#include "paybench/engine/allocator.h"
#include "paybench/engine/allocator_matrix.h"
#include "paybench/engine/build_info.h"
#include "paybench/engine/child_process.h"
#include "paybench/engine/cpu_profiler.h"
#include "paybench/engine/runner.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/comparisons.h"
#include "paybench/reports/result_json.h"
#include "paybench/reports/terminal_summary.h"
#include "storage_options.h"
#include "suite.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxRepetitions = 1000;
constexpr double kMaxMinTimeSeconds = 3600;
constexpr int kMaxThreads = 1024;
constexpr int kMaxInstructionIterations = 1'000'000'000;

// gperftools reads the sampling rate from this variable when its library is loaded.
constexpr const char* kProfilerFrequencyVariable = "CPUPROFILE_FREQUENCY";
// gperftools' own default of 100 samples per second gives a quick-suite repetition of 0.02 s
// about 2 samples. Each sample walks the stack in a signal handler, so a higher rate adds more
// to the measured times.
// NOTE: Linux checks ITIMER_PROF at its scheduler tick (CONFIG_HZ), so fewer samples may
// arrive than requested: a single busy thread got 250 per CPU second at 1000 on a Linux 6.18
// kernel. The profile file still records the requested period, so times derived from sample
// counts can be too low, while the shares of functions stay right.
constexpr int kDefaultCpuProfileHz = 1000;
constexpr int kMaxCpuProfileHz = 10000;

// The validated request of one `paybench run`.
struct RunPlan {
  std::vector<engine::BenchmarkInstance> instances;
  engine::RunSettings settings;
  std::vector<const engine::AllocatorInfo*> allocators;  // empty: whichever is active
  std::int64_t instruction_iterations = 0;               // 0: measure time
};

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
  return plan;
}

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
    const bool has_result = exit_code == kExitSuccess || exit_code == kExitBenchmarkFailed;
    if (!has_result) {
      throw std::runtime_error(fmt::format("the run under allocator '{}' failed with exit code {}",
                                           allocator->name, exit_code));
    }
    results.push_back(reports::read_result_file(child_options.result_file));
  }
  return engine::merge_allocator_results(results);
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

// Measures in this process, or in children under the requested allocators, which write their
// CPU profiles for `output_directory`.
reports::Result measure(const RunOptions& options, const RunPlan& plan,
                        const fs::path& output_directory) {
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
  if (needs_valgrind) {
    return measure_instructions(options, plan.instruction_iterations, plan.settings.show_progress);
  }
  return engine::run_benchmarks(plan.instances, plan.settings);
}

}  // namespace

void setup_run_command(CLI::App& app, RunOptions& options) {
  CLI::App* run = app.add_subcommand("run", "Measure workloads and write result.json and report.html");
  run->add_option("patterns", options.patterns,
                  "Globs over benchmark names, e.g. 'memory/*' (default: every workload)");
  run->add_option("--suite", options.suite,
                  "quick: 5 repetitions of 0.02 s, for a first look; full: 9 repetitions of "
                  "0.5 s, for decisions; profile: 3 repetitions of 1 s, as paybench profile runs. "
                  "Workloads with a minimum (paybench list shows it) run at least that many")
      ->default_str("full");
  run->add_option("--repetitions", options.repetitions,
                  "Repetitions of each benchmark (default: the suite's); a workload's minimum "
                  "still applies")
      ->type_name("N");
  run->add_option("--min-time", options.min_time,
                  "Minimum measuring time of one repetition, in seconds (default: the suite's)")
      ->type_name("SECONDS");
  run->add_option("--threads", options.threads,
                  "Thread counts for multi-threaded workloads, e.g. 1,2 (default: each "
                  "workload's own; single-threaded workloads keep 1)")
      ->type_name("LIST");
  run->add_option("--param", options.params,
                  "Replace a parameter's values, e.g. --param producers=1,3 (repeatable); "
                  "'paybench list' shows each workload's parameters")
      ->type_name("NAME=V1,V2")
      ->allow_extra_args(false);
  CLI::Option* allocator = run->add_option(
      "--allocator", options.allocator,
      "Run under one allocator: glibc, jemalloc, tcmalloc (gperftools' tcmalloc_minimal) or "
      "mimalloc");
  allocator->type_name("NAME");
  CLI::Option* allocators = run->add_option(
      "--allocators", options.allocators,
      "Run under each allocator of a list, e.g. glibc,jemalloc, merge the results and compare "
      "each allocator with the first");
  allocators->type_name("LIST");
  allocator->excludes(allocators);
  run->add_option("--out-dir", options.out_dir,
                  "Directory for result.json and report.html, replaced if they exist (default: "
                  "paybench-results/<UTC timestamp>, linked from paybench-results/latest)")
      ->type_name("DIR");
  run->add_option("--data-dir", options.data_dir,
                  "Directory where the write and event-sourcing workloads keep their files, in "
                  "subdirectories removed after use (default: $PAYBENCH_DATA_DIR, else the "
                  "system's temporary directory). Measure on the file system production uses: "
                  "a tmpfs such as /dev/shm syncs for free")
      ->type_name("DIR")
      ->check([](const std::string& value) {
        return value.empty() ? std::string("empty path: pass a directory") : std::string();
      });
  run->add_option("--pg-dsn", options.pg_dsn,
                  "libpq connection string of a PostgreSQL server for writes/postgres, e.g. "
                  "'host=127.0.0.1 port=5432 dbname=bench' (default: $PAYBENCH_PG_DSN); the "
                  "workload creates and empties its own table, paybench_payments")
      ->type_name("DSN");
  run->add_option("--format", options.format, "Summary printed on stdout: table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  run->add_flag("--quiet", options.quiet, "No progress line on stderr");
  run->add_option("--measure", options.measure,
                  "time (default), or instructions: count the instructions of each measured "
                  "region under valgrind's callgrind, in one repetition of a fixed number of "
                  "iterations; the same build gives the same counts on any load")
      ->check(CLI::IsMember({"time", "instructions"}));
  run->add_option("--iterations", options.iterations,
                  fmt::format("Iterations per thread in instruction mode (default: {})",
                              kDefaultInstructionIterations))
      ->type_name("N");
  run->add_flag("--cpu-profile", options.cpu_profile,
                "Record a CPU profile of each benchmark's measured region, all threads and "
                "repetitions together, with gperftools' profiler; writes profiles/*.prof, "
                ".folded and .html flame graphs. Repetitions then run in order, not interleaved");
  run->add_option("--cpu-profile-hz", options.cpu_profile_hz,
                  fmt::format("CPU profile samples per second of CPU time (default: {}, at most "
                              "{})",
                              kDefaultCpuProfileHz, kMaxCpuProfileHz))
      ->type_name("N");

  run->add_flag("--heap-profile", options.heap_profile,
                "Record where the measured region allocates, with gperftools' heap profiler, in a "
                "second pass under its tcmalloc (the times come from the first); writes "
                "profiles/*.heap, .alloc.folded and .alloc.html flame graphs of the bytes "
                "allocated, and the allocation sites of each benchmark into result.json");

  // Used between paybench processes; not part of the interface.
  run->add_option("--result-file", options.result_file)->group("");
  run->add_option("--heap-profile-output", options.heap_profile_output)->group("");
  run->add_option("--cpu-profile-output", options.cpu_profile_output)->group("");
  run->add_option("--progress-prefix", options.progress_prefix)->group("");
  run->add_option("--recorded-command-line", options.recorded_command_line)->group("");
}

int run_run_command(const RunOptions& requested_options, const std::string& command_line) {
  RunOptions options = requested_options;
  if (options.recorded_command_line.empty()) options.recorded_command_line = command_line;
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
    return record_heap_profiles(options, plan.instances, plan.settings);
  }

  // Under valgrind, thread 0 switches callgrind on for each measured region.
  if (engine::running_under_valgrind()) {
    plan.settings.instruction_iterations = plan.instruction_iterations;
  }

  // A child of an allocator matrix writes only its result and its CPU profiles, in a
  // directory of its allocator; the parent does the rest.
  if (!options.result_file.empty()) {
    const bool records_cpu_profiles = options.cpu_profile && !options.cpu_profile_output.empty();
    const fs::path output_directory = options.cpu_profile_output;
    if (records_cpu_profiles) {
      plan.settings.cpu_profile_paths =
          cpu_profile_paths(output_directory, plan.instances, options.allocator);
      fs::create_directories(plan.settings.cpu_profile_paths.front().parent_path());
    }
    reports::Result result = measure(options, plan, output_directory);
    if (records_cpu_profiles) {
      attach_cpu_profiles(result, plan.instances, plan.settings.cpu_profile_paths, output_directory);
    }
    reports::write_text_file_atomically(options.result_file, reports::to_json(result).dump(2));
    return any_benchmark_failed(result) ? kExitBenchmarkFailed : kExitSuccess;
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
    result = measure(options, plan, output.path());
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
  if (options.heap_profile) {
    try {
      run_heap_profile_pass(options, output.path(), result);
    } catch (const std::exception& error) {
      fmt::print(stderr, "paybench: warning: heap profiles left out: {}\n", error.what());
      heap_pass_failed = true;
    }
  }
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
  const bool failed = any_benchmark_failed(result) || heap_pass_failed;
  return failed ? kExitBenchmarkFailed : kExitSuccess;
}

}  // namespace paybench::cli
