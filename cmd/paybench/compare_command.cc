#include "compare_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "exit_codes.h"
#include "result_input.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/input_error.h"
#include "paybench/reports/input_text.h"
#include "paybench/reports/result_json.h"
#include "paybench/reports/run_comparison.h"
#include "paybench/reports/run_comparison_output.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

// Names quoted from each file when the two have nothing in common.
constexpr std::size_t kNamesInError = 5;

constexpr const char* kCompareHelp =
    "Input: two result files of `paybench run` (result.json) or of a Google Benchmark program\n"
    "run with --benchmark_format=json or --benchmark_out=FILE. Benchmarks pair up by name.\n"
    "\n"
    "Output, one row per pair of values (every repetition and aggregate), as Google\n"
    "Benchmark's compare.py prints it:\n"
    "  Time, CPU   change in real and CPU time, (candidate - baseline) / |baseline|:\n"
    "              -0.5000 is twice as fast, +1.0000 twice as slow\n"
    "  Time old/new, CPU old/new   the values compared\n"
    "  NAME_pvalue       two-sided Mann-Whitney U test over all repetitions of NAME (at least\n"
    "                    2 a side; 9 or more recommended); below --alpha the difference is\n"
    "                    significant\n"
    "  OVERALL_GEOMEAN   geometric mean of every repetition's time on each side\n"
    "Failed benchmarks, benchmarks found on one side only and values in another time unit are\n"
    "listed after the table, not compared.\n"
    "\n"
    "Family comparison: --filter-baseline BM_Zero --filter-candidate BM_One compares the\n"
    "baseline's benchmarks matching one regular expression (ECMAScript syntax) with the\n"
    "candidate's matching the other. The matched part of each name becomes\n"
    "'[BM_Zero vs. BM_One]' on both sides. Give the same file twice to compare two families of\n"
    "one run.\n"
    "\n"
    "compare exits with 0 after any comparison: it reports, and never fails a build.\n";

std::string join_choices(const std::vector<std::string>& choices) {
  std::string text;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text += i + 1 == choices.size() ? " or " : ", ";
    text += choices[i];
  }
  return text;
}

CLI::Validator format_check() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (reports::parse_comparison_format(value)) return "";
        return fmt::format("invalid value '{}': expected {}, e.g. --format markdown", value,
                           join_choices({"table", "json", "markdown", "html"}));
      },
      "{table,json,markdown,html}");
}

std::optional<reports::FamilyFilter> family_filter_of(const CompareOptions& options) {
  const bool has_baseline_filter = options.filter_baseline.has_value();
  const bool has_candidate_filter = options.filter_candidate.has_value();
  if (has_baseline_filter != has_candidate_filter) {
    const std::string given_option =
        has_baseline_filter ? "--filter-baseline" : "--filter-candidate";
    const std::string missing_option =
        has_baseline_filter ? "--filter-candidate" : "--filter-baseline";
    const std::string& pattern =
        has_baseline_filter ? *options.filter_baseline : *options.filter_candidate;
    throw UsageError(
        fmt::format("{} '{}' needs {} as well: give both to compare one family with another, e.g. "
                    "--filter-baseline 'BM_Zero' --filter-candidate 'BM_One'",
                    given_option, pattern, missing_option));
  }
  if (!has_baseline_filter) return std::nullopt;

  const auto compile = [](const char* option, const std::string& pattern) {
    try {
      return reports::NamePattern(pattern);
    } catch (const std::invalid_argument& error) {
      throw UsageError(fmt::format("{}: {}", option, error.what()));
    }
  };
  return reports::FamilyFilter{compile("--filter-baseline", *options.filter_baseline),
                               compile("--filter-candidate", *options.filter_candidate)};
}

std::vector<std::string> benchmark_names(const reports::Result& result) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const reports::BenchmarkRun& run : result.benchmarks) {
    if (seen.insert(run.name).second) names.push_back(run.name);
  }
  return names;
}

std::string describe_names(const std::vector<std::string>& names) {
  if (names.empty()) return "no benchmark";
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < kNamesInError; ++i) {
    text += (i == 0 ? "" : ", ") + reports::quote_input(names[i], '\'');
  }
  if (names.size() > kNamesInError) {
    text += fmt::format(" and {} more", names.size() - kNamesInError);
  }
  return text;
}

// Rejects a family pattern that matches no benchmark of its file.
void check_filter_matches(const reports::Result& result, const std::string& path,
                          const reports::NamePattern& pattern, const char* option) {
  for (const reports::BenchmarkRun& run : result.benchmarks) {
    if (pattern.is_found_in(run.name)) return;
  }
  throw UsageError(fmt::format(
      "{} '{}' matches no benchmark of '{}', which has {}: give a regular expression that "
      "matches part of the names to compare",
      option, pattern.text(), path, describe_names(benchmark_names(result))));
}

[[noreturn]] void fail_nothing_in_common(const CompareOptions& options,
                                         const reports::RunComparison& comparison,
                                         const reports::Result& baseline,
                                         const reports::Result& candidate) {
  std::string reason =
      comparison.family_filter
          ? fmt::format("after replacing the matches by '{}', no benchmark name is on both sides",
                        comparison.family_filter->replacement())
          : "no benchmark has the same name in both";
  const std::size_t failed = comparison.failures.size();
  if (failed > 0) {
    reason += fmt::format(" with a run that did not fail ({} failed)", failed);
  }
  const std::vector<std::string> baseline_names =
      comparison.family_filter ? comparison.only_in_baseline : benchmark_names(baseline);
  const std::vector<std::string> candidate_names =
      comparison.family_filter ? comparison.only_in_candidate : benchmark_names(candidate);
  throw UsageError(fmt::format(
      "nothing to compare between '{}' and '{}': {}. The baseline has {}; the candidate has {}. "
      "Compare results of the same benchmarks, or pair two families with --filter-baseline and "
      "--filter-candidate",
      options.baseline, options.candidate, reason, describe_names(baseline_names),
      describe_names(candidate_names)));
}

