#include "gate_cells.h"

#include <fmt/format.h>

#include <vector>

#include "paybench/reports/formatting.h"

namespace paybench::reports {

std::string format_gate_value(const GateReport& report, double value) {
  return report.exact_counts ? format_count(value) + " instr" : format_time(value);
}

std::string format_gate_change(const std::optional<double>& ratio) {
  if (!ratio) return "-";
  return fmt::format("{:+.1f}%", (*ratio - 1) * 100);
}

std::string format_gate_interval(const GateBenchmark& benchmark) {
  if (!benchmark.ci_low || !benchmark.ci_high) return "-";
  return fmt::format("[{:.3f}, {:.3f}]", *benchmark.ci_low, *benchmark.ci_high);
}

std::string format_gate_p_value(const std::optional<double>& p_value) {
  return p_value ? fmt::format("{:.4g}", *p_value) : "-";
}

std::string format_gate_threshold(const GateBenchmark& benchmark) {
  std::string text = fmt::format("{:g}%", benchmark.threshold.max_regression * 100);
  if (benchmark.threshold.min_delta > 0)
    text += fmt::format(", floor {:g}", benchmark.threshold.min_delta);
  if (!benchmark.threshold.pattern.empty()) text += " (" + benchmark.threshold.pattern + ")";
  return text;
}

std::string describe_gate_counts(const GateReport& report) {
  std::vector<std::string> parts;
  const auto add = [&](GateVerdict verdict, const char* singular, const char* plural) {
    const int count = report.count(verdict);
    if (count > 0) parts.push_back(fmt::format("{} {}", count, count == 1 ? singular : plural));
  };
  add(GateVerdict::kRegression, "regression", "regressions");
  add(GateVerdict::kInconclusive, "inconclusive", "inconclusive");
  add(GateVerdict::kPass, "passed", "passed");
  add(GateVerdict::kIgnored, "ignored", "ignored");
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string gate_family(const std::string& name) { return name.substr(0, name.find('/')); }

}  // namespace paybench::reports
