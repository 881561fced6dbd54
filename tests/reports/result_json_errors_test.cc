// Bad input: every error names the source, the JSON path and what was expected.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <string>
#include <vector>

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
  const InputError error = read_error_of_text(
      R"({"benchmarks": [{"name": "BM_a"}, {"name": "BM_b", "iterations": 1.5}]})");

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
  EXPECT_TRUE(contains(error.what(), "expected one of \"iteration\", \"aggregate\""))
      << error.what();
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
  const InputError error =
      read_error_of_text(R"({"benchmarks": [{"name": "BM_a", "time_unit": ")" + unit + R"("}]})");

  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[0].time_unit: expected one of \"ns\", \"us\", \"ms\", \"s\", "
            "found \"" +
                std::string(80, 'u') + "...\" (1000 characters)");
}

TEST(ResultJsonErrors, UnterminatedLongStringShortened) {
  const std::string text = R"({"benchmarks": [")" + std::string(5'000'000, '9');

  const InputError error = read_error_of_text(text);

  const std::string message = error.what();
  EXPECT_LT(message.size(), 500u) << message.substr(0, 500);
  EXPECT_TRUE(contains(message, "missing closing quote")) << message.substr(0, 500);
  const std::string quoted_token = "'\"" + std::string(79, '9') + "...' (5000001 characters)";
  EXPECT_TRUE(contains(message, "last read: " + quoted_token)) << message.substr(0, 500);
}

TEST(ResultJsonErrors, HugeNumberShortened) {
  // nlohmann reports a number beyond a double as out_of_range, quoting every digit.
  const std::string digits(5'000'000, '9');
  const InputError error =
      read_error_of_text(R"({"benchmarks": [{"name": "BM_a", "real_time": )" + digits + "}]}");

  const std::string message = error.what();
  EXPECT_LT(message.size(), 500u) << message.substr(0, 500);
  EXPECT_TRUE(contains(
      message, "number overflow parsing '" + std::string(80, '9') + "...' (5000000 characters)"))
      << message.substr(0, 500);
}

TEST(ResultJsonErrors, LongCounterNameShortenedInPath) {
  const std::string key(100'000, 'k');
  const InputError error =
      read_error_of_text(R"({"benchmarks": [{"name": "BM_a", ")" + key + R"(": "x"}]})");

  const std::string message = error.what();
  EXPECT_LT(message.size(), 500u) << message.substr(0, 500);
  const std::string shortened_key = std::string(80, 'k') + "... (100000 characters)";
  EXPECT_TRUE(contains(message, "benchmarks[0]." + shortened_key)) << message.substr(0, 500);
}

TEST(ResultJsonErrors, ControlCharactersEscaped) {
  Json json = sample_json();
  json["benchmarks"][0]["time_unit"] = "\x1b]0;pwned\x07\x1b[31m";

  const InputError error = read_error_of_json(json);

  EXPECT_TRUE(contains(error.what(), "found \"<U+001B>]0;pwned<U+0007><U+001B>[31m\""))
      << error.what();
  EXPECT_FALSE(contains(error.what(), "\x1b")) << error.what();
}

TEST(ResultJsonErrors, NegativeRealTime) {
  Json json = sample_json();
  json["benchmarks"][3]["real_time"] = -5;

  const InputError error = read_error_of_json(json);

  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[3].real_time: expected a number >= 0, found -5");
}

TEST(ResultJsonErrors, NegativeCpuTimeInGoogleBenchmarkFile) {
  const InputError error = read_error_of_text(
      R"({"benchmarks": [{"name": "BM_a", "real_time": 1, "cpu_time": -0.25}]})");

  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[0].cpu_time: expected a number >= 0, found -0.25");
}

TEST(ResultJsonErrors, NegativeInfinityTime) {
  const InputError error =
      read_error_of_text(R"({"benchmarks": [{"name": "BM_a", "real_time": -Infinity}]})");

  EXPECT_EQ(std::string(error.what()),
            "bad.json: benchmarks[0].real_time: expected a number >= 0, found -Infinity");
}

TEST(ResultJsonErrors, NotANumberTimeStillReads) {
  // A failed Google Benchmark run can write NaN: it is no negative time.
  const Result result = result_from_json_text(
      R"({"benchmarks": [{"name": "BM_a", "real_time": NaN, "cpu_time": null}]})", "nan.json");

  ASSERT_EQ(result.benchmarks.size(), 1u);
  EXPECT_TRUE(std::isnan(result.benchmarks[0].real_time));
}

TEST(ResultJsonErrors, NegativeCountsAndSizes) {
  struct Case {
    std::vector<std::string> path;
    Json value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"benchmarks", "3", "iterations"},
       -1,
       "benchmarks[3].iterations: expected an integer >= 0, found -1"},
      {{"benchmarks", "3", "repetition_index"},
       -2,
       "benchmarks[3].repetition_index: expected an integer >= 0, found -2"},
      {{"context", "num_cpus"}, -4, "context.num_cpus: expected an integer >= 0, found -4"},
      {{"context", "mhz_per_cpu"}, -1.5, "context.mhz_per_cpu: expected a number >= 0, found -1.5"},
      {{"context", "min_time_s"}, -0.5, "context.min_time_s: expected a number >= 0, found -0.5"},
      {{"comparisons", "0", "ratio"},
       -0.5,
       "comparisons[0].ratio: expected a number > 0, found -0.5"},
      {{"comparisons", "0", "baseline_median"},
       0,
       "comparisons[0].baseline_median: expected a number > 0, found 0"},
  };
  for (const Case& test_case : cases) {
    Json json = sample_json();
    Json* target = &json;
    for (const std::string& step : test_case.path) {
      const bool is_index = std::isdigit(static_cast<unsigned char>(step[0])) != 0;
      target = is_index ? &(*target)[std::stoul(step)] : &(*target)[step];
    }
    *target = test_case.value;

    const InputError error = read_error_of_json(json);

    EXPECT_EQ(std::string(error.what()), "bad.json: " + test_case.expected);
  }
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
  for (int i = 0; i < kCounters; ++i)
    text += ", \"c" + std::to_string(i) + "\": " + std::to_string(i);
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
