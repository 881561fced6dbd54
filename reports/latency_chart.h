// Geometry of the report's latency percentile charts: per workload that reports latency
// percentiles, one row per benchmark instance with its p50, p99 and p99.9 on a logarithmic
// time axis. templates/latency_chart.svg.mustache places these numbers. Internal to reports/.
#pragma once

#include <string>
#include <vector>

#include "chart_axis.h"
#include "paybench/reports/result.h"

namespace paybench::reports {

struct LatencyMarker {
  std::string percentile;  // "p50", "p99" or "p99.9"
  std::string css_class;   // latency-p50, latency-p99 or latency-p999
  std::string marker_path;
  std::string value_text;  // "1.50 us"
};

struct LatencyRow {
  std::string label;       // shown left of the row, shortened when long
  std::string full_label;  // in the row's tooltip
  double label_x = 0;
  double text_y = 0;
  double middle_y = 0;
  double range_start = 0;  // the line from the lowest to the highest percentile
  double range_end = 0;
  std::vector<LatencyMarker> markers;
  std::string values_text;  // "1.50 us / 42.0 us / 2.50 ms", right of the plot
  double values_x = 0;
};

struct LatencyLegendEntry {
  std::string percentile;
  std::string css_class;
  std::string marker_path;
  double text_x = 0;
};

struct LatencyChart {
  std::string title;  // family/workload
  std::string aria_label;
  std::string caption;
  double width = 0;
  double height = 0;
  double plot_left = 0;
  double plot_right = 0;
  double plot_top = 0;
  double plot_bottom = 0;
  double tick_label_y = 0;
  double legend_y = 0;
  double legend_text_y = 0;
  double values_header_x = 0;
  std::vector<AxisTick> ticks;
  std::vector<LatencyLegendEntry> legend;
  std::vector<LatencyRow> rows;
};

// Returns one chart per workload with at least one instance that reports latency_p50_ns, in
// the order the workloads first appear. Rows are the workload's instances with a p50, in file
// order. A percentile that an instance does not report, or that is not finite and > 0, is
// left out of its row and reads "-" in its text.
std::vector<LatencyChart> latency_charts(const Result& result);

}  // namespace paybench::reports
