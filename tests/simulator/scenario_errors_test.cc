// Bad scenarios: every error names the source, the location, the bad value and the expected form.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "paybench/simulator/scenario_error.h"
#include "paybench/simulator/scenario_reader.h"

namespace paybench::simulator {
namespace {

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

ScenarioError breaker_json_error(const std::string& text) {
  return error_of([&] { (void)parse_breaker_scenario(text, ScenarioFormat::kJson, "bad.json"); });
}

ScenarioError breaker_csv_error(const std::string& text) {
  return error_of([&] { (void)parse_breaker_scenario(text, ScenarioFormat::kCsv, "bad.csv"); });
}

ScenarioError limiter_json_error(const std::string& text) {
  return error_of([&] { (void)parse_limiter_scenario(text, ScenarioFormat::kJson, "bad.json"); });
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ScenarioErrors, UnknownConfigKeySuggestsClosest) {
  const ScenarioError error = breaker_json_error(
      R"({"config": {"timout_ms": 5000}, "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(error.source(), "bad.json");
  EXPECT_EQ(error.location(), "config.timout_ms");
  EXPECT_TRUE(contains(error.problem(), "unknown key 'timout_ms'")) << error.what();
  EXPECT_TRUE(contains(error.problem(), "did you mean 'timeout_ms'?")) << error.what();
}

TEST(ScenarioErrors, UnknownEventKey) {
  const ScenarioError error = breaker_json_error(
      R"({"events": [{"at_ms": 0, "outcome": "success"}, {"at_ms": 1, "outcome": "success", "every": 5}]})");

  EXPECT_EQ(error.location(), "events[1].every");
  EXPECT_TRUE(contains(error.problem(), "did you mean 'every_ms'?")) << error.what();
}

TEST(ScenarioErrors, UnknownKeyFarFromAnyName) {
  const ScenarioError error = breaker_json_error(
      R"({"config": {"threshold": 3}, "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(error.problem(),
            "unknown key 'threshold': expected one of name, max_requests, interval_ms, "
            "timeout_ms, ready_to_trip");
}

TEST(ScenarioErrors, UnknownTopLevelKey) {
  const ScenarioError error =
      breaker_json_error(R"({"event": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(error.location(), "event");
  EXPECT_TRUE(contains(error.problem(), "did you mean 'events'?")) << error.what();
}

TEST(ScenarioErrors, TimeOfWrongType) {
  const ScenarioError error =
      breaker_json_error(R"({"events": [{"at_ms": "100", "outcome": "success"}]})");

  EXPECT_EQ(error.location(), "events[0].at_ms");
  EXPECT_TRUE(contains(error.problem(), "invalid value \"100\"")) << error.what();
  EXPECT_TRUE(contains(error.problem(), "milliseconds >= 0")) << error.what();
}

TEST(ScenarioErrors, NegativeTime) {
  const ScenarioError error =
      breaker_json_error(R"({"events": [{"at_ms": 0, "outcome": "success", "duration_ms": -5}]})");

  EXPECT_EQ(error.location(), "events[0].duration_ms");
  EXPECT_TRUE(contains(error.problem(), "invalid value -5")) << error.what();
}

TEST(ScenarioErrors, UnknownOutcome) {
  const ScenarioError error =
      breaker_json_error(R"({"events": [{"at_ms": 0, "outcome": "sucess"}]})");

  EXPECT_EQ(std::string(error.what()),
            "bad.json: events[0].outcome: invalid value \"sucess\": expected \"success\" or "
            "\"failure\"");
}

TEST(ScenarioErrors, MissingOutcome) {
  const ScenarioError error = breaker_json_error(R"({"events": [{"at_ms": 0}]})");

  EXPECT_EQ(error.location(), "events[0].outcome");
  EXPECT_TRUE(contains(error.problem(), "missing")) << error.what();
}

TEST(ScenarioErrors, EmptyEvents) {
  const ScenarioError error = breaker_json_error(R"({"events": []})");

  EXPECT_EQ(error.location(), "events");
  EXPECT_TRUE(contains(error.problem(), "at least one event")) << error.what();
}

TEST(ScenarioErrors, MissingEvents) {
  const ScenarioError error = breaker_json_error(R"({"config": {}})");

  EXPECT_EQ(error.location(), "events");
  EXPECT_TRUE(contains(error.problem(), "missing")) << error.what();
}

TEST(ScenarioErrors, WholeNumberExpected) {
  const ScenarioError error = breaker_json_error(
      R"({"config": {"max_requests": 2.5}, "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(error.location(), "config.max_requests");
  EXPECT_TRUE(contains(error.problem(),
                       "invalid value 2.5: expected a whole number from 0 to "
                       "4294967295"))
      << error.what();
}

TEST(ScenarioErrors, ZeroRepeat) {
  const ScenarioError error =
      breaker_json_error(R"({"events": [{"at_ms": 0, "outcome": "success", "repeat": 0}]})");

  EXPECT_EQ(error.location(), "events[0].repeat");
}

TEST(ScenarioErrors, TooManyEvents) {
  const ScenarioError error = breaker_json_error(R"({"events": [
      {"at_ms": 0, "outcome": "success", "repeat": 600000},
      {"at_ms": 0, "outcome": "success", "repeat": 600000}]})");

  EXPECT_EQ(error.location(), "events[1].repeat");
  EXPECT_TRUE(contains(error.problem(), "at most 1000000 events")) << error.what();
}

TEST(ScenarioErrors, TimeBeyondMaximum) {
  const ScenarioError error = breaker_json_error(R"({"events": [
      {"at_ms": 999999999999, "outcome": "success", "duration_ms": 10}]})");

  EXPECT_EQ(error.location(), "events[0]");
  EXPECT_TRUE(contains(error.problem(), "at most 1e+12 ms")) << error.what();
}

TEST(ScenarioErrors, TripRuleWithTwoRules) {
  const ScenarioError error = breaker_json_error(R"({
      "config": {"ready_to_trip": {"consecutive_failures_over": 3, "failure_ratio_at_least": 0.5}},
      "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(error.location(), "config.ready_to_trip");
  EXPECT_TRUE(contains(error.problem(), "sets two rules")) << error.what();
}

TEST(ScenarioErrors, RatioOutOfRange) {
  const ScenarioError error = breaker_json_error(R"({
      "config": {"ready_to_trip": {"failure_ratio_at_least": 60}},
      "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(error.location(), "config.ready_to_trip.failure_ratio_at_least");
  EXPECT_TRUE(contains(error.problem(), "invalid value 60")) << error.what();
  EXPECT_TRUE(contains(error.problem(), "(0, 1]")) << error.what();
}

TEST(ScenarioErrors, MalformedJsonHasLineAndColumn) {
  const ScenarioError error = breaker_json_error("{\n  \"events\": [\n    {\"at_ms\": 0,}\n  ]\n}");

  EXPECT_EQ(error.location(), "line 3, column 17");  // the "}" after the trailing comma
  EXPECT_TRUE(contains(error.problem(), "invalid JSON")) << error.what();
  EXPECT_FALSE(contains(error.what(), "[json.exception")) << error.what();
}

TEST(ScenarioErrors, JsonNumberOverflow) {
  const ScenarioError error =
      breaker_json_error(R"({"events": [{"at_ms": 1e400, "outcome": "success"}]})");

  EXPECT_EQ(std::string(error.what()), "bad.json: invalid JSON: number overflow parsing '1e400'");
}

TEST(ScenarioErrors, EmptyJsonInput) {
  const ScenarioError error = breaker_json_error("");

  EXPECT_EQ(error.location(), "line 1, column 1");
  EXPECT_TRUE(contains(error.problem(), "invalid JSON")) << error.what();
}

TEST(ScenarioErrors, DuplicateJsonKey) {
  const ScenarioError error = breaker_json_error(R"({
      "config": {"timeout_ms": 1000, "timeout_ms": 2000},
      "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(error.location(), "config.timeout_ms");
  EXPECT_TRUE(contains(error.problem(), "duplicate key")) << error.what();
}

TEST(ScenarioErrors, DuplicateKeyInsideEventArray) {
  const ScenarioError error = breaker_json_error(R"({"events": [
      {"at_ms": 0, "outcome": "success"},
      {"at_ms": 0, "outcome": "success", "at_ms": 5}]})");

  EXPECT_EQ(error.location(), "events[1].at_ms");
}

TEST(ScenarioErrors, TopLevelArray) {
  const ScenarioError error = breaker_json_error("[1, 2]");

  EXPECT_EQ(error.location(), "");
  EXPECT_TRUE(contains(error.problem(), "expected a JSON object")) << error.what();
}

TEST(ScenarioErrors, BreakerScenarioGivenToLimiter) {
  const ScenarioError error = limiter_json_error(
      R"({"config": {"timeout_ms": 5000}, "events": [{"at_ms": 0, "outcome": "success"}]})");

  ASSERT_TRUE(error.found_kind().has_value());
  EXPECT_EQ(*error.found_kind(), ScenarioKind::kBreaker);
  EXPECT_TRUE(contains(error.problem(), "this is a breaker scenario")) << error.what();
  EXPECT_TRUE(contains(error.problem(), "config.timeout_ms")) << error.what();
}

TEST(ScenarioErrors, LimiterScenarioGivenToBreaker) {
  const ScenarioError error = breaker_json_error(
      R"({"config": {"limit_per_s": 10, "burst": 5}, "events": [{"at_ms": 0, "n": 1}]})");

  ASSERT_TRUE(error.found_kind().has_value());
  EXPECT_EQ(*error.found_kind(), ScenarioKind::kLimiter);
}

TEST(ScenarioErrors, LimiterEventsOnlyGivenToBreaker) {
  const ScenarioError error =
      breaker_json_error(R"({"events": [{"at_ms": 0}, {"at_ms": 5, "set_burst": 2}]})");

  ASSERT_TRUE(error.found_kind().has_value());
  EXPECT_TRUE(contains(error.problem(), "events[1].set_burst")) << error.what();
}

TEST(ScenarioErrors, MixedKindsReportTheUnknownKey) {
  const ScenarioError error = breaker_json_error(
      R"({"config": {"burst": 5}, "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_FALSE(error.found_kind().has_value());
  EXPECT_EQ(error.location(), "config.burst");
}

TEST(ScenarioErrors, LimiterMissingLimit) {
  const ScenarioError error =
      limiter_json_error(R"({"config": {"burst": 5}, "events": [{"at_ms": 0}]})");

  EXPECT_EQ(error.location(), "config.limit_per_s");
  EXPECT_TRUE(contains(error.problem(), "missing")) << error.what();
}

TEST(ScenarioErrors, LimiterLimitSpelledWrong) {
  const ScenarioError error = limiter_json_error(
      R"({"config": {"limit_per_s": "infinite", "burst": 5}, "events": [{"at_ms": 0}]})");

  EXPECT_EQ(error.location(), "config.limit_per_s");
  EXPECT_TRUE(contains(error.problem(), "invalid value \"infinite\"")) << error.what();
  EXPECT_TRUE(contains(error.problem(), "or \"inf\"")) << error.what();
}

TEST(ScenarioErrors, LimiterNegativeBurst) {
  const ScenarioError error = limiter_json_error(
      R"({"config": {"limit_per_s": 1, "burst": -1}, "events": [{"at_ms": 0}]})");

  EXPECT_EQ(error.location(), "config.burst");
}

TEST(ScenarioErrors, LimiterEventSetsTwoThings) {
  const ScenarioError error = limiter_json_error(R"({"config": {"limit_per_s": 1, "burst": 1},
      "events": [{"at_ms": 0, "set_limit_per_s": 2, "set_burst": 2}]})");

  EXPECT_EQ(error.location(), "events[0]");
  EXPECT_TRUE(contains(error.problem(), "one change per event")) << error.what();
}

TEST(ScenarioErrors, LimiterChangeWithRepeat) {
  const ScenarioError error = limiter_json_error(R"({"config": {"limit_per_s": 1, "burst": 1},
      "events": [{"at_ms": 0, "set_burst": 2, "repeat": 3}]})");

  EXPECT_EQ(error.location(), "events[0]");
  EXPECT_TRUE(contains(error.problem(), "mixes set_burst with n, repeat or every_ms"))
      << error.what();
}

TEST(ScenarioErrors, CsvBadNumberNamesLineAndColumn) {
  const ScenarioError error = breaker_csv_error(
      "# comment\n"
      "at_ms,outcome\n"
      "0,success\n"
      "1o0,failure\n");

  EXPECT_EQ(std::string(error.what()),
            "bad.csv: line 4, column at_ms: invalid value \"1o0\": expected milliseconds >= 0, "
            "e.g. 250 or 12.5");
}

TEST(ScenarioErrors, CsvBadConfigValueNamesLine) {
  const ScenarioError error = breaker_csv_error(
      "timeout_ms=5s\n"
      "at_ms,outcome\n"
      "0,success\n");

  EXPECT_EQ(error.location(), "line 1, key timeout_ms");
  EXPECT_TRUE(contains(error.problem(), "invalid value \"5s\"")) << error.what();
}

TEST(ScenarioErrors, CsvUnknownColumnNamesHeader) {
  const ScenarioError error = breaker_csv_error(
      "at_ms,outcom\n"
      "0,success\n");

  EXPECT_EQ(error.location(), "line 1, column outcom");
  EXPECT_TRUE(contains(error.problem(), "did you mean 'outcome'?")) << error.what();
}

TEST(ScenarioErrors, CsvHeaderWithoutOutcomeNamesHeaderLine) {
  const ScenarioError error = breaker_csv_error(
      "timeout_ms=5000\n"
      "# the outcome column is forgotten\n"
      "\n"
      "at_ms,duration_ms\n"
      "0,50\n");

  EXPECT_EQ(std::string(error.what()),
            "bad.csv: line 4: header has no column 'outcome': expected "
            "at_ms,outcome[,duration_ms,repeat,every_ms], in any order");
}

TEST(ScenarioErrors, CsvHeaderWithoutTimeNamesHeaderLine) {
  const ScenarioError breaker_error = breaker_csv_error(
      "outcome\n"
      "success\n");
  EXPECT_EQ(breaker_error.location(), "line 1");
  EXPECT_TRUE(contains(breaker_error.problem(), "header has no column 'at_ms'"))
      << breaker_error.what();

  const ScenarioError limiter_error = error_of([] {
    (void)parse_limiter_scenario("limit_per_s=1\nburst=1\nn\n1\n", ScenarioFormat::kCsv,
                                 "bad.csv");
  });
  EXPECT_EQ(std::string(limiter_error.what()),
            "bad.csv: line 3: header has no column 'at_ms': expected "
            "at_ms[,n,repeat,every_ms,set_limit_per_s,set_burst], in any order");
}

TEST(ScenarioErrors, CsvEmptyOutcomeCellNamesRow) {
  // The header has the column, so the row with the empty cell is the place to fix.
  const ScenarioError error = breaker_csv_error(
      "at_ms,outcome\n"
      "0,success\n"
      "10,\n");

  EXPECT_EQ(error.location(), "line 3, column outcome");
  EXPECT_TRUE(contains(error.problem(), "missing")) << error.what();
}

TEST(ScenarioErrors, CsvWrongCellCount) {
  const ScenarioError error = breaker_csv_error(
      "at_ms,outcome,duration_ms\n"
      "0,success\n");

  EXPECT_EQ(error.location(), "line 2");
  EXPECT_TRUE(contains(error.problem(), "2 cells, expected 3")) << error.what();
}

TEST(ScenarioErrors, CsvValueNotUtf8) {
  const ScenarioError error = breaker_csv_error(
      "at_ms,outcome\n0,succ\xff"
      "ess\n");

  EXPECT_EQ(error.location(), "line 2, column outcome");
  EXPECT_TRUE(contains(error.problem(),
                       "invalid value \"succ\xef\xbf\xbd"
                       "ess\""))
      << error.what();
}

TEST(ScenarioErrors, CsvWithoutHeader) {
  const ScenarioError error = breaker_csv_error("timeout_ms=5000\n# nothing else\n");

  EXPECT_EQ(error.location(), "");
  EXPECT_TRUE(contains(error.problem(), "no header row")) << error.what();
}

TEST(ScenarioErrors, CsvWithoutRows) {
  const ScenarioError error = breaker_csv_error("at_ms,outcome\n");

  EXPECT_EQ(error.location(), "line 1");
  EXPECT_TRUE(contains(error.problem(), "no event rows")) << error.what();
}

TEST(ScenarioErrors, CsvUnterminatedQuote) {
  const ScenarioError error = breaker_csv_error("at_ms,outcome\n0,\"success\n");

  EXPECT_EQ(error.location(), "line 2");
  EXPECT_TRUE(contains(error.problem(), "unterminated quoted cell")) << error.what();
}

TEST(ScenarioErrors, CsvConflictingConfigKeys) {
  const ScenarioError error = breaker_csv_error(
      "ready_to_trip=5\n"
      "ready_to_trip.min_requests=3\n"
      "at_ms,outcome\n"
      "0,success\n");

  EXPECT_EQ(error.location(), "line 2");
  EXPECT_TRUE(contains(error.problem(), "conflicts")) << error.what();
}

TEST(ScenarioErrors, CsvLimiterColumnsGivenToBreaker) {
  const ScenarioError error = breaker_csv_error(
      "limit_per_s=5\n"
      "burst=1\n"
      "at_ms,n\n"
      "0,1\n");

  ASSERT_TRUE(error.found_kind().has_value());
  EXPECT_TRUE(contains(error.problem(), "line 1, key limit_per_s")) << error.what();
}

TEST(ScenarioErrors, MissingFile) {
  const ScenarioError error =
      error_of([] { (void)read_breaker_scenario("/nonexistent/outage.json", std::nullopt); });

  EXPECT_EQ(error.source(), "/nonexistent/outage.json");
  EXPECT_TRUE(contains(error.problem(), "cannot open the file: No such file or directory"))
      << error.what();
}

TEST(ScenarioErrors, DirectoryReportedBeforeExtension) {
  // The directory has no extension, so naming the format would be the wrong fix to suggest.
  const std::filesystem::path directory =
      std::filesystem::path(::testing::TempDir()) / "simulator_errors_test_directory";
  std::filesystem::create_directories(directory);

  const ScenarioError error =
      error_of([&] { (void)read_breaker_scenario(directory, std::nullopt); });
  std::filesystem::remove(directory);

  EXPECT_EQ(error.source(), directory.string());
  EXPECT_TRUE(contains(error.problem(), "is a directory")) << error.what();
  EXPECT_FALSE(contains(error.problem(), "extension")) << error.what();
}

TEST(ScenarioErrors, UnknownExtension) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "simulator_errors_test.yaml";
  { std::ofstream(path) << "at_ms,outcome\n0,success\n"; }

  const ScenarioError error = error_of([&] { (void)read_breaker_scenario(path, std::nullopt); });
  std::filesystem::remove(path);

  EXPECT_TRUE(contains(error.problem(), "extension '.yaml'")) << error.what();
}

}  // namespace
}  // namespace paybench::simulator
