// The options of `paybench run`.
#include <fmt/format.h>

#include "instruction_measure.h"
#include "run_command.h"
#include "run_plan.h"
#include "workload_isolation.h"

namespace paybench::cli {

void setup_run_command(CLI::App& app, RunOptions& options) {
  CLI::App* run =
      app.add_subcommand("run", "Measure workloads and write result.json and report.html");
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

  run->add_option("--timeout", options.timeout,
                  fmt::format("Time in seconds that the process measuring one workload may run "
                              "before it is killed and the workload's benchmarks are recorded as "
                              "failed (default: {} minutes plus {:g} times the time the workload "
                              "plans to measure, repetitions x --min-time of each benchmark)",
                              kWorkloadTimeoutAllowance.count(), kWorkloadTimeoutPerMeasuredSecond))
      ->type_name("SECONDS");
  run->add_flag("--no-isolation", options.no_isolation,
                "Measure every workload in this process instead of a child process per workload, "
                "for a debugger or profiler; a crash or hang then ends the whole run, and "
                "repetitions interleave across all workloads");

  // Used between paybench processes; not part of the interface.
  run->add_option("--result-file", options.result_file)->group("");
  run->add_option("--heap-profile-output", options.heap_profile_output)->group("");
  run->add_option("--cpu-profile-output", options.cpu_profile_output)->group("");
  run->add_option("--cpu-profile-subdirectory", options.cpu_profile_subdirectory)->group("");
  run->add_option("--workload", options.workload)->group("");
  run->add_option("--progress-prefix", options.progress_prefix)->group("");
  run->add_option("--recorded-command-line", options.recorded_command_line)->group("");
}

}  // namespace paybench::cli
