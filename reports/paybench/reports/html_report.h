// The HTML report that people attach to design reviews.
#pragma once

#include <string>

#include "paybench/reports/result.h"

namespace paybench::reports {

// Renders the result as one self-contained HTML page: inline CSS and inline SVG, no script, no
// external resource of any kind (a Content-Security-Policy meta tag forbids loading any), so
// it works offline and without JavaScript. Sections: what was run, a summary table of every
// benchmark instance, a bar chart per comparison grouped by family and workload, and the
// machine and build context. Every text from the result is HTML-escaped.
//
// Throws std::logic_error when a built-in template fails to render, which is a bug in paybench.
std::string render_html_report(const Result& result);

}  // namespace paybench::reports
