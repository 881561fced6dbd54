#include "chart_axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "paybench/reports/formatting.h"

namespace paybench::reports {
namespace {

constexpr int kTargetTickCount = 5;
// Headroom above the largest value of a computed linear axis, so that no bar or point ends on
// the last gridline.
constexpr double kLinearHeadroom = 1.05;
// Up to this many decades, a logarithmic axis gets ticks at 2 and 5 times each power of ten
// too, so that it has more than two or three labels.
constexpr double kMaxDecadesForMinorTicks = 2;

struct Range {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void add(double value) {
    min = std::min(min, value);
    max = std::max(max, value);
  }
  bool empty() const { return min > max; }
};

Range usable_range(AxisScale scale, std::span<const double> values) {
  Range range;
  for (const double value : values) {
    const bool usable = std::isfinite(value) && (scale == AxisScale::kLinear || value > 0);
    if (usable) {
      range.add(value);
    }
  }
  return range;
}

std::vector<double> linear_tick_values(double min, double max) {
  const double step = nice_step(max - min, kTargetTickCount);
  std::vector<double> ticks;
  const long first = std::lround(std::ceil(min / step - 1e-9));
  const long last = std::lround(std::floor(max / step + 1e-9));
  for (long i = first; i <= last; ++i) {
    ticks.push_back(static_cast<double>(i) * step);
  }
  return ticks;
}

std::vector<double> logarithmic_tick_values(double min, double max) {
  const int first_decade = static_cast<int>(std::lround(std::log10(min)));
  const int last_decade = static_cast<int>(std::lround(std::log10(max)));
  const bool with_minor_ticks = last_decade - first_decade <= kMaxDecadesForMinorTicks;
  std::vector<double> ticks;
  for (int decade = first_decade; decade <= last_decade; ++decade) {
    const double power = std::pow(10.0, decade);
    ticks.push_back(power);
    if (with_minor_ticks && decade < last_decade) {
      ticks.push_back(2 * power);
      ticks.push_back(5 * power);
    }
  }
  return ticks;
}

}  // namespace

double nice_step(double range, int count) {
  const double raw = range / count;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  double step = 10;
  for (const double candidate : {1.0, 2.0, 2.5, 5.0}) {
    if (normalized <= candidate + 1e-9) {
      step = candidate;
      break;
    }
  }
  return step * magnitude;
}

ChartAxis::ChartAxis(AxisScale scale, std::span<const double> values, double start, double end,
                     const TickFormatter& format_tick, std::span<const double> tick_values,
                     double inset)
    : scale_(scale), start_(start), end_(end) {
  const bool is_linear = scale == AxisScale::kLinear;
  Range range = usable_range(scale, values);
  const Range ticks_range = usable_range(scale, tick_values);
  std::vector<double> ticks;

  if (!ticks_range.empty()) {
    // Measured values label the axis, which spans exactly what it shows.
    range.add(ticks_range.min);
    range.add(ticks_range.max);
    domain_min_ = range.min;
    domain_max_ = range.max;
    if (domain_min_ == domain_max_) {
      // One value: put it in the middle.
      domain_min_ = is_linear ? domain_min_ - 1 : domain_min_ / 10;
      domain_max_ = is_linear ? domain_max_ + 1 : domain_max_ * 10;
    }
    for (const double value : tick_values) {
      if (std::isfinite(value) && (is_linear || value > 0)) {
        ticks.push_back(value);
      }
    }
    const double direction = end >= start ? 1 : -1;
    start_ = start + direction * inset;
    end_ = end - direction * inset;
  } else if (is_linear) {
    const double low = range.empty() ? 0 : std::min(0.0, range.min);
    const double high = range.empty() ? 1 : std::max(0.0, range.max);
    const bool is_flat = high - low <= 0;
    const double step = nice_step(is_flat ? 1 : (high - low) * kLinearHeadroom, kTargetTickCount);
    domain_min_ = low < 0 ? std::floor(low * kLinearHeadroom / step) * step : 0;
    domain_max_ = high > 0 ? std::ceil(high * kLinearHeadroom / step) * step : step;
    ticks = linear_tick_values(domain_min_, domain_max_);
  } else {
    const double low = range.empty() ? 1 : range.min;
    const double high = range.empty() ? 10 : range.max;
    domain_min_ = std::pow(10.0, std::floor(std::log10(low)));
    domain_max_ = std::pow(10.0, std::ceil(std::log10(high)));
    if (domain_max_ <= domain_min_) {
      domain_max_ = domain_min_ * 10;
    }
    ticks = logarithmic_tick_values(domain_min_, domain_max_);
  }

  std::sort(ticks.begin(), ticks.end());
  ticks.erase(std::unique(ticks.begin(), ticks.end()), ticks.end());
  for (const double value : ticks) {
    ticks_.push_back({value, position_of(value), format_tick(value)});
  }
}

double ChartAxis::position_of(double value) const {
  double fraction = 0;
  if (scale_ == AxisScale::kLinear) {
    fraction = (value - domain_min_) / (domain_max_ - domain_min_);
  } else if (value > 0) {
    fraction = std::log(value / domain_min_) / std::log(domain_max_ / domain_min_);
  }
  if (!std::isfinite(fraction)) {
    fraction = 0;
  }
  return start_ + (end_ - start_) * std::clamp(fraction, 0.0, 1.0);
}

std::string shorten_middle(const std::string& text, std::size_t max_length) {
  constexpr std::string_view kEllipsis = "...";
  if (text.size() <= max_length || max_length <= kEllipsis.size()) {
    return text;
  }
  const auto is_continuation_byte = [&text](std::size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  const std::size_t room = max_length - kEllipsis.size();
  std::size_t start_end = room / 3;  // one past the kept start
  while (start_end > 0 && is_continuation_byte(start_end)) {
    --start_end;
  }
  std::size_t end_start = text.size() - (room - room / 3);  // the first byte of the kept end
  while (end_start < text.size() && is_continuation_byte(end_start)) {
    ++end_start;
  }
  return text.substr(0, start_end) + std::string(kEllipsis) + text.substr(end_start);
}

std::string svg_number(double value) {
  // Avoids "-0.0", which is valid SVG but reads oddly in tests and diffs.
  const double rounded = std::round(value * 10) / 10;
  return fmt::format("{:.1f}", rounded == 0 ? 0.0 : rounded);
}

std::string format_time_tick(double nanoseconds) {
  if (nanoseconds == 0) {
    return "0";
  }
  const std::string_view unit = readable_time_unit(nanoseconds);
  return fmt::format("{:g} {}", nanoseconds / nanoseconds_per_unit(unit), unit);
}

std::string format_rate(double per_second) {
  if (!std::isfinite(per_second)) {
    return "n/a";
  }
  struct Prefix {
    double factor;
    const char* symbol;
  };
  constexpr Prefix kPrefixes[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  // A value just below a prefix's factor takes that prefix, because three digits round it up
  // to the factor: 999999 reads "1M/s", not "1e+03k/s".
  constexpr double kRoundingMargin = 0.9995;
  for (const Prefix& prefix : kPrefixes) {
    if (std::fabs(per_second) >= prefix.factor * kRoundingMargin) {
      return fmt::format("{:.3g}{}/s", per_second / prefix.factor, prefix.symbol);
    }
  }
  return fmt::format("{:.3g}/s", per_second);
}

std::string format_plain_tick(double value) { return fmt::format("{:g}", value); }

}  // namespace paybench::reports
