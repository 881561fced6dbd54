#include "paybench/reports/result_json.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "sample_result.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) {
    keys.push_back(key);
  }
  return keys;
}

const BenchmarkRun& first_run_where(const Result& result, RunType type, bool error) {
  for (const BenchmarkRun& run : result.benchmarks) {
    if (run.run_type == type && run.error_occurred == error) {
      return run;
    }
  }
  throw std::logic_error("the sample result has no such run");
}

std::size_t index_of_first(const Result& result, RunType type, bool error) {
  const BenchmarkRun& run = first_run_where(result, type, error);
  return static_cast<std::size_t>(&run - result.benchmarks.data());
}

TEST(ResultJson, RoundTripGivesEqualResult) {
  const Result original = testing::make_sample_result();
  ASSERT_FALSE(original.comparisons.empty());
  ASSERT_NO_THROW(first_run_where(original, RunType::kAggregate, false));
  ASSERT_NO_THROW(first_run_where(original, RunType::kIteration, true));

  const Result read_back = result_from_json(to_json(original), "round trip");

  EXPECT_EQ(read_back.context, original.context);
  EXPECT_EQ(read_back.benchmarks, original.benchmarks);
  EXPECT_EQ(read_back.comparisons, original.comparisons);
}

TEST(ResultJson, InterruptedRoundTrip) {
  Result original = testing::make_sample_result();
  original.context.interrupted = true;

  const Json json = to_json(original);
  EXPECT_EQ(json["context"]["interrupted"], true);
  EXPECT_TRUE(result_from_json(json, "round trip").context.interrupted);
}

TEST(ResultJson, MissingInterruptedReadsAsFalse) {
  Json json = to_json(testing::make_sample_result());
  EXPECT_EQ(json["context"]["interrupted"], false);
  json["context"].erase("interrupted");

  EXPECT_FALSE(result_from_json(json, "older file").context.interrupted);
}

TEST(ResultJson, RoundTripThroughTextGivesEqualResult) {
  const Result original = testing::make_sample_result({.allocators = {"glibc", "jemalloc"}});

  const Result read_back = result_from_json_text(to_json_text(original), "round trip");

  EXPECT_EQ(read_back, original);
}

TEST(ResultJson, UnorderedJsonReadsTheSame) {
  const Result original = testing::make_sample_result();
  const nlohmann::json sorted_keys = nlohmann::json::parse(to_json_text(original));

  EXPECT_EQ(result_from_json(sorted_keys, "sorted"), original);
}

TEST(ResultJson, TopLevelKeys) {
  const Json json = to_json(testing::make_sample_result());

  EXPECT_EQ(keys_of(json), (std::vector<std::string>{"context", "benchmarks", "comparisons"}));
}

TEST(ResultJson, ContextStartsWithGoogleBenchmarkKeys) {
  const Json json = to_json(testing::make_sample_result());
  const std::vector<std::string> keys = keys_of(json["context"]);

  const std::vector<std::string> google_benchmark_keys = {
      "date",         "host_name",           "executable", "num_cpus",          "mhz_per_cpu",
      "cpu_scaling_enabled", "caches", "load_avg",   "library_build_type"};
  ASSERT_GE(keys.size(), google_benchmark_keys.size());
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 9), google_benchmark_keys);
  EXPECT_EQ(keys_of(json["context"]["caches"][0]),
            (std::vector<std::string>{"type", "level", "size", "num_sharing"}));
  EXPECT_EQ(json["context"]["paybench_schema_version"], kResultSchemaVersion);
}

TEST(ResultJson, IterationKeysInGoogleBenchmarkOrder) {
  const Result result = testing::make_sample_result();
  const std::size_t index = index_of_first(result, RunType::kIteration, false);
  const Json json = to_json(result)["benchmarks"][index];

  EXPECT_EQ(keys_of(json),
            (std::vector<std::string>{"name", "family_index", "per_family_instance_index",
                                      "run_name", "run_type", "repetitions", "repetition_index",
                                      "threads", "iterations", "real_time", "cpu_time",
                                      "time_unit", "allocs_per_op", "bytes_per_op",
                                      "items_per_second", "family", "workload", "variant",
                                      "params", "allocator"}));
  EXPECT_EQ(json["run_type"], "iteration");
  EXPECT_TRUE(json["params"].is_object());
}

TEST(ResultJson, AggregateKeysInGoogleBenchmarkOrder) {
  const Result result = testing::make_sample_result();
  const std::size_t index = index_of_first(result, RunType::kAggregate, false);
  const Json json = to_json(result)["benchmarks"][index];

  EXPECT_EQ(keys_of(json),
            (std::vector<std::string>{"name", "family_index", "per_family_instance_index",
                                      "run_name", "run_type", "repetitions", "threads",
                                      "aggregate_name", "aggregate_unit", "iterations",
                                      "real_time", "cpu_time", "time_unit", "allocs_per_op",
                                      "bytes_per_op", "items_per_second", "family", "workload",
                                      "variant", "params", "allocator"}));
}

TEST(ResultJson, ErrorAndLabelKeys) {
  const Result result = testing::make_sample_result();
  const std::size_t index = index_of_first(result, RunType::kIteration, true);
  const Json json = to_json(result)["benchmarks"][index];
  const std::vector<std::string> keys = keys_of(json);

  const auto position = [&](const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) - keys.begin();
  };
  EXPECT_EQ(json["error_occurred"], true);
  EXPECT_EQ(json["error_message"], result.benchmarks[index].error_message);
  EXPECT_EQ(position("error_occurred"), position("threads") + 1);
  EXPECT_EQ(position("error_message"), position("error_occurred") + 1);
  EXPECT_EQ(position("label"), position("family") - 1);
  EXPECT_EQ(json["label"], "2P2C");
}

