// Gauge: a value that goes up and down, such as requests in flight or a queue's depth.
//
// The value is a double because a Prometheus sample value is a 64-bit float, and gauges often
// contain fractions (seconds, ratios, bytes per second). The price is that integers are exact
// only up to 2^53, and add() or sub() of a small amount to a large value rounds like any
// floating-point addition. A gauge that counts things exactly beyond 2^53 needs another type.
//
// Contract: every member function may be called from any thread at once and is lock-free.
// set() is a store. add() and sub() are atomic read-modify-writes, so concurrent adds never lose
// an update (std::atomic<double>::fetch_add, which libstdc++ implements as a compare-and-swap
// loop). All operations are relaxed: a gauge publishes nothing besides its own value.

#pragma once

#include <atomic>

namespace paybench {

class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  // Replaces the value. NaN and infinities are stored as given.
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }

  // Adds `amount`, which may be negative.
  void add(double amount) noexcept { value_.fetch_add(amount, std::memory_order_relaxed); }

  // Subtracts `amount`, which may be negative.
  void sub(double amount) noexcept { value_.fetch_sub(amount, std::memory_order_relaxed); }

  [[nodiscard]] double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  static_assert(std::atomic<double>::is_always_lock_free, "Gauge needs lock-free double atomics");

  std::atomic<double> value_{0.0};  // Written by any thread.
};

}  // namespace paybench
