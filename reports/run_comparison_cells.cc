#include "run_comparison_cells.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "paybench/reports/formatting.h"
#include "paybench/reports/input_text.h"

namespace paybench::reports {
namespace {

constexpr double kSlowerColourThreshold = 0.05;
constexpr double kFasterColourThreshold = -0.07;
constexpr double kNanosecondsPerSecond = 1e9;

}  // namespace

ChangeDirection direction_of(double change) {
  if (change > kSlowerColourThreshold) return ChangeDirection::kSlower;
  if (change < kFasterColourThreshold) return ChangeDirection::kFaster;
  return ChangeDirection::kNeutral;
}

std::string format_change(double change) {
  if (!std::isfinite(change)) return "n/a";
  return fmt::format("{:+.4f}", change);
}

std::string format_p_value(double p_value) {
  if (!std::isfinite(p_value)) return "n/a";
  return fmt::format("{:.4f}", p_value);
}

std::string format_measured_value(double value, const BenchmarkDifference& benchmark) {
  if (benchmark.is_percentage()) return format_percent(value);
  if (benchmark.counts_instructions) return format_count(value) + " instr";
  return format_time(convert_time(value, benchmark.time_unit, "ns"));
}

std::string format_seconds(double seconds) { return format_time(seconds * kNanosecondsPerSecond); }

std::string u_test_row_name(const BenchmarkDifference& benchmark) {
  return benchmark.name + "_pvalue";
}

std::string describe_u_test(const UTest& test, double alpha) {
  std::string outcome;
  if (test.real_time_significant && test.cpu_time_significant) {
    outcome = "significant difference in time and CPU";
  } else if (test.real_time_significant) {
    outcome = "significant difference in time only";
  } else if (test.cpu_time_significant) {
    outcome = "significant difference in CPU only";
  } else {
    outcome = "no significant difference";
  }
  return fmt::format("U test, {} vs {} repetitions: {} at alpha {:g}", test.baseline_repetitions,
                     test.candidate_repetitions, outcome, alpha);
}

std::string u_test_warning(const UTest& test) {
  if (test.has_recommended_repetitions) return "";
  return fmt::format("unreliable: fewer than {} repetitions", kRecommendedUTestRepetitions);
}

std::string describe_side(const RunComparison& comparison, ComparisonSide side) {
  const bool is_baseline = side == ComparisonSide::kBaseline;
  const std::string& label = is_baseline ? comparison.baseline_label : comparison.candidate_label;
  if (!comparison.family_filter) return label;
  const NamePattern& pattern =
      is_baseline ? comparison.family_filter->baseline : comparison.family_filter->candidate;
  return fmt::format("{} (benchmarks matching '{}')", label, pattern.text());
}

std::string describe_failure(const FailedBenchmark& failure) {
  return fmt::format("{} {}: {} failed {}: {}", to_string(failure.side), failure.name,
                     failure.failed_runs, failure.failed_runs == 1 ? "run" : "runs",
                     failure.error_message.empty() ? "no error message" : failure.error_message);
}

std::string describe_mismatch(const TimeUnitMismatch& mismatch) {
  std::vector<std::string> parts;
  if (mismatch.baseline_skipped > 0) {
    parts.push_back(fmt::format("{} baseline", mismatch.baseline_skipped));
  }
  if (mismatch.candidate_skipped > 0) {
    parts.push_back(fmt::format("{} candidate", mismatch.candidate_skipped));
  }
  const int skipped = mismatch.baseline_skipped + mismatch.candidate_skipped;
  return fmt::format(
      "{}: {} {} in {} left out; compared in {}, the unit of the baseline's first value",
      mismatch.name, fmt::join(parts, " and "), skipped == 1 ? "value" : "values",
      mismatch.other_time_unit, mismatch.time_unit);
}

std::string join_names(const std::vector<std::string>& names, std::size_t max_names) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < max_names; ++i) {
    text += (i == 0 ? "" : ", ") + shorten_input(names[i]);
  }
  if (names.size() > max_names) {
    text += fmt::format(" and {} more", names.size() - max_names);
  }
  return text;
}

std::vector<std::string> column_explanations(const RunComparison& comparison) {
  std::vector<std::string> explanations = {
      "Time and CPU: the change in real and CPU time, (candidate - baseline) / |baseline|; "
      "-0.5000 is twice as fast, +1.0000 twice as slow."};
  const bool has_u_test = std::any_of(
      comparison.benchmarks.begin(), comparison.benchmarks.end(),
      [](const BenchmarkDifference& benchmark) { return benchmark.u_test.has_value(); });
  if (has_u_test) {
    explanations.push_back(fmt::format(
        "_pvalue: the two-sided Mann-Whitney U test over all repetitions of the benchmark, for "
        "time and CPU; below alpha {:g} the difference is significant.",
        comparison.alpha));
  }
  if (comparison.overall_geomean) {
    explanations.push_back(
        "OVERALL_GEOMEAN: the geometric mean of the times of every repetition on each side.");
  }
  return explanations;
}

}  // namespace paybench::reports
