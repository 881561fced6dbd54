// The JSON form of a GateReport, whose shape gate_output.h documents.
#include <cmath>
#include <nlohmann/json.hpp>

#include "paybench/reports/gate_output.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::ordered_json;

// Version of the document's shape. Bump it when a reader of an older document would misread a
// newer one.
constexpr int kGateJsonVersion = 1;

Json optional_number(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// evaluate_gate leaves a median at 0 when a side has no usable value, and a median of a
// positive time or count is never 0, so 0 means missing.
Json median_json(double median) {
  const bool is_missing = !std::isfinite(median) || median <= 0;
  return is_missing ? Json(nullptr) : Json(median);
}

Json side_json(const std::string& label, const Context& context) {
  Json json;
  json["label"] = label;
  json["date"] = context.date;
  json["measure"] = context.measure;
  return json;
}

Json benchmark_json(const GateBenchmark& benchmark) {
  Json json;
  json["name"] = benchmark.name;
  json["verdict"] = to_string(benchmark.verdict);
  json["reason"] = benchmark.reason;
  json["max_regression"] = benchmark.threshold.max_regression;
  json["min_delta"] = benchmark.threshold.min_delta;
  json["threshold_pattern"] =
      benchmark.threshold.pattern.empty() ? Json(nullptr) : Json(benchmark.threshold.pattern);
  json["baseline_median"] = median_json(benchmark.baseline_median);
  json["candidate_median"] = median_json(benchmark.candidate_median);
  json["baseline_repetitions"] = benchmark.baseline_repetitions;
  json["candidate_repetitions"] = benchmark.candidate_repetitions;
  json["ratio"] = optional_number(benchmark.ratio);
  json["ci_low"] = optional_number(benchmark.ci_low);
  json["ci_high"] = optional_number(benchmark.ci_high);
  json["p_value"] = optional_number(benchmark.p_value);
  json["holm_p_value"] = optional_number(benchmark.holm_p_value);
  return json;
}

}  // namespace

std::string render_gate_json(const GateReport& report) {
  Json document;
  document["paybench_gate_version"] = kGateJsonVersion;
  document["verdict"] = to_string(report.overall());
  document["exact_counts"] = report.exact_counts;
  document["alpha"] = report.alpha;
  document["baseline"] = side_json(report.baseline_label, report.baseline_context);
  document["candidate"] = side_json(report.candidate_label, report.candidate_context);

  Json counts;
  for (const GateVerdict verdict : {GateVerdict::kPass, GateVerdict::kRegression,
                                    GateVerdict::kInconclusive, GateVerdict::kIgnored}) {
    counts[to_string(verdict)] = report.count(verdict);
  }
  document["counts"] = counts;

  document["benchmarks"] = Json::array();
  for (const GateBenchmark& benchmark : report.benchmarks) {
    document["benchmarks"].push_back(benchmark_json(benchmark));
  }
  document["only_in_baseline"] = report.only_in_baseline;
  document["only_in_candidate"] = report.only_in_candidate;
  document["failed"] = report.failed;

  // nlohmann writes NaN and infinity as null. Invalid UTF-8 in a name becomes U+FFFD.
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace paybench::reports
