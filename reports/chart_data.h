// The chart layouts as values of their Mustache templates (templates/*.svg.mustache). Every
// value is a string or a bool, so kainjow escapes each text from input in {{name}} tags, and
// every coordinate is formatted with svg_number(). Internal to reports/.
#pragma once

#include "allocator_matrix.h"
#include "change_chart.h"
#include "comparison_chart.h"
#include "latency_chart.h"
#include "line_chart.h"
#include "mustache_template.h"

namespace paybench::reports {

MustacheData comparison_chart_data(const ComparisonChart& chart);
MustacheData line_chart_data(const LineChart& chart);
MustacheData latency_chart_data(const LatencyChart& chart);
MustacheData heat_map_data(const HeatMap& map);
MustacheData change_chart_data(const ChangeChart& chart);

// Registers the chart templates as the partials comparison_chart, line_chart, latency_chart,
// allocator_matrix and change_chart of `page`, and the shared style sheet as report_css.
void add_chart_partials(MustacheData& page);

}  // namespace paybench::reports
