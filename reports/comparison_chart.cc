#include "comparison_chart.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "chart_axis.h"
#include "paybench/reports/comparisons.h"
#include "paybench/reports/formatting.h"
#include "paybench/reports/statistics.h"

namespace paybench::reports {
namespace {

// Layout in SVG user units; the chart scales to the page width.
constexpr double kWidth = 880;
constexpr double kLabelColumnRight = 164;  // labels end here, right-aligned
constexpr double kPlotLeft = 176;
constexpr double kPlotRight = 750;  // leaves room for the value text after the longest bar
constexpr double kTopMargin = 8;
constexpr double kBarHeight = 28;
constexpr double kBarGap = 14;
constexpr double kAxisGap = 10;          // between the last bar and the axis
constexpr double kTickLabelOffset = 16;  // from the axis down to the tick labels' baseline
constexpr double kBottomMargin = 8;
constexpr double kValueTextGap = 6;
constexpr double kCapHalfHeight = 7;
constexpr double kTextBaselineShift = 4.5;  // centers 13px text on a line
// Headroom above the largest value so that no bar or whisker ends on the last gridline.
constexpr double kAxisHeadroom = 1.05;
constexpr int kTargetTickCount = 5;
// Labels longer than this are shortened; the tooltip keeps the whole text.
constexpr std::size_t kMaxLabelLength = 22;
// Dots of the repetitions spread over this middle share of a bar's height, at positions of the
// golden-ratio sequence, which never repeat and stay evenly spread for any count.
constexpr double kDotSpread = 0.7;
constexpr double kGoldenRatioFraction = 0.6180339887498949;

std::string shorten(const std::string& label) {
  if (label.size() <= kMaxLabelLength) {
    return label;
  }
  return label.substr(0, kMaxLabelLength - 3) + "...";
}

std::optional<MedianInterval> median_interval_of(std::span<const double> samples_ns) {
  const bool usable =
      samples_ns.size() >= 2 && std::all_of(samples_ns.begin(), samples_ns.end(), [](double t) {
        return std::isfinite(t) && t > 0;
      });
  if (!usable) {
    return std::nullopt;
  }
  return bootstrap_median_interval(samples_ns, kComparisonConfidence);
}

std::string describe_params(const Comparison& comparison) {
  std::string text;
  for (const auto& [key, value] : comparison.params) {
    text += fmt::format("{}{}={}", text.empty() ? "" : ", ", key, value);
  }
  text += fmt::format("{}threads={}", text.empty() ? "" : ", ", comparison.threads);
  return text;
}

}  // namespace

std::string verdict_css_class(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFaster:
      return "faster";
    case Verdict::kSlower:
      return "slower";
    case Verdict::kNoDifference:
      return "same";
  }
  return "same";
}

