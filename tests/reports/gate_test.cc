// The gate's verdicts: regressions that must fail, noise that must not, and the cases in
// between that must say inconclusive; the Holm correction; thresholds files.
#include "paybench/reports/gate.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "paybench/reports/gate_output.h"
#include "paybench/reports/gate_thresholds.h"
#include "paybench/reports/input_error.h"

namespace paybench::reports {
namespace {

constexpr std::uint64_t kNoiseSeed = 20261205;

// Adds one iteration run per time to `result`, named `name`, in ns.
void add_benchmark(Result& result, const std::string& name, const std::vector<double>& times_ns) {
  for (std::size_t i = 0; i < times_ns.size(); ++i) {
    BenchmarkRun run;
    run.name = name;
    run.run_name = name;
    run.repetitions = static_cast<std::int64_t>(times_ns.size());
    run.repetition_index = static_cast<std::int64_t>(i);
    run.real_time = times_ns[i];
    run.cpu_time = times_ns[i];
    run.time_unit = "ns";
    result.benchmarks.push_back(run);
  }
}

// `count` times around `median_ns` with a relative spread of `noise` (uniform).
std::vector<double> noisy_times(double median_ns, double noise, int count, std::mt19937_64& random) {
  std::uniform_real_distribution<double> spread(-noise, noise);
  std::vector<double> times;
  for (int i = 0; i < count; ++i) times.push_back(median_ns * (1 + spread(random)));
  return times;
}

GateBenchmark judged(const GateReport& report, const std::string& name) {
  for (const GateBenchmark& benchmark : report.benchmarks) {
    if (benchmark.name == name) return benchmark;
  }
  ADD_FAILURE() << name << " was not judged";
  return {};
}

TEST(GateTest, CatchesATenPercentRegressionWithNineRepetitions) {
  std::mt19937_64 random(kNoiseSeed);
  Result baseline;
  Result candidate;
  add_benchmark(baseline, "pool/get", noisy_times(100, 0.01, 9, random));
  add_benchmark(candidate, "pool/get", noisy_times(110, 0.01, 9, random));
  add_benchmark(baseline, "pool/put", noisy_times(50, 0.01, 9, random));
  add_benchmark(candidate, "pool/put", noisy_times(50, 0.01, 9, random));

  const GateReport report = evaluate_gate(baseline, candidate, GateOptions{});

  EXPECT_EQ(judged(report, "pool/get").verdict, GateVerdict::kRegression)
      << judged(report, "pool/get").reason;
  EXPECT_EQ(judged(report, "pool/put").verdict, GateVerdict::kPass) << judged(report, "pool/put").reason;
  EXPECT_EQ(report.overall(), GateVerdict::kRegression);
}

TEST(GateTest, PassesTwoSamplesOfTheSameNoise) {
  std::mt19937_64 random(kNoiseSeed);
  Result baseline;
  Result candidate;
  for (const char* name : {"a", "b", "c", "d"}) {
    add_benchmark(baseline, name, noisy_times(200, 0.005, 9, random));
    add_benchmark(candidate, name, noisy_times(200, 0.005, 9, random));
  }
  const GateReport report = evaluate_gate(baseline, candidate, GateOptions{});
  EXPECT_EQ(report.overall(), GateVerdict::kPass) << report.benchmarks[0].reason;
}

TEST(GateTest, CallsTooNoisyDataInconclusive) {
  std::mt19937_64 random(kNoiseSeed);
  Result baseline;
  Result candidate;
  add_benchmark(baseline, "queue", noisy_times(100, 0.40, 9, random));
  add_benchmark(candidate, "queue", noisy_times(100, 0.40, 9, random));
  const GateBenchmark benchmark = judged(evaluate_gate(baseline, candidate, GateOptions{}), "queue");
  EXPECT_EQ(benchmark.verdict, GateVerdict::kInconclusive);
  EXPECT_NE(benchmark.reason.find("95% interval"), std::string::npos) << benchmark.reason;
}

TEST(GateTest, CallsOneRepetitionInconclusive) {
  Result baseline;
  Result candidate;
  add_benchmark(baseline, "single", {100});
  add_benchmark(candidate, "single", {150});
  const GateBenchmark benchmark = judged(evaluate_gate(baseline, candidate, GateOptions{}), "single");
  EXPECT_EQ(benchmark.verdict, GateVerdict::kInconclusive);
  EXPECT_NE(benchmark.reason.find("at least 2 repetitions"), std::string::npos) << benchmark.reason;
}

TEST(GateTest, FloorKeepsTinyBenchmarksFromFailing) {
  Result baseline;
  Result candidate;
  add_benchmark(baseline, "tiny", {2.00, 2.01, 2.00, 2.02, 2.01, 2.00, 2.01, 2.00, 2.01});
  add_benchmark(candidate, "tiny", {2.20, 2.21, 2.20, 2.22, 2.21, 2.20, 2.21, 2.20, 2.21});
  GateOptions options;
  EXPECT_EQ(judged(evaluate_gate(baseline, candidate, options), "tiny").verdict,
            GateVerdict::kRegression);

  options.thresholds.min_delta = 1;
  EXPECT_EQ(judged(evaluate_gate(baseline, candidate, options), "tiny").verdict, GateVerdict::kPass);
}

TEST(GateTest, JudgesInstructionCountsByTheThresholdAlone) {
  Result baseline;
  Result candidate;
  baseline.context.measure = kMeasureInstructions;
  candidate.context.measure = kMeasureInstructions;
  add_benchmark(baseline, "slower", {1000});
  add_benchmark(candidate, "slower", {1030});
  add_benchmark(baseline, "same", {500});
  add_benchmark(candidate, "same", {500});

  GateOptions options;
  options.thresholds.max_regression = 0.02;
  const GateReport report = evaluate_gate(baseline, candidate, options);
  EXPECT_TRUE(report.exact_counts);
  EXPECT_EQ(judged(report, "slower").verdict, GateVerdict::kRegression);
  EXPECT_DOUBLE_EQ(*judged(report, "slower").ratio, 1.03);
  EXPECT_EQ(judged(report, "same").verdict, GateVerdict::kPass);
}

TEST(GateTest, RejectsTimesAgainstInstructionCounts) {
  Result baseline;
  Result candidate;
  candidate.context.measure = kMeasureInstructions;
  add_benchmark(baseline, "x", {1, 2});
  add_benchmark(candidate, "x", {1});
  EXPECT_THROW(evaluate_gate(baseline, candidate, GateOptions{}), InputError);
}

TEST(GateTest, RejectsResultsWithNothingInCommon) {
  Result baseline;
  Result candidate;
  add_benchmark(baseline, "x", {1, 2});
  add_benchmark(candidate, "y", {1, 2});
  EXPECT_THROW(evaluate_gate(baseline, candidate, GateOptions{}), InputError);
}

TEST(GateTest, ListsBenchmarksOnOneSideAndFailures) {
  Result baseline;
  Result candidate;
  add_benchmark(baseline, "both", {1, 1.01});
  add_benchmark(candidate, "both", {1, 1.01});
  add_benchmark(baseline, "old", {1, 1});
  add_benchmark(candidate, "new", {1, 1});
  add_benchmark(baseline, "broken", {1, 1});
  add_benchmark(candidate, "broken", {1, 1});
  candidate.benchmarks.back().error_occurred = true;

  const GateReport report = evaluate_gate(baseline, candidate, GateOptions{});
  EXPECT_EQ(report.only_in_baseline, std::vector<std::string>{"old"});
  EXPECT_EQ(report.only_in_candidate, std::vector<std::string>{"new"});
  EXPECT_EQ(report.failed, std::vector<std::string>{"broken"});
  EXPECT_EQ(report.benchmarks.size(), 1u);
}

TEST(GateTest, HolmCorrectionMatchesTheTextbookExample) {
  // Holm (1979)'s step-down on four p-values, in mixed order: sorted 0.01, 0.02, 0.03, 0.04
  // scale by 4, 3, 2, 1 to 0.04, 0.06, 0.06 (kept non-decreasing), 0.06.
  const std::vector<double> adjusted = holm_adjust({0.03, 0.01, 0.04, 0.02});
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.04);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(holm_adjust({0.5, 0.6})[1], 1.0) << "capped at 1";
}

TEST(GateTest, HolmCorrectionTurnsAWeakSuiteInconclusive) {
  // Five repetitions a side give an exact U test p of at least 2/252; over 20 benchmarks the
  // Holm correction lifts the smallest to 0.16, so no regression is confirmed.
  std::mt19937_64 random(kNoiseSeed);
  Result baseline;
  Result candidate;
  for (int i = 0; i < 20; ++i) {
    const std::string name = "bench" + std::to_string(i);
    add_benchmark(baseline, name, noisy_times(100, 0.01, 5, random));
    add_benchmark(candidate, name, noisy_times(i == 0 ? 120 : 100, 0.01, 5, random));
  }
  const GateBenchmark slowed = judged(evaluate_gate(baseline, candidate, GateOptions{}), "bench0");
  EXPECT_EQ(slowed.verdict, GateVerdict::kInconclusive) << slowed.reason;
  EXPECT_GT(*slowed.holm_p_value, 0.05);
  EXPECT_LT(*slowed.p_value, 0.05);
}

class ThresholdsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("paybench-thresholds-" + std::to_string(::getpid()) + ".json");
  }
  void TearDown() override { std::filesystem::remove(path_); }

  GateThresholds read(const std::string& text) {
    std::ofstream(path_) << text;
    return read_thresholds_file(path_, GateThresholds{});
  }
  std::string error_of(const std::string& text) {
    try {
      read(text);
    } catch (const InputError& error) {
      return error.what();
    }
    return "";
  }

  std::filesystem::path path_;
};

