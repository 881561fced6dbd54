// GcraRateLimiter: a lock-free rate limiter for the hot path, built on the generic cell rate
// algorithm (GCRA). It makes the same admission decisions as RateLimiter::allow_n, from one
// atomic word.
//
// Contract:
// - The bucket contains at most `burst` tokens, starts full and refills at `limit` tokens per
//   second, fractions included. allow_n takes n tokens only when all of them are there, so it
//   never goes into debt. An infinite limit admits every request.
// - State: the theoretical arrival time (TAT), the time at which the bucket will be full again.
//   With the emission interval T = 1 / limit, a request for n tokens at `now` is admitted when
//   max(TAT, now) + n * T - now <= burst * T, and then moves TAT to max(TAT, now) + n * T. This
//   is the token bucket restated: the tokens at `now` are burst - max(TAT - now, 0) / T.
// - Time is counted in ticks of 1/8 ns in a signed 64-bit integer. T is rounded to a tick, so
//   the rate differs from `limit` by at most 0.5 tick per T: 0.6% at 10^8 events per second,
//   0.006% at 10^6. Readings later than 2^62 ticks (18 years after the clock's epoch) saturate.
// - A bucket that needs more than kMaxRefillWindow (2^61 ticks, about 9 years) to refill from
//   empty is treated as never refilling: like a limit of 0, it admits its initial burst and
//   then nothing. So tiny limits such as 1e-10 per second cannot overflow.
// - Time is injected as in RateLimiter. A `now` earlier than a previous one finds TAT further
//   ahead and so finds fewer tokens, never more.
// - Clock choice: steady_clock::now() costs more than a decision here (about 21 ns against
//   about 4 ns on a 2 vCPU AMD EPYC). CoarseSteadyClock costs about 3.4 ns but advances in
//   ticks (4 ms with CONFIG_HZ=250). Under a ticking clock the tokens of a whole tick arrive at
//   once and the bucket caps them at burst, so the limiter admits at most burst per tick:
//   min(limit, burst / tick). Give such a limiter a burst of at least limit x 10 ms, which also
//   covers the skipped ticks of a tickless kernel. Over longer spans the admissions still follow
//   burst + limit x elapsed, with `elapsed` late by up to one clock lag.
// - Concurrency: every member function may run on any thread at once. allow_n is lock-free: it
//   loads TAT and, to admit, publishes the new TAT with a compare-and-swap, retried while other
//   threads win. A rejection writes nothing. Admissions happen as if the callers ran one at a
//   time in the order of their successful compare-and-swaps.
//
// What it does not do, unlike RateLimiter: reservations, waiting and changing the limit or burst.
// Those need the limit and TAT to change together, which takes a lock or a two-word atomic. To
// reconfigure, construct a new limiter and publish it to the callers.

#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>

namespace paybench {

class GcraRateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // One tick is 1/kTicksPerNanosecond ns.
  static constexpr std::int64_t kTicksPerNanosecond = 8;
  // Refill windows above this many ticks mean "never refills".
  static constexpr std::int64_t kMaxRefillWindow = std::int64_t{1} << 61;

  // Creates a limiter that admits `limit` events per second with bursts of up to `burst` events,
  // and whose bucket starts full. Throws std::invalid_argument when `limit` is NaN or negative or
  // when `burst` is negative. Pass std::numeric_limits<double>::infinity() for no limit.
  GcraRateLimiter(double limit, int burst);

  GcraRateLimiter(const GcraRateLimiter&) = delete;
  GcraRateLimiter& operator=(const GcraRateLimiter&) = delete;

  // Takes one token if the bucket has it at `now`. Returns whether the event may happen.
  [[nodiscard]] bool allow(TimePoint now) noexcept { return allow_n(now, 1); }

