// paybench profile: a run made for its profiles. It measures longer than the full suite (see
// kProfileSuite) and records CPU and heap profiles, or the one asked for.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace paybench::cli {

struct ProfileOptions {
  std::vector<std::string> patterns;
  bool cpu = false;   // neither cpu nor heap: both
  bool heap = false;
  std::string out_dir;
  std::string repetitions;  // empty: kProfileSuite's
  std::string min_time;     // empty: kProfileSuite's
  std::string threads;
  std::vector<std::string> params;
  std::string allocator;
  std::string hz;  // CPU profile samples per second; empty: run's default
  bool quiet = false;
};

void setup_profile_command(CLI::App& app, ProfileOptions& options);

// Runs the benchmarks as `paybench run --suite profile` with --cpu-profile and --heap-profile
// as requested, and returns run's exit code.
int run_profile_command(const ProfileOptions& options, const std::string& command_line);

}  // namespace paybench::cli
