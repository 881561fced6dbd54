#include "line_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace paybench::reports {
namespace {

// Layout in SVG user units. Two charts fit side by side on a wide page at their natural size,
// and each scales down to the page width on a narrow one.
constexpr double kWidth = 540;
constexpr double kPlotLeft = 72;  // room for tick labels such as "12.5M/s"
constexpr double kPlotRight = 524;
constexpr double kAxisLabelBaseline = 14;  // the y axis label sits above the plot
constexpr double kPlotTop = 28;
constexpr double kPlotHeight = 220;
constexpr double kTickLabelGap = 8;
constexpr double kTickLabelBaselineShift = 4;  // centres 12px text on a gridline
constexpr double kXTickLabelOffset = 18;       // from the x axis to the tick labels' baseline
constexpr double kXLabelOffset = 38;           // from the x axis to its label's baseline
constexpr double kLegendOffset = 58;           // from the x axis to the first legend entry
constexpr double kLegendRowHeight = 20;
constexpr double kLegendLineLength = 26;
constexpr double kLegendTextGap = 8;
constexpr double kBottomMargin = 6;
// Points on the ends of the x axis stay this far from the plot's edges.
constexpr double kXInset = 18;
constexpr double kMarkerRadius = 4.5;
constexpr std::size_t kMarkerShapes = 4;
// Legend labels longer than this are shortened in the middle. The table keeps the whole name.
constexpr std::size_t kMaxLegendLabelLength = 60;

bool is_drawable(double value, AxisScale scale) {
  return std::isfinite(value) && (scale == AxisScale::kLinear || value > 0);
}

}  // namespace

std::string marker_path(std::size_t shape, double x, double y) {
  const double r = kMarkerRadius;
  switch (shape % kMarkerShapes) {
    case 0:  // circle, as two half arcs
      return fmt::format("M{} {}a{} {} 0 1 0 {} 0a{} {} 0 1 0 {} 0Z", svg_number(x - r),
                         svg_number(y), svg_number(r), svg_number(r), svg_number(2 * r),
                         svg_number(r), svg_number(r), svg_number(-2 * r));
    case 1: {  // square of the circle's area, roughly
      const double half = r * 0.9;
      return fmt::format("M{} {}H{}V{}H{}Z", svg_number(x - half), svg_number(y - half),
                         svg_number(x + half), svg_number(y + half), svg_number(x - half));
    }
    case 2: {  // diamond
      const double reach = r * 1.25;
      return fmt::format("M{} {}L{} {}L{} {}L{} {}Z", svg_number(x), svg_number(y - reach),
                         svg_number(x + reach), svg_number(y), svg_number(x), svg_number(y + reach),
                         svg_number(x - reach), svg_number(y));
    }
    default: {  // triangle, pointing up
      const double reach = r * 1.3;
      return fmt::format("M{} {}L{} {}L{} {}Z", svg_number(x), svg_number(y - reach),
                         svg_number(x + reach), svg_number(y + reach * 0.75), svg_number(x - reach),
                         svg_number(y + reach * 0.75));
    }
  }
}