TEST_F(ThresholdsFileTest, AppliesTheFirstMatchingPattern) {
  const GateThresholds thresholds = read(R"({
    "max_regression": "3%",
    "min_delta_ns": 1.5,
    "benchmarks": [
      {"pattern": "queues/*", "max_regression": 15},
      {"pattern": "queues/mutex/*", "max_regression": "1%"},
      {"pattern": "writes/postgres/*", "ignore": true}
    ]})");
  EXPECT_DOUBLE_EQ(thresholds.for_benchmark("memory/pool").max_regression, 0.03);
  EXPECT_DOUBLE_EQ(thresholds.for_benchmark("memory/pool").min_delta, 1.5);
  EXPECT_DOUBLE_EQ(thresholds.for_benchmark("queues/mutex/threads:1").max_regression, 0.15);
  EXPECT_EQ(thresholds.for_benchmark("queues/mutex/threads:1").pattern, "queues/*");
  EXPECT_TRUE(thresholds.for_benchmark("writes/postgres/batch:1").ignored);
}

TEST_F(ThresholdsFileTest, RejectsUnknownKeysAndBadNumbers) {
  EXPECT_NE(error_of(R"({"max_regresion": 5})").find("max_regresion: unknown key"), std::string::npos)
      << error_of(R"({"max_regresion": 5})");
  EXPECT_NE(error_of(R"({"max_regression": "five"})").find("invalid percentage 'five'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"benchmarks": [{"max_regression": 5}]})").find("benchmarks[0].pattern"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"benchmarks": [{"pattern": "x", "ignore": "yes"}]})")
                .find("benchmarks[0].ignore: expected true or false"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"min_delta_ns": -1})").find("min_delta_ns"), std::string::npos);
  EXPECT_NE(error_of("{ not json").find("not JSON"), std::string::npos);
}

