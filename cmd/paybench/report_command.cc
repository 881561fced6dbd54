#include "report_command.h"

#include <fmt/format.h>

#include <stdexcept>
#include <system_error>

#include "exit_codes.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/html_report.h"
#include "paybench/reports/input_error.h"
#include "paybench/reports/result_json.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReportHelp =
    "Input: result.json of `paybench run` or `paybench profile`, or the JSON of a Google\n"
    "Benchmark program (--benchmark_format=json). The report shows what ran and where, the\n"
    "verdicts, one chart per comparison, throughput against threads, the writes family's batch\n"
    "sizes, latency percentiles, the allocator matrix, the profiles with their flame graphs\n"
    "(read from the profiles/ folder next to the result file) and the machine and build. Each\n"
    "view appears when the result has data for it.\n"
    "\n"
    "The report is one HTML file with inline CSS and SVG; it loads nothing. Only its flame\n"
    "graphs need JavaScript. The pages of `paybench compare` and `paybench gate` come from\n"
    "their --format html.\n";

fs::path directory_of(const fs::path& file) {
  const fs::path parent = file.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

fs::path rebased(const std::string& path, const fs::path& from, const fs::path& to) {
  if (path.empty() || fs::path(path).is_absolute()) {
    return path;
  }
  const fs::path relative = (from / path).lexically_normal().lexically_relative(to);
  return relative.empty() ? fs::path(path) : relative;
}

bool is_same_directory(const fs::path& a, const fs::path& b) {
  std::error_code error;
  return fs::equivalent(a, b, error) && !error;
}

}  // namespace

CLI::App* setup_report_command(CLI::App& app, ReportOptions& options) {
  CLI::App* report = app.add_subcommand(
      "report", "Render the HTML report of a result file again (run, profile or Google Benchmark)");
  report
      ->add_option("result", options.result, "Result file: result.json of paybench run or profile")
      ->required()
      ->type_name("RESULT");
  report
      ->add_option("--out", options.output,
                   "Write the report to FILE (replaced atomically; default: report.html next to "
                   "RESULT)")
      ->type_name("FILE");
  report->footer(std::string(kReportHelp) + "\n" + kExitCodesHelp);
  return report;
}

std::string describe_report_parse_error(const CLI::App& report, const CLI::ParseError& error) {
  const bool misses_result = dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
                             report.get_option("result")->count() == 0;
  if (!misses_result) return error.what();
  return "missing RESULT: expected a result file, e.g. 'paybench report "
         "paybench-results/latest/result.json'";
}

fs::path default_report_path(const std::string& result_path) {
  return directory_of(result_path) / "report.html";
}

void rebase_profile_paths(reports::Result& result, const fs::path& from, const fs::path& to) {
  const fs::path from_directory = fs::weakly_canonical(fs::absolute(from));
  const fs::path to_directory = fs::weakly_canonical(fs::absolute(to));
  const auto rebase = [&](std::string& path) {
    path = rebased(path, from_directory, to_directory).string();
  };
  for (reports::BenchmarkRun& run : result.benchmarks) {
    if (run.cpu_profile) {
      rebase(run.cpu_profile->prof);
      rebase(run.cpu_profile->folded);
      rebase(run.cpu_profile->flamegraph);
    }
    if (run.heap_profile) {
      rebase(run.heap_profile->heap);
      rebase(run.heap_profile->folded);
      rebase(run.heap_profile->flamegraph);
    }
  }
}

int run_report_command(const ReportOptions& options) {
  const fs::path output =
      options.output.empty() ? default_report_path(options.result) : fs::path(options.output);
  std::error_code error;
  if (fs::equivalent(output, options.result, error)) {
    throw UsageError(fmt::format(
        "--out '{}' is the result file itself: choose another file for the report, such as "
        "report.html",
        output.string()));
  }

  reports::Result result;
  try {
    result = reports::read_result_file(options.result);
  } catch (const reports::InputError& invalid) {
    throw UsageError(fmt::format(
        "cannot read the result file {}; expected result.json of paybench run or paybench profile, "
        "or Google Benchmark JSON (--benchmark_format=json)",
        invalid.what()));
  }

  // Profile paths are relative to the result file's directory. The report links them from its
  // own directory and reads the folded files of its flame graphs from there, so they are
  // rewritten when the two differ.
  const fs::path result_directory = directory_of(options.result);
  const fs::path report_directory = directory_of(output);
  if (!is_same_directory(result_directory, report_directory)) {
    rebase_profile_paths(result, result_directory, report_directory);
  }

  try {
    reports::write_text_file_atomically(output,
                                        reports::render_html_report(result, report_directory));
  } catch (const std::runtime_error& failure) {
    throw UsageError(fmt::format("{}; choose another file with --out", failure.what()));
  }
  fmt::print("Wrote {}\n", output.string());
  return kExitSuccess;
}

}  // namespace paybench::cli
