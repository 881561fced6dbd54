// Geometry of the report's line charts (throughput against threads, throughput and latency
// against batch size): series of points on two axes, a legend under the plot, and the values
// as a table for readers without the chart. Every coordinate is computed here, in SVG user
// units, and templates/line_chart.svg.mustache only places them. Internal to reports/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chart_axis.h"

namespace paybench::reports {

struct LinePoint {
  double x = 0;  // in data units
  double y = 0;
};

struct LineSeriesSpec {
  std::string name;
  std::vector<LinePoint> points;  // in any order, drawn by ascending x
  bool is_dashed = false;
  // Series with the same style share colour and marker shape, such as the p50 and the dashed
  // p99 of one variant. Without it, each series gets the style of its index.
  std::optional<std::size_t> style;
};

struct LineChartSpec {
  std::string title;
  std::string x_label;  // "threads"
  std::string y_label;  // "items per second, all threads"
  std::string caption;
  AxisScale x_scale = AxisScale::kLinear;
  AxisScale y_scale = AxisScale::kLinear;
  // Formats x values for the ticks, which sit at the measured x values, and the table columns.
  TickFormatter format_x;
  TickFormatter format_y_tick;
  // Formats y values in tooltips and the table, with more digits than a tick.
  TickFormatter format_y;
  std::vector<LineSeriesSpec> series;
};

struct PlacedPoint {
  double x = 0;
  double y = 0;
  std::string marker_path;  // SVG path data of the series' marker shape, centred on (x, y)
  std::string tooltip;
};

struct PlacedSeries {
  std::string name;
  std::string legend_label;  // the name, shortened when long
  std::string css_class;     // series-0 .. series-7, one colour each
  bool is_dashed = false;
  std::string line_path;  // SVG path data through the points, empty with fewer than 2
  std::vector<PlacedPoint> points;
  // The legend entry: a short line with the marker, then the label.
  double legend_line_start = 0;
  double legend_line_end = 0;
  double legend_y = 0;
  std::string legend_marker_path;
  double legend_text_x = 0;
  double legend_text_y = 0;
};

struct LineChartTableRow {
  std::string name;
  std::vector<std::string> cells;  // one per column, "-" where the series has no point
};

struct LineChart {
  std::string title;
  std::string aria_label;
  std::string caption;
  std::string x_label;
  std::string y_label;
  double width = 0;
  double height = 0;
  double plot_left = 0;
  double plot_right = 0;
  double plot_top = 0;
  double plot_bottom = 0;
  double x_tick_label_y = 0;
  double y_tick_label_x = 0;
  double x_label_x = 0;
  double x_label_y = 0;
  double y_label_x = 0;
  double y_label_y = 0;
  std::vector<AxisTick> x_ticks;
  std::vector<AxisTick> y_ticks;
  std::vector<PlacedSeries> series;
  std::vector<std::string> table_columns;  // the x values of every series, ascending
  std::vector<LineChartTableRow> table_rows;
};

// The number of series colours. Series beyond it repeat a colour with another marker shape.
inline constexpr std::size_t kSeriesColorCount = 8;

// Lays out `spec`. Points whose y is not finite, or not > 0 on a logarithmic y axis, are left
// out of the plot and show as "-" in the table.
LineChart layout_line_chart(const LineChartSpec& spec);

// Returns SVG path data of the marker `shape` centred on (x, y): 0 is a circle, 1 a square, 2 a
// diamond and 3 a triangle, and larger values repeat these in turn.
std::string marker_path(std::size_t shape, double x, double y);

}  // namespace paybench::reports
