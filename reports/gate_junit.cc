// The JUnit XML form of a GateReport, which CI systems such as Jenkins and GitLab show as test
// results: <testsuites> around one <testsuite> with <properties>, one <testcase> per benchmark,
// and the benchmarks that were not judged in <system-out>.
#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "flame_layout.h"
#include "gate_cells.h"
#include "paybench/reports/gate_output.h"

namespace paybench::reports {
namespace {

constexpr std::string_view kSuiteName = "paybench gate";

// Returns `text` for an XML 1.0 attribute value or element content. Invalid UTF-8, control
// characters and the code points XML 1.0 forbids become U+FFFD, because a parser rejects the
// whole document for any of them, and & < > " ' become entity references.
std::string xml_text(std::string_view text) {
  std::string escaped;
  for (const char c : displayable_text(text)) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string property(std::string_view name, std::string_view value) {
  return fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_text(name),
                     xml_text(value));
}

// The figures behind a verdict, one per line, for the body of a <failure>.
std::string figures_of(const GateReport& report, const GateBenchmark& benchmark) {
  std::vector<std::string> lines;
  if (benchmark.baseline_median > 0 && benchmark.candidate_median > 0) {
    lines.push_back(fmt::format("baseline median {} ({} repetitions)",
                                format_gate_value(report, benchmark.baseline_median),
                                benchmark.baseline_repetitions));
    lines.push_back(fmt::format("candidate median {} ({} repetitions)",
                                format_gate_value(report, benchmark.candidate_median),
                                benchmark.candidate_repetitions));
  }
  lines.push_back("change " + format_gate_change(benchmark.ratio));
  lines.push_back("95% interval of candidate / baseline " + format_gate_interval(benchmark));
  lines.push_back("p " + format_gate_p_value(benchmark.p_value) + ", Holm-corrected p " +
                  format_gate_p_value(benchmark.holm_p_value));
  lines.push_back("threshold " + format_gate_threshold(benchmark, report.exact_counts));
  std::string text;
  for (const std::string& line : lines) text += xml_text(line) + "\n";
  return text;
}

std::string testcase_xml(const GateReport& report, const GateBenchmark& benchmark) {
  std::string xml = fmt::format("    <testcase classname=\"{}\" name=\"{}\"",
                                xml_text(gate_family(benchmark.name)), xml_text(benchmark.name));
  switch (benchmark.verdict) {
    case GateVerdict::kPass:
      return xml + "/>\n";
    case GateVerdict::kRegression:
      return xml +
             fmt::format(">\n      <failure type=\"regression\" message=\"{}\">{}</failure>\n",
                         xml_text(benchmark.reason), figures_of(report, benchmark)) +
             "    </testcase>\n";
    case GateVerdict::kInconclusive:
    case GateVerdict::kIgnored:
      return xml +
             fmt::format(">\n      <skipped message=\"{}: {}\"/>\n", to_string(benchmark.verdict),
                         xml_text(benchmark.reason)) +
             "    </testcase>\n";
  }
  return xml + "/>\n";
}

std::string not_judged_text(const GateReport& report) {
  std::string text;
  const auto add = [&](const std::vector<std::string>& names, std::string_view description) {
    for (const std::string& name : names) {
      text += xml_text(fmt::format("{}, not judged: {}", description, name)) + "\n";
    }
  };
  add(report.failed, "failed on a side");
  add(report.only_in_baseline, "only in the baseline");
  add(report.only_in_candidate, "only in the candidate");
  return text;
}

}  // namespace

std::string render_gate_junit(const GateReport& report) {
  const int tests = static_cast<int>(report.benchmarks.size());
  const int failures = report.count(GateVerdict::kRegression);
  const int skipped =
      report.count(GateVerdict::kInconclusive) + report.count(GateVerdict::kIgnored);
  const std::string counts = fmt::format("tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"",
                                         tests, failures, skipped);

  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"{}\" {}>\n", kSuiteName, counts);
  xml += fmt::format("  <testsuite name=\"{}\" {}>\n", kSuiteName, counts);

  xml += "    <properties>\n";
  xml += property("verdict", to_string(report.overall()));
  xml += property("baseline", report.baseline_label);
  xml += property("candidate", report.candidate_label);
  xml += property("measure", report.exact_counts ? kMeasureInstructions : kMeasureTime);
  xml += property("alpha", fmt::format("{:g}", report.alpha));
  xml += "    </properties>\n";

  for (const GateBenchmark& benchmark : report.benchmarks) {
    xml += testcase_xml(report, benchmark);
  }
  if (const std::string not_judged = not_judged_text(report); !not_judged.empty()) {
    xml += "    <system-out>" + not_judged + "</system-out>\n";
  }

  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace paybench::reports
