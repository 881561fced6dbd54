// The Markdown form of a RunComparison (CommonMark with GitHub's tables), for pull requests and
// wikis.
#include <fmt/format.h>

#include <algorithm>

#include "paybench/reports/markdown_text.h"
#include "paybench/reports/run_comparison_output.h"
#include "run_comparison_cells.h"

namespace paybench::reports {
namespace {

// Names listed in a note before "and N more".
constexpr std::size_t kMaxListedNames = 20;

void append_benchmark_rows(std::string& out, const BenchmarkDifference& benchmark, double alpha) {
  for (const MeasurementChange& pair : benchmark.measurements) {
    out += markdown_table_row({markdown_code_span(benchmark.name),
                               format_change(pair.real_time_change),
                               format_change(pair.cpu_time_change),
                               format_measured_value(pair.baseline_real_time, benchmark),
                               format_measured_value(pair.candidate_real_time, benchmark),
                               format_measured_value(pair.baseline_cpu_time, benchmark),
                               format_measured_value(pair.candidate_cpu_time, benchmark)});
  }
  if (benchmark.u_test) {
    const UTest& test = *benchmark.u_test;
    std::string description = describe_u_test(test, alpha);
    if (const std::string warning = u_test_warning(test); !warning.empty()) {
      description += " (" + warning + ")";
    }
    out += markdown_table_row(
        {markdown_code_span(u_test_row_name(benchmark)), format_p_value(test.real_time.p_value),
         format_p_value(test.cpu_time.p_value), markdown_escape(description), "", "", ""});
  }
}

}  // namespace

std::string render_comparison_markdown(const RunComparison& comparison) {
  std::string out = "## paybench compare\n\n";
  out +=
      "- Baseline: " + markdown_escape(describe_side(comparison, ComparisonSide::kBaseline)) + "\n";
  out += "- Candidate: " + markdown_escape(describe_side(comparison, ComparisonSide::kCandidate)) +
         "\n";
  out += fmt::format("- Significance level (alpha): {:g}\n\n", comparison.alpha);

  out += markdown_table_row(
      {"Benchmark", "Time", "CPU", "Time old", "Time new", "CPU old", "CPU new"});
  out += "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const BenchmarkDifference& benchmark : comparison.benchmarks) {
    append_benchmark_rows(out, benchmark, comparison.alpha);
  }
  if (comparison.overall_geomean) {
    const GeomeanDifference& geomean = *comparison.overall_geomean;
    out += markdown_table_row(
        {markdown_code_span(kOverallGeomeanName), format_change(geomean.real_time_change),
         format_change(geomean.cpu_time_change), format_seconds(geomean.baseline_real_time_s),
         format_seconds(geomean.candidate_real_time_s), format_seconds(geomean.baseline_cpu_time_s),
         format_seconds(geomean.candidate_cpu_time_s)});
  }

  out += "\n";
  for (const std::string& explanation : column_explanations(comparison)) {
    out += "- " + markdown_escape(explanation) + "\n";
  }
  for (const FailedBenchmark& failure : comparison.failures) {
    out += "- Failed, not compared: " + markdown_escape(describe_failure(failure)) + "\n";
  }
  for (const TimeUnitMismatch& mismatch : comparison.time_unit_mismatches) {
    out += "- Time unit differs: " + markdown_escape(describe_mismatch(mismatch)) + "\n";
  }
  if (!comparison.only_in_baseline.empty()) {
    out += fmt::format("- Only in the baseline ({}): {}\n", comparison.only_in_baseline.size(),
                       markdown_escape(join_names(comparison.only_in_baseline, kMaxListedNames)));
  }
  if (!comparison.only_in_candidate.empty()) {
    out += fmt::format("- Only in the candidate ({}): {}\n", comparison.only_in_candidate.size(),
                       markdown_escape(join_names(comparison.only_in_candidate, kMaxListedNames)));
  }
  return out;
}

}  // namespace paybench::reports
