#include "paybench/metrics/latency_histogram.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace paybench {
namespace {

int checked_sub_bucket_bits(int sub_bucket_bits) {
  const bool in_range = sub_bucket_bits >= LatencyHistogram::kMinSubBucketBits &&
                        sub_bucket_bits <= LatencyHistogram::kMaxSubBucketBits;
  if (!in_range) {
    throw std::invalid_argument("LatencyHistogram sub_bucket_bits " +
                                std::to_string(sub_bucket_bits) + " is invalid: expected " +
                                std::to_string(LatencyHistogram::kMinSubBucketBits) + " to " +
                                std::to_string(LatencyHistogram::kMaxSubBucketBits));
  }
  return sub_bucket_bits;
}

// Formats `value` with the fewest digits that read back as the same double.
std::string format_double(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

}  // namespace

LatencyHistogram::LatencyHistogram(int sub_bucket_bits)
    : sub_bucket_bits_(checked_sub_bucket_bits(sub_bucket_bits)),
      sub_bucket_count_(std::uint64_t{1} << sub_bucket_bits_),
      bucket_count_(static_cast<std::size_t>(kTrackedBits - sub_bucket_bits_ + 1)
                    << sub_bucket_bits_),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bucket_count_)) {}

void LatencyHistogram::throw_negative_latency(std::chrono::nanoseconds latency) {
  throw std::invalid_argument("LatencyHistogram cannot record the negative duration " +
                              std::to_string(latency.count()) +
                              " ns: pass a duration >= 0, such as end - start with end read "
                              "after start from a monotonic clock");
}

std::chrono::nanoseconds LatencyHistogram::percentile(double p) const {
  const bool is_valid = p > 0.0 && p <= 100.0;  // false for NaN
  if (!is_valid) {
    throw std::invalid_argument("LatencyHistogram percentile " + format_double(p) +
                                " is invalid: expected 0 < p <= 100");
  }

  const std::uint64_t total = count();
  if (total == 0) {
    return std::chrono::nanoseconds(0);
  }

  // Nearest rank: the smallest sample such that at least p% of the samples are <= it.
  const double exact_rank = std::ceil(p * static_cast<double>(total) / 100.0);
  const std::uint64_t rank =
      std::clamp<std::uint64_t>(static_cast<std::uint64_t>(exact_rank), 1, total);

  const std::uint64_t lowest = min_ns_.load(std::memory_order_relaxed);
  const std::uint64_t highest = max_ns_.load(std::memory_order_relaxed);
  // A reset() concurrent with this call can leave min above max. Clamping is then skipped.
  const bool can_clamp = lowest <= highest;

  std::uint64_t cumulative = 0;
  for (std::size_t index = 0; index < bucket_count_; ++index) {
    cumulative += buckets_[index].load(std::memory_order_relaxed);
    if (cumulative >= rank) {
      const std::uint64_t reported = bucket_midpoint(index);
      const std::uint64_t clamped = can_clamp ? std::clamp(reported, lowest, highest) : reported;
      return std::chrono::nanoseconds(static_cast<std::int64_t>(clamped));
    }
  }

  // Reached only when a concurrent reset() emptied buckets after count() read them.
  return max();
}

std::uint64_t LatencyHistogram::count() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t index = 0; index < bucket_count_; ++index) {
    total += buckets_[index].load(std::memory_order_relaxed);
  }
  return total;
}

std::chrono::nanoseconds LatencyHistogram::min() const noexcept {
  const std::uint64_t lowest = min_ns_.load(std::memory_order_relaxed);
  const bool is_empty = lowest == kEmptyMin;
  return std::chrono::nanoseconds(is_empty ? 0 : static_cast<std::int64_t>(lowest));
}

std::chrono::nanoseconds LatencyHistogram::max() const noexcept {
  return std::chrono::nanoseconds(
      static_cast<std::int64_t>(max_ns_.load(std::memory_order_relaxed)));
}

std::chrono::duration<double, std::nano> LatencyHistogram::mean() const noexcept {
  const std::uint64_t total = count();
  if (total == 0) {
    return std::chrono::duration<double, std::nano>(0.0);
  }
  const std::uint64_t sum = sum_ns_.load(std::memory_order_relaxed);
  return std::chrono::duration<double, std::nano>(static_cast<double>(sum) /
                                                  static_cast<double>(total));
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (&other == this) {
    throw std::invalid_argument(
        "LatencyHistogram::merge cannot merge a histogram into itself: merge into another "
        "histogram");
  }
  if (other.sub_bucket_bits_ != sub_bucket_bits_) {
    throw std::invalid_argument(
        "LatencyHistogram::merge needs equal sub_bucket_bits, but this histogram has " +
        std::to_string(sub_bucket_bits_) + " and the other has " +
        std::to_string(other.sub_bucket_bits_) + ": create both with the same value");
  }

  for (std::size_t index = 0; index < bucket_count_; ++index) {
    const std::uint64_t bucket = other.buckets_[index].load(std::memory_order_relaxed);
    if (bucket != 0) {
      buckets_[index].fetch_add(bucket, std::memory_order_relaxed);
    }
  }
  sum_ns_.fetch_add(other.sum_ns_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  saturated_count_.fetch_add(other.saturated_count_.load(std::memory_order_relaxed),
                             std::memory_order_relaxed);
  // An empty `other` has min kEmptyMin and max 0, which change nothing here.
  lower_min(other.min_ns_.load(std::memory_order_relaxed));
  raise_max(other.max_ns_.load(std::memory_order_relaxed));
}

void LatencyHistogram::reset() noexcept {
  for (std::size_t index = 0; index < bucket_count_; ++index) {
    buckets_[index].store(0, std::memory_order_relaxed);
  }
  sum_ns_.store(0, std::memory_order_relaxed);
  min_ns_.store(kEmptyMin, std::memory_order_relaxed);
  max_ns_.store(0, std::memory_order_relaxed);
  saturated_count_.store(0, std::memory_order_relaxed);
}

double LatencyHistogram::max_relative_error() const noexcept {
  return std::ldexp(1.0, -(sub_bucket_bits_ + 1));
}

std::uint64_t LatencyHistogram::bucket_midpoint(std::size_t index) const noexcept {
  if (index < sub_bucket_count_) {
    return index;
  }
  // The inverse of bucket_index(): group g >= 1 covers exponent e = g + k - 1 in sub-buckets of
  // width 2^(g-1).
  const int shift = static_cast<int>(index >> sub_bucket_bits_) - 1;
  const std::uint64_t sub_bucket = index & (sub_bucket_count_ - 1);
  const std::uint64_t lowest = (sub_bucket_count_ + sub_bucket) << shift;
  const std::uint64_t width = std::uint64_t{1} << shift;
  return lowest + width / 2;
}

}  // namespace paybench
