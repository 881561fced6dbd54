// Checks of the constructor arguments that every rate limiter shares, so that RateLimiter and
// GcraRateLimiter reject the same values with the same message.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

namespace paybench::detail {

// Returns `limit`, or throws std::invalid_argument naming `limiter` when it is NaN or negative.
inline double checked_limit(std::string_view limiter, double limit) {
  const bool is_valid = !std::isnan(limit) && limit >= 0.0;
  if (!is_valid) {
    throw std::invalid_argument(std::string(limiter) + " limit " + std::to_string(limit) +
                                " is invalid: expected events per second >= 0, or infinity for "
                                "no limit");
  }
  return limit;
}

// Returns `burst`, or throws std::invalid_argument naming `limiter` when it is negative.
inline int checked_burst(std::string_view limiter, int burst) {
  if (burst < 0) {
    throw std::invalid_argument(std::string(limiter) + " burst " + std::to_string(burst) +
                                " is invalid: expected a number of tokens >= 0");
  }
  return burst;
}

}  // namespace paybench::detail
