// Geometry of the change chart on the compare and gate pages. Each benchmark gets a row with a
// bar from 0 to its change (candidate against baseline, in percent), the interval of that
// change as a whisker and the benchmark's threshold as a tick.
// templates/change_chart.svg.mustache places these numbers. Internal to reports/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chart_axis.h"

namespace paybench::reports {

struct ChangeRowSpec {
  std::string name;
  double change = 0;          // a fraction: 0.07 for 7% slower, -0.5 for half the time
  std::optional<double> low;  // the interval of the change, as fractions
  std::optional<double> high;
  std::optional<double> threshold;  // the largest change allowed, as a fraction
  std::string css_class;            // colours the bar: faster, slower, same, regression, ...
  std::string value_text;           // right of the plot: "+7.1% regression"
  std::string tooltip;
};

struct ChangeChartSpec {
  std::string title;
  std::string caption;
  std::vector<ChangeRowSpec> rows;
};

struct ChangeRow {
  std::string label;  // shortened in the middle when long
  std::string tooltip;
  std::string css_class;
  double label_x = 0;
  double text_y = 0;
  double bar_x = 0;
  double bar_y = 0;
  double bar_width = 0;
  double bar_height = 0;
  bool has_whisker = false;
  double whisker_low = 0;
  double whisker_high = 0;
  double middle_y = 0;
  double cap_top = 0;
  double cap_bottom = 0;
  bool has_threshold = false;
  double threshold_x = 0;
  double threshold_top = 0;
  double threshold_bottom = 0;
  std::string value_text;
  double value_x = 0;
};

struct ChangeChart {
  std::string title;
  std::string aria_label;
  std::string caption;
  double width = 0;
  double height = 0;
  double plot_top = 0;
  double plot_bottom = 0;
  double zero_x = 0;
  double tick_label_y = 0;
  std::vector<AxisTick> ticks;  // labelled "+10%", "-20%"
  std::vector<ChangeRow> rows;
};

// Lays out `spec`. The axis is linear in percent and spans 0, every change, interval bound and
// threshold. A change that is not finite draws no bar; its row keeps its label and text.
ChangeChart layout_change_chart(const ChangeChartSpec& spec);

// Formats a change as a signed percentage with one decimal: "+7.1%", "-50.0%"; "n/a" when
// not finite.
std::string format_signed_percent(double change);

}  // namespace paybench::reports
