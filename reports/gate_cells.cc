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

std::string format_gate_threshold(const GateBenchmark& benchmark, bool exact_counts) {
  std::string text = fmt::format("{:g}%", benchmark.threshold.max_regression * 100);
  if (benchmark.threshold.min_delta > 0) {
    text += fmt::format(", floor {:g} {}", benchmark.threshold.min_delta,
                        exact_counts ? "instr" : "ns");
  }
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

std::string describe_gate_rule(const GateReport& report) {
  if (report.exact_counts) {
    return "A benchmark regresses when its instruction count per op grows by more than its "
           "threshold and by at least its floor; counts repeat exactly, so the ratio decides.";
  }
  return fmt::format(
      "A benchmark regresses when its median grows by more than its threshold and by at least "
      "its floor, the 95% interval of candidate / baseline median lies above 1, and its U test "
      "is significant at alpha {:g} after the Holm correction. It passes when the whole interval "
      "stays within the threshold, or its worst case within the floor. Anything between is "
      "inconclusive: too few repetitions or too much noise to decide.",
      report.alpha);
}

std::string gate_family(const std::string& name) { return name.substr(0, name.find('/')); }

}  // namespace paybench::reports
