// paybench run: measure the selected workloads and write result.json and report.html.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace paybench::cli {

// Option values are kept as text and validated in run_run_command(), so that every error can
// quote the value as the user typed it.
struct RunOptions {
  std::vector<std::string> patterns;
  std::string suite = "full";
  std::string repetitions;  // empty: the suite's
  std::string min_time;     // seconds; empty: the suite's
  std::string threads;      // comma-separated; empty: each workload's own
  std::vector<std::string> params;  // NAME=V1,V2,... each; replaces a parameter's values
  std::string allocator;
  std::string allocators;   // comma-separated
  std::string out_dir;      // empty: paybench-results/<UTC timestamp>
  std::string data_dir;     // empty: $PAYBENCH_DATA_DIR, else the temporary directory
  std::string pg_dsn;       // empty: $PAYBENCH_PG_DSN, else no PostgreSQL benchmarks
  std::string format = "table";
  bool quiet = false;
  bool cpu_profile = false;
  std::string cpu_profile_hz;  // samples per second; empty: kDefaultCpuProfileHz
  bool heap_profile = false;
  std::string measure = "time";  // or "instructions"
  std::string iterations;        // per thread, in instruction mode; empty: the default
  std::string timeout;           // seconds per workload; empty: default_workload_timeout()
  bool no_isolation = false;     // measure in this process instead of a child per workload

  // Set by a parent paybench that runs this one under another allocator, for the heap profile
  // pass, or for one workload.
  std::string result_file;            // write only the result JSON here
  std::string heap_profile_output;    // record heap profiles for this output directory
  std::string cpu_profile_output;     // write CPU profiles for this output directory
  // The subdirectory of profiles/ where a workload's child writes its CPU profiles.
  std::string cpu_profile_subdirectory;
  std::string workload;               // measure only this workload (FAMILY/NAME), in-process
  std::string progress_prefix;        // shown before the progress line
  std::string recorded_command_line;  // the command the user typed, recorded in the result
};

void setup_run_command(CLI::App& app, RunOptions& options);
// Records `command_line` in the result, unless options.recorded_command_line carries the
// command that a parent paybench was started with.
int run_run_command(const RunOptions& options, const std::string& command_line);

}  // namespace paybench::cli
