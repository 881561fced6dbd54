// Reading valid scenarios: values, defaults, repetitions and the equivalence of JSON and CSV.
#include "paybench/simulator/scenario_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

namespace paybench::simulator {
namespace {

using namespace std::chrono_literals;

BreakerScenario parse_breaker_json(const std::string& text) {
  return parse_breaker_scenario(text, ScenarioFormat::kJson, "test.json");
}

BreakerScenario parse_breaker_csv(const std::string& text) {
  return parse_breaker_scenario(text, ScenarioFormat::kCsv, "test.csv");
}

TEST(BreakerScenarioJson, ReadsEveryConfigKey) {
  const BreakerScenario scenario = parse_breaker_json(R"({
    "config": {"name": "psp-gateway", "max_requests": 3, "interval_ms": 2500,
               "timeout_ms": 30000, "ready_to_trip": {"consecutive_failures_over": 4}},
    "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(scenario.config.name, "psp-gateway");
  EXPECT_EQ(scenario.config.max_requests, 3u);
  EXPECT_EQ(scenario.config.interval, 2500ms);
  EXPECT_EQ(scenario.config.timeout, 30000ms);
  EXPECT_EQ(scenario.config.ready_to_trip.kind, TripRule::Kind::kConsecutiveFailures);
  EXPECT_EQ(scenario.config.ready_to_trip.consecutive_failures_over, 4u);
}

TEST(BreakerScenarioJson, DefaultsWithoutConfig) {
  const BreakerScenario scenario =
      parse_breaker_json(R"({"events": [{"at_ms": 5, "outcome": "failure"}]})");

  EXPECT_EQ(scenario.config.name, "breaker");
  EXPECT_EQ(scenario.config.max_requests, 0u);
  EXPECT_EQ(scenario.config.effective_max_requests(), 1u);
  EXPECT_EQ(scenario.config.interval, 0ns);
  EXPECT_EQ(scenario.config.effective_timeout(), 60s);
  EXPECT_EQ(scenario.config.ready_to_trip.kind, TripRule::Kind::kDefault);
  ASSERT_EQ(scenario.calls.size(), 1u);
  EXPECT_EQ(scenario.calls[0].arrival, 5ms);
  EXPECT_EQ(scenario.calls[0].duration, 0ns);
  EXPECT_EQ(scenario.calls[0].outcome, CallOutcome::kFailure);
}

TEST(BreakerScenarioJson, FailureRatioRule) {
  const BreakerScenario scenario = parse_breaker_json(R"({
    "config": {"ready_to_trip": {"failure_ratio_at_least": 0.6, "min_requests": 3}},
    "events": [{"at_ms": 0, "outcome": "success"}]})");

  EXPECT_EQ(scenario.config.ready_to_trip.kind, TripRule::Kind::kFailureRatio);
  EXPECT_DOUBLE_EQ(scenario.config.ready_to_trip.failure_ratio_at_least, 0.6);
  EXPECT_EQ(scenario.config.ready_to_trip.min_requests, 3u);
}

TEST(BreakerScenarioJson, RepeatExpandsInFileOrder) {
  const BreakerScenario scenario = parse_breaker_json(R"({"events": [
    {"at_ms": 100, "outcome": "failure", "duration_ms": 5000, "repeat": 3, "every_ms": 50},
    {"at_ms": 0, "outcome": "success", "duration_ms": 20}]})");

  ASSERT_EQ(scenario.calls.size(), 4u);
  EXPECT_EQ(scenario.calls[0].arrival, 100ms);
  EXPECT_EQ(scenario.calls[1].arrival, 150ms);
  EXPECT_EQ(scenario.calls[2].arrival, 200ms);
  EXPECT_EQ(scenario.calls[2].duration, 5000ms);
  EXPECT_EQ(scenario.calls[2].outcome, CallOutcome::kFailure);
  EXPECT_EQ(scenario.calls[3].arrival, 0ms);
  EXPECT_EQ(scenario.calls[3].outcome, CallOutcome::kSuccess);
}

TEST(BreakerScenarioJson, RepeatWithoutEveryStacksCalls) {
  const BreakerScenario scenario =
      parse_breaker_json(R"({"events": [{"at_ms": 7, "outcome": "success", "repeat": 3}]})");

  ASSERT_EQ(scenario.calls.size(), 3u);
  for (const BreakerCall& call : scenario.calls) EXPECT_EQ(call.arrival, 7ms);
}

TEST(BreakerScenarioJson, FractionalMillisecondsRoundToNanoseconds) {
  const BreakerScenario scenario = parse_breaker_json(
      R"({"events": [{"at_ms": 12.5, "outcome": "success", "duration_ms": 0.0000004}]})");

  EXPECT_EQ(scenario.calls[0].arrival, 12'500'000ns);
  EXPECT_EQ(scenario.calls[0].duration, 0ns);
}