LineChart layout_line_chart(const LineChartSpec& spec) {
  LineChart chart;
  chart.title = spec.title;
  chart.caption = spec.caption;
  chart.x_label = spec.x_label;
  chart.y_label = spec.y_label;
  chart.width = kWidth;
  chart.plot_left = kPlotLeft;
  chart.plot_right = kPlotRight;
  chart.plot_top = kPlotTop;
  chart.plot_bottom = kPlotTop + kPlotHeight;

  // The axes span every drawable point, and the x ticks sit at the measured x values.
  std::vector<double> x_values;
  std::vector<double> y_values;
  for (const LineSeriesSpec& series : spec.series) {
    for (const LinePoint& point : series.points) {
      if (is_drawable(point.x, spec.x_scale) && is_drawable(point.y, spec.y_scale)) {
        x_values.push_back(point.x);
        y_values.push_back(point.y);
      }
    }
  }
  std::sort(x_values.begin(), x_values.end());
  x_values.erase(std::unique(x_values.begin(), x_values.end()), x_values.end());
  const ChartAxis x_axis(spec.x_scale, x_values, kPlotLeft, kPlotRight, spec.format_x, x_values,
                         kXInset);
  const ChartAxis y_axis(spec.y_scale, y_values, chart.plot_bottom, kPlotTop, spec.format_y_tick);
  chart.x_ticks = x_axis.ticks();
  chart.y_ticks = y_axis.ticks();
  chart.x_tick_label_y = chart.plot_bottom + kXTickLabelOffset;
  chart.y_tick_label_x = kPlotLeft - kTickLabelGap;
  chart.x_label_x = (kPlotLeft + kPlotRight) / 2;
  chart.x_label_y = chart.plot_bottom + kXLabelOffset;
  chart.y_label_x = kPlotLeft;
  chart.y_label_y = kAxisLabelBaseline;

  // The table: one column per x value of any series, including points the plot leaves out.
  std::vector<double> columns;
  for (const LineSeriesSpec& series : spec.series) {
    for (const LinePoint& point : series.points) {
      columns.push_back(point.x);
    }
  }
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  for (const double column : columns) {
    chart.table_columns.push_back(spec.format_x(column));
  }

  const double legend_top = chart.plot_bottom + kLegendOffset;
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const LineSeriesSpec& source = spec.series[i];
    PlacedSeries series;
    series.name = source.name;
    series.legend_label = shorten_middle(source.name, kMaxLegendLabelLength);
    const std::size_t style = source.style.value_or(i);
    series.css_class = fmt::format("series-{}", style % kSeriesColorCount);
    series.is_dashed = source.is_dashed;
    // Styles that share a colour get different marker shapes.
    const std::size_t shape = style + style / kSeriesColorCount;

    std::vector<LinePoint> points = source.points;
    std::sort(points.begin(), points.end(),
              [](const LinePoint& a, const LinePoint& b) { return a.x < b.x; });
    std::map<double, std::string> cells;
    for (const LinePoint& point : points) {
      cells[point.x] = is_drawable(point.y, spec.y_scale) ? spec.format_y(point.y) : "-";
      if (!is_drawable(point.x, spec.x_scale) || !is_drawable(point.y, spec.y_scale)) {
        continue;
      }
      const double x = x_axis.position_of(point.x);
      const double y = y_axis.position_of(point.y);
      series.line_path += fmt::format("{}{} {}", series.line_path.empty() ? "M" : "L",
                                      svg_number(x), svg_number(y));
      series.points.push_back({x, y, marker_path(shape, x, y),
                               fmt::format("{}: {} {}, {}", source.name, spec.x_label,
                                           spec.format_x(point.x), spec.format_y(point.y))});
    }
    if (series.points.size() < 2) {
      series.line_path.clear();
    }

    series.legend_line_start = kPlotLeft;
    series.legend_line_end = series.legend_line_start + kLegendLineLength;
    series.legend_y = legend_top + static_cast<double>(i) * kLegendRowHeight;
    series.legend_marker_path =
        marker_path(shape, series.legend_line_start + kLegendLineLength / 2, series.legend_y);
    series.legend_text_x = series.legend_line_end + kLegendTextGap;
    series.legend_text_y = series.legend_y + kTickLabelBaselineShift;

    LineChartTableRow table_row;
    table_row.name = source.name;
    for (const double column_value : columns) {
      const auto cell = cells.find(column_value);
      table_row.cells.push_back(cell == cells.end() ? "-" : cell->second);
    }
    chart.table_rows.push_back(std::move(table_row));
    chart.series.push_back(std::move(series));
  }

  const std::size_t legend_rows = spec.series.size();
  chart.height = legend_top + static_cast<double>(legend_rows) * kLegendRowHeight -
                 kLegendRowHeight / 2 + kBottomMargin;
  if (legend_rows == 0) {
    chart.height = chart.x_label_y + kBottomMargin;
  }
  chart.aria_label = fmt::format("{}: {} against {}, {} series", spec.title, spec.y_label,
                                 spec.x_label, spec.series.size());
  return chart;
}

}  // namespace paybench::reports
