// Comparisons of a candidate against a baseline: one variant against another, or one
// allocator against another, over the repetitions of each benchmark instance.
#pragma once

#include <string>
#include <vector>

#include "paybench/reports/result.h"

namespace paybench::reports {

// Differences under 1% are below what repeated runs reproduce on a shared 2-core machine, where
// single-thread benchmarks show a coefficient of variation of 0.5-1.1%. So an interval must
// clear 1 +- kNoiseThreshold before a comparison calls the candidate faster or slower.
inline constexpr double kNoiseThreshold = 0.01;

// Confidence level of every comparison's interval.
inline constexpr double kComparisonConfidence = 0.95;

// Returns faster when ci_high < 1 - kNoiseThreshold, slower when ci_low > 1 + kNoiseThreshold,
// and no difference otherwise. The interval is of candidate time / baseline time.
Verdict verdict_for_interval(double ci_low, double ci_high);

// A workload's declared comparison of one variant against its baseline variant.
struct ComparisonRequest {
  std::string family;
  std::string workload;
  std::string baseline_variant;
  std::string candidate_variant;
};

// Compares, for each request, every baseline instance of the workload with the candidate
// instance that has equal params, threads and allocator. The metric is real_time over the
// non-error iteration runs; the candidate's times are converted to the baseline's time unit.
// The result carries the ratio of medians (candidate / baseline), its percentile-bootstrap
// interval (kComparisonConfidence, default resamples and seed) and its verdict.
//
// An instance pair yields no comparison when a side has fewer than 2 usable samples or a
// sample that is not a finite time > 0. Comparisons come in request order, then in the order
// of the baseline instances in `runs`.
//
// With `exact_counts` (instruction counts, which do not vary between runs) one sample a side
// is enough: the ratio is that of the medians, the interval is the ratio itself, and the
// metric is "instructions".
std::vector<Comparison> compute_comparisons(const std::vector<BenchmarkRun>& runs,
                                            const std::vector<ComparisonRequest>& requests,
                                            bool exact_counts = false);

// Compares each allocator against `baseline_allocator` when `runs` span several allocators:
// for every (family, workload, variant, params, threads) instance run under the baseline
// allocator, each run of the same instance under another allocator becomes a comparison with
// baseline == candidate variant and differing baseline_allocator and candidate_allocator.
// Sampling, interval and verdict are as in compute_comparisons.
//
// Returns no comparisons when the runs use fewer than two allocators. Throws
// std::invalid_argument when they use several but none is `baseline_allocator`.
std::vector<Comparison> compute_allocator_comparisons(const std::vector<BenchmarkRun>& runs,
                                                      const std::string& baseline_allocator);

}  // namespace paybench::reports
