// The formats that `paybench compare` writes a RunComparison in: one renderer a file
// (run_comparison_table.cc, _json.cc, _markdown.cc, _html.cc), all showing the same figures.
//
// Every format shows, per benchmark and pair of values, the change in real time ("Time") and
// CPU time ("CPU") as compare.py prints it: (candidate - baseline) / |baseline| with four
// decimals, so -0.5000 is twice as fast. The U test's p-values follow on a row named
// "<benchmark>_pvalue", and the geometric means on the OVERALL_GEOMEAN row.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "paybench/reports/run_comparison.h"

namespace paybench::reports {

enum class ComparisonFormat { kTable, kJson, kMarkdown, kHtml };

// Returns the format named "table", "json", "markdown" or "html", or std::nullopt.
std::optional<ComparisonFormat> parse_comparison_format(std::string_view name);

// Renders an aligned text table for a terminal, then notes on failed runs, benchmarks found on
// one side only and values left out for their time unit. With `use_color`, changes beyond
// compare.py's colour thresholds and significant p-values get ANSI colours; without it the
// text has no escape sequence at all. The caller decides (a terminal and NO_COLOR unset).
// Control characters from the input are escaped by escape_control_characters (input_text.h).
std::string render_comparison_table(const RunComparison& comparison, bool use_color);

// Renders the comparison as a JSON document, two-space indented, with a final newline:
//   {"paybench_compare_version": 1,
//    "baseline": SIDE, "candidate": SIDE,   SIDE = {"label", "filter" (pattern or null),
//                                                   "date", "host_name", "paybench_version",
//                                                   "git_commit"}
//    "alpha": 0.05,
//    "benchmarks": [{"name", "label", "run_type" ("iteration" or "aggregate"),
//                    "aggregate_name", "aggregate_unit", "time_unit",
//                    "measurements": [{"baseline_real_time", "candidate_real_time",
//                                      "real_time_change", "baseline_cpu_time",
//                                      "candidate_cpu_time", "cpu_time_change"}],
//                    "u_test": null or {"real_time_p_value", "cpu_time_p_value",
//                                       "real_time_u", "cpu_time_u", "real_time_method",
//                                       "cpu_time_method" ("exact" or "asymptotic"),
//                                       "baseline_repetitions", "candidate_repetitions",
//                                       "has_recommended_repetitions",
//                                       "real_time_significant", "cpu_time_significant"}}],
//    "overall_geomean": null or {"baseline_real_time_s", "candidate_real_time_s",
//                                "real_time_change", "baseline_cpu_time_s",
//                                "candidate_cpu_time_s", "cpu_time_change"},
//    "failures": [{"side" ("baseline" or "candidate"), "name", "error_message", "failed_runs"}],
//    "time_unit_mismatches": [{"name", "time_unit", "other_time_unit", "baseline_skipped",
//                              "candidate_skipped"}],
//    "only_in_baseline": [names], "only_in_candidate": [names]}
// Times are in the benchmark's time_unit (fractions for a percentage aggregate), geometric
// means in seconds, changes as in the table. A NaN or infinite number is written as null.
std::string render_comparison_json(const RunComparison& comparison);

// Renders a Markdown document for a pull request or wiki: a heading naming both sides, one
// table with a row per pair of values and per U test, then the notes as lists. Names are
// escaped, so that no character of a name is read as Markdown or HTML.
std::string render_comparison_markdown(const RunComparison& comparison);

// Renders one self-contained HTML page in the look of the run report: inline CSS, no script,
// no external resource (a Content-Security-Policy meta tag forbids loading any). Every text
// from the results is HTML-escaped.
//
// Throws std::logic_error when the built-in template fails to render, which is a bug in
// paybench.
std::string render_comparison_html(const RunComparison& comparison);

// Renders `comparison` in `format`. A table gets no colour.
std::string render_comparison(const RunComparison& comparison, ComparisonFormat format);

}  // namespace paybench::reports
