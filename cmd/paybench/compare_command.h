// paybench compare: compare two result files benchmark by benchmark, with the statistics of
// Google Benchmark's compare.py.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace paybench::cli {

struct CompareOptions {
  std::string baseline;   // result file before the change
  std::string candidate;  // result file after it
  // Both or neither: compare the baseline's benchmarks matching one regular expression with
  // the candidate's matching the other.
  std::optional<std::string> filter_baseline;
  std::optional<std::string> filter_candidate;
  std::string alpha = "0.05";  // kept as text, so that an error quotes what was typed
  std::string format = "table";
  std::string output;  // empty: stdout
};

// Adds the compare subcommand to `app`, storing its options in `options`, and returns it.
CLI::App* setup_compare_command(CLI::App& app, CompareOptions& options);

// Returns the message for a command-line error that CLI11 raised while parsing `compare`: a
// missing BASELINE or CANDIDATE gets a message naming what to pass, other errors keep CLI11's
// message.
std::string describe_compare_parse_error(const CLI::App& compare, const CLI::ParseError& error);

// Reads both files, compares them and writes the comparison to stdout or, atomically, to
// --out. Returns kExitSuccess after any comparison, whatever it shows. Throws UsageError
// naming the value and the fix when an option is invalid, a file cannot be read or has the
// wrong shape, or the two sides have no benchmark in common.
int run_compare_command(const CompareOptions& options);

}  // namespace paybench::cli
