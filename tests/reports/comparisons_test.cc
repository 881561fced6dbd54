#include "paybench/reports/comparisons.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace paybench::reports {
namespace {

struct RunSpec {
  std::string variant;
  std::map<std::string, std::int64_t> params = {};
  std::int64_t threads = 1;
  std::string allocator = "glibc";
  std::string time_unit = "ns";
};

// Repetitions with fixed times (no randomness), in the spec's unit.
std::vector<BenchmarkRun> repetitions(const RunSpec& spec, const std::vector<double>& times) {
  std::vector<BenchmarkRun> runs;
  std::string run_name = "pool/get_put/" + spec.variant;
  for (const auto& [key, value] : spec.params) {
    run_name += "/" + key + ":" + std::to_string(value);
  }
  run_name += "/threads:" + std::to_string(spec.threads);
  for (std::size_t i = 0; i < times.size(); ++i) {
    BenchmarkRun run;
    run.name = run_name;
    run.run_name = run_name;
    run.repetitions = static_cast<std::int64_t>(times.size());
    run.repetition_index = static_cast<std::int64_t>(i);
    run.threads = spec.threads;
    run.real_time = times[i];
    run.cpu_time = times[i];
    run.time_unit = spec.time_unit;
    run.family = "pool";
    run.workload = "get_put";
    run.variant = spec.variant;
    run.params = spec.params;
    run.allocator = spec.allocator;
    runs.push_back(run);
  }
  return runs;
}

void append(std::vector<BenchmarkRun>& runs, const std::vector<BenchmarkRun>& more) {
  runs.insert(runs.end(), more.begin(), more.end());
}

const std::vector<double> kAround100 = {99, 100, 101, 100.5, 99.5, 100.2, 99.8, 100.1};
const std::vector<double> kAround50 = {49.5, 50, 50.5, 50.2, 49.8, 50.1, 49.9, 50.3};
const std::vector<double> kAround120 = {119, 120, 121, 120.5, 119.5, 120.2, 119.8, 120.1};

const std::vector<ComparisonRequest> kPoolRequest = {{"pool", "get_put", "malloc", "free_list"}};

TEST(VerdictForInterval, Thresholds) {
  EXPECT_EQ(verdict_for_interval(0.5, 0.98), Verdict::kFaster);
  EXPECT_EQ(verdict_for_interval(0.5, 1 - kNoiseThreshold), Verdict::kNoDifference);
  EXPECT_EQ(verdict_for_interval(0.985, 0.995), Verdict::kNoDifference);
  EXPECT_EQ(verdict_for_interval(0.95, 1.05), Verdict::kNoDifference);
  EXPECT_EQ(verdict_for_interval(1 + kNoiseThreshold, 1.5), Verdict::kNoDifference);
  EXPECT_EQ(verdict_for_interval(1.02, 1.5), Verdict::kSlower);
}

TEST(ComputeComparisons, FasterCandidate) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc", {{"size", 256}}}, kAround100));
  append(runs, repetitions({"free_list", {{"size", 256}}}, kAround50));

  const std::vector<Comparison> comparisons = compute_comparisons(runs, kPoolRequest);

  ASSERT_EQ(comparisons.size(), 1u);
  const Comparison& comparison = comparisons[0];
  EXPECT_EQ(comparison.family, "pool");
  EXPECT_EQ(comparison.workload, "get_put");
  EXPECT_EQ(comparison.baseline, "malloc");
  EXPECT_EQ(comparison.candidate, "free_list");
  EXPECT_EQ(comparison.baseline_run_name, "pool/get_put/malloc/size:256/threads:1");
  EXPECT_EQ(comparison.candidate_run_name, "pool/get_put/free_list/size:256/threads:1");
  EXPECT_EQ(comparison.params, (std::map<std::string, std::int64_t>{{"size", 256}}));
  EXPECT_EQ(comparison.threads, 1);
  EXPECT_EQ(comparison.baseline_allocator, "glibc");
  EXPECT_EQ(comparison.candidate_allocator, "glibc");
  EXPECT_EQ(comparison.metric, "real_time");
  EXPECT_EQ(comparison.time_unit, "ns");
  EXPECT_DOUBLE_EQ(comparison.baseline_median, 100.05);
  EXPECT_DOUBLE_EQ(comparison.candidate_median, 50.05);
  EXPECT_DOUBLE_EQ(comparison.ratio, 50.05 / 100.05);
  EXPECT_LT(comparison.ci_low, comparison.ratio);
  EXPECT_GT(comparison.ci_high, comparison.ratio);
  EXPECT_LT(comparison.ci_high, 0.51);
  EXPECT_EQ(comparison.baseline_samples, 8);
  EXPECT_EQ(comparison.candidate_samples, 8);
  EXPECT_EQ(comparison.verdict, Verdict::kFaster);
}

TEST(ComputeComparisons, SlowerCandidate) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc"}, kAround100));
  append(runs, repetitions({"free_list"}, kAround120));

  const std::vector<Comparison> comparisons = compute_comparisons(runs, kPoolRequest);

  ASSERT_EQ(comparisons.size(), 1u);
  EXPECT_EQ(comparisons[0].verdict, Verdict::kSlower);
  EXPECT_GT(comparisons[0].ci_low, 1.15);
}

TEST(ComputeComparisons, EqualTimesAreNoDifference) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc"}, kAround100));
  append(runs, repetitions({"free_list"}, kAround100));

  const std::vector<Comparison> comparisons = compute_comparisons(runs, kPoolRequest);

  ASSERT_EQ(comparisons.size(), 1u);
  EXPECT_EQ(comparisons[0].ratio, 1);
  EXPECT_EQ(comparisons[0].verdict, Verdict::kNoDifference);
}

