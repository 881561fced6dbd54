#include "chart_data.h"

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "embedded_files.h"

namespace paybench::reports {
namespace {

namespace mustache = kainjow::mustache;

using Fields = std::initializer_list<std::pair<const char*, std::string>>;

MustacheData object_of(Fields fields) {
  MustacheData data;
  for (const auto& [key, value] : fields) {
    data.set(key, value);
  }
  return data;
}

std::string number(double value) { return svg_number(value); }

MustacheData ticks_data(const std::vector<AxisTick>& ticks) {
  return list_of(ticks, [](const AxisTick& tick) {
    return object_of({{"position", number(tick.position)}, {"label", tick.label}});
  });
}

MustacheData bar_data(const ChartBar& bar) {
  MustacheData item = object_of({{"label", bar.label},
                                 {"full_label", bar.full_label},
                                 {"bar_class", bar.bar_class},
                                 {"value_text", bar.value_text},
                                 {"x", number(bar.x)},
                                 {"y", number(bar.y)},
                                 {"bar_width", number(bar.bar_width)},
                                 {"bar_height", number(bar.bar_height)},
                                 {"label_x", number(bar.label_x)},
                                 {"text_y", number(bar.text_y)},
                                 {"value_x", number(bar.value_x)},
                                 {"low_text", bar.low_text},
                                 {"high_text", bar.high_text},
                                 {"whisker_low", number(bar.whisker_low)},
                                 {"whisker_high", number(bar.whisker_high)},
                                 {"middle_y", number(bar.middle_y)},
                                 {"cap_top", number(bar.cap_top)},
                                 {"cap_bottom", number(bar.cap_bottom)}});
  item.set("has_whisker", bar.has_whisker);
  item.set(
      "dots", list_of(bar.dots, [](const ChartDot& dot) {
        return object_of({{"x", number(dot.x)}, {"y", number(dot.y)}, {"tooltip", dot.tooltip}});
      }));
  return item;
}

MustacheData series_data(const PlacedSeries& series) {
  MustacheData item = object_of({{"name", series.name},
                                 {"legend_label", series.legend_label},
                                 {"css_class", series.css_class},
                                 {"line_path", series.line_path},
                                 {"legend_line_start", number(series.legend_line_start)},
                                 {"legend_line_end", number(series.legend_line_end)},
                                 {"legend_y", number(series.legend_y)},
                                 {"legend_marker_path", series.legend_marker_path},
                                 {"legend_text_x", number(series.legend_text_x)},
                                 {"legend_text_y", number(series.legend_text_y)}});
  item.set("is_dashed", series.is_dashed);
  item.set("has_line", !series.line_path.empty());
  item.set("points", list_of(series.points, [](const PlacedPoint& point) {
             return object_of({{"marker_path", point.marker_path}, {"tooltip", point.tooltip}});
           }));
  return item;
}

}  // namespace

MustacheData comparison_chart_data(const ComparisonChart& chart) {
  MustacheData data = object_of({{"title", chart.title},
                                 {"aria_label", chart.aria_label},
                                 {"ratio_text", chart.ratio_text},
                                 {"ratio_meaning", chart.ratio_meaning},
                                 {"verdict", chart.verdict},
                                 {"verdict_class", chart.verdict_class},
                                 {"caption", chart.caption},
                                 {"unit", chart.unit},
                                 {"width", number(chart.width)},
                                 {"height", number(chart.height)},
                                 {"axis_left", number(chart.axis_left)},
                                 {"axis_right", number(chart.axis_right)},
                                 {"axis_y", number(chart.axis_y)},
                                 {"grid_top", number(chart.grid_top)},
                                 {"label_y", number(chart.label_y)},
                                 {"unit_x", number(chart.unit_x)},
                                 {"unit_y", number(chart.unit_y)}});
  data.set("ticks", list_of(chart.ticks, [](const ChartTick& tick) {
             return object_of({{"x", number(tick.x)}, {"label", tick.label}});
           }));
  data.set("bars", list_of(chart.bars, bar_data));
  return data;
}

MustacheData line_chart_data(const LineChart& chart) {
  MustacheData data = object_of({{"title", chart.title},
                                 {"aria_label", chart.aria_label},
                                 {"caption", chart.caption},
                                 {"x_label", chart.x_label},
                                 {"y_label", chart.y_label},
                                 {"width", number(chart.width)},
                                 {"height", number(chart.height)},
                                 {"plot_left", number(chart.plot_left)},
                                 {"plot_right", number(chart.plot_right)},
                                 {"plot_top", number(chart.plot_top)},
                                 {"plot_bottom", number(chart.plot_bottom)},
                                 {"x_tick_label_y", number(chart.x_tick_label_y)},
                                 {"y_tick_label_x", number(chart.y_tick_label_x)},
                                 {"x_label_x", number(chart.x_label_x)},
                                 {"x_label_y", number(chart.x_label_y)},
                                 {"y_label_x", number(chart.y_label_x)},
                                 {"y_label_y", number(chart.y_label_y)}});
  data.set("x_ticks", ticks_data(chart.x_ticks));
  data.set("y_ticks", ticks_data(chart.y_ticks));
  data.set("series", list_of(chart.series, series_data));

  data.set("table_columns", list_of(chart.table_columns, [](const std::string& column) {
             return object_of({{"column", column}});
           }));
  data.set("table_rows", list_of(chart.table_rows, [](const LineChartTableRow& row) {
             MustacheData item = object_of({{"name", row.name}});
             item.set("cells", list_of(row.cells, [](const std::string& cell) {
                        return object_of({{"cell", cell}});
                      }));
             return item;
           }));
  return data;
}

MustacheData latency_chart_data(const LatencyChart& chart) {
  MustacheData data = object_of({{"title", chart.title},
                                 {"aria_label", chart.aria_label},
                                 {"caption", chart.caption},
                                 {"width", number(chart.width)},
                                 {"height", number(chart.height)},
                                 {"plot_left", number(chart.plot_left)},
                                 {"plot_right", number(chart.plot_right)},
                                 {"plot_top", number(chart.plot_top)},
                                 {"plot_bottom", number(chart.plot_bottom)},
                                 {"tick_label_y", number(chart.tick_label_y)},
                                 {"legend_text_y", number(chart.legend_text_y)},
                                 {"values_header_x", number(chart.values_header_x)}});
  data.set("ticks", ticks_data(chart.ticks));
  data.set("legend", list_of(chart.legend, [](const LatencyLegendEntry& entry) {
             return object_of({{"percentile", entry.percentile},
                               {"css_class", entry.css_class},
                               {"marker_path", entry.marker_path},
                               {"text_x", number(entry.text_x)}});
           }));
  data.set("rows", list_of(chart.rows, [](const LatencyRow& row) {
             MustacheData item = object_of({{"label", row.label},
                                            {"full_label", row.full_label},
                                            {"label_x", number(row.label_x)},
                                            {"text_y", number(row.text_y)},
                                            {"middle_y", number(row.middle_y)},
                                            {"range_start", number(row.range_start)},
                                            {"range_end", number(row.range_end)},
                                            {"values_text", row.values_text},
                                            {"values_x", number(row.values_x)}});
             item.set("markers", list_of(row.markers, [](const LatencyMarker& marker) {
                        return object_of({{"percentile", marker.percentile},
                                          {"css_class", marker.css_class},
                                          {"marker_path", marker.marker_path},
                                          {"value_text", marker.value_text}});
                      }));
             return item;
           }));
  return data;
}

MustacheData heat_map_data(const HeatMap& map) {
  MustacheData data = object_of({{"title", map.title},
                                 {"aria_label", map.aria_label},
                                 {"caption", map.caption},
                                 {"baseline_allocator", map.baseline_allocator},
                                 {"width", number(map.width)},
                                 {"height", number(map.height)},
                                 {"header_y", number(map.header_y)},
                                 {"legend_y", number(map.legend_y)},
                                 {"legend_text_y", number(map.legend_text_y)},
                                 {"swatch_width", number(map.swatch_width)},
                                 {"swatch_height", number(map.swatch_height)},
                                 {"legend_label_x", number(map.legend_label_x)}});
  data.set("columns", list_of(map.columns, [](const HeatMapColumn& column) {
             return object_of({{"allocator", column.allocator}, {"x", number(column.x)}});
           }));
  data.set("rows", list_of(map.rows, [](const HeatMapRow& row) {
             MustacheData item = object_of({{"label", row.label},
                                            {"label_detail", row.label_detail},
                                            {"full_label", row.full_label},
                                            {"label_x", number(row.label_x)},
                                            {"label_y", number(row.label_y)},
                                            {"detail_y", number(row.detail_y)}});
             item.set("cells", list_of(row.cells, [](const HeatMapCell& cell) {
                        return object_of({{"x", number(cell.x)},
                                          {"y", number(cell.y)},
                                          {"width", number(cell.width)},
                                          {"height", number(cell.height)},
                                          {"fill", cell.fill},
                                          {"text_class", cell.text_class},
                                          {"text_x", number(cell.text_x)},
                                          {"value_y", number(cell.value_y)},
                                          {"ratio_y", number(cell.ratio_y)},
                                          {"value_text", cell.value_text},
                                          {"ratio_text", cell.ratio_text},
                                          {"tooltip", cell.tooltip}});
                      }));
             return item;
           }));
  data.set("legend", list_of(map.legend, [](const HeatMapSwatch& swatch) {
             return object_of({{"x", number(swatch.x)},
                               {"fill", swatch.fill},
                               {"label", swatch.label},
                               {"text_x", number(swatch.text_x)}});
           }));
  return data;
}

MustacheData change_chart_data(const ChangeChart& chart) {
  MustacheData data = object_of({{"title", chart.title},
                                 {"aria_label", chart.aria_label},
                                 {"caption", chart.caption},
                                 {"width", number(chart.width)},
                                 {"height", number(chart.height)},
                                 {"plot_top", number(chart.plot_top)},
                                 {"plot_bottom", number(chart.plot_bottom)},
                                 {"zero_x", number(chart.zero_x)},
                                 {"tick_label_y", number(chart.tick_label_y)}});
  data.set("ticks", ticks_data(chart.ticks));
  data.set("rows", list_of(chart.rows, [](const ChangeRow& row) {
             MustacheData item = object_of({{"label", row.label},
                                            {"tooltip", row.tooltip},
                                            {"css_class", row.css_class},
                                            {"label_x", number(row.label_x)},
                                            {"text_y", number(row.text_y)},
                                            {"bar_x", number(row.bar_x)},
                                            {"bar_y", number(row.bar_y)},
                                            {"bar_width", number(row.bar_width)},
                                            {"bar_height", number(row.bar_height)},
                                            {"whisker_low", number(row.whisker_low)},
                                            {"whisker_high", number(row.whisker_high)},
                                            {"middle_y", number(row.middle_y)},
                                            {"cap_top", number(row.cap_top)},
                                            {"cap_bottom", number(row.cap_bottom)},
                                            {"threshold_x", number(row.threshold_x)},
                                            {"threshold_top", number(row.threshold_top)},
                                            {"threshold_bottom", number(row.threshold_bottom)},
                                            {"value_text", row.value_text},
                                            {"value_x", number(row.value_x)}});
             item.set("has_whisker", row.has_whisker);
             item.set("has_threshold", row.has_threshold);
             return item;
           }));
  return data;
}

void add_chart_partials(MustacheData& page) {
  page.set("report_css",
           mustache::partial([] { return std::string(embedded::report_css_mustache); }));
  page.set("comparison_chart",
           mustache::partial([] { return std::string(embedded::comparison_chart_svg_mustache); }));
  page.set("line_chart",
           mustache::partial([] { return std::string(embedded::line_chart_svg_mustache); }));
  page.set("latency_chart",
           mustache::partial([] { return std::string(embedded::latency_chart_svg_mustache); }));
  page.set("allocator_matrix",
           mustache::partial([] { return std::string(embedded::allocator_matrix_svg_mustache); }));
  page.set("change_chart",
           mustache::partial([] { return std::string(embedded::change_chart_svg_mustache); }));
}

}  // namespace paybench::reports
