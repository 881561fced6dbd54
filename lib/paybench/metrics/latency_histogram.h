// LatencyHistogram: a log-linear histogram of durations in nanoseconds, in the style of
// HdrHistogram, whose percentiles have a bounded relative error.
//
// Buckets: with k = sub_bucket_bits(), the values 0 to 2^k - 1 ns each have a bucket of their
// own. Above that, every power-of-two range [2^e, 2^(e+1)) is split into 2^k linear sub-buckets
// of width 2^(e-k). A bucket's width is therefore at most 2^-k of the smallest value in it.
//
// Error bound: percentile(p) reports the middle of the bucket that contains the exact
// nearest-rank percentile x (the sample of rank ceil(p / 100 * count) in sorted order), clamped
// to [min(), max()]. So the reported value differs from x by at most x * 2^-(k+1), which
// max_relative_error() returns: 1/256 (0.39%) for the default k = 7. Values below 2^k ns are
// reported exactly. The bound holds for samples up to kHighestTrackable.
//
// Range: 0 ns to kHighestTrackable, 2^42 - 1 ns (about 73.3 minutes). A larger value is recorded
// as kHighestTrackable, in its bucket, the sum, min() and max(), and saturated_count() counts
// it. Negative durations are rejected.
//
// Memory: (43 - k) * 2^k buckets of 8 bytes, 36 KiB for k = 7.
//
// Thread safety: record(), merge() into this histogram, and every reader may run at once from
// any thread. record() is lock-free: a relaxed fetch_add on the bucket and on the sum, plus a
// compare-and-swap on min or max only when the value is a new minimum or maximum. Readers see
// concurrent records in part (each field is read at a slightly different moment), and reset()
// concurrent with record() may keep some of those records. Once the recording threads are
// joined, every reader reflects all of their records.

#pragma once

#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>

#include "paybench/memory/thread_cache.h"  // kCacheLineSize

namespace paybench {

class LatencyHistogram {
 public:
  // Default k: 128 sub-buckets per power of two, a relative error of at most 1/256.
  static constexpr int kDefaultSubBucketBits = 7;
  static constexpr int kMinSubBucketBits = 1;
  // 12 gives 126,976 buckets (992 KiB) and a relative error of at most 1/8192.
  static constexpr int kMaxSubBucketBits = 12;
  // Largest value recorded as itself: 2^42 - 1 ns, about 73.3 minutes.
  static constexpr std::chrono::nanoseconds kHighestTrackable{(std::int64_t{1} << 42) - 1};

  // Creates an empty histogram with 2^sub_bucket_bits sub-buckets per power of two. Throws
  // std::invalid_argument unless kMinSubBucketBits <= sub_bucket_bits <= kMaxSubBucketBits.
  explicit LatencyHistogram(int sub_bucket_bits = kDefaultSubBucketBits);

  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  // Records one duration. Lock-free. Throws std::invalid_argument for a negative duration.
  void record(std::chrono::nanoseconds latency) {
    if (latency.count() < 0) [[unlikely]] {
      throw_negative_latency(latency);
    }

    auto value = static_cast<std::uint64_t>(latency.count());
    if (value > kHighestTrackableNs) [[unlikely]] {
      saturated_count_.fetch_add(1, std::memory_order_relaxed);
      value = kHighestTrackableNs;
    }

    // Relaxed throughout: the histogram publishes nothing besides its own counts.
    buckets_[bucket_index(value)].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(value, std::memory_order_relaxed);
    lower_min(value);
    raise_max(value);
  }

  // Returns the p-th percentile (0 < p <= 100) of the recorded durations, within the relative
  // error described above, or 0 ns when the histogram is empty. Reads every bucket up to twice.
  // Throws std::invalid_argument when p is outside (0, 100] or NaN.
  [[nodiscard]] std::chrono::nanoseconds percentile(double p) const;

  // Returns the number of recorded durations, by summing every bucket.
  [[nodiscard]] std::uint64_t count() const noexcept;

  // Returns the smallest recorded duration, exact, or 0 ns when the histogram is empty.
  [[nodiscard]] std::chrono::nanoseconds min() const noexcept;

