// The run report's overview and its chart sections beyond the summary and the comparisons:
// thread scaling, batch-size curves, latency percentiles and the allocator matrix. Internal to
// reports/; html_report.cc assembles the page.
#pragma once

#include "mustache_template.h"
#include "paybench/reports/result.h"

namespace paybench::reports {

// Sets the values of the overview at the top of the Summary section in `page`: how many
// benchmarks ran in which families and how many failed, and per family how many comparisons
// found the candidate faster, slower or not different.
void add_overview(const Result& result, MustacheData& page);

// Sets the values of the chart sections in `page`: has_thread_scaling and thread_scaling,
// has_batch_curves and batch_curves, has_latency and latency_charts, has_allocator_matrix and
// heat_maps. A section's list is empty, and its flag false, when the result has nothing for
// it.
void add_view_sections(const Result& result, MustacheData& page);

// Sets `page`'s "sections", the page's table of contents, from the page's "has_comparisons"
// flag, the flags that add_view_sections sets and `has_profiles`: one {id, title} per section
// present.
void add_navigation(bool has_profiles, MustacheData& page);

}  // namespace paybench::reports
