#include "paybench/reports/gate_thresholds.h"

#include <fnmatch.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "json_parse_error.h"
#include "paybench/reports/input_file.h"
#include "paybench/reports/input_text.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::json;

// The largest floor accepted: one second per op.
constexpr double kMaxMinDelta = 1e9;

// Quotes a value in an error, shortened when long. Arrays and objects are named by their type
// only: their text could be any size.
std::string describe(const Json& value) {
  if (value.is_array() || value.is_object()) return std::string("an ") + value.type_name();
  return shorten_input(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void reject_unknown_keys(const Json& object, const std::set<std::string, std::less<>>& known,
                         const std::string& source, const std::string& path) {
  for (const auto& [key, value] : object.items()) {
    if (known.contains(key)) continue;
    std::string expected;
    for (const std::string& name : known) expected += (expected.empty() ? "" : ", ") + name;
    const std::string shown_key = shorten_input(key);
    throw InputError(source, path.empty() ? shown_key : path + "." + shown_key,
                     "unknown key; expected one of " + expected);
  }
}

double read_percentage(const Json& value, const std::string& source, const std::string& path) {
  if (value.is_number()) return parse_percentage(value.dump(), source + ": " + path);
  if (value.is_string()) return parse_percentage(value.get<std::string>(), source + ": " + path);
  throw InputError(source, path,
                   "expected a percentage such as 5 or \"5%\", found " + describe(value));
}

double read_min_delta(const Json& value, const std::string& source, const std::string& path) {
  const bool valid = value.is_number() && std::isfinite(value.get<double>()) &&
                     value.get<double>() >= 0 && value.get<double>() <= kMaxMinDelta;
  if (!valid) {
    throw InputError(source, path,
                     "expected a number of ns (instructions in instruction mode) from 0 to 1e9, "
                     "found " +
                         describe(value));
  }
  return value.get<double>();
}

// Reads an override's "pattern": a non-empty string without NUL characters, which fnmatch(3)
// would take for the end of the pattern.
std::string read_pattern(const Json& entry, const std::string& source, const std::string& path) {
  constexpr std::string_view kExpected = "expected a benchmark name pattern such as \"queues/*\"";
  const auto found = entry.find("pattern");
  if (found == entry.end()) throw InputError(source, path, "missing; " + std::string(kExpected));

  const bool valid = found->is_string() && !found->get<std::string>().empty() &&
                     found->get<std::string>().find('\0') == std::string::npos;
  if (!valid) {
    throw InputError(source, path, std::string(kExpected) + ", found " + describe(*found));
  }
  return found->get<std::string>();
}

}  // namespace

double parse_percentage(std::string_view text, std::string_view source) {
  std::string_view number = text;
  if (number.ends_with('%')) number.remove_suffix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  const bool valid = !number.empty() && error == std::errc() &&
                     end == number.data() + number.size() && std::isfinite(value) && value >= 0 &&
                     value <= kMaxRegressionPercent;
  if (!valid) {
    throw InputError(std::string(source), "",
                     "invalid percentage " + quote_input(text, '\'') +
                         ": expected a number from 0 to 1000, optionally followed by %, such "
                         "as 5 or 5%");
  }
  return value / 100;
}

BenchmarkThreshold GateThresholds::for_benchmark(std::string_view benchmark_name) const {
  BenchmarkThreshold threshold{max_regression, min_delta, false, ""};
  const std::string name(benchmark_name);
  for (const ThresholdOverride& entry : overrides) {
    if (fnmatch(entry.pattern.c_str(), name.c_str(), 0) != 0) continue;
    threshold.max_regression = entry.max_regression.value_or(max_regression);
    threshold.min_delta = entry.min_delta.value_or(min_delta);
    threshold.ignored = entry.ignore;
    threshold.pattern = entry.pattern;
    break;
  }
  return threshold;
}

GateThresholds read_thresholds_file(const std::filesystem::path& path, GateThresholds defaults) {
  return thresholds_from_json_text(read_input_file(path, "a thresholds file (JSON)"),
                                   path.string(), std::move(defaults));
}

GateThresholds thresholds_from_json_text(std::string_view text, std::string_view source_name,
                                         GateThresholds defaults) {
  const std::string source(source_name);
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::exception& error) {
    // parse_error for the syntax, out_of_range for a number beyond a double, such as 1e400.
    throw InputError(source, "", "not JSON: " + describe_json_parse_error(error.what()));
  }
  if (!json.is_object())
    throw InputError(source, "", "expected a JSON object, found " + describe(json));
  reject_unknown_keys(json, {"max_regression", "min_delta_ns", "benchmarks"}, source, "");

  GateThresholds thresholds = std::move(defaults);
  if (json.contains("max_regression")) {
    thresholds.max_regression = read_percentage(json["max_regression"], source, "max_regression");
  }
  if (json.contains("min_delta_ns")) {
    thresholds.min_delta = read_min_delta(json["min_delta_ns"], source, "min_delta_ns");
  }
  if (!json.contains("benchmarks")) return thresholds;

  const Json& entries = json["benchmarks"];
  if (!entries.is_array()) {
    throw InputError(source, "benchmarks",
                     "expected an array of overrides, found " + describe(entries));
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string entry_path = "benchmarks[" + std::to_string(i) + "]";
    const Json& entry = entries[i];
    if (!entry.is_object()) {
      throw InputError(source, entry_path, "expected an object, found " + describe(entry));
    }
    reject_unknown_keys(entry, {"pattern", "max_regression", "min_delta_ns", "ignore"}, source,
                        entry_path);

    ThresholdOverride override;
    override.pattern = read_pattern(entry, source, entry_path + ".pattern");
    if (entry.contains("max_regression")) {
      override.max_regression =
          read_percentage(entry["max_regression"], source, entry_path + ".max_regression");
    }
    if (entry.contains("min_delta_ns")) {
      override.min_delta =
          read_min_delta(entry["min_delta_ns"], source, entry_path + ".min_delta_ns");
    }
    if (entry.contains("ignore")) {
      if (!entry["ignore"].is_boolean()) {
        throw InputError(source, entry_path + ".ignore",
                         "expected true or false, found " + describe(entry["ignore"]));
      }
      override.ignore = entry["ignore"].get<bool>();
    }
    thresholds.overrides.push_back(std::move(override));
  }
  return thresholds;
}

}  // namespace paybench::reports
