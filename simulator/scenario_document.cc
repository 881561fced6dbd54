#include "scenario_document.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace paybench::simulator::detail {
namespace {

using nlohmann::json;

// Keys that only one component uses, to recognise a file written for the other one.
constexpr std::string_view kBreakerOnlyConfigKeys[] = {"name", "max_requests", "interval_ms",
                                                       "timeout_ms", "ready_to_trip"};
constexpr std::string_view kBreakerOnlyEventKeys[] = {"outcome", "duration_ms"};
constexpr std::string_view kLimiterOnlyConfigKeys[] = {"limit_per_s", "burst"};
constexpr std::string_view kLimiterOnlyEventKeys[] = {"n", "set_limit_per_s", "set_burst"};

constexpr std::string_view kMillisecondsForm = "milliseconds >= 0, e.g. 250 or 12.5";

// Levenshtein distance with one row of memory.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

bool is_text_input(const ScenarioDocument& document, const json& value) {
  return document.format == ScenarioFormat::kCsv && value.is_string();
}

// Parses the whole of `text` as a number. std::from_chars rejects leading spaces and '+'.
template <class Number>
bool parse_whole_text(const std::string& text, Number& number) {
  const char* end = text.data() + text.size();
  const auto [parsed_end, error] = std::from_chars(text.data(), end, number);
  return error == std::errc() && parsed_end == end && !text.empty();
}

// Returns the first key of `keys` that the document uses in its config or its events, as a
// location, or an empty string.
template <std::size_t ConfigCount, std::size_t EventCount>
std::string find_marker(const ScenarioDocument& document,
                        const std::string_view (&config_keys)[ConfigCount],
                        const std::string_view (&event_keys)[EventCount]) {
  const json* config = document.root.contains("config") ? &document.root["config"] : nullptr;
  for (std::string_view key : config_keys) {
    const bool in_json = config != nullptr && config->is_object() && config->contains(key);
    const bool in_csv = std::any_of(
        document.config_lines.begin(), document.config_lines.end(),
        [&](const auto& line) { return line.first.substr(0, line.first.find('.')) == key; });
    if (in_json || in_csv) return document.config_location(key);
  }

  for (std::string_view key : event_keys) {
    if (std::find(document.columns.begin(), document.columns.end(), key) !=
        document.columns.end()) {
      return fmt::format("line {}, column {}", document.header_line, key);
    }
    const json* events = document.root.contains("events") ? &document.root["events"] : nullptr;
    if (events == nullptr || !events->is_array()) continue;
    for (std::size_t i = 0; i < events->size(); ++i) {
      const json& event = (*events)[i];
      if (event.is_object() && event.contains(key)) return document.event_location(i, key);
    }
  }
  return "";
}

// Returns the error text for an unknown key: the key, the closest allowed one and the list.
std::string describe_unknown_key(std::string_view key, std::span<const std::string_view> allowed) {
  // A suggestion is offered only for a near miss: a few letters differ (at most 2, or a third of
  // the key), or the key lacks a suffix such as the unit in "timeout" for "timeout_ms".
  std::string_view closest;
  std::size_t closest_distance = std::numeric_limits<std::size_t>::max();
  for (std::string_view name : allowed) {
    const bool is_prefix = !key.empty() && name.starts_with(key);
    const std::size_t distance = is_prefix ? 0 : edit_distance(key, name);
    if (distance < closest_distance) {
      closest = name;
      closest_distance = distance;
    }
  }
  const bool is_near_miss = closest_distance <= std::max<std::size_t>(2, key.size() / 3);

  const std::string expected = fmt::format("{}", fmt::join(allowed, ", "));
  if (is_near_miss) {
    return fmt::format("unknown key '{}': did you mean '{}'? Expected one of {}", key, closest,
                       expected);
  }
  return fmt::format("unknown key '{}': expected one of {}", key, expected);
}

}  // namespace

std::string ScenarioDocument::config_location(std::string_view key) const {
  if (format == ScenarioFormat::kJson) {
    return key.empty() ? "config" : fmt::format("config.{}", key);
  }
  if (key.empty()) return "config lines";
  const auto line = config_lines.find(key);
  if (line == config_lines.end()) return fmt::format("config key {}", key);
  return fmt::format("line {}, key {}", line->second, key);
}

std::string ScenarioDocument::event_location(std::size_t index, std::string_view key) const {
  if (format == ScenarioFormat::kJson) {
    return key.empty() ? fmt::format("events[{}]", index)
                       : fmt::format("events[{}].{}", index, key);
  }
  const int line = index < event_lines.size() ? event_lines[index] : 0;
  return key.empty() ? fmt::format("line {}", line) : fmt::format("line {}, column {}", line, key);
}

