// Geometry of the bar chart that the HTML report draws for one comparison. The template only
// places these numbers; every coordinate is computed here, in SVG user units.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "paybench/reports/result.h"

namespace paybench::reports {

struct ChartTick {
  double x = 0;
  std::string label;  // in the chart's unit, without the unit
};

// One repetition of a side, drawn as a dot over its bar.
struct ChartDot {
  double x = 0;
  double y = 0;
  std::string tooltip;  // "repetition 3: 6.18 ns"
};

struct ChartBar {
  std::string label;       // shown left of the bar, shortened when long
  std::string full_label;  // in the bar's tooltip
  std::string bar_class;   // CSS class: bar-baseline, bar-faster, bar-slower or bar-same
  std::string value_text;  // the median, "6.16 ns"
  double x = 0;
  double y = 0;
  double bar_width = 0;
  double bar_height = 0;
  double label_x = 0;
  double text_y = 0;   // baseline of the label and value texts
  double value_x = 0;  // start of the value text, right of the bar and the whisker

  // The 95% bootstrap interval of this side's median; absent with fewer than 2 samples.
  bool has_whisker = false;
  std::string low_text;
  std::string high_text;
  double whisker_low = 0;
  double whisker_high = 0;
  double middle_y = 0;
  double cap_top = 0;
  double cap_bottom = 0;

  // The side's repetitions, spread over the bar's height so that equal times stay visible.
  std::vector<ChartDot> dots;
};

struct ComparisonChart {
  std::string title;
  std::string aria_label;
  std::string ratio_text;     // "0.31x [0.30, 0.33]"
  std::string ratio_meaning;  // the ratio in words
  std::string verdict;
  std::string verdict_class;  // CSS class: faster, slower or same
  std::string caption;
  std::string unit;  // of the tick labels; shown left of the axis, below the bar labels
  double width = 0;
  double height = 0;
  double axis_left = 0;
  double axis_right = 0;
  double axis_y = 0;
  double grid_top = 0;
  double label_y = 0;  // baseline of the tick labels
  double unit_x = 0;
  double unit_y = 0;
  std::vector<ChartTick> ticks;
  std::vector<ChartBar> bars;  // baseline first
};

// Lays out the chart of `comparison`. The samples are the real times per operation in
// nanoseconds of each side's repetitions, for the whiskers and the dots; either may be empty.
// Samples that are not finite and > 0 get no dot.
ComparisonChart layout_comparison_chart(const Comparison& comparison,
                                        std::span<const double> baseline_ns,
                                        std::span<const double> candidate_ns);

// CSS class for a verdict: faster, slower or same.
std::string verdict_css_class(Verdict verdict);

}  // namespace paybench::reports
