// Comparison of two results, benchmark by benchmark, with the statistics of Google Benchmark's
// compare.py (tools/gbench/report.py): the relative change of every pair of measurements, a
// Mann-Whitney U test over the repetitions and the geometric mean over all benchmarks.
//
// Unlike comparisons.h, which compares variants within one run, this compares runs: a
// baseline (before a change) against a candidate (after it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "paybench/reports/family_filter.h"
#include "paybench/reports/mann_whitney.h"
#include "paybench/reports/result.h"

namespace paybench::reports {

// compare.py's default significance level (its --alpha).
inline constexpr double kDefaultSignificanceLevel = 0.05;

// compare.py runs the U test when both sides have at least kMinUTestRepetitions values, and
// warns that the result is unreliable below kRecommendedUTestRepetitions.
inline constexpr int kMinUTestRepetitions = 2;
inline constexpr int kRecommendedUTestRepetitions = 9;

// The name of compare.py's row with the geometric means.
inline constexpr const char* kOverallGeomeanName = "OVERALL_GEOMEAN";

struct RunComparisonOptions {
  // What reports call each side, usually the file it was read from.
  std::string baseline_label = "baseline";
  std::string candidate_label = "candidate";
  // A p-value below it makes a difference significant. Must be in (0, 1).
  double alpha = kDefaultSignificanceLevel;
  // Compare one family with another instead of benchmarks of the same name.
  std::optional<FamilyFilter> family_filter;
};

// Returns (new - old) / |old|, compare.py's change: -0.5 is twice as fast, +1.0 twice as slow.
// When old is 0 it returns 0 if new is 0 too, else (new - old) / mean(old, new).
double relative_change(double old_value, double new_value);

// The i-th value of a benchmark in the baseline against its i-th value in the candidate.
// Times are in the benchmark's time unit. A percentage aggregate (cv) stores fractions, such
// as 0.02 for 2%.
struct MeasurementChange {
  double baseline_real_time = 0;
  double candidate_real_time = 0;
  double real_time_change = 0;  // relative_change(baseline_real_time, candidate_real_time)
  double baseline_cpu_time = 0;
  double candidate_cpu_time = 0;
  double cpu_time_change = 0;
};

// The U test of one benchmark over all its values on each side, for real and for CPU time.
struct UTest {
  MannWhitneyResult real_time;
  MannWhitneyResult cpu_time;
  int baseline_repetitions = 0;
  int candidate_repetitions = 0;
  // Both sides have at least kRecommendedUTestRepetitions values.
  bool has_recommended_repetitions = false;
  // p-value < alpha: the two sides differ in that time, at significance level alpha.
  bool real_time_significant = false;
  bool cpu_time_significant = false;
};

// One benchmark name present on both sides: its values paired in file order.
struct BenchmarkDifference {
  std::string name;   // after the family filter's replacement, if any
  // The run_name of the baseline's first value, after the same replacement: the benchmark
  // that this row's repetitions or aggregate belong to. "BM_x" and "BM_x_mean" share it.
  std::string benchmark_name;
  std::string label;  // of the baseline's first value
  RunType run_type = RunType::kIteration;
  std::string aggregate_name;  // aggregates only
  std::string aggregate_unit;  // "time" or "percentage", aggregates only
  // The unit of the baseline's first value. Values in other units are left out.
  std::string time_unit;
  // Both results count instructions (see Context::measure): the "times" are instructions per
  // op, whatever time_unit says.
  bool counts_instructions = false;
  // One entry per pair: as many as the smaller side has values.
  std::vector<MeasurementChange> measurements;
  // Missing when a side has fewer than kMinUTestRepetitions values or a time is NaN.
  std::optional<UTest> u_test;

  bool is_percentage() const { return aggregate_unit == "percentage"; }
};

// compare.py's OVERALL_GEOMEAN row: the geometric mean of every non-aggregate value of a side
// (all its benchmarks, compared or not, except failed ones), in seconds.
struct GeomeanDifference {
  double baseline_real_time_s = 0;
  double candidate_real_time_s = 0;
  double real_time_change = 0;
  double baseline_cpu_time_s = 0;
  double candidate_cpu_time_s = 0;
  double cpu_time_change = 0;
};

enum class ComparisonSide { kBaseline, kCandidate };

// Runs of one benchmark that failed (error_occurred). They are never compared.
struct FailedBenchmark {
  ComparisonSide side = ComparisonSide::kBaseline;
  std::string name;           // as in the file, before any replacement
  std::string error_message;  // of the first failed run
  int failed_runs = 0;
};

// Values of a compared benchmark left out because their time unit differs from the unit of
// the baseline's first value, as compare.py leaves them out.
struct TimeUnitMismatch {
  std::string name;
  std::string time_unit;        // the unit that was compared
  std::string other_time_unit;  // the first unit that was left out
  int baseline_skipped = 0;
  int candidate_skipped = 0;
};

struct RunComparison {
  std::string baseline_label;
  std::string candidate_label;
  Context baseline_context;
  Context candidate_context;
  double alpha = kDefaultSignificanceLevel;
  std::optional<FamilyFilter> family_filter;

  // In the order compare.py prints them: by family index, instance index, iterations before
  // aggregates and repetition index of the baseline's first value, otherwise in the baseline's
  // order.
  std::vector<BenchmarkDifference> benchmarks;
  // Missing when a side has no value that is not an aggregate, or all its geometric means
  // are 0.
  std::optional<GeomeanDifference> overall_geomean;

  std::vector<FailedBenchmark> failures;
  std::vector<TimeUnitMismatch> time_unit_mismatches;
  // Names on one side only, in file order, after any family filter. BigO and RMS aggregates,
  // which carry no times, are not counted.
  std::vector<std::string> only_in_baseline;
  std::vector<std::string> only_in_candidate;
};

// Compares `candidate` with `baseline` as compare.py does:
// - Values pair up by name (after the family filter, if any), in the time unit of the
//   baseline's first value of that name. The i-th value on one side is compared with the i-th
//   on the other, up to the shorter side. Iterations and aggregates are both compared.
// - A benchmark with at least kMinUTestRepetitions values a side gets a U test over all of
//   them (compare.py's SciPy call). A p-value of 0 is kept, as compare.py keeps it since
//   January 2024. The report.py of Debian's libbenchmark-tools 1.7.1 drops the test then.
// - The geometric means cover every non-aggregate value of each side.
// Where paybench differs, on purpose: failed runs are reported, not compared and left out of
// the geometric mean (compare.py compares their times of 0), and BigO and RMS aggregates, which
// compare.py skips for lack of times, are left out too.
//
// NOTE: compare.py's command line sorts each file before pairing (family, instance,
// iterations before aggregates, repetition). Here only the rows are ordered that way, and the
// values of one name keep their file order, as report.py's own tests pair them. Both pair
// alike when a name's values are all iterations in repetition order or one aggregate, as
// Google Benchmark and paybench write them. They differ for report.py's test3 inputs, where
// one name mixes iterations and aggregates.
//
// Throws std::invalid_argument when options.alpha is not in (0, 1).
RunComparison compare_runs(const Result& baseline, const Result& candidate,
                           const RunComparisonOptions& options = {});

// Returns how many benchmarks were compared: the distinct benchmark_name values of the rows,
// so that the repetitions and aggregates (mean, median, ...) of one benchmark count once.
std::size_t count_compared_benchmarks(const RunComparison& comparison);

const char* to_string(ComparisonSide side);

}  // namespace paybench::reports
