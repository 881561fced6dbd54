#include "paybench/resilience/gcra_rate_limiter.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "paybench/resilience/limiter_arguments.h"

namespace paybench {
namespace {

constexpr double kTicksPerSecond = 1e9 * GcraRateLimiter::kTicksPerNanosecond;

// The emission interval in ticks, or 0 when the bucket never refills (or has no limit). A limit
// above one event per tick (8e9 per second) is rounded down to one per tick.
std::int64_t interval_ticks_for(double limit, int burst) {
  if (limit == 0.0 || std::isinf(limit)) {
    return 0;
  }
  const double interval = std::max(1.0, std::round(kTicksPerSecond / limit));
  const double window = interval * std::max(burst, 1);
  const bool refills_in_time = window <= static_cast<double>(GcraRateLimiter::kMaxRefillWindow);
  return refills_in_time ? static_cast<std::int64_t>(interval) : 0;
}

}  // namespace

GcraRateLimiter::GcraRateLimiter(double limit, int burst)
    : limit_(detail::checked_limit("GcraRateLimiter", limit)),
      burst_(detail::checked_burst("GcraRateLimiter", burst)),
      is_unlimited_(std::isinf(limit_)),
      refills_(interval_ticks_for(limit_, burst_) != 0),
      interval_ticks_(refills_ ? interval_ticks_for(limit_, burst_) : 1),
      window_ticks_(interval_ticks_ * burst_) {}

double GcraRateLimiter::tokens_at(TimePoint now) const noexcept {
  if (is_unlimited_ || burst_ == 0) {
    return burst_;
  }

  const std::int64_t now_ticks = refills_ ? to_ticks(now) : 0;
  const std::int64_t tat = tat_ticks_.load(std::memory_order_relaxed);
  const std::int64_t debt_ticks = std::max(tat, now_ticks) - now_ticks;
  return static_cast<double>(window_ticks_ - debt_ticks) / static_cast<double>(interval_ticks_);
}

}  // namespace paybench
