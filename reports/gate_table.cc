// The terminal form of a GateReport.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "gate_cells.h"
#include "paybench/reports/gate_output.h"
#include "paybench/reports/input_text.h"
#include "run_comparison_cells.h"

namespace paybench::reports {
namespace {

// Names listed in a note before "and N more".
constexpr std::size_t kMaxListedNames = 20;

constexpr const char* kRed = "\033[31m";
constexpr const char* kGreen = "\033[32m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kDim = "\033[2m";
constexpr const char* kReset = "\033[0m";

const char* color_of(GateVerdict verdict) {
  switch (verdict) {
    case GateVerdict::kRegression:
      return kRed;
    case GateVerdict::kInconclusive:
      return kYellow;
    case GateVerdict::kPass:
      return kGreen;
    case GateVerdict::kIgnored:
      return kDim;
  }
  return "";
}

std::string painted(const std::string& text, const char* color, bool use_color) {
  return use_color ? color + text + kReset : text;
}

}  // namespace

std::string render_gate_table(const GateReport& report, bool use_color) {
  const std::vector<std::string> headers = {"benchmark",    "baseline", "candidate", "change",
                                            "95% interval", "p (Holm)", "threshold", "verdict"};
  std::vector<std::vector<std::string>> rows;
  for (const GateBenchmark& benchmark : report.benchmarks) {
    const bool has_medians = benchmark.baseline_median > 0 && benchmark.candidate_median > 0;
    const std::string threshold = format_gate_threshold(benchmark, report.exact_counts);
    rows.push_back({escape_control_characters(benchmark.name),
                    has_medians ? format_gate_value(report, benchmark.baseline_median) : "-",
                    has_medians ? format_gate_value(report, benchmark.candidate_median) : "-",
                    format_gate_change(benchmark.ratio), format_gate_interval(benchmark),
                    format_gate_p_value(benchmark.holm_p_value),
                    escape_control_characters(threshold),
                    to_string(benchmark.verdict)});
  }

  std::vector<std::size_t> widths(headers.size());
  for (std::size_t column = 0; column < headers.size(); ++column) {
    widths[column] = headers[column].size();
    for (const auto& row : rows) widths[column] = std::max(widths[column], row[column].size());
  }
  const auto line = [&](const std::vector<std::string>& cells, const char* verdict_color) {
    std::string text;
    for (std::size_t column = 0; column < cells.size(); ++column) {
      const bool is_last = column + 1 == cells.size();
      const bool left_aligned = column == 0 || is_last;
      std::string cell = left_aligned ? fmt::format("{:<{}}", cells[column], widths[column])
                                      : fmt::format("{:>{}}", cells[column], widths[column]);
      if (is_last && verdict_color != nullptr)
        cell = painted(cells[column], verdict_color, use_color);
      text += (column == 0 ? "" : "  ") + cell;
    }
    return text + "\n";
  };

  std::string out = fmt::format("paybench gate: {} (baseline) against {} (candidate), {}\n\n",
                                escape_control_characters(report.baseline_label),
                                escape_control_characters(report.candidate_label),
                                report.exact_counts ? "instructions per op" : "median real time");
  out += line(headers, nullptr);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += line(rows[i], color_of(report.benchmarks[i].verdict));
  }

  out += "\n";
  for (const GateBenchmark& benchmark : report.benchmarks) {
    const bool explain = benchmark.verdict == GateVerdict::kRegression ||
                         benchmark.verdict == GateVerdict::kInconclusive;
    if (explain) {
      out += painted(to_string(benchmark.verdict), color_of(benchmark.verdict), use_color) + " " +
             escape_control_characters(benchmark.name) + ": " +
             escape_control_characters(benchmark.reason) + "\n";
    }
  }
  const auto note = [&](const std::vector<std::string>& names, const char* what) {
    if (names.empty()) return;
    out += fmt::format("{} {}: {}\n", names.size(), what, join_names(names, kMaxListedNames));
  };
  note(report.only_in_baseline, "only in the baseline, not judged");
  note(report.only_in_candidate, "only in the candidate, not judged");
  note(report.failed, "failed on a side, not judged");
  note(report.unused_patterns, "thresholds file patterns matched no benchmark");

  const GateVerdict overall = report.overall();
  out += "\nVerdict: " + painted(to_string(overall), color_of(overall), use_color) + " (" +
         describe_gate_counts(report) + ")\n";
  return out;
}

}  // namespace paybench::reports