ComparisonChart layout_comparison_chart(const Comparison& comparison,
                                        std::span<const double> baseline_ns,
                                        std::span<const double> candidate_ns) {
  const bool by_allocator = comparison.baseline == comparison.candidate &&
                            comparison.baseline_allocator != comparison.candidate_allocator;
  const std::string baseline_name =
      by_allocator ? comparison.baseline_allocator : comparison.baseline;
  const std::string candidate_name =
      by_allocator ? comparison.candidate_allocator : comparison.candidate;

  ComparisonChart chart;
  chart.verdict = to_string(comparison.verdict);
  chart.verdict_class = verdict_css_class(comparison.verdict);
  chart.ratio_text =
      format_ratio_interval(comparison.ratio, comparison.ci_low, comparison.ci_high);
  chart.ratio_meaning = fmt::format("{} takes {} the time of {} per operation", candidate_name,
                                    format_ratio(comparison.ratio), baseline_name);
  if (by_allocator) {
    chart.title = fmt::format("{}: {} vs {} ({})", comparison.candidate, candidate_name,
                              baseline_name, describe_params(comparison));
  } else {
    const std::string allocator = comparison.baseline_allocator.empty()
                                      ? ""
                                      : ", allocator " + comparison.baseline_allocator;
    chart.title = fmt::format("{} vs {} ({}{})", candidate_name, baseline_name,
                              describe_params(comparison), allocator);
  }

  // The values to draw, in nanoseconds.
  struct Side {
    std::string name;
    std::string bar_class;
    double median_ns;
    std::optional<MedianInterval> interval;
    std::span<const double> samples_ns;
  };
  const double unit_ns = nanoseconds_per_unit(comparison.time_unit);
  const std::vector<Side> sides = {
      {baseline_name, "bar-baseline", comparison.baseline_median * unit_ns,
       median_interval_of(baseline_ns), baseline_ns},
      {candidate_name, "bar-" + chart.verdict_class, comparison.candidate_median * unit_ns,
       median_interval_of(candidate_ns), candidate_ns},
  };

  double largest_ns = 0;
  for (const Side& side : sides) {
    largest_ns = std::max(largest_ns, side.median_ns);
    if (side.interval) {
      largest_ns = std::max(largest_ns, side.interval->high);
    }
    for (const double sample : side.samples_ns) {
      if (std::isfinite(sample)) {
        largest_ns = std::max(largest_ns, sample);
      }
    }
  }
  if (!(largest_ns > 0)) {
    largest_ns = 1;
  }

  // The axis runs from 0 to a whole number of nice steps, in a unit that suits its end.
  const double step_ns = nice_step(largest_ns * kAxisHeadroom, kTargetTickCount);
  const double axis_max_ns = std::ceil(largest_ns * kAxisHeadroom / step_ns) * step_ns;
  const auto x_of = [&](double ns) {
    return kPlotLeft + (kPlotRight - kPlotLeft) * std::clamp(ns / axis_max_ns, 0.0, 1.0);
  };
  // Instruction counts (time_unit "ns" by convention, see Context::measure) keep their unit.
  const bool counts_instructions = comparison.metric == "instructions";
  chart.unit = counts_instructions ? "instr" : std::string(readable_time_unit(axis_max_ns));
  const double tick_unit_ns = counts_instructions ? 1 : nanoseconds_per_unit(chart.unit);
  const auto value_text = [counts_instructions](double value) {
    return counts_instructions ? format_count(value) + " instr" : format_time(value);
  };

  chart.width = kWidth;
  chart.axis_left = kPlotLeft;
  chart.axis_right = kPlotRight;
  chart.grid_top = kTopMargin;
  chart.axis_y = kTopMargin + static_cast<double>(sides.size()) * kBarHeight +
                 static_cast<double>(sides.size() - 1) * kBarGap + kAxisGap;
  chart.label_y = chart.axis_y + kTickLabelOffset;
  chart.unit_x = kLabelColumnRight;
  chart.unit_y = chart.label_y;
  chart.height = chart.label_y + kBottomMargin;

  const int tick_count = static_cast<int>(std::lround(axis_max_ns / step_ns));
  for (int i = 0; i <= tick_count; ++i) {
    const double tick_ns = step_ns * i;
    chart.ticks.push_back({x_of(tick_ns), fmt::format("{:g}", tick_ns / tick_unit_ns)});
  }

  for (std::size_t i = 0; i < sides.size(); ++i) {
    const Side& side = sides[i];
    ChartBar bar;
    bar.label = shorten(side.name);
    bar.full_label = side.name;
    bar.bar_class = side.bar_class;
    bar.value_text = value_text(side.median_ns);
    bar.x = kPlotLeft;
    bar.y = kTopMargin + static_cast<double>(i) * (kBarHeight + kBarGap);
    bar.bar_width = x_of(side.median_ns) - kPlotLeft;
    bar.bar_height = kBarHeight;
    bar.label_x = kLabelColumnRight;
    bar.middle_y = bar.y + kBarHeight / 2;
    bar.text_y = bar.middle_y + kTextBaselineShift;

    double right_end = x_of(side.median_ns);
    if (side.interval) {
      bar.has_whisker = true;
      bar.low_text = value_text(side.interval->low);
      bar.high_text = value_text(side.interval->high);
      bar.whisker_low = x_of(side.interval->low);
      bar.whisker_high = x_of(side.interval->high);
      bar.cap_top = bar.middle_y - kCapHalfHeight;
      bar.cap_bottom = bar.middle_y + kCapHalfHeight;
      right_end = std::max(right_end, bar.whisker_high);
    }
    for (std::size_t r = 0; r < side.samples_ns.size(); ++r) {
      const double sample = side.samples_ns[r];
      if (!std::isfinite(sample) || sample <= 0) {
        continue;
      }
      const double position = std::fmod(static_cast<double>(r) * kGoldenRatioFraction, 1.0);
      const double dot_x = x_of(sample);
      bar.dots.push_back({dot_x,
                          bar.y + kBarHeight * ((1 - kDotSpread) / 2 + kDotSpread * position),
                          fmt::format("repetition {}: {}", r + 1, value_text(sample))});
      right_end = std::max(right_end, dot_x);
    }
    bar.value_x = right_end + kValueTextGap;
    chart.bars.push_back(std::move(bar));
  }

  const bool all_whiskers = sides[0].interval && sides[1].interval;
  const bool any_whisker = sides[0].interval || sides[1].interval;
  chart.caption = fmt::format(
      "Bars: median real time per operation over {} baseline and {} candidate repetitions. ",
      comparison.baseline_samples, comparison.candidate_samples);
  const bool has_dots = std::any_of(chart.bars.begin(), chart.bars.end(),
                                    [](const ChartBar& bar) { return !bar.dots.empty(); });
  if (has_dots) {
    chart.caption += "Dots: each repetition. ";
  }
  if (all_whiskers) {
    chart.caption += fmt::format("Whiskers: {:g}% percentile-bootstrap interval of each median. ",
                                 kComparisonConfidence * 100);
  } else if (any_whisker) {
    chart.caption += fmt::format(
        "Whiskers: {:g}% percentile-bootstrap interval of the median, drawn only for a side "
        "with at least 2 repetitions in the result. ",
        kComparisonConfidence * 100);
  } else {
    chart.caption += "No whiskers: the result holds fewer than 2 repetitions of each side. ";
  }
  chart.caption += fmt::format(
      "The ratio's interval is a {:g}% percentile bootstrap of the ratio of medians.",
      kComparisonConfidence * 100);
  chart.aria_label = fmt::format("{}: {} {}, {} {}, ratio {}, {}", chart.title, baseline_name,
                                 value_text(sides[0].median_ns), candidate_name,
                                 value_text(sides[1].median_ns), chart.ratio_text,
                                 chart.verdict);
  return chart;
}

}  // namespace paybench::reports
