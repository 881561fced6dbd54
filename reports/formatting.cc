#include "paybench/reports/formatting.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace paybench::reports {
namespace {

constexpr double kNanosecondsPerMicrosecond = 1e3;
constexpr double kNanosecondsPerMillisecond = 1e6;
constexpr double kNanosecondsPerSecond = 1e9;

// About three significant digits for a value of any size.
std::string format_three_digits(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 100) {
    return fmt::format("{:.0f}", value);
  }
  if (magnitude >= 10) {
    return fmt::format("{:.1f}", value);
  }
  return fmt::format("{:.2f}", value);
}

// Decimals of a ratio: about three significant digits, and three decimals near 1, where the
// third decimal decides the verdict (the noise threshold is 1 +- 0.01).
int ratio_decimals(double ratio) {
  if (ratio >= 10) {
    return 1;
  }
  const bool near_one = ratio >= 0.9 && ratio <= 1.1;
  if (ratio >= 0.1 && !near_one) {
    return 2;
  }
  return 3;
}

}  // namespace

double nanoseconds_per_unit(std::string_view unit) {
  if (unit == "ns") {
    return 1;
  }
  if (unit == "us") {
    return kNanosecondsPerMicrosecond;
  }
  if (unit == "ms") {
    return kNanosecondsPerMillisecond;
  }
  if (unit == "s") {
    return kNanosecondsPerSecond;
  }
  throw std::invalid_argument(fmt::format("invalid time unit \"{}\": expected ns, us, ms or s",
                                          unit));
}

double convert_time(double value, std::string_view from_unit, std::string_view to_unit) {
  if (from_unit == to_unit) {
    return value;
  }
  return value * nanoseconds_per_unit(from_unit) / nanoseconds_per_unit(to_unit);
}

std::string_view readable_time_unit(double nanoseconds) {
  const double magnitude = std::fabs(nanoseconds);
  if (magnitude >= kNanosecondsPerSecond) {
    return "s";
  }
  if (magnitude >= kNanosecondsPerMillisecond) {
    return "ms";
  }
  if (magnitude >= kNanosecondsPerMicrosecond) {
    return "us";
  }
  return "ns";
}

std::string format_time(double nanoseconds) {
  if (!std::isfinite(nanoseconds)) {
    return "n/a";
  }
  const std::string_view unit = readable_time_unit(nanoseconds);
  return format_time_value(nanoseconds, unit) + " " + std::string(unit);
}

std::string format_time_value(double nanoseconds, std::string_view unit) {
  return format_three_digits(nanoseconds / nanoseconds_per_unit(unit));
}

std::string format_cost(double value, const Context& context) {
  return context.counts_instructions() ? format_count(value) + " instr" : format_time(value);
}

std::string format_count(double value) {
  if (!std::isfinite(value)) {
    return "n/a";
  }
  const bool is_whole = std::trunc(value) == value;
  if (is_whole && std::fabs(value) < 1e15) {
    return fmt::format("{:.0f}", value);
  }
  if (std::fabs(value) < 0.1) {
    return fmt::format("{:.2g}", value);
  }
  return format_three_digits(value);
}

std::string format_percent(double fraction) {
  if (!std::isfinite(fraction)) {
    return "n/a";
  }
  return fmt::format("{:.1f}%", fraction * 100);
}

std::string format_ratio(double ratio) {
  if (!std::isfinite(ratio)) {
    return "n/a";
  }
  return fmt::format("{:.{}f}x", ratio, ratio_decimals(ratio));
}

std::string format_ratio_interval(double ratio, double low, double high) {
  // The bounds take the ratio's decimals, so that the three numbers line up.
  const int decimals = std::isfinite(ratio) ? ratio_decimals(ratio) : 2;
  return fmt::format("{} [{:.{}f}, {:.{}f}]", format_ratio(ratio), low, decimals, high, decimals);
}

std::string format_comparison(const Comparison& comparison) {
  return format_ratio_interval(comparison.ratio, comparison.ci_low, comparison.ci_high) + " " +
         to_string(comparison.verdict);
}

}  // namespace paybench::reports