void ScenarioDocument::fail(std::string location, std::string problem) const {
  throw ScenarioError(source, std::move(location), std::move(problem));
}

std::string describe_value(const json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  // CSV cells are not checked for UTF-8, so invalid bytes are replaced rather than thrown on.
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);

  // Enough to recognise the value, and short enough that a huge cell does not flood the terminal.
  constexpr std::size_t kMaxQuotedChars = 80;
  if (text.size() <= kMaxQuotedChars) return text;
  return fmt::format("{}... ({} characters)", text.substr(0, kMaxQuotedChars), text.size());
}

void fail_invalid(const ScenarioDocument& document, const std::string& location, const json& value,
                  std::string_view expected) {
  document.fail(location,
                fmt::format("invalid value {}: expected {}", describe_value(value), expected));
}

void reject_other_kind(const ScenarioDocument& document, ScenarioKind expected) {
  const std::string breaker_marker =
      find_marker(document, kBreakerOnlyConfigKeys, kBreakerOnlyEventKeys);
  const std::string limiter_marker =
      find_marker(document, kLimiterOnlyConfigKeys, kLimiterOnlyEventKeys);

  const bool is_limiter_file =
      expected == ScenarioKind::kBreaker && breaker_marker.empty() && !limiter_marker.empty();
  const bool is_breaker_file =
      expected == ScenarioKind::kLimiter && limiter_marker.empty() && !breaker_marker.empty();
  if (is_limiter_file) {
    throw ScenarioError::wrong_kind(document.source, ScenarioKind::kLimiter, limiter_marker);
  }
  if (is_breaker_file) {
    throw ScenarioError::wrong_kind(document.source, ScenarioKind::kBreaker, breaker_marker);
  }
}

void check_keys(const ScenarioDocument& document, const json& object,
                std::span<const std::string_view> allowed,
                const std::function<std::string(const std::string&)>& location_of) {
  for (const auto& item : object.items()) {
    const bool known = std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end();
    if (!known) document.fail(location_of(item.key()), describe_unknown_key(item.key(), allowed));
  }
}

void check_columns(const ScenarioDocument& document, std::span<const std::string_view> allowed) {
  for (const std::string& column : document.columns) {
    const bool known = std::find(allowed.begin(), allowed.end(), column) != allowed.end();
    if (!known) {
      document.fail(fmt::format("line {}, column {}", document.header_line, column),
                    describe_unknown_key(column, allowed));
    }
  }
}

void check_required_columns(const ScenarioDocument& document,
                            std::span<const std::string_view> required,
                            std::string_view header_form) {
  if (document.format != ScenarioFormat::kCsv) return;
  for (const std::string_view column : required) {
    const bool present =
        std::find(document.columns.begin(), document.columns.end(), column) !=
        document.columns.end();
    if (!present) {
      document.fail(fmt::format("line {}", document.header_line),
                    fmt::format("header has no column '{}': expected {}, in any order", column,
                                header_form));
    }
  }
}

std::chrono::nanoseconds read_milliseconds(const ScenarioDocument& document, const json& value,
                                           const std::string& location) {
  const double milliseconds = read_number(document, value, location, kMillisecondsForm);
  const bool in_range = milliseconds >= 0.0 && milliseconds <= kMaxScenarioTimeMs;
  if (!in_range) {
    fail_invalid(
        document, location, value,
        fmt::format("{}, at most {:g} (about 31.7 years)", kMillisecondsForm, kMaxScenarioTimeMs));
  }
  constexpr double kNanosecondsPerMillisecond = 1e6;
  return std::chrono::nanoseconds(std::llround(milliseconds * kNanosecondsPerMillisecond));
}

std::int64_t read_whole_number(const ScenarioDocument& document, const json& value,
                               const std::string& location, std::int64_t min, std::int64_t max) {
  const std::string expected = fmt::format("a whole number from {} to {}", min, max);

  std::int64_t number = 0;
  bool parsed = false;
  if (is_text_input(document, value)) {
    parsed = parse_whole_text(value.get<std::string>(), number);
  } else if (value.is_number_unsigned()) {
    const auto unsigned_number = value.get<std::uint64_t>();
    parsed = unsigned_number <= static_cast<std::uint64_t>(max);
    number = static_cast<std::int64_t>(std::min<std::uint64_t>(unsigned_number, max));
  } else if (value.is_number_integer()) {
    number = value.get<std::int64_t>();
    parsed = true;
  }

  if (!parsed || number < min || number > max) fail_invalid(document, location, value, expected);
  return number;
}

