#include "change_views.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "gate_cells.h"
#include "paybench/reports/statistics.h"
#include "run_comparison_cells.h"

namespace paybench::reports {
namespace {

// CSS classes of a compared benchmark's bar.
constexpr const char* kFasterClass = "faster";
constexpr const char* kSlowerClass = "slower";
constexpr const char* kNoDifferenceClass = "same";
constexpr const char* kUntestedClass = "untested";

std::optional<double> median_of_finite(std::vector<double> values) {
  std::erase_if(values, [](double value) { return !std::isfinite(value); });
  if (values.empty()) {
    return std::nullopt;
  }
  return median(std::move(values));
}

}  // namespace

ChangeChartSpec comparison_change_spec(const RunComparison& comparison) {
  ChangeChartSpec spec;
  spec.title = "Change of the median time per benchmark";
  for (const BenchmarkDifference& benchmark : comparison.benchmarks) {
    if (benchmark.run_type != RunType::kIteration || benchmark.measurements.empty()) {
      continue;
    }
    std::vector<double> baseline;
    std::vector<double> candidate;
    for (const MeasurementChange& pair : benchmark.measurements) {
      baseline.push_back(pair.baseline_real_time);
      candidate.push_back(pair.candidate_real_time);
    }
    const std::optional<double> baseline_median = median_of_finite(baseline);
    const std::optional<double> candidate_median = median_of_finite(candidate);
    const double change = baseline_median && candidate_median
                              ? relative_change(*baseline_median, *candidate_median)
                              : std::nan("");

    ChangeRowSpec row;
    row.name = benchmark.name;
    row.change = change;
    const std::string median_texts =
        baseline_median && candidate_median
            ? fmt::format("median {} -> {}", format_measured_value(*baseline_median, benchmark),
                          format_measured_value(*candidate_median, benchmark))
            : "no median";
    if (benchmark.u_test) {
      const UTest& test = *benchmark.u_test;
      const bool is_significant = test.real_time_significant;
      row.css_class =
          !is_significant ? kNoDifferenceClass : (change < 0 ? kFasterClass : kSlowerClass);
      const std::string warning = u_test_warning(test);
      row.value_text = fmt::format("{} p={}{}", format_signed_percent(change),
                                   format_p_value(test.real_time.p_value),
                                   warning.empty() ? "" : " (unreliable)");
      row.tooltip = fmt::format("{}: {} ({}); {}{}", benchmark.name, format_signed_percent(change),
                                median_texts, describe_u_test(test, comparison.alpha),
                                warning.empty() ? "" : ", " + warning);
    } else {
      row.css_class = kUntestedClass;
      row.value_text = fmt::format("{} not tested", format_signed_percent(change));
      row.tooltip =
          fmt::format("{}: {} ({}); no U test: it needs {} repetitions a side", benchmark.name,
                      format_signed_percent(change), median_texts, kMinUTestRepetitions);
    }
    spec.rows.push_back(std::move(row));
  }

  spec.caption = fmt::format(
      "Bars: change of the median real time over the repetitions, (candidate - baseline) / "
      "baseline, so left of 0 is faster. Green and red: the U test finds a significant "
      "difference at alpha {:g}. Grey: no significant difference. Light grey: not tested, "
      "with fewer than {} repetitions a side. p is the U test's p-value for real time; "
      "unreliable marks a test on fewer than {} repetitions a side.",
      comparison.alpha, kMinUTestRepetitions, kRecommendedUTestRepetitions);
  return spec;
}

ChangeChartSpec gate_change_spec(const GateReport& report) {
  ChangeChartSpec spec;
  spec.title = report.exact_counts ? "Change of the instruction count per benchmark"
                                   : "Change of the median time per benchmark";
  for (const GateBenchmark& benchmark : report.benchmarks) {
    ChangeRowSpec row;
    row.name = benchmark.name;
    row.change = benchmark.ratio ? *benchmark.ratio - 1 : std::nan("");
    if (benchmark.ci_low && benchmark.ci_high) {
      row.low = *benchmark.ci_low - 1;
      row.high = *benchmark.ci_high - 1;
    }
    if (!benchmark.threshold.ignored) {
      row.threshold = benchmark.threshold.max_regression;
    }
    row.css_class = to_string(benchmark.verdict);
    row.value_text =
        fmt::format("{} {}", format_gate_change(benchmark.ratio), to_string(benchmark.verdict));
    row.tooltip = fmt::format("{}: {}, {}; threshold {}; p (Holm) {}. {}", benchmark.name,
                              format_gate_change(benchmark.ratio), to_string(benchmark.verdict),
                              format_gate_threshold(benchmark),
                              format_gate_p_value(benchmark.holm_p_value), benchmark.reason);
    spec.rows.push_back(std::move(row));
  }

  spec.caption =
      report.exact_counts
          ? "Bars: change of the instruction count per op, candidate against baseline. The "
            "dashed red tick marks each benchmark's threshold; counts repeat exactly, so a bar "
            "beyond it is a regression."
          : "Bars: change of the median, candidate against baseline, with the 95% interval of "
            "that change as a whisker. The dashed red tick marks each benchmark's threshold. "
            "Red: regression; amber with a dashed outline: inconclusive, too few repetitions "
            "or too much noise to decide; green: pass; light grey: ignored.";
  return spec;
}

}  // namespace paybench::reports
