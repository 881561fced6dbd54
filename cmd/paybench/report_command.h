// paybench report: render the HTML report of a result file again, for example after an upgrade
// of paybench or on another machine.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "paybench/reports/result.h"

namespace paybench::cli {

struct ReportOptions {
  std::string
      result;  // result.json of `paybench run` or `paybench profile`, or Google Benchmark JSON
  std::string output;  // empty: report.html next to the result file
};

// Adds the report subcommand to `app`, storing its options in `options`, and returns it.
CLI::App* setup_report_command(CLI::App& app, ReportOptions& options);

// Returns the message for a command-line error that CLI11 raised while parsing `report`: a
// missing RESULT gets a message naming what to pass, other errors keep CLI11's message.
std::string describe_report_parse_error(const CLI::App& report, const CLI::ParseError& error);

// Returns where the report goes without --out: report.html in the result file's directory.
std::filesystem::path default_report_path(const std::string& result_path);

// Rewrites the profile paths of `result`, which are relative to `from` (the result file's
// directory), to be relative to `to` (the report's directory), so that the report's links
// and embedded flame graphs find the files. Absolute and empty paths stay as they are.
void rebase_profile_paths(reports::Result& result, const std::filesystem::path& from,
                          const std::filesystem::path& to);

// Reads the result file and writes its HTML report atomically, embedding the flame graphs of
// the profiles it references. Returns kExitSuccess. Throws UsageError naming the file and the
// fix when the result cannot be read or is not a result, when --out is the result file itself
// or when the report cannot be written.
int run_report_command(const ReportOptions& options);

}  // namespace paybench::cli
