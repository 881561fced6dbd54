// The Bencher Metric Format (BMF) form of a GateReport, which `bencher run --adapter json`
// reads: {"<benchmark>": {"<measure>": {"value", "lower_value", "upper_value"}}}, the bounds
// optional.
#include <cmath>
#include <nlohmann/json.hpp>

#include "paybench/reports/gate_output.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::ordered_json;

// Bencher's built-in measure of times in ns. Instruction counts get a measure of their own,
// which Bencher creates on first use.
constexpr const char* kLatencyMeasure = "latency";
constexpr const char* kInstructionsMeasure = "instructions";

Json metric_of(const GateBenchmark& benchmark) {
  Json metric;
  metric["value"] = benchmark.candidate_median;

  // The ratio is candidate / baseline median, so the baseline median scales its interval to
  // an interval of the candidate's median.
  const bool has_interval = benchmark.ci_low && benchmark.ci_high &&
                            std::isfinite(*benchmark.ci_low) && std::isfinite(*benchmark.ci_high) &&
                            benchmark.baseline_median > 0;
  if (has_interval) {
    metric["lower_value"] = *benchmark.ci_low * benchmark.baseline_median;
    metric["upper_value"] = *benchmark.ci_high * benchmark.baseline_median;
  }
  return metric;
}

}  // namespace

std::string render_gate_bmf(const GateReport& report) {
  const char* measure = report.exact_counts ? kInstructionsMeasure : kLatencyMeasure;
  Json document = Json::object();
  for (const GateBenchmark& benchmark : report.benchmarks) {
    const bool has_value =
        std::isfinite(benchmark.candidate_median) && benchmark.candidate_median > 0;
    if (!has_value) continue;
    document[benchmark.name][measure] = metric_of(benchmark);
  }
  // Invalid UTF-8 in a name becomes U+FFFD.
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace paybench::reports
