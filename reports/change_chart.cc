#include "change_chart.h"

#include <fmt/format.h>

#include <cmath>

namespace paybench::reports {
namespace {

// Layout in SVG user units. The chart shrinks to the page width when the page is narrower.
constexpr double kWidth = 960;
constexpr double kLabelRight = 380;  // labels end here, right-aligned
constexpr double kPlotLeft = 392;
constexpr double kPlotRight = 740;
constexpr double kValueLeft = 752;  // "-3.7% p=0.6993 (unreliable)" in 12px monospace fits
constexpr double kPlotTop = 8;
constexpr double kRowHeight = 24;
constexpr double kBarHeight = 14;
constexpr double kCapHalfHeight = 5;
constexpr double kThresholdHalfHeight = 9;
constexpr double kTextBaselineShift = 4;  // centres 12px text on a row
constexpr double kTickLabelOffset = 16;
constexpr double kBottomMargin = 8;
// Benchmark names longer than this (in 12px monospace, as wide as the label column) keep their
// start and end; the tooltip has the whole name.
constexpr std::size_t kMaxLabelLength = 52;

std::string percent_tick(double change) {
  if (change == 0) {
    return "0";
  }
  return fmt::format("{}{:g}%", change > 0 ? "+" : "", change * 100);
}

}  // namespace

std::string format_signed_percent(double change) {
  if (!std::isfinite(change)) {
    return "n/a";
  }
  return fmt::format("{:+.1f}%", change * 100);
}

ChangeChart layout_change_chart(const ChangeChartSpec& spec) {
  std::vector<double> values = {0};
  for (const ChangeRowSpec& row : spec.rows) {
    for (const std::optional<double>& value :
         {std::optional<double>(row.change), row.low, row.high, row.threshold}) {
      if (value && std::isfinite(*value)) {
        values.push_back(*value);
      }
    }
  }

  ChangeChart chart;
  chart.title = spec.title;
  chart.caption = spec.caption;
  chart.width = kWidth;
  chart.plot_top = kPlotTop;
  chart.plot_bottom = kPlotTop + static_cast<double>(spec.rows.size()) * kRowHeight;
  chart.tick_label_y = chart.plot_bottom + kTickLabelOffset;
  chart.height = chart.tick_label_y + kBottomMargin;
  const ChartAxis axis(AxisScale::kLinear, values, kPlotLeft, kPlotRight, percent_tick);
  chart.ticks = axis.ticks();
  chart.zero_x = axis.position_of(0);

  for (std::size_t i = 0; i < spec.rows.size(); ++i) {
    const ChangeRowSpec& source = spec.rows[i];
    ChangeRow row;
    row.label = shorten_middle(source.name, kMaxLabelLength);
    row.tooltip = source.tooltip;
    row.css_class = source.css_class;
    row.label_x = kLabelRight;
    row.middle_y = kPlotTop + (static_cast<double>(i) + 0.5) * kRowHeight;
    row.text_y = row.middle_y + kTextBaselineShift;
    row.bar_y = row.middle_y - kBarHeight / 2;
    row.bar_height = kBarHeight;
    if (std::isfinite(source.change)) {
      const double end = axis.position_of(source.change);
      row.bar_x = std::min(chart.zero_x, end);
      row.bar_width = std::fabs(end - chart.zero_x);
    } else {
      row.bar_x = chart.zero_x;
    }

    const bool has_interval =
        source.low && source.high && std::isfinite(*source.low) && std::isfinite(*source.high);
    if (has_interval) {
      row.has_whisker = true;
      row.whisker_low = axis.position_of(*source.low);
      row.whisker_high = axis.position_of(*source.high);
      row.cap_top = row.middle_y - kCapHalfHeight;
      row.cap_bottom = row.middle_y + kCapHalfHeight;
    }
    if (source.threshold && std::isfinite(*source.threshold)) {
      row.has_threshold = true;
      row.threshold_x = axis.position_of(*source.threshold);
      row.threshold_top = row.middle_y - kThresholdHalfHeight;
      row.threshold_bottom = row.middle_y + kThresholdHalfHeight;
    }
    row.value_text = source.value_text;
    row.value_x = kValueLeft;
    chart.rows.push_back(std::move(row));
  }

  chart.aria_label = fmt::format("{}: change of {} benchmarks", spec.title, spec.rows.size());
  return chart;
}

}  // namespace paybench::reports
