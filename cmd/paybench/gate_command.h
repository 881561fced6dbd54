// paybench gate: a verdict on a candidate result against a baseline that a CI job can branch
// on: exit 0 pass, 1 regression, 3 inconclusive (2 for bad input), with exports for CI systems.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace paybench::cli {

// Option values are kept as text and validated in run_gate_command(), so that every error can
// quote the value as the user typed it.
struct GateCommandOptions {
  std::string baseline;
  std::string candidate;
  std::string max_regression = "5%";
  std::string min_delta = "0";  // ns, or instructions per op in instruction mode
  std::string thresholds;       // JSON file; empty for none
  std::string alpha = "0.05";
  std::string format = "table";
  std::string output;  // empty: stdout
  std::string junit;
  std::string markdown;
  std::string github_benchmark;
  std::string bmf;
};

CLI::App* setup_gate_command(CLI::App& app, GateCommandOptions& options);

// Judges the candidate, writes the requested outputs atomically and returns the exit code.
// Throws UsageError naming the file or value for bad input.
int run_gate_command(const GateCommandOptions& options);

}  // namespace paybench::cli
