// Reading plain Google Benchmark JSON: the library's own comparison-tool inputs and a file
// written by Google Benchmark 1.7.1 (see data/README.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "paybench/reports/result_json.h"
#include "paybench/reports/statistics.h"

namespace paybench::reports {
namespace {

std::filesystem::path data_file(const std::string& name) {
  return std::filesystem::path(PAYBENCH_REPORTS_TEST_DATA_DIR) / name;
}

long count_runs(const Result& result, RunType type) {
  return std::count_if(result.benchmarks.begin(), result.benchmarks.end(),
                       [&](const BenchmarkRun& run) { return run.run_type == type; });
}

long count_unit(const Result& result, const std::string& unit) {
  return std::count_if(result.benchmarks.begin(), result.benchmarks.end(),
                       [&](const BenchmarkRun& run) { return run.time_unit == unit; });
}

const BenchmarkRun& run_named(const Result& result, const std::string& name) {
  const auto it = std::find_if(result.benchmarks.begin(), result.benchmarks.end(),
                               [&](const BenchmarkRun& run) { return run.name == name; });
  if (it == result.benchmarks.end()) {
    throw std::logic_error("no run named " + name);
  }
  return *it;
}

TEST(GbenchJson, ComparisonInputWithMixedUnits) {
  const Result result = read_result_file(data_file("test1_run1.json"));

  EXPECT_EQ(result.benchmarks.size(), 16u);
  EXPECT_EQ(count_runs(result, RunType::kIteration), 14);
  EXPECT_EQ(count_runs(result, RunType::kAggregate), 2);
  EXPECT_EQ(count_unit(result, "s"), 3);
  // The RMS aggregate has no time_unit and keeps the default.
  EXPECT_EQ(count_unit(result, "ns"), 13);
  EXPECT_EQ(result.context.paybench_schema_version, 0);
  EXPECT_EQ(result.context.num_cpus, 4);
  EXPECT_TRUE(result.comparisons.empty());

  const BenchmarkRun& labeled = run_named(result, "BM_hasLabel");
  EXPECT_EQ(labeled.label, "a label");
  EXPECT_EQ(labeled.run_name, "BM_hasLabel");
  EXPECT_EQ(labeled.real_time, 1);

  const BenchmarkRun& big_o = run_named(result, "MyComplexityTest_BigO");
  EXPECT_EQ(big_o.aggregate_name, "BigO");
  EXPECT_DOUBLE_EQ(big_o.counters.at("cpu_coefficient"), 4.2749856294592886);
  EXPECT_FALSE(big_o.counters.contains("big_o"));
}

TEST(GbenchJson, RepetitionsAndAggregates) {
  const Result result = read_result_file(data_file("test3_run0.json"));

  EXPECT_EQ(result.benchmarks.size(), 7u);
  EXPECT_EQ(count_runs(result, RunType::kIteration), 4);
  EXPECT_EQ(count_runs(result, RunType::kAggregate), 3);
  EXPECT_EQ(count_unit(result, "ns"), 7);
  EXPECT_EQ(result.benchmarks[1].name, "BM_Two");
  EXPECT_EQ(result.benchmarks[1].cpu_time, 90);
}

TEST(GbenchJson, FileWithoutContext) {
  const Result result = read_result_file(data_file("test4_run.json"));

  EXPECT_EQ(result.benchmarks.size(), 12u);
  EXPECT_EQ(count_runs(result, RunType::kAggregate), 4);
  EXPECT_EQ(result.benchmarks[2].aggregate_name, "9 aggregate");
  EXPECT_EQ(result.benchmarks[9].family_index, 1);
  EXPECT_EQ(result.benchmarks[9].per_family_instance_index, 1);
  EXPECT_EQ(result.benchmarks[9].repetition_index, 0);
  EXPECT_EQ(result.context.paybench_schema_version, 0);
}

TEST(GbenchJson, Version171OutputWithNanAndErrors) {
  const Result result = read_result_file(data_file("gbench_1_7_1_nan_error.json"));

  EXPECT_EQ(result.benchmarks.size(), 9u);
  EXPECT_EQ(count_runs(result, RunType::kIteration), 5);
  EXPECT_EQ(count_runs(result, RunType::kAggregate), 4);
  EXPECT_EQ(result.context.caches.size(), 4u);
  EXPECT_EQ(result.context.caches[0].type, "Data");
  EXPECT_EQ(result.context.load_avg.size(), 3u);
  EXPECT_EQ(result.context.library_build_type, "debug");

  const BenchmarkRun& first = result.benchmarks[0];
  EXPECT_EQ(first.label, "lab\"el");
  EXPECT_EQ(first.repetitions, 3);
  EXPECT_EQ(first.counters.at("allocs_per_op"), 1.5);
  EXPECT_TRUE(std::isnan(first.counters.at("nanc")));

  const BenchmarkRun& cv = run_named(result, "BM_a/8/repeats:3_cv");
  EXPECT_EQ(cv.aggregate_unit, "percentage");

  const long errors =
      std::count_if(result.benchmarks.begin(), result.benchmarks.end(),
                    [](const BenchmarkRun& run) { return run.error_occurred; });
  EXPECT_EQ(errors, 2);
  EXPECT_EQ(run_named(result, "BM_err/repeats:2").error_message, "boom");
}

// Google Benchmark's cv aggregate and ours agree on its own repetitions.
TEST(GbenchJson, CoefficientOfVariationMatchesGoogleBenchmark) {
  const Result result = read_result_file(data_file("gbench_1_7_1_nan_error.json"));
  std::vector<double> real_times;
  for (const BenchmarkRun& run : result.benchmarks) {
    if (run.run_name == "BM_a/8/repeats:3" && run.run_type == RunType::kIteration) {
      real_times.push_back(run.real_time);
    }
  }

  ASSERT_EQ(real_times.size(), 3u);
  EXPECT_NEAR(coefficient_of_variation(real_times),
              run_named(result, "BM_a/8/repeats:3_cv").real_time, 1e-12);
}

TEST(GbenchJson, BareSpecialNumberTokens) {
  const std::string text = R"({
    "benchmarks": [
      {"name": "BM_x", "real_time": NaN, "cpu_time": Infinity, "time_unit": "ns",
       "low": -Infinity, "label": "NaN, Infinity and \"NaN\" stay text"}
    ]
  })";

  const Result result = result_from_json_text(text, "tokens");

  const BenchmarkRun& run = result.benchmarks.at(0);
  EXPECT_TRUE(std::isnan(run.real_time));
  EXPECT_EQ(run.cpu_time, std::numeric_limits<double>::infinity());
  EXPECT_EQ(run.counters.at("low"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(run.label, "NaN, Infinity and \"NaN\" stay text");
}

TEST(GbenchJson, SpecialTokenWhereStringBelongs) {
  const std::string text = R"({"benchmarks": [{"name": NaN}]})";

  try {
    result_from_json_text(text, "tokens.json");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(error.json_path(), "benchmarks[0].name");
    EXPECT_NE(std::string(error.what()).find("expected a string"), std::string::npos)
        << error.what();
  }
}

TEST(GbenchJson, TokenInsideWordIsNotReplaced) {
  const std::string text = R"({"benchmarks": [{"name": "x", "real_time": NaNa}]})";

  EXPECT_THROW(result_from_json_text(text, "tokens"), InputError);
}

}  // namespace
}  // namespace paybench::reports
