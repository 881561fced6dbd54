// The Markdown form of a GateReport (CommonMark with GitHub's tables), for a pull request
// comment.
#include <fmt/format.h>

#include <vector>

#include "gate_cells.h"
#include "paybench/reports/gate_output.h"
#include "paybench/reports/markdown_text.h"
#include "run_comparison_cells.h"

namespace paybench::reports {
namespace {

// Names listed in a note before "and N more".
constexpr std::size_t kMaxListedNames = 20;

bool is_unreserved_url_byte(char c) {
  const bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  const bool is_digit = c >= '0' && c <= '9';
  return is_letter || is_digit || c == '-' || c == '.' || c == '_' || c == '~';
}

// Returns the link destination of a file path. Every byte other than an unreserved URL
// character (RFC 3986) or '/' becomes %XX, so that a ':' cannot start a scheme such as
// javascript:, and a space, parenthesis or '#' stays part of the path. A second leading '/'
// is encoded too, because "//host/x" would name another host.
std::string link_destination(const std::string& path) {
  std::string url;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    const bool starts_network_path = i == 1 && path[0] == '/' && c == '/';
    if ((is_unreserved_url_byte(c) || c == '/') && !starts_network_path) {
      url += c;
    } else {
      url += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return url;
}

bool is_flagged(const GateBenchmark& benchmark) {
  return benchmark.verdict == GateVerdict::kRegression ||
         benchmark.verdict == GateVerdict::kInconclusive;
}

std::string verdict_cell(GateVerdict verdict) {
  const std::string text = to_string(verdict);
  return verdict == GateVerdict::kRegression ? "**" + text + "**" : text;
}

std::string median_cell(const GateReport& report, double median) {
  return median > 0 ? markdown_escape(format_gate_value(report, median)) : "-";
}

void append_table(std::string& out, const GateReport& report,
                  const std::vector<const GateBenchmark*>& benchmarks) {
  out += markdown_table_row({"Benchmark", "Verdict", "Baseline", "Candidate", "Change",
                             "95% interval", "p (Holm)", "Threshold", "Reason"});
  out += "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n";
  for (const GateBenchmark* benchmark : benchmarks) {
    out += markdown_table_row(
        {markdown_code_span(benchmark->name), verdict_cell(benchmark->verdict),
         median_cell(report, benchmark->baseline_median),
         median_cell(report, benchmark->candidate_median),
         markdown_escape(format_gate_change(benchmark->ratio)),
         markdown_escape(format_gate_interval(*benchmark)),
         markdown_escape(format_gate_p_value(benchmark->holm_p_value)),
         markdown_escape(format_gate_threshold(*benchmark, report.exact_counts)), markdown_escape(benchmark->reason)});
  }
}

void append_name_note(std::string& out, const std::vector<std::string>& names,
                      const char* description) {
  if (names.empty()) return;
  out += fmt::format("- {} ({}): {}\n", description, names.size(),
                     markdown_escape(join_names(names, kMaxListedNames)));
}

}  // namespace

std::string render_gate_markdown(const GateReport& report,
                                 const std::vector<GateFlameGraph>& flame_graphs) {
  const std::string counts = describe_gate_counts(report);
  std::string out = "### paybench gate: " + std::string(to_string(report.overall()));
  if (!counts.empty()) out += " (" + counts + ")";
  out += "\n\n";
  out += fmt::format(
      "Candidate {} against baseline {}, {}. {}\n\n", markdown_escape(report.candidate_label),
      markdown_escape(report.baseline_label),
      report.exact_counts ? "instructions per op" : "median real time", describe_gate_rule(report));

  std::vector<const GateBenchmark*> flagged;
  std::vector<const GateBenchmark*> settled;
  for (const GateBenchmark& benchmark : report.benchmarks) {
    if (is_flagged(benchmark)) {
      flagged.push_back(&benchmark);
    } else {
      settled.push_back(&benchmark);
    }
  }
  if (flagged.empty()) {
    out += "No benchmark regressed or was inconclusive.\n\n";
  } else {
    append_table(out, report, flagged);
    out += "\n";
  }

  // GitHub renders Markdown inside an HTML block only after a blank line.
  if (!settled.empty()) {
    const int passed = report.count(GateVerdict::kPass);
    const int ignored = report.count(GateVerdict::kIgnored);
    std::string summary = fmt::format("{} passed", passed);
    if (ignored > 0) summary += fmt::format(", {} ignored", ignored);
    out += "<details>\n<summary>" + summary + "</summary>\n\n";
    append_table(out, report, settled);
    out += "\n</details>\n\n";
  }

  const bool has_notes = !report.only_in_baseline.empty() || !report.only_in_candidate.empty() ||
                         !report.failed.empty();
  if (has_notes) {
    out += "Not judged:\n\n";
    append_name_note(out, report.failed, "Failed on a side");
    append_name_note(out, report.only_in_baseline, "Only in the baseline");
    append_name_note(out, report.only_in_candidate, "Only in the candidate");
    out += "\n";
  }

  std::vector<const GateFlameGraph*> linked_graphs;
  for (const GateFlameGraph& graph : flame_graphs) {
    if (!graph.file.empty()) linked_graphs.push_back(&graph);
  }
  if (!linked_graphs.empty()) {
    out +=
        "Differential flame graphs, candidate against baseline (red: a larger share of the "
        "candidate's samples):\n\n";
    for (const GateFlameGraph* graph : linked_graphs) {
      out +=
          "- [" + markdown_escape(graph->benchmark) + "](" + link_destination(graph->file) + ")\n";
    }
    out += "\n";
  }

  // One final newline, whatever section came last.
  while (out.size() > 1 && out.ends_with("\n\n")) out.pop_back();
  return out;
}

}  // namespace paybench::reports
