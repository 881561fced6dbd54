// One axis of the report's static SVG charts, which maps data values to SVG user units and
// places the ticks, and the formats of tick labels and long names. Shared by the line charts,
// the latency chart, the allocator matrix and the change chart. Internal to reports/.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace paybench::reports {

enum class AxisScale { kLinear, kLogarithmic };

struct AxisTick {
  double value = 0;     // in data units
  double position = 0;  // in SVG user units
  std::string label;
};

// Formats a tick value, such as 1000 as "1 us" on a time axis.
using TickFormatter = std::function<std::string(double)>;

class ChartAxis {
 public:
  // Lays out an axis from `start` to `end`, in SVG user units, that shows every value of
  // `values`. A vertical axis that grows upwards has end < start.
  //
  // Without `tick_values`, a linear axis runs from 0 to a round number above the largest
  // value. When the smallest value is negative, it starts at a round number below that
  // instead. Its ticks, about five, lie 1, 2, 2.5 or 5 times a power of ten apart. A
  // logarithmic axis runs from the power of ten at or below the smallest value to the one at
  // or above the largest, with a tick at each power of ten. Across at most two decades it also
  // has ticks at 2 and 5 times each power of ten.
  //
  // With `tick_values`, the ticks sit at exactly those values and the axis spans the smallest
  // and largest of them and of `values`, so that measured parameters such as thread counts or
  // batch sizes label the axis. `inset` keeps the ends of that span this far inside start and
  // end, so points on them are not cut in half.
  //
  // Values that are not finite, and on a logarithmic axis values <= 0, are ignored. Without a
  // usable value, a linear axis spans 0 to a round number above 1, a logarithmic one 1 to 10.
  ChartAxis(AxisScale scale, std::span<const double> values, double start, double end,
            const TickFormatter& format_tick, std::span<const double> tick_values = {},
            double inset = 0);

  // Returns the position of `value`, clamped to the axis. On a logarithmic axis a value <= 0
  // maps to the axis start.
  double position_of(double value) const;

  AxisScale scale() const { return scale_; }
  double domain_min() const { return domain_min_; }
  double domain_max() const { return domain_max_; }
  const std::vector<AxisTick>& ticks() const { return ticks_; }

 private:
  AxisScale scale_;
  double start_;
  double end_;
  double domain_min_ = 0;
  double domain_max_ = 1;
  std::vector<AxisTick> ticks_;
};

// Returns a step of 1, 2, 2.5 or 5 times a power of ten that splits `range` (> 0) into about
// `count` parts.
double nice_step(double range, int count);

// Returns `text` when it has at most `max_length` bytes, else its start and end joined by
// "...", at most `max_length` bytes in all. The end of a benchmark name (its parameters and
// threads) distinguishes rows, so it keeps two thirds of the room. Cuts never split a UTF-8
// character.
std::string shorten_middle(const std::string& text, std::size_t max_length);

// Formats an SVG coordinate with one decimal, which is below what a screen or printer shows.
std::string svg_number(double value);

// Tick formatters: a time in ns in its readable unit ("250 ns", "2.5 us"), a rate per second
// with an SI prefix ("500k/s", "1.2M/s"), and a plain number ("4", "1000").
std::string format_time_tick(double nanoseconds);
std::string format_rate(double per_second);
std::string format_plain_tick(double value);

}  // namespace paybench::reports
