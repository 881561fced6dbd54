// The JSON renderer: the config as replayed, the events, the transitions and the summary.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "output_text.h"
#include "paybench/simulator/breaker_timeline.h"
#include "paybench/simulator/limiter_timeline.h"
#include "paybench/simulator/output.h"

namespace paybench::simulator {
namespace {

using Json = nlohmann::ordered_json;

// Returns the document indented by 2 spaces. A breaker name read from CSV may contain bytes that
// are not UTF-8, which become U+FFFD instead of failing the output.
std::string dump_document(const Json& document) {
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json limiter_event_json(const LimiterRow& row) {
  Json event;
  event["time_ms"] = detail::json_ms(row.time);
  event["event"] = to_string(row.kind);
  switch (row.kind) {
    case LimiterEvent::Kind::kRequest:
      event["request"] = row.request;
      event["n"] = row.n;
      event["outcome"] = to_string(row.decision);
      break;
    case LimiterEvent::Kind::kSetLimit:
      event["previous_limit_per_s"] = detail::json_limit(row.previous_limit_per_s);
      break;
    case LimiterEvent::Kind::kSetBurst:
      event["previous_burst"] = row.previous_burst;
      break;
  }
  event["tokens"] = row.tokens;
  event["limit_per_s"] = detail::json_limit(row.limit_per_s);
  event["burst"] = row.burst;
  return event;
}

Json counts_json(const BreakerCounts& counts) {
  return {{"requests", counts.requests},
          {"total_successes", counts.total_successes},
          {"total_failures", counts.total_failures},
          {"consecutive_successes", counts.consecutive_successes},
          {"consecutive_failures", counts.consecutive_failures}};
}

Json trip_rule_json(const TripRule& rule) {
  if (rule.kind == TripRule::Kind::kFailureRatio) {
    return {{"failure_ratio_at_least", rule.failure_ratio_at_least},
            {"min_requests", rule.min_requests}};
  }
  return {{"consecutive_failures_over", rule.consecutive_failures_over}};
}

Json breaker_config_json(const BreakerConfig& config) {
  return {{"name", config.name},
          {"max_requests", config.effective_max_requests()},
          {"interval_ms", detail::json_ms(config.interval)},
          {"timeout_ms", detail::json_ms(config.effective_timeout())},
          {"ready_to_trip", trip_rule_json(config.ready_to_trip)}};
}

Json breaker_event_json(const BreakerRow& row) {
  Json event;
  event["time_ms"] = detail::json_ms(row.time);
  event["event"] = to_string(row.kind);
  event["call"] = row.call;
  if (row.kind == BreakerRow::Kind::kArrival) {
    event["scenario_outcome"] = to_string(row.scenario_outcome);
  }
  if (row.kind == BreakerRow::Kind::kCompletion) {
    event["reported"] = to_string(row.scenario_outcome);
  }
  event["outcome"] = describe_outcome(row);
  if (row.decision == BreakerDecision::kAllowed || row.kind == BreakerRow::Kind::kCompletion) {
    event["call_generation"] = row.call_generation;
  }
  event["state"] = to_string(row.state);
  event["generation"] = row.generation;
  event["counts"] = counts_json(row.counts);
  return event;
}

// Returns a time in milliseconds, or null when there is none.
Json optional_json_ms(const std::optional<std::chrono::nanoseconds>& time) {
  return time ? detail::json_ms(*time) : Json(nullptr);
}

Json open_periods_json(const std::vector<OpenPeriod>& periods) {
  Json array = Json::array();
  for (const OpenPeriod& period : periods) {
    array.push_back({{"from_ms", detail::json_ms(period.from)},
                     {"to_ms", optional_json_ms(period.to)},
                     {"open_ms", detail::json_ms(period.open)},
                     {"rejected_open", period.rejected_open},
                     {"rejected_scenario_success", period.rejected_scenario_success}});
  }
  return array;
}

Json breaker_summary_json(const BreakerSummary& summary) {
  const RejectedScenarioSuccesses& rejected = summary.rejected_scenario_success;
  return {{"calls", summary.calls},
          {"allowed", summary.allowed},
          {"rejected_open", summary.rejected_open},
          {"rejected_too_many_requests", summary.rejected_too_many_requests},
          {"rejected_scenario_success",
           {{"calls", rejected.calls},
            {"first_ms", optional_json_ms(rejected.first)},
            {"last_ms", optional_json_ms(rejected.last)}}},
          {"successes_counted", summary.successes_counted},
          {"failures_counted", summary.failures_counted},
          {"ignored_generation_ended", summary.ignored_generation_ended},
          {"transitions", summary.transitions},
          {"open_ms", detail::json_ms(summary.open)},
          {"open_periods", open_periods_json(summary.open_periods)},
          {"end_ms", detail::json_ms(summary.end)},
          {"final_state", to_string(summary.final_state)},
          {"final_generation", summary.final_generation}};
}

}  // namespace

std::string render_json(const BreakerTimeline& timeline) {
  Json document;
  document["component"] = "breaker";
  document["config"] = breaker_config_json(timeline.config);
  document["events"] = Json::array();
  document["transitions"] = Json::array();

  // Each transition names the index in "events" of the arrival or completion that caused it.
  for (const BreakerRow& row : timeline.rows) {
    if (row.kind != BreakerRow::Kind::kTransition) {
      document["events"].push_back(breaker_event_json(row));
      continue;
    }
    document["transitions"].push_back({{"time_ms", detail::json_ms(row.time)},
                                       {"from", to_string(row.from)},
                                       {"to", to_string(row.state)},
                                       {"generation", row.generation},
                                       {"caused_by_event", document["events"].size() - 1}});
  }

  document["summary"] = breaker_summary_json(timeline.summary);
  return dump_document(document);
}

std::string render_json(const LimiterTimeline& timeline) {
  Json document;
  document["component"] = "limiter";
  document["config"] = {{"limit_per_s", detail::json_limit(timeline.config.limit_per_s)},
                        {"burst", timeline.config.burst}};

  document["events"] = Json::array();
  for (const LimiterRow& row : timeline.rows) document["events"].push_back(limiter_event_json(row));

  const LimiterSummary& summary = timeline.summary;
  document["summary"] = {{"requests", summary.requests},
                         {"allowed", summary.allowed},
                         {"rejected_not_enough_tokens", summary.rejected_not_enough_tokens},
                         {"rejected_exceeds_burst", summary.rejected_exceeds_burst},
                         {"tokens_requested", summary.tokens_requested},
                         {"tokens_allowed", summary.tokens_allowed},
                         {"config_changes", summary.config_changes},
                         {"end_ms", detail::json_ms(summary.end)},
                         {"final_tokens", summary.final_tokens}};
  return dump_document(document);
}

}  // namespace paybench::simulator
