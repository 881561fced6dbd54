// The input of github-action-benchmark's customSmallerIsBetter tool: a JSON array of
// {"name", "unit", "value", "range", "extra"} in which range and extra are free text.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gate_cells.h"
#include "paybench/reports/formatting.h"
#include "paybench/reports/gate_output.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::ordered_json;

bool has_candidate_value(const GateBenchmark& benchmark) {
  return std::isfinite(benchmark.candidate_median) && benchmark.candidate_median > 0;
}

// "± 0.42": half the width of the ratio's 95% interval, in the unit of the value. The ratio is
// candidate / baseline median, so the baseline median scales it back.
std::optional<std::string> range_of(const GateBenchmark& benchmark) {
  const bool has_interval = benchmark.ci_low && benchmark.ci_high &&
                            std::isfinite(*benchmark.ci_low) && std::isfinite(*benchmark.ci_high);
  if (!has_interval || !(benchmark.baseline_median > 0)) return std::nullopt;
  const double half_width =
      (*benchmark.ci_high - *benchmark.ci_low) / 2 * benchmark.baseline_median;
  return "± " + format_count(half_width);
}

std::string extra_of(const GateReport& report, const GateBenchmark& benchmark) {
  const std::string baseline = benchmark.baseline_median > 0
                                   ? format_gate_value(report, benchmark.baseline_median)
                                   : std::string("-");
  return fmt::format("baseline median {}; {}: {}", baseline, to_string(benchmark.verdict),
                     benchmark.reason);
}

}  // namespace

std::string render_gate_github_benchmark(const GateReport& report) {
  const char* unit = report.exact_counts ? "instructions" : "ns";
  Json entries = Json::array();
  for (const GateBenchmark& benchmark : report.benchmarks) {
    if (!has_candidate_value(benchmark)) continue;
    Json entry;
    entry["name"] = benchmark.name;
    entry["unit"] = unit;
    entry["value"] = benchmark.candidate_median;
    if (const std::optional<std::string> range = range_of(benchmark)) entry["range"] = *range;
    entry["extra"] = extra_of(report, benchmark);
    entries.push_back(entry);
  }
  // Invalid UTF-8 in a name becomes U+FFFD.
  return entries.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace paybench::reports
