// Histogram: counts observations in buckets with explicit upper bounds, as a Prometheus histogram
// does, and keeps their count and sum.
//
// Contract:
// - Bucket i counts the values v with upper_bounds[i-1] < v <= upper_bounds[i], so a value equal
//   to a bound falls in that bound's bucket. Values above the last bound fall in one more
//   bucket, the overflow bucket (the "+Inf" bucket of Prometheus). With bounds {10, 20, 30, 40},
//   5 and 10 go to bucket 0, 10.5 to bucket 1 and 45 to bucket 4, the overflow.
// - -Inf falls in bucket 0 and +Inf in the overflow bucket. Both also enter the sum, which then
//   stays infinite (or becomes NaN once it has seen both). The Prometheus Go client
//   (client_golang) places and sums them the same way.
// - NaN observations are dropped: they enter no bucket, the count or the sum, because one NaN
//   would turn the exported sum into NaN for the rest of the process. nan_count() counts them,
//   so a caller that produces NaN can detect it.
// - observe() may be called from any thread at once and is lock-free: one relaxed fetch_add on
//   the bucket and one on the sum. The sum is a std::atomic<double>, whose fetch_add libstdc++
//   implements as a compare-and-swap loop, rather than fixed point, so that it accepts any
//   finite value without a scale or a range to choose.
// - Reads while observations run see each bucket and the sum at slightly different moments, so
//   a snapshot's sum may include an observation that its buckets miss, or the other way round.
//   A snapshot's count is the sum of its buckets, so it always equals the cumulative count of
//   the overflow bucket, as the Prometheus text format requires.

#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "paybench/memory/thread_cache.h"  // kCacheLineSize

namespace paybench {

// The state of a Histogram read at one moment (see the Histogram contract for what concurrent
// observations do to it).
struct HistogramSnapshot {
  // Non-cumulative counts, one per upper bound and then the overflow bucket.
  std::vector<std::uint64_t> bucket_counts;
  // Sum of bucket_counts.
  std::uint64_t count = 0;
  // Sum of the observed values.
  double sum = 0.0;
};

class Histogram {
 public:
  // Creates a histogram with the given bucket upper bounds. Throws std::invalid_argument, naming
  // the bad value and its index, unless the bounds are non-empty, finite and strictly increasing.
  // The overflow bucket is implicit, so +Inf is not a valid bound.
  explicit Histogram(std::vector<double> upper_bounds);

  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts `value` in its bucket and adds it to the sum, or only increments nan_count() for NaN.
  void observe(double value) noexcept {
    if (std::isnan(value)) [[unlikely]] {
      nan_count_.fetch_add(1, std::memory_order_relaxed);
      return;
    }

    // The first bound >= value is the value's bucket, so a value equal to a bound goes there.
    // No bound >= value gives upper_bounds_.size(), the index of the overflow bucket.
    const auto bound = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
    const auto index = static_cast<std::size_t>(bound - upper_bounds_.begin());

    // Relaxed: observations order nothing else, and each read-modify-write counts exactly once.
    buckets_[index].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  [[nodiscard]] const std::vector<double>& upper_bounds() const noexcept { return upper_bounds_; }

  // Returns the number of buckets: one per upper bound plus the overflow bucket.
  [[nodiscard]] std::size_t bucket_count() const noexcept { return upper_bounds_.size() + 1; }

  // Reads every bucket and the sum. Allocates the snapshot's vector.
  [[nodiscard]] HistogramSnapshot snapshot() const;

  // Returns the number of observations, excluding NaN, by summing the buckets.
  [[nodiscard]] std::uint64_t count() const noexcept;

  // Returns the sum of the observations, excluding NaN.
  [[nodiscard]] double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

  // Returns the number of NaN observations, which observe() dropped.
  [[nodiscard]] std::uint64_t nan_count() const noexcept {
    return nan_count_.load(std::memory_order_relaxed);
  }

 private:
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
                "Histogram needs lock-free 64-bit atomics");
  static_assert(std::atomic<double>::is_always_lock_free,
                "Histogram needs lock-free double atomics");

  // Read-only after construction.
  const std::vector<double> upper_bounds_;
  // upper_bounds_.size() + 1 counters, written by any observing thread.
  const std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;

  // Written by any observing thread. On its own cache line, so that writes to it do not evict
  // the read-only fields above from other cores.
  alignas(kCacheLineSize) std::atomic<double> sum_{0.0};
  // Written by threads that observe NaN.
  std::atomic<std::uint64_t> nan_count_{0};
};

}  // namespace paybench