  // Returns the largest recorded duration, exact up to kHighestTrackable, or 0 ns when the
  // histogram is empty.
  [[nodiscard]] std::chrono::nanoseconds max() const noexcept;

  // Returns the mean of the recorded durations, exact up to the rounding of the division, or
  // 0 ns when the histogram is empty. The sum wraps after 2^64 ns (about 584 years) in total.
  [[nodiscard]] std::chrono::duration<double, std::nano> mean() const noexcept;

  // Returns the number of durations above kHighestTrackable that were recorded as it.
  [[nodiscard]] std::uint64_t saturated_count() const noexcept {
    return saturated_count_.load(std::memory_order_relaxed);
  }

  // Adds every duration recorded in `other` to this histogram, as if they had been recorded
  // here. Throws std::invalid_argument when `other` has a different sub_bucket_bits() or is this
  // histogram.
  void merge(const LatencyHistogram& other);

  // Empties the histogram.
  void reset() noexcept;

  [[nodiscard]] int sub_bucket_bits() const noexcept { return sub_bucket_bits_; }

  // Returns the bound on the relative error of percentile(): 2^-(sub_bucket_bits() + 1).
  [[nodiscard]] double max_relative_error() const noexcept;

  [[nodiscard]] std::size_t bucket_count() const noexcept { return bucket_count_; }

 private:
  static constexpr auto kHighestTrackableNs = static_cast<std::uint64_t>(kHighestTrackable.count());
  // Number of bits of kHighestTrackableNs: values have exponents 0 to kTrackedBits - 1.
  static constexpr int kTrackedBits = std::bit_width(kHighestTrackableNs);
  // Value of min_ns_ while the histogram is empty.
  static constexpr std::uint64_t kEmptyMin = std::numeric_limits<std::uint64_t>::max();

  static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
                "LatencyHistogram needs lock-free 64-bit atomics");

  [[noreturn]] static void throw_negative_latency(std::chrono::nanoseconds latency);

  // Returns the bucket of a value <= kHighestTrackableNs. Values below 2^k map to themselves.
  // A value with exponent e >= k (2^e <= value < 2^(e+1)) maps to group e - k + 1, whose 2^k
  // sub-buckets each cover 2^(e-k) values. The groups continue the linear range without a gap.
  std::size_t bucket_index(std::uint64_t value) const noexcept {
    if (value < sub_bucket_count_) {
      return static_cast<std::size_t>(value);
    }
    const int exponent = std::bit_width(value) - 1;
    const int shift = exponent - sub_bucket_bits_;
    const std::size_t group = static_cast<std::size_t>(shift) + 1;
    const std::uint64_t sub_bucket = (value >> shift) - sub_bucket_count_;
    return (group << sub_bucket_bits_) + static_cast<std::size_t>(sub_bucket);
  }

  // Returns the value that percentile() reports for a sample in bucket `index`: the bucket's
  // lowest value plus half its width, which is at most half a width from any value in it.
  std::uint64_t bucket_midpoint(std::size_t index) const noexcept;

  void lower_min(std::uint64_t value) noexcept {
    std::uint64_t current = min_ns_.load(std::memory_order_relaxed);
    // A failed compare-and-swap reloads `current`, so the loop ends once the stored minimum is
    // no greater than `value`.
    while (value < current &&
           !min_ns_.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
    }
  }

  void raise_max(std::uint64_t value) noexcept {
    std::uint64_t current = max_ns_.load(std::memory_order_relaxed);
    while (value > current &&
           !max_ns_.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
    }
  }

  // Read-only after construction.
  const int sub_bucket_bits_;
  const std::uint64_t sub_bucket_count_;  // 2^sub_bucket_bits_
  const std::size_t bucket_count_;
  // bucket_count_ counters, written by every recording thread.
  const std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;

  // Written by every recording thread. The first starts a new cache line, so that writes to
  // these fields do not evict the read-only fields above from other cores.
  alignas(kCacheLineSize) std::atomic<std::uint64_t> sum_ns_{0};
  std::atomic<std::uint64_t> min_ns_{kEmptyMin};
  std::atomic<std::uint64_t> max_ns_{0};
  std::atomic<std::uint64_t> saturated_count_{0};
};

}  // namespace paybench
