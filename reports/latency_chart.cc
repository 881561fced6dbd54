#include "latency_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "line_chart.h"
#include "paybench/reports/formatting.h"
#include "paybench/reports/instance_summary.h"
#include "run_views.h"

namespace paybench::reports {
namespace {

// Layout in SVG user units. The chart shrinks to the page width when the page is narrower.
constexpr double kWidth = 1000;
constexpr double kLabelRight = 470;  // labels end here, right-aligned
constexpr double kPlotLeft = 482;
constexpr double kPlotRight = 776;
constexpr double kValuesLeft = 790;  // "1.08 ms / 5.86 ms / 5.90 ms" in 12px monospace fits
constexpr double kLegendBaseline = 14;
constexpr double kLegendEntryWidth = 72;
constexpr double kLegendMarkerGap = 10;
constexpr double kPlotTop = 28;
constexpr double kRowHeight = 24;
constexpr double kTextBaselineShift = 4;  // centres 12px text on a row
constexpr double kTickLabelOffset = 16;
constexpr double kBottomMargin = 8;
// Labels longer than this (in 12px monospace, as wide as the label column) are shortened in
// the middle. The tooltip keeps the whole text.
constexpr std::size_t kMaxLabelLength = 65;

struct Percentile {
  const char* name;
  const char* css_class;
  std::size_t marker_shape;
  std::optional<double> InstanceSummary::*value;
};

constexpr Percentile kPercentiles[] = {
    {"p50", "latency-p50", 0, &InstanceSummary::latency_p50_ns},
    {"p99", "latency-p99", 1, &InstanceSummary::latency_p99_ns},
    {"p99.9", "latency-p999", 2, &InstanceSummary::latency_p999_ns},
};

std::optional<double> drawable(const std::optional<double>& value) {
  if (value && std::isfinite(*value) && *value > 0) {
    return value;
  }
  return std::nullopt;
}

std::string row_label(const InstanceSummary& instance, bool several_allocators) {
  std::string label = instance.display_name;
  const std::string prefix = instance.workload + "/";
  if (!instance.workload.empty() && label.starts_with(prefix)) {
    label = label.substr(prefix.size());
  }
  if (several_allocators && !instance.allocator.empty()) {
    label = remove_name_segments(label, {"allocator:"}) + " (" + instance.allocator + ")";
  }
  return label;
}

LatencyChart layout_chart(const std::string& title,
                          const std::vector<const InstanceSummary*>& instances,
                          bool several_allocators) {
  std::vector<double> values;
  for (const InstanceSummary* instance : instances) {
    for (const Percentile& percentile : kPercentiles) {
      if (const auto value = drawable(instance->*percentile.value)) {
        values.push_back(*value);
      }
    }
  }

  LatencyChart chart;
  chart.title = title;
  chart.width = kWidth;
  chart.plot_left = kPlotLeft;
  chart.plot_right = kPlotRight;
  chart.plot_top = kPlotTop;
  chart.plot_bottom = kPlotTop + static_cast<double>(instances.size()) * kRowHeight;
  chart.tick_label_y = chart.plot_bottom + kTickLabelOffset;
  chart.height = chart.tick_label_y + kBottomMargin;
  chart.legend_y = kLegendBaseline - kTextBaselineShift;
  chart.legend_text_y = kLegendBaseline;
  chart.values_header_x = kValuesLeft;
  const ChartAxis axis(AxisScale::kLogarithmic, values, kPlotLeft, kPlotRight, format_time_tick);
  chart.ticks = axis.ticks();

  for (std::size_t i = 0; i < std::size(kPercentiles); ++i) {
    const Percentile& percentile = kPercentiles[i];
    const double marker_x = kPlotLeft + static_cast<double>(i) * kLegendEntryWidth;
    chart.legend.push_back({percentile.name, percentile.css_class,
                            marker_path(percentile.marker_shape, marker_x, chart.legend_y),
                            marker_x + kLegendMarkerGap});
  }

  for (std::size_t i = 0; i < instances.size(); ++i) {
    const InstanceSummary& instance = *instances[i];
    LatencyRow row;
    row.full_label = row_label(instance, several_allocators);
    row.label = shorten_middle(row.full_label, kMaxLabelLength);
    row.label_x = kLabelRight;
    row.middle_y = kPlotTop + (static_cast<double>(i) + 0.5) * kRowHeight;
    row.text_y = row.middle_y + kTextBaselineShift;
    row.values_x = kValuesLeft;

    std::vector<std::string> texts;
    double low = kPlotRight;
    double high = kPlotLeft;
    for (const Percentile& percentile : kPercentiles) {
      const std::optional<double> value = drawable(instance.*percentile.value);
      texts.push_back(value ? format_time(*value) : "-");
      if (!value) {
        continue;
      }
      const double x = axis.position_of(*value);
      low = std::min(low, x);
      high = std::max(high, x);
      row.markers.push_back({percentile.name, percentile.css_class,
                             marker_path(percentile.marker_shape, x, row.middle_y),
                             format_time(*value)});
    }
    row.range_start = row.markers.empty() ? kPlotLeft : low;
    row.range_end = row.markers.empty() ? kPlotLeft : high;
    row.values_text = fmt::format("{} / {} / {}", texts[0], texts[1], texts[2]);
    chart.rows.push_back(std::move(row));
  }

  chart.caption =
      "Latency percentiles as the workload reports them, each the median over the "
      "repetitions; the time axis is logarithmic. For queues it is the time from push to pop "
      "of every 64th item, and a queue that stays full shows its backlog there. For writes it "
      "is the time from adding a row to the sink's confirmation of its batch.";
  chart.aria_label =
      fmt::format("{}: latency p50, p99 and p99.9 of {} benchmarks", title, instances.size());
  return chart;
}

}  // namespace

std::vector<LatencyChart> latency_charts(const Result& result) {
  const std::vector<FamilySummary> families = summarize_instances(result);
  const bool several_allocators = has_several_allocators(families);

  std::vector<std::string> titles;
  std::vector<std::vector<const InstanceSummary*>> rows;
  for (const FamilySummary& family : families) {
    for (const InstanceSummary& instance : family.instances) {
      if (!drawable(instance.latency_p50_ns)) {
        continue;
      }
      const std::string title =
          instance.workload.empty() ? family.family : family.family + "/" + instance.workload;
      auto it = std::find(titles.begin(), titles.end(), title);
      if (it == titles.end()) {
        titles.push_back(title);
        rows.emplace_back();
        it = titles.end() - 1;
      }
      rows[static_cast<std::size_t>(it - titles.begin())].push_back(&instance);
    }
  }

  std::vector<LatencyChart> charts;
  for (std::size_t i = 0; i < titles.size(); ++i) {
    charts.push_back(layout_chart(titles[i], rows[i], several_allocators));
  }
  return charts;
}

}  // namespace paybench::reports
