// A scenario file parsed into JSON values, whatever its format, and the shared checks that turn
// those values into a BreakerScenario or LimiterScenario. Internal to paybench_simulator.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/simulator/scenario.h"
#include "paybench/simulator/scenario_error.h"
#include "paybench/simulator/scenario_reader.h"

namespace paybench::simulator::detail {

// The parsed file: `root` is an object whose "config" is an object and whose "events" is an
// array of objects, when the file has them. CSV input stores every value as the text of its
// cell, and the readers below parse it where a number is expected.
struct ScenarioDocument {
  nlohmann::json root = nlohmann::json::object();
  std::string source;
  ScenarioFormat format = ScenarioFormat::kJson;

  // CSV only: where each config key and each event row is, and the header row.
  std::map<std::string, int, std::less<>> config_lines;  // dotted key -> line number
  std::vector<int> event_lines;                          // events[i] -> line number
  std::vector<std::string> columns;
  int header_line = 0;

  // Returns where a config key (dotted for nested keys, empty for the whole config) is, as a
  // JSON path ("config.timeout_ms") or a CSV line ("line 3, key timeout_ms").
  std::string config_location(std::string_view key) const;

  // Returns where an event, or one of its keys, is: "events[3].at_ms" or "line 9, column at_ms".
  std::string event_location(std::size_t index, std::string_view key = {}) const;

  [[noreturn]] void fail(std::string location, std::string problem) const;
};

// Parsers of the two file formats (scenario_json.cc, scenario_csv.cc).
ScenarioDocument parse_json_document(std::string_view text, std::string_view source);
ScenarioDocument parse_csv_document(std::string_view text, std::string_view source);

// Builders of the model (breaker_scenario.cc, limiter_scenario.cc).
BreakerScenario breaker_scenario_from(const ScenarioDocument& document);
LimiterScenario limiter_scenario_from(const ScenarioDocument& document);

// Throws ScenarioError::wrong_kind when the document has keys only the other component uses and
// none of `expected`'s own keys.
void reject_other_kind(const ScenarioDocument& document, ScenarioKind expected);

// Throws unless every key of `object` is in `allowed`. The error suggests the closest allowed
// key. `location_of(key)` returns the location of a key.
void check_keys(const ScenarioDocument& document, const nlohmann::json& object,
                std::span<const std::string_view> allowed,
                const std::function<std::string(const std::string&)>& location_of);

// Throws unless every CSV column is in `allowed`. Does nothing for JSON input.
void check_columns(const ScenarioDocument& document, std::span<const std::string_view> allowed);

// Throws at the header line unless the CSV header has every column of `required`, so that a
// missing column is reported once instead of at the first row. `header_form` is the expected
// header, with optional columns in brackets. Does nothing for JSON input.
void check_required_columns(const ScenarioDocument& document,
                            std::span<const std::string_view> required,
                            std::string_view header_form);

// Returns the value as an error message quotes it: its JSON text (CSV cells are strings), or
// "an object" or "an array".
std::string describe_value(const nlohmann::json& value);

// Throws ScenarioError at `location`: "invalid value <value>: expected <expected>".
[[noreturn]] void fail_invalid(const ScenarioDocument& document, const std::string& location,
                               const nlohmann::json& value, std::string_view expected);

// The value readers. Each throws ScenarioError at `location` quoting the bad value and the
// expected form. CSV text is parsed strictly: the whole cell must be the number.
std::chrono::nanoseconds read_milliseconds(const ScenarioDocument& document,
                                           const nlohmann::json& value,
                                           const std::string& location);
std::int64_t read_whole_number(const ScenarioDocument& document, const nlohmann::json& value,
                               const std::string& location, std::int64_t min, std::int64_t max);
double read_number(const ScenarioDocument& document, const nlohmann::json& value,
                   const std::string& location, std::string_view expected);
std::string read_text(const ScenarioDocument& document, const nlohmann::json& value,
                      const std::string& location, std::string_view expected);
// Events per second: a number >= 0, or "inf" for no limit.
double read_limit_per_s(const ScenarioDocument& document, const nlohmann::json& value,
                        const std::string& location);

// The times of one event entry after `repeat` and `every_ms`, checked so that the last one plus
// `extra_ms` (a call's duration) stays within kMaxScenarioTimeMs. `expanded_so_far` counts the
// events of earlier entries, to enforce kMaxScenarioEvents.
std::vector<std::chrono::nanoseconds> read_repeated_times(const ScenarioDocument& document,
                                                          const nlohmann::json& event,
                                                          std::size_t index, double extra_ms,
                                                          std::size_t expanded_so_far);

// Returns the events array, checked to be a non-empty array of objects.
const nlohmann::json& read_events(const ScenarioDocument& document);

// Returns the config object, or an empty object when the file has none and `required` is false.
const nlohmann::json& read_config(const ScenarioDocument& document, bool required,
                                  std::string_view required_keys);

}  // namespace paybench::simulator::detail
