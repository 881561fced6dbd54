// The progress line on stderr: current benchmark, runs done of the total, elapsed time.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace paybench::engine {

class ProgressLine {
 public:
  // Prints nothing unless `enabled` (the caller checks that stderr is a terminal and that
  // --quiet was not given).
  ProgressLine(bool enabled, int total_runs, std::string prefix);

  // Called when a benchmark starts measuring; cheap when the name is unchanged.
  void on_benchmark_start(const std::string& name);
  // Called when one repetition of a benchmark has been reported.
  void on_run_done();
  // Clears the line, so the summary that follows starts on a clean line.
  void finish();

 private:
  void redraw();

  bool enabled_;
  int total_runs_;
  int done_runs_ = 0;
  std::string prefix_;
  std::string current_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace paybench::engine
