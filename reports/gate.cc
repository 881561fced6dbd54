#include "paybench/reports/gate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "paybench/reports/formatting.h"
#include "paybench/reports/mann_whitney.h"
#include "paybench/reports/statistics.h"

namespace paybench::reports {
namespace {

// Confidence of the bootstrap interval of the ratio.
constexpr double kIntervalConfidence = 0.95;

// The repetitions of one benchmark in one result.
struct Samples {
  std::vector<double> values;  // real_time in ns, or instructions per op
  bool failed = false;
};

struct Collected {
  std::vector<std::string> order;  // run names in file order
  std::map<std::string, Samples> by_name;
};

Collected collect(const Result& result, bool exact_counts) {
  Collected collected;
  for (const BenchmarkRun& run : result.benchmarks) {
    if (run.run_type != RunType::kIteration) continue;
    auto [entry, inserted] = collected.by_name.try_emplace(run.run_name);
    if (inserted) collected.order.push_back(run.run_name);
    if (run.error_occurred) {
      entry->second.failed = true;
      continue;
    }
    entry->second.values.push_back(exact_counts ? run.real_time
                                                : convert_time(run.real_time, run.time_unit, "ns"));
  }
  return collected;
}

bool usable(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](double value) { return std::isfinite(value) && value > 0; });
}

std::string percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100); }

// Changes smaller than this show as "no change": they round to 0.0%.
constexpr double kUnchanged = 0.0005;

std::string change_text(double ratio) {
  const double change = ratio - 1;
  if (std::fabs(change) < kUnchanged) return "no change";
  return change > 0 ? percent(change) + " slower" : percent(-change) + " faster";
}

std::string instruction_change_text(double ratio) {
  const double change = ratio - 1;
  if (std::fabs(change) < kUnchanged) return "no change in instructions per op";
  return percent(std::fabs(change)) + (change > 0 ? " more" : " fewer") + " instructions per op";
}

// Returns the smallest two-sided p-value that the exact U test can give for samples of `m`
// and `n` distinct values: 2 / C(m + n, m), both extreme orderings over all of them.
double smallest_u_test_p(int m, int n) {
  double orderings = 1;
  for (int i = 1; i <= m; ++i) orderings = orderings * (n + i) / i;
  return std::min(1.0, 2 / orderings);
}

// Judges an instruction count, which repeats exactly: the ratio decides.
void judge_exact(GateBenchmark& benchmark) {
  const double ratio = benchmark.candidate_median / benchmark.baseline_median;
  benchmark.ratio = ratio;
  benchmark.ci_low = ratio;
  benchmark.ci_high = ratio;

  const double delta = benchmark.candidate_median - benchmark.baseline_median;
  const bool beyond_threshold = ratio - 1 > benchmark.threshold.max_regression;
  const bool beyond_floor = delta >= benchmark.threshold.min_delta;
  if (beyond_threshold && beyond_floor) {
    benchmark.verdict = GateVerdict::kRegression;
    benchmark.reason =
        fmt::format("{}, {} more than the {} allowed", instruction_change_text(ratio),
                    percent(ratio - 1 - benchmark.threshold.max_regression),
                    percent(benchmark.threshold.max_regression));
    return;
  }
  benchmark.verdict = GateVerdict::kPass;
  benchmark.reason =
      beyond_threshold
          ? fmt::format("{}, but by {:.1f}, under the floor of {:g} instructions",
                        instruction_change_text(ratio), delta, benchmark.threshold.min_delta)
          : fmt::format("{}, within {}", instruction_change_text(ratio),
                        percent(benchmark.threshold.max_regression));
}

