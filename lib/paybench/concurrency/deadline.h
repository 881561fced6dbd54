// deadline_after: converts a relative timeout into a std::chrono::steady_clock deadline without
// overflow, for the `*_for` operations of the queues.

#pragma once

#include <chrono>

namespace paybench {

// Returns steady_clock::now() + timeout, rounded up to the clock's tick. A zero or negative
// timeout returns now(), and a timeout too long to represent (such as hours::max()) returns
// time_point::max(), which means "wait without a limit". Adding the timeout directly, as
// std::condition_variable::wait_for does in libstdc++ 12, would overflow for such values.
template <class Rep, class Period>
[[nodiscard]] std::chrono::steady_clock::time_point deadline_after(
    std::chrono::duration<Rep, Period> timeout) {
  using Clock = std::chrono::steady_clock;
  using Seconds = std::chrono::duration<double>;

  const Clock::time_point now = Clock::now();
  if (timeout <= timeout.zero()) {
    return now;
  }

  // The comparison runs in floating-point seconds because converting `timeout` to the clock's
  // nanoseconds is exactly the step that can overflow.
  const Clock::duration remaining = Clock::time_point::max() - now;
  const bool exceeds_clock_range = Seconds(timeout) >= Seconds(remaining);
  if (exceeds_clock_range) {
    return Clock::time_point::max();
  }
  return now + std::chrono::ceil<Clock::duration>(timeout);
}

}  // namespace paybench
