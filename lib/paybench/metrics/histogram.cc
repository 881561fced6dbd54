#include "paybench/metrics/histogram.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace paybench {
namespace {

// Formats `value` with the fewest digits that read back as the same double ("0.05", not
// "0.050000").
std::string format_bound(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::vector<double> checked_upper_bounds(std::vector<double> upper_bounds) {
  if (upper_bounds.empty()) {
    throw std::invalid_argument(
        "Histogram upper bounds are empty: pass at least one finite bound, in increasing order "
        "(the overflow bucket above the last bound is implicit)");
  }

  for (std::size_t index = 0; index < upper_bounds.size(); ++index) {
    const double bound = upper_bounds[index];
    if (!std::isfinite(bound)) {
      throw std::invalid_argument(
          "Histogram upper bound " + format_bound(bound) + " at index " + std::to_string(index) +
          " is invalid: bounds must be finite (the overflow bucket above the last bound is "
          "implicit, so leave out +Inf)");
    }

    const bool is_increasing = index == 0 || upper_bounds[index - 1] < bound;
    if (!is_increasing) {
      throw std::invalid_argument(
          "Histogram upper bound " + format_bound(bound) + " at index " + std::to_string(index) +
          " is invalid: it must be greater than the previous bound " +
          format_bound(upper_bounds[index - 1]) + ", because bounds must be strictly increasing");
    }
  }
  return upper_bounds;
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(checked_upper_bounds(std::move(upper_bounds))),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot snapshot;
  snapshot.bucket_counts.reserve(bucket_count());
  for (std::size_t index = 0; index < bucket_count(); ++index) {
    const std::uint64_t bucket = buckets_[index].load(std::memory_order_relaxed);
    snapshot.bucket_counts.push_back(bucket);
    snapshot.count += bucket;
  }
  snapshot.sum = sum();
  return snapshot;
}

std::uint64_t Histogram::count() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t index = 0; index < bucket_count(); ++index) {
    total += buckets_[index].load(std::memory_order_relaxed);
  }
  return total;
}

}  // namespace paybench
