// Bad input: every error names the source, the JSON path and what was expected.
#include <gtest/gtest.h>

#include <string>

#include "paybench/reports/result_json.h"
#include "sample_result.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::ordered_json;

// Reads `text` and returns the InputError it raised; fails the test if none was raised.
InputError read_error_of_text(const std::string& text, const std::string& source = "bad.json") {
  try {
    result_from_json_text(text, source);
  } catch (const InputError& error) {
    return error;
  }
  ADD_FAILURE() << "expected an InputError for: " << text.substr(0, 200);
  return InputError(source, "", "none raised");
}

InputError read_error_of_json(const Json& json) { return read_error_of_text(json.dump(2)); }

Json sample_json() { return to_json(testing::make_sample_result()); }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ResultJsonErrors, NotJson) {
  const InputError error = read_error_of_text("hello, world");

  EXPECT_EQ(error.source(), "bad.json");
  EXPECT_TRUE(contains(error.what(), "bad.json: not valid JSON")) << error.what();
  EXPECT_FALSE(contains(error.what(), "[json.exception")) << error.what();
}

TEST(ResultJsonErrors, EmptyFile) {
  const InputError error = read_error_of_text("");

  EXPECT_TRUE(contains(error.what(), "not valid JSON")) << error.what();
}

TEST(ResultJsonErrors, TopLevelArray) {
  const InputError error = read_error_of_text("[1, 2]");

  EXPECT_TRUE(contains(error.what(), "expected a JSON object")) << error.what();
  EXPECT_TRUE(contains(error.what(), "found array")) << error.what();
}

TEST(ResultJsonErrors, MissingBenchmarks) {
  const InputError error = read_error_of_text(R"({"context": {"date": "today"}})");

  EXPECT_EQ(error.json_path(), "");
  EXPECT_EQ(std::string(error.what()), "bad.json: missing required key \"benchmarks\"");
}

TEST(ResultJsonErrors, WrongTypeNamesJsonPath) {
  Json json = sample_json();
  json["benchmarks"][3]["real_time"] = "fast";

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "benchmarks[3].real_time");
  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[3].real_time: expected a number or null, found string "
            "\"fast\"");
}

TEST(ResultJsonErrors, WrongTypeInGoogleBenchmarkFile) {
  const InputError error =
      read_error_of_text(R"({"benchmarks": [{"name": "BM_a"}, {"name": "BM_b", "iterations": 1.5}]})");

  EXPECT_EQ(error.json_path(), "benchmarks[1].iterations");
  EXPECT_TRUE(contains(error.what(), "expected an integer, found number 1.5")) << error.what();
}

TEST(ResultJsonErrors, MissingPaybenchKey) {
  Json json = sample_json();
  json["benchmarks"][0].erase("workload");

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "benchmarks[0]");
  EXPECT_TRUE(contains(error.what(), "missing required key \"workload\"")) << error.what();
}

TEST(ResultJsonErrors, MissingContextKey) {
  Json json = sample_json();
  json["context"].erase("allocators");

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "context");
  EXPECT_TRUE(contains(error.what(), "\"allocators\"")) << error.what();
}

TEST(ResultJsonErrors, InvalidRunType) {
  Json json = sample_json();
  json["benchmarks"][0]["run_type"] = "repetition";

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "benchmarks[0].run_type");
  EXPECT_TRUE(contains(error.what(), "expected one of \"iteration\", \"aggregate\"")) << error.what();
}

TEST(ResultJsonErrors, InvalidTimeUnit) {
  Json json = sample_json();
  json["benchmarks"][2]["time_unit"] = "ps";

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "benchmarks[2].time_unit");
  EXPECT_TRUE(contains(error.what(), "found \"ps\"")) << error.what();
}

TEST(ResultJsonErrors, InvalidVerdict) {
  Json json = sample_json();
  json["comparisons"][1]["verdict"] = "better";

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "comparisons[1].verdict");
}

TEST(ResultJsonErrors, ZeroThreads) {
  Json json = sample_json();
  json["benchmarks"][0]["threads"] = 0;

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "benchmarks[0].threads");
  EXPECT_TRUE(contains(error.what(), "expected an integer >= 1, found 0")) << error.what();
}

TEST(ResultJsonErrors, StringCounter) {
  Json json = sample_json();
  json["benchmarks"][0]["cache_misses"] = "many";

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "benchmarks[0].cache_misses");
  EXPECT_TRUE(contains(error.what(), "user counters")) << error.what();
}

TEST(ResultJsonErrors, ParamThatIsNotInteger) {
  Json json = sample_json();
  json["benchmarks"][0]["params"]["size"] = "256";

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "benchmarks[0].params.size");
}

TEST(ResultJsonErrors, NewerSchemaVersion) {
  Json json = sample_json();
  json["context"]["paybench_schema_version"] = kResultSchemaVersion + 1;

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "context.paybench_schema_version");
  EXPECT_TRUE(contains(error.what(), "upgrade paybench")) << error.what();
}

TEST(ResultJsonErrors, CacheEntryOfWrongType) {
  Json json = sample_json();
  json["context"]["caches"][1] = 32768;

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(error.json_path(), "context.caches[1]");
  EXPECT_TRUE(contains(error.what(), "expected an object, found number 32768")) << error.what();
}

TEST(ResultJsonErrors, LongInvalidUnitShortened) {
  const std::string unit(1000, 'u');
  const InputError error = read_error_of_text(
      R"({"benchmarks": [{"name": "BM_a", "time_unit": ")" + unit + R"("}]})");

  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[0].time_unit: expected one of \"ns\", \"us\", \"ms\", \"s\", "
            "found \"" + std::string(40, 'u') + "...\"");
}

TEST(ResultJsonErrors, BigOThatIsNotAString) {
  // Read as a counter, a numeric big_o could not be written back: the writer reserves the key.
  const InputError error = read_error_of_text(R"({"benchmarks": [{"name": "BM_a", "big_o": 5}]})");

  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[0].big_o: expected a string such as \"N\", the complexity "
            "Google Benchmark writes, found number 5");
}

TEST(ResultJsonErrors, DeeplyNestedCounter) {
  const std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
  const InputError error =
      read_error_of_text(R"({"benchmarks": [{"name": "BM_a", "x": )" + nested + "}]}");

  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[0].x: expected a number, because unknown keys of a benchmark "
            "entry are user counters, found array");
}

TEST(ResultJsonErrors, ReadsManyCounters) {
  // An entry with many keys once took time in the square of their number to parse.
  constexpr int kCounters = 20'000;
  std::string text = R"({"benchmarks": [{"name": "BM_a")";
  for (int i = 0; i < kCounters; ++i) text += ", \"c" + std::to_string(i) + "\": " + std::to_string(i);
  text += "}]}";

  const Result result = result_from_json_text(text, "many.json");

  ASSERT_EQ(result.benchmarks.size(), 1u);
  EXPECT_EQ(result.benchmarks[0].counters.size(), static_cast<std::size_t>(kCounters));
  EXPECT_EQ(result.benchmarks[0].counters.at("c19999"), 19999);
}

TEST(ResultJsonErrors, MissingFile) {
  const std::filesystem::path path = "/nonexistent-paybench-dir/result.json";

  try {
    read_result_file(path);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(error.source(), path.string());
    EXPECT_TRUE(contains(error.what(), "No such file or directory")) << error.what();
  }
}

TEST(ResultJsonErrors, DirectoryInsteadOfFile) {
  try {
    read_result_file(std::filesystem::temp_directory_path());
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_TRUE(contains(error.what(), "is a directory")) << error.what();
  }
}

}  // namespace
}  // namespace paybench::reports
