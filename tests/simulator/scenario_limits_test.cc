// Scenario input beyond the readers' bounds: nesting, event counts and file sizes are rejected
// with the location and the limit before they can exhaust memory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "paybench/simulator/scenario.h"
#include "paybench/simulator/scenario_error.h"
#include "paybench/simulator/scenario_reader.h"

namespace paybench::simulator {
namespace {

namespace fs = std::filesystem;

// Runs `read` and returns the ScenarioError it raised, and fails the test if none was raised.
ScenarioError error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const ScenarioError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a ScenarioError";
  return ScenarioError("", "", "none raised");
}

ScenarioError breaker_error(const std::string& text, ScenarioFormat format) {
  return error_of([&] { (void)parse_breaker_scenario(text, format, "bad"); });
}

std::string repeated(const std::string& part, std::size_t count) {
  std::string text;
  text.reserve(part.size() * count);
  for (std::size_t i = 0; i < count; ++i) text += part;
  return text;
}

TEST(ScenarioLimits, NestingOneLevelTooDeep) {
  const ScenarioError error =
      breaker_error(repeated("[", 33) + repeated("]", 33), ScenarioFormat::kJson);

  EXPECT_EQ(error.location(), repeated("[0]", 32));
  EXPECT_EQ(error.problem(),
            "arrays and objects nested more than 32 levels deep: expected a scenario, which "
            "nests 3 levels (the file, events, one event)");
}

TEST(ScenarioLimits, NestingAtTheLimitReachesTheShapeCheck) {
  const ScenarioError error =
      breaker_error(repeated("[", 32) + repeated("]", 32), ScenarioFormat::kJson);

  EXPECT_EQ(error.location(), "");
  EXPECT_EQ(error.problem(), "expected a JSON object with \"config\" and \"events\", found array");
}

TEST(ScenarioLimits, DeepNestingInsideConfig) {
  // Each level once kept the path of all levels above it, so 100,000 levels took gigabytes.
  const std::string nested = repeated("[", 100'000) + repeated("]", 100'000);
  const ScenarioError error =
      breaker_error(R"({"config": {"name": )" + nested + "}}", ScenarioFormat::kJson);

  EXPECT_EQ(error.location(), "config.name" + repeated("[0]", 30));
  EXPECT_TRUE(error.problem().starts_with("arrays and objects nested more than 32 levels deep"))
      << error.what();
}

TEST(ScenarioLimits, DuplicateEmptyKeyNamesItsPath) {
  const ScenarioError error = breaker_error(R"({"config": {"": 1, "": 2}})", ScenarioFormat::kJson);

  EXPECT_EQ(error.location(), "config.");
  EXPECT_EQ(error.problem(), "duplicate key: expected each key at most once in an object");
}

TEST(ScenarioLimits, LongValueShortenedInError) {
  const std::string outcome(1000, 'x');
  const ScenarioError error = breaker_error(
      R"({"events": [{"at_ms": 0, "outcome": ")" + outcome + R"("}]})", ScenarioFormat::kJson);

  EXPECT_EQ(error.location(), "events[0].outcome");
  EXPECT_EQ(error.problem(), "invalid value \"" + std::string(79, 'x') +
                                 "... (1002 characters): expected \"success\" or \"failure\"");
}

TEST(ScenarioLimits, JsonEventsBeyondTheMaximum) {
  // Parsing with a callback once made this take minutes: each object scanned the whole array.
  const std::string events = "{}" + repeated(",{}", kMaxScenarioEvents);
  const ScenarioError error =
      breaker_error(R"({"events": [)" + events + "]}", ScenarioFormat::kJson);

  EXPECT_EQ(error.location(), "events");
  EXPECT_EQ(error.problem(), "1000001 events: expected at most 1000000 events in all");
}

TEST(ScenarioLimits, CsvRowsBeyondTheMaximum) {
  const std::string rows = repeated("0,success\n", kMaxScenarioEvents + 1);
  const ScenarioError error = breaker_error("at_ms,outcome\n" + rows, ScenarioFormat::kCsv);

  EXPECT_EQ(error.location(), "line 1000002");
  EXPECT_EQ(error.problem(),
            "more than 1000000 event rows: expected at most 1000000 events in all");
}

TEST(ScenarioLimits, FileLargerThanTheMaximum) {
  // A sparse file: its size is rejected before any byte is read, so it takes no disk space.
  const fs::path path = fs::path(::testing::TempDir()) / "scenario_limits_test_large.csv";
  { std::ofstream(path) << "at_ms,outcome\n"; }
  fs::resize_file(path, kMaxScenarioFileBytes + 1);

  const ScenarioError error = error_of([&] { (void)read_breaker_scenario(path, std::nullopt); });
  fs::remove(path);

  EXPECT_EQ(error.source(), path.string());
  EXPECT_EQ(error.problem(),
            "is 268435457 bytes, larger than the 268435456 bytes a scenario file may have: "
            "expected a scenario of at most 1000000 events");
}

TEST(ScenarioLimits, HugeJsonTokenShortened) {
  const std::string text = R"({"config": {"failure_threshold": ")" + std::string(5'000'000, 'A');

  const std::string message = breaker_error(text, ScenarioFormat::kJson).what();

  EXPECT_LT(message.size(), 700u) << message.substr(0, 700);
  EXPECT_TRUE(message.ends_with(" characters)")) << message.substr(0, 700);
}

TEST(ScenarioLimits, HugeCsvColumnShortened) {
  const std::string column(5'000'000, 'x');

  const ScenarioError error = breaker_error("at_ms," + column + "\n0,\n", ScenarioFormat::kCsv);

  EXPECT_EQ(error.location(),
            "line 1, column " + std::string(105, 'x') + "... (5000015 characters)");
  EXPECT_LT(std::string(error.what()).size(), 800u);
}

}  // namespace
}  // namespace paybench::simulator
