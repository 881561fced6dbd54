// Validation of limiter scenarios: config {limit_per_s, burst} and request or config-change
// events.
#include <fmt/format.h>

#include <limits>

#include "scenario_document.h"

namespace paybench::simulator::detail {
namespace {

using nlohmann::json;

constexpr int kMaxTokens = std::numeric_limits<int>::max();

constexpr std::string_view kTopLevelKeys[] = {"config", "events"};
constexpr std::string_view kConfigKeys[] = {"limit_per_s", "burst"};
constexpr std::string_view kEventKeys[] = {"at_ms",           "n",        "repeat", "every_ms",
                                           "set_limit_per_s", "set_burst"};
constexpr std::string_view kRequiredEventKeys[] = {"at_ms"};
constexpr std::string_view kCsvHeaderForm = "at_ms[,n,repeat,every_ms,set_limit_per_s,set_burst]";

LimiterConfig read_limiter_config(const ScenarioDocument& document) {
  const json& config = read_config(document, true, "limit_per_s and burst");
  check_keys(document, config, kConfigKeys,
             [&](const std::string& key) { return document.config_location(key); });

  LimiterConfig limiter;
  if (!config.contains("limit_per_s")) {
    document.fail(document.config_location("limit_per_s"),
                  "missing: expected events per second >= 0, or \"inf\" for no limit");
  }
  limiter.limit_per_s =
      read_limit_per_s(document, config["limit_per_s"], document.config_location("limit_per_s"));

  if (!config.contains("burst")) {
    document.fail(document.config_location("burst"),
                  "missing: expected the bucket size in tokens, a whole number >= 0");
  }
  limiter.burst = static_cast<int>(read_whole_number(
      document, config["burst"], document.config_location("burst"), 0, kMaxTokens));
  return limiter;
}

// Reads one event entry and appends its expansion to `events`.
void read_limiter_event(const ScenarioDocument& document, const json& event, std::size_t index,
                        std::vector<LimiterEvent>& events) {
  const bool sets_limit = event.contains("set_limit_per_s");
  const bool sets_burst = event.contains("set_burst");
  const bool has_request_key =
      event.contains("n") || event.contains("repeat") || event.contains("every_ms");

  if (sets_limit && sets_burst) {
    document.fail(document.event_location(index),
                  "sets both set_limit_per_s and set_burst: expected one change per event; use "
                  "two events at the same at_ms, applied in file order");
  }
  if ((sets_limit || sets_burst) && has_request_key) {
    document.fail(document.event_location(index),
                  fmt::format("mixes {} with n, repeat or every_ms: expected either a request "
                              "(at_ms, n, repeat, every_ms) or one config change",
                              sets_limit ? "set_limit_per_s" : "set_burst"));
  }

  LimiterEvent base;
  if (sets_limit) {
    base.kind = LimiterEvent::Kind::kSetLimit;
    base.limit_per_s = read_limit_per_s(document, event["set_limit_per_s"],
                                        document.event_location(index, "set_limit_per_s"));
  } else if (sets_burst) {
    base.kind = LimiterEvent::Kind::kSetBurst;
    base.burst = static_cast<int>(read_whole_number(
        document, event["set_burst"], document.event_location(index, "set_burst"), 0, kMaxTokens));
  } else if (event.contains("n")) {
    base.n = static_cast<int>(read_whole_number(
        document, event["n"], document.event_location(index, "n"), 0, kMaxTokens));
  }

  for (const std::chrono::nanoseconds at :
       read_repeated_times(document, event, index, 0.0, events.size())) {
    LimiterEvent expanded = base;
    expanded.at = at;
    events.push_back(expanded);
  }
}

}  // namespace

LimiterScenario limiter_scenario_from(const ScenarioDocument& document) {
  reject_other_kind(document, ScenarioKind::kLimiter);
  check_keys(document, document.root, kTopLevelKeys, [](const std::string& key) { return key; });
  check_columns(document, kEventKeys);
  check_required_columns(document, kRequiredEventKeys, kCsvHeaderForm);

  LimiterScenario scenario;
  scenario.config = read_limiter_config(document);

  const json& events = read_events(document);
  for (std::size_t i = 0; i < events.size(); ++i) {
    check_keys(document, events[i], kEventKeys,
               [&](const std::string& key) { return document.event_location(i, key); });
    read_limiter_event(document, events[i], i, scenario.events);
  }
  return scenario;
}

}  // namespace paybench::simulator::detail
