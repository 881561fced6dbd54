#include "line_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace paybench::reports {
namespace {

LineChartSpec two_series_spec() {
  LineChartSpec spec;
  spec.title = "memory/interner distinct:1000";
  spec.x_label = "threads";
  spec.y_label = "operations per second";
  spec.x_scale = AxisScale::kLogarithmic;
  spec.y_scale = AxisScale::kLinear;
  spec.format_x = format_plain_tick;
  spec.format_y_tick = format_rate;
  spec.format_y = format_rate;
  // Points out of order: the chart draws them by ascending x.
  spec.series = {{"copy", {{2, 86e6}, {1, 73e6}}, false, std::nullopt},
                 {"sharded", {{1, 32e6}, {4, std::nan("")}}, false, std::nullopt}};
  return spec;
}

TEST(LineChart, PlacesPointsOnBothAxes) {
  const LineChart chart = layout_line_chart(two_series_spec());

  ASSERT_EQ(chart.series.size(), 2u);
  const PlacedSeries& copy = chart.series[0];
  ASSERT_EQ(copy.points.size(), 2u);
  EXPECT_LT(copy.points[0].x, copy.points[1].x) << "threads 1 left of threads 2";
  EXPECT_GT(copy.points[0].y, copy.points[1].y) << "73M/s below 86M/s";
  for (const PlacedPoint& point : copy.points) {
    EXPECT_GE(point.x, chart.plot_left);
    EXPECT_LE(point.x, chart.plot_right);
    EXPECT_GE(point.y, chart.plot_top);
    EXPECT_LE(point.y, chart.plot_bottom);
  }
  EXPECT_EQ(copy.line_path.substr(0, 1), "M");
  EXPECT_NE(copy.line_path.find('L'), std::string::npos);
  EXPECT_EQ(copy.points[0].tooltip, "copy: threads 1, 73M/s");
}

TEST(LineChart, XTicksAreTheMeasuredValues) {
  const LineChart chart = layout_line_chart(two_series_spec());

  ASSERT_EQ(chart.x_ticks.size(), 2u) << "the NaN point at 4 threads is not drawn";
  EXPECT_EQ(chart.x_ticks[0].label, "1");
  EXPECT_EQ(chart.x_ticks[1].label, "2");
  EXPECT_EQ(chart.y_ticks.front().label, "0/s");
}

TEST(LineChart, TableHasEveryPointAndDashForMissing) {
  const LineChart chart = layout_line_chart(two_series_spec());

  EXPECT_EQ(chart.table_columns, (std::vector<std::string>{"1", "2", "4"}));
  ASSERT_EQ(chart.table_rows.size(), 2u);
  EXPECT_EQ(chart.table_rows[0].name, "copy");
  EXPECT_EQ(chart.table_rows[0].cells, (std::vector<std::string>{"73M/s", "86M/s", "-"}));
  EXPECT_EQ(chart.table_rows[1].cells, (std::vector<std::string>{"32M/s", "-", "-"}));
}

TEST(LineChart, SinglePointHasNoLine) {
  const LineChart chart = layout_line_chart(two_series_spec());

  EXPECT_EQ(chart.series[1].points.size(), 1u);
  EXPECT_TRUE(chart.series[1].line_path.empty());
}

TEST(LineChart, LegendEntryPerSeriesAndStyles) {
  LineChartSpec spec = two_series_spec();
  spec.series.push_back({"copy p99", {{1, 1e6}}, true, 0});

  const LineChart chart = layout_line_chart(spec);

  ASSERT_EQ(chart.series.size(), 3u);
  EXPECT_EQ(chart.series[0].css_class, "series-0");
  EXPECT_EQ(chart.series[1].css_class, "series-1");
  EXPECT_EQ(chart.series[2].css_class, "series-0") << "the style shares copy's colour";
  EXPECT_TRUE(chart.series[2].is_dashed);
  EXPECT_LT(chart.series[0].legend_y, chart.series[1].legend_y);
  EXPECT_GT(chart.series[0].legend_y, chart.plot_bottom);
  EXPECT_GT(chart.height, chart.series[2].legend_y);
}

TEST(LineChart, ColoursRepeatWithAnotherShape) {
  LineChartSpec spec = two_series_spec();
  spec.series.clear();
  for (std::size_t i = 0; i <= kSeriesColorCount; ++i) {
    spec.series.push_back({"series " + std::to_string(i), {{1, 1.0 + i}}, false, std::nullopt});
  }

  const LineChart chart = layout_line_chart(spec);

  EXPECT_EQ(chart.series[0].css_class, chart.series[kSeriesColorCount].css_class);
  // A circle is drawn with arcs, a square with horizontal and vertical lines.
  EXPECT_NE(chart.series[0].legend_marker_path.find('a'), std::string::npos);
  EXPECT_NE(chart.series[kSeriesColorCount].legend_marker_path.find('H'), std::string::npos);
}

TEST(LineChart, LongNamesShortenedInLegendOnly) {
  LineChartSpec spec = two_series_spec();
  const std::string long_name(90, 'x');
  spec.series[0].name = long_name;

  const LineChart chart = layout_line_chart(spec);

  EXPECT_LT(chart.series[0].legend_label.size(), long_name.size());
  EXPECT_EQ(chart.series[0].name, long_name);
  EXPECT_EQ(chart.table_rows[0].name, long_name);
}

TEST(MarkerPath, ShapesAreClosedPathsAroundTheCentre) {
  for (std::size_t shape = 0; shape < 4; ++shape) {
    const std::string path = marker_path(shape, 100, 50);
    EXPECT_EQ(path.front(), 'M') << shape;
    EXPECT_EQ(path.back(), 'Z') << shape;
  }
  EXPECT_EQ(marker_path(0, 100, 50), marker_path(4, 100, 50));
  EXPECT_NE(marker_path(0, 100, 50), marker_path(1, 100, 50));
}

}  // namespace
}  // namespace paybench::reports
