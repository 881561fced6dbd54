// paybench flame: render a flame graph of folded stacks or a gperftools CPU profile, or the
// differential flame graph of two profiles.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace paybench::cli {

struct FlameCommandOptions {
  std::string input;   // folded stacks or a gperftools CPU profile
  std::string output;  // empty: see default_flame_output_path
  std::string title;   // empty: "Flame graph of <input file name>"
  std::string format = "html";
  std::string diff;  // the other profile of a differential graph; empty for none
};

// Adds the flame subcommand to `app`, storing its options in `options`, and returns it.
CLI::App* setup_flame_command(CLI::App& app, FlameCommandOptions& options);

// Returns the message for a command-line error that CLI11 raised while parsing `flame`: a
// missing INPUT gets a message naming what to pass, other errors keep CLI11's message.
std::string describe_flame_parse_error(const CLI::App& flame, const CLI::ParseError& error);

// Returns where the graph goes without --out: in the current directory, the input's file name
// with ".html" or ".svg" appended, or "<input name>-vs-<other name>.html" for a diff.
std::string default_flame_output_path(const FlameCommandOptions& options);

// Reads the profiles, renders the graph and writes it atomically. Throws UsageError naming the
// file, and for folded stacks the line, when an input cannot be read, is not in a known
// format or has no samples, or when the output cannot be written.
int run_flame_command(const FlameCommandOptions& options);

}  // namespace paybench::cli
