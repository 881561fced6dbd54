// The verdict of `paybench gate`: whether a candidate result regressed against a baseline, in
// a way that a CI job can branch on without crying wolf on a noisy machine.
//
// Times: a benchmark regresses only when four things hold. Its median got slower than its
// threshold allows; the 95% bootstrap interval of candidate / baseline median lies above 1;
// its two-sided Mann-Whitney U test stays significant at alpha after a Holm correction over
// every tested benchmark; and the slowdown is at least the threshold's floor. It passes when
// even the upper end of the interval stays within the threshold (or below the floor). Anything
// between is inconclusive, never a silent pass: too few repetitions, or too much noise.
//
// Instruction counts (both results from `run --measure instructions`): counts repeat exactly,
// so the ratio decides alone: a regression when it exceeds the threshold and the floor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "paybench/reports/gate_thresholds.h"
#include "paybench/reports/result.h"

namespace paybench::reports {

enum class GateVerdict { kPass, kRegression, kInconclusive, kIgnored };

struct GateOptions {
  GateThresholds thresholds;
  double alpha = 0.05;  // for the Holm-corrected U tests; in (0, 1)
  std::string baseline_label = "baseline";
  std::string candidate_label = "candidate";
};

struct GateBenchmark {
  std::string name;  // the run name, shared by both results
  GateVerdict verdict = GateVerdict::kInconclusive;
  std::string reason;  // one sentence: why this verdict
  BenchmarkThreshold threshold;
  // Medians of real_time over the repetitions, in ns (or instructions per op).
  double baseline_median = 0;
  double candidate_median = 0;
  int baseline_repetitions = 0;
  int candidate_repetitions = 0;
  // candidate / baseline median, and its 95% interval (the ratio itself for exact counts).
  std::optional<double> ratio;
  std::optional<double> ci_low;
  std::optional<double> ci_high;
  std::optional<double> p_value;       // two-sided U test, before correction
  std::optional<double> holm_p_value;  // after the Holm correction over the suite
};

struct GateReport {
  std::string baseline_label;
  std::string candidate_label;
  Context baseline_context;
  Context candidate_context;
  bool exact_counts = false;  // both results count instructions
  double alpha = 0.05;
  std::vector<GateBenchmark> benchmarks;  // in the baseline's order
  // Benchmarks on one side only, and benchmarks that failed on a side: listed, never judged.
  std::vector<std::string> only_in_baseline;
  std::vector<std::string> only_in_candidate;
  std::vector<std::string> failed;
  // Patterns of the thresholds file that no judged benchmark matched (a typo is the usual
  // cause), in file order. A pattern hidden by an earlier matching one counts as unused too.
  std::vector<std::string> unused_patterns;

  // kRegression when any benchmark regressed, else kInconclusive when any is inconclusive,
  // else kPass.
  GateVerdict overall() const;
  int count(GateVerdict verdict) const;
};

// Holm's step-down correction of `p_values` for testing them all at once: the i-th smallest
// is multiplied by (n - i + 1), made non-decreasing in that order and capped at 1. Returns the
// adjusted values in the input order.
std::vector<double> holm_adjust(const std::vector<double>& p_values);

// Judges every benchmark of `candidate` that `baseline` has too, by run name over the
// repetitions (iteration runs without error). Throws InputError naming both labels when the
// results have no benchmark in common, when one counts instructions and the other times, or
// when both count instructions over different iteration counts.
GateReport evaluate_gate(const Result& baseline, const Result& candidate,
                         const GateOptions& options);

const char* to_string(GateVerdict verdict);

}  // namespace paybench::reports
