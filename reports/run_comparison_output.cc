#include "paybench/reports/run_comparison_output.h"

namespace paybench::reports {

std::optional<ComparisonFormat> parse_comparison_format(std::string_view name) {
  if (name == "table") return ComparisonFormat::kTable;
  if (name == "json") return ComparisonFormat::kJson;
  if (name == "markdown") return ComparisonFormat::kMarkdown;
  if (name == "html") return ComparisonFormat::kHtml;
  return std::nullopt;
}

std::string render_comparison(const RunComparison& comparison, ComparisonFormat format) {
  switch (format) {
    case ComparisonFormat::kTable:
      return render_comparison_table(comparison, false);
    case ComparisonFormat::kJson:
      return render_comparison_json(comparison);
    case ComparisonFormat::kMarkdown:
      return render_comparison_markdown(comparison);
    case ComparisonFormat::kHtml:
      return render_comparison_html(comparison);
  }
  return render_comparison_table(comparison, false);
}

}  // namespace paybench::reports
