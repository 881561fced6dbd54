// The HTML report that people attach to design reviews.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "paybench/reports/result.h"

namespace paybench::reports {

// Renders the result as one self-contained HTML page: inline CSS and inline SVG, no external
// resource of any kind (a Content-Security-Policy meta tag forbids loading any), so it works
// offline. Every page shows what was run, with the verdicts counted per family and a summary
// table of every benchmark instance. It draws a bar chart per comparison, grouped by family and
// workload, with each repetition as a dot, and ends with the machine and build context.
// Sections that need data appear only with it: thread scaling (a workload at several thread
// counts), batch-size curves (the writes family), latency percentiles, the allocator matrix
// (several allocators) and the profiles. A table of contents links the sections present.
// Every chart but the flame graphs is static SVG. Every text from the result is HTML-escaped.
//
// The Profiles section links each profiled instance's files by their paths in the result. These
// are relative to the result file's directory, so the links keep working when the report moves
// with its profiles folder. When `result_directory` names that directory, the section also
// embeds interactive flame graphs of the folded files there: each instance's CPU and allocation
// graphs, and a differential graph per comparison whose two sides have CPU profiles. A page
// with such a graph contains the graphs' inline script, and its Content-Security-Policy allows
// inline scripts. Any other page has no script. A folded file that is missing or invalid shows
// as an error in its entry.
//
// Throws std::logic_error when a built-in template fails to render, which is a bug in paybench.
std::string render_html_report(
    const Result& result,
    const std::optional<std::filesystem::path>& result_directory = std::nullopt);

}  // namespace paybench::reports
