// The outputs of `paybench gate`: a GateReport for a terminal, as JSON, as Markdown for a pull
// request comment, and the exports that CI systems read (JUnit XML, github-action-benchmark's
// customSmallerIsBetter array, Bencher Metric Format). One renderer a file (gate_*.cc).
#pragma once

#include <string>

#include "paybench/reports/gate.h"

namespace paybench::reports {

// A differential flame graph of a regressed benchmark (candidate against baseline), for the
// Markdown and HTML outputs: where the candidate spends its time differently.
struct GateFlameGraph {
  std::string benchmark;
  std::string file;      // a standalone HTML page, as the Markdown output links it
  std::string fragment;  // the interactive graph, for an HTML page that includes its script
};

// An aligned table, one row per benchmark with its verdict and the reason, then the overall
// verdict. With `use_color`, verdicts get ANSI colours; without it the text has none. Control
// characters from the input are escaped by escape_control_characters (input_text.h).
std::string render_gate_table(const GateReport& report, bool use_color);

// A JSON document: {"paybench_gate_version": 1, "verdict", "exact_counts", "alpha",
// "baseline": {"label", "date", "measure"}, "candidate": {...}, "counts": {"pass",
// "regression", "inconclusive", "ignored"}, "benchmarks": [{"name", "verdict", "reason",
// "max_regression", "min_delta", "threshold_pattern", "baseline_median", "candidate_median",
// "baseline_repetitions", "candidate_repetitions", "ratio", "ci_low", "ci_high", "p_value",
// "holm_p_value"}], "only_in_baseline", "only_in_candidate", "failed"}. Medians are in ns, or
// instructions per op with exact_counts, max_regression a fraction (0.05 for 5%) and min_delta
// in the medians' unit. A missing number is null, and so is threshold_pattern when no pattern
// of the thresholds file applied.
std::string render_gate_json(const GateReport& report);

// A summary fit for a pull request comment: the verdict first, then a table of the regressed
// and inconclusive benchmarks, the passing and ignored ones folded in a <details> block, the
// benchmarks not judged, and links to the `file` of each of `flame_graphs` that has one. Every
// name is escaped, so that none of its characters is read as Markdown or HTML.
std::string render_gate_markdown(const GateReport& report,
                                 const std::vector<GateFlameGraph>& flame_graphs = {});

// JUnit XML: one testsuite "paybench gate", one testcase per benchmark (classname: its family),
// a <failure> for a regression, <skipped> for an inconclusive or ignored one.
std::string render_gate_junit(const GateReport& report);

// github-action-benchmark's customSmallerIsBetter input: a JSON array of {"name", "unit" ("ns"
// or "instructions"), "value" (the candidate's median), "range" ("± half the 95% interval"),
// "extra" (baseline median, verdict and reason)}. A benchmark without a candidate median is
// left out, and so is "range" without an interval.
std::string render_gate_github_benchmark(const GateReport& report);

// Bencher Metric Format: {"<benchmark>": {"latency" or "instructions": {"value",
// "lower_value", "upper_value"}}} with the candidate's median and its interval scaled from the
// ratio's. A benchmark without a candidate median is left out, and so are the bounds without
// an interval.
std::string render_gate_bmf(const GateReport& report);

// The gate's HTML page: self-contained, the verdict at a glance, one row per benchmark coloured
// by verdict with its change, interval, p-values and threshold, and `flame_graphs` embedded.
// A Content-Security-Policy forbids loading anything. The page has a script only when a flame
// graph has a fragment, and then only the flame graphs' script. A flame graph with only a file
// is named, not linked, because its path is relative to the Markdown output, not to this page.
//
// Throws std::logic_error when the built-in template fails to render, which is a bug in
// paybench.
std::string render_gate_html(const GateReport& report,
                             const std::vector<GateFlameGraph>& flame_graphs = {});

}  // namespace paybench::reports
