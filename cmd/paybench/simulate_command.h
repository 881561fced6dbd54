// paybench simulate: replay a breaker or rate limiter scenario on a virtual clock and print every
// decision and state transition.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace paybench::cli {

struct SimulateOptions {
  std::string component;     // breaker or limiter
  std::string scenario;      // the scenario file
  std::string input_format;  // json or csv; empty: from the file's extension
  std::string format = "table";
  std::string output;  // empty: stdout
};

void setup_simulate_command(CLI::App& app, SimulateOptions& options);
int run_simulate_command(const SimulateOptions& options);

}  // namespace paybench::cli