TEST(ResultJson, NoErrorKeysWithoutError) {
  const Result result = testing::make_sample_result();
  const Json json = to_json(result)["benchmarks"][0];

  EXPECT_FALSE(json.contains("error_occurred"));
  EXPECT_FALSE(json.contains("error_message"));
  EXPECT_FALSE(json.contains("label"));
}

TEST(ResultJson, ComparisonKeys) {
  const Json json = to_json(testing::make_sample_result());

  ASSERT_FALSE(json["comparisons"].empty());
  EXPECT_EQ(keys_of(json["comparisons"][0]),
            (std::vector<std::string>{
                "workload", "family", "baseline", "candidate", "baseline_run_name",
                "candidate_run_name", "params", "threads", "baseline_allocator",
                "candidate_allocator", "metric", "time_unit", "baseline_median",
                "candidate_median", "ratio", "ci_low", "ci_high", "baseline_samples",
                "candidate_samples", "verdict"}));
  EXPECT_EQ(json["comparisons"][0]["verdict"], "faster");
}

TEST(ResultJson, NonFiniteNumbersBecomeNull) {
  Result result = testing::make_sample_result();
  result.benchmarks[0].counters["ratio_of_nothing"] = std::numeric_limits<double>::quiet_NaN();
  result.benchmarks[0].cpu_time = std::numeric_limits<double>::infinity();

  const std::string text = to_json_text(result);
  const Json json = Json::parse(text);
  const Result read_back = result_from_json_text(text, "nan");

  EXPECT_TRUE(json["benchmarks"][0]["ratio_of_nothing"].is_null());
  EXPECT_TRUE(json["benchmarks"][0]["cpu_time"].is_null());
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_TRUE(std::isnan(read_back.benchmarks[0].counters.at("ratio_of_nothing")));
  EXPECT_TRUE(std::isnan(read_back.benchmarks[0].cpu_time));
}

TEST(ResultJson, ReservedCounterNameThrows) {
  Result result = testing::make_sample_result();
  result.benchmarks[0].counters["real_time"] = 1;

  EXPECT_THROW(to_json(result), std::invalid_argument);
}

TEST(ResultJson, NonFiniteComparisonThrows) {
  Result result = testing::make_sample_result();
  result.comparisons[0].ratio = std::numeric_limits<double>::quiet_NaN();

  EXPECT_THROW(to_json(result), std::invalid_argument);
}

TEST(ResultJson, InvalidUtf8IsReplaced) {
  Result result = testing::make_sample_result();
  result.benchmarks[0].label = "bad \xff byte";

  const std::string text = to_json_text(result);
  const Result read_back = result_from_json_text(text, "utf8");

  EXPECT_EQ(read_back.benchmarks[0].label, "bad \xEF\xBF\xBD byte");
}

TEST(ResultJson, WriteAndReadFile) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() /
      ("paybench_result_json_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const std::filesystem::path path = directory / "result.json";
  const Result original = testing::make_sample_result();

  write_result_file(path, original);
  const Result read_back = read_result_file(path);

  EXPECT_EQ(read_back, original);
  std::filesystem::remove_all(directory);
}

Result result_with_cpu_profile() {
  Result result = testing::make_sample_result();
  result.benchmarks[0].cpu_profile = CpuProfileFiles{
      .prof = "profiles/1-a.prof", .folded = "profiles/1-a.folded",
      .flamegraph = "profiles/1-a.html", .samples = 37};
  return result;
}

TEST(ResultJson, CpuProfileRoundTrip) {
  const Result original = result_with_cpu_profile();

  const Result read_back = result_from_json_text(to_json_text(original), "round trip");

  ASSERT_TRUE(read_back.benchmarks[0].cpu_profile.has_value());
  EXPECT_EQ(read_back.benchmarks[0].cpu_profile, original.benchmarks[0].cpu_profile);
  EXPECT_FALSE(read_back.benchmarks[1].cpu_profile.has_value());
}

TEST(ResultJson, CpuProfileKeys) {
  const Json json = to_json(result_with_cpu_profile());

  const Json& profile = json["benchmarks"][0]["cpu_profile"];
  EXPECT_EQ(keys_of(profile), (std::vector<std::string>{"prof", "folded", "flamegraph", "samples"}));
  EXPECT_EQ(profile["samples"], 37);
  EXPECT_FALSE(json["benchmarks"][1].contains("cpu_profile"));
}

TEST(ResultJson, CpuProfileWithoutSamplesIsError) {
  Json json = to_json(result_with_cpu_profile());
  json["benchmarks"][0]["cpu_profile"].erase("samples");

  try {
    result_from_json(json, "edited.json");
    FAIL() << "a cpu_profile without samples was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("samples"), std::string::npos) << error.what();
  }
}

TEST(ResultJson, NegativeCpuProfileSamplesIsError) {
  Json json = to_json(result_with_cpu_profile());
  json["benchmarks"][0]["cpu_profile"]["samples"] = -1;

  EXPECT_THROW(result_from_json(json, "edited.json"), InputError);
}

}  // namespace
}  // namespace paybench::reports
