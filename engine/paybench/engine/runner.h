// Runs benchmark instances on Google Benchmark and collects every repetition into a result.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "paybench/engine/registry.h"
#include "paybench/reports/comparisons.h"
#include "paybench/reports/result.h"

namespace paybench::engine {

struct RunSettings {
  int repetitions = 5;
  double min_time_s = 0.05;  // Google Benchmark's minimum measuring time per repetition
  std::string suite;         // recorded in the result's context
  std::string command_line;  // recorded in the result's context
  bool show_progress = false;
  std::string progress_prefix;
  // The CPU profile file of each instance, in the order of the instances; empty for no
  // profiles. See cpu_profiler.h for what is sampled.
  std::vector<std::filesystem::path> cpu_profile_paths;
  // The existing directory that receives the heap profile dumps of each instance, in the order
  // of the instances; empty for no heap profiles. See heap_profiler.h.
  std::vector<std::filesystem::path> heap_profile_directories;

  // Above 0: count instructions under callgrind (see instruction_counter.h) instead of timing,
  // in one repetition of exactly this many iterations per thread.
  std::int64_t instruction_iterations = 0;

  bool records_profiles() const {
    return !cpu_profile_paths.empty() || !heap_profile_directories.empty();
  }
  bool counts_instructions() const { return instruction_iterations > 0; }
};

// Measures `instances` in this process under the allocator that is active in it. Repetitions
// of all instances run in random interleaved order, so that a slow phase of a noisy machine
// spreads over every variant instead of falling on one. With profiles the repetitions of each
// instance run one after another instead, because gperftools records one profile at a time and
// cannot append to it. A benchmark that fails, or whose profiler cannot start, becomes a run
// with error_occurred set; the others go on. The result has no comparisons yet: see
// comparison_requests().
//
// After an interruption request (interruption.h) the repetition that is running ends normally
// and every later one is skipped. The result then keeps only the instances whose repetitions
// all ran before the request, and has context.interrupted set.
reports::Result run_benchmarks(const std::vector<BenchmarkInstance>& instances,
                               const RunSettings& settings);

// Returns how many repetitions of `instance` run_benchmarks() measures under `settings`: the
// requested ones, at least the workload's minimum, and one when it counts instructions.
int planned_repetitions(const BenchmarkInstance& instance, const RunSettings& settings);

// The comparisons that the workloads of `instances` declare.
std::vector<reports::ComparisonRequest> comparison_requests(
    const std::vector<BenchmarkInstance>& instances);

}  // namespace paybench::engine
