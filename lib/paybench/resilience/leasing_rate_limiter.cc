#include "paybench/resilience/leasing_rate_limiter.h"

#include <stdexcept>
#include <string>

namespace paybench {
namespace {

int checked_lease_size(int lease_size, int burst) {
  const bool is_valid = lease_size >= 1 && (burst == 0 || lease_size <= burst);
  if (!is_valid) {
    throw std::invalid_argument("LeasingRateLimiter lease size " + std::to_string(lease_size) +
                                " is invalid: expected 1 to the burst (" +
                                std::to_string(burst) + ")");
  }
  return lease_size;
}

}  // namespace

LeasingRateLimiter::LeasingRateLimiter(double limit, int burst, int lease_size)
    : shared_(limit, burst), lease_size_(checked_lease_size(lease_size, shared_.burst())) {}

bool LeasingRateLimiter::allow_without_shard(TimePoint now) noexcept {
  // acquire_thread_index() may allocate on a thread's first call. Out of memory there, or a
  // thread that is exiting, decides without a shard.
  std::size_t index = kUnassignedThreadIndex;
  if (current_thread_index() == kUnassignedThreadIndex) {
    try {
      index = acquire_thread_index();
    } catch (...) {
      index = kUnassignedThreadIndex;
    }
  }
  if (index < kMaxShards) {
    return allow(now);
  }
  return shared_.allow(now);
}

}  // namespace paybench
