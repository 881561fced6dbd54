#include "paybench/resilience/breaker_types.h"

#include <stdexcept>
#include <string>

namespace paybench {
namespace {

constexpr std::chrono::nanoseconds kDefaultTimeout = std::chrono::seconds(60);

// gobreaker's default: trip when consecutive failures exceed 5.
constexpr std::uint32_t kDefaultMaxConsecutiveFailures = 5;

class BreakerCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "circuit breaker"; }

  std::string message(int value) const override {
    switch (static_cast<BreakerErrc>(value)) {
      case BreakerErrc::kOpen:
        return "circuit breaker is open";
      case BreakerErrc::kTooManyRequests:
        return "too many requests while the circuit breaker is half-open";
    }
    return "unknown circuit breaker error " + std::to_string(value);
  }
};

void check_not_negative(const std::string& breaker_name, std::string_view setting,
                        std::chrono::nanoseconds value, std::string_view zero_meaning) {
  if (value >= std::chrono::nanoseconds::zero()) {
    return;
  }
  throw std::invalid_argument("circuit breaker '" + breaker_name + "': " + std::string(setting) +
                              " of " + std::to_string(value.count()) +
                              " ns is invalid: expected a duration >= 0 (0 " +
                              std::string(zero_meaning) + ")");
}

}  // namespace

std::string_view to_string(BreakerState state) noexcept {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kHalfOpen:
      return "half-open";
    case BreakerState::kOpen:
      return "open";
  }
  return "unknown";
}

const std::error_category& breaker_category() noexcept {
  static const BreakerCategory category;
  return category;
}

std::error_code make_error_code(BreakerErrc error) noexcept {
  return {static_cast<int>(error), breaker_category()};
}

namespace detail {

BreakerSettings resolve_breaker_settings(BreakerSettings settings) {
  check_not_negative(settings.name, "interval", settings.interval,
                     "never clears the counts while closed");
  check_not_negative(settings.name, "timeout", settings.timeout, "selects 60 s");

  if (settings.max_requests == 0) {
    settings.max_requests = 1;
  }
  if (settings.timeout == std::chrono::nanoseconds::zero()) {
    settings.timeout = kDefaultTimeout;
  }
  if (!settings.ready_to_trip) {
    settings.ready_to_trip = [](const BreakerCounts& counts) {
      return counts.consecutive_failures > kDefaultMaxConsecutiveFailures;
    };
  }
  if (!settings.is_successful) {
    settings.is_successful = [](std::error_code error) { return !error; };
  }
  return settings;
}

std::chrono::steady_clock::time_point saturating_add(std::chrono::steady_clock::time_point time,
                                                     std::chrono::nanoseconds duration) noexcept {
  using Duration = std::chrono::steady_clock::duration;
  static_assert(std::is_same_v<Duration, std::chrono::nanoseconds>,
                "the breakers assume steady_clock counts nanoseconds, as libstdc++'s does");

  Duration::rep sum = 0;
  if (__builtin_add_overflow(time.time_since_epoch().count(), duration.count(), &sum)) {
    return std::chrono::steady_clock::time_point::max();
  }
  return std::chrono::steady_clock::time_point(Duration(sum));
}

void notify_state_change(const BreakerSettings& settings,
                         const std::optional<BreakerTransition>& transition) {
  if (transition.has_value() && settings.on_state_change) {
    settings.on_state_change(settings.name, transition->from, transition->to);
  }
}

}  // namespace detail
}  // namespace paybench