// Judges times once the U tests of the whole suite, `tested` of them, are corrected.
void judge_times(GateBenchmark& benchmark, double alpha, std::size_t tested) {
  const double ratio = *benchmark.ratio;
  const double low = *benchmark.ci_low;
  const double high = *benchmark.ci_high;
  const double max_regression = benchmark.threshold.max_regression;
  const double worst_delta_ns = (high - 1) * benchmark.baseline_median;
  const double delta_ns = benchmark.candidate_median - benchmark.baseline_median;
  const std::string interval = fmt::format("[{:.3f}, {:.3f}]", low, high);

  const bool within_threshold = high <= 1 + max_regression;
  const bool below_floor = worst_delta_ns < benchmark.threshold.min_delta;
  if (within_threshold || below_floor) {
    benchmark.verdict = GateVerdict::kPass;
    benchmark.reason =
        within_threshold
            ? fmt::format("{}; the 95% interval {} stays within {}", change_text(ratio), interval,
                          percent(max_regression))
            : fmt::format("{}; at worst {:.2f} ns per op, under the floor of {:g} ns",
                          change_text(ratio), worst_delta_ns, benchmark.threshold.min_delta);
    return;
  }

  const bool beyond_threshold = ratio - 1 > max_regression;
  const bool interval_excludes_one = low > 1;
  const bool significant = *benchmark.holm_p_value < alpha;
  const bool beyond_floor = delta_ns >= benchmark.threshold.min_delta;
  if (beyond_threshold && interval_excludes_one && significant && beyond_floor) {
    benchmark.verdict = GateVerdict::kRegression;
    benchmark.reason =
        fmt::format("{} (threshold {}); 95% interval {}, Holm-corrected p = {:.4g}",
                    change_text(ratio), percent(max_regression), interval, *benchmark.holm_p_value);
    return;
  }

  benchmark.verdict = GateVerdict::kInconclusive;
  if (!beyond_threshold) {
    benchmark.reason = fmt::format(
        "{}, but the 95% interval {} reaches beyond {}: too noisy to rule out a regression; "
        "more repetitions narrow it",
        change_text(ratio), interval, percent(max_regression));
  } else if (!interval_excludes_one) {
    benchmark.reason =
        fmt::format("{}, but the 95% interval {} includes no change", change_text(ratio), interval);
  } else if (!significant) {
    benchmark.reason = fmt::format(
        "{}, but the U test is not significant after the Holm correction (p = {:.4g}, alpha {:g})",
        change_text(ratio), *benchmark.holm_p_value, alpha);
    const double best_p = smallest_u_test_p(benchmark.baseline_repetitions,
                                            benchmark.candidate_repetitions) *
                          static_cast<double>(tested);
    if (best_p >= alpha) {
      benchmark.reason += fmt::format(
          ". With {} and {} repetitions no U test over {} benchmarks can get below p = {:.3g}: "
          "measure with 9 or more repetitions",
          benchmark.baseline_repetitions, benchmark.candidate_repetitions, tested, best_p);
    }
  } else {
    benchmark.reason = fmt::format("{}, but by {:.2f} ns per op, under the floor of {:g} ns",
                                   change_text(ratio), delta_ns, benchmark.threshold.min_delta);
  }
}

}  // namespace

GateVerdict GateReport::overall() const {
  if (count(GateVerdict::kRegression) > 0) return GateVerdict::kRegression;
  if (count(GateVerdict::kInconclusive) > 0) return GateVerdict::kInconclusive;
  return GateVerdict::kPass;
}

int GateReport::count(GateVerdict verdict) const {
  return static_cast<int>(std::count_if(benchmarks.begin(), benchmarks.end(),
                                        [verdict](const auto& b) { return b.verdict == verdict; }));
}

std::vector<double> holm_adjust(const std::vector<double>& p_values) {
  const std::size_t count = p_values.size();
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });

  std::vector<double> adjusted(count);
  double running_max = 0;
  for (std::size_t rank = 0; rank < count; ++rank) {
    const std::size_t index = order[rank];
    const double scaled = p_values[index] * static_cast<double>(count - rank);
    running_max = std::max(running_max, std::min(scaled, 1.0));
    adjusted[index] = running_max;
  }
  return adjusted;
}

