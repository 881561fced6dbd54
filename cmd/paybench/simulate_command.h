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

// Adds the simulate subcommand to `app`, storing its options in `options`, and returns it.
CLI::App* setup_simulate_command(CLI::App& app, SimulateOptions& options);

// Returns the message for a command-line error that CLI11 raised while parsing `simulate`. A
// missing component or --scenario gets a message naming the choices and a command to run. Other
// errors keep CLI11's message. For an invalid value, that message comes from the option's check
// in setup_simulate_command and names the choices too.
std::string describe_simulate_parse_error(const CLI::App& simulate, const CLI::ParseError& error);

int run_simulate_command(const SimulateOptions& options);

}  // namespace paybench::cli