double read_number(const ScenarioDocument& document, const json& value, const std::string& location,
                   std::string_view expected) {
  double number = 0.0;
  bool parsed = false;
  if (is_text_input(document, value)) {
    parsed = parse_whole_text(value.get<std::string>(), number);
  } else if (value.is_number()) {
    number = value.get<double>();
    parsed = true;
  }

  if (!parsed || !std::isfinite(number)) fail_invalid(document, location, value, expected);
  return number;
}

std::string read_text(const ScenarioDocument& document, const json& value,
                      const std::string& location, std::string_view expected) {
  if (!value.is_string()) fail_invalid(document, location, value, expected);
  return value.get<std::string>();
}

double read_limit_per_s(const ScenarioDocument& document, const json& value,
                        const std::string& location) {
  constexpr std::string_view kLimitForm = "events per second >= 0, e.g. 10 or 0.5, or \"inf\"";
  if (value.is_string() && value.get<std::string>() == "inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (value.is_string() && !is_text_input(document, value)) {
    fail_invalid(document, location, value, kLimitForm);
  }

  const double limit = read_number(document, value, location, kLimitForm);
  if (limit < 0.0) fail_invalid(document, location, value, kLimitForm);
  return limit;
}

std::vector<std::chrono::nanoseconds> read_repeated_times(const ScenarioDocument& document,
                                                          const json& event, std::size_t index,
                                                          double extra_ms,
                                                          std::size_t expanded_so_far) {
  if (!event.contains("at_ms")) {
    document.fail(document.event_location(index, "at_ms"),
                  fmt::format("missing: expected the event's time in {}", kMillisecondsForm));
  }
  const std::chrono::nanoseconds at =
      read_milliseconds(document, event["at_ms"], document.event_location(index, "at_ms"));

  std::int64_t repeat = 1;
  if (event.contains("repeat")) {
    repeat = read_whole_number(document, event["repeat"], document.event_location(index, "repeat"),
                               1, static_cast<std::int64_t>(kMaxScenarioEvents));
  }
  std::chrono::nanoseconds every{0};
  if (event.contains("every_ms")) {
    every =
        read_milliseconds(document, event["every_ms"], document.event_location(index, "every_ms"));
  }

  const bool too_many = expanded_so_far + static_cast<std::size_t>(repeat) > kMaxScenarioEvents;
  if (too_many) {
    document.fail(document.event_location(index, "repeat"),
                  fmt::format("the scenario expands to more than {} events with this repeat of "
                              "{}: expected at most {} events in all",
                              kMaxScenarioEvents, repeat, kMaxScenarioEvents));
  }

  using Milliseconds = std::chrono::duration<double, std::milli>;
  const double last_ms = Milliseconds(at).count() +
                         static_cast<double>(repeat - 1) * Milliseconds(every).count() + extra_ms;
  if (last_ms > kMaxScenarioTimeMs) {
    document.fail(document.event_location(index),
                  fmt::format("the last repetition ends at {:g} ms: expected at most {:g} ms "
                              "(about 31.7 years); lower at_ms, repeat, every_ms or duration_ms",
                              last_ms, kMaxScenarioTimeMs));
  }

  std::vector<std::chrono::nanoseconds> times;
  times.reserve(static_cast<std::size_t>(repeat));
  for (std::int64_t i = 0; i < repeat; ++i) times.push_back(at + i * every);
  return times;
}

const json& read_events(const ScenarioDocument& document) {
  if (!document.root.contains("events")) {
    document.fail("events", "missing: expected an array of event objects");
  }
  const json& events = document.root["events"];
  if (!events.is_array()) {
    fail_invalid(document, "events", events, "an array of event objects");
  }
  if (events.empty()) {
    const bool is_csv = document.format == ScenarioFormat::kCsv;
    document.fail(is_csv ? fmt::format("line {}", document.header_line) : "events",
                  is_csv ? "no event rows after the header: expected at least one row"
                         : "empty: expected at least one event");
  }
  if (events.size() > kMaxScenarioEvents) {
    document.fail("events", fmt::format("{} events: expected at most {} events in all",
                                        events.size(), kMaxScenarioEvents));
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!events[i].is_object()) {
      fail_invalid(document, document.event_location(i), events[i], "an event object");
    }
  }
  return events;
}

const json& read_config(const ScenarioDocument& document, bool required,
                        std::string_view required_keys) {
  static const json kEmptyConfig = json::object();
  if (!document.root.contains("config")) {
    if (!required) return kEmptyConfig;
    document.fail("config", fmt::format("missing: expected an object with {}", required_keys));
  }
  const json& config = document.root["config"];
  if (!config.is_object()) {
    fail_invalid(document, "config", config, "an object");
  }
  return config;
}

}  // namespace paybench::simulator::detail