GateReport evaluate_gate(const Result& baseline, const Result& candidate,
                         const GateOptions& options) {
  GateReport report;
  report.baseline_label = options.baseline_label;
  report.candidate_label = options.candidate_label;
  report.baseline_context = baseline.context;
  report.candidate_context = candidate.context;
  report.alpha = options.alpha;

  const bool baseline_counts = baseline.context.counts_instructions();
  const bool candidate_counts = candidate.context.counts_instructions();
  if (baseline_counts != candidate_counts) {
    const std::string& counting =
        baseline_counts ? options.baseline_label : options.candidate_label;
    const std::string& timing = baseline_counts ? options.candidate_label : options.baseline_label;
    throw InputError(counting, "context.measure",
                     "counts instructions while " + timing +
                         " holds times; gate two results of the same --measure");
  }
  report.exact_counts = baseline_counts;
  const bool same_iterations =
      baseline.context.instruction_iterations == candidate.context.instruction_iterations;
  if (report.exact_counts && !same_iterations) {
    throw InputError(options.candidate_label, "context.instruction_iterations",
                     fmt::format("counted {} iterations per benchmark where {} counted {}; per-op "
                                 "counts include setup spread over the iterations, so count both "
                                 "with the same --iterations",
                                 candidate.context.instruction_iterations, options.baseline_label,
                                 baseline.context.instruction_iterations));
  }

  const Collected before = collect(baseline, report.exact_counts);
  const Collected after = collect(candidate, report.exact_counts);
  for (const std::string& name : after.order) {
    if (!before.by_name.contains(name)) report.only_in_candidate.push_back(name);
  }

  std::vector<std::size_t> tested;  // indexes of benchmarks with a U test
  std::vector<double> p_values;
  for (const std::string& name : before.order) {
    const auto found = after.by_name.find(name);
    if (found == after.by_name.end()) {
      report.only_in_baseline.push_back(name);
      continue;
    }
    const Samples& old_samples = before.by_name.at(name);
    const Samples& new_samples = found->second;
    if (old_samples.failed || new_samples.failed) {
      report.failed.push_back(name);
      continue;
    }

    GateBenchmark& benchmark = report.benchmarks.emplace_back();
    benchmark.name = name;
    benchmark.threshold = options.thresholds.for_benchmark(name);
    benchmark.baseline_repetitions = static_cast<int>(old_samples.values.size());
    benchmark.candidate_repetitions = static_cast<int>(new_samples.values.size());
    const bool has_values = !old_samples.values.empty() && !new_samples.values.empty() &&
                            usable(old_samples.values) && usable(new_samples.values);
    if (has_values) {
      benchmark.baseline_median = median(old_samples.values);
      benchmark.candidate_median = median(new_samples.values);
    }

    if (benchmark.threshold.ignored) {
      benchmark.verdict = GateVerdict::kIgnored;
      benchmark.reason = "ignored by the thresholds file's pattern " + benchmark.threshold.pattern;
      continue;
    }
    if (!has_values) {
      benchmark.verdict = GateVerdict::kInconclusive;
      benchmark.reason = "no usable value on a side: times must be finite and above 0";
      continue;
    }
    if (report.exact_counts) {
      judge_exact(benchmark);
      continue;
    }

    const bool enough = benchmark.baseline_repetitions >= 2 && benchmark.candidate_repetitions >= 2;
    if (!enough) {
      benchmark.verdict = GateVerdict::kInconclusive;
      benchmark.reason = fmt::format(
          "needs at least 2 repetitions a side to test, has {} and {}: run with --repetitions 9 "
          "(or --measure instructions)",
          benchmark.baseline_repetitions, benchmark.candidate_repetitions);
      continue;
    }
    const RatioInterval interval =
        bootstrap_ratio_of_medians(old_samples.values, new_samples.values, kIntervalConfidence);
    benchmark.ratio = interval.ratio;
    benchmark.ci_low = interval.low;
    benchmark.ci_high = interval.high;
    benchmark.p_value = mann_whitney_u_test(old_samples.values, new_samples.values).p_value;
    tested.push_back(report.benchmarks.size() - 1);
    p_values.push_back(*benchmark.p_value);
  }

  const std::vector<double> adjusted = holm_adjust(p_values);
  for (std::size_t i = 0; i < tested.size(); ++i) {
    GateBenchmark& benchmark = report.benchmarks[tested[i]];
    benchmark.holm_p_value = adjusted[i];
    judge_times(benchmark, options.alpha, tested.size());
  }

  for (const ThresholdOverride& entry : options.thresholds.overrides) {
    const bool used = std::any_of(report.benchmarks.begin(), report.benchmarks.end(),
                                  [&](const GateBenchmark& b) { return b.threshold.pattern == entry.pattern; });
    if (!used) report.unused_patterns.push_back(entry.pattern);
  }

  if (report.benchmarks.empty()) {
    throw InputError(options.candidate_label, "benchmarks",
                     "no benchmark in common with " + options.baseline_label +
                         " (or every common one failed): gate two runs of the same benchmarks");
  }
  return report;
}

const char* to_string(GateVerdict verdict) {
  switch (verdict) {
    case GateVerdict::kPass:
      return "pass";
    case GateVerdict::kRegression:
      return "regression";
    case GateVerdict::kInconclusive:
      return "inconclusive";
    case GateVerdict::kIgnored:
      return "ignored";
  }
  return "unknown";
}

}  // namespace paybench::reports