TEST(GateThresholdsTest, ParsesPercentagesWithAndWithoutSign) {
  EXPECT_DOUBLE_EQ(parse_percentage("5", "--max-regression"), 0.05);
  EXPECT_DOUBLE_EQ(parse_percentage("5%", "--max-regression"), 0.05);
  EXPECT_DOUBLE_EQ(parse_percentage("2.5%", "--max-regression"), 0.025);
  EXPECT_THROW(parse_percentage("-1", "--max-regression"), InputError);
  EXPECT_THROW(parse_percentage("%", "--max-regression"), InputError);
  EXPECT_THROW(parse_percentage("5%%", "--max-regression"), InputError);
}

TEST(GateTableTest, NamesTheVerdictAndItsReason) {
  Result baseline;
  Result candidate;
  add_benchmark(baseline, "single", {100});
  add_benchmark(candidate, "single", {150});
  const std::string table = render_gate_table(evaluate_gate(baseline, candidate, GateOptions{}), false);
  EXPECT_NE(table.find("inconclusive single: needs at least 2 repetitions"), std::string::npos) << table;
  EXPECT_NE(table.find("Verdict: inconclusive (1 inconclusive)"), std::string::npos) << table;
  EXPECT_EQ(table.find('\033'), std::string::npos) << "no colour without a terminal";
}

TEST(GateTableTest, ControlCharactersEscaped) {
  const std::string hostile = "BM_x\x1b]0;pwned\x07\x1b[31m";
  Result baseline;
  Result candidate;
  add_benchmark(baseline, hostile, {100});
  add_benchmark(candidate, hostile, {150});
  add_benchmark(baseline, "gone\x1b[2J", {100});

  const std::string table =
      render_gate_table(evaluate_gate(baseline, candidate, GateOptions{}), true);
  const auto contains = [&table](const std::string& part) {
    return table.find(part) != std::string::npos;
  };

  EXPECT_TRUE(contains("\nBM_x<U+001B>]0;pwned<U+0007><U+001B>[31m  ")) << table;
  EXPECT_TRUE(contains(" BM_x<U+001B>]0;pwned<U+0007><U+001B>[31m: needs")) << table;
  EXPECT_TRUE(contains("only in the baseline, not judged: gone<U+001B>[2J")) << table;
  EXPECT_FALSE(contains("\x1b]0;")) << table;
  EXPECT_FALSE(contains("\x07")) << table;
  EXPECT_TRUE(contains("\033[33minconclusive\033[0m")) << "the verdict keeps its colour";
}

}  // namespace
}  // namespace paybench::reports
