#include "profile_command.h"

#include "run_command.h"
#include "suite.h"
#include "usage_error.h"

namespace paybench::cli {

void setup_profile_command(CLI::App& app, ProfileOptions& options) {
  CLI::App* profile = app.add_subcommand(
      "profile",
      "Profile workloads: CPU and heap profiles with flame graphs, from a run measured 3 x 1 s");
  profile->add_option("patterns", options.patterns, "Globs over benchmark names, e.g. 'memory/*'")
      ->required();
  profile->add_flag("--cpu", options.cpu,
                    "Record CPU profiles (without --cpu or --heap: both)");
  profile->add_flag("--heap", options.heap,
                    "Record heap profiles, in a second pass under gperftools' tcmalloc "
                    "(without --cpu or --heap: both)");
  profile->add_option("--out-dir", options.out_dir,
                      "Directory for result.json, report.html and profiles/ (default: "
                      "paybench-results/<UTC timestamp>)")
      ->type_name("DIR");
  profile->add_option("--repetitions", options.repetitions, "Repetitions of each benchmark (default: 3)")
      ->type_name("N");
  profile->add_option("--min-time", options.min_time,
                      "Minimum measuring time of one repetition, in seconds (default: 1)")
      ->type_name("SECONDS");
  profile->add_option("--threads", options.threads, "Thread counts, e.g. 1,2 (as in run)")
      ->type_name("LIST");
  profile->add_option("--param", options.params, "Replace a parameter's values (as in run)")
      ->type_name("NAME=V1,V2")
      ->allow_extra_args(false);
  profile->add_option("--allocator", options.allocator,
                      "Allocator of the measured pass and its CPU profiles (as in run)")
      ->type_name("NAME");
  profile->add_option("--hz", options.hz, "CPU profile samples per second (as run's --cpu-profile-hz)")
      ->type_name("N");
  profile->add_flag("--quiet", options.quiet, "No progress line on stderr");
}

int run_profile_command(const ProfileOptions& options, const std::string& command_line) {
  const bool both = !options.cpu && !options.heap;
  if (!options.hz.empty() && !options.cpu && !both) {
    throw UsageError("--hz sets the CPU profile's rate: it needs --cpu, or neither --cpu nor --heap");
  }

  RunOptions run;
  run.patterns = options.patterns;
  run.suite = kProfileSuite.name;
  run.repetitions = options.repetitions;
  run.min_time = options.min_time;
  run.threads = options.threads;
  run.params = options.params;
  run.allocator = options.allocator;
  run.out_dir = options.out_dir;
  run.quiet = options.quiet;
  run.cpu_profile = options.cpu || both;
  run.cpu_profile_hz = options.hz;
  run.heap_profile = options.heap || both;
  return run_run_command(run, command_line);
}

}  // namespace paybench::cli