  // Takes `n` tokens if the bucket has all of them at `now`, and otherwise takes none. Returns
  // whether the n events may happen: always for n == 0 or an infinite limit, never for a
  // negative n or for n > burst.
  [[nodiscard]] bool allow_n(TimePoint now, int n) noexcept {
    if (n == 0 || is_unlimited_) {
      return true;
    }
    if (n < 0 || n > burst_) {
      return false;
    }

    const std::int64_t now_ticks = refills_ ? to_ticks(now) : 0;
    const std::int64_t increment = n * interval_ticks_;
    std::int64_t tat = tat_ticks_.load(std::memory_order_relaxed);
    while (true) {
      const std::int64_t new_tat = std::max(tat, now_ticks) + increment;
      if (new_tat - now_ticks > window_ticks_) {
        return false;
      }
      // Relaxed is enough: TAT guards no other memory, and the compare-and-swap alone orders
      // the admissions, because every update of one atomic word has one total order.
      if (tat_ticks_.compare_exchange_weak(tat, new_tat, std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
        return true;
      }
    }
  }

  // Takes as many of `max_n` tokens as the bucket has at `now`, and returns how many it took:
  // from 0 to max_n, and max_n for an infinite limit. Used to hand tokens out in batches.
  [[nodiscard]] int take_up_to(TimePoint now, int max_n) noexcept {
    if (max_n <= 0) {
      return 0;
    }
    if (is_unlimited_) {
      return max_n;
    }

    const std::int64_t now_ticks = refills_ ? to_ticks(now) : 0;
    std::int64_t tat = tat_ticks_.load(std::memory_order_relaxed);
    while (true) {
      const std::int64_t base = std::max(tat, now_ticks);
      const std::int64_t room_ticks = window_ticks_ - (base - now_ticks);
      const std::int64_t available = room_ticks <= 0 ? 0 : room_ticks / interval_ticks_;
      const int tokens_taken = static_cast<int>(std::min<std::int64_t>(available, max_n));
      if (tokens_taken == 0) {
        return 0;
      }
      // Relaxed for the reason given in allow_n.
      if (tat_ticks_.compare_exchange_weak(tat, base + tokens_taken * interval_ticks_,
                                           std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
        return tokens_taken;
      }
    }
  }

  // Returns the tokens the bucket contains at `now`. Does not change the limiter.
  [[nodiscard]] double tokens_at(TimePoint now) const noexcept;

  [[nodiscard]] double limit() const noexcept { return limit_; }
  [[nodiscard]] int burst() const noexcept { return burst_; }

 private:
  // Converts a time point to ticks, saturating at kMaxNowTicks so that adding a refill window
  // cannot overflow. Time points before the epoch saturate at -kMaxNowTicks.
  static std::int64_t to_ticks(TimePoint now) noexcept {
    constexpr std::int64_t kMaxNanoseconds = kMaxNowTicks / kTicksPerNanosecond;
    const std::int64_t nanoseconds = std::clamp<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(),
        -kMaxNanoseconds, kMaxNanoseconds);
    return nanoseconds * kTicksPerNanosecond;
  }

  static constexpr std::int64_t kMaxNowTicks = std::int64_t{1} << 62;
  // TAT before the first admission: behind any time, so the bucket starts full.
  static constexpr std::int64_t kInitialTat = std::numeric_limits<std::int64_t>::min();

  const double limit_;
  const int burst_;
  const bool is_unlimited_;
  // False when the bucket never refills. Time is then ignored: TAT counts the tokens taken, with
  // an interval of one tick per token and a window of `burst` ticks.
  const bool refills_;
  const std::int64_t interval_ticks_;  // T, in ticks per token.
  const std::int64_t window_ticks_;    // burst * T: how far TAT may run ahead of now.

  // Written by admitting callers of allow_n, with compare-and-swap.
  alignas(64) std::atomic<std::int64_t> tat_ticks_{kInitialTat};
};

static_assert(std::atomic<std::int64_t>::is_always_lock_free,
              "GcraRateLimiter needs a lock-free 64-bit atomic");

}  // namespace paybench
