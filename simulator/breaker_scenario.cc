// Validation of breaker scenarios: config {name, max_requests, interval_ms, timeout_ms,
// ready_to_trip} and call events {at_ms, outcome, duration_ms, repeat, every_ms}.
#include <fmt/format.h>

#include <limits>

#include "scenario_document.h"

namespace paybench::simulator::detail {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxCount = std::numeric_limits<std::uint32_t>::max();

constexpr std::string_view kTopLevelKeys[] = {"config", "events"};
constexpr std::string_view kConfigKeys[] = {"name", "max_requests", "interval_ms", "timeout_ms",
                                            "ready_to_trip"};
constexpr std::string_view kTripRuleKeys[] = {"consecutive_failures_over", "failure_ratio_at_least",
                                              "min_requests"};
constexpr std::string_view kEventKeys[] = {"at_ms", "outcome", "duration_ms", "repeat", "every_ms"};
constexpr std::string_view kRequiredEventKeys[] = {"at_ms", "outcome"};
constexpr std::string_view kCsvHeaderForm = "at_ms,outcome[,duration_ms,repeat,every_ms]";

constexpr std::string_view kTripRuleForm =
    "{\"consecutive_failures_over\": N} or {\"failure_ratio_at_least\": R, \"min_requests\": N} "
    "with R in (0, 1]";

TripRule read_trip_rule(const ScenarioDocument& document, const json& rule) {
  const auto location = [&](std::string_view key) {
    return document.config_location(key.empty() ? std::string("ready_to_trip")
                                                : fmt::format("ready_to_trip.{}", key));
  };
  if (!rule.is_object()) {
    fail_invalid(document, location(""), rule, kTripRuleForm);
  }
  check_keys(document, rule, kTripRuleKeys, [&](const std::string& key) { return location(key); });

  const bool has_consecutive = rule.contains("consecutive_failures_over");
  const bool has_ratio = rule.contains("failure_ratio_at_least");
  if (has_consecutive == has_ratio) {
    document.fail(location(""),
                  fmt::format("{}: expected {}", has_ratio ? "sets two rules" : "sets no rule",
                              kTripRuleForm));
  }

  TripRule trip_rule;
  if (has_consecutive) {
    if (rule.contains("min_requests")) {
      document.fail(location("min_requests"),
                    "applies only to failure_ratio_at_least: remove it, or use a ratio rule");
    }
    trip_rule.kind = TripRule::Kind::kConsecutiveFailures;
    trip_rule.consecutive_failures_over = static_cast<std::uint32_t>(
        read_whole_number(document, rule["consecutive_failures_over"],
                          location("consecutive_failures_over"), 0, kMaxCount));
    return trip_rule;
  }

  trip_rule.kind = TripRule::Kind::kFailureRatio;
  constexpr std::string_view kRatioForm = "a ratio of failures to requests in (0, 1], e.g. 0.6";
  const std::string ratio_location = location("failure_ratio_at_least");
  trip_rule.failure_ratio_at_least =
      read_number(document, rule["failure_ratio_at_least"], ratio_location, kRatioForm);
  const bool ratio_in_range =
      trip_rule.failure_ratio_at_least > 0.0 && trip_rule.failure_ratio_at_least <= 1.0;
  if (!ratio_in_range) {
    fail_invalid(document, ratio_location, rule["failure_ratio_at_least"], kRatioForm);
  }
  if (rule.contains("min_requests")) {
    trip_rule.min_requests = static_cast<std::uint32_t>(
        read_whole_number(document, rule["min_requests"], location("min_requests"), 1, kMaxCount));
  }
  return trip_rule;
}

BreakerConfig read_breaker_config(const ScenarioDocument& document) {
  const json& config = read_config(document, false, "");
  check_keys(document, config, kConfigKeys,
             [&](const std::string& key) { return document.config_location(key); });

  BreakerConfig breaker;
  if (config.contains("name")) {
    breaker.name = read_text(document, config["name"], document.config_location("name"),
                             "the breaker's name as a string");
  }
  if (config.contains("max_requests")) {
    breaker.max_requests = static_cast<std::uint32_t>(read_whole_number(
        document, config["max_requests"], document.config_location("max_requests"), 0, kMaxCount));
  }
  if (config.contains("interval_ms")) {
    breaker.interval =
        read_milliseconds(document, config["interval_ms"], document.config_location("interval_ms"));
  }
  if (config.contains("timeout_ms")) {
    breaker.timeout =
        read_milliseconds(document, config["timeout_ms"], document.config_location("timeout_ms"));
  }
  if (config.contains("ready_to_trip")) {
    breaker.ready_to_trip = read_trip_rule(document, config["ready_to_trip"]);
  }
  return breaker;
}

CallOutcome read_outcome(const ScenarioDocument& document, const json& event, std::size_t index) {
  constexpr std::string_view kOutcomeForm = "\"success\" or \"failure\"";
  const std::string location = document.event_location(index, "outcome");
  if (!event.contains("outcome")) {
    document.fail(location, fmt::format("missing: expected {}", kOutcomeForm));
  }

  const std::string outcome = read_text(document, event["outcome"], location, kOutcomeForm);
  if (outcome == "success") return CallOutcome::kSuccess;
  if (outcome == "failure") return CallOutcome::kFailure;
  fail_invalid(document, location, event["outcome"], kOutcomeForm);
}

// Reads one event entry and appends its expansion to `calls`.
void read_breaker_event(const ScenarioDocument& document, const json& event, std::size_t index,
                        std::vector<BreakerCall>& calls) {
  BreakerCall call;
  call.outcome = read_outcome(document, event, index);
  if (event.contains("duration_ms")) {
    call.duration = read_milliseconds(document, event["duration_ms"],
                                      document.event_location(index, "duration_ms"));
  }

  using Milliseconds = std::chrono::duration<double, std::milli>;
  const double duration_ms = Milliseconds(call.duration).count();
  for (const std::chrono::nanoseconds arrival :
       read_repeated_times(document, event, index, duration_ms, calls.size())) {
    call.arrival = arrival;
    calls.push_back(call);
  }
}

}  // namespace

BreakerScenario breaker_scenario_from(const ScenarioDocument& document) {
  reject_other_kind(document, ScenarioKind::kBreaker);
  check_keys(document, document.root, kTopLevelKeys, [](const std::string& key) { return key; });
  check_columns(document, kEventKeys);
  check_required_columns(document, kRequiredEventKeys, kCsvHeaderForm);

  BreakerScenario scenario;
  scenario.config = read_breaker_config(document);

  const json& events = read_events(document);
  for (std::size_t i = 0; i < events.size(); ++i) {
    check_keys(document, events[i], kEventKeys,
               [&](const std::string& key) { return document.event_location(i, key); });
    read_breaker_event(document, events[i], i, scenario.calls);
  }
  return scenario;
}

}  // namespace paybench::simulator::detail