TEST(ComputeComparisons, PairsOnlyEqualParamsAndThreads) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc", {{"size", 256}}}, kAround100));
  append(runs, repetitions({"malloc", {{"size", 4096}}}, kAround100));
  append(runs, repetitions({"malloc", {{"size", 256}}, 2}, kAround100));
  append(runs, repetitions({"free_list", {{"size", 4096}}}, kAround50));
  append(runs, repetitions({"free_list", {{"size", 256}}}, kAround120));

  const std::vector<Comparison> comparisons = compute_comparisons(runs, kPoolRequest);

  // The 2-thread baseline has no candidate.
  ASSERT_EQ(comparisons.size(), 2u);
  EXPECT_EQ(comparisons[0].params.at("size"), 256);
  EXPECT_EQ(comparisons[0].verdict, Verdict::kSlower);
  EXPECT_EQ(comparisons[1].params.at("size"), 4096);
  EXPECT_EQ(comparisons[1].verdict, Verdict::kFaster);
}

TEST(ComputeComparisons, ConvertsCandidateTimeUnit) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc"}, kAround100));
  std::vector<double> microseconds;
  for (double nanoseconds : kAround50) {
    microseconds.push_back(nanoseconds / 1000);
  }
  append(runs, repetitions({.variant = "free_list", .time_unit = "us"}, microseconds));

  const std::vector<Comparison> comparisons = compute_comparisons(runs, kPoolRequest);

  ASSERT_EQ(comparisons.size(), 1u);
  EXPECT_EQ(comparisons[0].time_unit, "ns");
  EXPECT_NEAR(comparisons[0].candidate_median, 50.05, 1e-9);
  EXPECT_NEAR(comparisons[0].ratio, 50.05 / 100.05, 1e-12);
}

TEST(ComputeComparisons, IgnoresErrorsAndAggregates) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc"}, kAround100));
  std::vector<BenchmarkRun> candidate = repetitions({"free_list"}, kAround50);
  for (std::size_t i = 1; i < candidate.size(); ++i) {
    candidate[i].error_occurred = true;
    candidate[i].error_message = "out of memory";
  }
  BenchmarkRun aggregate = candidate[0];
  aggregate.run_type = RunType::kAggregate;
  aggregate.aggregate_name = "mean";
  candidate.push_back(aggregate);
  append(runs, candidate);

  // One usable candidate repetition is too few for an interval.
  EXPECT_TRUE(compute_comparisons(runs, kPoolRequest).empty());
}

TEST(ComputeComparisons, SingleRepetitionGivesNoComparison) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc"}, {100}));
  append(runs, repetitions({"free_list"}, {50}));

  EXPECT_TRUE(compute_comparisons(runs, kPoolRequest).empty());
}

TEST(ComputeComparisons, OtherWorkloadIsNotCompared) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc"}, kAround100));
  append(runs, repetitions({"free_list"}, kAround50));

  const std::vector<ComparisonRequest> requests = {{"pool", "fill_drain", "malloc", "free_list"}};

  EXPECT_TRUE(compute_comparisons(runs, requests).empty());
}

TEST(ComputeAllocatorComparisons, EachAllocatorAgainstBaseline) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({.variant = "malloc", .allocator = "glibc"}, kAround100));
  append(runs, repetitions({.variant = "malloc", .allocator = "jemalloc"}, kAround50));
  append(runs, repetitions({.variant = "malloc", .allocator = "tcmalloc"}, kAround120));
  append(runs, repetitions({.variant = "free_list", .allocator = "glibc"}, kAround50));
  append(runs, repetitions({.variant = "free_list", .allocator = "jemalloc"}, kAround50));

  const std::vector<Comparison> comparisons = compute_allocator_comparisons(runs, "glibc");

  ASSERT_EQ(comparisons.size(), 3u);
  EXPECT_EQ(comparisons[0].baseline, "malloc");
  EXPECT_EQ(comparisons[0].candidate, "malloc");
  EXPECT_EQ(comparisons[0].baseline_allocator, "glibc");
  EXPECT_EQ(comparisons[0].candidate_allocator, "jemalloc");
  EXPECT_EQ(comparisons[0].verdict, Verdict::kFaster);
  EXPECT_EQ(comparisons[1].candidate_allocator, "tcmalloc");
  EXPECT_EQ(comparisons[1].verdict, Verdict::kSlower);
  EXPECT_EQ(comparisons[2].baseline, "free_list");
  EXPECT_EQ(comparisons[2].candidate_allocator, "jemalloc");
  EXPECT_EQ(comparisons[2].verdict, Verdict::kNoDifference);
}

TEST(ComputeAllocatorComparisons, SingleAllocatorGivesNone) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({"malloc"}, kAround100));
  append(runs, repetitions({"free_list"}, kAround50));

  EXPECT_TRUE(compute_allocator_comparisons(runs, "glibc").empty());
}

TEST(ComputeAllocatorComparisons, UnknownBaselineAllocatorThrows) {
  std::vector<BenchmarkRun> runs;
  append(runs, repetitions({.variant = "malloc", .allocator = "jemalloc"}, kAround100));
  append(runs, repetitions({.variant = "malloc", .allocator = "tcmalloc"}, kAround50));

  try {
    compute_allocator_comparisons(runs, "glibc");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("jemalloc, tcmalloc"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace paybench::reports