TEST(BreakerScenarioCsv, MatchesJson) {
  const BreakerScenario from_csv = parse_breaker_csv(
      "# a gateway that fails for a while\n"
      "name=psp-gateway\n"
      "max_requests=2\r\n"
      "timeout_ms=30000\n"
      "ready_to_trip.failure_ratio_at_least=0.5\n"
      "ready_to_trip.min_requests=4\n"
      "\n"
      "at_ms,outcome,duration_ms,repeat,every_ms\n"
      "0,success,20,,\n"
      "# the outage\n"
      " 100 , failure , 5000 , 10 , 50 \n");
  const BreakerScenario from_json = parse_breaker_json(R"({
    "config": {"name": "psp-gateway", "max_requests": 2, "timeout_ms": 30000,
               "ready_to_trip": {"failure_ratio_at_least": 0.5, "min_requests": 4}},
    "events": [{"at_ms": 0, "outcome": "success", "duration_ms": 20},
               {"at_ms": 100, "outcome": "failure", "duration_ms": 5000, "repeat": 10,
                "every_ms": 50}]})");

  EXPECT_EQ(from_csv.config.name, from_json.config.name);
  EXPECT_EQ(from_csv.config.max_requests, from_json.config.max_requests);
  EXPECT_EQ(from_csv.config.timeout, from_json.config.timeout);
  EXPECT_EQ(from_csv.config.ready_to_trip.kind, from_json.config.ready_to_trip.kind);
  EXPECT_EQ(from_csv.config.ready_to_trip.min_requests, 4u);
  ASSERT_EQ(from_csv.calls.size(), 11u);
  ASSERT_EQ(from_csv.calls.size(), from_json.calls.size());
  for (std::size_t i = 0; i < from_csv.calls.size(); ++i) {
    EXPECT_EQ(from_csv.calls[i].arrival, from_json.calls[i].arrival) << "call " << i;
    EXPECT_EQ(from_csv.calls[i].duration, from_json.calls[i].duration) << "call " << i;
    EXPECT_EQ(from_csv.calls[i].outcome, from_json.calls[i].outcome) << "call " << i;
  }
}

TEST(BreakerScenarioCsv, QuotedCells) {
  const BreakerScenario scenario = parse_breaker_csv(
      "name=gateway, eu\n"
      "\"at_ms\",outcome\n"
      "\"10\",\"success\"\n");

  EXPECT_EQ(scenario.config.name, "gateway, eu");
  ASSERT_EQ(scenario.calls.size(), 1u);
  EXPECT_EQ(scenario.calls[0].arrival, 10ms);
}

TEST(LimiterScenarioJson, ReadsRequestsAndChanges) {
  const LimiterScenario scenario = parse_limiter_scenario(R"({
    "config": {"limit_per_s": 10, "burst": 5},
    "events": [{"at_ms": 0, "n": 2, "repeat": 2, "every_ms": 10},
               {"at_ms": 500, "set_limit_per_s": "inf"},
               {"at_ms": 600, "set_burst": 2},
               {"at_ms": 700}]})",
                                                          ScenarioFormat::kJson, "test.json");

  EXPECT_DOUBLE_EQ(scenario.config.limit_per_s, 10.0);
  EXPECT_EQ(scenario.config.burst, 5);
  ASSERT_EQ(scenario.events.size(), 5u);
  EXPECT_EQ(scenario.events[1].at, 10ms);
  EXPECT_EQ(scenario.events[1].n, 2);
  EXPECT_EQ(scenario.events[2].kind, LimiterEvent::Kind::kSetLimit);
  EXPECT_TRUE(std::isinf(scenario.events[2].limit_per_s));
  EXPECT_EQ(scenario.events[3].kind, LimiterEvent::Kind::kSetBurst);
  EXPECT_EQ(scenario.events[3].burst, 2);
  EXPECT_EQ(scenario.events[4].kind, LimiterEvent::Kind::kRequest);
  EXPECT_EQ(scenario.events[4].n, 1);
}

TEST(LimiterScenarioCsv, ChangeColumns) {
  const LimiterScenario scenario = parse_limiter_scenario(
      "limit_per_s=inf\n"
      "burst=3\n"
      "at_ms,n,set_limit_per_s,set_burst\n"
      "0,2,,\n"
      "50,,0.5,\n"
      "60,,,1\n",
      ScenarioFormat::kCsv, "test.csv");

  EXPECT_TRUE(std::isinf(scenario.config.limit_per_s));
  ASSERT_EQ(scenario.events.size(), 3u);
  EXPECT_EQ(scenario.events[0].n, 2);
  EXPECT_EQ(scenario.events[1].kind, LimiterEvent::Kind::kSetLimit);
  EXPECT_DOUBLE_EQ(scenario.events[1].limit_per_s, 0.5);
  EXPECT_EQ(scenario.events[2].kind, LimiterEvent::Kind::kSetBurst);
  EXPECT_EQ(scenario.events[2].burst, 1);
}

TEST(ScenarioFile, FormatFromExtension) {
  EXPECT_EQ(format_from_extension("a/b.json"), ScenarioFormat::kJson);
  EXPECT_EQ(format_from_extension("B.CSV"), ScenarioFormat::kCsv);
  EXPECT_EQ(format_from_extension("scenario.txt"), std::nullopt);
  EXPECT_EQ(format_from_extension("scenario"), std::nullopt);
}

TEST(ScenarioFile, ReadsFileInGivenFormat) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "simulator_scenario_test.txt";
  {
    std::ofstream file(path);
    file << "limit_per_s=1\nburst=1\nat_ms\n0\n";
  }

  const LimiterScenario scenario = read_limiter_scenario(path, ScenarioFormat::kCsv);
  std::filesystem::remove(path);

  ASSERT_EQ(scenario.events.size(), 1u);
  EXPECT_EQ(scenario.events[0].n, 1);
}

}  // namespace
}  // namespace paybench::simulator