void check_output_is_no_input(const std::string& output, const std::string& input) {
  std::error_code error;
  if (fs::equivalent(output, input, error)) {
    throw UsageError(
        fmt::format("--out '{}' is the input '{}' itself: choose another file for the comparison",
                    output, input));
  }
}

bool use_color_on_stdout() {
  const char* no_color = std::getenv("NO_COLOR");
  const bool color_disabled = no_color != nullptr && no_color[0] != '\0';
  return !color_disabled && isatty(STDOUT_FILENO) != 0;
}

}  // namespace

CLI::App* setup_compare_command(CLI::App& app, CompareOptions& options) {
  CLI::App* compare =
      app.add_subcommand("compare",
                         "Compare two result files benchmark by benchmark, as Google Benchmark's "
                         "compare.py does");
  compare->add_option("baseline", options.baseline, "Result file before the change")
      ->required()
      ->type_name("BASELINE");
  compare->add_option("candidate", options.candidate, "Result file after the change")
      ->required()
      ->type_name("CANDIDATE");
  compare
      ->add_option_function<std::string>(
          "--filter-baseline",
          [&options](const std::string& pattern) { options.filter_baseline = pattern; },
          "Compare only the baseline's benchmarks whose name matches REGEX (needs "
          "--filter-candidate)")
      ->type_name("REGEX");
  compare
      ->add_option_function<std::string>(
          "--filter-candidate",
          [&options](const std::string& pattern) { options.filter_candidate = pattern; },
          "Compare only the candidate's benchmarks whose name matches REGEX (needs "
          "--filter-baseline)")
      ->type_name("REGEX");
  compare
      ->add_option("--alpha", options.alpha,
                   "Significance level of the U test: a p-value below it is significant "
                   "(default 0.05)")
      ->type_name("A");
  compare->add_option("--format", options.format, "table (default), json, markdown or html")
      ->check(format_check())
      ->type_name("FORMAT");
  compare
      ->add_option("--out", options.output,
                   "Write the comparison to FILE (replaced atomically) instead of stdout")
      ->type_name("FILE");
  // Setting a footer replaces the exit codes that the subcommand copied from `app`.
  compare->footer(std::string(kCompareHelp) + "\n" + kExitCodesHelp);
  return compare;
}

std::string describe_compare_parse_error(const CLI::App& compare, const CLI::ParseError& error) {
  if (dynamic_cast<const CLI::RequiredError*>(&error) == nullptr) return error.what();

  const CLI::Option* baseline = compare.get_option("baseline");
  const CLI::Option* candidate = compare.get_option("candidate");
  if (baseline->count() == 0) {
    return "missing BASELINE and CANDIDATE: expected two result files, e.g. 'paybench compare "
           "old/result.json new/result.json'";
  }
  if (candidate->count() == 0) {
    return fmt::format(
        "missing CANDIDATE: expected the result file to compare with '{}', e.g. 'paybench "
        "compare {} new/result.json'",
        baseline->results().front(), baseline->results().front());
  }
  return error.what();
}

int run_compare_command(const CompareOptions& options) {
  const std::optional<reports::FamilyFilter> family_filter = family_filter_of(options);
  const double alpha = parse_alpha(options.alpha);
  const reports::ComparisonFormat format = *reports::parse_comparison_format(options.format);
  if (!options.output.empty()) {
    check_output_is_no_input(options.output, options.baseline);
    check_output_is_no_input(options.output, options.candidate);
  }

  const reports::Result baseline = read_result_input(options.baseline, "baseline");
  const reports::Result candidate = read_result_input(options.candidate, "candidate");
  if (family_filter) {
    check_filter_matches(baseline, options.baseline, family_filter->baseline, "--filter-baseline");
    check_filter_matches(candidate, options.candidate, family_filter->candidate,
                         "--filter-candidate");
  }

  reports::RunComparisonOptions comparison_options;
  comparison_options.baseline_label = options.baseline;
  comparison_options.candidate_label = options.candidate;
  comparison_options.alpha = alpha;
  comparison_options.family_filter = family_filter;
  const reports::RunComparison comparison =
      reports::compare_runs(baseline, candidate, comparison_options);
  if (comparison.benchmarks.empty()) {
    fail_nothing_in_common(options, comparison, baseline, candidate);
  }

  if (options.output.empty()) {
    const bool is_table = format == reports::ComparisonFormat::kTable;
    std::cout << (is_table ? reports::render_comparison_table(comparison, use_color_on_stdout())
                           : reports::render_comparison(comparison, format));
    return kExitSuccess;
  }
  try {
    reports::write_text_file_atomically(options.output,
                                        reports::render_comparison(comparison, format));
  } catch (const std::runtime_error& error) {
    throw UsageError(fmt::format("{}; choose another file with --out", error.what()));
  }
  const std::size_t benchmarks = reports::count_compared_benchmarks(comparison);
  fmt::print("Wrote {} ({} {} compared)\n", options.output, benchmarks,
             benchmarks == 1 ? "benchmark" : "benchmarks");
  return kExitSuccess;
}

}  // namespace paybench::cli
